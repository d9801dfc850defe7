//! The SQLite file across restarts: migrations applied twice are a no-op and keep data.

use crate::support::{TestServer, expect_status};
use trek::{Config, Server};

#[tokio::test]
async fn restarting_on_the_same_file_keeps_sessions_and_schema() {
    let t = TestServer::start().await;
    let cookie = t.owner_cookie().await;
    let dir = t.data_dir().to_path_buf();
    // Keep the temp dir alive while restarting on it.
    let TestServer { server, data_dir: _keep, .. } = t;
    server.shutdown().await.unwrap();

    let config = Config::new(0, Some(dir.clone()), None).unwrap();
    let server = Server::start(config).await.unwrap();
    let response = crate::support::client()
        .get(format!("{}/api/status", server.local_url()))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
    server.shutdown().await.unwrap();

    let conn = rusqlite::Connection::open(dir.join("trek.db")).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, trek::store::SCHEMA_VERSION);
    let owners: i64 =
        conn.query_row("SELECT count(*) FROM users WHERE kind = 'owner'", [], |r| r.get(0)).unwrap();
    assert_eq!(owners, 1, "restarts must not add owners");
}
