//! Our configuration against the Java client's, case by case: the same properties go to
//! kafka-clients 4.4.0 (`ProducerConfig` + `KafkaProducer`, `ConsumerConfig` + `KafkaConsumer`,
//! `AdminClientConfig`) and to our `from_properties`; both must accept or both reject, and
//! accepted cases must resolve every compared key to the same value.
//!
//! Cases where this client deliberately differs (GSSAPI and other unsupported mechanisms,
//! credentials checked at build time rather than at login) are tested apart in `config_rules.rs`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use kafka_client::config::{
    Acks, AdminConfig, AutoOffsetReset, ClientDnsLookup, CommonConfig, Compression, ConsumerConfig,
    GroupProtocol, IsolationLevel, MetadataRecoveryStrategy, ProducerConfig, SecurityProtocol,
};

const B: &str = "bootstrap.servers=localhost:9092";

/// (role, properties); bootstrap.servers is added unless the case sets it.
const CASES: &[(&str, &[&str])] = &[
    ("producer", &[]),
    ("producer", &["acks=1"]),
    ("producer", &["acks=0"]),
    ("producer", &["acks=-1"]),
    ("producer", &["acks= all "]),
    ("producer", &["acks=ALL"]),
    ("producer", &["acks=2"]),
    ("producer", &["acks=1", "enable.idempotence=true"]),
    ("producer", &["acks=1", "enable.idempotence=false"]),
    ("producer", &["retries=0"]),
    ("producer", &["retries=0", "enable.idempotence=true"]),
    ("producer", &["retries=-1"]),
    ("producer", &["max.in.flight.requests.per.connection=6"]),
    (
        "producer",
        &[
            "max.in.flight.requests.per.connection=6",
            "enable.idempotence=false",
        ],
    ),
    (
        "producer",
        &["max.in.flight.requests.per.connection=6", "acks=1"],
    ),
    ("producer", &["max.in.flight.requests.per.connection=0"]),
    (
        "producer",
        &[
            "max.in.flight.requests.per.connection=5",
            "enable.idempotence=true",
        ],
    ),
    ("producer", &["transactional.id=tx-1"]),
    ("producer", &["transactional.id=tx-1", "acks=1"]),
    (
        "producer",
        &["transactional.id=tx-1", "enable.idempotence=false"],
    ),
    ("producer", &["transactional.id="]),
    (
        "producer",
        &["transactional.id=tx", "transaction.timeout.ms=900000"],
    ),
    ("producer", &["reconnect.backoff.ms=200"]),
    (
        "producer",
        &["reconnect.backoff.ms=200", "reconnect.backoff.max.ms=5000"],
    ),
    (
        "producer",
        &["reconnect.backoff.max.ms=10", "reconnect.backoff.ms=100"],
    ),
    (
        "producer",
        &["retry.backoff.ms=500", "retry.backoff.max.ms=100"],
    ),
    ("producer", &["delivery.timeout.ms=1000"]),
    ("producer", &["delivery.timeout.ms=30005"]),
    ("producer", &["delivery.timeout.ms=30004"]),
    ("producer", &["linger.ms=200000"]),
    ("producer", &["linger.ms=0"]),
    ("producer", &["linger.ms=-1"]),
    ("producer", &["linger.ms= 7 "]),
    ("producer", &["linger.ms=1.5"]),
    ("producer", &["batch.size=0"]),
    ("producer", &["batch.size=99999999999"]),
    ("producer", &["buffer.memory=-1"]),
    ("producer", &["buffer.memory=68719476736"]),
    (
        "producer",
        &["compression.type=zstd", "compression.zstd.level=22"],
    ),
    (
        "producer",
        &["compression.type=zstd", "compression.zstd.level=-131072"],
    ),
    ("producer", &["compression.zstd.level=23"]),
    (
        "producer",
        &["compression.type=gzip", "compression.gzip.level=-1"],
    ),
    (
        "producer",
        &["compression.type=gzip", "compression.gzip.level=9"],
    ),
    ("producer", &["compression.gzip.level=0"]),
    (
        "producer",
        &["compression.type=lz4", "compression.lz4.level=17"],
    ),
    ("producer", &["compression.lz4.level=18"]),
    ("producer", &["compression.type=snappy"]),
    ("producer", &["compression.type=GZIP"]),
    ("producer", &["compression.type=brotli"]),
    ("producer", &["enable.idempotence=TRUE"]),
    ("producer", &["enable.idempotence=yes"]),
    (
        "producer",
        &[
            "partitioner.ignore.keys=true",
            "partitioner.adaptive.partitioning.enable=false",
        ],
    ),
    ("producer", &["partitioner.availability.timeout.ms=100"]),
    (
        "producer",
        &["partitioner.rack.aware=true", "client.rack=r1"],
    ),
    ("producer", &["partitioner.rack.aware=maybe"]),
    ("producer", &["metadata.max.idle.ms=4999"]),
    ("producer", &["metadata.max.idle.ms=5000"]),
    ("producer", &["request.timeout.ms=2147483648"]),
    ("producer", &["request.timeout.ms=0"]),
    ("producer", &["max.block.ms=0", "max.request.size=10"]),
    ("producer", &["connections.max.idle.ms=-1"]),
    (
        "producer",
        &[
            "socket.connection.setup.timeout.ms=20000",
            "socket.connection.setup.timeout.max.ms=1000",
        ],
    ),
    ("producer", &["security.protocol=plaintext"]),
    ("producer", &["security.protocol=TLS"]),
    ("producer", &["bootstrap.servers=localhost"]),
    ("producer", &["bootstrap.servers="]),
    (
        "producer",
        &["bootstrap.servers=PLAINTEXT://localhost:9092, other:9093"],
    ),
    ("producer", &["bootstrap.servers=localhost:abc"]),
    (
        "producer",
        &[
            "security.protocol=SASL_PLAINTEXT",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
        ],
    ),
    (
        "producer",
        &["security.protocol=SASL_PLAINTEXT", "sasl.mechanism="],
    ),
    ("consumer", &[]),
    ("consumer", &["group.id=g"]),
    ("consumer", &["group.id=g", "enable.auto.commit=false"]),
    ("consumer", &["enable.auto.commit=true"]),
    ("consumer", &["enable.auto.commit=false"]),
    ("consumer", &["group.id=g", "group.instance.id=i-1"]),
    ("consumer", &["group.id=g", "group.instance.id="]),
    ("consumer", &["group.id=g", "group.instance.id=bad id"]),
    ("consumer", &["auto.offset.reset=earliest"]),
    ("consumer", &["auto.offset.reset=none"]),
    ("consumer", &["auto.offset.reset=EARLIEST"]),
    ("consumer", &["auto.offset.reset=by_duration:PT1H"]),
    ("consumer", &["auto.offset.reset=by_duration:P1DT1H"]),
    ("consumer", &["auto.offset.reset=by_duration:-PT1H"]),
    ("consumer", &["auto.offset.reset=by_duration:1H"]),
    ("consumer", &["auto.offset.reset=smallest"]),
    ("consumer", &["isolation.level=read_committed"]),
    ("consumer", &["isolation.level=READ_COMMITTED"]),
    ("consumer", &["group.protocol=CONSUMER", "group.id=g"]),
    (
        "consumer",
        &[
            "group.protocol=consumer",
            "group.id=g",
            "group.remote.assignor=uniform",
        ],
    ),
    (
        "consumer",
        &[
            "group.protocol=consumer",
            "group.id=g",
            "session.timeout.ms=10000",
        ],
    ),
    (
        "consumer",
        &[
            "group.protocol=consumer",
            "group.id=g",
            "heartbeat.interval.ms=1000",
        ],
    ),
    (
        "consumer",
        &[
            "group.protocol=consumer",
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor",
        ],
    ),
    ("consumer", &["group.remote.assignor=uniform"]),
    ("consumer", &["group.protocol=eager"]),
    (
        "consumer",
        &["session.timeout.ms=10000", "heartbeat.interval.ms=2000"],
    ),
    ("consumer", &["max.poll.records=0"]),
    (
        "consumer",
        &["max.poll.records=1", "max.poll.interval.ms=1"],
    ),
    ("consumer", &["max.poll.interval.ms=0"]),
    (
        "consumer",
        &[
            "fetch.min.bytes=1024",
            "fetch.max.bytes=1048576",
            "fetch.max.wait.ms=100",
        ],
    ),
    ("consumer", &["max.partition.fetch.bytes=-1"]),
    (
        "consumer",
        &[
            "check.crcs=false",
            "allow.auto.create.topics=false",
            "exclude.internal.topics=false",
        ],
    ),
    (
        "consumer",
        &["client.rack=rack-a", "default.api.timeout.ms=1000"],
    ),
    (
        "consumer",
        &[
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor,org.apache.kafka.clients.consumer.RangeAssignor",
        ],
    ),
    ("consumer", &["auto.commit.interval.ms=-5"]),
    ("consumer", &["partition.assignment.strategy="]),
    ("consumer", &["partition.assignment.strategy=range"]),
    (
        "consumer",
        &[
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.RangeAssignor",
        ],
    ),
    ("consumer", &["group.id="]),
    ("consumer", &["group.id= g "]),
    ("consumer", &["group.id=g", "group.instance.id=."]),
    ("consumer", &["group.id=g", "group.instance.id=a/b"]),
    ("consumer", &["group.id= "]),
    (
        "consumer",
        &["group.id=g", "partition.assignment.strategy="],
    ),
    (
        "consumer",
        &[
            "group.id=g",
            "group.protocol=consumer",
            "partition.assignment.strategy=",
        ],
    ),
    (
        "producer",
        &["send.buffer.bytes=-1", "receive.buffer.bytes=1024"],
    ),
    ("producer", &["receive.buffer.bytes=-2"]),
    (
        "producer",
        &["client.dns.lookup=resolve_canonical_bootstrap_servers_only"],
    ),
    ("producer", &["client.dns.lookup=USE_ALL_DNS_IPS"]),
    ("producer", &["client.dns.lookup=default"]),
    (
        "producer",
        &[
            "metadata.recovery.strategy=NONE",
            "metadata.recovery.rebootstrap.trigger.ms=1000",
        ],
    ),
    ("producer", &["metadata.recovery.strategy=sometimes"]),
    (
        "producer",
        &[
            "bootstrap.resolve.timeout.ms=5000",
            "metadata.cluster.check.enable=false",
        ],
    ),
    ("producer", &["enable.metrics.push=false"]),
    (
        "producer",
        &[
            "metrics.sample.window.ms=1000",
            "metrics.num.samples=3",
            "metrics.recording.level=DEBUG",
        ],
    ),
    ("consumer", &["metrics.num.samples=0"]),
    ("admin", &["metrics.recording.level=debug"]),
    ("consumer", &["metrics.recording.level=TRACE"]),
    ("producer", &["metrics.sample.window.ms=-1"]),
    (
        "consumer",
        &["receive.buffer.bytes=-1", "metadata.recovery.strategy=none"],
    ),
    ("admin", &[]),
    (
        "admin",
        &["send.buffer.bytes=0", "client.dns.lookup=use_all_dns_ips"],
    ),
    ("admin", &["retries=3", "default.api.timeout.ms=1000"]),
    ("admin", &["retries=-3"]),
    (
        "admin",
        &["connections.max.idle.ms=1000", "reconnect.backoff.ms=10"],
    ),
    ("admin", &["request.timeout.ms=-1"]),
];

fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}

fn common_values(c: &CommonConfig, out: &mut Vec<(&'static str, String)>) {
    out.push(("reconnect.backoff.ms", ms(c.reconnect_backoff)));
    out.push(("reconnect.backoff.max.ms", ms(c.reconnect_backoff_max)));
    out.push(("retry.backoff.ms", ms(c.retry_backoff)));
    out.push(("retry.backoff.max.ms", ms(c.retry_backoff_max)));
    out.push(("request.timeout.ms", ms(c.request_timeout)));
    out.push(("metadata.max.age.ms", ms(c.metadata_max_age)));
    out.push((
        "connections.max.idle.ms",
        c.connections_max_idle.map_or("-1".to_owned(), ms),
    ));
    out.push((
        "socket.connection.setup.timeout.ms",
        ms(c.socket_connection_setup_timeout),
    ));
    out.push((
        "socket.connection.setup.timeout.max.ms",
        ms(c.socket_connection_setup_timeout_max),
    ));
    let protocol = match c.security_protocol {
        SecurityProtocol::Plaintext => "plaintext",
        SecurityProtocol::Ssl => "ssl",
        SecurityProtocol::SaslPlaintext => "sasl_plaintext",
        SecurityProtocol::SaslSsl => "sasl_ssl",
    };
    out.push(("security.protocol", protocol.to_owned()));
    let buffer = |b: Option<u32>| b.map_or("-1".to_owned(), |v| v.to_string());
    out.push(("send.buffer.bytes", buffer(c.send_buffer_bytes)));
    out.push(("receive.buffer.bytes", buffer(c.receive_buffer_bytes)));
    let dns = match c.client_dns_lookup {
        ClientDnsLookup::UseAllDnsIps => "use_all_dns_ips",
        ClientDnsLookup::ResolveCanonicalBootstrapServersOnly => {
            "resolve_canonical_bootstrap_servers_only"
        }
    };
    out.push(("client.dns.lookup", dns.to_owned()));
    out.push((
        "bootstrap.resolve.timeout.ms",
        ms(c.bootstrap_resolve_timeout),
    ));
    let recovery = match c.metadata_recovery_strategy {
        MetadataRecoveryStrategy::Rebootstrap => "rebootstrap",
        MetadataRecoveryStrategy::None => "none",
    };
    out.push(("metadata.recovery.strategy", recovery.to_owned()));
    out.push((
        "metadata.recovery.rebootstrap.trigger.ms",
        ms(c.metadata_recovery_rebootstrap_trigger),
    ));
    out.push((
        "metadata.cluster.check.enable",
        c.metadata_cluster_check.to_string(),
    ));
}

/// The shared keys every role compares.
const SHARED: [&str; 7] = [
    "send.buffer.bytes",
    "receive.buffer.bytes",
    "client.dns.lookup",
    "bootstrap.resolve.timeout.ms",
    "metadata.recovery.strategy",
    "metadata.recovery.rebootstrap.trigger.ms",
    "metadata.cluster.check.enable",
];

fn opt(v: &Option<String>) -> String {
    v.clone()
        .unwrap_or_else(|| "null".to_owned())
        .to_lowercase()
}

fn producer_values(c: &ProducerConfig) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    common_values(&c.common, &mut out);
    out.push(("acks", c.acks.as_i16().to_string()));
    out.push(("enable.idempotence", c.enable_idempotence.to_string()));
    out.push(("linger.ms", ms(c.linger)));
    out.push(("batch.size", c.batch_size.to_string()));
    out.push(("buffer.memory", c.buffer_memory.to_string()));
    out.push(("retries", c.retries.to_string()));
    out.push((
        "max.in.flight.requests.per.connection",
        c.max_in_flight_requests_per_connection.to_string(),
    ));
    let (codec, gzip, lz4, zstd) = match c.compression {
        Compression::None => ("none", None, None, None),
        Compression::Snappy => ("snappy", None, None, None),
        Compression::Gzip { level } => ("gzip", Some(level), None, None),
        Compression::Lz4 { level } => ("lz4", None, Some(level), None),
        Compression::Zstd { level } => ("zstd", None, None, Some(level)),
    };
    out.push(("compression.type", codec.to_owned()));
    // Only the active codec's level is resolved on our side; Java keeps all three.
    if let Some(l) = gzip {
        out.push(("compression.gzip.level", l.to_string()));
    }
    if let Some(l) = lz4 {
        out.push(("compression.lz4.level", l.to_string()));
    }
    if let Some(l) = zstd {
        out.push(("compression.zstd.level", l.to_string()));
    }
    out.push(("transactional.id", opt(&c.transactional_id)));
    out.push(("transaction.timeout.ms", ms(c.transaction_timeout)));
    out.push(("delivery.timeout.ms", ms(c.delivery_timeout)));
    out.push(("max.request.size", c.max_request_size.to_string()));
    out.push(("max.block.ms", ms(c.max_block)));
    out.push((
        "partitioner.ignore.keys",
        c.partitioner_ignore_keys.to_string(),
    ));
    out.push((
        "partitioner.adaptive.partitioning.enable",
        c.partitioner_adaptive_partitioning.to_string(),
    ));
    out.push((
        "partitioner.availability.timeout.ms",
        ms(c.partitioner_availability_timeout),
    ));
    out.push((
        "partitioner.rack.aware",
        c.partitioner_rack_aware.to_string(),
    ));
    out.push(("client.rack", c.client_rack.to_lowercase()));
    out.push(("metadata.max.idle.ms", ms(c.metadata_max_idle)));
    assert_eq!(c.acks == Acks::All, c.acks.as_i16() == -1);
    out
}

