//! Public access (issue 8) with a stand-in for cloudflared (`support/cloudflared_standin.py`:
//! cloudflared's log lines, a random trycloudflare.com URL, and a relay on 127.0.0.1 that keeps
//! the Host header). Covers: start, URL learned, health-checked, stop; crash → restart with
//! backoff, giving up with the reason from the output; a missing binary; quit → no orphan
//! (in-process and the real `trek serve --tunnel`); public-host isolation through the relay;
//! audience separation; a full OAuth flow through the public host with the consent approved on
//! loopback; attacks: Host spoofing variants, X-Forwarded-* ignored, the pending-consent cap and
//! the stricter public rate limits; a tunnel that stops carrying traffic while its process lives
//! is noticed by the probes and restarted; public access comes back after a relaunch unless the
//! owner stopped it; share links on the public host only with the owner's switch on.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use trek::config::{
    MAX_PUBLIC_PENDING_CONSENTS, PUBLIC_REGISTER_RATE_PER_HOUR, PUBLIC_TOKEN_RATE_PER_MINUTE,
};
use trek::tunnel::{Timing, TunnelStatus};

use crate::support::{
    OAuthDriver, TestServer, error_code, expect_status, free_port, pkce_pair, query_of, rpc_result,
};

/// Short durations so restarts and health checks take milliseconds, not seconds.
fn fast() -> Timing {
    Timing {
        backoff_first: Duration::from_millis(100),
        backoff_max: Duration::from_millis(400),
        max_failures: 4,
        stable_after: Duration::from_secs(60),
        url_wait: Duration::from_secs(10),
        health_attempts: 50,
        health_interval: Duration::from_millis(100),
        health_timeout: Duration::from_secs(2),
        stop_grace: Duration::from_secs(2),
        watch_interval: Duration::from_millis(200),
        watch_max_misses: 3,
    }
}

/// Longest wait for any status change in these tests.
const STATUS_WAIT: Duration = Duration::from_secs(20);

fn standin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/cloudflared_standin.py")
}

