//! The `ssl.*` settings: Java property names, Java's defaults and PEM-store rules, typed
//! errors for stores this client does not read, and what a connection does with them (with
//! and without the `tls` feature).

use kafka_client::Error;
use kafka_client::config::{
    ConfigError, KeyStore, ProducerConfig, TlsConfig, TlsVersion, TrustStore,
};
use kafka_client::connection::{ConnectOptions, TlsError};

fn producer(pairs: &[(&str, &str)]) -> Result<ProducerConfig, ConfigError> {
    let mut all = vec![("bootstrap.servers", "127.0.0.1:9093")];
    all.extend_from_slice(pairs);
    ProducerConfig::from_properties(all)
}

fn tls(pairs: &[(&str, &str)]) -> Result<TlsConfig, ConfigError> {
    let mut all = vec![("security.protocol", "SSL")];
    all.extend_from_slice(pairs);
    Ok(producer(&all)?.common.tls.expect("SSL has TLS settings"))
}

#[test]
fn ssl_defaults_are_javas() {
    let t = tls(&[]).unwrap();
    assert_eq!(t.truststore, TrustStore::System);
    assert_eq!(t.keystore, None);
    assert!(t.endpoint_identification);
    assert_eq!(t.versions, vec![TlsVersion::Tls12, TlsVersion::Tls13]);
    // SASL_SSL has them too; PLAINTEXT ignores ssl.* keys, as Java does.
    let sasl_ssl = producer(&[
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanism", "PLAIN"),
        ("sasl.username", "u"),
        ("sasl.password", "p"),
    ])
    .unwrap();
    assert!(sasl_ssl.common.tls.is_some());
    let plain = producer(&[("ssl.truststore.location", "/nowhere.pem")]).unwrap();
    assert_eq!(plain.common.tls, None);
}

#[test]
fn pem_stores_by_file_or_text() {
    let t = tls(&[
        ("ssl.truststore.type", "PEM"),
        ("ssl.truststore.location", "/etc/ca.pem"),
        ("ssl.keystore.type", "PEM"),
        ("ssl.keystore.location", "/etc/client.pem"),
    ])
    .unwrap();
    assert_eq!(t.truststore, TrustStore::PemFile("/etc/ca.pem".into()));
    assert_eq!(
        t.keystore,
        Some(KeyStore::PemFile("/etc/client.pem".into()))
    );

    let t = tls(&[
        ("ssl.truststore.certificates", "CA-PEM"),
        ("ssl.keystore.certificate.chain", "CHAIN-PEM"),
        ("ssl.keystore.key", "KEY-PEM"),
    ])
    .unwrap();
    assert_eq!(t.truststore, TrustStore::PemText("CA-PEM".into()));
    assert_eq!(
        t.keystore,
        Some(KeyStore::PemText {
            certificate_chain: "CHAIN-PEM".into(),
            key: "KEY-PEM".into()
        })
    );
}

#[test]
fn jks_and_pkcs12_stores_are_refused_naming_pem() {
    for (key, value) in [
        ("ssl.truststore.type", "JKS"),
        ("ssl.truststore.type", "PKCS12"),
        ("ssl.keystore.type", "PKCS12"),
        ("ssl.keystore.type", "jks"),
    ] {
        match tls(&[(key, value)]) {
            Err(ConfigError::InvalidValue {
                key: k,
                value: v,
                expected,
            }) => {
                assert_eq!((k.as_str(), v.as_str()), (key, value));
                assert!(expected.starts_with("PEM"), "{expected}");
            }
            other => panic!("{key}={value}: {other:?}"),
        }
    }
}

#[test]
fn contradicting_store_keys_are_refused() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("ssl.truststore.location", "/ca.pem"),
                ("ssl.truststore.certificates", "PEM"),
            ],
            "ssl.truststore.certificates",
        ),
        (
            &[
                ("ssl.keystore.location", "/k.pem"),
                ("ssl.keystore.key", "KEY"),
            ],
            "ssl.keystore.location",
        ),
        (
            &[("ssl.keystore.certificate.chain", "CHAIN")],
            "ssl.keystore.key",
        ),
        (
            &[
                ("ssl.truststore.location", "/ca.pem"),
                ("ssl.truststore.password", "secret"),
            ],
            "ssl.truststore.password",
        ),
        (
            &[
                ("ssl.keystore.location", "/k.pem"),
                ("ssl.keystore.password", "secret"),
            ],
            "ssl.keystore.password",
        ),
    ];
    for (pairs, named) in cases {
        let err = tls(pairs).unwrap_err();
        let key = match &err {
            ConfigError::Inconsistent { key, .. } | ConfigError::Missing { key, .. } => *key,
            other => panic!("{pairs:?}: {other:?}"),
        };
        assert_eq!(key, named, "{err}");
    }
}

