//! Day notes: short notes on a day with an optional time label ("09:00", "Morning") and an
//! emoji icon, kept in the order they were added.

use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, emoji, optional_text, required_text};
use super::days::ensure_day_in_trip;
use super::trips::ensure_visible;
use super::{ChangeAction, Ctx, DomainError};

/// A note on a day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayNote {
    pub id: i64,
    pub day_id: i64,
    pub text: String,
    /// A time label, e.g. "09:00" or "Morning".
    pub time: Option<String>,
    /// An emoji.
    pub icon: Option<String>,
    pub position: i64,
}

/// A trip's notes (all, one day's, or one), ordered by day then position, in one query.
pub fn notes_of(
    cx: &Ctx<'_>,
    trip_id: i64,
    day_id: Option<i64>,
    note_id: Option<i64>,
) -> Result<Vec<DayNote>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT n.id, n.day_id, n.text, n.time, n.icon, n.position
         FROM day_notes n JOIN days d ON d.id = n.day_id
         WHERE d.trip_id = ?1 AND (?2 IS NULL OR n.day_id = ?2) AND (?3 IS NULL OR n.id = ?3)
         ORDER BY d.position, n.position, n.id",
    )?;
    let rows = stmt.query_map(params![trip_id, day_id, note_id], |r| {
        Ok(DayNote {
            id: r.get(0)?,
            day_id: r.get(1)?,
            text: r.get(2)?,
            time: r.get(3)?,
            icon: r.get(4)?,
            position: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `list_day_notes` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayNoteList {
    /// By position.
    pub notes: Vec<DayNote>,
}

pub fn list_day_notes(cx: &Ctx<'_>, input: super::days::DayIdInput) -> Result<DayNoteList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    Ok(DayNoteList { notes: notes_of(cx, input.trip_id, Some(input.day_id), None)? })
}

/// The note if it is on `day_id` of `trip_id`; `NotFound` naming the note otherwise.
fn get_note(cx: &Ctx<'_>, trip_id: i64, day_id: i64, note_id: i64) -> Result<DayNote, DomainError> {
    notes_of(cx, trip_id, None, Some(note_id))?
        .pop()
        .filter(|n| n.day_id == day_id)
        .ok_or(DomainError::NotFound { what: "day note", id: note_id })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDayNoteInput {
    pub trip_id: i64,
    /// The day's id (from get_trip_summary).
    pub day_id: i64,
    /// 1-2000 characters.
    pub text: String,
    /// A time label, e.g. "09:00" or "Morning" (up to 50 characters).
    pub time: Option<String>,
    /// One emoji, e.g. "⚠️".
    pub icon: Option<String>,
}

pub fn create_day_note(cx: &Ctx<'_>, input: CreateDayNoteInput) -> Result<DayNote, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    let text = required_text("text", &input.text, 2_000)?;
    let time = optional_text("time", input.time, 50)?;
    let icon = input.icon.map(|i| emoji("icon", &i)).transpose()?;
    cx.conn.execute(
        "INSERT INTO day_notes (day_id, text, time, icon, position, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position) + 1, 0) FROM day_notes WHERE day_id = ?1), ?5, ?5)",
        params![input.day_id, text, time, icon, cx.now],
    )?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("day_note", ChangeAction::Created, id, Some(input.trip_id));
    get_note(cx, input.trip_id, input.day_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDayNoteInput {
    pub trip_id: i64,
    /// The day the note is on.
    pub day_id: i64,
    /// The note's id.
    pub note_id: i64,
    /// New text, 1-2000 characters.
    pub text: Option<String>,
    /// Time label; null clears.
    #[serde(default)]
    pub time: Patch<String>,
    /// Emoji; null clears.
    #[serde(default)]
    pub icon: Patch<String>,
}

pub fn update_day_note(cx: &Ctx<'_>, input: UpdateDayNoteInput) -> Result<DayNote, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    let note = get_note(cx, input.trip_id, input.day_id, input.note_id)?;
    let text = match &input.text {
        Some(t) => required_text("text", t, 2_000)?,
        None => note.text,
    };
    let time = match input.time {
        Patch::Set(t) => optional_text("time", Some(t), 50)?,
        other => other.apply(note.time),
    };
    let icon = match input.icon {
        Patch::Set(i) => Some(emoji("icon", &i)?),
        other => other.apply(note.icon),
    };
    cx.conn.execute(
        "UPDATE day_notes SET text = ?2, time = ?3, icon = ?4, updated_at = ?5 WHERE id = ?1",
        params![note.id, text, time, icon, cx.now],
    )?;
    cx.changed("day_note", ChangeAction::Updated, note.id, Some(input.trip_id));
    get_note(cx, input.trip_id, input.day_id, note.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayNoteIdInput {
    pub trip_id: i64,
    /// The day the note is on.
    pub day_id: i64,
    /// The note's id.
    pub note_id: i64,
}

pub fn delete_day_note(cx: &Ctx<'_>, input: DayNoteIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    get_note(cx, input.trip_id, input.day_id, input.note_id)?;
    cx.conn.execute("DELETE FROM day_notes WHERE id = ?1", [input.note_id])?;
    cx.changed("day_note", ChangeAction::Deleted, input.note_id, Some(input.trip_id));
    Ok(Deleted::new(input.note_id))
}
