//! OAuth happy paths over HTTP: discovery documents agree per origin and every advertised
//! endpoint routes; DCR (public, confidential, Cursor's three URIs); the code flow with consent
//! approved through the owner API (`code`, `state`, `iss`); refresh rotation; remembered
//! consent; owner-narrowed scopes; machine clients; static tokens; the CLI; the `oauth2` crate.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, RefreshToken, Scope,
    TokenResponse, TokenUrl,
};

use crate::support::{OAuthDriver, TestServer, error_code, expect_status, pkce_pair, query_of, trek_bin};

const REDIRECT: &str = "http://127.0.0.1:49152/callback";

async fn json_of(response: reqwest::Response, status: u16) -> serde_json::Value {
    serde_json::from_str(&expect_status(response, status).await).unwrap()
}

#[tokio::test]
async fn discovery_documents_agree_and_every_endpoint_routes() {
    let t = TestServer::start_with(Some("https://trips.example.com")).await;
    for (host, origin) in [
        (format!("127.0.0.1:{}", t.port), t.base.clone()),
        (format!("localhost:{}", t.port), format!("http://localhost:{}", t.port)),
        ("trips.example.com".to_owned(), "https://trips.example.com".to_owned()),
    ] {
        let get = |path: &str| t.http.get(t.url(path)).header("host", &host).send();
        let meta = json_of(get("/.well-known/oauth-authorization-server").await.unwrap(), 200).await;
        let oidc = json_of(get("/.well-known/openid-configuration").await.unwrap(), 200).await;
        let prm = json_of(get("/.well-known/oauth-protected-resource/mcp").await.unwrap(), 200).await;
        let prm_root = json_of(get("/.well-known/oauth-protected-resource").await.unwrap(), 200).await;
        assert_eq!(meta, oidc);
        assert_eq!(prm, prm_root);
        assert_eq!(meta["issuer"], origin.as_str(), "issuer follows the origin used");
        assert_eq!(prm["authorization_servers"][0], origin.as_str(), "byte-identical to issuer");
        assert_eq!(prm["resource"], format!("{origin}/mcp"));
        assert_eq!(meta["code_challenge_methods_supported"], serde_json::json!(["S256"]));
        assert_eq!(meta["client_id_metadata_document_supported"], true);
        assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
        let scopes = meta["scopes_supported"].as_array().unwrap();
        assert_eq!(scopes.len(), 28, "27 scopes and offline_access");
        assert!(scopes.contains(&"offline_access".into()));
        assert_eq!(prm["scopes_supported"].as_array().unwrap().len(), 27);
        assert!(meta["grant_types_supported"].as_array().unwrap().contains(&"client_credentials".into()));
        // Every advertised endpoint exists behind the same host (not 404, not refused).
        for key in [
            "authorization_endpoint",
            "token_endpoint",
            "registration_endpoint",
            "revocation_endpoint",
            "introspection_endpoint",
        ] {
            let url = meta[key].as_str().unwrap();
            let path = url.strip_prefix(&origin).unwrap_or_else(|| panic!("{key} {url} not under {origin}"));
            let response = t.http.post(t.url(path)).header("host", &host).send().await.unwrap();
            let status = response.status().as_u16();
            assert!(status != 404 && status != 403 && status != 421, "{key} {path}: {status}");
        }
    }
    t.stop().await;
}

