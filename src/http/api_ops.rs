//! The UI's side of the operation registry — `GET /api/ops`, `POST /api/ops/{name}` — the
//! live change stream `GET /api/events`, and the MCP on/off switch. The UI calls exactly the
//! operations assistants call; there is no second REST layer.

use std::convert::Infallible;

use axum::Router;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_stream::wrappers::BroadcastStream;

use super::api::Owner;
use super::app::AppState;
use super::error::{ApiError, Json};
use crate::auth::scopes::ScopeSet;
use crate::domain::{Actor, DomainError};
use crate::ops::{AddonSet, Kind, OpError, registry};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops", get(list_ops))
        .route("/ops/{name}", post(call_op))
        .route("/events", get(events))
        .route("/settings/mcp", get(mcp_setting).put(set_mcp_setting))
}

#[derive(Serialize)]
struct OpView {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    kind: Kind,
    scope: Option<String>,
    input_schema: Value,
}

/// The operations the UI may offer: every one whose add-on is on.
async fn list_ops(State(state): State<AppState>) -> Result<Json<Vec<OpView>>, ApiError> {
    let addons = state
        .store
        .read_inline(|c| AddonSet::load(c).map_err(crate::store::StoreError::from))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(
        registry()
            .visible(ScopeSet::all(), addons)
            .map(|e| OpView {
                name: e.meta.name,
                title: e.meta.title,
                description: e.meta.description,
                kind: e.meta.kind,
                scope: e.meta.scope.map(|s| s.to_string()),
                input_schema: Value::Object((*e.input_schema).clone()),
            })
            .collect(),
    ))
}

impl From<OpError> for ApiError {
    fn from(e: OpError) -> Self {
        let message = e.to_string();
        match e {
            OpError::Unknown(_) => ApiError::new(StatusCode::NOT_FOUND, "unknown_op", message),
            OpError::InvalidArguments(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_arguments", message)
            }
            OpError::MissingScope(_) => ApiError::new(StatusCode::FORBIDDEN, "insufficient_scope", message),
            OpError::AddonDisabled(_) => ApiError::new(StatusCode::FORBIDDEN, "addon_disabled", message),
            OpError::Domain(DomainError::NotFound { .. }) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
            }
            OpError::Domain(DomainError::Invalid { .. }) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid", message)
            }
            OpError::Domain(DomainError::Forbidden(_)) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            OpError::Domain(DomainError::Conflict(_) | DomainError::Limit { .. }) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            OpError::Domain(DomainError::Store(crate::store::StoreError::DiskFull)) => {
                ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", message)
            }
            OpError::Domain(other) => ApiError::internal(&other),
            OpError::Outbound(e) => {
                use crate::providers::world::WorldError as W;
                let (status, code) = match e {
                    W::NoResult(_) => (StatusCode::NOT_FOUND, "no_result"),
                    W::NotConfigured(_) => (StatusCode::SERVICE_UNAVAILABLE, "not_configured"),
                    W::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
                    W::OutOfRange(_) | W::Refused(_) => (StatusCode::BAD_REQUEST, "invalid"),
                    _ => (StatusCode::BAD_GATEWAY, "upstream_error"),
                };
                ApiError::new(status, code, message)
            }
        }
    }
}

/// Runs an operation as the owner. An empty body means no arguments.
async fn call_op(
    State(state): State<AppState>,
    Extension(Owner(user)): Extension<Owner>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let args: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))?
    };
    let (value, changes) = registry()
        .execute_with(
            Some(state.mcp.world()),
            &state.store,
            &name,
            Actor { user },
            ScopeSet::all(),
            state.clock.now(),
            args,
        )
        .await?;
    state.events.publish(changes);
    Ok(Json(value))
}

/// Server-sent events: one `change` event per committed change; `reload` if this stream fell
/// behind and missed some (the UI then refetches).
async fn events(State(state): State<AppState>) -> Response {
    // The stream ends with the server, so a graceful shutdown need not wait for it.
    let shutdown = state.shutdown.clone().cancelled_owned();
    let stream = BroadcastStream::new(state.events.subscribe()).take_until(shutdown).map(|item| {
        Ok::<_, Infallible>(match item {
            Ok(change) => {
                Event::default().event("change").json_data(&change).unwrap_or_else(|_| Event::default())
            }
            Err(_lagged) => Event::default().event("reload").data("{}"),
        })
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

#[derive(Serialize, Deserialize)]
struct McpSetting {
    enabled: bool,
}

async fn mcp_setting(State(state): State<AppState>) -> Json<McpSetting> {
    Json(McpSetting { enabled: state.mcp.is_enabled() })
}

/// Switching MCP off refuses every MCP request and ends every live session.
async fn set_mcp_setting(
    State(state): State<AppState>,
    Json(setting): Json<McpSetting>,
) -> Result<Json<McpSetting>, ApiError> {
    state.mcp.set_enabled(&state.store, setting.enabled).await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(setting))
}
