//! Tunnel providers: what to run for a cloudflared quick tunnel, a cloudflared named tunnel or a
//! custom command, and how its public URL is learned (from its output or as entered).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

/// Longest custom command template accepted.
pub const MAX_COMMAND_CHARS: usize = 1000;
/// Longest URL pattern accepted for a custom command.
pub const MAX_PATTERN_CHARS: usize = 200;
/// Longest named-tunnel token accepted (cloudflared's are a few hundred characters).
pub const MAX_TOKEN_CHARS: usize = 4096;

/// The cloudflared program name looked up on `PATH` when no path is configured.
pub const CLOUDFLARED: &str = "cloudflared";
/// Placeholder for the local port in a custom command template.
pub const PORT_PLACEHOLDER: &str = "{port}";

/// A quick tunnel's URL in cloudflared's output: `https://<words>.trycloudflare.com`.
/// `api.trycloudflare.com` (named in its error lines) is excluded by requiring a dash.
static QUICK_URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"https://[a-z0-9]+(?:-[a-z0-9]+)+\.trycloudflare\.com").ok());

/// Which tunnel to run. Stored as JSON in the settings table (without the named tunnel's token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Provider {
    /// `cloudflared tunnel --url http://127.0.0.1:PORT`: a new random trycloudflare.com URL each start.
    Quick,
    /// `cloudflared tunnel run` with a tunnel token; the stable hostname is the user's.
    Named { hostname: String },
    /// Any program (ngrok, Tailscale Funnel, …): `{port}` in the template is replaced by
    /// Trek's port; the public URL is the entered `url`, or the first match of `url_pattern`
    /// in the program's output.
    Custom {
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url_pattern: Option<String>,
    },
}

/// A named tunnel's token: a credential, passed in the environment (`TUNNEL_TOKEN`), never on
/// the command line where other local users could read it, and never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct TunnelToken(String);

impl TunnelToken {
    pub fn new(raw: &str) -> Result<Self, ProviderError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ProviderError::Invalid("token: a named tunnel needs its tunnel token".into()));
        }
        if raw.len() > MAX_TOKEN_CHARS || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ProviderError::Invalid(format!(
                "token: must be one word of at most {MAX_TOKEN_CHARS} characters (cloudflared's `tunnel token` output)"
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TunnelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TunnelToken(…)")
    }
}

/// Everything needed to start a tunnel.
#[derive(Debug, Clone)]
pub struct TunnelSpec {
    pub provider: Provider,
    /// The named tunnel's token.
    pub token: Option<TunnelToken>,
    /// cloudflared's path when it is not on `PATH`.
    pub cloudflared: Option<PathBuf>,
}

/// How the supervisor learns the public URL.
#[derive(Debug, Clone)]
pub enum UrlSource {
    /// Known before start (named tunnel, custom command with an entered URL).
    Fixed(Url),
    /// The first match in the process's output.
    Output(Regex),
}

/// A resolved command line, ready to spawn.
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, TunnelToken)>,
    pub url: UrlSource,
}

/// Why a tunnel cannot be started. The message is what the UI and the CLI show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("{0}")]
    Invalid(String),
    #[error("{program} was not found{where_}. {hint}")]
    NotInstalled { program: String, where_: String, hint: String },
}

impl TunnelSpec {
    /// Checks the settings without touching the system (the owner API validates on save).
    pub fn validate(&self) -> Result<(), ProviderError> {
        match &self.provider {
            Provider::Quick => Ok(()),
            Provider::Named { hostname } => {
                named_url(hostname)?;
                if self.token.is_none() {
                    return Err(ProviderError::Invalid(
                        "token: a named tunnel needs its tunnel token".into(),
                    ));
                }
                Ok(())
            }
            Provider::Custom { command, url, url_pattern } => {
                split_command(command, 1)?;
                custom_url(url.as_deref(), url_pattern.as_deref()).map(|_| ())
            }
        }
    }

