//! World data (search_place, reverse_geocode, resolve_maps_url, get_place_details, weather,
//! holidays) against a local server that answers like Nominatim, Open-Meteo, Nager.Date, Google
//! Places and Google's short-link host, with response shapes from `fixtures/world/`. No test
//! reaches the network. Covers the happy paths through the registry, the UI API and MCP, the
//! cache (one upstream request, expiry on a manual clock), Nominatim's one-request-per-second
//! spacing measured where requests arrive, and every error path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use trek::auth::scopes::{Scope, ScopeSet};
use trek::clock::ManualClock;
use trek::ops::{OpError, registry};
use trek::providers::world::google::{GOOGLE_PLACES_CACHE_TTL_SECS, MAX_PLACE_ID_CHARS};
use trek::providers::world::maps_url::{MAPS_LINK_CACHE_TTL_SECS, MAPS_LINK_MAX_HOPS, MAX_MAPS_URL_CHARS};
use trek::providers::world::nager::NAGER_CACHE_TTL_SECS;
use trek::providers::world::nominatim::{
    NOMINATIM_CACHE_TTL_SECS, NOMINATIM_MAX_BODY_BYTES, NOMINATIM_MIN_INTERVAL,
};
use trek::providers::world::open_meteo::OPEN_METEO_CACHE_TTL_SECS;
use trek::providers::world::{ApiKey, ENV_GOOGLE_MAPS_API_KEY, World, WorldConfig, WorldError};

use crate::ops_support::Env;
use crate::support::TestServer;

/// 2027-04-01T06:00:00Z: the forecast range is 2027-03-31 … 2027-04-16.
const NOW: i64 = 1_806_559_200;
const GOOGLE_KEY: &str = "test-google-key";
/// The fake providers' timeout in these tests; the slow route answers after SLOW.
const TIMEOUT: Duration = Duration::from_millis(500);
const SLOW: Duration = Duration::from_secs(3);

type Log = Arc<Mutex<Vec<(String, Instant)>>>;

/// The local stand-in for every provider, recording each request's path and arrival time.
struct Fake {
    base: String,
    log: Log,
}

fn json_body(body: impl Into<String>) -> Response {
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.into()).into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
}

const KINKAKUJI_LONG: &str = "https://www.google.com/maps/place/Kinkaku-ji/@35.0393,135.7270,17z/data=!3m1!4b1!4m6!3m5!1s0x6001a8:0x1!8m2!3d35.0394!4d135.7292!16s";

