//! Journeys (Journeys add-on): a travel narrative across trips. A journey has dated entries,
//! each optionally about a trip and one of its places; its owner may name companion profiles
//! as contributors, who read it and write their own entries; one share link per journey opens
//! a read-only view ([`shared_journey`]) without ids or user data beyond display names.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, optional_text, required_text};
use super::places::ensure_place_in_trip;
use super::share_links::{new_token, well_formed};
use super::trips::{IsoDate, ensure_visible, parse_date};
use super::{ChangeAction, Ctx, DomainError};

/// Journeys one user owns.
pub const MAX_JOURNEYS: usize = 200;
/// Entries of one journey.
pub const MAX_ENTRIES: usize = 1000;
/// Contributors of one journey.
pub const MAX_CONTRIBUTORS: usize = 20;
/// Characters of an entry's text.
pub const MAX_BODY: usize = 20_000;
/// Characters of a journey's description.
const MAX_DESCRIPTION: usize = 2000;
/// Where a journey's read-only page lives; the HTTP layer serves it and its JSON.
pub const JOURNEY_SHARE_PATH_PREFIX: &str = "/share/journey/";

/// A contributor (a companion profile).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Contributor {
    pub user_id: i64,
    pub name: String,
}

/// A journey as lists show it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Journey {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    /// Whether you own it (else you contribute to it).
    pub is_owner: bool,
    pub contributors: Vec<Contributor>,
    pub entry_count: i64,
    /// Dates of the first and last entries (YYYY-MM-DD).
    pub first_date: Option<IsoDate>,
    pub last_date: Option<IsoDate>,
    /// Trips its entries are about.
    pub trip_ids: Vec<i64>,
    /// The share link's path, when shared (owner only).
    pub share_path: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

/// `list_journeys` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JourneyList {
    /// The most recently changed first.
    pub journeys: Vec<Journey>,
}

/// One dated entry.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JourneyEntry {
    pub id: i64,
    pub journey_id: i64,
    pub date: IsoDate,
    pub title: Option<String>,
    pub body: String,
    pub trip_id: Option<i64>,
    pub trip_title: Option<String>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

/// `get_journey` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JourneyDetail {
    pub journey: Journey,
    /// By date, then in the order written.
    pub entries: Vec<JourneyEntry>,
}

/// `list_journey_entries` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JourneyEntryList {
    pub entries: Vec<JourneyEntry>,
}

/// The actor's relation to a journey: `NotFound` when neither owner nor contributor.
fn access(cx: &Ctx<'_>, journey_id: i64) -> Result<bool, DomainError> {
    cx.conn
        .prepare_cached(
            "SELECT j.owner_id = ?1 FROM journeys j WHERE j.id = ?2
               AND (j.owner_id = ?1 OR EXISTS (SELECT 1 FROM journey_contributors c WHERE c.journey_id = j.id AND c.user_id = ?1))",
        )?
        .query_row(params![cx.actor.user.0, journey_id], |r| r.get(0))
        .optional()?
        .ok_or(DomainError::NotFound { what: "journey", id: journey_id })
}

fn ensure_journey_owner(cx: &Ctx<'_>, journey_id: i64, action: &str) -> Result<(), DomainError> {
    if access(cx, journey_id)? {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!("only the journey's owner may {action}")))
    }
}

fn contributors_of(cx: &Ctx<'_>, journey_id: i64) -> Result<Vec<Contributor>, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT u.id, u.name FROM journey_contributors c JOIN users u ON u.id = c.user_id
             WHERE c.journey_id = ?1 ORDER BY u.name, u.id",
        )?
        .query_map([journey_id], |r| Ok(Contributor { user_id: r.get(0)?, name: r.get(1)? }))?
        .collect::<Result<_, _>>()?)
}

