//! Trip members: the owner plus companion profiles added to a trip. Members can see and plan
//! the trip; only the owner adds or removes them (TREK's rule).

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::required_text;
use super::places::NoInput;
use super::trips::{Member, TripIdInput, ensure_owner, ensure_visible};
use super::{ChangeAction, Ctx, DomainError};

/// `list_trip_members` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MemberList {
    pub members: Vec<Member>,
}

/// The owner first, then members by name.
pub fn members_of(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<Member>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT u.id, u.name, 1 FROM trips t JOIN users u ON u.id = t.owner_id WHERE t.id = ?1
         UNION ALL
         SELECT u.id, u.name, 0 FROM trip_members m JOIN users u ON u.id = m.user_id WHERE m.trip_id = ?1
         ORDER BY 3 DESC, 2, 1",
    )?;
    let rows = stmt.query_map([trip_id], |r| {
        let is_owner: bool = r.get(2)?;
        Ok(Member { user_id: r.get(0)?, name: r.get(1)?, role: if is_owner { "owner" } else { "member" } })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `user_id` is the trip's owner or one of its members.
pub fn is_member(cx: &Ctx<'_>, trip_id: i64, user_id: i64) -> Result<bool, DomainError> {
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT 1 FROM trips WHERE id = ?1 AND owner_id = ?2
             UNION ALL SELECT 1 FROM trip_members WHERE trip_id = ?1 AND user_id = ?2",
        )?
        .query_row(params![trip_id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn list_trip_members(cx: &Ctx<'_>, input: TripIdInput) -> Result<MemberList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(MemberList { members: members_of(cx, input.trip_id)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTripMemberInput {
    pub trip_id: i64,
    /// The companion profile's user id. Give this or username.
    pub user_id: Option<i64>,
    /// The companion profile's name (case-insensitive). Give this or user_id.
    pub username: Option<String>,
}

/// Finds the user an `add_trip_member` call names.
fn find_user(cx: &Ctx<'_>, input: &AddTripMemberInput) -> Result<i64, DomainError> {
    match (input.user_id, input.username.as_deref().map(str::trim)) {
        (Some(id), None) => cx
            .conn
            .prepare_cached("SELECT id FROM users WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(DomainError::NotFound { what: "user", id }),
        (None, Some(name)) => {
            let ids: Vec<i64> = cx
                .conn
                .prepare_cached("SELECT id FROM users WHERE name = ?1 COLLATE NOCASE ORDER BY id")?
                .query_map([name], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            match ids.as_slice() {
                [id] => Ok(*id),
                [] => Err(DomainError::invalid("username", format!("no profile is named {name:?}"))),
                _ => Err(DomainError::invalid(
                    "username",
                    format!("several profiles are named {name:?}; pass user_id instead"),
                )),
            }
        }
        _ => Err(DomainError::invalid("user_id", "give exactly one of user_id or username")),
    }
}

/// Adds a companion profile to the trip. Owner only. Adding someone already in the trip
/// changes nothing.
pub fn add_trip_member(cx: &Ctx<'_>, input: AddTripMemberInput) -> Result<MemberList, DomainError> {
    ensure_owner(cx, input.trip_id, "add members")?;
    let user_id = find_user(cx, &input)?;
    if !is_member(cx, input.trip_id, user_id)? {
        cx.conn.execute(
            "INSERT INTO trip_members (trip_id, user_id, added_at) VALUES (?1, ?2, ?3)",
            params![input.trip_id, user_id, cx.now],
        )?;
        cx.changed("trip_member", ChangeAction::Created, user_id, Some(input.trip_id));
    }
    Ok(MemberList { members: members_of(cx, input.trip_id)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveTripMemberInput {
    pub trip_id: i64,
    /// The member's user id (from list_trip_members).
    pub user_id: i64,
}

/// Removes a member (not the owner) from the trip, and from the trip's assignment
/// participants. Owner only.
pub fn remove_trip_member(cx: &Ctx<'_>, input: RemoveTripMemberInput) -> Result<MemberList, DomainError> {
    ensure_owner(cx, input.trip_id, "remove members")?;
    let removed = cx.conn.execute(
        "DELETE FROM trip_members WHERE trip_id = ?1 AND user_id = ?2",
        params![input.trip_id, input.user_id],
    )?;
    if removed == 0 {
        return Err(DomainError::NotFound { what: "trip member", id: input.user_id });
    }
    cx.conn.execute(
        "DELETE FROM assignment_participants WHERE user_id = ?2 AND assignment_id IN
             (SELECT a.id FROM day_assignments a JOIN days d ON d.id = a.day_id WHERE d.trip_id = ?1)",
        params![input.trip_id, input.user_id],
    )?;
    cx.changed("trip_member", ChangeAction::Deleted, input.user_id, Some(input.trip_id));
    Ok(MemberList { members: members_of(cx, input.trip_id)? })
}

/// A companion profile: a person without a login who can be a trip member, payer or bag holder.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Companion {
    pub user_id: i64,
    pub name: String,
}

/// `list_companions` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CompanionList {
    pub companions: Vec<Companion>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCompanionInput {
    /// The person's name, 1-100 characters; unique among profiles (case-insensitive), so
    /// add_trip_member can find it by name.
    pub name: String,
}

/// Refuses actors other than the owner account: profiles are the owner's address book.
fn ensure_owner_account(cx: &Ctx<'_>, action: &str) -> Result<(), DomainError> {
    let kind: Option<String> = cx
        .conn
        .prepare_cached("SELECT kind FROM users WHERE id = ?1")?
        .query_row([cx.actor.user.0], |r| r.get(0))
        .optional()?;
    if kind.as_deref() == Some("owner") {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!("only the owner may {action}")))
    }
}

/// Every companion profile, by name. Owner only.
pub fn list_companions(cx: &Ctx<'_>, _input: NoInput) -> Result<CompanionList, DomainError> {
    ensure_owner_account(cx, "list companion profiles")?;
    let mut stmt = cx.conn.prepare_cached(
        "SELECT id, name FROM users WHERE kind = 'companion' ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |r| Ok(Companion { user_id: r.get(0)?, name: r.get(1)? }))?;
    Ok(CompanionList { companions: rows.collect::<Result<_, _>>()? })
}

/// Creates a companion profile (no login). Owner only; names are unique, case-insensitively.
pub fn create_companion(cx: &Ctx<'_>, input: CreateCompanionInput) -> Result<Companion, DomainError> {
    ensure_owner_account(cx, "create companion profiles")?;
    let name = required_text("name", &input.name, 100)?;
    let taken = cx
        .conn
        .prepare_cached("SELECT 1 FROM users WHERE name = ?1 COLLATE NOCASE")?
        .query_row([&name], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(DomainError::invalid("name", format!("a profile named {name:?} exists already")));
    }
    cx.conn.execute(
        "INSERT INTO users (kind, name, created_at, updated_at) VALUES ('companion', ?1, ?2, ?2)",
        params![name, cx.now],
    )?;
    let user_id = cx.conn.last_insert_rowid();
    cx.changed("companion", ChangeAction::Created, user_id, None);
    Ok(Companion { user_id, name })
}
