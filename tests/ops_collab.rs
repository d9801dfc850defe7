//! Collab polls and chat through the registry: option and deadline validation, voting rules
//! (single choice replaces, same option toggles off, closed poll, deadline passed, index out of
//! range), who may close and delete, the open-poll limit; chat replies, own-only delete,
//! reaction toggles and their limit, `before` pagination; access rules.

use serde_json::{Value, json};
use trek::auth::scopes::ScopeSet;
use trek::domain::collab_messages::{MAX_BODY, MAX_REACTIONS, PAGE};
use trek::domain::collab_polls::{MAX_OPEN_POLLS, MAX_OPTIONS};
use trek::domain::{Actor, ChangeAction, DomainError};
use trek::ops::{OpError, registry};
use trek::store::owner::UserId;

use crate::ops_support::{Env, NOW, assert_changed, assert_invalid, assert_not_found};

/// Calls `name` as `user` at `now` (deadline tests move time).
async fn call_at(env: &Env, user: UserId, now: i64, name: &str, args: Value) -> Result<Value, OpError> {
    registry().execute(&env.store, name, Actor { user }, ScopeSet::all(), now, args).await.map(|(v, _)| v)
}

fn assert_conflict(err: &OpError, needle: &str) {
    match err {
        OpError::Domain(DomainError::Conflict(m)) if m.contains(needle) => {}
        other => panic!("expected conflict mentioning {needle:?}, got {other:?}"),
    }
}

fn assert_forbidden(err: &OpError) {
    assert!(matches!(err, OpError::Domain(DomainError::Forbidden(_))), "expected forbidden, got {err:?}");
}

/// A trip with the owner and one companion member; returns (trip id, companion id).
async fn trip_with_member(env: &Env) -> (i64, i64) {
    let (trip, _) = env.trip("2027-04-03").await;
    let alex = env.companion("Alex").await;
    env.ok("add_trip_member", json!({"trip_id": trip, "user_id": alex})).await;
    (trip, alex)
}

#[tokio::test]
async fn poll_input_is_validated_and_nothing_is_stored_on_error() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-03").await;
    let base = |options: Value| json!({"trip_id": trip, "question": "Dinner?", "options": options});
    assert_invalid(&env.err("create_collab_poll", base(json!(["Ramen"]))).await, "options");
    let eleven: Vec<String> = (0..=MAX_OPTIONS).map(|i| format!("Option {i}")).collect();
    assert_invalid(&env.err("create_collab_poll", base(json!(eleven))).await, "options");
    assert_invalid(&env.err("create_collab_poll", base(json!(["Ramen", "ramen "]))).await, "options");
    assert_invalid(&env.err("create_collab_poll", base(json!(["Ramen", "  "]))).await, "options");
    assert_invalid(&env.err("create_collab_poll", base(json!(["a".repeat(201), "b"]))).await, "options");
    let mut blank = base(json!(["A", "B"]));
    blank["question"] = json!(" ");
    assert_invalid(&env.err("create_collab_poll", blank).await, "question");
    for bad in ["tomorrow", "2027-03-20", "2027-03-20 18:00"] {
        let mut args = base(json!(["A", "B"]));
        args["deadline"] = json!(bad);
        assert_invalid(&env.err("create_collab_poll", args).await, "deadline");
    }
    let mut past = base(json!(["A", "B"]));
    past["deadline"] = json!("2027-01-15T07:19:59Z");
    assert_invalid(&env.err("create_collab_poll", past).await, "deadline");
    assert_eq!(env.int("SELECT count(*) FROM collab_polls".into()).await, 0);

    let ten: Vec<String> = (0..MAX_OPTIONS).map(|i| format!("Option {i}")).collect();
    let (poll, changes) = env
        .call(
            "create_collab_poll",
            json!({"trip_id": trip, "question": " Day trips? ", "options": ten, "deadline": "2027-01-16T09:00:00+09:00"}),
        )
        .await
        .unwrap();
    assert_changed(&changes, "collab_poll", ChangeAction::Created);
    assert_eq!(poll["question"], "Day trips?");
    assert_eq!(poll["deadline"], "2027-01-16T00:00:00Z", "stored as UTC");
    assert_eq!(poll["options"].as_array().unwrap().len(), MAX_OPTIONS);
    assert_eq!(
        poll["options"][9],
        json!({"index": 9, "label": "Option 9", "votes": 0, "voters": [], "mine": false})
    );
    assert_eq!((poll["closed"].as_bool(), poll["multiple_choice"].as_bool()), (Some(false), Some(false)));
}

