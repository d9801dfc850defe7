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
        let data_dir = tempfile::tempdir().unwrap();
        let config = Config::new(0, Some(data_dir.path().to_path_buf()), public_url).unwrap();
        let server = Server::start(config).await.unwrap();
        let port = server.local_addr().port();
        Self {
            base: server.local_url(),
            port,
            server,
            http: client(),
            data_dir,
        }
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
        self.server
            .launch_url(TicketPurpose::Desktop)
            .await
            .unwrap()
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
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
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
    assert_eq!(
        status, expected,
        "expected HTTP {expected}, got {status}; body: {body}"
    );
    body
}

/// Parses a JSON error body and returns its `error` code.
pub fn error_code(body: &str) -> String {
    let value: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    value["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
        .to_owned()
}

/// Path of the `trek` binary built for these tests.
pub fn trek_bin() -> &'static str {
    env!("CARGO_BIN_EXE_trek")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
