//! Shared helpers for the black-box suites.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use reqwest::header::{HeaderMap, SET_COOKIE};
use trek::auth::owner_session::TicketPurpose;
use trek::{Config, Server};

/// The real server, in-process, on an ephemeral port with its own data dir.
pub struct TestServer {
    pub server: Server,
    pub base: String,
    pub port: u16,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    pub async fn start_with(public_url: Option<&str>) -> Self {
        Self::start_full(public_url, None, false).await
    }

    /// With a manual clock (expiry tests) and/or CIMD documents allowed from loopback http.
    pub async fn start_full(
        public_url: Option<&str>,
        clock: Option<std::sync::Arc<trek::clock::ManualClock>>,
        insecure_cimd: bool,
    ) -> Self {
        Self::start_configured(public_url, clock, |config| config.insecure_cimd_for_tests = insecure_cimd)
            .await
    }

    /// With any configuration change (limits) applied before start.
    pub async fn start_configured(
        public_url: Option<&str>,
        clock: Option<std::sync::Arc<trek::clock::ManualClock>>,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(0, Some(data_dir.path().to_path_buf()), public_url).unwrap();
        configure(&mut config);
        let server = match clock {
            Some(clock) => Server::start_with_clock(config, clock).await.unwrap(),
            None => Server::start(config).await.unwrap(),
        };
        let port = server.local_addr().port();
        Self { base: server.local_url(), port, server, http: client(), data_dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.path().join("trek.db")
    }

    /// A one-time launch URL, as the desktop window gets it.
    pub async fn launch_url(&self) -> String {
        self.server.launch_url(TicketPurpose::Desktop).await.unwrap()
    }

    /// Logs in through a launch ticket and returns the `Cookie` header value to send.
    pub async fn owner_cookie(&self) -> String {
        let response = self.http.get(self.launch_url().await).send().await.unwrap();
        assert_eq!(response.status(), 303, "launch ticket should log in");
        session_cookie(response.headers()).expect("launch sets the session cookie")
    }

    pub async fn stop(self) {
        self.server.shutdown().await.unwrap();
    }
}

/// An HTTP client that never follows redirects, so tests see `Location`.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `trek_session=…` from a response's `Set-Cookie`, ready to send back.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("trek_session=") && !v.starts_with("trek_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// Asserts a status and prints the body when it differs.
pub async fn expect_status(response: reqwest::Response, expected: u16) -> String {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, expected, "expected HTTP {expected}, got {status}; body: {body}");
    body
}

/// Parses a JSON error body and returns its `error` code.
pub fn error_code(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    value["error"].as_str().unwrap_or_else(|| panic!("no error code in {body}")).to_owned()
}

/// Path of the `trek` binary built for these tests.
pub fn trek_bin() -> &'static str {
    env!("CARGO_BIN_EXE_trek")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = format!("verifier-{}-{}", std::process::id(), rand_suffix());
    let verifier = format!("{verifier:-<48}");
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

/// Query parameters of a URL.
pub fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location).unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The OAuth dance as a browser, an owner and a client perform it, step by step.
pub struct OAuthDriver<'a> {
    pub t: &'a TestServer,
    pub owner: String,
}

/// A started authorization: where the browser waits and the cookie that binds it.
pub struct Started {
    pub pending_id: String,
    pub consent_cookie: String,
}

impl<'a> OAuthDriver<'a> {
    pub async fn new(t: &'a TestServer) -> Self {
        let owner = t.owner_cookie().await;
        Self { t, owner }
    }

    /// Registers a public client (RFC 7591) and returns its client_id.
    pub async fn register_public(&self, redirect_uri: &str) -> String {
        let response = self
            .t
            .http
            .post(self.t.url("/oauth/register"))
            .json(&serde_json::json!({ "redirect_uris": [redirect_uri], "client_name": "Test client", "token_endpoint_auth_method": "none" }))
            .send()
            .await
            .unwrap();
        let body = expect_status(response, 201).await;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        json["client_id"].as_str().unwrap().to_owned()
    }

    /// `GET /oauth/authorize` with the given query; returns the raw response.
    pub async fn authorize_raw(&self, query: &[(&str, &str)]) -> reqwest::Response {
        self.t.http.get(self.t.url("/oauth/authorize")).query(query).send().await.unwrap()
    }

