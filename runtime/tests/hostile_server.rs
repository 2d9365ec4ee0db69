//! The client and the poller against a server on 127.0.0.1 that misbehaves the ways networks,
//! front ends and services do: redirects, oversized bodies and heads, empty bodies,
//! `Retry-After` in both forms and longer than the deadline, and an operation that reports its
//! failure outside `error`.

mod quick;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use google_operations::{
    BodyProblem, ClientBuilder, Error, OperationError, PollLimit, PollPolicy, RetryPolicy,
    TransportKind, container_v1, dataproc_v1,
};
use quick::{ms, quick_client};
use serde_json::json;
use testserver::{Reply, Response, Server};

const NAME: &str = "projects/p/regions/r/operations/o";

fn get() -> dataproc_v1::ProjectsRegionsOperationsGet {
    dataproc_v1::ProjectsRegionsOperationsGet::new(NAME).unwrap()
}

fn done() -> Response {
    Response::json(200, json!({"name": NAME, "done": true}).to_string())
}

fn running() -> Response {
    Response::json(200, json!({"name": NAME, "done": false}).to_string())
}

fn throttled() -> Response {
    Response::json(
        429,
        r#"{"error":{"code":429,"message":"Quota exceeded for quota metric 'Read requests'.","status":"RESOURCE_EXHAUSTED"}}"#,
    )
}

/// A client for `server` with short waits.
fn client_for(server: &Server) -> ClientBuilder {
    quick_client(&server.root_url())
}

/// When each request reached the handler, for timing what the client waited.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Arrivals {
    fn mark(&self) {
        self.0.lock().unwrap().push(Instant::now());
    }

    fn gap(&self, from: usize, to: usize) -> Duration {
        let times = self.0.lock().unwrap();
        times[to] - times[from]
    }
}

