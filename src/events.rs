//! The event bus: every committed change is published once, after commit, so open views (the
//! UI through `/api/events`) refresh live no matter who made the change.

use tokio::sync::broadcast;

use crate::domain::Change;

/// How many changes a slow subscriber may lag behind before it is told to reload.
const EVENT_BUFFER: usize = 1024;

/// Publisher and subscription point for committed changes. Cheap to clone.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Change>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(EVENT_BUFFER).0 }
    }
}

impl EventBus {
    /// Publishes changes that were committed. Having no subscriber is fine.
    pub fn publish(&self, changes: Vec<Change>) {
        for change in changes {
            let _ = self.sender.send(change);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }
}
