//! The program waiting for many operations in one run, against a server on 127.0.0.1 that
//! serves ten Dataproc operations finishing at different times: on a terminal (the screen
//! read by a terminal emulator), piped, as JSON events, with names from standard input, under
//! a shared 429, and with Ctrl-C.

use std::collections::HashMap;
mod terminal;

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use terminal::Terminal;
use testserver::{Reply, Request, Response, Server};

const PROGRAM: &str = env!("CARGO_BIN_EXE_google-operations-wait");

fn name(k: usize) -> String {
    format!("projects/my-project/regions/us-central1/operations/op-{k}")
}

/// Which operation a request is for, and whether it is its `cancel`.
fn operation_of(request: &Request) -> (usize, bool) {
    let path = request.path();
    let path = path.strip_suffix("/wait").unwrap_or(path);
    let (path, cancel) = match path.strip_suffix(":cancel") {
        Some(path) => (path, true),
        None => (path, false),
    };
    let k = path
        .rsplit_once("/op-")
        .and_then(|(_, k)| k.parse().ok())
        .unwrap_or_else(|| panic!("not an operation of the test: {path}"));
    (k, cancel)
}

/// A Dataproc operation: running at `percent`, or done (with an error where given).
fn dataproc(k: usize, percent: Option<u32>, error: Option<Value>) -> String {
    let mut op = json!({
        "name": name(k),
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
            "clusterName": format!("cluster-{k}"),
            "status": {"state": if percent.is_some() { "RUNNING" } else { "DONE" }, "details": format!("Creating cluster-{k}")},
        },
    });
    match (percent, error) {
        (Some(_), _) => {}
        (None, Some(error)) => {
            op["done"] = true.into();
            op["error"] = error;
        }
        (None, None) => {
            op["done"] = true.into();
            op["response"] = json!({"@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", "clusterName": format!("cluster-{k}")});
        }
    }
    op.to_string()
}

/// A Compute operation, running at `percent` or done.
fn compute(k: usize, percent: Option<u32>, _: Option<Value>) -> String {
    json!({
        "kind": "compute#operation",
        "name": format!("op-{k}"),
        "operationType": "insert",
        "targetLink": format!("https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/instances/vm-{k}"),
        "status": if percent.is_some() { "RUNNING" } else { "DONE" },
        "progress": percent.unwrap_or(100),
        "statusMessage": format!("Creating vm-{k}"),
    })
    .to_string()
}

/// Operation `k` of ten: running until `k × step` after its first poll, then done.
fn staggered(step: Duration) -> impl Fn(usize, &Request) -> Reply + Send + Sync + 'static {
    staggered_as(step, dataproc)
}

/// As [`staggered`], with `body` giving the operation of each service.
fn staggered_as(
    step: Duration,
    body: fn(usize, Option<u32>, Option<Value>) -> String,
) -> impl Fn(usize, &Request) -> Reply + Send + Sync + 'static {
    let first: Mutex<HashMap<usize, Instant>> = Mutex::default();
    move |_, request| {
        let (k, _) = operation_of(request);
        let started = *first.lock().unwrap().entry(k).or_insert_with(Instant::now);
        let finish = step * u32::try_from(k).unwrap();
        let elapsed = started.elapsed();
        let body = if elapsed >= finish {
            body(k, None, None)
        } else {
            let percent = (elapsed.as_millis() * 100 / finish.as_millis()) as u32;
            body(k, Some(percent), None)
        };
        Response::json(200, body).into()
    }
}

fn command(server: &Server, extra: &[&str]) -> Command {
    let mut command = Command::new(PROGRAM);
    command
        .args(["--service", "dataproc_v1", "--endpoint", &server.root_url()])
        .args(extra)
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token");
    command
}

fn names(count: usize) -> Vec<String> {
    (1..=count).map(name).collect()
}

