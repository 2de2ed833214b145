//! TLS for broker connections (`security.protocol` `SSL` and `SASL_SSL`), behind the `tls` cargo
//! feature: rustls with the graviola crypto provider, which is Rust and assembly only, so the
//! no-C rule holds with TLS on.
//!
//! [`TlsConnector`] is built once per client from [`TlsConfig`]: the PEM stores are read then,
//! so a missing file or bad PEM fails client creation instead of every connect. Each connection
//! then runs the handshake inside the connection setup timeout. Without the feature the same
//! types exist, but building a connector fails with [`TlsError::NotBuilt`].
//!
//! Handshake failures are typed ([`TlsError::UntrustedCertificate`],
//! [`TlsError::HostnameMismatch`], ...) and not retriable: a wrong CA does not become right by
//! reconnecting, so the client reports it at once instead of backing off until a timeout.

use std::path::PathBuf;

use crate::config::TlsConfig;

/// A TLS setup or handshake failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// `security.protocol` asks for TLS, but this build has no TLS.
    #[error(
        "security.protocol SSL/SASL_SSL needs TLS, but kafka-client was built without its `tls` cargo feature"
    )]
    NotBuilt,
    /// The CPU lacks instructions the graviola provider requires.
    #[error(
        "this CPU lacks instructions the graviola TLS provider needs (x86_64: aes, pclmulqdq, avx, avx2, bmi1, adx; aarch64: aes, sha2, pmull, neon)"
    )]
    UnsupportedCpu,
    /// A store file could not be read.
    #[error("cannot read {key} {path:?}: {source}")]
    File {
        /// The configuration key naming the file.
        key: &'static str,
        /// The path as configured.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// A store's PEM text holds nothing usable (no certificate, no key, malformed base64, ...).
    #[error("{key}: {reason}")]
    Pem {
        /// The configuration key of the store.
        key: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The trust store is empty (e.g. no system CA certificates were found).
    #[error("no trusted CA certificates: {reason}")]
    NoTrustAnchors {
        /// Where the client looked.
        reason: String,
    },
    /// rustls refused the configuration (e.g. the private key does not fit the certificate).
    #[error("cannot set up TLS: {reason}")]
    Setup {
        /// rustls's reason.
        reason: String,
    },
    /// The broker's certificate does not chain to a trusted CA, has expired, or is malformed.
    #[error("TLS handshake with {broker}: the broker's certificate is not trusted: {reason}")]
    UntrustedCertificate {
        /// `host:port` of the broker.
        broker: String,
        /// rustls's verdict.
        reason: String,
    },
    /// The broker's certificate is trusted but does not name the host connected to.
    #[error(
        "TLS handshake with {broker}: the broker's certificate is not valid for {host:?} ({reason}); \
         ssl.endpoint.identification.algorithm is https, set it empty to skip this check"
    )]
    HostnameMismatch {
        /// `host:port` of the broker.
        broker: String,
        /// The host name or address checked.
        host: String,
        /// rustls's verdict, with the names the certificate presents.
        reason: String,
    },
    /// The host of a broker address cannot be a TLS server name.
    #[error("TLS with {broker}: {host:?} is neither a DNS name nor an IP address")]
    InvalidServerName {
        /// `host:port` of the broker.
        broker: String,
        /// The host part.
        host: String,
    },
    /// Any other handshake failure (an alert from the broker, no common protocol version, ...).
    #[error("TLS handshake with {broker} failed: {reason}")]
    Handshake {
        /// `host:port` of the broker.
        broker: String,
        /// What failed.
        reason: String,
    },
}

