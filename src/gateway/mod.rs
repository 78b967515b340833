//! The HTTP side of `ferrule serve`: JSON routes in front of legacy hosts. The flow
//! of a call, by module: `listener` accepts connections (plain or TLS) within the
//! configured limits -> `front` hands the call to the live state's routes -> `stack` puts
//! the tower layers around the routes (`observe`: request id, trace, log line, metrics;
//! `audit`, the panic net, the body limit) -> `route` runs one call
//! (access, request record, the connector, response JSON) -> `problem` is the one place
//! errors become responses. `router` builds the live state (routes + backend services)
//! that `serve` swaps on SIGHUP; `ops` serves health, readiness and metrics.

mod audit;
pub mod client_addr;
mod front;
mod guard;
mod listener;
pub(crate) mod log_batch;
mod log_fields;
mod log_text;
mod logs;
mod observe;
mod ops;
mod problem;
mod request_id;
mod request_log;
mod request_metrics;
mod route;
mod router;
mod stack;
pub mod tls;
mod unwind;
mod workers;

use crate::connector as backend;

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;

use arc_swap::ArcSwap;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

use crate::config::{self, Gateway, Problem};
use crate::telemetry;

pub use listener::ListenerSettings;
pub use logs::init as init_logging;
pub use problem::{kinds as problems, PROBLEM_JSON};
pub use router::path_problems;

