//! The tray icon and its menu (Open, Copy MCP URL, Go public / Stop public access, Copy public
//! URL, Pause AI access, Quit): how the app is reached while the window is hidden and the server
//! keeps serving. The public-access item follows the tunnel's status; the tooltip shows both the
//! pause and public access, composed in one place so neither change hides the other.

use tauri::menu::{MenuBuilder, MenuEvent, MenuItem as TauriItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use trek::mcp::pause::PauseSetting;
use trek::tunnel::TunnelStatus;

use crate::{Core, window};

/// The tray menu's items; ids are declared here once and matched as an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MenuItem {
    Open,
    CopyMcpUrl,
    PublicAccess,
    CopyPublicUrl,
    AiPause,
    Quit,
}

impl MenuItem {
    /// In menu order.
    const ALL: [Self; 6] =
        [Self::Open, Self::CopyMcpUrl, Self::PublicAccess, Self::CopyPublicUrl, Self::AiPause, Self::Quit];

    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::CopyMcpUrl => "copy_mcp_url",
            Self::PublicAccess => "public_access",
            Self::CopyPublicUrl => "copy_public_url",
            Self::AiPause => "ai_pause",
            Self::Quit => "quit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Open => "Open Trek",
            Self::CopyMcpUrl => "Copy MCP URL",
            Self::PublicAccess => "Go public",
            Self::CopyPublicUrl => "Copy public URL",
            // Relabelled to "Resume AI access" while paused (ai_pause.rs).
            Self::AiPause => "Pause AI access",
            Self::Quit => "Quit",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|item| item.as_str() == id)
    }
}

/// The tray icon's id, for updating its tooltip.
pub const TRAY_ID: &str = "trek";

/// The public-access item's label and the tooltip's part for a tunnel status (none when stopped).
fn public_texts(status: &TunnelStatus) -> (&'static str, Option<String>) {
    match status {
        TunnelStatus::Stopped => ("Go public", None),
        TunnelStatus::Starting { .. } => ("Stop public access (starting…)", Some("going public…".to_owned())),
        TunnelStatus::Up { mcp_url, .. } => ("Stop public access", Some(format!("public at {mcp_url}"))),
        TunnelStatus::Failed { retry_in_ms: Some(_), reason, .. } => {
            ("Stop public access (retrying…)", Some(format!("tunnel failed, retrying: {reason}")))
        }
        TunnelStatus::Failed { retry_in_ms: None, reason, .. } => {
            ("Go public (last attempt failed)", Some(format!("tunnel failed: {reason}")))
        }
    }
}

/// The tray's tooltip: "Trek", then what differs from the usual — the pause, public access.
fn tooltip(pause: PauseSetting, tunnel: &TunnelStatus) -> String {
    let parts: Vec<String> =
        [crate::ai_pause::presentation(pause).1.map(str::to_owned), public_texts(tunnel).1]
            .into_iter()
            .flatten()
            .collect();
    if parts.is_empty() { "Trek".to_owned() } else { format!("Trek — {}", parts.join("; ")) }
}

/// Sets the tooltip from the current pause and tunnel states; called after either changes.
pub fn refresh_tooltip<R: Runtime>(app: &AppHandle<R>) {
    let core = app.state::<Core>();
    let text = tooltip(core.mcp().pause().get(), &core.tunnel().status());
    if let Some(tray) = app.tray_by_id(TRAY_ID)
        && let Err(error) = tray.set_tooltip(Some(text))
    {
        eprintln!("trek-desktop: cannot update the tray's tooltip: {error}");
    }
}

