//! The Java-parity harness: compiles `tests/java/DslExpectations.java` against the cached Kafka
//! jars (classes cached under `target/`, keyed by the source's hash), runs it once per test
//! process over `tests/java/scenarios.txt`, and compares its describe() and outputs with what the
//! same topology built with streams-dsl gives on streams-core's `TopologyTestDriver`.
//!
//! Each hand-written scenario also gets random variants (`<scenario>~r<seed>`, see
//! [`variants`]): the same program over a longer input drawn from the scenario's own topics, keys,
//! values and timestamps, out of order, late and far ahead. Hand-written inputs show what an
//! operator was written for; the variants find what nobody thought to write down. Seeds come
//! from `DSL_PARITY_SEEDS` (comma-separated), 1 and 2 by default, so a run is repeatable.
//!
//! A missing JDK or jar cache fails the test with instructions; it never skips.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use std::sync::Arc;
use streams_core::StreamsConfig;

use streams_core::processor::Headers;
use streams_core::serde::{BytesSerde, Nullable, Serdes, SharedSerde};
use streams_core::state::Windowed;
use streams_core::test_driver::{TestRecord, TopologyTestDriver};
use streams_core::topology::Topology;

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
        "`{tool}` is needed to compare against Java Kafka Streams; install a JDK 17+ \
         (e.g. `apt-get install openjdk-17-jdk-headless`) and put `{tool}` on PATH"
    );
}

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

fn java_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java")
}

/// `tests/java/*.java`, sorted: `DslExpectations.java` and the `*Scenarios.java` classes that
/// register more scenarios into it.
fn java_sources() -> Vec<PathBuf> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(java_dir())
        .expect("list tests/java")
        .map(|e| e.expect("list tests/java").path())
        .filter(|p| p.extension().is_some_and(|x| x == "java"))
        .collect();
    sources.sort();
    sources
}

/// The scenario classes beside `DslExpectations`, by class name.
fn scenario_classes() -> Vec<String> {
    java_sources()
        .iter()
        .filter_map(|p| p.file_stem()?.to_str())
        .filter(|n| n.ends_with("Scenarios"))
        .map(str::to_owned)
        .collect()
}

/// Compiles the Java program unless classes for this exact source are cached; returns the class
/// path. Compiles into a fresh directory and renames it into place so concurrent test binaries
/// never see half-written classes.
fn compile() -> String {
    require_tool("javac");
    require_tool("java");
    let libs = format!("{}/*", kafka_libs());
    let sources = java_sources();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for source in &sources {
        source.hash(&mut h);
        std::fs::read(source)
            .expect("read a Java scenario source")
            .hash(&mut h);
    }
    libs.hash(&mut h);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streams-dsl-java");
    let classes = root.join(format!("{:016x}", h.finish()));
    if !classes.join("DslExpectations.class").exists() {
        let tmp = root.join(format!("tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).expect("create class directory");
        let javac = Command::new("javac")
            .args(["-nowarn", "-cp", &libs, "-d"])
            .arg(&tmp)
            .args(&sources)
            .output()
            .expect("run javac");
        assert!(
            javac.status.success(),
            "javac tests/java/*.java: {}",
            String::from_utf8_lossy(&javac.stderr)
        );
        // Another process may have won the race; either copy is complete.
        if std::fs::rename(&tmp, &classes).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    format!("{libs}:{}", classes.display())
}

/// What one scenario printed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Expected {
    pub(crate) describe: String,
    pub(crate) outputs: BTreeMap<String, Vec<String>>,
    /// Internal topics printed byte for byte (`#raw`), by name.
    pub(crate) raw: BTreeMap<String, Vec<String>>,
    /// What the scenario's probe read from the stores (`#probe`).
    pub(crate) probe: Vec<String>,
}

fn parse(text: &str) -> HashMap<String, Expected> {
    let mut all = HashMap::new();
    let mut name = String::new();
    let mut cur = Expected::default();
    let mut section: Option<(u8, String)> = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("#scenario ") {
            name = n.to_owned();
            cur = Expected::default();
        } else if line == "#describe" {
            section = None;
        } else if let Some(t) = line.strip_prefix("#output ") {
            section = Some((0, t.to_owned()));
            cur.outputs.insert(t.to_owned(), Vec::new());
        } else if let Some(t) = line.strip_prefix("#raw ") {
            section = Some((1, t.to_owned()));
            cur.raw.insert(t.to_owned(), Vec::new());
        } else if line == "#probe" {
            section = Some((2, String::new()));
        } else if line == "#end" {
            all.insert(std::mem::take(&mut name), std::mem::take(&mut cur));
            section = None;
        } else {
            match &section {
                None => {
                    cur.describe.push_str(line);
                    cur.describe.push('\n');
                }
                Some((2, _)) => cur.probe.push(line.to_owned()),
                Some((kind, t)) => if *kind == 1 {
                    &mut cur.raw
                } else {
                    &mut cur.outputs
                }
                .get_mut(t)
                .expect("section opened")
                .push(line.to_owned()),
            }
        }
    }
    all
}

/// Java's answers for every scenario, computed once per test process.
pub(crate) fn java() -> &'static HashMap<String, Expected> {
    static RESULT: OnceLock<HashMap<String, Expected>> = OnceLock::new();
    RESULT.get_or_init(|| {
        let classpath = compile();
        let file = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("dsl-scenarios-{}.txt", std::process::id()));
        std::fs::write(&file, scenario_text()).expect("write the scenarios for Java");
        let out = Command::new("java")
            .args(["-cp", &classpath, "DslExpectations"])
            .arg(&file)
            .args(scenario_classes())
            .output()
            .expect("run java");
        let _ = std::fs::remove_file(&file);
        assert!(
            out.status.success(),
            "java DslExpectations: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse(&String::from_utf8(out.stdout).expect("java output is UTF-8"))
    })
}

