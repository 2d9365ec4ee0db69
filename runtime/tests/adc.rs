//! Application Default Credentials (feature `adc`) against servers on 127.0.0.1: an emulated
//! metadata server, token endpoints for `authorized_user`, `impersonated_service_account` and
//! `external_account` files, and a fake `gcloud`; each reaching a poll whose `authorization`
//! and `x-goog-user-project` headers the API server records.
//!
//! These tests set environment variables (`GOOGLE_APPLICATION_CREDENTIALS`, `HOME`,
//! `GCE_METADATA_HOST`, …), so they live in their own test binary and take turns through
//! [`ENV`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use google_operations::{Adc, Client, Error, LongRunningOperation, PollPolicy, dataproc_v1};
use serde_json::json;
use testserver::{Request, Response, Server};

const NAME: &str = "projects/p/regions/r/operations/o";

/// Held by each test while it sets and reads the environment.
static ENV: Mutex<()> = Mutex::new(());

/// Every variable these tests set, cleared at the start of each.
const VARS: &[&str] = &[
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_QUOTA_PROJECT",
    "GOOGLE_CLOUD_UNIVERSE_DOMAIN",
    "GCE_METADATA_HOST",
    "GCE_METADATA_IP",
];

/// The environment of one test: its lock, an empty `HOME` (no gcloud file), none of [`VARS`].
struct Env {
    _lock: MutexGuard<'static, ()>,
    dir: PathBuf,
    path: Option<std::ffi::OsString>,
}

