//! iCalendar (RFC 5545) export of a trip for calendar apps: the trip's date range, every place
//! planned on a dated day, every dated reservation and every stay become `VEVENT`s with stable
//! UIDs, so importing the file again updates the events instead of duplicating them. Trips have
//! no time zone, so times are floating local times. The `icalendar` crate writes the text
//! (escaping, line folding, CRLF); this module only decides what goes in. The data comes from
//! `get_trip_summary`, which also applies the access rule (owner or member).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use schemars::JsonSchema;
use serde::Serialize;

use super::accommodations::Accommodation;
use super::assignments::Assignment;
use super::places::Place;
use super::reservations::Reservation;
use super::trips::{TripIdInput, TripSummary, get_trip_summary};
use super::{Ctx, DomainError};

/// The calendar's product identifier (RFC 5545 §3.7.3).
pub const PRODID: &str = "-//Trek//Trek trip planner//EN";

/// Length of a timed event that has neither an end nor a duration of its own.
const DEFAULT_EVENT_MINUTES: i64 = 60;

/// Longest file name stem, in characters.
const MAX_SLUG: usize = 60;

/// `export_trip_ics` output: the calendar text and what to call the file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TripIcs {
    pub trip_id: i64,
    /// A file name for the calendar, from the trip's title, e.g. "kyoto-in-spring.ics".
    pub filename: String,
    /// How many events (VEVENT) the calendar holds.
    pub event_count: usize,
    /// The iCalendar text (RFC 5545, CRLF line ends), ready to be saved as a .ics file.
    pub ics: String,
}

/// The trip as an iCalendar file. Reads only; the owner or a member may export.
pub fn export_trip_ics(cx: &Ctx<'_>, input: TripIdInput) -> Result<TripIcs, DomainError> {
    let summary = get_trip_summary(cx, input)?;
    let stamp = DateTime::<Utc>::from_timestamp(cx.now, 0)
        .ok_or_else(|| DomainError::invalid("now", format!("{} is not a representable time", cx.now)))?;
    let events = trip_events(&summary)?;
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        // Not `Calendar::name`: it also writes NAME, which the crate does not escape.
        .append_property(Property::new("X-WR-CALNAME", clean(&summary.trip.title)));
    let event_count = events.len();
    for spec in events {
        calendar.push(spec.into_event(stamp));
    }
    Ok(TripIcs {
        trip_id: summary.trip.id,
        filename: format!("{}.ics", slug(&summary.trip.title, summary.trip.id)),
        event_count,
        ics: calendar.to_string(),
    })
}

/// When an event happens: whole days (end exclusive) or floating local times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Days { start: NaiveDate, end: NaiveDate },
    Times { start: NaiveDateTime, end: NaiveDateTime },
}

/// One event before it is written.
#[derive(Debug)]
struct EventSpec {
    uid: String,
    summary: String,
    span: Span,
    location: Option<String>,
    geo: Option<(f64, f64)>,
    description: Option<String>,
    status: Option<EventStatus>,
    /// Spans that overlap everything else (the trip, a stay) should not block the calendar.
    transparent: bool,
}

impl EventSpec {
    fn new(uid: String, summary: &str, span: Span) -> Self {
        Self {
            uid,
            summary: summary.to_owned(),
            span,
            location: None,
            geo: None,
            description: None,
            status: None,
            transparent: false,
        }
    }

    /// Location and coordinates of a place: its address, else its name.
    fn at(mut self, place: Option<&Place>) -> Self {
        if let Some(p) = place {
            self.location =
                self.location.or_else(|| Some(p.address.clone().unwrap_or_else(|| p.name.clone())));
            self.geo = p.lat.zip(p.lng);
        }
        self
    }

    fn into_event(self, stamp: DateTime<Utc>) -> Event {
        let mut event = Event::new();
        event.uid(&self.uid).timestamp(stamp).summary(&clean(&self.summary));
        match self.span {
            Span::Days { start, end } => event.starts(start).ends(end),
            Span::Times { start, end } => event.starts(start).ends(end),
        };
        if let Some(location) = &self.location {
            event.location(&clean(location));
        }
        if let Some((lat, lng)) = self.geo {
            event.append_property(Property::new("GEO", format!("{lat};{lng}")));
        }
        if let Some(description) = &self.description {
            event.description(&clean(description));
        }
        if let Some(status) = self.status {
            event.status(status);
        }
        if self.transparent {
            event.append_property(Property::new("TRANSP", "TRANSPARENT"));
        }
        event.done()
    }
}

