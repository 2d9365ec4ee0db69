//! A small HTTP/1.1 server on 127.0.0.1 for the workspace's tests, on the standard library
//! only.
//!
//! [`Server::start`] binds a free port and serves in background threads. Each request is read
//! whole (request line, headers, and a body of `Content-Length` bytes), recorded, and handed
//! to the handler closure with its 1-based number; the [`Reply`] the handler returns says what
//! the server does:
//!
//! - [`Reply::Respond`]: answer with a [`Response`] (status, headers, body);
//! - [`Reply::Reset`]: close the connection without answering;
//! - [`Reply::Slow`]: wait, then do the inner reply (or nothing, if the client closes its
//!   connection meanwhile);
//! - [`Reply::Truncated`]: announce a longer body than is sent, send what there is, and close;
//! - [`Reply::Streamed`]: announce no length and send a body many times over, as large as a
//!   test needs without holding it in memory.
//!
//! Every answer carries `Connection: close` and the connection is closed after it, so a
//! client never reuses a connection the server is about to drop (reqwest's pool, for example,
//! takes the header into account and opens a new connection for the next request).
//! Connections are served concurrently, one thread each, so a slow reply does not hold up
//! the next request.
//!
//! The server counts the TCP connections it accepts ([`Server::connections`]), the most
//! requests it had read and not yet answered at once ([`Server::peak_in_flight`]), and the
//! requests whose client closed its connection before the answer was written
//! ([`Server::abandoned`]).
//!
//! Nothing waits forever: reading a request gives up after [`REQUEST_TIMEOUT`], writing after
//! [`WRITE_TIMEOUT`], and dropping the [`Server`] stops the listener, cuts every wait
//! (including [`Reply::Slow`] delays) and joins the server's threads before returning. If the
//! handler panicked, the connection is closed without an answer and dropping the server
//! panics with the handler's message (unless the thread is already panicking), so an assertion
//! inside a handler still fails its test.
//!
//! ```
//! use std::io::{Read, Write};
//! use testserver::{Response, Server};
//!
//! let server = Server::start(|n, request| {
//!     Response::json(200, format!(r#"{{"n":{n},"path":"{}"}}"#, request.path())).into()
//! });
//!
//! let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
//! stream.write_all(b"GET /v1/things?page=2 HTTP/1.1\r\nhost: test\r\n\r\n").unwrap();
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer).unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
//! assert!(answer.ends_with(r#"{"n":1,"path":"/v1/things"}"#));
//!
//! let requests = server.requests();
//! assert_eq!(requests[0].method, "GET");
//! assert_eq!(requests[0].target, "/v1/things?page=2");
//! assert_eq!(requests[0].header("Host"), Some("test"));
//! assert_eq!(server.connections(), 1);
//! assert_eq!(server.url("/v1/things"), format!("{}v1/things", server.root_url()));
//! ```

use std::any::Any;
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a connection may take to send its whole request before it is closed unanswered.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long writing an answer may block before the connection is given up.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server waits, after answering, for the client to close its side.
const LINGER: Duration = Duration::from_secs(1);
/// How often blocked reads look whether the server was dropped.
const SLICE: Duration = Duration::from_millis(50);
/// The largest request head (request line and headers) read.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body read.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target as sent: path and query, e.g. `/v1/operations/o?alt=json`.
    pub target: String,
    /// The headers in order, names as sent (compare them with [`Request::header`]), values
    /// without surrounding whitespace.
    pub headers: Vec<(String, String)>,
    /// The body: `Content-Length` bytes, empty without that header.
    pub body: Vec<u8>,
}

impl Request {
    /// The target without its query, e.g. `/v1/operations/o`.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(path, _)| path)
    }

    /// The query after `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The value of the first header named `name`, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An answer: status, headers and body.
///
/// The server adds `Content-Length` (except for 204 and 304) and `Connection: close`
/// itself; handler headers with those names, or `Transfer-Encoding`, are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code; the reason phrase is the usual one (empty for codes it does not know).
    pub status: u16,
    /// Headers written in this order, after the status line.
    pub headers: Vec<(String, String)>,
    /// The body, written as given.
    pub body: Vec<u8>,
}

