//! The outbound HTTP client: capped, redirect-free GETs and the public-address guard against SSRF.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use http::{HeaderMap, StatusCode, header};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::{OutboundConfig, ProviderError};

/// A cloneable handle on the shared outbound clients. Build it once at startup and pass
/// clones to every provider, so timeouts, caps and the redirect policy are set in one place.
#[derive(Debug, Clone)]
pub struct OutboundHttp {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// For configured provider base URLs (which may legitimately be a local service).
    open: reqwest::Client,
    /// For URLs chosen by someone else (client metadata documents): connects only to
    /// addresses that [`PublicOnlyResolver`] checked.
    public_only: reqwest::Client,
    cfg: OutboundConfig,
}

/// Per-request choices for [`OutboundHttp::get_with`].
#[derive(Debug, Clone, Default)]
pub struct GetOptions {
    /// Refuse a response whose Content-Type is not `application/json` or `*/*+json`.
    pub require_json: bool,
    /// A body cap below the client's `max_body_bytes` (the smaller of the two applies).
    pub max_body_bytes: Option<usize>,
    /// Refuse `http://` URLs.
    pub https_only: bool,
    /// Resolve the host first and refuse loopback, private and other non-public addresses;
    /// the connection then goes only to the addresses that were checked.
    pub public_only: bool,
    /// Extra request headers (API keys sent as headers, field masks).
    pub headers: Vec<(header::HeaderName, header::HeaderValue)>,
    /// Hand a 3xx response back (with its `Location`, without its body) instead of failing, for
    /// callers that follow redirects themselves after checking each target.
    pub return_redirects: bool,
}

/// A successful (2xx) response with its whole body, or a 3xx one without body when
/// [`GetOptions::return_redirects`] asked for it.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl OutboundHttp {
    /// Builds the clients. Redirects are never followed: a redirect could lead a fetch of a
    /// public URL to an internal one (SSRF), which the `oauth2` crate's docs also warn about.
    pub fn new(cfg: OutboundConfig) -> Result<Self, ProviderError> {
        let open = build_client(&cfg, false)?;
        let public_only = build_client(&cfg, true)?;
        Ok(Self { inner: Arc::new(Inner { open, public_only, cfg }) })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &OutboundConfig {
        &self.inner.cfg
    }

    /// GET a URL with the default options and return the 2xx response with its body.
    pub async fn get_bytes(&self, url: &Url) -> Result<Fetched, ProviderError> {
        self.get_with(url, &GetOptions::default()).await
    }

    /// GET a URL and return the body, refusing bodies over the cap while streaming (a
    /// Content-Length can lie or be absent), redirects, non-2xx statuses and, if asked,
    /// non-JSON content types and non-public addresses.
    pub async fn get_with(&self, url: &Url, opts: &GetOptions) -> Result<Fetched, ProviderError> {
        self.send(url, None, opts).await
    }

    /// POST a JSON body (APIs whose searches are POSTs) with the same checks as [`Self::get_with`].
    pub async fn post_json(
        &self,
        url: &Url,
        body: &serde_json::Value,
        opts: &GetOptions,
    ) -> Result<Fetched, ProviderError> {
        self.send(url, Some(body), opts).await
    }

    async fn send(
        &self,
        url: &Url,
        json_body: Option<&serde_json::Value>,
        opts: &GetOptions,
    ) -> Result<Fetched, ProviderError> {
        match url.scheme() {
            "https" => {}
            "http" if !opts.https_only => {}
            other => {
                return Err(ProviderError::UnsupportedUrl(format!("scheme {other:?} is not allowed")));
            }
        }
        let host = url.host().ok_or_else(|| ProviderError::UnsupportedUrl("url has no host".to_owned()))?;
        let client = if opts.public_only {
            // An IP literal never reaches the resolver, so check it here.
            let literal = match host {
                Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
                Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
                Host::Domain(_) => None,
            };
            if let Some(ip) = literal.filter(|ip| !is_public_ip(*ip)) {
                return Err(ProviderError::ForbiddenAddress(ip.to_string()));
            }
            &self.inner.public_only
        } else {
            &self.inner.open
        };

        let limit = opts
            .max_body_bytes
            .map_or(self.inner.cfg.max_body_bytes, |m| m.min(self.inner.cfg.max_body_bytes));
        let mut request = match json_body {
            Some(body) => client.post(url.clone()).json(body),
            None => client.get(url.clone()),
        };
        if opts.require_json {
            request = request.header(header::ACCEPT, "application/json");
        }
        for (name, value) in &opts.headers {
            request = request.header(name, value);
        }
        let mut response = request.send().await.map_err(map_reqwest_error)?;

        let status = response.status();
        if status.is_redirection() && opts.return_redirects {
            return Ok(Fetched { status, headers: response.headers().clone(), body: Vec::new() });
        }
        if status.is_redirection() {
            return Err(ProviderError::Redirect(status.as_u16()));
        }
        if !status.is_success() {
            return Err(ProviderError::Status(status.as_u16()));
        }
        if opts.require_json {
            let content_type =
                response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !is_json_content_type(content_type) {
                return Err(ProviderError::InvalidBody(format!(
                    "expected a JSON content type, got {content_type:?}"
                )));
            }
        }
        if response.content_length().is_some_and(|len| len > limit as u64) {
            return Err(ProviderError::TooLarge { limit });
        }

        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_reqwest_error)? {
            if body.len() + chunk.len() > limit {
                return Err(ProviderError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, headers: response.headers().clone(), body })
    }
}

