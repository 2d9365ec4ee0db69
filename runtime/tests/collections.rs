//! Operations collections other than `operations`: Compute Engine's zonal, regional and
//! global collections, Cloud DNS's lowercase `done`, Cloud SQL's and Compute's string error
//! codes, Storage Transfer's `transferOperations`, and GKE's progress model that does not
//! poll.

use std::marker::PhantomData;
use std::time::Duration;

use google_operations::prelude::*;
use google_operations::{
    Client, Error, OperationError, ParamProblem, PollPolicy, Token, compute_v1, container_v1,
    dns_v1, sqladmin_v1beta4, storagetransfer_v1,
};
use serde_json::json;

/// A Compute operation that failed for want of quota, as the service reports one.
fn quota_failure(status: &str) -> serde_json::Value {
    json!({
        "kind": "compute#operation",
        "id": "4567",
        "name": "operation-1",
        "operationType": "insert",
        "status": status,
        "error": {"errors": [{
            "code": "QUOTA_EXCEEDED",
            "message": "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1.",
            "errorDetails": [{"quotaInfo": {"metricName": "compute.googleapis.com/cpus", "limit": 24}}]
        }]},
        "httpErrorStatusCode": 403,
        "httpErrorMessage": "FORBIDDEN"
    })
}

#[test]
fn compute_paths_take_three_simple_parameters() {
    let get =
        compute_v1::ZoneOperationsGet::new("my-project", "us-central1-a", "operation-1").unwrap();
    assert_eq!(
        get.url(),
        "https://compute.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/operations/operation-1"
    );
    assert_eq!(get.zone(), "us-central1-a");
    let request = get.to_http().unwrap();
    assert_eq!(request.method(), http::Method::GET);

    // Numeric operation ids and domain-scoped projects are what the patterns allow; a simple
    // expansion percent-encodes the `:` (RFC 6570), as Google's other clients do.
    let region =
        compute_v1::RegionOperationsGet::new("example.com:my-project", "us-east1", "1234567890")
            .unwrap()
            .root_url("http://127.0.0.1:9/");
    assert_eq!(
        region.url(),
        "http://127.0.0.1:9/compute/v1/projects/example.com%3Amy-project/regions/us-east1/operations/1234567890"
    );
    let global = compute_v1::GlobalOperationsGet::new("p", "operation-2").unwrap();
    assert_eq!(
        global.url(),
        "https://compute.googleapis.com/compute/v1/projects/p/global/operations/operation-2"
    );

    // A simple parameter is one path segment: a value that would add one is refused.
    for (zone, problem) in [
        ("us-central1-a/../../x", ParamProblem::PatternMismatch),
        ("", ParamProblem::EmptySegment),
        ("US-CENTRAL1", ParamProblem::PatternMismatch),
    ] {
        match compute_v1::ZoneOperationsGet::new("p", zone, "o") {
            Err(Error::InvalidParameter {
                method,
                parameter,
                problem: got,
                ..
            }) => {
                assert_eq!(method, "compute.zoneOperations.get");
                assert_eq!(parameter, "zone");
                assert_eq!(got, problem, "{zone:?}");
            }
            other => panic!("{zone:?}: expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn compute_operations_poll_on_status_and_keep_their_string_codes() {
    let running: compute_v1::Operation =
        serde_json::from_value(json!({"name": "operation-1", "status": "RUNNING"})).unwrap();
    assert!(!running.is_done());
    assert!(running.error().is_none());
    let done: compute_v1::Operation =
        serde_json::from_value(json!({"name": "operation-1", "status": "DONE"})).unwrap();
    assert!(done.is_done());
    assert!(done.error().is_none());

    let failed: compute_v1::Operation = serde_json::from_value(quota_failure("DONE")).unwrap();
    assert!(failed.is_done());
    assert_eq!(failed.name(), Some("operation-1"));
    let error = failed.error().unwrap();
    assert_eq!(
        error.to_string(),
        "HTTP 403 FORBIDDEN: QUOTA_EXCEEDED: Quota 'CPUS' exceeded.  Limit: 24.0 in region \
         us-central1."
    );
    let list = error.list().unwrap();
    assert_eq!(list.http_status_code, Some(403));
    assert_eq!(list.errors[0].code.as_deref(), Some("QUOTA_EXCEEDED"));
    assert_eq!(
        list.errors[0].raw["errorDetails"][0]["quotaInfo"]["limit"],
        24.0
    );
}

#[test]
fn cloud_sql_errors_keep_their_codes() {
    let op: sqladmin_v1beta4::Operation = serde_json::from_value(json!({
        "name": "op-1", "status": "DONE",
        "error": {"kind": "sql#operationErrors", "errors": [
            {"kind": "sql#operationError", "code": "ERROR_RDBMS", "message": "Access denied."}
        ]}
    }))
    .unwrap();
    assert!(op.is_done());
    assert_eq!(
        op.error().unwrap().to_string(),
        "ERROR_RDBMS: Access denied."
    );
}

#[test]
fn cloud_dns_is_done_in_lowercase_and_named_by_id() {
    let get = dns_v1::ManagedZoneOperationsGet::new("p", "zone-1", "op-7").unwrap();
    assert_eq!(
        get.url(),
        "https://dns.googleapis.com/dns/v1/projects/p/managedZones/zone-1/operations/op-7"
    );
    let op: dns_v1::Operation =
        serde_json::from_value(json!({"id": "op-7", "status": "done"})).unwrap();
    assert!(op.is_done());
    assert_eq!(op.name(), Some("op-7"));
    let pending: dns_v1::Operation =
        serde_json::from_value(json!({"id": "op-7", "status": "pending"})).unwrap();
    assert!(!pending.is_done());
}

#[test]
fn storage_transfer_operations_are_the_shared_operation() {
    let get = storagetransfer_v1::TransferOperationsGet::new("transferOperations/op-1").unwrap();
    assert_eq!(
        get.url(),
        "https://storagetransfer.googleapis.com/v1/transferOperations/op-1"
    );
    let op: <storagetransfer_v1::TransferOperationsGet as Request>::Response =
        serde_json::from_value(json!({"name": "transferOperations/op-1", "done": true})).unwrap();
    let _shared: &google_operations::Operation = &op;
    assert!(op.is_done());
}

/// Whether `T` implements `LongRunningOperation`, told by method resolution on a
/// `&Probe<T>`: `Polls` (on `Probe<T>`) is found first and applies only when it does;
/// `DoesNotPoll` (on `&Probe<T>`) needs one more autoref and answers otherwise.
struct Probe<T>(PhantomData<T>);

trait Polls {
    fn polls(&self) -> bool {
        true
    }
}

impl<T: LongRunningOperation> Polls for Probe<T> {}

trait DoesNotPoll {
    fn polls(&self) -> bool {
        false
    }
}

impl<T> DoesNotPoll for &Probe<T> {}

#[test]
fn only_the_responses_of_collections_poll() {
    let gke_operation = &Probe::<container_v1::Operation>(PhantomData);
    let gke_progress = &Probe::<container_v1::OperationProgress>(PhantomData);
    let compute_operation = &Probe::<compute_v1::Operation>(PhantomData);
    let compute_error = &Probe::<compute_v1::OperationError>(PhantomData);
    assert!(gke_operation.polls());
    assert!(!gke_progress.polls());
    assert!(compute_operation.polls());
    assert!(!compute_error.polls());
}

#[cfg(feature = "client")]
#[tokio::test]
async fn the_poller_reports_a_compute_failure_with_its_codes() {
    let server = testserver::Server::start(|n, _| {
        let status = if n < 2 { "RUNNING" } else { "DONE" };
        let body = if n < 2 {
            json!({"name": "operation-1", "status": status})
        } else {
            quota_failure(status)
        };
        testserver::Response::json(200, body.to_string()).into()
    });
    let client = Client::builder()
        .token_source(Token::new("t"))
        .root_url(server.root_url())
        .poll_policy(
            PollPolicy::default()
                .initial_interval(Duration::from_millis(1))
                .max_interval(Duration::from_millis(5))
                .deadline(Duration::from_secs(20)),
        )
        .build()
        .unwrap();
    let get = compute_v1::ZoneOperationsGet::new("p", "us-central1-a", "operation-1").unwrap();
    let err = client.until_done(&get).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "compute.zoneOperations.get: operation operation-1 failed: HTTP 403 FORBIDDEN: \
         QUOTA_EXCEEDED: Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."
    );
    assert!(matches!(
        err,
        Error::OperationFailed {
            error: OperationError::List(_),
            ..
        }
    ));
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        paths, ["/compute/v1/projects/p/zones/us-central1-a/operations/operation-1/wait"; 2],
        "Compute's collections wait server-side"
    );
}
