//! Redirect URIs: which ones a client may register (RFC 8252 §7, OAuth 2.1 §2.3.1) and whether
//! a requested `redirect_uri` matches a registered one (exact, RFC 8252 §7.3 for loopback).
//!
//! Comparison is on the raw strings, split into scheme, authority and path+query; the `url`
//! crate only validates. Comparing `Url`s would also equate strings that differ (dot segments,
//! default ports, percent-decoded hosts, `127.1` = `127.0.0.1`, tabs dropped), while OAuth 2.1
//! §2.3.1 wants exact matching (RFC 3986 §6.2.1 simple string comparison). The only
//! equivalences allowed are RFC 3986's: scheme and host case (§6.2.2.1) and, for http/https,
//! an empty path being `/` (§6.2.3).

use url::Url;

/// Why a redirect URI cannot be registered (or used).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedirectUriError {
    #[error("redirect uri is not a valid absolute uri (it needs a scheme and only rfc 3986 characters)")]
    NotAbsolute,
    #[error("redirect uri must not contain a fragment (#...)")]
    Fragment,
    #[error("redirect uri must not contain userinfo (user@ before the host)")]
    Userinfo,
    #[error("redirect uri must not contain a wildcard (*) in its scheme, host or path")]
    Wildcard,
    #[error("redirect uri scheme {0:?} is not allowed")]
    ForbiddenScheme(String),
    #[error(
        "redirect uri host {0:?} is not allowed with http; http is only for loopback \
         (127.0.0.1, [::1], localhost), use https"
    )]
    HttpNotLoopback(String),
    #[error("redirect uri is empty")]
    Empty,
    #[error("redirect uri is longer than {MAX_LEN} characters")]
    TooLong,
}

/// Longer URIs are refused: no real callback needs more, and it bounds what we store and parse.
const MAX_LEN: usize = 2000;

/// Schemes that execute or read locally in a browser, or are not redirect targets at all.
const FORBIDDEN_SCHEMES: [&str; 9] =
    ["javascript", "data", "file", "vbscript", "about", "blob", "ws", "wss", "ftp"];

/// RFC 8252 §7.3 loopback hosts, spelled literally: `127.1` or `0x7f.0.0.1` (which `url`
/// would turn into 127.0.0.1) are refused rather than normalised.
const LOOPBACK_HOSTS: [&str; 3] = ["127.0.0.1", "[::1]", "localhost"];

/// A URI that passed the registration policy, as raw slices of the input.
struct Checked<'a> {
    scheme: &'a str,
    /// `host[:port]` when the URI has `//`; never contains userinfo.
    authority: Option<&'a str>,
    /// `authority` without its port.
    host: Option<&'a str>,
    /// Path and query, untouched.
    tail: &'a str,
}

impl Checked<'_> {
    fn is_scheme(&self, s: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(s)
    }

    /// Path and query with RFC 3986 §6.2.3's empty-path rule for http/https applied. After an
    /// authority the tail is empty or starts with `/` or `?`, so dropping one leading `/`
    /// equates exactly `""` with `"/"` and `"?q"` with `"/?q"`.
    fn path_and_query(&self) -> &str {
        if self.is_scheme("http") || self.is_scheme("https") {
            self.tail.strip_prefix('/').unwrap_or(self.tail)
        } else {
            self.tail
        }
    }
}

/// Validates one redirect URI at registration: https any host; http only for loopback hosts
/// (127.0.0.1, [::1], localhost; any port or none); private-use URI schemes for native apps
/// (RFC 8252 §7.1, e.g. `cursor://anysphere.cursor-mcp/oauth/callback`) allowed; refused:
/// fragments, userinfo, wildcards, script/local/non-http schemes, look-alike loopback hosts
/// and URIs over 2000 characters.
pub fn validate_for_registration(uri: &str) -> Result<(), RedirectUriError> {
    check(uri).map(|_| ())
}

