//! In-app notifications. [`record`] is the one place that turns an [`Event`] into a
//! notification (its words, who gets it, how repeats coalesce); [`scan`] finds the events that
//! are due by time (a reservation still pending the day before, a connection about to expire).
//! The operations list them (unread first), count the unread and mark them read or unread.

use rusqlite::{Connection, OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::atlas::NoInput;
use super::{ChangeAction, Ctx, DomainError};

/// Notifications kept per user: beyond it the oldest go, read ones first.
pub const MAX_KEPT: usize = 500;
/// Notifications per page, at most (and the default: the seed's "most recent 50").
pub const MAX_PAGE: i64 = 100;
pub const DEFAULT_PAGE: i64 = 50;
/// A connection whose sign-in ends within this many seconds is announced (3 days).
pub const EXPIRY_NOTICE_SECS: i64 = 3 * 86_400;
/// An assistant's changes to one trip are gathered into one notification per hour.
const COALESCE_SECS: i64 = 3600;

/// Something that happened that the owner should hear about.
#[derive(Debug, Clone)]
pub enum Event {
    /// A client asked to connect and waits for approval.
    ConnectionRequested { pending_id: String, client_name: String },
    /// An assistant (OAuth client or static token) changed a trip over MCP.
    AssistantChangedTrip { trip_id: i64, client_name: String, changes: usize },
    /// A reservation is still pending on the day before it (or the day itself).
    ReservationStillPending {
        reservation_id: i64,
        trip_id: i64,
        user_id: i64,
        title: String,
        trip: String,
        date: String,
    },
    /// A connection's sign-in (its refresh token) ends soon unless it is used.
    ConnectionExpiring { grant_id: String, user_id: i64, client_name: String, expires_at: i64 },
}

/// What kind of event a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    ConnectionRequest,
    AssistantChange,
    ReservationPending,
    ConnectionExpiring,
}

impl NotificationKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::ConnectionRequest => "connection_request",
            Self::AssistantChange => "assistant_change",
            Self::ReservationPending => "reservation_pending",
            Self::ConnectionExpiring => "connection_expiring",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "connection_request" => Self::ConnectionRequest,
            "assistant_change" => Self::AssistantChange,
            "reservation_pending" => Self::ReservationPending,
            _ => Self::ConnectionExpiring,
        }
    }
}

fn day_of(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at).map(|t| t.date().to_string()).unwrap_or_default()
}

fn owner_id(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM users WHERE kind = 'owner'")?.query_row([], |r| r.get(0)).optional()
}