#[test]
fn endpoint_identification_and_protocol_versions() {
    assert!(
        !tls(&[("ssl.endpoint.identification.algorithm", "")])
            .unwrap()
            .endpoint_identification
    );
    assert!(
        tls(&[("ssl.endpoint.identification.algorithm", "HTTPS")])
            .unwrap()
            .endpoint_identification
    );
    assert!(matches!(
        tls(&[("ssl.endpoint.identification.algorithm", "ldaps")]),
        Err(ConfigError::InvalidValue { .. })
    ));
    assert_eq!(
        tls(&[("ssl.enabled.protocols", "TLSv1.3")])
            .unwrap()
            .versions,
        vec![TlsVersion::Tls13]
    );
    let err = tls(&[("ssl.enabled.protocols", "TLSv1.2,TLSv1.1")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { key, .. } if key == "ssl.enabled.protocols"),
        "{err}"
    );
    assert_eq!(
        tls(&[("ssl.protocol", "TLSv1.2")]).unwrap().versions,
        vec![TlsVersion::Tls12]
    );
}

#[test]
fn encrypted_keys_and_jca_settings_are_unsupported() {
    for key in [
        "ssl.key.password",
        "ssl.cipher.suites",
        "ssl.provider",
        "ssl.engine.factory.class",
    ] {
        match producer(&[("security.protocol", "SSL"), (key, "x")]) {
            Err(ConfigError::Unsupported { key: k, reason, .. }) => {
                assert_eq!(k, key);
                assert!(!reason.is_empty());
            }
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[cfg(not(feature = "tls"))]
#[test]
fn without_the_tls_feature_ssl_connections_are_refused_typed() {
    let cfg = producer(&[("security.protocol", "SSL")]).unwrap();
    match ConnectOptions::from_config(&cfg.common) {
        Err(Error::Tls(TlsError::NotBuilt)) => {}
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "tls")]
mod with_tls {
    use super::*;

    fn connect_options(pairs: &[(&str, &str)]) -> kafka_client::error::Result<ConnectOptions> {
        let mut all = vec![("security.protocol", "SSL")];
        all.extend_from_slice(pairs);
        ConnectOptions::from_config(&producer(&all).unwrap().common)
    }

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("kafka-client-tls-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_missing_trust_store_file_is_named() {
        match connect_options(&[("ssl.truststore.location", "/nonexistent/ca.pem")]) {
            Err(Error::Tls(TlsError::File { key, path, .. })) => {
                assert_eq!(key, "ssl.truststore.location");
                assert_eq!(path, std::path::Path::new("/nonexistent/ca.pem"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_store_without_pem_is_a_pem_error() {
        let path = temp_file("not-pem", "\u{feff}this is a JKS store, honestly");
        let err =
            connect_options(&[("ssl.truststore.location", path.to_str().unwrap())]).unwrap_err();
        let _ = std::fs::remove_file(&path);
        match err {
            Error::Tls(TlsError::Pem { key, reason }) => {
                assert_eq!(key, "ssl.truststore.location");
                assert!(reason.contains("PEM"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        match connect_options(&[(
            "ssl.truststore.certificates",
            "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n",
        )]) {
            Err(Error::Tls(TlsError::Pem { key, .. })) => {
                assert_eq!(key, "ssl.truststore.certificates")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_encrypted_client_key_is_refused_with_a_hint() {
        let err = connect_options(&[
            ("ssl.truststore.certificates", SELF_SIGNED),
            ("ssl.keystore.certificate.chain", SELF_SIGNED),
            (
                "ssl.keystore.key",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            ),
        ])
        .unwrap_err();
        match err {
            Error::Tls(TlsError::Pem { key, reason }) => {
                assert_eq!(key, "ssl.keystore.key");
                assert!(reason.contains("encrypted"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_pem_trust_store_on_one_line_is_read() {
        // Java accepts the PEM body with its line breaks removed (properties continuation lines).
        let one_line = SELF_SIGNED.replace('\n', " ");
        let opts = connect_options(&[("ssl.truststore.certificates", &one_line)]).unwrap();
        assert!(opts.tls.is_some());
    }

    /// A self-signed EC P-256 CA certificate (CN=kstreams-rs config test, made with openssl);
    /// its key is not kept: it is only parsed here.
    const SELF_SIGNED: &str = "-----BEGIN CERTIFICATE-----
MIIBijCCATCgAwIBAgIUYQK5Ltta/FLX52XBOza7X5BtWC0wCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXa3N0cmVhbXMtcnMgY29uZmlnIHRlc3QwIBcNMjYxMTI2MTQw
MTMwWhgPMjEyNjExMDIxNDAxMzBaMCIxIDAeBgNVBAMMF2tzdHJlYW1zLXJzIGNv
bmZpZyB0ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5D/wel+5AQqTUM18
JyvBm/HuT89tPDJWcGTZ/182OtEZ3QX7niVS76DDSJNVReVf4azCwG/z2pjHj/Sb
RcldAqNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0O
BBYEFMNBGvi9ONnmvYs/U1WzyR3jkghUMAoGCCqGSM49BAMCA0gAMEUCIBHJQF8R
0hFMrFYfOdzjnsHYsyIle2m/jOwEfRXCe9k+AiEApQrdiRYk9HIADeIHTnpu4uiS
YwzPwJdsQxAUV80eUqI=
-----END CERTIFICATE-----
";
}
