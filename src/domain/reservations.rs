//! Reservations of a trip: flights, hotels, restaurants and other bookings with a status
//! (always created `pending`), a day and/or date and time, an end, a location, a confirmation
//! code, notes and a price in the trip's currency. Positions are dense (0, 1, 2, …) among the
//! reservations of one day (and among those without a day). A hotel may own an accommodation
//! (`domain::accommodations`), created or linked here and deleted with it.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::accommodations::{Accommodation, DayArg, StayFields, get_accommodation, remove_stay, write_stay};
use super::common::{Deleted, Patch, decimal_amount, hh_mm, optional_text, required_text};
use super::places::ensure_place_in_trip;
use super::trips::{IsoDate, ensure_visible, parse_date};
use super::{ChangeAction, Ctx, DomainError};

/// What is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReservationType {
    Flight,
    Hotel,
    Restaurant,
    Train,
    Car,
    Cruise,
    Event,
    Tour,
    Activity,
    Other,
}

impl ReservationType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Flight => "flight",
            Self::Hotel => "hotel",
            Self::Restaurant => "restaurant",
            Self::Train => "train",
            Self::Car => "car",
            Self::Cruise => "cruise",
            Self::Event => "event",
            Self::Tour => "tour",
            Self::Activity => "activity",
            Self::Other => "other",
        }
    }
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    Pending,
    Confirmed,
    Cancelled,
}

impl ReservationStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A booking.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Reservation {
    pub id: i64,
    pub trip_id: i64,
    /// flight, hotel, restaurant, train, car, cruise, event, tour, activity or other.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// pending, confirmed or cancelled.
    pub status: String,
    /// The day it belongs to (from get_trip_summary).
    pub day_id: Option<i64>,
    /// YYYY-MM-DD.
    pub date: Option<IsoDate>,
    /// HH:MM.
    pub time: Option<String>,
    /// YYYY-MM-DD, when it ends on a later date (e.g. an overnight flight).
    pub end_date: Option<IsoDate>,
    /// HH:MM.
    pub end_time: Option<String>,
    pub location: Option<String>,
    pub confirmation_number: Option<String>,
    pub notes: Option<String>,
    /// Decimal amount as text (e.g. "120.00") in `currency`.
    pub price: Option<String>,
    /// The trip's currency.
    pub currency: String,
    /// A linked place of the trip (the hotel, the restaurant).
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    /// A hotel's stay (see create_accommodation).
    pub accommodation_id: Option<i64>,
    /// Display order within its day, from 0.
    pub position: i64,
}

