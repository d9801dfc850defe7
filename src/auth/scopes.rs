//! OAuth scopes: the 24 wire names of TREK's table plus Trek's three Journeys scopes, their groups, and scope sets with the
//! inheritance rules (`:write` implies `:read`, any `trips:*` grants `trips:read`).

use std::fmt;

/// One OAuth scope. Declaration order is the seed's table order and the bit index in
/// [`ScopeSet`]; [`Scope::ALL`] is checked against it at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    TripsRead,
    TripsWrite,
    TripsDelete,
    TripsShare,
    PlacesRead,
    PlacesWrite,
    AtlasRead,
    AtlasWrite,
    PackingRead,
    PackingWrite,
    TodosRead,
    TodosWrite,
    BudgetRead,
    BudgetWrite,
    ReservationsRead,
    ReservationsWrite,
    CollabRead,
    CollabWrite,
    NotificationsRead,
    NotificationsWrite,
    VacayRead,
    VacayWrite,
    GeoRead,
    WeatherRead,
    // Trek's own (Journeys add-on), after the seed's table so its order and bits stay as they were.
    JourneyRead,
    JourneyWrite,
    JourneyShare,
}

/// The "Group" column of the seed's scope table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeGroup {
    Trips,
    Places,
    Atlas,
    Packing,
    Todos,
    Budget,
    Reservations,
    Collab,
    Notifications,
    Vacay,
    Geo,
    Weather,
    Journeys,
}

/// Not a resource scope: asks for a refresh token (OpenID Connect Core §11), so it is
/// reported beside the set instead of stored in it.
pub const OFFLINE_ACCESS: &str = "offline_access";

struct Info {
    scope: Scope,
    name: &'static str,
    label: &'static str,
    group: ScopeGroup,
}

const fn info(scope: Scope, name: &'static str, label: &'static str, group: ScopeGroup) -> Info {
    Info { scope, name, label, group }
}

/// The seed's table, declared once: wire name, Permission column, Group column.
const TABLE: [Info; 27] = {
    use Scope as S;
    use ScopeGroup as G;
    [
        info(S::TripsRead, "trips:read", "View trips & itineraries", G::Trips),
        info(S::TripsWrite, "trips:write", "Edit trips & itineraries", G::Trips),
        info(S::TripsDelete, "trips:delete", "Delete trips (irreversible)", G::Trips),
        info(S::TripsShare, "trips:share", "Manage share links", G::Trips),
        info(S::PlacesRead, "places:read", "View places & map data", G::Places),
        info(S::PlacesWrite, "places:write", "Manage places", G::Places),
        info(S::AtlasRead, "atlas:read", "View Atlas", G::Atlas),
        info(S::AtlasWrite, "atlas:write", "Manage Atlas", G::Atlas),
        info(S::PackingRead, "packing:read", "View packing lists", G::Packing),
        info(S::PackingWrite, "packing:write", "Manage packing lists", G::Packing),
        info(S::TodosRead, "todos:read", "View to-do lists", G::Todos),
        info(S::TodosWrite, "todos:write", "Manage to-do lists", G::Todos),
        info(S::BudgetRead, "budget:read", "View budget", G::Budget),
        info(S::BudgetWrite, "budget:write", "Manage budget", G::Budget),
        info(S::ReservationsRead, "reservations:read", "View reservations", G::Reservations),
        info(S::ReservationsWrite, "reservations:write", "Manage reservations", G::Reservations),
        info(S::CollabRead, "collab:read", "View collaboration", G::Collab),
        info(S::CollabWrite, "collab:write", "Manage collaboration", G::Collab),
        info(S::NotificationsRead, "notifications:read", "View notifications", G::Notifications),
        info(S::NotificationsWrite, "notifications:write", "Manage notifications", G::Notifications),
        info(S::VacayRead, "vacay:read", "View vacation plans", G::Vacay),
        info(S::VacayWrite, "vacay:write", "Manage vacation plans", G::Vacay),
        info(S::GeoRead, "geo:read", "Maps & geocoding", G::Geo),
        info(S::WeatherRead, "weather:read", "Weather forecasts", G::Weather),
        info(S::JourneyRead, "journey:read", "View journeys", G::Journeys),
        info(S::JourneyWrite, "journey:write", "Write journeys", G::Journeys),
        info(S::JourneyShare, "journey:share", "Manage journey share links", G::Journeys),
    ]
};