    /// Resolves the program and arguments for a server on `port`.
    pub fn launch(&self, port: u16) -> Result<Launch, ProviderError> {
        self.validate()?;
        let target = format!("http://127.0.0.1:{port}");
        match &self.provider {
            Provider::Quick => Ok(Launch {
                program: self.cloudflared()?,
                args: ["tunnel", "--no-autoupdate", "--url", &target].map(String::from).to_vec(),
                env: Vec::new(),
                url: UrlSource::Output(quick_url_regex()?),
            }),
            Provider::Named { hostname } => Ok(Launch {
                program: self.cloudflared()?,
                args: ["tunnel", "--no-autoupdate", "run", "--url", &target].map(String::from).to_vec(),
                env: self.token.iter().map(|t| ("TUNNEL_TOKEN".to_owned(), t.clone())).collect(),
                url: UrlSource::Fixed(named_url(hostname)?),
            }),
            Provider::Custom { command, url, url_pattern } => {
                let mut words = split_command(command, port)?;
                let program = words.remove(0);
                let program = find_program(&program, None)
                    .ok_or_else(|| not_installed(&program, None, "Check the command's first word."))?;
                Ok(Launch {
                    program,
                    args: words,
                    env: Vec::new(),
                    url: custom_url(url.as_deref(), url_pattern.as_deref())?,
                })
            }
        }
    }

    fn cloudflared(&self) -> Result<PathBuf, ProviderError> {
        let configured = self.cloudflared.as_deref();
        let wanted = configured.map_or_else(|| PathBuf::from(CLOUDFLARED), Path::to_path_buf);
        find_program(&wanted.to_string_lossy(), configured)
            .ok_or_else(|| not_installed(CLOUDFLARED, configured, install_hint()))
    }
}

fn not_installed(program: &str, configured: Option<&Path>, hint: &str) -> ProviderError {
    let where_ = match configured {
        Some(path) => format!(" at {}", path.display()),
        None => " on PATH".to_owned(),
    };
    ProviderError::NotInstalled { program: program.to_owned(), where_, hint: hint.to_owned() }
}

/// How to install cloudflared on this OS.
pub fn install_hint() -> &'static str {
    if cfg!(target_os = "macos") {
        "Install it with `brew install cloudflared`, or set its path in Settings → Public access."
    } else if cfg!(windows) {
        "Install it with `winget install --id Cloudflare.cloudflared`, or set its path in Settings → Public access."
    } else {
        "Install it from Cloudflare's package repository (https://pkg.cloudflare.com, then \
         `sudo apt install cloudflared` or `sudo dnf install cloudflared`) or download the binary from \
         https://github.com/cloudflare/cloudflared/releases, or set its path in Settings → Public access."
    }
}

fn quick_url_regex() -> Result<Regex, ProviderError> {
    QUICK_URL.clone().ok_or_else(|| ProviderError::Invalid("internal: quick tunnel URL pattern".into()))
}

/// A named tunnel's public origin from the hostname the user entered.
fn named_url(hostname: &str) -> Result<Url, ProviderError> {
    let bad = || {
        ProviderError::Invalid(format!(
            "hostname: {hostname:?} is not a host name such as trek.example.com (no scheme, path or port)"
        ))
    };
    let host = hostname.trim().to_ascii_lowercase();
    let is_name = !host.is_empty()
        && host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !is_name {
        return Err(bad());
    }
    Url::parse(&format!("https://{host}")).map_err(|_| bad())
}

