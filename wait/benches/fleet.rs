//! A fleet of operations for the `google-operations-wait` program: how soon it notices each of
//! many operations finishing, and what that costs in requests, connections and memory.
//!
//! ```sh
//! cargo bench -p google-operations-wait --bench fleet        # or: cargo xtask bench --fleet
//! FLEET_OPERATIONS=50 FLEET_SPAN_SECS=20 cargo bench -p google-operations-wait --bench fleet
//! ```
//!
//! Each case starts a server on 127.0.0.1 (the workspace's `testserver`) and the program with
//! the names on standard input (`-`), `--endpoint` the server, `--output json`, a fixed token
//! (`GOOGLE_OAUTH_ACCESS_TOKEN`) and otherwise its default settings. The operations finish
//! one by one at evenly spaced times over the span, in a shuffled order (a fixed seed), in
//! real time: the program's defaults are wall-clock, so nothing is scaled.
//!
//! - `compute`: Compute Engine zone operations (`--service compute_v1`). `GET` answers the
//!   operation (`status` `RUNNING` with a `progress`, or `DONE`); `POST .../wait` blocks until
//!   the operation is done or 120 s have passed, as Compute's does, then answers it.
//! - `get`: Dataproc operations (`--service dataproc_v1`), which have only `GET` (`done`
//!   false, or true with a `response`).
//!
//! The cases run at the same time, each with its own server and program (so the whole run
//! lasts about one span); `FLEET_CASES` picks them. Everything is measured on the server's
//! side: when each operation was first answered as done ("noticed": when that answer was
//! due, a blocked `wait` being a [`Reply::Slow`] until then; an answer whose client had
//! closed its connection by then does not count) against when it was done; the requests,
//! their peak rate over any 1 s and any 60 s (Compute's quota is 1,500 operation reads a
//! minute per project), the most in flight at once (read whole and not yet answered, nor
//! given up by the program) and the TCP connections accepted (the server closes each after
//! its answer, so a connection per request, and one per connection that never brought a
//! request). The program's peak memory is its `VmHWM`, read from `/proc` every 100 ms
//! (Linux only). A program still running at the span plus 3 minutes is killed.
//!
//! Settings, from the environment:
//!
//! | variable | default | |
//! | --- | --- | --- |
//! | `FLEET_OPERATIONS` | 1000 | operations per case |
//! | `FLEET_SPAN_SECS` | 300 | the time over which they finish (seconds, may be fractional) |
//! | `FLEET_CASES` | `compute,get` | the cases to run |
//! | `FLEET_PROGRAM` | this build's | another build of the program to run |
//!
//! Run without `--bench` (as `cargo test --benches` does) it prints how to run it and ends.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testserver::{Reply, Request, Response, Server};

/// The longest Compute's `wait` blocks before it answers an operation that is not done.
const COMPUTE_WAIT: Duration = Duration::from_secs(120);
/// How long after the span a program still running is killed.
const GRACE: Duration = Duration::from_secs(180);
/// How often the program's memory is read.
const SAMPLE: Duration = Duration::from_millis(100);
/// How often a line on standard error says how far a case has got.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);
/// The seed of the shuffle: every run finishes the operations in the same order.
const SEED: u64 = 0x5eed_f1ee_7b3c_0001;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "fleet: a benchmark of several minutes; run it with \
             `cargo bench -p google-operations-wait --bench fleet`"
        );
        return;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("fleet: {e}");
            std::process::exit(2);
        }
    };
    let cases: Vec<&str> = config.cases.iter().map(|c| c.label()).collect();
    println!(
        "fleet: {} operations per case finishing over {:.0} s, cases {} at once",
        config.operations,
        config.span.as_secs_f64(),
        cases.join(" and ")
    );
    println!("program: {}", config.program.display());
    if let Some(limit) = open_files_limit() {
        println!("open files (soft limit): {limit}");
        if limit < 2 * config.operations as u64 + 256 {
            println!(
                "warning: the open-files limit may be too low for {} connections at once \
                 (raise it with `ulimit -n`)",
                config.operations
            );
        }
    }
    let config = Arc::new(config);
    let runs: Vec<_> = config
        .cases
        .iter()
        .map(|&case| {
            let config = config.clone();
            thread::Builder::new()
                .name(format!("fleet {}", case.label()))
                .spawn(move || run(case, &config))
                .expect("fleet: starting a case's thread")
        })
        .collect();
    let rows: Vec<Row> = runs
        .into_iter()
        .map(|r| r.join().expect("fleet: a case panicked"))
        .collect();
    for row in &rows {
        println!("\n{}", row.details());
    }
    println!();
    println!("{}", table(&rows));
}

