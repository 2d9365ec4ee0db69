//! `cargo xtask fetch` and `cargo xtask changes`: take new copies of the saved Discovery
//! documents from where Google publishes them (or from a folder), check them, tell what
//! changes for the generated crate, and (`fetch`) save them with their manifest entries.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use codegen::ir::Service;
use serde_json::Value;

use crate::changes::{self, Summary};
use crate::manifest::{self, Entry, Manifest};

/// The host the public Discovery directory lives on; `--base-url` replaces it.
const GOOGLEAPIS: &str = "https://www.googleapis.com/";

/// The largest document read (the biggest published ones are a few megabytes).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Arguments of `cargo xtask fetch`.
#[derive(Args)]
pub struct FetchArgs {
    /// Services to fetch, as NAME.VERSION (default: every document of the manifest). One the
    /// manifest does not list is added from the public directory.
    #[arg(value_name = "SERVICE.VERSION")]
    services: Vec<String>,
    #[command(flatten)]
    origin: OriginArgs,
    /// Also look for a published document of each hand-written one; one found replaces it.
    #[arg(long)]
    include_hand_written: bool,
    /// Folder of the saved Discovery documents and their SOURCES.toml.
    #[arg(long, value_name = "DIR")]
    discovery: Option<PathBuf>,
}

/// Arguments of `cargo xtask changes`.
#[derive(Args)]
pub struct ChangesArgs {
    /// Services to compare, as NAME.VERSION (default: every document of the manifest).
    #[arg(value_name = "SERVICE.VERSION")]
    services: Vec<String>,
    #[command(flatten)]
    origin: OriginArgs,
    /// Compare with these documents instead (each names its service and version inside).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["from", "base_url", "services"])]
    against: Vec<PathBuf>,
    /// Also compare hand-written documents with a published one, where there is one.
    #[arg(long)]
    include_hand_written: bool,
    /// Folder of the saved Discovery documents and their SOURCES.toml.
    #[arg(long, value_name = "DIR")]
    discovery: Option<PathBuf>,
}

/// Where new documents come from.
#[derive(Args)]
struct OriginArgs {
    /// Take documents from this folder (`<name>.<version>.json`, e.g. the copies the
    /// google-api-python-client package ships) instead of downloading them.
    #[arg(long, value_name = "DIR", conflicts_with = "base_url")]
    from: Option<PathBuf>,
    /// How the manifest's `source` names the --from folder (default: its path), e.g.
    /// "google-api-python-client 2.203.0 (PyPI wheel), googleapiclient/discovery_cache/documents".
    #[arg(long, value_name = "TEXT", requires = "from")]
    from_label: Option<String>,
    /// Download from this server instead of `https://www.googleapis.com/` and the services' own
    /// hosts (the path and query stay).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Seconds one download may take.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    timeout: u64,
}

/// Where documents are taken from.
enum Origin {
    Net {
        agent: ureq::Agent,
        base: Option<String>,
    },
    Dir {
        dir: PathBuf,
        label: String,
    },
}

impl Origin {
    fn new(args: &OriginArgs) -> Result<Self> {
        if let Some(dir) = &args.from {
            if !dir.is_dir() {
                bail!("--from {}: not a folder", dir.display());
            }
            let label = match &args.from_label {
                Some(l) => l.trim_end_matches('/').to_owned(),
                None => dir.display().to_string().trim_end_matches('/').to_owned(),
            };
            return Ok(Origin::Dir {
                dir: dir.clone(),
                label,
            });
        }
        if let Some(base) = &args.base_url
            && !(base.starts_with("http://") || base.starts_with("https://"))
        {
            bail!("--base-url {base}: expected an http:// or https:// URL");
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(args.timeout)))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Origin::Net {
            agent,
            base: args.base_url.clone(),
        })
    }
}

/// A document as taken: its bytes and where it came from.
struct Taken {
    bytes: Vec<u8>,
    /// What the manifest's `source` records.
    source: String,
}

/// What taking a document found.
enum Got {
    Taken(Taken),
    /// There is none (HTTP 404, or no such file in the folder); says where it looked.
    Missing(String),
}

/// The public directory's URL of a service's document.
fn directory_url(name: &str, version: &str) -> String {
    format!("{GOOGLEAPIS}discovery/v1/apis/{name}/{version}/rest")
}

