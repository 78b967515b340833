//! The copybook corpus (issue 10): copybooks in the styles shops actually have, each
//! loaded by Ferrule and, where GnuCOBOL compiles it, judged by a COBOL program.
//!
//! For every file in `tests/copybooks/corpus/` the test asks `ferrule layout --json` for
//! every record it defines, generates a COBOL program that COPYs the file, DISPLAYs
//! `LENGTH OF` and the byte offset (from `ADDRESS OF`) of every named item, MOVEs a value to
//! every elementary item, DISPLAYs what COBOL holds and writes the record's bytes behind a
//! 4-byte length (`--framing len4`). Ferrule's offsets and lengths must equal the compiler's,
//! and `ferrule decode` of the bytes must give the values COBOL holds (decimals by value).
//!
//! Three tables say what the other files are:
//! - [`PENDING`]: files Ferrule cannot load yet on this branch and the feature they wait
//!   for. The test requires each still to fail, so when the feature lands it says which
//!   entry to delete; GnuCOBOL must still compile them (so they are real COBOL).
//! - [`REFUSED`]: files Ferrule refuses on purpose, with the message it must give.
//! - [`HAND`]: files GnuCOBOL cannot judge (IBM-only syntax or sizes), checked against
//!   offsets and lengths computed by hand.
//!
//! Every other file gets the full oracle. Adding a copybook is adding a test.
//!
//! Styles studied (public copybooks read for their style, none copied): IBM PD Tools
//! workshop copybooks (strongbacktraining/idz-git-training, strongbacktraining/classware),
//! the CICS GENAPP commareas (pandiansun77/standalone3), AWS CardDemo BMS maps
//! (eclipse-che4z/che-che4z-lsp-for-cobol test files), DB2 DCLGEN members
//! (dscobol/Cobol-Code, flpet-ibm/zUnitandVTP, AlexerV/ajc_project,
//! saiLahari44/mainframe-modernization), IMS message areas (kenishia/ZCWorkspace_IMS),
//! z/OS Connect generated structures (zosconnect/sample-oas3-requester), sequence-numbered
//! insurance sources (sanderson62/TPE-BPE, sanderson62/Logic), course copybooks
//! (edack/MTM2020, ralfs1212/Cobolcourse, mirage22/cobol_examples), `:PROG:` placeholder
//! copybooks (blankoworld/prospect) and COPY REPLACING listings
//! (Apress/beg-cobol-for-programmers).
//!
//! Without `cobc` the oracle part passes with a note, except under CI (`CI=true`).

// A test that cannot set itself up should fail loudly: panicking is the point.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::cobc::{cobc_available, fraction_digits, Dec, COBC_FLAGS};
use serde_json::Value;

/// Corpus files Ferrule cannot load yet, and the feature (and helper) they wait for.
/// When a feature lands, `pending_files_still_fail` names the entry to delete here.
const PENDING: &[(&str, &str)] = &[];

/// Files Ferrule refuses on purpose, and a part of the message it must give.
const REFUSED: &[(&str, &str)] = &[
    (
        "placeholder_unreplaced.cpy",
        "`:TAG:` is a placeholder for COPY ... REPLACING",
    ),
    // A counter inside the outer table: every day has its own round count, so the days
    // differ in length. IBM Enterprise COBOL refuses that (complex ODO keeps every ODO
    // object outside the tables), and so does Ferrule.
    (
        "nested_odo_schedule.cpy",
        "the ODO counter RC-ROUND-COUNT must not be part of a table",
    ),
];

/// Files Ferrule loads but decodes wrongly, judged by the oracle, which must still find
/// problems (when the gap is fixed, the test names the entry to delete).
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// Pending files GnuCOBOL 3.1 cannot compile either (so only Ferrule judges them, by hand).
const COBC_CANNOT: &[&str] = &[];

/// One hand-computed row: JSON path of the item (without the record), byte offset, length.
type Row = (&'static str, usize, usize);

/// Files GnuCOBOL cannot judge, with their record length and hand-computed rows (a file
/// may also be PENDING: its rows are checked once it loads).
const HAND: &[(&str, usize, &[Row])] = &[
    // A DCLGEN member with its `EXEC SQL DECLARE ... END-EXEC` block: GnuCOBOL needs a
    // DB2 precompiler for it ("PROCEDURE DIVISION header missing" at EXEC); Ferrule skips
    // the block and lays out the host structure.
    (
        "dclgen_exec_sql_block.cpy",
        69,
        &[
            ("permit_no", 0, 10),
            ("zone_code", 10, 3),
            ("holder_name", 13, 42),
            ("holder_name.holder_name_len", 13, 2),
            ("holder_name.holder_name_text", 15, 40),
            ("valid_from", 55, 10),
            ("fee", 65, 4),
        ],
    ),
    // EJECT and SKIPn between entries: IBM listing control that GnuCOBOL only takes in the
    // procedure division.
    (
        "eject_skip_listing.cpy",
        37,
        &[
            ("hr_job_no", 0, 9),
            ("hr_property", 9, 12),
            ("hr_priority", 21, 1),
            ("hr_trade", 22, 3),
            ("hr_raised", 25, 8),
            ("hr_estimate", 33, 4),
        ],
    ),
    // USAGE POINTER and INDEX: 4 bytes each on IBM (31-bit), the default dialect (GnuCOBOL
    // on x86-64 makes POINTER 8 bytes: `tests/pointer_sizes.rs` has it judge that).
    (
        "ims_pcb_pointer_list.cpy",
        28,
        &[
            ("pcb_count", 0, 2),
            ("pcb_address", 2, 4),
            ("pcb_address_2", 6, 4),
            ("pcb_address_3", 10, 4),
            ("work_index", 14, 4),
            ("caller_id", 18, 8),
            ("filler_end", 26, 2),
        ],
    ),
    // No period after the last entry (exports cut at the end of a member): IBM warns and
    // accepts it; GnuCOBOL refuses it.
    (
        "missing_final_period.cpy",
        19,
        &[
            ("rate_key", 0, 6),
            ("rate_key.rate_region", 0, 2),
            ("rate_key.rate_band", 2, 4),
            ("rate_value", 6, 5),
            ("rate_effective", 11, 8),
        ],
    ),
];

/// Copybooks in the column-7 style (code shifted into columns 1-7, `*` comments in column
/// 7, tags in 73-80) that GnuCOBOL 3.1 reads in neither format, and the fixed-format twin
/// (below the corpus folder) written by hand with the same entries: the oracle program
/// COPYs the twin, and Ferrule's layout and decode of the column-7 file must agree with it.
const FIXED_TWINS: &[(&str, &str)] = &[(
    "shifted_col7_member_account.cpy",
    "fixed_twins/shifted_col7_member_account.cpy",
)];

/// Copybooks in free format (code from column 1, no sequence area).
const FREE_FORMAT: &[&str] = &["trimmed_export_col1.cpy", "lowercase_free_form.cpy"];

/// SPECIAL-NAMES paragraphs the oracle program needs for a copybook.
const SPECIAL_NAMES: &[(&str, &str)] = &[("decimal_point_comma.cpy", "DECIMAL-POINT IS COMMA")];

/// Extra `ferrule` options for a copybook (after the feature it needs has landed).
const FERRULE_ARGS: &[(&str, &[&str])] =
    &[("decimal_point_comma.cpy", &["--decimal-point", "comma"])];

/// How Ferrule reads the bytes the oracle programs write (x86 GnuCOBOL, ASCII).
const DECODE_ARGS: &[&str] = &[
    "--codepage",
    "latin1",
    "--dialect",
    "gnucobol",
    "--framing",
    "len4",
];

fn corpus_dir() -> PathBuf {
    common::repo().join("tests/copybooks/corpus")
}

/// Every `.cpy` file of the corpus (members for COPY live below it and are not listed).
fn corpus_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".cpy"))
        .collect();
    files.sort();
    files
}

