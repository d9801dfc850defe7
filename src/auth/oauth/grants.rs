//! The token endpoint's grants (authorization_code, refresh_token, client_credentials),
//! revocation (RFC 7009), introspection (RFC 7662) and bearer verification for `/mcp`.

use serde::{Deserialize, Serialize};

use super::authorize::check_resource;
use super::clients::authenticate_client;
use super::{ACCESS_TOKEN_PREFIX, OAuth, OAuthError, REFRESH_TOKEN_PREFIX, STATIC_TOKEN_PREFIX, audit};
use crate::auth::pkce;
use crate::auth::scopes::ScopeSet;
use crate::auth::secret::{Secret, hash, random_id};
use crate::clock::UnixTime;
use crate::config::{ACCESS_TOKEN_TTL, BEARER_CACHE_ENTRIES, REFRESH_TOKEN_TTL};
use crate::store::oauth::{self as rows, ClientRow, GrantRow};
use crate::store::owner::{self, UserId};

/// Form fields of `POST /oauth/token` (RFC 6749 §4.1.3, §4.4.2, §6).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// How the client authenticated: `client_id`/`client_secret` from Basic or the body.
#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: Option<String>,
    pub secret: Option<String>,
}

/// RFC 6749 §5.1 success response.
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

/// Which kind of credential a bearer token was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    OAuth,
    /// Deprecated `trek_` token: full access.
    Static,
    /// The owner's own browser session (the UI): full access.
    Owner,
}

/// Who is calling `/mcp` and what they may do.
#[derive(Debug, Clone, Serialize)]
pub struct AccessContext {
    pub user: UserId,
    pub kind: TokenKind,
    pub client_id: Option<String>,
    /// The OAuth session, or `static:<id>` for a static token.
    pub grant_id: String,
    pub scopes: ScopeSet,
    pub expires_at: Option<UnixTime>,
}

/// Bearer verifications remembered between `/mcp` calls, so a call does not pay a SQLite
/// lookup (and a hop to the blocking pool) for a token it verified a moment ago.
///
/// Revocation stays immediate, also from another process (the `trek` CLI writes to the same
/// file): an entry is valid only while SQLite's `data_version` is the one read before the
/// entry's lookup, and any commit by another connection changes it. A write anywhere empties
/// the cache's usefulness until the next lookup, which is the price of never being stale.
#[derive(Default)]
pub(super) struct BearerCache {
    entries: std::sync::Mutex<std::collections::HashMap<[u8; 32], CachedBearer>>,
}

struct CachedBearer {
    data_version: i64,
    resource: String,
    access: AccessContext,
}

impl BearerCache {
    fn get(
        &self,
        hash: &[u8; 32],
        data_version: i64,
        resource: &str,
        now: UnixTime,
    ) -> Option<AccessContext> {
        let entries = self.entries.lock().ok()?;
        let hit = entries.get(hash)?;
        let fresh = hit.data_version == data_version
            && hit.resource == resource
            && hit.access.expires_at.is_none_or(|e| e > now);
        fresh.then(|| hit.access.clone())
    }

    fn put(&self, hash: [u8; 32], data_version: i64, resource: String, access: AccessContext) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= BEARER_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(hash, CachedBearer { data_version, resource, access });
    }
}

/// RFC 7662 §2.2 response.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<UnixTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<UnixTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// A grant's result: the outer `Err` rolls the transaction back; an inner `Err` is committed
/// first (replay detection must keep its revocation although the request fails).
type Committed = Result<Result<TokenResponse, OAuthError>, OAuthError>;

fn parse_scopes(s: &str) -> ScopeSet {
    ScopeSet::parse(s).map(|(set, _)| set).unwrap_or_default()
}

