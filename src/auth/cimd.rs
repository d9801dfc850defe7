//! OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP 2025-11-25 authorization): fetch, validate and cache a URL `client_id`'s metadata.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use http::{HeaderMap, header};
use url::Url;

use crate::clock::UnixTime;
use crate::providers::{GetOptions, OutboundHttp, ProviderError};

/// Largest document accepted. The draft expects small documents and suggests
/// authorization servers cap them (5 KB), which also bounds what a stranger's URL can make us read.
pub const CIMD_MAX_BODY_BYTES: usize = 5 * 1024;
/// Shortest time a fetched document is cached, even with `no-cache`/`max-age=0`, so one
/// client_id cannot make us fetch on every request.
pub const CIMD_CACHE_MIN_TTL_SECS: i64 = 5 * 60;
/// Longest time a fetched document is cached, so changes by its owner are eventually seen.
pub const CIMD_CACHE_MAX_TTL_SECS: i64 = 24 * 3600;
/// Cache lifetime when the response has no usable Cache-Control.
pub const CIMD_CACHE_DEFAULT_TTL_SECS: i64 = 3600;
/// Most documents kept in memory; beyond it expired entries go first, then the soonest to expire.
pub const CIMD_CACHE_MAX_ENTRIES: usize = 256;

/// Client metadata (RFC 7591 §2 names) as published at the `client_id` URL. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ClientMetadataDocument {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// What the resolver may fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct CimdPolicy {
    /// Allow `http://` and loopback/private targets. ONLY for tests against a local test
    /// double; in production this would let any client_id make the server fetch internal URLs.
    pub allow_insecure_for_tests: bool,
}

/// Why a client_id's metadata document was refused. Every message is fit to be an OAuth
/// `error_description` (`invalid_client` / `invalid_request`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CimdError {
    #[error("client_id is not a client metadata document url: {reason}")]
    NotAUrl { reason: &'static str },
    #[error("client metadata document at {url}: {source}")]
    Fetch {
        url: String,
        #[source]
        source: ProviderError,
    },
    #[error("client metadata document at {url}: host resolves to non-public address {addr}")]
    PrivateAddress { url: String, addr: String },
    #[error("client metadata document at {url}: its client_id {found:?} does not equal the document url")]
    ClientIdMismatch { url: String, found: String },
    #[error("client metadata document at {url}: {reason}")]
    Invalid { url: String, reason: String },
}

/// Fetches and caches client metadata documents. Cheap to clone; clones share the cache.
#[derive(Debug, Clone)]
pub struct CimdResolver {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: OutboundHttp,
    policy: CimdPolicy,
    cache: Mutex<HashMap<String, Cached>>,
}

#[derive(Debug)]
struct Cached {
    doc: ClientMetadataDocument,
    expires_at: UnixTime,
}

impl CimdResolver {
    pub fn new(http: OutboundHttp, policy: CimdPolicy) -> Self {
        Self { inner: Arc::new(Inner { http, policy, cache: Mutex::new(HashMap::new()) }) }
    }

    /// Whether a client_id should be treated as a CIMD URL: https, a host, a non-root path,
    /// no fragment, no userinfo, no `.`/`..` segments, already in normalized form.
    pub fn is_cimd_client_id(client_id: &str) -> bool {
        check_client_id(client_id, false).is_ok()
    }

    /// Like [`Self::is_cimd_client_id`], but under this resolver's policy (tests may allow
    /// `http://` documents from a local test double).
    pub fn handles(&self, client_id: &str) -> bool {
        check_client_id(client_id, self.inner.policy.allow_insecure_for_tests).is_ok()
    }

    /// The host (with a non-default port) the owner sees on the consent card as the
    /// client's verified domain: whoever serves the document controls this host.
    pub fn verified_domain(client_id: &str) -> Option<String> {
        let url = check_client_id(client_id, false).ok()?;
        let host = url.host_str()?;
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    }

