//! The `ssl.*` settings: which CAs a broker certificate must chain to, the client's own
//! certificate for brokers that ask for one, and how the broker's certificate is checked.
//!
//! Parsed and validated the same way whether or not the `tls` cargo feature is built, so one
//! properties file means the same thing in every build; a build without the feature refuses
//! `SSL`/`SASL_SSL` when it connects. Stores are read as PEM only: JKS and PKCS12 are Java
//! formats (PKCS12 needs legacy ciphers to open that this client does not carry), and the error
//! says how to convert them.

use std::path::PathBuf;

use super::ConfigError;
use super::parse;

/// Where the certificates that may sign a broker's certificate come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustStore {
    /// No `ssl.truststore.*` given: the operating system's trust store.
    System,
    /// `ssl.truststore.location`: a PEM file of one or more CA certificates.
    PemFile(PathBuf),
    /// `ssl.truststore.certificates`: the PEM text itself.
    PemText(String),
}

/// The client's own certificate chain and private key, for brokers with `ssl.client.auth`.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyStore {
    /// `ssl.keystore.location`: one PEM file holding the private key and the certificate chain.
    PemFile(PathBuf),
    /// `ssl.keystore.certificate.chain` and `ssl.keystore.key` as PEM text.
    PemText {
        /// The certificate chain, leaf first.
        certificate_chain: String,
        /// The unencrypted private key (PKCS#8, PKCS#1 or SEC1).
        key: String,
    },
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyStore::PemFile(p) => f.debug_tuple("PemFile").field(p).finish(),
            // The key is a secret, as Java's Password type hides it.
            KeyStore::PemText { .. } => f
                .debug_struct("PemText")
                .field("certificate_chain", &"[pem]")
                .field("key", &"[hidden]")
                .finish(),
        }
    }
}

/// A TLS protocol version this client can negotiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TlsVersion {
    /// `TLSv1.2`.
    Tls12,
    /// `TLSv1.3`.
    Tls13,
}

impl TlsVersion {
    /// The Java name (`TLSv1.2`, `TLSv1.3`).
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls12 => "TLSv1.2",
            TlsVersion::Tls13 => "TLSv1.3",
        }
    }

    fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        match value.trim() {
            "TLSv1.2" => Ok(TlsVersion::Tls12),
            "TLSv1.3" => Ok(TlsVersion::Tls13),
            _ => Err(ConfigError::invalid(
                key,
                value,
                "TLSv1.2 or TLSv1.3 (older versions are not offered by rustls)",
            )),
        }
    }
}

/// The resolved TLS settings, present when `security.protocol` is `SSL` or `SASL_SSL`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsConfig {
    /// The CAs a broker certificate must chain to.
    pub truststore: TrustStore,
    /// The client certificate, if any.
    pub keystore: Option<KeyStore>,
    /// `ssl.endpoint.identification.algorithm`: `https` (the default) checks that the broker's
    /// certificate names the host connected to; empty turns that check off (the chain is still
    /// verified).
    pub endpoint_identification: bool,
    /// The versions offered: `ssl.enabled.protocols` (default TLSv1.2,TLSv1.3) within what
    /// `ssl.protocol` allows.
    pub versions: Vec<TlsVersion>,
}

impl Default for TlsConfig {
    /// Java's defaults: the system trust store, no client certificate, host name
    /// verification on, TLSv1.2 and TLSv1.3.
    fn default() -> Self {
        TlsConfig {
            truststore: TrustStore::System,
            keystore: None,
            endpoint_identification: true,
            versions: vec![TlsVersion::Tls12, TlsVersion::Tls13],
        }
    }
}

/// The `ssl.*` values as set; checked against each other at build.
#[derive(Clone, Default)]
pub(crate) struct TlsBuilder {
    pub(crate) truststore_type: Option<String>,
    pub(crate) truststore_location: Option<String>,
    pub(crate) truststore_certificates: Option<String>,
    pub(crate) truststore_password: bool,
    pub(crate) keystore_type: Option<String>,
    pub(crate) keystore_location: Option<String>,
    pub(crate) keystore_certificate_chain: Option<String>,
    pub(crate) keystore_key: Option<String>,
    pub(crate) keystore_password: bool,
    pub(crate) endpoint_identification: Option<bool>,
    pub(crate) enabled_protocols: Option<Vec<TlsVersion>>,
    /// The highest version `ssl.protocol` allows.
    pub(crate) protocol_max: Option<TlsVersion>,
}

