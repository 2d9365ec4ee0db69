//! The `google-operations-wait` program against a server on 127.0.0.1: in a pseudo-terminal
//! (the screen a person sees, read by a terminal emulator) and with its output piped.

mod terminal;

use std::process::{Command, Output};
use std::time::Duration;

use terminal::Terminal;
use testserver::{Reply, Response, Server};

const PROGRAM: &str = env!("CARGO_BIN_EXE_google-operations-wait");
const DATAPROC_NAME: &str = "projects/p/regions/us-central1/operations/op-1";

fn dataproc(done: bool) -> String {
    let mut op = serde_json::json!({
        "name": DATAPROC_NAME,
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
            "clusterName": "analytics",
            "status": {"state": if done { "DONE" } else { "RUNNING" }, "details": "Creating 2 workers"},
        },
    });
    if done {
        op["done"] = true.into();
        op["response"] = serde_json::json!({"@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", "clusterName": "analytics"});
    }
    op.to_string()
}

fn run(server: &Server, args: &[&str]) -> Output {
    Command::new(PROGRAM)
        .args(args)
        .args(["--endpoint", &server.root_url()])
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token")
        .output()
        .unwrap()
}

#[test]
fn retries_show_as_they_happen() {
    let server = Server::start(|n, _| {
        match n {
        2 => Response::json(
            503,
            r#"{"error": {"code": 503, "message": "backend unavailable", "status": "UNAVAILABLE"}}"#,
        )
        .into(),
        _ => Response::json(200, dataproc(n >= 4)).into(),
    }
    });
    let out = run(
        &server,
        &[
            DATAPROC_NAME,
            "--service",
            "dataproc_v1",
            "--interval",
            "50ms",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("(retries: 1, last: "))
        .unwrap_or_else(|| panic!("no retry line: {stderr}"));
    assert!(line.contains("backend unavailable"), "{line}");
    assert!(
        line.contains("(retries: 1, last: dataproc.projects.regions.operations.get: HTTP 503"),
        "the cause as text, not quoted: {line}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn piped_output_is_plain_lines_and_json_events_on_stdout() {
    let server = Server::start(|n, _| Response::json(200, dataproc(n >= 3)).into());
    let out = run(
        &server,
        &[
            DATAPROC_NAME,
            "--service",
            "dataproc_v1",
            "--interval",
            "50ms",
            "--output",
            "json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("RUNNING Creating 2 workers"),
        "no progress line: {stderr}"
    );
    assert!(stderr.contains("done after"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in piped output: {stderr:?}"
    );
    // One line per change, not per poll.
    assert_eq!(stderr.matches("RUNNING Creating").count(), 1, "{stderr}");
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    // Seen running, then done: the state changes once (RUNNING to DONE).
    assert_eq!(
        kinds,
        ["started", "progress", "progress", "done"],
        "{events:?}"
    );
    assert!(events.iter().all(|e| e["name"] == DATAPROC_NAME));
    assert_eq!(events[1]["state"], "RUNNING");
    assert_eq!(events[1]["stage"], "Creating 2 workers");
    assert_eq!(events[2]["changed"], serde_json::json!(["state"]));
    assert_eq!(events[3]["operation"]["done"], true);
    assert_eq!(
        events[3]["operation"]["response"]["clusterName"],
        "analytics"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].path(), format!("/v1/{DATAPROC_NAME}"));
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer test-token")
    );
}

#[test]
fn exit_codes_tell_failed_deadline_and_usage_apart() {
    let failed = Server::start(|_, _| {
        Response::json(
            200,
            format!(
                r#"{{"name": "{DATAPROC_NAME}", "done": true, "error": {{"code": 9, "message": "Cluster is in ERROR state."}}}}"#
            ),
        )
        .into()
    });
    let out = run(&failed, &[DATAPROC_NAME, "--service", "dataproc_v1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("FAILED_PRECONDITION (9): Cluster is in ERROR state.")
    );

    let slow = Server::start(|_, _| Response::json(200, dataproc(false)).into());
    let out = run(
        &slow,
        &[
            DATAPROC_NAME,
            "--service",
            "dataproc_v1",
            "--deadline",
            "300ms",
            "--interval",
            "100ms",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The next poll would come after the deadline: the wait gives up, and says so.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not done; gave up after ")
            && stderr.contains(" later, after the deadline of 300ms"),
        "{stderr}"
    );

    // A name many services share, without a service: usage, and nothing is sent.
    let none = Server::start(|_, _| Response::json(200, dataproc(true)).into());
    let out = run(&none, &["projects/p/locations/l/operations/o"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name the service"));
    let out = run(
        &none,
        &["https://evil.example/v1/projects/p/regions/r/operations/1"],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&none, &[DATAPROC_NAME, "--deadline", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(none.requests().is_empty());
}

#[test]
fn on_a_terminal_a_bar_shows_elapsed_state_percent_and_stage() {
    // Compute: a server-side `wait` that answers 40% done, then holds the next answer back
    // while the screen is read, then done.
    let server = Server::start(|n, _| {
        let body = match n {
            1 => {
                r#"{"kind": "compute#operation", "name": "operation-1", "status": "RUNNING", "progress": 40, "statusMessage": "Creating instance"}"#
            }
            _ => {
                r#"{"kind": "compute#operation", "name": "operation-1", "status": "DONE", "progress": 100}"#
            }
        };
        let reply: Reply = Response::json(200, body).into();
        if n == 1 {
            reply
        } else {
            reply.after(Duration::from_millis(2500))
        }
    });
    let args = [
        "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1",
        "--endpoint",
        &server.root_url(),
        "--interval",
        "100ms",
    ];
    let mut terminal = Terminal::start(PROGRAM, &args.map(String::from));
    assert!(
        terminal.shows(|s: &str| s.contains("RUNNING 40% Creating instance")),
        "no progress on screen:\n{}",
        terminal.text()
    );
    let running = terminal.text();
    assert!(
        running.contains("/compute/v1/projects/p/zones/us-central1-a/operations/operation-1 (compute.zoneOperations.get)"),
        "{running}"
    );
    assert!(running.contains("[=========>"), "no bar at 40%:\n{running}");
    println!("screen while waiting:\n{running}");
    assert!(
        terminal.shows(|s: &str| s.contains("done after")),
        "{}",
        terminal.text()
    );
    assert!(terminal.success());
    assert!(
        !terminal.text().contains("RUNNING 40%"),
        "the bar is not cleared:\n{}",
        terminal.text()
    );
    let requests = server.requests();
    assert!(
        requests[0].path().ends_with("/operations/operation-1/wait"),
        "{}",
        requests[0].path()
    );
}

#[test]
fn an_operation_done_at_the_first_poll_is_never_shown_running() {
    // API Gateway's operation metadata names no state: only `done` tells.
    let name = "projects/p/locations/global/operations/operation-1";
    let server = Server::start(move |_, _| {
        Response::json(
            200,
            serde_json::json!({"name": name, "done": true, "response": {"@type": "type.googleapis.com/google.cloud.apigateway.v1.Gateway"}}).to_string(),
        )
        .into()
    });
    let out = run(&server, &[name, "--service", "apigateway_v1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("RUNNING"), "{stderr}");
    assert!(stderr.contains("] DONE\n"), "{stderr}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_wait_past_its_deadline_after_failed_polls_names_the_operation() {
    let server = Server::start(|_, _| {
        Response::json(
            503,
            r#"{"error": {"code": 503, "message": "backend unavailable", "status": "UNAVAILABLE"}}"#,
        )
        .into()
    });
    let out = run(
        &server,
        &[
            DATAPROC_NAME,
            "--service",
            "dataproc_v1",
            "--deadline",
            "1s",
            "--interval",
            "100ms",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("operation {DATAPROC_NAME} is not done")),
        "{stderr}"
    );
    assert!(!stderr.contains("(unnamed)"), "{stderr}");
}

/// Runs the program with no endpoint override, its HTTPS traffic sent through a proxy on
/// 127.0.0.1 that answers every `CONNECT` with 502: what the proxy records is the host each
/// request was addressed to. Nothing reaches the network, and no token crosses the proxy.
fn run_through_proxy(args: &[&str]) -> (Output, Vec<testserver::Request>) {
    let proxy = Server::start(|_, _| Response::new(502).into());
    let out = Command::new(PROGRAM)
        .args(args)
        .args(["--deadline", "1s", "--interval", "200ms"])
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token")
        .env("HTTPS_PROXY", proxy.root_url())
        .env("https_proxy", proxy.root_url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    let requests = proxy.requests();
    for r in &requests {
        assert!(
            !format!("{r:?}").contains("test-token"),
            "the token crossed the proxy: {r:?}"
        );
    }
    (out, requests)
}

fn connected_hosts(requests: &[testserver::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

#[test]
fn vertex_ai_operations_go_to_their_locational_endpoint() {
    let name = "projects/my-project/locations/europe-west4/operations/123";
    let (out, requests) = run_through_proxy(&[name, "--service", "aiplatform_v1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let hosts = connected_hosts(&requests);
    assert!(!hosts.is_empty(), "{stderr}");
    assert!(
        hosts
            .iter()
            .all(|h| h == "CONNECT europe-west4-aiplatform.googleapis.com:443"),
        "{hosts:?}"
    );
    // The same operation by the URL on that endpoint: recognised, and sent there.
    let url = format!("https://europe-west4-aiplatform.googleapis.com/v1/{name}");
    let (out, requests) = run_through_proxy(&[&url]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("fits"), "{stderr}");
    let hosts = connected_hosts(&requests);
    assert!(!hosts.is_empty(), "{stderr}");
    assert!(
        hosts
            .iter()
            .all(|h| h == "CONNECT europe-west4-aiplatform.googleapis.com:443"),
        "{hosts:?}"
    );
}

#[test]
fn regional_urls_stay_in_their_region_and_regional_asks_for_it() {
    let url = "https://developerconnect.us-central1.rep.googleapis.com/v1/projects/my-project/locations/us-central1/operations/operation-1";
    let (_, requests) = run_through_proxy(&[url]);
    let hosts = connected_hosts(&requests);
    assert!(!hosts.is_empty());
    assert!(
        hosts
            .iter()
            .all(|h| h == "CONNECT developerconnect.us-central1.rep.googleapis.com:443"),
        "{hosts:?}"
    );
    let name = "projects/my-project/regions/europe-west3/operations/op-1";
    let (_, requests) = run_through_proxy(&[name, "--service", "dataproc_v1", "--regional"]);
    let hosts = connected_hosts(&requests);
    assert!(!hosts.is_empty());
    assert!(
        hosts
            .iter()
            .all(|h| h == "CONNECT dataproc.europe-west3.rep.googleapis.com:443"),
        "{hosts:?}"
    );
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let out = Command::new(PROGRAM)
        .args([
            "projects/my-project/regions/europe-west3/operations/op-1",
            "--service",
            "dataproc",
            "--regional",
            "--dry-run",
        ])
        .env_remove("GOOGLE_OAUTH_ACCESS_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "GET https://dataproc.europe-west3.rep.googleapis.com/v1/projects/my-project/regions/europe-west3/operations/op-1\n"
    );
}
