//! The Settings page's owner endpoints: the owner password set and changed from a session
//! (the current one required once set, errors naming the field), and backups listed and taken
//! on demand. All of them need the owner session.

use serde_json::{Value, json};

use crate::support::{TestServer, error_code, expect_status, session_cookie};

#[tokio::test]
async fn settings_endpoints_need_the_owner_session() {
    let t = TestServer::start().await;
    for (method, path) in [
        ("GET", "/api/owner/password"),
        ("PUT", "/api/owner/password"),
        ("GET", "/api/backups"),
        ("POST", "/api/backups"),
    ] {
        let request = t
            .http
            .request(method.parse().unwrap(), t.url(path))
            .json(&json!({"new_password": "x".repeat(20)}));
        let body = expect_status(request.send().await.unwrap(), 401).await;
        assert_eq!(error_code(&body), "unauthorized", "{method} {path}");
    }
    let manual = std::fs::read_dir(t.data_dir().join("backups"))
        .map(|d| {
            d.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().contains("-manual-")).count()
        })
        .unwrap_or(0);
    assert_eq!(manual, 0, "no backup taken without a session");
    t.stop().await;
}

#[tokio::test]
async fn owner_password_is_set_then_changed_with_the_current_one() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let put =
        |body: Value| t.http.put(t.url("/api/owner/password")).header("cookie", &owner).json(&body).send();
    let state = |body: String| serde_json::from_str::<Value>(&body).unwrap()["is_set"].clone();
    let get = || t.http.get(t.url("/api/owner/password")).header("cookie", &owner).send();
    assert_eq!(state(expect_status(get().await.unwrap(), 200).await), json!(false));

    // Too short: refused, naming the field; still unset.
    let body = expect_status(put(json!({"new_password": "short"})).await.unwrap(), 400).await;
    assert!(body.contains("new_password: password must be at least"), "{body}");
    assert_eq!(state(expect_status(get().await.unwrap(), 200).await), json!(false));

    // First password: no current one needed; the login page accepts it.
    expect_status(put(json!({"new_password": "first long password"})).await.unwrap(), 204).await;
    assert_eq!(state(expect_status(get().await.unwrap(), 200).await), json!(true));
    let login =
        |password: &str| t.http.post(t.url("/auth/login")).json(&json!({ "password": password })).send();
    let first = login("first long password").await.unwrap();
    let password_session = session_cookie(first.headers()).unwrap();
    expect_status(first, 204).await;

    // Changing it needs the current one; a wrong one is a 400 naming the field (not a 401,
    // which the UI would take for a lost session) and changes nothing.
    let body = expect_status(put(json!({"new_password": "second long password"})).await.unwrap(), 400).await;
    assert!(body.starts_with('{') && body.contains("current_password:"), "{body}");
    let body = expect_status(
        put(json!({"current_password": "not it at all", "new_password": "second long password"}))
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(error_code(&body), "wrong_password");
    expect_status(login("second long password").await.unwrap(), 401).await;

    expect_status(
        put(json!({"current_password": "first long password", "new_password": "second long password"}))
            .await
            .unwrap(),
        204,
    )
    .await;
    expect_status(login("first long password").await.unwrap(), 401).await;
    expect_status(login("second long password").await.unwrap(), 204).await;
    // Sessions opened with the old password end; the launch-ticket session stays.
    let old = t.http.get(t.url("/api/status")).header("cookie", &password_session).send().await.unwrap();
    expect_status(old, 401).await;
    expect_status(get().await.unwrap(), 200).await;
    t.stop().await;
}

#[tokio::test]
async fn backup_now_writes_a_manual_backup_that_is_listed() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let list = || async {
        let body = expect_status(
            t.http.get(t.url("/api/backups")).header("cookie", &owner).send().await.unwrap(),
            200,
        )
        .await;
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let before = list().await;
    assert!(before["dir"].as_str().unwrap().ends_with("backups"), "{before}");
    assert!(before["backups"].as_array().unwrap().iter().all(|b| b["kind"] != "manual"), "{before}");

    let body =
        expect_status(t.http.post(t.url("/api/backups")).header("cookie", &owner).send().await.unwrap(), 201)
            .await;
    let taken: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(taken["kind"], "manual");
    let path = std::path::PathBuf::from(taken["path"].as_str().unwrap());
    assert!(path.starts_with(t.data_dir().join("backups")), "{path:?}");
    // A real, checkable Trek database.
    assert!(trek::store::backups::verify(&path).unwrap() > 0);
    assert_eq!(taken["bytes"].as_u64().unwrap(), std::fs::metadata(&path).unwrap().len());

    let after = list().await;
    let manual: Vec<&Value> =
        after["backups"].as_array().unwrap().iter().filter(|b| b["kind"] == "manual").collect();
    assert_eq!(manual.len(), 1, "{after}");
    assert_eq!(manual[0]["path"], taken["path"]);
    t.stop().await;
}