async fn nominatim_search(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    // Nominatim refuses requests without an identifying User-Agent.
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !agent.starts_with("Trek/") {
        return (StatusCode::FORBIDDEN, "identify yourself").into_response();
    }
    assert_eq!(q.get("format").map(String::as_str), Some("jsonv2"));
    match q.get("q").map(String::as_str) {
        Some("nowhere") => json_body("[]"),
        Some("boom") => (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
        Some("slow") => {
            tokio::time::sleep(SLOW).await;
            json_body(include_str!("fixtures/world/nominatim_search.json"))
        }
        Some("huge") => json_body(format!("[\"{}\"]", "x".repeat(NOMINATIM_MAX_BODY_BYTES + 1024))),
        Some("garbled") => json_body("[{\"osm_type\": "),
        _ => json_body(include_str!("fixtures/world/nominatim_search.json")),
    }
}

async fn nominatim_reverse(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("lat").is_some_and(|lat| lat.starts_with("0.0")) {
        return json_body(include_str!("fixtures/world/nominatim_reverse_nothing.json"));
    }
    json_body(include_str!("fixtures/world/nominatim_reverse.json"))
}

async fn open_meteo(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("latitude").map(String::as_str) == Some("0.0000") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    if q.get("start_date").map(String::as_str) != Some("2027-04-05")
        || q.get("end_date") != q.get("start_date")
    {
        return (
            StatusCode::BAD_REQUEST,
            json_body(r#"{"error": true, "reason": "Parameter 'start_date' is out of allowed range"}"#),
        )
            .into_response();
    }
    let mut forecast: Value =
        serde_json::from_str(include_str!("fixtures/world/open_meteo_forecast.json")).unwrap();
    if !q.contains_key("hourly") {
        let map = forecast.as_object_mut().unwrap();
        map.remove("hourly");
        map.remove("hourly_units");
    }
    json_body(forecast.to_string())
}

async fn nager_holidays(Path((year, country)): Path<(String, String)>) -> Response {
    match (year.as_str(), country.as_str()) {
        ("2027", "JP") => json_body(include_str!("fixtures/world/nager_holidays_jp_2027.json")),
        _ => (StatusCode::NOT_FOUND, "").into_response(),
    }
}

fn google_key_ok(headers: &HeaderMap) -> bool {
    headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()) == Some(GOOGLE_KEY)
        && headers.get("x-goog-fieldmask").is_some()
}

async fn google_details(headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !google_key_ok(&headers) {
        return (
            StatusCode::FORBIDDEN,
            json_body(r#"{"error": {"code": 403, "status": "PERMISSION_DENIED"}}"#),
        )
            .into_response();
    }
    if id == "missing" {
        return (StatusCode::NOT_FOUND, json_body(r#"{"error": {"code": 404, "status": "NOT_FOUND"}}"#))
            .into_response();
    }
    json_body(include_str!("fixtures/world/google_place_details.json"))
}

async fn google_search(headers: HeaderMap, axum::Json(body): axum::Json<Value>) -> Response {
    if !google_key_ok(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    assert_eq!(body["textQuery"], "Kinkaku-ji");
    json_body(include_str!("fixtures/world/google_search_text.json"))
}

impl Fake {
    async fn start() -> Self {
        let log: Log = Arc::default();
        let app = Router::new()
            .route("/nominatim/search", get(nominatim_search))
            .route("/nominatim/reverse", get(nominatim_reverse))
            .route("/meteo/v1/forecast", get(open_meteo))
            .route(
                "/nager/api/v3/AvailableCountries",
                get(|| async { json_body(include_str!("fixtures/world/nager_countries.json")) }),
            )
            .route("/nager/api/v3/PublicHolidays/{year}/{country}", get(nager_holidays))
            .route("/google/v1/places/{id}", get(google_details))
            .route("/google/v1/places:searchText", post(google_search))
            // Google's short-link host.
            .route("/abc", get(|| async { redirect(KINKAKUJI_LONG) }))
            .route("/maps/legacy", get(|| async { redirect(KINKAKUJI_LONG) }))
            .route("/hop", get(|| async { redirect("https://maps.app.goo.gl/abc") }))
            .route("/loop", get(|| async { redirect("/loop") }))
            .route("/evil", get(|| async { redirect("https://evil.example/secret") }))
            .route("/downgrade", get(|| async { redirect("http://www.google.com/maps/@1,2,3z") }))
            .route(
                "/nameonly",
                get(|| async { redirect("https://www.google.com/maps/search/?api=1&query=Kinkaku-ji") }),
            )
            .route("/dead", get(|| async { axum::response::Html("<p>Dynamic Link Not Found</p>") }))
            .route("/secret", get(|| async { "the secret" }));
        let recorder = log.clone();
        let app = app.layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            let log = recorder.clone();
            async move {
                log.lock().unwrap().push((req.uri().to_string(), Instant::now()));
                next.run(req).await
            }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, log }
    }

    fn config(&self) -> WorldConfig {
        let url = |p: &str| url::Url::parse(&format!("{}/{p}/", self.base)).unwrap();
        WorldConfig {
            nominatim_url: url("nominatim"),
            open_meteo_url: url("meteo"),
            nager_date_url: url("nager"),
            google_places_url: url("google"),
            google_api_key: None,
            timeout: TIMEOUT,
            nominatim_interval: NOMINATIM_MIN_INTERVAL,
            maps_link_origin_for_tests: Some(url::Url::parse(&self.base).unwrap()),
        }
    }

    fn world(&self) -> World {
        World::new(self.config()).unwrap()
    }

    fn with_google(&self) -> World {
        World::new(WorldConfig { google_api_key: Some(ApiKey::new(GOOGLE_KEY)), ..self.config() }).unwrap()
    }

    /// Requests whose path starts with `prefix`.
    fn hits(&self, prefix: &str) -> Vec<Instant> {
        self.log.lock().unwrap().iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, t)| *t).collect()
    }
}

async fn call(env: &Env, world: &World, now: i64, name: &str, args: Value) -> Result<Value, OpError> {
    registry().execute_with(Some(world), &env.store, name, env.owner, ScopeSet::all(), now, args).await.map(
        |(v, c)| {
            assert!(c.is_empty(), "{name} reported changes");
            v
        },
    )
}

async fn ok(env: &Env, world: &World, name: &str, args: Value) -> Value {
    call(env, world, NOW, name, args.clone()).await.unwrap_or_else(|e| panic!("{name} {args}: {e}"))
}

async fn err(env: &Env, world: &World, name: &str, args: Value) -> OpError {
    match call(env, world, NOW, name, args.clone()).await {
        Ok(v) => panic!("{name} {args} succeeded with {v}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn search_place_returns_candidates_and_caches_them() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();
    let out = ok(&env, &world, "search_place", json!({"query": "Kinkaku-ji"})).await;
    assert_eq!(out["source"], "openstreetmap");
    let first = &out["places"][0];
    assert_eq!(first["name"], "Kinkaku-ji");
    assert_eq!(first["osm_id"], "way/36991829");
    assert_eq!(first["lat"], 35.0394385);
    assert_eq!(first["lng"], 135.7292474);
    assert_eq!(first["category"], "tourism/attraction");
    assert!(first["google_place_id"].is_null());
    assert!(first["address"].as_str().unwrap().ends_with("Japan"));
    // A nameless result is named after the first part of its address.
    assert_eq!(out["places"][1]["name"], "Kinkakuji-michi");

    // The same question (spacing and case aside) is answered from the cache: one request.
    let again = ok(&env, &world, "search_place", json!({"query": "  kinkaku-JI "})).await;
    assert_eq!(again, out);
    assert_eq!(fake.hits("/nominatim/search").len(), 1);
    // The cache is in SQLite: a fresh World (a restart) still answers without a request.
    let restarted = fake.world();
    assert_eq!(ok(&env, &restarted, "search_place", json!({"query": "Kinkaku-ji"})).await, out);
    assert_eq!(fake.hits("/nominatim/search").len(), 1);
    // After the cache lifetime it asks again.
    call(&env, &world, NOW + NOMINATIM_CACHE_TTL_SECS, "search_place", json!({"query": "Kinkaku-ji"}))
        .await
        .unwrap();
    assert_eq!(fake.hits("/nominatim/search").len(), 2);
}

#[tokio::test]
async fn nominatim_requests_are_spaced_one_second_apart_under_concurrent_calls() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();
    let started = Instant::now();
    let calls = ["Kyoto", "Osaka", "Nara"].map(|q| {
        let (world, store, owner) = (world.clone(), env.store.clone(), env.owner);
        tokio::spawn(async move {
            registry()
                .execute_with(
                    Some(&world),
                    &store,
                    "search_place",
                    owner,
                    ScopeSet::all(),
                    NOW,
                    json!({"query": q}),
                )
                .await
        })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let mut arrivals = fake.hits("/nominatim/search");
    arrivals.sort();
    assert_eq!(arrivals.len(), 3);
    for pair in arrivals.windows(2) {
        let gap = pair[1] - pair[0];
        // Measured where the requests arrive; a little transport jitter is allowed.
        assert!(gap >= NOMINATIM_MIN_INTERVAL - Duration::from_millis(50), "requests only {gap:?} apart");
    }
    // Bounded: three requests need about two intervals, not more.
    assert!(
        started.elapsed() < NOMINATIM_MIN_INTERVAL * 2 + Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn provider_failures_become_clear_errors() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world =
        World::new(WorldConfig { nominatim_interval: Duration::from_millis(1), ..fake.config() }).unwrap();
    let search = |q: &str| json!({"query": q});

    let e = err(&env, &world, "search_place", search("slow")).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Timeout { .. })), "{e:?}");
    assert!(e.to_string().contains("OpenStreetMap Nominatim did not answer within 500 ms"), "{e}");

    let e = err(&env, &world, "search_place", search("huge")).await;
    assert!(
        matches!(e, OpError::Outbound(WorldError::TooLarge { limit: NOMINATIM_MAX_BODY_BYTES, .. })),
        "{e:?}"
    );

    let e = err(&env, &world, "search_place", search("boom")).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Upstream { status: 500, .. })), "{e:?}");
    assert!(e.to_string().contains("status 500") && e.to_string().contains("try again later"), "{e}");

    let e = err(&env, &world, "search_place", search("garbled")).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Malformed { .. })), "{e:?}");

    let e = err(&env, &world, "search_place", search("nowhere")).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NoResult(_))), "{e:?}");
    assert!(e.to_string().contains("found no place for \"nowhere\""), "{e}");

    // Errors are not cached: each of those asked once, and asking again asks again.
    err(&env, &world, "search_place", search("boom")).await;
    assert_eq!(fake.hits("/nominatim/search?q=boom").len(), 2);

    // Bad input is refused before any request.
    let before = fake.hits("/").len();
    for (args, field) in [
        (json!({"query": "  "}), "query"),
        (json!({"query": "x".repeat(501)}), "query"),
        (json!({"query": "Kyoto", "limit": 0}), "limit"),
        (json!({"query": "Kyoto", "limit": 11}), "limit"),
        (json!({"query": "Kyoto", "lang": "en&x=1"}), "lang"),
    ] {
        let e = err(&env, &world, "search_place", args.clone()).await;
        assert!(e.to_string().starts_with(&format!("{field}:")), "{args}: {e}");
    }
    let e = err(&env, &world, "search_place", json!({"query": "Kyoto", "extra": 1})).await;
    assert!(matches!(e, OpError::InvalidArguments(_)), "{e:?}");
    assert_eq!(fake.hits("/").len(), before);

    // The SQLite cache saw none of the failures.
    let cached = env.int("SELECT count(*) FROM world_cache".into()).await;
    assert_eq!(cached, 1, "only the empty answer for \"nowhere\" is cached");
}

