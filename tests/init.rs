//! `ferrule init` end to end: init on the sample vehicle enquiry copybooks -> `ferrule
//! check` accepts the file -> `ferrule serve` serves it in front of `ferrule mock` -> a
//! call answers the record's JSON, an unknown key the not-found status. Both the POST
//! default and the GET `--key` variant; then the inputs init must refuse without
//! writing anything. Real binary, real sockets, 127.0.0.1 and port 0 only.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::gateway::{host_mut, sample_mock, samples, Gateway, Mock, Reply};
use common::{ferrule, path_str, stderr, stdout};

fn req_cpy() -> PathBuf {
    samples().join("vehenq-req.cpy")
}

fn rsp_cpy() -> PathBuf {
    samples().join("vehenq-rsp.cpy")
}

/// `ferrule init` with the sample pair, the given backend and extra options, writing
/// into `dir`; returns the config path and the process output.
fn init(dir: &Path, backend: &str, extra: &[&str]) -> (PathBuf, std::process::Output) {
    let out = dir.join("ferrule.toml");
    let (req, rsp) = (req_cpy(), rsp_cpy());
    let mut args = vec![
        "init",
        "--copybook",
        path_str(&req),
        "--copybook",
        path_str(&rsp),
        "--backend",
        backend,
        "--listen",
        "127.0.0.1:0",
        "--output",
        path_str(&out),
    ];
    args.extend_from_slice(extra);
    let o = ferrule(&args, b"");
    (out, o)
}

