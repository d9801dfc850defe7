//! A journey's share link over HTTP: `GET /share/journey/{token}` (the read-only page) and
//! `GET /api/share/journey/{token}` (its JSON), with the same rules as a trip's share link
//! (`share`): no login, a plain 404 for malformed, unknown and revoked tokens, never cached,
//! never sent on as a referrer.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::share::private;
use super::{paths, ui};
use crate::domain::DomainError;
use crate::domain::journeys::{SharedJourney, shared_journey};

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::JOURNEY_SHARE_PAGE, get(page)).route(paths::API_JOURNEY_SHARE, get(json))
}

const GONE: &str = "This share link does not exist or was revoked.";

async fn load(state: &AppState, token: String) -> Result<Option<SharedJourney>, ApiError> {
    match state.store.read(move |conn| shared_journey(conn, &token)).await {
        Ok(journey) => Ok(Some(journey)),
        Err(DomainError::NotFound { .. }) => Ok(None),
        Err(other) => Err(ApiError::internal(&other)),
    }
}

async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let response = match load(&state, token).await {
        Ok(Some(_)) => ui::page(StatusCode::OK, "journey-share.html"),
        Ok(None) => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], GONE)
            .into_response(),
        Err(e) => e.into_response(),
    };
    private(response)
}

async fn json(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let response = match load(&state, token).await {
        Ok(Some(journey)) => Json(journey).into_response(),
        Ok(None) => ApiError::new(StatusCode::NOT_FOUND, "not_found", GONE).into_response(),
        Err(e) => e.into_response(),
    };
    private(response)
}
