//! The tray icon and its menu (Open, Copy MCP URL, Pause AI access, Quit): how the app is reached while the
//! window is hidden and the server keeps serving.

use tauri::menu::{MenuBuilder, MenuEvent};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::{Core, window};

/// The tray menu's items; ids are declared here once and matched as an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MenuItem {
    Open,
    CopyMcpUrl,
    AiPause,
    Quit,
}

impl MenuItem {
    /// In menu order.
    const ALL: [Self; 4] = [Self::Open, Self::CopyMcpUrl, Self::AiPause, Self::Quit];

    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::CopyMcpUrl => "copy_mcp_url",
            Self::AiPause => "ai_pause",
            Self::Quit => "quit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Open => "Open Trek",
            Self::CopyMcpUrl => "Copy MCP URL",
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

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = MenuItem::ALL
        .into_iter()
        .fold(MenuBuilder::new(app), |menu, item| {
            // Quit stands apart so it is not hit by accident.
            let menu = if item == MenuItem::Quit { menu.separator() } else { menu };
            menu.text(item.as_str(), item.label())
        })
        .build()?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(tauri::include_image!("../icons/tray.png"))
        .tooltip("Trek")
        .menu(&menu)
        .on_menu_event(on_menu_event)
        .build(app)?;
    if let Some(item) = menu.get(MenuItem::AiPause.as_str()).and_then(|kind| kind.as_menuitem().cloned()) {
        crate::ai_pause::install(app, item, app.state::<Core>().mcp());
    }
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(item) = MenuItem::from_id(event.id().as_ref()) else {
        return;
    };
    match item {
        MenuItem::Open => window::open_soon(app.clone()),
        MenuItem::CopyMcpUrl => {
            let url = app.state::<Core>().mcp_url().to_owned();
            if let Err(error) = app.clipboard().write_text(url) {
                eprintln!("trek-desktop: cannot copy the MCP URL: {error}");
            }
        }
        MenuItem::AiPause => crate::ai_pause::toggle(app, app.state::<Core>().mcp().clone()),
        MenuItem::Quit => {
            tauri::async_runtime::spawn(crate::quit(app.clone()));
        }
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
}
