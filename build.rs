//! Build information for `trek --version`, `/healthz` and Settings → About: the git commit,
//! the build date and the cargo profile, as `TREK_GIT_COMMIT`, `TREK_BUILD_DATE` and
//! `TREK_BUILD_PROFILE`.
//!
//! Hand-written rather than `vergen`/`built`: three values need one `git` call and a date,
//! and those crates bring a builder proc-macro or libgit2 into every build on 2 cores. A
//! source tree without `.git` (a tarball, `cargo package`) or without `git` still builds:
//! the commit is then `unknown`, or what the packager sets in `TREK_GIT_COMMIT`.
//! `SOURCE_DATE_EPOCH` (reproducible builds) fixes the date.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-env-changed=TREK_GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let commit = std::env::var("TREK_GIT_COMMIT").ok().filter(|c| !c.is_empty()).or_else(git_commit);
    println!("cargo:rustc-env=TREK_GIT_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64));
    println!("cargo:rustc-env=TREK_BUILD_DATE={}", date_of(epoch));
    // `PROFILE` is `release` for every optimised profile and `debug` otherwise.
    println!("cargo:rustc-env=TREK_BUILD_PROFILE={}", std::env::var("PROFILE").unwrap_or_default());
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The short commit, and rebuild triggers for when HEAD moves (works in linked worktrees,
/// where `.git` is a file: the paths come from git itself).
fn git_commit() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    if let Some(head) = git(&["rev-parse", "--path-format=absolute", "--git-path", "HEAD"]) {
        println!("cargo:rerun-if-changed={head}");
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Some(packed) = git(&["rev-parse", "--path-format=absolute", "--git-path", "packed-refs"]) {
        println!("cargo:rerun-if-changed={packed}");
    }
    Some(commit)
}

/// `YYYY-MM-DD` (UTC) of a Unix time: the civil-from-days conversion (Howard Hinnant's
/// algorithm), a few lines instead of a date crate as a build dependency.
fn date_of(epoch: i64) -> String {
    let z = epoch.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
