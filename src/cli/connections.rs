//! `trek client …`, `trek token …` and `trek consent …`: the owner's connection management for
//! scripts and headless use. They work on the data dir of a running instance (same SQLite file).

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::auth::cimd::{CimdPolicy, CimdResolver};
use crate::auth::oauth::{OAuth, OwnerClientRequest};
use crate::auth::scopes::ScopeSet;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::providers::{OutboundConfig, OutboundHttp};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create a client; prints JSON with client_id and client_secret (shown once).
    Create {
        #[arg(long)]
        name: String,
        /// Preset: claude-ai, claude-desktop, claude-code, cursor, vscode, windsurf, zed.
        #[arg(long)]
        preset: Option<String>,
        /// A machine client (client_credentials, no browser).
        #[arg(long)]
        machine: bool,
        /// Allowed scopes, comma-separated (default: all scopes).
        #[arg(long)]
        scopes: Option<String>,
        /// Redirect URI (repeatable; default: the preset's).
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
    },
    /// List clients as JSON.
    List,
    /// Replace a client's secret; prints the new one.
    RotateSecret { client_id: String },
    /// Delete a client and revoke everything it was granted.
    Delete { client_id: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a static API token (deprecated kind, full access); prints it once.
    Create {
        #[arg(long)]
        name: String,
    },
    /// List static tokens as JSON (never the secrets).
    List,
    /// Delete a static token.
    Delete { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Pending requests, one a line, id first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending request, optionally with fewer scopes.
    Approve {
        id: String,
        #[arg(long)]
        scopes: Option<String>,
    },
    /// Deny a pending request.
    Deny { id: String },
}

fn open(config: &Config) -> anyhow::Result<(Store, OAuth)> {
    let store = Store::open(&config.database_path())
        .with_context(|| format!("opening {}", config.database_path().display()))?;
    let outbound = OutboundHttp::new(OutboundConfig::default())?;
    let cimd = CimdResolver::new(outbound, CimdPolicy::default());
    let oauth = OAuth::new(store.clone(), Arc::new(SystemClock), cimd);
    Ok((store, oauth))
}

fn parse_scopes(list: Option<&str>) -> anyhow::Result<Option<ScopeSet>> {
    list.map(|s| ScopeSet::parse_list(s).map_err(|e| anyhow::anyhow!("--scopes: {e}"))).transpose()
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// `OAuthError`'s description is the useful part for a person at a terminal.
fn oauth<T>(result: Result<T, crate::auth::oauth::OAuthError>) -> anyhow::Result<T> {
    result.map_err(|e| anyhow::anyhow!("{} ({})", e.description(), e.code()))
}

pub async fn client(config: Config, command: ClientCommand) -> anyhow::Result<()> {
    let (store, oauth_server) = open(&config)?;
    let result = match command {
        ClientCommand::Create { name, preset, machine, scopes, redirect_uris } => {
            let scopes = parse_scopes(scopes.as_deref())?.or(Some(ScopeSet::all()));
            let request = OwnerClientRequest {
                name,
                preset,
                machine,
                redirect_uris: (!redirect_uris.is_empty()).then_some(redirect_uris),
                scopes,
            };
            print_json(&oauth(oauth_server.create_owner_client(request).await)?)
        }
        ClientCommand::List => print_json(&oauth(oauth_server.list_clients().await)?),
        ClientCommand::RotateSecret { client_id } => {
            print_json(&oauth(oauth_server.rotate_client_secret(client_id).await)?)
        }
        ClientCommand::Delete { client_id } => {
            let revoked = oauth(oauth_server.delete_client(client_id.clone()).await)?;
            println!("deleted {client_id}; revoked {} session(s)", revoked.len());
            Ok(())
        }
    };
    store.close();
    result
}

pub async fn token(config: Config, command: TokenCommand) -> anyhow::Result<()> {
    let (store, oauth_server) = open(&config)?;
    let result = match command {
        TokenCommand::Create { name } => {
            let created = oauth(oauth_server.create_static_token(name).await)?;
            println!("{}", created.token);
            eprintln!("static tokens are deprecated and grant full access; prefer OAuth or a machine client");
            Ok(())
        }
        TokenCommand::List => print_json(&oauth(oauth_server.list_static_tokens().await)?),
        TokenCommand::Delete { id } => {
            oauth(oauth_server.delete_static_token(id).await)?;
            println!("deleted token {id}");
            Ok(())
        }
    };
    store.close();
    result
}

pub async fn consent(config: Config, command: ConsentCommand) -> anyhow::Result<()> {
    let (store, oauth_server) = open(&config)?;
    let result = match command {
        ConsentCommand::List { json } => {
            let pending = oauth(oauth_server.pending_consents().await)?;
            if json {
                print_json(&pending)
            } else {
                for p in &pending {
                    println!("{}\t{}\t{}\t{}", p.id, p.client.name, p.redirect_host, p.requested_scopes);
                }
                Ok(())
            }
        }
        ConsentCommand::Approve { id, scopes } => {
            let scopes = parse_scopes(scopes.as_deref())?;
            if scopes.is_some_and(|s| s.is_empty()) {
                bail!("--scopes must name at least one scope");
            }
            let granted = oauth(oauth_server.approve(id.clone(), scopes).await)?;
            println!("approved {id}: {granted}");
            Ok(())
        }
        ConsentCommand::Deny { id } => {
            oauth(oauth_server.deny(id.clone()).await)?;
            println!("denied {id}");
            Ok(())
        }
    };
    store.close();
    result
}
