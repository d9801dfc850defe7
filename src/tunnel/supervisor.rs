//! The tunnel supervisor: one tokio task per started tunnel that spawns the program in its own
//! process group, reads its output for the public URL, health-checks that URL, publishes the
//! status on a watch channel and restarts the program with capped exponential backoff. While
//! it is up, the public URL is probed every `Timing::watch_interval`; a tunnel whose process
//! lives on but no longer carries traffic is restarted like one that died. Whether public
//! access is on is remembered (`settings::TUNNEL_ON`) so the next launch brings it back.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::provider::{Launch, ProviderError, TunnelSpec, UrlSource, find_url};
use super::{LOG_LINES, MAX_LOG_LINE_CHARS, Timing};
use crate::http::guard::AllowedOrigins;
use crate::http::paths;
use crate::store::{Store, settings as keys};

/// What the UI, the tray and `trek serve` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TunnelStatus {
    /// Not running (never started, or stopped by the owner).
    Stopped,
    /// The program runs; its URL is not known or not yet reachable.
    Starting { attempt: u32, pid: Option<u32>, url: Option<String> },
    /// Hosted clients can connect: `url` is the public origin, `mcp_url` what they paste.
    Up { url: String, mcp_url: String, pid: u32 },
    /// The last start failed; `reason` comes from the program's output when it said why.
    /// `retry_in_ms` is set while another start is scheduled, absent once the supervisor gave up.
    Failed { reason: String, attempt: u32, retry_in_ms: Option<u64> },
}

/// Handle on the public-access tunnel. Cheap to clone.
#[derive(Clone)]
pub struct Tunnel {
    inner: Arc<Inner>,
}

struct Inner {
    /// Where the owner's intent (public access on or off) is kept across launches.
    store: Store,
    allowed: Arc<AllowedOrigins>,
    /// The configured public URL (`TREK_PUBLIC_URL`), restored whenever the tunnel is down.
    fallback: Option<Url>,
    port: u16,
    timing: Timing,
    /// Where health checks connect instead of the public URL (tests: the stand-in's relay).
    health_via: Option<Url>,
    http: reqwest::Client,
    status: watch::Sender<TunnelStatus>,
    log: Mutex<VecDeque<String>>,
    running: tokio::sync::Mutex<Option<Running>>,
}

struct Running {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// How one run of the program ended.
enum RunEnd {
    Stopped,
    Failed { reason: String, up_for: Duration },
}

impl Tunnel {
    pub fn new(
        store: Store,
        allowed: Arc<AllowedOrigins>,
        fallback: Option<Url>,
        port: u16,
        timing: Timing,
        health_via: Option<Url>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timing.health_timeout)
            .build()
            .unwrap_or_default();
        Self {
            inner: Arc::new(Inner {
                store,
                allowed,
                fallback,
                port,
                timing,
                health_via,
                http,
                status: watch::Sender::new(TunnelStatus::Stopped),
                log: Mutex::new(VecDeque::with_capacity(LOG_LINES)),
                running: tokio::sync::Mutex::new(None),
            }),
        }
    }

    pub fn status(&self) -> TunnelStatus {
        self.inner.status.borrow().clone()
    }

    /// Status changes as they happen (the tray, `trek serve`).
    pub fn subscribe(&self) -> watch::Receiver<TunnelStatus> {
        self.inner.status.subscribe()
    }

    /// The program's most recent output lines, oldest first.
    pub fn log_tail(&self) -> Vec<String> {
        self.inner.log.lock().map(|l| l.iter().cloned().collect()).unwrap_or_default()
    }

    /// Starts `spec` (stopping a running tunnel first) and remembers that public access is on,
    /// so the next launch starts it again. A missing program or invalid settings fail at once,
    /// with the status showing the same message, are not retried and change nothing saved.
    pub async fn start(&self, spec: &TunnelSpec) -> Result<(), ProviderError> {
        self.launch(spec).await?;
        self.remember(true).await;
        Ok(())
    }

    /// Starts `spec` for this run only (`trek serve --tunnel`: the flags say what to run, and a
    /// later launch without them should not go public by itself).
    pub async fn start_once(&self, spec: &TunnelSpec) -> Result<(), ProviderError> {
        self.launch(spec).await
    }

