//! Reaching a group's coordinator: FindCoordinator, then the request, retrying the coordinator
//! errors Java's admin retries until the call's deadline.

use kafka_protocol::Request;
use kafka_protocol::messages::FindCoordinatorRequest;

use super::Admin;
use crate::connection::Connection;
use crate::error::{Error, KafkaCode, Result};

/// `COORDINATOR_LOAD_IN_PROGRESS`: the coordinator is still loading the group's state.
const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
/// `COORDINATOR_NOT_AVAILABLE`: no coordinator yet (e.g. `__consumer_offsets` being created).
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
/// `NOT_COORDINATOR`: the group moved; find the coordinator again.
const NOT_COORDINATOR: i16 = 16;

/// Whether `code` means "ask the (new) coordinator again later".
pub(super) fn is_coordinator_retry(code: i16) -> bool {
    matches!(
        code,
        COORDINATOR_LOAD_IN_PROGRESS | COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR
    )
}

pub(super) fn group_resource(group: &str) -> String {
    format!("group {group:?}")
}

/// A group's coordinator: its broker id and a connection to it.
pub(super) struct Coordinator {
    pub node_id: i32,
    pub conn: Connection,
}

impl Admin {
    /// Finds `group`'s coordinator and connects to it (one attempt).
    async fn find_coordinator(&self, group: &str) -> Result<Coordinator> {
        let conn = self.cluster.any_broker().await?;
        let v = conn.version_for::<FindCoordinatorRequest>()?;
        // v4+ batches keys; one key per call keeps the per-group retries independent.
        let req = FindCoordinatorRequest {
            key: if v < 4 {
                group.to_owned()
            } else {
                String::new()
            },
            key_type: 0,
            coordinator_keys: if v >= 4 {
                vec![group.to_owned()]
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        let resp = conn.send_version(&req, v).await?;
        let (code, message, node_id, host, port) = if v >= 4 {
            let c = resp
                .coordinators
                .into_iter()
                .find(|c| c.key == group)
                .ok_or_else(|| Error::Protocol {
                    broker: conn.broker().to_owned(),
                    reason: format!("FindCoordinator answered no coordinator for {group:?}"),
                })?;
            (c.error_code, c.error_message, c.node_id, c.host, c.port)
        } else {
            (
                resp.error_code,
                resp.error_message,
                resp.node_id,
                resp.host,
                resp.port,
            )
        };
        super::resource_result(|| group_resource(group), code, message.as_deref())?;
        // Java's admin client reaches a coordinator as the broker it is (its own node id).
        let conn = self
            .cluster
            .pool()
            .get(node_id, &format!("{host}:{port}"))
            .await?;
        Ok(Coordinator { node_id, conn })
    }

    /// Sends the request `build` makes for the negotiated version (at most `max_version`) to
    /// `group`'s coordinator. Coordinator errors, as `group_code` reads them from the response,
    /// and connection failures are retried with backoff until `default.api.timeout.ms`.
    pub(super) async fn coordinator_call<R: Request>(
        &self,
        group: &str,
        max_version: i16,
        build: impl Fn(i16) -> R,
        group_code: impl Fn(&R::Response) -> i16,
    ) -> Result<(i32, i16, R::Response)> {
        let deadline = self.deadline();
        let mut attempt = 0;
        loop {
            let outcome = async {
                let c = self.find_coordinator(group).await?;
                let v = c
                    .conn
                    .versions()
                    .negotiate_within(R::API_KEY, R::MIN_VERSION, max_version.min(R::MAX_VERSION))
                    .ok_or_else(|| Error::UnsupportedApi {
                        broker: c.conn.broker().to_owned(),
                        api: R::NAME,
                    })?;
                let resp = c.conn.send_version(&build(v), v).await?;
                let code = group_code(&resp);
                if is_coordinator_retry(code) {
                    return Err(Error::Resource {
                        resource: group_resource(group),
                        code: KafkaCode(code),
                        message: None,
                    });
                }
                Ok((c.node_id, v, resp))
            }
            .await;
            match outcome {
                Ok(r) => return Ok(r),
                Err(e) if e.is_retriable() => {
                    tracing::debug!(%group, api = R::NAME, error = %e, "retrying at the coordinator");
                    if !self.backoff(attempt, deadline).await {
                        return Err(Error::Timeout {
                            what: format!(
                                "{} for {} (last error: {e})",
                                R::NAME,
                                group_resource(group)
                            ),
                            after: self.timeout,
                        });
                    }
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
