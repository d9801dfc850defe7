//! Build information: `trek --version` (real binary), `/healthz` and the compile-time values
//! agree; the commit is the checkout's HEAD (or `unknown` outside git); the date is a date.

use crate::support::{TestServer, expect_status, trek_bin};
use trek::build_info;

#[test]
fn build_info_names_this_checkout() {
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_owned());
    // A build from a tree without git says so instead of failing.
    assert_eq!(build_info::COMMIT, head.as_deref().unwrap_or("unknown"));
    let date = build_info::DATE.as_bytes();
    assert!(
        date.len() == 10
            && date[4] == b'-'
            && date[7] == b'-'
            && build_info::DATE[..4].parse::<u16>().unwrap() >= 2025,
        "{}",
        build_info::DATE
    );
    assert_eq!(build_info::PROFILE, if cfg!(debug_assertions) { "debug" } else { "release" });
}

#[test]
fn version_flag_prints_version_commit_date_and_profile() {
    let out = std::process::Command::new(trek_bin()).arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.trim(), format!("trek {}", build_info::VERSION_LINE));
    for part in [trek::VERSION, build_info::COMMIT, build_info::DATE, build_info::PROFILE] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
}

#[tokio::test]
async fn healthz_carries_the_build() {
    let t = TestServer::start().await;
    let body = expect_status(t.http.get(t.url("/healthz")).send().await.unwrap(), 200).await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["version"], trek::VERSION);
    assert_eq!(
        json["build"],
        serde_json::json!({ "commit": build_info::COMMIT, "date": build_info::DATE, "profile": build_info::PROFILE })
    );
    t.stop().await;
}
