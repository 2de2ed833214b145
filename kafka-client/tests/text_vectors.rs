//! Our readers of Java text formats against Java itself: `sasl.jaas.config` lines against
//! Kafka's `JaasConfig` (the `StreamTokenizer`-based parser the Java client uses) and
//! `.properties` texts against `java.util.Properties.load`.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};

use kafka_client::config::{parse_jaas_config, parse_properties};

const PLAIN: &str = "org.apache.kafka.common.security.plain.PlainLoginModule";
const SCRAM: &str = "org.apache.kafka.common.security.scram.ScramLoginModule";

fn jaas_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        r#"{P} required username="alice" password="alice-secret";"#,
        r#"{S} required username="bob" password="b\"o\\b";"#,
        r#"{S} REQUIRED username='single' password='quoted';"#,
        r#"{P} required username=bare password=bare.word-with_$;"#,
        r#"{P} required username="a" password="p\n\t\101\7";"#,
        r#"{P} required username="a" password="p" ;"#,
        "{P} required\n    username=\"multi\"\n    password=\"line\";",
        r#"{P} required /* block */ username="c" // line comment
           password="d";"#,
        r#"{P} required username="a" password=a/b;"#,
        r#"{P} required username="a" password=p@ss;"#,
        r#"{P} required username="a" password=12345;"#,
        r#"{P} required username="a" password="12345";"#,
        r#"{P} required username="a" password="x" username="b";"#,
        r#"{P} required username="a";"#,
        r#"{P} required password="p";"#,
        r#"{P} required username="a" password="p""#,
        r#"{P} required username="a" password="p;"#,
        r#"{P} required username "a" password="p";"#,
        r#"{P} username="a" password="p";"#,
        r#"{P} sometimes username="a" password="p";"#,
        r#"{P} optional username="a" password="p";"#,
        r#"{P} required username="a" password="p"; {S} required username="b" password="q";"#,
        r#"com.example.Other required username="a" password="p";"#,
        r#"{S} required username="tok" password="hmac" tokenauth="true";"#,
        r#"{S} required username="u" password="p" tokenauth=false;"#,
        r#""{P}" "required" "username"="u" "password"="p";"#,
        r#"{P} required username="ü-ser" password="пароль";"#,
        r#"{P} required username=ü password=日本;"#,
        r#"{P} required username="a" password=-x;"#,
        r#"{P} required username="a" password=.5;"#,
        r#"{P} required username="a" password="open
        ";"#,
        "",
        "   ",
        ";",
        r#"{P} required username="a" password="\";"#,
        r#"{P} required = "x" username="a" password="p";"#,
        r#"{P} required @="x" username="a" password="p";"#,
    ]
    .iter()
    .map(|c| c.replace("{P}", PLAIN).replace("{S}", SCRAM))
    .collect();
    cases.push(format!(
        "{PLAIN} required username=\"a\" password=\"p\";\n\n"
    ));
    cases
}

const PROPERTIES_CASES: &[&str] = &[
    "a=1\nb = 2\nc:3\nd 4\n",
    "  # comment\n! other comment\n\n   key   =   value with spaces   \n",
    "k\\=ey=v\\:al\nk\\ ey2 v2\n",
    "long = a,\\\n   b,\\\n   c\n",
    "bs=ends\\\\\nnext=1\n",
    "t=\\t\\n\\r\\f\\u0041\\u00e9\\q\n",
    "dup=1\ndup=2\n",
    "empty=\nonly\n",
    "crlf=1\r\nnext=2\r\n",
    "sep==x\nsep2=:y\nsep3 = = z\n",
    "cont=a\\\n# not a comment\n",
    "unicode=\u{e9}\u{65e5}\n",
    "bad=\\u00zz\n",
    "trailing=\\",
    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username=\"u\" \\\n    password=\"p\";\n",
    "spaces\\ in\\ key = v\n",
    "\\\n=1\n",
    "x=1\\\n",
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Java's `x`-prefixed hex of a string.
fn jhex(s: &str) -> String {
    format!("x{}", hex(s.as_bytes()))
}

fn ask_java(inputs: &[(&str, &str)]) -> Vec<String> {
    let mut child = support::spawn_java("org.apache.kafka.common.security.TextVectors", &[]);
    {
        let mut stdin = child.stdin.take().unwrap();
        for (mode, text) in inputs {
            writeln!(stdin, "{mode} {}", hex(text.as_bytes())).unwrap();
        }
    }
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(lines.len(), inputs.len());
    lines
}

#[test]
fn jaas_lines_read_like_java() {
    let cases = jaas_cases();
    let java = ask_java(
        &cases
            .iter()
            .map(|c| ("jaas", c.as_str()))
            .collect::<Vec<_>>(),
    );
    let (mut accepted, mut rejected) = (0, 0);
    for (case, java) in cases.iter().zip(&java) {
        let ours = parse_jaas_config(case);
        let fields: Vec<&str> = java.split(' ').collect();
        // What this client must accept: exactly what Java accepts as one PLAIN or SCRAM module
        // with both credentials, minus delegation-token logins.
        let expected = (fields[0] == "OK"
            && fields[1] == "1"
            && (fields[2] == jhex(PLAIN) || fields[2] == jhex(SCRAM))
            && fields[3] != "-"
            && fields[4] != "-"
            && !fields[5].eq_ignore_ascii_case("true"))
        .then(|| (fields[3].to_owned(), fields[4].to_owned()));
        match (expected, ours) {
            (Some((user, password)), Ok(c)) => {
                assert_eq!(
                    (jhex(&c.username), jhex(&c.password)),
                    (user, password),
                    "{case:?}"
                );
                accepted += 1;
            }
            (None, Err(_)) => rejected += 1,
            (expected, ours) => {
                panic!("{case:?}: Java says {java:?} (expected {expected:?}), we say {ours:?}")
            }
        }
    }
    assert!(
        accepted >= 12 && rejected >= 12,
        "accepted {accepted}, rejected {rejected}"
    );
}

#[test]
fn properties_read_like_java() {
    let java = ask_java(
        &PROPERTIES_CASES
            .iter()
            .map(|c| ("properties", *c))
            .collect::<Vec<_>>(),
    );
    for (case, java) in PROPERTIES_CASES.iter().zip(&java) {
        match (java.strip_prefix("OK"), parse_properties(case)) {
            (Some(java_pairs), Ok(pairs)) => {
                // Later duplicates win, as in a Properties table.
                let ours: BTreeMap<String, String> = pairs.into_iter().collect();
                let ours: Vec<String> = ours
                    .iter()
                    .map(|(k, v)| format!(" {}={}", jhex(k), jhex(v)))
                    .collect();
                assert_eq!(ours.concat(), java_pairs, "{case:?}");
            }
            (None, Err(_)) => {}
            (java_ok, ours) => panic!(
                "{case:?}: Java {java:?} ({}), ours {ours:?}",
                java_ok.is_some()
            ),
        }
    }
}
