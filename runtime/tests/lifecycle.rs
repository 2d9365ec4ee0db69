//! The whole operations collection against a server on 127.0.0.1: the poller's server-side
//! `wait` (timeout as a query parameter, in the body, or none as in Compute), an early
//! returning `wait`, `cancel` sent once, `list` followed to its last page, `delete` with an
//! empty answer, and the stepwise and streaming pollers. Each test asserts the request lines
//! and bodies the server received.

use std::time::Duration;

use futures_util::StreamExt as _;
use google_operations::prelude::*;
use google_operations::{
    Client, Error, NoContent, OperationError, PollLimit, PollPolicy, PollState, RetryPolicy, Token,
    compute_v1, dataproc_v1, ondemandscanning_v1, translate_v3,
};
use serde_json::{Value, json};
use testserver::{Reply, Request as Received, Response, Server};

const NAME: &str = "projects/p/locations/l/operations/o";

fn json_reply(status: u16, body: Value) -> Reply {
    Response::json(status, body.to_string()).into()
}

fn running() -> Value {
    json!({"name": NAME, "done": false})
}

fn done() -> Value {
    json!({"name": NAME, "done": true, "response": {"@type": "type.googleapis.com/x.Result"}})
}

fn client(server: &Server) -> Client {
    Client::builder()
        .token_source(Token::new("t"))
        .root_url(server.root_url())
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .poll_policy(
            PollPolicy::default()
                .initial_interval(Duration::from_millis(1))
                .max_interval(Duration::from_millis(5))
                .server_wait(Duration::from_secs(10))
                .deadline(Duration::from_secs(20)),
        )
        .build()
        .unwrap()
}

fn lines(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

#[tokio::test]
async fn the_poller_waits_server_side_where_the_collection_can() {
    // The server holds the wait until the operation completes, then answers once.
    let server = Server::start(|_, _| json_reply(200, done()).after(Duration::from_millis(150)));
    let client = client(&server);
    let get = ondemandscanning_v1::ProjectsLocationsOperationsGet::new(NAME).unwrap();
    let op = client.until_done(&get).await.unwrap();
    assert!(op.is_done());
    assert_eq!(
        lines(&server),
        [format!("POST /v1/{NAME}:wait?timeout=10s")],
        "one request: the wait itself"
    );
}

#[tokio::test]
async fn a_wait_that_returns_early_is_followed_by_a_pause_and_another_wait() {
    // AIP-151 lets a wait return before its timeout, not done: the poller backs off and
    // waits again rather than hammering the server.
    let server = Server::start(|n, _| match n {
        1 | 2 => json_reply(200, running()),
        _ => json_reply(200, done()),
    });
    let client = client(&server);
    let get = ondemandscanning_v1::ProjectsLocationsOperationsGet::new(NAME).unwrap();
    let mut progress = 0;
    client
        .poller(&get)
        .on_progress(|_| progress += 1)
        .wait()
        .await
        .unwrap();
    assert_eq!(progress, 2);
    let want = format!("POST /v1/{NAME}:wait?timeout=10s");
    assert_eq!(lines(&server), [want.clone(), want.clone(), want]);
}

#[tokio::test]
async fn a_wait_with_its_timeout_in_the_body_gets_it_there() {
    let server = Server::start(|_, _| json_reply(200, done()));
    let client = client(&server);
    let get = translate_v3::ProjectsLocationsOperationsGet::new(NAME).unwrap();
    client.until_done(&get).await.unwrap();
    let requests = server.requests();
    assert_eq!(lines(&server), [format!("POST /v3/{NAME}:wait")]);
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"timeout": "10s"}));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn compute_waits_at_its_own_path_without_a_timeout() {
    let server = Server::start(|n, _| {
        let status = if n < 2 { "RUNNING" } else { "DONE" };
        json_reply(200, json!({"name": "op-1", "status": status}))
    });
    let client = client(&server);
    let get = compute_v1::ZoneOperationsGet::new("p", "us-central1-a", "op-1").unwrap();
    let op = client.until_done(&get).await.unwrap();
    assert!(op.is_done());
    let want = "POST /compute/v1/projects/p/zones/us-central1-a/operations/op-1/wait";
    assert_eq!(lines(&server), [want, want]);
    assert!(server.requests().iter().all(|r| r.body.is_empty()));
}

