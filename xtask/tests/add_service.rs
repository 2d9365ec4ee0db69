//! Adding a service never breaks the project: a copy of the repository gets one more
//! document through `fetch --from`, is regenerated, and passes the checks that depend on the
//! saved documents — `verify` (documents, manifest entries and their form, generated files)
//! and the new module built alone with warnings denied, its doc examples run. (The
//! generator's own tests read documents of their own, not `discovery/`.)
//!
//! The copy builds in the folder `ADD_SERVICE_TARGET_DIR` names, or else in
//! `target/add-a-service/` of this workspace, kept between runs. `cargo xtask ci` runs it as a
//! step of its own, outside `cargo test` (which holds the workspace's build folder while its
//! tests run), with the workspace's own `target/`, so that the copy reuses every crate the
//! checks before it built; under `cargo test` it runs only when asked (`--ignored`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies the repository's files (not `target/` or `.git/`).
fn copy_repository(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if from == workspace() && (name == "target" || name == ".git") {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_repository(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// A published-looking document of a service no real API is named after, with one
/// google.longrunning collection and one Compute-style collection.
fn document() -> Vec<u8> {
    let get = |id: &str, path: &str, params: serde_json::Value, order: &[&str], schema: &str| {
        json!({"methods": {"get": {
            "id": id, "path": path, "httpMethod": "GET", "description": "Gets an operation.",
            "parameters": params, "parameterOrder": order,
            "response": {"$ref": schema},
            "scopes": ["https://www.googleapis.com/auth/cloud-platform"]
        }}})
    };
    let text = |description: &str| json!({"type": "string", "location": "path", "required": true, "description": description});
    serde_json::to_vec_pretty(&json!({
        "kind": "discovery#restDescription",
        "name": "addedservice", "version": "v1", "revision": "20261101",
        "title": "Added Service API",
        "rootUrl": "https://addedservice.googleapis.com/", "servicePath": "",
        "auth": {"oauth2": {"scopes": {"https://www.googleapis.com/auth/cloud-platform": {"description": "All of Google Cloud."}}}},
        "resources": {
            "projects": {"resources": {"operations": get(
                "addedservice.projects.operations.get", "v1/{+name}",
                json!({"name": {"type": "string", "location": "path", "required": true,
                                "pattern": "^projects/[^/]+/operations/[^/]+$",
                                "description": "The operation's name."}}),
                &["name"], "Operation")}},
            "zoneOperations": get(
                "addedservice.zoneOperations.get", "v1/zones/{zone}/operations/{operation}",
                json!({"zone": text("The zone."), "operation": text("The operation.")}),
                &["zone", "operation"], "ZoneOperation")
        },
        "schemas": {
            "Operation": {"id": "Operation", "type": "object", "description": "An operation.",
                "properties": {
                    "name": {"type": "string"}, "done": {"type": "boolean"},
                    "error": {"$ref": "Status"},
                    "metadata": {"type": "object", "additionalProperties": {"type": "any"}},
                    "response": {"type": "object", "additionalProperties": {"type": "any"}}
                }},
            "Status": {"id": "Status", "type": "object", "description": "An error.",
                "properties": {
                    "code": {"type": "integer", "format": "int32"}, "message": {"type": "string"},
                    "details": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "any"}}}
                }},
            "ZoneOperation": {"id": "ZoneOperation", "type": "object", "description": "A zonal operation.",
                "properties": {
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": ["PENDING", "RUNNING", "DONE"]},
                    "error": {"type": "object", "properties": {"errors": {"type": "array", "items": {
                        "type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}
                    }}}}
                }}
        }
    }))
    .unwrap()
}

/// Runs `program ARGS` in `dir`, failing the test with its output when it fails.
fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{program} {}\n{stdout}\n{stderr}",
        args.join(" ")
    );
    stdout
}

#[test]
#[ignore = "minutes of building: `cargo xtask ci` runs it as its own step, sharing the build folder"]
fn a_service_added_with_fetch_keeps_every_check_green() {
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    copy_repository(&workspace(), &repo);
    let documents = scratch.path().join("documents");
    std::fs::create_dir_all(&documents).unwrap();
    std::fs::write(documents.join("addedservice.v1.json"), document()).unwrap();

    // The binary's default folders are this workspace's: name the copy's, relative to it, so
    // that generated files name documents as `discovery/…` as they do in the repository.
    let xtask = env!("CARGO_BIN_EXE_xtask");
    let (discovery, generated) = ("discovery", "generated");
    let fetched = run(
        &repo,
        xtask,
        &[
            "fetch",
            "--discovery",
            discovery,
            "--from",
            documents.to_str().unwrap(),
            "--from-label",
            "a test",
            "addedservice.v1",
        ],
        &[],
    );
    assert!(
        fetched.contains("addedservice.v1: new service, revision 20261101"),
        "{fetched}"
    );
    let folders = ["--discovery", discovery, "--out", generated];
    run(&repo, xtask, &[&["regenerate"], &folders[..]].concat(), &[]);
    run(&repo, xtask, &[&["verify"], &folders[..]].concat(), &[]);
    let manifest = std::fs::read_to_string(repo.join("generated/Cargo.toml")).unwrap();
    assert!(manifest.contains("\naddedservice_v1 = []\n"), "{manifest}");
    let table = std::fs::read_to_string(repo.join("generated/src/apis/services.md")).unwrap();
    assert!(
        table.contains("| Added Service API | v1 | `addedservice_v1` | 2 |"),
        "{table}"
    );

    // The checks of the copy, built in a target folder of their own (this run holds ours).
    // Warnings are denied by clippy's `-D warnings` and rustdoc's flags, not by RUSTFLAGS,
    // which would make every crate build again instead of reusing the workspace's.
    let target = std::env::var_os("ADD_SERVICE_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/add-a-service"));
    let env = [
        ("CARGO_TARGET_DIR", target.to_str().unwrap()),
        ("RUSTDOCFLAGS", "-D warnings"),
    ];
    let cargo = env!("CARGO");
    let module = [
        "-p",
        "google-operations",
        "--no-default-features",
        "--features",
        "addedservice_v1",
    ];
    run(
        &repo,
        cargo,
        &[
            &["clippy", "--offline"],
            &module[..],
            &["--", "-D", "warnings"],
        ]
        .concat(),
        &env,
    );
    let doc = run(
        &repo,
        cargo,
        &[
            &["test", "--offline", "--doc"],
            &module[..],
            &["addedservice_v1"],
        ]
        .concat(),
        &env,
    );
    // The module page's waiting example, the module's one doc example: builders show none
    // (the workspace's `builder_urls` test checks the URL of every saved document's builders).
    assert!(doc.contains("test result: ok. 1 passed"), "{doc}");
}
