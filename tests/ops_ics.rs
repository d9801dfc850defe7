//! export_trip_ics through the registry, read back with `calcard` (Stalwart's iCalendar
//! parser: another project, so the writer does not check itself; the `ical` crate was tried
//! first but drops whitespace ending a folded line, so it cannot show text round-trips).
//! Checked: calendar properties, the exact events with their dates, floating times, status,
//! location and GEO, stable unique UIDs, hostile text that round-trips after unescaping,
//! physical lines of at most 75 octets ending in CRLF, the access rule, and an undated trip
//! giving a valid empty calendar.

use std::collections::{BTreeSet, HashMap};

use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarParameterName, ICalendarParameterValue,
    ICalendarProperty as P, ICalendarValue, ICalendarValueType,
};
use calcard::{Entry, Parser};
use serde_json::{Value, json};

use crate::ops_support::{Env, assert_not_found};

/// Commas, semicolons, backslashes (one before an `n`), quotes, a colon, emoji and enough
/// length to be folded more than once.
const HOSTILE_NAME: &str =
    "Fushimi Inari, Taisha; \"Senbon\" \\ torii: 🦊⛩️ — a name that runs well past seventy-five octets";
const HOSTILE_ADDRESS: &str =
    "68 Fukakusa Yabunouchichō, Fushimi-ku; Kyōto 612-0882, 日本 — back\\slash \\n not a newline";
const HOSTILE_NOTES: &str = "Line one, with comma; and semicolon\nLine two \\ backslash\n\nLine four 🍡 after a blank line, long enough to fold across several physical lines of the file";
const HOSTILE_TITLE: &str = "Kyoto, Nara; \"Osaka\" \\ 🌸 spring";

/// The one calendar in the file (anything after it is an error).
fn parse(ics: &str) -> ICalendar {
    let mut parser = Parser::new(ics);
    let Entry::ICalendar(calendar) = parser.entry() else { panic!("not iCalendar:\n{ics}") };
    let rest = parser.entry();
    assert!(matches!(rest, Entry::Eof), "after the calendar: {rest:?}");
    assert_eq!(calendar.components[0].component_type, ICalendarComponentType::VCalendar);
    calendar
}

fn vcalendar(calendar: &ICalendar) -> &ICalendarComponent {
    &calendar.components[0]
}

fn vevents(calendar: &ICalendar) -> Vec<&ICalendarComponent> {
    calendar.components.iter().filter(|c| c.component_type == ICalendarComponentType::VEvent).collect()
}

/// The single value of the one `prop` of `c`, `None` when absent.
fn value<'a>(c: &'a ICalendarComponent, prop: &P) -> Option<&'a [ICalendarValue]> {
    let found: Vec<_> = c.entries.iter().filter(|e| &e.name == prop).collect();
    assert!(found.len() <= 1, "{prop:?} appears {} times", found.len());
    found.first().map(|e| e.values.as_slice())
}

/// A text (or enumerated) value, unescaped by the parser.
fn text(c: &ICalendarComponent, prop: &P) -> Option<String> {
    value(c, prop).map(|v| match v {
        [one] => one.as_text().unwrap_or_else(|| panic!("{prop:?} is not text: {v:?}")).to_owned(),
        _ => panic!("{prop:?} has {} values: {v:?}", v.len()),
    })
}

/// A DTSTART/DTEND as `YYYYMMDD` (with `VALUE=DATE`) or `YYYYMMDDTHHMMSS` (floating: neither a
/// TZID nor UTC, trips have no time zone).
fn when(c: &ICalendarComponent, prop: P) -> String {
    let entry = c.entries.iter().find(|e| e.name == prop).unwrap_or_else(|| panic!("no {prop:?}"));
    let [ICalendarValue::PartialDateTime(dt)] = entry.values.as_slice() else { panic!("{entry:?}") };
    assert!(entry.params.iter().all(|p| p.name != ICalendarParameterName::Tzid), "{entry:?}");
    let is_date = entry.params.iter().any(|p| {
        p.name == ICalendarParameterName::Value
            && p.value == ICalendarParameterValue::Value(ICalendarValueType::Date)
    });
    let date = format!("{:04}{:02}{:02}", dt.year.unwrap(), dt.month.unwrap(), dt.day.unwrap());
    if is_date {
        assert!(dt.hour.is_none(), "{entry:?}");
        date
    } else {
        assert!(dt.tz_hour.is_none(), "floating, not UTC: {entry:?}");
        format!("{date}T{:02}{:02}{:02}", dt.hour.unwrap(), dt.minute.unwrap(), dt.second.unwrap())
    }
}