#[tokio::test]
async fn voting_rules() {
    let env = Env::new().await;
    let (trip, alex) = trip_with_member(&env).await;
    let owner = env.owner.user;
    let poll = env
        .ok(
            "create_collab_poll",
            json!({"trip_id": trip, "question": "Dinner?", "options": ["Ramen", "Sushi", "Soba"]}),
        )
        .await;
    let id = poll["id"].as_i64().unwrap();
    let vote = |i: i64| json!({"trip_id": trip, "poll_id": id, "option_index": i});

    // Single choice: a new vote replaces the old one; the same option again removes it.
    let after = env.ok("vote_collab_poll", vote(0)).await;
    assert_eq!(
        (after["options"][0]["votes"].as_i64(), after["options"][0]["mine"].as_bool()),
        (Some(1), Some(true))
    );
    let after = env.ok("vote_collab_poll", vote(2)).await;
    let votes: Vec<i64> =
        after["options"].as_array().unwrap().iter().map(|o| o["votes"].as_i64().unwrap()).collect();
    assert_eq!(votes, [0, 0, 1]);
    call_at(&env, UserId(alex), NOW, "vote_collab_poll", vote(2)).await.unwrap();
    let after = env.ok("list_collab_polls", json!({"trip_id": trip})).await;
    let option = &after["polls"][0]["options"][2];
    assert_eq!(option["votes"], 2);
    assert_eq!(option["voters"][1], json!({"user_id": alex, "name": "Alex"}));
    assert_eq!(after["polls"][0]["total_votes"], 2);
    let after = env.ok("vote_collab_poll", vote(2)).await;
    assert_eq!(
        (after["options"][2]["votes"].as_i64(), after["options"][2]["mine"].as_bool()),
        (Some(1), Some(false))
    );

    for bad in [-1, 3, 99] {
        assert_invalid(&env.err("vote_collab_poll", vote(bad)).await, "option_index");
    }
    assert_not_found(
        &env.err("vote_collab_poll", json!({"trip_id": trip, "poll_id": id + 100, "option_index": 0})).await,
        "poll",
    );

    // Only the author or the trip owner closes or deletes; the member (not author) may not.
    assert_forbidden(
        &call_at(&env, UserId(alex), NOW, "close_collab_poll", json!({"trip_id": trip, "poll_id": id}))
            .await
            .unwrap_err(),
    );
    let closed = env.ok("close_collab_poll", json!({"trip_id": trip, "poll_id": id})).await;
    assert_eq!(closed["closed"], true);
    let (_, changes) = env.call("close_collab_poll", json!({"trip_id": trip, "poll_id": id})).await.unwrap();
    assert!(changes.is_empty(), "closing a closed poll changes nothing");
    assert_conflict(&env.err("vote_collab_poll", vote(1)).await, "closed");
    assert_eq!(env.ok("list_collab_polls", json!({"trip_id": trip})).await["polls"][0]["total_votes"], 1);

    // Multiple choice: votes on several options; a member's own poll is theirs to close.
    let multi = call_at(
        &env,
        UserId(alex),
        NOW,
        "create_collab_poll",
        json!({"trip_id": trip, "question": "Day trips?", "options": ["Nara", "Osaka"], "multiple_choice": true, "deadline": "2027-01-15T08:00:00Z"}),
    )
    .await
    .unwrap();
    let mid = multi["id"].as_i64().unwrap();
    env.ok("vote_collab_poll", json!({"trip_id": trip, "poll_id": mid, "option_index": 0})).await;
    let after = env.ok("vote_collab_poll", json!({"trip_id": trip, "poll_id": mid, "option_index": 1})).await;
    assert_eq!(after["total_votes"], 2);
    // The list puts open polls first.
    let list = env.ok("list_collab_polls", json!({"trip_id": trip})).await;
    let order: Vec<i64> =
        list["polls"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(order, [mid, id]);

    // At the deadline the poll is closed and refuses votes.
    let deadline = NOW + 40 * 60;
    let late = call_at(
        &env,
        owner,
        deadline,
        "vote_collab_poll",
        json!({"trip_id": trip, "poll_id": mid, "option_index": 0}),
    )
    .await
    .unwrap_err();
    assert_conflict(&late, "deadline");
    let seen = call_at(&env, owner, deadline, "list_collab_polls", json!({"trip_id": trip})).await.unwrap();
    assert!(seen["polls"].as_array().unwrap().iter().all(|p| p["closed"] == true));

    call_at(&env, UserId(alex), NOW, "close_collab_poll", json!({"trip_id": trip, "poll_id": mid}))
        .await
        .unwrap();
    assert_forbidden(
        &call_at(&env, UserId(alex), NOW, "delete_collab_poll", json!({"trip_id": trip, "poll_id": id}))
            .await
            .unwrap_err(),
    );
    let (_, changes) = env.call("delete_collab_poll", json!({"trip_id": trip, "poll_id": id})).await.unwrap();
    assert_changed(&changes, "collab_poll", ChangeAction::Deleted);
    assert_eq!(env.int(format!("SELECT count(*) FROM collab_poll_votes WHERE poll_id = {id}")).await, 0);
    assert_eq!(env.int(format!("SELECT count(*) FROM collab_poll_options WHERE poll_id = {id}")).await, 0);
}

#[tokio::test]
async fn open_polls_per_trip_are_limited() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let args = json!({"trip_id": trip, "question": "Q?", "options": ["A", "B"]});
    let mut first = 0;
    for i in 0..MAX_OPEN_POLLS {
        let poll = env.ok("create_collab_poll", args.clone()).await;
        if i == 0 {
            first = poll["id"].as_i64().unwrap();
        }
    }
    match env.err("create_collab_poll", args.clone()).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_OPEN_POLLS),
        other => panic!("expected the open-poll limit, got {other:?}"),
    }
    assert_eq!(env.int("SELECT count(*) FROM collab_polls".into()).await, MAX_OPEN_POLLS as i64);
    // A closed poll no longer counts.
    env.ok("close_collab_poll", json!({"trip_id": trip, "poll_id": first})).await;
    env.ok("create_collab_poll", args).await;
}

