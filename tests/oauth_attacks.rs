//! Attacks on the authorization server, one test each, asserting both the error the attacker
//! sees and what changed in storage (tokens revoked, audit rows): PKCE missing/plain/wrong,
//! redirect URI tricks, code replay, refresh replay, scope widening, audience mismatch, wrong
//! client secret, machine client in the browser flow, consent without the owner, the waiting
//! page from another browser, expiry, bad registrations, rate limits, CIMD.

use std::sync::Arc;

use trek::clock::ManualClock;

use crate::support::{OAuthDriver, TestServer, error_code, expect_status, pkce_pair, query_of};

const REDIRECT: &str = "http://127.0.0.1:49152/callback";

async fn audit_events(oauth: &OAuthDriver<'_>) -> Vec<String> {
    let log = oauth.owner_get("/api/oauth/audit").await;
    log.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap().to_owned()).collect()
}

fn authorize_query<'a>(client_id: &'a str, redirect: &'a str, challenge: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("scope", "trips:read"),
        ("state", "s1"),
    ]
}

/// `base` with the `changes` applied (a value of `<omit>` removes the parameter).
fn with<'a>(changes: &[(&'a str, &'a str)], base: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> =
        base.iter().filter(|(k, _)| !changes.iter().any(|(c, _)| c == k)).copied().collect();
    out.extend(changes.iter().filter(|(_, v)| *v != "<omit>").copied());
    out
}

#[tokio::test]
async fn pkce_missing_plain_or_unspecified_is_refused_at_authorize() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let base = authorize_query(&client_id, REDIRECT, &challenge);
    for case in [
        vec![("code_challenge", "<omit>"), ("code_challenge_method", "<omit>")],
        vec![("code_challenge_method", "plain")],
        vec![("code_challenge_method", "<omit>")],
        vec![("code_challenge", "too-short")],
    ] {
        let query = with(&case, &base);
        let response = t.http.get(t.url("/oauth/authorize")).query(&query).send().await.unwrap();
        assert_eq!(response.status(), 302, "{case:?}");
        let params = query_of(response.headers()["location"].to_str().unwrap());
        assert_eq!(params["error"], "invalid_request", "{case:?}");
        assert_eq!(params["state"], "s1");
        assert!(!params.contains_key("code"));
    }
    assert!(
        oauth.owner_get("/api/oauth/consents").await.as_array().unwrap().is_empty(),
        "nothing was queued"
    );
    t.stop().await;
}

#[tokio::test]
async fn wrong_pkce_verifier_is_refused_at_token() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let (other_verifier, _) = pkce_pair();
    for bad in [Some(other_verifier.as_str()), Some("short"), None] {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", client_id.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ];
        if let Some(v) = bad {
            form.push(("code_verifier", v));
        }
        let response = oauth.token(&form).await;
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(error_code(&expect_status(response, 400).await), "invalid_grant", "{bad:?}");
    }
    // The right verifier still works: failed attempts issued nothing.
    oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    t.stop().await;
}

#[tokio::test]
async fn redirect_uri_tricks_are_shown_as_a_page_never_redirected() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    for evil in [
        "http://evil.example/callback",
        "http://127.0.0.1:49152/callback/extra",
        "http://127.0.0.1:49152/callback#frag",
        "http://127.0.0.1@evil.example/callback",
        "http://127.0.0.1.evil.example/callback",
        "javascript:alert(1)",
        "https://127.0.0.1:49152/callback",
    ] {
        let response = t
            .http
            .get(t.url("/oauth/authorize"))
            .query(&authorize_query(&client_id, evil, &challenge))
            .send()
            .await
            .unwrap();
        assert!(response.headers().get("location").is_none(), "{evil} must not be redirected to");
        let page = expect_status(response, 400).await;
        assert!(page.contains("cannot continue"), "{evil}: {page}");
    }
    // Unknown client: a page too.
    let response = t
        .http
        .get(t.url("/oauth/authorize"))
        .query(&authorize_query("trekci_nope", REDIRECT, &challenge))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("location").is_none());
    expect_status(response, 400).await;
    t.stop().await;
}

