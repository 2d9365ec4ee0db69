//! Regeneration: `codegen::generate` of all documents, formatted and in memory, as
//! `cargo xtask regenerate` runs it.
//!
//! Two groups: `saved` (the documents in `discovery/`) and `corpus` (the `*.json` of the folder
//! named by `BENCH_DISCOVERY_DIR`, skipped when that is not set). Of a larger folder, only the
//! documents the generator accepts one by one are measured.
//!
//! Run with `cargo bench -p codegen --bench regen`, or `cargo xtask bench`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use codegen::emit::Options;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// The environment variable naming a folder of more Discovery documents.
const CORPUS_VAR: &str = "BENCH_DISCOVERY_DIR";

fn bench_folder(c: &mut Criterion, group_name: &str, dir: &Path, shown: &str, large: bool) {
    let options = Options::default();
    let all = codegen::load::read_dir(dir, shown).unwrap_or_else(|e| panic!("{e}"));
    let total = all.len();
    let sources: Vec<_> = all
        .into_iter()
        .filter(|s| codegen::generate(std::slice::from_ref(s), &options).is_ok())
        .collect();
    if let Err(e) = codegen::generate(&sources, &options) {
        panic!("{shown}: the documents accepted one by one are refused together:\n{e}");
    }
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    println!(
        "{group_name}: {} of {total} documents in {shown}, {bytes} bytes",
        sources.len()
    );

    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(bytes as u64));
    if large {
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(15));
    } else {
        group
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
    }
    group.bench_function("generate", |b| {
        b.iter(|| black_box(codegen::generate(black_box(&sources), &options).unwrap()))
    });
    group.finish();
}

fn saved(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
    bench_folder(c, "saved", &dir, "discovery", false);
}

fn corpus(c: &mut Criterion) {
    let Some(dir) = std::env::var_os(CORPUS_VAR).filter(|d| !d.is_empty()) else {
        eprintln!("{CORPUS_VAR} is not set: the corpus group is skipped");
        return;
    };
    let dir = Path::new(&dir);
    bench_folder(c, "corpus", dir, &dir.display().to_string(), true);
}

criterion_group!(benches, saved, corpus);
criterion_main!(benches);
