//! Helpers for the tests that run `ferrule serve` and `ferrule mock` as real processes on
//! 127.0.0.1 port 0: process guards that kill on drop, the sample configs rewritten onto
//! free ports with absolute paths, a tiny HTTP/1.1 client over `std::net`, and polling
//! with a deadline (timeouts only keep a broken test from hanging; they never decide).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use toml::Table;

pub use rustix::process::Signal;

/// How long anything may take before the test gives up: a hang guard, never a timing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// `samples/gateway` in the source tree.
pub fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/gateway")
}

/// A port nothing listens on (bound, then released): "the host refuses".
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local address").port()
}

/// Calls `probe` every 20 ms until it gives `Some`, panicking after [`PATIENCE`].
pub fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Reads a child's stdout lines on a thread, so a silent child cannot hang the test
/// and a chatty one never blocks on a full pipe.
fn stdout_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                // Nobody listens any more: keep draining so the child never blocks.
                continue;
            }
        }
    });
    rx
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn send_signal(child: &Child, sig: Signal) {
    rustix::process::kill_process(rustix::process::Pid::from_child(child), sig)
        .expect("signal sent");
}

fn wait_exit(child: &mut Child) -> ExitStatus {
    wait_for("the process to exit", || {
        child.try_wait().expect("try_wait")
    })
}

// --- ferrule mock ----------------------------------------------------------------------

/// A running `ferrule mock`, killed when dropped.
pub struct Mock {
    child: Child,
    pub hosts: Vec<(String, SocketAddr)>,
    pub status: Option<SocketAddr>,
    dir: tempfile::TempDir,
    lines: mpsc::Receiver<String>,
}

impl Mock {
    /// Starts the binary on `config`; returns once every listener is printed.
    pub fn start(config: &Table) -> Mock {
        Mock::start_str(&toml::to_string(config).expect("mock config serialises"))
    }

    /// As [`Mock::start`], from the text of a `mock.toml`.
    pub fn start_str(config: &str) -> Mock {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("mock.toml");
        std::fs::write(&path, config).expect("config written");
        let parsed: Table = config.parse().expect("mock config is TOML");
        // Legacy hosts and simulated HTTP APIs each print their address.
        let want_hosts = ["host", "api"]
            .iter()
            .filter_map(|k| parsed.get(*k).and_then(|h| h.as_array()))
            .map(Vec::len)
            .sum::<usize>();
        let want_status = parsed.contains_key("status_listen");
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["mock", "--config"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("mock.log")).expect("log file"))
            .spawn()
            .expect("ferrule mock starts");
        let lines = stdout_lines(&mut child);
        let mut mock = Mock {
            child,
            hosts: Vec::new(),
            status: None,
            dir,
            lines,
        };
        while mock.hosts.len() < want_hosts || (want_status && mock.status.is_none()) {
            let Ok(line) = mock.lines.recv_timeout(PATIENCE) else {
                panic!("ferrule mock did not start:\n{}", mock.log());
            };
            let Some((name, addr)) = line
                .strip_prefix("ferrule mock: ")
                .and_then(|rest| rest.split_once(" listening on "))
            else {
                continue;
            };
            if name == "status" {
                let a = addr
                    .trim_start_matches("http://")
                    .trim_end_matches("/status");
                mock.status = Some(a.parse().expect("status address"));
            } else {
                mock.hosts
                    .push((name.to_string(), addr.parse().expect("host address")));
            }
        }
        mock
    }

    pub fn addr(&self, name: &str) -> SocketAddr {
        self.hosts
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no mock host {name}"))
            .1
    }

    /// A plain TCP connection to one host.
    pub fn connect(&self, name: &str) -> TcpStream {
        let s = TcpStream::connect(self.addr(name)).expect("connect to the mock host");
        s.set_read_timeout(Some(PATIENCE)).expect("read timeout");
        s
    }

    /// `method path` on the status endpoint (`GET /status`, `POST /reset`).
    pub fn status(&self, method: &str, path: &str) -> Value {
        let addr = self.status.expect("the mock config sets status_listen");
        let r = http(addr, method, path, &[], b"");
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    }

    /// `GET /status`, one host's counts.
    pub fn host_status(&self, name: &str) -> Value {
        self.status("GET", "/status")["hosts"][name].clone()
    }

    pub fn signal(&self, sig: Signal) {
        send_signal(&self.child, sig);
    }

    /// Waits (bounded) for the process to end.
    pub fn wait_exit(&mut self) -> ExitStatus {
        wait_exit(&mut self.child)
    }

    /// The stdout lines after the listening ones, up to the end of the output (call
    /// once the process has ended).
    pub fn rest_of_stdout(&self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(PATIENCE) {
            out.push(line);
        }
        out
    }

    /// What the mock logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mock.log")).unwrap_or_default()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// The sample `mock.toml` on free ports with absolute paths; with `status_listen` on a