#[tokio::test]
async fn reverse_geocode_names_the_place_and_says_when_there_is_none() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world =
        World::new(WorldConfig { nominatim_interval: Duration::from_millis(1), ..fake.config() }).unwrap();
    let out = ok(&env, &world, "reverse_geocode", json!({"lat": 35.03944, "lng": 135.72925})).await;
    assert_eq!(out["name"], "Kinkaku-ji");
    assert_eq!(out["country_code"], "JP");
    assert_eq!(out["osm_id"], "way/36991829");
    assert!(out["address"].as_str().unwrap().contains("Kyoto"));
    let query = fake.log.lock().unwrap()[0].0.clone();
    assert!(query.contains("lat=35.03944") && query.contains("lon=135.72925"), "{query}");

    let e = err(&env, &world, "reverse_geocode", json!({"lat": 0.0, "lng": -30.0})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NoResult(_))), "{e:?}");
    // "Nothing there" is cached like any answer.
    err(&env, &world, "reverse_geocode", json!({"lat": 0.0, "lng": -30.0})).await;
    assert_eq!(fake.hits("/nominatim/reverse").len(), 2);

    for (args, field) in
        [(json!({"lat": 91.0, "lng": 0.0}), "lat"), (json!({"lat": 0.0, "lng": 180.5}), "lng")]
    {
        let e = err(&env, &world, "reverse_geocode", args).await;
        assert!(e.to_string().starts_with(&format!("{field}:")), "{e}");
    }
}

