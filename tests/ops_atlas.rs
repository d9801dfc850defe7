//! Atlas and bucket list through the registry: countries validated against ISO 3166-1 alpha-2
//! (case-insensitive input, stored upper-case, "XX" refused), marking twice and unmarking an
//! unmarked country change nothing, everything is per user, change events, scopes.

use serde_json::json;
use trek::auth::scopes::{Scope, ScopeSet};
use trek::domain::ChangeAction;
use trek::ops::{OpError, registry};

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};

#[tokio::test]
async fn countries_are_validated_stored_upper_case_and_listed() {
    let env = Env::new().await;
    let (out, changes) = env.call("mark_country_visited", json!({"country_code": "jp"})).await.unwrap();
    assert_eq!(out, json!({"code": "JP", "name": "Japan", "visited": true}));
    assert_changed(&changes, "visited_country", ChangeAction::Created);
    assert_eq!(env.int("SELECT count(*) FROM visited_countries WHERE country_code = 'JP'".into()).await, 1);
    // Marking again changes nothing.
    let (_, changes) = env.call("mark_country_visited", json!({"country_code": "JP"})).await.unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    env.ok("mark_country_visited", json!({"country_code": " fr "})).await;

    for bad in ["XX", "FRA", "", "1A"] {
        assert_invalid(&env.err("mark_country_visited", json!({"country_code": bad})).await, "country_code");
    }
    let list = env.ok("list_visited_countries", json!({})).await;
    assert_eq!(list["count"], 2);
    let names: Vec<&str> =
        list["countries"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["France", "Japan"]);

    let (out, changes) = env.call("unmark_country_visited", json!({"country_code": "Jp"})).await.unwrap();
    assert_eq!(out["visited"], false);
    assert_changed(&changes, "visited_country", ChangeAction::Deleted);
    let (_, changes) = env.call("unmark_country_visited", json!({"country_code": "JP"})).await.unwrap();
    assert!(changes.is_empty(), "unmarking an unmarked country changes nothing");
    assert_invalid(&env.err("unmark_country_visited", json!({"country_code": "XX"})).await, "country_code");
    assert_eq!(env.ok("list_visited_countries", json!({})).await["count"], 1);
}

#[tokio::test]
async fn bucket_list_is_per_user() {
    let env = Env::new().await;
    let (item, changes) = env
        .call(
            "create_bucket_list_item",
            json!({"name": "Northern lights", "country_code": "no", "lat": 69.65, "lng": 18.96, "notes": "Winter"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "bucket_list_item", ChangeAction::Created);
    assert_eq!((item["country_code"].as_str(), item["country_name"].as_str()), (Some("NO"), Some("Norway")));
    env.ok("create_bucket_list_item", json!({"name": "Kumano Kodo"})).await;
    assert_invalid(
        &env.err("create_bucket_list_item", json!({"name": "x", "country_code": "XX"})).await,
        "country_code",
    );
    assert_invalid(&env.err("create_bucket_list_item", json!({"name": "  "})).await, "name");
    assert_invalid(&env.err("create_bucket_list_item", json!({"name": "x", "lat": 10.0})).await, "lng");

    let list = env.ok("list_bucket_list", json!({})).await;
    let names: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Northern lights", "Kumano Kodo"]);

    // Another user sees an empty atlas and cannot delete the owner's item.
    let other = env.companion("Alex").await;
    let (theirs, _) = env.call_as(other, "list_bucket_list", json!({})).await.unwrap();
    assert_eq!(theirs, json!({"items": []}));
    let (visited, _) = env.call_as(other, "list_visited_countries", json!({})).await.unwrap();
    assert_eq!(visited["count"], 0);
    let err =
        env.call_as(other, "delete_bucket_list_item", json!({"item_id": item["id"]})).await.unwrap_err();
    assert_not_found(&err, "bucket list item");

    let (out, changes) = env.call("delete_bucket_list_item", json!({"item_id": item["id"]})).await.unwrap();
    assert_eq!(out["deleted"], true);
    assert_changed(&changes, "bucket_list_item", ChangeAction::Deleted);
    assert_eq!(env.ok("list_bucket_list", json!({})).await["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn atlas_writes_need_the_write_scope() {
    let env = Env::new().await;
    let read_only = ScopeSet::from_scopes([Scope::AtlasRead]);
    let err = registry()
        .execute(&env.store, "mark_country_visited", env.owner, read_only, NOW, json!({"country_code": "FR"}))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::MissingScope(_)), "{err:?}");
    let (out, _) = registry()
        .execute(&env.store, "list_visited_countries", env.owner, read_only, NOW, json!({}))
        .await
        .unwrap();
    assert_eq!(out["count"], 0);
}
