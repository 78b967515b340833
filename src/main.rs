//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

// Issue 4, not yet wired into the gateway: only `audit verify` and the tests use them so far.
#[allow(dead_code, unused_imports)]
mod audit;
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
