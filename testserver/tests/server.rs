//! The server against raw TCP clients, so that every byte it writes is seen.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use testserver::{Reply, Request, Response, Server};

/// Connects to `server` with a 10 s read timeout (a test never hangs on a silent server).
fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Sends `raw` on a new connection and reads until the server closes it.
fn exchange(server: &Server, raw: &[u8]) -> String {
    let mut stream = connect(server);
    stream.write_all(raw).unwrap();
    read_all(&mut stream)
}

fn read_all(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

/// The head and body of an answer.
fn split(answer: &str) -> (&str, &str) {
    answer.split_once("\r\n\r\n").unwrap()
}

/// Waits (at most 10 s) until `server` has read `count` requests.
fn wait_for_requests(server: &Server, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests().len() < count {
        assert!(Instant::now() < deadline, "no request {count} after 10 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn answers_and_records_each_request_with_its_number() {
    let server = Server::start(|n, request| {
        Response::json(201, format!(r#"{{"n":{n},"path":"{}"}}"#, request.path()))
            .header("x-test", "yes")
            .into()
    });

    let answer = exchange(
        &server,
        b"POST /a/b?c=d&e HTTP/1.1\r\nHost: test\r\nX-Custom:  Hi there \r\nContent-Length: 5\r\n\r\nhello",
    );
    let (head, body) = split(&answer);
    assert_eq!(
        head,
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-test: yes\r\n\
         Content-Length: 21\r\nConnection: close"
    );
    assert_eq!(body, r#"{"n":1,"path":"/a/b"}"#);
    let answer = exchange(&server, b"GET / HTTP/1.1\r\nhost: test\r\n\r\n");
    assert!(answer.ends_with(r#"{"n":2,"path":"/"}"#), "{answer}");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let post = &requests[0];
    assert_eq!(
        *post,
        Request {
            method: "POST".into(),
            target: "/a/b?c=d&e".into(),
            headers: vec![
                ("Host".into(), "test".into()),
                ("X-Custom".into(), "Hi there".into()),
                ("Content-Length".into(), "5".into()),
            ],
            body: b"hello".to_vec(),
        }
    );
    assert_eq!(post.path(), "/a/b");
    assert_eq!(post.query(), Some("c=d&e"));
    assert_eq!(post.header("x-custom"), Some("Hi there"));
    assert_eq!(post.header("authorization"), None);
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].query(), None);
    assert!(requests[1].body.is_empty());
}

#[test]
fn urls_are_on_loopback_with_a_trailing_slash() {
    let server = Server::start(|_, _| Response::new(204).into());
    let root = server.root_url();
    assert_eq!(root, format!("http://127.0.0.1:{}/", server.addr().port()));
    assert_eq!(server.url("/v1/x?y=1"), format!("{root}v1/x?y=1"));
    assert_eq!(server.url("v1/x"), format!("{root}v1/x"));
    assert!(server.addr().ip().is_loopback());
    assert_eq!(
        exchange(&server, b"DELETE /x HTTP/1.1\r\n\r\n"),
        "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn the_body_is_read_by_content_length_however_it_arrives() {
    let server = Server::start(|_, request| Response::text(200, request.body.clone()).into());
    let mut stream = connect(&server);
    stream
        .write_all(b"PUT /p HTTP/1.1\r\nContent-Length: 11\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(60));
    stream.write_all(b"\r\nhello").unwrap();
    std::thread::sleep(Duration::from_millis(60));
    stream.write_all(b" world").unwrap();
    let answer = read_all(&mut stream);
    assert_eq!(split(&answer).1, "hello world");

    // A client that waits for `100 Continue` gets it before it sends the body.
    let mut stream = connect(&server);
    stream
        .write_all(b"POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        .unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(b"ok").unwrap();
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert_eq!(split(&answer).1, "ok");
    assert_eq!(server.requests()[1].body, b"ok");
}

#[test]
fn reset_closes_without_an_answer_and_the_request_still_counts() {
    let server = Server::start(|n, _| match n {
        1 => Reply::Reset,
        _ => Response::new(200).into(),
    });
    assert_eq!(exchange(&server, b"GET /one HTTP/1.1\r\n\r\n"), "");
    assert!(exchange(&server, b"GET /two HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK"));
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/one", "/two"]);
    drop(connect(&server));
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.connections() < 3 {
        assert!(
            Instant::now() < deadline,
            "the third connection was never counted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        server.connections(),
        3,
        "a connection without a request counts too"
    );
}

#[test]
fn truncated_announces_more_than_it_sends() {
    let server = Server::start(|_, _| Reply::Truncated {
        response: Response::json(200, "{\"half\":"),
        missing: 1000,
    });
    let answer = exchange(&server, b"GET / HTTP/1.1\r\n\r\n");
    let (head, body) = split(&answer);
    assert!(head.contains("\r\nContent-Length: 1008\r\n"), "{head}");
    assert_eq!(body, "{\"half\":");
}

#[test]
fn streamed_sends_the_body_over_and_over_without_a_length() {
    let server = Server::start(|_, _| Reply::Streamed {
        response: Response::text(200, "abc"),
        repeat: 4,
    });
    let answer = exchange(&server, b"GET / HTTP/1.1\r\n\r\n");
    let (head, body) = split(&answer);
    assert!(
        !head.to_ascii_lowercase().contains("content-length"),
        "{head}"
    );
    assert!(head.contains("\r\nConnection: close"), "{head}");
    assert_eq!(body, "abcabcabcabc");
}

#[test]
fn slow_waits_and_does_not_hold_up_other_connections() {
    let server = Server::start(|n, _| match n {
        1 => Reply::from(Response::text(200, "slow")).after(Duration::from_secs(1)),
        _ => Response::text(200, "quick").into(),
    });
    let started = Instant::now();
    let mut slow = connect(&server);
    slow.write_all(b"GET /slow HTTP/1.1\r\n\r\n").unwrap();
    wait_for_requests(&server, 1);
    let quick = exchange(&server, b"GET /quick HTTP/1.1\r\n\r\n");
    assert_eq!(split(&quick).1, "quick");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(split(&read_all(&mut slow)).1, "slow");
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[test]
fn dropping_the_server_ends_slow_replies_and_idle_connections_at_once() {
    let server = Server::start(|_, _| {
        Reply::Slow(
            Duration::from_secs(600),
            Box::new(Response::new(200).into()),
        )
    });
    let mut waiting = connect(&server);
    waiting.write_all(b"GET /slow HTTP/1.1\r\n\r\n").unwrap();
    let mut silent = connect(&server);
    let mut half = connect(&server);
    half.write_all(b"GET /half HTTP/1.1\r\nContent-Len")
        .unwrap();
    wait_for_requests(&server, 1);

    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "dropping took {:?}",
        started.elapsed()
    );
    for stream in [&mut waiting, &mut silent, &mut half] {
        // Closed unanswered: the end of the stream, or a reset when the server had not yet
        // read all the client sent (the half request, on a loaded machine).
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("reading after the drop: {e}"),
        }
        assert_eq!(answer, b"", "closed unanswered");
    }
}

#[test]
fn requests_it_cannot_read_are_refused_and_never_reach_the_handler() {
    let (sender, handled) = mpsc::channel();
    let sender = std::sync::Mutex::new(sender);
    let server = Server::start(move |_, request| {
        sender.lock().unwrap().send(request.target.clone()).unwrap();
        Response::new(200).into()
    });
    for (raw, status) in [
        (&b"nonsense\r\n\r\n"[..], "400 Bad Request"),
        (b"GET / SPDY/3\r\n\r\n", "400 Bad Request"),
        (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", "400 Bad Request"),
        (
            b"POST / HTTP/1.1\r\nContent-Length: many\r\n\r\n",
            "400 Bad Request",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "501 Not Implemented",
        ),
    ] {
        let answer = exchange(&server, raw);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{raw:?}: {answer}"
        );
    }
    assert!(server.requests().is_empty());
    assert!(handled.try_recv().is_err());
    assert_eq!(
        server.connections(),
        5,
        "each refused request's connection counts"
    );
}

#[test]
fn a_panicking_handler_closes_the_connection_and_fails_the_drop() {
    let server = Server::start(|n, request| {
        assert_eq!(request.path(), "/expected", "request {n}");
        Response::new(200).into()
    });
    assert_eq!(exchange(&server, b"GET /other HTTP/1.1\r\n\r\n"), "");
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(server)));
    let message = *dropped.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.starts_with("testserver: the handler panicked: request 1 (GET /other): "),
        "{message}"
    );
    assert!(message.contains("request 1"), "{message}");
}

/// Waits (at most 10 s) until `server` counts `count` abandoned requests.
fn wait_for_abandoned(server: &Server, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.abandoned().len() < count {
        assert!(
            Instant::now() < deadline,
            "no abandoned request {count} after 10 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_client_that_leaves_during_a_slow_reply_abandons_it_and_it_ends() {
    let server = Server::start(|n, _| match n {
        1 | 2 => Reply::from(Response::text(200, "late")).after(Duration::from_secs(600)),
        _ => Response::text(200, "quick").into(),
    });
    let mut first = connect(&server);
    first.write_all(b"GET /1 HTTP/1.1\r\n\r\n").unwrap();
    let mut second = connect(&server);
    second.write_all(b"GET /2 HTTP/1.1\r\n\r\n").unwrap();
    wait_for_requests(&server, 2);
    assert_eq!(server.peak_in_flight(), 2);
    assert!(server.abandoned().is_empty());

    drop(second);
    wait_for_abandoned(&server, 1);
    drop(first);
    wait_for_abandoned(&server, 2);
    // Both are abandoned, each once. Which the server notices first is not asserted: on two
    // loaded runs it told the request of the connection still open first.
    let mut abandoned = server.abandoned();
    abandoned.sort_unstable();
    assert_eq!(abandoned, [1, 2]);
    let quick = exchange(&server, b"GET /3 HTTP/1.1\r\n\r\n");
    assert_eq!(split(&quick).1, "quick");
    assert_eq!(
        server.peak_in_flight(),
        2,
        "the abandoned ones no longer count"
    );
    assert_eq!(server.abandoned(), [2, 1]);
    assert_eq!(server.connections(), 3);
}

#[test]
fn an_answer_due_after_its_client_left_is_abandoned() {
    let (sender, gone) = mpsc::channel::<()>();
    let gone = std::sync::Mutex::new(gone);
    let server = Server::start(move |_, _| {
        let _ = gone.lock().unwrap().recv_timeout(Duration::from_secs(10));
        Response::text(200, "too late").into()
    });
    let mut stream = connect(&server);
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    wait_for_requests(&server, 1);
    drop(stream);
    // Time for the close to reach the server's side on loopback, where it takes microseconds.
    std::thread::sleep(Duration::from_millis(50));
    sender.send(()).unwrap();
    wait_for_abandoned(&server, 1);
    assert_eq!(server.abandoned(), [1]);
}
