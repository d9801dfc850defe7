//! The seed's Kyoto example, replayed as an assistant would: over `/mcp` with the rmcp client
//! and an OAuth machine token, only tool calls — create the trip, 16 places with real
//! coordinates, a day-by-day itinerary with times, the hotel booked and linked to its
//! accommodation days, restaurant reservations, a budget in EUR, a packing list, a pinned collab
//! note, a day note per day, Japan marked visited — then `get_trip_summary` must hold all of it
//! and `export_trip_ics` must put it in a calendar.

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use crate::support::TestServer;

/// (name, lat, lng, category id) — real coordinates.
const PLACES: &[(&str, f64, f64, i64)] = &[
    ("Fushimi Inari Taisha", 34.9671, 135.7727, 1),
    ("Kiyomizu-dera", 34.9949, 135.7850, 1),
    ("Sannenzaka", 34.9961, 135.7810, 7),
    ("Kinkaku-ji", 35.0394, 135.7292, 1),
    ("Ryoan-ji", 35.0345, 135.7182, 1),
    ("Arashiyama Bamboo Grove", 35.0170, 135.6713, 8),
    ("Tenryu-ji", 35.0158, 135.6737, 1),
    ("Philosopher's Path", 35.0270, 135.7948, 8),
    ("Ginkaku-ji", 35.0270, 135.7982, 1),
    ("Nishiki Market", 35.0050, 135.7649, 7),
    ("Maruyama Park", 35.0037, 135.7810, 8),
    ("Nijo Castle", 35.0142, 135.7482, 1),
    ("Heian Shrine", 35.0160, 135.7824, 1),
    ("Nara Park", 34.6851, 135.8430, 8),
    ("Gion Karyo", 35.0030, 135.7745, 3),
    ("The Thousand Kyoto", 34.9862, 135.7597, 6),
];

/// Day by day (April 5–11): (place name, start, end).
const ITINERARY: &[&[(&str, &str, &str)]] = &[
    &[("Nishiki Market", "16:00", "17:30"), ("Maruyama Park", "18:00", "19:30")],
    &[
        ("Fushimi Inari Taisha", "07:00", "09:30"),
        ("Kiyomizu-dera", "11:00", "12:30"),
        ("Sannenzaka", "12:30", "14:00"),
    ],
    &[("Arashiyama Bamboo Grove", "07:30", "08:30"), ("Tenryu-ji", "08:45", "10:15")],
    &[("Kinkaku-ji", "09:00", "10:00"), ("Ryoan-ji", "10:30", "11:30"), ("Nijo Castle", "14:00", "15:30")],
    &[("Nara Park", "09:30", "15:00")],
    &[
        ("Philosopher's Path", "08:30", "10:00"),
        ("Ginkaku-ji", "10:00", "11:00"),
        ("Heian Shrine", "11:30", "12:30"),
    ],
    &[("Nishiki Market", "09:00", "10:00")],
];

struct Assistant {
    client: RunningService<RoleClient, ()>,
}

impl Assistant {
    /// Calls a tool that must succeed and returns its structured result.
    async fn call(&self, tool: &str, arguments: Value) -> Value {
        let params = CallToolRequestParams::new(tool.to_owned())
            .with_arguments(arguments.as_object().expect("arguments object").clone());
        let result = self.client.call_tool(params).await.unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert_ne!(result.is_error, Some(true), "{tool} {arguments}: {result:?}");
        result.structured_content.unwrap_or_else(|| panic!("{tool} returned no structured content"))
    }
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

#[tokio::test]
async fn an_assistant_builds_the_kyoto_trip_end_to_end() {
    let t = TestServer::start().await;
    let token = t
        .machine_token(
            "trips:write places:write reservations:write budget:write packing:write collab:write atlas:write",
            None,
        )
        .await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(t.url("/mcp")).auth_header(token),
    );
    let me = Assistant { client: ().serve(transport).await.unwrap() };