fn listed<T>(table: &[(&str, T)], file: &str) -> bool {
    table.iter().any(|(f, _)| *f == file)
}

/// Files that get the full GnuCOBOL oracle.
fn oracle_files() -> Vec<String> {
    corpus_files()
        .into_iter()
        .filter(|f| !listed(PENDING, f) && !listed(REFUSED, f))
        .filter(|f| !HAND.iter().any(|(h, _, _)| h == f))
        .collect()
}

#[test]
fn corpus_is_large_and_its_tables_name_real_files() {
    let files = corpus_files();
    assert!(
        files.len() >= 40,
        "the corpus should hold at least 40 copybooks, it has {}",
        files.len()
    );
    let mut named: Vec<&str> = PENDING.iter().map(|(f, _)| *f).collect();
    named.extend(REFUSED.iter().map(|(f, _)| *f));
    named.extend(HAND.iter().map(|(f, _, _)| *f));
    named.extend(FREE_FORMAT);
    named.extend(SPECIAL_NAMES.iter().map(|(f, _)| *f));
    named.extend(FERRULE_ARGS.iter().map(|(f, _)| *f));
    named.extend(KNOWN_GAPS.iter().map(|(f, _)| *f));
    named.extend(COBC_CANNOT);
    named.extend(FIXED_TWINS.iter().map(|(f, _)| *f));
    for (_, twin) in FIXED_TWINS {
        assert!(corpus_dir().join(twin).is_file(), "{twin} is missing");
    }
    for f in named {
        assert!(
            files.iter().any(|c| c == f),
            "{f} is named in a table of tests/copybook_corpus.rs but is not in {}",
            corpus_dir().display()
        );
    }
    for f in &files {
        let hand = HAND.iter().any(|(h, _, _)| h == f);
        let buckets = usize::from(listed(REFUSED, f))
            + usize::from(listed(KNOWN_GAPS, f))
            + usize::from(hand && !listed(PENDING, f))
            + usize::from(listed(PENDING, f));
        assert!(
            buckets <= 1 || (buckets == 2 && hand && listed(PENDING, f)),
            "{f} is in more than one of PENDING, REFUSED, KNOWN_GAPS, HAND"
        );
        if COBC_CANNOT.contains(&f.as_str()) {
            assert!(
                hand,
                "{f} is in COBC_CANNOT: give it hand-computed rows in HAND"
            );
        }
    }
}

/// The column-7 files really need their twin (GnuCOBOL reads them in neither format, so
/// the twin is what lets it judge), and each twin is a hand-written fixed-format file:
/// code only from column 8, no line the same as in the column-7 file.
#[test]
fn column7_files_are_judged_through_a_hand_written_fixed_twin() {
    for (file, twin) in FIXED_TWINS {
        let shifted = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
        let fixed = std::fs::read_to_string(corpus_dir().join(twin)).unwrap();
        let code = |l: &&str| !l.trim().is_empty() && l.chars().nth(6) != Some('*');
        assert!(
            shifted
                .lines()
                .filter(code)
                .any(|l| !l.starts_with("       ")),
            "{file} has no code in columns 1-7: judge it directly"
        );
        for l in fixed.lines().filter(code) {
            assert!(
                l.starts_with("       ") && l.len() <= 72,
                "{twin}: code outside columns 8-72: {l}"
            );
            assert!(
                !shifted.lines().filter(code).any(|s| s == l),
                "{twin}: a line copied from {file}: {l}"
            );
        }
    }
    if !cobc_available("the column-7 twin check") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (file, _) in FIXED_TWINS {
        for (format, wrap) in [("-fixed", true), ("-free", false)] {
            let copy = if wrap {
                format!("       COPY \"{file}\".\n")
            } else {
                format!("COPY \"{file}\".\n")
            };
            let head = if wrap { "       " } else { "" };
            let src = tmp.path().join("twin_check.cbl");
            std::fs::write(
                &src,
                format!(
                    "{head}IDENTIFICATION DIVISION.\n{head}PROGRAM-ID. T.\n\
                     {head}DATA DIVISION.\n{head}WORKING-STORAGE SECTION.\n{copy}\
                     {head}PROCEDURE DIVISION.\n{head}STOP RUN.\n"
                ),
            )
            .unwrap();
            let out = Command::new("cobc")
                .args(COBC_FLAGS)
                .args([format, "-fsyntax-only", "-I"])
                .arg(corpus_dir())
                .arg(&src)
                .output()
                .unwrap();
            assert!(
                !out.status.success(),
                "cobc {format} now reads {file} itself: let the oracle COPY it directly \
                 and drop its FIXED_TWINS entry"
            );
        }
    }
}

