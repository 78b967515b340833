//! GnuCOBOL as the oracle for Ferrule's record layer.
//!
//! Each program in `tests/cobol/` COPYs its copybook, WRITEs records to a sequential file
//! and DISPLAYs every field (`KIND path=value`, see `tests/cobol/README.md`). The test
//! compiles and runs it, decodes the file with `ferrule decode` and compares every field
//! with what COBOL displayed (decimals exactly, never through f64), checks that every JSON
//! leaf was checked, then re-encodes Ferrule's own JSON with `ferrule encode` and requires
//! the compiler's bytes back, byte for byte.
//!
//! Without `cobc` the tests pass with a note, except under CI (`CI=true`), where a missing
//! oracle is a failure: a silently skipped oracle is no oracle.

// A test that cannot set itself up (no temp dir, a program that will not start) should
// fail loudly, so panicking on those errors is the point.
#![allow(clippy::unwrap_used)]

mod common;

use common::cobc::{fraction_digits, Dec};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// cobc flags that make GnuCOBOL lay records out the way Ferrule's copybook rules (IBM's)
/// expect; see `tests/cobol/README.md` for the reasoning behind each.
const COBC_FLAGS: &[&str] = &[
    "-x",
    // The default dialect, so that no -std config changes anything behind our back.
    "-std=default",
    // IBM binary sizes: 1-4 digits in 2 bytes, 5-9 in 4, 10-18 in 8 (the default
    // config packs 1-2 digits into 1 byte). Applies to COMP, COMP-4, BINARY and COMP-5.
    "-fbinary-size=2-4-8",
    // COMP/COMP-4/BINARY big-endian as on the mainframe (already the default; pinned).
    // COMP-5 stays native (little-endian on x86), as --dialect gnucobol expects.
    "-fbinary-byteorder=big-endian",
    // DISPLAY of numerics shows the sign and the decimal point (the harness parses them).
    "-fpretty-display",
    // (Plus -fsign, per case: see `Case::sign`.)
];

/// One oracle run: a program, the file it writes and how Ferrule must read that file.
struct Case {
    /// `tests/cobol/<program>.cbl`.
    program: &'static str,
    /// `tests/cobol/<copybook>.cpy`: the copybook the program COPYs for its FD.
    copybook: &'static str,
    /// The file the program writes in its working directory.
    data: String,
    /// cobc `-fsign=`: `ASCII` (positive zoned is the plain digit, negative 0x70-0x79,
    /// as GnuCOBOL on x86 writes) or `EBCDIC` (IBM's overpunch letters `{ A-I } J-R`, which
    /// a Latin-1 -> cp037 conversion turns into the C/D zone nibbles).
    sign: &'static str,
    /// `cobc -D` names (conditional compilation, e.g. LINESEQ).
    defines: Vec<&'static str>,
    /// Further cobc flags for this program only (e.g. `-fodoslide`).
    cobc: Vec<&'static str>,
    /// How the re-encoded file must match the program's.
    bytes: Bytes,
    /// Runtime environment for the program (e.g. COB_VARSEQ_FORMAT).
    env: Vec<(&'static str, &'static str)>,
    /// Codec options given to both `ferrule decode` and `ferrule encode`.
    ferrule: Vec<&'static str>,
    /// Directories under `tests/cobol/` holding COPY members: `cobc -I` and
    /// `ferrule --include` both get them.
    include: Vec<&'static str>,
}

/// How `ferrule encode`'s output is compared with the file COBOL wrote.
#[derive(Clone, Copy, PartialEq)]
enum Bytes {
    /// Byte for byte.
    Exact,
    /// Line by line after dropping trailing spaces: GnuCOBOL strips them from LINE
    /// SEQUENTIAL records (unless COB_LS_FIXED), Ferrule writes full-length records.
    LinesTrimmed,
}

/// Options for the fixed-length ASCII files GnuCOBOL writes on x86.
const GNU_FIXED: &[&str] = &[
    "--codepage",
    "latin1",
    "--dialect",
    "gnucobol",
    "--framing",
    "fixed",
];

/// A fixed case: `<name>.cbl` COPYs `<name>.cpy` and writes `<name>.dat`.
fn fixed(name: &'static str, ferrule: &[&'static str]) -> Case {
    Case {
        program: name,
        copybook: name,
        data: format!("{name}.dat"),
        sign: "ASCII",
        defines: vec![],
        cobc: vec![],
        bytes: Bytes::Exact,
        env: vec![],
        ferrule: ferrule.to_vec(),
        include: vec![],
    }
}