#[tokio::test]
async fn code_flow_with_consent_then_refresh_rotation() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (verifier, challenge) = pkce_pair();
    let mut requests = t.server.oauth().subscribe_consent_requests();
    let started =
        oauth.start(&client_id, REDIRECT, &challenge, "trips:read trips:write offline_access").await;
    // The desktop shell hears of the request at once (to notify and show the window).
    let heard = requests.try_recv().unwrap();
    assert_eq!((heard.id.as_str(), heard.client_name.as_str()), (started.pending_id.as_str(), "Test client"));

    // Before the owner decides, the waiting page waits.
    let waiting = json_of(oauth.poll(&started).await, 200).await;
    assert_eq!(waiting["status"], "pending");
    assert_eq!(waiting["client_name"], "Test client");
    let pending = oauth.owner_get("/api/oauth/consents").await;
    assert_eq!(pending[0]["id"], started.pending_id.as_str());
    assert_eq!(pending[0]["redirect_host"], "127.0.0.1");
    assert_eq!(pending[0]["requested_scopes"], "trips:read trips:write");

    expect_status(oauth.approve(&started.pending_id, None).await, 200).await;
    let location = oauth.redirect_location(&started).await;
    assert!(location.starts_with(REDIRECT), "{location}");
    let query = query_of(&location);
    assert_eq!(query["state"], "st-123");
    assert_eq!(query["iss"], t.base, "RFC 9207 iss equals the issuer");
    // The outcome is delivered once.
    assert_eq!(json_of(oauth.poll(&started).await, 200).await["status"], "expired");

    let tokens = oauth.exchange(&client_id, &query["code"], REDIRECT, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert!(access.starts_with("trekoa_") && refresh.starts_with("trekrf_"));
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], "trips:read trips:write");

    let rotated = json_of(
        oauth
            .token(&[("grant_type", "refresh_token"), ("client_id", &client_id), ("refresh_token", refresh)])
            .await,
        200,
    )
    .await;
    assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
    assert!(oauth.is_active(rotated["access_token"].as_str().unwrap()).await);
    assert!(oauth.is_active(access).await, "the earlier access token lives until it expires");

    // Narrowing on refresh is allowed.
    let narrowed = json_of(
        oauth
            .token(&[
                ("grant_type", "refresh_token"),
                ("client_id", &client_id),
                ("refresh_token", rotated["refresh_token"].as_str().unwrap()),
                ("scope", "trips:read"),
            ])
            .await,
        200,
    )
    .await;
    assert_eq!(narrowed["scope"], "trips:read");
    t.stop().await;
}

#[tokio::test]
async fn remembered_consent_skips_the_card_and_narrowed_consent_limits_scopes() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read budget:write").await;
    let approved = json_of(oauth.approve(&started.pending_id, Some("trips:read")).await, 200).await;
    assert_eq!(approved["granted_scopes"], "trips:read");
    let code = query_of(&oauth.redirect_location(&started).await)["code"].clone();
    assert!(code.starts_with("trekac_"));

    // Same client, covered scope: straight back with a code, no waiting page.
    let (_, challenge) = pkce_pair();
    let response = oauth
        .authorize_raw(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "trips:read"),
            ("state", "again"),
        ])
        .await;
    assert_eq!(response.status(), 302);
    let query = query_of(response.headers()["location"].to_str().unwrap());
    assert!(query.contains_key("code") && query["state"] == "again" && query["iss"] == t.base);

    // A scope beyond the consent asks the owner again.
    oauth.start(&client_id, REDIRECT, &challenge, "budget:write").await;
    t.stop().await;
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read").await;
    let denied = t
        .http
        .post(t.url(&format!("/api/oauth/consents/{}/deny", started.pending_id)))
        .header("cookie", &oauth.owner)
        .send()
        .await
        .unwrap();
    expect_status(denied, 204).await;
    let query = query_of(&oauth.redirect_location(&started).await);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "st-123");
    assert!(!query.contains_key("code"));
    t.stop().await;
}

