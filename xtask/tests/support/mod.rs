//! What the command tests share: a tiny HTTP/1.1 server on 127.0.0.1, scratch copies of a
//! discovery folder of four documents kept for the tests (`tests/fixtures/discovery`, so that
//! the tests never depend on which documents the project saves), and a way to run the xtask
//! binary on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tempfile::TempDir;

/// What the server answers to one request target (path and query).
#[derive(Clone)]
pub enum Reply {
    /// `200 OK` with this body.
    Body(Vec<u8>),
    /// This status, with a short text body.
    Status(u16, &'static str),
    /// The connection is closed without an answer.
    Close,
    /// `200 OK` announcing more bytes than it sends, then closed.
    Truncated(Vec<u8>),
}

type Routes = Arc<Mutex<BTreeMap<String, Reply>>>;

/// A server on a free port of 127.0.0.1, answering from its routes (`404` elsewhere); it
/// stops when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT/`.
    pub base: String,
    routes: Routes,
    server: testserver::Server,
}

impl Server {
    pub fn start() -> Server {
        let routes: Routes = Arc::default();
        let r = routes.clone();
        let server = testserver::Server::start(move |_, request| answer(&request.target, &r));
        Server {
            base: server.root_url(),
            routes,
            server,
        }
    }

    /// Answers `target` (e.g. `/discovery/v1/apis/dataproc/v1/rest`) with `reply`.
    pub fn route(&self, target: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(target.to_owned(), reply);
    }

    /// The request targets received so far, in order.
    pub fn hits(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .map(|request| request.target)
            .collect()
    }
}

fn answer(target: &str, routes: &Routes) -> testserver::Reply {
    let reply = routes.lock().unwrap().get(target).cloned();
    let json = testserver::Response::json;
    match reply {
        None => json(404, b"no such document".to_vec()).into(),
        Some(Reply::Body(b)) => json(200, b).into(),
        Some(Reply::Status(code, text)) => json(code, text.as_bytes().to_vec()).into(),
        Some(Reply::Close) => testserver::Reply::Reset,
        Some(Reply::Truncated(b)) => testserver::Reply::Truncated {
            response: json(200, b),
            missing: 1000,
        },
    }
}

/// The public directory's path of a service's document.
pub fn directory_path(name: &str, version: &str) -> String {
    format!("/discovery/v1/apis/{name}/{version}/rest")
}

/// The fixture discovery folder (only ever read).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/discovery")
}

/// A scratch folder holding a copy of the fixture discovery folder; removed when dropped.
pub struct Scratch {
    pub root: PathBuf,
    pub discovery: PathBuf,
    _dir: TempDir,
}

impl Scratch {
    /// `name` prefixes the folder's name, to tell the tests' folders apart.
    pub fn new(name: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("xtask-fetch-{name}-"))
            .tempdir()
            .unwrap();
        let root = dir.path().to_path_buf();
        let discovery = root.join("discovery");
        std::fs::create_dir_all(&discovery).unwrap();
        for entry in std::fs::read_dir(fixtures()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), discovery.join(entry.file_name())).unwrap();
        }
        Scratch {
            root,
            discovery,
            _dir: dir,
        }
    }

    /// Every file of the discovery copy with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(&self.discovery)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    pub fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.discovery.join(file)).unwrap()
    }

    /// The manifest entry of `file`, as TOML.
    pub fn entry(&self, file: &str) -> toml::Table {
        let text = std::fs::read_to_string(self.discovery.join("SOURCES.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        manifest["document"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_table().unwrap().clone())
            .find(|d| d["file"].as_str() == Some(file))
            .unwrap_or_else(|| panic!("no entry for {file}"))
    }

    /// The files the manifest lists, in order.
    pub fn listed(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.discovery.join("SOURCES.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        manifest["document"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Runs `cargo xtask ARGS --discovery <the copy>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.args(args).arg("--discovery").arg(&self.discovery);
        for var in [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ] {
            cmd.env_remove(var);
        }
        let out = cmd.output().unwrap();
        Run {
            ok: out.status.success(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

/// What a run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// The saved bytes of a fixture document.
pub fn saved(file: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(file)).unwrap()
}

/// A fixture document changed by `edit`, as a newly published copy would be.
pub fn edited(file: &str, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(&saved(file)).unwrap();
    edit(&mut doc);
    serde_json::to_vec_pretty(&doc).unwrap()
}

/// Every `operations.get` method of a document.
pub fn operations_gets(doc: &mut Value) -> Vec<&mut Value> {
    fn walk<'a>(resources: &'a mut Value, found: &mut Vec<&'a mut Value>) {
        let Some(map) = resources.as_object_mut() else {
            return;
        };
        for (name, resource) in map.iter_mut() {
            let resource = resource.as_object_mut().unwrap();
            let is_operations = name == "operations";
            for (key, value) in resource.iter_mut() {
                match key.as_str() {
                    "resources" => walk(value, found),
                    "methods" if is_operations => {
                        if let Some(get) = value.get_mut("get") {
                            found.push(get);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&mut doc["resources"], &mut found);
    found
}

/// A new revision with one more optional query parameter on each `operations.get`.
pub fn newer(file: &str, revision: &str) -> Vec<u8> {
    edited(file, |doc| {
        doc["revision"] = revision.into();
        for get in operations_gets(doc) {
            get["parameters"]["newParam"] =
                serde_json::json!({"type": "string", "location": "query"});
        }
    })
}

/// The sha256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
