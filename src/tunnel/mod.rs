//! Public access: runs a tunnel program (cloudflared quick or named tunnel, or a custom command)
//! that carries hosted clients to the local server, learns its public URL, makes that URL the
//! guard's public origin while it is up, restarts it with backoff when it dies and stops it
//! (its whole process group) on request or shutdown.
//!
//! The tunnel process connects from loopback like everything else; what it may reach is the
//! guard's business (`http::guard`, `http::paths::PUBLIC_PREFIXES`), not this module's.

mod provider;
pub mod settings;
mod supervisor;

use std::time::Duration;

pub use provider::{
    CLOUDFLARED, MAX_COMMAND_CHARS, MAX_PATTERN_CHARS, MAX_TOKEN_CHARS, Provider, ProviderError, TunnelSpec,
    TunnelToken, install_hint, public_origin,
};
pub use settings::TunnelSettings;
pub use supervisor::{Tunnel, TunnelStatus};

/// First wait before restarting a tunnel that died.
pub const RESTART_BACKOFF_FIRST: Duration = Duration::from_secs(1);
/// Longest wait between restarts (the backoff doubles up to this).
pub const RESTART_BACKOFF_MAX: Duration = Duration::from_secs(60);
/// Consecutive failed starts after which the supervisor gives up and shows the reason.
pub const MAX_CONSECUTIVE_FAILURES: u32 = 8;
/// A tunnel that stayed up this long counts as healthy again: its next failure starts the
/// backoff from the beginning.
pub const STABLE_AFTER: Duration = Duration::from_secs(120);
/// How long to wait for the public URL to appear in the tunnel's output.
pub const URL_WAIT: Duration = Duration::from_secs(45);
/// Health checks of a new public URL: attempts and the pause between them. A new quick
/// tunnel's name can take a few seconds to resolve.
pub const HEALTH_ATTEMPTS: u32 = 30;
pub const HEALTH_INTERVAL: Duration = Duration::from_secs(2);
/// One health request's timeout.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(10);
/// While the tunnel is up, how often its public URL is probed (the same request as the start-up
/// health check): a tunnel whose process lives on but no longer carries traffic (the edge
/// connection lost, the relay stuck) is noticed and restarted.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(30);
/// Consecutive failed probes after which a running tunnel counts as failed and is restarted.
pub const WATCH_MAX_MISSES: u32 = 3;
/// How long a stopped tunnel gets to exit after SIGTERM before its group is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(3);
/// Lines of the tunnel's output kept for the UI (the reason for a failure is among them).
pub const LOG_LINES: usize = 40;
/// Longest output line kept (a misbehaving program cannot grow our memory through one line).
pub const MAX_LOG_LINE_CHARS: usize = 400;

/// The supervisor's durations. Production uses the consts above; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub backoff_first: Duration,
    pub backoff_max: Duration,
    pub max_failures: u32,
    pub stable_after: Duration,
    pub url_wait: Duration,
    pub health_attempts: u32,
    pub health_interval: Duration,
    pub health_timeout: Duration,
    pub stop_grace: Duration,
    pub watch_interval: Duration,
    pub watch_max_misses: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            backoff_first: RESTART_BACKOFF_FIRST,
            backoff_max: RESTART_BACKOFF_MAX,
            max_failures: MAX_CONSECUTIVE_FAILURES,
            stable_after: STABLE_AFTER,
            url_wait: URL_WAIT,
            health_attempts: HEALTH_ATTEMPTS,
            health_interval: HEALTH_INTERVAL,
            health_timeout: HEALTH_TIMEOUT,
            stop_grace: STOP_GRACE,
            watch_interval: WATCH_INTERVAL,
            watch_max_misses: WATCH_MAX_MISSES,
        }
    }
}

impl Timing {
    /// The wait before restart number `failures` (1-based): doubling from the first, capped.
    pub fn backoff(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.backoff_first.saturating_mul(1 << doublings).min(self.backoff_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let t = Timing::default();
        let waits: Vec<u64> = (1..=9).map(|n| t.backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(t.backoff(u32::MAX), RESTART_BACKOFF_MAX);
    }
}
