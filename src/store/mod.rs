//! SQLite storage: one place that opens connections, embedded migrations, one writer thread and
//! a pool of read-only connections, online backup and integrity check.
//!
//! Writes go to a dedicated thread over a channel (the tokio-rusqlite design), never to an
//! async worker. Reads use a connection checked out of a small pool: the registry's reads run
//! on the calling worker (`read_inline`: bounded, and a WAL reader never waits), other reads on
//! the blocking pool. Every write is one `BEGIN IMMEDIATE` transaction.

pub mod backups;
mod migrations;
pub mod oauth;
pub mod owner;
pub mod settings;
pub mod transfer;
pub mod world_cache;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::{Semaphore, oneshot};

use crate::clock::UnixTime;
use crate::config::{READ_CONNECTIONS, SQLITE_BUSY_TIMEOUT};

pub use migrations::{SCHEMA_VERSION, migrate, migrate_to_version};

/// Something went wrong below the domain: SQLite, a migration, or the store is shut down.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "the disk is full: this change was not saved (nothing already saved was lost); free some space and try again"
    )]
    DiskFull,
    #[error(
        "database {} is damaged ({reason}) and was left untouched; {}",
        path.display(),
        match backup {
            Some(b) => format!("restore the latest good backup with `trek db restore {}`", b.display()),
            None => "no good backup was found; `trek db check` shows what is wrong".to_owned(),
        }
    )]
    Damaged { path: PathBuf, reason: String, backup: Option<PathBuf> },
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error(
        "database {path} has schema version {found}, newer than this build knows ({known}); \
         upgrade Trek or restore a backup"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("could not create data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the database is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Self::DiskFull,
            _ => Self::Sqlite(e),
        }
    }
}

/// Whether SQLite says the file is not a (healthy) database.
fn is_damage(e: &StoreError) -> bool {
    let code = match e {
        StoreError::Sqlite(e) => e.sqlite_error_code(),
        StoreError::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => {
            err.sqlite_error_code()
        }
        _ => None,
    };
    matches!(code, Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

type WriteJob = Box<dyn FnOnce(&mut Connection) + Send>;

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<WriteJob>>>,
    writer_thread: Mutex<Option<thread::JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
    read_permits: Semaphore,
    /// A read-only connection kept only for `PRAGMA data_version` (see [`Store::data_version`]).
    version_probe: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.inner.path).finish()
    }
}

/// Per-connection settings, in one place.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // WAL lets readers proceed while the writer commits; it is a property of the file.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL syncs the WAL on every commit: a tool call that returned success survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Referential integrity is enforced by SQLite, not hoped for in code.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The CLI (`trek login-link`) and the server share the file; wait instead of failing.
    conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

/// Opens (creating if needed) a read-write connection with our pragmas.
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    Ok(conn)
}