/// Issues an access token (and optionally a refresh token) in `grant`.
fn mint(
    tx: &rusqlite::Transaction<'_>,
    grant: &str,
    scopes: ScopeSet,
    with_refresh: bool,
    now: UnixTime,
) -> rusqlite::Result<TokenResponse> {
    let access = Secret::generate(ACCESS_TOKEN_PREFIX);
    let ttl = ACCESS_TOKEN_TTL.as_secs();
    rows::insert_token(tx, &access.hash(), "access", grant, &scopes.to_string(), now, now + ttl as i64)?;
    let refresh = if with_refresh {
        let refresh = Secret::generate(REFRESH_TOKEN_PREFIX);
        let ttl = REFRESH_TOKEN_TTL.as_secs() as i64;
        rows::insert_token(tx, &refresh.hash(), "refresh", grant, &scopes.to_string(), now, now + ttl)?;
        Some(refresh.expose().to_owned())
    } else {
        None
    };
    rows::touch_grant(tx, grant, now)?;
    Ok(TokenResponse {
        access_token: access.expose().to_owned(),
        token_type: "Bearer",
        expires_in: ttl,
        refresh_token: refresh,
        scope: scopes.to_string(),
    })
}

/// Scope narrowing on refresh: never wider than `ceiling` (RFC 6749 §6 says MUST NOT).
fn narrow(requested: Option<&str>, ceiling: ScopeSet) -> Result<ScopeSet, OAuthError> {
    match requested.map(str::trim) {
        None | Some("") => Ok(ceiling),
        Some(s) => {
            let (wanted, _) = ScopeSet::parse(s).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
            if !wanted.is_subset(ceiling) {
                return Err(OAuthError::InvalidScope(format!(
                    "scope may not exceed what was granted: {ceiling}"
                )));
            }
            if wanted.is_empty() {
                return Err(OAuthError::InvalidScope("at least one scope is required".into()));
            }
            Ok(wanted)
        }
    }
}

/// The scopes of a client_credentials token: what was asked for, cut down to what the owner
/// allowed this machine client. RFC 6749 §3.3 lets the server grant less than requested (the
/// response's `scope` then says what was granted); MCP clients ask for the scopes of the 401
/// challenge, which names every scope the server has, so refusing would lock them out. Only a
/// request sharing no scope with the allowed set is `invalid_scope`.
fn machine_scopes(requested: Option<&str>, allowed: ScopeSet) -> Result<ScopeSet, OAuthError> {
    let Some(requested) = requested.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(allowed) };
    let (wanted, _) = ScopeSet::parse(requested).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
    let granted = wanted.intersection(allowed);
    if granted.is_empty() {
        return Err(OAuthError::InvalidScope(format!(
            "none of the requested scopes is allowed for this client: {allowed}"
        )));
    }
    Ok(granted)
}

impl OAuth {
    /// `POST /oauth/token`. `issuer` is the origin the request came through.
    pub async fn token(
        &self,
        req: TokenRequest,
        creds: ClientCredentials,
        issuer: &str,
    ) -> Result<TokenResponse, OAuthError> {
        let now = self.now();
        let issuer = issuer.to_owned();
        let grant_type = req.grant_type.clone().unwrap_or_default();
        let result = self
            .store
            .write(move |tx| {
                let client = authenticate_client(tx, &creds)?;
                rows::touch_client(tx, &client.id, now)?;
                match grant_type.as_str() {
                    "authorization_code" => exchange_code(tx, &client, &req, &issuer, now),
                    "refresh_token" => rotate_refresh(tx, &client, &req, &issuer, now),
                    "client_credentials" => client_credentials(tx, &client, &req, &issuer, now),
                    "" => Err(OAuthError::InvalidRequest("grant_type is required".into())),
                    other => Err(OAuthError::UnsupportedGrantType(format!(
                        "grant_type {other:?} is not supported"
                    ))),
                }
            })
            .await
            .and_then(|committed| committed);
        // Failed client authentication is worth an audit row even though the grant failed.
        if let Err(OAuthError::InvalidClient(detail)) = &result {
            let detail = detail.clone();
            let _ = self
                .store
                .write(move |tx| {
                    audit(tx, now, "client_auth_failed", None, None, Some(detail)).map_err(OAuthError::from)
                })
                .await;
        }
        result
    }

