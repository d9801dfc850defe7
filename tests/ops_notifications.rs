//! Notifications through the registry: events recorded once (dedupe) or coalesced, unread
//! first, `unread_only`, limit/offset paging and its bounds, read/unread marks, per-user
//! isolation, the kept-notification cap, and the scan for reservations still pending the day
//! before.

use serde_json::{Value, json};
use trek::domain::ChangeAction;
use trek::domain::notifications::{self, Event, MAX_KEPT, MAX_PAGE};
use trek::store::StoreError;

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};

async fn record(env: &Env, now: i64, event: Event) -> Option<i64> {
    env.store.write(move |tx| Ok::<_, StoreError>(notifications::record(tx, now, event)?)).await.unwrap()
}

async fn scan(env: &Env, now: i64) -> usize {
    env.store.write(move |tx| Ok::<_, StoreError>(notifications::scan(tx, now)?)).await.unwrap()
}

fn request(n: usize) -> Event {
    Event::ConnectionRequested { pending_id: format!("p{n}"), client_name: format!("Client {n}") }
}

fn titles(page: &Value) -> Vec<String> {
    page["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn events_are_recorded_once_or_coalesced() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let first = record(&env, NOW, request(1)).await.unwrap();
    assert_eq!(record(&env, NOW + 5, request(1)).await, None, "the same request is told once");

    let change = |n| Event::AssistantChangedTrip { trip_id: trip, client_name: "Claude".into(), changes: n };
    let a = record(&env, NOW, change(2)).await.unwrap();
    env.ok("mark_notification_read", json!({"notification_id": a})).await;
    assert_eq!(record(&env, NOW + 60, change(3)).await, Some(a), "within the hour: the same notification");
    let page = env.ok("list_notifications", json!({})).await;
    let n = page["notifications"].as_array().unwrap().iter().find(|n| n["id"] == a).unwrap().clone();
    assert_eq!(
        (
            n["kind"].as_str(),
            n["title"].as_str(),
            n["count"].as_i64(),
            n["read"].as_bool(),
            n["trip_id"].as_i64()
        ),
        (Some("assistant_change"), Some("Claude changed Kyoto"), Some(5), Some(false), Some(trip)),
        "coalesced and unread again"
    );
    assert_ne!(record(&env, NOW + 3600, change(1)).await, Some(a), "a new hour is a new notification");
    // A trip that is gone has nobody to tell.
    let gone = Event::AssistantChangedTrip { trip_id: 999, client_name: "Claude".into(), changes: 1 };
    assert_eq!(record(&env, NOW, gone).await, None);
    let n = env.ok("list_notifications", json!({})).await["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == first)
        .unwrap()
        .clone();
    assert_eq!(
        (n["kind"].as_str(), n["title"].as_str()),
        (Some("connection_request"), Some("Client 1 asks to connect"))
    );
    assert_eq!(n["at"], "2027-01-15T07:20:00Z");
}

#[tokio::test]
async fn listing_paging_and_marks() {
    let env = Env::new().await;
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(record(&env, NOW + i as i64, request(i)).await.unwrap());
        }
        ids
    };
    assert_eq!(env.ok("get_unread_notification_count", json!({})).await, json!({"count": 5}));
    let (out, changes) =
        env.call("mark_notification_read", json!({"notification_id": ids[4]})).await.unwrap();
    assert_eq!(out["read"], true);
    assert_changed(&changes, "notification", ChangeAction::Updated);
    let (_, changes) = env.call("mark_notification_read", json!({"notification_id": ids[4]})).await.unwrap();
    assert!(changes.is_empty(), "marking a read one changes nothing");

    // Unread first (newest first), then read ones.
    let all = env.ok("list_notifications", json!({})).await;
    assert_eq!(
        titles(&all),
        [
            "Client 3 asks to connect",
            "Client 2 asks to connect",
            "Client 1 asks to connect",
            "Client 0 asks to connect",
            "Client 4 asks to connect"
        ]
    );
    assert_eq!(
        (all["total"].as_i64(), all["unread"].as_i64(), all["has_more"].as_bool()),
        (Some(5), Some(4), Some(false))
    );
    let unread = env.ok("list_notifications", json!({"unread_only": true})).await;
    assert_eq!((unread["total"].as_i64(), titles(&unread).len()), (Some(4), 4));
    let page = env.ok("list_notifications", json!({"limit": 2, "offset": 2})).await;
    assert_eq!(titles(&page), ["Client 1 asks to connect", "Client 0 asks to connect"]);
    assert_eq!(page["has_more"], true);
    let last = env.ok("list_notifications", json!({"limit": 2, "offset": 4})).await;
    assert_eq!((titles(&last).len(), last["has_more"].as_bool()), (1, Some(false)));
    for bad in [0, -1, MAX_PAGE + 1] {
        assert_invalid(&env.err("list_notifications", json!({"limit": bad})).await, "limit");
    }
    assert_invalid(&env.err("list_notifications", json!({"offset": -1})).await, "offset");

    let out = env.ok("mark_notification_unread", json!({"notification_id": ids[4]})).await;
    assert_eq!(out["read"], false);
    let (out, changes) = env.call("mark_all_notifications_read", json!({})).await.unwrap();
    assert_eq!(out, json!({"updated": 5}));
    assert_changed(&changes, "notification", ChangeAction::Updated);
    assert_eq!(env.ok("mark_all_notifications_read", json!({})).await, json!({"updated": 0}));
    assert_eq!(env.ok("get_unread_notification_count", json!({})).await, json!({"count": 0}));

    // Another user sees none of them and cannot mark them.
    let other = env.companion("Alex").await;
    let (theirs, _) = env.call_as(other, "list_notifications", json!({})).await.unwrap();
    assert_eq!((theirs["total"].as_i64(), titles(&theirs).len()), (Some(0), 0));
    let err =
        env.call_as(other, "mark_notification_unread", json!({"notification_id": ids[0]})).await.unwrap_err();
    assert_not_found(&err, "notification");
    assert_not_found(
        &env.err("mark_notification_read", json!({"notification_id": 999})).await,
        "notification",
    );
}

