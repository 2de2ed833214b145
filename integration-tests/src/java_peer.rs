//! Kafka's own Java producer and consumer as a test peer (`integration-tests/java/peers`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use crate::FixtureError;
use crate::jars::{classpath, kafka_libs, repo_root, which};

/// One record as the Java consumer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRecord {
    /// Partition it was read from.
    pub partition: i32,
    /// Its offset.
    pub offset: i64,
    /// Its timestamp (ms since the epoch).
    pub timestamp: i64,
    /// Key bytes, `None` for a null key.
    pub key: Option<Vec<u8>>,
    /// Value bytes, `None` for a null value.
    pub value: Option<Vec<u8>>,
    /// Headers in order, `None` for a null header value.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

/// Where the Java producer put a record: `(partition, offset, timestamp)`.
pub type PeerAck = (i32, i64, i64);

/// The Java peer program compiled against the kafka-clients jar of one Kafka version.
#[derive(Debug, Clone)]
pub struct JavaPeer {
    libs: PathBuf,
    classes: PathBuf,
}

impl JavaPeer {
    /// Compiles (once per Kafka version, cached under the target dir) the peer for the Kafka
    /// version under test.
    pub fn new() -> Result<JavaPeer, FixtureError> {
        JavaPeer::for_version(&crate::kafka_version())
    }

