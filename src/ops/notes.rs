//! Collaborative note operations: shared notes of a trip, pinned first.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::collab_notes::{
    self, CollabNote, CollabNoteIdInput, CollabNoteList, CreateCollabNoteInput, UpdateCollabNoteInput,
};
use crate::domain::common::Deleted;
use crate::domain::trips::TripIdInput;

ops! {
    ListCollabNotes {
        name: "list_collab_notes",
        title: "List collab notes",
        description: "List a trip's shared notes, pinned ones first, then the most recently changed, with \
            title, content, category, colour and author.",
        scope: Some(Scope::CollabRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: CollabNoteList,
        run: collab_notes::list_collab_notes,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateCollabNote {
        name: "create_collab_note",
        title: "Create collab note",
        description: "Create a note all trip members see, with a title and optional content, category, colour and \
            pin: trip-wide tips, logistics, contacts.",
        scope: Some(Scope::CollabWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateCollabNoteInput,
        output: CollabNote,
        run: collab_notes::create_collab_note,
        examples: [
            r##"{"trip_id": 1, "title": "Practical tips", "content": "Get an ICOCA card at the airport.", "category": "Tips", "color": "#3b82f6", "pinned": true}"##,
            r#"{"trip_id": 1, "title": "Emergency numbers"}"#
        ],
    }
    UpdateCollabNote {
        name: "update_collab_note",
        title: "Update collab note",
        description: "Edit a collab note's title, content, category, colour or pin status. Omitted fields stay; \
            null clears content, category or colour.",
        scope: Some(Scope::CollabWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateCollabNoteInput,
        output: CollabNote,
        run: collab_notes::update_collab_note,
        examples: [r#"{"trip_id": 1, "note_id": 2, "pinned": false}"#, r#"{"trip_id": 1, "note_id": 2, "content": "Taxis take cards.", "color": null}"#],
    }
    DeleteCollabNote {
        name: "delete_collab_note",
        title: "Delete collab note",
        description: "Delete a shared note from a trip. Get note ids from list_collab_notes.",
        scope: Some(Scope::CollabWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: CollabNoteIdInput,
        output: Deleted,
        run: collab_notes::delete_collab_note,
        examples: [r#"{"trip_id": 1, "note_id": 2}"#],
    }
}