fn events(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn of(events: &[Value], k: usize) -> Vec<&Value> {
    events.iter().filter(|e| e["name"] == name(k)).collect()
}

/// Waits for the ten operations of `server`, polling every 50 ms, with JSON events; all must
/// be done. Gives the output and standard error.
fn wait_for_ten(server: &Server) -> (Output, String) {
    // Polls every 50 ms, unbounded by the default rate (20 a second, which ten operations
    // polled that often would queue behind), so each is noticed within a poll of finishing.
    let out = command(
        server,
        &["--interval", "50ms", "--rate", "1000", "--output", "json"],
    )
    .args(names(10))
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (out, stderr)
}

#[test]
fn ten_operations_piped_give_plain_lines_json_events_and_a_summary() {
    let server = Server::start(staggered(Duration::from_millis(250)));
    let (out, stderr) = wait_for_ten(&server);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    println!("stderr:\n{stderr}");
    // Each line names its operation.
    for k in 1..=10 {
        // Without the start all share, and aligned.
        let prefix = format!("op-{k}: ");
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("] {prefix}")) && l.contains("RUNNING")),
            "no progress line of op-{k}:\n{stderr}"
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(" done after ")),
            "op-{k} not done:\n{stderr}"
        );
    }
    let summary = stderr
        .split_once("10 operations: 10 done; exit code 0")
        .unwrap_or_else(|| panic!("no summary:\n{stderr}"))
        .1;
    for k in 1..=10 {
        assert!(summary.contains(&name(k)), "{summary}");
    }

    let events = events(&out);
    println!("events:\n{}", String::from_utf8_lossy(&out.stdout));
    let mut done_order = Vec::new();
    for event in &events {
        let time = event["time"].as_str().unwrap();
        assert!(time.len() == 24 && time.ends_with('Z'), "{time}");
        if event["event"] == "done" {
            done_order.push(event["name"].as_str().unwrap().to_owned());
        }
    }
    for k in 1..=10 {
        let mine = of(&events, k);
        let kinds: Vec<&str> = mine.iter().map(|e| e["event"].as_str().unwrap()).collect();
        assert_eq!(kinds.first(), Some(&"started"), "{kinds:?}");
        assert_eq!(kinds.last(), Some(&"done"), "{kinds:?}");
        assert!(kinds.contains(&"progress"), "{kinds:?}");
        let last = mine.last().unwrap();
        assert_eq!(last["operation"]["done"], true);
        assert_eq!(
            last["operation"]["response"]["clusterName"],
            format!("cluster-{k}")
        );
        assert_eq!(mine[1]["changed"][0], "seen");
        assert!(mine[0]["url"].as_str().unwrap().ends_with(&name(k)));
    }
    // They finished in the order the server finished them, 250 ms apart.
    assert_eq!(done_order, names(10));
}

