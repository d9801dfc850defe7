//! World-data operations (`Kind::Outbound`): place search, reverse geocoding, Google Maps
//! links, Google place details, weather and public holidays. Each row delegates to a
//! `providers::world::World` method, which owns caching, limits and errors.

use serde_json::{Map, Value};

use super::{DynOp, Kind, OpError, OpMeta, OutboundCtx, OutboundFuture, parse_input, schema_object};
use crate::auth::scopes::Scope;
use crate::domain::Ctx;
use crate::ops::Addon;
use crate::providers::world::WorldError;
use crate::providers::world::google::{PlaceDetailsInput, PlaceDetailsResult};
use crate::providers::world::maps_url::{MapsUrlInput, ResolvedMapsUrl};
use crate::providers::world::nager::{HolidayCountries, Holidays, HolidaysInput, NoInput};
use crate::providers::world::nominatim::{
    PlaceSearch, ReverseGeocode, ReverseGeocodeInput, SearchPlaceInput,
};
use crate::providers::world::open_meteo::{DetailedWeather, Weather, WeatherInput};

/// Like `ops!`, for operations that ask an outside service: each row becomes a unit struct
/// whose `call_outbound` parses the input and awaits a `World` method (`run: method`) or an
/// area's own async function of `(OutboundCtx, input)` (`run_with: path`, e.g. Vacay's holidays,
/// which fetch and then read the store). The rows are listed as the area's `OUTBOUND`.
macro_rules! outbound_ops {
    ($(
        $ty:ident {
            name: $name:literal,
            title: $title:literal,
            description: $desc:expr,
            scope: $scope:expr,
            addon: $addon:expr,
            input: $input:ty,
            output: $output:ty,
            $(run: $method:ident,)?
            $(run_with: $with:path,)?
            examples: [$($ex:literal),* $(,)?] $(,)?
        }
    )*) => {
        $(
            pub struct $ty;
            impl DynOp for $ty {
                fn meta(&self) -> OpMeta {
                    OpMeta {
                        name: $name,
                        title: $title,
                        description: $desc,
                        scope: $scope,
                        addon: $addon,
                        kind: Kind::Outbound,
                        idempotent: true,
                        examples: &[$($ex),*],
                    }
                }
                fn input_schema(&self) -> Map<String, Value> {
                    schema_object::<$input>()
                }
                fn output_schema(&self) -> Map<String, Value> {
                    schema_object::<$output>()
                }
                fn call(&self, _cx: &Ctx<'_>, _args: Value) -> Result<Value, OpError> {
                    Err(OpError::Outbound(WorldError::Unavailable))
                }
                fn check_input(&self, args: Value) -> Result<(), OpError> {
                    parse_input::<$input>(args).map(drop)
                }
                fn call_outbound<'a>(&'a self, cx: OutboundCtx<'a>, args: Value) -> Option<OutboundFuture<'a>> {
                    Some(Box::pin(async move {
                        let input: $input = parse_input(args)?;
                        $(let output: $output = cx.world.$method(cx.store, cx.now, input).await?;)?
                        $(let output: $output = $with(cx, input).await?;)?
                        serde_json::to_value(output).map_err(|e| OpError::InvalidArguments(format!("output: {e}")))
                    }))
                }
            }
        )*
        /// This area's outside-service operations, in the order they are listed to clients.
        pub(super) const OUTBOUND: &[&dyn DynOp] = &[$(&$ty),*];
    };
}
pub(super) use outbound_ops;

