//! Inbound listeners over TLS with client certificates required (the legacy side
//! authenticates too): a program with a certificate from the listener's `client_ca` is
//! served; one without a certificate, or with another CA's, is refused in the handshake.
//! Certificates are made here with rcgen; the API is `ferrule mock`'s `[[api]]`.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use common::gateway::{Gateway, Mock, PATIENCE};
use common::pki::{client, pki};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection};

/// One record over TLS; the answer line, or the error that ended the exchange.
fn exchange(addr: SocketAddr, config: Arc<ClientConfig>, record: &str) -> std::io::Result<String> {
    let name = ServerName::try_from("localhost").unwrap();
    let conn = ClientConnection::new(config, name).unwrap();
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(PATIENCE))?;
    let mut s = rustls::StreamOwned::new(conn, tcp);
    s.write_all(format!("{record}\n").as_bytes())?;
    s.flush()?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line)?;
    Ok(line)
}

#[test]
fn required_client_certificates_guard_the_listener() {
    let dir = pki();
    let d = dir.path();
    let mock = Mock::start_str(
        "[[api]]\nname = \"addresses\"\n[[api.route]]\npath = \"/addresses/{postcode}\"\n\
         body = { address = { street = \"MILL LANE\" } }\n",
    );
    let cpy = common::repo().join("tests/cobol/inbound");
    let config = format!(
        r#"[server]
listen = "127.0.0.1:0"

[audit]
path = "audit.log"
flush = "every_line"

[[listener]]
name = "secure"
listen = "127.0.0.1:0"
framing = "delimiter"
codepage = "latin1"
tls = {{ cert = "server.pem", key = "server.key", client_ca = "ca.pem", client_auth = "required" }}

[[inbound]]
name = "address"
listener = "secure"
match = {{ field = "tran_code", value = "ADDRQ" }}
request = {{ copybook = "{req}" }}
response = {{ copybook = "{rsp}" }}
url = "http://{api}/addresses/{{postcode}}"
fields = {{ street = "address.street" }}
errors = {{ field = "result_code", map = {{ "*" = 12 }} }}
"#,
        req = cpy.join("addrq-req.cpy").display(),
        rsp = cpy.join("addrq-rsp.cpy").display(),
        api = mock.addr("addresses"),
    );
    std::fs::write(d.join("ferrule.toml"), config).unwrap();
    let g = Gateway::start_file(&d.join("ferrule.toml"), &d.join("serve.log"));
    let addr = g.inbound_addr("secure");

    let answer = exchange(
        addr,
        client(d, "ca.pem", Some("client")),
        "ADDRQAB12CD  0012",
    )
    .unwrap();
    assert!(answer.starts_with("00"), "{answer:?}");
    assert!(answer.contains("MILL LANE"), "{answer:?}");
    // No certificate, or one from another CA: no answer, the handshake fails.
    for who in [None, Some("other-client")] {
        let r = exchange(addr, client(d, "ca.pem", who), "ADDRQAB12CD  0012");
        assert!(
            r.as_ref().map_or(true, |l| l.is_empty()),
            "{who:?} was answered: {r:?}"
        );
    }
    // Plain TCP gets nothing either.
    let mut plain = TcpStream::connect(addr).unwrap();
    plain.set_read_timeout(Some(PATIENCE)).unwrap();
    plain.write_all(b"ADDRQAB12CD  0012\n").unwrap();
    let mut line = String::new();
    let got = BufReader::new(&plain).read_line(&mut line);
    assert!(
        got.map_or(true, |n| n == 0 || !line.starts_with("00")),
        "{line:?}"
    );
    // The one record served is audited under the program's certificate subject.
    let audit = std::fs::read_to_string(d.join("audit.log")).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{audit}");
    assert_eq!(lines[0]["principal"], "CN=batch,O=Force", "{audit}");
    assert_eq!(lines[0]["direction"], "inbound", "{audit}");
}
