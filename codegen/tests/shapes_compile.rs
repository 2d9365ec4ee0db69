//! Generates a crate from the small documents in `tests/shapes/` (every shape of
//! `operations.get` the generator must handle), manifest and root included, over the
//! workspace's runtime; compiles it with warnings denied, and runs URL tests for each path
//! style against it.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::emit::Options;
use codegen::files::{Mode, sync};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const URL_TESTS: &str = r#"
use google_operations::{Error, Request};
use google_operations::{hygiene_v1, legacy_v2, shapes_v1beta2};

#[test]
fn path_styles() {
    // `{+name}` after a literal prefix, top-level resource, `.*` pattern.
    let get = shapes_v1beta2::OperationsGet::new("operations/a/b").unwrap();
    assert_eq!(get.url(), "https://shapes.googleapis.com/v1beta2/operations/a/b");
    // Separate simple-expansion parameters in builder order.
    let get = shapes_v1beta2::AppsOperationsGet::new("my/app", "op 1").unwrap();
    assert_eq!(get.url(), "https://shapes.googleapis.com/v1beta2/apps/my%2Fapp/operations/op%201");
    // Five levels deep.
    let get = shapes_v1beta2::FoldersLocationsReplaysOperationsGet::new("folders/f/locations/l/replays/r/operations/o").unwrap();
    assert_eq!(get.url(), "https://shapes.googleapis.com/v1beta2/folders/f/locations/l/replays/r/operations/o");
    // Chains that collide after case conversion keep distinct builders.
    assert_eq!(shapes_v1beta2::FooBarOperationsGet::new("operations/x").unwrap().url(), "https://shapes.googleapis.com/v1beta2/fooBar/operations/x");
    assert_eq!(shapes_v1beta2::FooBarOperationsGet2::new("operations/x").unwrap().url(), "https://shapes.googleapis.com/v1beta2/foo_bar/operations/x");
    // Service path, bucket style, compute style with `name` as a query parameter.
    let get = legacy_v2::BucketsOperationsGet::new("my-bucket", "op/1").unwrap();
    assert_eq!(get.url(), "https://legacy.googleapis.com/legacy/v2/b/my-bucket/operations/op%2F1");
    let get = legacy_v2::ProjectsZonesOperationsGet::new("p", "us-east1-b", "op-1").unwrap().name("zones/us-east1-b/operations/op-1");
    assert_eq!(get.url(), "https://legacy.googleapis.com/legacy/v2/v1/projects/p/zones/us-east1-b/operations/op-1?name=zones%2Fus-east1-b%2Foperations%2Fop-1");
    // Deployment Manager style RE2 patterns, matched against the whole value.
    let get = legacy_v2::OperationsGet::new("example.com:my-project", "operation-123").unwrap().header_bypass_billing_filter(true);
    assert_eq!(get.url(), "https://legacy.googleapis.com/legacy/v2/projects/example.com%3Amy-project/global/operations/operation-123?header.bypassBillingFilter=true");
    assert!(matches!(legacy_v2::OperationsGet::new("my-project", "Operation"), Err(Error::InvalidParameter { parameter: "operation", .. })));
    assert!(legacy_v2::OperationsGet::new("my project", "op").is_err());
    assert!(legacy_v2::BucketsOperationsGet::new("..", "op").is_err());
}

#[test]
fn query_parameters() {
    let get = shapes_v1beta2::ProjectsLocationsGlobalOperationsGet::new("projects/p/locations/global/operations/o", "req-1")
        .unwrap()
        .view(shapes_v1beta2::ProjectsLocationsGlobalOperationsGetView::Full)
        .page_size(-3)
        .return_partial_success(false)
        .tags(["a b", "c"])
        .upload_protocol_v2("raw");
    assert_eq!(
        get.url(),
        "https://shapes.googleapis.com/v1beta2/projects/p/locations/global/operations/o?requestId=req-1&pageSize=-3&returnPartialSuccess=false&tags=a%20b&tags=c&upload_protocol_v2=raw&view=FULL"
    );
    assert!(shapes_v1beta2::ProjectsLocationsGlobalOperationsGet::new("projects/p/locations/global/operations/o", "Bad Id").is_err());
}

