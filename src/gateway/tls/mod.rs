//! HTTPS on the listener: rustls settings from `[server.tls]`, and the verified client
//! certificate's subject handed to handlers as a [`ClientCert`] request extension. The
//! accept loop (handshake timeout, graceful drain) is shared with plain HTTP in
//! `gateway::listener`.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::server::WebPkiClientVerifier;
use tokio_rustls::TlsAcceptor;

use crate::connector::tls::{load_certs, load_key, load_roots, provider};

mod subject;
pub use subject::client_cert;

/// Whether the listener asks for client certificates (`client_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Never asked for.
    None,
    /// Asked for; a client without one is let in (no [`ClientCert`]), a bad one is not.
    Optional,
    /// A certificate from the CA bundle is needed to complete the handshake.
    Required,
}

/// The subject of the client certificate verified on this connection (mTLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    /// RFC 4514 form, most specific first: `CN=batch,O=Force`.
    pub subject: String,
    /// The subject's (last) common name, when it has one.
    pub common_name: Option<String>,
}

/// Validated `[server.tls]`: ready to accept connections with.
#[derive(Clone)]
pub struct ServerTls {
    pub acceptor: TlsAcceptor,
    pub client_auth: ClientAuth,
    pub handshake_timeout: Duration,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("client_auth", &self.client_auth)
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Loads the certificate chain, key and (for `optional`/`required`) the client CA
    /// bundle. Errors name the config key at fault and the file.
    pub fn load(
        cert: &Path,
        key: &Path,
        client_ca: Option<&Path>,
        client_auth: ClientAuth,
        handshake_timeout: Duration,
    ) -> Result<ServerTls, (&'static str, String)> {
        let chain = load_certs(cert).map_err(|e| ("cert", e))?;
        let private = load_key(key).map_err(|e| ("key", e))?;
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| ("cert", e.to_string()))?;
        let builder = match (client_auth, client_ca) {
            (ClientAuth::None, _) | (_, None) => builder.with_no_client_auth(),
            (mode, Some(ca)) => {
                let roots = load_roots(ca).map_err(|e| ("client_ca", e))?;
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
                let verifier = if mode == ClientAuth::Optional {
                    verifier.allow_unauthenticated()
                } else {
                    verifier
                };
                let verifier = verifier
                    .build()
                    .map_err(|e| ("client_ca", format!("{}: {e}", ca.display())))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let config = builder
            .with_single_cert(chain, private)
            .map_err(|e| ("key", format!("certificate and key: {e}")))?;
        Ok(ServerTls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            client_auth,
            handshake_timeout,
        })
    }

