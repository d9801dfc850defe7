//! `cargo xtask test`'s UI step: the consent card in a real headless Chromium.
//!
//! Installs the pinned `playwright-core` (`tests/e2e/package-lock.json`) when needed, builds
//! `trek`, starts `trek serve` on a free port with a fresh data dir, gets a one-time owner link
//! from `trek login-link`, and runs `tests/e2e/ui_consent.mjs` against it. The script drives
//! the system Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`); it never downloads browsers.
//! Its screenshot lands in `target/e2e/consent-card.png`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};

/// Bounds for every wait, so a broken build fails instead of hanging CI.
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

pub fn ui_consent(root: &Path) -> Result<()> {
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
    let log_path = out.join("server.log");
    let log = std::fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    println!(
        "e2e: starting trek serve on {base} (data dir {}, log {})",
        data_dir.0.display(),
        log_path.display()
    );
    let child = Command::new(&trek)
        .args(["serve", "--port", &port.to_string()])
        .env("TREK_DATA_DIR", &data_dir.0)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", trek.display()))?;
    let mut server = ServerGuard(child);
    wait_for_healthz(port, &mut server.0).with_context(|| format!("see {}", log_path.display()))?;

    let output = Command::new(&trek)
        .args(["login-link", "--port", &port.to_string()])
        .env("TREK_DATA_DIR", &data_dir.0)
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
    let login_url = stdout
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(&base))
        .with_context(|| format!("trek login-link printed no URL under {base}: {stdout:?}"))?
        .to_owned();

    println!("e2e: running tests/e2e/ui_consent.mjs");
    let started = Instant::now();
    let status = Command::new("node")
        .current_dir(root)
        .arg(e2e.join("ui_consent.mjs"))
        .args([&base, &login_url])
        .stdin(Stdio::null())
        .status()
        .context("running node")?;
    println!("e2e: ui_consent took {:.1} s", started.elapsed().as_secs_f64());
    if !status.success() {
        bail!("the UI consent end-to-end test failed ({status}); server log: {}", log_path.display());
    }
    drop(server);
    Ok(())
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
fn install_node_modules(e2e: &Path) -> Result<()> {
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
