//! `trek connect` / `trek disconnect`: write or remove Trek's entry in an MCP client's config.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use clap::Args;

use crate::config::Config;
use crate::connect::{self, CLIENTS, Change, ConnectError, Dirs, Target, Via};

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The client: claude-desktop, claude-code, cursor, vscode, windsurf or zed.
    #[arg(required_unless_present = "list")]
    pub client: Option<String>,
    /// List the clients, their config files and whether Trek is in them.
    #[arg(long, conflicts_with_all = ["print", "force"])]
    pub list: bool,
    /// Show the config snippet without writing anything (the "copy config" fallback).
    #[arg(long)]
    pub print: bool,
    /// Replace an existing, different "trek" entry without asking.
    #[arg(long)]
    pub force: bool,
    /// How the client reaches Trek: native (the URL), bridge (`trek bridge`) or mcp-remote
    /// (needs Node.js). Default: native where the client supports it, else bridge.
    #[arg(long, value_parser = ["native", "bridge", "mcp-remote"])]
    pub via: Option<String>,
    /// The MCP URL to connect to (default: this computer's Trek, http://127.0.0.1:PORT/mcp).
    #[arg(long)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct DisconnectArgs {
    /// The client whose config loses Trek's entry (nothing else in the file changes).
    pub client: String,
}

fn dirs() -> anyhow::Result<Dirs> {
    Dirs::from_env().context("no home directory: cannot find the clients' config files")
}

fn target(config: &Config, url: Option<String>) -> anyhow::Result<Target> {
    let mcp_url = url.unwrap_or_else(|| format!("http://127.0.0.1:{}/mcp", config.port));
    let parsed = url::Url::parse(&mcp_url).with_context(|| format!("--url {mcp_url:?} is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("--url must be an http(s) URL, got {mcp_url:?}");
    }
    Ok(Target { mcp_url, trek_program: Target::trek_program() })
}

pub fn connect(config: Config, args: ConnectArgs) -> anyhow::Result<()> {
    let dirs = dirs()?;
    if args.list {
        return list(&dirs);
    }
    let client =
        connect::clients::find(args.client.as_deref().unwrap_or_default()).map_err(anyhow::Error::msg)?;
    let via = args.via.as_deref().and_then(Via::parse).unwrap_or(client.default_via);
    let target = target(&config, args.url)?;
    if args.print {
        if let Some(path) = (client.path)(&dirs) {
            println!("# {} reads {}", client.name, path.display());
        }
        println!("{}", connect::snippet(client, via, &target)?);
        return Ok(());
    }
    let outcome = match connect::connect(client, &dirs, via, &target, args.force) {
        Err(ConnectError::Exists { path, current }) if std::io::stdin().is_terminal() => {
            eprintln!("{} already has a \"trek\" entry:\n{current:#}", path.display());
            if !confirm("Replace it?")? {
                bail!("left {} unchanged", path.display());
            }
            connect::connect(client, &dirs, via, &target, true)?
        }
        other => other?,
    };
    if let Some(backup) = &outcome.backup {
        println!("Backed up the original to {}", backup.display());
    }
    match outcome.change {
        Change::Unchanged => println!("{} is already connected ({})", outcome.name, outcome.path.display()),
        _ => println!("Connected {} in {}", outcome.name, outcome.path.display()),
    }
    if via == Via::McpRemote {
        println!("This entry runs `npx mcp-remote`: it needs Node.js.");
    }
    println!("Next: {}. Then approve the connection request in Trek's window.", outcome.restart);
    Ok(())
}

pub fn disconnect(args: DisconnectArgs) -> anyhow::Result<()> {
    let client = connect::clients::find(&args.client).map_err(anyhow::Error::msg)?;
    let outcome = connect::disconnect(client, &dirs()?)?;
    match outcome.change {
        Change::Removed => {
            println!("Removed Trek from {}", outcome.path.display());
            println!("Next: {}.", outcome.restart);
        }
        _ => println!("{} has no Trek entry in {}; nothing to do", outcome.name, outcome.path.display()),
    }
    Ok(())
}

fn list(dirs: &Dirs) -> anyhow::Result<()> {
    for client in CLIENTS {
        let status = connect::status(client, dirs);
        let state = match (&status.problem, status.connected, status.detected) {
            (Some(_), _, _) => "unreadable",
            (None, true, _) => "connected",
            (None, false, true) => "detected",
            (None, false, false) => "not found",
        };
        let path = status.path.map_or_else(|| "(not on this OS)".to_owned(), |p| p.display().to_string());
        println!("{:<15} {:<15} {:<11} {path}", client.id, client.name, state);
        if let Some(problem) = status.problem {
            println!("{:<15} {problem}", "");
        }
    }
    Ok(())
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