/// The host part of `host:port` or `[v6]:port`, as the certificate must name it.
// Only the rustls implementation (and the tests) use it; unused without the `tls` feature.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Re-flows every PEM block of `text` to standard 64-column lines.
///
/// Java accepts `ssl.truststore.certificates` and `ssl.keystore.*` values whose base64 body is
/// on one line or broken anywhere (a properties file's line continuations join the lines with
/// no newline); the PEM reader here wants the standard layout. Text outside blocks is dropped,
/// as Java ignores it.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
fn normalize_pem(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 64);
    let mut rest = text;
    while let Some(begin) = rest.find("-----BEGIN ") {
        let after = &rest[begin + "-----BEGIN ".len()..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = &after[..label_end];
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_and_rest.find(&end_marker) else {
            break;
        };
        let body: String = body_and_rest[..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        out.push_str("-----BEGIN ");
        out.push_str(label);
        out.push_str("-----\n");
        for line in body.as_bytes().chunks(64) {
            // Base64 is ASCII; anything else fails PEM decoding later with a typed error.
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str(&end_marker);
        out.push('\n');
        rest = &body_and_rest[end + end_marker.len()..];
    }
    out
}

#[cfg(feature = "tls")]
mod imp {
    //! The rustls implementation.

    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
    use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
    use tokio::net::TcpStream;

    use super::{TlsError, host_of, normalize_pem};
    use crate::config::{KeyStore, TlsConfig, TlsVersion, TrustStore};
    use crate::error::Error;

    /// A TLS stream over the broker socket.
    pub(in crate::connection) type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

    /// The client side of TLS, configured once per client and shared by its connections.
    #[derive(Clone)]
    pub struct TlsConnector {
        inner: tokio_rustls::TlsConnector,
        endpoint_identification: bool,
    }

    impl std::fmt::Debug for TlsConnector {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("TlsConnector")
                .field("endpoint_identification", &self.endpoint_identification)
                .finish_non_exhaustive()
        }
    }

    fn read(key: &'static str, path: &std::path::Path) -> Result<String, TlsError> {
        std::fs::read(path)
            .map_err(|source| TlsError::File {
                key,
                path: path.to_owned(),
                source,
            })
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    fn certificates(
        key: &'static str,
        pem: &str,
    ) -> Result<Vec<CertificateDer<'static>>, TlsError> {
        let pem = normalize_pem(pem);
        let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError::Pem {
                key,
                reason: format!("malformed PEM certificate: {e}"),
            })?;
        if certs.is_empty() {
            return Err(TlsError::Pem {
                key,
                reason: "no PEM certificate (-----BEGIN CERTIFICATE-----) found; this client \
                         reads PEM only (Java's default store type is JKS)"
                    .to_owned(),
            });
        }
        Ok(certs)
    }

    fn private_key(key: &'static str, pem: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
        if pem.contains("ENCRYPTED PRIVATE KEY") {
            return Err(TlsError::Pem {
                key,
                reason: "the private key is encrypted; give an unencrypted PKCS#8, PKCS#1 or \
                         SEC1 key (e.g. `openssl pkcs8 -nocrypt`)"
                    .to_owned(),
            });
        }
        PrivateKeyDer::from_pem_slice(normalize_pem(pem).as_bytes()).map_err(|e| TlsError::Pem {
            key,
            reason: format!("no usable PEM private key: {e}"),
        })
    }

    fn roots(store: &TrustStore) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        let (key, certs) = match store {
            TrustStore::PemFile(path) => {
                let key = "ssl.truststore.location";
                (key, certificates(key, &read(key, path)?)?)
            }
            TrustStore::PemText(pem) => {
                let key = "ssl.truststore.certificates";
                (key, certificates(key, pem)?)
            }
            TrustStore::System => {
                let found = rustls_native_certs::load_native_certs();
                let (added, _) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    let errors: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
                    return Err(TlsError::NoTrustAnchors {
                        reason: format!(
                            "no ssl.truststore.location or ssl.truststore.certificates given and \
                             no system CA certificate found{}",
                            if errors.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", errors.join("; "))
                            }
                        ),
                    });
                }
                return Ok(roots);
            }
        };
        for cert in certs {
            roots.add(cert).map_err(|e| TlsError::Pem {
                key,
                reason: format!("not a usable CA certificate: {e}"),
            })?;
        }
        Ok(roots)
    }

    fn client_identity(
        store: &KeyStore,
    ) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
        match store {
            KeyStore::PemFile(path) => {
                let key = "ssl.keystore.location";
                let pem = read(key, path)?;
                Ok((certificates(key, &pem)?, private_key(key, &pem)?))
            }
            KeyStore::PemText {
                certificate_chain,
                key,
            } => Ok((
                certificates("ssl.keystore.certificate.chain", certificate_chain)?,
                private_key("ssl.keystore.key", key)?,
            )),
        }
    }

    fn setup(e: impl std::fmt::Display) -> TlsError {
        TlsError::Setup {
            reason: e.to_string(),
        }
    }

    impl TlsConnector {
        /// Reads the stores of `config` and prepares the rustls client configuration.
        pub fn new(config: &TlsConfig) -> Result<Self, TlsError> {
            // Graviola asserts these features on first use; check first so an old CPU is an
            // error rather than a panic.
            if !graviola::util::is_cpu_supported() {
                return Err(TlsError::UnsupportedCpu);
            }
            let provider = Arc::new(rustls_graviola::default_provider());
            let roots = Arc::new(roots(&config.truststore)?);
            let versions: Vec<&'static rustls::SupportedProtocolVersion> = config
                .versions
                .iter()
                .map(|v| match v {
                    TlsVersion::Tls12 => &rustls::version::TLS12,
                    TlsVersion::Tls13 => &rustls::version::TLS13,
                })
                .collect();
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .map_err(setup)?;
            let builder = ClientConfig::builder_with_provider(provider)
                .with_protocol_versions(&versions)
                .map_err(setup)?;
            let builder = if config.endpoint_identification {
                builder.with_webpki_verifier(webpki)
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
            };
            let client = match &config.keystore {
                Some(store) => {
                    let (chain, key) = client_identity(store)?;
                    builder.with_client_auth_cert(chain, key).map_err(setup)?
                }
                None => builder.with_no_client_auth(),
            };
            Ok(TlsConnector {
                inner: tokio_rustls::TlsConnector::from(Arc::new(client)),
                endpoint_identification: config.endpoint_identification,
            })
        }

        /// Runs the client handshake on `stream`, connected to `addr` (`host:port`).
        pub(in crate::connection) async fn connect(
            &self,
            stream: TcpStream,
            addr: &str,
        ) -> Result<TlsStream, Error> {
            let host = host_of(addr);
            let name = ServerName::try_from(host.to_owned()).map_err(|_| {
                Error::Tls(TlsError::InvalidServerName {
                    broker: addr.to_owned(),
                    host: host.to_owned(),
                })
            })?;
            self.inner
                .connect(name, stream)
                .await
                .map_err(|e| match failure(addr, &e) {
                    Some(t) => Error::Tls(t),
                    None => Error::Io {
                        broker: addr.to_owned(),
                        source: e,
                    },
                })
        }
    }

    /// rustls's verdict inside an IO error of a TLS stream, typed; `None` for a plain socket
    /// failure.
    pub(in crate::connection) fn failure(addr: &str, e: &std::io::Error) -> Option<TlsError> {
        let tls = e.get_ref()?.downcast_ref::<rustls::Error>()?;
        let broker = addr.to_owned();
        Some(match tls {
            rustls::Error::InvalidCertificate(
                c @ (CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. }),
            ) => TlsError::HostnameMismatch {
                broker,
                host: host_of(addr).to_owned(),
                reason: format!("{c:?}"),
            },
            rustls::Error::InvalidCertificate(c) => TlsError::UntrustedCertificate {
                broker,
                reason: format!("{c:?}"),
            },
            other => TlsError::Handshake {
                broker,
                reason: other.to_string(),
            },
        })
    }

    /// `ssl.endpoint.identification.algorithm` empty: the chain, validity and signatures are
    /// verified as usual, only a certificate naming another host is accepted (as Java does).
    #[derive(Debug)]
    struct ChainOnly(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for ChainOnly {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            match self.0.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                // webpki checks the name last, so this verdict means everything else passed.
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }
}

