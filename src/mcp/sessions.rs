//! Our registry of live MCP sessions (protocol 2025-03-26 … 2025-11-25). rmcp's session
//! manager sees neither the HTTP request nor users and tokens, and its idle timer is its own;
//! this registry binds each session to the credential that opened it, enforces the per-user
//! cap and the idle expiry on our `Clock`, and ends sessions whose credential was revoked —
//! closing them in rmcp too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;

use crate::clock::{SharedClock, UnixTime};
use crate::config::MCP_SESSION_IDLE;
use crate::store::owner::UserId;

/// What we know about one session.
#[derive(Debug, Clone)]
struct SessionInfo {
    user: UserId,
    /// Who may use it: the OAuth client (its tokens change with every refresh or
    /// client_credentials exchange), else the static token or owner session that opened it.
    binding: String,
    /// The OAuth session (grant) of the credential last used with it; revoking it ends the session.
    grant_id: String,
    last_active: UnixTime,
    /// Order of last use, to pick the least recently used among sessions used in one second.
    use_seq: u64,
}

/// Why a session may not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefusal {
    /// Unknown to us (never opened, or ended): the client must initialize again.
    Unknown,
    /// Opened with another credential: answered like `Unknown`, revealing nothing.
    OtherCredential,
    /// Idle longer than `MCP_SESSION_IDLE`; now ended.
    Expired,
}

pub struct SessionRegistry {
    sessions: Mutex<HashMap<Arc<str>, SessionInfo>>,
    rmcp: Arc<LocalSessionManager>,
    clock: SharedClock,
    max_per_user: usize,
    uses: std::sync::atomic::AtomicU64,
}

impl SessionRegistry {
    pub fn new(rmcp: Arc<LocalSessionManager>, clock: SharedClock, max_per_user: usize) -> Self {
        Self { sessions: Mutex::new(HashMap::new()), rmcp, clock, max_per_user, uses: Default::default() }
    }

    fn next_use(&self) -> u64 {
        self.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, SessionInfo>> {
        // A panic while holding this lock cannot leave the map inconsistent (single inserts
        // and removes), so a poisoned lock is still usable.
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a session rmcp just created, ending the user's least recently used session when
    /// the cap is reached (documented choice: the new connection wins, an old idle one goes).
    pub async fn register(&self, id: &str, user: UserId, binding: &str, grant_id: &str) {
        let now = self.clock.now();
        let evicted = {
            let mut sessions = self.lock();
            let mut evicted = Vec::new();
            loop {
                let count = sessions.values().filter(|s| s.user == user).count();
                if count < self.max_per_user {
                    break;
                }
                let oldest = sessions
                    .iter()
                    .filter(|(_, s)| s.user == user)
                    .min_by_key(|(_, s)| (s.last_active, s.use_seq))
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(key) => {
                        sessions.remove(&key);
                        evicted.push(key);
                    }
                    None => break,
                }
            }
            let info = SessionInfo {
                user,
                binding: binding.to_owned(),
                grant_id: grant_id.to_owned(),
                last_active: now,
                use_seq: self.next_use(),
            };
            sessions.insert(Arc::from(id), info);
            evicted
        };
        for key in evicted {
            tracing::info!(session = %key, "MCP session cap reached; ending the least recently used session");
            self.close_in_rmcp(&key).await;
        }
    }

    /// Checks that a request may use session `id` with this credential, and marks it used.
    pub async fn touch(&self, id: &str, binding: &str, grant_id: &str) -> Result<(), SessionRefusal> {
        let now = self.clock.now();
        let expired = {
            let mut sessions = self.lock();
            let info = sessions.get_mut(id).ok_or(SessionRefusal::Unknown)?;
            if info.binding != binding {
                return Err(SessionRefusal::OtherCredential);
            }
            if now - info.last_active >= MCP_SESSION_IDLE.as_secs() as i64 {
                sessions.remove(id);
                true
            } else {
                info.last_active = now;
                info.use_seq = self.next_use();
                grant_id.clone_into(&mut info.grant_id);
                false
            }
        };
        if expired {
            self.close_in_rmcp(id).await;
            return Err(SessionRefusal::Expired);
        }
        Ok(())
    }

    /// Forgets a session the client ended (DELETE).
    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Ends every session opened with one of `grant_ids`. Returns how many ended.
    pub async fn end_grants(&self, grant_ids: &[String]) -> usize {
        self.end_where(|s| grant_ids.contains(&s.grant_id)).await
    }

    /// Ends every session (the MCP add-on was switched off, or add-ons changed).
    pub async fn end_all(&self) -> usize {
        self.end_where(|_| true).await
    }

    /// Ends idle sessions; returns the grants still in use, for a liveness check.
    pub async fn sweep_idle(&self) -> Vec<String> {
        let now = self.clock.now();
        let idle = MCP_SESSION_IDLE.as_secs() as i64;
        self.end_where(|s| now - s.last_active >= idle).await;
        let mut grants: Vec<String> = self.lock().values().map(|s| s.grant_id.clone()).collect();
        grants.sort();
        grants.dedup();
        grants
    }

    /// Number of live sessions of a user.
    pub fn count_for(&self, user: UserId) -> usize {
        self.lock().values().filter(|s| s.user == user).count()
    }

    async fn end_where(&self, predicate: impl Fn(&SessionInfo) -> bool) -> usize {
        let ended: Vec<Arc<str>> = {
            let mut sessions = self.lock();
            let keys: Vec<Arc<str>> =
                sessions.iter().filter(|(_, s)| predicate(s)).map(|(k, _)| k.clone()).collect();
            for key in &keys {
                sessions.remove(key);
            }
            keys
        };
        for key in &ended {
            self.close_in_rmcp(key).await;
        }
        ended.len()
    }

    async fn close_in_rmcp(&self, id: &str) {
        let id: Arc<str> = Arc::from(id);
        if let Err(error) = self.rmcp.close_session(&id).await {
            tracing::debug!(session = %id, %error, "rmcp session already closed");
        }
    }
}
