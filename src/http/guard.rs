//! Host/Origin guard (DNS-rebinding and cross-site protection), applied before routing.
//!
//! A request must name one of our origins in `Host` — the loopback names on our port, or the
//! configured/tunnel public host — and, when it carries `Origin`, that too must be ours.
//! Requests through the public host may reach only the protocol endpoints (`paths::PUBLIC_PREFIXES`),
//! because the tunnel process also connects from loopback and proves nothing.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

use super::error::ApiError;
use super::paths;

/// Which of our origins a request came through; handlers use it to bind tokens to an audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// 127.0.0.1, localhost or [::1] on our port.
    Loopback { origin: String },
    /// The public (tunnel) origin.
    Public { origin: String },
}

impl Via {
    /// The origin (`scheme://host[:port]`) the client used to reach us.
    pub fn origin(&self) -> &str {
        match self {
            Self::Loopback { origin } | Self::Public { origin } => origin,
        }
    }
}

/// The set of origins we answer to. The public origin can change at run time (quick tunnels).
#[derive(Debug)]
pub struct AllowedOrigins {
    port: u16,
    public: RwLock<Option<PublicOrigin>>,
    /// Bumped on every change of the public origin, so copies of `hosts()` (rmcp's) can tell
    /// they are stale without comparing lists.
    generation: AtomicU64,
    /// The owner's switch: share links (`paths::is_public_share_path`) work on the public host.
    public_shares: AtomicBool,
}

#[derive(Debug, Clone)]
struct PublicOrigin {
    /// `host[:port]` as it appears in a `Host` header, lowercase.
    authority: String,
    /// `scheme://authority`.
    origin: String,
}

impl AllowedOrigins {
    pub fn new(port: u16, public: Option<&Url>) -> Arc<Self> {
        let this = Self {
            port,
            public: RwLock::new(None),
            generation: AtomicU64::new(0),
            public_shares: AtomicBool::new(false),
        };
        this.set_public(public);
        Arc::new(this)
    }

    /// Replaces the public origin (tunnel up, down or moved).
    pub fn set_public(&self, public: Option<&Url>) {
        let value = public.and_then(|url| {
            let host = url.host_str()?.to_ascii_lowercase();
            let authority = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            };
            Some(PublicOrigin { origin: format!("{}://{authority}", url.scheme()), authority })
        });
        if let Ok(mut slot) = self.public.write() {
            *slot = value;
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Lets share links through the public host, or not (off by default).
    pub fn set_public_shares(&self, allowed: bool) {
        self.public_shares.store(allowed, Ordering::SeqCst);
    }

    pub fn public_shares(&self) -> bool {
        self.public_shares.load(Ordering::SeqCst)
    }

    /// Changes whenever the public origin changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The `Host` header values the server answers to (fed to rmcp's own allow-list too).
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts = self.loopback_authorities();
        if let Some(public) = self.public() {
            hosts.push(public.authority);
        }
        hosts
    }

    fn loopback_authorities(&self) -> Vec<String> {
        let port = self.port;
        vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]
    }

    /// The public origin (`https://host`), when one is configured.
    pub fn public_origin(&self) -> Option<String> {
        self.public().map(|p| p.origin)
    }

    fn public(&self) -> Option<PublicOrigin> {
        self.public.read().ok().and_then(|p| p.clone())
    }

    /// Decides whether a request with these headers may reach `path`.
    pub fn check(&self, headers: &HeaderMap, path: &str) -> Result<Via, GuardError> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .ok_or(GuardError::MissingHost)?
            .to_ascii_lowercase();
        let via = if self.loopback_authorities().contains(&host) {
            Via::Loopback { origin: format!("http://{host}") }
        } else if let Some(public) = self.public().filter(|p| p.authority == host) {
            let share = self.public_shares() && paths::is_public_share_path(path);
            if !paths::is_public_path(path) && !share {
                return Err(GuardError::NotPublic);
            }
            Via::Public { origin: public.origin }
        } else {
            return Err(GuardError::ForeignHost);
        };
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().map_err(|_| GuardError::ForeignOrigin)?.to_ascii_lowercase();
            let cross_origin_ok = paths::CROSS_ORIGIN_PATHS.contains(&path) && is_loopback_origin(&origin);
            if !self.is_our_origin(&origin) && !cross_origin_ok {
                return Err(GuardError::ForeignOrigin);
            }
        }
        Ok(via)
    }

    fn is_our_origin(&self, origin: &str) -> bool {
        self.loopback_authorities().iter().any(|a| origin == format!("http://{a}"))
            || self.public().is_some_and(|p| p.origin == origin)
    }
}

/// Whether `origin` is `http://` on a loopback name with any port (a local tool's page).
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else { return false };
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => rest,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Why the guard refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("missing Host header")]
    MissingHost,
    #[error("unknown Host; this server answers only on its own addresses")]
    ForeignHost,
    #[error("cross-origin requests are not allowed")]
    ForeignOrigin,
    #[error("not available through the public URL")]
    NotPublic,
}

impl IntoResponse for GuardError {
    fn into_response(self) -> Response {
        let status = match self {
            Self::MissingHost | Self::ForeignHost => StatusCode::MISDIRECTED_REQUEST,
            Self::ForeignOrigin => StatusCode::FORBIDDEN,
            // Through the public host the owner's side does not exist: the same 404 as an
            // unknown path, so nothing tells a visitor it is there.
            Self::NotPublic => {
                return ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response();
            }
        };
        let code = match self {
            Self::MissingHost | Self::ForeignHost => "invalid_host",
            Self::ForeignOrigin | Self::NotPublic => "invalid_origin",
        };
        ApiError::new(status, code, self.to_string()).into_response()
    }
}

