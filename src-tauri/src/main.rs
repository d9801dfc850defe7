//! `trek-desktop` binary: everything lives in the library so it can be tested.

// Release builds on Windows are GUI apps, without a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    trek_desktop::run()
}
