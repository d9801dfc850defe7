//! Rows behind the owner's identity: the owner user, launch tickets, owner sessions and the
//! failed-login log. Pure SQL over a transaction or connection; the rules live in `auth`.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::clock::UnixTime;

/// Id of a row in `users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserId(pub i64);

/// Creates the owner row if the file has none yet; returns its id.
pub fn ensure_owner(tx: &Transaction<'_>, now: UnixTime) -> rusqlite::Result<UserId> {
    tx.execute(
        "INSERT INTO users (kind, name, created_at, updated_at)
         SELECT 'owner', 'You', ?1, ?1
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE kind = 'owner')",
        params![now],
    )?;
    tx.query_row("SELECT id FROM users WHERE kind = 'owner'", [], |r| r.get(0).map(UserId))
}

/// The owner's id and password hash (if a password was set).
pub fn owner_credentials(conn: &Connection) -> rusqlite::Result<Option<(UserId, Option<String>)>> {
    conn.prepare_cached("SELECT id, password_hash FROM users WHERE kind = 'owner'")?
        .query_row([], |r| Ok((UserId(r.get(0)?), r.get(1)?)))
        .optional()
}

pub fn set_owner_password_hash(tx: &Transaction<'_>, hash: &str, now: UnixTime) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE users SET password_hash = ?1, updated_at = ?2 WHERE kind = 'owner'",
        params![hash, now],
    )
}

pub fn insert_launch_ticket(
    tx: &Transaction<'_>,
    ticket_hash: &[u8],
    purpose: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO launch_tickets (ticket_hash, purpose, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![ticket_hash, purpose, now, expires_at],
    )?;
    Ok(())
}

/// Marks an unused, unexpired ticket as used. Returns whether one was consumed: a second use,
/// an expired ticket and an unknown ticket all return `false`.
pub fn consume_launch_ticket(
    tx: &Transaction<'_>,
    ticket_hash: &[u8],
    now: UnixTime,
) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE launch_tickets SET used_at = ?2
         WHERE ticket_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        params![ticket_hash, now],
    )?;
    // Old tickets are useless; keep the table small.
    tx.execute("DELETE FROM launch_tickets WHERE expires_at <= ?1 - 86400", params![now])?;
    Ok(changed == 1)
}

pub fn insert_session(
    tx: &Transaction<'_>,
    id: &str,
    user: UserId,
    via: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO owner_sessions (id, user_id, via, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, user.0, via, now, expires_at],
    )?;
    Ok(())
}

/// The user of a live (not revoked, not expired) session.
pub fn live_session_user(conn: &Connection, id: &str, now: UnixTime) -> rusqlite::Result<Option<UserId>> {
    conn.prepare_cached(
        "SELECT user_id FROM owner_sessions
         WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2",
    )?
    .query_row(params![id, now], |r| r.get(0).map(UserId))
    .optional()
}

pub fn revoke_session(tx: &Transaction<'_>, id: &str, now: UnixTime) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE owner_sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now],
    )
}

pub fn revoke_password_sessions(tx: &Transaction<'_>, now: UnixTime) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE owner_sessions SET revoked_at = ?1 WHERE via = 'password' AND revoked_at IS NULL",
        params![now],
    )
}

pub fn record_login_failure(tx: &Transaction<'_>, now: UnixTime) -> rusqlite::Result<()> {
    tx.execute("INSERT INTO login_failures (failed_at) VALUES (?1)", params![now])?;
    Ok(())
}

pub fn login_failures_since(conn: &Connection, since: UnixTime) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT count(*) FROM login_failures WHERE failed_at > ?1")?
        .query_row(params![since], |r| r.get(0))
}

pub fn clear_login_failures(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM login_failures", [])?;
    Ok(())
}
