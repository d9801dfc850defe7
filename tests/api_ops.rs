//! The UI's API over the operation registry (`/api/ops`), the live change stream
//! (`/api/events`) receiving changes an assistant makes, and the owner's MCP switch.

use std::time::Duration;

use serde_json::json;

use crate::support::{TestServer, error_code, expect_status, rpc_result};

#[tokio::test]
async fn ui_calls_the_same_operations_as_assistants() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let ops: serde_json::Value = serde_json::from_str(
        &expect_status(t.http.get(t.url("/api/ops")).header("cookie", &owner).send().await.unwrap(), 200)
            .await,
    )
    .unwrap();
    assert!(
        ops.as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "create_trip" && o["input_schema"]["type"] == "object")
    );

    let call = |name: &str, body: serde_json::Value| {
        t.http.post(t.url(&format!("/api/ops/{name}"))).header("cookie", &owner).json(&body).send()
    };
    let trip: serde_json::Value = serde_json::from_str(
        &expect_status(call("create_trip", json!({ "title": "From the UI" })).await.unwrap(), 200).await,
    )
    .unwrap();
    assert_eq!(trip["title"], "From the UI");
    let bad = expect_status(call("create_trip", json!({ "title": 5 })).await.unwrap(), 400).await;
    assert_eq!(error_code(&bad), "invalid_arguments");
    assert!(bad.contains("title"), "{bad}");
    let missing =
        expect_status(call("get_trip_summary", json!({ "trip_id": 999 })).await.unwrap(), 404).await;
    assert_eq!(error_code(&missing), "not_found");
    expect_status(call("no_such_op", json!({})).await.unwrap(), 404).await;
    // Without the owner session nothing runs.
    let anonymous =
        t.http.post(t.url("/api/ops/create_trip")).json(&json!({ "title": "x" })).send().await.unwrap();
    expect_status(anonymous, 401).await;
    t.stop().await;
}

#[tokio::test]
async fn changes_made_over_mcp_reach_the_event_stream() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let mut events = t.http.get(t.url("/api/events")).header("cookie", &owner).send().await.unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let token = t.machine_token("trips:write", None).await;
    let session = t.mcp_session(&token).await;
    let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "create_trip", "arguments": { "title": "Live" } } });
    let result = rpc_result(t.mcp_post(Some(&token), Some(&session), call).await).await;
    let trip_id = result["result"]["structuredContent"]["id"].as_i64().unwrap();

    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !received.contains("event: change") {
        let chunk = tokio::time::timeout_at(deadline, events.chunk())
            .await
            .expect("no event within 5 s")
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = received.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let change: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(change, json!({ "entity": "trip", "action": "created", "id": trip_id, "trip_id": trip_id }));
    t.stop().await;
}

#[tokio::test]
async fn switching_mcp_off_refuses_calls_hides_discovery_and_ends_sessions() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let token = t.machine_token("trips:read", None).await;
    let session = t.mcp_session(&token).await;
    let user = trek::store::owner::UserId(1);
    assert_eq!(t.server.mcp().sessions.count_for(user), 1);

    let off = t
        .http
        .put(t.url("/api/settings/mcp"))
        .header("cookie", &owner)
        .json(&json!({ "enabled": false }))
        .send()
        .await
        .unwrap();
    expect_status(off, 200).await;
    assert_eq!(t.server.mcp().sessions.count_for(user), 0, "sessions ended");
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let body = expect_status(t.mcp_post(Some(&token), Some(&session), list.clone()).await, 403).await;
    assert_eq!(error_code(&body), "mcp_disabled");
    expect_status(t.http.get(t.url("/.well-known/oauth-protected-resource/mcp")).send().await.unwrap(), 404)
        .await;
    expect_status(t.http.get(t.url("/.well-known/oauth-authorization-server")).send().await.unwrap(), 404)
        .await;

    let on = t
        .http
        .put(t.url("/api/settings/mcp"))
        .header("cookie", &owner)
        .json(&json!({ "enabled": true }))
        .send()
        .await
        .unwrap();
    expect_status(on, 200).await;
    let session = t.mcp_session(&token).await;
    assert_eq!(t.mcp_post(Some(&token), Some(&session), list).await.status(), 200);
    expect_status(t.http.get(t.url("/.well-known/oauth-protected-resource/mcp")).send().await.unwrap(), 200)
        .await;
    t.stop().await;
}
