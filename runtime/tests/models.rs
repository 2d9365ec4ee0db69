//! Decoding and re-encoding operations as the services send them.

use google_operations::{LongRunningOperation, apigateway_v1, dataproc_v1, type_url};
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(wire: &Value) -> T {
    let typed: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        wire,
        "re-encoding changed the JSON"
    );
    typed
}

#[test]
fn in_progress_with_metadata() {
    let wire = json!({
        "name": "projects/p/regions/r/operations/o",
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
            "clusterName": "c1",
            "status": {"state": "RUNNING"}
        },
        "done": false
    });
    let op: dataproc_v1::Operation = round_trip(&wire);
    assert!(!op.is_done());
    assert_eq!(op.name(), Some("projects/p/regions/r/operations/o"));
    let metadata = op.metadata().unwrap();
    assert_eq!(
        type_url(metadata),
        Some("type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata")
    );

    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ClusterMetadata {
        cluster_name: String,
    }
    let typed: ClusterMetadata = op.metadata_as().unwrap().unwrap();
    assert_eq!(typed.cluster_name, "c1");
    assert!(op.error().is_none());
}

#[test]
fn done_with_a_response() {
    let wire = json!({
        "name": "projects/p/locations/l/operations/o",
        "done": true,
        "response": {
            "@type": "type.googleapis.com/google.cloud.apigateway.v1.Gateway",
            "name": "projects/p/locations/l/gateways/g",
            "labels": {"env": "prod"}
        }
    });
    let op: apigateway_v1::ApigatewayOperation = round_trip(&wire);
    assert!(op.is_done());
    assert_eq!(op.response().unwrap()["labels"]["env"], "prod");
}

#[test]
fn done_with_an_error_and_details() {
    let wire = json!({
        "name": "operations/o",
        "done": true,
        "error": {
            "code": 9,
            "message": "Cluster is in an invalid state",
            "details": [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "INVALID_STATE",
                "domain": "dataproc.googleapis.com",
                "metadata": {"cluster": "c1"}
            }]
        }
    });
    let op: apigateway_v1::ApigatewayOperation = round_trip(&wire);
    let error = op.error().unwrap();
    let status = error.status().unwrap();
    assert_eq!(status.code, Some(9));
    assert_eq!(
        status.message.as_deref(),
        Some("Cluster is in an invalid state")
    );
    assert_eq!(
        type_url(&status.details()[0]),
        Some("type.googleapis.com/google.rpc.ErrorInfo")
    );
    assert_eq!(op.error.as_ref().unwrap().code, Some(9));
}

#[test]
fn unknown_fields_survive_a_round_trip() {
    let wire = json!({
        "name": "operations/o",
        "done": false,
        "futureField": {"nested": [1, "2", null]},
        "sizeBytes": "9007199254740993",
        "error": {"code": 3, "message": "m", "newDetail": true}
    });
    let op: dataproc_v1::Operation = round_trip(&wire);
    assert_eq!(op.unknown_fields["sizeBytes"], "9007199254740993");
    assert_eq!(op.error.as_ref().unwrap().unknown_fields["newDetail"], true);
}

#[test]
fn absent_and_null_fields_decode_as_none_and_are_not_written() {
    let op: dataproc_v1::Operation = serde_json::from_value(json!({"done": null})).unwrap();
    assert_eq!(op, dataproc_v1::Operation::default());
    assert_eq!(serde_json::to_value(&op).unwrap(), json!({}));
}

#[test]
fn a_wrong_type_is_an_error_not_a_panic() {
    let err = serde_json::from_value::<dataproc_v1::Operation>(json!({"done": "yes"})).unwrap_err();
    assert!(err.to_string().contains("expected a boolean"), "{err}");
    let err =
        serde_json::from_str::<dataproc_v1::Operation>(r#"{"name": "operations/o", "done": tr"#)
            .unwrap_err();
    assert!(err.is_syntax() || err.is_eof(), "{err}");
}