/// One input record of a scenario.
pub(crate) struct Input {
    pub(crate) topic: String,
    pub(crate) key: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) timestamp: i64,
    /// From an optional fifth field, `key=value,...` (UTF-8 values).
    pub(crate) headers: Headers,
}

/// The hand-written scenarios followed by their random variants: what the Java program reads.
fn scenario_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        // Every scenarios*.txt in tests/java, in name order.
        let mut files: Vec<PathBuf> = std::fs::read_dir(java_dir())
            .expect("list tests/java")
            .map(|e| e.expect("list tests/java").path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("scenarios") && n.ends_with(".txt"))
            })
            .collect();
        files.sort();
        let text: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read a scenarios file") + "\n")
            .collect();
        let seeds: Vec<u64> = std::env::var("DSL_PARITY_SEEDS")
            .ok()
            .map(|s| {
                s.split(',')
                    .filter(|x| !x.trim().is_empty())
                    .map(|x| {
                        x.trim()
                            .parse()
                            .expect("DSL_PARITY_SEEDS: comma-separated u64s")
                    })
                    .collect()
            })
            .unwrap_or_else(|| vec![1, 2]);
        let extra = variants(&text, &seeds);
        format!("{text}\n{extra}")
    })
}

/// One parsed line of a scenario: topic, key, value, timestamp, headers field.
struct Line<'a> {
    topic: &'a str,
    key: &'a str,
    value: &'a str,
    timestamp: i64,
    headers: &'a str,
}

/// xorshift64: repeatable across platforms and Rust versions, which `rand` does not promise.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len() as u64) as usize]
    }
}

/// Random variants of every scenario in `text`, one per seed, in the scenario file's format.
///
/// A variant keeps what the program relies on and shuffles the rest: each record takes the topic
/// and headers of a random hand-written record, a key and a value seen on that topic (so values
/// still parse, and null keys or values appear only where the scenario has them), and a
/// timestamp from a walk over the scenario's time span that mostly moves forward, sometimes
/// stays put (ties), repeats a hand-written timestamp (window bounds), arrives late, jumps past
/// windows and grace periods, or (rarely) past store segments and retention.
pub(crate) fn variants(text: &str, seeds: &[u64]) -> String {
    let mut scenarios: Vec<(&str, Vec<Line<'_>>)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(n) = line.strip_prefix("#scenario ") {
            scenarios.push((n.trim(), Vec::new()));
            continue;
        }
        let f: Vec<&str> = line.split('|').collect();
        let Some((_, lines)) = scenarios.last_mut() else {
            continue;
        };
        lines.push(Line {
            topic: f[0],
            key: f[1],
            value: f[2],
            timestamp: f[3].parse().expect("timestamp"),
            headers: f.get(4).copied().unwrap_or(""),
        });
    }
    let mut out = String::new();
    for (name, lines) in &scenarios {
        let lo = lines.iter().map(|l| l.timestamp).min().unwrap_or(0);
        let hi = lines.iter().map(|l| l.timestamp).max().unwrap_or(0);
        let span = (hi - lo).max(10) as u64;
        let step = (span / lines.len() as u64).max(1) * 2;
        let count = (lines.len() * 3).max(60);
        for &seed in seeds {
            // Mix the name in, so scenarios sharing a seed still differ.
            let mut rng = Rng(name
                .bytes()
                .fold(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
                })
                | 1);
            out.push_str(&format!("#scenario {name}~r{seed}\n"));
            let mut now = lo;
            for _ in 0..count {
                let template = rng.pick(lines);
                let same_topic: Vec<&Line<'_>> =
                    lines.iter().filter(|l| l.topic == template.topic).collect();
                let key = rng.pick(&same_topic).key;
                let value = rng.pick(&same_topic).value;
                let timestamp = match rng.below(40) {
                    0..=19 => {
                        now += rng.below(step + 1) as i64;
                        now
                    }
                    20..=23 => now,
                    24..=31 => (now - rng.below(span / 2 + 1) as i64).max(0),
                    32..=35 => rng.pick(lines).timestamp,
                    36..=38 => {
                        now += (span / 2 + rng.below(span * 2)) as i64;
                        now
                    }
                    // Past a store segment (a minute at least) and most retention periods.
                    _ => {
                        now += 30_000 + rng.below(170_000) as i64;
                        now
                    }
                };
                out.push_str(&format!(
                    "{}|{key}|{value}|{timestamp}|{}\n",
                    template.topic, template.headers
                ));
            }
            out.push('\n');
        }
    }
    out
}