/// Where a service publishes its own document, for APIs the directory does not list
/// (Memorystore, License Manager, Storage Insights, Vector Search, Speech v2 among them).
fn own_url(name: &str, version: &str) -> String {
    format!("https://{name}.googleapis.com/$discovery/rest?version={version}")
}

/// `url` with its scheme and host replaced by `base`.
fn rebase(url: &str, base: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |i| &after_scheme[i + 1..]);
    format!("{}/{path}", base.trim_end_matches('/'))
}

fn take(origin: &Origin, file: &str, url: &str) -> Result<Got> {
    match origin {
        Origin::Dir { dir, label } => {
            let path = dir.join(file);
            match std::fs::read(&path) {
                Ok(bytes) => Ok(Got::Taken(Taken {
                    bytes,
                    source: format!("{label}/{file}"),
                })),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    Ok(Got::Missing(format!("no {file} in {}", dir.display())))
                }
                Err(e) => Err(anyhow!("reading {}: {e}", path.display())),
            }
        }
        Origin::Net { agent, base } => {
            let url = match base {
                Some(base) => rebase(url, base),
                None => url.to_owned(),
            };
            let mut response = agent
                .get(&url)
                .call()
                .map_err(|e| anyhow!("downloading {url} failed: {e}"))?;
            let status = response.status();
            if status.as_u16() == 404 {
                return Ok(Got::Missing(format!("HTTP 404 Not Found from {url}")));
            }
            if !status.is_success() {
                bail!("HTTP {status} from {url}");
            }
            let bytes = response
                .body_mut()
                .with_config()
                .limit(MAX_BYTES)
                .read_to_vec()
                .map_err(|e| anyhow!("reading the body from {url} failed: {e}"))?;
            Ok(Got::Taken(Taken { bytes, source: url }))
        }
    }
}

/// A new document that passed every check but the revision's.
struct Checked {
    taken: Taken,
    service: Service,
    /// Where Google publishes it (the manifest's `discovery_url`).
    url: String,
}

/// Checks that `bytes` are a Discovery document for `name` `version` the generator accepts.
fn check(taken: Taken, url: String, name: &str, version: &str) -> Result<Checked> {
    let service = generated(&taken, name, version)
        .with_context(|| format!("the document from {}", taken.source))?;
    Ok(Checked {
        taken,
        service,
        url,
    })
}

fn generated(taken: &Taken, name: &str, version: &str) -> Result<Service> {
    let text = std::str::from_utf8(&taken.bytes)
        .map_err(|e| anyhow!("not valid JSON (not UTF-8: {e})"))?;
    let json: Value = serde_json::from_str(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let field = |k: &str| json.get(k).and_then(Value::as_str);
    if !json.is_object()
        || field("kind").is_some_and(|k| k != "discovery#restDescription")
        || field("name").is_none()
        || field("version").is_none()
    {
        bail!(
            "not a Discovery document (kind {:?}, name {:?}, version {:?})",
            field("kind"),
            field("name"),
            field("version")
        );
    }
    let (got_name, got_version) = (field("name").unwrap_or(""), field("version").unwrap_or(""));
    if (got_name, got_version) != (name, version) {
        bail!("describes {got_name}.{got_version}, not {name}.{version}");
    }
    changes::service_of(&taken.source, text).map_err(|e| match e.path.as_str() {
        "" => anyhow!("the generator rejects it: {}", e.message),
        path => anyhow!("the generator rejects it: {path}: {}", e.message),
    })
}

/// `new` is an older revision than `old` (revisions are dates, `YYYYMMDD`).
fn is_older(new: &str, old: &str) -> bool {
    (new.len(), new) < (old.len(), old)
}

/// One service to look at: its manifest entry (none for a new one) and saved document.
struct Job {
    key: String,
    name: String,
    version: String,
    entry: Option<Entry>,
    saved: Option<(Vec<u8>, Service)>,
}

impl Job {
    fn file(&self) -> String {
        format!("{}.json", self.key)
    }

    fn hand_written(&self) -> bool {
        self.entry
            .as_ref()
            .is_some_and(|e| e.origin == "hand-written")
    }

    /// Where Google publishes it: the manifest's URL, else the public directory's.
    fn url(&self) -> String {
        self.entry
            .as_ref()
            .and_then(|e| e.discovery_url.clone())
            .unwrap_or_else(|| directory_url(&self.name, &self.version))
    }

    fn saved_revision(&self) -> Option<&str> {
        self.saved.as_ref().map(|(_, s)| s.revision.as_str())
    }
}

/// The job of one manifest entry, with its saved document read and generated.
fn saved_job(dir: &Path, shown: &str, entry: &Entry) -> Result<Job> {
    let key = entry.file.strip_suffix(".json").unwrap_or(&entry.file);
    let path = dir.join(&entry.file);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes.clone())
        .with_context(|| format!("{}: the saved document is not UTF-8", path.display()))?;
    let service = changes::service_of(&format!("{shown}/{}", entry.file), &text)
        .map_err(|e| anyhow!("the saved document does not generate: {e}"))?;
    Ok(Job {
        key: key.to_owned(),
        name: service.name.clone(),
        version: service.version.clone(),
        entry: Some(entry.clone()),
        saved: Some((bytes, service)),
    })
}

