//! Trip operations: navigation (always available), trip lifecycle, members and the iCalendar
//! export.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Addon, AddonSet, ops};
use crate::auth::scopes::Scope;
use crate::domain::collab_polls;
use crate::domain::common::Deleted;
use crate::domain::ics::{self, TripIcs};
use crate::domain::members::{
    self, AddTripMemberInput, Companion, CompanionList, CreateCompanionInput, MemberList,
    RemoveTripMemberInput,
};
use crate::domain::places::NoInput;
use crate::domain::trip_copy::{self, CopyTripInput};
use crate::domain::trips::{
    self, CreateTripInput, ListTripsInput, Trip, TripIdInput, TripSummary, UpdateTripInput,
};
use crate::domain::{Ctx, DomainError};
use crate::store::StoreError;

/// `list_trips` output.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TripList {
    pub trips: Vec<Trip>,
}

fn list_trips(cx: &Ctx<'_>, input: ListTripsInput) -> Result<TripList, DomainError> {
    Ok(TripList { trips: trips::list_trips(cx, input)? })
}

/// The summary, with the Collab add-on's poll and message counts while it is on.
fn get_trip_summary(cx: &Ctx<'_>, input: TripIdInput) -> Result<TripSummary, DomainError> {
    let mut summary = trips::get_trip_summary(cx, input)?;
    if AddonSet::load(cx.conn).map_err(StoreError::from)?.contains(Addon::Collab) {
        summary.collab = Some(collab_polls::counts_for_trip(cx, summary.trip.id)?);
    }
    Ok(summary)
}

ops! {
    ListTrips {
        name: "list_trips",
        title: "List trips",
        description: "List the trips you own or are a member of, upcoming first, with dates, currency and counts. \
            Archived trips are hidden unless include_archived is true. Start here to find a trip_id.",
        scope: None,
        addon: None,
        kind: Read,
        idempotent: true,
        input: ListTripsInput,
        output: TripList,
        run: list_trips,
        examples: ["{}", r#"{"include_archived": true}"#],
    }
    GetTripSummary {
        name: "get_trip_summary",
        title: "Get trip summary",
        description: "The whole trip in one call: metadata, members, days with planned places and notes, all places \
            (unassigned flagged), bookings, budget with settlement, packing, to-dos, collab notes and poll/message \
            counts. Load it before changing a trip.",
        scope: None,
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: TripSummary,
        run: get_trip_summary,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateTrip {
        name: "create_trip",
        title: "Create trip",
        description: "Create a trip with a title, optional dates (one day per date, at most 90) and currency (ISO \
            4217, default EUR). Returns the trip with its id.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateTripInput,
        output: Trip,
        run: trips::create_trip,
        examples: [r#"{"title": "Kyoto in spring", "start_date": "2027-04-01", "end_date": "2027-04-07", "currency": "JPY"}"#, r#"{"title": "Someday"}"#],
    }
    UpdateTrip {
        name: "update_trip",
        title: "Update trip",
        description: "Change a trip's title, description, dates or currency; omitted fields stay, null clears. \
            Dates add or remove days at the ends, deleting days outside with their plans (max 90): check \
            get_trip_summary first.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateTripInput,
        output: Trip,
        run: trips::update_trip,
        examples: [r#"{"trip_id": 1, "title": "Kyoto and Nara"}"#, r#"{"trip_id": 1, "start_date": "2027-04-02", "end_date": "2027-04-09", "currency": "CHF"}"#],
    }
    DeleteTrip {
        name: "delete_trip",
        title: "Delete trip",
        description: "Delete a trip and everything in it (days, places, assignments, notes). Irreversible; only the \
            trip's owner may do it. Confirm with the user before calling.",
        scope: Some(Scope::TripsDelete),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: TripIdInput,
        output: Deleted,
        run: trips::delete_trip,
        examples: [r#"{"trip_id": 1}"#],
    }
    CopyTrip {
        name: "copy_trip",
        title: "Copy trip",
        description: "Copy a trip you can see into a new trip you own: days, places, itinerary, bookings, budget, \
            packing (unchecked), to-dos (open) and collab notes, not share links.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CopyTripInput,
        output: Trip,
        run: trip_copy::copy_trip,
        examples: [r#"{"trip_id": 1}"#, r#"{"trip_id": 1, "title": "Kyoto again", "start_date": "2028-04-01"}"#],
    }
    ListTripMembers {
        name: "list_trip_members",
        title: "List trip members",
        description: "List the owner and the companions who are members of a trip, with their user ids. \
            Use the ids for set_assignment_participants or remove_trip_member.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: MemberList,
        run: members::list_trip_members,
        examples: [r#"{"trip_id": 1}"#],
    }
    AddTripMember {
        name: "add_trip_member",
        title: "Add trip member",
        description: "Add a companion profile to a trip by user_id or username (case-insensitive). Owner only; adding \
            a member again changes nothing. Returns the members.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: AddTripMemberInput,
        output: MemberList,
        run: members::add_trip_member,
        examples: [r#"{"trip_id": 1, "username": "Alex"}"#, r#"{"trip_id": 1, "user_id": 2}"#],
    }
    RemoveTripMember {
        name: "remove_trip_member",
        title: "Remove trip member",
        description: "Remove a member (not the owner) from a trip; they also stop being a participant of its \
            assignments. Owner only. Get user ids from list_trip_members.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: RemoveTripMemberInput,
        output: MemberList,
        run: members::remove_trip_member,
        examples: [r#"{"trip_id": 1, "user_id": 2}"#],
    }
    ListCompanions {
        name: "list_companions",
        title: "List companion profiles",
        description: "List the owner's companion profiles (people without a login who can be trip members, payers and \
            bag holders), by name.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: CompanionList,
        run: members::list_companions,
        examples: [r#"{}"#],
    }
    CreateCompanion {
        name: "create_companion",
        title: "Create companion profile",
        description: "Create a companion profile: a person travelling with the owner who has no login. Returns its \
            user_id for add_trip_member. Check list_companions first to avoid duplicates.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateCompanionInput,
        output: Companion,
        run: members::create_companion,
        examples: [r#"{"name": "Alex"}"#],
    }
    ExportTripIcs {
        name: "export_trip_ics",
        title: "Export trip as iCalendar",
        description: "Export a trip as iCalendar text (dates, planned places on dated days, reservations, stays; \
            floating local times). Save `ics` as a .ics file; stable UIDs make re-imports update events.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: TripIcs,
        run: ics::export_trip_ics,
        examples: [r#"{"trip_id": 1}"#],
    }
}
