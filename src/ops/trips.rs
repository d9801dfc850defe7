//! Trip operations: navigation (always available) and trip lifecycle.

use schemars::JsonSchema;
use serde::Serialize;

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::trips::{self, CreateTripInput, ListTripsInput, Trip, TripIdInput, TripSummary};
use crate::domain::{Ctx, DomainError};

/// `list_trips` output.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TripList {
    pub trips: Vec<Trip>,
}

fn list_trips(cx: &Ctx<'_>, input: ListTripsInput) -> Result<TripList, DomainError> {
    Ok(TripList { trips: trips::list_trips(cx, input)? })
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
        description: "The whole trip in one call: metadata, members and every day with what is planned on it. \
            Use it as your context loader before changing a trip.",
        scope: None,
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: TripSummary,
        run: trips::get_trip_summary,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateTrip {
        name: "create_trip",
        title: "Create trip",
        description: "Create a trip with a title and optional dates (YYYY-MM-DD) and currency (ISO 4217, default EUR). \
            One day is generated per date of the range, at most 90. Returns the new trip with its id.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateTripInput,
        output: Trip,
        run: trips::create_trip,
        examples: [r#"{"title": "Kyoto in spring", "start_date": "2027-04-01", "end_date": "2027-04-07", "currency": "JPY"}"#, r#"{"title": "Someday"}"#],
    }
}
