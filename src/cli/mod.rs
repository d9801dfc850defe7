//! The `trek` command line: parse, then call the library. Each subcommand is thin.

mod addons;
mod bridge;
mod connect;
mod connections;
mod db;
mod login_link;
mod owner;
mod pause;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Config, DEFAULT_PORT, ENV_DATA_DIR, ENV_PORT, ENV_PUBLIC_URL};

#[derive(Debug, Parser)]
#[command(name = "trek", version = crate::build_info::VERSION_LINE, about = "Trek: your trips, on your laptop, planned with your AI assistant")]
pub struct Cli {
    /// Port of the local server on 127.0.0.1.
    #[arg(long, global = true, env = ENV_PORT, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Directory for the database, keys and backups (default: the platform's data directory).
    #[arg(long, global = true, env = ENV_DATA_DIR)]
    pub data_dir: Option<PathBuf>,
    /// Public origin (tunnel or proxy) through which hosted clients reach /mcp and /oauth.
    #[arg(long, global = true, env = ENV_PUBLIC_URL)]
    pub public_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server headless (no window) until Ctrl-C or SIGTERM.
    Serve(serve::ServeArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// The owner account.
    #[command(subcommand)]
    Owner(owner::OwnerCommand),
    /// Print a one-time URL that logs a browser in as the owner.
    LoginLink,
    /// OAuth clients (presets, machine clients).
    #[command(subcommand)]
    Client(connections::ClientCommand),
    /// Static API tokens (deprecated).
    #[command(subcommand)]
    Token(connections::TokenCommand),
    /// Pending connection requests: list, approve, deny.
    #[command(subcommand)]
    Consent(connections::ConsentCommand),
    /// Add Trek to an MCP client's config file (Claude Desktop, Claude Code, Cursor, VS Code,
    /// Windsurf, Zed); asks before replacing an existing entry.
    Connect(connect::ConnectArgs),
    /// Remove Trek's entry from an MCP client's config file.
    Disconnect(connect::DisconnectArgs),
    /// A stdio MCP server that forwards to Trek's MCP URL and signs in with OAuth itself (for
    /// clients that only run local commands, such as Claude Desktop).
    Bridge(bridge::BridgeArgs),
    /// Add-ons (atlas, collab, vacay, journeys): list, enable NAME, disable NAME (--all).
    #[command(subcommand)]
    Addons(addons::AddonsCommand),
    /// Pause AI access: refuse every MCP request (sessions stay connected) until `trek resume`.
    Pause(pause::PauseArgs),
    /// Resume AI access after `trek pause`.
    Resume,
}

impl Cli {
    pub fn config(&self) -> anyhow::Result<Config> {
        Ok(Config::new(self.port, self.data_dir.clone(), self.public_url.as_deref())?)
    }
}

/// The whole `trek` command line, from its arguments (program name first) to an exit code: the
/// `trek` binary's main, and `trek-desktop --cli` (how the desktop package ships `trek`).
pub fn main<I, T>(args: I) -> std::process::ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    crate::init_logging();
    crate::install_crypto_provider();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run(cli)));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config()?;
    match cli.command {
        Command::Serve(args) => serve::run(config, args).await,
        Command::Db(command) => db::run(config, command).await,
        Command::Owner(command) => owner::run(config, command).await,
        Command::LoginLink => login_link::run(config).await,
        Command::Client(command) => connections::client(config, command).await,
        Command::Token(command) => connections::token(config, command).await,
        Command::Consent(command) => connections::consent(config, command).await,
        Command::Connect(args) => connect::connect(config, args),
        Command::Disconnect(args) => connect::disconnect(args),
        Command::Bridge(args) => bridge::run(config, args).await,
        Command::Addons(command) => addons::run(config, command).await,
        Command::Pause(args) => pause::run(config, Some(args.allow_reads)).await,
        Command::Resume => pause::run(config, None).await,
    }
}
