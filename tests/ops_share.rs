//! Share-link operations through the registry: create with TREK's defaults, get, update
//! keeping the token, delete; owner-only writes, member reads, strangers see nothing; flag
//! validation; scopes; and the link going away with its trip.

use serde_json::{Value, json};
use trek::auth::scopes::{Scope, ScopeSet};
use trek::domain::share_links::SHARE_TOKEN_LEN;
use trek::domain::{ChangeAction, DomainError};
use trek::ops::{OpError, registry};

use crate::ops_support::{Env, NOW, assert_changed, assert_not_found};

fn token(link: &Value) -> String {
    link["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn create_get_update_keeps_token_and_delete_revokes() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    assert_eq!(env.ok("get_share_link", json!({"trip_id": trip})).await, json!({"link": null}));

    let (link, changes) = env.call("create_share_link", json!({"trip_id": trip})).await.unwrap();
    assert_changed(&changes, "share_link", ChangeAction::Created);
    let first = token(&link);
    assert_eq!(first.len(), SHARE_TOKEN_LEN);
    assert!(first.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{first}");
    assert_eq!(link["path"], format!("/share/{first}"));
    assert_eq!(link["trip_id"], trip);
    // TREK's defaults: map and bookings on, the rest off.
    for (flag, on) in [
        ("share_map", true),
        ("share_bookings", true),
        ("share_packing", false),
        ("share_budget", false),
        ("share_collab", false),
    ] {
        assert_eq!(link[flag], on, "{flag}");
    }
    assert_eq!(env.ok("get_share_link", json!({"trip_id": trip})).await["link"], link);

    // Update: the given flags change, omitted ones stay, the token stays.
    let (updated, changes) = env
        .call("create_share_link", json!({"trip_id": trip, "share_budget": true, "share_map": false}))
        .await
        .unwrap();
    assert_changed(&changes, "share_link", ChangeAction::Updated);
    assert_eq!(token(&updated), first, "old links keep working");
    assert_eq!(updated["share_budget"], true);
    assert_eq!(updated["share_map"], false);
    assert_eq!(updated["share_bookings"], true, "omitted flags keep their value");
    assert_eq!(updated["created_at"], link["created_at"]);

    let (out, changes) = env.call("delete_share_link", json!({"trip_id": trip})).await.unwrap();
    assert_eq!(out, json!({"id": trip, "deleted": true}));
    assert_changed(&changes, "share_link", ChangeAction::Deleted);
    assert_eq!(env.ok("get_share_link", json!({"trip_id": trip})).await, json!({"link": null}));
    assert_not_found(&env.err("delete_share_link", json!({"trip_id": trip})).await, "share link");

    // A new link after revocation is a different one: the revoked URL never comes back.
    let again = env.ok("create_share_link", json!({"trip_id": trip})).await;
    assert_ne!(token(&again), first);
    assert_eq!(again["share_map"], true, "a new link starts from the defaults");
}

#[tokio::test]
async fn only_the_owner_creates_and_deletes_members_read() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let alex = env.companion("Alex").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;

    let err = env.call_as(alex, "create_share_link", json!({"trip_id": trip})).await.unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    assert_eq!(env.int(format!("SELECT count(*) FROM share_links WHERE trip_id = {trip}")).await, 0);

    let link = env.ok("create_share_link", json!({"trip_id": trip, "share_collab": true})).await;
    let (seen, _) = env.call_as(alex, "get_share_link", json!({"trip_id": trip})).await.unwrap();
    assert_eq!(seen["link"], link, "members may read the link");

    let err = env
        .call_as(alex, "create_share_link", json!({"trip_id": trip, "share_budget": true}))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    let err = env.call_as(alex, "delete_share_link", json!({"trip_id": trip})).await.unwrap_err();
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "{err:?}");
    let stored = env.ok("get_share_link", json!({"trip_id": trip})).await;
    assert_eq!(stored["link"], link, "a member's refused calls change nothing");
}

#[tokio::test]
async fn strangers_see_no_link_and_cannot_make_one() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    for name in ["get_share_link", "create_share_link", "delete_share_link"] {
        assert_not_found(&env.err(name, json!({"trip_id": foreign})).await, "trip");
    }
    // Nor can a companion who is not a member see the owner's link.
    let (trip, _) = env.trip("2027-04-03").await;
    env.ok("create_share_link", json!({"trip_id": trip})).await;
    let sam = env.companion("Sam").await;
    let err = env.call_as(sam, "get_share_link", json!({"trip_id": trip})).await.unwrap_err();
    assert_not_found(&err, "trip");
}

#[tokio::test]
async fn flags_must_be_known_booleans() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    for (args, field) in [
        (json!({"trip_id": trip, "share_map": "yes"}), "share_map"),
        (json!({"trip_id": trip, "share_budget": 1}), "share_budget"),
        (json!({"trip_id": trip, "share_todos": true}), "share_todos"),
        (json!({"share_map": true}), "trip_id"),
    ] {
        match env.err("create_share_link", args.clone()).await {
            OpError::InvalidArguments(message) => assert!(message.contains(field), "{args}: {message}"),
            other => panic!("{args}: expected invalid arguments, got {other:?}"),
        }
    }
    assert_eq!(env.int(format!("SELECT count(*) FROM share_links WHERE trip_id = {trip}")).await, 0);
    // An explicit null is the same as omitting the flag.
    let link = env.ok("create_share_link", json!({"trip_id": trip, "share_packing": null})).await;
    assert_eq!(link["share_packing"], false);
}

#[tokio::test]
async fn writes_need_trips_share_and_it_also_reads() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let call = |name: &'static str, scopes: ScopeSet| {
        let store = env.store.clone();
        let owner = env.owner;
        async move { registry().execute(&store, name, owner, scopes, NOW, json!({"trip_id": trip})).await }
    };
    let write_only = ScopeSet::from_scopes([Scope::TripsWrite]);
    for name in ["create_share_link", "delete_share_link"] {
        let err = call(name, write_only).await.unwrap_err();
        assert!(matches!(err, OpError::MissingScope(Scope::TripsShare)), "{name}: {err:?}");
    }
    let share = ScopeSet::from_scopes([Scope::TripsShare]);
    call("create_share_link", share).await.unwrap();
    let (state, _) = call("get_share_link", share).await.unwrap();
    assert!(state["link"].is_object(), "trips:share grants trip read access");
    call("delete_share_link", share).await.unwrap();
}

#[tokio::test]
async fn deleting_the_trip_removes_its_link() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    env.ok("create_share_link", json!({"trip_id": trip})).await;
    env.ok("delete_trip", json!({"trip_id": trip})).await;
    assert_eq!(env.int(format!("SELECT count(*) FROM share_links WHERE trip_id = {trip}")).await, 0);
}
