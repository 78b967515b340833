//! `ferrule check` refuses configs that would fail on every call (a `set` constant that
//! does not fit its field, an http backend URL that does not parse), names each problem
//! at its file:line:column like a compiler, and `serve` (at start and on SIGHUP) refuses
//! them the same way.

mod common;

use std::path::{Path, PathBuf};

use common::gateway::*;
use common::*;

/// A config in its own folder beside copies of the vehicle enquiry copybooks.
struct Config {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Config {
    fn write(text: &str) -> Config {
        let dir = tempfile::tempdir().expect("tempdir");
        for cpy in ["vehenq-req.cpy", "vehenq-rsp.cpy"] {
            std::fs::copy(samples().join(cpy), dir.path().join(cpy)).expect("copy");
        }
        let path = dir.path().join("ferrule.toml");
        std::fs::write(&path, text).expect("write");
        Config { _dir: dir, path }
    }

    fn path(&self) -> &str {
        path_str(&self.path)
    }
}

/// A route with `set` on line 20 and an http backend with `url` on line 12.
fn config_text(set: &str, url: &str) -> String {
    format!(
        r#"[server]
listen = "127.0.0.1:0"

[[backend]]
name = "vehicles"
kind = "tcp"
address = "127.0.0.1:7001"

[[backend]]
name = "web"
kind = "http"
url = "{url}"

[[route]]
method = "GET"
path = "/v1/vehicles/{{vrm}}"
backend = "vehicles"
request = {{ copybook = "vehenq-req.cpy" }}
response = {{ copybook = "vehenq-rsp.cpy" }}
set = {set}
"#
    )
}

const GOOD_SET: &str = r#"{ tran_code = "VEHQ", vrm = "{vrm}", requesting_force = "62" }"#;
const BAD_SET: &str = r#"{ tran_code = "VEHICLEQ", vrm = "{vrm}", requesting_force = "ABC" }"#;

/// Column (1-based) of `needle` in line `line` (1-based) of `text`.
fn column(text: &str, line: usize, needle: &str) -> usize {
    let l = text.lines().nth(line - 1).expect("line");
    l.find(needle).expect("needle") + 1
}

#[test]
fn a_config_that_would_fail_every_call_is_refused_with_file_line_and_column() {
    let text = config_text(BAD_SET, "not a url");
    let config = Config::write(&text);
    let out = ferrule(&["check", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    let file = config.path();
    let tran = column(&text, 20, "tran_code");
    let force = column(&text, 20, "requesting_force");
    for want in [
        format!(
            "{file}:20:{tran}: error: route[0].set.tran_code: \"VEHICLEQ\" does not fit PIC X(4): text of 8 bytes"
        ),
        format!(
            "{file}:20:{force}: error: route[0].set.requesting_force: \"ABC\" does not fit PIC 9(2): "
        ),
        format!("{file}:12:1: error: backend[1].url: invalid URL `not a url`"),
        format!("{file}: 3 problems found"),
    ] {
        assert!(err.contains(&want), "missing {want:?} in:\n{err}");
    }
    // One line per problem, each starting with its place.
    assert_eq!(
        err.lines().filter(|l| l.starts_with(file)).count(),
        4,
        "{err}"
    );
}

#[test]
fn urls_the_connector_cannot_use_are_refused() {
    for (url, why) in [
        ("ftp://host/x", "scheme ftp is not supported"),
        ("/legacy/path", "no scheme"),
    ] {
        let config = Config::write(&config_text(GOOD_SET, url));
        let out = ferrule(&["check", "--config", config.path()], b"");
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(stderr(&out).contains(why), "{url}: {}", stderr(&out));
    }
    // A good one passes, and the count agrees with its nouns.
    let config = Config::write(&config_text(GOOD_SET, "http://127.0.0.1:9/legacy"));
    let out = ferrule(&["check", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ok (2 backends, 1 route)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_zero_body_limit_is_refused_at_its_line() {
    let text = config_text(GOOD_SET, "http://127.0.0.1:9/legacy")
        .replace("[server]\n", "[server]\nmax_body_bytes = 0\n");
    let config = Config::write(&text);
    let out = ferrule(&["check", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:2:", config.path())) && err.contains("max_body_bytes"),
        "{err}"
    );
    assert!(err.contains("would refuse every request body"), "{err}");
}

#[test]
fn toml_errors_are_located_too() {
    let config = Config::write("[server]\nlisten = \"127.0.0.1:0\"\ncolour = \"red\"\n");
    let out = ferrule(&["check", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:3:1: error: unknown field `colour`",
            config.path()
        )),
        "{err}"
    );
}

#[test]
fn serve_refuses_such_a_config_the_same_way() {
    let config = Config::write(&config_text(BAD_SET, "http://127.0.0.1:9/"));
    let out = ferrule(&["serve", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("route[0].set.tran_code: \"VEHICLEQ\" does not fit PIC X(4)"),
        "{err}"
    );
    assert!(err.contains(&format!("{}:20:", config.path())), "{err}");
}

#[test]
fn a_reload_to_such_a_config_keeps_the_old_one() {
    let config = Config::write(&config_text(GOOD_SET, "http://127.0.0.1:9/"));
    let log = config.path.with_file_name("serve.log");
    let mut gw = Gateway::start_file(Path::new(config.path()), &log);
    std::fs::write(&config.path, config_text(BAD_SET, "http://127.0.0.1:9/")).expect("write");
    gw.signal(Signal::HUP);
    wait_for("the reload to be rejected", || {
        gw.metric("ferrule_config_reloads_total", &[r#"outcome="rejected""#])
    });
    let text = gw.log_text();
    assert!(text.contains("does not fit PIC X(4)"), "{text}");
    // Still serving the old routes.
    assert!(gw.running());
    let doc = gw.get("/openapi.json").json();
    assert!(doc["paths"]["/v1/vehicles/{vrm}"].is_object(), "{doc}");
}

#[test]
fn every_backend_problem_is_listed_at_its_key() {
    // Two mistakes in two `[[backend]]` tables, a wrong type (line 8) and a key of another
    // kind (line 14): both listed at once, each at file:line:column naming its key.
    let text = config_text(GOOD_SET, "http://127.0.0.1:9/")
        .replace(
            "address = \"127.0.0.1:7001\"\n",
            "address = \"127.0.0.1:7001\"\nmax_sessions = \"many\"\n",
        )
        .replace(
            "url = \"http://127.0.0.1:9/\"\n",
            "url = \"http://127.0.0.1:9/\"\naddress = \"127.0.0.1:7002\"\n",
        );
    let config = Config::write(&text);
    let out = ferrule(&["check", "--config", config.path()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let file = config.path();
    assert!(
        err.contains(&format!(
            "{file}:8:1: error: backend[0].max_sessions: invalid type"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:14:1: error: backend[1].address: unknown field `address`"
        )),
        "{err}"
    );
    // A kind nobody knows: named at `kind`, with the ones there are.
    let config = Config::write(&text.replace("kind = \"http\"", "kind = \"ftp\""));
    let err = stderr(&ferrule(&["check", "--config", config.path()], b""));
    assert!(
        err.contains(&format!(
            "{}:12:1: error: backend[1].kind: `ftp`: expected tcp, http or exec",
            config.path()
        )),
        "{err}"
    );
}
