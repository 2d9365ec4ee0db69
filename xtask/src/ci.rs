//! `cargo xtask ci`: every check CI runs, as a table of steps ([`STEPS`]) run in order by
//! [`run`], which announces each step, times it, and prints every step's time at the end. A
//! step of the kind [`Run::Alongside`] runs at the same time as the step after it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::package;
use crate::util;

/// A function of this crate that a step runs, given the workspace root.
type Hook = fn(&Path) -> Result<()>;

/// One step of `ci`.
#[derive(Clone, Copy)]
struct Step {
    /// What the step is called in its announcement and in the step times.
    name: &'static str,
    /// What it runs, timed.
    run: Run,
    /// Run before the step is announced, untimed.
    before: Option<Hook>,
    /// Run after the step's time is kept, untimed.
    after: Option<Hook>,
}

/// What a step runs.
#[derive(Clone, Copy)]
enum Run {
    /// `cargo ARGS` in the workspace root, with this environment besides
    /// `CARGO_INCREMENTAL=0`, which every cargo step has.
    Cargo {
        /// The arguments, separated by spaces (none holds one).
        args: &'static str,
        /// Environment variables and their values.
        env: &'static [(&'static str, Value)],
    },
    /// A process a function of this crate starts, which runs alongside the step after it and
    /// is waited for when that step ends: work that keeps to a target folder of its own, so
    /// that it takes the core the next step leaves idle.
    Alongside {
        /// What it does, as announced.
        what: &'static str,
        /// Starts it.
        start: fn(&Path) -> Result<Child>,
    },
}

/// The value of an environment variable of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// This text.
    Text(&'static str),
    /// The path of clippy's driver (see [`clippy_driver`]).
    ClippyDriver,
    /// The workspace's `target/package-verify`.
    VerifyTarget,
}

/// A `cargo ARGS` step, its arguments separated by spaces.
const fn cargo(name: &'static str, args: &'static str) -> Step {
    cargo_with(name, args, &[])
}

/// A `cargo ARGS` step with environment `env`.
const fn cargo_with(
    name: &'static str,
    args: &'static str,
    env: &'static [(&'static str, Value)],
) -> Step {
    Step {
        name,
        run: Run::Cargo { args, env },
        before: None,
        after: None,
    }
}

/// `-D warnings` as `cargo clippy` hands its arguments to clippy's driver (each followed by
/// this separator, in `CLIPPY_ARGS`).
const CLIPPY_DENY_WARNINGS: &str = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__";

