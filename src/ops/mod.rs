//! The operation registry: every action Trek offers is declared here once — name, title,
//! description, input and output types (with JSON Schemas), required scope, add-on and kind —
//! and both the MCP tool list (`mcp`) and the UI's `/api/ops/{name}` (`http::api`) are
//! generated from it, so the assistant and the UI can never disagree.

mod addons;
mod atlas;
mod bookings;
mod budget;
mod collab;
mod days;
mod journeys;
mod notes;
mod notifications;
mod packing;
mod places;
mod schema;
mod share;
mod todos;
mod trips;
mod vacay;
mod vacay_calendars;
mod vacay_sharing;
mod world;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use addons::{AddonSet, AddonState};
use schema::schema_object;

use crate::auth::scopes::{Scope, ScopeSet};
use crate::clock::UnixTime;
use crate::domain::{Actor, Change, Ctx, DomainError};
use crate::providers::world::{World, WorldError};
use crate::store::{Store, StoreError};

/// What an operation does to the world; MCP annotations are derived from it, never typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Reads only.
    Read,
    /// Creates or changes data.
    Write,
    /// Removes data (destructive).
    Delete,
    /// Reads from an outside service (geocoding, weather).
    Outbound,
}

/// An add-on that can be switched off, removing its operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Addon {
    Atlas,
    Collab,
    Vacay,
    Journeys,
}

/// Everything said about an operation, once.
#[derive(Debug, Clone, Copy)]
pub struct OpMeta {
    /// Wire name (TREK-compatible), at most 64 characters.
    pub name: &'static str,
    pub title: &'static str,
    /// Written for an assistant: what it does, when to use it, what to call first.
    pub description: &'static str,
    /// Required scope; `None` for the navigation ops every token may call.
    pub scope: Option<Scope>,
    pub addon: Option<Addon>,
    pub kind: Kind,
    /// Calling it twice with the same input has the same effect as once.
    pub idempotent: bool,
    /// Valid inputs, as JSON; tests check them against the schema and the input type.
    pub examples: &'static [&'static str],
}

impl OpMeta {
    /// Whether a caller holding `scopes` may call this operation.
    pub fn allowed(&self, scopes: ScopeSet) -> bool {
        self.scope.is_none_or(|s| scopes.grants(s))
    }

    /// Whether the caller may see and call it: scope granted and add-on (if any) switched on.
    pub fn available(&self, scopes: ScopeSet, addons: AddonSet) -> bool {
        self.allowed(scopes) && addons.allows(self.addon)
    }
}

/// One operation with typed input and output.
pub trait Op: Send + Sync + 'static {
    type Input: DeserializeOwned + JsonSchema;
    type Output: Serialize + JsonSchema;
    const META: OpMeta;
    fn run(cx: &Ctx<'_>, input: Self::Input) -> Result<Self::Output, DomainError>;
    /// Outside data to store before the transaction (Vacay's public holidays); none by default.
    fn prefetch<'a>(_cx: OutboundCtx<'a>, _args: &Value) -> Option<PrefetchFuture<'a>> {
        None
    }
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("no operation named {0:?}")]
    Unknown(String),
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    #[error("this needs the {0} scope, which the connection was not granted")]
    MissingScope(Scope),
    #[error(
        "the {0} add-on is switched off; the owner can switch it on in Trek's Settings or with `trek addons enable {0}`"
    )]
    AddonDisabled(Addon),
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// An outside service (geocoding, weather, holidays) failed or refused.
    #[error(transparent)]
    Outbound(WorldError),
}

impl From<WorldError> for OpError {
    fn from(e: WorldError) -> Self {
        match e {
            WorldError::Invalid { field, message } => Self::Domain(DomainError::Invalid { field, message }),
            WorldError::Store(e) => Self::Domain(DomainError::Store(e)),
            other => Self::Outbound(other),
        }
    }
}