/// free port when `status` is set.
pub fn sample_mock(status: bool) -> Table {
    let dir = samples();
    let text = std::fs::read_to_string(dir.join("mock.toml")).expect("sample mock.toml");
    let mut t: Table = text.parse().expect("sample mock.toml is TOML");
    if status {
        t.insert("status_listen".into(), "127.0.0.1:0".into());
    }
    for host in array_of_tables(&mut t, "host") {
        host.insert("listen".into(), "127.0.0.1:0".into());
        absolute(host.get_mut("request"), "copybook", &dir);
        absolute(host.get_mut("response"), "copybook", &dir);
        if let Some(toml::Value::String(r)) = host.get_mut("records") {
            *r = dir.join(&*r).display().to_string();
        }
    }
    t
}

/// The `[[host]]` called `name`.
pub fn host_mut<'t>(t: &'t mut Table, name: &str) -> &'t mut Table {
    named(t, "host", name)
}

/// Sets `[host.faults]` of host `name`.
pub fn set_fault(t: &mut Table, name: &str, kind: &str, every_nth: i64, max_faults: i64) {
    let mut f = Table::new();
    f.insert("every_nth".into(), every_nth.into());
    f.insert("kind".into(), kind.into());
    f.insert("max_faults".into(), max_faults.into());
    host_mut(t, name).insert("faults".into(), f.into());
}

// --- ferrule serve ---------------------------------------------------------------------

/// A running `ferrule serve`, killed when dropped. Its config and log live in its own
/// temp dir unless started on a given file.
pub struct Gateway {
    child: Child,
    pub port: u16,
    pub config: PathBuf,
    pub log: PathBuf,
    _dir: Option<tempfile::TempDir>,
    /// stdout after the listening line (admin and inbound listener lines).
    lines: mpsc::Receiver<String>,
}

impl Gateway {
    /// Writes `config` to a temp dir and serves it.
    pub fn start(config: &Table) -> Gateway {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ferrule.toml");
        write_toml(&path, config);
        let mut g = Gateway::start_file(&path, &dir.path().join("serve.log"));
        g._dir = Some(dir);
        g
    }

    /// Serves the config file at `config`, logging to `log`; returns once it listens.
    pub fn start_file(config: &Path, log: &Path) -> Gateway {
        Gateway::start_file_with(config, log, &[])
    }

    /// As [`Gateway::start_file`], with more `serve` options (e.g. `--listen`).
    pub fn start_file_with(config: &Path, log: &Path, extra: &[&str]) -> Gateway {
        Gateway::start_file_env(config, log, extra, &[])
    }

