//! Vacay holiday calendars: public holiday calendars (a country like "DE" or an ISO 3166-2
//! region like "DE-BY") added to the plan, and the local copy of their public holidays. The
//! holidays are fetched from Nager.Date before an operation's transaction (`ops::vacay_calendars`)
//! and stored per region and year, so statistics and day checks read them without the network.
//! Like company holidays, public holidays are days off: they cannot be vacation days, adding a
//! calendar removes vacation days logged on its holidays, and the statistics count them.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::atlas::country_code;
use super::common::{hex_colour, optional_text};
use super::regions::subdivision;
use super::vacay::{ensure_plan, find_plan, years_of};
use super::{ChangeAction, Ctx, DomainError};

/// Holiday calendars per plan at most.
pub const MAX_HOLIDAY_CALENDARS: usize = 10;
/// Longest calendar label, in characters.
pub const MAX_CALENDAR_LABEL_CHARS: usize = 60;
const DEFAULT_CALENDAR_COLOR: &str = "#fca5a5";

/// A holiday calendar of the plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HolidayCalendar {
    pub id: i64,
    /// ISO 3166-1 alpha-2 country ("DE") or ISO 3166-2 region ("DE-BY").
    pub region: String,
    pub label: Option<String>,
    pub color: String,
}

/// `add/update/delete_holiday_calendar` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HolidayCalendars {
    pub calendars: Vec<HolidayCalendar>,
}

pub(crate) fn calendars(cx: &Ctx<'_>, plan: Option<i64>) -> Result<Vec<HolidayCalendar>, DomainError> {
    let Some(plan) = plan else { return Ok(Vec::new()) };
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT id, region, label, color FROM vacay_holiday_calendars WHERE plan_id = ?1 ORDER BY id",
        )?
        .query_map([plan], |r| {
            Ok(HolidayCalendar { id: r.get(0)?, region: r.get(1)?, label: r.get(2)?, color: r.get(3)? })
        })?
        .collect::<Result<_, _>>()?)
}

/// Normalises a calendar region: an assigned country code or a known ISO 3166-2 subdivision.
pub fn region_code(value: &str) -> Result<String, DomainError> {
    let code = value.trim().to_ascii_uppercase();
    if code.len() == 2 {
        return Ok(country_code("region", &code)?.0);
    }
    match subdivision(&code) {
        Some(s) => Ok(s.code.to_owned()),
        None => Err(DomainError::invalid(
            "region",
            format!(
                "{value:?} is neither a country code like \"DE\" nor an ISO 3166-2 region like \"DE-BY\""
            ),
        )),
    }
}

/// The country part of a region code, the one Nager.Date is asked about.
pub fn country_of(region: &str) -> &str {
    region.get(..2).unwrap_or(region)
}

/// The regions of the caller's plan calendars and its tracked years (what prefetching needs).
pub fn plan_regions_and_years(cx: &Ctx<'_>) -> Result<(Vec<String>, Vec<i64>), DomainError> {
    let plan = find_plan(cx)?;
    let regions = calendars(cx, plan.as_ref().map(|p| p.id))?.into_iter().map(|c| c.region).collect();
    Ok((regions, years_of(cx, plan.as_ref())?))
}

/// Whether the holidays of `region` in `year` are stored.
pub fn region_year_loaded(conn: &rusqlite::Connection, region: &str, year: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM vacay_region_years WHERE region = ?1 AND year = ?2")?
        .query_row(params![region, year], |_| Ok(()))
        .optional()?
        .is_some())
}

/// One public holiday as stored: (date, English name, local name).
pub type StoredHoliday = (String, String, String);

