//! "Pause AI access" in the tray: one menu item that pauses or resumes (the core's
//! `McpState::set_pause`, the same switch as the Connections page), and the tray's icon,
//! tooltip and item label following the state — also when the page, another window or
//! `trek pause` changed it (the core announces every change on its event bus).

use tauri::menu::MenuItem;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;
use trek::events::EventBus;
use trek::mcp::McpState;
use trek::mcp::pause::{PAUSE_EVENT_ENTITY, PauseSetting};

use crate::tray::TRAY_ID;

/// The menu item, kept to change its label.
struct PauseItem<R: Runtime>(MenuItem<R>);

/// What the tray shows for a state: (menu label, the tooltip's part, paused icon?).
pub fn presentation(setting: PauseSetting) -> (&'static str, Option<&'static str>, bool) {
    match setting {
        PauseSetting { paused: false, .. } => ("Pause AI access", None, false),
        PauseSetting { paused: true, allow_reads: true } => {
            ("Resume AI access", Some("AI access paused (reads allowed)"), true)
        }
        PauseSetting { paused: true, allow_reads: false } => {
            ("Resume AI access", Some("AI access paused"), true)
        }
    }
}

/// Keeps the menu item (created by `tray::create`) and shows the current state.
pub fn install<R: Runtime>(app: &AppHandle<R>, item: MenuItem<R>, mcp: &McpState) {
    app.manage(PauseItem(item));
    show(app, mcp.pause().get());
}

/// The tray item's action: flip the pause, keeping the reads choice.
pub fn toggle<R: Runtime>(app: &AppHandle<R>, mcp: McpState) {
    let current = mcp.pause().get();
    let next = PauseSetting { paused: !current.paused, ..current };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match mcp.set_pause(next).await {
            // The event bus brings the new state to `follow`, which updates the tray.
            Ok(()) => {}
            Err(error) => {
                eprintln!("trek-desktop: cannot change AI access: {error}");
                show(&app, mcp.pause().get());
            }
        }
    });
}

/// Updates the tray on every pause change, from whoever made it.
pub async fn follow<R: Runtime>(app: AppHandle<R>, mcp: McpState, events: EventBus) {
    let mut changes = events.subscribe();
    loop {
        match changes.recv().await {
            Ok(change) if change.entity == PAUSE_EVENT_ENTITY => show(&app, mcp.pause().get()),
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => show(&app, mcp.pause().get()),
            Err(RecvError::Closed) => break,
        }
    }
}

fn show<R: Runtime>(app: &AppHandle<R>, setting: PauseSetting) {
    let (label, _, paused) = presentation(setting);
    if let Some(item) = app.try_state::<PauseItem<R>>()
        && let Err(error) = item.0.set_text(label)
    {
        eprintln!("trek-desktop: cannot relabel the pause item: {error}");
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let icon = if paused {
        tauri::include_image!("../icons/tray-paused.png")
    } else {
        tauri::include_image!("../icons/tray.png")
    };
    if let Err(error) = tray.set_icon(Some(icon)) {
        eprintln!("trek-desktop: cannot update the tray: {error}");
    }
    crate::tray::refresh_tooltip(app);
}

/// The icons embedded above, for tests.
#[cfg(test)]
fn icons() -> (tauri::image::Image<'static>, tauri::image::Image<'static>) {
    (tauri::include_image!("../icons/tray.png"), tauri::include_image!("../icons/tray-paused.png"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tray_says_what_the_item_will_do_and_shows_the_pause() {
        let on = presentation(PauseSetting { paused: false, allow_reads: true });
        assert_eq!(on, ("Pause AI access", None, false));
        let paused = presentation(PauseSetting { paused: true, allow_reads: false });
        assert_eq!(paused, ("Resume AI access", Some("AI access paused"), true));
        let reads = presentation(PauseSetting { paused: true, allow_reads: true });
        assert!(reads.1.is_some_and(|t| t.contains("reads allowed")) && reads.2);
    }

    #[test]
    fn the_paused_icon_differs_from_the_normal_one() {
        let (normal, paused) = icons();
        assert_eq!((normal.width(), normal.height()), (paused.width(), paused.height()));
        assert_ne!(normal.rgba(), paused.rgba());
    }
}