/// `ferrule check` on the file: exit 0 and its ok line.
fn check_ok(config: &Path) {
    let o = ferrule(&["check", "--config", path_str(config)], b"");
    assert!(o.status.success(), "check failed: {}", stderr(&o));
    assert!(
        stdout(&o).contains("ok (1 backend, 1 route)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn post_route_serves_at_once() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let backend = mock.addr("vehicles").to_string();
    let (config, o) = init(dir.path(), &backend, &["--status", "4=404"]);
    assert!(o.status.success(), "init failed: {}", stderr(&o));
    // What was written, and the next commands, are printed.
    let said = stdout(&o);
    assert!(said.contains("wrote "), "{said}");
    assert!(said.contains("route POST /v1/vehenq"), "{said}");
    assert!(said.contains("ferrule serve --config"), "{said}");
    assert!(said.contains("curl -X POST"), "{said}");
    // No value the host knows was given: the field to fill is named, not left blank.
    assert!(
        said.contains("fill in \"vrm\" below with a value the host knows first"),
        "{said}"
    );

    let text = std::fs::read_to_string(&config).unwrap();
    // Copybook paths are relative to the config's directory, and resolve from it.
    assert!(!text.contains("copybook = \"/"), "{text}");
    // The return code was found, mapped and omitted; the file ends with the curl line.
    assert!(
        text.contains(
            "status = { field = \"return_code\", map = { \"0\" = 200, \"4\" = 404, \"*\" = 502 } }"
        ),
        "{text}"
    );
    assert!(text.contains("omit = [\"return_code\"]"), "{text}");
    // TRAN-CODE has no VALUE in the sample: the file says how to set it.
    assert!(text.contains("TRAN-CODE has no VALUE clause"), "{text}");
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(last.starts_with("#     -d '{"), "{last}");

    check_ok(&config);
    let gw = Gateway::start_file(&config, &dir.path().join("serve.log"));
    let r = gw.post_json("/v1/vehenq", r#"{"vrm":"AB12CDE"}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["vrm"], "AB12CDE");
    assert_eq!(v["make"], "VAUXHALL");
    assert_eq!(v["keeper"]["keeper_postcode"], "SA1 3SN");
    assert!(v.get("return_code").is_none(), "omitted: {v}");
    // An unknown registration: the host's code 4, mapped to 404.
    let r = gw.post_json("/v1/vehenq", r#"{"vrm":"ZZ99ZZZ"}"#);
    assert_eq!(r.status, 404, "{}", r.text());
    // The example body the file shows is accepted too (blank key: nothing found).
    let body = last.trim_start_matches("#     -d '").trim_end_matches('\'');
    let r = gw.post_json("/v1/vehenq", body);
    assert_eq!(r.status, 404, "{}", r.text());
}

/// The sample response copybook with level-88 names on its return code, in `dir`.
fn rsp_with_conditions(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(rsp_cpy()).unwrap();
    let marked = text.replacen(
        "05  RETURN-CODE             PIC 9(2).\n",
        "05  RETURN-CODE             PIC 9(2).\n\
         \x20              88  RC-OK                VALUE 0.\n\
         \x20              88  RC-NOT-FOUND         VALUE 4.\n\
         \x20              88  RC-INVALID           VALUE 8.\n",
        1,
    );
    assert_ne!(marked, text, "the sample's RETURN-CODE line changed");
    let path = dir.join("vehenq-rsp-88.cpy");
    std::fs::write(&path, marked).unwrap();
    path
}

#[test]
fn get_route_with_key_serves_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // The mock answers with the 88-annotated copy (same bytes; only names added), so
    // init maps the not-found code from the copybook alone, without --status.
    let rsp = rsp_with_conditions(dir.path());
    let mut mock_cfg = sample_mock(false);
    let mut response = toml::Table::new();
    response.insert("copybook".into(), path_str(&rsp).into());
    host_mut(&mut mock_cfg, "vehicles").insert("response".into(), response.into());
    let mock = Mock::start(&mock_cfg);
    let backend = mock.addr("vehicles").to_string();
    let sub = dir.path().join("conf");
    std::fs::create_dir(&sub).unwrap();
    let out = sub.join("gw.toml");
    let o = ferrule(
        &[
            "init",
            "--copybook",
            path_str(&req_cpy()),
            "--copybook",
            path_str(&rsp),
            "--backend",
            &backend,
            "--listen",
            "127.0.0.1:0",
            "--method",
            "get",
            "--key",
            "VRM",
            "--set",
            "tran_code=VEHQ",
            "--output",
            path_str(&out),
        ],
        b"",
    );
    assert!(o.status.success(), "init failed: {}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("path = \"/v1/vehenq/{vrm}\""), "{text}");
    assert!(
        text.contains("set = { vrm = \"{vrm}\", tran_code = \"VEHQ\" }"),
        "{text}"
    );
    // The copy sits one level up from the config: a `../` path.
    assert!(
        text.contains("response = { copybook = \"../vehenq-rsp-88.cpy\" }"),
        "{text}"
    );
    // From the 88 names: 4 (RC-NOT-FOUND) -> 404, 8 (RC-INVALID) -> 400.
    assert!(
        text.contains("map = { \"0\" = 200, \"4\" = 404, \"8\" = 400, \"*\" = 502 }"),
        "{text}"
    );
    // Set by --set: no hint about the transaction code.
    assert!(!text.contains("TRAN-CODE has no VALUE"), "{text}");
    assert!(
        text.contains("curl 'http://127.0.0.1:0/v1/vehenq/<vrm>'"),
        "{text}"
    );
    // No example known: the file says what to replace, and has no `examples`.
    assert!(
        text.contains("# replace <vrm> with what the host knows"),
        "{text}"
    );
    assert!(!text.contains("examples ="), "{text}");

    check_ok(&out);
    let gw = Gateway::start_file(&out, &dir.path().join("serve.log"));
    let r = gw.get("/v1/vehenq/AB12CDE");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["make"], "VAUXHALL");
    assert_eq!(v["message_text"], "VEHICLE FOUND");
    let r = gw.get("/v1/vehenq/ZZ99ZZZ");
    assert_eq!(r.status, 404, "{}", r.text());
}

#[test]
fn stdout_prints_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (config, o) = init(dir.path(), "127.0.0.1:7001", &["--stdout"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!config.exists(), "--stdout wrote a file");
    // Stdout is the file alone: valid TOML with the route; the notes went to stderr.
    let t: toml::Table = stdout(&o).parse().unwrap();
    assert_eq!(t["route"][0]["path"].as_str(), Some("/v1/vehenq"));
    assert!(
        stderr(&o).contains("checked (not written)"),
        "{}",
        stderr(&o)
    );
}

/// Runs init expecting a refusal: non-zero exit, nothing at the output path.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("ferrule.toml");
    let mut all: Vec<&str> = vec!["init", "--output", path_str(&out)];
    all.extend_from_slice(args);
    let o = ferrule(&all, b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.exists(), "a file was written: {}", stderr(&o));
    stderr(&o)
}