    /// `POST /oauth/revoke` (RFC 7009): revokes the token's whole grant. Unknown tokens and
    /// tokens of other clients succeed silently (§2.2), revealing nothing.
    pub async fn revoke(
        &self,
        token: String,
        creds: ClientCredentials,
    ) -> Result<Option<String>, OAuthError> {
        let now = self.now();
        let revoked: Option<String> = self
            .store
            .write(move |tx| {
                let client = authenticate_client(tx, &creds)?;
                let Some(row) = rows::get_token(tx, &hash(&token))? else { return Ok(None) };
                if row.client_id != client.id {
                    return Ok(None);
                }
                rows::revoke_grant(tx, &row.grant_id, "revoked by client", now)?;
                audit(tx, now, "revoked", Some(&client.id), Some(&row.grant_id), Some("by client".into()))?;
                Ok::<_, OAuthError>(Some(row.grant_id))
            })
            .await?;
        self.announce(revoked.iter().cloned().collect());
        Ok(revoked)
    }

    /// `POST /oauth/introspect` (RFC 7662), for the owner's confidential clients.
    pub async fn introspect(
        &self,
        token: String,
        creds: ClientCredentials,
    ) -> Result<Introspection, OAuthError> {
        let now = self.now();
        self.store
            .read(move |c| {
                let client = authenticate_client(c, &creds)?;
                if client.secret_hash.is_none() {
                    return Err(OAuthError::UnauthorizedClient(
                        "introspection is for confidential clients".into(),
                    ));
                }
                let Some(row) = rows::get_token(c, &hash(&token))? else {
                    return Ok(Introspection::default());
                };
                let active = !row.grant_revoked
                    && row.expires_at > now
                    && (row.kind == "access" || row.used_at.is_none());
                if !active {
                    return Ok(Introspection::default());
                }
                Ok(Introspection {
                    active,
                    scope: Some(row.scopes),
                    client_id: Some(row.client_id),
                    token_type: Some(if row.kind == "access" { "Bearer" } else { "refresh_token" }),
                    exp: Some(row.expires_at),
                    iat: Some(row.created_at),
                    sub: Some(row.user_id.0.to_string()),
                    aud: Some(row.resource),
                })
            })
            .await
    }

    /// Verifies a bearer token for `/mcp` reached through `resource` (the MCP URL of the origin
    /// the request came through). Tokens are audience-bound (RFC 8707): a token minted for the
    /// loopback URL does not work through the tunnel and vice versa.
    pub async fn verify_bearer(&self, token: String, resource: String) -> Result<AccessContext, OAuthError> {
        let now = self.now();
        let token_hash = hash(&token);
        // Read before the lookup: a commit after this read makes the entry stale at once.
        let data_version = self.store.data_version().ok();
        if let Some(version) = data_version
            && let Some(access) = self.bearer_cache.get(&token_hash, version, &resource, now)
        {
            return Ok(access);
        }
        let access = self.verify_bearer_uncached(&token, token_hash, &resource, now).await?;
        if let Some(version) = data_version {
            self.bearer_cache.put(token_hash, version, resource, access.clone());
        }
        Ok(access)
    }

