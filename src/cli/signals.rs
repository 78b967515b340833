//! Process signals shared by the long-running commands (serve, mock, demo).

/// Completes on SIGINT or (on Unix) SIGTERM. The handlers are installed when this is
/// called, before the address is announced: a signal sent as soon as the address is read
/// must start the drain, not meet the default action (an exit with no drain, not 0).
pub fn terminated() -> impl std::future::Future<Output = ()> + Send + 'static {
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
    use std::time::Duration;

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
