//! Clients: Dynamic Client Registration (RFC 7591), Client ID Metadata Documents, owner-created
//! clients from presets, machine clients, secret rotation, deletion and client authentication.

use serde::{Deserialize, Serialize};

use super::{CLIENT_ID_PREFIX, CLIENT_SECRET_PREFIX, OAuth, OAuthError, audit};
use crate::auth::cimd::CimdResolver;
use crate::auth::redirect_uri::validate_for_registration;
use crate::auth::scopes::ScopeSet;
use crate::auth::secret::{self, Secret, random_id};
use crate::clock::UnixTime;
use crate::config::{MAX_CLIENT_NAME_CHARS, MAX_OWNER_CLIENTS, MAX_REDIRECT_URIS, UNCONSENTED_CLIENT_TTL};
use crate::store::oauth::{self as rows, ClientRow};

/// How a client came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// Registered itself at `/oauth/register`.
    Dynamic,
    /// Created by the owner (optionally from a preset); confidential.
    Precreated,
    /// Created by the owner for scripts: `client_credentials` only.
    Machine,
    /// Its `client_id` is the URL of its metadata document.
    Cimd,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dynamic => "dynamic",
            Self::Precreated => "precreated",
            Self::Machine => "machine",
            Self::Cimd => "cimd",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "precreated" => Self::Precreated,
            "machine" => Self::Machine,
            "cimd" => Self::Cimd,
            _ => Self::Dynamic,
        }
    }
}

/// A preset for the clients people use, with the redirect URIs those clients really send.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub redirect_uris: &'static [&'static str],
}

/// Loopback redirect URIs are registered without a port: the client picks one at run time
/// (RFC 8252 §7.3), and `redirect_uri::redirect_matches` ignores it.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "claude-ai",
        name: "Claude.ai",
        redirect_uris: &[
            "https://claude.ai/api/mcp/auth_callback",
            "https://claude.com/api/mcp/auth_callback",
        ],
    },
    Preset {
        id: "claude-desktop",
        name: "Claude Desktop",
        redirect_uris: &[
            "https://claude.ai/api/mcp/auth_callback",
            "https://claude.com/api/mcp/auth_callback",
        ],
    },
    Preset { id: "claude-code", name: "Claude Code", redirect_uris: &["http://localhost/callback"] },
    Preset {
        id: "cursor",
        name: "Cursor",
        redirect_uris: &["cursor://anysphere.cursor-mcp/oauth/callback", "http://localhost/oauth/callback"],
    },
    Preset {
        id: "vscode",
        name: "VS Code",
        redirect_uris: &[
            "https://vscode.dev/redirect",
            "http://127.0.0.1/",
            "http://localhost/oauth/callback",
        ],
    },
    Preset { id: "windsurf", name: "Windsurf", redirect_uris: &["http://localhost/oauth/callback"] },
    Preset { id: "zed", name: "Zed", redirect_uris: &["http://localhost/oauth/callback"] },
];

/// A client as the owner sees it (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct ClientView {
    pub client_id: String,
    pub kind: ClientKind,
    pub name: String,
    pub preset: Option<String>,
    pub confidential: bool,
    pub token_endpoint_auth_method: String,
    pub redirect_uris: Vec<String>,
    pub scopes: ScopeSet,
    pub client_uri: Option<String>,
    /// For CIMD clients, the domain that vouches for the metadata.
    pub verified_domain: Option<String>,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
}

impl ClientView {
    pub(super) fn from_row(row: &ClientRow) -> Self {
        let kind = ClientKind::parse(&row.kind);
        Self {
            client_id: row.id.clone(),
            kind,
            name: row.name.clone(),
            preset: row.preset.clone(),
            confidential: row.secret_hash.is_some(),
            token_endpoint_auth_method: row.auth_method.clone(),
            redirect_uris: row.redirect_uris.clone(),
            scopes: ScopeSet::parse(&row.scopes).map(|(s, _)| s).unwrap_or_default(),
            client_uri: row.client_uri.clone(),
            // A stored CIMD client exists only after the resolver fetched and checked its
            // document, so its id's authority is the domain that vouched for it.
            verified_domain: (kind == ClientKind::Cimd).then(|| authority_of(&row.id)).flatten(),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// `host[:port]` of a URL.
fn authority_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(url.port().map_or_else(|| host.to_owned(), |port| format!("{host}:{port}")))
}

/// RFC 7591 §2 client metadata, as clients send it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegistrationRequest {
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub response_types: Option<Vec<String>>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub client_uri: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub application_type: Option<String>,
}

/// RFC 7591 §3.2.1 registration response.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationResponse {
    pub client_id: String,
    pub client_id_issued_at: UnixTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
    pub client_name: String,
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<&'static str>,
    pub response_types: Vec<&'static str>,
    pub token_endpoint_auth_method: String,
    pub application_type: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
}

