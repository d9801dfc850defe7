//! Atlas add-on through the registry: regions validated against ISO 3166-2 (case-insensitive,
//! unassigned codes refused), marking twice and unmarking an unmarked region change nothing,
//! per-user; statistics with the continent breakdown; places of a country; bucket list edits.

use serde_json::{Value, json};
use trek::domain::ChangeAction;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

#[tokio::test]
async fn regions_are_validated_listed_and_per_user() {
    let env = Env::new().await;
    let (out, changes) = env.call("mark_region_visited", json!({"region_code": " us-ca "})).await.unwrap();
    assert_eq!(out, json!({"code": "US-CA", "name": "California", "visited": true}));
    assert_changed(&changes, "visited_region", ChangeAction::Created);
    let (_, changes) = env.call("mark_region_visited", json!({"region_code": "US-CA"})).await.unwrap();
    assert!(changes.is_empty(), "marking again changes nothing");
    env.ok("mark_region_visited", json!({"region_code": "JP-26"})).await;
    for bad in ["US-XX", "US", "CA", "", "XX-01", "US-CA-1", "USCA"] {
        assert_invalid(&env.err("mark_region_visited", json!({"region_code": bad})).await, "region_code");
    }
    assert_eq!(env.int("SELECT count(*) FROM visited_regions".into()).await, 2);

    let list = env.ok("list_visited_regions", json!({})).await;
    assert_eq!(list["count"], 2);
    assert_eq!(
        (
            list["regions"][0]["code"].as_str(),
            list["regions"][0]["name"].as_str(),
            list["regions"][0]["kind"].as_str()
        ),
        (Some("JP-26"), Some("Kyoto"), Some("Prefecture"))
    );
    assert_eq!(
        (list["regions"][1]["country_code"].as_str(), list["regions"][1]["country_name"].as_str()),
        (Some("US"), Some("United States"))
    );

    let other = env.companion("Alex").await;
    let (theirs, _) = env.call_as(other, "list_visited_regions", json!({})).await.unwrap();
    assert_eq!(theirs["count"], 0);
    let (_, changes) =
        env.call_as(other, "unmark_region_visited", json!({"region_code": "US-CA"})).await.unwrap();
    assert!(changes.is_empty(), "another user's unmark touches nothing of ours");

    let (out, changes) = env.call("unmark_region_visited", json!({"region_code": "us-ca"})).await.unwrap();
    assert_eq!(out["visited"], false);
    assert_changed(&changes, "visited_region", ChangeAction::Deleted);
    let (_, changes) = env.call("unmark_region_visited", json!({"region_code": "US-CA"})).await.unwrap();
    assert!(changes.is_empty());
    assert_invalid(&env.err("unmark_region_visited", json!({"region_code": "US-XX"})).await, "region_code");
    assert_eq!(env.ok("list_visited_regions", json!({})).await["count"], 1);
}

#[tokio::test]
async fn stats_count_countries_regions_and_continents() {
    let env = Env::new().await;
    let empty = env.ok("get_atlas_stats", json!({})).await;
    assert_eq!(
        (empty["countries_visited"].as_u64(), empty["continents_visited"].as_u64()),
        (Some(0), Some(0))
    );
    let total = empty["countries_total"].as_u64().unwrap();
    let continent_total: u64 =
        empty["continents"].as_array().unwrap().iter().map(|c| c["total"].as_u64().unwrap()).sum();
    assert_eq!(continent_total, total, "every country is on one continent");

    for c in ["JP", "KR", "FR", "BR"] {
        env.ok("mark_country_visited", json!({"country_code": c})).await;
    }
    for r in ["JP-26", "JP-13", "US-CA"] {
        env.ok("mark_region_visited", json!({"region_code": r})).await;
    }
    env.ok("create_bucket_list_item", json!({"name": "Patagonia"})).await;
    let stats = env.ok("get_atlas_stats", json!({})).await;
    assert_eq!(stats["countries_visited"], 4);
    assert_eq!(stats["regions_visited"], 3);
    assert_eq!(stats["countries_with_regions"], 2);
    assert_eq!(stats["continents_visited"], 3);
    assert_eq!(stats["bucket_list_items"], 1);
    let expected = (4.0 * 1000.0 / total as f64).round() / 10.0;
    assert_eq!(stats["world_percent"].as_f64(), Some(expected));
    let first = &stats["continents"][0];
    assert_eq!(
        (first["continent"].as_str(), first["visited"].as_u64()),
        (Some("Asia"), Some(2)),
        "most visited first"
    );
    let europe = stats["continents"].as_array().unwrap().iter().find(|c| c["continent"] == "Europe").unwrap();
    assert_eq!(europe["visited"], 1);
    let africa = stats["continents"].as_array().unwrap().iter().find(|c| c["continent"] == "Africa").unwrap();
    assert!(africa["visited"] == 0 && africa["total"].as_u64().unwrap() > 50);
}

