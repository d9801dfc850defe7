//! Tags: the user's own labels (name + hex colour) for places in any of their trips.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, hex_colour, required_text};
use super::places::NoInput;
use super::{ChangeAction, Ctx, DomainError};

/// Colour given to a tag created without one.
pub const DEFAULT_TAG_COLOUR: &str = "#6b7280";

/// A tag as places carry it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TagRef {
    pub id: i64,
    pub name: String,
    /// Hex colour, `#rrggbb`.
    pub color: String,
}

/// A tag with its use count.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub color: String,
    /// How many places carry it.
    pub place_count: i64,
}

/// `list_tags` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TagList {
    pub tags: Vec<Tag>,
}

/// Checks the tag is the actor's; another user's tag is `NotFound`.
pub fn ensure_own_tag(cx: &Ctx<'_>, tag_id: i64) -> Result<(), DomainError> {
    cx.conn
        .prepare_cached("SELECT 1 FROM tags WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![tag_id, cx.actor.user.0], |_| Ok(()))
        .optional()?
        .ok_or(DomainError::NotFound { what: "tag", id: tag_id })
}

fn get_tag(cx: &Ctx<'_>, tag_id: i64) -> Result<Tag, DomainError> {
    list(cx, Some(tag_id))?.pop().ok_or(DomainError::NotFound { what: "tag", id: tag_id })
}

fn list(cx: &Ctx<'_>, tag_id: Option<i64>) -> Result<Vec<Tag>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT t.id, t.name, t.color, (SELECT count(*) FROM place_tags pt WHERE pt.tag_id = t.id)
         FROM tags t WHERE t.user_id = ?1 AND (?2 IS NULL OR t.id = ?2)
         ORDER BY t.name COLLATE NOCASE, t.id",
    )?;
    let rows = stmt.query_map(params![cx.actor.user.0, tag_id], |r| {
        Ok(Tag { id: r.get(0)?, name: r.get(1)?, color: r.get(2)?, place_count: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_tags(cx: &Ctx<'_>, _input: NoInput) -> Result<TagList, DomainError> {
    Ok(TagList { tags: list(cx, None)? })
}

/// Refuses a second tag of the actor with the same name (case-insensitive).
fn ensure_name_free(cx: &Ctx<'_>, name: &str, except: Option<i64>) -> Result<(), DomainError> {
    let taken = cx
        .conn
        .prepare_cached(
            "SELECT 1 FROM tags WHERE user_id = ?1 AND name = ?2 COLLATE NOCASE AND (?3 IS NULL OR id <> ?3)",
        )?
        .query_row(params![cx.actor.user.0, name, except], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(DomainError::Conflict(format!("you already have a tag named {name:?}")));
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTagInput {
    /// 1-50 characters, unique among your tags.
    pub name: String,
    /// Hex colour like "#3b82f6" (default grey).
    pub color: Option<String>,
}

pub fn create_tag(cx: &Ctx<'_>, input: CreateTagInput) -> Result<Tag, DomainError> {
    let name = required_text("name", &input.name, 50)?;
    let color = hex_colour("color", input.color.as_deref().unwrap_or(DEFAULT_TAG_COLOUR))?;
    ensure_name_free(cx, &name, None)?;
    cx.conn.execute(
        "INSERT INTO tags (user_id, name, color, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![cx.actor.user.0, name, color, cx.now],
    )?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("tag", ChangeAction::Created, id, None);
    get_tag(cx, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTagInput {
    /// The tag's id (from list_tags).
    pub tag_id: i64,
    /// New name, 1-50 characters.
    pub name: Option<String>,
    /// New hex colour like "#3b82f6".
    pub color: Option<String>,
}

pub fn update_tag(cx: &Ctx<'_>, input: UpdateTagInput) -> Result<Tag, DomainError> {
    let tag = get_tag(cx, input.tag_id)?;
    let name = match &input.name {
        Some(n) => required_text("name", n, 50)?,
        None => tag.name,
    };
    let color = match &input.color {
        Some(c) => hex_colour("color", c)?,
        None => tag.color,
    };
    ensure_name_free(cx, &name, Some(tag.id))?;
    cx.conn.execute("UPDATE tags SET name = ?2, color = ?3 WHERE id = ?1", params![tag.id, name, color])?;
    cx.changed("tag", ChangeAction::Updated, tag.id, None);
    get_tag(cx, tag.id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagIdInput {
    /// The tag's id (from list_tags).
    pub tag_id: i64,
}

/// Deletes a tag; places that carried it lose it.
pub fn delete_tag(cx: &Ctx<'_>, input: TagIdInput) -> Result<Deleted, DomainError> {
    ensure_own_tag(cx, input.tag_id)?;
    cx.conn.execute("DELETE FROM tags WHERE id = ?1", [input.tag_id])?;
    cx.changed("tag", ChangeAction::Deleted, input.tag_id, None);
    Ok(Deleted::new(input.tag_id))
}
