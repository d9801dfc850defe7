//! Public share links: at most one per trip, a random URL-safe token and five visibility flags
//! (map, bookings, packing, budget, collab). Only the owner creates, changes or revokes the
//! link; members may read it. [`shared_trip`] is the read-only view a token opens: it holds only
//! what the flags allow, display names but never user ids, and no record ids at all.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::CategoryTotal;
use super::common::Deleted;
use super::trips::{DaySummary, IsoDate, TripIdInput, days_of, ensure_owner, ensure_visible, get_trip};
use super::{Actor, ChangeAction, Ctx, DomainError};
use crate::auth::secret::random_bytes;
use crate::clock::UnixTime;
use crate::store::owner::UserId;

/// Random bytes in a token: 256 bits, like every other secret Trek makes.
const TOKEN_BYTES: usize = 32;
/// Length of a token (base64url without padding: 6 bits a character); anything else is
/// refused without a lookup.
pub const SHARE_TOKEN_LEN: usize = (TOKEN_BYTES * 8).div_ceil(6);
/// Where the read-only page of a token lives; the HTTP layer serves it and its JSON.
pub const SHARE_PATH_PREFIX: &str = "/share/";

/// What a share link lets its visitors see. The itinerary (title, dates, description, days with
/// their planned places and notes) is always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ShareFlags {
    /// Every place with its coordinates and address.
    pub share_map: bool,
    /// Reservations and accommodations.
    pub share_bookings: bool,
    /// The packing list.
    pub share_packing: bool,
    /// Budget items and totals (and booking prices, when bookings are shared too).
    pub share_budget: bool,
    /// Collaborative notes.
    pub share_collab: bool,
}

impl ShareFlags {
    /// TREK's defaults for a new link: map and bookings on, the rest off.
    pub const DEFAULT: ShareFlags = ShareFlags {
        share_map: true,
        share_bookings: true,
        share_packing: false,
        share_budget: false,
        share_collab: false,
    };
}

/// A trip's public share link.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ShareLink {
    pub trip_id: i64,
    /// The secret part of the link; anyone who has it can read what the flags allow.
    pub token: String,
    /// `/share/{token}`: append it to Trek's local address to get the link (the address is not
    /// known here).
    pub path: String,
    #[serde(flatten)]
    pub flags: ShareFlags,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// `get_share_link` output: `link` is null while the trip is not shared.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ShareLinkState {
    pub link: Option<ShareLink>,
}

fn link_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ShareLink> {
    let token: String = r.get(1)?;
    Ok(ShareLink {
        trip_id: r.get(0)?,
        path: format!("{SHARE_PATH_PREFIX}{token}"),
        token,
        flags: ShareFlags {
            share_map: r.get(2)?,
            share_bookings: r.get(3)?,
            share_packing: r.get(4)?,
            share_budget: r.get(5)?,
            share_collab: r.get(6)?,
        },
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// The trip's link, if any (no access check: callers have done it).
fn link_of(cx: &Ctx<'_>, trip_id: i64) -> Result<Option<ShareLink>, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT trip_id, token, share_map, share_bookings, share_packing, share_budget, share_collab,
                    created_at, updated_at
             FROM share_links WHERE trip_id = ?1",
        )?
        .query_row([trip_id], link_from_row)
        .optional()?)
}

/// The trip's share link and flags; members may read it.
pub fn get_share_link(cx: &Ctx<'_>, input: TripIdInput) -> Result<ShareLinkState, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(ShareLinkState { link: link_of(cx, input.trip_id)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShareLinkInput {
    pub trip_id: i64,
    /// Show every place with coordinates. Default true.
    pub share_map: Option<bool>,
    /// Show reservations and accommodations. Default true.
    pub share_bookings: Option<bool>,
    /// Show the packing list. Default false.
    pub share_packing: Option<bool>,
    /// Show budget items and totals. Default false.
    pub share_budget: Option<bool>,
    /// Show collaborative notes. Default false.
    pub share_collab: Option<bool>,
}

impl CreateShareLinkInput {
    /// The flags after applying this input to `current`.
    fn flags_over(&self, current: ShareFlags) -> ShareFlags {
        ShareFlags {
            share_map: self.share_map.unwrap_or(current.share_map),
            share_bookings: self.share_bookings.unwrap_or(current.share_bookings),
            share_packing: self.share_packing.unwrap_or(current.share_packing),
            share_budget: self.share_budget.unwrap_or(current.share_budget),
            share_collab: self.share_collab.unwrap_or(current.share_collab),
        }
    }
}

/// A new token: 256 bits from the OS RNG, base64url, so it is safe in a URL path.
pub(crate) fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>())
}

