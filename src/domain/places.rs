//! Places of a trip (points of interest with coordinates, category, contact details, price and
//! timing) and the fixed list of place categories. A place is "assigned" when it is planned on
//! at least one day (`domain::assignments`).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::assignments::renumber_assignments;
use super::atlas::country_code;
use super::common::{Deleted, Patch, decimal_amount, hh_mm, optional_text, required_text};
use super::regions::address_country;
use super::tags::{TagRef, ensure_own_tag};
use super::trips::ensure_visible;
use super::{ChangeAction, Ctx, DomainError};

/// A place category (seeded list).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// An emoji.
    pub icon: String,
    /// Hex colour, `#rrggbb`.
    pub color: String,
}

/// `list_categories` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryList {
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

pub fn list_categories(cx: &Ctx<'_>, _input: NoInput) -> Result<CategoryList, DomainError> {
    let mut stmt =
        cx.conn.prepare_cached("SELECT id, name, icon, color FROM categories ORDER BY position, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Category { id: r.get(0)?, name: r.get(1)?, icon: r.get(2)?, color: r.get(3)? })
    })?;
    Ok(CategoryList { categories: rows.collect::<Result<_, _>>()? })
}

/// How one gets to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    Walking,
    Driving,
    Cycling,
    Transit,
}

impl TransportMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Walking => "walking",
            Self::Driving => "driving",
            Self::Cycling => "cycling",
            Self::Transit => "transit",
        }
    }
}

/// A place as lists and the summary show it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Place {
    pub id: i64,
    pub trip_id: i64,
    pub name: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub address: Option<String>,
    pub category_id: Option<i64>,
    /// The category's name.
    pub category: Option<String>,
    pub notes: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub osm_id: Option<String>,
    pub google_place_id: Option<String>,
    /// Decimal amount as text (e.g. "12.50").
    pub price: Option<String>,
    /// Currency of the price; the trip's when null.
    pub currency: Option<String>,
    pub transport_mode: Option<String>,
    pub duration_minutes: Option<i64>,
    /// Preferred visiting time, HH:MM.
    pub place_time: Option<String>,
    pub end_time: Option<String>,
    pub tags: Vec<TagRef>,
    /// How many times the place is planned on a day.
    pub assignment_count: i64,
    /// True when the place is not planned on any day yet.
    pub unassigned: bool,
}

/// Which places `list_places` returns, by whether they are planned on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentFilter {
    #[default]
    All,
    Unassigned,
    Assigned,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPlacesInput {
    pub trip_id: i64,
    /// all (default), unassigned (not planned on any day) or assigned.
    #[serde(default)]
    pub assignment: AssignmentFilter,
    /// Only places of this category (ids from list_categories).
    pub category_id: Option<i64>,
    /// Only places carrying this tag (ids from list_tags).
    pub tag_id: Option<i64>,
    /// Case-insensitive text to find in name, address or notes.
    pub search: Option<String>,
}

/// `list_places` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlaceList {
    pub places: Vec<Place>,
}

/// What to load: all places of a trip, one place, or a filtered list.
#[derive(Default)]
struct PlaceQuery<'q> {
    place_id: Option<i64>,
    category_id: Option<i64>,
    tag_id: Option<i64>,
    search: Option<&'q str>,
}

const PLACE_SELECT: &str = "SELECT p.id, p.trip_id, p.name, p.lat, p.lng, p.address, p.category_id, c.name,
        p.notes, p.website, p.phone, p.osm_id, p.google_place_id, p.price, p.currency, p.transport_mode,
        p.duration_minutes, p.place_time, p.end_time,
        (SELECT count(*) FROM day_assignments a WHERE a.place_id = p.id)
     FROM places p LEFT JOIN categories c ON c.id = p.category_id
     WHERE p.trip_id = ?1
       AND (?2 IS NULL OR p.id = ?2)
       AND (?3 IS NULL OR p.category_id = ?3)
       AND (?4 IS NULL OR EXISTS (SELECT 1 FROM place_tags pt WHERE pt.place_id = p.id AND pt.tag_id = ?4))
       AND (?5 IS NULL OR p.name LIKE ?5 ESCAPE '\\' OR p.address LIKE ?5 ESCAPE '\\' OR p.notes LIKE ?5 ESCAPE '\\')
     ORDER BY p.name COLLATE NOCASE, p.id";

