//! `trek owner set-password`: enables the password login page for headless use.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::auth::owner_session::set_owner_password;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum OwnerCommand {
    /// Set the owner password (asked twice on a terminal; read from stdin otherwise).
    SetPassword,
}

pub async fn run(config: Config, command: OwnerCommand) -> anyhow::Result<()> {
    match command {
        OwnerCommand::SetPassword => {
            let password = read_password()?;
            let store = Store::open(&config.database_path())?;
            set_owner_password(&store, SystemClock.now(), password).await?;
            store.close();
            println!("owner password set; log in at the server's /login page");
            Ok(())
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New owner password: ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        if first != second {
            bail!("the two passwords differ; nothing changed");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