/// The scenario's input records, from the text the Java program reads too.
pub(crate) fn inputs(scenario: &str) -> Vec<Input> {
    let text = scenario_text();
    let mut out = Vec::new();
    let mut active = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(n) = line.strip_prefix("#scenario ") {
            active = n.trim() == scenario;
            continue;
        }
        if active {
            let f: Vec<&str> = line.split('|').collect();
            let opt = |s: &str| (s != "null").then(|| s.to_owned());
            let mut headers = Headers::new();
            for h in f.get(4).into_iter().flat_map(|h| h.split(',')) {
                if let Some((k, v)) = h.split_once('=') {
                    headers.add(k, Some(bytes::Bytes::copy_from_slice(v.as_bytes())));
                }
            }
            out.push(Input {
                topic: f[0].to_owned(),
                key: opt(f[1]),
                value: opt(f[2]),
                timestamp: f[3].parse().expect("timestamp"),
                headers,
            });
        }
    }
    assert!(!out.is_empty(), "scenario {scenario} has no inputs");
    out
}

/// Formats values the way Java's `toString()` prints them.
pub(crate) trait Show {
    fn show(&self) -> String;
}

impl Show for String {
    fn show(&self) -> String {
        self.clone()
    }
}

impl Show for i64 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Show for i32 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl<T: Show> Show for Option<T> {
    fn show(&self) -> String {
        self.as_ref().map_or_else(|| "null".to_owned(), Show::show)
    }
}

impl<K: Show> Show for Windowed<K> {
    fn show(&self) -> String {
        format!(
            "[{}@{}/{}]",
            self.key.show(),
            self.window.start,
            self.window.end
        )
    }
}

type Reader = Box<dyn Fn(&TopologyTestDriver) -> Vec<String>>;

/// Reads stores once a scenario's input is processed, one line per entry.
pub(crate) type Probe = dyn Fn(&TopologyTestDriver) -> Vec<String>;

/// How to read one output topic.
pub(crate) fn out<K: Show + 'static, V: Show + 'static>(
    topic: &str,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
) -> (String, Reader) {
    let t = topic.to_owned();
    (
        topic.to_owned(),
        Box::new(move |driver: &TopologyTestDriver| {
            let mut o = driver.create_output_topic(&t, key.clone(), value.clone());
            o.read_records_to_list()
                .expect("read output")
                .into_iter()
                .map(|r| {
                    format!(
                        "{}|{}|{}|{}",
                        r.key.show(),
                        r.value.show(),
                        r.timestamp,
                        show_headers(&r.headers)
                    )
                })
                .collect()
        }),
    )
}

/// An output topic of nullable strings.
pub(crate) fn out_str(topic: &str) -> (String, Reader) {
    out(topic, Serdes::string(), Serdes::nullable_string())
}

