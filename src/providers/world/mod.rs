//! World data from outside services — OpenStreetMap Nominatim (geocoding), Open-Meteo
//! (forecasts), Nager.Date (public holidays), Google Places (optional) and Google Maps links —
//! behind one [`World`] handle: configurable base URLs, timeouts, body caps, a SQLite cache with
//! expiry, and errors that tell the assistant what happened.
//!
//! Outbound calls never hold a SQLite connection: a cache lookup is one read, the request runs
//! on the async runtime, and the answer is stored in one short write transaction.

pub mod google;
pub mod maps_url;
pub mod nager;
pub mod nominatim;
pub mod open_meteo;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::{GetOptions, OutboundConfig, OutboundHttp, ProviderError, default_user_agent};
use crate::clock::UnixTime;
use crate::store::{Store, StoreError, world_cache};

/// Environment variable: base URL of the Nominatim service.
pub const ENV_NOMINATIM_URL: &str = "TREK_NOMINATIM_URL";
/// OpenStreetMap's public Nominatim instance.
pub const DEFAULT_NOMINATIM_URL: &str = "https://nominatim.openstreetmap.org/";
/// Environment variable: base URL of the Open-Meteo forecast API.
pub const ENV_OPEN_METEO_URL: &str = "TREK_OPEN_METEO_URL";
pub const DEFAULT_OPEN_METEO_URL: &str = "https://api.open-meteo.com/";
/// Environment variable: base URL of the Nager.Date public holiday API.
pub const ENV_NAGER_DATE_URL: &str = "TREK_NAGER_DATE_URL";
pub const DEFAULT_NAGER_DATE_URL: &str = "https://date.nager.at/";
/// Environment variable: base URL of the Google Places API (New).
pub const ENV_GOOGLE_PLACES_URL: &str = "TREK_GOOGLE_PLACES_URL";
pub const DEFAULT_GOOGLE_PLACES_URL: &str = "https://places.googleapis.com/";
/// Environment variable: a Google Maps Platform API key with the Places API (New) enabled.
/// Without it, Google Places is off and search_place uses OpenStreetMap.
pub const ENV_GOOGLE_MAPS_API_KEY: &str = "TREK_GOOGLE_MAPS_API_KEY";

/// Time allowed for one request to a world-data provider, body included.
pub const WORLD_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed to connect to a world-data provider.
pub const WORLD_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest answer read from any world-data provider; each provider has a smaller cap of its own.
pub const WORLD_MAX_BODY_BYTES: usize = 1024 * 1024;

/// A Google API key; `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// Where the providers are and how long to wait for them.
#[derive(Debug, Clone)]
pub struct WorldConfig {
    pub nominatim_url: Url,
    pub open_meteo_url: Url,
    pub nager_date_url: Url,
    pub google_places_url: Url,
    pub google_api_key: Option<ApiKey>,
    /// Time allowed for one request (tests shorten it).
    pub timeout: Duration,
    /// Shortest spacing between two Nominatim requests, process-wide (its usage policy: at most
    /// one per second).
    pub nominatim_interval: Duration,
    /// Send requests for Google short-link hosts (maps.app.goo.gl, …) to this origin over plain
    /// http instead. ONLY tests set it (a local server playing Google); no variable does. The
    /// host check of every redirect target is unaffected.
    pub maps_link_origin_for_tests: Option<Url>,
}

/// A base URL from the environment that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name} must be an http(s) URL, got {value:?}")]
pub struct BadProviderUrl {
    pub name: &'static str,
    pub value: String,
}

impl Default for WorldConfig {
    fn default() -> Self {
        let url = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("default provider urls parse"));
        Self {
            nominatim_url: url(DEFAULT_NOMINATIM_URL),
            open_meteo_url: url(DEFAULT_OPEN_METEO_URL),
            nager_date_url: url(DEFAULT_NAGER_DATE_URL),
            google_places_url: url(DEFAULT_GOOGLE_PLACES_URL),
            google_api_key: None,
            timeout: WORLD_REQUEST_TIMEOUT,
            nominatim_interval: nominatim::NOMINATIM_MIN_INTERVAL,
            maps_link_origin_for_tests: None,
        }
    }
}

