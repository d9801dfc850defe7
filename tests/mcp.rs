//! `/mcp` over real HTTP: the rmcp client on both protocol eras (2025-11-25 sessions and
//! stateless 2026-07-28); 401 + `WWW-Authenticate` shape; audience binding; scope gating with
//! 403 `insufficient_scope`; the static-token notice; argument errors as tool errors; rate
//! limit; session cap; idle expiry on a manual clock; revocation ending live sessions; prompts
//! rendered from live data.

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, ProtocolVersion};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::json;
use trek::clock::ManualClock;

use crate::support::{TestServer, expect_status, rpc_result};

/// rmcp's HTTP client transport with a bearer token (a macro: the transport's type names
/// rmcp's own reqwest version).
macro_rules! transport {
    ($t:expr, $token:expr) => {
        StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri($t.url("/mcp")).auth_header($token),
        )
    };
}

fn args(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().unwrap().clone()
}

#[tokio::test]
async fn rmcp_client_lists_and_calls_tools_in_a_session() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read trips:write", None).await;
    let client = ().serve(transport!(t, &token)).await.unwrap();
    let info = client.peer_info().unwrap();
    assert_eq!(info.server_info.as_ref().unwrap().name, "trek");
    assert!(info.instructions.as_deref().unwrap().contains("get_trip_summary"));

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for name in ["list_trips", "get_trip_summary", "create_trip"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for tool in &tools {
        assert!(tool.title.is_some(), "{} has no title", tool.name);
        let a = tool.annotations.as_ref().unwrap_or_else(|| panic!("{} has no annotations", tool.name));
        // Hints equal to the specification's defaults are left out; a local tool always says
        // it is closed-world (openWorldHint defaults to true).
        assert_eq!(a.open_world_hint, Some(false), "{}", tool.name);
    }
    let hints = |name: &str| {
        let a = tools.iter().find(|t| t.name == name).unwrap().annotations.clone().unwrap();
        (a.read_only_hint.unwrap_or(false), a.is_destructive(), a.is_idempotent())
    };
    assert!(hints("list_trips").0);
    assert_eq!(hints("create_trip"), (false, false, false));
    assert_eq!(hints("update_trip"), (false, false, true));

    let created = client
        .call_tool(CallToolRequestParams::new("create_trip").with_arguments(args(json!({
            "title": "Kyoto", "start_date": "2027-04-01", "end_date": "2027-04-03", "currency": "JPY"
        }))))
        .await
        .unwrap();
    assert_ne!(created.is_error, Some(true), "{created:?}");
    let trip = created.structured_content.unwrap();
    assert_eq!(trip["day_count"], 3);
    let summary = client
        .call_tool(
            CallToolRequestParams::new("get_trip_summary")
                .with_arguments(args(json!({ "trip_id": trip["id"] }))),
        )
        .await
        .unwrap();
    let summary = summary.structured_content.unwrap();
    assert_eq!(summary["trip"]["title"], "Kyoto");
    assert_eq!(summary["days"][2]["date"], "2027-04-03");

    // Bad arguments: a tool error naming the field, so the assistant can correct itself.
    let bad = client
        .call_tool(CallToolRequestParams::new("create_trip").with_arguments(args(
            json!({ "title": "x", "start_date": "2027-02-30", "end_date": "2027-03-01" }),
        )))
        .await
        .unwrap();
    assert_eq!(bad.is_error, Some(true));
    let text = serde_json::to_string(&bad.content).unwrap();
    assert!(text.contains("start_date"), "{text}");
    let wrong_type = client
        .call_tool(
            CallToolRequestParams::new("get_trip_summary")
                .with_arguments(args(json!({ "trip_id": "seven" }))),
        )
        .await
        .unwrap();
    assert_eq!(wrong_type.is_error, Some(true));
    assert!(serde_json::to_string(&wrong_type.content).unwrap().contains("trip_id"));
    // An unknown tool stays a protocol error.
    let unknown = client.call_tool(CallToolRequestParams::new("no_such_tool")).await;
    assert!(unknown.is_err(), "{unknown:?}");

    // Resources are gated and read through the same operations.
    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.iter().any(|r| r.uri == "trek://trips"));
    let templates = client.list_all_resource_templates().await.unwrap();
    assert!(templates.iter().any(|r| r.uri_template == "trek://trips/{tripId}"));
    let read = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(format!("trek://trips/{}", trip["id"])))
        .await
        .unwrap();
    assert!(serde_json::to_string(&read).unwrap().contains("Kyoto"));
    let prompts = client.list_all_prompts().await.unwrap();
    let prompt_names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        prompt_names,
        ["trip-summary", "packing-list", "budget-overview"],
        "token_auth_notice is for static tokens only"
    );
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn stateless_2026_07_28_client_works_without_a_session() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read trips:write", None).await;
    let client = ()
        .serve_with_lifecycle(
            transport!(t, &token),
            ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] },
        )
        .await
        .unwrap();
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "create_trip"));
    let created = client
        .call_tool(
            CallToolRequestParams::new("create_trip").with_arguments(args(json!({ "title": "Stateless" }))),
        )
        .await
        .unwrap();
    assert_eq!(created.structured_content.unwrap()["title"], "Stateless");
    assert_eq!(t.server.mcp().sessions.count_for(trek::store::owner::UserId(1)), 0, "no session was opened");
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn missing_or_bad_token_gets_401_with_a_usable_challenge() {
    let t = TestServer::start().await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let response = t.mcp_post(None, None, ping.clone()).await;
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    expect_status(response, 401).await;
    assert!(
        challenge.starts_with(&format!(
            "Bearer resource_metadata=\"{}/.well-known/oauth-protected-resource/mcp\"",
            t.base
        )),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"trips:read"), "{challenge}");
    assert!(!challenge.contains("error="), "no error when no token was sent: {challenge}");

    let response = t.mcp_post(Some("trekoa_forged"), None, ping.clone()).await;
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    expect_status(response, 401).await;
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

    // Token in the query string is refused even when valid.
    let token = t.machine_token("trips:read", None).await;
    let response =
        t.http.post(t.url(&format!("/mcp?access_token={token}"))).json(&ping).send().await.unwrap();
    expect_status(response, 401).await;
    // Another scheme is refused.
    let response = t
        .http
        .post(t.url("/mcp"))
        .header("authorization", format!("Basic {token}"))
        .json(&ping)
        .send()
        .await
        .unwrap();
    expect_status(response, 401).await;
    // DNS rebinding: a foreign Host never reaches MCP.
    let response = t
        .http
        .post(t.url("/mcp"))
        .bearer_auth(&token)
        .header("host", "evil.example")
        .json(&ping)
        .send()
        .await
        .unwrap();
    expect_status(response, 421).await;
    t.stop().await;
}

