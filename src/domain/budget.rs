//! The trip budget: expense items (name, category, price, an informational persons/days
//! split, who paid the bill), the trip members splitting each item equally and whether each
//! has paid their share, per-person totals and a settlement (who pays whom).
//!
//! Money is exact: prices are integer minor units at the precision of the trip's currency
//! (`domain::money`), read and written as decimal strings; the split and settlement maths is
//! `domain::settlement`. Unlike `places.price` — a decimal string that is only shown, never
//! summed — budget amounts are added up and split, so they are integers; a split never loses
//! or invents a cent.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, optional_text, required_text};
use super::members::{is_member, members_of};
use super::money::{decimals, divide_rounded, format_amount, parse_amount, rescale};
use super::settlement::{Expense, ledgers, settle};
use super::trips::{IsoDate, TripIdInput, get_trip, parse_date};
use super::{ChangeAction, Ctx, DomainError};

/// Category of items created without one.
const DEFAULT_CATEGORY: &str = "Other";
/// Most members splitting one item, persons of a split and days of a split.
const MAX_SPLIT_MEMBERS: usize = 100;
const MAX_PERSONS: i64 = 100;
const MAX_DAYS: i64 = 365;

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/// A member splitting a budget item.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetMember {
    pub user_id: i64,
    pub name: String,
    /// Whether they have paid their share to the payer.
    pub paid: bool,
    /// Their equal share, decimal string.
    pub share: String,
}

/// An expense of the trip.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetItem {
    pub id: i64,
    pub trip_id: i64,
    pub name: String,
    pub category: String,
    /// Decimal string in the trip's currency, e.g. "120.00".
    pub total_price: String,
    /// The trip's currency (ISO 4217).
    pub currency: String,
    /// Informational split: number of persons the price covers.
    pub persons: Option<i64>,
    /// Informational split: number of days the price covers.
    pub days: Option<i64>,
    /// total_price / persons, rounded to the currency's precision.
    pub per_person: Option<String>,
    /// total_price / days, rounded.
    pub per_day: Option<String>,
    /// total_price / persons / days, rounded.
    pub per_person_per_day: Option<String>,
    /// The member who paid the bill.
    pub paid_by: Option<i64>,
    pub paid_by_name: Option<String>,
    pub note: Option<String>,
    pub expense_date: Option<IsoDate>,
    pub position: i64,
    /// Members splitting the item equally (payer's share absorbs rounding).
    pub members: Vec<BudgetMember>,
}

/// `list_budget_items` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetItemList {
    pub currency: String,
    /// Sum of every item, decimal string.
    pub total: String,
    pub items: Vec<BudgetItem>,
}

/// One person's budget figures (decimal strings in the trip's currency).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PersonTotal {
    pub user_id: i64,
    pub name: String,
    /// Their shares of the items they split: what the trip costs them.
    pub share: String,
    /// Totals of the bills they paid.
    pub paid: String,
    /// Shares they already paid back to others.
    pub repaid: String,
    /// Shares others already paid back to them.
    pub received: String,
    /// Positive: others owe them this much; negative: they owe this much.
    pub balance: String,
}

/// `get_budget_per_person` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetPerPerson {
    pub trip_id: i64,
    pub currency: String,
    pub total: String,
    /// Sum of items nobody splits yet.
    pub unsplit: String,
    pub people: Vec<PersonTotal>,
}

/// A payment that settles debts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Transfer {
    pub from_user_id: i64,
    pub from_name: String,
    pub to_user_id: i64,
    pub to_name: String,
    /// Decimal string in the trip's currency.
    pub amount: String,
}

/// `get_budget_settlement` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetSettlement {
    pub trip_id: i64,
    pub currency: String,
    /// Who pays whom, fewest transfers first by size; empty when everyone is settled.
    pub transfers: Vec<Transfer>,
    pub settled: bool,
}

/// Spending of one category.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryTotal {
    pub category: String,
    pub total: String,
}

/// The budget part of a trip summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetSummary {
    pub currency: String,
    pub total: String,
    pub by_category: Vec<CategoryTotal>,
    pub items: Vec<BudgetItem>,
    pub people: Vec<PersonTotal>,
    pub transfers: Vec<Transfer>,
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// An item's stored money next to its view.
struct Stored {
    item: BudgetItem,
    minor: i64,
    scale: u32,
    members: Vec<(i64, bool)>,
}

