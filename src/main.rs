//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

mod cli;
mod config;
mod connector;
mod gateway;
mod mock;
mod telemetry;

fn main() -> std::process::ExitCode {
    cli::run()
}
