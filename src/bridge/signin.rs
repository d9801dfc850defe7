//! The bridge's interactive OAuth sign-in, on rmcp's auth machinery: discovery, registration
//! (reused from the credentials file when one exists), PKCE, the system browser and a one-shot
//! loopback redirect listener (RFC 8252 §7.3: `http://127.0.0.1:PORT/callback`).

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use rmcp::transport::auth::{AuthorizationManager, AuthorizationRequest, OAuthState};
use tokio::sync::oneshot;

use super::BridgeError;
use super::store::FileCredentialStore;

/// How long the bridge waits for the owner to approve the request in Trek.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(600);

/// A command that receives the authorization URL instead of the system browser (tests, or
/// people who want a particular browser), like `$BROWSER`.
pub const ENV_BROWSER: &str = "TREK_BRIDGE_BROWSER";

/// The client name shown on Trek's consent card.
const CLIENT_NAME: &str = "Trek bridge";

/// Signs in through the browser and returns a manager holding fresh tokens (also saved in
/// `store`). `challenge` is the `WWW-Authenticate` value of the 401/403 that made it necessary.
pub async fn sign_in(
    url: &url::Url,
    store: &FileCredentialStore,
    challenge: Option<String>,
) -> Result<AuthorizationManager, BridgeError> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let redirect_base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let redirect_uri = format!("{redirect_base}/callback");

    let mut manager = AuthorizationManager::new(url.as_str()).await?;
    manager.set_credential_store(store.clone());
    let mut request = AuthorizationRequest::new(&redirect_uri).with_client_name(CLIENT_NAME);
    // One registration for every sign-in: the client_id stays in the credentials file.
    if let Some(stored) = store.read()? {
        request = request.with_preregistered_client(stored.client_id);
    }
    if let Some(challenge) = challenge {
        request = request.with_challenge(challenge);
    }
    let mut state = OAuthState::Unauthorized(manager);
    state.start_authorization(request).await?;
    let auth_url = state.get_authorization_url().await?;

    let (sender, receiver) = oneshot::channel();
    let server = tokio::spawn(serve_callback(listener, sender));
    // stdout is the MCP channel: everything for the person goes to stderr.
    eprintln!("trek bridge: approve the connection in Trek. If no browser opened, visit:\n{auth_url}");
    if let Err(e) = open_browser(&auth_url) {
        eprintln!("trek bridge: could not open a browser ({e}); open the URL above yourself");
    }
    let callback = tokio::time::timeout(SIGN_IN_TIMEOUT, receiver).await;
    server.abort();
    let query = match callback {
        Ok(Ok(query)) => query,
        Ok(Err(_)) => return Err(BridgeError::SignIn("the redirect listener stopped".into())),
        Err(_) => {
            return Err(BridgeError::SignIn(format!(
                "no approval within {} minutes; run the client again to retry",
                SIGN_IN_TIMEOUT.as_secs() / 60
            )));
        }
    };
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").map(String::as_str).unwrap_or("");
        return Err(BridgeError::SignIn(format!("Trek refused the connection: {error} {description}")));
    }
    state.handle_callback_url(&format!("{redirect_uri}?{query}")).await?;
    match state {
        OAuthState::Authorized(manager) => Ok(manager),
        _ => Err(BridgeError::SignIn("the authorization did not complete".into())),
    }
}

type Slot = Arc<Mutex<Option<oneshot::Sender<String>>>>;

/// Serves `/callback` until the first redirect arrives, handing its query string over.
async fn serve_callback(listener: tokio::net::TcpListener, sender: oneshot::Sender<String>) {
    let slot: Slot = Arc::new(Mutex::new(Some(sender)));
    let app = Router::new().route("/callback", get(callback)).with_state(slot);
    if let Err(e) = axum::serve(listener, app).await {
        tracing::warn!(error = %e, "bridge redirect listener failed");
    }
}

async fn callback(State(slot): State<Slot>, RawQuery(query): RawQuery) -> Html<&'static str> {
    let query = query.unwrap_or_default();
    let denied = query.split('&').any(|kv| kv.starts_with("error="));
    if let Some(sender) = slot.lock().ok().and_then(|mut s| s.take()) {
        let _ = sender.send(query);
    }
    Html(if denied {
        "<!doctype html><title>Trek</title><p>The connection was not approved. You can close this tab.</p>"
    } else {
        "<!doctype html><title>Trek</title><p>Connected to Trek. You can close this tab.</p>"
    })
}

/// Opens `url` with `$TREK_BRIDGE_BROWSER` when set, else the system browser.
fn open_browser(url: &str) -> std::io::Result<()> {
    match std::env::var_os(ENV_BROWSER).filter(|v| !v.is_empty()) {
        Some(command) => {
            // Never inherit stdout: it carries the MCP messages.
            std::process::Command::new(command)
                .arg(url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .map(drop)
        }
        None => open::that_detached(url),
    }
}