    /// Compiles the peer against the jars of `version`.
    pub fn for_version(version: &str) -> Result<JavaPeer, FixtureError> {
        static COMPILE: Mutex<()> = Mutex::new(());
        which("java")?;
        which("javac")?;
        let libs = kafka_libs(version)?;
        let sources = repo_root().join("integration-tests/java/peers");
        let classes = target_dir()
            .join("java-peers")
            .join(format!("kafka-{version}"));
        let _lock = COMPILE.lock().unwrap_or_else(|e| e.into_inner());
        if stale(&sources, &classes) {
            let tmp = classes.with_extension("tmp");
            let _ = fs::remove_dir_all(&tmp);
            fs::create_dir_all(&tmp).map_err(FixtureError::io("creating the peer class dir"))?;
            let java_files: Vec<PathBuf> = fs::read_dir(&sources)
                .map_err(FixtureError::io(format!("reading {}", sources.display())))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "java"))
                .collect();
            let out = Command::new("javac")
                .args(["-nowarn", "-d"])
                .arg(&tmp)
                .arg("-cp")
                .arg(classpath(&libs))
                .args(&java_files)
                .output()
                .map_err(FixtureError::io("running javac"))?;
            if !out.status.success() {
                return Err(FixtureError::Peer {
                    action: "compile",
                    detail: String::from_utf8_lossy(&out.stderr).into_owned(),
                });
            }
            let _ = fs::remove_dir_all(&classes);
            fs::rename(&tmp, &classes).map_err(FixtureError::io("moving compiled peer classes"))?;
        }
        Ok(JavaPeer { libs, classes })
    }

    fn run(&self, args: &[String]) -> Result<String, FixtureError> {
        self.run_class("JavaPeer", args)
    }

    /// A `java` command for `class` (any class in `integration-tests/java/peers`, or one in the
    /// Kafka jars such as `org.apache.kafka.tools.ProducerPerformance`) with the peer classes and
    /// the Kafka jars on the classpath; add arguments and run or spawn it. Long-running peers
    /// (group members, benchmark tools) are spawned this way.
    pub fn command(&self, class: &str) -> Command {
        let mut cmd = Command::new("java");
        cmd.arg("-Xmx512m")
            .arg("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
            .arg("-cp")
            .arg(format!(
                "{}:{}",
                self.classes.display(),
                classpath(&self.libs)
            ))
            .arg(class);
        cmd
    }

    /// Runs `class` with `args` to completion and returns its stdout; a non-zero exit is an
    /// error carrying its stderr.
    pub fn run_class(&self, class: &str, args: &[String]) -> Result<String, FixtureError> {
        let out = self
            .command(class)
            .args(args)
            .output()
            .map_err(FixtureError::io(format!("running the Java peer {class}")))?;
        if !out.status.success() {
            return Err(FixtureError::Peer {
                action: "run",
                detail: format!(
                    "`{class} {}` exited with {}: {}",
                    args.join(" "),
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Sends `count` records with the Java producer: key `key-i`, value `value-i`, header
    /// `seq=i`, timestamp `1_700_000_000_000 + i`. `props` are extra producer properties.
    pub fn produce(
        &self,
        bootstrap: &str,
        topic: &str,
        count: usize,
        props: &[(&str, &str)],
    ) -> Result<Vec<PeerAck>, FixtureError> {
        let mut args = vec![
            "produce".into(),
            bootstrap.into(),
            topic.into(),
            count.to_string(),
        ];
        args.extend(props.iter().map(|(k, v)| format!("{k}={v}")));
        let out = self.run(&args)?;
        out.lines()
            .map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                match f.as_slice() {
                    [p, o, t] => Ok((num(p)?, num(o)?, num(t)?)),
                    _ => Err(bad_line(line)),
                }
            })
            .collect()
    }

    /// Reads `count` records of every partition of `topic` from the beginning with the Java
    /// consumer (no group), failing if they do not all arrive within `timeout`.
    pub fn consume(
        &self,
        bootstrap: &str,
        topic: &str,
        count: usize,
        timeout: Duration,
        props: &[(&str, &str)],
    ) -> Result<Vec<PeerRecord>, FixtureError> {
        let mut args = vec![
            "consume".into(),
            bootstrap.into(),
            topic.into(),
            count.to_string(),
            timeout.as_millis().to_string(),
        ];
        args.extend(props.iter().map(|(k, v)| format!("{k}={v}")));
        let out = self.run(&args)?;
        out.lines().map(parse_record).collect()
    }
}

fn parse_record(line: &str) -> Result<PeerRecord, FixtureError> {
    let f: Vec<&str> = line.split('\t').collect();
    let [p, o, t, k, v, h] = f.as_slice() else {
        return Err(bad_line(line));
    };
    let headers = if h.is_empty() {
        Vec::new()
    } else {
        h.split(',')
            .map(|kv| {
                let (name, value) = kv.split_once('=').ok_or_else(|| bad_line(line))?;
                Ok((name.to_string(), opt_hex(value)?))
            })
            .collect::<Result<_, FixtureError>>()?
    };
    Ok(PeerRecord {
        partition: num(p)?,
        offset: num(o)?,
        timestamp: num(t)?,
        key: opt_hex(k)?,
        value: opt_hex(v)?,
        headers,
    })
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, FixtureError> {
    s.parse().map_err(|_| bad_line(s))
}

fn opt_hex(s: &str) -> Result<Option<Vec<u8>>, FixtureError> {
    if s == "-" {
        return Ok(None);
    }
    if !s.len().is_multiple_of(2) {
        return Err(bad_line(s));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| bad_line(s)))
        .collect::<Result<Vec<u8>, _>>()
        .map(Some)
}

fn bad_line(line: &str) -> FixtureError {
    FixtureError::Peer {
        action: "parse its output",
        detail: format!("unexpected line {line:?}"),
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Whether any source is newer than the compiled classes (or there are none).
fn stale(sources: &Path, classes: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(built) = modified(&classes.join("JavaPeer.class")) else {
        return true;
    };
    fs::read_dir(sources)
        .map(|rd| {
            rd.flatten()
                .any(|e| modified(&e.path()).is_none_or(|m| m > built))
        })
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_consumer_lines() {
        let r = parse_record("2\t41\t1700000000005\t6b2d35\t-\tseq=35,empty=,nil=-").unwrap();
        assert_eq!(r.partition, 2);
        assert_eq!(r.offset, 41);
        assert_eq!(r.timestamp, 1_700_000_000_005);
        assert_eq!(r.key.as_deref(), Some(&b"k-5"[..]));
        assert_eq!(r.value, None);
        assert_eq!(
            r.headers,
            vec![
                ("seq".to_string(), Some(b"5".to_vec())),
                ("empty".to_string(), Some(Vec::new())),
                ("nil".to_string(), None)
            ]
        );
        assert!(parse_record("1\t2\t3").is_err());
        assert!(parse_record("1\t2\t3\tzz\t-\t").is_err());
    }
}
