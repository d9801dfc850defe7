//! Vacay sharing operations: the owner's plan shared with companion profiles (invites whose
//! answer the owner records, dissolving the shared plan).

use super::{Addon, ops};
use crate::auth::scopes::Scope;
use crate::domain::atlas::NoInput;
use crate::domain::vacay::VacayPlan;
use crate::domain::vacay_sharing::{self, VacayUserInput, VacayUsers};

ops! {
    GetAvailableVacayUsers {
        name: "get_available_vacay_users",
        title: "Companions to invite",
        description: "List companion profiles that are neither in your vacation plan nor invited.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: VacayUsers,
        run: vacay_sharing::get_available_vacay_users,
        examples: ["{}"],
    }
    SendVacayInvite {
        name: "send_vacay_invite",
        title: "Invite to vacation plan",
        description: "Invite a companion profile (user_id) to share your vacation plan.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: VacayUserInput,
        output: VacayPlan,
        run: vacay_sharing::send_vacay_invite,
        examples: [r#"{"user_id": 2}"#],
    }
    AcceptVacayInvite {
        name: "accept_vacay_invite",
        title: "Accept vacation invite",
        description: "Record that an invited companion (user_id) accepted: they join the plan.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: VacayUserInput,
        output: VacayPlan,
        run: vacay_sharing::accept_vacay_invite,
        examples: [r#"{"user_id": 2}"#],
    }
    DeclineVacayInvite {
        name: "decline_vacay_invite",
        title: "Decline vacation invite",
        description: "Record that an invited companion (user_id) declined; the invite is removed.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: VacayUserInput,
        output: VacayPlan,
        run: vacay_sharing::decline_vacay_invite,
        examples: [r#"{"user_id": 2}"#],
    }
    CancelVacayInvite {
        name: "cancel_vacay_invite",
        title: "Cancel vacation invite",
        description: "Withdraw a pending invite you sent to a companion (user_id).",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Delete,
        idempotent: false,
        input: VacayUserInput,
        output: VacayPlan,
        run: vacay_sharing::cancel_vacay_invite,
        examples: [r#"{"user_id": 2}"#],
    }
    DissolveVacayPlan {
        name: "dissolve_vacay_plan",
        title: "Dissolve shared plan",
        description: "Stop sharing your plan: companions leave with their days and allowances.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Delete,
        idempotent: false,
        input: NoInput,
        output: VacayPlan,
        run: vacay_sharing::dissolve_vacay_plan,
        examples: ["{}"],
    }
}