impl WorldConfig {
    /// The defaults, with base URLs and the Google key taken from the environment when set.
    pub fn from_env() -> Result<Self, BadProviderUrl> {
        let mut cfg = Self::default();
        for (name, slot) in [
            (ENV_NOMINATIM_URL, &mut cfg.nominatim_url),
            (ENV_OPEN_METEO_URL, &mut cfg.open_meteo_url),
            (ENV_NAGER_DATE_URL, &mut cfg.nager_date_url),
            (ENV_GOOGLE_PLACES_URL, &mut cfg.google_places_url),
        ] {
            if let Some(raw) = std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
                *slot = parse_base_url(name, &raw)?;
            }
        }
        cfg.google_api_key = std::env::var(ENV_GOOGLE_MAPS_API_KEY)
            .ok()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .map(ApiKey);
        Ok(cfg)
    }
}

/// An http(s) base URL, with a trailing slash so relative API paths join below it.
pub fn parse_base_url(name: &'static str, raw: &str) -> Result<Url, BadProviderUrl> {
    let bad = || BadProviderUrl { name, value: raw.to_owned() };
    let mut url = Url::parse(raw.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || url.query().is_some() {
        return Err(bad());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The outside services, each named in errors and in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Nominatim,
    OpenMeteo,
    NagerDate,
    GooglePlaces,
    GoogleMapsLinks,
}

impl Provider {
    /// Shown to the assistant.
    pub fn label(self) -> &'static str {
        match self {
            Self::Nominatim => "OpenStreetMap Nominatim",
            Self::OpenMeteo => "Open-Meteo",
            Self::NagerDate => "Nager.Date",
            Self::GooglePlaces => "Google Places",
            Self::GoogleMapsLinks => "Google Maps",
        }
    }

    /// The `world_cache.provider` value.
    pub fn cache_name(self) -> &'static str {
        match self {
            Self::Nominatim => "nominatim",
            Self::OpenMeteo => "open_meteo",
            Self::NagerDate => "nager_date",
            Self::GooglePlaces => "google_places",
            Self::GoogleMapsLinks => "google_maps_links",
        }
    }

    fn max_body_bytes(self) -> usize {
        match self {
            Self::Nominatim => nominatim::NOMINATIM_MAX_BODY_BYTES,
            Self::OpenMeteo => open_meteo::OPEN_METEO_MAX_BODY_BYTES,
            Self::NagerDate => nager::NAGER_MAX_BODY_BYTES,
            Self::GooglePlaces => google::GOOGLE_PLACES_MAX_BODY_BYTES,
            Self::GoogleMapsLinks => maps_url::MAPS_LINK_MAX_BODY_BYTES,
        }
    }
}

/// Why a world-data call failed. Messages are written for the assistant: what happened and,
/// where there is one, what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorldError {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{} did not answer within {} ms; try again later", .provider.label(), .ms)]
    Timeout { provider: Provider, ms: u128 },
    #[error("{} answered with HTTP status {status}{hint}", .provider.label())]
    Upstream { provider: Provider, status: u16, hint: &'static str },
    #[error("{}'s answer was larger than {limit} bytes and was not read", .provider.label())]
    TooLarge { provider: Provider, limit: usize },
    #[error("{}'s answer could not be read: {detail}", .provider.label())]
    Malformed { provider: Provider, detail: String },
    #[error("{} could not be reached: {detail}", .provider.label())]
    Unreachable { provider: Provider, detail: String },
    #[error("no result: {0}")]
    NoResult(String),
    #[error("not configured: {0}")]
    NotConfigured(String),
    #[error("{0}")]
    OutOfRange(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("world data is not available in this context")]
    Unavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for WorldError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

impl WorldError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    fn from_provider(provider: Provider, e: ProviderError, timeout: Duration) -> Self {
        match e {
            ProviderError::Timeout => Self::Timeout { provider, ms: timeout.as_millis() },
            ProviderError::TooLarge { limit } => Self::TooLarge { provider, limit },
            ProviderError::Status(status) => Self::Upstream { provider, status, hint: status_hint(status) },
            ProviderError::Redirect(status) => {
                Self::Upstream { provider, status, hint: " (a redirect; check the configured base URL)" }
            }
            ProviderError::InvalidBody(detail) => Self::Malformed { provider, detail },
            other => Self::Unreachable { provider, detail: other.to_string() },
        }
    }
}

