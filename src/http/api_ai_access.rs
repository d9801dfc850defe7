//! `GET/PUT /api/settings/ai-access`: the owner's "Pause AI access" switch. Pausing refuses
//! every MCP request (or every write, with `allow_reads`) without ending sessions; the change
//! is announced on `/api/events` so open pages (Connections, the desktop tray) update.

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::app::AppState;
use super::error::{ApiError, Json};
use crate::mcp::pause::PauseSetting;

pub fn routes() -> Router<AppState> {
    Router::new().route("/settings/ai-access", get(get_pause).put(set_pause))
}

async fn get_pause(State(state): State<AppState>) -> Json<PauseSetting> {
    Json(state.mcp.pause().get())
}

async fn set_pause(
    State(state): State<AppState>,
    Json(setting): Json<PauseSetting>,
) -> Result<Json<PauseSetting>, ApiError> {
    state.mcp.set_pause(setting).await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(setting))
}
