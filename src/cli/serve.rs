//! `ferrule serve --config F`: the gateway, until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::Failure;
use crate::{config, gateway};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
}

pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let gateway = config::load(&args.config)
        .and_then(|g| {
            // Paths axum cannot route are config problems too, reported with the rest.
            let ps = gateway::path_problems(&g.routes);
            if ps.is_empty() {
                Ok(g)
            } else {
                Err(ps)
            }
        })
        .map_err(|ps| problems(&args.config, &ps))?;
    gateway::init_logging(gateway.json_logs);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::data(format!("error: cannot start the runtime: {e}")))?;
    let r = runtime.block_on(gateway::serve(gateway, terminated()));
    // Work still running past the drain deadline (a stuck exchange) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match r {
        Ok(()) => Ok(()),
        Err(gateway::ServeError::Config(ps)) => Err(problems(&args.config, &ps)),
        Err(e) => Err(Failure::data(format!("error: {e}"))),
    }
}

/// Printed like `ferrule check` does: one line per problem, then the count.
fn problems(file: &std::path::Path, ps: &[config::Problem]) -> Failure {
    let mut msg = String::new();
    for p in ps {
        msg.push_str(&format!("error: {p}\n"));
    }
    msg.push_str(&format!(
        "{}: {} problem{} found",
        file.display(),
        ps.len(),
        if ps.len() == 1 { "" } else { "s" }
    ));
    Failure::usage(msg)
}

/// Completes on SIGINT or (on Unix) SIGTERM.
async fn terminated() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = term => {}
    }
}
