//! Owner login: a launch ticket logs in once; the cookie is HttpOnly and SameSite=Strict;
//! /api answers 401 JSON without a live session; password login and logout.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use crate::support::{TestServer, error_code, expect_status, session_cookie, trek_bin};

#[tokio::test]
async fn api_without_session_is_401_json() {
    let t = TestServer::start().await;
    for path in ["/api/status", "/api/does-not-exist"] {
        let response = t.http.get(t.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = expect_status(response, 401).await;
        assert_eq!(error_code(&body), "unauthorized", "{path}");
    }
    let response = t
        .http
        .get(t.url("/api/status"))
        .header("cookie", "trek_session=forged.jwt.value")
        .send()
        .await
        .unwrap();
    expect_status(response, 401).await;
    t.stop().await;
}

#[tokio::test]
async fn launch_ticket_logs_in_once() {
    let t = TestServer::start().await;
    let launch = t.launch_url().await;

    let first = t.http.get(&launch).send().await.unwrap();
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/");
    let set_cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "cookie lacks {attribute}: {set_cookie}");
    }
    let cookie = session_cookie(first.headers()).unwrap();

    let second = t.http.get(&launch).send().await.unwrap();
    assert!(second.headers().get("set-cookie").is_none(), "a used ticket must not log in again");
    let page = expect_status(second, 401).await;
    // The expired-link page (its text comes from the UI's string table).
    assert!(page.contains(r#"data-i18n="linkInvalid.title""#), "{page}");

    let body =
        expect_status(t.http.get(t.url("/api/status")).header("cookie", &cookie).send().await.unwrap(), 200)
            .await;
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status["mcp_url"], format!("{}/mcp", t.base));
    assert_eq!(status["data_dir"], t.data_dir().display().to_string());
    t.stop().await;
}

#[tokio::test]
async fn unknown_or_missing_ticket_is_refused() {
    let t = TestServer::start().await;
    let forged = t.http.get(t.url("/auth/launch?ticket=treklt_made_up")).send().await.unwrap();
    assert!(forged.headers().get("set-cookie").is_none());
    expect_status(forged, 401).await;
    expect_status(t.http.get(t.url("/auth/launch")).send().await.unwrap(), 400).await;
    t.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = TestServer::start().await;
    let cookie = t.owner_cookie().await;
    expect_status(t.http.post(t.url("/auth/logout")).header("cookie", &cookie).send().await.unwrap(), 204)
        .await;
    let response = t.http.get(t.url("/api/status")).header("cookie", &cookie).send().await.unwrap();
    expect_status(response, 401).await;
    t.stop().await;
}

#[tokio::test]
async fn password_login_after_set_password() {
    let t = TestServer::start().await;
    let login = |password: &str| {
        t.http.post(t.url("/auth/login")).json(&serde_json::json!({ "password": password })).send()
    };
    let body = expect_status(login("anything at all").await.unwrap(), 409).await;
    assert_eq!(error_code(&body), "no_password");

    let mut child = tokio::process::Command::new(trek_bin())
        .args(["owner", "set-password", "--data-dir"])
        .arg(t.data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").await.unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let body = expect_status(login("wrong password!").await.unwrap(), 401).await;
    assert_eq!(error_code(&body), "wrong_password");
    let ok = login("a long enough password").await.unwrap();
    let cookie = session_cookie(ok.headers()).unwrap();
    expect_status(ok, 204).await;
    expect_status(t.http.get(t.url("/api/status")).header("cookie", &cookie).send().await.unwrap(), 200)
        .await;

    let malformed = t
        .http
        .post(t.url("/auth/login"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let body = expect_status(malformed, 400).await;
    assert_eq!(error_code(&body), "invalid_body");
    t.stop().await;
}
