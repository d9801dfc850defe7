//! Backups of the database: one before every migration, one a day while serving, one before
//! every restore, and those the owner asks for; retention per kind; listing; verified restore.
//!
//! Backups are plain SQLite files in `<data dir>/backups/`, named
//! `trek-<kind>-<YYYYMMDDTHHMMSSZ>.db`, written with SQLite's online backup API (consistent
//! while the server writes) to a temporary name and renamed, so a half-written backup never
//! looks like a good one.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{SCHEMA_VERSION, StoreError};
use crate::clock::UnixTime;
use crate::config::{BACKUP_INTERVAL, BACKUPS_KEPT_PER_KIND, SQLITE_BUSY_TIMEOUT};

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Daily,
    PreMigration,
    PreRestore,
    /// Asked for by the owner (Settings → Back up now).
    Manual,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Daily, Kind::PreMigration, Kind::PreRestore, Kind::Manual];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Daily => "daily",
            Kind::PreMigration => "pre-migration",
            Kind::PreRestore => "pre-restore",
            Kind::Manual => "manual",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Backup {
    pub path: PathBuf,
    pub kind: Kind,
    /// When it was taken (from its name), Unix seconds.
    pub taken_at: UnixTime,
    pub bytes: u64,
}

/// `<data dir>/backups` for the database at `db`.
pub fn dir_for(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

const STAMP: &[time::format_description::FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

fn stamp(at: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(STAMP).ok())
        .unwrap_or_else(|| at.to_string())
}

/// `trek-<kind>-<stamp>.db`, or `trek-<kind>-<stamp>-<n>.db` for the n-th backup of a kind
/// within one second (a backup never overwrites another).
fn file_name(kind: Kind, at: UnixTime, n: u32) -> String {
    match n {
        0 | 1 => format!("trek-{}-{}.db", kind.label(), stamp(at)),
        n => format!("trek-{}-{}-{n}.db", kind.label(), stamp(at)),
    }
}

/// Kind, time and sequence number within that second (1 for the first).
fn parse_name(name: &str) -> Option<(Kind, UnixTime, u32)> {
    let rest = name.strip_prefix("trek-")?.strip_suffix(".db")?;
    Kind::ALL.into_iter().find_map(|kind| {
        let stamped = rest.strip_prefix(kind.label())?.strip_prefix('-')?;
        let (stamp, n) = match stamped.split_once("Z-") {
            Some((stamp, n)) => (&stamped[..=stamp.len()], n.parse::<u32>().ok().filter(|n| *n >= 2)?),
            None => (stamped, 1),
        };
        let at = time::PrimitiveDateTime::parse(stamp, STAMP).ok()?.assume_utc().unix_timestamp();
        Some((kind, at, n))
    })
}

/// Every backup of the database at `db`, newest first.
pub fn list(db: &Path) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(dir_for(db)) else { return Vec::new() };
    let mut backups: Vec<(u32, Backup)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let (kind, taken_at, n) = parse_name(entry.file_name().to_str()?)?;
            let bytes = entry.metadata().ok()?.len();
            Some((n, Backup { path: entry.path(), kind, taken_at, bytes }))
        })
        .collect();
    backups.sort_by(|(n, a), (m, b)| {
        b.taken_at.cmp(&a.taken_at).then(m.cmp(n)).then_with(|| b.path.cmp(&a.path))
    });
    backups.into_iter().map(|(_, backup)| backup).collect()
}

/// Opens `path` read-only and checks it is a healthy Trek database this build can open:
/// `PRAGMA quick_check` is ok and its schema is not newer than ours. Returns its version.
pub fn verify(path: &Path) -> Result<i64, StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Damaged { path: path.to_path_buf(), reason: check, backup: None });
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
    }
    if version == 0 {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: "not a Trek database (no schema)".into(),
            backup: None,
        });
    }
    Ok(version)
}

/// The newest backup that passes [`verify`], if any.
pub fn latest_good(db: &Path) -> Option<PathBuf> {
    list(db).into_iter().map(|b| b.path).find(|path| verify(path).is_ok())
}

/// Copies the database at `db` into a new backup of `kind` and prunes that kind to
/// `BACKUPS_KEPT_PER_KIND`. Blocking: call it off the async runtime.
pub fn take(db: &Path, kind: Kind, now: UnixTime) -> Result<Backup, StoreError> {
    take_keeping(db, kind, now, None)
}

