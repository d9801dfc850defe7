//! The trip chat (Collab add-on): messages with optional reply threading and emoji reactions.
//! Lists return the most recent `PAGE` messages oldest first, and older ones page by `before`
//! (a message id). Only a message's author may delete it; replies to it keep their text and
//! lose the reference.

use rusqlite::{OptionalExtension, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Deleted, emoji, required_text};
use super::trips::ensure_visible;
use super::{ChangeAction, Ctx, DomainError};

/// Messages per page, and the most a list returns.
pub const PAGE: usize = 100;
/// Characters of a message.
pub const MAX_BODY: usize = 4000;
/// Characters of the replied-to message quoted in a reply.
const QUOTE: usize = 120;
/// Different emoji on one message: beyond this a reaction is refused (spam guard).
pub const MAX_REACTIONS: usize = 20;

/// Who reacted with one emoji.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Reaction {
    pub emoji: String,
    pub count: i64,
    pub user_ids: Vec<i64>,
    /// Whether you reacted with it.
    pub mine: bool,
}

/// The message a reply answers.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReplyRef {
    pub id: i64,
    pub author_name: Option<String>,
    /// The start of its text.
    pub excerpt: String,
}

/// A chat message.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Message {
    pub id: i64,
    pub trip_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    /// The message it replies to, if it still exists.
    pub reply_to: Option<ReplyRef>,
    pub reactions: Vec<Reaction>,
    /// Whether you wrote it (only then may you delete it).
    pub own: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// `list_collab_messages` output.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MessagePage {
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Older messages exist: pass `next_before` as `before` to get them.
    pub has_more: bool,
    pub next_before: Option<i64>,
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= QUOTE {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(QUOTE - 1).collect();
    cut.push('…');
    cut
}

