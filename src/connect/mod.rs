//! Connecting MCP clients to Trek by writing their config files: the client table
//! ([`clients`]), format-preserving edits ([`edit`]), and the file work around them — backup of
//! the original before the first change, refusal of files that do not parse, a conflict answer
//! when our entry exists and differs, atomic writes, and removal of only our entry.
//!
//! Blocking file I/O: async callers run these on the blocking pool.

pub mod clients;
pub mod edit;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

pub use clients::{CLIENTS, Client, Dirs, Os, Syntax, Via};
use edit::EditError;

/// The name of our entry in every client's config.
pub const SERVER_NAME: &str = "trek";

/// Suffix of the copy of the original file made before Trek first changes it.
pub const BACKUP_SUFFIX: &str = ".trek-backup";

/// What an entry points at: the MCP URL, and the `trek` program that runs the bridge.
#[derive(Debug, Clone)]
pub struct Target {
    pub mcp_url: String,
    pub trek_program: String,
}

impl Target {
    /// The `trek` program to put in stdio entries: this executable when it is the `trek` CLI,
    /// else a `trek` beside it (the desktop app ships one), else `trek` on the PATH.
    pub fn trek_program() -> String {
        let exe_name = format!("trek{}", std::env::consts::EXE_SUFFIX);
        if let Ok(exe) = std::env::current_exe() {
            if exe.file_name().is_some_and(|n| n == exe_name.as_str()) {
                return exe.display().to_string();
            }
            if let Some(sibling) = exe.parent().map(|d| d.join(&exe_name)).filter(|p| p.is_file()) {
                return sibling.display().to_string();
            }
        }
        exe_name
    }
}

/// Why connecting or disconnecting did not happen. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "{client} has no config file on this operating system; use `trek connect --print {id}` and add it by hand"
    )]
    NoConfigFile { client: &'static str, id: &'static str },
    #[error("{client} cannot reach Trek by URL from its config file; connect it through the bridge")]
    NoUrlEntry { client: &'static str },
    #[error("{path} is not valid {syntax}: {source}; Trek left it unchanged — fix it and try again")]
    Unparseable { path: PathBuf, syntax: &'static str, source: EditError },
    #[error("{path}: {source}; Trek left it unchanged")]
    Shape { path: PathBuf, source: EditError },
    #[error("{path} already has a different \"trek\" entry: {current}; replace it with --force")]
    Exists { path: PathBuf, current: Value },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// What happened to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The file did not exist; it now holds only our entry.
    Created,
    /// Our entry was added beside what was there.
    Added,
    /// A different entry of ours was replaced (`--force`).
    Replaced,
    /// Our entry was already exactly this; nothing was written.
    Unchanged,
    /// Our entry was removed.
    Removed,
    /// There was no entry of ours to remove; nothing was written.
    NotPresent,
}

/// The result of a connect or disconnect, as the CLI prints it and the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub client: &'static str,
    pub name: &'static str,
    pub path: PathBuf,
    pub change: Change,
    /// Where the original was copied before the first change (only when this call made it).
    pub backup: Option<PathBuf>,
    pub restart: &'static str,
}

/// What a client's config says about Trek now.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub path: Option<PathBuf>,
    /// The config file or its directory exists, so the client looks installed.
    pub detected: bool,
    /// Our entry is in the file.
    pub connected: bool,
    /// Our entry in the file, when present.
    pub entry: Option<Value>,
    /// Why the file cannot be read or parsed, if so.
    pub problem: Option<String>,
}

fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Json => "JSON",
        Syntax::Jsonc => "JSON with comments",
    }
}

/// The entry `client` needs to reach `target` the way `via` says.
pub fn entry(client: &Client, via: Via, target: &Target) -> Result<Value, ConnectError> {
    let stdio = |command: &str, args: Vec<&str>| {
        let mut e = serde_json::Map::new();
        if client.stdio_type_tag {
            e.insert("type".into(), json!("stdio"));
        }
        e.insert("command".into(), json!(command));
        e.insert("args".into(), json!(args));
        Value::Object(e)
    };
    Ok(match via {
        Via::Native => {
            let shape = client.url_shape.ok_or(ConnectError::NoUrlEntry { client: client.name })?;
            let mut e = serde_json::Map::new();
            if let Some(tag) = shape.type_tag {
                e.insert("type".into(), json!(tag));
            }
            e.insert(shape.url_key.into(), json!(target.mcp_url));
            Value::Object(e)
        }
        Via::Bridge => stdio(&target.trek_program, vec!["bridge", &target.mcp_url]),
        Via::McpRemote => stdio("npx", vec!["-y", "mcp-remote", &target.mcp_url]),
    })
}

