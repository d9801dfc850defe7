//! Share-link operations: read, create or update, and revoke a trip's public read-only link.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::common::Deleted;
use crate::domain::share_links::{self, CreateShareLinkInput, ShareLink, ShareLinkState};
use crate::domain::trips::TripIdInput;

ops! {
    GetShareLink {
        name: "get_share_link",
        title: "Get share link",
        description: "Get a trip's share link and visibility flags (link null when not shared). The path is \
            relative to Trek's address (e.g. http://127.0.0.1:7823). Members may read it.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: ShareLinkState,
        run: share_links::get_share_link,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateShareLink {
        name: "create_share_link",
        title: "Create or update share link",
        description: "Create a trip's read-only share link, or change the existing one's flags (omitted: kept; \
            new links show plan, map, bookings). Owner only. The path is relative to Trek's address. Confirm \
            with the user before sharing budget or packing.",
        scope: Some(Scope::TripsShare),
        addon: None,
        kind: Write,
        idempotent: true,
        input: CreateShareLinkInput,
        output: ShareLink,
        run: share_links::create_share_link,
        examples: [
            r#"{"trip_id": 1}"#,
            r#"{"trip_id": 1, "share_map": true, "share_bookings": false, "share_packing": true, "share_budget": false, "share_collab": false}"#,
        ],
    }
    DeleteShareLink {
        name: "delete_share_link",
        title: "Delete share link",
        description: "Revoke the public share link of a trip: its URL stops working at once for everyone who has it. \
            A later create_share_link makes a new, different link. Owner only.",
        scope: Some(Scope::TripsShare),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: TripIdInput,
        output: Deleted,
        run: share_links::delete_share_link,
        examples: [r#"{"trip_id": 1}"#],
    }
}