/// What the owner asks for when creating a client.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OwnerClientRequest {
    pub name: String,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub machine: bool,
    /// Redirect URIs (ignored for machine clients; default: the preset's).
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    /// Allowed scopes (default: all for machine clients, the preset default otherwise).
    #[serde(default)]
    pub scopes: Option<ScopeSet>,
}

/// A created client with its secret, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewClient {
    #[serde(flatten)]
    pub client: ClientView,
    pub client_secret: String,
}

/// A rotated secret, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewClientSecret {
    pub client_id: String,
    pub client_secret: String,
}

/// Grant types we issue through `/oauth/register` and `/oauth/authorize`.
const DCR_GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];

fn check_name(name: &str) -> Result<String, OAuthError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OAuthError::InvalidClientMetadata("client_name must not be empty".into()));
    }
    if name.chars().count() > MAX_CLIENT_NAME_CHARS {
        return Err(OAuthError::InvalidClientMetadata(format!(
            "client_name is longer than {MAX_CLIENT_NAME_CHARS} characters"
        )));
    }
    Ok(name.to_owned())
}

fn check_redirect_uris(uris: &[String]) -> Result<(), OAuthError> {
    if uris.is_empty() {
        return Err(OAuthError::InvalidRedirectUri("redirect_uris must list at least one URI".into()));
    }
    if uris.len() > MAX_REDIRECT_URIS {
        return Err(OAuthError::InvalidRedirectUri(format!(
            "at most {MAX_REDIRECT_URIS} redirect_uris are allowed"
        )));
    }
    for uri in uris {
        validate_for_registration(uri)
            .map_err(|e| OAuthError::InvalidRedirectUri(format!("redirect_uri {uri:?}: {e}")))?;
    }
    Ok(())
}

impl OAuth {
    /// `POST /oauth/register` (RFC 7591). Strict about redirect URIs and authentication
    /// methods; lenient where real clients differ harmlessly (unknown grant types are dropped,
    /// an empty scope means every scope, the owner narrows at consent).
    pub async fn register(&self, req: RegistrationRequest) -> Result<RegistrationResponse, OAuthError> {
        let now = self.now();
        let redirect_uris = req.redirect_uris.clone().unwrap_or_default();
        check_redirect_uris(&redirect_uris)?;
        let auth_method = req.token_endpoint_auth_method.clone().unwrap_or_else(|| "none".into());
        if !matches!(auth_method.as_str(), "none" | "client_secret_basic" | "client_secret_post") {
            return Err(OAuthError::InvalidClientMetadata(format!(
                "token_endpoint_auth_method {auth_method:?} is not supported; use none, client_secret_basic or client_secret_post"
            )));
        }
        if req.response_types.as_ref().is_some_and(|types| !types.iter().any(|t| t == "code")) {
            return Err(OAuthError::InvalidClientMetadata("response_types must include \"code\"".into()));
        }
        if req.grant_types.as_ref().is_some_and(|types| !types.iter().any(|t| t == "authorization_code")) {
            return Err(OAuthError::InvalidClientMetadata(
                "grant_types must include authorization_code (machine clients are created in the app)".into(),
            ));
        }
        let application_type = match req.application_type.as_deref() {
            None | Some("native") => "native",
            Some("web") => "web",
            Some(other) => {
                return Err(OAuthError::InvalidClientMetadata(format!(
                    "application_type {other:?} is not supported; use native or web"
                )));
            }
        };
        let scopes = match req.scope.as_deref().map(str::trim) {
            None | Some("") => ScopeSet::all(),
            Some(s) => ScopeSet::parse(s).map_err(|e| OAuthError::InvalidClientMetadata(e.to_string()))?.0,
        };
        let scopes = if scopes.is_empty() { ScopeSet::all() } else { scopes };
        let name = check_name(req.client_name.as_deref().unwrap_or("MCP client"))?;

        let secret = (auth_method != "none").then(|| Secret::generate(CLIENT_SECRET_PREFIX));
        let row = ClientRow {
            id: random_id(CLIENT_ID_PREFIX),
            kind: ClientKind::Dynamic.as_str().into(),
            name,
            preset: None,
            secret_hash: secret.as_ref().map(|s| s.hash().to_vec()),
            auth_method: auth_method.clone(),
            application_type: application_type.into(),
            redirect_uris: redirect_uris.clone(),
            scopes: scopes.to_string(),
            client_uri: req.client_uri.clone(),
            created_at: now,
            last_used_at: None,
        };
        let stored = row.clone();
        let prune_before = now - UNCONSENTED_CLIENT_TTL.as_secs() as i64;
        self.store
            .write(move |tx| {
                rows::prune_unconsented_clients(tx, prune_before)?;
                rows::insert_client(tx, &stored)?;
                audit(tx, now, "client_registered", Some(&stored.id), None, Some(stored.name.clone()))?;
                Ok::<_, OAuthError>(())
            })
            .await?;
        Ok(RegistrationResponse {
            client_id: row.id,
            client_id_issued_at: now,
            client_secret_expires_at: secret.as_ref().map(|_| 0),
            client_secret: secret.map(|s| s.expose().to_owned()),
            client_name: row.name,
            redirect_uris,
            grant_types: DCR_GRANT_TYPES.to_vec(),
            response_types: vec!["code"],
            token_endpoint_auth_method: auth_method,
            application_type: application_type.into(),
            scope: scopes.to_string(),
            client_uri: row.client_uri,
        })
    }

