//! `cargo xtask bundle`: the release desktop app and its installer through Tauri's bundler (a
//! `.deb` on Linux), then the installer's checks, which `cargo xtask test` runs too:
//! `dpkg-deb --info` (name, version, description, the WebKitGTK/GTK/indicator dependencies),
//! `dpkg-deb --contents` (the app, the `trek` command, the desktop entry, the icons), and the
//! package unpacked with `dpkg -x` into a temporary root where both must answer `--version` with
//! this build.
//!
//! The package carries the `trek` command line beside the app (the stdio bridge that Connect
//! writes into Claude Desktop's config runs `trek bridge`, found next to `trek-desktop`): a
//! script, `src-tauri/packaging/trek`, running `trek-desktop --cli`. Prints the build time and
//! the installer and binary sizes.
//!
//! Tauri's CLI comes from npm (`tools/bundle/package.json`, prebuilt binaries, pinned to the
//! `tauri` crate's version in Cargo.lock) instead of compiling `tauri-cli` from crates.io.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

/// The package and binary names the bundler derives from `tauri.conf.json` and Cargo.toml.
const PACKAGE: &str = "trek";
const BINARY: &str = "trek-desktop";
/// The command line shipped beside it (`trek bridge`, `trek pause`, `trek serve`, …).
const CLI: &str = "trek";
/// What the desktop needs at run time: WebKitGTK 4.1, GTK 3, and the Ayatana indicator the
/// tray loads. Tauri's bundler declares them from what the app links (listing them again in
/// `bundle.linux.deb.depends` would repeat them in `Depends`); this check keeps it honest.
const DEPENDS: &[&str] = &["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1"];
/// Files the package must install (paths without a leading `./`).
const CONTENTS: &[&str] = &[
    "usr/bin/trek-desktop",
    "usr/bin/trek",
    "usr/share/applications/Trek.desktop",
    "usr/share/icons/hicolor/32x32/apps/trek-desktop.png",
    "usr/share/icons/hicolor/128x128/apps/trek-desktop.png",
    "usr/share/icons/hicolor/256x256@2/apps/trek-desktop.png",
    "usr/share/icons/hicolor/512x512/apps/trek-desktop.png",
];

pub fn run(root: &Path) -> Result<()> {
    let deb = build(root)?;
    check(root, &deb)
}

