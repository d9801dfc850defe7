//! Export and import: a rich instance exported and imported into a fresh one answers every read
//! identically; every refusal names its reason and leaves the target empty; an export of an
//! older schema is migrated; the HTTP endpoints and the CLI.

use serde_json::{Value, json};
use trek::store::StoreError;
use trek::store::transfer::{self, Document, ImportError, TABLES};

use crate::ops_copy::rich_trip;
use crate::ops_support::{Env, NOW};
use crate::support::{TestServer, error_code, expect_status, trek_bin};

/// An instance with something in every exported table.
async fn full_instance() -> Env {
    let env = Env::new().await;
    let first = rich_trip(&env).await;
    env.ok("create_trip", json!({"title": "Lisbon", "start_date": "2027-06-01", "end_date": "2027-06-03"}))
        .await;
    env.ok("create_share_link", json!({"trip_id": first, "share_budget": true})).await;
    env.ok("mark_country_visited", json!({"country_code": "JP"})).await;
    env.ok("create_bucket_list_item", json!({"name": "Patagonia", "country_code": "AR"})).await;
    env.ok("mark_region_visited", json!({"region_code": "JP-26"})).await;
    // Vacay add-on: a tracked year with an allowance, a vacation day and a company holiday.
    env.ok("add_vacay_year", json!({"year": 2027})).await;
    env.ok("update_vacay_stats", json!({"year": 2027, "allowance": 28})).await;
    env.ok("toggle_vacay_entry", json!({"date": "2027-04-05"})).await;
    env.ok("toggle_company_holiday", json!({"date": "2027-12-24"})).await;
    env.ok("save_packing_template", json!({"trip_id": first, "template_name": "City break"})).await;
    // Collab add-on: a poll with a vote, a message with a reply and a reaction.
    let poll = env
        .ok(
            "create_collab_poll",
            json!({"trip_id": first, "question": "Dinner?", "options": ["Ramen", "Soba"]}),
        )
        .await;
    env.ok("vote_collab_poll", json!({"trip_id": first, "poll_id": poll["id"], "option_index": 1})).await;
    let message = env.ok("send_collab_message", json!({"trip_id": first, "body": "Booked!"})).await;
    env.ok("send_collab_message", json!({"trip_id": first, "body": "Thanks", "reply_to": message["id"]}))
        .await;
    env.ok("react_collab_message", json!({"trip_id": first, "message_id": message["id"], "emoji": "👍"}))
        .await;
    // Journeys add-on: a journey with a contributor, an entry about the trip, a share link.
    let alex = env.companion("Alex").await;
    let journey = env.ok("create_journey", json!({"title": "Year one", "contributor_ids": [alex]})).await;
    env.ok(
        "create_journey_entry",
        json!({"journey_id": journey["id"], "date": "2027-04-01", "body": "Arrived", "trip_id": first}),
    )
    .await;
    env.ok("create_journey_share_link", json!({"journey_id": journey["id"]})).await;
    // Vacay sharing: an invite to a companion and a holiday calendar.
    env.ok("send_vacay_invite", json!({"user_id": alex})).await;
    env.ok("add_holiday_calendar", json!({"region": "DE-BY"})).await;
    env.exec(
        "INSERT INTO categories (name, icon, color, position) VALUES ('Onsen', '♨️', '#0ea5e9', 99)".into(),
    )
    .await;
    for table in TABLES {
        assert!(
            env.int(format!("SELECT count(*) FROM {table}")).await > 0,
            "{table} is empty in the fixture"
        );
    }
    env
}