/// DTSTAMP, which must be UTC.
fn stamp(c: &ICalendarComponent) -> String {
    let Some([ICalendarValue::PartialDateTime(dt)]) = value(c, &P::Dtstamp) else {
        panic!("no DTSTAMP in {c:?}")
    };
    assert_eq!((dt.tz_hour, dt.tz_minute.unwrap_or(0)), (Some(0), 0), "UTC");
    let (y, mo, d) = (dt.year.unwrap(), dt.month.unwrap(), dt.day.unwrap());
    format!("{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z", dt.hour.unwrap(), dt.minute.unwrap(), dt.second.unwrap())
}

fn all_day(e: &ICalendarComponent, start: &str, end: &str) {
    assert_eq!((when(e, P::Dtstart), when(e, P::Dtend)), (start.to_owned(), end.to_owned()), "{e:?}");
}

fn timed(e: &ICalendarComponent, start: &str, end: &str) {
    all_day(e, start, end);
    assert!(start.contains('T') && end.contains('T'), "{start} {end} are times");
}

fn geo(e: &ICalendarComponent) -> Option<(f64, f64)> {
    value(e, &P::Geo).map(|v| match v {
        [ICalendarValue::Float(lat), ICalendarValue::Float(lng)] => (*lat, *lng),
        other => panic!("GEO {other:?} is not lat;lng"),
    })
}

/// Events by UID (which must be unique).
fn by_uid(calendar: &ICalendar) -> HashMap<String, &ICalendarComponent> {
    let mut events = HashMap::new();
    for e in vevents(calendar) {
        let uid = text(e, &P::Uid).expect("every event has a UID");
        assert!(events.insert(uid.clone(), e).is_none(), "duplicate UID {uid}");
    }
    events
}

/// Every physical line is at most 75 octets and ends in CRLF, with no stray CR or LF.
fn assert_lines_are_rfc5545(ics: &str) {
    let body = ics.strip_suffix("\r\n").expect("the file ends with CRLF");
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
        assert!(!line.is_empty(), "empty line");
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// What `planned_trip` made.
struct Planned {
    trip: i64,
    fushimi_morning: i64,
    fushimi_afternoon: i64,
    kinkakuji: i64,
    hotel_reservation: i64,
    stay: i64,
    dinner: i64,
    tea: i64,
}

/// A trip 2027-04-01 … 04-03 with places (one hostile, with address and coordinates; one with
/// only a name), timed and all-day assignments, a hotel booked with its stay, a confirmed
/// dinner, a cancelled all-day event, plus an undated day and an undated reservation that
/// must not appear.
async fn planned_trip(env: &Env) -> Planned {
    let (trip, days) = env.trip("2027-04-03").await;
    env.ok("update_trip", json!({"trip_id": trip, "title": HOSTILE_TITLE, "description": "Cherry blossoms"}))
        .await;
    let fushimi = id(&env
        .ok(
            "create_place",
            json!({"trip_id": trip, "name": HOSTILE_NAME, "address": HOSTILE_ADDRESS,
                   "lat": 34.9671, "lng": 135.7727, "notes": "Go early", "duration_minutes": 90}),
        )
        .await);
    let kinkakuji = id(&env.ok("create_place", json!({"trip_id": trip, "name": "Kinkaku-ji"})).await);
    let hotel = id(&env
        .ok(
            "create_place",
            json!({"trip_id": trip, "name": "Hotel Granvia", "address": "Karasuma, Kyoto", "lat": 34.985, "lng": 135.758}),
        )
        .await);

    let fushimi_morning = id(&env
        .ok(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": days[0], "place_id": fushimi, "start_time": "09:00", "notes": HOSTILE_NOTES}),
        )
        .await);
    let kinkakuji_a = id(&env
        .ok("assign_place_to_day", json!({"trip_id": trip, "day_id": days[1], "place_id": kinkakuji}))
        .await);
    let fushimi_afternoon = id(&env
        .ok(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": days[1], "place_id": fushimi, "start_time": "14:00", "end_time": "15:30"}),
        )
        .await);
    // An undated day's plans have no date to show on.
    let undated = id(&env.ok("create_day", json!({"trip_id": trip, "title": "Some day"})).await);
    env.ok("assign_place_to_day", json!({"trip_id": trip, "day_id": undated, "place_id": kinkakuji})).await;

    let hotel_r = env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "hotel", "title": "Hotel Granvia", "place_id": hotel,
                   "start_day_id": days[0], "end_day_id": days[2], "check_in": "15:00", "check_out": "10:00",
                   "confirmation_number": "HG-42"}),
        )
        .await;
    let dinner = id(&env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "restaurant", "title": "Gion Karyo", "reservation_time": "2027-04-02T19:30",
                   "reservation_end_time": "21:30", "confirmation_number": "GK-1", "location": "Gion, Kyoto",
                   "notes": "Window seat; ask for the kaiseki"}),
        )
        .await);
    env.ok("update_reservation", json!({"trip_id": trip, "reservation_id": dinner, "status": "confirmed"}))
        .await;
    let tea = id(&env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "event", "title": "Tea ceremony", "reservation_time": "2027-04-03"}),
        )
        .await);
    env.ok("update_reservation", json!({"trip_id": trip, "reservation_id": tea, "status": "cancelled"}))
        .await;
    env.ok("create_reservation", json!({"trip_id": trip, "type": "other", "title": "Rail pass"})).await;

    Planned {
        trip,
        fushimi_morning,
        fushimi_afternoon,
        kinkakuji: kinkakuji_a,
        hotel_reservation: id(&hotel_r),
        stay: hotel_r["accommodation_id"].as_i64().expect("the hotel made its stay"),
        dinner,
        tea,
    }
}