fn reactions_of(cx: &Ctx<'_>, message_id: i64) -> Result<Vec<Reaction>, DomainError> {
    let mut stmt = cx.conn.prepare_cached(
        "SELECT emoji, user_id FROM collab_message_reactions WHERE message_id = ?1 ORDER BY created_at, emoji, user_id",
    )?;
    let mut reactions: Vec<Reaction> = Vec::new();
    for row in stmt.query_map([message_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (emoji, user) = row?;
        let index = match reactions.iter().position(|r| r.emoji == emoji) {
            Some(i) => i,
            None => {
                reactions.push(Reaction { emoji, count: 0, user_ids: Vec::new(), mine: false });
                reactions.len() - 1
            }
        };
        let reaction = &mut reactions[index];
        reaction.count += 1;
        reaction.mine |= user == cx.actor.user.0;
        reaction.user_ids.push(user);
    }
    Ok(reactions)
}

const SELECT: &str =
    "SELECT m.id, m.trip_id, m.author_id, u.name, m.body, m.created_at, r.id, ru.name, r.body
     FROM collab_messages m
     LEFT JOIN users u ON u.id = m.author_id
     LEFT JOIN collab_messages r ON r.id = m.reply_to
     LEFT JOIN users ru ON ru.id = r.author_id";

fn message_from(cx: &Ctx<'_>, r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let author_id: Option<i64> = r.get(2)?;
    let reply_id: Option<i64> = r.get(6)?;
    let reply_body: Option<String> = r.get(8)?;
    Ok(Message {
        id: r.get(0)?,
        trip_id: r.get(1)?,
        author_id,
        author_name: r.get(3)?,
        body: r.get(4)?,
        created_at: r.get(5)?,
        reply_to: reply_id
            .map(|id| {
                Ok::<_, rusqlite::Error>(ReplyRef {
                    id,
                    author_name: r.get(7)?,
                    excerpt: excerpt(&reply_body.unwrap_or_default()),
                })
            })
            .transpose()?,
        reactions: Vec::new(),
        own: author_id == Some(cx.actor.user.0),
    })
}

fn get_message(cx: &Ctx<'_>, trip_id: i64, message_id: i64) -> Result<Message, DomainError> {
    let mut message = cx
        .conn
        .prepare_cached(&format!("{SELECT} WHERE m.trip_id = ?1 AND m.id = ?2"))?
        .query_row(params![trip_id, message_id], |r| message_from(cx, r))
        .optional()?
        .ok_or(DomainError::NotFound { what: "message", id: message_id })?;
    message.reactions = reactions_of(cx, message.id)?;
    Ok(message)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMessagesInput {
    pub trip_id: i64,
    /// Only messages older than this message id (the previous page's next_before).
    pub before: Option<i64>,
    /// How many, 1-100 (default 100).
    pub limit: Option<i64>,
}

pub fn list_collab_messages(cx: &Ctx<'_>, input: ListMessagesInput) -> Result<MessagePage, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let limit = input.limit.unwrap_or(PAGE as i64);
    if !(1..=PAGE as i64).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {PAGE}")));
    }
    if input.before.is_some_and(|b| b < 1) {
        return Err(DomainError::invalid("before", "must be a message id (1 or more)"));
    }
    let mut stmt = cx.conn.prepare_cached(&format!(
        "{SELECT} WHERE m.trip_id = ?1 AND (?2 IS NULL OR m.id < ?2) ORDER BY m.id DESC LIMIT ?3"
    ))?;
    // One more than asked, to know whether older messages exist.
    let mut messages = stmt
        .query_map(params![input.trip_id, input.before, limit + 1], |r| message_from(cx, r))?
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = messages.len() as i64 > limit;
    messages.truncate(limit as usize);
    messages.reverse();
    for message in &mut messages {
        message.reactions = reactions_of(cx, message.id)?;
    }
    let next_before = if has_more { messages.first().map(|m| m.id) } else { None };
    Ok(MessagePage { messages, has_more, next_before })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageInput {
    pub trip_id: i64,
    /// The text, 1-4000 characters.
    pub body: String,
    /// The id of a message in the same trip this one answers.
    pub reply_to: Option<i64>,
}

pub fn send_collab_message(cx: &Ctx<'_>, input: SendMessageInput) -> Result<Message, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let body = required_text("body", &input.body, MAX_BODY)?;
    if let Some(reply_to) = input.reply_to {
        let found: Option<i64> = cx
            .conn
            .query_row(
                "SELECT id FROM collab_messages WHERE id = ?1 AND trip_id = ?2",
                params![reply_to, input.trip_id],
                |r| r.get(0),
            )
            .optional()?;
        if found.is_none() {
            return Err(DomainError::invalid("reply_to", format!("no message {reply_to} in this trip")));
        }
    }
    cx.conn
        .prepare_cached(
            "INSERT INTO collab_messages (trip_id, author_id, body, reply_to, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![input.trip_id, cx.actor.user.0, body, input.reply_to, cx.now])?;
    let id = cx.conn.last_insert_rowid();
    cx.changed("collab_message", ChangeAction::Created, id, Some(input.trip_id));
    get_message(cx, input.trip_id, id)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageIdInput {
    pub trip_id: i64,
    /// The message's id (from list_collab_messages).
    pub message_id: i64,
}

pub fn delete_collab_message(cx: &Ctx<'_>, input: MessageIdInput) -> Result<Deleted, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let message = get_message(cx, input.trip_id, input.message_id)?;
    if !message.own {
        return Err(DomainError::Forbidden("you can delete only your own messages".into()));
    }
    cx.conn.execute("DELETE FROM collab_messages WHERE id = ?1", [message.id])?;
    cx.changed("collab_message", ChangeAction::Deleted, message.id, Some(input.trip_id));
    Ok(Deleted::new(message.id))
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactInput {
    pub trip_id: i64,
    /// The message's id (from list_collab_messages).
    pub message_id: i64,
    /// One emoji, e.g. "👍"; reacting again with the same one removes it.
    pub emoji: String,
}

pub fn react_collab_message(cx: &Ctx<'_>, input: ReactInput) -> Result<Message, DomainError> {
    ensure_visible(cx, input.trip_id)?;
    let message = get_message(cx, input.trip_id, input.message_id)?;
    let emoji = emoji("emoji", &input.emoji)?;
    let user = cx.actor.user.0;
    let removed = cx.conn.execute(
        "DELETE FROM collab_message_reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3",
        params![message.id, user, emoji],
    )?;
    if removed == 0 {
        let is_new = !message.reactions.iter().any(|r| r.emoji == emoji);
        if is_new && message.reactions.len() >= MAX_REACTIONS {
            return Err(DomainError::Limit { what: "different reactions per message", limit: MAX_REACTIONS });
        }
        cx.conn.execute(
            "INSERT INTO collab_message_reactions (message_id, user_id, emoji, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![message.id, user, emoji, cx.now],
        )?;
    }
    cx.changed("collab_message", ChangeAction::Updated, message.id, Some(input.trip_id));
    get_message(cx, input.trip_id, message.id)
}