fn load_journeys(cx: &Ctx<'_>, journey_id: Option<i64>) -> Result<Vec<Journey>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT j.id, j.title, j.description, j.owner_id = ?1, j.updated_at,
                (SELECT count(*) FROM journey_entries e WHERE e.journey_id = j.id),
                (SELECT min(date) FROM journey_entries e WHERE e.journey_id = j.id),
                (SELECT max(date) FROM journey_entries e WHERE e.journey_id = j.id),
                (SELECT group_concat(trip_id) FROM (SELECT DISTINCT trip_id FROM journey_entries e
                     WHERE e.journey_id = j.id AND trip_id IS NOT NULL ORDER BY trip_id)),
                CASE WHEN j.owner_id = ?1 THEN (SELECT token FROM journey_share_links s WHERE s.journey_id = j.id) END
         FROM journeys j
         WHERE (j.owner_id = ?1 OR EXISTS (SELECT 1 FROM journey_contributors c WHERE c.journey_id = j.id AND c.user_id = ?1))
           AND (?2 IS NULL OR j.id = ?2)
         ORDER BY j.updated_at DESC, j.id DESC",
    )?;
    let rows = stmt.query_map(params![cx.actor.user.0, journey_id], |r| {
        let trips: Option<String> = r.get(8)?;
        let token: Option<String> = r.get(9)?;
        Ok(Journey {
            id: r.get(0)?,
            title: r.get(1)?,
            description: r.get(2)?,
            is_owner: r.get(3)?,
            updated_at: r.get(4)?,
            entry_count: r.get(5)?,
            first_date: r.get(6)?,
            last_date: r.get(7)?,
            trip_ids: trips.iter().flat_map(|t| t.split(',')).filter_map(|t| t.parse().ok()).collect(),
            share_path: token.map(|t| format!("{JOURNEY_SHARE_PATH_PREFIX}{t}")),
            contributors: Vec::new(),
        })
    })?;
    let mut journeys = rows.collect::<Result<Vec<_>, _>>()?;
    for journey in &mut journeys {
        journey.contributors = contributors_of(cx, journey.id)?;
    }
    Ok(journeys)
}

fn get(cx: &Ctx<'_>, journey_id: i64) -> Result<Journey, DomainError> {
    load_journeys(cx, Some(journey_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "journey", id: journey_id })
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListJourneysInput {}

pub fn list_journeys(cx: &Ctx<'_>, _input: ListJourneysInput) -> Result<JourneyList, DomainError> {
    Ok(JourneyList { journeys: load_journeys(cx, None)? })
}

struct EntryFilter<'a> {
    entry_id: Option<i64>,
    trip_id: Option<i64>,
    from: Option<&'a str>,
    to: Option<&'a str>,
}

