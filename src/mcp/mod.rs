//! `/mcp`: rmcp's Streamable HTTP service (both protocol eras on one URL) behind our bearer
//! middleware, exposing the operation registry, resources and prompts.

mod bearer;
mod hosts;
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
use crate::http::guard::AllowedOrigins;
use crate::http::paths;
use crate::ops::{Addon, AddonSet};
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
    /// The add-on set live sessions listed their tools with; when the stored one differs
    /// (changed here or by `trek addons`), every session is ended so clients list again.
    addons_seen: Arc<std::sync::Mutex<AddonSet>>,
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
        world: crate::providers::world::World,
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
            handler: TrekMcp { store, clock, events, world, pause: pause::AiPause::default() },
            oauth,
            owner,
            session_manager,
            cancel,
            enabled: Arc::new(AtomicBool::new(true)),
            addons_seen: Arc::new(std::sync::Mutex::new(AddonSet::defaults())),
        }
    }

    /// Loads the MCP switch from the settings table (at start).
    pub async fn load_enabled(&self, store: &Store) -> Result<(), StoreError> {
        let value = store.read(|c| settings::get(c, settings::MCP_ENABLED).map_err(StoreError::from)).await?;
        self.enabled.store(value.and_then(|v| v.as_bool()).unwrap_or(true), Ordering::SeqCst);
        let addons = store.read(|c| AddonSet::load(c).map_err(StoreError::from)).await?;
        *self.lock_addons() = addons;
        Ok(())
    }

    /// The outside-world providers, shared by MCP tools and the UI's `/api/ops`.
    pub fn world(&self) -> &crate::providers::world::World {
        &self.handler.world
    }

    fn lock_addons(&self) -> std::sync::MutexGuard<'_, AddonSet> {
        // A plain value: a poisoned lock still holds a valid set.
        self.addons_seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Switches one add-on on or off (in one transaction, so concurrent toggles of different
    /// add-ons both count) and ends every live session if that changed what they may see.
    /// Returns the new set.
    pub async fn set_addon(&self, store: &Store, addon: Addon, on: bool) -> Result<AddonSet, StoreError> {
        let set = store
            .write(move |tx| {
                let set = AddonSet::load(tx)?.with(addon, on);
                set.save(tx)?;
                Ok::<_, StoreError>(set)
            })
            .await?;
        self.addons_changed(set).await;
        Ok(set)
    }

    /// Ends every session when `current` differs from what they were opened under.
    async fn addons_changed(&self, current: AddonSet) {
        let changed = std::mem::replace(&mut *self.lock_addons(), current) != current;
        if changed {
            let ended = self.sessions.end_all().await;
            tracing::info!(ended, "add-ons changed; MCP sessions ended so clients list tools again");
        }
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

    /// Ends sessions when their credential is revoked or the add-ons change (in this process:
    /// at once; by the CLI: at the next sweep) and when they idle out.
    pub fn spawn_housekeeping(&self) {
        let (sessions, oauth, cancel) = (self.sessions.clone(), self.oauth.clone(), self.cancel.clone());
        let (this, store) = (self.clone(), self.handler.store.clone());
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
                        if let Ok(addons) = store.read(|c| AddonSet::load(c).map_err(StoreError::from)).await {
                            this.addons_changed(addons).await;
                        }
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

    /// `/mcp` with its middleware. rmcp's own Host allow-list is the guard's list, so rmcp's
    /// check and ours can never disagree — also after the tunnel's public origin changes.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self, allowed: Arc<AllowedOrigins>) -> Router<S> {
        let service = hosts::FollowHosts::new(allowed, self.rmcp_factory());
        Router::new()
            .route_service(paths::MCP, service)
            .layer(middleware::from_fn_with_state(self.clone(), bearer::authenticate))
    }

    /// Builds rmcp's service for a Host allow-list; sessions live in the shared manager, so a
    /// rebuilt service keeps every session.
    fn rmcp_factory(&self) -> hosts::Factory {
        let (handler, manager, cancel) =
            (self.handler.clone(), self.session_manager.clone(), self.cancel.clone());
        Arc::new(move |allowed_hosts: Vec<String>| {
            let mut config = StreamableHttpServerConfig::default();
            config.allowed_hosts = allowed_hosts;
            config.cancellation_token = cancel.child_token();
            config.max_request_body_bytes = MAX_REQUEST_BODY_BYTES;
            let handler = handler.clone();
            StreamableHttpService::new(move || Ok(handler.clone()), manager.clone(), config)
        })
    }
}
