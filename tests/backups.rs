//! Data safety: automatic backups (daily when due, before every migration, retention), a
//! damaged database refused untouched with the latest good backup named, `trek db restore`
//! (verified, keeps the replaced file, refused while serving), and a full disk failing one write
//! cleanly without losing what was committed.

use std::process::Command;

use serde_json::json;
use trek::config::BACKUPS_KEPT_PER_KIND;
use trek::ops::OpError;
use trek::store::backups::{self, Kind};
use trek::store::{SCHEMA_VERSION, Store, StoreError, migrate_to_version};

use crate::ops_support::{Env, NOW};
use crate::support::{free_port, trek_bin};

const HOUR: i64 = 3600;

fn trek(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(trek_bin())
        .args(args)
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .unwrap()
}

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[tokio::test]
async fn daily_backups_are_taken_when_due_and_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trek.db");
    Store::open(&db).unwrap().close();

    let first = backups::daily_if_due(&db, NOW).unwrap().expect("the first backup is due at once");
    assert_eq!(first.kind, Kind::Daily);
    assert_eq!(backups::verify(&first.path).unwrap(), SCHEMA_VERSION);
    assert!(backups::daily_if_due(&db, NOW + 23 * HOUR).unwrap().is_none(), "not due within a day");
    assert!(backups::daily_if_due(&db, NOW + 24 * HOUR).unwrap().is_some(), "due after a day");
    // A clock set back does not stop backups for good.
    assert!(backups::daily_if_due(&db, NOW - 48 * HOUR).unwrap().is_some());
    for day in 2..12 {
        backups::daily_if_due(&db, NOW + day * 24 * HOUR).unwrap();
    }
    let daily: Vec<_> = backups::list(&db).into_iter().filter(|b| b.kind == Kind::Daily).collect();
    assert_eq!(daily.len(), BACKUPS_KEPT_PER_KIND, "retention");
    assert_eq!(daily[0].taken_at, NOW + 11 * 24 * HOUR, "newest first, oldest pruned");
    assert!(daily.iter().all(|b| !b.path.with_extension("db.partial").exists()));
}

#[tokio::test]
async fn a_migration_is_preceded_by_a_backup_of_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trek.db");
    let old = SCHEMA_VERSION as usize - 1;
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        migrate_to_version(&mut conn, old).unwrap();
    }
    assert!(backups::list(&db).is_empty());
    Store::open(&db).unwrap().close();
    let taken = backups::list(&db);
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(taken[0].kind, Kind::PreMigration);
    assert_eq!(backups::verify(&taken[0].path).unwrap(), old as i64, "the backup holds the old schema");
    // Opening an up-to-date file takes no backup.
    Store::open(&db).unwrap().close();
    assert_eq!(backups::list(&db).len(), 1);
}

#[tokio::test]
async fn a_damaged_database_is_refused_untouched_and_restored_from_the_latest_good_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trek.db");
    Store::open(&db).unwrap().close();
    let good = backups::daily_if_due(&db, NOW).unwrap().unwrap();
    let damage = b"this is not a SQLite database, it was overwritten by something".repeat(100);
    std::fs::write(&db, &damage).unwrap();

    match Store::open(&db) {
        Err(StoreError::Damaged { backup, .. }) => assert_eq!(backup.as_deref(), Some(good.path.as_path())),
        other => panic!("expected Damaged, got {other:?}"),
    }
    let output = trek(dir.path(), &["serve", "--port", &free_port().to_string()]);
    assert!(!output.status.success());
    let said = text(&output);
    assert!(
        said.contains("damaged") && said.contains(&format!("trek db restore {}", good.path.display())),
        "{said}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), damage, "the damaged file is left as it was");

    let output = trek(dir.path(), &["db", "restore", good.path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output));
    let said = text(&output);
    assert!(said.contains("trek-damaged-"), "the damaged file is set aside, not deleted: {said}");
    let output = trek(dir.path(), &["db", "check"]);
    assert!(output.status.success(), "{}", text(&output));
    let aside = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("trek-damaged-"))
        .unwrap();
    assert_eq!(std::fs::read(aside.path()).unwrap(), damage);
    assert!(
        backups::list(&db).iter().all(|b| !b.path.to_string_lossy().contains("damaged")),
        "a damaged file is never offered as a backup"
    );
}

