//! Packing lists: items (name, category, quantity, checked, bag) in a dense order, bulk import
//! from "2x socks" lines, bags with the members who carry them, who packs each category, and
//! the user's reusable templates (saved from a trip's list, applied without duplicates).

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::trip_members_only;
use super::common::{Deleted, Patch, hex_colour, optional_text, required_text};
use super::trips::{TripIdInput, ensure_visible};
use super::{ChangeAction, Ctx, DomainError};

/// Category of items created without one (TREK's).
const DEFAULT_CATEGORY: &str = "General";
/// Colour of bags created without one.
const DEFAULT_BAG_COLOUR: &str = "#6b7280";
const MAX_QUANTITY: i64 = 999;
/// Most entries one bulk import may add.
const MAX_IMPORT: usize = 500;
/// Most items on one trip's list.
const MAX_ITEMS: i64 = 2000;

/// An item on the packing list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingItem {
    pub id: i64,
    pub trip_id: i64,
    pub name: String,
    pub category: String,
    pub quantity: i64,
    pub checked: bool,
    pub bag_id: Option<i64>,
    pub bag_name: Option<String>,
    /// 0, 1, 2, … across the trip's list.
    pub position: i64,
}

/// `list_packing_items` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingItemList {
    pub items: Vec<PackingItem>,
    /// Number of items, and how many are checked.
    pub total: i64,
    pub checked: i64,
}

/// A trip member named on a bag or a category.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
}

/// A bag and who carries it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingBag {
    pub id: i64,
    pub trip_id: i64,
    pub name: String,
    /// Hex colour, `#rrggbb`.
    pub color: String,
    pub position: i64,
    pub members: Vec<Person>,
    /// Items assigned to the bag.
    pub item_count: i64,
}

/// `list_packing_bags` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingBagList {
    pub bags: Vec<PackingBag>,
}

/// Who packs one category.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryAssignees {
    pub category: String,
    pub assignees: Vec<Person>,
}

/// `get_packing_category_assignees` output: every category on the list or with assignees.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryAssigneeList {
    pub categories: Vec<CategoryAssignees>,
}

/// The packing part of a trip summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingSummary {
    pub items: Vec<PackingItem>,
    pub bags: Vec<PackingBag>,
    pub categories: Vec<CategoryAssignees>,
    pub total: i64,
    pub checked: i64,
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

