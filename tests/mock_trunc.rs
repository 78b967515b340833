//! A mock host's `trunc` end to end: the real `ferrule mock` on port 0, a plain TCP
//! client. `PIC 9(4) COMP` holds 0 to 65535 in its two bytes; under `trunc = "bin"` the
//! host reads a request and writes an answer beyond the PIC's four digits as stored,
//! under `std` (and `opt`) it refuses both: the request gets the `invalid` answer and an
//! answer record beyond the PIC stops the host at start-up, naming line and field.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use common::gateway::Mock;

const REQ: &str =
    "       01 REQ.\n           05 ACCT PIC 9(6).\n           05 QTY PIC 9(4) COMP.\n";
const RSP: &str =
    "       01 RSP.\n           05 RC PIC 9.\n           05 ACCT PIC 9(6).\n           05 BAL PIC 9(4) COMP.\n";

/// A host config in `dir` whose answer for account 1 holds `balance`.
fn config(dir: &Path, trunc: Option<&str>, balance: u32) -> String {
    std::fs::write(dir.join("req.cpy"), REQ).unwrap();
    std::fs::write(dir.join("rsp.cpy"), RSP).unwrap();
    std::fs::write(
        dir.join("accounts.jsonl"),
        format!("{{\"acct\":1,\"bal\":{balance}}}\n"),
    )
    .unwrap();
    let trunc = trunc.map_or(String::new(), |t| format!("trunc = \"{t}\"\n"));
    format!(
        "[[host]]\nname = \"ledger\"\nlisten = \"127.0.0.1:0\"\ncodepage = \"latin1\"\n{trunc}\
         request = {{ copybook = \"{d}/req.cpy\" }}\nresponse = {{ copybook = \"{d}/rsp.cpy\" }}\n\
         records = \"{d}/accounts.jsonl\"\nkey = {{ request = \"acct\", response = \"acct\" }}\n\
         found = {{ rc = 0 }}\nnot_found = {{ rc = 4 }}\ninvalid = {{ rc = 8 }}\n",
        d = dir.display()
    )
}

/// Sends account 1 with QTY's two bytes and returns the answer record (len4 framing).
fn ask(s: &mut TcpStream, qty: u16) -> Vec<u8> {
    let mut rec = b"000001".to_vec();
    rec.extend_from_slice(&qty.to_be_bytes());
    let mut wire = (rec.len() as u32).to_be_bytes().to_vec();
    wire.extend_from_slice(&rec);
    s.write_all(&wire).unwrap();
    let mut h = [0u8; 4];
    s.read_exact(&mut h).unwrap();
    let mut answer = vec![0u8; u32::from_be_bytes(h) as usize];
    s.read_exact(&mut answer).unwrap();
    answer
}

#[test]
fn trunc_bin_reads_and_writes_values_beyond_the_pic() {
    for trunc in [None, Some("bin")] {
        let dir = tempfile::tempdir().unwrap();
        let mock = Mock::start_str(&config(dir.path(), trunc, 12345));
        let mut s = mock.connect("ledger");
        // QTY 12345 (5 digits in a 9(4) COMP) is a request like any other; the answer's
        // balance 12345 is written as stored (0x3039).
        assert_eq!(ask(&mut s, 12345), b"0000001\x30\x39", "{trunc:?}");
        assert_eq!(ask(&mut s, 65535), b"0000001\x30\x39", "{trunc:?}");
    }
}

#[test]
fn trunc_std_refuses_them_in_requests_and_answers() {
    for trunc in ["std", "opt"] {
        // Answers within the PIC: the host runs, a request at the PIC's edge is found and
        // one past it is invalid (rc 8, the rest blank/zero).
        let dir = tempfile::tempdir().unwrap();
        let mock = Mock::start_str(&config(dir.path(), Some(trunc), 9999));
        let mut s = mock.connect("ledger");
        assert_eq!(ask(&mut s, 9999), b"0000001\x27\x0F", "{trunc}");
        assert_eq!(ask(&mut s, 10000), b"8000000\x00\x00", "{trunc}");
        drop(mock);
        // An answer record beyond the PIC: refused before anything listens.
        let path = dir.path().join("mock.toml");
        std::fs::write(&path, config(dir.path(), Some(trunc), 10000)).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["mock", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("host[0].records: ")
                && err.contains("line 1: bal: value needs 5 integer digits, the PIC allows 4"),
            "{err}"
        );
    }
}

#[test]
fn an_unknown_trunc_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mock.toml");
    std::fs::write(&path, config(dir.path(), Some("half"), 1)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["mock", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("host[0].trunc: `half`: expected bin, std or opt"),
        "{err}"
    );
}
