//! `cargo xtask bench`: measures the DESIGN.md performance budgets against a release `trek serve`
//! on loopback and prints one table (also written to `target/bench/latest.json`).
//!
//! Everything goes through the real paths: the server is the release binary with a fresh data
//! dir, the machine client comes from `trek client create --machine`, the token from
//! `POST /oauth/token`, the seed data from MCP `tools/call`s. Every run is bounded (fixed call
//! counts or a fixed window) and the server is stopped when the guard drops. A missed budget is
//! reported, not an error: this is a measurement, not a test.
//!
//! The load generator runs in this process (tokio, one keep-alive connection per worker), so it
//! shares the machine's cores with the server; throughput figures are a lower bound.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

/// Timed runs per latency figure (the figure is their median).
const LATENCY_RUNS: usize = 5;
/// Calls per read-latency run, after [`WARMUP_CALLS`] untimed ones.
const LATENCY_CALLS: usize = 2000;
/// Calls per write-latency run (each one is a durable SQLite commit).
const WRITE_CALLS: usize = 300;
const WARMUP_CALLS: usize = 200;
/// Longest a latency run may take (a run that hits it reports fewer samples).
const LATENCY_RUN_CAP: Duration = Duration::from_secs(15);
/// Timed runs per throughput figure.
const THROUGHPUT_RUNS: usize = 3;
const THROUGHPUT_WARMUP: Duration = Duration::from_secs(1);
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(5);
const CONCURRENCIES: [usize; 2] = [8, 32];
const COLD_STARTS: usize = 5;
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(20);
/// The server's own rate limit on `/oauth/token` (TOKEN_RATE_PER_MINUTE in src/config.rs): a
/// burst of this many per client, then 2/s. The token figure stays inside the burst.
const TOKEN_RATE_PER_MINUTE: usize = 120;
const TOKEN_RUNS: usize = 3;
/// Extra machine clients for the token figure (the server allows 10 owner clients in all).
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

const SESSION_ERA: &str = "2025-11-25";
const STATELESS_ERA: &str = "2026-07-28";