#[tokio::test]
async fn country_places_come_from_visible_trips_by_address() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let place = |name: &str, address: &str| json!({"trip_id": trip, "name": name, "address": address});
    env.ok("create_place", place("Fushimi Inari", "68 Fukakusa Yabunouchicho, Fushimi Ward, Kyoto, Japan"))
        .await;
    env.ok("create_place", place("Kinkaku-ji", "1 Kinkakujicho, Kita Ward, Kyoto, JP")).await;
    env.ok("create_place", place("Louvre", "Rue de Rivoli, 75001 Paris, France")).await;
    env.ok("create_place", place("Japan Centre", "Panton Street, London, United Kingdom")).await;
    let (foreign, _) = env.foreign_trip().await;
    env.exec(format!(
        "INSERT INTO places (trip_id, name, address, created_at, updated_at) VALUES ({foreign}, 'Hidden', 'Tokyo, Japan', 0, 0)"
    ))
    .await;

    let out = env.ok("get_country_atlas_places", json!({"country_code": "jp"})).await;
    let names: Vec<&str> =
        out["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Fushimi Inari", "Kinkaku-ji"], "by address, only trips you can see");
    assert_eq!(
        (out["country_name"].as_str(), out["visited"].as_bool(), out["places"][0]["trip_title"].as_str()),
        (Some("Japan"), Some(false), Some("Kyoto"))
    );
    env.ok("mark_country_visited", json!({"country_code": "JP"})).await;
    assert_eq!(env.ok("get_country_atlas_places", json!({"country_code": "JP"})).await["visited"], true);
    assert_invalid(&env.err("get_country_atlas_places", json!({"country_code": "XX"})).await, "country_code");
}

