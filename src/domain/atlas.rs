//! The user's atlas and bucket list (user-scoped, not trip-scoped): countries marked as
//! visited, by ISO 3166-1 alpha-2 code checked against the embedded [`COUNTRIES`] table, and
//! destinations on the bucket list.
//!
//! The country table is written out here rather than taken from a crate: it is small, changes
//! rarely (a code is added every few years), and keeping it beside the validation avoids a
//! dependency for one lookup.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, optional_text, required_text};
use super::trips::parse_date;
use super::{ChangeAction, Ctx, DomainError};

/// The English short name of an assigned ISO 3166-1 alpha-2 code (upper case), if any.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| COUNTRIES[i].1)
}

/// Normalises a country code (trimmed, upper-cased) and checks it is assigned.
pub fn country_code(field: &'static str, value: &str) -> Result<(String, &'static str), DomainError> {
    let code = value.trim().to_ascii_uppercase();
    match country_name(&code) {
        Some(name) if code.len() == 2 => Ok((code, name)),
        _ => Err(DomainError::invalid(
            field,
            format!("{value:?} is not an ISO 3166-1 alpha-2 country code like \"FR\" or \"JP\""),
        )),
    }
}

/// A country marked as visited.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VisitedCountry {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub code: String,
    pub name: String,
    /// When it was marked, Unix seconds.
    pub marked_at: i64,
}

/// `list_visited_countries` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VisitedCountryList {
    /// Sorted by country name.
    pub countries: Vec<VisitedCountry>,
    pub count: usize,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

pub fn list_visited_countries(cx: &Ctx<'_>, _input: NoInput) -> Result<VisitedCountryList, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT country_code, created_at FROM visited_countries WHERE user_id = ?1 ORDER BY country_code",
    )?;
    let rows = stmt.query_map([cx.actor.user.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut countries = Vec::new();
    for row in rows {
        let (code, marked_at) = row?;
        let name = country_name(&code).unwrap_or("Unknown").to_owned();
        countries.push(VisitedCountry { code, name, marked_at });
    }
    countries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(VisitedCountryList { count: countries.len(), countries })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryInput {
    /// ISO 3166-1 alpha-2 code, e.g. "FR" or "jp" (case does not matter).
    pub country_code: String,
}

/// The state of one country after marking or unmarking it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CountryVisit {
    pub code: String,
    pub name: String,
    pub visited: bool,
}

/// Marks a country as visited; marking it again changes nothing.
pub fn mark_country_visited(cx: &Ctx<'_>, input: CountryInput) -> Result<CountryVisit, DomainError> {
    let (code, name) = country_code("country_code", &input.country_code)?;
    let inserted = cx
        .conn
        .prepare_cached(
            "INSERT INTO visited_countries (user_id, country_code, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id, country_code) DO NOTHING",
        )?
        .execute(params![cx.actor.user.0, code, cx.now])?;
    if inserted > 0 {
        cx.changed("visited_country", ChangeAction::Created, cx.conn.last_insert_rowid(), None);
    }
    Ok(CountryVisit { code, name: name.to_owned(), visited: true })
}

/// Removes a country from the visited list; unmarking one that is not marked changes nothing.
pub fn unmark_country_visited(cx: &Ctx<'_>, input: CountryInput) -> Result<CountryVisit, DomainError> {
    let (code, name) = country_code("country_code", &input.country_code)?;
    let id: Option<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM visited_countries WHERE user_id = ?1 AND country_code = ?2")?
        .query_row(params![cx.actor.user.0, code], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        cx.conn.execute("DELETE FROM visited_countries WHERE id = ?1", [id])?;
        cx.changed("visited_country", ChangeAction::Deleted, id, None);
    }
    Ok(CountryVisit { code, name: name.to_owned(), visited: false })
}

/// A destination on the user's bucket list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BucketListItem {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country_code: Option<String>,
    pub country_name: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub notes: Option<String>,
    /// When you hope to go (YYYY-MM-DD).
    pub target_date: Option<String>,
}

/// `list_bucket_list` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BucketList {
    /// Oldest first.
    pub items: Vec<BucketListItem>,
}

