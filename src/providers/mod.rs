//! Outbound HTTP: the one constructor (timeouts, body cap, no redirects, SSRF guard) that every provider and the CIMD fetch use.

mod http;
pub mod world;

use std::time::Duration;

pub use http::{Fetched, GetOptions, OutboundHttp, is_public_ip};

/// Time allowed to open a TCP/TLS connection to a provider.
pub const OUTBOUND_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time allowed for a whole outbound request, body included.
pub const OUTBOUND_TIMEOUT: Duration = Duration::from_secs(15);
/// Largest response body a provider may send; geocoding and weather answers are far smaller.
pub const OUTBOUND_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The User-Agent every outbound request carries, so providers with usage policies
/// (e.g. Nominatim) can tell who is calling.
pub fn default_user_agent() -> String {
    format!("Trek/{}", env!("CARGO_PKG_VERSION"))
}

/// Settings for [`OutboundHttp::new`].
#[derive(Debug, Clone)]
pub struct OutboundConfig {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
}

impl Default for OutboundConfig {
    fn default() -> Self {
        Self {
            connect_timeout: OUTBOUND_CONNECT_TIMEOUT,
            timeout: OUTBOUND_TIMEOUT,
            max_body_bytes: OUTBOUND_MAX_BODY_BYTES,
            user_agent: default_user_agent(),
        }
    }
}

/// Why an outbound request failed. Messages name the limit or status so they can be
/// passed on (e.g. as an OAuth `error_description`) without further wrapping.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    #[error("request timed out")]
    Timeout,
    #[error("response body exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("server answered with status {0}")]
    Status(u16),
    #[error("server answered with redirect status {0}; redirects are not followed")]
    Redirect(u16),
    #[error("network error: {0}")]
    Network(String),
    #[error("invalid response body: {0}")]
    InvalidBody(String),
    #[error("refusing to connect to non-public address {0}")]
    ForbiddenAddress(String),
    #[error("unsupported url: {0}")]
    UnsupportedUrl(String),
    #[error("could not build the http client: {0}")]
    Build(String),
}
