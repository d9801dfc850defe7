//! Google Maps links → coordinates and name. Long URLs are read locally (`!3d…!4d…` data,
//! `q=`/`query=`/`ll=` parameters, `/place/Name/`, `@lat,lng`); short links (maps.app.goo.gl,
//! goo.gl/maps) are followed one redirect at a time, each target checked against
//! [`MAPS_REDIRECT_HOSTS`] before anything is fetched from it, up to [`MAPS_LINK_MAX_HOPS`].

use percent_encoding::percent_decode_str;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

use super::nominatim::DEFAULT_SEARCH_RESULTS;
use super::{DEFAULT_LANG, Provider, World, WorldError, check_coordinates};
use crate::clock::UnixTime;
use crate::providers::GetOptions;
use crate::store::Store;

/// Redirects followed for one short link before giving up (real links take one or two).
pub const MAPS_LINK_MAX_HOPS: usize = 5;
/// A short link always leads to the same place: its resolution is reused for 30 days.
pub const MAPS_LINK_CACHE_TTL_SECS: i64 = 30 * 24 * 3600;
/// Largest body read from a short-link host (only headers matter; the body is not read).
pub const MAPS_LINK_MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest URL accepted.
pub const MAX_MAPS_URL_CHARS: usize = 4096;
/// Hosts a short link may redirect to. Anything else is refused without being contacted: a
/// link is chosen by whoever shared it, and following it blindly would let it make Trek fetch
/// any address (SSRF).
pub const MAPS_REDIRECT_HOSTS: &[&str] =
    &["maps.app.goo.gl", "goo.gl", "www.google.com", "google.com", "maps.google.com", "consent.google.com"];

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapsUrlInput {
    /// A Google Maps link: a share link (https://maps.app.goo.gl/…) or a long
    /// https://www.google.com/maps/… URL.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResolvedMapsUrl {
    /// The place's name, when the link carries one.
    pub name: Option<String>,
    pub lat: f64,
    pub lng: f64,
    /// The long Google Maps URL the link led to.
    pub resolved_url: String,
    /// "url" when the coordinates were in the link, "openstreetmap" when the link held only a
    /// name that was then looked up.
    pub coordinates_from: String,
}

/// What a long Google Maps URL says by itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedMapsUrl {
    pub name: Option<String>,
    pub coordinates: Option<(f64, f64)>,
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

/// A share link that must be followed to learn where it points.
pub fn is_short_link(url: &Url) -> bool {
    match host_of(url).as_str() {
        "maps.app.goo.gl" => true,
        "goo.gl" => url.path().starts_with("/maps"),
        _ => false,
    }
}

/// A Google host whose URLs can be read locally (no request is made to it).
fn is_google_maps_host(host: &str) -> bool {
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("maps.")).unwrap_or(host);
    // google.com, google.de, google.co.uk, google.com.au …
    host.strip_prefix("google.").is_some_and(|tld| {
        let labels: Vec<&str> = tld.split('.').collect();
        (1..=2).contains(&labels.len())
            && labels.iter().all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
    })
}

/// "35.0394,135.7292" (optionally with spaces) as a coordinate pair.
fn parse_pair(text: &str) -> Option<(f64, f64)> {
    let (a, b) = text.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lng: f64 = b.trim().split(',').next()?.trim().parse().ok()?;
    check_coordinates(lat, lng).ok()?;
    Some((lat, lng))
}