#[test]
fn zoned_decimals_in_every_sign_form() {
    run(&fixed("zoned", GNU_FIXED));
}

#[test]
fn zoned_line_sequential_full_length() {
    // LINE SEQUENTIAL with COB_LS_FIXED: every record is written at full length + LF.
    let mut case = fixed(
        "zoned",
        &[
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            "lines",
        ],
    );
    case.defines = vec!["LINESEQ"];
    case.env = vec![("COB_LS_FIXED", "TRUE")];
    run(&case);
}

#[test]
fn zoned_line_sequential_trailing_spaces_stripped() {
    // GnuCOBOL's default LINE SEQUENTIAL drops trailing spaces: short lines must decode
    // as if padded with spaces.
    let mut case = fixed(
        "zoned",
        &[
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            "lines",
        ],
    );
    case.defines = vec!["LINESEQ"];
    case.env = vec![("COB_LS_FIXED", "FALSE")];
    case.bytes = Bytes::LinesTrimmed;
    run(&case);
}

#[test]
fn packed_decimals() {
    run(&fixed("packed", GNU_FIXED));
}

#[test]
fn packed_decimals_as_strings() {
    run(&fixed(
        "packed",
        &[
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            "fixed",
            "--numbers-as-strings",
        ],
    ));
}

#[test]
fn packed_redefines_all_rejects_negative_sign_in_unsigned() {
    // RAW-PACKED-NUM (PIC 9(3) COMP-3) over raw bytes: 12 3D and 12 3B are not NUMERIC
    // for an unsigned item, so the alternative must be null, not -123.
    run(&fixed(
        "packed",
        &[
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            "fixed",
            "--redefines",
            "all",
        ],
    ));
}

#[test]
fn gnucobol_38_digit_numbers() {
    // GnuCOBOL allows 38 digits in zoned and packed items (IBM: 31 with ARITH(EXTEND)).
    run(&fixed("digits38", GNU_FIXED));
}

#[test]
fn european_amounts_keyword_names_and_group_sign() {
    // DECIMAL-POINT IS COMMA and CURRENCY SIGN IS "L" in the program's SPECIAL-NAMES,
    // given to Ferrule as options; names such as COMP-CODE, VALUE-DATE, INDEXED-BY; a
    // SIGN LEADING SEPARATE group; levels 01, 03, 07.
    let mut opts = GNU_FIXED.to_vec();
    opts.extend(["--decimal-point", "comma", "--currency-sign", "L"]);
    run(&fixed("european", &opts));
}

#[test]
fn binary_integers_and_floats() {
    run(&fixed("binary", GNU_FIXED));
}

#[test]
fn latin1_text_groups_occurs_redefines() {
    run(&fixed("text", GNU_FIXED));
}

#[test]
fn redefines_all_alternatives() {
    run(&fixed(
        "text",
        &[
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            "fixed",
            "--redefines",
            "all",
        ],
    ));
}

/// GnuCOBOL's variable-length sequential records: COB_VARSEQ_FORMAT picks the prefix.
fn odo(varseq_format: &'static str, framing: &'static str) -> Case {
    Case {
        program: "odo",
        copybook: "odo",
        data: "odo.dat".into(),
        sign: "ASCII",
        defines: vec![],
        cobc: vec![],
        bytes: Bytes::Exact,
        env: vec![("COB_VARSEQ_FORMAT", varseq_format)],
        include: vec![],
        ferrule: vec![
            "--codepage",
            "latin1",
            "--dialect",
            "gnucobol",
            "--framing",
            framing,
        ],
    }
}

#[test]
fn odo_varseq0_two_byte_length_and_two_nuls() {
    // Format 0: 2-byte big-endian data length, then 2 NULs: an RDW whose length excludes itself.
    run(&odo("0", "rdw-excl"));
}

#[test]
fn odo_varseq1_four_byte_length() {
    // Format 1: 4-byte big-endian data length.
    run(&odo("1", "len4"));
}

#[test]
fn odo_varseq3_two_byte_length() {
    // Format 3: 2-byte big-endian data length.
    run(&odo("3", "len2"));
}

#[test]
fn odo_varseq2_native_four_byte_length() {
    // Format 2: 4-byte little-endian (x86 native) data length. For records under 64 KiB
    // these are the bytes of a little-endian RDW that excludes itself: 2-byte length, 2 NULs.
    run(&odo("2", "rdw-le-excl"));
}