    /// Owner: creates a confidential client (from a preset) or a machine client.
    pub async fn create_owner_client(&self, req: OwnerClientRequest) -> Result<NewClient, OAuthError> {
        let now = self.now();
        let name = check_name(&req.name)
            .map_err(|e| OAuthError::InvalidRequest(e.description().replace("client_name", "name")))?;
        let preset = match req.preset.as_deref() {
            None => None,
            Some(id) => Some(PRESETS.iter().find(|p| p.id == id).ok_or_else(|| {
                let known: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                OAuthError::InvalidRequest(format!(
                    "unknown preset {id:?}; known presets: {}",
                    known.join(", ")
                ))
            })?),
        };
        let (kind, redirect_uris) = if req.machine {
            (ClientKind::Machine, Vec::new())
        } else {
            let uris = req
                .redirect_uris
                .clone()
                .or_else(|| preset.map(|p| p.redirect_uris.iter().map(|s| (*s).to_owned()).collect()))
                .unwrap_or_default();
            check_redirect_uris(&uris)?;
            (ClientKind::Precreated, uris)
        };
        let scopes = match req.scopes {
            Some(s) if s.is_empty() => {
                return Err(OAuthError::InvalidScope("choose at least one scope".into()));
            }
            Some(s) => s,
            None if req.machine => ScopeSet::all(),
            None => ScopeSet::preset_default(),
        };
        let secret = Secret::generate(CLIENT_SECRET_PREFIX);
        let row = ClientRow {
            id: random_id(CLIENT_ID_PREFIX),
            kind: kind.as_str().into(),
            name,
            preset: preset.map(|p| p.id.to_owned()),
            secret_hash: Some(secret.hash().to_vec()),
            auth_method: "client_secret_basic".into(),
            application_type: if req.machine { "web" } else { "native" }.into(),
            redirect_uris,
            scopes: scopes.to_string(),
            client_uri: None,
            created_at: now,
            last_used_at: None,
        };
        let stored = row.clone();
        self.store
            .write(move |tx| {
                if rows::count_owner_clients(tx)? >= MAX_OWNER_CLIENTS {
                    return Err(OAuthError::LimitReached(format!(
                        "at most {MAX_OWNER_CLIENTS} clients can be created; delete one first"
                    )));
                }
                rows::insert_client(tx, &stored)?;
                audit(tx, now, "client_created", Some(&stored.id), None, Some(stored.name.clone()))?;
                Ok(())
            })
            .await?;
        Ok(NewClient { client: ClientView::from_row(&row), client_secret: secret.expose().to_owned() })
    }

    pub async fn list_clients(&self) -> Result<Vec<ClientView>, OAuthError> {
        let rows = self.store.read(|c| rows::list_clients(c).map_err(OAuthError::from)).await?;
        Ok(rows.iter().map(ClientView::from_row).collect())
    }

