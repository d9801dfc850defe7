//! Accommodations of a trip: a stay at one of the trip's places from a check-in day to a later
//! check-out day, with HH:MM times, a confirmation and notes. A hotel reservation may own one
//! (`domain::reservations`); deleting that reservation deletes its accommodation.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, hh_mm, optional_text};
use super::places::ensure_place_in_trip;
use super::trips::{IsoDate, ensure_visible, parse_date};
use super::{ChangeAction, Ctx, DomainError};

/// A stay.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Accommodation {
    pub id: i64,
    pub trip_id: i64,
    /// The place stayed at (from list_places).
    pub place_id: i64,
    pub place_name: String,
    /// Check-in day.
    pub start_day_id: i64,
    pub start_date: Option<IsoDate>,
    /// Check-out day.
    pub end_day_id: i64,
    pub end_date: Option<IsoDate>,
    /// Check-in time, HH:MM.
    pub check_in: Option<String>,
    /// Check-out time, HH:MM.
    pub check_out: Option<String>,
    pub confirmation: Option<String>,
    pub notes: Option<String>,
    /// The hotel reservation this stay belongs to, if any.
    pub reservation_id: Option<i64>,
}

/// `list_accommodations` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AccommodationList {
    /// By check-in day.
    pub accommodations: Vec<Accommodation>,
}

pub fn list_accommodations(
    cx: &Ctx<'_>,
    input: super::trips::TripIdInput,
) -> Result<AccommodationList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(AccommodationList { accommodations: accommodations_of(cx, input.trip_id, None)? })
}