/// Creates the trip's share link, or changes the flags of the existing one. The token stays
/// the same on update, so links already handed out keep working. Owner only.
pub fn create_share_link(cx: &Ctx<'_>, input: CreateShareLinkInput) -> Result<ShareLink, DomainError> {
    ensure_owner(cx, input.trip_id, "share it")?;
    let (flags, action) = match link_of(cx, input.trip_id)? {
        Some(link) => (input.flags_over(link.flags), ChangeAction::Updated),
        None => (input.flags_over(ShareFlags::DEFAULT), ChangeAction::Created),
    };
    cx.conn
        .prepare_cached(
            "INSERT INTO share_links (trip_id, token, share_map, share_bookings, share_packing, share_budget,
                                      share_collab, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             -- An existing link keeps its token and created_at: handed-out URLs keep working.
             ON CONFLICT (trip_id) DO UPDATE SET
                 share_map = excluded.share_map, share_bookings = excluded.share_bookings,
                 share_packing = excluded.share_packing, share_budget = excluded.share_budget,
                 share_collab = excluded.share_collab, updated_at = excluded.updated_at",
        )?
        .execute(params![
            input.trip_id,
            new_token(),
            flags.share_map,
            flags.share_bookings,
            flags.share_packing,
            flags.share_budget,
            flags.share_collab,
            cx.now
        ])?;
    cx.changed("share_link", action, input.trip_id, Some(input.trip_id));
    link_of(cx, input.trip_id)?.ok_or(DomainError::NotFound { what: "share link", id: input.trip_id })
}

/// Revokes the trip's share link: its URL stops working at once. Owner only.
pub fn delete_share_link(cx: &Ctx<'_>, input: TripIdInput) -> Result<Deleted, DomainError> {
    ensure_owner(cx, input.trip_id, "revoke its share link")?;
    if cx.conn.execute("DELETE FROM share_links WHERE trip_id = ?1", [input.trip_id])? == 0 {
        return Err(DomainError::NotFound { what: "share link", id: input.trip_id });
    }
    cx.changed("share_link", ChangeAction::Deleted, input.trip_id, Some(input.trip_id));
    Ok(Deleted::new(input.trip_id))
}

/// Whether `token` could be one we made; others are refused before any lookup.
pub(crate) fn well_formed(token: &str) -> bool {
    token.len() == SHARE_TOKEN_LEN
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The read-only view a share link opens. Sections the flags hide are absent (not empty).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedTrip {
    pub title: String,
    pub description: Option<String>,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
    /// Which sections follow.
    pub flags: ShareFlags,
    pub days: Vec<SharedDay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub places: Option<Vec<SharedPlace>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accommodations: Option<Vec<SharedStay>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Vec<SharedReservation>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packing: Option<SharedPacking>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<SharedBudget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collab_notes: Option<Vec<SharedNote>>,
}

/// A day of the shared itinerary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedDay {
    pub position: i64,
    pub date: Option<IsoDate>,
    pub title: Option<String>,
    pub notes: Option<String>,
    /// Places planned on the day, in order (names and times; coordinates are in `places`).
    pub stops: Vec<SharedStop>,
    pub day_notes: Vec<SharedDayNote>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedStop {
    pub place_name: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedDayNote {
    pub text: String,
    pub time: Option<String>,
    pub icon: Option<String>,
}

/// A place on the map.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedPlace {
    pub name: String,
    pub category: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub website: Option<String>,
    /// Whether it is planned on some day.
    pub planned: bool,
}

/// An accommodation; its confirmation code stays private.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedStay {
    pub place_name: String,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub notes: Option<String>,
}