impl Env {
    fn new(name: &str) -> Env {
        let lock = ENV
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = std::env::temp_dir().join(format!("adc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).unwrap();
        // SAFETY: every test of this binary that reads or sets the environment holds `ENV`.
        unsafe {
            for var in VARS {
                std::env::remove_var(var);
            }
            std::env::set_var("HOME", dir.join("home"));
        }
        Env {
            _lock: lock,
            dir,
            path: std::env::var_os("PATH"),
        }
    }

    fn set(&self, var: &str, value: impl AsRef<std::ffi::OsStr>) {
        // SAFETY: as in `new`.
        unsafe { std::env::set_var(var, value) }
    }

    /// Writes `json` to a file of the test's folder and names it in
    /// `GOOGLE_APPLICATION_CREDENTIALS`.
    fn credentials(&self, json: &serde_json::Value) -> PathBuf {
        let path = self.dir.join("credentials.json");
        std::fs::write(&path, json.to_string()).unwrap();
        self.set("GOOGLE_APPLICATION_CREDENTIALS", &path);
        path
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            self.set("PATH", path);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An API server: every request is recorded; `NAME` is done at once.
fn api() -> Server {
    Server::start(|_, _| {
        let done = json!({"name": NAME, "done": true, "response": {"ok": true}});
        Response::json(200, done.to_string()).into()
    })
}

/// A token endpoint that answers each request with `make(n)`, `n` counting from 1.
fn token_server(
    make: impl Fn(usize, &Request) -> serde_json::Value + Send + Sync + 'static,
) -> Server {
    Server::start(move |n, request| Response::json(200, make(n, request).to_string()).into())
}

/// Polls `NAME` once with `source` against `api` and gives what the API server saw:
/// `authorization` and `x-goog-user-project` of the last request.
async fn poll_with(
    api: &Server,
    source: Adc,
    quota: Option<&str>,
) -> Result<(String, Option<String>), Error> {
    let mut builder = Client::builder()
        .root_url(api.root_url())
        .token_source(source)
        .poll_policy(PollPolicy::default().deadline(Duration::from_secs(20)));
    if let Some(quota) = quota {
        builder = builder.quota_project(quota);
    }
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(NAME)?;
    let op = builder.build()?.until_done(&get).await?;
    assert!(op.is_done());
    let last = api.requests().pop().expect("a request");
    Ok((
        last.header("authorization").unwrap_or("").to_owned(),
        last.header("x-goog-user-project").map(str::to_owned),
    ))
}

fn authorized_user(token_uri: &str, quota_project: Option<&str>) -> serde_json::Value {
    let mut file = json!({
        "type": "authorized_user",
        "client_id": "client-id.apps.googleusercontent.com",
        "client_secret": "client-secret",
        "refresh_token": "refresh-token",
        "token_uri": token_uri,
    });
    if let Some(project) = quota_project {
        file["quota_project_id"] = project.into();
    }
    file
}

#[tokio::test]
async fn the_metadata_server_named_by_gce_metadata_host() {
    let env = Env::new("metadata");
    let metadata = Server::start(|_, request| {
        assert_eq!(request.header("metadata-flavor"), Some("Google"));
        match request.path() {
            "/computeMetadata/v1/instance/service-accounts/default/token" => Response::json(
                200,
                r#"{"access_token": "metadata-token", "expires_in": 3599, "token_type": "Bearer"}"#,
            ),
            "/computeMetadata/v1/universe/universe-domain" => Response::text(200, "googleapis.com"),
            _ => Response::text(404, "not found"),
        }
        .into()
    });
    env.set("GCE_METADATA_HOST", metadata.addr().to_string());
    let api = api();
    let adc = Adc::new().await.expect("the metadata server's credentials");
    let (authorization, quota) = poll_with(&api, adc, None).await.unwrap();
    assert_eq!(authorization, "Bearer metadata-token");
    assert_eq!(quota, None, "no quota project is set");
    let token = metadata
        .requests()
        .into_iter()
        .find(|r| r.path().ends_with("/token"))
        .expect("a token request");
    assert!(
        token.query().unwrap_or("").contains("scopes=https"),
        "{:?}",
        token.query()
    );
}

#[tokio::test]
async fn an_authorized_user_file_refreshing_at_its_token_uri_with_its_quota_project() {
    let env = Env::new("user");
    let tokens = token_server(|n, request| {
        assert_eq!(request.method, "POST");
        json!({"access_token": format!("user-token-{n}"), "expires_in": 3600, "token_type": "Bearer"})
    });
    env.credentials(&authorized_user(
        &tokens.url("/token"),
        Some("file-project"),
    ));
    let api = api();

    // The file's quota project.
    let adc = Adc::new().await.expect("the user's credentials");
    let (authorization, quota) = poll_with(&api, adc.clone(), None).await.unwrap();
    assert_eq!(authorization, "Bearer user-token-1");
    assert_eq!(quota.as_deref(), Some("file-project"));
    let body: serde_json::Value = serde_json::from_slice(&tokens.requests()[0].body).unwrap();
    assert_eq!(body["grant_type"], "refresh_token");
    assert_eq!(body["refresh_token"], "refresh-token");

    // GOOGLE_CLOUD_QUOTA_PROJECT over the file's.
    env.set("GOOGLE_CLOUD_QUOTA_PROJECT", "env-project");
    let (_, quota) = poll_with(&api, adc.clone(), None).await.unwrap();
    assert_eq!(quota.as_deref(), Some("env-project"));

    // The client's over both.
    let (_, quota) = poll_with(&api, adc, Some("client-project")).await.unwrap();
    assert_eq!(quota.as_deref(), Some("client-project"));
}

#[tokio::test]
async fn an_adc_token_refused_halfway_is_fetched_again_and_the_wait_goes_on() {
    let env = Env::new("refresh");
    let tokens = token_server(
        |n, _| json!({"access_token": format!("user-token-{n}"), "expires_in": 3600, "token_type": "Bearer"}),
    );
    env.credentials(&authorized_user(&tokens.url("/token"), None));
    // Accepts user-token-1 for two polls, then only user-token-2 (the first was revoked).
    let accepted = Arc::new(AtomicUsize::new(0));
    let api = {
        let accepted = accepted.clone();
        Server::start(move |n, request| {
            let wanted = if n <= 2 {
                "Bearer user-token-1"
            } else {
                "Bearer user-token-2"
            };
            if request.header("authorization") != Some(wanted) {
                return Response::json(401, r#"{"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}"#).into();
            }
            let polls = accepted.fetch_add(1, Ordering::SeqCst) + 1;
            let op = json!({"name": NAME, "done": polls >= 3});
            Response::json(200, op.to_string()).into()
        })
    };
    let client = Client::builder()
        .root_url(api.root_url())
        .token_source(Adc::new().await.unwrap())
        .poll_policy(
            PollPolicy::default()
                .initial_interval(Duration::from_millis(1))
                .deadline(Duration::from_secs(20)),
        )
        .build()
        .unwrap();
    let get = dataproc_v1::ProjectsRegionsOperationsGet::new(NAME).unwrap();
    let op = client.until_done(&get).await.expect("the wait goes on");
    assert!(op.is_done());
    let seen: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        seen,
        [
            "Bearer user-token-1",
            "Bearer user-token-1",
            "Bearer user-token-1",
            "Bearer user-token-2",
        ]
    );
    assert_eq!(tokens.requests().len(), 2);
}

#[tokio::test]
async fn an_impersonated_service_account_file() {
    let env = Env::new("impersonated");
    let tokens = token_server(
        |_, _| json!({"access_token": "source-token", "expires_in": 3600, "token_type": "Bearer"}),
    );
    let iam = token_server(|_, request| {
        assert_eq!(request.header("authorization"), Some("Bearer source-token"));
        json!({"accessToken": "impersonated-token", "expireTime": "2099-01-01T00:00:00Z"})
    });
    env.credentials(&json!({
        "type": "impersonated_service_account",
        "service_account_impersonation_url": iam.url("/v1/projects/-/serviceAccounts/runner@p.iam.gserviceaccount.com:generateAccessToken"),
        "source_credentials": authorized_user(&tokens.url("/token"), None),
        "delegates": [],
    }));
    let api = api();
    let adc = Adc::new().await.expect("impersonated credentials");
    let (authorization, _) = poll_with(&api, adc, None).await.unwrap();
    assert_eq!(authorization, "Bearer impersonated-token");
    let asked = String::from_utf8_lossy(&iam.requests()[0].body).into_owned();
    assert!(asked.contains("cloud-platform"), "{asked}");
}

/// An `external_account` file (Workload Identity Federation, as
/// `google-github-actions/auth` writes it) whose STS and impersonation URLs are `sts` and
/// `iam`, with `source` as its `credential_source`.
fn external_account(sts: &Server, iam: &Server, source: serde_json::Value) -> serde_json::Value {
    json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/providers/github",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": sts.url("/v1/token"),
        "service_account_impersonation_url": iam.url("/v1/projects/-/serviceAccounts/deployer@p.iam.gserviceaccount.com:generateAccessToken"),
        "credential_source": source,
    })
}

fn sts_server() -> Server {
    token_server(|_, request| {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        assert!(body.contains("subject_token=github-oidc-token"), "{body}");
        json!({
            "access_token": "federated-token",
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "token_type": "Bearer",
            "expires_in": 3600,
        })
    })
}

fn iam_server() -> Server {
    token_server(|_, request| {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer federated-token")
        );
        json!({"accessToken": "deployer-token", "expireTime": "2099-01-01T00:00:00Z"})
    })
}

#[tokio::test]
async fn an_external_account_file_with_a_file_sourced_subject_token() {
    let env = Env::new("external-file");
    let subject = env.dir.join("oidc-token");
    std::fs::write(&subject, "github-oidc-token").unwrap();
    let (sts, iam) = (sts_server(), iam_server());
    env.credentials(&external_account(&sts, &iam, json!({"file": subject})));
    let api = api();
    let adc = Adc::new().await.expect("federated credentials");
    let (authorization, _) = poll_with(&api, adc, None).await.unwrap();
    assert_eq!(authorization, "Bearer deployer-token");
    assert_eq!((sts.requests().len(), iam.requests().len()), (1, 1));
}

#[tokio::test]
async fn an_external_account_file_with_a_url_sourced_subject_token() {
    let env = Env::new("external-url");
    let subject = Server::start(|_, request| {
        assert_eq!(request.header("x-request"), Some("oidc"));
        Response::json(200, r#"{"value": "github-oidc-token"}"#).into()
    });
    let (sts, iam) = (sts_server(), iam_server());
    let source = json!({
        "url": subject.url("/token?audience=x"),
        "headers": {"x-request": "oidc"},
        "format": {"type": "json", "subject_token_field_name": "value"},
    });
    env.credentials(&external_account(&sts, &iam, source));
    let api = api();
    let adc = Adc::new().await.expect("federated credentials");
    let (authorization, _) = poll_with(&api, adc, None).await.unwrap();
    assert_eq!(authorization, "Bearer deployer-token");
    assert_eq!(subject.requests().len(), 1);
}

#[tokio::test]
async fn credential_files_that_cannot_be_used_are_errors_naming_them() {
    let env = Env::new("unusable");
    let dir = env.dir.clone();
    let message = |err: Error| {
        assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
        err.to_string()
    };
    // An external_account file without its credential source.
    let path = env.credentials(&json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/p",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "http://127.0.0.1:9/v1/token",
    }));
    let text = message(Adc::new().await.unwrap_err());
    let start = format!(
        "the Application Default Credentials file {} (type `external_account`) cannot be used: ",
        path.display()
    );
    assert!(text.starts_with(&start), "{text}");
    assert!(text.contains("credential_source"), "{text}");
    // An unknown type.
    let path = env.credentials(&json!({"type": "gdch_something_else"}));
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.starts_with(&format!(
            "the Application Default Credentials file {} (type `gdch_something_else`) cannot be used: ",
            path.display()
        )),
        "{text}"
    );
    // Not JSON, no type.
    let path = dir.join("not-json.json");
    std::fs::write(&path, "private_key = 1").unwrap();
    env.set("GOOGLE_APPLICATION_CREDENTIALS", &path);
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.starts_with(&format!(
            "the Application Default Credentials file {} is not a credential file: ",
            path.display()
        )),
        "{text}"
    );
    env.credentials(&json!({"client_id": "x"}));
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.ends_with("is not a credential file: it has no `type`"),
        "{text}"
    );
    // A file named that does not exist: an error, never another identity.
    let missing = dir.join("missing.json");
    env.set("GOOGLE_APPLICATION_CREDENTIALS", &missing);
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.starts_with(&format!(
            "the Application Default Credentials file {} (named by GOOGLE_APPLICATION_CREDENTIALS) cannot be read: ",
            missing.display()
        )),
        "{text}"
    );
    // Set but empty: said so, never another identity.
    env.set("GOOGLE_APPLICATION_CREDENTIALS", "");
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.ends_with(
            "GOOGLE_APPLICATION_CREDENTIALS is set but empty: unset it, or name a credential file"
        ),
        "{text}"
    );
    // Not a regular file, or far too large for one: refused without reading it whole.
    #[cfg(unix)]
    {
        env.set("GOOGLE_APPLICATION_CREDENTIALS", "/dev/zero");
        let text = message(Adc::new().await.unwrap_err());
        assert!(
            text.ends_with("cannot be read: it is not a regular file"),
            "{text}"
        );
    }
    let large = dir.join("large.json");
    std::fs::write(&large, vec![b' '; 2 << 20]).unwrap();
    env.set("GOOGLE_APPLICATION_CREDENTIALS", &large);
    let text = message(Adc::new().await.unwrap_err());
    assert!(
        text.ends_with(
            "cannot be read: it is larger than 1048576 bytes, which no credential file is"
        ),
        "{text}"
    );
}

