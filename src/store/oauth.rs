//! Rows of the OAuth authorization server: clients, pending consents, consents, grants, codes,
//! tokens, static tokens and the auth audit log. Plain SQL; the rules live in `auth::oauth`.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::clock::UnixTime;
use crate::store::owner::UserId;

/// A stored client. Scopes and lists are kept as text; `auth::oauth` gives them types.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub preset: Option<String>,
    pub secret_hash: Option<Vec<u8>>,
    pub auth_method: String,
    pub application_type: String,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    pub client_uri: Option<String>,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
}

const CLIENT_COLUMNS: &str = "id, kind, name, preset, secret_hash, auth_method, application_type, \
     redirect_uris, scopes, client_uri, created_at, last_used_at";

fn client_from_row(r: &Row<'_>) -> rusqlite::Result<ClientRow> {
    let uris: String = r.get(7)?;
    Ok(ClientRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        preset: r.get(3)?,
        secret_hash: r.get(4)?,
        auth_method: r.get(5)?,
        application_type: r.get(6)?,
        redirect_uris: serde_json::from_str(&uris).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
        })?,
        scopes: r.get(8)?,
        client_uri: r.get(9)?,
        created_at: r.get(10)?,
        last_used_at: r.get(11)?,
    })
}

pub fn insert_client(tx: &Transaction<'_>, c: &ClientRow) -> rusqlite::Result<()> {
    let uris = serde_json::to_string(&c.redirect_uris)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        "INSERT INTO oauth_clients (id, kind, name, preset, secret_hash, auth_method, application_type,
             redirect_uris, scopes, client_uri, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            c.id,
            c.kind,
            c.name,
            c.preset,
            c.secret_hash,
            c.auth_method,
            c.application_type,
            uris,
            c.scopes,
            c.client_uri,
            c.created_at
        ],
    )?;
    Ok(())
}

/// Refreshes a CIMD client's cached metadata (its document may change).
pub fn update_cimd_client(tx: &Transaction<'_>, c: &ClientRow, now: UnixTime) -> rusqlite::Result<()> {
    let uris = serde_json::to_string(&c.redirect_uris)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        "UPDATE oauth_clients SET name = ?2, redirect_uris = ?3, client_uri = ?4, updated_at = ?5
         WHERE id = ?1 AND kind = 'cimd'",
        params![c.id, c.name, uris, c.client_uri, now],
    )?;
    Ok(())
}

pub fn get_client(conn: &Connection, id: &str) -> rusqlite::Result<Option<ClientRow>> {
    conn.prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE id = ?1"))?
        .query_row([id], client_from_row)
        .optional()
}

pub fn list_clients(conn: &Connection) -> rusqlite::Result<Vec<ClientRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM oauth_clients ORDER BY created_at, id"))?;
    stmt.query_map([], client_from_row)?.collect()
}

pub fn count_owner_clients(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM oauth_clients WHERE kind IN ('precreated', 'machine')", [], |r| {
        r.get(0)
    })
}

pub fn set_client_secret(
    tx: &Transaction<'_>,
    id: &str,
    hash: &[u8],
    now: UnixTime,
) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE oauth_clients SET secret_hash = ?2, updated_at = ?3 WHERE id = ?1 AND secret_hash IS NOT NULL",
        params![id, hash, now],
    )
}

