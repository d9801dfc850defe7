//! Day planning through the registry: days (create in date order, update, delete with dense
//! positions), assignments (assign at a position, unassign, reorder, move, times, participants
//! limited to trip members), day notes, the extended trip summary, and ids from another trip
//! or another user's trip being not found.

use serde_json::{Value, json};
use trek::domain::{ChangeAction, DomainError};
use trek::ops::OpError;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

/// (assignment id, place name) of a day, in order, with positions checked to be 0, 1, 2, ….
async fn day_plan(env: &Env, trip: i64, day: i64) -> Vec<String> {
    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    let day = summary["days"].as_array().unwrap().iter().find(|d| d["id"] == day).unwrap().clone();
    let assignments = day["assignments"].as_array().unwrap();
    for (i, a) in assignments.iter().enumerate() {
        assert_eq!(a["position"], i as i64, "positions must be dense: {assignments:?}");
    }
    assignments.iter().map(|a| a["place_name"].as_str().unwrap().to_owned()).collect()
}

/// A trip of `n` days with places A, B, C, … (`places` of them) all unassigned.
async fn planned_trip(env: &Env, end: &str, places: &[&str]) -> (i64, Vec<i64>, Vec<i64>) {
    let (trip, days) = env.trip(end).await;
    let mut ids = Vec::new();
    for name in places {
        let place = env.ok("create_place", json!({"trip_id": trip, "name": name})).await;
        ids.push(place["id"].as_i64().unwrap());
    }
    (trip, days, ids)
}

