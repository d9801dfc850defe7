//! Open-Meteo: the daily and hourly forecast for a place and a date
//! (<https://open-meteo.com/en/docs>). Forecasts reach [`FORECAST_DAYS`] ahead; a date outside
//! that range gets a clear answer without asking the service.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, Duration as Days, OffsetDateTime};

use super::{Provider, World, WorldError, check_coordinates};
use crate::clock::UnixTime;
use crate::store::Store;

/// How far ahead Open-Meteo forecasts (its `forecast_days` maximum), today included.
pub const FORECAST_DAYS: i64 = 16;
/// Forecasts change through the day: an answer is reused for an hour.
pub const OPEN_METEO_CACHE_TTL_SECS: i64 = 3600;
/// Largest Open-Meteo answer read (a day of hourly values is a few KB).
pub const OPEN_METEO_MAX_BODY_BYTES: usize = 512 * 1024;

const DAILY_FIELDS: &str = "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,\
    precipitation_probability_max,wind_speed_10m_max,sunrise,sunset";
const HOURLY_FIELDS: &str =
    "temperature_2m,precipitation_probability,precipitation,weather_code,wind_speed_10m,relative_humidity_2m";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeatherInput {
    /// Latitude, -90..90.
    pub lat: f64,
    /// Longitude, -180..180.
    pub lng: f64,
    /// The day, YYYY-MM-DD (local to the place), from yesterday to 15 days ahead.
    pub date: String,
}

/// One day's forecast. Temperatures in °C, precipitation in mm, wind in km/h.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DailyWeather {
    pub date: String,
    pub lat: f64,
    pub lng: f64,
    /// IANA time zone of the place; times below are local to it.
    pub timezone: Option<String>,
    /// WMO weather code.
    pub weather_code: Option<i64>,
    /// The weather code in words, e.g. "Light rain".
    pub description: Option<String>,
    pub temperature_max_c: Option<f64>,
    pub temperature_min_c: Option<f64>,
    pub precipitation_mm: Option<f64>,
    /// Highest chance of precipitation during the day, in percent.
    pub precipitation_probability_percent: Option<f64>,
    pub wind_speed_max_kmh: Option<f64>,
    pub sunrise: Option<String>,
    pub sunset: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Weather {
    pub weather: DailyWeather,
}