fn status_hint(status: u16) -> &'static str {
    match status {
        429 => " (rate limited; wait a minute before asking again)",
        500..=599 => " (a problem on its side; try again later)",
        _ => "",
    }
}

/// The providers, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct World {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: WorldConfig,
    http: OutboundHttp,
    /// Nominatim's one-request-per-second gate, shared by every caller of this `World` (one per
    /// server process).
    nominatim_gate: DefaultDirectRateLimiter,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World").field("cfg", &self.inner.cfg).finish_non_exhaustive()
    }
}

impl World {
    pub fn new(cfg: WorldConfig) -> Result<Self, ProviderError> {
        let http = OutboundHttp::new(OutboundConfig {
            connect_timeout: WORLD_CONNECT_TIMEOUT.min(cfg.timeout),
            timeout: cfg.timeout,
            max_body_bytes: WORLD_MAX_BODY_BYTES,
            user_agent: world_user_agent(),
        })?;
        let interval = cfg.nominatim_interval.max(Duration::from_millis(1));
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        Ok(Self { inner: Arc::new(Inner { cfg, http, nominatim_gate: RateLimiter::direct(quota) }) })
    }

    pub fn config(&self) -> &WorldConfig {
        &self.inner.cfg
    }

    /// GET (or POST `body`) a provider URL and decode its JSON answer.
    async fn fetch_json<T: DeserializeOwned>(
        &self,
        provider: Provider,
        url: &Url,
        body: Option<&serde_json::Value>,
        headers: Vec<(http::HeaderName, http::HeaderValue)>,
    ) -> Result<T, WorldError> {
        let opts = GetOptions {
            require_json: true,
            max_body_bytes: Some(provider.max_body_bytes()),
            headers,
            ..GetOptions::default()
        };
        let fetched = match body {
            Some(body) => self.inner.http.post_json(url, body, &opts).await,
            None => self.inner.http.get_with(url, &opts).await,
        }
        .map_err(|e| WorldError::from_provider(provider, e, self.inner.cfg.timeout))?;
        serde_json::from_slice(&fetched.body)
            .map_err(|e| WorldError::Malformed { provider, detail: e.to_string() })
    }

    /// The cached answer for `key`, or `fetch`'s, stored for `ttl_secs`. Errors are not cached.
    async fn cached<T, F>(
        &self,
        store: &Store,
        now: UnixTime,
        provider: Provider,
        key: String,
        ttl_secs: i64,
        fetch: F,
    ) -> Result<T, WorldError>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T, WorldError>>,
    {
        let name = provider.cache_name();
        let lookup = key.clone();
        let hit =
            store.read(move |c| world_cache::get(c, name, &lookup, now).map_err(StoreError::from)).await?;
        // An entry an older build wrote in another shape is simply fetched again.
        if let Some(value) = hit.and_then(|text| serde_json::from_str(&text).ok()) {
            return Ok(value);
        }
        let value = fetch.await?;
        let text = serde_json::to_string(&value)
            .map_err(|e| WorldError::Malformed { provider, detail: e.to_string() })?;
        store
            .write(move |tx| {
                world_cache::put(tx, name, &key, &text, now, now + ttl_secs).map_err(StoreError::from)
            })
            .await?;
        Ok(value)
    }
}

