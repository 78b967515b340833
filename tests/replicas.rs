//! Three gateway replicas in production shape, end to end: a real nginx balancing them
//! round robin, one real `redis-server` holding their rate limits, a local HTTPS IdP
//! serving their JWT keys by URL. Under load through nginx: a per-caller limit of 50/s
//! holds across the three; the IdP rotates keys with no refused call; a replica killed
//! mid-load loses no GET (nginx retries it elsewhere) and every answered call is in some
//! replica's audit log; HTTP/2 clients get the answers HTTP/1.1 clients get.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::gateway::*;
use common::idp::*;
use common::redis::Redis;
use rustix::process::Signal;
use toml::Table;

const LIMITED: &str = "/v1/vehicles/AB12CDE";
const OPEN: &str = "/v1/open/AB12CDE";
const CLIENTS: usize = 8;

/// nginx in the foreground on a free port, balancing `upstreams` round robin, retrying
/// an idempotent call on the next replica when one fails (nginx's default
/// `proxy_next_upstream error timeout`), with keep-alive to the replicas.
struct Nginx {
    child: Child,
    port: u16,
    error_log: PathBuf,
}

impl Nginx {
    fn start(dir: &Path, upstreams: &[u16]) -> Nginx {
        let port = free_port();
        let servers: String = upstreams
            .iter()
            .map(|p| format!("        server 127.0.0.1:{p};\n"))
            .collect();
        // As root nginx would run its workers as `nobody`, who cannot reach the temp dir.
        let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
        let work = dir.display();
        let conf = format!(
            "{user}worker_processes 1;\ndaemon off;\npid {work}/nginx.pid;\n\
             error_log {work}/nginx.error.log warn;\nevents {{ worker_connections 1024; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {work}/body;\n\
             proxy_temp_path {work}/proxy;\n    fastcgi_temp_path {work}/fastcgi;\n\
             uwsgi_temp_path {work}/uwsgi;\n    scgi_temp_path {work}/scgi;\n\
             upstream replicas {{\n{servers}        keepalive 16;\n    }}\n\
             server {{\n        listen 127.0.0.1:{port};\n        location / {{\n\
             proxy_pass http://replicas;\n            proxy_http_version 1.1;\n\
             proxy_set_header Connection \"\";\n            proxy_next_upstream error timeout;\n\
             }}\n    }}\n}}\n",
            user = if root { "user root;\n" } else { "" },
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        // Not on a non-root PATH everywhere.
        let nginx = ["/usr/sbin/nginx", "nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("nginx");
        let child = Command::new(nginx)
            .arg("-c")
            .arg(&path)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("nginx.error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx (Debian package nginx; scripts/test.sh installs it)");
        wait_for("nginx listening", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        Nginx {
            child,
            port,
            error_log: dir.join("nginx.error.log"),
        }
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A replica: the sample gateway, its vehicle route limited to 50 calls a second per
/// caller (burst 10) in the shared Redis, a copy of it at `/v1/open` without a limit; JWT
/// keys from the IdP (refreshed every second); its own audit log; h2c on.
fn replica(mock: &Mock, dir: &Path, idp: &Idp, redis: &Redis, n: usize) -> Gateway {
    let mut t = sample_gateway(&mock.hosts);
    let settings: Table = format!(
        r#"
        [auth.jwt]
        audience = ["ferrule"]
        [[auth.jwt.key]]
        algorithms = ["ES256"]
        jwks_url = "https://localhost:{idp}/jwks.json"
        jwks_ca = "{ca}"
        jwks_refresh_secs = 1
        jwks_cooldown_secs = 1
        [audit]
        path = "{audit}"
        "#,
        idp = idp.port,
        ca = dir.join("idp-ca.pem").display(),
        audit = audit_path(dir, n).display(),
    )
    .parse()
    .unwrap();
    t.extend(settings);
    let server = server_mut(&mut t);
    server.insert("h2c".into(), true.into());
    let store: Table = format!(
        "store = \"redis\"\nredis_url = \"redis://127.0.0.1:{}/0\"",
        redis.port
    )
    .parse()
    .unwrap();
    server.insert("rate_limits".into(), store.into());
    let limited: Table =
        "scopes = [\"vehicles:read\"]\nrate_limit = { per_second = 50.0, burst = 10 }"
            .parse()
            .unwrap();
    let vehicles = route_mut(&mut t, "/v1/vehicles/{vrm}");
    vehicles.insert("auth".into(), limited.into());
    let mut open = vehicles.clone();
    open.insert("path".into(), "/v1/open/{vrm}".into());
    let unlimited: Table = "scopes = [\"vehicles:read\"]".parse().unwrap();
    open.insert("auth".into(), unlimited.into());
    add_route(&mut t, open);
    Gateway::start(&t)
}

fn audit_path(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("audit-{n}.log"))
}

/// The request ids in every replica's audit log.
fn audited_ids(dir: &Path) -> HashSet<String> {
    (0..3)
        .flat_map(|n| {
            std::fs::read_to_string(audit_path(dir, n))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["request_id"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One call's outcome: its request id and status (0: no HTTP answer at all).
type Outcome = (String, u16);

/// `CLIENTS` threads calling `path` through `addr` back to back, on fresh connections,
/// until `stop` is set; each call carries a request id of its own and a token from
/// `tokens()` (which may change under way).
fn load(
    addr: SocketAddr,
    path: &'static str,
    tag: &'static str,
    stop: &Arc<AtomicBool>,
    tokens: impl Fn(usize) -> String + Send + Sync + Clone + 'static,
) -> Vec<std::thread::JoinHandle<Vec<Outcome>>> {
    (0..CLIENTS)
        .map(|c| {
            let (stop, tokens) = (stop.clone(), tokens.clone());
            std::thread::spawn(move || {
                let mut out = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let id = format!("{tag}-{c}-{}", out.len());
                    let bearer = format!("Bearer {}", tokens(out.len()));
                    let headers = [("Authorization", bearer.as_str()), ("x-request-id", &id)];
                    let status = try_http(addr, "GET", path, &headers, b"").map_or(0, |r| r.status);
                    out.push((id, status));
                }
                out
            })
        })
        .collect()
}

fn joined(handles: Vec<std::thread::JoinHandle<Vec<Outcome>>>) -> Vec<Outcome> {
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

/// curl's (status, body) for `url`, with `args` choosing the protocol.
fn curl(args: &[&str], token: &str, url: &str) -> (String, u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_version} %{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["-H", "x-request-id: h2-check"]) // problem bodies name it
        .args(args)
        .arg(url)
        .output()
        .expect("curl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, tail) = text.rsplit_once('\n').unwrap_or_default();
    let (version, status) = tail.split_once(' ').unwrap_or_default();
    (
        version.to_string(),
        status.parse().unwrap(),
        body.to_string(),
    )
}

#[test]
fn three_replicas_behind_nginx_share_limits_rotate_keys_and_survive_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    let idp = Idp::start(dir, Answer::Keys(jwks(&[&k1])));
    let redis = Redis::start();
    let mock = vehicle_mock();
    let mut replicas: Vec<Gateway> = (0..3)
        .map(|n| replica(&mock, dir, &idp, &redis, n))
        .collect();
    let ports: Vec<u16> = replicas.iter().map(|g| g.port).collect();
    let nginx = Nginx::start(dir, &ports);
    let (t1, t2) = (token(&k1), token(&k2));
    let logs = |replicas: &[Gateway]| -> String {
        let mut all: String = replicas.iter().map(Gateway::log_text).collect();
        all.push_str(&std::fs::read_to_string(&nginx.error_log).unwrap_or_default());
        all
    };

    // HTTP/2 with prior knowledge straight to each replica answers as HTTP/1.1 through
    // nginx does: a found vehicle, an unknown one, a call without a token.
    let via_nginx = format!("http://127.0.0.1:{}", nginx.port);
    for path in [OPEN, "/v1/open/ZZ99ZZZ"] {
        let h1 = curl(&["--http1.1"], &t1, &format!("{via_nginx}{path}"));
        assert_eq!(h1.0, "1.1");
        for g in &replicas {
            let url = format!("http://127.0.0.1:{}{path}", g.port);
            let h2 = curl(&["--http2-prior-knowledge"], &t1, &url);
            assert_eq!(h2.0, "2");
            assert_eq!((h2.1, &h2.2), (h1.1, &h1.2), "{path}");
        }
    }
    let anonymous = http(nginx.addr(), "GET", OPEN, &[], b"");
    assert_problem(&anonymous, 401, "unauthenticated");

    // One caller, as fast as eight clients go, through nginx to all three replicas: the
    // shared bucket lets through its burst plus 50 a second, within 10%.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let token1 = t1.clone();
    let handles = load(nginx.addr(), LIMITED, "rate", &stop, move |_| {
        token1.clone()
    });
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::SeqCst);
    let calls = joined(handles);
    let seconds = started.elapsed().as_secs_f64();
    let passed = calls.iter().filter(|(_, s)| *s == 200).count() as f64;
    let expected = 10.0 + 50.0 * seconds;
    assert!(
        calls.iter().all(|(_, s)| [200, 429].contains(s)),
        "{:?}\n{}",
        calls
            .iter()
            .filter(|(_, s)| ![200, 429].contains(s))
            .take(5)
            .collect::<Vec<_>>(),
        logs(&replicas)
    );
    assert!(
        calls.len() as f64 > 1.5 * expected,
        "the clients must offer well over the limit: {} calls in {seconds:.2} s",
        calls.len()
    );
    assert!(
        (passed - expected).abs() <= 0.1 * expected,
        "{passed} passed in {seconds:.2} s; the limit allows {expected:.0} (+-10%)"
    );
    eprintln!(
        "rate: {passed} of {} calls passed in {seconds:.2} s, limit {expected:.0}",
        calls.len()
    );
    // Every replica took part, so the limit held across them, not in one.
    let ids = audited_ids(dir);
    for n in 0..3 {
        let text = std::fs::read_to_string(audit_path(dir, n)).unwrap();
        assert!(text.contains("\"status\":429"), "replica {n} refused none");
        assert!(text.contains("\"status\":200"), "replica {n} passed none");
    }
    assert!(calls.iter().all(|(id, _)| ids.contains(id)));

    // Key rotation under load: the IdP publishes k2 beside k1 while k1 tokens flow; once
    // the replicas have had time to see it (their 1 s refresh), clients sign with either.
    let stop = Arc::new(AtomicBool::new(false));
    let rotated = Arc::new(AtomicBool::new(false));
    let k2_used = Arc::new(AtomicUsize::new(0));
    let (r, used, a, b) = (rotated.clone(), k2_used.clone(), t1.clone(), t2.clone());
    let handles = load(nginx.addr(), OPEN, "rotate", &stop, move |i| {
        if r.load(Ordering::SeqCst) && i % 2 == 1 {
            used.fetch_add(1, Ordering::SeqCst);
            b.clone()
        } else {
            a.clone()
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    idp.set(Answer::Keys(jwks(&[&k1, &k2])));
    std::thread::sleep(Duration::from_millis(2500));
    rotated.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::SeqCst);
    let rotation = joined(handles);
    let refused: Vec<&Outcome> = rotation.iter().filter(|(_, s)| *s != 200).collect();
    assert!(
        refused.is_empty(),
        "{} of {} calls failed during the rotation, e.g. {:?}\n{}",
        refused.len(),
        rotation.len(),
        &refused[..refused.len().min(5)],
        logs(&replicas)
    );
    assert!(k2_used.load(Ordering::SeqCst) > 0);

    // A replica killed mid-load: nginx retries the GETs it was holding on the others, so
    // every call is answered 200, and each is in the audit log of the replica that
    // answered it (the audit line is written before the answer leaves).
    let stop = Arc::new(AtomicBool::new(false));
    let token1 = t1.clone();
    let handles = load(nginx.addr(), OPEN, "kill", &stop, move |_| token1.clone());
    std::thread::sleep(Duration::from_secs(1));
    replicas[1].signal(Signal::KILL);
    replicas[1].wait_exit();
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::SeqCst);
    let killed = joined(handles);
    let failed: Vec<&Outcome> = killed.iter().filter(|(_, s)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} calls failed around the kill, e.g. {:?}\n{}",
        failed.len(),
        killed.len(),
        &failed[..failed.len().min(5)],
        logs(&replicas)
    );
    let ids = audited_ids(dir);
    let missing: Vec<&String> = rotation
        .iter()
        .chain(&killed)
        .map(|(id, _)| id)
        .filter(|id| !ids.contains(*id))
        .collect();
    assert!(missing.is_empty(), "answered but not audited: {missing:?}");
}