#[tokio::test]
async fn token_for_another_audience_is_refused() {
    let t = TestServer::start_with(Some("https://trips.example.com")).await;
    let public_token = t.machine_token("trips:read", Some("trips.example.com")).await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let response = t.mcp_post(Some(&public_token), None, ping.clone()).await;
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    expect_status(response, 401).await;
    assert!(challenge.contains("invalid_token"), "{challenge}");
    // Through the public host the same token works.
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "x", "version": "1" } } });
    let response = t
        .http
        .post(t.url("/mcp"))
        .header("host", "trips.example.com")
        .header("accept", "application/json, text/event-stream")
        .bearer_auth(&public_token)
        .json(&init)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    t.stop().await;
}

#[tokio::test]
async fn read_scope_sees_no_write_tools_and_write_call_gets_insufficient_scope() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read", None).await;
    let client = ().serve(transport!(t, &token)).await.unwrap();
    let names: Vec<String> =
        client.list_all_tools().await.unwrap().iter().map(|t| t.name.to_string()).collect();
    assert!(names.contains(&"list_trips".to_owned()));
    assert!(!names.contains(&"create_trip".to_owned()), "{names:?}");
    client.cancel().await.unwrap();

    let session = t.mcp_session(&token).await;
    let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "create_trip", "arguments": { "title": "nope" } } });
    let response = t.mcp_post(Some(&token), Some(&session), call).await;
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    expect_status(response, 403).await;
    assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
    assert!(
        challenge.contains("scope=\"trips:read trips:write\""),
        "keeps granted scopes and adds the needed one: {challenge}"
    );
    // Nothing was created.
    let list = json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "list_trips", "arguments": {} } });
    let result = rpc_result(t.mcp_post(Some(&token), Some(&session), list).await).await;
    assert_eq!(result["result"]["structuredContent"]["trips"], json!([]));
    t.stop().await;
}

