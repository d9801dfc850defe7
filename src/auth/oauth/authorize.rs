//! The authorization endpoint (RFC 6749 §4.1, OAuth 2.1 §4.1) and owner consent.
//!
//! `/oauth/authorize` never approves by itself: it validates the request, and either issues a
//! code at once (the owner's remembered consent already covers it) or records a pending request
//! bound to the browser (a random cookie whose hash is stored) and sends that browser to a
//! waiting page. The owner approves or denies in the app window (or CLI); the waiting page
//! then learns the outcome and redirects with `code`, `state` and `iss` (RFC 9207).

use serde::{Deserialize, Serialize};
use url::Url;

use super::clients::ClientView;
use super::{CODE_PREFIX, OAuth, OAuthError, audit, resource_for};
use crate::auth::pkce;
use crate::auth::redirect_uri::redirect_matches;
use crate::auth::scopes::ScopeSet;
use crate::auth::secret::{self, Secret, random_id};
use crate::clock::UnixTime;
use crate::config::{AUTHORIZATION_CODE_TTL, PENDING_CONSENT_TTL};
use crate::domain::notifications::{self, Event};
use crate::store::oauth::{self as rows, ClientRow, CodeRow, PendingRow};
use crate::store::owner;

/// Query parameters of `/oauth/authorize`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub resource: Option<String>,
}

/// What `/oauth/authorize` does next.
#[derive(Debug)]
pub enum AuthorizeOutcome {
    /// Send the browser to this URL (a code, or an error the client may see).
    Redirect(String),
    /// Show the waiting page for this pending request; set the browser-binding cookie.
    Wait { pending_id: String, browser_secret: Secret },
    /// The request cannot be sent back to the client safely: show this message as a page.
    ErrorPage(OAuthError),
}

/// What the waiting page learns when it asks.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PollOutcome {
    Pending {
        client_name: String,
        expires_at: UnixTime,
    },
    /// Approved or denied: go here.
    Redirect {
        location: String,
    },
    Expired,
}

/// A pending request as the owner sees it on the consent card.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentView {
    pub id: String,
    pub client: ClientView,
    /// Host of the redirect URI, or the scheme of a private-use URI.
    pub redirect_host: String,
    pub redirect_uri: String,
    pub requested_scopes: ScopeSet,
    pub resource: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// Builds the redirect back to the client with `params`, plus `state` and `iss`.
fn redirect_with(redirect_uri: &str, params: &[(&str, &str)], state: Option<&str>, issuer: &str) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return redirect_uri.to_owned();
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
    }
    url.to_string()
}

fn error_location(redirect_uri: &str, error: &OAuthError, state: Option<&str>, issuer: &str) -> String {
    redirect_with(
        redirect_uri,
        &[("error", &error.code()), ("error_description", error.description())],
        state,
        issuer,
    )
}

/// Picks the redirect URI: the requested one if it matches a registered one; none given is
/// fine only when exactly one fixed URI is registered (OAuth 2.1 §2.3.2).
fn choose_redirect(client: &ClientRow, requested: Option<&str>) -> Result<String, OAuthError> {
    match requested {
        Some(uri) if client.redirect_uris.iter().any(|r| redirect_matches(r, uri)) => Ok(uri.to_owned()),
        Some(_) => Err(OAuthError::InvalidRedirectUri(
            "redirect_uri does not match any URI registered for this client".into(),
        )),
        None => match client.redirect_uris.as_slice() {
            [only] if !crate::auth::redirect_uri::is_loopback_http(only) => Ok(only.clone()),
            _ => Err(OAuthError::InvalidRequest("redirect_uri is required".into())),
        },
    }
}

/// Normalises and checks the RFC 8707 `resource`: it must be this origin's MCP URL.
pub(super) fn check_resource(resource: Option<&str>, issuer: &str) -> Result<String, OAuthError> {
    let expected = resource_for(issuer);
    match resource {
        None | Some("") => Ok(expected),
        Some(r) if r.trim_end_matches('/') == expected => Ok(expected),
        Some(r) => Err(OAuthError::InvalidTarget(format!(
            "resource {r:?} is not this server's MCP URL ({expected})"
        ))),
    }
}

/// A short code for the owner's eyes: the waiting page and the consent card show the same one.
fn pending_id() -> String {
    random_id("pc_").chars().take(14).collect()
}

