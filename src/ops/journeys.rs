//! Journeys add-on operations: travel narratives across trips, their dated entries, and share
//! links (scopes `journey:read`, `journey:write`, `journey:share`).

use super::{Addon, ops};
use crate::auth::scopes::Scope;
use crate::domain::common::Deleted;
use crate::domain::journeys::{
    self, CreateJourneyEntryInput, CreateJourneyInput, Journey, JourneyDetail, JourneyEntry,
    JourneyEntryIdInput, JourneyEntryList, JourneyIdInput, JourneyList, JourneyShareLink,
    ListJourneyEntriesInput, ListJourneysInput, UpdateJourneyEntryInput, UpdateJourneyInput,
};

ops! {
    ListJourneys {
        name: "list_journeys",
        title: "List journeys",
        description: "List your journeys (travel narratives across trips) and those you contribute to, recently \
            changed first, with entry counts, date range, trips and contributors.",
        scope: Some(Scope::JourneyRead),
        addon: Some(Addon::Journeys),
        kind: Read,
        idempotent: true,
        input: ListJourneysInput,
        output: JourneyList,
        run: journeys::list_journeys,
        examples: ["{}"],
    }
    GetJourney {
        name: "get_journey",
        title: "Get journey",
        description: "Get one journey with all its entries in date order, each with its trip and place names \
            and author.",
        scope: Some(Scope::JourneyRead),
        addon: Some(Addon::Journeys),
        kind: Read,
        idempotent: true,
        input: JourneyIdInput,
        output: JourneyDetail,
        run: journeys::get_journey,
        examples: [r#"{"journey_id": 1}"#],
    }
    CreateJourney {
        name: "create_journey",
        title: "Create journey",
        description: "Start a journey: a travel narrative that can span several trips. Optionally name companion \
            profiles (ids from list_companions) as contributors who may read it and write entries.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Write,
        idempotent: false,
        input: CreateJourneyInput,
        output: Journey,
        run: journeys::create_journey,
        examples: [
            r#"{"title": "Japan, year one", "description": "Everything we saw in 2027"}"#,
            r#"{"title": "Family summers", "contributor_ids": [2, 3]}"#
        ],
    }
    UpdateJourney {
        name: "update_journey",
        title: "Update journey",
        description: "Change a journey's title, description or contributors (the list replaces the old one). \
            Owner only. Omitted fields stay; null clears the description.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Write,
        idempotent: true,
        input: UpdateJourneyInput,
        output: Journey,
        run: journeys::update_journey,
        examples: [r#"{"journey_id": 1, "title": "Japan, years one and two"}"#, r#"{"journey_id": 1, "description": null, "contributor_ids": []}"#],
    }
    DeleteJourney {
        name: "delete_journey",
        title: "Delete journey",
        description: "Delete a journey with all its entries and its share link. Owner only. Trips and places stay.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Delete,
        idempotent: false,
        input: JourneyIdInput,
        output: Deleted,
        run: journeys::delete_journey,
        examples: [r#"{"journey_id": 1}"#],
    }
    ListJourneyEntries {
        name: "list_journey_entries",
        title: "List journey entries",
        description: "List a journey's entries in date order, optionally only those about one trip or within \
            a date range (from/to, YYYY-MM-DD, inclusive).",
        scope: Some(Scope::JourneyRead),
        addon: Some(Addon::Journeys),
        kind: Read,
        idempotent: true,
        input: ListJourneyEntriesInput,
        output: JourneyEntryList,
        run: journeys::list_journey_entries,
        examples: [r#"{"journey_id": 1}"#, r#"{"journey_id": 1, "trip_id": 4, "from": "2027-04-01", "to": "2027-04-07"}"#],
    }
    CreateJourneyEntry {
        name: "create_journey_entry",
        title: "Create journey entry",
        description: "Write a dated entry in a journey, optionally about a trip you can see and one of its places \
            (give trip_id with place_id). The owner may set author_id to a contributor who told the story.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Write,
        idempotent: false,
        input: CreateJourneyEntryInput,
        output: JourneyEntry,
        run: journeys::create_journey_entry,
        examples: [
            r#"{"journey_id": 1, "date": "2027-04-02", "title": "Fushimi Inari at dawn", "body": "We climbed before the crowds.", "trip_id": 4, "place_id": 12}"#,
            r#"{"journey_id": 1, "date": "2027-05-01", "body": "Home again."}"#
        ],
    }
    UpdateJourneyEntry {
        name: "update_journey_entry",
        title: "Update journey entry",
        description: "Edit an entry's date, text, title, trip or place. Omitted fields stay; null clears the \
            title, trip (and with it the place) or place. Contributors edit only their own entries.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Write,
        idempotent: true,
        input: UpdateJourneyEntryInput,
        output: JourneyEntry,
        run: journeys::update_journey_entry,
        examples: [r#"{"journey_id": 1, "entry_id": 5, "body": "We climbed before sunrise."}"#, r#"{"journey_id": 1, "entry_id": 5, "trip_id": null}"#],
    }
    DeleteJourneyEntry {
        name: "delete_journey_entry",
        title: "Delete journey entry",
        description: "Delete an entry from a journey. Contributors delete only their own entries.",
        scope: Some(Scope::JourneyWrite),
        addon: Some(Addon::Journeys),
        kind: Delete,
        idempotent: false,
        input: JourneyEntryIdInput,
        output: Deleted,
        run: journeys::delete_journey_entry,
        examples: [r#"{"journey_id": 1, "entry_id": 5}"#],
    }
    CreateJourneyShareLink {
        name: "create_journey_share_link",
        title: "Create journey share link",
        description: "Make a read-only link to a journey (its entries with trip and place names, no ids), or \
            return the existing one. Owner only. The path goes after Trek's address.",
        scope: Some(Scope::JourneyShare),
        addon: Some(Addon::Journeys),
        kind: Write,
        idempotent: true,
        input: JourneyIdInput,
        output: JourneyShareLink,
        run: journeys::create_journey_share_link,
        examples: [r#"{"journey_id": 1}"#],
    }
    DeleteJourneyShareLink {
        name: "delete_journey_share_link",
        title: "Delete journey share link",
        description: "Revoke a journey's share link at once; the old link stops working. Owner only.",
        scope: Some(Scope::JourneyShare),
        addon: Some(Addon::Journeys),
        kind: Delete,
        idempotent: false,
        input: JourneyIdInput,
        output: Deleted,
        run: journeys::delete_journey_share_link,
        examples: [r#"{"journey_id": 1}"#],
    }
}
