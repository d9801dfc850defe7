//! Vacay sharing: the owner's plan shared with companion profiles. Trek has one login, so an
//! invite goes to a companion the owner keeps, and the owner records the companion's answer
//! (accept or decline) or withdraws it (cancel). Members log days and get their own allowance
//! and statistics in the plan; dissolving the plan removes every companion and their days.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::atlas::NoInput;
use super::vacay::{VacayPlan, ensure_plan, find_plan, view};
use super::{ChangeAction, Ctx, DomainError};

/// Companions in a plan plus pending invites, at most.
pub const MAX_VACAY_COMPANIONS: usize = 20;
/// Colours given to members as they join, in turn (the owner keeps the plan's default).
const MEMBER_COLORS: &[&str] = &["#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#ec4899"];

/// A plan member.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayMember {
    pub user_id: i64,
    pub name: String,
    pub color: String,
    /// "owner" or "member".
    pub role: &'static str,
}

/// A pending invite.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayInvite {
    pub user_id: i64,
    pub name: String,
    /// When it was sent, Unix seconds.
    pub invited_at: i64,
}

pub(crate) fn members(cx: &Ctx<'_>, plan: Option<i64>) -> Result<Vec<VacayMember>, DomainError> {
    let Some(plan) = plan else { return Ok(Vec::new()) };
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT u.id, u.name, m.color, u.kind = 'owner' FROM vacay_members m JOIN users u ON u.id = m.user_id
             WHERE m.plan_id = ?1 ORDER BY u.kind = 'owner' DESC, u.name COLLATE NOCASE, u.id",
        )?
        .query_map([plan], |r| {
            let owner: bool = r.get(3)?;
            Ok(VacayMember {
                user_id: r.get(0)?,
                name: r.get(1)?,
                color: r.get(2)?,
                role: if owner { "owner" } else { "member" },
            })
        })?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn pending_invites(cx: &Ctx<'_>, plan: Option<i64>) -> Result<Vec<VacayInvite>, DomainError> {
    let Some(plan) = plan else { return Ok(Vec::new()) };
    Ok(cx
        .conn
        .prepare_cached(
            "SELECT u.id, u.name, i.invited_at FROM vacay_invites i JOIN users u ON u.id = i.user_id
             WHERE i.plan_id = ?1 ORDER BY u.name COLLATE NOCASE, u.id",
        )?
        .query_map([plan], |r| {
            Ok(VacayInvite { user_id: r.get(0)?, name: r.get(1)?, invited_at: r.get(2)? })
        })?
        .collect::<Result<_, _>>()?)
}

/// The user whose days or numbers a call is about: `None` is the caller; otherwise a member.
pub(crate) fn member_of(cx: &Ctx<'_>, plan: i64, user: Option<i64>) -> Result<i64, DomainError> {
    let Some(user) = user else { return Ok(cx.actor.user.0) };
    cx.conn
        .prepare_cached("SELECT user_id FROM vacay_members WHERE plan_id = ?1 AND user_id = ?2")?
        .query_row(params![plan, user], |r| r.get(0))
        .optional()?
        .ok_or(DomainError::NotFound { what: "vacation plan member", id: user })
}

/// A user that can be invited.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayUser {
    pub user_id: i64,
    pub name: String,
}

/// `get_available_vacay_users` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VacayUsers {
    /// Companion profiles neither in the plan nor invited, by name.
    pub users: Vec<VacayUser>,
}

