//! "Pause AI access" over real HTTP with rmcp's client: while paused every tool call, resource
//! read and prompt is refused with the owner's sentence and nothing changes; resuming restores
//! the next call on the same session (no reconnect); the reads-allowed variant; the owner's UI
//! calls are never paused; the setting's API refuses bad input, persists, and is announced on
//! `/api/events`; `trek pause` / `trek resume` from another process reach a running server.

use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, GetPromptRequestParams, ReadResourceRequestParams};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use trek::mcp::pause::PAUSED_MESSAGE;

use crate::support::{TestServer, error_code, expect_status, trek_bin};

type Client = rmcp::service::RunningService<rmcp::RoleClient, ()>;

async fn connect(t: &TestServer) -> Client {
    let token = t.machine_token("trips:read trips:write", None).await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(t.url("/mcp")).auth_header(token),
    );
    ().serve(transport).await.unwrap()
}

async fn set_pause(t: &TestServer, owner: &str, body: Value) -> reqwest::Response {
    t.http.put(t.url("/api/settings/ai-access")).header("cookie", owner).json(&body).send().await.unwrap()
}

async fn call(client: &Client, name: &str, arguments: Value) -> rmcp::model::CallToolResult {
    let params =
        CallToolRequestParams::new(name.to_owned()).with_arguments(arguments.as_object().unwrap().clone());
    client.call_tool(params).await.unwrap()
}

fn text_of(result: &rmcp::model::CallToolResult) -> String {
    serde_json::to_string(&result.content).unwrap()
}

fn assert_paused(result: &rmcp::model::CallToolResult) {
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let text = text_of(result);
    assert!(text.contains("owner paused AI access in Trek") && text.contains("resume"), "{text}");
}

