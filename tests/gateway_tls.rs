//! TLS end to end with the real binary: HTTPS on the listener (plain HTTP refused),
//! client certificates required or optional (a CA's certificate accepted, another CA's
//! refused), TLS towards a tcp backend (the right CA answers, a wrong one is 502), and
//! `https://` http backends served by a tokio-rustls + hyper host started here.
//! Every certificate is made here with rcgen in a temp dir: nothing is shipped.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use common::gateway::PATIENCE;
use common::http_host::{self, FORD_CP037, VEH_REQ_CPY, VEH_RSP_CPY};
use common::pki::{certs, client, key, pki, provider, server as host_config, Ca};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};

// --- clients -----------------------------------------------------------------------------

/// `GET path` with `Connection: close`; the status and the whole response text.
fn exchange(s: &mut (impl Read + Write), path: &str) -> io::Result<(u16, String)> {
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    s.flush()?;
    let mut buf = Vec::new();
    match s.read_to_end(&mut buf) {
        Ok(_) => {}
        // A peer closing without close_notify after a whole answer is fine here.
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !buf.is_empty() => {}
        Err(e) => return Err(e),
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| io::Error::other(format!("not an HTTP response: {text:?}")))?;
    Ok((status, text))
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s
}

fn https_get(port: u16, config: Arc<ClientConfig>, path: &str) -> io::Result<(u16, String)> {
    let name = ServerName::try_from("localhost").unwrap();
    let conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
    exchange(&mut rustls::StreamOwned::new(conn, connect(port)), path)
}

fn http_get(port: u16, path: &str) -> io::Result<(u16, String)> {
    exchange(&mut connect(port), path)
}

// --- ferrule serve -----------------------------------------------------------------------