/// What a `Kind::Outbound` operation gets: the providers and the store (for its cache), never a
/// connection held while it waits on the network.
#[derive(Clone, Copy)]
pub struct OutboundCtx<'a> {
    pub world: &'a World,
    pub store: &'a Store,
    pub actor: Actor,
    pub now: UnixTime,
}

/// The running call of an outbound operation.
pub type OutboundFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, OpError>> + Send + 'a>>;

/// Fetching and storing the outside data an operation reads in its transaction.
pub type PrefetchFuture<'a> = Pin<Box<dyn Future<Output = Result<(), OpError>> + Send + 'a>>;

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        Self::Domain(DomainError::Store(e))
    }
}

/// Type-erased operation: JSON in, JSON out. Implemented once for every `Op`.
pub trait DynOp: Send + Sync {
    fn meta(&self) -> OpMeta;
    fn input_schema(&self) -> Map<String, Value>;
    fn output_schema(&self) -> Map<String, Value>;
    fn call(&self, cx: &Ctx<'_>, args: Value) -> Result<Value, OpError>;
    /// Deserializes `args` into the input type without running anything (example checks).
    fn check_input(&self, args: Value) -> Result<(), OpError>;
    /// Runs a `Kind::Outbound` operation; `None` for every other kind.
    fn call_outbound<'a>(&'a self, _cx: OutboundCtx<'a>, _args: Value) -> Option<OutboundFuture<'a>> {
        None
    }
    /// See [`Op::prefetch`].
    fn prefetch<'a>(&'a self, _cx: OutboundCtx<'a>, _args: &Value) -> Option<PrefetchFuture<'a>> {
        None
    }
}

/// Deserializes arguments, naming the offending field (serde_path_to_error), so the assistant
/// can correct itself.
fn parse_input<T: DeserializeOwned>(args: Value) -> Result<T, OpError> {
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            OpError::InvalidArguments(inner.to_string())
        } else {
            OpError::InvalidArguments(format!("{path}: {inner}"))
        }
    })
}

impl<T: Op> DynOp for T {
    fn meta(&self) -> OpMeta {
        T::META
    }

    fn input_schema(&self) -> Map<String, Value> {
        schema_object::<T::Input>()
    }

    fn output_schema(&self) -> Map<String, Value> {
        schema_object::<T::Output>()
    }

    fn call(&self, cx: &Ctx<'_>, args: Value) -> Result<Value, OpError> {
        let output = T::run(cx, parse_input(args)?)?;
        serde_json::to_value(output).map_err(|e| OpError::InvalidArguments(format!("output: {e}")))
    }

    fn check_input(&self, args: Value) -> Result<(), OpError> {
        parse_input::<T::Input>(args).map(drop)
    }

    fn prefetch<'a>(&'a self, cx: OutboundCtx<'a>, args: &Value) -> Option<PrefetchFuture<'a>> {
        T::prefetch(cx, args)
    }
}

/// Declares operations as a table: each row becomes a unit struct implementing [`Op`] with
/// `run` delegating to a domain function, so no tool repeats another's plumbing.
macro_rules! ops {
    ($(
        $ty:ident {
            name: $name:literal,
            title: $title:literal,
            description: $desc:expr,
            scope: $scope:expr,
            addon: $addon:expr,
            kind: $kind:ident,
            idempotent: $idem:literal,
            input: $input:ty,
            output: $output:ty,
            run: $run:path,
            $(prefetch: $pre:path,)?
            examples: [$($ex:literal),* $(,)?] $(,)?
        }
    )*) => {
        $(
            pub struct $ty;
            impl $crate::ops::Op for $ty {
                type Input = $input;
                type Output = $output;
                const META: $crate::ops::OpMeta = $crate::ops::OpMeta {
                    name: $name,
                    title: $title,
                    description: $desc,
                    scope: $scope,
                    addon: $addon,
                    kind: $crate::ops::Kind::$kind,
                    idempotent: $idem,
                    examples: &[$($ex),*],
                };
                fn run(cx: &$crate::domain::Ctx<'_>, input: $input) -> Result<$output, $crate::domain::DomainError> {
                    $run(cx, input)
                }
                $(
                    fn prefetch<'a>(
                        cx: $crate::ops::OutboundCtx<'a>,
                        args: &serde_json::Value,
                    ) -> Option<$crate::ops::PrefetchFuture<'a>> {
                        $pre(cx, args)
                    }
                )?
            }
        )*
        /// This area's operations, in the order they are listed to clients.
        pub(super) const OPS: &[&dyn $crate::ops::DynOp] = &[$(&$ty),*];
    };
}
pub(crate) use ops;