/// Checks a coordinate pair.
fn check_coordinates(lat: f64, lng: f64) -> Result<(), WorldError> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(WorldError::invalid("lat", format!("must be between -90 and 90, got {lat}")));
    }
    if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
        return Err(WorldError::invalid("lng", format!("must be between -180 and 180, got {lng}")));
    }
    Ok(())
}

/// Longest language tag accepted (BCP 47 tags in practice are far shorter).
pub const MAX_LANG_CHARS: usize = 35;
/// Language of names and addresses when none is asked for.
pub const DEFAULT_LANG: &str = "en";

/// A language tag such as "en" or "pt-BR" (letters, digits and hyphens).
fn check_lang(lang: Option<String>) -> Result<String, WorldError> {
    let lang =
        lang.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).unwrap_or_else(|| DEFAULT_LANG.into());
    let ok = lang.len() <= MAX_LANG_CHARS
        && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && lang.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if ok {
        Ok(lang)
    } else {
        Err(WorldError::invalid(
            "lang",
            format!("must be a language tag such as \"en\" or \"pt-BR\", got {lang:?}"),
        ))
    }
}

/// The User-Agent of every world-data request: the product, its version and where it comes
/// from, as Nominatim's usage policy asks (a library's default agent is not accepted).
pub fn world_user_agent() -> String {
    format!("{} (personal trip planner; world data for the user's own trips)", default_user_agent())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_http_and_get_a_trailing_slash() {
        let url = parse_base_url(ENV_NOMINATIM_URL, "http://127.0.0.1:8080/nominatim").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/nominatim/");
        assert_eq!(url.join("search").unwrap().path(), "/nominatim/search");
        for bad in ["ftp://x.example/", "not a url", "https://x.example/?key=1", "file:///tmp"] {
            let e = parse_base_url(ENV_NOMINATIM_URL, bad).unwrap_err();
            assert!(e.to_string().starts_with(ENV_NOMINATIM_URL), "{bad}: {e}");
        }
    }

    #[test]
    fn defaults_name_the_real_services_and_limits() {
        let cfg = WorldConfig::default();
        assert_eq!(cfg.nominatim_url.as_str(), DEFAULT_NOMINATIM_URL);
        assert_eq!(cfg.open_meteo_url.as_str(), DEFAULT_OPEN_METEO_URL);
        assert_eq!(cfg.nager_date_url.as_str(), DEFAULT_NAGER_DATE_URL);
        assert_eq!(cfg.google_places_url.as_str(), DEFAULT_GOOGLE_PLACES_URL);
        assert_eq!(cfg.timeout, WORLD_REQUEST_TIMEOUT);
        assert_eq!(cfg.nominatim_interval, nominatim::NOMINATIM_MIN_INTERVAL);
        assert!(cfg.google_api_key.is_none() && cfg.maps_link_origin_for_tests.is_none());
        assert!(world_user_agent().starts_with("Trek/"));
        for p in [Provider::Nominatim, Provider::OpenMeteo, Provider::NagerDate, Provider::GooglePlaces] {
            assert!(p.max_body_bytes() <= WORLD_MAX_BODY_BYTES, "{p:?}");
        }
        assert_eq!(format!("{:?}", ApiKey::new("AIzaSecret")), "ApiKey(…)");
    }

    #[test]
    fn language_tags() {
        assert_eq!(check_lang(None).unwrap(), DEFAULT_LANG);
        assert_eq!(check_lang(Some("pt-BR".into())).unwrap(), "pt-BR");
        for bad in ["en&x=1", "-en", "x".repeat(MAX_LANG_CHARS + 1).as_str()] {
            assert!(check_lang(Some(bad.into())).is_err(), "{bad}");
        }
    }
}
