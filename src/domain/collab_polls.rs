//! Collab polls of a trip (Collab add-on): a question with 2 to `MAX_OPTIONS` options, single
//! or multiple choice, an optional deadline. Members vote by option index; voting for an option
//! you already chose removes that vote; in a single-choice poll a new vote replaces the old
//! one. A closed poll or one past its deadline takes no votes. The poll's author and the
//! trip's owner may close or delete it.

use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::common::{Deleted, required_text};
use super::trips::{TripIdInput, ensure_visible, is_owner};
use super::{ChangeAction, Ctx, DomainError};

/// Options a poll has at least.
pub const MIN_OPTIONS: usize = 2;
/// Options a poll has at most.
pub const MAX_OPTIONS: usize = 10;
/// Characters of a question.
pub const MAX_QUESTION: usize = 300;
/// Characters of an option.
pub const MAX_OPTION: usize = 200;
/// Open polls per trip: enough for any group decision, and it keeps the list readable.
pub const MAX_OPEN_POLLS: usize = 50;

/// A member who voted.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Voter {
    pub user_id: i64,
    pub name: String,
}

/// One option with its votes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PollOption {
    /// 0-based; pass it to vote_collab_poll as option_index.
    pub index: i64,
    pub label: String,
    pub votes: i64,
    pub voters: Vec<Voter>,
    /// Whether you chose it.
    pub mine: bool,
}

/// A poll with vote counts per option.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Poll {
    pub id: i64,
    pub trip_id: i64,
    pub question: String,
    pub multiple_choice: bool,
    /// RFC 3339 UTC; no votes at or after it.
    pub deadline: Option<String>,
    /// Closed by a member, or past its deadline.
    pub closed: bool,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub options: Vec<PollOption>,
    /// Votes over all options.
    pub total_votes: i64,
    /// Unix seconds.
    pub created_at: i64,
}

/// `list_collab_polls` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PollList {
    /// Open polls first, then the newest.
    pub polls: Vec<Poll>,
}

fn rfc3339(at: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(at).ok().and_then(|t| t.format(&Rfc3339).ok())
}

struct PollRow {
    id: i64,
    trip_id: i64,
    question: String,
    multiple_choice: bool,
    deadline: Option<i64>,
    closed_at: Option<i64>,
    author_id: Option<i64>,
    author_name: Option<String>,
    created_at: i64,
}

impl PollRow {
    fn is_open(&self, now: i64) -> bool {
        self.closed_at.is_none() && self.deadline.is_none_or(|d| now < d)
    }
}

