//! Building a request: time and allocations per request of a generated builder, against
//! writing the same URL and `http::Request` by hand with `format!` (no checks, no encoding).
//!
//! The group `request` measures:
//! - `new`: `ProjectsRegionsOperationsGet::new(name)` alone (it checks the name's pattern);
//! - `url_only`: `.url()` of a builder made beforehand;
//! - `url`: `new(name)` then `.url()`;
//! - `to_http`: `new(name)` then `.to_http()`;
//! - `format_url`, `format_http`: the hand-written baselines.
//!
//! Before timing, the binary counts allocator calls per request with a counting global
//! allocator and prints one `allocations/<case>: <count>` line per case, where `url_only`,
//! `url_only_short_name` and `to_http_only` start from a builder made beforehand. The name is
//! a real Dataproc operation name (96 bytes, ending in a UUID); the short one is 46 bytes.
//!
//! Run with `cargo bench -p google-operations --bench requests`; `cargo xtask bench` runs it
//! and prints the ratios.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use google_operations::Request;
use google_operations::dataproc_v1::ProjectsRegionsOperationsGet;

const NAME: &str = "projects/analytics-prod-4821/regions/us-central1/operations/5c8e7a4b-3f2d-4e1a-9b6c-2d8f0e1a7c3b";
/// A short name, whose URL fits the capacity the URL writer reserves up front.
const SHORT_NAME: &str = "projects/p/regions/us-central1/operations/1234";
const ROOT: &str = "https://dataproc.googleapis.com/";
const API_CLIENT: &str = "gl-rust/1.95.0 google-operations/0.1.0";

/// The system allocator, counting the calls that obtain memory (`alloc`, `alloc_zeroed`,
/// `realloc`).
struct Counting;

static CALLS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocator calls per run of `f`, averaged over many runs (after one run that may fill
/// caches such as a compiled pattern).
fn allocations<T>(mut f: impl FnMut() -> T) -> f64 {
    const RUNS: u64 = 1000;
    black_box(f());
    let before = CALLS.load(Ordering::Relaxed);
    for _ in 0..RUNS {
        black_box(f());
    }
    (CALLS.load(Ordering::Relaxed) - before) as f64 / RUNS as f64
}

fn format_url(name: &str) -> String {
    format!("{ROOT}v1/{name}")
}

fn format_http(name: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(http::Method::GET)
        .uri(format_url(name))
        .header(http::header::ACCEPT, "application/json")
        .header("x-goog-api-client", API_CLIENT)
        .body(Vec::new())
        .unwrap()
}

fn new(name: &str) -> ProjectsRegionsOperationsGet {
    ProjectsRegionsOperationsGet::new(name).unwrap()
}

fn requests(c: &mut Criterion) {
    let built = new(NAME);
    let short = new(SHORT_NAME);
    assert_eq!(built.url(), format_url(NAME));
    assert_eq!(built.to_http().unwrap().uri(), format_http(NAME).uri());

    let counts = [
        ("new", allocations(|| new(black_box(NAME)))),
        ("url_only", allocations(|| black_box(&built).url())),
        ("url", allocations(|| new(black_box(NAME)).url())),
        (
            "url_only_short_name",
            allocations(|| black_box(&short).url()),
        ),
        (
            "to_http_only",
            allocations(|| black_box(&built).to_http().unwrap()),
        ),
        ("to_http", allocations(|| new(black_box(NAME)).to_http())),
        ("format_url", allocations(|| format_url(black_box(NAME)))),
        ("format_http", allocations(|| format_http(black_box(NAME)))),
    ];
    for (case, count) in counts {
        println!("allocations/{case}: {count}");
    }

    let mut group = c.benchmark_group("request");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("new", |b| b.iter(|| new(black_box(NAME))));
    group.bench_function("url_only", |b| b.iter(|| black_box(&built).url()));
    group.bench_function("url", |b| {
        b.iter(|| new(black_box(NAME)).url());
    });
    group.bench_function("format_url", |b| b.iter(|| format_url(black_box(NAME))));
    group.bench_function("to_http", |b| {
        b.iter(|| new(black_box(NAME)).to_http().unwrap());
    });
    group.bench_function("format_http", |b| b.iter(|| format_http(black_box(NAME))));
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
