//! Schemathesis (PyPI) against the demo's own `/openapi.json`: generated calls, valid and
//! invalid, to every operation; no answer may be a server error and every answer must match
//! the document (status, content type, headers, body schema).
//!
//! The seed is fixed so that CI runs are repeatable; `FERRULE_SCHEMATHESIS_SEED` picks another
//! and `FERRULE_SCHEMATHESIS_EXAMPLES` more cases per operation, for a longer hunt by hand.

mod common;

use std::process::{Command, Stdio};

use common::demo::Demo;

#[test]
fn generated_calls_get_documented_answers_and_no_server_errors() {
    let st = which("schemathesis").unwrap_or_else(|| {
        panic!(
            "schemathesis is not installed: `python3 -m pip install schemathesis` (.ci/run does)"
        )
    });
    let demo = Demo::start();
    let port = demo.port;
    let seed = std::env::var("FERRULE_SCHEMATHESIS_SEED").unwrap_or_else(|_| "20261126".into());
    let examples = std::env::var("FERRULE_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "100".into());
    // The report is kept as a CI artefact.
    let junit = common::repo().join("target/ci-artifacts/schemathesis-junit.xml");
    let _ = std::fs::remove_file(&junit);
    let junit = common::path_str(&junit).to_string();
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = Command::new(st)
        .args([
            "run",
            &format!("http://127.0.0.1:{port}/openapi.json"),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_headers_conformance,response_schema_conformance",
            "--mode",
            "all",
            // The coverage phase dies inside hypothesis on this CPython 3.11 (a SystemError
            // from `ast.parse` while it describes a lambda), before it sends anything; the
            // fuzzing phase's valid and invalid cases are what this test stands on.
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            &examples,
            "--seed",
            &seed,
            "--workers",
            "2",
            "--request-timeout",
            "10",
            "--report",
            "junit",
            "--report-junit-path",
            &junit,
        ])
        // Its hypothesis database goes in the working directory: not the repository.
        .current_dir(scratch.path())
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "")
        .stdin(Stdio::null())
        .output()
        .expect("schemathesis runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "schemathesis found problems:\n{text}");
    // A run that tested nothing would also exit 0: every operation must have been exercised,
    // as the JUnit report of this run lists them.
    let report = std::fs::read_to_string(&junit).expect("schemathesis wrote its JUnit report");
    for op in [
        "GET /v1/vehicles/{vrm}",
        "GET /v1/nominals",
        "POST /v1/incidents",
    ] {
        assert!(
            report.contains(&format!("<testcase name=\"{op}\"")),
            "{op} was not tested:\n{report}\n{text}"
        );
    }
    assert!(
        !report.contains("<failure") && !report.contains("<error"),
        "{report}"
    );
}

/// The full path of `cmd` on PATH.
fn which(cmd: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(cmd))
            .find(|p| p.is_file())
    })
}