/// `cargo xtask bench`.
pub fn run(root: &Path) -> Result<()> {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    println!("xtask bench: building trek (release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "trek"])
        .current_dir(root)
        .status()
        .with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        bail!("`cargo build --release -p trek` failed ({status})");
    }
    let bin = target.join("release").join("trek");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut report = Report::default();

    println!("xtask bench: cold start, empty data dir ({COLD_STARTS} starts)");
    cold_starts(&bin, None, "empty data dir", &mut report)?;

    let data = TempDir::new("seeded")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(warm(&bin, &data.0, &mut report))?;
    drop(runtime);

    println!("xtask bench: cold start, seeded data dir ({COLD_STARTS} starts)");
    cold_starts(&bin, Some(&data.0), "seeded data dir", &mut report)?;

    report.notes.push(format!(
        "load generator runs in the xtask process and shares the {cores} cores with the server; \
         throughput is a lower bound"
    ));
    report.notes.push(format!(
        "bench server runs with MCP_RATE_LIMIT={BENCH_MCP_RATE_LIMIT} and \
         MCP_MAX_SESSION_PER_USER={BENCH_MCP_MAX_SESSIONS} so the limiter is not what is measured"
    ));
    report.print(cores);
    let out = target.join("bench");
    std::fs::create_dir_all(&out)?;
    let path = out.join("latest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report.to_json(cores))?)?;
    println!("xtask bench: written to {}", path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Report

#[derive(Debug, Clone, Copy)]
enum Budget {
    AtMost(f64),
    AtLeast(f64),
}

#[derive(Debug)]
struct Row {
    figure: String,
    unit: &'static str,
    median: f64,
    min: f64,
    max: f64,
    runs: usize,
    budget: Option<Budget>,
}

impl Row {
    fn ok(&self) -> Option<bool> {
        self.budget.map(|b| match b {
            Budget::AtMost(v) => self.median <= v,
            Budget::AtLeast(v) => self.median >= v,
        })
    }
}

#[derive(Debug, Default)]
struct Report {
    rows: Vec<Row>,
    seeding: Vec<(String, String)>,
    notes: Vec<String>,
}

impl Report {
    fn add(&mut self, figure: impl Into<String>, unit: &'static str, values: &[f64], budget: Option<Budget>) {
        let (median, min, max) = spread(values);
        self.rows.push(Row { figure: figure.into(), unit, median, min, max, runs: values.len(), budget });
    }

    fn print(&self, cores: usize) {
        println!("\nSeed data (through MCP tools/call):");
        for (part, outcome) in &self.seeding {
            println!("  {part:<34} {outcome}");
        }
        println!(
            "\nTrek benchmark ({cores} cores, loopback, release build; median of the runs, min–max across runs)\n"
        );
        let header = ["figure", "median", "min–max", "budget", "ok?"];
        let lines: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                let budget = match r.budget {
                    Some(Budget::AtMost(v)) => format!("≤ {} {}", fmt(v), r.unit),
                    Some(Budget::AtLeast(v)) => format!("≥ {} {}", fmt(v), r.unit),
                    None => "–".into(),
                };
                let ok = match r.ok() {
                    Some(true) => "ok".into(),
                    Some(false) => "MISSED".into(),
                    None => "".into(),
                };
                [
                    format!("{} (n={})", r.figure, r.runs),
                    format!("{} {}", fmt(r.median), r.unit),
                    format!("{}–{}", fmt(r.min), fmt(r.max)),
                    budget,
                    ok,
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for line in &lines {
            for (w, cell) in widths.iter_mut().zip(line) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let row = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            println!("| {} |", parts.join(" | "));
        };
        row(&header.map(String::from));
        println!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
        for line in &lines {
            row(line);
        }
        let missed: Vec<&str> =
            self.rows.iter().filter(|r| r.ok() == Some(false)).map(|r| r.figure.as_str()).collect();
        if missed.is_empty() {
            println!("\nAll budgets met.");
        } else {
            println!("\nBUDGETS MISSED ({}): {}", missed.len(), missed.join("; "));
        }
        for note in &self.notes {
            println!("note: {note}");
        }
    }

    fn to_json(&self, cores: usize) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let budget = r.budget.map(|b| match b {
                    Budget::AtMost(v) => json!({ "at_most": v }),
                    Budget::AtLeast(v) => json!({ "at_least": v }),
                });
                json!({
                    "figure": r.figure, "unit": r.unit, "median": r.median, "min": r.min, "max": r.max,
                    "runs": r.runs, "budget": budget, "ok": r.ok(),
                })
            })
            .collect();
        let seeding: Map<String, Value> =
            self.seeding.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        json!({
            "cores": cores,
            "unix_time": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            "rows": rows,
            "seeding": seeding,
            "notes": self.notes,
        })
    }
}

fn fmt(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 100.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// (median, min, max).
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let n = v.len();
    let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    (median, v[0], v[n - 1])
}

/// Nearest-rank percentile of sorted samples.
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

    /// A `kB` field of /proc/PID/status (VmRSS, VmHWM), in MB.
    fn memory_mb(&self, field: &str) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let line = status
            .lines()
            .find(|l| l.starts_with(&format!("{field}:")))
            .ok_or_else(|| anyhow!("{field} missing from /proc/{}/status", self.pid))?;
        let kb: f64 = line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| anyhow!("bad {field} line"))?
            .parse()
            .context("parsing VmRSS")?;
        Ok(kb / 1024.0)
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
    report.add(format!("cold start → /healthz 200, {label}"), "ms", &starts, Some(Budget::AtMost(150.0)));
    report.add(format!("idle RSS after start, {label}"), "MB", &rss, Some(Budget::AtMost(30.0)));
    Ok(())
}

