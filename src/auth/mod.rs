//! Who may do what: secrets, and the owner's identity (launch tickets, password, sessions).
//! The OAuth authorization server joins this module with its own issue.

pub mod cimd;
pub mod oauth;
pub mod owner_session;
pub mod pkce;
pub mod redirect_uri;
pub mod scopes;
pub mod secret;

/// An authentication failure. The text is safe to show to the person at the laptop.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    #[error("this login link was already used or has expired; ask for a new one")]
    TicketInvalid,
    #[error("not logged in")]
    NoSession,
    #[error("wrong password")]
    WrongPassword,
    #[error("no owner password is set; run `trek owner set-password` first")]
    NoPassword,
    #[error("too many failed logins; try again in a few minutes")]
    TooManyFailures,
    #[error("password must be at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl From<rusqlite::Error> for AuthError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}
