//! `trek addons list|enable NAME|disable NAME` (`--all` for every add-on): the owner's add-on
//! switches from a terminal. A running Trek ends its MCP sessions at its next sweep
//! (`MCP_SESSION_SWEEP`) when it sees the change; calls are refused or allowed at once.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::config::Config;
use crate::ops::{Addon, AddonSet};
use crate::store::{Store, StoreError};

#[derive(Debug, Subcommand)]
pub enum AddonsCommand {
    /// Every add-on, whether it is on and how many tools it adds.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Switch an add-on on.
    Enable(Which),
    /// Switch an add-on off: its tools and resources disappear for every connection.
    Disable(Which),
}

#[derive(Debug, Args)]
pub struct Which {
    /// atlas, collab, vacay or journeys.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    name: Option<String>,
    /// Every add-on.
    #[arg(long)]
    all: bool,
}

impl Which {
    fn addons(&self) -> anyhow::Result<Vec<Addon>> {
        if self.all {
            return Ok(Addon::ALL.to_vec());
        }
        let name = self.name.as_deref().unwrap_or_default();
        match Addon::parse(name) {
            Some(addon) => Ok(vec![addon]),
            None => {
                let known: Vec<&str> = Addon::ALL.iter().map(|a| a.name()).collect();
                bail!("no add-on named {name:?}; add-ons are {}", known.join(", "))
            }
        }
    }
}

pub async fn run(config: Config, command: AddonsCommand) -> anyhow::Result<()> {
    let path = config.database_path();
    let store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let (set, json) = match command {
        AddonsCommand::List { json } => {
            (store.read(|c| Ok::<_, StoreError>(AddonSet::load(c)?)).await?, json)
        }
        AddonsCommand::Enable(which) => (switch(&store, which.addons()?, true).await?, false),
        AddonsCommand::Disable(which) => (switch(&store, which.addons()?, false).await?, false),
    };
    store.close();
    let rows = set.describe();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for row in rows {
            let state = if row.enabled { "on " } else { "off" };
            println!("{:<9} {state}  {:>2} tools  {}", row.name, row.operations, row.description);
        }
    }
    Ok(())
}

async fn switch(store: &Store, addons: Vec<Addon>, on: bool) -> anyhow::Result<AddonSet> {
    Ok(store
        .write(move |tx| {
            let set = addons.iter().fold(AddonSet::load(tx)?, |set, a| set.with(*a, on));
            set.save(tx)?;
            Ok::<_, StoreError>(set)
        })
        .await?)
}