/// `trek client create --name N --machine` against the running server's data dir.
fn create_machine_client(bin: &Path, data_dir: &Path, name: &str) -> Result<(String, String)> {
    let output = Command::new(bin)
        .args(["client", "create", "--name", name, "--machine"])
        .env("TREK_DATA_DIR", data_dir)
        .env_remove("TREK_PORT")
        .output()
        .context("running trek client create")?;
    if !output.status.success() {
        bail!("trek client create failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let created: Value = serde_json::from_slice(&output.stdout).context("trek client create: not JSON")?;
    let field =
        |k: &str| created[k].as_str().map(str::to_owned).ok_or_else(|| anyhow!("trek client create: no {k}"));
    Ok((field("client_id")?, field("client_secret")?))
}

// ---------------------------------------------------------------------------------------------
// MCP over raw HTTP

fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?)
}

async fn exchange_token(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> Result<String> {
    let response = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if status != 200 {
        bail!("token endpoint answered {status}: {body}");
    }
    let value: Value = serde_json::from_str(&body)?;
    value["access_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow!("no access_token in {body}"))
}

/// One MCP client over its own keep-alive connection: a 2025-11-25 session or stateless
/// 2026-07-28 requests.
struct Mcp {
    http: reqwest::Client,
    url: String,
    auth: String,
    session: Option<String>,
    /// 2025-11-25 (initialize first, then the session header) or stateless 2026-07-28.
    stateful: bool,
    next_id: u64,
}

/// A prepared `tools/call`: its params already serialized (with `_meta` when stateless).
struct PreparedCall {
    name: String,
    params: String,
}

impl Mcp {
    async fn session(base: &str, token: &str) -> Result<Self> {
        let mut mcp = Self {
            http: http_client()?,
            url: format!("{base}/mcp"),
            auth: format!("Bearer {token}"),
            session: None,
            stateful: true,
            next_id: 1,
        };
        let init = json!({
            "protocolVersion": SESSION_ERA, "capabilities": {},
            "clientInfo": { "name": "trek-bench", "version": "1" }
        });
        let body = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init }).to_string();
        let response = mcp.post("initialize", None, body).send().await?;
        if response.status() != 200 {
            bail!("initialize answered {}: {}", response.status(), response.text().await.unwrap_or_default());
        }
        let id = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| anyhow!("initialize: no Mcp-Session-Id"))?
            .to_owned();
        let _ = response.bytes().await?;
        mcp.session = Some(id);
        let note = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }).to_string();
        let response = mcp.post("notifications/initialized", None, note).send().await?;
        if response.status() != 202 {
            bail!("notifications/initialized answered {}", response.status());
        }
        Ok(mcp)
    }

    fn stateless(base: &str, token: &str) -> Result<Self> {
        Ok(Self {
            http: http_client()?,
            url: format!("{base}/mcp"),
            auth: format!("Bearer {token}"),
            session: None,
            stateful: false,
            next_id: 1,
        })
    }

    fn post(&self, method: &str, name: Option<&str>, body: String) -> reqwest::RequestBuilder {
        let request = self
            .http
            .post(&self.url)
            .header("authorization", &self.auth)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json");
        match (&self.session, self.stateful) {
            (Some(id), _) => {
                request.header("mcp-session-id", id).header("mcp-protocol-version", SESSION_ERA).body(body)
            }
            (None, true) => request.body(body),
            (None, false) => {
                // 2026-07-28 (SEP-2243): the method and name are repeated as headers.
                let request =
                    request.header("mcp-protocol-version", STATELESS_ERA).header("mcp-method", method);
                match name {
                    Some(name) => request.header("mcp-name", name),
                    None => request,
                }
                .body(body)
            }
        }
    }

    /// Params for a request, with the `_meta` a stateless 2026-07-28 request must carry.
    fn params(&self, mut params: Map<String, Value>) -> Map<String, Value> {
        if !self.stateful {
            params.insert(
                "_meta".into(),
                json!({
                    "io.modelcontextprotocol/protocolVersion": STATELESS_ERA,
                    "io.modelcontextprotocol/clientCapabilities": {},
                    "io.modelcontextprotocol/clientInfo": { "name": "trek-bench", "version": "1" },
                }),
            );
        }
        params
    }

    fn prepare(&self, tool: &str, args: &Value) -> PreparedCall {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(tool.into()));
        params.insert("arguments".into(), args.clone());
        PreparedCall { name: tool.into(), params: Value::Object(self.params(params)).to_string() }
    }

    /// A full JSON-RPC round trip; the response message.
    async fn rpc(&mut self, method: &str, params: Map<String, Value>) -> Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let name = params.get("name").and_then(Value::as_str).map(str::to_owned);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": self.params(params) });
        let response = self.post(method, name.as_deref(), body.to_string()).send().await?;
        let status = response.status();
        let text = response.text().await?;
        let message = rpc_message(&text).ok_or_else(|| anyhow!("{method}: {status}: {text}"))?;
        if let Some(error) = message.get("error") {
            bail!("{method}: {status}: {error}");
        }
        Ok(message)
    }

    /// `tools/call`; the structured content, or the tool error's text as an error.
    async fn call_tool(&mut self, tool: &str, args: Value) -> Result<Value> {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(tool.into()));
        params.insert("arguments".into(), args);
        let message = self.rpc("tools/call", params).await?;
        let result = &message["result"];
        if result["isError"] == Value::Bool(true) {
            bail!("{tool}: {}", result["content"]);
        }
        Ok(result.get("structuredContent").cloned().unwrap_or(Value::Null))
    }

    /// The hot path: a prepared call, checked cheaply (200, a result, not a tool error).
    async fn call_prepared(&mut self, call: &PreparedCall) -> Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{}}}"#, call.params);
        let response = self.post("tools/call", Some(&call.name), body).send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if status != 200 || !contains(&bytes, b"\"result\"") || contains(&bytes, b"\"isError\":true") {
            bail!("{}: {status}: {}", call.name, String::from_utf8_lossy(&bytes));
        }
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The JSON-RPC response in a body that is plain JSON or an SSE stream of `data:` lines.
fn rpc_message(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Some(value);
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .find(|v| v.get("id").is_some())
}