impl std::fmt::Debug for TlsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsBuilder")
            .field("truststore_type", &self.truststore_type)
            .field("truststore_location", &self.truststore_location)
            .field("keystore_type", &self.keystore_type)
            .field("keystore_location", &self.keystore_location)
            .field(
                "keystore_key",
                &self.keystore_key.as_ref().map(|_| "[hidden]"),
            )
            .field("endpoint_identification", &self.endpoint_identification)
            .field("enabled_protocols", &self.enabled_protocols)
            .finish_non_exhaustive()
    }
}

/// What to tell a user whose store is not PEM.
const CONVERT_TO_PEM: &str = "PEM (JKS and PKCS12 stores are Java formats this client does not read: export \
     certificates with `keytool -exportcert -rfc`, or a PKCS12 store with \
     `openssl pkcs12 -nodes`, and give the PEM file)";

fn store_type(key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("PEM") {
        Ok("PEM".to_owned())
    } else {
        Err(ConfigError::invalid(key, value, CONVERT_TO_PEM))
    }
}

impl TlsBuilder {
    /// Applies an `ssl.*` key; `Ok(false)` when this client does not handle it.
    pub(crate) fn set(&mut self, key: &str, value: &str) -> Result<bool, ConfigError> {
        // Java passes null for an unset key; an empty store path means the same.
        let path = |v: &str| Some(v.trim().to_owned()).filter(|p| !p.is_empty());
        match key {
            "ssl.truststore.type" => self.truststore_type = Some(store_type(key, value)?),
            "ssl.keystore.type" => self.keystore_type = Some(store_type(key, value)?),
            "ssl.truststore.location" => self.truststore_location = path(value),
            "ssl.keystore.location" => self.keystore_location = path(value),
            // PASSWORD types in Java: kept as given.
            "ssl.truststore.certificates" => {
                self.truststore_certificates = Some(value.to_owned()).filter(|v| !v.is_empty())
            }
            "ssl.keystore.certificate.chain" => {
                self.keystore_certificate_chain = Some(value.to_owned()).filter(|v| !v.is_empty())
            }
            "ssl.keystore.key" => {
                self.keystore_key = Some(value.to_owned()).filter(|v| !v.is_empty())
            }
            "ssl.truststore.password" => self.truststore_password = !value.is_empty(),
            "ssl.keystore.password" => self.keystore_password = !value.is_empty(),
            "ssl.endpoint.identification.algorithm" => {
                let v = value.trim();
                self.endpoint_identification = Some(if v.is_empty() {
                    false
                } else if v.eq_ignore_ascii_case("https") {
                    true
                } else {
                    return Err(ConfigError::invalid(
                        key,
                        value,
                        "https (verify the broker's host name), or empty to skip that check",
                    ));
                });
            }
            "ssl.enabled.protocols" => {
                let versions = parse::list(value)
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| TlsVersion::parse(key, v))
                    .collect::<Result<Vec<_>, _>>()?;
                if versions.is_empty() {
                    return Err(ConfigError::invalid(
                        key,
                        value,
                        "a list of TLSv1.2 and/or TLSv1.3",
                    ));
                }
                self.enabled_protocols = Some(versions);
            }
            "ssl.protocol" => {
                self.protocol_max = Some(match value.trim() {
                    "TLS" | "TLSv1.3" => TlsVersion::Tls13,
                    "TLSv1.2" => TlsVersion::Tls12,
                    _ => {
                        return Err(ConfigError::invalid(
                            key,
                            value,
                            "TLSv1.3, TLSv1.2 or TLS (older versions are not offered by rustls)",
                        ));
                    }
                })
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The resolved settings, with the checks Java's `DefaultSslEngineFactory` makes on PEM stores.
    pub(crate) fn build(&self) -> Result<TlsConfig, ConfigError> {
        if self.truststore_password {
            return Err(ConfigError::Inconsistent {
                key: "ssl.truststore.password",
                reason: "a PEM trust store takes no password".to_owned(),
            });
        }
        if self.keystore_password {
            return Err(ConfigError::Inconsistent {
                key: "ssl.keystore.password",
                reason: "a PEM key store takes no password (and encrypted keys are not supported)"
                    .to_owned(),
            });
        }
        let truststore = match (&self.truststore_location, &self.truststore_certificates) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Inconsistent {
                    key: "ssl.truststore.certificates",
                    reason:
                        "give the trusted certificates either as ssl.truststore.location or as \
                             ssl.truststore.certificates, not both"
                            .to_owned(),
                });
            }
            (Some(path), None) => TrustStore::PemFile(PathBuf::from(path)),
            (None, Some(pem)) => TrustStore::PemText(pem.clone()),
            (None, None) => TrustStore::System,
        };
        let keystore = match (
            &self.keystore_location,
            &self.keystore_certificate_chain,
            &self.keystore_key,
        ) {
            (None, None, None) => None,
            (Some(path), None, None) => Some(KeyStore::PemFile(PathBuf::from(path))),
            (None, Some(chain), Some(key)) => Some(KeyStore::PemText {
                certificate_chain: chain.clone(),
                key: key.clone(),
            }),
            (Some(_), _, _) => {
                return Err(ConfigError::Inconsistent {
                    key: "ssl.keystore.location",
                    reason: "give the client certificate either as ssl.keystore.location or as \
                             ssl.keystore.certificate.chain with ssl.keystore.key, not both"
                        .to_owned(),
                });
            }
            (None, Some(_), None) => {
                return Err(ConfigError::Missing {
                    key: "ssl.keystore.key",
                    reason: "ssl.keystore.certificate.chain is set",
                });
            }
            (None, None, Some(_)) => {
                return Err(ConfigError::Missing {
                    key: "ssl.keystore.certificate.chain",
                    reason: "ssl.keystore.key is set",
                });
            }
        };
        let max = self.protocol_max.unwrap_or(TlsVersion::Tls13);
        let mut versions: Vec<TlsVersion> = self
            .enabled_protocols
            .clone()
            .unwrap_or_else(|| vec![TlsVersion::Tls12, TlsVersion::Tls13])
            .into_iter()
            .filter(|v| *v <= max)
            .collect();
        versions.sort();
        versions.dedup();
        if versions.is_empty() {
            return Err(ConfigError::Inconsistent {
                key: "ssl.enabled.protocols",
                reason: format!(
                    "no enabled protocol is allowed by ssl.protocol={}",
                    max.name()
                ),
            });
        }
        Ok(TlsConfig {
            truststore,
            keystore,
            endpoint_identification: self.endpoint_identification.unwrap_or(true),
            versions,
        })
    }
}

