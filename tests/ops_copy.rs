//! copy_trip through the registry: the copy's summary equals the source's with every id
//! renamed consistently (deep equality, references included), packing and to-dos reset, the
//! date shift, access and validation.

use std::collections::HashMap;

use serde_json::{Value, json};
use trek::domain::ChangeAction;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

/// A trip with something in every table copy_trip copies. Returns the trip id.
pub(crate) async fn rich_trip(env: &Env) -> i64 {
    let alex = env.companion("Alex").await;
    let (trip, days) = env.trip("2027-04-03").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    let tag = env.ok("create_tag", json!({"name": "Must see", "color": "#ef4444"})).await["id"].clone();
    let mut places = Vec::new();
    for (name, lat, lng) in [
        ("Fushimi Inari", 34.9671, 135.7727),
        ("Kinkaku-ji", 35.0394, 135.7292),
        ("Hotel Granvia", 34.9858, 135.7588),
    ] {
        let place = env
            .ok(
                "create_place",
                json!({"trip_id": trip, "name": name, "lat": lat, "lng": lng, "category_id": 1,
                       "duration_minutes": 90, "tag_ids": [tag], "notes": "Go early"}),
            )
            .await;
        places.push(place["id"].as_i64().unwrap());
    }
    let first = env
        .ok(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": days[0], "place_id": places[0], "start_time": "07:00", "end_time": "09:00"}),
        )
        .await;
    env.ok("assign_place_to_day", json!({"trip_id": trip, "day_id": days[0], "place_id": places[1]})).await;
    env.ok("assign_place_to_day", json!({"trip_id": trip, "day_id": days[2], "place_id": places[0]})).await;
    let assignment = first["id"].as_i64().unwrap();
    env.ok(
        "set_assignment_participants",
        json!({"trip_id": trip, "assignment_id": assignment, "user_ids": [alex]}),
    )
    .await;
    env.ok("create_day_note", json!({"trip_id": trip, "day_id": days[1], "text": "Rest day", "icon": "😴"}))
        .await;
    env.ok(
        "create_reservation",
        json!({"trip_id": trip, "type": "hotel", "title": "Hotel Granvia", "place_id": places[2],
               "start_day_id": days[0], "end_day_id": days[2], "check_in": "15:00", "confirmation_number": "HX-1"}),
    )
    .await;
    env.ok(
        "create_reservation",
        json!({"trip_id": trip, "type": "restaurant", "title": "Gion Karyo", "reservation_time": "2027-04-02T19:30", "price": "120.00"}),
    )
    .await;
    let item = env
        .ok(
            "create_budget_item",
            json!({"trip_id": trip, "name": "Kaiseki", "category": "Food", "total_price": "90.00", "paid_by": alex,
                   "user_ids": [env.owner.user.0, alex], "expense_date": "2027-04-02"}),
        )
        .await;
    env.ok(
        "toggle_budget_member_paid",
        json!({"trip_id": trip, "item_id": item["id"], "member_id": env.owner.user.0, "paid": true}),
    )
    .await;
    let bag = env.ok("create_packing_bag", json!({"trip_id": trip, "name": "Carry-on"})).await["id"].clone();
    env.ok("set_bag_members", json!({"trip_id": trip, "bag_id": bag, "user_ids": [alex]})).await;
    let passport = env
        .ok(
            "create_packing_item",
            json!({"trip_id": trip, "name": "Passport", "category": "Documents", "bag_id": bag}),
        )
        .await;
    env.ok(
        "create_packing_item",
        json!({"trip_id": trip, "name": "Socks", "category": "Clothes", "quantity": 5}),
    )
    .await;
    env.ok("toggle_packing_item", json!({"trip_id": trip, "item_id": passport["id"], "checked": true})).await;
    env.ok(
        "set_packing_category_assignees",
        json!({"trip_id": trip, "category_name": "Documents", "user_ids": [alex]}),
    )
    .await;
    let todo = env
        .ok(
            "create_todo",
            json!({"trip_id": trip, "name": "Book JR Pass", "category": "Booking", "due_date": "2027-03-01"}),
        )
        .await;
    env.ok("toggle_todo", json!({"trip_id": trip, "item_id": todo["id"], "checked": true})).await;
    env.ok(
        "set_todo_category_assignees",
        json!({"trip_id": trip, "category_name": "Booking", "user_ids": [alex]}),
    )
    .await;
    env.ok(
        "create_collab_note",
        json!({"trip_id": trip, "title": "Tips", "content": "ICOCA card", "pinned": true}),
    )
    .await;
    trip
}

