//! Notifications made by real events on the real server: a connection request waiting for
//! approval, an assistant's changes to a trip over MCP (coalesced; the owner's own changes in
//! the UI are not announced), a connection whose sign-in is about to end; and the
//! `trek://notifications/in-app` resource.

use serde_json::{Value, json};
use trek::clock::{Clock, ManualClock, SharedClock, SystemClock};
use trek::store::Store;

use crate::support::{OAuthDriver, TestServer, expect_status, pkce_pair, rpc_result};

async fn owner_op(t: &TestServer, owner: &str, name: &str, args: Value) -> Value {
    let response = t
        .http
        .post(t.url(&format!("/api/ops/{name}")))
        .header("cookie", owner)
        .json(&args)
        .send()
        .await
        .unwrap();
    serde_json::from_str(&expect_status(response, 200).await).unwrap()
}

async fn notifications(t: &TestServer, owner: &str) -> Vec<Value> {
    owner_op(t, owner, "list_notifications", json!({})).await["notifications"].as_array().unwrap().clone()
}

#[tokio::test]
async fn assistant_changes_and_connection_requests_are_announced() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let token = t.machine_token("trips:write notifications:read", None).await;
    let session = t.mcp_session(&token).await;
    let call = |name: &str, args: Value| json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": args}});

    let created = rpc_result(
        t.mcp_post(Some(&token), Some(&session), call("create_trip", json!({"title": "Lisbon"}))).await,
    )
    .await;
    let trip = created["result"]["structuredContent"]["id"].as_i64().unwrap();
    rpc_result(
        t.mcp_post(
            Some(&token),
            Some(&session),
            call("update_trip", json!({"trip_id": trip, "description": "Tiles"})),
        )
        .await,
    )
    .await;
    let list = notifications(&t, &owner).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (
            list[0]["kind"].as_str(),
            list[0]["title"].as_str(),
            list[0]["trip_id"].as_i64(),
            list[0]["count"].as_i64()
        ),
        (
            Some("assistant_change"),
            Some("machine trips:write notifications:read changed Lisbon"),
            Some(trip),
            Some(2)
        )
    );
    // Reads and the owner's own changes in the UI are not announced.
    rpc_result(t.mcp_post(Some(&token), Some(&session), call("list_trips", json!({}))).await).await;
    owner_op(&t, &owner, "update_trip", json!({"trip_id": trip, "title": "Lisboa"})).await;
    assert_eq!(notifications(&t, &owner).await[0]["count"], 2);

    // The resource shows the same list to an assistant with notifications:read.
    let read = json!({"jsonrpc": "2.0", "id": 3, "method": "resources/read", "params": {"uri": "trek://notifications/in-app"}});
    let resource = rpc_result(t.mcp_post(Some(&token), Some(&session), read).await).await;
    let text = resource["result"]["contents"][0]["text"].as_str().unwrap();
    let page: Value = serde_json::from_str(text).unwrap();
    assert_eq!(page["notifications"][0]["kind"], "assistant_change");

    // A new client asking to connect.
    let driver = OAuthDriver::new(&t).await;
    let redirect = "http://127.0.0.1:9/callback";
    let client = driver.register_public(redirect).await;
    let (_, challenge) = pkce_pair();
    driver.start(&client, redirect, &challenge, "trips:read").await;
    let list = notifications(&t, &owner).await;
    let request =
        list.iter().find(|n| n["kind"] == "connection_request").expect("a connection request notification");
    assert_eq!(request["title"], "Test client asks to connect");
    assert_eq!(request["read"], false);
    t.stop().await;
}

#[tokio::test]
async fn a_connection_about_to_be_signed_out_is_announced_once() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let driver = OAuthDriver::new(&t).await;
    let redirect = "http://127.0.0.1:9/callback";
    let (client, verifier, code) = driver.code_for(redirect, "trips:read").await;
    let tokens = driver.exchange(&client, &code, redirect, &verifier).await;
    assert!(tokens["refresh_token"].as_str().unwrap().starts_with("trekrf_"));

    // The scan, as the server's task runs it, on the same file at chosen times.
    let store = Store::open(&t.db_path()).unwrap();
    let now = SystemClock.now();
    let at = |offset: i64| -> SharedClock { ManualClock::at(now + offset) };
    assert_eq!(
        trek::notify::scan_once(&store, &at(86_400)).await.unwrap(),
        0,
        "30 days left: nothing to say"
    );
    let soon = 30 * 86_400 - 2 * 86_400;
    assert_eq!(trek::notify::scan_once(&store, &at(soon)).await.unwrap(), 1);
    assert_eq!(trek::notify::scan_once(&store, &at(soon + 900)).await.unwrap(), 0, "told once");
    assert_eq!(
        trek::notify::scan_once(&store, &at(31 * 86_400)).await.unwrap(),
        0,
        "expired: too late to tell"
    );
    store.close();

    let list = notifications(&t, &owner).await;
    let expiring = list.iter().find(|n| n["kind"] == "connection_expiring").expect("an expiry notification");
    assert_eq!(expiring["title"], "Test client will be signed out soon");
    assert!(expiring["body"].as_str().unwrap().contains("approve it again"), "{expiring}");
    t.stop().await;
}
