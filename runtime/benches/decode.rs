//! Decoding typical `operations.get` responses into the typed model, against parsing the same
//! bytes into a `serde_json::Value` in the same run.
//!
//! Three Dataproc operations, built here as JSON bytes the way the API sends them:
//! - `running`: in progress, with its `ClusterOperationMetadata`;
//! - `done_response`: done, with the created `Cluster` (a few KiB) as its response;
//! - `done_error`: done, with an error and its details (`ErrorInfo`, `DebugInfo`, …).
//!
//! For each, the group `decode/<payload>` measures `value` (the baseline), `typed`
//! (`serde_json::from_slice::<Operation>`) and `decode_response` (the sans-io entry point).
//!
//! Run with `cargo bench -p google-operations --bench decode`; `cargo xtask bench` runs it and
//! prints the ratios.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use google_operations::dataproc_v1::{Operation, ProjectsRegionsOperationsGet};
use google_operations::{LongRunningOperation, decode_response};
use serde_json::{Value, json};

const NAME: &str = "projects/analytics-prod-4821/regions/us-central1/operations/5c8e7a4b-3f2d-4e1a-9b6c-2d8f0e1a7c3b";
const CLUSTER: &str = "etl-nightly-cluster";
const CLUSTER_UUID: &str = "9f1c2b7e-4d3a-4e8f-a1b2-7c6d5e4f3a2b";

fn labels() -> Value {
    json!({
        "env": "prod",
        "team": "data-platform",
        "cost-center": "cc-4821",
        "goog-dataproc-cluster-name": CLUSTER,
        "goog-dataproc-cluster-uuid": CLUSTER_UUID,
        "goog-dataproc-location": "us-central1",
    })
}

fn metadata(state: &str, done: bool) -> Value {
    let mut history = vec![json!({
        "state": "PENDING",
        "details": "Cluster creation requested.",
        "stateStartTime": "2025-11-04T02:00:03.118204Z",
    })];
    if done {
        history.push(json!({
            "state": "RUNNING",
            "innerState": "RUNNING",
            "stateStartTime": "2025-11-04T02:00:04.530112Z",
        }));
    }
    json!({
        "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
        "clusterName": CLUSTER,
        "clusterUuid": CLUSTER_UUID,
        "status": {
            "state": state,
            "innerState": state,
            "stateStartTime": "2025-11-04T02:00:04.530112Z",
        },
        "statusHistory": history,
        "operationType": "CREATE",
        "description": "Create cluster with 2 workers",
        "labels": labels(),
        "warnings": [
            "The firewall rules for specified network or subnetwork would allow ingress traffic from 0.0.0.0/0, which could be a security risk.",
            "Unable to validate the default service account; the cluster might fail to start.",
        ],
    })
}

fn instance_group(count: u32, machine: &str, prefix: &str) -> Value {
    let names: Vec<String> = (0..count)
        .map(|i| format!("{CLUSTER}-{prefix}-{i}"))
        .collect();
    json!({
        "numInstances": count,
        "instanceNames": names,
        "imageUri": "https://www.googleapis.com/compute/v1/projects/cloud-dataproc/global/images/dataproc-2-2-deb12-20251030-155100-rc01",
        "machineTypeUri": format!("https://www.googleapis.com/compute/v1/projects/analytics-prod-4821/zones/us-central1-a/machineTypes/{machine}"),
        "diskConfig": { "bootDiskType": "pd-balanced", "bootDiskSizeGb": 500, "numLocalSsds": 0 },
        "minCpuPlatform": "AUTOMATIC",
        "preemptibility": "NON_PREEMPTIBLE",
    })
}