/// `ferrule layout --json` of one record of a corpus file.
fn layout(file: &str, record: Option<&str>) -> Result<Value, String> {
    let path = corpus_dir().join(file);
    let mut args = vec!["layout", "--json", "--copybook", common::path_str(&path)];
    if let Some(r) = record {
        args.extend(["--record", r]);
    }
    args.extend(ferrule_args(file));
    let out = common::ferrule(&args, b"");
    if !out.status.success() {
        return Err(common::stderr(&out));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bad layout JSON: {e}"))
}

/// Every file's options: COPY members from `members/` (as cobc's `-I`), then its own.
fn ferrule_args(file: &str) -> Vec<&'static str> {
    static MEMBERS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let members = MEMBERS.get_or_init(|| corpus_dir().join("members").display().to_string());
    let mut args = vec!["--include", members.as_str()];
    args.extend(
        FERRULE_ARGS
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, a)| a.to_vec())
            .unwrap_or_default(),
    );
    args
}

/// The names of every record the file defines, in order (from Ferrule's own list).
fn record_names(file: &str) -> Result<Vec<String>, String> {
    let path = corpus_dir().join(file);
    let mut args = vec![
        "layout",
        "--copybook",
        common::path_str(&path),
        "--record",
        "ZZ-NO-SUCH-RECORD",
    ];
    args.extend(ferrule_args(file));
    let out = common::ferrule(&args, b"");
    let err = common::stderr(&out);
    let list = err
        .lines()
        .find_map(|l| l.split_once("the copybook defines: ").map(|(_, r)| r))
        .ok_or_else(|| err.clone())?;
    Ok(list.split(", ").map(|s| s.trim().to_string()).collect())
}

#[test]
fn pending_files_still_fail() {
    // A pending file that loads means its feature has landed: move it out of PENDING.
    let mut landed = Vec::new();
    for (file, feature) in PENDING {
        if layout(file, None).is_ok() {
            landed.push(format!(
                "{file} now loads ({feature} landed?): delete its PENDING entry in \
                 tests/copybook_corpus.rs so the GnuCOBOL oracle judges it"
            ));
        }
    }
    assert!(landed.is_empty(), "{}", landed.join("\n"));
}

#[test]
fn refused_files_give_their_message() {
    for (file, message) in REFUSED {
        match layout(file, None) {
            Ok(_) => panic!("{file} should be refused ({message}) but loads"),
            Err(e) => {
                assert!(
                    e.contains(message),
                    "{file}: expected an error containing {message:?}, got:\n{e}"
                );
                assert!(
                    e.contains(&format!("{file}:")),
                    "{file}: the error should name the file with line and column:\n{e}"
                );
            }
        }
    }
}

