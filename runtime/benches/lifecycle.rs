//! How soon a finished operation is noticed, how many requests waiting costs, and what one
//! `Client` waiting on 10,000 operations costs, against a server on 127.0.0.1 in this
//! process. Times are scaled down tenfold: an operation "lasting 60 s" lasts 6 s here, and
//! the `get` schedule is google-cloud-rust's default (1 s doubling to 60 s) scaled the same.
//!
//! Run with `cargo bench -p google-operations --bench lifecycle`; it prints its figures.
//! Memory is counted by a global allocator over the allocations of the client's thread; CPU
//! time is that thread's (`/proc/thread-self/stat`), the server running on another.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use google_operations::{
    Client, LongRunningOperation, PollPolicy, RetryPolicy, Token, dataproc_v1, ondemandscanning_v1,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Counts the bytes live in allocations made on the client's thread (the main one): the
/// server's, on its own thread, are not counted.
struct Counting;

/// Bytes allocated minus bytes freed on the client's thread.
static CLIENT_BYTES: AtomicI64 = AtomicI64::new(0);

thread_local! {
    static IS_CLIENT: Cell<bool> = const { Cell::new(false) };
}

fn count(delta: i64) {
    if IS_CLIENT.with(Cell::get) {
        CLIENT_BYTES.fetch_add(delta, Ordering::Relaxed);
    }
}

// SAFETY: every call goes to the system allocator unchanged; the counting has no effect on
// the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64));
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Real time per "second" of the scenarios.
const SCALE: Duration = Duration::from_millis(100);

/// What the server knows: when it started, the requests per operation, and a window in
/// which it answers 429.
struct World {
    start: Instant,
    requests: Mutex<HashMap<String, u32>>,
    too_many: Mutex<Option<(Instant, Instant)>>,
    answered_429: Mutex<u32>,
}

impl World {
    /// When operation `id` is done: its name is `t<millis>-<n>`, done that long after start.
    fn done_at(&self, id: &str) -> Instant {
        let millis: u64 = id
            .trim_start_matches('t')
            .split('-')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        self.start + Duration::from_millis(millis)
    }
}

/// A minimal HTTP/1.1 server with keep-alive: `GET …/operations/<id>` and
/// `POST …/operations/<id>:wait?timeout=<n>s`.
async fn serve(listener: TcpListener, world: Arc<World>) {
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(connection(socket, world.clone()));
    }
}

async fn connection(mut socket: TcpStream, world: Arc<World>) {
    let mut buffer = Vec::with_capacity(1024);
    loop {
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 2048];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 2048];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let (status, body) = answer(&world, &target).await;
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn answer(world: &World, target: &str) -> (&'static str, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let last = path.rsplit('/').next().unwrap_or_default();
    let (id, wait) = match last.strip_suffix(":wait") {
        Some(id) => (id.to_owned(), true),
        None => (last.to_owned(), false),
    };
    *world
        .requests
        .lock()
        .unwrap()
        .entry(id.clone())
        .or_default() += 1;
    let now = Instant::now();
    let too_many = *world.too_many.lock().unwrap();
    if let Some((from, to)) = too_many
        && now >= from
        && now < to
    {
        *world.answered_429.lock().unwrap() += 1;
        let body = r#"{"error":{"code":429,"message":"Slow down","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"0.5s"}]}}"#;
        return ("429 Too Many Requests", body.to_owned());
    }
    let done_at = world.done_at(&id);
    if wait && now < done_at {
        let timeout: u64 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("timeout="))
            .and_then(|t| t.trim_end_matches('s').parse().ok())
            .unwrap_or(60);
        let until = done_at.min(now + Duration::from_secs(timeout));
        tokio::time::sleep_until(until.into()).await;
    }
    let done = Instant::now() >= done_at;
    (
        "200 OK",
        format!(r#"{{"name":"operations/{id}","done":{done}}}"#),
    )
}

/// Starts the server on its own thread and runtime; returns its root URL and what it knows.
fn start_server() -> (String, Arc<World>) {
    let world = Arc::new(World {
        start: Instant::now(),
        requests: Mutex::default(),
        too_many: Mutex::default(),
        answered_429: Mutex::default(),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let root = format!("http://{}/", listener.local_addr().unwrap());
    let shared = world.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            serve(listener, shared).await;
        });
    });
    (root, world)
}

fn client(root: &str, policy: PollPolicy) -> Client {
    Client::builder()
        .token_source(Token::new("bench"))
        .root_url(root)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(SCALE)
                .max_backoff(SCALE * 32),
        )
        .poll_policy(policy)
        .build()
        .unwrap()
}

/// google-cloud-rust's default schedule, scaled: 1 s doubling to 60 s.
fn get_schedule() -> PollPolicy {
    PollPolicy::default()
        .initial_interval(SCALE)
        .multiplier(2.0)
        .max_interval(SCALE * 60)
        .deadline(SCALE * 6000)
}

