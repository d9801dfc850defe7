//! Vacay (Vacay add-on): the user's vacation plan — settings (weekends blocked, company
//! holidays, carry-over), a colour, the calendar years it tracks, vacation days, company
//! holidays and per-year allowances — and the statistics: days used, carried over from the
//! previous year and remaining. A user without a plan reads the defaults; the first change
//! creates the plan. Sharing (companion members, invites) is in `vacay_sharing`, public
//! holiday calendars in `vacay_calendars`.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

use super::atlas::NoInput;
use super::common::hex_colour;
use super::trips::{IsoDate, parse_date};
use super::vacay_calendars::{HolidayCalendar, calendars, holiday_dates};
use super::vacay_sharing::{VacayInvite, VacayMember, member_of, members, pending_invites};
use super::{ChangeAction, Ctx, DomainError};

/// Vacation days a year when no allowance was set (TREK's default).
pub const DEFAULT_ALLOWANCE: i64 = 30;
/// Most allowance days a year.
pub const MAX_ALLOWANCE: i64 = 366;
/// Years a plan tracks at most.
pub const MAX_YEARS: usize = 50;
/// Calendar years accepted.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;
const DEFAULT_COLOR: &str = "#6366f1";

/// The plan's settings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayPlan {
    /// None until the first change creates the plan.
    pub id: Option<i64>,
    /// Saturdays and Sundays cannot be vacation days (they are off anyway).
    pub block_weekends: bool,
    /// Company holidays are days off for everyone and cannot be vacation days.
    pub company_holidays_enabled: bool,
    /// What is left of a year's allowance carries into the next tracked year.
    pub carry_over: bool,
    /// Your colour in the calendar.
    pub color: String,
    /// Calendar years the plan tracks, ascending.
    pub years: Vec<i64>,
    /// You first, then the companions who joined.
    pub members: Vec<VacayMember>,
    /// Companions invited who have not answered yet.
    pub pending_invites: Vec<VacayInvite>,
    /// Public holiday calendars whose holidays are days off.
    pub holiday_calendars: Vec<HolidayCalendar>,
}

pub(crate) struct Plan {
    pub(crate) id: i64,
    block_weekends: bool,
    company_holidays_enabled: bool,
    carry_over: bool,
}

pub(crate) fn find_plan(cx: &Ctx<'_>) -> Result<Option<Plan>, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT id, block_weekends, company_holidays_enabled, carry_over FROM vacay_plans WHERE owner_id = ?1",
        )?
        .query_row([cx.actor.user.0], |r| {
            Ok(Plan { id: r.get(0)?, block_weekends: r.get(1)?, company_holidays_enabled: r.get(2)?, carry_over: r.get(3)? })
        })
        .optional()?)
}

/// The actor's plan, created with the defaults on first use (write operations only).
pub(crate) fn ensure_plan(cx: &Ctx<'_>) -> Result<Plan, DomainError> {
    if let Some(plan) = find_plan(cx)? {
        return Ok(plan);
    }
    cx.conn.execute(
        "INSERT INTO vacay_plans (owner_id, created_at, updated_at) VALUES (?1, ?2, ?2)",
        params![cx.actor.user.0, cx.now],
    )?;
    let id = cx.conn.last_insert_rowid();
    cx.conn.execute(
        "INSERT INTO vacay_members (plan_id, user_id, color) VALUES (?1, ?2, ?3)",
        params![id, cx.actor.user.0, DEFAULT_COLOR],
    )?;
    cx.changed("vacay_plan", ChangeAction::Created, id, None);
    find_plan(cx)?.ok_or(DomainError::NotFound { what: "vacation plan", id })
}

