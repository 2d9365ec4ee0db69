//! `cargo xtask bench`: every performance figure of the project with its baseline and their
//! ratio, all measured in the same run.
//!
//! - `regen`: `cargo bench -p codegen --bench regen` (the saved documents, and a larger folder
//!   with `--corpus DIR` or `BENCH_DISCOVERY_DIR`);
//! - `decode`, `requests`: `cargo bench -p google-operations --bench decode|requests`;
//! - `verify`: the release `xtask verify` process, run several times;
//! - `lines`: lines of generated code per service;
//! - `weight` (only with `--weight`, minutes): clean debug builds and dependency counts of the
//!   generated crate, with and without its default features, against google-dataproc1.
//!
//! Criterion writes its estimates under `CRITERION_HOME`, a scratch folder here; the table
//! uses their medians, which a noisy shared machine disturbs least.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde::Deserialize;

/// The variable the regeneration bench reads a larger folder of documents from.
const CORPUS_VAR: &str = "BENCH_DISCOVERY_DIR";

/// The google-apis-rs crate the weight of the generated crate is compared with.
const REFERENCE_CRATE: &str = "google-dataproc1";
const REFERENCE_VERSION: &str = "7";

#[derive(Args, Clone, Debug)]
pub struct BenchArgs {
    /// A folder of more Discovery documents for the regeneration benches [default:
    /// $BENCH_DISCOVERY_DIR; without either, that part is skipped].
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Also measure the weight of the generated crate: clean debug builds (`-j 2`) and
    /// dependency counts, against google-dataproc1. Takes minutes; fetches crates.
    #[arg(long)]
    weight: bool,
    /// Run only these parts, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "PART")]
    only: Vec<Part>,
    /// How many times the release `xtask verify` process runs.
    #[arg(long, default_value_t = 10, value_name = "N")]
    verify_runs: u32,
}

/// A part of the benchmark run.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Regen,
    Decode,
    Requests,
    Verify,
    Lines,
    Weight,
}

impl BenchArgs {
    fn runs(&self, part: Part) -> bool {
        if self.only.is_empty() {
            part != Part::Weight || self.weight
        } else {
            self.only.contains(&part)
        }
    }
}