/// Every read an assistant or the UI makes, as JSON.
async fn reads(env: &Env) -> Vec<Value> {
    let mut out = vec![
        env.ok("list_trips", json!({"include_archived": true})).await,
        env.ok("list_categories", json!({})).await,
        env.ok("list_visited_countries", json!({})).await,
        env.ok("list_bucket_list", json!({})).await,
        env.ok("list_journeys", json!({})).await,
        env.ok("list_visited_regions", json!({})).await,
        env.ok("get_vacay_plan", json!({})).await,
        env.ok("get_vacay_stats", json!({"year": 2027})).await,
    ];
    let trips = env.ok("list_trips", json!({"include_archived": true})).await;
    for trip in trips["trips"].as_array().unwrap() {
        let id = &trip["id"];
        out.push(env.ok("get_trip_summary", json!({"trip_id": id})).await);
        out.push(env.ok("get_share_link", json!({"trip_id": id})).await);
        out.push(env.ok("list_collab_polls", json!({"trip_id": id})).await);
        out.push(env.ok("list_collab_messages", json!({"trip_id": id})).await);
    }
    out
}

async fn export(env: &Env) -> Document {
    env.store.export_all(transfer::timestamp(NOW)).await.unwrap()
}

async fn import(env: &Env, doc: Document) -> Result<transfer::ImportSummary, ImportError> {
    env.store.import_all(doc).await
}

fn document(value: Value) -> Document {
    serde_json::from_value(value).unwrap()
}

/// Rows in every exported table except the owner's.
async fn data_rows(env: &Env) -> i64 {
    let mut total = 0;
    for table in TABLES.iter().filter(|t| **t != "categories") {
        let filter = if *table == "users" { " WHERE kind <> 'owner'" } else { "" };
        total += env.int(format!("SELECT count(*) FROM {table}{filter}")).await;
    }
    total
}

#[tokio::test]
async fn an_import_answers_every_read_like_the_original() {
    let source = full_instance().await;
    let doc = export(&source).await;
    assert_eq!(doc.format, "trek-export");
    assert_eq!(doc.exported_at, "2027-01-15T07:20:00Z");
    // The owner's password hash and the installation's tables never leave it.
    let json = serde_json::to_string(&doc).unwrap();
    assert!(!json.contains("password_hash") && !json.contains("oauth_"), "credentials exported");

    let target = Env::new().await;
    let imported = import(&target, document(serde_json::to_value(&doc).unwrap())).await.unwrap();
    assert_eq!(imported.trip_ids.len(), 2);
    assert_eq!(reads(&target).await, reads(&source).await);
    // Exporting the import gives the same document: nothing was lost or renamed.
    assert_eq!(export(&target).await.tables, doc.tables);
    assert_eq!(target.int("SELECT count(*) FROM pragma_foreign_key_check".into()).await, 0);
}

#[tokio::test]
async fn the_exported_owner_becomes_this_installations_owner() {
    let source = full_instance().await;
    let doc = export(&source).await;
    let owner = source.owner.user.0;
    // A target whose owner has another id, the id a companion has in the export.
    let target_dir = tempfile::tempdir().unwrap();
    let store = trek::store::Store::open(&target_dir.path().join("trek.db")).unwrap();
    let new_owner = store
        .write(|tx| {
            tx.execute_batch(
                "INSERT INTO users (id, kind, name, created_at, updated_at) VALUES (7, 'owner', 'Me', 0, 0)",
            )?;
            Ok::<_, StoreError>(7_i64)
        })
        .await
        .unwrap();
    let companion =
        doc.tables["users"].rows.iter().find(|r| r[1] == "companion").unwrap()[0].as_i64().unwrap();
    assert_ne!(companion, new_owner);
    store.import_all(doc).await.unwrap();
    let (owners, trips_of_owner, paid_by_owner_kept, owner_name): (i64, i64, i64, String) = store
        .read(move |c| {
            Ok::<_, StoreError>((
                c.query_row("SELECT count(*) FROM users WHERE kind = 'owner'", [], |r| r.get(0))?,
                c.query_row("SELECT count(*) FROM trips WHERE owner_id = ?1", [new_owner], |r| r.get(0))?,
                c.query_row(
                    "SELECT count(*) FROM budget_item_members WHERE user_id = ?1 AND paid = 1",
                    [new_owner],
                    |r| r.get(0),
                )?,
                c.query_row("SELECT name FROM users WHERE kind = 'owner'", [], |r| r.get(0))?,
            ))
        })
        .await
        .unwrap();
    assert_eq!((owners, trips_of_owner, paid_by_owner_kept), (1, 2, 1));
    let source_name =
        source.int(format!("SELECT count(*) FROM users WHERE id = {owner} AND name = '{owner_name}'")).await;
    assert_eq!(source_name, 1, "the owner's name comes with the export");
}

