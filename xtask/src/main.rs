//! The developer command line: `cargo xtask regenerate | verify | ci | fetch | changes`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use codegen::files::{self, Mode};

mod bench;
mod changes;
mod fetch;
mod manifest;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Developer tasks of the google-operations workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the crate's service modules from the Discovery documents and write them.
    Regenerate(Folders),
    /// Check that the checked-in service modules are exactly what the generator makes now.
    Verify(Folders),
    /// Run every check CI runs: fmt, clippy, verify, tests, docs.
    Ci,
    /// Download the saved Discovery documents again and save those that are newer.
    Fetch(fetch::FetchArgs),
    /// Tell what new documents would change for the generated crate; nothing is written.
    Changes(fetch::ChangesArgs),
    /// Run the criterion benches of regeneration, decoding and requests (not part of `ci`;
    /// `--weight` adds clean builds, minutes; `--fleet` runs the wait program's fleet bench
    /// instead, minutes).
    Bench(bench::BenchArgs),
}

#[derive(Args, Clone)]
struct Folders {
    /// Folder of Discovery documents (`*.json`).
    #[arg(long, value_name = "DIR")]
    discovery: Option<PathBuf>,
    /// Folder of the generated crate (its manifest and `src/`, every file of which the
    /// generator makes).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Regenerate(f) => regenerate(&f),
        Task::Verify(f) => verify(&f),
        Task::Ci => ci(),
        Task::Fetch(a) => fetch::fetch(&a),
        Task::Changes(a) => fetch::changes(&a),
        Task::Bench(a) => bench::run(&root(), &a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the parent of this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// A folder as given, or the workspace default; with how messages should show it.
fn folder(given: &Option<PathBuf>, default: &str) -> (PathBuf, String) {
    match given {
        Some(p) => (p.clone(), p.display().to_string()),
        None => (root().join(default), default.to_owned()),
    }
}

fn generate(f: &Folders) -> Result<(codegen::Generated, PathBuf, String)> {
    let (discovery, discovery_shown) = folder(&f.discovery, "discovery");
    let (out, out_shown) = folder(&f.out, "generated");
    let sources = codegen::load::read_dir(&discovery, &discovery_shown)?;
    if sources.is_empty() {
        bail!("{discovery_shown}: no Discovery documents (*.json) found");
    }
    let generated = codegen::generate(&sources, &codegen::emit::Options::default())
        .map_err(|e| anyhow::anyhow!("{e}\nnothing was written"))?;
    for w in &generated.warnings {
        eprintln!("warning: {w}");
    }
    Ok((
        generated,
        out,
        format!("{}/", out_shown.trim_end_matches('/')),
    ))
}

fn fix_command(f: &Folders) -> String {
    let mut cmd = "cargo xtask regenerate".to_owned();
    if let Some(d) = &f.discovery {
        cmd.push_str(&format!(" --discovery {}", d.display()));
    }
    if let Some(o) = &f.out {
        cmd.push_str(&format!(" --out {}", o.display()));
    }
    cmd
}

fn regenerate(f: &Folders) -> Result<()> {
    let (generated, out, shown) = generate(f)?;
    let report = files::sync(&out, &shown, &generated, Mode::Write, &fix_command(f))
        .with_context(|| format!("writing {shown}"))?;
    let changed = report.stale.len() + report.missing.len() + report.extra.len();
    println!(
        "{} files generated in {shown}: {changed} changed ({} updated, {} added, {} removed)",
        generated.files.len(),
        report.stale.len(),
        report.missing.len(),
        report.extra.len()
    );
    Ok(())
}

fn verify(f: &Folders) -> Result<()> {
    manifest::check(&folder(&f.discovery, "discovery").0)?;
    let (generated, out, shown) = generate(f)?;
    let report = files::sync(&out, &shown, &generated, Mode::Check, &fix_command(f))?;
    if !report.is_clean() {
        bail!("{report}");
    }
    println!(
        "{} generated files in {shown} are up to date",
        generated.files.len()
    );
    Ok(())
}

/// The services `ci` also checks one by one, each alone: the four the crate started with, and
/// Compute Engine.
const ALONE: &[&str] = &[
    "apigateway_v1",
    "cloudaicompanion_v1",
    "dataproc_v1",
    "workspaceevents_v1",
    "compute_v1",
];

/// The published crates: the runtime, the generated crate, the wait program.
const RUNTIME: &str = "google-operations-runtime";
const GENERATED: &str = "google-operations";
const WAIT: &str = "google-operations-wait";

/// crates.io's limits: the size of a `.crate` and the number of features of a package.
const CRATE_LIMIT: u64 = 10 * 1024 * 1024;
const FEATURE_LIMIT: usize = 300;

/// Prints the size of each packaged crate and the generated crate's feature count, and fails
/// past half of crates.io's size limit or past its feature limit.
fn report_packages(root: &Path) -> Result<()> {
    for (name, folder) in [
        (RUNTIME, "runtime"),
        (GENERATED, "generated"),
        (WAIT, "wait"),
    ] {
        let manifest: toml::Table = std::fs::read_to_string(root.join(folder).join("Cargo.toml"))?
            .parse()
            .with_context(|| format!("{folder}/Cargo.toml"))?;
        let version = manifest["package"]["version"]
            .as_str()
            .with_context(|| format!("{folder}/Cargo.toml: no package.version"))?;
        let path = root.join(format!("target/package/{name}-{version}.crate"));
        let size = std::fs::metadata(&path)
            .with_context(|| format!("{}: the package was not made", path.display()))?
            .len();
        eprintln!("{name}-{version}.crate: {} KiB", size / 1024);
        if size > CRATE_LIMIT / 2 {
            bail!(
                "{}: {size} bytes, past half of crates.io's {CRATE_LIMIT}",
                path.display()
            );
        }
    }
    let manifest: toml::Table = std::fs::read_to_string(root.join("generated/Cargo.toml"))?
        .parse()
        .context("generated/Cargo.toml")?;
    let features = manifest
        .get("features")
        .and_then(|f| f.as_table())
        .map_or(0, |f| f.len());
    eprintln!(
        "{GENERATED}: {features} features of crates.io's {FEATURE_LIMIT} ({} left)",
        FEATURE_LIMIT.saturating_sub(features)
    );
    if features > FEATURE_LIMIT {
        bail!("{GENERATED} has {features} features, more than crates.io's {FEATURE_LIMIT}");
    }
    Ok(())
}

/// Removes the packages of the published crates that an earlier `ci` made: packaging
/// verifies each crate against its siblings through a local registry in `target/package`,
/// which cargo unpacks into `$CARGO_HOME/registry/src/-HASH/` (no registry name) and does not
/// unpack again for the same version, so a changed sibling would be verified as it was.
fn forget_earlier_packages(root: &Path) -> Result<()> {
    let remove = |dir: &Path| -> Result<()> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        Ok(())
    };
    remove(&root.join("target/package"))?;
    remove(&root.join("target/package-verify"))?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(sources) = home.map(|h| h.join("registry/src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for entry in std::fs::read_dir(registry.path())?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let ours = [RUNTIME, GENERATED, WAIT].iter().any(|name| {
                file.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
            });
            if ours {
                remove(&entry.path())?;
            }
        }
    }
    Ok(())
}

