//! `discovery/SOURCES.toml`: where each saved document came from, its revision and checksum.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

/// The manifest's file name inside the discovery folder.
pub const FILE: &str = "SOURCES.toml";

/// The `revision` of a Discovery document, if it is JSON with a string there; the rest of
/// the document is skimmed, not built.
pub fn revision_of(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        revision: Option<String>,
    }
    serde_json::from_slice::<Head>(bytes).ok()?.revision
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// One entry per saved document.
    pub document: Vec<Entry>,
}

/// Where one document came from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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

/// The manifest as text: `previous` (the file as it was) with its `[[document]]` tables
/// replaced by one per entry, in order, each key on its own line; the comment lines that open
/// the file are kept.
pub fn render(manifest: &Manifest, previous: &str) -> Result<String> {
    let mut doc: DocumentMut = previous.parse()?;
    // The opening comments belong to the first table, or trail a file that has none.
    let header = match doc.get("document").and_then(Item::as_array_of_tables) {
        Some(tables) => tables.get(0).and_then(|t| t.decor().prefix()).cloned(),
        None => {
            let trailing = doc.trailing().clone();
            doc.set_trailing("");
            Some(trailing)
        }
    };
    let mut tables = ArrayOfTables::new();
    for e in &manifest.document {
        let mut table = Table::new();
        table["file"] = value(&e.file);
        table["revision"] = value(&e.revision);
        table["sha256"] = value(&e.sha256);
        table["origin"] = value(&e.origin);
        if let Some(url) = &e.discovery_url {
            table["discovery_url"] = value(url);
        }
        table["source"] = value(&e.source);
        table["retrieved"] = value(&e.retrieved);
        tables.push(table);
    }
    if let (Some(first), Some(header)) = (tables.get_mut(0), header) {
        first.decor_mut().set_prefix(header);
    }
    doc.insert("document", Item::ArrayOfTables(tables));
    Ok(doc.to_string())
}

/// Writes the manifest of `dir`, keeping the comments that open the current file; the new text
/// is written beside it and renamed over it, so a reader never sees half a file.
pub fn write(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join(FILE);
    let previous = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let text =
        render(manifest, &previous).with_context(|| format!("parsing {}", path.display()))?;
    toml::from_str::<Manifest>(&text)
        .ok()
        .filter(|back| back == manifest)
        .with_context(|| format!("the new {FILE} would not read back as written; not written"))?;
    write_atomic(&path, text.as_bytes())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename; the
/// file is made as `std::fs::write` makes one (mode 0o666 less the umask), not owner-only.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    temp.write_all(bytes)
        .with_context(|| format!("writing {}", temp.path().display()))?;
    temp.persist(path)
        .with_context(|| format!("renaming a temporary file to {}", path.display()))?;
    Ok(())
}

/// Today's date in UTC as `YYYY-MM-DD`, as `retrieved` records it.
pub fn today() -> String {
    date_of(Timestamp::now())
}

/// The UTC date of `at` as `YYYY-MM-DD`.
fn date_of(at: Timestamp) -> String {
    TimeZone::UTC.to_datetime(at).date().to_string()
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
        let revision = revision_of(&bytes);
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
    // The form `fetch` writes: an entry it adds or updates leaves the rest as it was.
    let text = std::fs::read_to_string(dir.join(FILE))?;
    if render(&manifest, &text)? != text {
        problems.push(format!(
            "discovery/{FILE}: not in the form `cargo xtask fetch` writes it (one \
             [[document]] table per file, keys in the order the README shows)"
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four documents and their manifest, kept for the tests (whatever `discovery/` holds).
    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/discovery")
    }

    #[test]
    fn saved_documents_match_the_manifest() {
        // Whatever is saved: every document has an entry whose checksum and revision match.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
        check(&dir).unwrap();
        check(&fixtures()).unwrap();
        assert_eq!(read(&fixtures()).unwrap().document.len(), 4);
    }

    #[test]
    fn a_changed_byte_is_caught() {
        let src = fixtures();
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_owned();
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
    }

    #[test]
    fn a_manifest_not_in_the_form_fetch_writes_is_caught() {
        let src = fixtures();
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_owned();
        for entry in std::fs::read_dir(&src).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
        check(&dir).unwrap();
        let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
        let swapped = text.replacen("[[document]]\n", "[[document]]\n\n", 1);
        assert_ne!(swapped, text);
        std::fs::write(dir.join(FILE), swapped).unwrap();
        let err = check(&dir).unwrap_err().to_string();
        assert!(
            err.contains("not in the form `cargo xtask fetch` writes it"),
            "{err}"
        );
    }

    #[test]
    fn the_checked_in_manifests_render_back_byte_for_byte() {
        let saved = Path::new(env!("CARGO_MANIFEST_DIR")).join("../discovery");
        for dir in [saved, fixtures()] {
            let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
            let manifest = read(&dir).unwrap();
            assert_eq!(render(&manifest, &text).unwrap(), text, "{}", dir.display());
        }
    }

    #[test]
    fn written_entries_read_back_with_the_header_kept() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_owned();
        std::fs::write(
            dir.join(FILE),
            "# Header line.\n\n[[document]]\nfile = \"old\"\n",
        )
        .unwrap();
        let manifest = Manifest {
            document: vec![Entry {
                file: "a.v1.json".into(),
                revision: "20260101".into(),
                sha256: "00".into(),
                origin: "hand-written".into(),
                discovery_url: None,
                source: "said \"so\"\\ here\ttab\u{1}".into(),
                retrieved: "2026-01-01".into(),
            }],
        };
        write(&dir, &manifest).unwrap();
        let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
        assert!(text.starts_with("# Header line.\n\n[[document]]\nfile = \"a.v1.json\"\n"));
        assert_eq!(read(&dir).unwrap(), manifest);
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn dates_of_known_days() {
        let date_of_day = |days: i64| date_of(Timestamp::from_second(days * 86_400).unwrap());
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(59), "1970-03-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(19_782), "2024-02-29");
        assert_eq!(date_of_day(20_415), "2025-11-23");
        assert_eq!(date_of_day(20_818), "2026-12-31");
        let today = today();
        assert!(
            today.len() == 10 && today.as_str() > "2025-01-01",
            "{today}"
        );
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
