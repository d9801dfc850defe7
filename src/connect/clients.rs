//! The table of MCP clients Trek can connect: where each keeps its config file on each OS, the
//! file's format, and the entry it needs. One row per client; paths, CLI, API and UI all read it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Operating systems with their own config locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Macos,
    Windows,
    Linux,
}

impl Os {
    /// The OS this build runs on (other Unixes use the Linux locations).
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::Macos
        } else if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }
}

/// The directories config paths are built from, injected so tests can check every OS.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub os: Os,
    /// The user's home directory.
    pub home: PathBuf,
    /// The platform's config directory: `$XDG_CONFIG_HOME` or `~/.config` on Linux,
    /// `~/Library/Application Support` on macOS, `%APPDATA%` (roaming) on Windows.
    pub config: PathBuf,
}

impl Dirs {
    /// This user's directories, or `None` without a home directory.
    pub fn from_env() -> Option<Self> {
        let base = directories::BaseDirs::new()?;
        Some(Self {
            os: Os::current(),
            home: base.home_dir().to_owned(),
            config: base.config_dir().to_owned(),
        })
    }
}

/// How a config file may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// Strict JSON: the client parses it with a JSON parser, so comments would break it.
    Json,
    /// JSON with comments and trailing commas (VS Code's and Zed's settings files).
    Jsonc,
}

/// What the client runs to reach Trek.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// The client speaks Streamable HTTP with OAuth itself: the entry is the URL.
    Native,
    /// The client only speaks stdio: it runs `trek bridge URL`.
    Bridge,
    /// The client runs `npx -y mcp-remote URL` (needs Node.js; only when asked for).
    McpRemote,
}

impl Via {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "native" | "url" => Some(Self::Native),
            "bridge" => Some(Self::Bridge),
            "mcp-remote" => Some(Self::McpRemote),
            _ => None,
        }
    }
}

/// The shape of a URL entry: which key holds the URL and whether a `type` is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlShape {
    pub url_key: &'static str,
    /// `Some("http")` where the client needs `"type": "http"` beside the URL.
    pub type_tag: Option<&'static str>,
}

/// One client Trek can connect.
#[derive(Debug)]
pub struct Client {
    /// Wire id (CLI argument, API path, UI); matches the OAuth preset ids.
    pub id: &'static str,
    pub name: &'static str,
    /// The config file on `dirs.os`, or `None` where the client does not exist.
    pub path: fn(&Dirs) -> Option<PathBuf>,
    pub syntax: Syntax,
    /// The top-level object that maps server names to entries.
    pub container: &'static str,
    /// How the client reaches Trek unless told otherwise.
    pub default_via: Via,
    /// The URL entry, for clients that speak Streamable HTTP natively.
    pub url_shape: Option<UrlShape>,
    /// Whether stdio entries carry `"type": "stdio"` (VS Code's format requires a type).
    pub stdio_type_tag: bool,
    /// What the user restarts (or reloads) so the client reads the file again.
    pub restart: &'static str,
    /// The public documentation of the path and format.
    pub source: &'static str,
}

fn claude_desktop(d: &Dirs) -> Option<PathBuf> {
    // Claude Desktop ships for macOS and Windows only.
    match d.os {
        Os::Macos | Os::Windows => Some(d.config.join("Claude").join("claude_desktop_config.json")),
        Os::Linux => None,
    }
}

fn claude_code(d: &Dirs) -> Option<PathBuf> {
    // User scope: the top-level `mcpServers` of ~/.claude.json, on every OS.
    Some(d.home.join(".claude.json"))
}

fn cursor(d: &Dirs) -> Option<PathBuf> {
    Some(d.home.join(".cursor").join("mcp.json"))
}

fn vscode(d: &Dirs) -> Option<PathBuf> {
    // The default profile's user mcp.json, beside its settings.json.
    Some(d.config.join("Code").join("User").join("mcp.json"))
}

fn windsurf(d: &Dirs) -> Option<PathBuf> {
    Some(d.home.join(".codeium").join("windsurf").join("mcp_config.json"))
}

