//! `cargo xtask test`'s desktop step: builds `trek-desktop`, runs it in a real window under
//! Xvfb (with a D-Bus session for the tray and single-instance plugin), and checks what a
//! user would see — `/healthz` answers, the window shows a non-blank UI (screenshot saved at
//! `target/desktop/window.png`, the CI artifact) — and that SIGTERM stops it cleanly with
//! no process left behind. Also (issue 13): `--version` answers without a display; "start at
//! login" turned on through the owner API writes the XDG autostart entry in the app's (temp)
//! HOME and turned off removes it; a launch with the login item's `--autostart` serves from
//! the tray without opening a window.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

/// Bounds for every wait, so a broken build fails instead of hanging CI.
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(60);
const SCREENSHOT_TIMEOUT: Duration = Duration::from_secs(60);
const EXIT_TIMEOUT: Duration = Duration::from_secs(20);
const X_START_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(250);
/// A blank or half-painted screen has a handful of colours; a rendered page with text,
/// anti-aliasing and icons has hundreds.
const MIN_DISTINCT_COLOURS: u64 = 50;
/// An empty Xvfb screen (no window) has one or two colours.
const BLANK_COLOURS: u64 = 4;
/// How long a launch at login is watched for a window; a normal launch paints in ~1-3 s.
const TRAY_ONLY_WATCH: Duration = Duration::from_secs(6);
/// How long the desktop may take to apply a setting change (write/remove the login item).
const SETTING_TIMEOUT: Duration = Duration::from_secs(10);

pub fn smoke_test(root: &Path) -> Result<()> {
    check(root, false).map(drop)
}

/// The same checks on the release build (`cargo xtask desktop --release`).
pub fn smoke_test_release(root: &Path) -> Result<()> {
    check(root, true).map(drop)
}

/// The same checks on the release build; returns the idle RSS in MB of the app and of its
/// WebKit helper processes (for `cargo xtask bench --desktop`).
pub fn idle_rss(root: &Path) -> Result<(f64, f64)> {
    check(root, true)
}

