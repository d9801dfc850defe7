//! Day assignments: a place planned on a day, in order, with optional times and participants.
//! Positions are dense (0, 1, 2, …) within each day after every change.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, hh_mm, optional_text};
use super::days::ensure_day_in_trip;
use super::members::is_member;
use super::places::ensure_place_in_trip;
use super::trips::ensure_visible;
use super::{ChangeAction, Ctx, DomainError};

/// Someone joining a planned visit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Participant {
    pub user_id: i64,
    pub name: String,
}

/// A place planned on a day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assignment {
    pub id: i64,
    pub day_id: i64,
    pub place_id: i64,
    pub place_name: String,
    /// Order within the day, from 0.
    pub position: i64,
    /// HH:MM.
    pub start_time: Option<String>,
    /// HH:MM, not before start_time.
    pub end_time: Option<String>,
    pub notes: Option<String>,
    /// Empty means everyone.
    pub participants: Vec<Participant>,
}

/// Renumbers every day of the trip's assignments 0, 1, 2, … keeping their order. One
/// statement, whatever the number of days.
pub fn renumber_assignments(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE day_assignments SET position = r.p
             FROM (SELECT a.id, row_number() OVER (PARTITION BY a.day_id ORDER BY a.position, a.id) - 1 AS p
                   FROM day_assignments a JOIN days d ON d.id = a.day_id WHERE d.trip_id = ?1) AS r
             WHERE day_assignments.id = r.id AND day_assignments.position <> r.p",
        )?
        .execute([trip_id])?;
    Ok(())
}

/// Loads a trip's assignments (all, one day's, or one) with participants, in two queries,
/// ordered by day position then assignment position.
pub fn assignments_of(
    cx: &Ctx<'_>,
    trip_id: i64,
    day_id: Option<i64>,
    assignment_id: Option<i64>,
) -> Result<Vec<Assignment>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT a.id, a.day_id, a.place_id, p.name, a.position, a.start_time, a.end_time, a.notes
         FROM day_assignments a JOIN days d ON d.id = a.day_id JOIN places p ON p.id = a.place_id
         WHERE d.trip_id = ?1 AND (?2 IS NULL OR a.day_id = ?2) AND (?3 IS NULL OR a.id = ?3)
         ORDER BY d.position, a.position, a.id",
    )?;
    let rows = stmt.query_map(params![trip_id, day_id, assignment_id], |r| {
        Ok(Assignment {
            id: r.get(0)?,
            day_id: r.get(1)?,
            place_id: r.get(2)?,
            place_name: r.get(3)?,
            position: r.get(4)?,
            start_time: r.get(5)?,
            end_time: r.get(6)?,
            notes: r.get(7)?,
            participants: Vec::new(),
        })
    })?;
    let mut assignments: Vec<Assignment> = rows.collect::<Result<_, _>>()?;
    if assignments.is_empty() {
        return Ok(assignments);
    }
    let mut by_assignment: HashMap<i64, Vec<Participant>> = HashMap::new();
    let mut stmt = cx.conn.prepare_cached(
        "SELECT ap.assignment_id, u.id, u.name
         FROM assignment_participants ap
         JOIN users u ON u.id = ap.user_id
         JOIN day_assignments a ON a.id = ap.assignment_id
         JOIN days d ON d.id = a.day_id
         WHERE d.trip_id = ?1 AND (?2 IS NULL OR a.day_id = ?2) AND (?3 IS NULL OR a.id = ?3)
         ORDER BY u.name, u.id",
    )?;
    let rows = stmt.query_map(params![trip_id, day_id, assignment_id], |r| {
        Ok((r.get::<_, i64>(0)?, Participant { user_id: r.get(1)?, name: r.get(2)? }))
    })?;
    for row in rows {
        let (id, participant) = row?;
        by_assignment.entry(id).or_default().push(participant);
    }
    for a in &mut assignments {
        a.participants = by_assignment.remove(&a.id).unwrap_or_default();
    }
    Ok(assignments)
}

fn get_assignment(cx: &Ctx<'_>, trip_id: i64, assignment_id: i64) -> Result<Assignment, DomainError> {
    assignments_of(cx, trip_id, None, Some(assignment_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "assignment", id: assignment_id })
}

/// The day of an assignment of the trip; `NotFound` naming the assignment otherwise.
fn assignment_day(cx: &Ctx<'_>, trip_id: i64, assignment_id: i64) -> Result<i64, DomainError> {
    cx.conn
        .prepare_cached(
            "SELECT a.day_id FROM day_assignments a JOIN days d ON d.id = a.day_id WHERE a.id = ?1 AND d.trip_id = ?2",
        )?
        .query_row(params![assignment_id, trip_id], |r| r.get(0))
        .optional()?
        .ok_or(DomainError::NotFound { what: "assignment", id: assignment_id })
}

