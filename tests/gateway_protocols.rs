//! IMS Connect and CICS socket listener backends end to end: the real `ferrule serve` in
//! front of the real `ferrule mock` speaking each protocol (both header encodings,
//! multi-segment output, refusals), a raw socket checking the gateway's IMS Connect bytes
//! against the documented layout, and `ferrule check` locating protocol config mistakes.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::gateway::*;
use common::*;
use toml::{Table, Value};

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

fn table(text: &str) -> Value {
    Value::Table(text.parse::<Table>().unwrap())
}

/// The sample vehicle host speaking `protocol` with its `table` (`ims` or `cics`).
fn mock(protocol: &str, key: &str, settings: &str) -> Mock {
    let mut cfg = sample_mock(true);
    keep_hosts(&mut cfg, &["vehicles"]);
    let h = host_mut(&mut cfg, "vehicles");
    h.insert("protocol".into(), protocol.into());
    h.insert(key.into(), table(settings));
    Mock::start(&cfg)
}

/// The sample gateway's vehicle backend speaking `protocol` with `settings`.
fn gateway(mock: &Mock, protocol: &str, key: &str, settings: &str) -> Gateway {
    let mut g = sample_gateway(&mock.hosts);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("protocol".into(), protocol.into());
    b.insert(key.into(), table(settings));
    Gateway::start(&g)
}

fn found(g: &Gateway) {
    let r = g.get(VEHICLE);
    assert_eq!(r.status, 200, "{}\n{}", r.text(), g.log_text());
    assert_eq!(r.json()["vrm"], "AB12CDE", "{}", r.text());
    assert_eq!(r.json()["make"], "VAUXHALL", "{}", r.text());
}

#[test]
fn ims_connect_answers_in_both_encodings_with_multi_segment_output() {
    // The host cuts its 400-byte answer into 64-byte segments; the gateway joins them.
    let m = mock(
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"\nsegment_bytes = 64",
    );
    for encoding in ["ebcdic", "ascii"] {
        let settings =
            format!("datastore = \"IMS1\"\ntrancode = \"VEHQ\"\nencoding = \"{encoding}\"");
        let g = gateway(&m, "ims-connect", "ims", &settings);
        found(&g);
        found(&g);
    }
    // Persistent sockets: two more calls, one more connection.
    let before = m.host_status("vehicles")["connections_total"]
        .as_u64()
        .unwrap();
    let g = gateway(
        &m,
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"\npersistent = true",
    );
    found(&g);
    found(&g);
    let after = m.host_status("vehicles")["connections_total"]
        .as_u64()
        .unwrap();
    assert_eq!(after - before, 1);
}

#[test]
fn ims_connect_refusals_are_502_with_the_codes_only_in_the_log() {
    let m = mock(
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"",
    );
    // Wrong datastore: the simulator answers *REQSTS* return code 8, reason code 24.
    let g = gateway(
        &m,
        "ims-connect",
        "ims",
        "datastore = \"IMSX\"\ntrancode = \"VEHQ\"",
    );
    let r = g.get(VEHICLE);
    let p = assert_problem(&r, 502, "host-refused");
    assert!(!r.text().contains("reason code"), "{p}");
    assert!(!r.text().contains("REQSTS"), "{p}");
    let log = g.log_text();
    assert!(log.contains("return code 8, reason code 24"), "{log}");
    // Wrong transaction code: return code 16.
    let g = gateway(
        &m,
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"OTHER\"",
    );
    assert_problem(&g.get(VEHICLE), 502, "host-refused");
    assert!(
        g.log_text().contains("return code 16, reason code 26"),
        "{}",
        g.log_text()
    );
}

#[test]
fn cics_standard_and_enhanced_listeners_answer_and_refuse() {
    for encoding in ["ebcdic", "ascii"] {
        let m = mock(
            "cics-listener",
            "cics",
            &format!("tranid = \"VEHQ\"\nencoding = \"{encoding}\""),
        );
        let g = gateway(
            &m,
            "cics-listener",
            "cics",
            &format!("tranid = \"VEHQ\"\nclient_data = \"GATEWAY01\"\nencoding = \"{encoding}\""),
        );
        found(&g);
        // A tranid the listener does not know: its EZY message, in the log only.
        let g = gateway(
            &m,
            "cics-listener",
            "cics",
            &format!("tranid = \"NOPE\"\nencoding = \"{encoding}\""),
        );
        let r = g.get(VEHICLE);
        assert_problem(&r, 502, "host-refused");
        assert!(!r.text().contains("EZY"), "{}", r.text());
        assert!(g.log_text().contains("EZY1281E"), "{}", g.log_text());
    }
    let m = mock("cics-listener", "cics", "mode = \"enhanced\"\nmsglen = 20");
    let g = gateway(
        &m,
        "cics-listener",
        "cics",
        "mode = \"enhanced\"\nmsglen = 20\nclient_data = \"GATEWAY01\"",
    );
    found(&g);
}

