//! Start at login: the owner's setting lives in the core (`/api/settings/autostart`, off by
//! default); this module makes the platform's login item follow it through
//! tauri-plugin-autostart (the `auto-launch` crate: an XDG autostart `.desktop` file on Linux,
//! a LaunchAgent on macOS, the `Run` registry key on Windows). A launch at login carries
//! [`AUTOSTART_ARG`] and starts in the tray, without a window.

use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;
use tokio::sync::broadcast::error::RecvError;
use trek::events::EventBus;
use trek::prefs::{AUTOSTART_EVENT_ENTITY, Prefs};

/// The argument the login item passes: start tray-only.
pub const AUTOSTART_ARG: &str = "--autostart";

/// Whether this process was started by the login item.
pub fn launched_at_login(args: &[String]) -> bool {
    args.iter().any(|a| a == AUTOSTART_ARG)
}

pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let builder = tauri_plugin_autostart::Builder::new()
        // The entry's name (`Trek.desktop`, the LaunchAgent, the `Run` value), as the menu shows it.
        .app_name("Trek")
        .arg(AUTOSTART_ARG);
    // A LaunchAgent plist: no AppleScript permission prompt.
    #[cfg(target_os = "macos")]
    let builder = builder.macos_launcher(tauri_plugin_autostart::MacosLauncher::LaunchAgent);
    builder.build()
}

/// Applies the stored setting now (so a moved or upgraded binary rewrites its entry, and an
/// entry left by an older install is removed), then again on every change of it.
pub async fn follow_setting<R: Runtime>(app: AppHandle<R>, prefs: Prefs, events: EventBus) {
    let mut changes = events.subscribe();
    apply(&app, &prefs).await;
    loop {
        match changes.recv().await {
            Ok(change) if change.entity == AUTOSTART_EVENT_ENTITY => apply(&app, &prefs).await,
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => apply(&app, &prefs).await,
            Err(RecvError::Closed) => break,
        }
    }
}

async fn apply<R: Runtime>(app: &AppHandle<R>, prefs: &Prefs) {
    let wanted = match prefs.autostart().await {
        Ok(wanted) => wanted,
        Err(error) => {
            eprintln!("trek-desktop: cannot read the autostart setting: {error}");
            return;
        }
    };
    let manager = app.autolaunch();
    let result = if wanted {
        manager.enable()
    } else if manager.is_enabled().unwrap_or(true) {
        manager.disable()
    } else {
        Ok(())
    };
    if let Err(error) = result {
        eprintln!(
            "trek-desktop: cannot {} start at login: {error}",
            if wanted { "turn on" } else { "turn off" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_login_item_argument_means_launched_at_login() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(launched_at_login(&args(&["trek-desktop", AUTOSTART_ARG])));
        assert!(!launched_at_login(&args(&["trek-desktop"])));
        assert!(!launched_at_login(&args(&["trek-desktop", "--autostartx"])));
    }
}
