//! The admin client's coordinator retries, against a scripted in-process broker: the errors
//! Java's admin retries (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR with a new
//! FindCoordinator) are retried until the call succeeds, a lasting one ends in a typed timeout
//! naming the group, and a non-retriable one is reported at once, per group.

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::admin::Admin;
use kafka_client::config::AdminConfig;
use kafka_client::{Error, KafkaCode};
use kafka_protocol::Message;
use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::find_coordinator_response::Coordinator;
use kafka_protocol::messages::{
    DeleteGroupsRequest, DeleteGroupsResponse, FindCoordinatorRequest, FindCoordinatorResponse,
};
use scripted::{API_VERSIONS, DELETE_GROUPS, FIND_COORDINATOR, Reply, Request, reply};

/// What the fake broker saw, and the DeleteGroups error codes it answers with, in order (the
/// last one repeats).
#[derive(Default)]
struct Script {
    delete_codes: Vec<i16>,
    find_coordinator_calls: usize,
    delete_calls: usize,
}

fn answer(req: Request, script: &Mutex<Script>) -> Reply {
    let (version, port, mut buf) = (req.version, req.port, req.body);
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            &[
                (API_VERSIONS, 3),
                (FIND_COORDINATOR, FindCoordinatorRequest::MAX_VERSION),
                (DELETE_GROUPS, DeleteGroupsRequest::MAX_VERSION),
            ],
        ),
        FIND_COORDINATOR => {
            script.lock().unwrap().find_coordinator_calls += 1;
            let req = FindCoordinatorRequest::decode(&mut buf, version).unwrap();
            // v4+ answers per key; older versions in the top-level fields.
            let resp = if version >= 4 {
                FindCoordinatorResponse {
                    coordinators: req
                        .coordinator_keys
                        .iter()
                        .map(|k| Coordinator {
                            key: k.clone(),
                            node_id: 1,
                            host: "127.0.0.1".into(),
                            port: i32::from(port),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }
            } else {
                FindCoordinatorResponse {
                    node_id: 1,
                    host: "127.0.0.1".into(),
                    port: i32::from(port),
                    ..Default::default()
                }
            };
            reply(&resp, version)
        }
        DELETE_GROUPS => {
            let req = DeleteGroupsRequest::decode(&mut buf, version).unwrap();
            let code = {
                let mut s = script.lock().unwrap();
                s.delete_calls += 1;
                if s.delete_codes.len() > 1 {
                    s.delete_codes.remove(0)
                } else {
                    s.delete_codes[0]
                }
            };
            reply(
                &DeleteGroupsResponse {
                    results: req
                        .groups_names
                        .iter()
                        .map(|g| DeletableGroupResult {
                            group_id: g.clone(),
                            error_code: code,
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                },
                version,
            )
        }
        _ => Reply::Hangup,
    }
}

/// An admin client against a fake broker that answers DeleteGroups with `codes` in order.
async fn setup(codes: &[i16], api_timeout: Duration) -> (Admin, Arc<Mutex<Script>>) {
    let script = Arc::new(Mutex::new(Script {
        delete_codes: codes.to_vec(),
        ..Default::default()
    }));
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers([addr])
            .default_api_timeout(api_timeout)
            .set("retry.backoff.ms", "10")
            .unwrap()
            .set("retry.backoff.max.ms", "50")
            .unwrap()
            .build()
            .unwrap(),
    )
    .unwrap();
    (admin, script)
}

#[tokio::test]
async fn coordinator_loading_and_moved_are_retried_until_success() {
    // Loading twice, then "not the coordinator" (find it again), then done.
    let (admin, script) = setup(&[14, 14, 16, 0], Duration::from_secs(30)).await;
    let out = admin.delete_groups(&["g"]).await.expect("request");
    out["g"].as_ref().expect("deleted after the retries");
    let s = script.lock().unwrap();
    assert_eq!(s.delete_calls, 4);
    assert_eq!(
        s.find_coordinator_calls, 4,
        "the coordinator is looked up before every attempt"
    );
}

#[tokio::test]
async fn a_coordinator_that_stays_loading_ends_in_a_typed_timeout() {
    let (admin, script) = setup(&[14], Duration::from_millis(500)).await;
    let out = admin.delete_groups(&["slow-group"]).await.expect("request");
    let err = out["slow-group"].as_ref().expect_err("never loaded");
    match err {
        Error::Timeout { what, .. } => {
            assert!(what.contains("slow-group"), "{what}");
            assert!(what.contains("COORDINATOR_LOAD_IN_PROGRESS"), "{what}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.is_retriable());
    assert!(script.lock().unwrap().delete_calls > 1, "it was retried");
}

#[tokio::test]
async fn a_non_retriable_group_error_is_reported_at_once() {
    let (admin, script) = setup(&[69], Duration::from_secs(30)).await;
    let out = admin.delete_groups(&["missing"]).await.expect("request");
    let err = out["missing"].as_ref().expect_err("no such group");
    assert_eq!(err.code(), Some(KafkaCode(69)));
    assert!(err.to_string().contains("GROUP_ID_NOT_FOUND"), "{err}");
    assert!(err.to_string().contains("\"missing\""), "{err}");
    assert_eq!(script.lock().unwrap().delete_calls, 1);
}
