//! Inbound listeners over TLS with client certificates required (the legacy side
//! authenticates too): a program with a certificate from the listener's `client_ca` is
//! served; one without a certificate, or with another CA's, is refused in the handshake.
//! Certificates are made here with rcgen; the API is `ferrule mock`'s `[[api]]`.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;

use common::gateway::{Gateway, Mock, PATIENCE};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

/// `ca.pem` with `server` and `client`; `other-ca.pem` with `other-client`.
fn pki(d: &Path) {
    let ca = |name: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        (p.self_signed(&key).unwrap(), key)
    };
    let leaf = |name: &str, ca: &(rcgen::Certificate, KeyPair), sans: &[&str], server: bool| {
        let mut p =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, name);
        p.extended_key_usages = vec![if server {
            ExtendedKeyUsagePurpose::ServerAuth
        } else {
            ExtendedKeyUsagePurpose::ClientAuth
        }];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &ca.0, &ca.1).unwrap();
        std::fs::write(d.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(d.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    };
    let (good, other) = (ca("Test CA"), ca("Other CA"));
    std::fs::write(d.join("ca.pem"), good.0.pem()).unwrap();
    std::fs::write(d.join("other-ca.pem"), other.0.pem()).unwrap();
    leaf("server", &good, &["localhost"], true);
    leaf("client", &good, &[], false);
    leaf("other-client", &other, &[], false);
}

fn client(dir: &Path, cert: Option<&str>) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(dir.join("ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let b = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    Arc::new(match cert {
        Some(n) => b
            .with_client_auth_cert(
                CertificateDer::pem_file_iter(dir.join(format!("{n}.pem")))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap(),
                PrivateKeyDer::from_pem_file(dir.join(format!("{n}.key"))).unwrap(),
            )
            .unwrap(),
        None => b.with_no_client_auth(),
    })
}

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
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
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

    let answer = exchange(addr, client(d, Some("client")), "ADDRQAB12CD  0012").unwrap();
    assert!(answer.starts_with("00"), "{answer:?}");
    assert!(answer.contains("MILL LANE"), "{answer:?}");
    // No certificate, or one from another CA: no answer, the handshake fails.
    for who in [None, Some("other-client")] {
        let r = exchange(addr, client(d, who), "ADDRQAB12CD  0012");
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
    assert_eq!(lines[0]["principal"], "CN=client", "{audit}");
    assert_eq!(lines[0]["direction"], "inbound", "{audit}");
}
