//! `cargo xtask regenerate` and `cargo xtask verify`: one function makes the generated crate
//! from the Discovery documents, then writes it or checks the checked-in files against it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use codegen::files::{self, Mode};

use crate::manifest;
use crate::util::folder;

/// The folders `regenerate` and `verify` work on.
#[derive(Args, Clone)]
pub struct Folders {
    /// Folder of Discovery documents (`*.json`).
    #[arg(long, value_name = "DIR")]
    pub discovery: Option<PathBuf>,
    /// Folder of the generated crate (its manifest and `src/`, every file of which the
    /// generator makes).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Generates the crate from the documents of `f`, then writes its files (`Mode::Write`:
/// `regenerate`) or checks that those on disk are exactly these (`Mode::Check`: `verify`,
/// which first checks the documents against their manifest).
pub fn run(f: &Folders, mode: Mode) -> Result<()> {
    let (discovery, discovery_shown) = folder(&f.discovery, "discovery");
    if mode == Mode::Check {
        manifest::check(&discovery)?;
    }
    let (out, out_shown) = folder(&f.out, "generated");
    let shown = format!("{}/", out_shown.trim_end_matches('/'));
    let generated = generate(&discovery, &discovery_shown)?;
    let report = files::sync(&out, &shown, &generated, mode, &fix_command(f));
    let count = generated.files.len();
    match mode {
        Mode::Write => {
            let report = report.with_context(|| format!("writing {shown}"))?;
            let changed = report.stale.len() + report.missing.len() + report.extra.len();
            println!(
                "{count} files generated in {shown}: {changed} changed ({} updated, {} added, {} removed)",
                report.stale.len(),
                report.missing.len(),
                report.extra.len()
            );
        }
        Mode::Check => {
            let report = report?;
            if !report.is_clean() {
                bail!("{report}");
            }
            println!("{count} generated files in {shown} are up to date");
        }
    }
    Ok(())
}

/// The generated crate of the documents in `discovery` (shown as `shown`); its warnings are
/// printed.
fn generate(discovery: &Path, shown: &str) -> Result<codegen::Generated> {
    let sources = codegen::load::read_dir(discovery, shown)?;
    if sources.is_empty() {
        bail!("{shown}: no Discovery documents (*.json) found");
    }
    let generated = codegen::generate(&sources, &codegen::emit::Options::default())
        .map_err(|e| anyhow::anyhow!("{e}\nnothing was written"))?;
    for w in &generated.warnings {
        eprintln!("warning: {w}");
    }
    Ok(generated)
}

/// The command that regenerates the files of `f`, as `verify`'s error tells it.
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
        if let Err(e) = run(&folders, Mode::Check) {
            panic!("{e:#}");
        }
    }

    /// Four documents kept for the tests, whatever `discovery/` holds.
    fn fixtures() -> PathBuf {
        crate::util::root().join("xtask/tests/fixtures/discovery")
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
        let err = run(&folders, Mode::Check).unwrap_err().to_string();
        assert!(err.contains("missing: "), "{err}");
        run(&folders, Mode::Write).unwrap();
        run(&folders, Mode::Check).unwrap();
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
        let err = run(&folders, Mode::Check).unwrap_err().to_string();
        assert!(
            err.contains("stale: ") && err.contains("src/apis/apigateway_v1.rs"),
            "{err}"
        );
        assert!(
            err.contains("To fix: run `cargo xtask regenerate --discovery "),
            "{err}"
        );
        run(&folders, Mode::Write).unwrap();
        run(&folders, Mode::Check).unwrap();
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
        let err = run(&folders, Mode::Write).unwrap_err().to_string();
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
