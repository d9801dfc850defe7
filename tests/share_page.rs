//! Public share links over HTTP: `/api/share/{token}` holds exactly the sections its flags
//! allow (every combination), never user ids or emails; `/share/{token}` serves the read-only
//! page with private headers; unknown, revoked and malformed tokens answer 404; no owner login.

use serde_json::{Value, json};

use crate::support::{TestServer, error_code, expect_status};

/// The owner's side: calls operations through the UI's API.
struct Owner<'a> {
    t: &'a TestServer,
    cookie: String,
}

impl<'a> Owner<'a> {
    async fn new(t: &'a TestServer) -> Self {
        Self { t, cookie: t.owner_cookie().await }
    }

    async fn op(&self, name: &str, args: Value) -> Value {
        let response = self
            .t
            .http
            .post(self.t.url(&format!("/api/ops/{name}")))
            .header("cookie", &self.cookie)
            .json(&args)
            .send()
            .await
            .unwrap();
        serde_json::from_str(&expect_status(response, 200).await).unwrap()
    }

    /// A trip with something in every section; returns its id.
    async fn full_trip(&self) -> i64 {
        let trip = self
            .op(
                "create_trip",
                json!({"title": "Kyoto", "description": "Blossoms", "start_date": "2027-04-01", "end_date": "2027-04-02"}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        let summary = self.op("get_trip_summary", json!({"trip_id": trip})).await;
        let day = summary["days"][0]["id"].as_i64().unwrap();
        let place = self
            .op(
                "create_place",
                json!({"trip_id": trip, "name": "Fushimi Inari", "lat": 34.9671, "lng": 135.7727}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        self.op(
            "assign_place_to_day",
            json!({"trip_id": trip, "day_id": day, "place_id": place, "start_time": "09:00"}),
        )
        .await;
        self.op(
            "create_day_note",
            json!({"trip_id": trip, "day_id": day, "text": "Leave early", "time": "06:00"}),
        )
        .await;
        self.op(
            "create_accommodation",
            json!({"trip_id": trip, "place_id": place, "start_date": "2027-04-01", "end_date": "2027-04-02", "confirmation": "BK-SECRET-1"}),
        )
        .await;
        self.op(
            "create_reservation",
            json!({"trip_id": trip, "type": "restaurant", "title": "Dinner", "reservation_time": "2027-04-01T19:30", "price": "120.00", "confirmation_number": "PNR-SECRET-2"}),
        )
        .await;
        self.op("create_packing_item", json!({"trip_id": trip, "name": "Passport", "category": "Documents"}))
            .await;
        self.op(
            "create_budget_item",
            json!({"trip_id": trip, "name": "Ryokan", "category": "Stay", "total_price": "480.00"}),
        )
        .await;
        self.op(
            "create_collab_note",
            json!({"trip_id": trip, "title": "Tips", "content": "Get an ICOCA card"}),
        )
        .await;
        trip
    }

    async fn share(&self, args: Value) -> String {
        self.op("create_share_link", args).await["token"].as_str().unwrap().to_owned()
    }
}

/// `/api/share/{token}` without any cookie.
async fn shared(t: &TestServer, token: &str) -> reqwest::Response {
    t.http.get(t.url(&format!("/api/share/{token}"))).send().await.unwrap()
}

async fn shared_json(t: &TestServer, token: &str) -> Value {
    serde_json::from_str(&expect_status(shared(t, token).await, 200).await).unwrap()
}

const FLAGS: [&str; 5] = ["share_map", "share_bookings", "share_packing", "share_budget", "share_collab"];

#[tokio::test]
async fn each_flag_combination_shows_exactly_its_sections() {
    let t = TestServer::start().await;
    let owner = Owner::new(&t).await;
    let trip = owner.full_trip().await;
    let mut token = None;
    for bits in 0u32..32 {
        let on = |i: usize| bits & (1 << i) != 0;
        let mut args = json!({"trip_id": trip});
        for (i, flag) in FLAGS.iter().enumerate() {
            args[flag] = json!(on(i));
        }
        let got = owner.share(args).await;
        assert_eq!(token.get_or_insert_with(|| got.clone()), &got, "updates keep the token");
        let view = shared_json(&t, &got).await;
        let ctx = format!("flags {bits:05b}: {view}");

        // Always: the itinerary.
        assert_eq!(view["title"], "Kyoto", "{ctx}");
        assert_eq!(view["description"], "Blossoms", "{ctx}");
        assert_eq!(view["start_date"], "2027-04-01", "{ctx}");
        assert_eq!(view["days"].as_array().unwrap().len(), 2, "{ctx}");
        assert_eq!(view["days"][0]["stops"][0]["place_name"], "Fushimi Inari", "{ctx}");
        assert_eq!(view["days"][0]["stops"][0]["start_time"], "09:00", "{ctx}");
        assert_eq!(view["days"][0]["day_notes"][0]["text"], "Leave early", "{ctx}");
        for (i, flag) in FLAGS.iter().enumerate() {
            assert_eq!(view["flags"][flag], on(i), "{ctx}");
        }

        let has = |key: &str| view.get(key).is_some();
        assert_eq!(has("places"), on(0), "{ctx}");
        assert_eq!(has("accommodations"), on(1), "{ctx}");
        assert_eq!(has("reservations"), on(1), "{ctx}");
        assert_eq!(has("packing"), on(2), "{ctx}");
        assert_eq!(has("budget"), on(3), "{ctx}");
        assert_eq!(has("collab_notes"), on(4), "{ctx}");
        // Coordinates appear only with the map.
        let text = view.to_string();
        assert_eq!(text.contains("34.9671"), on(0), "{ctx}");
        if on(0) {
            assert_eq!(view["places"][0]["name"], "Fushimi Inari", "{ctx}");
            assert_eq!(view["places"][0]["lng"], 135.7727, "{ctx}");
        }
        if on(1) {
            assert_eq!(view["accommodations"][0]["place_name"], "Fushimi Inari", "{ctx}");
            assert_eq!(view["reservations"][0]["title"], "Dinner", "{ctx}");
            // A booking's price is budget information.
            assert_eq!(view["reservations"][0].get("price").is_some(), on(3), "{ctx}");
        }
        if on(2) {
            assert_eq!(view["packing"]["items"][0]["name"], "Passport", "{ctx}");
        }
        if on(3) {
            assert_eq!(view["budget"]["total"], "480.00", "{ctx}");
            assert_eq!(view["budget"]["items"][0]["name"], "Ryokan", "{ctx}");
        }
        if on(4) {
            assert_eq!(view["collab_notes"][0]["content"], "Get an ICOCA card", "{ctx}");
        }
        // Confirmation codes never leave the trip.
        assert!(!text.contains("SECRET"), "{ctx}");
    }
    t.stop().await;
}

/// Every key of a JSON value, at any depth.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_view_never_contains_ids_or_emails() {
    let t = TestServer::start().await;
    let owner = Owner::new(&t).await;
    let trip = owner.full_trip().await;
    let db = rusqlite::Connection::open(t.db_path()).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute("UPDATE users SET email = 'owner@example.com' WHERE kind = 'owner'", []).unwrap();
    let token = owner
        .share(json!({"trip_id": trip, "share_map": true, "share_bookings": true, "share_packing": true, "share_budget": true, "share_collab": true}))
        .await;
    let view = shared_json(&t, &token).await;
    let mut all = Vec::new();
    keys(&view, &mut all);
    for key in &all {
        assert!(key != "id" && !key.ends_with("_id") && !key.contains("email"), "{key} in {view}");
    }
    let text = view.to_string();
    assert!(!text.contains("owner@example.com"), "{text}");
    assert!(!text.contains(&token), "the view does not repeat its token");
    // Display names are fine: the collab note's author.
    assert_eq!(view["collab_notes"][0]["author_name"], "You");
    t.stop().await;
}

#[tokio::test]
async fn unknown_malformed_and_revoked_tokens_are_not_found() {
    let t = TestServer::start().await;
    let owner = Owner::new(&t).await;
    let trip = owner.full_trip().await;
    let token = owner.share(json!({"trip_id": trip})).await;
    shared_json(&t, &token).await;

    // Well-formed but unknown, too short, too long, and junk.
    let unknown = "A".repeat(token.len());
    let short = &token[..token.len() - 1];
    let long = format!("{token}A");
    for guess in [unknown.as_str(), short, long.as_str(), "1", "not~a~token"] {
        let body = expect_status(shared(&t, guess).await, 404).await;
        assert_eq!(error_code(&body), "not_found", "{guess}");
        let page = t.http.get(t.url(&format!("/share/{guess}"))).send().await.unwrap();
        expect_status(page, 404).await;
    }

    owner.op("delete_share_link", json!({"trip_id": trip})).await;
    let body = expect_status(shared(&t, &token).await, 404).await;
    assert!(body.contains("does not exist or was revoked"), "{body}");
    let page = t.http.get(t.url(&format!("/share/{token}"))).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let text = expect_status(page, 404).await;
    assert_eq!(text, "This share link does not exist or was revoked.");
    t.stop().await;
}

#[tokio::test]
async fn the_page_is_served_with_private_headers_and_no_login() {
    let t = TestServer::start().await;
    let owner = Owner::new(&t).await;
    let trip = owner.full_trip().await;
    let token = owner.share(json!({"trip_id": trip})).await;

    for path in [format!("/share/{token}"), format!("/api/share/{token}")] {
        // No cookie at all.
        let response = t.http.get(t.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-robots-tag"], "noindex", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(headers.get("set-cookie").is_none(), "{path}");
    }
    let page = t.http.get(t.url(&format!("/share/{token}"))).send().await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("/ui/share.js"), "{html}");
    let script = t.http.get(t.url("/ui/share.js")).send().await.unwrap();
    assert!(expect_status(script, 200).await.contains("/api/share/"));

    // Read-only: nothing but GET is routed, and the guard still refuses foreign hosts.
    let post = t.http.post(t.url(&format!("/api/share/{token}"))).json(&json!({})).send().await.unwrap();
    assert_eq!(post.status(), 405);
    let foreign =
        t.http.get(t.url(&format!("/share/{token}"))).header("host", "evil.example").send().await.unwrap();
    assert_eq!(foreign.status(), 421);
    // The rest of /api still needs the owner.
    expect_status(t.http.get(t.url("/api/status")).send().await.unwrap(), 401).await;
    t.stop().await;
}