fn consumer_values(c: &ConsumerConfig) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    common_values(&c.common, &mut out);
    out.retain(|(k, _)| {
        [
            "connections.max.idle.ms",
            "reconnect.backoff.max.ms",
            "request.timeout.ms",
            "security.protocol",
        ]
        .contains(k)
            || SHARED.contains(k)
    });
    out.push(("group.id", opt(&c.group_id)));
    out.push(("group.instance.id", opt(&c.group_instance_id)));
    let protocol = match c.group_protocol {
        GroupProtocol::Classic => "classic",
        GroupProtocol::Consumer => "consumer",
    };
    out.push(("group.protocol", protocol.to_owned()));
    out.push(("enable.auto.commit", c.enable_auto_commit.to_string()));
    out.push(("auto.commit.interval.ms", ms(c.auto_commit_interval)));
    let reset = match c.auto_offset_reset {
        AutoOffsetReset::Earliest => "earliest".to_owned(),
        AutoOffsetReset::Latest => "latest".to_owned(),
        AutoOffsetReset::None => "none".to_owned(),
        // Java keeps the text; the parsed duration is checked in config_rules.rs.
        AutoOffsetReset::ByDuration(_) => "by_duration:".to_owned(),
    };
    out.push(("auto.offset.reset", reset));
    let isolation = match c.isolation_level {
        IsolationLevel::ReadCommitted => "read_committed",
        IsolationLevel::ReadUncommitted => "read_uncommitted",
    };
    out.push(("isolation.level", isolation.to_owned()));
    out.push(("session.timeout.ms", ms(c.session_timeout)));
    out.push(("heartbeat.interval.ms", ms(c.heartbeat_interval)));
    out.push(("max.poll.interval.ms", ms(c.max_poll_interval)));
    out.push(("max.poll.records", c.max_poll_records.to_string()));
    out.push(("fetch.min.bytes", c.fetch_min_bytes.to_string()));
    out.push(("fetch.max.bytes", c.fetch_max_bytes.to_string()));
    out.push(("fetch.max.wait.ms", ms(c.fetch_max_wait)));
    out.push((
        "max.partition.fetch.bytes",
        c.max_partition_fetch_bytes.to_string(),
    ));
    out.push(("check.crcs", c.check_crcs.to_string()));
    out.push((
        "allow.auto.create.topics",
        c.allow_auto_create_topics.to_string(),
    ));
    out.push((
        "exclude.internal.topics",
        c.exclude_internal_topics.to_string(),
    ));
    out.push(("default.api.timeout.ms", ms(c.default_api_timeout)));
    out.push(("client.rack", c.client_rack.to_lowercase()));
    out
}

