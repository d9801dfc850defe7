//! Journeys through the registry and over HTTP: entries in date order referencing trips and
//! their places, contributors among companion profiles (read and write their own entries
//! only), limits, bad input, the journey scopes, and the share link (read-only JSON and page
//! without ids, revoked at once).

use serde_json::{Value, json};
use trek::auth::scopes::{Scope, ScopeSet};
use trek::domain::journeys::{MAX_BODY, MAX_CONTRIBUTORS, MAX_ENTRIES};
use trek::domain::{Actor, ChangeAction, DomainError};
use trek::ops::{OpError, registry};
use trek::store::owner::UserId;

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};
use crate::support::{TestServer, expect_status};

async fn as_user(env: &Env, user: i64, name: &str, args: Value) -> Result<Value, OpError> {
    registry()
        .execute(&env.store, name, Actor { user: UserId(user) }, ScopeSet::all(), NOW, args)
        .await
        .map(|(v, _)| v)
}

fn forbidden(err: &OpError) {
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "expected forbidden, got {err:?}");
}

#[tokio::test]
async fn entries_across_trips_in_date_order() {
    let env = Env::new().await;
    let (kyoto, _) = env.trip("2027-04-03").await;
    let place = env.ok("create_place", json!({"trip_id": kyoto, "name": "Fushimi Inari"})).await;
    let lisbon = env.ok("create_trip", json!({"title": "Lisbon"})).await["id"].as_i64().unwrap();
    let (journey, changes) =
        env.call("create_journey", json!({"title": " Year one ", "description": "All of it"})).await.unwrap();
    assert_changed(&changes, "journey", ChangeAction::Created);
    let id = journey["id"].as_i64().unwrap();
    assert_eq!(
        (journey["title"].as_str(), journey["is_owner"].as_bool(), journey["entry_count"].as_i64()),
        (Some("Year one"), Some(true), Some(0))
    );

    let entry = |date: &str, body: &str, extra: Value| {
        let mut args = json!({"journey_id": id, "date": date, "body": body});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    let (e1, changes) = env
        .call(
            "create_journey_entry",
            entry(
                "2027-04-02",
                "Dawn climb",
                json!({"title": "Inari", "trip_id": kyoto, "place_id": place["id"]}),
            ),
        )
        .await
        .unwrap();
    assert_changed(&changes, "journey_entry", ChangeAction::Created);
    assert_eq!(
        (e1["trip_title"].as_str(), e1["place_name"].as_str(), e1["author_id"].as_i64()),
        (Some("Kyoto"), Some("Fushimi Inari"), Some(env.owner.user.0))
    );
    env.ok("create_journey_entry", entry("2027-06-10", "Tiles everywhere", json!({"trip_id": lisbon}))).await;
    env.ok("create_journey_entry", entry("2027-01-01", "Planning", json!({}))).await;

    let detail = env.ok("get_journey", json!({"journey_id": id})).await;
    let dates: Vec<&str> =
        detail["entries"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2027-01-01", "2027-04-02", "2027-06-10"]);
    let j = &detail["journey"];
    assert_eq!(
        (j["entry_count"].as_i64(), j["first_date"].as_str(), j["last_date"].as_str()),
        (Some(3), Some("2027-01-01"), Some("2027-06-10"))
    );
    let mut trips = vec![kyoto, lisbon];
    trips.sort();
    assert_eq!(j["trip_ids"], json!(trips));
    let filtered = env.ok("list_journey_entries", json!({"journey_id": id, "trip_id": kyoto})).await;
    assert_eq!(filtered["entries"].as_array().unwrap().len(), 1);
    let ranged = env
        .ok("list_journey_entries", json!({"journey_id": id, "from": "2027-04-01", "to": "2027-12-31"}))
        .await;
    assert_eq!(ranged["entries"].as_array().unwrap().len(), 2);

    // Bad input is refused and changes nothing.
    assert_invalid(&env.err("create_journey_entry", entry("2027-02-30", "x", json!({}))).await, "date");
    assert_invalid(&env.err("create_journey_entry", entry("2027-04-02", " ", json!({}))).await, "body");
    assert_invalid(
        &env.err("create_journey_entry", entry("2027-04-02", &"a".repeat(MAX_BODY + 1), json!({}))).await,
        "body",
    );
    assert_invalid(
        &env.err("create_journey_entry", entry("2027-04-02", "x", json!({"place_id": place["id"]}))).await,
        "place_id",
    );
    assert_not_found(
        &env.err(
            "create_journey_entry",
            entry("2027-04-02", "x", json!({"trip_id": lisbon, "place_id": place["id"]})),
        )
        .await,
        "place",
    );
    let (foreign, _) = env.foreign_trip().await;
    assert_not_found(
        &env.err("create_journey_entry", entry("2027-04-02", "x", json!({"trip_id": foreign}))).await,
        "trip",
    );
    assert_invalid(
        &env.err("list_journey_entries", json!({"journey_id": id, "from": "April"})).await,
        "from",
    );
    assert_invalid(&env.err("create_journey", json!({"title": ""})).await, "title");
    assert_eq!(env.int(format!("SELECT count(*) FROM journey_entries WHERE journey_id = {id}")).await, 3);

    // Updating: null clears the trip and with it the place.
    let updated = env
        .ok(
            "update_journey_entry",
            json!({"journey_id": id, "entry_id": e1["id"], "trip_id": null, "body": "Dawn climb, again"}),
        )
        .await;
    assert!(updated["trip_id"].is_null() && updated["place_id"].is_null());
    assert_eq!(
        (updated["body"].as_str(), updated["title"].as_str()),
        (Some("Dawn climb, again"), Some("Inari"))
    );
    // Deleting the trip keeps the entry, without the reference.
    env.ok("delete_trip", json!({"trip_id": lisbon})).await;
    let left = env.ok("list_journey_entries", json!({"journey_id": id})).await;
    assert!(left["entries"].as_array().unwrap().iter().all(|e| e["trip_id"].is_null()));

    let (out, changes) = env.call("delete_journey", json!({"journey_id": id})).await.unwrap();
    assert_eq!(out["deleted"], true);
    assert_changed(&changes, "journey", ChangeAction::Deleted);
    assert_eq!(env.int("SELECT count(*) FROM journey_entries".into()).await, 0);
    assert_not_found(&env.err("get_journey", json!({"journey_id": id})).await, "journey");
}

#[tokio::test]
async fn contributors_read_and_write_their_own_entries_only() {
    let env = Env::new().await;
    let alex = env.companion("Alex").await;
    let sam = env.companion("Sam").await;
    assert_invalid(
        &env.err("create_journey", json!({"title": "J", "contributor_ids": [env.owner.user.0]})).await,
        "contributor_ids",
    );
    assert_invalid(
        &env.err("create_journey", json!({"title": "J", "contributor_ids": [999]})).await,
        "contributor_ids",
    );
    let too_many: Vec<i64> = (0..=MAX_CONTRIBUTORS as i64).collect();
    match env.err("create_journey", json!({"title": "J", "contributor_ids": too_many})).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_CONTRIBUTORS),
        other => panic!("expected the contributor limit, got {other:?}"),
    }
    let journey = env.ok("create_journey", json!({"title": "Family", "contributor_ids": [alex, alex]})).await;
    let id = journey["id"].as_i64().unwrap();
    assert_eq!(journey["contributors"], json!([{"user_id": alex, "name": "Alex"}]));

    // Alex sees it, writes, and edits only his own entries; Sam sees nothing.
    let theirs = as_user(&env, alex, "list_journeys", json!({})).await.unwrap();
    assert_eq!(
        (theirs["journeys"][0]["id"].as_i64(), theirs["journeys"][0]["is_owner"].as_bool()),
        (Some(id), Some(false))
    );
    assert_eq!(as_user(&env, sam, "list_journeys", json!({})).await.unwrap(), json!({"journeys": []}));
    assert_not_found(
        &as_user(&env, sam, "get_journey", json!({"journey_id": id})).await.unwrap_err(),
        "journey",
    );
    let mine = as_user(
        &env,
        alex,
        "create_journey_entry",
        json!({"journey_id": id, "date": "2027-07-01", "body": "Beach"}),
    )
    .await
    .unwrap();
    assert_eq!(mine["author_name"], "Alex");
    let owners =
        env.ok("create_journey_entry", json!({"journey_id": id, "date": "2027-07-02", "body": "Hike"})).await;
    forbidden(
        &as_user(
            &env,
            alex,
            "update_journey_entry",
            json!({"journey_id": id, "entry_id": owners["id"], "body": "x"}),
        )
        .await
        .unwrap_err(),
    );
    forbidden(
        &as_user(&env, alex, "delete_journey_entry", json!({"journey_id": id, "entry_id": owners["id"]}))
            .await
            .unwrap_err(),
    );
    as_user(
        &env,
        alex,
        "update_journey_entry",
        json!({"journey_id": id, "entry_id": mine["id"], "body": "Beach day"}),
    )
    .await
    .unwrap();
    // The owner may edit anything and write on a contributor's behalf; a contributor may not.
    env.ok("update_journey_entry", json!({"journey_id": id, "entry_id": mine["id"], "title": "Sun"})).await;
    let told = env
        .ok(
            "create_journey_entry",
            json!({"journey_id": id, "date": "2027-07-03", "body": "Story", "author_id": alex}),
        )
        .await;
    assert_eq!(told["author_id"], alex);
    assert_invalid(
        &env.err(
            "create_journey_entry",
            json!({"journey_id": id, "date": "2027-07-03", "body": "x", "author_id": sam}),
        )
        .await,
        "author_id",
    );
    forbidden(
        &as_user(
            &env,
            alex,
            "create_journey_entry",
            json!({"journey_id": id, "date": "2027-07-03", "body": "x", "author_id": env.owner.user.0}),
        )
        .await
        .unwrap_err(),
    );
    // Only the owner changes, shares or deletes the journey.
    forbidden(
        &as_user(&env, alex, "update_journey", json!({"journey_id": id, "title": "Mine"})).await.unwrap_err(),
    );
    forbidden(
        &as_user(&env, alex, "create_journey_share_link", json!({"journey_id": id})).await.unwrap_err(),
    );
    forbidden(&as_user(&env, alex, "delete_journey", json!({"journey_id": id})).await.unwrap_err());
    // Removing Alex ends his access.
    let updated =
        env.ok("update_journey", json!({"journey_id": id, "contributor_ids": [], "description": null})).await;
    assert_eq!(updated["contributors"], json!([]));
    assert_not_found(
        &as_user(&env, alex, "get_journey", json!({"journey_id": id})).await.unwrap_err(),
        "journey",
    );
}

