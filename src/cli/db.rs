//! `trek db check|backup FILE|backups|restore FILE`: the database's health, its backups and
//! putting one back.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::server::read_instance_file;
use crate::store::{Store, backups, transfer};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Run SQLite's integrity check and print the result.
    Check,
    /// Write an online backup of the database to FILE (safe while the server runs).
    Backup { file: PathBuf },
    /// List the automatic backups (daily, before migrations, before restores), newest first.
    Backups,
    /// Replace the database with a backup FILE after checking it. The current database is kept
    /// as a pre-restore backup first. Quit Trek before restoring.
    Restore { file: PathBuf },
    /// Write all trip data as one JSON document to FILE (or stdout). Sign-in, connections and
    /// settings stay with this installation.
    Export { file: Option<PathBuf> },
    /// Read a JSON export FILE into this Trek, which must hold no trip data yet.
    Import { file: PathBuf },
}

pub async fn run(config: Config, command: DbCommand) -> anyhow::Result<()> {
    let path = config.database_path();
    match command {
        DbCommand::Export { file } => {
            let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
            let doc = store.export_all(transfer::timestamp(SystemClock.now())).await?;
            store.close();
            let json = serde_json::to_vec_pretty(&doc)?;
            match file {
                Some(file) => {
                    if file.exists() {
                        bail!("{} already exists; choose a new file name", file.display());
                    }
                    std::fs::write(&file, json).with_context(|| format!("writing {}", file.display()))?;
                    eprintln!("exported {} trips to {}", doc.tables["trips"].rows.len(), file.display());
                }
                None => std::io::Write::write_all(&mut std::io::stdout().lock(), &json)?,
            }
        }
        DbCommand::Import { file } => {
            let text = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let doc: transfer::Document = serde_json::from_slice(&text)
                .with_context(|| format!("{} is not a Trek export", file.display()))?;
            let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
            let imported = store.import_all(doc).await;
            store.close();
            let imported = imported.context("import refused; nothing was changed")?;
            println!("imported {} trips from {}", imported.trip_ids.len(), file.display());
        }
        DbCommand::Check => {
            let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
            let findings = store.integrity_check().await?;
            store.close();
            for line in &findings {
                println!("{line}");
            }
            if findings != ["ok"] {
                bail!("integrity check of {} found problems", path.display());
            }
        }
        DbCommand::Backup { file } => {
            if file.exists() {
                bail!("{} already exists; choose a new file name", file.display());
            }
            let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
            store.backup(file.clone()).await.with_context(|| format!("backing up to {}", file.display()))?;
            store.close();
            println!("backup written to {}", file.display());
        }
        DbCommand::Backups => {
            let list = backups::list(&path);
            if list.is_empty() {
                println!("no backups yet in {}", backups::dir_for(&path).display());
            }
            for b in list {
                let when = time::OffsetDateTime::from_unix_timestamp(b.taken_at)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| b.taken_at.to_string());
                println!("{}  {:<13}  {:>9} bytes  {when}", b.path.display(), b.kind.label(), b.bytes);
            }
        }
        DbCommand::Restore { file } => {
            if let Some(running) = read_instance_file(&config).filter(|i| answers(i.port)) {
                bail!(
                    "Trek is running (pid {}, {}); quit it before restoring so nothing writes to the database",
                    running.pid,
                    running.url
                );
            }
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let db = path.clone();
            let restored = tokio::task::spawn_blocking(move || backups::restore(&db, &file, now))
                .await?
                .context("restore refused; the current database was not changed")?;
            println!("restored {} (schema version {})", path.display(), restored.schema_version);
            if let Some(previous) = restored.previous {
                println!("the previous database was kept as {}", previous.display());
            }
        }
    }
    Ok(())
}

/// Whether something answers on the recorded port (a stale instance file is ignored).
fn answers(port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_millis(300)).is_ok()
}