/// The number after `marker` up to the next `!`, `/`, `?` or `&`.
fn number_after(text: &str, marker: &str) -> Option<f64> {
    let start = text.rfind(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest.find(['!', '/', '?', '&']).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn decode_name(segment: &str) -> Option<String> {
    let replaced = segment.replace('+', " ");
    let name = percent_decode_str(&replaced).decode_utf8().ok()?.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

/// Reads a long Google Maps URL. Precedence: the place's own position (`!3d…!4d…`), then
/// coordinates given as a parameter, then the map's centre (`@lat,lng`).
pub fn parse_long_url(url: &Url) -> ParsedMapsUrl {
    let mut parsed = ParsedMapsUrl::default();
    let text = url.as_str();
    let data_position = number_after(text, "!3d")
        .zip(number_after(text, "!4d"))
        .filter(|(lat, lng)| check_coordinates(*lat, *lng).is_ok());

    let mut param_position = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "q" | "query" | "destination" | "daddr" => match parse_pair(&value) {
                Some(pair) => param_position = param_position.or(Some(pair)),
                None if parsed.name.is_none() && !value.trim().is_empty() => {
                    parsed.name = Some(value.trim().to_owned());
                }
                None => {}
            },
            "ll" | "center" => param_position = param_position.or(parse_pair(&value)),
            _ => {}
        }
    }

    let segments: Vec<&str> = url.path_segments().map(Iterator::collect).unwrap_or_default();
    let mut centre = None;
    for (i, segment) in segments.iter().enumerate() {
        if matches!(*segment, "place" | "search" | "dir")
            && let Some(next) = segments.get(i + 1).filter(|s| !s.starts_with('@') && !s.starts_with("data="))
        {
            match parse_pair(&decode_name(next).unwrap_or_default()) {
                Some(pair) => param_position = param_position.or(Some(pair)),
                None => parsed.name = decode_name(next).or(parsed.name.take()),
            }
        }
        if let Some(at) = segment.strip_prefix('@') {
            centre = parse_pair(at);
        }
    }
    parsed.coordinates = data_position.or(param_position).or(centre);
    parsed
}

/// The next URL a redirect leads to, checked: https, on an allowed host. `consent.google.com`
/// pages carry the real target in `continue`, read here instead of fetching the page.
fn checked_target(location: &str, base: &Url) -> Result<Url, WorldError> {
    let mut next = base.join(location).map_err(|_| {
        WorldError::Refused(format!("the short link redirects to an unreadable address {location:?}"))
    })?;
    if host_of(&next) == "consent.google.com"
        && let Some(cont) = next.query_pairs().find(|(k, _)| k == "continue").map(|(_, v)| v.into_owned())
    {
        next = Url::parse(&cont)
            .map_err(|_| WorldError::Refused("the consent page's target is not a URL".into()))?;
    }
    let host = host_of(&next);
    if next.scheme() != "https" || !MAPS_REDIRECT_HOSTS.contains(&host.as_str()) {
        return Err(WorldError::Refused(format!(
            "the short link redirects to {}://{host}, which is not a Google Maps address; Trek does not follow \
             it. Ask the user for the place's name or a www.google.com/maps link instead.",
            next.scheme()
        )));
    }
    Ok(next)
}

impl World {
    /// Follows a short link to the long URL it stands for.
    async fn follow_short_link(&self, start: &Url) -> Result<Url, WorldError> {
        let test_origin = self.inner.cfg.maps_link_origin_for_tests.as_ref();
        let opts = GetOptions {
            max_body_bytes: Some(MAPS_LINK_MAX_BODY_BYTES),
            https_only: test_origin.is_none(),
            public_only: test_origin.is_none(),
            return_redirects: true,
            ..GetOptions::default()
        };
        let mut current = start.clone();
        for _ in 0..MAPS_LINK_MAX_HOPS {
            let mut fetch = current.clone();
            if let Some(origin) = test_origin {
                fetch = origin
                    .join(&format!(
                        "{}{}",
                        current.path(),
                        current.query().map_or(String::new(), |q| format!("?{q}"))
                    ))
                    .map_err(|e| WorldError::invalid("url", e.to_string()))?;
            }
            let fetched = self.inner.http.get_with(&fetch, &opts).await.map_err(|e| {
                WorldError::from_provider(Provider::GoogleMapsLinks, e, self.inner.cfg.timeout)
            })?;
            if !fetched.status.is_redirection() {
                return Err(WorldError::NoResult(
                    "the short link did not redirect to a map; it may have expired. Ask the user for the \
                     place's name or a www.google.com/maps link."
                        .into(),
                ));
            }
            let location =
                fetched.headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok()).ok_or_else(
                    || WorldError::Malformed {
                        provider: Provider::GoogleMapsLinks,
                        detail: "a redirect without a Location header".into(),
                    },
                )?;
            let next = checked_target(location, &current)?;
            if !is_short_link(&next) {
                return Ok(next);
            }
            current = next;
        }
        Err(WorldError::Refused(format!(
            "the short link redirected more than {MAPS_LINK_MAX_HOPS} times without reaching a map"
        )))
    }

    pub async fn resolve_maps_url(
        &self,
        store: &Store,
        now: UnixTime,
        input: MapsUrlInput,
    ) -> Result<ResolvedMapsUrl, WorldError> {
        let raw = input.url.trim();
        if raw.is_empty() || raw.len() > MAX_MAPS_URL_CHARS {
            return Err(WorldError::invalid("url", format!("must be 1-{MAX_MAPS_URL_CHARS} characters")));
        }
        let url = Url::parse(raw).map_err(|e| WorldError::invalid("url", format!("is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WorldError::invalid("url", "must be an http(s) Google Maps link"));
        }
        let long = if is_short_link(&url) {
            let key = url.as_str().to_owned();
            let resolved: String = self
                .cached(store, now, Provider::GoogleMapsLinks, key, MAPS_LINK_CACHE_TTL_SECS, async {
                    Ok(self.follow_short_link(&url).await?.to_string())
                })
                .await?;
            Url::parse(&resolved).map_err(|e| WorldError::Malformed {
                provider: Provider::GoogleMapsLinks,
                detail: e.to_string(),
            })?
        } else if is_google_maps_host(&host_of(&url)) {
            url
        } else {
            return Err(WorldError::invalid(
                "url",
                format!(
                    "{} is not a Google Maps link (expected maps.app.goo.gl, goo.gl/maps or google.com/maps)",
                    host_of(&url)
                ),
            ));
        };

        let parsed = parse_long_url(&long);
        if let Some((lat, lng)) = parsed.coordinates {
            return Ok(ResolvedMapsUrl {
                name: parsed.name,
                lat,
                lng,
                resolved_url: long.to_string(),
                coordinates_from: "url".into(),
            });
        }
        let Some(name) = parsed.name else {
            return Err(WorldError::NoResult("the link names no place and carries no coordinates".into()));
        };
        let found = self.osm_search(store, now, &name, DEFAULT_LANG, DEFAULT_SEARCH_RESULTS).await?;
        let first = found.places.into_iter().next().ok_or_else(|| {
            WorldError::NoResult(format!("the link names {name:?}, which OpenStreetMap does not find"))
        })?;
        Ok(ResolvedMapsUrl {
            name: Some(name),
            lat: first.lat,
            lng: first.lng,
            resolved_url: long.to_string(),
            coordinates_from: "openstreetmap".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ParsedMapsUrl {
        parse_long_url(&Url::parse(s).unwrap())
    }

    #[test]
    fn long_url_forms() {
        let p = parse(
            "https://www.google.com/maps/place/Kinkaku-ji/@35.0393,135.7270,17z/data=!3m1!4b1!4m6!3m5!1s0x6001a8:0x1!8m2!3d35.0394!4d135.7292!16s",
        );
        assert_eq!(p.name.as_deref(), Some("Kinkaku-ji"));
        assert_eq!(p.coordinates, Some((35.0394, 135.7292)), "the place's own position beats the map centre");

        let p = parse("https://www.google.com/maps/@48.8584,2.2945,15z");
        assert_eq!(p, ParsedMapsUrl { name: None, coordinates: Some((48.8584, 2.2945)) });

        let p = parse("https://maps.google.com/?q=35.6586,139.7454");
        assert_eq!(p.coordinates, Some((35.6586, 139.7454)));

        let p = parse("https://www.google.com/maps/search/?api=1&query=Fushimi+Inari+Taisha");
        assert_eq!(p, ParsedMapsUrl { name: Some("Fushimi Inari Taisha".into()), coordinates: None });

        let p = parse("https://www.google.com/maps/place/Caf%C3%A9+de+Flore/");
        assert_eq!(p.name.as_deref(), Some("Café de Flore"));
        assert_eq!(p.coordinates, None);

        // Out-of-range numbers are not coordinates.
        assert_eq!(parse("https://www.google.com/maps/@135.7,35.0,15z").coordinates, None);
    }

    #[test]
    fn hosts() {
        for ok in ["google.com", "www.google.com", "maps.google.com", "www.google.co.uk", "google.de"] {
            assert!(is_google_maps_host(ok), "{ok}");
        }
        for bad in ["google.evil.example", "evilgoogle.com", "google.com.evil.example", "www.google.c0m"] {
            assert!(!is_google_maps_host(bad), "{bad}");
        }
        assert!(is_short_link(&Url::parse("https://maps.app.goo.gl/abc").unwrap()));
        assert!(is_short_link(&Url::parse("https://goo.gl/maps/abc").unwrap()));
        assert!(!is_short_link(&Url::parse("https://goo.gl/other").unwrap()));
    }

    #[test]
    fn redirect_targets_are_checked() {
        let base = Url::parse("https://maps.app.goo.gl/abc").unwrap();
        assert!(checked_target("https://www.google.com/maps/place/X/@1,2,3z", &base).is_ok());
        for bad in [
            "https://evil.example/maps",
            "http://www.google.com/maps/@1,2,3z",
            "https://169.254.169.254/latest/meta-data",
            "https://www.google.com.evil.example/maps",
            "https://consent.google.com/ml?continue=https://evil.example/",
        ] {
            assert!(matches!(checked_target(bad, &base), Err(WorldError::Refused(_))), "{bad}");
        }
        let via_consent = checked_target(
            "https://consent.google.com/ml?continue=https://www.google.com/maps/place/X/%4035.1,135.2,17z",
            &base,
        )
        .unwrap();
        assert_eq!(via_consent.host_str(), Some("www.google.com"));
    }
}