/// Reads one IMS Connect request (its LLLL says how long) from a raw socket.
fn read_message(s: &mut std::net::TcpStream) -> Vec<u8> {
    let mut llll = [0u8; 4];
    s.read_exact(&mut llll).unwrap();
    let mut rest = vec![0u8; u32::from_be_bytes(llll) as usize - 4];
    s.read_exact(&mut rest).unwrap();
    [llll.to_vec(), rest].concat()
}

fn ebcdic8(text: &str) -> Vec<u8> {
    // Blank (X'40') padded to 8 bytes.
    let mut out = ebcdic(text);
    out.resize(8, 0x40);
    out
}

fn ebcdic(text: &str) -> Vec<u8> {
    // cp037 for the characters used here.
    text.bytes()
        .map(|c| match c {
            b'*' => 0x5C,
            b'A'..=b'I' => 0xC1 + (c - b'A'),
            b'J'..=b'R' => 0xD1 + (c - b'J'),
            b'S'..=b'Z' => 0xE2 + (c - b'S'),
            b'0'..=b'9' => 0xF0 + (c - b'0'),
            b',' => 0x6B,
            b'=' => 0x7E,
            _ => panic!("not in this test's table: {c}"),
        })
        .collect()
}

#[test]
fn the_ims_connect_request_on_the_wire_matches_the_documented_layout() {
    // A raw listener in place of IMS Connect; every byte checked against the table in
    // docs/mainframe-protocols.md, written out here by hand.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let m = mock(
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"",
    );
    let mut g = sample_gateway(&m.hosts);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("address".into(), addr.to_string().into());
    b.insert("protocol".into(), "ims-connect".into());
    b.insert(
        "ims".into(),
        table("datastore = \"IMS1\"\ntrancode = \"VEHQ\"\nclient_id = \"CLIENT01\"\nlterm = \"LTERM1\"\nracf_user = \"APIUSER\"\nracf_group = \"GATEWAYS\""),
    );
    let g = Gateway::start(&g);
    let host = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let msg = read_message(&mut s);
        // The answer: LLLL, one segment "HI", then *CSMOKY* (X'000C' flags level id).
        let mut answer = vec![0, 0, 0, 22, 0, 6, 0, 0, 0xC8, 0xC9, 0, 12, 0, 0];
        answer.extend(ebcdic8("*CSMOKY*"));
        s.write_all(&answer).unwrap();
        msg
    });
    let r = g.get(VEHICLE);
    let msg = host.join().unwrap();
    // The 2-byte answer does not fit the response layout: a bad backend response, after
    // a good exchange. What matters here is the request.
    assert_eq!(r.status, 502, "{}", r.text());
    let record_len = 100; // vehenq-req.cpy
    let total = 4 + 80 + 4 + 8 + record_len + 4;
    assert_eq!(msg.len(), total);
    assert_eq!(&msg[0..4], &(total as u32).to_be_bytes()); // LLLL
    assert_eq!(&msg[4..6], &[0x00, 0x50]); // IRM_LEN 80
    assert_eq!(msg[6], 0x00); // IRM_ARCH
    assert_eq!(msg[7], 0x00); // IRM_F0
    assert_eq!(&msg[8..16], &ebcdic8("*SAMPL1*")); // IRM_ID
    assert_eq!(&msg[16..18], &[0, 0]); // IRM_NAK_RSNCDE
    assert_eq!(&msg[18..20], &[0, 0]); // IRM_RES
    assert_eq!(msg[20], 0x00); // IRM_F5
    assert_eq!(msg[21], 0x00); // IRM_TIMER default
    assert_eq!(msg[22], 0x00); // IRM_SOCT transaction socket
    assert_eq!(msg[23], 0x00); // IRM_ES
    assert_eq!(&msg[24..32], &ebcdic8("CLIENT01")); // IRM_CLIENTID
    assert_eq!(msg[32], 0x00); // IRM_F1
    assert_eq!(msg[33], 0x20); // IRM_F2 CM1
    assert_eq!(msg[34], 0x00); // IRM_F3 sync level none
    assert_eq!(msg[35], 0x40); // IRM_F4 send-receive
    assert_eq!(&msg[36..44], &ebcdic8("VEHQ")); // IRM_TRNCOD
    assert_eq!(&msg[44..52], &ebcdic8("IMS1")); // IRM_IMSDESTID
    assert_eq!(&msg[52..60], &ebcdic8("LTERM1")); // IRM_LTERM
    assert_eq!(&msg[60..68], &ebcdic8("APIUSER")); // IRM_RACF_USERID
    assert_eq!(&msg[68..76], &ebcdic8("GATEWAYS")); // IRM_RACF_GRNAME
    assert_eq!(&msg[76..84], &[0x40; 8][..]); // IRM_RACF_PW: none configured, blank
    let ll = (4 + 8 + record_len) as u16;
    assert_eq!(&msg[84..86], &ll.to_be_bytes()); // segment LL
    assert_eq!(&msg[86..88], &[0, 0]); // ZZ
    assert_eq!(&msg[88..96], &ebcdic8("VEHQ")); // transaction code leads the data
    assert_eq!(&msg[total - 4..], &[0x00, 0x04, 0x00, 0x00]); // end of message
}