fn admin_values(c: &AdminConfig) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    common_values(&c.common, &mut out);
    out.retain(|(k, _)| {
        [
            "connections.max.idle.ms",
            "reconnect.backoff.ms",
            "reconnect.backoff.max.ms",
            "request.timeout.ms",
            "security.protocol",
        ]
        .contains(k)
            || SHARED.contains(k)
    });
    out.push(("retries", c.retries.to_string()));
    out.push(("default.api.timeout.ms", ms(c.default_api_timeout)));
    out
}

fn ours(role: &str, props: &[(String, String)]) -> Result<Vec<(&'static str, String)>, String> {
    let pairs = props.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match role {
        "producer" => ProducerConfig::from_properties(pairs).map(|c| producer_values(&c)),
        "consumer" => ConsumerConfig::from_properties(pairs).map(|c| consumer_values(&c)),
        _ => AdminConfig::from_properties(pairs).map(|c| admin_values(&c)),
    }
    .map_err(|e| e.to_string())
}

#[test]
fn configurations_resolve_like_java() {
    let mut inputs = Vec::new();
    for (role, props) in CASES {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !props.iter().any(|p| p.starts_with("bootstrap.servers=")) {
            pairs.push(
                B.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .unwrap(),
            );
        }
        for p in *props {
            let (k, v) = p.split_once('=').unwrap();
            pairs.push((k.to_owned(), v.to_owned()));
        }
        inputs.push((*role, pairs));
    }
    let mut child = support::spawn_java("ConfigVectors", &[]);
    {
        let mut stdin = child.stdin.take().unwrap();
        for (role, pairs) in &inputs {
            let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(stdin, "{role}\t{}", fields.join("\t")).unwrap();
        }
    }
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(lines.len(), inputs.len(), "one Java answer per case");

    let mut mismatches = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for ((role, pairs), java) in inputs.iter().zip(&lines) {
        let ours = ours(role, pairs);
        let case = format!("{role} {pairs:?}");
        match (java.strip_prefix("OK"), ours) {
            (Some(java_values), Ok(ours)) => {
                accepted += 1;
                let java_values: Vec<(&str, &str)> = java_values
                    .split('\t')
                    .filter(|f| !f.is_empty())
                    .filter_map(|f| f.split_once('='))
                    .collect();
                for (key, value) in &ours {
                    let java_value = java_values.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
                    let matches = match java_value {
                        Some(j) if value == "by_duration:" => j.starts_with("by_duration:"),
                        Some(j) => j == value,
                        None => false,
                    };
                    if !matches {
                        mismatches.push(format!("{case}: {key} = {value}, Java {java_value:?}"));
                    }
                }
            }
            (None, Err(_)) => rejected += 1,
            (Some(_), Err(e)) => mismatches.push(format!("{case}: Java accepts, we reject: {e}")),
            (None, Ok(_)) => mismatches.push(format!("{case}: Java rejects ({java}), we accept")),
        }
    }
    eprintln!("accepted {accepted}, rejected {rejected}");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(
        accepted > 40 && rejected > 30,
        "accepted {accepted}, rejected {rejected}"
    );
}
