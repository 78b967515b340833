//! `ferrule` as a library: the gateway that `ferrule serve` runs, for embedding and tests.
//!
//! The public face is small on purpose:
//! - [`load_config`] reads and validates a `ferrule.toml` as `serve` does (every problem
//!   listed, each with its config path), giving a [`Config`];
//! - [`serve`] serves that config on a listener the caller has already bound (axum's
//!   `serve(listener, app)` shape), so tests bind port 0 and nothing races for a port;
//! - [`audit`] writes and verifies the tamper-evident audit log the gateway keeps.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ferrule::load_config("ferrule.toml".as_ref()).map_err(|ps| ps.len().to_string())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! ferrule::serve(listener, config)
//!     .with_graceful_shutdown(async { let _ = tokio::signal::ctrl_c().await; })
//!     .await?;
//! # Ok(()) }
//! ```
//! The `ferrule` binary is [`run_cli`] and nothing else.
#![forbid(unsafe_code)]
// Product code must not panic on input: `expect` is held to the same rule as `unwrap`
// (the workspace lint); tests may use both (clippy.toml).
#![warn(clippy::expect_used)]

pub mod audit;
mod auth;
mod cli;
mod config;
mod connector;
mod decimal_text;
mod gateway;
mod inbound;
mod mock;
mod openapi;
mod telemetry;
mod trace;

pub use config::Problem;
pub use gateway::{serve, Serve, ServeError};

/// A validated gateway configuration, ready to [`serve`]. Opaque: the file is the
/// interface (`docs/configuration.md`).
#[derive(Debug, Clone)]
pub struct Config(config::Gateway);

/// Reads and validates a gateway config file as `ferrule serve` and `ferrule check` do:
/// every problem found, each naming its config path.
pub fn load_config(path: &std::path::Path) -> Result<Config, Vec<Problem>> {
    gateway::load(path).map(Config)
}

/// The `ferrule` command line: parses `std::env::args`, runs the command, and returns the
/// exit code (0 ok, 1 bad data, 2 bad usage or definitions).
pub fn run_cli() -> std::process::ExitCode {
    cli::run()
}
