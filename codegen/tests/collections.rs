//! Which resources are operations collections, and which models poll: decided from the
//! schemas, on small documents and on published ones (copies in `tests/published/`, so that
//! the test does not depend on which documents the project saves).

use codegen::emit::Options;
use codegen::{Generated, Source, generate};
use serde_json::{Value, json};

fn generated(file: &str, text: String) -> Generated {
    let source = Source {
        file: file.to_owned(),
        text,
    };
    generate(&[source], &Options::default()).unwrap()
}

/// The generated module of a published document kept in `tests/published/`.
fn published(key: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/published");
    let text = std::fs::read_to_string(format!("{dir}/{key}.json")).unwrap();
    let out = generated(&format!("discovery/{key}.json"), text);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let module = key.replace('.', "_");
    out.files[&format!("src/apis/{module}.rs")].clone()
}

/// A `get` method of a resource, responding with `schema`.
fn get(id: &str, schema: &str) -> Value {
    json!({"methods": {"get": {
        "id": id, "path": "v1/{+name}", "httpMethod": "GET",
        "parameters": {"name": {"type": "string", "location": "path", "required": true}},
        "parameterOrder": ["name"], "response": {"$ref": schema}
    }}})
}

/// A document of these resources (by name) and schemas.
fn document(resources: Value, schemas: Value) -> String {
    json!({
        "name": "demo", "version": "v1", "revision": "20260101",
        "rootUrl": "https://demo.googleapis.com/", "servicePath": "",
        "resources": resources, "schemas": schemas
    })
    .to_string()
}

fn schema(properties: Value) -> Value {
    json!({"type": "object", "properties": properties})
}

#[test]
fn collections_are_recognised_by_their_name_and_their_get_response() {
    let text = document(
        json!({
            // Compute-style, lowercase as in Cloud DNS.
            "zoneOperations": get("demo.zoneOperations.get", "Op"),
            // google.longrunning-style, under another name.
            "transferOperations": get("demo.transferOperations.get", "Lro"),
            // Named like a collection, but its `get` gives an ordinary resource: left alone.
            "unitOperations": get("demo.unitOperations.get", "Unit"),
            // Named `operations` but not an operation: a builder without a poller.
            "things": {"resources": {"operations": get("demo.things.operations.get", "Thing")}},
            // Not named like a collection, though it responds with an operation.
            "jobs": get("demo.jobs.get", "Op"),
        }),
        json!({
            "Op": schema(json!({
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["pending", "done"]},
                "progress": {"$ref": "Progress"}
            })),
            "Progress": schema(json!({
                "status": {"type": "string", "enum": ["RUNNING", "DONE"]},
                "done": {"type": "boolean"}, "error": {"$ref": "Status"}
            })),
            "Lro": schema(json!({
                "name": {"type": "string"}, "done": {"type": "boolean"},
                "error": {"$ref": "Status"}, "extra": {"type": "string"}
            })),
            "Status": schema(json!({
                "code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}
            })),
            "Unit": schema(json!({"name": {"type": "string"}, "state": {"type": "string"}})),
            "Thing": schema(json!({"name": {"type": "string"}})),
        }),
    );
    let out = generated("discovery/demo.v1.json", text);
    let module = &out.files["src/apis/demo_v1.rs"];
    for builder in [
        "ZoneOperationsGet",
        "TransferOperationsGet",
        "ThingsOperationsGet",
    ] {
        assert!(
            module.contains(&format!("pub struct {builder}(")),
            "{builder}\n{module}"
        );
    }
    for absent in ["UnitOperationsGet", "JobsGet", "struct Unit "] {
        assert!(!module.contains(absent), "{absent}\n{module}");
    }
    let pollers: Vec<&str> = module
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("impl crate::LongRunningOperation for "))
        .collect();
    assert_eq!(
        pollers,
        [
            "impl crate::LongRunningOperation for Lro {",
            "impl crate::LongRunningOperation for Op {"
        ],
        "a nested model shaped like an operation (Progress) does not poll"
    );
    // The lowercase `done` is the done value; `id` names the operation.
    assert!(
        module.contains("matches!(self.status, Some(OpStatus::Done))"),
        "{module}"
    );
    assert!(module.contains("self.id.as_deref()"), "{module}");
}

#[test]
fn a_document_without_a_collection_is_refused() {
    let text = document(
        json!({"unitOperations": get("demo.unitOperations.get", "Unit")}),
        json!({"Unit": schema(json!({"name": {"type": "string"}}))}),
    );
    let source = Source {
        file: "discovery/demo.v1.json".to_owned(),
        text,
    };
    let err = generate(&[source], &Options::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "discovery/demo.v1.json: resources: {}",
            codegen::NO_COLLECTION
        )
    );
}

#[test]
fn an_operation_error_that_cannot_be_read_is_warned_about() {
    let text = document(
        json!({"operations": get("demo.operations.get", "Op")}),
        json!({"Op": schema(json!({
            "done": {"type": "boolean"}, "error": {"type": "string"}
        }))}),
    );
    let out = generated("discovery/demo.v1.json", text);
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "discovery/demo.v1.json: schemas.Op.properties.error: an operation's error of neither \
          google.rpc.Status shape nor an `errors` list; the poller cannot report this \
          operation's failures"
        ]
    );
}