/// A `cloudflared` in `dir` that runs the stand-in with its relay on `relay` and `env` set.
fn fake_cloudflared(dir: &Path, relay: u16, env: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("cloudflared");
    let script = format!(
        "#!/bin/sh\nSTANDIN_RELAY_PORT={relay} {env} exec python3 '{}' \"$@\"\n",
        standin().display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn is_alive(pid: u32) -> bool {
    // A reaped process has no /proc entry; a zombie would still have one (and count as an orphan).
    Path::new(&format!("/proc/{pid}")).exists()
}

/// A server whose tunnel is the stand-in, with the owner logged in.
struct Public {
    t: TestServer,
    owner: String,
    relay: u16,
    _bin_dir: tempfile::TempDir,
    cloudflared: PathBuf,
}

/// The test configuration: fast timing, health checks through the stand-in's relay.
fn through_relay(c: &mut trek::Config, relay: u16) {
    c.tunnel_timing = fast();
    c.tunnel_health_via = Some(url::Url::parse(&format!("http://127.0.0.1:{relay}")).unwrap());
}

impl Public {
    async fn new(env: &str) -> Self {
        let relay = free_port();
        let bin_dir = tempfile::tempdir().unwrap();
        let cloudflared = fake_cloudflared(bin_dir.path(), relay, env);
        let t = TestServer::start_configured(None, None, |c| through_relay(c, relay)).await;
        let owner = t.owner_cookie().await;
        let this = Self { t, owner, relay, _bin_dir: bin_dir, cloudflared };
        let saved = this
            .owner_send(
                reqwest::Method::PUT,
                "/api/tunnel",
                Some(json!({ "provider": { "kind": "quick" }, "cloudflared": this.cloudflared })),
            )
            .await;
        expect_status(saved, 200).await;
        this
    }

    async fn owner_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.t.http.request(method, self.t.url(path)).header("cookie", &self.owner);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn start(&self) -> (String, u32) {
        expect_status(self.owner_send(reqwest::Method::POST, "/api/tunnel/start", None).await, 202).await;
        match self.wait(|s| matches!(s, TunnelStatus::Up { .. })).await {
            TunnelStatus::Up { url, pid, .. } => (url, pid),
            other => unreachable!("{other:?}"),
        }
    }

    async fn wait(&self, done: impl Fn(&TunnelStatus) -> bool) -> TunnelStatus {
        let mut status = self.t.server.tunnel().subscribe();
        let found = tokio::time::timeout(STATUS_WAIT, status.wait_for(|s| done(s))).await;
        match found {
            Ok(Ok(s)) => s.clone(),
            _ => panic!(
                "tunnel status never matched; last {:?}, log {:#?}",
                self.t.server.tunnel().status(),
                self.t.server.tunnel().log_tail()
            ),
        }
    }

    /// A request through the stand-in's relay, as a hosted client sends it to the public URL.
    fn public(&self, method: reqwest::Method, host: &str, path: &str) -> reqwest::RequestBuilder {
        self.t.http.request(method, format!("http://127.0.0.1:{}{path}", self.relay)).header("host", host)
    }
}

/// `Public::wait` for any server's tunnel.
async fn wait_on(tunnel: &trek::tunnel::Tunnel, done: impl Fn(&TunnelStatus) -> bool) -> TunnelStatus {
    let mut status = tunnel.subscribe();
    match tokio::time::timeout(STATUS_WAIT, status.wait_for(|s| done(s))).await {
        Ok(Ok(s)) => s.clone(),
        _ => panic!("tunnel status never matched; last {:?}, log {:#?}", tunnel.status(), tunnel.log_tail()),
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url).unwrap().host_str().unwrap().to_owned()
}

#[tokio::test]
async fn quick_tunnel_learns_its_url_goes_up_and_stops_without_an_orphan() {
    let p = Public::new("").await;
    let (url, pid) = p.start().await;
    let host = host_of(&url);
    assert!(host.ends_with(".trycloudflare.com") && url == format!("https://{host}"), "{url}");
    assert!(is_alive(pid));

    // The owner sees the URL to paste, the note about quick tunnels and cloudflared's own lines.
    let view: Value = serde_json::from_str(
        &expect_status(p.owner_send(reqwest::Method::GET, "/api/tunnel", None).await, 200).await,
    )
    .unwrap();
    assert_eq!(view["status"]["state"], "up");
    assert_eq!(view["status"]["mcp_url"], format!("{url}/mcp"));
    assert_eq!(view["url_changes_each_start"], true);
    assert!(
        view["log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("Your quick Tunnel has been created"))
    );
    let status: Value = serde_json::from_str(
        &expect_status(p.owner_send(reqwest::Method::GET, "/api/status", None).await, 200).await,
    )
    .unwrap();
    assert_eq!(status["public_url"], format!("{url}/mcp"));
    // The Claude.ai preset shows the exact URL to paste.
    let claude_url = || async {
        let presets = p.owner_send(reqwest::Method::GET, "/api/oauth/presets", None).await;
        let presets: Value = serde_json::from_str(&expect_status(presets, 200).await).unwrap();
        presets.as_array().unwrap().iter().find(|p| p["id"] == "claude-ai").unwrap()["mcp_url"].clone()
    };
    assert_eq!(claude_url().await, format!("{url}/mcp"));

    // Discovery through the tunnel names the https public origin.
    let prm = p
        .public(reqwest::Method::GET, &host, "/.well-known/oauth-protected-resource/mcp")
        .send()
        .await
        .unwrap();
    let prm: Value = serde_json::from_str(&expect_status(prm, 200).await).unwrap();
    assert_eq!(prm["resource"], format!("{url}/mcp"));
    assert_eq!(prm["authorization_servers"][0], url);

    let stopped = p.owner_send(reqwest::Method::POST, "/api/tunnel/stop", None).await;
    let stopped: Value = serde_json::from_str(&expect_status(stopped, 200).await).unwrap();
    assert_eq!(stopped["status"]["state"], "stopped");
    assert!(!is_alive(pid), "the tunnel process {pid} outlived stop");
    assert!(claude_url().await.is_null(), "no public URL to paste while public access is off");
    // The public host is foreign again.
    let response = p.t.http.get(p.t.url("/mcp")).header("host", &host).send().await.unwrap();
    assert_eq!(error_code(&expect_status(response, 421).await), "invalid_host");
    p.t.stop().await;
}

#[tokio::test]
async fn server_shutdown_takes_the_tunnel_process_with_it() {
    let p = Public::new("").await;
    let (_, pid) = p.start().await;
    p.t.stop().await;
    assert!(!is_alive(pid), "the tunnel process {pid} is an orphan after shutdown");
}

#[tokio::test]
async fn a_crashed_tunnel_restarts_after_the_backoff_with_a_new_url() {
    let p = Public::new("").await;
    let (url, pid) = p.start().await;
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let failed = p.wait(|s| matches!(s, TunnelStatus::Failed { .. })).await;
    let TunnelStatus::Failed { reason, attempt, retry_in_ms } = failed else { unreachable!() };
    assert!(reason.contains("exited"), "{reason}");
    assert_eq!((attempt, retry_in_ms), (1, Some(100)));
    let (new_url, new_pid) = match p.wait(|s| matches!(s, TunnelStatus::Up { .. })).await {
        TunnelStatus::Up { url, pid, .. } => (url, pid),
        _ => unreachable!(),
    };
    assert_ne!(new_pid, pid);
    assert_ne!(new_url, url, "a quick tunnel gets a new URL on every start");
    // The old public host is no longer ours; the new one is.
    let old = p.t.http.get(p.t.url("/mcp")).header("host", host_of(&url)).send().await.unwrap();
    assert_eq!(old.status(), 421);
    let new = p
        .public(reqwest::Method::GET, &host_of(&new_url), "/.well-known/oauth-authorization-server")
        .send()
        .await
        .unwrap();
    let meta: Value = serde_json::from_str(&expect_status(new, 200).await).unwrap();
    assert_eq!(meta["issuer"], new_url);
    p.t.stop().await;
    assert!(!is_alive(new_pid));
}

#[tokio::test]
async fn a_tunnel_that_keeps_failing_backs_off_doubling_then_gives_up_with_its_reason() {
    let p = Public::new("STANDIN_FAIL=1").await;
    let mut status = p.t.server.tunnel().subscribe();
    let began = std::time::Instant::now();
    expect_status(p.owner_send(reqwest::Method::POST, "/api/tunnel/start", None).await, 202).await;
    let mut waits = Vec::new();
    let last = tokio::time::timeout(STATUS_WAIT, async {
        loop {
            status.changed().await.unwrap();
            let current = status.borrow_and_update().clone();
            if let TunnelStatus::Failed { retry_in_ms, .. } = &current {
                match retry_in_ms {
                    Some(ms) => waits.push(*ms),
                    None => break current,
                }
            }
        }
    })
    .await
    .expect("the supervisor gave up within the bounded wait");
    assert_eq!(waits, [100, 200, 400], "backoff doubles, capped at the maximum");
    assert!(began.elapsed() >= Duration::from_millis(700), "the supervisor waited out each backoff");
    let TunnelStatus::Failed { reason, attempt, .. } = last else { unreachable!() };
    assert_eq!(attempt, 4);
    assert!(reason.contains("failed to request quick Tunnel"), "the reason is cloudflared's own: {reason}");
    assert!(reason.contains("gave up after 4 attempts"), "{reason}");
    let view: Value = serde_json::from_str(
        &expect_status(p.owner_send(reqwest::Method::GET, "/api/tunnel", None).await, 200).await,
    )
    .unwrap();
    assert_eq!(view["status"]["state"], "failed");
    assert!(view["status"].get("retry_in_ms").is_none_or(Value::is_null));
    p.t.stop().await;
}

#[tokio::test]
async fn missing_cloudflared_is_refused_with_install_instructions() {
    let p = Public::new("").await;
    let saved = p
        .owner_send(
            reqwest::Method::PUT,
            "/api/tunnel",
            Some(json!({ "provider": { "kind": "quick" }, "cloudflared": "/nonexistent/cloudflared" })),
        )
        .await;
    expect_status(saved, 200).await;
    let body = expect_status(p.owner_send(reqwest::Method::POST, "/api/tunnel/start", None).await, 409).await;
    assert_eq!(error_code(&body), "not_installed");
    assert!(body.contains("cloudflared was not found at /nonexistent/cloudflared"), "{body}");
    assert!(body.contains(trek::tunnel::install_hint()), "{body}");
    assert!(matches!(p.t.server.tunnel().status(), TunnelStatus::Failed { retry_in_ms: None, .. }));
    p.t.stop().await;
}

#[tokio::test]
async fn bad_tunnel_settings_are_refused_and_change_nothing() {
    let p = Public::new("").await;
    for (body, field) in [
        (json!({ "provider": { "kind": "named", "hostname": "trek.example.com" } }), "token:"),
        (
            json!({ "provider": { "kind": "named", "hostname": "https://x.example" }, "token": "abc" }),
            "hostname:",
        ),
        (json!({ "provider": { "kind": "custom", "command": "ngrok http {port}" } }), "url:"),
        (json!({ "provider": { "kind": "custom", "command": "ngrok", "url_pattern": "(" } }), "url_pattern:"),
        (json!({ "provider": { "kind": "quick" }, "token": "two words" }), "token:"),
    ] {
        let response = p.owner_send(reqwest::Method::PUT, "/api/tunnel", Some(body.clone())).await;
        let text = expect_status(response, 400).await;
        let message: Value = serde_json::from_str(&text).unwrap();
        assert!(message["message"].as_str().unwrap().starts_with(field), "{body}: {text}");
    }
    let view: Value = serde_json::from_str(
        &expect_status(p.owner_send(reqwest::Method::GET, "/api/tunnel", None).await, 200).await,
    )
    .unwrap();
    assert_eq!(view["settings"]["provider"]["kind"], "quick", "the saved settings are unchanged");
    assert_eq!(view["has_token"], false);
    // A saved token is never shown back.
    let saved = p
        .owner_send(
            reqwest::Method::PUT,
            "/api/tunnel",
            Some(json!({ "provider": { "kind": "named", "hostname": "trek.example.com" }, "token": "eyJzZWNyZXQiOjF9" })),
        )
        .await;
    let text = expect_status(saved, 200).await;
    assert!(!text.contains("eyJzZWNyZXQiOjF9"), "{text}");
    assert!(text.contains("\"has_token\":true"), "{text}");
    p.t.stop().await;
}

#[tokio::test]
async fn named_tunnel_uses_the_entered_hostname_and_passes_the_token_in_the_environment() {
    let p = Public::new("").await;
    let saved = p
        .owner_send(
            reqwest::Method::PUT,
            "/api/tunnel",
            Some(json!({ "provider": { "kind": "named", "hostname": "Trek.Example.com" }, "token": "eyJ0IjoidHVubmVsIn0", "cloudflared": p.cloudflared })),
        )
        .await;
    expect_status(saved, 200).await;
    let (url, pid) = p.start().await;
    assert_eq!(url, "https://trek.example.com");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    assert!(environ.split(|b| *b == 0).any(|v| v == b"TUNNEL_TOKEN=eyJ0IjoidHVubmVsIn0"));
    let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(!cmdline.contains("eyJ0IjoidHVubmVsIn0"), "the token is not on the command line: {cmdline}");
    let view = p.owner_send(reqwest::Method::GET, "/api/tunnel", None).await;
    let view: Value = serde_json::from_str(&expect_status(view, 200).await).unwrap();
    assert_eq!(view["url_changes_each_start"], false);
    p.t.stop().await;
    assert!(!is_alive(pid));
}

#[tokio::test]
async fn through_the_public_host_only_the_protocol_endpoints_exist() {
    let p = Public::new("").await;
    let (url, _) = p.start().await;
    let host = host_of(&url);
    use reqwest::Method;
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/login"),
        (Method::GET, "/healthz"),
        (Method::GET, "/ui/app.js"),
        (Method::GET, "/api/status"),
        (Method::GET, "/api/tunnel"),
        (Method::POST, "/api/tunnel/stop"),
        (Method::GET, "/api/oauth/consents"),
        (Method::GET, "/api/export"),
        (Method::GET, "/auth/launch?ticket=x"),
        (Method::POST, "/auth/login"),
        (Method::GET, "/share/abc"),
        (Method::GET, "/api/share/abc"),
    ] {
        // Even with the owner's cookie: the owner's side does not exist on the public host.
        let response = p.public(method.clone(), &host, path).header("cookie", &p.owner).send().await.unwrap();
        let body = expect_status(response, 404).await;
        assert_eq!(error_code(&body), "not_found", "{method} {path}");
    }
    assert!(
        matches!(p.t.server.tunnel().status(), TunnelStatus::Up { .. }),
        "the stop call did not reach the owner API"
    );

    let meta = p.public(Method::GET, &host, "/.well-known/oauth-authorization-server").send().await.unwrap();
    let meta: Value = serde_json::from_str(&expect_status(meta, 200).await).unwrap();
    assert_eq!(meta["issuer"], url);
    assert_eq!(meta["token_endpoint"], format!("{url}/oauth/token"));
    let response = p.public(Method::POST, &host, "/mcp").json(&json!({})).send().await.unwrap();
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    expect_status(response, 401).await;
    assert!(challenge.contains(&format!("{url}/.well-known/oauth-protected-resource/mcp")), "{challenge}");
    p.t.stop().await;
}

#[tokio::test]
async fn tokens_minted_for_one_origin_are_refused_on_the_other() {
    let p = Public::new("").await;
    let (url, _) = p.start().await;
    let host = host_of(&url);
    let (id, secret) = p.t.machine_client("trips:read").await;
    let loopback_token = p.t.client_token(&id, &secret, None).await;
    let public_token = {
        let response = p
            .public(reqwest::Method::POST, &host, "/oauth/token")
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        let tokens: Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();
        tokens["access_token"].as_str().unwrap().to_owned()
    };
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let through_public = |token: String| {
        p.public(reqwest::Method::POST, &host, "/mcp")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .bearer_auth(token)
            .json(&list)
            .send()
    };
    let refused = through_public(loopback_token.clone()).await.unwrap();
    assert!(refused.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    expect_status(refused, 401).await;
    let refused = p.t.mcp_post(Some(&public_token), None, list.clone()).await;
    expect_status(refused, 401).await;
    // Each works on its own origin.
    let ok = p.t.mcp_post(Some(&loopback_token), None, list.clone()).await;
    assert_ne!(ok.status(), 401);
    let ok = through_public(public_token).await.unwrap();
    assert_ne!(ok.status(), 401);
    p.t.stop().await;
}

#[tokio::test]
async fn a_hosted_client_connects_through_the_tunnel_with_the_owner_approving_on_loopback() {
    let p = Public::new("").await;
    let (url, _) = p.start().await;
    let host = host_of(&url);
    use reqwest::Method;
    let redirect = "https://claude.ai/api/mcp/auth_callback";

    // Discovery → registration, as claude.ai does it, all through the public host.
    let prm = p.public(Method::GET, &host, "/.well-known/oauth-protected-resource/mcp").send().await.unwrap();
    let prm: Value = serde_json::from_str(&expect_status(prm, 200).await).unwrap();
    let issuer = prm["authorization_servers"][0].as_str().unwrap().to_owned();
    assert_eq!(issuer, url);
    let registered = p
        .public(Method::POST, &host, "/oauth/register")
        .json(&json!({ "redirect_uris": [redirect], "client_name": "Claude", "token_endpoint_auth_method": "none" }))
        .send()
        .await
        .unwrap();
    let registered: Value = serde_json::from_str(&expect_status(registered, 201).await).unwrap();
    let client_id = registered["client_id"].as_str().unwrap().to_owned();

    let (verifier, challenge) = pkce_pair();
    let authorize = p
        .public(Method::GET, &host, "/oauth/authorize")
        .query(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", redirect),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "trips:read trips:write"),
            ("state", "claude-state"),
            ("resource", &format!("{url}/mcp")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(authorize.status(), 303);
    let cookie_header = authorize.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie_header.contains("Secure"),
        "the consent cookie is Secure on the https origin: {cookie_header}"
    );
    let consent_cookie = cookie_header.split(';').next().unwrap().to_owned();
    let location = authorize.headers()["location"].to_str().unwrap().to_owned();
    let pending_id = location.rsplit('=').next().unwrap().to_owned();
    // The waiting page and its assets load through the public host.
    let page = p.public(Method::GET, &host, &location).send().await.unwrap();
    let page = expect_status(page, 200).await;
    assert!(page.contains("/ui/public/"), "{page}");

    // The owner approves on loopback; the public host cannot.
    let via_public = p
        .public(Method::POST, &host, &format!("/api/oauth/consents/{pending_id}/approve"))
        .header("cookie", &p.owner)
        .send()
        .await
        .unwrap();
    assert_eq!(via_public.status(), 404);
    let driver = OAuthDriver { t: &p.t, owner: p.owner.clone() };
    expect_status(driver.approve(&pending_id, None).await, 200).await;

    let polled = p
        .public(Method::GET, &host, &format!("/oauth/consent/status?id={pending_id}"))
        .header("cookie", &consent_cookie)
        .send()
        .await
        .unwrap();
    let polled: Value = serde_json::from_str(&expect_status(polled, 200).await).unwrap();
    let back = polled["location"].as_str().unwrap();
    assert!(back.starts_with(redirect), "{back}");
    let params = query_of(back);
    assert_eq!(params["iss"], url);
    assert_eq!(params["state"], "claude-state");

    let tokens = p
        .public(Method::POST, &host, "/oauth/token")
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &params["code"]),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    let tokens: Value = serde_json::from_str(&expect_status(tokens, 200).await).unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("trekoa_"));

    // MCP through the tunnel: a session, then a tool call that writes and one that reads it back.
    let mcp = |body: Value, session: Option<&str>| {
        let mut request = p
            .public(Method::POST, &host, "/mcp")
            .header("accept", "application/json, text/event-stream")
            .bearer_auth(&access)
            .json(&body);
        if let Some(session) = session {
            request = request.header("mcp-session-id", session).header("mcp-protocol-version", "2025-11-25");
        }
        request.send()
    };
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "claude-ai", "version": "1" } } });
    let response = mcp(init, None).await.unwrap();
    assert_eq!(response.status(), 200);
    let session = response.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let _ = response.text().await;
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    assert_eq!(mcp(initialized, Some(&session)).await.unwrap().status(), 202);
    let create = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "create_trip", "arguments": { "title": "Through the tunnel" } } });
    let created = rpc_result(mcp(create, Some(&session)).await.unwrap()).await;
    assert_eq!(created["result"]["structuredContent"]["title"], "Through the tunnel", "{created}");
    let list = json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "list_trips", "arguments": {} } });
    let listed = rpc_result(mcp(list, Some(&session)).await.unwrap()).await;
    assert!(listed.to_string().contains("Through the tunnel"), "{listed}");
    // The public token is no good on loopback.
    let on_loopback =
        p.t.mcp_post(Some(&access), None, json!({ "jsonrpc": "2.0", "id": 4, "method": "tools/list" })).await;
    assert_eq!(on_loopback.status(), 401);
    p.t.stop().await;
}

