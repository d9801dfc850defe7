//! Soak: 20 MCP sessions of mixed traffic (reads, writes, resources) with refresh-token
//! rotation for a bounded time, then idle expiry. Its own test binary, so the process's RSS and
//! open file descriptors are this server's and its 20 clients' only.
//!
//! Duration: `TREK_SOAK_SECONDS` (default 60 in CI, 15 elsewhere). The long run:
//! `TREK_SOAK_SECONDS=600 cargo test --release --test soak -- --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use trek::clock::ManualClock;
use trek::config::MCP_SESSION_IDLE;

use support::{OAuthDriver, TestServer, rpc_result};

const SESSIONS: usize = 20;
/// Each session rotates its tokens after this many calls.
const CALLS_PER_REFRESH: u64 = 40;
/// RSS may grow this much between the end of warm-up and the end (caches, SQLite pages).
const RSS_GROWTH_MAX_KB: u64 = 48 * 1024;
/// Open descriptors may differ this much (connection pool churn), never grow with time.
const FD_GROWTH_MAX: usize = 8;
const REDIRECT: &str = "http://127.0.0.1:49152/callback";

fn duration() -> Duration {
    let default = if std::env::var_os("CI").is_some() { 60 } else { 15 };
    let seconds = std::env::var("TREK_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
    Duration::from_secs(seconds)
}

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

struct Client {
    client_id: String,
    access: String,
    refresh: String,
    session: String,
    trip: i64,
}

#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    errors: AtomicU64,
    refreshes: AtomicU64,
}

async fn call(t: &TestServer, c: &Client, id: u64, method: &str, params: Value) -> Result<Value, String> {
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let response = t.mcp_post(Some(&c.access), Some(&c.session), body).await;
    if response.status() != 200 {
        return Err(format!("{method}: HTTP {}", response.status()));
    }
    let message = rpc_result(response).await;
    if message.get("error").is_some() || message["result"]["isError"] == true {
        return Err(format!("{method}: {message}"));
    }
    Ok(message["result"].clone())
}

fn tool(name: &str, arguments: Value) -> Value {
    json!({"name": name, "arguments": arguments})
}

