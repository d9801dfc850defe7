//! `trek://` resources, declared as a table over registry operations: reading a resource runs
//! its operation, so a resource and its tool can never disagree, and scope and add-on gating
//! come from the operation's declaration.

use serde_json::{Map, Value};

/// One resource (or resource template when the URI has `{…}` parts).
pub struct ResourceDef {
    pub uri: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The registry operation that produces it.
    pub op: &'static str,
}

pub const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        uri: "trek://trips",
        name: "trips",
        title: "Trips",
        description: "All trips you own or are a member of.",
        op: "list_trips",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}",
        name: "trip",
        title: "Trip detail",
        description: "One trip with its members and days: the same data as get_trip_summary.",
        op: "get_trip_summary",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/days",
        name: "days",
        title: "Days",
        description: "A trip's days with their planned places and notes.",
        op: "list_days",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/days/{dayId}/notes",
        name: "day-notes",
        title: "Day notes",
        description: "The notes of one day.",
        op: "list_day_notes",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/accommodations",
        name: "accommodations",
        title: "Accommodations",
        description: "Hotels and rentals with check-in and check-out.",
        op: "list_accommodations",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/places",
        name: "places",
        title: "Places",
        description: "All places saved in a trip. Supports ?assignment=all|unassigned|assigned.",
        op: "list_places",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/members",
        name: "members",
        title: "Members",
        description: "The owner and the companions who are members of a trip.",
        op: "list_trip_members",
    },
    ResourceDef {
        uri: "trek://categories",
        name: "categories",
        title: "Categories",
        description: "Place categories, for create_place.",
        op: "list_categories",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/budget",
        name: "budget",
        title: "Budget",
        description: "Budget and expense items of a trip.",
        op: "list_budget_items",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/budget/per-person",
        name: "budget-per-person",
        title: "Budget per person",
        description: "Per-person totals and split breakdown.",
        op: "get_budget_per_person",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/budget/settlement",
        name: "budget-settlement",
        title: "Budget settlement",
        description: "Suggested transfers to settle who owes whom.",
        op: "get_budget_settlement",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/packing",
        name: "packing",
        title: "Packing",
        description: "The packing checklist of a trip.",
        op: "list_packing_items",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/packing/bags",
        name: "packing-bags",
        title: "Packing bags",
        description: "Packing bags with their assigned members.",
        op: "list_packing_bags",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/reservations",
        name: "reservations",
        title: "Reservations",
        description: "Flights, hotels, restaurants and other bookings of a trip.",
        op: "list_reservations",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/collab-notes",
        name: "collab-notes",
        title: "Collab notes",
        description: "Shared notes of a trip, pinned first.",
        op: "list_collab_notes",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/todos",
        name: "todos",
        title: "To-dos",
        description: "To-do items of a trip, in order.",
        op: "list_todos",
    },
    ResourceDef {
        uri: "trek://visited-countries",
        name: "visited-countries",
        title: "Visited countries",
        description: "Countries marked as visited in Atlas.",
        op: "list_visited_countries",
    },
    ResourceDef {
        uri: "trek://bucket-list",
        name: "bucket-list",
        title: "Bucket list",
        description: "Your personal travel bucket list.",
        op: "list_bucket_list",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/collab/polls",
        name: "collab-polls",
        title: "Collab polls",
        description: "All polls of a trip with vote counts per option (Collab add-on).",
        op: "list_collab_polls",
    },
    ResourceDef {
        uri: "trek://trips/{tripId}/collab/messages",
        name: "collab-messages",
        title: "Collab messages",
        description: "The most recent 100 chat messages of a trip (Collab add-on).",
        op: "list_collab_messages",
    },
    ResourceDef {
        uri: "trek://notifications/in-app",
        name: "notifications",
        title: "Notifications",
        description: "Your in-app notifications (most recent 50, unread first).",
        op: "list_notifications",
    },
    ResourceDef {
        uri: "trek://atlas/stats",
        name: "atlas-stats",
        title: "Atlas stats",
        description: "Visited country counts and continent breakdown (Atlas add-on).",
        op: "get_atlas_stats",
    },
    ResourceDef {
        uri: "trek://atlas/regions",
        name: "atlas-regions",
        title: "Atlas regions",
        description: "Manually visited sub-country regions (Atlas add-on).",
        op: "list_visited_regions",
    },
    ResourceDef {
        uri: "trek://vacay/plan",
        name: "vacay-plan",
        title: "Vacation plan",
        description: "Your vacation plan: settings, colour, years, members, invites, holiday calendars (Vacay add-on).",
        op: "get_vacay_plan",
    },
    ResourceDef {
        uri: "trek://vacay/entries/{year}",
        name: "vacay-entries",
        title: "Vacation days",
        description: "Vacation days and company holidays of one year (Vacay add-on).",
        op: "get_vacay_entries",
    },
    ResourceDef {
        uri: "trek://vacay/holidays/{year}",
        name: "vacay-holidays",
        title: "Vacation public holidays",
        description: "Public holidays of your plan's holiday calendars in one year (Vacay add-on).",
        op: "get_vacay_holidays",
    },
];