#[tokio::test]
async fn weather_for_a_day_and_hour_by_hour() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();
    let args = json!({"lat": 35.0116, "lng": 135.7681, "date": "2027-04-05"});
    let out = ok(&env, &world, "get_weather", args.clone()).await;
    let w = &out["weather"];
    assert_eq!(w["date"], "2027-04-05");
    assert_eq!(w["timezone"], "Asia/Tokyo");
    assert_eq!(w["weather_code"], 61);
    assert_eq!(w["description"], "Slight rain");
    assert_eq!(w["temperature_max_c"], 17.8);
    assert_eq!(w["temperature_min_c"], 8.1);
    assert_eq!(w["precipitation_probability_percent"], 70.0);
    assert_eq!(w["sunrise"], "2027-04-05T05:41");
    assert!(w.get("hours").is_none());

    let detailed = ok(&env, &world, "get_detailed_weather", args.clone()).await;
    let hours = detailed["weather"]["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    assert_eq!(hours[14]["time"], "2027-04-05T14:00");
    assert_eq!(hours[14]["temperature_c"], 14.0);
    assert_eq!(hours[14]["description"], "Slight rain");
    assert_eq!(detailed["weather"]["temperature_max_c"], 17.8);

    // Daily and detailed are cached separately; a repeat asks nothing; an hour later it asks again.
    ok(&env, &world, "get_weather", args.clone()).await;
    assert_eq!(fake.hits("/meteo/").len(), 2);
    call(&env, &world, NOW + OPEN_METEO_CACHE_TTL_SECS, "get_weather", args).await.unwrap();
    assert_eq!(fake.hits("/meteo/").len(), 3);
}

