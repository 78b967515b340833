//! Replays the decode fuzz corpus through the fuzz target's property, so every input the
//! fuzzer kept (and every crash it found, once added) is checked by `cargo test`.
#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::PathBuf;

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{parse, ParseOptions};
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::json::{fuzz_check, CodecOptions, Encoder};

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

#[test]
fn replay_decode_corpus() {
    for (name, data) in common::corpus("decode") {
        let result = std::panic::catch_unwind(|| fuzz_check(&data));
        assert!(
            result.is_ok(),
            "corpus file {name} fails the decode property"
        );
    }
}

/// The records of an IBM RDW file (4-byte header: big-endian length including itself).
fn rdw_records(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 4 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        out.push(rest[4..len].to_vec());
        rest = &rest[len..];
    }
    out
}

/// A record for one of the fuzz copybooks, encoded from JSON with the selector's options.
fn record(copybook: &str, page: &str, dialect: Dialect, json: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(repo_file(copybook)).unwrap();
    let layout = parse(&text, &ParseOptions::default()).unwrap();
    let opts = CodecOptions {
        codepage: CodePage::by_name(page).unwrap(),
        dialect,
        ..CodecOptions::default()
    };
    let mut out = Vec::new();
    Encoder::new(&layout, opts)
        .unwrap()
        .encode(&serde_json::from_str(json).unwrap(), &mut out, false)
        .unwrap();
    out
}

fn with_selector(selector: u8, record: &[u8]) -> Vec<u8> {
    let mut v = vec![selector];
    v.extend_from_slice(record);
    v
}

/// Seeds: a selector byte (see `fuzz_check`: bits 0-2 copybook, 3-4 code page, 5
/// GnuCOBOL, 6 all REDEFINES alternatives, 7 ODO stored at max) then one record. Run with
/// FERRULE_WRITE_FUZZ_SEEDS=1 to (re)write them.
#[test]
fn write_decode_seeds() {
    if std::env::var_os("FERRULE_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let custody = rdw_records(&std::fs::read(repo_file("samples/custody.rdw.bin")).unwrap());
    let first = custody[0].clone();
    let last = custody.last().unwrap().clone();
    let mut bad_nibble = first.clone();
    bad_nibble[92] = 0xAB; // RISK-SCORE: digit nibble A
    let mut odo_over = first.clone();
    odo_over[103..105].copy_from_slice(&11u16.to_be_bytes()); // CHARGE-COUNT 11 > 10
    let person = record(
        "samples/person.cpy",
        "cp037",
        Dialect::IBM,
        r#"{"nominal_ref":"N000123","name_block":{"surname":"SMITH","forename_1":"JOHN"},
            "birth_date":19800101,"sex":"M","height_cm":180,"warning_markers":["FI","VI"],
            "conviction_count":3,"outstanding_fines":-125.50,"last_seen_lat":51.507351,
            "last_seen_lon":-0.127758,"record_updated":20240611223015}"#,
    );
    let person_latin1 = record(
        "samples/person.cpy",
        "latin1",
        Dialect::IBM,
        r#"{"nominal_ref":"N000124","name_block":{"surname":"MÜLLER","forename_1":"JOSÉ"},
            "outstanding_fines":0.01,"last_seen_lat":-1.5,"last_seen_lon":179.999999}"#,
    );
    let vehicle = record(
        "samples/vehicle.cpy",
        "cp1047",
        Dialect::IBM,
        r#"{"vrm":"AB12CDE","make":"FORD","model":"FOCUS","colour":"BLUE",
            "first_registered":20190301,"engine_cc":1596,"mileage":48213,"tax_status":"T",
            "keeper":{"keeper_name":"A N OTHER","keeper_postcode":"LS1 4AP",
            "keeper_since":20200115},"estimated_value":8450.00,"report_count":1,
            "reports":[{"report_type":"STOL","report_date":20230704,"report_force":13}],
            "last_check_miles":-12}"#,
    );
    let mut vehicle_bad_zoned = vehicle.clone();
    vehicle_bad_zoned[53] = 0xC1; // FIRST-REGISTERED: a letter where a digit belongs
    let redef = record(
        "fuzz/copybooks/redefines-odo.cpy",
        "latin1",
        Dialect::GNUCOBOL,
        r#"{"rec_type":"N","pay_num":{"amount":-1234.56,"qty":42},"zoned_lead":-7,
            "zoned_sep":12.5,"nat":"Zß中","item_count":2,
            "items":[{"item_code":"A01","item_qty":-3},{"item_code":"B02","item_qty":400}],
            "trailer":"ZZ"}"#,
    );
    let redef_ebcdic = record(
        "fuzz/copybooks/redefines-odo.cpy",
        "cp037",
        Dialect::IBM,
        r#"{"rec_type":"B","pay_bin":{"id_bin":-99999},"zoned_lead":5,"zoned_sep":-0.1,
            "nat":"abc","item_count":0,"items":[],"trailer":"EN"}"#,
    );
    let edited = record(
        "fuzz/copybooks/edited-float.cpy",
        "cp037",
        Dialect::IBM,
        r#"{"price":-1234.5,"total":99.99,"check_amt":7,"balance":-12.34,"delta":-0.5,
            "rate":0.15625,"factor":-1.0e-5,"bwz":0,"scaled":-12300,"small":0.00042,
            "right_txt":"RIGHT","floats":[1,3.25],"big":-123456789012345678}"#,
    );
    let edited_gnu = record(
        "fuzz/copybooks/edited-float.cpy",
        "utf-8",
        Dialect::GNUCOBOL,
        r#"{"price":0,"total":0,"check_amt":0,"balance":0,"delta":0,"rate":-2.5e10,
            "factor":1e300,"bwz":12,"scaled":900,"small":-0.00001,"right_txt":"ü",
            "floats":[0.1,-0.0]}"#,
    );
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("custody-first", with_selector(0x00, &first)),
        ("custody-last-all-redefines", with_selector(0x40, &last)),
        ("custody-cp1047", with_selector(0x08, &custody[1])),
        ("custody-cut-in-table", with_selector(0x00, &first[..122])),
        (
            "custody-bad-packed-nibble",
            with_selector(0x00, &bad_nibble),
        ),
        ("custody-odo-over-max", with_selector(0x00, &odo_over)),
        ("person", with_selector(0x01, &person)),
        ("person-latin1", with_selector(0x11, &person_latin1)),
        ("vehicle-cp1047", with_selector(0x0a, &vehicle)),
        ("vehicle-bad-zoned", with_selector(0x0a, &vehicle_bad_zoned)),
        ("redefines-odo-gnu-all", with_selector(0x73, &redef)),
        ("redefines-odo-short", with_selector(0x73, &redef[..30])),
        (
            "redefines-odo-empty-table",
            with_selector(0x43, &redef_ebcdic),
        ),
        (
            "redefines-odo-stored-max",
            with_selector(0x83, &redef_ebcdic),
        ),
        ("edited-float-ibm", with_selector(0x04, &edited)),
        ("edited-float-gnu-utf8", with_selector(0x3c, &edited_gnu)),
        ("edited-float-garbage", with_selector(0x04, &[0x5c; 95])),
        ("selector-only", vec![0x02]),
    ];
    let dir = common::corpus_dir("decode");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in &seeds {
        fuzz_check(data);
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}