fn poll_rows(cx: &Ctx<'_>, trip_id: i64, poll_id: Option<i64>) -> Result<Vec<PollRow>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT p.id, p.trip_id, p.question, p.multiple_choice, p.deadline, p.closed_at, p.author_id, u.name, p.created_at
         FROM collab_polls p LEFT JOIN users u ON u.id = p.author_id
         WHERE p.trip_id = ?1 AND (?2 IS NULL OR p.id = ?2)
         ORDER BY p.id DESC",
    )?;
    let rows = stmt.query_map(params![trip_id, poll_id], |r| {
        Ok(PollRow {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            question: r.get(2)?,
            multiple_choice: r.get(3)?,
            deadline: r.get(4)?,
            closed_at: r.get(5)?,
            author_id: r.get(6)?,
            author_name: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn with_options(cx: &Ctx<'_>, row: PollRow) -> Result<Poll, DomainError> {
    let mut options: Vec<PollOption> = cx
        .conn
        .prepare_cached(
            "SELECT position, label FROM collab_poll_options WHERE poll_id = ?1 ORDER BY position",
        )?
        .query_map([row.id], |r| {
            Ok(PollOption { index: r.get(0)?, label: r.get(1)?, votes: 0, voters: Vec::new(), mine: false })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = cx.conn.prepare_cached(
        "SELECT v.position, v.user_id, u.name FROM collab_poll_votes v JOIN users u ON u.id = v.user_id
         WHERE v.poll_id = ?1 ORDER BY v.created_at, v.user_id",
    )?;
    let votes = stmt.query_map([row.id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?)))?;
    let mut total_votes = 0;
    for vote in votes {
        let (position, user_id, name) = vote?;
        if let Some(option) = options.iter_mut().find(|o| o.index == position) {
            option.votes += 1;
            option.mine |= user_id == cx.actor.user.0;
            option.voters.push(Voter { user_id, name });
            total_votes += 1;
        }
    }
    Ok(Poll {
        closed: !row.is_open(cx.now),
        id: row.id,
        trip_id: row.trip_id,
        question: row.question,
        multiple_choice: row.multiple_choice,
        deadline: row.deadline.and_then(rfc3339),
        author_id: row.author_id,
        author_name: row.author_name,
        options,
        total_votes,
        created_at: row.created_at,
    })
}

fn poll_row(cx: &Ctx<'_>, trip_id: i64, poll_id: i64) -> Result<PollRow, DomainError> {
    poll_rows(cx, trip_id, Some(poll_id))?.pop().ok_or(DomainError::NotFound { what: "poll", id: poll_id })
}

fn get_poll(cx: &Ctx<'_>, trip_id: i64, poll_id: i64) -> Result<Poll, DomainError> {
    with_options(cx, poll_row(cx, trip_id, poll_id)?)
}

pub fn list_collab_polls(cx: &Ctx<'_>, input: TripIdInput) -> Result<PollList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let mut polls = poll_rows(cx, input.trip_id, None)?
        .into_iter()
        .map(|r| with_options(cx, r))
        .collect::<Result<Vec<_>, _>>()?;
    // Stable: open ones first, each group newest first (the query's order).
    polls.sort_by_key(|p| p.closed);
    Ok(PollList { polls })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePollInput {
    pub trip_id: i64,
    /// 1-300 characters.
    pub question: String,
    /// 2 to 10 distinct options, 1-200 characters each.
    pub options: Vec<String>,
    /// Members may pick several options (default: one).
    #[serde(default)]
    pub multiple_choice: bool,
    /// When voting ends: RFC 3339, e.g. "2027-03-20T18:00:00Z" or "2027-03-20T18:00:00+09:00";
    /// must be in the future.
    pub deadline: Option<String>,
}

pub fn create_collab_poll(cx: &Ctx<'_>, input: CreatePollInput) -> Result<Poll, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let question = required_text("question", &input.question, MAX_QUESTION)?;
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&input.options.len()) {
        return Err(DomainError::invalid(
            "options",
            format!("a poll has {MIN_OPTIONS} to {MAX_OPTIONS} options, not {}", input.options.len()),
        ));
    }
    let mut options: Vec<String> = Vec::with_capacity(input.options.len());
    for option in &input.options {
        let option = required_text("options", option, MAX_OPTION)?;
        if options.iter().any(|o| o.to_lowercase() == option.to_lowercase()) {
            return Err(DomainError::invalid("options", format!("{option:?} is listed twice")));
        }
        options.push(option);
    }
    let deadline = input
        .deadline
        .map(|d| {
            let at = OffsetDateTime::parse(d.trim(), &Rfc3339).map_err(|_| {
                DomainError::invalid(
                    "deadline",
                    format!("{d:?} is not an RFC 3339 time like 2027-03-20T18:00:00Z"),
                )
            })?;
            let at = at.unix_timestamp();
            if at <= cx.now {
                return Err(DomainError::invalid("deadline", "must be in the future"));
            }
            Ok(at)
        })
        .transpose()?;
    let open: i64 = cx.conn.query_row(
        "SELECT count(*) FROM collab_polls WHERE trip_id = ?1 AND closed_at IS NULL AND (deadline IS NULL OR deadline > ?2)",
        params![input.trip_id, cx.now],
        |r| r.get(0),
    )?;
    if open as usize >= MAX_OPEN_POLLS {
        return Err(DomainError::Limit { what: "open polls per trip", limit: MAX_OPEN_POLLS });
    }
    cx.conn
        .prepare_cached(
            "INSERT INTO collab_polls (trip_id, author_id, question, multiple_choice, deadline, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            input.trip_id,
            cx.actor.user.0,
            question,
            input.multiple_choice,
            deadline,
            cx.now
        ])?;
    let id = cx.conn.last_insert_rowid();
    let mut insert = cx
        .conn
        .prepare_cached("INSERT INTO collab_poll_options (poll_id, position, label) VALUES (?1, ?2, ?3)")?;
    for (position, label) in options.iter().enumerate() {
        insert.execute(params![id, position as i64, label])?;
    }
    cx.changed("collab_poll", ChangeAction::Created, id, Some(input.trip_id));
    get_poll(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    pub trip_id: i64,
    /// The poll's id (from list_collab_polls).
    pub poll_id: i64,
    /// 0-based index of the option (from list_collab_polls).
    pub option_index: i64,
}

pub fn vote_collab_poll(cx: &Ctx<'_>, input: VoteInput) -> Result<Poll, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let poll = poll_row(cx, input.trip_id, input.poll_id)?;
    if poll.closed_at.is_some() {
        return Err(DomainError::Conflict(format!("poll {} is closed; it takes no more votes", poll.id)));
    }
    if poll.deadline.is_some_and(|d| cx.now >= d) {
        return Err(DomainError::Conflict(format!(
            "poll {} passed its deadline; it takes no more votes",
            poll.id
        )));
    }
    let options: i64 =
        cx.conn.query_row("SELECT count(*) FROM collab_poll_options WHERE poll_id = ?1", [poll.id], |r| {
            r.get(0)
        })?;
    if !(0..options).contains(&input.option_index) {
        return Err(DomainError::invalid(
            "option_index",
            format!("poll {} has options 0 to {}, not {}", poll.id, options - 1, input.option_index),
        ));
    }
    let user = cx.actor.user.0;
    let removed = cx.conn.execute(
        "DELETE FROM collab_poll_votes WHERE poll_id = ?1 AND position = ?2 AND user_id = ?3",
        params![poll.id, input.option_index, user],
    )?;
    if removed == 0 {
        if !poll.multiple_choice {
            cx.conn.execute(
                "DELETE FROM collab_poll_votes WHERE poll_id = ?1 AND user_id = ?2",
                params![poll.id, user],
            )?;
        }
        cx.conn.execute(
            "INSERT INTO collab_poll_votes (poll_id, position, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![poll.id, input.option_index, user, cx.now],
        )?;
    }
    cx.changed("collab_poll", ChangeAction::Updated, poll.id, Some(input.trip_id));
    get_poll(cx, input.trip_id, poll.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PollIdInput {
    pub trip_id: i64,
    /// The poll's id (from list_collab_polls).
    pub poll_id: i64,
}

/// The poll's author and the trip's owner may close or delete a poll.
fn ensure_may_manage(cx: &Ctx<'_>, poll: &PollRow, action: &str) -> Result<(), DomainError> {
    if poll.author_id == Some(cx.actor.user.0) || is_owner(cx, poll.trip_id)? {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!("only the poll's author or the trip's owner may {action} it")))
    }
}

pub fn close_collab_poll(cx: &Ctx<'_>, input: PollIdInput) -> Result<Poll, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let poll = poll_row(cx, input.trip_id, input.poll_id)?;
    ensure_may_manage(cx, &poll, "close")?;
    if poll.closed_at.is_none() {
        cx.conn.execute("UPDATE collab_polls SET closed_at = ?2 WHERE id = ?1", params![poll.id, cx.now])?;
        cx.changed("collab_poll", ChangeAction::Updated, poll.id, Some(input.trip_id));
    }
    get_poll(cx, input.trip_id, poll.id)
}

pub fn delete_collab_poll(cx: &Ctx<'_>, input: PollIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let poll = poll_row(cx, input.trip_id, input.poll_id)?;
    ensure_may_manage(cx, &poll, "delete")?;
    cx.conn.execute("DELETE FROM collab_polls WHERE id = ?1", [poll.id])?;
    cx.changed("collab_poll", ChangeAction::Deleted, poll.id, Some(input.trip_id));
    Ok(Deleted::new(poll.id))
}

/// Poll and message counts of a trip, for `get_trip_summary` when the Collab add-on is on.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CollabCounts {
    pub polls: i64,
    /// Not closed and not past their deadline.
    pub open_polls: i64,
    pub messages: i64,
}

/// The counts in one query (no access check: the summary has done it).
pub fn counts_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<CollabCounts, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM collab_polls WHERE trip_id = ?1),
                    (SELECT count(*) FROM collab_polls WHERE trip_id = ?1 AND closed_at IS NULL
                         AND (deadline IS NULL OR deadline > ?2)),
                    (SELECT count(*) FROM collab_messages WHERE trip_id = ?1)",
        )?
        .query_row(params![trip_id, cx.now], |r| {
            Ok(CollabCounts { polls: r.get(0)?, open_polls: r.get(1)?, messages: r.get(2)? })
        })?)
}