/// Runs the selected parts and prints the table.
pub fn run(root: &Path, args: &BenchArgs) -> Result<()> {
    let scratch = Scratch::new()?;
    let mut report = Report::default();
    if args.runs(Part::Regen) {
        regen(root, args, &scratch.0, &mut report)?;
    }
    if args.runs(Part::Decode) || args.runs(Part::Requests) {
        operations(root, args, &scratch.0, &mut report)?;
    }
    if args.runs(Part::Verify) {
        verify(root, args.verify_runs, &mut report)?;
    }
    if args.runs(Part::Lines) {
        lines(root, &mut report)?;
    }
    if args.runs(Part::Weight) {
        weight(root, &scratch.0, &mut report)?;
    }
    report.print();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The parts.

fn regen(root: &Path, args: &BenchArgs, scratch: &Path, report: &mut Report) -> Result<()> {
    let corpus = args.corpus.clone().or_else(|| {
        std::env::var_os(CORPUS_VAR)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    });
    if let Some(dir) = &corpus {
        if !dir.is_dir() {
            bail!("{}: not a folder", dir.display());
        }
    }
    let home = scratch.join("criterion-regen");
    let env = match &corpus {
        Some(dir) => vec![(CORPUS_VAR, Some(dir.clone().into_os_string()))],
        None => vec![(CORPUS_VAR, None)],
    };
    let out = cargo_bench(root, &home, &["-p", "codegen", "--bench", "regen"], &env)?;
    let est = estimates(&home)?;
    let groups = [
        ("saved", "discovery/".to_owned()),
        (
            "corpus",
            corpus.map(|d| d.display().to_string()).unwrap_or_default(),
        ),
    ];
    for (group, shown) in groups {
        if !est.contains_key(&format!("{group}/generate")) {
            continue;
        }
        let get = |name: &str| lookup(&est, &format!("{group}/{name}"));
        let (value, skim, generate) = (get("value")?, get("ignored_any")?, get("generate")?);
        let stages = [
            ("  read: load::document (1 thread)", get("load")?),
            ("  extract: extract::service (1 thread)", get("extract")?),
            (
                "  emit: emit::service_file, formatted (1 thread)",
                get("emit")?,
            ),
        ];
        let documents = out
            .iter()
            .find_map(|l| l.strip_prefix(&format!("documents/{group}: ")))
            .unwrap_or("? of ?");
        let bytes = generate.bytes.unwrap_or(0);
        let mut section = Section::new(format!(
            "Regeneration of {shown}: {} documents, {:.1} MiB (criterion medians)",
            documents.split(',').next().unwrap_or(documents),
            mib(bytes)
        ));
        let value_base = format!("parse to serde_json::Value {}", time(value.ns));
        let skim_base = format!("skim with IgnoredAny {}", time(skim.ns));
        let one = get("generate_1_thread")?;
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        for (figure, m) in [
            (
                format!("load+extract+emit, all documents, {threads} threads (as regenerate runs)"),
                generate,
            ),
            ("load+extract+emit, all documents, 1 thread".to_owned(), one),
        ] {
            section.row(Row {
                figure: figure.clone(),
                measured: format!("{} ({:.0} MiB/s)", time(m.ns), mib_per_s(bytes, m.ns)),
                baseline: value_base.clone(),
                ratio: Some(Ratio::Time(m.ns / value.ns)),
                target: Some(Target::AtMost(0.5)),
            });
            section.row(Row {
                figure,
                measured: time(m.ns),
                baseline: skim_base.clone(),
                ratio: Some(Ratio::Time(m.ns / skim.ns)),
                target: Some(Target::AtMost(2.0)),
            });
        }
        let floor = get("prettyplease_only")?;
        section.row(Row {
            figure: "  floor: prettyplease::unparse of the output alone".into(),
            measured: time(floor.ns),
            baseline: skim_base.clone(),
            ratio: Some(Ratio::Time(floor.ns / skim.ns)),
            target: None,
        });
        let sum: f64 = stages.iter().map(|(_, m)| m.ns).sum();
        for (name, m) in &stages {
            section.row(Row {
                figure: (*name).into(),
                measured: format!("{} ({:.0}% of stages)", time(m.ns), 100.0 * m.ns / sum),
                baseline: value_base.clone(),
                ratio: Some(Ratio::Time(m.ns / value.ns)),
                target: None,
            });
        }
        let (dominant, m) = stages
            .iter()
            .max_by(|a, b| a.1.ns.total_cmp(&b.1.ns))
            .expect("three stages");
        section.note(format!(
            "dominant stage: {} ({:.0}% of the stages' sum {})",
            dominant.trim().split(':').next().unwrap_or(dominant),
            100.0 * m.ns / sum,
            time(sum)
        ));
        report.sections.push(section);
    }
    Ok(())
}

fn operations(root: &Path, args: &BenchArgs, scratch: &Path, report: &mut Report) -> Result<()> {
    let home = scratch.join("criterion-operations");
    let mut cargo_args = vec!["-p", "google-operations"];
    if args.runs(Part::Decode) {
        cargo_args.extend(["--bench", "decode"]);
    }
    if args.runs(Part::Requests) {
        cargo_args.extend(["--bench", "requests"]);
    }
    let out = cargo_bench(root, &home, &cargo_args, &[])?;
    let est = estimates(&home)?;

    if args.runs(Part::Decode) {
        let mut section = Section::new(
            "Decoding a Dataproc operation into dataproc_v1::Operation (criterion medians)".into(),
        );
        for payload in ["running", "done_response", "done_error"] {
            let get = |name: &str| lookup(&est, &format!("decode/{payload}/{name}"));
            let (value, typed, decode) = (get("value")?, get("typed")?, get("decode_response")?);
            let bytes = value.bytes.unwrap_or(0);
            let base = format!(
                "serde_json::Value {} ({:.0} MiB/s)",
                time(value.ns),
                mib_per_s(bytes, value.ns)
            );
            for (what, m, target) in [
                ("from_slice", typed, Some(Target::AtLeast(1.0))),
                ("decode_response", decode, None),
            ] {
                section.row(Row {
                    figure: format!("{payload} ({bytes} B), {what}"),
                    measured: format!("{} ({:.0} MiB/s)", time(m.ns), mib_per_s(bytes, m.ns)),
                    baseline: base.clone(),
                    ratio: Some(Ratio::Throughput(value.ns / m.ns)),
                    target,
                });
            }
        }
        report.sections.push(section);
    }

    if args.runs(Part::Requests) {
        let allocs: BTreeMap<&str, f64> = out
            .iter()
            .filter_map(|l| {
                let (name, count) = l.strip_prefix("allocations/")?.split_once(": ")?;
                Some((name, count.trim().parse().ok()?))
            })
            .collect();
        let count = |name: &str| {
            allocs
                .get(name)
                .copied()
                .with_context(|| format!("the requests bench printed no allocations/{name}"))
        };
        let get = |name: &str| lookup(&est, &format!("request/{name}"));
        let mut section = Section::new(
            "Building a request: dataproc_v1::ProjectsRegionsOperationsGet, a 96-byte name \
             (criterion medians; allocator calls per request)"
                .into(),
        );
        for (figure, name, base_figure, base) in [
            (
                "new(name) alone: checks the pattern",
                "new",
                "format! of the URL",
                "format_url",
            ),
            (
                "url() of a made request",
                "url_only",
                "format! of the URL",
                "format_url",
            ),
            (
                "new(name) + url()",
                "url",
                "format! of the URL",
                "format_url",
            ),
            (
                "new(name) + to_http()",
                "to_http",
                "format! + http::Request::builder",
                "format_http",
            ),
        ] {
            let (m, b) = (get(name)?, get(base)?);
            section.row(Row {
                figure: figure.into(),
                measured: time(m.ns),
                baseline: format!("{base_figure} {}", time(b.ns)),
                ratio: Some(Ratio::Time(m.ns / b.ns)),
                target: None,
            });
        }
        for (figure, name, base_figure, base, target) in [
            (
                "allocations: url() of a made request",
                "url_only",
                "format! of the URL",
                "format_url",
                Some(Target::Exactly(1.0)),
            ),
            (
                "allocations: url(), 46-byte name",
                "url_only_short_name",
                "format! of the URL",
                "format_url",
                Some(Target::Exactly(1.0)),
            ),
            (
                "allocations: new(name)",
                "new",
                "format! of the URL",
                "format_url",
                None,
            ),
            (
                "allocations: new(name) + url()",
                "url",
                "format! of the URL",
                "format_url",
                None,
            ),
            (
                "allocations: to_http() of a made request",
                "to_http_only",
                "format! + builder",
                "format_http",
                None,
            ),
            (
                "allocations: new(name) + to_http()",
                "to_http",
                "format! + builder",
                "format_http",
                None,
            ),
        ] {
            let (m, b) = (count(name)?, count(base)?);
            section.row(Row {
                figure: figure.into(),
                measured: format!("{m}"),
                baseline: format!("{base_figure} {b}"),
                ratio: None,
                target,
            });
        }
        report.sections.push(section);
    }
    Ok(())
}

fn verify(root: &Path, runs: u32, report: &mut Report) -> Result<()> {
    let runs = runs.max(1);
    eprintln!("==> cargo build --release -p xtask");
    let output = cargo()
        .args(["build", "--release", "-p", "xtask", "--message-format=json"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("starting cargo build")?;
    if !output.status.success() {
        bail!("building the release xtask failed ({})", output.status);
    }
    let exe = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "xtask")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo named no xtask executable")?;
    let time_runs = |args: &[&str]| -> Result<(f64, f64)> {
        let mut total = 0.0;
        let mut best = f64::INFINITY;
        for _ in 0..runs {
            let start = Instant::now();
            let status = Command::new(&exe)
                .args(args)
                .current_dir(root)
                .stdout(Stdio::null())
                .status()
                .with_context(|| format!("running {}", exe.display()))?;
            let ns = start.elapsed().as_nanos() as f64;
            if !status.success() {
                bail!("`xtask {}` failed ({status})", args.join(" "));
            }
            total += ns;
            best = best.min(ns);
        }
        Ok((total / f64::from(runs), best))
    };
    eprintln!("==> xtask verify, {runs} times");
    let (verify_mean, verify_best) = time_runs(&["verify"])?;
    let (help_mean, _) = time_runs(&["--help"])?;
    let mut section = Section::new(format!(
        "cargo xtask verify on discovery/, release binary (wall time, mean of {runs} processes)"
    ));
    section.row(Row {
        figure: "xtask verify".into(),
        measured: format!("{} (best {})", time(verify_mean), time(verify_best)),
        baseline: format!("xtask --help {}", time(help_mean)),
        ratio: Some(Ratio::Time(verify_mean / help_mean)),
        target: None,
    });
    report.sections.push(section);
    Ok(())
}

fn lines(root: &Path, report: &mut Report) -> Result<()> {
    let dir = root.join("generated").join(codegen::OUTPUT_DIR);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".rs") && name != "mod.rs" {
            files.push((name, count_lines(&path)?));
        }
    }
    files.sort();
    let mut section = Section::new(format!("Generated code: {}/*.rs", codegen::OUTPUT_DIR));
    for (name, n) in &files {
        section.row(Row::plain(format!("lines: {name}"), n.to_string()));
    }
    let total: usize = files.iter().map(|(_, n)| n).sum();
    section.row(Row::plain(
        format!("lines: all {} services", files.len()),
        format!("{total} ({} per service)", total / files.len().max(1)),
    ));
    report.sections.push(section);
    Ok(())
}