#[tokio::test]
async fn code_replay_revokes_tokens_from_first_use() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let first = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let access = first["access_token"].as_str().unwrap();
    assert!(oauth.is_active(access).await);

    let replay = oauth
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(error_code(&expect_status(replay, 400).await), "invalid_grant");
    assert!(!oauth.is_active(access).await, "the first use's access token is revoked");
    let refresh = oauth
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(error_code(&expect_status(refresh, 400).await), "invalid_grant");
    assert!(audit_events(&oauth).await.contains(&"code_replayed".to_owned()));
    assert!(oauth.owner_get("/api/oauth/sessions").await.as_array().unwrap().is_empty());
    t.stop().await;
}

#[tokio::test]
async fn refresh_replay_revokes_whole_chain() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let first = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let second: serde_json::Value =
        serde_json::from_str(&expect_status(oauth.refresh(&client_id, old_refresh).await, 200).await)
            .unwrap();

    let replay = oauth.refresh(&client_id, old_refresh).await;
    assert_eq!(error_code(&expect_status(replay, 400).await), "invalid_grant");
    // The legitimate newer tokens died with the chain.
    assert!(!oauth.is_active(second["access_token"].as_str().unwrap()).await);
    let newer = oauth.refresh(&client_id, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error_code(&expect_status(newer, 400).await), "invalid_grant");
    assert!(audit_events(&oauth).await.contains(&"refresh_replayed".to_owned()));
    t.stop().await;
}

#[tokio::test]
async fn scope_widening_on_refresh_is_refused() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let wider = oauth
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", refresh),
            ("scope", "trips:read trips:delete"),
        ])
        .await;
    assert_eq!(error_code(&expect_status(wider, 400).await), "invalid_scope");
    // Refused without rotating: the same refresh token still works.
    let ok = oauth
        .token(&[("grant_type", "refresh_token"), ("client_id", &client_id), ("refresh_token", refresh)])
        .await;
    expect_status(ok, 200).await;
    t.stop().await;
}

#[tokio::test]
async fn token_is_bound_to_the_origin_it_was_issued_for() {
    let t = TestServer::start_with(Some("https://trips.example.com")).await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let local = format!("{}/mcp", t.base);
    let public = "https://trips.example.com/mcp".to_owned();
    let ctx = t.server.oauth().verify_bearer(access.clone(), local.clone()).await.unwrap();
    assert_eq!(ctx.scopes.to_string(), "trips:read");
    let err = t.server.oauth().verify_bearer(access, public.clone()).await.unwrap_err();
    assert_eq!(err.code(), "invalid_token");

    // Asking for another origin's resource at authorize is refused.
    let (_, challenge) = pkce_pair();
    let mut query = authorize_query(&client_id, REDIRECT, &challenge);
    query.push(("resource", &public));
    let response = t.http.get(t.url("/oauth/authorize")).query(&query).send().await.unwrap();
    assert_eq!(query_of(response.headers()["location"].to_str().unwrap())["error"], "invalid_target");
    t.stop().await;
}

#[tokio::test]
async fn wrong_client_secret_is_refused_and_audited() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (id, _secret) = t.machine_client("trips:read").await;
    let response = t
        .http
        .post(t.url("/oauth/token"))
        .basic_auth(&id, Some("trekcs_wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"trek\"");
    assert_eq!(error_code(&expect_status(response, 401).await), "invalid_client");
    assert!(audit_events(&oauth).await.contains(&"client_auth_failed".to_owned()));
    assert!(oauth.owner_get("/api/oauth/sessions").await.as_array().unwrap().is_empty(), "nothing issued");
    t.stop().await;
}

#[tokio::test]
async fn machine_client_cannot_use_the_browser_flow_and_others_cannot_use_client_credentials() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (machine_id, _secret) = t.machine_client("trips:read").await;
    let (_, challenge) = pkce_pair();
    let response = t
        .http
        .get(t.url("/oauth/authorize"))
        .query(&authorize_query(&machine_id, REDIRECT, &challenge))
        .send()
        .await
        .unwrap();
    assert!(expect_status(response, 400).await.contains("unauthorized_client"));

    let public = oauth.register_public(REDIRECT).await;
    let response = oauth.token(&[("grant_type", "client_credentials"), ("client_id", &public)]).await;
    assert_eq!(error_code(&expect_status(response, 400).await), "unauthorized_client");
    t.stop().await;
}