impl OAuth {
    /// Validates an authorization request made through `issuer` (the origin the browser used).
    /// At most `max_pending` requests through that issuer wait for the owner at once.
    pub async fn authorize(
        &self,
        req: AuthorizeRequest,
        issuer: &str,
        max_pending: usize,
    ) -> AuthorizeOutcome {
        match self.authorize_inner(req, issuer, max_pending).await {
            Ok(outcome) => outcome,
            Err(error) => AuthorizeOutcome::ErrorPage(error),
        }
    }

    async fn authorize_inner(
        &self,
        req: AuthorizeRequest,
        issuer: &str,
        max_pending: usize,
    ) -> Result<AuthorizeOutcome, OAuthError> {
        let now = self.now();
        // Until the client and redirect URI are verified, errors are shown, never redirected
        // (RFC 6749 §4.1.2.1: no open redirector).
        let client_id = req
            .client_id
            .as_deref()
            .ok_or_else(|| OAuthError::InvalidRequest("client_id is required".into()))?;
        let client = self
            .client_for_authorize(client_id)
            .await?
            .ok_or_else(|| OAuthError::InvalidClient(format!("unknown client_id {client_id:?}")))?;
        if client.kind == "machine" {
            return Err(OAuthError::UnauthorizedClient(
                "machine clients use the client_credentials grant, not the browser flow".into(),
            ));
        }
        let redirect_uri = choose_redirect(&client, req.redirect_uri.as_deref())?;
        let state = req.state.as_deref();

        // From here on the client is told what went wrong through its redirect URI.
        let checked = (|| {
            match req.response_type.as_deref() {
                Some("code") => {}
                Some(other) => {
                    return Err(OAuthError::UnsupportedResponseType(format!(
                        "response_type {other:?} is not supported; use code"
                    )));
                }
                None => return Err(OAuthError::InvalidRequest("response_type is required".into())),
            }
            pkce::check_challenge(req.code_challenge.as_deref(), req.code_challenge_method.as_deref())
                .map_err(|e| OAuthError::InvalidRequest(e.to_string()))?;
            let resource = check_resource(req.resource.as_deref(), issuer)?;
            let allowed = ScopeSet::parse(&client.scopes).map(|(s, _)| s).unwrap_or_default();
            let requested = match req.scope.as_deref().map(str::trim) {
                None | Some("") => allowed,
                Some(s) => ScopeSet::parse(s).map_err(|e| OAuthError::InvalidScope(e.to_string()))?.0,
            };
            let scopes = requested.intersection(allowed);
            if scopes.is_empty() {
                return Err(OAuthError::InvalidScope(
                    "none of the requested scopes is allowed for this client".into(),
                ));
            }
            Ok((resource, scopes))
        })();
        let (resource, scopes) = match checked {
            Ok(v) => v,
            Err(e) => {
                return Ok(AuthorizeOutcome::Redirect(error_location(&redirect_uri, &e, state, issuer)));
            }
        };
        let challenge = req.code_challenge.clone().unwrap_or_default();

        // Remembered consent that covers the request: issue the code now.
        let cid = client.id.clone();
        let remembered = self
            .store
            .read(move |c| {
                let Some((user, _)) = owner::owner_credentials(c)? else { return Ok(None) };
                Ok::<_, OAuthError>(rows::get_consent(c, &cid, user)?.map(|s| (user, s)))
            })
            .await?;
        if let Some((user, consented)) = remembered {
            let consented = ScopeSet::parse(&consented).map(|(s, _)| s).unwrap_or_default();
            if scopes.is_subset(consented) {
                let code = self
                    .issue_code(
                        CodeRow {
                            client_id: client.id.clone(),
                            user_id: user,
                            redirect_uri: redirect_uri.clone(),
                            code_challenge: challenge,
                            scopes: scopes.to_string(),
                            resource,
                            expires_at: now + AUTHORIZATION_CODE_TTL.as_secs() as i64,
                            used_at: None,
                            grant_id: None,
                        },
                        Some("consent remembered"),
                    )
                    .await?;
                return Ok(AuthorizeOutcome::Redirect(redirect_with(
                    &redirect_uri,
                    &[("code", code.expose())],
                    state,
                    issuer,
                )));
            }
        }

        let browser_secret = Secret::generate("");
        let pending = PendingRow {
            id: pending_id(),
            client_id: client.id.clone(),
            redirect_uri,
            state: req.state.clone(),
            code_challenge: challenge,
            resource,
            issuer: issuer.to_owned(),
            scopes: scopes.to_string(),
            browser_hash: browser_secret.hash().to_vec(),
            status: "pending".into(),
            granted_scopes: None,
            created_at: now,
            expires_at: now + PENDING_CONSENT_TTL.as_secs() as i64,
        };
        let pending_id = pending.id.clone();
        let (redirect_uri, issuer_owned) = (pending.redirect_uri.clone(), issuer.to_owned());
        let client_name = client.name.clone();
        let full = self
            .store
            .write(move |tx| {
                if rows::count_open_pending(tx, &pending.issuer, now)? >= max_pending {
                    return Ok::<_, OAuthError>(true);
                }
                rows::insert_pending(tx, &pending)?;
                let event = Event::ConnectionRequested { pending_id: pending.id.clone(), client_name };
                notifications::record(tx, now, event)?;
                audit(
                    tx,
                    now,
                    "consent_requested",
                    Some(&pending.client_id),
                    None,
                    Some(pending.scopes.clone()),
                )?;
                Ok(false)
            })
            .await?;
        if full {
            // RFC 6749 §4.1.2.1: the server cannot take the request now; the client may retry.
            let error = OAuthError::TemporarilyUnavailable(format!(
                "{max_pending} connection requests are already waiting for the owner; try again after they are decided"
            ));
            return Ok(AuthorizeOutcome::Redirect(error_location(
                &redirect_uri,
                &error,
                state,
                &issuer_owned,
            )));
        }
        // Nobody listening (headless) is fine: the CLI and the UI read the queue themselves.
        let _ = self
            .consent_requests
            .send(super::ConsentRequested { id: pending_id.clone(), client_name: client.name.clone() });
        Ok(AuthorizeOutcome::Wait { pending_id, browser_secret })
    }

