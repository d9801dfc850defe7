//! Shared harness for the `ops_*` suites: a store on a temp file, the owner as actor, and
//! helpers that call operations through the registry exactly as MCP and the UI do.

use serde_json::Value;
use tempfile::TempDir;
use trek::auth::scopes::ScopeSet;
use trek::domain::{Actor, Change, ChangeAction, DomainError};
use trek::ops::{OpError, registry};
use trek::store::owner::{UserId, ensure_owner};
use trek::store::{Store, StoreError};

/// A fixed "now" for every call (2027-01-15T07:20:00Z): tests never read the clock.
pub const NOW: i64 = 1_799_997_600;

pub struct Env {
    pub store: Store,
    pub owner: Actor,
    _dir: TempDir,
}

impl Env {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("trek.db")).unwrap();
        let user = store.write(|tx| Ok::<_, StoreError>(ensure_owner(tx, NOW)?)).await.unwrap();
        Self { store, owner: Actor { user }, _dir: dir }
    }

    /// Calls `name` as the owner with every scope.
    pub async fn call(&self, name: &str, args: Value) -> Result<(Value, Vec<Change>), OpError> {
        self.call_as(self.owner.user.0, name, args).await
    }

    /// Calls `name` as another user. Every successful output is checked against the op's
    /// declared output schema, so the schemas stay true for all the outputs these suites see.
    pub async fn call_as(&self, user: i64, name: &str, args: Value) -> Result<(Value, Vec<Change>), OpError> {
        let actor = Actor { user: UserId(user) };
        let result = registry().execute(&self.store, name, actor, ScopeSet::all(), NOW, args).await;
        if let Ok((value, _)) = &result {
            assert_matches_output_schema(name, value);
        }
        result
    }

    /// The output of a call that must succeed.
    pub async fn ok(&self, name: &str, args: Value) -> Value {
        match self.call(name, args.clone()).await {
            Ok((value, _)) => value,
            Err(e) => panic!("{name} {args} failed: {e}"),
        }
    }

    /// The error of a call that must fail.
    pub async fn err(&self, name: &str, args: Value) -> OpError {
        match self.call(name, args.clone()).await {
            Ok((value, _)) => panic!("{name} {args} succeeded with {value}"),
            Err(e) => e,
        }
    }

    /// Runs SQL on the writer (test set-up and stored-row checks).
    pub async fn exec(&self, sql: String) -> i64 {
        self.store
            .write(move |tx| {
                tx.execute_batch(&sql)?;
                Ok::<_, StoreError>(tx.last_insert_rowid())
            })
            .await
            .unwrap()
    }

    /// One integer from a query.
    pub async fn int(&self, sql: String) -> i64 {
        self.store.read(move |c| Ok::<_, StoreError>(c.query_row(&sql, [], |r| r.get(0))?)).await.unwrap()
    }

    /// A companion profile (no login) named `name`; returns its user id.
    pub async fn companion(&self, name: &str) -> i64 {
        let name = name.to_owned();
        self.store
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO users (kind, name, created_at, updated_at) VALUES ('companion', ?1, 0, 0)",
                    [name],
                )?;
                Ok::<_, StoreError>(tx.last_insert_rowid())
            })
            .await
            .unwrap()
    }

    /// A trip owned by another user (a companion row), inserted directly: the owner is
    /// neither its owner nor a member, so it must be invisible. Returns (trip id, day id).
    pub async fn foreign_trip(&self) -> (i64, i64) {
        let other = self.companion("Stranger").await;
        self.store
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO trips (owner_id, title, currency, created_at, updated_at)
                     VALUES (?1, 'Not yours', 'EUR', 0, 0)",
                    [other],
                )?;
                let trip = tx.last_insert_rowid();
                tx.execute(
                    "INSERT INTO days (trip_id, position, date) VALUES (?1, 0, '2027-05-01')",
                    [trip],
                )?;
                Ok::<_, StoreError>((trip, tx.last_insert_rowid()))
            })
            .await
            .unwrap()
    }

    /// A trip from 2027-04-01 to `end`, returning its id and its day ids in order.
    pub async fn trip(&self, end: &str) -> (i64, Vec<i64>) {
        let trip = self
            .ok(
                "create_trip",
                serde_json::json!({"title": "Kyoto", "start_date": "2027-04-01", "end_date": end}),
            )
            .await;
        let id = trip["id"].as_i64().unwrap();
        let summary = self.ok("get_trip_summary", serde_json::json!({"trip_id": id})).await;
        let days = summary["days"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
        (id, days)
    }
}

/// Asserts the error is `NotFound` for `what`.
pub fn assert_not_found(err: &OpError, what: &str) {
    match err {
        OpError::Domain(DomainError::NotFound { what: w, .. }) if *w == what => {}
        other => panic!("expected {what} not found, got {other:?}"),
    }
}

/// Asserts the error is a validation error naming `field`.
pub fn assert_invalid(err: &OpError, field: &str) {
    match err {
        OpError::Domain(DomainError::Invalid { field: f, .. }) if *f == field => {}
        other => panic!("expected invalid {field}, got {other:?}"),
    }
}

/// Asserts the changes contain `entity`/`action`.
pub fn assert_changed(changes: &[Change], entity: &str, action: ChangeAction) {
    assert!(
        changes.iter().any(|c| c.entity == entity && c.action == action),
        "expected {entity} {action:?} in {changes:?}"
    );
}

/// Panics, naming every mismatch, when `value` does not satisfy `op`'s output schema.
pub fn assert_matches_output_schema(op: &str, value: &Value) {
    let schema = Value::Object(registry().get(op).unwrap_or_else(|| panic!("no op {op}")).output_schema());
    let validator =
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{op}: bad output schema: {e}"));
    let errors: Vec<String> =
        validator.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{op} output does not match its schema: {errors:?}\n{value}");
}