/// Records `event` as a notification. Returns the notification's id, or `None` when there is
/// nobody to tell (no owner yet, the trip is gone) or it was told already.
pub fn record(conn: &Connection, now: i64, event: Event) -> rusqlite::Result<Option<i64>> {
    let (user, kind, title, body, trip_id, key, add) = match event {
        Event::ConnectionRequested { pending_id, client_name } => {
            let Some(owner) = owner_id(conn)? else { return Ok(None) };
            (
                owner,
                NotificationKind::ConnectionRequest,
                format!("{client_name} asks to connect"),
                "Approve or deny it in Connections; the request waits 10 minutes.".to_owned(),
                None,
                format!("consent:{pending_id}"),
                None,
            )
        }
        Event::AssistantChangedTrip { trip_id, client_name, changes } => {
            let trip: Option<(i64, String)> = conn
                .prepare_cached("SELECT owner_id, title FROM trips WHERE id = ?1")?
                .query_row([trip_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((owner, trip_title)) = trip else { return Ok(None) };
            (
                owner,
                NotificationKind::AssistantChange,
                format!("{client_name} changed {trip_title}"),
                "Open the trip to see what changed.".to_owned(),
                Some(trip_id),
                format!("assistant:{client_name}:{trip_id}:{}", now / COALESCE_SECS),
                Some(changes as i64),
            )
        }
        Event::ReservationStillPending { reservation_id, trip_id, user_id, title, trip, date } => (
            user_id,
            NotificationKind::ReservationPending,
            format!("{title} is still pending"),
            format!("{trip}, {date}: confirm or cancel the reservation."),
            Some(trip_id),
            format!("reservation:{reservation_id}:{date}"),
            None,
        ),
        Event::ConnectionExpiring { grant_id, user_id, client_name, expires_at } => (
            user_id,
            NotificationKind::ConnectionExpiring,
            format!("{client_name} will be signed out soon"),
            format!(
                "Its sign-in ends on {} unless it is used before then; after that, approve it again.",
                day_of(expires_at)
            ),
            None,
            format!("expiring:{grant_id}:{expires_at}"),
            None,
        ),
    };
    // A repeat of a coalescing event adds to the count and is unread again; any other repeat
    // is dropped.
    let id: Option<i64> = conn
        .prepare_cached(
            "INSERT INTO notifications (user_id, kind, title, body, trip_id, dedupe_key, count, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, 1), ?8, ?8)
             ON CONFLICT (user_id, dedupe_key) DO UPDATE SET
                 count = count + excluded.count, read_at = NULL, updated_at = excluded.updated_at
                 WHERE ?7 IS NOT NULL
             RETURNING id",
        )?
        .query_row(params![user, kind.as_str(), title, body, trip_id, key, add, now], |r| r.get(0))
        .optional()?;
    if id.is_some() {
        conn.prepare_cached(
            "DELETE FROM notifications WHERE id IN (
                 SELECT id FROM notifications WHERE user_id = ?1
                 ORDER BY read_at IS NULL DESC, updated_at DESC, id DESC LIMIT -1 OFFSET ?2)",
        )?
        .execute(params![user, MAX_KEPT as i64])?;
    }
    Ok(id)
}

/// The events due at `now`: pending reservations dated today or tomorrow (UTC) and connections
/// whose last refresh token ends within `EXPIRY_NOTICE_SECS`. Recording them is idempotent.
pub fn due_events(conn: &Connection, now: i64) -> rusqlite::Result<Vec<Event>> {
    let (today, tomorrow) = (day_of(now), day_of(now + 86_400));
    let mut events = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.trip_id, t.owner_id, r.title, t.title, r.date FROM reservations r JOIN trips t ON t.id = r.trip_id
         WHERE r.status = 'pending' AND r.date BETWEEN ?1 AND ?2 ORDER BY r.date, r.id",
    )?;
    for row in stmt.query_map(params![today, tomorrow], |r| {
        Ok(Event::ReservationStillPending {
            reservation_id: r.get(0)?,
            trip_id: r.get(1)?,
            user_id: r.get(2)?,
            title: r.get(3)?,
            trip: r.get(4)?,
            date: r.get(5)?,
        })
    })? {
        events.push(row?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.user_id, c.name, max(t.expires_at) FROM oauth_grants g
         JOIN oauth_clients c ON c.id = g.client_id
         JOIN oauth_tokens t ON t.grant_id = g.id AND t.kind = 'refresh' AND t.used_at IS NULL
         WHERE g.revoked_at IS NULL
         GROUP BY g.id HAVING max(t.expires_at) > ?1 AND max(t.expires_at) <= ?1 + ?2",
    )?;
    for row in stmt.query_map(params![now, EXPIRY_NOTICE_SECS], |r| {
        Ok(Event::ConnectionExpiring {
            grant_id: r.get(0)?,
            user_id: r.get(1)?,
            client_name: r.get(2)?,
            expires_at: r.get(3)?,
        })
    })? {
        events.push(row?);
    }
    Ok(events)
}

/// Records every due event; returns how many notifications are new.
pub fn scan(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    let mut created = 0;
    for event in due_events(conn, now)? {
        created += usize::from(record(conn, now, event)?.is_some());
    }
    Ok(created)
}

/// The name an MCP caller goes by in notifications.
pub fn client_name(conn: &Connection, client_id: Option<&str>, grant_id: &str) -> rusqlite::Result<String> {
    if let Some(id) = client_id {
        let name: Option<String> = conn
            .prepare_cached("SELECT name FROM oauth_clients WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(name) = name {
            return Ok(name);
        }
    }
    if let Some(id) = grant_id.strip_prefix("static:").and_then(|id| id.parse::<i64>().ok()) {
        let name: Option<String> = conn
            .prepare_cached("SELECT name FROM static_tokens WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(name) = name {
            return Ok(format!("{name} (static token)"));
        }
    }
    Ok("An assistant".to_owned())
}

/// One notification.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub title: String,
    pub body: Option<String>,
    /// The trip it is about, if any.
    pub trip_id: Option<i64>,
    /// How many events it gathers (an assistant's changes within an hour).
    pub count: i64,
    pub read: bool,
    /// RFC 3339 UTC of the latest event.
    pub at: String,
}

