//! Vacay holiday calendar operations and the prefetch that keeps their public holidays stored:
//! before a Vacay operation that reads holidays runs its transaction, the (region, year) pairs
//! it needs and has not stored yet are fetched from Nager.Date (through `World`, so cached and
//! with its configurable base URL) and stored; a provider error fails the call, changing nothing.

use serde_json::{Map, Value};

use super::world::outbound_ops;
use super::{
    Addon, DynOp, Kind, OpError, OpMeta, OutboundCtx, OutboundFuture, PrefetchFuture, ops, parse_input,
    schema_object,
};
use crate::auth::scopes::Scope;
use crate::domain::Ctx;
use crate::domain::vacay::{YEARS, YearInput};
use crate::domain::vacay_calendars::{
    self, AddCalendarInput, CalendarIdInput, HolidayCalendars, StoredHoliday, UpdateCalendarInput,
    VacayHolidays, country_of, plan_regions_and_years, region_code, region_year_loaded, store_region_year,
};
use crate::providers::world::WorldError;
use crate::providers::world::nager::HolidaysInput;
use crate::store::StoreError;

ops! {
    AddHolidayCalendar {
        name: "add_holiday_calendar",
        title: "Add holiday calendar",
        description: "Add a public holiday calendar for the plan; its holidays become days off.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: false,
        input: AddCalendarInput,
        output: HolidayCalendars,
        run: vacay_calendars::add_holiday_calendar,
        prefetch: prefetch_calendar,
        examples: [r#"{"region": "DE-BY", "label": "Bavaria"}"#, r#"{"region": "JP"}"#],
    }
    UpdateHolidayCalendar {
        name: "update_holiday_calendar",
        title: "Update holiday calendar",
        description: "Change a holiday calendar's label (\"\" clears) or colour.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Write,
        idempotent: true,
        input: UpdateCalendarInput,
        output: HolidayCalendars,
        run: vacay_calendars::update_holiday_calendar,
        examples: [r##"{"calendar_id": 1, "color": "#f87171"}"##],
    }
    DeleteHolidayCalendar {
        name: "delete_holiday_calendar",
        title: "Delete holiday calendar",
        description: "Remove a holiday calendar from the plan; its holidays stop being days off.",
        scope: Some(Scope::VacayWrite),
        addon: Some(Addon::Vacay),
        kind: Delete,
        idempotent: false,
        input: CalendarIdInput,
        output: HolidayCalendars,
        run: vacay_calendars::delete_holiday_calendar,
        examples: [r#"{"calendar_id": 1}"#],
    }
}

outbound_ops! {
    GetVacayHolidays {
        name: "get_vacay_holidays",
        title: "Public holidays of the plan",
        description: "List a year's public holidays from your plan's holiday calendars (Nager.Date).",
        scope: Some(Scope::VacayRead),
        addon: Some(Addon::Vacay),
        input: YearInput,
        output: VacayHolidays,
        run_with: vacay_holidays,
        examples: [r#"{"year": 2027}"#],
    }
}

/// The plan's public holidays of a year (`trek://vacay/holidays/{year}`), fetching those not
/// stored yet.
async fn vacay_holidays(cx: OutboundCtx<'_>, input: YearInput) -> Result<VacayHolidays, OpError> {
    let year = valid_year(input.year)?;
    load(cx, None, Some(year)).await?;
    let (actor, now) = (cx.actor, cx.now);
    cx.store
        .read_inline(move |conn| Ok(vacay_calendars::plan_holidays(&Ctx::new(conn, actor, now), year)?))
        .await
}

fn valid_year(year: i64) -> Result<i64, OpError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(OpError::Domain(crate::domain::DomainError::invalid(
            "year",
            format!("must be {} to {}", YEARS.start(), YEARS.end()),
        )))
    }
}

/// Stores what is missing of `regions` (default: the plan's calendars) × `year` (default: the
/// plan's tracked years).
async fn load(cx: OutboundCtx<'_>, region: Option<String>, year: Option<i64>) -> Result<(), OpError> {
    let (actor, now) = (cx.actor, cx.now);
    let missing = cx
        .store
        .read_inline(move |conn| {
            let (plan_regions, plan_years) = plan_regions_and_years(&Ctx::new(conn, actor, now))?;
            let regions = region.map_or(plan_regions, |r| vec![r]);
            let years = year.map_or(plan_years, |y| vec![y]);
            let mut missing = Vec::new();
            for region in &regions {
                for &year in &years {
                    if !region_year_loaded(conn, region, year).map_err(StoreError::from)? {
                        missing.push((region.clone(), year));
                    }
                }
            }
            Ok::<_, OpError>(missing)
        })
        .await?;
    for (region, year) in missing {
        fetch(cx, region, year).await?;
    }
    Ok(())
}

/// Fetches one region's public holidays of a year (a country calendar keeps the nationwide
/// ones, a region calendar also its own) and stores them.
async fn fetch(cx: OutboundCtx<'_>, region: String, year: i64) -> Result<(), OpError> {
    let country = country_of(&region).to_owned();
    let input = HolidaysInput { country, year: i32::try_from(year).unwrap_or(i32::MAX) };
    let found = cx.world.list_holidays(cx.store, cx.now, input).await?;
    let holidays: Vec<StoredHoliday> = found
        .holidays
        .into_iter()
        .filter(|h| h.global || h.regions.contains(&region))
        .filter(|h| h.types.is_empty() || h.types.iter().any(|t| t == "Public"))
        .map(|h| (h.date, h.name, h.local_name))
        .collect();
    let now = cx.now;
    cx.store
        .write(move |tx| store_region_year(tx, &region, year, &holidays, now).map_err(StoreError::from))
        .await?;
    Ok(())
}

/// `add_holiday_calendar`: the new region for the plan's tracked years.
fn prefetch_calendar<'a>(cx: OutboundCtx<'a>, args: &Value) -> Option<PrefetchFuture<'a>> {
    let region = region_code(args.get("region")?.as_str()?).ok()?;
    Some(Box::pin(load(cx, Some(region), None)))
}

/// Operations about one year (`year`): the plan's calendars for it.
pub(super) fn prefetch_year<'a>(cx: OutboundCtx<'a>, args: &Value) -> Option<PrefetchFuture<'a>> {
    let year = args.get("year")?.as_i64()?;
    YEARS.contains(&year).then(|| Box::pin(load(cx, None, Some(year))) as PrefetchFuture<'a>)
}

/// Operations about one day (`date`, YYYY-MM-DD): the plan's calendars for its year.
pub(super) fn prefetch_date<'a>(cx: OutboundCtx<'a>, args: &Value) -> Option<PrefetchFuture<'a>> {
    let year: i64 = args.get("date")?.as_str()?.trim().get(..4)?.parse().ok()?;
    YEARS.contains(&year).then(|| Box::pin(load(cx, None, Some(year))) as PrefetchFuture<'a>)
}
