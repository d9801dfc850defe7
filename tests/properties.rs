//! Property tests through the registry: random sequences of assign/unassign/reorder/move keep
//! every day's positions dense and match a plain model of lists; random date ranges create
//! exactly the days they span or are refused for the reason the rules give.

use proptest::prelude::*;
use serde_json::json;

use crate::ops_support::Env;

/// What a test step does, with indices into whatever exists at that moment.
#[derive(Debug, Clone)]
enum Step {
    Assign { day: usize, place: usize, position: Option<i64> },
    Unassign { pick: usize },
    Reorder { day: usize, seed: u64 },
    Move { pick: usize, day: usize, position: Option<i64> },
}

fn step() -> impl Strategy<Value = Step> {
    let position = proptest::option::of(-2_i64..8);
    prop_oneof![
        (0..3_usize, 0..4_usize, position.clone()).prop_map(|(day, place, position)| Step::Assign {
            day,
            place,
            position
        }),
        any::<usize>().prop_map(|pick| Step::Unassign { pick }),
        (0..3_usize, any::<u64>()).prop_map(|(day, seed)| Step::Reorder { day, seed }),
        (any::<usize>(), 0..3_usize, position).prop_map(|(pick, day, position)| Step::Move {
            pick,
            day,
            position
        }),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Where an insert at `position` lands in a list of `len`: clamped, default last.
fn slot(position: Option<i64>, len: usize) -> usize {
    position.unwrap_or(len as i64).clamp(0, len as i64) as usize
}

/// A deterministic shuffle (Fisher–Yates with a small LCG), so a failing case replays.
fn shuffled(ids: &[i64], mut seed: u64) -> Vec<i64> {
    let mut out = ids.to_vec();
    for i in (1..out.len()).rev() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        out.swap(i, (seed >> 33) as usize % (i + 1));
    }
    out
}

async fn run_steps(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let env = Env::new().await;
    let (trip, days) = env.trip("2027-04-03").await;
    let mut places = Vec::new();
    for i in 0..4 {
        let place = env
            .ok("create_place", json!({"trip_id": trip, "name": format!("P{i}"), "lat": 35.0, "lng": 135.7}))
            .await;
        places.push(place["id"].as_i64().unwrap());
    }
    let mut model: Vec<Vec<i64>> = vec![Vec::new(); days.len()];
    for step in steps {
        let all: Vec<(usize, i64)> =
            model.iter().enumerate().flat_map(|(d, ids)| ids.iter().map(move |&id| (d, id))).collect();
        match step {
            Step::Assign { day, place, position } => {
                let mut args = json!({"trip_id": trip, "day_id": days[day], "place_id": places[place]});
                if let Some(p) = position {
                    args["position"] = p.into();
                }
                let created = env.call("assign_place_to_day", args).await;
                if position.is_some_and(|p| p < 0) {
                    // Refused or clamped — either way the lists must still match the model.
                    if let Ok((value, _)) = created {
                        model[day].insert(0, value["id"].as_i64().unwrap());
                    }
                } else {
                    let id =
                        created.map_err(|e| TestCaseError::fail(e.to_string()))?.0["id"].as_i64().unwrap();
                    let at = slot(position, model[day].len());
                    model[day].insert(at, id);
                }
            }
            Step::Unassign { pick } => {
                let Some(&(day, id)) = all.get(pick % all.len().max(1)) else { continue };
                env.ok("unassign_place", json!({"trip_id": trip, "day_id": days[day], "assignment_id": id}))
                    .await;
                model[day].retain(|&a| a != id);
            }
            Step::Reorder { day, seed } => {
                let order = shuffled(&model[day], seed);
                env.ok(
                    "reorder_day_assignments",
                    json!({"trip_id": trip, "day_id": days[day], "assignment_ids": order}),
                )
                .await;
                model[day] = order;
            }
            Step::Move { pick, day, position } => {
                let Some(&(from, id)) = all.get(pick % all.len().max(1)) else { continue };
                let mut args = json!({"trip_id": trip, "assignment_id": id, "new_day_id": days[day]});
                if let Some(p) = position {
                    args["position"] = p.into();
                }
                let moved = env.call("move_assignment", args).await;
                if position.is_some_and(|p| p < 0) && moved.is_err() {
                    continue;
                }
                moved.map_err(|e| TestCaseError::fail(e.to_string()))?;
                model[from].retain(|&a| a != id);
                let at = slot(position, model[day].len());
                model[day].insert(at, id);
            }
        }
        // The stored order is the model's, and positions are 0..n on every day.
        let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
        for (d, day) in summary["days"].as_array().unwrap().iter().enumerate() {
            let ids: Vec<i64> =
                day["assignments"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
            prop_assert_eq!(&ids, &model[d], "day {}", d);
        }
        let gaps = env
            .int(format!(
                "SELECT count(*) FROM (SELECT position, row_number() OVER (PARTITION BY day_id ORDER BY position) - 1 AS want
                 FROM day_assignments WHERE day_id IN ({})) WHERE position <> want",
                days.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ))
            .await;
        prop_assert_eq!(gaps, 0, "positions are not dense");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn positions_stay_dense_and_follow_every_change(steps in proptest::collection::vec(step(), 1..25)) {
        runtime().block_on(run_steps(steps))?;
    }

    #[test]
    fn a_date_range_creates_exactly_its_days_or_is_refused(start in 0_i64..800, length in -3_i64..100) {
        let base = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let from = base + chrono::Duration::days(start);
        let to = from + chrono::Duration::days(length);
        runtime().block_on(async {
            let env = Env::new().await;
            let args = json!({"title": "T", "start_date": from.to_string(), "end_date": to.to_string()});
            match env.call("create_trip", args).await {
                Ok((trip, _)) => {
                    prop_assert!((0..90).contains(&length), "accepted {} days", length + 1);
                    let summary = env.ok("get_trip_summary", json!({"trip_id": trip["id"]})).await;
                    let dates: Vec<String> = summary["days"].as_array().unwrap().iter()
                        .map(|d| d["date"].as_str().unwrap().to_owned()).collect();
                    let expected: Vec<String> = (0..=length).map(|i| (from + chrono::Duration::days(i)).to_string()).collect();
                    prop_assert_eq!(dates, expected);
                }
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(!(0..90).contains(&length), "refused {} days: {}", length + 1, message);
                    let field = if length < 0 { "end_date" } else { "90" };
                    prop_assert!(message.contains(field), "{}", message);
                    prop_assert_eq!(env.int("SELECT count(*) FROM trips".into()).await, 0);
                }
            }
            Ok(())
        })?;
    }
}