/// Kind of entity an id key refers to, given the dotted path of keys above it (`None` = not a
/// per-trip entity, kept verbatim: users, categories, the user's tags).
fn id_kind(key: &str, path: &str) -> Option<String> {
    // `items` alone is ambiguous (budget, packing, to-dos): keep the key above it.
    let mut segments = path.rsplit('.');
    let last = segments.next().unwrap_or_default();
    let own = match (last, segments.next()) {
        ("items", Some(above)) => format!("{above}.items"),
        _ => last.to_owned(),
    };
    let kind = match key {
        "id" => own.as_str(),
        "day_id" | "start_day_id" | "end_day_id" => "days",
        "place_id" => "places",
        "assignment_id" => "assignments",
        "accommodation_id" => "accommodations",
        "reservation_id" => "reservations",
        "bag_id" => "bags",
        "trip_id" => "trip",
        _ => return None,
    };
    (kind != "tags" && kind != "categories").then(|| kind.to_owned())
}

/// The summary with each per-trip id replaced by "<kind>#<n>" (n = order of first appearance)
/// and timestamps dropped: two trips that differ only in ids canonicalise to the same value,
/// and a reference pointing at the wrong row does not.
fn canonical(value: &Value, path: &str, labels: &mut HashMap<(String, i64), String>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "created_at" | "updated_at"))
                .map(|(k, v)| {
                    let v = match (id_kind(k, path), v.as_i64()) {
                        (Some(kind), Some(id)) => {
                            let n = labels.iter().filter(|((k, _), _)| *k == kind).count();
                            Value::String(
                                labels.entry((kind.clone(), id)).or_insert(format!("{kind}#{n}")).clone(),
                            )
                        }
                        _ => canonical(v, &format!("{path}.{k}"), labels),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(v, path, labels)).collect()),
        other => other.clone(),
    }
}

async fn canonical_summary(env: &Env, trip: i64) -> Value {
    let mut summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    summary["trip"]["title"] = Value::Null;
    canonical(&summary, "", &mut HashMap::new())
}

#[tokio::test]
async fn copy_equals_the_source_but_for_ids_and_reset_progress() {
    let env = Env::new().await;
    let source = rich_trip(&env).await;
    let (copy, changes) = env.call("copy_trip", json!({"trip_id": source})).await.unwrap();
    assert_changed(&changes, "trip", ChangeAction::Created);
    assert_eq!(copy["title"], "Copy of Kyoto");
    let copy = copy["id"].as_i64().unwrap();
    assert_ne!(copy, source);

    let summary = env.ok("get_trip_summary", json!({"trip_id": copy})).await;
    let items = summary["packing"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["checked"] == false), "packing reset: {items:?}");
    let todos = summary["todos"]["items"].as_array().unwrap();
    assert!(todos.iter().all(|t| t["checked"] == false), "to-dos reset: {todos:?}");
    assert_eq!(
        summary["places"][0]["tags"].as_array().map(Vec::len),
        Some(1),
        "the caller's tags carry over"
    );

    // Reset the source's progress the same way; then the two must be equal but for ids.
    for item in
        env.ok("get_trip_summary", json!({"trip_id": source})).await["packing"]["items"].as_array().unwrap()
    {
        if item["checked"] == true {
            env.ok(
                "toggle_packing_item",
                json!({"trip_id": source, "item_id": item["id"], "checked": false}),
            )
            .await;
        }
    }
    for todo in
        env.ok("get_trip_summary", json!({"trip_id": source})).await["todos"]["items"].as_array().unwrap()
    {
        if todo["checked"] == true {
            env.ok("toggle_todo", json!({"trip_id": source, "item_id": todo["id"], "checked": false})).await;
        }
    }
    assert_eq!(canonical_summary(&env, copy).await, canonical_summary(&env, source).await);
    // Nothing is shared: every per-trip row of the copy is new.
    let shared = env
        .int(format!(
            "SELECT count(*) FROM places a JOIN places b ON a.id = b.id WHERE a.trip_id = {source} AND b.trip_id = {copy}"
        ))
        .await;
    assert_eq!(shared, 0);
}