#[test]
fn published_collections_get_builders_and_pollers() {
    let dns = published("dns.v1");
    assert!(dns.contains("pub struct ManagedZoneOperationsGet("));
    assert!(dns.contains("impl crate::LongRunningOperation for Operation {"));
    assert!(dns.contains("matches!(self.status, Some(OperationStatus::Done))"));

    let transfer = published("storagetransfer.v1");
    assert!(transfer.contains("pub struct TransferOperationsGet("));
    assert!(transfer.contains("type Response = Operation;"));
    assert!(transfer.contains("pub use crate::Operation;"));

    // GKE: the operation polls; its nested progress, also with a `DONE` status, does not.
    let container = published("container.v1");
    assert!(container.contains("impl crate::LongRunningOperation for Operation {"));
    assert!(container.contains("pub struct OperationProgress {"));
    assert!(!container.contains("impl crate::LongRunningOperation for OperationProgress"));

    // Cloud SQL: string error codes reach the poller's error.
    let sql = published("sqladmin.v1beta4");
    assert!(
        sql.contains("crate::OperationError::from_list(errors.unwrap_or_default(), None, None)")
    );
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");

    // GKE's `statusMessage` ("If an error has occurred, a textual description of the
    // error") speaks for a done operation without an `error`.
    let gke = container.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(gke.contains(
        "crate::OperationError::from_text( \"statusMessage\", self.status_message.as_deref(), \
         self.is_done(), )"
    ));
    assert!(!flat.contains("from_text"));

    // API hub: `versions.operations` gives an API operation (a builder without a poller);
    // `discoveredApiOperations` is no collection at all.
    let apihub = published("apihub.v1");
    assert!(apihub.contains("pub struct ProjectsLocationsApisVersionsOperationsGet("));
    assert!(apihub.contains("type Response = GoogleCloudApihubV1ApiOperation;"));
    assert!(
        !apihub.contains("impl crate::LongRunningOperation for GoogleCloudApihubV1ApiOperation")
    );
    assert!(!apihub.contains("DiscoveredApiOperationsGet"));
    assert!(apihub.contains("pub struct ProjectsLocationsOperationsGet("));
}

/// A method of a resource other than `get`, taking the operation's name.
fn method(id: &str, http: &str, response: Option<&str>) -> Value {
    let mut m = json!({
        "id": id, "path": "v1/{+name}", "httpMethod": http,
        "parameters": {"name": {"type": "string", "location": "path", "required": true}},
        "parameterOrder": ["name"]
    });
    if let Some(schema) = response {
        m["response"] = json!({"$ref": schema});
    }
    m
}

#[test]
fn module_pages_lead_with_the_collections_and_how_to_wait() {
    let mut transfer = get("demo.transferOperations.get", "Lro");
    transfer["methods"]["get"]["description"] =
        json!("Gets the latest state of a long-running operation (e.g. a transfer). Poll it.");
    transfer["methods"]["cancel"] = method("demo.transferOperations.cancel", "POST", None);
    transfer["methods"]["list"] = method("demo.transferOperations.list", "GET", Some("Page"));
    let text = document(
        json!({
            "transferOperations": transfer,
            // A collection without `get`: its `list` holds operations.
            "databaseOperations": {"methods": {
                "list": method("demo.databaseOperations.list", "GET", Some("Page"))
            }},
            // Operations managed by name, without `get`.
            "operations": {"methods": {
                "cancel": method("demo.operations.cancel", "POST", None),
                "delete": method("demo.operations.delete", "DELETE", None)
            }},
            // A `get` that gives no operation.
            "things": {"resources": {"operations": get("demo.things.operations.get", "Thing")}},
        }),
        json!({
            "Lro": schema(json!({
                "name": {"type": "string"}, "done": {"type": "boolean"},
                "error": {"$ref": "Status"}, "metadata": {"type": "object"}
            })),
            "Status": schema(json!({
                "code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}
            })),
            "Page": schema(json!({
                "operations": {"type": "array", "items": {"$ref": "Lro"}},
                "nextPageToken": {"type": "string"}
            })),
            "Thing": schema(json!({"name": {"type": "string"}})),
        }),
    );
    let out = generated("discovery/demo.v1.json", text);
    let module = &out.files["src/apis/demo_v1.rs"];
    let page: Vec<&str> = module
        .lines()
        .skip_while(|l| !l.starts_with("//!"))
        .take_while(|l| l.starts_with("//!"))
        .collect();
    // List items as one line each, unwrapped.
    let page = page.join("\n").replace("\n//!   ", " ");
    for line in [
        "//! demo v1, with the feature `demo_v1`.\n//!\n//! # Operations collections",
        "//! - `databaseOperations` (no `get`), with [`list`](DatabaseOperationsList)",
        "//! - `operations` (no `get`), with [`cancel`](OperationsCancel) and \
         [`delete`](OperationsDelete)",
        "//! - [`ThingsOperationsGet`] (its response is no operation, so no poller)",
        "//! - [`TransferOperationsGet`], with [`cancel`](TransferOperationsCancel) and \
         [`list`](TransferOperationsList)",
        "//! # Waiting for an operation",
        "//! let get = TransferOperationsGet::new(\"my-name\")?;",
        "//! # About this module",
    ] {
        assert!(page.contains(line), "{line}\n{page}");
    }
    // The page's example waits, once; no builder repeats it, nor shows its URL (a test of the
    // workspace checks every builder's URL).
    assert_eq!(module.matches("```no_run").count(), 1, "{module}");
    assert_eq!(module.matches("```").count(), 2, "{module}");
    assert!(
        module.contains("(self#waiting-for-an-operation)"),
        "{module}"
    );
    assert!(module.contains(
        "/// Gets the latest state of a long-running operation (e.g. a transfer).\n///\n/// Poll it."
    ));
    // A method the document does not describe gets a summary written from its kind.
    assert!(module.contains("/// Starts cancelling an operation.\n///\n/// `POST v1/{+name}`"));
    // Models apart, and still where users name them.
    assert!(module.contains("\n#[doc(no_inline)]\npub use model::*;\n"));
    assert!(module.contains("\npub mod model {\n"));
    assert!(module.contains("    pub struct Page {"));
}