#[tokio::test]
async fn chat_replies_reactions_and_own_only_delete() {
    let env = Env::new().await;
    let (trip, alex) = trip_with_member(&env).await;
    let (msg, changes) = env
        .call("send_collab_message", json!({"trip_id": trip, "body": " Booked the ryokan! "}))
        .await
        .unwrap();
    assert_changed(&changes, "collab_message", ChangeAction::Created);
    let first = msg["id"].as_i64().unwrap();
    assert_eq!(
        (msg["body"].as_str(), msg["own"].as_bool(), msg["reply_to"].is_null()),
        (Some("Booked the ryokan!"), Some(true), true)
    );

    let reply = call_at(
        &env,
        UserId(alex),
        NOW,
        "send_collab_message",
        json!({"trip_id": trip, "body": "Great", "reply_to": first}),
    )
    .await
    .unwrap();
    assert_eq!(reply["reply_to"]["id"], first);
    assert_eq!(reply["reply_to"]["excerpt"], "Booked the ryokan!");
    assert_eq!(reply["own"], true, "Alex wrote it and asked");

    assert_invalid(
        &env.err("send_collab_message", json!({"trip_id": trip, "body": "x", "reply_to": 999})).await,
        "reply_to",
    );
    let (other_trip, _) = env.trip("2027-04-01").await;
    let elsewhere = env.ok("send_collab_message", json!({"trip_id": other_trip, "body": "Other trip"})).await;
    assert_invalid(
        &env.err("send_collab_message", json!({"trip_id": trip, "body": "x", "reply_to": elsewhere["id"]}))
            .await,
        "reply_to",
    );
    assert_invalid(&env.err("send_collab_message", json!({"trip_id": trip, "body": "  "})).await, "body");
    assert_invalid(
        &env.err("send_collab_message", json!({"trip_id": trip, "body": "a".repeat(MAX_BODY + 1)})).await,
        "body",
    );
    env.ok("send_collab_message", json!({"trip_id": trip, "body": "a".repeat(MAX_BODY)})).await;

    // Reactions toggle per user and emoji.
    let react = |e: &str| json!({"trip_id": trip, "message_id": first, "emoji": e});
    env.ok("react_collab_message", react("👍")).await;
    let after = call_at(&env, UserId(alex), NOW, "react_collab_message", react("👍")).await.unwrap();
    assert_eq!(
        after["reactions"],
        json!([{"emoji": "👍", "count": 2, "user_ids": [env.owner.user.0, alex], "mine": true}])
    );
    let after = env.ok("react_collab_message", react("👍")).await;
    assert_eq!(after["reactions"], json!([{"emoji": "👍", "count": 1, "user_ids": [alex], "mine": false}]));
    assert_invalid(&env.err("react_collab_message", react("ok")).await, "emoji");
    let emoji: Vec<char> = ('😀'..).take(MAX_REACTIONS).collect();
    for e in &emoji[1..] {
        env.ok("react_collab_message", react(&e.to_string())).await;
    }
    match env.err("react_collab_message", react("🚀")).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_REACTIONS),
        other => panic!("expected the reaction limit, got {other:?}"),
    }
    // Removing one's own existing reaction still works at the limit.
    env.ok("react_collab_message", react(&emoji[1].to_string())).await;

    // Only one's own messages can be deleted; the reply keeps its text and loses the reference.
    let err = call_at(
        &env,
        UserId(alex),
        NOW,
        "delete_collab_message",
        json!({"trip_id": trip, "message_id": first}),
    )
    .await
    .unwrap_err();
    assert_forbidden(&err);
    let (out, changes) =
        env.call("delete_collab_message", json!({"trip_id": trip, "message_id": first})).await.unwrap();
    assert_eq!(out["deleted"], true);
    assert_changed(&changes, "collab_message", ChangeAction::Deleted);
    let page = env.ok("list_collab_messages", json!({"trip_id": trip})).await;
    let kept = page["messages"].as_array().unwrap().iter().find(|m| m["id"] == reply["id"]).unwrap();
    assert!(kept["reply_to"].is_null());
    assert_eq!(
        env.int(format!("SELECT count(*) FROM collab_message_reactions WHERE message_id = {first}")).await,
        0
    );
}

