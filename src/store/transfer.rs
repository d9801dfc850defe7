//! Export and import: all of the owner's trip data as one versioned JSON document, and back
//! into an empty Trek.
//!
//! The document is a table-by-table copy of the data tables (ids kept, so every reference and
//! every `get_trip_summary` answer comes back identical). What belongs to this installation —
//! sign-in, OAuth clients and tokens, sessions, settings, the audit log — stays behind: moving
//! credentials between machines in a file is how they leak. Every table of the schema is
//! classified in [`TABLES`] or [`INSTANCE_TABLES`]; a test fails when a migration adds a table
//! that is in neither.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, Transaction, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{SCHEMA_VERSION, StoreError, migrate, migrate_to_version};

/// The document's `format` field: what this JSON is.
pub const FORMAT: &str = "trek-export";
/// The document layout's version (not the schema's): bumped only if this envelope changes.
pub const FORMAT_VERSION: u32 = 1;

/// The exported tables, parents before children (the order of the document).
pub const TABLES: &[&str] = &[
    "users",
    "trips",
    "trip_members",
    "days",
    "categories",
    "places",
    "tags",
    "place_tags",
    "day_assignments",
    "assignment_participants",
    "day_notes",
    "budget_items",
    "budget_item_members",
    "packing_bags",
    "packing_bag_members",
    "packing_items",
    "packing_category_assignees",
    "packing_templates",
    "packing_template_items",
    "accommodations",
    "reservations",
    "todo_items",
    "todo_category_assignees",
    "collab_notes",
    "collab_polls",
    "collab_poll_options",
    "collab_poll_votes",
    "collab_messages",
    "collab_message_reactions",
    "visited_countries",
    "bucket_list_items",
    "visited_regions",
    "share_links",
    "journeys",
    "journey_contributors",
    "journey_entries",
    "journey_share_links",
    "vacay_plans",
    "vacay_members",
    "vacay_years",
    "vacay_allowances",
    "vacay_entries",
    "vacay_company_holidays",
    "vacay_invites",
    "vacay_holiday_calendars",
];

/// Tables that stay with the installation: credentials, sessions and switches.
pub const INSTANCE_TABLES: &[&str] = &[
    "launch_tickets",
    "owner_sessions",
    "login_failures",
    "settings",
    "oauth_clients",
    "oauth_pending",
    "oauth_consents",
    "oauth_grants",
    "oauth_codes",
    "oauth_tokens",
    "static_tokens",
    "auth_audit",
    "world_cache",
    "notifications",
    // Public holidays fetched for Vacay's calendars: outside data, fetched again when needed.
    "vacay_region_years",
    "vacay_region_holidays",
];

/// Columns of exported tables that are credentials of this installation.
const SECRET_COLUMNS: &[(&str, &str)] = &[("users", "password_hash")];

/// Tables whose rows migrations seed; an import replaces them instead of counting them as data.
const SEEDED_TABLES: &[&str] = &["categories"];

/// The whole document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub version: u32,
    /// The schema version the rows follow; an older one is migrated on import.
    pub schema_version: i64,
    pub exported_at: String,
    pub app_version: String,
    pub tables: BTreeMap<String, Table>,
}