fn cluster() -> Value {
    json!({
        "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster",
        "projectId": "analytics-prod-4821",
        "clusterName": CLUSTER,
        "config": {
            "configBucket": "dataproc-staging-us-central1-482193317724-xk2vq8ld",
            "tempBucket": "dataproc-temp-us-central1-482193317724-mq0a9z7c",
            "gceClusterConfig": {
                "zoneUri": "https://www.googleapis.com/compute/v1/projects/analytics-prod-4821/zones/us-central1-a",
                "subnetworkUri": "https://www.googleapis.com/compute/v1/projects/analytics-prod-4821/regions/us-central1/subnetworks/dataproc",
                "internalIpOnly": true,
                "serviceAccountScopes": ["https://www.googleapis.com/auth/cloud-platform"],
                "tags": ["dataproc", "etl"],
                "metadata": { "enable-oslogin": "true", "startup-script-url": "gs://analytics-prod-4821-init/startup.sh" },
                "shieldedInstanceConfig": { "enableSecureBoot": true, "enableVtpm": true, "enableIntegrityMonitoring": true },
            },
            "masterConfig": instance_group(1, "n2-standard-8", "m"),
            "workerConfig": instance_group(2, "n2-highmem-16", "w"),
            "softwareConfig": {
                "imageVersion": "2.2.41-debian12",
                "properties": {
                    "capacity-scheduler:yarn.scheduler.capacity.root.default.ordering-policy": "fair",
                    "core:fs.gs.block.size": "134217728",
                    "core:fs.gs.metadata.cache.enable": "false",
                    "dataproc:dataproc.logging.stackdriver.job.driver.enable": "true",
                    "dataproc:dataproc.monitoring.stackdriver.enable": "true",
                    "distcp:mapreduce.map.java.opts": "-Xmx768m",
                    "hdfs:dfs.namenode.handler.count": "40",
                    "mapred:mapreduce.job.maps": "189",
                    "spark:spark.driver.maxResultSize": "3840m",
                    "spark:spark.driver.memory": "7680m",
                    "spark:spark.executor.cores": "8",
                    "spark:spark.executor.instances": "2",
                    "spark:spark.executor.memory": "57215m",
                    "spark:spark.sql.adaptive.enabled": "true",
                    "yarn:yarn.nodemanager.resource.memory-mb": "126976",
                    "yarn:yarn.scheduler.maximum-allocation-mb": "126976",
                },
                "optionalComponents": ["JUPYTER", "ZEPPELIN"],
            },
            "initializationActions": [
                { "executableFile": "gs://analytics-prod-4821-init/install-deps.sh", "executionTimeout": "600s" },
            ],
            "endpointConfig": { "enableHttpPortAccess": true },
            "lifecycleConfig": { "idleDeleteTtl": "3600s", "idleStartTime": "2025-11-04T02:03:41.220511Z" },
        },
        "labels": labels(),
        "status": { "state": "RUNNING", "stateStartTime": "2025-11-04T02:03:41.220511Z" },
        "statusHistory": [
            { "state": "CREATING", "stateStartTime": "2025-11-04T02:00:03.118204Z" },
        ],
        "clusterUuid": CLUSTER_UUID,
        "metrics": {
            "hdfsMetrics": {
                "dfs-blocks-missing": "0",
                "dfs-blocks-under-replication": "0",
                "dfs-capacity-present": "1030792151040",
                "dfs-capacity-total": "1056561954816",
                "dfs-capacity-used": "36864",
                "dfs-nodes-running": "2",
            },
            "yarnMetrics": {
                "yarn-apps-running": "0",
                "yarn-containers-allocated": "0",
                "yarn-memory-mb-available": "253952",
                "yarn-nodes-active": "2",
                "yarn-vcores-available": "32",
            },
        },
    })
}

fn payloads() -> Vec<(&'static str, Vec<u8>)> {
    let running = json!({ "name": NAME, "metadata": metadata("RUNNING", false) });
    let done_response = json!({
        "name": NAME,
        "metadata": metadata("DONE", true),
        "done": true,
        "response": cluster(),
    });
    let done_error = json!({
        "name": NAME,
        "metadata": metadata("DONE", true),
        "done": true,
        "error": {
            "code": 9,
            "message": "Multiple validation errors:\n - Insufficient 'N2_CPUS' quota. Requested 40.0, available 24.0.\n - Insufficient 'SSD_TOTAL_GB' quota. Requested 1500.0, available 1000.0.",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "QUOTA_EXCEEDED",
                    "domain": "dataproc.googleapis.com",
                    "metadata": { "quota_metric": "compute.googleapis.com/n2_cpus", "region": "us-central1", "requested": "40", "available": "24" },
                },
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                        { "subject": "projects/analytics-prod-4821", "description": "N2_CPUS quota exceeded in region us-central1" },
                        { "subject": "projects/analytics-prod-4821", "description": "SSD_TOTAL_GB quota exceeded in region us-central1" },
                    ],
                },
                {
                    "@type": "type.googleapis.com/google.rpc.Help",
                    "links": [{ "description": "Request a quota increase", "url": "https://cloud.google.com/docs/quotas/help/request_increase" }],
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": "Not enough quota in region us-central1 to create the cluster.",
                },
            ],
        },
    });
    [
        ("running", running),
        ("done_response", done_response),
        ("done_error", done_error),
    ]
    .into_iter()
    .map(|(name, value)| (name, serde_json::to_vec(&value).unwrap()))
    .collect()
}

fn decode(c: &mut Criterion) {
    for (name, bytes) in payloads() {
        // The payloads are what they claim to be.
        let op: Operation = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(op.is_done(), name != "running");
        assert_eq!(op.error().is_some(), name == "done_error");
        eprintln!("decode/{name}: {} bytes", bytes.len());

        let mut group = c.benchmark_group(format!("decode/{name}"));
        group
            .throughput(Throughput::Bytes(bytes.len() as u64))
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        group.bench_function("value", |b| {
            b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&bytes)).unwrap()))
        });
        group.bench_function("typed", |b| {
            b.iter(|| black_box(serde_json::from_slice::<Operation>(black_box(&bytes)).unwrap()))
        });
        group.bench_function("decode_response", |b| {
            b.iter(|| {
                let response = http::Response::new(black_box(bytes.as_slice()));
                black_box(decode_response::<ProjectsRegionsOperationsGet>(response).unwrap())
            })
        });
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