/// [`take`], but pruning never removes `keep` (the backup a restore is about to read).
fn take_keeping(db: &Path, kind: Kind, now: UnixTime, keep: Option<&Path>) -> Result<Backup, StoreError> {
    let dir = dir_for(db);
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::DataDir { path: dir.clone(), source })?;
    let mut n = 1;
    let dest = loop {
        let candidate = dir.join(file_name(kind, now, n));
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    let partial = dest.with_extension("db.partial");
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    source.backup(rusqlite::MAIN_DB, &partial, None)?;
    std::fs::rename(&partial, &dest).map_err(|source| StoreError::DataDir { path: dest.clone(), source })?;
    prune(db, kind, keep);
    let bytes = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
    Ok(Backup { path: dest, kind, taken_at: now, bytes })
}

/// Removes the oldest backups of `kind` beyond the retention count. Best effort: a file that
/// cannot be removed stays and is retried next time.
fn prune(db: &Path, kind: Kind, keep: Option<&Path>) {
    let kept = |b: &Backup| Some(b.path.as_path()) == keep;
    for old in
        list(db).into_iter().filter(|b| b.kind == kind).skip(BACKUPS_KEPT_PER_KIND).filter(|b| !kept(b))
    {
        if let Err(error) = std::fs::remove_file(&old.path) {
            tracing::warn!(path = %old.path.display(), %error, "could not remove an old backup");
        }
    }
}

/// Takes the daily backup when the newest one is older than `BACKUP_INTERVAL` (or missing).
/// Returns the backup taken, if one was due.
pub fn daily_if_due(db: &Path, now: UnixTime) -> Result<Option<Backup>, StoreError> {
    let newest = list(db).into_iter().find(|b| b.kind == Kind::Daily).map(|b| b.taken_at);
    let interval = i64::try_from(BACKUP_INTERVAL.as_secs()).unwrap_or(i64::MAX);
    if newest.is_some_and(|at| now - at < interval && at <= now) {
        return Ok(None);
    }
    take(db, Kind::Daily, now).map(Some)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The copy of the replaced database (a pre-restore backup, or the damaged file set aside).
    pub previous: Option<PathBuf>,
    pub schema_version: i64,
}

/// Replaces the database at `db` with the backup `from` after verifying it. The current file is
/// kept first: as a pre-restore backup when it is readable, else moved aside as
/// `trek-damaged-<stamp>.db`. Must not run while a server has the database open.
pub fn restore(db: &Path, from: &Path, now: UnixTime) -> Result<Restored, StoreError> {
    let schema_version = verify(from)?;
    let previous = if db.exists() {
        match verify(db) {
            Ok(_) => Some(take(db, Kind::PreRestore, now)?.path),
            Err(_) => {
                // Not named like a backup: it must never be offered as one.
                let aside = dir_for(db).join(format!("trek-damaged-{}.db", stamp(now)));
                std::fs::create_dir_all(dir_for(db))
                    .and_then(|()| std::fs::rename(db, &aside))
                    .map_err(|source| StoreError::DataDir { path: aside.clone(), source })?;
                Some(aside)
            }
        }
    } else {
        None
    };
    let partial = db.with_extension("db.restoring");
    {
        let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        source.backup(rusqlite::MAIN_DB, &partial, None)?;
    }
    // The old WAL belongs to the old file: replaying it onto the restored one would corrupt it.
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(StoreError::DataDir { path: db.to_path_buf(), source: e });
            }
            _ => {}
        }
    }
    std::fs::rename(&partial, db).map_err(|source| StoreError::DataDir { path: db.to_path_buf(), source })?;
    Ok(Restored { previous, schema_version })
}