#[tokio::test]
async fn entries_per_journey_are_limited() {
    let env = Env::new().await;
    let id = env.ok("create_journey", json!({"title": "Long"})).await["id"].as_i64().unwrap();
    env.exec(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
         INSERT INTO journey_entries (journey_id, date, body, created_at, updated_at) SELECT {id}, '2027-01-01', 'x', 0, 0 FROM n",
        MAX_ENTRIES - 1
    ))
    .await;
    let args = json!({"journey_id": id, "date": "2027-01-02", "body": "last"});
    env.ok("create_journey_entry", args.clone()).await;
    match env.err("create_journey_entry", args).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_ENTRIES),
        other => panic!("expected the entry limit, got {other:?}"),
    }
}

#[tokio::test]
async fn journey_scopes_gate_the_operations() {
    let env = Env::new().await;
    let id = env.ok("create_journey", json!({"title": "J"})).await["id"].as_i64().unwrap();
    let call = |scopes: &[Scope], name: &'static str| {
        let set = ScopeSet::from_scopes(scopes.iter().copied());
        let store = env.store.clone();
        let owner = env.owner;
        async move { registry().execute(&store, name, owner, set, NOW, json!({"journey_id": id})).await }
    };
    assert!(call(&[Scope::JourneyRead], "get_journey").await.is_ok());
    assert!(call(&[Scope::JourneyShare], "get_journey").await.is_ok(), "share implies read");
    assert!(matches!(
        call(&[Scope::JourneyRead], "delete_journey").await,
        Err(OpError::MissingScope(Scope::JourneyWrite))
    ));
    assert!(matches!(
        call(&[Scope::JourneyWrite], "create_journey_share_link").await,
        Err(OpError::MissingScope(Scope::JourneyShare))
    ));
    assert!(matches!(
        call(&[Scope::TripsWrite], "get_journey").await,
        Err(OpError::MissingScope(Scope::JourneyRead))
    ));
    assert!(call(&[Scope::JourneyShare], "create_journey_share_link").await.is_ok());
}