/// The trip's budget as stored, in two queries (items, then members).
struct Budget {
    currency: String,
    items: Vec<Stored>,
}

impl Budget {
    /// The scale every aggregate is computed at: the trip currency's, or finer if an item
    /// was written at a finer one (the trip's currency changed since), so nothing rounds.
    fn scale(&self) -> u32 {
        self.items.iter().map(|s| s.scale).fold(decimals(&self.currency), u32::max)
    }

    fn expenses(&self) -> Vec<Expense> {
        let scale = self.scale();
        self.items
            .iter()
            .map(|s| Expense {
                total: rescale(s.minor, s.scale, scale),
                payer: s.item.paid_by,
                members: s.members.clone(),
            })
            .collect()
    }

    fn total(&self) -> i64 {
        let scale = self.scale();
        self.items.iter().map(|s| rescale(s.minor, s.scale, scale)).sum()
    }
}

fn load_budget(
    cx: &Ctx<'_>,
    trip_id: i64,
    currency: String,
    item_id: Option<i64>,
) -> Result<Budget, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT b.id, b.trip_id, b.name, b.category, b.price_minor, b.price_scale, b.persons, b.days,
                b.paid_by, u.name, b.note, b.expense_date, b.position
         FROM budget_items b LEFT JOIN users u ON u.id = b.paid_by
         WHERE b.trip_id = ?1 AND (?2 IS NULL OR b.id = ?2)
         ORDER BY b.position, b.id",
    )?;
    let rows = stmt.query_map(params![trip_id, item_id], |r| {
        let minor: i64 = r.get(4)?;
        let scale: u32 = r.get(5)?;
        let persons: Option<i64> = r.get(6)?;
        let days: Option<i64> = r.get(7)?;
        let per = |n: Option<i64>| n.map(|n| format_amount(divide_rounded(minor, n), scale));
        let per_person_per_day =
            persons.zip(days).map(|(p, d)| format_amount(divide_rounded(minor, p * d), scale));
        Ok(Stored {
            item: BudgetItem {
                id: r.get(0)?,
                trip_id: r.get(1)?,
                name: r.get(2)?,
                category: r.get(3)?,
                total_price: format_amount(minor, scale),
                currency: currency.clone(),
                persons,
                days,
                per_person: per(persons),
                per_day: per(days),
                per_person_per_day,
                paid_by: r.get(8)?,
                paid_by_name: r.get(9)?,
                note: r.get(10)?,
                expense_date: r.get(11)?,
                position: r.get(12)?,
                members: Vec::new(),
            },
            minor,
            scale,
            members: Vec::new(),
        })
    })?;
    let mut items: Vec<Stored> = rows.collect::<Result<_, _>>()?;
    if !items.is_empty() {
        let mut by_item: HashMap<i64, Vec<(i64, String, bool)>> = HashMap::new();
        let mut stmt = cx.conn.prepare_cached(
            "SELECT m.item_id, m.user_id, u.name, m.paid
             FROM budget_item_members m JOIN budget_items b ON b.id = m.item_id JOIN users u ON u.id = m.user_id
             WHERE b.trip_id = ?1 AND (?2 IS NULL OR b.id = ?2)
             ORDER BY u.name, u.id",
        )?;
        let rows = stmt.query_map(params![trip_id, item_id], |r| {
            Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })?;
        for row in rows {
            let (item, member) = row?;
            by_item.entry(item).or_default().push(member);
        }
        for stored in &mut items {
            let members = by_item.remove(&stored.item.id).unwrap_or_default();
            stored.members = members.iter().map(|&(u, _, paid)| (u, paid)).collect();
            let expense =
                Expense { total: stored.minor, payer: stored.item.paid_by, members: stored.members.clone() };
            let shares: HashMap<i64, i64> = expense.shares().into_iter().collect();
            stored.item.members = members
                .into_iter()
                .map(|(user_id, name, paid)| BudgetMember {
                    user_id,
                    name,
                    paid,
                    share: format_amount(shares.get(&user_id).copied().unwrap_or(0), stored.scale),
                })
                .collect();
        }
    }
    Ok(Budget { currency, items })
}