    /// Offers HTTP/2 beside HTTP/1.1 in the handshake (ALPN `h2`, `http/1.1`).
    pub fn offering_h2(mut self) -> ServerTls {
        let mut config = (**self.acceptor.config()).clone();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        self.acceptor = TlsAcceptor::from(Arc::new(config));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::listener::tests::{stop_and_join, Running, HANG};
    use crate::gateway::listener::{serve, ListenerSettings};
    use axum::Router;
    use std::net::SocketAddr;
    use tokio::net::{TcpListener, TcpStream};

    /// A CA, a server certificate for localhost and a client certificate (O=Force,
    /// CN=batch) written to `dir` as `ca.pem`, `server.pem`/`.key`, `client.pem`/`.key`.
    fn pki(dir: &Path) {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair,
        };
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca = p.self_signed(&ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        for (name, sans, cn) in [
            ("server", vec!["localhost".to_string()], "gw"),
            ("client", vec![], "batch"),
        ] {
            let mut p = CertificateParams::new(sans).unwrap();
            p.distinguished_name = DistinguishedName::new();
            p.distinguished_name.push(DnType::OrganizationName, "Force");
            p.distinguished_name.push(DnType::CommonName, cn);
            let key = KeyPair::generate().unwrap();
            let cert = p.signed_by(&key, &ca, &ca_key).unwrap();
            std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
            std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
        }
    }

    #[test]
    fn subject_of_a_real_certificate() {
        // rcgen writes O then CN: RFC 4514 reads CN first.
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let der = load_certs(&dir.path().join("client.pem")).unwrap();
        let c = client_cert(der[0].as_ref()).unwrap();
        assert_eq!(c.subject, "CN=batch,O=Force");
        assert_eq!(c.common_name.as_deref(), Some("batch"));
    }

    /// Serves `app` over TLS with `client_auth = optional` and a short handshake timeout;
    /// the address and the shutdown trigger.
    async fn start(dir: &Path, app: Router) -> Running {
        start_with(dir, app, ListenerSettings::default()).await
    }

    /// As [`start`], with the given listener limits.
    async fn start_with(dir: &Path, app: Router, limits: ListenerSettings) -> Running {
        let tls = ServerTls::load(
            &dir.join("server.pem"),
            &dir.join("server.key"),
            Some(&dir.join("ca.pem")),
            ClientAuth::Optional,
            Duration::from_millis(200),
        )
        .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve(listener, Some(Arc::new(tls)), &limits, app, async move {
                let _ = rx.await;
            })
            .await
        });
        (addr, tx, server)
    }

    /// A TLS connection trusting the test CA, with the client certificate or without.
    async fn dial(
        dir: &Path,
        addr: SocketAddr,
        with_cert: bool,
    ) -> tokio_rustls::client::TlsStream<TcpStream> {
        let b = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(load_roots(&dir.join("ca.pem")).unwrap());
        let config = if with_cert {
            b.with_client_auth_cert(
                load_certs(&dir.join("client.pem")).unwrap(),
                load_key(&dir.join("client.key")).unwrap(),
            )
            .unwrap()
        } else {
            b.with_no_client_auth()
        };
        let tcp = TcpStream::connect(addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .unwrap()
    }

    async fn get(s: &mut tokio_rustls::client::TlsStream<TcpStream>, path: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn who() -> Router {
        axum::Router::new().route(
            "/who",
            axum::routing::get(|cert: Option<axum::Extension<ClientCert>>| async move {
                cert.map_or_else(|| "anonymous".to_string(), |c| c.0.subject)
            }),
        )
    }

    #[tokio::test]
    async fn handlers_see_the_verified_client_subject() {
        // With a certificate the handler gets its subject; without, no extension.
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let (addr, stop, server) = start(dir.path(), who()).await;
        let with = get(&mut dial(dir.path(), addr, true).await, "/who").await;
        assert!(with.starts_with("HTTP/1.1 200"), "{with}");
        assert!(with.ends_with("CN=batch,O=Force"), "{with}");
        let without = get(&mut dial(dir.path(), addr, false).await, "/who").await;
        assert!(without.ends_with("anonymous"), "{without}");
        stop_and_join(stop, server).await;
    }

    #[tokio::test]
    async fn a_stalled_handshake_is_cut_off_while_others_are_served() {
        // A client that connects and sends nothing is disconnected after the handshake
        // timeout (200 ms); meanwhile a real client is served.
        use tokio::io::AsyncReadExt;
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let (addr, stop, server) = start(dir.path(), who()).await;
        let mut stalled = TcpStream::connect(addr).await.unwrap();
        let served = get(&mut dial(dir.path(), addr, false).await, "/who").await;
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(HANG, stalled.read(&mut buf))
            .await
            .unwrap();
        assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
        stop_and_join(stop, server).await;
    }

    #[tokio::test]
    async fn tls_connections_get_the_same_limits() {
        // After the handshake: a head over max_header_bytes gets 431, and a client that
        // stops mid-head is cut off at the header read timeout.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let limits = ListenerSettings {
            max_header_bytes: 256,
            header_read_timeout: Duration::from_millis(300),
            ..ListenerSettings::default()
        };
        let (addr, _stop, _server) = start_with(dir.path(), who(), limits).await;
        let mut conn = dial(dir.path(), addr, false).await;
        let big = "a".repeat(400);
        let big = get(&mut conn, &format!("/who?{big}")).await;
        assert!(big.starts_with("HTTP/1.1 431"), "{big}");
        let mut slow = dial(dir.path(), addr, false).await;
        slow.write_all(b"GET /who HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let got = tokio::time::timeout(HANG, slow.read_to_end(&mut buf))
            .await
            .unwrap();
        assert!(
            got.is_err() || !String::from_utf8_lossy(&buf).contains("200"),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn shutdown_drains_a_call_in_flight() {
        // The handler waits until shutdown has begun; its answer still arrives, and
        // serve returns once it has.
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let gate = Arc::new(tokio::sync::Notify::new());
        let entered = Arc::new(tokio::sync::Notify::new());
        let (g, e) = (gate.clone(), entered.clone());
        let app = axum::Router::new().route(
            "/slow",
            axum::routing::get(move || async move {
                e.notify_one();
                g.notified().await;
                "done"
            }),
        );
        let (addr, stop, server) = start(dir.path(), app).await;
        let mut conn = dial(dir.path(), addr, false).await;
        let call = tokio::spawn(async move { get(&mut conn, "/slow").await });
        tokio::time::timeout(HANG, entered.notified())
            .await
            .unwrap();
        stop.send(()).unwrap();
        // New connections are refused once the listener is dropped.
        tokio::time::timeout(HANG, async {
            while TcpStream::connect(addr).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .unwrap();
        assert!(!server.is_finished());
        gate.notify_one();
        let answer = tokio::time::timeout(HANG, call).await.unwrap().unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("done"),
            "{answer}"
        );
        tokio::time::timeout(HANG, server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }

    #[test]
    fn missing_files_name_the_key() {
        // The certificate path is checked first.
        let e = ServerTls::load(
            Path::new("/nonexistent/cert.pem"),
            Path::new("/nonexistent/key.pem"),
            None,
            ClientAuth::None,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert_eq!(e.0, "cert");
    }
}