#[tokio::test]
async fn export_holds_exactly_the_dated_events_with_their_times_and_places() {
    let env = Env::new().await;
    let p = planned_trip(&env).await;
    let out = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await;
    assert_eq!(out["trip_id"], p.trip);
    assert_eq!(out["filename"], "kyoto-nara-osaka-spring.ics");
    let ics = out["ics"].as_str().unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    let cal = parse(ics);

    assert_eq!(text(vcalendar(&cal), &P::Prodid).as_deref(), Some("-//Trek//Trek trip planner//EN"));
    assert_eq!(text(vcalendar(&cal), &P::Version).as_deref(), Some("2.0"));
    assert_eq!(text(vcalendar(&cal), &P::Calscale).as_deref(), Some("GREGORIAN"));
    assert_eq!(text(vcalendar(&cal), &P::Other("X-WR-CALNAME".into())).as_deref(), Some(HOSTILE_TITLE));

    // Trip range, 3 dated assignments, 3 dated reservations, 1 stay; nothing undated.
    assert_eq!(out["event_count"], 8);
    assert_eq!(vevents(&cal).len(), 8);
    let events = by_uid(&cal);
    let uid = |kind: &str, id: i64| format!("trek-trip-{}-{kind}-{id}@trek.local", p.trip);
    let want: BTreeSet<String> = [
        format!("trek-trip-{}@trek.local", p.trip),
        uid("assignment", p.fushimi_morning),
        uid("assignment", p.kinkakuji),
        uid("assignment", p.fushimi_afternoon),
        uid("reservation", p.hotel_reservation),
        uid("reservation", p.dinner),
        uid("reservation", p.tea),
        uid("accommodation", p.stay),
    ]
    .into();
    assert_eq!(events.keys().cloned().collect::<BTreeSet<_>>(), want);
    for e in events.values() {
        // DTSTAMP is the call's clock: ops_support::NOW (1_799_997_600) is 2027-01-15T07:20:00Z.
        assert_eq!(stamp(e), "20270115T072000Z");
    }

    let range = events[&format!("trek-trip-{}@trek.local", p.trip)];
    all_day(range, "20270401", "20270404");
    assert_eq!(text(range, &P::Summary).as_deref(), Some(HOSTILE_TITLE));
    assert_eq!(text(range, &P::Description).as_deref(), Some("Cherry blossoms"));
    assert_eq!(text(range, &P::Transp).as_deref(), Some("TRANSPARENT"));

    // Start time and no end: the place's 90 minutes.
    let morning = events[&uid("assignment", p.fushimi_morning)];
    timed(morning, "20270401T090000", "20270401T103000");
    assert_eq!(text(morning, &P::Summary).as_deref(), Some(HOSTILE_NAME));
    assert_eq!(text(morning, &P::Location).as_deref(), Some(HOSTILE_ADDRESS));
    assert_eq!(geo(morning), Some((34.9671, 135.7727)));
    assert_eq!(
        text(morning, &P::Description),
        Some(format!("{HOSTILE_NOTES}\n\nGo early")),
        "assignment notes, then the place's"
    );
    assert_eq!(text(morning, &P::Status), None);

    let afternoon = events[&uid("assignment", p.fushimi_afternoon)];
    timed(afternoon, "20270402T140000", "20270402T153000");

    // No times: all day; no address: the name; no coordinates: no GEO.
    let kinkakuji = events[&uid("assignment", p.kinkakuji)];
    all_day(kinkakuji, "20270402", "20270403");
    assert_eq!(text(kinkakuji, &P::Location).as_deref(), Some("Kinkaku-ji"));
    assert_eq!(geo(kinkakuji), None);

    let dinner = events[&uid("reservation", p.dinner)];
    timed(dinner, "20270402T193000", "20270402T213000");
    assert_eq!(text(dinner, &P::Status).as_deref(), Some("CONFIRMED"));
    assert_eq!(text(dinner, &P::Summary).as_deref(), Some("Gion Karyo"));
    assert_eq!(text(dinner, &P::Location).as_deref(), Some("Gion, Kyoto"));
    assert_eq!(
        text(dinner, &P::Description).as_deref(),
        Some("Confirmation: GK-1\n\nWindow seat; ask for the kaiseki")
    );

    // The hotel booking sits on its check-in day, pending, at the hotel's address.
    let hotel = events[&uid("reservation", p.hotel_reservation)];
    all_day(hotel, "20270401", "20270402");
    assert_eq!(text(hotel, &P::Status).as_deref(), Some("TENTATIVE"));
    assert_eq!(text(hotel, &P::Location).as_deref(), Some("Karasuma, Kyoto"));
    assert_eq!(geo(hotel), Some((34.985, 135.758)));
    assert_eq!(text(hotel, &P::Description).as_deref(), Some("Confirmation: HG-42"));

    let tea = events[&uid("reservation", p.tea)];
    all_day(tea, "20270403", "20270404");
    assert_eq!(text(tea, &P::Status).as_deref(), Some("CANCELLED"));

    // The stay covers check-in through check-out day.
    let stay = events[&uid("accommodation", p.stay)];
    all_day(stay, "20270401", "20270404");
    assert_eq!(text(stay, &P::Summary).as_deref(), Some("Stay: Hotel Granvia"));
    assert_eq!(text(stay, &P::Location).as_deref(), Some("Karasuma, Kyoto"));
    assert_eq!(
        text(stay, &P::Description).as_deref(),
        Some("Check-in: 15:00\n\nCheck-out: 10:00\n\nConfirmation: HG-42")
    );
    assert_eq!(text(stay, &P::Transp).as_deref(), Some("TRANSPARENT"));
}