    async fn issue_code(&self, row: CodeRow, why: Option<&'static str>) -> Result<Secret, OAuthError> {
        let now = self.now();
        let code = Secret::generate(CODE_PREFIX);
        let hash = code.hash();
        self.store
            .write(move |tx| {
                rows::insert_code(tx, &hash, &row, now)?;
                audit(tx, now, "code_issued", Some(&row.client_id), None, why.map(str::to_owned))?;
                Ok::<_, OAuthError>(())
            })
            .await?;
        Ok(code)
    }

    /// Owner: the requests waiting for a decision.
    pub async fn pending_consents(&self) -> Result<Vec<ConsentView>, OAuthError> {
        let now = self.now();
        let list = self
            .store
            .read(move |c| {
                let mut out = Vec::new();
                for p in rows::list_open_pending(c, now)? {
                    if let Some(client) = rows::get_client(c, &p.client_id)? {
                        out.push((p, client));
                    }
                }
                Ok::<_, OAuthError>(out)
            })
            .await?;
        Ok(list
            .into_iter()
            .map(|(p, client)| ConsentView {
                redirect_host: Url::parse(&p.redirect_uri)
                    .ok()
                    .and_then(|u| {
                        u.host_str().map(str::to_owned).or_else(|| Some(format!("{}:", u.scheme())))
                    })
                    .unwrap_or_default(),
                client: ClientView::from_row(&client),
                requested_scopes: ScopeSet::parse(&p.scopes).map(|(s, _)| s).unwrap_or_default(),
                redirect_uri: p.redirect_uri,
                resource: p.resource,
                id: p.id,
                created_at: p.created_at,
                expires_at: p.expires_at,
            })
            .collect())
    }

    /// Owner: approves a pending request, optionally narrowing its scopes. The consent is
    /// remembered for the client.
    pub async fn approve(&self, id: String, narrowed: Option<ScopeSet>) -> Result<ScopeSet, OAuthError> {
        let now = self.now();
        self.store
            .write(move |tx| {
                let pending = open_pending(tx, &id, now)?;
                let requested = ScopeSet::parse(&pending.scopes).map(|(s, _)| s).unwrap_or_default();
                let granted = match narrowed {
                    None => requested,
                    Some(n) if n.is_empty() => {
                        return Err(OAuthError::InvalidScope("approve at least one scope, or deny".into()));
                    }
                    Some(n) if !n.is_subset(requested) => {
                        return Err(OAuthError::InvalidScope(format!(
                            "only the requested scopes can be granted: {requested}"
                        )));
                    }
                    Some(n) => n,
                };
                let user = owner::ensure_owner(tx, now)?;
                let previous = rows::get_consent(tx, &pending.client_id, user)?
                    .and_then(|s| ScopeSet::parse(&s).ok())
                    .map(|(s, _)| s)
                    .unwrap_or_default();
                rows::upsert_consent(
                    tx,
                    &pending.client_id,
                    user,
                    &previous.union(granted).to_string(),
                    now,
                )?;
                rows::transition_pending(tx, &id, "pending", "approved", Some(&granted.to_string()), now)?;
                audit(
                    tx,
                    now,
                    "consent_approved",
                    Some(&pending.client_id),
                    None,
                    Some(granted.to_string()),
                )?;
                Ok(granted)
            })
            .await
    }