#[tokio::test]
async fn weather_outside_the_forecast_range_is_answered_without_asking() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();
    let e = err(&env, &world, "get_weather", json!({"lat": 35.0, "lng": 135.7, "date": "2027-05-01"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::OutOfRange(_))), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("too far ahead") && text.contains("2027-04-16") && text.contains("16 days"),
        "{text}"
    );
    let e =
        err(&env, &world, "get_detailed_weather", json!({"lat": 35.0, "lng": 135.7, "date": "2027-03-01"}))
            .await;
    assert!(e.to_string().contains("in the past"), "{e}");
    let e = err(&env, &world, "get_weather", json!({"lat": 35.0, "lng": 135.7, "date": "April 5"})).await;
    assert!(e.to_string().starts_with("date:"), "{e}");
    assert!(fake.hits("/").is_empty());

    let e = err(&env, &world, "get_weather", json!({"lat": 0.0, "lng": 0.0, "date": "2027-04-05"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Upstream { status: 500, .. })), "{e:?}");
}

#[tokio::test]
async fn holidays_and_their_countries() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();
    let countries = ok(&env, &world, "list_holiday_countries", json!({})).await;
    let names: Vec<&str> =
        countries["countries"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Andorra", "Austria", "Japan", "Switzerland"], "sorted by name");
    assert_eq!(countries["countries"][2]["country_code"], "JP");

    let out = ok(&env, &world, "list_holidays", json!({"country": "jp", "year": 2027})).await;
    assert_eq!(out["country"], "JP");
    let holidays = out["holidays"].as_array().unwrap();
    assert_eq!(holidays.len(), 5);
    assert_eq!(holidays[0]["date"], "2027-01-01");
    assert_eq!(holidays[0]["name"], "New Year's Day");
    assert_eq!(holidays[0]["local_name"], "元日");
    assert_eq!(holidays[0]["global"], true);
    assert_eq!(holidays[0]["types"], json!(["Public"]));

    let e = err(&env, &world, "list_holidays", json!({"country": "XX", "year": 2027})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NoResult(_))), "{e:?}");
    assert!(e.to_string().contains("list_holiday_countries"), "{e}");
    for (args, field) in [
        (json!({"country": "JPN", "year": 2027}), "country"),
        (json!({"country": "JP", "year": 20270}), "year"),
    ] {
        let e = err(&env, &world, "list_holidays", args).await;
        assert!(e.to_string().starts_with(&format!("{field}:")), "{e}");
    }
    // Holidays are read with the vacay scope (the seed lists them under Vacay).
    let geo_only = ScopeSet::from_scopes([Scope::GeoRead, Scope::WeatherRead]);
    let e = registry()
        .execute_with(
            Some(&world),
            &env.store,
            "list_holidays",
            env.owner,
            geo_only,
            NOW,
            json!({"country": "JP", "year": 2027}),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::MissingScope(Scope::VacayRead)), "{e:?}");
}