/// A folder holding an executable `gcloud` that prints `gcloud-token-N` (N counting its runs)
/// or fails, put first on `PATH`.
#[cfg(unix)]
fn fake_gcloud(env: &Env, script: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = env.dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let gcloud = bin.join("gcloud");
    std::fs::write(&gcloud, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&gcloud, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        env.path.as_deref().unwrap_or_default(),
    )))
    .unwrap();
    env.set("PATH", path);
}

/// An address of 127.0.0.1 where nothing listens: no metadata server there.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[cfg(unix)]
#[tokio::test]
async fn without_adc_gcloud_prints_the_tokens() {
    let env = Env::new("gcloud");
    env.set("GCE_METADATA_IP", closed_port());
    let count = env.dir.join("count");
    fake_gcloud(
        &env,
        &format!(
            "[ \"$*\" = 'auth print-access-token' ] || exit 9\necho x >> '{0}'\necho gcloud-token-$(wc -l < '{0}' | tr -d ' ')",
            count.display()
        ),
    );
    let api = api();
    let adc = Adc::new().await.expect("gcloud's tokens");
    let (authorization, quota) = poll_with(&api, adc, None).await.unwrap();
    // Its first token was printed when the credentials were looked for.
    assert_eq!(authorization, "Bearer gcloud-token-1");
    assert_eq!(quota, None);
}