/// The jobs of `selected` (every manifest entry when empty), in the order given.
fn jobs(
    dir: &Path,
    shown: &str,
    manifest: &Manifest,
    selected: &[String],
) -> Vec<(String, Result<Job>)> {
    let keys: Vec<String> = if selected.is_empty() {
        manifest
            .document
            .iter()
            .map(|e| e.file.strip_suffix(".json").unwrap_or(&e.file).to_owned())
            .collect()
    } else {
        let mut keys = Vec::new();
        for k in selected {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys
    };
    keys.into_iter()
        .map(|key| {
            let job = match manifest
                .document
                .iter()
                .find(|e| e.file == format!("{key}.json"))
            {
                Some(entry) => saved_job(dir, shown, entry),
                None => match split_key(&key) {
                    Some((name, version)) => Ok(Job {
                        key: key.clone(),
                        name: name.to_owned(),
                        version: version.to_owned(),
                        entry: None,
                        saved: None,
                    }),
                    _ => Err(anyhow!("not a NAME.VERSION of a service")),
                },
            };
            (key, job)
        })
        .collect()
}

/// The name and version of a `NAME.VERSION` as Discovery spells them: ASCII letters, digits,
/// `_` and `-`, and dots between the parts of a version; so the file name stays in its folder.
fn split_key(key: &str) -> Option<(&str, &str)> {
    let (name, version) = key.split_once('.')?;
    let part = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    (part(name) && version.split('.').all(part)).then_some((name, version))
}

/// What became of one service.
enum Step {
    /// Nothing to do, and why.
    Skip(String),
    /// Checked: the document to compare with (and, for `fetch`, to save).
    Got(Box<Checked>),
}

/// Takes and checks the new document of `job`; `--include-hand-written` is `hand_written`.
fn step(origin: &Origin, job: &Job, hand_written: bool) -> Result<Step> {
    if job.hand_written() && !hand_written {
        return Ok(Step::Skip(
            "hand-written; skipped (--include-hand-written looks for a published document)"
                .to_owned(),
        ));
    }
    let url = job.url();
    let (taken, url) = match take(origin, &job.file(), &url)? {
        Got::Taken(t) => (t, url),
        Got::Missing(why) if job.hand_written() => {
            return Ok(Step::Skip(format!(
                "still not published ({why}); stays hand-written"
            )));
        }
        // A service the directory does not list may publish its own document.
        Got::Missing(why) if job.entry.is_none() && matches!(origin, Origin::Net { .. }) => {
            let own = own_url(&job.name, &job.version);
            match take(origin, &job.file(), &own)? {
                Got::Taken(t) => (t, own),
                Got::Missing(also) => bail!("{why}; {also}"),
            }
        }
        Got::Missing(why) => bail!("{why}"),
    };
    let checked = check(taken, url, &job.name, &job.version)?;
    Ok(Step::Got(Box::new(checked)))
}

/// `fetch` and `changes` print this for each document they would change.
fn report(job: &Job, new: &Checked) -> String {
    let revision = &new.service.revision;
    let Some((_, old)) = &job.saved else {
        let models = new.service.types.len();
        let methods = new.service.methods.len();
        let scopes = new.service.scopes.len();
        return format!(
            "{}: new service, revision {revision} (from {}): {methods} builders, {models} models, {scopes} scopes\n",
            job.key, new.taken.source
        );
    };
    let summary: Summary = changes::compare(old, &new.service);
    let counts = match (summary.changes.len(), summary.breaking()) {
        (0, _) => String::new(),
        (1, 0) => ": 1 change".to_owned(),
        (n, 0) => format!(": {n} changes"),
        (1, _) => ": 1 change, BREAKING".to_owned(),
        (n, b) => format!(": {n} changes, {b} BREAKING"),
    };
    let older = if is_older(revision, &old.revision) {
        " (older than the saved revision)"
    } else {
        ""
    };
    format!(
        "{}: revision {} → {revision}{older} (from {}){counts}\n{summary}",
        job.key, old.revision, new.taken.source
    )
}

/// Runs `cargo xtask fetch`.
pub fn fetch(args: &FetchArgs) -> Result<()> {
    let (dir, shown) = crate::util::folder(&args.discovery, "discovery");
    let shown = shown.trim_end_matches('/').to_owned();
    let mut manifest = manifest::read(&dir)?;
    let origin = Origin::new(&args.origin)?;
    let mut failed = Vec::new();
    let (mut updated, mut unchanged, mut skipped) = (0, 0, 0);
    let jobs = jobs(&dir, &shown, &manifest, &args.services);
    let total = jobs.len();
    for (key, job) in jobs {
        let kept = if manifest
            .document
            .iter()
            .any(|e| e.file == format!("{key}.json"))
        {
            format!(
                "{shown}/{key}.json and its {} entry are unchanged",
                manifest::FILE
            )
        } else {
            "nothing was written".to_owned()
        };
        let result = job.and_then(|job| {
            let entry = fetch_one(&origin, &dir, &job, args.include_hand_written)?;
            Ok((job, entry))
        });
        match result {
            Ok((_, Fetched::Skipped(why))) => {
                skipped += 1;
                println!("{key}: {why}");
            }
            Ok((job, Fetched::Unchanged)) => {
                unchanged += 1;
                let revision = job.saved_revision().unwrap_or_default();
                println!("{key}: unchanged (revision {revision})");
            }
            Ok((_, Fetched::Saved(entry))) => {
                updated += 1;
                match manifest.document.iter_mut().find(|e| e.file == entry.file) {
                    Some(e) => *e = entry,
                    None => {
                        manifest.document.push(entry);
                        manifest.document.sort_by(|a, b| a.file.cmp(&b.file));
                    }
                }
            }
            Err(e) => {
                eprintln!("error: {key}: {e:#}; {kept}");
                failed.push(key);
            }
        }
    }
    if updated > 0 {
        manifest::write(&dir, &manifest).with_context(|| {
            format!(
                "{updated} documents are saved but {} is not; it no longer matches them",
                manifest::FILE
            )
        })?;
    }
    println!(
        "{updated} saved, {unchanged} unchanged, {skipped} skipped, {} failed{}",
        failed.len(),
        if updated > 0 {
            "; next: cargo xtask regenerate, review git diff, cargo xtask ci"
        } else {
            ""
        }
    );
    if !failed.is_empty() {
        bail!("{} of {total} failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

/// What `fetch` did with one service.
enum Fetched {
    Skipped(String),
    Unchanged,
    /// The document is saved; its manifest entry is to be written.
    Saved(Entry),
}

fn fetch_one(origin: &Origin, dir: &Path, job: &Job, hand_written: bool) -> Result<Fetched> {
    let new = match step(origin, job, hand_written)? {
        Step::Skip(why) => return Ok(Fetched::Skipped(why)),
        Step::Got(new) => new,
    };
    if let Some((bytes, old)) = &job.saved {
        if *bytes == new.taken.bytes {
            return Ok(Fetched::Unchanged);
        }
        if is_older(&new.service.revision, &old.revision) {
            bail!(
                "revision {:?} of {} is older than the saved {}",
                new.service.revision,
                new.taken.source,
                old.revision
            );
        }
    }
    print!("{}", report(job, &new));
    let entry = Entry {
        file: job.file(),
        revision: new.service.revision.clone(),
        sha256: manifest::sha256_hex(&new.taken.bytes),
        origin: "published".to_owned(),
        discovery_url: Some(new.url.clone()),
        source: new.taken.source.clone(),
        retrieved: manifest::today(),
    };
    manifest::write_atomic(&dir.join(job.file()), &new.taken.bytes)?;
    Ok(Fetched::Saved(entry))
}

/// Runs `cargo xtask changes`.
pub fn changes(args: &ChangesArgs) -> Result<()> {
    let (dir, shown) = crate::util::folder(&args.discovery, "discovery");
    let shown = shown.trim_end_matches('/').to_owned();
    let manifest = manifest::read(&dir)?;
    let mut failed = Vec::new();
    let mut total = 0;
    if args.against.is_empty() {
        let origin = Origin::new(&args.origin)?;
        for (key, job) in jobs(&dir, &shown, &manifest, &args.services) {
            total += 1;
            let result = job.and_then(|job| {
                Ok(match step(&origin, &job, args.include_hand_written)? {
                    Step::Skip(why) => format!("{key}: {why}\n"),
                    Step::Got(new) => compared(&job, &new),
                })
            });
            match result {
                Ok(text) => print!("{text}"),
                Err(e) => {
                    eprintln!("error: {key}: {e:#}");
                    failed.push(key);
                }
            }
        }
    }
    for path in &args.against {
        total += 1;
        let shown_path = path.display().to_string();
        match against(&dir, &shown, &manifest, path) {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprintln!("error: {shown_path}: {e:#}");
                failed.push(shown_path);
            }
        }
    }
    if !failed.is_empty() {
        bail!("{} of {total} failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

/// The summary of one service, or that its document is the saved one.
fn compared(job: &Job, new: &Checked) -> String {
    match &job.saved {
        Some((bytes, old)) if *bytes == new.taken.bytes => format!(
            "{}: the same as the saved document (revision {})\n",
            job.key, old.revision
        ),
        _ => report(job, new),
    }
}

/// Compares `path` with the saved document of the service it names.
fn against(dir: &Path, shown: &str, manifest: &Manifest, path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let field = |k: &str| json.get(k).and_then(Value::as_str).unwrap_or_default();
    if field("name").is_empty() || field("version").is_empty() {
        bail!("not a Discovery document (no name and version)");
    }
    let key = format!("{}.{}", field("name"), field("version"));
    let (_, job) = jobs(dir, shown, manifest, std::slice::from_ref(&key))
        .pop()
        .context("no job")?;
    let job = job.with_context(|| format!("{key}: the saved document"))?;
    let taken = Taken {
        bytes,
        source: path.display().to_string(),
    };
    let new = check(taken, job.url(), &job.name, &job.version)?;
    Ok(compared(&job, &new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_keeps_path_and_query() {
        assert_eq!(
            rebase(
                "https://www.googleapis.com/discovery/v1/apis/dataproc/v1/rest",
                "http://127.0.0.1:8080/"
            ),
            "http://127.0.0.1:8080/discovery/v1/apis/dataproc/v1/rest"
        );
        assert_eq!(
            rebase(
                "https://workspaceevents.googleapis.com/$discovery/rest?version=v1",
                "http://127.0.0.1:8080"
            ),
            "http://127.0.0.1:8080/$discovery/rest?version=v1"
        );
    }

    #[test]
    fn keys_stay_names_of_files_in_the_folder() {
        assert_eq!(split_key("dataproc.v1"), Some(("dataproc", "v1")));
        assert_eq!(
            split_key("admin.directory_v1"),
            Some(("admin", "directory_v1"))
        );
        assert_eq!(split_key("analytics.v2.4"), Some(("analytics", "v2.4")));
        for bad in [
            "nodot",
            ".v1",
            "x.",
            "../x.v1",
            "x/y.v1",
            "x.v1/../..",
            "x.v1..json",
            "x y.v1",
        ] {
            assert_eq!(split_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn revisions_compare_as_dates() {
        assert!(is_older("20261027", "20261028"));
        assert!(!is_older("20261028", "20261028"));
        assert!(!is_older("20270101", "20261231"));
        assert!(is_older("", "20261028"));
    }
}