/// One hour of a day's forecast.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HourlyWeather {
    /// Local time, YYYY-MM-DDTHH:MM.
    pub time: String,
    pub temperature_c: Option<f64>,
    pub precipitation_probability_percent: Option<f64>,
    pub precipitation_mm: Option<f64>,
    pub weather_code: Option<i64>,
    pub description: Option<String>,
    pub wind_speed_kmh: Option<f64>,
    pub relative_humidity_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DetailedDay {
    #[serde(flatten)]
    pub day: DailyWeather,
    /// The day hour by hour (24 entries).
    pub hours: Vec<HourlyWeather>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DetailedWeather {
    pub weather: DetailedDay,
}

/// Open-Meteo's answer: parallel arrays per variable.
#[derive(Debug, Deserialize)]
struct Forecast {
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    daily: Option<DailyBlock>,
    #[serde(default)]
    hourly: Option<HourlyBlock>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DailyBlock {
    time: Vec<String>,
    weather_code: Vec<Option<i64>>,
    temperature_2m_max: Vec<Option<f64>>,
    temperature_2m_min: Vec<Option<f64>>,
    precipitation_sum: Vec<Option<f64>>,
    precipitation_probability_max: Vec<Option<f64>>,
    wind_speed_10m_max: Vec<Option<f64>>,
    sunrise: Vec<Option<String>>,
    sunset: Vec<Option<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HourlyBlock {
    time: Vec<String>,
    temperature_2m: Vec<Option<f64>>,
    precipitation_probability: Vec<Option<f64>>,
    precipitation: Vec<Option<f64>>,
    weather_code: Vec<Option<i64>>,
    wind_speed_10m: Vec<Option<f64>>,
    relative_humidity_2m: Vec<Option<f64>>,
}

fn at<T: Clone>(values: &[Option<T>], i: usize) -> Option<T> {
    values.get(i).cloned().flatten()
}

/// WMO weather interpretation codes as Open-Meteo documents them. Written out here because the
/// table is short and fixed, and no maintained crate carries it.
pub fn describe_weather_code(code: i64) -> Option<&'static str> {
    Some(match code {
        0 => "Clear sky",
        1 => "Mainly clear",
        2 => "Partly cloudy",
        3 => "Overcast",
        45 => "Fog",
        48 => "Depositing rime fog",
        51 => "Light drizzle",
        53 => "Moderate drizzle",
        55 => "Dense drizzle",
        56 => "Light freezing drizzle",
        57 => "Dense freezing drizzle",
        61 => "Slight rain",
        63 => "Moderate rain",
        65 => "Heavy rain",
        66 => "Light freezing rain",
        67 => "Heavy freezing rain",
        71 => "Slight snowfall",
        73 => "Moderate snowfall",
        75 => "Heavy snowfall",
        77 => "Snow grains",
        80 => "Slight rain showers",
        81 => "Moderate rain showers",
        82 => "Violent rain showers",
        85 => "Slight snow showers",
        86 => "Heavy snow showers",
        95 => "Thunderstorm",
        96 => "Thunderstorm with slight hail",
        99 => "Thunderstorm with heavy hail",
        _ => return None,
    })
}

/// The date, checked against the forecast range seen from `now` (UTC). Yesterday is allowed
/// because places west of UTC may still be on it.
fn forecast_date(date: &str, now: UnixTime) -> Result<Date, WorldError> {
    let format = format_description!("[year]-[month]-[day]");
    let day = Date::parse(date.trim(), format)
        .map_err(|_| WorldError::invalid("date", format!("must be a date YYYY-MM-DD, got {date:?}")))?;
    let today = OffsetDateTime::from_unix_timestamp(now)
        .map_err(|_| WorldError::invalid("date", "the clock is out of range"))?
        .date();
    let first = today - Days::days(1);
    let last = today + Days::days(FORECAST_DAYS - 1);
    if day < first || day > last {
        let show = |d: Date| d.format(format).unwrap_or_default();
        let when = if day < first { "is in the past" } else { "is too far ahead" };
        return Err(WorldError::OutOfRange(format!(
            "no forecast for {}: the date {when}. Open-Meteo forecasts cover {FORECAST_DAYS} days, today \
             from {} to {}. Ask again within that range; for dates further out, plan with the usual \
             climate of the season.",
            show(day),
            show(first),
            show(last)
        )));
    }
    Ok(day)
}

fn daily(f: &Forecast, date: &str) -> Result<DailyWeather, WorldError> {
    let d = f.daily.as_ref().ok_or_else(|| WorldError::Malformed {
        provider: Provider::OpenMeteo,
        detail: "the answer has no daily values".into(),
    })?;
    let i = d.time.iter().position(|t| t == date).ok_or_else(|| {
        WorldError::NoResult(format!("Open-Meteo returned no forecast for {date} at this place"))
    })?;
    let code = at(&d.weather_code, i);
    Ok(DailyWeather {
        date: date.to_owned(),
        lat: f.latitude,
        lng: f.longitude,
        timezone: f.timezone.clone(),
        weather_code: code,
        description: code.and_then(describe_weather_code).map(str::to_owned),
        temperature_max_c: at(&d.temperature_2m_max, i),
        temperature_min_c: at(&d.temperature_2m_min, i),
        precipitation_mm: at(&d.precipitation_sum, i),
        precipitation_probability_percent: at(&d.precipitation_probability_max, i),
        wind_speed_max_kmh: at(&d.wind_speed_10m_max, i),
        sunrise: at(&d.sunrise, i),
        sunset: at(&d.sunset, i),
    })
}

fn hourly(f: &Forecast, date: &str) -> Vec<HourlyWeather> {
    let Some(h) = f.hourly.as_ref() else { return Vec::new() };
    h.time
        .iter()
        .enumerate()
        .filter(|(_, t)| t.starts_with(date))
        .map(|(i, t)| {
            let code = at(&h.weather_code, i);
            HourlyWeather {
                time: t.clone(),
                temperature_c: at(&h.temperature_2m, i),
                precipitation_probability_percent: at(&h.precipitation_probability, i),
                precipitation_mm: at(&h.precipitation, i),
                weather_code: code,
                description: code.and_then(describe_weather_code).map(str::to_owned),
                wind_speed_kmh: at(&h.wind_speed_10m, i),
                relative_humidity_percent: at(&h.relative_humidity_2m, i),
            }
        })
        .collect()
}

impl World {
    async fn forecast(
        &self,
        store: &Store,
        now: UnixTime,
        input: &WeatherInput,
        with_hours: bool,
    ) -> Result<(Forecast, String), WorldError> {
        check_coordinates(input.lat, input.lng)?;
        let day = forecast_date(&input.date, now)?;
        let date = day.format(format_description!("[year]-[month]-[day]")).unwrap_or_default();
        let (lat, lng) = (format!("{:.4}", input.lat), format!("{:.4}", input.lng));
        let key = format!("forecast\n{lat}\n{lng}\n{date}\n{with_hours}");
        let mut url = self.inner.cfg.open_meteo_url.join("v1/forecast").map_err(|e| {
            WorldError::Malformed { provider: Provider::OpenMeteo, detail: format!("base url: {e}") }
        })?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("latitude", &lat)
                .append_pair("longitude", &lng)
                .append_pair("timezone", "auto")
                .append_pair("start_date", &date)
                .append_pair("end_date", &date)
                .append_pair("daily", DAILY_FIELDS);
            if with_hours {
                q.append_pair("hourly", HOURLY_FIELDS);
            }
        }
        let raw: serde_json::Value = self
            .cached(store, now, Provider::OpenMeteo, key, OPEN_METEO_CACHE_TTL_SECS, async {
                self.fetch_json(Provider::OpenMeteo, &url, None, Vec::new()).await
            })
            .await?;
        let forecast = serde_json::from_value(raw)
            .map_err(|e| WorldError::Malformed { provider: Provider::OpenMeteo, detail: e.to_string() })?;
        Ok((forecast, date))
    }

    pub async fn get_weather(
        &self,
        store: &Store,
        now: UnixTime,
        input: WeatherInput,
    ) -> Result<Weather, WorldError> {
        let (forecast, date) = self.forecast(store, now, &input, false).await?;
        Ok(Weather { weather: daily(&forecast, &date)? })
    }

    pub async fn get_detailed_weather(
        &self,
        store: &Store,
        now: UnixTime,
        input: WeatherInput,
    ) -> Result<DetailedWeather, WorldError> {
        let (forecast, date) = self.forecast(store, now, &input, true).await?;
        let day = daily(&forecast, &date)?;
        Ok(DetailedWeather { weather: DetailedDay { day, hours: hourly(&forecast, &date) } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-06T08:00:00Z
    const NOW: UnixTime = 1_796_544_000;

    #[test]
    fn forecast_range_is_yesterday_to_fifteen_days_ahead() {
        assert!(forecast_date("2026-12-05", NOW).is_ok());
        assert!(forecast_date("2026-12-21", NOW).is_ok());
        let err = forecast_date("2026-12-22", NOW).unwrap_err().to_string();
        assert!(err.contains("too far ahead") && err.contains("2026-12-21"), "{err}");
        let err = forecast_date("2026-12-04", NOW).unwrap_err().to_string();
        assert!(err.contains("in the past"), "{err}");
        assert!(matches!(forecast_date("06/12/2026", NOW), Err(WorldError::Invalid { field: "date", .. })));
    }

    #[test]
    fn weather_codes_have_words() {
        assert_eq!(describe_weather_code(0), Some("Clear sky"));
        assert_eq!(describe_weather_code(63), Some("Moderate rain"));
        assert_eq!(describe_weather_code(42), None);
    }
}
