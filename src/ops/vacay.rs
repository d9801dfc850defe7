//! Vacay add-on operations: the user's vacation plan, years, days, company holidays and
//! statistics. Sharing is in `vacay_sharing`, holiday calendars in `vacay_calendars` (whose
//! prefetch stores the public holidays the operations here read).

use super::vacay_calendars::{prefetch_date, prefetch_year};
use super::{Addon, ops};
use crate::auth::scopes::Scope;
use crate::domain::atlas::NoInput;
use crate::domain::vacay::{
    self, ColorInput, DateInput, StatsInput, ToggleEntryInput, Toggled, UpdateStatsInput,
    UpdateVacayPlanInput, VacayEntries, VacayPlan, VacayStats, VacayYears, YearInput,
};

ops! {
    GetVacayPlan {
        name: "get_vacay_plan",
        title: "Get vacation plan",
        description: "Get your vacation plan: settings, colour, tracked years, members, pending invites and \
            holiday calendars. Start here for Vacay.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: VacayPlan,
        run: vacay::get_vacay_plan,
        examples: ["{}"],
    }
    UpdateVacayPlan {
        name: "update_vacay_plan",
        title: "Update vacation plan",
        description: "Change the plan's settings: block_weekends (weekends cannot be vacation days), \
            company_holidays_enabled, carry_over (unused days move to the next tracked year). Omitted stay.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: true,
        input: UpdateVacayPlanInput,
        output: VacayPlan,
        run: vacay::update_vacay_plan,
        examples: [r#"{"carry_over": false}"#, r#"{"block_weekends": true, "company_holidays_enabled": true}"#],
    }
    SetVacayColor {
        name: "set_vacay_color",
        title: "Set vacation colour",
        description: "Set your colour in the vacation calendar (hex like #22c55e).",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: true,
        input: ColorInput,
        output: VacayPlan,
        run: vacay::set_vacay_color,
        examples: [r##"{"color": "#22c55e"}"##],
    }
    ListVacayYears {
        name: "list_vacay_years",
        title: "List vacation years",
        description: "List the calendar years your vacation plan tracks, ascending.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: VacayYears,
        run: vacay::list_vacay_years,
        examples: ["{}"],
    }
    AddVacayYear {
        name: "add_vacay_year",
        title: "Add vacation year",
        description: "Start tracking a calendar year (1900-2200) in your vacation plan; days can be logged only \
            in tracked years. Adding a tracked year changes nothing.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: true,
        input: YearInput,
        output: VacayYears,
        run: vacay::add_vacay_year,
        prefetch: prefetch_year,
        examples: [r#"{"year": 2027}"#],
    }
    DeleteVacayYear {
        name: "delete_vacay_year",
        title: "Delete vacation year",
        description: "Stop tracking a year and delete its vacation days, company holidays and allowance.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Delete,
        idempotent: false,
        input: YearInput,
        output: VacayYears,
        run: vacay::delete_vacay_year,
        examples: [r#"{"year": 2026}"#],
    }
    GetVacayEntries {
        name: "get_vacay_entries",
        title: "Get vacation days",
        description: "Get the vacation days and company holidays of one year in your plan.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        kind: Read,
        idempotent: true,
        input: YearInput,
        output: VacayEntries,
        run: vacay::get_vacay_entries,
        examples: [r#"{"year": 2027}"#],
    }
    ToggleVacayEntry {
        name: "toggle_vacay_entry",
        title: "Toggle vacation day",
        description: "Log or remove a vacation day for you or a member (user_id); blocked weekends and \
            holidays are refused.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: ToggleEntryInput,
        output: Toggled,
        run: vacay::toggle_vacay_entry,
        prefetch: prefetch_date,
        examples: [r#"{"date": "2027-04-05"}"#],
    }
    ToggleCompanyHoliday {
        name: "toggle_company_holiday",
        title: "Toggle company holiday",
        description: "Mark a day (in a tracked year) as a company holiday — a day off for everyone that uses no \
            vacation day; vacation days logged on it are removed — or unmark it.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: DateInput,
        output: Toggled,
        run: vacay::toggle_company_holiday,
        examples: [r#"{"date": "2027-12-24"}"#],
    }
    GetVacayStats {
        name: "get_vacay_stats",
        title: "Get vacation statistics",
        description: "Get a tracked year's numbers for you or a member (user_id): allowance, carried over, \
            used, remaining, holidays.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        kind: Read,
        idempotent: true,
        input: StatsInput,
        output: VacayStats,
        run: vacay::get_vacay_stats,
        prefetch: prefetch_year,
        examples: [r#"{"year": 2027}"#],
    }
    UpdateVacayStats {
        name: "update_vacay_stats",
        title: "Set vacation allowance",
        description: "Set a tracked year's allowance (0-366 days) for you or a member; returns its stats.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: true,
        input: UpdateStatsInput,
        output: VacayStats,
        run: vacay::update_vacay_stats,
        prefetch: prefetch_year,
        examples: [r#"{"year": 2027, "allowance": 28}"#],
    }
}