#[tokio::test]
async fn canonical_form_sees_a_wrong_reference() {
    // The deep-equality check must fail when an assignment points at another place.
    let env = Env::new().await;
    let source = rich_trip(&env).await;
    let copy = env.ok("copy_trip", json!({"trip_id": source})).await["id"].as_i64().unwrap();
    env.exec(format!(
        "UPDATE day_assignments SET place_id = (SELECT max(id) FROM places WHERE trip_id = {copy})
         WHERE id = (SELECT min(a.id) FROM day_assignments a JOIN days d ON d.id = a.day_id WHERE d.trip_id = {copy})"
    ))
    .await;
    assert_ne!(canonical_summary(&env, copy).await, canonical_summary(&env, source).await);
}

#[tokio::test]
async fn start_date_shifts_every_date_of_the_copy() {
    let env = Env::new().await;
    let source = rich_trip(&env).await;
    let copy = env
        .ok("copy_trip", json!({"trip_id": source, "title": "Kyoto next year", "start_date": "2028-04-01"}))
        .await;
    assert_eq!(copy["title"], "Kyoto next year");
    assert_eq!(
        (copy["start_date"].as_str(), copy["end_date"].as_str()),
        (Some("2028-04-01"), Some("2028-04-03"))
    );
    let summary = env.ok("get_trip_summary", json!({"trip_id": copy["id"]})).await;
    let dates: Vec<_> =
        summary["days"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2028-04-01", "2028-04-02", "2028-04-03"]);
    let restaurant = summary["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "restaurant")
        .unwrap()
        .clone();
    assert!(restaurant.to_string().contains("2028-04-02"), "{restaurant}");
    assert!(!restaurant.to_string().contains("2027-"), "{restaurant}");
    assert_eq!(summary["todos"]["items"][0]["due_date"], "2028-03-01");
    assert!(summary["budget"].to_string().contains("2028-04-02"));
}

#[tokio::test]
async fn copy_validation_and_access() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    assert_invalid(&env.err("copy_trip", json!({"trip_id": trip, "title": " "})).await, "title");
    assert_invalid(
        &env.err("copy_trip", json!({"trip_id": trip, "start_date": "2028-02-30"})).await,
        "start_date",
    );
    let undated = env.ok("create_trip", json!({"title": "Someday"})).await["id"].clone();
    assert_invalid(
        &env.err("copy_trip", json!({"trip_id": undated, "start_date": "2028-01-01"})).await,
        "start_date",
    );
    let (foreign, _) = env.foreign_trip().await;
    assert_not_found(&env.err("copy_trip", json!({"trip_id": foreign})).await, "trip");
    let trips_before = env.int("SELECT count(*) FROM trips".into()).await;
    assert_eq!(trips_before, 3, "failed copies create nothing");

    // A long title is cut on a character boundary, within the limit.
    let long = "京".repeat(199);
    let titled = env.ok("create_trip", json!({"title": long})).await["id"].clone();
    let copy = env.ok("copy_trip", json!({"trip_id": titled})).await;
    assert_eq!(copy["title"].as_str().unwrap().chars().count(), 200);
}

#[tokio::test]
async fn a_member_copies_into_a_trip_they_own_with_the_owner_as_member() {
    let env = Env::new().await;
    let source = rich_trip(&env).await;
    let alex = env.int("SELECT id FROM users WHERE name = 'Alex'".into()).await;
    let copy = env.call_as(alex, "copy_trip", json!({"trip_id": source})).await.unwrap().0;
    assert_eq!(copy["is_owner"], true);
    let members = env.ok("list_trip_members", json!({"trip_id": copy["id"]})).await;
    let ids: Vec<_> =
        members["members"].as_array().unwrap().iter().map(|m| m["user_id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&env.owner.user.0) && ids.contains(&alex), "{members}");
    // The source owner's tags are theirs: they do not label the member's copy.
    let summary = env.call_as(alex, "get_trip_summary", json!({"trip_id": copy["id"]})).await.unwrap().0;
    assert!(
        summary["places"].as_array().unwrap().iter().all(|p| p["tags"].as_array().is_none_or(Vec::is_empty))
    );
}
