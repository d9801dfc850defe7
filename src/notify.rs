//! The background task that records notifications due by time (`domain::notifications::scan`:
//! reservations still pending the day before, connections about to be signed out), at start and
//! then every `SCAN_EVERY`. Event-driven notifications are recorded where the event happens.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::domain::notifications;
use crate::store::{Store, StoreError};

/// How often due notifications are looked for: reminders are about days, not minutes.
pub const SCAN_EVERY: Duration = Duration::from_secs(15 * 60);

/// Records the due notifications once; returns how many are new.
pub async fn scan_once(store: &Store, clock: &SharedClock) -> Result<usize, StoreError> {
    let now = clock.now();
    store.write(move |tx| Ok::<_, StoreError>(notifications::scan(tx, now)?)).await
}

pub fn spawn_scanner(store: Store, clock: SharedClock, cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SCAN_EVERY);
        loop {
            tokio::select! {
                () = cancel.cancelled() => break,
                _ = every.tick() => match scan_once(&store, &clock).await {
                    Ok(0) => {}
                    Ok(created) => tracing::info!(created, "notifications recorded"),
                    Err(error) => tracing::warn!(%error, "notification scan failed"),
                },
            }
        }
    });
}
