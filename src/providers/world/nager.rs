//! Nager.Date: the countries it knows and their public holidays by year
//! (<https://date.nager.at/Api>, API v3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Provider, World, WorldError};
use crate::clock::UnixTime;
use crate::store::Store;

/// Holidays of a past or coming year do not change: answers are reused for a week.
pub const NAGER_CACHE_TTL_SECS: i64 = 7 * 24 * 3600;
/// Largest Nager.Date answer read (the country list is about 10 KB).
pub const NAGER_MAX_BODY_BYTES: usize = 256 * 1024;
/// Years accepted by list_holidays (Nager.Date computes holidays for a wide range; this keeps
/// typos such as 20277 from reaching it).
pub const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HolidayCountry {
    /// ISO 3166-1 alpha-2 code, e.g. "JP".
    pub country_code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HolidayCountries {
    pub countries: Vec<HolidayCountry>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysInput {
    /// ISO 3166-1 alpha-2 code, e.g. "JP" (see list_holiday_countries).
    pub country: String,
    /// Calendar year, e.g. 2027.
    pub year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Holiday {
    /// YYYY-MM-DD.
    pub date: String,
    /// Name in the country's language.
    pub local_name: String,
    /// English name.
    pub name: String,
    /// True when it applies to the whole country; otherwise see `regions`.
    pub global: bool,
    /// ISO 3166-2 codes of the regions it applies to, when not global.
    pub regions: Vec<String>,
    /// E.g. "Public", "Bank", "School", "Optional".
    pub types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Holidays {
    pub country: String,
    pub year: i32,
    pub holidays: Vec<Holiday>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NagerCountry {
    country_code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NagerHoliday {
    date: String,
    local_name: String,
    name: String,
    #[serde(default)]
    global: bool,
    #[serde(default)]
    counties: Option<Vec<String>>,
    #[serde(default)]
    types: Option<Vec<String>>,
}

impl World {
    fn nager_url(&self, path: &str) -> Result<url::Url, WorldError> {
        self.inner.cfg.nager_date_url.join(path).map_err(|e| WorldError::Malformed {
            provider: Provider::NagerDate,
            detail: format!("base url: {e}"),
        })
    }

    pub async fn list_holiday_countries(
        &self,
        store: &Store,
        now: UnixTime,
        _input: NoInput,
    ) -> Result<HolidayCountries, WorldError> {
        let url = self.nager_url("api/v3/AvailableCountries")?;
        self.cached(store, now, Provider::NagerDate, "countries".into(), NAGER_CACHE_TTL_SECS, async {
            let found: Vec<NagerCountry> =
                self.fetch_json(Provider::NagerDate, &url, None, Vec::new()).await?;
            let mut countries: Vec<HolidayCountry> = found
                .into_iter()
                .map(|c| HolidayCountry { country_code: c.country_code.to_ascii_uppercase(), name: c.name })
                .collect();
            countries.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(HolidayCountries { countries })
        })
        .await
    }

    pub async fn list_holidays(
        &self,
        store: &Store,
        now: UnixTime,
        input: HolidaysInput,
    ) -> Result<Holidays, WorldError> {
        let country = input.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(WorldError::invalid(
                "country",
                format!("must be an ISO 3166-1 alpha-2 code such as \"JP\", got {:?}", input.country),
            ));
        }
        let year = input.year;
        if !HOLIDAY_YEARS.contains(&year) {
            return Err(WorldError::invalid(
                "year",
                format!("must be between {} and {}, got {year}", HOLIDAY_YEARS.start(), HOLIDAY_YEARS.end()),
            ));
        }
        let url = self.nager_url(&format!("api/v3/PublicHolidays/{year}/{country}"))?;
        let key = format!("holidays\n{country}\n{year}");
        let fetched = self
            .cached(store, now, Provider::NagerDate, key, NAGER_CACHE_TTL_SECS, async {
                let found: Vec<NagerHoliday> =
                    self.fetch_json(Provider::NagerDate, &url, None, Vec::new()).await?;
                Ok(found
                    .into_iter()
                    .map(|h| Holiday {
                        date: h.date,
                        local_name: h.local_name,
                        name: h.name,
                        global: h.global,
                        regions: h.counties.unwrap_or_default(),
                        types: h.types.unwrap_or_default(),
                    })
                    .collect::<Vec<_>>())
            })
            .await;
        // Nager.Date answers 404 (or, in some versions, an empty list) for a country it does not know.
        let unknown = || {
            WorldError::NoResult(format!(
                "Nager.Date has no public holidays for country {country} in {year}; list_holiday_countries \
                 names the countries it knows"
            ))
        };
        match fetched {
            Err(WorldError::Upstream { status: 404, .. }) => Err(unknown()),
            Ok(holidays) if holidays.is_empty() => Err(unknown()),
            Ok(holidays) => Ok(Holidays { country, year, holidays }),
            Err(e) => Err(e),
        }
    }
}