    async fn verify_bearer_uncached(
        &self,
        token: &str,
        token_hash: [u8; 32],
        resource: &str,
        now: UnixTime,
    ) -> Result<AccessContext, OAuthError> {
        if token.starts_with(ACCESS_TOKEN_PREFIX) {
            let row = self
                .store
                .read(move |c| rows::get_token(c, &token_hash).map_err(OAuthError::from))
                .await?
                .ok_or_else(|| OAuthError::InvalidToken("unknown or revoked access token".into()))?;
            if row.kind != "access" || row.grant_revoked {
                return Err(OAuthError::InvalidToken("unknown or revoked access token".into()));
            }
            if row.expires_at <= now {
                return Err(OAuthError::InvalidToken("the access token has expired".into()));
            }
            if row.resource != resource {
                return Err(OAuthError::InvalidToken(format!(
                    "the access token was issued for {}, not {resource}",
                    row.resource
                )));
            }
            return Ok(AccessContext {
                user: row.user_id,
                kind: TokenKind::OAuth,
                client_id: Some(row.client_id),
                grant_id: row.grant_id,
                scopes: parse_scopes(&row.scopes),
                expires_at: Some(row.expires_at),
            });
        }
        if token.starts_with(STATIC_TOKEN_PREFIX) {
            let found = self
                .store
                .read(move |c| rows::find_static_token(c, &token_hash).map_err(OAuthError::from))
                .await?;
            if let Some((id, user)) = found {
                return Ok(AccessContext {
                    user,
                    kind: TokenKind::Static,
                    client_id: None,
                    grant_id: format!("static:{id}"),
                    scopes: ScopeSet::all(),
                    expires_at: None,
                });
            }
        }
        Err(OAuthError::InvalidToken("unknown token".into()))
    }

    /// Owner: live OAuth sessions.
    pub async fn sessions(&self) -> Result<Vec<GrantRow>, OAuthError> {
        self.store.read(|c| rows::list_live_grants(c).map_err(OAuthError::from)).await
    }

    /// Owner: revokes an OAuth session and all its tokens.
    pub async fn revoke_session(&self, grant_id: String) -> Result<(), OAuthError> {
        let now = self.now();
        let id = grant_id.clone();
        self.store
            .write(move |tx| {
                if !rows::revoke_grant(tx, &grant_id, "revoked by owner", now)? {
                    return Err(OAuthError::NotFound(format!("no live session {grant_id:?}")));
                }
                let client = rows::get_grant(tx, &grant_id)?.map(|g| g.client_id);
                audit(tx, now, "revoked", client.as_deref(), Some(&grant_id), Some("by owner".into()))?;
                Ok(())
            })
            .await?;
        self.announce(vec![id]);
        Ok(())
    }
}