fn load_entries(cx: &Ctx<'_>, journey_id: i64, f: EntryFilter<'_>) -> Result<Vec<JourneyEntry>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT e.id, e.journey_id, e.date, e.title, e.body, e.trip_id, t.title, e.place_id, p.name, e.author_id, u.name, e.updated_at
         FROM journey_entries e
         LEFT JOIN trips t ON t.id = e.trip_id
         LEFT JOIN places p ON p.id = e.place_id
         LEFT JOIN users u ON u.id = e.author_id
         WHERE e.journey_id = ?1 AND (?2 IS NULL OR e.id = ?2) AND (?3 IS NULL OR e.trip_id = ?3)
           AND (?4 IS NULL OR e.date >= ?4) AND (?5 IS NULL OR e.date <= ?5)
         ORDER BY e.date, e.id",
    )?;
    let rows = stmt.query_map(params![journey_id, f.entry_id, f.trip_id, f.from, f.to], |r| {
        Ok(JourneyEntry {
            id: r.get(0)?,
            journey_id: r.get(1)?,
            date: r.get(2)?,
            title: r.get(3)?,
            body: r.get(4)?,
            trip_id: r.get(5)?,
            trip_title: r.get(6)?,
            place_id: r.get(7)?,
            place_name: r.get(8)?,
            author_id: r.get(9)?,
            author_name: r.get(10)?,
            updated_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn get_entry(cx: &Ctx<'_>, journey_id: i64, entry_id: i64) -> Result<JourneyEntry, DomainError> {
    let filter = EntryFilter { entry_id: Some(entry_id), trip_id: None, from: None, to: None };
    load_entries(cx, journey_id, filter)?
        .pop()
        .ok_or(DomainError::NotFound { what: "journey entry", id: entry_id })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyIdInput {
    /// The journey's id (from list_journeys).
    pub journey_id: i64,
}

pub fn get_journey(cx: &Ctx<'_>, input: JourneyIdInput) -> Result<JourneyDetail, DomainError> {
    access(cx, input.journey_id)?;
    let filter = EntryFilter { entry_id: None, trip_id: None, from: None, to: None };
    Ok(JourneyDetail {
        journey: get(cx, input.journey_id)?,
        entries: load_entries(cx, input.journey_id, filter)?,
    })
}

/// Checks contributor ids: distinct companion profiles, at most `MAX_CONTRIBUTORS`.
fn valid_contributors(cx: &Ctx<'_>, ids: &[i64]) -> Result<Vec<i64>, DomainError> {
    if ids.len() > MAX_CONTRIBUTORS {
        return Err(DomainError::Limit { what: "contributors per journey", limit: MAX_CONTRIBUTORS });
    }
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for &id in ids {
        let kind: Option<String> = cx
            .conn
            .prepare_cached("SELECT kind FROM users WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        match kind.as_deref() {
            Some("companion") => {}
            Some(_) => {
                return Err(DomainError::invalid(
                    "contributor_ids",
                    format!("{id} is you; contributors are companion profiles"),
                ));
            }
            None => {
                return Err(DomainError::invalid(
                    "contributor_ids",
                    format!("no companion profile {id} (see list_companions)"),
                ));
            }
        }
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn set_contributors(cx: &Ctx<'_>, journey_id: i64, ids: &[i64]) -> Result<(), DomainError> {
    cx.conn.execute("DELETE FROM journey_contributors WHERE journey_id = ?1", [journey_id])?;
    let mut insert =
        cx.conn.prepare_cached("INSERT INTO journey_contributors (journey_id, user_id) VALUES (?1, ?2)")?;
    for id in ids {
        insert.execute(params![journey_id, id])?;
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJourneyInput {
    /// 1-200 characters, e.g. "Japan, year one".
    pub title: String,
    /// Up to 2000 characters.
    pub description: Option<String>,
    /// Companion profiles (ids from list_companions) who may read it and write entries.
    #[serde(default)]
    pub contributor_ids: Vec<i64>,
}

pub fn create_journey(cx: &Ctx<'_>, input: CreateJourneyInput) -> Result<Journey, DomainError> {
    let title = required_text("title", &input.title, 200)?;
    let description = optional_text("description", input.description, MAX_DESCRIPTION)?;
    let contributors = valid_contributors(cx, &input.contributor_ids)?;
    let owned: i64 =
        cx.conn.query_row("SELECT count(*) FROM journeys WHERE owner_id = ?1", [cx.actor.user.0], |r| {
            r.get(0)
        })?;
    if owned as usize >= MAX_JOURNEYS {
        return Err(DomainError::Limit { what: "journeys", limit: MAX_JOURNEYS });
    }
    cx.conn
        .prepare_cached(
            "INSERT INTO journeys (owner_id, title, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![cx.actor.user.0, title, description, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    set_contributors(cx, id, &contributors)?;
    cx.changed("journey", ChangeAction::Created, id, None);
    get(cx, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateJourneyInput {
    /// The journey's id.
    pub journey_id: i64,
    /// New title, 1-200 characters.
    pub title: Option<String>,
    /// Omitted stays; null clears.
    #[serde(default)]
    pub description: Patch<String>,
    /// Replaces the contributors (companion profile ids); omitted stays.
    pub contributor_ids: Option<Vec<i64>>,
}

pub fn update_journey(cx: &Ctx<'_>, input: UpdateJourneyInput) -> Result<Journey, DomainError> {
    ensure_journey_owner(cx, input.journey_id, "change it")?;
    let current = get(cx, input.journey_id)?;
    let title = match input.title {
        Some(t) => required_text("title", &t, 200)?,
        None => current.title,
    };
    let description = match input.description {
        Patch::Set(d) => optional_text("description", Some(d), MAX_DESCRIPTION)?,
        other => other.apply(current.description),
    };
    if let Some(ids) = &input.contributor_ids {
        let ids = valid_contributors(cx, ids)?;
        set_contributors(cx, current.id, &ids)?;
    }
    cx.conn.execute(
        "UPDATE journeys SET title = ?2, description = ?3, updated_at = ?4 WHERE id = ?1",
        params![current.id, title, description, cx.now],
    )?;
    cx.changed("journey", ChangeAction::Updated, current.id, None);
    get(cx, current.id)
}

pub fn delete_journey(cx: &Ctx<'_>, input: JourneyIdInput) -> Result<Deleted, DomainError> {
    ensure_journey_owner(cx, input.journey_id, "delete it")?;
    cx.conn.execute("DELETE FROM journeys WHERE id = ?1", [input.journey_id])?;
    cx.changed("journey", ChangeAction::Deleted, input.journey_id, None);
    Ok(Deleted::new(input.journey_id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListJourneyEntriesInput {
    /// The journey's id.
    pub journey_id: i64,
    /// Only entries about this trip.
    pub trip_id: Option<i64>,
    /// Only entries on or after this date (YYYY-MM-DD).
    pub from: Option<IsoDate>,
    /// Only entries on or before this date (YYYY-MM-DD).
    pub to: Option<IsoDate>,
}

pub fn list_journey_entries(
    cx: &Ctx<'_>,
    input: ListJourneyEntriesInput,
) -> Result<JourneyEntryList, DomainError> {
    access(cx, input.journey_id)?;
    if let Some(from) = &input.from {
        parse_date("from", from)?;
    }
    if let Some(to) = &input.to {
        parse_date("to", to)?;
    }
    let filter = EntryFilter {
        entry_id: None,
        trip_id: input.trip_id,
        from: input.from.as_deref(),
        to: input.to.as_deref(),
    };
    Ok(JourneyEntryList { entries: load_entries(cx, input.journey_id, filter)? })
}

/// Checks what an entry refers to: a trip the actor can see, and a place of that trip.
fn valid_refs(cx: &Ctx<'_>, trip_id: Option<i64>, place_id: Option<i64>) -> Result<(), DomainError> {
    if let Some(trip) = trip_id {
        ensure_visible(cx, trip)?;
    }
    match (trip_id, place_id) {
        (Some(trip), Some(place)) => ensure_place_in_trip(cx, trip, place),
        (None, Some(_)) => Err(DomainError::invalid("place_id", "give the place's trip_id too")),
        _ => Ok(()),
    }
}

/// The entry's author: the actor, or (for the owner writing on their behalf) a contributor.
fn valid_author(cx: &Ctx<'_>, journey_id: i64, author_id: Option<i64>) -> Result<i64, DomainError> {
    let Some(author) = author_id.filter(|a| *a != cx.actor.user.0) else { return Ok(cx.actor.user.0) };
    if !access(cx, journey_id)? {
        return Err(DomainError::Forbidden(
            "only the journey's owner may write on someone else's behalf".into(),
        ));
    }
    let is_contributor = cx
        .conn
        .prepare_cached("SELECT 1 FROM journey_contributors WHERE journey_id = ?1 AND user_id = ?2")?
        .query_row(params![journey_id, author], |_| Ok(()))
        .optional()?
        .is_some();
    if !is_contributor {
        return Err(DomainError::invalid(
            "author_id",
            format!("{author} is not a contributor of this journey"),
        ));
    }
    Ok(author)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJourneyEntryInput {
    /// The journey's id.
    pub journey_id: i64,
    /// The day it is about (YYYY-MM-DD).
    pub date: IsoDate,
    /// The text, 1-20,000 characters (Markdown is fine).
    pub body: String,
    /// A heading, up to 200 characters.
    pub title: Option<String>,
    /// The trip it is about (one you can see).
    pub trip_id: Option<i64>,
    /// A place of that trip.
    pub place_id: Option<i64>,
    /// Who wrote it: a contributor's id (owner only); default you.
    pub author_id: Option<i64>,
}

pub fn create_journey_entry(
    cx: &Ctx<'_>,
    input: CreateJourneyEntryInput,
) -> Result<JourneyEntry, DomainError> {
    access(cx, input.journey_id)?;
    parse_date("date", &input.date)?;
    let body = required_text("body", &input.body, MAX_BODY)?;
    let title = optional_text("title", input.title, 200)?;
    valid_refs(cx, input.trip_id, input.place_id)?;
    let author = valid_author(cx, input.journey_id, input.author_id)?;
    let count: i64 = cx.conn.query_row(
        "SELECT count(*) FROM journey_entries WHERE journey_id = ?1",
        [input.journey_id],
        |r| r.get(0),
    )?;
    if count as usize >= MAX_ENTRIES {
        return Err(DomainError::Limit { what: "entries per journey", limit: MAX_ENTRIES });
    }
    cx.conn
        .prepare_cached(
            "INSERT INTO journey_entries (journey_id, author_id, date, title, body, trip_id, place_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![input.journey_id, author, input.date, title, body, input.trip_id, input.place_id, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.conn
        .execute("UPDATE journeys SET updated_at = ?2 WHERE id = ?1", params![input.journey_id, cx.now])?;
    cx.changed("journey_entry", ChangeAction::Created, id, input.trip_id);
    get_entry(cx, input.journey_id, id)
}

/// The owner edits any entry; a contributor only their own.
fn ensure_may_edit(cx: &Ctx<'_>, entry: &JourneyEntry, action: &str) -> Result<(), DomainError> {
    if access(cx, entry.journey_id)? || entry.author_id == Some(cx.actor.user.0) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!("contributors may {action} only their own entries")))
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateJourneyEntryInput {
    /// The journey's id.
    pub journey_id: i64,
    /// The entry's id (from get_journey or list_journey_entries).
    pub entry_id: i64,
    /// New date (YYYY-MM-DD).
    pub date: Option<IsoDate>,
    /// New text, 1-20,000 characters.
    pub body: Option<String>,
    /// Omitted fields stay; null clears.
    #[serde(default)]
    pub title: Patch<String>,
    /// Null clears the trip (and the place).
    #[serde(default)]
    pub trip_id: Patch<i64>,
    #[serde(default)]
    pub place_id: Patch<i64>,
}

pub fn update_journey_entry(
    cx: &Ctx<'_>,
    input: UpdateJourneyEntryInput,
) -> Result<JourneyEntry, DomainError> {
    access(cx, input.journey_id)?;
    let entry = get_entry(cx, input.journey_id, input.entry_id)?;
    ensure_may_edit(cx, &entry, "edit")?;
    let date = match input.date {
        Some(d) => {
            parse_date("date", &d)?;
            d
        }
        None => entry.date,
    };
    let body = match input.body {
        Some(b) => required_text("body", &b, MAX_BODY)?,
        None => entry.body,
    };
    let title = match input.title {
        Patch::Set(t) => optional_text("title", Some(t), 200)?,
        other => other.apply(entry.title),
    };
    let trip_cleared = matches!(input.trip_id, Patch::Clear);
    let trip_id = input.trip_id.apply(entry.trip_id);
    let place_id = if trip_cleared { None } else { input.place_id.apply(entry.place_id) };
    valid_refs(cx, trip_id, place_id)?;
    cx.conn.execute(
        "UPDATE journey_entries SET date = ?2, body = ?3, title = ?4, trip_id = ?5, place_id = ?6, updated_at = ?7 WHERE id = ?1",
        params![entry.id, date, body, title, trip_id, place_id, cx.now],
    )?;
    cx.conn
        .execute("UPDATE journeys SET updated_at = ?2 WHERE id = ?1", params![input.journey_id, cx.now])?;
    cx.changed("journey_entry", ChangeAction::Updated, entry.id, trip_id);
    get_entry(cx, input.journey_id, entry.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyEntryIdInput {
    /// The journey's id.
    pub journey_id: i64,
    /// The entry's id.
    pub entry_id: i64,
}

pub fn delete_journey_entry(cx: &Ctx<'_>, input: JourneyEntryIdInput) -> Result<Deleted, DomainError> {
    access(cx, input.journey_id)?;
    let entry = get_entry(cx, input.journey_id, input.entry_id)?;
    ensure_may_edit(cx, &entry, "delete")?;
    cx.conn.execute("DELETE FROM journey_entries WHERE id = ?1", [entry.id])?;
    cx.changed("journey_entry", ChangeAction::Deleted, entry.id, entry.trip_id);
    Ok(Deleted::new(entry.id))
}

/// A journey's share link.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JourneyShareLink {
    pub journey_id: i64,
    /// The secret part of the link.
    pub token: String,
    /// The read-only page's path on Trek's address, e.g. http://127.0.0.1:7823 + path.
    pub path: String,
}

/// Creates the journey's share link, or returns the existing one (the token stays, so links
/// handed out keep working). Owner only.
pub fn create_journey_share_link(
    cx: &Ctx<'_>,
    input: JourneyIdInput,
) -> Result<JourneyShareLink, DomainError> {
    ensure_journey_owner(cx, input.journey_id, "share it")?;
    let existing: Option<String> = cx
        .conn
        .prepare_cached("SELECT token FROM journey_share_links WHERE journey_id = ?1")?
        .query_row([input.journey_id], |r| r.get(0))
        .optional()?;
    let token = match existing {
        Some(token) => token,
        None => {
            let token = new_token();
            cx.conn.execute(
                "INSERT INTO journey_share_links (journey_id, token, created_at) VALUES (?1, ?2, ?3)",
                params![input.journey_id, token, cx.now],
            )?;
            cx.changed("journey", ChangeAction::Updated, input.journey_id, None);
            token
        }
    };
    Ok(JourneyShareLink {
        journey_id: input.journey_id,
        path: format!("{JOURNEY_SHARE_PATH_PREFIX}{token}"),
        token,
    })
}

/// Revokes the share link at once. Owner only.
pub fn delete_journey_share_link(cx: &Ctx<'_>, input: JourneyIdInput) -> Result<Deleted, DomainError> {
    ensure_journey_owner(cx, input.journey_id, "unshare it")?;
    let removed =
        cx.conn.execute("DELETE FROM journey_share_links WHERE journey_id = ?1", [input.journey_id])?;
    if removed == 0 {
        return Err(DomainError::NotFound { what: "journey share link", id: input.journey_id });
    }
    cx.changed("journey", ChangeAction::Updated, input.journey_id, None);
    Ok(Deleted::new(input.journey_id))
}

/// One entry as a share link shows it: no ids.
#[derive(Debug, Clone, Serialize)]
pub struct SharedJourneyEntry {
    pub date: IsoDate,
    pub title: Option<String>,
    pub body: String,
    pub trip_title: Option<String>,
    pub place_name: Option<String>,
    pub author_name: Option<String>,
}

/// What a journey's share link shows.
#[derive(Debug, Clone, Serialize)]
pub struct SharedJourney {
    pub title: String,
    pub description: Option<String>,
    pub entries: Vec<SharedJourneyEntry>,
}

/// The read-only view a token opens; `NotFound` for malformed, unknown and revoked tokens alike.
pub fn shared_journey(conn: &rusqlite::Connection, token: &str) -> Result<SharedJourney, DomainError> {
    let not_found = || DomainError::NotFound { what: "journey share link", id: 0 };
    if !well_formed(token) {
        return Err(not_found());
    }
    let (id, title, description): (i64, String, Option<String>) = conn
        .prepare_cached(
            "SELECT j.id, j.title, j.description FROM journey_share_links s JOIN journeys j ON j.id = s.journey_id
             WHERE s.token = ?1",
        )?
        .query_row([token], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(not_found)?;
    let entries = conn
        .prepare_cached(
            "SELECT e.date, e.title, e.body, t.title, p.name, u.name FROM journey_entries e
             LEFT JOIN trips t ON t.id = e.trip_id LEFT JOIN places p ON p.id = e.place_id
             LEFT JOIN users u ON u.id = e.author_id
             WHERE e.journey_id = ?1 ORDER BY e.date, e.id",
        )?
        .query_map([id], |r| {
            Ok(SharedJourneyEntry {
                date: r.get(0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                trip_title: r.get(3)?,
                place_name: r.get(4)?,
                author_name: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(SharedJourney { title, description, entries })
}
