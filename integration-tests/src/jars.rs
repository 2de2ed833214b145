//! Which Apache Kafka version the tests run, and where its jars are.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::FixtureError;

/// The Kafka version the tests use unless `KAFKA_VERSION` names another: the newest 4.x release
/// whose jars resolve from Maven Central (kept in `integration-tests/KAFKA_VERSION`).
pub const DEFAULT_KAFKA_VERSION: &str = include_str!("../KAFKA_VERSION");

/// The Kafka version under test: `KAFKA_VERSION`, or [`DEFAULT_KAFKA_VERSION`].
pub fn kafka_version() -> String {
    std::env::var("KAFKA_VERSION")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KAFKA_VERSION.to_string())
        .trim()
        .to_string()
}

/// The repository root (the fixture runs the project's scripts from there).
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("integration-tests lives inside the repository")
        .to_path_buf()
}

/// The directory holding the jars of Kafka `version`, fetched through `scripts/kafka-fetch` (which
/// caches them, so only the first call per version downloads anything; it uses `mvn` from PATH,
/// or downloads Apache Maven itself when there is none).
pub fn kafka_libs(version: &str) -> Result<PathBuf, FixtureError> {
    let script = repo_root().join("scripts/kafka-fetch");
    let out = Command::new(&script)
        .arg(version)
        .output()
        .map_err(FixtureError::io(format!("running {}", script.display())))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(FixtureError::Fetch {
            version: version.to_string(),
            status: out.status.to_string(),
            stderr: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(PathBuf::from(dir))
}

/// Fails with [`FixtureError::MissingProgram`] unless `program` is on PATH.
pub(crate) fn which(program: &'static str) -> Result<PathBuf, FixtureError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or(FixtureError::MissingProgram { program })
}

/// The java classpath for every jar in `libs`.
pub(crate) fn classpath(libs: &Path) -> String {
    format!("{}/*", libs.display())
}
