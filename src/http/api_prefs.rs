//! The owner's app preferences: `GET/PUT /api/settings/welcome` (the first-run welcome, shown
//! until dismissed) and `GET/PUT /api/settings/autostart` (start the desktop app at login;
//! only the desktop shell can apply it, so a headless `trek serve` answers `available: false`
//! and refuses to turn it on).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::error::{ApiError, Json};
use crate::prefs::Prefs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/welcome", get(welcome).put(dismiss_welcome))
        .route("/settings/autostart", get(autostart).put(set_autostart))
}

fn prefs(state: &AppState) -> Prefs {
    Prefs::new(state.store.clone(), state.events.clone())
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Welcome {
    dismissed: bool,
}

async fn welcome(State(state): State<AppState>) -> Result<Json<Welcome>, ApiError> {
    let dismissed = prefs(&state).welcome_dismissed().await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(Welcome { dismissed }))
}

/// Dismissing is for good: `{"dismissed": false}` is refused rather than bringing it back.
async fn dismiss_welcome(
    State(state): State<AppState>,
    Json(body): Json<Welcome>,
) -> Result<Json<Welcome>, ApiError> {
    if !body.dismissed {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            "dismissed: the welcome can only be dismissed (true)",
        ));
    }
    prefs(&state).dismiss_welcome().await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(body))
}

#[derive(Serialize)]
struct Autostart {
    enabled: bool,
    /// Only the desktop app can start at login.
    available: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetAutostart {
    enabled: bool,
}

async fn autostart(State(state): State<AppState>) -> Result<Json<Autostart>, ApiError> {
    let enabled = prefs(&state).autostart().await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(Autostart { enabled, available: state.info.desktop }))
}

async fn set_autostart(
    State(state): State<AppState>,
    Json(body): Json<SetAutostart>,
) -> Result<Json<Autostart>, ApiError> {
    if !state.info.desktop {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_desktop",
            "enabled: starting at login is a setting of the desktop app; this Trek runs headless (trek serve)",
        ));
    }
    prefs(&state).set_autostart(body.enabled).await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(Autostart { enabled: body.enabled, available: true }))
}
