//! "Pause AI access": the owner's switch that refuses MCP calls without ending sessions, so
//! resuming needs no reconnect. Unlike the MCP on/off switch (which ends every session), a
//! pause is meant to be short: the assistant stays connected and is told why it is refused.
//!
//! Checked once, in the MCP service's `run` (every tool call, resource read and prompt that
//! reads data goes through it) and at the top of `get_prompt`; never per tool. The UI's
//! `/api/ops` calls are the owner's and are never paused.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use serde::{Deserialize, Serialize};

use crate::domain::{Change, ChangeAction};
use crate::events::EventBus;
use crate::ops::Kind;
use crate::store::{Store, StoreError, settings};

/// The entity name of the live event announcing a change of the pause (`/api/events`).
pub const PAUSE_EVENT_ENTITY: &str = "ai_access";

/// What the assistant is told when a call is refused.
pub const PAUSED_MESSAGE: &str = "The owner paused AI access in Trek, so this request was refused and nothing \
    was read or changed. Nothing is wrong with the connection: ask the user to resume it (\"Resume AI access\" in \
    Trek's tray menu or on its Connections page, or `trek resume`), then try again in this same session.";

/// The persisted setting (key `ai_pause`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseSetting {
    pub paused: bool,
    /// While paused, still answer reads (read tools, resources, prompts). Off by default: a
    /// pause is what the owner reaches for before looking at something private or while
    /// reorganising a trip by hand, and "paused" should mean the assistant sees nothing new
    /// either. Owners who only want to stop changes opt in.
    #[serde(default)]
    pub allow_reads: bool,
}

/// A refused call; its `Display` is [`PAUSED_MESSAGE`].
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("{PAUSED_MESSAGE}")]
pub struct Paused;

const PAUSED_BIT: u8 = 1;
const READS_BIT: u8 = 2;

/// The live pause state, shared by the MCP handler and the owner API. Cheap to clone.
#[derive(Clone, Default)]
pub struct AiPause {
    bits: Arc<AtomicU8>,
}

impl AiPause {
    pub fn get(&self) -> PauseSetting {
        let bits = self.bits.load(Ordering::SeqCst);
        PauseSetting { paused: bits & PAUSED_BIT != 0, allow_reads: bits & READS_BIT != 0 }
    }

    /// Sets the in-memory state; returns whether it changed.
    fn apply(&self, setting: PauseSetting) -> bool {
        let bits =
            if setting.paused { PAUSED_BIT } else { 0 } | if setting.allow_reads { READS_BIT } else { 0 };
        self.bits.swap(bits, Ordering::SeqCst) != bits
    }

    /// Whether an operation of `kind` may run now. Reads are Read and Outbound (both change
    /// nothing, as their MCP `readOnlyHint` says).
    pub fn check(&self, kind: Kind) -> Result<(), Paused> {
        let setting = self.get();
        let is_read = matches!(kind, Kind::Read | Kind::Outbound);
        if setting.paused && !(is_read && setting.allow_reads) { Err(Paused) } else { Ok(()) }
    }

    /// Loads the stored setting (at start, and when `trek pause`/`resume` changed the file);
    /// announces a change on the event bus.
    pub async fn load(&self, store: &Store, events: &EventBus) -> Result<PauseSetting, StoreError> {
        let setting = read(store).await?;
        if self.apply(setting) {
            announce(events);
        }
        Ok(setting)
    }

    /// Stores the owner's choice, applies it at once and announces it.
    pub async fn set(
        &self,
        store: &Store,
        events: &EventBus,
        setting: PauseSetting,
    ) -> Result<(), StoreError> {
        write(store, setting).await?;
        if self.apply(setting) {
            announce(events);
        }
        tracing::info!(paused = setting.paused, allow_reads = setting.allow_reads, "AI access pause set");
        Ok(())
    }
}

/// The stored setting; absent or unreadable means not paused.
pub async fn read(store: &Store) -> Result<PauseSetting, StoreError> {
    let value = store.read(|c| settings::get(c, settings::AI_PAUSE).map_err(StoreError::from)).await?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default())
}

/// Writes the setting (the CLI uses this directly; a running server picks it up within
/// `PAUSE_SYNC_INTERVAL`).
pub async fn write(store: &Store, setting: PauseSetting) -> Result<(), StoreError> {
    let value = serde_json::json!(setting);
    store.write(move |tx| settings::set(tx, settings::AI_PAUSE, &value).map_err(StoreError::from)).await
}

fn announce(events: &EventBus) {
    events.publish(vec![Change {
        entity: PAUSE_EVENT_ENTITY,
        action: ChangeAction::Updated,
        id: 0,
        trip_id: None,
    }]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_follows_the_setting() {
        let pause = AiPause::default();
        let kinds = [Kind::Read, Kind::Outbound, Kind::Write, Kind::Delete];
        for (setting, allowed) in [
            (PauseSetting { paused: false, allow_reads: false }, [true, true, true, true]),
            (PauseSetting { paused: false, allow_reads: true }, [true, true, true, true]),
            (PauseSetting { paused: true, allow_reads: false }, [false, false, false, false]),
            (PauseSetting { paused: true, allow_reads: true }, [true, true, false, false]),
        ] {
            pause.apply(setting);
            assert_eq!(pause.get(), setting);
            for (kind, allowed) in kinds.iter().zip(allowed) {
                assert_eq!(pause.check(*kind).is_ok(), allowed, "{setting:?} {kind:?}");
            }
        }
    }

    #[test]
    fn default_is_not_paused_and_reads_refused_when_paused() {
        assert_eq!(PauseSetting::default(), PauseSetting { paused: false, allow_reads: false });
        let parsed: PauseSetting = serde_json::from_str(r#"{"paused":true}"#).unwrap();
        assert!(!parsed.allow_reads);
    }
}