/// What the run is asked for.
struct Config {
    program: PathBuf,
    operations: usize,
    span: Duration,
    cases: Vec<Case>,
}

impl Config {
    /// The settings from `FLEET_*`, with their defaults.
    fn from_env() -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let program = var("FLEET_PROGRAM")
            .map(PathBuf::from)
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_google-operations-wait").into());
        let operations = match var("FLEET_OPERATIONS") {
            None => 1000,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("FLEET_OPERATIONS={v:?} is not a positive number"))?,
        };
        let span = match var("FLEET_SPAN_SECS") {
            None => Duration::from_secs(300),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| *s > 0.0)
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .ok_or_else(|| format!("FLEET_SPAN_SECS={v:?} is not a positive duration"))?,
        };
        let cases = match var("FLEET_CASES") {
            None => vec![Case::Compute, Case::Get],
            Some(v) => {
                let mut cases = Vec::new();
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let case = match name {
                        "compute" => Case::Compute,
                        "get" => Case::Get,
                        _ => {
                            return Err(format!(
                                "FLEET_CASES: {name:?} is not a case (compute, get)"
                            ));
                        }
                    };
                    if !cases.contains(&case) {
                        cases.push(case);
                    }
                }
                if cases.is_empty() {
                    return Err("FLEET_CASES names no case (compute, get)".to_owned());
                }
                cases
            }
        };
        Ok(Config {
            program,
            operations,
            span,
            cases,
        })
    }
}

/// The soft limit of open files of this process, from `/proc/self/limits`.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// One kind of operation, with its service's paths and shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// Compute Engine zone operations: `GET`, and a `POST .../wait` that blocks.
    Compute,
    /// Dataproc operations: `GET` only.
    Get,
}

