//! `trek serve`: the headless server, stopped by SIGINT/SIGTERM.

use anyhow::Context;

use crate::config::Config;
use crate::server::Server;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let server = Server::start(config).await?;
    println!("Trek {} is running", crate::VERSION);
    println!("  local UI:  {}  (log in with `trek login-link`)", server.local_url());
    println!("  MCP URL:   {}", server.mcp_url());
    println!("  data dir:  {}", server.data_dir().display());
    let token = server.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown requested");
        token.cancel();
    });
    server.wait().await.context("server stopped with an error")
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