#[test]
fn hand_computed_offsets() {
    let mut problems = Vec::new();
    for (file, length, rows) in HAND.iter().filter(|(f, _, _)| !listed(PENDING, f)) {
        let doc = match layout(file, None) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("{file}: does not load:\n{e}"));
                continue;
            }
        };
        if doc["length"].as_u64() != Some(*length as u64) {
            problems.push(format!(
                "{file}: record length {} (hand: {length})",
                doc["length"]
            ));
        }
        let fields = doc["fields"].as_array().unwrap();
        let root = fields[0]["path"].as_str().unwrap().to_string();
        for (path, offset, len) in *rows {
            let full = format!("{root}.{path}");
            match fields.iter().find(|f| f["path"] == full.as_str()) {
                None => problems.push(format!("{file}: no field {path}")),
                Some(f) => {
                    let got = (f["offset"].as_u64(), f["length"].as_u64());
                    if got != (Some(*offset as u64), Some(*len as u64)) {
                        problems.push(format!(
                            "{file}: {path} at {:?} length {:?} (hand: {offset}, {len})",
                            got.0, got.1
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The GnuCOBOL oracle.

#[test]
fn gnucobol_judges_the_corpus() {
    if !cobc_available("the copybook corpus oracle") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut jobs: Vec<Job> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for (n, file) in oracle_files().into_iter().enumerate() {
        match Job::oracle(n, &file) {
            Ok(job) => jobs.push(job),
            Err(e) => problems.push(format!("{file}: {e}")),
        }
    }
    // Pending files must still be real COBOL: compiled with a program that only COPYs them.
    for (n, (file, _)) in PENDING.iter().enumerate() {
        if !COBC_CANNOT.contains(file) {
            jobs.push(Job::syntax_only(1000 + n, file));
        }
    }
    let queue = Mutex::new(jobs);
    let found = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let Some(job) = queue.lock().unwrap().pop() else {
                    break;
                };
                let mut result = job.run(tmp.path());
                if let Some((_, gap)) = KNOWN_GAPS.iter().find(|(f, _)| *f == job.file) {
                    // The gap must still show; once it does not, the entry should go.
                    result = if result.is_empty() {
                        vec![format!(
                            "{}: the oracle finds no problem now ({gap} fixed?): delete its \
                             KNOWN_GAPS entry in tests/copybook_corpus.rs",
                            job.file
                        )]
                    } else {
                        Vec::new()
                    };
                }
                found.lock().unwrap().extend(result);
            });
        }
    });
    problems.extend(found.into_inner().unwrap());
    problems.sort();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// One program to compile and run, and what to compare its output with.
struct Job {
    id: usize,
    file: String,
    program: String,
    /// The records (empty: compile only).
    records: Vec<Record>,
}

/// One record of a copybook as Ferrule lays it out, and the expectations the program's
/// DISPLAY lines are matched with.
struct Record {
    name: String,
    /// JSON path (no record prefix) -> (offset, length) from Ferrule.
    geometry: BTreeMap<String, (u64, u64)>,
}

impl Job {
    fn oracle(id: usize, file: &str) -> Result<Job, String> {
        let names = record_names(file)?;
        let mut records = Vec::new();
        let mut body = String::new();
        let mut implicit_root = false;
        for (i, name) in names.iter().enumerate() {
            let doc = layout(file, Some(name))?;
            let tree = Tree::from_layout(&doc)?;
            implicit_root |= name == "RECORD";
            let opts = special_names(file);
            let mut g = Gen {
                tree: &tree,
                out: String::new(),
                decimal_comma: opts.contains("DECIMAL-POINT IS COMMA"),
                counter: 0,
            };
            g.record(i)?;
            body.push_str(&g.out);
            records.push(Record {
                name: name.clone(),
                geometry: tree.geometry(),
            });
        }
        Ok(Job {
            id,
            file: file.to_string(),
            program: program(id, file, implicit_root, &body),
            records,
        })
    }

    fn syntax_only(id: usize, file: &str) -> Job {
        // A copybook that starts below level 01 needs a record around it.
        let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap_or_default();
        let wrap = !text.contains("COPY ")
            && !text.lines().any(|l| {
                let code = l.get(6..).unwrap_or("").trim_start();
                code.starts_with("01 ")
            });
        Job {
            id,
            file: file.to_string(),
            program: program(id, file, wrap, "       STOP RUN.\n"),
            records: Vec::new(),
        }
    }

    /// Compiles and runs the program; returns the problems found.
    fn run(&self, dir: &Path) -> Vec<String> {
        let src = dir.join(format!("c{}.cbl", self.id));
        std::fs::write(&src, &self.program).unwrap();
        let exe = dir.join(format!("c{}", self.id));
        let mut cmd = Command::new("cobc");
        cmd.args(COBC_FLAGS)
            .arg("-free")
            .arg("-I")
            .arg(corpus_dir())
            .arg("-I")
            .arg(corpus_dir().join("members"));
        if self.records.is_empty() {
            cmd.arg("-fsyntax-only");
        } else {
            cmd.arg("-x").arg("-o").arg(&exe);
        }
        let out = cmd.arg(&src).output().unwrap();
        if !out.status.success() {
            return vec![format!(
                "{}: cobc failed on the generated program {}:\n{}",
                self.file,
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            )];
        }
        if self.records.is_empty() {
            return Vec::new();
        }
        let work = dir.join(format!("w{}", self.id));
        std::fs::create_dir_all(&work).unwrap();
        let run = Command::new(&exe).current_dir(&work).output().unwrap();
        if !run.status.success() {
            return vec![format!(
                "{}: the oracle program failed: {}",
                self.file,
                String::from_utf8_lossy(&run.stderr)
            )];
        }
        let shown = parse_display(&run.stdout);
        let mut problems = Vec::new();
        for (i, rec) in self.records.iter().enumerate() {
            let Some(lines) = shown.get(i) else {
                problems.push(format!("{}: no output for record {}", self.file, rec.name));
                continue;
            };
            let bytes = std::fs::read(work.join(format!("rec{i}.dat"))).unwrap_or_default();
            self.judge(rec, lines, &bytes, &mut problems);
        }
        problems
    }

    /// Compares one record's DISPLAY lines with Ferrule's layout and decode.
    fn judge(&self, rec: &Record, lines: &[Shown], bytes: &[u8], problems: &mut Vec<String>) {
        let at = format!("{} ({})", self.file, rec.name);
        let mut seen_geometry = 0;
        for l in lines
            .iter()
            .filter(|l| matches!(l.kind.as_str(), "L" | "O"))
        {
            let Some(&(offset, length)) = rec.geometry.get(&l.path) else {
                problems.push(format!(
                    "{at}: COBOL item {} is not in Ferrule's layout",
                    l.path
                ));
                continue;
            };
            let cobol: u64 = l.value.trim().parse().unwrap_or(u64::MAX);
            let (what, ferrule) = if l.kind == "L" {
                seen_geometry += 1;
                ("length", length)
            } else {
                ("offset", offset)
            };
            if cobol != ferrule {
                problems.push(format!(
                    "{at}: {}: {what} {ferrule} in Ferrule, {cobol} in GnuCOBOL",
                    display_path(&l.path)
                ));
            }
        }
        if seen_geometry != rec.geometry.len() {
            problems.push(format!(
                "{at}: the program showed {seen_geometry} lengths for {} named items",
                rec.geometry.len()
            ));
        }
        let path = corpus_dir().join(&self.file);
        let mut args = vec!["decode", "--copybook", common::path_str(&path)];
        args.extend(["--record", rec.name.as_str()]);
        args.extend(DECODE_ARGS);
        args.extend(ferrule_args(&self.file));
        args.push("-");
        let out = common::ferrule(&args, bytes);
        if !out.status.success() {
            problems.push(format!(
                "{at}: ferrule decode failed: {}",
                common::stderr(&out)
            ));
            return;
        }
        let docs = common::parse_lines(&common::stdout(&out));
        let [doc] = docs.as_slice() else {
            problems.push(format!(
                "{at}: expected one decoded record, got {}",
                docs.len()
            ));
            return;
        };
        let mut leaves = BTreeMap::new();
        collect_leaves(doc, String::new(), &mut leaves);
        let decimal_comma = special_names(&self.file).contains("DECIMAL-POINT IS COMMA");
        for l in lines
            .iter()
            .filter(|l| !matches!(l.kind.as_str(), "L" | "O"))
        {
            let Some(got) = leaves.remove(&l.path) else {
                problems.push(format!(
                    "{at}: {}: COBOL holds {:?}, Ferrule's JSON has no such field",
                    l.path, l.value
                ));
                continue;
            };
            if let Err(why) = compare(l, got, decimal_comma) {
                problems.push(format!("{at}: {}: {why}", l.path));
            }
        }
        for (path, v) in leaves {
            problems.push(format!(
                "{at}: {path}: Ferrule wrote {v} but the program did not DISPLAY it"
            ));
        }
    }
}

fn display_path(p: &str) -> &str {
    if p.is_empty() {
        "(the record)"
    } else {
        p
    }
}

fn special_names(file: &str) -> &'static str {
    SPECIAL_NAMES
        .iter()
        .find(|(f, _)| *f == file)
        .map_or("", |(_, s)| s)
}

/// The whole oracle program (free format; the copybook's own format around the COPY).
fn program(id: usize, file: &str, implicit_root: bool, body: &str) -> String {
    let mut p = String::new();
    let _ = writeln!(p, "IDENTIFICATION DIVISION.\nPROGRAM-ID. C{id}.");
    let special = special_names(file);
    if !special.is_empty() {
        let _ = writeln!(
            p,
            "ENVIRONMENT DIVISION.\nCONFIGURATION SECTION.\nSPECIAL-NAMES.\n    {special}."
        );
    }
    p.push_str(
        "DATA DIVISION.\nWORKING-STORAGE SECTION.\n\
         01 ZZORC-PTR USAGE POINTER.\n\
         01 ZZORC-PTRN REDEFINES ZZORC-PTR PIC 9(18) COMP-5.\n\
         01 ZZORC-BASE PIC 9(18) COMP-5.\n\
         01 ZZORC-NUM PIC 9(9).\n\
         01 ZZORC-ED PIC -(40)9.9(38).\n\
         01 ZZORC-PFX PIC 9(9) COMP.\n\
         01 ZZORC-FH PIC X(4) COMP-X.\n\
         01 ZZORC-FOFF PIC X(8) COMP-X.\n\
         01 ZZORC-CNT PIC X(4) COMP-X.\n\
         01 ZZORC-FLAGS PIC X COMP-X VALUE 0.\n\
         01 ZZORC-FILE PIC X(16).\n",
    );
    if implicit_root {
        p.push_str("01 ZZORC-ROOT.\n");
    }
    let copied = FIXED_TWINS
        .iter()
        .find(|(f, _)| *f == file)
        .map_or(file, |(_, twin)| *twin);
    if FREE_FORMAT.contains(&file) {
        let _ = writeln!(p, "COPY \"{copied}\".");
    } else {
        let _ = writeln!(
            p,
            "       >>SOURCE FORMAT IS FIXED\n       COPY \"{copied}\".\n       >>SOURCE FORMAT IS FREE"
        );
    }
    p.push_str("PROCEDURE DIVISION.\n");
    p.push_str(body);
    p.push_str("STOP RUN.\n");
    p
}

// ---------------------------------------------------------------------------------------
// Ferrule's layout as a tree, and the program text generated from it.

struct Node {
    /// COBOL name; `None` for FILLER.
    name: Option<String>,
    /// JSON member name (`None` for a FILLER without a key of its own).
    json: Option<String>,
    level: u64,
    offset: u64,
    length: u64,
    ty: String,
    /// (min, max, counter name)
    occurs: Option<(u64, u64, Option<String>)>,
    redefines: bool,
    children: Vec<usize>,
}

struct Tree {
    nodes: Vec<Node>,
    record_name: String,
    /// The record's JSON name (the key of a level-77 item's value).
    root_json: String,
    length: u64,
}

impl Tree {
    fn from_layout(doc: &Value) -> Result<Tree, String> {
        let fields = doc["fields"].as_array().ok_or("no fields")?;
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut paths: Vec<String> = Vec::new();
        for f in fields {
            let name = f["name"].as_str().unwrap_or("FILLER").to_string();
            let path = f["path"].as_str().unwrap_or("");
            let level = f["level"].as_u64().unwrap_or(0);
            let filler = name.eq_ignore_ascii_case("FILLER");
            let occurs = f["occurs"].as_object().map(|o| {
                (
                    o["min"].as_u64().unwrap_or(0),
                    o["max"].as_u64().unwrap_or(0),
                    o["depending_on"].as_str().map(str::to_string),
                )
            });
            while stack.last().is_some_and(|&p| nodes[p].level >= level) {
                stack.pop();
            }
            // A FILLER has a key of its own only when its path adds one (a FILLER table
            // or REDEFINES group with named items: `filler`, `filler_2`).
            let parent_path = stack.last().map_or("", |&p| paths[p].as_str());
            let keyed = !filler || (path != parent_path && !path.is_empty());
            paths.push(path.to_string());
            let node = Node {
                name: (!filler).then(|| name.clone()),
                json: keyed.then(|| path.rsplit('.').next().unwrap_or(path).to_string()),
                level,
                offset: f["offset"].as_u64().unwrap_or(0),
                length: f["length"].as_u64().unwrap_or(0),
                ty: f["type"].as_str().unwrap_or("").to_string(),
                occurs,
                redefines: !f["redefines"].is_null(),
                children: Vec::new(),
            };
            let idx = nodes.len();
            if let Some(&parent) = stack.last() {
                nodes[parent].children.push(idx);
            } else if idx != 0 {
                return Err(format!("field {name} has no parent"));
            }
            nodes.push(node);
            stack.push(idx);
        }
        if nodes.is_empty() {
            return Err("empty layout".into());
        }
        Ok(Tree {
            nodes,
            record_name: doc["record"].as_str().unwrap_or("").to_string(),
            root_json: fields[0]["path"].as_str().unwrap_or("").to_string(),
            length: doc["length"].as_u64().unwrap_or(0),
        })
    }

    /// JSON path (first occurrences, no subscripts) -> (offset, length) for every named item.
    fn geometry(&self) -> BTreeMap<String, (u64, u64)> {
        let mut out = BTreeMap::new();
        out.insert(String::new(), (0, self.length));
        fn go(t: &Tree, i: usize, prefix: &str, out: &mut BTreeMap<String, (u64, u64)>) {
            for &c in &t.nodes[i].children {
                let n = &t.nodes[c];
                let p = match &n.json {
                    Some(j) if prefix.is_empty() => j.clone(),
                    Some(j) => format!("{prefix}.{j}"),
                    None => prefix.to_string(),
                };
                // Only named items: a FILLER's key is Ferrule's, COBOL cannot name it.
                if n.name.is_some() {
                    out.insert(p.clone(), (n.offset, n.length));
                }
                go(t, c, &p, out);
            }
        }
        go(self, 0, "", &mut out);
        out
    }

    /// The counter controlling an ODO table, by COBOL name.
    fn find(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| {
            n.name
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(name))
        })
    }
}