// ---------------------------------------------------------------------------------------------
// The warm server: seeding and the measurements

async fn warm(bin: &Path, data_dir: &Path, report: &mut Report) -> Result<()> {
    println!("xtask bench: starting trek serve with a fresh data dir");
    let (mut server, started) = Server::spawn(bin, data_dir)?;
    tokio::task::block_in_place(|| server.wait_healthy(started))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = server.memory_mb("VmRSS")?;
    let base = server.base();
    let (id, secret) = create_machine_client(bin, data_dir, "bench")?;
    let token = exchange_token(&http_client()?, &base, &id, &secret).await?;

    let mut mcp = Mcp::session(&base, &token).await?;
    let tools = mcp.rpc("tools/list", Map::new()).await?;
    let schemas: Map<String, Value> = tools["result"]["tools"]
        .as_array()
        .ok_or_else(|| anyhow!("tools/list: no tools"))?
        .iter()
        .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["inputSchema"].clone())))
        .collect();
    println!("xtask bench: {} tools offered; seeding", schemas.len());
    let trip_id = seed(&mut mcp, &schemas, report).await?;

    // Latency at concurrency 1 (one session).
    let reads = [
        ("list_trips", json!({}), Some((0.5, 2.0))),
        ("get_trip_summary", json!({ "trip_id": trip_id }), None),
    ];
    for (tool, args, budget) in reads {
        println!("xtask bench: latency of {tool}");
        let runs = latency(&mut mcp, tool, &args, LATENCY_CALLS).await?;
        let is_summary = tool == "get_trip_summary";
        let label = if is_summary {
            format!("{tool} (30-day trip, seeded) latency c=1")
        } else {
            format!("{tool} latency c=1")
        };
        let p50_budget = match (budget, is_summary) {
            (Some((p50, _)), _) => Some(Budget::AtMost(p50)),
            (None, true) => Some(Budget::AtMost(3.0)),
            (None, false) => None,
        };
        report.add(format!("{label} p50"), "ms", &runs.iter().map(|r| r.0).collect::<Vec<_>>(), p50_budget);
        report.add(format!("{label} p90"), "ms", &runs.iter().map(|r| r.1).collect::<Vec<_>>(), None);
        report.add(
            format!("{label} p99"),
            "ms",
            &runs.iter().map(|r| r.2).collect::<Vec<_>>(),
            budget.map(|(_, p99)| Budget::AtMost(p99)),
        );
    }

    // Throughput of list_trips, both eras.
    let mut sessions = Vec::new();
    for _ in 0..CONCURRENCIES[1] {
        sessions.push(Mcp::session(&base, &token).await?);
    }
    let mut stateless = Vec::new();
    for _ in 0..CONCURRENCIES[1] {
        stateless.push(Mcp::stateless(&base, &token)?);
    }
    // A stateless call must work before it is measured.
    stateless[0].call_tool("list_trips", json!({})).await.context("stateless 2026-07-28 list_trips")?;
    for (era, pool) in [("2025-11-25 sessions", &mut sessions), ("stateless 2026-07-28", &mut stateless)] {
        for c in CONCURRENCIES {
            println!("xtask bench: throughput of list_trips, {era}, concurrency {c}");
            let mut rates = Vec::new();
            for _ in 0..THROUGHPUT_RUNS {
                let workers: Vec<Mcp> = pool.drain(..c).collect();
                let (rate, back) = throughput(workers, "list_trips", &json!({})).await?;
                pool.splice(0..0, back);
                rates.push(rate);
            }
            let budget = (c == 32).then_some(Budget::AtLeast(10_000.0));
            report.add(format!("list_trips throughput c={c}, {era}"), "calls/s", &rates, budget);
        }
    }
    let peak = server.memory_mb("VmHWM")?;
    let after = server.memory_mb("VmRSS")?;
    drop(sessions);
    drop(stateless);

    // Token endpoint.
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
            rates.push(token_run(&base, &clients).await?);
        }
        report.add(
            format!("OAuth client_credentials exchanges, c={}", clients.len()),
            "tokens/s",
            &rates,
            None,
        );
        report.notes.push(format!(
            "token figure: {} clients × {TOKEN_EXCHANGES_PER_CLIENT_RUN} exchanges per run, inside the \
             endpoint's per-client burst of {TOKEN_RATE_PER_MINUTE}/min (no 429s counted as success)",
            clients.len()
        ));
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
    let runs = latency(&mut mcp, write_tool, &write_args, WRITE_CALLS).await?;
    let label = format!("{write_tool} (write) latency c=1");
    report.add(format!("{label} p50"), "ms", &runs.iter().map(|r| r.0).collect::<Vec<_>>(), None);
    report.add(format!("{label} p99"), "ms", &runs.iter().map(|r| r.2).collect::<Vec<_>>(), None);

    report.add(
        "RSS idle after start, fresh data dir (warm server)",
        "MB",
        &[idle_rss],
        Some(Budget::AtMost(30.0)),
    );
    report.add("RSS after throughput runs (VmRSS)", "MB", &[after], None);
    report.add("peak RSS: seeding + throughput (VmHWM)", "MB", &[peak], None);
    tokio::task::block_in_place(|| server.stop());
    Ok(())
}

