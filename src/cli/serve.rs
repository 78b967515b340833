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
    // `terminated` installs its handlers when called, which needs the runtime: inside.
    let r = runtime.block_on(async { gateway::serve(gateway, terminated()).await });
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

/// Completes on SIGINT or (on Unix) SIGTERM. The handlers are installed when this is
/// called, before the address is announced: a signal sent as soon as the address is read
/// must start the drain, not meet the default action (an exit with no drain, not 0).
pub(super) fn terminated() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            tokio::select! {
                () = next(term) => {}
                () = next(interrupt) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The next signal on `stream`; never, if it could not be installed.
#[cfg(unix)]
async fn next(stream: Option<tokio::signal::unix::Signal>) {
    match stream {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn sigterm_is_handled_as_soon_as_terminated_returns() {
        // Raised before the future is polled: with lazily installed handlers the default
        // action would end this test process; here the future completes.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let stop = terminated();
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::TERM)
                .unwrap();
            tokio::time::timeout(Duration::from_secs(20), stop)
                .await
                .unwrap();
        });
    }
}