pub fn touch_client(tx: &Transaction<'_>, id: &str, now: UnixTime) -> rusqlite::Result<()> {
    tx.execute("UPDATE oauth_clients SET last_used_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

pub fn delete_client(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<usize> {
    tx.execute("DELETE FROM oauth_clients WHERE id = ?1", [id])
}

/// Removes dynamic clients registered before `before` that never received a consent or grant.
pub fn prune_unconsented_clients(tx: &Transaction<'_>, before: UnixTime) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM oauth_clients
         WHERE kind IN ('dynamic', 'cimd') AND created_at < ?1
           AND NOT EXISTS (SELECT 1 FROM oauth_consents c WHERE c.client_id = oauth_clients.id)
           AND NOT EXISTS (SELECT 1 FROM oauth_grants g WHERE g.client_id = oauth_clients.id)",
        [before],
    )
}

/// A pending authorization request.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: String,
    pub resource: String,
    pub issuer: String,
    pub scopes: String,
    pub browser_hash: Vec<u8>,
    pub status: String,
    pub granted_scopes: Option<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

const PENDING_COLUMNS: &str = "id, client_id, redirect_uri, state, code_challenge, resource, issuer, \
     scopes, browser_hash, status, granted_scopes, created_at, expires_at";

fn pending_from_row(r: &Row<'_>) -> rusqlite::Result<PendingRow> {
    Ok(PendingRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        redirect_uri: r.get(2)?,
        state: r.get(3)?,
        code_challenge: r.get(4)?,
        resource: r.get(5)?,
        issuer: r.get(6)?,
        scopes: r.get(7)?,
        browser_hash: r.get(8)?,
        status: r.get(9)?,
        granted_scopes: r.get(10)?,
        created_at: r.get(11)?,
        expires_at: r.get(12)?,
    })
}

pub fn insert_pending(tx: &Transaction<'_>, p: &PendingRow) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO oauth_pending (id, client_id, redirect_uri, state, code_challenge, resource, issuer,
             scopes, browser_hash, status, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11)",
        params![
            p.id,
            p.client_id,
            p.redirect_uri,
            p.state,
            p.code_challenge,
            p.resource,
            p.issuer,
            p.scopes,
            p.browser_hash,
            p.created_at,
            p.expires_at
        ],
    )?;
    // Decided or expired requests are of no further use after a day.
    tx.execute("DELETE FROM oauth_pending WHERE expires_at < ?1 - 86400", [p.created_at])?;
    Ok(())
}

/// Open (undecided, unexpired) requests started through `issuer`.
pub fn count_open_pending(conn: &Connection, issuer: &str, now: UnixTime) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "SELECT count(*) FROM oauth_pending WHERE issuer = ?1 AND status = 'pending' AND expires_at > ?2",
    )?
    .query_row(params![issuer, now], |r| r.get::<_, i64>(0))
    .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

pub fn get_pending(conn: &Connection, id: &str) -> rusqlite::Result<Option<PendingRow>> {
    conn.prepare_cached(&format!("SELECT {PENDING_COLUMNS} FROM oauth_pending WHERE id = ?1"))?
        .query_row([id], pending_from_row)
        .optional()
}

/// Requests still waiting for a decision, oldest first.
pub fn list_open_pending(conn: &Connection, now: UnixTime) -> rusqlite::Result<Vec<PendingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PENDING_COLUMNS} FROM oauth_pending WHERE status = 'pending' AND expires_at > ?1
         ORDER BY created_at, id"
    ))?;
    stmt.query_map([now], pending_from_row)?.collect()
}

/// Moves a pending request to `status` if it is still `from`. Returns whether it moved.
pub fn transition_pending(
    tx: &Transaction<'_>,
    id: &str,
    from: &str,
    to: &str,
    granted_scopes: Option<&str>,
    now: UnixTime,
) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE oauth_pending SET status = ?3, granted_scopes = coalesce(?4, granted_scopes),
             decided_at = coalesce(decided_at, ?5)
         WHERE id = ?1 AND status = ?2",
        params![id, from, to, granted_scopes, now],
    )?;
    Ok(changed == 1)
}

pub fn get_consent(conn: &Connection, client_id: &str, user: UserId) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT scopes FROM oauth_consents WHERE client_id = ?1 AND user_id = ?2")?
        .query_row(params![client_id, user.0], |r| r.get(0))
        .optional()
}

pub fn upsert_consent(
    tx: &Transaction<'_>,
    client_id: &str,
    user: UserId,
    scopes: &str,
    now: UnixTime,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO oauth_consents (client_id, user_id, scopes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (client_id, user_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at",
        params![client_id, user.0, scopes, now],
    )?;
    Ok(())
}

/// An authorization code as stored.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub client_id: String,
    pub user_id: UserId,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: String,
    pub resource: String,
    pub expires_at: UnixTime,
    pub used_at: Option<UnixTime>,
    pub grant_id: Option<String>,
}

