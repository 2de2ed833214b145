//! Kafka's error codes: the table behind every `error_code` field in a response.
//!
//! Codes, names, the retriable flag and the stale-metadata flag follow
//! `org.apache.kafka.common.protocol.Errors` in kafka-clients 4.4.0; `tests/error_codes.rs`
//! checks them against the table the golden-vector generator dumps from the jar. The messages
//! are our own short descriptions (same meaning as Kafka's, not its wording).

use std::fmt;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $name:literal, $retriable:literal, $stale:literal, $msg:literal;)*) => {
        /// A Kafka error code.
        ///
        /// `NONE` (0) is included because responses carry it in the same field; use
        /// [`ErrorCode::is_error`] to tell it apart.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = $msg]
                $variant,
            )*
        }

        impl ErrorCode {
            /// Every known error code, in Kafka's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The error for a wire code, or `None` for a code this table does not know
            /// (Kafka's Java client treats those as `UNKNOWN_SERVER_ERROR`).
            pub fn from_code(code: i16) -> Option<ErrorCode> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }

            /// The wire code.
            pub fn code(self) -> i16 {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The name as Kafka spells it (`NOT_LEADER_OR_FOLLOWER`).
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            /// Whether Kafka marks the error retriable (its exception is a `RetriableException`):
            /// the same request may succeed if sent again, possibly after a metadata refresh.
            pub fn is_retriable(self) -> bool {
                match self {
                    $(ErrorCode::$variant => $retriable,)*
                }
            }

            /// Whether the error means the client's cluster metadata is stale (Kafka's
            /// `InvalidMetadataException` family): refresh metadata before retrying.
            pub fn invalidates_metadata(self) -> bool {
                match self {
                    $(ErrorCode::$variant => $stale,)*
                }
            }

            /// A one-sentence description of the error (our wording; brokers may send a more
            /// specific `error_message` alongside the code).
            pub fn message(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $msg,)*
                }
            }
        }
    };
}

impl ErrorCode {
    /// Whether this is an error at all (anything but `NONE`).
    pub fn is_error(self) -> bool {
        self != ErrorCode::None
    }

    /// `Ok(())` for code 0, the error otherwise; unknown codes map to
    /// `UNKNOWN_SERVER_ERROR` as in Kafka's `Errors.forCode`.
    pub fn check(code: i16) -> Result<(), ErrorCode> {
        match ErrorCode::from_code(code).unwrap_or(ErrorCode::UnknownServerError) {
            ErrorCode::None => Ok(()),
            e => Err(e),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.name(), self.code(), self.message())
    }
}

impl std::error::Error for ErrorCode {}