#[tokio::test]
async fn static_token_sessions_carry_the_deprecation_notice() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let created = t
        .http
        .post(t.url("/api/tokens"))
        .header("cookie", owner)
        .json(&json!({ "name": "old" }))
        .send()
        .await
        .unwrap();
    let created: serde_json::Value = serde_json::from_str(&expect_status(created, 201).await).unwrap();
    let token = created["token"].as_str().unwrap();
    let client = ().serve(transport!(t, token)).await.unwrap();
    assert!(client.peer_info().unwrap().instructions.as_deref().unwrap().contains("deprecated"));
    let result = client.call_tool(CallToolRequestParams::new("list_trips")).await.unwrap();
    assert!(serde_json::to_string(&result.content).unwrap().contains("deprecated"));
    let prompts = client.list_all_prompts().await.unwrap();
    assert!(prompts.iter().any(|p| p.name == "token_auth_notice"));
    // Full access: write tools are listed.
    assert!(client.list_all_tools().await.unwrap().iter().any(|t| t.name == "create_trip"));
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let t = TestServer::start_configured(None, None, |c| c.mcp_rate_limit = 5).await;
    let token = t.machine_token("trips:read", None).await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    for _ in 0..5 {
        let response = t.mcp_post(Some(&token), None, list.clone()).await;
        assert_ne!(response.status(), 429);
    }
    let limited = t.mcp_post(Some(&token), None, list).await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_status(limited, 429).await;
    t.stop().await;
}

#[tokio::test]
async fn session_cap_ends_the_least_recently_used_session() {
    let t = TestServer::start_configured(None, None, |c| c.mcp_max_sessions_per_user = 2).await;
    let token = t.machine_token("trips:read", None).await;
    let first = t.mcp_session(&token).await;
    let second = t.mcp_session(&token).await;
    let third = t.mcp_session(&token).await;
    let list = json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" });
    expect_status(t.mcp_post(Some(&token), Some(&first), list.clone()).await, 404).await;
    assert_eq!(t.mcp_post(Some(&token), Some(&second), list.clone()).await.status(), 200);
    assert_eq!(t.mcp_post(Some(&token), Some(&third), list).await.status(), 200);
    t.stop().await;
}

#[tokio::test]
async fn idle_session_expires_after_an_hour() {
    let clock = ManualClock::at(1_900_000_000);
    let t = TestServer::start_configured(None, Some(Arc::clone(&clock)), |_| {}).await;
    let (id, secret) = t.machine_client("trips:read").await;
    let token = t.client_token(&id, &secret, None).await;
    let session = t.mcp_session(&token).await;
    let list = json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" });
    clock.advance(3000);
    assert_eq!(
        t.mcp_post(Some(&token), Some(&session), list.clone()).await.status(),
        200,
        "activity keeps it alive"
    );
    clock.advance(3000);
    // The access token (1 h) expired; the client fetches a new one and keeps its session.
    expect_status(t.mcp_post(Some(&token), Some(&session), list.clone()).await, 401).await;
    let token = t.client_token(&id, &secret, None).await;
    assert_eq!(t.mcp_post(Some(&token), Some(&session), list.clone()).await.status(), 200);
    clock.advance(3600);
    let token = t.client_token(&id, &secret, None).await;
    let response = t.mcp_post(Some(&token), Some(&session), list).await;
    expect_status(response, 404).await;
    t.stop().await;
}

#[tokio::test]
async fn session_cannot_be_used_with_another_credential() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read", None).await;
    let other = t.machine_token("trips:read", None).await;
    let session = t.mcp_session(&token).await;
    let list = json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" });
    expect_status(t.mcp_post(Some(&other), Some(&session), list.clone()).await, 404).await;
    assert_eq!(t.mcp_post(Some(&token), Some(&session), list).await.status(), 200);
    t.stop().await;
}

