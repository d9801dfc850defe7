//! Connection requests reach the person at the laptop: a native notification, the window
//! brought to the front (its consent queue shows the card) and the tray tooltip counting what
//! waits. The decision itself is made in the UI; nothing here decides anything.

use std::time::Duration;

use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;
use trek::auth::oauth::OAuth;

use crate::window;

/// How often the tray tooltip re-counts waiting requests while some are open.
const RECOUNT: Duration = Duration::from_secs(2);

pub async fn watch_consent_requests<R: Runtime>(app: AppHandle<R>, oauth: OAuth) {
    let mut requests = oauth.subscribe_consent_requests();
    loop {
        match requests.recv().await {
            Ok(request) => {
                let body = format!("{} asks to connect. Request code {}.", request.client_name, request.id);
                if let Err(error) =
                    app.notification().builder().title("Approve a connection in Trek").body(body).show()
                {
                    // No notification daemon (headless sessions): the window still comes up.
                    eprintln!("trek-desktop: cannot show a notification: {error}");
                }
                window::open_soon(app.clone());
                tauri::async_runtime::spawn(track_waiting(app.clone(), oauth.clone()));
            }
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => break,
        }
    }
}

/// Shows the number of waiting requests in the tray tooltip until none is left.
async fn track_waiting<R: Runtime>(app: AppHandle<R>, oauth: OAuth) {
    loop {
        let waiting = oauth.pending_consents().await.map(|p| p.len()).unwrap_or(0);
        let tooltip = match waiting {
            0 => "Trek".to_owned(),
            1 => "Trek — 1 connection request waiting".to_owned(),
            n => format!("Trek — {n} connection requests waiting"),
        };
        if let Some(tray) = app.tray_by_id(crate::tray::TRAY_ID) {
            let _ = tray.set_tooltip(Some(tooltip));
        }
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(RECOUNT).await;
    }
}