    async fn launch(&self, spec: &TunnelSpec) -> Result<(), ProviderError> {
        let mut running = self.inner.running.lock().await;
        if let Some(previous) = running.take() {
            previous.stop.cancel();
            let _ = previous.task.await;
        }
        if let Ok(mut log) = self.inner.log.lock() {
            log.clear();
        }
        let launch = match spec.launch(self.inner.port) {
            Ok(launch) => launch,
            Err(error) => {
                self.inner.set(TunnelStatus::Failed {
                    reason: error.to_string(),
                    attempt: 1,
                    retry_in_ms: None,
                });
                return Err(error);
            }
        };
        // Before the task runs: whoever asks right after `start` returns must not see the
        // previous run's status (a stale `failed` would stop the page from polling).
        self.inner.set(TunnelStatus::Starting { attempt: 1, pid: None, url: None });
        let stop = CancellationToken::new();
        let task = tokio::spawn(supervise(self.inner.clone(), launch, stop.clone()));
        *running = Some(Running { stop, task });
        Ok(())
    }

    /// The owner stops public access: the tunnel goes (see `shutdown`) and the next launch does
    /// not bring it back.
    pub async fn stop(&self) {
        self.shutdown().await;
        self.remember(false).await;
    }

    /// Stops the tunnel and waits until its process group is gone, keeping whether public
    /// access is on for the next launch (the server quitting).
    pub async fn shutdown(&self) {
        let mut running = self.inner.running.lock().await;
        if let Some(previous) = running.take() {
            previous.stop.cancel();
            let _ = previous.task.await;
        }
        self.inner.allowed.set_public(self.inner.fallback.as_ref());
        self.inner.set(TunnelStatus::Stopped);
    }

    /// Saves whether public access is on. A failure to save costs only the next launch's
    /// resume, so it is logged rather than failing the start or stop the owner asked for.
    async fn remember(&self, on: bool) {
        if let Err(error) = super::settings::set_flag(&self.inner.store, keys::TUNNEL_ON, on).await {
            tracing::warn!(%error, on, "cannot save whether public access is on");
        }
    }

    /// Whether public access was on when Trek last quit.
    pub async fn was_on(&self) -> bool {
        super::settings::flag(&self.inner.store, keys::TUNNEL_ON).await.unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot read whether public access was on");
            false
        })
    }
}

impl Inner {
    fn set(&self, status: TunnelStatus) {
        tracing::info!(?status, "tunnel status");
        self.status.send_replace(status);
    }

    fn push_log(&self, line: &str) {
        let line: String = line.chars().take(MAX_LOG_LINE_CHARS).collect();
        if let Ok(mut log) = self.log.lock() {
            if log.len() == LOG_LINES {
                log.pop_front();
            }
            log.push_back(line);
        }
    }
}

