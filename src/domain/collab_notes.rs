//! Collaborative notes of a trip: shared notes with a title, content, category, hex colour and
//! a pin, visible to every member. Pinned notes come first, then the most recently changed.

use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, hex_colour, optional_text, required_text};
use super::trips::{TripIdInput, ensure_visible};
use super::{ChangeAction, Ctx, DomainError};

/// A shared note.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CollabNote {
    pub id: i64,
    pub trip_id: i64,
    pub title: String,
    pub content: Option<String>,
    pub category: Option<String>,
    /// Hex colour, e.g. "#3b82f6".
    pub color: Option<String>,
    pub pinned: bool,
    /// Who wrote it.
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

/// `list_collab_notes` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CollabNoteList {
    /// Pinned first, then the most recently changed.
    pub notes: Vec<CollabNote>,
}

fn notes_of(cx: &Ctx<'_>, trip_id: i64, note_id: Option<i64>) -> Result<Vec<CollabNote>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT n.id, n.trip_id, n.title, n.content, n.category, n.color, n.pinned, n.author_id, u.name, n.updated_at
         FROM collab_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.trip_id = ?1 AND (?2 IS NULL OR n.id = ?2)
         ORDER BY n.pinned DESC, n.updated_at DESC, n.id DESC",
    )?;
    let rows = stmt.query_map(params![trip_id, note_id], |r| {
        Ok(CollabNote {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            title: r.get(2)?,
            content: r.get(3)?,
            category: r.get(4)?,
            color: r.get(5)?,
            pinned: r.get(6)?,
            author_id: r.get(7)?,
            author_name: r.get(8)?,
            updated_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn get_note(cx: &Ctx<'_>, trip_id: i64, note_id: i64) -> Result<CollabNote, DomainError> {
    notes_of(cx, trip_id, Some(note_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "collab note", id: note_id })
}

pub fn list_collab_notes(cx: &Ctx<'_>, input: TripIdInput) -> Result<CollabNoteList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(CollabNoteList { notes: notes_of(cx, input.trip_id, None)? })
}

const MAX_CONTENT: usize = 20_000;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollabNoteInput {
    pub trip_id: i64,
    /// 1-200 characters.
    pub title: String,
    /// The note's text (Markdown is fine), up to 20,000 characters.
    pub content: Option<String>,
    /// A free category, e.g. "Tips" or "Transport".
    pub category: Option<String>,
    /// Hex colour, e.g. "#3b82f6".
    pub color: Option<String>,
    /// Pinned notes are listed first.
    #[serde(default)]
    pub pinned: bool,
}

pub fn create_collab_note(cx: &Ctx<'_>, input: CreateCollabNoteInput) -> Result<CollabNote, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let title = required_text("title", &input.title, 200)?;
    let content = optional_text("content", input.content, MAX_CONTENT)?;
    let category = optional_text("category", input.category, 100)?;
    let color = input.color.map(|c| hex_colour("color", &c)).transpose()?;
    cx.conn
        .prepare_cached(
            "INSERT INTO collab_notes (trip_id, author_id, title, content, category, color, pinned, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![input.trip_id, cx.actor.user.0, title, content, category, color, input.pinned, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("collab_note", ChangeAction::Created, id, Some(input.trip_id));
    get_note(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCollabNoteInput {
    pub trip_id: i64,
    /// The note's id (from list_collab_notes).
    pub note_id: i64,
    /// New title, 1-200 characters.
    pub title: Option<String>,
    /// Omitted fields stay; null clears.
    #[serde(default)]
    pub content: Patch<String>,
    #[serde(default)]
    pub category: Patch<String>,
    /// Hex colour, e.g. "#3b82f6"; null clears.
    #[serde(default)]
    pub color: Patch<String>,
    pub pinned: Option<bool>,
}

pub fn update_collab_note(cx: &Ctx<'_>, input: UpdateCollabNoteInput) -> Result<CollabNote, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let note = get_note(cx, input.trip_id, input.note_id)?;
    let title = match input.title {
        Some(t) => required_text("title", &t, 200)?,
        None => note.title,
    };
    let content = match input.content {
        Patch::Set(c) => optional_text("content", Some(c), MAX_CONTENT)?,
        other => other.apply(note.content),
    };
    let category = match input.category {
        Patch::Set(c) => optional_text("category", Some(c), 100)?,
        other => other.apply(note.category),
    };
    let color = match input.color {
        Patch::Set(c) => Some(hex_colour("color", &c)?),
        other => other.apply(note.color),
    };
    let pinned = input.pinned.unwrap_or(note.pinned);
    cx.conn
        .prepare_cached(
            "UPDATE collab_notes SET title = ?2, content = ?3, category = ?4, color = ?5, pinned = ?6, updated_at = ?7
             WHERE id = ?1",
        )?
        .execute(params![note.id, title, content, category, color, pinned, cx.now])?;
    cx.changed("collab_note", ChangeAction::Updated, note.id, Some(input.trip_id));
    get_note(cx, input.trip_id, note.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollabNoteIdInput {
    pub trip_id: i64,
    /// The note's id (from list_collab_notes).
    pub note_id: i64,
}

pub fn delete_collab_note(cx: &Ctx<'_>, input: CollabNoteIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let note = get_note(cx, input.trip_id, input.note_id)?;
    cx.conn.execute("DELETE FROM collab_notes WHERE id = ?1", [note.id])?;
    cx.changed("collab_note", ChangeAction::Deleted, note.id, Some(input.trip_id));
    Ok(Deleted::new(note.id))
}

/// The trip's collab notes for `get_trip_summary`, pinned first (no access check: the caller
/// has done it).
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<CollabNote>, DomainError> {
    notes_of(cx, trip_id, None)
}