    /// Starts a standard authorization and expects the waiting page.
    pub async fn start(&self, client_id: &str, redirect_uri: &str, challenge: &str, scope: &str) -> Started {
        let response = self
            .authorize_raw(&[
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", redirect_uri),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
                ("scope", scope),
                ("state", "st-123"),
            ])
            .await;
        assert_eq!(response.status(), 303, "authorize should send the browser to the waiting page");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/oauth/consent/wait?id="), "{location}");
        let consent_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("trek_consent="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .expect("consent cookie");
        Started { pending_id: location.rsplit('=').next().unwrap().to_owned(), consent_cookie }
    }

    /// The owner approves through the owner API.
    pub async fn approve(&self, pending_id: &str, scopes: Option<&str>) -> reqwest::Response {
        let request = self
            .t
            .http
            .post(self.t.url(&format!("/api/oauth/consents/{pending_id}/approve")))
            .header("cookie", &self.owner);
        let request = match scopes {
            Some(s) => request.json(&serde_json::json!({ "scopes": s })),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// The waiting page asks for the outcome.
    pub async fn poll(&self, started: &Started) -> reqwest::Response {
        self.t
            .http
            .get(self.t.url(&format!("/oauth/consent/status?id={}", started.pending_id)))
            .header("cookie", &started.consent_cookie)
            .send()
            .await
            .unwrap()
    }

    /// Poll after a decision: returns the redirect location.
    pub async fn redirect_location(&self, started: &Started) -> String {
        let body = expect_status(self.poll(started).await, 200).await;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "redirect", "{body}");
        json["location"].as_str().unwrap().to_owned()
    }

    /// Register → authorize → approve → code, for a public client.
    pub async fn code_for(&self, redirect_uri: &str, scope: &str) -> (String, String, String) {
        let client_id = self.register_public(redirect_uri).await;
        let (verifier, challenge) = pkce_pair();
        let started = self.start(&client_id, redirect_uri, &challenge, scope).await;
        expect_status(self.approve(&started.pending_id, None).await, 200).await;
        let location = self.redirect_location(&started).await;
        let code = query_of(&location)["code"].clone();
        (client_id, verifier, code)
    }

    /// `POST /oauth/token` with a form.
    pub async fn token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.t.http.post(self.t.url("/oauth/token")).form(form).send().await.unwrap()
    }

    /// A refresh_token grant for a public client.
    pub async fn refresh(&self, client_id: &str, refresh_token: &str) -> reqwest::Response {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    /// Exchanges a code; returns the token JSON (asserting 200).
    pub async fn exchange(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> serde_json::Value {
        let response = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", client_id),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ])
            .await;
        serde_json::from_str(&expect_status(response, 200).await).unwrap()
    }

    /// Calls an owner API path with GET and returns JSON.
    pub async fn owner_get(&self, path: &str) -> serde_json::Value {
        let response = self.t.http.get(self.t.url(path)).header("cookie", &self.owner).send().await.unwrap();
        serde_json::from_str(&expect_status(response, 200).await).unwrap()
    }

    /// Introspects a token as a confidential machine client (created here once per call).
    pub async fn is_active(&self, token: &str) -> bool {
        let created = self
            .t
            .http
            .post(self.t.url("/api/oauth/clients"))
            .header("cookie", &self.owner)
            .json(&serde_json::json!({ "name": "introspector", "machine": true }))
            .send()
            .await
            .unwrap();
        let created: serde_json::Value = serde_json::from_str(&expect_status(created, 201).await).unwrap();
        let response = self
            .t
            .http
            .post(self.t.url("/oauth/introspect"))
            .basic_auth(created["client_id"].as_str().unwrap(), created["client_secret"].as_str())
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();
        let id = created["client_id"].as_str().unwrap();
        self.t
            .http
            .delete(self.t.url(&format!("/api/oauth/clients/{id}")))
            .header("cookie", &self.owner)
            .send()
            .await
            .unwrap();
        json["active"].as_bool().unwrap()
    }
}

impl TestServer {
    /// A machine client with `scopes` and an access token for it, obtained through `host`
    /// (the token's audience is that origin's MCP URL).
    pub async fn machine_token(&self, scopes: &str, host: Option<&str>) -> String {
        let (id, secret) = self.machine_client(scopes).await;
        self.client_token(&id, &secret, host).await
    }

    /// A machine client created through the owner API: (client_id, client_secret).
    pub async fn machine_client(&self, scopes: &str) -> (String, String) {
        let owner = self.owner_cookie().await;
        let created = self
            .http
            .post(self.url("/api/oauth/clients"))
            .header("cookie", owner)
            .json(&serde_json::json!({ "name": format!("machine {}", scopes.chars().take(60).collect::<String>()), "machine": true, "scopes": scopes }))
            .send()
            .await
            .unwrap();
        let created: serde_json::Value = serde_json::from_str(&expect_status(created, 201).await).unwrap();
        (
            created["client_id"].as_str().unwrap().to_owned(),
            created["client_secret"].as_str().unwrap().to_owned(),
        )
    }

    /// A client_credentials access token for an existing machine client.
    pub async fn client_token(&self, id: &str, secret: &str, host: Option<&str>) -> String {
        let mut request = self
            .http
            .post(self.url("/oauth/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")]);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let tokens: serde_json::Value =
            serde_json::from_str(&expect_status(request.send().await.unwrap(), 200).await).unwrap();
        tokens["access_token"].as_str().unwrap().to_owned()
    }

    /// A raw JSON-RPC POST to /mcp.
    pub async fn mcp_post(
        &self,
        token: Option<&str>,
        session: Option<&str>,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url("/mcp"))
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(session) = session {
            request = request.header("mcp-session-id", session).header("mcp-protocol-version", "2025-11-25");
        }
        request.send().await.unwrap()
    }

    /// Opens a 2025-11-25 session with raw HTTP; returns its id.
    pub async fn mcp_session(&self, token: &str) -> String {
        let init = serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "raw", "version": "1" } }
        });
        let response = self.mcp_post(Some(token), None, init).await;
        assert_eq!(response.status(), 200, "initialize failed");
        let id = response.headers()["mcp-session-id"].to_str().unwrap().to_owned();
        let _ = response.text().await;
        let initialized = serde_json::json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
        let response = self.mcp_post(Some(token), Some(&id), initialized).await;
        assert_eq!(response.status(), 202);
        id
    }
}

/// The JSON-RPC message in a response that may be plain JSON or an SSE stream.
pub async fn rpc_result(response: reqwest::Response) -> serde_json::Value {
    let is_sse = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream"));
    let text = response.text().await.unwrap();
    if !is_sse {
        return serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .find(|v| v.get("id").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC response in stream: {text}"))
}
