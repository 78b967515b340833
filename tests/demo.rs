//! `ferrule demo` as a new user meets it: hosts and gateway start from the embedded
//! sample, and the printed curl commands work.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::demo::Demo;

/// A plain HTTP/1.1 exchange: (status, body).
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    let status = resp.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_demo_serves_the_routes_its_guide_prints() {
    let demo = Demo::start();
    let port = demo.port;
    let guide = &demo.guide;
    assert!(
        guide.contains(&format!(
            "curl -s http://127.0.0.1:{port}/v1/vehicles/AB12CDE"
        )),
        "{guide}"
    );

    let (status, body) = http(port, "GET", "/v1/vehicles/AB12CDE", "");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["make"], "VAUXHALL");
    assert!(v.get("return_code").is_none(), "omitted by the config");

    assert_eq!(http(port, "GET", "/v1/vehicles/ZZ99ZZZ", "").0, 404);

    let (status, body) = http(port, "GET", "/v1/nominals?surname=smith&forename=john", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"match_count\":2"), "{body}");

    let incident = r#"{"incident_type":"RTC","location":{"location_text":"A470 NEAR MERTHYR","postcode":"CF47 8AA"},"reporting_officer":{"collar_number":"PC1234","force_code":62},"narrative":"TWO VEHICLE COLLISION","occurred_at":20240611093000}"#;
    let (status, body) = http(port, "POST", "/v1/incidents", incident);
    assert_eq!(status, 201, "{body}");
    assert!(body.contains("\"incident_ref\":\"INC"), "{body}");

    let bad =
        r#"{"incident_type":"ROAD TRAFFIC COLLISION","occurred_at":"yesterday","colour":"red"}"#;
    let (status, body) = http(port, "POST", "/v1/incidents", bad);
    assert_eq!(status, 400);
    let p: serde_json::Value = serde_json::from_str(&body).expect("problem JSON");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields.len(), 3, "{body}");
    assert!(
        fields.contains(&"colour")
            && fields.contains(&"incident_type")
            && fields.contains(&"occurred_at")
    );

    assert_eq!(http(port, "GET", "/readyz", "").0, 200);
}

#[test]
fn a_demo_on_a_port_in_use_says_so_and_exits() {
    // The port is held by this test: the demo must fail at once, naming the address.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("address").to_string();
    let o = common::ferrule(&["demo", "--listen", &addr], b"");
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(
        !common::stdout(&o).contains("Press Ctrl-C"),
        "no guide printed"
    );
}
