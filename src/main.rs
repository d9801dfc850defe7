//! The `trek` binary: the command line of `trek::cli`.

fn main() -> std::process::ExitCode {
    trek::cli::main(std::env::args_os())
}
