//! The owner's login: one-time launch tickets (the desktop window, `trek login-link`), an
//! optional argon2 password for headless use, and the session cookie (an HS256 JWT whose key
//! lives in the data dir, naming a row in `owner_sessions` so it can be revoked).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::AuthError;
use super::secret::{Secret, random_bytes};
use crate::clock::{SharedClock, UnixTime};
use crate::config::{
    LAUNCH_TICKET_TTL, LOGIN_FAILURE_WINDOW, LOGIN_MAX_FAILURES, MIN_PASSWORD_CHARS, OWNER_SESSION_TTL,
};
use crate::store::owner::UserId;
use crate::store::{Store, owner};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "trek_session";
/// Prefix of launch tickets (never a token: it only buys a session cookie, once).
const TICKET_PREFIX: &str = "treklt_";

/// Why a launch ticket was made; stored for the audit trail.
#[derive(Debug, Clone, Copy)]
pub enum TicketPurpose {
    Desktop,
    LoginLink,
}

impl TicketPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::LoginLink => "login_link",
        }
    }
}

/// The signing key of session cookies, kept in the data dir with owner-only permissions.
#[derive(Clone)]
pub struct SessionKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SessionKey {
    /// Loads the key at `path`, creating a new random one on first start.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) if bytes.len() >= 32 => bytes,
            Ok(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("session key {} is too short; delete it to make a new one", path.display()),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes = random_bytes::<64>().to_vec();
                write_private_file(path, &bytes)?;
                bytes
            }
            Err(e) => return Err(e),
        };
        Ok(Self { encoding: EncodingKey::from_secret(&bytes), decoding: DecodingKey::from_secret(&bytes) })
    }
}

/// Writes a file readable only by the current user (0600 on Unix), atomically.
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    /// Owner session id (row in `owner_sessions`).
    sid: String,
    sub: i64,
    iat: UnixTime,
    exp: UnixTime,
}

/// A freshly created session: the cookie value and how long it lives.
#[derive(Debug)]
pub struct NewSession {
    pub cookie_value: Secret,
    pub max_age: Duration,
}

/// Owner authentication service.
#[derive(Clone)]
pub struct OwnerAuth {
    store: Store,
    clock: SharedClock,
    key: SessionKey,
}

impl OwnerAuth {
    pub fn new(store: Store, clock: SharedClock, key: SessionKey) -> Self {
        Self { store, clock, key }
    }

    /// Makes a one-time ticket that logs a browser in as the owner.
    pub async fn issue_launch_ticket(&self, purpose: TicketPurpose) -> Result<Secret, AuthError> {
        issue_launch_ticket(&self.store, self.clock.now(), purpose).await
    }

    /// Exchanges a launch ticket for a session. A ticket works once, before it expires.
    pub async fn redeem_launch_ticket(&self, ticket: &str) -> Result<NewSession, AuthError> {
        let now = self.clock.now();
        let ticket_hash = super::secret::hash(ticket);
        let sid = Secret::generate("").expose().to_owned();
        let sid_row = sid.clone();
        self.store
            .write(move |tx| {
                if !owner::consume_launch_ticket(tx, &ticket_hash, now)? {
                    return Err(AuthError::TicketInvalid);
                }
                let user = owner::ensure_owner(tx, now)?;
                owner::insert_session(tx, &sid_row, user, "ticket", now, now + session_ttl())?;
                Ok(user)
            })
            .await
            .and_then(|user| self.sign(sid, user, now))
    }

