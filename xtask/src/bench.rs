//! `cargo xtask bench [--check] [--ci] [--desktop]`: measures Trek against the budgets in
//! `xtask/bench-budgets.toml` (DESIGN.md's list) with a release `trek serve` on loopback and
//! prints one table (also written to `target/bench/latest.json`).
//!
//! Everything goes through the real paths: the server is the release binary with a fresh data
//! dir, the machine client comes from `trek client create --machine`, tokens from
//! `POST /oauth/token`, the seed data from MCP `tools/call`s (the scale dataset grows by
//! `copy_trip`). Every run is bounded (fixed call counts or a fixed window) and servers stop
//! when their guard drops.
//!
//! - `--check` exits non-zero when a row breaks its budget.
//! - `--ci` measures only what the ratio budgets (`ci = true`) need, in about two minutes, and
//!   with `--check` checks only those: ratios of figures from the same run survive a noisy
//!   machine, absolute times do not.
//! - `--desktop` also reports the desktop app's idle RSS under Xvfb (builds the release
//!   desktop app, so it is opt-in).
//!
//! The load generator runs in this process on tokio, one keep-alive connection per worker. It
//! shares the cores with the server, so the table shows its CPU use and says when it, not the
//! server, was the limit. It re-runs itself as a release build: a debug generator would be.

mod client;
mod report;
mod sys;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use client::{Mcp, create_machine_client, exchange_token, fill_args, http_client};
use report::Report;

/// How much to measure: the full table, or the short ratio check CI runs.
#[derive(Debug, Clone, Copy)]
struct Plan {
    ci: bool,
    /// Timed runs per latency figure (the figure is their median).
    latency_runs: usize,
    /// Calls per read-latency run, after the warm-up calls.
    latency_calls: usize,
    /// Calls per write-latency run (each one is a durable SQLite commit).
    write_calls: usize,
    /// Calls per run at the scale points (list_trips of 1,000 trips is a big answer).
    scale_calls: usize,
}

const FULL: Plan =
    Plan { ci: false, latency_runs: 5, latency_calls: 2000, write_calls: 300, scale_calls: 300 };
const CI: Plan = Plan { ci: true, latency_runs: 3, latency_calls: 500, write_calls: 150, scale_calls: 100 };

const WARMUP_CALLS: usize = 200;
/// Longest a latency run may take (a run that hits it reports fewer samples).
const LATENCY_RUN_CAP: Duration = Duration::from_secs(10);
/// Timed runs per throughput figure.
const THROUGHPUT_RUNS: usize = 3;
const THROUGHPUT_WARMUP: Duration = Duration::from_secs(1);
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(4);
const CONCURRENCIES: [usize; 2] = [8, 32];
const COLD_STARTS: usize = 5;
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(20);
/// The server's own rate limit on `/oauth/token` (TOKEN_RATE_PER_MINUTE in src/config.rs): a
/// burst of this many per client, then 2/s. The token figures stay inside the burst.
const TOKEN_RATE_PER_MINUTE: usize = 120;
const TOKEN_RUNS: usize = 3;
/// Clients per token figure (the server allows 10 owner clients in all, one is the bench's).
const TOKEN_CLIENTS: usize = 8;
const TOKEN_EXCHANGES_PER_CLIENT_RUN: usize = (TOKEN_RATE_PER_MINUTE - 10) / TOKEN_RUNS;
/// Generous limits for the bench server only, so the per-client MCP rate limit (300/min by
/// default) and the session cap (20) measure the server, not the limiter.
const BENCH_MCP_RATE_LIMIT: &str = "1000000000";
const BENCH_MCP_MAX_SESSIONS: &str = "100";

const SEED_DAYS: usize = 30;
const SEED_PLACES: usize = 300;
const SEED_ASSIGNMENTS: usize = 600;
const SEED_BUDGET: usize = 200;
const SEED_PACKING: usize = 300;

/// The scale dataset: a trip of this shape, copied to the two sizes compared.
const SCALE_PLACES: usize = 100;
const SCALE_DAYS: usize = 7;
const SCALE_SMALL: usize = 10;
const SCALE_LARGE: usize = 1000;
/// Matches 11 of each scale trip's 100 place names ("Scale place 7", "… 70" – "… 79").
const SCALE_SEARCH: &str = "place 7";