#[test]
fn nested_odo_laid_out_as_ibm_does() {
    // An ODO table inside an ODO table and inside a fixed table, items after each.
    // GnuCOBOL refuses nested ODO unless -fodoslide, which also moves the items after a
    // short table up: IBM Enterprise COBOL's layout, and Ferrule's default.
    let mut case = odo("1", "len4");
    case.program = "nested";
    case.copybook = "nested";
    case.data = "nested.dat".into();
    case.cobc = vec!["-fodoslide"];
    run(&case);
}

#[test]
fn copy_replacing_members_from_an_include_directory() {
    // The copybook COPYs PARTY twice from tests/cobol/members/ (given to cobc with -I and
    // to ferrule with --include), REPLACING a `:PFX:` tag and a PIC; PARTY's nested
    // COPY PCODE gets the outer REPLACING too, in GnuCOBOL as in Ferrule.
    let mut case = fixed("copyrep", GNU_FIXED);
    case.include = vec!["members"];
    run(&case);
}

#[test]
fn ebcdic_host_record() {
    // Text and zoned fields converted to cp037 by the program; packed and big-endian
    // binary as GnuCOBOL wrote them: what an IBM mainframe writes.
    let mut case = fixed(
        "ebcdic",
        &[
            "--codepage",
            "cp037",
            "--dialect",
            "ibm",
            "--framing",
            "fixed",
        ],
    );
    case.sign = "EBCDIC";
    run(&case);
}

#[test]
fn ebcdic_host_record_redefines_all() {
    let mut case = fixed(
        "ebcdic",
        &[
            "--codepage",
            "cp037",
            "--dialect",
            "ibm",
            "--framing",
            "fixed",
            "--redefines",
            "all",
        ],
    );
    case.sign = "EBCDIC";
    run(&case);
}

// ---------------------------------------------------------------------------------------
// The harness.

fn cobol_dir() -> PathBuf {
    common::repo().join("tests").join("cobol")
}

fn run(case: &Case) {
    if !common::cobc::cobc_available("the COBOL oracle test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let exe = compile(case, tmp.path());
    let expected = run_program(&exe, tmp.path(), case);
    let data_path = tmp.path().join(&case.data);
    let data = std::fs::read(&data_path).unwrap_or_else(|e| {
        panic!(
            "{}: no data file {}: {e}",
            case.program,
            data_path.display()
        )
    });
    let copybook = cobol_dir().join(format!("{}.cpy", case.copybook));
    let mut opts = case.ferrule.clone();
    let include: Vec<String> = case
        .include
        .iter()
        .map(|d| cobol_dir().join(d).display().to_string())
        .collect();
    for d in &include {
        opts.extend(["--include", d.as_str()]);
    }

    let mut problems = Vec::new();
    let decode = ferrule("decode", &copybook, &opts, &data);
    if !decode.status.success() {
        panic!(
            "{}: ferrule decode failed ({}):\n{}",
            case.program,
            decode.status,
            String::from_utf8_lossy(&decode.stderr)
        );
    }
    let json_text = String::from_utf8(decode.stdout.clone()).expect("ferrule writes UTF-8");
    let records: Vec<Value> = json_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("bad JSON line from ferrule: {e}: {l}"))
        })
        .collect();
    if records.len() != expected.len() {
        problems.push(format!(
            "COBOL wrote {} records, ferrule decoded {}",
            expected.len(),
            records.len()
        ));
    }
    let strings = case.ferrule.contains(&"--numbers-as-strings");
    for (n, (want, got)) in expected.iter().zip(&records).enumerate() {
        compare_record(n + 1, want, got, strings, &mut problems);
    }

    // The JSON shape options are decode's alone: encode reads every shape.
    let mut encode_opts = Vec::new();
    let mut shape = opts.iter().peekable();
    while let Some(o) = shape.next() {
        match *o {
            "--numbers-as-strings" => {}
            "--redefines" => {
                shape.next();
            }
            _ => encode_opts.push(*o),
        }
    }
    let encode = ferrule("encode", &copybook, &encode_opts, &decode.stdout);
    if !encode.status.success() {
        problems.push(format!(
            "ferrule encode of ferrule's own JSON failed ({}): {}",
            encode.status,
            String::from_utf8_lossy(&encode.stderr)
        ));
    } else {
        let (want, got) = match case.bytes {
            Bytes::Exact => (data.clone(), encode.stdout.clone()),
            Bytes::LinesTrimmed => (trim_lines(&data), trim_lines(&encode.stdout)),
        };
        if want != got {
            problems.push(describe_byte_difference(&want, &got));
        }
    }

    if !problems.is_empty() {
        panic!(
            "{} ({} with {}): {} problem(s):\n  {}",
            case.program,
            case.data,
            case.ferrule.join(" "),
            problems.len(),
            problems.join("\n  ")
        );
    }
}