/// The vehicle route with its own `key` table (`ims` or `cics`).
fn route_envelope(g: &mut Table, key: &str, settings: &str) {
    route_mut(g, "/v1/vehicles/{vrm}").insert(key.into(), table(settings));
}

#[test]
fn a_route_chooses_its_own_ims_transaction() {
    // The host runs VEHQ only; the backend's own transaction code is another one.
    let m = mock(
        "ims-connect",
        "ims",
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"",
    );
    let backend = "datastore = \"IMS1\"\ntrancode = \"OTHERTX\"";
    let g = gateway(&m, "ims-connect", "ims", backend);
    assert_problem(&g.get(VEHICLE), 502, "host-refused");
    let mut cfg = sample_gateway(&m.hosts);
    let b = backend_mut(&mut cfg, "vehicles");
    b.insert("protocol".into(), "ims-connect".into());
    b.insert("ims".into(), table(backend));
    route_envelope(&mut cfg, "ims", "trancode = \"VEHQ\"");
    found(&Gateway::start(&cfg));
}

#[test]
fn a_route_sets_the_cics_tranid_and_client_data_from_its_parameters() {
    // A raw listener: the TRM it reads is the route's, with the query parameter in it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let host = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        // TRM, then the len4-framed 100-byte request record.
        while got.len() < 13 + 4 + 100 {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        got
    });
    let mut cfg = sample_gateway(&[]);
    let b = backend_mut(&mut cfg, "vehicles");
    b.insert("address".into(), addr.to_string().into());
    b.insert("protocol".into(), "cics-listener".into());
    b.insert(
        "cics".into(),
        table("tranid = \"NOPE\"\nclient_data = \"BACKEND\""),
    );
    route_envelope(
        &mut cfg,
        "cics",
        "tranid = \"VEHQ\"\nclient_data = \"REF={ref}\"",
    );
    let g = Gateway::start(&cfg);
    // Too long for the listener's 35 bytes, or with a comma: the caller's 400, no call.
    let long = format!("{VEHICLE}?ref={}", "X".repeat(40));
    let r = g.get(&long);
    assert_problem(&r, 400, "invalid-request");
    assert!(r.text().contains("\"ref\""), "{}", r.text());
    assert_problem(
        &g.get(&format!("{VEHICLE}?ref=A,B")),
        400,
        "invalid-request",
    );
    assert_problem(&g.get(VEHICLE), 400, "invalid-request"); // missing parameter
    let r = g.get(&format!("{VEHICLE}?ref=AB12"));
    assert_eq!(r.status, 502, "no answer from the raw host: {}", r.text());
    let got = host.join().unwrap();
    assert_eq!(&got[..13], &ebcdic("VEHQ,REF=AB12")[..], "{got:02X?}");
}

/// The sample gateway with its vehicles backend on IMS Connect (`ims`) and its nominals
/// backend on a CICS listener (`cics`).
fn protocol_gateway(ims: &str, cics: &str) -> Table {
    let mut g = sample_gateway(&[]);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("protocol".into(), "ims-connect".into());
    b.insert("ims".into(), table(ims));
    let b = backend_mut(&mut g, "nominals");
    b.insert("protocol".into(), "cics-listener".into());
    b.insert("cics".into(), table(cics));
    g
}