/// `cargo xtask bench [--check] [--ci] [--desktop]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let (mut check, mut ci, mut desktop) = (false, false, false);
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "--ci" => ci = true,
            "--desktop" => desktop = true,
            other => bail!("unknown bench option {other:?} (use --check, --ci, --desktop)"),
        }
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if cfg!(debug_assertions) {
        // The generator must not be what limits the figures: run it optimised.
        println!("xtask bench: building the load generator (release xtask)");
        build(&cargo, root, "xtask")?;
        let status = Command::new(target.join("release").join("xtask"))
            .arg("bench")
            .args(args)
            .status()
            .context("running the release xtask")?;
        if !status.success() {
            bail!("bench failed ({status})");
        }
        return Ok(());
    }
    println!("xtask bench: building trek (release)");
    build(&cargo, root, "trek")?;
    let bin = target.join("release").join("trek");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let plan = if ci { CI } else { FULL };
    let started = Instant::now();
    let load_before = sys::load_average();
    let mut report = Report {
        budgets: report::load_budgets(&root.join("xtask/bench-budgets.toml"))?,
        ..Report::default()
    };

    if !ci {
        println!("xtask bench: cold start, empty data dir ({COLD_STARTS} starts)");
        cold_starts(&bin, None, "empty", &mut report)?;
    }
    let data = TempDir::new("seeded")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(warm(&bin, &data.0, plan, &mut report))?;
    if !ci {
        println!("xtask bench: cold start, seeded data dir ({COLD_STARTS} starts)");
        cold_starts(&bin, Some(&data.0), "seeded", &mut report)?;
    }
    runtime.block_on(scale(&bin, plan, &mut report))?;
    drop(runtime);
    if desktop {
        println!("xtask bench: desktop app idle RSS under Xvfb (release build)");
        match crate::desktop::idle_rss(root) {
            Ok((app, helpers)) => {
                report.add("desktop_idle_rss", "desktop app idle RSS (trek-desktop, Xvfb)", "MB", &[app]);
                report.add(
                    "desktop_helpers_rss",
                    "desktop app WebKit helper processes' RSS",
                    "MB",
                    &[helpers],
                );
            }
            Err(e) => report.notes.push(format!("desktop RSS not measured: {e:#}")),
        }
    }

    report.ratio(
        "ratio_write_vs_read",
        "write p50 / read p50 (create_packing_item / list_trips)",
        "write_p50",
        "list_trips_p50",
    );
    report.ratio(
        "ratio_summary_vs_list",
        "get_trip_summary p50 / list_trips p50",
        "summary_p50",
        "list_trips_p50",
    );
    for (what, figure) in [
        ("summary", "get_trip_summary"),
        ("list_places", "list_places with search"),
        ("list_trips", "list_trips"),
    ] {
        report.ratio(
            &format!("ratio_scale_{what}"),
            &format!("{figure} p50, {SCALE_LARGE} trips / {SCALE_SMALL} trips"),
            &format!("scale_{what}_{SCALE_LARGE}"),
            &format!("scale_{what}_{SCALE_SMALL}"),
        );
    }
    report.notes.push(format!(
        "machine load average (1 min) {} before, {} after; the bench took {:.0?}",
        load_before.map_or("?".into(), report::fmt),
        sys::load_average().map_or("?".into(), report::fmt),
        started.elapsed()
    ));
    report.notes.push(format!(
        "bench server runs with MCP_RATE_LIMIT={BENCH_MCP_RATE_LIMIT} and \
         MCP_MAX_SESSION_PER_USER={BENCH_MCP_MAX_SESSIONS} so the limiter is not what is measured"
    ));
    report.print(cores);
    let out = target.join("bench");
    std::fs::create_dir_all(&out)?;
    let path = out.join("latest.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report.to_json(cores, if ci { "ci" } else { "full" }))?,
    )?;
    println!("xtask bench: written to {}", path.display());
    if check {
        let missed = report.missed(ci);
        if !missed.is_empty() {
            let ids: Vec<&str> = missed.iter().map(|r| r.id.as_str()).collect();
            bail!("{} budget(s) broken: {}", missed.len(), ids.join(", "));
        }
        println!("xtask bench: every {}budget met", if ci { "ratio " } else { "" });
    }
    Ok(())
}

