//! Enumerated configuration values and their Java spellings.

use std::fmt;
use std::time::Duration;

use super::ConfigError;
use super::parse;

/// `acks`: how many replicas must acknowledge a produce request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Acks {
    /// `acks=0`: no acknowledgement.
    None,
    /// `acks=1`: the leader's.
    Leader,
    /// `acks=all` (or `-1`): every in-sync replica's.
    All,
}

impl Acks {
    /// The value of the `acks` field of a Produce request.
    pub fn as_i16(self) -> i16 {
        match self {
            Acks::None => 0,
            Acks::Leader => 1,
            Acks::All => -1,
        }
    }

    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        // Java's ValidString is case-sensitive here ("ALL" is rejected).
        parse::one_of(
            key,
            value,
            &[
                ("all", Acks::All),
                ("-1", Acks::All),
                ("0", Acks::None),
                ("1", Acks::Leader),
            ],
            false,
        )
    }
}

/// `compression.type` with its codec level (`compression.<codec>.level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// No compression.
    None,
    /// gzip at `compression.gzip.level` (1..=9, or -1 for the codec default).
    Gzip {
        /// The level.
        level: i32,
    },
    /// snappy (no level).
    Snappy,
    /// lz4 at `compression.lz4.level` (1..=17). Accepted for Java compatibility but without
    /// effect: the pure-Rust encoder has no high-compression mode, so frames are always fast-mode.
    Lz4 {
        /// The level.
        level: i32,
    },
    /// zstd at `compression.zstd.level` (-131072..=22).
    Zstd {
        /// The level.
        level: i32,
    },
}

/// The codec of `compression.type`, without a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompressionType {
    /// `none`.
    None,
    /// `gzip`.
    Gzip,
    /// `snappy`.
    Snappy,
    /// `lz4`.
    Lz4,
    /// `zstd`.
    Zstd,
}

/// Java's default and range of each codec level (`CompressionType`, KIP-390).
pub(crate) const GZIP_LEVEL: (i64, i64, i64) = (-1, 1, 9);
pub(crate) const LZ4_LEVEL: (i64, i64, i64) = (9, 1, 17);
pub(crate) const ZSTD_LEVEL: (i64, i64, i64) = (3, -131072, 22);

impl CompressionType {
    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        use CompressionType::*;
        parse::one_of(
            key,
            value,
            &[
                ("none", None),
                ("gzip", Gzip),
                ("snappy", Snappy),
                ("lz4", Lz4),
                ("zstd", Zstd),
            ],
            false,
        )
    }
}

/// Checks a gzip level: 1..=9 or -1 (Java's `CompressionType.GZIP` validator).
pub(crate) fn check_gzip_level(key: &str, level: i64) -> Result<i32, ConfigError> {
    if level == -1 || (1..=9).contains(&level) {
        Ok(level as i32)
    } else {
        Err(ConfigError::invalid(
            key,
            &level.to_string(),
            "an integer in [1, 9] or -1",
        ))
    }
}

/// `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecurityProtocol {
    /// Plain TCP.
    Plaintext,
    /// TLS.
    Ssl,
    /// SASL over plain TCP.
    SaslPlaintext,
    /// SASL over TLS.
    SaslSsl,
}

impl SecurityProtocol {
    /// True for the SASL protocols.
    pub fn uses_sasl(self) -> bool {
        matches!(
            self,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        )
    }

    /// True for the TLS protocols.
    pub fn uses_tls(self) -> bool {
        matches!(self, SecurityProtocol::Ssl | SecurityProtocol::SaslSsl)
    }

    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        use SecurityProtocol::*;
        parse::one_of(
            key,
            value,
            &[
                ("PLAINTEXT", Plaintext),
                ("SSL", Ssl),
                ("SASL_PLAINTEXT", SaslPlaintext),
                ("SASL_SSL", SaslSsl),
            ],
            true,
        )
    }
}

/// `client.dns.lookup`: how bootstrap and broker host names become addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientDnsLookup {
    /// `use_all_dns_ips`: try every address a name resolves to, in order.
    UseAllDnsIps,
    /// `resolve_canonical_bootstrap_servers_only`: expand each bootstrap address to the
    /// canonical names of its addresses (for Kerberos/SASL setups behind aliases).
    ResolveCanonicalBootstrapServersOnly,
}