    /// Returns the validated document for `client_id`, from the cache while it is fresh at
    /// `now` (unix seconds from the caller's Clock), otherwise fetched again.
    pub async fn resolve(&self, client_id: &str, now: UnixTime) -> Result<ClientMetadataDocument, CimdError> {
        let insecure = self.inner.policy.allow_insecure_for_tests;
        let url = check_client_id(client_id, insecure).map_err(|reason| CimdError::NotAUrl { reason })?;
        if let Some(doc) = self.cached(client_id, now) {
            return Ok(doc);
        }

        let opts = GetOptions {
            require_json: true,
            max_body_bytes: Some(CIMD_MAX_BODY_BYTES),
            https_only: !insecure,
            public_only: !insecure,
            ..GetOptions::default()
        };
        let fetched = self.inner.http.get_with(&url, &opts).await.map_err(|source| match source {
            ProviderError::ForbiddenAddress(addr) => {
                CimdError::PrivateAddress { url: client_id.to_owned(), addr }
            }
            source => CimdError::Fetch { url: client_id.to_owned(), source },
        })?;
        let doc = parse_document(client_id, &fetched.body)?;
        let ttl = cache_ttl(&fetched.headers);
        self.store(client_id, doc.clone(), now, ttl);
        Ok(doc)
    }

    fn cached(&self, client_id: &str, now: UnixTime) -> Option<ClientMetadataDocument> {
        // A poisoned lock only means another task panicked mid-insert; the map is still usable.
        let mut cache = self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner);
        match cache.get(client_id) {
            Some(entry) if now < entry.expires_at => Some(entry.doc.clone()),
            Some(_) => {
                cache.remove(client_id);
                None
            }
            None => None,
        }
    }

    fn store(&self, client_id: &str, doc: ClientMetadataDocument, now: UnixTime, ttl: i64) {
        let expires_at = now.saturating_add(ttl);
        let mut cache = self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CIMD_CACHE_MAX_ENTRIES && !cache.contains_key(client_id) {
            cache.retain(|_, entry| entry.expires_at > now);
            while cache.len() >= CIMD_CACHE_MAX_ENTRIES {
                let soonest =
                    cache.iter().min_by_key(|(_, entry)| entry.expires_at).map(|(key, _)| key.clone());
                match soonest {
                    Some(key) => cache.remove(&key),
                    None => break,
                };
            }
        }
        cache.insert(client_id.to_owned(), Cached { doc, expires_at });
    }

    #[cfg(test)]
    fn cache_len(&self) -> usize {
        self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// Checks the draft's client identifier URL rules: https, a path component, no
/// single/double-dot path segments, no fragment, no username or password. We also require
/// the normalized form, so the URL we fetch is byte-for-byte the client_id the document
/// must repeat and the host on the consent card is the host we fetched from.
fn check_client_id(client_id: &str, allow_http: bool) -> Result<Url, &'static str> {
    let url = Url::parse(client_id).map_err(|_| "not an absolute url")?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err("scheme must be https"),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("url has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("url must not contain a username or password");
    }
    if url.fragment().is_some() {
        return Err("url must not contain a fragment");
    }
    if has_dot_segment(client_id) {
        return Err("url path must not contain . or .. segments");
    }
    if url.path().is_empty() || url.path() == "/" {
        return Err("url must have a path");
    }
    if url.as_str() != client_id {
        return Err("url is not in normalized form");
    }
    Ok(url)
}

/// Looks at the raw text, because parsing already removed dot segments; the URL parser
/// also treats `%2e` as a dot and `\` as `/`, so those count too.
fn has_dot_segment(raw: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return false;
    };
    let Some(start) = rest.find(['/', '\\', '?', '#']) else {
        return false;
    };
    let path = rest[start..].split(['?', '#']).next().unwrap_or("");
    path.split(['/', '\\']).any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    })
}

