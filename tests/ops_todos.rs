//! To-dos and collab notes through the registry: to-dos appended in order, updated with null
//! clearing fields, toggled, deleted and reordered with dense positions; assignees and category
//! assignees limited to trip members (an empty list clears); collab notes with hex colours,
//! pinned first; change events; other users' trips invisible.

use serde_json::{Value, json};
use trek::domain::ChangeAction;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

/// The to-do names in order, with positions checked to be 0, 1, 2, ….
async fn todo_names(env: &Env, trip: i64) -> Vec<String> {
    let list = env.ok("list_todos", json!({"trip_id": trip})).await;
    let items = list["items"].as_array().unwrap();
    for (i, t) in items.iter().enumerate() {
        assert_eq!(t["position"], i as i64, "positions must be dense: {list}");
    }
    items.iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

async fn todo(env: &Env, trip: i64, name: &str) -> i64 {
    env.ok("create_todo", json!({"trip_id": trip, "name": name})).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn todos_are_created_updated_toggled_and_cleared_with_null() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let owner = env.owner.user.0;
    let (item, changes) = env
        .call(
            "create_todo",
            json!({"trip_id": trip, "name": "Renew passport", "category": "Documents", "due_date": "2027-03-01",
                   "description": "Takes 3 weeks", "assigned_user_id": owner, "priority": "high"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "todo", ChangeAction::Created);
    assert_eq!((item["priority"].as_str(), item["checked"].as_bool()), (Some("high"), Some(false)));
    assert_eq!(item["assigned_user_id"], owner);
    assert!(item["assigned_user_name"].is_string());
    let id = item["id"].as_i64().unwrap();

    let (out, changes) = env
        .call(
            "update_todo",
            json!({"trip_id": trip, "item_id": id, "due_date": null, "priority": "low", "assigned_user_id": null}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "todo", ChangeAction::Updated);
    assert_eq!((&out["due_date"], &out["assigned_user_id"]), (&Value::Null, &Value::Null));
    assert_eq!((out["priority"].as_str(), out["category"].as_str()), (Some("low"), Some("Documents")));

    let (out, changes) =
        env.call("toggle_todo", json!({"trip_id": trip, "item_id": id, "checked": true})).await.unwrap();
    assert_changed(&changes, "todo", ChangeAction::Updated);
    assert_eq!(out["checked"], true);
    let out = env.ok("toggle_todo", json!({"trip_id": trip, "item_id": id})).await;
    assert_eq!(out["checked"], false, "without checked it flips");

    // Validation names the field.
    assert_invalid(&env.err("create_todo", json!({"trip_id": trip, "name": ""})).await, "name");
    assert_invalid(
        &env.err("create_todo", json!({"trip_id": trip, "name": "x", "due_date": "03/01/2027"})).await,
        "due_date",
    );
    let err = env.err("create_todo", json!({"trip_id": trip, "name": "x", "priority": "urgent"})).await;
    assert!(err.to_string().contains("priority"), "{err}");
    let stranger = env.companion("Stranger").await;
    assert_invalid(
        &env.err("create_todo", json!({"trip_id": trip, "name": "x", "assigned_user_id": stranger})).await,
        "assigned_user_id",
    );
    assert_invalid(
        &env.err("update_todo", json!({"trip_id": trip, "item_id": id, "assigned_user_id": stranger})).await,
        "assigned_user_id",
    );
}

#[tokio::test]
async fn todo_positions_stay_dense_under_reorder_and_delete() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let a = todo(&env, trip, "A").await;
    let b = todo(&env, trip, "B").await;
    let c = todo(&env, trip, "C").await;
    assert_eq!(todo_names(&env, trip).await, ["A", "B", "C"]);
    let (out, changes) =
        env.call("reorder_todos", json!({"trip_id": trip, "ordered_ids": [c, a, b]})).await.unwrap();
    assert_changed(&changes, "todo", ChangeAction::Updated);
    assert_eq!(out["items"][0]["id"], c);
    assert_eq!(todo_names(&env, trip).await, ["C", "A", "B"]);
    for bad in [json!([c, a]), json!([c, a, a]), json!([c, a, b, 999])] {
        assert_invalid(
            &env.err("reorder_todos", json!({"trip_id": trip, "ordered_ids": bad})).await,
            "ordered_ids",
        );
    }
    let (out, changes) = env.call("delete_todo", json!({"trip_id": trip, "item_id": a})).await.unwrap();
    assert_eq!(out, json!({"id": a, "deleted": true}));
    assert_changed(&changes, "todo", ChangeAction::Deleted);
    assert_eq!(todo_names(&env, trip).await, ["C", "B"]);
    todo(&env, trip, "D").await;
    assert_eq!(todo_names(&env, trip).await, ["C", "B", "D"]);
    assert_not_found(&env.err("delete_todo", json!({"trip_id": trip, "item_id": a})).await, "to-do item");
}

#[tokio::test]
async fn category_assignees_are_members_and_an_empty_list_clears() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let alex = env.companion("Alex").await;
    let stranger = env.companion("Stranger").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    let owner = env.owner.user.0;

    let empty = env.ok("get_todo_category_assignees", json!({"trip_id": trip})).await;
    assert_eq!(empty, json!({"categories": []}));
    let (out, changes) = env
        .call(
            "set_todo_category_assignees",
            json!({"trip_id": trip, "category_name": "Booking", "user_ids": [alex, owner]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "todo_category_assignees", ChangeAction::Updated);
    assert_eq!(out["assignees"].as_array().unwrap().len(), 2);
    env.ok(
        "set_todo_category_assignees",
        json!({"trip_id": trip, "category_name": "Food", "user_ids": [alex]}),
    )
    .await;
    let all = env.ok("get_todo_category_assignees", json!({"trip_id": trip})).await;
    let categories: Vec<&str> =
        all["categories"].as_array().unwrap().iter().map(|c| c["category"].as_str().unwrap()).collect();
    assert_eq!(categories, ["Booking", "Food"]);

    assert_invalid(
        &env.err(
            "set_todo_category_assignees",
            json!({"trip_id": trip, "category_name": "Food", "user_ids": [stranger]}),
        )
        .await,
        "user_ids",
    );
    let out = env
        .ok(
            "set_todo_category_assignees",
            json!({"trip_id": trip, "category_name": "Booking", "user_ids": []}),
        )
        .await;
    assert_eq!(out, json!({"category": "Booking", "assignees": []}));
    let all = env.ok("get_todo_category_assignees", json!({"trip_id": trip})).await;
    assert_eq!(all["categories"].as_array().unwrap().len(), 1);
    assert_eq!(
        env.int(format!("SELECT count(*) FROM todo_category_assignees WHERE trip_id = {trip}")).await,
        1
    );
}

#[tokio::test]
async fn collab_notes_are_listed_pinned_first_with_checked_colours() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let (first, changes) = env
        .call("create_collab_note", json!({"trip_id": trip, "title": "Packing ideas", "category": "Ideas"}))
        .await
        .unwrap();
    assert_changed(&changes, "collab_note", ChangeAction::Created);
    let tips = env
        .ok(
            "create_collab_note",
            json!({"trip_id": trip, "title": "Practical tips", "content": "Carry cash", "color": "#3B82F6", "pinned": true}),
        )
        .await;
    assert_eq!((tips["color"].as_str(), tips["pinned"].as_bool()), (Some("#3b82f6"), Some(true)));
    assert_eq!(tips["author_id"], env.owner.user.0);
    env.ok("create_collab_note", json!({"trip_id": trip, "title": "Later"})).await;
    let list = env.ok("list_collab_notes", json!({"trip_id": trip})).await;
    let titles: Vec<&str> =
        list["notes"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles[0], "Practical tips", "pinned first: {titles:?}");
    assert_eq!(titles.len(), 3);

    assert_invalid(
        &env.err("create_collab_note", json!({"trip_id": trip, "title": "x", "color": "blue"})).await,
        "color",
    );
    assert_invalid(&env.err("create_collab_note", json!({"trip_id": trip, "title": ""})).await, "title");

    let (out, changes) = env
        .call(
            "update_collab_note",
            json!({"trip_id": trip, "note_id": tips["id"], "pinned": false, "color": null, "content": "Cards work"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "collab_note", ChangeAction::Updated);
    assert_eq!(
        (out["pinned"].as_bool(), &out["color"], out["content"].as_str()),
        (Some(false), &Value::Null, Some("Cards work"))
    );
    env.ok("update_collab_note", json!({"trip_id": trip, "note_id": first["id"], "pinned": true})).await;
    let list = env.ok("list_collab_notes", json!({"trip_id": trip})).await;
    assert_eq!(list["notes"][0]["title"], "Packing ideas");

    let (out, changes) =
        env.call("delete_collab_note", json!({"trip_id": trip, "note_id": first["id"]})).await.unwrap();
    assert_eq!(out["deleted"], true);
    assert_changed(&changes, "collab_note", ChangeAction::Deleted);
    assert_not_found(
        &env.err("delete_collab_note", json!({"trip_id": trip, "note_id": first["id"]})).await,
        "collab note",
    );
}

#[tokio::test]
async fn todos_and_notes_of_other_trips_are_not_found() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let (other, _) = env.trip("2027-04-01").await;
    let (foreign, _) = env.foreign_trip().await;
    let item = todo(&env, trip, "A").await;
    let note = env.ok("create_collab_note", json!({"trip_id": trip, "title": "N"})).await;
    assert_not_found(&env.err("toggle_todo", json!({"trip_id": other, "item_id": item})).await, "to-do item");
    assert_not_found(
        &env.err("update_collab_note", json!({"trip_id": other, "note_id": note["id"], "title": "x"})).await,
        "collab note",
    );
    for (name, args) in [
        ("list_todos", json!({"trip_id": foreign})),
        ("create_todo", json!({"trip_id": foreign, "name": "x"})),
        ("get_todo_category_assignees", json!({"trip_id": foreign})),
        ("list_collab_notes", json!({"trip_id": foreign})),
        ("create_collab_note", json!({"trip_id": foreign, "title": "x"})),
    ] {
        assert_not_found(&env.err(name, args).await, "trip");
    }
    // A stranger cannot see the owner's trip.
    let stranger = env.companion("Eve").await;
    let err = env.call_as(stranger, "list_todos", json!({"trip_id": trip})).await.unwrap_err();
    assert_not_found(&err, "trip");
}