/// One table: its column names and its rows, each a list of values in that column order.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Why an import was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("this is not a Trek export (format is {0:?}, expected {FORMAT:?})")]
    NotAnExport(String),
    #[error("this export uses document version {0}; this Trek reads version {FORMAT_VERSION}")]
    UnknownVersion(u32),
    #[error(
        "this export was made by a newer Trek (schema version {found}, this one knows {known}); upgrade Trek first"
    )]
    TooNew { found: i64, known: i64 },
    #[error("this Trek already holds data ({0}); import only into an empty Trek")]
    NotEmpty(String),
    #[error("table {0:?} is not part of a Trek export")]
    UnknownTable(String),
    #[error("table {table:?} has no column {column:?}")]
    UnknownColumn { table: String, column: String },
    #[error("table {table:?}, row {row}: {reason}")]
    BadRow { table: String, row: usize, reason: String },
    #[error("table {table:?}, row {row} points to a missing row in {parent:?}")]
    BrokenReference { table: String, row: i64, parent: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

impl super::Store {
    /// The whole export; `Store::read` runs it in one read transaction, a consistent snapshot.
    pub async fn export_all(&self, exported_at: String) -> Result<Document, StoreError> {
        self.read(move |conn| export(conn, exported_at)).await
    }

    /// Imports `doc` into this (empty) Trek in one write transaction.
    pub async fn import_all(&self, doc: Document) -> Result<ImportSummary, ImportError> {
        self.write(move |tx| import(tx, doc)).await
    }
}

/// `exported_at` as RFC 3339 (UTC).
pub fn timestamp(now: crate::clock::UnixTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(now)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Reads every exported table (inside the caller's transaction, so the copy is consistent).
pub fn export(conn: &Connection, exported_at: String) -> Result<Document, StoreError> {
    let mut tables = BTreeMap::new();
    for &name in TABLES {
        let columns: Vec<String> = table_columns(conn, name)?
            .into_iter()
            .filter(|c| !SECRET_COLUMNS.contains(&(name, c.as_str())))
            .collect();
        let list = columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ");
        let mut stmt = conn.prepare(&format!("SELECT {list} FROM {} ORDER BY rowid", quoted(name)))?;
        let rows = stmt
            .query_map([], |row| (0..columns.len()).map(|i| row.get_ref(i).map(to_json)).collect())?
            .collect::<Result<Vec<Vec<Value>>, _>>()?;
        tables.insert(name.to_owned(), Table { columns, rows });
    }
    Ok(Document {
        format: FORMAT.to_owned(),
        version: FORMAT_VERSION,
        schema_version: SCHEMA_VERSION,
        exported_at,
        app_version: crate::VERSION.to_owned(),
        tables,
    })
}

/// Writes `doc` into this (empty) Trek inside the caller's write transaction; on any error the
/// transaction is rolled back and nothing changes. This installation's owner stays the owner
/// (their sign-in is kept); the exported owner's name and email are applied to it.
pub fn import(tx: &Transaction<'_>, doc: Document) -> Result<ImportSummary, ImportError> {
    let doc = upgraded(check_envelope(doc)?)?;
    ensure_empty(tx)?;
    // Rows arrive in table order, but a table may reference itself or a later one; SQLite checks
    // every reference at commit instead, and `foreign_key_check` below names the first broken one.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    for &name in SEEDED_TABLES {
        tx.execute(&format!("DELETE FROM {}", quoted(name)), [])?;
    }
    let owner = tx
        .query_row("SELECT id FROM users WHERE kind = 'owner'", [], |r| r.get::<_, i64>(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let user_ids = user_id_map(&doc, owner)?;
    let mut summary = ImportSummary::default();
    for (name, table) in &doc.tables {
        let count = insert_table(tx, name, table, &user_ids)?;
        summary.rows.push((name.clone(), count));
    }
    check_references(tx)?;
    let mut trips = tx.prepare("SELECT id FROM trips ORDER BY id")?;
    summary.trip_ids = trips.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(summary)
}

/// What an import brought in.
#[derive(Debug, Default, Serialize)]
pub struct ImportSummary {
    pub trip_ids: Vec<i64>,
    /// Rows per table, in document order.
    pub rows: Vec<(String, usize)>,
}

fn check_envelope(doc: Document) -> Result<Document, ImportError> {
    if doc.format != FORMAT {
        return Err(ImportError::NotAnExport(doc.format));
    }
    if doc.version != FORMAT_VERSION {
        return Err(ImportError::UnknownVersion(doc.version));
    }
    if doc.schema_version > SCHEMA_VERSION {
        return Err(ImportError::TooNew { found: doc.schema_version, known: SCHEMA_VERSION });
    }
    if let Some(name) = doc.tables.keys().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(ImportError::UnknownTable(name.clone()));
    }
    Ok(doc)
}

/// An export from an older schema, brought to this one by the same migrations a database
/// file goes through: loaded into an in-memory database at its version, migrated, read back.
fn upgraded(doc: Document) -> Result<Document, ImportError> {
    if doc.schema_version == SCHEMA_VERSION {
        return Ok(doc);
    }
    let version = usize::try_from(doc.schema_version)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or(ImportError::TooNew { found: doc.schema_version, known: SCHEMA_VERSION })?;
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate_to_version(&mut conn, version)?;
    let exported_at = doc.exported_at.clone();
    {
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM categories", [])?;
        tx.pragma_update(None, "defer_foreign_keys", "ON")?;
        for (name, table) in &doc.tables {
            insert_table(&tx, name, table, &HashMap::new())?;
        }
        check_references(&tx)?;
        tx.commit()?;
    }
    migrate(&mut conn, std::path::Path::new("(import)"))?;
    Ok(export(&conn, exported_at)?)
}

/// Refuses when this Trek holds anything besides its owner and the seeded rows.
fn ensure_empty(tx: &Transaction<'_>) -> Result<(), ImportError> {
    let mut found = Vec::new();
    for &name in TABLES.iter().filter(|t| !SEEDED_TABLES.contains(t)) {
        let filter = if name == "users" { " WHERE kind <> 'owner'" } else { "" };
        let count: i64 =
            tx.query_row(&format!("SELECT count(*) FROM {}{filter}", quoted(name)), [], |r| r.get(0))?;
        if count > 0 {
            found.push(format!("{count} in {name}"));
        }
    }
    if found.is_empty() { Ok(()) } else { Err(ImportError::NotEmpty(found.join(", "))) }
}

/// Exported user ids → ids here: the exported owner becomes this installation's owner, and a
/// companion whose id that owner already has moves to a free id.
fn user_id_map(doc: &Document, owner: Option<i64>) -> Result<HashMap<i64, i64>, ImportError> {
    let Some(owner) = owner else { return Ok(HashMap::new()) };
    let Some(users) = doc.tables.get("users") else { return Ok(HashMap::new()) };
    let column = |name: &str| users.columns.iter().position(|c| c == name);
    let (Some(id_at), Some(kind_at)) = (column("id"), column("kind")) else {
        return Err(ImportError::BadRow {
            table: "users".into(),
            row: 0,
            reason: "the users table needs its id and kind columns".into(),
        });
    };
    let mut map = HashMap::new();
    let ids: Vec<(i64, bool)> = users
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let id = row.get(id_at).and_then(Value::as_i64);
            let is_owner = row.get(kind_at).and_then(Value::as_str) == Some("owner");
            id.map(|id| (id, is_owner)).ok_or_else(|| ImportError::BadRow {
                table: "users".into(),
                row: i + 1,
                reason: "id must be an integer".into(),
            })
        })
        .collect::<Result<_, _>>()?;
    let mut next_free = ids.iter().map(|(id, _)| *id).chain([owner]).max().unwrap_or(owner) + 1;
    for (id, is_owner) in ids {
        if is_owner {
            map.insert(id, owner);
        } else if id == owner {
            map.insert(id, next_free);
            next_free += 1;
        }
    }
    Ok(map)
}

/// Inserts one table's rows (the owner row updates this installation's owner instead).
fn insert_table(
    tx: &Connection,
    name: &str,
    table: &Table,
    user_ids: &HashMap<i64, i64>,
) -> Result<usize, ImportError> {
    let known = table_columns(tx, name)?;
    if let Some(column) =
        table.columns.iter().find(|c| !known.contains(c) || SECRET_COLUMNS.contains(&(name, c.as_str())))
    {
        return Err(ImportError::UnknownColumn { table: name.to_owned(), column: column.clone() });
    }
    // Which columns hold user ids, so the owner's id can be translated.
    let user_columns: Vec<usize> = if user_ids.is_empty() {
        Vec::new()
    } else {
        let refs = references_to_users(tx, name)?;
        table.columns.iter().enumerate().filter(|(_, c)| refs.contains(c)).map(|(i, _)| i).collect()
    };
    let list = table.columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ");
    let marks = vec!["?"; table.columns.len()].join(", ");
    let mut insert = tx.prepare(&format!("INSERT INTO {} ({list}) VALUES ({marks})", quoted(name)))?;
    let kind_at = table.columns.iter().position(|c| c == "kind");
    for (i, row) in table.rows.iter().enumerate() {
        let bad = |reason: String| ImportError::BadRow { table: name.to_owned(), row: i + 1, reason };
        if row.len() != table.columns.len() {
            return Err(bad(format!("{} values for {} columns", row.len(), table.columns.len())));
        }
        let mut values = row.iter().map(to_sql).collect::<Result<Vec<_>, _>>().map_err(bad)?;
        for &at in &user_columns {
            if let SqlValue::Integer(id) = values[at] {
                values[at] = SqlValue::Integer(user_ids.get(&id).copied().unwrap_or(id));
            }
        }
        let is_owner_row = name == "users" && kind_at.is_some_and(|k| row[k].as_str() == Some("owner"));
        if is_owner_row && !user_ids.is_empty() {
            update_owner(tx, &table.columns, &values).map_err(|e| bad(e.to_string()))?;
            continue;
        }
        insert.execute(params_from_iter(values)).map_err(|e| bad(e.to_string()))?;
    }
    Ok(table.rows.len())
}

/// The exported owner's profile (name, email) onto this installation's owner.
fn update_owner(tx: &Connection, columns: &[String], values: &[SqlValue]) -> rusqlite::Result<()> {
    for field in ["name", "email"] {
        if let Some(at) = columns.iter().position(|c| c == field) {
            tx.execute(
                &format!("UPDATE users SET {} = ?1 WHERE kind = 'owner'", quoted(field)),
                [&values[at]],
            )?;
        }
    }
    Ok(())
}

/// The first broken reference, named; checked before commit so the error says where.
fn check_references(tx: &Connection) -> Result<(), ImportError> {
    let mut stmt = tx.prepare("PRAGMA foreign_key_check")?;
    let broken = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?)))?
        .next()
        .transpose()?;
    match broken {
        Some((table, row, parent)) => {
            Err(ImportError::BrokenReference { table, row: row.unwrap_or_default(), parent })
        }
        None => Ok(()),
    }
}

