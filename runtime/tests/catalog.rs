//! An operation read from its JSON by its collection's `OperationFields` (the catalog, which
//! the wait program builds with) says what its typed model says: name, state, error and
//! progress, for each shape the generator reads (google.longrunning, Compute's `errors[]`,
//! GKE's Status and `statusMessage`, Cloud DNS's lowercase `done` and `id`, Cloud SQL's
//! string codes); and JSON that the typed model refuses in those fields, the catalog refuses
//! too. Fields the catalog does not read it reads past, where the typed model refuses a wrong
//! type (a `progress` of 40.5, which the schema says is an int32).

use google_operations::prelude::*;
use google_operations::{
    AnyOperation, Progress, ServiceInfo, compute_v1, container_v1, dataproc_v1, dns_v1, resolve,
    sqladmin_v1beta4,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const COMPUTE: &str = "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1";
const GKE: &str =
    "https://container.googleapis.com/v1/projects/p/locations/us-central1/operations/operation-1";
const DNS: &str = "https://dns.googleapis.com/dns/v1/projects/p/managedZones/z/operations/123";
const SQL: &str = "https://sqladmin.googleapis.com/sql/v1beta4/projects/p/operations/a1b2";
const DATAPROC: &str =
    "https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/op-1";

/// What a poller reads of an operation.
#[derive(Debug, PartialEq)]
struct Reading {
    name: Option<String>,
    done: bool,
    error: Option<String>,
    progress: Progress,
}

fn reading(op: &impl LongRunningOperation, service: &ServiceInfo) -> Reading {
    Reading {
        name: op.name().map(str::to_owned),
        done: op.is_done(),
        error: op.error().map(|e| e.to_string()),
        progress: service.progress(op),
    }
}

/// The operation `json` of the collection at `url`, read by its typed model `T` and by the
/// catalog: both readings, or both refusals.
fn both<T: LongRunningOperation + DeserializeOwned + std::fmt::Debug>(
    url: &str,
    json: Value,
) -> Option<Reading> {
    let get = resolve(url, None).unwrap();
    let object = json.as_object().unwrap().clone();
    let typed = serde_json::from_value::<T>(json);
    let catalog: Result<AnyOperation, _> = get.operation(object);
    match (typed, catalog) {
        (Ok(typed), Ok(any)) => {
            let (typed, any) = (reading(&typed, get.service()), reading(&any, get.service()));
            assert_eq!(typed, any, "{url}");
            Some(any)
        }
        (Err(t), Err(c)) => {
            assert_eq!(plain(&t.to_string()), plain(&c.to_string()), "{url}");
            None
        }
        (typed, catalog) => panic!("{url}: typed {typed:?}, catalog {catalog:?}"),
    }
}

/// A refusal in words, whichever way it was read: where serde names the Rust type it expected
/// (a struct, a map, an `i32`), what a person expects.
fn plain(message: &str) -> String {
    let message = message
        .replace("expected i32", "expected a number")
        .replace("expected a map", "expected a JSON object");
    match message.find("expected struct ") {
        Some(at) => format!("{}expected a JSON object", &message[..at]),
        None => message,
    }
}

#[test]
fn compute_operations_read_alike() {
    let running = both::<compute_v1::Operation>(
        COMPUTE,
        json!({"name": "operation-1", "status": "RUNNING", "progress": 40,
               "statusMessage": "Creating vm-1", "startTime": "2026-12-06T07:00:00Z"}),
    )
    .unwrap();
    assert!(!running.done);
    assert_eq!(running.progress.percent, Some(40.0));
    assert_eq!(running.progress.stage.as_deref(), Some("Creating vm-1"));
    let failed = both::<compute_v1::Operation>(
        COMPUTE,
        json!({"name": "operation-1", "status": "DONE",
               "error": {"errors": [{"code": "QUOTA_EXCEEDED", "message": "Quota 'CPUS' exceeded.",
                                     "errorDetails": [{"quotaInfo": {"limit": 24}}]}]},
               "httpErrorStatusCode": 403, "httpErrorMessage": "FORBIDDEN"}),
    )
    .unwrap();
    assert!(failed.done);
    assert!(failed.error.unwrap().contains("QUOTA_EXCEEDED"));
    let done = both::<compute_v1::Operation>(
        COMPUTE,
        json!({"name": "operation-1", "status": "DONE", "progress": 100}),
    )
    .unwrap();
    assert_eq!(done.error, None);
    // An empty status message tells nothing, either way.
    let empty = both::<compute_v1::Operation>(
        COMPUTE,
        json!({"name": "operation-1", "status": "RUNNING", "statusMessage": ""}),
    )
    .unwrap();
    assert_eq!(empty.progress.stage, None);
    // A fractional percentage: the typed model refuses it (an int32), the catalog reads it.
    let fraction = json!({"name": "operation-1", "status": "RUNNING", "progress": 40.5});
    assert!(serde_json::from_value::<compute_v1::Operation>(fraction.clone()).is_err());
    let any = resolve(COMPUTE, None)
        .unwrap()
        .operation(fraction.as_object().unwrap().clone())
        .unwrap();
    assert_eq!(any.progress().percent, Some(40.5));
    // What the typed model refuses, the catalog refuses, with the same words.
    assert!(both::<compute_v1::Operation>(COMPUTE, json!({"status": 5})).is_none());
    assert!(both::<compute_v1::Operation>(COMPUTE, json!({"progress": "half"})).is_none());
    assert!(
        both::<compute_v1::Operation>(COMPUTE, json!({"status": "DONE", "error": []})).is_none()
    );
}

#[test]
fn gke_operations_read_alike() {
    let text = both::<container_v1::Operation>(
        GKE,
        json!({"name": "operation-1", "status": "DONE",
               "statusMessage": "Failed to create cluster: not enough resources"}),
    )
    .unwrap();
    assert!(text.error.unwrap().contains("not enough resources"));
    let status = both::<container_v1::Operation>(
        GKE,
        json!({"name": "operation-1", "status": "DONE",
               "error": {"code": 9, "message": "Cluster is in ERROR state."}}),
    )
    .unwrap();
    assert!(status.error.unwrap().contains("FAILED_PRECONDITION"));
    let running = both::<container_v1::Operation>(
        GKE,
        json!({"name": "operation-1", "status": "RUNNING", "statusMessage": "Creating nodes"}),
    )
    .unwrap();
    assert_eq!((running.done, running.error), (false, None));
}

#[test]
fn dns_and_cloud_sql_operations_read_alike() {
    let dns = both::<dns_v1::Operation>(DNS, json!({"id": "123", "status": "done"})).unwrap();
    assert_eq!((dns.name.as_deref(), dns.done), (Some("123"), true));
    let pending = both::<dns_v1::Operation>(DNS, json!({"id": "123", "status": "pending"}));
    assert!(!pending.unwrap().done);
    let sql = both::<sqladmin_v1beta4::Operation>(
        SQL,
        json!({"name": "a1b2", "status": "DONE", "kind": "sql#operation",
               "error": {"kind": "sql#operationErrors",
                         "errors": [{"kind": "sql#operationError", "code": "ERROR_RDBMS",
                                     "message": "Disk full"}]}}),
    )
    .unwrap();
    assert!(sql.error.unwrap().contains("ERROR_RDBMS"));
}

#[test]
fn google_longrunning_operations_read_alike() {
    let running = both::<dataproc_v1::Operation>(
        DATAPROC,
        json!({"name": "projects/p/regions/us-central1/operations/op-1",
               "metadata": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
                            "status": {"state": "RUNNING", "details": "Creating 2 workers"}}}),
    )
    .unwrap();
    assert_eq!(running.progress.state.as_deref(), Some("RUNNING"));
    let failed = both::<dataproc_v1::Operation>(
        DATAPROC,
        json!({"name": "op-1", "done": true,
               "error": {"code": 9, "message": "bad", "details": [
                   {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "R", "domain": "d"}]}}),
    )
    .unwrap();
    assert!(failed.error.unwrap().contains("[reason R, domain d]"));
    assert!(both::<dataproc_v1::Operation>(DATAPROC, json!({"done": "yes"})).is_none());
    assert!(both::<dataproc_v1::Operation>(DATAPROC, json!({"metadata": "x"})).is_none());
    assert!(both::<dataproc_v1::Operation>(DATAPROC, json!({"error": {"code": "x"}})).is_none());
}
