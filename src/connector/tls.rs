//! TLS towards `tcp` backends (hosts behind a TLS terminator), and the PEM loading the
//! listener's TLS shares.
//!
//! Only the `ring` provider is used: a pure build with no C/cmake toolchain beyond `cc`.
//! Settings are loaded and checked once, when the config is validated, so a bad path or
//! certificate is a config problem (`ferrule check`), never a failed request.

use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::RootCertStore;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// The one crypto provider, named explicitly so no process-wide default is needed.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Every certificate in a PEM file (a chain: leaf first), at least one.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(certs)
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) in a PEM file.
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A CA bundle as trust anchors; every certificate in it must be usable as one.
pub fn load_roots(path: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(path)? {
        roots
            .add(cert)
            .map_err(|e| format!("{}: not a usable CA certificate: {e}", path.display()))?;
    }
    Ok(roots)
}

/// A validated backend `tls = { ... }`: the client settings, ready to connect with.
#[derive(Clone)]
pub struct BackendTls {
    pub connector: TlsConnector,
    /// Name checked against the host's certificate (and sent as SNI).
    pub server_name: ServerName<'static>,
    /// Settings and file contents: a reload keeps the backend's pool only when unchanged.
    fingerprint: [u8; 32],
}

impl BackendTls {
    /// Loads the CA bundle (and the client certificate and key, both or neither) and
    /// builds the client settings; `server_name` is a DNS name or an IP address.
    pub fn load(
        ca: &Path,
        client: Option<(&Path, &Path)>,
        server_name: &str,
    ) -> Result<BackendTls, String> {
        let mut hash = Sha256::new();
        hash.update(server_name.as_bytes());
        let name = ServerName::try_from(server_name.to_string())
            .map_err(|e| format!("server_name `{server_name}`: {e}"))?;
        hash.update(std::fs::read(ca).map_err(|e| format!("{}: {e}", ca.display()))?);
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(load_roots(ca)?);
        let config = match client {
            Some((cert, key)) => {
                hash.update(std::fs::read(cert).map_err(|e| format!("{}: {e}", cert.display()))?);
                hash.update(std::fs::read(key).map_err(|e| format!("{}: {e}", key.display()))?);
                builder
                    .with_client_auth_cert(load_certs(cert)?, load_key(key)?)
                    .map_err(|e| format!("client certificate and key: {e}"))?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(BackendTls {
            connector: TlsConnector::from(Arc::new(config)),
            server_name: name,
            fingerprint: hash.finalize().into(),
        })
    }
}

impl PartialEq for BackendTls {
    fn eq(&self, other: &BackendTls) -> bool {
        self.fingerprint == other.fingerprint
    }
}

impl fmt::Debug for BackendTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendTls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// Why a TLS handshake with a backend failed, as one stable word for the log: an
/// operator tells an expired certificate from a wrong name or a host refusing ours
/// without reading rustls' wording.
pub fn handshake_reason(e: &io::Error) -> &'static str {
    use rustls::{CertificateError as C, Error as E};
    match e.get_ref().and_then(|inner| inner.downcast_ref::<E>()) {
        Some(E::InvalidCertificate(C::Expired | C::ExpiredContext { .. })) => "certificate-expired",
        Some(E::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. })) => {
            "certificate-not-yet-valid"
        }
        Some(E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. })) => {
            "name-mismatch"
        }
        Some(E::InvalidCertificate(C::UnknownIssuer)) => "unknown-issuer",
        Some(E::InvalidCertificate(_)) => "bad-certificate",
        // The host sent an alert: it refused our hello or our (missing) certificate.
        Some(E::AlertReceived(_)) => "refused-by-host",
        Some(_) => "handshake-failed",
        // Not a TLS error: the connection broke during the handshake.
        None => "connection-lost-in-handshake",
    }
}

/// A failed handshake's error, its [`handshake_reason`] in front.
pub fn handshake_error(e: io::Error) -> io::Error {
    let reason = handshake_reason(&e);
    io::Error::new(e.kind(), format!("TLS handshake failed ({reason}): {e}"))
}

/// A connection to a tcp backend: plain, or TLS over TCP.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// The TCP socket underneath.
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref().0,
        }
    }

    /// For an idle pooled connection: true when nothing is waiting on the socket and it
    /// is not closed. Peeks, so nothing is taken from a TLS session; anything waiting
    /// (a close_notify, a reset, unsolicited bytes) means the connection is not reused.
    pub fn idle_and_open(&self) -> bool {
        let mut probe = [0u8; 1];
        let mut buf = ReadBuf::new(&mut probe);
        let mut cx = Context::from_waker(Waker::noop());
        matches!(self.tcp().poll_peek(&mut cx, &mut buf), Poll::Pending)
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_and_bad_names_are_errors() {
        // A CA path that does not exist names the path.
        let e = BackendTls::load(Path::new("/nonexistent/ca.pem"), None, "localhost").unwrap_err();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
        // A server name that is neither a DNS name nor an IP address.
        let e = BackendTls::load(Path::new("/nonexistent/ca.pem"), None, "bad name!").unwrap_err();
        assert!(e.contains("server_name"), "{e}");
    }

    #[test]
    fn handshake_failures_have_distinct_reasons() {
        use rustls::{AlertDescription, CertificateError as C, Error as E};
        let io = |e: E| io::Error::new(io::ErrorKind::InvalidData, e);
        let reason = |e: E| handshake_reason(&io(e));
        assert_eq!(
            reason(E::InvalidCertificate(C::Expired)),
            "certificate-expired"
        );
        assert_eq!(
            reason(E::InvalidCertificate(C::NotValidForName)),
            "name-mismatch"
        );
        assert_eq!(
            reason(E::InvalidCertificate(C::UnknownIssuer)),
            "unknown-issuer"
        );
        assert_eq!(
            reason(E::InvalidCertificate(C::BadSignature)),
            "bad-certificate"
        );
        assert_eq!(
            reason(E::AlertReceived(AlertDescription::CertificateRequired)),
            "refused-by-host"
        );
        assert_eq!(reason(E::DecryptError), "handshake-failed");
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(handshake_reason(&reset), "connection-lost-in-handshake");
        let e = handshake_error(io(E::InvalidCertificate(C::Expired)));
        assert!(
            e.to_string()
                .starts_with("TLS handshake failed (certificate-expired): "),
            "{e}"
        );
    }

    #[test]
    fn a_file_without_certificates_is_an_error() {
        // A PEM file holding no CERTIFICATE block.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("empty.pem");
        std::fs::write(&p, "not pem at all\n").unwrap();
        let e = load_certs(&p).unwrap_err();
        assert!(e.contains("no PEM certificate"), "{e}");
        assert!(load_key(&p).is_err());
    }
}