// `Scope as usize` indexes TABLE and is the ScopeSet bit: fail the build if they drift apart.
const _: () = {
    let mut i = 0;
    while i < TABLE.len() {
        assert!(TABLE[i].scope as usize == i);
        i += 1;
    }
};

impl Scope {
    /// All scopes in the seed's table order (the canonical order).
    pub const ALL: [Scope; 27] = {
        let mut all = [Scope::TripsRead; 27];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].scope;
            i += 1;
        }
        all
    };

    fn info(self) -> &'static Info {
        &TABLE[self as usize]
    }

    /// The wire name, e.g. `trips:read`.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The scope named exactly `s`; scope tokens are case-sensitive (RFC 6749 §3.3).
    pub fn parse(s: &str) -> Option<Scope> {
        TABLE.iter().find(|i| i.name == s).map(|i| i.scope)
    }

    /// What the consent screen shows for this scope.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    pub fn group(self) -> ScopeGroup {
        self.info().group
    }

    pub fn is_read(self) -> bool {
        self.as_str().ends_with(":read")
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl ScopeGroup {
    /// The seed's name for the group.
    pub fn label(self) -> &'static str {
        match self {
            ScopeGroup::Trips => "Trips",
            ScopeGroup::Places => "Places",
            ScopeGroup::Atlas => "Atlas",
            ScopeGroup::Packing => "Packing",
            ScopeGroup::Todos => "To-dos",
            ScopeGroup::Budget => "Budget",
            ScopeGroup::Reservations => "Reservations",
            ScopeGroup::Collab => "Collaboration",
            ScopeGroup::Notifications => "Notifications",
            ScopeGroup::Vacay => "Vacation",
            ScopeGroup::Geo => "Geo",
            ScopeGroup::Weather => "Weather",
            ScopeGroup::Journeys => "Journeys",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    #[error("unknown scope {0:?}")]
    Unknown(String),
}

/// A set of scopes (bitset, Copy). Canonical order = [`Scope::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ScopeSet(u32);

impl ScopeSet {
    pub const EMPTY: ScopeSet = ScopeSet(0);

    pub fn all() -> ScopeSet {
        ScopeSet::from_scopes(Scope::ALL)
    }

    /// Everything except trips:delete: the default of pre-created clients (read+write, no delete).
    pub fn preset_default() -> ScopeSet {
        ScopeSet(ScopeSet::all().0 & !Scope::TripsDelete.bit())
    }

    pub fn from_scopes(iter: impl IntoIterator<Item = Scope>) -> ScopeSet {
        let mut set = ScopeSet::EMPTY;
        for s in iter {
            set.insert(s);
        }
        set
    }

    /// Parses an OAuth `scope` parameter (space-separated, RFC 6749 §3.3). Unknown scope →
    /// `Err(ScopeError::Unknown(name))`. `offline_access` is accepted and reported in the
    /// returned bool, not put in the set. Repeated spaces/duplicates ok.
    pub fn parse(s: &str) -> Result<(ScopeSet, bool), ScopeError> {
        let mut offline = false;
        let mut set = ScopeSet::EMPTY;
        // RFC 6749 §3.3: scope = scope-token *( SP scope-token ); only SP separates.
        for token in s.split(' ').filter(|t| !t.is_empty()) {
            if token == OFFLINE_ACCESS {
                offline = true;
            } else {
                set.insert(parse_one(token)?);
            }
        }
        Ok((set, offline))
    }

    /// Parses a comma- or space-separated list (CLI `--scopes a,b`). `offline_access` is
    /// refused here: a list names what a client may touch, not whether it gets refresh tokens.
    pub fn parse_list(s: &str) -> Result<ScopeSet, ScopeError> {
        s.split([',', ' '])
            .filter(|t| !t.is_empty())
            .map(parse_one)
            .collect::<Result<Vec<_>, _>>()
            .map(ScopeSet::from_scopes)
    }

    /// Literal membership, without inheritance (see [`ScopeSet::grants`]).
    pub fn contains(self, s: Scope) -> bool {
        self.0 & s.bit() != 0
    }

    /// Whether holding this set permits an action that needs `required`, by the seed's rules:
    /// a `:write` scope implies `:read` of its group; any `trips:*` scope grants `trips:read`.
    pub fn grants(self, required: Scope) -> bool {
        // Only `trips` and `journey` have scopes other than read and write, so "any scope of the
        // group grants its `:read`" states both rules at once (for journeys by the same
        // reasoning as trips); nothing ever implies a write/delete/share.
        self.contains(required)
            || (required.is_read() && self.iter().any(|held| held.group() == required.group()))
    }

    pub fn insert(&mut self, s: Scope) {
        self.0 |= s.bit();
    }

    pub fn union(self, o: ScopeSet) -> ScopeSet {
        ScopeSet(self.0 | o.0)
    }

    pub fn intersection(self, o: ScopeSet) -> ScopeSet {
        ScopeSet(self.0 & o.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn is_subset(self, o: ScopeSet) -> bool {
        self.0 & !o.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The members in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

fn parse_one(token: &str) -> Result<Scope, ScopeError> {
    Scope::parse(token).ok_or_else(|| ScopeError::Unknown(token.to_owned()))
}

impl fmt::Display for ScopeSet {
    /// Space-separated in canonical order: the form of a `scope` response parameter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(s.as_str())?;
        }
        Ok(())
    }
}

impl serde::Serialize for ScopeSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ScopeSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ScopeSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a space-separated list of scopes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ScopeSet, E> {
                // Stored sets never hold offline_access, so it is as unknown here as any typo.
                v.split(' ')
                    .filter(|t| !t.is_empty())
                    .try_fold(ScopeSet::EMPTY, |set, t| parse_one(t).map(|s| set.union(ScopeSet(s.bit()))))
                    .map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Scope as S;

    #[test]
    fn every_scope_round_trips_through_its_name() {
        assert_eq!(Scope::ALL.len(), 27, "the seed's 24 and Trek's 3 journey scopes");
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s), "{s:?}");
            assert_eq!(s.to_string(), s.as_str());
            assert!(!s.label().is_empty());
        }
        // Case-sensitive, no prefixes or padding (RFC 6749 §3.3).
        for bad in ["Trips:read", "trips:READ", " trips:read", "trips", "trips:", "", "offline_access"] {
            assert_eq!(Scope::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn table_matches_the_seed() {
        fn check(s: Scope, name: &str, label: &str, group: &str, read: bool) {
            assert_eq!(
                (s.as_str(), s.label(), s.group().label(), s.is_read()),
                (name, label, group, read),
                "{s:?}"
            );
        }
        check(S::TripsRead, "trips:read", "View trips & itineraries", "Trips", true);
        check(S::TripsWrite, "trips:write", "Edit trips & itineraries", "Trips", false);
        check(S::TripsDelete, "trips:delete", "Delete trips (irreversible)", "Trips", false);
        check(S::TripsShare, "trips:share", "Manage share links", "Trips", false);
        check(S::PlacesRead, "places:read", "View places & map data", "Places", true);
        check(S::PlacesWrite, "places:write", "Manage places", "Places", false);
        check(S::AtlasRead, "atlas:read", "View Atlas", "Atlas", true);
        check(S::AtlasWrite, "atlas:write", "Manage Atlas", "Atlas", false);
        check(S::PackingRead, "packing:read", "View packing lists", "Packing", true);
        check(S::PackingWrite, "packing:write", "Manage packing lists", "Packing", false);
        check(S::TodosRead, "todos:read", "View to-do lists", "To-dos", true);
        check(S::TodosWrite, "todos:write", "Manage to-do lists", "To-dos", false);
        check(S::BudgetRead, "budget:read", "View budget", "Budget", true);
        check(S::BudgetWrite, "budget:write", "Manage budget", "Budget", false);
        check(S::ReservationsRead, "reservations:read", "View reservations", "Reservations", true);
        check(S::ReservationsWrite, "reservations:write", "Manage reservations", "Reservations", false);
        check(S::CollabRead, "collab:read", "View collaboration", "Collaboration", true);
        check(S::CollabWrite, "collab:write", "Manage collaboration", "Collaboration", false);
        check(S::NotificationsRead, "notifications:read", "View notifications", "Notifications", true);
        check(S::NotificationsWrite, "notifications:write", "Manage notifications", "Notifications", false);
        check(S::VacayRead, "vacay:read", "View vacation plans", "Vacation", true);
        check(S::VacayWrite, "vacay:write", "Manage vacation plans", "Vacation", false);
        check(S::GeoRead, "geo:read", "Maps & geocoding", "Geo", true);
        check(S::WeatherRead, "weather:read", "Weather forecasts", "Weather", true);
        // Trek's own, after the seed's table.
        check(S::JourneyRead, "journey:read", "View journeys", "Journeys", true);
        check(S::JourneyWrite, "journey:write", "Write journeys", "Journeys", false);
        check(S::JourneyShare, "journey:share", "Manage journey share links", "Journeys", false);
    }

    #[test]
    fn the_table_has_thirteen_groups_in_order() {
        // The seed's table has 12 groups; Trek adds Journeys.
        let mut groups: Vec<&str> = Vec::new();
        for s in Scope::ALL {
            let g = s.group().label();
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        assert_eq!(
            groups,
            [
                "Trips",
                "Places",
                "Atlas",
                "Packing",
                "To-dos",
                "Budget",
                "Reservations",
                "Collaboration",
                "Notifications",
                "Vacation",
                "Geo",
                "Weather",
                "Journeys"
            ]
        );
        // Every group has exactly one `:read` scope, the one inheritance points at.
        for s in Scope::ALL {
            let reads = Scope::ALL.iter().filter(|r| r.group() == s.group() && r.is_read());
            assert_eq!(reads.count(), 1, "{s:?}");
        }
    }

    #[test]
    fn grants_follows_the_seed_rules() {
        fn check(held: &[Scope], required: Scope, expected: bool) {
            let set = ScopeSet::from_scopes(held.iter().copied());
            assert_eq!(set.grants(required), expected, "{held:?} grants {required:?}");
        }
        // Literal membership.
        check(&[S::TripsRead], S::TripsRead, true);
        check(&[S::GeoRead], S::GeoRead, true);
        check(&[S::TripsDelete], S::TripsDelete, true);
        // :write implies :read of the same group.
        check(&[S::BudgetWrite], S::BudgetRead, true);
        check(&[S::PlacesWrite], S::PlacesRead, true);
        check(&[S::VacayWrite], S::VacayRead, true);
        check(&[S::NotificationsWrite], S::NotificationsRead, true);
        // Any trips:* grants trips:read.
        check(&[S::TripsWrite], S::TripsRead, true);
        check(&[S::TripsShare], S::TripsRead, true);
        check(&[S::TripsDelete], S::TripsRead, true);
        // Nothing implies upward or sideways within trips.
        check(&[S::TripsRead], S::TripsWrite, false);
        check(&[S::TripsWrite], S::TripsDelete, false);
        check(&[S::TripsWrite], S::TripsShare, false);
        check(&[S::TripsShare], S::TripsWrite, false);
        check(&[S::BudgetRead], S::BudgetWrite, false);
        // Never across groups.
        check(&[S::BudgetWrite], S::PackingRead, false);
        check(&[S::TripsWrite], S::PlacesRead, false);
        check(&[S::PlacesWrite], S::TripsRead, false);
        check(&[S::AtlasWrite], S::GeoRead, false);
        check(&[S::GeoRead], S::WeatherRead, false);
        // Journeys follow the trips rules: share and write grant read, nothing grants share.
        check(&[S::JourneyShare], S::JourneyRead, true);
        check(&[S::JourneyWrite], S::JourneyRead, true);
        check(&[S::JourneyWrite], S::JourneyShare, false);
        check(&[S::JourneyShare], S::JourneyWrite, false);
        check(&[S::TripsWrite], S::JourneyRead, false);
        // The empty set grants nothing; the full set grants everything.
        check(&[], S::TripsRead, false);
        for s in Scope::ALL {
            assert!(ScopeSet::all().grants(s), "{s:?}");
            assert!(!ScopeSet::EMPTY.grants(s), "{s:?}");
        }
    }

    #[test]
    fn parse_reads_the_scope_parameter() {
        fn check(input: &str, expected: Result<(&[Scope], bool), &str>) {
            let got = ScopeSet::parse(input);
            let want = expected
                .map(|(s, off)| (ScopeSet::from_scopes(s.iter().copied()), off))
                .map_err(|name| ScopeError::Unknown(name.to_owned()));
            assert_eq!(got, want, "{input:?}");
        }
        check("", Ok((&[], false)));
        check("   ", Ok((&[], false)));
        check("trips:read", Ok((&[S::TripsRead], false)));
        check("trips:read places:write", Ok((&[S::TripsRead, S::PlacesWrite], false)));
        check("  trips:read   trips:read ", Ok((&[S::TripsRead], false)));
        check("offline_access", Ok((&[], true)));
        check("budget:write offline_access geo:read", Ok((&[S::BudgetWrite, S::GeoRead], true)));
        check("trips:read nope:read", Err("nope:read"));
        check("Trips:Read", Err("Trips:Read"));
        check("trips:read,places:read", Err("trips:read,places:read"));
        check("trips:read\tplaces:read", Err("trips:read\tplaces:read"));
        check("trips:admin", Err("trips:admin"));
    }

    #[test]
    fn parse_list_accepts_commas_and_spaces() {
        fn check(input: &str, expected: Result<&[Scope], &str>) {
            let got = ScopeSet::parse_list(input);
            let want = expected
                .map(|s| ScopeSet::from_scopes(s.iter().copied()))
                .map_err(|name| ScopeError::Unknown(name.to_owned()));
            assert_eq!(got, want, "{input:?}");
        }
        check("", Ok(&[]));
        check("trips:read,places:read", Ok(&[S::TripsRead, S::PlacesRead]));
        check("trips:read, places:read", Ok(&[S::TripsRead, S::PlacesRead]));
        check("trips:read places:read,,geo:read", Ok(&[S::TripsRead, S::PlacesRead, S::GeoRead]));
        check("trips:read,bogus", Err("bogus"));
        check("trips:read,offline_access", Err("offline_access"));
    }

    #[test]
    fn display_is_canonical_order() {
        fn check(scopes: &[Scope], expected: &str) {
            let set = ScopeSet::from_scopes(scopes.iter().copied());
            assert_eq!(set.to_string(), expected, "{scopes:?}");
            assert_eq!(ScopeSet::parse(expected), Ok((set, false)));
        }
        check(&[], "");
        check(&[S::WeatherRead, S::TripsRead], "trips:read weather:read");
        check(&[S::BudgetWrite, S::AtlasRead, S::BudgetRead], "atlas:read budget:read budget:write");
        let all: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        check(&Scope::ALL, &all.join(" "));
    }

    #[test]
    fn set_operations() {
        let a = ScopeSet::from_scopes([S::TripsRead, S::PlacesRead]);
        let b = ScopeSet::from_scopes([S::PlacesRead, S::GeoRead]);
        assert_eq!(a.union(b), ScopeSet::from_scopes([S::TripsRead, S::PlacesRead, S::GeoRead]));
        assert_eq!(a.intersection(b), ScopeSet::from_scopes([S::PlacesRead]));
        assert!(a.intersection(b).is_subset(a) && a.intersection(b).is_subset(b));
        assert!(!a.is_subset(b));
        assert!(ScopeSet::EMPTY.is_subset(a) && ScopeSet::EMPTY.is_empty());
        assert_eq!(ScopeSet::default(), ScopeSet::EMPTY);
        assert_eq!((a.len(), ScopeSet::EMPTY.len(), ScopeSet::all().len()), (2, 0, 27));
        assert!(a.contains(S::TripsRead) && !a.contains(S::GeoRead));
        // contains is literal: trips:write holds, but does not contain, trips:read.
        assert!(!ScopeSet::from_scopes([S::TripsWrite]).contains(S::TripsRead));
        assert_eq!(ScopeSet::all().iter().collect::<Vec<_>>(), Scope::ALL);
        let preset = ScopeSet::preset_default();
        assert_eq!(preset.len(), 26);
        assert!(!preset.contains(S::TripsDelete) && preset.contains(S::TripsShare));
        assert_eq!(preset.union(ScopeSet::from_scopes([S::TripsDelete])), ScopeSet::all());
    }

    #[test]
    fn serde_uses_the_space_separated_string() {
        fn check(json: &str, expected: Result<&[Scope], ()>) {
            let got: Result<ScopeSet, _> = serde_json::from_str(json);
            match expected {
                Ok(scopes) => {
                    let set = ScopeSet::from_scopes(scopes.iter().copied());
                    assert_eq!(got.ok(), Some(set), "{json}");
                    let back = serde_json::to_string(&set).unwrap();
                    assert_eq!(serde_json::from_str::<ScopeSet>(&back).ok(), Some(set));
                }
                Err(()) => assert!(got.is_err(), "{json} should not deserialize"),
            }
        }
        check(r#""""#, Ok(&[]));
        check(r#""trips:read geo:read""#, Ok(&[S::TripsRead, S::GeoRead]));
        check(r#""geo:read  trips:read""#, Ok(&[S::TripsRead, S::GeoRead]));
        check(r#""trips:read nope""#, Err(()));
        check(r#""offline_access""#, Err(()));
        check("42", Err(()));
        let set = ScopeSet::from_scopes([S::WeatherRead, S::TripsShare]);
        assert_eq!(serde_json::to_string(&set).unwrap(), r#""trips:share weather:read""#);
        let err = serde_json::from_str::<ScopeSet>(r#""trips:read nope""#).unwrap_err();
        assert!(err.to_string().contains(r#"unknown scope "nope""#), "{err}");
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        fn scope_set() -> impl Strategy<Value = ScopeSet> {
            proptest::collection::vec(proptest::sample::select(Scope::ALL.to_vec()), 0..8)
                .prop_map(ScopeSet::from_scopes)
        }

        proptest! {
            #[test]
            fn holding_more_never_grants_less(a in scope_set(), b in scope_set(), required in proptest::sample::select(Scope::ALL.to_vec())) {
                if a.grants(required) {
                    prop_assert!(a.union(b).grants(required));
                }
                prop_assert!(!a.contains(required) || a.grants(required));
            }

            #[test]
            fn only_reads_are_implied(set in scope_set(), required in proptest::sample::select(Scope::ALL.to_vec())) {
                if set.grants(required) && !set.contains(required) {
                    prop_assert!(required.is_read());
                    prop_assert!(set.iter().any(|held| held.group() == required.group()));
                }
            }

            #[test]
            fn the_scope_parameter_round_trips(set in scope_set()) {
                let (parsed, _) = ScopeSet::parse(&set.to_string()).unwrap();
                prop_assert_eq!(parsed, set);
            }
        }
    }
}
