//! `trek login-link`: a one-time owner login URL for the running instance, made through the
//! shared data dir (the ticket goes into the same SQLite file the server reads).

use crate::auth::owner_session::{TicketPurpose, issue_launch_ticket};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, LAUNCH_TICKET_TTL};
use crate::http::paths;
use crate::server::read_instance_file;
use crate::store::Store;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let base = match read_instance_file(&config) {
        Some(instance) => instance.url,
        None => {
            eprintln!(
                "note: no running Trek found in {}; the link assumes port {}",
                config.data_dir.display(),
                config.port
            );
            format!("http://127.0.0.1:{}", config.port)
        }
    };
    let store = Store::open(&config.database_path())?;
    let ticket = issue_launch_ticket(&store, SystemClock.now(), TicketPurpose::LoginLink).await?;
    store.close();
    println!("{base}{}?ticket={}", paths::AUTH_LAUNCH, ticket.expose());
    eprintln!("(works once, for {} seconds)", LAUNCH_TICKET_TTL.as_secs());
    Ok(())
}
