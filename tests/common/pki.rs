//! A test-only PKI made with rcgen in a temp dir (nothing is shipped), and the rustls
//! client and server settings the tests build from its files.
// Test code: a failed setup step should stop the test where it happened.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

/// A certificate authority: its certificate and the key that signs leaves.
pub struct Ca {
    pub cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, name);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = p.self_signed(&key).unwrap();
        Ca { cert, key }
    }

    /// Writes the CA's certificate to `path`.
    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.cert.pem()).unwrap();
    }

    /// A leaf for `sans` with subject `O=Force, CN=cn`, written as `NAME.pem` and
    /// `NAME.key` in `dir`: a server certificate when `server`, else a client one.
    pub fn leaf(&self, dir: &Path, name: &str, sans: &[&str], cn: &str, server: bool) {
        self.leaf_with(dir, name, sans, cn, server, |_| {});
    }

    /// As [`Ca::leaf`], with `adjust` changing the parameters before signing (validity...).
    pub fn leaf_with(
        &self,
        dir: &Path,
        name: &str,
        sans: &[&str],
        cn: &str,
        server: bool,
        adjust: impl FnOnce(&mut CertificateParams),
    ) {
        let mut p =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::OrganizationName, "Force");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.extended_key_usages = vec![if server {
            ExtendedKeyUsagePurpose::ServerAuth
        } else {
            ExtendedKeyUsagePurpose::ClientAuth
        }];
        adjust(&mut p);
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.cert, &self.key).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    }
}

/// The usual set, in a new temp dir: `ca.pem` with `server` (localhost, 127.0.0.1;
/// CN=gateway) and `client` (CN=batch); `other-ca.pem` with `other-client` (CN=batch)
/// and `other-server` (localhost; CN=host). Every subject also has `O=Force`.
pub fn pki() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    dir
}

/// The set of [`pki`], written into `d`.
pub fn write(d: &Path) {
    let (good, other) = (Ca::new("Test CA"), Ca::new("Other CA"));
    good.write(&d.join("ca.pem"));
    other.write(&d.join("other-ca.pem"));
    good.leaf(d, "server", &["localhost", "127.0.0.1"], "gateway", true);
    good.leaf(d, "client", &[], "batch", false);
    other.leaf(d, "other-client", &[], "batch", false);
    other.leaf(d, "other-server", &["localhost"], "host", true);
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn certs(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn key(path: &Path) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_file(path).unwrap()
}

fn roots(path: &Path) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for c in certs(path) {
        roots.add(c).unwrap();
    }
    roots
}

/// Client settings trusting `dir/ca`, with the client certificate `NAME.pem`/`NAME.key`
/// or none.
pub fn client(dir: &Path, ca: &str, cert: Option<&str>) -> Arc<ClientConfig> {
    let b = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots(&dir.join(ca)));
    Arc::new(match cert {
        Some(n) => b
            .with_client_auth_cert(
                certs(&dir.join(format!("{n}.pem"))),
                key(&dir.join(format!("{n}.key"))),
            )
            .unwrap(),
        None => b.with_no_client_auth(),
    })
}

/// Server settings from `NAME.pem`/`NAME.key`, requiring a client certificate from
/// `dir/client_ca` when given.
pub fn server(dir: &Path, name: &str, client_ca: Option<&str>) -> Arc<ServerConfig> {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                roots(&dir.join(ca)).into(),
                provider(),
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder
        .with_single_cert(
            certs(&dir.join(format!("{name}.pem"))),
            key(&dir.join(format!("{name}.key"))),
        )
        .unwrap();
    Arc::new(config)
}
