//! Budget operations through the registry: items with exact decimal money at the trip
//! currency's precision (EUR cents, JPY whole yen), validation naming the field, members
//! limited to the trip, paid marks, per-person totals and the settlement, dense positions,
//! change events, the summary view, and other trips' items being not found.

use serde_json::{Value, json};
use trek::domain::{ChangeAction, Ctx, budget};
use trek::ops::OpError;
use trek::store::StoreError;

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};

/// A EUR trip with the owner and two companions as members: (trip, owner, bob, carol).
async fn trip_with_members(env: &Env) -> (i64, i64, i64, i64) {
    let (trip, _) = env.trip("2027-04-03").await;
    let bob = env.companion("Bob").await;
    let carol = env.companion("Carol").await;
    for user in [bob, carol] {
        env.ok("add_trip_member", json!({"trip_id": trip, "user_id": user})).await;
    }
    (trip, env.owner.user.0, bob, carol)
}

fn transfers(settlement: &Value) -> Vec<(i64, i64, String)> {
    settlement["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from_user_id"].as_i64().unwrap(),
                t["to_user_id"].as_i64().unwrap(),
                t["amount"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn person(per_person: &Value, user: i64) -> &Value {
    per_person["people"].as_array().unwrap().iter().find(|p| p["user_id"] == user).unwrap()
}

#[tokio::test]
async fn create_update_and_delete_an_item_with_exact_money() {
    let env = Env::new().await;
    let (trip, owner, bob, _) = trip_with_members(&env).await;
    let (item, changes) = env
        .call(
            "create_budget_item",
            json!({"trip_id": trip, "name": "Ryokan", "category": "Accommodation", "total_price": "480.5",
                   "persons": 2, "days": 3, "paid_by": owner, "note": "Two nights", "expense_date": "2027-04-01"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "budget_item", ChangeAction::Created);
    assert_eq!(item["total_price"], "480.50", "shown at the currency's precision");
    assert_eq!(item["currency"], "EUR");
    assert_eq!((item["per_person"].as_str(), item["per_day"].as_str()), (Some("240.25"), Some("160.17")));
    assert_eq!(item["per_person_per_day"], "80.08");
    assert_eq!(item["paid_by"], owner);
    assert!(!item["paid_by_name"].as_str().unwrap().is_empty());
    let id = item["id"].as_i64().unwrap();
    assert_eq!(env.int(format!("SELECT price_minor FROM budget_items WHERE id = {id}")).await, 48_050);
    assert_eq!(env.int(format!("SELECT price_scale FROM budget_items WHERE id = {id}")).await, 2);

    let (item, changes) = env
        .call(
            "update_budget_item",
            json!({"trip_id": trip, "item_id": id, "total_price": "12", "persons": null, "paid_by": bob,
                   "notes": null}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "budget_item", ChangeAction::Updated);
    assert_eq!(item["total_price"], "12.00");
    assert_eq!(item["persons"], Value::Null);
    assert_eq!(item["days"], 3, "omitted fields stay");
    assert_eq!(item["paid_by"], bob);
    assert_eq!(item["note"], Value::Null, "notes is accepted as an alias of note");
    assert_eq!(item["category"], "Accommodation");

    let (out, changes) =
        env.call("delete_budget_item", json!({"trip_id": trip, "item_id": id})).await.unwrap();
    assert_eq!(out, json!({"id": id, "deleted": true}));
    assert_changed(&changes, "budget_item", ChangeAction::Deleted);
    assert_not_found(
        &env.err("delete_budget_item", json!({"trip_id": trip, "item_id": id})).await,
        "budget item",
    );
}

#[tokio::test]
async fn positions_stay_dense_and_totals_add_up() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let mut ids = Vec::new();
    for (name, price) in [("A", "0.10"), ("B", "0.20"), ("C", "0.30"), ("D", "1")] {
        let item =
            env.ok("create_budget_item", json!({"trip_id": trip, "name": name, "total_price": price})).await;
        assert_eq!(item["category"], "Other", "default category");
        ids.push(item["id"].as_i64().unwrap());
    }
    let list = env.ok("list_budget_items", json!({"trip_id": trip})).await;
    assert_eq!(list["total"], "1.60", "0.10 + 0.20 + 0.30 + 1 is exact");
    env.ok("delete_budget_item", json!({"trip_id": trip, "item_id": ids[1]})).await;
    let list = env.ok("list_budget_items", json!({"trip_id": trip})).await;
    let positions: Vec<(String, i64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap().to_owned(), i["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(positions, [("A".into(), 0), ("C".into(), 1), ("D".into(), 2)]);
    assert_eq!(list["total"], "1.40");
}

#[tokio::test]
async fn yen_has_no_decimals() {
    let env = Env::new().await;
    let trip =
        env.ok("create_trip", json!({"title": "Tokyo", "currency": "JPY"})).await["id"].as_i64().unwrap();
    let item =
        env.ok("create_budget_item", json!({"trip_id": trip, "name": "Ramen", "total_price": "1200"})).await;
    assert_eq!((item["total_price"].as_str(), item["currency"].as_str()), (Some("1200"), Some("JPY")));
    assert_invalid(
        &env.err("create_budget_item", json!({"trip_id": trip, "name": "Tea", "total_price": "12.50"})).await,
        "total_price",
    );
}

#[tokio::test]
async fn budget_validation_names_the_field() {
    let env = Env::new().await;
    let (trip, _, _, _) = trip_with_members(&env).await;
    let stranger = env.companion("Stranger").await;
    let base = |extra: Value| {
        let mut args = json!({"trip_id": trip, "name": "Dinner", "total_price": "10.00"});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    let cases = [
        (json!({"name": " "}), "name"),
        (json!({"total_price": "12.345"}), "total_price"),
        (json!({"total_price": "-1"}), "total_price"),
        (json!({"total_price": "12,50"}), "total_price"),
        (json!({"total_price": ""}), "total_price"),
        (json!({"persons": 0}), "persons"),
        (json!({"days": 400}), "days"),
        (json!({"paid_by": stranger}), "paid_by"),
        (json!({"user_ids": [stranger]}), "user_ids"),
        (json!({"expense_date": "2027-13-01"}), "expense_date"),
        (json!({"category": "x".repeat(101)}), "category"),
    ];
    for (extra, field) in cases {
        assert_invalid(&env.err("create_budget_item", base(extra)).await, field);
    }
    // Money is never a float: the schema refuses a number.
    let err = env.err("create_budget_item", base(json!({"total_price": 10.5}))).await;
    assert!(matches!(err, OpError::InvalidArguments(ref m) if m.contains("total_price")), "{err:?}");
    assert_eq!(env.int(format!("SELECT count(*) FROM budget_items WHERE trip_id = {trip}")).await, 0);

    let id = env.ok("create_budget_item", base(json!({}))).await["id"].as_i64().unwrap();
    assert_invalid(
        &env.err("update_budget_item", json!({"trip_id": trip, "item_id": id, "total_price": "1.001"})).await,
        "total_price",
    );
    assert_invalid(
        &env.err("update_budget_item", json!({"trip_id": trip, "item_id": id, "paid_by": stranger})).await,
        "paid_by",
    );
    assert_invalid(
        &env.err("set_budget_item_members", json!({"trip_id": trip, "item_id": id, "user_ids": [stranger]}))
            .await,
        "user_ids",
    );
    let stored = env.ok("list_budget_items", json!({"trip_id": trip})).await;
    assert_eq!(stored["items"][0]["total_price"], "10.00", "a refused update changes nothing");
}

#[tokio::test]
async fn three_way_split_and_settlement() {
    let env = Env::new().await;
    let (trip, owner, bob, carol) = trip_with_members(&env).await;
    // The owner pays 10.00 for all three: Bob and Carol owe 3.33 each, the owner absorbs the cent.
    let item = env
        .ok(
            "create_budget_item",
            json!({"trip_id": trip, "name": "Taxi", "total_price": "10.00", "paid_by": owner,
                   "user_ids": [carol, bob, owner]}),
        )
        .await;
    let shares: Vec<(i64, String)> = item["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user_id"].as_i64().unwrap(), m["share"].as_str().unwrap().to_owned()))
        .collect();
    assert!(shares.contains(&(owner, "3.34".into())) && shares.contains(&(bob, "3.33".into())), "{shares:?}");
    let taxi = item["id"].as_i64().unwrap();
    // Bob pays 30.00 for himself and Carol.
    env.ok(
        "create_budget_item",
        json!({"trip_id": trip, "name": "Museum", "total_price": "30", "paid_by": bob, "user_ids": [bob, carol]}),
    )
    .await;
    // A plan nobody paid yet owes nothing.
    env.ok("create_budget_item", json!({"trip_id": trip, "name": "Hotel", "total_price": "300"})).await;

    let per = env.ok("get_budget_per_person", json!({"trip_id": trip})).await;
    assert_eq!((per["total"].as_str(), per["unsplit"].as_str()), (Some("340.00"), Some("300.00")));
    assert_eq!(person(&per, owner)["balance"], "6.66");
    assert_eq!(person(&per, bob)["balance"], "11.67");
    assert_eq!(person(&per, bob)["share"], "18.33");
    assert_eq!(person(&per, carol)["balance"], "-18.33");

    let settlement = env.ok("get_budget_settlement", json!({"trip_id": trip})).await;
    assert_eq!(transfers(&settlement), [(carol, bob, "11.67".into()), (carol, owner, "6.66".into())]);
    assert_eq!(settlement["settled"], false);
    assert_eq!(settlement["transfers"][0]["from_name"], "Carol");

    // Carol pays the owner back her taxi share: only her debt to Bob is left.
    let (item, changes) = env
        .call(
            "toggle_budget_member_paid",
            json!({"trip_id": trip, "item_id": taxi, "member_id": carol, "paid": true}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "budget_item", ChangeAction::Updated);
    let carol_row = item["members"].as_array().unwrap().iter().find(|m| m["user_id"] == carol).unwrap();
    assert_eq!(carol_row["paid"], true);
    let per = env.ok("get_budget_per_person", json!({"trip_id": trip})).await;
    assert_eq!(
        (person(&per, carol)["repaid"].as_str(), person(&per, owner)["received"].as_str()),
        (Some("3.33"), Some("3.33"))
    );
    let settlement = env.ok("get_budget_settlement", json!({"trip_id": trip})).await;
    assert_eq!(transfers(&settlement), [(carol, bob, "11.67".into()), (carol, owner, "3.33".into())]);

    // Everyone pays: settled. Omitting paid flips the mark.
    env.ok("toggle_budget_member_paid", json!({"trip_id": trip, "item_id": taxi, "member_id": bob})).await;
    let museum =
        env.ok("list_budget_items", json!({"trip_id": trip})).await["items"][1]["id"].as_i64().unwrap();
    env.ok("toggle_budget_member_paid", json!({"trip_id": trip, "item_id": museum, "member_id": carol}))
        .await;
    let settlement = env.ok("get_budget_settlement", json!({"trip_id": trip})).await;
    assert_eq!(settlement, json!({"trip_id": trip, "currency": "EUR", "transfers": [], "settled": true}));
}

#[tokio::test]
async fn setting_members_replaces_the_list_and_keeps_paid_marks() {
    let env = Env::new().await;
    let (trip, owner, bob, carol) = trip_with_members(&env).await;
    let id = env
        .ok(
            "create_budget_item",
            json!({"trip_id": trip, "name": "Dinner", "total_price": "60", "paid_by": owner, "user_ids": [owner, bob]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    env.ok(
        "toggle_budget_member_paid",
        json!({"trip_id": trip, "item_id": id, "member_id": bob, "paid": true}),
    )
    .await;
    let (item, changes) = env
        .call(
            "set_budget_item_members",
            json!({"trip_id": trip, "item_id": id, "user_ids": [bob, carol, carol]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "budget_item", ChangeAction::Updated);
    let members: Vec<(i64, bool, &str)> = item["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user_id"].as_i64().unwrap(), m["paid"].as_bool().unwrap(), m["share"].as_str().unwrap()))
        .collect();
    assert_eq!(members, [(bob, true, "30.00"), (carol, false, "30.00")]);
    assert_not_found(
        &env.err("toggle_budget_member_paid", json!({"trip_id": trip, "item_id": id, "member_id": owner}))
            .await,
        "budget item member",
    );
    env.ok("set_budget_item_members", json!({"trip_id": trip, "item_id": id, "user_ids": []})).await;
    assert_eq!(env.int(format!("SELECT count(*) FROM budget_item_members WHERE item_id = {id}")).await, 0);
}

#[tokio::test]
async fn other_trips_and_their_items_are_not_found() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let (other_trip, _) = env.trip("2027-04-02").await;
    assert_not_found(
        &env.err("create_budget_item", json!({"trip_id": foreign, "name": "X", "total_price": "1"})).await,
        "trip",
    );
    for op in ["list_budget_items", "get_budget_per_person", "get_budget_settlement"] {
        assert_not_found(&env.err(op, json!({"trip_id": foreign})).await, "trip");
    }
    let id = env
        .ok("create_budget_item", json!({"trip_id": other_trip, "name": "X", "total_price": "1"}))
        .await["id"]
        .as_i64()
        .unwrap();
    // An item id of another trip is not found under this trip.
    assert_not_found(
        &env.err("update_budget_item", json!({"trip_id": trip, "item_id": id, "name": "Y"})).await,
        "budget item",
    );
    assert_not_found(
        &env.err("delete_budget_item", json!({"trip_id": trip, "item_id": id})).await,
        "budget item",
    );
    assert_not_found(
        &env.err("set_budget_item_members", json!({"trip_id": trip, "item_id": id, "user_ids": []})).await,
        "budget item",
    );
    // A companion who is not a member of the trip cannot see it.
    let outsider = env.companion("Outsider").await;
    let err = env.call_as(outsider, "list_budget_items", json!({"trip_id": trip})).await.unwrap_err();
    assert_not_found(&err, "trip");
}

#[tokio::test]
async fn summary_view_has_items_totals_people_and_transfers() {
    let env = Env::new().await;
    let (trip, owner, bob, _) = trip_with_members(&env).await;
    env.ok(
        "create_budget_item",
        json!({"trip_id": trip, "name": "Dinner", "category": "Food", "total_price": "40", "paid_by": owner,
               "user_ids": [owner, bob]}),
    )
    .await;
    env.ok(
        "create_budget_item",
        json!({"trip_id": trip, "name": "Lunch", "category": "Food", "total_price": "15.5"}),
    )
    .await;
    env.ok(
        "create_budget_item",
        json!({"trip_id": trip, "name": "Train", "category": "Transport", "total_price": "7"}),
    )
    .await;
    let owner_actor = env.owner;
    let summary = env
        .store
        .read(move |c| {
            let cx = Ctx::new(c, owner_actor, NOW);
            Ok::<_, StoreError>(serde_json::to_value(budget::summary_for_trip(&cx, trip).unwrap()).unwrap())
        })
        .await
        .unwrap();
    assert_eq!(summary["total"], "62.50");
    assert_eq!(
        summary["by_category"],
        json!([{"category": "Food", "total": "55.50"}, {"category": "Transport", "total": "7.00"}])
    );
    assert_eq!(summary["items"].as_array().unwrap().len(), 3);
    assert_eq!(summary["items"][0]["members"].as_array().unwrap().len(), 2);
    assert_eq!(summary["transfers"][0]["amount"], "20.00");
    assert_eq!(summary["transfers"][0]["from_user_id"], bob);
    assert_eq!(summary["people"].as_array().unwrap().len(), 3, "every trip member appears");
}
