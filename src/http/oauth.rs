//! OAuth endpoints over HTTP: discovery (RFC 8414, RFC 9728), registration (RFC 7591),
//! authorization with the consent waiting page, token, revocation, introspection. Protocol
//! decisions are `auth::oauth`'s; this module parses, rate-limits and answers.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::app::AppState;
use super::error::Json;
use super::guard::{Via, is_loopback_origin};
use super::{paths, ui};
use crate::auth::oauth::{
    AuthorizeOutcome, AuthorizeRequest, ClientCredentials, OAuthError, RegistrationRequest, TokenRequest,
    resource_for,
};
use crate::auth::scopes::{OFFLINE_ACCESS, Scope};
use crate::config::{
    MAX_PUBLIC_PENDING_CONSENTS, PUBLIC_REGISTER_RATE_PER_HOUR, PUBLIC_TOKEN_RATE_PER_MINUTE,
    REGISTER_RATE_PER_HOUR, REVOKE_RATE_PER_MINUTE, TOKEN_RATE_PER_MINUTE,
};

/// Cookie binding a waiting page to the browser that started the authorization.
const CONSENT_COOKIE: &str = "trek_consent";

/// Per-key rate limits of the unauthenticated endpoints (governor's GCRA, in memory).
pub struct OAuthLimits {
    token: DefaultKeyedRateLimiter<String>,
    register: DefaultKeyedRateLimiter<String>,
    revoke: DefaultKeyedRateLimiter<String>,
    /// Through the public origin, on top of the above: all hosted clients together.
    public_token: DefaultKeyedRateLimiter<String>,
    public_register: DefaultKeyedRateLimiter<String>,
}

impl Default for OAuthLimits {
    fn default() -> Self {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        let per_hour = |n: u32| Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            token: RateLimiter::keyed(per_minute(TOKEN_RATE_PER_MINUTE)),
            register: RateLimiter::keyed(per_hour(REGISTER_RATE_PER_HOUR)),
            revoke: RateLimiter::keyed(per_minute(REVOKE_RATE_PER_MINUTE)),
            public_token: RateLimiter::keyed(per_minute(PUBLIC_TOKEN_RATE_PER_MINUTE)),
            public_register: RateLimiter::keyed(per_hour(PUBLIC_REGISTER_RATE_PER_HOUR)),
        }
    }
}

/// Refuses with 429 and `Retry-After` when `key` is over its quota.
fn check_rate(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), Box<Response>> {
    limiter.check_key(&key).map_err(|not_until| {
        let wait =
            not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        let secs = wait.as_secs().max(1);
        let mut response =
            oauth_error(&OAuthError::LimitReached(format!("too many requests; retry in {secs} s")));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        Box::new(response)
    })
}

pub fn routes() -> Router<AppState> {
    // Browser-based tools on other loopback ports (the MCP Inspector) may call discovery,
    // registration and the token endpoint; the guard already refused every foreign origin.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin, _| origin.to_str().is_ok_and(is_loopback_origin)))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static("mcp-protocol-version"),
        ]);
    let cross_origin = Router::new()
        .route(paths::WELL_KNOWN_AS, get(authorization_server_metadata))
        .route(paths::WELL_KNOWN_OIDC, get(authorization_server_metadata))
        .route(paths::WELL_KNOWN_PRM, get(protected_resource_metadata))
        .route(paths::WELL_KNOWN_PRM_MCP, get(protected_resource_metadata))
        .route(paths::OAUTH_REGISTER, post(register))
        .route(paths::OAUTH_TOKEN, post(token))
        .layer(cors);
    Router::new()
        .merge(cross_origin)
        .route(paths::OAUTH_AUTHORIZE, get(authorize))
        .route(
            paths::OAUTH_CONSENT_WAIT,
            get(|| async { ui::page(StatusCode::OK, "public/consent-wait.html") }),
        )
        .route(paths::OAUTH_CONSENT_STATUS, get(consent_status))
        .route(paths::OAUTH_REVOKE, post(revoke))
        .route(paths::OAUTH_INTROSPECT, post(introspect))
}

/// The one wire form of OAuth errors: RFC 6749 §5.2 JSON, never cached.
pub fn oauth_error(error: &OAuthError) -> Response {
    let status = match error {
        OAuthError::InvalidClient(_) | OAuthError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
        OAuthError::AccessDenied(_) => StatusCode::FORBIDDEN,
        OAuthError::NotFound(_) => StatusCode::NOT_FOUND,
        OAuthError::LimitReached(_) => StatusCode::CONFLICT,
        OAuthError::TemporarilyUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        OAuthError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(error = %error, description = error.description(), "oauth request refused");
    let body = axum::Json(json!({ "error": error.code(), "error_description": error.description() }));
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")], body).into_response();
    if matches!(error, OAuthError::InvalidClient(_)) {
        // RFC 6749 §5.2: a 401 for client authentication names the scheme.
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"trek\""));
    }
    response
}