fn load_items(cx: &Ctx<'_>, trip_id: i64, item_id: Option<i64>) -> Result<Vec<PackingItem>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT i.id, i.trip_id, i.name, i.category, i.quantity, i.checked, i.bag_id, b.name, i.position
         FROM packing_items i LEFT JOIN packing_bags b ON b.id = i.bag_id
         WHERE i.trip_id = ?1 AND (?2 IS NULL OR i.id = ?2)
         ORDER BY i.position, i.id",
    )?;
    let rows = stmt.query_map(params![trip_id, item_id], |r| {
        Ok(PackingItem {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            name: r.get(2)?,
            category: r.get(3)?,
            quantity: r.get(4)?,
            checked: r.get(5)?,
            bag_id: r.get(6)?,
            bag_name: r.get(7)?,
            position: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn get_item(cx: &Ctx<'_>, trip_id: i64, item_id: i64) -> Result<PackingItem, DomainError> {
    load_items(cx, trip_id, Some(item_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "packing item", id: item_id })
}

fn item_list(items: Vec<PackingItem>) -> PackingItemList {
    let checked = items.iter().filter(|i| i.checked).count() as i64;
    PackingItemList { total: items.len() as i64, checked, items }
}

fn load_bags(cx: &Ctx<'_>, trip_id: i64, bag_id: Option<i64>) -> Result<Vec<PackingBag>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT b.id, b.trip_id, b.name, b.color, b.position,
                (SELECT count(*) FROM packing_items i WHERE i.bag_id = b.id)
         FROM packing_bags b WHERE b.trip_id = ?1 AND (?2 IS NULL OR b.id = ?2)
         ORDER BY b.position, b.id",
    )?;
    let rows = stmt.query_map(params![trip_id, bag_id], |r| {
        Ok(PackingBag {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            name: r.get(2)?,
            color: r.get(3)?,
            position: r.get(4)?,
            members: Vec::new(),
            item_count: r.get(5)?,
        })
    })?;
    let mut bags: Vec<PackingBag> = rows.collect::<Result<_, _>>()?;
    if bags.is_empty() {
        return Ok(bags);
    }
    let mut members: HashMap<i64, Vec<Person>> = HashMap::new();
    let mut stmt = cx.conn.prepare_cached(
        "SELECT m.bag_id, u.id, u.name
         FROM packing_bag_members m JOIN packing_bags b ON b.id = m.bag_id JOIN users u ON u.id = m.user_id
         WHERE b.trip_id = ?1 AND (?2 IS NULL OR b.id = ?2)
         ORDER BY u.name, u.id",
    )?;
    let rows = stmt.query_map(params![trip_id, bag_id], |r| {
        Ok((r.get::<_, i64>(0)?, Person { user_id: r.get(1)?, name: r.get(2)? }))
    })?;
    for row in rows {
        let (bag, person) = row?;
        members.entry(bag).or_default().push(person);
    }
    for bag in &mut bags {
        bag.members = members.remove(&bag.id).unwrap_or_default();
    }
    Ok(bags)
}

fn get_bag(cx: &Ctx<'_>, trip_id: i64, bag_id: i64) -> Result<PackingBag, DomainError> {
    load_bags(cx, trip_id, Some(bag_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "packing bag", id: bag_id })
}

fn load_category_assignees(cx: &Ctx<'_>, trip_id: i64) -> Result<Vec<CategoryAssignees>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT c.category, u.id, u.name FROM (
             SELECT DISTINCT category FROM packing_items WHERE trip_id = ?1
             UNION SELECT category FROM packing_category_assignees WHERE trip_id = ?1) c
         LEFT JOIN packing_category_assignees a ON a.trip_id = ?1 AND a.category = c.category
         LEFT JOIN users u ON u.id = a.user_id
         ORDER BY c.category COLLATE NOCASE, c.category, u.name, u.id",
    )?;
    let rows = stmt.query_map([trip_id], |r| {
        let user: Option<i64> = r.get(1)?;
        let name: Option<String> = r.get(2)?;
        Ok((r.get::<_, String>(0)?, user.zip(name).map(|(user_id, name)| Person { user_id, name })))
    })?;
    let mut out: Vec<CategoryAssignees> = Vec::new();
    for row in rows {
        let (category, person) = row?;
        if out.last().is_none_or(|c| c.category != category) {
            out.push(CategoryAssignees { category, assignees: Vec::new() });
        }
        if let (Some(last), Some(person)) = (out.last_mut(), person) {
            last.assignees.push(person);
        }
    }
    Ok(out)
}

/// The packing part of `get_trip_summary`: items in order, bags with members, category
/// assignees and counts. No access check: the caller has loaded the trip as the actor.
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<PackingSummary, DomainError> {
    let list = item_list(load_items(cx, trip_id, None)?);
    Ok(PackingSummary {
        items: list.items,
        total: list.total,
        checked: list.checked,
        bags: load_bags(cx, trip_id, None)?,
        categories: load_category_assignees(cx, trip_id)?,
    })
}

/// Closes gaps in the trip's item positions (0, 1, 2, …), keeping the order.
fn renumber_items(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE packing_items SET position = (SELECT count(*) FROM packing_items o
                 WHERE o.trip_id = packing_items.trip_id
                   AND (o.position, o.id) < (packing_items.position, packing_items.id))
             WHERE trip_id = ?1",
        )?
        .execute([trip_id])?;
    Ok(())
}

fn renumber_bags(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE packing_bags SET position = (SELECT count(*) FROM packing_bags o
                 WHERE o.trip_id = packing_bags.trip_id
                   AND (o.position, o.id) < (packing_bags.position, packing_bags.id))
             WHERE trip_id = ?1",
        )?
        .execute([trip_id])?;
    Ok(())
}

