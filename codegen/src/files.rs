//! Writing the generated files, or checking them against the ones on disk.
//!
//! [`sync`] serves `regenerate`, `verify` and the staleness test alike, so they cannot
//! disagree about what is stale.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use similar::TextDiff;
use tempfile::NamedTempFile;

use crate::{Generated, OUTPUT_DIR};

/// The line after which the generator writes its part of a hand-written file.
pub const BEGIN: &str =
    "# @generated begin: `cargo xtask regenerate` writes the lines up to `@generated end`";

/// The line that ends the generator's part of a hand-written file.
pub const END: &str = "# @generated end";

/// Whether [`sync`] writes the files or only compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make the files on disk equal the generated ones.
    Write,
    /// Report how the files on disk differ, changing nothing.
    Check,
}

/// How the generated files and the files on disk differ (before writing, in [`Mode::Write`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Shown in messages before each relative path, e.g. `generated/`.
    pub display_root: String,
    /// Files whose contents differ, with a unified diff from disk to generated.
    pub stale: Vec<(String, String)>,
    /// Generated files that are not on disk.
    pub missing: Vec<String>,
    /// Files in the generator's folder that it does not make.
    pub extra: Vec<String>,
    /// The command that brings the files up to date.
    pub fix: String,
}

impl Report {
    /// True when disk and generator agree.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return write!(f, "the generated files are up to date");
        }
        let root = &self.display_root;
        for (path, diff) in &self.stale {
            writeln!(
                f,
                "stale: {root}{path} differs from what the generator makes:"
            )?;
            writeln!(f, "{diff}")?;
        }
        for path in &self.missing {
            writeln!(
                f,
                "missing: {root}{path} is made by the generator but is not on disk"
            )?;
        }
        for path in &self.extra {
            writeln!(
                f,
                "extra: {root}{path} is in the generator's folder but the generator does not make it"
            )?;
        }
        write!(f, "To fix: run `{}` and commit the result.", self.fix)
    }
}