#[tokio::test]
async fn export_lines_are_folded_crlf_and_escaped_by_the_writer() {
    let env = Env::new().await;
    let p = planned_trip(&env).await;
    let ics = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await["ics"].as_str().unwrap().to_owned();
    assert_lines_are_rfc5545(&ics);
    assert!(ics.contains("\r\n "), "long lines are folded");
    // The escapes are on the wire, not only undone by a lenient reader.
    assert!(ics.contains(r"SUMMARY:Fushimi Inari\, Taisha\; "), "{ics}");

    // CR, CRLF and other controls cannot be TEXT: line breaks arrive as LF, the rest is dropped.
    env.exec(format!(
        "UPDATE day_assignments SET notes = 'a' || char(13, 10) || 'b' || char(13) || 'c' || char(7) || 'd' WHERE id = {}",
        p.fushimi_afternoon
    ))
    .await;
    let ics = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await["ics"].as_str().unwrap().to_owned();
    assert_lines_are_rfc5545(&ics);
    let cal = parse(&ics);
    let afternoon =
        by_uid(&cal)[&format!("trek-trip-{}-assignment-{}@trek.local", p.trip, p.fushimi_afternoon)];
    assert_eq!(text(afternoon, &P::Description).as_deref(), Some("a\nb\ncd\n\nGo early"));
}

