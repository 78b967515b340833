//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

// Not wired into the gateway yet (the lead does that); until then most of it is unused.
#[allow(dead_code)]
mod auth;
mod cli;
mod config;
mod connector;
mod gateway;
mod mock;
mod telemetry;

fn main() -> std::process::ExitCode {
    cli::run()
}