/// Builds the release desktop app and the `.deb`; returns the package's path.
fn build(root: &Path) -> Result<PathBuf> {
    ensure!(
        cfg!(target_os = "linux"),
        "`cargo xtask bundle` builds the Linux .deb; see README.md for macOS and Windows"
    );
    let tools = root.join("tools").join("bundle");
    crate::e2e::install_node_modules(&tools)?;
    let tauri = tools.join("node_modules").join(".bin").join("tauri");
    let target = target_dir(root);
    let bundle_dir = target.join("release").join("bundle").join("deb");
    // An old package of another version must not pass for this one.
    let _ = std::fs::remove_dir_all(&bundle_dir);

    println!("bundle: building the release desktop app and its .deb (tauri build --bundles deb)");
    let started = Instant::now();
    let status = Command::new(&tauri)
        .current_dir(root.join("src-tauri"))
        .args(["build", "--bundles", "deb", "--ci"])
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .with_context(|| format!("running {}", tauri.display()))?;
    ensure!(status.success(), "tauri build failed ({status})");
    let seconds = started.elapsed().as_secs_f64();

    let debs: Vec<PathBuf> = std::fs::read_dir(&bundle_dir)
        .with_context(|| format!("reading {}", bundle_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    let [deb] = debs.as_slice() else { bail!("want one .deb in {}, found {debs:?}", bundle_dir.display()) };
    let binary = target.join("release").join(BINARY);
    println!("bundle: built in {seconds:.0} s");
    println!("bundle: installer {} — {}", deb.display(), size(deb)?);
    println!("bundle: binary {} — {}", binary.display(), size(&binary)?);
    Ok(deb.clone())
}

/// The installer's checks: metadata, contents, and the unpacked binary's `--version`.
fn check(root: &Path, deb: &Path) -> Result<()> {
    let info = output(Command::new("dpkg-deb").arg("--info").arg(deb))?;
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.trim_start().strip_prefix(&format!("{name}: ")).map(str::to_owned))
            .with_context(|| format!("dpkg-deb --info has no {name} field:\n{info}"))
    };
    ensure!(field("Package")? == PACKAGE, "Package is {:?}, want {PACKAGE}", field("Package")?);
    let version = workspace_version(root)?;
    ensure!(field("Version")? == version, "Version is {:?}, want {version}", field("Version")?);
    ensure!(field("Description")?.contains("trip planner"), "Description: {}", field("Description")?);
    let depends = field("Depends")?;
    let names: Vec<&str> = depends.split(',').filter_map(|d| d.split_whitespace().next()).collect();
    for dependency in DEPENDS {
        ensure!(names.contains(dependency), "Depends lacks {dependency}: {depends}");
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    ensure!(unique.len() == names.len(), "Depends repeats a package: {depends}");
    println!("bundle: dpkg-deb --info: {PACKAGE} {version}, depends on {depends}");

    let contents = output(Command::new("dpkg-deb").arg("--contents").arg(deb))?;
    let paths: Vec<&str> = contents
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./").trim_end_matches('/'))
        .collect();
    for wanted in CONTENTS {
        ensure!(paths.contains(wanted), "the package lacks {wanted}; it holds:\n{}", paths.join("\n"));
    }
    println!(
        "bundle: dpkg-deb --contents: the app, the trek command, desktop entry and {} icons present",
        CONTENTS.len() - 3
    );

    let unpacked = std::env::temp_dir().join(format!("trek-deb-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&unpacked);
    let result = check_unpacked(deb, &unpacked);
    let _ = std::fs::remove_dir_all(&unpacked);
    result
}

fn check_unpacked(deb: &Path, root: &Path) -> Result<()> {
    let status = Command::new("dpkg").arg("-x").arg(deb).arg(root).status().context("running dpkg -x")?;
    ensure!(status.success(), "dpkg -x failed ({status})");
    let entry = std::fs::read_to_string(root.join("usr/share/applications/Trek.desktop"))?;
    for line in ["Name=Trek", &format!("Exec={BINARY}"), &format!("Icon={BINARY}"), "Type=Application"] {
        ensure!(entry.lines().any(|l| l == line), "desktop entry lacks {line:?}:\n{entry}");
    }
    ensure!(entry.contains("Categories="), "desktop entry has no Categories:\n{entry}");
    let binary = root.join("usr/bin").join(BINARY);
    let version =
        output(Command::new(&binary).arg("--version").env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY"))?;
    let want = format!("Trek (trek-desktop) {}", env!("CARGO_PKG_VERSION"));
    ensure!(
        version.starts_with(&want) && version.contains("commit ") && version.contains("release"),
        "--version printed {version:?}, want {want} (commit …, release)"
    );
    println!("bundle: unpacked with dpkg -x; {} --version: {}", binary.display(), version.trim());
    let cli = root.join("usr/bin").join(CLI);
    let version = output(Command::new(&cli).arg("--version"))?;
    let want = format!("{CLI} {}", env!("CARGO_PKG_VERSION"));
    ensure!(
        version.starts_with(&want) && version.contains("release"),
        "{CLI} --version printed {version:?}, want {want} (commit …, release)"
    );
    // More than the version: the subcommand Claude Desktop's entry runs is there.
    let help = output(Command::new(&cli).args(["bridge", "--help"]))?;
    ensure!(help.contains("Usage: trek bridge"), "trek bridge --help printed {help:?}");
    println!("bundle: {} --version: {}; `trek bridge` answers", cli.display(), version.trim());
    Ok(())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The workspace version (what the package must carry).
fn workspace_version(root: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let mut in_package = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_package = line.trim() == "[workspace.package]";
        } else if in_package && let Some(v) = line.trim().strip_prefix("version = ") {
            return Ok(v.trim_matches('"').to_owned());
        }
    }
    bail!("no version in [workspace.package]")
}

fn output(command: &mut Command) -> Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command.stdin(Stdio::null()).output().with_context(|| format!("running {program}"))?;
    ensure!(
        out.status.success(),
        "{program} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn size(path: &Path) -> Result<String> {
    let bytes = std::fs::metadata(path).with_context(|| format!("{} is missing", path.display()))?.len();
    Ok(format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / 1_048_576.0))
}
