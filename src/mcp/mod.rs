//! `/mcp`: rmcp's Streamable HTTP service (both protocol eras on one URL) behind our bearer
//! middleware, exposing the operation registry, resources and prompts.

mod bearer;
pub mod pause;
mod prompts;
mod resources;
mod service;
pub mod sessions;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::middleware;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

pub use service::STATIC_TOKEN_NOTICE;
use service::TrekMcp;
use sessions::SessionRegistry;

use crate::auth::oauth::OAuth;
use crate::auth::owner_session::OwnerAuth;
use crate::clock::SharedClock;
use crate::config::{
    Config, MAX_REQUEST_BODY_BYTES, MCP_SESSION_IDLE, MCP_SESSION_SWEEP, PAUSE_SYNC_INTERVAL,
};
use crate::events::EventBus;
use crate::http::paths;
use crate::store::{Store, StoreError, settings};

/// What the MCP endpoint shares with the rest of the server.
#[derive(Clone)]
pub struct McpState {
    pub oauth: OAuth,
    pub owner: OwnerAuth,
    pub sessions: Arc<SessionRegistry>,
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
    handler: TrekMcp,
    session_manager: Arc<LocalSessionManager>,
    cancel: CancellationToken,
    /// The owner's MCP switch (setting `mcp_enabled`, on by default).
    enabled: Arc<AtomicBool>,
}

impl McpState {
    #[allow(clippy::too_many_arguments)] // one constructor wiring the endpoint's parts, called once
    pub fn new(
        config: &Config,
        store: Store,
        clock: SharedClock,
        events: EventBus,
        oauth: OAuth,
        owner: OwnerAuth,
        cancel: CancellationToken,
    ) -> Self {
        let mut session_manager = LocalSessionManager::default();
        // Our registry ends idle sessions on our clock; rmcp's own timer is only a safety net
        // for connections that vanished, set just past ours.
        session_manager.session_config.keep_alive = Some(MCP_SESSION_IDLE + Duration::from_secs(300));
        let session_manager = Arc::new(session_manager);
        let per_minute = NonZeroU32::new(config.mcp_rate_limit).unwrap_or(NonZeroU32::MIN);
        Self {
            sessions: Arc::new(SessionRegistry::new(
                session_manager.clone(),
                clock.clone(),
                config.mcp_max_sessions_per_user,
            )),
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            handler: TrekMcp { store, clock, events, pause: pause::AiPause::default() },
            oauth,
            owner,
            session_manager,
            cancel,
            enabled: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Loads the MCP switch from the settings table (at start).
    pub async fn load_enabled(&self, store: &Store) -> Result<(), StoreError> {
        let value = store.read(|c| settings::get(c, settings::MCP_ENABLED).map_err(StoreError::from)).await?;
        self.enabled.store(value.and_then(|v| v.as_bool()).unwrap_or(true), Ordering::SeqCst);
        Ok(())
    }

    /// "Pause AI access" (the owner's API, the tray and the CLI's file change all end here).
    pub fn pause(&self) -> &pause::AiPause {
        &self.handler.pause
    }

    /// Loads the pause setting at start.
    pub async fn load_pause(&self) -> Result<pause::PauseSetting, StoreError> {
        self.handler.pause.load(&self.handler.store, &self.handler.events).await
    }

    /// Stores and applies the owner's pause choice; sessions stay open.
    pub async fn set_pause(&self, setting: pause::PauseSetting) -> Result<(), StoreError> {
        self.handler.pause.set(&self.handler.store, &self.handler.events, setting).await
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::SeqCst)
    }

    /// Switches MCP on or off; off ends every live session at once.
    pub async fn set_enabled(&self, store: &Store, enabled: bool) -> Result<(), StoreError> {
        store
            .write(move |tx| {
                settings::set(tx, settings::MCP_ENABLED, &enabled.into()).map_err(StoreError::from)
            })
            .await?;
        self.enabled.store(enabled, Ordering::SeqCst);
        if !enabled {
            let ended = self.sessions.end_all().await;
            tracing::info!(ended, "MCP switched off; sessions ended");
        }
        Ok(())
    }

    /// Picks up `trek pause` / `trek resume`, which write the setting into the shared file from
    /// another process: when SQLite's `data_version` moved, the setting is read again.
    pub fn spawn_pause_sync(&self) {
        let (handler, cancel) = (self.handler.clone(), self.cancel.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PAUSE_SYNC_INTERVAL);
            let mut seen = handler.store.data_version().ok();
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    _ = tick.tick() => {
                        let now = handler.store.data_version().ok();
                        if now != seen {
                            seen = now;
                            if let Err(error) = handler.pause.load(&handler.store, &handler.events).await {
                                tracing::warn!(%error, "could not read the AI access pause");
                            }
                        }
                    }
                }
            }
        });
    }

    /// Ends sessions when their credential is revoked (in this process: at once; by the CLI:
    /// at the next sweep) and when they idle out.
    pub fn spawn_housekeeping(&self) {
        let (sessions, oauth, cancel) = (self.sessions.clone(), self.oauth.clone(), self.cancel.clone());
        let mut revocations = oauth.subscribe_revocations();
        tokio::spawn(async move {
            let mut sweep = tokio::time::interval(MCP_SESSION_SWEEP);
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    revoked = revocations.recv() => match revoked {
                        Ok(revoked) => { sessions.end_grants(&revoked.0).await; }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                    },
                    _ = sweep.tick() => {
                        let mut dead = Vec::new();
                        for grant in sessions.sweep_idle().await {
                            if grant != "owner" && !oauth.is_live(grant.clone()).await.unwrap_or(true) {
                                dead.push(grant);
                            }
                        }
                        sessions.end_grants(&dead).await;
                    }
                }
            }
        });
    }

    /// `/mcp` with its middleware. `allowed_hosts` is the guard's list, so rmcp's own Host check
    /// and ours can never disagree.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self, allowed_hosts: Vec<String>) -> Router<S> {
        let handler = self.handler.clone();
        let mut config = StreamableHttpServerConfig::default();
        config.allowed_hosts = allowed_hosts;
        config.cancellation_token = self.cancel.child_token();
        config.max_request_body_bytes = MAX_REQUEST_BODY_BYTES;
        let service =
            StreamableHttpService::new(move || Ok(handler.clone()), self.session_manager.clone(), config);
        Router::new()
            .route_service(paths::MCP, service)
            .layer(middleware::from_fn_with_state(self.clone(), bearer::authenticate))
    }
}