#[tokio::test]
async fn consent_approval_without_owner_session_is_refused() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read").await;
    let path = format!("/api/oauth/consents/{}/approve", started.pending_id);
    expect_status(t.http.post(t.url(&path)).send().await.unwrap(), 401).await;
    // The browser's consent cookie is not an owner session either.
    expect_status(
        t.http.post(t.url(&path)).header("cookie", &started.consent_cookie).send().await.unwrap(),
        401,
    )
    .await;
    let status: serde_json::Value =
        serde_json::from_str(&expect_status(oauth.poll(&started).await, 200).await).unwrap();
    assert_eq!(status["status"], "pending", "still waiting for the owner");
    t.stop().await;
}

#[tokio::test]
async fn waiting_page_result_from_another_browser_is_refused() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read").await;
    expect_status(oauth.approve(&started.pending_id, None).await, 200).await;
    let url = t.url(&format!("/oauth/consent/status?id={}", started.pending_id));
    for cookie in [None, Some("trek_consent=forged"), Some(oauth.owner.as_str())] {
        let request = t.http.get(&url);
        let request = match cookie {
            Some(c) => request.header("cookie", c),
            None => request,
        };
        let body = expect_status(request.send().await.unwrap(), 403).await;
        assert!(!body.contains("code="), "{body}");
    }
    // The right browser still gets its code.
    assert!(query_of(&oauth.redirect_location(&started).await).contains_key("code"));
    t.stop().await;
}

#[tokio::test]
async fn expired_code_and_expired_access_token_are_refused() {
    let clock = ManualClock::at(1_900_000_000);
    let t = TestServer::start_full(None, Some(Arc::clone(&clock)), false).await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    clock.advance(61);
    let response = oauth
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    let body = expect_status(response, 400).await;
    assert_eq!(error_code(&body), "invalid_grant");
    assert!(body.contains("expired"), "{body}");

    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let resource = format!("{}/mcp", t.base);
    t.server.oauth().verify_bearer(access.clone(), resource.clone()).await.unwrap();
    clock.advance(3600);
    let err = t.server.oauth().verify_bearer(access.clone(), resource).await.unwrap_err();
    assert_eq!(err.description(), "the access token has expired");
    assert!(!oauth.is_active(&access).await);
    // The refresh token outlives the access token.
    let refreshed = oauth
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .await;
    expect_status(refreshed, 200).await;
    // A pending consent expires too.
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read").await;
    clock.advance(601);
    let late = oauth.approve(&started.pending_id, None).await;
    assert!(expect_status(late, 400).await.contains("expired"));
    t.stop().await;
}

#[tokio::test]
async fn bad_registrations_get_specific_errors() {
    let t = TestServer::start().await;
    let cases = [
        (serde_json::json!({ "redirect_uris": [] }), "invalid_redirect_uri"),
        (serde_json::json!({}), "invalid_redirect_uri"),
        (serde_json::json!({ "redirect_uris": ["http://evil.example/cb"] }), "invalid_redirect_uri"),
        (serde_json::json!({ "redirect_uris": ["https://x.example/*"] }), "invalid_redirect_uri"),
        (serde_json::json!({ "redirect_uris": ["javascript:alert(1)"] }), "invalid_redirect_uri"),
        (serde_json::json!({ "redirect_uris": ["https://x.example/cb#f"] }), "invalid_redirect_uri"),
        (
            serde_json::json!({ "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt" }),
            "invalid_client_metadata",
        ),
        (
            serde_json::json!({ "redirect_uris": [REDIRECT], "response_types": ["token"] }),
            "invalid_client_metadata",
        ),
        (
            serde_json::json!({ "redirect_uris": [REDIRECT], "scope": "trips:read admin:all" }),
            "invalid_client_metadata",
        ),
        (
            serde_json::json!({ "redirect_uris": [REDIRECT], "application_type": "toaster" }),
            "invalid_client_metadata",
        ),
    ];
    for (body, expected) in cases {
        let response = t.http.post(t.url("/oauth/register")).json(&body).send().await.unwrap();
        assert_eq!(error_code(&expect_status(response, 400).await), expected, "{body}");
    }
    let oauth = OAuthDriver::new(&t).await;
    let clients = oauth.owner_get("/api/oauth/clients").await;
    assert!(clients.as_array().unwrap().is_empty(), "no bad registration was stored");
    t.stop().await;
}

