//! The add-on switch on the real server: an add-on switched off disappears from MCP tools,
//! resources and `/api/ops`, calls to its tools are refused with a clear error, live MCP
//! sessions end on the toggle; the owner API validates names; `trek addons` round-trips through
//! the shared data dir and a running server honours it at once.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::{TestServer, error_code, expect_status, rpc_result, trek_bin};

const COLLAB_OPS: usize = 9;

async fn rpc(t: &TestServer, token: &str, session: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
    rpc_result(t.mcp_post(Some(token), Some(session), body).await).await
}

async fn tool_names(t: &TestServer, token: &str, session: &str) -> Vec<String> {
    let list = rpc(t, token, session, "tools/list", json!({})).await;
    list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn template_uris(t: &TestServer, token: &str, session: &str) -> Vec<String> {
    let list = rpc(t, token, session, "resources/templates/list", json!({})).await;
    list["result"]["resourceTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uriTemplate"].as_str().unwrap().to_owned())
        .collect()
}

async fn ui_op_names(t: &TestServer, owner: &str) -> Vec<String> {
    let body =
        expect_status(t.http.get(t.url("/api/ops")).header("cookie", owner).send().await.unwrap(), 200).await;
    let ops: Vec<Value> = serde_json::from_str(&body).unwrap();
    ops.iter().map(|o| o["name"].as_str().unwrap().to_owned()).collect()
}