/// Puts the assignment on `day_id` at `position` (clamped; default last) and numbers that
/// day's assignments densely.
fn put_in_day(
    cx: &Ctx<'_>,
    day_id: i64,
    assignment_id: i64,
    position: Option<i64>,
) -> Result<(), DomainError> {
    let mut order: Vec<i64> = cx
        .conn
        .prepare_cached(
            "SELECT id FROM day_assignments WHERE day_id = ?1 AND id <> ?2 ORDER BY position, id",
        )?
        .query_map(params![day_id, assignment_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let len = order.len() as i64;
    let at = position.unwrap_or(len).clamp(0, len) as usize;
    order.insert(at, assignment_id);
    write_order(cx, day_id, &order)
}

fn write_order(cx: &Ctx<'_>, day_id: i64, order: &[i64]) -> Result<(), DomainError> {
    let mut update =
        cx.conn.prepare_cached("UPDATE day_assignments SET day_id = ?1, position = ?2 WHERE id = ?3")?;
    for (position, id) in order.iter().enumerate() {
        update.execute(params![day_id, position as i64, id])?;
    }
    Ok(())
}

/// Validates a start/end pair of HH:MM times.
fn times(
    start: Option<String>,
    end: Option<String>,
) -> Result<(Option<String>, Option<String>), DomainError> {
    let start = start.map(|t| hh_mm("start_time", &t)).transpose()?;
    let end = end.map(|t| hh_mm("end_time", &t)).transpose()?;
    if let (Some(s), Some(e)) = (&start, &end)
        && e < s
    {
        return Err(DomainError::invalid("end_time", format!("{e} is before start_time {s}")));
    }
    Ok((start, end))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignPlaceInput {
    pub trip_id: i64,
    /// The day's id (from get_trip_summary).
    pub day_id: i64,
    /// The place's id (from list_places or create_place).
    pub place_id: i64,
    /// Where in the day, from 0; default last.
    pub position: Option<i64>,
    /// HH:MM.
    pub start_time: Option<String>,
    /// HH:MM, not before start_time.
    pub end_time: Option<String>,
    pub notes: Option<String>,
}

pub fn assign_place_to_day(cx: &Ctx<'_>, input: AssignPlaceInput) -> Result<Assignment, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    ensure_place_in_trip(cx, input.trip_id, input.place_id)?;
    let (start, end) = times(input.start_time, input.end_time)?;
    let notes = optional_text("notes", input.notes, 2_000)?;
    cx.conn.execute(
        "INSERT INTO day_assignments (day_id, place_id, position, start_time, end_time, notes, created_at)
         VALUES (?1, ?2, 1000000, ?3, ?4, ?5, ?6)",
        params![input.day_id, input.place_id, start, end, notes, cx.now],
    )?;
    let id = cx.conn.last_insert_rowid();
    put_in_day(cx, input.day_id, id, input.position)?;
    cx.changed("assignment", ChangeAction::Created, id, Some(input.trip_id));
    get_assignment(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnassignPlaceInput {
    pub trip_id: i64,
    /// The day the assignment is on.
    pub day_id: i64,
    /// The assignment's id (from get_trip_summary).
    pub assignment_id: i64,
}

/// Takes a planned place off its day (the place stays in the trip); the day closes ranks.
pub fn unassign_place(cx: &Ctx<'_>, input: UnassignPlaceInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    if assignment_day(cx, input.trip_id, input.assignment_id)? != input.day_id {
        return Err(DomainError::NotFound { what: "assignment", id: input.assignment_id });
    }
    cx.conn.execute("DELETE FROM day_assignments WHERE id = ?1", [input.assignment_id])?;
    renumber_assignments(cx, input.trip_id)?;
    cx.changed("assignment", ChangeAction::Deleted, input.assignment_id, Some(input.trip_id));
    Ok(Deleted::new(input.assignment_id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderInput {
    pub trip_id: i64,
    /// The day's id.
    pub day_id: i64,
    /// Every assignment of the day, once each, in the new order.
    pub assignment_ids: Vec<i64>,
}

/// `reorder_day_assignments` output: the day's assignments in their new order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssignmentList {
    pub assignments: Vec<Assignment>,
}

pub fn reorder_day_assignments(cx: &Ctx<'_>, input: ReorderInput) -> Result<AssignmentList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.day_id)?;
    let current: HashSet<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM day_assignments WHERE day_id = ?1")?
        .query_map([input.day_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let given: HashSet<i64> = input.assignment_ids.iter().copied().collect();
    if given.len() != input.assignment_ids.len() || given != current {
        return Err(DomainError::invalid(
            "assignment_ids",
            format!("must list each of the day's {} assignments exactly once", current.len()),
        ));
    }
    write_order(cx, input.day_id, &input.assignment_ids)?;
    for &id in &input.assignment_ids {
        cx.changed("assignment", ChangeAction::Updated, id, Some(input.trip_id));
    }
    Ok(AssignmentList { assignments: assignments_of(cx, input.trip_id, Some(input.day_id), None)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignmentTimeInput {
    pub trip_id: i64,
    /// The assignment's id.
    pub assignment_id: i64,
    /// HH:MM; null clears; omitted keeps.
    #[serde(default)]
    pub start_time: Patch<String>,
    /// HH:MM, not before start_time; null clears; omitted keeps.
    #[serde(default)]
    pub end_time: Patch<String>,
}

pub fn update_assignment_time(
    cx: &Ctx<'_>,
    input: UpdateAssignmentTimeInput,
) -> Result<Assignment, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let current = get_assignment(cx, input.trip_id, input.assignment_id)?;
    let (start, end) =
        times(input.start_time.apply(current.start_time), input.end_time.apply(current.end_time))?;
    cx.conn.execute(
        "UPDATE day_assignments SET start_time = ?2, end_time = ?3 WHERE id = ?1",
        params![current.id, start, end],
    )?;
    cx.changed("assignment", ChangeAction::Updated, current.id, Some(input.trip_id));
    get_assignment(cx, input.trip_id, current.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveAssignmentInput {
    pub trip_id: i64,
    /// The assignment's id.
    pub assignment_id: i64,
    /// The day to move it to (may be its own day, to change its position).
    pub new_day_id: i64,
    /// Where in the new day, from 0; default last.
    pub position: Option<i64>,
}

/// Moves an assignment to another day (or position); both days stay densely numbered.
pub fn move_assignment(cx: &Ctx<'_>, input: MoveAssignmentInput) -> Result<Assignment, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    assignment_day(cx, input.trip_id, input.assignment_id)?;
    ensure_day_in_trip(cx, input.trip_id, input.new_day_id)?;
    put_in_day(cx, input.new_day_id, input.assignment_id, input.position)?;
    renumber_assignments(cx, input.trip_id)?;
    cx.changed("assignment", ChangeAction::Updated, input.assignment_id, Some(input.trip_id));
    get_assignment(cx, input.trip_id, input.assignment_id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentIdInput {
    pub trip_id: i64,
    /// The assignment's id.
    pub assignment_id: i64,
}

/// Participants of an assignment; empty means everyone.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ParticipantList {
    pub participants: Vec<Participant>,
}

pub fn get_assignment_participants(
    cx: &Ctx<'_>,
    input: AssignmentIdInput,
) -> Result<ParticipantList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let a = get_assignment(cx, input.trip_id, input.assignment_id)?;
    Ok(ParticipantList { participants: a.participants })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetParticipantsInput {
    pub trip_id: i64,
    /// The assignment's id.
    pub assignment_id: i64,
    /// User ids of trip members (from list_trip_members); replaces the list; [] means everyone.
    pub user_ids: Vec<i64>,
}

pub fn set_assignment_participants(
    cx: &Ctx<'_>,
    input: SetParticipantsInput,
) -> Result<ParticipantList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    assignment_day(cx, input.trip_id, input.assignment_id)?;
    for &user in &input.user_ids {
        if !is_member(cx, input.trip_id, user)? {
            return Err(DomainError::invalid(
                "user_ids",
                format!("user {user} is not a member of this trip"),
            ));
        }
    }
    cx.conn.execute("DELETE FROM assignment_participants WHERE assignment_id = ?1", [input.assignment_id])?;
    let mut insert = cx.conn.prepare_cached(
        "INSERT OR IGNORE INTO assignment_participants (assignment_id, user_id) VALUES (?1, ?2)",
    )?;
    for &user in &input.user_ids {
        insert.execute(params![input.assignment_id, user])?;
    }
    cx.changed("assignment", ChangeAction::Updated, input.assignment_id, Some(input.trip_id));
    let a = get_assignment(cx, input.trip_id, input.assignment_id)?;
    Ok(ParticipantList { participants: a.participants })
}
