//! Control records: the single record of a control batch (attributes bit 5).
//!
//! The key is `version: int16, type: int16`; for transaction markers (types 0 and 1) the value
//! is `version: int16, coordinatorEpoch: int32`. Other control types (KRaft's leader change,
//! snapshot header/footer, voters) carry their own schemas in the value; we expose those bytes
//! as they are.

use bytes::Bytes;

use super::error::RecordError;
use super::records::Record;

/// The control record type in the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlRecordType {
    /// Transaction aborted (0).
    Abort,
    /// Transaction committed (1).
    Commit,
    /// KRaft leader change (2).
    LeaderChange,
    /// KRaft snapshot header (3).
    SnapshotHeader,
    /// KRaft snapshot footer (4).
    SnapshotFooter,
    /// KRaft `kraft.version` record (5).
    KRaftVersion,
    /// KRaft voters record (6).
    KRaftVoters,
    /// A type this crate does not know; Java treats these as "unknown" and skips them.
    Unknown(i16),
}

impl ControlRecordType {
    /// The type from its wire id.
    pub fn from_id(id: i16) -> Self {
        match id {
            0 => ControlRecordType::Abort,
            1 => ControlRecordType::Commit,
            2 => ControlRecordType::LeaderChange,
            3 => ControlRecordType::SnapshotHeader,
            4 => ControlRecordType::SnapshotFooter,
            5 => ControlRecordType::KRaftVersion,
            6 => ControlRecordType::KRaftVoters,
            other => ControlRecordType::Unknown(other),
        }
    }

    /// The wire id.
    pub fn id(self) -> i16 {
        match self {
            ControlRecordType::Abort => 0,
            ControlRecordType::Commit => 1,
            ControlRecordType::LeaderChange => 2,
            ControlRecordType::SnapshotHeader => 3,
            ControlRecordType::SnapshotFooter => 4,
            ControlRecordType::KRaftVersion => 5,
            ControlRecordType::KRaftVoters => 6,
            ControlRecordType::Unknown(id) => id,
        }
    }
}

/// A decoded control record key, with the transaction marker decoded when it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRecord {
    /// The key's version field.
    pub version: i16,
    /// The control type.
    pub kind: ControlRecordType,
    /// For commit and abort markers, the decoded value.
    pub marker: Option<EndTxnMarker>,
    /// The raw value (for KRaft control types, whose schemas live elsewhere).
    pub value: Option<Bytes>,
}

/// The value of a commit or abort marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndTxnMarker {
    /// The value's version field.
    pub version: i16,
    /// The epoch of the transaction coordinator that wrote the marker.
    pub coordinator_epoch: i32,
}

/// Key bytes for a control record of `kind` (version 0).
pub(crate) fn encode_key(kind: ControlRecordType) -> [u8; 4] {
    let mut key = [0u8; 4];
    key[2..].copy_from_slice(&kind.id().to_be_bytes());
    key
}

/// Value bytes for a transaction marker (version 0).
pub(crate) fn encode_marker_value(coordinator_epoch: i32) -> [u8; 6] {
    let mut value = [0u8; 6];
    value[2..].copy_from_slice(&coordinator_epoch.to_be_bytes());
    value
}

impl ControlRecord {
    /// Decodes the control key (and marker value) of a record from a control batch.
    pub fn parse(record: &Record) -> Result<Self, RecordError> {
        let key = record
            .key
            .as_ref()
            .ok_or(RecordError::InvalidControlRecord("null key"))?;
        // Java reads version and type and ignores any further key bytes (newer versions may add
        // fields); we do the same.
        if key.len() < 4 {
            return Err(RecordError::InvalidControlRecord(
                "key shorter than 4 bytes",
            ));
        }
        let version = i16::from_be_bytes([key[0], key[1]]);
        let kind = ControlRecordType::from_id(i16::from_be_bytes([key[2], key[3]]));
        let marker = match kind {
            ControlRecordType::Abort | ControlRecordType::Commit => {
                let value = record
                    .value
                    .as_ref()
                    .ok_or(RecordError::InvalidControlRecord("null marker value"))?;
                if value.len() < 6 {
                    return Err(RecordError::InvalidControlRecord(
                        "marker value shorter than 6 bytes",
                    ));
                }
                Some(EndTxnMarker {
                    version: i16::from_be_bytes([value[0], value[1]]),
                    coordinator_epoch: i32::from_be_bytes([value[2], value[3], value[4], value[5]]),
                })
            }
            _ => None,
        };
        Ok(ControlRecord {
            version,
            kind,
            marker,
            value: record.value.clone(),
        })
    }
}