    /// Owner: denies a pending request; the client gets `access_denied`.
    pub async fn deny(&self, id: String) -> Result<(), OAuthError> {
        let now = self.now();
        self.store
            .write(move |tx| {
                let pending = open_pending(tx, &id, now)?;
                rows::transition_pending(tx, &id, "pending", "denied", None, now)?;
                audit(tx, now, "consent_denied", Some(&pending.client_id), None, None)?;
                Ok(())
            })
            .await
    }

    /// The waiting page asks how its request stands. Only the browser that started the request
    /// (holding the cookie) may ask; once decided, it gets the redirect exactly once.
    pub async fn poll(&self, id: String, browser_secret: Option<String>) -> Result<PollOutcome, OAuthError> {
        let now = self.now();
        let lookup = id.clone();
        let found = self
            .store
            .read(move |c| {
                let Some(p) = rows::get_pending(c, &lookup)? else { return Ok(None) };
                let name = rows::get_client(c, &p.client_id)?.map(|c| c.name).unwrap_or_default();
                Ok::<_, OAuthError>(Some((p, name)))
            })
            .await?;
        let Some((pending, client_name)) = found else {
            return Err(OAuthError::NotFound("no such authorization request".into()));
        };
        let bound = browser_secret.is_some_and(|s| secret::ct_eq(&pending.browser_hash, &secret::hash(&s)));
        if !bound {
            return Err(OAuthError::AccessDenied(
                "this authorization request belongs to another browser".into(),
            ));
        }
        match pending.status.as_str() {
            "pending" if pending.expires_at > now => {
                Ok(PollOutcome::Pending { client_name, expires_at: pending.expires_at })
            }
            "pending" | "completed" => Ok(PollOutcome::Expired),
            "denied" => {
                self.complete(&id, now).await?;
                let error = OAuthError::AccessDenied("the owner denied the request".into());
                let location =
                    error_location(&pending.redirect_uri, &error, pending.state.as_deref(), &pending.issuer);
                Ok(PollOutcome::Redirect { location })
            }
            _approved => {
                // Completing first makes a racing second poll see `completed`, not a second code.
                if !self.complete(&id, now).await? {
                    return Ok(PollOutcome::Expired);
                }
                let user = self
                    .store
                    .read(|c| owner::owner_credentials(c).map_err(OAuthError::from))
                    .await?
                    .map(|(u, _)| u)
                    .ok_or_else(|| OAuthError::Server("no owner".into()))?;
                let code = self
                    .issue_code(
                        CodeRow {
                            client_id: pending.client_id.clone(),
                            user_id: user,
                            redirect_uri: pending.redirect_uri.clone(),
                            code_challenge: pending.code_challenge.clone(),
                            scopes: pending.granted_scopes.clone().unwrap_or(pending.scopes.clone()),
                            resource: pending.resource.clone(),
                            expires_at: now + AUTHORIZATION_CODE_TTL.as_secs() as i64,
                            used_at: None,
                            grant_id: None,
                        },
                        None,
                    )
                    .await?;
                let location = redirect_with(
                    &pending.redirect_uri,
                    &[("code", code.expose())],
                    pending.state.as_deref(),
                    &pending.issuer,
                );
                Ok(PollOutcome::Redirect { location })
            }
        }
    }

    async fn complete(&self, id: &str, now: UnixTime) -> Result<bool, OAuthError> {
        let id = id.to_owned();
        self.store
            .write(move |tx| {
                let from = rows::get_pending(tx, &id)?.map(|p| p.status).unwrap_or_default();
                if from == "completed" {
                    return Ok(false);
                }
                Ok::<_, OAuthError>(rows::transition_pending(tx, &id, &from, "completed", None, now)?)
            })
            .await
    }
}

fn open_pending(tx: &rusqlite::Transaction<'_>, id: &str, now: UnixTime) -> Result<PendingRow, OAuthError> {
    let pending = rows::get_pending(tx, id)?
        .ok_or_else(|| OAuthError::NotFound(format!("no pending request {id:?}")))?;
    if pending.status != "pending" {
        return Err(OAuthError::InvalidRequest(format!("request {id} was already {}", pending.status)));
    }
    if pending.expires_at <= now {
        return Err(OAuthError::InvalidRequest(format!("request {id} has expired")));
    }
    Ok(pending)
}
