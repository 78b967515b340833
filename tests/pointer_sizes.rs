//! USAGE POINTER, INDEX, PROCEDURE-POINTER and PROGRAM-POINTER sized per dialect, judged
//! by GnuCOBOL: a program COPYs `tests/copybooks/pointer_usages.cpy`, shows `LENGTH OF`
//! and the offset of every item, SETs each pointer to a real address and writes the
//! record. `ferrule layout --dialect gnucobol` must give the compiler's offsets and
//! lengths, and `ferrule decode --dialect gnucobol` the addresses the program held. IBM
//! Enterprise COBOL (31-bit) is not here to judge: its sizes are checked against its
//! Language Reference (POINTER and INDEX 4 bytes, PROCEDURE-POINTER 8).
//!
//! Without `cobc` the GnuCOBOL part passes with a note, except under CI (`CI=true`).

// A test that cannot set itself up should fail loudly: panicking is the point.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::cobc::{cobc_available, COBC_FLAGS};
use serde_json::Value;

const ITEMS: &[(&str, &str)] = &[
    ("PT-TAG", "pt_tag"),
    ("PT-DATA-PTR", "pt_data_ptr"),
    ("PT-SLOT", "pt_slot"),
    ("PT-EXIT", "pt_exit"),
    ("PT-PROG", "pt_prog"),
    ("PT-TAIL", "pt_tail"),
];

fn copybook() -> std::path::PathBuf {
    common::repo().join("tests/copybooks/pointer_usages.cpy")
}

/// JSON path -> (offset, length) from `ferrule layout --json`.
fn geometry(dialect: &str) -> (u64, BTreeMap<String, (u64, u64)>) {
    let cpy = copybook();
    let out = common::ferrule(
        &[
            "layout",
            "--json",
            "--dialect",
            dialect,
            "--copybook",
            common::path_str(&cpy),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let key = path.strip_prefix("pt_rec.").unwrap_or(path).to_string();
            (
                key,
                (f["offset"].as_u64().unwrap(), f["length"].as_u64().unwrap()),
            )
        })
        .collect();
    (doc["length"].as_u64().unwrap(), rows)
}

#[test]
fn ibm_pointers_are_one_fullword_and_procedure_pointers_two() {
    let (length, rows) = geometry("ibm");
    assert_eq!(length, 25);
    assert_eq!(rows["pt_data_ptr"], (3, 4));
    assert_eq!(rows["pt_slot"], (7, 4));
    assert_eq!(rows["pt_exit"], (11, 8));
    assert_eq!(rows["pt_prog"], (19, 4));
    assert_eq!(rows["pt_tail"], (23, 2));
}

#[test]
fn listings_and_schemas_name_the_usage_as_written() {
    let cpy = copybook();
    let out = common::ferrule(&["layout", "--copybook", common::path_str(&cpy)], b"");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    for (name, usage) in [
        ("PT-DATA-PTR", "POINTER"),
        ("PT-SLOT", "INDEX"),
        ("PT-EXIT", "PROCEDURE-POINTER"),
        // PROGRAM-POINTER is GnuCOBOL's spelling of FUNCTION-POINTER.
        ("PT-PROG", "FUNCTION-POINTER"),
    ] {
        let line = text.lines().find(|l| l.contains(name)).unwrap();
        assert!(line.contains(usage) && !line.contains("COMP-5"), "{line}");
    }
    let out = common::ferrule(&["schema", "--copybook", common::path_str(&cpy)], b"");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &doc["properties"]["pt_data_ptr"];
    assert_eq!(p["x-cobol"]["usage"], "POINTER", "{p}");
    assert_eq!(p["type"], "integer", "{p}");
    assert!(p["x-cobol"].get("pic").is_none(), "{p}");
}