/// Every step of `ci`, in order.
static STEPS: &[Step] = &[
    cargo("rustfmt check", "fmt --all --check"),
    // clippy's lints on the benches, which the tests below do not build (the two crates that
    // have benches; `--workspace --benches` would check every library, all services included).
    cargo(
        "clippy (benches)",
        "clippy -p codegen -p google-operations-runtime --benches --all-features -- -D warnings",
    ),
    // The generated crate as users build it: its defaults, the sans-io core alone, the catalog
    // alone, and single services: the four the crate started with, and Compute Engine.
    cargo(
        "clippy (default features)",
        "clippy -p google-operations --lib -- -D warnings",
    ),
    cargo(
        "clippy (sans-io core)",
        "clippy -p google-operations --lib --no-default-features -- -D warnings",
    ),
    cargo(
        "clippy (the catalog and adc alone, as the wait program builds it)",
        "clippy -p google-operations --lib --no-default-features --features adc,catalog -- -D warnings",
    ),
    cargo(
        "clippy (apigateway_v1 alone)",
        "clippy -p google-operations --lib --no-default-features --features apigateway_v1 -- -D warnings",
    ),
    cargo(
        "clippy (cloudaicompanion_v1 alone)",
        "clippy -p google-operations --lib --no-default-features --features cloudaicompanion_v1 -- -D warnings",
    ),
    cargo(
        "clippy (dataproc_v1 alone)",
        "clippy -p google-operations --lib --no-default-features --features dataproc_v1 -- -D warnings",
    ),
    cargo(
        "clippy (workspaceevents_v1 alone)",
        "clippy -p google-operations --lib --no-default-features --features workspaceevents_v1 -- -D warnings",
    ),
    cargo(
        "clippy (compute_v1 alone)",
        "clippy -p google-operations --lib --no-default-features --features compute_v1 -- -D warnings",
    ),
    // The runtime alone, as the sans-io core and with the client, so that code only one
    // configuration uses is caught in the other.
    cargo(
        "clippy (runtime, sans-io core)",
        "clippy -p google-operations-runtime --lib --no-default-features -- -D warnings",
    ),
    cargo(
        "clippy (runtime, adc)",
        "clippy -p google-operations-runtime --lib --features adc -- -D warnings",
    ),
    // Unit, integration and doc tests of every crate: `verify` (an xtask test); the runtime's
    // against a few generated modules; the generated crate's doc example of every builder of
    // every module; resolving every collection; the wait program.
    //
    // They are built by clippy's driver, with its lints as warnings denied, as `cargo clippy
    // --all-targets` would check them: every crate with every feature (the generated crate with
    // all its services, the runtime, the wait program, the tests), linted and built in one
    // pass instead of a check and then a build of each.
    cargo_with(
        "tests (built under clippy's lints)",
        "test --workspace --all-features",
        &[
            ("RUSTC_WORKSPACE_WRAPPER", Value::ClippyDriver),
            ("CLIPPY_ARGS", Value::Text(CLIPPY_DENY_WARNINGS)),
        ],
    ),
    // Alongside the docs, whose rustdoc of the generated crate keeps one core busy and leaves
    // the other idle.
    Step {
        name: "add a service",
        run: Run::Alongside {
            what: "the add_service test, alongside the docs, in target/add-a-service",
            start: start_add_a_service,
        },
        before: None,
        after: None,
    },
    // The fixtures are modules of the generated crate, documented there.
    cargo_with(
        "docs",
        "doc --workspace --exclude google-operations-fixtures --no-deps --all-features",
        &[("RUSTDOCFLAGS", Value::Text("-D warnings"))],
    ),
    // What crates.io would take: each published crate packaged (manifest fields, files, the
    // lockfile with its siblings as if published), and the runtime and the generated crate
    // built from their packages as the sans-io core. The program's package is not built
    // again: it is every service, which the tests above built. The packages of an earlier run
    // are forgotten first.
    Step {
        before: Some(package::forget_earlier_packages),
        ..cargo(
            "package (dry run)",
            "package --allow-dirty --no-verify -p google-operations-runtime -p google-operations -p google-operations-wait",
        )
    },
    // Built from the packages in a folder of their own, made anew: cargo takes a crate from a
    // registry, as these are, for immutable, and would reuse what an earlier run built. Then
    // the sizes of the packages and the generated crate's feature count are checked.
    Step {
        after: Some(package::report),
        ..cargo_with(
            "package (verified build)",
            "package --allow-dirty --no-default-features -p google-operations-runtime -p google-operations",
            &[("CARGO_TARGET_DIR", Value::VerifyTarget)],
        )
    },
];

/// Says that step `name`, begun at `begun`, has ended (the run having begun at `start`): its
/// name and seconds.
fn ended(name: &'static str, begun: Instant, start: Instant) -> (&'static str, u64) {
    let seconds = begun.elapsed().as_secs();
    eprintln!(
        "<== {name}: {seconds}s (all steps so far: {}s)",
        start.elapsed().as_secs()
    );
    (name, seconds)
}

