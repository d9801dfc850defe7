//! Google Places API (New), optional: place details by Google place id, and text search so
//! search_place candidates carry google_place_id. Off unless an API key is configured
//! (<https://developers.google.com/maps/documentation/places/web-service/op-overview>).

use http::{HeaderName, HeaderValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::nominatim::{PlaceCandidate, PlaceSearch};
use super::{ENV_GOOGLE_MAPS_API_KEY, Provider, World, WorldError, check_lang};
use crate::clock::UnixTime;
use crate::store::Store;

/// Google's terms allow only short-lived caching of Places content: an hour.
pub const GOOGLE_PLACES_CACHE_TTL_SECS: i64 = 3600;
/// Largest Google Places answer read.
pub const GOOGLE_PLACES_MAX_BODY_BYTES: usize = 512 * 1024;
/// Longest place id accepted (real ones are under 300 characters).
pub const MAX_PLACE_ID_CHARS: usize = 512;
/// Photo references returned per place.
pub const MAX_PHOTOS: usize = 5;

const DETAILS_FIELDS: &str = "id,displayName,formattedAddress,location,rating,userRatingCount,websiteUri,\
    internationalPhoneNumber,regularOpeningHours,googleMapsUri,priceLevel,photos,primaryType";
const SEARCH_FIELDS: &str =
    "places.id,places.displayName,places.formattedAddress,places.location,places.primaryType";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceDetailsInput {
    /// Google place id, from search_place (google_place_id) or a place's google_place_id.
    pub place_id: String,
    /// Language of names and opening hours, e.g. "en" (default).
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PlacePhoto {
    /// Photo resource name (for the Places photo endpoint).
    pub name: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Who took it, to be credited where it is shown.
    pub attributions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PlaceDetails {
    pub google_place_id: String,
    pub name: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// 1.0-5.0.
    pub rating: Option<f64>,
    pub rating_count: Option<u64>,
    pub website: Option<String>,
    pub phone: Option<String>,
    /// Whether it is open at the time of the request.
    pub open_now: Option<bool>,
    /// One line per weekday, e.g. "Monday: 9:00 AM – 5:00 PM".
    pub opening_hours: Vec<String>,
    pub google_maps_url: Option<String>,
    /// E.g. "PRICE_LEVEL_MODERATE".
    pub price_level: Option<String>,
    pub category: Option<String>,
    pub photos: Vec<PlacePhoto>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PlaceDetailsResult {
    pub details: PlaceDetails,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GPlace {
    id: String,
    display_name: Option<GText>,
    formatted_address: Option<String>,
    location: Option<GLatLng>,
    rating: Option<f64>,
    user_rating_count: Option<u64>,
    website_uri: Option<String>,
    international_phone_number: Option<String>,
    regular_opening_hours: Option<GHours>,
    google_maps_uri: Option<String>,
    price_level: Option<String>,
    primary_type: Option<String>,
    photos: Vec<GPhoto>,
}

#[derive(Debug, Deserialize)]
struct GText {
    text: String,
}

#[derive(Debug, Deserialize)]
struct GLatLng {
    latitude: f64,
    longitude: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GHours {
    open_now: Option<bool>,
    weekday_descriptions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GPhoto {
    name: String,
    width_px: Option<u32>,
    height_px: Option<u32>,
    author_attributions: Vec<GAuthor>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GAuthor {
    display_name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GSearch {
    places: Vec<GPlace>,
}

/// Place ids are URL-safe tokens; anything else could change the request path.
fn check_place_id(id: &str) -> Result<&str, WorldError> {
    let id = id.trim();
    let ok = !id.is_empty()
        && id.len() <= MAX_PLACE_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(id)
    } else {
        Err(WorldError::invalid(
            "place_id",
            format!("must be a Google place id (letters, digits, '_' and '-', at most {MAX_PLACE_ID_CHARS})"),
        ))
    }
}

impl World {
    /// The key headers, or the error that says how to configure a key.
    fn google_headers(
        &self,
        tool: &str,
        fields: &'static str,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, WorldError> {
        let key = self.inner.cfg.google_api_key.as_ref().ok_or_else(|| {
            WorldError::NotConfigured(format!(
                "{tool} needs Google Places, which is off because no Google Maps Platform API key is set. \
                 The user can create a key with the Places API (New) enabled in the Google Cloud console, \
                 set it as {ENV_GOOGLE_MAPS_API_KEY} in the environment Trek starts with, and restart Trek. \
                 Without it, search_place and reverse_geocode (OpenStreetMap) give names, addresses and \
                 coordinates."
            ))
        })?;
        let mut key_value = HeaderValue::from_str(key.expose()).map_err(|_| {
            WorldError::invalid("google_api_key", format!("{ENV_GOOGLE_MAPS_API_KEY} has invalid characters"))
        })?;
        key_value.set_sensitive(true);
        Ok(vec![
            (HeaderName::from_static("x-goog-api-key"), key_value),
            (HeaderName::from_static("x-goog-fieldmask"), HeaderValue::from_static(fields)),
        ])
    }

    fn google_url(&self, path: &str) -> Result<url::Url, WorldError> {
        self.inner.cfg.google_places_url.join(path).map_err(|e| WorldError::Malformed {
            provider: Provider::GooglePlaces,
            detail: format!("base url: {e}"),
        })
    }

    pub async fn get_place_details(
        &self,
        store: &Store,
        now: UnixTime,
        input: PlaceDetailsInput,
    ) -> Result<PlaceDetailsResult, WorldError> {
        let headers = self.google_headers("get_place_details", DETAILS_FIELDS)?;
        let id = check_place_id(&input.place_id)?.to_owned();
        let lang = check_lang(input.lang)?;
        let mut url = self.google_url(&format!("v1/places/{id}"))?;
        url.query_pairs_mut().append_pair("languageCode", &lang);
        let key = format!("details\n{id}\n{lang}");
        let fetched = self
            .cached(store, now, Provider::GooglePlaces, key, GOOGLE_PLACES_CACHE_TTL_SECS, async {
                let place: GPlace = self.fetch_json(Provider::GooglePlaces, &url, None, headers).await?;
                Ok(details(place))
            })
            .await;
        match fetched {
            Err(WorldError::Upstream { status: 404, .. }) => {
                Err(WorldError::NoResult(format!("Google Places has no place with id {id}")))
            }
            Err(WorldError::Upstream { status: status @ (400 | 403), .. }) => Err(WorldError::Upstream {
                provider: Provider::GooglePlaces,
                status,
                hint: " (the place id or the configured API key was refused; check that the key has the \
                       Places API (New) enabled)",
            }),
            other => other.map(|details| PlaceDetailsResult { details }),
        }
    }

    /// Google text search, for search_place when a key is configured.
    pub(super) async fn google_search(
        &self,
        store: &Store,
        now: UnixTime,
        query: &str,
        lang: &str,
        limit: u32,
    ) -> Result<PlaceSearch, WorldError> {
        let headers = self.google_headers("search_place", SEARCH_FIELDS)?;
        let url = self.google_url("v1/places:searchText")?;
        let body = serde_json::json!({ "textQuery": query, "languageCode": lang, "pageSize": limit });
        let key = format!("search\n{}\n{lang}\n{limit}", query.to_lowercase());
        self.cached(store, now, Provider::GooglePlaces, key, GOOGLE_PLACES_CACHE_TTL_SECS, async {
            let found: GSearch = self.fetch_json(Provider::GooglePlaces, &url, Some(&body), headers).await?;
            let places = found
                .places
                .into_iter()
                .filter_map(|p| {
                    let location = p.location?;
                    Some(PlaceCandidate {
                        name: p.display_name.map(|n| n.text).unwrap_or_default(),
                        address: p.formatted_address.unwrap_or_default(),
                        lat: location.latitude,
                        lng: location.longitude,
                        osm_id: None,
                        google_place_id: Some(p.id),
                        category: p.primary_type,
                    })
                })
                .collect();
            Ok(PlaceSearch { places, source: "google".into() })
        })
        .await
    }
}

fn details(p: GPlace) -> PlaceDetails {
    let hours = p.regular_opening_hours.unwrap_or_default();
    PlaceDetails {
        google_place_id: p.id,
        name: p.display_name.map(|n| n.text),
        address: p.formatted_address,
        lat: p.location.as_ref().map(|l| l.latitude),
        lng: p.location.as_ref().map(|l| l.longitude),
        rating: p.rating,
        rating_count: p.user_rating_count,
        website: p.website_uri,
        phone: p.international_phone_number,
        open_now: hours.open_now,
        opening_hours: hours.weekday_descriptions,
        google_maps_url: p.google_maps_uri,
        price_level: p.price_level,
        category: p.primary_type,
        photos: p
            .photos
            .into_iter()
            .take(MAX_PHOTOS)
            .map(|ph| PlacePhoto {
                name: ph.name,
                width: ph.width_px,
                height: ph.height_px,
                attributions: ph.author_attributions.into_iter().map(|a| a.display_name).collect(),
            })
            .collect(),
    }
}
