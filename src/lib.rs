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
//! - [`connect`] — MCP client config files (`trek connect`)
//! - [`bridge`] — the stdio bridge to `/mcp` with its own OAuth sign-in (`trek bridge`)
//! - [`cli`] — the `trek` command line

pub mod auth;
pub mod bridge;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connect;
pub mod domain;
pub mod events;
pub mod http;
pub mod mcp;
pub mod notify;
pub mod ops;
pub mod prefs;
pub mod providers;
pub mod server;
pub mod store;
pub mod tunnel;

pub use config::Config;
pub use server::{Server, StartError};

/// Logs to stderr, filtered by `TREK_LOG` (default `info,rmcp=warn`). Called once by each binary.
pub fn init_logging() {
    // rmcp logs every stateless request's service life at info; that is noise, not news.
    let filter = tracing_subscriber::EnvFilter::try_from_env("TREK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Installs ring as rustls's process-wide crypto provider, once. reqwest 0.12 (ours) picks ring
/// itself, but rmcp's reqwest 0.13 client is built without a provider and takes this default,
/// so both agree and https URLs (tunnels) work. Later calls are no-ops.
#[allow(
    deprecated,
    reason = "rustls 0.23.48 deprecates ring (no post-quantum key exchange); reqwest 0.12 uses ring already and aws-lc-rs needs a C toolchain build"
)]
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// This build's version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where this binary came from (see `build.rs`): `trek --version`, `/healthz`, Settings → About.
pub mod build_info {
    /// Short git commit, or `unknown` when built outside a git checkout.
    pub const COMMIT: &str = env!("TREK_GIT_COMMIT");
    /// UTC date of the build (`SOURCE_DATE_EPOCH` when set), `YYYY-MM-DD`.
    pub const DATE: &str = env!("TREK_BUILD_DATE");
    /// `release` or `debug`.
    pub const PROFILE: &str = env!("TREK_BUILD_PROFILE");
    /// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-06, release)`.
    pub const VERSION_LINE: &str = concat!(
        env!("CARGO_PKG_VERSION"),
        " (commit ",
        env!("TREK_GIT_COMMIT"),
        ", built ",
        env!("TREK_BUILD_DATE"),
        ", ",
        env!("TREK_BUILD_PROFILE"),
        ")"
    );

    /// The same facts as JSON, for `/healthz` and the About section.
    pub fn json() -> serde_json::Value {
        serde_json::json!({ "commit": COMMIT, "date": DATE, "profile": PROFILE })
    }
}