#[tokio::test]
async fn google_places_only_with_a_key_and_the_error_says_how_to_configure_it() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let without = fake.world();
    let e =
        err(&env, &without, "get_place_details", json!({"place_id": "ChIJvUbrwCCoAWARX2QiHCsn5A4"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NotConfigured(_))), "{e:?}");
    assert!(e.to_string().contains(ENV_GOOGLE_MAPS_API_KEY) && e.to_string().contains("restart Trek"), "{e}");
    assert!(fake.hits("/google").is_empty());

    let with = fake.with_google();
    let out = ok(&env, &with, "get_place_details", json!({"place_id": "ChIJvUbrwCCoAWARX2QiHCsn5A4"})).await;
    let d = &out["details"];
    assert_eq!(d["name"], "Kinkaku-ji");
    assert_eq!(d["rating"], 4.6);
    assert_eq!(d["rating_count"], 61234);
    assert_eq!(d["opening_hours"].as_array().unwrap().len(), 7);
    assert_eq!(d["open_now"], false);
    assert_eq!(d["photos"][0]["attributions"], json!(["A. Visitor"]));
    assert_eq!(d["website"], "https://www.shokoku-ji.jp/kinkakuji/");

    // With a key, search_place comes from Google and carries google_place_id.
    let found = ok(&env, &with, "search_place", json!({"query": "Kinkaku-ji"})).await;
    assert_eq!(found["source"], "google");
    assert_eq!(found["places"][0]["google_place_id"], "ChIJvUbrwCCoAWARX2QiHCsn5A4");
    assert_eq!(found["places"][0]["lat"], 35.0393889);

    let e = err(&env, &with, "get_place_details", json!({"place_id": "missing"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NoResult(_))), "{e:?}");
    // A place id cannot change the request path.
    let e = err(&env, &with, "get_place_details", json!({"place_id": "../../secret"})).await;
    assert!(e.to_string().starts_with("place_id:"), "{e}");
    // A refused key is reported with what to check.
    let wrong =
        World::new(WorldConfig { google_api_key: Some(ApiKey::new("wrong")), ..fake.config() }).unwrap();
    let e = err(&env, &wrong, "get_place_details", json!({"place_id": "ChIJother"})).await;
    assert!(e.to_string().contains("status 403") && e.to_string().contains("Places API (New)"), "{e}");
    // The key never shows in Debug output.
    assert!(!format!("{:?}", fake.with_google()).contains(GOOGLE_KEY));
}

#[tokio::test]
async fn maps_links_resolve_locally_and_through_checked_redirects() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();

    // A long URL is read without any request.
    let out = ok(&env, &world, "resolve_maps_url", json!({"url": KINKAKUJI_LONG})).await;
    assert_eq!((out["lat"].as_f64(), out["lng"].as_f64()), (Some(35.0394), Some(135.7292)));
    assert_eq!(out["name"], "Kinkaku-ji");
    assert_eq!(out["coordinates_from"], "url");
    assert!(fake.hits("/").is_empty());

    // A short link is followed (two hops here) to the long URL, then cached.
    let short = json!({"url": "https://maps.app.goo.gl/hop"});
    let out = ok(&env, &world, "resolve_maps_url", short.clone()).await;
    assert_eq!(out["name"], "Kinkaku-ji");
    assert_eq!(out["resolved_url"], KINKAKUJI_LONG);
    assert_eq!(fake.hits("/").len(), 2);
    assert_eq!(ok(&env, &world, "resolve_maps_url", short).await, out);
    assert_eq!(fake.hits("/").len(), 2);
    ok(&env, &world, "resolve_maps_url", json!({"url": "https://goo.gl/maps/legacy"})).await;

    // A link that names a place without coordinates is looked up on OpenStreetMap.
    let out = ok(&env, &world, "resolve_maps_url", json!({"url": "https://maps.app.goo.gl/nameonly"})).await;
    assert_eq!(out["coordinates_from"], "openstreetmap");
    assert_eq!(out["lat"], 35.0394385);
}

