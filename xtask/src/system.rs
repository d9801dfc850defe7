//! System packages: installs what is missing with apt on Debian/Ubuntu, prints what it installs,
//! and on other systems only says what to install by hand.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Needed to build the desktop app (Tauri 2 on Linux).
pub const DESKTOP_BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
];

/// Needed to run the desktop window test: a virtual display, a session bus for the tray, and
/// ImageMagick to capture and measure the screenshot.
pub const DESKTOP_TEST: &[&str] = &["xvfb", "dbus-x11", "imagemagick"];

/// Needed by the end-to-end suites: Debian's Chromium (never a downloaded browser), Python with
/// venv for the Python SDK client, and Node.js for the npm test clients (`nodejs`/`npm` only when
/// no `node` is on PATH).
pub const E2E_TEST: &[&str] = &["chromium", "python3", "python3-venv"];

/// Node.js from Debian when the machine has none.
pub fn ensure_node() -> Result<()> {
    if which("node").is_some() && which("npm").is_some() {
        return Ok(());
    }
    ensure_packages(&["nodejs", "npm"])
}

/// Installs the missing packages among `packages` (Debian/Ubuntu only).
pub fn ensure_packages(packages: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux") || which("apt-get").is_none() || which("dpkg-query").is_none() {
        println!(
            "xtask: not a Debian/Ubuntu system; install by hand what README.md lists for your OS \
             (skipping automatic installation)"
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing system packages: {}", missing.join(" "));
    let sudo = if is_root() { None } else { Some("sudo") };
    let run = |args: &[&str]| -> Result<()> {
        let mut command = match sudo {
            Some(sudo) => {
                let mut c = Command::new(sudo);
                c.arg("apt-get");
                c
            }
            None => Command::new("apt-get"),
        };
        let status = command
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .context("running apt-get")?;
        if !status.success() {
            bail!("`apt-get {}` failed ({status})", args.join(" "));
        }
        Ok(())
    };
    run(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    run(&args)
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"))
}

/// The full path of `program` on PATH.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}
