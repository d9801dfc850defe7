//! Tidy checks kept in code (rust-analyzer's trick): rules from ARCHITECTURE.md that a test
//! can see, so they stay true.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Folders whose `.rs` files must open with a `//!` comment saying what they own.
const RUST_DIRS: &[&str] = &["src", "src-tauri/src", "tests", "xtask/src"];
/// The only folders of the core that may contain SQL.
const SQL_DIRS: &[&str] = &["src/store", "src/domain"];
/// Statements that mark a string as SQL.
const SQL_MARKERS: &[&str] = &["SELECT ", "INSERT INTO", "DELETE FROM", "CREATE TABLE", "UPDATE "];

pub fn check(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    for dir in RUST_DIRS {
        for file in rust_files(&root.join(dir))? {
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

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}