fn build_client(cfg: &OutboundConfig, public_only: bool) -> Result<reqwest::Client, ProviderError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(cfg.connect_timeout)
        .timeout(cfg.timeout)
        .user_agent(cfg.user_agent.as_str());
    if public_only {
        // A proxy would resolve the name itself and bypass the address check.
        builder = builder.dns_resolver(Arc::new(PublicOnlyResolver)).no_proxy();
    }
    builder.build().map_err(|e| ProviderError::Build(error_chain(&e)))
}

/// `application/json`, or a structured `+json` type, ignoring parameters such as charset.
fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn map_reqwest_error(e: reqwest::Error) -> ProviderError {
    if let Some(forbidden) = find_source::<ForbiddenAddressError>(&e) {
        return ProviderError::ForbiddenAddress(forbidden.0.to_string());
    }
    if e.is_timeout() {
        return ProviderError::Timeout;
    }
    ProviderError::Network(error_chain(&e))
}

fn find_source<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// reqwest's top-level message hides the cause ("error sending request"); join the chain.
fn error_chain(e: &(dyn StdError + 'static)) -> String {
    let mut text = e.to_string();
    let mut current = e.source();
    while let Some(err) = current {
        text.push_str(": ");
        text.push_str(&err.to_string());
        current = err.source();
    }
    text
}

/// The resolver's refusal, carried through reqwest's error chain to [`map_reqwest_error`].
#[derive(Debug, thiserror::Error)]
#[error("refusing to connect to non-public address {0}")]
struct ForbiddenAddressError(IpAddr);

/// Resolves a name and refuses it if ANY of its addresses is non-public. reqwest connects
/// only to the addresses a resolver returns, so the address that was checked is the one
/// that is connected to: there is no second lookup a DNS-rebinding attacker could answer
/// differently. This is the "pin the checked address" step, done for every connection.
#[derive(Debug)]
struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // The port is replaced by the URL's port after resolution.
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public_ip(a.ip())) {
                return Err(Box::new(ForbiddenAddressError(bad.ip())) as Box<_>);
            }
            if addrs.is_empty() {
                return Err(format!("{host} resolved to no addresses").into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Non-public IPv4 ranges (RFC 6890 special-purpose registry, plus multicast and
/// reserved). Hand-written because `Ipv4Addr::is_global` is still unstable.
const BLOCKED_V4: &[(u32, u32)] = &[
    (0x0000_0000, 8),  // 0.0.0.0/8 "this network", includes unspecified
    (0x0A00_0000, 8),  // 10.0.0.0/8 private (RFC 1918)
    (0x6440_0000, 10), // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
    (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
    (0xA9FE_0000, 16), // 169.254.0.0/16 link-local, includes cloud metadata endpoints
    (0xAC10_0000, 12), // 172.16.0.0/12 private (RFC 1918)
    (0xC000_0000, 24), // 192.0.0.0/24 IETF protocol assignments
    (0xC000_0200, 24), // 192.0.2.0/24 documentation (TEST-NET-1)
    (0xC058_6300, 24), // 192.88.99.0/24 deprecated 6to4 relay anycast
    (0xC0A8_0000, 16), // 192.168.0.0/16 private (RFC 1918)
    (0xC612_0000, 15), // 198.18.0.0/15 benchmarking
    (0xC633_6400, 24), // 198.51.100.0/24 documentation (TEST-NET-2)
    (0xCB00_7100, 24), // 203.0.113.0/24 documentation (TEST-NET-3)
    (0xE000_0000, 4),  // 224.0.0.0/4 multicast
    (0xF000_0000, 4),  // 240.0.0.0/4 reserved, includes broadcast 255.255.255.255
];

/// Non-public IPv6 ranges; prefixes that embed an IPv4 address are handled separately.
const BLOCKED_V6: &[(u128, u32)] = &[
    (0, 128),                                        // :: unspecified
    (1, 128),                                        // ::1 loopback
    (0x0100_0000_0000_0000_0000_0000_0000_0000, 64), // 100::/64 discard-only
    (0x2001_0000_0000_0000_0000_0000_0000_0000, 23), // 2001::/23 IETF protocol assignments (Teredo, ORCHID, ...)
    (0x2001_0db8_0000_0000_0000_0000_0000_0000, 32), // 2001:db8::/32 documentation
    (0x3fff_0000_0000_0000_0000_0000_0000_0000, 20), // 3fff::/20 documentation (RFC 9637)
    (0xfc00_0000_0000_0000_0000_0000_0000_0000, 7),  // fc00::/7 unique local
    (0xfe80_0000_0000_0000_0000_0000_0000_0000, 10), // fe80::/10 link-local
    (0xfec0_0000_0000_0000_0000_0000_0000_0000, 10), // fec0::/10 deprecated site-local
    (0xff00_0000_0000_0000_0000_0000_0000_0000, 8),  // ff00::/8 multicast
];

/// Whether an address is on the public internet, i.e. safe to fetch a URL chosen by a
/// stranger from. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
/// are judged by the IPv4 address inside.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    !BLOCKED_V4.iter().any(|&(net, len)| bits & mask_v4(len) == net)
}

fn mask_v4(len: u32) -> u32 {
    u32::MAX.checked_shl(32 - len).unwrap_or(0)
}

fn mask_v6(len: u32) -> u128 {
    u128::MAX.checked_shl(128 - len).unwrap_or(0)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    if BLOCKED_V6.iter().any(|&(net, len)| bits & mask_v6(len) == net) {
        return false;
    }
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    // ::ffff:a.b.c.d mapped, ::a.b.c.d compatible (deprecated), 64:ff9b::/96 NAT64.
    let embeds_low32 = [
        (0x0000_0000_0000_0000_0000_ffff_0000_0000_u128, 96),
        (0, 96),
        (0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96),
    ];
    if embeds_low32.iter().any(|&(net, len)| bits & mask_v6(len) == net) {
        return is_public_v4(low32);
    }
    // 2002:a.b.c.d::/48 6to4.
    if bits & mask_v6(16) == 0x2002_u128 << 112 {
        return is_public_v4(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::OUTBOUND_MAX_BODY_BYTES;
    use axum::Router;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use std::time::Duration;

    #[test]
    fn ip_classifier_table() {
        let cases: &[(&str, bool)] = &[
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("93.184.216.34", true),
            ("0.0.0.0", false),
            ("127.0.0.1", false),
            ("127.255.255.254", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("172.32.0.1", true),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("100.128.0.1", true),
            ("192.0.2.5", false),
            ("198.51.100.5", false),
            ("203.0.113.5", false),
            ("198.18.0.1", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("255.255.255.255", false),
            ("240.0.0.1", false),
            ("::", false),
            ("::1", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("::ffff:8.8.8.8", true),
            ("::127.0.0.1", false),
            ("64:ff9b::a00:1", false),
            ("64:ff9b::808:808", true),
            ("2002:7f00:1::", false),
            ("2002:808:808::", true),
            ("2606:4700:4700::1111", true),
            ("2a00:1450:4001::200e", true),
        ];
        for (text, public) in cases {
            let ip: IpAddr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(is_public_ip(ip), *public, "{text}");
        }
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(is_json_content_type("application/problem+json"));
        assert!(!is_json_content_type("text/html"));
        assert!(!is_json_content_type("text/json+html"));
        assert!(!is_json_content_type(""));
    }

    async fn serve(app: Router) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }

    fn http() -> OutboundHttp {
        OutboundHttp::new(OutboundConfig {
            timeout: Duration::from_millis(500),
            max_body_bytes: 1024,
            ..OutboundConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn defaults_use_named_limits() {
        let cfg = OutboundConfig::default();
        assert_eq!(cfg.max_body_bytes, OUTBOUND_MAX_BODY_BYTES);
        assert!(cfg.user_agent.starts_with("Trek/"));
    }

    #[tokio::test]
    async fn get_bytes_returns_body_and_sends_user_agent() {
        let app = Router::new().route(
            "/ua",
            get(|headers: HeaderMap| async move {
                headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
            }),
        );
        let addr = serve(app).await;
        let url = Url::parse(&format!("http://{addr}/ua")).unwrap();
        let fetched = http().get_bytes(&url).await.unwrap();
        assert_eq!(fetched.status, StatusCode::OK);
        assert_eq!(String::from_utf8(fetched.body).unwrap(), format!("Trek/{}", env!("CARGO_PKG_VERSION")));
    }

    #[tokio::test]
    async fn body_without_length_over_the_cap_is_refused_while_streaming() {
        // A raw server that sends no Content-Length and closes after the body, so only
        // counting the streamed bytes can catch the excess.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0_u8; 1024];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").await;
            for _ in 0..8 {
                let _ = socket.write_all(&[b'x'; 512]).await;
            }
        });
        let url = Url::parse(&format!("http://{addr}/big")).unwrap();
        let err = http().get_bytes(&url).await.unwrap_err();
        assert!(matches!(err, ProviderError::TooLarge { limit: 1024 }), "{err}");
    }

    #[tokio::test]
    async fn statuses_and_content_type_are_checked() {
        let app = Router::new()
            .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
            .route(
                "/moved",
                get(|| async {
                    axum::response::Redirect::temporary("http://169.254.169.254/").into_response()
                }),
            )
            .route("/html", get(|| async { axum::response::Html("<p>hi</p>") }));
        let addr = serve(app).await;
        let http = http();
        let at = |p: &str| Url::parse(&format!("http://{addr}{p}")).unwrap();

        let err = http.get_bytes(&at("/missing")).await.unwrap_err();
        assert!(matches!(err, ProviderError::Status(404)), "{err}");
        let err = http.get_bytes(&at("/moved")).await.unwrap_err();
        assert!(matches!(err, ProviderError::Redirect(307)), "{err}");
        let json = GetOptions { require_json: true, ..GetOptions::default() };
        let err = http.get_with(&at("/html"), &json).await.unwrap_err();
        assert!(matches!(err, ProviderError::InvalidBody(_)), "{err}");
        // Without the JSON requirement the same page is fine.
        assert_eq!(http.get_bytes(&at("/html")).await.unwrap().body, b"<p>hi</p>");
    }

    #[tokio::test]
    async fn redirects_can_be_handed_back_and_posts_carry_headers_and_json() {
        let app = Router::new()
            .route(
                "/moved",
                get(|| async { axum::response::Redirect::to("https://www.google.com/maps").into_response() }),
            )
            .route(
                "/echo",
                axum::routing::post(|headers: HeaderMap, body: String| async move {
                    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        format!("{{\"key\":\"{key}\",\"body\":{body}}}"),
                    )
                }),
            );
        let addr = serve(app).await;
        let at = |p: &str| Url::parse(&format!("http://{addr}{p}")).unwrap();
        let opts = GetOptions { return_redirects: true, ..GetOptions::default() };
        let fetched = http().get_with(&at("/moved"), &opts).await.unwrap();
        assert_eq!(fetched.status, StatusCode::SEE_OTHER);
        assert_eq!(fetched.headers[header::LOCATION], "https://www.google.com/maps");
        assert!(fetched.body.is_empty());

        let opts = GetOptions {
            require_json: true,
            headers: vec![(
                header::HeaderName::from_static("x-api-key"),
                header::HeaderValue::from_static("k1"),
            )],
            ..GetOptions::default()
        };
        let fetched = http().post_json(&at("/echo"), &serde_json::json!({"q": 1}), &opts).await.unwrap();
        let echoed: serde_json::Value = serde_json::from_slice(&fetched.body).unwrap();
        assert_eq!(echoed, serde_json::json!({"key": "k1", "body": {"q": 1}}));
    }

    #[tokio::test]
    async fn public_only_refuses_loopback_names_and_literals_before_connecting() {
        let http = http();
        let opts = GetOptions { public_only: true, ..GetOptions::default() };
        // Port 1 has no listener: a connection attempt would give a network error instead.
        for url in [
            "http://localhost:1/x",
            "http://127.0.0.1:1/x",
            "http://[::1]:1/x",
            "http://[::ffff:127.0.0.1]:1/x",
            "http://169.254.169.254/latest/meta-data",
        ] {
            let err = http.get_with(&Url::parse(url).unwrap(), &opts).await.unwrap_err();
            assert!(matches!(err, ProviderError::ForbiddenAddress(_)), "{url}: {err}");
        }
    }

    #[tokio::test]
    async fn non_http_schemes_and_plain_http_when_https_only_are_refused() {
        let http = http();
        let err = http.get_bytes(&Url::parse("file:///etc/passwd").unwrap()).await.unwrap_err();
        assert!(matches!(err, ProviderError::UnsupportedUrl(_)), "{err}");
        let opts = GetOptions { https_only: true, ..GetOptions::default() };
        let err = http.get_with(&Url::parse("http://example.com/x").unwrap(), &opts).await.unwrap_err();
        assert!(matches!(err, ProviderError::UnsupportedUrl(_)), "{err}");
    }
}
