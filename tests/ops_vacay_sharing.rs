//! Vacay sharing and holiday calendars through the registry: invites among companion profiles
//! (send, accept, decline, cancel, every refusal), members' own days and statistics, dissolving;
//! public holiday calendars against a local stand-in for Nager.Date (region filtering, days off
//! in toggles and statistics, one fetch per region and year, the provider's errors changing
//! nothing); the add-on switch and scopes in the registry and over MCP.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use trek::auth::scopes::{Scope, ScopeSet};
use trek::domain::vacay_sharing::MAX_VACAY_COMPANIONS;
use trek::domain::{ChangeAction, DomainError};
use trek::ops::{Addon, AddonSet, OpError, registry};
use trek::providers::world::nominatim::NOMINATIM_MIN_INTERVAL;
use trek::providers::world::{World, WorldConfig};

use crate::ops_support::{
    Env, NOW, assert_changed, assert_invalid, assert_matches_output_schema, assert_not_found,
};
use crate::support::{TestServer, rpc_result};

const NEW_TOOLS: [&str; 10] = [
    "get_available_vacay_users",
    "send_vacay_invite",
    "accept_vacay_invite",
    "decline_vacay_invite",
    "cancel_vacay_invite",
    "dissolve_vacay_plan",
    "add_holiday_calendar",
    "update_holiday_calendar",
    "delete_holiday_calendar",
    "get_vacay_holidays",
];

/// tools/list bytes per tool (name, title, description, schema, annotations) the new tools keep to.
const TOOL_LIST_BUDGET_BYTES: usize = 600;