fn zed(d: &Dirs) -> Option<PathBuf> {
    match d.os {
        // Zed uses ~/.config/zed on macOS too, not Application Support.
        Os::Macos => Some(d.home.join(".config").join("zed").join("settings.json")),
        Os::Linux => Some(d.config.join("zed").join("settings.json")),
        Os::Windows => Some(d.config.join("Zed").join("settings.json")),
    }
}

/// Every client, in the order the UI lists them.
pub const CLIENTS: &[Client] = &[
    Client {
        id: "claude-desktop",
        name: "Claude Desktop",
        path: claude_desktop,
        syntax: Syntax::Json,
        container: "mcpServers",
        // Its config file takes local (stdio) servers only; remote ones go through the bridge.
        default_via: Via::Bridge,
        url_shape: None,
        stdio_type_tag: false,
        restart: "Quit Claude Desktop completely (tray/menu bar → Quit) and open it again",
        source: "https://modelcontextprotocol.io/quickstart/user",
    },
    Client {
        id: "claude-code",
        name: "Claude Code",
        path: claude_code,
        syntax: Syntax::Json,
        container: "mcpServers",
        default_via: Via::Native,
        url_shape: Some(UrlShape { url_key: "url", type_tag: Some("http") }),
        stdio_type_tag: false,
        restart: "Start a new Claude Code session (then run /mcp to sign in)",
        source: "https://code.claude.com/docs/en/mcp",
    },
    Client {
        id: "cursor",
        name: "Cursor",
        path: cursor,
        syntax: Syntax::Json,
        container: "mcpServers",
        default_via: Via::Native,
        url_shape: Some(UrlShape { url_key: "url", type_tag: None }),
        stdio_type_tag: false,
        restart: "Restart Cursor",
        source: "https://cursor.com/docs/mcp",
    },
    Client {
        id: "vscode",
        name: "VS Code",
        path: vscode,
        syntax: Syntax::Jsonc,
        container: "servers",
        default_via: Via::Native,
        url_shape: Some(UrlShape { url_key: "url", type_tag: Some("http") }),
        stdio_type_tag: true,
        restart: "Reload VS Code (Command Palette → Developer: Reload Window)",
        source: "https://code.visualstudio.com/docs/agents/reference/mcp-configuration",
    },
    Client {
        id: "windsurf",
        name: "Windsurf",
        path: windsurf,
        syntax: Syntax::Json,
        container: "mcpServers",
        default_via: Via::Native,
        // Windsurf reads remote servers from `serverUrl`, not `url`.
        url_shape: Some(UrlShape { url_key: "serverUrl", type_tag: None }),
        stdio_type_tag: false,
        restart: "Refresh the MCP servers in Windsurf's Cascade panel (or restart Windsurf)",
        source: "https://docs.windsurf.com/windsurf/cascade/mcp",
    },
    Client {
        id: "zed",
        name: "Zed",
        path: zed,
        syntax: Syntax::Jsonc,
        container: "context_servers",
        default_via: Via::Native,
        url_shape: Some(UrlShape { url_key: "url", type_tag: None }),
        stdio_type_tag: false,
        restart: "Zed reloads its settings by itself; reopen the Agent Panel if Trek does not show",
        source: "https://zed.dev/docs/ai/mcp",
    },
];

