//! The packaging of the published crates that `ci` checks: what an earlier run packaged is
//! forgotten before, and the sizes and the feature count of the new packages are checked
//! against crates.io's limits after.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The published runtime crate.
pub const RUNTIME: &str = "google-operations-runtime";
/// The published generated crate.
pub const GENERATED: &str = "google-operations";
/// The published wait program.
pub const WAIT: &str = "google-operations-wait";

/// crates.io's limits: the size of a `.crate` and the number of features of a package.
const CRATE_LIMIT: u64 = 10 * 1024 * 1024;
const FEATURE_LIMIT: usize = 300;

/// Prints the size of each packaged crate and the generated crate's feature count, and fails
/// past half of crates.io's size limit or past its feature limit.
pub fn report(root: &Path) -> Result<()> {
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
pub fn forget_earlier_packages(root: &Path) -> Result<()> {
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
