//! Trips: listing, creation (days generated from the date range), and the whole-trip summary.
//! Access rule (TREK's): a trip is visible to its owner and its members; some actions are
//! owner-only.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use super::assignments::{Assignment, assignments_of};
use super::common::{Deleted, Patch, optional_text, required_text};
use super::day_notes::{DayNote, notes_of};
use super::places::{Place, places_of};
use super::{ChangeAction, Ctx, DomainError};

/// Longest trip, in days, that `create_trip` generates days for.
pub const MAX_TRIP_DAYS: i64 = 90;

/// An ISO 8601 calendar date (`YYYY-MM-DD`).
pub type IsoDate = String;

pub(crate) fn parse_date(field: &'static str, value: &str) -> Result<Date, DomainError> {
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map_err(|_| DomainError::invalid(field, format!("{value:?} is not a date in YYYY-MM-DD form")))
}

/// A trip as lists show it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Trip {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
    pub currency: String,
    pub archived: bool,
    /// Whether the caller owns the trip (else they are a member).
    pub is_owner: bool,
    pub member_count: i64,
    pub day_count: i64,
}

const TRIP_SELECT: &str = "SELECT t.id, t.title, t.description, t.start_date, t.end_date, t.currency, t.archived,
        t.owner_id = ?1,
        (SELECT count(*) FROM trip_members m WHERE m.trip_id = t.id) + 1,
        (SELECT count(*) FROM days d WHERE d.trip_id = t.id)
     FROM trips t
     WHERE (t.owner_id = ?1 OR EXISTS (SELECT 1 FROM trip_members m WHERE m.trip_id = t.id AND m.user_id = ?1))";

