//! `cargo xtask fuzz [SECONDS]`: every cargo-fuzz target in `fuzz/` for SECONDS each (CI runs
//! a short pass; README.md gives the longer run). Installs the nightly toolchain and
//! cargo-fuzz when missing. Seeds come from `fuzz/seeds/TARGET/`; the growing corpus and any
//! crash input stay under `target/fuzz/`, outside the source tree.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail, ensure};

/// The targets, in `fuzz/Cargo.toml` order.
const TARGETS: &[&str] = &["redirect_uri", "oauth_endpoints", "tool_arguments", "ics_export"];
/// cargo-fuzz, pinned so a new release cannot change CI under us.
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// Seconds per target for `cargo xtask test`.
pub const CI_SECONDS: u32 = 20;

pub fn run(root: &Path, seconds: u32) -> Result<()> {
    ensure_tools()?;
    let work = root.join("target").join("fuzz");
    for target in TARGETS {
        let corpus = work.join("corpus").join(target);
        let artifacts = work.join("artifacts").join(target);
        std::fs::create_dir_all(&corpus)?;
        std::fs::create_dir_all(&artifacts)?;
        let seeds = root.join("fuzz").join("seeds").join(target);
        println!("fuzz: {target} for {seconds} s");
        let status = Command::new("cargo")
            .current_dir(root.join("fuzz"))
            .args(["+nightly", "fuzz", "run", "--target-dir"])
            .arg(work.join("build"))
            .arg(target)
            .arg(&corpus)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            // A slow input is a finding too (a quadratic parser), not only a crash.
            .arg("-timeout=10")
            .arg("-rss_limit_mb=4096")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .status()
            .context("running cargo fuzz")?;
        if !status.success() {
            bail!("fuzz target {target} found a failure; the input is in {}", artifacts.display());
        }
    }
    Ok(())
}

fn ensure_tools() -> Result<()> {
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_nightly {
        println!("fuzz: installing the nightly toolchain (cargo-fuzz needs its sanitizer flags)");
        let status = Command::new("rustup")
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .status()?;
        ensure!(status.success(), "rustup toolchain install nightly failed ({status})");
    }
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(CARGO_FUZZ_VERSION))
        .unwrap_or(false);
    if !installed {
        println!("fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION}");
        let status = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION])
            .status()?;
        ensure!(status.success(), "cargo install cargo-fuzz failed ({status})");
    }
    Ok(())
}