/// Every operation, with schemas computed once.
pub struct Registry {
    ops: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
}

/// One registered operation and its cached schemas.
pub struct Entry {
    pub op: &'static dyn DynOp,
    pub meta: OpMeta,
    pub input_schema: Arc<Map<String, Value>>,
    /// The output is a JSON object, so MCP results carry it as `structuredContent`.
    pub structured_output: bool,
}

impl Entry {
    /// The JSON Schema of the output: the contract tests check real results against (not sent
    /// in `tools/list`, see `mcp::service`).
    pub fn output_schema(&self) -> Map<String, Value> {
        self.op.output_schema()
    }
}

impl Registry {
    fn build() -> Self {
        let areas: &[&[&'static dyn DynOp]] = &[
            trips::OPS,
            share::OPS,
            places::OPS,
            days::OPS,
            budget::OPS,
            packing::OPS,
            bookings::OPS,
            todos::OPS,
            notes::OPS,
            atlas::OPS,
            world::OUTBOUND,
            collab::OPS,
            notifications::OPS,
            journeys::OPS,
            vacay::OPS,
            vacay_sharing::OPS,
            vacay_calendars::OPS,
            vacay_calendars::OUTBOUND,
        ];
        let mut ops = Vec::new();
        let mut by_name = HashMap::new();
        for op in areas.iter().flat_map(|area| area.iter().copied()) {
            let meta = op.meta();
            let output = op.output_schema();
            by_name.insert(meta.name, ops.len());
            ops.push(Entry {
                op,
                meta,
                input_schema: Arc::new(op.input_schema()),
                structured_output: output.get("type").and_then(Value::as_str) == Some("object"),
            });
        }
        Self { ops, by_name }
    }

    pub fn all(&self) -> &[Entry] {
        &self.ops
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.ops[i])
    }

    /// The operations a caller with `scopes` sees while `addons` are on: the one filter behind
    /// MCP tools/list, resources, prompts and `/api/ops`.
    pub fn visible(&self, scopes: ScopeSet, addons: AddonSet) -> impl Iterator<Item = &Entry> {
        self.ops.iter().filter(move |e| e.meta.available(scopes, addons))
    }

    /// Runs an operation as `actor`: reads on a read connection (on this worker, see
    /// `Store::read_inline`), everything else in one write transaction. Returns the output and
    /// the changes it committed.
    pub async fn execute(
        &self,
        store: &Store,
        name: &str,
        actor: Actor,
        scopes: ScopeSet,
        now: UnixTime,
        args: Value,
    ) -> Result<(Value, Vec<Change>), OpError> {
        self.execute_with(None, store, name, actor, scopes, now, args).await
    }

