//! Application Default Credentials (feature `adc`), through Google's own `google-cloud-auth`.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use google_cloud_auth::credentials::{self, CacheableResource, Credentials};
use http::{Extensions, HeaderMap};

use super::auth::{AuthFuture, TokenCommand, TokenSource};
use crate::error::{BoxError, Error};
use crate::service::{DEFAULT_UNIVERSE_DOMAIN, Scope};

/// The variable that names a credential file.
const CREDENTIALS_VAR: &str = "GOOGLE_APPLICATION_CREDENTIALS";
/// The variable that names the metadata server's host (and says there is one).
const METADATA_HOST_VAR: &str = "GCE_METADATA_HOST";
/// The variable that names the address asked whether there is a metadata server, as for
/// Google's Python client.
const METADATA_IP_VAR: &str = "GCE_METADATA_IP";
/// That address when no variable names it.
const METADATA_IP: &str = "169.254.169.254";
/// The longest the metadata server may take to answer whether it is there.
const METADATA_PING_TIMEOUT: Duration = Duration::from_secs(1);
/// The scope asked for when the method accepts it, and by default.
const CLOUD_PLATFORM: &str = "https://www.googleapis.com/auth/cloud-platform";

/// Application Default Credentials, found as Google's own clients find them, through Google's
/// `google-cloud-auth` crate, with one fallback of this crate's:
///
/// 1. the credential file named by `GOOGLE_APPLICATION_CREDENTIALS`;
/// 2. gcloud's file, `~/.config/gcloud/application_default_credentials.json`
///    (`%APPDATA%\gcloud\…` on Windows), written by `gcloud auth application-default login`;
/// 3. the metadata server of Compute Engine, GKE, Cloud Run and the other Google Cloud
///    runtimes: at `GCE_METADATA_HOST` when it is set (which also says that there is one),
///    else when one answers at 169.254.169.254 (or `GCE_METADATA_IP`) within a second;
/// 4. with none of these, tokens from `gcloud auth print-access-token`, run again before each
///    token is 45 minutes old and when one is refused.
///
/// A credential file may be of any type `google-cloud-auth` supports: `authorized_user`,
/// `service_account`, `impersonated_service_account`, `external_account` (Workload and
/// Workforce Identity Federation: file-, URL- and AWS-sourced subject tokens, and
/// executable-sourced ones where `GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1` allows them) and
/// `external_account_authorized_user`. A file that cannot be used is an error naming it, its
/// `type` and why; the search never goes on to another identity.
///
/// Tokens are cached and refreshed before they expire; after a 401 the credentials are made
/// again, which fetches a new token. The headers carry the file's `quota_project_id` (or
/// `GOOGLE_CLOUD_QUOTA_PROJECT`) as `x-goog-user-project`; a quota project given to the
/// client wins. The universe domain is the file's `universe_domain` (the metadata server's
/// for the metadata server), `googleapis.com` when it names none.
///
/// It asks for `cloud-platform` when the method accepts it, else for the method's first
/// scope, unless [`scopes`](Self::scopes) sets others.
#[derive(Clone)]
pub struct Adc {
    origin: Arc<Origin>,
    scopes: Option<Vec<String>>,
    /// The credentials made so far, one per set of scopes asked for.
    made: Arc<tokio::sync::Mutex<Vec<Made>>>,
}

/// Credentials made for a set of scopes.
type Made = (Vec<String>, Credentials);

/// Where the credentials were found.
enum Origin {
    /// A credential file, with its `type`.
    File { path: PathBuf, kind: String },
    /// The metadata server.
    MetadataServer,
    /// `gcloud auth print-access-token`.
    Gcloud(TokenCommand),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, kind } => write!(
                f,
                "the Application Default Credentials file {} (type `{kind}`)",
                path.display()
            ),
            Origin::MetadataServer => f.write_str("the metadata server's credentials"),
            Origin::Gcloud(command) => write!(f, "`{}`", command.command()),
        }
    }
}