#[test]
fn names_that_shadow_the_standard_library_or_builder_methods() {
    // Parameters named like the methods every builder has get a `_param` suffix; the
    // builder's own `fields` is still the standard parameter.
    let get = hygiene_v1::OperationsGet::new("operations/x")
        .unwrap()
        .url_param("u")
        .fields_param("f")
        .new_param(true)
        .fields("done");
    assert_eq!(
        get.url(),
        "https://hygiene.googleapis.com/v1/operations/x?fields=f&new=true&url=u&fields=done"
    );
    // Schemas named like standard library types become `…Value`, and generated code still
    // means the standard library's `Option`, `String`, `Vec` and `Box`.
    let result: hygiene_v1::ResultValue = serde_json::from_value(serde_json::json!({
        "name": "operations/x", "done": true, "error": {"code": 3, "help": "h"},
        "value": {"some": 1}, "items": [{"x": "y"}], "text": {"s": "t", "default": "d"},
        "labels": {"k": "v"}
    }))
    .unwrap();
    let value: Option<hygiene_v1::OptionValue> = result.value.clone();
    assert_eq!(value.unwrap().some, Some(1));
    let items: Vec<hygiene_v1::VecValue> = result.items.clone().unwrap();
    assert_eq!(items[0].x.as_deref(), Some("y"));
    let text: hygiene_v1::StringValue = result.text.clone().unwrap();
    assert_eq!(text.default.as_deref(), Some("d"));
    let error: hygiene_v1::BoxValue = result.error.clone().unwrap();
    assert_eq!(error.help.as_deref(), Some("h"));
    use google_operations::LongRunningOperation;
    assert!(result.is_done());
    assert_eq!(result.error().unwrap().status().unwrap().code, Some(3));
}

#[test]
fn models() {
    use shapes_v1beta2::{Thing, ThingState};
    let wire = serde_json::json!({
        "type": "t", "@type": "at", "1stPlace": "first", "größe": "big", "fooBar": "camel", "foo_bar": "snake",
        "unknown_fields": "declared", "i64": "-9007199254740993", "u64": 18446744073709551615u64,
        "counts": ["1", 2], "state": "ACTIVE", "states": ["B", "Z"],
        "byName": {"x": {"label": "l", "progress": {"stages": [{"percent": 5}]}}},
        "nested": {"inner": [{"key": "k", "value": "v"}]}, "extra": [1]
    });
    let thing: Thing = serde_json::from_value(wire).unwrap();
    assert_eq!(thing.i64, Some(-9007199254740993));
    assert_eq!(thing.u64, Some(u64::MAX));
    assert_eq!(thing.state, Some(ThingState::Active));
    assert_eq!(thing.states.as_ref().unwrap()[1], shapes_v1beta2::ThingStates::Unknown("Z".into()));
    assert_eq!(thing.by_name.as_ref().unwrap()["x"].progress.as_ref().unwrap().stages.as_ref().unwrap()[0].percent, Some(5));
    assert_eq!(thing.unknown_fields["extra"], serde_json::json!([1]));
    let back = serde_json::to_value(&thing).unwrap();
    assert_eq!(back["u64"], "18446744073709551615");
    assert_eq!(back["counts"], serde_json::json!(["1", "2"]));
    assert_eq!(back["größe"], "big");
    assert_eq!(back["unknown_fields"], "declared");
    assert_eq!(back["states"], serde_json::json!(["B", "Z"]));

    let op: legacy_v2::Operation = serde_json::from_value(serde_json::json!({
        "status": "DONE", "error": {"errors": [{"code": "QUOTA", "message": "m"}]},
        "warnings": [{"data": [{"key": "k", "value": "v"}]}]
    })).unwrap();
    assert_eq!(op.status, Some(legacy_v2::OperationStatus::Done));
    assert_eq!(op.error.as_ref().unwrap().errors.as_ref().unwrap()[0].code.as_deref(), Some("QUOTA"));

    // Compute-style operations poll on `status == DONE` and fail with `error.errors[]`.
    use google_operations::LongRunningOperation;
    assert!(op.is_done());
    let error = op.error().unwrap();
    assert_eq!(error.to_string(), "QUOTA: m");
    assert_eq!(error.list().unwrap().errors[0].code.as_deref(), Some("QUOTA"));
    let running: legacy_v2::Operation = serde_json::from_value(serde_json::json!({"status": "RUNNING", "error": {"errors": []}})).unwrap();
    assert!(!running.is_done());
    assert!(running.error().is_none());
    // google.longrunning-style, whatever the schema is called.
    let lro: shapes_v1beta2::GoogleLongrunningOperation = serde_json::from_value(serde_json::json!({"done": true, "error": {"code": 5}})).unwrap();
    assert!(lro.is_done());
    assert_eq!(lro.error().unwrap().status().unwrap().code, Some(5));
}
"#;

#[test]
fn every_shape_generates_compiles_without_warnings_and_builds_correct_urls() {
    let shapes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes");
    let sources = codegen::load::read_dir(&shapes, "tests/shapes").unwrap();
    let options = Options {
        runtime_path: workspace().join("runtime").display().to_string(),
        ..Options::default()
    };
    let generated = codegen::generate(&sources, &options).unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);

    // The generated crate, made whole by the generator, outside this workspace.
    let target = workspace().join("target/shapes");
    let krate = target.join("crate");
    let _ = std::fs::remove_dir_all(&krate);
    sync(&krate, "shapes/", &generated, Mode::Write, "-").unwrap();
    let manifest = krate.join(codegen::MANIFEST);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::write(krate.join("tests/shapes.rs"), URL_TESTS).unwrap();

    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--no-default-features",
            "--features",
            "all-services",
            "--offline",
            "--quiet",
            "--test",
            "shapes",
        ])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", target.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo test of the shapes crate failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("4 passed"), "{stdout}");
}