pub(crate) fn years_of(cx: &Ctx<'_>, plan: Option<&Plan>) -> Result<Vec<i64>, DomainError> {
    let Some(plan) = plan else { return Ok(Vec::new()) };
    Ok(cx
        .conn
        .prepare_cached("SELECT year FROM vacay_years WHERE plan_id = ?1 ORDER BY year")?
        .query_map([plan.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn view(cx: &Ctx<'_>, plan: Option<Plan>) -> Result<VacayPlan, DomainError> {
    let color: Option<String> = match &plan {
        Some(p) => cx
            .conn
            .prepare_cached("SELECT color FROM vacay_members WHERE plan_id = ?1 AND user_id = ?2")?
            .query_row(params![p.id, cx.actor.user.0], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let plan_id = plan.as_ref().map(|p| p.id);
    Ok(VacayPlan {
        years: years_of(cx, plan.as_ref())?,
        members: members(cx, plan_id)?,
        pending_invites: pending_invites(cx, plan_id)?,
        holiday_calendars: calendars(cx, plan_id)?,
        id: plan.as_ref().map(|p| p.id),
        block_weekends: plan.as_ref().is_none_or(|p| p.block_weekends),
        company_holidays_enabled: plan.as_ref().is_none_or(|p| p.company_holidays_enabled),
        carry_over: plan.as_ref().is_none_or(|p| p.carry_over),
        color: color.unwrap_or_else(|| DEFAULT_COLOR.to_owned()),
    })
}

pub fn get_vacay_plan(cx: &Ctx<'_>, _input: NoInput) -> Result<VacayPlan, DomainError> {
    view(cx, find_plan(cx)?)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVacayPlanInput {
    pub block_weekends: Option<bool>,
    pub company_holidays_enabled: Option<bool>,
    pub carry_over: Option<bool>,
}

pub fn update_vacay_plan(cx: &Ctx<'_>, input: UpdateVacayPlanInput) -> Result<VacayPlan, DomainError> {
    let plan = ensure_plan(cx)?;
    cx.conn.execute(
        "UPDATE vacay_plans SET block_weekends = ?2, company_holidays_enabled = ?3, carry_over = ?4, updated_at = ?5
         WHERE id = ?1",
        params![
            plan.id,
            input.block_weekends.unwrap_or(plan.block_weekends),
            input.company_holidays_enabled.unwrap_or(plan.company_holidays_enabled),
            input.carry_over.unwrap_or(plan.carry_over),
            cx.now
        ],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    view(cx, find_plan(cx)?)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColorInput {
    /// Hex colour, e.g. "#22c55e".
    pub color: String,
}

pub fn set_vacay_color(cx: &Ctx<'_>, input: ColorInput) -> Result<VacayPlan, DomainError> {
    let color = hex_colour("color", &input.color)?;
    let plan = ensure_plan(cx)?;
    cx.conn.execute(
        "UPDATE vacay_members SET color = ?3 WHERE plan_id = ?1 AND user_id = ?2",
        params![plan.id, cx.actor.user.0, color],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    view(cx, Some(plan))
}

/// `list_vacay_years` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayYears {
    pub years: Vec<i64>,
}

pub fn list_vacay_years(cx: &Ctx<'_>, _input: NoInput) -> Result<VacayYears, DomainError> {
    Ok(VacayYears { years: years_of(cx, find_plan(cx)?.as_ref())? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearInput {
    /// A calendar year, e.g. 2027.
    pub year: i64,
}

fn valid_year(year: i64) -> Result<i64, DomainError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::invalid("year", format!("must be {} to {}", YEARS.start(), YEARS.end())))
    }
}

pub fn add_vacay_year(cx: &Ctx<'_>, input: YearInput) -> Result<VacayYears, DomainError> {
    let year = valid_year(input.year)?;
    let plan = ensure_plan(cx)?;
    let years = years_of(cx, Some(&plan))?;
    if !years.contains(&year) {
        if years.len() >= MAX_YEARS {
            return Err(DomainError::Limit { what: "years per vacation plan", limit: MAX_YEARS });
        }
        cx.conn.execute("INSERT INTO vacay_years (plan_id, year) VALUES (?1, ?2)", params![plan.id, year])?;
        cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    }
    Ok(VacayYears { years: years_of(cx, Some(&plan))? })
}

/// Removes a year with its vacation days, company holidays and allowances.
pub fn delete_vacay_year(cx: &Ctx<'_>, input: YearInput) -> Result<VacayYears, DomainError> {
    let year = valid_year(input.year)?;
    let plan = find_plan(cx)?.ok_or(DomainError::NotFound { what: "vacation year", id: year })?;
    let removed = cx
        .conn
        .execute("DELETE FROM vacay_years WHERE plan_id = ?1 AND year = ?2", params![plan.id, year])?;
    if removed == 0 {
        return Err(DomainError::NotFound { what: "vacation year", id: year });
    }
    let prefix = format!("{year:04}-%");
    cx.conn
        .execute("DELETE FROM vacay_entries WHERE plan_id = ?1 AND date LIKE ?2", params![plan.id, prefix])?;
    cx.conn.execute(
        "DELETE FROM vacay_company_holidays WHERE plan_id = ?1 AND date LIKE ?2",
        params![plan.id, prefix],
    )?;
    cx.conn
        .execute("DELETE FROM vacay_allowances WHERE plan_id = ?1 AND year = ?2", params![plan.id, year])?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    Ok(VacayYears { years: years_of(cx, Some(&plan))? })
}

/// A vacation day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayEntry {
    pub date: IsoDate,
    pub user_id: i64,
    pub user_name: String,
}

/// `get_vacay_entries` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayEntries {
    pub year: i64,
    pub entries: Vec<VacayEntry>,
    /// Days off for everyone (YYYY-MM-DD).
    pub company_holidays: Vec<IsoDate>,
}

fn company_holidays(cx: &Ctx<'_>, plan: i64, year: i64) -> Result<Vec<String>, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT date FROM vacay_company_holidays WHERE plan_id = ?1 AND date LIKE ?2 ORDER BY date",
        )?
        .query_map(params![plan, format!("{year:04}-%")], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub fn get_vacay_entries(cx: &Ctx<'_>, input: YearInput) -> Result<VacayEntries, DomainError> {
    let year = valid_year(input.year)?;
    let Some(plan) = find_plan(cx)? else {
        return Ok(VacayEntries { year, entries: Vec::new(), company_holidays: Vec::new() });
    };
    let entries = cx
        .conn
        .prepare_cached(
            "SELECT e.date, e.user_id, u.name FROM vacay_entries e JOIN users u ON u.id = e.user_id
             WHERE e.plan_id = ?1 AND e.date LIKE ?2 ORDER BY e.date, u.name",
        )?
        .query_map(params![plan.id, format!("{year:04}-%")], |r| {
            Ok(VacayEntry { date: r.get(0)?, user_id: r.get(1)?, user_name: r.get(2)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(VacayEntries { year, entries, company_holidays: company_holidays(cx, plan.id, year)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateInput {
    /// The day (YYYY-MM-DD); its year must be tracked (add_vacay_year).
    pub date: IsoDate,
}

/// `toggle_vacay_entry` / `toggle_company_holiday` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Toggled {
    pub date: IsoDate,
    /// Whether the day is now marked.
    pub on: bool,
}

/// Parses the date and checks its year is tracked by the plan.
fn tracked_day(cx: &Ctx<'_>, plan: &Plan, value: &str) -> Result<Date, DomainError> {
    let date = parse_date("date", value.trim())?;
    if !years_of(cx, Some(plan))?.contains(&i64::from(date.year())) {
        return Err(DomainError::invalid(
            "date",
            format!("{} is not a tracked year of your plan; add it with add_vacay_year", date.year()),
        ));
    }
    Ok(date)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToggleEntryInput {
    /// The day (YYYY-MM-DD); its year must be tracked (add_vacay_year).
    pub date: IsoDate,
    /// A plan member; omitted means you.
    pub user_id: Option<i64>,
}

pub fn toggle_vacay_entry(cx: &Ctx<'_>, input: ToggleEntryInput) -> Result<Toggled, DomainError> {
    let plan = ensure_plan(cx)?;
    let user = member_of(cx, plan.id, input.user_id)?;
    let date = tracked_day(cx, &plan, &input.date)?;
    let day = date.to_string();
    let removed = cx.conn.execute(
        "DELETE FROM vacay_entries WHERE plan_id = ?1 AND user_id = ?2 AND date = ?3",
        params![plan.id, user, day],
    )?;
    if removed == 0 {
        if plan.block_weekends && is_weekend(date) {
            return Err(DomainError::invalid("date", format!("{day} is a weekend, which your plan blocks")));
        }
        if plan.company_holidays_enabled
            && company_holidays(cx, plan.id, i64::from(date.year()))?.contains(&day)
        {
            return Err(DomainError::invalid(
                "date",
                format!("{day} is a company holiday: a day off for everyone"),
            ));
        }
        if holiday_dates(cx, plan.id, i64::from(date.year()))?.contains(&day) {
            return Err(DomainError::invalid(
                "date",
                format!("{day} is a public holiday in one of your plan's holiday calendars"),
            ));
        }
        cx.conn.execute(
            "INSERT INTO vacay_entries (plan_id, user_id, date, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![plan.id, user, day, cx.now],
        )?;
    }
    cx.changed(
        "vacay_entry",
        if removed == 0 { ChangeAction::Created } else { ChangeAction::Deleted },
        plan.id,
        None,
    );
    Ok(Toggled { date: day, on: removed == 0 })
}

/// Marks or unmarks a company holiday; marking one removes the vacation days on it (nobody
/// spends a vacation day on a day off).
pub fn toggle_company_holiday(cx: &Ctx<'_>, input: DateInput) -> Result<Toggled, DomainError> {
    let plan = ensure_plan(cx)?;
    if !plan.company_holidays_enabled {
        return Err(DomainError::Conflict(
            "company holidays are switched off in this plan (update_vacay_plan)".into(),
        ));
    }
    let date = tracked_day(cx, &plan, &input.date)?;
    let day = date.to_string();
    let removed = cx.conn.execute(
        "DELETE FROM vacay_company_holidays WHERE plan_id = ?1 AND date = ?2",
        params![plan.id, day],
    )?;
    if removed == 0 {
        cx.conn.execute(
            "INSERT INTO vacay_company_holidays (plan_id, date) VALUES (?1, ?2)",
            params![plan.id, day],
        )?;
        cx.conn
            .execute("DELETE FROM vacay_entries WHERE plan_id = ?1 AND date = ?2", params![plan.id, day])?;
    }
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    Ok(Toggled { date: day, on: removed == 0 })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsInput {
    /// A tracked calendar year.
    pub year: i64,
    /// A plan member; omitted means you.
    pub user_id: Option<i64>,
}

/// `get_vacay_stats` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayStats {
    pub year: i64,
    /// Whose numbers these are.
    pub user_id: i64,
    /// Days granted this year.
    pub allowance: i64,
    /// Left over from the previous tracked year (when carry-over is on; never negative).
    pub carried_over: i64,
    /// Vacation days taken.
    pub used: i64,
    /// allowance + carried_over - used (negative when overdrawn).
    pub remaining: i64,
    /// Company holidays this year (days off not counted as vacation).
    pub company_holidays: i64,
    /// Public holidays from the plan's holiday calendars this year (days off, not vacation).
    pub public_holidays: i64,
}

fn allowance(cx: &Ctx<'_>, plan: i64, user: i64, year: i64) -> Result<i64, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT days FROM vacay_allowances WHERE plan_id = ?1 AND user_id = ?2 AND year = ?3",
        )?
        .query_row(params![plan, user, year], |r| r.get(0))
        .optional()?
        .unwrap_or(DEFAULT_ALLOWANCE))
}

fn used(cx: &Ctx<'_>, plan: i64, user: i64, year: i64) -> Result<i64, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT count(*) FROM vacay_entries WHERE plan_id = ?1 AND user_id = ?2 AND date LIKE ?3",
        )?
        .query_row(params![plan, user, format!("{year:04}-%")], |r| r.get(0))?)
}

/// The year's numbers, with the carry-over computed from the earlier tracked years in order
/// (a chain of consecutive years; a gap starts afresh).
fn stats(cx: &Ctx<'_>, plan: &Plan, user: i64, year: i64) -> Result<VacayStats, DomainError> {
    let years = years_of(cx, Some(plan))?;
    let mut carried = 0;
    let mut previous: Option<i64> = None;
    for &y in years.iter().filter(|y| **y < year) {
        if previous.is_some_and(|p| p + 1 != y) {
            carried = 0;
        }
        let left = allowance(cx, plan.id, user, y)? + carried - used(cx, plan.id, user, y)?;
        carried = if plan.carry_over { left.max(0) } else { 0 };
        previous = Some(y);
    }
    if previous.is_none_or(|p| p + 1 != year) {
        carried = 0;
    }
    let (granted, taken) = (allowance(cx, plan.id, user, year)?, used(cx, plan.id, user, year)?);
    Ok(VacayStats {
        year,
        user_id: user,
        allowance: granted,
        carried_over: carried,
        used: taken,
        remaining: granted + carried - taken,
        company_holidays: company_holidays(cx, plan.id, year)?.len() as i64,
        public_holidays: holiday_dates(cx, plan.id, year)?.len() as i64,
    })
}

pub fn get_vacay_stats(cx: &Ctx<'_>, input: StatsInput) -> Result<VacayStats, DomainError> {
    let year = valid_year(input.year)?;
    let plan = find_plan(cx)?.ok_or(DomainError::NotFound { what: "vacation year", id: year })?;
    if !years_of(cx, Some(&plan))?.contains(&year) {
        return Err(DomainError::NotFound { what: "vacation year", id: year });
    }
    let user = member_of(cx, plan.id, input.user_id)?;
    stats(cx, &plan, user, year)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStatsInput {
    /// A tracked calendar year.
    pub year: i64,
    /// Days granted, 0-366.
    pub allowance: i64,
    /// A plan member; omitted means you.
    pub user_id: Option<i64>,
}

pub fn update_vacay_stats(cx: &Ctx<'_>, input: UpdateStatsInput) -> Result<VacayStats, DomainError> {
    let year = valid_year(input.year)?;
    if !(0..=MAX_ALLOWANCE).contains(&input.allowance) {
        return Err(DomainError::invalid("allowance", format!("must be 0 to {MAX_ALLOWANCE} days")));
    }
    let plan = find_plan(cx)?.ok_or(DomainError::NotFound { what: "vacation year", id: year })?;
    if !years_of(cx, Some(&plan))?.contains(&year) {
        return Err(DomainError::NotFound { what: "vacation year", id: year });
    }
    let user = member_of(cx, plan.id, input.user_id)?;
    cx.conn.execute(
        "INSERT INTO vacay_allowances (plan_id, user_id, year, days) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (plan_id, user_id, year) DO UPDATE SET days = excluded.days",
        params![plan.id, user, year, input.allowance],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    stats(cx, &plan, user, year)
}
