//! The owner's saved public-access settings (settings table keys `tunnel`, `tunnel_token`), the
//! share-links switch (`tunnel_share_links`) and whether public access was left on (`tunnel_on`).

use serde::{Deserialize, Serialize};

use super::provider::{Provider, TunnelSpec, TunnelToken};
use crate::store::{Store, StoreError, settings};

/// What the Settings page edits. The token travels separately and is write-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunnelSettings {
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudflared: Option<String>,
}

impl Default for TunnelSettings {
    fn default() -> Self {
        Self { provider: Provider::Quick, cloudflared: None }
    }
}

/// The saved settings and token (defaults: a quick tunnel, cloudflared on `PATH`).
pub async fn load(store: &Store) -> Result<TunnelSpec, StoreError> {
    let (saved, token) = store
        .read(|c| {
            Ok::<_, StoreError>((
                settings::get(c, settings::TUNNEL)?,
                settings::get(c, settings::TUNNEL_TOKEN)?,
            ))
        })
        .await?;
    let saved: TunnelSettings = saved.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let token = token.and_then(|v| v.as_str().and_then(|t| TunnelToken::new(t).ok()));
    Ok(TunnelSpec { provider: saved.provider, token, cloudflared: saved.cloudflared.map(Into::into) })
}

/// Saves the settings; `token`: `Some` replaces it, `None` keeps the saved one.
pub async fn save(
    store: &Store,
    saved: TunnelSettings,
    token: Option<TunnelToken>,
) -> Result<(), StoreError> {
    // Strings and enums only: serializing cannot fail.
    let value = serde_json::to_value(&saved).unwrap_or_default();
    store
        .write(move |tx| {
            settings::set(tx, settings::TUNNEL, &value)?;
            if let Some(token) = token {
                settings::set(tx, settings::TUNNEL_TOKEN, &token.expose().into())?;
            }
            Ok::<_, StoreError>(())
        })
        .await
}

/// A saved switch (`settings::TUNNEL_SHARE_LINKS`, `settings::TUNNEL_ON`); off when never set.
pub async fn flag(store: &Store, key: &'static str) -> Result<bool, StoreError> {
    let value = store.read(move |c| Ok::<_, StoreError>(settings::get(c, key)?)).await?;
    Ok(value.and_then(|v| v.as_bool()).unwrap_or(false))
}

pub async fn set_flag(store: &Store, key: &'static str, on: bool) -> Result<(), StoreError> {
    store.write(move |tx| Ok::<_, StoreError>(settings::set(tx, key, &on.into())?)).await
}

impl TunnelSpec {
    /// The part of the spec that is shown and edited (without the token).
    pub fn settings(&self) -> TunnelSettings {
        TunnelSettings {
            provider: self.provider.clone(),
            cloudflared: self.cloudflared.as_ref().map(|p| p.display().to_string()),
        }
    }
}