#[tokio::test]
async fn refusals_name_the_reason_and_change_nothing() {
    let source = full_instance().await;
    let good = serde_json::to_value(export(&source).await).unwrap();
    let target = Env::new().await;
    let categories = target.int("SELECT count(*) FROM categories".into()).await;
    let with = |path: &[&str], value: Value| {
        let mut doc = good.clone();
        let (last, parents) = path.split_last().unwrap();
        let mut at = &mut doc;
        for key in parents {
            at = if let Ok(i) = key.parse::<usize>() { &mut at[i] } else { &mut at[*key] };
        }
        match last.parse::<usize>() {
            Ok(i) => at[i] = value,
            Err(_) => at[*last] = value,
        }
        doc
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&["format"], "zip".into()), "not a Trek export"),
        (with(&["version"], 2.into()), "document version 2"),
        (with(&["schema_version"], 999.into()), "newer Trek"),
        (
            with(&["tables", "oauth_tokens"], json!({"columns": [], "rows": []})),
            "\"oauth_tokens\" is not part",
        ),
        (with(&["tables", "users", "columns", "3"], "password_hash".into()), "no column \"password_hash\""),
        (with(&["tables", "days", "rows", "0", "1"], 999.into()), "points to a missing row in \"trips\""),
        (with(&["tables", "trips", "rows", "0", "2"], json!(["x"])), "\"trips\", row 1: unsupported value"),
        (with(&["tables", "trips", "rows", "0", "2"], Value::Null), "\"trips\", row 1"),
        (with(&["tables", "places", "rows", "0"], json!([1])), "1 values for"),
    ];
    for (doc, expected) in cases {
        let error = import(&target, document(doc)).await.unwrap_err().to_string();
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
        assert_eq!(data_rows(&target).await, 0, "a refused import ({expected}) left rows behind");
        assert_eq!(target.int("SELECT count(*) FROM categories".into()).await, categories);
    }
    // A Trek that already holds trips refuses, whatever the document.
    let error = import(&source, document(good)).await.unwrap_err();
    assert!(matches!(error, ImportError::NotEmpty(_)), "{error}");
    assert!(error.to_string().contains("in trips"), "{error}");
}

#[tokio::test]
async fn an_export_of_an_older_schema_is_migrated_on_import() {
    let source = full_instance().await;
    let mut doc = export(&source).await;
    // Schema 7 had no share links: an export made then has no such table.
    doc.schema_version = 7;
    doc.tables.remove("share_links");
    // Nor the Collab add-on's polls and chat (a later migration).
    doc.tables.retain(|name, _| !name.starts_with("collab_") || name == "collab_notes");
    doc.tables.retain(|name, _| {
        !name.starts_with("journey") && !name.starts_with("vacay_") && name != "visited_regions"
    });
    // Nor the bucket list's target date (added with the regions).
    let bucket = doc.tables.get_mut("bucket_list_items").unwrap();
    let at = bucket.columns.iter().position(|c| c == "target_date").unwrap();
    bucket.columns.remove(at);
    for row in &mut bucket.rows {
        row.remove(at);
    }
    // Nor the places' country code (added with Vacay's holiday calendars).
    let places = doc.tables.get_mut("places").unwrap();
    let at = places.columns.iter().position(|c| c == "country_code").unwrap();
    places.columns.remove(at);
    for row in &mut places.rows {
        row.remove(at);
    }
    let target = Env::new().await;
    import(&target, doc).await.unwrap();
    let trips = source.ok("list_trips", json!({})).await;
    for trip in trips["trips"].as_array().unwrap() {
        let id = &trip["id"];
        let mut imported = target.ok("get_trip_summary", json!({"trip_id": id})).await;
        let mut original = source.ok("get_trip_summary", json!({"trip_id": id})).await;
        // The older export had no polls or chat, so only their counts differ.
        assert_eq!(imported["collab"], json!({"polls": 0, "open_polls": 0, "messages": 0}));
        for summary in [&mut imported, &mut original] {
            summary.as_object_mut().unwrap().remove("collab");
        }
        assert_eq!(imported, original);
    }
    assert_eq!(target.int("SELECT count(*) FROM share_links".into()).await, 0);
}