/// Replaces the contents of the live database with the backup `from`, through `conn` (the
/// writer's connection, outside any transaction) with SQLite's online backup API: the other
/// connections stay open and see the restored data at their next read. The current database is
/// kept first as a pre-restore backup; an older backup is migrated. The owner's login sessions
/// are carried over, so the person who clicked Restore stays logged in.
pub(super) fn restore_live(
    conn: &mut Connection,
    db: &Path,
    from: &Path,
    now: UnixTime,
) -> Result<Restored, StoreError> {
    let schema_version = verify(from)?;
    let previous = take_keeping(db, Kind::PreRestore, now, Some(from))?.path;
    let sessions = owner_sessions(conn)?;
    copy_into(conn, from)?;
    if let Err(e) = super::migrations::migrate(conn, db) {
        // Never leave the running server on an old schema: put the database back as it was.
        copy_into(conn, &previous)?;
        return Err(e);
    }
    let tx = conn.transaction()?;
    for row in &sessions {
        tx.execute(
            "INSERT OR REPLACE INTO owner_sessions (id, user_id, via, created_at, expires_at, revoked_at)
             SELECT ?1, id, ?2, ?3, ?4, ?5 FROM users WHERE kind = 'owner'",
            rusqlite::params![row.0, row.1, row.2, row.3, row.4],
        )?;
    }
    tx.commit()?;
    Ok(Restored { previous: Some(previous), schema_version })
}

/// Overwrites the database behind `conn` with the file `from`, all pages in one step (one
/// transaction on the destination: it fails as a whole).
fn copy_into(conn: &mut Connection, from: &Path) -> Result<(), StoreError> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    let copy = rusqlite::backup::Backup::new(&source, conn)?;
    match copy.step(-1)? {
        rusqlite::backup::StepResult::Done => Ok(()),
        // Busy/locked: a reader of `from` or a writer elsewhere holds it; nothing was written.
        other => Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some(format!("the copy could not finish ({other:?}); try again")),
        ))),
    }
}

type SessionRow = (String, String, i64, i64, Option<i64>);

fn owner_sessions(conn: &Connection) -> Result<Vec<SessionRow>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, via, created_at, expires_at, revoked_at FROM owner_sessions WHERE revoked_at IS NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The backup called `name` in the backups folder of `db`. Only names Trek gives its backups
/// are accepted (never a path), so a caller cannot point a restore at an arbitrary file.
pub fn by_name(db: &Path, name: &str) -> Result<Option<PathBuf>, InvalidBackupName> {
    if parse_name(name).is_none() {
        return Err(InvalidBackupName);
    }
    let path = dir_for(db).join(name);
    Ok(path.is_file().then_some(path))
}

/// A name that is not one Trek gives its backups (`trek-<kind>-<YYYYMMDDTHHMMSSZ>.db`).
#[derive(Debug, thiserror::Error)]
#[error("not the name of a Trek backup (trek-<kind>-<YYYYMMDDTHHMMSSZ>.db)")]
pub struct InvalidBackupName;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_foreign_files_are_ignored() {
        for kind in Kind::ALL {
            for n in [1, 2, 17] {
                let name = file_name(kind, 1_799_997_600, n);
                assert_eq!(parse_name(&name), Some((kind, 1_799_997_600, n)), "{name}");
            }
        }
        assert_eq!(file_name(Kind::Daily, 1_799_997_600, 1), "trek-daily-20270115T072000Z.db");
        assert_eq!(file_name(Kind::Daily, 1_799_997_600, 2), "trek-daily-20270115T072000Z-2.db");
        for foreign in [
            "trek.db",
            "trek-daily-.db",
            "trek-weekly-20270115T080000Z.db",
            "notes.txt",
            "trek-daily-20271315T080000Z.db",
            "trek-daily-20270115T072000Z-1.db",
            "trek-daily-20270115T072000Z-x.db",
            "trek-daily-20270115T072000Z-.db",
            "trek-daily-20270115T072000Z-2-3.db",
        ] {
            assert_eq!(parse_name(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn backups_in_one_second_never_overwrite_and_pruning_spares_the_kept_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("trek.db");
        Connection::open(&db).unwrap().execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;").unwrap();
        let now = 1_799_997_600;
        let first = take(&db, Kind::PreRestore, now).unwrap();
        let second = take(&db, Kind::PreRestore, now).unwrap();
        assert_ne!(first.path, second.path);
        assert!(second.path.to_str().unwrap().ends_with("Z-2.db"), "{:?}", second.path);
        assert_eq!(list(&db).first().map(|b| b.path.clone()), Some(second.path.clone()), "newest first");

        // Fill the kind to its retention count with later backups; the oldest is due for pruning
        // but is the one a restore reads, so it stays.
        for i in 1..=BACKUPS_KEPT_PER_KIND as i64 {
            take_keeping(&db, Kind::PreRestore, now + i, Some(&first.path)).unwrap();
        }
        assert!(first.path.exists(), "the kept backup survives pruning");
        assert!(!second.path.exists(), "the others are pruned as usual");
    }
}