pub fn insert_code(tx: &Transaction<'_>, hash: &[u8], c: &CodeRow, now: UnixTime) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, code_challenge, scopes,
             resource, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            hash,
            c.client_id,
            c.user_id.0,
            c.redirect_uri,
            c.code_challenge,
            c.scopes,
            c.resource,
            now,
            c.expires_at
        ],
    )?;
    tx.execute("DELETE FROM oauth_codes WHERE expires_at < ?1 - 86400", [now])?;
    Ok(())
}

pub fn get_code(conn: &Connection, hash: &[u8]) -> rusqlite::Result<Option<CodeRow>> {
    conn.prepare_cached(
        "SELECT client_id, user_id, redirect_uri, code_challenge, scopes, resource, expires_at, used_at, grant_id
         FROM oauth_codes WHERE code_hash = ?1",
    )?
    .query_row([hash], |r| {
        Ok(CodeRow {
            client_id: r.get(0)?,
            user_id: UserId(r.get(1)?),
            redirect_uri: r.get(2)?,
            code_challenge: r.get(3)?,
            scopes: r.get(4)?,
            resource: r.get(5)?,
            expires_at: r.get(6)?,
            used_at: r.get(7)?,
            grant_id: r.get(8)?,
        })
    })
    .optional()
}

pub fn mark_code_used(
    tx: &Transaction<'_>,
    hash: &[u8],
    grant_id: Option<&str>,
    now: UnixTime,
) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE oauth_codes SET used_at = ?2, grant_id = ?3 WHERE code_hash = ?1 AND used_at IS NULL",
        params![hash, now, grant_id],
    )?;
    Ok(changed == 1)
}

/// An OAuth session (grant) as stored.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: String,
    pub client_id: String,
    pub user_id: UserId,
    pub kind: String,
    pub scopes: String,
    pub resource: String,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

const GRANT_COLUMNS: &str =
    "id, client_id, user_id, kind, scopes, resource, created_at, last_used_at, revoked_at";

fn grant_from_row(r: &Row<'_>) -> rusqlite::Result<GrantRow> {
    Ok(GrantRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        user_id: UserId(r.get(2)?),
        kind: r.get(3)?,
        scopes: r.get(4)?,
        resource: r.get(5)?,
        created_at: r.get(6)?,
        last_used_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

pub fn insert_grant(tx: &Transaction<'_>, g: &GrantRow) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO oauth_grants (id, client_id, user_id, kind, scopes, resource, created_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![g.id, g.client_id, g.user_id.0, g.kind, g.scopes, g.resource, g.created_at],
    )?;
    Ok(())
}

pub fn get_grant(conn: &Connection, id: &str) -> rusqlite::Result<Option<GrantRow>> {
    conn.prepare_cached(&format!("SELECT {GRANT_COLUMNS} FROM oauth_grants WHERE id = ?1"))?
        .query_row([id], grant_from_row)
        .optional()
}

/// Live OAuth sessions, most recently used first.
pub fn list_live_grants(conn: &Connection) -> rusqlite::Result<Vec<GrantRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GRANT_COLUMNS} FROM oauth_grants WHERE revoked_at IS NULL ORDER BY last_used_at DESC, id"
    ))?;
    stmt.query_map([], grant_from_row)?.collect()
}

/// Revokes a grant and deletes its tokens. Returns whether it was live.
pub fn revoke_grant(tx: &Transaction<'_>, id: &str, why: &str, now: UnixTime) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE oauth_grants SET revoked_at = ?2, revoked_why = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now, why],
    )?;
    tx.execute("DELETE FROM oauth_tokens WHERE grant_id = ?1", [id])?;
    Ok(changed == 1)
}

/// Ids of a client's live grants (to revoke them with it).
pub fn live_grant_ids_of_client(conn: &Connection, client_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM oauth_grants WHERE client_id = ?1 AND revoked_at IS NULL")?;
    stmt.query_map([client_id], |r| r.get(0))?.collect()
}