/// Reads and validates a config as `serve` needs it: the config's own checks plus the
/// route paths the router cannot take.
pub fn load(path: &std::path::Path) -> Result<Gateway, Vec<Problem>> {
    let gateway = crate::config::load(path)?;
    let problems = path_problems(&gateway.routes);
    if problems.is_empty() {
        Ok(gateway)
    } else {
        Err(problems)
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{} problem(s) in the configuration", .0.len())]
    Config(Vec<Problem>),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    #[error("inbound {0}")]
    Inbound(#[from] crate::inbound::BindError),
}

/// Serves `config` on `listener` (already bound: port 0 is fine, nothing races for a
/// port) until the future given to [`Serve::with_graceful_shutdown`] completes (without
/// one, until an error), then stops accepting and gives calls in flight the config's
/// `shutdown_grace` to finish. Await the returned [`Serve`] to run it.
pub fn serve(listener: TcpListener, config: crate::Config) -> Serve {
    Serve {
        listener: Bind::Bound(listener),
        gateway: config.0,
        shutdown: Box::pin(std::future::pending()),
        cli: None,
    }
}

/// A gateway being set up to serve a listener; `.await` it to serve (see [`serve`]).
#[must_use = "a Serve does nothing until awaited"]
pub struct Serve {
    listener: Bind,
    gateway: Gateway,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
    cli: Option<CliServe>,
}

/// The listener to serve: given by the caller, or bound from the config by `ferrule serve`
/// once the config is built (so a port in use still sees the audit log opened and closed).
enum Bind {
    Bound(TcpListener),
    Config,
}

/// What `ferrule serve` adds to the library's serving: the address line on stdout and
/// config reloads on SIGHUP, with `serve --listen` replacing every reloaded `listen`.
struct CliServe {
    listen: Option<String>,
}

impl Serve {
    /// Stops accepting once `signal` completes, then drains calls in flight.
    pub fn with_graceful_shutdown(
        mut self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Serve {
        self.shutdown = Box::pin(signal);
        self
    }

    /// As `ferrule serve` runs: announces `ferrule: listening on http://ADDR` (`https://`
    /// with `[server.tls]`) as the first line on stdout, once SIGHUP already reloads the
    /// config; `listen` (`serve --listen`) replaces the `listen` of every reloaded config.
    pub(crate) fn cli_mode(mut self, listen: Option<String>) -> Serve {
        self.cli = Some(CliServe { listen });
        self
    }
}

impl std::future::IntoFuture for Serve {
    type Output = Result<(), ServeError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

async fn run(s: Serve) -> Result<(), ServeError> {
    let mut gateway = s.gateway;
    if let Some(l) = s.cli.as_ref().and_then(|c| c.listen.clone()) {
        gateway.listen = l;
    }
    let metrics = ops::install_metrics();
    let live = router::build(gateway, None, metrics.clone()).map_err(ServeError::Config)?;
    let shared: router::Shared = Arc::new(ArcSwap::from_pointee(live));
    let listener = match s.listener {
        Bind::Bound(l) => Ok(l),
        Bind::Config => {
            let addr = shared.load().gateway.listen.clone();
            TcpListener::bind(&addr)
                .await
                .map_err(|source| ServeError::Bind { addr, source })
        }
    };
    let admin = match shared.load().gateway.admin_listen.clone() {
        None => Ok(None),
        Some(addr) => TcpListener::bind(&addr)
            .await
            .map(Some)
            .map_err(|source| ServeError::Bind { addr, source }),
    };
    // `[[listener]]`s: bound from the config, like `admin_listen` (port 0 is printed).
    let inbound = crate::inbound::bind(&shared.load().gateway.inbound)
        .await
        .map_err(ServeError::from);
    let served = match (listener, admin, inbound) {
        (Ok(l), Ok(admin), Ok(inbound)) => {
            let servers = Servers { admin, inbound };
            serve_shared(l, servers, shared.clone(), metrics, s.cli, s.shutdown).await
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
    };
    // On every way out, errors included: no call may add a line after this, and the
    // last head goes to the audit checkpoint.
    close_audit(&shared);
    flush_spans(&shared).await;
    served
}

/// Binds the config's `listen` (or `listen`, from `serve --listen`) and serves there as
/// `ferrule serve` does (see [`Serve::cli_mode`]) until `shutdown` completes.
pub async fn serve_config(
    gateway: Gateway,
    listen: Option<String>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    Serve {
        listener: Bind::Config,
        gateway,
        shutdown: Box::pin(shutdown),
        cli: Some(CliServe { listen }),
    }
    .await
}

/// Exports the spans still queued (bounded by the export timeout), off the runtime's
/// workers: the export itself runs on them.
async fn flush_spans(shared: &router::Shared) {
    if let Some(exporter) = shared.load().exporter.clone() {
        let _ = tokio::task::spawn_blocking(move || exporter.shutdown()).await;
    }
}

/// Closes the audit log of the config serving now (the one the last calls wrote to).
fn close_audit(shared: &router::Shared) {
    if let Some(log) = &shared.load().guard.audit {
        match log.close() {
            Ok(()) => tracing::info!("audit log closed"),
            Err(e) => tracing::error!(error = %e, "audit log not closed cleanly"),
        }
    }
}

/// What serves beside the API listener: the admin endpoints and inbound listeners.
struct Servers {
    admin: Option<TcpListener>,
    inbound: Vec<crate::inbound::Bound>,
}

async fn serve_shared(
    listener: TcpListener,
    servers: Servers,
    shared: router::Shared,
    metrics: Option<PrometheusHandle>,
    cli: Option<CliServe>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let local = listener.local_addr()?;
    let Servers { admin, inbound } = servers;
    if let Some(cli) = cli {
        // Installed before the address is announced: whoever reads it may send SIGHUP at
        // once, and until a handler exists the default action ends the process.
        #[cfg(unix)]
        if let Some(hangups) = hangup_signals() {
            tokio::spawn(reload_on_hangup(
                hangups,
                shared.clone(),
                metrics,
                cli.listen,
            ));
        }
        #[cfg(not(unix))]
        let _ = (metrics, cli.listen);
        let scheme = if shared.load().gateway.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ferrule: listening on {scheme}://{local}");
        if let Some(a) = admin.as_ref().and_then(|a| a.local_addr().ok()) {
            let _ = writeln!(out, "ferrule: admin endpoints on http://{a}");
        }
        for b in &inbound {
            let _ = writeln!(
                out,
                "ferrule: inbound listener {} on {}",
                b.spec.name, b.addr
            );
        }
        let _ = out.flush();
    }
    {
        let live = shared.load();
        tracing::info!(address = %local, routes = live.gateway.routes.len(),
            backends = live.backends.len(), "listening");
    }

    tokio::spawn(sweep_rate_limits(shared.clone()));

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    if let Some(admin) = admin {
        // Plain HTTP, apart from the API (a cluster-internal port); it stops taking
        // connections with the public listener.
        let app = router::admin(shared.clone(), ops::install_metrics());
        let mut stop = stop_rx.clone();
        let addr = admin.local_addr().ok();
        tracing::info!(address = ?addr, "admin endpoints listening");
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stop.wait_for(|&s| s).await;
            };
            if let Err(e) = axum::serve(admin, app)
                .with_graceful_shutdown(stopped)
                .await
            {
                tracing::error!(error = %e, "admin listener failed");
            }
        });
    }
    let inbound = {
        // Routes are read from the live config per record, so reloads apply to them.
        let live = shared.clone();
        let current: crate::inbound::Current = Arc::new(move || {
            let l = live.load();
            crate::inbound::Live {
                set: l.gateway.inbound.clone(),
                audit: l.guard.audit.clone(),
            }
        });
        tokio::spawn(crate::inbound::serve(inbound, current, stop_rx.clone()))
    };
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, draining calls in flight");
        let _ = stop_tx.send(true);
    };
    // TLS, limits, CORS and the threads are read once: a reload does not change the
    // listener.
    let (tls, limits, threads) = {
        let live = shared.load();
        let g = &live.gateway;
        (g.tls.clone(), g.listener.clone(), g.threads)
    };
    let front = front::Front::new(shared.clone());
    let app = match &limits.cors {
        Some(cors) => tower::util::Either::Left(stack::cors(front, cors)),
        None => tower::util::Either::Right(front),
    };
    // Thread-per-core: this runtime only accepts; the workers serve (`workers`).
    let workers = match threads {
        0 => None,
        n => Some(workers::Workers::start(n)?),
    };
    let server = listener::serve_on(listener, tls, &limits, app, workers.as_ref(), signal);
    // The drain deadline starts when the shutdown signal arrives, with the grace of the
    // config serving at that moment.
    let deadline = async move {
        if stop_rx.wait_for(|&stop| stop).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(shared.load().gateway.shutdown_grace).await;
    };
    // The API and inbound listeners drain together, within one grace.
    let server = async move {
        let r = server.await;
        let _ = inbound.await;
        r
    };
    let served = tokio::select! {
        r = server => r,
        () = deadline => {
            tracing::warn!("shutdown grace expired; dropping calls still in flight");
            Ok(())
        }
    };
    // Drained (or past the grace): the serving threads end with what they still run.
    if let Some(w) = workers {
        w.finish().await;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// How often full rate-limit buckets are dropped.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Drops refilled rate-limit buckets now and then, so that callers seen once do not hold
/// memory until the cap evicts them (the cap still bounds it between sweeps).
async fn sweep_rate_limits(shared: router::Shared) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let live = shared.load_full();
        // A short lock per sweep; off the async threads all the same.
        let _ = tokio::task::spawn_blocking(move || {
            live.guard.limiter.sweep(std::time::Instant::now())
        })
        .await;
    }
}

/// The SIGHUP stream, handled from the moment this returns (not from the first poll).
#[cfg(unix)]
fn hangup_signals() -> Option<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{signal, SignalKind};
    signal(SignalKind::hangup())
        .map_err(|e| tracing::warn!(error = %e, "cannot listen for SIGHUP; reload disabled"))
        .ok()
}

