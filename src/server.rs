//! `Server`: opens the store, binds 127.0.0.1, serves the app on a background task and shuts
//! down gracefully when its cancellation token fires (signal, tray Quit, tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::auth::AuthError;
use crate::auth::cimd::{CimdPolicy, CimdResolver};
use crate::auth::oauth::OAuth;
use crate::auth::owner_session::{OwnerAuth, SessionKey, TicketPurpose};
use crate::clock::{SharedClock, SystemClock};
use crate::config::{Config, ENV_PORT, SHUTDOWN_GRACE};
use crate::events::EventBus;
use crate::http::guard::AllowedOrigins;
use crate::http::{AppState, OAuthLimits, app, paths};
use crate::mcp::McpState;
use crate::providers::world::World;
use crate::providers::{OutboundConfig, OutboundHttp};
use crate::store::{Store, StoreError, owner};

/// Why the server could not start. Each message names the setting that fixes it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("port {port} is already in use; choose another with --port or {ENV_PORT}")]
    PortInUse { port: u16 },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read or create the session key {path}: {source}")]
    SessionKey { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("cannot set up outbound HTTP: {0}")]
    Outbound(String),
}

/// Starts the saved tunnel when public access was on at the last quit. A tunnel that cannot
/// start shows why in its status (Settings, tray); the server serves on regardless.
async fn resume_tunnel(state: &AppState) {
    if !state.tunnel.was_on().await {
        return;
    }
    match crate::tunnel::settings::load(&state.store).await {
        Ok(spec) => {
            tracing::info!("public access was on at the last quit; starting the tunnel again");
            if let Err(error) = state.tunnel.start(&spec).await {
                tracing::warn!(%error, "cannot bring public access back");
            }
        }
        Err(error) => tracing::warn!(%error, "cannot read the public-access settings"),
    }
}

