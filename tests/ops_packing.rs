//! Packing operations through the registry: items (defaults, validation naming the field,
//! toggle, delete), dense positions under delete and reorder, bulk import of "2x socks"
//! lines and items with bags, the template round trip (save, apply unchecked, duplicates
//! skipped), bags (members limited to the trip, delete unassigns items), category
//! assignees, change events, the summary view and other trips being not found.

use serde_json::{Value, json};
use trek::domain::{ChangeAction, Ctx, packing};
use trek::store::StoreError;

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};

fn names_and_positions(list: &Value) -> Vec<(String, i64)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap().to_owned(), i["position"].as_i64().unwrap()))
        .collect()
}

async fn item(env: &Env, trip: i64, name: &str) -> i64 {
    env.ok("create_packing_item", json!({"trip_id": trip, "name": name})).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn create_update_toggle_and_delete_an_item() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (created, changes) =
        env.call("create_packing_item", json!({"trip_id": trip, "name": " Passport "})).await.unwrap();
    assert_changed(&changes, "packing_item", ChangeAction::Created);
    assert_eq!(
        (created["name"].as_str(), created["category"].as_str(), created["quantity"].as_i64()),
        (Some("Passport"), Some("General"), Some(1))
    );
    assert_eq!(created["checked"], false);
    let id = created["id"].as_i64().unwrap();

    let (updated, changes) = env
        .call(
            "update_packing_item",
            json!({"trip_id": trip, "item_id": id, "category": "Documents", "quantity": 2}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "packing_item", ChangeAction::Updated);
    assert_eq!((updated["category"].as_str(), updated["quantity"].as_i64()), (Some("Documents"), Some(2)));
    assert_eq!(updated["name"], "Passport", "omitted fields stay");

    let toggled = env.ok("toggle_packing_item", json!({"trip_id": trip, "item_id": id})).await;
    assert_eq!(toggled["checked"], true, "omitting checked flips it");
    let toggled =
        env.ok("toggle_packing_item", json!({"trip_id": trip, "item_id": id, "checked": true})).await;
    assert_eq!(toggled["checked"], true, "an explicit value is kept");
    let list = env.ok("list_packing_items", json!({"trip_id": trip})).await;
    assert_eq!((list["total"].as_i64(), list["checked"].as_i64()), (Some(1), Some(1)));

    let (out, changes) =
        env.call("delete_packing_item", json!({"trip_id": trip, "item_id": id})).await.unwrap();
    assert_eq!(out, json!({"id": id, "deleted": true}));
    assert_changed(&changes, "packing_item", ChangeAction::Deleted);
    assert_not_found(
        &env.err("toggle_packing_item", json!({"trip_id": trip, "item_id": id})).await,
        "packing item",
    );
}

#[tokio::test]
async fn packing_validation_names_the_field() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let cases = [
        (json!({"trip_id": trip, "name": ""}), "name"),
        (json!({"trip_id": trip, "name": "x".repeat(201)}), "name"),
        (json!({"trip_id": trip, "name": "Socks", "quantity": 0}), "quantity"),
        (json!({"trip_id": trip, "name": "Socks", "quantity": 1000}), "quantity"),
        (json!({"trip_id": trip, "name": "Socks", "category": "c".repeat(101)}), "category"),
    ];
    for (args, field) in cases {
        assert_invalid(&env.err("create_packing_item", args).await, field);
    }
    assert_not_found(
        &env.err("create_packing_item", json!({"trip_id": trip, "name": "Socks", "bag_id": 999})).await,
        "packing bag",
    );
    assert_invalid(
        &env.err("create_packing_bag", json!({"trip_id": trip, "name": "Bag", "color": "blue"})).await,
        "color",
    );
    assert_invalid(
        &env.err("bulk_import_packing", json!({"trip_id": trip, "items": ["0x socks"]})).await,
        "items",
    );
    assert_invalid(
        &env.err("bulk_import_packing", json!({"trip_id": trip, "items": ["", "  "]})).await,
        "items",
    );
    assert_invalid(
        &env.err("save_packing_template", json!({"trip_id": trip, "template_name": "Empty"})).await,
        "trip_id",
    );
    let id = item(&env, trip, "Socks").await;
    assert_invalid(
        &env.err("reorder_packing_items", json!({"trip_id": trip, "ordered_ids": [id, id]})).await,
        "ordered_ids",
    );
    assert_invalid(
        &env.err("save_packing_template", json!({"trip_id": trip, "template_name": " "})).await,
        "template_name",
    );
    assert_eq!(env.int(format!("SELECT count(*) FROM packing_items WHERE trip_id = {trip}")).await, 1);
}