/// The trip titles the owner sees (the owner's own op call, never paused).
async fn owner_trip_titles(t: &TestServer, owner: &str) -> Vec<String> {
    let response = t
        .http
        .post(t.url("/api/ops/list_trips"))
        .header("cookie", owner)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let list: Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();
    list["trips"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn pause_refuses_every_request_and_resume_restores_the_same_session() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let client = connect(&t).await;
    let trip = call(&client, "create_trip", json!({ "title": "Kyoto" })).await;
    let trip_id = trip.structured_content.unwrap()["id"].as_i64().unwrap();

    let paused = set_pause(&t, &owner, json!({ "paused": true })).await;
    assert_eq!(
        serde_json::from_str::<Value>(&expect_status(paused, 200).await).unwrap()["allow_reads"],
        false
    );

    // Writes and reads alike are refused (reads are refused by default), and nothing changes.
    assert_paused(&call(&client, "create_trip", json!({ "title": "Osaka" })).await);
    assert_paused(&call(&client, "list_trips", json!({})).await);
    assert_eq!(owner_trip_titles(&t, &owner).await, ["Kyoto"]);
    // Resources and prompts follow the same rule; the error carries the same sentence.
    let resource =
        client.read_resource(ReadResourceRequestParams::new(format!("trek://trips/{trip_id}"))).await;
    assert!(format!("{resource:?}").contains("owner paused AI access"), "{resource:?}");
    let prompt = client
        .get_prompt(
            GetPromptRequestParams::new("trip-summary")
                .with_arguments(json!({ "trip_id": trip_id.to_string() }).as_object().unwrap().clone()),
        )
        .await;
    assert!(format!("{prompt:?}").contains("owner paused AI access"), "{prompt:?}");
    // The session itself stays: listing tools still works, so the client keeps its connection.
    assert!(!client.list_all_tools().await.unwrap().is_empty());
    assert_eq!(t.server.mcp().sessions.count_for(trek::store::owner::UserId(1)), 1);

    expect_status(set_pause(&t, &owner, json!({ "paused": false })).await, 200).await;
    // The next call on the same session succeeds.
    let created = call(&client, "create_trip", json!({ "title": "Osaka" })).await;
    assert_ne!(created.is_error, Some(true), "{created:?}");
    assert!(
        client.read_resource(ReadResourceRequestParams::new(format!("trek://trips/{trip_id}"))).await.is_ok()
    );
    assert_eq!(owner_trip_titles(&t, &owner).await.len(), 2);
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn allow_reads_answers_reads_and_refuses_changes() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let client = connect(&t).await;
    call(&client, "create_trip", json!({ "title": "Lisbon" })).await;
    expect_status(set_pause(&t, &owner, json!({ "paused": true, "allow_reads": true })).await, 200).await;

    let list = call(&client, "list_trips", json!({})).await;
    assert_ne!(list.is_error, Some(true), "{list:?}");
    assert!(text_of(&list).contains("Lisbon"));
    assert!(client.read_resource(ReadResourceRequestParams::new("trek://trips")).await.is_ok());
    assert_paused(&call(&client, "create_trip", json!({ "title": "Porto" })).await);
    assert_eq!(owner_trip_titles(&t, &owner).await, ["Lisbon"]);
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn the_owners_own_calls_are_never_paused() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    expect_status(set_pause(&t, &owner, json!({ "paused": true })).await, 200).await;
    let response = t
        .http
        .post(t.url("/api/ops/create_trip"))
        .header("cookie", &owner)
        .json(&json!({ "title": "Mine" }))
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
    assert_eq!(owner_trip_titles(&t, &owner).await, ["Mine"]);
    t.stop().await;
}

#[tokio::test]
async fn the_setting_refuses_bad_input_and_is_announced() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let get = async || -> Value {
        let response =
            t.http.get(t.url("/api/settings/ai-access")).header("cookie", &owner).send().await.unwrap();
        serde_json::from_str(&expect_status(response, 200).await).unwrap()
    };
    assert_eq!(get().await, json!({ "paused": false, "allow_reads": false }));
    for (bad, names) in [
        (json!({ "paused": "yes" }), "paused"),
        (json!({ "paused": true, "everything": 1 }), "everything"),
        (json!({}), "paused"),
    ] {
        let body = expect_status(set_pause(&t, &owner, bad.clone()).await, 422).await;
        assert_eq!(error_code(&body), "invalid_body");
        assert!(body.contains(names), "{bad}: {body}");
    }
    assert_eq!(get().await, json!({ "paused": false, "allow_reads": false }), "bad input changed nothing");
    // Without the owner session: 401, unchanged.
    let anonymous =
        t.http.put(t.url("/api/settings/ai-access")).json(&json!({ "paused": true })).send().await.unwrap();
    expect_status(anonymous, 401).await;
    assert!(!t.server.mcp().pause().get().paused);

    let mut events = t.http.get(t.url("/api/events")).header("cookie", &owner).send().await.unwrap();
    expect_status(set_pause(&t, &owner, json!({ "paused": true })).await, 200).await;
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !received.contains("event: change") {
        let chunk =
            tokio::time::timeout_at(deadline, events.chunk()).await.expect("no event").unwrap().unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = received.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(data).unwrap()["entity"], "ai_access");
    // Stored in the database: another connection to the file reads it back.
    let store = trek::store::Store::open(&t.db_path()).unwrap();
    assert!(trek::mcp::pause::read(&store).await.unwrap().paused);
    store.close();
    t.stop().await;
}

#[tokio::test]
async fn cli_pause_and_resume_reach_a_running_server() {
    let t = TestServer::start().await;
    let client = connect(&t).await;
    let trek = |args: &[&str]| {
        let out = std::process::Command::new(trek_bin())
            .args(args)
            .env("TREK_DATA_DIR", t.data_dir())
            .env_remove("TREK_PORT")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let wait_for = async |paused: bool| {
        // Bounded: the server probes the file every PAUSE_SYNC_INTERVAL.
        let deadline = tokio::time::Instant::now() + trek::config::PAUSE_SYNC_INTERVAL * 10;
        while t.server.mcp().pause().get().paused != paused {
            assert!(tokio::time::Instant::now() < deadline, "the server did not pick up paused={paused}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    assert!(trek(&["pause", "--allow-reads"]).contains("paused"));
    wait_for(true).await;
    assert!(t.server.mcp().pause().get().allow_reads);
    assert_paused(&call(&client, "create_trip", json!({ "title": "x" })).await);
    assert!(trek(&["resume"]).contains("resumed"));
    wait_for(false).await;
    // Resume keeps the reads choice for the next pause.
    assert!(t.server.mcp().pause().get().allow_reads);
    let created = call(&client, "create_trip", json!({ "title": "x" })).await;
    assert_ne!(created.is_error, Some(true), "{created:?}");
    assert!(PAUSED_MESSAGE.contains("trek resume"));
    client.cancel().await.unwrap();
    t.stop().await;
}