fn parse_document(client_id: &str, body: &[u8]) -> Result<ClientMetadataDocument, CimdError> {
    let invalid = |reason: String| CimdError::Invalid { url: client_id.to_owned(), reason };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("body is not valid JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(invalid("body is not a JSON object".to_owned()));
    };
    // The draft forbids shared secrets: a document is public, so a secret in it is no secret.
    for field in ["client_secret", "client_secret_expires_at"] {
        if object.contains_key(field) {
            return Err(invalid(format!("document must not contain {field}")));
        }
    }
    let doc: ClientMetadataDocument = serde_json::from_value(value)
        .map_err(|e| invalid(format!("document does not match client metadata: {e}")))?;

    // The draft requires simple string comparison here, no normalization.
    if doc.client_id != client_id {
        return Err(CimdError::ClientIdMismatch { url: client_id.to_owned(), found: doc.client_id });
    }
    if doc.redirect_uris.is_empty() {
        return Err(invalid("redirect_uris must not be empty".to_owned()));
    }
    for uri in &doc.redirect_uris {
        // RFC 6749 §3.1.2: absolute, without fragment. Matching rules are applied at /authorize.
        match Url::parse(uri) {
            Ok(parsed) if parsed.fragment().is_none() => {}
            _ => {
                return Err(invalid(format!("redirect_uri {uri:?} is not an absolute url without fragment")));
            }
        }
    }
    match doc.token_endpoint_auth_method.as_deref() {
        None | Some("none") => {}
        // Shared-secret methods are forbidden by the draft; private_key_jwt needs a jwks we do not fetch.
        Some(other) => {
            return Err(invalid(format!(
                "token_endpoint_auth_method {other:?} is not supported; use \"none\""
            )));
        }
    }
    if let Some(grants) = &doc.grant_types {
        if !grants.iter().any(|g| g == "authorization_code") {
            return Err(invalid("grant_types must include authorization_code".to_owned()));
        }
        if let Some(other) = grants.iter().find(|g| *g != "authorization_code" && *g != "refresh_token") {
            return Err(invalid(format!("grant_type {other:?} is not supported for public clients")));
        }
    }
    if let Some(types) = &doc.response_types
        && types.iter().any(|t| t != "code")
    {
        return Err(invalid("response_types may only contain \"code\"".to_owned()));
    }
    Ok(doc)
}