    /// [`Registry::execute`] with the outside-world providers, which `Kind::Outbound`
    /// operations need (MCP and the UI pass the server's; without them those operations fail).
    #[allow(clippy::too_many_arguments)]
    pub async fn execute_with(
        &self,
        world: Option<&World>,
        store: &Store,
        name: &str,
        actor: Actor,
        scopes: ScopeSet,
        now: UnixTime,
        args: Value,
    ) -> Result<(Value, Vec<Change>), OpError> {
        let entry = self.get(name).ok_or_else(|| OpError::Unknown(name.to_owned()))?;
        if let Some(scope) = entry.meta.scope.filter(|s| !scopes.grants(*s)) {
            return Err(OpError::MissingScope(scope));
        }
        let op = entry.op;
        let addon = entry.meta.addon;
        if entry.meta.kind == Kind::Outbound {
            store.read_inline(|conn| addon_is_on(conn, addon)).await?;
            // Waits on the network with no SQLite connection held; the cache does short reads
            // and writes of its own. Outbound operations change no trip data.
            let world = world.ok_or(OpError::Outbound(WorldError::Unavailable))?;
            let cx = OutboundCtx { world, store, actor, now };
            let call = op.call_outbound(cx, args).ok_or(OpError::Outbound(WorldError::Unavailable))?;
            return Ok((call.await?, Vec::new()));
        }
        // Outside data the transaction reads (without the providers, what is stored is used).
        if let Some(world) = world
            && let Some(fetch) = op.prefetch(OutboundCtx { world, store, actor, now }, &args)
        {
            store.read_inline(|conn| addon_is_on(conn, addon)).await?;
            fetch.await?;
        }
        let run = move |conn: &rusqlite::Connection| {
            // Checked in the call's own transaction, so a switch flipped by the CLI counts at once.
            addon_is_on(conn, addon)?;
            let cx = Ctx::new(conn, actor, now);
            let value = op.call(&cx, args)?;
            Ok::<_, OpError>((value, cx.into_changes()))
        };
        match entry.meta.kind {
            Kind::Read | Kind::Outbound => store.read_inline(run).await,
            Kind::Write | Kind::Delete => store.write(move |tx| run(tx)).await,
        }
    }
}

/// `Err(AddonDisabled)` when the operation belongs to an add-on that is switched off.
fn addon_is_on(conn: &rusqlite::Connection, addon: Option<Addon>) -> Result<(), OpError> {
    match addon {
        Some(addon) if !AddonSet::load(conn).map_err(StoreError::from)?.contains(addon) => {
            Err(OpError::AddonDisabled(addon))
        }
        _ => Ok(()),
    }
}

/// The registry, built on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_short_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for entry in registry().all() {
            let name = entry.meta.name;
            assert!(seen.insert(name), "duplicate {name}");
            assert!(name.len() <= 64, "{name} longer than 64");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name} not snake_case");
        }
    }

    #[test]
    fn every_op_is_described_for_an_assistant() {
        for entry in registry().all() {
            let m = entry.meta;
            assert!(!m.title.is_empty(), "{} has no title", m.name);
            assert!(m.description.len() >= 40, "{} has a thin description", m.name);
            assert!(!m.examples.is_empty(), "{} has no example", m.name);
            assert_eq!(
                entry.input_schema.get("type").and_then(Value::as_str),
                Some("object"),
                "{} input",
                m.name
            );
            // The kind must agree with the scope: reads need a read scope, writes a write one.
            if let Some(scope) = m.scope {
                assert_eq!(
                    scope.is_read(),
                    m.kind == Kind::Read || m.kind == Kind::Outbound,
                    "{}: kind {:?} vs scope {}",
                    m.name,
                    m.kind,
                    scope
                );
            }
        }
    }

    #[test]
    fn examples_validate_against_schema_and_type() {
        for entry in registry().all() {
            let validator = jsonschema::validator_for(&Value::Object((*entry.input_schema).clone()))
                .unwrap_or_else(|e| panic!("{}: bad schema: {e}", entry.meta.name));
            for example in entry.meta.examples {
                let value: Value = serde_json::from_str(example)
                    .unwrap_or_else(|e| panic!("{}: {example}: {e}", entry.meta.name));
                let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
                assert!(
                    errors.is_empty(),
                    "{} example {example} fails its schema: {errors:?}",
                    entry.meta.name
                );
                if let Err(e) = entry.op.check_input(value) {
                    panic!("{} example {example} does not deserialize: {e}", entry.meta.name);
                }
            }
        }
    }
}
