//! Accommodations and reservations through the registry: reservations created pending, type and
//! status validated, day found from the date, dense positions per day under create, reorder,
//! move and delete; hotels creating or linking accommodations, link_hotel_accommodation,
//! delete_reservation removing its accommodation; accommodations by day id or date with
//! check-out after check-in; change events; ids from another trip and other users' trips.

use serde_json::{Value, json};
use trek::domain::ChangeAction;
use trek::ops::OpError;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

/// A 5-day trip (2027-04-01 … 04-05) with a hotel place; returns (trip, days, place).
async fn trip_with_hotel(env: &Env) -> (i64, Vec<i64>, i64) {
    let (trip, days) = env.trip("2027-04-05").await;
    let place = env.ok("create_place", json!({"trip_id": trip, "name": "Hotel Granvia"})).await;
    (trip, days, place["id"].as_i64().unwrap())
}

/// The error of a call as `user` that must fail.
pub async fn err_as(env: &Env, user: i64, name: &str, args: Value) -> OpError {
    match env.call_as(user, name, args.clone()).await {
        Ok((value, _)) => panic!("{name} {args} succeeded with {value}"),
        Err(e) => e,
    }
}

fn ids(list: &Value) -> Vec<i64> {
    list["reservations"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

/// The reservation ids of a day in order, with positions checked to be 0, 1, 2, ….
async fn day_order(env: &Env, trip: i64, day: i64) -> Vec<i64> {
    let list = env.ok("list_reservations", json!({"trip_id": trip, "day_id": day})).await;
    for (i, r) in list["reservations"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["position"], i as i64, "positions must be dense: {list}");
    }
    ids(&list)
}

#[tokio::test]
async fn reservations_are_created_pending_on_the_day_of_their_date() {
    let env = Env::new().await;
    let (trip, days, _) = trip_with_hotel(&env).await;
    let (r, changes) = env
        .call(
            "create_reservation",
            json!({"trip_id": trip, "type": "restaurant", "title": "Gion Karyo",
                   "reservation_time": "2027-04-02T19:30", "reservation_end_time": "21:30",
                   "price": "120.50", "confirmation_number": "GK-1", "location": "Gion"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "reservation", ChangeAction::Created);
    assert_eq!(r["status"], "pending");
    assert_eq!(r["type"], "restaurant");
    assert_eq!(r["day_id"], days[1]);
    assert_eq!((r["date"].as_str(), r["time"].as_str()), (Some("2027-04-02"), Some("19:30")));
    assert_eq!(r["end_time"], "21:30");
    assert_eq!((r["price"].as_str(), r["currency"].as_str()), (Some("120.50"), Some("EUR")));
    // A bare time with a day takes the day's date.
    let r = env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "tour", "title": "Walk", "day_id": days[2], "reservation_time": "09:00"}),
        )
        .await;
    assert_eq!(r["date"], "2027-04-03");

    let (r, changes) = env
        .call(
            "update_reservation",
            json!({"trip_id": trip, "reservation_id": r["id"], "status": "confirmed", "price": "30"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "reservation", ChangeAction::Updated);
    assert_eq!((r["status"].as_str(), r["price"].as_str()), (Some("confirmed"), Some("30")));
    let r = env
        .ok("update_reservation", json!({"trip_id": trip, "reservation_id": r["id"], "price": null}))
        .await;
    assert_eq!(r["price"], Value::Null);
    assert_eq!(r["title"], "Walk", "omitted fields stay");
}

#[tokio::test]
async fn reservation_fields_are_validated_by_name() {
    let env = Env::new().await;
    let (trip, days, _) = trip_with_hotel(&env).await;
    let base = |extra: Value| {
        let mut args = json!({"trip_id": trip, "type": "flight", "title": "LH 716"});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    // Unknown type and status are refused by deserialization, naming the field.
    let err = env.err("create_reservation", base(json!({"type": "spaceship"}))).await.to_string();
    assert!(err.contains("type"), "{err}");
    let r = env.ok("create_reservation", base(json!({}))).await;
    let err = env
        .err("update_reservation", json!({"trip_id": trip, "reservation_id": r["id"], "status": "maybe"}))
        .await
        .to_string();
    assert!(err.contains("status"), "{err}");
    assert_invalid(&env.err("create_reservation", base(json!({"title": " "}))).await, "title");
    assert_invalid(&env.err("create_reservation", base(json!({"price": "12,50"}))).await, "price");
    assert_invalid(
        &env.err("create_reservation", base(json!({"reservation_time": "tomorrow"}))).await,
        "reservation_time",
    );
    assert_invalid(
        &env.err(
            "create_reservation",
            base(json!({"reservation_time": "2027-04-02T10:00", "reservation_end_time": "09:00"})),
        )
        .await,
        "reservation_end_time",
    );
    assert_invalid(
        &env.err(
            "create_reservation",
            base(json!({"day_id": days[0], "reservation_time": "2027-04-03T10:00"})),
        )
        .await,
        "day_id",
    );
    // Hotel-only arguments on a flight.
    assert_invalid(
        &env.err("create_reservation", base(json!({"start_day_id": days[0], "end_day_id": days[1]}))).await,
        "start_day_id",
    );
    // An overnight flight ends on a later date.
    let r = env
        .ok(
            "create_reservation",
            base(json!({"reservation_time": "2027-04-01T22:00", "reservation_end_time": "2027-04-02T06:00"})),
        )
        .await;
    assert_eq!((r["end_date"].as_str(), r["end_time"].as_str()), (Some("2027-04-02"), Some("06:00")));
}

#[tokio::test]
async fn positions_stay_dense_per_day_under_reorder_move_and_delete() {
    let env = Env::new().await;
    let (trip, days, _) = trip_with_hotel(&env).await;
    let mut made = Vec::new();
    for title in ["A", "B", "C"] {
        let r = env
            .ok(
                "create_reservation",
                json!({"trip_id": trip, "type": "event", "title": title, "day_id": days[0]}),
            )
            .await;
        made.push(r["id"].as_i64().unwrap());
    }
    let [a, b, c] = [made[0], made[1], made[2]];
    assert_eq!(day_order(&env, trip, days[0]).await, [a, b, c]);

    let (out, changes) = env
        .call(
            "reorder_reservations",
            json!({"trip_id": trip, "day_id": days[0], "reservation_ids": [c, a, b]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "reservation", ChangeAction::Updated);
    assert_eq!(ids(&out), [c, a, b]);
    assert_eq!(day_order(&env, trip, days[0]).await, [c, a, b]);
    for bad in [json!([c, a]), json!([c, a, a]), json!([c, a, b, 999])] {
        assert_invalid(
            &env.err(
                "reorder_reservations",
                json!({"trip_id": trip, "day_id": days[0], "reservation_ids": bad}),
            )
            .await,
            "reservation_ids",
        );
    }

    // Moving to another day puts it last there; the old day closes ranks.
    let moved =
        env.ok("update_reservation", json!({"trip_id": trip, "reservation_id": a, "day_id": days[1]})).await;
    assert_eq!((moved["position"].as_i64(), moved["date"].as_str()), (Some(0), Some("2027-04-02")));
    assert_eq!(day_order(&env, trip, days[0]).await, [c, b]);

    let (out, changes) =
        env.call("delete_reservation", json!({"trip_id": trip, "reservation_id": c})).await.unwrap();
    assert_eq!(out, json!({"id": c, "deleted": true}));
    assert_changed(&changes, "reservation", ChangeAction::Deleted);
    assert_eq!(day_order(&env, trip, days[0]).await, [b]);
    assert_not_found(
        &env.err("delete_reservation", json!({"trip_id": trip, "reservation_id": c})).await,
        "reservation",
    );
}

#[tokio::test]
async fn hotel_reservations_create_link_and_delete_their_accommodation() {
    let env = Env::new().await;
    let (trip, days, place) = trip_with_hotel(&env).await;
    let (hotel, changes) = env
        .call(
            "create_reservation",
            json!({"trip_id": trip, "type": "hotel", "title": "Granvia", "place_id": place,
                   "start_day_id": days[0], "end_day_id": days[3], "check_in": "15:00", "check_out": "11:00",
                   "confirmation_number": "HX-1"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "reservation", ChangeAction::Created);
    assert_changed(&changes, "accommodation", ChangeAction::Created);
    assert_eq!(hotel["day_id"], days[0], "a stay shows on its check-in day");
    let accommodation = hotel["accommodation_id"].as_i64().unwrap();
    let stays = env.int(format!("SELECT count(*) FROM accommodations WHERE id = {accommodation}")).await;
    assert_eq!(stays, 1);
    let confirmation = env
        .int(format!(
            "SELECT count(*) FROM accommodations WHERE id = {accommodation} AND confirmation = 'HX-1'"
        ))
        .await;
    assert_eq!(confirmation, 1, "the stay carries the booking's confirmation");

    // Check-out before check-in, and an incomplete stay, are refused by name.
    let hotel_args = |extra: Value| {
        let mut args = json!({"trip_id": trip, "type": "hotel", "title": "Other", "place_id": place});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    assert_invalid(
        &env.err("create_reservation", hotel_args(json!({"start_day_id": days[2], "end_day_id": days[1]})))
            .await,
        "end_day_id",
    );
    assert_invalid(
        &env.err("create_reservation", hotel_args(json!({"start_day_id": days[2]}))).await,
        "end_day_id",
    );

    // Linking updates the existing stay.
    let (link, changes) = env
        .call(
            "link_hotel_accommodation",
            json!({"trip_id": trip, "reservation_id": hotel["id"], "place_id": place,
                   "start_day_id": days[1], "end_day_id": days[4]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "accommodation", ChangeAction::Updated);
    assert_eq!(link["accommodation"]["id"], accommodation);
    assert_eq!(
        (link["accommodation"]["start_date"].as_str(), link["accommodation"]["end_date"].as_str()),
        (Some("2027-04-02"), Some("2027-04-05"))
    );
    assert_eq!(link["accommodation"]["check_in"], "15:00", "omitted times are kept");
    assert_eq!(link["accommodation"]["reservation_id"], hotel["id"]);

    // Only hotels can be linked.
    let dinner =
        env.ok("create_reservation", json!({"trip_id": trip, "type": "restaurant", "title": "Dinner"})).await;
    assert_invalid(
        &env.err(
            "link_hotel_accommodation",
            json!({"trip_id": trip, "reservation_id": dinner["id"], "place_id": place,
                   "start_day_id": days[0], "end_day_id": days[1]}),
        )
        .await,
        "reservation_id",
    );

    // Deleting the reservation deletes its accommodation.
    let (_, changes) = env
        .call("delete_reservation", json!({"trip_id": trip, "reservation_id": hotel["id"]}))
        .await
        .unwrap();
    assert_changed(&changes, "reservation", ChangeAction::Deleted);
    assert_changed(&changes, "accommodation", ChangeAction::Deleted);
    assert_eq!(env.int(format!("SELECT count(*) FROM accommodations WHERE id = {accommodation}")).await, 0);
}

#[tokio::test]
async fn a_hotel_without_a_stay_can_be_linked_later_or_link_an_existing_one() {
    let env = Env::new().await;
    let (trip, days, place) = trip_with_hotel(&env).await;
    let hotel =
        env.ok("create_reservation", json!({"trip_id": trip, "type": "hotel", "title": "Ryokan"})).await;
    assert_eq!(hotel["accommodation_id"], Value::Null);
    let (link, changes) = env
        .call(
            "link_hotel_accommodation",
            json!({"trip_id": trip, "reservation_id": hotel["id"], "place_id": place,
                   "start_day_id": days[0], "end_day_id": days[2], "check_in": "16:00"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "accommodation", ChangeAction::Created);
    assert_eq!(link["reservation"]["place_id"], place);
    assert_eq!(link["reservation"]["accommodation_id"], link["accommodation"]["id"]);

    let stay = env
        .ok(
            "create_accommodation",
            json!({"trip_id": trip, "place_id": place, "start_date": "2027-04-03", "end_date": "2027-04-05"}),
        )
        .await;
    let linked = env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "hotel", "title": "Second stay", "accommodation_id": stay["id"]}),
        )
        .await;
    assert_eq!(
        (linked["accommodation_id"].as_i64(), linked["day_id"].as_i64()),
        (stay["id"].as_i64(), Some(days[2]))
    );
    // An accommodation belongs to one reservation at most.
    let err = env
        .err(
            "create_reservation",
            json!({"trip_id": trip, "type": "hotel", "title": "Dup", "accommodation_id": stay["id"]}),
        )
        .await;
    assert!(err.to_string().contains("already belongs"), "{err}");
}

#[tokio::test]
async fn accommodations_take_day_ids_or_dates_and_check_out_after_check_in() {
    let env = Env::new().await;
    let (trip, days, place) = trip_with_hotel(&env).await;
    let (stay, changes) = env
        .call(
            "create_accommodation",
            json!({"trip_id": trip, "place_id": place, "start_day_id": days[0], "end_date": "2027-04-03",
                   "check_in": "15:00", "confirmation": "BK-1", "notes": "Late arrival"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "accommodation", ChangeAction::Created);
    assert_eq!((stay["start_day_id"].as_i64(), stay["end_day_id"].as_i64()), (Some(days[0]), Some(days[2])));
    assert_eq!(stay["place_name"], "Hotel Granvia");

    let args = |extra: Value| {
        let mut args = json!({"trip_id": trip, "place_id": place});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    assert_invalid(
        &env.err("create_accommodation", args(json!({"start_day_id": days[2], "end_day_id": days[2]}))).await,
        "end_day_id",
    );
    assert_invalid(
        &env.err("create_accommodation", args(json!({"start_date": "2027-04-04", "end_date": "2027-04-02"})))
            .await,
        "end_date",
    );
    assert_invalid(
        &env.err("create_accommodation", args(json!({"start_date": "2027-05-01", "end_day_id": days[1]})))
            .await,
        "start_date",
    );
    assert_invalid(
        &env.err("create_accommodation", args(json!({"end_day_id": days[1]}))).await,
        "start_day_id",
    );
    assert_invalid(
        &env.err(
            "create_accommodation",
            args(json!({"start_day_id": days[0], "end_day_id": days[1], "check_in": "3pm"})),
        )
        .await,
        "check_in",
    );

    let (out, changes) = env
        .call(
            "update_accommodation",
            json!({"trip_id": trip, "accommodation_id": stay["id"], "end_day_id": days[4], "notes": null}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "accommodation", ChangeAction::Updated);
    assert_eq!((out["end_date"].as_str(), &out["notes"]), (Some("2027-04-05"), &Value::Null));
    assert_eq!(out["confirmation"], "BK-1");
    assert_invalid(
        &env.err(
            "update_accommodation",
            json!({"trip_id": trip, "accommodation_id": stay["id"], "start_day_id": days[4]}),
        )
        .await,
        "end_day_id",
    );

    let (out, changes) = env
        .call("delete_accommodation", json!({"trip_id": trip, "accommodation_id": stay["id"]}))
        .await
        .unwrap();
    assert_eq!(out["deleted"], true);
    assert_changed(&changes, "accommodation", ChangeAction::Deleted);
}

#[tokio::test]
async fn ids_must_belong_to_the_trip_and_strangers_see_nothing() {
    let env = Env::new().await;
    let (trip, days, place) = trip_with_hotel(&env).await;
    let (other, _) = env.trip("2027-04-02").await;
    let (foreign, foreign_day) = env.foreign_trip().await;
    let r = env.ok("create_reservation", json!({"trip_id": trip, "type": "car", "title": "Rental"})).await;

    // A reservation of one trip is not found through another.
    assert_not_found(
        &env.err("update_reservation", json!({"trip_id": other, "reservation_id": r["id"], "title": "x"}))
            .await,
        "reservation",
    );
    // Days and places of another trip are not found.
    let other_days = env.ok("get_trip_summary", json!({"trip_id": other})).await;
    let other_day = other_days["days"][0]["id"].as_i64().unwrap();
    assert_not_found(
        &env.err(
            "create_reservation",
            json!({"trip_id": trip, "type": "car", "title": "x", "day_id": other_day}),
        )
        .await,
        "day",
    );
    assert_not_found(
        &env.err(
            "create_accommodation",
            json!({"trip_id": other, "place_id": place, "start_day_id": other_day, "end_day_id": other_day}),
        )
        .await,
        "place",
    );
    // Another user's trip is invisible.
    assert_not_found(&env.err("list_reservations", json!({"trip_id": foreign})).await, "trip");
    assert_not_found(
        &env.err(
            "create_reservation",
            json!({"trip_id": foreign, "type": "car", "title": "x", "day_id": foreign_day}),
        )
        .await,
        "trip",
    );
    // The trip's owner is not a member of a stranger's trip, and the stranger cannot see ours.
    let stranger = env.companion("Eve").await;
    assert_not_found(&err_as(&env, stranger, "list_reservations", json!({"trip_id": trip})).await, "trip");
    assert_not_found(
        &err_as(&env, stranger, "delete_reservation", json!({"trip_id": trip, "reservation_id": r["id"]}))
            .await,
        "trip",
    );
    // A member may plan.
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": stranger})).await;
    let (_, _) = env
        .call_as(
            stranger,
            "create_reservation",
            json!({"trip_id": trip, "type": "train", "title": "Shinkansen", "day_id": days[1]}),
        )
        .await
        .unwrap();
    let all = env.ok("list_reservations", json!({"trip_id": trip})).await;
    assert_eq!(all["reservations"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn stays_removed_with_their_place_or_day_are_announced() {
    let env = Env::new().await;
    let (trip, days, hotel) = trip_with_hotel(&env).await;
    let reservation = env
        .ok(
            "create_reservation",
            json!({"trip_id": trip, "type": "hotel", "title": "Granvia", "place_id": hotel,
                   "start_day_id": days[0], "end_day_id": days[2]}),
        )
        .await;
    let stay = env
        .ok(
            "create_accommodation",
            json!({"trip_id": trip, "place_id": hotel, "start_day_id": days[1], "end_day_id": days[2]}),
        )
        .await;

    // Deleting the check-out day takes both stays with it; both are announced.
    let (_, changes) = env.call("delete_day", json!({"trip_id": trip, "day_id": days[2]})).await.unwrap();
    let gone: Vec<i64> = changes.iter().filter(|c| c.entity == "accommodation").map(|c| c.id).collect();
    assert_eq!(gone.len(), 2, "{changes:?}");
    assert!(gone.contains(&stay["id"].as_i64().unwrap()));
    assert!(changes.iter().all(|c| c.entity != "accommodation" || c.action == ChangeAction::Deleted));
    // The hotel reservation stays, now without a stay.
    let kept = env.ok("list_reservations", json!({"trip_id": trip})).await;
    let kept = kept["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == reservation["id"])
        .unwrap()
        .clone();
    assert_eq!(kept["accommodation_id"], Value::Null, "{kept}");

    // Deleting the place of a stay announces it too.
    let stay = env
        .ok(
            "create_accommodation",
            json!({"trip_id": trip, "place_id": hotel, "start_day_id": days[0], "end_day_id": days[1]}),
        )
        .await;
    let (_, changes) = env.call("delete_place", json!({"trip_id": trip, "place_id": hotel})).await.unwrap();
    assert!(
        changes.iter().any(|c| c.entity == "accommodation"
            && c.id == stay["id"].as_i64().unwrap()
            && c.action == ChangeAction::Deleted),
        "{changes:?}"
    );
}
