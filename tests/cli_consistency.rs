//! The commands agree with each other: the same short options, help in each command's
//! own words, only the options a command uses, unambiguous names, and values shown as
//! they are stored.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::gateway::samples;
use common::*;

fn help(command: &str) -> String {
    let out = ferrule(&[command, "--help"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn select_help_is_worded_per_command() {
    assert!(help("decode").contains("Decode this REDEFINES alternative"));
    for command in ["encode", "layout", "schema"] {
        let h = help(command);
        assert!(h.contains("--select"), "{command}");
        assert!(!h.contains("Decode this"), "{command}: {h}");
    }
}

#[test]
fn encode_lists_only_what_encode_uses() {
    let h = help("encode");
    for decode_only in [
        "--redefines",
        "--numbers-as-strings",
        "--no-progress",
        // `--on-error null` (`--blank-numbers null` is for both).
        "null: Keep bad records",
    ] {
        assert!(!h.contains(decode_only), "{decode_only} in:\n{h}");
    }
    let d = help("decode");
    for both in ["--redefines", "--numbers-as-strings", "--on-error"] {
        assert!(d.contains(both), "{both}");
    }
}

#[test]
fn init_takes_c_like_every_other_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (req, rsp) = (
        samples().join("vehenq-req.cpy"),
        samples().join("vehenq-rsp.cpy"),
    );
    let out = ferrule(
        &[
            "init",
            "-c",
            path_str(&req),
            "-c",
            path_str(&rsp),
            "--backend",
            "127.0.0.1:7001",
            "--stdout",
            "-o",
            path_str(&dir.path().join("ferrule.toml")),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("[[route]]"));
}

#[test]
fn demo_names_its_listing_flag_listing() {
    let out = ferrule(&["demo", "--records", "--listing"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("LEVEL "), "{text}");
    // `--layout` (a path in decode) is not advertised here, but old scripts still work.
    assert!(!help("demo").contains("--layout"));
    let old = ferrule(&["demo", "--records", "--layout"], b"");
    assert_eq!(old.stdout, out.stdout);
}

#[test]
fn serve_listen_overrides_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("ferrule.toml");
    // An address this machine does not have: serving it would fail.
    std::fs::write(&config, "[server]\nlisten = \"192.0.2.1:8080\"\n").expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args([
            "serve",
            "--config",
            path_str(&config),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    let _ = BufReader::new(stdout).read_line(&mut line);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        line.starts_with("ferrule: listening on http://127.0.0.1:"),
        "{line:?}"
    );
    // A bad address is named as the option it came from.
    let out = ferrule(
        &[
            "serve",
            "--config",
            path_str(&config),
            "--listen",
            "nowhere",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--listen `nowhere`"),
        "{}",
        stderr(&out)
    );
}

const REDEFINES_CPY: &str = "       01 R.
          05 KIND PIC X.
          05 BODY PIC X(4).
          05 NUM REDEFINES BODY PIC 9(4).
          05 CODE-NO PIC 9(6).
";

#[test]
fn layout_names_the_field_a_redefines_overlays_and_when_it_applies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("r.cpy");
    std::fs::write(&cpy, REDEFINES_CPY).expect("write");
    let out = ferrule(&["layout", "-c", path_str(&cpy)], b"");
    let text = stdout(&out);
    assert!(text.contains("NUM (redefines BODY)"), "{text}");
    assert!(!text.contains('#'), "{text}");
    let out = ferrule(
        &["layout", "-c", path_str(&cpy), "--select", "num=kind:N"],
        b"",
    );
    let text = stdout(&out);
    assert!(
        text.contains("NUM (redefines BODY, when KIND = N)"),
        "{text}"
    );
}

#[test]
fn numbers_as_strings_keep_the_stored_digits_of_unsigned_integers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("r.cpy");
    std::fs::write(&cpy, REDEFINES_CPY).expect("write");
    let cpy = path_str(&cpy);
    // KIND "A", BODY "WXYZ", CODE-NO 000123 in cp037.
    let record = [
        0xC1, 0xE6, 0xE7, 0xE8, 0xE9, 0xF0, 0xF0, 0xF0, 0xF1, 0xF2, 0xF3,
    ];
    let out = ferrule(&["decode", "-c", cpy, "--numbers-as-strings"], &record);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = &parse_lines(&stdout(&out))[0];
    assert_eq!(v["code_no"], "000123");
    // As numbers, a number.
    let plain = ferrule(&["decode", "-c", cpy], &record);
    assert_eq!(parse_lines(&stdout(&plain))[0]["code_no"], 123);
    // And encode takes the string back to the same bytes.
    let back = ferrule(&["encode", "-c", cpy], &out.stdout);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(back.stdout, record);
}

#[test]
fn route_examples_reach_the_api_description_and_are_checked() {
    let config = samples().join("ferrule.toml");
    let out = ferrule(&["openapi", "--config", path_str(&config)], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let params = |path: &str| doc["paths"][path]["get"]["parameters"].clone();
    let vrm = &params("/v1/vehicles/{vrm}")[0];
    assert_eq!(vrm["name"], "vrm");
    assert_eq!(vrm["example"], "AB12CDE");
    // Every parameter of the sample has one.
    for p in params("/v1/nominals").as_array().expect("parameters") {
        assert!(p["example"].is_string(), "{p}");
    }

    // One that does not fit its field, and one for no parameter: both refused.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(&config).expect("sample");
    let bad = text.replace(
        "examples = { vrm = \"AB12CDE\" }",
        "examples = { vrm = \"AB12CDE-TOO-LONG\", colour = \"red\" }",
    );
    assert_ne!(bad, text);
    for f in std::fs::read_dir(samples()).expect("samples") {
        let f = f.expect("entry").path();
        if f.extension().is_some_and(|e| e == "cpy") {
            std::fs::copy(&f, dir.path().join(f.file_name().expect("name"))).expect("copy");
        }
    }
    let bad_path = dir.path().join("ferrule.toml");
    std::fs::write(&bad_path, bad).expect("write");
    let out = ferrule(&["check", "--config", path_str(&bad_path)], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("route[0].examples.vrm: into vrm: \"AB12CDE-TOO-LONG\" does not fit PIC X(8)"),
        "{err}"
    );
    assert!(
        err.contains("route[0].examples.colour: `colour` is not a parameter of this route"),
        "{err}"
    );
}