#[test]
fn bad_input_is_refused_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let req = path_str(&req_cpy()).to_string();
    let rsp = path_str(&rsp_cpy()).to_string();
    let with = |a: &str, b: &str, backend: &str| {
        vec![
            "--copybook".to_string(),
            a.to_string(),
            "--copybook".into(),
            b.to_string(),
            "--backend".into(),
            backend.to_string(),
        ]
    };
    let run = |args: Vec<String>, extra: &[&str]| {
        let mut v: Vec<&str> = args.iter().map(String::as_str).collect();
        v.extend_from_slice(extra);
        refused(dir.path(), &v)
    };

    // A copybook that does not exist: named.
    let missing = dir.path().join("missing.cpy");
    let e = run(with(path_str(&missing), &rsp, "127.0.0.1:7001"), &[]);
    assert!(
        e.contains("cannot read") && e.contains("missing.cpy"),
        "{e}"
    );

    // A syntax error: reported like every command reports it, with line and column.
    let bad = dir.path().join("bad.cpy");
    std::fs::write(&bad, "       01 REQ.\n          05 A PIC X(4.\n").unwrap();
    let e = run(with(&req, path_str(&bad), "127.0.0.1:7001"), &[]);
    assert!(e.contains("bad.cpy:2:23"), "{e}");

    // A backend that is not HOST:PORT.
    for backend in ["localhost", "127.0.0.1:http", "http://host:80"] {
        let e = run(with(&req, &rsp, backend), &[]);
        assert!(e.contains("--backend"), "{backend}: {e}");
    }

    // GET without --key; a --key the request does not have.
    let e = run(with(&req, &rsp, "h:1"), &["--method", "GET"]);
    assert!(e.contains("--key"), "{e}");
    let e = run(with(&req, &rsp, "h:1"), &["--key", "nope"]);
    assert!(e.contains("no elementary") && e.contains("vrm"), "{e}");

    // One copybook only.
    let e = run(
        vec![
            "--copybook".into(),
            req.clone(),
            "--backend".into(),
            "h:1".into(),
        ],
        &[],
    );
    assert!(e.contains("twice"), "{e}");

    // Options with unknown values are named.
    let e = run(with(&req, &rsp, "h:1"), &["--codepage", "cp999"]);
    assert!(e.contains("--codepage"), "{e}");
    let e = run(with(&req, &rsp, "h:1"), &["--framing", "bogus"]);
    assert!(e.contains("--framing"), "{e}");
    let e = run(with(&req, &rsp, "h:1"), &["--status", "4=999"]);
    assert!(e.contains("not an HTTP status"), "{e}");
}

#[test]
fn existing_output_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ferrule.toml");
    std::fs::write(&out, "# mine\n").unwrap();
    let (_, o) = init(dir.path(), "127.0.0.1:7001", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    // --force replaces it with a config check accepts.
    let (_, o) = init(dir.path(), "127.0.0.1:7001", &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    check_ok(&out);
}

/// The shell words of a command line as `sh` reads the quoting init uses: `'...'`
/// strings and the `'\''` escape; words split on spaces outside quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            '\\' if !quoted => {
                if let Some(n) = chars.next() {
                    word.push(n);
                    started = true;
                }
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quotes in {line}");
    if started {
        words.push(word);
    }
    words
}

/// The curl command init printed (its `\`-continued lines joined), sent as printed to
/// `gw`: method, path and query, headers and body; only `127.0.0.1:0`, where init was
/// told the gateway listens, becomes the gateway's real address.
fn run_printed_curl(said: &str, gw: &Gateway) -> Reply {
    let mut lines = said
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("curl "));
    let mut command = String::new();
    for l in lines.by_ref() {
        let l = l.trim();
        match l.strip_suffix(" \\") {
            Some(more) => {
                command.push_str(more);
                command.push(' ');
            }
            None => {
                command.push_str(l);
                break;
            }
        }
    }
    let words = shell_words(&command);
    assert_eq!(words.first().map(String::as_str), Some("curl"), "{command}");
    let (mut method, mut url, mut body) = (None, None, None);
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "-X" => method = it.next().cloned(),
            "-d" => body = it.next().cloned(),
            "-H" => {
                let h = it.next().unwrap();
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
            other if other.starts_with("http://") => url = Some(other.to_string()),
            other => panic!("an option the test does not know: {other} in {command}"),
        }
    }
    let method = method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.into());
    let url = url.unwrap();
    let target = url
        .strip_prefix("http://127.0.0.1:0")
        .unwrap_or_else(|| panic!("not the listen address: {url}"));
    assert!(!target.contains(['<', '>']), "placeholders left: {command}");
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    gw.request(&method, target, &hs, body.unwrap_or_default().as_bytes())
}