/// One session's loop: a mix weighted towards reads, a write every few calls, a rotation every
/// `CALLS_PER_REFRESH` calls, until `until`.
async fn work(
    t: &TestServer,
    oauth: &OAuthDriver<'_>,
    mut c: Client,
    until: Instant,
    counters: &Counters,
) -> Client {
    let mut n: u64 = 0;
    while Instant::now() < until {
        n += 1;
        let trip = c.trip;
        let result = match n % 8 {
            0 => {
                call(
                    t,
                    &c,
                    n,
                    "tools/call",
                    tool("create_packing_item", json!({"trip_id": trip, "name": format!("Item {n}")})),
                )
                .await
            }
            1 => {
                call(
                    t,
                    &c,
                    n,
                    "tools/call",
                    tool(
                        "create_place",
                        json!({"trip_id": trip, "name": format!("Place {n}"), "lat": 35.0, "lng": 135.7}),
                    ),
                )
                .await
            }
            2 | 5 => call(t, &c, n, "tools/call", tool("get_trip_summary", json!({"trip_id": trip}))).await,
            3 => {
                call(t, &c, n, "resources/read", json!({"uri": format!("trek://trips/{trip}/packing")})).await
            }
            4 => {
                call(
                    t,
                    &c,
                    n,
                    "tools/call",
                    tool("list_places", json!({"trip_id": trip, "search": "Place 1"})),
                )
                .await
            }
            _ => call(t, &c, n, "tools/call", tool("list_trips", json!({}))).await,
        };
        counters.calls.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = result {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("soak error: {e}");
        }
        if n.is_multiple_of(CALLS_PER_REFRESH) {
            let response = oauth.refresh(&c.client_id, &c.refresh).await;
            assert_eq!(response.status(), 200, "refresh failed");
            let tokens: Value = response.json().await.unwrap();
            c.access = tokens["access_token"].as_str().unwrap().to_owned();
            c.refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
            counters.refreshes.fetch_add(1, Ordering::Relaxed);
        }
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_sessions_of_mixed_traffic_leave_no_errors_leaks_or_stale_state() {
    let clock = ManualClock::at(1_900_000_000);
    let t = TestServer::start_configured(None, Some(Arc::clone(&clock)), |c| {
        c.mcp_rate_limit = u32::MAX;
        c.mcp_max_sessions_per_user = SESSIONS;
    })
    .await;
    let oauth = OAuthDriver::new(&t).await;
    let mut clients = Vec::new();
    for i in 0..SESSIONS {
        let scope = "trips:read trips:write places:read places:write packing:read packing:write";
        let (client_id, verifier, code) = oauth.code_for(REDIRECT, scope).await;
        let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let session = t.mcp_session(&access).await;
        let mut c = Client {
            client_id,
            access,
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
            session,
            trip: 0,
        };
        let created =
            call(&t, &c, 1, "tools/call", tool("create_trip", json!({"title": format!("Soak {i}")})))
                .await
                .unwrap();
        c.trip = created["structuredContent"]["id"].as_i64().unwrap();
        clients.push(c);
    }

    let total = duration();
    let counters = Arc::new(Counters::default());
    // Warm-up: a tenth of the time, so caches and pools reach their working size.
    let warm_until = Instant::now() + total / 10;
    let warm: Vec<Client> = futures_util::future::join_all(
        clients.into_iter().map(|c| work(&t, &oauth, c, warm_until, &counters)),
    )
    .await;
    let (rss_start, fds_start) = (rss_kb(), open_fds());
    let calls_before = counters.calls.load(Ordering::Relaxed);
    let started = Instant::now();
    let until = started + total - total / 10;
    let clients: Vec<Client> =
        futures_util::future::join_all(warm.into_iter().map(|c| work(&t, &oauth, c, until, &counters))).await;
    let elapsed = started.elapsed().as_secs_f64();
    let (rss_end, fds_end) = (rss_kb(), open_fds());
    let calls = counters.calls.load(Ordering::Relaxed) - calls_before;
    let errors = counters.errors.load(Ordering::Relaxed);
    println!(
        "soak: {SESSIONS} sessions, {calls} calls in {elapsed:.0} s ({:.0}/s), {} refreshes, {errors} errors; \
         RSS {} → {} MB; open fds {fds_start} → {fds_end}",
        calls as f64 / elapsed,
        counters.refreshes.load(Ordering::Relaxed),
        rss_start / 1024,
        rss_end / 1024,
    );
    assert_eq!(errors, 0, "calls failed during the soak");
    assert!(calls > SESSIONS as u64 * 10, "too little traffic to mean anything: {calls} calls");
    assert!(rss_end <= rss_start + RSS_GROWTH_MAX_KB, "RSS grew from {rss_start} kB to {rss_end} kB");
    assert!(fds_end <= fds_start + FD_GROWTH_MAX, "open descriptors grew from {fds_start} to {fds_end}");

    // Past the idle limit and every access token's life: sessions are swept, and the next
    // rotation deletes the expired tokens.
    let sessions = &t.server.mcp().sessions;
    // `sweep_idle` ends idle sessions and returns the grants of those still live.
    assert_eq!(sessions.sweep_idle().await.len(), SESSIONS, "every session is live before the idle limit");
    clock.advance(MCP_SESSION_IDLE.as_secs() as i64 + 60);
    assert_eq!(sessions.sweep_idle().await, Vec::<String>::new(), "no session outlives the idle limit");
    let last = &clients[0];
    let stale = t
        .mcp_post(
            Some(&last.access),
            Some(&last.session),
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        )
        .await;
    assert_eq!(stale.status(), 401, "an expired access token is refused");
    let response = oauth.refresh(&last.client_id, &last.refresh).await;
    assert_eq!(response.status(), 200);
    let db = rusqlite::Connection::open(t.db_path()).unwrap();
    let expired: i64 = db
        .query_row(
            "SELECT count(*) FROM oauth_tokens WHERE expires_at <= ?1",
            [1_900_000_000_i64 + MCP_SESSION_IDLE.as_secs() as i64 + 60],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(expired, 0, "expired tokens are deleted");
    t.stop().await;
}
