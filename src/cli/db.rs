//! `trek db check` and `trek db backup FILE`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::config::Config;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Run SQLite's integrity check and print the result.
    Check,
    /// Write an online backup of the database to FILE (safe while the server runs).
    Backup { file: PathBuf },
}

pub async fn run(config: Config, command: DbCommand) -> anyhow::Result<()> {
    let path = config.database_path();
    let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
    match command {
        DbCommand::Check => {
            let findings = store.integrity_check().await?;
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
            store.backup(file.clone()).await.with_context(|| format!("backing up to {}", file.display()))?;
            println!("backup written to {}", file.display());
        }
    }
    store.close();
    Ok(())
}