#[tokio::test]
async fn export_and_import_over_http_for_the_owner_only() {
    let source = TestServer::start().await;
    let owner = source.owner_cookie().await;
    let call = |t: &TestServer, name: &str, body: Value| {
        t.http.post(t.url(&format!("/api/ops/{name}"))).header("cookie", &owner).json(&body).send()
    };
    expect_status(call(&source, "create_trip", json!({"title": "Kyoto"})).await.unwrap(), 200).await;
    expect_status(source.http.get(source.url("/api/export")).send().await.unwrap(), 401).await;
    let response = source.http.get(source.url("/api/export")).header("cookie", &owner).send().await.unwrap();
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"trek-export-"), "{disposition}");
    let mut doc: Value = serde_json::from_str(&expect_status(response, 200).await).unwrap();

    let target = TestServer::start().await;
    let target_owner = target.owner_cookie().await;
    let post = |body: &Value, cookie: Option<&str>| {
        let mut request = target.http.post(target.url("/api/import")).json(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    expect_status(post(&doc, None).await.unwrap(), 401).await;
    // Bigger than every other route's body limit, well within the import's.
    doc["exported_at"] = "x".repeat(2 * 1024 * 1024).into();
    let imported = expect_status(post(&doc, Some(&target_owner)).await.unwrap(), 200).await;
    assert!(imported.contains("trip_ids"), "{imported}");
    let again = expect_status(post(&doc, Some(&target_owner)).await.unwrap(), 409).await;
    assert_eq!(error_code(&again), "not_empty");
    let trips =
        target.http.post(target.url("/api/ops/list_trips")).header("cookie", &target_owner).json(&json!({}));
    let trips = expect_status(trips.send().await.unwrap(), 200).await;
    assert!(trips.contains("Kyoto"), "{trips}");
    // Above the import limit: refused before it is read.
    let huge = vec![b' '; trek::config::MAX_IMPORT_BYTES + 1];
    let response = target
        .http
        .post(target.url("/api/import"))
        .header("cookie", &target_owner)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    expect_status(response, 413).await;
    // Other routes keep the ordinary limit.
    let big = json!({"title": "x".repeat(2 * 1024 * 1024)});
    expect_status(call(&target, "create_trip", big).await.unwrap(), 413).await;
    source.stop().await;
    target.stop().await;
}

#[tokio::test]
async fn cli_exports_to_a_file_and_imports_into_an_empty_trek() {
    let source = Env::new().await;
    rich_trip(&source).await;
    let source_dir = source.store.path().parent().unwrap().to_owned();
    let file = source_dir.join("export.json");
    let run = |dir: &std::path::Path, args: &[&str]| {
        std::process::Command::new(trek_bin()).env("TREK_DATA_DIR", dir).args(args).output().unwrap()
    };
    let out = run(&source_dir, &["db", "export", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exported 1 trips"));
    let again = run(&source_dir, &["db", "export", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let target = tempfile::tempdir().unwrap();
    let out = run(target.path(), &["db", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 trips"));
    let out = run(target.path(), &["db", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nothing was changed") && stderr.contains("import only into an empty Trek"),
        "{stderr}"
    );
}
