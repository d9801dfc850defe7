//! `/api`: the owner's JSON API. Every route here, including unknown ones, requires the owner
//! session; without it the answer is 401 JSON.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, http::StatusCode};
use serde::Serialize;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::owner::session_cookie;
use super::paths;
use crate::store::owner::UserId;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route(paths::API_STATUS, get(status))
        .merge(super::api_oauth::routes())
        .merge(super::api_connect::routes())
        .merge(super::api_ops::routes())
        .merge(super::api_ai_access::routes())
        .merge(super::api_prefs::routes())
        .merge(super::api_settings::routes())
        .merge(super::api_data::routes())
        .merge(super::api_tunnel::routes())
        .merge(super::api_addons::routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint") })
        .layer(middleware::from_fn_with_state(state, require_owner))
}

/// The authenticated owner, put in the request's extensions by `require_owner`.
#[derive(Debug, Clone, Copy)]
pub struct Owner(pub UserId);

pub(super) async fn require_owner(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    match authenticate(&state, request.headers()).await {
        Ok(owner) => {
            request.extensions_mut().insert(Owner(owner));
            let mut response = next.run(request).await;
            // Owner data is never cached by the browser.
            response
                .headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<UserId, ApiError> {
    let cookie = session_cookie(headers).ok_or_else(ApiError::unauthorized)?;
    state.owner.verify_session(&cookie).await.map_err(|_| ApiError::unauthorized())
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
    version: &'static str,
    local_url: String,
    mcp_url: String,
    public_url: Option<String>,
    data_dir: String,
    started_at: i64,
}

async fn status(State(state): State<AppState>) -> Json<Status> {
    let info = &state.info;
    let public_url = state.allowed.public_origin();
    Json(Status {
        status: "ok",
        version: crate::VERSION,
        mcp_url: format!("{}{}", info.local_url, paths::MCP),
        local_url: info.local_url.clone(),
        public_url: public_url.map(|origin| format!("{origin}{}", paths::MCP)),
        data_dir: info.data_dir.display().to_string(),
        started_at: info.started_at,
    })
}
