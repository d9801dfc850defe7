//! The owner's preferences that are not about trips: whether the first-run welcome was
//! dismissed, and whether the desktop app starts at login. Stored in the settings table, so the
//! desktop window and a browser agree; a change is announced on the event bus (entity
//! [`AUTOSTART_EVENT_ENTITY`] / [`WELCOME_EVENT_ENTITY`]), which the desktop shell follows to
//! write or remove the platform's login item.

use crate::domain::{Change, ChangeAction};
use crate::events::EventBus;
use crate::store::{Store, StoreError, settings};

/// The live event announcing a change of the autostart setting.
pub const AUTOSTART_EVENT_ENTITY: &str = "autostart";
/// The live event announcing that the welcome was dismissed (other open windows hide it).
pub const WELCOME_EVENT_ENTITY: &str = "welcome";

/// Reads and writes the preferences. Cheap to clone.
#[derive(Clone)]
pub struct Prefs {
    store: Store,
    events: EventBus,
}

impl Prefs {
    pub fn new(store: Store, events: EventBus) -> Self {
        Self { store, events }
    }

    async fn get_bool(&self, key: &'static str) -> Result<bool, StoreError> {
        let value = self.store.read(move |c| settings::get(c, key).map_err(StoreError::from)).await?;
        Ok(value.and_then(|v| v.as_bool()).unwrap_or(false))
    }

    async fn set_bool(&self, key: &'static str, entity: &'static str, value: bool) -> Result<(), StoreError> {
        self.store.write(move |tx| settings::set(tx, key, &value.into()).map_err(StoreError::from)).await?;
        self.events.publish(vec![Change { entity, action: ChangeAction::Updated, id: 0, trip_id: None }]);
        Ok(())
    }

    /// Start the desktop app at login (off until the owner turns it on).
    pub async fn autostart(&self) -> Result<bool, StoreError> {
        self.get_bool(settings::AUTOSTART).await
    }

    pub async fn set_autostart(&self, enabled: bool) -> Result<(), StoreError> {
        self.set_bool(settings::AUTOSTART, AUTOSTART_EVENT_ENTITY, enabled).await
    }

    /// Whether the first-run welcome was dismissed (it is then never shown again).
    pub async fn welcome_dismissed(&self) -> Result<bool, StoreError> {
        self.get_bool(settings::WELCOME_DISMISSED).await
    }

    pub async fn dismiss_welcome(&self) -> Result<(), StoreError> {
        self.set_bool(settings::WELCOME_DISMISSED, WELCOME_EVENT_ENTITY, true).await
    }
}