#[tokio::test]
async fn messages_page_from_the_newest_by_before() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    let total = PAGE * 2 + 50;
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        for i in 0..total {
            ids.push(
                env.ok("send_collab_message", json!({"trip_id": trip, "body": format!("m{i}")})).await["id"]
                    .as_i64()
                    .unwrap(),
            );
        }
        ids
    };
    let page_ids = |page: &Value| -> Vec<i64> {
        page["messages"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
    };

    let first = env.ok("list_collab_messages", json!({"trip_id": trip})).await;
    assert_eq!(page_ids(&first), ids[total - PAGE..], "the most recent 100, oldest first");
    assert_eq!(
        (first["has_more"].as_bool(), first["next_before"].as_i64()),
        (Some(true), Some(ids[total - PAGE]))
    );
    let second =
        env.ok("list_collab_messages", json!({"trip_id": trip, "before": first["next_before"]})).await;
    assert_eq!(page_ids(&second), ids[total - 2 * PAGE..total - PAGE]);
    let third =
        env.ok("list_collab_messages", json!({"trip_id": trip, "before": second["next_before"]})).await;
    assert_eq!(page_ids(&third), ids[..50]);
    assert_eq!((third["has_more"].as_bool(), third["next_before"].is_null()), (Some(false), true));
    let small = env.ok("list_collab_messages", json!({"trip_id": trip, "limit": 3})).await;
    assert_eq!(page_ids(&small), ids[total - 3..]);

    for bad in [0, -1, PAGE as i64 + 1] {
        assert_invalid(
            &env.err("list_collab_messages", json!({"trip_id": trip, "limit": bad})).await,
            "limit",
        );
    }
    assert_invalid(&env.err("list_collab_messages", json!({"trip_id": trip, "before": 0})).await, "before");
}