outbound_ops! {
    SearchPlace {
        name: "search_place",
        title: "Search a real-world place",
        description: "Search for a real-world place by name or address (OpenStreetMap, or Google Places when \
            configured; cached) and get candidates with coordinates, address, country_code and ids to pass \
            to create_place.",
        scope: Some(Scope::GeoRead),
        addon: None,
        input: SearchPlaceInput,
        output: PlaceSearch,
        run: search_place,
        examples: [r#"{"query": "Kinkaku-ji, Kyoto"}"#, r#"{"query": "Fushimi Inari", "lang": "ja", "limit": 3}"#],
    }
    GetPlaceDetails {
        name: "get_place_details",
        title: "Get place details (Google)",
        description: "Opening hours, rating, website, phone and photos of a place by its google_place_id (from \
            search_place). Needs a Google Places API key; without one the error says how to set it.",
        scope: Some(Scope::GeoRead),
        addon: None,
        input: PlaceDetailsInput,
        output: PlaceDetailsResult,
        run: get_place_details,
        examples: [r#"{"place_id": "ChIJvUbrwCCoAWARX2QiHCsn5A4"}"#, r#"{"place_id": "ChIJvUbrwCCoAWARX2QiHCsn5A4", "lang": "de"}"#],
    }
    ReverseGeocodeOp {
        name: "reverse_geocode",
        title: "Address of coordinates",
        description: "Get a human-readable address (and the place's name, when it has one) for coordinates, \
            from OpenStreetMap Nominatim.",
        scope: Some(Scope::GeoRead),
        addon: None,
        input: ReverseGeocodeInput,
        output: ReverseGeocode,
        run: reverse_geocode,
        examples: [r#"{"lat": 35.0394, "lng": 135.7292}"#, r#"{"lat": 48.8584, "lng": 2.2945, "lang": "fr"}"#],
    }
    ResolveMapsUrl {
        name: "resolve_maps_url",
        title: "Resolve a Google Maps link",
        description: "Resolve a Google Maps link the user shared (maps.app.goo.gl share link or google.com/maps URL) \
            to coordinates and place name; short links are followed to Google hosts only.",
        scope: Some(Scope::GeoRead),
        addon: None,
        input: MapsUrlInput,
        output: ResolvedMapsUrl,
        run: resolve_maps_url,
        examples: [r#"{"url": "https://maps.app.goo.gl/AbCdEf123"}"#, r#"{"url": "https://www.google.com/maps/place/Kinkaku-ji/@35.0394,135.7292,17z"}"#],
    }
    GetWeather {
        name: "get_weather",
        title: "Weather forecast for a day",
        description: "Forecast (Open-Meteo) for a location and date, yesterday to 15 days ahead: conditions, \
            min/max °C, precipitation, wind, sunrise, sunset. Further out, plan with the usual climate.",
        scope: Some(Scope::WeatherRead),
        addon: None,
        input: WeatherInput,
        output: Weather,
        run: get_weather,
        examples: [r#"{"lat": 35.0116, "lng": 135.7681, "date": "2027-04-05"}"#],
    }
    GetDetailedWeather {
        name: "get_detailed_weather",
        title: "Hourly weather forecast",
        description: "Hour-by-hour forecast (Open-Meteo) for a location and date, with the day's summary: \
            temperature, precipitation, wind and humidity. Same range as get_weather.",
        scope: Some(Scope::WeatherRead),
        addon: None,
        input: WeatherInput,
        output: DetailedWeather,
        run: get_detailed_weather,
        examples: [r#"{"lat": 35.0116, "lng": 135.7681, "date": "2027-04-06"}"#],
    }
    ListHolidayCountries {
        name: "list_holiday_countries",
        title: "Countries with holiday calendars",
        description: "List the countries available for public holiday calendars (ISO 3166-1 alpha-2 code and \
            name), from Nager.Date. Use a code with list_holidays.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        input: NoInput,
        output: HolidayCountries,
        run: list_holiday_countries,
        examples: ["{}"],
    }
    ListHolidays {
        name: "list_holidays",
        title: "Public holidays of a country",
        description: "List a country's public holidays in a year (Nager.Date): date, local and English name, \
            nationwide or which regions.",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        input: HolidaysInput,
        output: Holidays,
        run: list_holidays,
        examples: [r#"{"country": "JP", "year": 2027}"#],
    }
}
