//! `cargo xtask fetch` and `cargo xtask changes` run as a user runs them, on scratch copies
//! of the discovery folder, against a server on 127.0.0.1 that each test starts.

mod support;

use serde_json::json;
use support::{
    Reply, Scratch, Server, directory_path, edited, newer, operations_gets, saved, sha256,
};

const APIGATEWAY_GET: &str = "method apigateway.projects.locations.operations.get";

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Serves every published document of the scratch copy unchanged.
fn serve_saved(server: &Server) {
    for (name, file) in [
        ("apigateway", "apigateway.v1.json"),
        ("dataproc", "dataproc.v1.json"),
        ("workspaceevents", "workspaceevents.v1.json"),
    ] {
        server.route(&directory_path(name, "v1"), Reply::Body(saved(file)));
    }
}

#[test]
fn fetch_saves_a_newer_document_and_its_manifest_entry() {
    let scratch = Scratch::new("newer");
    let server = Server::start();
    serve_saved(&server);
    let path = directory_path("apigateway", "v1");
    let new = newer("apigateway.v1.json", "20261105");
    server.route(&path, Reply::Body(new.clone()));
    let before = scratch.snapshot();

    let run = scratch.run(&["fetch", "--base-url", &server.base]);
    assert!(run.ok, "{run:?}");
    let url = format!("{}{}", server.base, &path[1..]);
    assert!(
        run.stdout.contains(&format!(
            "apigateway.v1: revision 20261028 → 20261105 (from {url}): 1 change\n  \
             {APIGATEWAY_GET}: parameter added: newParam (optional String)\n"
        )),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("dataproc.v1: unchanged (revision 20261023)\n")
    );
    assert!(
        run.stdout
            .contains("workspaceevents.v1: unchanged (revision 20261004)\n")
    );
    assert!(run.stdout.contains(
        "cloudaicompanion.v1: hand-written; skipped (--include-hand-written looks for a published document)\n"
    ));
    assert!(
        run.stdout
            .contains("1 saved, 2 unchanged, 1 skipped, 0 failed")
    );
    assert_eq!(run.stderr, "");
    // The hand-written document is never asked for.
    let mut hits = server.hits();
    hits.sort();
    assert_eq!(
        hits,
        [
            directory_path("apigateway", "v1"),
            directory_path("dataproc", "v1"),
            directory_path("workspaceevents", "v1"),
        ]
    );

    // Saved byte for byte as served; the entry records it; nothing else moved.
    assert_eq!(scratch.read("apigateway.v1.json"), new);
    let entry = scratch.entry("apigateway.v1.json");
    assert_eq!(entry["revision"].as_str(), Some("20261105"));
    assert_eq!(entry["sha256"].as_str(), Some(sha256(&new).as_str()));
    assert_eq!(entry["source"].as_str(), Some(url.as_str()));
    assert_eq!(entry["origin"].as_str(), Some("published"));
    assert_eq!(
        entry["discovery_url"].as_str(),
        Some("https://www.googleapis.com/discovery/v1/apis/apigateway/v1/rest")
    );
    assert!(is_date(entry["retrieved"].as_str().unwrap()), "{entry:?}");
    let after = scratch.snapshot();
    for file in [
        "dataproc.v1.json",
        "workspaceevents.v1.json",
        "cloudaicompanion.v1.json",
    ] {
        assert_eq!(after[file], before[file], "{file}");
    }
    let manifest = String::from_utf8(after["SOURCES.toml"].clone()).unwrap();
    assert!(manifest.starts_with("# Where each saved Discovery document came from."));
    let old_manifest = String::from_utf8(before["SOURCES.toml"].clone()).unwrap();
    let (old_tail, new_tail) = (
        &old_manifest[old_manifest.find("file = \"cloudaicompanion").unwrap()..],
        &manifest[manifest.find("file = \"cloudaicompanion").unwrap()..],
    );
    assert_eq!(
        old_tail, new_tail,
        "the other entries are kept as they were"
    );
    assert_eq!(after.len(), before.len(), "no temporary file is left");

    // Fetching again finds nothing to do and writes nothing.
    let again = scratch.run(&["fetch", "--base-url", &server.base]);
    assert!(again.ok, "{again:?}");
    assert!(
        again
            .stdout
            .contains("apigateway.v1: unchanged (revision 20261105)\n")
    );
    assert!(
        again
            .stdout
            .contains("0 saved, 3 unchanged, 1 skipped, 0 failed")
    );
    assert_eq!(scratch.snapshot(), after);
}