#[tokio::test]
async fn revoking_the_oauth_session_ends_live_mcp_sessions() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read", None).await;
    let _session = t.mcp_session(&token).await;
    let owner = t.owner_cookie().await;
    let user = trek::store::owner::UserId(1);
    assert_eq!(t.server.mcp().sessions.count_for(user), 1);
    let sessions: serde_json::Value = serde_json::from_str(
        &expect_status(
            t.http.get(t.url("/api/oauth/sessions")).header("cookie", &owner).send().await.unwrap(),
            200,
        )
        .await,
    )
    .unwrap();
    let grant = sessions[0]["id"].as_str().unwrap();
    let revoke = t
        .http
        .delete(t.url(&format!("/api/oauth/sessions/{grant}")))
        .header("cookie", &owner)
        .send()
        .await
        .unwrap();
    expect_status(revoke, 204).await;
    // The revocation reaches the registry asynchronously; bounded wait for it.
    for _ in 0..100 {
        if t.server.mcp().sessions.count_for(user) == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(t.server.mcp().sessions.count_for(user), 0);
    let list = json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" });
    expect_status(t.mcp_post(Some(&token), None, list).await, 401).await;
    t.stop().await;
}

/// Issue 11: `/mcp` remembers verified tokens, yet a revocation written to the SQLite file by
/// another process (the `trek` CLI) is refused on the very next call, not at the next sweep.
#[tokio::test]
async fn issue_11_cli_revocation_is_honoured_at_once_despite_the_bearer_cache() {
    let t = TestServer::start().await;
    let (id, secret) = t.machine_client("trips:read").await;
    let token = t.client_token(&id, &secret, None).await;
    let session = t.mcp_session(&token).await;
    let list = json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" });
    // Twice: the second call is answered from the cache.
    for _ in 0..2 {
        expect_status(t.mcp_post(Some(&token), Some(&session), list.clone()).await, 200).await;
    }
    let output = std::process::Command::new(crate::support::trek_bin())
        .args(["client", "delete", &id])
        .env("TREK_DATA_DIR", t.data_dir())
        .env_remove("TREK_PORT")
        .output()
        .unwrap();
    assert!(output.status.success(), "trek client delete: {}", String::from_utf8_lossy(&output.stderr));
    expect_status(t.mcp_post(Some(&token), Some(&session), list).await, 401).await;
    t.stop().await;
}

#[tokio::test]
async fn protocol_versions_are_negotiated_as_the_specification_says() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read", None).await;
    let init = |version: &str| {
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "v", "version": "1" } } })
    };
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let result = rpc_result(t.mcp_post(Some(&token), None, init(version)).await).await;
        assert_eq!(result["result"]["protocolVersion"], version, "a supported version is echoed");
    }
    // An unknown version: the server answers with one it supports (the client may then disconnect).
    let result = rpc_result(t.mcp_post(Some(&token), None, init("1999-01-01")).await).await;
    let offered = result["result"]["protocolVersion"].as_str().unwrap();
    assert!(offered.starts_with("20"), "{result}");
    assert_ne!(offered, "1999-01-01");
    // A request header naming an unknown version is refused.
    let response = t
        .http
        .post(t.url("/mcp"))
        .bearer_auth(&token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "1999-01-01")
        .json(&json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    t.stop().await;
}

