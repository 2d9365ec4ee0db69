//! `discovery/SOURCES.toml`: where each saved document came from, its revision and checksum.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The manifest's file name inside the discovery folder.
pub const FILE: &str = "SOURCES.toml";

/// The whole manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// One entry per saved document.
    pub document: Vec<Entry>,
}

/// Where one document came from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// File name inside the discovery folder.
    pub file: String,
    /// The document's `revision`.
    pub revision: String,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
    /// `published` (downloaded as Google publishes it) or `hand-written`.
    pub origin: String,
    /// Where Google publishes it, for published documents.
    #[serde(default)]
    pub discovery_url: Option<String>,
    /// Where this copy was taken from.
    pub source: String,
    /// When it was taken.
    pub retrieved: String,
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Reads the manifest of `dir`.
pub fn read(dir: &Path) -> Result<Manifest> {
    let path = dir.join(FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Checks that every `*.json` in `dir` has an entry whose sha256 and revision match, and that
/// every entry names a file that exists.
pub fn check(dir: &Path) -> Result<()> {
    let manifest = read(dir)?;
    let mut problems = Vec::new();
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    for name in &on_disk {
        if !manifest.document.iter().any(|e| e.file == *name) {
            problems.push(format!(
                "discovery/{name}: no entry in {FILE} (add where it came from)"
            ));
        }
    }
    for entry in &manifest.document {
        let shown = format!("discovery/{}", entry.file);
        let Ok(bytes) = std::fs::read(dir.join(&entry.file)) else {
            problems.push(format!("{shown}: listed in {FILE} but missing"));
            continue;
        };
        let sha = sha256_hex(&bytes);
        if sha != entry.sha256 {
            problems.push(format!(
                "{shown}: sha256 is {sha}, {FILE} records {}; saved documents are kept as published",
                entry.sha256
            ));
        }
        let revision = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.get("revision")
                    .and_then(|r| r.as_str())
                    .map(str::to_owned)
            });
        if revision.as_deref() != Some(entry.revision.as_str()) {
            problems.push(format!(
                "{shown}: revision is {revision:?}, {FILE} records {:?}",
                entry.revision
            ));
        }
        match (entry.origin.as_str(), &entry.discovery_url) {
            ("published", None) => problems.push(format!(
                "{shown}: a published document needs its discovery_url"
            )),
            ("published" | "hand-written", _) => {}
            (other, _) => problems.push(format!(
                "{shown}: origin {other:?} is neither \"published\" nor \"hand-written\""
            )),
        }
        if entry.source.trim().is_empty() {
            problems.push(format!(
                "{shown}: source is empty; say where the file came from"
            ));
        }
        let date = entry.retrieved.as_bytes();
        if date.len() != 10 || date[4] != b'-' || date[7] != b'-' {
            problems.push(format!(
                "{shown}: retrieved {:?} is not a date like 2026-11-23",
                entry.retrieved
            ));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_documents_match_the_manifest() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
        check(&dir).unwrap();
        let manifest = read(&dir).unwrap();
        assert_eq!(manifest.document.len(), 4);
    }

    #[test]
    fn a_changed_byte_is_caught() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
        let dir = std::env::temp_dir().join(format!("xtask-manifest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in [FILE, "apigateway.v1.json"] {
            std::fs::copy(src.join(name), dir.join(name)).unwrap();
        }
        let err = check(&dir).unwrap_err().to_string();
        assert!(
            err.contains("discovery/dataproc.v1.json: listed in SOURCES.toml but missing"),
            "{err}"
        );
        let doc = dir.join("apigateway.v1.json");
        let mut text = std::fs::read_to_string(&doc).unwrap();
        text.push('\n');
        std::fs::write(&doc, text).unwrap();
        let err = check(&dir).unwrap_err().to_string();
        assert!(
            err.contains("discovery/apigateway.v1.json: sha256 is"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