fn no_store(body: impl serde::Serialize) -> Response {
    ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], axum::Json(body)).into_response()
}

/// RFC 8414 metadata. `issuer` is the origin the client used, byte-identical to the protected
/// resource metadata's `authorization_servers[0]` and to the `iss` of authorization responses.
async fn authorization_server_metadata(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
) -> Response {
    if !state.mcp.is_enabled() {
        return mcp_disabled();
    }
    let issuer = via.origin();
    let mut scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    scopes.push(OFFLINE_ACCESS);
    axum::Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}{}", paths::OAUTH_AUTHORIZE),
        "token_endpoint": format!("{issuer}{}", paths::OAUTH_TOKEN),
        "registration_endpoint": format!("{issuer}{}", paths::OAUTH_REGISTER),
        "revocation_endpoint": format!("{issuer}{}", paths::OAUTH_REVOKE),
        "introspection_endpoint": format!("{issuer}{}", paths::OAUTH_INTROSPECT),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": scopes,
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
        "service_documentation": format!("{issuer}/"),
    }))
    .into_response()
}

/// RFC 9728 metadata for `/mcp`, as reached through this origin.
async fn protected_resource_metadata(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
) -> Response {
    if !state.mcp.is_enabled() {
        return mcp_disabled();
    }
    let issuer = via.origin();
    let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    axum::Json(json!({
        "resource": resource_for(issuer),
        "authorization_servers": [issuer],
        "scopes_supported": scopes,
        "bearer_methods_supported": ["header"],
        "resource_name": "Trek",
        "resource_documentation": format!("{issuer}/"),
    }))
    .into_response()
}

/// With MCP switched off there is nothing to discover (seed 001: discovery answers 404).
fn mcp_disabled() -> Response {
    super::error::ApiError::new(StatusCode::NOT_FOUND, "mcp_disabled", "MCP access is switched off in Trek")
        .into_response()
}

fn via_key(via: &Via) -> String {
    format!("origin:{}", via.origin())
}

async fn register(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
    Json(body): Json<RegistrationRequest>,
) -> Response {
    if let Err(limited) = check_rate(&state.oauth_limits.register, via_key(&via)) {
        return *limited;
    }
    if matches!(via, Via::Public { .. })
        && let Err(limited) = check_rate(&state.oauth_limits.public_register, via_key(&via))
    {
        return *limited;
    }
    match state.oauth.register(body).await {
        Ok(registered) => (StatusCode::CREATED, no_store(registered)).into_response(),
        Err(e) => oauth_error(&e),
    }
}

async fn authorize(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
    query: Result<Query<AuthorizeRequest>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(request)) = query else {
        return error_page(&OAuthError::InvalidRequest(
            "the authorization request's parameters are malformed".into(),
        ));
    };
    let max_pending = match via {
        Via::Public { .. } => MAX_PUBLIC_PENDING_CONSENTS,
        Via::Loopback { .. } => usize::MAX,
    };
    match state.oauth.authorize(request, via.origin(), max_pending).await {
        AuthorizeOutcome::Redirect(location) => found(&location),
        AuthorizeOutcome::ErrorPage(error) => error_page(&error),
        AuthorizeOutcome::Wait { pending_id, browser_secret } => {
            let secure = if matches!(via, Via::Public { .. }) { "; Secure" } else { "" };
            let cookie = format!(
                "{CONSENT_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/oauth/consent; Max-Age=900{secure}",
                browser_secret.expose()
            );
            let mut response =
                Redirect::to(&format!("{}?id={pending_id}", paths::OAUTH_CONSENT_WAIT)).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
    }
}

/// 302 Found, what OAuth clients expect from the authorization endpoint.
fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => error_page(&OAuthError::Server("could not build the redirect".into())),
    }
}

/// Errors that must not be redirected (unknown client, bad redirect URI) are shown as a page.
fn error_page(error: &OAuthError) -> Response {
    tracing::warn!(error = %error, description = error.description(), "authorization request refused");
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization failed · Trek</title>\
         <link rel=\"stylesheet\" href=\"/ui/public/style.css\"></head><body><header class=\"bar\">\
         <span class=\"brand\">Trek</span></header><main class=\"page\"><section class=\"card narrow\">\
         <h1>This connection request cannot continue</h1><p class=\"error\">{}</p><p class=\"muted\">Error code: \
         <code>{}</code>. Nothing was shared. Start the connection again from your assistant.</p></section></main>\
         </body></html>",
        escape_html(error.description()),
        escape_html(&error.code()),
    );
    (StatusCode::BAD_REQUEST, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

/// Minimal HTML escaping for the one dynamic page; a template engine for one sentence would be
/// more code than this.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[derive(Deserialize)]
struct StatusQuery {
    id: String,
}

async fn consent_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<StatusQuery>,
) -> Response {
    let secret = super::owner::cookie_value(&headers, CONSENT_COOKIE);
    match state.oauth.poll(q.id, secret).await {
        Ok(outcome) => no_store(outcome),
        Err(e) => oauth_error(&e),
    }
}

/// Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: form-urlencoded parts) or
/// the body. When both name a client they must agree.
fn client_credentials(
    headers: &HeaderMap,
    body_id: Option<String>,
    body_secret: Option<String>,
) -> Result<ClientCredentials, OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")));
    let Some(encoded) = basic else {
        return Ok(ClientCredentials { client_id: body_id, secret: body_secret });
    };
    let bad = || OAuthError::InvalidClient("malformed Basic authorization header".into());
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let decode = |s: &str| form_urlencoded_decode(s).ok_or_else(bad);
    let (id, secret) = (decode(id)?, decode(secret)?);
    if body_id.as_deref().is_some_and(|b| b != id) {
        return Err(OAuthError::InvalidClient(
            "client_id in the body differs from the Basic credentials".into(),
        ));
    }
    if body_secret.is_some() {
        return Err(OAuthError::InvalidRequest("use one client authentication method, not two".into()));
    }
    Ok(ClientCredentials { client_id: Some(id), secret: Some(secret) })
}

fn form_urlencoded_decode(s: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned())
}

fn form_error(rejection: FormRejection) -> Response {
    oauth_error(&OAuthError::InvalidRequest(format!(
        "the body must be application/x-www-form-urlencoded: {}",
        rejection.body_text()
    )))
}

async fn token(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Response {
    let mut request = match form {
        Ok(Form(r)) => r,
        Err(rejection) => return form_error(rejection),
    };
    let creds = match client_credentials(&headers, request.client_id.take(), request.client_secret.take()) {
        Ok(c) => c,
        Err(e) => return oauth_error(&e),
    };
    let key = creds.client_id.clone().map_or_else(|| via_key(&via), |id| format!("client:{id}"));
    if let Err(limited) = check_rate(&state.oauth_limits.token, key) {
        return *limited;
    }
    if matches!(via, Via::Public { .. })
        && let Err(limited) = check_rate(&state.oauth_limits.public_token, via_key(&via))
    {
        return *limited;
    }
    match state.oauth.token(request, creds, via.origin()).await {
        Ok(tokens) => no_store(tokens),
        Err(e) => oauth_error(&e),
    }
}

#[derive(Deserialize)]
struct TokenOnly {
    token: Option<String>,
    #[allow(dead_code)] // RFC 7009 §2.1: a hint the server may ignore; we look the token up anyway.
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// The form of revocation and introspection: the token and who asks (RFC 7009 §2.1, RFC 7662 §2.1).
fn token_and_client(
    headers: &HeaderMap,
    form: Result<Form<TokenOnly>, FormRejection>,
) -> Result<(Option<String>, ClientCredentials), Box<Response>> {
    let body = form.map_err(|rejection| Box::new(form_error(rejection)))?.0;
    let creds = client_credentials(headers, body.client_id, body.client_secret)
        .map_err(|e| Box::new(oauth_error(&e)))?;
    Ok((body.token, creds))
}

fn token_required() -> Response {
    oauth_error(&OAuthError::InvalidRequest("token is required".into()))
}

async fn revoke(
    State(state): State<AppState>,
    Extension(via): Extension<Via>,
    headers: HeaderMap,
    form: Result<Form<TokenOnly>, FormRejection>,
) -> Response {
    let (token, creds) = match token_and_client(&headers, form) {
        Ok(parsed) => parsed,
        Err(response) => return *response,
    };
    let key = creds.client_id.clone().map_or_else(|| via_key(&via), |id| format!("client:{id}"));
    if let Err(limited) = check_rate(&state.oauth_limits.revoke, key) {
        return *limited;
    }
    let Some(token) = token else { return token_required() };
    match state.oauth.revoke(token, creds).await {
        Ok(_) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response(),
        Err(e) => oauth_error(&e),
    }
}

async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenOnly>, FormRejection>,
) -> Response {
    let (token, creds) = match token_and_client(&headers, form) {
        Ok(parsed) => parsed,
        Err(response) => return *response,
    };
    let Some(token) = token else { return token_required() };
    match state.oauth.introspect(token, creds).await {
        Ok(result) => no_store(result),
        Err(e) => oauth_error(&e),
    }
}

/// Keeps the limiter type nameable in `AppState`.
pub type SharedLimits = Arc<OAuthLimits>;
