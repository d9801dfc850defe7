//! Crash safety of the real `trek serve` (issue 10, suite 6): writers make many small
//! `create_packing_item` calls over `/mcp`, the server gets SIGKILL mid-stream and is started
//! again on the same data dir without any repair; every call that returned success is in
//! `get_trip_summary`, and `trek db check` (`PRAGMA integrity_check`) says ok before and after.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use crate::support::{client, expect_status, free_port, trek_bin};

const WRITERS: usize = 3;
/// Upper bound per writer; the kill comes long before.
const CALLS_PER_WRITER: usize = 300;
/// Successful calls to see before the kill.
const KILL_AFTER: usize = 60;
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// `trek serve` as a child process; killed on drop.
struct Serve(Child);

impl Serve {
    async fn start(data_dir: &Path, port: u16) -> Self {
        let child = Command::new(trek_bin())
            .args(["serve", "--port", &port.to_string()])
            .env("TREK_DATA_DIR", data_dir)
            .env_remove("TREK_PORT")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut serve = Self(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let up = client().get(format!("http://127.0.0.1:{port}/healthz")).send().await;
            if up.is_ok_and(|r| r.status() == 200) {
                return serve;
            }
            assert!(serve.0.try_wait().unwrap().is_none(), "trek serve exited before answering /healthz");
            assert!(Instant::now() < deadline, "trek serve did not answer /healthz within 20 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn trek(data_dir: &Path, args: &[&str]) -> String {
    let output = Command::new(trek_bin()).args(args).env("TREK_DATA_DIR", data_dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "trek {args:?} failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

async fn connect(port: u16, token: &str) -> RunningService<RoleClient, ()> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("http://127.0.0.1:{port}/mcp"))
            .auth_header(token.to_owned()),
    );
    ().serve(transport).await.unwrap()
}

/// A tool call bounded in time: `Some(structured result)` only when it returned success.
async fn call(client: &RunningService<RoleClient, ()>, tool: &str, arguments: Value) -> Option<Value> {
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments.as_object()?.clone());
    let result = tokio::time::timeout(CALL_TIMEOUT, client.call_tool(params)).await.ok()?.ok()?;
    if result.is_error == Some(true) {
        return None;
    }
    result.structured_content
}

#[tokio::test]
async fn sigkill_mid_stream_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Serve::start(dir.path(), port).await;

    let created: Value = serde_json::from_str(&trek(
        dir.path(),
        &["client", "create", "--name", "crash writer", "--machine", "--scopes", "trips:write,packing:write"],
    ))
    .unwrap();
    let (id, secret) = (created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap());
    let response = client()
        .post(format!("http://127.0.0.1:{port}/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let tokens: Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();

    let setup = connect(port, &token).await;
    let trip = call(&setup, "create_trip", json!({"title": "Crash test"})).await.expect("create_trip");
    let trip_id = trip["id"].as_i64().unwrap();

    // Writers record a name only after the server said the call succeeded.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (acknowledged, token) = (acknowledged.clone(), token.clone());
        writers.push(tokio::spawn(async move {
            let me = connect(port, &token).await;
            for i in 0..CALLS_PER_WRITER {
                let name = format!("item {w}-{i}");
                let args = json!({"trip_id": trip_id, "name": name, "category": format!("Writer {w}")});
                match call(&me, "create_packing_item", args).await {
                    Some(_) => acknowledged.lock().unwrap().push(name),
                    None => break, // the server is gone
                }
            }
            let _ = tokio::time::timeout(Duration::from_secs(2), me.cancel()).await;
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < KILL_AFTER {
        assert!(Instant::now() < deadline, "writers made too few calls in 60 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.0.kill().unwrap(); // SIGKILL: no shutdown path runs
    server.0.wait().unwrap();
    let killed_at = acknowledged.lock().unwrap().len();
    for writer in writers {
        tokio::time::timeout(Duration::from_secs(30), writer).await.expect("writer ends").unwrap();
    }
    drop(setup);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= killed_at, "the kill came mid-stream");
    assert!(
        acknowledged.len() < WRITERS * CALLS_PER_WRITER,
        "the writers finished before the kill: not a mid-stream crash"
    );

    // The file left by the crash is consistent before anything repairs it.
    assert_eq!(trek(dir.path(), &["db", "check"]).trim(), "ok");

    // Started again as is, on the same data dir and port: the old token still works.
    let _server = Serve::start(dir.path(), port).await;
    let reader = connect(port, &token).await;
    let summary = call(&reader, "get_trip_summary", json!({"trip_id": trip_id})).await.expect("summary");
    let stored: Vec<&str> =
        summary["packing"]["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|n| !stored.contains(&n.as_str())).collect();
    assert!(lost.is_empty(), "acknowledged writes lost by the crash: {lost:?}");
    // At most the calls in flight at the kill (one per writer) committed without an answer.
    assert!(
        stored.len() <= acknowledged.len() + WRITERS,
        "{} stored for {} acknowledged",
        stored.len(),
        acknowledged.len()
    );
    assert_eq!(trek(dir.path(), &["db", "check"]).trim(), "ok");
    let _ = reader.cancel().await;
}
