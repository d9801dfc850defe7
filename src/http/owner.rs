//! Owner login endpoints: launch ticket → session cookie, password login, logout.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::app::AppState;
use super::error::{ApiError, Json};
use super::{paths, ui};
use crate::auth::owner_session::{NewSession, SESSION_COOKIE};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::AUTH_LAUNCH, get(launch))
        .route(paths::AUTH_LOGIN, post(login))
        .route(paths::AUTH_LOGOUT, post(logout))
}

#[derive(Deserialize)]
struct LaunchQuery {
    ticket: String,
}

/// `GET /auth/launch?ticket=…`: the desktop window and `trek login-link` land here.
async fn launch(
    State(state): State<AppState>,
    query: Result<Query<LaunchQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(LaunchQuery { ticket })) = query else {
        return ui::page(StatusCode::BAD_REQUEST, "link-invalid.html");
    };
    match state.owner.redeem_launch_ticket(&ticket).await {
        // 303 so the ticket-bearing URL does not stay in the window's history.
        Ok(session) => with_cookie(Redirect::to(paths::INDEX).into_response(), &session),
        Err(crate::auth::AuthError::TicketInvalid) => ui::page(StatusCode::UNAUTHORIZED, "link-invalid.html"),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct LoginBody {
    password: String,
}

/// `POST /auth/login {"password": …}`: headless login with the owner password.
async fn login(State(state): State<AppState>, Json(body): Json<LoginBody>) -> Result<Response, ApiError> {
    let session = state.owner.login_with_password(body.password).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &session))
}

/// `POST /auth/logout`: ends this browser's session.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(cookie) = session_cookie(&headers) {
        state.owner.logout(&cookie).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let clear = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

fn with_cookie(mut response: Response, session: &NewSession) -> Response {
    // HttpOnly: scripts cannot read it. SameSite=Strict: other sites cannot make the browser
    // send it. No `Secure`: the UI is plain http on loopback, which browsers treat as secure.
    let cookie = format!(
        "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        session.cookie_value.expose(),
        session.max_age.as_secs()
    );
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// The session cookie's value, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// A cookie's value. Parsed by hand: finding one name in a `name=value; name=value` list does
/// not justify a cookie-jar dependency.
pub fn cookie_value(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}
