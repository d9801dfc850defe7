//! Trips: listing, creation (days generated from the date range), and the whole-trip summary.
//! Access rule (TREK's): a trip is visible to its owner and its members; some actions are
//! owner-only.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use super::{ChangeAction, Ctx, DomainError};

/// Longest trip, in days, that `create_trip` generates days for.
pub const MAX_TRIP_DAYS: i64 = 90;

/// An ISO 8601 calendar date (`YYYY-MM-DD`).
pub type IsoDate = String;

fn parse_date(field: &'static str, value: &str) -> Result<Date, DomainError> {
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

/// Creates a trip owned by the actor, with one day per date of its range.
pub fn create_trip(cx: &Ctx<'_>, input: CreateTripInput) -> Result<Trip, DomainError> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(DomainError::invalid("title", "must be 1 to 200 characters"));
    }
    let currency = input.currency.as_deref().unwrap_or("EUR").trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(DomainError::invalid(
            "currency",
            format!("{currency:?} is not a 3-letter ISO 4217 code"),
        ));
    }
    let dates = match (&input.start_date, &input.end_date) {
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
            Some((s, days))
        }
        (None, None) => None,
        (Some(_), None) => return Err(DomainError::invalid("end_date", "required when start_date is given")),
        (None, Some(_)) => return Err(DomainError::invalid("start_date", "required when end_date is given")),
    };
    cx.conn.execute(
        "INSERT INTO trips (owner_id, title, description, start_date, end_date, currency, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![cx.actor.user.0, title, input.description, input.start_date, input.end_date, currency, cx.now],
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

/// A day with what is planned on it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DaySummary {
    pub id: i64,
    pub position: i64,
    pub date: Option<IsoDate>,
    pub title: Option<String>,
    pub notes: Option<String>,
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
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TripIdInput {
    /// The trip's id (from list_trips).
    pub trip_id: i64,
}

pub fn get_trip_summary(cx: &Ctx<'_>, input: TripIdInput) -> Result<TripSummary, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let mut members = cx.conn.prepare_cached(
        "SELECT u.id, u.name, 'owner' FROM trips t JOIN users u ON u.id = t.owner_id WHERE t.id = ?1
         UNION ALL
         SELECT u.id, u.name, 'member' FROM trip_members m JOIN users u ON u.id = m.user_id WHERE m.trip_id = ?1",
    )?;
    let members = members
        .query_map([trip.id], |r| {
            let role: String = r.get(2)?;
            Ok(Member {
                user_id: r.get(0)?,
                name: r.get(1)?,
                role: if role == "owner" { "owner" } else { "member" },
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut days = cx.conn.prepare_cached(
        "SELECT id, position, date, title, notes FROM days WHERE trip_id = ?1 ORDER BY position, id",
    )?;
    let days = days
        .query_map([trip.id], |r| {
            Ok(DaySummary {
                id: r.get(0)?,
                position: r.get(1)?,
                date: r.get(2)?,
                title: r.get(3)?,
                notes: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(TripSummary { trip, members, days })
}