/// Loads places in two queries (places, then their tags), however many there are.
fn load_places(cx: &Ctx<'_>, trip_id: i64, q: PlaceQuery<'_>) -> Result<Vec<Place>, DomainError> {
    let pattern = q.search.map(|s| {
        let escaped = s.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    });
    let mut stmt = cx.conn.prepare_cached(PLACE_SELECT)?;
    let rows = stmt.query_map(params![trip_id, q.place_id, q.category_id, q.tag_id, pattern], |r| {
        let assignment_count: i64 = r.get(19)?;
        Ok(Place {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            name: r.get(2)?,
            lat: r.get(3)?,
            lng: r.get(4)?,
            address: r.get(5)?,
            category_id: r.get(6)?,
            category: r.get(7)?,
            notes: r.get(8)?,
            website: r.get(9)?,
            phone: r.get(10)?,
            osm_id: r.get(11)?,
            google_place_id: r.get(12)?,
            price: r.get(13)?,
            currency: r.get(14)?,
            transport_mode: r.get(15)?,
            duration_minutes: r.get(16)?,
            place_time: r.get(17)?,
            end_time: r.get(18)?,
            tags: Vec::new(),
            assignment_count,
            unassigned: assignment_count == 0,
        })
    })?;
    let mut places: Vec<Place> = rows.collect::<Result<_, _>>()?;
    if places.is_empty() {
        return Ok(places);
    }
    let mut tags: HashMap<i64, Vec<TagRef>> = HashMap::new();
    let mut stmt = cx.conn.prepare_cached(
        "SELECT pt.place_id, t.id, t.name, t.color
         FROM place_tags pt JOIN tags t ON t.id = pt.tag_id JOIN places p ON p.id = pt.place_id
         WHERE p.trip_id = ?1 AND (?2 IS NULL OR p.id = ?2)
         ORDER BY t.name, t.id",
    )?;
    let rows = stmt.query_map(params![trip_id, q.place_id], |r| {
        Ok((r.get::<_, i64>(0)?, TagRef { id: r.get(1)?, name: r.get(2)?, color: r.get(3)? }))
    })?;
    for row in rows {
        let (place_id, tag) = row?;
        tags.entry(place_id).or_default().push(tag);
    }
    for place in &mut places {
        place.tags = tags.remove(&place.id).unwrap_or_default();
    }
    Ok(places)
}