fn ensure_bag_in_trip(cx: &Ctx<'_>, trip_id: i64, bag_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached("SELECT 1 FROM packing_bags WHERE id = ?1 AND trip_id = ?2")?
        .query_row(params![bag_id, trip_id], |_| Ok(()))
        .optional()?
        .ok_or(DomainError::NotFound { what: "packing bag", id: bag_id })
}

fn valid_category(value: Option<String>) -> Result<String, DomainError> {
    Ok(optional_text("category", value, 100)?.unwrap_or_else(|| DEFAULT_CATEGORY.to_owned()))
}

fn valid_quantity(field: &'static str, value: i64) -> Result<i64, DomainError> {
    if (1..=MAX_QUANTITY).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(field, format!("must be between 1 and {MAX_QUANTITY}")))
    }
}

/// Appends an item at the end of the list; the caller validated the fields.
fn insert_item(
    cx: &Ctx<'_>,
    trip_id: i64,
    name: &str,
    category: &str,
    quantity: i64,
    checked: bool,
    bag_id: Option<i64>,
) -> Result<i64, DomainError> {
    cx.conn
        .prepare_cached(
            "INSERT INTO packing_items (trip_id, name, category, quantity, checked, bag_id, position, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                     (SELECT coalesce(max(position) + 1, 0) FROM packing_items WHERE trip_id = ?1), ?7, ?7)",
        )?
        .execute(params![trip_id, name, category, quantity, checked, bag_id, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("packing_item", ChangeAction::Created, id, Some(trip_id));
    Ok(id)
}

/// Refuses to grow the list past [`MAX_ITEMS`].
fn ensure_room(cx: &Ctx<'_>, trip_id: i64, adding: usize) -> Result<(), DomainError> {
    let count: i64 = cx
        .conn
        .prepare_cached("SELECT count(*) FROM packing_items WHERE trip_id = ?1")?
        .query_row([trip_id], |r| r.get(0))?;
    if count + adding as i64 > MAX_ITEMS {
        return Err(DomainError::Limit { what: "packing items per trip", limit: MAX_ITEMS as usize });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

pub fn list_packing_items(cx: &Ctx<'_>, input: TripIdInput) -> Result<PackingItemList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(item_list(load_items(cx, input.trip_id, None)?))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePackingItemInput {
    pub trip_id: i64,
    /// 1-200 characters.
    pub name: String,
    /// e.g. Clothes, Toiletries, Electronics, Documents (default "General").
    pub category: Option<String>,
    /// How many, 1-999 (default 1).
    pub quantity: Option<i64>,
    /// A bag of the trip (from list_packing_bags).
    pub bag_id: Option<i64>,
}

/// Adds an unchecked item at the end of the list.
pub fn create_packing_item(cx: &Ctx<'_>, input: CreatePackingItemInput) -> Result<PackingItem, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let name = required_text("name", &input.name, 200)?;
    let category = valid_category(input.category)?;
    let quantity = valid_quantity("quantity", input.quantity.unwrap_or(1))?;
    if let Some(bag) = input.bag_id {
        ensure_bag_in_trip(cx, input.trip_id, bag)?;
    }
    ensure_room(cx, input.trip_id, 1)?;
    let id = insert_item(cx, input.trip_id, &name, &category, quantity, false, input.bag_id)?;
    get_item(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePackingItemInput {
    pub trip_id: i64,
    /// The item's id (from list_packing_items).
    pub item_id: i64,
    /// New name, 1-200 characters.
    pub name: Option<String>,
    pub category: Option<String>,
    /// 1-999.
    pub quantity: Option<i64>,
    pub checked: Option<bool>,
    /// A bag of the trip; null takes the item out of its bag; omitted keeps it.
    #[serde(default)]
    pub bag_id: Patch<i64>,
}

/// Changes an item; omitted fields stay.
pub fn update_packing_item(cx: &Ctx<'_>, input: UpdatePackingItemInput) -> Result<PackingItem, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let item = get_item(cx, input.trip_id, input.item_id)?;
    let name = match input.name {
        Some(n) => required_text("name", &n, 200)?,
        None => item.name,
    };
    let category = match input.category {
        Some(c) => valid_category(Some(c))?,
        None => item.category,
    };
    let quantity = valid_quantity("quantity", input.quantity.unwrap_or(item.quantity))?;
    let bag_id = input.bag_id.apply(item.bag_id);
    if let Some(bag) = bag_id.filter(|&b| Some(b) != item.bag_id) {
        ensure_bag_in_trip(cx, input.trip_id, bag)?;
    }
    let checked = input.checked.unwrap_or(item.checked);
    cx.conn.execute(
        "UPDATE packing_items SET name = ?2, category = ?3, quantity = ?4, checked = ?5, bag_id = ?6, updated_at = ?7
         WHERE id = ?1",
        params![item.id, name, category, quantity, checked, bag_id, cx.now],
    )?;
    cx.changed("packing_item", ChangeAction::Updated, item.id, Some(input.trip_id));
    get_item(cx, input.trip_id, item.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TogglePackingItemInput {
    pub trip_id: i64,
    /// The item's id (from list_packing_items).
    pub item_id: i64,
    /// true: packed; false: not yet. Omit to flip.
    pub checked: Option<bool>,
}

pub fn toggle_packing_item(cx: &Ctx<'_>, input: TogglePackingItemInput) -> Result<PackingItem, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let item = get_item(cx, input.trip_id, input.item_id)?;
    let checked = input.checked.unwrap_or(!item.checked);
    cx.conn.execute(
        "UPDATE packing_items SET checked = ?2, updated_at = ?3 WHERE id = ?1",
        params![item.id, checked, cx.now],
    )?;
    cx.changed("packing_item", ChangeAction::Updated, item.id, Some(input.trip_id));
    get_item(cx, input.trip_id, item.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackingItemIdInput {
    pub trip_id: i64,
    /// The item's id (from list_packing_items).
    pub item_id: i64,
}

/// Removes an item; later items move up.
pub fn delete_packing_item(cx: &Ctx<'_>, input: PackingItemIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    get_item(cx, input.trip_id, input.item_id)?;
    cx.conn.execute("DELETE FROM packing_items WHERE id = ?1", [input.item_id])?;
    renumber_items(cx, input.trip_id)?;
    cx.changed("packing_item", ChangeAction::Deleted, input.item_id, Some(input.trip_id));
    Ok(Deleted::new(input.item_id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderPackingItemsInput {
    pub trip_id: i64,
    /// Item ids in the wanted order; items not listed keep their order after them.
    pub ordered_ids: Vec<i64>,
}

/// Puts the listed items first, in the given order, then the rest; positions stay dense.
pub fn reorder_packing_items(
    cx: &Ctx<'_>,
    input: ReorderPackingItemsInput,
) -> Result<PackingItemList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let items = load_items(cx, input.trip_id, None)?;
    let mut seen = HashSet::new();
    for &id in &input.ordered_ids {
        if !seen.insert(id) {
            return Err(DomainError::invalid("ordered_ids", format!("item {id} is listed twice")));
        }
        if !items.iter().any(|i| i.id == id) {
            return Err(DomainError::NotFound { what: "packing item", id });
        }
    }
    let order =
        input.ordered_ids.iter().copied().chain(items.iter().map(|i| i.id).filter(|id| !seen.contains(id)));
    let mut update = cx.conn.prepare_cached("UPDATE packing_items SET position = ?2 WHERE id = ?1")?;
    for (position, id) in order.enumerate() {
        let position = position as i64;
        if items.iter().any(|i| i.id == id && i.position != position) {
            update.execute(params![id, position])?;
            cx.changed("packing_item", ChangeAction::Updated, id, Some(input.trip_id));
        }
    }
    Ok(item_list(load_items(cx, input.trip_id, None)?))
}

/// One entry of a bulk import: a line like "2x socks" or an item with explicit fields.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ImportEntry {
    /// "socks", "2x socks", "2 x socks", "socks x2"; several lines may come in one string.
    Line(String),
    Item(ImportItem),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportItem {
    pub name: String,
    pub category: Option<String>,
    /// 1-999 (default 1).
    pub quantity: Option<i64>,
    /// Bag name; created when the trip has no bag of that name.
    pub bag: Option<String>,
    /// Already packed (default false).
    pub checked: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkImportPackingInput {
    pub trip_id: i64,
    /// Lines ("2x socks") or items ({"name", "category", "quantity", "bag", "checked"}).
    pub items: Vec<ImportEntry>,
    /// Category for entries that name none (default "General").
    pub category: Option<String>,
}

/// `bulk_import_packing` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ImportedItems {
    pub items: Vec<PackingItem>,
    pub count: i64,
}

/// Reads a quantity prefix ("2x socks", "2 x socks", "2× socks") or suffix ("socks x2").
/// Returns `None` for a blank line; a leading "- ", "* " or "• " bullet is dropped.
pub fn parse_line(line: &str) -> Option<(String, i64)> {
    let line = line.trim();
    let line = ["- ", "* ", "• "].iter().find_map(|b| line.strip_prefix(b)).unwrap_or(line).trim();
    if line.is_empty() {
        return None;
    }
    let is_x = |c: char| matches!(c, 'x' | 'X' | '×');
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = line[digits..].trim_start();
        if let Some(after) = rest.strip_prefix(is_x)
            && after.starts_with(char::is_whitespace)
            && !after.trim().is_empty()
            && let Ok(n) = line[..digits].parse()
        {
            return Some((after.trim().to_owned(), n));
        }
    }
    if let Some((name, tail)) = line.rsplit_once(char::is_whitespace) {
        let count =
            tail.strip_prefix(is_x).filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if let (Some(n), false) = (count.and_then(|n| n.parse().ok()), name.trim().is_empty()) {
            return Some((name.trim().to_owned(), n));
        }
    }
    Some((line.to_owned(), 1))
}

/// The id of the trip's bag named `name` (case-insensitive), created when missing.
fn bag_named(cx: &Ctx<'_>, trip_id: i64, name: &str) -> Result<i64, DomainError> {
    let name = required_text("bag", name, 100)?;
    let found = cx
        .conn
        .prepare_cached(
            "SELECT id FROM packing_bags WHERE trip_id = ?1 AND name = ?2 COLLATE NOCASE ORDER BY id",
        )?
        .query_row(params![trip_id, name], |r| r.get(0))
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => insert_bag(cx, trip_id, &name, DEFAULT_BAG_COLOUR),
    }
}

/// Adds many items at once, in order, unchecked unless an item says otherwise.
pub fn bulk_import_packing(
    cx: &Ctx<'_>,
    input: BulkImportPackingInput,
) -> Result<ImportedItems, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let default_category = valid_category(input.category)?;
    // Validate everything before writing anything.
    let mut rows: Vec<(String, String, i64, bool, Option<String>)> = Vec::new();
    for entry in input.items {
        match entry {
            ImportEntry::Line(text) => {
                for (name, quantity) in text.lines().filter_map(parse_line) {
                    let name = required_text("items", &name, 200)?;
                    rows.push((
                        name,
                        default_category.clone(),
                        valid_quantity("items", quantity)?,
                        false,
                        None,
                    ));
                }
            }
            ImportEntry::Item(item) => {
                let name = required_text("items", &item.name, 200)?;
                let category = match item.category {
                    Some(c) => valid_category(Some(c))?,
                    None => default_category.clone(),
                };
                let quantity = valid_quantity("items", item.quantity.unwrap_or(1))?;
                rows.push((name, category, quantity, item.checked.unwrap_or(false), item.bag));
            }
        }
    }
    if rows.is_empty() {
        return Err(DomainError::invalid("items", "give at least one item"));
    }
    if rows.len() > MAX_IMPORT {
        return Err(DomainError::invalid("items", format!("at most {MAX_IMPORT} items per import")));
    }
    ensure_room(cx, input.trip_id, rows.len())?;
    let mut ids = Vec::with_capacity(rows.len());
    for (name, category, quantity, checked, bag) in rows {
        let bag_id = bag.map(|b| bag_named(cx, input.trip_id, &b)).transpose()?;
        ids.push(insert_item(cx, input.trip_id, &name, &category, quantity, checked, bag_id)?);
    }
    let items: Vec<PackingItem> =
        load_items(cx, input.trip_id, None)?.into_iter().filter(|i| ids.contains(&i.id)).collect();
    Ok(ImportedItems { count: items.len() as i64, items })
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/// One of the user's packing templates.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingTemplate {
    pub id: i64,
    pub name: String,
    pub item_count: i64,
}

/// `list_packing_templates` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PackingTemplateList {
    pub templates: Vec<PackingTemplate>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPackingTemplatesInput {}

pub fn list_packing_templates(
    cx: &Ctx<'_>,
    _input: ListPackingTemplatesInput,
) -> Result<PackingTemplateList, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT t.id, t.name, (SELECT count(*) FROM packing_template_items i WHERE i.template_id = t.id)
         FROM packing_templates t WHERE t.user_id = ?1 ORDER BY t.name COLLATE NOCASE, t.id",
    )?;
    let rows = stmt.query_map([cx.actor.user.0], |r| {
        Ok(PackingTemplate { id: r.get(0)?, name: r.get(1)?, item_count: r.get(2)? })
    })?;
    Ok(PackingTemplateList { templates: rows.collect::<Result<_, _>>()? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePackingTemplateInput {
    /// The trip whose list to save.
    pub trip_id: i64,
    /// 1-100 characters; saving under an existing name of yours replaces that template.
    pub template_name: String,
}

/// Saves the trip's list (names, categories, quantities, in order) as one of the user's
/// templates.
pub fn save_packing_template(
    cx: &Ctx<'_>,
    input: SavePackingTemplateInput,
) -> Result<PackingTemplate, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let name = required_text("template_name", &input.template_name, 100)?;
    let items = load_items(cx, input.trip_id, None)?;
    if items.is_empty() {
        return Err(DomainError::invalid("trip_id", "the trip's packing list is empty; add items first"));
    }
    let existing: Option<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM packing_templates WHERE user_id = ?1 AND name = ?2")?
        .query_row(params![cx.actor.user.0, name], |r| r.get(0))
        .optional()?;
    let id = match existing {
        Some(id) => {
            cx.conn.execute("DELETE FROM packing_template_items WHERE template_id = ?1", [id])?;
            cx.conn
                .execute("UPDATE packing_templates SET updated_at = ?2 WHERE id = ?1", params![id, cx.now])?;
            cx.changed("packing_template", ChangeAction::Updated, id, None);
            id
        }
        None => {
            cx.conn.execute(
                "INSERT INTO packing_templates (user_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![cx.actor.user.0, name, cx.now],
            )?;
            let id = cx.conn.last_insert_rowid();
            cx.changed("packing_template", ChangeAction::Created, id, None);
            id
        }
    };
    let mut insert = cx.conn.prepare_cached(
        "INSERT INTO packing_template_items (template_id, position, name, category, quantity) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, item) in items.iter().enumerate() {
        insert.execute(params![id, position as i64, item.name, item.category, item.quantity])?;
    }
    Ok(PackingTemplate { id, name, item_count: items.len() as i64 })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyPackingTemplateInput {
    /// The trip to add the items to.
    pub trip_id: i64,
    /// One of your templates (from list_packing_templates).
    pub template_id: i64,
}

/// `apply_packing_template` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AppliedTemplate {
    /// The items added (unchecked).
    pub items: Vec<PackingItem>,
    pub count: i64,
    /// Template items skipped because the list already had them (same name and category).
    pub skipped: i64,
}

/// Adds the template's items to the end of the list, unchecked, skipping any whose name and
/// category (ignoring case) are already on it.
pub fn apply_packing_template(
    cx: &Ctx<'_>,
    input: ApplyPackingTemplateInput,
) -> Result<AppliedTemplate, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    cx.conn
        .prepare_cached("SELECT 1 FROM packing_templates WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![input.template_id, cx.actor.user.0], |_| Ok(()))
        .optional()?
        .ok_or(DomainError::NotFound { what: "packing template", id: input.template_id })?;
    let template: Vec<(String, String, i64)> = cx
        .conn
        .prepare_cached(
            "SELECT name, category, quantity FROM packing_template_items WHERE template_id = ?1 ORDER BY position",
        )?
        .query_map([input.template_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let key = |name: &str, category: &str| (name.to_lowercase(), category.to_lowercase());
    let mut present: HashSet<(String, String)> =
        load_items(cx, input.trip_id, None)?.iter().map(|i| key(&i.name, &i.category)).collect();
    let fresh: Vec<&(String, String, i64)> =
        template.iter().filter(|(n, c, _)| present.insert(key(n, c))).collect();
    ensure_room(cx, input.trip_id, fresh.len())?;
    let mut ids = Vec::with_capacity(fresh.len());
    for (name, category, quantity) in &fresh {
        ids.push(insert_item(cx, input.trip_id, name, category, *quantity, false, None)?);
    }
    let items: Vec<PackingItem> =
        load_items(cx, input.trip_id, None)?.into_iter().filter(|i| ids.contains(&i.id)).collect();
    Ok(AppliedTemplate { count: items.len() as i64, skipped: (template.len() - fresh.len()) as i64, items })
}

// ---------------------------------------------------------------------------------------------
// Bags
// ---------------------------------------------------------------------------------------------

pub fn list_packing_bags(cx: &Ctx<'_>, input: TripIdInput) -> Result<PackingBagList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(PackingBagList { bags: load_bags(cx, input.trip_id, None)? })
}

fn insert_bag(cx: &Ctx<'_>, trip_id: i64, name: &str, color: &str) -> Result<i64, DomainError> {
    cx.conn
        .prepare_cached(
            "INSERT INTO packing_bags (trip_id, name, color, position, created_at)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position) + 1, 0) FROM packing_bags WHERE trip_id = ?1), ?4)",
        )?
        .execute(params![trip_id, name, color, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("packing_bag", ChangeAction::Created, id, Some(trip_id));
    Ok(id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePackingBagInput {
    pub trip_id: i64,
    /// e.g. "Carry-on", "Checked bag"; 1-100 characters.
    pub name: String,
    /// Hex colour like "#3b82f6" (default grey).
    pub color: Option<String>,
}

pub fn create_packing_bag(cx: &Ctx<'_>, input: CreatePackingBagInput) -> Result<PackingBag, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let name = required_text("name", &input.name, 100)?;
    let color = input.color.map(|c| hex_colour("color", &c)).transpose()?;
    let id = insert_bag(cx, input.trip_id, &name, color.as_deref().unwrap_or(DEFAULT_BAG_COLOUR))?;
    get_bag(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePackingBagInput {
    pub trip_id: i64,
    /// The bag's id (from list_packing_bags).
    pub bag_id: i64,
    /// New name, 1-100 characters.
    pub name: Option<String>,
    /// New hex colour like "#22c55e".
    pub color: Option<String>,
}

pub fn update_packing_bag(cx: &Ctx<'_>, input: UpdatePackingBagInput) -> Result<PackingBag, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let bag = get_bag(cx, input.trip_id, input.bag_id)?;
    let name = match input.name {
        Some(n) => required_text("name", &n, 100)?,
        None => bag.name,
    };
    let color = match input.color {
        Some(c) => hex_colour("color", &c)?,
        None => bag.color,
    };
    cx.conn.execute(
        "UPDATE packing_bags SET name = ?2, color = ?3 WHERE id = ?1",
        params![bag.id, name, color],
    )?;
    cx.changed("packing_bag", ChangeAction::Updated, bag.id, Some(input.trip_id));
    get_bag(cx, input.trip_id, bag.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackingBagIdInput {
    pub trip_id: i64,
    /// The bag's id (from list_packing_bags).
    pub bag_id: i64,
}

/// Deletes a bag; its items stay on the list, in no bag.
pub fn delete_packing_bag(cx: &Ctx<'_>, input: PackingBagIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_bag_in_trip(cx, input.trip_id, input.bag_id)?;
    let items: Vec<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM packing_items WHERE bag_id = ?1")?
        .query_map([input.bag_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    cx.conn.execute(
        "UPDATE packing_items SET bag_id = NULL, updated_at = ?2 WHERE bag_id = ?1",
        params![input.bag_id, cx.now],
    )?;
    cx.conn.execute("DELETE FROM packing_bags WHERE id = ?1", [input.bag_id])?;
    renumber_bags(cx, input.trip_id)?;
    for id in items {
        cx.changed("packing_item", ChangeAction::Updated, id, Some(input.trip_id));
    }
    cx.changed("packing_bag", ChangeAction::Deleted, input.bag_id, Some(input.trip_id));
    Ok(Deleted::new(input.bag_id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBagMembersInput {
    pub trip_id: i64,
    /// The bag's id (from list_packing_bags).
    pub bag_id: i64,
    /// Trip members carrying the bag (user ids); replaces the list; [] clears it.
    pub user_ids: Vec<i64>,
}

pub fn set_bag_members(cx: &Ctx<'_>, input: SetBagMembersInput) -> Result<PackingBag, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    ensure_bag_in_trip(cx, input.trip_id, input.bag_id)?;
    let users = trip_members_only(cx, input.trip_id, "user_ids", &input.user_ids)?;
    cx.conn.execute("DELETE FROM packing_bag_members WHERE bag_id = ?1", [input.bag_id])?;
    let mut insert =
        cx.conn.prepare_cached("INSERT INTO packing_bag_members (bag_id, user_id) VALUES (?1, ?2)")?;
    for user in users {
        insert.execute(params![input.bag_id, user])?;
    }
    cx.changed("packing_bag", ChangeAction::Updated, input.bag_id, Some(input.trip_id));
    get_bag(cx, input.trip_id, input.bag_id)
}

// ---------------------------------------------------------------------------------------------
// Category assignees
// ---------------------------------------------------------------------------------------------

pub fn get_packing_category_assignees(
    cx: &Ctx<'_>,
    input: TripIdInput,
) -> Result<CategoryAssigneeList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(CategoryAssigneeList { categories: load_category_assignees(cx, input.trip_id)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPackingCategoryAssigneesInput {
    pub trip_id: i64,
    /// The category, e.g. "Electronics" (as on the items).
    pub category_name: String,
    /// Trip members packing that category (user ids); replaces the list; [] clears it.
    pub user_ids: Vec<i64>,
}

pub fn set_packing_category_assignees(
    cx: &Ctx<'_>,
    input: SetPackingCategoryAssigneesInput,
) -> Result<CategoryAssigneeList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let category = required_text("category_name", &input.category_name, 100)?;
    let users = trip_members_only(cx, input.trip_id, "user_ids", &input.user_ids)?;
    cx.conn.execute(
        "DELETE FROM packing_category_assignees WHERE trip_id = ?1 AND category = ?2",
        params![input.trip_id, category],
    )?;
    let mut insert = cx.conn.prepare_cached(
        "INSERT INTO packing_category_assignees (trip_id, category, user_id) VALUES (?1, ?2, ?3)",
    )?;
    for user in users {
        insert.execute(params![input.trip_id, category, user])?;
    }
    cx.changed("packing_category_assignees", ChangeAction::Updated, input.trip_id, Some(input.trip_id));
    Ok(CategoryAssigneeList { categories: load_category_assignees(cx, input.trip_id)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_quantities() {
        let rows: &[(&str, Option<(&str, i64)>)] = &[
            ("socks", Some(("socks", 1))),
            ("2x socks", Some(("socks", 2))),
            ("2 x socks", Some(("socks", 2))),
            ("3× T-shirts", Some(("T-shirts", 3))),
            ("socks x2", Some(("socks", 2))),
            ("- 2x socks", Some(("socks", 2))),
            ("  ", None),
            ("4K camera", Some(("4K camera", 1))),
            ("2xl jacket", Some(("2xl jacket", 1))),
            ("xbox", Some(("xbox", 1))),
            ("10x", Some(("10x", 1))),
            ("USB-C cable x 2", Some(("USB-C cable x 2", 1))),
        ];
        for &(line, expected) in rows {
            assert_eq!(parse_line(line), expected.map(|(n, q)| (n.to_owned(), q)), "{line:?}");
        }
    }
}
