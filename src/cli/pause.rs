//! `trek pause` / `trek resume`: the owner's "Pause AI access" from a terminal. They write the
//! setting into the shared SQLite file; a running Trek notices within `PAUSE_SYNC_INTERVAL`.

use anyhow::Context;
use clap::Args;

use crate::config::{Config, PAUSE_SYNC_INTERVAL};
use crate::mcp::pause::{self, PauseSetting};
use crate::server::read_instance_file;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct PauseArgs {
    /// Keep answering reads (read tools, resources, prompts) while paused; only changes are refused.
    #[arg(long)]
    pub allow_reads: bool,
}

/// `Some(allow_reads)` pauses; `None` resumes, keeping the stored reads choice.
pub async fn run(config: Config, pause_with_reads: Option<bool>) -> anyhow::Result<()> {
    let store = Store::open(&config.database_path())
        .with_context(|| format!("opening {}", config.database_path().display()))?;
    let setting = match pause_with_reads {
        Some(allow_reads) => PauseSetting { paused: true, allow_reads },
        None => PauseSetting { paused: false, ..pause::read(&store).await? },
    };
    pause::write(&store, setting).await?;
    store.close();
    let what = match setting {
        PauseSetting { paused: false, .. } => "AI access resumed: assistants can use Trek again".to_owned(),
        PauseSetting { paused: true, allow_reads: true } => {
            "AI access paused: assistants may read but every change is refused".to_owned()
        }
        PauseSetting { paused: true, allow_reads: false } => {
            "AI access paused: every assistant request is refused".to_owned()
        }
    };
    println!("{what}");
    if read_instance_file(&config).is_some() {
        eprintln!("(the running Trek applies it within {} s)", PAUSE_SYNC_INTERVAL.as_secs());
    }
    Ok(())
}