/// A trip's accommodations (all, or one), by check-in day, in one query.
pub fn accommodations_of(
    cx: &Ctx<'_>,
    trip_id: i64,
    accommodation_id: Option<i64>,
) -> Result<Vec<Accommodation>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT a.id, a.trip_id, a.place_id, p.name, a.start_day_id, s.date, a.end_day_id, e.date,
                a.check_in, a.check_out, a.confirmation, a.notes,
                (SELECT r.id FROM reservations r WHERE r.accommodation_id = a.id)
         FROM accommodations a
         JOIN places p ON p.id = a.place_id
         JOIN days s ON s.id = a.start_day_id
         JOIN days e ON e.id = a.end_day_id
         WHERE a.trip_id = ?1 AND (?2 IS NULL OR a.id = ?2)
         ORDER BY s.position, e.position, a.id",
    )?;
    let rows = stmt.query_map(params![trip_id, accommodation_id], |r| {
        Ok(Accommodation {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            place_id: r.get(2)?,
            place_name: r.get(3)?,
            start_day_id: r.get(4)?,
            start_date: r.get(5)?,
            end_day_id: r.get(6)?,
            end_date: r.get(7)?,
            check_in: r.get(8)?,
            check_out: r.get(9)?,
            confirmation: r.get(10)?,
            notes: r.get(11)?,
            reservation_id: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stays that go when a place or a day is deleted (the foreign keys cascade): the ids to
/// announce as deleted. Pass the place or the day being removed.
pub fn stays_removed_with(
    cx: &Ctx<'_>,
    place_id: Option<i64>,
    day_id: Option<i64>,
) -> Result<Vec<i64>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT id FROM accommodations
         WHERE place_id = ?1 OR start_day_id = ?2 OR end_day_id = ?2 ORDER BY id",
    )?;
    let ids = stmt.query_map(params![place_id, day_id], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// One accommodation of a trip; `NotFound` when it is not in that trip.
pub fn get_accommodation(cx: &Ctx<'_>, trip_id: i64, id: i64) -> Result<Accommodation, DomainError> {
    accommodations_of(cx, trip_id, Some(id))?.pop().ok_or(DomainError::NotFound { what: "accommodation", id })
}

/// A day of the trip named by id or by date, with the argument names used for errors.
pub(crate) struct DayArg {
    pub id_field: &'static str,
    pub date_field: &'static str,
    pub id: Option<i64>,
    pub date: Option<IsoDate>,
}

/// A resolved day: id and position (positions follow dates, so they order days).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DayAt {
    pub id: i64,
    pub position: i64,
}

impl DayArg {
    /// The day, if one was named; the id must be a day of the trip and the date a date the
    /// trip has a day for.
    pub(crate) fn resolve(&self, cx: &Ctx<'_>, trip_id: i64) -> Result<Option<DayAt>, DomainError> {
        match (self.id, &self.date) {
            (Some(_), Some(_)) => Err(DomainError::invalid(
                self.id_field,
                format!("give {} or {}, not both", self.id_field, self.date_field),
            )),
            (Some(id), None) => cx
                .conn
                .prepare_cached("SELECT id, position FROM days WHERE id = ?1 AND trip_id = ?2")?
                .query_row(params![id, trip_id], |r| Ok(DayAt { id: r.get(0)?, position: r.get(1)? }))
                .optional()?
                .ok_or(DomainError::NotFound { what: "day", id })
                .map(Some),
            (None, Some(date)) => {
                let date = parse_date(self.date_field, date.trim())?.to_string();
                cx.conn
                    .prepare_cached("SELECT id, position FROM days WHERE trip_id = ?1 AND date = ?2")?
                    .query_row(params![trip_id, date], |r| Ok(DayAt { id: r.get(0)?, position: r.get(1)? }))
                    .optional()?
                    .ok_or_else(|| {
                        DomainError::invalid(self.date_field, format!("the trip has no day dated {date}"))
                    })
                    .map(Some)
            }
            (None, None) => Ok(None),
        }
    }

    fn given_field(&self) -> &'static str {
        if self.date.is_some() { self.date_field } else { self.id_field }
    }
}

/// The position of a stored day.
fn day_at(cx: &Ctx<'_>, day_id: i64) -> Result<DayAt, DomainError> {
    Ok(cx
        .conn
        .prepare_cached("SELECT id, position FROM days WHERE id = ?1")?
        .query_row([day_id], |r| Ok(DayAt { id: r.get(0)?, position: r.get(1)? }))?)
}

/// The stored columns of an accommodation, checked together on every write.
pub(crate) struct StayFields {
    pub place_id: i64,
    pub start: DayAt,
    pub end: DayAt,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub confirmation: Option<String>,
    pub notes: Option<String>,
}

impl StayFields {
    /// Checks the place belongs to the trip, check-out comes after check-in (`end_field` names
    /// the check-out argument) and normalises times and text.
    pub(crate) fn validate(
        self,
        cx: &Ctx<'_>,
        trip_id: i64,
        end_field: &'static str,
    ) -> Result<Self, DomainError> {
        ensure_place_in_trip(cx, trip_id, self.place_id)?;
        if self.end.position <= self.start.position {
            return Err(DomainError::invalid(
                end_field,
                "the check-out day must come after the check-in day",
            ));
        }
        Ok(Self {
            place_id: self.place_id,
            start: self.start,
            end: self.end,
            check_in: self.check_in.map(|t| hh_mm("check_in", &t)).transpose()?,
            check_out: self.check_out.map(|t| hh_mm("check_out", &t)).transpose()?,
            confirmation: optional_text("confirmation", self.confirmation, 100)?,
            notes: optional_text("notes", self.notes, 2000)?,
        })
    }

    fn from_stored(cx: &Ctx<'_>, a: Accommodation) -> Result<Self, DomainError> {
        Ok(Self {
            place_id: a.place_id,
            start: day_at(cx, a.start_day_id)?,
            end: day_at(cx, a.end_day_id)?,
            check_in: a.check_in,
            check_out: a.check_out,
            confirmation: a.confirmation,
            notes: a.notes,
        })
    }
}

/// Inserts (`id` None) or rewrites an accommodation; returns its id.
pub(crate) fn write_stay(
    cx: &Ctx<'_>,
    trip_id: i64,
    id: Option<i64>,
    f: &StayFields,
) -> Result<i64, DomainError> {
    let values = params![
        trip_id,
        f.place_id,
        f.start.id,
        f.end.id,
        f.check_in,
        f.check_out,
        f.confirmation,
        f.notes,
        cx.now,
        id
    ];
    match id {
        None => {
            cx.conn
                .prepare_cached(
                    "INSERT INTO accommodations (trip_id, place_id, start_day_id, end_day_id, check_in, check_out,
                         confirmation, notes, created_at, updated_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9 WHERE ?10 IS NULL",
                )?
                .execute(values)?;
            let id = cx.conn.last_insert_rowid();
            cx.changed("accommodation", ChangeAction::Created, id, Some(trip_id));
            Ok(id)
        }
        Some(id) => {
            cx.conn
                .prepare_cached(
                    "UPDATE accommodations SET place_id = ?2, start_day_id = ?3, end_day_id = ?4, check_in = ?5,
                         check_out = ?6, confirmation = ?7, notes = ?8, updated_at = ?9
                     WHERE id = ?10 AND trip_id = ?1",
                )?
                .execute(values)?;
            cx.changed("accommodation", ChangeAction::Updated, id, Some(trip_id));
            Ok(id)
        }
    }
}

/// Deletes an accommodation (its reservation, if any, stays and loses the link).
pub(crate) fn remove_stay(cx: &Ctx<'_>, trip_id: i64, id: i64) -> Result<(), DomainError> {
    cx.conn.execute("DELETE FROM accommodations WHERE id = ?1 AND trip_id = ?2", params![id, trip_id])?;
    cx.changed("accommodation", ChangeAction::Deleted, id, Some(trip_id));
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccommodationInput {
    pub trip_id: i64,
    /// The place stayed at (create it first with create_place).
    pub place_id: i64,
    /// Check-in day id (from get_trip_summary); or give start_date.
    pub start_day_id: Option<i64>,
    /// Check-in date (YYYY-MM-DD) of a day of the trip; or give start_day_id.
    pub start_date: Option<IsoDate>,
    /// Check-out day id, after the check-in day; or give end_date.
    pub end_day_id: Option<i64>,
    /// Check-out date (YYYY-MM-DD) of a day of the trip; or give end_day_id.
    pub end_date: Option<IsoDate>,
    /// Check-in time, HH:MM.
    pub check_in: Option<String>,
    /// Check-out time, HH:MM.
    pub check_out: Option<String>,
    /// Booking confirmation code.
    pub confirmation: Option<String>,
    pub notes: Option<String>,
}

fn required_day(cx: &Ctx<'_>, trip_id: i64, arg: &DayArg) -> Result<DayAt, DomainError> {
    arg.resolve(cx, trip_id)?.ok_or_else(|| {
        DomainError::invalid(arg.id_field, format!("give {} or {}", arg.id_field, arg.date_field))
    })
}

pub fn create_accommodation(
    cx: &Ctx<'_>,
    input: CreateAccommodationInput,
) -> Result<Accommodation, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let start_arg = DayArg {
        id_field: "start_day_id",
        date_field: "start_date",
        id: input.start_day_id,
        date: input.start_date,
    };
    let end_arg =
        DayArg { id_field: "end_day_id", date_field: "end_date", id: input.end_day_id, date: input.end_date };
    let fields = StayFields {
        place_id: input.place_id,
        start: required_day(cx, input.trip_id, &start_arg)?,
        end: required_day(cx, input.trip_id, &end_arg)?,
        check_in: input.check_in,
        check_out: input.check_out,
        confirmation: input.confirmation,
        notes: input.notes,
    }
    .validate(cx, input.trip_id, end_arg.given_field())?;
    let id = write_stay(cx, input.trip_id, None, &fields)?;
    get_accommodation(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccommodationInput {
    pub trip_id: i64,
    /// The accommodation's id (from get_trip_summary).
    pub accommodation_id: i64,
    /// Another place of the trip.
    pub place_id: Option<i64>,
    /// New check-in day id; or start_date.
    pub start_day_id: Option<i64>,
    pub start_date: Option<IsoDate>,
    /// New check-out day id; or end_date.
    pub end_day_id: Option<i64>,
    pub end_date: Option<IsoDate>,
    /// HH:MM; null clears, omitted stays.
    #[serde(default)]
    pub check_in: Patch<String>,
    /// HH:MM; null clears, omitted stays.
    #[serde(default)]
    pub check_out: Patch<String>,
    #[serde(default)]
    pub confirmation: Patch<String>,
    #[serde(default)]
    pub notes: Patch<String>,
}

pub fn update_accommodation(
    cx: &Ctx<'_>,
    input: UpdateAccommodationInput,
) -> Result<Accommodation, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let stored = get_accommodation(cx, input.trip_id, input.accommodation_id)?;
    let mut f = StayFields::from_stored(cx, stored)?;
    let start_arg = DayArg {
        id_field: "start_day_id",
        date_field: "start_date",
        id: input.start_day_id,
        date: input.start_date,
    };
    let end_arg =
        DayArg { id_field: "end_day_id", date_field: "end_date", id: input.end_day_id, date: input.end_date };
    if let Some(day) = start_arg.resolve(cx, input.trip_id)? {
        f.start = day;
    }
    if let Some(day) = end_arg.resolve(cx, input.trip_id)? {
        f.end = day;
    }
    if let Some(place) = input.place_id {
        f.place_id = place;
    }
    f.check_in = input.check_in.apply(f.check_in);
    f.check_out = input.check_out.apply(f.check_out);
    f.confirmation = input.confirmation.apply(f.confirmation);
    f.notes = input.notes.apply(f.notes);
    let f = f.validate(cx, input.trip_id, end_arg.given_field())?;
    write_stay(cx, input.trip_id, Some(input.accommodation_id), &f)?;
    get_accommodation(cx, input.trip_id, input.accommodation_id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccommodationIdInput {
    pub trip_id: i64,
    /// The accommodation's id (from get_trip_summary).
    pub accommodation_id: i64,
}

/// Deletes an accommodation; a hotel reservation linked to it stays, without the link.
pub fn delete_accommodation(cx: &Ctx<'_>, input: AccommodationIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let stay = get_accommodation(cx, input.trip_id, input.accommodation_id)?;
    remove_stay(cx, input.trip_id, stay.id)?;
    if let Some(reservation) = stay.reservation_id {
        cx.changed("reservation", ChangeAction::Updated, reservation, Some(input.trip_id));
    }
    Ok(Deleted::new(stay.id))
}

/// The trip's accommodations for `get_trip_summary`, by check-in day (no access check: the
/// caller has done it).
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<Accommodation>, DomainError> {
    accommodations_of(cx, trip_id, None)
}
