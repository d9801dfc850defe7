//! The `trek` binary: parse the command line, run it, map errors to a message and exit code.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = trek::cli::Cli::parse();
    trek::init_logging();
    trek::install_crypto_provider();
    match trek::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