impl ResourceDef {
    pub fn is_template(&self) -> bool {
        self.uri.contains('{')
    }
}

/// Maps a URI parameter name to the operation's argument name (`tripId` → `trip_id`).
fn argument_name(param: &str) -> String {
    let mut out = String::with_capacity(param.len() + 2);
    for c in param.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Finds the resource a URI names and the operation arguments it implies. Numeric path
/// parameters become numbers; query parameters (`?assignment=unassigned`) are passed through.
pub fn resolve(uri: &str) -> Option<(&'static ResourceDef, Value)> {
    let (path, query) = uri.split_once('?').map_or((uri, None), |(p, q)| (p, Some(q)));
    let parts: Vec<&str> = path.split('/').collect();
    RESOURCES.iter().find_map(|def| {
        let pattern: Vec<&str> = def.uri.split('/').collect();
        if pattern.len() != parts.len() {
            return None;
        }
        let mut args = Map::new();
        for (want, got) in pattern.iter().zip(&parts) {
            match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(param) => {
                    let value = got.parse::<i64>().ok()?;
                    args.insert(argument_name(param), Value::from(value));
                }
                None if want == got => {}
                None => return None,
            }
        }
        for (key, value) in query.into_iter().flat_map(|q| url::form_urlencoded::parse(q.as_bytes())) {
            args.insert(argument_name(&key), Value::from(value.into_owned()));
        }
        Some((def, Value::Object(args)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_names_a_registered_operation() {
        for def in RESOURCES {
            assert!(crate::ops::registry().get(def.op).is_some(), "{} uses unknown op {}", def.uri, def.op);
        }
    }

    #[test]
    fn uris_resolve_to_operation_arguments() {
        let (def, args) = resolve("trek://trips/42").unwrap();
        assert_eq!(def.op, "get_trip_summary");
        assert_eq!(args, serde_json::json!({ "trip_id": 42 }));
        assert_eq!(resolve("trek://trips").unwrap().0.op, "list_trips");
        let (def, args) = resolve("trek://trips/7/places?assignment=unassigned").unwrap();
        assert_eq!(def.op, "list_places");
        assert_eq!(args, serde_json::json!({ "trip_id": 7, "assignment": "unassigned" }));
        let (def, args) = resolve("trek://trips/7/days/3/notes").unwrap();
        assert_eq!(def.op, "list_day_notes");
        assert_eq!(args, serde_json::json!({ "trip_id": 7, "day_id": 3 }));
        assert!(resolve("trek://trips/abc").is_none());
        assert!(resolve("trek://nope").is_none());
        assert!(resolve("https://trips/1").is_none());
    }
}
