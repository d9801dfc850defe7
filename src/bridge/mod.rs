//! `trek bridge URL`: a stdio MCP server that forwards every request to Trek's Streamable HTTP
//! endpoint, signing in with OAuth itself (rmcp's client and auth features), so stdio-only
//! clients such as Claude Desktop need no Node.js.
//!
//! Tokens refresh on expiry (rmcp's `AuthClient`); when Trek refuses them (revoked), the bridge
//! signs in again through the browser and retries the request once, instead of failing.
//!
//! **Invariant:** nothing but MCP messages goes to stdout; messages for people go to stderr.

mod signin;
pub mod store;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientConfig, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerConfig,
};
use rmcp::service::{ClientInitializeError, RequestContext, RunningService, ServiceError};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::auth::{AuthClient, AuthError, AuthorizationManager};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ErrorData as McpError, Peer, RoleClient, RoleServer, ServerHandler, ServiceExt};
use tokio::sync::Mutex;

pub use signin::{ENV_BROWSER, SIGN_IN_TIMEOUT};
use store::FileCredentialStore;

/// Why the bridge could not start or reach Trek.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{0:?} is not an http(s) MCP URL")]
    Url(String),
    #[error("sign-in failed: {0}")]
    SignIn(String),
    #[error("OAuth: {0}")]
    Auth(#[from] AuthError),
    #[error("cannot reach Trek's MCP endpoint: {0}")]
    Connect(#[from] Box<ClientInitializeError>),
    #[error("stdio: {0}")]
    Serve(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

type Upstream = RunningService<RoleClient, ClientConfig>;

/// Runs the bridge until the stdio client goes away.
pub async fn run(mcp_url: &str, data_dir: &Path) -> Result<(), BridgeError> {
    crate::install_crypto_provider();
    let url = url::Url::parse(mcp_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| BridgeError::Url(mcp_url.to_owned()))?;
    let store = FileCredentialStore::new(store::path_for(data_dir, &url));
    let upstream = establish(&url, &store, None).await?;
    let info = server_config(&upstream);
    let bridge = Bridge { url, store, info, upstream: Arc::new(Mutex::new(Some(upstream))) };
    let upstream = bridge.upstream.clone();
    let service =
        bridge.serve(rmcp::transport::stdio()).await.map_err(|e| BridgeError::Serve(e.to_string()))?;
    let _ = service.waiting().await;
    if let Some(upstream) = upstream.lock().await.take() {
        let _ = upstream.cancel().await;
    }
    Ok(())
}

/// Connects to Trek with the stored tokens, signing in through the browser when there are
/// none or Trek refuses them (after rmcp's own refresh attempt).
async fn establish(
    url: &url::Url,
    store: &FileCredentialStore,
    challenge: Option<String>,
) -> Result<Upstream, BridgeError> {
    let mut challenge = challenge;
    if challenge.is_none() {
        let mut manager = AuthorizationManager::new(url.as_str()).await?;
        manager.set_credential_store(store.clone());
        if manager.initialize_from_store().await? {
            match connect(url, manager).await {
                Ok(upstream) => return Ok(upstream),
                Err(e) => match e.auth_challenge() {
                    Some(c) => challenge = Some(c.to_owned()),
                    None => return Err(Box::new(e).into()),
                },
            }
        }
    }
    let manager = signin::sign_in(url, store, challenge).await?;
    connect(url, manager).await.map_err(|e| Box::new(e).into())
}

async fn connect(url: &url::Url, manager: AuthorizationManager) -> Result<Upstream, ClientInitializeError> {
    let client = AuthClient::new(reqwest_rmcp::Client::default(), manager);
    let transport = StreamableHttpClientTransport::with_client(
        client,
        StreamableHttpClientTransportConfig::with_uri(url.as_str()),
    );
    let me = ClientConfig::new(Default::default(), Implementation::new("trek-bridge", crate::VERSION));
    me.serve(transport).await
}

/// What the bridge tells its stdio client about the server: Trek's own answer.
fn server_config(upstream: &Upstream) -> ServerConfig {
    let Some(peer) = upstream.peer_info() else { return ServerConfig::default() };
    let mut config = ServerConfig::new(peer.capabilities.clone());
    if let Some(implementation) = &peer.server_info {
        config = config.with_server_info(implementation.clone());
    }
    if let Some(instructions) = &peer.instructions {
        config = config.with_instructions(instructions.clone());
    }
    config
}

struct Bridge {
    url: url::Url,
    store: FileCredentialStore,
    info: ServerConfig,
    upstream: Arc<Mutex<Option<Upstream>>>,
}

impl Bridge {
    /// The live upstream peer, reconnecting when the connection has ended.
    async fn peer(&self) -> Result<Peer<RoleClient>, McpError> {
        let mut slot = self.upstream.lock().await;
        if slot.as_ref().is_none_or(|u| u.is_closed()) {
            *slot = Some(establish(&self.url, &self.store, None).await.map_err(unavailable)?);
        }
        slot.as_ref().map(|u| u.peer().clone()).ok_or_else(|| unavailable("no connection"))
    }

    /// Replaces the upstream connection, signing in again when `challenge` says so.
    async fn reconnect(&self, challenge: Option<String>) -> Result<(), McpError> {
        let mut slot = self.upstream.lock().await;
        if let Some(old) = slot.take() {
            let _ = old.cancel().await;
        }
        *slot = Some(establish(&self.url, &self.store, challenge).await.map_err(unavailable)?);
        Ok(())
    }

    /// Sends one request upstream; on a transport failure (a refused token, an ended session)
    /// reconnects — signing in again if needed — and retries once.
    async fn forward<T, F, Fut>(&self, call: F) -> Result<T, McpError>
    where
        F: Fn(Peer<RoleClient>) -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        match call(self.peer().await?).await {
            Err(e @ (ServiceError::TransportSend(_) | ServiceError::TransportClosed)) => {
                let challenge = e.auth_challenge().map(str::to_owned);
                tracing::warn!(error = %e, reauthorize = challenge.is_some(), "trek bridge: reconnecting to Trek");
                self.reconnect(challenge).await?;
                call(self.peer().await?).await.map_err(upstream_error)
            }
            other => other.map_err(upstream_error),
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> McpError {
    McpError::internal_error(format!("trek bridge: cannot reach Trek: {e}"), None)
}

fn upstream_error(e: ServiceError) -> McpError {
    match e {
        ServiceError::McpError(e) => e,
        other => McpError::internal_error(format!("trek bridge: {other}"), None),
    }
}

impl ServerHandler for Bridge {
    fn get_info(&self) -> ServerConfig {
        self.info.clone()
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.list_tools(request).await }
        })
        .await
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.call_tool_once(request).await }
        })
        .await
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.list_resources(request).await }
        })
        .await
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.list_resource_templates(request).await }
        })
        .await
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.read_resource_once(request).await }
        })
        .await
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.list_prompts(request).await }
        })
        .await
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        self.forward(|p| {
            let request = request.clone();
            async move { p.get_prompt_once(request).await }
        })
        .await
    }
}
