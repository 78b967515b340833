use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use tower::{service_fn, ServiceExt};

use super::*;

/// A host whose answers the test scripts: `outcomes` in order (then successes), and a
/// count of the calls that reached it.
#[derive(Clone)]
struct Host {
    script: Arc<Mutex<Vec<Result<Bytes, ConnectorError>>>>,
    calls: Arc<AtomicUsize>,
}

impl Host {
    fn new() -> Host {
        Host {
            script: Arc::new(Mutex::new(Vec::new())),
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn then(&self, outcome: Result<Bytes, ConnectorError>) {
        self.script.lock().unwrap().insert(0, outcome);
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn guarded(
        &self,
        breaker: &Arc<Breaker>,
    ) -> Guarded<
        impl Service<u8, Response = Bytes, Error = ConnectorError, Future = impl Send> + Clone,
    > {
        let host = self.clone();
        BreakerLayer::new(breaker.clone()).layer(service_fn(move |_: u8| {
            let host = host.clone();
            async move {
                host.calls.fetch_add(1, Ordering::SeqCst);
                let next = host.script.lock().unwrap().pop();
                next.unwrap_or(Ok(Bytes::from_static(b"ok")))
            }
        }))
    }
}

fn settings(failures: u32, min_calls: u32, open_ms: u64) -> BreakerSettings {
    BreakerSettings {
        failures,
        ratio: 0.5,
        window: Duration::from_secs(60),
        min_calls,
        open_for: Duration::from_millis(open_ms),
        probes: 1,
    }
}

fn down() -> Result<Bytes, ConnectorError> {
    Err(ConnectorError::Unreachable("refused".into()))
}

async fn call<S>(svc: &S) -> Result<Bytes, ConnectorError>
where
    S: Service<u8, Response = Bytes, Error = ConnectorError> + Clone,
{
    svc.clone().oneshot(0).await
}

fn open(r: &Result<Bytes, ConnectorError>) -> bool {
    matches!(r, Err(ConnectorError::CircuitOpen { .. }))
}

#[tokio::test]
async fn failures_in_a_row_open_it_and_calls_are_refused_without_the_host() {
    let host = Host::new();
    let b = Breaker::new("t", settings(3, 1000, 60_000));
    let svc = host.guarded(&b);
    for _ in 0..3 {
        host.then(down());
        assert!(!open(&call(&svc).await));
    }
    assert_eq!(b.state(), CircuitState::Open);
    let r = call(&svc).await;
    match r {
        Err(ConnectorError::CircuitOpen { retry_after }) => {
            assert!(retry_after <= Duration::from_secs(60) && retry_after > Duration::from_secs(50))
        }
        other => panic!("expected CircuitOpen, got {other:?}"),
    }
    assert_eq!(host.calls(), 3, "the open circuit called the host");
}

#[tokio::test]
async fn an_answer_between_failures_keeps_it_closed() {
    let host = Host::new();
    let b = Breaker::new("t", settings(3, 1000, 60_000));
    let svc = host.guarded(&b);
    for outcome in [down(), down(), Ok(Bytes::new()), down(), down()] {
        host.then(outcome);
        call(&svc).await.ok();
    }
    assert_eq!(b.state(), CircuitState::Closed);
    // Refusals by a transaction manager and failed programs are answers too; saturation
    // is the gateway's own: none of them counts as the host failing.
    for e in [
        ConnectorError::Refused("RSM".into()),
        ConnectorError::Program("exit 1".into()),
        ConnectorError::Saturated {
            retry_after: Duration::from_secs(1),
        },
    ] {
        host.then(Err(e));
        call(&svc).await.ok();
    }
    host.then(down());
    call(&svc).await.ok();
    assert_eq!(b.state(), CircuitState::Closed, "2 in a row, then answers");
    // Timeouts, lost connections and garbage do count.
    for e in [
        ConnectorError::Timeout(Duration::from_secs(1)),
        ConnectorError::BadFrame("x".into()),
    ] {
        host.then(Err(e));
        call(&svc).await.ok();
    }
    assert_eq!(b.state(), CircuitState::Open);
}

#[tokio::test]
async fn a_failure_ratio_over_the_window_opens_it() {
    let host = Host::new();
    // Never 3 in a row, but half of 10 calls fail.
    let b = Breaker::new("t", settings(3, 10, 60_000));
    let svc = host.guarded(&b);
    for i in 0..9 {
        host.then(if i % 2 == 0 { Ok(Bytes::new()) } else { down() });
        call(&svc).await.ok();
        assert_eq!(b.state(), CircuitState::Closed, "after call {i}");
    }
    host.then(down());
    call(&svc).await.ok();
    assert_eq!(b.state(), CircuitState::Open, "5 of 10 failed");
    // Answers alone never open it, whatever their number.
    let host = Host::new();
    let b = Breaker::new("t", settings(3, 10, 60_000));
    let svc = host.guarded(&b);
    for _ in 0..50 {
        call(&svc).await.ok();
    }
    assert_eq!(b.state(), CircuitState::Closed);
}

#[tokio::test]
async fn after_the_cool_down_one_probe_decides() {
    let host = Host::new();
    let b = Breaker::new("t", settings(1, 1000, 50));
    let svc = host.guarded(&b);
    host.then(down());
    call(&svc).await.ok();
    assert_eq!(b.state(), CircuitState::Open);
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(b.state(), CircuitState::HalfOpen);
    // The probe fails: open again, for another cool-down.
    host.then(down());
    assert!(!open(&call(&svc).await));
    assert_eq!(b.state(), CircuitState::Open);
    assert!(open(&call(&svc).await));
    tokio::time::sleep(Duration::from_millis(80)).await;
    // One probe at a time: a second call while it is out is refused.
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let wait = Arc::new(Mutex::new(Some(wait)));
    let slow = BreakerLayer::new(b.clone()).layer(service_fn(move |_: u8| {
        let wait = wait.lock().unwrap().take();
        async move {
            if let Some(w) = wait {
                w.await.ok();
            }
            Ok::<_, ConnectorError>(Bytes::new())
        }
    }));
    let probe = tokio::spawn(slow.clone().oneshot(0));
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(
        open(&slow.clone().oneshot(0).await),
        "a second probe went through"
    );
    release.send(()).unwrap();
    assert!(probe.await.unwrap().is_ok());
    assert_eq!(
        b.state(),
        CircuitState::Closed,
        "the probe's success closes it"
    );
    assert!(call(&svc).await.is_ok());
}

#[tokio::test]
async fn a_probe_whose_caller_went_away_frees_its_place() {
    let b = Breaker::new("t", settings(1, 1000, 30));
    let host = Host::new();
    let svc = host.guarded(&b);
    host.then(down());
    call(&svc).await.ok();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The probe never finishes: its caller drops it.
    let stuck = BreakerLayer::new(b.clone()).layer(service_fn(|_: u8| {
        std::future::pending::<Result<Bytes, ConnectorError>>()
    }));
    let abandoned = tokio::time::timeout(Duration::from_millis(20), stuck.oneshot(0)).await;
    assert!(abandoned.is_err());
    // Another probe may go, and its answer closes the breaker.
    assert!(call(&svc).await.is_ok());
    assert_eq!(b.state(), CircuitState::Closed);
}

#[test]
fn bad_settings_are_problems_at_their_keys() {
    let cfg = BreakerConfig {
        failures: 0,
        ratio: 1.5,
        window_secs: 30,
        min_calls: 20,
        open_secs: 0,
        probes: 1,
    };
    let mut ps = Vec::new();
    assert!(cfg.validate(&mut ps).is_none());
    let keys: Vec<&str> = ps.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["breaker.failures", "breaker.open_secs", "breaker.ratio"]
    );
    let ok = BreakerConfig {
        failures: 5,
        ratio: 1.0,
        ..cfg
    };
    let ok = BreakerConfig {
        open_secs: 10,
        ..ok
    };
    assert!(ok.validate(&mut Vec::new()).is_some());
}