async fn supervise(inner: Arc<Inner>, launch: Launch, stop: CancellationToken) {
    let timing = inner.timing;
    let mut failures = 0u32;
    loop {
        let end = run_once(&inner, &launch, failures + 1, &stop).await;
        inner.allowed.set_public(inner.fallback.as_ref());
        let RunEnd::Failed { reason, up_for } = end else { break };
        if up_for >= timing.stable_after {
            failures = 0;
        }
        failures += 1;
        tracing::warn!(%reason, failures, "tunnel failed");
        if failures >= timing.max_failures {
            inner.set(TunnelStatus::Failed {
                reason: format!("{reason} (gave up after {failures} attempts)"),
                attempt: failures,
                retry_in_ms: None,
            });
            return;
        }
        let wait = timing.backoff(failures);
        inner.set(TunnelStatus::Failed {
            reason,
            attempt: failures,
            retry_in_ms: Some(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
        });
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    inner.set(TunnelStatus::Stopped);
}

async fn run_once(inner: &Inner, launch: &Launch, attempt: u32, stop: &CancellationToken) -> RunEnd {
    let mut command = Command::new(&launch.program);
    command
        .args(&launch.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Dropping the child (a panic, an aborted task) still kills it.
        .kill_on_drop(true);
    for (name, value) in &launch.env {
        command.env(name, value.expose());
    }
    // Its own process group: a terminal's Ctrl-C does not reach it before we stop it in order,
    // and stopping signals the whole group, so helpers it spawned go too.
    #[cfg(unix)]
    command.process_group(0);
    inner.set(TunnelStatus::Starting { attempt, pid: None, url: None });
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            let reason = format!("cannot start {}: {error}", launch.program.display());
            return RunEnd::Failed { reason, up_for: Duration::ZERO };
        }
    };
    let pid = child.id().unwrap_or_default();
    inner.set(TunnelStatus::Starting { attempt, pid: Some(pid), url: None });

    let (lines_tx, mut lines) = mpsc::channel::<String>(64);
    if let Some(out) = child.stdout.take() {
        tokio::spawn(forward_lines(out, lines_tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(forward_lines(err, lines_tx));
    }

    let mut url: Option<Url> = None;
    let mut health: Option<JoinHandle<Result<(), String>>> = None;
    let mut last_error: Option<String> = None;
    let mut up_since: Option<Instant> = None;
    let url_deadline = tokio::time::sleep(inner.timing.url_wait);
    tokio::pin!(url_deadline);
    let mut lines_open = true;
    // Probing the public URL while up: the running probe, and failed probes in a row.
    let mut watch = tokio::time::interval(inner.timing.watch_interval);
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut probe: Option<JoinHandle<Result<(), String>>> = None;
    let mut misses = 0u32;

    let learned = |url: &Url, health: &mut Option<JoinHandle<Result<(), String>>>| {
        inner.allowed.set_public(Some(url));
        inner.set(TunnelStatus::Starting { attempt, pid: Some(pid), url: Some(origin_of(url)) });
        *health = Some(tokio::spawn(check_health(
            inner.http.clone(),
            url.clone(),
            inner.health_via.clone(),
            inner.timing.health_attempts,
            inner.timing.health_interval,
        )));
    };
    if let UrlSource::Fixed(fixed) = &launch.url {
        learned(fixed, &mut health);
        url = Some(fixed.clone());
    }

    let end = loop {
        tokio::select! {
            () = stop.cancelled() => {
                terminate(&mut child, inner.timing.stop_grace).await;
                break RunEnd::Stopped;
            }
            line = lines.recv(), if lines_open => match line {
                None => lines_open = false,
                Some(line) => {
                    inner.push_log(&line);
                    if let Some(error) = error_text(&line) {
                        last_error = Some(error);
                    }
                    if url.is_none()
                        && let Some(found) = find_url(&launch.url, &line)
                    {
                        learned(&found, &mut health);
                        url = Some(found);
                    }
                }
            },
            checked = wait_health(&mut health), if health.is_some() => {
                health = None;
                match checked {
                    Ok(Ok(())) => {
                        let origin = url.as_ref().map(origin_of).unwrap_or_default();
                        up_since = Some(Instant::now());
                        watch.reset();
                        inner.set(TunnelStatus::Up {
                            mcp_url: format!("{origin}{}", paths::MCP),
                            url: origin,
                            pid,
                        });
                    }
                    Ok(Err(reason)) => {
                        terminate(&mut child, inner.timing.stop_grace).await;
                        break RunEnd::Failed { reason, up_for: Duration::ZERO };
                    }
                    Err(join) => {
                        terminate(&mut child, inner.timing.stop_grace).await;
                        break RunEnd::Failed { reason: format!("health check failed: {join}"), up_for: Duration::ZERO };
                    }
                }
            }
            _ = watch.tick(), if up_since.is_some() && probe.is_none() => {
                if let Some(url) = &url {
                    probe = Some(tokio::spawn(check_health(
                        inner.http.clone(),
                        url.clone(),
                        inner.health_via.clone(),
                        1,
                        Duration::ZERO,
                    )));
                }
            }
            probed = wait_health(&mut probe), if probe.is_some() => {
                probe = None;
                let failure = match probed {
                    Ok(Ok(())) => None,
                    Ok(Err(reason)) => Some(reason),
                    Err(join) => Some(format!("health check failed: {join}")),
                };
                match failure {
                    None => misses = 0,
                    Some(reason) => {
                        misses += 1;
                        tracing::warn!(%reason, misses, "tunnel probe failed");
                        if misses >= inner.timing.watch_max_misses {
                            terminate(&mut child, inner.timing.stop_grace).await;
                            break RunEnd::Failed {
                                reason: format!("the tunnel stopped carrying traffic ({misses} checks in a row failed): {reason}"),
                                up_for: up_since.map(|s| s.elapsed()).unwrap_or_default(),
                            };
                        }
                    }
                }
            }
            () = &mut url_deadline, if url.is_none() => {
                terminate(&mut child, inner.timing.stop_grace).await;
                let reason = last_error.clone().unwrap_or_else(|| format!(
                    "no public URL appeared in the tunnel's output within {} s",
                    inner.timing.url_wait.as_secs()
                ));
                break RunEnd::Failed { reason, up_for: Duration::ZERO };
            }
            exited = child.wait() => {
                kill_group(pid, true);
                // The last lines (often the reason) may still be in the pipes.
                let drain = tokio::time::timeout(Duration::from_millis(300), async {
                    while let Some(line) = lines.recv().await {
                        inner.push_log(&line);
                        if let Some(error) = error_text(&line) {
                            last_error = Some(error);
                        }
                    }
                });
                let _ = drain.await;
                let status = exited.map_or_else(|e| e.to_string(), |s| s.to_string());
                let reason = match last_error.clone() {
                    Some(error) => format!("{error} ({} exited: {status})", program_name(launch)),
                    None => format!("{} exited: {status}", program_name(launch)),
                };
                break RunEnd::Failed { reason, up_for: up_since.map(|s| s.elapsed()).unwrap_or_default() };
            }
        }
    };
    for check in [health, probe].into_iter().flatten() {
        check.abort();
    }
    end
}

/// The running health check's result (never resolves without one).
async fn wait_health(
    health: &mut Option<JoinHandle<Result<(), String>>>,
) -> Result<Result<(), String>, tokio::task::JoinError> {
    match health {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

fn program_name(launch: &Launch) -> String {
    launch
        .program
        .file_name()
        .map_or_else(|| launch.program.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// `https://host[:port]` without the trailing slash `Url` adds.
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

async fn forward_lines(stream: impl AsyncRead + Unpin, to: mpsc::Sender<String>) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if to.send(line).await.is_err() {
            break;
        }
    }
}

/// The message of an error line in cloudflared's format (`<time> ERR <message>`), or of a line
/// that says `error`/`failed` in other programs' output.
fn error_text(line: &str) -> Option<String> {
    let mut words = line.splitn(3, ' ');
    if let (Some(_time), Some(level), Some(message)) = (words.next(), words.next(), words.next())
        && matches!(level, "ERR" | "FTL")
    {
        return Some(message.trim().chars().take(MAX_LOG_LINE_CHARS).collect());
    }
    let lower = line.to_ascii_lowercase();
    (lower.contains("error") || lower.contains("failed"))
        .then(|| line.trim().chars().take(MAX_LOG_LINE_CHARS).collect())
}

/// Asks the public URL for our protected-resource metadata until it answers as this Trek, at
/// most `attempts` times `interval` apart (the start-up check, and one probe while up).
async fn check_health(
    http: reqwest::Client,
    url: Url,
    via: Option<Url>,
    attempts: u32,
    interval: Duration,
) -> Result<(), String> {
    let origin = origin_of(&url);
    let expected = format!("{origin}{}", paths::MCP);
    let mut last = String::from("no answer");
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(interval).await;
        }
        let request = match &via {
            Some(via) => {
                let authority = url.host_str().map(|h| match url.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                });
                let target = format!("{}{}", via.as_str().trim_end_matches('/'), paths::WELL_KNOWN_PRM_MCP);
                http.get(target).header(reqwest::header::HOST, authority.unwrap_or_default())
            }
            None => http.get(format!("{origin}{}", paths::WELL_KNOWN_PRM_MCP)),
        };
        match request.send().await {
            Err(error) => last = with_causes(&error),
            Ok(response) => {
                let status = response.status();
                let body: serde_json::Value = response.json().await.unwrap_or_default();
                let is_ours = (status == reqwest::StatusCode::OK && body["resource"] == expected.as_str())
                    || (status == reqwest::StatusCode::NOT_FOUND && body["error"] == "mcp_disabled");
                if is_ours {
                    return Ok(());
                }
                last = format!("it answered HTTP {status}, not as this Trek");
            }
        }
    }
    Err(format!("{origin} did not reach Trek: {last}"))
}

/// An error with its causes (`reqwest` says only "error sending request" at the top; the
/// reason the owner sees should say what went wrong, e.g. connection refused).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let more = next.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = next.source();
    }
    text
}