fn check(root: &Path, release: bool) -> Result<(f64, f64)> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let out = target.join("desktop");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    println!("desktop: building trek-desktop");
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        // `trek` too: its `login-link` gives the test an owner session for the API checks.
        .args(["build", "-p", "trek-desktop", "-p", "trek"])
        // Release: the features `tauri build` uses, so the binary is the shipped one and
        // `cargo xtask bundle`'s artifacts are reused.
        .args(if release { &["--release", "--features", "tauri/custom-protocol"][..] } else { &[] })
        .status()?;
    ensure!(status.success(), "cargo build -p trek-desktop failed ({status})");
    println!("desktop: built in {:.1} s", started.elapsed().as_secs_f64());
    let binary = target
        .join(if release { "release" } else { "debug" })
        .join(format!("trek-desktop{}", std::env::consts::EXE_SUFFIX));

    let trek_cli = binary.with_file_name(format!("trek{}", std::env::consts::EXE_SUFFIX));
    let version = Command::new(&binary).arg("--version").env_remove("DISPLAY").output()?;
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    ensure!(
        version.starts_with("Trek (trek-desktop) ") && version.contains("commit "),
        "trek-desktop --version printed {version:?}"
    );
    println!("desktop: --version without a display: {}", version.trim());

    let mut guard = Guard::default();
    let data_dir = std::env::temp_dir().join(format!("trek-desktop-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir)?;
    guard.data_dir = Some(data_dir.clone());

    let display = start_xvfb(&mut guard)?;
    let bus = start_dbus(&mut guard)?;
    let port = free_port()?;
    println!("desktop: DISPLAY={display}, port {port}, data dir {}", data_dir.display());

    let log_path = out.join("app.log");
    let log = std::fs::File::create(&log_path)?;
    let app_env = [
        ("DISPLAY", display.clone()),
        ("DBUS_SESSION_BUS_ADDRESS", bus),
        ("TREK_DATA_DIR", data_dir.display().to_string()),
        ("TREK_PORT", port.to_string()),
        // The login item is written under $HOME/.config/autostart: keep it in the temp dir.
        ("HOME", data_dir.join("home").display().to_string()),
        // Xvfb has no Wayland and no GPU: force X11, and WebKit's software path.
        ("GDK_BACKEND", "x11".into()),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".into()),
        ("LIBGL_ALWAYS_SOFTWARE", "1".into()),
    ];
    let app = Command::new(&binary)
        .envs(app_env.iter().map(|(k, v)| (k, v)))
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let pid = app.id();
    guard.app = Some(app);
    let fail = |what: String| -> anyhow::Error {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
        anyhow::anyhow!("{what}\n--- {} (last lines) ---\n{}", log_path.display(), tail.join("\n"))
    };

    // 1. The core serves: /healthz answers 200.
    let started = Instant::now();
    loop {
        if let Some(status) = guard.app_exited()? {
            return Err(fail(format!("trek-desktop exited before /healthz answered ({status})")));
        }
        if healthz_status(port).ok() == Some(200) {
            break;
        }
        if started.elapsed() > HEALTHZ_TIMEOUT {
            return Err(fail(format!("/healthz did not answer 200 within {HEALTHZ_TIMEOUT:?}")));
        }
        std::thread::sleep(POLL);
    }
    println!("desktop: /healthz 200 after {} ms", started.elapsed().as_millis());

    // 2. The window shows the UI: the screen is no longer blank.
    let shot = out.join("window.png");
    let started = Instant::now();
    let colours = loop {
        if let Some(status) = guard.app_exited()? {
            return Err(fail(format!("trek-desktop exited before the window painted ({status})")));
        }
        let colours = screenshot(&display, &shot)?;
        if colours > MIN_DISTINCT_COLOURS {
            break colours;
        }
        if started.elapsed() > SCREENSHOT_TIMEOUT {
            return Err(fail(format!(
                "the screen still looks blank after {SCREENSHOT_TIMEOUT:?}: {colours} distinct colours \
                 (want > {MIN_DISTINCT_COLOURS}); see {}",
                shot.display()
            )));
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    println!(
        "desktop: window painted after {} ms: {colours} distinct colours (> {MIN_DISTINCT_COLOURS}), saved {}",
        started.elapsed().as_millis(),
        shot.display()
    );
    let marker = format!("TREK_DATA_DIR={}", data_dir.display());
    let helpers: Vec<u32> = processes_with_env(&marker).into_iter().filter(|&p| p != pid).collect();
    let helpers_kib: u64 = helpers.iter().filter_map(|&p| rss_kib(p)).sum();
    let rss_mb = (rss_kib(pid).unwrap_or(0) as f64 / 1024.0, helpers_kib as f64 / 1024.0);
    match rss_kib(pid) {
        Some(kib) => println!(
            "desktop: idle RSS {:.1} MiB (trek-desktop, VmRSS), {:.1} MiB more in {} WebKit helper process(es)",
            kib as f64 / 1024.0,
            helpers_kib as f64 / 1024.0,
            helpers.len()
        ),
        None => println!("desktop: RSS unavailable (no /proc)"),
    }

    check_autostart_entry(&trek_cli, &data_dir, port, &binary).map_err(|e| fail(format!("{e:#}")))?;

    // A second launch hands over to the running instance (single-instance plugin) and exits
    // 0 without touching the port; the first keeps serving.
    let started = Instant::now();
    let mut second = Command::new(&binary)
        .envs(app_env.iter().map(|(k, v)| (k, v)))
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break status;
        }
        if started.elapsed() > EXIT_TIMEOUT {
            let _ = second.kill();
            let _ = second.wait();
            return Err(fail(format!("a second launch did not exit within {EXIT_TIMEOUT:?}")));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    ensure!(status.success(), "a second launch exited with {status}, want success (handed over)");
    ensure!(
        healthz_status(port).ok() == Some(200),
        "the first instance stopped serving after a second launch"
    );
    println!(
        "desktop: a second launch handed over and exited in {} ms; the first still serves",
        started.elapsed().as_millis()
    );

    // 3. SIGTERM takes the graceful Quit path: exit status 0 within the bound, nothing left.
    let started = Instant::now();
    let status = Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
    ensure!(status.success(), "kill -TERM {pid} failed");
    let status = loop {
        if let Some(status) = guard.app_exited()? {
            break status;
        }
        if started.elapsed() > EXIT_TIMEOUT {
            return Err(fail(format!("trek-desktop did not exit within {EXIT_TIMEOUT:?} of SIGTERM")));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        return Err(fail(format!("trek-desktop exited with {status} after SIGTERM, want success")));
    }
    println!("desktop: exited cleanly ({status}) {} ms after SIGTERM", started.elapsed().as_millis());
    ensure!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still accepts connections after exit"
    );

    // WebKit's helper processes inherit the environment, so our unique data dir finds them.
    let started = Instant::now();
    loop {
        let left = processes_with_env(&marker);
        if left.is_empty() {
            break;
        }
        if started.elapsed() > Duration::from_secs(5) {
            bail!("processes left after exit: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("desktop: no trek-desktop or WebKit process left");

    check_tray_only_launch(&binary, &app_env, &display, &out, &mut guard)?;
    Ok(rss_mb)
}

/// The login item's entry follows the setting: off by default (no file), on through the
/// owner API → `$HOME/.config/autostart/Trek.desktop` starting this binary with
/// `--autostart`, off → removed.
fn check_autostart_entry(trek_cli: &Path, data_dir: &Path, port: u16, binary: &Path) -> Result<()> {
    let entry = data_dir.join("home/.config/autostart/Trek.desktop");
    ensure!(!entry.exists(), "an autostart entry exists before the owner asked for one");
    let cookie = owner_cookie(trek_cli, data_dir, port)?;
    let (status, body) =
        http(port, "PUT", "/api/settings/autostart", Some(&cookie), Some(r#"{"enabled":true}"#))?;
    ensure!(status == 200, "turning autostart on answered {status}: {body}");
    ensure!(
        body.contains(r#""available":true"#),
        "the desktop's server says autostart is unavailable: {body}"
    );
    wait_until(|| entry.exists(), "the autostart entry was not written")?;
    let text = std::fs::read_to_string(&entry)?;
    let exec = format!("Exec={} --autostart", binary.display());
    ensure!(text.lines().any(|l| l.trim() == exec), "the autostart entry lacks {exec:?}:\n{text}");
    println!("desktop: autostart on → {} ({exec})", entry.display());
    let (status, body) =
        http(port, "PUT", "/api/settings/autostart", Some(&cookie), Some(r#"{"enabled":false}"#))?;
    ensure!(status == 200, "turning autostart off answered {status}: {body}");
    wait_until(|| !entry.exists(), "the autostart entry was not removed")?;
    println!("desktop: autostart off → entry removed");
    Ok(())
}

/// Started as the login item starts it: the server answers, and no window appears (the
/// screen stays blank for longer than a normal launch takes to paint its window).
fn check_tray_only_launch(
    binary: &Path,
    app_env: &[(&str, String)],
    display: &str,
    out: &Path,
    guard: &mut Guard,
) -> Result<()> {
    let port = free_port()?;
    let log = std::fs::File::create(out.join("app-autostart.log"))?;
    let app = Command::new(binary)
        .arg("--autostart")
        .envs(app_env.iter().map(|(k, v)| (k, v)))
        .env("TREK_PORT", port.to_string())
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()?;
    let pid = app.id();
    guard.app = Some(app);
    let started = Instant::now();
    while healthz_status(port).ok() != Some(200) {
        ensure!(guard.app_exited()?.is_none(), "trek-desktop --autostart exited before serving");
        ensure!(started.elapsed() < HEALTHZ_TIMEOUT, "trek-desktop --autostart did not serve /healthz");
        std::thread::sleep(POLL);
    }
    let shot = out.join("autostart.png");
    let watch = Instant::now();
    while watch.elapsed() < TRAY_ONLY_WATCH {
        let colours = screenshot(display, &shot)?;
        ensure!(
            colours <= BLANK_COLOURS,
            "a window appeared after a launch at login ({colours} colours on screen; see {})",
            shot.display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("desktop: --autostart serves /healthz and shows no window ({TRAY_ONLY_WATCH:?} watched)");
    Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
    let started = Instant::now();
    while guard.app_exited()?.is_none() {
        ensure!(started.elapsed() < EXIT_TIMEOUT, "trek-desktop --autostart did not exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// An owner session cookie from `trek login-link` (the same data dir) and the launch URL.
fn owner_cookie(trek_cli: &Path, data_dir: &Path, port: u16) -> Result<String> {
    let out = Command::new(trek_cli)
        .arg("login-link")
        .env("TREK_DATA_DIR", data_dir)
        .env("TREK_PORT", port.to_string())
        .output()
        .with_context(|| format!("running {} login-link", trek_cli.display()))?;
    ensure!(out.status.success(), "trek login-link failed: {}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let path = link.split_once(&format!("127.0.0.1:{port}")).map(|(_, p)| p.to_owned());
    let path = path.with_context(|| format!("login link {link:?} is not on port {port}"))?;
    let head = http_head(port, "GET", &path, None, None)?;
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .find_map(|c| c.split(';').next().filter(|kv| kv.starts_with("trek_session=")).map(str::to_owned))
        .with_context(|| format!("the launch link set no trek_session cookie:\n{head}"))
}

/// One HTTP/1.1 request to the app on loopback (xtask stays free of an HTTP client): the
/// status and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String)> {
    let response = http_head(port, method, path, cookie, body)?;
    let status = response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).context("no status")?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    Ok((status, body))
}

/// The whole response (head and body) as text.
fn http_head(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(String::from_utf8_lossy(&response).into_owned())
}

fn wait_until(mut done: impl FnMut() -> bool, what: &str) -> Result<()> {
    let started = Instant::now();
    while !done() {
        ensure!(started.elapsed() < SETTING_TIMEOUT, "{what} within {SETTING_TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Kills what the test started, in reverse order, even when a check failed.
#[derive(Default)]
struct Guard {
    app: Option<Child>,
    helpers: Vec<Child>,
    data_dir: Option<PathBuf>,
}

impl Guard {
    /// `Some(status)` once the app has exited (and been reaped).
    fn app_exited(&mut self) -> Result<Option<ExitStatus>> {
        let Some(app) = self.app.as_mut() else {
            return Ok(None);
        };
        Ok(app.try_wait()?)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(mut app) = self.app.take()
            && app.try_wait().ok().flatten().is_none()
        {
            let _ = app.kill();
            let _ = app.wait();
        }
        if let Some(dir) = &self.data_dir {
            // Orphaned WebKit helpers of a failed run: ours, found by their environment.
            for pid in processes_with_env(&format!("TREK_DATA_DIR={}", dir.display())) {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        }
        for child in self.helpers.drain(..).rev() {
            stop(child);
        }
        if let Some(dir) = self.data_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// SIGTERM first, so Xvfb removes its lock file and socket (SIGKILL would leave them and use
/// up display numbers); SIGKILL if it is still there after a bound.
fn stop(mut child: Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Starts `Xvfb` on the first display number with no lock file; returns `":N"`.
fn start_xvfb(guard: &mut Guard) -> Result<String> {
    let n = (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .context("no free X display number in :90-:199")?;
    let display = format!(":{n}");
    let child = Command::new("Xvfb")
        .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting Xvfb (apt-get install xvfb)")?;
    guard.helpers.push(child);
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    let started = Instant::now();
    while !socket.exists() {
        if let Some(xvfb) = guard.helpers.last_mut()
            && let Some(status) = xvfb.try_wait()?
        {
            bail!("Xvfb {display} exited at start ({status})");
        }
        ensure!(
            started.elapsed() < X_START_TIMEOUT,
            "Xvfb {display} did not start within {X_START_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(display)
}

/// Starts a private session bus; returns its address.
fn start_dbus(guard: &mut Guard) -> Result<String> {
    let mut child = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting dbus-daemon (apt-get install dbus-x11)")?;
    let stdout = child.stdout.take().context("dbus-daemon stdout")?;
    guard.helpers.push(child);
    // The daemon prints its address once it listens; EOF here means it died.
    let mut address = String::new();
    BufReader::new(stdout).read_line(&mut address)?;
    let address = address.trim().to_owned();
    ensure!(!address.is_empty(), "dbus-daemon printed no address");
    Ok(address)
}

/// Asks the OS for a free port, then releases it for the app to bind.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The status code of `GET /healthz` (plain HTTP/1.1: xtask stays free of an HTTP client).
fn healthz_status(port: u16) -> Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head)?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP response: {line:?}"))
}

/// Screenshots the whole X screen to `path`; returns its number of distinct colours.
fn screenshot(display: &str, path: &Path) -> Result<u64> {
    let status = Command::new("import")
        .args(["-display", display, "-window", "root"])
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .context("running ImageMagick's import (apt-get install imagemagick)")?;
    ensure!(status.success(), "import -window root failed ({status})");
    let output = Command::new("identify").args(["-format", "%k"]).arg(path).output()?;
    ensure!(output.status.success(), "identify failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().with_context(|| format!("identify -format %k printed {text:?}"))
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// PIDs of live processes whose environment contains `entry` (`NAME=value`).
fn processes_with_env(entry: &str) -> Vec<u32> {
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    proc_dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == entry.as_bytes()))
        })
        .collect()
}