/// `LATENCY_RUNS` runs of `calls` sequential calls; per run (p50, p90, p99) in ms.
async fn latency(mcp: &mut Mcp, tool: &str, args: &Value, calls: usize) -> Result<Vec<(f64, f64, f64)>> {
    let call = mcp.prepare(tool, args);
    for _ in 0..WARMUP_CALLS.min(calls) {
        mcp.call_prepared(&call).await?;
    }
    let mut runs = Vec::new();
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..LATENCY_RUNS {
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
/// Returns calls/s and the workers.
async fn throughput(workers: Vec<Mcp>, tool: &str, args: &Value) -> Result<(f64, Vec<Mcp>)> {
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
    let mut back = Vec::new();
    for handle in handles {
        let (mcp, result) = handle.await?;
        result?;
        back.push(mcp);
    }
    Ok((counted.load(Ordering::Relaxed) as f64 / THROUGHPUT_WINDOW.as_secs_f64(), back))
}

/// One token run: every client exchanges its share concurrently; tokens/s over the wall time.
async fn token_run(base: &str, clients: &[(String, String)]) -> Result<f64> {
    let started = Instant::now();
    let mut handles = Vec::new();
    for (id, secret) in clients {
        let (id, secret) = (id.clone(), secret.clone());
        let base = base.to_owned();
        handles.push(tokio::spawn(async move {
            let http = http_client()?;
            for _ in 0..TOKEN_EXCHANGES_PER_CLIENT_RUN {
                exchange_token(&http, &base, &id, &secret).await?;
            }
            anyhow::Ok(())
        }));
    }
    for handle in handles {
        handle.await??;
    }
    let total = clients.len() * TOKEN_EXCHANGES_PER_CLIENT_RUN;
    Ok(total as f64 / started.elapsed().as_secs_f64())
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
    report
        .notes
        .push(format!("seeding took {:.1?} (sequential tools/call over one session)", started.elapsed()));
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

/// Arguments for a tool from its input schema: the hints the schema has a property for (and
/// whose type fits), then a plausible value for every remaining required property.
fn fill_args(schema: &Value, hints: &Map<String, Value>) -> Result<Value, String> {
    let empty = Map::new();
    let properties = schema["properties"].as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (key, value) in hints {
        if let Some(prop) = properties.get(key)
            && type_fits(&resolve(schema, prop), value)
        {
            out.insert(key.clone(), value.clone());
        }
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for key in required {
        if out.contains_key(key) {
            continue;
        }
        let prop = properties.get(key).map(|p| resolve(schema, p)).unwrap_or(Value::Null);
        out.insert(
            key.to_owned(),
            guess(key, &prop).ok_or_else(|| format!("no value for required `{key}`"))?,
        );
    }
    Ok(Value::Object(out))
}

/// Follows a local `$ref` (schemars puts enums in `$defs`).
fn resolve(root: &Value, prop: &Value) -> Value {
    match prop.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/")) {
        Some(path) => {
            let mut node = root;
            for part in path.split('/') {
                node = &node[part];
            }
            node.clone()
        }
        None => prop.clone(),
    }
}

fn types(prop: &Value) -> Vec<String> {
    match &prop["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn type_fits(prop: &Value, value: &Value) -> bool {
    let ts = types(prop);
    if ts.is_empty() {
        return prop.get("enum").is_none() && prop.get("oneOf").is_none();
    }
    let name = match value {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() => return ts.iter().any(|t| t == "integer" || t == "number"),
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    };
    ts.iter().any(|t| t == name)
}

fn guess(key: &str, prop: &Value) -> Option<Value> {
    if let Some(first) = prop["enum"].as_array().and_then(|e| e.first()) {
        return Some(first.clone());
    }
    if let Some(first) = prop["oneOf"].as_array().and_then(|o| o.first()) {
        return first.get("const").cloned().or_else(|| first["enum"].as_array()?.first().cloned());
    }
    let ts = types(prop);
    let has = |t: &str| ts.iter().any(|x| x == t);
    if has("string") {
        let value = if key.contains("date") {
            "2027-05-01"
        } else if key.contains("time") {
            "10:00"
        } else if key.contains("currency") {
            "EUR"
        } else if key.contains("price") || key.contains("amount") || key.contains("total") {
            "12.50"
        } else {
            "Bench"
        };
        return Some(json!(value));
    }
    if has("integer") {
        return Some(json!(1));
    }
    if has("number") {
        return Some(json!(12.5));
    }
    if has("boolean") {
        return Some(json!(false));
    }
    if has("array") {
        return Some(json!([]));
    }
    None
}
