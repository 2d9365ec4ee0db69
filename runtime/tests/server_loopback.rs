//! The client and the poller against a real HTTP server on 127.0.0.1 that serves
//! `operations.get` at the services' real paths, checks the bearer token, and counts the
//! requests it receives.

mod quick;

use std::fmt::Debug;
use std::time::Duration;

use google_operations::{
    AuthFuture, Client, ClientBuilder, Error, LongRunningOperation, OperationError, PollLimit,
    PollPolicy, Request, RetryPolicy, Token, TokenSource, TransportKind, apigateway_v1,
    cloudaicompanion_v1, dataproc_v1, sqladmin_v1beta4, workspaceevents_v1,
};
use quick::{ms, quick_client};
use serde::Serialize;
use serde_json::{Value, json};

const TOKEN: &str = "ya29.test-token";
const DATAPROC_NAME: &str = "projects/p/regions/r/operations/o";
const DATAPROC_PATH: &str = "/v1/projects/p/regions/r/operations/o";

/// What the server does with one request.
enum Reply {
    /// This status and JSON body.
    Json(u16, Value),
    /// This status, extra headers and body, as given.
    Raw(u16, Vec<(&'static str, &'static str)>, String),
    /// Closes the connection without answering.
    Reset,
    /// Waits, then does the inner reply.
    Slow(Duration, Box<Reply>),
}

/// A server on 127.0.0.1 with a free port. Requests without `authorization: Bearer TOKEN` get
/// a 401; the others go to the handler with their 1-based number and path. Every request is
/// counted, answered or not. It stops when dropped.
struct Server {
    root: String,
    server: testserver::Server,
}