fn compile(case: &Case, dir: &Path) -> PathBuf {
    let exe = dir.join(case.program);
    let src = cobol_dir().join(format!("{}.cbl", case.program));
    let out = Command::new("cobc")
        .args(COBC_FLAGS)
        .arg(format!("-fsign={}", case.sign))
        .args(case.defines.iter().flat_map(|d| ["-D", d]))
        .args(&case.cobc)
        .arg("-I")
        .arg(cobol_dir())
        .args(
            case.include
                .iter()
                .flat_map(|d| ["-I".into(), cobol_dir().join(d)]),
        )
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cobc failed on {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs the program in `dir` and parses its DISPLAY lines into one field list per record.
fn run_program(exe: &Path, dir: &Path, case: &Case) -> Vec<Vec<Expect>> {
    let out = Command::new(exe)
        .current_dir(dir)
        .envs(case.env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} failed ({}):\n{}",
        case.program,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let redefines_all = case.ferrule.windows(2).any(|w| w == ["--redefines", "all"]);
    // A program compiled with DECIMAL-POINT IS COMMA DISPLAYs `-01234,56`.
    let decimal_comma = case
        .ferrule
        .windows(2)
        .any(|w| w == ["--decimal-point", "comma"]);
    parse_display(&out.stdout, redefines_all, decimal_comma)
        .unwrap_or_else(|e| panic!("{}: unexpected DISPLAY output: {e}", case.program))
}

fn ferrule(command: &str, copybook: &Path, opts: &[&str], input: &[u8]) -> Output {
    let mut args = vec![command, "--copybook", common::path_str(copybook)];
    args.extend_from_slice(opts);
    args.push("-");
    common::ferrule(&args, input)
}

// ---------------------------------------------------------------------------------------
// What the COBOL programs DISPLAY.

/// How a displayed value is compared.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A numeric DISPLAYed directly: same decimal value, and the same number of
    /// fraction digits (the PIC's scale) in Ferrule's text.
    N,
    /// A numeric shown through a numeric-edited picture: same decimal value only.
    D,
    /// Text (PIC X): equal after trimming trailing spaces.
    X,
    /// JUSTIFIED RIGHT text: equal after trimming leading spaces (the padding side).
    XR,
    /// An OCCURS DEPENDING ON table with no entries: JSON `[]`.
    E,
    /// COMP-1: the same binary32 value.
    F4,
    /// COMP-2: the same value to GnuCOBOL's DISPLAY precision.
    F8,
    /// A REDEFINES alternative whose bytes are invalid for its types: JSON `null`.
    Z,
}

#[derive(Debug, Clone)]
struct Expect {
    kind: Kind,
    path: String,
    value: String,
}

/// `@record` starts a record; every other line is `KIND path=value`, or `+KIND path=value`
/// for a REDEFINES alternative that only `--redefines all` shows. The output is Latin-1
/// (the programs' text is), so each byte is one char.
fn parse_display(
    stdout: &[u8],
    redefines_all: bool,
    decimal_comma: bool,
) -> Result<Vec<Vec<Expect>>, String> {
    let text: String = stdout.iter().map(|&b| char::from(b)).collect();
    let mut records: Vec<Vec<Expect>> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line == "@record" {
            records.push(Vec::new());
            continue;
        }
        let line = match line.strip_prefix('+') {
            Some(_) if !redefines_all => continue,
            Some(alternative) => alternative,
            None => line,
        };
        let (kind, rest) = line
            .split_once(' ')
            .ok_or_else(|| format!("no kind: {line:?}"))?;
        let kind = match kind {
            "Z" => Kind::Z,
            "XR" => Kind::XR,
            "E" => Kind::E,
            "N" => Kind::N,
            "D" => Kind::D,
            "X" => Kind::X,
            "F4" => Kind::F4,
            "F8" => Kind::F8,
            _ => return Err(format!("unknown kind {kind:?} in {line:?}")),
        };
        let (path, value) = rest
            .split_once('=')
            .ok_or_else(|| format!("no `=`: {line:?}"))?;
        let record = records
            .last_mut()
            .ok_or_else(|| format!("field before @record: {line:?}"))?;
        let value = if decimal_comma && matches!(kind, Kind::N | Kind::D) {
            value.replace(',', ".")
        } else {
            value.to_string()
        };
        record.push(Expect {
            kind,
            path: normalise_path(path)?,
            value,
        });
    }
    Ok(records)
}