/// The smallest config file holding our entry, pretty-printed: what "copy config" shows.
pub fn snippet(client: &Client, via: Via, target: &Target) -> Result<String, ConnectError> {
    let doc = json!({ client.container: { SERVER_NAME: entry(client, via, target)? } });
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn config_path(client: &'static Client, dirs: &Dirs) -> Result<PathBuf, ConnectError> {
    (client.path)(dirs).ok_or(ConnectError::NoConfigFile { client: client.name, id: client.id })
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ConnectError + '_ {
    move |source| ConnectError::Io { path: path.to_owned(), source }
}

/// The file's text, or `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>, ConnectError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

fn classify(path: &Path, syntax: Syntax, e: EditError) -> ConnectError {
    match e {
        EditError::Syntax { .. } => {
            ConnectError::Unparseable { path: path.to_owned(), syntax: syntax_name(syntax), source: e }
        }
        EditError::NotObject { .. } => ConnectError::Shape { path: path.to_owned(), source: e },
    }
}

/// Writes our entry into `client`'s config. An existing different entry of ours is an
/// [`ConnectError::Exists`] unless `force`.
pub fn connect(
    client: &'static Client,
    dirs: &Dirs,
    via: Via,
    target: &Target,
    force: bool,
) -> Result<Outcome, ConnectError> {
    let path = config_path(client, dirs)?;
    let wanted = entry(client, via, target)?;
    let original = read(&path)?;
    let text = original.as_deref().unwrap_or("");
    let fail = |e| classify(&path, client.syntax, e);
    let current = edit::entry(text, client.syntax, client.container, SERVER_NAME).map_err(fail)?;
    let change = match &current {
        Some(c) if *c == wanted => Change::Unchanged,
        Some(c) if !force => return Err(ConnectError::Exists { path, current: c.clone() }),
        Some(_) => Change::Replaced,
        None if original.is_none() => Change::Created,
        None => Change::Added,
    };
    let mut backup = None;
    if change != Change::Unchanged {
        let updated =
            edit::upsert(text, client.syntax, client.container, SERVER_NAME, &wanted).map_err(fail)?;
        backup = write_with_backup(&path, original.as_deref(), &updated)?;
    }
    Ok(Outcome { client: client.id, name: client.name, path, change, backup, restart: client.restart })
}

/// Removes only our entry from `client`'s config.
pub fn disconnect(client: &'static Client, dirs: &Dirs) -> Result<Outcome, ConnectError> {
    let path = config_path(client, dirs)?;
    let original = read(&path)?;
    let (change, backup) = match &original {
        None => (Change::NotPresent, None),
        Some(text) => match edit::remove(text, client.syntax, client.container, SERVER_NAME)
            .map_err(|e| classify(&path, client.syntax, e))?
        {
            None => (Change::NotPresent, None),
            Some(updated) => (Change::Removed, write_with_backup(&path, Some(text), &updated)?),
        },
    };
    Ok(Outcome { client: client.id, name: client.name, path, change, backup, restart: client.restart })
}

/// What `client`'s config file says about Trek. Never writes.
pub fn status(client: &'static Client, dirs: &Dirs) -> Status {
    let Some(path) = (client.path)(dirs) else {
        return Status { path: None, detected: false, connected: false, entry: None, problem: None };
    };
    let detected = path.exists() || path.parent().is_some_and(Path::is_dir);
    let (entry, problem) = match read(&path) {
        Ok(None) => (None, None),
        Ok(Some(text)) => match edit::entry(&text, client.syntax, client.container, SERVER_NAME) {
            Ok(entry) => (entry, None),
            Err(e) => (None, Some(classify(&path, client.syntax, e).to_string())),
        },
        Err(e) => (None, Some(e.to_string())),
    };
    Status { path: Some(path), detected, connected: entry.is_some(), entry, problem }
}

/// The backup path for a config file: `NAME.trek-backup` beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// Backs up the original (once: the first backup is the user's own file) and writes `text`
/// atomically. Returns the backup made by this call, if any.
fn write_with_backup(
    path: &Path,
    original: Option<&str>,
    text: &str,
) -> Result<Option<PathBuf>, ConnectError> {
    // A symlinked config (dotfiles) is edited where it points, so the link stays a link.
    let real =
        if original.is_some() { std::fs::canonicalize(path).map_err(io(path))? } else { path.to_owned() };
    let mut made = None;
    if let Some(original) = original {
        let backup = backup_path(&real);
        if !backup.exists() {
            write_atomic(&backup, original, Some(&real))?;
            made = Some(backup);
        }
    }
    write_atomic(&real, text, original.is_some().then_some(real.as_path()))?;
    Ok(made)
}

/// Writes `text` to a temp file in the same directory and renames it over `path`, so a crash
/// leaves either the old or the new file, never half of one. Keeps `like`'s permissions.
pub fn write_atomic(path: &Path, text: &str, like: Option<&Path>) -> Result<(), ConnectError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io(dir))?;
    tmp.write_all(text.as_bytes()).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    if let Some(like) = like {
        let permissions = std::fs::metadata(like).map_err(io(like))?.permissions();
        std::fs::set_permissions(tmp.path(), permissions).map_err(io(path))?;
    }
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}
