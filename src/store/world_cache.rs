//! SQL of `world_cache`: outside services' answers (as JSON text) by provider and request key,
//! with an expiry. `providers::world` decides what to cache and for how long.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::clock::UnixTime;

/// Most cached answers kept; beyond it the soonest to expire are dropped, so a long-running
/// installation's cache stays bounded (a few KB per answer).
pub const WORLD_CACHE_MAX_ROWS: i64 = 20_000;

/// The cached answer for `(provider, key)` if it has not expired at `now`.
pub fn get(conn: &Connection, provider: &str, key: &str, now: UnixTime) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM world_cache WHERE provider = ?1 AND key = ?2 AND expires_at > ?3")?
        .query_row(params![provider, key, now], |r| r.get(0))
        .optional()
}

/// Stores an answer until `expires_at`, replacing an older one, and drops expired rows and
/// the excess over [`WORLD_CACHE_MAX_ROWS`].
pub fn put(
    tx: &Transaction<'_>,
    provider: &str,
    key: &str,
    value: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM world_cache WHERE expires_at <= ?1")?.execute([now])?;
    tx.prepare_cached(
        "INSERT INTO world_cache (provider, key, value, fetched_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (provider, key) DO UPDATE SET value = excluded.value,
             fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
    )?
    .execute(params![provider, key, value, now, expires_at])?;
    let count: i64 = tx.prepare_cached("SELECT count(*) FROM world_cache")?.query_row([], |r| r.get(0))?;
    if count > WORLD_CACHE_MAX_ROWS {
        tx.prepare_cached(
            "DELETE FROM world_cache WHERE (provider, key) IN
             (SELECT provider, key FROM world_cache ORDER BY expires_at LIMIT ?1)",
        )?
        .execute([count - WORLD_CACHE_MAX_ROWS])?;
    }
    Ok(())
}

/// Answers cached for a provider that have not expired (tests and diagnostics).
pub fn count(conn: &Connection, provider: &str, now: UnixTime) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM world_cache WHERE provider = ?1 AND expires_at > ?2")?
        .query_row(params![provider, now], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("migrations/0009_world_cache.sql")).unwrap();
        conn
    }

    #[test]
    fn entries_expire_and_are_replaced() {
        let mut conn = db();
        let tx = conn.transaction().unwrap();
        put(&tx, "p", "k", "1", 100, 200).unwrap();
        put(&tx, "p", "k", "2", 100, 200).unwrap();
        tx.commit().unwrap();
        assert_eq!(get(&conn, "p", "k", 199).unwrap().as_deref(), Some("2"));
        assert_eq!(get(&conn, "p", "k", 200).unwrap(), None, "expired at expires_at");
        assert_eq!(get(&conn, "other", "k", 150).unwrap(), None, "providers do not share keys");
        // A later write removes what has expired.
        let tx = conn.transaction().unwrap();
        put(&tx, "p", "k2", "3", 300, 400).unwrap();
        tx.commit().unwrap();
        let rows: i64 = conn.query_row("SELECT count(*) FROM world_cache", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
        assert_eq!(count(&conn, "p", 300).unwrap(), 1);
    }

    #[test]
    fn the_cache_is_capped_dropping_the_soonest_to_expire() {
        let mut conn = db();
        let tx = conn.transaction().unwrap();
        for i in 0..=WORLD_CACHE_MAX_ROWS {
            put(&tx, "p", &i.to_string(), "v", 0, 1000 + i).unwrap();
        }
        tx.commit().unwrap();
        let rows: i64 = conn.query_row("SELECT count(*) FROM world_cache", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, WORLD_CACHE_MAX_ROWS);
        assert_eq!(get(&conn, "p", "0", 0).unwrap(), None, "the soonest to expire went first");
        assert!(get(&conn, "p", &WORLD_CACHE_MAX_ROWS.to_string(), 0).unwrap().is_some());
    }
}
