//! Prompts: ready-made requests the user can pick in their client, rendered from live data.

use serde_json::Value;

use crate::auth::oauth::{AccessContext, TokenKind};
use crate::ops::{Addon, AddonSet};

pub struct PromptDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// (argument, description); all required.
    pub arguments: &'static [(&'static str, &'static str)],
    /// Offered only to sessions that use a deprecated static token.
    pub static_tokens_only: bool,
    /// The add-on it belongs to; offered only while that add-on is on.
    pub addon: Option<Addon>,
    /// What the assistant is asked to do with the trip.
    pub task: &'static str,
    /// The parts of `get_trip_summary` the task needs (all when empty), so a budget question
    /// does not spend the assistant's context on the itinerary.
    pub sections: &'static [&'static str],
}

const TRIP_ID: &[(&str, &str)] = &[("trip_id", "The trip's id (see list_trips)")];

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "trip-summary",
        title: "Summarise a trip",
        description: "A readable day-by-day overview of one trip.",
        arguments: TRIP_ID,
        static_tokens_only: false,
        addon: None,
        task: "Summarise this trip for me day by day: where I am, what is planned and when, and anything that \
               looks unplanned or double-booked.",
        sections: &[],
    },
    PromptDef {
        name: "packing-list",
        title: "Suggest a packing list",
        description: "Packing suggestions for one trip, from its dates, places and plans.",
        arguments: TRIP_ID,
        static_tokens_only: false,
        addon: None,
        task: "Suggest a packing list for this trip, grouped by category, based on its dates, places and plans. \
               Mention what is already on my list and offer to add the rest with the packing tools.",
        sections: &["trip", "members", "days", "places", "accommodations", "reservations", "packing"],
    },
    PromptDef {
        name: "budget-overview",
        title: "Budget overview",
        description: "What one trip costs so far and who owes whom.",
        arguments: TRIP_ID,
        static_tokens_only: false,
        addon: None,
        task: "Give me an overview of this trip's budget: totals by category, per person, and the transfers \
               that would settle it.",
        sections: &["trip", "members", "budget"],
    },
    PromptDef {
        name: "token_auth_notice",
        title: "About this connection's token",
        description: "Explains that this connection uses a deprecated static token and how to move to OAuth.",
        arguments: &[],
        static_tokens_only: true,
        addon: None,
        task: "",
        sections: &[],
    },
];

impl PromptDef {
    /// Whether this session may list and get it.
    pub fn offered_to(&self, access: &AccessContext, addons: AddonSet) -> bool {
        (!self.static_tokens_only || access.kind == TokenKind::Static) && addons.allows(self.addon)
    }
}

/// The prompt's text, with the trip's current data (the sections it needs) when it takes one.
pub fn render(def: &PromptDef, trip: Option<Value>) -> String {
    match trip {
        Some(Value::Object(mut summary)) if !def.sections.is_empty() => {
            summary.retain(|key, _| def.sections.contains(&key.as_str()));
            render(&PromptDef { sections: &[], ..*def }, Some(Value::Object(summary)))
        }
        Some(trip) => format!(
            "{}\n\nHere is the trip as Trek has it now (JSON):\n```json\n{}\n```",
            def.task,
            serde_json::to_string_pretty(&trip).unwrap_or_default()
        ),
        None => super::service::STATIC_TOKEN_NOTICE.to_owned(),
    }
}
