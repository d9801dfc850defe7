//! The main window: created with a one-time launch URL that logs it in as the owner, shown and
//! focused on demand (tray Open, a second launch), re-created if it was destroyed.

use anyhow::Context;
use tauri::{AppHandle, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder};
use trek::auth::owner_session::TicketPurpose;

use crate::Core;

/// The one window's label; also named in `capabilities/default.json`.
pub const MAIN: &str = "main";

/// A fresh one-time login URL for the window (each ticket works once, so every new window
/// needs its own).
pub async fn launch_url<R: Runtime>(app: &AppHandle<R>) -> anyhow::Result<Url> {
    let core = app.state::<Core>();
    let guard = core.server.lock().await;
    let server = guard.as_ref().context("the server is shutting down")?;
    let url = server.launch_url(TicketPurpose::Desktop).await.context("issuing a launch ticket")?;
    Ok(Url::parse(&url)?)
}

pub fn create<R: Runtime>(app: &AppHandle<R>, url: Url) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::External(url))
        .title("Trek")
        .inner_size(1100.0, 760.0)
        .min_inner_size(720.0, 480.0)
        .center()
        .build()?;
    Ok(())
}

/// Shows and focuses the window, creating it if it is gone.
pub async fn open<R: Runtime>(app: &AppHandle<R>) -> anyhow::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN) {
        window.unminimize()?;
        window.show()?;
        window.set_focus()?;
        return Ok(());
    }
    let url = launch_url(app).await?;
    create(app, url)?;
    Ok(())
}

/// [`open`] from a synchronous callback (menu, single-instance); errors go to stderr because
/// there is no caller to return them to.
pub fn open_soon<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        if let Err(error) = open(&app).await {
            eprintln!("trek-desktop: cannot open the window: {error:#}");
        }
    });
}