async fn assign(env: &Env, trip: i64, day: i64, place: i64, extra: Value) -> i64 {
    let mut args = json!({"trip_id": trip, "day_id": day, "place_id": place});
    args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    env.ok("assign_place_to_day", args).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn days_are_created_in_date_order_updated_and_deleted_densely() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-03").await;
    // An undated day goes last; a dated one goes in date order.
    let (free, changes) =
        env.call("create_day", json!({"trip_id": trip, "title": "Free day"})).await.unwrap();
    assert_changed(&changes, "day", ChangeAction::Created);
    assert_eq!(free["position"], 3);
    let early = env.ok("create_day", json!({"trip_id": trip, "date": "2027-03-31"})).await;
    assert_eq!(early["position"], 0);
    let err = env.err("create_day", json!({"trip_id": trip, "date": "2027-04-02"})).await;
    assert!(matches!(err, OpError::Domain(DomainError::Conflict(_))), "{err:?}");
    assert_invalid(&env.err("create_day", json!({"trip_id": trip, "date": "tomorrow"})).await, "date");

    let (day, changes) = env
        .call("update_day", json!({"trip_id": trip, "day_id": days[0], "title": "Arrival"}))
        .await
        .unwrap();
    assert_changed(&changes, "day", ChangeAction::Updated);
    assert_eq!(day["title"], "Arrival");
    let day = env.ok("update_day", json!({"trip_id": trip, "day_id": days[0], "title": null})).await;
    assert_eq!(day["title"], Value::Null);

    let (_, changes) = env.call("delete_day", json!({"trip_id": trip, "day_id": days[1]})).await.unwrap();
    assert_changed(&changes, "day", ChangeAction::Deleted);
    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    let positions: Vec<i64> =
        summary["days"].as_array().unwrap().iter().map(|d| d["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [0, 1, 2, 3]);
    let dates: Vec<&Value> = summary["days"].as_array().unwrap().iter().map(|d| &d["date"]).collect();
    assert_eq!(dates, [&json!("2027-03-31"), &json!("2027-04-01"), &json!("2027-04-03"), &Value::Null]);
}

#[tokio::test]
async fn assignments_keep_dense_positions_under_insert_reorder_move_and_unassign() {
    let env = Env::new().await;
    let (trip, days, p) = planned_trip(&env, "2027-04-02", &["A", "B", "C", "D"]).await;
    let a = assign(&env, trip, days[0], p[0], json!({})).await;
    let b = assign(&env, trip, days[0], p[1], json!({})).await;
    let c = assign(&env, trip, days[0], p[2], json!({"position": 0})).await;
    assert_eq!(day_plan(&env, trip, days[0]).await, ["C", "A", "B"]);
    // A position past the end is clamped to the end.
    let d = assign(&env, trip, days[0], p[3], json!({"position": 99})).await;
    assert_eq!(day_plan(&env, trip, days[0]).await, ["C", "A", "B", "D"]);

    let (out, changes) = env
        .call(
            "reorder_day_assignments",
            json!({"trip_id": trip, "day_id": days[0], "assignment_ids": [a, b, c, d]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "assignment", ChangeAction::Updated);
    assert_eq!(out["assignments"].as_array().unwrap().len(), 4);
    assert_eq!(day_plan(&env, trip, days[0]).await, ["A", "B", "C", "D"]);
    for bad in [json!([a, b, c]), json!([a, b, c, c]), json!([a, b, c, d, 999])] {
        assert_invalid(
            &env.err(
                "reorder_day_assignments",
                json!({"trip_id": trip, "day_id": days[0], "assignment_ids": bad}),
            )
            .await,
            "assignment_ids",
        );
    }

    let (moved, changes) = env
        .call("move_assignment", json!({"trip_id": trip, "assignment_id": b, "new_day_id": days[1]}))
        .await
        .unwrap();
    assert_changed(&changes, "assignment", ChangeAction::Updated);
    assert_eq!((moved["day_id"].as_i64(), moved["position"].as_i64()), (Some(days[1]), Some(0)));
    assert_eq!(day_plan(&env, trip, days[0]).await, ["A", "C", "D"]);
    // Within the same day: to the front.
    env.ok(
        "move_assignment",
        json!({"trip_id": trip, "assignment_id": d, "new_day_id": days[0], "position": 0}),
    )
    .await;
    assert_eq!(day_plan(&env, trip, days[0]).await, ["D", "A", "C"]);

    let (out, changes) = env
        .call("unassign_place", json!({"trip_id": trip, "day_id": days[0], "assignment_id": a}))
        .await
        .unwrap();
    assert_eq!(out, json!({"id": a, "deleted": true}));
    assert_changed(&changes, "assignment", ChangeAction::Deleted);
    assert_eq!(day_plan(&env, trip, days[0]).await, ["D", "C"]);
    // The assignment is on another day than the one given: not found.
    assert_not_found(
        &env.err("unassign_place", json!({"trip_id": trip, "day_id": days[0], "assignment_id": b})).await,
        "assignment",
    );
    // Deleting a day removes its assignments; the place becomes unassigned.
    env.ok("delete_day", json!({"trip_id": trip, "day_id": days[1]})).await;
    let unassigned = env.ok("list_places", json!({"trip_id": trip, "assignment": "unassigned"})).await;
    let names: Vec<&str> =
        unassigned["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["A", "B"]);
}

#[tokio::test]
async fn assignment_times_are_hh_mm_with_end_after_start() {
    let env = Env::new().await;
    let (trip, days, p) = planned_trip(&env, "2027-04-01", &["A"]).await;
    assert_invalid(
        &env.err(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": days[0], "place_id": p[0], "start_time": "9am"}),
        )
        .await,
        "start_time",
    );
    let a = assign(&env, trip, days[0], p[0], json!({"start_time": "09:00"})).await;
    let (out, changes) = env
        .call("update_assignment_time", json!({"trip_id": trip, "assignment_id": a, "end_time": "11:30"}))
        .await
        .unwrap();
    assert_changed(&changes, "assignment", ChangeAction::Updated);
    assert_eq!((out["start_time"].as_str(), out["end_time"].as_str()), (Some("09:00"), Some("11:30")));
    assert_invalid(
        &env.err(
            "update_assignment_time",
            json!({"trip_id": trip, "assignment_id": a, "start_time": "12:00"}),
        )
        .await,
        "end_time",
    );
    assert_invalid(
        &env.err("update_assignment_time", json!({"trip_id": trip, "assignment_id": a, "end_time": "24:00"}))
            .await,
        "end_time",
    );
    let out = env
        .ok(
            "update_assignment_time",
            json!({"trip_id": trip, "assignment_id": a, "start_time": null, "end_time": null}),
        )
        .await;
    assert_eq!((&out["start_time"], &out["end_time"]), (&Value::Null, &Value::Null));
}

#[tokio::test]
async fn participants_must_be_members_of_the_trip() {
    let env = Env::new().await;
    let (trip, days, p) = planned_trip(&env, "2027-04-01", &["A"]).await;
    let a = assign(&env, trip, days[0], p[0], json!({})).await;
    let alex = env.companion("Alex").await;
    let stranger = env.companion("Stranger").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;

    let owner = env.owner.user.0;
    let (out, changes) = env
        .call(
            "set_assignment_participants",
            json!({"trip_id": trip, "assignment_id": a, "user_ids": [alex, owner]}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "assignment", ChangeAction::Updated);
    let ids: Vec<i64> =
        out["participants"].as_array().unwrap().iter().map(|p| p["user_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [alex, owner], "ordered by name: Alex, You");
    let got = env.ok("get_assignment_participants", json!({"trip_id": trip, "assignment_id": a})).await;
    assert_eq!(got, out);

    assert_invalid(
        &env.err(
            "set_assignment_participants",
            json!({"trip_id": trip, "assignment_id": a, "user_ids": [stranger]}),
        )
        .await,
        "user_ids",
    );
    // Removing a member removes them from participants too.
    env.ok("remove_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    let got = env.ok("get_assignment_participants", json!({"trip_id": trip, "assignment_id": a})).await;
    assert_eq!(got["participants"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn day_notes_are_created_updated_and_deleted() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-02").await;
    let (note, changes) = env
        .call(
            "create_day_note",
            json!({"trip_id": trip, "day_id": days[0], "text": "Early start", "time": "06:00", "icon": "⏰"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "day_note", ChangeAction::Created);
    assert_eq!(
        (note["time"].as_str(), note["icon"].as_str(), note["position"].as_i64()),
        (Some("06:00"), Some("⏰"), Some(0))
    );
    let id = note["id"].as_i64().unwrap();
    let second =
        env.ok("create_day_note", json!({"trip_id": trip, "day_id": days[0], "text": "Bring cash"})).await;
    assert_eq!(second["position"], 1);

    assert_invalid(
        &env.err("create_day_note", json!({"trip_id": trip, "day_id": days[0], "text": ""})).await,
        "text",
    );
    assert_invalid(
        &env.err(
            "create_day_note",
            json!({"trip_id": trip, "day_id": days[0], "text": "x", "icon": "warning"}),
        )
        .await,
        "icon",
    );

    let (note, changes) = env
        .call(
            "update_day_note",
            json!({"trip_id": trip, "day_id": days[0], "note_id": id, "text": "Very early", "icon": null}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "day_note", ChangeAction::Updated);
    assert_eq!(
        (note["text"].as_str(), &note["icon"], note["time"].as_str()),
        (Some("Very early"), &Value::Null, Some("06:00"))
    );
    // The note is on day 0, not day 1.
    assert_not_found(
        &env.err("update_day_note", json!({"trip_id": trip, "day_id": days[1], "note_id": id, "text": "x"}))
            .await,
        "day note",
    );

    let (out, changes) = env
        .call("delete_day_note", json!({"trip_id": trip, "day_id": days[0], "note_id": id}))
        .await
        .unwrap();
    assert_eq!(out, json!({"id": id, "deleted": true}));
    assert_changed(&changes, "day_note", ChangeAction::Deleted);
    assert_not_found(
        &env.err("delete_day_note", json!({"trip_id": trip, "day_id": days[0], "note_id": id})).await,
        "day note",
    );
}

#[tokio::test]
async fn summary_includes_assignments_notes_and_places() {
    let env = Env::new().await;
    let (trip, days, p) = planned_trip(&env, "2027-04-02", &["Temple", "Market", "Onsen"]).await;
    let a = assign(&env, trip, days[1], p[1], json!({"start_time": "10:00", "end_time": "12:00"})).await;
    assign(&env, trip, days[1], p[0], json!({"position": 0})).await;
    env.ok(
        "set_assignment_participants",
        json!({"trip_id": trip, "assignment_id": a, "user_ids": [env.owner.user.0]}),
    )
    .await;
    env.ok("create_day_note", json!({"trip_id": trip, "day_id": days[1], "text": "Cash only", "icon": "💴"}))
        .await;

    let s = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    assert_eq!(s["days"][0]["assignments"], json!([]));
    let planned = &s["days"][1]["assignments"];
    assert_eq!(planned[0]["place_name"], "Temple");
    assert_eq!(planned[1]["place_name"], "Market");
    assert_eq!(
        (planned[1]["start_time"].as_str(), planned[1]["end_time"].as_str()),
        (Some("10:00"), Some("12:00"))
    );
    assert_eq!(planned[1]["participants"], json!([{"user_id": env.owner.user.0, "name": "You"}]));
    assert_eq!(s["days"][1]["day_notes"][0]["text"], "Cash only");
    let places: Vec<(&str, bool)> = s["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["unassigned"].as_bool().unwrap()))
        .collect();
    assert_eq!(places, [("Market", false), ("Onsen", true), ("Temple", false)]);
}

#[tokio::test]
async fn summary_of_a_30_day_trip_with_300_places_is_complete() {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-30").await;
    assert_eq!(days.len(), 30);
    // 300 places, 10 planned per day, one note per day: set up in bulk.
    env.exec(format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 299)
         INSERT INTO places (trip_id, name, created_at, updated_at) SELECT {trip}, 'Place ' || i, 0, 0 FROM n;
         INSERT INTO day_assignments (day_id, place_id, position, created_at)
           SELECT d.id, p.id, (p.id - 1) % 10, 0 FROM places p JOIN days d
             ON d.trip_id = {trip} AND d.position = (p.id - 1) / 10 WHERE p.trip_id = {trip};
         INSERT INTO day_notes (day_id, text, position, created_at, updated_at)
           SELECT id, 'Note', 0, 0, 0 FROM days WHERE trip_id = {trip};"
    ))
    .await;
    let started = std::time::Instant::now();
    let s = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    eprintln!("summary of 30 days / 300 places: {:?} (debug build)", started.elapsed());
    assert_eq!(s["places"].as_array().unwrap().len(), 300);
    for day in s["days"].as_array().unwrap() {
        assert_eq!(day["assignments"].as_array().unwrap().len(), 10);
        assert_eq!(day["day_notes"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn ids_from_another_trip_or_user_are_not_found() {
    let env = Env::new().await;
    let (foreign, foreign_day) = env.foreign_trip().await;
    let (trip, days, p) = planned_trip(&env, "2027-04-02", &["A"]).await;
    let a = assign(&env, trip, days[0], p[0], json!({})).await;
    let (other_trip, other_days, other_places) = planned_trip(&env, "2027-05-01", &["Z"]).await;

    for (op, args) in [
        ("create_day", json!({"trip_id": foreign})),
        ("update_day", json!({"trip_id": foreign, "day_id": foreign_day, "title": "x"})),
        ("delete_day", json!({"trip_id": foreign, "day_id": foreign_day})),
        ("create_day_note", json!({"trip_id": foreign, "day_id": foreign_day, "text": "x"})),
        ("get_assignment_participants", json!({"trip_id": foreign, "assignment_id": a})),
    ] {
        assert_not_found(&env.err(op, args).await, "trip");
    }
    // My trip, but a day or place of another trip.
    assert_not_found(
        &env.err("update_day", json!({"trip_id": trip, "day_id": foreign_day, "title": "x"})).await,
        "day",
    );
    assert_not_found(
        &env.err("assign_place_to_day", json!({"trip_id": trip, "day_id": other_days[0], "place_id": p[0]}))
            .await,
        "day",
    );
    assert_not_found(
        &env.err(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": days[0], "place_id": other_places[0]}),
        )
        .await,
        "place",
    );
    assert_not_found(
        &env.err(
            "move_assignment",
            json!({"trip_id": trip, "assignment_id": a, "new_day_id": other_days[0]}),
        )
        .await,
        "day",
    );
    assert_not_found(
        &env.err(
            "update_assignment_time",
            json!({"trip_id": other_trip, "assignment_id": a, "start_time": "09:00"}),
        )
        .await,
        "assignment",
    );
    assert_eq!(env.int(format!("SELECT day_id FROM day_assignments WHERE id = {a}")).await, days[0]);
}