fn trip_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Trip> {
    Ok(Trip {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        start_date: r.get(3)?,
        end_date: r.get(4)?,
        currency: r.get(5)?,
        archived: r.get(6)?,
        is_owner: r.get(7)?,
        member_count: r.get(8)?,
        day_count: r.get(9)?,
    })
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTripsInput {
    /// Include archived trips (default false).
    #[serde(default)]
    pub include_archived: bool,
}

/// Trips the actor owns or is a member of: upcoming and undated first, then past, by date.
pub fn list_trips(cx: &Ctx<'_>, input: ListTripsInput) -> Result<Vec<Trip>, DomainError> {
    let sql = format!(
        "{TRIP_SELECT} AND (?2 OR t.archived = 0)
         ORDER BY t.archived, coalesce(t.end_date, '9999') < date(?3, 'unixepoch'), t.start_date IS NULL, t.start_date, t.id"
    );
    let mut stmt = cx.conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![cx.actor.user.0, input.include_archived, cx.now], trip_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The trip if the actor may see it.
pub fn get_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<Trip, DomainError> {
    let sql = format!("{TRIP_SELECT} AND t.id = ?2");
    cx.conn
        .prepare_cached(&sql)?
        .query_row(params![cx.actor.user.0, trip_id], trip_from_row)
        .optional()?
        .ok_or(DomainError::NotFound { what: "trip", id: trip_id })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTripInput {
    /// Trip title, 1-200 characters.
    pub title: String,
    pub description: Option<String>,
    /// First day (YYYY-MM-DD). With end_date, one day is generated per date.
    pub start_date: Option<IsoDate>,
    /// Last day (YYYY-MM-DD), on or after start_date; at most 90 days in all.
    pub end_date: Option<IsoDate>,
    /// ISO 4217 currency code for the budget (default EUR).
    pub currency: Option<String>,
}

/// Checks the title: 1-200 characters after trimming.
fn valid_title(title: &str) -> Result<String, DomainError> {
    required_text("title", title, 200)
}

/// Checks a currency code and returns it uppercased.
fn valid_currency(currency: &str) -> Result<String, DomainError> {
    let currency = currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(DomainError::invalid(
            "currency",
            format!("{currency:?} is not a 3-letter ISO 4217 code"),
        ));
    }
    Ok(currency)
}

/// Checks a date range: both or neither, end on or after start, at most [`MAX_TRIP_DAYS`].
/// Returns the first date and the number of days.
fn date_range(start: Option<&str>, end: Option<&str>) -> Result<Option<(Date, i64)>, DomainError> {
    match (start, end) {
        (Some(start), Some(end)) => {
            let (s, e) = (parse_date("start_date", start)?, parse_date("end_date", end)?);
            if e < s {
                return Err(DomainError::invalid("end_date", "must be on or after start_date"));
            }
            let days = (e - s).whole_days() + 1;
            if days > MAX_TRIP_DAYS {
                return Err(DomainError::invalid(
                    "end_date",
                    format!("the trip spans {days} days; at most {MAX_TRIP_DAYS} are allowed"),
                ));
            }
            Ok(Some((s, days)))
        }
        (None, None) => Ok(None),
        (Some(_), None) => Err(DomainError::invalid("end_date", "required when start_date is given")),
        (None, Some(_)) => Err(DomainError::invalid("start_date", "required when end_date is given")),
    }
}

/// Creates a trip owned by the actor, with one day per date of its range.
pub fn create_trip(cx: &Ctx<'_>, input: CreateTripInput) -> Result<Trip, DomainError> {
    let title = valid_title(&input.title)?;
    let currency = valid_currency(input.currency.as_deref().unwrap_or("EUR"))?;
    let dates = date_range(input.start_date.as_deref(), input.end_date.as_deref())?;
    let description = optional_text("description", input.description, 10_000)?;
    cx.conn.execute(
        "INSERT INTO trips (owner_id, title, description, start_date, end_date, currency, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![cx.actor.user.0, title, description, input.start_date, input.end_date, currency, cx.now],
    )?;
    let trip_id = cx.conn.last_insert_rowid();
    if let Some((start, days)) = dates {
        let mut insert =
            cx.conn.prepare_cached("INSERT INTO days (trip_id, position, date) VALUES (?1, ?2, ?3)")?;
        for offset in 0..days {
            let date = start + time::Duration::days(offset);
            insert.execute(params![trip_id, offset, date.to_string()])?;
        }
    }
    cx.changed("trip", ChangeAction::Created, trip_id, Some(trip_id));
    get_trip(cx, trip_id)
}

/// Whether the actor owns the trip; `NotFound` when the actor may not see it at all.
pub fn is_owner(cx: &Ctx<'_>, trip_id: i64) -> Result<bool, DomainError> {
    cx.conn
        .prepare_cached(
            "SELECT t.owner_id = ?1 FROM trips t
             WHERE t.id = ?2
               AND (t.owner_id = ?1 OR EXISTS (SELECT 1 FROM trip_members m WHERE m.trip_id = t.id AND m.user_id = ?1))",
        )?
        .query_row(params![cx.actor.user.0, trip_id], |r| r.get(0))
        .optional()?
        .ok_or(DomainError::NotFound { what: "trip", id: trip_id })
}

/// Checks the actor may see (and so plan in) the trip: its owner or a member.
pub fn ensure_visible(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    is_owner(cx, trip_id).map(drop)
}

/// Checks the actor owns the trip: `NotFound` if they cannot see it, `Forbidden` if they are
/// only a member.
pub fn ensure_owner(cx: &Ctx<'_>, trip_id: i64, action: &str) -> Result<(), DomainError> {
    if is_owner(cx, trip_id)? {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!("only the trip's owner may {action}")))
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTripInput {
    pub trip_id: i64,
    /// New title, 1-200 characters.
    pub title: Option<String>,
    /// New description; null clears it.
    #[serde(default)]
    pub description: Patch<String>,
    /// New first day (YYYY-MM-DD); null clears both dates.
    #[serde(default)]
    pub start_date: Patch<IsoDate>,
    /// New last day (YYYY-MM-DD); null clears both dates.
    #[serde(default)]
    pub end_date: Patch<IsoDate>,
    /// New ISO 4217 currency code.
    pub currency: Option<String>,
}

/// Updates a trip's fields. Changing the dates adds or removes days at the ends: days whose
/// date is still in the range keep everything planned on them; days whose date falls outside
/// are removed with their plans; new dates get empty days.
pub fn update_trip(cx: &Ctx<'_>, input: UpdateTripInput) -> Result<Trip, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let title = match &input.title {
        Some(t) => valid_title(t)?,
        None => trip.title.clone(),
    };
    let currency = match &input.currency {
        Some(c) => valid_currency(c)?,
        None => trip.currency.clone(),
    };
    let description = match input.description {
        Patch::Set(d) => optional_text("description", Some(d), 10_000)?,
        other => other.apply(trip.description.clone()),
    };
    let dates_changed = !input.start_date.is_keep() || !input.end_date.is_keep();
    let clear_dates = matches!(input.start_date, Patch::Clear) || matches!(input.end_date, Patch::Clear);
    let (start, end) = if clear_dates {
        (None, None)
    } else {
        (input.start_date.apply(trip.start_date.clone()), input.end_date.apply(trip.end_date.clone()))
    };
    let range = date_range(start.as_deref(), end.as_deref())?;
    cx.conn.execute(
        "UPDATE trips SET title = ?2, description = ?3, start_date = ?4, end_date = ?5, currency = ?6, updated_at = ?7
         WHERE id = ?1",
        params![trip.id, title, description, start, end, currency, cx.now],
    )?;
    if dates_changed {
        sync_days_with_dates(cx, trip.id, range)?;
    }
    cx.changed("trip", ChangeAction::Updated, trip.id, Some(trip.id));
    get_trip(cx, trip.id)
}

/// Makes the trip's dated days match `range`, keeping days (and their plans) whose date
/// survives, then numbers all days densely: dated days by date, undated ones after.
fn sync_days_with_dates(cx: &Ctx<'_>, trip_id: i64, range: Option<(Date, i64)>) -> Result<(), DomainError> {
    match range {
        None => {
            // Without dates the days stay, with their plans, as "Day 1", "Day 2", ….
            cx.conn.execute("UPDATE days SET date = NULL WHERE trip_id = ?1", [trip_id])?;
        }
        Some((start, count)) => {
            let end = start + time::Duration::days(count - 1);
            let mut gone = cx.conn.prepare_cached(
                "DELETE FROM days WHERE trip_id = ?1 AND date IS NOT NULL AND (date < ?2 OR date > ?3) RETURNING id",
            )?;
            let removed: Vec<i64> = gone
                .query_map(params![trip_id, start.to_string(), end.to_string()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in removed {
                cx.changed("day", ChangeAction::Deleted, id, Some(trip_id));
            }
            let mut insert = cx.conn.prepare_cached(
                "INSERT INTO days (trip_id, position, date)
                 SELECT ?1, 1000000, ?2 WHERE NOT EXISTS (SELECT 1 FROM days WHERE trip_id = ?1 AND date = ?2)",
            )?;
            for offset in 0..count {
                let date = (start + time::Duration::days(offset)).to_string();
                if insert.execute(params![trip_id, date])? == 1 {
                    cx.changed("day", ChangeAction::Created, cx.conn.last_insert_rowid(), Some(trip_id));
                }
            }
        }
    }
    cx.conn
        .prepare_cached(
            "UPDATE days SET position = r.p
             FROM (SELECT id, row_number() OVER (ORDER BY date IS NULL, date, position, id) - 1 AS p
                   FROM days WHERE trip_id = ?1) AS r
             WHERE days.id = r.id AND days.position <> r.p",
        )?
        .execute([trip_id])?;
    Ok(())
}

/// Numbers a trip's days 0, 1, 2, … keeping their current order (after a day was removed or
/// inserted), so positions stay dense.
pub fn renumber_days(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE days SET position = r.p
             FROM (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS p
                   FROM days WHERE trip_id = ?1) AS r
             WHERE days.id = r.id AND days.position <> r.p",
        )?
        .execute([trip_id])?;
    Ok(())
}

/// Deletes a trip with everything in it. Owner only.
pub fn delete_trip(cx: &Ctx<'_>, input: TripIdInput) -> Result<Deleted, DomainError> {
    ensure_owner(cx, input.trip_id, "delete it")?;
    cx.conn.execute("DELETE FROM trips WHERE id = ?1", [input.trip_id])?;
    cx.changed("trip", ChangeAction::Deleted, input.trip_id, Some(input.trip_id));
    Ok(Deleted::new(input.trip_id))
}

/// A day with what is planned on it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DaySummary {
    pub id: i64,
    pub position: i64,
    pub date: Option<IsoDate>,
    pub title: Option<String>,
    pub notes: Option<String>,
    /// Places planned on the day, in order.
    pub assignments: Vec<Assignment>,
    /// Notes on the day (time label, emoji icon), in order.
    pub day_notes: Vec<DayNote>,
}

/// A member of a trip.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub role: &'static str,
}