/// A running `ferrule serve`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Writes `config` as `dir/ferrule.toml` and serves it; returns once it listens.
    fn start(dir: &Path, config: &str) -> Serve {
        let path = dir.join("ferrule.toml");
        std::fs::write(&path, config).unwrap();
        let log = dir.join("serve.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["serve", "--config"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx.recv_timeout(PATIENCE).unwrap_or_default();
        let port = line
            .rsplit_once("127.0.0.1:")
            .and_then(|(_, p)| p.trim().parse().ok());
        let serve = Serve {
            child,
            port: port.unwrap_or(0),
            log,
        };
        assert!(
            port.is_some(),
            "no listening line: {line:?}\n{}",
            serve.log()
        );
        serve
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// `[server]` on port 0 with `[server.tls]` from the test PKI and these extra keys.
fn tls_server(dir: &Path, extra: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n\n[server.tls]\ncert = \"{}\"\nkey = \"{}\"\n{extra}\n",
        dir.join("server.pem").display(),
        dir.join("server.key").display(),
    )
}

// --- tests -------------------------------------------------------------------------------

#[test]
fn https_listener_answers_and_plain_http_is_refused() {
    let pki = pki();
    let d = pki.path();
    let serve = Serve::start(d, &tls_server(d, ""));
    let (status, text) = https_get(serve.port, client(d, "ca.pem", None), "/healthz").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = http_get(serve.port, "/healthz");
    assert!(plain.is_err(), "{plain:?}");
    // A client that does not trust the gateway's CA does not get through either.
    let untrusting = https_get(serve.port, client(d, "other-ca.pem", None), "/healthz");
    assert!(untrusting.is_err(), "{untrusting:?}");
    // The gateway still serves after those.
    let (status, _) = https_get(serve.port, client(d, "ca.pem", None), "/healthz").unwrap();
    assert_eq!(status, 200);
}

#[test]
fn required_client_certificates_come_from_the_ca_bundle() {
    let pki = pki();
    let d = pki.path();
    let extra = format!(
        "client_auth = \"required\"\nclient_ca = \"{}\"",
        d.join("ca.pem").display()
    );
    let serve = Serve::start(d, &tls_server(d, &extra));
    // No certificate: the handshake fails, no HTTP answer.
    let none = https_get(serve.port, client(d, "ca.pem", None), "/healthz");
    assert!(none.is_err(), "{none:?}");
    // A certificate from the CA: served.
    let (status, text) =
        https_get(serve.port, client(d, "ca.pem", Some("client")), "/healthz").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    // Same subject, another CA: refused.
    let other = https_get(
        serve.port,
        client(d, "ca.pem", Some("other-client")),
        "/healthz",
    );
    assert!(other.is_err(), "{other:?}");
}

#[test]
fn https_with_client_certificates_is_served_from_threads_too() {
    // `[server] threads = 2`: handshakes and calls happen on the serving threads.
    let pki = pki();
    let d = pki.path();
    let extra = format!(
        "client_auth = \"required\"\nclient_ca = \"{}\"",
        d.join("ca.pem").display()
    );
    let config = tls_server(d, &extra).replacen("[server]\n", "[server]\nthreads = 2\n", 1);
    let serve = Serve::start(d, &config);
    for _ in 0..4 {
        let (status, text) =
            https_get(serve.port, client(d, "ca.pem", Some("client")), "/healthz").unwrap();
        assert_eq!(status, 200, "{text}\n{}", serve.log());
    }
    let none = https_get(serve.port, client(d, "ca.pem", None), "/healthz");
    assert!(none.is_err(), "{none:?}");
}

#[test]
fn optional_client_certificates_let_anonymous_clients_in_but_not_bad_certificates() {
    let pki = pki();
    let d = pki.path();
    let extra = format!(
        "client_auth = \"optional\"\nclient_ca = \"{}\"",
        d.join("ca.pem").display()
    );
    let serve = Serve::start(d, &tls_server(d, &extra));
    let (status, _) = https_get(serve.port, client(d, "ca.pem", None), "/healthz").unwrap();
    assert_eq!(status, 200, "{}", serve.log());
    let (status, _) =
        https_get(serve.port, client(d, "ca.pem", Some("client")), "/healthz").unwrap();
    assert_eq!(status, 200);
    let other = https_get(
        serve.port,
        client(d, "ca.pem", Some("other-client")),
        "/healthz",
    );
    assert!(other.is_err(), "{other:?}");
}

/// A legacy host behind a TLS terminator (`NAME.pem`/`NAME.key`), requiring a client
/// certificate from `client_ca` when given: every len4 request gets the cp037 record
/// `00FORD`.
fn tls_host(dir: &Path, name: &str, client_ca: Option<&str>) -> u16 {
    let config = host_config(dir, name, client_ca);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let config = config.clone();
            thread::spawn(move || {
                let conn = ServerConnection::new(config).unwrap();
                let mut s = rustls::StreamOwned::new(conn, tcp);
                loop {
                    let mut head = [0u8; 4];
                    if s.read_exact(&mut head).is_err() {
                        return;
                    }
                    let mut req = vec![0u8; u32::from_be_bytes(head) as usize];
                    if s.read_exact(&mut req).is_err() {
                        return;
                    }
                    let mut out = (FORD_CP037.len() as u32).to_be_bytes().to_vec();
                    out.extend_from_slice(FORD_CP037);
                    if s.write_all(&out).and_then(|()| s.flush()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn tcp_backend_over_tls_answers_and_a_wrong_ca_or_missing_client_cert_is_502() {
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    let plain = tls_host(d, "server", None);
    let mtls = tls_host(d, "server", Some("ca.pem"));
    // Relative paths: resolved against the config file's directory.
    let config = backends_config(&[
        (
            "good",
            format!("127.0.0.1:{plain}"),
            r#"ca = "ca.pem", server_name = "localhost""#,
        ),
        (
            "wrong",
            format!("127.0.0.1:{plain}"),
            r#"ca = "other-ca.pem", server_name = "localhost""#,
        ),
        // No server_name: the address's host, 127.0.0.1, is in the certificate too.
        (
            "mtls",
            format!("127.0.0.1:{mtls}"),
            r#"ca = "ca.pem", cert = "client.pem", key = "client.key""#,
        ),
        ("nocert", format!("127.0.0.1:{mtls}"), r#"ca = "ca.pem""#),
    ]);
    let serve = Serve::start(d, &config);
    // Twice: the second call reuses the pooled TLS connection.
    for _ in 0..2 {
        let (status, text) = http_get(serve.port, "/v1/good/AB12CDE").unwrap();
        assert_eq!(status, 200, "{text}\n{}", serve.log());
        assert!(text.contains("\"FORD\""), "{text}");
    }
    let (status, text) = http_get(serve.port, "/v1/wrong/AB12CDE").unwrap();
    assert_eq!(status, 502, "{text}");
    // A host asking for a client certificate: the gateway's from the CA gets through,
    // none is refused (502).
    let (status, text) = http_get(serve.port, "/v1/mtls/AB12CDE").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    let (status, text) = http_get(serve.port, "/v1/nocert/AB12CDE").unwrap();
    assert_eq!(status, 502, "{text}");
}

#[test]
fn bad_tls_settings_are_config_problems() {
    let pki = pki();
    let d = pki.path();
    // Missing key file, an unknown client_auth, and a backend cert without its key.
    let config = r#"[server]
listen = "127.0.0.1:0"

[server.tls]
cert = "server.pem"
key = "missing.key"
client_auth = "sometimes"

[[backend]]
name = "b"
kind = "tcp"
address = "127.0.0.1:1"
tls = { ca = "ca.pem", cert = "client.pem" }
"#;
    std::fs::write(d.join("ferrule.toml"), config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config"])
        .arg(d.join("ferrule.toml"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("server.tls.client_auth"), "{text}");
    assert!(text.contains("backend[0].tls"), "{text}");
}

#[test]
fn sigterm_stops_the_tls_listener_cleanly() {
    let pki = pki();
    let d = pki.path();
    let mut serve = Serve::start(d, &tls_server(d, ""));
    let (status, _) = https_get(serve.port, client(d, "ca.pem", None), "/healthz").unwrap();
    assert_eq!(status, 200);
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&serve.child),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let start = std::time::Instant::now();
    let exit = loop {
        if let Some(s) = serve.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "still running:\n{}",
            serve.log()
        );
        thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}\n{}", serve.log());
    assert!(serve.log().contains("stopped"), "{}", serve.log());
}

/// `expired.pem`/`expired.key` for `localhost`, valid in 2000 only, from `expiry-ca.pem`.
fn expired_leaf(d: &Path) {
    let ca = Ca::new("Expiry CA");
    ca.write(&d.join("expiry-ca.pem"));
    ca.leaf_with(d, "expired", &["localhost"], "host", true, |p| {
        p.not_before = rcgen::date_time_ymd(2000, 1, 1);
        p.not_after = rcgen::date_time_ymd(2001, 1, 1);
    });
}

#[test]
fn tls_backend_failures_are_502_with_distinct_logged_reasons() {
    // An expired host certificate, a name the certificate does not carry, and a host that
    // answers the hello with something that is not TLS: each 502, each its own reason. A
    // TLS 1.3 host refusing a missing client certificate does so after the client's side
    // of the handshake is done: the log names its alert, CertificateRequired.
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    expired_leaf(d);
    let expired = tls_host(d, "expired", None);
    let plain = tls_host(d, "server", None);
    let mtls = tls_host(d, "server", Some("ca.pem"));
    let not_tls = TcpListener::bind("127.0.0.1:0").unwrap();
    let not_tls_port = not_tls.local_addr().unwrap().port();
    thread::spawn(move || {
        for s in not_tls.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
            let mut sink = [0u8; 1024];
            let _ = s.read(&mut sink);
        }
    });
    let config = backends_config(&[
        (
            "expired",
            format!("127.0.0.1:{expired}"),
            r#"ca = "expiry-ca.pem", server_name = "localhost""#,
        ),
        (
            "misnamed",
            format!("127.0.0.1:{plain}"),
            r#"ca = "ca.pem", server_name = "mainframe.example""#,
        ),
        (
            "nocert",
            format!("127.0.0.1:{mtls}"),
            r#"ca = "ca.pem", server_name = "localhost""#,
        ),
        (
            "nottls",
            format!("127.0.0.1:{not_tls_port}"),
            r#"ca = "ca.pem", server_name = "localhost""#,
        ),
    ]);
    let serve = Serve::start(d, &config);
    refused_with_logged_reasons(
        &serve,
        &[
            ("expired", "TLS handshake failed (certificate-expired)"),
            ("misnamed", "TLS handshake failed (name-mismatch)"),
            ("nottls", "TLS handshake failed (handshake-failed)"),
            ("nocert", "CertificateRequired"),
        ],
    );
}

#[test]
fn an_ims_connect_backend_over_tls_answers() {
    // IMS Connect behind AT-TLS: the IRM and segments travel inside the TLS session.
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs(&d.join("server.pem")), key(&d.join("server.key")))
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let mut s =
                rustls::StreamOwned::new(ServerConnection::new(config.clone()).unwrap(), tcp);
            let mut llll = [0u8; 4];
            if s.read_exact(&mut llll).is_err() {
                continue;
            }
            let mut rest = vec![0u8; u32::from_be_bytes(llll) as usize - 4];
            if s.read_exact(&mut rest).is_err() {
                continue;
            }
            // LLLL, one segment holding cp037 "00FORD" + 6 blanks, then *CSMOKY*.
            let mut out = vec![0, 0, 0, 32, 0, 16, 0, 0, 0xF0, 0xF0, 0xC6, 0xD6, 0xD9, 0xC4];
            out.extend([0x40; 6]);
            out.extend([0, 12, 0, 0, 0x5C, 0xC3, 0xE2, 0xD4, 0xD6, 0xD2, 0xE8, 0x5C]);
            let _ = s.write_all(&out).and_then(|()| s.flush());
        }
    });
    let config = format!(
        r#"[server]
listen = "127.0.0.1:0"

[[backend]]
name = "ims"
kind = "tcp"
address = "127.0.0.1:{port}"
tls = {{ ca = "ca.pem", server_name = "localhost" }}
protocol = "ims-connect"
ims = {{ datastore = "IMS1", trancode = "VEHQ" }}

[[route]]
method = "GET"
path = "/v1/ims/{{vrm}}"
backend = "ims"
request = {{ copybook = "req.cpy" }}
response = {{ copybook = "rsp.cpy" }}
set = {{ vrm = "{{vrm}}", tran_code = "VEHQ" }}
"#
    );
    let serve = Serve::start(d, &config);
    let (status, text) = http_get(serve.port, "/v1/ims/AB12CDE").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    assert!(text.contains("\"FORD\""), "{text}");
}

// --- https:// http backends --------------------------------------------------------------

/// An HTTP host behind TLS when `tls` is given (else plain HTTP): a POST of the 12-byte
/// cp037 request record starting `VEHQ` to `/veh` gets the cp037 record `00FORD`;
/// anything else is 400.
fn http_host(tls: Option<Arc<ServerConfig>>) -> u16 {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper::{Method, StatusCode};

    http_host::serve(tls, |req| async move {
        let post = req.method() == Method::POST && req.uri().path() == "/veh";
        let body = match req.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => Bytes::new(),
        };
        // "VEHQ" in cp037, then the 8-byte VRM.
        let good = post && body.len() == 12 && body.starts_with(b"\xE5\xC5\xC8\xD8");
        let mut rsp = hyper::Response::new(Full::new(Bytes::from_static(FORD_CP037)));
        if !good {
            *rsp.status_mut() = StatusCode::BAD_REQUEST;
        }
        rsp
    })
}

/// `[server]` on port 0 and, per `(name, target, tls)`, a backend with a
/// `GET /v1/NAME/{vrm}` route: an http backend when `target` is a URL, else a tcp one at
/// that address; `tls` is the inside of its `tls = { }`, or none when empty.
fn backends_config(backends: &[(&str, String, &str)]) -> String {
    let mut config = String::from("[server]\nlisten = \"127.0.0.1:0\"\n");
    for (name, target, tls) in backends {
        let target = if target.starts_with("http") {
            format!("kind = \"http\"\nurl = \"{target}\"")
        } else {
            format!("kind = \"tcp\"\naddress = \"{target}\"")
        };
        let tls = if tls.is_empty() {
            String::new()
        } else {
            format!("tls = {{ {tls} }}")
        };
        config.push_str(&format!(
            r#"
[[backend]]
name = "{name}"
{target}
{tls}

[[route]]
method = "GET"
path = "/v1/{name}/{{vrm}}"
backend = "{name}"
request = {{ copybook = "req.cpy" }}
response = {{ copybook = "rsp.cpy" }}
set = {{ vrm = "{{vrm}}", tran_code = "VEHQ" }}
"#
        ));
    }
    config
}

#[test]
fn https_backend_answers_and_presents_a_client_certificate() {
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    let host = http_host(Some(host_config(d, "server", None)));
    let mtls = http_host(Some(host_config(d, "server", Some("ca.pem"))));
    let config = backends_config(&[
        // No server_name: the URL's host, 127.0.0.1, is in the certificate.
        (
            "good",
            format!("https://127.0.0.1:{host}/veh"),
            r#"ca = "ca.pem""#,
        ),
        (
            "mtls",
            format!("https://127.0.0.1:{mtls}/veh"),
            r#"ca = "ca.pem", cert = "client.pem", key = "client.key", server_name = "localhost""#,
        ),
        (
            "nocert",
            format!("https://127.0.0.1:{mtls}/veh"),
            r#"ca = "ca.pem""#,
        ),
    ]);
    let serve = Serve::start(d, &config);
    // Twice: the second call goes over the pooled TLS connection.
    for _ in 0..2 {
        let (status, text) = http_get(serve.port, "/v1/good/AB12CDE").unwrap();
        assert_eq!(status, 200, "{text}\n{}", serve.log());
        assert!(text.contains("\"FORD\""), "{text}");
    }
    // A host requiring a client certificate: ours gets through, none is refused.
    let (status, text) = http_get(serve.port, "/v1/mtls/AB12CDE").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    assert!(text.contains("\"FORD\""), "{text}");
    let (status, text) = http_get(serve.port, "/v1/nocert/AB12CDE").unwrap();
    assert_eq!(status, 502, "{text}");
    let log = serve.log();
    assert!(log.contains("CertificateRequired"), "{log}");
}

#[test]
fn https_backend_failures_are_502_with_distinct_logged_reasons() {
    // An expired host certificate, a name the certificate does not carry, a CA that did not
    // sign it, and a plain HTTP host at an https URL: each 502, each its reason logged.
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    expired_leaf(d);
    let expired = http_host(Some(host_config(d, "expired", None)));
    let host = http_host(Some(host_config(d, "server", None)));
    let plain = http_host(None);
    let config = backends_config(&[
        (
            "expired",
            format!("https://127.0.0.1:{expired}/veh"),
            r#"ca = "expiry-ca.pem", server_name = "localhost""#,
        ),
        (
            "misnamed",
            format!("https://127.0.0.1:{host}/veh"),
            r#"ca = "ca.pem", server_name = "mainframe.example""#,
        ),
        (
            "stranger",
            format!("https://127.0.0.1:{host}/veh"),
            r#"ca = "other-ca.pem", server_name = "localhost""#,
        ),
        (
            "nottls",
            format!("https://127.0.0.1:{plain}/veh"),
            r#"ca = "ca.pem", server_name = "localhost""#,
        ),
        // The same plain host over http:// answers: the 502 above is the TLS, not the host.
        ("plain", format!("http://127.0.0.1:{plain}/veh"), ""),
    ]);
    let serve = Serve::start(d, &config);
    let (status, text) = http_get(serve.port, "/v1/plain/AB12CDE").unwrap();
    assert_eq!(status, 200, "{text}\n{}", serve.log());
    refused_with_logged_reasons(
        &serve,
        &[
            ("expired", "TLS handshake failed (certificate-expired)"),
            ("misnamed", "TLS handshake failed (name-mismatch)"),
            ("stranger", "TLS handshake failed (unknown-issuer)"),
            ("nottls", "TLS handshake failed (handshake-failed)"),
        ],
    );
}

#[test]
fn bad_https_backend_settings_are_config_problems() {
    // tls on an http:// URL, an https:// URL without tls, a CA file that does not exist,
    // and a client certificate without its key: each named at its backend's `tls`.
    let pki = pki();
    let d = pki.path();
    let config = r#"[server]
listen = "127.0.0.1:0"

[[backend]]
name = "a"
kind = "http"
url = "http://127.0.0.1:1/x"
tls = { ca = "ca.pem" }

[[backend]]
name = "b"
kind = "http"
url = "https://127.0.0.1:1/x"

[[backend]]
name = "c"
kind = "http"
url = "https://127.0.0.1:1/x"
tls = { ca = "missing-ca.pem" }

[[backend]]
name = "d"
kind = "http"
url = "https://127.0.0.1:1/x"
tls = { ca = "ca.pem", cert = "client.pem" }

[[backend]]
name = "e"
kind = "http"
url = "https://127.0.0.1:1/x"
tls = { ca = "ca.pem", cert = "client.pem", key = "client.key" }
"#;
    std::fs::write(d.join("ferrule.toml"), config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config"])
        .arg(d.join("ferrule.toml"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    for (i, says) in [
        (0, "use an https:// URL"),
        (1, "an https URL needs"),
        (2, "missing-ca.pem"),
        (3, "key: required with cert"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("backend[{i}].tls")))
            .unwrap_or_else(|| panic!("no backend[{i}].tls in {text}"));
        assert!(line.contains(says), "{line}\n{text}");
    }
    // The well-formed one is not reported.
    assert!(!text.contains("backend[4]"), "{text}");
}

/// Each route `/v1/NAME/AB12CDE` answers 502, and its reason is in the operator's log,
/// never in the client's body.
#[test]
fn a_host_that_never_finishes_the_handshake_is_unreachable_within_the_connect_timeout() {
    // It takes the TCP connection and then says nothing: without a bound on the
    // handshake the call would wait for the whole 10 s exchange timeout (a 504).
    let pki = pki();
    let d = pki.path();
    std::fs::write(d.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(d.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming() {
            held.extend(s.ok());
        }
    });
    let tls = r#"ca = "ca.pem", server_name = "localhost""#;
    let config = backends_config(&[
        ("silent", format!("https://127.0.0.1:{port}/veh"), tls),
        ("silenttcp", format!("127.0.0.1:{port}"), tls),
    ])
    .replace(
        "name = \"silent\"\n",
        "name = \"silent\"\nconnect_timeout_ms = 300\ntimeout_ms = 10000\n",
    )
    .replace(
        "name = \"silenttcp\"\n",
        "name = \"silenttcp\"\nconnect_timeout_ms = 300\ntimeout_ms = 10000\n",
    );
    let serve = Serve::start(d, &config);
    refused_with_logged_reasons(
        &serve,
        &[
            ("silent", "TLS handshake did not finish within 300ms"),
            ("silenttcp", "no connection within 300ms"),
        ],
    );
}

fn refused_with_logged_reasons(serve: &Serve, cases: &[(&str, &str)]) {
    for (name, reason) in cases {
        let (status, text) = http_get(serve.port, &format!("/v1/{name}/AB12CDE")).unwrap();
        assert_eq!(status, 502, "{name}: {text}");
        assert!(!text.contains(reason), "{text}");
        let log = serve.log();
        assert!(log.contains(reason), "{name}: {log}");
    }
}