/// Whether a requested redirect_uri matches a registered one: exact string comparison, except
/// for `http` loopback URIs (RFC 8252 §7.3): the port is ignored, and a registration without a
/// port matches a request with any port. Scheme and host compare case-insensitively per
/// RFC 3986 (path and query case-sensitive); `localhost`, `127.0.0.1` and `[::1]` are different
/// hosts; https is never matched by http; never panics on garbage.
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    // Both sides go through the registration policy, so a request can never smuggle in what
    // registration would refuse, even if the stored registration predates a policy change.
    let (Ok(reg), Ok(req)) = (check(registered), check(requested)) else {
        return false;
    };
    if !reg.scheme.eq_ignore_ascii_case(req.scheme) {
        return false;
    }
    let same_authority = if reg.is_scheme("http") {
        // Only loopback passes `check` for http; native apps get an ephemeral port (§7.3).
        eq_ignore_case(reg.host, req.host)
    } else {
        eq_ignore_case(reg.authority, req.authority)
    };
    same_authority && reg.path_and_query() == req.path_and_query()
}

/// Whether the URI is an http loopback redirect (used for native-app detection).
pub fn is_loopback_http(uri: &str) -> bool {
    check(uri).is_ok_and(|c| c.is_scheme("http"))
}

fn eq_ignore_case(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

fn check(uri: &str) -> Result<Checked<'_>, RedirectUriError> {
    use RedirectUriError as E;
    if uri.is_empty() {
        return Err(E::Empty);
    }
    if uri.len() > MAX_LEN {
        return Err(E::TooLong);
    }
    // Matching is exact (OAuth 2.1 §2.3.1), so a `*` would be literal text; refuse it rather
    // than let anyone believe it is a pattern. A query may carry one.
    let before_query = uri.split(['?', '#']).next().unwrap_or_default();
    if before_query.contains('*') {
        return Err(E::Wildcard);
    }
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Checked before the
    // character set so that `data:text/html,<script>` reports its scheme.
    let (scheme, rest) = uri.split_once(':').filter(|(s, _)| is_scheme(s)).ok_or(E::NotAbsolute)?;
    let lower = scheme.to_ascii_lowercase();
    if FORBIDDEN_SCHEMES.contains(&lower.as_str()) {
        return Err(E::ForbiddenScheme(lower));
    }
    // RFC 6749 §3.1.2 (kept by OAuth 2.1): the redirect URI must not include a fragment.
    if uri.contains('#') {
        return Err(E::Fragment);
    }
    // Only RFC 3986 characters: no spaces, controls, backslashes or non-ASCII, which `url`
    // would silently drop or reinterpret and browsers might treat differently from us.
    if !uri.bytes().all(is_uri_byte) {
        return Err(E::NotAbsolute);
    }
    let (authority, tail) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find(['/', '?']).unwrap_or(r.len());
            (Some(&r[..end]), &r[end..])
        }
        None => (None, rest),
    };
    // Userinfo lets `http://localhost@evil.example/` look loopback to a human (RFC 3986 §7.6,
    // semantic attacks); no redirect needs it.
    if authority.is_some_and(|a| a.contains('@')) {
        return Err(E::Userinfo);
    }
    let url = Url::parse(uri).map_err(|_| E::NotAbsolute)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(E::Userinfo);
    }
    let host = authority.map(strip_port);
    match lower.as_str() {
        // `url` would accept `http:host` or `http:///host`; demand the `//host` we compare on.
        "http" | "https" if host.is_none_or(str::is_empty) => return Err(E::NotAbsolute),
        // RFC 8252 §7.3 / §8.3: plain http only to the loopback interface.
        "http" => {
            let h = host.unwrap_or_default();
            if !LOOPBACK_HOSTS.iter().any(|l| l.eq_ignore_ascii_case(h)) {
                return Err(E::HttpNotLoopback(h.to_owned()));
            }
        }
        // The host we compare (raw) must be the host a browser will contact (parsed).
        "https" => {
            let parsed = url.host_str().unwrap_or_default();
            if !host.is_some_and(|h| h.eq_ignore_ascii_case(parsed)) {
                return Err(E::NotAbsolute);
            }
        }
        _ => {}
    }
    Ok(Checked { scheme, authority, host, tail })
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// RFC 3986 §2: unreserved, reserved and `%`.
fn is_uri_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