#[tokio::test]
async fn the_oldest_go_beyond_the_cap_read_ones_first() {
    let env = Env::new().await;
    let first = record(&env, NOW, request(0)).await.unwrap();
    env.ok("mark_notification_read", json!({"notification_id": first})).await;
    let second = record(&env, NOW + 1, request(1)).await.unwrap();
    env.store
        .write(|tx| {
            for i in 2..=MAX_KEPT {
                notifications::record(tx, NOW + i as i64, request(i))?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let count = "SELECT count(*) FROM notifications".to_owned();
    assert_eq!(env.int(count.clone()).await, MAX_KEPT as i64, "the read one made room");
    assert_eq!(env.int(format!("SELECT count(*) FROM notifications WHERE id = {first}")).await, 0);
    record(&env, NOW + 10_000, request(MAX_KEPT + 1)).await.unwrap();
    assert_eq!(env.int(count).await, MAX_KEPT as i64);
    assert_eq!(
        env.int(format!("SELECT count(*) FROM notifications WHERE id = {second}")).await,
        0,
        "then the oldest unread"
    );
}

#[tokio::test]
async fn pending_reservations_are_announced_the_day_before_once() {
    let env = Env::new().await;
    let trip = env
        .ok("create_trip", json!({"title": "Winter", "start_date": "2027-01-15", "end_date": "2027-01-20"}))
        .await;
    let trip = trip["id"].as_i64().unwrap();
    let reserve = |title: &str, at: &str| json!({"trip_id": trip, "type": "restaurant", "title": title, "reservation_time": at});
    let tomorrow = env.ok("create_reservation", reserve("Sushi Saito", "2027-01-16T19:00")).await;
    let confirmed = env.ok("create_reservation", reserve("Tempura", "2027-01-16T12:00")).await;
    env.ok(
        "update_reservation",
        json!({"trip_id": trip, "reservation_id": confirmed["id"], "status": "confirmed"}),
    )
    .await;
    env.ok("create_reservation", reserve("Later", "2027-01-19T19:00")).await;

    assert_eq!(scan(&env, NOW).await, 1);
    assert_eq!(scan(&env, NOW + 900).await, 0, "told once");
    let page = env.ok("list_notifications", json!({})).await;
    let n = &page["notifications"][0];
    assert_eq!(
        (n["kind"].as_str(), n["title"].as_str(), n["body"].as_str(), n["trip_id"].as_i64()),
        (
            Some("reservation_pending"),
            Some("Sushi Saito is still pending"),
            Some("Winter, 2027-01-16: confirm or cancel the reservation."),
            Some(trip)
        )
    );
    // Confirmed in time: the next day's scan finds only what is still pending.
    env.ok(
        "update_reservation",
        json!({"trip_id": trip, "reservation_id": tomorrow["id"], "status": "confirmed"}),
    )
    .await;
    assert_eq!(scan(&env, NOW + 3 * 86_400).await, 1, "Later, dated 2027-01-19, is due on the 18th");
    assert_eq!(env.ok("get_unread_notification_count", json!({})).await["count"], 2);
}
