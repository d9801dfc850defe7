//! Host/Origin guard (DNS rebinding, cross-site requests), the public-host allow-list,
//! security headers on every response, the body limit and /healthz.

use crate::support::{TestServer, error_code, expect_status};

#[tokio::test]
async fn healthz_reports_ok_and_version() {
    let t = TestServer::start().await;
    let body = expect_status(t.http.get(t.url("/healthz")).send().await.unwrap(), 200).await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["version"], trek::VERSION);
    t.stop().await;
}

#[tokio::test]
async fn every_loopback_name_is_accepted() {
    let t = TestServer::start().await;
    for host in
        [format!("127.0.0.1:{}", t.port), format!("localhost:{}", t.port), format!("[::1]:{}", t.port)]
    {
        let response = t.http.get(t.url("/healthz")).header("host", &host).send().await.unwrap();
        expect_status(response, 200).await;
    }
    t.stop().await;
}

#[tokio::test]
async fn foreign_host_is_refused_before_routing() {
    let t = TestServer::start().await;
    for path in ["/healthz", "/", "/api/status", "/no/such/route"] {
        let response = t.http.get(t.url(path)).header("host", "evil.example").send().await.unwrap();
        let body = expect_status(response, 421).await;
        assert_eq!(error_code(&body), "invalid_host", "{path}");
    }
    // A rebinding attacker's page keeps our port but not our name.
    let host = format!("evil.example:{}", t.port);
    let response = t.http.get(t.url("/healthz")).header("host", host).send().await.unwrap();
    expect_status(response, 421).await;
    t.stop().await;
}

#[tokio::test]
async fn foreign_origin_on_state_changing_request_is_refused_and_changes_nothing() {
    let t = TestServer::start().await;
    let cookie = t.owner_cookie().await;
    let response = t
        .http
        .post(t.url("/auth/logout"))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    let body = expect_status(response, 403).await;
    assert_eq!(error_code(&body), "invalid_origin");
    // The session survived: the refused logout did nothing.
    let response = t.http.get(t.url("/api/status")).header("cookie", &cookie).send().await.unwrap();
    expect_status(response, 200).await;
    // Our own origin is fine.
    let response = t
        .http
        .post(t.url("/auth/logout"))
        .header("cookie", &cookie)
        .header("origin", &t.base)
        .send()
        .await
        .unwrap();
    expect_status(response, 204).await;
    t.stop().await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let t = TestServer::start().await;
    let requests = [
        t.http.get(t.url("/healthz")),
        t.http.get(t.url("/")),
        t.http.get(t.url("/api/status")),
        t.http.get(t.url("/nope")),
        t.http.get(t.url("/healthz")).header("host", "evil.example"),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let h = response.headers();
        let url = response.url().clone();
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{url}");
        assert_eq!(h["x-frame-options"], "DENY", "{url}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{url}: {csp}");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{url}: {csp}");
    }
    t.stop().await;
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let t = TestServer::start().await;
    let big = "x".repeat(trek::config::MAX_REQUEST_BODY_BYTES + 1);
    let body = format!("{{\"password\":\"{big}\"}}");
    let response = t
        .http
        .post(t.url("/auth/login"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    t.stop().await;
}

#[tokio::test]
async fn public_host_reaches_only_protocol_endpoints() {
    let t = TestServer::start_with(Some("https://trips.example.com")).await;
    for path in ["/", "/api/status", "/login", "/healthz", "/auth/launch?ticket=x"] {
        let response = t.http.get(t.url(path)).header("host", "trips.example.com").send().await.unwrap();
        // The same 404 as a path that does not exist (issue 8: the owner's side is invisible).
        let body = expect_status(response, 404).await;
        assert_eq!(error_code(&body), "not_found", "{path}");
    }
    // The protocol prefixes pass the guard (and then route normally).
    let response =
        t.http.get(t.url("/ui/public/style.css")).header("host", "trips.example.com").send().await.unwrap();
    expect_status(response, 200).await;
    t.stop().await;
}

#[tokio::test]
async fn ui_is_served_with_its_assets() {
    let t = TestServer::start().await;
    let page = expect_status(t.http.get(t.url("/")).send().await.unwrap(), 200).await;
    assert!(page.contains("/ui/app.js"));
    let response = t.http.get(t.url("/ui/app.js")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/javascript");
    expect_status(response, 200).await;
    expect_status(t.http.get(t.url("/ui/../Cargo.toml")).send().await.unwrap(), 404).await;
    expect_status(t.http.get(t.url("/ui/index.html")).send().await.unwrap(), 404).await;
    t.stop().await;
}
