//! Operation metadata decoded by `@type`, and the progress read from operations and their
//! metadata, for the services the crate started with and for Compute Engine.

use google_operations::prelude::*;
use google_operations::{
    JsonObject, MetadataType, Operation, Progress, aiplatform_v1, apigateway_v1,
    cloudaicompanion_v1, cloudresourcemanager_v3, compute_v1, contactcenterinsights_v1,
    dataproc_v1, documentai_v1, workspaceevents_v1,
};

fn operation(json: &str) -> Operation {
    serde_json::from_str(json).unwrap()
}

#[test]
fn dataproc_cluster_metadata_decodes_with_its_progress() {
    let op = operation(
        r#"{
            "name": "projects/p/regions/us-central1/operations/0d5f",
            "metadata": {
                "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
                "clusterName": "analytics",
                "clusterUuid": "2f0b",
                "status": {"state": "RUNNING", "innerState": "RUNNING", "details": "Creating 2 workers", "stateStartTime": "2026-11-24T10:00:00Z"},
                "operationType": "CREATE",
                "description": "Create cluster with 2 workers",
                "warnings": ["For PD-Standard without local SSDs, we strongly recommend..."]
            }
        }"#,
    );
    let Some(Ok(dataproc_v1::AnyMetadata::ClusterOperationMetadata(m))) =
        op.metadata_typed::<dataproc_v1::AnyMetadata>()
    else {
        panic!("not a ClusterOperationMetadata");
    };
    assert_eq!(m.cluster_name.as_deref(), Some("analytics"));
    assert_eq!(m.operation_type.as_deref(), Some("CREATE"));
    assert_eq!(m.warnings.as_ref().map(Vec::len), Some(1));
    let progress = dataproc_v1::SERVICE.progress(&op);
    assert_eq!(progress.state.as_deref(), Some("RUNNING"));
    assert_eq!(progress.stage.as_deref(), Some("Creating 2 workers"));
    assert_eq!(progress.percent, None);
}

#[test]
fn dataproc_batch_and_workflow_metadata() {
    let batch = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata",
            "batch": "projects/p/locations/l/batches/b", "operationType": "BATCH", "createTime": "2026-11-24T10:00:00Z"}}"#,
    );
    assert!(matches!(
        batch.metadata_typed::<dataproc_v1::AnyMetadata>(),
        Some(Ok(dataproc_v1::AnyMetadata::BatchOperationMetadata(_)))
    ));
    assert_eq!(
        dataproc_v1::SERVICE.progress(&batch).start_time.as_deref(),
        Some("2026-11-24T10:00:00Z")
    );
    // WorkflowMetadata's description ("A Dataproc workflow template resource.") speaks of no
    // operation, so the rule leaves it out: it stays JSON.
    let workflow = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.WorkflowMetadata", "state": "RUNNING"}}"#,
    );
    assert!(matches!(
        workflow.metadata_typed::<dataproc_v1::AnyMetadata>(),
        Some(Ok(dataproc_v1::AnyMetadata::Unknown(_)))
    ));
}