#[tokio::test]
async fn redirects_of_every_code_are_never_followed_nor_believed() {
    // Another server, on another port, that would call the operation done.
    let elsewhere = Server::start(|_, _| done().into());
    for status in [301, 302, 303, 307, 308] {
        let target = elsewhere.url("v1/projects/p/regions/r/operations/o");
        let server = Server::start(move |_, _| {
            Response::new(status)
                .header("location", target.clone())
                .into()
        });
        let client = client_for(&server).build().unwrap();
        let err = client.until_done(&get()).await.unwrap_err();
        match &err {
            Error::Redirected {
                status: s,
                location: Some(location),
                attempts: 1,
                ..
            } => {
                assert_eq!(s.as_u16(), status);
                assert!(location.starts_with(&elsewhere.root_url()), "{location}");
            }
            other => panic!("{status}: expected Redirected, got {other:?}"),
        }
        assert!(!err.is_transient());
        assert!(
            err.to_string()
                .contains("redirects are never followed, since Google APIs do not redirect"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 1, "{status}: sent once");
    }
    assert!(
        elsewhere.requests().is_empty(),
        "the other host is never asked"
    );

    // A redirect to itself is one request, not a loop.
    let server = Server::start(|_, request| {
        Response::new(302)
            .header("location", request.target.clone())
            .into()
    });
    let client = client_for(&server).build().unwrap();
    assert!(matches!(
        client.until_done(&get()).await,
        Err(Error::Redirected { .. })
    ));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_unread_and_not_retried() {
    const LIMIT: u64 = 64 * 1024;
    let big = format!(
        r#"{{"name":"{NAME}","done":true,"pad":"{}"}}"#,
        "x".repeat(100_000)
    );
    let big_length = big.len() as u64;
    // Announced by its Content-Length, and without one (read up to the limit).
    let announced = Server::start(move |_, _| Response::json(200, big.clone()).into());
    let streamed = Server::start(|_, _| Reply::Streamed {
        response: Response::json(200, "x".repeat(16 * 1024)),
        repeat: 1000,
    });
    for (server, length) in [(&announced, Some(big_length)), (&streamed, None)] {
        let client = client_for(server).max_response_size(LIMIT).build().unwrap();
        let err = client.until_done(&get()).await.unwrap_err();
        match &err {
            Error::ResponseTooLarge {
                limit,
                announced,
                attempts: 1,
                ..
            } => {
                assert_eq!(*limit, LIMIT);
                assert_eq!(*announced, length);
            }
            other => panic!("expected ResponseTooLarge, got {other:?}"),
        }
        assert!(!err.is_transient());
        assert!(
            err.to_string()
                .contains("the response body is larger than the limit of 65536 bytes"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 1);
    }
    // Within the limit, the same body is read.
    let client = client_for(&announced)
        .max_response_size(200_000)
        .build()
        .unwrap();
    assert!(client.send(&get()).await.is_ok());
}

#[tokio::test]
async fn an_empty_200_is_ridden_out_within_the_deadline() {
    let server = Server::start(|n, _| match n {
        1 => running().into(),
        2 | 3 => Response::new(200)
            .header("content-type", "application/json")
            .into(),
        _ => done().into(),
    });
    let client = client_for(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let op = client.until_done(&get()).await.unwrap();
    assert_eq!(op.name.as_deref(), Some(NAME));
    assert_eq!(server.requests().len(), 4);

    // An HTML page is permanent, and says so without a Rust type name.
    let server = Server::start(|_, _| {
        Response::new(200)
            .header("content-type", "text/html")
            .body("<html><head><title>Sign in</title></head></html>")
            .into()
    });
    let client = client_for(&server).build().unwrap();
    let err = client.until_done(&get()).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Decode {
                problem: BodyProblem::Html { title: Some(t) },
                ..
            } if t == "Sign in"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "dataproc.projects.regions.operations.get: the response body is an HTML page, not JSON \
         (page title: \"Sign in\") (after 1 attempt(s))"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_an_http_date() {
    for form in ["seconds", "date"] {
        let arrivals = Arrivals::default();
        let marks = arrivals.clone();
        let server = Server::start(move |n, _| {
            marks.mark();
            match n {
                1 => {
                    // An HTTP date has whole seconds: three from now is two to three away.
                    let value = match form {
                        "seconds" => "2".to_owned(),
                        _ => httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3)),
                    };
                    Response::json(503, r#"{"error":{"code":503,"message":"Try later"}}"#)
                        .header("retry-after", value)
                        .into()
                }
                _ => done().into(),
            }
        });
        let client = client_for(&server).build().unwrap();
        client.send(&get()).await.unwrap();
        let gap = arrivals.gap(0, 1);
        assert!(gap >= ms(1900), "{form}: retried after {gap:?}");
        assert!(
            gap < Duration::from_secs(4),
            "{form}: retried after {gap:?}"
        );
    }
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_ends_the_wait_at_once() {
    for value in [
        "3600".to_owned(),
        httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(86_400)),
    ] {
        let server =
            Server::start(move |_, _| throttled().header("retry-after", value.clone()).into());
        let client = client_for(&server).build().unwrap();
        let started = Instant::now();
        let err = client
            .poller(&get())
            .policy(PollPolicy::default().deadline(Duration::from_secs(4)))
            .wait()
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        match &err {
            Error::NotDone {
                polls: 1,
                limit: PollLimit::NextPollTooLate { deadline, wait },
                last_error: Some(last),
                ..
            } => {
                assert_eq!(*deadline, Duration::from_secs(4));
                assert!(*wait > Duration::from_secs(3000), "{wait:?}");
                assert_eq!(last.api_error().unwrap().http_status.as_u16(), 429);
            }
            other => panic!("expected NotDone, got {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains(" later, after the deadline of 4s; the last poll failed:"),
            "{text}"
        );
        assert!(
            text.contains(" before retrying) (after 1 attempt(s))"),
            "{text}"
        );
        assert!(
            text.contains("HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded"),
            "{text}"
        );
        assert!(!text.contains("no complete response"), "{text}");
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_hold_back_past_the_deadline_is_met_at_once_by_the_clients_other_waits() {
    // One wait meets a 429 asking for an hour; another wait of the same client, with a short
    // deadline, ends at once with that answer instead of idling to its deadline.
    let server = Server::start(|_, _| throttled().header("retry-after", "3600").into());
    let client = client_for(&server).build().unwrap();
    let first = client.send(&get()).await.unwrap_err();
    assert!(first.api_error().is_some());
    let started = Instant::now();
    let err = client
        .poller(&get())
        .policy(PollPolicy::default().deadline(Duration::from_secs(4)))
        .wait()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match &err {
        Error::NotDone {
            limit: PollLimit::NextPollTooLate { .. },
            last_error: Some(last),
            ..
        } => {
            assert!(matches!(**last, Error::HeldBack { .. }), "{last:?}");
            assert!(
                last.to_string().contains(
                    "not sent: every request of this client holds back, past this call's \
                     deadline, after an earlier answer: HTTP 429"
                ),
                "{last}"
            );
        }
        other => panic!("expected NotDone, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "the second wait sends nothing");
}

#[tokio::test]
async fn a_response_head_too_large_is_permanent() {
    let many = Server::start(|_, _| {
        let mut response = done();
        for i in 0..10_000 {
            response = response.header(format!("x-filler-{i}"), "1");
        }
        response.into()
    });
    let long = Server::start(|_, _| done().header("x-filler", "y".repeat(1 << 20)).into());
    for server in [&many, &long] {
        let client = client_for(server).build().unwrap();
        let err = client.until_done(&get()).await.unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Transport {
                    kind: TransportKind::Unreadable,
                    attempts: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(!err.is_transient());
        assert!(
            err.to_string()
                .contains("the response could not be read as HTTP"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_gke_operation_done_with_a_status_message_has_failed() {
    const GKE: &str = "projects/p/locations/us-central1/operations/operation-1";
    let server = Server::start(|n, _| {
        let body = match n {
            1 => {
                json!({"name": "operation-1", "status": "RUNNING", "operationType": "CREATE_CLUSTER"})
            }
            _ => json!({
                "name": "operation-1",
                "status": "DONE",
                "operationType": "CREATE_CLUSTER",
                "statusMessage": "Failed to create cluster: Google Compute Engine: Not enough resources available to fulfill the request.",
            }),
        };
        Response::json(200, body.to_string()).into()
    });
    let client = client_for(&server).build().unwrap();
    let get = container_v1::ProjectsLocationsOperationsGet::new(GKE).unwrap();
    let err = client.until_done(&get).await.unwrap_err();
    match &err {
        Error::OperationFailed {
            error: OperationError::Text { field, message },
            ..
        } => {
            assert_eq!(*field, "statusMessage");
            assert!(
                message.starts_with("Failed to create cluster: "),
                "{message}"
            );
        }
        other => panic!("expected OperationFailed, got {other:?}"),
    }
    assert!(!err.is_cancelled());

    // Done without a message, it is done.
    let server = Server::start(|_, _| {
        Response::json(
            200,
            json!({"name": "operation-1", "status": "DONE", "statusMessage": ""}).to_string(),
        )
        .into()
    });
    let client = client_for(&server).build().unwrap();
    assert!(client.until_done(&get).await.is_ok());
}

/// A token source that never answers: a token command or endpoint that hangs.
struct Stuck;

impl google_operations::TokenSource for Stuck {
    fn headers<'a>(
        &'a self,
        _scopes: &'a [google_operations::Scope],
    ) -> google_operations::AuthFuture<'a, google_operations::http::HeaderMap> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_token_source_that_never_answers_ends_the_call_at_its_deadline() {
    let server = Server::start(|_, _| done().into());
    let client = client_for(&server)
        .token_source(Stuck)
        .timeout(ms(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(&get()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("no access token came before the call's deadline"),
        "{err}"
    );
    assert!(server.requests().is_empty());
}
