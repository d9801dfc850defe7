//! Trip operations through the registry: update_trip (fields, date changes keeping day
//! content), delete_trip, members (list/add/remove, owner only), and the access rule that
//! another user's trip is not found.

use serde_json::json;
use trek::domain::{ChangeAction, DomainError};
use trek::ops::OpError;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

#[tokio::test]
async fn update_trip_changes_fields_and_reports_the_change() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (out, changes) = env
        .call(
            "update_trip",
            json!({"trip_id": trip, "title": " Kyoto & Nara ", "description": "Cherry blossoms", "currency": "chf"}),
        )
        .await
        .unwrap();
    assert_eq!(out["title"], "Kyoto & Nara");
    assert_eq!(out["description"], "Cherry blossoms");
    assert_eq!(out["currency"], "CHF");
    assert_changed(&changes, "trip", ChangeAction::Updated);

    let out = env.ok("update_trip", json!({"trip_id": trip, "description": null})).await;
    assert_eq!(out["description"], serde_json::Value::Null);
    assert_eq!(out["title"], "Kyoto & Nara", "omitted fields stay");
}

#[tokio::test]
async fn update_trip_validation_names_the_field() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    assert_invalid(&env.err("update_trip", json!({"trip_id": trip, "title": "  "})).await, "title");
    assert_invalid(&env.err("update_trip", json!({"trip_id": trip, "currency": "EURO"})).await, "currency");
    assert_invalid(
        &env.err("update_trip", json!({"trip_id": trip, "end_date": "2027-03-01"})).await,
        "end_date",
    );
    assert_invalid(
        &env.err(
            "update_trip",
            json!({"trip_id": trip, "start_date": "2027-04-01", "end_date": "2027-07-30"}),
        )
        .await,
        "end_date",
    );
    assert_invalid(
        &env.err("update_trip", json!({"trip_id": trip, "start_date": "April"})).await,
        "start_date",
    );
    let err = env.err("update_trip", json!({"trip_id": trip, "colour": "red"})).await;
    assert!(matches!(err, OpError::InvalidArguments(_)), "{err:?}");
}

#[tokio::test]
async fn changing_dates_keeps_content_of_surviving_days() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-04").await;
    assert_eq!(days.len(), 4);
    // Give the second day (04-02) some content.
    env.exec(format!("UPDATE days SET title = 'Fushimi Inari' WHERE id = {}", days[1])).await;

    // Shift: drop 04-01, keep 04-02..04-04, add 04-05 and 04-06.
    let (out, changes) = env
        .call("update_trip", json!({"trip_id": trip, "start_date": "2027-04-02", "end_date": "2027-04-06"}))
        .await
        .unwrap();
    assert_eq!(out["day_count"], 5);
    assert_changed(&changes, "day", ChangeAction::Deleted);
    assert_changed(&changes, "day", ChangeAction::Created);

    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    let got: Vec<(i64, String)> = summary["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["position"].as_i64().unwrap(), d["date"].as_str().unwrap().to_owned()))
        .collect();
    let want: Vec<(i64, String)> = (0..5).map(|i| (i, format!("2027-04-{:02}", i + 2))).collect();
    assert_eq!(got, want, "dense positions in date order");
    let first = &summary["days"][0];
    assert_eq!(first["id"], days[1], "the surviving day is the same row");
    assert_eq!(first["title"], "Fushimi Inari");
    assert_eq!(env.int(format!("SELECT count(*) FROM days WHERE id = {}", days[0])).await, 0);
}

#[tokio::test]
async fn clearing_dates_keeps_the_days() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let out = env.ok("update_trip", json!({"trip_id": trip, "start_date": null})).await;
    assert_eq!(out["start_date"], serde_json::Value::Null);
    assert_eq!(out["end_date"], serde_json::Value::Null);
    assert_eq!(out["day_count"], 3);
}

#[tokio::test]
async fn delete_trip_removes_everything_and_is_owner_only() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (out, changes) = env.call("delete_trip", json!({"trip_id": trip})).await.unwrap();
    assert_eq!(out, json!({"id": trip, "deleted": true}));
    assert_changed(&changes, "trip", ChangeAction::Deleted);
    assert_eq!(env.int(format!("SELECT count(*) FROM days WHERE trip_id = {trip}")).await, 0);
    assert_not_found(&env.err("get_trip_summary", json!({"trip_id": trip})).await, "trip");

    // A member who is not the owner may not delete.
    let (trip, _) = env.trip("2027-04-03").await;
    let alex = env.companion("Alex").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    let err = env.call_as(alex, "delete_trip", json!({"trip_id": trip})).await.unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    assert_eq!(env.int(format!("SELECT count(*) FROM trips WHERE id = {trip}")).await, 1);
}

