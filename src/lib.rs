//! Trek's headless core: the local server (HTTP, owner login, later OAuth and MCP) over a
//! SQLite store. The desktop shell (`src-tauri`) and the `trek` CLI both start it through
//! [`Server::start`].
//!
//! Modules in reading order:
//! - [`config`] — settings and every named limit
//! - [`clock`] — the only source of "now"
//! - [`store`] — SQLite (pragmas, migrations, writer thread, read pool, backup)
//! - [`auth`] — secrets and the owner's identity
//! - [`http`] — the axum app (guard, headers, UI, `/api`)
//! - [`server`] — start, serve, shut down
//! - [`cli`] — the `trek` command line

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod http;
pub mod server;
pub mod store;

pub use config::Config;
pub use server::{Server, StartError};

/// This build's version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