fn build(cargo: &str, root: &Path, package: &str) -> Result<()> {
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", package])
        .current_dir(root)
        .status()
        .with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        bail!("`cargo build --release -p {package}` failed ({status})");
    }
    Ok(())
}

/// Nearest-rank percentile of sorted samples, in ms.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// Server process

/// A data dir removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Result<Self> {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("trek-bench-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `trek serve`, stopped (SIGTERM, then SIGKILL) on drop.
struct Server {
    child: Option<Child>,
    pid: u32,
    port: u16,
}

impl Server {
    /// Spawns the server; returns it with the instant just before the spawn.
    fn spawn(bin: &Path, data_dir: &Path) -> Result<(Self, Instant)> {
        let port = free_port()?;
        let log =
            std::fs::File::options().create(true).append(true).open(data_dir.join("bench-server.log"))?;
        let mut command = Command::new(bin);
        command
            .args(["serve", "--port", &port.to_string()])
            .env("TREK_DATA_DIR", data_dir)
            .env("MCP_RATE_LIMIT", BENCH_MCP_RATE_LIMIT)
            .env("MCP_MAX_SESSION_PER_USER", BENCH_MCP_MAX_SESSIONS)
            .env_remove("TREK_PORT")
            .env_remove("TREK_PUBLIC_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let started = Instant::now();
        let child = command.spawn().with_context(|| format!("starting {}", bin.display()))?;
        Ok((Self { pid: child.id(), child: Some(child), port }, started))
    }

    /// Polls `/healthz` until it answers 200; returns the time since `started`.
    fn wait_healthy(&mut self, started: Instant) -> Result<Duration> {
        loop {
            if healthz_ok(self.port) {
                return Ok(started.elapsed());
            }
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!("trek serve exited before answering /healthz ({status})");
            }
            if started.elapsed() > HEALTHZ_TIMEOUT {
                bail!("trek serve did not answer /healthz within {HEALTHZ_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_micros(250));
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn memory_mb(&self, field: &str) -> Result<f64> {
        sys::memory_mb(self.pid, field)
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let _ = Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(8);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn healthz_ok(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

/// Cold starts: spawn → first 200 on /healthz, and idle RSS a moment later.
fn cold_starts(bin: &Path, seeded: Option<&Path>, label: &str, report: &mut Report) -> Result<()> {
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..COLD_STARTS {
        let fresh = TempDir::new("cold")?;
        let dir = seeded.unwrap_or(&fresh.0);
        let (mut server, started) = Server::spawn(bin, dir)?;
        starts.push(server.wait_healthy(started)?.as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(500));
        rss.push(server.memory_mb("VmRSS")?);
        server.stop();
    }
    let data = if label == "empty" { "empty data dir" } else { "seeded data dir" };
    report.add(&format!("cold_start_{label}"), format!("cold start → /healthz 200, {data}"), "ms", &starts);
    report.add(&format!("idle_rss_{label}"), format!("server RSS idle after start, {data}"), "MB", &rss);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The warm server: seeding and the measurements

/// The latency rows of one tool: p50, p90 and p99 medians across runs.
fn add_latency(report: &mut Report, id: &str, label: &str, runs: &[(f64, f64, f64)]) {
    report.add(
        &format!("{id}_p50"),
        format!("{label} p50"),
        "ms",
        &runs.iter().map(|r| r.0).collect::<Vec<_>>(),
    );
    report.add(
        &format!("{id}_p90"),
        format!("{label} p90"),
        "ms",
        &runs.iter().map(|r| r.1).collect::<Vec<_>>(),
    );
    report.add(
        &format!("{id}_p99"),
        format!("{label} p99"),
        "ms",
        &runs.iter().map(|r| r.2).collect::<Vec<_>>(),
    );
}

async fn warm(bin: &Path, data_dir: &Path, plan: Plan, report: &mut Report) -> Result<()> {
    println!("xtask bench: starting trek serve with a fresh data dir");
    let (mut server, started) = Server::spawn(bin, data_dir)?;
    tokio::task::block_in_place(|| server.wait_healthy(started))?;
    let base = server.base();
    let (id, secret) = create_machine_client(bin, data_dir, "bench")?;
    let token = exchange_token(&http_client()?, &base, &id, &secret).await?;

    let mut mcp = Mcp::session(&base, &token).await?;
    let tools = mcp.rpc("tools/list", Map::new()).await?;
    let list = tools["result"]["tools"].as_array().ok_or_else(|| anyhow!("tools/list: no tools"))?;
    let schemas: Map<String, Value> = list
        .iter()
        .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["inputSchema"].clone())))
        .collect();
    let bytes = tools["result"].to_string().len();
    report.add(
        "tools_list_bytes",
        format!(
            "tools/list result, full-scope token ({} tools, {:.0} B/tool)",
            list.len(),
            bytes as f64 / list.len().max(1) as f64
        ),
        "B",
        &[bytes as f64],
    );
    println!("xtask bench: {} tools offered; seeding", schemas.len());
    let trip_id = seed(&mut mcp, &schemas, report).await?;

    // Latency at concurrency 1 (one session).
    println!("xtask bench: latency of list_trips");
    let runs = latency(&mut mcp, "list_trips", &json!({}), plan.latency_calls, plan).await?;
    add_latency(report, "list_trips", "list_trips latency c=1", &runs);
    println!("xtask bench: latency of get_trip_summary");
    let runs =
        latency(&mut mcp, "get_trip_summary", &json!({ "trip_id": trip_id }), plan.latency_calls / 2, plan)
            .await?;
    add_latency(report, "summary", "get_trip_summary (30 days, 300 places) latency c=1", &runs);

    if !plan.ci {
        throughput_rows(&mut server, &base, &token, report).await?;
        token_rows(bin, data_dir, &base, report).await?;
    }

    // Writes last: they change what list_trips returns.
    let (write_tool, write_args) = if schemas.contains_key("create_packing_item") {
        let args = fill_args(&schemas["create_packing_item"], &packing_hints(trip_id, 0))
            .map_err(|e| anyhow!("create_packing_item: {e}"))?;
        ("create_packing_item", args)
    } else {
        ("create_trip", json!({ "title": "Bench write" }))
    };
    println!("xtask bench: latency of {write_tool}");
    let runs = latency(&mut mcp, write_tool, &write_args, plan.write_calls, plan).await?;
    add_latency(report, "write", &format!("{write_tool} (write) latency c=1"), &runs);
    tokio::task::block_in_place(|| server.stop());
    Ok(())
}

/// list_trips throughput at each concurrency over both eras, with who used the CPU and the
/// server's peak RSS over these runs.
async fn throughput_rows(server: &mut Server, base: &str, token: &str, report: &mut Report) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut sessions = Vec::new();
    for _ in 0..CONCURRENCIES[1] {
        sessions.push(Mcp::session(base, token).await?);
    }
    let mut stateless = Vec::new();
    for _ in 0..CONCURRENCIES[1] {
        stateless.push(Mcp::stateless(base, token)?);
    }
    // A stateless call must work before it is measured.
    stateless[0].call_tool("list_trips", json!({})).await.context("stateless 2026-07-28 list_trips")?;
    let rss_before = server.memory_mb("VmRSS")?;
    let peak_reset = sys::reset_peak(server.pid);
    let mut top_cpu: Vec<sys::CpuUse> = Vec::new();
    for (era, key, pool) in [
        ("2025-11-25 sessions", "sessions", &mut sessions),
        ("stateless 2026-07-28", "stateless", &mut stateless),
    ] {
        for c in CONCURRENCIES {
            println!("xtask bench: throughput of list_trips, {era}, concurrency {c}");
            let mut rates = Vec::new();
            for _ in 0..THROUGHPUT_RUNS {
                let workers: Vec<Mcp> = pool.drain(..c).collect();
                let (rate, cpu, back) =
                    throughput(workers, server.pid, cores, "list_trips", &json!({})).await?;
                pool.splice(0..0, back);
                rates.push(rate);
                if c == CONCURRENCIES[1] {
                    top_cpu.push(cpu);
                }
            }
            report.add(
                &format!("throughput_c{c}_{key}"),
                format!("list_trips throughput c={c}, {era}"),
                "calls/s",
                &rates,
            );
        }
    }
    let peak = server.memory_mb("VmHWM")?;
    report.add(
        "rss_before_throughput",
        "server RSS before the throughput runs (seeded, warm)",
        "MB",
        &[rss_before],
    );
    let what = if peak_reset {
        "server peak RSS during the throughput runs (VmHWM)"
    } else {
        "server peak RSS since start (VmHWM; clear_refs refused)"
    };
    report.add("peak_rss_throughput", what, "MB", &[peak]);
    let pick = |f: fn(&sys::CpuUse) -> f64| top_cpu.iter().map(f).collect::<Vec<_>>();
    report.add(
        "cpu_generator_c32",
        "load generator CPU at c=32 (% of one core)",
        "%",
        &pick(|c| c.generator),
    );
    report.add("cpu_server_c32", "server CPU at c=32 (% of one core)", "%", &pick(|c| c.server));
    report.add("cpu_others_c32", "other processes' CPU at c=32 (% of one core)", "%", &pick(|c| c.others));
    let n = top_cpu.len().max(1) as f64;
    let generator = top_cpu.iter().map(|c| c.generator).sum::<f64>() / n;
    let server_cpu = top_cpu.iter().map(|c| c.server).sum::<f64>() / n;
    let others = top_cpu.iter().map(|c| c.others).sum::<f64>() / n;
    let busy = top_cpu.iter().map(|c| c.machine_busy).sum::<f64>() / n;
    if busy >= 90.0 && generator >= server_cpu {
        report.notes.push(format!(
            "CLIENT SATURATED: at c=32 the cores were {busy:.0}% busy and the load generator used as much CPU \
             ({generator:.0}%) as the server ({server_cpu:.0}%): throughput is a lower bound of the server's"
        ));
    } else if busy >= 90.0 {
        report.notes.push(format!(
            "at c=32 the cores were {busy:.0}% busy: server {server_cpu:.0}%, generator {generator:.0}%, \
             others {others:.0}% of one core; the server, sharing the machine, was the limit"
        ));
    }
    if others >= 25.0 {
        report.notes.push(format!(
            "other processes used {others:.0}% of one core during the throughput runs: absolute figures are depressed"
        ));
    }
    Ok(())
}

/// client_credentials exchanges/s and refresh rotations/s, each inside the per-client burst.
async fn token_rows(bin: &Path, data_dir: &Path, base: &str, report: &mut Report) -> Result<()> {
    println!("xtask bench: OAuth client_credentials exchanges");
    let mut clients = Vec::new();
    for i in 0..TOKEN_CLIENTS {
        match create_machine_client(bin, data_dir, &format!("bench-token-{i}")) {
            Ok(c) => clients.push(c),
            Err(e) => {
                report.notes.push(format!("token figure uses {} machine clients: {e:#}", clients.len()));
                break;
            }
        }
    }
    if !clients.is_empty() {
        let mut rates = Vec::new();
        for _ in 0..TOKEN_RUNS {
            rates.push(token_run(base, &mut clients, false).await?);
        }
        report.add(
            "client_credentials",
            format!("OAuth client_credentials exchanges, c={}", clients.len()),
            "tokens/s",
            &rates,
        );
    }
    println!("xtask bench: OAuth refresh rotations");
    let mut chains = Vec::new();
    for i in 0..TOKEN_CLIENTS {
        chains.push(client::refresh_token_for(bin, data_dir, base, &format!("bench-refresh-{i}")).await?);
    }
    let mut rates = Vec::new();
    for _ in 0..TOKEN_RUNS {
        rates.push(token_run(base, &mut chains, true).await?);
    }
    report.add(
        "refresh_rotations",
        format!("OAuth refresh rotations, c={}", chains.len()),
        "rotations/s",
        &rates,
    );
    report.notes.push(format!(
        "token figures: {TOKEN_CLIENTS} clients × {TOKEN_EXCHANGES_PER_CLIENT_RUN} requests per run, inside the \
         endpoint's per-client burst of {TOKEN_RATE_PER_MINUTE}/min (no 429s counted as success)"
    ));
    Ok(())
}

/// `runs` runs of `calls` sequential calls; per run (p50, p90, p99) in ms.
async fn latency(
    mcp: &mut Mcp,
    tool: &str,
    args: &Value,
    calls: usize,
    plan: Plan,
) -> Result<Vec<(f64, f64, f64)>> {
    let call = mcp.prepare(tool, args);
    for _ in 0..WARMUP_CALLS.min(calls) {
        mcp.call_prepared(&call).await?;
    }
    let mut runs = Vec::new();
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..plan.latency_runs {
        samples.clear();
        let run_started = Instant::now();
        for _ in 0..calls {
            // A time cap keeps a slow server from stretching the bench; the run then has fewer samples.
            if run_started.elapsed() > LATENCY_RUN_CAP {
                break;
            }
            let t = Instant::now();
            mcp.call_prepared(&call).await?;
            samples.push(t.elapsed());
        }
        samples.sort();
        runs.push((percentile(&samples, 50.0), percentile(&samples, 90.0), percentile(&samples, 99.0)));
    }
    Ok(runs)
}

/// One throughput run: every worker calls in a loop; calls completed inside the window count.
/// Returns calls/s, the CPU use over the window and the workers.
async fn throughput(
    workers: Vec<Mcp>,
    server_pid: u32,
    cores: usize,
    tool: &str,
    args: &Value,
) -> Result<(f64, sys::CpuUse, Vec<Mcp>)> {
    let begin = Instant::now() + THROUGHPUT_WARMUP;
    let end = begin + THROUGHPUT_WINDOW;
    let counted = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();
    for mut mcp in workers {
        let call = mcp.prepare(tool, args);
        let counted = counted.clone();
        handles.push(tokio::spawn(async move {
            let mut result = Ok(());
            loop {
                if let Err(e) = mcp.call_prepared(&call).await {
                    result = Err(e);
                    break;
                }
                let now = Instant::now();
                if now >= end {
                    break;
                }
                if now >= begin {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            }
            (mcp, result)
        }));
    }
    tokio::time::sleep_until(begin.into()).await;
    let window = sys::CpuWindow::start(server_pid)?;
    tokio::time::sleep_until(end.into()).await;
    let cpu = window.stop(THROUGHPUT_WINDOW.as_secs_f64(), cores)?;
    let mut back = Vec::new();
    for handle in handles {
        let (mcp, result) = handle.await?;
        result?;
        back.push(mcp);
    }
    Ok((counted.load(Ordering::Relaxed) as f64 / THROUGHPUT_WINDOW.as_secs_f64(), cpu, back))
}

/// One token run: every client makes its share of requests in sequence, the clients
/// concurrently; requests/s over the wall time. `rotate`: `clients` hold (client_id,
/// refresh token) and each request rotates the token; else (client_id, secret) pairs for
/// client_credentials.
async fn token_run(base: &str, clients: &mut [(String, String)], rotate: bool) -> Result<f64> {
    let started = Instant::now();
    let mut handles = Vec::new();
    for (id, secret) in clients.iter() {
        let (id, mut secret) = (id.clone(), secret.clone());
        let base = base.to_owned();
        handles.push(tokio::spawn(async move {
            let http = http_client()?;
            for _ in 0..TOKEN_EXCHANGES_PER_CLIENT_RUN {
                if rotate {
                    secret = client::rotate(&http, &base, &id, &secret).await?;
                } else {
                    exchange_token(&http, &base, &id, &secret).await?;
                }
            }
            anyhow::Ok(secret)
        }));
    }
    // Each rotation spends its token: the next run starts from the latest one.
    for (client, handle) in clients.iter_mut().zip(handles) {
        client.1 = handle.await??;
    }
    let total = clients.len() * TOKEN_EXCHANGES_PER_CLIENT_RUN;
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// Scale: the same reads with 10 trips and with 1,000 trips / 100,000 places

async fn scale(bin: &Path, plan: Plan, report: &mut Report) -> Result<()> {
    let data = TempDir::new("scale")?;
    println!("xtask bench: scale dataset: one trip of {SCALE_PLACES} places, copied");
    let (mut server, started) = Server::spawn(bin, &data.0)?;
    tokio::task::block_in_place(|| server.wait_healthy(started))?;
    let base = server.base();
    let (id, secret) = create_machine_client(bin, &data.0, "bench-scale")?;
    let token = exchange_token(&http_client()?, &base, &id, &secret).await?;
    let mut mcp = Mcp::session(&base, &token).await?;
    let tools = mcp.rpc("tools/list", Map::new()).await?;
    let schema = |name: &str| {
        tools["result"]["tools"]
            .as_array()
            .and_then(|l| l.iter().find(|t| t["name"] == name))
            .map(|t| t["inputSchema"].clone())
            .ok_or_else(|| anyhow!("no {name} tool"))
    };
    let (place_schema, assign_schema) = (schema("create_place")?, schema("assign_place_to_day")?);
    let seeding = Instant::now();
    let trip = mcp
        .call_tool(
            "create_trip",
            json!({ "title": "Scale trip", "start_date": "2027-06-01", "end_date": format!("2027-06-{:02}", SCALE_DAYS), "currency": "EUR" }),
        )
        .await?;
    let trip_id = trip["id"].as_i64().ok_or_else(|| anyhow!("create_trip: no id"))?;
    let summary = mcp.call_tool("get_trip_summary", json!({ "trip_id": trip_id })).await?;
    let days: Vec<i64> = summary["days"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["id"].as_i64()).collect())
        .unwrap_or_default();
    for i in 0..SCALE_PLACES {
        let mut h = Map::new();
        h.insert("trip_id".into(), json!(trip_id));
        h.insert("name".into(), json!(format!("Scale place {i}")));
        h.insert("notes".into(), json!("Seeded by cargo xtask bench"));
        let place =
            mcp.call_tool("create_place", fill_args(&place_schema, &h).map_err(|e| anyhow!(e))?).await?;
        let place_id = place["id"].as_i64().ok_or_else(|| anyhow!("create_place: no id"))?;
        if !days.is_empty() {
            let mut h = Map::new();
            h.insert("trip_id".into(), json!(trip_id));
            h.insert("day_id".into(), json!(days[i % days.len()]));
            h.insert("place_id".into(), json!(place_id));
            mcp.call_tool("assign_place_to_day", fill_args(&assign_schema, &h).map_err(|e| anyhow!(e))?)
                .await?;
        }
    }
    let mut trips = 1;
    let mut copy_time = Duration::ZERO;
    for size in [SCALE_SMALL, SCALE_LARGE] {
        let copying = Instant::now();
        while trips < size {
            mcp.call_tool("copy_trip", json!({ "trip_id": trip_id })).await?;
            trips += 1;
        }
        copy_time += copying.elapsed();
        println!("xtask bench: scale reads with {size} trips");
        let reads = [
            ("list_trips", "list_trips", json!({})),
            ("list_places", "list_places", json!({ "trip_id": trip_id, "search": SCALE_SEARCH })),
            ("summary", "get_trip_summary", json!({ "trip_id": trip_id })),
        ];
        for (id, tool, args) in reads {
            let runs = latency(&mut mcp, tool, &args, plan.scale_calls, plan).await?;
            let label = match id {
                "list_places" => format!("list_places search {SCALE_SEARCH:?} p50, {size} trips"),
                _ => format!("{tool} p50, {size} trips"),
            };
            report.add(
                &format!("scale_{id}_{size}"),
                label,
                "ms",
                &runs.iter().map(|r| r.0).collect::<Vec<_>>(),
            );
        }
    }
    report.seeding.push((
        format!("scale: {SCALE_LARGE} trips × {SCALE_PLACES} places"),
        format!(
            "seeded in {:.1?} ({} copy_trip calls, {:.1} ms each)",
            seeding.elapsed(),
            SCALE_LARGE - 1,
            copy_time.as_secs_f64() * 1000.0 / (SCALE_LARGE - 1) as f64
        ),
    ));
    tokio::task::block_in_place(|| server.stop());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Seeding

/// Seeds the 30-day trip through MCP; returns its id. Parts whose tool is not offered yet are
/// reported, never faked.
async fn seed(mcp: &mut Mcp, schemas: &Map<String, Value>, report: &mut Report) -> Result<i64> {
    let started = Instant::now();
    let trip = mcp
        .call_tool(
            "create_trip",
            json!({ "title": "Bench: 30 days", "start_date": "2027-05-01", "end_date": "2027-05-30", "currency": "EUR" }),
        )
        .await?;
    let trip_id = trip["id"].as_i64().ok_or_else(|| anyhow!("create_trip: no id in {trip}"))?;
    let summary = mcp.call_tool("get_trip_summary", json!({ "trip_id": trip_id })).await?;
    let days: Vec<i64> = summary["days"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["id"].as_i64()).collect())
        .unwrap_or_default();
    report
        .seeding
        .push((format!("trip with {SEED_DAYS} days (create_trip)"), format!("seeded ({} days)", days.len())));

    let mut places = Vec::new();
    let outcome = seed_part(
        mcp,
        schemas,
        "create_place",
        SEED_PLACES,
        |i| {
            let mut h = Map::new();
            h.insert("trip_id".into(), json!(trip_id));
            h.insert("name".into(), json!(format!("Bench place {i}")));
            h.insert("lat".into(), json!(35.0 + (i as f64) * 0.001));
            h.insert("lng".into(), json!(135.7 + (i as f64) * 0.001));
            h.insert("notes".into(), json!("Seeded by cargo xtask bench"));
            h
        },
        |v| {
            if let Some(id) = v["id"].as_i64() {
                places.push(id)
            }
        },
    )
    .await;
    report.seeding.push((format!("{SEED_PLACES} places (create_place)"), outcome));

    let outcome = if places.is_empty() || days.is_empty() {
        "not seeded: needs places and days".to_owned()
    } else {
        let (p, d) = (places.clone(), days.clone());
        seed_part(
            mcp,
            schemas,
            "assign_place_to_day",
            SEED_ASSIGNMENTS,
            move |i| {
                let mut h = Map::new();
                h.insert("trip_id".into(), json!(trip_id));
                h.insert("day_id".into(), json!(d[i % d.len()]));
                h.insert("place_id".into(), json!(p[i % p.len()]));
                h
            },
            |_| (),
        )
        .await
    };
    report.seeding.push((format!("{SEED_ASSIGNMENTS} assignments (assign_place_to_day)"), outcome));

    let outcome = seed_part(
        mcp,
        schemas,
        "create_budget_item",
        SEED_BUDGET,
        |i| {
            let mut h = Map::new();
            h.insert("trip_id".into(), json!(trip_id));
            h.insert("name".into(), json!(format!("Bench expense {i}")));
            h.insert("title".into(), json!(format!("Bench expense {i}")));
            h.insert("category".into(), json!(["Food", "Transport", "Lodging", "Tickets"][i % 4]));
            h
        },
        |_| (),
    )
    .await;
    report.seeding.push((format!("{SEED_BUDGET} budget items (create_budget_item)"), outcome));

    let outcome =
        seed_part(mcp, schemas, "create_packing_item", SEED_PACKING, |i| packing_hints(trip_id, i), |_| ())
            .await;
    report.seeding.push((format!("{SEED_PACKING} packing items (create_packing_item)"), outcome));
    report.notes.push(format!(
        "seeding the 30-day trip took {:.1?} (sequential tools/call over one session)",
        started.elapsed()
    ));
    Ok(trip_id)
}

fn packing_hints(trip_id: i64, i: usize) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("trip_id".into(), json!(trip_id));
    h.insert("name".into(), json!(format!("Bench item {i}")));
    h.insert("category".into(), json!(["Clothes", "Toiletries", "Documents", "Electronics"][i % 4]));
    h
}

/// Seeds `count` calls of `tool` (arguments from `hints` plus the schema's required fields);
/// the outcome as text.
async fn seed_part(
    mcp: &mut Mcp,
    schemas: &Map<String, Value>,
    tool: &str,
    count: usize,
    hints: impl Fn(usize) -> Map<String, Value>,
    mut created: impl FnMut(&Value),
) -> String {
    let Some(schema) = schemas.get(tool) else {
        return format!("NOT SEEDED: the registry has no {tool} tool yet");
    };
    for i in 0..count {
        let args = match fill_args(schema, &hints(i)) {
            Ok(args) => args,
            Err(e) => return format!("NOT SEEDED: cannot build {tool} arguments: {e}"),
        };
        match mcp.call_tool(tool, args).await {
            Ok(value) => created(&value),
            Err(e) => return format!("STOPPED after {i} of {count}: {e:#}"),
        }
    }
    format!("seeded ({count})")
}