/// Runs every step of [`STEPS`] in order, stopping at the first that fails; then prints the
/// time of each and the total.
pub fn run() -> Result<()> {
    let start = Instant::now();
    let root = util::root();
    let mut times = Vec::new();
    // A step running alongside the current one: its name, process and start.
    let mut alongside: Option<(&str, Child, Instant)> = None;
    for step in STEPS {
        if let Some(before) = step.before {
            before(&root)?;
        }
        let env = step.env(&root)?;
        eprintln!("==> {}: {}", step.name, step.what());
        let begun = Instant::now();
        if let Run::Alongside { start, .. } = step.run {
            alongside = Some((step.name, start(&root)?, begun));
            continue;
        }
        let result = step.execute(&root, &env);
        times.push(ended(step.name, begun, start));
        if let Err(e) = result {
            if let Some((_, mut child, _)) = alongside.take() {
                // Its outcome no longer matters; it is not left running.
                child.kill().ok();
            }
            return Err(e);
        }
        if let Some((name, mut child, begun)) = alongside.take() {
            let status = child
                .wait()
                .with_context(|| format!("waiting for {name}"))?;
            times.push(ended(name, begun, start));
            if !status.success() {
                bail!("{name} failed ({status})");
            }
        }
        if let Some(after) = step.after {
            after(&root)?;
        }
    }
    let elapsed = start.elapsed().as_secs();
    eprintln!("==> step times");
    for (name, seconds) in times {
        eprintln!("{seconds:>5}s  {name}");
    }
    eprintln!("all checks passed in {}m{:02}s", elapsed / 60, elapsed % 60);
    Ok(())
}

impl Step {
    /// What the step does, as announced: the command line of a cargo step.
    fn what(&self) -> String {
        match self.run {
            Run::Cargo { args, .. } => format!("cargo {args}"),
            Run::Alongside { what, .. } => what.to_owned(),
        }
    }

    /// The environment of a cargo step, its values found (none for other steps).
    fn env(&self, root: &Path) -> Result<Vec<(&'static str, String)>> {
        let Run::Cargo { env, .. } = self.run else {
            return Ok(Vec::new());
        };
        env.iter()
            .map(|&(key, value)| {
                let value = match value {
                    Value::Text(text) => text.to_owned(),
                    Value::ClippyDriver => clippy_driver()?,
                    Value::VerifyTarget => root
                        .join("target/package-verify")
                        .to_str()
                        .unwrap_or("target/package-verify")
                        .to_owned(),
                };
                Ok((key, value))
            })
            .collect()
    }

    /// Runs the step, with environment `env` for a cargo step.
    fn execute(&self, root: &Path, env: &[(&str, String)]) -> Result<()> {
        let args = match self.run {
            Run::Alongside { start, .. } => {
                let status = start(root)?.wait()?;
                if !status.success() {
                    bail!("{} failed ({status})", self.name);
                }
                return Ok(());
            }
            Run::Cargo { args, .. } => args,
        };
        let name = self.name;
        let status = Command::new(util::cargo())
            .args(args.split(' '))
            // CI builds each target once from a clean checkout: the incremental cache of the
            // all-services crate only costs disk (tens of GB, which filled CI's).
            .env("CARGO_INCREMENTAL", "0")
            .envs(env.iter().map(|(key, value)| (*key, value)))
            .current_dir(root)
            .status()
            .with_context(|| format!("starting {name}"))?;
        if !status.success() {
            bail!("{name} failed ({status})");
        }
        Ok(())
    }
}

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