pub fn touch_grant(tx: &Transaction<'_>, id: &str, now: UnixTime) -> rusqlite::Result<()> {
    tx.execute("UPDATE oauth_grants SET last_used_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// A token row joined with its grant.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub kind: String,
    pub grant_id: String,
    pub scopes: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub used_at: Option<UnixTime>,
    pub client_id: String,
    pub user_id: UserId,
    pub resource: String,
    pub grant_revoked: bool,
}

pub fn insert_token(
    tx: &Transaction<'_>,
    hash: &[u8],
    kind: &str,
    grant_id: &str,
    scopes: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO oauth_tokens (token_hash, kind, grant_id, scopes, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![hash, kind, grant_id, scopes, now, expires_at],
    )?;
    Ok(())
}

pub fn get_token(conn: &Connection, hash: &[u8]) -> rusqlite::Result<Option<TokenRow>> {
    conn.prepare_cached(
        "SELECT t.kind, t.grant_id, t.scopes, t.created_at, t.expires_at, t.used_at,
                g.client_id, g.user_id, g.resource, g.revoked_at IS NOT NULL
         FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.token_hash = ?1",
    )?
    .query_row([hash], |r| {
        Ok(TokenRow {
            kind: r.get(0)?,
            grant_id: r.get(1)?,
            scopes: r.get(2)?,
            created_at: r.get(3)?,
            expires_at: r.get(4)?,
            used_at: r.get(5)?,
            client_id: r.get(6)?,
            user_id: UserId(r.get(7)?),
            resource: r.get(8)?,
            grant_revoked: r.get(9)?,
        })
    })
    .optional()
}

/// Marks a refresh token used (rotated). Returns false when it already was: a replay.
pub fn mark_token_used(tx: &Transaction<'_>, hash: &[u8], now: UnixTime) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE oauth_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
        params![hash, now],
    )?;
    Ok(changed == 1)
}

/// Deletes expired tokens (keeps used refresh tokens until they expire: they detect replays).
pub fn delete_expired_tokens(tx: &Transaction<'_>, now: UnixTime) -> rusqlite::Result<usize> {
    tx.execute("DELETE FROM oauth_tokens WHERE expires_at <= ?1", [now])
}

/// A static token as listed (never with its secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StaticTokenRow {
    pub id: i64,
    pub name: String,
    pub hint: String,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
}

pub fn insert_static_token(
    tx: &Transaction<'_>,
    user: UserId,
    name: &str,
    hash: &[u8],
    hint: &str,
    now: UnixTime,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO static_tokens (user_id, name, token_hash, hint, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user.0, name, hash, hint, now],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn list_static_tokens(conn: &Connection) -> rusqlite::Result<Vec<StaticTokenRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, hint, created_at, last_used_at FROM static_tokens ORDER BY created_at, id",
    )?;
    stmt.query_map([], |r| {
        Ok(StaticTokenRow {
            id: r.get(0)?,
            name: r.get(1)?,
            hint: r.get(2)?,
            created_at: r.get(3)?,
            last_used_at: r.get(4)?,
        })
    })?
    .collect()
}

pub fn static_token_exists(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM static_tokens WHERE id = ?1")?.exists([id])
}

pub fn count_static_tokens(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM static_tokens", [], |r| r.get(0))
}

pub fn delete_static_token(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<usize> {
    tx.execute("DELETE FROM static_tokens WHERE id = ?1", [id])
}

/// The owner and id behind a static token hash.
pub fn find_static_token(conn: &Connection, hash: &[u8]) -> rusqlite::Result<Option<(i64, UserId)>> {
    conn.prepare_cached("SELECT id, user_id FROM static_tokens WHERE token_hash = ?1")?
        .query_row([hash], |r| Ok((r.get(0)?, UserId(r.get(1)?))))
        .optional()
}

/// One audit event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRow {
    pub at: UnixTime,
    pub event: String,
    pub client_id: Option<String>,
    pub grant_id: Option<String>,
    pub detail: Option<String>,
}

pub fn insert_audit(tx: &Transaction<'_>, e: &AuditRow) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO auth_audit (at, event, client_id, grant_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![e.at, e.event, e.client_id, e.grant_id, e.detail],
    )?;
    Ok(())
}

pub fn list_audit(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, event, client_id, grant_id, detail FROM auth_audit ORDER BY id DESC LIMIT ?1",
    )?;
    stmt.query_map([limit], |r| {
        Ok(AuditRow {
            at: r.get(0)?,
            event: r.get(1)?,
            client_id: r.get(2)?,
            grant_id: r.get(3)?,
            detail: r.get(4)?,
        })
    })?
    .collect()
}
