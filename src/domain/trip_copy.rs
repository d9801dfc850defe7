//! `copy_trip`: a new trip with the same plan — days, places (with the caller's tags), the
//! itinerary (assignments, participants, day notes), accommodations, reservations, budget (with
//! splits), packing (bags, items reset to unchecked, category assignees), to-dos (reset to
//! open) and collab notes. Share links are not copied: a copy starts private.
//!
//! Rows are copied with `INSERT … SELECT` per source row so each table's column list is written
//! once, and foreign keys are remapped through old→new id maps built in dependency order.

use std::collections::HashMap;

use rusqlite::{params, params_from_iter};
use schemars::JsonSchema;
use serde::Deserialize;

use super::trips::{Trip, ensure_visible, get_trip, parse_date};
use super::{ChangeAction, Ctx, DomainError};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyTripInput {
    /// The trip to copy (from list_trips).
    pub trip_id: i64,
    /// Title of the copy; default "Copy of <title>".
    pub title: Option<String>,
    /// New first day (YYYY-MM-DD); every date of the copy shifts by the same number of days.
    /// Needs a source trip with dates. Omit to keep the dates.
    pub start_date: Option<String>,
}

/// Old id → new id of one table.
type IdMap = HashMap<i64, i64>;

/// Copies the trip for the actor, who owns the copy; the source's owner and members (other
/// than the actor) become members of the copy, so splits and participants stay meaningful.
pub fn copy_trip(cx: &Ctx<'_>, input: CopyTripInput) -> Result<Trip, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let source = get_trip(cx, input.trip_id)?;
    let title = match input.title {
        Some(title) => super::common::required_text("title", &title, 200)?,
        None => default_title(&source.title),
    };
    let shift = match (&input.start_date, &source.start_date) {
        (None, _) => 0,
        (Some(_), None) => {
            return Err(DomainError::invalid(
                "start_date",
                "the trip has no dates to move; copy it without start_date",
            ));
        }
        (Some(to), Some(from)) => {
            (parse_date("start_date", to)? - parse_date("start_date", from)?).whole_days()
        }
    };
    let old = source.id;
    cx.conn.execute(
        "INSERT INTO trips (owner_id, title, description, start_date, end_date, currency, created_at, updated_at)
         SELECT ?1, ?2, description, start_date, end_date, currency, ?3, ?3 FROM trips WHERE id = ?4",
        params![cx.actor.user.0, title, cx.now, old],
    )?;
    let new = cx.conn.last_insert_rowid();
    let trip: IdMap = HashMap::from([(old, new)]);
    cx.conn.execute(
        "INSERT INTO trip_members (trip_id, user_id, added_at)
         SELECT ?1, user_id, ?2 FROM (
             SELECT user_id FROM trip_members WHERE trip_id = ?3
             UNION SELECT owner_id FROM trips WHERE id = ?3)
         WHERE user_id <> ?4",
        params![new, cx.now, old, cx.actor.user.0],
    )?;

    let copy = Copier { cx, old };
    let days = copy.rows(
        "SELECT id, trip_id FROM days WHERE trip_id = ?1",
        "INSERT INTO days (trip_id, position, date, title, notes)
         SELECT ?3, position, date, title, notes FROM days WHERE id = ?1",
        &[&trip],
    )?;
    let places = copy.rows(
        "SELECT id, trip_id FROM places WHERE trip_id = ?1",
        "INSERT INTO places (trip_id, name, lat, lng, address, category_id, notes, website, phone, osm_id,
                             google_place_id, price, currency, transport_mode, duration_minutes, place_time,
                             end_time, country_code, created_at, updated_at)
         SELECT ?3, name, lat, lng, address, category_id, notes, website, phone, osm_id, google_place_id, price,
                currency, transport_mode, duration_minutes, place_time, end_time, country_code, ?2, ?2
         FROM places WHERE id = ?1",
        &[&trip],
    )?;
    // Tags belong to a user: only the caller's own tags carry over.
    copy.children(
        "INSERT INTO place_tags (place_id, tag_id)
         SELECT ?2, pt.tag_id FROM place_tags pt JOIN tags t ON t.id = pt.tag_id
         WHERE pt.place_id = ?1 AND t.user_id = ?3",
        &places,
    )?;
    let assignments = copy.rows(
        "SELECT a.id, a.day_id, a.place_id FROM day_assignments a JOIN days d ON d.id = a.day_id
         WHERE d.trip_id = ?1",
        "INSERT INTO day_assignments (day_id, place_id, position, start_time, end_time, notes, created_at)
         SELECT ?3, ?4, position, start_time, end_time, notes, ?2 FROM day_assignments WHERE id = ?1",
        &[&days, &places],
    )?;
    copy.children(
        "INSERT INTO assignment_participants (assignment_id, user_id)
         SELECT ?2, user_id FROM assignment_participants WHERE assignment_id = ?1",
        &assignments,
    )?;
    copy.rows(
        "SELECT n.id, n.day_id FROM day_notes n JOIN days d ON d.id = n.day_id WHERE d.trip_id = ?1",
        "INSERT INTO day_notes (day_id, text, time, icon, position, created_at, updated_at)
         SELECT ?3, text, time, icon, position, ?2, ?2 FROM day_notes WHERE id = ?1",
        &[&days],
    )?;
    let accommodations = copy.rows(
        "SELECT id, trip_id, place_id, start_day_id, end_day_id FROM accommodations WHERE trip_id = ?1",
        "INSERT INTO accommodations (trip_id, place_id, start_day_id, end_day_id, check_in, check_out,
                                     confirmation, notes, created_at, updated_at)
         SELECT ?3, ?4, ?5, ?6, check_in, check_out, confirmation, notes, ?2, ?2 FROM accommodations WHERE id = ?1",
        &[&trip, &places, &days, &days],
    )?;
    copy.rows(
        "SELECT id, trip_id, day_id, place_id, accommodation_id FROM reservations WHERE trip_id = ?1",
        "INSERT INTO reservations (trip_id, day_id, place_id, accommodation_id, type, title, status, date, time,
                                   end_date, end_time, location, confirmation_number, notes, price, position,
                                   created_at, updated_at)
         SELECT ?3, ?4, ?5, ?6, type, title, status, date, time, end_date, end_time, location,
                confirmation_number, notes, price, position, ?2, ?2
         FROM reservations WHERE id = ?1",
        &[&trip, &days, &places, &accommodations],
    )?;
    let budget = copy.rows(
        "SELECT id, trip_id FROM budget_items WHERE trip_id = ?1",
        "INSERT INTO budget_items (trip_id, name, category, price_minor, price_scale, persons, days, paid_by,
                                   note, expense_date, position, created_at, updated_at)
         SELECT ?3, name, category, price_minor, price_scale, persons, days, paid_by, note, expense_date,
                position, ?2, ?2
         FROM budget_items WHERE id = ?1",
        &[&trip],
    )?;
    copy.children(
        "INSERT INTO budget_item_members (item_id, user_id, paid)
         SELECT ?2, user_id, paid FROM budget_item_members WHERE item_id = ?1",
        &budget,
    )?;
    let bags = copy.rows(
        "SELECT id, trip_id FROM packing_bags WHERE trip_id = ?1",
        "INSERT INTO packing_bags (trip_id, name, color, position, created_at)
         SELECT ?3, name, color, position, ?2 FROM packing_bags WHERE id = ?1",
        &[&trip],
    )?;
    copy.children(
        "INSERT INTO packing_bag_members (bag_id, user_id)
         SELECT ?2, user_id FROM packing_bag_members WHERE bag_id = ?1",
        &bags,
    )?;
    // A copied list is a list still to pack.
    copy.rows(
        "SELECT id, trip_id, bag_id FROM packing_items WHERE trip_id = ?1",
        "INSERT INTO packing_items (trip_id, bag_id, name, category, quantity, checked, position, created_at,
                                    updated_at)
         SELECT ?3, ?4, name, category, quantity, 0, position, ?2, ?2 FROM packing_items WHERE id = ?1",
        &[&trip, &bags],
    )?;
    copy.children(
        "INSERT INTO packing_category_assignees (trip_id, category, user_id)
         SELECT ?2, category, user_id FROM packing_category_assignees WHERE trip_id = ?1",
        &trip,
    )?;
    copy.rows(
        "SELECT id, trip_id FROM todo_items WHERE trip_id = ?1",
        "INSERT INTO todo_items (trip_id, name, category, due_date, description, assigned_user_id, priority,
                                 checked, position, created_at, updated_at)
         SELECT ?3, name, category, due_date, description, assigned_user_id, priority, 0, position, ?2, ?2
         FROM todo_items WHERE id = ?1",
        &[&trip],
    )?;
    copy.children(
        "INSERT INTO todo_category_assignees (trip_id, category_name, user_id)
         SELECT ?2, category_name, user_id FROM todo_category_assignees WHERE trip_id = ?1",
        &trip,
    )?;
    copy.rows(
        "SELECT id, trip_id FROM collab_notes WHERE trip_id = ?1",
        "INSERT INTO collab_notes (trip_id, author_id, title, content, category, color, pinned, created_at,
                                   updated_at)
         SELECT ?3, author_id, title, content, category, color, pinned, ?2, ?2 FROM collab_notes WHERE id = ?1",
        &[&trip],
    )?;

    if shift != 0 {
        shift_dates(cx, new, shift)?;
    }
    cx.changed("trip", ChangeAction::Created, new, Some(new));
    get_trip(cx, new)
}