/// One crate built for its weight.
struct Subject {
    label: &'static str,
    dependency: String,
    /// Whether to start from the workspace's Cargo.lock, so the versions are the workspace's.
    workspace_lock: bool,
}

/// What a clean build of one subject took.
struct Weight {
    build_ns: f64,
    dependencies: usize,
}

fn weight(root: &Path, scratch: &Path, report: &mut Report) -> Result<()> {
    let generated = root.join("generated");
    let path = toml_string(&generated.display().to_string());
    let subjects = [
        Subject {
            label: "google-operations, default features",
            dependency: format!("google-operations = {{ path = {path} }}"),
            workspace_lock: true,
        },
        Subject {
            label: "google-operations, --no-default-features",
            dependency: format!(
                "google-operations = {{ path = {path}, default-features = false }}"
            ),
            workspace_lock: true,
        },
        Subject {
            label: "google-dataproc1",
            dependency: format!("{REFERENCE_CRATE} = \"{REFERENCE_VERSION}\""),
            workspace_lock: false,
        },
    ];
    let mut weights = Vec::new();
    for (i, subject) in subjects.iter().enumerate() {
        let dir = scratch.join(format!("weight-{i}"));
        weights.push(build_weight(root, &dir, subject)?);
    }
    let reference_dir = scratch.join("weight-2");
    let (reference_version, reference_lines) = reference_source(&reference_dir)?;
    let ours_lines = count_lines(&generated.join(codegen::OUTPUT_DIR).join("dataproc_v1.rs"))?;

    let reference = &weights[2];
    let mut section = Section::new(format!(
        "Weight: clean `cargo build -j 2` (debug) of a crate depending on each, fresh \
         CARGO_TARGET_DIR, run one after the other; against {REFERENCE_CRATE} {reference_version}"
    ));
    for (subject, w, target) in [
        (&subjects[0], &weights[0], 0.75),
        (&subjects[1], &weights[1], 0.15),
    ] {
        section.row(Row {
            figure: format!("build: {}", subject.label),
            measured: secs(w.build_ns),
            baseline: format!("{REFERENCE_CRATE} {}", secs(reference.build_ns)),
            ratio: Some(Ratio::Time(w.build_ns / reference.build_ns)),
            target: Some(Target::AtMost(target)),
        });
    }
    for (subject, w) in [(&subjects[0], &weights[0]), (&subjects[1], &weights[1])] {
        section.row(Row {
            figure: format!("dependencies: {}", subject.label),
            measured: w.dependencies.to_string(),
            baseline: format!("{REFERENCE_CRATE} {}", reference.dependencies),
            ratio: Some(Ratio::Count(
                w.dependencies as f64 / reference.dependencies as f64,
            )),
            target: None,
        });
    }
    section.row(Row {
        figure: "lines: dataproc_v1.rs".into(),
        measured: ours_lines.to_string(),
        baseline: format!("{REFERENCE_CRATE} src/ {reference_lines}"),
        ratio: Some(Ratio::Count(ours_lines as f64 / reference_lines as f64)),
        target: None,
    });
    section.note(
        "dependencies: distinct crates of `cargo tree -e normal --prefix none`, the scratch \
         crate itself left out"
            .into(),
    );
    report.sections.push(section);
    Ok(())
}