    /// Logs in with the owner password (headless use). Failures are counted and throttled.
    pub async fn login_with_password(&self, password: String) -> Result<NewSession, AuthError> {
        let now = self.clock.now();
        let (failures, creds) = self.failures_and_credentials(now).await?;
        if failures >= LOGIN_MAX_FAILURES {
            return Err(AuthError::TooManyFailures);
        }
        let Some((user, Some(hash))) = creds else {
            return Err(AuthError::NoPassword);
        };
        // argon2 takes tens of milliseconds by design; keep it off the async workers.
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|_| AuthError::Hashing)?;
        let sid = Secret::generate("").expose().to_owned();
        let sid_row = sid.clone();
        self.store
            .write(move |tx| {
                if !matches {
                    owner::record_login_failure(tx, now)?;
                    return Ok(false);
                }
                owner::clear_login_failures(tx)?;
                owner::insert_session(tx, &sid_row, user, "password", now, now + session_ttl())?;
                Ok::<_, AuthError>(true)
            })
            .await?
            .then_some(())
            .ok_or(AuthError::WrongPassword)?;
        self.sign(sid, user, now)
    }

    /// Failed password attempts within the throttle window, and the owner's id and password
    /// hash, read together.
    async fn failures_and_credentials(
        &self,
        now: UnixTime,
    ) -> Result<(u32, Option<(UserId, Option<String>)>), AuthError> {
        let since = now - LOGIN_FAILURE_WINDOW.as_secs() as i64;
        self.store
            .read(move |conn| {
                Ok::<_, AuthError>((
                    owner::login_failures_since(conn, since)?,
                    owner::owner_credentials(conn)?,
                ))
            })
            .await
    }

    /// Whether an owner password is set (the `/login` page works).
    pub async fn has_password(&self) -> Result<bool, AuthError> {
        let creds = self.store.read(|conn| owner::owner_credentials(conn).map_err(AuthError::from)).await?;
        Ok(matches!(creds, Some((_, Some(_)))))
    }

    /// Sets the owner password from a logged-in session. When one is set already, `current`
    /// must match it (a window left open is not enough to lock the owner out); wrong guesses
    /// count towards the same throttle as failed logins.
    pub async fn change_password(&self, current: Option<String>, new: String) -> Result<(), AuthError> {
        let now = self.clock.now();
        let (failures, creds) = self.failures_and_credentials(now).await?;
        if let Some((_, Some(hash))) = creds {
            if failures >= LOGIN_MAX_FAILURES {
                return Err(AuthError::TooManyFailures);
            }
            let current = current.unwrap_or_default();
            let matches = tokio::task::spawn_blocking(move || verify_password(&current, &hash))
                .await
                .map_err(|_| AuthError::Hashing)?;
            if !matches {
                self.store
                    .write(move |tx| owner::record_login_failure(tx, now).map_err(AuthError::from))
                    .await?;
                return Err(AuthError::WrongPassword);
            }
        }
        set_owner_password(&self.store, now, new).await
    }

    /// The owner behind a session cookie, if the session is live.
    pub async fn verify_session(&self, cookie_value: &str) -> Result<UserId, AuthError> {
        let claims = self.decode(cookie_value)?;
        let now = self.clock.now();
        if claims.exp <= now {
            return Err(AuthError::NoSession);
        }
        self.store
            .read(move |conn| owner::live_session_user(conn, &claims.sid, now).map_err(AuthError::from))
            .await?
            .ok_or(AuthError::NoSession)
    }

    /// Revokes the session behind a cookie (log out). Unknown cookies are ignored.
    pub async fn logout(&self, cookie_value: &str) -> Result<(), AuthError> {
        let Ok(claims) = self.decode(cookie_value) else {
            return Ok(());
        };
        let now = self.clock.now();
        self.store
            .write(move |tx| owner::revoke_session(tx, &claims.sid, now).map_err(AuthError::from))
            .await?;
        Ok(())
    }

    fn decode(&self, cookie_value: &str) -> Result<SessionClaims, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against our `Clock`, not the wall clock inside the JWT library.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<SessionClaims>(cookie_value, &self.key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| AuthError::NoSession)
    }

    fn sign(&self, sid: String, user: UserId, now: UnixTime) -> Result<NewSession, AuthError> {
        let claims = SessionClaims { sid, sub: user.0, iat: now, exp: now + session_ttl() };
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key.encoding)
            .map_err(|_| AuthError::Hashing)?;
        Ok(NewSession { cookie_value: Secret::from_string(jwt), max_age: OWNER_SESSION_TTL })
    }
}

fn session_ttl() -> i64 {
    OWNER_SESSION_TTL.as_secs() as i64
}

/// Stores a new launch ticket and returns it; usable from the CLI through the shared data dir.
pub async fn issue_launch_ticket(
    store: &Store,
    now: UnixTime,
    purpose: TicketPurpose,
) -> Result<Secret, AuthError> {
    let ticket = Secret::generate(TICKET_PREFIX);
    let ticket_hash = ticket.hash();
    let expires_at = now + LAUNCH_TICKET_TTL.as_secs() as i64;
    store
        .write(move |tx| {
            owner::insert_launch_ticket(tx, &ticket_hash, purpose.as_str(), now, expires_at)
                .map_err(AuthError::from)
        })
        .await?;
    Ok(ticket)
}