    /// Owner: replaces a confidential client's secret; the old one stops working at once.
    pub async fn rotate_client_secret(&self, client_id: String) -> Result<NewClientSecret, OAuthError> {
        let now = self.now();
        let secret = Secret::generate(CLIENT_SECRET_PREFIX);
        let hash = secret.hash();
        let id = client_id.clone();
        self.store
            .write(move |tx| {
                if rows::set_client_secret(tx, &id, &hash, now)? == 0 {
                    return Err(OAuthError::NotFound(format!("no confidential client {id:?}")));
                }
                audit(tx, now, "client_secret_rotated", Some(&id), None, None)?;
                Ok(())
            })
            .await?;
        Ok(NewClientSecret { client_id, client_secret: secret.expose().to_owned() })
    }

    /// Owner: deletes a client and everything it was granted. Returns the revoked grant ids.
    pub async fn delete_client(&self, client_id: String) -> Result<Vec<String>, OAuthError> {
        let now = self.now();
        let grants = self
            .store
            .write(move |tx| {
                let grants = rows::live_grant_ids_of_client(tx, &client_id)?;
                for grant in &grants {
                    rows::revoke_grant(tx, grant, "client deleted", now)?;
                }
                if rows::delete_client(tx, &client_id)? == 0 {
                    return Err(OAuthError::NotFound(format!("no client {client_id:?}")));
                }
                audit(tx, now, "client_deleted", Some(&client_id), None, None)?;
                Ok(grants)
            })
            .await?;
        self.announce(grants.clone());
        Ok(grants)
    }

    /// The client for an authorization request: stored, or resolved from its metadata document.
    pub(super) async fn client_for_authorize(
        &self,
        client_id: &str,
    ) -> Result<Option<ClientRow>, OAuthError> {
        let id = client_id.to_owned();
        let stored = self.store.read(move |c| rows::get_client(c, &id).map_err(OAuthError::from)).await?;
        if !self.cimd.handles(client_id) {
            return Ok(stored);
        }
        let now = self.now();
        let doc =
            self.cimd.resolve(client_id, now).await.map_err(|e| OAuthError::InvalidClient(e.to_string()))?;
        check_redirect_uris(&doc.redirect_uris)
            .map_err(|e| OAuthError::InvalidClient(e.description().to_owned()))?;
        let row = ClientRow {
            id: client_id.to_owned(),
            kind: ClientKind::Cimd.as_str().into(),
            name: doc
                .client_name
                .clone()
                .unwrap_or_else(|| CimdResolver::verified_domain(client_id).unwrap_or_default()),
            preset: None,
            secret_hash: None,
            auth_method: "none".into(),
            application_type: "native".into(),
            redirect_uris: doc.redirect_uris.clone(),
            scopes: ScopeSet::all().to_string(),
            client_uri: doc.client_uri.clone(),
            created_at: now,
            last_used_at: None,
        };
        let to_store = row.clone();
        let exists = stored.is_some();
        self.store
            .write(move |tx| {
                if exists {
                    rows::update_cimd_client(tx, &to_store, now)?;
                } else {
                    rows::insert_client(tx, &to_store)?;
                }
                Ok::<_, OAuthError>(())
            })
            .await?;
        Ok(Some(row))
    }
}

/// Authenticates a client at the token, revocation and introspection endpoints.
/// A confidential client must present its secret (Basic or body — both are equally strong, and
/// clients differ in which they use); a public client only names itself.
pub(super) fn authenticate_client(
    conn: &rusqlite::Connection,
    creds: &super::ClientCredentials,
) -> Result<ClientRow, OAuthError> {
    let client_id = creds.client_id.as_deref().ok_or_else(|| {
        OAuthError::InvalidClient("client authentication is required (client_id missing)".into())
    })?;
    let client = rows::get_client(conn, client_id)?
        .ok_or_else(|| OAuthError::InvalidClient("unknown client".into()))?;
    match (&client.secret_hash, &creds.secret) {
        (None, _) => Ok(client),
        (Some(stored), Some(given)) if secret::ct_eq(stored, &secret::hash(given)) => Ok(client),
        (Some(_), Some(_)) => Err(OAuthError::InvalidClient("client authentication failed".into())),
        (Some(_), None) => {
            Err(OAuthError::InvalidClient("this client must authenticate with its client_secret".into()))
        }
    }
}
