//! Build script: tauri-build reads `tauri.conf.json` and `capabilities/` so that
//! `generate_context!` can embed the config, icons and (empty) permission set.

fn main() {
    tauri_build::build();
}