#[tokio::test]
async fn a_stored_country_code_decides_before_the_address() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let names = |out: Value| -> Vec<String> {
        out["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    let jp = || json!({"country_code": "JP"});
    // Given by the assistant (from search_place): counts whatever the address says, or without one.
    env.ok(
        "create_place",
        json!({"trip_id": trip, "name": "Ryokan", "lat": 35.0, "lng": 135.7, "country_code": "jp"}),
    )
    .await;
    // Derived from the address when created, and stored.
    let shrine =
        env.ok("create_place", json!({"trip_id": trip, "name": "Shrine", "address": "Kyoto, Japan"})).await;
    assert_eq!(
        env.int(format!("SELECT count(*) FROM places WHERE id = {} AND country_code = 'JP'", shrine["id"]))
            .await,
        1
    );
    // Given explicitly, it wins over an address naming another country.
    env.ok(
        "create_place",
        json!({"trip_id": trip, "name": "Border inn", "address": "Somewhere, France", "country_code": "JP"}),
    )
    .await;
    assert_eq!(names(env.ok("get_country_atlas_places", jp()).await), ["Border inn", "Ryokan", "Shrine"]);
    assert!(names(env.ok("get_country_atlas_places", json!({"country_code": "FR"})).await).is_empty());
    // A new address derives the country again; null re-derives; a bad code changes nothing.
    let place = shrine["id"].clone();
    env.ok("update_place", json!({"trip_id": trip, "place_id": place, "address": "Paris, France"})).await;
    assert_eq!(names(env.ok("get_country_atlas_places", json!({"country_code": "FR"})).await), ["Shrine"]);
    env.ok("update_place", json!({"trip_id": trip, "place_id": place, "country_code": "JP"})).await;
    assert!(names(env.ok("get_country_atlas_places", jp()).await).contains(&"Shrine".to_owned()));
    env.ok("update_place", json!({"trip_id": trip, "place_id": place, "country_code": null})).await;
    assert!(!names(env.ok("get_country_atlas_places", jp()).await).contains(&"Shrine".to_owned()));
    assert_invalid(
        &env.err("create_place", json!({"trip_id": trip, "name": "X", "country_code": "XX"})).await,
        "country_code",
    );
    assert_invalid(
        &env.err(
            "update_place",
            json!({"trip_id": trip, "place_id": place, "country_code": "Japan", "name": "Y"}),
        )
        .await,
        "country_code",
    );
    assert_eq!(
        env.int("SELECT count(*) FROM places WHERE name IN ('X', 'Y')".into()).await,
        0,
        "refusals change nothing"
    );
    // A copied trip keeps the codes.
    let copy = env.ok("copy_trip", json!({"trip_id": trip})).await;
    let copied = copy["id"].as_i64().or_else(|| copy["trip"]["id"].as_i64()).unwrap();
    assert_eq!(
        env.int(format!("SELECT count(*) FROM places WHERE trip_id = {copied} AND country_code = 'JP'"))
            .await,
        2
    );
}

#[tokio::test]
async fn bucket_list_items_are_updated_field_by_field() {
    let env = Env::new().await;
    let item = env
        .ok(
            "create_bucket_list_item",
            json!({"name": "Aurora", "country_code": "NO", "lat": 69.6, "lng": 18.9, "notes": "Winter"}),
        )
        .await;
    let id = item["id"].clone();
    let (out, changes) = env
        .call(
            "update_bucket_list_item",
            json!({"item_id": id, "name": "Northern lights", "target_date": "2028-02-01"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "bucket_list_item", ChangeAction::Updated);
    assert_eq!(
        (
            out["name"].as_str(),
            out["notes"].as_str(),
            out["country_code"].as_str(),
            out["target_date"].as_str(),
            out["lat"].as_f64()
        ),
        (Some("Northern lights"), Some("Winter"), Some("NO"), Some("2028-02-01"), Some(69.6))
    );
    let out = env
        .ok(
            "update_bucket_list_item",
            json!({"item_id": id, "lat": null, "lng": null, "notes": null, "country_code": "is"}),
        )
        .await;
    assert!(out["lat"].is_null() && out["lng"].is_null() && out["notes"].is_null());
    assert_eq!((out["country_code"].as_str(), out["country_name"].as_str()), (Some("IS"), Some("Iceland")));

    assert_invalid(&env.err("update_bucket_list_item", json!({"item_id": id, "lat": 10.0})).await, "lng");
    assert_invalid(
        &env.err("update_bucket_list_item", json!({"item_id": id, "lat": 91.0, "lng": 0.0})).await,
        "lat",
    );
    assert_invalid(
        &env.err("update_bucket_list_item", json!({"item_id": id, "target_date": "Feb 2028"})).await,
        "target_date",
    );
    assert_invalid(
        &env.err("update_bucket_list_item", json!({"item_id": id, "country_code": "XX"})).await,
        "country_code",
    );
    assert_invalid(&env.err("update_bucket_list_item", json!({"item_id": id, "name": " "})).await, "name");
    let stored = env.ok("list_bucket_list", json!({})).await;
    assert_eq!(stored["items"][0]["name"], "Northern lights", "refused updates changed nothing");

    let other = env.companion("Alex").await;
    let err = env
        .call_as(other, "update_bucket_list_item", json!({"item_id": id, "name": "Mine"}))
        .await
        .unwrap_err();
    assert_not_found(&err, "bucket list item");
}
