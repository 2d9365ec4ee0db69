//! `cargo xtask bench`: the workspace's criterion benches, printed by criterion itself:
//!
//! - `cargo bench -p codegen --bench regen` (the saved documents, and a larger folder named by
//!   `BENCH_DISCOVERY_DIR`);
//! - `cargo bench -p google-operations-runtime --bench decode --bench requests`.
//!
//! With `--weight`, also the clean debug build time of google-operations with and without its
//! default features, and how many crates each pulls in.
//!
//! With `--fleet`, instead of the criterion benches, the wait program's fleet bench
//! (`cargo bench -p google-operations-wait --bench fleet`): a thousand operations finishing
//! over five minutes on 127.0.0.1, measured from the server's side. Its settings come from
//! the environment (`FLEET_OPERATIONS`, `FLEET_SPAN_SECS`, `FLEET_CASES`, `FLEET_PROGRAM`; see
//! `wait/benches/fleet.rs`). It warns when the open-files limit is too low for its
//! connections (`ulimit -n`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

/// The generated crate, whose weight `--weight` measures.
const PACKAGE: &str = "google-operations";

#[derive(Args, Clone, Debug)]
pub struct BenchArgs {
    /// Also time a clean debug build (`-j 2`, fresh target folder) of google-operations, with
    /// and without its default features, and count its crates. Takes minutes.
    #[arg(long)]
    weight: bool,

    /// Run the wait program's fleet bench instead of the criterion benches: operations
    /// finishing over five minutes in real time (settings from `FLEET_*` variables). Builds
    /// the program, with every service, in release.
    #[arg(long)]
    fleet: bool,
}

/// Runs the criterion benches (or the fleet bench), then the weight if asked.
pub fn run(root: &Path, args: &BenchArgs) -> Result<()> {
    if args.fleet {
        cargo(
            root,
            &["bench", "-p", "google-operations-wait", "--bench", "fleet"],
            None,
            false,
        )?;
    } else {
        criterion(root)?;
    }
    if args.weight {
        weight(root)?;
    }
    Ok(())
}

/// The criterion benches of codegen and the runtime.
fn criterion(root: &Path) -> Result<()> {
    cargo(
        root,
        &["bench", "-p", "codegen", "--bench", "regen"],
        None,
        false,
    )?;
    cargo(
        root,
        &[
            "bench",
            "-p",
            "google-operations-runtime",
            "--bench",
            "decode",
            "--bench",
            "requests",
        ],
        None,
        false,
    )?;
    Ok(())
}

fn weight(root: &Path) -> Result<()> {
    cargo(root, &["fetch"], None, false)?;
    let mut lines = Vec::new();
    for features in [&[][..], &["--no-default-features"][..]] {
        let tree = [
            &["tree", "-p", PACKAGE, "-e", "normal", "--prefix", "none"],
            features,
        ];
        let crates = crates_in(&cargo(root, &tree.concat(), None, true)?);
        let target = tempfile::tempdir().context("making a target folder")?;
        let build = [&["build", "-p", PACKAGE, "-j", "2"], features];
        let start = Instant::now();
        cargo(root, &build.concat(), Some(target.path()), false)?;
        let secs = start.elapsed().as_secs_f64();
        let shown = features.first().unwrap_or(&"default features");
        lines.push(format!(
            "{PACKAGE}, {shown}: clean debug build {secs:.1} s, {crates} crates"
        ));
    }
    println!(
        "\nWeight (`cargo build -j 2`, fresh CARGO_TARGET_DIR; crates of `cargo tree -e normal`, {PACKAGE} left out):"
    );
    for line in lines {
        println!("  {line}");
    }
    Ok(())
}

/// The distinct crates of `cargo tree --prefix none` output, the root (first line) left out.
fn crates_in(tree: &str) -> usize {
    let crates: BTreeSet<&str> = tree
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_end_matches(" (*)"))
        .filter(|l| !l.is_empty())
        .collect();
    crates.len()
}

/// Runs `cargo ARGS` in `root`, with `target` as its CARGO_TARGET_DIR if given; returns its
/// standard output when `capture`, else lets it through.
fn cargo(root: &Path, args: &[&str], target: Option<&Path>, capture: bool) -> Result<String> {
    eprintln!("==> cargo {}", args.join(" "));
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(args)
        .current_dir(root)
        .stderr(Stdio::inherit());
    if !capture {
        command.stdout(Stdio::inherit());
    }
    if let Some(dir) = target {
        command.env("CARGO_TARGET_DIR", dir);
    }
    let output = command.output().context("starting cargo")?;
    if !output.status.success() {
        bail!("cargo {} failed ({})", args.join(" "), output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_of_a_tree_are_counted_once_without_the_root() {
        let tree = "google-operations v0.1.0 (/w/generated)\nhttp v1.3.1\nbytes v1.10.1\n\
                    itoa v1.0.15\nserde v1.0.228\nserde_json v1.0.140\nitoa v1.0.15 (*)\n";
        assert_eq!(crates_in(tree), 5);
    }
}