#[tokio::test]
async fn a_compute_wait_outlasting_the_call_timeout_is_read_not_cut() {
    // Compute holds a `wait` for up to two minutes, longer than a call's overall timeout (2
    // minutes by default, 300 ms here): the answer is still read, in one request.
    let server = Server::start(|_, _| {
        let done = json_reply(200, json!({"name": "op-1", "status": "DONE"}));
        Reply::Slow(Duration::from_millis(900), Box::new(done))
    });
    let client = Client::builder()
        .token_source(Token::new("t"))
        .root_url(server.root_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let get = compute_v1::ZoneOperationsGet::new("p", "us-central1-a", "op-1").unwrap();
    let op = client.until_done(&get).await.unwrap();
    assert!(op.is_done());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn without_a_wait_the_poller_gets_with_backoff() {
    let server = Server::start(|n, _| match n {
        1 | 2 => json_reply(200, json!({"name": NAME, "done": false})),
        _ => json_reply(200, json!({"name": NAME, "done": true})),
    });
    let client = client(&server);
    let name = "projects/p/regions/r/operations/o";
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(name).unwrap();
    client.until_done(&get).await.unwrap();
    let want = format!("GET /v1/{name}");
    assert_eq!(lines(&server), [want.clone(), want.clone(), want]);
}

#[tokio::test]
async fn cancel_is_sent_once_and_polling_goes_on_to_the_final_state() {
    let server = Server::start(|_, request: &Received| {
        if request.path().ends_with(":cancel") {
            json_reply(200, json!({}))
        } else if request.path().ends_with(":wait") {
            json_reply(
                200,
                json!({"name": NAME, "done": true, "error": {"code": 1, "message": "Cancelled by the user."}}),
            )
        } else {
            json_reply(404, json!({"error": {"code": 404, "message": "no"}}))
        }
    });
    let client = client(&server);
    let get = ondemandscanning_v1::ProjectsLocationsOperationsGet::new(NAME).unwrap();
    let mut poller = client.poller(&get);
    poller.cancel().await.unwrap();
    poller.cancel().await.unwrap();
    let err = poller.poll().await.unwrap_err();
    match &err {
        Error::OperationFailed {
            error: OperationError::Status(status),
            ..
        } => assert_eq!(status.code, Some(1)),
        other => panic!("expected OperationFailed, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("CANCELLED (1): Cancelled by the user."),
        "{err}"
    );
    assert_eq!(
        lines(&server),
        [
            format!("POST /v1/{NAME}:cancel"),
            format!("POST /v1/{NAME}:wait?timeout=10s"),
        ]
    );
}

#[tokio::test]
async fn the_poller_steps_and_streams() {
    let server = Server::start(|n, _| {
        let status = if n < 3 { "RUNNING" } else { "DONE" };
        json_reply(200, json!({"name": "op-1", "status": status}))
    });
    let client = client(&server);
    let get = compute_v1::ZoneOperationsGet::new("p", "z", "op-1").unwrap();

    let mut poller = client.poller(&get);
    assert!(matches!(
        poller.poll().await.unwrap(),
        PollState::Running(_)
    ));
    assert!(matches!(
        poller.poll().await.unwrap(),
        PollState::Running(_)
    ));
    match poller.poll().await.unwrap() {
        PollState::Done(op) => assert!(op.is_done()),
        other => panic!("expected Done, got {other:?}"),
    }
    assert!(matches!(
        poller.poll().await,
        Err(Error::NotDone {
            limit: PollLimit::Ended,
            ..
        })
    ));

    let states: Vec<_> = client.poller(&get).into_stream().collect().await;
    assert_eq!(states.len(), 1, "the fourth answer is done at once");
    assert!(matches!(states[0], Ok(PollState::Done(_))));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn list_follows_every_page_to_the_last() {
    let server = Server::start(|_, request: &Received| {
        let page = match request.query().unwrap_or_default() {
            q if q.contains("pageToken=two") => 2,
            q if q.contains("pageToken=three") => 3,
            _ => 1,
        };
        let ops: Vec<Value> = (0..2)
            .map(|i| json!({"name": format!("operations/{page}-{i}"), "done": true}))
            .collect();
        let next = match page {
            1 => json!("two"),
            2 => json!("three"),
            _ => json!(""),
        };
        json_reply(200, json!({"operations": ops, "nextPageToken": next}))
    });
    let client = client(&server);
    let list = dataproc_v1::ProjectsRegionsOperationsList::new("projects/p/regions/r/operations")
        .unwrap()
        .filter("done=true")
        .page_size(2);
    let names: Vec<String> = client
        .list_all(&list)
        .map(|op| op.unwrap().name.unwrap())
        .collect()
        .await;
    assert_eq!(
        names,
        [
            "operations/1-0",
            "operations/1-1",
            "operations/2-0",
            "operations/2-1",
            "operations/3-0",
            "operations/3-1"
        ]
    );
    assert_eq!(
        lines(&server),
        [
            "GET /v1/projects/p/regions/r/operations?filter=done%3Dtrue&pageSize=2",
            "GET /v1/projects/p/regions/r/operations?filter=done%3Dtrue&pageSize=2&pageToken=two",
            "GET /v1/projects/p/regions/r/operations?filter=done%3Dtrue&pageSize=2&pageToken=three",
        ]
    );
}

#[tokio::test]
async fn delete_accepts_an_empty_answer() {
    let server = Server::start(|_, _| Response::new(204).into());
    let client = client(&server);
    let delete = compute_v1::ZoneOperationsDelete::new("p", "z", "op-1").unwrap();
    let _: NoContent = client.send(&delete).await.unwrap();
    let delete =
        dataproc_v1::ProjectsRegionsOperationsDelete::new("projects/p/regions/r/operations/o")
            .unwrap();
    client.send(&delete).await.unwrap();
    assert_eq!(
        lines(&server),
        [
            "DELETE /compute/v1/projects/p/zones/z/operations/op-1",
            "DELETE /v1/projects/p/regions/r/operations/o",
        ]
    );
}

#[test]
fn the_wait_future_is_small_and_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder().build().unwrap();
    let get = compute_v1::ZoneOperationsGet::new("p", "z", "op-1").unwrap();
    let wait = client.poller(&get).wait();
    assert_send(&wait);
    let size = std::mem::size_of_val(&wait);
    assert!(size <= 1024, "the wait future is {size} bytes");
    let list =
        dataproc_v1::ProjectsRegionsOperationsList::new("projects/p/regions/r/operations").unwrap();
    let stream = client.list_all(&list);
    assert_send(&stream);
}

#[test]
fn future_sizes() {
    // Printed for the README (`cargo test --test lifecycle future_sizes -- --nocapture`).
    let client = Client::builder().build().unwrap();
    let get = compute_v1::ZoneOperationsGet::new("p", "z", "op-1").unwrap();
    let wait = std::mem::size_of_val(&client.poller(&get).wait());
    let mut poller = client.poller(&get);
    let step = std::mem::size_of_val(&poller.poll());
    let send = std::mem::size_of_val(&client.send(&get));
    println!("wait future {wait} bytes, poll step {step} bytes, send {send} bytes");
    assert!(wait <= 1024 && step <= 1024);
}