#[tokio::test]
async fn positions_stay_dense_under_delete_and_reorder() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let mut ids = Vec::new();
    for name in ["A", "B", "C", "D", "E"] {
        ids.push(item(&env, trip, name).await);
    }
    env.ok("delete_packing_item", json!({"trip_id": trip, "item_id": ids[1]})).await;
    let list = env.ok("list_packing_items", json!({"trip_id": trip})).await;
    assert_eq!(
        names_and_positions(&list),
        [("A".into(), 0), ("C".into(), 1), ("D".into(), 2), ("E".into(), 3)]
    );

    // Listed ids first, the rest keep their order after them.
    let (list, changes) = env
        .call("reorder_packing_items", json!({"trip_id": trip, "ordered_ids": [ids[4], ids[2]]}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_item", ChangeAction::Updated);
    assert_eq!(
        names_and_positions(&list),
        [("E".into(), 0), ("C".into(), 1), ("A".into(), 2), ("D".into(), 3)]
    );
    assert_not_found(
        &env.err("reorder_packing_items", json!({"trip_id": trip, "ordered_ids": [ids[1]]})).await,
        "packing item",
    );
    let stored = env.ok("list_packing_items", json!({"trip_id": trip})).await;
    assert_eq!(names_and_positions(&stored), names_and_positions(&list), "a refused reorder changes nothing");
}

#[tokio::test]
async fn bulk_import_reads_quantities_and_bags() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let (out, changes) = env
        .call(
            "bulk_import_packing",
            json!({"trip_id": trip, "category": "Clothes",
                   "items": ["2x socks", "T-shirt x3\n- Hat", {"name": "Charger", "category": "Electronics",
                             "bag": "Carry-on", "checked": true}, {"name": "Adapter", "bag": "carry-on"}]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "packing_item", ChangeAction::Created);
    assert_changed(&changes, "packing_bag", ChangeAction::Created);
    assert_eq!(out["count"], 5);
    let rows: Vec<(&str, &str, i64, bool)> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap(),
                i["category"].as_str().unwrap(),
                i["quantity"].as_i64().unwrap(),
                i["checked"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("socks", "Clothes", 2, false),
            ("T-shirt", "Clothes", 3, false),
            ("Hat", "Clothes", 1, false),
            ("Charger", "Electronics", 1, true),
            ("Adapter", "Clothes", 1, false),
        ]
    );
    // One bag, found by name without regard to case.
    let bags = env.ok("list_packing_bags", json!({"trip_id": trip})).await;
    assert_eq!(bags["bags"].as_array().unwrap().len(), 1);
    assert_eq!(bags["bags"][0]["item_count"], 2);
    assert_eq!(out["items"][4]["bag_name"], "Carry-on");
}

#[tokio::test]
async fn template_round_trip_adds_unchecked_and_skips_duplicates() {
    let env = Env::new().await;
    let (first, _) = env.trip("2027-04-03").await;
    env.ok(
        "bulk_import_packing",
        json!({"trip_id": first, "items": ["Passport", "3x socks", {"name": "Charger", "category": "Electronics"}]}),
    )
    .await;
    let passport =
        env.ok("list_packing_items", json!({"trip_id": first})).await["items"][0]["id"].as_i64().unwrap();
    env.ok("toggle_packing_item", json!({"trip_id": first, "item_id": passport, "checked": true})).await;
    let (template, changes) = env
        .call("save_packing_template", json!({"trip_id": first, "template_name": "City break"}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_template", ChangeAction::Created);
    assert_eq!(template["item_count"], 3);
    let template_id = template["id"].as_i64().unwrap();
    let templates = env.ok("list_packing_templates", json!({})).await;
    assert_eq!(templates["templates"], json!([{"id": template_id, "name": "City break", "item_count": 3}]));

    let (second, _) = env.trip("2027-05-03").await;
    env.ok("create_packing_item", json!({"trip_id": second, "name": "passport"})).await;
    let (applied, changes) = env
        .call("apply_packing_template", json!({"trip_id": second, "template_id": template_id}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_item", ChangeAction::Created);
    assert_eq!((applied["count"].as_i64(), applied["skipped"].as_i64()), (Some(2), Some(1)));
    let list = env.ok("list_packing_items", json!({"trip_id": second})).await;
    let rows: Vec<(&str, &str, i64, bool, i64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap(),
                i["category"].as_str().unwrap(),
                i["quantity"].as_i64().unwrap(),
                i["checked"].as_bool().unwrap(),
                i["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("passport", "General", 1, false, 0),
            ("socks", "General", 3, false, 1),
            ("Charger", "Electronics", 1, false, 2)
        ]
    );
    // Applying again adds nothing.
    let again =
        env.ok("apply_packing_template", json!({"trip_id": second, "template_id": template_id})).await;
    assert_eq!((again["count"].as_i64(), again["skipped"].as_i64()), (Some(0), Some(3)));

    // Saving under the same name replaces the template.
    let (replaced, changes) = env
        .call("save_packing_template", json!({"trip_id": second, "template_name": "City break"}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_template", ChangeAction::Updated);
    assert_eq!((replaced["id"].as_i64(), replaced["item_count"].as_i64()), (Some(template_id), Some(3)));

    // Another user's template is not found.
    let other = env.companion("Alex").await;
    env.ok("add_trip_member", json!({"trip_id": second, "user_id": other})).await;
    let err = env
        .call_as(other, "apply_packing_template", json!({"trip_id": second, "template_id": template_id}))
        .await;
    assert_not_found(&err.unwrap_err(), "packing template");
}

#[tokio::test]
async fn bags_members_and_deleting_a_bag_unassigns_its_items() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let bob = env.companion("Bob").await;
    let stranger = env.companion("Stranger").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": bob})).await;
    let (bag, changes) = env
        .call("create_packing_bag", json!({"trip_id": trip, "name": "Carry-on", "color": "#3B82F6"}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_bag", ChangeAction::Created);
    assert_eq!(bag["color"], "#3b82f6");
    let bag_id = bag["id"].as_i64().unwrap();
    let bag =
        env.ok("update_packing_bag", json!({"trip_id": trip, "bag_id": bag_id, "name": "Backpack"})).await;
    assert_eq!((bag["name"].as_str(), bag["color"].as_str()), (Some("Backpack"), Some("#3b82f6")));

    let (bag, changes) = env
        .call("set_bag_members", json!({"trip_id": trip, "bag_id": bag_id, "user_ids": [bob]}))
        .await
        .unwrap();
    assert_changed(&changes, "packing_bag", ChangeAction::Updated);
    assert_eq!(bag["members"], json!([{"user_id": bob, "name": "Bob"}]));
    assert_invalid(
        &env.err("set_bag_members", json!({"trip_id": trip, "bag_id": bag_id, "user_ids": [stranger]})).await,
        "user_ids",
    );

    let socks = env
        .ok("create_packing_item", json!({"trip_id": trip, "name": "Socks", "bag_id": bag_id}))
        .await["id"]
        .as_i64()
        .unwrap();
    let (_, changes) =
        env.call("delete_packing_bag", json!({"trip_id": trip, "bag_id": bag_id})).await.unwrap();
    assert_changed(&changes, "packing_bag", ChangeAction::Deleted);
    assert_changed(&changes, "packing_item", ChangeAction::Updated);
    let list = env.ok("list_packing_items", json!({"trip_id": trip})).await;
    assert_eq!(list["items"][0]["id"], socks, "the item stays");
    assert_eq!(list["items"][0]["bag_id"], Value::Null);
    assert_eq!(env.int(format!("SELECT count(*) FROM packing_bag_members WHERE bag_id = {bag_id}")).await, 0);
    assert_not_found(
        &env.err("delete_packing_bag", json!({"trip_id": trip, "bag_id": bag_id})).await,
        "packing bag",
    );
}

#[tokio::test]
async fn category_assignees_are_trip_members() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let bob = env.companion("Bob").await;
    let stranger = env.companion("Stranger").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": bob})).await;
    env.ok("create_packing_item", json!({"trip_id": trip, "name": "Charger", "category": "Electronics"}))
        .await;
    env.ok("create_packing_item", json!({"trip_id": trip, "name": "Socks", "category": "Clothes"})).await;
    let (out, changes) = env
        .call(
            "set_packing_category_assignees",
            json!({"trip_id": trip, "category_name": "Electronics", "user_ids": [bob]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "packing_category_assignees", ChangeAction::Updated);
    let expected = json!({"categories": [
        {"category": "Clothes", "assignees": []},
        {"category": "Electronics", "assignees": [{"user_id": bob, "name": "Bob"}]}
    ]});
    assert_eq!(out, expected);
    assert_eq!(env.ok("get_packing_category_assignees", json!({"trip_id": trip})).await, expected);
    assert_invalid(
        &env.err(
            "set_packing_category_assignees",
            json!({"trip_id": trip, "category_name": "Clothes", "user_ids": [stranger]}),
        )
        .await,
        "user_ids",
    );
    assert_invalid(
        &env.err(
            "set_packing_category_assignees",
            json!({"trip_id": trip, "category_name": "", "user_ids": []}),
        )
        .await,
        "category_name",
    );
}

#[tokio::test]
async fn other_trips_and_their_items_are_not_found() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let (other, _) = env.trip("2027-04-02").await;
    for (op, args) in [
        ("list_packing_items", json!({"trip_id": foreign})),
        ("list_packing_bags", json!({"trip_id": foreign})),
        ("get_packing_category_assignees", json!({"trip_id": foreign})),
        ("create_packing_item", json!({"trip_id": foreign, "name": "X"})),
        ("bulk_import_packing", json!({"trip_id": foreign, "items": ["X"]})),
        ("create_packing_bag", json!({"trip_id": foreign, "name": "X"})),
    ] {
        assert_not_found(&env.err(op, args).await, "trip");
    }
    let theirs = item(&env, other, "Theirs").await;
    let bag = env.ok("create_packing_bag", json!({"trip_id": other, "name": "Theirs"})).await["id"]
        .as_i64()
        .unwrap();
    assert_not_found(
        &env.err("update_packing_item", json!({"trip_id": trip, "item_id": theirs, "name": "Mine"})).await,
        "packing item",
    );
    assert_not_found(
        &env.err("delete_packing_item", json!({"trip_id": trip, "item_id": theirs})).await,
        "packing item",
    );
    assert_not_found(
        &env.err("create_packing_item", json!({"trip_id": trip, "name": "X", "bag_id": bag})).await,
        "packing bag",
    );
    assert_not_found(
        &env.err("set_bag_members", json!({"trip_id": trip, "bag_id": bag, "user_ids": []})).await,
        "packing bag",
    );
    let outsider = env.companion("Outsider").await;
    assert_not_found(
        &env.call_as(outsider, "list_packing_items", json!({"trip_id": trip})).await.unwrap_err(),
        "trip",
    );
}

#[tokio::test]
async fn summary_view_has_items_bags_and_counts() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let bag = env.ok("create_packing_bag", json!({"trip_id": trip, "name": "Carry-on"})).await["id"]
        .as_i64()
        .unwrap();
    env.ok(
        "create_packing_item",
        json!({"trip_id": trip, "name": "Charger", "category": "Electronics", "bag_id": bag}),
    )
    .await;
    let socks = item(&env, trip, "Socks").await;
    env.ok("toggle_packing_item", json!({"trip_id": trip, "item_id": socks})).await;
    let owner = env.owner;
    let summary = env
        .store
        .read(move |c| {
            let cx = Ctx::new(c, owner, NOW);
            Ok::<_, StoreError>(serde_json::to_value(packing::summary_for_trip(&cx, trip).unwrap()).unwrap())
        })
        .await
        .unwrap();
    assert_eq!((summary["total"].as_i64(), summary["checked"].as_i64()), (Some(2), Some(1)));
    assert_eq!(summary["items"][0]["bag_name"], "Carry-on");
    assert_eq!(summary["bags"][0]["item_count"], 1);
    assert_eq!(summary["categories"].as_array().unwrap().len(), 2);
}