/// Middleware: refuse before routing, or record `Via` in the request's extensions.
pub async fn guard(State(allowed): State<Arc<AllowedOrigins>>, mut request: Request, next: Next) -> Response {
    match allowed.check(request.headers(), request.uri().path()) {
        Ok(via) => {
            request.extensions_mut().insert(via);
            next.run(request).await
        }
        Err(refusal) => {
            tracing::warn!(
                host = ?request.headers().get(header::HOST),
                origin = ?request.headers().get(header::ORIGIN),
                path = request.uri().path(),
                %refusal,
                "request refused by host/origin guard"
            );
            refusal.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        public: Option<&str>,
        host: Option<&str>,
        origin: Option<&str>,
        path: &str,
    ) -> Result<Via, GuardError> {
        let url = public.map(|p| Url::parse(p).unwrap());
        let allowed = AllowedOrigins::new(7823, url.as_ref());
        let mut headers = HeaderMap::new();
        if let Some(h) = host {
            headers.insert(header::HOST, h.parse().unwrap());
        }
        if let Some(o) = origin {
            headers.insert(header::ORIGIN, o.parse().unwrap());
        }
        allowed.check(&headers, path)
    }

    #[test]
    fn loopback_names_on_our_port_pass() {
        for host in ["127.0.0.1:7823", "localhost:7823", "[::1]:7823", "LOCALHOST:7823"] {
            assert!(matches!(check(None, Some(host), None, "/"), Ok(Via::Loopback { .. })), "{host}");
        }
    }

    #[test]
    fn rebinding_and_foreign_hosts_are_refused() {
        use GuardError::*;
        for (host, expected) in [
            (None, MissingHost),
            (Some("evil.example"), ForeignHost),
            (Some("evil.example:7823"), ForeignHost),
            (Some("127.0.0.1"), ForeignHost),
            (Some("127.0.0.1:80"), ForeignHost),
            (Some("localhost:78231"), ForeignHost),
            (Some("127.0.0.1.evil.example:7823"), ForeignHost),
            (Some("0.0.0.0:7823"), ForeignHost),
        ] {
            assert_eq!(check(None, host, None, "/"), Err(expected), "{host:?}");
        }
    }

    #[test]
    fn foreign_origins_are_refused() {
        for origin in [
            "http://evil.example",
            "null",
            "http://localhost:3000",
            "https://127.0.0.1:7823",
            "http://127.0.0.1:7823.evil.example",
        ] {
            assert_eq!(
                check(None, Some("127.0.0.1:7823"), Some(origin), "/api/status"),
                Err(GuardError::ForeignOrigin),
                "{origin}"
            );
        }
        assert!(check(None, Some("localhost:7823"), Some("http://localhost:7823"), "/").is_ok());
    }

    #[test]
    fn loopback_tools_may_call_discovery_and_token_cross_origin_only() {
        let host = Some("127.0.0.1:7823");
        let inspector = Some("http://localhost:6274");
        assert!(check(None, host, inspector, "/.well-known/oauth-authorization-server").is_ok());
        assert!(check(None, host, inspector, "/oauth/token").is_ok());
        for path in ["/api/status", "/oauth/authorize", "/auth/logout", "/"] {
            assert_eq!(check(None, host, inspector, path), Err(GuardError::ForeignOrigin), "{path}");
        }
        for foreign in [
            "http://evil.example",
            "http://localhost.evil.example:1",
            "https://localhost:6274",
            "http://127.0.0.1:1@evil.example",
        ] {
            assert_eq!(
                check(None, host, Some(foreign), "/oauth/token"),
                Err(GuardError::ForeignOrigin),
                "{foreign}"
            );
        }
    }

    #[test]
    fn public_host_reaches_only_protocol_endpoints() {
        let public = Some("https://trip.example.com");
        let host = Some("trip.example.com");
        assert_eq!(
            check(public, host, None, "/mcp"),
            Ok(Via::Public { origin: "https://trip.example.com".into() })
        );
        assert!(check(public, host, Some("https://trip.example.com"), "/oauth/token").is_ok());
        for path in ["/", "/api/status", "/login", "/auth/launch", "/healthz"] {
            assert_eq!(check(public, host, None, path), Err(GuardError::NotPublic), "{path}");
        }
        // Without a configured public URL the same host is simply foreign.
        assert_eq!(check(None, host, None, "/mcp"), Err(GuardError::ForeignHost));
    }

    #[test]
    fn share_links_reach_the_public_host_only_when_the_owner_allows_it() {
        let url = Url::parse("https://trip.example.com").unwrap();
        let allowed = AllowedOrigins::new(7823, Some(&url));
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "trip.example.com".parse().unwrap());
        let shares = ["/share/abc", "/share/journey/abc", "/api/share/abc", "/ui/share.js", "/ui/dom.js"];
        for path in shares {
            assert_eq!(allowed.check(&headers, path), Err(GuardError::NotPublic), "{path}");
        }
        allowed.set_public_shares(true);
        for path in shares {
            assert!(allowed.check(&headers, path).is_ok(), "{path}");
        }
        for path in ["/", "/api/trips", "/api/status", "/ui/app.js", "/share/../api/trips", "/login"] {
            assert_eq!(allowed.check(&headers, path), Err(GuardError::NotPublic), "{path}");
        }
    }

    #[test]
    fn public_origin_can_change_at_run_time() {
        let allowed = AllowedOrigins::new(1, None);
        let url = Url::parse("https://a-b-c.trycloudflare.com").unwrap();
        allowed.set_public(Some(&url));
        assert!(allowed.hosts().contains(&"a-b-c.trycloudflare.com".to_string()));
        allowed.set_public(None);
        assert_eq!(allowed.hosts().len(), 3);
    }
}