/// Cache lifetime from Cache-Control, clamped to the named bounds; `no-store`/`no-cache`
/// count as zero and so give the minimum.
fn cache_ttl(headers: &HeaderMap) -> i64 {
    let mut max_age = None;
    for value in headers.get_all(header::CACHE_CONTROL) {
        let Ok(text) = value.to_str() else { continue };
        for directive in text.split(',') {
            let directive = directive.trim().to_ascii_lowercase();
            if directive == "no-store" || directive == "no-cache" {
                max_age = Some(0);
            } else if let Some(seconds) = directive.strip_prefix("max-age=")
                && max_age != Some(0)
            {
                let seconds = seconds.trim_matches('"');
                if !seconds.is_empty() && seconds.bytes().all(|b| b.is_ascii_digit()) {
                    // RFC 9111 §1.2.2: a delta-seconds too large to hold means "very long".
                    max_age = Some(seconds.parse::<i64>().unwrap_or(i64::MAX));
                }
            }
        }
    }
    max_age.unwrap_or(CIMD_CACHE_DEFAULT_TTL_SECS).clamp(CIMD_CACHE_MIN_TTL_SECS, CIMD_CACHE_MAX_TTL_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::OutboundConfig;
    use axum::Router;
    use axum::extract::State;
    use axum::http::{HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    const NOW: UnixTime = 1_800_000_000;

    struct Served {
        base: String,
        hits: AtomicUsize,
    }

    fn doc_json(client_id: &str) -> serde_json::Value {
        serde_json::json!({
            "client_id": client_id,
            "client_name": "Example Assistant",
            "client_uri": "https://assistant.example",
            "redirect_uris": ["http://127.0.0.1:33418/callback", "https://assistant.example/cb"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "software_statement_unknown_field": {"ignored": true}
        })
    }

    fn json_response(value: serde_json::Value, cache_control: &str) -> Response {
        let mut response = axum::Json(value).into_response();
        if let Ok(v) = HeaderValue::from_str(cache_control) {
            response.headers_mut().insert(header::CACHE_CONTROL, v);
        }
        response
    }

    async fn client(State(s): State<Arc<Served>>) -> Response {
        s.hits.fetch_add(1, Ordering::SeqCst);
        json_response(doc_json(&format!("{}/client", s.base)), "public, max-age=600")
    }

    async fn with_doc(State(s): State<Arc<Served>>, path: &str, patch: serde_json::Value) -> Response {
        let mut doc = doc_json(&format!("{}{path}", s.base));
        if let (Some(doc), Some(patch)) = (doc.as_object_mut(), patch.as_object()) {
            for (k, v) in patch {
                doc.insert(k.clone(), v.clone());
            }
        }
        json_response(doc, "max-age=600")
    }

    async fn serve() -> (Arc<Served>, SocketAddr) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = Arc::new(Served { base: format!("http://{addr}"), hits: AtomicUsize::new(0) });
        let app = Router::new()
            .route("/client", get(client))
            .route(
                "/mismatch",
                get(|s| {
                    with_doc(s, "/mismatch", serde_json::json!({"client_id": "https://evil.example/client"}))
                }),
            )
            .route(
                "/big",
                get(|s| {
                    with_doc(s, "/big", serde_json::json!({"client_name": "x".repeat(CIMD_MAX_BODY_BYTES)}))
                }),
            )
            .route(
                "/secret",
                get(|s| with_doc(s, "/secret", serde_json::json!({"client_secret": "hunter2"}))),
            )
            .route(
                "/jwt",
                get(|s| {
                    with_doc(s, "/jwt", serde_json::json!({"token_endpoint_auth_method": "private_key_jwt"}))
                }),
            )
            .route(
                "/no-redirects",
                get(|s| with_doc(s, "/no-redirects", serde_json::json!({"redirect_uris": []}))),
            )
            .route(
                "/redirect",
                get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/client")]).into_response() }),
            )
            .route("/html", get(|| async { axum::response::Html("<html>not a document</html>") }))
            .route(
                "/slow",
                get(|| async {
                    std::future::pending::<()>().await;
                    StatusCode::OK
                }),
            )
            .with_state(served.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (served, addr)
    }

    fn resolver(insecure: bool) -> CimdResolver {
        let http = OutboundHttp::new(OutboundConfig {
            timeout: Duration::from_millis(200),
            ..OutboundConfig::default()
        })
        .unwrap();
        CimdResolver::new(http, CimdPolicy { allow_insecure_for_tests: insecure })
    }

    #[tokio::test]
    async fn valid_document_resolves_and_is_cached_until_max_age() {
        let (served, _) = serve().await;
        let resolver = resolver(true);
        let id = format!("{}/client", served.base);

        let doc = resolver.resolve(&id, NOW).await.unwrap();
        assert_eq!(doc.client_id, id);
        assert_eq!(doc.client_name.as_deref(), Some("Example Assistant"));
        assert_eq!(doc.redirect_uris.len(), 2);
        assert_eq!(served.hits.load(Ordering::SeqCst), 1);

        // Within max-age=600: served from the cache, also through a clone.
        let again = resolver.clone().resolve(&id, NOW + 599).await.unwrap();
        assert_eq!(again, doc);
        assert_eq!(served.hits.load(Ordering::SeqCst), 1);

        // At expiry: fetched again.
        resolver.resolve(&id, NOW + 600).await.unwrap();
        assert_eq!(served.hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn refused_documents() {
        let (served, _) = serve().await;
        let resolver = resolver(true);
        let at = |p: &str| format!("{}{p}", served.base);

        let err = resolver.resolve(&at("/mismatch"), NOW).await.unwrap_err();
        assert!(
            matches!(&err, CimdError::ClientIdMismatch { found, .. } if found == "https://evil.example/client"),
            "{err}"
        );
        assert!(err.to_string().starts_with(&format!("client metadata document at {}", at("/mismatch"))));

        let err = resolver.resolve(&at("/big"), NOW).await.unwrap_err();
        assert!(
            matches!(
                err,
                CimdError::Fetch { source: ProviderError::TooLarge { limit: CIMD_MAX_BODY_BYTES }, .. }
            ),
            "{err}"
        );

        let err = resolver.resolve(&at("/redirect"), NOW).await.unwrap_err();
        assert!(matches!(err, CimdError::Fetch { source: ProviderError::Redirect(302), .. }), "{err}");

        let err = resolver.resolve(&at("/html"), NOW).await.unwrap_err();
        assert!(matches!(err, CimdError::Fetch { source: ProviderError::InvalidBody(_), .. }), "{err}");

        for (path, needle) in
            [("/secret", "client_secret"), ("/jwt", "private_key_jwt"), ("/no-redirects", "redirect_uris")]
        {
            let err = resolver.resolve(&at(path), NOW).await.unwrap_err();
            assert!(matches!(err, CimdError::Invalid { .. }), "{path}: {err}");
            assert!(err.to_string().contains(needle), "{path}: {err}");
        }
        // Nothing refused was cached.
        assert_eq!(resolver.cache_len(), 0);
    }

    #[tokio::test]
    async fn slow_server_times_out() {
        let (served, _) = serve().await;
        let err = resolver(true).resolve(&format!("{}/slow", served.base), NOW).await.unwrap_err();
        assert!(matches!(err, CimdError::Fetch { source: ProviderError::Timeout, .. }), "{err}");
    }

    #[tokio::test]
    async fn default_policy_refuses_http_and_private_targets_before_connecting() {
        let (served, _) = serve().await;
        let resolver = resolver(false);

        let err = resolver.resolve(&format!("{}/client", served.base), NOW).await.unwrap_err();
        assert!(matches!(err, CimdError::NotAUrl { .. }), "{err}");

        // Port 1 has no listener, so reaching the network would give a different error.
        for id in
            ["https://localhost:1/x", "https://127.0.0.1:1/x", "https://[::1]:1/x", "https://10.0.0.1:1/x"]
        {
            let err = resolver.resolve(id, NOW).await.unwrap_err();
            assert!(matches!(err, CimdError::PrivateAddress { .. }), "{id}: {err}");
        }
        assert_eq!(served.hits.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn is_cimd_client_id_table() {
        let cases: &[(&str, bool)] = &[
            ("https://claude.ai/oauth/claude-code-client-metadata", true),
            ("https://app.example.com/client.json", true),
            ("https://app.example.com:8443/c", true),
            ("https://app.example.com/c?v=1", true),
            ("http://app.example.com/client.json", false),
            ("https://app.example.com", false),
            ("https://app.example.com/", false),
            ("https://app.example.com/c#frag", false),
            ("https://app.example.com/c#", false),
            ("https://user@app.example.com/c", false),
            ("https://user:pw@app.example.com/c", false),
            ("https://app.example.com/a/../c", false),
            ("https://app.example.com/./c", false),
            ("https://app.example.com/a/%2E%2E/c", false),
            ("https://app.example.com/a\\..\\c", false),
            ("https://APP.example.com/c", false),
            ("https://app.example.com:443/c", false),
            ("my-client-id", false),
            ("trekcs_abc", false),
            ("", false),
            ("urn:ietf:client", false),
        ];
        for (id, expected) in cases {
            assert_eq!(CimdResolver::is_cimd_client_id(id), *expected, "{id}");
        }
    }

    #[test]
    fn verified_domain_is_the_host() {
        assert_eq!(
            CimdResolver::verified_domain("https://claude.ai/oauth/meta").as_deref(),
            Some("claude.ai")
        );
        assert_eq!(
            CimdResolver::verified_domain("https://app.example.com:8443/c").as_deref(),
            Some("app.example.com:8443")
        );
        assert_eq!(CimdResolver::verified_domain("my-client"), None);
        assert_eq!(CimdResolver::verified_domain("http://app.example.com/c"), None);
    }

    #[test]
    fn cache_ttl_is_bounded() {
        let ttl = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(v) = value {
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_str(v).unwrap());
            }
            cache_ttl(&headers)
        };
        assert_eq!(ttl(None), CIMD_CACHE_DEFAULT_TTL_SECS);
        assert_eq!(ttl(Some("public, max-age=600")), 600);
        assert_eq!(ttl(Some("max-age=5")), CIMD_CACHE_MIN_TTL_SECS);
        assert_eq!(ttl(Some("max-age=99999999999999999999")), CIMD_CACHE_MAX_TTL_SECS);
        assert_eq!(ttl(Some("max-age=31536000")), CIMD_CACHE_MAX_TTL_SECS);
        assert_eq!(ttl(Some("no-store")), CIMD_CACHE_MIN_TTL_SECS);
        assert_eq!(ttl(Some("max-age=600, no-cache")), CIMD_CACHE_MIN_TTL_SECS);
        assert_eq!(ttl(Some("max-age=bogus")), CIMD_CACHE_DEFAULT_TTL_SECS);
    }

    #[test]
    fn cache_size_is_bounded() {
        let resolver = resolver(true);
        let doc = |i: usize| ClientMetadataDocument {
            client_id: format!("https://c{i}.example/m"),
            client_name: None,
            client_uri: None,
            logo_uri: None,
            redirect_uris: vec!["https://c.example/cb".to_owned()],
            grant_types: None,
            response_types: None,
            token_endpoint_auth_method: None,
            scope: None,
        };
        for i in 0..CIMD_CACHE_MAX_ENTRIES + 10 {
            let d = doc(i);
            resolver.store(&d.client_id.clone(), d, NOW, 600 + i as i64);
        }
        assert_eq!(resolver.cache_len(), CIMD_CACHE_MAX_ENTRIES);
        // The soonest-expiring entries were evicted, the newest kept.
        assert!(resolver.cached("https://c0.example/m", NOW).is_none());
        let last = format!("https://c{}.example/m", CIMD_CACHE_MAX_ENTRIES + 9);
        assert!(resolver.cached(&last, NOW).is_some());
    }
}
