//! OpenStreetMap Nominatim: place search and reverse geocoding, with its usage policy kept — at
//! most one request per second process-wide, an identifying User-Agent, and every answer
//! cached (<https://operations.osmfoundation.org/policies/nominatim/>).

use std::collections::HashMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Provider, World, WorldError, check_coordinates, check_lang};
use crate::clock::UnixTime;
use crate::store::Store;

/// Nominatim's usage policy: no more than one request per second.
pub const NOMINATIM_MIN_INTERVAL: Duration = Duration::from_secs(1);
/// How long a geocoding answer is reused; places rarely move, and the policy asks for caching.
pub const NOMINATIM_CACHE_TTL_SECS: i64 = 30 * 24 * 3600;
/// Largest Nominatim answer read (10 results with addresses are a few KB).
pub const NOMINATIM_MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest search text accepted.
pub const MAX_QUERY_CHARS: usize = 500;
/// Candidates returned when `limit` is not given.
pub const DEFAULT_SEARCH_RESULTS: u32 = 5;
/// Most candidates one search returns.
pub const MAX_SEARCH_RESULTS: u32 = 10;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchPlaceInput {
    /// Place name or address, e.g. "Kinkaku-ji, Kyoto" (1-500 characters).
    pub query: String,
    /// Language of names and addresses, e.g. "en" (default) or "ja".
    #[serde(default)]
    pub lang: Option<String>,
    /// Candidates to return, 1-10 (default 5).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One candidate place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlaceCandidate {
    pub name: String,
    /// Full address as the provider writes it.
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    /// OpenStreetMap id such as "node/123" (give it to create_place as osm_id).
    pub osm_id: Option<String>,
    /// Google place id, when Google Places is configured (give it to create_place and
    /// get_place_details).
    pub google_place_id: Option<String>,
    /// What kind of place it is, e.g. "tourism/attraction".
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PlaceSearch {
    /// Best match first (never empty: no match is an error that says so).
    pub places: Vec<PlaceCandidate>,
    /// "openstreetmap" or "google".
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseGeocodeInput {
    /// Latitude, -90..90.
    pub lat: f64,
    /// Longitude, -180..180.
    pub lng: f64,
    /// Language of the address, e.g. "en" (default).
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReverseGeocode {
    /// Name of the place or building there, when it has one.
    pub name: Option<String>,
    pub address: String,
    /// Where the found object is (close to the asked coordinates).
    pub lat: f64,
    pub lng: f64,
    pub osm_id: Option<String>,
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country_code: Option<String>,
}

/// A place as Nominatim's `jsonv2` format writes it (coordinates are strings there).
#[derive(Debug, Deserialize)]
struct NominatimPlace {
    osm_type: Option<String>,
    osm_id: Option<i64>,
    lat: String,
    lon: String,
    #[serde(default)]
    name: Option<String>,
    display_name: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    address: Option<HashMap<String, String>>,
}

/// Reverse answers are a place, or `{"error": "Unable to geocode"}` with status 200.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ReverseAnswer {
    Error {
        #[serde(rename = "error")]
        _error: String,
    },
    Place(Box<NominatimPlace>),
}

fn coordinate(field: &str, text: &str) -> Result<f64, WorldError> {
    text.trim().parse().map_err(|_| WorldError::Malformed {
        provider: Provider::Nominatim,
        detail: format!("{field} {text:?} is not a number"),
    })
}

fn osm_id(p: &NominatimPlace) -> Option<String> {
    Some(format!("{}/{}", p.osm_type.as_deref()?, p.osm_id?))
}

impl NominatimPlace {
    fn into_candidate(self) -> Result<PlaceCandidate, WorldError> {
        let lat = coordinate("lat", &self.lat)?;
        let lng = coordinate("lon", &self.lon)?;
        let osm_id = osm_id(&self);
        let name = self
            .name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.display_name.split(',').next().unwrap_or_default().trim().to_owned());
        let category = match (self.category, self.kind) {
            (Some(c), Some(k)) => Some(format!("{c}/{k}")),
            (c, k) => c.or(k),
        };
        Ok(PlaceCandidate {
            name,
            address: self.display_name,
            lat,
            lng,
            osm_id,
            google_place_id: None,
            category,
        })
    }
}

impl World {
    /// Waits for Nominatim's slot (one request per second for the whole process), then asks.
    async fn nominatim<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<T, WorldError> {
        let mut url = self.inner.cfg.nominatim_url.join(path).map_err(|e| WorldError::Malformed {
            provider: Provider::Nominatim,
            detail: format!("base url: {e}"),
        })?;
        url.query_pairs_mut().extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        self.inner.nominatim_gate.until_ready().await;
        self.fetch_json(Provider::Nominatim, &url, None, Vec::new()).await
    }

    /// search_place: Google Places when a key is configured (so candidates carry
    /// google_place_id), otherwise OpenStreetMap.
    pub async fn search_place(
        &self,
        store: &Store,
        now: UnixTime,
        input: SearchPlaceInput,
    ) -> Result<PlaceSearch, WorldError> {
        let query = input.query.split_whitespace().collect::<Vec<_>>().join(" ");
        if query.is_empty() || query.chars().count() > MAX_QUERY_CHARS {
            return Err(WorldError::invalid("query", format!("must be 1-{MAX_QUERY_CHARS} characters")));
        }
        let limit = input.limit.unwrap_or(DEFAULT_SEARCH_RESULTS);
        if !(1..=MAX_SEARCH_RESULTS).contains(&limit) {
            return Err(WorldError::invalid("limit", format!("must be 1-{MAX_SEARCH_RESULTS}, got {limit}")));
        }
        let lang = check_lang(input.lang)?;
        let found = if self.inner.cfg.google_api_key.is_some() {
            self.google_search(store, now, &query, &lang, limit).await?
        } else {
            self.osm_search(store, now, &query, &lang, limit).await?
        };
        if found.places.is_empty() {
            return Err(WorldError::NoResult(format!(
                "{} found no place for {query:?}; try fewer words, another spelling, or add the city and country",
                if found.source == "google" { "Google Places" } else { "OpenStreetMap" }
            )));
        }
        Ok(found)
    }

    /// Nominatim search (also used by resolve_maps_url for links that carry only a name).
    pub(super) async fn osm_search(
        &self,
        store: &Store,
        now: UnixTime,
        query: &str,
        lang: &str,
        limit: u32,
    ) -> Result<PlaceSearch, WorldError> {
        let key = format!("search\n{}\n{lang}\n{limit}", query.to_lowercase());
        let params = [
            ("q", query.to_owned()),
            ("format", "jsonv2".to_owned()),
            ("limit", limit.to_string()),
            ("accept-language", lang.to_owned()),
        ];
        self.cached(store, now, Provider::Nominatim, key, NOMINATIM_CACHE_TTL_SECS, async {
            let found: Vec<NominatimPlace> = self.nominatim("search", &params).await?;
            let places = found.into_iter().map(NominatimPlace::into_candidate).collect::<Result<_, _>>()?;
            Ok(PlaceSearch { places, source: "openstreetmap".into() })
        })
        .await
    }

    pub async fn reverse_geocode(
        &self,
        store: &Store,
        now: UnixTime,
        input: ReverseGeocodeInput,
    ) -> Result<ReverseGeocode, WorldError> {
        check_coordinates(input.lat, input.lng)?;
        let lang = check_lang(input.lang)?;
        // Five decimals are about a metre: nearby asks share one cached answer.
        let (lat, lng) = (format!("{:.5}", input.lat), format!("{:.5}", input.lng));
        let key = format!("reverse\n{lat}\n{lng}\n{lang}");
        let params = [
            ("lat", lat.clone()),
            ("lon", lng.clone()),
            ("format", "jsonv2".to_owned()),
            ("addressdetails", "1".to_owned()),
            ("accept-language", lang),
        ];
        let answer: Option<ReverseGeocode> = self
            .cached(store, now, Provider::Nominatim, key, NOMINATIM_CACHE_TTL_SECS, async {
                match self.nominatim::<ReverseAnswer>("reverse", &params).await? {
                    // "Nothing here" is an answer too, cached like the others.
                    ReverseAnswer::Error { .. } => Ok(None),
                    ReverseAnswer::Place(place) => {
                        let country_code = place
                            .address
                            .as_ref()
                            .and_then(|a| a.get("country_code"))
                            .map(|c| c.to_ascii_uppercase());
                        let name = place.name.clone().filter(|n| !n.trim().is_empty());
                        let c = place.into_candidate()?;
                        Ok(Some(ReverseGeocode {
                            name,
                            address: c.address,
                            lat: c.lat,
                            lng: c.lng,
                            osm_id: c.osm_id,
                            country_code,
                        }))
                    }
                }
            })
            .await?;
        answer.ok_or_else(|| {
            WorldError::NoResult(format!(
                "OpenStreetMap has no address at {lat}, {lng} (open sea or an unmapped area)"
            ))
        })
    }
}