#[tokio::test]
async fn uids_are_stable_across_exports_and_changes() {
    let env = Env::new().await;
    let p = planned_trip(&env).await;
    let first = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await;
    let again = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await;
    assert_eq!(first, again, "same data and clock, same file");

    env.ok(
        "update_assignment_time",
        json!({"trip_id": p.trip, "assignment_id": p.fushimi_morning, "start_time": "10:15", "end_time": null}),
    )
    .await;
    let changed = env.ok("export_trip_ics", json!({"trip_id": p.trip})).await;
    let (before, after) = (parse(first["ics"].as_str().unwrap()), parse(changed["ics"].as_str().unwrap()));
    let (before, after) = (by_uid(&before), by_uid(&after));
    assert_eq!(
        before.keys().collect::<BTreeSet<_>>(),
        after.keys().collect::<BTreeSet<_>>(),
        "a re-import updates the same events"
    );
    let morning = format!("trek-trip-{}-assignment-{}@trek.local", p.trip, p.fushimi_morning);
    timed(after[&morning], "20270401T101500", "20270401T114500");
}

#[tokio::test]
async fn only_the_owner_and_members_may_export() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    assert_not_found(&env.err("export_trip_ics", json!({"trip_id": foreign})).await, "trip");

    let (trip, _) = env.trip("2027-04-02").await;
    let alex = env.companion("Alex").await;
    let err = env.call_as(alex, "export_trip_ics", json!({"trip_id": trip})).await.unwrap_err();
    assert_not_found(&err, "trip");
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    let (out, changes) = env.call_as(alex, "export_trip_ics", json!({"trip_id": trip})).await.unwrap();
    assert_eq!(out["event_count"], 1, "a member sees the trip's range");
    assert!(changes.is_empty(), "an export changes nothing");
}

#[tokio::test]
async fn an_undated_trip_is_a_valid_empty_calendar() {
    let env = Env::new().await;
    let trip = id(&env.ok("create_trip", json!({"title": "東京 🗼"})).await);
    env.ok("create_day", json!({"trip_id": trip})).await;
    let out = env.ok("export_trip_ics", json!({"trip_id": trip})).await;
    assert_eq!(out["event_count"], 0);
    assert_eq!(out["filename"], format!("trip-{trip}.ics"));
    let ics = out["ics"].as_str().unwrap();
    assert_lines_are_rfc5545(ics);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let cal = parse(ics);
    assert!(vevents(&cal).is_empty());
    assert_eq!(text(vcalendar(&cal), &P::Version).as_deref(), Some("2.0"));
    assert_eq!(text(vcalendar(&cal), &P::Other("X-WR-CALNAME".into())).as_deref(), Some("東京 🗼"));
}

/// A fold right after a space: the space is content and must survive unfolding (the `ical`
/// crate loses it, which is why these tests read the file with `calcard`).
#[tokio::test]
async fn a_space_ending_a_folded_line_survives() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-01").await;
    // "SUMMARY:" and 66 letters fill 74 octets, so the space is the 75th, the line's last.
    let name = format!("{} {}", "x".repeat(66), "y".repeat(20));
    let place = id(&env.ok("create_place", json!({"trip_id": trip, "name": name})).await);
    let a = id(&env
        .ok("assign_place_to_day", json!({"trip_id": trip, "day_id": days[0], "place_id": place}))
        .await);
    let ics = env.ok("export_trip_ics", json!({"trip_id": trip})).await["ics"].as_str().unwrap().to_owned();
    assert_lines_are_rfc5545(&ics);
    assert!(ics.contains(&format!("SUMMARY:{} \r\n y", "x".repeat(66))), "{ics}");
    let cal = parse(&ics);
    let event = by_uid(&cal)[&format!("trek-trip-{trip}-assignment-{a}@trek.local")];
    assert_eq!(text(event, &P::Summary), Some(name));
}