/// The public origin of a custom command: entered, or found in the output.
fn custom_url(url: Option<&str>, pattern: Option<&str>) -> Result<UrlSource, ProviderError> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    let pattern = pattern.map(str::trim).filter(|p| !p.is_empty());
    match (url, pattern) {
        (Some(_), Some(_)) => Err(ProviderError::Invalid(
            "url_pattern: give either the public URL or a pattern that finds it, not both".into(),
        )),
        (None, None) => Err(ProviderError::Invalid(
            "url: enter the public URL, or a url_pattern that finds it in the command's output".into(),
        )),
        (Some(url), None) => public_origin(url).map(UrlSource::Fixed).ok_or_else(|| {
            ProviderError::Invalid(format!(
                "url: {url:?} is not an https origin such as https://trek.example.com"
            ))
        }),
        (None, Some(pattern)) => {
            if pattern.len() > MAX_PATTERN_CHARS {
                return Err(ProviderError::Invalid(format!(
                    "url_pattern: at most {MAX_PATTERN_CHARS} characters"
                )));
            }
            let regex = Regex::new(pattern)
                .map_err(|e| ProviderError::Invalid(format!("url_pattern: not a valid pattern: {e}")))?;
            Ok(UrlSource::Output(regex))
        }
    }
}

/// An `https://host[:port]` origin (with at most a trailing `/`), or `None`. Public access is
/// https only: OAuth clients refuse plain http for anything but loopback.
pub fn public_origin(raw: &str) -> Option<Url> {
    let url = Url::parse(raw.trim()).ok()?;
    let is_origin = url.scheme() == "https"
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path() == "/";
    is_origin.then_some(url)
}

/// The public URL in one line of output, per `source` (only for `Output`).
pub fn find_url(source: &UrlSource, line: &str) -> Option<Url> {
    let UrlSource::Output(regex) = source else { return None };
    let found = regex.captures(line)?;
    // A pattern with a group names the URL by its first group; otherwise the whole match.
    let text = found.get(1).or_else(|| found.get(0))?.as_str();
    let url = Url::parse(text.trim_end_matches(['/', '.', ',', ')'])).ok()?;
    public_origin(url.origin().ascii_serialization().as_str())
}

/// Splits a command template into words without a shell (no globbing, no `;`, no `$VAR`), and
/// replaces `{port}`.
fn split_command(command: &str, port: u16) -> Result<Vec<String>, ProviderError> {
    if command.trim().is_empty() {
        return Err(ProviderError::Invalid("command: enter the command that starts your tunnel".into()));
    }
    if command.len() > MAX_COMMAND_CHARS {
        return Err(ProviderError::Invalid(format!("command: at most {MAX_COMMAND_CHARS} characters")));
    }
    let words = shlex::split(command)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| ProviderError::Invalid("command: unbalanced quotes".into()))?;
    Ok(words.into_iter().map(|w| w.replace(PORT_PLACEHOLDER, &port.to_string())).collect())
}

