//! Test certificates for the brokers' TLS listeners, made fresh for each cluster with the
//! `openssl` command-line tool (EC P-256 keys, unencrypted PKCS#8 PEM, which both the broker's
//! PEM key store and rustls read).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::FixtureError;

/// The certificate files of one cluster, all PEM, in the cluster's directory (removed with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA that signed every certificate below: what clients put in their trust store.
    pub ca: PathBuf,
    /// The brokers' certificate chain (leaf then CA), valid for `127.0.0.1` and `localhost`.
    pub broker_chain: PathBuf,
    /// The brokers' private key.
    pub broker_key: PathBuf,
    /// A certificate signed by the same CA but naming only `wrong-host.invalid`, served on the
    /// host-name-mismatch listener.
    pub wrong_host_chain: PathBuf,
    /// The key of [`TlsFiles::wrong_host_chain`].
    pub wrong_host_key: PathBuf,
    /// A client certificate chain signed by the CA, for the listener requiring client certificates.
    pub client_chain: PathBuf,
    /// The client certificate's private key.
    pub client_key: PathBuf,
    /// The client key and chain in one file, as `ssl.keystore.location` of type PEM takes them.
    pub client_keystore: PathBuf,
    /// A self-signed CA that signed nothing the brokers serve: a trust store that must fail.
    pub other_ca: PathBuf,
}

const CA_EXT: &str = "basicConstraints=critical,CA:TRUE\n\
                      keyUsage=critical,keyCertSign,cRLSign\n\
                      subjectKeyIdentifier=hash\n";

fn leaf_ext(san: &str, usage: &str) -> String {
    format!(
        "basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\n\
         extendedKeyUsage={usage}\n\
         subjectAltName={san}\n\
         authorityKeyIdentifier=keyid\n"
    )
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), FixtureError> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| FixtureError::Tls {
            detail: format!("running `openssl {}`: {e}", args.join(" ")),
        })?;
    if !out.status.success() {
        return Err(FixtureError::Tls {
            detail: format!(
                "`openssl {}` exited with {}: {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), FixtureError> {
    fs::write(path, text).map_err(FixtureError::io(format!("writing {}", path.display())))
}

fn read(path: &Path) -> Result<String, FixtureError> {
    fs::read_to_string(path).map_err(FixtureError::io(format!("reading {}", path.display())))
}

/// A key and a certificate request for `name` with subject `cn`.
fn key_and_request(dir: &Path, name: &str, cn: &str) -> Result<(), FixtureError> {
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &format!("{name}.key"),
        ],
    )?;
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &format!("{name}.key"),
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            &format!("{name}.csr"),
        ],
    )
}

fn self_signed_ca(dir: &Path, name: &str, cn: &str) -> Result<(), FixtureError> {
    key_and_request(dir, name, cn)?;
    write(&dir.join("ca.ext"), CA_EXT)?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-signkey",
            &format!("{name}.key"),
            "-days",
            "3650",
            "-extfile",
            "ca.ext",
            "-out",
            &format!("{name}.pem"),
        ],
    )
}

/// A leaf signed by `ca`; returns the chain file (leaf then CA).
fn leaf(dir: &Path, name: &str, cn: &str, san: &str, usage: &str) -> Result<(), FixtureError> {
    key_and_request(dir, name, cn)?;
    let ext = format!("{name}.ext");
    write(&dir.join(&ext), &leaf_ext(san, usage))?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "3650",
            "-extfile",
            &ext,
            "-out",
            &format!("{name}.cert.pem"),
        ],
    )?;
    let chain = read(&dir.join(format!("{name}.cert.pem")))? + &read(&dir.join("ca.pem"))?;
    write(&dir.join(format!("{name}.pem")), &chain)
}

impl TlsFiles {
    /// Makes the CA and certificates in `dir` (created if missing).
    pub(crate) fn generate(dir: &Path) -> Result<TlsFiles, FixtureError> {
        fs::create_dir_all(dir).map_err(FixtureError::io(format!("creating {}", dir.display())))?;
        self_signed_ca(dir, "ca", "kstreams-rs test CA")?;
        self_signed_ca(dir, "other-ca", "kstreams-rs untrusted CA")?;
        leaf(
            dir,
            "broker",
            "localhost",
            "IP:127.0.0.1,DNS:localhost",
            "serverAuth,clientAuth",
        )?;
        leaf(
            dir,
            "wrong-host",
            "wrong-host.invalid",
            "DNS:wrong-host.invalid",
            "serverAuth",
        )?;
        leaf(
            dir,
            "client",
            "kstreams-client",
            "DNS:kstreams-client",
            "clientAuth",
        )?;
        let keystore = read(&dir.join("client.key"))? + &read(&dir.join("client.pem"))?;
        write(&dir.join("client-keystore.pem"), &keystore)?;
        Ok(TlsFiles {
            ca: dir.join("ca.pem"),
            broker_chain: dir.join("broker.pem"),
            broker_key: dir.join("broker.key"),
            wrong_host_chain: dir.join("wrong-host.pem"),
            wrong_host_key: dir.join("wrong-host.key"),
            client_chain: dir.join("client.pem"),
            client_key: dir.join("client.key"),
            client_keystore: dir.join("client-keystore.pem"),
            other_ca: dir.join("other-ca.pem"),
        })
    }

    /// `path`'s PEM text as a `server.properties` value: Java's properties reader turns `\n`
    /// back into newlines.
    pub(crate) fn property_value(path: &Path) -> Result<String, FixtureError> {
        Ok(read(path)?.trim_end().replace('\n', "\\n"))
    }
}
