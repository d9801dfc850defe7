//! Numbered, append-only schema migrations embedded in the binary; `user_version` is the version.

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use super::StoreError;

/// Every migration, in order. Append only: a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_owner.sql"),
    include_str!("migrations/0002_oauth.sql"),
    include_str!("migrations/0003_trips.sql"),
    include_str!("migrations/0004_places.sql"),
    include_str!("migrations/0005_day_planning.sql"),
    include_str!("migrations/0006_budget_packing.sql"),
    include_str!("migrations/0007_bookings_todos_notes_atlas.sql"),
    include_str!("migrations/0008_share_links.sql"),
    include_str!("migrations/0009_world_cache.sql"),
    include_str!("migrations/0010_collab_polls_chat.sql"),
    include_str!("migrations/0011_notifications.sql"),
    include_str!("migrations/0012_journeys.sql"),
    include_str!("migrations/0013_atlas_regions.sql"),
    include_str!("migrations/0014_vacay.sql"),
    include_str!("migrations/0015_vacay_calendars_place_country.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Brings the file up to `SCHEMA_VERSION` inside one transaction (rusqlite_migration runs
/// the pending steps atomically), refusing a file from a newer build without touching it.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known: SCHEMA_VERSION });
    }
    migrations().to_latest(conn)?;
    Ok(())
}

/// Brings a fresh file to an older schema `version` (upgrade tests build "an older Trek's" file
/// with it).
#[doc(hidden)]
pub fn migrate_to_version(conn: &mut Connection, version: usize) -> Result<(), StoreError> {
    migrations().to_version(conn, version)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path).unwrap();
        conn.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')", []).unwrap();
        migrate(&mut conn, &path).unwrap();
        let v: String = conn.query_row("SELECT value FROM settings", [], |r| r.get(0)).unwrap();
        assert_eq!(v, "v");
    }

    #[test]
    fn newer_file_is_refused_and_left_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 999;").unwrap();
        let err = migrate(&mut conn, &path).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 999, .. }), "{err}");
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "nothing may be created in a newer file");
    }

    #[test]
    fn failed_migration_keeps_existing_data() {
        // A file at version 1 whose data makes a (hypothetical) next step fail must keep its
        // rows and its version: the pending steps run in one transaction.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path).unwrap();
        conn.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')", []).unwrap();
        let mut steps: Vec<M> = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
        steps.push(M::up("CREATE TABLE broken(x); INSERT INTO no_such_table VALUES (1);"));
        assert!(Migrations::new(steps).to_latest(&mut conn).is_err());
        let v: String = conn.query_row("SELECT value FROM settings", [], |r| r.get(0)).unwrap();
        assert_eq!(v, "v");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'broken'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(broken, 0);
    }
}