/// Stops the program: SIGTERM to its group, SIGKILL after `grace`, then reaps it.
async fn terminate(child: &mut Child, grace: Duration) {
    let Some(pid) = child.id() else { return };
    kill_group(pid, false);
    if tokio::time::timeout(grace, child.wait()).await.is_err() {
        tracing::warn!(pid, "tunnel did not exit after SIGTERM; killing it");
        kill_group(pid, true);
        let _ = child.kill().await;
    }
    // Helpers the program left behind in its group.
    kill_group(pid, true);
}

#[cfg(unix)]
fn kill_group(pid: u32, hard: bool) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let Ok(raw) = i32::try_from(pid) else { return };
    let signal = if hard { Signal::SIGKILL } else { Signal::SIGTERM };
    // ESRCH (the group is already gone) is the expected outcome after a clean exit.
    let _ = killpg(Pid::from_raw(raw), signal);
}

#[cfg(not(unix))]
fn kill_group(_pid: u32, _hard: bool) {
    // Without process groups, `terminate` falls back to killing the child itself.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_recognised_in_cloudflareds_format() {
        assert_eq!(
            error_text(r#"2025-01-01T00:00:00Z ERR failed to request quick Tunnel: no such host"#).as_deref(),
            Some("failed to request quick Tunnel: no such host")
        );
        assert!(error_text("2025-01-01T00:00:00Z INF Registered tunnel connection").is_none());
        assert!(error_text("t=1 lvl=eror msg=\"session closed\" err=\"authentication failed\"").is_some());
    }
}
