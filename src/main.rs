//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]
// Product code must not panic on input: `expect` is held to the same rule as `unwrap`
// (the workspace lint); tests may use both (clippy.toml).
#![warn(clippy::expect_used)]

// Wired into the gateway; a few helpers (chain head, ...) have no caller yet.
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

/// mimalloc rather than the system allocator: a call allocates and frees many small,
/// short-lived buffers (headers, JSON, records), which glibc's malloc served slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