/// The whole trip in one read: the assistant's context loader.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TripSummary {
    pub trip: Trip,
    pub members: Vec<Member>,
    pub days: Vec<DaySummary>,
    /// Every place of the trip; `unassigned` marks those not planned on any day.
    pub places: Vec<Place>,
    pub accommodations: Vec<super::accommodations::Accommodation>,
    /// Ordered by day, then position; created as pending until confirmed.
    pub reservations: Vec<super::reservations::Reservation>,
    /// Items, splits, totals by category and person, and the transfers that settle it.
    pub budget: super::budget::BudgetSummary,
    pub packing: super::packing::PackingSummary,
    pub todos: super::todos::TodoSummary,
    /// Pinned first.
    pub collab_notes: Vec<super::collab_notes::CollabNote>,
    /// Poll and message counts; present only while the Collab add-on is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collab: Option<super::collab_polls::CollabCounts>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TripIdInput {
    pub trip_id: i64,
}

/// The whole trip in a fixed number of queries (trip, members, days, assignments and their
/// participants, notes, places and their tags, bookings, budget, packing, to-dos, collab
/// notes), however many days and places it has.
pub fn get_trip_summary(cx: &Ctx<'_>, input: TripIdInput) -> Result<TripSummary, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let members = super::members::members_of(cx, trip.id)?;
    let days = days_of(cx, trip.id)?;
    let places = places_of(cx, trip.id)?;
    // Access was checked by `get_trip` above; the per-aggregate summaries trust it.
    Ok(TripSummary {
        accommodations: super::accommodations::summary_for_trip(cx, trip.id)?,
        reservations: super::reservations::summary_for_trip(cx, trip.id)?,
        budget: super::budget::summary_for_trip(cx, trip.id)?,
        packing: super::packing::summary_for_trip(cx, trip.id)?,
        todos: super::todos::summary_for_trip(cx, trip.id)?,
        collab_notes: super::collab_notes::summary_for_trip(cx, trip.id)?,
        collab: None,
        trip,
        members,
        days,
        places,
    })
}

/// Every day of a trip with its assignments and notes, in three queries (no access check:
/// callers have done it). Shared by the summary and the public share view.
pub(crate) fn days_of(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<DaySummary>, DomainError> {
    let mut assignments: HashMap<i64, Vec<Assignment>> = HashMap::new();
    for a in assignments_of(cx, trip_id, None, None)? {
        assignments.entry(a.day_id).or_default().push(a);
    }
    let mut notes: HashMap<i64, Vec<DayNote>> = HashMap::new();
    for n in notes_of(cx, trip_id, None, None)? {
        notes.entry(n.day_id).or_default().push(n);
    }
    let mut days = cx.conn.prepare_cached(
        "SELECT id, position, date, title, notes FROM days WHERE trip_id = ?1 ORDER BY position, id",
    )?;
    let days = days
        .query_map([trip_id], |r| {
            let id: i64 = r.get(0)?;
            Ok(DaySummary {
                id,
                position: r.get(1)?,
                date: r.get(2)?,
                title: r.get(3)?,
                notes: r.get(4)?,
                assignments: assignments.remove(&id).unwrap_or_default(),
                day_notes: notes.remove(&id).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(days)
}
