//! The owner's app preferences over HTTP: the first-run welcome is shown until dismissed and
//! never again (stored, so every window agrees; it cannot be brought back by the API); the
//! autostart setting is off by default, refused on a headless server (nothing stored), and on
//! the desktop stored, announced on `/api/events` and read back by `Server::prefs`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{TestServer, error_code, expect_status};

async fn get(t: &TestServer, owner: &str, path: &str) -> Value {
    let response = t.http.get(t.url(path)).header("cookie", owner).send().await.unwrap();
    serde_json::from_str(&expect_status(response, 200).await).unwrap()
}

async fn put(t: &TestServer, owner: &str, path: &str, body: Value) -> reqwest::Response {
    t.http.put(t.url(path)).header("cookie", owner).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn the_welcome_shows_until_dismissed_and_never_again() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    assert_eq!(get(&t, &owner, "/api/settings/welcome").await, json!({ "dismissed": false }));
    for (bad, status) in [(json!({ "dismissed": "yes" }), 422), (json!({ "dismissed": false }), 400)] {
        let body = expect_status(put(&t, &owner, "/api/settings/welcome", bad.clone()).await, status).await;
        assert!(body.contains("dismissed"), "{bad}: {body}");
    }
    assert_eq!(get(&t, &owner, "/api/settings/welcome").await, json!({ "dismissed": false }));
    let anonymous =
        t.http.put(t.url("/api/settings/welcome")).json(&json!({ "dismissed": true })).send().await;
    expect_status(anonymous.unwrap(), 401).await;

    expect_status(put(&t, &owner, "/api/settings/welcome", json!({ "dismissed": true })).await, 200).await;
    assert_eq!(get(&t, &owner, "/api/settings/welcome").await, json!({ "dismissed": true }));
    // Another login (another browser, the desktop window) sees the same.
    let other = t.owner_cookie().await;
    assert_eq!(get(&t, &other, "/api/settings/welcome").await, json!({ "dismissed": true }));
    assert!(t.server.prefs().welcome_dismissed().await.unwrap());
    t.stop().await;
}

#[tokio::test]
async fn autostart_is_refused_on_a_headless_server() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let path = "/api/settings/autostart";
    assert_eq!(get(&t, &owner, path).await, json!({ "enabled": false, "available": false }));
    let body = expect_status(put(&t, &owner, path, json!({ "enabled": true })).await, 409).await;
    assert_eq!(error_code(&body), "not_desktop");
    assert!(!t.server.prefs().autostart().await.unwrap(), "nothing stored");
    t.stop().await;
}

#[tokio::test]
async fn autostart_on_the_desktop_is_stored_and_announced() {
    let t = TestServer::start_configured(None, None, |config| config.desktop = true).await;
    let owner = t.owner_cookie().await;
    let path = "/api/settings/autostart";
    assert_eq!(get(&t, &owner, path).await, json!({ "enabled": false, "available": true }));
    let body = expect_status(put(&t, &owner, path, json!({ "enabled": "on" })).await, 422).await;
    assert!(body.contains("enabled"), "{body}");

    let mut events = t.server.events().subscribe();
    expect_status(put(&t, &owner, path, json!({ "enabled": true })).await, 200).await;
    let change = tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap().unwrap();
    assert_eq!(change.entity, trek::prefs::AUTOSTART_EVENT_ENTITY);
    assert!(t.server.prefs().autostart().await.unwrap());
    assert_eq!(get(&t, &owner, path).await, json!({ "enabled": true, "available": true }));
    expect_status(put(&t, &owner, path, json!({ "enabled": false })).await, 200).await;
    assert!(!t.server.prefs().autostart().await.unwrap());
    t.stop().await;
}