/// `ferrule check` refuses `config` and names every one of `needles`.
fn check_names(config: &Table, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, config);
    let out = ferrule(&["check", "--config", path_str(&path)], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needle in needles {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
}

#[test]
fn check_locates_protocol_mistakes() {
    let g = protocol_gateway(
        "datastore = \"IMS1\"\ntrancode = \"9X\"\nracf_password_env = \"FERRULE_TEST_UNSET_PW\"",
        "tranid = \"NOMQ\"\nport = 1",
    );
    check_names(
        &g,
        &[
            "backend[0].ims.racf_password_env: environment variable `FERRULE_TEST_UNSET_PW` is not set",
            "backend[0].ims.trancode",
            "backend[1].cics.port: unknown field `port`",
        ],
    );
    // Route tables, checked against valid backends: for another protocol's backend, a
    // tranid the listener refuses, a table on a plain tcp backend.
    let mut g = protocol_gateway(
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"",
        "tranid = \"NOMQ\"",
    );
    route_envelope(&mut g, "cics", "tranid = \"VEHQ\"");
    route_mut(&mut g, "/v1/nominals").insert("cics".into(), table("tranid = \"TOOLONG\""));
    route_mut(&mut g, "/v1/incidents").insert("ims".into(), table("trancode = \"X\""));
    check_names(
        &g,
        &[
            "route[0].cics: only on a route whose backend has protocol = \"cics-listener\"",
            "route[1].cics: CICS listener tranid \"TOOLONG\"",
            "route[2].ims: only on a route whose backend has protocol = \"ims-connect\"",
        ],
    );
}

#[test]
fn the_mainframe_example_runs() {
    // examples/mainframe as shipped, on free ports with absolute paths: every route answers.
    let dir = repo().join("examples/mainframe");
    let samples = repo().join("samples/gateway").display().to_string();
    let text = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .unwrap()
            .replace("../../samples/gateway", &samples)
    };
    let mut mock_cfg: Table = text("mock.toml").parse().unwrap();
    for h in mock_cfg["host"].as_array_mut().unwrap() {
        h.as_table_mut()
            .unwrap()
            .insert("listen".into(), "127.0.0.1:0".into());
    }
    let m = Mock::start(&mock_cfg);
    let mut g: Table = text("ferrule.toml").parse().unwrap();
    server_mut(&mut g).insert("listen".into(), "127.0.0.1:0".into());
    for (name, addr) in &m.hosts {
        backend_mut(&mut g, name).insert("address".into(), addr.to_string().into());
    }
    let g = Gateway::start(&g);
    for path in ["ims", "cics", "cics-enhanced"] {
        let r = g.get(&format!("/v1/{path}/vehicles/AB12CDE"));
        assert_eq!(r.status, 200, "{path}: {}\n{}", r.text(), g.log_text());
        assert_eq!(r.json()["vrm"], "AB12CDE");
        let r = g.get(&format!("/v1/{path}/vehicles/ZZ99ZZZ"));
        assert_eq!(r.status, 404, "{path}: {}", r.text());
    }
}

/// A one-connection-at-a-time raw host: reads what arrives (one IMS Connect message, or
/// whatever the first read gives for CICS), writes `answer`, closes.
fn raw_host(ims: bool, answer: Vec<u8>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            if ims {
                let _ = read_message(&mut s);
            } else {
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
            }
            let _ = s.write_all(&answer);
        }
    });
    addr
}

/// The sample gateway with its vehicle backend at `addr` speaking `protocol`.
fn gateway_at(addr: std::net::SocketAddr, protocol: &str, key: &str, settings: &str) -> Gateway {
    let mut g = sample_gateway(&[]);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("address".into(), addr.to_string().into());
    b.insert("protocol".into(), protocol.into());
    b.insert(key.into(), table(settings));
    Gateway::start(&g)
}

#[test]
fn broken_answers_get_their_problem_status() {
    let ims = "datastore = \"IMS1\"\ntrancode = \"VEHQ\"";
    let mut csm = vec![0, 12, 0, 0];
    csm.extend(ebcdic8("*CSMOKY*"));
    // A truncated answer: LLLL says 100 bytes, 10 come, then the close.
    let truncated = [vec![0, 0, 0, 100, 0, 10, 0, 0], ebcdic8("AB")[..2].to_vec()].concat();
    let g = gateway_at(raw_host(true, truncated), "ims-connect", "ims", ims);
    assert_problem(&g.get(VEHICLE), 502, "backend-unavailable");
    // Garbage after the end of message: a whole answer (LLLL 16 + CSM), then more bytes.
    let garbage = [vec![0, 0, 0, 16], csm.clone(), b"JUNKJUNK".to_vec()].concat();
    let g = gateway_at(raw_host(true, garbage), "ims-connect", "ims", ims);
    assert_problem(&g.get(VEHICLE), 502, "bad-backend-response");
    assert!(
        g.log_text()
            .contains("after the IMS Connect end of message"),
        "{}",
        g.log_text()
    );
    // A CICS listener that closes after the TRM without a word.
    let g = gateway_at(
        raw_host(false, Vec::new()),
        "cics-listener",
        "cics",
        "tranid = \"VEHQ\"",
    );
    assert_problem(&g.get(VEHICLE), 502, "backend-unavailable");
}