/// Every event of the trip: its range, planned places, reservations, stays. Undated things
/// have no place in a calendar and are left out.
fn trip_events(s: &TripSummary) -> Result<Vec<EventSpec>, DomainError> {
    let trip_id = s.trip.id;
    let places: HashMap<i64, &Place> = s.places.iter().map(|p| (p.id, p)).collect();
    let mut events = Vec::new();
    if let (Some(start), Some(end)) = (&s.trip.start_date, &s.trip.end_date) {
        let span = Span::Days { start: date("start_date", start)?, end: next_day(date("end_date", end)?)? };
        let mut e = EventSpec::new(format!("trek-trip-{trip_id}@trek.local"), &s.trip.title, span);
        e.description = s.trip.description.clone();
        e.transparent = true;
        events.push(e);
    }
    for day in &s.days {
        let Some(day_date) = &day.date else { continue };
        let day_date = date("date", day_date)?;
        for a in &day.assignments {
            events.push(assignment_event(trip_id, day_date, a, places.get(&a.place_id).copied())?);
        }
    }
    for r in &s.reservations {
        if let Some(e) = reservation_event(trip_id, r, r.place_id.and_then(|id| places.get(&id).copied()))? {
            events.push(e);
        }
    }
    for a in &s.accommodations {
        if let Some(e) = stay_event(trip_id, a, places.get(&a.place_id).copied())? {
            events.push(e);
        }
    }
    Ok(events)
}

/// A planned place: timed from its start time when it has one, else all day.
fn assignment_event(
    trip_id: i64,
    day: NaiveDate,
    a: &Assignment,
    place: Option<&Place>,
) -> Result<EventSpec, DomainError> {
    let span = match &a.start_time {
        Some(start) => {
            let start = day.and_time(time("start_time", start)?);
            let end =
                a.end_time.as_deref().map(|t| time("end_time", t)).transpose()?.map(|t| day.and_time(t));
            let minutes = place.and_then(|p| p.duration_minutes).filter(|m| *m > 0);
            Span::Times { start, end: end_after(start, end, minutes)? }
        }
        None => Span::Days { start: day, end: next_day(day)? },
    };
    let mut e =
        EventSpec::new(format!("trek-trip-{trip_id}-assignment-{}@trek.local", a.id), &a.place_name, span);
    e.description = join(&[a.notes.clone(), place.and_then(|p| p.notes.clone())]);
    Ok(e.at(place))
}

/// A dated reservation: timed when it has a time, else all day through its end date.
fn reservation_event(
    trip_id: i64,
    r: &Reservation,
    place: Option<&Place>,
) -> Result<Option<EventSpec>, DomainError> {
    let Some(start_date) = &r.date else { return Ok(None) };
    let start_date = date("date", start_date)?;
    let end_date = r.end_date.as_deref().map(|d| date("end_date", d)).transpose()?;
    let span = match &r.time {
        Some(t) => {
            let start = start_date.and_time(time("time", t)?);
            let end = r
                .end_time
                .as_deref()
                .map(|t| time("end_time", t))
                .transpose()?
                .map(|t| end_date.unwrap_or(start_date).and_time(t));
            Span::Times { start, end: end_after(start, end, None)? }
        }
        None => {
            Span::Days { start: start_date, end: next_day(end_date.unwrap_or(start_date).max(start_date))? }
        }
    };
    let mut e =
        EventSpec::new(format!("trek-trip-{trip_id}-reservation-{}@trek.local", r.id), &r.title, span);
    e.location = r.location.clone();
    e.status = match r.status.as_str() {
        "confirmed" => Some(EventStatus::Confirmed),
        "cancelled" => Some(EventStatus::Cancelled),
        _ => Some(EventStatus::Tentative),
    };
    e.description =
        join(&[r.confirmation_number.as_ref().map(|c| format!("Confirmation: {c}")), r.notes.clone()]);
    Ok(Some(e.at(place)))
}