#[tokio::test]
async fn members_are_added_by_name_or_id_and_removed() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let alex = env.companion("Alex").await;
    let sam = env.companion("Sam").await;

    let (out, changes) =
        env.call("add_trip_member", json!({"trip_id": trip, "username": "alex"})).await.unwrap();
    assert_changed(&changes, "trip_member", ChangeAction::Created);
    assert_eq!(out["members"][0]["role"], "owner");
    assert_eq!(out["members"][1], json!({"user_id": alex, "name": "Alex", "role": "member"}));
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": sam})).await;
    // Adding again changes nothing.
    let (out, changes) = env.call("add_trip_member", json!({"trip_id": trip, "user_id": sam})).await.unwrap();
    assert!(changes.is_empty());
    assert_eq!(out["members"].as_array().unwrap().len(), 3);

    let listed = env.ok("list_trip_members", json!({"trip_id": trip})).await;
    assert_eq!(listed["members"].as_array().unwrap().len(), 3);

    let (out, changes) =
        env.call("remove_trip_member", json!({"trip_id": trip, "user_id": alex})).await.unwrap();
    assert_changed(&changes, "trip_member", ChangeAction::Deleted);
    assert_eq!(out["members"].as_array().unwrap().len(), 2);
    assert_not_found(
        &env.err("remove_trip_member", json!({"trip_id": trip, "user_id": alex})).await,
        "trip member",
    );
    // The member now sees the trip; the removed one does not.
    assert!(env.call_as(sam, "get_trip_summary", json!({"trip_id": trip})).await.is_ok());
    let err = env.call_as(alex, "get_trip_summary", json!({"trip_id": trip})).await.unwrap_err();
    assert_not_found(&err, "trip");
}

#[tokio::test]
async fn companions_are_created_listed_and_added_to_a_trip() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (out, changes) = env.call("create_companion", json!({"name": "  Sam  "})).await.unwrap();
    assert_changed(&changes, "companion", ChangeAction::Created);
    assert_eq!(out["name"], "Sam", "name trimmed");
    let sam = out["user_id"].as_i64().unwrap();
    env.ok("create_companion", json!({"name": "alex"})).await;
    assert_eq!(
        env.int(format!(
            "SELECT count(*) FROM users WHERE id = {sam} AND kind = 'companion' AND password_hash IS NULL"
        ))
        .await,
        1,
        "stored as a companion without a password"
    );
    let listed = env.ok("list_companions", json!({})).await;
    let names: Vec<&str> =
        listed["companions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alex", "Sam"], "by name, ignoring case; the owner is not a companion");
    // The new profile can be found by name and added to a trip.
    let out = env.ok("add_trip_member", json!({"trip_id": trip, "username": "SAM"})).await;
    assert_eq!(out["members"][1], json!({"user_id": sam, "name": "Sam", "role": "member"}));
}

#[tokio::test]
async fn create_companion_refuses_blank_long_and_taken_names_and_non_owners() {
    let env = Env::new().await;
    assert_invalid(&env.err("create_companion", json!({"name": "   "})).await, "name");
    assert_invalid(&env.err("create_companion", json!({"name": "x".repeat(101)})).await, "name");
    env.ok("create_companion", json!({"name": "Kim"})).await;
    assert_invalid(&env.err("create_companion", json!({"name": "KIM"})).await, "name");
    let err = env.err("create_companion", json!({"name": "Kim", "email": "k@example.com"})).await;
    assert!(matches!(err, OpError::InvalidArguments(_)), "{err:?}");
    assert_eq!(env.int("SELECT count(*) FROM users WHERE kind = 'companion'".into()).await, 1);
    // A companion acting (e.g. through a shared trip) cannot create or list profiles.
    let kim = env.int("SELECT id FROM users WHERE name = 'Kim'".into()).await;
    let err = env.call_as(kim, "create_companion", json!({"name": "Lee"})).await.unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    let err = env.call_as(kim, "list_companions", json!({})).await.unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    assert_eq!(env.int("SELECT count(*) FROM users WHERE kind = 'companion'".into()).await, 1);
}

#[tokio::test]
async fn add_member_validation_names_the_field() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    assert_invalid(
        &env.err("add_trip_member", json!({"trip_id": trip, "username": "Nobody"})).await,
        "username",
    );
    assert_invalid(&env.err("add_trip_member", json!({"trip_id": trip})).await, "user_id");
    assert_not_found(&env.err("add_trip_member", json!({"trip_id": trip, "user_id": 999})).await, "user");
    env.companion("Kim").await;
    env.companion("kim").await;
    assert_invalid(
        &env.err("add_trip_member", json!({"trip_id": trip, "username": "KIM"})).await,
        "username",
    );
}

#[tokio::test]
async fn another_users_trip_is_not_found() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    for (op, args) in [
        ("get_trip_summary", json!({"trip_id": foreign})),
        ("update_trip", json!({"trip_id": foreign, "title": "Mine now"})),
        ("delete_trip", json!({"trip_id": foreign})),
        ("list_trip_members", json!({"trip_id": foreign})),
        ("add_trip_member", json!({"trip_id": foreign, "user_id": 1})),
        ("remove_trip_member", json!({"trip_id": foreign, "user_id": 1})),
    ] {
        assert_not_found(&env.err(op, args).await, "trip");
    }
    assert_eq!(
        env.int(format!("SELECT count(*) FROM trips WHERE id = {foreign} AND title = 'Not yours'")).await,
        1
    );
}