    let trip = me
        .call(
            "create_trip",
            json!({"title": "Kyoto in cherry blossom season", "start_date": "2027-04-05",
                   "end_date": "2027-04-11", "currency": "EUR",
                   "description": "A week of temples, gardens and food under the sakura."}),
        )
        .await;
    let trip_id = id(&trip);
    let summary = me.call("get_trip_summary", json!({"trip_id": trip_id})).await;
    let days: Vec<i64> = summary["days"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(days.len(), 7, "one day per date");

    let mut place_ids = std::collections::HashMap::new();
    for &(name, lat, lng, category) in PLACES {
        let place = me
            .call(
                "create_place",
                json!({"trip_id": trip_id, "name": name, "lat": lat, "lng": lng, "category_id": category}),
            )
            .await;
        place_ids.insert(name, id(&place));
    }
    for (day, plan) in days.iter().zip(ITINERARY) {
        for &(name, start, end) in *plan {
            me.call(
                "assign_place_to_day",
                json!({"trip_id": trip_id, "day_id": day, "place_id": place_ids[name],
                       "start_time": start, "end_time": end}),
            )
            .await;
        }
    }
    let heads_up = [
        "Check-in from 15:00",
        "Start at 7:00 to beat the crowds",
        "Bamboo grove is best before 8",
        "Kinkaku-ji opens at 9",
        "Train to Nara from Kyoto Station",
        "Petals on the canal",
        "Check-out by 11:00",
    ];
    for (day, text) in days.iter().zip(heads_up) {
        me.call("create_day_note", json!({"trip_id": trip_id, "day_id": day, "text": text, "icon": "⚠️"}))
            .await;
    }

    let hotel = me
        .call(
            "create_reservation",
            json!({"trip_id": trip_id, "type": "hotel", "title": "The Thousand Kyoto",
                   "place_id": place_ids["The Thousand Kyoto"], "start_day_id": days[0], "end_day_id": days[6],
                   "check_in": "15:00", "check_out": "11:00", "confirmation_number": "TK-2027-0405",
                   "price": "1260.00"}),
        )
        .await;
    for (title, at, price) in [
        ("Kaiseki at Gion Karyo", "2027-04-06T19:00", "180.00"),
        ("Tofu lunch at Shoraian", "2027-04-07T12:00", "70.00"),
    ] {
        me.call(
            "create_reservation",
            json!({"trip_id": trip_id, "type": "restaurant", "title": title, "reservation_time": at, "price": price}),
        )
        .await;
    }

    let budget = [
        ("The Thousand Kyoto, 6 nights", "Accommodation", "1260.00"),
        ("Kaiseki dinner", "Food", "180.00"),
        ("Tofu lunch", "Food", "70.00"),
        ("Street food and cafés", "Food", "210.00"),
        ("ICOCA top-ups and buses", "Transport", "60.00"),
        ("Train to Nara and back", "Transport", "15.40"),
        ("Temple entrance fees", "Sights", "48.50"),
    ];
    for (name, category, price) in budget {
        me.call(
            "create_budget_item",
            json!({"trip_id": trip_id, "name": name, "category": category, "total_price": price}),
        )
        .await;
    }
    me.call(
        "bulk_import_packing",
        json!({"trip_id": trip_id, "items": ["Passport", "Travel insurance papers", "Light rain jacket",
            "2x comfortable walking shoes", "Socks x7", "Layering sweater", "Power adapter (type A)",
            "Portable charger", "Coin purse", "Small towel"], "category": "Essentials"}),
    )
    .await;
    me.call(
        "create_collab_note",
        json!({"trip_id": trip_id, "title": "Practical tips", "pinned": true, "category": "Tips",
               "content": "Get an ICOCA card at the airport. Carry cash: many temples and small shops take \
                           no cards. No tipping. Queue on the left of escalators in Kyoto."}),
    )
    .await;
    me.call("mark_country_visited", json!({"country_code": "jp"})).await;

    // The recap: everything is in one summary.
    let s = me.call("get_trip_summary", json!({"trip_id": trip_id})).await;
    assert_eq!(s["trip"]["title"], "Kyoto in cherry blossom season");
    assert_eq!(
        (s["trip"]["start_date"].as_str(), s["trip"]["end_date"].as_str()),
        (Some("2027-04-05"), Some("2027-04-11"))
    );
    let places = s["places"].as_array().unwrap();
    assert_eq!(places.len(), PLACES.len());
    for &(name, lat, lng, _) in PLACES {
        let p = places.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!((p["lat"].as_f64(), p["lng"].as_f64()), (Some(lat), Some(lng)), "{name}");
    }
    for (day, plan) in s["days"].as_array().unwrap().iter().zip(ITINERARY) {
        let planned: Vec<(&str, &str, &str)> = day["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["place_name"].as_str().unwrap(),
                    a["start_time"].as_str().unwrap(),
                    a["end_time"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(planned, *plan, "day {}", day["date"]);
        assert_eq!(day["day_notes"].as_array().unwrap().len(), 1, "a note on {}", day["date"]);
    }
    let stays = s["accommodations"].as_array().unwrap();
    assert_eq!(stays.len(), 1);
    assert_eq!(stays[0]["reservation_id"], hotel["id"], "the hotel is linked to its stay");
    assert_eq!(
        (stays[0]["start_date"].as_str(), stays[0]["end_date"].as_str()),
        (Some("2027-04-05"), Some("2027-04-11"))
    );
    assert_eq!(stays[0]["check_in"], "15:00");
    let reservations = s["reservations"].as_array().unwrap();
    assert_eq!(reservations.len(), 3);
    assert!(reservations.iter().all(|r| r["status"] == "pending"), "created pending");
    assert_eq!(reservations.iter().filter(|r| r["type"] == "restaurant").count(), 2);
    assert_eq!(s["budget"]["currency"], "EUR");
    assert_eq!(s["budget"]["total"], "1843.90", "exact decimal sum");
    assert_eq!(s["budget"]["items"].as_array().unwrap().len(), budget.len());
    let packing = s["packing"]["items"].as_array().unwrap();
    assert_eq!(packing.len(), 10);
    let shoes = packing.iter().find(|i| i["name"] == "comfortable walking shoes").unwrap();
    assert_eq!(shoes["quantity"], 2);
    let notes = s["collab_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["pinned"], true);
    let visited = me.call("list_visited_countries", json!({})).await;
    assert!(visited.to_string().contains("\"JP\""), "{visited}");

    // And it goes into the user's calendar.
    let calendar = me.call("export_trip_ics", json!({"trip_id": trip_id})).await;
    let planned: usize = ITINERARY.iter().map(|day| day.len()).sum();
    // The trip, every planned stop, the two dinners and the stay; the hotel booking too if dated.
    assert!(
        calendar["event_count"].as_u64().unwrap() >= (1 + planned + 2 + 1) as u64,
        "{}",
        calendar["event_count"]
    );
    let ics = calendar["ics"].as_str().unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("Kaiseki at Gion Karyo"));

    me.client.cancel().await.unwrap();
    t.stop().await;
}