#[tokio::test]
async fn registration_is_rate_limited() {
    let t = TestServer::start().await;
    let body = serde_json::json!({ "redirect_uris": [REDIRECT] });
    for _ in 0..trek::config::REGISTER_RATE_PER_HOUR {
        expect_status(t.http.post(t.url("/oauth/register")).json(&body).send().await.unwrap(), 201).await;
    }
    let limited = t.http.post(t.url("/oauth/register")).json(&body).send().await.unwrap();
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    assert_eq!(error_code(&expect_status(limited, 429).await), "limit_reached");
    t.stop().await;
}

#[tokio::test]
async fn token_endpoint_is_rate_limited_per_client() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let form =
        [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", "trekrf_x")];
    for _ in 0..trek::config::TOKEN_RATE_PER_MINUTE {
        expect_status(oauth.token(&form).await, 400).await;
    }
    let limited = oauth.token(&form).await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_status(limited, 429).await;
    // Another client has its own window.
    let other = oauth.register_public(REDIRECT).await;
    let response = oauth
        .token(&[("grant_type", "refresh_token"), ("client_id", &other), ("refresh_token", "trekrf_x")])
        .await;
    expect_status(response, 400).await;
    t.stop().await;
}

/// A Client ID Metadata Document served by a local test double (http allowed for this test only).
#[tokio::test]
async fn cimd_client_is_resolved_and_shown_with_its_domain() {
    let t = TestServer::start_full(None, None, true).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let client_id = format!("http://127.0.0.1:{port}/client.json");
    let document = serde_json::json!({
        "client_id": client_id,
        "client_name": "Doc Client",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "none"
    });
    let app = axum::Router::new()
        .route("/client.json", axum::routing::get(move || async move { axum::Json(document) }));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let oauth = OAuthDriver::new(&t).await;
    let (verifier, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read").await;
    let pending = oauth.owner_get("/api/oauth/consents").await;
    assert_eq!(pending[0]["client"]["name"], "Doc Client");
    assert_eq!(pending[0]["client"]["kind"], "cimd");
    assert_eq!(pending[0]["client"]["verified_domain"], format!("127.0.0.1:{port}"));
    expect_status(oauth.approve(&started.pending_id, None).await, 200).await;
    let code = query_of(&oauth.redirect_location(&started).await)["code"].clone();
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    assert!(tokens["access_token"].as_str().unwrap().starts_with("trekoa_"));

    // A redirect URI the document does not list is refused.
    let response = t
        .http
        .get(t.url("/oauth/authorize"))
        .query(&authorize_query(&client_id, "http://127.0.0.1:1/other", &challenge))
        .send()
        .await
        .unwrap();
    expect_status(response, 400).await;
    server.abort();
    t.stop().await;
}

/// Token theft from disk: a copy of the data dir (a backup, a synced folder) must not hold a
/// usable credential. Codes, access and refresh tokens and client secrets are stored as hashes.
#[tokio::test]
async fn credentials_are_never_stored_in_clear() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let (machine_id, machine_secret) = t.machine_client("trips:read").await;
    let machine_token = t.client_token(&machine_id, &machine_secret, None).await;
    let secrets = [
        code.as_str(),
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
        machine_secret.as_str(),
        machine_token.as_str(),
    ];
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(t.data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            stored.extend(std::fs::read(&path).unwrap());
        }
    }
    assert!(stored.len() > 4096, "the database files were not found in {}", t.data_dir().display());
    for secret in secrets {
        assert!(secret.len() >= 20, "{secret:?} is not a credential");
        let found = stored.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "a credential ({}…) is stored in clear", &secret[..8]);
    }
    t.stop().await;
}
