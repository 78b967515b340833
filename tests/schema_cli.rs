//! `ferrule schema` as a user runs it: the real binary on the sample copybooks.

mod common;

use common::*;
use serde_json::Value;

fn schema(args: &[&str]) -> Value {
    let out = ferrule(&[&["schema"], args].concat(), b"");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

#[test]
fn prints_a_standalone_2020_12_document_for_a_record() {
    let cpy = sample("vehicle.cpy");
    let s = schema(&["--copybook", path_str(&cpy), "--codepage", "cp1146"]);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["title"], "VEHICLE-REC");
    assert_eq!(s["additionalProperties"], false);
    let make = &s["properties"]["make"];
    assert_eq!(make["maxLength"], 15);
    assert_eq!(make["x-cobol"]["offset"], 8);
    assert_eq!(make["description"], "MAKE PIC X(15) at offset 8");
    let value = &s["properties"]["estimated_value"];
    assert_eq!(value["minimum"].to_string(), "-9999999.99");
    assert_eq!(value["x-cobol"]["usage"], "COMP-3");
    assert_eq!(s["properties"]["reports"]["maxItems"], 3);
    // Decode: every member of a fixed-length record is present; 88s are listed only.
    assert!(s["required"].as_array().is_some_and(|r| r.len() == 14));
    assert!(s["properties"]["tax_status"].get("enum").is_none());
    assert_eq!(
        s["properties"]["tax_status"]["x-cobol-conditions"]["TAXED"],
        "T"
    );
}

#[test]
fn encode_direction_describes_request_bodies() {
    let cpy = sample("vehicle.cpy");
    let s = schema(&["--copybook", path_str(&cpy), "--direction", "encode"]);
    assert!(s.get("required").is_none());
    assert_eq!(
        s["properties"]["tax_status"]["enum"],
        serde_json::json!(["T", "S", "U", ""])
    );
    assert_eq!(s["properties"]["insured_flag"]["default"], "N");
    assert_eq!(
        s["properties"]["estimated_value"]["multipleOf"].to_string(),
        "0.01"
    );
}

#[test]
fn variable_length_framing_requires_nothing() {
    let cpy = sample("custody.cpy");
    let s = schema(&["--copybook", path_str(&cpy), "--framing", "rdw"]);
    assert!(s.get("required").is_none());
    assert_eq!(
        s["properties"]["charges"]["x-cobol"]["occurs"]["counter"],
        "charge_count"
    );
}

#[test]
fn a_bad_copybook_is_reported_with_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("ferrule-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.cpy");
    std::fs::write(&bad, "       01 R.\n           05 A PIC Q(3).\n").expect("write");
    let out = ferrule(&["schema", "--copybook", path_str(&bad)], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("bad.cpy:2:21"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
