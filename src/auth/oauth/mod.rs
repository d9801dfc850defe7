//! The OAuth 2.1 authorization server: client registration (DCR, CIMD, owner presets, machine
//! clients), the authorization code flow with owner consent, the token endpoint (three grants),
//! revocation, introspection, static tokens, and verification of bearer tokens for `/mcp`.
//!
//! Protocol logic only: no HTTP types. `http::oauth` carries requests here and answers with
//! `OAuthError`'s wire form. Time comes from `Clock`; secrets are stored as hashes.

mod authorize;
mod clients;
mod grants;
mod static_tokens;

use std::sync::Arc;

pub use authorize::{AuthorizeOutcome, AuthorizeRequest, ConsentView, PollOutcome};
pub use clients::{
    ClientKind, ClientView, NewClient, NewClientSecret, OwnerClientRequest, PRESETS, Preset,
    RegistrationRequest, RegistrationResponse,
};
pub use grants::{AccessContext, ClientCredentials, Introspection, TokenKind, TokenRequest, TokenResponse};
pub use static_tokens::NewStaticToken;

use crate::auth::cimd::CimdResolver;
use crate::clock::{SharedClock, UnixTime};
use crate::store::oauth::{self as rows, AuditRow};
use crate::store::{Store, StoreError};

/// Access token prefix (seed 000).
pub const ACCESS_TOKEN_PREFIX: &str = "trekoa_";
/// Refresh token prefix.
pub const REFRESH_TOKEN_PREFIX: &str = "trekrf_";
/// Client secret prefix.
pub const CLIENT_SECRET_PREFIX: &str = "trekcs_";
/// Static API token prefix (deprecated kind).
pub const STATIC_TOKEN_PREFIX: &str = "trek_";
/// Prefix of client ids we mint.
pub const CLIENT_ID_PREFIX: &str = "trekci_";
/// Authorization code prefix.
const CODE_PREFIX: &str = "trekac_";

/// An OAuth error. `Display` is the RFC error code; the description goes to the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    #[error("invalid_request")]
    InvalidRequest(String),
    #[error("invalid_client")]
    InvalidClient(String),
    #[error("invalid_grant")]
    InvalidGrant(String),
    #[error("unauthorized_client")]
    UnauthorizedClient(String),
    #[error("unsupported_grant_type")]
    UnsupportedGrantType(String),
    #[error("unsupported_response_type")]
    UnsupportedResponseType(String),
    #[error("invalid_scope")]
    InvalidScope(String),
    #[error("invalid_target")]
    InvalidTarget(String),
    #[error("invalid_redirect_uri")]
    InvalidRedirectUri(String),
    #[error("invalid_client_metadata")]
    InvalidClientMetadata(String),
    #[error("access_denied")]
    AccessDenied(String),
    #[error("invalid_token")]
    InvalidToken(String),
    #[error("limit_reached")]
    LimitReached(String),
    #[error("temporarily_unavailable")]
    TemporarilyUnavailable(String),
    #[error("not_found")]
    NotFound(String),
    #[error("server_error")]
    Server(String),
}

impl OAuthError {
    /// The RFC error code (`error`).
    pub fn code(&self) -> String {
        self.to_string()
    }

    /// Human-readable detail (`error_description`).
    pub fn description(&self) -> &str {
        match self {
            Self::InvalidRequest(d)
            | Self::InvalidClient(d)
            | Self::InvalidGrant(d)
            | Self::UnauthorizedClient(d)
            | Self::UnsupportedGrantType(d)
            | Self::UnsupportedResponseType(d)
            | Self::InvalidScope(d)
            | Self::InvalidTarget(d)
            | Self::InvalidRedirectUri(d)
            | Self::InvalidClientMetadata(d)
            | Self::AccessDenied(d)
            | Self::InvalidToken(d)
            | Self::LimitReached(d)
            | Self::TemporarilyUnavailable(d)
            | Self::NotFound(d)
            | Self::Server(d) => d,
        }
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "oauth storage error");
        Self::Server("internal storage error".into())
    }
}

impl From<rusqlite::Error> for OAuthError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Credentials that stopped working: OAuth sessions (grant ids) and static tokens
/// (`static:<id>`). The MCP layer ends the sessions that used them.
#[derive(Debug, Clone)]
pub struct Revoked(pub Vec<String>);

/// A new authorization request waits for the owner (the desktop shell notifies and shows the
/// window; the UI's consent queue shows the card).
#[derive(Debug, Clone)]
pub struct ConsentRequested {
    /// The request code the waiting page shows too.
    pub id: String,
    pub client_name: String,
}

/// The authorization server. Cheap to clone.
#[derive(Clone)]
pub struct OAuth {
    store: Store,
    clock: SharedClock,
    cimd: Arc<CimdResolver>,
    revocations: tokio::sync::broadcast::Sender<Revoked>,
    consent_requests: tokio::sync::broadcast::Sender<ConsentRequested>,
    bearer_cache: Arc<grants::BearerCache>,
}

impl OAuth {
    pub fn new(store: Store, clock: SharedClock, cimd: CimdResolver) -> Self {
        let (revocations, _) = tokio::sync::broadcast::channel(64);
        let (consent_requests, _) = tokio::sync::broadcast::channel(16);
        Self {
            store,
            clock,
            cimd: Arc::new(cimd),
            revocations,
            consent_requests,
            bearer_cache: Arc::default(),
        }
    }

    /// Authorization requests as they start waiting for the owner.
    pub fn subscribe_consent_requests(&self) -> tokio::sync::broadcast::Receiver<ConsentRequested> {
        self.consent_requests.subscribe()
    }

    /// Revocations made in this process, as they happen.
    pub fn subscribe_revocations(&self) -> tokio::sync::broadcast::Receiver<Revoked> {
        self.revocations.subscribe()
    }

    fn announce(&self, grants: Vec<String>) {
        if !grants.is_empty() {
            // No subscriber (CLI, tests without MCP) is fine: nothing to end.
            let _ = self.revocations.send(Revoked(grants));
        }
    }

    /// Whether an OAuth session (or `static:<id>` token) still works; the MCP layer's sweep
    /// uses it to notice revocations made by another process (the CLI).
    pub async fn is_live(&self, grant_id: String) -> Result<bool, OAuthError> {
        self.store
            .read(move |c| {
                Ok(match grant_id.strip_prefix("static:") {
                    Some(id) => rows::static_token_exists(c, id.parse().unwrap_or(-1))?,
                    None => rows::get_grant(c, &grant_id)?.is_some_and(|g| g.revoked_at.is_none()),
                })
            })
            .await
    }

    fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// The most recent auth events, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditRow>, OAuthError> {
        self.store.read(move |c| rows::list_audit(c, limit).map_err(OAuthError::from)).await
    }
}

/// Records an auth event inside the caller's transaction.
fn audit(
    tx: &rusqlite::Transaction<'_>,
    now: UnixTime,
    event: &str,
    client_id: Option<&str>,
    grant_id: Option<&str>,
    detail: Option<String>,
) -> rusqlite::Result<()> {
    rows::insert_audit(
        tx,
        &AuditRow {
            at: now,
            event: event.to_owned(),
            client_id: client_id.map(str::to_owned),
            grant_id: grant_id.map(str::to_owned),
            detail,
        },
    )
}

/// The MCP URL (RFC 8707 resource) of an origin.
pub fn resource_for(origin: &str) -> String {
    format!("{origin}{}", crate::http::paths::MCP)
}
