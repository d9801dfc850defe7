//! Tidy checks kept in code (rust-analyzer's trick): rules from ARCHITECTURE.md that a test
//! can see, so they stay true.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Folders whose `.rs` files must open with a `//!` comment saying what they own.
const RUST_DIRS: &[&str] = &["src", "src-tauri/src", "tests", "xtask/src"];
/// The only folders of the core that may contain SQL.
const SQL_DIRS: &[&str] = &["src/store", "src/domain"];
/// The UI's own code (vendored libraries excluded) never turns data into HTML: text goes in
/// with `textContent`, so a hostile place name an assistant wrote stays text (SECURITY.md).
const UI_DIR: &str = "ui";
const UI_VENDOR_DIR: &str = "ui/vendor";
const HTML_SINKS: &[&str] = &["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"];
/// Statements that mark a string as SQL.
const SQL_MARKERS: &[&str] = &["SELECT ", "INSERT INTO", "DELETE FROM", "CREATE TABLE", "UPDATE "];

pub fn check(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    for file in files_with_extension(&root.join(UI_DIR), "js")? {
        if file.starts_with(root.join(UI_VENDOR_DIR)) {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let rel = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        for (n, line) in text.lines().enumerate() {
            if let Some(sink) = HTML_SINKS.iter().find(|s| line.contains(*s)) {
                problems
                    .push(format!("{rel}:{}: `{sink}` writes HTML; build nodes and set textContent", n + 1));
            }
        }
    }
    for dir in RUST_DIRS {
        for file in files_with_extension(&root.join(dir), "rs")? {
            let text = std::fs::read_to_string(&file)?;
            let rel = file.strip_prefix(root).unwrap_or(&file).display().to_string();
            if !text.trim_start().starts_with("//!") {
                problems.push(format!("{rel}: must start with a `//!` comment saying what it owns"));
            }
            let in_sql_dir = SQL_DIRS.iter().any(|d| file.starts_with(root.join(d)));
            if rel.starts_with("src/") && !in_sql_dir {
                for (n, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if !code.starts_with("//") && SQL_MARKERS.iter().any(|m| code.contains(&format!("\"{m}")))
                    {
                        problems.push(format!("{rel}:{}: SQL outside store/domain", n + 1));
                    }
                }
            }
        }
    }
    // The core must build without Tauri/WebKitGTK.
    let tree = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["tree", "-p", "trek", "-e", "normal", "--prefix", "none", "--format", "{p}"])
        .current_dir(root)
        .output()
        .context("running cargo tree")?;
    let tree = String::from_utf8_lossy(&tree.stdout);
    for forbidden in ["tauri ", "webkit2gtk", "gtk "] {
        if tree.lines().any(|l| l.starts_with(forbidden)) {
            problems.push(format!(
                "the core `trek` depends on `{}`; it must build without the GUI",
                forbidden.trim()
            ));
        }
    }
    if problems.is_empty() {
        println!("tidy: ok");
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        bail!("{} tidy problem(s)", problems.len())
    }
}

fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(files_with_extension(&path, extension)?);
        } else if path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
    Ok(files)
}