/// Compares `generated` with the files under `crate_dir` and, in [`Mode::Write`], makes disk
/// match: every new file is written beside its target first and renamed into place only once
/// all are written, then extra files are removed.
pub fn sync(
    crate_dir: &Path,
    display_root: &str,
    generated: &Generated,
    mode: Mode,
    fix: &str,
) -> io::Result<Report> {
    let mut report = Report {
        display_root: display_root.to_owned(),
        fix: fix.to_owned(),
        ..Report::default()
    };
    let mut wanted = generated.files.clone();
    for (rel, part) in &generated.parts {
        let path = crate_dir.join(rel);
        let old = std::fs::read_to_string(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{display_root}{rel}: {e}")))?;
        let text = splice(&old, part).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{display_root}{rel}: no line `{BEGIN}` followed by a line `{END}`; \
                     the generator writes its part between these two lines"
                ),
            )
        })?;
        wanted.insert(rel.clone(), text);
    }
    for (rel, text) in &wanted {
        match std::fs::read_to_string(crate_dir.join(rel)) {
            Ok(old) if old == *text => {}
            Ok(old) => {
                let diff = TextDiff::from_lines(&old, text)
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("{display_root}{rel} (on disk)"),
                        &format!("{display_root}{rel} (generated)"),
                    )
                    .to_string();
                report.stale.push((rel.clone(), diff));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => report.missing.push(rel.clone()),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("{display_root}{rel}: {e}"),
                ));
            }
        }
    }
    let made: BTreeSet<&str> = generated.files.keys().map(String::as_str).collect();
    match std::fs::read_dir(crate_dir.join(OUTPUT_DIR)) {
        Ok(entries) => {
            for entry in entries {
                let rel = format!("{OUTPUT_DIR}/{}", entry?.file_name().to_string_lossy());
                if !made.contains(rel.as_str()) {
                    report.extra.push(rel);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    report.extra.sort();
    if mode == Mode::Write && !report.is_clean() {
        write(crate_dir, &wanted, &report)?;
    }
    Ok(report)
}

/// `text` with the lines between its [`BEGIN`] and [`END`] lines replaced by `part`; `None`
/// when it lacks them.
fn splice(text: &str, part: &str) -> Option<String> {
    let begin = text.find(&format!("{BEGIN}\n"))? + BEGIN.len() + 1;
    let end = begin + text[begin..].find(&format!("{END}\n"))?;
    let at_line_start = |i: usize| i == 0 || text.as_bytes()[i - 1] == b'\n';
    if !at_line_start(begin - BEGIN.len() - 1) || !at_line_start(end) {
        return None;
    }
    Some(format!("{}{part}{}", &text[..begin], &text[end..]))
}

fn write(crate_dir: &Path, wanted: &BTreeMap<String, String>, report: &Report) -> io::Result<()> {
    std::fs::create_dir_all(crate_dir.join(OUTPUT_DIR))?;
    let changed = report.stale.iter().map(|(p, _)| p).chain(&report.missing);
    // Dropped unpersisted (on an error), a temporary file removes itself.
    let mut staged: Vec<(NamedTempFile, PathBuf)> = Vec::new();
    for rel in changed {
        let target = crate_dir.join(rel);
        let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", target.display()));
        let mut temp = temp_file_beside(&target).map_err(named)?;
        temp.write_all(wanted[rel].as_bytes()).map_err(named)?;
        staged.push((temp, target));
    }
    for (temp, target) in staged {
        temp.persist(&target).map_err(|e| {
            io::Error::new(e.error.kind(), format!("{}: {}", target.display(), e.error))
        })?;
    }
    for rel in &report.extra {
        std::fs::remove_file(crate_dir.join(rel))?;
    }
    Ok(())
}

/// A temporary file in the folder of `target`, made as `std::fs::write` makes one (mode
/// 0o666 less the umask) rather than owner-only.
fn temp_file_beside(target: &Path) -> io::Result<NamedTempFile> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(files: &[(&str, &str)]) -> Generated {
        Generated {
            files: files
                .iter()
                .map(|(p, t)| (format!("{OUTPUT_DIR}/{p}"), (*t).to_owned()))
                .collect(),
            parts: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn check_finds_stale_missing_and_extra_then_write_fixes_all() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        std::fs::create_dir_all(dir.join(OUTPUT_DIR)).unwrap();
        std::fs::write(dir.join(OUTPUT_DIR).join("a.rs"), "old\n").unwrap();
        std::fs::write(dir.join(OUTPUT_DIR).join("z.rs"), "hand-made\n").unwrap();
        let want = generated(&[("a.rs", "new\n"), ("b.rs", "b\n")]);

        let report = sync(dir, "gen/", &want, Mode::Check, "make it").unwrap();
        assert_eq!(report.stale.len(), 1);
        assert!(
            report.stale[0].1.contains("-old\n+new"),
            "{}",
            report.stale[0].1
        );
        assert_eq!(report.missing, vec![format!("{OUTPUT_DIR}/b.rs")]);
        assert_eq!(report.extra, vec![format!("{OUTPUT_DIR}/z.rs")]);
        let text = report.to_string();
        assert!(text.contains("stale: gen/src/apis/a.rs"), "{text}");
        assert!(
            text.ends_with("To fix: run `make it` and commit the result."),
            "{text}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(OUTPUT_DIR).join("a.rs")).unwrap(),
            "old\n"
        );

        sync(dir, "gen/", &want, Mode::Write, "make it").unwrap();
        let after = sync(dir, "gen/", &want, Mode::Check, "make it").unwrap();
        assert!(after.is_clean(), "{after}");
        assert!(!dir.join(OUTPUT_DIR).join("z.rs").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
            std::fs::write(dir.join("plain"), "").unwrap();
            assert_eq!(
                mode(&dir.join(OUTPUT_DIR).join("b.rs")),
                mode(&dir.join("plain")),
                "written files get the mode std::fs::write gives"
            );
        }
    }
}

#[cfg(test)]
mod part_tests {
    use super::*;

    #[test]
    fn a_part_is_written_between_its_markers_and_nowhere_else() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let manifest = format!("[features]\nclient = []\n{BEGIN}\nold = []\n{END}\n# kept\n");
        std::fs::write(dir.join("Cargo.toml"), &manifest).unwrap();
        let want = Generated {
            parts: BTreeMap::from([("Cargo.toml".to_owned(), "a = []\nb = []\n".to_owned())]),
            ..Generated::default()
        };
        let report = sync(dir, "gen/", &want, Mode::Check, "fix").unwrap();
        assert_eq!(report.stale.len(), 1, "{report}");
        assert!(
            report.stale[0].1.contains("-old = []\n+a = []\n+b = []"),
            "{report}"
        );

        sync(dir, "gen/", &want, Mode::Write, "fix").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
            format!("[features]\nclient = []\n{BEGIN}\na = []\nb = []\n{END}\n# kept\n")
        );
        assert!(
            sync(dir, "gen/", &want, Mode::Check, "fix")
                .unwrap()
                .is_clean()
        );

        std::fs::write(dir.join("Cargo.toml"), "[features]\n").unwrap();
        let err = sync(dir, "gen/", &want, Mode::Write, "fix").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string()
                .starts_with("gen/Cargo.toml: no line `# @generated begin"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
            "[features]\n"
        );
    }
}