fn table_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    stmt.query_map([table], |r| r.get(0))?.collect()
}

fn references_to_users(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE \"table\" = 'users'")?;
    let mut columns: Vec<String> = stmt.query_map([table], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if table == "users" {
        columns.push("id".into());
    }
    Ok(columns)
}

/// An identifier for SQL text. Only names checked against the schema reach here; quoting keeps
/// a name that happens to be a keyword valid.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn to_json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        // No data table has a BLOB column; keep bytes lossless should one appear.
        ValueRef::Blob(b) => {
            serde_json::json!({ "base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b) })
        }
    }
}

fn to_sql(value: &Value) -> Result<SqlValue, String> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().ok_or_else(|| format!("number {n} is out of range"))?),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Object(o) if o.len() == 1 && o.get("base64").is_some_and(Value::is_string) => {
            let text = o["base64"].as_str().unwrap_or_default();
            SqlValue::Blob(
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text)
                    .map_err(|e| format!("bad base64: {e}"))?,
            )
        }
        other => return Err(format!("unsupported value {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table the migrations create is either exported or named as the installation's own.
    #[test]
    fn every_table_is_classified() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, std::path::Path::new("(test)")).unwrap();
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for table in &tables {
            assert!(
                TABLES.contains(&table.as_str()) || INSTANCE_TABLES.contains(&table.as_str()),
                "table {table} is neither exported nor an installation table: classify it in store::transfer"
            );
        }
        for table in TABLES.iter().chain(INSTANCE_TABLES) {
            assert!(tables.iter().any(|t| t == table), "{table} is classified but does not exist");
        }
    }

    #[test]
    fn values_round_trip_between_json_and_sqlite() {
        for value in [Value::Null, 42.into(), (-1.5).into(), "kyoto \"\n".into()] {
            let sql = to_sql(&value).unwrap();
            assert_eq!(to_json(ValueRef::from(&sql)), value);
        }
        let blob = SqlValue::Blob(vec![0, 255, 7]);
        assert_eq!(to_sql(&to_json(ValueRef::from(&blob))).unwrap(), blob);
        assert!(to_sql(&serde_json::json!([1])).unwrap_err().contains("unsupported value"));
    }
}