/// Sets the owner password (argon2id, random salt).
pub async fn set_owner_password(store: &Store, now: UnixTime, password: String) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort { min: MIN_PASSWORD_CHARS });
    }
    let hash = tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|_| AuthError::Hashing)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| AuthError::Hashing)
    })
    .await
    .map_err(|_| AuthError::Hashing)??;
    store
        .write(move |tx| {
            owner::ensure_owner(tx, now)?;
            owner::set_owner_password_hash(tx, &hash, now)?;
            // A new password ends every session that was opened with the old one.
            owner::revoke_password_sessions(tx, now)?;
            Ok::<_, AuthError>(())
        })
        .await
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};

    async fn setup() -> (tempfile::TempDir, std::sync::Arc<ManualClock>, OwnerAuth, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let clock = ManualClock::at(1_800_000_000);
        let key = SessionKey::load_or_create(&dir.path().join("session.key")).unwrap();
        let auth = OwnerAuth::new(store.clone(), clock.clone(), key);
        (dir, clock, auth, store)
    }

    #[tokio::test]
    async fn ticket_works_once() {
        let (_dir, _clock, auth, _) = setup().await;
        let ticket = auth.issue_launch_ticket(TicketPurpose::Desktop).await.unwrap();
        let session = auth.redeem_launch_ticket(ticket.expose()).await.unwrap();
        auth.verify_session(session.cookie_value.expose()).await.unwrap();
        let again = auth.redeem_launch_ticket(ticket.expose()).await;
        assert!(matches!(again, Err(AuthError::TicketInvalid)));
    }

    #[tokio::test]
    async fn expired_ticket_is_refused() {
        let (_dir, clock, auth, _) = setup().await;
        let ticket = auth.issue_launch_ticket(TicketPurpose::LoginLink).await.unwrap();
        clock.advance(LAUNCH_TICKET_TTL.as_secs() as i64);
        let result = auth.redeem_launch_ticket(ticket.expose()).await;
        assert!(matches!(result, Err(AuthError::TicketInvalid)));
    }

    #[tokio::test]
    async fn session_expires_and_logout_revokes() {
        let (_dir, clock, auth, _) = setup().await;
        let t1 = auth.issue_launch_ticket(TicketPurpose::Desktop).await.unwrap();
        let s1 = auth.redeem_launch_ticket(t1.expose()).await.unwrap();
        let t2 = auth.issue_launch_ticket(TicketPurpose::Desktop).await.unwrap();
        let s2 = auth.redeem_launch_ticket(t2.expose()).await.unwrap();
        auth.logout(s1.cookie_value.expose()).await.unwrap();
        assert!(matches!(auth.verify_session(s1.cookie_value.expose()).await, Err(AuthError::NoSession)));
        auth.verify_session(s2.cookie_value.expose()).await.unwrap();
        clock.advance(OWNER_SESSION_TTL.as_secs() as i64);
        assert!(matches!(auth.verify_session(s2.cookie_value.expose()).await, Err(AuthError::NoSession)));
    }

    #[tokio::test]
    async fn forged_or_foreign_key_cookie_is_refused() {
        let (_dir, _clock, auth, _) = setup().await;
        let other_dir = tempfile::tempdir().unwrap();
        let other_key = SessionKey::load_or_create(&other_dir.path().join("k")).unwrap();
        let claims = SessionClaims { sid: "x".into(), sub: 1, iat: 0, exp: i64::MAX };
        let forged =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &other_key.encoding).unwrap();
        assert!(matches!(auth.verify_session(&forged).await, Err(AuthError::NoSession)));
        assert!(matches!(auth.verify_session("garbage").await, Err(AuthError::NoSession)));
    }

    #[tokio::test]
    async fn password_login_throttles_after_failures() {
        let (_dir, clock, auth, store) = setup().await;
        assert!(matches!(auth.login_with_password("x".into()).await, Err(AuthError::NoPassword)));
        set_owner_password(&store, clock.now(), "correct horse battery".into()).await.unwrap();
        for _ in 0..LOGIN_MAX_FAILURES {
            assert!(matches!(auth.login_with_password("wrong".into()).await, Err(AuthError::WrongPassword)));
        }
        // Even the right password is refused while throttled.
        assert!(matches!(
            auth.login_with_password("correct horse battery".into()).await,
            Err(AuthError::TooManyFailures)
        ));
        clock.advance(LOGIN_FAILURE_WINDOW.as_secs() as i64 + 1);
        let session = auth.login_with_password("correct horse battery".into()).await.unwrap();
        auth.verify_session(session.cookie_value.expose()).await.unwrap();
    }

    #[tokio::test]
    async fn short_password_is_refused() {
        let (_dir, clock, _auth, store) = setup().await;
        let result = set_owner_password(&store, clock.now(), "short".into()).await;
        assert!(matches!(result, Err(AuthError::PasswordTooShort { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn session_key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.key");
        SessionKey::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