pub fn get_available_vacay_users(cx: &Ctx<'_>, _input: NoInput) -> Result<VacayUsers, DomainError> {
    let plan = find_plan(cx)?.map_or(0, |p| p.id);
    let users = cx
        .conn
        .prepare_cached(
            "SELECT id, name FROM users WHERE kind = 'companion'
                 AND id NOT IN (SELECT user_id FROM vacay_members WHERE plan_id = ?1)
                 AND id NOT IN (SELECT user_id FROM vacay_invites WHERE plan_id = ?1)
             ORDER BY name COLLATE NOCASE, id",
        )?
        .query_map([plan], |r| Ok(VacayUser { user_id: r.get(0)?, name: r.get(1)? }))?
        .collect::<Result<_, _>>()?;
    Ok(VacayUsers { users })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VacayUserInput {
    /// A companion's user id (get_available_vacay_users).
    pub user_id: i64,
}

/// The companion's name, or why `user_id` cannot take part in the plan.
fn companion(cx: &Ctx<'_>, user_id: i64) -> Result<String, DomainError> {
    let row: Option<(String, String)> = cx
        .conn
        .prepare_cached("SELECT kind, name FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((kind, name)) if kind == "companion" => Ok(name),
        Some(_) => {
            Err(DomainError::invalid("user_id", format!("{user_id} is you; invite a companion profile")))
        }
        None => Err(DomainError::NotFound { what: "companion profile", id: user_id }),
    }
}

pub fn send_vacay_invite(cx: &Ctx<'_>, input: VacayUserInput) -> Result<VacayPlan, DomainError> {
    let name = companion(cx, input.user_id)?;
    let plan = ensure_plan(cx)?;
    if members(cx, Some(plan.id))?.iter().any(|m| m.user_id == input.user_id) {
        return Err(DomainError::Conflict(format!("{name} is already in your vacation plan")));
    }
    let invites = pending_invites(cx, Some(plan.id))?;
    if invites.iter().any(|i| i.user_id == input.user_id) {
        return Err(DomainError::Conflict(format!(
            "{name} is already invited; accept_vacay_invite or decline_vacay_invite records the answer"
        )));
    }
    let companions = members(cx, Some(plan.id))?.len() - 1 + invites.len();
    if companions >= MAX_VACAY_COMPANIONS {
        return Err(DomainError::Limit { what: "companions per vacation plan", limit: MAX_VACAY_COMPANIONS });
    }
    cx.conn.execute(
        "INSERT INTO vacay_invites (plan_id, user_id, invited_at) VALUES (?1, ?2, ?3)",
        params![plan.id, input.user_id, cx.now],
    )?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    view(cx, Some(plan))
}

/// Removes a pending invite (whatever the reason) and returns the plan's id.
fn take_invite(cx: &Ctx<'_>, user_id: i64) -> Result<i64, DomainError> {
    let not_found = DomainError::NotFound { what: "pending vacation invite for user", id: user_id };
    let plan = find_plan(cx)?.ok_or(not_found)?;
    let removed = cx.conn.execute(
        "DELETE FROM vacay_invites WHERE plan_id = ?1 AND user_id = ?2",
        params![plan.id, user_id],
    )?;
    if removed == 0 {
        return Err(DomainError::NotFound { what: "pending vacation invite for user", id: user_id });
    }
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    Ok(plan.id)
}

/// Records that the companion accepted: they join with the next unused member colour.
pub fn accept_vacay_invite(cx: &Ctx<'_>, input: VacayUserInput) -> Result<VacayPlan, DomainError> {
    let plan = take_invite(cx, input.user_id)?;
    let taken: Vec<String> = members(cx, Some(plan))?.into_iter().map(|m| m.color).collect();
    let color = MEMBER_COLORS
        .iter()
        .find(|c| !taken.iter().any(|t| t == *c))
        .copied()
        .unwrap_or(MEMBER_COLORS[taken.len() % MEMBER_COLORS.len()]);
    cx.conn.execute(
        "INSERT INTO vacay_members (plan_id, user_id, color) VALUES (?1, ?2, ?3)",
        params![plan, input.user_id, color],
    )?;
    view(cx, find_plan(cx)?)
}

/// Records that the companion declined.
pub fn decline_vacay_invite(cx: &Ctx<'_>, input: VacayUserInput) -> Result<VacayPlan, DomainError> {
    take_invite(cx, input.user_id)?;
    view(cx, find_plan(cx)?)
}

/// Withdraws an invite the owner sent.
pub fn cancel_vacay_invite(cx: &Ctx<'_>, input: VacayUserInput) -> Result<VacayPlan, DomainError> {
    take_invite(cx, input.user_id)?;
    view(cx, find_plan(cx)?)
}

/// Ends sharing: companions leave with their days and allowances; pending invites go too.
pub fn dissolve_vacay_plan(cx: &Ctx<'_>, _input: NoInput) -> Result<VacayPlan, DomainError> {
    let not_shared =
        || DomainError::Conflict("your vacation plan is not shared: no companion has joined it".into());
    let plan = find_plan(cx)?.ok_or_else(not_shared)?;
    let owner = cx.actor.user.0;
    let removed = cx
        .conn
        .execute("DELETE FROM vacay_members WHERE plan_id = ?1 AND user_id <> ?2", params![plan.id, owner])?;
    if removed == 0 {
        return Err(not_shared());
    }
    for table in ["vacay_entries", "vacay_allowances"] {
        cx.conn.execute(
            &format!("DELETE FROM {table} WHERE plan_id = ?1 AND user_id <> ?2"),
            params![plan.id, owner],
        )?;
    }
    cx.conn.execute("DELETE FROM vacay_invites WHERE plan_id = ?1", [plan.id])?;
    cx.changed("vacay_plan", ChangeAction::Updated, plan.id, None);
    view(cx, Some(plan))
}