/// A reservation; its confirmation number stays private (it often lets anyone change the
/// booking), and its price shows only when the budget is shared too.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedReservation {
    pub kind: String,
    pub title: String,
    pub status: String,
    pub date: Option<IsoDate>,
    pub time: Option<String>,
    pub end_date: Option<IsoDate>,
    pub end_time: Option<String>,
    pub location: Option<String>,
    pub place_name: Option<String>,
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedPacking {
    pub items: Vec<SharedPackingItem>,
    pub total: i64,
    pub checked: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedPackingItem {
    pub name: String,
    pub category: String,
    pub quantity: i64,
    pub checked: bool,
    pub bag: Option<String>,
}

/// Items and totals; who paid and who owes whom stay among the members.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedBudget {
    pub currency: String,
    pub total: String,
    pub by_category: Vec<CategoryTotal>,
    pub items: Vec<SharedBudgetItem>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedBudgetItem {
    pub name: String,
    pub category: String,
    pub total_price: String,
    pub currency: String,
    pub expense_date: Option<IsoDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SharedNote {
    pub title: String,
    pub content: Option<String>,
    pub category: Option<String>,
    pub color: Option<String>,
    pub pinned: bool,
    /// The author's display name.
    pub author_name: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
}

/// The view a token opens, or `NotFound` for a malformed, unknown or revoked token (one
/// answer for all, so a visitor learns nothing about other links). Loads each section with the
/// same loaders as `get_trip_summary`, and only the sections the flags allow.
pub fn shared_trip(
    conn: &rusqlite::Connection,
    token: &str,
    now: UnixTime,
) -> Result<SharedTrip, DomainError> {
    let not_found = || DomainError::NotFound { what: "share link", id: 0 };
    if !well_formed(token) {
        return Err(not_found());
    }
    let found = conn
        .prepare_cached(
            "SELECT s.trip_id, t.owner_id, s.share_map, s.share_bookings, s.share_packing, s.share_budget,
                    s.share_collab
             FROM share_links s JOIN trips t ON t.id = s.trip_id
             WHERE s.token = ?1",
        )?
        .query_row([token], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                ShareFlags {
                    share_map: r.get(2)?,
                    share_bookings: r.get(3)?,
                    share_packing: r.get(4)?,
                    share_budget: r.get(5)?,
                    share_collab: r.get(6)?,
                },
            ))
        })
        .optional()?;
    let (trip_id, owner, flags) = found.ok_or_else(not_found)?;
    // The token stands for the owner's read access to this one trip; nothing is written.
    let cx = Ctx::new(conn, Actor { user: UserId(owner) }, now);
    let trip = get_trip(&cx, trip_id)?;
    let days = days_of(&cx, trip_id)?.into_iter().map(shared_day).collect();
    let places = if flags.share_map {
        let places = super::places::places_of(&cx, trip_id)?;
        Some(
            places
                .into_iter()
                .map(|p| SharedPlace {
                    name: p.name,
                    category: p.category,
                    address: p.address,
                    lat: p.lat,
                    lng: p.lng,
                    website: p.website,
                    planned: !p.unassigned,
                })
                .collect(),
        )
    } else {
        None
    };
    let (accommodations, reservations) = if flags.share_bookings {
        let stays = super::accommodations::summary_for_trip(&cx, trip_id)?
            .into_iter()
            .map(|a| SharedStay {
                place_name: a.place_name,
                start_date: a.start_date,
                end_date: a.end_date,
                check_in: a.check_in,
                check_out: a.check_out,
                notes: a.notes,
            })
            .collect();
        let reservations = super::reservations::summary_for_trip(&cx, trip_id)?
            .into_iter()
            .map(|r| {
                let priced = flags.share_budget && r.price.is_some();
                SharedReservation {
                    kind: r.kind,
                    title: r.title,
                    status: r.status,
                    date: r.date,
                    time: r.time,
                    end_date: r.end_date,
                    end_time: r.end_time,
                    location: r.location,
                    place_name: r.place_name,
                    notes: r.notes,
                    price: r.price.filter(|_| flags.share_budget),
                    currency: priced.then_some(r.currency),
                }
            })
            .collect();
        (Some(stays), Some(reservations))
    } else {
        (None, None)
    };
    let packing = if flags.share_packing {
        let packing = super::packing::summary_for_trip(&cx, trip_id)?;
        Some(SharedPacking {
            items: packing
                .items
                .into_iter()
                .map(|i| SharedPackingItem {
                    name: i.name,
                    category: i.category,
                    quantity: i.quantity,
                    checked: i.checked,
                    bag: i.bag_name,
                })
                .collect(),
            total: packing.total,
            checked: packing.checked,
        })
    } else {
        None
    };
    let budget = if flags.share_budget {
        let budget = super::budget::summary_for_trip(&cx, trip_id)?;
        Some(SharedBudget {
            currency: budget.currency,
            total: budget.total,
            by_category: budget.by_category,
            items: budget
                .items
                .into_iter()
                .map(|i| SharedBudgetItem {
                    name: i.name,
                    category: i.category,
                    total_price: i.total_price,
                    currency: i.currency,
                    expense_date: i.expense_date,
                    note: i.note,
                })
                .collect(),
        })
    } else {
        None
    };
    let collab_notes = if flags.share_collab {
        let notes = super::collab_notes::summary_for_trip(&cx, trip_id)?;
        Some(
            notes
                .into_iter()
                .map(|n| SharedNote {
                    title: n.title,
                    content: n.content,
                    category: n.category,
                    color: n.color,
                    pinned: n.pinned,
                    author_name: n.author_name,
                    updated_at: n.updated_at,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(SharedTrip {
        title: trip.title,
        description: trip.description,
        start_date: trip.start_date,
        end_date: trip.end_date,
        flags,
        days,
        places,
        accommodations,
        reservations,
        packing,
        budget,
        collab_notes,
    })
}

/// A day as visitors see it: no ids, no participants.
fn shared_day(day: DaySummary) -> SharedDay {
    SharedDay {
        position: day.position,
        date: day.date,
        title: day.title,
        notes: day.notes,
        stops: day
            .assignments
            .into_iter()
            .map(|a| SharedStop {
                place_name: a.place_name,
                start_time: a.start_time,
                end_time: a.end_time,
                notes: a.notes,
            })
            .collect(),
        day_notes: day
            .day_notes
            .into_iter()
            .map(|n| SharedDayNote { text: n.text, time: n.time, icon: n.icon })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_url_safe_and_unique() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), SHARE_TOKEN_LEN);
        assert_eq!(SHARE_TOKEN_LEN, 43, "256 bits in base64url");
        assert!(well_formed(&a), "{a}");
    }

    #[test]
    fn malformed_tokens_are_refused_before_lookup() {
        let good = new_token();
        for bad in [&good[1..], &format!("{good}x"), &good.replace(&good[..1], "/"), "", "../etc/passwd"] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
