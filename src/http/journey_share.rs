//! A journey's share link over HTTP: `GET /share/journey/{token}` (the read-only page) and
//! `GET /api/share/journey/{token}` (its JSON), with the same rules as a trip's share link
//! (`share`): no login, a plain 404 for malformed, unknown and revoked tokens, never cached,
//! never sent on as a referrer.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::app::AppState;
use super::error::ApiError;
use super::paths;
use super::share::{found, json_for, page_for};
use crate::domain::journeys::{SharedJourney, shared_journey};

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::JOURNEY_SHARE_PAGE, get(page)).route(paths::API_JOURNEY_SHARE, get(json))
}

async fn load(state: &AppState, token: String) -> Result<Option<SharedJourney>, ApiError> {
    found(state.store.read(move |conn| shared_journey(conn, &token)).await)
}

async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    page_for(load(&state, token).await, "journey-share.html")
}

async fn json(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    json_for(load(&state, token).await)
}