#[test]
fn metadata_named_after_the_method_that_returns_the_operation() {
    // These descriptions speak of no operation ("Metadata pertaining to the folder creation
    // process.", "Metadata for deploying an issue model.", "The metadata that represents a
    // processor version being created."); their names are those of methods that return one
    // (`folders.create`, `issueModels.deploy`, `processorVersions.train`). The `@type`s are the
    // metadata types Google's client libraries declare for these methods.
    let folder = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.resourcemanager.v3.CreateFolderMetadata",
            "displayName": "Engineering", "parent": "organizations/123"}}"#,
    );
    let Some(Ok(cloudresourcemanager_v3::AnyMetadata::CreateFolderMetadata(m))) =
        folder.metadata_typed::<cloudresourcemanager_v3::AnyMetadata>()
    else {
        panic!("not a CreateFolderMetadata");
    };
    assert_eq!(m.display_name.as_deref(), Some("Engineering"));

    let deploy = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.contactcenterinsights.v1.DeployIssueModelMetadata",
            "createTime": "2026-11-24T10:00:00Z", "endTime": "2026-11-24T10:05:00Z",
            "request": {"name": "projects/p/locations/l/issueModels/m"}}}"#,
    );
    let Some(Ok(contactcenterinsights_v1::AnyMetadata::GoogleCloudContactcenterinsightsV1DeployIssueModelMetadata(m))) =
        deploy.metadata_typed::<contactcenterinsights_v1::AnyMetadata>()
    else {
        panic!("not a DeployIssueModelMetadata");
    };
    assert_eq!(
        m.request.and_then(|r| r.name).as_deref(),
        Some("projects/p/locations/l/issueModels/m")
    );
    let progress = contactcenterinsights_v1::SERVICE.progress(&deploy);
    assert_eq!(progress.start_time.as_deref(), Some("2026-11-24T10:00:00Z"));
    assert_eq!(progress.end_time.as_deref(), Some("2026-11-24T10:05:00Z"));

    let train = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.documentai.v1.TrainProcessorVersionMetadata",
            "commonMetadata": {"state": "RUNNING", "createTime": "2026-11-24T10:00:00Z"}}}"#,
    );
    assert!(matches!(
        train.metadata_typed::<documentai_v1::AnyMetadata>(),
        Some(Ok(
            documentai_v1::AnyMetadata::GoogleCloudDocumentaiV1TrainProcessorVersionMetadata(_)
        ))
    ));
    assert_eq!(
        documentai_v1::SERVICE.progress(&train).state.as_deref(),
        Some("RUNNING")
    );
}

#[test]
fn apigateway_metadata_is_named_after_its_package() {
    // The schema is `ApigatewayOperationMetadata`: the message after the package segment.
    let op = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.apigateway.v1.OperationMetadata",
            "createTime": "2026-11-24T10:00:00Z", "target": "projects/p/locations/global/apis/a", "verb": "create",
            "apiVersion": "v1", "requestedCancellation": false}}"#,
    );
    let Some(Ok(apigateway_v1::AnyMetadata::ApigatewayOperationMetadata(m))) =
        op.metadata_typed::<apigateway_v1::AnyMetadata>()
    else {
        panic!("not an ApigatewayOperationMetadata");
    };
    assert_eq!(m.verb.as_deref(), Some("create"));
    assert_eq!(
        apigateway_v1::SERVICE.progress(&op).start_time.as_deref(),
        Some("2026-11-24T10:00:00Z")
    );
}

#[test]
fn services_without_metadata_schemas_keep_the_json() {
    // Neither document defines a metadata message: Workspace Events' published document has
    // no `CreateSubscriptionMetadata`, and the Gemini document holds only what the reference
    // page of `operations.get` states.
    assert!(workspaceevents_v1::SERVICE.metadata.is_empty());
    assert!(cloudaicompanion_v1::SERVICE.metadata.is_empty());
    let op = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.apps.events.subscriptions.v1.CreateSubscriptionMetadata"}}"#,
    );
    assert_eq!(
        workspaceevents_v1::SERVICE.progress(&op),
        Progress::default()
    );
    let metadata: JsonObject = op.metadata.clone().unwrap();
    assert!(
        MetadataType::find(
            workspaceevents_v1::SERVICE.metadata,
            "type.googleapis.com/google.apps.events.subscriptions.v1.CreateSubscriptionMetadata"
        )
        .is_none()
    );
    // The untyped way still reads it.
    let again: JsonObject = op.metadata_as().unwrap().unwrap();
    assert_eq!(again, metadata);
}