impl Response {
    /// `status` with no headers and an empty body.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `status` with `content-type: application/json` and `body`.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response::new(status)
            .header("content-type", "application/json")
            .body(body)
    }

    /// `status` with `content-type: text/plain; charset=utf-8` and `body`.
    pub fn text(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response::new(status)
            .header("content-type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }
}

/// What the server does with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Answers with this response, then closes the connection.
    Respond(Response),
    /// Closes the connection without answering.
    Reset,
    /// Waits this long, then does the inner reply. Dropping the server cuts the wait short
    /// and closes the connection unanswered; so does the client closing its connection (it
    /// gave up), which makes the request one of [`Server::abandoned`].
    Slow(Duration, Box<Reply>),
    /// Sends the response's head with a `Content-Length` of its body's length plus
    /// `missing`, then the body, then closes the connection: a body cut short.
    Truncated {
        /// The answer whose body is cut short.
        response: Response,
        /// How many announced bytes never come.
        missing: usize,
    },
    /// Sends the response's head without a `Content-Length` (the body runs to the end of the
    /// connection), then its body `repeat` times, then closes the connection; stops early
    /// when the client stops reading.
    Streamed {
        /// The answer whose body is sent over and over.
        response: Response,
        /// How many times its body is sent.
        repeat: usize,
    },
}

impl Reply {
    /// This reply, after waiting `delay` ([`Reply::Slow`]).
    pub fn after(self, delay: Duration) -> Reply {
        Reply::Slow(delay, Box::new(self))
    }
}

impl From<Response> for Reply {
    fn from(response: Response) -> Reply {
        Reply::Respond(response)
    }
}

type Handler = dyn Fn(usize, &Request) -> Reply + Send + Sync;

/// What the server's threads share.
struct Shared {
    handler: Box<Handler>,
    requests: Mutex<Vec<Request>>,
    /// TCP connections accepted.
    connections: AtomicUsize,
    /// Requests read and not yet answered, and the most there have been at once.
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    /// The numbers of the requests whose client closed its connection before the answer.
    abandoned: Mutex<Vec<usize>>,
    stopped: Mutex<bool>,
    wake: Condvar,
    panics: Mutex<Vec<String>>,
}

/// Locks `mutex`, even if a thread panicked while holding it (the data stays usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn is_stopped(&self) -> bool {
        *lock(&self.stopped)
    }

    /// Waits `delay`; false if the server was dropped first.
    fn sleep(&self, delay: Duration) -> bool {
        let deadline = Instant::now() + delay;
        let mut stopped = lock(&self.stopped);
        while !*stopped {
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            stopped = self
                .wake
                .wait_timeout(stopped, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        false
    }
}

/// An HTTP/1.1 server on a free port of 127.0.0.1, serving until it is dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server that hands each request to `handler` with its 1-based number (in the
    /// order the requests were read whole) and does what it returns.
    ///
    /// Requests the server cannot read (a malformed head, a `Transfer-Encoding` body, a head
    /// over 64 KiB or a body over 64 MiB) get a 4xx or 501 answer and reach neither the
    /// handler nor [`Server::requests`].
    ///
    /// # Panics
    ///
    /// If no port of 127.0.0.1 can be bound or no thread started.
    pub fn start<H>(handler: H) -> Server
    where
        H: Fn(usize, &Request) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("testserver: binding 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("testserver: the listener's address");
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            requests: Mutex::default(),
            connections: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
            abandoned: Mutex::default(),
            stopped: Mutex::new(false),
            wake: Condvar::new(),
            panics: Mutex::default(),
        });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name(format!("testserver {addr}"))
                .spawn(move || accept(&listener, &shared))
                .expect("testserver: starting the accepting thread")
        };
        Server {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`, with the trailing slash.
    pub fn root_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The URL of `target` on this server: the root URL followed by `target` (a leading `/`
    /// is optional), e.g. `url("/v1/x?y=1")` is `http://127.0.0.1:PORT/v1/x?y=1`.
    pub fn url(&self, target: &str) -> String {
        format!(
            "{}{}",
            self.root_url(),
            target.strip_prefix('/').unwrap_or(target)
        )
    }

    /// Every request read so far, in the order of their numbers (request `n` is at `n - 1`),
    /// whether or not it was answered.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.requests).clone()
    }

    /// How many TCP connections the server has accepted so far: one per request it read,
    /// since every connection is closed after its answer, and one for each connection that
    /// never brought a whole request (closed early, timed out, or refused).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// The most requests in flight at once so far: requests read whole whose answer has not
    /// started to be written, and that were neither reset nor given up by their client
    /// during a [`Reply::Slow`] wait.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak_in_flight.load(Ordering::Relaxed)
    }

    /// The numbers of the requests whose client closed its connection before their answer
    /// was due (it timed out or gave up), in the order seen: during a [`Reply::Slow`] wait,
    /// which then ends with nothing written, or by the time the answer was to be written
    /// (it is written all the same, and never read).
    pub fn abandoned(&self) -> Vec<usize> {
        lock(&self.shared.abandoned).clone()
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("requests", &lock(&self.shared.requests).len())
            .finish()
    }
}

