//! `app(state) -> Router`: every route and layer, in one readable place.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::get;
use axum::{Router, middleware};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::guard::{self, AllowedOrigins};
use super::{api, api_data, oauth, owner, paths, share, ui};
use crate::auth::oauth::OAuth;
use crate::auth::owner_session::OwnerAuth;
use crate::clock::SharedClock;
use crate::config::{MAX_REQUEST_BODY_BYTES, REQUEST_TIMEOUT};
use crate::store::Store;

/// Shared state of every handler. Cheap to clone (Arcs inside).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: SharedClock,
    pub owner: OwnerAuth,
    pub oauth: OAuth,
    pub oauth_limits: super::oauth::SharedLimits,
    pub events: crate::events::EventBus,
    pub mcp: crate::mcp::McpState,
    /// Fires when the server shuts down; long-lived streams end on it.
    pub shutdown: tokio_util::sync::CancellationToken,
    pub allowed: Arc<AllowedOrigins>,
    pub info: Arc<ServerInfo>,
    /// Public access: the tunnel supervisor (`/api/tunnel`).
    pub tunnel: crate::tunnel::Tunnel,
}

/// Facts about this running instance, shown on the landing page.
#[derive(Debug)]
pub struct ServerInfo {
    pub local_url: String,
    pub data_dir: PathBuf,
    pub started_at: i64,
    /// Where `/api/connect` finds client config files (`None`: this user's own directories).
    pub client_dirs: Option<crate::connect::Dirs>,
    /// Run by the desktop shell (autostart at login is available).
    pub desktop: bool,
}

impl FromRef<AppState> for Arc<AllowedOrigins> {
    fn from_ref(state: &AppState) -> Self {
        state.allowed.clone()
    }
}

impl FromRef<AppState> for OwnerAuth {
    fn from_ref(state: &AppState) -> Self {
        state.owner.clone()
    }
}

/// The UI's Content-Security-Policy: only our own scripts, styles and connections. The one
/// outside host is OpenStreetMap's tile server, for map images only (the trip page's map).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: https://tile.openstreetmap.org; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

pub fn app(state: AppState) -> Router {
    let security_headers = ServiceBuilder::new()
        .layer(set_if_missing(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set_if_missing(header::REFERRER_POLICY, "no-referrer"))
        .layer(set_if_missing(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set_if_missing(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set_if_missing(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(set_if_missing(HeaderName::from_static("cross-origin-resource-policy"), "same-origin"));

    // Every route reads at most MAX_REQUEST_BODY_BYTES, except the import with its own limit.
    let routes = Router::new()
        .route(paths::HEALTHZ, get(healthz))
        .merge(ui::routes())
        // Before the `/api` nest: `/api/share/{token}` is public, unlike the rest of `/api`.
        .merge(share::routes())
        .merge(super::journey_share::routes())
        .merge(owner::routes())
        .merge(oauth::routes())
        .merge(state.mcp.routes(state.allowed.clone()))
        .nest(paths::API_PREFIX, api::routes(state.clone()))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES));
    routes
        .merge(api_data::import_route(state.clone()))
        .fallback(|| async {
            super::error::ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
        .with_state(state.clone())
        // Outermost first: trace → host/origin guard → security headers → timeout (body limits are
        // per route group, above).
        // The guard runs before routing, and its refusals still carry the security headers
        // because those wrap everything inside the trace layer.
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(security_headers)
                .layer(middleware::from_fn_with_state(state.allowed.clone(), guard::guard))
                .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT)),
        )
}

fn set_if_missing(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn healthz() -> axum::Json<serde_json::Value> {
    axum::Json(
        serde_json::json!({ "status": "ok", "version": crate::VERSION, "build": crate::build_info::json() }),
    )
}
