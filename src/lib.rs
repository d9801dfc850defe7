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
pub mod domain;
pub mod events;
pub mod http;
pub mod mcp;
pub mod ops;
pub mod providers;
pub mod server;
pub mod store;

pub use config::Config;
pub use server::{Server, StartError};

/// Logs to stderr, filtered by `TREK_LOG` (default `info,rmcp=warn`). Called once by each binary.
pub fn init_logging() {
    // rmcp logs every stateless request's service life at info; that is noise, not news.
    let filter = tracing_subscriber::EnvFilter::try_from_env("TREK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// This build's version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