/// The COBOL program: geometry lines `L item=`, `O item=`, then `V item=` with the
/// value of each pointer's bytes read as a native unsigned number, and `rec.dat`.
fn program() -> String {
    let mut p = String::from(
        "IDENTIFICATION DIVISION.\nPROGRAM-ID. PTPROG.\nDATA DIVISION.\n\
         WORKING-STORAGE SECTION.\n\
         >>SOURCE FORMAT IS FIXED\n       COPY \"pointer_usages.cpy\".\n       >>SOURCE FORMAT IS FREE\n\
         01 ZP USAGE POINTER.\n01 ZPN REDEFINES ZP PIC 9(18) COMP-5.\n\
         01 ZB PIC 9(18) COMP-5.\n01 ZN PIC 9(20).\n01 ZTARGET PIC X(8).\n\
         01 ZFH PIC X(4) COMP-X.\n01 ZOFF PIC X(8) COMP-X VALUE 0.\n\
         01 ZCNT PIC X(4) COMP-X.\n01 ZFLAGS PIC X COMP-X VALUE 0.\n\
         01 ZFILE PIC X(8) VALUE \"rec.dat\".\n\
         LINKAGE SECTION.\n01 LK8 PIC 9(18) COMP-5.\n01 LK4 PIC 9(9) COMP-5.\n\
         PROCEDURE DIVISION.\n\
         SET ZP TO ADDRESS OF PT-REC. MOVE ZPN TO ZB.\n\
         MOVE LENGTH OF PT-REC TO ZN. DISPLAY \"L =\" ZN.\n",
    );
    for (name, json) in ITEMS {
        p.push_str(&format!(
            "MOVE LENGTH OF {name} TO ZN. DISPLAY \"L {json}=\" ZN.\n\
             SET ZP TO ADDRESS OF {name}. COMPUTE ZN = ZPN - ZB. DISPLAY \"O {json}=\" ZN.\n"
        ));
    }
    p.push_str(
        "MOVE \"abc\" TO PT-TAG. MOVE \"yz\" TO PT-TAIL.\n\
         SET PT-DATA-PTR TO ADDRESS OF ZTARGET.\n\
         SET PT-SLOT TO 7.\n\
         SET PT-EXIT TO ENTRY \"CBL_WRITE_FILE\".\n\
         SET PT-PROG TO ENTRY \"CBL_CLOSE_FILE\".\n\
         SET ADDRESS OF LK8 TO ADDRESS OF PT-DATA-PTR. MOVE LK8 TO ZN. DISPLAY \"V pt_data_ptr=\" ZN.\n\
         SET ADDRESS OF LK4 TO ADDRESS OF PT-SLOT. MOVE LK4 TO ZN. DISPLAY \"V pt_slot=\" ZN.\n\
         SET ADDRESS OF LK8 TO ADDRESS OF PT-EXIT. MOVE LK8 TO ZN. DISPLAY \"V pt_exit=\" ZN.\n\
         SET ADDRESS OF LK8 TO ADDRESS OF PT-PROG. MOVE LK8 TO ZN. DISPLAY \"V pt_prog=\" ZN.\n\
         MOVE LENGTH OF PT-REC TO ZCNT.\n\
         CALL \"CBL_CREATE_FILE\" USING ZFILE 2 0 0 ZFH.\n\
         CALL \"CBL_WRITE_FILE\" USING ZFH ZOFF ZCNT ZFLAGS PT-REC.\n\
         CALL \"CBL_CLOSE_FILE\" USING ZFH.\n\
         STOP RUN.\n",
    );
    p
}

#[test]
fn gnucobol_judges_pointer_sizes_and_values() {
    if !cobc_available("the pointer-size oracle") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("ptprog.cbl");
    std::fs::write(&src, program()).unwrap();
    let exe = tmp.path().join("ptprog");
    let out = Command::new("cobc")
        .args(COBC_FLAGS)
        .args(["-free", "-x", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(copybook().parent().unwrap())
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cobc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).current_dir(tmp.path()).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut shown: BTreeMap<(String, String), u64> = BTreeMap::new();
    for line in String::from_utf8_lossy(&run.stdout).lines() {
        let (head, value) = line.split_once('=').unwrap();
        let (kind, item) = head.split_once(' ').unwrap();
        shown.insert((kind.into(), item.into()), value.trim().parse().unwrap());
    }
    let (length, rows) = geometry("gnucobol");
    assert_eq!(length, shown[&("L".into(), String::new())]);
    for (_, json) in ITEMS {
        let (offset, len) = rows[*json];
        assert_eq!(
            offset,
            shown[&("O".into(), json.to_string())],
            "{json} offset"
        );
        assert_eq!(len, shown[&("L".into(), json.to_string())], "{json} length");
    }
    // The bytes the program wrote decode to the addresses it held.
    let rec = std::fs::read(tmp.path().join("rec.dat")).unwrap();
    let cpy = copybook();
    let out = common::ferrule(
        &[
            "decode",
            "--copybook",
            common::path_str(&cpy),
            "--dialect",
            "gnucobol",
            "--codepage",
            "latin1",
        ],
        &rec,
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pt_tag"], "abc");
    assert_eq!(v["pt_tail"], "yz");
    for item in ["pt_data_ptr", "pt_slot", "pt_exit", "pt_prog"] {
        let want = shown[&("V".into(), item.to_string())];
        assert_eq!(v[item].as_u64(), Some(want), "{item}: {v}");
    }
    // An address is never 0 here, and the slot is the index SET to 7.
    assert_eq!(v["pt_slot"], 7);
    assert_ne!(v["pt_data_ptr"], 0);
}