/// Makes a scratch crate depending on `subject` in `dir`, fetches, counts its dependencies,
/// then times a clean build into a fresh target folder, which is removed afterwards.
fn build_weight(root: &Path, dir: &Path, subject: &Subject) -> Result<Weight> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"weight-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n{}\n\n[workspace]\n",
            subject.dependency
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), "")?;
    if subject.workspace_lock {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    }
    let target = dir.join("target");
    let run = |args: &[&str]| -> Result<Vec<u8>> {
        eprintln!("==> [{}] cargo {}", subject.label, args.join(" "));
        let output = cargo()
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("starting cargo {}", args.join(" ")))?;
        if !output.status.success() {
            bail!("cargo {} failed ({})", args.join(" "), output.status);
        }
        Ok(output.stdout)
    };
    run(&["fetch"])?;
    let tree = run(&["tree", "-e", "normal", "--prefix", "none", "--offline"])?;
    let tree = String::from_utf8_lossy(&tree);
    let crates: BTreeSet<&str> = tree
        .lines()
        .skip(1) // the scratch crate
        .map(|l| l.trim().trim_end_matches(" (*)"))
        .filter(|l| !l.is_empty())
        .collect();
    let dependencies = crates.len();
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    let start = Instant::now();
    run(&["build", "-j", "2", "--offline"])?;
    let build_ns = start.elapsed().as_nanos() as f64;
    std::fs::remove_dir_all(&target)?;
    Ok(Weight {
        build_ns,
        dependencies,
    })
}

