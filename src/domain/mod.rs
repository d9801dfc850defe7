//! The trip-planning model and its rules. Pure functions over a SQLite connection or
//! transaction: they take an [`Actor`] and typed input and return typed output or a
//! [`DomainError`], recording the [`Change`]s they made. Nothing here knows HTTP, MCP or OAuth.

pub mod accommodations;
pub mod assignments;
pub mod atlas;
pub mod budget;
pub mod collab_messages;
pub mod collab_notes;
pub mod collab_polls;
pub mod common;
pub mod day_notes;
pub mod days;
pub mod ics;
pub mod journeys;
pub mod members;
pub mod money;
pub mod notifications;
pub mod packing;
pub mod places;
pub mod regions;
pub mod reservations;
pub mod settlement;
pub mod share_links;
pub mod tags;
pub mod todos;
pub mod trip_copy;
pub mod trips;
pub mod vacay;
pub mod vacay_calendars;
pub mod vacay_sharing;

use std::cell::RefCell;

use serde::Serialize;

use crate::clock::UnixTime;
use crate::store::StoreError;
use crate::store::owner::UserId;

/// Who acts: the owner, through the UI, an OAuth client, a static token or the CLI.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user: UserId,
}

/// A rule was broken or something is missing. Messages name the field or limit so an
/// assistant can correct itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: i64 },
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{what} is limited to {limit}")]
    Limit { what: &'static str, limit: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DomainError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}

/// One committed change, published on the event bus after commit so every view refreshes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The aggregate that changed (`trip`, `place`, `packing_item`, …).
    pub entity: &'static str,
    pub action: ChangeAction,
    pub id: i64,
    /// The trip it belongs to, when it belongs to one.
    pub trip_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Created,
    Updated,
    Deleted,
}

/// What a domain function gets besides its input: the connection, who acts and when, and
/// where to record changes.
pub struct Ctx<'a> {
    pub conn: &'a rusqlite::Connection,
    pub actor: Actor,
    pub now: UnixTime,
    changes: RefCell<Vec<Change>>,
}

impl<'a> Ctx<'a> {
    pub fn new(conn: &'a rusqlite::Connection, actor: Actor, now: UnixTime) -> Self {
        Self { conn, actor, now, changes: RefCell::new(Vec::new()) }
    }

    /// Records a change (only meaningful inside a write transaction).
    pub fn changed(&self, entity: &'static str, action: ChangeAction, id: i64, trip_id: Option<i64>) {
        self.changes.borrow_mut().push(Change { entity, action, id, trip_id });
    }

    pub fn into_changes(self) -> Vec<Change> {
        self.changes.into_inner()
    }
}
