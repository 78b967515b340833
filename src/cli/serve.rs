//! `ferrule serve --config F`: the gateway, until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::problems::config_file_problems;
use super::signals::terminated;
use super::Failure;
use crate::gateway;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
    /// Listen on ADDR instead of the config's `[server] listen` (e.g. 0.0.0.0:8080, or
    /// 127.0.0.1:0 for any free port; the address is printed once listening).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let gateway =
        gateway::load(&args.config).map_err(|ps| config_file_problems(&args.config, &ps))?;
    if let Some(listen) = &args.listen {
        // Checked as `[server] listen` is, so a typo is named as the option it is.
        if listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(Failure::usage(format!(
                "error: --listen `{listen}`: expected an address like 127.0.0.1:8080"
            )));
        }
    }
    gateway::init_logging(gateway.json_logs);
    for w in &gateway.security.warnings {
        tracing::warn!(warning = %w, "configuration allowed, but weakens a guarantee");
    }
    // With thread-per-core serving (`[server] threads`, one per core by default) the
    // serving threads bring their own runtimes; this one accepts, reloads, waits for
    // signals and serves the inbound `[[listener]]`s, on every core as before.
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if gateway.threads == 0 {
        // It serves the calls too: its workers batch their log lines as the serving
        // threads do (`gateway/log_batch.rs`). Otherwise its rare lines (reloads, signals)
        // are written at once.
        runtime
            .on_thread_park(gateway::log_batch::park)
            .on_thread_stop(gateway::log_batch::stop);
    }
    let runtime = runtime
        .build()
        .map_err(|e| Failure::data(format!("error: cannot start the runtime: {e}")))?;
    // `terminated` installs its handlers when called, which needs the runtime: inside.
    // The override goes to `serve`, which applies it to every reloaded config too.
    let r =
        runtime.block_on(async { gateway::serve_config(gateway, args.listen, terminated()).await });
    // Work still running past the drain deadline (a stuck exchange) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match r {
        Ok(()) => Ok(()),
        Err(gateway::ServeError::Config(ps)) => Err(config_file_problems(&args.config, &ps)),
        Err(e) => Err(Failure::data(format!("error: {e}"))),
    }
}
