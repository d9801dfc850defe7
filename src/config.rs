//! Configuration and every named limit, in one place.
//!
//! Precedence: command-line flag > environment variable > built-in default. Each limit is a
//! `const` here so that code and tests name it instead of repeating a number.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

/// The fixed, documented default port, so client configs keep working across restarts.
pub const DEFAULT_PORT: u16 = 7823;
/// Environment variable naming the port.
pub const ENV_PORT: &str = "TREK_PORT";
/// Environment variable naming the data directory.
pub const ENV_DATA_DIR: &str = "TREK_DATA_DIR";
/// Environment variable naming the public (tunnel) URL.
pub const ENV_PUBLIC_URL: &str = "TREK_PUBLIC_URL";

/// Largest request body the server reads (1 MiB); bigger bodies get 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 1024 * 1024;
/// Largest export document `POST /api/import` accepts (about 200,000 places).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// Upper bound on one request's handling time before it gets 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a graceful shutdown waits for in-flight requests.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// A launch ticket (desktop window, `trek login-link`) is valid this long, once.
pub const LAUNCH_TICKET_TTL: Duration = Duration::from_secs(120);
/// An owner session cookie lives this long.
pub const OWNER_SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// Read-only SQLite connections kept for concurrent reads.
pub const READ_CONNECTIONS: usize = 4;
/// Verified bearer tokens remembered between `/mcp` calls (emptied when full).
pub const BEARER_CACHE_ENTRIES: usize = 1024;
/// How long SQLite waits on a locked database before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the server takes its automatic backup of the database.
pub const BACKUP_INTERVAL: Duration = Duration::from_secs(24 * 3600);
/// Backups kept of each kind (daily, pre-migration, pre-restore); older ones are removed.
pub const BACKUPS_KEPT_PER_KIND: usize = 7;
/// OAuth access tokens (`trekoa_`) live this long.
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// OAuth refresh tokens (`trekrf_`) live this long from their last rotation (rolling).
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// Authorization codes are usable once, within this time.
pub const AUTHORIZATION_CODE_TTL: Duration = Duration::from_secs(60);
/// A consent request waits this long for the owner's decision.
pub const PENDING_CONSENT_TTL: Duration = Duration::from_secs(600);
/// Dynamically registered clients that never got a consent are removed after this long.
pub const UNCONSENTED_CLIENT_TTL: Duration = Duration::from_secs(24 * 3600);
/// Pre-created and machine clients per owner (seed 000).
pub const MAX_OWNER_CLIENTS: usize = 10;
/// Static API tokens per owner (seed 000).
pub const MAX_STATIC_TOKENS: usize = 10;
/// Redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 10;
/// Longest client name accepted at registration.
pub const MAX_CLIENT_NAME_CHARS: usize = 100;
/// Token endpoint requests per client (or per origin when unauthenticated) and minute.
pub const TOKEN_RATE_PER_MINUTE: u32 = 120;
/// Dynamic client registrations per origin and hour.
pub const REGISTER_RATE_PER_HOUR: u32 = 60;
/// Revocation requests per client and minute.
pub const REVOKE_RATE_PER_MINUTE: u32 = 60;
/// Public access (requests through the tunnel host) is held to stricter limits than loopback:
/// registrations through the public origin per hour (all hosted clients together).
pub const PUBLIC_REGISTER_RATE_PER_HOUR: u32 = 10;
/// Token endpoint requests through the public origin per minute (all hosted clients together).
pub const PUBLIC_TOKEN_RATE_PER_MINUTE: u32 = 60;
/// Open consent requests started through the public origin; more wait until the owner decides.
pub const MAX_PUBLIC_PENDING_CONSENTS: usize = 5;
/// Environment variable: MCP requests per (user, client) and minute (seed 001).
pub const ENV_MCP_RATE_LIMIT: &str = "MCP_RATE_LIMIT";
/// Default of `MCP_RATE_LIMIT`.
pub const DEFAULT_MCP_RATE_LIMIT: u32 = 300;
/// Environment variable: live MCP sessions per user (seed 001).
pub const ENV_MCP_MAX_SESSIONS: &str = "MCP_MAX_SESSION_PER_USER";
/// Default of `MCP_MAX_SESSION_PER_USER`.
pub const DEFAULT_MCP_MAX_SESSIONS: usize = 20;
/// An MCP session unused this long is ended (seed 001).
pub const MCP_SESSION_IDLE: Duration = Duration::from_secs(3600);
/// How often idle and revoked MCP sessions are swept.
pub const MCP_SESSION_SWEEP: Duration = Duration::from_secs(60);
/// How often a running server looks for a pause set by `trek pause`/`trek resume` (another
/// process) — a cheap `PRAGMA data_version` probe, the setting read only when it moved.
pub const PAUSE_SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// Failed password logins allowed per window before the login page refuses for a while.
pub const LOGIN_MAX_FAILURES: u32 = 5;
/// The window over which failed logins are counted.
pub const LOGIN_FAILURE_WINDOW: Duration = Duration::from_secs(300);
/// Shortest owner password accepted by `trek owner set-password`.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Where the server listens, where it keeps its data and how the outside world reaches it.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port on 127.0.0.1; 0 asks the OS for a free one (tests).
    pub port: u16,
    /// Directory holding the SQLite file, the session key and backups.
    pub data_dir: PathBuf,
    /// Public origin (tunnel or reverse proxy) that may reach the MCP and OAuth endpoints.
    pub public_url: Option<Url>,
    /// Lets Client ID Metadata Documents be fetched over http and from private addresses.
    /// Only tests set it (to serve documents from a local test double); no flag or variable does.
    pub insecure_cimd_for_tests: bool,
    /// Where `/api/connect` looks for MCP clients' config files; `None` is this user's real
    /// home and config dirs. Only tests set it (to a temp dir); no flag or variable does.
    pub client_dirs: Option<crate::connect::Dirs>,
    /// MCP requests per (user, client) and minute.
    pub mcp_rate_limit: u32,
    /// Live MCP sessions per user; the least recently used one is ended to make room.
    pub mcp_max_sessions_per_user: usize,
    /// World-data providers (base URLs from `TREK_*_URL`, the optional Google key).
    pub world: crate::providers::world::WorldConfig,
    /// The tunnel supervisor's durations (`tunnel::Timing::default()`; tests shorten them).
    pub tunnel_timing: crate::tunnel::Timing,
    /// Where tunnel health checks connect instead of the public URL, sending the public host
    /// in `Host`. Only tests set it (a stand-in's relay; *.trycloudflare.com does not resolve
    /// here); no flag or variable does.
    pub tunnel_health_via: Option<Url>,
    /// Start the saved tunnel at launch when public access was on at the last quit (`trek serve
    /// --tunnel` turns it off: its flags say what to run).
    pub resume_tunnel: bool,
    /// The desktop shell runs this server (it applies the autostart setting); `trek serve` does not.
    pub desktop: bool,
}