/// The client with this id, or an error listing the known ids.
pub fn find(id: &str) -> Result<&'static Client, String> {
    CLIENTS.iter().find(|c| c.id == id).ok_or_else(|| {
        let known: Vec<&str> = CLIENTS.iter().map(|c| c.id).collect();
        format!("unknown client {id:?}; known clients: {}", known.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn dirs(os: Os) -> Dirs {
        match os {
            Os::Linux => Dirs { os, home: "/home/ann".into(), config: "/home/ann/.config".into() },
            Os::Macos => Dirs {
                os,
                home: "/Users/ann".into(),
                config: "/Users/ann/Library/Application Support".into(),
            },
            Os::Windows => Dirs {
                os,
                home: r"C:\Users\ann".into(),
                config: Path::new(r"C:\Users\ann").join("AppData").join("Roaming"),
            },
        }
    }

    fn check(id: &str, os: Os, expected: Option<&[&str]>) {
        let d = dirs(os);
        let got = (find(id).unwrap().path)(&d);
        let expected = expected.map(|parts| {
            let (base, rest) = parts.split_first().unwrap();
            let base = match *base {
                "~" => d.home.clone(),
                "CONFIG" => d.config.clone(),
                other => PathBuf::from(other),
            };
            rest.iter().fold(base, |p, part| p.join(part))
        });
        assert_eq!(got, expected, "{id} on {os:?}");
    }

    #[test]
    fn config_paths_per_os() {
        use Os::*;
        let rows: &[(&str, Os, Option<&[&str]>)] = &[
            ("claude-desktop", Macos, Some(&["CONFIG", "Claude", "claude_desktop_config.json"])),
            ("claude-desktop", Windows, Some(&["CONFIG", "Claude", "claude_desktop_config.json"])),
            ("claude-desktop", Linux, None),
            ("claude-code", Macos, Some(&["~", ".claude.json"])),
            ("claude-code", Windows, Some(&["~", ".claude.json"])),
            ("claude-code", Linux, Some(&["~", ".claude.json"])),
            ("cursor", Macos, Some(&["~", ".cursor", "mcp.json"])),
            ("cursor", Windows, Some(&["~", ".cursor", "mcp.json"])),
            ("cursor", Linux, Some(&["~", ".cursor", "mcp.json"])),
            ("vscode", Macos, Some(&["CONFIG", "Code", "User", "mcp.json"])),
            ("vscode", Windows, Some(&["CONFIG", "Code", "User", "mcp.json"])),
            ("vscode", Linux, Some(&["CONFIG", "Code", "User", "mcp.json"])),
            ("windsurf", Macos, Some(&["~", ".codeium", "windsurf", "mcp_config.json"])),
            ("windsurf", Windows, Some(&["~", ".codeium", "windsurf", "mcp_config.json"])),
            ("windsurf", Linux, Some(&["~", ".codeium", "windsurf", "mcp_config.json"])),
            ("zed", Macos, Some(&["~", ".config", "zed", "settings.json"])),
            ("zed", Windows, Some(&["CONFIG", "Zed", "settings.json"])),
            ("zed", Linux, Some(&["CONFIG", "zed", "settings.json"])),
        ];
        for (id, os, expected) in rows {
            check(id, *os, *expected);
        }
        // Every client has a row for every OS.
        assert_eq!(rows.len(), CLIENTS.len() * 3);
    }

    #[test]
    fn concrete_paths_match_the_documented_ones() {
        let mac = dirs(Os::Macos);
        assert_eq!(
            (find("claude-desktop").unwrap().path)(&mac).unwrap(),
            Path::new("/Users/ann/Library/Application Support/Claude/claude_desktop_config.json")
        );
        let linux = dirs(Os::Linux);
        assert_eq!(
            (find("vscode").unwrap().path)(&linux).unwrap(),
            Path::new("/home/ann/.config/Code/User/mcp.json")
        );
        assert_eq!(
            (find("zed").unwrap().path)(&linux).unwrap(),
            Path::new("/home/ann/.config/zed/settings.json")
        );
    }

    #[test]
    fn ids_are_unique_and_match_oauth_presets() {
        for (i, c) in CLIENTS.iter().enumerate() {
            assert!(CLIENTS[i + 1..].iter().all(|o| o.id != c.id), "duplicate id {}", c.id);
            assert!(
                crate::auth::oauth::PRESETS.iter().any(|p| p.id == c.id),
                "{} has no OAuth preset of the same id",
                c.id
            );
            // A client whose default is the URL must say how a URL entry looks.
            assert!(c.default_via != Via::Native || c.url_shape.is_some(), "{}", c.id);
        }
        assert!(find("emacs").unwrap_err().contains("known clients: claude-desktop"));
    }
}