#[tokio::test]
async fn restore_checks_the_file_and_keeps_the_replaced_database() {
    let env = Env::new().await;
    let db = env.store.path().to_path_buf();
    let dir = db.parent().unwrap().to_path_buf();
    env.ok("create_trip", json!({"title": "Before"})).await;
    let before = backups::take(&db, Kind::Daily, NOW).unwrap();
    env.ok("create_trip", json!({"title": "After"})).await;
    env.store.close();

    // A file that is not a Trek database is refused and nothing changes.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"junk").unwrap();
    let db_bytes = std::fs::read(&db).unwrap();
    let output = trek(&dir, &["db", "restore", junk.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(text(&output).contains("restore refused"), "{}", text(&output));
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    let empty = dir.join("empty.db");
    rusqlite::Connection::open(&empty).unwrap().execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    assert!(!trek(&dir, &["db", "restore", empty.to_str().unwrap()]).status.success(), "no Trek schema");

    let output = trek(&dir, &["db", "restore", before.path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output));
    let titles: Vec<String> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare("SELECT title FROM trips ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(titles, ["Before"]);
    let kept = backups::list(&db).into_iter().find(|b| b.kind == Kind::PreRestore).expect("pre-restore copy");
    let conn = rusqlite::Connection::open(&kept.path).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM trips", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2, "the replaced database is kept whole");
    let listed = text(&trek(&dir, &["db", "backups"]));
    assert!(listed.contains("pre-restore") && listed.contains("daily"), "{listed}");
}

#[tokio::test]
async fn restore_is_refused_while_trek_is_serving() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(trek_bin())
        .args(["serve", "--port", &port.to_string()])
        .env("TREK_DATA_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !dir.path().join("instance.json").exists() {
        assert!(std::time::Instant::now() < deadline, "trek serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let backup = backups::list(&dir.path().join("trek.db")).into_iter().next();
    let from = backup.map(|b| b.path).unwrap_or_else(|| dir.path().join("none.db"));
    let output = trek(dir.path(), &["db", "restore", from.to_str().unwrap()]);
    let _ = child.kill();
    let _ = child.wait();
    assert!(!output.status.success());
    assert!(text(&output).contains("quit it before restoring"), "{}", text(&output));
}

#[tokio::test]
async fn a_full_disk_fails_one_write_cleanly_and_loses_nothing() {
    let env = Env::new().await;
    for i in 0..3 {
        env.ok("create_trip", json!({"title": format!("Saved {i}")})).await;
    }
    // Cap the file at its current size: the next write that needs a new page hits SQLITE_FULL,
    // as a full disk would.
    env.store
        .write(|tx| {
            let pages: i64 = tx.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            tx.pragma_update(None, "max_page_count", pages)?;
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let big = "x".repeat(9_000);
    let mut failure = None;
    for i in 0..50 {
        if let Err(e) =
            env.call("create_trip", json!({"title": format!("Big {i}"), "description": big})).await
        {
            failure = Some(e);
            break;
        }
    }
    let failure = failure.expect("a capped database must fill up");
    assert!(
        matches!(&failure, OpError::Domain(trek::domain::DomainError::Store(StoreError::DiskFull))),
        "{failure:?}"
    );
    assert!(failure.to_string().contains("disk is full"), "{failure}");
    let saved = env.int("SELECT count(*) FROM trips WHERE title LIKE 'Saved %'".into()).await;
    assert_eq!(saved, 3, "nothing committed is lost");
    assert_eq!(env.store.integrity_check().await.unwrap(), ["ok"]);
    // Space comes back: writing works again.
    env.store
        .write(|tx| Ok::<_, StoreError>(tx.pragma_update(None, "max_page_count", 1_073_741_823)?))
        .await
        .unwrap();
    env.ok("create_trip", json!({"title": "After the cleanup"})).await;
}