#[tokio::test]
async fn serve_with_a_quick_tunnel_leaves_no_orphan_after_sigterm() {
    let relay = free_port();
    let bin_dir = tempfile::tempdir().unwrap();
    let cloudflared = fake_cloudflared(bin_dir.path(), relay, "");
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut serve = std::process::Command::new(crate::support::trek_bin())
        .args(["serve", "--tunnel", "quick", "--cloudflared"])
        .arg(&cloudflared)
        .env("TREK_PORT", port.to_string())
        .env("TREK_DATA_DIR", data.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let trek_pid = serve.id();
    // The tunnel is the server's child, in its own process group, running cloudflared's command.
    let mut child = None;
    for _ in 0..200 {
        child = children_of(trek_pid).into_iter().next();
        if child.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let child = child.expect("trek serve --tunnel started the tunnel program");
    let mut cmdline = String::new();
    for _ in 0..100 {
        // The wrapper script execs python; wait for the exec to show the final command line.
        cmdline =
            std::fs::read_to_string(format!("/proc/{child}/cmdline")).unwrap_or_default().replace('\0', " ");
        if cmdline.contains("--url") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(cmdline.contains(&format!("tunnel --no-autoupdate --url http://127.0.0.1:{port}")), "{cmdline}");
    let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap();
    let pgrp: u32 = stat.rsplit(')').next().unwrap().split_whitespace().nth(2).unwrap().parse().unwrap();
    assert_eq!(pgrp, child, "the tunnel leads its own process group");

    std::process::Command::new("kill").args(["-TERM", &trek_pid.to_string()]).status().unwrap();
    let mut exited = None;
    for _ in 0..200 {
        exited = serve.try_wait().unwrap();
        if exited.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(exited.expect("trek serve exited after SIGTERM").success());
    assert!(!is_alive(child), "the tunnel process {child} outlived trek serve");
}

#[tokio::test]
async fn serve_refuses_bad_tunnel_flags_before_starting() {
    let data = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (vec!["--tunnel", "named"], "--tunnel named needs --tunnel-hostname"),
        (
            vec!["--tunnel", "quick", "--cloudflared", "/nonexistent/cloudflared"],
            "cloudflared was not found at /nonexistent/cloudflared",
        ),
        (vec!["--tunnel", "custom", "--tunnel-command", "ngrok http {port}"], "url:"),
    ] {
        let output = std::process::Command::new(crate::support::trek_bin())
            .arg("serve")
            .args(&args)
            .env("TREK_PORT", free_port().to_string())
            .env("TREK_DATA_DIR", data.path())
            .env_remove("TREK_TUNNEL_TOKEN")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// Pids whose parent is `pid` (from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok());
        if ppid == Some(pid) {
            found.push(child);
        }
    }
    found
}

// ---- Attacks on the public host (a configured public URL: the same guard, no process) ----

const PUBLIC: &str = "https://trips.example.com";
const HOST: &str = "trips.example.com";

#[tokio::test]
async fn host_spoofing_variants_never_reach_the_owner_side() {
    let t = TestServer::start_with(Some(PUBLIC)).await;
    let owner = t.owner_cookie().await;
    // Case: the same host (DNS names are case-insensitive), so it is public and restricted.
    let upper = t
        .http
        .get(t.url("/api/status"))
        .header("host", "TRIPS.Example.COM")
        .header("cookie", &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(upper.status(), 404);
    let meta = t
        .http
        .get(t.url("/.well-known/oauth-authorization-server"))
        .header("host", "TRIPS.Example.COM")
        .send()
        .await
        .unwrap();
    let meta: Value = serde_json::from_str(&expect_status(meta, 200).await).unwrap();
    assert_eq!(meta["issuer"], PUBLIC);
    // Other spellings are not ours at all.
    for host in [
        format!("{HOST}."),
        format!("{HOST}:443"),
        format!("{HOST}:{}", t.port),
        format!("127.0.0.1:{}.{HOST}", t.port),
        format!("{HOST}@127.0.0.1:{}", t.port),
        format!("127.0.0.1:{}@{HOST}", t.port),
        format!("x.{HOST}"),
        format!(" {HOST}"),
    ] {
        let response =
            t.http.get(t.url("/api/status")).header("host", &host).header("cookie", &owner).send().await;
        // A header value hyper will not send is as good as refused.
        let Ok(response) = response else { continue };
        assert!(
            matches!(response.status().as_u16(), 400 | 404 | 421),
            "{host:?} reached the owner side: {}",
            response.status()
        );
        assert_ne!(response.status(), 200, "{host:?}");
    }
    t.stop().await;
}

#[tokio::test]
async fn forwarded_headers_are_not_trusted_for_loopback_decisions() {
    let t = TestServer::start_with(Some(PUBLIC)).await;
    let owner = t.owner_cookie().await;
    let loopback = format!("127.0.0.1:{}", t.port);
    // Public Host claiming, through forwarding headers, to be loopback: still the public side.
    let response = t
        .http
        .get(t.url("/api/status"))
        .header("host", HOST)
        .header("cookie", &owner)
        .header("x-forwarded-host", &loopback)
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-forwarded-proto", "http")
        .header("x-real-ip", "127.0.0.1")
        .header("forwarded", format!("for=127.0.0.1;host={loopback};proto=http"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // Loopback Host claiming to be the public origin: discovery and audiences stay loopback.
    let meta = t
        .http
        .get(t.url("/.well-known/oauth-authorization-server"))
        .header("x-forwarded-host", HOST)
        .header("x-forwarded-proto", "https")
        .header("forwarded", format!("host={HOST};proto=https"))
        .send()
        .await
        .unwrap();
    let meta: Value = serde_json::from_str(&expect_status(meta, 200).await).unwrap();
    assert_eq!(meta["issuer"], format!("http://{loopback}"));
    let (id, secret) = t.machine_client("trips:read").await;
    let token = t
        .http
        .post(t.url("/oauth/token"))
        .header("x-forwarded-host", HOST)
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token: Value = serde_json::from_str(&expect_status(token, 200).await).unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let through_public = t
        .http
        .post(t.url("/mcp"))
        .header("host", HOST)
        .header("accept", "application/json, text/event-stream")
        .bearer_auth(&token)
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(through_public.status(), 401, "the token's audience is loopback despite X-Forwarded-Host");
    t.stop().await;
}

#[tokio::test]
async fn pending_consents_through_the_public_host_are_capped() {
    let t = TestServer::start_with(Some(PUBLIC)).await;
    let driver = OAuthDriver::new(&t).await;
    let redirect = "https://claude.ai/api/mcp/auth_callback";
    let client_id = driver.register_public(redirect).await;
    let (_, challenge) = pkce_pair();
    let authorize = |host: &'static str| {
        t.http
            .get(t.url("/oauth/authorize"))
            .header("host", host)
            .query(&[
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", redirect),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("state", "s"),
            ])
            .send()
    };
    let mut first = None;
    for _ in 0..MAX_PUBLIC_PENDING_CONSENTS {
        let response = authorize(HOST).await.unwrap();
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        first.get_or_insert(location.rsplit('=').next().unwrap().to_owned());
    }
    let over = authorize(HOST).await.unwrap();
    assert_eq!(over.status(), 302, "one over the cap is sent back to the client");
    let back = over.headers()["location"].to_str().unwrap().to_owned();
    let params = query_of(&back);
    assert_eq!(params["error"], "temporarily_unavailable", "{back}");
    assert_eq!(params["iss"], PUBLIC);
    let queue = driver.owner_get("/api/oauth/consents").await;
    assert_eq!(
        queue.as_array().map(Vec::len),
        Some(MAX_PUBLIC_PENDING_CONSENTS),
        "nothing was queued: {queue}"
    );
    // Loopback requests are not held back by the public cap.
    let loopback = t
        .http
        .get(t.url("/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(loopback.status(), 303);
    // Once the owner decides one, a new public request is taken.
    let denied = t
        .http
        .post(t.url(&format!("/api/oauth/consents/{}/deny", first.unwrap())))
        .header("cookie", &driver.owner)
        .send()
        .await
        .unwrap();
    assert!(denied.status().is_success(), "{}", denied.status());
    assert_eq!(authorize(HOST).await.unwrap().status(), 303);
    t.stop().await;
}

#[tokio::test]
async fn registration_and_token_limits_are_stricter_on_the_public_host() {
    let t = TestServer::start_with(Some(PUBLIC)).await;
    let register = |host: Option<&'static str>| {
        let mut request = t
            .http
            .post(t.url("/oauth/register"))
            .json(&json!({ "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"], "token_endpoint_auth_method": "none" }));
        if let Some(host) = host {
            request = request.header("host", host);
        }
        request.send()
    };
    for _ in 0..PUBLIC_REGISTER_RATE_PER_HOUR {
        expect_status(register(Some(HOST)).await.unwrap(), 201).await;
    }
    let limited = register(Some(HOST)).await.unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(error_code(&expect_status(limited, 429).await), "limit_reached");
    expect_status(register(None).await.unwrap(), 201).await;

    let token = |host: Option<&'static str>, n: u32| {
        let mut request = t.http.post(t.url("/oauth/token")).form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &format!("nobody-{n}")),
            ("code", "x"),
        ]);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        request.send()
    };
    // Spread over client ids, so only the public host's overall limit can stop them.
    for n in 0..PUBLIC_TOKEN_RATE_PER_MINUTE {
        let response = token(Some(HOST), n).await.unwrap();
        assert_ne!(response.status(), 429, "request {n}");
    }
    let limited = token(Some(HOST), u32::MAX).await.unwrap();
    assert_eq!(error_code(&expect_status(limited, 429).await), "limit_reached");
    assert_ne!(token(None, u32::MAX).await.unwrap().status(), 429);
    t.stop().await;
}

#[tokio::test]
async fn a_tunnel_that_stops_carrying_traffic_is_noticed_and_restarted() {
    let p = Public::new("").await;
    let (url, pid) = p.start().await;
    // A few probes pass while the tunnel relays.
    tokio::time::sleep(fast().watch_interval * 3).await;
    assert!(matches!(p.t.server.tunnel().status(), TunnelStatus::Up { .. }), "healthy probes keep it up");
    // The stand-in keeps running but relays nothing (cloudflared without its edge connection).
    let signalled = std::process::Command::new("kill").args(["-USR1", &pid.to_string()]).status().unwrap();
    assert!(signalled.success());
    let failed = p.wait(|s| matches!(s, TunnelStatus::Failed { .. })).await;
    let TunnelStatus::Failed { reason, retry_in_ms, .. } = failed else { unreachable!() };
    assert!(reason.contains("stopped carrying traffic (3 checks in a row failed)"), "{reason}");
    assert!(reason.contains("530"), "the reason names the answer the public URL gave: {reason}");
    assert_eq!(retry_in_ms, Some(100), "restarted through the usual backoff");
    assert!(!is_alive(pid), "the stuck process {pid} was stopped before the restart");
    let (new_url, new_pid) = match p.wait(|s| matches!(s, TunnelStatus::Up { .. })).await {
        TunnelStatus::Up { url, pid, .. } => (url, pid),
        _ => unreachable!(),
    };
    assert_ne!(new_pid, pid);
    assert_ne!(new_url, url);
    p.t.stop().await;
    assert!(!is_alive(new_pid));
}

#[tokio::test]
async fn public_access_left_on_comes_back_after_a_relaunch_and_a_stop_is_remembered() {
    let p = Public::new("").await;
    let (_, first_pid) = p.start().await;
    let Public { t, relay, _bin_dir, .. } = p;
    let TestServer { server, data_dir, .. } = t;
    server.shutdown().await.unwrap();
    assert!(!is_alive(first_pid), "quitting still stops the tunnel");

    let relaunch = || async {
        let mut config = trek::Config::new(0, Some(data_dir.path().to_path_buf()), None).unwrap();
        through_relay(&mut config, relay);
        trek::Server::start(config).await.unwrap()
    };
    let second = relaunch().await;
    let (url, pid) = match wait_on(second.tunnel(), |s| matches!(s, TunnelStatus::Up { .. })).await {
        TunnelStatus::Up { url, pid, .. } => (url, pid),
        _ => unreachable!(),
    };
    assert_ne!(pid, first_pid);
    // The relaunched tunnel carries hosted clients as before.
    let http = crate::support::client();
    let prm = http
        .get(format!("http://127.0.0.1:{relay}/.well-known/oauth-protected-resource/mcp"))
        .header("host", host_of(&url))
        .send()
        .await
        .unwrap();
    let prm: Value = serde_json::from_str(&expect_status(prm, 200).await).unwrap();
    assert_eq!(prm["resource"], format!("{url}/mcp"));

    // The owner stops public access; the next launch leaves it off.
    let launch = second.launch_url(trek::auth::owner_session::TicketPurpose::Desktop).await.unwrap();
    let login = http.get(launch).send().await.unwrap();
    let cookie = crate::support::session_cookie(login.headers()).unwrap();
    let stop = http.post(format!("{}/api/tunnel/stop", second.local_url())).header("cookie", &cookie);
    expect_status(stop.send().await.unwrap(), 200).await;
    assert!(!is_alive(pid));
    // The share-links switch is saved too (the guard reads it at start).
    let shares = http
        .put(format!("{}/api/tunnel/share-links", second.local_url()))
        .header("cookie", &cookie)
        .json(&json!({ "enabled": true }));
    expect_status(shares.send().await.unwrap(), 200).await;
    second.shutdown().await.unwrap();
    let third = relaunch().await;
    // A resumed tunnel reports `starting` before `Server::start` returns, so this is decided.
    assert_eq!(third.tunnel().status(), TunnelStatus::Stopped);
    let launch = third.launch_url(trek::auth::owner_session::TicketPurpose::Desktop).await.unwrap();
    let cookie = crate::support::session_cookie(http.get(launch).send().await.unwrap().headers()).unwrap();
    let view = http.get(format!("{}/api/tunnel", third.local_url())).header("cookie", &cookie);
    let view: Value = serde_json::from_str(&expect_status(view.send().await.unwrap(), 200).await).unwrap();
    assert_eq!(view["share_links"], true, "the share-links switch outlives a relaunch");
    third.shutdown().await.unwrap();
}

#[tokio::test]
async fn serve_with_tunnel_flags_does_not_turn_public_access_on_for_later_launches() {
    let relay = free_port();
    let bin_dir = tempfile::tempdir().unwrap();
    let cloudflared = fake_cloudflared(bin_dir.path(), relay, "");
    let data = tempfile::tempdir().unwrap();
    let mut config = trek::Config::new(0, Some(data.path().to_path_buf()), None).unwrap();
    through_relay(&mut config, relay);
    let server = trek::Server::start(config.clone()).await.unwrap();
    let spec = trek::tunnel::TunnelSpec {
        provider: trek::tunnel::Provider::Quick,
        token: None,
        cloudflared: Some(cloudflared),
    };
    // What `trek serve --tunnel quick` does.
    server.tunnel().start_once(&spec).await.unwrap();
    wait_on(server.tunnel(), |s| matches!(s, TunnelStatus::Up { .. })).await;
    server.shutdown().await.unwrap();
    let again = trek::Server::start(config).await.unwrap();
    assert_eq!(again.tunnel().status(), TunnelStatus::Stopped);
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn share_links_reach_the_public_host_only_with_the_owners_switch_on() {
    use reqwest::Method;
    let p = Public::new("").await;
    let (url, _) = p.start().await;
    let host = host_of(&url);
    let owner = &p;
    let op = |name: &'static str, args: Value| async move {
        let response = owner.owner_send(Method::POST, &format!("/api/ops/{name}"), Some(args)).await;
        serde_json::from_str::<Value>(&expect_status(response, 200).await).unwrap()
    };
    let trip =
        op("create_trip", json!({ "title": "Shared through the tunnel" })).await["id"].as_i64().unwrap();
    let token =
        op("create_share_link", json!({ "trip_id": trip })).await["token"].as_str().unwrap().to_owned();
    let share_paths = [
        format!("/share/{token}"),
        format!("/api/share/{token}"),
        "/ui/share.js".to_owned(),
        "/ui/journey-share.js".to_owned(),
        "/ui/dom.js".to_owned(),
        "/ui/dates.js".to_owned(),
    ];
    let get = |path: String| p.public(Method::GET, &host, &path).send();

    // Off by default: the share link does not exist on the public host.
    let view = p.owner_send(Method::GET, "/api/tunnel", None).await;
    let view: Value = serde_json::from_str(&expect_status(view, 200).await).unwrap();
    assert_eq!(view["share_links"], false);
    for path in &share_paths {
        assert_eq!(
            error_code(&expect_status(get(path.clone()).await.unwrap(), 404).await),
            "not_found",
            "{path}"
        );
    }

    // Bad input is refused and changes nothing.
    for bad in [json!({}), json!({ "enabled": "yes" }), json!({ "enabled": true, "extra": 1 })] {
        let response = p.owner_send(Method::PUT, "/api/tunnel/share-links", Some(bad.clone())).await;
        assert!(response.status().is_client_error(), "{bad}: {}", response.status());
    }
    assert_eq!(get(format!("/api/share/{token}")).await.unwrap().status(), 404);

    let on = p.owner_send(Method::PUT, "/api/tunnel/share-links", Some(json!({ "enabled": true }))).await;
    let on: Value = serde_json::from_str(&expect_status(on, 200).await).unwrap();
    assert_eq!(on["share_links"], true);
    for path in &share_paths {
        expect_status(get(path.clone()).await.unwrap(), 200).await;
    }
    let shared = get(format!("/api/share/{token}")).await.unwrap();
    assert_eq!(shared.headers()["cache-control"], "no-store");
    let shared: Value = serde_json::from_str(&expect_status(shared, 200).await).unwrap();
    assert!(shared.to_string().contains("Shared through the tunnel"), "{shared}");
    let page = expect_status(get(format!("/share/{token}")).await.unwrap(), 200).await;
    assert!(page.contains("/ui/share.js"), "the share page itself");
    // Unknown tokens are the usual 404; everything else stays hidden, even with the owner's cookie.
    assert_eq!(get("/api/share/not-a-token".into()).await.unwrap().status(), 404);
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/login"),
        (Method::GET, "/api/trips"),
        (Method::GET, "/api/status"),
        (Method::GET, "/api/tunnel"),
        (Method::PUT, "/api/tunnel/share-links"),
        (Method::POST, "/api/ops/list_trips"),
        (Method::GET, "/api/export"),
        (Method::GET, "/ui/app.js"),
        (Method::GET, "/ui/api.js"),
        (Method::GET, "/ui/settings_public.js"),
        (Method::GET, "/ui/index.html"),
        (Method::GET, "/healthz"),
    ] {
        let response = p.public(method.clone(), &host, path).header("cookie", &p.owner).send().await.unwrap();
        assert_eq!(error_code(&expect_status(response, 404).await), "not_found", "{method} {path}");
    }
    let off = p.owner_send(Method::PUT, "/api/tunnel/share-links", Some(json!({ "enabled": false }))).await;
    expect_status(off, 200).await;
    for path in &share_paths {
        assert_eq!(get(path.clone()).await.unwrap().status(), 404, "{path}");
    }
    // On loopback the share link works either way.
    expect_status(p.t.http.get(p.t.url(&format!("/api/share/{token}"))).send().await.unwrap(), 200).await;
    p.t.stop().await;
}

#[tokio::test]
async fn a_relaunch_that_cannot_bring_the_tunnel_back_says_why_and_serves_on() {
    let p = Public::new("").await;
    let (_, pid) = p.start().await;
    let Public { t, relay, _bin_dir, cloudflared, .. } = p;
    let TestServer { server, data_dir, .. } = t;
    server.shutdown().await.unwrap();
    assert!(!is_alive(pid));
    std::fs::remove_file(&cloudflared).unwrap();
    let mut config = trek::Config::new(0, Some(data_dir.path().to_path_buf()), None).unwrap();
    through_relay(&mut config, relay);
    let server = trek::Server::start(config).await.unwrap();
    match server.tunnel().status() {
        TunnelStatus::Failed { reason, retry_in_ms: None, .. } => {
            assert!(reason.contains("cloudflared was not found at"), "{reason}");
        }
        other => panic!("expected the reason the tunnel cannot start, got {other:?}"),
    }
    let health =
        crate::support::client().get(format!("{}/healthz", server.local_url())).send().await.unwrap();
    expect_status(health, 200).await;
    server.shutdown().await.unwrap();
}
