//! To-dos of a trip: items in a dense order (0, 1, 2, …) with a category, due date,
//! description, assignee (a trip member) and priority, plus the default assignees of each
//! to-do category.

use std::collections::HashSet;

use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, Patch, optional_text, required_text};
use super::members::is_member;
use super::trips::{IsoDate, TripIdInput, ensure_visible, parse_date};
use super::{ChangeAction, Ctx, DomainError};

/// How urgent a to-do is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// A to-do item.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Todo {
    pub id: i64,
    pub trip_id: i64,
    pub name: String,
    pub category: Option<String>,
    pub due_date: Option<IsoDate>,
    pub description: Option<String>,
    /// A member of the trip (user id from list_trip_members).
    pub assigned_user_id: Option<i64>,
    pub assigned_user_name: Option<String>,
    /// low, medium or high.
    pub priority: Option<String>,
    /// Done.
    pub checked: bool,
    pub position: i64,
}

/// `list_todos` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TodoList {
    /// Ordered by position.
    pub items: Vec<Todo>,
}

fn todos_of(cx: &Ctx<'_>, trip_id: i64, item_id: Option<i64>) -> Result<Vec<Todo>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT t.id, t.trip_id, t.name, t.category, t.due_date, t.description, t.assigned_user_id, u.name,
                t.priority, t.checked, t.position
         FROM todo_items t LEFT JOIN users u ON u.id = t.assigned_user_id
         WHERE t.trip_id = ?1 AND (?2 IS NULL OR t.id = ?2)
         ORDER BY t.position, t.id",
    )?;
    let rows = stmt.query_map(params![trip_id, item_id], |r| {
        Ok(Todo {
            id: r.get(0)?,
            trip_id: r.get(1)?,
            name: r.get(2)?,
            category: r.get(3)?,
            due_date: r.get(4)?,
            description: r.get(5)?,
            assigned_user_id: r.get(6)?,
            assigned_user_name: r.get(7)?,
            priority: r.get(8)?,
            checked: r.get(9)?,
            position: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn get_todo(cx: &Ctx<'_>, trip_id: i64, item_id: i64) -> Result<Todo, DomainError> {
    todos_of(cx, trip_id, Some(item_id))?
        .pop()
        .ok_or(DomainError::NotFound { what: "to-do item", id: item_id })
}

/// Closes gaps in a trip's to-do order, keeping the current order.
fn renumber_todos(cx: &Ctx<'_>, trip_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached(
            "UPDATE todo_items SET position = (
                 SELECT count(*) FROM todo_items o WHERE o.trip_id = todo_items.trip_id
                   AND (o.position < todo_items.position OR (o.position = todo_items.position AND o.id < todo_items.id)))
             WHERE trip_id = ?1",
        )?
        .execute([trip_id])?;
    Ok(())
}

pub fn list_todos(cx: &Ctx<'_>, input: TripIdInput) -> Result<TodoList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(TodoList { items: todos_of(cx, input.trip_id, None)? })
}

fn check_assignee(cx: &Ctx<'_>, trip_id: i64, user: Option<i64>) -> Result<(), DomainError> {
    match user {
        Some(u) if !is_member(cx, trip_id, u)? => Err(DomainError::invalid(
            "assigned_user_id",
            format!("user {u} is not a member of this trip (see list_trip_members)"),
        )),
        _ => Ok(()),
    }
}

fn due_date(value: Option<String>) -> Result<Option<String>, DomainError> {
    value.map(|d| parse_date("due_date", d.trim()).map(|d| d.to_string())).transpose()
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTodoInput {
    pub trip_id: i64,
    /// What to do, 1-500 characters.
    pub name: String,
    /// A free category, e.g. "Booking" or "Documents".
    pub category: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: Option<IsoDate>,
    pub description: Option<String>,
    /// A member of the trip (user id from list_trip_members).
    pub assigned_user_id: Option<i64>,
    pub priority: Option<Priority>,
}

/// Adds a to-do at the end of the list, unchecked.
pub fn create_todo(cx: &Ctx<'_>, input: CreateTodoInput) -> Result<Todo, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let name = required_text("name", &input.name, 500)?;
    let category = optional_text("category", input.category, 100)?;
    let due = due_date(input.due_date)?;
    let description = optional_text("description", input.description, 2000)?;
    check_assignee(cx, input.trip_id, input.assigned_user_id)?;
    cx.conn
        .prepare_cached(
            "INSERT INTO todo_items (trip_id, name, category, due_date, description, assigned_user_id, priority,
                 position, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 (SELECT coalesce(max(position) + 1, 0) FROM todo_items WHERE trip_id = ?1), ?8, ?8)",
        )?
        .execute(params![
            input.trip_id,
            name,
            category,
            due,
            description,
            input.assigned_user_id,
            input.priority.map(Priority::as_str),
            cx.now
        ])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("todo", ChangeAction::Created, id, Some(input.trip_id));
    get_todo(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTodoInput {
    pub trip_id: i64,
    /// The item's id (from list_todos).
    pub item_id: i64,
    /// New name, 1-500 characters.
    pub name: Option<String>,
    /// Omitted fields stay; null clears.
    #[serde(default)]
    pub category: Patch<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due_date: Patch<IsoDate>,
    #[serde(default)]
    pub description: Patch<String>,
    /// A member of the trip; null unassigns.
    #[serde(default)]
    pub assigned_user_id: Patch<i64>,
    #[serde(default)]
    pub priority: Patch<Priority>,
}

pub fn update_todo(cx: &Ctx<'_>, input: UpdateTodoInput) -> Result<Todo, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let todo = get_todo(cx, input.trip_id, input.item_id)?;
    let name = match input.name {
        Some(n) => required_text("name", &n, 500)?,
        None => todo.name,
    };
    let category = match input.category {
        Patch::Set(c) => optional_text("category", Some(c), 100)?,
        other => other.apply(todo.category),
    };
    let due = match input.due_date {
        Patch::Set(d) => due_date(Some(d))?,
        other => other.apply(todo.due_date),
    };
    let description = match input.description {
        Patch::Set(d) => optional_text("description", Some(d), 2000)?,
        other => other.apply(todo.description),
    };
    let assignee = input.assigned_user_id.apply(todo.assigned_user_id);
    check_assignee(cx, input.trip_id, assignee)?;
    let priority = match input.priority {
        Patch::Keep => todo.priority,
        Patch::Clear => None,
        Patch::Set(p) => Some(p.as_str().to_owned()),
    };
    cx.conn
        .prepare_cached(
            "UPDATE todo_items SET name = ?2, category = ?3, due_date = ?4, description = ?5,
                 assigned_user_id = ?6, priority = ?7, updated_at = ?8
             WHERE id = ?1",
        )?
        .execute(params![todo.id, name, category, due, description, assignee, priority, cx.now])?;
    cx.changed("todo", ChangeAction::Updated, todo.id, Some(input.trip_id));
    get_todo(cx, input.trip_id, todo.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToggleTodoInput {
    pub trip_id: i64,
    /// The item's id (from list_todos).
    pub item_id: i64,
    /// true marks it done, false undone; omitted flips it.
    pub checked: Option<bool>,
}

pub fn toggle_todo(cx: &Ctx<'_>, input: ToggleTodoInput) -> Result<Todo, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let todo = get_todo(cx, input.trip_id, input.item_id)?;
    let checked = input.checked.unwrap_or(!todo.checked);
    cx.conn.execute(
        "UPDATE todo_items SET checked = ?2, updated_at = ?3 WHERE id = ?1",
        params![todo.id, checked, cx.now],
    )?;
    cx.changed("todo", ChangeAction::Updated, todo.id, Some(input.trip_id));
    get_todo(cx, input.trip_id, todo.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TodoIdInput {
    pub trip_id: i64,
    /// The item's id (from list_todos).
    pub item_id: i64,
}

/// Removes a to-do; the items after it move up.
pub fn delete_todo(cx: &Ctx<'_>, input: TodoIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let todo = get_todo(cx, input.trip_id, input.item_id)?;
    cx.conn.execute("DELETE FROM todo_items WHERE id = ?1", [todo.id])?;
    renumber_todos(cx, input.trip_id)?;
    cx.changed("todo", ChangeAction::Deleted, todo.id, Some(input.trip_id));
    Ok(Deleted::new(todo.id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderTodosInput {
    pub trip_id: i64,
    /// Every to-do id of the trip, once each, in the new order.
    pub ordered_ids: Vec<i64>,
}

pub fn reorder_todos(cx: &Ctx<'_>, input: ReorderTodosInput) -> Result<TodoList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let current: HashSet<i64> = cx
        .conn
        .prepare_cached("SELECT id FROM todo_items WHERE trip_id = ?1")?
        .query_map([input.trip_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let given: HashSet<i64> = input.ordered_ids.iter().copied().collect();
    if given.len() != input.ordered_ids.len() || given != current {
        return Err(DomainError::invalid(
            "ordered_ids",
            format!("must list each of the trip's {} to-do ids exactly once", current.len()),
        ));
    }
    let mut update = cx.conn.prepare_cached("UPDATE todo_items SET position = ?2 WHERE id = ?1")?;
    for (position, &id) in input.ordered_ids.iter().enumerate() {
        update.execute(params![id, position as i64])?;
        cx.changed("todo", ChangeAction::Updated, id, Some(input.trip_id));
    }
    Ok(TodoList { items: todos_of(cx, input.trip_id, None)? })
}

/// A user assigned by default to a to-do category.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assignee {
    pub user_id: i64,
    pub name: String,
}

/// The default assignees of one category.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryAssignees {
    pub category: String,
    pub assignees: Vec<Assignee>,
}

/// `get_todo_category_assignees` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CategoryAssigneeList {
    /// Categories that have default assignees, by name.
    pub categories: Vec<CategoryAssignees>,
}

fn category_assignees(
    cx: &Ctx<'_>,
    trip_id: i64,
    category: Option<&str>,
) -> Result<Vec<CategoryAssignees>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT a.category_name, u.id, u.name FROM todo_category_assignees a JOIN users u ON u.id = a.user_id
         WHERE a.trip_id = ?1 AND (?2 IS NULL OR a.category_name = ?2)
         ORDER BY a.category_name, u.name, u.id",
    )?;
    let rows = stmt.query_map(params![trip_id, category], |r| {
        Ok((r.get::<_, String>(0)?, Assignee { user_id: r.get(1)?, name: r.get(2)? }))
    })?;
    let mut out: Vec<CategoryAssignees> = Vec::new();
    for row in rows {
        let (category, assignee) = row?;
        match out.last_mut() {
            Some(last) if last.category == category => last.assignees.push(assignee),
            _ => out.push(CategoryAssignees { category, assignees: vec![assignee] }),
        }
    }
    Ok(out)
}

pub fn get_todo_category_assignees(
    cx: &Ctx<'_>,
    input: TripIdInput,
) -> Result<CategoryAssigneeList, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    Ok(CategoryAssigneeList { categories: category_assignees(cx, input.trip_id, None)? })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCategoryAssigneesInput {
    pub trip_id: i64,
    /// The to-do category, e.g. "Booking".
    pub category_name: String,
    /// User ids of trip members (from list_trip_members); replaces the list; [] clears it.
    pub user_ids: Vec<i64>,
}

pub fn set_todo_category_assignees(
    cx: &Ctx<'_>,
    input: SetCategoryAssigneesInput,
) -> Result<CategoryAssignees, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let category = required_text("category_name", &input.category_name, 100)?;
    for &user in &input.user_ids {
        if !is_member(cx, input.trip_id, user)? {
            return Err(DomainError::invalid(
                "user_ids",
                format!("user {user} is not a member of this trip"),
            ));
        }
    }
    cx.conn.execute(
        "DELETE FROM todo_category_assignees WHERE trip_id = ?1 AND category_name = ?2",
        params![input.trip_id, category],
    )?;
    let mut insert = cx.conn.prepare_cached(
        "INSERT OR IGNORE INTO todo_category_assignees (trip_id, category_name, user_id) VALUES (?1, ?2, ?3)",
    )?;
    for &user in &input.user_ids {
        insert.execute(params![input.trip_id, category, user])?;
    }
    // The trip is the aggregate that changed: category defaults have no id of their own.
    cx.changed("todo_category_assignees", ChangeAction::Updated, input.trip_id, Some(input.trip_id));
    let assignees = category_assignees(cx, input.trip_id, Some(&category))?
        .pop()
        .map(|c| c.assignees)
        .unwrap_or_default();
    Ok(CategoryAssignees { category, assignees })
}

/// The to-dos as the trip summary shows them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TodoSummary {
    pub total: i64,
    pub done: i64,
    /// Every item, ordered by position.
    pub items: Vec<Todo>,
}

/// The trip's to-dos for `get_trip_summary` (no access check: the caller has done it).
pub fn summary_for_trip(cx: &Ctx<'_>, trip_id: i64) -> Result<TodoSummary, DomainError> {
    let items = todos_of(cx, trip_id, None)?;
    let done = items.iter().filter(|t| t.checked).count() as i64;
    Ok(TodoSummary { total: items.len() as i64, done, items })
}