/// What a request asks of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    /// Its state, now.
    Get,
    /// Its state once done, or after [`COMPUTE_WAIT`].
    Wait,
}

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::Compute => "compute",
            Case::Get => "get",
        }
    }

    /// The `--service` the program is given.
    fn service(self) -> &'static str {
        match self {
            Case::Compute => "compute_v1",
            Case::Get => "dataproc_v1",
        }
    }

    /// The path of operation `k`'s `GET`, after the server's root.
    fn prefix(self) -> &'static str {
        match self {
            Case::Compute => "/compute/v1/projects/p/zones/us-central1-a/operations/operation-",
            Case::Get => "/v1/projects/p/regions/us-central1/operations/op-",
        }
    }

    /// Operation `k`'s name as the program is given it.
    fn name(self, k: usize) -> String {
        match self {
            Case::Compute => format!("projects/p/zones/us-central1-a/operations/operation-{k}"),
            Case::Get => format!("projects/p/regions/us-central1/operations/op-{k}"),
        }
    }

    /// Which operation `request` is for and what it asks; `None` for a request this case
    /// never expects.
    fn operation_of(self, request: &Request) -> Option<(usize, Ask)> {
        let rest = request.path().strip_prefix(self.prefix())?;
        let (k, ask) = match (self, rest.strip_suffix("/wait")) {
            (Case::Compute, Some(k)) => (k, Ask::Wait),
            (_, _) => (rest, Ask::Get),
        };
        let method = match ask {
            Ask::Get => "GET",
            Ask::Wait => "POST",
        };
        if request.method != method || k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((k.parse().ok()?, ask))
    }

    /// Operation `k` as the service shows it: `progress` percent done, or done.
    fn operation(self, k: usize, progress: u32, done: bool) -> String {
        match self {
            Case::Compute => json!({
                "kind": "compute#operation",
                "id": (1_000_000 + k).to_string(),
                "name": format!("operation-{k}"),
                "zone": "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a",
                "operationType": "insert",
                "targetLink": format!("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances/vm-{k}"),
                "status": if done { "DONE" } else { "RUNNING" },
                "progress": if done { 100 } else { progress },
                "selfLink": format!("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-{k}"),
            }),
            Case::Get if done => json!({"name": self.name(k), "done": true, "response": {}}),
            Case::Get => json!({"name": self.name(k), "done": false}),
        }
        .to_string()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The operations of one case and what the server saw of them, shared by the server's
/// connection threads.
struct Fleet {
    case: Case,
    /// When the operations started (the program is started right after).
    start: Instant,
    /// When each operation (by its place in the input) is done, from `start`.
    done_at: Vec<Duration>,
    /// The answers showing an operation done: request number, operation, when it was due
    /// (from `start`). The first of an operation's that its client was there for noticed it.
    done_answers: Mutex<Vec<(usize, usize, Duration)>>,
    /// When each request arrived (read whole), from `start`.
    arrivals: Mutex<Vec<Duration>>,
    gets: AtomicUsize,
    waits: AtomicUsize,
    /// The numbers of the waits answered with an operation not done (after [`COMPUTE_WAIT`]).
    waits_not_done: Mutex<Vec<usize>>,
    /// Requests for something else (answered 404).
    unexpected: AtomicUsize,
}

impl Fleet {
    fn new(case: Case, operations: usize, span: Duration) -> Fleet {
        let order = shuffled(operations, SEED);
        let done_at = order
            .iter()
            .map(|&slot| span.mul_f64((slot + 1) as f64 / operations as f64))
            .collect();
        Fleet {
            case,
            start: Instant::now(),
            done_at,
            done_answers: Mutex::new(Vec::with_capacity(operations * 2)),
            arrivals: Mutex::new(Vec::with_capacity(operations * 16)),
            gets: AtomicUsize::new(0),
            waits: AtomicUsize::new(0),
            waits_not_done: Mutex::default(),
            unexpected: AtomicUsize::new(0),
        }
    }

    /// The server's handler, for request `number`: a `wait` is answered when its operation is
    /// done or after [`COMPUTE_WAIT`] (a [`Reply::Slow`] until then, which ends early if the
    /// program closes the connection), anything else at once.
    fn handle(&self, number: usize, request: &Request) -> Reply {
        let arrived = self.start.elapsed();
        lock(&self.arrivals).push(arrived);
        let Some((k, ask)) = self
            .case
            .operation_of(request)
            .filter(|(k, _)| *k < self.done_at.len())
        else {
            self.unexpected.fetch_add(1, Ordering::Relaxed);
            return Response::text(404, "not an operation of the fleet").into();
        };
        let done_at = self.done_at[k];
        let answer_at = match ask {
            Ask::Get => {
                self.gets.fetch_add(1, Ordering::Relaxed);
                arrived
            }
            Ask::Wait => {
                self.waits.fetch_add(1, Ordering::Relaxed);
                done_at.min(arrived + COMPUTE_WAIT).max(arrived)
            }
        };
        let done = answer_at >= done_at;
        if done {
            lock(&self.done_answers).push((number, k, answer_at));
        } else if ask == Ask::Wait {
            lock(&self.waits_not_done).push(number);
        }
        let progress = (100.0 * answer_at.as_secs_f64() / done_at.as_secs_f64()).min(99.0) as u32;
        let reply = Reply::from(Response::json(200, self.case.operation(k, progress, done)));
        match answer_at.checked_sub(arrived).filter(|d| !d.is_zero()) {
            Some(delay) => reply.after(delay),
            None => reply,
        }
    }

    /// When each operation was noticed (from `start`): its first answer showing it done whose
    /// request was not among `abandoned`.
    fn noticed(&self, abandoned: &HashSet<usize>) -> Vec<Option<Duration>> {
        let mut noticed = vec![None; self.done_at.len()];
        for &(number, k, at) in lock(&self.done_answers).iter() {
            if !abandoned.contains(&number) {
                let first: &mut Option<Duration> = &mut noticed[k];
                *first = Some(first.map_or(at, |t| t.min(at)));
            }
        }
        noticed
    }
}

/// `0..n` in an order shuffled by Fisher-Yates with xorshift64* from `seed`: operation `k`
/// is the `order[k]`-th to finish.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed.max(1);
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// How the program ended.
enum End {
    Exited(ExitStatus),
    Killed(ExitStatus),
}

/// One case's figures.
struct Row {
    case: Case,
    operations: usize,
    /// The delay of each operation noticed, sorted.
    delays: Vec<Duration>,
    /// For a case without a server-side wait: the delays the default poll schedule alone
    /// would give (sorted), and how many operations were noticed over a second later than it
    /// would notice them.
    schedule: Option<(Vec<Duration>, usize)>,
    never_noticed: usize,
    requests: usize,
    gets: usize,
    waits: usize,
    /// Waits answered not done, their client there to read it.
    waits_not_done: usize,
    /// Requests whose client closed the connection before their answer.
    abandoned: usize,
    unexpected: usize,
    /// The most requests that arrived within any 1 s, and within any 60 s.
    peak_1s: usize,
    peak_60s: usize,
    max_in_flight: usize,
    connections: usize,
    /// The program's peak resident memory, in kB, if it could be read.
    peak_rss_kb: Option<u64>,
    wall: Duration,
    end: End,
    /// JSON events on standard output, by kind (`?` for a line that is not one).
    events: BTreeMap<String, usize>,
    /// The causes of the `retry` events, numbers left out, each with how often it came.
    retry_causes: BTreeMap<String, usize>,
    stderr_lines: usize,
    stderr_tail: VecDeque<String>,
}

/// Runs one case: a server, the program against it, and the figures.
fn run(case: Case, config: &Config) -> Row {
    let n = config.operations;
    let fleet = Arc::new(Fleet::new(case, n, config.span));
    let server = {
        let fleet = fleet.clone();
        Server::start(move |number, request| fleet.handle(number, request))
    };
    let endpoint = server.root_url();
    let mut child = Command::new(&config.program)
        .args(["-", "--service", case.service(), "--endpoint", &endpoint])
        .args(["--output", "json"])
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", "test-token")
        .env_remove("GOOGLE_CLOUD_QUOTA_PROJECT")
        .env_remove("GOOGLE_CLOUD_UNIVERSE_DOMAIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("fleet: starting {}: {e}", config.program.display()));
    let started = Instant::now();
    let pid = child.id();
    let names: String = (0..n).map(|k| case.name(k) + "\n").collect();
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let feeder = thread::spawn(move || {
        // The program may end before reading it all (a usage error): not ours to report.
        let _ = stdin.write_all(names.as_bytes());
    });
    let stdout = child.stdout.take().expect("stdout is piped");
    let events = thread::spawn(move || {
        let mut events = BTreeMap::<String, usize>::new();
        let mut causes = BTreeMap::<String, usize>::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let event = serde_json::from_str::<Value>(&line).unwrap_or_default();
            let kind = event["event"].as_str().unwrap_or("?");
            *events.entry(kind.to_owned()).or_default() += 1;
            if let Some(cause) = event["cause"].as_str().filter(|_| kind == "retry") {
                *causes.entry(without_numbers(cause)).or_default() += 1;
            }
        }
        (events, causes)
    });
    let stderr = child.stderr.take().expect("stderr is piped");
    let errors = thread::spawn(move || {
        let mut lines = 0;
        let mut tail = VecDeque::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            lines += 1;
            if tail.len() == 5 {
                tail.pop_front();
            }
            tail.push_back(line);
        }
        (lines, tail)
    });

    let limit = config.span + GRACE;
    let mut peak_rss_kb = None;
    let mut next_progress = PROGRESS_EVERY;
    let end = loop {
        match child.try_wait() {
            Ok(Some(status)) => break End::Exited(status),
            Ok(None) => {}
            Err(e) => panic!("fleet: waiting for the program: {e}"),
        }
        if let Some(kb) = vm_hwm(pid) {
            peak_rss_kb = peak_rss_kb.max(Some(kb));
        }
        let elapsed = started.elapsed();
        if elapsed >= limit {
            let _ = child.kill();
            break End::Killed(child.wait().expect("fleet: reaping the killed program"));
        }
        if elapsed >= next_progress {
            next_progress += PROGRESS_EVERY;
            let noticed = fleet.noticed(&HashSet::new()).iter().flatten().count();
            let requests = lock(&fleet.arrivals).len();
            eprintln!(
                "fleet {}: {:.0} s, {noticed}/{n} noticed done, {requests} requests",
                case.label(),
                elapsed.as_secs_f64()
            );
        }
        thread::sleep(SAMPLE);
    };
    let wall = started.elapsed();
    let connections = server.connections();
    let max_in_flight = server.peak_in_flight();
    let abandoned: HashSet<usize> = server.abandoned().into_iter().collect();
    // Cuts the waits still blocked: the program has gone.
    drop(server);
    let _ = feeder.join();
    let (events, retry_causes) = events.join().expect("fleet: reading standard output");
    let (stderr_lines, stderr_tail) = errors.join().expect("fleet: reading standard error");

    let noticed = fleet.noticed(&abandoned);
    let waits_not_done = lock(&fleet.waits_not_done)
        .iter()
        .filter(|n| !abandoned.contains(n))
        .count();
    let mut delays: Vec<Duration> = noticed
        .iter()
        .zip(&fleet.done_at)
        .filter_map(|(noticed, done)| noticed.map(|t| t.saturating_sub(*done)))
        .collect();
    delays.sort();
    // Where the service cannot wait, what the poll schedule alone would give, with no bound
    // on the rate: each operation polled from the start at the default pauses.
    let schedule = (case == Case::Get).then(|| {
        let mut ideal: Vec<Duration> = fleet.done_at.iter().map(|d| scheduled(*d) - *d).collect();
        ideal.sort();
        let later = noticed
            .iter()
            .zip(&fleet.done_at)
            .filter(|(noticed, done)| {
                noticed.is_some_and(|t| t > scheduled(**done) + Duration::from_secs(1))
            })
            .count();
        (ideal, later)
    });
    let mut arrivals = lock(&fleet.arrivals).clone();
    arrivals.sort();
    Row {
        case,
        operations: n,
        never_noticed: n - delays.len(),
        delays,
        schedule,
        requests: arrivals.len(),
        gets: fleet.gets.load(Ordering::Relaxed),
        waits: fleet.waits.load(Ordering::Relaxed),
        waits_not_done,
        abandoned: abandoned.len(),
        unexpected: fleet.unexpected.load(Ordering::Relaxed),
        peak_1s: peak_within(&arrivals, Duration::from_secs(1)),
        peak_60s: peak_within(&arrivals, Duration::from_secs(60)),
        max_in_flight,
        connections,
        peak_rss_kb,
        wall,
        end,
        events,
        retry_causes,
        stderr_lines,
        stderr_tail,
    }
}