/// What a running instance writes to `instance.json` so the CLI can find it.
#[derive(Debug, Serialize, Deserialize)]
pub struct InstanceInfo {
    pub pid: u32,
    pub port: u16,
    pub url: String,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    state: AppState,
    config: Config,
    cancel: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Starts serving with the system clock.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        Self::start_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn start_with_clock(config: Config, clock: SharedClock) -> Result<Self, StartError> {
        // rmcp's HTTP client (tests, the bridge) needs a process crypto provider; set it once here.
        crate::install_crypto_provider();
        // Bind first: a taken port should fail fast, before any file is touched.
        let listener = TcpListener::bind(config.bind_addr()).await.map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                StartError::PortInUse { port: config.port }
            } else {
                StartError::Bind { port: config.port, source }
            }
        })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;

        let store = Store::open(&config.database_path())?;
        let now = clock.now();
        store.write(move |tx| owner::ensure_owner(tx, now).map_err(StoreError::from)).await?;
        let key_path = config.session_key_path();
        let key = SessionKey::load_or_create(&key_path)
            .map_err(|source| StartError::SessionKey { path: key_path, source })?;

        let local_url = format!("http://127.0.0.1:{}", addr.port());
        let outbound =
            OutboundHttp::new(OutboundConfig::default()).map_err(|e| StartError::Outbound(e.to_string()))?;
        let cimd = CimdResolver::new(
            outbound,
            CimdPolicy { allow_insecure_for_tests: config.insecure_cimd_for_tests },
        );
        let oauth = OAuth::new(store.clone(), clock.clone(), cimd);
        let owner = OwnerAuth::new(store.clone(), clock.clone(), key);
        let events = EventBus::default();
        let cancel = CancellationToken::new();
        let mcp = McpState::new(
            &config,
            store.clone(),
            clock.clone(),
            events.clone(),
            oauth.clone(),
            owner.clone(),
            cancel.clone(),
            World::new(config.world.clone()).map_err(|e| StartError::Outbound(e.to_string()))?,
        );
        mcp.load_enabled(&store).await?;
        mcp.load_pause().await?;
        mcp.spawn_housekeeping();
        mcp.spawn_pause_sync();
        spawn_daily_backups(store.path().to_path_buf(), clock.clone(), cancel.clone());
        let allowed = AllowedOrigins::new(addr.port(), config.public_url.as_ref());
        allowed.set_public_shares(
            crate::tunnel::settings::flag(&store, crate::store::settings::TUNNEL_SHARE_LINKS).await?,
        );
        let tunnel = crate::tunnel::Tunnel::new(
            store.clone(),
            allowed.clone(),
            config.public_url.clone(),
            addr.port(),
            config.tunnel_timing,
            config.tunnel_health_via.clone(),
        );
        crate::notify::spawn_scanner(store.clone(), clock.clone(), cancel.clone());
        let state = AppState {
            oauth,
            events,
            mcp,
            shutdown: cancel.clone(),
            oauth_limits: Arc::new(OAuthLimits::default()),
            owner,
            allowed,
            tunnel,
            info: Arc::new(crate::http::ServerInfo {
                local_url: local_url.clone(),
                data_dir: config.data_dir.clone(),
                started_at: now,
                client_dirs: config.client_dirs.clone(),
                desktop: config.desktop,
            }),
            store,
            clock,
        };

        let router = app(state.clone());
        let shutdown = cancel.clone();
        // Small JSON-RPC answers must not wait for the client's delayed ACK (Nagle): without
        // TCP_NODELAY every session call took ~40 ms on loopback.
        let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        });
        // Written before the first request can be answered (the socket is already bound), so
        // whoever sees /healthz answer also finds the instance file (it raced under load).
        write_instance_file(
            &config,
            &InstanceInfo { pid: std::process::id(), port: addr.port(), url: local_url },
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { shutdown.cancelled().await })
                .await
        });

        // Public access comes back if the owner left it on (serving already: the tunnel's health
        // check goes through this server).
        if config.resume_tunnel {
            resume_tunnel(&state).await;
        }
        tracing::info!(url = %format!("http://{addr}"), data_dir = %config.data_dir.display(), "Trek is serving");
        Ok(Self { addr, state, config, cancel, task })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn local_url(&self) -> String {
        self.state.info.local_url.clone()
    }

    /// The MCP endpoint clients connect to.
    pub fn mcp_url(&self) -> String {
        format!("{}{}", self.local_url(), paths::MCP)
    }

    /// The bus of committed changes (the desktop shell follows settings changes on it).
    pub fn events(&self) -> &crate::events::EventBus {
        &self.state.events
    }

    /// The owner's preferences that live outside trips (autostart, first run).
    pub fn prefs(&self) -> crate::prefs::Prefs {
        crate::prefs::Prefs::new(self.state.store.clone(), self.state.events.clone())
    }

    /// The MCP endpoint's shared state (its session registry).
    pub fn mcp(&self) -> &McpState {
        &self.state.mcp
    }

    /// The authorization server (the desktop shell and tests act as the owner through it).
    pub fn oauth(&self) -> &OAuth {
        &self.state.oauth
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.config.data_dir
    }

    /// Public access (the tunnel supervisor): `trek serve --tunnel`, the tray.
    pub fn tunnel(&self) -> &crate::tunnel::Tunnel {
        &self.state.tunnel
    }

    /// The public-access settings the owner saved (Settings → Public access), for the tray.
    pub async fn saved_tunnel(&self) -> Result<crate::tunnel::TunnelSpec, StoreError> {
        crate::tunnel::settings::load(&self.state.store).await
    }

    /// Token that stops the server when cancelled (signal handlers, the tray's Quit).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// A one-time URL that logs a browser (the desktop window) in as the owner.
    pub async fn launch_url(&self, purpose: TicketPurpose) -> Result<String, AuthError> {
        let ticket = self.state.owner.issue_launch_ticket(purpose).await?;
        Ok(format!("{}{}?ticket={}", self.local_url(), paths::AUTH_LAUNCH, ticket.expose()))
    }

    /// Waits until the token is cancelled, then for in-flight requests (at most
    /// `SHUTDOWN_GRACE`), then closes the database.
    pub async fn wait(self) -> std::io::Result<()> {
        let Self { state, config, cancel, mut task, .. } = self;
        let result = tokio::select! {
            joined = &mut task => joined,
            () = cancel.cancelled() => match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
                Ok(joined) => joined,
                Err(_) => {
                    tracing::warn!("in-flight requests did not finish within {SHUTDOWN_GRACE:?}; closing");
                    task.abort();
                    Ok(Ok(()))
                }
            },
        };
        // The tunnel goes first and its process group with it: nothing outlives the server.
        state.tunnel.shutdown().await;
        state.store.close();
        let _ = std::fs::remove_file(config.instance_file_path());
        tracing::info!("Trek stopped");
        result.unwrap_or_else(|join| Err(std::io::Error::other(join)))
    }

    /// Cancels and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.cancel.cancel();
        self.wait().await
    }
}

/// Takes the daily backup when one is due: at start and then every hour (a laptop that sleeps
/// through midnight still gets its backup when it wakes).
fn spawn_daily_backups(db: PathBuf, clock: SharedClock, cancel: CancellationToken) {
    const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
    tokio::spawn(async move {
        loop {
            let (path, now) = (db.clone(), clock.now());
            match tokio::task::spawn_blocking(move || crate::store::backups::daily_if_due(&path, now)).await {
                Ok(Ok(Some(backup))) => {
                    tracing::info!(path = %backup.path.display(), bytes = backup.bytes, "daily backup taken")
                }
                Ok(Ok(None)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "daily backup failed; retrying in an hour"),
                Err(error) => tracing::warn!(%error, "daily backup task failed"),
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(CHECK_EVERY) => {}
            }
        }
    });
}

fn write_instance_file(config: &Config, info: &InstanceInfo) {
    let path = config.instance_file_path();
    let written = serde_json::to_vec_pretty(info)
        .map_err(std::io::Error::other)
        .and_then(|json| std::fs::write(&path, json));
    if let Err(error) = written {
        tracing::warn!(path = %path.display(), %error, "could not write the instance file; `trek login-link` will assume the configured port");
    }
}

/// The running instance recorded in the data dir, if any.
pub fn read_instance_file(config: &Config) -> Option<InstanceInfo> {
    let bytes = std::fs::read(config.instance_file_path()).ok()?;
    serde_json::from_slice(&bytes).ok()
}
