//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

// Wired into the gateway; a few helpers (chain head, limiter sweep, ...) have no caller yet.
#[allow(dead_code, unused_imports)]
mod audit;
#[allow(dead_code)]
mod auth;
mod cli;
mod config;
mod connector;
mod gateway;
mod mock;
mod openapi;
mod telemetry;

fn main() -> std::process::ExitCode {
    cli::run()
}
