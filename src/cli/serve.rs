//! `trek serve`: the headless server, stopped by SIGINT/SIGTERM.

use anyhow::Context;

use crate::config::Config;
use crate::server::Server;

pub async fn run(config: Config) -> anyhow::Result<()> {
    // Listen before serving: a SIGTERM that arrives right after the first answer must still
    // shut down cleanly (a handler installed later would leave the default action, exit).
    let stop = stop_signal()?;
    let server = Server::start(config).await?;
    println!("Trek {} is running", crate::VERSION);
    println!("  local UI:  {}  (log in with `trek login-link`)", server.local_url());
    println!("  MCP URL:   {}", server.mcp_url());
    println!("  data dir:  {}", server.data_dir().display());
    let token = server.shutdown_token();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutdown requested");
        token.cancel();
    });
    server.wait().await.context("server stopped with an error")
}

/// SIGINT or SIGTERM (Ctrl-C elsewhere), with the handlers installed now.
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