#[cfg(not(feature = "tls"))]
mod imp {
    //! Without the `tls` feature: the types exist so configuration and connection code is the
    //! same in every build, but no connector can be built.

    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio::net::TcpStream;

    use super::TlsError;
    use crate::config::TlsConfig;
    use crate::error::Error;

    /// The client side of TLS; this build has none, so no value of it exists.
    #[derive(Debug, Clone)]
    pub struct TlsConnector {
        never: Never,
    }

    #[derive(Debug, Clone, Copy)]
    enum Never {}

    /// Uninhabited: no TLS stream is ever made in this build.
    pub(in crate::connection) enum TlsStream {}

    impl TlsConnector {
        /// Always [`TlsError::NotBuilt`]: this build has no TLS.
        pub fn new(_config: &TlsConfig) -> Result<Self, TlsError> {
            Err(TlsError::NotBuilt)
        }

        pub(in crate::connection) async fn connect(
            &self,
            _stream: TcpStream,
            _addr: &str,
        ) -> Result<TlsStream, Error> {
            match self.never {}
        }
    }

    /// No TLS stream exists in this build, so no IO error carries a TLS verdict.
    pub(in crate::connection) fn failure(_addr: &str, _e: &std::io::Error) -> Option<TlsError> {
        None
    }

    impl AsyncRead for TlsStream {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            match *self {}
        }
    }

    impl AsyncWrite for TlsStream {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            match *self {}
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            match *self {}
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            match *self {}
        }
    }
}

pub use imp::TlsConnector;
pub(super) use imp::failure;

/// The connector for `config`, or `None` when the protocol does not use TLS.
pub(super) fn connector(config: Option<&TlsConfig>) -> Result<Option<TlsConnector>, TlsError> {
    config.map(TlsConnector::new).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_addresses() {
        assert_eq!(host_of("127.0.0.1:9093"), "127.0.0.1");
        assert_eq!(host_of("[::1]:9093"), "::1");
        assert_eq!(host_of("broker.example:1"), "broker.example");
    }

    #[test]
    fn pem_bodies_on_one_line_are_reflowed() {
        let body = "QUJD".repeat(40);
        let one_line =
            format!("junk -----BEGIN CERTIFICATE----- {body} -----END CERTIFICATE----- more");
        let n = normalize_pem(&one_line);
        assert!(n.starts_with("-----BEGIN CERTIFICATE-----\n"), "{n}");
        assert!(n.lines().all(|l| l.len() <= 64), "{n}");
        assert!(n.trim_end().ends_with("-----END CERTIFICATE-----"), "{n}");
        let body_again: String = n.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(body_again, body);
    }

    #[test]
    fn unterminated_pem_yields_nothing() {
        assert_eq!(normalize_pem("-----BEGIN CERTIFICATE-----\nQUJD\n"), "");
    }
}