/// How an ODO table is filled: this many entries in the record that is written.
fn odo_count(min: u64, max: u64) -> u64 {
    // Fewer than the maximum, so the record is shorter than the layout's maximum.
    max.saturating_sub(1).max(min).max(1).min(max)
}

struct Gen<'t> {
    tree: &'t Tree,
    out: String,
    decimal_comma: bool,
    counter: usize,
}

/// Where the walk is: qualifiers (innermost first), subscripts, JSON path.
#[derive(Clone, Default)]
struct Place {
    qualifiers: Vec<String>,
    /// (count used for values, first occurrence) per enclosing table.
    dims: Vec<u64>,
    json: String,
    /// Inside a REDEFINES alternative (Ferrule decodes only the first one by default).
    redefined: bool,
}

impl Gen<'_> {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn root_name(&self) -> String {
        if self.tree.record_name == "RECORD" {
            "ZZORC-ROOT".into()
        } else {
            self.tree.record_name.clone()
        }
    }

    /// `NAME OF Q1 OF Q2 (s1, s2)`
    fn reference(name: &str, place: &Place, subs: &[u64]) -> String {
        let mut r = name.to_string();
        for q in &place.qualifiers {
            r.push_str("\n    OF ");
            r.push_str(q);
        }
        if !subs.is_empty() {
            let s: Vec<String> = subs.iter().map(u64::to_string).collect();
            r.push_str(&format!(" ({})", s.join(", ")));
        }
        r
    }

    /// Code for record number `i`: geometry, values, then the file `rec<i>.dat`.
    fn record(&mut self, i: usize) -> Result<(), String> {
        let root = self.root_name();
        self.line("DISPLAY \"@record\".");
        // ODO counters at their maximum while lengths and offsets are shown.
        self.set_counters(true);
        self.line(&format!("SET ZZORC-PTR TO ADDRESS OF {root}."));
        self.line("MOVE ZZORC-PTRN TO ZZORC-BASE.");
        self.line(&format!("MOVE LENGTH OF {root} TO ZZORC-NUM."));
        self.line("DISPLAY \"L =\" ZZORC-NUM.");
        let top = Place {
            qualifiers: vec![root.clone()],
            ..Place::default()
        };
        self.geometry(0, &top);
        self.set_counters(false);
        if self.tree.nodes[0].children.is_empty() {
            // A level-77 item: the record is one elementary item, shown under its own name.
            let root_item = Place {
                json: self.tree.root_json.clone(),
                ..Place::default()
            };
            let (ty, length) = (self.tree.nodes[0].ty.clone(), self.tree.nodes[0].length);
            self.elementary(&root, &ty, length, false, &root_item, &root_item)?;
        }
        self.values(0, &top)?;
        self.line(&format!("MOVE LENGTH OF {root} TO ZZORC-PFX ZZORC-CNT."));
        self.line(&format!("MOVE \"rec{i}.dat\" TO ZZORC-FILE."));
        self.line("CALL \"CBL_CREATE_FILE\" USING ZZORC-FILE 2 0 0 ZZORC-FH.");
        self.line("MOVE 4 TO ZZORC-FOFF.");
        self.line(&format!(
            "CALL \"CBL_WRITE_FILE\" USING ZZORC-FH ZZORC-FOFF ZZORC-CNT ZZORC-FLAGS {root}."
        ));
        self.line("MOVE 0 TO ZZORC-FOFF. MOVE 4 TO ZZORC-CNT.");
        self.line(
            "CALL \"CBL_WRITE_FILE\" USING ZZORC-FH ZZORC-FOFF ZZORC-CNT ZZORC-FLAGS ZZORC-PFX.",
        );
        self.line("CALL \"CBL_CLOSE_FILE\" USING ZZORC-FH.");
        Ok(())
    }

    /// MOVEs the maximum (`max`) or the count used for values to every ODO counter.
    fn set_counters(&mut self, max: bool) {
        let tables: Vec<(u64, u64, String)> = self
            .tree
            .nodes
            .iter()
            .filter_map(|n| n.occurs.clone())
            .filter_map(|(lo, hi, c)| c.map(|c| (lo, hi, c)))
            .collect();
        for (lo, hi, counter) in tables {
            if self.tree.find(&counter).is_none() {
                continue;
            }
            let n = if max { hi } else { odo_count(lo, hi) };
            let root = self.root_name();
            self.line(&format!("MOVE {n} TO {counter} OF {root}."));
        }
    }

    fn child_place(&self, place: &Place, c: usize) -> Place {
        let n = &self.tree.nodes[c];
        let mut p = place.clone();
        if let Some(name) = &n.name {
            p.qualifiers.insert(0, name.clone());
        }
        if let Some(j) = &n.json {
            // `#` marks a table segment: `subscripted` puts the subscript there.
            let seg = if n.occurs.is_some() {
                format!("{j}#")
            } else {
                j.clone()
            };
            p.json = if p.json.is_empty() {
                seg
            } else {
                format!("{}.{seg}", p.json)
            };
        }
        if let Some((lo, hi, dep)) = &n.occurs {
            p.dims.push(if dep.is_some() {
                odo_count(*lo, *hi)
            } else {
                *hi
            });
        }
        p.redefined |= n.redefines;
        p
    }

    /// LENGTH OF and offset (ADDRESS OF minus the record's) of every named item.
    fn geometry(&mut self, i: usize, place: &Place) {
        let children = self.tree.nodes[i].children.clone();
        for c in children {
            let p = self.child_place(place, c);
            if let Some(name) = self.tree.nodes[c].name.clone() {
                let ones = vec![1; p.dims.len()];
                let mut own = p.clone();
                own.qualifiers.remove(0);
                let r = Self::reference(&name, &own, &ones);
                self.line(&format!("MOVE LENGTH OF {r} TO ZZORC-NUM."));
                let path = p.json.replace('#', "");
                self.line(&format!("DISPLAY \"L {path}=\" ZZORC-NUM."));
                self.line(&format!("SET ZZORC-PTR TO ADDRESS OF {r}."));
                self.line("COMPUTE ZZORC-NUM = ZZORC-PTRN - ZZORC-BASE.");
                self.line(&format!("DISPLAY \"O {path}=\" ZZORC-NUM."));
            }
            self.geometry(c, &p);
        }
    }

    /// MOVE and DISPLAY a value for every elementary item Ferrule decodes.
    fn values(&mut self, i: usize, place: &Place) -> Result<(), String> {
        let children = self.tree.nodes[i].children.clone();
        for c in children {
            let p = self.child_place(place, c);
            if p.redefined {
                continue;
            }
            let node = &self.tree.nodes[c];
            if !node.children.is_empty() {
                self.values(c, &p)?;
                continue;
            }
            let Some(name) = node.name.clone() else {
                continue;
            };
            let (ty, length) = (node.ty.clone(), node.length);
            let is_counter = self.tree.nodes.iter().any(|n| {
                n.occurs
                    .as_ref()
                    .and_then(|o| o.2.as_deref())
                    .is_some_and(|d| d.eq_ignore_ascii_case(&name))
            });
            let mut own = p.clone();
            own.qualifiers.remove(0);
            self.elementary(&name, &ty, length, is_counter, &own, &p)?;
        }
        Ok(())
    }

    /// MOVE (unless it is an ODO counter, set already) and DISPLAY every occurrence of one
    /// elementary item; `own`: its qualifiers, `p`: its place (JSON path, tables).
    fn elementary(
        &mut self,
        name: &str,
        ty: &str,
        length: u64,
        is_counter: bool,
        own: &Place,
        p: &Place,
    ) -> Result<(), String> {
        for subs in combinations(&p.dims) {
            let r = Self::reference(name, own, &subs);
            let json = subscripted(&p.json, &subs);
            if !is_counter {
                let v = self.value(ty, length)?;
                self.line(&format!("MOVE {v} TO {r}."));
            }
            let show = show(ty);
            if show == "D" {
                self.line(&format!("MOVE {r} TO ZZORC-ED."));
                self.line(&format!("DISPLAY \"D {json}=\" ZZORC-ED."));
            } else {
                self.line(&format!("DISPLAY \"{show} {json}=\" {r}."));
            }
        }
        Ok(())
    }

    /// A literal that fits an item of Ferrule type `ty` (distinct per call).
    fn value(&mut self, ty: &str, length: u64) -> Result<String, String> {
        self.counter += 1;
        let k = self.counter;
        if let Some(n) = comp_x_digits(ty) {
            let num = Numeric {
                signed: false,
                digits: n,
                scale: 0,
            };
            return Ok(num.literal(k, self.decimal_comma));
        }
        if let Some(rest) = ty.strip_prefix("X(") {
            let n: usize = rest
                .trim_end_matches(')')
                .parse()
                .map_err(|_| ty.to_string())?;
            let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
            let text: String = letters
                .chars()
                .cycle()
                .skip(k % 26)
                .take(n.min(30))
                .collect();
            return Ok(format!("\"{text}\""));
        }
        if ty == "COMP-1" || ty == "COMP-2" {
            let v = format!("{}.25", k % 1000);
            return Ok(if self.decimal_comma {
                v.replace('.', ",")
            } else {
                v
            });
        }
        if let Some(num) = Numeric::parse(ty) {
            return Ok(num.literal(k, self.decimal_comma));
        }
        // An edited picture: a small value every such picture in the corpus can hold.
        let _ = length;
        let negative = ty.contains('-') || ty.contains("CR") || ty.contains("DB");
        let point = if self.decimal_comma { ',' } else { '.' };
        let has_point = ty.contains(point) || ty.contains('V');
        let mut v = if has_point {
            format!("{}{point}5", 10 + k % 80)
        } else {
            format!("{}", 10 + k % 80)
        };
        if negative && k % 2 == 1 {
            v.insert(0, '-');
        }
        Ok(v)
    }
}

