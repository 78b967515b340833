//! `ferrule serve --config F`: the gateway, until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::problems::config_problems;
use super::signals::terminated;
use super::Failure;
use crate::gateway;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
}

pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let gateway =
        gateway::load(&args.config).map_err(|ps| config_problems(args.config.display(), &ps))?;
    gateway::init_logging(gateway.json_logs);
    for w in &gateway.security.warnings {
        tracing::warn!(warning = %w, "configuration allowed, but weakens a guarantee");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::data(format!("error: cannot start the runtime: {e}")))?;
    // `terminated` installs its handlers when called, which needs the runtime: inside.
    let r = runtime.block_on(async { gateway::serve(gateway, terminated()).await });
    // Work still running past the drain deadline (a stuck exchange) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match r {
        Ok(()) => Ok(()),
        Err(gateway::ServeError::Config(ps)) => Err(config_problems(args.config.display(), &ps)),
        Err(e) => Err(Failure::data(format!("error: {e}"))),
    }
}