impl fmt::Debug for Adc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adc")
            .field("origin", &self.origin.to_string())
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Adc {
    /// Finds the credentials, in the order above. Needs a tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::Credentials`] when a credential file cannot be read or used (naming it, its
    /// `type` and why), or when there are none: no file, no metadata server, and `gcloud`
    /// gives no token.
    pub async fn new() -> Result<Self, Error> {
        // `google-cloud-auth` is built without a crypto provider of its own: it uses the
        // process's, which is the client's (ring) unless the program installed another.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let origin = find()
            .await
            .map_err(|source| Error::Credentials { source })?;
        let adc = Adc {
            origin: Arc::new(origin),
            scopes: None,
            made: Arc::default(),
        };
        // A file that cannot be used is refused now, not at the first request.
        if !matches!(*adc.origin, Origin::Gcloud(_)) {
            adc.credentials(&[Scope::new(CLOUD_PLATFORM)])
                .await
                .map_err(|source| Error::Credentials { source })?;
        }
        Ok(adc)
    }

    /// Asks for these scopes whatever the method, e.g. when the credentials are limited to them.
    pub fn scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Self {
        Adc {
            origin: self.origin,
            scopes: Some(scopes.into_iter().map(Into::into).collect()),
            made: Arc::default(),
        }
    }

    /// The scopes to ask for, for a method that accepts `scopes`.
    fn wanted(&self, scopes: &[Scope]) -> Vec<String> {
        match &self.scopes {
            Some(own) => own.clone(),
            None if scopes.iter().any(|s| s.url == CLOUD_PLATFORM) => vec![CLOUD_PLATFORM.into()],
            None => vec![scopes.first().map_or(CLOUD_PLATFORM, |s| s.url).to_owned()],
        }
    }

    /// The credentials for a method that accepts `scopes`, made the first time they are
    /// needed.
    async fn credentials(&self, scopes: &[Scope]) -> Result<Credentials, BoxError> {
        let wanted = self.wanted(scopes);
        let mut made = self.made.lock().await;
        if let Some((_, credentials)) = made.iter().find(|(s, _)| *s == wanted) {
            return Ok(credentials.clone());
        }
        let credentials = self.make(&wanted)?;
        made.push((wanted, credentials.clone()));
        Ok(credentials)
    }

    /// New credentials for `scopes`, from where they were found.
    fn make(&self, scopes: &[String]) -> Result<Credentials, BoxError> {
        credentials::Builder::default()
            .with_scopes(scopes.iter().cloned())
            .build()
            .map_err(|e| format!("{} cannot be used: {}", self.origin, with_causes(&e)).into())
    }

    /// The headers of the credentials for `scopes`.
    async fn credential_headers(&self, scopes: &[Scope]) -> Result<HeaderMap, BoxError> {
        let credentials = self.credentials(scopes).await?;
        let origin = &self.origin;
        match credentials.headers(Extensions::new()).await {
            Ok(CacheableResource::New { data, .. }) => Ok(data),
            Ok(CacheableResource::NotModified) => Err(format!("{origin} gave no headers").into()),
            Err(e) => Err(format!("{origin} gave no access token: {}", with_causes(&e)).into()),
        }
    }
}

/// `error` and each of its causes that its text does not already say.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// The gcloud fallback's command.
fn gcloud() -> TokenCommand {
    let program = if cfg!(windows) {
        "gcloud.cmd"
    } else {
        "gcloud"
    };
    TokenCommand::program(program, ["auth", "print-access-token"])
}

/// gcloud's credential file, where `gcloud auth application-default login` writes it.
fn well_known_file() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::var_os("APPDATA")
            .map(|d| PathBuf::from(d).join("gcloud/application_default_credentials.json"))
    } else {
        std::env::var_os("HOME")
            .map(|d| PathBuf::from(d).join(".config/gcloud/application_default_credentials.json"))
    }
}

/// The largest credential file read: they are a few kilobytes.
const MAX_CREDENTIALS_FILE: u64 = 1024 * 1024;

/// The text of the regular file at `path`, refused when it is larger than
/// [`MAX_CREDENTIALS_FILE`] (`/dev/zero`, a FIFO or a log named by mistake never hangs or
/// fills memory).
fn read_bounded(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read as _;
    // Looked at before it is opened: opening a FIFO waits for a writer.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(MAX_CREDENTIALS_FILE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CREDENTIALS_FILE {
        return Err(std::io::Error::other(format!(
            "it is larger than {MAX_CREDENTIALS_FILE} bytes, which no credential file is"
        )));
    }
    Ok(text)
}

