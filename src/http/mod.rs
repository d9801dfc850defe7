//! The axum application: routing, the host/origin guard, security headers, limits, the owner
//! endpoints and the embedded UI. `app(state)` builds everything; tests drive it directly.

mod api;
mod app;
pub mod error;
pub mod guard;
mod owner;
pub mod paths;
mod ui;

pub use app::{AppState, ServerInfo, app};