/// A numeric type as Ferrule describes it: `S9(5)V9(2) COMP-3`, `9(3)P(2)`, `SVP(2)9(3)`.
struct Numeric {
    signed: bool,
    /// Digits stored.
    digits: u32,
    /// Digits after the point (negative for trailing P).
    scale: i32,
}

impl Numeric {
    fn parse(ty: &str) -> Option<Numeric> {
        let pic = ty.split_whitespace().next()?;
        let (signed, mut rest) = match pic.strip_prefix('S') {
            Some(r) => (true, r),
            None => (false, pic),
        };
        if !rest.starts_with(['9', 'V']) {
            return None;
        }
        let (mut int, mut frac, mut p_after, mut p_before) = (0u32, 0u32, 0u32, 0u32);
        let mut after_v = false;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('V') {
                after_v = true;
                rest = r;
                continue;
            }
            let sym = rest.chars().next()?;
            let r = rest.get(1..)?;
            let (n, r) = match r.strip_prefix('(') {
                Some(r) => {
                    let close = r.find(')')?;
                    (r.get(..close)?.parse().ok()?, r.get(close + 1..)?)
                }
                None => (1, r),
            };
            match (sym, after_v) {
                ('9', false) => int += n,
                ('9', true) => frac += n,
                ('P', false) => p_after += n,
                ('P', true) => p_before += n,
                _ => return None,
            }
            rest = r;
        }
        let digits = int + frac;
        let scale = if p_before > 0 {
            (p_before + frac) as i32
        } else {
            frac as i32 - p_after as i32
        };
        Some(Numeric {
            signed,
            digits,
            scale,
        })
    }

    /// A literal with all `digits` digits (first one non-zero), negative for odd `k` when
    /// signed.
    fn literal(&self, k: usize, comma: bool) -> String {
        let pattern = "987654321";
        let start = k % 9;
        let digits: String = pattern
            .chars()
            .chain("123456789".chars())
            .cycle()
            .skip(start)
            .take(self.digits as usize)
            .collect();
        let sign = if self.signed && k % 2 == 1 { "-" } else { "" };
        let point = if comma { ',' } else { '.' };
        let body = if self.scale <= 0 {
            format!("{digits}{}", "0".repeat((-self.scale) as usize))
        } else if self.scale as u32 >= self.digits {
            let zeros = "0".repeat((self.scale as u32 - self.digits) as usize);
            format!("0{point}{zeros}{digits}")
        } else {
            let cut = (self.digits - self.scale as u32) as usize;
            format!("{}{point}{}", &digits[..cut], &digits[cut..])
        };
        format!("{sign}{body}")
    }
}