/// A stay, all day from the check-in day through the check-out day.
fn stay_event(
    trip_id: i64,
    a: &Accommodation,
    place: Option<&Place>,
) -> Result<Option<EventSpec>, DomainError> {
    let (Some(start), Some(end)) = (&a.start_date, &a.end_date) else { return Ok(None) };
    let span = Span::Days { start: date("start_date", start)?, end: next_day(date("end_date", end)?)? };
    let mut e = EventSpec::new(
        format!("trek-trip-{trip_id}-accommodation-{}@trek.local", a.id),
        &format!("Stay: {}", a.place_name),
        span,
    );
    e.description = join(&[
        a.check_in.as_ref().map(|t| format!("Check-in: {t}")),
        a.check_out.as_ref().map(|t| format!("Check-out: {t}")),
        a.confirmation.as_ref().map(|c| format!("Confirmation: {c}")),
        a.notes.clone(),
    ]);
    e.transparent = true;
    Ok(Some(e.at(place)))
}

/// The end of a timed event: the given end when it is after the start (RFC 5545 requires
/// that), else the start plus `minutes` or the default length.
fn end_after(
    start: NaiveDateTime,
    end: Option<NaiveDateTime>,
    minutes: Option<i64>,
) -> Result<NaiveDateTime, DomainError> {
    if let Some(end) = end.filter(|e| *e > start) {
        return Ok(end);
    }
    start
        .checked_add_signed(TimeDelta::minutes(minutes.unwrap_or(DEFAULT_EVENT_MINUTES)))
        .ok_or_else(|| DomainError::invalid("end_time", "the event would end past the calendar's range"))
}

/// Stored dates were validated on write; a bad one names its field rather than panicking.
fn date(field: &'static str, value: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(field, format!("{value:?} is not a date in YYYY-MM-DD form")))
}

fn time(field: &'static str, value: &str) -> Result<NaiveTime, DomainError> {
    NaiveTime::parse_from_str(value, "%H:%M")
        .map_err(|_| DomainError::invalid(field, format!("{value:?} is not a time in HH:MM form")))
}

/// The exclusive end of an all-day span ending on `day`.
fn next_day(day: NaiveDate) -> Result<NaiveDate, DomainError> {
    day.succ_opt().ok_or_else(|| DomainError::invalid("end_date", "is the last representable date"))
}

/// The present parts, one paragraph each.
fn join(parts: &[Option<String>]) -> Option<String> {
    let text: Vec<&str> = parts.iter().flatten().map(String::as_str).filter(|s| !s.is_empty()).collect();
    (!text.is_empty()).then(|| text.join("\n\n"))
}

/// Text as RFC 5545 TEXT can carry it: the crate escapes `\ ; , LF` but not CR or other control
/// characters, which the grammar forbids, so line breaks become LF and other controls go.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// A file name stem from the title: lowercase ASCII letters and digits joined by dashes;
/// `trip-{id}` when nothing is left.
fn slug(title: &str, trip_id: i64) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if out.len() >= MAX_SLUG {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() { format!("trip-{trip_id}") } else { out.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_ascii_and_never_empty() {
        assert_eq!(slug("Kyoto in Spring!", 3), "kyoto-in-spring");
        assert_eq!(slug("  Zürich & Côte d'Azur ", 3), "z-rich-c-te-d-azur");
        assert_eq!(slug("東京 🗼", 7), "trip-7");
        assert_eq!(slug(&"a".repeat(200), 1).len(), MAX_SLUG);
    }

    #[test]
    fn timed_events_end_after_they_start() {
        let day = NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
        let at = |h, m| day.and_hms_opt(h, m, 0).unwrap();
        let ok = |end, minutes| end_after(at(9, 0), end, minutes).ok();
        assert_eq!(ok(Some(at(11, 30)), Some(20)), Some(at(11, 30)), "an end after the start wins");
        assert_eq!(ok(Some(at(9, 0)), Some(20)), Some(at(9, 20)), "an end at the start is not one");
        assert_eq!(ok(None, Some(90)), Some(at(10, 30)));
        assert_eq!(ok(None, None), Some(at(10, 0)));
    }

    #[test]
    fn control_characters_are_made_text() {
        assert_eq!(clean("a\r\nb\rc\nd\te\u{7}f\u{0}"), "a\nb\nc\nd\tef");
    }
}