/// `a.b( 01).c` -> `a.b(1).c` (COBOL displays subscripts with leading zeros or spaces).
fn normalise_path(path: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = path.trim();
    while let Some(open) = rest.find('(') {
        let close = rest[open..]
            .find(')')
            .ok_or_else(|| format!("unclosed subscript in {path:?}"))?
            + open;
        let n: usize = rest[open + 1..close]
            .trim()
            .parse()
            .map_err(|_| format!("bad subscript in {path:?}"))?;
        out.push_str(&rest[..open]);
        out.push_str(&format!("({n})"));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Comparison.

/// Checks one decoded record against the program's fields; `strings`: numbers must be
/// JSON strings (`--numbers-as-strings`).
fn compare_record(
    n: usize,
    want: &[Expect],
    got: &Value,
    strings: bool,
    problems: &mut Vec<String>,
) {
    let mut leaves = BTreeMap::new();
    collect_leaves(got, String::new(), &mut leaves);
    for e in want {
        let Some(value) = leaves.remove(&e.path) else {
            if e.kind == Kind::Z {
                // The alternative was decoded as an object: gather what Ferrule made of it.
                let inside: Vec<String> = leaves
                    .keys()
                    .filter(|k| {
                        k.starts_with(&format!("{}.", e.path))
                            || k.starts_with(&format!("{}(", e.path))
                    })
                    .cloned()
                    .collect();
                let shown: Vec<String> = inside
                    .iter()
                    .filter_map(|k| leaves.remove(k).map(|v| format!("{k}={v}")))
                    .collect();
                problems.push(format!(
                    "record {n}, {}: expected null (invalid alternative), ferrule decoded {}",
                    e.path,
                    if shown.is_empty() {
                        "nothing".to_string()
                    } else {
                        shown.join(", ")
                    }
                ));
                continue;
            }
            if e.kind == Kind::E {
                problems.push(format!("record {n}, {}: COBOL has an empty table, ferrule's JSON has no such key (expected [])", e.path));
                continue;
            }
            problems.push(format!(
                "record {n}, {}: COBOL has {:?}, ferrule's JSON has no such field",
                e.path, e.value
            ));
            continue;
        };
        let numeric = matches!(e.kind, Kind::N | Kind::D | Kind::F4 | Kind::F8);
        if numeric && strings != value.is_string() {
            let want = if strings { "a string" } else { "a number" };
            problems.push(format!(
                "record {n}, {}: expected {want}, ferrule wrote {value}",
                e.path
            ));
        }
        if let Err(why) = compare_value(e, value) {
            problems.push(format!("record {n}, {}: {why}", e.path));
        }
    }
    for (path, value) in leaves {
        problems.push(format!(
            "record {n}, {path}: ferrule wrote {value} but the COBOL program did not DISPLAY it"
        ));
    }
}

/// Leaves of the JSON object keyed by `a.b(1).c` paths (1-based subscripts, as in COBOL).
fn collect_leaves<'v>(v: &'v Value, prefix: String, out: &mut BTreeMap<String, &'v Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                collect_leaves(child, p, out);
            }
        }
        // An empty table is a leaf: the program must say it expects it empty.
        Value::Array(items) if items.is_empty() => {
            out.insert(prefix, v);
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_leaves(child, format!("{prefix}({})", i + 1), out);
            }
        }
        _ => {
            out.insert(prefix, v);
        }
    }
}

