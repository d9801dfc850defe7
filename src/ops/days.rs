//! Day planning operations: days, place assignments (order, times, participants) and day notes.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::assignments::{
    self, AssignPlaceInput, Assignment, AssignmentIdInput, AssignmentList, MoveAssignmentInput,
    ParticipantList, ReorderInput, SetParticipantsInput, UnassignPlaceInput, UpdateAssignmentTimeInput,
};
use crate::domain::common::Deleted;
use crate::domain::day_notes::{
    self, CreateDayNoteInput, DayNote, DayNoteIdInput, DayNoteList, UpdateDayNoteInput,
};
use crate::domain::days::{self, CreateDayInput, Day, DayIdInput, DayList, UpdateDayInput};
use crate::domain::trips::TripIdInput;

ops! {
    ListDays {
        name: "list_days",
        title: "List days",
        description: "List a trip's days in order, each with its planned places and notes.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: DayList,
        run: days::list_days,
        examples: [r#"{"trip_id": 1}"#],
    }
    ListDayNotes {
        name: "list_day_notes",
        title: "List day notes",
        description: "List the notes of one day of a trip, in order.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: DayIdInput,
        output: DayNoteList,
        run: day_notes::list_day_notes,
        examples: [r#"{"trip_id": 1, "day_id": 2}"#],
    }
    CreateDay {
        name: "create_day",
        title: "Create day",
        description: "Add an extra or undated day to a trip (dated trips get their days automatically). Dated days \
            stay in date order, undated ones go last; at most 90 days per trip.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateDayInput,
        output: Day,
        run: days::create_day,
        examples: [r#"{"trip_id": 1, "title": "Free day"}"#, r#"{"trip_id": 1, "date": "2027-04-08", "notes": "Day trip to Nara"}"#],
    }
    UpdateDay {
        name: "update_day",
        title: "Update day",
        description: "Set or clear a day's title (e.g. \"Arrival in Paris\", \"Free day\") or notes; null clears. \
            Get day ids from get_trip_summary.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateDayInput,
        output: Day,
        run: days::update_day,
        examples: [r#"{"trip_id": 1, "day_id": 2, "title": "Arrival in Kyoto"}"#, r#"{"trip_id": 1, "day_id": 2, "title": null}"#],
    }
    DeleteDay {
        name: "delete_day",
        title: "Delete day",
        description: "Delete a day from a trip together with its assignments and notes (the places stay in the \
            trip); later days move up. To shorten a dated trip, prefer update_trip with new dates.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: DayIdInput,
        output: Deleted,
        run: days::delete_day,
        examples: [r#"{"trip_id": 1, "day_id": 2}"#],
    }
    AssignPlaceToDay {
        name: "assign_place_to_day",
        title: "Assign place to day",
        description: "Plan a trip's place on a day (day ids from get_trip_summary) at a position (default last), \
            with optional HH:MM times and notes. A place may be planned on several days.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: AssignPlaceInput,
        output: Assignment,
        run: assignments::assign_place_to_day,
        examples: [r#"{"trip_id": 1, "day_id": 2, "place_id": 3}"#, r#"{"trip_id": 1, "day_id": 2, "place_id": 3, "position": 0, "start_time": "09:00", "end_time": "11:30"}"#],
    }
    UnassignPlace {
        name: "unassign_place",
        title: "Unassign place",
        description: "Take a planned place off a day (the place stays in the trip, unassigned); the day's \
            other assignments close ranks. Get assignment ids from get_trip_summary.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: UnassignPlaceInput,
        output: Deleted,
        run: assignments::unassign_place,
        examples: [r#"{"trip_id": 1, "day_id": 2, "assignment_id": 5}"#],
    }
    ReorderDayAssignments {
        name: "reorder_day_assignments",
        title: "Reorder day assignments",
        description: "Set the order of a day's planned places by listing every assignment id of that day once, \
            in the new order. Returns the day's assignments in order.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: ReorderInput,
        output: AssignmentList,
        run: assignments::reorder_day_assignments,
        examples: [r#"{"trip_id": 1, "day_id": 2, "assignment_ids": [7, 5, 6]}"#],
    }
    UpdateAssignmentTime {
        name: "update_assignment_time",
        title: "Update assignment time",
        description: "Set the start and/or end time (HH:MM, 24-hour) of a planned place; null clears a time, an \
            omitted one stays. The end may not be before the start.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateAssignmentTimeInput,
        output: Assignment,
        run: assignments::update_assignment_time,
        examples: [r#"{"trip_id": 1, "assignment_id": 5, "start_time": "09:00", "end_time": "11:30"}"#, r#"{"trip_id": 1, "assignment_id": 5, "start_time": null, "end_time": null}"#],
    }
    MoveAssignment {
        name: "move_assignment",
        title: "Move assignment",
        description: "Move a planned place to another day of the same trip (or to another position on its own \
            day), at a position from 0 (default last). Both days keep a gapless order.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: MoveAssignmentInput,
        output: Assignment,
        run: assignments::move_assignment,
        examples: [r#"{"trip_id": 1, "assignment_id": 5, "new_day_id": 3}"#, r#"{"trip_id": 1, "assignment_id": 5, "new_day_id": 3, "position": 0}"#],
    }
    GetAssignmentParticipants {
        name: "get_assignment_participants",
        title: "Get assignment participants",
        description: "List who joins a planned place (user ids and names). An empty list means everyone in \
            the trip.",
        scope: Some(Scope::TripsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: AssignmentIdInput,
        output: ParticipantList,
        run: assignments::get_assignment_participants,
        examples: [r#"{"trip_id": 1, "assignment_id": 5}"#],
    }
    SetAssignmentParticipants {
        name: "set_assignment_participants",
        title: "Set assignment participants",
        description: "Replace who joins a planned place with the given user ids, which must be the trip's owner \
            or members (see list_trip_members). An empty list means everyone.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SetParticipantsInput,
        output: ParticipantList,
        run: assignments::set_assignment_participants,
        examples: [r#"{"trip_id": 1, "assignment_id": 5, "user_ids": [1, 2]}"#, r#"{"trip_id": 1, "assignment_id": 5, "user_ids": []}"#],
    }
    CreateDayNote {
        name: "create_day_note",
        title: "Create day note",
        description: "Add a note to a day with an optional time label (\"09:00\", \"Morning\") and emoji icon, e.g. a \
            heads-up about an early start. Notes stay in the order added.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateDayNoteInput,
        output: DayNote,
        run: day_notes::create_day_note,
        examples: [r#"{"trip_id": 1, "day_id": 2, "text": "Leave by 6:00 to beat the crowds", "time": "06:00", "icon": "⏰"}"#, r#"{"trip_id": 1, "day_id": 2, "text": "Museums closed on Mondays"}"#],
    }
    UpdateDayNote {
        name: "update_day_note",
        title: "Update day note",
        description: "Edit a day note's text, time label or emoji icon; null clears time or icon, omitted \
            fields stay. Get note ids from get_trip_summary.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateDayNoteInput,
        output: DayNote,
        run: day_notes::update_day_note,
        examples: [r#"{"trip_id": 1, "day_id": 2, "note_id": 4, "text": "Leave by 5:30"}"#, r#"{"trip_id": 1, "day_id": 2, "note_id": 4, "icon": null}"#],
    }
    DeleteDayNote {
        name: "delete_day_note",
        title: "Delete day note",
        description: "Remove a note from a day. Get note ids from get_trip_summary.",
        scope: Some(Scope::TripsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: DayNoteIdInput,
        output: Deleted,
        run: day_notes::delete_day_note,
        examples: [r#"{"trip_id": 1, "day_id": 2, "note_id": 4}"#],
    }
}