/// Runs the add-a-service test (`xtask/tests/add_service.rs`) outside `cargo test`, so that
/// its copy of the repository builds in this workspace's `target/` and reuses what the checks
/// before it built: its test binary is built, then run with `--ignored`.
fn add_a_service(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .args([
            "test",
            "-p",
            "xtask",
            "--test",
            "add_service",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("building the add_service test")?;
    if !built.status.success() {
        bail!("building the add_service test failed ({})", built.status);
    }
    let executable = String::from_utf8_lossy(&built.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "add_service")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo did not name the add_service test's executable")?;
    let status = Command::new(&executable)
        .args(["--ignored", "--nocapture"])
        .env("ADD_SERVICE_TARGET_DIR", root.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(root.join("xtask"))
        .status()
        .with_context(|| format!("starting {}", executable.display()))?;
    if !status.success() {
        bail!("the add_service test failed ({status})");
    }
    Ok(())
}

/// One timed step of `ci`.
/// `-D warnings` as `cargo clippy` hands its arguments to clippy's driver (each followed by
/// this separator, in `CLIPPY_ARGS`).
const CLIPPY_DENY_WARNINGS: &str = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__";

/// The path of clippy's driver, in the toolchain's `bin` folder beside `rustc`.
fn clippy_driver() -> Result<String> {
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .context("asking rustc for its sysroot")?;
    let sysroot = String::from_utf8(output.stdout).context("rustc's sysroot")?;
    let driver = Path::new(sysroot.trim())
        .join("bin")
        .join(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
    if !driver.is_file() {
        bail!(
            "{} not found: the toolchain has no clippy (`rustup component add clippy`)",
            driver.display()
        );
    }
    Ok(driver.display().to_string())
}

struct Step {
    name: String,
    seconds: u64,
}

fn ci() -> Result<()> {
    let start = std::time::Instant::now();
    let root = root();
    let steps: std::cell::RefCell<Vec<Step>> = std::cell::RefCell::default();
    // Runs one step, says what it is, and keeps its time.
    let timed = |name: &str, what: &str, step: &dyn Fn() -> Result<()>| -> Result<()> {
        eprintln!("==> {name}: {what}");
        let begun = std::time::Instant::now();
        step()?;
        steps.borrow_mut().push(Step {
            name: name.to_owned(),
            seconds: begun.elapsed().as_secs(),
        });
        Ok(())
    };
    let run = |name: &str, args: &[&str], env: &[(&str, &str)]| -> Result<()> {
        timed(name, &format!("cargo {}", args.join(" ")), &|| {
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(args)
                // CI builds each target once from a clean checkout: the incremental cache of
                // the all-services crate only costs disk (tens of GB, which filled CI's).
                .env("CARGO_INCREMENTAL", "0")
                .envs(env.iter().copied())
                .current_dir(&root)
                .status()
                .with_context(|| format!("starting {name}"))?;
            if !status.success() {
                bail!("{name} failed ({status})");
            }
            Ok(())
        })
    };
    run("rustfmt check", &["fmt", "--all", "--check"], &[])?;
    // clippy's lints on the benches, which the tests below do not build (the two crates that
    // have benches; `--workspace --benches` would check every library, all services included).
    run(
        "clippy (benches)",
        &[
            "clippy",
            "-p",
            "codegen",
            "-p",
            RUNTIME,
            "--benches",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // The generated crate as users build it: its defaults, the sans-io core alone, the catalog
    // alone, and single services.
    let mut configurations: Vec<(String, Vec<&str>)> = vec![
        ("default features".to_owned(), vec![]),
        ("sans-io core".to_owned(), vec!["--no-default-features"]),
        (
            "the catalog and adc alone, as the wait program builds it".to_owned(),
            vec!["--no-default-features", "--features", "adc,catalog"],
        ),
    ];
    for service in ALONE {
        configurations.push((
            format!("{service} alone"),
            vec!["--no-default-features", "--features", service],
        ));
    }
    for (what, features) in configurations {
        let mut args = vec!["clippy", "-p", "google-operations", "--lib"];
        args.extend_from_slice(&features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        run(&format!("clippy ({what})"), &args, &[])?;
    }
    // The runtime alone, as the sans-io core and with the client, so that code only one
    // configuration uses is caught in the other.
    for (what, features) in [
        ("sans-io core", &["--no-default-features"][..]),
        ("adc", &["--features", "adc"][..]),
    ] {
        let mut args = vec!["clippy", "-p", RUNTIME, "--lib"];
        args.extend_from_slice(features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        run(&format!("clippy (runtime, {what})"), &args, &[])?;
    }
    // Unit, integration and doc tests of every crate: `verify` (an xtask test); the runtime's
    // against a few generated modules; the generated crate's doc example of every builder of
    // every module; resolving every collection; the wait program.
    //
    // They are built by clippy's driver, with its lints as warnings denied, as `cargo clippy
    // --all-targets` would check them: every crate with every feature (the generated crate with
    // all its services, the runtime, the wait program, the tests), linted and built in one
    // pass instead of a check and then a build of each.
    let clippy_driver = clippy_driver()?;
    run(
        "tests (built under clippy's lints)",
        &["test", "--workspace", "--all-features"],
        &[
            ("RUSTC_WORKSPACE_WRAPPER", &clippy_driver),
            ("CLIPPY_ARGS", CLIPPY_DENY_WARNINGS),
        ],
    )?;
    timed(
        "add a service",
        "the add_service test, sharing target/",
        &|| add_a_service(&root),
    )?;
    run(
        "docs",
        // The fixtures are modules of the generated crate, documented there.
        &[
            "doc",
            "--workspace",
            "--exclude",
            "google-operations-fixtures",
            "--no-deps",
            "--all-features",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // What crates.io would take: each published crate packaged (manifest fields, files, the
    // lockfile with its siblings as if published), and the runtime and the generated crate
    // built from their packages as the sans-io core. The program's package is not built
    // again: it is every service, which the tests above built.
    forget_earlier_packages(&root)?;
    run(
        "package (dry run)",
        &[
            "package",
            "--allow-dirty",
            "--no-verify",
            "-p",
            RUNTIME,
            "-p",
            GENERATED,
            "-p",
            WAIT,
        ],
        &[],
    )?;
    // Built from the packages in a folder of their own, made anew: cargo takes a crate from a
    // registry, as these are, for immutable, and would reuse what an earlier run built.
    let verify_target = root.join("target/package-verify");
    run(
        "package (verified build)",
        &[
            "package",
            "--allow-dirty",
            "--no-default-features",
            "-p",
            RUNTIME,
            "-p",
            GENERATED,
        ],
        &[(
            "CARGO_TARGET_DIR",
            verify_target.to_str().unwrap_or("target/package-verify"),
        )],
    )?;
    report_packages(&root)?;
    let elapsed = start.elapsed().as_secs();
    eprintln!("==> step times");
    for step in steps.borrow().iter() {
        eprintln!("{:>5}s  {}", step.seconds, step.name);
    }
    eprintln!("all checks passed in {}m{:02}s", elapsed / 60, elapsed % 60);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }

    fn snapshot(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// The check `cargo test` runs, and `ci` through it: `verify`, whose error says what is
    /// stale and the command that fixes it.
    #[test]
    fn checked_in_generated_crate_is_up_to_date() {
        let folders = Folders {
            discovery: None,
            out: None,
        };
        if let Err(e) = verify(&folders) {
            panic!("{e:#}");
        }
    }

    /// Four documents kept for the tests, whatever `discovery/` holds.
    fn fixtures() -> PathBuf {
        root().join("xtask/tests/fixtures/discovery")
    }

    #[test]
    fn a_hand_edit_is_caught_and_named() {
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("crate");
        std::fs::create_dir_all(&out).unwrap();
        let folders = Folders {
            discovery: Some(fixtures()),
            out: Some(out.clone()),
        };
        let err = verify(&folders).unwrap_err().to_string();
        assert!(err.contains("missing: "), "{err}");
        regenerate(&folders).unwrap();
        verify(&folders).unwrap();
        // The features are the fixtures' now.
        let manifest = std::fs::read_to_string(out.join(codegen::MANIFEST)).unwrap();
        assert!(manifest.contains("\ndataproc_v1 = []\n"), "{manifest}");
        assert!(!manifest.contains("\ncompute_v1 = []\n"), "{manifest}");
        let target = out.join(codegen::OUTPUT_DIR).join("apigateway_v1.rs");
        let text =
            std::fs::read_to_string(&target)
                .unwrap()
                .replacen("pub struct", "pub  struct", 1);
        std::fs::write(&target, text).unwrap();
        let err = verify(&folders).unwrap_err().to_string();
        assert!(
            err.contains("stale: ") && err.contains("src/apis/apigateway_v1.rs"),
            "{err}"
        );
        assert!(
            err.contains("To fix: run `cargo xtask regenerate --discovery "),
            "{err}"
        );
        regenerate(&folders).unwrap();
        verify(&folders).unwrap();
    }

    #[test]
    fn a_malformed_document_names_file_and_path_and_writes_nothing() {
        let scratch = tempfile::tempdir().unwrap();
        let discovery = scratch.path().join("discovery");
        copy_dir(&fixtures(), &discovery);
        let doc = discovery.join("apigateway.v1.json");
        let mut text = std::fs::read_to_string(&doc).unwrap();
        // Drop `location` from the operations.get parameter (other methods are never read).
        let at = text
            .find("\"The name of the operation resource.\"")
            .unwrap();
        let loc = at + text[at..].find("\"location\": \"path\",").unwrap();
        text.replace_range(loc..loc + "\"location\": \"path\",".len(), "");
        std::fs::write(&doc, text).unwrap();
        let out = scratch.path().join("crate");
        let apis = out.join(codegen::OUTPUT_DIR);
        std::fs::create_dir_all(&apis).unwrap();
        std::fs::write(apis.join("mod.rs"), "// before\n").unwrap();
        let before = snapshot(&apis);

        let folders = Folders {
            discovery: Some(discovery.clone()),
            out: Some(out.clone()),
        };
        let err = regenerate(&folders).unwrap_err().to_string();
        let want = format!(
            "{}/apigateway.v1.json: resources.projects.resources.locations.resources.operations.methods.get.parameters.name: missing field `location`",
            discovery.display()
        );
        assert!(err.starts_with(&want), "{err}");
        assert!(err.ends_with("nothing was written"), "{err}");
        assert_eq!(snapshot(&apis), before);
        assert!(!out.join(codegen::emit::catalog::DIR).exists());
    }
}