/// Every place of a trip (no access check: callers have done it).
pub fn places_of(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<Place>, DomainError> {
    load_places(cx, trip_id, PlaceQuery::default())
}

/// One place of a trip; `NotFound` naming the place when it is not in that trip.
pub fn get_place(cx: &Ctx<'_>, trip_id: i64, place_id: i64) -> Result<Place, DomainError> {
    load_places(cx, trip_id, PlaceQuery { place_id: Some(place_id), ..PlaceQuery::default() })?
        .pop()
        .ok_or(DomainError::NotFound { what: "place", id: place_id })
}

/// Checks the place belongs to the trip.
pub fn ensure_place_in_trip(cx: &Ctx<'_>, trip_id: i64, place_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached("SELECT 1 FROM places WHERE id = ?1 AND trip_id = ?2")?
        .query_row(params![place_id, trip_id], |_| Ok(()))
        .optional()?
        .ok_or(DomainError::NotFound { what: "place", id: place_id })
}

pub fn list_places(cx: &Ctx<'_>, input: ListPlacesInput) -> Result<PlaceList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let search = input.search.as_deref().filter(|s| !s.trim().is_empty());
    let query = PlaceQuery { place_id: None, category_id: input.category_id, tag_id: input.tag_id, search };
    let mut places = load_places(cx, input.trip_id, query)?;
    places.retain(|p| match input.assignment {
        AssignmentFilter::All => true,
        AssignmentFilter::Unassigned => p.unassigned,
        AssignmentFilter::Assigned => !p.unassigned,
    });
    Ok(PlaceList { places })
}

/// The stored columns of a place, validated together on create and update.
struct PlaceFields {
    name: String,
    lat: Option<f64>,
    lng: Option<f64>,
    address: Option<String>,
    category_id: Option<i64>,
    notes: Option<String>,
    website: Option<String>,
    phone: Option<String>,
    osm_id: Option<String>,
    google_place_id: Option<String>,
    price: Option<String>,
    currency: Option<String>,
    transport_mode: Option<String>,
    duration_minutes: Option<i64>,
    place_time: Option<String>,
    end_time: Option<String>,
}

impl PlaceFields {
    fn from_place(p: Place) -> Self {
        Self {
            name: p.name,
            lat: p.lat,
            lng: p.lng,
            address: p.address,
            category_id: p.category_id,
            notes: p.notes,
            website: p.website,
            phone: p.phone,
            osm_id: p.osm_id,
            google_place_id: p.google_place_id,
            price: p.price,
            currency: p.currency,
            transport_mode: p.transport_mode,
            duration_minutes: p.duration_minutes,
            place_time: p.place_time,
            end_time: p.end_time,
        }
    }

    /// Checks every field, naming the first one that is wrong, and normalises text.
    fn validate(self, cx: &Ctx<'_>) -> Result<Self, DomainError> {
        let name = required_text("name", &self.name, 200)?;
        match (self.lat, self.lng) {
            (Some(lat), _) if !(-90.0..=90.0).contains(&lat) => {
                return Err(DomainError::invalid("lat", "must be between -90 and 90"));
            }
            (_, Some(lng)) if !(-180.0..=180.0).contains(&lng) => {
                return Err(DomainError::invalid("lng", "must be between -180 and 180"));
            }
            (Some(_), None) => return Err(DomainError::invalid("lng", "required when lat is given")),
            (None, Some(_)) => return Err(DomainError::invalid("lat", "required when lng is given")),
            _ => {}
        }
        if let Some(id) = self.category_id {
            cx.conn
                .prepare_cached("SELECT 1 FROM categories WHERE id = ?1")?
                .query_row([id], |_| Ok(()))
                .optional()?
                .ok_or(DomainError::NotFound { what: "category", id })?;
        }
        let website = optional_text("website", self.website, 500)?;
        if let Some(w) = &website
            && !(w.starts_with("https://") || w.starts_with("http://"))
        {
            return Err(DomainError::invalid("website", "must start with https:// or http://"));
        }
        let price = self.price.map(|p| decimal_amount("price", &p)).transpose()?;
        let currency = match self.currency {
            Some(c) => {
                let c = c.trim().to_ascii_uppercase();
                if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                    return Err(DomainError::invalid(
                        "currency",
                        format!("{c:?} is not a 3-letter ISO 4217 code"),
                    ));
                }
                Some(c)
            }
            None => None,
        };
        if let Some(d) = self.duration_minutes
            && !(0..=10_080).contains(&d)
        {
            return Err(DomainError::invalid("duration_minutes", "must be between 0 and 10080 (a week)"));
        }
        let place_time = self.place_time.map(|t| hh_mm("place_time", &t)).transpose()?;
        let end_time = self.end_time.map(|t| hh_mm("end_time", &t)).transpose()?;
        if let (Some(s), Some(e)) = (&place_time, &end_time)
            && e < s
        {
            return Err(DomainError::invalid("end_time", "must not be before place_time"));
        }
        Ok(Self {
            name,
            lat: self.lat,
            lng: self.lng,
            address: optional_text("address", self.address, 500)?,
            category_id: self.category_id,
            notes: optional_text("notes", self.notes, 10_000)?,
            website,
            phone: optional_text("phone", self.phone, 50)?,
            osm_id: optional_text("osm_id", self.osm_id, 100)?,
            google_place_id: optional_text("google_place_id", self.google_place_id, 300)?,
            price,
            currency,
            transport_mode: self.transport_mode,
            duration_minutes: self.duration_minutes,
            place_time,
            end_time,
        })
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlaceInput {
    pub trip_id: i64,
    /// 1-200 characters.
    pub name: String,
    /// Latitude, -90..90; give with lng.
    pub lat: Option<f64>,
    /// Longitude, -180..180; give with lat.
    pub lng: Option<f64>,
    pub address: Option<String>,
    /// From list_categories.
    pub category_id: Option<i64>,
    pub notes: Option<String>,
    /// https:// or http:// URL.
    pub website: Option<String>,
    pub phone: Option<String>,
    /// OpenStreetMap id (e.g. "node/123"), from search_place.
    pub osm_id: Option<String>,
    /// Google place id, from search_place.
    pub google_place_id: Option<String>,
    /// Price as a decimal string, e.g. "12.50".
    pub price: Option<String>,
    /// ISO 4217 code of the price; the trip's currency when omitted.
    pub currency: Option<String>,
    pub transport_mode: Option<TransportMode>,
    /// Time to spend there, in minutes.
    pub duration_minutes: Option<i64>,
    /// Preferred visiting time, HH:MM.
    pub place_time: Option<String>,
    /// Preferred end time, HH:MM.
    pub end_time: Option<String>,
    /// Your tags to put on the place (ids from list_tags).
    pub tag_ids: Option<Vec<i64>>,
    /// ISO 3166-1 alpha-2 country (search_place's country_code); derived from the address when omitted.
    pub country_code: Option<String>,
}

/// Stores the place's country (Atlas): the code given, else the one its address names.
fn set_place_country(
    cx: &Ctx<'_>,
    place_id: i64,
    given: Option<String>,
    address: Option<&str>,
) -> Result<(), DomainError> {
    let code = match given {
        Some(c) => Some(country_code("country_code", &c)?.0),
        None => address.and_then(address_country),
    };
    cx.conn.execute("UPDATE places SET country_code = ?2 WHERE id = ?1", params![place_id, code])?;
    Ok(())
}

/// Replaces the actor's tags on a place (other users' tags stay).
fn set_place_tags(cx: &Ctx<'_>, place_id: i64, tag_ids: &[i64]) -> Result<(), DomainError> {
    for &tag_id in tag_ids {
        ensure_own_tag(cx, tag_id)?;
    }
    cx.conn
        .prepare_cached(
            "DELETE FROM place_tags WHERE place_id = ?1 AND tag_id IN (SELECT id FROM tags WHERE user_id = ?2)",
        )?
        .execute(params![place_id, cx.actor.user.0])?;
    let mut insert =
        cx.conn.prepare_cached("INSERT OR IGNORE INTO place_tags (place_id, tag_id) VALUES (?1, ?2)")?;
    for &tag_id in tag_ids {
        insert.execute(params![place_id, tag_id])?;
    }
    Ok(())
}

fn write_place(
    cx: &Ctx<'_>,
    trip_id: i64,
    place_id: Option<i64>,
    f: &PlaceFields,
) -> Result<i64, DomainError> {
    let values = params![
        trip_id,
        f.name,
        f.lat,
        f.lng,
        f.address,
        f.category_id,
        f.notes,
        f.website,
        f.phone,
        f.osm_id,
        f.google_place_id,
        f.price,
        f.currency,
        f.transport_mode,
        f.duration_minutes,
        f.place_time,
        f.end_time,
        cx.now,
        place_id,
    ];
    // One parameter list for both statements; the INSERT names ?19 (always NULL there) so
    // both bind the same 19 values.
    match place_id {
        None => {
            cx.conn.prepare_cached(
                "INSERT INTO places (trip_id, name, lat, lng, address, category_id, notes, website, phone, osm_id,
                     google_place_id, price, currency, transport_mode, duration_minutes, place_time, end_time,
                     created_at, updated_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18
                 WHERE ?19 IS NULL",
            )?
            .execute(values)?;
            Ok(cx.conn.last_insert_rowid())
        }
        Some(id) => {
            cx.conn.prepare_cached(
                "UPDATE places SET name = ?2, lat = ?3, lng = ?4, address = ?5, category_id = ?6, notes = ?7,
                     website = ?8, phone = ?9, osm_id = ?10, google_place_id = ?11, price = ?12, currency = ?13,
                     transport_mode = ?14, duration_minutes = ?15, place_time = ?16, end_time = ?17, updated_at = ?18
                 WHERE id = ?19 AND trip_id = ?1",
            )?
            .execute(values)?;
            Ok(id)
        }
    }
}

/// Adds a place to a trip.
pub fn create_place(cx: &Ctx<'_>, input: CreatePlaceInput) -> Result<Place, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let fields = PlaceFields {
        name: input.name,
        lat: input.lat,
        lng: input.lng,
        address: input.address,
        category_id: input.category_id,
        notes: input.notes,
        website: input.website,
        phone: input.phone,
        osm_id: input.osm_id,
        google_place_id: input.google_place_id,
        price: input.price,
        currency: input.currency,
        transport_mode: input.transport_mode.map(|m| m.as_str().to_owned()),
        duration_minutes: input.duration_minutes,
        place_time: input.place_time,
        end_time: input.end_time,
    }
    .validate(cx)?;
    let id = write_place(cx, input.trip_id, None, &fields)?;
    set_place_country(cx, id, input.country_code, fields.address.as_deref())?;
    if let Some(tags) = &input.tag_ids {
        set_place_tags(cx, id, tags)?;
    }
    cx.changed("place", ChangeAction::Created, id, Some(input.trip_id));
    get_place(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlaceInput {
    pub trip_id: i64,
    /// The place's id (from list_places).
    pub place_id: i64,
    /// New name, 1-200 characters.
    pub name: Option<String>,
    /// Omitted fields stay; null clears. lat and lng go together.
    #[serde(default)]
    pub lat: Patch<f64>,
    #[serde(default)]
    pub lng: Patch<f64>,
    #[serde(default)]
    pub address: Patch<String>,
    #[serde(default)]
    pub category_id: Patch<i64>,
    #[serde(default)]
    pub notes: Patch<String>,
    #[serde(default)]
    pub website: Patch<String>,
    #[serde(default)]
    pub phone: Patch<String>,
    #[serde(default)]
    pub osm_id: Patch<String>,
    #[serde(default)]
    pub google_place_id: Patch<String>,
    /// Decimal string, e.g. "12.50".
    #[serde(default)]
    pub price: Patch<String>,
    #[serde(default)]
    pub currency: Patch<String>,
    #[serde(default)]
    pub transport_mode: Patch<TransportMode>,
    #[serde(default)]
    pub duration_minutes: Patch<i64>,
    /// HH:MM.
    #[serde(default)]
    pub place_time: Patch<String>,
    /// HH:MM.
    #[serde(default)]
    pub end_time: Patch<String>,
    /// Replaces your tags on the place (ids from list_tags); [] removes them.
    pub tag_ids: Option<Vec<i64>>,
    /// ISO 3166-1 alpha-2 country; null derives it from the address, which a new address also does.
    #[serde(default)]
    pub country_code: Patch<String>,
}

/// Changes fields of a place; omitted fields stay, null clears.
pub fn update_place(cx: &Ctx<'_>, input: UpdatePlaceInput) -> Result<Place, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let place = get_place(cx, input.trip_id, input.place_id)?;
    let mut f = PlaceFields::from_place(place);
    if let Some(name) = input.name {
        f.name = name;
    }
    f.lat = input.lat.apply(f.lat);
    f.lng = input.lng.apply(f.lng);
    let address_kept = input.address.is_keep();
    f.address = input.address.apply(f.address);
    f.category_id = input.category_id.apply(f.category_id);
    f.notes = input.notes.apply(f.notes);
    f.website = input.website.apply(f.website);
    f.phone = input.phone.apply(f.phone);
    f.osm_id = input.osm_id.apply(f.osm_id);
    f.google_place_id = input.google_place_id.apply(f.google_place_id);
    f.price = input.price.apply(f.price);
    f.currency = input.currency.apply(f.currency);
    f.transport_mode = match input.transport_mode {
        Patch::Keep => f.transport_mode,
        Patch::Clear => None,
        Patch::Set(m) => Some(m.as_str().to_owned()),
    };
    f.duration_minutes = input.duration_minutes.apply(f.duration_minutes);
    f.place_time = input.place_time.apply(f.place_time);
    f.end_time = input.end_time.apply(f.end_time);
    let f = f.validate(cx)?;
    write_place(cx, input.trip_id, Some(input.place_id), &f)?;
    match input.country_code {
        Patch::Set(code) => set_place_country(cx, input.place_id, Some(code), None)?,
        Patch::Clear => set_place_country(cx, input.place_id, None, f.address.as_deref())?,
        Patch::Keep if !address_kept => set_place_country(cx, input.place_id, None, f.address.as_deref())?,
        Patch::Keep => {}
    }
    if let Some(tags) = &input.tag_ids {
        set_place_tags(cx, input.place_id, tags)?;
    }
    cx.changed("place", ChangeAction::Updated, input.place_id, Some(input.trip_id));
    get_place(cx, input.trip_id, input.place_id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceIdInput {
    pub trip_id: i64,
    /// The place's id (from list_places).
    pub place_id: i64,
}

/// Removes a place and every assignment of it; the days' remaining assignments close ranks.
pub fn delete_place(cx: &Ctx<'_>, input: PlaceIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_place_in_trip(cx, input.trip_id, input.place_id)?;
    let assignments: Vec<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM day_assignments WHERE place_id = ?1")?
        .query_map([input.place_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let stays = super::accommodations::stays_removed_with(cx, Some(input.place_id), None)?;
    cx.conn.execute("DELETE FROM places WHERE id = ?1", [input.place_id])?;
    renumber_assignments(cx, input.trip_id)?;
    for id in assignments {
        cx.changed("assignment", ChangeAction::Deleted, id, Some(input.trip_id));
    }
    for id in stays {
        cx.changed("accommodation", ChangeAction::Deleted, id, Some(input.trip_id));
    }
    cx.changed("place", ChangeAction::Deleted, input.place_id, Some(input.trip_id));
    Ok(Deleted::new(input.place_id))
}
