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
    // A rate that is no number of requests a second, or under one an hour.
    for rate in ["0", "-1", "nan", "inf", "0.0001", "fast"] {
        let out = run(&none, &[DATAPROC_NAME, &format!("--rate={rate}")]);
        assert_eq!(out.status.code(), Some(2), "--rate {rate}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("requests a second"), "{stderr}");
    }
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

#[test]
fn universe_domains_send_to_their_hosts_and_refuse_googleapis_urls() {
    let name = "projects/my-project/regions/u-france-east1/operations/op-1";
    let (out, requests) = run_through_proxy(&[
        name,
        "--service",
        "dataproc",
        "--universe-domain",
        "s3nsapis.fr",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let hosts = connected_hosts(&requests);
    assert!(!hosts.is_empty(), "{stderr}");
    assert!(
        hosts
            .iter()
            .all(|h| h == "CONNECT dataproc.s3nsapis.fr:443"),
        "{hosts:?}"
    );
    // From the environment, with a URL on a regional endpoint of that universe.
    let url = "https://dataproc.europe-west3.rep.s3nsapis.fr/v1/projects/p/regions/europe-west3/operations/op-1";
    let out = Command::new(PROGRAM)
        .args([url, "--dry-run"])
        .env("GOOGLE_CLOUD_UNIVERSE_DOMAIN", "s3nsapis.fr")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("GET {url}\n"));
    // A URL on googleapis.com is refused in another universe, and nothing is sent.
    let url = "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/op-1";
    let out = Command::new(PROGRAM)
        .args([url, "--universe-domain", "s3nsapis.fr", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "google-operations-wait: {url:?} refused: \"dataproc.googleapis.com\" is not a host of \
             the universe domain \"s3nsapis.fr\"\n"
        )
    );
}

/// A server whose tokens expire: `Bearer token-1` is accepted for the first two requests,
/// then refused with `refusal` (only `Bearer token-2` is accepted); the operation is done at
/// the fourth accepted poll. Each request's `authorization` and `x-goog-user-project`.
fn expiring(refusal: fn() -> Response) -> Server {
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    Server::start(move |n, request| {
        let wanted = if n <= 2 {
            "Bearer token-1"
        } else {
            "Bearer token-2"
        };
        if request.header("authorization") != Some(wanted) {
            return refusal().into();
        }
        let polls = accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        Response::json(200, dataproc(polls >= 4)).into()
    })
}

fn google_401() -> Response {
    Response::json(
        401,
        r#"{"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "status": "UNAUTHENTICATED"}}"#,
    )
}

fn bare_401() -> Response {
    Response::new(401)
}

/// Waits for the Dataproc operation on `server` with `extra` options and environment.
fn wait_with(server: &Server, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(PROGRAM);
    command
        .args([
            DATAPROC_NAME,
            "--service",
            "dataproc_v1",
            "--interval",
            "10ms",
        ])
        .args(extra)
        .args(["--endpoint", &server.root_url()])
        .env_remove("GOOGLE_OAUTH_ACCESS_TOKEN")
        .env_remove("GOOGLE_CLOUD_QUOTA_PROJECT");
    for (var, value) in env {
        command.env(var, value);
    }
    command.output().unwrap()
}

#[test]
fn a_static_token_refused_halfway_ends_the_wait_saying_what_to_do() {
    for refusal in [google_401 as fn() -> Response, bare_401] {
        let server = expiring(refusal);
        let out = wait_with(&server, &[], &[("GOOGLE_OAUTH_ACCESS_TOKEN", "token-1")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stderr}");
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert_eq!(server.requests().len(), 3, "{stderr}");
        assert!(
            stderr.contains(
                "error after 0s: dataproc.projects.regions.operations.get: the access token was \
                 refused after "
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "it expired or was revoked, and this token source cannot get another (a token \
                 given as such lasts about an hour)."
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "With this program: --token-command 'gcloud auth print-access-token' runs the \
                 command again for a new token; or unset GOOGLE_OAUTH_ACCESS_TOKEN to use \
                 Application Default Credentials (gcloud auth application-default login), which \
                 refresh themselves."
            ),
            "{stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_token_command_is_run_again_when_its_token_is_refused() {
    let server = expiring(google_401);
    let dir = std::env::temp_dir().join(format!("wait-token-command-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let count = dir.join("count");
    let _ = std::fs::remove_file(&count);
    let command = format!(
        "echo x >> '{0}'; echo token-$(wc -l < '{0}' | tr -d ' ')",
        count.display()
    );
    let out = wait_with(
        &server,
        &["--token-command", &command],
        // The command wins over the variable.
        &[("GOOGLE_OAUTH_ACCESS_TOKEN", "ignored")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let seen: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        seen,
        [
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-2",
        ]
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 2);
    let _ = std::fs::remove_dir_all(&dir);
    // A command that fails is named, with its exit status and standard error.
    let server = expiring(google_401);
    let out = wait_with(
        &server,
        &["--token-command", "echo 'not logged in' >&2; exit 7"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(
            "no access token: the token command `echo 'not logged in' >&2; exit 7` failed: it \
             exited with exit status: 7 (standard error: \"not logged in\")"
        ),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_quota_project_from_the_option_the_environment_or_none() {
    let quota = |extra: &[&str], env: &[(&str, &str)]| {
        let server = Server::start(|_, _| Response::json(200, dataproc(true)).into());
        let mut env = env.to_vec();
        env.push(("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token"));
        let out = wait_with(&server, extra, &env);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let requests = server.requests();
        requests[0].header("x-goog-user-project").map(str::to_owned)
    };
    assert_eq!(quota(&[], &[]), None);
    assert_eq!(
        quota(&[], &[("GOOGLE_CLOUD_QUOTA_PROJECT", "env-project")]).as_deref(),
        Some("env-project")
    );
    assert_eq!(
        quota(
            &["--quota-project", "option-project"],
            &[("GOOGLE_CLOUD_QUOTA_PROJECT", "env-project")]
        )
        .as_deref(),
        Some("option-project")
    );
    assert_eq!(
        quota(&["--billing-project", "billed"], &[]).as_deref(),
        Some("billed")
    );
}
