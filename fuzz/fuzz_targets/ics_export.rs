//! Hostile text in a trip (title, places, reservations, notes) exported as iCalendar: the file
//! always parses with an independent parser and every summary comes back as it was written.
#![no_main]

mod world;

use calcard::icalendar::{ICalendarComponentType, ICalendarProperty};
use calcard::{Entry, Parser};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(2, '\u{1}');
    let title = parts.next().unwrap_or_default().to_owned();
    let place = parts.next().unwrap_or("x").to_owned();
    let world = world::world();
    let call = |name: &str, args: serde_json::Value| world.call(name, args);
    // Inputs the rules refuse (empty or too long) are not the subject here.
    let Ok((trip, _)) = call("create_trip", json!({"title": title, "start_date": "2027-04-01", "end_date": "2027-04-02"}))
    else {
        return;
    };
    let trip_id = trip["id"].as_i64().unwrap();
    let reservation = call(
        "create_reservation",
        json!({"trip_id": trip_id, "type": "restaurant", "title": place, "reservation_time": "2027-04-01T19:30", "notes": title}),
    );
    let (ics, _) = call("export_trip_ics", json!({"trip_id": trip_id})).unwrap();
    let ics = ics["ics"].as_str().unwrap().to_owned();
    let mut parser = Parser::new(&ics);
    let Entry::ICalendar(calendar) = parser.entry() else { panic!("not iCalendar:\n{ics}") };
    assert!(matches!(parser.entry(), Entry::Eof), "something after the calendar:\n{ics}");
    let summaries: Vec<String> = calendar
        .components
        .iter()
        .filter(|c| c.component_type == ICalendarComponentType::VEvent)
        .flat_map(|c| c.entries.iter().filter(|e| e.name == ICalendarProperty::Summary))
        .filter_map(|e| e.values.first().and_then(|v| v.as_text()).map(str::to_owned))
        .collect();
    if reservation.is_ok() {
        // Stored text is trimmed by the rules; the calendar carries it as RFC 5545 TEXT can:
        // CR LF as LF, other control characters (which TEXT forbids) left out.
        let text: String = place
            .trim()
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        assert!(summaries.iter().any(|s| s.contains(&text)), "{text:?} not in {summaries:?}");
    }
    call("delete_trip", json!({"trip_id": trip_id})).unwrap();
});
