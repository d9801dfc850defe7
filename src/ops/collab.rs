//! Collab add-on operations: polls and the trip chat (collab notes are core, in `notes`).

use super::{Addon, ops};
use crate::auth::scopes::Scope;
use crate::domain::collab_messages::{
    self, ListMessagesInput, Message, MessageIdInput, MessagePage, ReactInput, SendMessageInput,
};
use crate::domain::collab_polls::{self, CreatePollInput, Poll, PollIdInput, PollList, VoteInput};
use crate::domain::common::Deleted;
use crate::domain::trips::TripIdInput;

ops! {
    ListCollabPolls {
        name: "list_collab_polls",
        title: "List collab polls",
        description: "List a trip's polls, open first, with each option's index, label, votes and voters, your votes, \
            the deadline and whether it is closed.",
        scope: Some(Scope::CollabRead),
        addon: Some(Addon::Collab),
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: PollList,
        run: collab_polls::list_collab_polls,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateCollabPoll {
        name: "create_collab_poll",
        title: "Create collab poll",
        description: "Ask the trip's members a question with 2-10 options, single choice by default or \
            multiple choice, and an optional deadline (RFC 3339, in the future) after which no votes count.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Write,
        idempotent: false,
        input: CreatePollInput,
        output: Poll,
        run: collab_polls::create_collab_poll,
        examples: [
            r#"{"trip_id": 1, "question": "Dinner on day 2?", "options": ["Ramen", "Kaiseki", "Izakaya"]}"#,
            r#"{"trip_id": 1, "question": "Which day trips?", "options": ["Nara", "Osaka", "Himeji"], "multiple_choice": true, "deadline": "2027-03-20T18:00:00Z"}"#
        ],
    }
    VoteCollabPoll {
        name: "vote_collab_poll",
        title: "Vote on collab poll",
        description: "Vote for a poll option by 0-based index. Voting your choice again removes it; in a \
            single-choice poll a new vote replaces the old. Closed polls take no votes.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Write,
        idempotent: false,
        input: VoteInput,
        output: Poll,
        run: collab_polls::vote_collab_poll,
        examples: [r#"{"trip_id": 1, "poll_id": 2, "option_index": 0}"#],
    }
    CloseCollabPoll {
        name: "close_collab_poll",
        title: "Close collab poll",
        description: "Close a poll so no more votes can be cast; the results stay. Only the poll's author or \
            the trip's owner may close it. Closing a closed poll changes nothing.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Write,
        idempotent: true,
        input: PollIdInput,
        output: Poll,
        run: collab_polls::close_collab_poll,
        examples: [r#"{"trip_id": 1, "poll_id": 2}"#],
    }
    DeleteCollabPoll {
        name: "delete_collab_poll",
        title: "Delete collab poll",
        description: "Delete a poll and all its votes. Only the poll's author or the trip's owner may delete it.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Delete,
        idempotent: false,
        input: PollIdInput,
        output: Deleted,
        run: collab_polls::delete_collab_poll,
        examples: [r#"{"trip_id": 1, "poll_id": 2}"#],
    }
    ListCollabMessages {
        name: "list_collab_messages",
        title: "List collab messages",
        description: "List a trip's chat messages, the most recent 100 (or `limit`) oldest first, with replies \
            and reactions. For older messages pass the returned next_before as `before`.",
        scope: Some(Scope::CollabRead),
        addon: Some(Addon::Collab),
        kind: Read,
        idempotent: true,
        input: ListMessagesInput,
        output: MessagePage,
        run: collab_messages::list_collab_messages,
        examples: [r#"{"trip_id": 1}"#, r#"{"trip_id": 1, "before": 120, "limit": 50}"#],
    }
    SendCollabMessage {
        name: "send_collab_message",
        title: "Send collab message",
        description: "Send a chat message to a trip's members, optionally as a reply to another message of the \
            same trip (reply_to: its id from list_collab_messages).",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Write,
        idempotent: false,
        input: SendMessageInput,
        output: Message,
        run: collab_messages::send_collab_message,
        examples: [r#"{"trip_id": 1, "body": "I booked the ryokan!"}"#, r#"{"trip_id": 1, "body": "Great, thanks", "reply_to": 7}"#],
    }
    DeleteCollabMessage {
        name: "delete_collab_message",
        title: "Delete collab message",
        description: "Delete one of your own chat messages; replies to it stay without the reference. Messages \
            of other members cannot be deleted.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Delete,
        idempotent: false,
        input: MessageIdInput,
        output: Deleted,
        run: collab_messages::delete_collab_message,
        examples: [r#"{"trip_id": 1, "message_id": 7}"#],
    }
    ReactCollabMessage {
        name: "react_collab_message",
        title: "React to collab message",
        description: "Toggle an emoji reaction on a chat message: adds it, or removes it if you already reacted \
            with that emoji.",
        scope: Some(Scope::CollabWrite),
        addon: Some(Addon::Collab),
        kind: Write,
        idempotent: false,
        input: ReactInput,
        output: Message,
        run: collab_messages::react_collab_message,
        examples: [r#"{"trip_id": 1, "message_id": 7, "emoji": "👍"}"#],
    }
}