impl ClientDnsLookup {
    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        parse::one_of(
            key,
            value,
            &[
                ("use_all_dns_ips", ClientDnsLookup::UseAllDnsIps),
                (
                    "resolve_canonical_bootstrap_servers_only",
                    ClientDnsLookup::ResolveCanonicalBootstrapServersOnly,
                ),
            ],
            false,
        )
    }
}

/// `metadata.recovery.strategy`: what to do when no known broker is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataRecoveryStrategy {
    /// `rebootstrap`: start again from `bootstrap.servers`.
    Rebootstrap,
    /// `none`: keep trying the known brokers.
    None,
}

impl MetadataRecoveryStrategy {
    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        parse::one_of(
            key,
            value,
            &[
                ("rebootstrap", MetadataRecoveryStrategy::Rebootstrap),
                ("none", MetadataRecoveryStrategy::None),
            ],
            true,
        )
    }
}

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoOffsetReset {
    /// `earliest`: the log start offset.
    Earliest,
    /// `latest`: the log end offset.
    Latest,
    /// `none`: fail with an error.
    None,
    /// `by_duration:<ISO-8601 duration>`: the first offset whose timestamp is at most this long
    /// ago (KIP-1106).
    ByDuration(Duration),
}

impl AutoOffsetReset {
    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        // Java's AutoOffsetResetStrategy compares in lower case but reports the original value;
        // its validator, which runs first, accepts only the lower-case spellings.
        let v = value.trim();
        let parsed = match v {
            "earliest" => Some(AutoOffsetReset::Earliest),
            "latest" => Some(AutoOffsetReset::Latest),
            "none" => Some(AutoOffsetReset::None),
            _ => v
                .strip_prefix("by_duration:")
                .and_then(parse_iso_duration)
                .map(AutoOffsetReset::ByDuration),
        };
        parsed.ok_or_else(|| {
            ConfigError::invalid(
                key,
                value,
                "earliest, latest, none or by_duration:<PnDTnHnMn.nS>",
            )
        })
    }
}

/// Parses a non-negative `java.time.Duration` text: `PnDTnHnMn.nS` (days, hours, minutes and
/// seconds, each optional, upper or lower case, at least one present).
pub(crate) fn parse_iso_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P').or_else(|| text.strip_prefix('p'))?;
    let (days_part, time_part) = match rest.find(['T', 't']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut total = Duration::ZERO;
    let mut any = false;
    if !days_part.is_empty() {
        let days = days_part.strip_suffix(['D', 'd'])?;
        total += Duration::from_secs(unsigned(days)?.checked_mul(86_400)?);
        any = true;
    }
    if let Some(mut t) = time_part {
        if t.is_empty() {
            return None;
        }
        for (unit, secs) in [(['H', 'h'], 3600u64), (['M', 'm'], 60)] {
            if let Some(i) = t.find(unit) {
                total += Duration::from_secs(unsigned(&t[..i])?.checked_mul(secs)?);
                t = &t[i + 1..];
                any = true;
            }
        }
        if !t.is_empty() {
            let secs = t.strip_suffix(['S', 's'])?;
            let (whole, frac) = secs.split_once('.').unwrap_or((secs, ""));
            total += Duration::from_secs(unsigned(whole)?);
            if !frac.is_empty() {
                if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let nanos: u32 = format!("{frac:0<9}").parse().ok()?;
                total += Duration::from_nanos(u64::from(nanos));
            }
            any = true;
        }
    }
    any.then_some(total)
}

fn unsigned(digits: &str) -> Option<u64> {
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `isolation.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// `read_uncommitted`: every record up to the high watermark.
    ReadUncommitted,
    /// `read_committed`: only committed transactional records, up to the last stable offset.
    ReadCommitted,
}

impl IsolationLevel {
    /// The value of the `isolation_level` field of Fetch and ListOffsets requests.
    pub fn as_i8(self) -> i8 {
        match self {
            IsolationLevel::ReadUncommitted => 0,
            IsolationLevel::ReadCommitted => 1,
        }
    }

    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        parse::one_of(
            key,
            value,
            &[
                ("read_committed", IsolationLevel::ReadCommitted),
                ("read_uncommitted", IsolationLevel::ReadUncommitted),
            ],
            false,
        )
    }
}

/// `group.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupProtocol {
    /// `classic`: JoinGroup/SyncGroup with client-side assignment.
    Classic,
    /// `consumer`: the KIP-848 protocol with server-side assignment.
    Consumer,
}

impl GroupProtocol {
    pub(crate) fn parse(key: &str, value: &str) -> Result<Self, ConfigError> {
        parse::one_of(
            key,
            value,
            &[
                ("classic", GroupProtocol::Classic),
                ("consumer", GroupProtocol::Consumer),
            ],
            true,
        )
    }
}

impl fmt::Display for GroupProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupProtocol::Classic => "CLASSIC",
            GroupProtocol::Consumer => "CONSUMER",
        })
    }
}