impl Store {
    /// Opens the database at `path`, backs it up if migrations are pending, applies them and
    /// starts the writer thread. A file written by a newer Trek, or a damaged one, is refused
    /// and left untouched (the error names the latest good backup).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::DataDir { path: dir.to_path_buf(), source })?;
        }
        let open_and_migrate = || -> Result<Connection, StoreError> {
            let mut writer = open_connection(path)?;
            let found: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found > 0 && found < SCHEMA_VERSION {
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                let backup = backups::take(path, backups::Kind::PreMigration, now)?;
                tracing::info!(from = found, to = SCHEMA_VERSION, backup = %backup.path.display(), "migrating the database");
            }
            migrate(&mut writer, path)?;
            Ok(writer)
        };
        let mut writer = open_and_migrate().map_err(|e| {
            if is_damage(&e) {
                StoreError::Damaged {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                    backup: backups::latest_good(path),
                }
            } else {
                e
            }
        })?;

        let mut readers = Vec::with_capacity(READ_CONNECTIONS);
        for _ in 0..READ_CONNECTIONS {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.set_prepared_statement_cache_capacity(256);
            readers.push(conn);
        }

        let version_probe = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        version_probe.busy_timeout(SQLITE_BUSY_TIMEOUT)?;

        let (tx, rx) = mpsc::channel::<WriteJob>();
        let handle = thread::Builder::new()
            .name("trek-sqlite-writer".into())
            .spawn(move || {
                // Runs until every sender is dropped (`close`), then drops the connection,
                // which checkpoints the WAL.
                while let Ok(job) = rx.recv() {
                    // A bug that panics in one job must not end every later write: the open
                    // transaction rolls back as it unwinds, the caller gets `Closed`, and the
                    // thread takes the next job.
                    let run = std::panic::AssertUnwindSafe(|| job(&mut writer));
                    if std::panic::catch_unwind(run).is_err() {
                        tracing::error!("a database write panicked; it was rolled back");
                    }
                }
            })
            .map_err(|source| StoreError::DataDir { path: path.to_path_buf(), source })?;

        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(Some(tx)),
                writer_thread: Mutex::new(Some(handle)),
                readers: Mutex::new(readers),
                read_permits: Semaphore::new(READ_CONNECTIONS),
                version_probe: Mutex::new(version_probe),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction on the writer thread; commits on `Ok`,
    /// rolls back on `Err`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.submit(Box::new(move |conn| {
            let _ = reply.send(run_in_transaction(conn, f));
        }))?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Queues `job` on the writer thread.
    fn submit(&self, job: WriteJob) -> Result<(), StoreError> {
        let sender =
            self.inner.writer.lock().map_err(|_| StoreError::Closed)?.clone().ok_or(StoreError::Closed)?;
        sender.send(job).map_err(|_| StoreError::Closed)
    }

    /// SQLite's `PRAGMA data_version`: it changes whenever any other connection — our writer
    /// thread or another process such as the `trek` CLI — commits to the file. Caches of rows
    /// (the bearer-token cache) compare it to know nothing changed since they looked.
    ///
    /// This is the one SQLite call made on an async worker: in WAL mode it reads only the
    /// shared-memory WAL index (no file I/O, no lock wait), costing about a microsecond, far
    /// less than the hop to the blocking pool it saves.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let conn = self.inner.version_probe.lock().map_err(|_| StoreError::Closed)?;
        Ok(conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?)
    }

    /// Runs `f` with a read-only connection on the blocking pool, in one read transaction: all
    /// of its queries see the same snapshot (a summary never mixes before and after a write),
    /// and the WAL read lock is taken once instead of per statement.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let _permit = self.inner.read_permits.acquire().await.map_err(|_| StoreError::Closed)?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let conn =
                inner.readers.lock().map_err(|_| StoreError::Closed)?.pop().ok_or(StoreError::Closed)?;
            let result = read_in_transaction(&conn, f);
            if let Ok(mut pool) = inner.readers.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    /// Like [`Store::read`], but on the calling async worker: for the operation registry's reads.
    /// A WAL reader never waits for the writer, and a registry read is bounded by one trip
    /// (a few ms for a 30-day trip with 300 places), while the hop to the blocking pool costs
    /// two thread wake-ups — on 2 cores more than a typical read itself (measured in issue 11).
    pub async fn read_inline<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Connection) -> Result<T, E>,
    {
        let _permit = self.inner.read_permits.acquire().await.map_err(|_| StoreError::Closed)?;
        let conn =
            self.inner.readers.lock().map_err(|_| StoreError::Closed)?.pop().ok_or(StoreError::Closed)?;
        let result = read_in_transaction(&conn, f);
        if let Ok(mut pool) = self.inner.readers.lock() {
            pool.push(conn);
        }
        result
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a healthy file, otherwise SQLite's findings.
    pub async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Copies the live database to `dest` with SQLite's online backup API (safe while serving).
    pub async fn backup(&self, dest: PathBuf) -> Result<(), StoreError> {
        let source = self.inner.path.clone();
        tokio::task::spawn_blocking(move || {
            let src = Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            src.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
            src.backup(rusqlite::MAIN_DB, &dest, None)?;
            Ok(())
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    /// Replaces the live database's contents with the backup `from` (see
    /// [`backups::restore_live`]) on the writer thread, between two write transactions.
    pub async fn restore(&self, from: PathBuf, now: UnixTime) -> Result<backups::Restored, StoreError> {
        let (reply, answer) = oneshot::channel();
        let path = self.inner.path.clone();
        self.submit(Box::new(move |conn| {
            let _ = reply.send(backups::restore_live(conn, &path, &from, now));
        }))?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Stops the writer after the jobs already queued and waits for it; later writes fail with
    /// `Closed`. Reads keep working until the last handle is dropped.
    pub fn close(&self) {
        if let Ok(mut writer) = self.inner.writer.lock() {
            writer.take();
        }
        let handle = self.inner.writer_thread.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

fn read_in_transaction<T, E, F>(conn: &Connection, f: F) -> Result<T, E>
where
    E: From<StoreError>,
    F: FnOnce(&Connection) -> Result<T, E>,
{
    conn.prepare_cached("BEGIN").and_then(|mut s| s.execute([])).map_err(StoreError::from)?;
    let result = f(conn);
    // Ending a read-only transaction cannot lose anything; COMMIT releases the snapshot.
    if let Err(e) = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([])) {
        tracing::warn!(error = %e, "ending a read transaction failed");
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

fn run_in_transaction<T, E, F>(conn: &mut Connection, f: F) -> Result<T, E>
where
    E: From<StoreError>,
    F: FnOnce(&Transaction<'_>) -> Result<T, E>,
{
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    let value = f(&tx)?; // dropping `tx` on error rolls back
    tx.commit().map_err(StoreError::from)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum TestError {
        #[error(transparent)]
        Store(#[from] StoreError),
        #[error("refused")]
        Refused,
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    /// A task suspended on a write's answer (a background task when the server stops) must not
    /// keep `close` from returning on a current-thread runtime.
    #[tokio::test]
    async fn close_returns_while_a_task_awaits_a_write() {
        let (_dir, store) = temp_store();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let writer = store.clone();
        tokio::spawn(async move {
            let _ = writer
                .write(move |_| {
                    let _ = wait.recv();
                    Ok::<_, StoreError>(())
                })
                .await;
        });
        // Let the task send its job and suspend on the answer.
        tokio::task::yield_now().await;
        release.send(()).unwrap();
        let (done, closed) = std::sync::mpsc::channel();
        let closing = store.clone();
        std::thread::spawn(move || {
            closing.close();
            let _ = done.send(());
        });
        assert!(closed.recv_timeout(std::time::Duration::from_secs(10)).is_ok(), "close hung");
    }

    #[tokio::test]
    async fn failed_write_rolls_back_everything_it_did() {
        let (_dir, store) = temp_store();
        let result: Result<(), TestError> = store
            .write(|tx| {
                tx.execute("INSERT INTO settings(key, value) VALUES ('a', '1')", [])
                    .map_err(StoreError::from)?;
                Err(TestError::Refused)
            })
            .await;
        assert!(matches!(result, Err(TestError::Refused)));
        let count: i64 = store
            .read(|c| {
                c.query_row("SELECT count(*) FROM settings WHERE key = 'a'", [], |r| r.get(0))
                    .map_err(StoreError::from)
            })
            .await
            .unwrap();
        assert_eq!(count, 0);
    }

    #[tokio::test]
    async fn a_panicking_write_is_rolled_back_and_later_writes_still_work() {
        let (_dir, store) = temp_store();
        let panicked: Result<(), StoreError> = store
            .write(|tx| {
                tx.execute("INSERT INTO settings(key, value) VALUES ('p', '1')", [])?;
                panic!("a bug in a write");
            })
            .await;
        assert!(matches!(panicked, Err(StoreError::Closed)), "{panicked:?}");
        store
            .write(|tx| {
                Ok::<_, StoreError>(tx.execute("INSERT INTO settings(key, value) VALUES ('q', '1')", [])?)
            })
            .await
            .unwrap();
        let keys: Vec<String> = store
            .read(|c| {
                let mut stmt = c.prepare("SELECT key FROM settings WHERE key IN ('p', 'q') ORDER BY key")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok::<_, StoreError>(rows.collect::<Result<_, _>>()?)
            })
            .await
            .unwrap();
        assert_eq!(keys, ["q"], "the panicking write left nothing behind");
    }

    #[tokio::test]
    async fn pragmas_are_applied() {
        let (_dir, store) = temp_store();
        let (mode, sync, fk): (String, i64, i64) = store
            .write(|tx| {
                Ok::<_, StoreError>((
                    tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                    tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                ))
            })
            .await
            .unwrap();
        assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    }

    #[tokio::test]
    async fn writes_after_close_fail_with_closed() {
        let (_dir, store) = temp_store();
        store.close();
        let result: Result<(), StoreError> = store.write(|_| Ok(())).await;
        assert!(matches!(result, Err(StoreError::Closed)));
    }

    #[tokio::test]
    async fn integrity_check_and_backup_work_on_a_live_store() {
        let (dir, store) = temp_store();
        assert_eq!(store.integrity_check().await.unwrap(), vec!["ok".to_string()]);
        let dest = dir.path().join("backup.db");
        store.backup(dest.clone()).await.unwrap();
        let copy = Connection::open(&dest).unwrap();
        let version: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }
}
