//! Vacay through the registry: defaults before the first change, tracked years (limit, bad
//! input), vacation days (weekends blocked or not, company holidays), statistics arithmetic
//! with allowance and carry-over across consecutive years, per-user plans.

use serde_json::{Value, json};
use trek::domain::ChangeAction;
use trek::domain::DomainError;
use trek::domain::vacay::{DEFAULT_ALLOWANCE, MAX_YEARS};
use trek::ops::OpError;

use crate::ops_support::{Env, assert_changed, assert_invalid, assert_not_found};

async fn toggle(env: &Env, date: &str) -> Value {
    env.ok("toggle_vacay_entry", json!({"date": date})).await
}

#[tokio::test]
async fn defaults_years_and_days() {
    let env = Env::new().await;
    let plan = env.ok("get_vacay_plan", json!({})).await;
    assert_eq!(
        plan,
        json!({"id": null, "block_weekends": true, "company_holidays_enabled": true, "carry_over": true, "color": "#6366f1", "years": [], "members": [], "pending_invites": [], "holiday_calendars": []})
    );
    assert_eq!(env.int("SELECT count(*) FROM vacay_plans".into()).await, 0, "reading creates nothing");
    assert_invalid(&env.err("toggle_vacay_entry", json!({"date": "2027-04-05"})).await, "date");

    let (years, changes) = env.call("add_vacay_year", json!({"year": 2027})).await.unwrap();
    assert_eq!(years, json!({"years": [2027]}));
    assert_changed(&changes, "vacay_plan", ChangeAction::Created);
    env.ok("add_vacay_year", json!({"year": 2026})).await;
    assert_eq!(
        env.ok("add_vacay_year", json!({"year": 2027})).await,
        json!({"years": [2026, 2027]}),
        "adding twice changes nothing"
    );
    for bad in [1899, 2201] {
        assert_invalid(&env.err("add_vacay_year", json!({"year": bad})).await, "year");
    }

    assert_eq!(toggle(&env, "2027-04-05").await, json!({"date": "2027-04-05", "on": true}));
    assert_invalid(&env.err("toggle_vacay_entry", json!({"date": "2027-04-03"})).await, "date");
    assert_invalid(&env.err("toggle_vacay_entry", json!({"date": "2027-02-30"})).await, "date");
    assert_invalid(&env.err("toggle_vacay_entry", json!({"date": "2028-01-03"})).await, "date");
    env.ok("update_vacay_plan", json!({"block_weekends": false})).await;
    assert_eq!(toggle(&env, "2027-04-03").await["on"], true, "weekends count when not blocked");
    assert_eq!(toggle(&env, "2027-04-03").await["on"], false, "toggling again removes it");

    // A company holiday removes vacation days on it and cannot be one.
    toggle(&env, "2027-12-24").await;
    assert_eq!(env.ok("toggle_company_holiday", json!({"date": "2027-12-24"})).await["on"], true);
    assert_invalid(&env.err("toggle_vacay_entry", json!({"date": "2027-12-24"})).await, "date");
    let entries = env.ok("get_vacay_entries", json!({"year": 2027})).await;
    let dates: Vec<&str> =
        entries["entries"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2027-04-05"]);
    assert_eq!(entries["company_holidays"], json!(["2027-12-24"]));
    env.ok("update_vacay_plan", json!({"company_holidays_enabled": false})).await;
    assert!(matches!(
        env.err("toggle_company_holiday", json!({"date": "2027-12-27"})).await,
        OpError::Domain(DomainError::Conflict(_))
    ));

    let plan = env.ok("set_vacay_color", json!({"color": "#22C55E"})).await;
    assert_eq!(plan["color"], "#22c55e");
    assert_invalid(&env.err("set_vacay_color", json!({"color": "green"})).await, "color");

    // Deleting a year removes its days.
    env.ok("delete_vacay_year", json!({"year": 2027})).await;
    assert_eq!(env.int("SELECT count(*) FROM vacay_entries".into()).await, 0);
    assert_eq!(env.int("SELECT count(*) FROM vacay_company_holidays".into()).await, 0);
    assert_not_found(&env.err("delete_vacay_year", json!({"year": 2027})).await, "vacation year");

    // Another user has their own (default) plan.
    let other = env.companion("Alex").await;
    let (theirs, _) = env.call_as(other, "get_vacay_plan", json!({})).await.unwrap();
    assert!(theirs["id"].is_null());
}

#[tokio::test]
async fn years_per_plan_are_limited() {
    let env = Env::new().await;
    for year in 2000..2000 + MAX_YEARS as i64 {
        env.ok("add_vacay_year", json!({"year": year})).await;
    }
    match env.err("add_vacay_year", json!({"year": 2100})).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_YEARS),
        other => panic!("expected the year limit, got {other:?}"),
    }
}

#[tokio::test]
async fn stats_count_allowance_carry_over_and_used_days() {
    let env = Env::new().await;
    for year in [2026, 2027, 2029] {
        env.ok("add_vacay_year", json!({"year": year})).await;
    }
    let fresh = env.ok("get_vacay_stats", json!({"year": 2026})).await;
    assert_eq!(
        fresh,
        json!({"year": 2026, "user_id": env.owner.user.0, "allowance": DEFAULT_ALLOWANCE, "carried_over": 0, "used": 0, "remaining": DEFAULT_ALLOWANCE, "company_holidays": 0, "public_holidays": 0})
    );

    // 2026: 25 days granted, 3 used -> 22 carry into 2027.
    env.ok("update_vacay_stats", json!({"year": 2026, "allowance": 25})).await;
    for d in ["2026-12-28", "2026-12-29", "2026-12-30"] {
        toggle(&env, d).await;
    }
    // 2027: default 30 + 22 carried, 3 used (a weekend try is refused, a company holiday is not a day).
    for d in ["2027-04-05", "2027-04-06", "2027-04-07"] {
        toggle(&env, d).await;
    }
    env.ok("toggle_company_holiday", json!({"date": "2027-12-24"})).await;
    let stats = env.ok("get_vacay_stats", json!({"year": 2027})).await;
    assert_eq!(
        stats,
        json!({"year": 2027, "user_id": env.owner.user.0, "allowance": 30, "carried_over": 22, "used": 3, "remaining": 49, "company_holidays": 1, "public_holidays": 0})
    );
    // 2029 follows a gap (2028 untracked): nothing carries.
    assert_eq!(env.ok("get_vacay_stats", json!({"year": 2029})).await["carried_over"], 0);

    // Overdrawing a year carries nothing (never negative) and shows a negative remainder.
    env.ok("update_vacay_stats", json!({"year": 2026, "allowance": 2})).await;
    assert_eq!(env.ok("get_vacay_stats", json!({"year": 2026})).await["remaining"], -1);
    assert_eq!(env.ok("get_vacay_stats", json!({"year": 2027})).await["carried_over"], 0);
    // Without carry-over nothing moves.
    env.ok("update_vacay_stats", json!({"year": 2026, "allowance": 25})).await;
    env.ok("update_vacay_plan", json!({"carry_over": false})).await;
    assert_eq!(env.ok("get_vacay_stats", json!({"year": 2027})).await["carried_over"], 0);

    for bad in [-1, 367] {
        assert_invalid(
            &env.err("update_vacay_stats", json!({"year": 2027, "allowance": bad})).await,
            "allowance",
        );
    }
    assert_not_found(&env.err("get_vacay_stats", json!({"year": 2028})).await, "vacation year");
    assert_not_found(
        &env.err("update_vacay_stats", json!({"year": 2028, "allowance": 3})).await,
        "vacation year",
    );
}
