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

/// The example trip's data, shared with the Python SDK suite (`tests/e2e/kyoto_trip.py`).
fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/kyoto_trip.json")).expect("tests/fixtures/kyoto_trip.json")
}

/// `value` as an object with `extra` fields added (fixture rows plus the ids they refer to).
fn with(value: &Value, extra: Value) -> Value {
    let mut merged = value.as_object().expect("object").clone();
    merged.extend(extra.as_object().expect("object").clone());
    Value::Object(merged)
}

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
        let value =
            result.structured_content.unwrap_or_else(|| panic!("{tool} returned no structured content"));
        crate::ops_support::assert_matches_output_schema(tool, &value);
        value
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

    let data = fixture();
    let trip = me.call("create_trip", data["trip"].clone()).await;
    let trip_id = id(&trip);
    let summary = me.call("get_trip_summary", json!({"trip_id": trip_id})).await;
    let days: Vec<i64> = summary["days"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(days.len(), 7, "one day per date");

    let mut place_ids = std::collections::HashMap::new();
    for place in data["places"].as_array().unwrap() {
        let created = me.call("create_place", with(place, json!({"trip_id": trip_id}))).await;
        place_ids.insert(place["name"].as_str().unwrap().to_owned(), id(&created));
    }
    let itinerary = data["itinerary"].as_array().unwrap();
    for (day, plan) in days.iter().zip(itinerary) {
        for stop in plan.as_array().unwrap() {
            let place_id = place_ids[stop["place"].as_str().unwrap()];
            me.call(
                "assign_place_to_day",
                json!({"trip_id": trip_id, "day_id": day, "place_id": place_id,
                       "start_time": stop["start_time"], "end_time": stop["end_time"]}),
            )
            .await;
        }
    }
    let notes = &data["day_notes"];
    for (day, text) in days.iter().zip(notes["texts"].as_array().unwrap()) {
        me.call(
            "create_day_note",
            json!({"trip_id": trip_id, "day_id": day, "text": text, "icon": notes["icon"]}),
        )
        .await;
    }

    // The hotel row names its place; the tool takes the place's id and the stay's first and last day.
    let mut hotel = data["hotel"].clone();
    let place = hotel.as_object_mut().unwrap().remove("place").unwrap();
    let stay = json!({"trip_id": trip_id, "place_id": place_ids[place.as_str().unwrap()],
                      "start_day_id": days[0], "end_day_id": days[6]});
    let hotel = me.call("create_reservation", with(&hotel, stay)).await;
    for restaurant in data["restaurants"].as_array().unwrap() {
        me.call("create_reservation", with(restaurant, json!({"trip_id": trip_id}))).await;
    }

    let budget = data["budget"]["items"].as_array().unwrap();
    for item in budget {
        me.call("create_budget_item", with(item, json!({"trip_id": trip_id}))).await;
    }
    me.call("bulk_import_packing", with(&data["packing"], json!({"trip_id": trip_id}))).await;
    me.call("create_collab_note", with(&data["collab_note"], json!({"trip_id": trip_id}))).await;
    me.call("mark_country_visited", json!({"country_code": data["visited_country"]})).await;

    // The recap: everything is in one summary.
    let s = me.call("get_trip_summary", json!({"trip_id": trip_id})).await;
    assert_eq!(s["trip"]["title"], data["trip"]["title"]);
    assert_eq!(
        (&s["trip"]["start_date"], &s["trip"]["end_date"]),
        (&data["trip"]["start_date"], &data["trip"]["end_date"])
    );
    let places = s["places"].as_array().unwrap();
    assert_eq!(places.len(), data["places"].as_array().unwrap().len());
    for place in data["places"].as_array().unwrap() {
        let name = &place["name"];
        let p = places.iter().find(|p| p["name"] == *name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!((&p["lat"], &p["lng"]), (&place["lat"], &place["lng"]), "{name}");
    }
    for (day, plan) in s["days"].as_array().unwrap().iter().zip(itinerary) {
        let plan: Vec<(&str, &str, &str)> = plan
            .as_array()
            .unwrap()
            .iter()
            .map(|stop| {
                let field = |k: &str| stop[k].as_str().unwrap();
                (field("place"), field("start_time"), field("end_time"))
            })
            .collect();
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
        assert_eq!(planned, plan, "day {}", day["date"]);
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
    assert_eq!(s["budget"]["total"], data["budget"]["total"], "exact decimal sum");
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
    let planned: usize = itinerary.iter().map(|day| day.as_array().unwrap().len()).sum();
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
