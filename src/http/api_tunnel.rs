//! Public access for the owner (`/api/tunnel`): the saved tunnel settings (the named tunnel's
//! token is write-only), the live status with the URL to paste into a hosted client, start/stop,
//! and the switch that lets share links work on the public host. Under `/api`, so the public
//! host never reaches it.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::error::{ApiError, Json};
use super::paths;
use crate::store::settings::TUNNEL_SHARE_LINKS;
use crate::tunnel::{self, Provider, ProviderError, TunnelSettings, TunnelSpec, TunnelStatus, TunnelToken};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::API_TUNNEL, get(view).put(save))
        .route(paths::API_TUNNEL_START, post(start))
        .route(paths::API_TUNNEL_STOP, post(stop))
        .route(paths::API_TUNNEL_SHARE_LINKS, put(share_links))
}

#[derive(Serialize)]
struct TunnelView {
    settings: TunnelSettings,
    /// Whether a named tunnel token is saved (the token itself is never returned).
    has_token: bool,
    status: TunnelStatus,
    /// The tunnel program's latest output lines.
    log: Vec<String>,
    /// A quick tunnel's URL changes on every start.
    url_changes_each_start: bool,
    /// How to install cloudflared on this OS.
    install_hint: &'static str,
    /// Share links also work on the public host (the owner's switch, off by default).
    share_links: bool,
}

async fn current(state: &AppState) -> Result<TunnelView, ApiError> {
    let spec = tunnel::settings::load(&state.store).await.map_err(stored)?;
    Ok(TunnelView {
        url_changes_each_start: matches!(spec.provider, Provider::Quick),
        has_token: spec.token.is_some(),
        settings: spec.settings(),
        status: state.tunnel.status(),
        log: state.tunnel.log_tail(),
        install_hint: tunnel::install_hint(),
        share_links: state.allowed.public_shares(),
    })
}

async fn view(State(state): State<AppState>) -> Result<Json<TunnelView>, ApiError> {
    Ok(Json(current(&state).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveRequest {
    #[serde(flatten)]
    settings: TunnelSettings,
    /// A new named-tunnel token; absent keeps the saved one.
    #[serde(default)]
    token: Option<String>,
}

/// Validates and saves; a running tunnel keeps running with its old settings until restarted.
async fn save(
    State(state): State<AppState>,
    Json(body): Json<SaveRequest>,
) -> Result<Json<TunnelView>, ApiError> {
    let token = body.token.as_deref().map(TunnelToken::new).transpose().map_err(invalid)?;
    let saved = tunnel::settings::load(&state.store).await.map_err(stored)?;
    let cloudflared = body.settings.cloudflared.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let spec = TunnelSpec {
        provider: body.settings.provider.clone(),
        token: token.clone().or(saved.token),
        cloudflared: cloudflared.map(Into::into),
    };
    spec.validate().map_err(invalid)?;
    let settings = TunnelSettings { cloudflared: cloudflared.map(str::to_owned), ..body.settings };
    tunnel::settings::save(&state.store, settings, token).await.map_err(stored)?;
    Ok(Json(current(&state).await?))
}

/// Starts the saved tunnel. A missing program is a 409 naming how to install it.
async fn start(State(state): State<AppState>) -> Result<(StatusCode, Json<TunnelView>), ApiError> {
    let spec = tunnel::settings::load(&state.store).await.map_err(stored)?;
    state.tunnel.start(&spec).await.map_err(|e| match e {
        ProviderError::NotInstalled { .. } => {
            ApiError::new(StatusCode::CONFLICT, "not_installed", e.to_string())
        }
        ProviderError::Invalid(_) => invalid(e),
    })?;
    Ok((StatusCode::ACCEPTED, Json(current(&state).await?)))
}

async fn stop(State(state): State<AppState>) -> Result<Json<TunnelView>, ApiError> {
    state.tunnel.stop().await;
    Ok(Json(current(&state).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareLinksRequest {
    enabled: bool,
}

/// Turns share links on the public host on or off, saved and in effect at once.
async fn share_links(
    State(state): State<AppState>,
    Json(body): Json<ShareLinksRequest>,
) -> Result<Json<TunnelView>, ApiError> {
    tunnel::settings::set_flag(&state.store, TUNNEL_SHARE_LINKS, body.enabled).await.map_err(stored)?;
    state.allowed.set_public_shares(body.enabled);
    Ok(Json(current(&state).await?))
}

fn invalid(error: ProviderError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", error.to_string())
}

fn stored(error: crate::store::StoreError) -> ApiError {
    ApiError::internal(&error)
}