#[tokio::test]
async fn share_link_page_and_json_show_entries_without_ids_until_revoked() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let op = |name: &'static str, args: Value| {
        let request =
            t.http.post(t.url(&format!("/api/ops/{name}"))).header("cookie", owner.clone()).json(&args);
        async move {
            serde_json::from_str::<Value>(&expect_status(request.send().await.unwrap(), 200).await).unwrap()
        }
    };
    let trip = op("create_trip", json!({"title": "Kyoto"})).await["id"].as_i64().unwrap();
    let id = op("create_journey", json!({"title": "Year one"})).await["id"].as_i64().unwrap();
    op(
        "create_journey_entry",
        json!({"journey_id": id, "date": "2027-04-02", "body": "Dawn climb", "trip_id": trip}),
    )
    .await;
    let link = op("create_journey_share_link", json!({"journey_id": id})).await;
    let path = link["path"].as_str().unwrap().to_owned();
    assert_eq!(
        op("create_journey_share_link", json!({"journey_id": id})).await["path"],
        path.as_str(),
        "the same link again"
    );
    assert_eq!(op("get_journey", json!({"journey_id": id})).await["journey"]["share_path"], path.as_str());

    let token = link["token"].as_str().unwrap();
    let response = t.http.get(t.url(&format!("/api/share/journey/{token}"))).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let shared: Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();
    assert_eq!(
        shared,
        json!({"title": "Year one", "description": null, "entries": [
            {"date": "2027-04-02", "title": null, "body": "Dawn climb", "trip_title": "Kyoto", "place_name": null, "author_name": shared["entries"][0]["author_name"]}
        ]})
    );
    let page = t.http.get(t.url(&path)).send().await.unwrap();
    assert!(expect_status(page, 200).await.contains("journey-share.js"));
    let script = t.http.get(t.url("/ui/journey-share.js")).send().await.unwrap();
    assert_eq!(script.status(), 200, "the page's script loads without a login");

    for bad in ["short", &"A".repeat(token.len())] {
        assert_eq!(
            t.http.get(t.url(&format!("/api/share/journey/{bad}"))).send().await.unwrap().status(),
            404
        );
    }
    op("delete_journey_share_link", json!({"journey_id": id})).await;
    assert_eq!(t.http.get(t.url(&format!("/api/share/journey/{token}"))).send().await.unwrap().status(), 404);
    assert_eq!(t.http.get(t.url(&path)).send().await.unwrap().status(), 404);
    // A trip's share token is not a journey's.
    let trip_link = op("create_share_link", json!({"trip_id": trip})).await;
    let trip_token = trip_link["token"].as_str().unwrap();
    assert_eq!(
        t.http.get(t.url(&format!("/api/share/journey/{trip_token}"))).send().await.unwrap().status(),
        404
    );
    t.stop().await;
}