impl Drop for Server {
    /// Stops accepting, cuts every wait short, and joins the server's threads (at most about
    /// [`WRITE_TIMEOUT`] if a client stopped reading a large answer; otherwise at once).
    fn drop(&mut self) {
        *lock(&self.shared.stopped) = true;
        self.shared.wake.notify_all();
        if let Some(acceptor) = self.acceptor.take() {
            // A connection of our own wakes the acceptor from `accept`; without it the
            // thread is left to end with the process rather than blocking here.
            if TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok() {
                let _ = acceptor.join();
            }
        }
        let panics = std::mem::take(&mut *lock(&self.shared.panics));
        if !panics.is_empty() && !thread::panicking() {
            panic!("testserver: the handler panicked: {}", panics.join("; "));
        }
    }
}

/// Accepts connections, one thread each, until the server is dropped; then joins them.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut connections: Vec<JoinHandle<()>> = Vec::new();
    loop {
        let accepted = listener.accept();
        if shared.is_stopped() {
            break;
        }
        match accepted {
            Ok((stream, _)) => {
                shared.connections.fetch_add(1, Ordering::Relaxed);
                connections.retain(|c| !c.is_finished());
                let shared = shared.clone();
                // If no thread starts, the stream is dropped: the connection closes.
                if let Ok(connection) = thread::Builder::new()
                    .name("testserver connection".into())
                    .spawn(move || serve(stream, &shared))
                {
                    connections.push(connection);
                }
            }
            // E.g. out of file descriptors: try again a little later.
            Err(_) => {
                if !shared.sleep(SLICE) {
                    break;
                }
            }
        }
    }
    for connection in connections {
        let _ = connection.join();
    }
}

/// Serves one connection: one request, one reply, then the connection is closed.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(SLICE));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let request = match read_request(&mut stream, shared) {
        Ok(request) => request,
        Err(Some(refusal)) => {
            write_response(&mut stream, &refusal, 0);
            linger(&mut stream, shared);
            return;
        }
        Err(None) => return,
    };
    let number = {
        let mut requests = lock(&shared.requests);
        requests.push(request.clone());
        requests.len()
    };
    let now = shared.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    shared.peak_in_flight.fetch_max(now, Ordering::Relaxed);
    // Counts the request until its answer is on its way.
    let mut in_flight = Some(InFlight(&shared.in_flight));
    let abandoned = || lock(&shared.abandoned).push(number);
    let mut reply =
        match panic::catch_unwind(AssertUnwindSafe(|| (shared.handler)(number, &request))) {
            Ok(reply) => reply,
            Err(payload) => {
                lock(&shared.panics).push(format!(
                    "request {number} ({} {}): {}",
                    request.method,
                    request.target,
                    panic_message(&*payload)
                ));
                return;
            }
        };
    loop {
        if !matches!(reply, Reply::Slow(..) | Reply::Reset) {
            if has_closed(&stream) {
                abandoned();
            }
            in_flight.take();
        }
        match reply {
            Reply::Respond(response) => {
                write_response(&mut stream, &response, 0);
                break;
            }
            Reply::Reset => return,
            Reply::Slow(delay, inner) => {
                match hold(&stream, delay, shared) {
                    Held::Elapsed => {}
                    Held::Stopped => return,
                    Held::ClientGone => {
                        abandoned();
                        return;
                    }
                }
                reply = *inner;
            }
            Reply::Truncated { response, missing } => {
                write_response(&mut stream, &response, missing);
                break;
            }
            Reply::Streamed { response, repeat } => {
                write_streamed(&mut stream, &response, repeat, shared);
                break;
            }
        }
    }
    linger(&mut stream, shared);
}

/// Counts a request in flight while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How a [`Reply::Slow`] wait ended.
enum Held {
    /// The whole delay passed.
    Elapsed,
    /// The server was dropped.
    Stopped,
    /// The client closed its connection (or it broke).
    ClientGone,
}