#[test]
fn vertex_ai_metadata_reads_its_generic_metadata() {
    let op = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.aiplatform.v1.CreateDatasetOperationMetadata",
            "genericMetadata": {"createTime": "2026-11-24T10:00:00Z", "updateTime": "2026-11-24T10:00:05Z"}}}"#,
    );
    assert!(matches!(
        op.metadata_typed::<aiplatform_v1::AnyMetadata>(),
        Some(Ok(
            aiplatform_v1::AnyMetadata::GoogleCloudAiplatformV1CreateDatasetOperationMetadata(_)
        ))
    ));
    let progress = aiplatform_v1::SERVICE.progress(&op);
    assert_eq!(progress.start_time.as_deref(), Some("2026-11-24T10:00:00Z"));
    assert_eq!(
        progress.update_time.as_deref(),
        Some("2026-11-24T10:00:05Z")
    );
}

#[test]
fn a_known_type_that_does_not_decode_is_an_error_and_an_unknown_one_is_json() {
    let bad = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata", "warnings": 7}}"#,
    );
    assert!(matches!(
        bad.metadata_typed::<dataproc_v1::AnyMetadata>(),
        Some(Err(_))
    ));
    let other = operation(
        r#"{"metadata": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.SomethingNewMetadata", "x": 1}}"#,
    );
    let Some(Ok(dataproc_v1::AnyMetadata::Unknown(json))) =
        other.metadata_typed::<dataproc_v1::AnyMetadata>()
    else {
        panic!("not kept as JSON");
    };
    assert_eq!(json["x"], 1);
}

#[test]
fn compute_operations_carry_their_own_progress() {
    let op: compute_v1::Operation = serde_json::from_str(
        r#"{"kind": "compute#operation", "name": "operation-1", "status": "RUNNING", "progress": 40,
            "statusMessage": "Creating instance", "insertTime": "2026-11-24T09:59:00Z",
            "startTime": "2026-11-24T10:00:00Z", "operationType": "insert"}"#,
    )
    .unwrap();
    let progress = compute_v1::SERVICE.progress(&op);
    assert_eq!(progress.percent, Some(40.0));
    assert_eq!(progress.state.as_deref(), Some("RUNNING"));
    assert_eq!(progress.stage.as_deref(), Some("Creating instance"));
    assert_eq!(progress.start_time.as_deref(), Some("2026-11-24T10:00:00Z"));
    assert!(compute_v1::SERVICE.metadata.is_empty());
}

#[test]
fn responses_decode_only_as_the_type_they_name() {
    #[derive(serde::Deserialize, Debug)]
    struct Cluster {
        #[serde(rename = "clusterName")]
        cluster_name: String,
    }
    let op = operation(
        r#"{"done": true, "response": {"@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", "clusterName": "analytics"}}"#,
    );
    let cluster: Cluster = op
        .response_as("google.cloud.dataproc.v1.Cluster")
        .unwrap()
        .unwrap();
    assert_eq!(cluster.cluster_name, "analytics");
    let wrong = op
        .response_as::<Cluster>("google.cloud.dataproc.v1.Job")
        .unwrap()
        .unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "response is type.googleapis.com/google.cloud.dataproc.v1.Cluster, not google.cloud.dataproc.v1.Job"
    );
}

/// The `@type`s of real operations' metadata, from public captures and documentation (see the
/// third column of the fixture): how many the enabled services decode into a typed message.
#[test]
fn real_sample_type_urls_decode() {
    let text = include_str!("fixtures/metadata_type_urls.tsv");
    let (mut tried, mut decoded, mut kept) = (0, 0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut cells = line.split('\t');
        let (url, api) = (cells.next().unwrap(), cells.next().unwrap());
        let Some(service) = google_operations::SERVICES
            .iter()
            .find(|s| format!("{}.{}", s.name, s.version) == api)
        else {
            continue;
        };
        tried += 1;
        match MetadataType::find(service.metadata, url) {
            Some(_) => decoded += 1,
            None => kept.push(url),
        }
    }
    println!("{decoded} of {tried} sample @types decode; kept as JSON: {kept:#?}");
    // The seeds enabled here: Dataproc's three and API Gateway's decode, Workspace Events' and
    // Gemini's are kept (their documents define no metadata message).
    assert!(tried >= 10, "{tried}");
    assert!(decoded * 10 >= tried * 7, "{decoded} of {tried}");
}