    /// As [`Gateway::start_file_with`], with environment variables set for the process.
    pub fn start_file_env(
        config: &Path,
        log: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Gateway {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["serve", "--config"])
            .arg(config)
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).expect("log file"))
            .spawn()
            .expect("ferrule serve starts");
        let lines = stdout_lines(&mut child);
        let line = lines.recv_timeout(PATIENCE).unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("ferrule: listening on http://127.0.0.1:")
            .or_else(|| {
                line.trim()
                    .strip_prefix("ferrule: listening on https://127.0.0.1:")
            })
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            kill(&mut child);
            panic!(
                "no listening line: {line:?}\nlog:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        };
        Gateway {
            child,
            port,
            config: config.to_path_buf(),
            log: log.to_path_buf(),
            _dir: None,
            lines,
        }
    }

    /// The address `[[listener]]` `name` listens on, as `serve` printed it.
    pub fn inbound_addr(&self, name: &str) -> SocketAddr {
        let prefix = format!("ferrule: inbound listener {name} on ");
        loop {
            let line = self.lines.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                panic!("no inbound listener line for {name}:\n{}", self.log_text())
            });
            if let Some(a) = line.trim().strip_prefix(&prefix) {
                return a.parse().expect("an address");
            }
        }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub fn get(&self, path: &str) -> Reply {
        http(self.addr(), "GET", path, &[], b"")
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        http(self.addr(), method, path, headers, body)
    }

    /// POST with `Content-Type: application/json`.
    pub fn post_json(&self, path: &str, body: &str) -> Reply {
        let json = [("content-type", "application/json")];
        http(self.addr(), "POST", path, &json, body.as_bytes())
    }

    /// Replaces the config file (read again on SIGHUP).
    pub fn rewrite(&self, config: &Table) {
        write_toml(&self.config, config);
    }

    pub fn signal(&self, sig: Signal) {
        send_signal(&self.child, sig);
    }

    /// Waits (bounded) for the process to end.
    pub fn wait_exit(&mut self) -> ExitStatus {
        wait_exit(&mut self.child)
    }

    /// True while the process runs.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// What the gateway logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// One sample of a Prometheus series: the value of the first line that starts with
    /// `name{` and holds every one of `labels` (`key="value"`).
    pub fn metric(&self, name: &str, labels: &[&str]) -> Option<f64> {
        let r = self.get("/metrics");
        assert_eq!(r.status, 200);
        metric_value(&r.text(), name, labels)
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// The value of the first sample of `name` carrying every one of `labels`.
pub fn metric_value(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(name))
        .filter(|rest| rest.starts_with('{'))
        .find(|rest| labels.iter().all(|lab| rest.contains(lab)))
        .and_then(|rest| rest.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The sample `ferrule.toml` listening on port 0 with absolute copybook paths, each
/// backend pointed at the host of the same name in `hosts`; a backend with no host there
/// gets a port nothing listens on.
pub fn sample_gateway(hosts: &[(String, SocketAddr)]) -> Table {
    config_for_hosts(&samples().join("ferrule.toml"), hosts)
}

/// The secured sample (`samples/secure/ferrule.toml`: API keys, purposes, sensitive
/// fields, audit) made runnable the same way, its audit log at `audit`. Its JWT key and
/// audit HMAC key come from the environment in the sample: left out here.
pub fn secure_sample(hosts: &[(String, SocketAddr)], audit: &Path) -> Table {
    let dir = samples().parent().expect("samples/").join("secure");
    let mut t = config_for_hosts(&dir.join("ferrule.toml"), hosts);
    if let Some(auth) = t.get_mut("auth").and_then(|a| a.as_table_mut()) {
        auth.remove("jwt");
    }
    let audit_table = t
        .get_mut("audit")
        .and_then(|a| a.as_table_mut())
        .expect("[audit]");
    audit_table.remove("hmac_key_env");
    audit_table.insert("path".into(), audit.display().to_string().into());
    t
}

/// The config file at `file` listening on port 0, copybook paths made absolute, each
/// backend pointed at the host of the same name in `hosts` (else at a closed port).
fn config_for_hosts(file: &Path, hosts: &[(String, SocketAddr)]) -> Table {
    let dir = file.parent().expect("config dir").to_path_buf();
    let text = std::fs::read_to_string(file).expect("sample config");
    let mut t: Table = text.parse().expect("sample config is TOML");
    server_mut(&mut t).insert("listen".into(), "127.0.0.1:0".into());
    for b in array_of_tables(&mut t, "backend") {
        let name = b.get("name").and_then(|n| n.as_str()).unwrap_or_default();
        let addr = hosts.iter().find(|(n, _)| n == name).map_or_else(
            || format!("127.0.0.1:{}", free_port()),
            |(_, a)| a.to_string(),
        );
        b.insert("address".into(), addr.into());
    }
    for r in array_of_tables(&mut t, "route") {
        absolute(r.get_mut("request"), "copybook", &dir);
        absolute(r.get_mut("response"), "copybook", &dir);
    }
    t
}

/// `[server]`.
pub fn server_mut(t: &mut Table) -> &mut Table {
    t.get_mut("server")
        .and_then(|s| s.as_table_mut())
        .expect("[server]")
}

/// The `[[backend]]` called `name`.
pub fn backend_mut<'t>(t: &'t mut Table, name: &str) -> &'t mut Table {
    named(t, "backend", name)
}

/// The `[[route]]` with this path.
pub fn route_mut<'t>(t: &'t mut Table, path: &str) -> &'t mut Table {
    array_of_tables(t, "route")
        .find(|r| r.get("path").and_then(|p| p.as_str()) == Some(path))
        .unwrap_or_else(|| panic!("no route {path}"))
}

/// Appends a `[[route]]`.
pub fn add_route(t: &mut Table, route: Table) {
    t.get_mut("route")
        .and_then(|r| r.as_array_mut())
        .expect("[[route]]")
        .push(route.into());
}

pub fn write_toml(path: &Path, t: &Table) {
    std::fs::write(path, toml::to_string(t).expect("config serialises")).expect("config written");
}

/// The sample mock with only its vehicle host running (status endpoint on).
pub fn vehicle_mock() -> Mock {
    let mut cfg = sample_mock(true);
    keep_hosts(&mut cfg, &["vehicles"]);
    Mock::start(&cfg)
}

/// `ferrule check` on `t` (written to a temp dir): it must refuse (exit 2); its stderr.
pub fn check_refused(t: &Table) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, t);
    let out = super::ferrule(&["check", "--config", &path.display().to_string()], b"");
    let err = super::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