/// `list_notifications` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NotificationPage {
    /// Unread first, then the newest.
    pub notifications: Vec<Notification>,
    /// How many match the filter in all.
    pub total: i64,
    pub unread: i64,
    /// More after this page: pass offset + limit as the next offset.
    pub has_more: bool,
}

const COLUMNS: &str = "id, kind, title, body, trip_id, count, read_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Notification> {
    let kind: String = r.get(1)?;
    let updated: i64 = r.get(7)?;
    Ok(Notification {
        id: r.get(0)?,
        kind: NotificationKind::parse(&kind),
        title: r.get(2)?,
        body: r.get(3)?,
        trip_id: r.get(4)?,
        count: r.get(5)?,
        read: r.get::<_, Option<i64>>(6)?.is_some(),
        at: OffsetDateTime::from_unix_timestamp(updated)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default(),
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListNotificationsInput {
    /// Only unread ones (default: all).
    #[serde(default)]
    pub unread_only: bool,
    /// How many, 1-100 (default 50).
    pub limit: Option<i64>,
    /// How many to skip (default 0).
    pub offset: Option<i64>,
}

fn unread_count(cx: &Ctx<'_>) -> Result<i64, DomainError> {
    Ok(cx
        .conn
        .prepare_cached("SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL")?
        .query_row([cx.actor.user.0], |r| r.get(0))?)
}

pub fn list_notifications(
    cx: &Ctx<'_>,
    input: ListNotificationsInput,
) -> Result<NotificationPage, DomainError> {
    let limit = input.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    let offset = input.offset.unwrap_or(0);
    if offset < 0 {
        return Err(DomainError::invalid("offset", "must be 0 or more"));
    }
    let user = cx.actor.user.0;
    let notifications = cx
        .conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL)
             ORDER BY read_at IS NULL DESC, updated_at DESC, id DESC LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![user, input.unread_only, limit, offset], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = cx
        .conn
        .prepare_cached(
            "SELECT count(*) FROM notifications WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL)",
        )?
        .query_row(params![user, input.unread_only], |r| r.get(0))?;
    Ok(NotificationPage {
        has_more: offset + (notifications.len() as i64) < total,
        notifications,
        total,
        unread: unread_count(cx)?,
    })
}

/// `get_unread_notification_count` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UnreadCount {
    pub count: i64,
}

pub fn get_unread_notification_count(cx: &Ctx<'_>, _input: NoInput) -> Result<UnreadCount, DomainError> {
    Ok(UnreadCount { count: unread_count(cx)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationIdInput {
    /// The notification's id (from list_notifications).
    pub notification_id: i64,
}

fn set_read(cx: &Ctx<'_>, id: i64, read: bool) -> Result<Notification, DomainError> {
    let not_found = || DomainError::NotFound { what: "notification", id };
    let current: Option<i64> = cx
        .conn
        .prepare_cached("SELECT read_at FROM notifications WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![id, cx.actor.user.0], |r| r.get(0))
        .optional()?
        .ok_or_else(not_found)?;
    if current.is_some() != read {
        cx.conn.execute(
            "UPDATE notifications SET read_at = ?2 WHERE id = ?1",
            params![id, read.then_some(cx.now)],
        )?;
        cx.changed("notification", ChangeAction::Updated, id, None);
    }
    Ok(cx
        .conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"))?
        .query_row([id], from_row)?)
}

pub fn mark_notification_read(cx: &Ctx<'_>, input: NotificationIdInput) -> Result<Notification, DomainError> {
    set_read(cx, input.notification_id, true)
}

pub fn mark_notification_unread(
    cx: &Ctx<'_>,
    input: NotificationIdInput,
) -> Result<Notification, DomainError> {
    set_read(cx, input.notification_id, false)
}

/// `mark_all_notifications_read` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MarkedRead {
    /// How many were unread.
    pub updated: usize,
}

pub fn mark_all_notifications_read(cx: &Ctx<'_>, _input: NoInput) -> Result<MarkedRead, DomainError> {
    let updated = cx.conn.execute(
        "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
        params![cx.actor.user.0, cx.now],
    )?;
    if updated > 0 {
        // Id 0: all of the user's notifications.
        cx.changed("notification", ChangeAction::Updated, 0, None);
    }
    Ok(MarkedRead { updated })
}
