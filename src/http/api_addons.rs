//! The owner's add-on switches: `GET /api/settings/addons` lists every add-on with its state,
//! `PUT /api/settings/addons/{name}` with `{"enabled": bool}` switches one. Switching ends live
//! MCP sessions so clients list their tools again (`McpState::set_addon`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use serde::Deserialize;

use super::app::AppState;
use super::error::{ApiError, Json};
use crate::ops::{Addon, AddonSet, AddonState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/settings/addons", get(list_addons)).route("/settings/addons/{name}", put(set_addon))
}

async fn list_addons(State(state): State<AppState>) -> Result<Json<Vec<AddonState>>, ApiError> {
    let set = state
        .store
        .read(|c| AddonSet::load(c).map_err(StoreError::from))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(set.describe()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Switch {
    enabled: bool,
}

async fn set_addon(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Json(switch): Json<Switch>,
) -> Result<Json<Vec<AddonState>>, ApiError> {
    let addon = Addon::parse(&name).ok_or_else(|| {
        let known: Vec<&str> = Addon::ALL.iter().map(|a| a.name()).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_addon",
            format!("no add-on named {name:?}; add-ons are {}", known.join(", ")),
        )
    })?;
    let set =
        state.mcp.set_addon(&state.store, addon, switch.enabled).await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(set.describe()))
}
