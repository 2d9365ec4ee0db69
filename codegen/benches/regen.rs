//! Regeneration: load, extract and emit (formatted, in memory) of Discovery documents, against
//! two baselines on the same bytes in the same run: parsing each document into a
//! `serde_json::Value`, and skimming it with `serde::de::IgnoredAny`.
//!
//! Two groups: `saved` (the documents in `discovery/`) and `corpus` (every `*.json` in the
//! folder named by `BENCH_DISCOVERY_DIR`, skipped when that is not set). Each group has:
//! - `value`, `ignored_any`: the baselines;
//! - `generate`: `codegen::generate` of all documents, as `cargo xtask regenerate` runs it
//!   (one thread per core);
//! - `generate_1_thread`: the same on one thread;
//! - `prettyplease_only`: `prettyplease::unparse` of the output's syntax trees, built
//!   beforehand: the floor of any pipeline that formats with prettyplease;
//! - `load`, `extract`, `emit`: its stages (`load::document`, `extract::service`,
//!   `emit::service_file`), each on the output of the stage before.
//!
//! Run with `cargo bench -p codegen --bench regen`; `cargo xtask bench` runs it and prints the
//! ratios.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use codegen::discovery::Document;
use codegen::{Source, emit, extract, ir, load};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;

/// The environment variable naming a folder of more Discovery documents.
const CORPUS_VAR: &str = "BENCH_DISCOVERY_DIR";

/// The documents of `dir` that the generator accepts one by one, with distinct modules.
///
/// A larger folder of real documents may hold some the generator refuses (an unsupported
/// shape, two versions that map to one module); those are left out and counted, so the
/// benchmark measures only complete runs.
///
/// Prints `documents/<group>: <kept> of <total>, <bytes> bytes` for `cargo xtask bench`.
fn accepted(group: &str, dir: &Path, shown: &str) -> Vec<Source> {
    let all = load::read_dir(dir, shown).unwrap_or_else(|e| panic!("{e}"));
    let total = all.len();
    let mut modules = BTreeSet::new();
    let kept: Vec<Source> = all
        .into_iter()
        .filter(|s| {
            load::document(&s.file, &s.text)
                .and_then(|doc| extract::service(&s.file, &doc, &mut Vec::new()))
                .is_ok_and(|service| modules.insert(service.module))
        })
        .collect();
    let bytes: usize = kept.iter().map(|s| s.text.len()).sum();
    println!(
        "documents/{group}: {} of {total}, {bytes} bytes",
        kept.len()
    );
    assert!(!kept.is_empty(), "{shown}: no document to measure");
    kept
}

fn bench_documents(c: &mut Criterion, group_name: &str, sources: &[Source], large: bool) {
    let options = emit::Options::default();
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    let docs: Vec<Document<'_>> = sources
        .iter()
        .map(|s| load::document(&s.file, &s.text).expect("accepted documents load"))
        .collect();
    let services: Vec<ir::Service> = sources
        .iter()
        .zip(&docs)
        .map(|(s, doc)| extract::service(&s.file, doc, &mut Vec::new()).expect("accepted"))
        .collect();

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

    group.bench_function("value", |b| {
        b.iter(|| {
            for s in sources {
                let value: serde_json::Value = serde_json::from_str(&s.text).unwrap();
                black_box(value);
            }
        })
    });
    group.bench_function("ignored_any", |b| {
        b.iter(|| {
            for s in sources {
                let skimmed: IgnoredAny = serde_json::from_str(&s.text).unwrap();
                black_box(skimmed);
            }
        })
    });
    group.bench_function("generate", |b| {
        b.iter(|| black_box(codegen::generate(black_box(sources), &options).unwrap()))
    });
    group.bench_function("generate_1_thread", |b| {
        b.iter(|| black_box(codegen::generate_on(black_box(sources), &options, 1).unwrap()))
    });
    // The floor of any pipeline that formats with prettyplease: printing the finished syntax
    // trees of the output, with nothing built, parsed or read.
    let output: Vec<syn::File> = codegen::generate_on(sources, &options, 1)
        .unwrap()
        .files
        .values()
        .map(|text| syn::parse_file(text).expect("generated files parse"))
        .collect();
    group.bench_function("prettyplease_only", |b| {
        b.iter(|| {
            for file in &output {
                black_box(prettyplease::unparse(black_box(file)));
            }
        })
    });
    group.bench_function("load", |b| {
        b.iter(|| {
            for s in sources {
                black_box(load::document(&s.file, black_box(&s.text)).unwrap());
            }
        })
    });
    group.bench_function("extract", |b| {
        b.iter(|| {
            for (s, doc) in sources.iter().zip(&docs) {
                let mut warnings = Vec::new();
                black_box(extract::service(&s.file, black_box(doc), &mut warnings).unwrap());
                black_box(warnings);
            }
        })
    });
    group.bench_function("emit", |b| {
        b.iter(|| {
            // `generate` emits only the services that have an `operations.get` method.
            for service in services.iter().filter(|s| !s.methods.is_empty()) {
                black_box(emit::service_file(black_box(service), &options));
            }
        })
    });
    group.finish();
}

fn saved(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
    let sources = accepted("saved", &dir, "discovery");
    bench_documents(c, "saved", &sources, false);
}

fn corpus(c: &mut Criterion) {
    let Some(dir) = std::env::var_os(CORPUS_VAR).filter(|d| !d.is_empty()) else {
        eprintln!("{CORPUS_VAR} is not set: the corpus group is skipped");
        return;
    };
    let dir = Path::new(&dir);
    let sources = accepted("corpus", dir, &dir.display().to_string());
    bench_documents(c, "corpus", &sources, true);
}

criterion_group!(benches, saved, corpus);
criterion_main!(benches);