fn compare_value(e: &Expect, got: &Value) -> Result<(), String> {
    match e.kind {
        Kind::Z if got.is_null() => Ok(()),
        Kind::Z => Err(format!(
            "expected null (invalid alternative), ferrule {got}"
        )),
        Kind::E if got.as_array().is_some_and(Vec::is_empty) => Ok(()),
        Kind::E => Err(format!("expected [] (no entries), ferrule {got}")),
        Kind::XR => {
            let want = e.value.trim_start_matches(' ');
            match got {
                Value::String(s) if s == want => Ok(()),
                _ => Err(format!(
                    "COBOL {:?} (JUSTIFIED RIGHT), ferrule {got}",
                    e.value
                )),
            }
        }
        Kind::X => {
            let want = e.value.trim_end_matches(' ');
            match got {
                Value::String(s) if s == want => Ok(()),
                _ => Err(format!("COBOL {want:?}, ferrule {got}")),
            }
        }
        Kind::N | Kind::D => {
            let text = number_text(got)
                .ok_or_else(|| format!("COBOL {}, ferrule {got} (not a number)", e.value))?;
            let want = Dec::parse(&e.value)
                .ok_or_else(|| format!("unparsable COBOL value {:?}", e.value))?;
            let have =
                Dec::parse(&text).ok_or_else(|| format!("unparsable ferrule number {text:?}"))?;
            if want != have {
                return Err(format!("COBOL {}, ferrule {text}", e.value.trim()));
            }
            if e.kind == Kind::N && fraction_digits(&e.value) != fraction_digits(&text) {
                return Err(format!(
                    "COBOL {} has {} fraction digits (the scale), ferrule {text} has {}",
                    e.value.trim(),
                    fraction_digits(&e.value),
                    fraction_digits(&text)
                ));
            }
            Ok(())
        }
        Kind::F4 | Kind::F8 => {
            let text = number_text(got)
                .ok_or_else(|| format!("COBOL {}, ferrule {got} (not a number)", e.value))?;
            let want: f64 = e
                .value
                .trim()
                .parse()
                .map_err(|_| format!("unparsable COBOL float {:?}", e.value))?;
            let have: f64 = text
                .parse()
                .map_err(|_| format!("unparsable ferrule float {text:?}"))?;
            let same = if e.kind == Kind::F4 {
                // The stored value is binary32: both texts must name the same one.
                (want as f32) == (have as f32)
            } else {
                // GnuCOBOL DISPLAYs COMP-2 with 17 significant digits, not always the
                // shortest round-trip text (0.1 shows as 0.09999999999999999); the bytes are
                // checked exactly by the re-encode, so a one-ulp difference is fine here.
                want == have
                    || (want - have).abs() <= f64::EPSILON * 2.0 * want.abs().max(have.abs())
            };
            if same {
                Ok(())
            } else {
                Err(format!("COBOL {}, ferrule {text}", e.value.trim()))
            }
        }
    }
}

/// The text of a JSON number, or of a number written as a string (`--numbers-as-strings`).
fn number_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Each LF-ended line without its trailing spaces.
fn trim_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let (body, lf) = match line.strip_suffix(b"\n") {
            Some(body) => (body, true),
            None => (line, false),
        };
        let end = body.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
        out.extend_from_slice(&body[..end]);
        if lf {
            out.push(b'\n');
        }
    }
    out
}

fn describe_byte_difference(want: &[u8], got: &[u8]) -> String {
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let from = at.saturating_sub(8);
    let hex = |b: &[u8]| {
        let end = (from + 24).min(b.len());
        b.get(from..end)
            .unwrap_or(&[])
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "re-encoded bytes differ from COBOL's file: COBOL {} bytes, ferrule {} bytes, first difference at \
         byte {at}; from byte {from}: COBOL [{}] ferrule [{}]",
        want.len(),
        got.len(),
        hex(want),
        hex(got)
    )
}

#[test]
fn decimal_text_normalises() {
    // COBOL DISPLAY forms and JSON forms of the same values compare equal.
    assert_eq!(Dec::parse("-00012.50"), Dec::parse("-12.5"));
    assert_eq!(Dec::parse("00077.70-"), Dec::parse("-77.7"));
    assert_eq!(Dec::parse("+.0001"), Dec::parse("0.0001"));
    assert_eq!(Dec::parse("   12300"), Dec::parse("1.23E+4"));
    assert_eq!(Dec::parse("-0.00"), Dec::parse("0"));
    assert_ne!(Dec::parse("1.5"), Dec::parse("15"));
    assert_eq!(Dec::parse("12a"), None);
    assert_eq!(fraction_digits("-00012.50"), 2);
    assert_eq!(normalise_path("a.b(01).c( 2)").unwrap(), "a.b(1).c(2)");
}