/// `host[:port]` → `host`, keeping IPv6 brackets.
fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        authority.find(']').map_or(authority, |i| &authority[..=i])
    } else {
        authority.split_once(':').map_or(authority, |(h, _)| h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RedirectUriError as E;

    #[test]
    fn registration_policy() {
        fn check(uri: &str, expected: Result<(), RedirectUriError>) {
            assert_eq!(validate_for_registration(uri), expected, "{uri:?}");
        }
        // Cursor's three kinds: private-use scheme, https, loopback with its port.
        check("cursor://anysphere.cursor-mcp/oauth/callback", Ok(()));
        check("https://cursor.example/oauth/callback", Ok(()));
        check("http://127.0.0.1:54321/callback", Ok(()));
        check("https://claude.ai/api/mcp/auth_callback", Ok(()));
        // Portless loopback, what the presets register.
        check("http://localhost", Ok(()));
        check("http://localhost/", Ok(()));
        check("http://[::1]:8080/cb", Ok(()));
        check("http://127.0.0.1/cb?x=1", Ok(()));
        check("http://LOCALHOST:3000/cb", Ok(()));
        check("vscode://vscode.github-authentication/did-authenticate", Ok(()));
        check("com.example.app:/oauth2redirect/example-provider", Ok(()));
        check("https://app.example:8443/cb?client=web&x=%20", Ok(()));
        check("https://app.example/cb?q=a*b", Ok(()));
        // Empty, too long.
        check("", Err(E::Empty));
        check(&format!("https://app.example/{}", "a".repeat(1981)), Err(E::TooLong));
        check(&format!("https://app.example/{}", "a".repeat(1980)), Ok(()));
        // Not absolute, or not plain RFC 3986 text.
        check("/callback", Err(E::NotAbsolute));
        check("callback", Err(E::NotAbsolute));
        check("app.example/cb", Err(E::NotAbsolute));
        check("://app.example/cb", Err(E::NotAbsolute));
        check(" https://app.example/cb", Err(E::NotAbsolute));
        check("https://app.example/c b", Err(E::NotAbsolute));
        check("https://app.exa\tmple/cb", Err(E::NotAbsolute));
        check("https://app.example\\@evil.example/cb", Err(E::NotAbsolute));
        check("https://bücher.example/cb", Err(E::NotAbsolute));
        check("https:app.example/cb", Err(E::NotAbsolute));
        check("https:///app.example/cb", Err(E::NotAbsolute));
        check("https://%61pp.example/cb", Err(E::NotAbsolute));
        check("https://app.example:99999/cb", Err(E::NotAbsolute));
        check("http://[::1/cb", Err(E::NotAbsolute));
        // Fragments (OAuth 2.1 §2.3.1).
        check("https://app.example/cb#", Err(E::Fragment));
        check("https://app.example/cb#frag", Err(E::Fragment));
        check("cursor://anysphere.cursor-mcp/cb#x", Err(E::Fragment));
        // Userinfo.
        check("http://localhost@evil.example/cb", Err(E::Userinfo));
        check("https://user:pass@app.example/cb", Err(E::Userinfo));
        check("https://@app.example/cb", Err(E::Userinfo));
        check("cursor://me@anysphere.cursor-mcp/cb", Err(E::Userinfo));
        // Wildcards in scheme, host or path.
        check("https://*.app.example/cb", Err(E::Wildcard));
        check("https://app.example/*", Err(E::Wildcard));
        check("http://127.0.0.1:*/cb", Err(E::Wildcard));
        check("*://app.example/cb", Err(E::Wildcard));
        check("cursor*://x/cb", Err(E::Wildcard));
        check("http://127.0.0.1/cb#*", Err(E::Fragment));
        // Forbidden schemes, whatever their case.
        check("javascript:alert(1)", Err(E::ForbiddenScheme("javascript".into())));
        check("JavaScript://%0aalert(1)", Err(E::ForbiddenScheme("javascript".into())));
        check("data:text/html,<script>alert(1)</script>", Err(E::ForbiddenScheme("data".into())));
        check("file:///etc/passwd", Err(E::ForbiddenScheme("file".into())));
        check("vbscript:msgbox", Err(E::ForbiddenScheme("vbscript".into())));
        check("about:blank", Err(E::ForbiddenScheme("about".into())));
        check("blob:https://app.example/x", Err(E::ForbiddenScheme("blob".into())));
        check("ws://localhost/cb", Err(E::ForbiddenScheme("ws".into())));
        check("wss://app.example/cb", Err(E::ForbiddenScheme("wss".into())));
        check("ftp://app.example/cb", Err(E::ForbiddenScheme("ftp".into())));
        // http off loopback, and hosts that only look loopback.
        check("http://app.example/cb", Err(E::HttpNotLoopback("app.example".into())));
        check("http://127.0.0.1.evil.example/cb", Err(E::HttpNotLoopback("127.0.0.1.evil.example".into())));
        check("http://localhost.evil.example/cb", Err(E::HttpNotLoopback("localhost.evil.example".into())));
        check("http://localhost./cb", Err(E::HttpNotLoopback("localhost.".into())));
        check("http://127.1/cb", Err(E::HttpNotLoopback("127.1".into())));
        check("http://0x7f.0.0.1/cb", Err(E::HttpNotLoopback("0x7f.0.0.1".into())));
        check("http://2130706433/cb", Err(E::HttpNotLoopback("2130706433".into())));
        check("http://%6cocalhost/cb", Err(E::HttpNotLoopback("%6cocalhost".into())));
        check("http://[::ffff:127.0.0.1]/cb", Err(E::HttpNotLoopback("[::ffff:127.0.0.1]".into())));
        check("http://10.0.0.1/cb", Err(E::HttpNotLoopback("10.0.0.1".into())));
        check("http:localhost/cb", Err(E::NotAbsolute));
    }

    #[test]
    fn redirect_matching() {
        fn check(registered: &str, requested: &str, expected: bool) {
            assert_eq!(
                redirect_matches(registered, requested),
                expected,
                "registered {registered:?}, requested {requested:?}"
            );
        }
        // Exact match.
        check("https://claude.ai/api/mcp/auth_callback", "https://claude.ai/api/mcp/auth_callback", true);
        // Added path, trailing slash, path case.
        check("https://app.example/cb", "https://app.example/cb/more", false);
        check("https://app.example/cb", "https://app.example/cb/", false);
        check("https://app.example/cb/", "https://app.example/cb", false);
        check("https://app.example/cb", "https://app.example/CB", false);
        check("https://app.example/a/../cb", "https://app.example/cb", false);
        check("https://app.example/cb", "https://app.example/%63b", false);
        // Empty path is "/" for http/https (RFC 3986 §6.2.3), nothing else is.
        check("https://app.example", "https://app.example/", true);
        check("https://app.example?x=1", "https://app.example/?x=1", true);
        check("http://localhost", "http://localhost:5555/", true);
        check("http://localhost", "http://localhost:5555/callback", false);
        check("cursor://anysphere.cursor-mcp", "cursor://anysphere.cursor-mcp/", false);
        // Case of scheme and host is ignored (RFC 3986 §6.2.2.1).
        check("https://app.example/cb", "HTTPS://App.Example/cb", true);
        check("HTTP://LocalHost:1/cb", "http://localhost:2/cb", true);
        check("cursor://anysphere.cursor-mcp/cb", "Cursor://AnySphere.Cursor-MCP/cb", true);
        // Fragment and userinfo never match, even verbatim.
        check("https://app.example/cb", "https://app.example/cb#x", false);
        check("https://app.example/cb#x", "https://app.example/cb#x", false);
        check("http://localhost/cb", "http://localhost@evil.example/cb", false);
        check("http://localhost@evil.example/cb", "http://localhost@evil.example/cb", false);
        // Look-alike loopback hosts.
        check("http://127.0.0.1/cb", "http://127.0.0.1.evil.example/cb", false);
        check("http://localhost/cb", "http://localhost.evil.example/cb", false);
        check("http://127.0.0.1/cb", "http://127.1/cb", false);
        // Dangerous schemes never match, even verbatim.
        check("javascript:alert(1)", "javascript:alert(1)", false);
        check("https://app.example/cb", "javascript:alert(1)", false);
        check("data:text/html,x", "data:text/html,x", false);
        check("file:///tmp/cb", "file:///tmp/cb", false);
        // Wildcards are literal text, never patterns.
        check("https://*.app.example/cb", "https://evil.app.example/cb", false);
        check("https://*.app.example/cb", "https://*.app.example/cb", false);
        check("https://app.example/*", "https://app.example/cb", false);
        // Loopback http ignores the port (RFC 8252 §7.3), with or without one registered.
        check("http://127.0.0.1:1234/callback", "http://127.0.0.1:5678/callback", true);
        check("http://127.0.0.1/callback", "http://127.0.0.1:49152/callback", true);
        check("http://127.0.0.1:1234/callback", "http://127.0.0.1/callback", true);
        check("http://[::1]/cb", "http://[::1]:8080/cb", true);
        check("http://localhost:80/cb", "http://localhost:8080/cb", true);
        // ... but still compares host, path and query exactly.
        check("http://127.0.0.1/callback", "http://127.0.0.1:49152/callback/x", false);
        check("http://127.0.0.1/callback", "http://127.0.0.1:49152/Callback", false);
        check("http://127.0.0.1/cb?a=1", "http://127.0.0.1:9/cb?a=2", false);
        // localhost, 127.0.0.1 and [::1] are different hosts.
        check("http://localhost/cb", "http://127.0.0.1/cb", false);
        check("http://127.0.0.1/cb", "http://localhost/cb", false);
        check("http://[::1]/cb", "http://127.0.0.1/cb", false);
        check("http://localhost/cb", "http://[::1]/cb", false);
        // Private-use schemes: exact match, and mismatches of scheme, host, path.
        check(
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "cursor://anysphere.cursor-mcp/oauth/callback",
            true,
        );
        check(
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "vscode://anysphere.cursor-mcp/oauth/callback",
            false,
        );
        check(
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "cursor://evil.cursor-mcp/oauth/callback",
            false,
        );
        check(
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "cursor://anysphere.cursor-mcp/oauth/callback2",
            false,
        );
        check("com.example.app:/cb", "com.example.app:/cb", true);
        check("com.example.app:/cb", "com.example.app://cb", false);
        check("com.example.app:/cb", "com.example.evil:/cb", false);
        // Downgrade to http, or upgrade: never.
        check("https://app.example/cb", "http://app.example/cb", false);
        check("https://localhost/cb", "http://localhost/cb", false);
        check("http://localhost/cb", "https://localhost/cb", false);
        // Query must match exactly.
        check("https://app.example/cb?a=1", "https://app.example/cb?a=1", true);
        check("https://app.example/cb?a=1", "https://app.example/cb?a=2", false);
        check("https://app.example/cb?a=1", "https://app.example/cb?a=1&b=2", false);
        check("https://app.example/cb", "https://app.example/cb?a=1", false);
        check("https://app.example/cb?a=1", "https://app.example/cb", false);
        check("https://app.example/cb?a=x", "https://app.example/cb?a=X", false);
        // Port is ignored only for loopback http: https compares it, default or not.
        check("https://app.example:8443/cb", "https://app.example:9443/cb", false);
        check("https://app.example/cb", "https://app.example:443/cb", false);
        check("https://localhost:8443/cb", "https://localhost:9443/cb", false);
        // Other hosts.
        check("https://app.example/cb", "https://app.example.evil.example/cb", false);
        check("https://app.example/cb", "https://evil.example/cb", false);
        // Garbage never matches and never panics.
        check("", "", false);
        check("https://app.example/cb", "", false);
        check("not a uri", "not a uri", false);
        check("https://app.example/cb", "https://app.example/cb\n", false);
        check("http://[", "http://[", false);
        check("http://[::1", "http://[::1]/", false);
        check("\u{0}", "https://app.example/cb", false);
        check("https://é/", "https://é/", false);
    }

    #[test]
    fn loopback_http_detection() {
        fn check(uri: &str, expected: bool) {
            assert_eq!(is_loopback_http(uri), expected, "{uri:?}");
        }
        check("http://127.0.0.1:1234/callback", true);
        check("http://localhost", true);
        check("http://[::1]/cb", true);
        check("HTTP://LOCALHOST/cb", true);
        check("https://localhost/cb", false);
        check("http://127.0.0.1.evil.example/cb", false);
        check("http://localhost@evil.example/cb", false);
        check("cursor://anysphere.cursor-mcp/oauth/callback", false);
        check("https://claude.ai/api/mcp/auth_callback", false);
        check("", false);
        check("garbage", false);
    }

    #[test]
    fn messages_name_the_part() {
        let m = E::HttpNotLoopback("app.example".into()).to_string();
        assert!(m.contains("\"app.example\"") && m.contains("loopback"), "{m}");
        assert_eq!(
            E::ForbiddenScheme("data".into()).to_string(),
            "redirect uri scheme \"data\" is not allowed"
        );
        assert!(E::TooLong.to_string().contains("2000"));
    }
}
