//! `cargo xtask <command>`: the only entry points a newcomer needs.
//!
//! - `run`   install what is missing, build, start the desktop app (or the headless server)
//! - `test`  install what the tests need and run every suite (what `.ci/run` calls)
//! - `e2e NAME` one end-to-end suite alone (see `e2e::SUITES`)
//! - `fuzz [SECONDS]` every fuzz target for SECONDS each (default 60)
//! - `bundle` the release desktop app and its `.deb` (Tauri's bundler), checked and measured
//! - `icons` regenerate `icons/` from `icons/icon.svg`

mod bench;
mod bundle;
mod desktop;
mod e2e;
mod fuzz;
mod icons;
mod system;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&root, &args[1..]),
        Some("test") => test(&root),
        Some("icons") => icons::generate(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u32>()) {
            None => fuzz::run(&root, 60),
            Some(Ok(seconds)) => fuzz::run(&root, seconds),
            Some(Err(_)) => Err(anyhow::anyhow!("usage: cargo xtask fuzz [SECONDS per target]")),
        },
        Some("e2e") => e2e::run_one(&root, args.get(1).map(String::as_str)),
        Some("desktop") if args.get(1).is_some_and(|a| a == "--release") => {
            desktop::smoke_test_release(&root)
        }
        Some("desktop") => desktop::smoke_test(&root),
        Some("bundle") => bundle::run(&root),
        Some("tidy") => tidy::check(&root),
        _ => {
            eprintln!(
                "usage: cargo xtask <run [-- trek serve args]|test|e2e NAME|fuzz [SECONDS]|bench [--check] [--ci] [--desktop]|desktop [--release]|bundle|icons|tidy>"
            );
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `cargo xtask run`: the desktop app when a display is available, else `trek serve`.
fn run(root: &Path, extra: &[String]) -> Result<()> {
    let has_display = cfg!(any(target_os = "macos", windows))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if has_display {
        system::ensure_packages(system::DESKTOP_BUILD)?;
        println!("xtask: starting the Trek desktop app (the window opens logged in)");
        cargo(root, &["run", "-p", "trek-desktop"])
    } else {
        println!("xtask: no display found; starting the headless server (`trek serve`)");
        let mut args = vec!["run", "-p", "trek", "--", "serve"];
        args.extend(extra.iter().map(String::as_str));
        cargo(root, &args)
    }
}

/// `cargo xtask test`: every suite, fastest first; stops at the first failure.
fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    system::ensure_packages(&[system::DESKTOP_BUILD, system::DESKTOP_TEST, system::E2E_TEST].concat())?;
    system::ensure_node()?;
    step("format", || cargo(root, &["fmt", "--all", "--check"]))?;
    step("tidy", || tidy::check(root))?;
    step("clippy", || {
        cargo(root, &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])
    })?;
    step("unit and black-box tests", || cargo(root, &["test", "--workspace", "--locked"]))?;
    step("benchmark ratios", || bench::run(root, &["--check".into(), "--ci".into()]))?;
    for suite in e2e::SUITES {
        step(suite.title, || e2e::run(root, suite))?;
    }
    step("fuzzing (short)", || fuzz::run(root, fuzz::CI_SECONDS))?;
    step("desktop window under Xvfb", || desktop::smoke_test(root))?;
    step("desktop installer (.deb): build, inspect, unpack, --version", || bundle::run(root))?;
    println!("xtask: all suites passed in {:.0?}", started.elapsed());
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("\n=== {name} ===");
    let started = Instant::now();
    f().with_context(|| format!("step `{name}` failed"))?;
    println!("=== {name}: ok in {:.1?} ===", started.elapsed());
    Ok(())
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