fn bucket_items(cx: &Ctx<'_>, item_id: Option<i64>) -> Result<Vec<BucketListItem>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT id, name, country_code, lat, lng, notes, target_date FROM bucket_list_items
         WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map(params![cx.actor.user.0, item_id], |r| {
        let country_code: Option<String> = r.get(2)?;
        Ok(BucketListItem {
            id: r.get(0)?,
            name: r.get(1)?,
            country_name: country_code.as_deref().and_then(country_name).map(str::to_owned),
            country_code,
            lat: r.get(3)?,
            lng: r.get(4)?,
            notes: r.get(5)?,
            target_date: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_bucket_list(cx: &Ctx<'_>, _input: NoInput) -> Result<BucketList, DomainError> {
    Ok(BucketList { items: bucket_items(cx, None)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBucketListItemInput {
    /// The destination, 1-200 characters, e.g. "Northern lights in Tromsø".
    pub name: String,
    /// ISO 3166-1 alpha-2 code of its country, e.g. "NO".
    pub country_code: Option<String>,
    /// Latitude, -90..90; give with lng.
    pub lat: Option<f64>,
    /// Longitude, -180..180; give with lat.
    pub lng: Option<f64>,
    pub notes: Option<String>,
}

/// Checks a latitude/longitude pair: both or neither, each in range.
fn coordinates(lat: Option<f64>, lng: Option<f64>) -> Result<(), DomainError> {
    match (lat, lng) {
        (Some(lat), _) if !(-90.0..=90.0).contains(&lat) => {
            Err(DomainError::invalid("lat", "must be between -90 and 90"))
        }
        (_, Some(lng)) if !(-180.0..=180.0).contains(&lng) => {
            Err(DomainError::invalid("lng", "must be between -180 and 180"))
        }
        (Some(_), None) => Err(DomainError::invalid("lng", "required when lat is given")),
        (None, Some(_)) => Err(DomainError::invalid("lat", "required when lng is given")),
        _ => Ok(()),
    }
}

pub fn create_bucket_list_item(
    cx: &Ctx<'_>,
    input: CreateBucketListItemInput,
) -> Result<BucketListItem, DomainError> {
    let name = required_text("name", &input.name, 200)?;
    let code = input.country_code.map(|c| country_code("country_code", &c).map(|(c, _)| c)).transpose()?;
    coordinates(input.lat, input.lng)?;
    let notes = optional_text("notes", input.notes, 2000)?;
    cx.conn
        .prepare_cached(
            "INSERT INTO bucket_list_items (user_id, name, country_code, lat, lng, notes, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![cx.actor.user.0, name, code, input.lat, input.lng, notes, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("bucket_list_item", ChangeAction::Created, id, None);
    bucket_items(cx, Some(id))?.pop().ok_or(DomainError::NotFound { what: "bucket list item", id })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketListItemIdInput {
    /// The item's id (from list_bucket_list).
    pub item_id: i64,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBucketListItemInput {
    /// The item's id (from list_bucket_list).
    pub item_id: i64,
    /// New name, 1-200 characters.
    pub name: Option<String>,
    /// Omitted fields stay; null clears. Notes up to 2000 characters.
    #[serde(default)]
    pub notes: Patch<String>,
    /// ISO 3166-1 alpha-2 code; null clears.
    #[serde(default)]
    pub country_code: Patch<String>,
    /// Latitude and longitude are set together; null on both clears them.
    #[serde(default)]
    pub lat: Patch<f64>,
    #[serde(default)]
    pub lng: Patch<f64>,
    /// When you hope to go (YYYY-MM-DD); null clears.
    #[serde(default)]
    pub target_date: Patch<String>,
}

/// Changes one of the actor's bucket list items; another user's item is not found.
pub fn update_bucket_list_item(
    cx: &Ctx<'_>,
    input: UpdateBucketListItemInput,
) -> Result<BucketListItem, DomainError> {
    let id = input.item_id;
    let item =
        bucket_items(cx, Some(id))?.pop().ok_or(DomainError::NotFound { what: "bucket list item", id })?;
    let name = match input.name {
        Some(n) => required_text("name", &n, 200)?,
        None => item.name,
    };
    let notes = match input.notes {
        Patch::Set(n) => optional_text("notes", Some(n), 2000)?,
        other => other.apply(item.notes),
    };
    let code = match input.country_code {
        Patch::Set(c) => Some(country_code("country_code", &c)?.0),
        other => other.apply(item.country_code),
    };
    let (lat, lng) = (input.lat.apply(item.lat), input.lng.apply(item.lng));
    coordinates(lat, lng)?;
    let target_date = match input.target_date {
        Patch::Set(d) => {
            parse_date("target_date", d.trim())?;
            Some(d.trim().to_owned())
        }
        other => other.apply(item.target_date),
    };
    cx.conn.execute(
        "UPDATE bucket_list_items SET name = ?2, notes = ?3, country_code = ?4, lat = ?5, lng = ?6, target_date = ?7
         WHERE id = ?1",
        params![id, name, notes, code, lat, lng, target_date],
    )?;
    cx.changed("bucket_list_item", ChangeAction::Updated, id, None);
    bucket_items(cx, Some(id))?.pop().ok_or(DomainError::NotFound { what: "bucket list item", id })
}

/// Removes one of the actor's bucket list items; another user's item is not found.
pub fn delete_bucket_list_item(cx: &Ctx<'_>, input: BucketListItemIdInput) -> Result<Deleted, DomainError> {
    let removed = cx.conn.execute(
        "DELETE FROM bucket_list_items WHERE id = ?1 AND user_id = ?2",
        params![input.item_id, cx.actor.user.0],
    )?;
    if removed == 0 {
        return Err(DomainError::NotFound { what: "bucket list item", id: input.item_id });
    }
    cx.changed("bucket_list_item", ChangeAction::Deleted, input.item_id, None);
    Ok(Deleted::new(input.item_id))
}

/// Every assigned ISO 3166-1 alpha-2 code with its English short name, sorted by code (the
/// lookup is a binary search; a unit test checks the order).
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Congo, Democratic Republic of the"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands (Malvinas)"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin (French part)"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "Virgin Islands (British)"),
    ("VI", "Virgin Islands (U.S.)"),
    ("VN", "Viet Nam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_table_is_sorted_unique_and_complete() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0), "COUNTRIES must be sorted by code");
        assert!(
            COUNTRIES
                .iter()
                .all(|(c, n)| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) && !n.is_empty())
        );
        // ISO 3166-1 assigns 249 alpha-2 codes.
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn codes_are_case_insensitive_and_checked() {
        assert_eq!(country_code("c", " jp ").unwrap(), ("JP".to_owned(), "Japan"));
        for bad in ["XX", "", "FRA", "F", "1A"] {
            assert!(country_code("c", bad).is_err(), "{bad}");
        }
    }
}
