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
        description: "Get the current public share link of a trip and its visibility flags (share_map, share_bookings, \
            share_packing, share_budget, share_collab); link is null when the trip is not shared. The link's \
            path (/share/{token}) is relative: prepend Trek's local address (the one its UI is open on, \
            e.g. http://127.0.0.1:7823) to give the user a full link. Members may read it.",
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
        description: "Create the public share link of a trip, or change the visibility flags of the existing one \
            (its token and URL stay the same). Anyone with the link sees a read-only page with the title, \
            dates, description and day-by-day plan, plus: share_map (places with coordinates), share_bookings \
            (reservations and accommodations, without confirmation numbers), share_packing, share_budget \
            (items and totals) and share_collab (collab notes). A new link defaults to map and bookings on, \
            the rest off; on update, omitted flags keep their value. Owner only. Returns the link with a \
            relative path (/share/{token}): prepend Trek's local address to give the user a full link, and confirm \
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