/// A classic-protocol partition assignor (`partition.assignment.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Assignor {
    /// `org.apache.kafka.clients.consumer.RangeAssignor` (protocol name `range`).
    Range,
    /// `org.apache.kafka.clients.consumer.RoundRobinAssignor` (`roundrobin`).
    RoundRobin,
    /// `org.apache.kafka.clients.consumer.StickyAssignor` (`sticky`).
    Sticky,
    /// `org.apache.kafka.clients.consumer.CooperativeStickyAssignor` (`cooperative-sticky`).
    CooperativeSticky,
}

const ASSIGNORS: [(&str, Assignor); 4] = [
    (
        "org.apache.kafka.clients.consumer.RangeAssignor",
        Assignor::Range,
    ),
    (
        "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        Assignor::RoundRobin,
    ),
    (
        "org.apache.kafka.clients.consumer.StickyAssignor",
        Assignor::Sticky,
    ),
    (
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        Assignor::CooperativeSticky,
    ),
];

impl Assignor {
    /// The protocol name sent in JoinGroup.
    pub fn protocol_name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The Java class name used in `partition.assignment.strategy`.
    pub fn class_name(self) -> &'static str {
        ASSIGNORS
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("", |(n, _)| n)
    }

    /// Java's LIST of class names: may be empty (a consumer without a group needs no assignor;
    /// Java fails only when a group actually rebalances) and may repeat a name, as in Java.
    pub(crate) fn parse_list(key: &str, value: &str) -> Result<Vec<Self>, ConfigError> {
        parse::list(value)
            .iter()
            .map(|item| parse::one_of(key, item, &ASSIGNORS, false))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations_like_java_time() {
        let d = |s| parse_iso_duration(s);
        assert_eq!(d("PT1H"), Some(Duration::from_secs(3600)));
        assert_eq!(d("P1DT1H"), Some(Duration::from_secs(90_000)));
        assert_eq!(d("PT1.5S"), Some(Duration::from_millis(1500)));
        assert_eq!(d("P2D"), Some(Duration::from_secs(172_800)));
        assert_eq!(d("pt10m"), Some(Duration::from_secs(600)));
        assert_eq!(d("PT1H30M5S"), Some(Duration::from_secs(5405)));
        for bad in [
            "",
            "P",
            "PT",
            "-PT1H",
            "PT-1H",
            "1H",
            "PT1X",
            "P1H",
            "PT1.S5",
            "PT1.1234567891S",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn enumerations_follow_java_case_rules() {
        assert_eq!(Acks::parse("acks", " all "), Ok(Acks::All));
        assert!(Acks::parse("acks", "ALL").is_err());
        assert_eq!(
            SecurityProtocol::parse("security.protocol", "sasl_ssl"),
            Ok(SecurityProtocol::SaslSsl)
        );
        assert!(CompressionType::parse("compression.type", "GZIP").is_err());
        assert!(IsolationLevel::parse("isolation.level", "READ_COMMITTED").is_err());
        assert_eq!(
            GroupProtocol::parse("group.protocol", "CONSUMER"),
            Ok(GroupProtocol::Consumer)
        );
        assert!(AutoOffsetReset::parse("auto.offset.reset", "EARLIEST").is_err());
        assert_eq!(
            AutoOffsetReset::parse("auto.offset.reset", "by_duration:PT1H"),
            Ok(AutoOffsetReset::ByDuration(Duration::from_secs(3600)))
        );
        let err = Acks::parse("acks", "2").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid value \"2\" for configuration acks: expected one of all, -1, 0, 1"
        );
    }
}