/// describe() reduced to its shape: per sub-topology, each node with its kind, topics or
/// stores, and sorted successors and predecessors. Java prints sibling lists in hash order,
/// which is not part of the topology; extractor class names differ by language.
pub(crate) fn shape(describe: &str) -> Vec<String> {
    let mut subs: Vec<(String, Vec<String>)> = Vec::new();
    let mut node: Option<String> = None;
    let flush = |node: &mut Option<String>, subs: &mut Vec<(String, Vec<String>)>| {
        if let Some(n) = node.take() {
            subs.last_mut()
                .expect("node inside a sub-topology")
                .1
                .push(n);
        }
    };
    for raw in describe.lines() {
        let line = raw.trim();
        if line.is_empty() || line == "Topologies:" {
            continue;
        }
        if line.starts_with("Sub-topology:") {
            flush(&mut node, &mut subs);
            subs.push((line.to_owned(), Vec::new()));
        } else if let Some(list) = line.strip_prefix("--> ") {
            let mut v: Vec<&str> = list.split(", ").collect();
            v.sort_unstable();
            node.as_mut()
                .expect("node")
                .push_str(&format!(" --> {}", v.join(",")));
        } else if let Some(list) = line.strip_prefix("<-- ") {
            let mut v: Vec<&str> = list.split(", ").collect();
            v.sort_unstable();
            node.as_mut()
                .expect("node")
                .push_str(&format!(" <-- {}", v.join(",")));
        } else {
            flush(&mut node, &mut subs);
            let mut l = line.to_owned();
            if let Some(i) = l.find("(extractor class:") {
                l.truncate(i);
                l.push_str("(extractor)");
            }
            if let (Some(a), Some(b)) = (l.find("(stores: ["), l.rfind("])")) {
                let mut stores: Vec<&str> = l[a + 10..b].split(", ").collect();
                stores.sort_unstable();
                l = format!("{}(stores: [{}])", &l[..a], stores.join(", "));
            }
            node = Some(l);
        }
    }
    flush(&mut node, &mut subs);
    subs.into_iter()
        .flat_map(|(h, mut nodes)| {
            nodes.sort();
            std::iter::once(h).chain(nodes)
        })
        .collect()
}

/// Headers as `key=hex,...`, as the Java side prints them.
fn show_headers(headers: &Headers) -> String {
    headers
        .iter()
        .map(|h| format!("{}={}", h.key, hex(h.value.as_ref())))
        .collect::<Vec<_>>()
        .join(",")
}

fn hex(b: Option<&bytes::Bytes>) -> String {
    b.map_or_else(
        || "null".to_owned(),
        |b| b.iter().map(|x| format!("{x:02x}")).collect(),
    )
}

/// Runs `topology` over the scenario's inputs and asserts describe() shape and every output
/// topic equal Java's.
pub(crate) fn check(scenario: &str, topology: Topology, outputs: Vec<(String, Reader)>) {
    check_with_raw(scenario, topology, outputs, &[]);
}

/// [`check`], and also every produced topic whose name contains one of `raw` (the parts the
/// Java scenario names with `.raw(...)`) equal Java's byte for byte: keys, values, timestamps.
pub(crate) fn check_with_raw(
    scenario: &str,
    topology: Topology,
    outputs: Vec<(String, Reader)>,
    raw: &[&str],
) {
    check_all(scenario, topology, outputs, raw, None);
}

/// [`check`], and also that `probe` reads from the stores, once the input is processed, what the
/// Java scenario's probe read.
#[allow(
    dead_code,
    reason = "used by parity.rs, not by every test binary including this module"
)]
pub(crate) fn check_with_probe(
    scenario: &str,
    topology: Topology,
    outputs: Vec<(String, Reader)>,
    probe: &Probe,
) {
    check_all(scenario, topology, outputs, &[], Some(probe));
}

fn check_all(
    scenario: &str,
    topology: Topology,
    outputs: Vec<(String, Reader)>,
    raw: &[&str],
    probe: Option<&Probe>,
) {
    check_one(scenario, topology.clone(), &outputs, raw, probe);
    let prefix = format!("{scenario}~r");
    let mut random: Vec<&String> = java().keys().filter(|k| k.starts_with(&prefix)).collect();
    random.sort();
    for variant in random {
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_one(variant, topology.clone(), &outputs, raw, probe);
        }));
        if let Err(e) = run {
            let input: Vec<String> = scenario_text()
                .split(&format!("#scenario {variant}\n"))
                .nth(1)
                .and_then(|rest| rest.split("\n\n").next())
                .unwrap_or("")
                .lines()
                .map(str::to_owned)
                .collect();
            eprintln!(
                "random variant {variant} failed; its input (add it to scenarios.txt to keep it):\n{}",
                input.join("\n")
            );
            std::panic::resume_unwind(e);
        }
    }
}