/// Starts the add-a-service test (`xtask/tests/add_service.rs`) outside `cargo test`: its test
/// binary, found in the tests step's build, run with `--ignored`, its copy of the repository
/// building in `target/add-a-service`, so that it does not wait for the docs' `target/`.
fn start_add_a_service(root: &Path) -> Result<Child> {
    // The tests step's build, asked again as it was made (same packages, features and clippy
    // driver), so that its add_service executable is found fresh rather than built anew.
    let built = Command::new(util::cargo())
        .args([
            "test",
            "--workspace",
            "--all-features",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTC_WORKSPACE_WRAPPER", clippy_driver()?)
        .env("CLIPPY_ARGS", CLIPPY_DENY_WARNINGS)
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
    Command::new(&executable)
        .args(["--ignored", "--nocapture"])
        .env("ADD_SERVICE_TARGET_DIR", root.join("target/add-a-service"))
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(root.join("xtask"))
        .spawn()
        .with_context(|| format!("starting {}", executable.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{GENERATED, RUNTIME, WAIT};

    /// The steps as announced, in order: the table makes the same commands as the code it
    /// replaced, whose lines these are.
    #[test]
    fn steps_are_announced_in_order_with_their_commands() {
        let lib =
            |features: &str| format!("cargo clippy -p {GENERATED} --lib {features}-- -D warnings");
        let mut want = vec![
            (
                "rustfmt check".to_owned(),
                "cargo fmt --all --check".to_owned(),
            ),
            (
                "clippy (benches)".to_owned(),
                format!(
                    "cargo clippy -p codegen -p {RUNTIME} --benches --all-features -- -D warnings"
                ),
            ),
            ("clippy (default features)".to_owned(), lib("")),
            (
                "clippy (sans-io core)".to_owned(),
                lib("--no-default-features "),
            ),
            (
                "clippy (the catalog and adc alone, as the wait program builds it)".to_owned(),
                lib("--no-default-features --features adc,catalog "),
            ),
        ];
        for service in [
            "apigateway_v1",
            "cloudaicompanion_v1",
            "dataproc_v1",
            "workspaceevents_v1",
            "compute_v1",
        ] {
            want.push((
                format!("clippy ({service} alone)"),
                lib(&format!("--no-default-features --features {service} ")),
            ));
        }
        for (what, features) in [
            ("sans-io core", "--no-default-features"),
            ("adc", "--features adc"),
        ] {
            want.push((
                format!("clippy (runtime, {what})"),
                format!("cargo clippy -p {RUNTIME} --lib {features} -- -D warnings"),
            ));
        }
        for (name, what) in [
            ("tests (built under clippy's lints)", "cargo test --workspace --all-features".to_owned()),
            (
                "add a service",
                "the add_service test, alongside the docs, in target/add-a-service".to_owned(),
            ),
            (
                "docs",
                "cargo doc --workspace --exclude google-operations-fixtures --no-deps --all-features"
                    .to_owned(),
            ),
            (
                "package (dry run)",
                format!(
                    "cargo package --allow-dirty --no-verify -p {RUNTIME} -p {GENERATED} -p {WAIT}"
                ),
            ),
            (
                "package (verified build)",
                format!("cargo package --allow-dirty --no-default-features -p {RUNTIME} -p {GENERATED}"),
            ),
        ] {
            want.push((name.to_owned(), what));
        }
        let got: Vec<(String, String)> = STEPS
            .iter()
            .map(|s| (s.name.to_owned(), s.what()))
            .collect();
        assert_eq!(got, want);
    }

    /// Every cargo argument is one word, so that splitting at spaces gives them back.
    #[test]
    fn arguments_are_single_words() {
        for step in STEPS {
            if let Run::Cargo { args, .. } = step.run {
                assert!(
                    args.split(' ')
                        .all(|a| !a.is_empty() && !a.contains(char::is_whitespace)),
                    "{}: {args:?}",
                    step.name
                );
            }
        }
    }

    /// The steps with an environment of their own, and those with work before or after.
    #[test]
    fn environments_and_hooks() {
        for step in STEPS {
            let env = match step.run {
                Run::Cargo { env, .. } => env,
                Run::Alongside { .. } => &[],
            };
            let want: &[(&str, Value)] = match step.name {
                "tests (built under clippy's lints)" => &[
                    ("RUSTC_WORKSPACE_WRAPPER", Value::ClippyDriver),
                    (
                        "CLIPPY_ARGS",
                        Value::Text("-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"),
                    ),
                ],
                "docs" => &[("RUSTDOCFLAGS", Value::Text("-D warnings"))],
                "package (verified build)" => &[("CARGO_TARGET_DIR", Value::VerifyTarget)],
                _ => &[],
            };
            assert_eq!(env, want, "{}", step.name);
            assert_eq!(
                step.before.is_some(),
                step.name == "package (dry run)",
                "{}",
                step.name
            );
            assert_eq!(
                step.after.is_some(),
                step.name == "package (verified build)",
                "{}",
                step.name
            );
        }
        let root = Path::new("/w");
        let verified = STEPS.iter().find(|s| s.name == "package (verified build)");
        assert_eq!(
            verified.unwrap().env(root).unwrap(),
            [("CARGO_TARGET_DIR", "/w/target/package-verify".to_owned())]
        );
    }
}
