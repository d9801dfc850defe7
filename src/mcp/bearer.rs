//! The resource-server side of `/mcp`: bearer authentication (RFC 6750, MCP authorization
//! spec), scope challenges, per-(user, client) rate limits and binding legacy sessions to the
//! credential that opened them. Runs before rmcp sees the request.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::McpState;
use crate::auth::oauth::{AccessContext, TokenKind, resource_for};
use crate::auth::scopes::{Scope, ScopeSet};
use crate::config::MAX_REQUEST_BODY_BYTES;
use crate::http::guard::Via;
use crate::http::paths;
use crate::ops::registry;

const SESSION_HEADER: &str = "mcp-session-id";

/// `WWW-Authenticate` for `/mcp` through this origin (RFC 6750 §3, RFC 9728 §5.1).
fn challenge(via: &Via, error: Option<(&str, &str)>, scope: &str) -> HeaderValue {
    let metadata = format!("{}{}", via.origin(), paths::WELL_KNOWN_PRM_MCP);
    let mut value = format!("Bearer resource_metadata=\"{metadata}\", scope=\"{scope}\"");
    if let Some((code, description)) = error {
        let description = description.replace('"', "'");
        value.push_str(&format!(", error=\"{code}\", error_description=\"{description}\""));
    }
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = axum::Json(serde_json::json!({ "error": code, "error_description": message }));
    (status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
}

fn unauthorized(via: &Via, error: Option<(&str, &str)>) -> Response {
    let mut response = json_error(
        StatusCode::UNAUTHORIZED,
        error.map_or("unauthorized", |(code, _)| code),
        error.map_or("authorization required: connect this client to Trek with OAuth", |(_, d)| d),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, challenge(via, error, &ScopeSet::all().to_string()));
    response
}

/// The bearer token, `Ok(None)` when there is no `Authorization` header, `Err` for another scheme.
fn bearer_token(headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ())?;
    let (scheme, token) = value.split_once(' ').ok_or(())?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(());
    }
    Ok(Some(token.trim().to_owned()))
}

/// The scope a JSON-RPC `tools/call` needs and the caller lacks, if any. Detecting it here lets
/// `/mcp` answer 403 `insufficient_scope` with a challenge clients can act on (step-up).
fn missing_scope(body: &Value, scopes: ScopeSet) -> Option<Scope> {
    if body.get("method").and_then(Value::as_str) != Some("tools/call") {
        return None;
    }
    let name = body.pointer("/params/name").and_then(Value::as_str)?;
    let scope = registry().get(name)?.meta.scope?;
    (!scopes.grants(scope)).then_some(scope)
}

pub async fn authenticate(State(state): State<McpState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    // The body is read (bounded) before any answer: hyper closes a keep-alive connection whose
    // request body was left unread, and clients that reuse the connection (httpx, undici) then
    // fail their retry after the 401. Too large is 413 even without credentials.
    let body = if parts.method == Method::POST {
        match to_bytes(body, MAX_REQUEST_BODY_BYTES).await {
            Ok(bytes) => Ok(bytes),
            Err(_) => {
                return json_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "invalid_request",
                    "request body too large",
                );
            }
        }
    } else {
        Err(body)
    };
    let Some(via) = parts.extensions.get::<Via>().cloned() else {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "request not guarded");
    };
    if !state.is_enabled() {
        return json_error(
            StatusCode::FORBIDDEN,
            "mcp_disabled",
            "the owner has switched MCP access off in Trek",
        );
    }
    // RFC 6750 §2.3 / MCP: tokens in the URL leak into logs and history; refused.
    if parts.uri.query().is_some_and(|q| q.split('&').any(|p| p.starts_with("access_token="))) {
        return unauthorized(
            &via,
            Some(("invalid_request", "send the token in the Authorization header, not the URL")),
        );
    }
    let access = match bearer_token(&parts.headers) {
        Err(()) => {
            return unauthorized(&via, Some(("invalid_request", "use the Bearer authorization scheme")));
        }
        Ok(Some(token)) => match state.oauth.verify_bearer(token, resource_for(via.origin())).await {
            Ok(access) => access,
            Err(e) => return unauthorized(&via, Some(("invalid_token", e.description()))),
        },
        Ok(None) => match owner_access(&state, &via, &parts.headers).await {
            Some(access) => access,
            None => return unauthorized(&via, None),
        },
    };

    let rate_key = format!("{}:{}", access.user.0, access.client_id.as_deref().unwrap_or(&access.grant_id));
    if let Err(not_until) = state.limiter.check_key(&rate_key) {
        let wait =
            not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        let mut response =
            json_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many MCP requests; slow down");
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }

    let session = parts.headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let binding = access.client_id.clone().unwrap_or_else(|| access.grant_id.clone());
    if let Some(id) = &session
        && let Err(refusal) = state.sessions.touch(id, &binding, &access.grant_id).await
    {
        tracing::info!(session = %id, ?refusal, "MCP session refused");
        return json_error(
            StatusCode::NOT_FOUND,
            "session_not_found",
            "session not found; initialize a new session",
        );
    }

    let mut is_initialize = false;
    let body = match body {
        Ok(bytes) => {
            if let Ok(message) = serde_json::from_slice::<Value>(&bytes) {
                is_initialize = message.get("method").and_then(Value::as_str) == Some("initialize");
                if let Some(scope) = missing_scope(&message, access.scopes) {
                    let wanted = access.scopes.union(ScopeSet::from_scopes([scope])).to_string();
                    let description = format!("this tool needs the {scope} scope");
                    let mut response = json_error(StatusCode::FORBIDDEN, "insufficient_scope", &description);
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        challenge(&via, Some(("insufficient_scope", &description)), &wanted),
                    );
                    return response;
                }
            }
            Body::from(bytes)
        }
        Err(body) => body,
    };
    let method = parts.method.clone();
    parts.extensions.insert(access.clone());
    let mut response = next.run(Request::from_parts(parts, body)).await;

    // Legacy sessions: remember who opened one, forget one the client ended.
    match (&session, response.headers().get(SESSION_HEADER).and_then(|v| v.to_str().ok())) {
        (None, Some(new_id)) if is_initialize && response.status().is_success() => {
            state.sessions.register(new_id, access.user, &binding, &access.grant_id).await;
        }
        (Some(id), _) if method == Method::DELETE && response.status().is_success() => {
            state.sessions.forget(id);
            // rmcp answers 202, but the session is already closed when it does: RFC 9110
            // §9.3.5 says 202 is for a deletion not yet enacted, 204 for one that was, and MCP
            // clients (the Python SDK) treat anything but 200/204 as a failed termination.
            if response.status() == StatusCode::ACCEPTED {
                *response.status_mut() = StatusCode::NO_CONTENT;
            }
        }
        _ => {}
    }
    response
}

/// The owner's browser session gives the UI full access, on loopback only.
async fn owner_access(state: &McpState, via: &Via, headers: &HeaderMap) -> Option<AccessContext> {
    if !matches!(via, Via::Loopback { .. }) {
        return None;
    }
    let cookie = crate::http::owner_session_cookie(headers)?;
    let user = state.owner.verify_session(&cookie).await.ok()?;
    Some(AccessContext {
        user,
        kind: TokenKind::Owner,
        client_id: None,
        grant_id: "owner".into(),
        scopes: ScopeSet::all(),
        expires_at: None,
    })
}
