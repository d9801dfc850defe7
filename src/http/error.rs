//! `ApiError`: the JSON error every non-protocol endpoint answers with, and our own `Json`
//! extractor so malformed bodies answer in that format too.

use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::AuthError;

/// An error as the UI and scripts see it: `{"error": code, "message": text}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "log in first: open Trek's window or run `trek login-link`",
        )
    }

    /// A failure the client cannot fix: details go to the log, a generic message to the client.
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; see the server log")
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = axum::Json(Body { error: self.code, message: &self.message });
        (self.status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let status = match &e {
            AuthError::TicketInvalid | AuthError::NoSession | AuthError::WrongPassword => {
                StatusCode::UNAUTHORIZED
            }
            AuthError::NoPassword => StatusCode::CONFLICT,
            AuthError::TooManyFailures => StatusCode::TOO_MANY_REQUESTS,
            AuthError::PasswordTooShort { .. } => StatusCode::BAD_REQUEST,
            AuthError::Hashing | AuthError::Store(_) => return Self::internal(&e),
        };
        let code = match &e {
            AuthError::TicketInvalid => "invalid_ticket",
            AuthError::NoSession => "unauthorized",
            AuthError::WrongPassword => "wrong_password",
            AuthError::NoPassword => "no_password",
            AuthError::TooManyFailures => "too_many_failures",
            _ => "invalid_request",
        };
        Self::new(status, code, e.to_string())
    }
}

/// `axum::Json` whose rejection is an `ApiError` naming what was wrong with the body.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::new(rejection.status(), "invalid_body", rejection.body_text())
    }
}