/// Why an `ssl.*` key this client does not handle is refused.
pub(crate) fn unsupported_reason(key: &str) -> &'static str {
    match key {
        "ssl.key.password" => {
            "encrypted private keys are not supported; give an unencrypted PEM key \
             (e.g. `openssl pkcs8 -nocrypt`)"
        }
        "ssl.cipher.suites" => {
            "TLS cipher suites are rustls's safe defaults (TLS 1.3 and ECDHE-AEAD for TLS 1.2)"
        }
        _ => {
            "this Java TLS setting (a JCA provider or manager choice) has no counterpart with rustls"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(pairs: &[(&str, &str)]) -> Result<TlsConfig, ConfigError> {
        let mut b = TlsBuilder::default();
        for (k, v) in pairs {
            assert!(b.set(k, v)?, "{k} handled");
        }
        b.build()
    }

    #[test]
    fn defaults_are_javas() {
        assert_eq!(build(&[]).unwrap(), TlsConfig::default());
    }

    #[test]
    fn protocol_caps_enabled_versions() {
        let c = build(&[("ssl.protocol", "TLSv1.2")]).unwrap();
        assert_eq!(c.versions, vec![TlsVersion::Tls12]);
        let err = build(&[
            ("ssl.protocol", "TLSv1.2"),
            ("ssl.enabled.protocols", "TLSv1.3"),
        ])
        .unwrap_err();
        assert!(matches!(err, ConfigError::Inconsistent { .. }), "{err}");
    }

    #[test]
    fn key_store_text_is_hidden_in_debug() {
        let c = build(&[
            ("ssl.keystore.certificate.chain", "CHAIN"),
            ("ssl.keystore.key", "SECRET-KEY"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("SECRET-KEY"), "{shown}");
    }
}