#[tokio::test]
async fn maps_links_never_lead_outside_google() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.world();

    // Redirect to a foreign host: refused before it is contacted.
    let e = err(&env, &world, "resolve_maps_url", json!({"url": "https://maps.app.goo.gl/evil"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Refused(_))), "{e:?}");
    assert!(
        e.to_string().contains("evil.example") && e.to_string().contains("not a Google Maps address"),
        "{e}"
    );
    // Were it followed, the test origin would have seen /secret.
    assert!(fake.hits("/secret").is_empty());

    // A downgrade to plain http is refused too.
    let e = err(&env, &world, "resolve_maps_url", json!({"url": "https://maps.app.goo.gl/downgrade"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Refused(_))), "{e:?}");

    // A redirect loop stops at the hop limit.
    let e = err(&env, &world, "resolve_maps_url", json!({"url": "https://maps.app.goo.gl/loop"})).await;
    assert!(e.to_string().contains(&format!("more than {MAPS_LINK_MAX_HOPS} times")), "{e}");
    assert_eq!(fake.hits("/loop").len(), MAPS_LINK_MAX_HOPS);

    // A link that does not redirect (expired) says so.
    let e = err(&env, &world, "resolve_maps_url", json!({"url": "https://maps.app.goo.gl/dead"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::NoResult(_))), "{e:?}");

    // Only Google Maps links are accepted at all.
    for url in
        ["https://evil.example/maps/@1,2,3z", "file:///etc/passwd", "https://google.com.evil.example/maps/"]
    {
        let e = err(&env, &world, "resolve_maps_url", json!({ "url": url })).await;
        assert!(e.to_string().starts_with("url:"), "{url}: {e}");
    }
}

#[tokio::test]
async fn each_provider_keeps_its_answers_for_its_named_lifetime() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.with_google();
    let cases = [
        (
            "list_holidays",
            json!({"country": "JP", "year": 2027}),
            "/nager/api/v3/PublicHolidays",
            NAGER_CACHE_TTL_SECS,
        ),
        ("list_holiday_countries", json!({}), "/nager/api/v3/AvailableCountries", NAGER_CACHE_TTL_SECS),
        ("resolve_maps_url", json!({"url": "https://maps.app.goo.gl/abc"}), "/abc", MAPS_LINK_CACHE_TTL_SECS),
        (
            "get_place_details",
            json!({"place_id": "ChIJvUbrwCCoAWARX2QiHCsn5A4"}),
            "/google/v1/places/",
            GOOGLE_PLACES_CACHE_TTL_SECS,
        ),
    ];
    for (name, args, path, ttl) in cases {
        for (now, expected) in [(NOW, 1), (NOW + ttl - 1, 1), (NOW + ttl, 2)] {
            call(&env, &world, now, name, args.clone()).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(fake.hits(path).len(), expected, "{name} at +{}s", now - NOW);
        }
    }
}

#[tokio::test]
async fn input_limits_are_checked_before_any_request() {
    let (fake, env) = (Fake::start().await, Env::new().await);
    let world = fake.with_google();
    let long_url = format!("https://www.google.com/maps/place/{}", "x".repeat(MAX_MAPS_URL_CHARS));
    let e = err(&env, &world, "resolve_maps_url", json!({ "url": long_url })).await;
    assert!(e.to_string().starts_with("url:"), "{e}");
    let e =
        err(&env, &world, "get_place_details", json!({"place_id": "x".repeat(MAX_PLACE_ID_CHARS + 1)})).await;
    assert!(e.to_string().starts_with("place_id:"), "{e}");
    assert!(fake.hits("/").is_empty());
    // At the limit the id is sent.
    ok(&env, &world, "get_place_details", json!({"place_id": "x".repeat(MAX_PLACE_ID_CHARS)})).await;
    assert_eq!(fake.hits("/google/v1/places/").len(), 1);
}

