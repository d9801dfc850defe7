//! The owner's API for connecting MCP clients by config file: `GET /api/connect` (every client
//! with its file, state and snippets, plus machine-client instructions), `POST` and `DELETE
//! /api/connect/{client}`. Mounted under `/api`, behind the owner session; file work runs on the
//! blocking pool.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::paths;
use crate::connect::{self, CLIENTS, ConnectError, Dirs, Outcome, Status, Target, Via};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::API_CONNECT, get(list))
        .route(paths::API_CONNECT_CLIENT, axum::routing::post(connect_client).delete(disconnect_client))
}

impl From<ConnectError> for ApiError {
    fn from(e: ConnectError) -> Self {
        let (status, code) = match &e {
            ConnectError::Exists { .. } => (StatusCode::CONFLICT, "exists"),
            ConnectError::Unparseable { .. } | ConnectError::Shape { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unparseable")
            }
            ConnectError::NoConfigFile { .. } | ConnectError::NoUrlEntry { .. } => {
                (StatusCode::BAD_REQUEST, "unsupported")
            }
            ConnectError::Io { .. } => return ApiError::internal(&e),
        };
        ApiError::new(status, code, e.to_string())
    }
}

fn dirs(state: &AppState) -> Result<Dirs, ApiError> {
    state.info.client_dirs.clone().or_else(Dirs::from_env).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "no_home",
            "no home directory: clients' config files cannot be found",
        )
    })
}

fn target(state: &AppState) -> Target {
    Target {
        mcp_url: format!("{}{}", state.info.local_url, paths::MCP),
        trek_program: Target::trek_program(),
    }
}

fn client(id: &str) -> Result<&'static connect::Client, ApiError> {
    connect::clients::find(id).map_err(|m| ApiError::new(StatusCode::NOT_FOUND, "unknown_client", m))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::internal(&e))?
}

#[derive(Serialize)]
struct ClientView {
    id: &'static str,
    name: &'static str,
    #[serde(flatten)]
    status: Status,
    default_via: Via,
    /// The config snippet per way of connecting this client supports.
    snippets: Vec<Snippet>,
    restart: &'static str,
    source: &'static str,
}

#[derive(Serialize)]
struct Snippet {
    via: Via,
    text: String,
}

#[derive(Serialize)]
struct ConnectPage {
    mcp_url: String,
    clients: Vec<ClientView>,
    /// Scripts and agents: a machine client and the client_credentials exchange.
    machine: Machine,
}

#[derive(Serialize)]
struct Machine {
    create: String,
    token: String,
    call: String,
}

fn machine(base: &str) -> Machine {
    let mcp = format!("{base}{}", paths::MCP);
    let headers = "-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'";
    Machine {
        create: "trek client create --name my-script --machine --scopes trips:read,trips:write".into(),
        token: format!(
            "TOKEN=$(curl -s -u \"$CLIENT_ID:$CLIENT_SECRET\" -d grant_type=client_credentials \
             -d 'scope=trips:read trips:write' {base}{} | jq -r .access_token)",
            paths::OAUTH_TOKEN
        ),
        call: format!(
            "SESSION=$(curl -s -D - -o /dev/null {mcp} -H \"Authorization: Bearer $TOKEN\" {headers} \
             -d '{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{{}},\"clientInfo\":{{\"name\":\"my-script\",\"version\":\"1\"}}}}}}' \
             | awk 'tolower($1)==\"mcp-session-id:\" {{print $2}}' | tr -d '\\r')\n\
             curl -s {mcp} -H \"Authorization: Bearer $TOKEN\" -H \"Mcp-Session-Id: $SESSION\" -H 'MCP-Protocol-Version: 2025-11-25' {headers} \
             -d '{{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}}'\n\
             curl -s {mcp} -H \"Authorization: Bearer $TOKEN\" -H \"Mcp-Session-Id: $SESSION\" -H 'MCP-Protocol-Version: 2025-11-25' {headers} \
             -d '{{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{{\"name\":\"list_trips\",\"arguments\":{{}}}}}}'"
        ),
    }
}

async fn list(State(s): State<AppState>) -> Result<Json<ConnectPage>, ApiError> {
    let dirs = dirs(&s)?;
    let target = target(&s);
    let base = s.info.local_url.clone();
    let clients = blocking(move || {
        Ok(CLIENTS
            .iter()
            .map(|c| {
                let vias = [Via::Native, Via::Bridge, Via::McpRemote];
                let snippets = vias
                    .into_iter()
                    .filter_map(|via| {
                        connect::snippet(c, via, &target).ok().map(|text| Snippet { via, text })
                    })
                    .collect();
                ClientView {
                    id: c.id,
                    name: c.name,
                    status: connect::status(c, &dirs),
                    default_via: c.default_via,
                    snippets,
                    restart: c.restart,
                    source: c.source,
                }
            })
            .collect())
    })
    .await?;
    Ok(Json(ConnectPage { mcp_url: format!("{base}{}", paths::MCP), clients, machine: machine(&base) }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConnectBody {
    via: Option<Via>,
    #[serde(default)]
    force: bool,
}

#[derive(Serialize)]
struct Conflict<'a> {
    error: &'static str,
    message: String,
    current: &'a Value,
}

async fn connect_client(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let client = client(&id)?;
    // The body is optional: no body connects the default way, asking before replacing.
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        ConnectBody::default()
    } else {
        serde_json::from_slice::<ConnectBody>(&body)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))?
    };
    let dirs = dirs(&s)?;
    let target = target(&s);
    let via = body.via.unwrap_or(client.default_via);
    let result =
        tokio::task::spawn_blocking(move || connect::connect(client, &dirs, via, &target, body.force))
            .await
            .map_err(|e| ApiError::internal(&e))?;
    match result {
        Ok(outcome) => Ok(Json::<Outcome>(outcome).into_response()),
        // The UI asks the owner, then retries with `force`; it needs the entry to show.
        Err(ConnectError::Exists { path, current }) => {
            let message = ConnectError::Exists { path, current: current.clone() }.to_string();
            let body = Conflict { error: "exists", message, current: &current };
            Ok((StatusCode::CONFLICT, [(axum::http::header::CACHE_CONTROL, "no-store")], axum::Json(body))
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn disconnect_client(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Outcome>, ApiError> {
    let client = client(&id)?;
    let dirs = dirs(&s)?;
    Ok(Json(blocking(move || connect::disconnect(client, &dirs).map_err(ApiError::from)).await?))
}
