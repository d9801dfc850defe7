//! `trek bridge [URL]`: run the stdio bridge (see `crate::bridge`).

use clap::Args;

use crate::config::Config;

#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// Trek's MCP URL (default: http://127.0.0.1:PORT/mcp on this computer; https tunnels work).
    pub url: Option<String>,
}

pub async fn run(config: Config, args: BridgeArgs) -> anyhow::Result<()> {
    let url = args.url.unwrap_or_else(|| format!("http://127.0.0.1:{}/mcp", config.port));
    Ok(crate::bridge::run(&url, &config.data_dir).await?)
}