#[test]
fn printed_call_with_an_example_gets_an_answer() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let backend = mock.addr("vehicles").to_string();
    let (config, o) = init(dir.path(), &backend, &["--example", "vrm=AB12CDE"]);
    assert!(o.status.success(), "init failed: {}", stderr(&o));
    let said = stdout(&o);
    assert!(said.contains(r#""vrm":"AB12CDE""#), "{said}");
    assert!(!said.contains("fill in"), "{said}");
    let text = std::fs::read_to_string(&config).unwrap();
    // A body field is no parameter: no `examples`; the file's call carries the value.
    assert!(!text.contains("examples ="), "{text}");
    assert!(text.contains(r#""vrm":"AB12CDE""#), "{text}");
    check_ok(&config);
    let gw = Gateway::start_file(&config, &dir.path().join("serve.log"));
    let r = run_printed_curl(&said, &gw);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["make"], "VAUXHALL");
}

#[test]
fn get_route_example_is_written_and_its_printed_call_gets_an_answer() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let backend = mock.addr("vehicles").to_string();
    let extra = [
        "--method",
        "GET",
        "--key",
        "VRM",
        "--set",
        "tran_code=VEHQ",
        "--example",
        "VRM=AB12CDE",
    ];
    let (config, o) = init(dir.path(), &backend, &extra);
    assert!(o.status.success(), "init failed: {}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("curl 'http://127.0.0.1:0/v1/vehenq/AB12CDE'"),
        "{said}"
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("examples = { vrm = \"AB12CDE\" }"), "{text}");
    check_ok(&config);
    let gw = Gateway::start_file(&config, &dir.path().join("serve.log"));
    let r = run_printed_curl(&said, &gw);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["vrm"], "AB12CDE");
    // The example reaches the API description too.
    let doc = gw.get("/openapi.json").text();
    assert!(doc.contains("AB12CDE"), "{doc}");
}

#[test]
fn a_key_fields_value_clause_is_the_example() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(req_cpy()).unwrap();
    let valued = text.replacen(
        "05  VRM                     PIC X(8).",
        "05  VRM                     PIC X(8) VALUE 'AB12CDE'.",
        1,
    );
    assert_ne!(valued, text, "the sample's VRM line changed");
    let req = dir.path().join("vehenq-req-value.cpy");
    std::fs::write(&req, valued).unwrap();
    let out = dir.path().join("ferrule.toml");
    let backend = mock.addr("vehicles").to_string();
    let o = ferrule(
        &[
            "init",
            "--copybook",
            path_str(&req),
            "--copybook",
            path_str(&rsp_cpy()),
            "--backend",
            &backend,
            "--listen",
            "127.0.0.1:0",
            "--method",
            "GET",
            "--key",
            "vrm",
            "--output",
            path_str(&out),
        ],
        b"",
    );
    assert!(o.status.success(), "init failed: {}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("examples = { vrm = \"AB12CDE\" }"), "{text}");
    check_ok(&out);
    let gw = Gateway::start_file(&out, &dir.path().join("serve.log"));
    let r = run_printed_curl(&stdout(&o), &gw);
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn bad_examples_are_refused_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let (req, rsp) = (req_cpy(), rsp_cpy());
    let base = [
        "--copybook",
        path_str(&req),
        "--copybook",
        path_str(&rsp),
        "--backend",
        "h:1",
    ];
    let run = |extra: &[&str]| refused(dir.path(), &[&base[..], extra].concat());
    // Not FIELD=VALUE; a field the request does not have.
    let e = run(&["--example", "AB12CDE"]);
    assert!(
        e.contains("--example `AB12CDE`: expected NAME=VALUE"),
        "{e}"
    );
    let e = run(&["--example", "nope=1"]);
    assert!(
        e.contains("--example `nope=1`") && e.contains("no elementary"),
        "{e}"
    );
    // A field --set fills with a constant.
    let e = run(&["--set", "tran_code=VEHQ", "--example", "tran_code=X"]);
    assert!(e.contains("set to the constant `VEHQ`"), "{e}");
    // A GET route sends no body: a field outside --key and --set is not sent.
    let e = run(&["--method", "GET", "--key", "vrm", "--example", "user_id=X"]);
    assert!(e.contains("is not sent"), "{e}");
    // Given twice.
    let e = run(&["--example", "vrm=A", "--example", "VRM=B"]);
    assert!(e.contains("has an example already"), "{e}");
    // A value that does not fit its field: checked like `examples` in the file.
    let e = run(&[
        "--method",
        "GET",
        "--key",
        "vrm",
        "--example",
        "vrm=TOOLONGVALUE",
    ]);
    assert!(e.contains("examples.vrm") && e.contains("PIC X(8)"), "{e}");
}