/// The CPU time of the calling thread so far.
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Waits for `count` operations done `lasting` scaled seconds from now; returns the mean and
/// largest delay from completion to `wait()` returning, and the mean requests per operation.
async fn scenario(with_wait: bool, lasting: u32, count: u32) -> (Duration, Duration, f64) {
    let (root, world) = start_server();
    let millis = (SCALE * lasting).as_millis();
    let policy = get_schedule().server_wait(SCALE * 60);
    let client = client(&root, policy);
    let mut tasks = Vec::new();
    for n in 0..count {
        let client = client.clone();
        let id = format!("t{millis}-{n}");
        tasks.push(tokio::spawn(async move {
            if with_wait {
                let name = format!("projects/p/locations/l/operations/{id}");
                let get = ondemandscanning_v1::ProjectsLocationsOperationsGet::new(name).unwrap();
                assert!(client.until_done(&get).await.unwrap().is_done());
            } else {
                let name = format!("projects/p/regions/r/operations/{id}");
                let get = dataproc_v1::ProjectsRegionsOperationsGet::new(name).unwrap();
                assert!(client.until_done(&get).await.unwrap().is_done());
            }
            Instant::now()
        }));
    }
    let done_at = world.start + Duration::from_millis(millis as u64);
    let mut delays = Vec::new();
    for task in tasks {
        delays.push(task.await.unwrap().saturating_duration_since(done_at));
    }
    let mean = delays.iter().sum::<Duration>() / count;
    let max = delays.iter().max().copied().unwrap_or_default();
    let requests: u32 = world.requests.lock().unwrap().values().sum();
    (mean, max, f64::from(requests) / f64::from(count))
}

/// One client waiting on `count` operations at once, with a window of 429s in the middle.
async fn many(count: u32) {
    let (root, world) = start_server();
    // A first poll at once and the next three seconds later: at two seconds every waiter is
    // between polls, which is when its memory is measured. The operations are done at 2.5 s;
    // the second polls (3 to 4 s) meet a window of 429s.
    let policy = PollPolicy::default()
        .initial_interval(Duration::from_secs(3))
        .multiplier(2.0)
        .max_interval(Duration::from_secs(8))
        .deadline(Duration::from_secs(120));
    let client = client(&root, policy);
    let before = CLIENT_BYTES.load(Ordering::Relaxed);
    let cpu_before = thread_cpu();
    let started = Instant::now();
    let from = world.start.elapsed() + Duration::from_millis(3000);
    *world.too_many.lock().unwrap() = Some((
        world.start + from,
        world.start + from + Duration::from_millis(300),
    ));
    let done_after = (world.start.elapsed() + Duration::from_millis(2500)).as_millis();
    // The operations start over one second, ten a millisecond, as work does; then all wait.
    let mut tasks = Vec::with_capacity(count as usize);
    for n in 0..count {
        if n % 10 == 9 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let client = client.clone();
        let name = format!("projects/p/regions/r/operations/t{done_after}-{n}");
        tasks.push(tokio::spawn(async move {
            let get = dataproc_v1::ProjectsRegionsOperationsGet::new(name).unwrap();
            client.until_done(&get).await.map(|op| op.is_done())
        }));
    }
    tokio::time::sleep_until((started + Duration::from_millis(2000)).into()).await;
    let waiting = CLIENT_BYTES.load(Ordering::Relaxed) - before;
    let mut failed = 0;
    for task in tasks {
        if !matches!(task.await, Ok(Ok(true))) {
            failed += 1;
        }
    }
    let cpu = thread_cpu().saturating_sub(cpu_before);
    let polls: u32 = world.requests.lock().unwrap().values().sum();
    let too_many = *world.answered_429.lock().unwrap();
    println!(
        "{count} operations on one client: {:.1} s, {failed} failed; memory while waiting {} bytes per operation; \
         {polls} requests, client CPU {:.1} µs per request; {too_many} answered 429 in a 300 ms window \
         (each 429 holds back every waiter of the client for the 0.5 s the server asks)",
        started.elapsed().as_secs_f64(),
        waiting / i64::from(count),
        cpu.as_secs_f64() * 1e6 / f64::from(polls.max(1)),
    );
}

/// The sizes of the poller's futures, which every waiting operation holds.
fn future_sizes() {
    let client = Client::builder().build().unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new("projects/p/regions/r/operations/o")
        .unwrap();
    let wait = std::mem::size_of_val(&client.poller(&get).wait());
    let mut poller = client.poller(&get);
    let step = std::mem::size_of_val(&poller.poll());
    let until_done = std::mem::size_of_val(&client.until_done(&get));
    println!(
        "future sizes: Poller::wait {wait} bytes, Poller::poll {step} bytes, Client::until_done {until_done} bytes"
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it once too, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    IS_CLIENT.with(|c| c.set(true));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let lasting: &[u32] = if quick { &[1] } else { &[1, 10, 60] };
        let count = if quick { 2 } else { 10 };
        for &seconds in lasting {
            for with_wait in [true, false] {
                let (mean, max, requests) = scenario(with_wait, seconds, count).await;
                println!(
                    "operation lasting {seconds} s (scaled /10), {}: noticed {:.1} ms after completion on average ({:.1} ms at most), {requests:.1} requests per operation",
                    if with_wait { "with wait" } else { "get only" },
                    mean.as_secs_f64() * 1e3,
                    max.as_secs_f64() * 1e3,
                );
            }
        }
        many(if quick { 100 } else { 10_000 }).await;
        future_sizes();
    });
}
