//! The real `trek` binary: a taken port is a one-line error, `trek serve` shuts down on
//! SIGTERM, `trek login-link` works through the shared data dir, `trek db check|backup`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{client, expect_status, free_port, session_cookie, trek_bin};

fn trek(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(trek_bin())
        .args(args)
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .unwrap()
}

/// `trek serve` as a child process, stopped with SIGTERM on drop.
struct Serve {
    child: std::process::Child,
    port: u16,
}

impl Serve {
    async fn start(data_dir: &std::path::Path) -> Self {
        let port = free_port();
        let child = Command::new(trek_bin())
            .args(["serve", "--port", &port.to_string()])
            .env("TREK_DATA_DIR", data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let serve = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let up = client().get(format!("http://127.0.0.1:{port}/healthz")).send().await;
            if up.is_ok_and(|r| r.status() == 200) {
                return serve;
            }
            assert!(Instant::now() < deadline, "trek serve did not answer /healthz within 20 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "trek serve ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn taken_port_is_a_one_line_error_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let output = trek(dir.path(), &["serve", "--port", &port]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let message = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("no error line in {stderr}"));
    assert_eq!(
        message,
        format!("error: port {port} is already in use; choose another with --port or TREK_PORT")
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = Serve::start(dir.path()).await;
    assert!(dir.path().join("instance.json").exists());
    let status = serve.terminate();
    assert!(status.success(), "exit status {status}");
    assert!(!dir.path().join("instance.json").exists(), "instance file removed on shutdown");
    // The database is closed cleanly and intact.
    let output = trek(dir.path(), &["db", "check"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
}

#[tokio::test]
async fn login_link_logs_into_the_running_instance_once() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path()).await;
    let output = trek(dir.path(), &["login-link"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let link = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(
        link.starts_with(&format!("http://127.0.0.1:{}/auth/launch?ticket=treklt_", serve.port)),
        "{link}"
    );

    let http = client();
    let first = http.get(&link).send().await.unwrap();
    let cookie = session_cookie(first.headers()).expect("first use logs in");
    expect_status(first, 303).await;
    expect_status(http.get(&link).send().await.unwrap(), 401).await;
    let status = http
        .get(format!("http://127.0.0.1:{}/api/status", serve.port))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    expect_status(status, 200).await;
}

#[tokio::test]
async fn db_check_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let _serve = Serve::start(dir.path()).await;
    let output = trek(dir.path(), &["db", "check"]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");

    let backup = dir.path().join("copy.db");
    let output = trek(dir.path(), &["db", "backup", backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let copy = rusqlite::Connection::open(&backup).unwrap();
    let owners: i64 =
        copy.query_row("SELECT count(*) FROM users WHERE kind = 'owner'", [], |r| r.get(0)).unwrap();
    assert_eq!(owners, 1);

    // Refuses to overwrite.
    let output = trek(dir.path(), &["db", "backup", backup.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
}

#[tokio::test]
async fn newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("trek.db")).unwrap();
    conn.execute_batch("PRAGMA user_version = 9999;").unwrap();
    drop(conn);
    let output = trek(dir.path(), &["serve", "--port", &free_port().to_string()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newer than this build knows"), "{stderr}");
}
