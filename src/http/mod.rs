//! The axum application: routing, the host/origin guard, security headers, limits, the owner
//! endpoints and the embedded UI. `app(state)` builds everything; tests drive it directly.

mod api;
mod api_addons;
mod api_ai_access;
mod api_connect;
mod api_data;
mod api_oauth;
mod api_ops;
mod api_prefs;
mod api_settings;
mod api_tunnel;
mod app;
pub mod error;
pub mod guard;
mod journey_share;
mod oauth;
mod owner;
pub mod paths;
mod share;
mod ui;

pub use app::{AppState, ServerInfo, app};
pub use oauth::OAuthLimits;
pub use owner::session_cookie as owner_session_cookie;