fn array_of_tables<'t>(t: &'t mut Table, key: &str) -> impl Iterator<Item = &'t mut Table> {
    t.get_mut(key)
        .and_then(|v| v.as_array_mut())
        .map(|a| a.iter_mut().filter_map(|v| v.as_table_mut()))
        .into_iter()
        .flatten()
}

fn named<'t>(t: &'t mut Table, key: &str, name: &str) -> &'t mut Table {
    array_of_tables(t, key)
        .find(|h| h.get("name").and_then(|n| n.as_str()) == Some(name))
        .unwrap_or_else(|| panic!("no [[{key}]] named {name}"))
}

/// Makes `table.key` (a path relative to `dir`) absolute.
fn absolute(table: Option<&mut toml::Value>, key: &str, dir: &Path) {
    if let Some(toml::Value::String(p)) = table.and_then(|t| t.get_mut(key)) {
        *p = dir.join(&*p).display().to_string();
    }
}

// --- a tiny HTTP/1.1 client ---------------------------------------------------------------

/// A whole HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.text()))
    }
}

/// One exchange on a fresh connection; panics on any I/O error.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    try_http(addr, method, path, headers, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// One exchange on a fresh connection: the request with `Content-Length` and
/// `Connection: close`, the response read to EOF and cut by its `Content-Length` (or
/// de-chunked). Errors: cannot connect, the connection broke, or the response is not HTTP.
pub fn try_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, PATIENCE)?;
    s.set_read_timeout(Some(PATIENCE))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    // A server may answer (413, 415) and close before reading all of a large body.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_response(&raw).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

fn parse_response(raw: &[u8]) -> Result<Reply, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no end of headers in {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .filter(|l| l.starts_with("HTTP/1.1 "))
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line in {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let body = if let Some(len) = find("content-length") {
        let len: usize = len.parse().map_err(|_| format!("content-length {len}"))?;
        rest.get(..len)
            .ok_or_else(|| format!("body of {} bytes, content-length {len}", rest.len()))?
            .to_vec()
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunk size line")?;
        let size_text = String::from_utf8_lossy(&rest[..eol]).into_owned();
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| format!("chunk {size_text}"))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(rest.get(..size).ok_or("chunk cut short")?);
        rest = rest.get(size + 2..).ok_or("chunk end")?;
    }
}

/// Checks an RFC 9457 problem: status, media type and every member a client relies on.
/// Returns the document.
pub fn assert_problem(r: &Reply, status: u16, kind: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let p = r.json();
    assert_eq!(
        p["type"],
        format!("https://ferrule.dev/problems/{kind}"),
        "{p}"
    );
    assert_eq!(p["status"], status, "{p}");
    for member in ["title", "detail", "instance"] {
        assert!(
            p[member].as_str().is_some_and(|s| !s.is_empty()),
            "problem without {member}: {p}"
        );
    }
    p
}

/// Keeps only the `[[host]]`s named in `names`.
pub fn keep_hosts(t: &mut Table, names: &[&str]) {
    if let Some(hosts) = t.get_mut("host").and_then(|h| h.as_array_mut()) {
        hosts.retain(|h| {
            h.get("name")
                .and_then(|n| n.as_str())
                .is_some_and(|n| names.contains(&n))
        });
    }
}

// --- a proxy that holds answers back ------------------------------------------------------

/// A TCP proxy in front of a host that passes requests on at once but holds every
/// answer until [`GatedProxy::open`]: a call is then in flight for as long as a test
/// needs, without sleeps or timing.
pub struct GatedProxy {
    pub addr: SocketAddr,
    gate: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl GatedProxy {
    pub fn start(upstream: SocketAddr) -> GatedProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let gate = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
        let shared = gate.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(host) = TcpStream::connect(upstream) else {
                    continue;
                };
                let gate = shared.clone();
                let (Ok(mut c_read), Ok(mut h_write)) = (client.try_clone(), host.try_clone())
                else {
                    continue;
                };
                thread::spawn(move || {
                    let _ = std::io::copy(&mut c_read, &mut h_write);
                    let _ = h_write.shutdown(std::net::Shutdown::Write);
                });
                thread::spawn(move || {
                    let (mut host, mut client) = (host, client);
                    let mut buf = [0u8; 4096];
                    loop {
                        let n = match host.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let (open, cv) = &*gate;
                        let mut is_open = open.lock().unwrap_or_else(|e| e.into_inner());
                        while !*is_open {
                            is_open = cv.wait(is_open).unwrap_or_else(|e| e.into_inner());
                        }
                        drop(is_open);
                        if client.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = client.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        GatedProxy { addr, gate }
    }

    /// Lets every held and later answer through.
    pub fn open(&self) {
        let (open, cv) = &*self.gate;
        *open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
    }
}