/// The version of the reference crate resolved in `dir`, and the lines of its `src/**/*.rs`.
fn reference_source(dir: &Path) -> Result<(String, usize)> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .stderr(Stdio::inherit())
        .output()
        .context("starting cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed ({})", output.status);
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == REFERENCE_CRATE))
        .with_context(|| format!("cargo metadata lists no {REFERENCE_CRATE}"))?;
    let version = package["version"].as_str().unwrap_or("?").to_owned();
    let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
    let src = manifest
        .parent()
        .context("a manifest path has a folder")?
        .join("src");
    Ok((version, count_rs_lines(&src)?))
}

fn count_rs_lines(dir: &Path) -> Result<usize> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            total += count_rs_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += count_lines(&path)?;
        }
    }
    Ok(total)
}

fn count_lines(path: &Path) -> Result<usize> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text.lines().count())
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

// ---------------------------------------------------------------------------------------------
// Running cargo and reading criterion's estimates.

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cargo bench ARGS -- --noplot` with its estimates written under `home`; its standard
/// output is shown as it comes (on standard error) and returned as lines.
fn cargo_bench(
    root: &Path,
    home: &Path,
    args: &[&str],
    env: &[(&str, Option<OsString>)],
) -> Result<Vec<String>> {
    eprintln!("==> cargo bench {} -- --noplot", args.join(" "));
    let mut command = cargo();
    command
        .arg("bench")
        .args(args)
        .args(["--", "--noplot"])
        .current_dir(root)
        .env("CRITERION_HOME", home)
        .stdout(Stdio::piped());
    for (key, value) in env {
        match value {
            Some(v) => command.env(key, v),
            None => command.env_remove(key),
        };
    }
    let mut child = command.spawn().context("starting cargo bench")?;
    let stdout = child
        .stdout
        .take()
        .context("cargo bench has a standard output")?;
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        eprintln!("{line}");
        lines.push(line);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo bench {} failed ({status})", args.join(" "));
    }
    Ok(lines)
}

/// One benchmark's estimate: the median time per iteration, and the bytes it declared.
#[derive(Debug, Clone, Copy)]
struct Measured {
    ns: f64,
    bytes: Option<u64>,
}

#[derive(Deserialize)]
struct BenchmarkFile {
    full_id: String,
    throughput: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct EstimatesFile {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Every estimate criterion wrote under `home`, by full id (`group/function`).
fn estimates(home: &Path) -> Result<BTreeMap<String, Measured>> {
    fn walk(dir: &Path, found: &mut BTreeMap<String, Measured>) -> Result<()> {
        let benchmark = dir.join("benchmark.json");
        if dir.file_name().is_some_and(|n| n == "new") && benchmark.is_file() {
            let read = |path: &Path| {
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))
            };
            let id: BenchmarkFile = serde_json::from_slice(&read(&benchmark)?)?;
            let est: EstimatesFile = serde_json::from_slice(&read(&dir.join("estimates.json"))?)?;
            let bytes = id
                .throughput
                .as_ref()
                .and_then(|t| t.get("Bytes").or_else(|| t.get("BytesDecimal")))
                .and_then(serde_json::Value::as_u64);
            found.insert(
                id.full_id,
                Measured {
                    ns: est.median.point_estimate,
                    bytes,
                },
            );
            return Ok(());
        }
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, found)?;
            }
        }
        Ok(())
    }
    let mut found = BTreeMap::new();
    if home.is_dir() {
        walk(home, &mut found)?;
    }
    Ok(found)
}

fn lookup(est: &BTreeMap<String, Measured>, id: &str) -> Result<Measured> {
    est.get(id)
        .copied()
        .with_context(|| format!("criterion wrote no estimate for {id}"))
}

/// A scratch folder for this run, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// The table.

/// A ratio of a figure to its baseline.
#[derive(Debug, Clone, Copy)]
enum Ratio {
    /// Time of the figure over time of the baseline: lower is better.
    Time(f64),
    /// Throughput of the figure over throughput of the baseline: higher is better.
    Throughput(f64),
    /// A count over a count.
    Count(f64),
}

impl Ratio {
    fn value(self) -> f64 {
        match self {
            Ratio::Time(r) | Ratio::Throughput(r) | Ratio::Count(r) => r,
        }
    }

    fn show(self) -> String {
        match self {
            Ratio::Time(r) => format!("time {r:.2}x"),
            Ratio::Throughput(r) => format!("thrpt {r:.2}x"),
            Ratio::Count(r) if r < 0.1 => format!("{r:.3}x"),
            Ratio::Count(r) => format!("{r:.2}x"),
        }
    }
}

/// What a figure should reach: its ratio, or for `Exactly`, the measured number itself.
#[derive(Debug, Clone, Copy)]
enum Target {
    AtMost(f64),
    AtLeast(f64),
    Exactly(f64),
}

struct Row {
    figure: String,
    measured: String,
    baseline: String,
    ratio: Option<Ratio>,
    target: Option<Target>,
}

impl Row {
    fn plain(figure: String, measured: String) -> Self {
        Row {
            figure,
            measured,
            baseline: String::new(),
            ratio: None,
            target: None,
        }
    }

    /// The target as shown, and whether it is met.
    fn verdict(&self) -> (String, String) {
        let Some(target) = self.target else {
            return (String::new(), String::new());
        };
        let (shown, met) = match (target, self.ratio) {
            (Target::AtMost(t), Some(r)) => (format!("<= {t:.2}x"), r.value() <= t),
            (Target::AtLeast(t), Some(r)) => (format!(">= {t:.2}x"), r.value() >= t),
            (Target::Exactly(t), _) => {
                let measured = self.measured.parse::<f64>().unwrap_or(f64::NAN);
                (format!("= {t}"), (measured - t).abs() < 1e-9)
            }
            (_, None) => (String::new(), false),
        };
        (shown, if met { "yes" } else { "NO" }.to_owned())
    }
}

struct Section {
    title: String,
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Section {
    fn new(title: String) -> Self {
        Section {
            title,
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn row(&mut self, row: Row) {
        self.rows.push(row);
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }
}

#[derive(Default)]
struct Report {
    sections: Vec<Section>,
}

impl Report {
    fn print(&self) {
        const HEADER: [&str; 6] = ["figure", "measured", "baseline", "ratio", "target", "met"];
        let cells: Vec<Vec<[String; 6]>> = self
            .sections
            .iter()
            .map(|s| {
                s.rows
                    .iter()
                    .map(|r| {
                        let (target, met) = r.verdict();
                        [
                            r.figure.clone(),
                            r.measured.clone(),
                            r.baseline.clone(),
                            r.ratio.map(Ratio::show).unwrap_or_default(),
                            target,
                            met,
                        ]
                    })
                    .collect()
            })
            .collect();
        let mut widths = HEADER.map(|h| h.chars().count());
        for row in cells.iter().flatten() {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |row: &[String]| {
            let mut text = String::new();
            for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
            }
            println!("{}", text.trim_end());
        };
        println!();
        for (section, rows) in self.sections.iter().zip(&cells) {
            println!("{}", section.title);
            line(&HEADER.map(String::from));
            for row in rows {
                line(row);
            }
            for note in &section.notes {
                println!("  note: {note}");
            }
            println!();
        }
    }
}

fn time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn secs(ns: f64) -> String {
    format!("{:.1} s", ns / 1e9)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn mib_per_s(bytes: u64, ns: f64) -> f64 {
    mib(bytes) / (ns / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let row = |ratio, target| Row {
            figure: String::new(),
            measured: "1".into(),
            baseline: String::new(),
            ratio,
            target,
        };
        let met = |r: Row| r.verdict().1;
        assert_eq!(
            met(row(Some(Ratio::Time(0.4)), Some(Target::AtMost(0.5)))),
            "yes"
        );
        assert_eq!(
            met(row(Some(Ratio::Time(2.4)), Some(Target::AtMost(0.5)))),
            "NO"
        );
        assert_eq!(
            met(row(
                Some(Ratio::Throughput(0.9)),
                Some(Target::AtLeast(1.0))
            )),
            "NO"
        );
        assert_eq!(met(row(None, Some(Target::Exactly(1.0)))), "yes");
        assert_eq!(met(row(None, None)), "");
    }

    #[test]
    fn estimates_are_read_from_criterion_files() {
        let scratch =
            Scratch(std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id())));
        let new = scratch.0.join("saved/value/new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"saved","function_id":"value","value_str":null,
                "throughput":{"Bytes":597832},"full_id":"saved/value",
                "directory_name":"saved/value","title":"saved/value"}"#,
        )
        .unwrap();
        std::fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"point_estimate":2.0},"median":{"point_estimate":1698397.2}}"#,
        )
        .unwrap();
        let found = estimates(&scratch.0).unwrap();
        let m = found["saved/value"];
        assert_eq!(m.bytes, Some(597832));
        assert!((m.ns - 1698397.2).abs() < 1e-6);
    }
}