#[tokio::test]
async fn other_peoples_trips_are_invisible() {
    let env = Env::new().await;
    let (foreign, _) = env.foreign_trip().await;
    for (op, args) in [
        ("list_collab_polls", json!({"trip_id": foreign})),
        ("create_collab_poll", json!({"trip_id": foreign, "question": "Q", "options": ["A", "B"]})),
        ("list_collab_messages", json!({"trip_id": foreign})),
        ("send_collab_message", json!({"trip_id": foreign, "body": "hi"})),
    ] {
        assert_not_found(&env.err(op, args).await, "trip");
    }
    assert_eq!(env.int("SELECT count(*) FROM collab_polls".into()).await, 0);
    assert_eq!(env.int("SELECT count(*) FROM collab_messages".into()).await, 0);
}

#[tokio::test]
async fn switched_off_add_on_refuses_its_operations_only() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-01").await;
    env.ok("send_collab_message", json!({"trip_id": trip, "body": "hi"})).await;
    env.exec(r#"INSERT INTO settings (key, value) VALUES ('addons', '{"collab": false}')"#.into()).await;
    match env.err("list_collab_messages", json!({"trip_id": trip})).await {
        OpError::AddonDisabled(addon) => assert_eq!(addon.name(), "collab"),
        other => panic!("expected the add-on refusal, got {other:?}"),
    }
    assert!(matches!(
        env.err("send_collab_message", json!({"trip_id": trip, "body": "again"})).await,
        OpError::AddonDisabled(_)
    ));
    assert_eq!(env.int("SELECT count(*) FROM collab_messages".into()).await, 1, "nothing written");
    env.ok("list_collab_notes", json!({"trip_id": trip})).await;
}

#[tokio::test]
async fn trip_summary_counts_polls_and_messages_while_the_add_on_is_on() {
    let env = Env::new().await;
    let (trip, _) = env.trip("2027-04-02").await;
    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    assert_eq!(summary["collab"], json!({"polls": 0, "open_polls": 0, "messages": 0}));
    let poll =
        env.ok("create_collab_poll", json!({"trip_id": trip, "question": "Q", "options": ["A", "B"]})).await;
    env.ok("create_collab_poll", json!({"trip_id": trip, "question": "R", "options": ["A", "B"]})).await;
    env.ok("close_collab_poll", json!({"trip_id": trip, "poll_id": poll["id"]})).await;
    env.ok("send_collab_message", json!({"trip_id": trip, "body": "hi"})).await;
    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    assert_eq!(summary["collab"], json!({"polls": 2, "open_polls": 1, "messages": 1}));
    // Another trip's chat is not counted.
    let (other, _) = env.trip("2027-04-01").await;
    assert_eq!(env.ok("get_trip_summary", json!({"trip_id": other})).await["collab"]["messages"], 0);
    // Switched off, the summary says nothing about the add-on.
    env.exec(r#"INSERT INTO settings (key, value) VALUES ('addons', '{"collab": false}')"#.into()).await;
    let summary = env.ok("get_trip_summary", json!({"trip_id": trip})).await;
    assert!(summary.get("collab").is_none(), "{summary}");
}