/// `text` with each run of digits (and `.` within one) shown as `N`, so that causes that
/// differ only in their numbers (durations, attempts, ports) are counted together.
fn without_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push('N');
                in_number = true;
            }
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

/// The process's peak resident set (`VmHWM`), in kB; `None` once it has exited.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The most of the sorted `times` within any window of length `window`.
fn peak_within(times: &[Duration], window: Duration) -> usize {
    let mut first = 0;
    let mut peak = 0;
    for (last, &t) in times.iter().enumerate() {
        while times[first] + window <= t {
            first += 1;
        }
        peak = peak.max(last + 1 - first);
    }
    peak
}

/// The `p`-th quantile of the sorted `values` (nearest rank).
fn quantile(values: &[Duration], p: f64) -> Option<Duration> {
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len().max(1));
    values.get(rank - 1).copied()
}

/// `12.3 ms` under a second, `4.56 s` from one; `-` for none.
fn shown(d: Option<Duration>) -> String {
    match d {
        None => "-".to_owned(),
        Some(d) if d < Duration::from_secs(1) => format!("{:.1} ms", d.as_secs_f64() * 1e3),
        Some(d) => format!("{:.2} s", d.as_secs_f64()),
    }
}

impl Row {
    fn exit(&self) -> String {
        let code = |status: &ExitStatus| {
            use std::os::unix::process::ExitStatusExt;
            match (status.code(), status.signal()) {
                (Some(code), _) => code.to_string(),
                (None, Some(signal)) => format!("signal {signal}"),
                (None, None) => "?".to_owned(),
            }
        };
        match &self.end {
            End::Exited(status) => code(status),
            End::Killed(status) => format!("killed ({})", code(status)),
        }
    }