/// Where the credentials are, in the order of [`Adc`].
async fn find() -> Result<Origin, BoxError> {
    let named = std::env::var_os(CREDENTIALS_VAR);
    // `google-cloud-auth` takes an empty value for a file name, as it then reads the
    // variable itself: said here, before any other credentials could be taken instead.
    if named.as_ref().is_some_and(|v| v.is_empty()) {
        return Err(format!(
            "{CREDENTIALS_VAR} is set but empty: unset it, or name a credential file"
        )
        .into());
    }
    let well_known = well_known_file();
    let file = match (&named, &well_known) {
        (Some(path), _) => Some(PathBuf::from(path)),
        (None, Some(path)) if path.exists() => Some(path.clone()),
        (None, _) => None,
    };
    if let Some(path) = file {
        let text = read_bounded(&path).map_err(|e| {
            let by = if named.is_some() {
                format!(" (named by {CREDENTIALS_VAR})")
            } else {
                String::new()
            };
            format!(
                "the Application Default Credentials file {}{by} cannot be read: {e}",
                path.display()
            )
        })?;
        let kind = serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|json| match json.get("type") {
                Some(serde_json::Value::String(kind)) => Ok(kind.clone()),
                Some(_) => Err("its `type` is not a string".to_owned()),
                None => Err("it has no `type`".to_owned()),
            })
            .map_err(|why| {
                format!(
                    "the Application Default Credentials file {} is not a credential file: {why}",
                    path.display()
                )
            })?;
        return Ok(Origin::File { path, kind });
    }
    if std::env::var_os(METADATA_HOST_VAR).is_some() || metadata_server_answers().await {
        return Ok(Origin::MetadataServer);
    }
    let command = gcloud();
    match command.token().await {
        Ok(_) => {
            tracing::info!(
                "no Application Default Credentials: using `gcloud auth print-access-token`"
            );
            Ok(Origin::Gcloud(command))
        }
        Err(e) => {
            let file = well_known.map_or_else(
                || "gcloud's credential file".to_owned(),
                |p| p.display().to_string(),
            );
            Err(format!(
                "no Application Default Credentials: {CREDENTIALS_VAR} is not set, {file} does \
                 not exist, no metadata server answered (at {METADATA_IP}, or {METADATA_IP_VAR}), and {e}"
            )
            .into())
        }
    }
}

/// Whether a metadata server answers at its address, as Google's clients check it.
async fn metadata_server_answers() -> bool {
    let Ok(http) = reqwest::Client::builder()
        .timeout(METADATA_PING_TIMEOUT)
        .no_proxy()
        .build()
    else {
        return false;
    };
    let ip = std::env::var(METADATA_IP_VAR).unwrap_or_else(|_| METADATA_IP.to_owned());
    let response = http
        .get(format!("http://{ip}/"))
        .header("metadata-flavor", "Google")
        .send()
        .await;
    response.is_ok_and(|r| {
        r.headers()
            .get("metadata-flavor")
            .is_some_and(|v| v == "Google")
    })
}

impl TokenSource for Adc {
    fn headers<'a>(&'a self, scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap> {
        Box::pin(async move {
            match &*self.origin {
                Origin::Gcloud(command) => command.headers(scopes).await,
                _ => self.credential_headers(scopes).await,
            }
        })
    }

    fn refresh<'a>(&'a self, scopes: &'a [Scope], refused: &'a HeaderMap) -> AuthFuture<'a, bool> {
        Box::pin(async move {
            if let Origin::Gcloud(command) = &*self.origin {
                return command.refresh(scopes, refused).await;
            }
            let wanted = self.wanted(scopes);
            let mut made = self.made.lock().await;
            let Some(at) = made.iter().position(|(s, _)| *s == wanted) else {
                return Ok(true);
            };
            // Others may have had the same token refused and made new credentials already.
            let current = made[at].1.headers(Extensions::new()).await;
            let same = match &current {
                Ok(CacheableResource::New { data, .. }) => {
                    data.get(http::header::AUTHORIZATION)
                        == refused.get(http::header::AUTHORIZATION)
                }
                _ => true,
            };
            if same {
                // New credentials fetch a new token; the old ones would give the cached one
                // until it nears its expiry.
                made[at].1 = self.make(&wanted)?;
                tracing::info!("the access token was refused: fetching a new one");
            }
            Ok(true)
        })
    }

    fn universe_domain(&self) -> AuthFuture<'_, Option<String>> {
        Box::pin(async move {
            if matches!(*self.origin, Origin::Gcloud(_)) {
                return Ok(None);
            }
            let credentials = self.credentials(&[Scope::new(CLOUD_PLATFORM)]).await?;
            // As `google-cloud-auth` reads it: none named is Google Cloud's.
            let universe = credentials.universe_domain().await;
            Ok(Some(
                universe.unwrap_or_else(|| DEFAULT_UNIVERSE_DOMAIN.to_owned()),
            ))
        })
    }
}
