//! The resolver: every collection `get`'s doc example (its name and its URL) resolves back to
//! that builder, and hostile inputs are refused.

use google_operations::{ResolveError, resolve};

/// Each collection `get` of every saved document, as the generator describes it: its module,
/// Discovery id, example arguments and the URL they give.
struct Example {
    module: String,
    id: String,
    args: Vec<String>,
    url: String,
}

/// The sample arguments the generator gives the `get` of each polled collection of the saved
/// documents, and the URL it writes from them, asked of the generator.
fn examples() -> Vec<Example> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../discovery"));
    let sources = codegen::load::read_dir(dir, "discovery").unwrap();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for source in &sources {
        let doc = codegen::load::document(&source.file, &source.text).unwrap();
        let Some(service) = codegen::extract::service(&source.file, &doc, &mut warnings).unwrap()
        else {
            continue;
        };
        for (_, m, _) in service.polled() {
            let Some(codegen::ir::Example { args, url }) = &m.example else {
                continue;
            };
            // The resolver refuses percent escapes, which no operation's name needs.
            if url.contains('%') {
                continue;
            }
            out.push(Example {
                module: service.module.clone(),
                id: m.id.clone(),
                args: args.clone(),
                url: url.clone(),
            });
        }
    }
    out
}

#[test]
fn every_example_url_and_name_resolves_back_to_its_builder() {
    let examples = examples();
    // Every service of the build has its collections' examples here.
    for service in google_operations::SERVICES {
        let module = format!("{}_{}", service.name, service.version).replace(['.', '-'], "_");
        assert!(
            examples.iter().any(|e| e.module == module),
            "no example of {module}"
        );
    }
    let mut by_name = 0;
    for e in &examples {
        // A URL names its service by host and version; the module hint is not needed.
        let get = resolve(&e.url, None).unwrap_or_else(|err| panic!("{}: {err}", e.url));
        assert_eq!(get.method().id, e.id, "{}", e.url);
        assert_eq!(get.url(), e.url);
        // A single-argument builder whose argument is a path is given the operation's full
        // name; with the module as hint it resolves to the same request.
        if let [name] = e.args.as_slice()
            && name.contains('/')
        {
            match resolve(name, Some(&e.module)) {
                Ok(get) => {
                    assert_eq!(get.method().id, e.id, "{name} in {}", e.module);
                    assert_eq!(get.url(), e.url);
                    by_name += 1;
                }
                // Two collections of one service that take the same names at different URLs
                // (Video Intelligence's `v1/{+name}` and `v1/operations/{+name}`): the name
                // alone cannot tell them apart, and the error names both.
                Err(ResolveError::Ambiguous { candidates, .. }) => {
                    let own = format!("{}: {}", e.module, e.id);
                    assert!(candidates.contains(&own), "{own} not in {candidates:?}");
                }
                Err(err) => panic!("{name}: {err}"),
            }
        }
    }
    assert!(by_name > 0);
}

#[test]
fn compute_self_links_resolve_to_the_compute_host() {
    if !google_operations::SERVICES
        .iter()
        .any(|s| s.name == "compute" && s.version == "v1")
    {
        return;
    }
    let get = resolve(
        "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1",
        None,
    )
    .unwrap();
    assert_eq!(get.method().id, "compute.zoneOperations.get");
    assert_eq!(
        get.url(),
        "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1"
    );
    let region = resolve(
        "projects/p/regions/us-central1/operations/op-2",
        Some("compute_v1"),
    )
    .unwrap();
    assert_eq!(region.method().id, "compute.regionOperations.get");
}

#[test]
fn a_bare_name_shared_by_services_is_ambiguous_until_a_hint_picks_one() {
    let err = resolve("projects/p/locations/l/operations/o", None).unwrap_err();
    let ResolveError::Ambiguous { candidates, .. } = &err else {
        panic!("{err}");
    };
    assert!(
        candidates.contains(&"dataproc_v1: dataproc.projects.locations.operations.get".to_owned()),
        "{candidates:?}"
    );
    assert!(err.to_string().contains("name the service"), "{err}");
    let get = resolve("projects/p/locations/l/operations/o", Some("dataproc")).unwrap();
    assert_eq!(
        get.method().id,
        "dataproc.projects.locations.operations.get"
    );
    assert!(matches!(
        resolve("projects/p/locations/l/operations/o", Some("nosuchservice")),
        Err(ResolveError::NoMatch { .. })
    ));
}

