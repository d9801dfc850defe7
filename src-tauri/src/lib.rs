//! Trek's desktop shell: owns the process lifecycle. It builds the one tokio runtime, starts
//! the core's [`trek::Server`] on it, and hands the window, tray and exit rules to Tauri.
//!
//! The shell holds no business logic and registers no IPC commands: the window shows the
//! core's loopback UI, which talks to the core over HTTP like any browser (STYLE.md S8).

use std::process::ExitCode;

use tauri::{AppHandle, Manager, RunEvent, Runtime, WindowEvent};
use tokio::sync::Mutex;
#[cfg(desktop)]
mod ai_pause;
#[cfg(desktop)]
mod autostart;
#[cfg(desktop)]
mod notify;
#[cfg(desktop)]
mod tray;
mod window;

/// The running core, shared with the tray, the window and the signal handler through Tauri's
/// managed state. `None` once Quit has taken it to wait for the graceful shutdown.
pub(crate) struct Core {
    server: Mutex<Option<trek::Server>>,
    mcp_url: String,
    /// Public access, driven by the tray as by Settings (the same supervisor, in-process).
    tunnel: trek::tunnel::Tunnel,
    /// The MCP endpoint's state (the tray's Pause AI access switches it).
    #[cfg_attr(not(desktop), allow(dead_code))]
    mcp: trek::mcp::McpState,
}

impl Core {
    fn new(server: trek::Server) -> Self {
        let mcp_url = server.mcp_url();
        let tunnel = server.tunnel().clone();
        let mcp = server.mcp().clone();
        Self { server: Mutex::new(Some(server)), mcp_url, tunnel, mcp }
    }

    #[cfg_attr(not(desktop), allow(dead_code))]
    pub(crate) fn mcp(&self) -> &trek::mcp::McpState {
        &self.mcp
    }

    pub(crate) fn tunnel(&self) -> &trek::tunnel::Tunnel {
        &self.tunnel
    }

    /// Starts the tunnel the owner saved in Settings (a quick tunnel by default).
    pub(crate) async fn go_public(&self) -> Result<(), String> {
        let spec = {
            let server = self.server.lock().await;
            let Some(server) = server.as_ref() else { return Err("Trek is quitting".into()) };
            server.saved_tunnel().await.map_err(|e| e.to_string())?
        };
        self.tunnel.start(&spec).await.map_err(|e| e.to_string())
    }

    /// The MCP endpoint clients connect to (what the tray's "Copy MCP URL" copies).
    pub(crate) fn mcp_url(&self) -> &str {
        &self.mcp_url
    }
}

/// The first argument that makes this binary the `trek` command line (`packaging/trek`).
pub const CLI_FLAG: &str = "--cli";

/// Runs the desktop app until Quit or a termination signal; the exit code is the process's.
pub fn run() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // `trek-desktop --cli ARGS…` is the `trek` command line: the package's `/usr/bin/trek` is a
    // script running it, instead of a second copy of the core (27 MB) in the package.
    if args.get(1).is_some_and(|a| a == CLI_FLAG) {
        return trek::cli::main(std::iter::once("trek".to_owned()).chain(args.into_iter().skip(2)));
    }
    // Answered before any window system is touched: packaging checks and support questions.
    if args.iter().skip(1).any(|a| a == "--version" || a == "-V") {
        println!("Trek (trek-desktop) {}", trek::build_info::VERSION_LINE);
        return ExitCode::SUCCESS;
    }
    match run_inner(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("trek-desktop: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &[String]) -> anyhow::Result<ExitCode> {
    // Same logging as the `trek` CLI, so `TREK_LOG` works for both.
    trek::init_logging();
    let mut config = trek::Config::from_env()?;
    // This server has a shell that can apply "start at login".
    config.desktop = true;
    // Started by the login item: serve from the tray, without a window.
    #[cfg(desktop)]
    let at_login = autostart::launched_at_login(args);
    #[cfg(not(desktop))]
    let at_login = {
        let _ = args;
        false
    };
    // One runtime for the core and Tauri, so their tasks share worker threads.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    tauri::async_runtime::set(runtime.handle().clone());

    // Plugins initialise in `build`, before the server starts: a second launch hands over to
    // the running instance there (and exits 0) instead of failing on the taken port.
    let app = app_builder(tauri::Builder::default(), at_login).build(tauri::generate_context!())?;

    let server = runtime.block_on(trek::Server::start(config))?;
    #[cfg(desktop)]
    runtime.spawn(notify::watch_consent_requests(app.handle().clone(), server.oauth().clone()));
    #[cfg(desktop)]
    {
        runtime.spawn(autostart::follow_setting(
            app.handle().clone(),
            server.prefs(),
            server.events().clone(),
        ));
        runtime.spawn(ai_pause::follow(app.handle().clone(), server.mcp().clone(), server.events().clone()));
    }
    app.manage(Core::new(server));
    // Listen for signals from the moment the server runs, not only once the window is up.
    runtime.spawn(quit_on_signal(app.handle().clone()));

    let code = app.run_return(on_run_event);
    // Quit already waited for the server; this only stops idle runtime threads.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    Ok(if code == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Everything the app is made of, for any runtime. The server is managed separately (after
/// `build`), so `setup` reads it from state.
fn app_builder<R: Runtime>(builder: tauri::Builder<R>, at_login: bool) -> tauri::Builder<R> {
    let builder = builder
        // First, so that a second launch stops before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A login item firing while Trek already runs changes nothing; a person launching
            // Trek again wants its window.
            #[cfg(desktop)]
            if autostart::launched_at_login(&argv) {
                return;
            }
            #[cfg(not(desktop))]
            let _ = argv;
            window::open_soon(app.clone());
        }));
    #[cfg(desktop)]
    let builder = builder.plugin(autostart::plugin());
    builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            if !at_login {
                let url = tauri::async_runtime::block_on(window::launch_url(app.handle()))?;
                window::create(app.handle(), url)?;
            }
            #[cfg(desktop)]
            if let Err(error) = tray::create(app.handle()) {
                // The window and server still work without a tray (e.g. no status notifier).
                eprintln!("trek-desktop: no tray icon: {error}");
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window only hides it: the server keeps serving assistants, and the
            // tray's Open brings the window back.
            if let WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                if let Err(error) = window.hide() {
                    eprintln!("trek-desktop: cannot hide the window: {error}");
                }
            }
        })
}

fn on_run_event<R: Runtime>(_app: &AppHandle<R>, event: RunEvent) {
    // No code means "the last window went away", not Quit: stay alive in the tray.
    if let RunEvent::ExitRequested { code: None, api, .. } = event {
        api.prevent_exit();
    }
}

/// Quit: stop the server gracefully (in-flight requests finish, the database closes), then
/// leave the event loop. Safe to call twice; the second call finds no server and returns.
pub(crate) async fn quit<R: Runtime>(app: AppHandle<R>) {
    let server = app.state::<Core>().server.lock().await.take();
    let Some(server) = server else { return };
    server.shutdown_token().cancel();
    let code = match server.wait().await {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("trek-desktop: server stopped with an error: {error}");
            1
        }
    };
    app.exit(code);
}

/// SIGTERM/SIGINT take the same graceful path as the tray's Quit (service managers, tests).
async fn quit_on_signal<R: Runtime>(app: AppHandle<R>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        else {
            eprintln!("trek-desktop: cannot listen for signals; use the tray's Quit");
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    quit(app).await;
}