impl Server {
    /// Starts at once; `async` only so that the tests read as with an async server.
    async fn start(handler: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> Server {
        let bearer = format!("Bearer {TOKEN}");
        let server = testserver::Server::start(move |n, request| {
            let reply = match request.header(http::header::AUTHORIZATION.as_str()) {
                Some(value) if value == bearer => handler(n, request.path()),
                _ => Reply::Json(
                    401,
                    json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
                ),
            };
            respond(reply)
        });
        Server {
            root: server.root_url(),
            server,
        }
    }

    fn hits(&self) -> usize {
        self.server.requests().len()
    }
}

fn respond(reply: Reply) -> testserver::Reply {
    match reply {
        Reply::Json(status, body) => testserver::Response::json(status, body.to_string()).into(),
        Reply::Raw(status, headers, body) => {
            let mut response = testserver::Response::new(status).body(body);
            for (name, value) in headers {
                response = response.header(name, value);
            }
            response.into()
        }
        Reply::Reset => testserver::Reply::Reset,
        Reply::Slow(delay, inner) => testserver::Reply::Slow(delay, Box::new(respond(*inner))),
    }
}

/// A client for `server` with short waits and the token it expects.
fn client_for(server: &Server) -> ClientBuilder {
    quick_client(&server.root).token_source(Token::new(TOKEN))
}

fn running(name: &str, poll: usize) -> Value {
    json!({
        "name": name,
        "done": false,
        "metadata": {"@type": "type.googleapis.com/test.Progress", "poll": poll},
    })
}

fn done(name: &str) -> Value {
    json!({
        "name": name,
        "done": true,
        "response": {"@type": "type.googleapis.com/test.Result", "answer": 42},
    })
}

fn unavailable() -> Reply {
    Reply::Json(
        503,
        json!({"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}),
    )
}

/// Serves `name` at `path`: running for the first `polls - 1` polls, then done. Other paths
/// are 404.
fn operation_done_at(
    path: &'static str,
    name: &'static str,
    polls: usize,
) -> impl Fn(usize, &str) -> Reply + Send + Sync {
    move |n, p| match (p == path, n < polls) {
        (false, _) => Reply::Json(404, json!({"error": {"code": 404, "message": p}})),
        (true, true) => Reply::Json(200, running(name, n)),
        (true, false) => Reply::Json(200, done(name)),
    }
}

async fn waits_until_done<R>(request: R, path: &'static str, name: &'static str)
where
    R: Request + Clone,
    R::Response: LongRunningOperation + Serialize + Debug,
{
    let server = Server::start(operation_done_at(path, name, 3)).await;
    let client = client_for(&server).build().unwrap();
    let mut seen = Vec::new();
    let op = client
        .poller(&request)
        .on_progress(|op: &R::Response| seen.push(op.metadata().unwrap()["poll"].clone()))
        .wait()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(op.is_done());
    assert_eq!(op.name(), Some(name));
    assert_eq!(op.response().unwrap()["answer"], 42);
    assert_eq!(seen, [1, 2], "{name}: progress");
    assert_eq!(server.hits(), 3, "{name}: requests");
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[tokio::test]
async fn every_service_is_polled_at_its_real_path_until_done() {
    waits_until_done(
        dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap(),
        DATAPROC_PATH,
        DATAPROC_NAME,
    )
    .await;
    waits_until_done(
        dataproc_v1::ProjectsLocationsOperationsGet::new("projects/p/locations/l/operations/o")
            .unwrap(),
        "/v1/projects/p/locations/l/operations/o",
        "projects/p/locations/l/operations/o",
    )
    .await;
    waits_until_done(
        apigateway_v1::ProjectsLocationsOperationsGet::new(
            "projects/p/locations/global/operations/op-1",
        )
        .unwrap(),
        "/v1/projects/p/locations/global/operations/op-1",
        "projects/p/locations/global/operations/op-1",
    )
    .await;
    waits_until_done(
        cloudaicompanion_v1::ProjectsLocationsOperationsGet::new(
            "projects/p/locations/us-central1/operations/op-2",
        )
        .unwrap(),
        "/v1/projects/p/locations/us-central1/operations/op-2",
        "projects/p/locations/us-central1/operations/op-2",
    )
    .await;
    waits_until_done(
        workspaceevents_v1::OperationsGet::new("operations/op-3").unwrap(),
        "/v1/operations/op-3",
        "operations/op-3",
    )
    .await;
}

fn sendable<T: Send>(value: T) -> T {
    value
}

#[test]
fn errors_and_clients_can_cross_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Error>();
    shared::<Client>();
}

#[tokio::test]
async fn send_returns_one_operation() {
    let server = Server::start(operation_done_at(DATAPROC_PATH, DATAPROC_NAME, 2)).await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    // The futures can move to another thread (e.g. `tokio::spawn` on a multi-threaded runtime).
    let op = sendable(client.send(&get)).await.unwrap();
    assert!(!op.is_done());
    assert_eq!(op.metadata.unwrap()["poll"], 1);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn operation_done_with_error_is_operation_failed() {
    let server = Server::start(|n, _| {
        Reply::Json(
            200,
            if n < 2 {
                running(DATAPROC_NAME, n)
            } else {
                json!({"name": DATAPROC_NAME, "done": true, "error": {
                    "code": 9,
                    "message": "Cluster creation failed",
                    "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "QUOTA"}],
                }})
            },
        )
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    match sendable(client.until_done(&get)).await {
        Err(Error::OperationFailed {
            method,
            name,
            error: OperationError::Status(status),
        }) => {
            assert_eq!(method, "dataproc.projects.regions.operations.get");
            assert_eq!(name.as_deref(), Some(DATAPROC_NAME));
            assert_eq!(status.code, Some(9));
            assert_eq!(status.message.as_deref(), Some("Cluster creation failed"));
            assert_eq!(status.details()[0]["reason"], "QUOTA");
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn names_the_builder_rejects_send_nothing() {
    let server = Server::start(operation_done_at(DATAPROC_PATH, DATAPROC_NAME, 1)).await;
    let client = client_for(&server).build().unwrap();
    for name in [
        "projects/p/regions/../operations/o",
        "projects/p/regions/r/operations/o/../../../x",
        "projects/p/regions/r/operations/",
        "",
    ] {
        let err = dataproc_v1::ProjectsRegionsOperationsGet::new(name).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { .. }),
            "{name}: {err:?}"
        );
    }
    let err = workspaceevents_v1::OperationsGet::new("projects/p/operations/o").unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err:?}");
    // The client itself still works, and only what it sent reached the server.
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert_eq!(server.hits(), 0);
    client.send(&get).await.unwrap();
    assert_eq!(server.hits(), 1);
}

struct FailingTokens;

impl TokenSource for FailingTokens {
    fn headers<'a>(
        &'a self,
        _: &'a [google_operations::Scope],
    ) -> AuthFuture<'a, google_operations::http::HeaderMap> {
        Box::pin(async { Err("no credentials here".into()) })
    }
}

#[tokio::test]
async fn missing_or_failing_tokens() {
    let server = Server::start(operation_done_at(DATAPROC_PATH, DATAPROC_NAME, 1)).await;
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();

    let anonymous = Client::builder().root_url(&server.root).build().unwrap();
    let err = anonymous.send(&get).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.http_status, 401);
    assert_eq!(api.status.as_deref(), Some("UNAUTHENTICATED"));
    assert!(matches!(err, Error::Api { attempts: 1, .. }), "{err:?}");
    assert_eq!(server.hits(), 1, "401 is not retried");

    let failing = client_for(&server)
        .token_source(FailingTokens)
        .build()
        .unwrap();
    let err = failing.send(&get).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                method: "dataproc.projects.regions.operations.get",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no credentials here"), "{err}");
    assert_eq!(server.hits(), 1, "nothing sent without a token");
}

#[tokio::test]
async fn too_many_requests_with_retry_after() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Raw(
            429,
            vec![("retry-after", "1"), ("content-type", "application/json")],
            json!({"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}).to_string(),
        ),
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.send(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn max_concurrent_requests_lets_that_many_exchanges_in_flight() {
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let server = Server::start(move |_, _| {
        seen.lock().unwrap().push(std::time::Instant::now());
        Reply::Slow(ms(300), Box::new(Reply::Json(200, done(DATAPROC_NAME))))
    })
    .await;
    let client = client_for(&server)
        .max_concurrent_requests(2)
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let (a, b, c, d, e, f) = tokio::join!(
        client.send(&get),
        client.send(&get),
        client.send(&get),
        client.send(&get),
        client.send(&get),
        client.send(&get),
    );
    for result in [a, b, c, d, e, f] {
        assert!(result.unwrap().is_done());
    }
    // Two at a time, each answered after 300 ms: the third starts when one of the first two
    // has been answered, the fifth when one of the second pair has.
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 6);
    assert!(arrivals[2] - arrivals[0] >= ms(280), "{arrivals:?}");
    assert!(arrivals[4] - arrivals[0] >= ms(580), "{arrivals:?}");
}

#[tokio::test]
async fn a_rate_limit_paces_starts_and_a_request_in_flight_holds_no_turn() {
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let server = Server::start(move |_, _| {
        seen.lock().unwrap().push(std::time::Instant::now());
        // Each answer takes three seconds, as a server-side wait would, and longer.
        Reply::Slow(ms(3000), Box::new(Reply::Json(200, done(DATAPROC_NAME))))
    })
    .await;
    let client = client_for(&server)
        .rate_limit(google_operations::RateLimit::per_second(4.0).burst(2))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let started = std::time::Instant::now();
    let results = futures_util::future::join_all((0..6).map(|_| client.send(&get))).await;
    assert!(results.into_iter().all(|r| r.unwrap().is_done()));
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 6);
    // Two at once, then one every 250 ms: the sixth starts a second in, long before the first
    // answer, since slow answers in flight take no turn.
    assert!(arrivals[1] - arrivals[0] < ms(200), "{arrivals:?}");
    assert!(arrivals[2] - arrivals[0] >= ms(240), "{arrivals:?}");
    assert!(arrivals[5] - arrivals[0] >= ms(990), "{arrivals:?}");
    assert!(arrivals[5] - started < ms(2500), "{arrivals:?}");
}

#[tokio::test]
async fn a_call_that_waited_for_its_turn_still_has_its_whole_timeout() {
    let server =
        Server::start(|_, _| Reply::Slow(ms(200), Box::new(Reply::Json(200, done(DATAPROC_NAME)))))
            .await;
    // One request a second, each call 1.5 s: the third starts two seconds in, and is still
    // answered, since its time counts from its start.
    let client = client_for(&server)
        .rate_limit(google_operations::RateLimit::per_second(1.0).burst(1))
        .timeout(ms(1500))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let (a, b, c) = tokio::join!(client.send(&get), client.send(&get), client.send(&get));
    for result in [a, b, c] {
        assert!(result.unwrap().is_done());
    }
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_retry_after_past_the_timeout_ends_the_call() {
    let server = Server::start(|_, _| {
        Reply::Raw(
            429,
            vec![("retry-after", "3600")],
            r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#
                .to_owned(),
        )
    })
    .await;
    let client = client_for(&server)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert_eq!(
        err.api_error().unwrap().retry_delay(),
        Some(Duration::from_secs(3600))
    );
    assert!(matches!(err, Error::Api { attempts: 1, .. }), "{err:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn unavailable_then_success_honours_retry_info() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(
            503,
            json!({"error": {"code": 503, "message": "Try later", "status": "UNAVAILABLE", "details": [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.020s"}
            ]}}),
        ),
        2 => unavailable(),
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.send(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_say_how_many() {
    let server = Server::start(|_, _| unavailable()).await;
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(ms(1)),
        )
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert!(matches!(err, Error::Api { attempts: 3, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "dataproc.projects.regions.operations.get: HTTP 503 UNAVAILABLE: The service is currently unavailable. (after 3 attempt(s))"
    );
    assert_eq!(server.hits(), 3);

    let once = client_for(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    assert!(once.send(&get).await.unwrap_err().is_transient());
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Reset,
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.send(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 2);

    let server = Server::start(|_, _| Reply::Reset).await;
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(ms(1)),
        )
        .build()
        .unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                attempts: 2,
                kind: TransportKind::Broken,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn html_bad_gateway_page_is_kept_as_text() {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>upstream connect error</p>".repeat(100)
    );
    let server = Server::start(move |_, _| {
        Reply::Raw(502, vec![("content-type", "text/html")], page.clone())
    })
    .await;
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(ms(1)),
        )
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.http_status, 502);
    assert_eq!(api.message, "Bad Gateway");
    let body = api.body.as_deref().unwrap();
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert_eq!(body.len(), 1024, "at most 1 KiB of the body is kept");
    assert!(matches!(err, Error::Api { attempts: 2, .. }), "{err:?}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn truncated_json_on_200_is_retried_and_named_when_it_lasts() {
    let truncated = || {
        let full = done(DATAPROC_NAME).to_string();
        Reply::Raw(
            200,
            vec![("content-type", "application/json")],
            full[..full.len() / 2].to_owned(),
        )
    };
    // Once: the next attempt reads the whole operation.
    let server = Server::start(move |n, _| match n {
        1 => truncated(),
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.until_done(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 2);

    // Every time: the call's attempts are spent, and the error names the body's problem.
    let server = Server::start(move |_, _| truncated()).await;
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(ms(1)),
        )
        .build()
        .unwrap();
    match client.send(&get).await {
        Err(
            e @ Error::Decode {
                method,
                attempts,
                problem: google_operations::BodyProblem::Truncated,
                line,
                column,
                ..
            },
        ) => {
            assert_eq!(method, "dataproc.projects.regions.operations.get");
            assert_eq!((attempts, line), (2, 1));
            assert!(column > 0);
            assert!(e.is_transient());
            assert_eq!(
                e.to_string(),
                "dataproc.projects.regions.operations.get: the response body was cut short \
                 (its JSON is not whole) (after 2 attempt(s))"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn each_attempt_slower_than_its_timeout_is_retried_then_given_up() {
    let server = Server::start(|_, _| {
        Reply::Slow(
            Duration::from_secs(30),
            Box::new(Reply::Json(200, done(DATAPROC_NAME))),
        )
    })
    .await;
    let client = client_for(&server)
        .attempt_timeout(ms(200))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(ms(1)),
        )
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                attempts: 3,
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn the_overall_timeout_cuts_a_slow_attempt() {
    let server = Server::start(|_, _| {
        Reply::Slow(
            Duration::from_secs(30),
            Box::new(Reply::Json(200, done(DATAPROC_NAME))),
        )
    })
    .await;
    let client = client_for(&server)
        .attempt_timeout(Duration::from_secs(60))
        .timeout(ms(300))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                attempts: 1,
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn transient_errors_while_polling_follow_the_retry_policy() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(200, running(DATAPROC_NAME, n)),
        2 => unavailable(),
        3 => Reply::Reset,
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.until_done(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn a_permanent_error_ends_the_wait() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(200, running(DATAPROC_NAME, n)),
        _ => Reply::Json(
            404,
            json!({"error": {"code": 404, "message": "Operation not found", "status": "NOT_FOUND"}}),
        ),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.until_done(&get).await.unwrap_err();
    assert_eq!(
        err.api_error().unwrap().status.as_deref(),
        Some("NOT_FOUND")
    );
    // It was seen running, so the 404 is final at once, and says so.
    assert!(matches!(err, Error::OperationGone { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "dataproc.projects.regions.operations.get: operation {DATAPROC_NAME} was seen before and is now gone: HTTP 404"
        )),
        "{err}"
    );
    assert_eq!(server.hits(), 2);
}

/// Cloud SQL's answer for an operation it has only just returned (real traffic, identifiers
/// replaced).
fn sql_operation_does_not_exist() -> Reply {
    Reply::Json(
        404,
        json!({"error": {"code": 404, "message": "The Cloud SQL operation does not exist.",
            "errors": [{"domain": "global", "reason": "operationDoesNotExist", "message": "The Cloud SQL operation does not exist."}]}}),
    )
}

const SQL_OPERATION: &str = "a1b2c3d4-e5f6-47a8-9b0c-1d2e3f4a5b6c";

#[tokio::test]
async fn a_new_operation_not_found_yet_is_polled_again_within_the_grace() {
    let server = Server::start(|n, _| match n {
        1 | 2 => sql_operation_does_not_exist(),
        3 => Reply::Json(200, json!({"name": SQL_OPERATION, "status": "RUNNING"})),
        _ => Reply::Json(200, json!({"name": SQL_OPERATION, "status": "DONE"})),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = sqladmin_v1beta4::OperationsGet::new("my-project", SQL_OPERATION).unwrap();
    let op = client.until_done(&get).await.unwrap();
    assert!(op.is_done());
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn not_found_past_the_grace_or_without_one_is_final() {
    let server = Server::start(|_, _| sql_operation_does_not_exist()).await;
    let client = client_for(&server).build().unwrap();
    let get = sqladmin_v1beta4::OperationsGet::new("my-project", SQL_OPERATION).unwrap();
    // No grace: the first 404 ends the wait, as the service's own error.
    let policy = PollPolicy::default().not_found_grace(Duration::ZERO);
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    assert!(matches!(&err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.api_error().unwrap().http_status, 404);
    assert_eq!(server.hits(), 1);
    // A grace of 150 ms with 40 ms pauses: a few polls, then the 404 of the last is final.
    let policy = PollPolicy::default()
        .initial_interval(ms(40))
        .multiplier(1.0)
        .not_found_grace(ms(150));
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    assert!(matches!(&err, Error::Api { .. }), "{err:?}");
    let polls = server.hits() - 1;
    assert!((3..=6).contains(&polls), "{polls} polls in the grace");
}

#[tokio::test]
async fn a_wait_that_never_saw_the_operation_names_it_from_the_request() {
    let server = Server::start(|_, _| unavailable()).await;
    let client = client_for(&server)
        .retry_policy(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let policy = PollPolicy::default().initial_interval(ms(1)).max_polls(2);
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    match &err {
        Error::NotDone {
            name,
            last_operation: None,
            ..
        } => assert_eq!(name.as_deref(), Some(DATAPROC_NAME)),
        other => panic!("expected NotDone, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("operation {DATAPROC_NAME} is not done")),
        "{err}"
    );
}

fn never_done() -> impl Fn(usize, &str) -> Reply + Send + Sync {
    |n, _| Reply::Json(200, running(DATAPROC_NAME, n))
}

#[tokio::test]
async fn an_operation_that_never_completes_stops_at_max_polls() {
    let server = Server::start(never_done()).await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let mut progress = 0;
    let wait = client
        .poller(&get)
        .policy(PollPolicy::default().initial_interval(ms(1)).max_polls(4))
        .on_progress(|_| progress += 1)
        .wait();
    let err = sendable(wait).await.unwrap_err();
    assert_eq!(progress, 4);
    match &err {
        Error::NotDone {
            name,
            polls: 4,
            limit: PollLimit::Polls(4),
            last_operation: Some(last),
            ..
        } => {
            assert_eq!(name.as_deref(), Some(DATAPROC_NAME));
            assert_eq!(last["metadata"]["poll"], 4);
        }
        other => panic!("expected NotDone, got {other:?}"),
    }
    let last: dataproc_v1::Operation = err.last_operation_as().unwrap();
    assert_eq!(last.metadata.unwrap()["poll"], 4);
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn an_operation_that_never_completes_stops_at_the_deadline() {
    let server = Server::start(never_done()).await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    // The wait after the first poll would end past the deadline, so there is no second poll:
    // polling gives up at once, and says why.
    let policy = PollPolicy::default()
        .initial_interval(Duration::from_secs(60))
        .deadline(Duration::from_secs(30));
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    match &err {
        Error::NotDone {
            polls: 1,
            limit: PollLimit::NextPollTooLate { deadline, wait },
            last_operation: Some(last),
            elapsed,
            ..
        } => {
            assert_eq!(*deadline, Duration::from_secs(30));
            assert_eq!(*wait, Duration::from_secs(60));
            assert!(*elapsed < Duration::from_secs(5), "{elapsed:?}");
            assert_eq!(last["metadata"]["poll"], 1);
        }
        other => panic!("expected NotDone, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with(
            "dataproc.projects.regions.operations.get: operation projects/p/regions/r/operations/o \
             is not done; gave up after 1 poll(s) in "
        ) && text
            .ends_with(", since the next poll would come 60s later, after the deadline of 30s"),
        "{text}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn the_poll_deadline_cuts_a_slow_poll() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(200, running(DATAPROC_NAME, n)),
        _ => Reply::Slow(
            Duration::from_secs(30),
            Box::new(Reply::Json(200, done(DATAPROC_NAME))),
        ),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let policy = PollPolicy::default()
        .initial_interval(ms(1))
        .deadline(Duration::from_secs(1));
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    match &err {
        Error::NotDone {
            polls: 2,
            limit: PollLimit::Deadline(_),
            last_operation: Some(last),
            ..
        } => assert_eq!(last["metadata"]["poll"], 1),
        other => panic!("expected NotDone, got {other:?}"),
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn transient_failures_ride_out_to_the_deadline() {
    // Each poll gets one attempt; six polls in a row meet 429s and HTML 502 pages, then the
    // operation is done: the wait goes on through all of them.
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(200, running(DATAPROC_NAME, n)),
        2..=4 => Reply::Json(
            429,
            json!({"error": {"code": 429, "message": "Slow down", "status": "RESOURCE_EXHAUSTED"}}),
        ),
        5..=7 => Reply::Raw(
            502,
            vec![("content-type", "text/html")],
            "<html><body>502 Bad Gateway</body></html>".into(),
        ),
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    assert!(client.until_done(&get).await.unwrap().is_done());
    assert_eq!(server.hits(), 8);

    // Failing for good, the wait ends at its deadline and says what it last met.
    let failing = Server::start(|_, _| unavailable()).await;
    let client = client_for(&failing)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let policy = PollPolicy::default()
        .initial_interval(ms(5))
        .max_interval(ms(20))
        .deadline(ms(300));
    let err = client.poller(&get).policy(policy).wait().await.unwrap_err();
    match &err {
        Error::NotDone {
            limit: PollLimit::Deadline(_) | PollLimit::NextPollTooLate { .. },
            last_error: Some(last),
            polls,
            ..
        } => {
            assert!(*polls > 3, "{polls} polls");
            // A 503, or the last poll cut short by the deadline.
            assert!(last.is_transient(), "{last}");
        }
        other => panic!("expected NotDone, got {other:?}"),
    }
    assert!(
        err.to_string().contains("; the last poll failed: "),
        "{err}"
    );
    assert!(failing.hits() > 3);
}

#[tokio::test]
async fn endpoints_that_are_not_http_are_refused_before_sending() {
    match Client::builder().root_url("ftp://example.com/").build() {
        Err(Error::NotHttp { url }) => assert_eq!(url, "ftp://example.com/"),
        other => panic!("expected NotHttp, got {other:?}"),
    }
    let server = Server::start(|_, _| Reply::Json(200, done(DATAPROC_NAME))).await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME)
        .unwrap()
        .root_url("ftp://127.0.0.1/");
    let err = client.until_done(&get).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the root URL \"ftp://127.0.0.1/\" is not an http:// or https:// URL"
    );
    assert!(!err.is_transient());
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_refused_connection_names_its_cause() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .root_url(format!("http://127.0.0.1:{port}/"))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.send(&get).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("dataproc.projects.regions.operations.get: could not connect"),
        "{text}"
    );
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
}

/// A writer for `tracing_subscriber` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_tells_polls_retries_and_outcome_without_the_token() {
    use tracing_subscriber::util::SubscriberInitExt;
    let captured = Captured::default();
    let writer = captured.clone();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    let server = Server::start(|n, _| match n {
        1 => Reply::Json(200, running(DATAPROC_NAME, n)),
        2 => unavailable(),
        _ => Reply::Json(200, done(DATAPROC_NAME)),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    client.until_done(&get).await.unwrap();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for want in [
        "polling",
        "not done yet",
        "pausing before the next poll",
        "retrying after a transient failure",
        "HTTP 503",
        "done",
        "dataproc.projects.regions.operations.get",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    assert!(!text.contains(TOKEN), "the token leaked:\n{text}");
    assert!(!text.contains("ya29"), "the token leaked:\n{text}");
}

/// The first request gets `first` (a throttling answer); every later one succeeds. A second
/// waiter that starts meanwhile holds back too, instead of adding to the load: every later
/// request comes at least `hold` after the first.
async fn throttling_holds_back_every_request_sharing_the_client(
    first: testserver::Response,
    retry: RetryPolicy,
    hold: Duration,
) {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = arrivals.clone();
    let first = Mutex::new(Some(first));
    let server = testserver::Server::start(move |n, _| {
        seen.lock().unwrap().push(Instant::now());
        match first.lock().unwrap().take() {
            Some(reply) if n == 1 => reply.into(),
            _ => testserver::Response::json(200, done(DATAPROC_NAME).to_string()).into(),
        }
    });
    let client = Client::builder()
        .token_source(Token::new(TOKEN))
        .root_url(server.root_url())
        .retry_policy(retry)
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let first = tokio::spawn({
        let (client, get) = (client.clone(), get.clone());
        async move { client.send(&get).await }
    });
    while arrivals.lock().unwrap().is_empty() {
        tokio::time::sleep(ms(2)).await;
    }
    tokio::time::sleep(ms(20)).await;
    let second = client.send(&get).await;
    assert!(first.await.unwrap().unwrap().is_done());
    assert!(second.unwrap().is_done());
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 3);
    for later in &arrivals[1..] {
        let gap = later.duration_since(arrivals[0]);
        assert!(
            gap >= hold,
            "a request came {gap:?} after the throttling answer"
        );
    }
}

#[tokio::test]
async fn a_429_holds_back_every_request_sharing_the_client() {
    // The 429 asks for 400 ms.
    throttling_holds_back_every_request_sharing_the_client(
        testserver::Response::json(
            429,
            json!({"error": {"code": 429, "message": "Slow down", "status": "RESOURCE_EXHAUSTED",
                "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.400s"}]}})
            .to_string(),
        ),
        RetryPolicy::default()
            .initial_backoff(ms(1))
            .max_backoff(ms(5)),
        ms(390),
    )
    .await;
}

#[tokio::test]
async fn a_rate_limit_403_is_ridden_out_and_holds_back_the_client_like_a_429() {
    // Compute Engine's answer to too many reads (real traffic, identifiers replaced): no
    // delay asked, so the backoff of 400 ms (jitter: at least half of it) is the hold-back.
    throttling_holds_back_every_request_sharing_the_client(
        testserver::Response::json(
            403,
            json!({"error": {"code": 403, "message": "Quota exceeded for quota group 'ReadGroup' and limit 'Read requests per 100 seconds' of service 'compute.googleapis.com' for consumer 'project_number:123456'.",
                "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Quota exceeded"}]}})
            .to_string(),
        ),
        RetryPolicy::default()
            .initial_backoff(ms(400))
            .max_backoff(ms(400)),
        ms(195),
    )
    .await;
}

/// A client's root URL wins over the published endpoint a resolved URL names: the request
/// comes to this server, not to the regional host.
#[tokio::test]
async fn a_client_root_url_wins_over_a_resolved_endpoint() {
    let server = Server::start(|_, _| Reply::Json(200, done(DATAPROC_NAME))).await;
    let client = client_for(&server).build().unwrap();
    let resolved = google_operations::resolve(
        &format!("https://dataproc.europe-west3.rep.googleapis.com/v1/{DATAPROC_NAME}"),
        None,
    )
    .unwrap();
    let op = client.poller(&resolved).wait().await.unwrap();
    assert!(op.is_done());
    assert_eq!(server.hits(), 1);
}

/// A server that accepts `Bearer token-1` for its first `expires_after` requests and only
/// `Bearer token-2` after them (token-1 expired), and serves `DATAPROC_NAME`, done at the
/// `done_at`-th accepted poll.
fn expiring_server(expires_after: usize, done_at: usize) -> testserver::Server {
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    testserver::Server::start(move |n, request| {
        let wanted = if n <= expires_after {
            "Bearer token-1"
        } else {
            "Bearer token-2"
        };
        if request.header("authorization") != Some(wanted) {
            // Google's answer to an expired token.
            return testserver::Response::json(
                401,
                r#"{"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "status": "UNAUTHENTICATED"}}"#,
            )
            .into();
        }
        let polls = accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let body = if polls >= done_at {
            done(DATAPROC_NAME)
        } else {
            running(DATAPROC_NAME, polls)
        };
        testserver::Response::json(200, body.to_string()).into()
    })
}

/// A shell command that prints `token-N`, N counting its runs (kept in `count`).
#[cfg(unix)]
fn counting_command(count: &std::path::Path) -> String {
    format!(
        "echo x >> '{0}'; printf 'token-%s\\n' $(wc -l < '{0}' | tr -d ' ')",
        count.display()
    )
}

#[cfg(unix)]
#[tokio::test]
async fn a_token_that_expires_halfway_is_renewed_once_and_the_wait_goes_on() {
    let server = expiring_server(2, 4);
    let dir = std::env::temp_dir().join(format!("expiring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let count = dir.join("count");
    let _ = std::fs::remove_file(&count);
    let client = quick_client(&server.root_url())
        .token_source(google_operations::TokenCommand::shell(counting_command(
            &count,
        )))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let op = client
        .until_done(&get)
        .await
        .expect("the wait goes on after the 401");
    assert!(op.is_done());
    let bearers: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        bearers,
        [
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1", // refused: 401
            "Bearer token-2", // sent again at once with a new token
            "Bearer token-2",
        ]
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A source whose every token is refused, though it says it can renew them.
struct AlwaysRefused(std::sync::atomic::AtomicUsize);

impl TokenSource for AlwaysRefused {
    fn headers<'a>(
        &'a self,
        _: &'a [google_operations::Scope],
    ) -> AuthFuture<'a, google_operations::http::HeaderMap> {
        let n = self.0.load(std::sync::atomic::Ordering::SeqCst);
        let mut headers = google_operations::http::HeaderMap::new();
        headers.insert(
            "authorization",
            format!("Bearer revoked-{n}").parse().unwrap(),
        );
        Box::pin(async move { Ok(headers) })
    }

    fn refresh<'a>(
        &'a self,
        _: &'a [google_operations::Scope],
        _: &'a google_operations::http::HeaderMap,
    ) -> AuthFuture<'a, bool> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Ok(true) })
    }
}

#[tokio::test]
async fn a_second_401_in_a_row_ends_the_wait() {
    let server = expiring_server(0, 1);
    let client = quick_client(&server.root_url())
        .token_source(AlwaysRefused(Default::default()))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let err = client.until_done(&get).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::TokenRefused {
                refreshed: true,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(
            "dataproc.projects.regions.operations.get: the access token was refused after "
        ),
        "{text}"
    );
    assert!(
        text.contains("and so was the new one fetched at once"),
        "{text}"
    );
    let bearers: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(bearers, ["Bearer revoked-0", "Bearer revoked-1"]);
}

#[tokio::test]
async fn a_static_token_refused_halfway_ends_the_wait_at_once_saying_why() {
    let server = expiring_server(2, 10);
    let client = quick_client(&server.root_url())
        .token_source(Token::new("token-1"))
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let started = std::time::Instant::now();
    let err = client.until_done(&get).await.unwrap_err();
    let Error::TokenRefused {
        refreshed: false,
        elapsed,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    // The wait's time, from its first poll, not the last call's.
    assert!(*elapsed <= started.elapsed(), "{elapsed:?}");
    assert_eq!(
        server.requests().len(),
        3,
        "a static token is not sent again"
    );
    assert_eq!(err.api_error().map(|e| e.http_status.as_u16()), Some(401));
    let text = err.to_string();
    let expected_start =
        "dataproc.projects.regions.operations.get: the access token was refused after ";
    assert!(text.starts_with(expected_start), "{text}");
    assert!(
        text.ends_with(
            ": it expired or was revoked, and this token source cannot get another (a token \
             given as such lasts about an hour). For long waits use a source that refreshes its \
             tokens: Application Default Credentials, or a command that prints a token. The \
             server said: HTTP 401 UNAUTHENTICATED: Request had invalid authentication \
             credentials. Expected OAuth 2 access token, login cookie or other valid \
             authentication credential."
        ),
        "{text}"
    );
    // Without a token source, a 401 is the API's answer as it is.
    let anonymous = quick_client(&server.root_url()).build().unwrap();
    let err = anonymous.send(&get).await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
}

#[tokio::test]
async fn the_quota_project_is_sent_whatever_the_source_and_only_when_set() {
    let server = Server::start(operation_done_at(DATAPROC_PATH, DATAPROC_NAME, 1)).await;
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    let quota = |server: &Server| -> Vec<Option<String>> {
        server
            .server
            .requests()
            .iter()
            .map(|r| r.header("x-goog-user-project").map(str::to_owned))
            .collect()
    };
    // None set: no header (this test binary sets no GOOGLE_CLOUD_QUOTA_PROJECT).
    assert!(std::env::var_os("GOOGLE_CLOUD_QUOTA_PROJECT").is_none());
    client_for(&server)
        .build()
        .unwrap()
        .send(&get)
        .await
        .unwrap();
    assert_eq!(quota(&server), [None]);
    // A static token with the client's quota project.
    client_for(&server)
        .quota_project("billed-project")
        .build()
        .unwrap()
        .send(&get)
        .await
        .unwrap();
    assert_eq!(quota(&server), [None, Some("billed-project".to_owned())]);
    // The client's quota project wins over the source's.
    struct WithQuota;
    impl TokenSource for WithQuota {
        fn headers<'a>(
            &'a self,
            _: &'a [google_operations::Scope],
        ) -> AuthFuture<'a, google_operations::http::HeaderMap> {
            let mut headers = google_operations::http::HeaderMap::new();
            headers.insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
            headers.insert("x-goog-user-project", "source-project".parse().unwrap());
            Box::pin(async move { Ok(headers) })
        }
    }
    let with_source = client_for(&server).token_source(WithQuota);
    with_source.build().unwrap().send(&get).await.unwrap();
    client_for(&server)
        .token_source(WithQuota)
        .quota_project("client-project")
        .build()
        .unwrap()
        .send(&get)
        .await
        .unwrap();
    assert_eq!(
        quota(&server)[2..],
        [
            Some("source-project".to_owned()),
            Some("client-project".to_owned())
        ]
    );
    let err = client_for(&server)
        .quota_project("bad\nproject")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the quota project \"bad\\nproject\""),
        "{err}"
    );
}

/// A source whose credentials are of `universe`.
struct InUniverse(&'static str);

impl TokenSource for InUniverse {
    fn headers<'a>(
        &'a self,
        _: &'a [google_operations::Scope],
    ) -> AuthFuture<'a, google_operations::http::HeaderMap> {
        let mut headers = google_operations::http::HeaderMap::new();
        headers.insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
        Box::pin(async move { Ok(headers) })
    }

    fn universe_domain(&self) -> AuthFuture<'_, Option<String>> {
        Box::pin(async move { Ok(Some(self.0.to_owned())) })
    }
}

#[tokio::test]
async fn credentials_and_requests_of_another_universe_are_refused_before_sending() {
    let server = Server::start(operation_done_at(DATAPROC_PATH, DATAPROC_NAME, 1)).await;
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(DATAPROC_NAME).unwrap();
    // Credentials of googleapis.com, a client of s3nsapis.fr.
    let client = client_for(&server)
        .token_source(InUniverse("googleapis.com"))
        .universe_domain("s3nsapis.fr")
        .build()
        .unwrap();
    let err = client.send(&get).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the universe domain of the credentials is \"googleapis.com\", but requests go to \
         \"s3nsapis.fr\": set the universe domain (GOOGLE_CLOUD_UNIVERSE_DOMAIN) to match; \
         nothing was sent"
    );
    assert_eq!(server.hits(), 0);
    // The same universe: sent (to the root URL given, as it is).
    let client = client_for(&server)
        .token_source(InUniverse("s3nsapis.fr"))
        .universe_domain("s3nsapis.fr")
        .build()
        .unwrap();
    client.send(&get).await.unwrap();
    assert_eq!(server.hits(), 1);
    // A request resolved in s3nsapis.fr is not sent by a client of googleapis.com.
    let resolved = google_operations::resolve_in_universe(
        "https://dataproc.s3nsapis.fr/v1/projects/p/regions/r/operations/o",
        None,
        "s3nsapis.fr",
    )
    .unwrap()
    .root_url(&server.root);
    let client = client_for(&server).build().unwrap();
    let err = client
        .poller(&resolved)
        .poll()
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(&err, Error::UniverseDomain { of: "the request", found, .. } if found == "s3nsapis.fr"),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
    // Nor a URL on googleapis.com by a client of s3nsapis.fr: its host is not rewritten.
    let resolved = google_operations::resolve_among(
        &[dataproc_v1::COLLECTIONS],
        "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o",
        None,
    )
    .unwrap()
    .root_url(&server.root);
    let client = client_for(&server)
        .token_source(InUniverse("s3nsapis.fr"))
        .universe_domain("s3nsapis.fr")
        .build()
        .unwrap();
    let err = client
        .poller(&resolved)
        .poll()
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(&err, Error::UniverseDomain { of: "the request", found, .. } if found == "googleapis.com"),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
    let err = Client::builder()
        .universe_domain("s3nsapis.fr/x")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is not a domain such as `googleapis.com`"),
        "{err}"
    );
}