/// Digits GnuCOBOL keeps in a `X(n) COMP-X` item (the most nines its n bytes hold).
fn comp_x_digits(ty: &str) -> Option<u32> {
    let n: usize = ty
        .strip_prefix("X(")?
        .strip_suffix(") COMP-X")?
        .parse()
        .ok()?;
    [2, 4, 7, 9, 12, 14, 16, 18].get(n.checked_sub(1)?).copied()
}

/// How the program shows an item of Ferrule type `ty`: the DISPLAY kind.
fn show(ty: &str) -> &'static str {
    if comp_x_digits(ty).is_some() {
        return "N";
    }
    if ty.starts_with("X(") {
        return "X";
    }
    match ty {
        "COMP-1" => return "F4",
        "COMP-2" => return "F8",
        _ => {}
    }
    match Numeric::parse(ty) {
        // GnuCOBOL shows P-scaled items and scaled COMP-5 wrongly: through an edited item.
        Some(n) if n.scale < 0 || n.scale as u32 > n.digits => "D",
        Some(n) if ty.ends_with("COMP-5") && n.scale != 0 => "D",
        Some(_) => "N",
        None => "E",
    }
}

/// Every subscript combination of the tables around an item (1-based).
fn combinations(dims: &[u64]) -> Vec<Vec<u64>> {
    let mut all = vec![Vec::new()];
    for &d in dims {
        let mut next = Vec::new();
        for prefix in &all {
            for i in 1..=d {
                let mut p = prefix.clone();
                p.push(i);
                next.push(p);
            }
        }
        all = next;
    }
    all
}