#[test]
fn hostile_inputs_are_refused() {
    let refused = [
        // Other hosts, look-alikes and userinfo.
        "https://evil.example/v1/projects/p/regions/r/operations/1",
        "https://dataproc.googleapis.com.evil.example/v1/projects/p/regions/r/operations/1",
        "https://evilgoogleapis.com/v1/projects/p/regions/r/operations/1",
        "https://dataproc.googleapis.com@evil.example/v1/projects/p/regions/r/operations/1",
        "https://user:pw@dataproc.googleapis.com/v1/projects/p/regions/r/operations/1",
        "https://dataproc.googleapis.com:8443/v1/projects/p/regions/r/operations/1",
        // A host an HTTP stack would read as `evil.com` with a port.
        "https://evil.com:1.googleapis.com:443/v1/projects/p/locations/l/operations/1",
        "https://evil.com:1.googleapis.com/v1/projects/p/locations/l/operations/1",
        "https://a_b.googleapis.com/v1/projects/p/locations/l/operations/1",
        "http://dataproc.googleapis.com/v1/projects/p/regions/r/operations/1",
        "file:///etc/passwd",
        // Climbing, empty segments, escapes.
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/../../../x",
        "projects/p/regions/r/operations/..",
        "projects/p/regions/./operations/1",
        "projects/p//regions/r/operations/1",
        "https://dataproc.googleapis.com/v1/projects%2Fp/regions/r/operations/1",
        "projects/p/regions/r/operations/1%2F..%2F..",
        // Query, fragment, whitespace.
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/1?alt=media",
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/1#x",
        "projects/p/regions/r/operations/1\n",
        "",
    ];
    for input in refused {
        match resolve(input, None) {
            Err(ResolveError::Refused { .. }) => {}
            other => panic!("{input:?} was not refused: {other:?}"),
        }
    }
    // A Google API host other than the service's is accepted, but the request goes to the
    // service's own root URL.
    let get = resolve(
        "https://europe-west1-dataproc.googleapis.com/v1/projects/p/regions/europe-west1/operations/1",
        None,
    )
    .unwrap();
    assert!(
        get.url().starts_with("https://dataproc.googleapis.com/"),
        "{}",
        get.url()
    );
    // A value its pattern refuses is no match.
    assert!(matches!(
        resolve("projects/p/regions/r/clusters/1", Some("dataproc_v1")),
        Err(ResolveError::NoMatch { .. })
    ));
}

#[test]
fn a_service_named_without_its_version_takes_the_stable_one() {
    let name =
        "projects/my-project/locations/us-central1/operations/operation-1678700000000-abcd1234";
    let get = resolve(name, Some("container")).unwrap();
    assert_eq!(get.service().version, "v1");
    assert_eq!(
        get.url(),
        format!("https://container.googleapis.com/v1/{name}")
    );
    // Named with its version, that version.
    let beta = resolve(name, Some("container_v1beta1")).unwrap();
    assert_eq!(beta.service().version, "v1beta1");
    // Unnamed, every API that fits is a candidate.
    assert!(matches!(
        resolve(name, None),
        Err(ResolveError::Ambiguous { .. })
    ));
}

#[test]
fn bare_names_match_paths_that_start_with_a_version() {
    let get = resolve("apps/my-app/operations/a1b2c3d4e5f6", Some("appengine_v1")).unwrap();
    assert_eq!(get.method().id, "appengine.apps.operations.get");
    assert_eq!(
        get.url(),
        "https://appengine.googleapis.com/v1/apps/my-app/operations/a1b2c3d4e5f6"
    );
    // The version in a bare name is not skipped: the name is what the service returns.
    assert!(
        resolve(
            "v1/apps/my-app/operations/a1b2c3d4e5f6",
            Some("appengine_v1")
        )
        .is_ok()
    );
}

/// Cloud Build returns and serves worker-pool operations under `v1/{+name}`, though its
/// document's pattern for operation names does not cover them (as a real one, identifiers
/// replaced).
const WORKER_POOL_OPERATION: &str = "projects/123456789012/locations/us-central1/workerPools/my-pool/operations/0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a";

#[test]
fn a_name_beyond_the_published_pattern_goes_through_when_tied_to_its_service() {
    let want = format!("https://cloudbuild.googleapis.com/v1/{WORKER_POOL_OPERATION}");
    // Named with its service.
    let get = resolve(WORKER_POOL_OPERATION, Some("cloudbuild_v1")).unwrap();
    assert_eq!(get.url(), want);
    assert!(
        get.method().id.starts_with("cloudbuild."),
        "{}",
        get.method().id
    );
    // Or as a URL on the service's own host.
    let get = resolve(&want, None).unwrap();
    assert_eq!(get.url(), want);
    // Not tied to Cloud Build, the name is not taken for one of its operations.
    assert!(
        !matches!(resolve(WORKER_POOL_OPERATION, None), Ok(r) if r.service().name == "cloudbuild")
    );
    // Tied, but not naming an operation: refused.
    assert!(
        resolve(
            "projects/123456789012/locations/us-central1/workerPools/my-pool",
            Some("cloudbuild_v1")
        )
        .is_err()
    );
    // Tied, but with a segment that would move the request: refused.
    assert!(
        resolve(
            "projects/p/locations/l/workerPools/../operations/x",
            Some("cloudbuild_v1")
        )
        .is_err()
    );
    // A URL names its host's service: on Dataproc's host it is Dataproc's, sent there.
    let on_dataproc = format!("https://dataproc.googleapis.com/v1/{WORKER_POOL_OPERATION}");
    let get = resolve(&on_dataproc, None).unwrap();
    assert_eq!(get.service().name, "dataproc");
    assert_eq!(get.url(), on_dataproc);
}