#[tokio::test]
async fn cursor_registration_with_three_uris_succeeds() {
    let t = TestServer::start().await;
    let body = serde_json::json!({
        "client_name": "Cursor",
        "redirect_uris": ["cursor://anysphere.cursor-mcp/oauth/callback", "https://cursor.com/oauth/callback", "http://127.0.0.1:5173/callback"],
        "application_type": "web",
        "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "scope": ""
    });
    let response = t.http.post(t.url("/oauth/register")).json(&body).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let json = json_of(response, 201).await;
    assert!(json["client_id"].as_str().unwrap().starts_with("trekci_"));
    assert_eq!(json["redirect_uris"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["grant_types"],
        serde_json::json!(["authorization_code", "refresh_token"]),
        "unknown grant types dropped"
    );
    assert_eq!(json["scope"].as_str().unwrap().split(' ').count(), 27, "empty scope means every scope");
    assert!(json.get("client_secret").is_none());
    t.stop().await;
}

#[tokio::test]
async fn confidential_dcr_client_gets_a_secret_and_must_use_it() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let body = serde_json::json!({ "client_name": "claude.ai", "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"], "token_endpoint_auth_method": "client_secret_post" });
    let json = json_of(t.http.post(t.url("/oauth/register")).json(&body).send().await.unwrap(), 201).await;
    let client_id = json["client_id"].as_str().unwrap().to_owned();
    let secret = json["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("trekcs_"));
    assert_eq!(json["client_secret_expires_at"], 0);

    let redirect = "https://claude.ai/api/mcp/auth_callback";
    let (verifier, challenge) = pkce_pair();
    let started = oauth.start(&client_id, redirect, &challenge, "trips:read").await;
    expect_status(oauth.approve(&started.pending_id, None).await, 200).await;
    let code = query_of(&oauth.redirect_location(&started).await)["code"].clone();
    let without_secret = oauth
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(without_secret.headers()["www-authenticate"], "Basic realm=\"trek\"");
    assert_eq!(error_code(&expect_status(without_secret, 401).await), "invalid_client");
    let with_secret = oauth
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .await;
    expect_status(with_secret, 200).await;
    t.stop().await;
}

#[tokio::test]
async fn portless_loopback_registration_accepts_any_port() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let client_id = oauth.register_public("http://localhost/callback").await;
    let (verifier, challenge) = pkce_pair();
    let ported = "http://localhost:53682/callback";
    let started = oauth.start(&client_id, ported, &challenge, "trips:read").await;
    expect_status(oauth.approve(&started.pending_id, None).await, 200).await;
    let location = oauth.redirect_location(&started).await;
    assert!(location.starts_with(ported), "{location}");
    oauth.exchange(&client_id, &query_of(&location)["code"], ported, &verifier).await;
    t.stop().await;
}

#[tokio::test]
async fn machine_client_gets_access_tokens_only() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let created = t
        .http
        .post(t.url("/api/oauth/clients"))
        .header("cookie", &oauth.owner)
        .json(&serde_json::json!({ "name": "nightly script", "machine": true, "scopes": "trips:read packing:write" }))
        .send()
        .await
        .unwrap();
    let created = json_of(created, 201).await;
    assert_eq!(created["kind"], "machine");
    assert!(created["redirect_uris"].as_array().unwrap().is_empty());
    let (id, secret) = (created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap());

    let basic = t
        .http
        .post(t.url("/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let tokens = json_of(basic, 200).await;
    assert!(tokens["access_token"].as_str().unwrap().starts_with("trekoa_"));
    assert!(tokens.get("refresh_token").is_none(), "RFC 6749 §4.4.3: no refresh token");
    assert_eq!(tokens["scope"], "trips:read packing:write");

    let post = oauth
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", "trips:read"),
        ])
        .await;
    assert_eq!(json_of(post, 200).await["scope"], "trips:read");
    let wider = oauth
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", "budget:write"),
        ])
        .await;
    assert_eq!(error_code(&expect_status(wider, 400).await), "invalid_scope");
    t.stop().await;
}