/// Waits `delay` with a request answered, watching the connection: ends early when the
/// server is dropped or the client closes its side. Bytes the client sends meanwhile are left
/// unread (the wait then goes on without watching).
fn hold(stream: &TcpStream, delay: Duration, shared: &Shared) -> Held {
    let deadline = Instant::now() + delay;
    let mut byte = [0u8; 1];
    let held = loop {
        if shared.is_stopped() {
            break Held::Stopped;
        }
        let now = Instant::now();
        if now >= deadline {
            break Held::Elapsed;
        }
        let slice = (deadline - now).min(SLICE);
        if stream.set_read_timeout(Some(slice)).is_err() {
            break if shared.sleep(deadline - now) {
                Held::Elapsed
            } else {
                Held::Stopped
            };
        }
        match stream.peek(&mut byte) {
            Ok(0) => break Held::ClientGone,
            Ok(_) => {
                if !shared.sleep(deadline - now) {
                    break Held::Stopped;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(_) => break Held::ClientGone,
        }
    };
    let _ = stream.set_read_timeout(Some(SLICE));
    held
}

/// Whether the client has closed its side of the connection (or it broke), without waiting.
fn has_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let closed = match stream.peek(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
    };
    let _ = stream.set_nonblocking(false);
    closed
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(not a string)"
    }
}

/// Reads into `chunk` once, waiting at most until `deadline` and while the server runs: the
/// number of bytes read, or `None` at the end of the stream, on an error, or on giving up.
fn read_some(
    stream: &mut TcpStream,
    chunk: &mut [u8],
    shared: &Shared,
    deadline: Instant,
) -> Option<usize> {
    loop {
        match stream.read(chunk) {
            Ok(0) => return None,
            Ok(n) => return Some(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if shared.is_stopped() || Instant::now() >= deadline {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
}

/// Reads one request: `Err(Some(answer))` if it is refused, `Err(None)` if the connection
/// ended, timed out or the server was dropped first.
fn read_request(stream: &mut TcpStream, shared: &Shared) -> Result<Request, Option<Response>> {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD {
            return Err(Some(Response::text(431, "request head too large")));
        }
        let n = read_some(stream, &mut chunk, shared, deadline).ok_or(None)?;
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let bad = |why: &str| Some(Response::text(400, format!("bad request: {why}")));
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let [method, target, version] = request_line
        .split(' ')
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| bad("the request line is not METHOD TARGET VERSION"))?;
    if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
        return Err(bad("the request line is not METHOD TARGET HTTP/1.x"));
    }
    let mut headers = Vec::new();
    for line in lines {
        match line.split_once(':') {
            Some((name, value))
                if !name.is_empty() && !name.starts_with([' ', '\t']) && !name.ends_with(' ') =>
            {
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
            _ => return Err(bad("a header line is not NAME: VALUE")),
        }
    }
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err(Some(Response::text(
            501,
            "request bodies are read by Content-Length only",
        )));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(value) => value
            .parse::<usize>()
            .map_err(|_| bad("Content-Length is not a number"))?,
    };
    if length > MAX_BODY {
        return Err(Some(Response::text(413, "request body too large")));
    }
    let mut body = buffer.split_off(head_end + 4);
    if body.len() < length
        && request
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    while body.len() < length {
        let n = read_some(stream, &mut chunk, shared, deadline).ok_or(None)?;
        body.extend_from_slice(&chunk[..n]);
    }
    // Anything past the body would be a pipelined request; this server answers one per
    // connection and closes it, so the client sends that one again on a new connection.
    body.truncate(length);
    request.body = body;
    Ok(request)
}

/// Writes `response` with a `Content-Length` of its body's length plus `missing`.
fn write_response(stream: &mut TcpStream, response: &Response, missing: usize) {
    let status = response.status;
    let length = (status != 204 && status != 304).then_some(response.body.len() + missing);
    let mut bytes = head(response, length).into_bytes();
    bytes.extend_from_slice(&response.body);
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

/// The status line and headers of `response`, with `Content-Length: length` where given and
/// `Connection: close`.
fn head(response: &Response, length: Option<usize>) -> String {
    let status = response.status;
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in &response.headers {
        let set_here = ["content-length", "connection", "transfer-encoding"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        if !set_here {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}

/// Writes `response`'s head without a length, then its body `repeat` times, until the client
/// stops reading or the server is dropped.
fn write_streamed(stream: &mut TcpStream, response: &Response, repeat: usize, shared: &Shared) {
    if stream.write_all(head(response, None).as_bytes()).is_err() {
        return;
    }
    for _ in 0..repeat {
        if shared.is_stopped() || stream.write_all(&response.body).is_err() {
            return;
        }
    }
    let _ = stream.flush();
}

/// Ends the connection gently: no more writes, then waits (briefly, and only while the
/// server runs) for the client to close, so that the answer is not lost to a reset.
fn linger(stream: &mut TcpStream, shared: &Shared) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 1024];
    while read_some(stream, &mut sink, shared, deadline).is_some() {}
}

/// The usual reason phrase of `status`, or `""`.
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