#[test]
fn names_come_from_standard_input() {
    let server = Server::start(staggered(Duration::from_millis(50)));
    let mut child = command(&server, &["--interval", "50ms", "-", &name(1)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!(
        "# from gcloud\n{}\n\n  {}  \n{}\n",
        name(2),
        name(3),
        name(1)
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Each once, in the order first given: op-2 and op-3 from the input, op-1 after them.
    assert!(stderr.contains("3 operations: 3 done"), "{stderr}");
    let mut polled: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| operation_of(r).0)
        .collect();
    polled.sort_unstable();
    polled.dedup();
    assert_eq!(polled, [1, 2, 3]);

    // Nothing on standard input: usage, nothing sent.
    let server = Server::start(staggered(Duration::ZERO));
    let out = command(&server, &["-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input had none"));
    assert!(server.requests().is_empty());
}

#[test]
fn the_rate_bounds_the_requests_of_every_waiter() {
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = arrivals.clone();
    let server = Server::start(move |_, request| {
        seen.lock().unwrap().push(Instant::now());
        let (k, _) = operation_of(request);
        Response::json(200, dataproc(k, None, None)).into()
    });
    // Four a second, in bursts of five seconds' worth: twenty at once, then one every 250 ms.
    let out = command(&server, &["--rate", "4"])
        .args(names(24))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut arrivals = arrivals.lock().unwrap().clone();
    arrivals.sort();
    assert_eq!(arrivals.len(), 24);
    let after = |i: usize| arrivals[i].duration_since(arrivals[0]);
    assert!(after(19) < Duration::from_millis(500), "{:?}", after(19));
    assert!(after(20) >= Duration::from_millis(200), "{:?}", after(20));
    assert!(after(23) >= Duration::from_millis(950), "{:?}", after(23));
}

#[test]
fn a_429_holds_back_every_waiter() {
    const HOLD: Duration = Duration::from_secs(2);
    let times: Arc<Mutex<Vec<(usize, Instant, bool)>>> = Arc::default();
    let seen = times.clone();
    let server = Server::start(move |n, request| {
        let (k, _) = operation_of(request);
        let now = Instant::now();
        // The 25th request, once every operation has been polled, is throttled.
        let throttled = n == 25;
        seen.lock().unwrap().push((k, now, throttled));
        if throttled {
            return Response::json(
                429,
                r#"{"error": {"code": 429, "message": "Quota exceeded for quota metric 'Read requests'", "status": "RESOURCE_EXHAUSTED"}}"#,
            )
            .header("retry-after", HOLD.as_secs().to_string())
            .into();
        }
        let done = seen
            .lock()
            .unwrap()
            .iter()
            .any(|(_, t, throttled)| *throttled && now.duration_since(*t) > HOLD);
        Response::json(200, dataproc(k, (!done).then_some(10), None)).into()
    });
    let (out, _) = wait_for_ten(&server);
    let times = times.lock().unwrap().clone();
    let (throttled_k, at, _) = *times.iter().find(|(_, _, t)| *t).expect("no 429 sent");
    // Every waiter's next request came after the hold-back, not only the throttled one's.
    for k in 1..=10 {
        let next = times
            .iter()
            .filter(|(op, t, _)| *op == k && *t > at + Duration::from_millis(300))
            .map(|(_, t, _)| *t)
            .min()
            .unwrap_or_else(|| panic!("op-{k} never polled again"));
        assert!(
            next.duration_since(at) >= HOLD - Duration::from_millis(100),
            "op-{k} polled {:?} after the 429",
            next.duration_since(at)
        );
    }
    // The retry is reported for the operation whose request was throttled.
    let events = events(&out);
    let retries: Vec<&Value> = events.iter().filter(|e| e["event"] == "retry").collect();
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert_eq!(retries[0]["name"], name(throttled_k));
    assert!(
        retries[0]["cause"]
            .as_str()
            .unwrap()
            .contains("Quota exceeded"),
        "{retries:?}"
    );
    assert!(retries[0]["wait_ms"].as_u64().unwrap() >= 2000);
}

#[test]
fn each_outcome_has_its_exit_code_and_the_worst_wins() {
    let cancelled = || json!({"code": 1, "message": "Operation was cancelled."});
    let failed = || json!({"code": 9, "message": "Cluster is in ERROR state."});
    // op-1 done, op-2 cancelled, op-3 failed, op-4 never done.
    let server = Server::start(move |_, request| {
        let (k, _) = operation_of(request);
        let body = match k {
            1 => dataproc(k, None, None),
            2 => dataproc(k, None, Some(cancelled())),
            3 => dataproc(k, None, Some(failed())),
            _ => dataproc(k, Some(50), None),
        };
        Response::json(200, body).into()
    });
    let run = |ks: &[usize]| {
        let names: Vec<String> = ks.iter().map(|k| name(*k)).collect();
        let out = command(
            &server,
            &[
                "--interval",
                "100ms",
                "--deadline",
                "500ms",
                "--output",
                "json",
            ],
        )
        .args(names)
        .output()
        .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            events(&out),
        )
    };
    assert_eq!(run(&[1]).0, Some(0));
    let (code, stderr, events) = run(&[2]);
    assert_eq!(code, Some(5), "{stderr}");
    assert!(
        stderr.contains(": CANCELLED (1): Operation was cancelled."),
        "{stderr}"
    );
    assert_eq!(events.last().unwrap()["event"], "cancelled");
    assert_eq!(run(&[1, 2]).0, Some(5));
    assert_eq!(run(&[1, 2, 3]).0, Some(1));
    let (code, stderr, events) = run(&[1, 2, 3, 4]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("4 operations: 1 done, 1 cancelled, 1 failed, 1 timed out; exit code 3"),
        "{stderr}"
    );
    let last = |k| of(&events, k).last().unwrap()["event"].clone();
    assert_eq!(
        [last(1), last(2), last(3), last(4)],
        ["done", "cancelled", "failed", "timed_out"]
    );
    let timed_out = (*of(&events, 4).last().unwrap()).clone();
    assert_eq!(
        timed_out["operation"]["metadata"]["clusterName"],
        "cluster-4"
    );

    // A Compute operation its user cancelled: DONE, HTTP 409, OPERATION_CANCELED_BY_USER.
    let compute = Server::start(|_, _| {
        Response::json(
            200,
            r#"{"kind": "compute#operation", "name": "operation-1", "status": "DONE", "progress": 100,
                "httpErrorStatusCode": 409, "httpErrorMessage": "CONFLICT",
                "error": {"errors": [{"code": "OPERATION_CANCELED_BY_USER", "message": "Operation was canceled by user."}]}}"#,
        )
        .into()
    });
    let out = Command::new(PROGRAM)
        .args([
            "https://compute.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/operations/operation-1",
            "--endpoint",
            &compute.root_url(),
        ])
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("OPERATION_CANCELED_BY_USER"), "{stderr}");

    // A name that resolves nowhere among good ones: usage, and nothing is sent.
    let before = server.requests().len();
    let out = command(&server, &[])
        .args([
            name(1),
            "https://evil.example/v1/projects/p/regions/r/operations/1".into(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("evil.example"));
    assert_eq!(server.requests().len(), before);
}

/// Sends SIGINT to `child`, as Ctrl-C on its terminal would.
fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `what` holds for the server's requests.
fn until(server: &Server, what: impl Fn(&[Request]) -> bool) {
    let start = Instant::now();
    while !what(&server.requests()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{:?}",
            server.requests()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_with_cancel_cancels_every_unfinished_operation_once() {
    // op-1 is done at once; op-2 to op-4 run until cancelled, then end CANCELLED.
    let cancelled: Arc<Mutex<Vec<usize>>> = Arc::default();
    let marks = cancelled.clone();
    let server = Server::start(move |_, request| {
        let (k, cancel) = operation_of(request);
        if cancel {
            assert_eq!(request.method, "POST");
            marks.lock().unwrap().push(k);
            return Response::json(200, "{}").into();
        }
        let body = if k == 1 {
            dataproc(k, None, None)
        } else if marks.lock().unwrap().contains(&k) {
            dataproc(
                k,
                None,
                Some(json!({"code": 1, "message": "Operation was cancelled."})),
            )
        } else {
            dataproc(k, Some(30), None)
        };
        Response::json(200, body).into()
    });
    let child = command(
        &server,
        &["--interval", "50ms", "--cancel", "--output", "json"],
    )
    .args(names(4))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Once every running operation has been polled twice.
    until(&server, |requests| {
        (2..=4).all(|k| requests.iter().filter(|r| operation_of(r).0 == k).count() >= 2)
    });
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    let mut sent = cancelled.lock().unwrap().clone();
    sent.sort_unstable();
    assert_eq!(sent, [2, 3, 4], "each unfinished operation cancelled once");
    let events = events(&out);
    for k in 2..=4 {
        let kinds: Vec<&str> = of(&events, k)
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"cancelling"), "{kinds:?}");
        assert_eq!(kinds.last(), Some(&"cancelled"), "{kinds:?}");
    }
    assert_eq!(of(&events, 1).last().unwrap()["event"], "done");
    assert!(
        stderr.contains("4 operations: 1 done, 3 cancelled; exit code 5"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_without_cancel_stops_waiting_and_exits_130() {
    let server = Server::start(|_, request| {
        let (k, _) = operation_of(request);
        Response::json(200, dataproc(k, Some(10), None)).into()
    });
    let child = command(&server, &["--interval", "50ms"])
        .args(names(2))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    until(&server, |requests| requests.len() >= 4);
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted after ") && stderr.contains("s: the operation goes on"),
        "{stderr}"
    );
    assert!(!server.requests().iter().any(|r| r.method == "POST"));
}

#[test]
fn on_a_terminal_each_operation_has_a_bar_under_a_total() {
    // Compute: its operations say how far they are, and the bars fill.
    let server = Server::start(staggered_as(Duration::from_millis(600), compute));
    let mut args = vec![
        "--endpoint".to_owned(),
        server.root_url(),
        "--interval".to_owned(),
        "100ms".to_owned(),
    ];
    args.extend((1..=10).map(|k| {
        format!("https://compute.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/operations/op-{k}")
    }));
    let mut terminal = Terminal::start(PROGRAM, &args);
    // Some done, several still running, each with its own bar, under the total.
    let several = |s: &str| {
        let bars = s
            .lines()
            .filter(|l| l.contains(" op-") && l.contains("RUNNING") && l.contains('['))
            .count();
        bars >= 3 && s.contains("/10 ended (") && s.contains("done after")
    };
    assert!(
        terminal.shows(several),
        "not several bars:\n{}",
        terminal.text()
    );
    let running = terminal.text();
    println!("screen while waiting:\n{running}");
    assert!(running.contains("Creating vm-"), "{running}");
    assert!(running.contains("[====="), "no bar fills:\n{running}");
    assert!(
        terminal.shows(|s: &str| s.contains("10 operations: 10 done; exit code 0")),
        "{}",
        terminal.text()
    );
    assert!(terminal.success());
    let end = terminal.text();
    println!("screen at the end:\n{end}");
    assert!(!end.contains("RUNNING"), "bars left behind:\n{end}");
}

#[test]
fn completions_and_the_man_page_come_from_the_options() {
    let out = Command::new(PROGRAM)
        .args(["--completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains("google-operations-wait"), "{script}");
    assert!(script.contains("--parallel"), "{script}");
    let out = Command::new(PROGRAM).arg("--man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
    assert!(page.contains("parallel"), "{page}");
    let out = Command::new(PROGRAM).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit codes"), "{help}");
    assert!(help.contains("130"), "{help}");
}
