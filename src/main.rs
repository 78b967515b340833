//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

mod cli;
// Config and connector hold items only `check`, tests or coming commands use yet.
#[allow(dead_code, unused_imports)]
mod config;
#[allow(dead_code)]
mod connector;
mod gateway;
mod telemetry;

fn main() -> std::process::ExitCode {
    cli::run()
}