/// Whether choosing the public-access item starts (rather than stops) the tunnel.
fn starts_tunnel(status: &TunnelStatus) -> bool {
    matches!(status, TunnelStatus::Stopped | TunnelStatus::Failed { retry_in_ms: None, .. })
}

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let items = MenuItem::ALL
        .into_iter()
        .map(|item| {
            let enabled = item != MenuItem::CopyPublicUrl;
            TauriItem::with_id(app, item.as_str(), item.label(), enabled, None::<&str>)
                .map(|built| (item, built))
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    let menu = items
        .iter()
        .fold(MenuBuilder::new(app), |menu, (item, built)| {
            // Quit stands apart so it is not hit by accident.
            let menu = if *item == MenuItem::Quit { menu.separator() } else { menu };
            menu.item(built)
        })
        .build()?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(tauri::include_image!("../icons/tray.png"))
        .tooltip("Trek")
        .menu(&menu)
        .on_menu_event(on_menu_event)
        .build(app)?;
    let find =
        |wanted: MenuItem| items.iter().find(|(item, _)| *item == wanted).map(|(_, built)| built.clone());
    if let (Some(public), Some(copy)) = (find(MenuItem::PublicAccess), find(MenuItem::CopyPublicUrl)) {
        tauri::async_runtime::spawn(follow_tunnel(app.clone(), public, copy));
    }
    if let Some(item) = menu.get(MenuItem::AiPause.as_str()).and_then(|kind| kind.as_menuitem().cloned()) {
        crate::ai_pause::install(app, item, app.state::<Core>().mcp());
    }
    Ok(())
}

/// Keeps the public-access item, the copy item and the tooltip in step with the tunnel.
async fn follow_tunnel<R: Runtime>(app: AppHandle<R>, public: TauriItem<R>, copy: TauriItem<R>) {
    let mut status = app.state::<Core>().tunnel().subscribe();
    loop {
        let current = status.borrow_and_update().clone();
        let shown = public
            .set_text(public_texts(&current).0)
            .and_then(|()| copy.set_enabled(matches!(current, TunnelStatus::Up { .. })));
        if let Err(error) = shown {
            eprintln!("trek-desktop: cannot update the tray: {error}");
        }
        refresh_tooltip(&app);
        if status.changed().await.is_err() {
            break;
        }
    }
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(item) = MenuItem::from_id(event.id().as_ref()) else {
        return;
    };
    match item {
        MenuItem::Open => window::open_soon(app.clone()),
        MenuItem::CopyMcpUrl => copy(app, app.state::<Core>().mcp_url().to_owned()),
        MenuItem::CopyPublicUrl => {
            if let TunnelStatus::Up { mcp_url, .. } = app.state::<Core>().tunnel().status() {
                copy(app, mcp_url);
            }
        }
        MenuItem::PublicAccess => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let core = app.state::<Core>();
                if starts_tunnel(&core.tunnel().status()) {
                    if let Err(error) = core.go_public().await {
                        // The status (tooltip, Settings) shows the same reason.
                        eprintln!("trek-desktop: cannot go public: {error}");
                    }
                } else {
                    core.tunnel().stop().await;
                }
            });
        }
        MenuItem::AiPause => crate::ai_pause::toggle(app, app.state::<Core>().mcp().clone()),
        MenuItem::Quit => {
            tauri::async_runtime::spawn(crate::quit(app.clone()));
        }
    }
}

fn copy<R: Runtime>(app: &AppHandle<R>, text: String) {
    if let Err(error) = app.clipboard().write_text(text) {
        eprintln!("trek-desktop: cannot copy the URL: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip_and_are_unique() {
        for item in MenuItem::ALL {
            assert_eq!(MenuItem::from_id(item.as_str()), Some(item));
        }
        assert_eq!(MenuItem::from_id("nope"), None);
    }

    #[test]
    fn public_item_offers_what_the_status_allows() {
        let up = TunnelStatus::Up {
            url: "https://a-b.trycloudflare.com".into(),
            mcp_url: "https://a-b.trycloudflare.com/mcp".into(),
            pid: 1,
        };
        let retrying = TunnelStatus::Failed { reason: "x".into(), attempt: 1, retry_in_ms: Some(1000) };
        let gave_up = TunnelStatus::Failed { reason: "x".into(), attempt: 8, retry_in_ms: None };
        assert!(starts_tunnel(&TunnelStatus::Stopped) && starts_tunnel(&gave_up));
        assert!(!starts_tunnel(&up) && !starts_tunnel(&retrying));
        assert!(public_texts(&up).1.is_some_and(|t| t.contains("https://a-b.trycloudflare.com/mcp")));
        assert_eq!(public_texts(&TunnelStatus::Stopped), ("Go public", None));
    }

    #[test]
    fn the_tooltip_shows_the_pause_and_public_access_together() {
        let running = PauseSetting { paused: false, allow_reads: false };
        let paused = PauseSetting { paused: true, allow_reads: false };
        let up = TunnelStatus::Up {
            url: "https://a-b.trycloudflare.com".into(),
            mcp_url: "https://a-b.trycloudflare.com/mcp".into(),
            pid: 1,
        };
        assert_eq!(tooltip(running, &TunnelStatus::Stopped), "Trek");
        assert_eq!(tooltip(paused, &TunnelStatus::Stopped), "Trek — AI access paused");
        assert_eq!(tooltip(running, &up), "Trek — public at https://a-b.trycloudflare.com/mcp");
        assert_eq!(
            tooltip(paused, &up),
            "Trek — AI access paused; public at https://a-b.trycloudflare.com/mcp"
        );
    }
}
