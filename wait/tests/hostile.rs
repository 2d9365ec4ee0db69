//! The program against a server on 127.0.0.1 that misbehaves: a failure outside `error`,
//! redirects, empty and oversized bodies, `Retry-After` in both forms and past the deadline,
//! response heads too large, and text that would steer the terminal; and where names with a
//! service path, and names of services with locational endpoints, are sent.

mod terminal;

use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use terminal::Terminal;
use testserver::{Reply, Response, Server};

const PROGRAM: &str = env!("CARGO_BIN_EXE_google-operations-wait");
const DATAPROC: &str = "projects/p/regions/us-central1/operations/op-1";
const GKE: &str = "projects/p/locations/us-central1/operations/operation-1";

fn dataproc(done: bool) -> Response {
    Response::json(
        200,
        serde_json::json!({"name": DATAPROC, "done": done}).to_string(),
    )
}

fn run(server: &Server, args: &[&str]) -> (Output, String) {
    let out = Command::new(PROGRAM)
        .args(args)
        .args(["--endpoint", &server.root_url()])
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

fn dataproc_wait(server: &Server, extra: &[&str]) -> (Output, String) {
    let mut args = vec![DATAPROC, "--service", "dataproc_v1", "--interval", "50ms"];
    args.extend_from_slice(extra);
    run(server, &args)
}

/// The last line of standard error: the outcome.
fn last_line(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

#[test]
fn a_gke_operation_done_with_a_status_message_fails_with_exit_1() {
    let server = Server::start(|n, _| {
        let op = match n {
            1 => serde_json::json!({"name": "operation-1", "status": "RUNNING"}),
            _ => serde_json::json!({
                "name": "operation-1",
                "status": "DONE",
                "statusMessage": "Failed to create cluster: Google Compute Engine: Not enough resources available to fulfill the request.",
            }),
        };
        Response::json(200, op.to_string()).into()
    });
    let (out, stderr) = run(
        &server,
        &[GKE, "--service", "container_v1", "--interval", "50ms"],
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        last_line(&stderr).starts_with(
            "failed after 0s: Failed to create cluster: Google Compute Engine: Not enough \
             resources available to fulfill the request. (statusMessage)"
        ),
        "{stderr}"
    );
}

#[test]
fn redirects_end_the_wait_with_exit_4_and_are_never_followed() {
    let elsewhere = Server::start(|_, _| dataproc(true).into());
    for status in [301, 302, 303, 307, 308] {
        let location = elsewhere.url(&format!("v1/{DATAPROC}"));
        let shown = location.clone();
        let server =
            Server::start(move |_, _| Response::new(status).header("location", &location).into());
        let (out, stderr) = dataproc_wait(&server, &[]);
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert!(
            last_line(&stderr).contains(&format!("the server answered HTTP {status} "))
                && last_line(&stderr).contains(&format!("a redirect to {shown:?}")),
            "{stderr}"
        );
        assert_eq!(server.requests().len(), 1);
    }
    assert!(elsewhere.requests().is_empty());
}

#[test]
fn an_empty_200_is_polled_again_and_a_lasting_one_times_out_saying_so() {
    let server = Server::start(|n, _| match n {
        2 => Response::new(200).into(),
        _ => dataproc(n >= 3).into(),
    });
    let (out, stderr) = dataproc_wait(&server, &[]);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    let empty = Server::start(|_, _| Response::new(200).into());
    let (out, stderr) = dataproc_wait(&empty, &["--deadline", "2s"]);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let last = last_line(&stderr);
    assert!(
        last.contains("the last poll failed: dataproc.projects.regions.operations.get: the response body is empty"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("serde_json") && !stderr.contains("::"),
        "{stderr}"
    );
}

#[test]
fn an_oversized_body_ends_the_wait_unread() {
    // 64 MiB with no announced length, over the 32 MiB limit.
    let server = Server::start(|_, _| Reply::Streamed {
        response: Response::json(200, "x".repeat(64 * 1024)),
        repeat: 1024,
    });
    let (out, stderr) = dataproc_wait(&server, &[]);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        last_line(&stderr).contains(
            "the response body is larger than the limit of 33554432 bytes (32.0 MiB) (it has no \
             announced size) and was not read further"
        ),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn retry_after_in_seconds_or_as_a_date_is_honoured() {
    for form in ["seconds", "date"] {
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let marks = arrivals.clone();
        let server = Server::start(move |n, _| {
            marks.lock().unwrap().push(Instant::now());
            match n {
                1 => {
                    let value = match form {
                        "seconds" => "2".to_owned(),
                        _ => httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3)),
                    };
                    Response::json(429, r#"{"error":{"code":429,"message":"Slow down"}}"#)
                        .header("retry-after", value)
                        .into()
                }
                _ => dataproc(true).into(),
            }
        });
        let (out, stderr) = dataproc_wait(&server, &[]);
        assert_eq!(out.status.code(), Some(0), "{form}: {stderr}");
        let times = arrivals.lock().unwrap();
        let gap = times[1] - times[0];
        assert!(gap >= Duration::from_millis(1900), "{form}: {gap:?}");
    }
}

#[test]
fn a_retry_after_past_the_deadline_times_out_at_once_with_the_servers_answer() {
    let server = Server::start(|_, _| {
        Response::json(
            429,
            r#"{"error":{"code":429,"message":"Quota exceeded for quota metric 'Read requests'.","status":"RESOURCE_EXHAUSTED"}}"#,
        )
        .header("retry-after", "3600")
        .into()
    });
    let started = Instant::now();
    let (out, stderr) = dataproc_wait(&server, &["--deadline", "4s"]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let last = last_line(&stderr);
    assert!(
        last.contains("since the next poll would come 3600s later, after the deadline of 4s; the last poll failed: dataproc.projects.regions.operations.get: HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'. (asks to wait 3600s before retrying) (after 1 attempt(s))"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
    // No retry is announced that never came.
    assert!(!stderr.contains("retries: "), "{stderr}");
}

#[test]
fn a_response_head_too_large_ends_the_wait_at_once() {
    let server = Server::start(|_, _| {
        let mut response = dataproc(true);
        for i in 0..10_000 {
            response = response.header(format!("x-filler-{i}"), "1");
        }
        response.into()
    });
    let (out, stderr) = dataproc_wait(&server, &[]);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        last_line(&stderr).contains("the response could not be read as HTTP (after 1 attempt(s))"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// An operation whose every text would steer a terminal: title, clear screen, blinking red, a
/// carriage return and a forged line.
fn hostile(done: bool) -> Response {
    let mut op = serde_json::json!({
        "name": DATAPROC,
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
            "status": {"state": "RUNNING\u{1b}]0;pwned\u{7}", "details": "Creating\u{1b}[2J\u{1b}[31;5m cluster"},
        },
    });
    if done {
        op["done"] = true.into();
        op["error"] = serde_json::json!({"code": 9, "message": "bad\r\ndone after 0s\u{1b}[31;5m"});
    }
    Response::json(200, op.to_string())
}

#[test]
fn text_from_the_server_never_reaches_the_terminal_raw() {
    let server = Server::start(|n, _| hostile(n >= 3).into());
    let args: Vec<String> = [
        DATAPROC,
        "--service",
        "dataproc_v1",
        "--interval",
        "300ms",
        "--endpoint",
        &server.root_url(),
    ]
    .map(str::to_owned)
    .to_vec();
    let mut terminal = Terminal::start(PROGRAM, &args);
    // The bar, while it runs, shows state and stage escaped.
    assert!(
        terminal.shows(|s: &str| s.contains(r"RUNNING\u{1b}]0;pwned\u{7}")
            && s.contains(r"Creating\u{1b}[2J\u{1b}[31;5m cluster")),
        "{}",
        terminal.text()
    );
    assert!(
        terminal.shows(|s: &str| s.contains("failed after")),
        "{}",
        terminal.text()
    );
    // Fails, and `success` finds no title, clear screen, bell or blink written.
    assert!(!terminal.success());
    let screen = terminal.text();
    println!("{screen}");
    assert!(
        screen.contains(r"bad\u{d}\u{a}done after 0s\u{1b}[31;5m"),
        "{screen}"
    );
    // Piped, the same: one line each, escaped.
    let (out, stderr) = dataproc_wait(&server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\r') && !stderr.contains('\u{7}'));
    assert!(
        last_line(&stderr).ends_with(r"bad\u{d}\u{a}done after 0s\u{1b}[31;5m"),
        "{stderr}"
    );
}

fn dry_run(args: &[&str]) -> String {
    let out = Command::new(PROGRAM)
        .args(args)
        .arg("--dry-run")
        .env_remove("GOOGLE_OAUTH_ACCESS_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bare_names_of_services_with_a_service_path_resolve() {
    assert_eq!(
        dry_run(&[
            "projects/my-project/global/operations/operation-1",
            "--service",
            "deploymentmanager"
        ]),
        "GET https://deploymentmanager.googleapis.com/deploymentmanager/v2/projects/my-project/global/operations/operation-1\n"
    );
    assert_eq!(
        dry_run(&[
            "projects/my-project/operations/a1b2c3d4-e5f6-47a8-9b0c-1d2e3f4a5b6c",
            "--service",
            "sqladmin_v1beta4"
        ]),
        "GET https://sqladmin.googleapis.com/sql/v1beta4/projects/my-project/operations/a1b2c3d4-e5f6-47a8-9b0c-1d2e3f4a5b6c\n"
    );
}

#[test]
fn run_and_composer_go_to_their_root_url_and_vertex_ai_to_its_location() {
    let name = "projects/my-project/locations/us-central1/operations/operation-1";
    for (service, default, locational) in [
        (
            "run_v2",
            "https://run.googleapis.com/v2/",
            "https://us-central1-run.googleapis.com/v2/",
        ),
        (
            "run_v1",
            "https://run.googleapis.com/v1/",
            "https://us-central1-run.googleapis.com/v1/",
        ),
        (
            "composer_v1",
            "https://composer.googleapis.com/v1/",
            "https://us-central1-composer.googleapis.com/v1/",
        ),
        (
            "aiplatform_v1",
            "https://us-central1-aiplatform.googleapis.com/v1/",
            "https://us-central1-aiplatform.googleapis.com/v1/",
        ),
    ] {
        assert_eq!(
            dry_run(&[name, "--service", service]),
            format!("GET {default}{name}\n"),
            "{service}"
        );
        assert_eq!(
            dry_run(&[name, "--service", service, "--locational"]),
            format!("GET {locational}{name}\n"),
            "{service} --locational"
        );
    }
}