/// authorization_code (RFC 6749 §4.1.3, OAuth 2.1 §4.1.3).
fn exchange_code(
    tx: &rusqlite::Transaction<'_>,
    client: &ClientRow,
    req: &TokenRequest,
    issuer: &str,
    now: UnixTime,
) -> Committed {
    if client.kind == "machine" {
        return Err(OAuthError::UnauthorizedClient("machine clients may use only client_credentials".into()));
    }
    let code = req.code.as_deref().ok_or_else(|| OAuthError::InvalidRequest("code is required".into()))?;
    let code_hash = hash(code);
    let stored = rows::get_code(tx, &code_hash)?
        .ok_or_else(|| OAuthError::InvalidGrant("unknown authorization code".into()))?;
    if stored.client_id != client.id {
        return Err(OAuthError::InvalidGrant("the code was issued to another client".into()));
    }
    if stored.used_at.is_some() {
        // A replayed code means it leaked: revoke what its first use produced (§4.1.2).
        if let Some(grant) = &stored.grant_id {
            rows::revoke_grant(tx, grant, "authorization code replayed", now)?;
        }
        audit(tx, now, "code_replayed", Some(&client.id), stored.grant_id.as_deref(), None)?;
        // Commit the revocation even though the request fails.
        return Ok(Err(OAuthError::InvalidGrant("the authorization code was already used".into())));
    }
    if stored.expires_at <= now {
        return Err(OAuthError::InvalidGrant("the authorization code has expired".into()));
    }
    if req.redirect_uri.as_deref() != Some(stored.redirect_uri.as_str()) {
        return Err(OAuthError::InvalidGrant(
            "redirect_uri differs from the one used at authorization".into(),
        ));
    }
    pkce::verify(req.code_verifier.as_deref(), &stored.code_challenge)
        .map_err(|e| OAuthError::InvalidGrant(e.to_string()))?;
    if req.resource.is_some() && check_resource(req.resource.as_deref(), issuer)? != stored.resource {
        return Err(OAuthError::InvalidTarget("resource differs from the one authorized".into()));
    }
    let grant = GrantRow {
        id: random_id("og_"),
        client_id: client.id.clone(),
        user_id: stored.user_id,
        kind: "authorization_code".into(),
        scopes: stored.scopes.clone(),
        resource: stored.resource.clone(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    rows::insert_grant(tx, &grant)?;
    rows::mark_code_used(tx, &code_hash, Some(&grant.id), now)?;
    let response = mint(tx, &grant.id, parse_scopes(&stored.scopes), true, now)?;
    audit(tx, now, "issued", Some(&client.id), Some(&grant.id), Some("authorization_code".into()))?;
    Ok(Ok(response))
}

/// refresh_token with rotation (OAuth 2.1 §4.3.1): each refresh token works once; presenting a
/// used one revokes the whole chain, since either the client or an attacker holds a copy.
fn rotate_refresh(
    tx: &rusqlite::Transaction<'_>,
    client: &ClientRow,
    req: &TokenRequest,
    issuer: &str,
    now: UnixTime,
) -> Committed {
    let token = req
        .refresh_token
        .as_deref()
        .ok_or_else(|| OAuthError::InvalidRequest("refresh_token is required".into()))?;
    let token_hash = hash(token);
    let row = rows::get_token(tx, &token_hash)?
        .filter(|r| r.kind == "refresh")
        .ok_or_else(|| OAuthError::InvalidGrant("unknown or revoked refresh token".into()))?;
    if row.client_id != client.id {
        return Err(OAuthError::InvalidGrant("the refresh token was issued to another client".into()));
    }
    if row.grant_revoked {
        return Err(OAuthError::InvalidGrant("the session of this refresh token was revoked".into()));
    }
    if row.used_at.is_some() {
        rows::revoke_grant(tx, &row.grant_id, "refresh token replayed", now)?;
        audit(tx, now, "refresh_replayed", Some(&client.id), Some(&row.grant_id), None)?;
        return Ok(Err(OAuthError::InvalidGrant(
            "the refresh token was already used; the session is revoked".into(),
        )));
    }
    if row.expires_at <= now {
        return Err(OAuthError::InvalidGrant("the refresh token has expired".into()));
    }
    // `resource` may be omitted on refresh; when given it must be the one authorized.
    if req.resource.is_some() && check_resource(req.resource.as_deref(), issuer)? != row.resource {
        return Err(OAuthError::InvalidTarget("resource differs from the one authorized".into()));
    }
    let scopes = narrow(req.scope.as_deref(), parse_scopes(&row.scopes))?;
    rows::mark_token_used(tx, &token_hash, now)?;
    rows::delete_expired_tokens(tx, now)?;
    let response = mint(tx, &row.grant_id, scopes, true, now)?;
    audit(tx, now, "refreshed", Some(&client.id), Some(&row.grant_id), None)?;
    Ok(Ok(response))
}

/// client_credentials (RFC 6749 §4.4): machine clients only, access token only (§4.4.3), acting
/// as the owner narrowed to the client's scopes.
fn client_credentials(
    tx: &rusqlite::Transaction<'_>,
    client: &ClientRow,
    req: &TokenRequest,
    issuer: &str,
    now: UnixTime,
) -> Committed {
    if client.kind != "machine" {
        return Err(OAuthError::UnauthorizedClient(
            "client_credentials is only for machine clients created in the app".into(),
        ));
    }
    let scopes = machine_scopes(req.scope.as_deref(), parse_scopes(&client.scopes))?;
    let resource = check_resource(req.resource.as_deref(), issuer)?;
    let user = owner::ensure_owner(tx, now)?;
    let grant = GrantRow {
        id: random_id("og_"),
        client_id: client.id.clone(),
        user_id: user,
        kind: "client_credentials".into(),
        scopes: scopes.to_string(),
        resource,
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    rows::insert_grant(tx, &grant)?;
    let response = mint(tx, &grant.id, scopes, false, now)?;
    audit(tx, now, "issued", Some(&client.id), Some(&grant.id), Some("client_credentials".into()))?;
    Ok(Ok(response))
}