/// The trip's budget after checking the actor may see the trip.
fn visible_budget(cx: &Ctx<'_>, trip_id: i64) -> Result<Budget, DomainError> {
    let trip = get_trip(cx, trip_id)?;
    load_budget(cx, trip_id, trip.currency, None)
}

fn get_item(cx: &Ctx<'_>, trip_id: i64, currency: &str, item_id: i64) -> Result<Stored, DomainError> {
    load_budget(cx, trip_id, currency.to_owned(), Some(item_id))?
        .items
        .pop()
        .ok_or(DomainError::NotFound { what: "budget item", id: item_id })
}

/// Names of every user, for people who appear in the budget but left the trip.
fn user_names(cx: &Ctx<'_>, trip_id: i64) -> Result<HashMap<i64, String>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT u.id, u.name FROM users u WHERE u.id IN (
             SELECT m.user_id FROM budget_item_members m JOIN budget_items b ON b.id = m.item_id WHERE b.trip_id = ?1
             UNION SELECT paid_by FROM budget_items WHERE trip_id = ?1)",
    )?;
    let rows = stmt.query_map([trip_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Per-person figures and settlement transfers of a loaded budget.
fn people_and_transfers(
    cx: &Ctx<'_>,
    trip_id: i64,
    budget: &Budget,
) -> Result<(Vec<PersonTotal>, Vec<Transfer>), DomainError> {
    let scale = budget.scale();
    let ledgers = ledgers(&budget.expenses());
    let mut names = user_names(cx, trip_id)?;
    // Trip members first (owner, then by name), then anyone who left the trip but still
    // appears in the budget.
    let mut order: Vec<i64> = Vec::new();
    for m in members_of(cx, trip_id)? {
        names.insert(m.user_id, m.name);
        order.push(m.user_id);
    }
    for &user in ledgers.keys() {
        if !order.contains(&user) {
            order.push(user);
        }
    }
    let name = |u: i64| names.get(&u).cloned().unwrap_or_default();
    let people = order
        .iter()
        .map(|&u| {
            let l = ledgers.get(&u).copied().unwrap_or_default();
            PersonTotal {
                user_id: u,
                name: name(u),
                share: format_amount(l.share, scale),
                paid: format_amount(l.fronted, scale),
                repaid: format_amount(l.repaid, scale),
                received: format_amount(l.received, scale),
                balance: format_amount(l.balance(), scale),
            }
        })
        .collect();
    let balances: BTreeMap<i64, i64> = ledgers.iter().map(|(&u, l)| (u, l.balance())).collect();
    let transfers = settle(&balances)
        .into_iter()
        .map(|(from, to, amount)| Transfer {
            from_user_id: from,
            from_name: name(from),
            to_user_id: to,
            to_name: name(to),
            amount: format_amount(amount, scale),
        })
        .collect();
    Ok((people, transfers))
}

// ---------------------------------------------------------------------------------------------
// Read operations
// ---------------------------------------------------------------------------------------------

pub fn list_budget_items(cx: &Ctx<'_>, input: TripIdInput) -> Result<BudgetItemList, DomainError> {
    let budget = visible_budget(cx, input.trip_id)?;
    let total = format_amount(budget.total(), budget.scale());
    Ok(BudgetItemList {
        currency: budget.currency,
        total,
        items: budget.items.into_iter().map(|s| s.item).collect(),
    })
}

pub fn get_budget_per_person(cx: &Ctx<'_>, input: TripIdInput) -> Result<BudgetPerPerson, DomainError> {
    let budget = visible_budget(cx, input.trip_id)?;
    let scale = budget.scale();
    let (people, _) = people_and_transfers(cx, input.trip_id, &budget)?;
    let unsplit: i64 =
        budget.items.iter().filter(|s| s.members.is_empty()).map(|s| rescale(s.minor, s.scale, scale)).sum();
    Ok(BudgetPerPerson {
        trip_id: input.trip_id,
        total: format_amount(budget.total(), scale),
        unsplit: format_amount(unsplit, scale),
        currency: budget.currency,
        people,
    })
}

pub fn get_budget_settlement(cx: &Ctx<'_>, input: TripIdInput) -> Result<BudgetSettlement, DomainError> {
    let budget = visible_budget(cx, input.trip_id)?;
    let (_, transfers) = people_and_transfers(cx, input.trip_id, &budget)?;
    Ok(BudgetSettlement {
        trip_id: input.trip_id,
        currency: budget.currency,
        settled: transfers.is_empty(),
        transfers,
    })
}

/// The budget part of `get_trip_summary`: items with splits and paid flags, totals (overall
/// and by category), per-person figures and settlement transfers. No access check: the
/// caller has loaded the trip as the actor already.
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<BudgetSummary, DomainError> {
    let currency: String = cx
        .conn
        .prepare_cached("SELECT currency FROM trips WHERE id = ?1")?
        .query_row([trip_id], |r| r.get(0))
        .optional()?
        .ok_or(DomainError::NotFound { what: "trip", id: trip_id })?;
    let budget = load_budget(cx, trip_id, currency, None)?;
    let scale = budget.scale();
    let (people, transfers) = people_and_transfers(cx, trip_id, &budget)?;
    let mut by_category: BTreeMap<&str, i64> = BTreeMap::new();
    for s in &budget.items {
        *by_category.entry(s.item.category.as_str()).or_default() += rescale(s.minor, s.scale, scale);
    }
    let by_category = by_category
        .into_iter()
        .map(|(category, total)| CategoryTotal {
            category: category.to_owned(),
            total: format_amount(total, scale),
        })
        .collect();
    Ok(BudgetSummary {
        total: format_amount(budget.total(), scale),
        by_category,
        people,
        transfers,
        currency: budget.currency.clone(),
        items: budget.items.into_iter().map(|s| s.item).collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Write operations
// ---------------------------------------------------------------------------------------------

/// Checks every id is a member (or the owner) of the trip; returns them sorted, deduplicated.
pub(crate) fn trip_members_only(
    cx: &Ctx<'_>,
    trip_id: i64,
    field: &'static str,
    user_ids: &[i64],
) -> Result<Vec<i64>, DomainError> {
    if user_ids.len() > MAX_SPLIT_MEMBERS {
        return Err(DomainError::invalid(field, format!("at most {MAX_SPLIT_MEMBERS} users")));
    }
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for &user in &ids {
        if !is_member(cx, trip_id, user)? {
            return Err(DomainError::invalid(field, format!("user {user} is not a member of this trip")));
        }
    }
    Ok(ids)
}

fn valid_count(field: &'static str, value: Option<i64>, max: i64) -> Result<Option<i64>, DomainError> {
    match value {
        Some(n) if !(1..=max).contains(&n) => {
            Err(DomainError::invalid(field, format!("must be between 1 and {max}")))
        }
        other => Ok(other),
    }
}

fn valid_category(value: Option<String>) -> Result<String, DomainError> {
    Ok(optional_text("category", value, 100)?.unwrap_or_else(|| DEFAULT_CATEGORY.to_owned()))
}

/// Replaces an item's members, keeping the paid flag of those who stay.
fn replace_members(cx: &Ctx<'_>, item_id: i64, user_ids: &[i64]) -> Result<(), DomainError> {
    let kept: Vec<i64> = cx
        .conn
        .prepare_cached("SELECT user_id FROM budget_item_members WHERE item_id = ?1 AND paid = 1")?
        .query_map([item_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    cx.conn.execute("DELETE FROM budget_item_members WHERE item_id = ?1", [item_id])?;
    let mut insert = cx
        .conn
        .prepare_cached("INSERT INTO budget_item_members (item_id, user_id, paid) VALUES (?1, ?2, ?3)")?;
    for &user in user_ids {
        insert.execute(params![item_id, user, kept.contains(&user)])?;
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBudgetItemInput {
    pub trip_id: i64,
    /// What the expense is, 1-200 characters.
    pub name: String,
    /// e.g. Accommodation, Food, Transport, Activities (default "Other").
    pub category: Option<String>,
    /// Price as a decimal string in the trip's currency, e.g. "120.50" ("12000" for JPY).
    #[serde(alias = "price")]
    pub total_price: String,
    /// Informational: how many persons the price covers (per_person is derived).
    pub persons: Option<i64>,
    /// Informational: how many days the price covers (per_day is derived).
    pub days: Option<i64>,
    /// User id of the trip member who paid the bill (from list_trip_members).
    pub paid_by: Option<i64>,
    /// Trip members splitting the item equally (user ids).
    pub user_ids: Option<Vec<i64>>,
    #[serde(alias = "notes")]
    pub note: Option<String>,
    /// When the money was spent, YYYY-MM-DD.
    pub expense_date: Option<IsoDate>,
}

/// Adds an expense to the trip's budget, optionally with its payer and the members splitting it.
pub fn create_budget_item(cx: &Ctx<'_>, input: CreateBudgetItemInput) -> Result<BudgetItem, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let name = required_text("name", &input.name, 200)?;
    let category = valid_category(input.category)?;
    let scale = decimals(&trip.currency);
    let minor = parse_amount("total_price", &input.total_price, scale)?;
    let persons = valid_count("persons", input.persons, MAX_PERSONS)?;
    let days = valid_count("days", input.days, MAX_DAYS)?;
    if let Some(payer) = input.paid_by {
        trip_members_only(cx, trip.id, "paid_by", &[payer])?;
    }
    let members =
        input.user_ids.as_deref().map(|ids| trip_members_only(cx, trip.id, "user_ids", ids)).transpose()?;
    let note = optional_text("note", input.note, 1000)?;
    let expense_date = input.expense_date.as_deref().map(|d| parse_date("expense_date", d)).transpose()?;
    cx.conn.execute(
        "INSERT INTO budget_items (trip_id, name, category, price_minor, price_scale, persons, days, paid_by, note,
             expense_date, position, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                 (SELECT coalesce(max(position) + 1, 0) FROM budget_items WHERE trip_id = ?1), ?11, ?11)",
        params![
            trip.id,
            name,
            category,
            minor,
            scale,
            persons,
            days,
            input.paid_by,
            note,
            expense_date.map(|d| d.to_string()),
            cx.now
        ],
    )?;
    let id = cx.conn.last_insert_rowid();
    if let Some(members) = members {
        replace_members(cx, id, &members)?;
    }
    cx.changed("budget_item", ChangeAction::Created, id, Some(trip.id));
    Ok(get_item(cx, trip.id, &trip.currency, id)?.item)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBudgetItemInput {
    pub trip_id: i64,
    /// The item's id (from list_budget_items).
    pub item_id: i64,
    /// New name, 1-200 characters.
    pub name: Option<String>,
    pub category: Option<String>,
    /// New price, decimal string in the trip's currency.
    #[serde(alias = "price")]
    pub total_price: Option<String>,
    /// Omitted fields stay; null clears.
    #[serde(default)]
    pub persons: Patch<i64>,
    #[serde(default)]
    pub days: Patch<i64>,
    /// User id of the member who paid; null clears.
    #[serde(default)]
    pub paid_by: Patch<i64>,
    #[serde(default, alias = "notes")]
    pub note: Patch<String>,
    /// YYYY-MM-DD; null clears.
    #[serde(default)]
    pub expense_date: Patch<IsoDate>,
}

/// Changes an expense; omitted fields stay, null clears.
pub fn update_budget_item(cx: &Ctx<'_>, input: UpdateBudgetItemInput) -> Result<BudgetItem, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let stored = get_item(cx, trip.id, &trip.currency, input.item_id)?;
    let item = stored.item;
    let name = match input.name {
        Some(n) => required_text("name", &n, 200)?,
        None => item.name,
    };
    let category = match input.category {
        Some(c) => valid_category(Some(c))?,
        None => item.category,
    };
    let (minor, scale) = match input.total_price {
        Some(p) => {
            let scale = decimals(&trip.currency);
            (parse_amount("total_price", &p, scale)?, scale)
        }
        None => (stored.minor, stored.scale),
    };
    let persons = valid_count("persons", input.persons.apply(item.persons), MAX_PERSONS)?;
    let days = valid_count("days", input.days.apply(item.days), MAX_DAYS)?;
    let paid_by = input.paid_by.apply(item.paid_by);
    if let (Some(payer), false) = (paid_by, paid_by == item.paid_by) {
        trip_members_only(cx, trip.id, "paid_by", &[payer])?;
    }
    let note = match input.note {
        Patch::Set(n) => optional_text("note", Some(n), 1000)?,
        other => other.apply(item.note),
    };
    let expense_date = match input.expense_date {
        Patch::Set(d) => Some(parse_date("expense_date", &d)?.to_string()),
        other => other.apply(item.expense_date),
    };
    cx.conn.execute(
        "UPDATE budget_items SET name = ?2, category = ?3, price_minor = ?4, price_scale = ?5, persons = ?6,
             days = ?7, paid_by = ?8, note = ?9, expense_date = ?10, updated_at = ?11
         WHERE id = ?1",
        params![item.id, name, category, minor, scale, persons, days, paid_by, note, expense_date, cx.now],
    )?;
    cx.changed("budget_item", ChangeAction::Updated, item.id, Some(trip.id));
    Ok(get_item(cx, trip.id, &trip.currency, item.id)?.item)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetItemIdInput {
    pub trip_id: i64,
    /// The item's id (from list_budget_items).
    pub item_id: i64,
}

/// Removes an expense and its split; later items move up.
pub fn delete_budget_item(cx: &Ctx<'_>, input: BudgetItemIdInput) -> Result<Deleted, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    get_item(cx, trip.id, &trip.currency, input.item_id)?;
    cx.conn.execute("DELETE FROM budget_items WHERE id = ?1", [input.item_id])?;
    cx.conn.execute(
        "UPDATE budget_items SET position = (SELECT count(*) FROM budget_items o
             WHERE o.trip_id = budget_items.trip_id AND (o.position, o.id) < (budget_items.position, budget_items.id))
         WHERE trip_id = ?1",
        [trip.id],
    )?;
    cx.changed("budget_item", ChangeAction::Deleted, input.item_id, Some(trip.id));
    Ok(Deleted::new(input.item_id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBudgetItemMembersInput {
    pub trip_id: i64,
    /// The item's id (from list_budget_items).
    pub item_id: i64,
    /// Trip members splitting the item (user ids); replaces the list; [] clears it.
    pub user_ids: Vec<i64>,
}

/// Replaces who splits an item; members who stay keep their paid flag.
pub fn set_budget_item_members(
    cx: &Ctx<'_>,
    input: SetBudgetItemMembersInput,
) -> Result<BudgetItem, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    get_item(cx, trip.id, &trip.currency, input.item_id)?;
    let members = trip_members_only(cx, trip.id, "user_ids", &input.user_ids)?;
    replace_members(cx, input.item_id, &members)?;
    cx.conn
        .execute("UPDATE budget_items SET updated_at = ?2 WHERE id = ?1", params![input.item_id, cx.now])?;
    cx.changed("budget_item", ChangeAction::Updated, input.item_id, Some(trip.id));
    Ok(get_item(cx, trip.id, &trip.currency, input.item_id)?.item)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToggleBudgetMemberPaidInput {
    pub trip_id: i64,
    /// The item's id (from list_budget_items).
    pub item_id: i64,
    /// User id of a member splitting the item.
    pub member_id: i64,
    /// true: they have paid their share; false: not yet. Omit to flip.
    pub paid: Option<bool>,
}

/// Marks whether a member has paid their share of an item to its payer.
pub fn toggle_budget_member_paid(
    cx: &Ctx<'_>,
    input: ToggleBudgetMemberPaidInput,
) -> Result<BudgetItem, DomainError> {
    let trip = get_trip(cx, input.trip_id)?;
    let stored = get_item(cx, trip.id, &trip.currency, input.item_id)?;
    let current = stored
        .members
        .iter()
        .find(|&&(u, _)| u == input.member_id)
        .map(|&(_, paid)| paid)
        .ok_or(DomainError::NotFound { what: "budget item member", id: input.member_id })?;
    let paid = input.paid.unwrap_or(!current);
    cx.conn.execute(
        "UPDATE budget_item_members SET paid = ?3 WHERE item_id = ?1 AND user_id = ?2",
        params![input.item_id, input.member_id, paid],
    )?;
    cx.changed("budget_item", ChangeAction::Updated, input.item_id, Some(trip.id));
    Ok(get_item(cx, trip.id, &trip.currency, input.item_id)?.item)
}