#[test]
fn each_fault_is_named_and_leaves_the_files_alone() {
    let server = Server::start();
    let path = directory_path("apigateway", "v1");
    let mut broken = edited("apigateway.v1.json", |doc| {
        doc["revision"] = "20261105".into();
        for get in operations_gets(doc) {
            get["parameters"]["name"]
                .as_object_mut()
                .unwrap()
                .remove("location");
        }
    });
    let faults: Vec<(&str, Reply, String)> = vec![
        (
            "404",
            Reply::Status(404, "gone"),
            "HTTP 404 Not Found from {url}".into(),
        ),
        (
            "500",
            Reply::Status(500, "oops"),
            "HTTP 500 Internal Server Error from {url}".into(),
        ),
        (
            "garbage",
            Reply::Body(b"{\"kind\": \"discovery#restDescription\", ".to_vec()),
            "the document from {url}: not valid JSON: EOF while parsing".into(),
        ),
        (
            "not-discovery",
            Reply::Body(br#"{"kind": "storage#bucket", "name": "x"}"#.to_vec()),
            "the document from {url}: not a Discovery document (kind Some(\"storage#bucket\")".into(),
        ),
        (
            "wrong-service",
            Reply::Body(saved("dataproc.v1.json")),
            "the document from {url}: describes dataproc.v1, not apigateway.v1".into(),
        ),
        (
            "older",
            Reply::Body(newer("apigateway.v1.json", "20261027")),
            "revision \"20261027\" of {url} is older than the saved 20261028".into(),
        ),
        (
            "rejected",
            Reply::Body(std::mem::take(&mut broken)),
            "the document from {url}: the generator rejects it: resources.projects.resources.locations.resources.operations.methods.get.parameters.name: missing field `location`".into(),
        ),
        (
            "closed",
            Reply::Close,
            "downloading {url} failed: ".into(),
        ),
        (
            "truncated",
            Reply::Truncated(newer("apigateway.v1.json", "20261105")),
            "reading the body from {url} failed: ".into(),
        ),
    ];
    for (label, reply, want) in faults {
        let scratch = Scratch::new(&format!("fault-{label}"));
        server.route(&format!("/{label}{path}"), reply);
        let base = format!("{}{label}/", server.base);
        let url = format!("{base}{}", &path[1..]);
        let before = scratch.snapshot();

        let run = scratch.run(&["fetch", "--base-url", &base, "apigateway.v1"]);
        assert!(!run.ok, "{label}: {run:?}");
        let want = format!("error: apigateway.v1: {}", want.replace("{url}", &url));
        assert!(run.stderr.contains(&want), "{label}: want {want}\n{run:?}");
        let kept = format!(
            "; {}/apigateway.v1.json and its SOURCES.toml entry are unchanged\n",
            scratch.discovery.display()
        );
        let line = run.stderr.lines().next().unwrap();
        assert!(format!("{line}\n").ends_with(&kept), "{label}: {run:?}");
        assert!(
            run.stderr
                .ends_with("error: 1 of 1 failed: apigateway.v1\n"),
            "{label}: {run:?}"
        );
        assert!(
            run.stdout
                .contains("0 saved, 0 unchanged, 0 skipped, 1 failed")
        );
        assert_eq!(scratch.snapshot(), before, "{label}: nothing is written");
    }
}

#[test]
fn one_failure_does_not_stop_the_others() {
    let scratch = Scratch::new("partial");
    let server = Server::start();
    serve_saved(&server);
    server.route(
        &directory_path("apigateway", "v1"),
        Reply::Status(500, "oops"),
    );
    let dataproc = newer("dataproc.v1.json", "20261101");
    server.route(
        &directory_path("dataproc", "v1"),
        Reply::Body(dataproc.clone()),
    );
    let apigateway_entry = scratch.entry("apigateway.v1.json");

    let run = scratch.run(&["fetch", "--base-url", &server.base]);
    assert!(!run.ok, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: apigateway.v1: HTTP 500 Internal Server Error from "),
        "{run:?}"
    );
    assert!(
        run.stderr
            .ends_with("error: 1 of 4 failed: apigateway.v1\n")
    );
    assert!(run.stdout.contains(
        "  method dataproc.projects.locations.operations.get: parameter added: newParam (optional String)\n  \
         method dataproc.projects.regions.operations.get: parameter added: newParam (optional String)\n"
    ), "{run:?}");
    assert!(
        run.stdout
            .contains("1 saved, 1 unchanged, 1 skipped, 1 failed")
    );
    assert_eq!(scratch.read("dataproc.v1.json"), dataproc);
    assert_eq!(
        scratch.entry("dataproc.v1.json")["revision"].as_str(),
        Some("20261101")
    );
    assert_eq!(
        scratch.read("apigateway.v1.json"),
        saved("apigateway.v1.json")
    );
    assert_eq!(scratch.entry("apigateway.v1.json"), apigateway_entry);
}

#[test]
fn a_hand_written_document_becomes_published_only_when_asked_and_found() {
    let server = Server::start();
    let path = directory_path("cloudaicompanion", "v1");

    // Asked, but not published: it stays as it is, and that is no failure.
    let scratch = Scratch::new("hand-404");
    let before = scratch.snapshot();
    let run = scratch.run(&[
        "fetch",
        "--base-url",
        &server.base,
        "--include-hand-written",
        "cloudaicompanion.v1",
    ]);
    assert!(run.ok, "{run:?}");
    assert!(run.stdout.contains(&format!(
        "cloudaicompanion.v1: still not published (HTTP 404 Not Found from {}{}); stays hand-written\n",
        server.base,
        &path[1..]
    )), "{run:?}");
    assert_eq!(scratch.snapshot(), before);

    // Published now: saved, and its entry says so.
    let published = newer("cloudaicompanion.v1.json", "20261120");
    server.route(&path, Reply::Body(published.clone()));
    let scratch = Scratch::new("hand-published");
    let run = scratch.run(&["fetch", "--base-url", &server.base, "cloudaicompanion.v1"]);
    assert!(run.ok, "{run:?}");
    assert!(
        run.stdout
            .contains("cloudaicompanion.v1: hand-written; skipped")
    );
    let run = scratch.run(&[
        "fetch",
        "--base-url",
        &server.base,
        "--include-hand-written",
        "cloudaicompanion.v1",
    ]);
    assert!(run.ok, "{run:?}");
    assert!(
        run.stdout
            .contains("cloudaicompanion.v1: revision 20250825 → 20261120 (from "),
        "{run:?}"
    );
    assert_eq!(scratch.read("cloudaicompanion.v1.json"), published);
    let entry = scratch.entry("cloudaicompanion.v1.json");
    assert_eq!(entry["origin"].as_str(), Some("published"));
    assert_eq!(
        entry["discovery_url"].as_str(),
        Some("https://www.googleapis.com/discovery/v1/apis/cloudaicompanion/v1/rest")
    );
    assert_eq!(entry["revision"].as_str(), Some("20261120"));
}

#[test]
fn a_service_host_url_is_asked_at_its_own_path() {
    let scratch = Scratch::new("host");
    let manifest = scratch.discovery.join("SOURCES.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "https://www.googleapis.com/discovery/v1/apis/workspaceevents/v1/rest",
        "https://workspaceevents.googleapis.com/$discovery/rest?version=v1",
    );
    std::fs::write(&manifest, text).unwrap();
    let server = Server::start();
    let new = newer("workspaceevents.v1.json", "20261010");
    server.route("/$discovery/rest?version=v1", Reply::Body(new.clone()));

    let run = scratch.run(&["fetch", "--base-url", &server.base, "workspaceevents.v1"]);
    assert!(run.ok, "{run:?}");
    assert_eq!(server.hits(), ["/$discovery/rest?version=v1"]);
    assert_eq!(scratch.read("workspaceevents.v1.json"), new);
    let entry = scratch.entry("workspaceevents.v1.json");
    assert_eq!(
        entry["discovery_url"].as_str(),
        Some("https://workspaceevents.googleapis.com/$discovery/rest?version=v1")
    );
    assert_eq!(
        entry["source"].as_str(),
        Some(format!("{}$discovery/rest?version=v1", server.base).as_str())
    );
}

#[test]
fn documents_from_a_folder_record_where_they_came_from() {
    let scratch = Scratch::new("from");
    let folder = scratch.root.join("documents");
    std::fs::create_dir_all(&folder).unwrap();
    let new = newer("apigateway.v1.json", "20261105");
    std::fs::write(folder.join("apigateway.v1.json"), &new).unwrap();
    std::fs::write(folder.join("dataproc.v1.json"), saved("dataproc.v1.json")).unwrap();
    let workspaceevents = scratch.entry("workspaceevents.v1.json");

    let run = scratch.run(&[
        "fetch",
        "--from",
        folder.to_str().unwrap(),
        "--from-label",
        "google-api-python-client 9.9.9 (PyPI wheel), googleapiclient/discovery_cache/documents",
    ]);
    assert!(!run.ok, "{run:?}");
    assert!(
        run.stdout
            .contains("dataproc.v1: unchanged (revision 20261023)\n")
    );
    assert!(
        run.stderr.contains(&format!(
            "error: workspaceevents.v1: no workspaceevents.v1.json in {}; ",
            folder.display()
        )),
        "{run:?}"
    );
    assert_eq!(scratch.entry("workspaceevents.v1.json"), workspaceevents);
    assert_eq!(scratch.read("apigateway.v1.json"), new);
    assert_eq!(
        scratch.entry("apigateway.v1.json")["source"].as_str(),
        Some(
            "google-api-python-client 9.9.9 (PyPI wheel), googleapiclient/discovery_cache/documents/apigateway.v1.json"
        )
    );
}

#[test]
fn a_service_the_manifest_does_not_list_is_added() {
    let scratch = Scratch::new("new-service");
    let server = Server::start();
    let doc = serde_json::to_vec(&json!({
        "kind": "discovery#restDescription",
        "name": "demo", "version": "v1", "revision": "20260101",
        "rootUrl": "https://demo.googleapis.com/", "servicePath": "",
        "auth": {"oauth2": {"scopes": {"https://www.googleapis.com/auth/cloud-platform": {}}}},
        "resources": {"operations": {"methods": {"get": {
            "id": "demo.operations.get", "path": "v1/{+name}", "httpMethod": "GET",
            "parameters": {"name": {"type": "string", "location": "path", "required": true}},
            "parameterOrder": ["name"], "response": {"$ref": "Op"},
            "scopes": ["https://www.googleapis.com/auth/cloud-platform"]
        }}}},
        "schemas": {"Op": {"id": "Op", "type": "object", "properties": {
            "name": {"type": "string"}, "done": {"type": "boolean"}, "error": {"type": "object"}
        }}}
    }))
    .unwrap();
    server.route(&directory_path("demo", "v1"), Reply::Body(doc.clone()));

    let run = scratch.run(&[
        "fetch",
        "--base-url",
        &server.base,
        "demo.v1",
        "nodot",
        "../escape.v1",
    ]);
    assert!(!run.ok, "{run:?}");
    assert!(run.stdout.contains(&format!(
        "demo.v1: new service, revision 20260101 (from {}discovery/v1/apis/demo/v1/rest): 1 builders, 1 models, 1 scopes\n",
        server.base
    )), "{run:?}");
    assert!(
        run.stderr
            .contains("error: nodot: not a NAME.VERSION of a service; nothing was written\n"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "error: ../escape.v1: not a NAME.VERSION of a service; nothing was written\n"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr
            .ends_with("error: 2 of 3 failed: nodot, ../escape.v1\n")
    );
    assert!(!scratch.root.join("escape.v1.json").exists());
    assert_eq!(server.hits(), [directory_path("demo", "v1")]);
    assert_eq!(scratch.read("demo.v1.json"), doc);
    assert_eq!(
        scratch.listed(),
        [
            "apigateway.v1.json",
            "cloudaicompanion.v1.json",
            "dataproc.v1.json",
            "demo.v1.json",
            "workspaceevents.v1.json"
        ]
    );
    let entry = scratch.entry("demo.v1.json");
    assert_eq!(entry["origin"].as_str(), Some("published"));
    assert_eq!(entry["sha256"].as_str(), Some(sha256(&doc).as_str()));
    assert_eq!(
        entry["discovery_url"].as_str(),
        Some("https://www.googleapis.com/discovery/v1/apis/demo/v1/rest")
    );
}

#[test]
fn a_document_without_an_operations_collection_is_refused() {
    let scratch = Scratch::new("no-collection");
    let folder = scratch.root.join("documents");
    std::fs::create_dir_all(&folder).unwrap();
    // `unitOperations` is named like a collection, but its `get` gives an ordinary resource.
    let doc = serde_json::to_vec(&json!({
        "kind": "discovery#restDescription",
        "name": "units", "version": "v1", "revision": "20260101",
        "rootUrl": "https://units.googleapis.com/", "servicePath": "",
        "resources": {"unitOperations": {"methods": {"get": {
            "id": "units.unitOperations.get", "path": "v1/{+name}", "httpMethod": "GET",
            "parameters": {"name": {"type": "string", "location": "path", "required": true}},
            "parameterOrder": ["name"], "response": {"$ref": "UnitOperation"}
        }}}},
        "schemas": {"UnitOperation": {"id": "UnitOperation", "type": "object", "properties": {
            "name": {"type": "string"}, "state": {"type": "string"}
        }}}
    }))
    .unwrap();
    std::fs::write(folder.join("units.v1.json"), doc).unwrap();
    let before = scratch.snapshot();

    let run = scratch.run(&[
        "fetch",
        "--from",
        folder.to_str().unwrap(),
        "--from-label",
        "a test",
        "units.v1",
    ]);
    assert!(!run.ok, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: units.v1: the document from a test/units.v1.json: the generator rejects it: \
             resources: no operations collection (a resource named `operations`, or ending in \
             `Operations`, whose `get` responds with an operation), so there is nothing to \
             generate; nothing was written\n"
        ),
        "{run:?}"
    );
    assert_eq!(scratch.snapshot(), before);
}

#[test]
fn changes_prints_what_fetch_would_and_writes_nothing() {
    let scratch = Scratch::new("changes");
    let server = Server::start();
    serve_saved(&server);
    // A breaking change: the operation loses `name`, and a description changes.
    let new = edited("apigateway.v1.json", |doc| {
        doc["revision"] = "20261105".into();
        let op = &mut doc["schemas"]["ApigatewayOperation"];
        op["properties"].as_object_mut().unwrap().remove("name");
        op["description"] = "Changed.".into();
    });
    server.route(
        &directory_path("apigateway", "v1"),
        Reply::Body(new.clone()),
    );
    let file = scratch.root.join("apigateway-new.json");
    std::fs::write(&file, &new).unwrap();
    let before = scratch.snapshot();
    // The schema was the runtime's shared Operation; without `name` it is a model of its own,
    // and the line says which property made it so.
    let want = "1 change, BREAKING\n  \
                BREAKING: model ApigatewayOperation: no longer the runtime's Operation, now one of its own: \
                property name removed (the runtime's Operation has name: string)\n";

    let run = scratch.run(&["changes", "--against", file.to_str().unwrap()]);
    assert!(run.ok, "{run:?}");
    assert!(
        run.stdout.starts_with(&format!(
            "apigateway.v1: revision 20261028 → 20261105 (from {}): {want}",
            file.display()
        )),
        "{run:?}"
    );

    let run = scratch.run(&["changes", "--base-url", &server.base]);
    assert!(run.ok, "{run:?}");
    assert!(run.stdout.contains(&format!(
        "apigateway.v1: revision 20261028 → 20261105 (from {}discovery/v1/apis/apigateway/v1/rest): {want}",
        server.base
    )), "{run:?}");
    assert!(
        run.stdout
            .contains("dataproc.v1: the same as the saved document (revision 20261023)\n")
    );
    assert!(
        run.stdout
            .contains("cloudaicompanion.v1: hand-written; skipped")
    );

    // An older document can be looked at; it is only noted.
    let older = scratch.root.join("older.json");
    std::fs::write(&older, newer("apigateway.v1.json", "20250101")).unwrap();
    let run = scratch.run(&["changes", "--against", older.to_str().unwrap()]);
    assert!(run.ok, "{run:?}");
    assert!(
        run.stdout
            .contains("revision 20261028 → 20250101 (older than the saved revision)"),
        "{run:?}"
    );

    // A file that is no Discovery document is named.
    let bad = scratch.root.join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let run = scratch.run(&["changes", "--against", bad.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(
        run.stderr.starts_with(&format!(
            "error: {}: not a Discovery document (no name and version)\n",
            bad.display()
        )),
        "{run:?}"
    );

    assert_eq!(scratch.snapshot(), before, "changes never writes");
}

/// Some APIs are not in the Discovery directory but publish their document at their own host
/// (`https://redis.googleapis.com/$discovery/rest?version=v1`): a new service missing from
/// the directory is looked for there, and recorded with that address.
#[test]
fn a_service_missing_from_the_directory_is_taken_from_its_own_host() {
    let scratch = Scratch::new("own-host");
    let server = Server::start();
    let doc = serde_json::to_vec(&json!({
        "kind": "discovery#restDescription",
        "name": "redis", "version": "v1", "revision": "20261101",
        "rootUrl": "https://redis.googleapis.com/", "servicePath": "",
        "resources": {"projects": {"resources": {"locations": {"resources": {"operations": {"methods": {"get": {
            "id": "redis.projects.locations.operations.get", "path": "v1/{+name}", "httpMethod": "GET",
            "parameters": {"name": {"type": "string", "location": "path", "required": true,
                "pattern": "^projects/[^/]+/locations/[^/]+/operations/[^/]+$"}},
            "parameterOrder": ["name"], "response": {"$ref": "Operation"}
        }}}}}}}},
        "schemas": {"Operation": {"id": "Operation", "type": "object", "properties": {
            "name": {"type": "string"}, "done": {"type": "boolean"}, "error": {"type": "object"}
        }}}
    }))
    .unwrap();
    server.route("/$discovery/rest?version=v1", Reply::Body(doc.clone()));

    let run = scratch.run(&["fetch", "--base-url", &server.base, "redis.v1"]);
    assert!(run.ok, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "redis.v1: new service, revision 20261101 (from {}$discovery/rest?version=v1)",
            server.base
        )),
        "{run:?}"
    );
    assert_eq!(
        server.hits(),
        [
            directory_path("redis", "v1"),
            "/$discovery/rest?version=v1".to_owned()
        ]
    );
    assert_eq!(scratch.read("redis.v1.json"), doc);
    let entry = scratch.entry("redis.v1.json");
    assert_eq!(
        entry["discovery_url"].as_str(),
        Some("https://redis.googleapis.com/$discovery/rest?version=v1")
    );

    // Missing at both: the error names both places, and nothing is written.
    let run = scratch.run(&["fetch", "--base-url", &server.base, "nosuch.v2"]);
    assert!(!run.ok, "{run:?}");
    assert!(
        run.stderr.contains("discovery/v1/apis/nosuch/v2/rest")
            && run.stderr.contains("$discovery/rest?version=v2"),
        "{run:?}"
    );
    assert!(!scratch.root.join("nosuch.v2.json").exists());
    // The test server stands for every host: a document of another service found at the
    // fallback address is refused as any wrong document is.
    let run = scratch.run(&["fetch", "--base-url", &server.base, "nosuch.v1"]);
    assert!(!run.ok, "{run:?}");
    assert!(
        run.stderr.contains("describes redis.v1, not nosuch.v1"),
        "{run:?}"
    );
}