fn conflict(e: &OpError) -> String {
    match e {
        OpError::Domain(DomainError::Conflict(m)) => m.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn invites_answers_members_and_dissolving() {
    let env = Env::new().await;
    let owner = env.owner.user.0;
    let (alex, sam, kim) =
        (env.companion("Alex").await, env.companion("sam").await, env.companion("Kim").await);
    let available = env.ok("get_available_vacay_users", json!({})).await;
    assert_eq!(names(&available, "users"), ["Alex", "Kim", "sam"]);

    let (plan, changes) = env.call("send_vacay_invite", json!({"user_id": alex})).await.unwrap();
    assert_changed(&changes, "vacay_plan", ChangeAction::Updated);
    assert_eq!(names(&plan, "pending_invites"), ["Alex"]);
    assert_eq!(plan["pending_invites"][0]["invited_at"], NOW);
    assert_eq!(names(&env.ok("get_available_vacay_users", json!({})).await, "users"), ["Kim", "sam"]);
    assert!(
        conflict(&env.err("send_vacay_invite", json!({"user_id": alex})).await).contains("already invited")
    );
    assert_invalid(&env.err("send_vacay_invite", json!({"user_id": owner})).await, "user_id");
    assert_not_found(&env.err("send_vacay_invite", json!({"user_id": 9999})).await, "companion profile");

    // Accepting makes Alex a member with a colour of their own.
    let plan = env.ok("accept_vacay_invite", json!({"user_id": alex})).await;
    assert_eq!(
        (plan["members"][0]["role"].clone(), plan["members"][0]["user_id"].clone()),
        (json!("owner"), json!(owner))
    );
    assert_eq!(
        (plan["members"][1]["name"].clone(), plan["members"][1]["role"].clone()),
        (json!("Alex"), json!("member"))
    );
    assert_ne!(plan["members"][1]["color"], plan["members"][0]["color"]);
    assert_eq!(plan["pending_invites"], json!([]));
    assert!(conflict(&env.err("send_vacay_invite", json!({"user_id": alex})).await).contains("already in"));
    let not_pending = "pending vacation invite for user";
    assert_not_found(&env.err("accept_vacay_invite", json!({"user_id": alex})).await, not_pending);
    assert_not_found(&env.err("accept_vacay_invite", json!({"user_id": 9999})).await, not_pending);

    // Declining and cancelling both remove the invite; neither makes a member.
    env.ok("send_vacay_invite", json!({"user_id": sam})).await;
    let plan = env.ok("decline_vacay_invite", json!({"user_id": sam})).await;
    assert_eq!((plan["members"].as_array().unwrap().len(), plan["pending_invites"].clone()), (2, json!([])));
    assert_not_found(&env.err("decline_vacay_invite", json!({"user_id": sam})).await, not_pending);
    env.ok("send_vacay_invite", json!({"user_id": kim})).await;
    env.ok("cancel_vacay_invite", json!({"user_id": kim})).await;
    assert_not_found(&env.err("cancel_vacay_invite", json!({"user_id": kim})).await, not_pending);
    assert_eq!(names(&env.ok("get_available_vacay_users", json!({})).await, "users"), ["Kim", "sam"]);

    // Members get their own days, allowance and statistics; non-members are refused.
    env.ok("add_vacay_year", json!({"year": 2027})).await;
    env.ok("toggle_vacay_entry", json!({"date": "2027-04-06"})).await;
    assert_eq!(
        env.ok("toggle_vacay_entry", json!({"date": "2027-04-05", "user_id": alex})).await["on"],
        true
    );
    env.ok("toggle_vacay_entry", json!({"date": "2027-04-06", "user_id": alex})).await;
    let stats = env.ok("update_vacay_stats", json!({"year": 2027, "allowance": 20, "user_id": alex})).await;
    assert_eq!(
        (stats["user_id"].as_i64(), stats["used"].as_i64(), stats["remaining"].as_i64()),
        (Some(alex), Some(2), Some(18))
    );
    let mine = env.ok("get_vacay_stats", json!({"year": 2027})).await;
    assert_eq!(
        (mine["user_id"].as_i64(), mine["used"].as_i64(), mine["allowance"].as_i64()),
        (Some(owner), Some(1), Some(30))
    );
    let not_member = "vacation plan member";
    assert_not_found(
        &env.err("toggle_vacay_entry", json!({"date": "2027-04-07", "user_id": sam})).await,
        not_member,
    );
    assert_not_found(&env.err("get_vacay_stats", json!({"year": 2027, "user_id": sam})).await, not_member);
    let entries = env.ok("get_vacay_entries", json!({"year": 2027})).await;
    assert_eq!(entries["entries"].as_array().unwrap().len(), 3);

    // Dissolving: companions leave with their days and allowances; yours stay.
    env.ok("send_vacay_invite", json!({"user_id": kim})).await;
    let plan = env.ok("dissolve_vacay_plan", json!({})).await;
    assert_eq!(plan["members"].as_array().unwrap().len(), 1);
    assert_eq!(plan["pending_invites"], json!([]));
    assert_eq!(env.int(format!("SELECT count(*) FROM vacay_entries WHERE user_id = {alex}")).await, 0);
    assert_eq!(env.int(format!("SELECT count(*) FROM vacay_allowances WHERE user_id = {alex}")).await, 0);
    assert_eq!(env.int(format!("SELECT count(*) FROM vacay_entries WHERE user_id = {owner}")).await, 1);
    assert!(conflict(&env.err("dissolve_vacay_plan", json!({})).await).contains("not shared"));
    assert!(conflict(&Env::new().await.err("dissolve_vacay_plan", json!({})).await).contains("not shared"));
}

#[tokio::test]
async fn invites_are_limited() {
    let env = Env::new().await;
    for i in 0..MAX_VACAY_COMPANIONS {
        let id = env.companion(&format!("Friend {i}")).await;
        env.ok("send_vacay_invite", json!({"user_id": id})).await;
    }
    let extra = env.companion("One more").await;
    match env.err("send_vacay_invite", json!({"user_id": extra})).await {
        OpError::Domain(DomainError::Limit { limit, .. }) => assert_eq!(limit, MAX_VACAY_COMPANIONS),
        other => panic!("expected the limit, got {other:?}"),
    }
    assert_eq!(env.int("SELECT count(*) FROM vacay_invites".into()).await, MAX_VACAY_COMPANIONS as i64);
}

/// A stand-in for Nager.Date: DE and JP 2027 from recorded answers, FR answers 500, anything
/// else 404. Counts the holiday requests.
struct Nager {
    base: String,
    hits: Arc<AtomicUsize>,
}

async fn holidays(
    State(hits): State<Arc<AtomicUsize>>,
    Path((year, country)): Path<(String, String)>,
) -> Response {
    hits.fetch_add(1, Ordering::SeqCst);
    let body = match (year.as_str(), country.as_str()) {
        ("2027", "DE") => include_str!("fixtures/world/nager_holidays_de_2027.json"),
        ("2027", "JP") => include_str!("fixtures/world/nager_holidays_jp_2027.json"),
        (_, "FR") => return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

impl Nager {
    async fn start() -> Self {
        let hits = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/nager/api/v3/PublicHolidays/{year}/{country}", get(holidays))
            .with_state(hits.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, hits }
    }

    fn world(&self) -> World {
        let unused = url::Url::parse(&format!("{}/unused/", self.base)).unwrap();
        World::new(WorldConfig {
            nominatim_url: unused.clone(),
            open_meteo_url: unused.clone(),
            nager_date_url: url::Url::parse(&format!("{}/nager/", self.base)).unwrap(),
            google_places_url: unused,
            google_api_key: None,
            timeout: Duration::from_secs(5),
            nominatim_interval: NOMINATIM_MIN_INTERVAL,
            maps_link_origin_for_tests: None,
        })
        .unwrap()
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn call(env: &Env, world: &World, name: &str, args: Value) -> Result<Value, OpError> {
    let result =
        registry().execute_with(Some(world), &env.store, name, env.owner, ScopeSet::all(), NOW, args).await;
    result.map(|(v, _)| {
        assert_matches_output_schema(name, &v);
        v
    })
}

async fn ok(env: &Env, world: &World, name: &str, args: Value) -> Value {
    call(env, world, name, args.clone()).await.unwrap_or_else(|e| panic!("{name} {args}: {e}"))
}

async fn err(env: &Env, world: &World, name: &str, args: Value) -> OpError {
    match call(env, world, name, args.clone()).await {
        Ok(v) => panic!("{name} {args} succeeded with {v}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn holiday_calendars_are_days_off() {
    let (nager, env) = (Nager::start().await, Env::new().await);
    let world = nager.world();
    ok(&env, &world, "add_vacay_year", json!({"year": 2027})).await;
    assert_eq!(nager.hits(), 0, "no calendar, nothing fetched");
    ok(&env, &world, "toggle_vacay_entry", json!({"date": "2027-01-06"})).await;
    ok(&env, &world, "toggle_vacay_entry", json!({"date": "2027-01-07"})).await;

    // A Bavarian calendar: nationwide holidays plus Bavaria's, not other regions' nor bank days.
    let added =
        ok(&env, &world, "add_holiday_calendar", json!({"region": " de-by ", "label": "Bavaria"})).await;
    assert_eq!(added["calendars"][0]["region"], "DE-BY");
    assert_eq!(added["calendars"][0]["label"], "Bavaria");
    let calendar = added["calendars"][0]["id"].as_i64().unwrap();
    assert_eq!(nager.hits(), 1);
    let got = ok(&env, &world, "get_vacay_holidays", json!({"year": 2027})).await;
    let dates: Vec<&str> =
        got["holidays"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        ["2027-01-01", "2027-01-06", "2027-03-26", "2027-03-29", "2027-05-01", "2027-05-27", "2027-12-25"]
    );
    assert_eq!(got["holidays"][1]["local_name"], "Heilige Drei Könige");
    assert_eq!(got["holidays"][1]["calendar_id"], calendar);
    // The vacation day logged on Epiphany is gone (a day off); the next day stays.
    let entries = ok(&env, &world, "get_vacay_entries", json!({"year": 2027})).await;
    assert_eq!(entries["entries"].as_array().unwrap().len(), 1);
    assert_eq!(entries["entries"][0]["date"], "2027-01-07");
    let refused = err(&env, &world, "toggle_vacay_entry", json!({"date": "2027-03-26"})).await;
    assert_invalid(&refused, "date");
    assert!(refused.to_string().contains("public holiday"), "{refused}");
    let stats = ok(&env, &world, "get_vacay_stats", json!({"year": 2027})).await;
    assert_eq!((stats["public_holidays"].as_i64(), stats["used"].as_i64()), (Some(7), Some(1)));
    assert_eq!(nager.hits(), 1, "stored holidays are not fetched again");
    // Without the providers (no network at all) the stored holidays still count.
    assert_eq!(env.ok("get_vacay_stats", json!({"year": 2027})).await["public_holidays"], 7);

    // A second calendar on the same days counts each day once.
    ok(&env, &world, "add_holiday_calendar", json!({"region": "DE", "color": "#00FF00"})).await;
    assert_eq!(nager.hits(), 1, "Germany's 2027 answer is in the world cache");
    assert_eq!(ok(&env, &world, "get_vacay_stats", json!({"year": 2027})).await["public_holidays"], 7);
    assert_eq!(
        ok(&env, &world, "get_vacay_holidays", json!({"year": 2027})).await["holidays"]
            .as_array()
            .unwrap()
            .len(),
        12
    );

    // Refusals change nothing.
    assert!(
        conflict(&err(&env, &world, "add_holiday_calendar", json!({"region": "DE-BY"})).await)
            .contains("already")
    );
    for bad in ["XX", "DE-ZZ", "", "Bavaria"] {
        assert_invalid(&err(&env, &world, "add_holiday_calendar", json!({"region": bad})).await, "region");
    }
    assert_invalid(
        &err(&env, &world, "add_holiday_calendar", json!({"region": "JP", "color": "red"})).await,
        "color",
    );
    assert_invalid(&err(&env, &world, "get_vacay_holidays", json!({"year": 1800})).await, "year");
    assert_eq!(env.int("SELECT count(*) FROM vacay_holiday_calendars".into()).await, 2);

    // Update: label cleared with "", colour checked, something must change, unknown ids refused.
    let updated = ok(
        &env,
        &world,
        "update_holiday_calendar",
        json!({"calendar_id": calendar, "label": "", "color": "#ABC"}),
    )
    .await;
    assert_eq!(
        (updated["calendars"][0]["label"].clone(), updated["calendars"][0]["color"].clone()),
        (Value::Null, json!("#abc"))
    );
    assert_invalid(
        &err(&env, &world, "update_holiday_calendar", json!({"calendar_id": calendar, "color": "x"})).await,
        "color",
    );
    assert_invalid(
        &err(&env, &world, "update_holiday_calendar", json!({"calendar_id": calendar})).await,
        "label",
    );
    let label = "x".repeat(trek::domain::vacay_calendars::MAX_CALENDAR_LABEL_CHARS + 1);
    assert_invalid(
        &err(&env, &world, "update_holiday_calendar", json!({"calendar_id": calendar, "label": label})).await,
        "label",
    );
    assert_not_found(
        &err(&env, &world, "update_holiday_calendar", json!({"calendar_id": 999, "label": "a"})).await,
        "holiday calendar",
    );

    // Deleting both calendars: their holidays are working days again.
    ok(&env, &world, "delete_holiday_calendar", json!({"calendar_id": calendar})).await;
    let rest = ok(&env, &world, "get_vacay_plan", json!({})).await["holiday_calendars"].clone();
    ok(&env, &world, "delete_holiday_calendar", json!({"calendar_id": rest[0]["id"]})).await;
    assert_not_found(
        &err(&env, &world, "delete_holiday_calendar", json!({"calendar_id": calendar})).await,
        "holiday calendar",
    );
    assert_eq!(ok(&env, &world, "toggle_vacay_entry", json!({"date": "2027-03-26"})).await["on"], true);
    assert_eq!(ok(&env, &world, "get_vacay_stats", json!({"year": 2027})).await["public_holidays"], 0);
}

#[tokio::test]
async fn holiday_provider_errors_are_clear_and_change_nothing() {
    let (nager, env) = (Nager::start().await, Env::new().await);
    let world = nager.world();
    ok(&env, &world, "add_vacay_year", json!({"year": 2027})).await;
    // Nager.Date failing (500) refuses the calendar with a message naming the service.
    let e = err(&env, &world, "add_holiday_calendar", json!({"region": "FR"})).await;
    assert!(matches!(e, OpError::Outbound(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("Nager.Date") && text.contains("500"), "{text}");
    assert_eq!(env.int("SELECT count(*) FROM vacay_holiday_calendars".into()).await, 0);
    assert_eq!(env.int("SELECT count(*) FROM vacay_region_years".into()).await, 0);

    // A year Nager.Date has nothing for: adding it is refused, saying so, and not tracked.
    ok(&env, &world, "add_holiday_calendar", json!({"region": "JP"})).await;
    let e = err(&env, &world, "add_vacay_year", json!({"year": 2031})).await;
    assert!(e.to_string().contains("no public holidays for country JP in 2031"), "{e}");
    assert_eq!(ok(&env, &world, "list_vacay_years", json!({})).await["years"], json!([2027]));
    // A calendar added while the service fails for it leaves the plan as it was.
    let e = err(&env, &world, "add_holiday_calendar", json!({"region": "FR"})).await;
    assert!(e.to_string().contains("try again later"), "{e}");
    assert_eq!(
        ok(&env, &world, "get_vacay_plan", json!({})).await["holiday_calendars"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn switched_off_or_out_of_scope_the_new_tools_are_absent() {
    let visible = |scopes: ScopeSet, addons: AddonSet| -> Vec<&'static str> {
        registry().visible(scopes, addons).map(|e| e.meta.name).collect()
    };
    let all = visible(ScopeSet::all(), AddonSet::all());
    let off = visible(ScopeSet::all(), AddonSet::all().with(Addon::Vacay, false));
    for name in NEW_TOOLS {
        assert!(all.contains(&name), "{name} offered");
        assert!(!off.contains(&name), "{name} hidden with Vacay off");
    }
    let read_only = visible(ScopeSet::from_scopes([Scope::VacayRead]), AddonSet::all());
    assert!(read_only.contains(&"get_available_vacay_users") && read_only.contains(&"get_vacay_holidays"));
    assert!(
        !read_only
            .iter()
            .any(|n| n.contains("invite") || n.contains("calendar") || *n == "dissolve_vacay_plan")
    );

    let env = Env::new().await;
    let friend = env.companion("Alex").await;
    let read = registry()
        .execute(
            &env.store,
            "send_vacay_invite",
            env.owner,
            ScopeSet::from_scopes([Scope::VacayRead]),
            NOW,
            json!({"user_id": friend}),
        )
        .await
        .unwrap_err();
    assert!(matches!(read, OpError::MissingScope(Scope::VacayWrite)), "{read:?}");
    env.exec(r#"INSERT INTO settings (key, value) VALUES ('addons', '{"vacay": false}')"#.into()).await;
    for (name, args) in [
        ("send_vacay_invite", json!({"user_id": friend})),
        ("add_holiday_calendar", json!({"region": "DE"})),
        ("get_vacay_holidays", json!({"year": 2027})),
    ] {
        let nager = Nager::start().await;
        let e = registry()
            .execute_with(Some(&nager.world()), &env.store, name, env.owner, ScopeSet::all(), NOW, args)
            .await
            .unwrap_err();
        assert!(matches!(e, OpError::AddonDisabled(Addon::Vacay)), "{name}: {e:?}");
        assert_eq!(nager.hits(), 0, "{name}: nothing fetched for a switched-off add-on");
    }
    assert_eq!(env.int("SELECT count(*) FROM vacay_invites".into()).await, 0);
}

async fn rpc(t: &TestServer, token: &str, session: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 3, "method": method, "params": params });
    rpc_result(t.mcp_post(Some(token), Some(session), body).await).await
}

#[tokio::test]
async fn over_mcp_the_holidays_resource_follows_the_add_on() {
    let t = TestServer::start().await;
    let owner = t.owner_cookie().await;
    let token = t.machine_token("vacay:write", None).await;
    let session = t.mcp_session(&token).await;
    let tools = rpc(&t, &token, &session, "tools/list", json!({})).await;
    let listed = tools["result"]["tools"].as_array().unwrap();
    let tools: Vec<&str> = listed.iter().map(|t| t["name"].as_str().unwrap()).collect();
    for name in NEW_TOOLS {
        assert!(tools.contains(&name), "{name} missing over MCP");
    }
    // Every session sends the list to the assistant: each Vacay tool stays within its budget.
    let vacay = |name: &str| name.contains("vacay") || name.contains("holiday");
    for tool in listed.iter().filter(|t| vacay(t["name"].as_str().unwrap())) {
        let bytes = tool.to_string().len();
        assert!(bytes <= TOOL_LIST_BUDGET_BYTES, "{} takes {bytes} bytes in tools/list", tool["name"]);
    }
    let templates = rpc(&t, &token, &session, "resources/templates/list", json!({})).await;
    assert!(templates.to_string().contains("trek://vacay/holidays/{year}"), "{templates}");
    let read =
        rpc(&t, &token, &session, "resources/read", json!({"uri": "trek://vacay/holidays/2027"})).await;
    let text = read["result"]["contents"][0]["text"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), json!({"year": 2027, "holidays": []}));

    let switched = t
        .http
        .put(t.url("/api/settings/addons/vacay"))
        .header("cookie", &owner)
        .json(&json!({ "enabled": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    let session = t.mcp_session(&token).await;
    let templates = rpc(&t, &token, &session, "resources/templates/list", json!({})).await;
    assert!(!templates.to_string().contains("trek://vacay/"), "{templates}");
    let read =
        rpc(&t, &token, &session, "resources/read", json!({"uri": "trek://vacay/holidays/2027"})).await;
    assert!(read["error"].to_string().contains("vacay add-on is switched off"), "{read}");
}