fn check_one(
    scenario: &str,
    topology: Topology,
    outputs: &[(String, Reader)],
    raw: &[&str],
    probe: Option<&Probe>,
) {
    let expected = java()
        .get(scenario)
        .unwrap_or_else(|| panic!("Java printed no scenario {scenario}"))
        .clone();
    let ours = topology.describe().to_string();
    assert_eq!(
        shape(&ours),
        shape(&expected.describe),
        "describe() shape differs for {scenario}\n--- ours ---\n{ours}\n--- java ---\n{}",
        expected.describe
    );
    let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("dsl-test"), 0)
        .expect("driver starts");
    let mut topics = HashMap::new();
    for i in inputs(scenario) {
        let topic = topics.entry(i.topic.clone()).or_insert_with(|| {
            driver.create_input_topic(
                &i.topic,
                Serdes::nullable_string(),
                Serdes::nullable_string(),
            )
        });
        topic
            .pipe_record(TestRecord {
                key: i.key,
                value: i.value,
                timestamp: i.timestamp,
                headers: i.headers,
            })
            .unwrap_or_else(|e| panic!("{scenario}: piping into {}: {e}", i.topic));
    }
    let mut seen = Vec::new();
    for (topic, read) in outputs {
        let got = read(&driver);
        let want = expected
            .outputs
            .get(topic)
            .unwrap_or_else(|| panic!("Java read no topic {topic} in {scenario}"));
        assert_eq!(
            &got, want,
            "{scenario}: output topic {topic} differs from Java"
        );
        seen.push(topic.clone());
    }
    let mut java_topics: Vec<&String> = expected.outputs.keys().collect();
    java_topics.sort();
    seen.sort();
    assert_eq!(
        java_topics.into_iter().cloned().collect::<Vec<_>>(),
        seen,
        "{scenario}: compared topics differ from Java's"
    );
    if let Some(probe) = probe {
        assert_eq!(
            probe(&driver),
            expected.probe,
            "{scenario}: store reads differ from Java's"
        );
    }
    // Every changelog and repartition topic is compared byte for byte, as the Java side prints
    // them all.
    let raw: Vec<&str> = raw
        .iter()
        .copied()
        .chain(["-changelog", "-repartition"])
        .collect();
    let bytes = Arc::new(Nullable(BytesSerde));
    let mut ours = BTreeMap::new();
    for t in driver.producer_topics() {
        if !raw.iter().any(|p| t.contains(p)) {
            continue;
        }
        let mut o = driver.create_output_topic(&t, bytes.clone(), bytes.clone());
        let records = o
            .read_records_to_list()
            .expect("read internal topic")
            .into_iter()
            .map(|r| {
                format!(
                    "{}|{}|{}|{}",
                    hex(r.key.as_ref()),
                    hex(r.value.as_ref()),
                    r.timestamp,
                    show_headers(&r.headers)
                )
            })
            .collect::<Vec<_>>();
        ours.insert(t, records);
    }
    // Java's suppression buffer sends its changelog records without a timestamp (a producer
    // stamps them with its clock, which Java's driver does not do); ours carry the driver's wall
    // clock, so there the timestamp is left out of the comparison on both sides.
    // Java's lines must say "null" there, or they will not match ours.
    // A suppression buffer's changelog is the one whose every Java record is unstamped (its
    // store is `KTABLE-SUPPRESS-STATE-STORE-<n>`, or `<name>-store` when named).
    let unstamped_in_java: std::collections::HashSet<&str> = expected
        .raw
        .iter()
        .filter(|(_, lines)| {
            !lines.is_empty() && lines.iter().all(|l| l.split('|').nth(2) == Some("null"))
        })
        .map(|(t, _)| t.as_str())
        .collect();
    let buffer = |t: &str| t.contains("-SUPPRESS-STATE-STORE-") || unstamped_in_java.contains(t);
    let unstamped = |t: &str, lines: &[String], only: &str| -> Vec<String> {
        if !buffer(t) {
            return lines.to_vec();
        }
        lines
            .iter()
            .map(|l| {
                let mut parts: Vec<&str> = l.split('|').collect();
                if parts.len() > 2 && (only.is_empty() || parts[2] == only) {
                    parts[2] = "null";
                }
                parts.join("|")
            })
            .collect()
    };
    let expected_raw: BTreeMap<&String, Vec<String>> = expected
        .raw
        .iter()
        .map(|(t, lines)| (t, unstamped(t, lines, "null")))
        .collect();
    let ours: BTreeMap<String, Vec<String>> = ours
        .into_iter()
        .map(|(t, lines)| {
            let lines = unstamped(&t, &lines, "");
            (t, lines)
        })
        .collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        expected_raw.keys().copied().collect::<Vec<_>>(),
        "{scenario}: internal topics differ from Java's"
    );
    for (t, want) in &expected_raw {
        assert_eq!(
            &ours[*t], want,
            "{scenario}: internal topic {t} differs from Java byte for byte"
        );
    }
}