/// Vertex AI serves a location's resources only at that location's endpoint, which its
/// document publishes; names and URLs of its operations go there.
#[test]
fn locational_endpoints_by_default_and_published_hosts_recognised() {
    let name = "projects/my-project/locations/europe-west4/operations/123";
    let want = format!("https://europe-west4-aiplatform.googleapis.com/v1/{name}");
    let get = resolve(name, Some("aiplatform_v1")).unwrap();
    assert_eq!(get.url(), want);
    // The builder does the same.
    let typed =
        google_operations::aiplatform_v1::ProjectsLocationsOperationsGet::new(name).unwrap();
    assert_eq!(google_operations::Request::url(&typed), want);
    // A location with no locational endpoint (and `global`) stays on the root URL.
    let global = "projects/my-project/locations/global/operations/123";
    assert_eq!(
        resolve(global, Some("aiplatform_v1")).unwrap().url(),
        format!("https://aiplatform.googleapis.com/v1/{global}")
    );
    // A URL on the locational endpoint names the service, and is sent there.
    let get = resolve(&want, None).unwrap();
    assert_eq!(get.service().name, "aiplatform");
    assert_eq!(get.url(), want);
    // A URL on a regional endpoint is sent to that same published endpoint.
    let regional = "https://developerconnect.us-central1.rep.googleapis.com/v1/projects/my-project/locations/us-central1/operations/operation-1";
    let get = resolve(regional, None).unwrap();
    assert_eq!(get.service().name, "developerconnect");
    assert_eq!(get.url(), regional);
    // A look-alike of a published endpoint is no endpoint.
    assert!(
        resolve(
            "https://europe-west4-aiplatform.googleapis.com.evil.example/v1/projects/my-project/locations/europe-west4/operations/123",
            None
        )
        .is_err()
    );
    // A regional host the document does not publish names no service of the build: many
    // collections fit its path, so it is polled as a plain operation at the URL the user
    // gave, never sent to a service's root with another service's name.
    let unpublished = "https://developerconnect.mars-north1.rep.googleapis.com/v1/projects/my-project/locations/mars-north1/operations/operation-1";
    let get = resolve(unpublished, None).unwrap();
    assert!(get.is_unlisted());
    assert_eq!(get.url(), unpublished);
}

/// Memorystore, License Manager, Storage Insights, Vector Search and Speech v2 are not in the
/// Discovery directory; their operations are plain google.longrunning operations at
/// `https://SERVICE.googleapis.com/VERSION/…/operations/ID` (identifiers replaced).
#[test]
fn operations_of_apis_missing_from_the_directory_resolve_as_plain_operations() {
    for url in [
        "https://memorystore.googleapis.com/v1/projects/my-project/locations/us-central1/operations/operation-1700000000000-6a1b2c3d4e5f6-7a8b9c0d-1e2f3a4b",
        "https://licensemanager.googleapis.com/v1/projects/my-project/locations/global/operations/operation-1700000000001-abc",
        "https://storageinsights.googleapis.com/v1/projects/my-project/locations/us-central1/operations/operation-42",
        "https://vectorsearch.googleapis.com/v1beta/projects/my-project/locations/us-central1/operations/operation-7",
        "https://speech.googleapis.com/v2/projects/my-project/locations/global/operations/1234567890",
    ] {
        let get = resolve(url, None).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(get.is_unlisted(), "{url}: {}", get.method().id);
        assert_eq!(
            get.method().id,
            "google.longrunning.Operations.GetOperation"
        );
        assert_eq!(get.url(), url);
        let request = get.to_http().unwrap();
        assert_eq!(request.method(), "GET");
    }
    // Shipped services still resolve to their own collections.
    let dataproc = "https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/1";
    assert!(!resolve(dataproc, None).unwrap().is_unlisted());
    // Every refusal still applies, and only operation-shaped paths are taken.
    for input in [
        "https://memorystore.googleapis.com.evil.example/v1/projects/p/locations/l/operations/1",
        "http://memorystore.googleapis.com/v1/projects/p/locations/l/operations/1",
        "https://memorystore.googleapis.com:8443/v1/projects/p/locations/l/operations/1",
        "https://memorystore.googleapis.com/v1/projects/p/locations/l/instances/1",
        "https://memorystore.googleapis.com/projects/p/locations/l/operations/1",
        "https://memorystore.googleapis.com/v1/projects/p/../operations/1",
        "https://memorystore.googleapis.com/v1/projects/p/locations/l/operations/1?alt=json",
        "https://evil.com:1.googleapis.com:443/v1/projects/p/locations/l/operations/1",
        "https://googleapis.com/v1/projects/p/locations/l/operations/1",
    ] {
        assert!(resolve(input, None).is_err(), "{input}");
    }
    // With a service named, only that service's collections are candidates, and the request
    // goes to that service's own root URL.
    let named = resolve(
        "https://memorystore.googleapis.com/v1/projects/p/locations/l/operations/1",
        Some("dataproc_v1"),
    )
    .unwrap();
    assert_eq!(named.service().name, "dataproc");
    assert!(!named.is_unlisted());
    assert!(
        named.url().starts_with("https://dataproc.googleapis.com/"),
        "{}",
        named.url()
    );
}
