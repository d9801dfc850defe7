//! Owner settings: a key/value table whose values are JSON.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Whether the MCP endpoint is on (default: on).
pub const MCP_ENABLED: &str = "mcp_enabled";
/// Which add-ons are on: a JSON object of add-on name to bool (`ops::AddonSet`).
pub const ADDONS: &str = "addons";
/// "Pause AI access": `{"paused": bool, "allow_reads": bool}` (default: not paused).
pub const AI_PAUSE: &str = "ai_pause";
/// Start the desktop app at login (default: off).
pub const AUTOSTART: &str = "autostart";
/// The first-run welcome was dismissed (default: not yet).
pub const WELCOME_DISMISSED: &str = "welcome_dismissed";

pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<serde_json::Value>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

pub fn set(tx: &Transaction<'_>, key: &str, value: &serde_json::Value) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value.to_string()],
    )?;
    Ok(())
}

/// Public access: the tunnel provider and cloudflared's path (`tunnel::TunnelSettings`).
pub const TUNNEL: &str = "tunnel";
/// Public access: a named tunnel's token (a credential of the user's Cloudflare tunnel; it must
/// be given back to cloudflared, so it cannot be stored as a hash; the owner API never returns it).
pub const TUNNEL_TOKEN: &str = "tunnel_token";
/// Public access: whether share links also work on the public host (the owner's switch, off
/// unless set).
pub const TUNNEL_SHARE_LINKS: &str = "tunnel_share_links";
/// Public access: whether the owner left it on (started and not stopped), so the next launch
/// brings the saved tunnel back.
pub const TUNNEL_ON: &str = "tunnel_on";
