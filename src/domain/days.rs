//! Days of a trip: adding (dated days in date order, undated ones at the end), titling and
//! removing them. Positions stay dense (0, 1, 2, …) after every change.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, optional_text};
use super::trips::{IsoDate, MAX_TRIP_DAYS, ensure_visible, parse_date, renumber_days};
use super::{ChangeAction, Ctx, DomainError};

/// A day of a trip.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Day {
    pub id: i64,
    pub trip_id: i64,
    pub position: i64,
    pub date: Option<IsoDate>,
    pub title: Option<String>,
    pub notes: Option<String>,
}

fn get_day(cx: &Ctx<'_>, trip_id: i64, day_id: i64) -> Result<Day, DomainError> {
    cx.conn
        .prepare_cached(
            "SELECT id, trip_id, position, date, title, notes FROM days WHERE id = ?1 AND trip_id = ?2",
        )?
        .query_row(params![day_id, trip_id], |r| {
            Ok(Day {
                id: r.get(0)?,
                trip_id: r.get(1)?,
                position: r.get(2)?,
                date: r.get(3)?,
                title: r.get(4)?,
                notes: r.get(5)?,
            })
        })
        .optional()?
        .ok_or(DomainError::NotFound { what: "day", id: day_id })
}

/// Checks the day belongs to the trip.
pub fn ensure_day_in_trip(cx: &Ctx<'_>, trip_id: i64, day_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached("SELECT 1 FROM days WHERE id = ?1 AND trip_id = ?2")?
        .query_row(params![day_id, trip_id], |_| Ok(()))
        .optional()?
        .ok_or(DomainError::NotFound { what: "day", id: day_id })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDayInput {
    pub trip_id: i64,
    /// The day's date (YYYY-MM-DD); dated days are kept in date order. Omit for an undated day
    /// at the end.
    pub date: Option<IsoDate>,
    /// A short title, e.g. "Arrival in Kyoto".
    pub title: Option<String>,
    pub notes: Option<String>,
}

/// Adds a day: at its date's place among dated days, or at the end.
pub fn create_day(cx: &Ctx<'_>, input: CreateDayInput) -> Result<Day, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let count: i64 = cx
        .conn
        .prepare_cached("SELECT count(*) FROM days WHERE trip_id = ?1")?
        .query_row([input.trip_id], |r| r.get(0))?;
    if count >= MAX_TRIP_DAYS {
        return Err(DomainError::Limit { what: "days per trip", limit: MAX_TRIP_DAYS as usize });
    }
    let title = optional_text("title", input.title, 200)?;
    let notes = optional_text("notes", input.notes, 10_000)?;
    let date = match &input.date {
        Some(d) => {
            let date = parse_date("date", d)?.to_string();
            let taken = cx
                .conn
                .prepare_cached("SELECT id FROM days WHERE trip_id = ?1 AND date = ?2")?
                .query_row(params![input.trip_id, date], |r| r.get::<_, i64>(0))
                .optional()?;
            if let Some(id) = taken {
                return Err(DomainError::Conflict(format!("day {id} already has the date {date}")));
            }
            Some(date)
        }
        None => None,
    };
    // Dated: before the first later-dated day; otherwise at the end.
    let position: i64 = cx
        .conn
        .prepare_cached(
            "SELECT coalesce(
                 (SELECT min(position) FROM days WHERE trip_id = ?1 AND ?2 IS NOT NULL AND date > ?2),
                 (SELECT max(position) + 1 FROM days WHERE trip_id = ?1),
                 0)",
        )?
        .query_row(params![input.trip_id, date], |r| r.get(0))?;
    cx.conn.execute(
        "UPDATE days SET position = position + 1 WHERE trip_id = ?1 AND position >= ?2",
        params![input.trip_id, position],
    )?;
    cx.conn.execute(
        "INSERT INTO days (trip_id, position, date, title, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![input.trip_id, position, date, title, notes],
    )?;
    let id = cx.conn.last_insert_rowid();
    renumber_days(cx, input.trip_id)?;
    cx.changed("day", ChangeAction::Created, id, Some(input.trip_id));
    get_day(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDayInput {
    pub trip_id: i64,
    /// The day's id (from get_trip_summary).
    pub day_id: i64,
    /// The day's title; null clears it.
    #[serde(default)]
    pub title: Patch<String>,
    /// Free notes for the day; null clears them.
    #[serde(default)]
    pub notes: Patch<String>,
}

pub fn update_day(cx: &Ctx<'_>, input: UpdateDayInput) -> Result<Day, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let day = get_day(cx, input.trip_id, input.day_id)?;
    let title = match input.title {
        Patch::Set(t) => optional_text("title", Some(t), 200)?,
        other => other.apply(day.title),
    };
    let notes = match input.notes {
        Patch::Set(n) => optional_text("notes", Some(n), 10_000)?,
        other => other.apply(day.notes),
    };
    cx.conn.execute("UPDATE days SET title = ?2, notes = ?3 WHERE id = ?1", params![day.id, title, notes])?;
    cx.changed("day", ChangeAction::Updated, day.id, Some(input.trip_id));
    get_day(cx, input.trip_id, day.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayIdInput {
    pub trip_id: i64,
    /// The day's id (from get_trip_summary).
    pub day_id: i64,
}

/// `list_days` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayList {
    /// In order, each with its planned places and notes.
    pub days: Vec<super::trips::DaySummary>,
}

pub fn list_days(cx: &Ctx<'_>, input: super::trips::TripIdInput) -> Result<DayList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(DayList { days: super::trips::days_of(cx, input.trip_id)? })
}

/// Removes a day with its assignments and notes; later days move up.
pub fn delete_day(cx: &Ctx<'_>, input: DayIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    let stays = super::accommodations::stays_removed_with(cx, None, Some(input.day_id))?;
    cx.conn.execute("DELETE FROM days WHERE id = ?1", [input.day_id])?;
    renumber_days(cx, input.trip_id)?;
    for id in stays {
        cx.changed("accommodation", ChangeAction::Deleted, id, Some(input.trip_id));
    }
    cx.changed("day", ChangeAction::Deleted, input.day_id, Some(input.trip_id));
    Ok(Deleted::new(input.day_id))
}
