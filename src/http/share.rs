//! Public share links over HTTP: `GET /share/{token}` (the read-only page) and
//! `GET /api/share/{token}` (its JSON). No owner login, read-only, and the same answer — a
//! plain 404 — for malformed, unknown and revoked tokens. The token is the credential, so
//! responses are never cached, never sent on as a referrer and never indexed.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::{paths, ui};
use crate::domain::DomainError;
use crate::domain::share_links::{SharedTrip, shared_trip};

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::SHARE_PAGE, get(page)).route(paths::API_SHARE, get(json))
}

const GONE: &str = "This share link does not exist or was revoked.";

/// Loads what the token shows; `None` when there is nothing to show.
async fn load(state: &AppState, token: String) -> Result<Option<SharedTrip>, ApiError> {
    let now = state.clock.now();
    found(state.store.read(move |conn| shared_trip(conn, &token, now)).await)
}

/// A share lookup's result: `None` for a token that shows nothing (malformed, unknown, revoked).
pub(super) fn found<T>(result: Result<T, DomainError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(shared) => Ok(Some(shared)),
        Err(DomainError::NotFound { .. }) => Ok(None),
        Err(other) => Err(ApiError::internal(&other)),
    }
}

/// The page itself holds no data: `share.js` fetches the JSON. Checking the token first still
/// lets a revoked link answer 404 instead of an empty page.
async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    page_for(load(&state, token).await, "share.html")
}

async fn json(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    json_for(load(&state, token).await)
}

/// The read-only page `html` when the token shows something, else a plain 404.
pub(super) fn page_for<T>(shared: Result<Option<T>, ApiError>, html: &str) -> Response {
    let response = match shared {
        Ok(Some(_)) => ui::page(StatusCode::OK, html),
        Ok(None) => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], GONE)
            .into_response(),
        Err(e) => e.into_response(),
    };
    private(response)
}

/// What the token shows as JSON, else a 404 `not_found`.
pub(super) fn json_for<T: serde::Serialize>(shared: Result<Option<T>, ApiError>) -> Response {
    let response = match shared {
        Ok(Some(shared)) => Json(shared).into_response(),
        Ok(None) => ApiError::new(StatusCode::NOT_FOUND, "not_found", GONE).into_response(),
        Err(e) => e.into_response(),
    };
    private(response)
}

/// Headers for a response whose URL is a secret.
pub(super) fn private(mut response: Response) -> Response {
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex"));
    response
}