#[tokio::test]
async fn every_resource_and_template_reads_for_a_real_trip() {
    let t = TestServer::start().await;
    let token = t.machine_token(&trek::auth::scopes::ScopeSet::all().to_string(), None).await;
    let client = ().serve(transport!(t, &token)).await.unwrap();
    let created = client
        .call_tool(CallToolRequestParams::new("create_trip").with_arguments(args(
            json!({ "title": "Res", "start_date": "2027-05-01", "end_date": "2027-05-02" }),
        )))
        .await
        .unwrap();
    let trip_id = created.structured_content.unwrap()["id"].as_i64().unwrap();
    let call = |name: &'static str, arguments: serde_json::Value| {
        client.call_tool(CallToolRequestParams::new(name).with_arguments(args(arguments)))
    };
    let days = call("list_days", json!({ "trip_id": trip_id })).await.unwrap().structured_content.unwrap();
    assert_eq!(days["days"].as_array().unwrap().len(), 2, "{days}");
    let day_id = days["days"][1]["id"].as_i64().unwrap();
    call("create_day_note", json!({ "trip_id": trip_id, "day_id": day_id, "text": "Ferry at nine" }))
        .await
        .unwrap();
    let mut uris: Vec<String> =
        client.list_all_resources().await.unwrap().into_iter().map(|r| r.uri.clone()).collect();
    for template in client.list_all_resource_templates().await.unwrap() {
        uris.push(
            template
                .uri_template
                .replace("{tripId}", &trip_id.to_string())
                .replace("{dayId}", &day_id.to_string())
                .replace("{year}", "2027"),
        );
    }
    // The day-notes template reads that day's notes, and the days resource shows them too.
    let resource_text = |uri: String| {
        let client = &client;
        async move {
            let read = client.read_resource(rmcp::model::ReadResourceRequestParams::new(uri)).await.unwrap();
            serde_json::to_value(&read).unwrap()["contents"][0]["text"].as_str().unwrap().to_owned()
        }
    };
    let notes = resource_text(format!("trek://trips/{trip_id}/days/{day_id}/notes")).await;
    assert!(notes.contains("Ferry at nine"), "{notes}");
    let first_day = days["days"][0]["id"].as_i64().unwrap();
    let other = resource_text(format!("trek://trips/{trip_id}/days/{first_day}/notes")).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&other).unwrap(), json!({ "notes": [] }));
    assert!(resource_text(format!("trek://trips/{trip_id}/days")).await.contains("Ferry at nine"));
    // A day of another trip (or none) is not found.
    let stray = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(format!(
            "trek://trips/{trip_id}/days/999999/notes"
        )))
        .await;
    assert!(stray.is_err(), "{stray:?}");
    assert!(uris.len() >= 15, "{uris:?}");
    for uri in uris {
        let read = client.read_resource(rmcp::model::ReadResourceRequestParams::new(uri.clone())).await;
        let read = read.unwrap_or_else(|e| panic!("{uri}: {e}"));
        let text = serde_json::to_value(&read).unwrap();
        assert!(text.to_string().contains("application/json"), "{uri}: {text}");
    }
    // A trip that does not exist is a resource-not-found error, not a crash.
    let missing =
        client.read_resource(rmcp::model::ReadResourceRequestParams::new("trek://trips/999999/budget")).await;
    assert!(missing.is_err());
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn prompts_carry_the_live_sections_they_need() {
    let t = TestServer::start().await;
    let token = t.machine_token("trips:read trips:write budget:write packing:write", None).await;
    let client = ().serve(transport!(t, &token)).await.unwrap();
    let call = async |name: &str, arguments: serde_json::Value| {
        let result = client
            .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(args(arguments)))
            .await
            .unwrap();
        assert_ne!(result.is_error, Some(true), "{name}: {result:?}");
        result.structured_content.unwrap()
    };
    let trip =
        call("create_trip", json!({"title": "Kyoto", "start_date": "2027-04-01", "end_date": "2027-04-02"}))
            .await;
    let id = trip["id"].as_i64().unwrap();
    call(
        "create_budget_item",
        json!({"trip_id": id, "name": "Ryokan Sakura", "category": "Stay", "total_price": "480.00"}),
    )
    .await;
    call("create_packing_item", json!({"trip_id": id, "name": "Rain poncho", "category": "Clothes"})).await;

    let prompt = async |name: &str| {
        let params = rmcp::model::GetPromptRequestParams::new(name)
            .with_arguments(args(json!({"trip_id": id.to_string()})));
        let result = client.get_prompt(params).await.unwrap();
        serde_json::to_string(&result.messages).unwrap()
    };
    let budget = prompt("budget-overview").await;
    assert!(budget.contains("Ryokan Sakura") && budget.contains("480.00"), "{budget}");
    assert!(!budget.contains("Rain poncho"), "the budget prompt carries no packing list");
    let packing = prompt("packing-list").await;
    assert!(packing.contains("Rain poncho") && packing.contains("2027-04-02"), "{packing}");
    assert!(!packing.contains("Ryokan Sakura"), "the packing prompt carries no budget");
    let summary = prompt("trip-summary").await;
    assert!(summary.contains("Rain poncho") && summary.contains("Ryokan Sakura"));

    // A changed trip changes the next rendering: nothing is cached.
    call("create_packing_item", json!({"trip_id": id, "name": "Hand warmers", "category": "Clothes"})).await;
    assert!(prompt("packing-list").await.contains("Hand warmers"));
    // Bad arguments are protocol errors naming the argument.
    let missing = client.get_prompt(rmcp::model::GetPromptRequestParams::new("packing-list")).await;
    assert!(format!("{missing:?}").contains("trip_id"), "{missing:?}");
    client.cancel().await.unwrap();
    t.stop().await;
}
