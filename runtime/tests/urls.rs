//! Every builder of the four services: the URL for ordinary names, names needing encoding,
//! and names refused before any request exists.

use google_operations::{
    Error, ParamProblem, Request, apigateway_v1, cloudaicompanion_v1, dataproc_v1,
    workspaceevents_v1,
};

#[test]
fn ordinary_names_give_the_urls_google_clients_build() {
    let cases = [
        (
            cloudaicompanion_v1::ProjectsLocationsOperationsGet::new(
                "projects/p1/locations/global/operations/op-1",
            )
            .unwrap()
            .url(),
            "https://cloudaicompanion.googleapis.com/v1/projects/p1/locations/global/operations/op-1",
        ),
        (
            dataproc_v1::ProjectsRegionsOperationsGet::new(
                "projects/p1/regions/us-central1/operations/abc_123",
            )
            .unwrap()
            .url(),
            "https://dataproc.googleapis.com/v1/projects/p1/regions/us-central1/operations/abc_123",
        ),
        (
            dataproc_v1::ProjectsLocationsOperationsGet::new(
                "projects/p1/locations/us-east1/operations/x.y~z",
            )
            .unwrap()
            .url(),
            "https://dataproc.googleapis.com/v1/projects/p1/locations/us-east1/operations/x.y~z",
        ),
        (
            workspaceevents_v1::OperationsGet::new("operations/a1b2c3")
                .unwrap()
                .url(),
            "https://workspaceevents.googleapis.com/v1/operations/a1b2c3",
        ),
        (
            apigateway_v1::ProjectsLocationsOperationsGet::new(
                "projects/p1/locations/global/operations/operation-1",
            )
            .unwrap()
            .url(),
            "https://apigateway.googleapis.com/v1/projects/p1/locations/global/operations/operation-1",
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
}

#[test]
fn builders_expose_discovery_ids_methods_and_scopes() {
    assert_eq!(
        cloudaicompanion_v1::ProjectsLocationsOperationsGet::METHOD.id,
        "cloudaicompanion.projects.locations.operations.get"
    );
    assert_eq!(
        dataproc_v1::ProjectsRegionsOperationsGet::METHOD.id,
        "dataproc.projects.regions.operations.get"
    );
    assert_eq!(
        dataproc_v1::ProjectsLocationsOperationsGet::METHOD.id,
        "dataproc.projects.locations.operations.get"
    );
    assert_eq!(
        workspaceevents_v1::OperationsGet::METHOD.id,
        "workspaceevents.operations.get"
    );
    assert_eq!(
        apigateway_v1::ProjectsLocationsOperationsGet::METHOD.id,
        "apigateway.projects.locations.operations.get"
    );

    let m = dataproc_v1::ProjectsRegionsOperationsGet::METHOD;
    assert_eq!(m.http_method, "GET");
    assert_eq!(m.path, "v1/{+name}");
    assert_eq!(m.service.name, "dataproc");
    let scopes: Vec<&str> = m.scopes.iter().map(|s| s.url).collect();
    assert_eq!(
        scopes,
        [
            "https://www.googleapis.com/auth/cloud-platform",
            "https://www.googleapis.com/auth/dataproc",
            "https://www.googleapis.com/auth/dataproc.read-only",
        ]
    );
    assert_eq!(dataproc_v1::scopes::CLOUD_PLATFORM.url, scopes[0]);
    assert_eq!(
        cloudaicompanion_v1::SERVICE.root_url,
        "https://cloudaicompanion.googleapis.com/"
    );
    assert_eq!(cloudaicompanion_v1::SERVICE.mtls_root_url, None);
    assert_eq!(
        apigateway_v1::SERVICE.mtls_root_url,
        Some("https://apigateway.mtls.googleapis.com/")
    );
    let events = workspaceevents_v1::OperationsGet::METHOD.scopes;
    assert_eq!(events.len(), 20);
    assert!(
        events
            .iter()
            .all(|s| workspaceevents_v1::scopes::ALL.contains(s))
    );
    assert!(!dataproc_v1::SERVICE.revision.is_empty());
}

#[test]
fn bytes_that_could_change_the_url_are_encoded() {
    // `[^/]+` lets these through; encoding keeps them inside their segment.
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(
        "projects/p/regions/r/operations/o?alt=media#x",
    )
    .unwrap();
    assert_eq!(
        get.url(),
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o%3Falt%3Dmedia%23x"
    );
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(
        "projects/p/regions/r/operations/50%off&a=b",
    )
    .unwrap();
    assert_eq!(
        get.url(),
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/50%25off%26a%3Db"
    );
    let get = workspaceevents_v1::OperationsGet::new("operations/ä b/c").unwrap();
    assert_eq!(
        get.url(),
        "https://workspaceevents.googleapis.com/v1/operations/%C3%A4%20b/c"
    );
}

#[test]
fn names_that_would_leave_their_path_are_refused() {
    let refused = |result: Result<dataproc_v1::ProjectsRegionsOperationsGet, Error>| match result {
        Err(Error::InvalidParameter {
            problem,
            parameter,
            method,
            ..
        }) => {
            assert_eq!(parameter, "name");
            assert_eq!(method, "dataproc.projects.regions.operations.get");
            problem
        }
        other => panic!("expected a refusal, got {other:?}"),
    };
    use dataproc_v1::ProjectsRegionsOperationsGet as Get;
    assert_eq!(
        refused(Get::new("projects/../regions/r/operations/o")),
        ParamProblem::DotSegment
    );
    assert_eq!(
        refused(Get::new("projects/p/regions/./operations/o")),
        ParamProblem::DotSegment
    );
    assert_eq!(
        refused(Get::new("projects/p/regions//operations/o")),
        ParamProblem::EmptySegment
    );
    assert_eq!(
        refused(Get::new("projects/p/locations/r/operations/o")),
        ParamProblem::PatternMismatch
    );
    assert_eq!(
        refused(Get::new("projects/p/regions/r/operations/o/extra")),
        ParamProblem::PatternMismatch
    );
    assert_eq!(refused(Get::new("")), ParamProblem::EmptySegment);

    // `^operations/.*$` lets anything through after the prefix; segments are still checked.
    assert!(workspaceevents_v1::OperationsGet::new("operations/a/../../b").is_err());
    assert!(workspaceevents_v1::OperationsGet::new("operations/").is_err());

    let err = Get::new("projects/p/zones/z/operations/o").unwrap_err();
    assert_eq!(
        err.to_string(),
        "dataproc.projects.regions.operations.get: parameter `name` = \"projects/p/zones/z/operations/o\" \
         does not match the parameter's pattern; expected projects/*/regions/*/operations/* \
         (pattern `^projects/[^/]+/regions/[^/]+/operations/[^/]+$`)"
    );
}

#[test]
fn standard_parameters_and_root_override() {
    let get =
        apigateway_v1::ProjectsLocationsOperationsGet::new("projects/p/locations/l/operations/o")
            .unwrap()
            .root_url("http://127.0.0.1:8080")
            .fields("done,error")
            .quota_user("user 1")
            .pretty_print(false);
    assert_eq!(
        get.url(),
        "http://127.0.0.1:8080/v1/projects/p/locations/l/operations/o\
         ?fields=done%2Cerror&prettyPrint=false&quotaUser=user%201"
    );
    let debug = format!("{get:?}");
    assert!(
        debug.contains("\"name\", \"projects/p/locations/l/operations/o\""),
        "{debug}"
    );

    let http = get.to_http().unwrap();
    assert_eq!(http.method(), http::Method::GET);
    assert_eq!(http.uri().host(), Some("127.0.0.1"));
    assert_eq!(http.headers()["accept"], "application/json");
    // `gl-rust/1.95.0 google-operations/0.1.0`: the compiler's version, then this crate's.
    let api_client = http.headers()["x-goog-api-client"].to_str().unwrap();
    let (rust, krate) = api_client.split_once(' ').unwrap();
    let rust = rust.strip_prefix("gl-rust/").unwrap();
    assert!(
        rust.split('.').count() == 3 && rust.split('.').all(|n| n.parse::<u32>().is_ok()),
        "{api_client}"
    );
    assert_eq!(
        krate,
        concat!("google-operations/", env!("CARGO_PKG_VERSION"))
    );

    let bad_root = workspaceevents_v1::OperationsGet::new("operations/o")
        .unwrap()
        .root_url("not a url");
    assert!(matches!(bad_root.to_http(), Err(Error::InvalidUrl { .. })));
}

/// Dataproc publishes regional endpoints (`https://dataproc.LOCATION.rep.googleapis.com/`) for
/// 19 locations; a request goes there only when asked, and only for a location the document
/// names; `root_url` wins over both.
#[test]
fn regional_endpoints_when_asked_for_the_locations_the_document_names() {
    let name = "projects/p1/regions/europe-west3/operations/op-1";
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(name).unwrap();
    assert_eq!(
        get.url(),
        format!("https://dataproc.googleapis.com/v1/{name}")
    );
    let regional = get.clone().regional_endpoint();
    assert_eq!(
        regional.url(),
        format!("https://dataproc.europe-west3.rep.googleapis.com/v1/{name}")
    );
    let request = regional.to_http().unwrap();
    assert_eq!(
        request.uri().host(),
        Some("dataproc.europe-west3.rep.googleapis.com")
    );
    // `locations/…` names count as `regions/…` do.
    let by_location = dataproc_v1::ProjectsLocationsOperationsGet::new(
        "projects/p1/locations/us-east4/operations/op-2",
    )
    .unwrap()
    .regional_endpoint();
    assert!(
        by_location
            .url()
            .starts_with("https://dataproc.us-east4.rep.googleapis.com/v1/"),
        "{}",
        by_location.url()
    );
    // A location without a published regional endpoint stays on the service's root URL.
    let elsewhere = dataproc_v1::ProjectsRegionsOperationsGet::new(
        "projects/p1/regions/australia-southeast1/operations/op-3",
    )
    .unwrap()
    .regional_endpoint();
    assert!(
        elsewhere
            .url()
            .starts_with("https://dataproc.googleapis.com/v1/"),
        "{}",
        elsewhere.url()
    );
    // An explicit root URL wins.
    let chosen = regional.root_url("https://dataproc.example.internal/");
    assert!(
        chosen
            .url()
            .starts_with("https://dataproc.example.internal/v1/"),
        "{}",
        chosen.url()
    );
    // Services without endpoints are unchanged.
    let gateway = apigateway_v1::ProjectsLocationsOperationsGet::new(
        "projects/p1/locations/europe-west3/operations/op-4",
    )
    .unwrap()
    .regional_endpoint();
    assert!(
        gateway
            .url()
            .starts_with("https://apigateway.googleapis.com/v1/"),
        "{}",
        gateway.url()
    );
}

/// A root URL the client is given wins over the endpoint the resolver read from the user's
/// URL, as over any other; and a host with a `:` inside is no Google API host.
#[test]
fn resolved_endpoints_yield_to_a_chosen_root_and_hosts_are_plain_labels() {
    let url = "https://dataproc.europe-west3.rep.googleapis.com/v1/projects/p/regions/europe-west3/operations/1";
    let get = google_operations::resolve(url, None).unwrap();
    assert_eq!(get.url(), url);
    let chosen = get.root_url("http://127.0.0.1:9/");
    assert_eq!(
        chosen.url(),
        "http://127.0.0.1:9/v1/projects/p/regions/europe-west3/operations/1"
    );
    for hostile in [
        "https://evil.com:1.googleapis.com:443/v1/projects/p/regions/r/operations/1",
        "https://evil.com:1.googleapis.com/v1/projects/p/regions/r/operations/1",
        // A bidirectional override would reorder the name wherever it is shown.
        "projects/p/regions/r/operations/1\u{202e}gnp.exe",
        "projects/p/regions/r/operations/\u{2066}1",
    ] {
        assert!(
            google_operations::resolve(hostile, None).is_err(),
            "{hostile}"
        );
    }
}