#[tokio::test]
async fn preset_clients_static_tokens_and_owner_limits() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let presets = oauth.owner_get("/api/oauth/presets").await;
    let ids: Vec<&str> = presets.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    for id in ["claude-ai", "claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "zed"] {
        assert!(ids.contains(&id), "{id}");
    }
    let create = |body: serde_json::Value| {
        t.http.post(t.url("/api/oauth/clients")).header("cookie", &oauth.owner).json(&body).send()
    };
    let claude =
        json_of(create(serde_json::json!({ "name": "Claude", "preset": "claude-ai" })).await.unwrap(), 201)
            .await;
    assert!(
        claude["redirect_uris"]
            .as_array()
            .unwrap()
            .contains(&"https://claude.ai/api/mcp/auth_callback".into())
    );
    assert!(!claude["scopes"].as_str().unwrap().contains("trips:delete"), "presets default to no delete");
    let rotated = json_of(
        t.http
            .post(
                t.url(&format!("/api/oauth/clients/{}/rotate-secret", claude["client_id"].as_str().unwrap())),
            )
            .header("cookie", &oauth.owner)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_ne!(rotated["client_secret"], claude["client_secret"]);
    for n in 1..10 {
        expect_status(
            create(serde_json::json!({ "name": format!("m{n}"), "machine": true })).await.unwrap(),
            201,
        )
        .await;
    }
    let eleventh = create(serde_json::json!({ "name": "one too many", "machine": true })).await.unwrap();
    assert_eq!(error_code(&expect_status(eleventh, 409).await), "limit_reached");
    let bad = create(serde_json::json!({ "name": "x", "preset": "netscape" })).await.unwrap();
    assert!(expect_status(bad, 400).await.contains("unknown preset"));

    let token = json_of(
        t.http
            .post(t.url("/api/tokens"))
            .header("cookie", &oauth.owner)
            .json(&serde_json::json!({ "name": "legacy" }))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert!(token["token"].as_str().unwrap().starts_with("trek_"));
    let listed = oauth.owner_get("/api/tokens").await;
    assert_eq!(listed[0]["name"], "legacy");
    assert!(!listed.to_string().contains(token["token"].as_str().unwrap()), "the secret is shown once only");
    t.stop().await;
}

#[tokio::test]
async fn cli_creates_clients_and_answers_consents() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let run = |args: &[&str]| {
        std::process::Command::new(trek_bin()).args(args).env("TREK_DATA_DIR", t.data_dir()).output().unwrap()
    };
    let output =
        run(&["client", "create", "--name", "agent", "--machine", "--scopes", "trips:read,todos:write"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let created: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["scopes"], "trips:read todos:write");
    let output = run(&["client", "create", "--name", "all", "--machine"]);
    let all: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(all["scopes"].as_str().unwrap().split(' ').count(), 27, "no --scopes means all scopes");
    let output = run(&["token", "create", "--name", "cli"]);
    assert!(String::from_utf8_lossy(&output.stdout).trim().starts_with("trek_"));

    let client_id = oauth.register_public(REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let started = oauth.start(&client_id, REDIRECT, &challenge, "trips:read trips:write").await;
    let output = run(&["consent", "list"]);
    let listing = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(listing.starts_with(&started.pending_id), "id first: {listing}");
    let output = run(&["consent", "approve", &started.pending_id, "--scopes", "trips:read"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let location = oauth.redirect_location(&started).await;
    assert!(query_of(&location).contains_key("code"));
    let output = run(&["consent", "deny", &started.pending_id]);
    assert!(!output.status.success(), "a decided request cannot be decided again");
    t.stop().await;
}

/// The full PKCE flow and refresh rotation checked by a client library nobody here wrote.
#[tokio::test]
async fn oauth2_crate_completes_pkce_flow_and_refresh() {
    let t = TestServer::start().await;
    let driver = OAuthDriver::new(&t).await;
    let client_id = driver.register_public(REDIRECT).await;
    let client = BasicClient::new(ClientId::new(client_id))
        .set_auth_uri(AuthUrl::new(t.url("/oauth/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(t.url("/oauth/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("trips:read".into()))
        .set_pkce_challenge(challenge)
        .url();

    let response = t.http.get(auth_url.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let pending_id = location.rsplit('=').next().unwrap().to_owned();
    expect_status(driver.approve(&pending_id, None).await, 200).await;
    let status = t
        .http
        .get(t.url(&format!("/oauth/consent/status?id={pending_id}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status: serde_json::Value = serde_json::from_str(&expect_status(status, 200).await).unwrap();
    let query = query_of(status["location"].as_str().unwrap());
    assert_eq!(&query["state"], csrf.secret());

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(query["code"].clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    assert!(tokens.access_token().secret().starts_with("trekoa_"));
    let refresh = tokens.refresh_token().unwrap().clone();
    let rotated = client.exchange_refresh_token(&refresh).request_async(&http).await.unwrap();
    assert_ne!(rotated.refresh_token().unwrap().secret(), refresh.secret());
    // Replaying the first refresh token fails and revokes the rotated one as well.
    assert!(client.exchange_refresh_token(&refresh).request_async(&http).await.is_err());
    let second = RefreshToken::new(rotated.refresh_token().unwrap().secret().clone());
    assert!(client.exchange_refresh_token(&second).request_async(&http).await.is_err());
    t.stop().await;
}

#[tokio::test]
async fn loopback_tools_get_cors_on_discovery_and_token_foreign_origins_do_not() {
    let t = TestServer::start().await;
    let preflight = |origin: &'static str, path: &'static str| {
        t.http
            .request(reqwest::Method::OPTIONS, t.url(path))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let inspector = "http://localhost:6274";
    for path in ["/.well-known/oauth-authorization-server", "/oauth/register", "/oauth/token"] {
        let response = preflight(inspector, path).await.unwrap();
        assert_eq!(response.headers()["access-control-allow-origin"], inspector, "{path}");
    }
    let response = t
        .http
        .get(t.url("/.well-known/oauth-protected-resource/mcp"))
        .header("origin", inspector)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], inspector);
    let foreign = preflight("http://evil.example", "/oauth/token").await.unwrap();
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
    assert_eq!(foreign.status(), 403);
    t.stop().await;
}

#[tokio::test]
async fn unconsented_dynamic_clients_are_pruned_after_a_day() {
    let clock = trek::clock::ManualClock::at(1_900_000_000);
    let t = TestServer::start_full(None, Some(std::sync::Arc::clone(&clock)), false).await;
    let oauth = OAuthDriver::new(&t).await;
    let abandoned = oauth.register_public(REDIRECT).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    clock.advance(24 * 3600 + 1);
    oauth.register_public(REDIRECT).await; // registration prunes
    let clients = oauth.owner_get("/api/oauth/clients").await;
    let ids: Vec<&str> =
        clients.as_array().unwrap().iter().map(|c| c["client_id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&abandoned.as_str()), "the never-approved client is gone");
    assert!(ids.contains(&client_id.as_str()), "a client with a grant stays");
    t.stop().await;
}

#[tokio::test]
async fn client_revokes_its_refresh_token_and_the_session_ends() {
    let t = TestServer::start().await;
    let oauth = OAuthDriver::new(&t).await;
    let (client_id, verifier, code) = oauth.code_for(REDIRECT, "trips:read").await;
    let tokens = oauth.exchange(&client_id, &code, REDIRECT, &verifier).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    // Another client cannot revoke it (answered 200, nothing happens: RFC 7009 §2.2).
    let other = oauth.register_public(REDIRECT).await;
    let response = t
        .http
        .post(t.url("/oauth/revoke"))
        .form(&[("token", refresh), ("client_id", other.as_str())])
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
    assert!(oauth.is_active(tokens["access_token"].as_str().unwrap()).await);
    let response = t
        .http
        .post(t.url("/oauth/revoke"))
        .form(&[("token", refresh), ("token_type_hint", "refresh_token"), ("client_id", client_id.as_str())])
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
    assert!(!oauth.is_active(tokens["access_token"].as_str().unwrap()).await, "the whole grant is revoked");
    assert!(oauth.owner_get("/api/oauth/sessions").await.as_array().unwrap().is_empty());
    t.stop().await;
}