/// A trip's reservations (all, one, or one day's), ordered by day, then position.
fn reservations_of(
    cx: &Ctx<'_>,
    trip_id: i64,
    reservation_id: Option<i64>,
    day: Option<Option<i64>>,
) -> Result<Vec<Reservation>, DomainError> {
    let (filter_day, day_id) = match day {
        None => (false, None),
        Some(d) => (true, d),
    };
    let mut stmt = cx.conn.prepare_cached(
        "SELECT r.id, r.trip_id, r.type, r.title, r.status, r.day_id, r.date, r.time, r.end_date, r.end_time,
                r.location, r.confirmation_number, r.notes, r.price, t.currency, r.place_id, p.name,
                r.accommodation_id, r.position
         FROM reservations r
         JOIN trips t ON t.id = r.trip_id
         LEFT JOIN places p ON p.id = r.place_id
         LEFT JOIN days d ON d.id = r.day_id
         WHERE r.trip_id = ?1 AND (?2 IS NULL OR r.id = ?2) AND (NOT ?3 OR r.day_id IS ?4)
         ORDER BY d.position IS NULL, d.position, r.position, r.id",
    )?;
    let rows = stmt.query_map(params![trip_id, reservation_id, filter_day, day_id], |r| {
        Ok(Reservation {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            kind: r.get(2)?,
            title: r.get(3)?,
            status: r.get(4)?,
            day_id: r.get(5)?,
            date: r.get(6)?,
            time: r.get(7)?,
            end_date: r.get(8)?,
            end_time: r.get(9)?,
            location: r.get(10)?,
            confirmation_number: r.get(11)?,
            notes: r.get(12)?,
            price: r.get(13)?,
            currency: r.get(14)?,
            place_id: r.get(15)?,
            place_name: r.get(16)?,
            accommodation_id: r.get(17)?,
            position: r.get(18)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn get_reservation(cx: &Ctx<'_>, trip_id: i64, id: i64) -> Result<Reservation, DomainError> {
    reservations_of(cx, trip_id, Some(id), None)?
        .pop()
        .ok_or(DomainError::NotFound { what: "reservation", id })
}

/// Closes gaps in every day's reservation order of a trip, keeping the current order.
fn renumber_reservations(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE reservations SET position = (
                 SELECT count(*) FROM reservations o
                 WHERE o.trip_id = reservations.trip_id AND o.day_id IS reservations.day_id
                   AND (o.position < reservations.position
                        OR (o.position = reservations.position AND o.id < reservations.id)))
             WHERE trip_id = ?1",
        )?
        .execute([trip_id])?;
    Ok(())
}

/// A point in time as given: a date, a time, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct When {
    date: Option<String>,
    time: Option<String>,
}

impl When {
    /// Parses "YYYY-MM-DDTHH:MM" (or with a space, or with seconds), "YYYY-MM-DD" or "HH:MM".
    fn parse(field: &'static str, value: &str) -> Result<Self, DomainError> {
        let v = value.trim();
        let bad = || {
            DomainError::invalid(
                field,
                format!("{value:?} is not a date-time like \"2027-04-05T19:30\", a date or an HH:MM time"),
            )
        };
        let time = |t: &str| {
            // Seconds are accepted and dropped: bookings are to the minute.
            let t = if t.len() == 8 && t.ends_with(":00") { &t[..5] } else { t };
            hh_mm(field, t).map_err(|_| bad())
        };
        if let Some((d, t)) = v.split_once(['T', ' ']) {
            let date = parse_date(field, d).map_err(|_| bad())?;
            return Ok(Self { date: Some(date.to_string()), time: Some(time(t)?) });
        }
        if v.contains(':') {
            return Ok(Self { date: None, time: Some(time(v)?) });
        }
        let date = parse_date(field, v).map_err(|_| bad())?;
        Ok(Self { date: Some(date.to_string()), time: None })
    }
}

/// Settles the day and date of a reservation: an explicit day must be in the trip and agree
/// with the date (which it supplies when missing); without one, the trip's day with that date
/// (if any) is used.
fn schedule(
    cx: &Ctx<'_>,
    trip_id: i64,
    explicit_day: Option<i64>,
    mut when: When,
) -> Result<(Option<i64>, When), DomainError> {
    match explicit_day {
        Some(day_id) => {
            let day_date: Option<String> = cx
                .conn
                .prepare_cached("SELECT date FROM days WHERE id = ?1 AND trip_id = ?2")?
                .query_row(params![day_id, trip_id], |r| r.get(0))
                .optional()?
                .ok_or(DomainError::NotFound { what: "day", id: day_id })?;
            match (&when.date, day_date) {
                (Some(date), Some(day_date)) if *date != day_date => {
                    return Err(DomainError::invalid(
                        "day_id",
                        format!("day {day_id} is dated {day_date}, not {date}"),
                    ));
                }
                (None, day_date) => when.date = day_date,
                _ => {}
            }
            Ok((Some(day_id), when))
        }
        None => {
            let day = match &when.date {
                Some(date) => cx
                    .conn
                    .prepare_cached("SELECT id FROM days WHERE trip_id = ?1 AND date = ?2")?
                    .query_row(params![trip_id, date], |r| r.get(0))
                    .optional()?,
                None => None,
            };
            Ok((day, when))
        }
    }
}

/// Checks the end is not before the start.
fn check_end(start: &When, end: &When) -> Result<(), DomainError> {
    let field = "reservation_end_time";
    if let (Some(s), Some(e)) = (&start.date, &end.date)
        && e < s
    {
        return Err(DomainError::invalid(field, "must not be before reservation_time"));
    }
    let same_day = end.date.is_none() || end.date == start.date;
    if let (true, Some(s), Some(e)) = (same_day, &start.time, &end.time)
        && e < s
    {
        return Err(DomainError::invalid(field, "must not be before reservation_time"));
    }
    Ok(())
}

/// The stored columns of a reservation, checked together on every write.
struct Fields {
    kind: ReservationType,
    title: String,
    status: ReservationStatus,
    day_id: Option<i64>,
    start: When,
    end: When,
    location: Option<String>,
    confirmation_number: Option<String>,
    notes: Option<String>,
    price: Option<String>,
    place_id: Option<i64>,
}

impl Fields {
    fn validate(self, cx: &Ctx<'_>, trip_id: i64) -> Result<Self, DomainError> {
        check_end(&self.start, &self.end)?;
        if let Some(place) = self.place_id {
            ensure_place_in_trip(cx, trip_id, place)?;
        }
        Ok(Self {
            title: required_text("title", &self.title, 200)?,
            location: optional_text("location", self.location, 500)?,
            confirmation_number: optional_text("confirmation_number", self.confirmation_number, 100)?,
            notes: optional_text("notes", self.notes, 2000)?,
            price: self.price.map(|p| decimal_amount("price", &p)).transpose()?,
            ..self
        })
    }
}

fn write_reservation(cx: &Ctx<'_>, trip_id: i64, id: Option<i64>, f: &Fields) -> Result<i64, DomainError> {
    let values = params![
        trip_id,
        f.kind.as_str(),
        f.title,
        f.status.as_str(),
        f.day_id,
        f.start.date,
        f.start.time,
        f.end.date,
        f.end.time,
        f.location,
        f.confirmation_number,
        f.notes,
        f.price,
        f.place_id,
        cx.now,
        id,
    ];
    match id {
        None => {
            cx.conn
                .prepare_cached(
                    "INSERT INTO reservations (trip_id, type, title, status, day_id, date, time, end_date, end_time,
                         location, confirmation_number, notes, price, place_id, position, created_at, updated_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                         (SELECT coalesce(max(position) + 1, 0) FROM reservations WHERE trip_id = ?1 AND day_id IS ?5),
                         ?15, ?15
                     WHERE ?16 IS NULL",
                )?
                .execute(values)?;
            Ok(cx.conn.last_insert_rowid())
        }
        Some(id) => {
            // Moving to another day puts it last there.
            cx.conn
                .prepare_cached(
                    "UPDATE reservations SET type = ?2, title = ?3, status = ?4,
                         position = CASE WHEN day_id IS ?5 THEN position ELSE
                             (SELECT coalesce(max(position) + 1, 0) FROM reservations WHERE trip_id = ?1 AND day_id IS ?5)
                         END,
                         day_id = ?5, date = ?6, time = ?7, end_date = ?8, end_time = ?9, location = ?10,
                         confirmation_number = ?11, notes = ?12, price = ?13, place_id = ?14, updated_at = ?15
                     WHERE id = ?16 AND trip_id = ?1",
                )?
                .execute(values)?;
            Ok(id)
        }
    }
}

fn link_accommodation(
    cx: &Ctx<'_>,
    reservation_id: i64,
    accommodation_id: Option<i64>,
) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached("UPDATE reservations SET accommodation_id = ?2 WHERE id = ?1")?
        .execute(params![reservation_id, accommodation_id])?;
    Ok(())
}

/// Hotel-only arguments given to another type are refused, naming the first one.
fn hotel_only(kind: ReservationType, given: &[(&'static str, bool)]) -> Result<(), DomainError> {
    if kind == ReservationType::Hotel {
        return Ok(());
    }
    match given.iter().find(|(_, g)| *g) {
        Some((field, _)) => Err(DomainError::invalid(field, "only hotel reservations have this")),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReservationInput {
    pub trip_id: i64,
    #[serde(rename = "type")]
    pub kind: ReservationType,
    /// 1-200 characters, e.g. "LH 716 Munich → Tokyo".
    pub title: String,
    /// When it starts: "2027-04-05T19:30", a date "2027-04-05", or a time "19:30" (with day_id).
    pub reservation_time: Option<String>,
    /// When it ends: an HH:MM time on the same date, or a date-time for a later date.
    pub reservation_end_time: Option<String>,
    /// The day it belongs to (from get_trip_summary); found from the date when omitted.
    pub day_id: Option<i64>,
    pub location: Option<String>,
    pub confirmation_number: Option<String>,
    pub notes: Option<String>,
    /// Price as a decimal string in the trip's currency, e.g. "120.00".
    pub price: Option<String>,
    /// A place of the trip it is at (the hotel, the restaurant).
    pub place_id: Option<i64>,
    /// Hotels: check-in day id; with place_id and end_day_id it creates the accommodation.
    pub start_day_id: Option<i64>,
    /// Hotels: check-out day id, after the check-in day.
    pub end_day_id: Option<i64>,
    /// Hotels: check-in time, HH:MM.
    pub check_in: Option<String>,
    /// Hotels: check-out time, HH:MM.
    pub check_out: Option<String>,
    /// Hotels: link an existing accommodation (from create_accommodation) instead.
    pub accommodation_id: Option<i64>,
}

/// Creates a pending reservation; a hotel with a place and check-in/out days gets its
/// accommodation.
pub fn create_reservation(cx: &Ctx<'_>, input: CreateReservationInput) -> Result<Reservation, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let kind = input.kind;
    hotel_only(
        kind,
        &[
            ("start_day_id", input.start_day_id.is_some()),
            ("end_day_id", input.end_day_id.is_some()),
            ("check_in", input.check_in.is_some()),
            ("check_out", input.check_out.is_some()),
            ("accommodation_id", input.accommodation_id.is_some()),
        ],
    )?;
    let stay_given = input.start_day_id.is_some() || input.end_day_id.is_some();
    if stay_given && input.accommodation_id.is_some() {
        return Err(DomainError::invalid(
            "accommodation_id",
            "give either accommodation_id or start_day_id/end_day_id, not both",
        ));
    }
    let bare_time = [("check_in", &input.check_in), ("check_out", &input.check_out)]
        .into_iter()
        .find(|(_, v)| v.is_some())
        .filter(|_| !stay_given && input.accommodation_id.is_none());
    if let Some((field, _)) = bare_time {
        return Err(DomainError::invalid(field, "needs start_day_id, end_day_id and place_id for the stay"));
    }
    let stay = if stay_given {
        let place_id = input
            .place_id
            .ok_or_else(|| DomainError::invalid("place_id", "required with start_day_id and end_day_id"))?;
        let day = |field: &'static str, id: Option<i64>| {
            DayArg { id_field: field, date_field: field, id, date: None }
                .resolve(cx, input.trip_id)?
                .ok_or_else(|| DomainError::invalid(field, "required with place_id for a hotel stay"))
        };
        let fields = StayFields {
            place_id,
            start: day("start_day_id", input.start_day_id)?,
            end: day("end_day_id", input.end_day_id)?,
            check_in: input.check_in.clone(),
            check_out: input.check_out.clone(),
            confirmation: input.confirmation_number.clone(),
            notes: None,
        };
        Some(fields.validate(cx, input.trip_id, "end_day_id")?)
    } else {
        None
    };
    let linked = match input.accommodation_id {
        Some(id) => {
            let existing = get_accommodation(cx, input.trip_id, id)?;
            if let Some(other) = existing.reservation_id {
                return Err(DomainError::Conflict(format!(
                    "accommodation {id} already belongs to reservation {other}"
                )));
            }
            Some(existing)
        }
        None => None,
    };
    let start = input.reservation_time.as_deref().map(|t| When::parse("reservation_time", t)).transpose()?;
    let end =
        input.reservation_end_time.as_deref().map(|t| When::parse("reservation_end_time", t)).transpose()?;
    // A hotel stay without its own day shows on its check-in day.
    let explicit_day =
        input.day_id.or(if start.is_none() { stay.as_ref().map(|s| s.start.id) } else { None });
    let explicit_day =
        explicit_day.or(if start.is_none() { linked.as_ref().map(|a| a.start_day_id) } else { None });
    let (day_id, start) = schedule(cx, input.trip_id, explicit_day, start.unwrap_or_default())?;
    let fields = Fields {
        kind,
        title: input.title,
        status: ReservationStatus::Pending,
        day_id,
        start,
        end: end.unwrap_or_default(),
        location: input.location,
        confirmation_number: input.confirmation_number,
        notes: input.notes,
        price: input.price,
        place_id: input.place_id.or(linked.as_ref().map(|a| a.place_id)),
    }
    .validate(cx, input.trip_id)?;
    let id = write_reservation(cx, input.trip_id, None, &fields)?;
    if let Some(stay) = &stay {
        let accommodation = write_stay(cx, input.trip_id, None, stay)?;
        link_accommodation(cx, id, Some(accommodation))?;
    }
    if let Some(a) = &linked {
        link_accommodation(cx, id, Some(a.id))?;
        cx.changed("accommodation", ChangeAction::Updated, a.id, Some(input.trip_id));
    }
    renumber_reservations(cx, input.trip_id)?;
    cx.changed("reservation", ChangeAction::Created, id, Some(input.trip_id));
    get_reservation(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReservationInput {
    pub trip_id: i64,
    /// The reservation's id (from list_reservations).
    pub reservation_id: i64,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<ReservationType>,
    /// pending, confirmed or cancelled.
    pub status: Option<ReservationStatus>,
    /// "2027-04-05T19:30", "2027-04-05" or "19:30"; null clears. Omitted fields stay.
    #[serde(default)]
    pub reservation_time: Patch<String>,
    #[serde(default)]
    pub reservation_end_time: Patch<String>,
    /// Another day of the trip; null detaches it from its day.
    #[serde(default)]
    pub day_id: Patch<i64>,
    #[serde(default)]
    pub location: Patch<String>,
    #[serde(default)]
    pub confirmation_number: Patch<String>,
    #[serde(default)]
    pub notes: Patch<String>,
    /// Decimal string in the trip's currency, e.g. "120.00".
    #[serde(default)]
    pub price: Patch<String>,
    #[serde(default)]
    pub place_id: Patch<i64>,
}

fn when_of(r: &Reservation) -> When {
    When { date: r.date.clone(), time: r.time.clone() }
}

/// Changes fields of a reservation, including its status; omitted fields stay, null clears.
pub fn update_reservation(cx: &Ctx<'_>, input: UpdateReservationInput) -> Result<Reservation, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let r = get_reservation(cx, input.trip_id, input.reservation_id)?;
    let kind = input.kind.unwrap_or(parse_kind(&r.kind)?);
    if kind != ReservationType::Hotel && r.accommodation_id.is_some() {
        return Err(DomainError::invalid(
            "type",
            "this hotel reservation has an accommodation; delete it (delete_accommodation) before changing the type",
        ));
    }
    let parse = |field, p: Patch<String>, current: When| match p {
        Patch::Keep => Ok(current),
        Patch::Clear => Ok(When::default()),
        Patch::Set(v) => When::parse(field, &v),
    };
    let time_changed = !input.reservation_time.is_keep();
    let day_changed = !input.day_id.is_keep();
    let start = parse("reservation_time", input.reservation_time, when_of(&r))?;
    let end = parse(
        "reservation_end_time",
        input.reservation_end_time,
        When { date: r.end_date, time: r.end_time },
    )?;
    let (day_id, start) = match (day_changed, time_changed) {
        (false, false) => (r.day_id, start),
        // A new day keeps the time but takes the day's date.
        (true, false) => {
            schedule(cx, input.trip_id, input.day_id.apply(r.day_id), When { date: None, time: start.time })?
        }
        (true, true) => schedule(cx, input.trip_id, input.day_id.apply(r.day_id), start)?,
        // A new date finds its day; a bare time stays on the current day.
        (false, true) => {
            let keep_day = if start.date.is_some() { None } else { r.day_id };
            schedule(cx, input.trip_id, keep_day, start)?
        }
    };
    let fields = Fields {
        kind,
        title: input.title.unwrap_or(r.title),
        status: input.status.unwrap_or(parse_status(&r.status)?),
        day_id,
        start,
        end,
        location: input.location.apply(r.location),
        confirmation_number: input.confirmation_number.apply(r.confirmation_number),
        notes: input.notes.apply(r.notes),
        price: input.price.apply(r.price),
        place_id: input.place_id.apply(r.place_id),
    }
    .validate(cx, input.trip_id)?;
    write_reservation(cx, input.trip_id, Some(r.id), &fields)?;
    renumber_reservations(cx, input.trip_id)?;
    cx.changed("reservation", ChangeAction::Updated, r.id, Some(input.trip_id));
    get_reservation(cx, input.trip_id, r.id)
}

fn parse_kind(stored: &str) -> Result<ReservationType, DomainError> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
        .map_err(|_| DomainError::invalid("type", format!("stored type {stored:?} is unknown")))
}

fn parse_status(stored: &str) -> Result<ReservationStatus, DomainError> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
        .map_err(|_| DomainError::invalid("status", format!("stored status {stored:?} is unknown")))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReservationIdInput {
    pub trip_id: i64,
    /// The reservation's id (from list_reservations).
    pub reservation_id: i64,
}

/// Deletes a reservation and, for a hotel, its accommodation; the day's others close ranks.
pub fn delete_reservation(cx: &Ctx<'_>, input: ReservationIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let r = get_reservation(cx, input.trip_id, input.reservation_id)?;
    cx.conn.execute("DELETE FROM reservations WHERE id = ?1", [r.id])?;
    if let Some(accommodation) = r.accommodation_id {
        remove_stay(cx, input.trip_id, accommodation)?;
    }
    renumber_reservations(cx, input.trip_id)?;
    cx.changed("reservation", ChangeAction::Deleted, r.id, Some(input.trip_id));
    Ok(Deleted::new(r.id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListReservationsInput {
    pub trip_id: i64,
    /// Only this day's reservations.
    pub day_id: Option<i64>,
}

/// `list_reservations` and `reorder_reservations` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReservationList {
    /// By day, then position; those without a day last.
    pub reservations: Vec<Reservation>,
}

pub fn list_reservations(cx: &Ctx<'_>, input: ListReservationsInput) -> Result<ReservationList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    if let Some(day) = input.day_id {
        super::days::ensure_day_in_trip(cx, input.trip_id, day)?;
    }
    let day = input.day_id.map(Some);
    Ok(ReservationList { reservations: reservations_of(cx, input.trip_id, None, day)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderReservationsInput {
    pub trip_id: i64,
    /// The day whose reservations to order; omit (or null) for those without a day.
    pub day_id: Option<i64>,
    /// Every reservation of that day, once each, in the new order.
    pub reservation_ids: Vec<i64>,
}

pub fn reorder_reservations(
    cx: &Ctx<'_>,
    input: ReorderReservationsInput,
) -> Result<ReservationList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    if let Some(day) = input.day_id {
        super::days::ensure_day_in_trip(cx, input.trip_id, day)?;
    }
    let current: HashSet<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM reservations WHERE trip_id = ?1 AND day_id IS ?2")?
        .query_map(params![input.trip_id, input.day_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let given: HashSet<i64> = input.reservation_ids.iter().copied().collect();
    if given.len() != input.reservation_ids.len() || given != current {
        return Err(DomainError::invalid(
            "reservation_ids",
            format!("must list each of the day's {} reservations exactly once", current.len()),
        ));
    }
    let mut update = cx.conn.prepare_cached("UPDATE reservations SET position = ?2 WHERE id = ?1")?;
    for (position, &id) in input.reservation_ids.iter().enumerate() {
        update.execute(params![id, position as i64])?;
        cx.changed("reservation", ChangeAction::Updated, id, Some(input.trip_id));
    }
    Ok(ReservationList { reservations: reservations_of(cx, input.trip_id, None, Some(input.day_id))? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkHotelInput {
    pub trip_id: i64,
    /// A hotel reservation's id.
    pub reservation_id: i64,
    /// The hotel, a place of the trip.
    pub place_id: i64,
    /// Check-in day id (from get_trip_summary).
    pub start_day_id: i64,
    /// Check-out day id, after the check-in day.
    pub end_day_id: i64,
    /// Check-in time, HH:MM; kept when omitted.
    pub check_in: Option<String>,
    /// Check-out time, HH:MM; kept when omitted.
    pub check_out: Option<String>,
}

/// `link_hotel_accommodation` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HotelLink {
    pub reservation: Reservation,
    pub accommodation: Accommodation,
}

/// Sets a hotel reservation's place and check-in/out days, updating its accommodation or
/// creating one.
pub fn link_hotel_accommodation(cx: &Ctx<'_>, input: LinkHotelInput) -> Result<HotelLink, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let r = get_reservation(cx, input.trip_id, input.reservation_id)?;
    if r.kind != ReservationType::Hotel.as_str() {
        return Err(DomainError::invalid(
            "reservation_id",
            format!("reservation {} is a {}, not a hotel", r.id, r.kind),
        ));
    }
    let existing = r.accommodation_id.map(|id| get_accommodation(cx, input.trip_id, id)).transpose()?;
    let day = |field: &'static str, id: i64| {
        DayArg { id_field: field, date_field: field, id: Some(id), date: None }
            .resolve(cx, input.trip_id)?
            .ok_or(DomainError::NotFound { what: "day", id })
    };
    let (check_in, check_out, confirmation, notes) = match &existing {
        Some(a) => (a.check_in.clone(), a.check_out.clone(), a.confirmation.clone(), a.notes.clone()),
        None => (None, None, r.confirmation_number.clone(), None),
    };
    let stay = StayFields {
        place_id: input.place_id,
        start: day("start_day_id", input.start_day_id)?,
        end: day("end_day_id", input.end_day_id)?,
        check_in: input.check_in.or(check_in),
        check_out: input.check_out.or(check_out),
        confirmation,
        notes,
    }
    .validate(cx, input.trip_id, "end_day_id")?;
    let accommodation = write_stay(cx, input.trip_id, existing.as_ref().map(|a| a.id), &stay)?;
    link_accommodation(cx, r.id, Some(accommodation))?;
    cx.conn.execute(
        "UPDATE reservations SET place_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![r.id, input.place_id, cx.now],
    )?;
    cx.changed("reservation", ChangeAction::Updated, r.id, Some(input.trip_id));
    Ok(HotelLink {
        reservation: get_reservation(cx, input.trip_id, r.id)?,
        accommodation: get_accommodation(cx, input.trip_id, accommodation)?,
    })
}

/// The trip's reservations for `get_trip_summary`, by day then position (no access check: the
/// caller has done it).
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<Reservation>, DomainError> {
    reservations_of(cx, trip_id, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservation_times_parse_in_three_forms() {
        let w = |d: Option<&str>, t: Option<&str>| When { date: d.map(Into::into), time: t.map(Into::into) };
        assert_eq!(When::parse("f", "2027-04-05T19:30").unwrap(), w(Some("2027-04-05"), Some("19:30")));
        assert_eq!(When::parse("f", "2027-04-05 19:30:00").unwrap(), w(Some("2027-04-05"), Some("19:30")));
        assert_eq!(When::parse("f", "2027-04-05").unwrap(), w(Some("2027-04-05"), None));
        assert_eq!(When::parse("f", "07:05").unwrap(), w(None, Some("07:05")));
        for bad in ["tomorrow", "2027-13-01", "25:00", "2027-04-05T7pm", ""] {
            assert!(When::parse("f", bad).is_err(), "{bad}");
        }
        assert!(check_end(&w(Some("2027-04-05"), Some("19:30")), &w(None, Some("18:00"))).is_err());
        assert!(
            check_end(&w(Some("2027-04-05"), Some("19:30")), &w(Some("2027-04-06"), Some("06:00"))).is_ok()
        );
        assert!(check_end(&w(Some("2027-04-05"), None), &w(Some("2027-04-04"), None)).is_err());
    }
}
