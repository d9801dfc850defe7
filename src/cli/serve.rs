//! `trek serve`: the headless server, stopped by SIGINT/SIGTERM; `--tunnel` also makes it
//! reachable by hosted clients (public access) until it stops.

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::server::Server;
use crate::tunnel::{Provider, TunnelSpec, TunnelStatus, TunnelToken};

/// Environment variable holding a named tunnel's token (kept off the command line, where other
/// local users could read it).
pub const ENV_TUNNEL_TOKEN: &str = "TREK_TUNNEL_TOKEN";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Public access: start a tunnel so hosted clients (claude.ai, ChatGPT, a phone) reach /mcp
    /// and /oauth. A quick tunnel's URL changes every start; a named tunnel's does not.
    #[arg(long, value_enum)]
    pub tunnel: Option<TunnelKind>,
    /// Named tunnel: its public hostname (e.g. trek.example.com). The token comes from
    /// TREK_TUNNEL_TOKEN.
    #[arg(long, requires = "tunnel")]
    pub tunnel_hostname: Option<String>,
    /// Custom tunnel: the command to run; `{port}` becomes Trek's port.
    #[arg(long, requires = "tunnel")]
    pub tunnel_command: Option<String>,
    /// Custom tunnel: its public URL, when known in advance.
    #[arg(long, requires = "tunnel")]
    pub tunnel_url: Option<String>,
    /// Custom tunnel: a regular expression finding the public URL in the command's output.
    #[arg(long, requires = "tunnel")]
    pub tunnel_url_pattern: Option<String>,
    /// Path of cloudflared when it is not on PATH.
    #[arg(long, requires = "tunnel")]
    pub cloudflared: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TunnelKind {
    Quick,
    Named,
    Custom,
}

impl ServeArgs {
    /// The tunnel to start, checked before the server starts (bad flags change nothing).
    fn tunnel_spec(&self) -> anyhow::Result<Option<TunnelSpec>> {
        let Some(kind) = self.tunnel else { return Ok(None) };
        let provider = match kind {
            TunnelKind::Quick => Provider::Quick,
            TunnelKind::Named => Provider::Named {
                hostname: self.tunnel_hostname.clone().context("--tunnel named needs --tunnel-hostname")?,
            },
            TunnelKind::Custom => Provider::Custom {
                command: self.tunnel_command.clone().context("--tunnel custom needs --tunnel-command")?,
                url: self.tunnel_url.clone(),
                url_pattern: self.tunnel_url_pattern.clone(),
            },
        };
        let token = match kind {
            TunnelKind::Named => {
                let raw = std::env::var(ENV_TUNNEL_TOKEN).with_context(|| {
                    format!("--tunnel named reads the tunnel token from {ENV_TUNNEL_TOKEN}")
                })?;
                Some(TunnelToken::new(&raw)?)
            }
            _ => None,
        };
        let spec = TunnelSpec { provider, token, cloudflared: self.cloudflared.clone() };
        spec.validate()?;
        Ok(Some(spec))
    }
}

pub async fn run(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let tunnel = args.tunnel_spec()?;
    config.resume_tunnel = tunnel.is_none();
    // Listen before serving: a SIGTERM that arrives right after the first answer must still
    // shut down cleanly (a handler installed later would leave the default action, exit).
    let stop = stop_signal()?;
    let server = Server::start(config).await?;
    println!("Trek {} is running", crate::VERSION);
    println!("  local UI:  {}  (log in with `trek login-link`)", server.local_url());
    println!("  MCP URL:   {}", server.mcp_url());
    println!("  data dir:  {}", server.data_dir().display());
    if let Some(spec) = tunnel {
        if let Err(error) = server.tunnel().start_once(&spec).await {
            server.shutdown().await.ok();
            anyhow::bail!("public access: {error}");
        }
        report_tunnel(server.tunnel().subscribe());
    } else if server.tunnel().status() != TunnelStatus::Stopped {
        // Public access was on at the last quit and is coming back.
        report_tunnel(server.tunnel().subscribe());
    }
    let token = server.shutdown_token();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutdown requested");
        token.cancel();
    });
    server.wait().await.context("server stopped with an error")
}

/// Prints each change of the tunnel's status (the public URL to paste when it is up).
fn report_tunnel(mut status: tokio::sync::watch::Receiver<TunnelStatus>) {
    tokio::spawn(async move {
        loop {
            let line = match &*status.borrow_and_update() {
                TunnelStatus::Up { mcp_url, .. } => Some(format!(
                    "  public:    {mcp_url}  (paste this into claude.ai → Settings → Connectors)"
                )),
                TunnelStatus::Failed { reason, retry_in_ms: Some(ms), .. } => {
                    Some(format!("  public:    tunnel failed: {reason}; retrying in {} s", ms.div_ceil(1000)))
                }
                TunnelStatus::Failed { reason, retry_in_ms: None, .. } => {
                    Some(format!("  public:    tunnel failed: {reason}"))
                }
                TunnelStatus::Starting { .. } | TunnelStatus::Stopped => None,
            };
            if let Some(line) = line {
                println!("{line}");
            }
            if status.changed().await.is_err() {
                break;
            }
        }
    });
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