/// Moves every date of a trip by `days` (SQLite's date arithmetic keeps them valid).
fn shift_dates(cx: &Ctx<'_>, trip_id: i64, days: i64) -> Result<(), DomainError> {
    let by = format!("{days:+} days");
    for sql in [
        "UPDATE trips SET start_date = date(start_date, ?2), end_date = date(end_date, ?2) WHERE id = ?1",
        "UPDATE days SET date = date(date, ?2) WHERE trip_id = ?1",
        "UPDATE reservations SET date = date(date, ?2), end_date = date(end_date, ?2) WHERE trip_id = ?1",
        "UPDATE budget_items SET expense_date = date(expense_date, ?2) WHERE trip_id = ?1",
        "UPDATE todo_items SET due_date = date(due_date, ?2) WHERE trip_id = ?1",
    ] {
        cx.conn.execute(sql, params![trip_id, by])?;
    }
    Ok(())
}

/// "Copy of <title>", cut to the 200-character title limit on a character boundary.
fn default_title(title: &str) -> String {
    format!("Copy of {title}").chars().take(200).collect()
}

/// Copies the rows of one trip, table by table.
struct Copier<'a, 'c> {
    cx: &'a Ctx<'c>,
    /// The source trip.
    old: i64,
}

impl Copier<'_, '_> {
    /// Copies the rows `select` finds for the source trip (`?1`). `select` yields the old id and
    /// then one foreign key per map in `maps`; `insert` copies one row given `?1` = old id,
    /// `?2` = now and `?3…` = the foreign keys mapped to their copies (NULL stays NULL).
    fn rows(&self, select: &str, insert: &str, maps: &[&IdMap]) -> Result<IdMap, DomainError> {
        // Source order, so copies keep the relative order of their ids.
        let mut select = self.cx.conn.prepare(&format!("{select} ORDER BY 1"))?;
        let rows = select
            .query_map([self.old], |r| {
                let id: i64 = r.get(0)?;
                let keys =
                    (0..maps.len()).map(|i| r.get::<_, Option<i64>>(i + 1)).collect::<Result<Vec<_>, _>>()?;
                Ok((id, keys))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut insert = self.cx.conn.prepare(insert)?;
        let mut copied = IdMap::with_capacity(rows.len());
        for (id, keys) in rows {
            let mapped = keys.iter().zip(maps).map(|(key, map)| key.and_then(|k| map.get(&k).copied()));
            let values: Vec<Option<i64>> = [Some(id), Some(self.cx.now)].into_iter().chain(mapped).collect();
            let wanted = insert.parameter_count();
            insert.execute(params_from_iter(values.into_iter().take(wanted)))?;
            copied.insert(id, self.cx.conn.last_insert_rowid());
        }
        Ok(copied)
    }

    /// Copies rows that hang off already-copied parents: `insert` gets `?1` = old parent id,
    /// `?2` = its copy and `?3` = the actor (statements bind only the leading ones they use).
    fn children(&self, insert: &str, parents: &IdMap) -> Result<(), DomainError> {
        let mut insert = self.cx.conn.prepare(insert)?;
        let wanted = insert.parameter_count();
        for (old, new) in parents {
            let values = [*old, *new, self.cx.actor.user.0];
            insert.execute(params_from_iter(values.into_iter().take(wanted)))?;
        }
        Ok(())
    }
}