async fn switch(t: &TestServer, owner: &str, name: &str, enabled: bool) -> reqwest::Response {
    t.http
        .put(t.url(&format!("/api/settings/addons/{name}")))
        .header("cookie", owner)
        .json(&json!({ "enabled": enabled }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn switching_collab_off_hides_it_everywhere_refuses_calls_and_ends_sessions() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let token = t.machine_token("trips:write collab:write", None).await;
    let session = t.mcp_session(&token).await;
    let user = trek::store::owner::UserId(1);

    let tools = tool_names(&t, &token, &session).await;
    assert!(
        tools.iter().any(|n| n == "list_collab_polls") && tools.iter().any(|n| n == "send_collab_message")
    );
    assert!(
        template_uris(&t, &token, &session).await.iter().any(|u| u == "trek://trips/{tripId}/collab/polls")
    );
    assert!(ui_op_names(&t, &owner).await.iter().any(|n| n == "vote_collab_poll"));
    let created = rpc(
        &t,
        &token,
        &session,
        "tools/call",
        json!({"name": "create_trip", "arguments": {"title": "Kyoto"}}),
    )
    .await;
    let trip = created["result"]["structuredContent"]["id"].as_i64().unwrap();

    let listed: Vec<Value> = serde_json::from_str(
        &expect_status(
            t.http.get(t.url("/api/settings/addons")).header("cookie", &owner).send().await.unwrap(),
            200,
        )
        .await,
    )
    .unwrap();
    let collab = listed.iter().find(|a| a["name"] == "collab").unwrap();
    assert_eq!(
        (collab["enabled"].as_bool(), collab["operations"].as_u64()),
        (Some(true), Some(COLLAB_OPS as u64))
    );

    assert_eq!(t.server.mcp().sessions.count_for(user), 1);
    let body = expect_status(switch(&t, &owner, "collab", false).await, 200).await;
    let after: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(after.iter().find(|a| a["name"] == "collab").unwrap()["enabled"], false);
    assert_eq!(t.server.mcp().sessions.count_for(user), 0, "the toggle ended the live session");
    let stale = t
        .mcp_post(Some(&token), Some(&session), json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .await;
    assert_eq!(stale.status(), 404, "the ended session is unknown, so the client re-initializes");

    let session = t.mcp_session(&token).await;
    let tools = tool_names(&t, &token, &session).await;
    assert!(!tools.iter().any(|n| n.contains("collab_poll") || n.contains("collab_message")), "{tools:?}");
    assert!(tools.iter().any(|n| n == "list_collab_notes"), "collab notes are core, not the add-on");
    assert!(!template_uris(&t, &token, &session).await.iter().any(|u| u.contains("/collab/")));
    assert!(!ui_op_names(&t, &owner).await.iter().any(|n| n.contains("collab_poll")));

    let call = rpc(
        &t,
        &token,
        &session,
        "tools/call",
        json!({"name": "list_collab_polls", "arguments": {"trip_id": trip}}),
    )
    .await;
    assert_eq!(call["result"]["isError"], true);
    let text = call["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("collab add-on is switched off") && text.contains("trek addons enable collab"),
        "{text}"
    );
    let read = rpc(
        &t,
        &token,
        &session,
        "resources/read",
        json!({"uri": format!("trek://trips/{trip}/collab/polls")}),
    )
    .await;
    assert!(read["error"]["message"].as_str().unwrap().contains("switched off"), "{read}");
    let ui_call = t
        .http
        .post(t.url("/api/ops/list_collab_polls"))
        .header("cookie", &owner)
        .json(&json!({"trip_id": trip}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(&expect_status(ui_call, 403).await), "addon_disabled");

    // Unknown names and bad bodies change nothing.
    assert_eq!(
        error_code(&expect_status(switch(&t, &owner, "mcp", false).await, 404).await),
        "unknown_addon"
    );
    let bad = t
        .http
        .put(t.url("/api/settings/addons/atlas"))
        .header("cookie", &owner)
        .json(&json!({"enabled": "no"}))
        .send()
        .await
        .unwrap();
    assert!(bad.status().is_client_error());
    let listed: Vec<Value> = serde_json::from_str(
        &expect_status(
            t.http.get(t.url("/api/settings/addons")).header("cookie", &owner).send().await.unwrap(),
            200,
        )
        .await,
    )
    .unwrap();
    let states: Vec<(&str, bool)> =
        listed.iter().map(|a| (a["name"].as_str().unwrap(), a["enabled"].as_bool().unwrap())).collect();
    assert_eq!(states, [("atlas", true), ("collab", false), ("vacay", true), ("journeys", true)]);
    // The switch needs the owner.
    assert_eq!(
        t.http
            .put(t.url("/api/settings/addons/collab"))
            .json(&json!({"enabled": true}))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    expect_status(switch(&t, &owner, "collab", true).await, 200).await;
    let session = t.mcp_session(&token).await;
    let call = rpc(
        &t,
        &token,
        &session,
        "tools/call",
        json!({"name": "list_collab_polls", "arguments": {"trip_id": trip}}),
    )
    .await;
    assert_eq!(call["result"]["structuredContent"], json!({"polls": []}));
    t.stop().await;
}

fn trek(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(trek_bin())
        .args(args)
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .unwrap()
}

fn states(data_dir: &std::path::Path) -> Vec<(String, bool)> {
    let out = trek(data_dir, &["addons", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter().map(|r| (r["name"].as_str().unwrap().to_owned(), r["enabled"].as_bool().unwrap())).collect()
}

#[tokio::test]
async fn cli_round_trip_is_honoured_by_the_running_server() {
    let t = TestServer::start().await;
    let dir = t.data_dir().to_path_buf();
    let token = t.machine_token("collab:read", None).await;
    assert!(states(&dir).iter().all(|(_, on)| *on), "all on by default");

    let out = trek(&dir, &["addons", "disable", "Collab"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("collab") && l.contains("off")), "{text}");
    assert_eq!(
        states(&dir).iter().filter(|(_, on)| !on).map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["collab"]
    );
    // The running server sees it on the next tools/list (its sessions end at the next sweep).
    let session = t.mcp_session(&token).await;
    assert!(!tool_names(&t, &token, &session).await.iter().any(|n| n == "list_collab_polls"));

    let out = trek(&dir, &["addons", "disable", "--all"]);
    assert!(out.status.success());
    assert!(states(&dir).iter().all(|(_, on)| !on));
    let out = trek(&dir, &["addons", "enable", "--all"]);
    assert!(out.status.success());
    assert!(states(&dir).iter().all(|(_, on)| *on));
    let session = t.mcp_session(&token).await;
    assert!(tool_names(&t, &token, &session).await.iter().any(|n| n == "list_collab_polls"));

    let out = trek(&dir, &["addons", "enable", "mcp"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no add-on named \"mcp\"") && err.contains("atlas, collab, vacay, journeys"),
        "{err}"
    );
    assert!(!trek(&dir, &["addons", "disable"]).status.success(), "a name or --all is required");
    assert!(!trek(&dir, &["addons", "disable", "collab", "--all"]).status.success(), "not both");
    assert!(states(&dir).iter().all(|(_, on)| *on), "failed commands changed nothing");
    t.stop().await;
}