/// `a#.b.c#` (tables marked `#`) with their subscripts: `a(2).b.c(1)`.
fn subscripted(json: &str, subs: &[u64]) -> String {
    if subs.is_empty() {
        return json.to_string();
    }
    let mut out = String::new();
    let mut it = subs.iter();
    for (n, seg) in json.split('.').enumerate() {
        if n > 0 {
            out.push('.');
        }
        match seg.strip_suffix('#') {
            Some(s) => {
                out.push_str(s);
                if let Some(i) = it.next() {
                    let _ = write!(out, "({i})");
                }
            }
            None => out.push_str(seg),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// What the programs DISPLAY, and the comparison.

struct Shown {
    kind: String,
    path: String,
    value: String,
}

/// Splits the output at `@record` lines; each other line is `KIND path=value` (Latin-1).
fn parse_display(stdout: &[u8]) -> Vec<Vec<Shown>> {
    let text: String = stdout.iter().map(|&b| char::from(b)).collect();
    let mut records: Vec<Vec<Shown>> = Vec::new();
    for line in text.lines() {
        if line == "@record" {
            records.push(Vec::new());
            continue;
        }
        let Some((kind, rest)) = line.split_once(' ') else {
            continue;
        };
        let Some((path, value)) = rest.split_once('=') else {
            continue;
        };
        if let Some(r) = records.last_mut() {
            r.push(Shown {
                kind: kind.to_string(),
                path: path.to_string(),
                value: value.to_string(),
            });
        }
    }
    records
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

fn number_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// An edited value as COBOL shows it (`  1,234.50CR`, `$**12.50`) to a plain decimal.
fn de_edit(shown: &str, comma: bool) -> String {
    let point = if comma { ',' } else { '.' };
    let negative = shown.contains('-') || shown.contains("CR") || shown.contains("DB");
    let mut s: String = shown
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == point)
        .map(|c| if c == point { '.' } else { c })
        .collect();
    if negative {
        s.insert(0, '-');
    }
    s
}

fn compare(l: &Shown, got: &Value, comma: bool) -> Result<(), String> {
    match l.kind.as_str() {
        "X" => {
            let want = l.value.trim_end_matches(' ');
            match got {
                Value::String(s) if s == want => Ok(()),
                _ => Err(format!("COBOL {want:?}, Ferrule {got}")),
            }
        }
        "N" | "D" | "E" => {
            let text =
                number_text(got).ok_or_else(|| format!("COBOL {}, Ferrule {got}", l.value))?;
            let shown = match l.kind.as_str() {
                "E" => de_edit(&l.value, comma),
                _ if comma => l.value.replace(',', "."),
                _ => l.value.clone(),
            };
            let want = Dec::parse(&shown).ok_or_else(|| format!("unparsable COBOL {shown:?}"))?;
            let have = Dec::parse(&text).ok_or_else(|| format!("unparsable Ferrule {text:?}"))?;
            if want != have {
                return Err(format!("COBOL {}, Ferrule {text}", l.value.trim()));
            }
            if l.kind == "N" && fraction_digits(&shown) != fraction_digits(&text) {
                return Err(format!(
                    "COBOL {} has {} fraction digits, Ferrule {text} has {}",
                    l.value.trim(),
                    fraction_digits(&shown),
                    fraction_digits(&text)
                ));
            }
            Ok(())
        }
        "F4" | "F8" => {
            let text =
                number_text(got).ok_or_else(|| format!("COBOL {}, Ferrule {got}", l.value))?;
            let want: f64 = l
                .value
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| l.value.clone())?;
            let have: f64 = text.parse().map_err(|_| text.clone())?;
            let same = if l.kind == "F4" {
                (want as f32) == (have as f32)
            } else {
                (want - have).abs() <= f64::EPSILON * 2.0 * want.abs().max(have.abs())
            };
            if same {
                Ok(())
            } else {
                Err(format!("COBOL {}, Ferrule {text}", l.value.trim()))
            }
        }
        k => Err(format!("unknown DISPLAY kind {k}")),
    }
}

#[test]
fn generator_pieces() {
    // Numeric types as Ferrule describes them, and literals that fit them.
    let n = Numeric::parse("S9(5)V9(2) COMP-3").unwrap();
    assert_eq!((n.signed, n.digits, n.scale), (true, 7, 2));
    assert_eq!(n.literal(1, false), "-87654.32");
    assert_eq!(
        Numeric::parse("9(3)P(2)").unwrap().literal(2, false),
        "76500"
    );
    assert_eq!(
        Numeric::parse("SVP(2)9(3)").unwrap().literal(2, false),
        "0.00765"
    );
    assert!(Numeric::parse("ZZ,ZZ9.99-").is_none());
    assert_eq!(combinations(&[2, 2]).len(), 4);
    assert_eq!(subscripted("a#.b.c#", &[2, 3]), "a(2).b.c(3)");
    assert_eq!(de_edit("  1,234.50CR", false), "-1234.50");
    assert_eq!(de_edit(" 1.234,50", true), "1234.50");
}