#[cfg(unix)]
#[tokio::test]
async fn without_any_credentials_the_error_says_where_it_looked() {
    let env = Env::new("none");
    env.set("GCE_METADATA_IP", closed_port());
    fake_gcloud(
        &env,
        "echo 'ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.' >&2; exit 1",
    );
    let err = Adc::new().await.unwrap_err();
    let text = err.to_string();
    let home = env
        .dir
        .join("home/.config/gcloud/application_default_credentials.json");
    assert_eq!(
        text,
        format!(
            "no Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS is not set, {} \
             does not exist, no metadata server answered (at 169.254.169.254, or \
             GCE_METADATA_IP), and the token command `gcloud auth print-access-token` failed: \
             it exited with exit status: 1 (standard error: \"ERROR: \
             (gcloud.auth.print-access-token) You do not currently have an active account \
             selected.\")",
            home.display()
        )
    );
}

#[tokio::test]
async fn credentials_of_another_universe_are_refused_before_any_request() {
    let env = Env::new("universe");
    let subject = env.dir.join("oidc-token");
    std::fs::write(&subject, "github-oidc-token").unwrap();
    let (sts, iam) = (sts_server(), iam_server());
    let mut file = external_account(&sts, &iam, json!({"file": subject}));
    file["universe_domain"] = "s3nsapis.fr".into();
    env.credentials(&file);
    let api = api();
    let adc = Adc::new().await.expect("federated credentials of S3NS");
    let err = poll_with(&api, adc.clone(), None).await.unwrap_err();
    assert!(
        matches!(&err, Error::UniverseDomain { of: "the credentials", found, client } if found == "s3nsapis.fr" && client == "googleapis.com"),
        "{err:?}"
    );
    assert!(api.requests().is_empty(), "nothing was sent");
    // GOOGLE_CLOUD_UNIVERSE_DOMAIN makes it the client's: sent (to the root URL given).
    env.set("GOOGLE_CLOUD_UNIVERSE_DOMAIN", "s3nsapis.fr");
    let (authorization, _) = poll_with(&api, adc, None).await.unwrap();
    assert_eq!(authorization, "Bearer deployer-token");
}