    /// Requests a second over the program's run.
    fn mean_rate(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    /// What the table leaves out.
    fn details(&self) -> String {
        let mut text = format!(
            "## {} (--service {})\n",
            self.case.label(),
            self.case.service()
        );
        let ended = match self.end {
            End::Exited(_) => "exited",
            End::Killed(_) => "killed at the span plus 3 min",
        };
        text += &format!(
            "program: {ended} after {:.1} s, exit {}; peak RSS {}\n",
            self.wall.as_secs_f64(),
            self.exit(),
            self.peak_rss_kb
                .map_or("unknown".to_owned(), |kb| format!("{kb} kB")),
        );
        let events: Vec<String> = self
            .events
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        text += &format!("events on stdout: {}\n", events.join(", "));
        let mut causes: Vec<(&String, &usize)> = self.retry_causes.iter().collect();
        causes.sort_by(|a, b| b.1.cmp(a.1));
        for (cause, n) in causes {
            text += &format!("  retry {n}x: {cause}\n");
        }
        text += &format!(
            "requests: {} ({} GET, {} wait of which {} answered not done after {} s; \
             {} unexpected); {} abandoned by the program before their answer\n",
            self.requests,
            self.gets,
            self.waits,
            self.waits_not_done,
            COMPUTE_WAIT.as_secs(),
            self.unexpected,
            self.abandoned,
        );
        text += &format!(
            "noticed: {} of {}; delay mean {}\n",
            self.delays.len(),
            self.operations,
            shown(
                (!self.delays.is_empty())
                    .then(|| self.delays.iter().sum::<Duration>() / self.delays.len() as u32)
            )
        );
        if let Some((ideal, later)) = &self.schedule {
            let q = |p| shown(quantile(ideal, p));
            text += &format!(
                "the poll schedule alone (1 s doubling to 60 s from the start, no rate bound) \
                 would notice them after: p50 {}, p90 {}, max {}; noticed more than 1 s later \
                 than it would: {later}\n",
                q(0.5),
                q(0.9),
                shown(ideal.last().copied()),
            );
        }
        text += &format!("stderr: {} lines", self.stderr_lines);
        if !self.stderr_tail.is_empty() {
            text += ", the last:";
            for line in &self.stderr_tail {
                text += &format!("\n    {line}");
            }
        }
        text
    }
}

/// When the default poll schedule (`PollPolicy::default`: the first poll at once, then pauses
/// of 1 s doubling up to 60 s) first polls at or after `done`, both from the start.
fn scheduled(done: Duration) -> Duration {
    let (mut at, mut pause) = (Duration::ZERO, Duration::from_secs(1));
    while at < done {
        at += pause;
        pause = (pause * 2).min(Duration::from_secs(60));
    }
    at
}

/// The markdown table of every case.
fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| case | operations | delay p50 | p90 | p99 | max | never noticed | requests \
         | req/s mean | peak req/s (1 s) | peak per 60 s | max in flight | connections \
         | peak RSS MB | wall | exit code |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: \
         | ---: | ---: | ---: | --- |\n",
    );
    for row in rows {
        let q = |p| shown(quantile(&row.delays, p));
        let rss = row.peak_rss_kb.map_or("-".to_owned(), |kb| {
            format!("{:.1}", kb as f64 * 1024.0 / 1e6)
        });
        text += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {:.1} s | {} |\n",
            row.case.label(),
            row.operations,
            q(0.5),
            q(0.9),
            q(0.99),
            shown(row.delays.last().copied()),
            row.never_noticed,
            row.requests,
            row.mean_rate(),
            row.peak_1s,
            row.peak_60s,
            row.max_in_flight,
            row.connections,
            rss,
            row.wall.as_secs_f64(),
            row.exit(),
        );
    }
    text
}
