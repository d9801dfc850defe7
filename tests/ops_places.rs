//! Place operations through the registry: categories, create/update/delete places (fields
//! validated by name, money as decimal text), list filters (assignment, category, tag,
//! search), user-scoped tags with hex colours, and another user's trip being not found.

use serde_json::{Value, json};
use trek::domain::{ChangeAction, DomainError};
use trek::ops::OpError;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

fn names(list: &Value) -> Vec<&str> {
    list["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn categories_are_seeded_with_icon_and_colour() {
    let env = Env::new().await;
    let out = env.ok("list_categories", json!({})).await;
    let categories = out["categories"].as_array().unwrap();
    let names: Vec<&str> = categories.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for expected in ["Sight", "Museum", "Restaurant", "Café", "Hotel", "Nature", "Transport", "Other"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    for c in categories {
        assert!(c["color"].as_str().unwrap().starts_with('#'));
        assert!(!c["icon"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn create_update_and_delete_a_place() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (place, changes) = env
        .call(
            "create_place",
            json!({"trip_id": trip, "name": "Fushimi Inari", "lat": 34.9671, "lng": 135.7727,
                   "category_id": 1, "price": "12.50", "currency": "jpy", "transport_mode": "transit",
                   "duration_minutes": 120, "place_time": "07:00", "website": "https://inari.jp"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "place", ChangeAction::Created);
    assert_eq!(place["category"], "Sight");
    assert_eq!(place["price"], "12.50", "money stays decimal text");
    assert_eq!(place["currency"], "JPY");
    assert_eq!(place["unassigned"], true);
    let id = place["id"].as_i64().unwrap();

    let (place, changes) = env
        .call(
            "update_place",
            json!({"trip_id": trip, "place_id": id, "notes": "Sunrise", "price": null, "end_time": "09:00"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "place", ChangeAction::Updated);
    assert_eq!(place["notes"], "Sunrise");
    assert_eq!(place["price"], Value::Null);
    assert_eq!(place["lat"], 34.9671, "omitted fields stay");
    assert_eq!(place["end_time"], "09:00");

    let (out, changes) = env.call("delete_place", json!({"trip_id": trip, "place_id": id})).await.unwrap();
    assert_eq!(out, json!({"id": id, "deleted": true}));
    assert_changed(&changes, "place", ChangeAction::Deleted);
    assert_not_found(&env.err("delete_place", json!({"trip_id": trip, "place_id": id})).await, "place");
}

#[tokio::test]
async fn place_validation_names_the_field() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let cases = [
        (json!({"trip_id": trip, "name": ""}), "name"),
        (json!({"trip_id": trip, "name": "X", "lat": 91.0, "lng": 0.0}), "lat"),
        (json!({"trip_id": trip, "name": "X", "lat": 10.0}), "lng"),
        (json!({"trip_id": trip, "name": "X", "price": "12,50"}), "price"),
        (json!({"trip_id": trip, "name": "X", "currency": "JPYY"}), "currency"),
        (json!({"trip_id": trip, "name": "X", "website": "inari.jp"}), "website"),
        (json!({"trip_id": trip, "name": "X", "place_time": "25:00"}), "place_time"),
        (json!({"trip_id": trip, "name": "X", "place_time": "10:00", "end_time": "09:00"}), "end_time"),
        (json!({"trip_id": trip, "name": "X", "duration_minutes": -5}), "duration_minutes"),
    ];
    for (args, field) in cases {
        assert_invalid(&env.err("create_place", args).await, field);
    }
    assert_not_found(
        &env.err("create_place", json!({"trip_id": trip, "name": "X", "category_id": 999})).await,
        "category",
    );
    // A float price is refused by the schema: money is never a float.
    let err = env.err("create_place", json!({"trip_id": trip, "name": "X", "price": 12.5})).await;
    assert!(matches!(err, OpError::InvalidArguments(ref m) if m.contains("price")), "{err:?}");
    let err =
        env.err("create_place", json!({"trip_id": trip, "name": "X", "transport_mode": "teleport"})).await;
    assert!(matches!(err, OpError::InvalidArguments(ref m) if m.contains("transport_mode")), "{err:?}");
    assert_eq!(env.int(format!("SELECT count(*) FROM places WHERE trip_id = {trip}")).await, 0);
}

#[tokio::test]
async fn list_places_filters_by_assignment_category_tag_and_search() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-03").await;
    let tag = env.ok("create_tag", json!({"name": "Must see"})).await["id"].as_i64().unwrap();
    let temple = env
        .ok(
            "create_place",
            json!({"trip_id": trip, "name": "Kiyomizu-dera", "category_id": 1, "tag_ids": [tag]}),
        )
        .await;
    env.ok(
        "create_place",
        json!({"trip_id": trip, "name": "Ippudo", "category_id": 3, "notes": "100% ramen"}),
    )
    .await;
    env.ok("create_place", json!({"trip_id": trip, "name": "Gion", "address": "Higashiyama, Kyoto"})).await;
    env.exec(format!(
        "INSERT INTO day_assignments (day_id, place_id, position, created_at) VALUES ({}, {}, 0, 0)",
        days[0], temple["id"]
    ))
    .await;

    let all = env.ok("list_places", json!({"trip_id": trip})).await;
    assert_eq!(names(&all), ["Gion", "Ippudo", "Kiyomizu-dera"]);
    let kiyomizu = &all["places"][2];
    assert_eq!(kiyomizu["tags"], json!([{"id": tag, "name": "Must see", "color": "#6b7280"}]));
    assert_eq!(kiyomizu["assignment_count"], 1);

    let q = |extra: Value| {
        let mut args = json!({"trip_id": trip});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    assert_eq!(
        names(&env.ok("list_places", q(json!({"assignment": "unassigned"}))).await),
        ["Gion", "Ippudo"]
    );
    assert_eq!(names(&env.ok("list_places", q(json!({"assignment": "assigned"}))).await), ["Kiyomizu-dera"]);
    assert_eq!(names(&env.ok("list_places", q(json!({"category_id": 3}))).await), ["Ippudo"]);
    assert_eq!(names(&env.ok("list_places", q(json!({"tag_id": tag}))).await), ["Kiyomizu-dera"]);
    assert_eq!(names(&env.ok("list_places", q(json!({"search": "higashi"}))).await), ["Gion"]);
    // LIKE wildcards in the search are literal.
    assert_eq!(names(&env.ok("list_places", q(json!({"search": "100%"}))).await), ["Ippudo"]);
    assert!(names(&env.ok("list_places", q(json!({"search": "%"}))).await) == ["Ippudo"]);
}

#[tokio::test]
async fn deleting_a_place_removes_its_assignments_and_keeps_positions_dense() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-01").await;
    let mut ids = Vec::new();
    for (position, name) in ["A", "B", "C"].into_iter().enumerate() {
        let place = env.ok("create_place", json!({"trip_id": trip, "name": name})).await;
        env.exec(format!(
            "INSERT INTO day_assignments (day_id, place_id, position, created_at) VALUES ({}, {}, {position}, 0)",
            days[0], place["id"]
        ))
        .await;
        ids.push(place["id"].as_i64().unwrap());
    }
    let (_, changes) = env.call("delete_place", json!({"trip_id": trip, "place_id": ids[0]})).await.unwrap();
    assert_changed(&changes, "assignment", ChangeAction::Deleted);
    assert_eq!(env.int(format!("SELECT count(*) FROM day_assignments WHERE day_id = {}", days[0])).await, 2);
    assert_eq!(
        env.int(format!("SELECT max(position) FROM day_assignments WHERE day_id = {}", days[0])).await,
        1
    );
}

#[tokio::test]
async fn tags_are_user_scoped_with_validated_colours() {
    let env = Env::new().await;
    let (tag, changes) = env.call("create_tag", json!({"name": "Food", "color": "#EF4444"})).await.unwrap();
    assert_changed(&changes, "tag", ChangeAction::Created);
    assert_eq!(tag["color"], "#ef4444");
    let id = tag["id"].as_i64().unwrap();
    assert_invalid(&env.err("create_tag", json!({"name": "Bad", "color": "red"})).await, "color");
    assert_invalid(&env.err("create_tag", json!({"name": " "})).await, "name");
    let err = env.err("create_tag", json!({"name": "food"})).await;
    assert!(matches!(err, OpError::Domain(DomainError::Conflict(_))), "{err:?}");

    let tag = env.ok("update_tag", json!({"tag_id": id, "name": "Eat", "color": "#abc"})).await;
    assert_eq!((tag["name"].as_str(), tag["color"].as_str()), (Some("Eat"), Some("#abc")));
    assert_invalid(&env.err("update_tag", json!({"tag_id": id, "color": "#12"})).await, "color");

    // Another user's tag is invisible and cannot be used.
    let other = env.companion("Alex").await;
    let (theirs, _) = env.call_as(other, "create_tag", json!({"name": "Theirs"})).await.unwrap();
    let theirs = theirs["id"].as_i64().unwrap();
    let mine = env.ok("list_tags", json!({})).await;
    assert_eq!(mine["tags"].as_array().unwrap().len(), 1);
    assert_not_found(&env.err("update_tag", json!({"tag_id": theirs, "name": "Mine"})).await, "tag");
    assert_not_found(&env.err("delete_tag", json!({"tag_id": theirs})).await, "tag");
    let (trip, _) = env.trip("2027-04-01").await;
    assert_not_found(
        &env.err("create_place", json!({"trip_id": trip, "name": "X", "tag_ids": [theirs]})).await,
        "tag",
    );

    // Deleting a tag takes it off places.
    let place = env.ok("create_place", json!({"trip_id": trip, "name": "Y", "tag_ids": [id]})).await;
    let (_, changes) = env.call("delete_tag", json!({"tag_id": id})).await.unwrap();
    assert_changed(&changes, "tag", ChangeAction::Deleted);
    let list = env.ok("list_places", json!({"trip_id": trip})).await;
    assert_eq!(list["places"][0]["id"], place["id"]);
    assert_eq!(list["places"][0]["tags"], json!([]));
}

#[tokio::test]
async fn places_of_another_users_trip_are_not_found() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    let place = env
        .exec(format!(
            "INSERT INTO places (trip_id, name, created_at, updated_at) VALUES ({foreign}, 'Theirs', 0, 0)"
        ))
        .await;
    assert_not_found(&env.err("list_places", json!({"trip_id": foreign})).await, "trip");
    assert_not_found(&env.err("create_place", json!({"trip_id": foreign, "name": "X"})).await, "trip");
    assert_not_found(
        &env.err("update_place", json!({"trip_id": foreign, "place_id": place, "name": "Mine"})).await,
        "trip",
    );
    assert_not_found(&env.err("delete_place", json!({"trip_id": foreign, "place_id": place})).await, "trip");
    // A place id from another trip, given with my trip, is not found either.
    let (mine, _) = env.trip("2027-04-01").await;
    assert_not_found(
        &env.err("update_place", json!({"trip_id": mine, "place_id": place, "name": "Mine"})).await,
        "place",
    );
    assert_not_found(&env.err("delete_place", json!({"trip_id": mine, "place_id": place})).await, "place");
    assert_eq!(
        env.int(format!("SELECT count(*) FROM places WHERE id = {place} AND name = 'Theirs'")).await,
        1
    );
}
