//! The API description, end to end with the real binary: `ferrule openapi` prints the
//! document `GET /openapi.json` serves, it validates as OpenAPI 3.1 with PyPI's
//! `openapi-spec-validator`, the secured sample declares its security schemes, and
//! `server.docs = false` leaves it unrouted.
//!
//! The validator is a test prerequisite (`.ci/run` installs it): when it is missing the
//! test fails and names the package, it never skips.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::gateway::{sample_gateway, server_mut, Gateway};
use common::{ferrule, path_str, repo, stderr, stdout};
use serde_json::Value;

/// The sample secure config's test-only secrets (see samples/secure/README.md).
const SECURE_ENV: [(&str, &str); 2] = [
    (
        "FERRULE_JWT_SECRET",
        "test-only-hs256-secret-do-not-use-0123456789",
    ),
    ("FERRULE_AUDIT_HMAC_KEY", "test-only-audit-hmac-key"),
];

fn printed(config: &Path, env: &[(&str, &str)]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["openapi", "--config", path_str(config)])
        .envs(env.iter().copied())
        .output()
        .expect("ferrule runs");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the document is JSON")
}

/// Runs PyPI's openapi-spec-validator on `file`; panics naming the package when it is
/// not installed, and with the validator's words when the document is invalid.
fn validate(file: &Path) {
    let probe = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output();
    let installed = matches!(&probe, Ok(o) if o.status.success());
    assert!(
        installed,
        "the PyPI package `openapi-spec-validator` is needed (pip install \
         openapi-spec-validator): python3 cannot import openapi_spec_validator ({})",
        match &probe {
            Ok(o) => stderr(o),
            Err(e) => format!("python3: {e}"),
        }
    );
    let out: Output = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "openapi-spec-validator refused {}:\n{}{}",
        file.display(),
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn the_printed_document_is_the_served_one_and_valid_openapi_3_1() {
    let config = repo().join("samples/gateway/ferrule.toml");
    let doc = printed(&config, &[]);
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/v1/vehicles/{vrm}", "get"),
        ("/v1/nominals", "get"),
        ("/v1/incidents", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    // --output writes the same document.
    let out = ferrule(
        &[
            "openapi",
            "--config",
            path_str(&config),
            "--output",
            path_str(&file),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written, doc);
    validate(&file);

    // The sample on port 0 (no hosts needed to describe them): the same document.
    let gw = Gateway::start(&sample_gateway(&[]));
    let r = gw.get("/openapi.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("x-request-id").is_some());
    assert_eq!(r.json(), doc);

    // Problems the gateway really sends fit the documented Problem schema: a 502 from an
    // unreachable host, documented for the operation with its media type.
    let problem = &doc["components"]["schemas"]["Problem"];
    let r = gw.get("/v1/vehicles/AB12CDE");
    assert_eq!(r.status, 502);
    let op = &doc["paths"]["/v1/vehicles/{vrm}"]["get"];
    let media = r.header("content-type").unwrap();
    assert!(
        op["responses"]["502"]["content"][media].is_object(),
        "{media}"
    );
    let body = r.json();
    for key in body.as_object().unwrap().keys() {
        assert!(
            problem["properties"].get(key).is_some(),
            "undocumented member {key}"
        );
    }
    for key in problem["required"].as_array().unwrap() {
        assert!(body.get(key.as_str().unwrap()).is_some(), "missing {key}");
    }
}

#[test]
fn the_secured_sample_declares_its_schemes_and_scopes() {
    let doc = printed(&repo().join("samples/secure/ferrule.toml"), &SECURE_ENV);
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["apiKey"]["in"], "header");
    assert_eq!(schemes["apiKey"]["name"], "X-API-Key");
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    let op = &doc["paths"]["/v1/vehicles/{vrm}"]["get"];
    assert_eq!(
        op["security"],
        serde_json::json!([{"apiKey": ["vehicles:read"]}, {"bearerAuth": ["vehicles:read"]}])
    );
    // The purpose header with its codes; 401, 403 and 429 documented.
    let purpose = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "X-Purpose")
        .expect("X-Purpose parameter");
    assert_eq!(purpose["in"], "header");
    assert_eq!(
        purpose["schema"]["enum"],
        serde_json::json!(["CRIME", "INTEL", "TRAFFIC"])
    );
    for status in ["401", "403", "429"] {
        assert!(op["responses"][status].is_object(), "{status}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secure.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    validate(&file);
}

#[test]
fn a_bad_config_is_listed_like_check_does() {
    // An unknown backend and a bad method: both listed, exit 2, nothing on stdout.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ferrule.toml");
    std::fs::write(
        &config,
        "[server]\n[[route]]\nmethod = \"BREW\"\npath = \"/x\"\nbackend = \"nope\"\n\
         request = { copybook = \"q.cpy\" }\nresponse = { copybook = \"r.cpy\" }\n",
    )
    .unwrap();
    let out = ferrule(&["openapi", "--config", path_str(&config)], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("route[0].method"), "{err}");
    assert!(err.contains("route[0].backend"), "{err}");
    assert!(err.contains("problems found"), "{err}");
}

#[test]
fn docs_off_leaves_the_document_unrouted() {
    let mut config = sample_gateway(&[]);
    server_mut(&mut config).insert("docs".into(), false.into());
    let gw = Gateway::start(&config);
    let r = gw.get("/openapi.json");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(gw.get("/healthz").status, 200);
}
