//! Where this crate's version ranges deliberately differ from a Kafka release's jar.
//!
//! `tests/drift.rs` compares [`super::API_VERSIONS`] with the API table the golden-vector generator
//! dumps from each jar (`tests/golden/<version>/api-versions.jsonl`) and fails on any difference
//! not listed here, and on any entry here that no longer occurs.

/// Which part of an API's version range differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    /// The oldest version.
    MinVersion,
    /// The newest version.
    MaxVersion,
    /// The first flexible version.
    FlexibleMin,
    /// The API is not in that release at all.
    Missing,
}

/// One deliberate difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deviation {
    /// The Kafka release compared with.
    pub kafka_version: &'static str,
    /// The API name.
    pub api: &'static str,
    /// What differs.
    pub aspect: Aspect,
    /// This crate's value (`None` for [`Aspect::Missing`]).
    pub ours: Option<i16>,
    /// The jar's value.
    pub jar: Option<i16>,
    /// Why the difference is intended.
    pub why: &'static str,
}

const OLDER: &str = "kept for 3.9 brokers, which still accept these versions";
const NEWER: &str = "versions added after 3.9; negotiation picks the broker's maximum";
const NEW_API: &str = "API added after 3.9";

/// Every deliberate difference, per Kafka release.
pub const DEVIATIONS: &[Deviation] = &[
    Deviation {
        kafka_version: "4.4.0",
        api: "Produce",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(3),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "Fetch",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(4),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "ListOffsets",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(1),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "OffsetCommit",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(2),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "OffsetFetch",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(1),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "CreateTopics",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(2),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "DeleteTopics",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(1),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "OffsetForLeaderEpoch",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(2),
        why: OLDER,
    },
    Deviation {
        kafka_version: "4.4.0",
        api: "DescribeConfigs",
        aspect: Aspect::MinVersion,
        ours: Some(0),
        jar: Some(1),
        why: OLDER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "Produce",
        aspect: Aspect::MaxVersion,
        ours: Some(13),
        jar: Some(11),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "Fetch",
        aspect: Aspect::MaxVersion,
        ours: Some(18),
        jar: Some(17),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "ListOffsets",
        aspect: Aspect::MaxVersion,
        ours: Some(11),
        jar: Some(9),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "Metadata",
        aspect: Aspect::MaxVersion,
        ours: Some(13),
        jar: Some(12),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "OffsetCommit",
        aspect: Aspect::MaxVersion,
        ours: Some(10),
        jar: Some(9),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "OffsetFetch",
        aspect: Aspect::MaxVersion,
        ours: Some(10),
        jar: Some(9),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "DescribeGroups",
        aspect: Aspect::MaxVersion,
        ours: Some(6),
        jar: Some(5),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "ApiVersions",
        aspect: Aspect::MaxVersion,
        ours: Some(5),
        jar: Some(4),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "EndTxn",
        aspect: Aspect::MaxVersion,
        ours: Some(5),
        jar: Some(4),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "TxnOffsetCommit",
        aspect: Aspect::MaxVersion,
        ours: Some(6),
        jar: Some(4),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "DeleteGroups",
        aspect: Aspect::MaxVersion,
        ours: Some(3),
        jar: Some(2),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "DescribeCluster",
        aspect: Aspect::MaxVersion,
        ours: Some(2),
        jar: Some(1),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "ListTransactions",
        aspect: Aspect::MaxVersion,
        ours: Some(2),
        jar: Some(1),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "ConsumerGroupHeartbeat",
        aspect: Aspect::MaxVersion,
        ours: Some(1),
        jar: Some(0),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "ConsumerGroupDescribe",
        aspect: Aspect::MaxVersion,
        ours: Some(1),
        jar: Some(0),
        why: NEWER,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "StreamsGroupHeartbeat",
        aspect: Aspect::Missing,
        ours: None,
        jar: None,
        why: NEW_API,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "StreamsGroupDescribe",
        aspect: Aspect::Missing,
        ours: None,
        jar: None,
        why: NEW_API,
    },
    Deviation {
        kafka_version: "3.9.1",
        api: "StreamsGroupTopologyDescriptionUpdate",
        aspect: Aspect::Missing,
        ours: None,
        jar: None,
        why: NEW_API,
    },
];
