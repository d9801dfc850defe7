//! The add-on switch: which add-ons (Atlas, Collab, Vacay, Journeys) are on, persisted in the
//! settings table. Everything that exposes operations — MCP tools, resources and prompts,
//! `/api/ops`, and `Registry::execute` itself — asks [`AddonSet::allows`], so an add-on that
//! is off is gone everywhere at once.

use rusqlite::{Connection, Transaction};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Addon;
use crate::store::settings;

impl Addon {
    /// Every add-on, in the order the Settings page and `trek addons list` show them.
    pub const ALL: [Addon; 4] = [Addon::Atlas, Addon::Collab, Addon::Vacay, Addon::Journeys];

    /// Wire and CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Addon::Atlas => "atlas",
            Addon::Collab => "collab",
            Addon::Vacay => "vacay",
            Addon::Journeys => "journeys",
        }
    }

    /// What switching it on adds, for the owner.
    pub fn description(self) -> &'static str {
        match self {
            Addon::Atlas => "Atlas extended: statistics, visited regions, atlas places per country.",
            Addon::Collab => "Polls and chat among a trip's members.",
            Addon::Vacay => "Vacation day planning with allowances, carry-over and company holidays.",
            Addon::Journeys => "Travel journals with dated entries across several trips.",
        }
    }

    pub fn parse(name: &str) -> Option<Addon> {
        Self::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// On unless the owner switched it off (DESIGN.md, Defaults): Trek is a single-user app,
    /// so the owner is the administrator the seed asks to enable them.
    pub fn on_by_default(self) -> bool {
        true
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl std::fmt::Display for Addon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of enabled add-ons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddonSet(u8);

impl AddonSet {
    pub fn all() -> Self {
        Self(Addon::ALL.iter().fold(0, |bits, a| bits | a.bit()))
    }

    pub fn none() -> Self {
        Self(0)
    }

    pub fn defaults() -> Self {
        Self(Addon::ALL.iter().filter(|a| a.on_by_default()).fold(0, |bits, a| bits | a.bit()))
    }

    pub fn contains(self, addon: Addon) -> bool {
        self.0 & addon.bit() != 0
    }

    #[must_use]
    pub fn with(self, addon: Addon, on: bool) -> Self {
        if on { Self(self.0 | addon.bit()) } else { Self(self.0 & !addon.bit()) }
    }

    /// Whether something gated by `addon` (none: always there) is available.
    pub fn allows(self, addon: Option<Addon>) -> bool {
        addon.is_none_or(|a| self.contains(a))
    }

    /// The stored set; add-ons missing from the setting (new ones, or none stored) take their
    /// default, and a damaged value is read as the defaults rather than locking the owner out.
    pub fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let stored = settings::get(conn, settings::ADDONS)?;
        let map = stored.as_ref().and_then(Value::as_object);
        Ok(Addon::ALL.into_iter().fold(Self::none(), |set, addon| {
            let on = map.and_then(|m| m.get(addon.name())).and_then(Value::as_bool);
            set.with(addon, on.unwrap_or_else(|| addon.on_by_default()))
        }))
    }

    /// Stores every add-on's state explicitly (so a later default change does not flip it).
    pub fn save(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let map: Map<String, Value> =
            Addon::ALL.into_iter().map(|a| (a.name().to_owned(), Value::Bool(self.contains(a)))).collect();
        settings::set(tx, settings::ADDONS, &Value::Object(map))
    }

    /// One row per add-on for the owner API and the CLI.
    pub fn describe(self) -> Vec<AddonState> {
        Addon::ALL
            .into_iter()
            .map(|addon| AddonState {
                name: addon.name(),
                description: addon.description(),
                enabled: self.contains(addon),
                operations: super::registry().all().iter().filter(|e| e.meta.addon == Some(addon)).count(),
            })
            .collect()
    }
}

/// An add-on and whether it is on.
#[derive(Debug, Clone, Serialize)]
pub struct AddonState {
    pub name: &'static str,
    pub description: &'static str,
    pub enabled: bool,
    /// How many operations (MCP tools) it adds.
    pub operations: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_toggle() {
        for addon in Addon::ALL {
            assert_eq!(Addon::parse(addon.name()), Some(addon));
            assert_eq!(Addon::parse(&addon.name().to_uppercase()), Some(addon));
        }
        assert_eq!(Addon::parse("mcp"), None);
        let set = AddonSet::all().with(Addon::Collab, false);
        assert!(!set.contains(Addon::Collab) && set.contains(Addon::Atlas));
        assert!(set.allows(None) && !set.allows(Some(Addon::Collab)));
        assert_eq!(set.with(Addon::Collab, true), AddonSet::all());
        assert_eq!(AddonSet::defaults(), AddonSet::all(), "DESIGN.md: add-ons are on by default");
    }

    #[test]
    fn stored_sets_load_with_defaults_for_missing_or_damaged_values() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        assert_eq!(AddonSet::load(&conn).unwrap(), AddonSet::defaults());
        let store = |conn: &mut Connection, value: Option<Value>| {
            let tx = conn.transaction().unwrap();
            match value {
                Some(value) => settings::set(&tx, settings::ADDONS, &value).unwrap(),
                None => AddonSet::all().with(Addon::Vacay, false).save(&tx).unwrap(),
            }
            tx.commit().unwrap();
        };
        store(&mut conn, None);
        assert_eq!(AddonSet::load(&conn).unwrap(), AddonSet::all().with(Addon::Vacay, false));
        store(&mut conn, Some(serde_json::json!({"collab": false})));
        assert_eq!(AddonSet::load(&conn).unwrap(), AddonSet::defaults().with(Addon::Collab, false));
        store(&mut conn, Some(serde_json::json!([1, 2])));
        assert_eq!(AddonSet::load(&conn).unwrap(), AddonSet::defaults());
    }
}