#[tokio::test]
async fn without_providers_outbound_operations_fail_clearly() {
    let env = Env::new().await;
    let e = env.err("get_weather", json!({"lat": 1.0, "lng": 2.0, "date": "2027-01-16"})).await;
    assert!(matches!(e, OpError::Outbound(WorldError::Unavailable)), "{e:?}");
}

/// The server wired with the fake providers (and a manual clock).
async fn server(fake: &Fake, clock: Arc<ManualClock>) -> TestServer {
    let world = fake.config();
    TestServer::start_configured(None, Some(clock), move |config| config.world = world).await
}

#[tokio::test]
async fn over_mcp_the_tools_are_listed_with_scopes_and_answer() {
    let fake = Fake::start().await;
    let t = server(&fake, ManualClock::at(NOW)).await;
    let token = t.machine_token("geo:read weather:read", None).await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(t.url("/mcp")).auth_header(token),
    );
    let client = ().serve(transport).await.unwrap();
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for name in [
        "search_place",
        "reverse_geocode",
        "resolve_maps_url",
        "get_place_details",
        "get_weather",
        "get_detailed_weather",
    ] {
        let tool =
            tools.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name} missing: {names:?}"));
        let a = tool.annotations.as_ref().unwrap();
        // openWorldHint is left out: true is the specification's default.
        assert_eq!((a.read_only_hint, a.open_world_hint.unwrap_or(true)), (Some(true), true), "{name}");
    }
    assert!(!names.contains(&"list_holidays"), "vacay:read was not granted");

    let args = |v: Value| v.as_object().unwrap().clone();
    let found = client
        .call_tool(
            CallToolRequestParams::new("search_place").with_arguments(args(json!({"query": "Kinkaku-ji"}))),
        )
        .await
        .unwrap();
    assert_ne!(found.is_error, Some(true), "{found:?}");
    assert_eq!(found.structured_content.unwrap()["places"][0]["osm_id"], "way/36991829");

    let weather = client
        .call_tool(
            CallToolRequestParams::new("get_weather")
                .with_arguments(args(json!({"lat": 35.0, "lng": 135.7, "date": "2027-05-01"}))),
        )
        .await
        .unwrap();
    assert_eq!(weather.is_error, Some(true));
    let text = format!("{:?}", weather.content);
    assert!(text.contains("too far ahead"), "{text}");

    let details = client
        .call_tool(
            CallToolRequestParams::new("get_place_details")
                .with_arguments(args(json!({"place_id": "ChIJx"}))),
        )
        .await
        .unwrap();
    assert_eq!(details.is_error, Some(true));
    assert!(format!("{:?}", details.content).contains(ENV_GOOGLE_MAPS_API_KEY));
    client.cancel().await.unwrap();
    t.stop().await;
}

#[tokio::test]
async fn the_ui_api_uses_the_cache_until_it_expires_on_the_server_clock() {
    let fake = Fake::start().await;
    let clock = ManualClock::at(NOW);
    let t = server(&fake, clock.clone()).await;
    let search = |cookie: String| {
        t.http
            .post(t.url("/api/ops/search_place"))
            .header("cookie", cookie)
            .json(&json!({"query": "Kinkaku-ji"}))
            .send()
    };
    let cookie = t.owner_cookie().await;
    let first = search(cookie.clone()).await.unwrap();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["places"][0]["name"], "Kinkaku-ji");
    assert_eq!(search(cookie.clone()).await.unwrap().status(), 200);
    assert_eq!(fake.hits("/nominatim/search").len(), 1);
    clock.advance(NOMINATIM_CACHE_TTL_SECS);
    // The owner session lives as long as the cache entry: log in again.
    let cookie = t.owner_cookie().await;
    assert_eq!(search(cookie.clone()).await.unwrap().status(), 200);
    assert_eq!(fake.hits("/nominatim/search").len(), 2);

    // Errors keep their meaning over HTTP.
    let response = t
        .http
        .post(t.url("/api/ops/get_place_details"))
        .header("cookie", cookie.clone())
        .json(&json!({"place_id": "ChIJx"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_configured");
    t.stop().await;
}