#[cfg(unix)]
async fn reload_on_hangup(
    mut hup: tokio::signal::unix::Signal,
    shared: router::Shared,
    metrics: Option<PrometheusHandle>,
    listen: Option<String>,
) {
    while hup.recv().await.is_some() {
        reload(&shared, metrics.clone(), listen.as_deref()).await;
    }
}

/// Re-reads the config file the live state came from; a valid one replaces the live
/// state atomically, an invalid one is logged problem by problem and the old one stays.
/// `listen` (`serve --listen`) replaces the file's `listen` before anything is compared,
/// so the file's own address never reads as a change.
pub async fn reload(
    shared: &router::Shared,
    metrics: Option<PrometheusHandle>,
    listen: Option<&str>,
) -> bool {
    let current = shared.load_full();
    let source = current.gateway.source.clone();
    tracing::info!(config = %source.display(), "reloading");
    let listen = listen.map(str::to_string);
    let loaded = tokio::task::spawn_blocking(move || {
        config::load(&source).map(|mut g| {
            if let Some(l) = listen {
                g.listen = l;
            }
            g
        })
    })
    .await
    .unwrap_or_else(|_| {
        Err(vec![Problem {
            path: String::new(),
            message: "the config loader failed".into(),
        }])
    });
    match loaded.and_then(|g| router::build(g, Some(&current), metrics)) {
        Ok(live) => {
            let (old, new) = (&current.gateway, &live.gateway);
            if old.listen != new.listen {
                tracing::warn!(listen = %new.listen, still = %old.listen,
                    "server.listen changed: takes effect on restart");
            }
            if old.tls.is_some() != new.tls.is_some() {
                tracing::warn!("server.tls changed: takes effect on restart");
            }
            if old.listener != new.listener {
                tracing::warn!("server limits or server.cors changed: take effect on restart");
            }
            if old.json_logs != new.json_logs {
                tracing::warn!("server.log_format changed: takes effect on restart");
            }
            if old.threads != new.threads {
                tracing::warn!("server.threads changed: takes effect on restart");
            }
            if !old.inbound.same_listeners(&new.inbound) {
                tracing::warn!("[[listener]] changed: takes effect on restart");
            }
            tracing::info!(
                routes = new.routes.len(),
                backends = live.backends.len(),
                kept_backends = live.kept_backends,
                "config reloaded"
            );
            shared.store(Arc::new(live));
            metrics::counter!(telemetry::RELOADS_TOTAL, "outcome" => "ok").increment(1);
            true
        }
        Err(problems) => {
            for p in &problems {
                tracing::error!(problem = %p, "config reload rejected");
            }
            tracing::error!(
                problems = problems.len(),
                "config reload rejected; still serving the previous config"
            );
            metrics::counter!(telemetry::RELOADS_TOTAL, "outcome" => "rejected").increment(1);
            false
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn sighup_is_handled_as_soon_as_the_stream_exists() {
        // Raised before the stream is first polled: with a lazy handler the default
        // action would end this test process; here the signal is queued for `recv`.
        let mut hup = hangup_signals().unwrap();
        rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::HUP)
            .unwrap();
        let got = tokio::time::timeout(Duration::from_secs(20), hup.recv()).await;
        assert_eq!(got.unwrap(), Some(()));
    }
}
