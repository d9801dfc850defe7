//! The owner's API for connections: clients and presets, OAuth sessions, pending consents,
//! static tokens and the auth audit log. Mounted under `/api`, behind the owner session.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::error::{ApiError, Json};
use super::paths;
use crate::auth::oauth::{OAuthError, OwnerClientRequest, PRESETS};
use crate::auth::scopes::{Scope, ScopeSet};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/clients", get(list_clients).post(create_client))
        .route("/oauth/clients/{id}", delete(delete_client))
        .route("/oauth/clients/{id}/rotate-secret", post(rotate_secret))
        .route("/oauth/presets", get(presets))
        .route("/oauth/scopes", get(scopes))
        .route("/oauth/sessions", get(sessions))
        .route("/oauth/sessions/{id}", delete(revoke_session))
        .route("/oauth/consents", get(pending))
        .route("/oauth/consents/{id}/approve", post(approve))
        .route("/oauth/consents/{id}/deny", post(deny))
        .route("/oauth/audit", get(audit))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(delete_token))
}

impl From<OAuthError> for ApiError {
    fn from(e: OAuthError) -> Self {
        let (status, code) = match &e {
            OAuthError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            OAuthError::LimitReached(_) => (StatusCode::CONFLICT, "limit_reached"),
            OAuthError::InvalidScope(_) => (StatusCode::BAD_REQUEST, "invalid_scope"),
            OAuthError::InvalidRedirectUri(_) => (StatusCode::BAD_REQUEST, "invalid_redirect_uri"),
            OAuthError::Server(_) => return ApiError::internal(&e.description()),
            _ => (StatusCode::BAD_REQUEST, "invalid_request"),
        };
        ApiError::new(status, code, e.description())
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

async fn list_clients(State(s): State<AppState>) -> ApiResult<impl Serialize> {
    Ok(Json(s.oauth.list_clients().await?))
}

async fn create_client(
    State(s): State<AppState>,
    Json(req): Json<OwnerClientRequest>,
) -> Result<Response, ApiError> {
    let created = s.oauth.create_owner_client(req).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn delete_client(State(s): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    s.oauth.delete_client(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rotate_secret(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<impl Serialize> {
    Ok(Json(s.oauth.rotate_client_secret(id).await?))
}

#[derive(Serialize)]
struct PresetView {
    id: &'static str,
    name: &'static str,
    redirect_uris: &'static [&'static str],
    scopes: ScopeSet,
    /// A hosted client (it connects from the internet, through public access).
    hosted: bool,
    /// The exact URL to paste into this client: the public MCP URL for a hosted client (absent
    /// while public access is off), the loopback one otherwise.
    mcp_url: Option<String>,
}

/// Presets whose client runs on someone else's servers and so needs the public URL.
const HOSTED_PRESETS: &[&str] = &["claude-ai"];

async fn presets(State(state): State<AppState>) -> Json<Vec<PresetView>> {
    let public = state.allowed.public_origin().map(|origin| format!("{origin}{}", paths::MCP));
    let local = format!("{}{}", state.info.local_url, paths::MCP);
    Json(
        PRESETS
            .iter()
            .map(|p| {
                let hosted = HOSTED_PRESETS.contains(&p.id);
                PresetView {
                    id: p.id,
                    name: p.name,
                    redirect_uris: p.redirect_uris,
                    scopes: ScopeSet::preset_default(),
                    hosted,
                    mcp_url: if hosted { public.clone() } else { Some(local.clone()) },
                }
            })
            .collect(),
    )
}

#[derive(Serialize)]
struct ScopeView {
    scope: &'static str,
    label: &'static str,
    group: &'static str,
}

async fn scopes() -> Json<Vec<ScopeView>> {
    Json(
        Scope::ALL
            .iter()
            .map(|s| ScopeView { scope: s.as_str(), label: s.label(), group: s.group().label() })
            .collect(),
    )
}

#[derive(Serialize)]
struct SessionView {
    id: String,
    client_id: String,
    kind: String,
    scopes: String,
    resource: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

async fn sessions(State(s): State<AppState>) -> ApiResult<Vec<SessionView>> {
    let grants = s.oauth.sessions().await?;
    Ok(Json(
        grants
            .into_iter()
            .map(|g| SessionView {
                id: g.id,
                client_id: g.client_id,
                kind: g.kind,
                scopes: g.scopes,
                resource: g.resource,
                created_at: g.created_at,
                last_used_at: g.last_used_at,
            })
            .collect(),
    ))
}

async fn revoke_session(State(s): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    s.oauth.revoke_session(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn pending(State(s): State<AppState>) -> ApiResult<impl Serialize> {
    Ok(Json(s.oauth.pending_consents().await?))
}

#[derive(Deserialize, Default)]
struct ApproveBody {
    #[serde(default)]
    scopes: Option<ScopeSet>,
}

#[derive(Serialize)]
struct Approved {
    granted_scopes: ScopeSet,
}

async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Approved> {
    // The body is optional: no body approves the scopes as requested.
    let scopes = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ApproveBody>(&body)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))?
            .scopes
    };
    Ok(Json(Approved { granted_scopes: s.oauth.approve(id, scopes).await? }))
}

async fn deny(State(s): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    s.oauth.deny(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(State(s): State<AppState>) -> ApiResult<impl Serialize> {
    Ok(Json(s.oauth.audit_log(200).await?))
}

async fn list_tokens(State(s): State<AppState>) -> ApiResult<impl Serialize> {
    Ok(Json(s.oauth.list_static_tokens().await?))
}

#[derive(Deserialize)]
struct NewToken {
    name: String,
}

async fn create_token(State(s): State<AppState>, Json(body): Json<NewToken>) -> Result<Response, ApiError> {
    let created = s.oauth.create_static_token(body.name).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn delete_token(State(s): State<AppState>, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    s.oauth.delete_static_token(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