/// `name` on `PATH`, or `name` itself when it is a path. Hand-written: the `which` crate would
/// add a dependency for these few lines.
fn find_program(name: &str, configured: Option<&Path>) -> Option<PathBuf> {
    let candidate = Path::new(name);
    if configured.is_some() || candidate.components().count() > 1 {
        return is_executable(candidate).then(|| candidate.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let exts: &[&str] = if cfg!(windows) { &["", ".exe", ".cmd"] } else { &[""] };
        exts.iter().map(|ext| dir.join(format!("{name}{ext}"))).find(|p| is_executable(p))
    })
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> UrlSource {
        UrlSource::Output(quick_url_regex().unwrap())
    }

    #[test]
    fn quick_url_is_found_in_cloudflareds_box_and_nowhere_else() {
        let line =
            "2025-01-01T00:00:00Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com          |";
        assert_eq!(
            find_url(&quick(), line).unwrap().as_str(),
            "https://seasonal-deck-organisms-sf.trycloudflare.com/"
        );
        for no in [
            "2025-01-01T00:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...",
            r#"ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": no such host"#,
            "INF Thank you for trying Cloudflare Tunnel. https://www.cloudflare.com/website-terms/",
            "http://a-b.trycloudflare.com",
        ] {
            assert!(find_url(&quick(), no).is_none(), "{no}");
        }
    }

    #[test]
    fn custom_pattern_may_name_the_url_by_its_first_group() {
        let source = custom_url(None, Some(r"url=(https://\S+)")).unwrap();
        let url = find_url(&source, r#"t=1 lvl=info msg="started tunnel" url=https://ab12.ngrok-free.app"#);
        assert_eq!(url.unwrap().as_str(), "https://ab12.ngrok-free.app/");
        // Plain http found by a pattern is not a usable public origin.
        let source = custom_url(None, Some(r"http://\S+")).unwrap();
        assert!(find_url(&source, "at http://x.example").is_none());
    }

    #[test]
    fn settings_are_validated_with_the_field_named() {
        let spec = |provider, token: Option<&str>| TunnelSpec {
            provider,
            token: token.map(|t| TunnelToken::new(t).unwrap()),
            cloudflared: None,
        };
        let cases: Vec<(Provider, Option<&str>, &str)> = vec![
            (Provider::Named { hostname: "trek.example.com".into() }, None, "token:"),
            (Provider::Named { hostname: "https://trek.example.com".into() }, Some("t"), "hostname:"),
            (Provider::Named { hostname: "trek.example.com:8443".into() }, Some("t"), "hostname:"),
            (Provider::Named { hostname: "localhost".into() }, Some("t"), "hostname:"),
            (
                Provider::Custom {
                    command: " ".into(),
                    url: Some("https://x.example".into()),
                    url_pattern: None,
                },
                None,
                "command:",
            ),
            (
                Provider::Custom {
                    command: "ngrok 'http".into(),
                    url: Some("https://x.example".into()),
                    url_pattern: None,
                },
                None,
                "command:",
            ),
            (
                Provider::Custom { command: "ngrok http {port}".into(), url: None, url_pattern: None },
                None,
                "url:",
            ),
            (
                Provider::Custom {
                    command: "ngrok".into(),
                    url: Some("http://x.example".into()),
                    url_pattern: None,
                },
                None,
                "url:",
            ),
            (
                Provider::Custom {
                    command: "ngrok".into(),
                    url: Some("https://x.example/mcp".into()),
                    url_pattern: None,
                },
                None,
                "url:",
            ),
            (
                Provider::Custom { command: "ngrok".into(), url: None, url_pattern: Some("(".into()) },
                None,
                "url_pattern:",
            ),
            (
                Provider::Custom {
                    command: "ngrok".into(),
                    url: Some("https://x.example".into()),
                    url_pattern: Some("x".into()),
                },
                None,
                "url_pattern:",
            ),
        ];
        for (provider, token, field) in cases {
            let error = spec(provider.clone(), token).validate().unwrap_err().to_string();
            assert!(error.starts_with(field), "{provider:?}: {error}");
        }
        assert!(
            spec(Provider::Named { hostname: "Trek.Example.com".into() }, Some("tok")).validate().is_ok()
        );
        assert!(TunnelToken::new("two words").is_err());
        assert!(TunnelToken::new("").is_err());
    }

    #[test]
    fn custom_command_splits_without_a_shell_and_fills_the_port() {
        let words =
            split_command("tailscale funnel --bg 'http://127.0.0.1:{port}' ; rm -rf /", 7823).unwrap();
        assert_eq!(words, ["tailscale", "funnel", "--bg", "http://127.0.0.1:7823", ";", "rm", "-rf", "/"]);
    }

    #[test]
    fn missing_cloudflared_names_where_it_looked_and_how_to_install() {
        let spec = TunnelSpec {
            provider: Provider::Quick,
            token: None,
            cloudflared: Some(PathBuf::from("/nonexistent/cloudflared")),
        };
        let error = spec.launch(1).unwrap_err().to_string();
        assert!(error.contains("cloudflared was not found at /nonexistent/cloudflared"), "{error}");
        assert!(error.contains(install_hint()), "{error}");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let token = TunnelToken::new("eyJhIjoic2VjcmV0In0").unwrap();
        assert!(!format!("{token:?}").contains("eyJ"));
    }
}