/// A configuration value that cannot be used, with the setting that produced it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no data directory: set {ENV_DATA_DIR} or --data-dir (no home directory found)")]
    NoDataDir,
    #[error("{name} must be a positive whole number, got {value:?}")]
    Number { name: &'static str, value: String },
    #[error("{ENV_PORT} must be a port number (1-65535), got {0:?}")]
    Port(String),
    #[error("{ENV_PUBLIC_URL} must be an http(s) origin without path, query or credentials, got {0:?}")]
    PublicUrl(String),
    #[error(transparent)]
    ProviderUrl(#[from] crate::providers::world::BadProviderUrl),
}

impl Config {
    /// A configuration from explicit values (flags/env are resolved by the CLI's parser).
    pub fn new(port: u16, data_dir: Option<PathBuf>, public_url: Option<&str>) -> Result<Self, ConfigError> {
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => default_data_dir().ok_or(ConfigError::NoDataDir)?,
        };
        let public_url = public_url.filter(|s| !s.trim().is_empty()).map(parse_public_url).transpose()?;
        Ok(Self {
            port,
            data_dir,
            public_url,
            insecure_cimd_for_tests: false,
            client_dirs: None,
            mcp_rate_limit: env_number(ENV_MCP_RATE_LIMIT)?.unwrap_or(DEFAULT_MCP_RATE_LIMIT),
            mcp_max_sessions_per_user: env_number(ENV_MCP_MAX_SESSIONS)?.unwrap_or(DEFAULT_MCP_MAX_SESSIONS),
            world: crate::providers::world::WorldConfig::from_env()?,
            tunnel_timing: crate::tunnel::Timing::default(),
            tunnel_health_via: None,
            resume_tunnel: true,
            desktop: false,
        })
    }

    /// A configuration from the environment alone (the desktop app has no flags).
    pub fn from_env() -> Result<Self, ConfigError> {
        let port = match std::env::var(ENV_PORT) {
            Ok(raw) => raw.trim().parse().map_err(|_| ConfigError::Port(raw))?,
            Err(_) => DEFAULT_PORT,
        };
        let data_dir = std::env::var_os(ENV_DATA_DIR).filter(|d| !d.is_empty()).map(PathBuf::from);
        let public_url = std::env::var(ENV_PUBLIC_URL).ok();
        Self::new(port, data_dir, public_url.as_deref())
    }

    /// The loopback address to bind. Never anything but 127.0.0.1 (see DESIGN.md).
    pub fn bind_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Path of the SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("trek.db")
    }

    /// Path of the key that signs owner session cookies.
    pub fn session_key_path(&self) -> PathBuf {
        self.data_dir.join("session.key")
    }

    /// Path of the file a running instance writes so the CLI can find it.
    pub fn instance_file_path(&self) -> PathBuf {
        self.data_dir.join("instance.json")
    }
}

/// A positive number from the environment, if set.
fn env_number<T: std::str::FromStr + PartialOrd + Default>(
    name: &'static str,
) -> Result<Option<T>, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(raw) => match raw.trim().parse::<T>() {
            Ok(n) if n > T::default() => Ok(Some(n)),
            _ => Err(ConfigError::Number { name, value: raw }),
        },
    }
}

/// The platform's conventional data directory (XDG, Application Support, AppData).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("app", "Trek", "Trek").map(|d| d.data_dir().to_path_buf())
}

/// A public URL must be a bare origin: the server derives `/mcp` and `/oauth/*` from it.
fn parse_public_url(raw: &str) -> Result<Url, ConfigError> {
    let bad = || ConfigError::PublicUrl(raw.to_owned());
    let url = Url::parse(raw.trim()).map_err(|_| bad())?;
    let is_origin = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path() == "/";
    if is_origin { Ok(url) } else { Err(bad()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_must_be_a_bare_origin() {
        for ok in ["https://trek.example.com", "https://a.trycloudflare.com/", "http://h:8080"] {
            assert!(parse_public_url(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in [
            "ftp://x.example",
            "https://x.example/mcp",
            "https://u:p@x.example",
            "https://x.example/?a=1",
            "not a url",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn empty_public_url_means_none() {
        let cfg = Config::new(1, Some("/tmp/x".into()), Some("  ")).unwrap();
        assert!(cfg.public_url.is_none());
    }
}