/// Stores the public holidays of `region` in `year` (replacing an earlier copy).
pub fn store_region_year(
    tx: &rusqlite::Transaction<'_>,
    region: &str,
    year: i64,
    holidays: &[StoredHoliday],
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM vacay_region_years WHERE region = ?1 AND year = ?2", params![region, year])?;
    tx.execute(
        "INSERT INTO vacay_region_years (region, year, fetched_at) VALUES (?1, ?2, ?3)",
        params![region, year, now],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO vacay_region_holidays (region, year, date, name, local_name) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (date, name, local_name) in holidays {
        insert.execute(params![region, year, date, name, local_name])?;
    }
    Ok(())
}

/// The distinct public-holiday dates of the plan's calendars in `year`.
pub(crate) fn holiday_dates(cx: &Ctx<'_>, plan: i64, year: i64) -> Result<BTreeSet<String>, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT DISTINCT h.date FROM vacay_region_holidays h
             JOIN vacay_holiday_calendars c ON c.region = h.region WHERE c.plan_id = ?1 AND h.year = ?2",
        )?
        .query_map(params![plan, year], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCalendarInput {
    /// Country ("DE") or ISO 3166-2 region ("DE-BY").
    pub region: String,
    pub label: Option<String>,
    /// Hex colour.
    pub color: Option<String>,
}

pub fn add_holiday_calendar(cx: &Ctx<'_>, input: AddCalendarInput) -> Result<HolidayCalendars, DomainError> {
    let region = region_code(&input.region)?;
    let label = optional_text("label", input.label, MAX_CALENDAR_LABEL_CHARS)?;
    let color = match input.color {
        Some(c) => hex_colour("color", &c)?,
        None => DEFAULT_CALENDAR_COLOR.to_owned(),
    };
    let plan = ensure_plan(cx)?;
    let existing = calendars(cx, Some(plan.id))?;
    if existing.iter().any(|c| c.region == region) {
        return Err(DomainError::Conflict(format!("your plan already has a holiday calendar for {region}")));
    }
    if existing.len() >= MAX_HOLIDAY_CALENDARS {
        return Err(DomainError::Limit { what: "holiday calendars per plan", limit: MAX_HOLIDAY_CALENDARS });
    }
    cx.conn.execute(
        "INSERT INTO vacay_holiday_calendars (plan_id, region, label, color, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![plan.id, region, label, color, cx.now],
    )?;
    // Nobody spends a vacation day on a day off (as with company holidays).
    cx.conn.execute(
        "DELETE FROM vacay_entries WHERE plan_id = ?1 AND date IN (SELECT date FROM vacay_region_holidays WHERE region = ?2)",
        params![plan.id, region],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    Ok(HolidayCalendars { calendars: calendars(cx, Some(plan.id))? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCalendarInput {
    /// The calendar's id (get_vacay_plan).
    pub calendar_id: i64,
    /// New label; "" clears it.
    pub label: Option<String>,
    /// Hex colour.
    pub color: Option<String>,
}

fn plan_calendar(cx: &Ctx<'_>, calendar_id: i64) -> Result<(i64, HolidayCalendar), DomainError> {
    let not_found = DomainError::NotFound { what: "holiday calendar", id: calendar_id };
    let plan = find_plan(cx)?.ok_or(not_found)?;
    calendars(cx, Some(plan.id))?
        .into_iter()
        .find(|c| c.id == calendar_id)
        .map(|c| (plan.id, c))
        .ok_or(DomainError::NotFound { what: "holiday calendar", id: calendar_id })
}

pub fn update_holiday_calendar(
    cx: &Ctx<'_>,
    input: UpdateCalendarInput,
) -> Result<HolidayCalendars, DomainError> {
    if input.label.is_none() && input.color.is_none() {
        return Err(DomainError::invalid("label", "give a label or a color to change"));
    }
    let (plan, current) = plan_calendar(cx, input.calendar_id)?;
    let label = match input.label {
        Some(l) => optional_text("label", Some(l), MAX_CALENDAR_LABEL_CHARS)?,
        None => current.label,
    };
    let color = match input.color {
        Some(c) => hex_colour("color", &c)?,
        None => current.color,
    };
    cx.conn.execute(
        "UPDATE vacay_holiday_calendars SET label = ?2, color = ?3 WHERE id = ?1",
        params![current.id, label, color],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan, None);
    Ok(HolidayCalendars { calendars: calendars(cx, Some(plan))? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarIdInput {
    /// The calendar's id (get_vacay_plan).
    pub calendar_id: i64,
}

pub fn delete_holiday_calendar(
    cx: &Ctx<'_>,
    input: CalendarIdInput,
) -> Result<HolidayCalendars, DomainError> {
    let (plan, current) = plan_calendar(cx, input.calendar_id)?;
    cx.conn.execute("DELETE FROM vacay_holiday_calendars WHERE id = ?1", [current.id])?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan, None);
    Ok(HolidayCalendars { calendars: calendars(cx, Some(plan))? })
}

/// A public holiday of the plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayHoliday {
    /// YYYY-MM-DD.
    pub date: String,
    pub name: String,
    pub local_name: String,
    pub calendar_id: i64,
    pub region: String,
    pub label: Option<String>,
    pub color: String,
}

/// `get_vacay_holidays` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayHolidays {
    pub year: i64,
    /// By date, then calendar.
    pub holidays: Vec<VacayHoliday>,
}

/// The stored public holidays of the plan's calendars in `year`.
pub fn plan_holidays(cx: &Ctx<'_>, year: i64) -> Result<VacayHolidays, DomainError> {
    let Some(plan) = find_plan(cx)? else { return Ok(VacayHolidays { year, holidays: Vec::new() }) };
    let holidays = cx
        .conn
        .prepare_cached(
            "SELECT h.date, h.name, h.local_name, c.id, c.region, c.label, c.color FROM vacay_region_holidays h
             JOIN vacay_holiday_calendars c ON c.region = h.region
             WHERE c.plan_id = ?1 AND h.year = ?2 ORDER BY h.date, c.id, h.name",
        )?
        .query_map(params![plan.id, year], |r| {
            Ok(VacayHoliday {
                date: r.get(0)?,
                name: r.get(1)?,
                local_name: r.get(2)?,
                calendar_id: r.get(3)?,
                region: r.get(4)?,
                label: r.get(5)?,
                color: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(VacayHolidays { year, holidays })
}
