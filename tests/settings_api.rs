//! The Settings page's owner endpoints: the owner password set and changed from a session
//! (the current one required once set, errors naming the field), and backups listed, taken on
//! demand and restored while Trek runs. All of them need the owner session.

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
        ("POST", "/api/backups/restore"),
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

#[tokio::test]
async fn a_backup_is_restored_while_trek_runs_and_bad_names_change_nothing() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let op = |name: &str, body: Value| {
        let request = t.http.post(t.url(&format!("/api/ops/{name}"))).header("cookie", &owner).json(&body);
        async move {
            serde_json::from_str::<Value>(&expect_status(request.send().await.unwrap(), 200).await).unwrap()
        }
    };
    let titles = || async {
        let list = op("list_trips", json!({})).await;
        let mut titles: Vec<String> = list["trips"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect();
        titles.sort();
        titles
    };
    let restore = |name: Value| {
        t.http
            .post(t.url("/api/backups/restore"))
            .header("cookie", &owner)
            .json(&json!({ "name": name }))
            .send()
    };

    op("create_trip", json!({"title": "Before"})).await;
    let taken: Value = serde_json::from_str(
        &expect_status(
            t.http.post(t.url("/api/backups")).header("cookie", &owner).send().await.unwrap(),
            201,
        )
        .await,
    )
    .unwrap();
    let name = std::path::Path::new(taken["path"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    op("create_trip", json!({"title": "After"})).await;
    // A token issued after the backup, verified (and cached) before the restore.
    let token = t.machine_token("trips:read", None).await;
    let list_call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "list_trips", "arguments": {}}});
    let session = t.mcp_session(&token).await;
    assert_eq!(t.mcp_post(Some(&token), Some(&session), list_call.clone()).await.status(), 200);

    // Names that are not Trek backups, a missing backup, a file from a newer Trek: refused,
    // naming the field, and nothing changes.
    for bad in ["../trek.db", "/etc/passwd", "trek.db", "backups/../../trek.db", "trek-manual-.db", ""] {
        let body = expect_status(restore(json!(bad)).await.unwrap(), 400).await;
        assert!(body.contains("name: not the name of a Trek backup"), "{bad}: {body}");
    }
    let body = expect_status(restore(json!("trek-manual-20990101T000000Z.db")).await.unwrap(), 404).await;
    assert!(body.contains("name: there is no backup"), "{body}");
    let too_new = t.data_dir().join("backups").join("trek-manual-20980101T000000Z.db");
    {
        let conn = rusqlite::Connection::open(&too_new).unwrap();
        conn.execute_batch("CREATE TABLE x (y); PRAGMA user_version = 9999;").unwrap();
    }
    let body = expect_status(restore(json!("trek-manual-20980101T000000Z.db")).await.unwrap(), 409).await;
    assert!(body.contains("nothing was changed"), "{body}");
    expect_status(
        t.http
            .post(t.url("/api/backups/restore"))
            .header("cookie", &owner)
            .json(&json!({"name": name, "path": "/etc/passwd"}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(titles().await, ["After", "Before"]);

    // The restore: the data is the backup's, the owner is still logged in (this very cookie),
    // and the token that did not exist yet is refused at once, cache or not.
    let body = expect_status(restore(json!(name)).await.unwrap(), 200).await;
    let outcome: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["restored"], json!(name));
    assert_eq!(titles().await, ["Before"]);
    assert_eq!(t.mcp_post(Some(&token), Some(&session), list_call).await.status(), 401);

    // What was replaced is a pre-restore backup, and restoring it brings "After" back.
    let previous = std::path::PathBuf::from(outcome["previous"].as_str().unwrap());
    assert!(trek::store::backups::verify(&previous).is_ok());
    let previous_name = previous.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(previous_name.starts_with("trek-pre-restore-"), "{previous_name}");
    expect_status(restore(json!(previous_name)).await.unwrap(), 200).await;
    assert_eq!(titles().await, ["After", "Before"]);
    t.stop().await;
}