error_codes! {
    UnknownServerError = -1, "UNKNOWN_SERVER_ERROR", false, false,
        "The broker hit an unexpected failure while handling the request.";
    None = 0, "NONE", false, false,
        "No error.";
    OffsetOutOfRange = 1, "OFFSET_OUT_OF_RANGE", false, false,
        "The offset asked for lies outside the range of offsets the broker holds for the partition.";
    CorruptMessage = 2, "CORRUPT_MESSAGE", true, false,
        "A message is corrupt: a bad CRC, an invalid size, a null key on a compacted topic, or other damage.";
    UnknownTopicOrPartition = 3, "UNKNOWN_TOPIC_OR_PARTITION", true, true,
        "This broker hosts no such topic or partition.";
    InvalidFetchSize = 4, "INVALID_FETCH_SIZE", false, false,
        "The fetch size in the request is not valid.";
    LeaderNotAvailable = 5, "LEADER_NOT_AVAILABLE", true, true,
        "The partition has no leader right now because a leader election is under way.";
    NotLeaderOrFollower = 6, "NOT_LEADER_OR_FOLLOWER", true, true,
        "The broker is not the partition's leader (for leader-only requests) or not one of its replicas (for requests any replica may serve).";
    RequestTimedOut = 7, "REQUEST_TIMED_OUT", true, false,
        "The request did not complete in time.";
    BrokerNotAvailable = 8, "BROKER_NOT_AVAILABLE", false, false,
        "The broker cannot be reached.";
    ReplicaNotAvailable = 9, "REPLICA_NOT_AVAILABLE", true, true,
        "No replica is available for the partition; leader- or follower-only requests get NOT_LEADER_OR_FOLLOWER instead when the broker holds no replica.";
    MessageTooLarge = 10, "MESSAGE_TOO_LARGE", false, false,
        "A message in the request exceeds the largest size the broker accepts.";
    StaleControllerEpoch = 11, "STALE_CONTROLLER_EPOCH", false, false,
        "Another broker has become the controller.";
    OffsetMetadataTooLarge = 12, "OFFSET_METADATA_TOO_LARGE", false, false,
        "The metadata string attached to the committed offset is too long.";
    NetworkException = 13, "NETWORK_EXCEPTION", true, true,
        "The connection closed before the response arrived.";
    CoordinatorLoadInProgress = 14, "COORDINATOR_LOAD_IN_PROGRESS", true, false,
        "The coordinator is still loading its state and cannot serve requests yet.";
    CoordinatorNotAvailable = 15, "COORDINATOR_NOT_AVAILABLE", true, false,
        "No coordinator can serve the request right now.";
    NotCoordinator = 16, "NOT_COORDINATOR", true, false,
        "The broker is not the coordinator for this group or transaction.";
    InvalidTopicException = 17, "INVALID_TOPIC_EXCEPTION", false, false,
        "The request names a topic that is not valid for the operation.";
    RecordListTooLarge = 18, "RECORD_LIST_TOO_LARGE", false, false,
        "A batch in the request exceeds the broker's configured log segment size.";
    NotEnoughReplicas = 19, "NOT_ENOUGH_REPLICAS", true, false,
        "The write was refused: fewer replicas are in sync than the topic requires.";
    NotEnoughReplicasAfterAppend = 20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true, false,
        "The write was appended, but fewer replicas than required were in sync.";
    InvalidRequiredAcks = 21, "INVALID_REQUIRED_ACKS", false, false,
        "The produce request's acks value is not valid.";
    IllegalGeneration = 22, "ILLEGAL_GENERATION", false, false,
        "The group generation id in the request is not valid.";
    InconsistentGroupProtocol = 23, "INCONSISTENT_GROUP_PROTOCOL", false, false,
        "The member's protocols do not overlap with those of the group's members, or the first member to join gave an empty protocol type or list.";
    InvalidGroupId = 24, "INVALID_GROUP_ID", false, false,
        "The broker rejected the group id.";
    UnknownMemberId = 25, "UNKNOWN_MEMBER_ID", false, false,
        "The coordinator does not know this member id.";
    InvalidSessionTimeout = 26, "INVALID_SESSION_TIMEOUT", false, false,
        "The session timeout lies outside the range the broker allows (group.min.session.timeout.ms to group.max.session.timeout.ms).";
    RebalanceInProgress = 27, "REBALANCE_IN_PROGRESS", false, false,
        "The group is rebalancing; the member has to rejoin.";
    InvalidCommitOffsetSize = 28, "INVALID_COMMIT_OFFSET_SIZE", false, false,
        "The size of the offset commit data is not valid.";
    TopicAuthorizationFailed = 29, "TOPIC_AUTHORIZATION_FAILED", false, false,
        "Not authorized to access the topic.";
    GroupAuthorizationFailed = 30, "GROUP_AUTHORIZATION_FAILED", false, false,
        "Not authorized to access the group.";
    ClusterAuthorizationFailed = 31, "CLUSTER_AUTHORIZATION_FAILED", false, false,
        "Not authorized to perform the cluster operation.";
    InvalidTimestamp = 32, "INVALID_TIMESTAMP", false, false,
        "A message timestamp falls outside the range the broker accepts.";
    UnsupportedSaslMechanism = 33, "UNSUPPORTED_SASL_MECHANISM", false, false,
        "The requested SASL mechanism is not enabled on the broker.";
    IllegalSaslState = 34, "ILLEGAL_SASL_STATE", false, false,
        "The request is not allowed in the current state of the SASL exchange.";
    UnsupportedVersion = 35, "UNSUPPORTED_VERSION", false, false,
        "The broker does not support this version of the API.";
    TopicAlreadyExists = 36, "TOPIC_ALREADY_EXISTS", false, false,
        "A topic with this name exists already.";
    InvalidPartitions = 37, "INVALID_PARTITIONS", false, false,
        "The partition count is less than 1.";
    InvalidReplicationFactor = 38, "INVALID_REPLICATION_FACTOR", false, false,
        "The replication factor is less than 1 or more than the number of brokers available.";
    InvalidReplicaAssignment = 39, "INVALID_REPLICA_ASSIGNMENT", false, false,
        "The requested replica assignment was rejected.";
    InvalidConfig = 40, "INVALID_CONFIG", false, false,
        "One or more configuration values were rejected.";
    NotController = 41, "NOT_CONTROLLER", true, false,
        "The broker is not the cluster's active controller.";
    InvalidRequest = 42, "INVALID_REQUEST", false, false,
        "The broker could not accept the request, usually because the client built it wrongly or the broker does not speak this form of it; the broker log has details.";
    UnsupportedForMessageFormat = 43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false, false,
        "The request needs a newer message format than the broker uses.";
    PolicyViolation = 44, "POLICY_VIOLATION", false, false,
        "The request's parameters break a policy configured on the broker.";
    OutOfOrderSequenceNumber = 45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false, false,
        "The broker got a sequence number out of order.";
    DuplicateSequenceNumber = 46, "DUPLICATE_SEQUENCE_NUMBER", false, false,
        "The broker got a sequence number it had already seen.";
    InvalidProducerEpoch = 47, "INVALID_PRODUCER_EPOCH", false, false,
        "The producer used an epoch older than the current one.";
    InvalidTxnState = 48, "INVALID_TXN_STATE", false, false,
        "The transactional operation is not allowed in the producer's current state.";
    InvalidProducerIdMapping = 49, "INVALID_PRODUCER_ID_MAPPING", false, false,
        "The producer id is not the one currently assigned to this transactional id.";
    InvalidTransactionTimeout = 50, "INVALID_TRANSACTION_TIMEOUT", false, false,
        "The transaction timeout exceeds the broker's limit (transaction.max.timeout.ms).";
    ConcurrentTransactions = 51, "CONCURRENT_TRANSACTIONS", true, false,
        "Another operation on the same transaction is still in progress.";
    TransactionCoordinatorFenced = 52, "TRANSACTION_COORDINATOR_FENCED", false, false,
        "The transaction coordinator that sent the WriteTxnMarkers request no longer coordinates this producer.";
    TransactionalIdAuthorizationFailed = 53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false, false,
        "Not authorized to use the transactional id.";
    SecurityDisabled = 54, "SECURITY_DISABLED", false, false,
        "Security features are turned off on the broker.";
    OperationNotAttempted = 55, "OPERATION_NOT_ATTEMPTED", false, false,
        "The broker skipped this operation, typically because another operation in the same batched request failed first.";
    KafkaStorageError = 56, "KAFKA_STORAGE_ERROR", true, true,
        "The broker hit a disk error while accessing a log file.";
    LogDirNotFound = 57, "LOG_DIR_NOT_FOUND", false, false,
        "The requested log directory is not one of the broker's configured log directories.";
    SaslAuthenticationFailed = 58, "SASL_AUTHENTICATION_FAILED", false, false,
        "SASL authentication did not succeed.";
    UnknownProducerId = 59, "UNKNOWN_PRODUCER_ID", false, false,
        "The broker has no state for this producer id, for example because retention deleted all of the producer's records; once those are gone the broker drops the producer's state and rejects its further appends with this error.";
    ReassignmentInProgress = 60, "REASSIGNMENT_IN_PROGRESS", false, false,
        "A partition reassignment is under way.";
    DelegationTokenAuthDisabled = 61, "DELEGATION_TOKEN_AUTH_DISABLED", false, false,
        "Delegation tokens are not enabled on the broker.";
    DelegationTokenNotFound = 62, "DELEGATION_TOKEN_NOT_FOUND", false, false,
        "The broker has no such delegation token.";
    DelegationTokenOwnerMismatch = 63, "DELEGATION_TOKEN_OWNER_MISMATCH", false, false,
        "The principal is neither the owner nor a renewer of the token.";
    DelegationTokenRequestNotAllowed = 64, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false, false,
        "Delegation token requests are refused on PLAINTEXT and one-way TLS connections, and on connections authenticated with a delegation token.";
    DelegationTokenAuthorizationFailed = 65, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false, false,
        "Not authorized for the delegation token operation.";
    DelegationTokenExpired = 66, "DELEGATION_TOKEN_EXPIRED", false, false,
        "The delegation token is past its expiry time.";
    InvalidPrincipalType = 67, "INVALID_PRINCIPAL_TYPE", false, false,
        "This principal type cannot be used.";
    NonEmptyGroup = 68, "NON_EMPTY_GROUP", false, false,
        "The group still has members.";
    GroupIdNotFound = 69, "GROUP_ID_NOT_FOUND", false, false,
        "No group with this id exists.";
    FetchSessionIdNotFound = 70, "FETCH_SESSION_ID_NOT_FOUND", true, false,
        "The broker has no fetch session with this id.";
    InvalidFetchSessionEpoch = 71, "INVALID_FETCH_SESSION_EPOCH", true, false,
        "The fetch session epoch does not match what the broker expects.";
    ListenerNotFound = 72, "LISTENER_NOT_FOUND", true, true,
        "The partition leader has no listener with the name of the one that served the metadata request.";
    TopicDeletionDisabled = 73, "TOPIC_DELETION_DISABLED", false, false,
        "Deleting topics is turned off on the broker.";
    FencedLeaderEpoch = 74, "FENCED_LEADER_EPOCH", true, true,
        "The request carries a leader epoch older than the broker's.";
    UnknownLeaderEpoch = 75, "UNKNOWN_LEADER_EPOCH", true, false,
        "The request carries a leader epoch newer than the broker's.";
    UnsupportedCompressionType = 76, "UNSUPPORTED_COMPRESSION_TYPE", false, false,
        "The client cannot read the compression type used for this partition.";
    StaleBrokerEpoch = 77, "STALE_BROKER_EPOCH", false, false,
        "The broker epoch in the request is out of date.";
    OffsetNotAvailable = 78, "OFFSET_NOT_AVAILABLE", true, false,
        "The new leader's high watermark has not caught up since the election, so offsets could go backwards and none is returned yet.";
    MemberIdRequired = 79, "MEMBER_ID_REQUIRED", false, false,
        "The member must obtain a member id before it can join the group.";
    PreferredLeaderNotAvailable = 80, "PREFERRED_LEADER_NOT_AVAILABLE", true, true,
        "The preferred replica cannot take leadership right now.";
    GroupMaxSizeReached = 81, "GROUP_MAX_SIZE_REACHED", false, false,
        "The group already has as many members as it may have.";
    FencedInstanceId = 82, "FENCED_INSTANCE_ID", false, false,
        "Another member with a different member id has registered the same group.instance.id, so this static member was rejected.";
    EligibleLeadersNotAvailable = 83, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true, true,
        "No eligible leader is available for the partition.";
    ElectionNotNeeded = 84, "ELECTION_NOT_NEEDED", true, true,
        "The partition does not need a leader election.";
    NoReassignmentInProgress = 85, "NO_REASSIGNMENT_IN_PROGRESS", false, false,
        "No partition reassignment is under way.";
    GroupSubscribedToTopic = 86, "GROUP_SUBSCRIBED_TO_TOPIC", false, false,
        "Offsets of a topic cannot be deleted while the group is subscribed to that topic.";
    InvalidRecord = 87, "INVALID_RECORD", false, false,
        "The broker's validation rejected the record.";
    UnstableOffsetCommit = 88, "UNSTABLE_OFFSET_COMMIT", true, false,
        "Pending transactional offsets must be resolved first.";
    ThrottlingQuotaExceeded = 89, "THROTTLING_QUOTA_EXCEEDED", true, false,
        "The request exceeded the throttling quota.";
    ProducerFenced = 90, "PRODUCER_FENCED", false, false,
        "A newer producer with the same transactional id has fenced this one.";
    ResourceNotFound = 91, "RESOURCE_NOT_FOUND", false, false,
        "A resource named in the request does not exist.";
    DuplicateResource = 92, "DUPLICATE_RESOURCE", false, false,
        "The request refers to the same resource more than once.";
    UnacceptableCredential = 93, "UNACCEPTABLE_CREDENTIAL", false, false,
        "The credential does not meet the broker's requirements.";
    InconsistentVoterSet = 94, "INCONSISTENT_VOTER_SET", false, false,
        "The sender or the receiver of a voter-only request is not among the expected voters.";
    InvalidUpdateVersion = 95, "INVALID_UPDATE_VERSION", false, false,
        "The update version is not valid.";
    FeatureUpdateFailed = 96, "FEATURE_UPDATE_FAILED", false, false,
        "An unexpected broker error prevented the finalized feature update.";
    PrincipalDeserializationFailure = 97, "PRINCIPAL_DESERIALIZATION_FAILURE", false, false,
        "The broker could not deserialize the principal of a forwarded request, which points to a problem in the cluster's security setup.";
    SnapshotNotFound = 98, "SNAPSHOT_NOT_FOUND", false, false,
        "The requested snapshot does not exist.";
    PositionOutOfRange = 99, "POSITION_OUT_OF_RANGE", false, false,
        "The position is negative or not below the snapshot's size.";
    UnknownTopicId = 100, "UNKNOWN_TOPIC_ID", true, true,
        "The broker does not host a topic with this id.";
    DuplicateBrokerRegistration = 101, "DUPLICATE_BROKER_REGISTRATION", false, false,
        "Another broker already uses this broker id.";
    BrokerIdNotRegistered = 102, "BROKER_ID_NOT_REGISTERED", false, false,
        "No broker is registered with this id.";
    InconsistentTopicId = 103, "INCONSISTENT_TOPIC_ID", true, true,
        "The topic id in the request differs from the one stored with the log.";
    InconsistentClusterId = 104, "INCONSISTENT_CLUSTER_ID", false, false,
        "The cluster id in the request differs from the broker's.";
    TransactionalIdNotFound = 105, "TRANSACTIONAL_ID_NOT_FOUND", false, false,
        "No such transactional id exists.";
    FetchSessionTopicIdError = 106, "FETCH_SESSION_TOPIC_ID_ERROR", true, false,
        "The fetch session used topic ids inconsistently.";
    IneligibleReplica = 107, "INELIGIBLE_REPLICA", false, false,
        "The proposed ISR includes a replica that is not eligible.";
    NewLeaderElected = 108, "NEW_LEADER_ELECTED", false, false,
        "The AlterPartition request updated the partition, but leadership has since moved.";
    OffsetMovedToTieredStorage = 109, "OFFSET_MOVED_TO_TIERED_STORAGE", false, false,
        "The offset now lives in tiered storage.";
    FencedMemberEpoch = 110, "FENCED_MEMBER_EPOCH", false, false,
        "The group coordinator fenced the member's epoch; the member must give up its partitions and join again.";
    UnreleasedInstanceId = 111, "UNRELEASED_INSTANCE_ID", false, false,
        "Another member of the group still holds this instance id and must leave first.";
    UnsupportedAssignor = 112, "UNSUPPORTED_ASSIGNOR", false, false,
        "The group does not support this assignor or its version range.";
    StaleMemberEpoch = 113, "STALE_MEMBER_EPOCH", false, false,
        "The member epoch is out of date; retry once the ConsumerGroupHeartbeat API has returned the current epoch.";
    MismatchedEndpointType = 114, "MISMATCHED_ENDPOINT_TYPE", false, false,
        "Wrong endpoint type for this request.";
    UnsupportedEndpointType = 115, "UNSUPPORTED_ENDPOINT_TYPE", false, false,
        "Endpoints of this type are not supported yet.";
    UnknownControllerId = 116, "UNKNOWN_CONTROLLER_ID", false, false,
        "No controller with this id is known.";
    UnknownSubscriptionId = 117, "UNKNOWN_SUBSCRIPTION_ID", false, false,
        "The push telemetry request carries a subscription id that is unknown or out of date.";
    TelemetryTooLarge = 118, "TELEMETRY_TOO_LARGE", false, false,
        "The push telemetry request exceeds the largest size the broker accepts.";
    InvalidRegistration = 119, "INVALID_REGISTRATION", false, false,
        "The controller judged the broker's registration invalid.";
    TransactionAbortable = 120, "TRANSACTION_ABORTABLE", false, false,
        "The transaction hit a server-side error; aborting it lets the client keep using the transactional id.";
    InvalidRecordState = 121, "INVALID_RECORD_STATE", false, false,
        "The record's state does not allow the acknowledgement, so it was not completed.";
    ShareSessionNotFound = 122, "SHARE_SESSION_NOT_FOUND", true, false,
        "The broker has no such share session.";
    InvalidShareSessionEpoch = 123, "INVALID_SHARE_SESSION_EPOCH", true, false,
        "The share session epoch does not match what the broker expects.";
    FencedStateEpoch = 124, "FENCED_STATE_EPOCH", false, false,
        "State epoch mismatch: the coordinator refused the request.";
    InvalidVoterKey = 125, "INVALID_VOTER_KEY", false, false,
        "The voter key differs from the receiving replica's key.";
    DuplicateVoter = 126, "DUPLICATE_VOTER", false, false,
        "The voter is already in the voter set.";
    VoterNotFound = 127, "VOTER_NOT_FOUND", false, false,
        "The voter is not in the voter set.";
    InvalidRegularExpression = 128, "INVALID_REGULAR_EXPRESSION", false, false,
        "The regular expression could not be compiled.";
    RebootstrapRequired = 129, "REBOOTSTRAP_REQUIRED", false, false,
        "The client's metadata is out of date; it should rebootstrap to fetch fresh metadata.";
    StreamsInvalidTopology = 130, "STREAMS_INVALID_TOPOLOGY", false, false,
        "The topology sent is not valid.";
    StreamsInvalidTopologyEpoch = 131, "STREAMS_INVALID_TOPOLOGY_EPOCH", false, false,
        "The topology epoch sent is not valid.";
    StreamsTopologyFenced = 132, "STREAMS_TOPOLOGY_FENCED", false, false,
        "The topology epoch sent is out of date.";
    ShareSessionLimitReached = 133, "SHARE_SESSION_LIMIT_REACHED", true, false,
        "No more share sessions can be opened: the limit is reached.";
    GroupDeletionFailed = 134, "GROUP_DELETION_FAILED", false, false,
        "DeleteGroups did not complete; each group's result carries the reason.";
    StreamsTopologyDescriptionUpdateFailed = 135, "STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED", false, false,
        "The broker failed to apply the topology description update; the error message has the reason.";
    ControllerIdNotRegistered = 136, "CONTROLLER_ID_NOT_REGISTERED", false, false,
        "No controller is registered with this id.";
}
