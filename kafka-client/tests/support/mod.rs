//! Compiling and running the Java programs in `tests/java/` against the cached Kafka jars.
//!
//! A missing JDK or jar cache fails the test with instructions; it never skips, because a
//! silently skipped conformance test looks exactly like a passing one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate inside the workspace")
        .to_path_buf()
}

fn require_tool(tool: &str) {
    let found = Command::new(tool)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` is needed to compare against the Java client; install a JDK 17+ \
         (e.g. `apt-get install openjdk-17-jdk-headless`) and put `{tool}` on PATH"
    );
}

/// The directory with the Kafka jars, from `scripts/kafka-fetch`.
fn kafka_libs() -> String {
    let script = workspace_root().join("scripts/kafka-fetch");
    let out = Command::new(&script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed (it needs Maven and network access once to cache the Kafka jars): {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Compiles `tests/java/<class>.java` once per test process (tests run in parallel and must not
/// start `java` while another `javac` rewrites the class file); returns the class path.
fn compile_java(class: &str) -> String {
    static COMPILED: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let mut compiled = COMPILED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(classpath) = compiled.get(class) {
        return classpath.clone();
    }
    let classpath = compile_java_uncached(class);
    compiled.insert(class.to_owned(), classpath.clone());
    classpath
}

fn compile_java_uncached(class: &str) -> String {
    require_tool("javac");
    require_tool("java");
    let classpath = format!("{}/*", kafka_libs());
    // A class in a package (`a.b.C`) has its source at `tests/java/C.java`.
    let file = class.rsplit('.').next().unwrap_or(class);
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/java/{file}.java"));
    let classes = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("java-{class}"));
    std::fs::create_dir_all(&classes).expect("create class output directory");
    let javac = Command::new("javac")
        .args(["-nowarn", "-cp", &classpath, "-d"])
        .arg(&classes)
        .arg(&source)
        .output()
        .expect("run javac");
    assert!(
        javac.status.success(),
        "javac {class}: {}",
        String::from_utf8_lossy(&javac.stderr)
    );
    format!("{classpath}:{}", classes.display())
}

/// Compiles `tests/java/<class>.java` and runs it with `args`; returns its standard output.
#[allow(dead_code)] // Each test crate uses its own subset of these helpers.
pub(crate) fn run_java(class: &str, args: &[&str]) -> String {
    let classpath = compile_java(class);
    let java = Command::new("java")
        .args(["-cp", &classpath, class])
        .args(args)
        .output()
        .expect("run java");
    assert!(
        java.status.success(),
        "java {class}: {}",
        String::from_utf8_lossy(&java.stderr)
    );
    String::from_utf8(java.stdout).expect("java output is UTF-8")
}

/// Compiles `tests/java/<class>.java` and starts it with piped stdin and stdout.
#[allow(dead_code)] // Each test crate uses its own subset of these helpers.
pub(crate) fn spawn_java(class: &str, args: &[&str]) -> Child {
    let classpath = compile_java(class);
    Command::new("java")
        .args(["-cp", &classpath, class])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start java")
}
