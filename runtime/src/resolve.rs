//! From whatever names an operation (its name, its full URL, a Compute `selfLink`) to the `get`
//! of its collection among the services given: [`resolve_among`].

use std::fmt;

use crate::codec::JsonObject;
use crate::error::{Error, ParamProblem};
use crate::fields::{OperationFields, OperationReading};
use crate::metadata::Progress;
use crate::operation::{LongRunningOperation, OperationError};
use crate::request::{Call, Defaults};
use crate::service::{
    DEFAULT_UNIVERSE_DOMAIN, EndpointKind, MethodInfo, ParamInfo, ParamLocation, Scope,
    ServiceInfo, check_universe_domain, plain_labels,
};
use crate::template::{PathTemplate, names_an_operation};

/// An operations collection, by its `get`: what [`resolve_among`] matches names and URLs against,
/// with where its operations' JSON says what the poller reads. Each service of the catalog
/// lists its own in `COLLECTIONS` (`google_operations::catalog::dataproc_v1::COLLECTIONS`,
/// re-exported by the typed module).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Collection {
    /// The collection's `get`.
    pub get: &'static MethodInfo,
    /// Its server-side `wait`, where it has one.
    pub wait: Option<&'static MethodInfo>,
    /// Its `cancel`, where it has one that takes the same path parameters.
    pub cancel: Option<&'static MethodInfo>,
    /// Where its operations' JSON tells their name, state, error and progress.
    pub operation: &'static OperationFields,
}

impl Collection {
    /// The collection whose `get` is `get`, whose operations read as `operation` says.
    pub const fn new(get: &'static MethodInfo, operation: &'static OperationFields) -> Self {
        Collection {
            get,
            wait: None,
            cancel: None,
            operation,
        }
    }

    /// The same, with the collection's server-side `wait`.
    pub const fn wait(self, wait: &'static MethodInfo) -> Self {
        Collection {
            wait: Some(wait),
            ..self
        }
    }

    /// The same, with the collection's `cancel`.
    pub const fn cancel(self, cancel: &'static MethodInfo) -> Self {
        Collection {
            cancel: Some(cancel),
            ..self
        }
    }
}

/// The `get` of a google.longrunning operation at a Google API host that no document of the
/// build describes: `GET https://HOST/VERSION/…/operations/ID`, read by
/// [`OperationFields::LONGRUNNING`].
static UNLISTED_SERVICE: ServiceInfo = ServiceInfo {
    name: "googleapis",
    version: "",
    title: "a Google API whose Discovery document this build does not have",
    revision: "",
    root_url: "https://googleapis.com/",
    mtls_root_url: None,
    service_path: "",
    endpoints: &[],
    scopes: UNLISTED_SCOPES,
    metadata: &[],
};

const UNLISTED_SCOPES: &[Scope] = &[Scope::new("https://www.googleapis.com/auth/cloud-platform")];

static UNLISTED_GET: MethodInfo = MethodInfo {
    id: "google.longrunning.Operations.GetOperation",
    http_method: "GET",
    path: "{+name}",
    params: &[ParamInfo::path("name")],
    scopes: UNLISTED_SCOPES,
    service: &UNLISTED_SERVICE,
};

static UNLISTED: Collection = Collection::new(&UNLISTED_GET, &OperationFields::LONGRUNNING);

/// The first label of the host several older APIs share as their root URL
/// (`www.googleapis.com`), and Compute Engine's `selfLink`s name: it tells no service apart.
const SHARED_LABEL: &str = "www";

/// Whether `path` is `VERSION/…/operations/ID`, as every google.longrunning operation URL of
/// a Google API is (`v1/projects/p/locations/l/operations/1`, `v2beta/operations/1`).
fn is_operation_path(path: &str) -> bool {
    let version = path.split('/').next().unwrap_or_default();
    let versioned = version.len() > 1
        && version.starts_with('v')
        && version.as_bytes()[1].is_ascii_digit()
        && version.bytes().all(|b| b.is_ascii_alphanumeric());
    versioned && path.split('/').count() >= 3 && names_an_operation(path)
}

/// The `get` request of an operation, resolved from its name or URL by [`resolve_among`]: its
/// collection and its checked path values. The request goes where its service's Discovery
/// document says: the endpoint an input URL's host names when that is one of the service's
/// published endpoints, else the locational endpoint of the path's location for a service
/// that serves a location only there ([`LOCATIONAL_BY_DEFAULT`](crate::LOCATIONAL_BY_DEFAULT))
/// or when asked ([`locational_endpoint`](Self::locational_endpoint)), else the service's root
/// URL. A root URL given to the request
/// ([`root_url`](Self::root_url)) or to the client overrides all. A host the document does not
/// name is used only when it is the host of the URL the user gave for an API the build does
/// not have ([`is_unlisted`](Self::is_unlisted)).
///
/// Poll it with `Client::poller`, like a typed request; its operations are [`AnyOperation`]s.
#[derive(Debug, Clone)]
pub struct Resolved {
    collection: &'static Collection,
    call: Call,
    /// Whether its name does not match its document's pattern (see [`resolve_among`]).
    beyond_pattern: bool,
}

impl Resolved {
    /// The collection's `get`.
    pub fn method(&self) -> &'static MethodInfo {
        self.collection.get
    }

    /// The service.
    pub fn service(&self) -> &'static ServiceInfo {
        self.collection.get.service
    }

    /// The collection.
    pub fn collection(&self) -> &'static Collection {
        self.collection
    }

    /// The full request URL.
    pub fn url(&self) -> String {
        self.call.url(&Defaults::NONE)
    }

    /// The request as an [`http::Request`], as
    /// [`Request::to_http`](crate::Request::to_http) makes it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when the root URL (an override) does not make a valid URI.
    pub fn to_http(&self) -> Result<http::Request<Vec<u8>>, Error> {
        self.call.to_http(&Defaults::NONE)
    }

    /// Sends the request to `root_url` instead of the service's: a regional or private
    /// endpoint, or an emulator.
    pub fn root_url(mut self, root_url: impl Into<String>) -> Self {
        self.call.root_url = Some(root_url.into());
        self
    }

    /// Sends the request to the service's regional endpoint for the path's location, where
    /// its document publishes one, as
    /// [`Request::regional_endpoint`](crate::Request::regional_endpoint) does.
    pub fn regional_endpoint(mut self) -> Self {
        self.call.endpoint = Some(EndpointKind::Regional);
        self
    }

    /// Sends the request to the service's locational endpoint for the path's location, where
    /// its document publishes one, as
    /// [`Request::locational_endpoint`](crate::Request::locational_endpoint) does.
    pub fn locational_endpoint(mut self) -> Self {
        self.call.endpoint = Some(EndpointKind::Locational);
        self
    }

    /// Whether no document of the build describes the operation's API, so that it is polled
    /// as a plain google.longrunning operation at the URL given (see [`resolve_among`]).
    pub fn is_unlisted(&self) -> bool {
        std::ptr::eq(self.collection, &UNLISTED)
    }

    /// Whether the name does not match the pattern its document gives, and went through
    /// because it was tied to its service (see [`resolve_among`]).
    pub fn is_beyond_pattern(&self) -> bool {
        self.beyond_pattern
    }

    #[cfg(feature = "client")]
    pub(crate) fn call(&self) -> &Call {
        &self.call
    }

    /// Reads an operation of this collection from its JSON: a response to this request sent
    /// by any HTTP stack.
    ///
    /// # Errors
    ///
    /// When a field the collection's [`OperationFields`] names has another JSON type than its
    /// schema gives it (a `done` that is a string, an `error` that is a list).
    pub fn operation(&self, json: JsonObject) -> Result<AnyOperation, serde_json::Error> {
        let summary = self.collection.operation.read(&json)?;
        let mut op = AnyOperation {
            json,
            summary,
            fields: self.collection.operation,
        };
        // The model read the operation's own fields; its service adds what its metadata says.
        op.summary.progress = self.service().progress(&op);
        Ok(op)
    }
}

/// An operation of a [`Resolved`] request: its JSON as received, read by its collection's
/// model. Its [`progress`](LongRunningOperation::progress) is all its service can tell: its own
/// fields and its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyOperation {
    json: JsonObject,
    summary: OperationReading,
    fields: &'static OperationFields,
}

impl AnyOperation {
    /// The operation's JSON, as received.
    pub fn json(&self) -> &JsonObject {
        &self.json
    }
}

impl serde::Serialize for AnyOperation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl LongRunningOperation for AnyOperation {
    fn name(&self) -> Option<&str> {
        self.summary.name.as_deref()
    }

    fn is_done(&self) -> bool {
        self.summary.done
    }

    fn metadata(&self) -> Option<&JsonObject> {
        self.json
            .get(self.fields.metadata?)
            .and_then(serde_json::Value::as_object)
    }

    fn response(&self) -> Option<&JsonObject> {
        self.json
            .get(self.fields.response?)
            .and_then(serde_json::Value::as_object)
    }

    fn error(&self) -> Option<OperationError> {
        self.summary.error.clone()
    }

    fn progress(&self) -> Progress {
        self.summary.progress.clone()
    }
}

/// Why an operation name or URL was not resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// The input is not a name or URL this crate accepts (another host, userinfo, a query,
    /// a fragment, an escape, an empty or dot segment…); the text says what.
    Refused {
        /// The input.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No collection of the enabled services has that shape.
    NoMatch {
        /// The input.
        input: String,
        /// The service hint, if one was given.
        hint: Option<String>,
    },
    /// Several collections fit; a service hint (module name such as `dataproc_v1`, or
    /// Discovery name such as `dataproc` or `dataproc.v1`) picks one.
    Ambiguous {
        /// The input.
        input: String,
        /// The `get` methods that fit, each as `module: Discovery id`.
        candidates: Vec<String>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Refused { input, reason } => write!(f, "{input:?} refused: {reason}"),
            ResolveError::NoMatch { input, hint } => {
                write!(f, "{input:?} is no operation of ")?;
                match hint {
                    Some(hint) => write!(f, "service {hint:?} (or that service is not enabled)"),
                    None => f.write_str("any enabled service"),
                }
            }
            ResolveError::Ambiguous { input, candidates } => {
                const SHOWN: usize = 8;
                write!(f, "{input:?} fits {} collections: ", candidates.len())?;
                let shown: Vec<&str> = candidates.iter().take(SHOWN).map(String::as_str).collect();
                f.write_str(&shown.join(", "))?;
                if candidates.len() > SHOWN {
                    write!(f, " and {} more", candidates.len() - SHOWN)?;
                }
                f.write_str("; name the service (e.g. `dataproc_v1` or `dataproc`) to pick one")
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// Resolves an operation name (`projects/p/regions/us-central1/operations/123`), a full
/// operation URL, or a Compute `selfLink`
/// (`https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1`)
/// to the `get` of its collection among `modules` (each service module's `COLLECTIONS`);
/// `hint` (a module name such as `compute_v1`, a Discovery name such as `compute`, or
/// `compute.v1`) narrows the candidates. `google_operations::resolve` calls it with the
/// collections of the services its build enables.
///
/// A URL must be `https` on a Google API host (`googleapis.com` or a subdomain, labels of
/// letters, digits and `-`), with no userinfo, port other than 443, query, fragment or percent
/// escape; a URL on a host a service's document names (its root, mTLS root or a published
/// endpoint, but not the shared `www.googleapis.com`) names that service, and is sent to that
/// endpoint. Names and paths may hold no empty, `.` or `..` segment, and every value must
/// match its parameter's pattern, or, for a name tied to its service by the hint or the host,
/// at least end in `operations/ID` ([`Resolved::is_beyond_pattern`]).
///
/// A URL that no collection fits, given without a hint, whose path is
/// `VERSION/…/operations/ID` (an API missing from the Discovery directory, such as
/// Memorystore's) resolves to a plain google.longrunning `GET` of that URL
/// ([`Resolved::is_unlisted`]).
///
/// ```
/// use google_operations::{dataproc_v1, resolve_among};
///
/// let get = resolve_among(
///     &[dataproc_v1::COLLECTIONS],
///     "https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/123",
///     None,
/// )?;
/// assert_eq!(get.method().id, "dataproc.projects.regions.operations.get");
/// // Another host is refused, never called.
/// assert!(resolve_among(
///     &[dataproc_v1::COLLECTIONS],
///     "https://dataproc.googleapis.com.evil.example/v1/projects/p/regions/r/operations/1",
///     None,
/// )
/// .is_err());
/// # Ok::<(), google_operations::ResolveError>(())
/// ```
///
/// # Errors
///
/// [`ResolveError`]: the input refused, no collection fitting it, or several.
pub fn resolve_among(
    modules: &[&'static [Collection]],
    input: &str,
    hint: Option<&str>,
) -> Result<Resolved, ResolveError> {
    resolve_among_in_universe(modules, input, hint, DEFAULT_UNIVERSE_DOMAIN)
}

/// As [`resolve_among`], in the universe domain `universe` (`s3nsapis.fr` for S3NS's Trusted
/// Partner Cloud): `universe` stands for `googleapis.com` in every host the rules name (a URL
/// must be on `universe` or a subdomain of it; the documents' root URLs, mTLS root URLs and
/// endpoints are matched with `googleapis.com` replaced by it), and the request goes to the
/// service's hosts in that universe. URLs on `googleapis.com` are refused in another universe.
///
/// ```
/// use google_operations::{dataproc_v1, resolve_among_in_universe};
///
/// let get = resolve_among_in_universe(
///     &[dataproc_v1::COLLECTIONS],
///     "https://dataproc.s3nsapis.fr/v1/projects/p/regions/u-france-east1/operations/123",
///     None,
///     "s3nsapis.fr",
/// )?;
/// assert_eq!(
///     get.url(),
///     "https://dataproc.s3nsapis.fr/v1/projects/p/regions/u-france-east1/operations/123"
/// );
/// assert!(resolve_among_in_universe(
///     &[dataproc_v1::COLLECTIONS],
///     "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/1",
///     None,
///     "s3nsapis.fr",
/// )
/// .is_err());
/// # Ok::<(), google_operations::ResolveError>(())
/// ```
///
/// # Errors
///
/// As [`resolve_among`]; and [`ResolveError::Refused`] when `universe` is not a domain.
pub fn resolve_among_in_universe(
    modules: &[&'static [Collection]],
    input: &str,
    hint: Option<&str>,
    universe: &str,
) -> Result<Resolved, ResolveError> {
    let input = Input::parse(input, universe)?;
    let collections = || modules.iter().flat_map(|m| m.iter());
    // A URL on a host some service of the build owns names that service: only its
    // collections are candidates. On another host (the shared `www.googleapis.com` of Compute
    // `selfLink`s and older APIs, an older regional host) any collection whose full path fits
    // is.
    let known_host = input.host.as_deref().is_some_and(|h| {
        !h.eq_ignore_ascii_case(&input.shared_host())
            && collections().any(|c| {
                c.get
                    .service
                    .root_url_of_host_in(h, &input.universe)
                    .is_some()
            })
    });
    let mut fits: Vec<Fit> = collections()
        .filter(|c| hint.is_none_or(|h| names_service(h, c.get.service)))
        .filter_map(|c| Fit::of(c, &input))
        .collect();
    if known_host {
        fits.retain(|fit| fit.own_root.is_some());
    }
    let checked = check(fits, &input, hint, known_host);
    choose(checked, &input, hint, known_host)
}

/// What names the operation, checked: the host of a URL and the path of a URL or name.
struct Input<'a> {
    /// As given.
    text: &'a str,
    /// The host of a URL, lower case; `None` for a name.
    host: Option<String>,
    /// The path of a URL without its leading `/`, or the name.
    path: &'a str,
    /// The universe domain, lower case.
    universe: String,
}

impl<'a> Input<'a> {
    /// Refuses what no operation's name or URL holds, and a URL that is not `https` on a host
    /// of the universe domain `universe`.
    fn parse(text: &'a str, universe: &str) -> Result<Self, ResolveError> {
        let refuse = |reason: &str| refused(text, reason);
        let universe = universe.to_ascii_lowercase();
        check_universe_domain(&universe).map_err(|e| refuse(&e))?;
        if text.is_empty() {
            return Err(refuse("empty"));
        }
        // Bidirectional controls are refused with the control characters: shown, they would
        // reorder the text around them.
        let bidi = |c: &char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if let Some(c) = text
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || bidi(c))
        {
            return Err(refuse(&format!("holds {c:?}")));
        }
        for (c, what) in [
            ('?', "a query"),
            ('#', "a fragment"),
            ('%', "a percent escape"),
            ('\\', "a backslash"),
        ] {
            if text.contains(c) {
                return Err(refuse(&format!("holds {what}")));
            }
        }
        let mut input = Input {
            text,
            host: None,
            path: text.trim_start_matches('/'),
            universe,
        };
        if let Some((scheme, rest)) = text.split_once("://") {
            input.url(scheme, rest)?;
        }
        if input
            .path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(refuse("has an empty, `.` or `..` segment"));
        }
        Ok(input)
    }

    /// Takes the host and path of a URL of `scheme` whose `rest` follows the `://`.
    fn url(&mut self, scheme: &str, rest: &'a str) -> Result<(), ResolveError> {
        let refuse = |reason: &str| refused(self.text, reason);
        if !scheme.eq_ignore_ascii_case("https") {
            return Err(refuse("only https URLs are accepted"));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            return Err(refuse("holds userinfo (`@`)"));
        }
        let host = match authority.rsplit_once(':') {
            Some((host, "443")) => host,
            Some(_) => return Err(refuse("names a port other than 443")),
            None => authority,
        };
        let host = host.to_ascii_lowercase();
        // Plain labels only: a `:` or other punctuation left in the host would let an HTTP
        // stack read another host out of it.
        if !self.in_universe(&host) || !plain_labels(&host) {
            let what = if self.universe == DEFAULT_UNIVERSE_DOMAIN {
                "a Google API host".to_owned()
            } else {
                format!("a host of the universe domain {:?}", self.universe)
            };
            return Err(refuse(&format!("{host:?} is not {what}")));
        }
        self.host = Some(host);
        self.path = path;
        Ok(())
    }

    /// Whether `host` is the universe domain or a subdomain of it.
    fn in_universe(&self, host: &str) -> bool {
        host == self.universe
            || host
                .strip_suffix(self.universe.as_str())
                .is_some_and(|head| head.ends_with('.'))
    }

    /// The host several older APIs share, in this universe.
    fn shared_host(&self) -> String {
        format!("{SHARED_LABEL}.{}", self.universe)
    }

    /// The universe a request goes to: a URL names its own, which a client of another never
    /// sends to (its host is not rewritten into the client's); outside `googleapis.com`, every
    /// request goes to that universe's hosts.
    fn own_universe(&self) -> Option<String> {
        (self.host.is_some() || self.universe != DEFAULT_UNIVERSE_DOMAIN)
            .then(|| self.universe.clone())
    }
}

fn refused(input: &str, reason: &str) -> ResolveError {
    ResolveError::Refused {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A collection whose `get` template fits the input.
struct Fit {
    collection: &'static Collection,
    /// The path values, in the order of the method's path parameters.
    values: Vec<String>,
    /// The service's own root URL for the input's host, when the host is one its document
    /// names (its root, mTLS root, or a locational or regional endpoint).
    own_root: Option<&'static str>,
}

impl Fit {
    /// Whether `collection`'s `get` fits: a URL's path against the service path and template,
    /// a name against the template, or as a bare name without its literal head or version.
    fn of(collection: &'static Collection, input: &Input<'_>) -> Option<Fit> {
        let (get, service) = (collection.get, collection.get.service);
        let template = PathTemplate::checked(get.path);
        let values = match &input.host {
            Some(_) => {
                let full = format!("{}{}", service.service_path, get.path);
                in_param_order(get, PathTemplate::checked(&full).match_path(input.path)?)
            }
            None => in_param_order(
                get,
                template
                    .match_path(input.path)
                    .or_else(|| template.without_literal_head().match_path(input.path))
                    .or_else(|| {
                        template
                            .without_version(service.version)?
                            .match_path(input.path)
                    })?,
            ),
        }?;
        let own_root = input
            .host
            .as_deref()
            .and_then(|h| service.root_url_of_host_in(h, &input.universe));
        Some(Fit {
            collection,
            values,
            own_root,
        })
    }

    /// The request, with the path values as `call`, sent where the input named.
    fn resolved(&self, mut call: Call, input: &Input<'_>, beyond_pattern: bool) -> Resolved {
        // A URL on one of the service's published endpoints is sent to that endpoint, as the
        // document spells it; on its root URL, as any request.
        if let Some(root) = self
            .own_root
            .filter(|r| *r != self.collection.get.service.root_url)
        {
            call.resolved_root = Some(root.to_owned());
        }
        call.universe = input.own_universe();
        Resolved {
            collection: self.collection,
            call,
            beyond_pattern,
        }
    }
}

/// The fits whose values pass the method's own checks (patterns, segments); failing those,
/// the fits whose values pass all but the pattern where the user tied the name to the service.
fn check(fits: Vec<Fit>, input: &Input<'_>, hint: Option<&str>, known_host: bool) -> Vec<Resolved> {
    let mut checked: Vec<Resolved> = Vec::new();
    let mut beyond: Vec<Resolved> = Vec::new();
    for fit in fits {
        match Call::for_values(fit.collection.get, fit.values.clone()) {
            Ok(call) => checked.push(fit.resolved(call, input, false)),
            // Services return and serve names their documents' patterns do not cover (Cloud
            // Build's worker-pool operations under `v1/{+name}`). Such a name goes through
            // when it passes every other check, ends in `operations/ID`, and the user tied it
            // to the service: a URL on a host of the service's own, or the service named.
            Err(Error::InvalidParameter {
                problem: ParamProblem::PatternMismatch,
                ..
            }) if names_an_operation(input.path)
                && ((known_host && fit.own_root.is_some())
                    || hint.is_some_and(|h| names_service(h, fit.collection.get.service))) =>
            {
                if let Ok(call) =
                    Call::for_values_beyond_pattern(fit.collection.get, fit.values.clone())
                {
                    beyond.push(fit.resolved(call, input, true));
                }
            }
            Err(_) => {}
        }
    }
    if checked.is_empty() && !beyond.is_empty() {
        #[cfg(feature = "client")]
        tracing::warn!(
            method = beyond[0].method().id,
            "{} does not match the pattern of the operation name in the service's \
             Discovery document; polling it as given, since the service was named",
            input.text
        );
        return beyond;
    }
    checked
}

/// The one request among those that passed their checks: the best named of several that make
/// the same request, the most stable version the hint leaves, a plain google.longrunning `get`
/// for an API the build does not have, or an error.
fn choose(
    mut checked: Vec<Resolved>,
    input: &Input<'_>,
    hint: Option<&str>,
    known_host: bool,
) -> Result<Resolved, ResolveError> {
    if checked.len() > 1 && checked.iter().all(|r| r.url() == checked[0].url()) {
        return Ok(best_named(checked));
    }
    // A hint that names the API but not its version (`container`) takes its most stable
    // version among several that fit: GA over beta over alpha, then the highest.
    let one_api = |hint: &str| {
        checked
            .iter()
            .all(|r| r.service().name.eq_ignore_ascii_case(hint))
    };
    if hint.is_some_and(|h| checked.len() > 1 && one_api(h)) {
        let chosen = most_stable(&mut checked);
        #[cfg(feature = "client")]
        for other in &checked {
            tracing::debug!(
                chosen = chosen.method().id,
                version = chosen.service().version,
                also_fits = other.service().version,
                "{} without a version: the most stable version that fits is taken",
                hint.unwrap_or_default()
            );
        }
        return Ok(chosen);
    }
    // An https URL on a Google API host, shaped like an operation's, that no collection of
    // the build fits (or, on a host no service of the build owns, several fit): an API
    // missing from the Discovery directory, polled as a plain google.longrunning operation at
    // that URL, which the user gave.
    let unlisted = hint.is_none() && is_operation_path(input.path);
    match (checked.len(), input.host.as_deref()) {
        (0, Some(host)) | (2.., Some(host))
            if unlisted
                && host.len() > input.universe.len()
                && input.in_universe(host)
                && (checked.is_empty() || !known_host) =>
        {
            unlisted_get(input, host)
        }
        (0, _) => Err(ResolveError::NoMatch {
            input: input.text.to_owned(),
            hint: hint.map(str::to_owned),
        }),
        (1, _) => Ok(checked.remove(0)),
        _ => Err(ResolveError::Ambiguous {
            input: input.text.to_owned(),
            candidates: checked
                .iter()
                .map(|r| {
                    format!(
                        "{}_{}: {}",
                        r.service().name,
                        r.service().version,
                        r.method().id
                    )
                })
                .collect(),
        }),
    }
}

/// Of several collections that make the very same request, the one that names it best.
///
/// Documents of several versions can carry one method (Cloud Resource Manager v1, v2 and
/// v2beta1 all have `v1/{+name}`), or a collection's pattern also take another's names
/// (Logging's `locations.operations` and `organizations.locations.operations`). The same URL
/// is one request, named by the collection whose document's version, and the most of whose
/// resource names, are segments of it.
fn best_named(mut same: Vec<Resolved>) -> Resolved {
    let url = same[0].url();
    let segments: Vec<&str> = url.split('/').collect();
    let fit = |r: &Resolved| {
        let version = segments.contains(&r.service().version);
        let names = r
            .method()
            .id
            .split('.')
            .filter(|word| segments.contains(word))
            .count();
        (version, names)
    };
    let best = (0..same.len())
        .max_by_key(|&i| (fit(&same[i]), std::cmp::Reverse(i)))
        .unwrap_or(0);
    same.swap_remove(best)
}

/// Takes the most stable version out of `versions`: GA over beta over alpha, then the
/// highest.
fn most_stable(versions: &mut Vec<Resolved>) -> Resolved {
    let best = (0..versions.len())
        .max_by_key(|&i| {
            (
                version_rank(versions[i].service().version),
                std::cmp::Reverse(i),
            )
        })
        .unwrap_or(0);
    versions.swap_remove(best)
}

/// A plain google.longrunning `get` of the URL the user gave, on `host`.
fn unlisted_get(input: &Input<'_>, host: &str) -> Result<Resolved, ResolveError> {
    let mut call = Call::for_values(&UNLISTED_GET, vec![input.path.to_owned()])
        .map_err(|e| refused(input.text, &e.to_string()))?;
    call.resolved_root = Some(format!("https://{host}/"));
    call.universe = input.own_universe();
    #[cfg(feature = "client")]
    tracing::warn!(
        method = UNLISTED_GET.id,
        "{}: no document of this build describes it; polling it as a plain \
         google.longrunning operation at that URL",
        input.text
    );
    Ok(Resolved {
        collection: &UNLISTED,
        call,
        beyond_pattern: false,
    })
}

/// Whether `hint` names `service`: its module (`dataproc_v1`), its Discovery name
/// (`dataproc`) or both (`dataproc.v1`, `dataproc:v1`).
fn names_service(hint: &str, service: &ServiceInfo) -> bool {
    let hint = hint.to_ascii_lowercase();
    let module = format!("{}_{}", service.name, service.version).to_ascii_lowercase();
    hint == service.name.to_ascii_lowercase() || hint.replace(['.', ':'], "_") == module
}

/// How stable a Discovery version is, for choosing among versions: GA (`v1`, `v2`) over beta
/// (`v1beta1`, `v1b3`) over alpha (`v1alpha`), then the higher major version, then the higher
/// pre-release number.
fn version_rank(version: &str) -> (u8, u32, u32) {
    let lower = version.to_ascii_lowercase();
    let digits = |text: &str| -> u32 {
        let run: String = text.chars().take_while(char::is_ascii_digit).collect();
        run.parse().unwrap_or(0)
    };
    let major = digits(lower.trim_start_matches('v'));
    let (stability, rest) = if let Some(at) = lower.find("alpha") {
        (0, &lower[at + "alpha".len()..])
    } else if let Some(at) = lower.find("beta") {
        (1, &lower[at + "beta".len()..])
    } else if let Some(at) = lower.find('b').filter(|&at| at > 1) {
        (1, &lower[at + 1..])
    } else {
        (2, "")
    };
    (stability, major, digits(rest))
}

/// The values of `method`'s path parameters, in the order it lists them, from the
/// `(name, value)` pairs of a template match.
fn in_param_order(method: &MethodInfo, mut pairs: Vec<(&str, &str)>) -> Option<Vec<String>> {
    let names: Vec<&str> = method
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| p.name)
        .collect();
    if names.len() != pairs.len() {
        return None;
    }
    names
        .iter()
        .map(|name| {
            let at = pairs.iter().position(|(n, _)| n == name)?;
            Some(pairs.swap_remove(at).1.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_rank_ga_over_beta_over_alpha() {
        let mut versions = vec![
            "v1beta1", "v1", "v1alpha", "v2", "v1beta4", "v1b3", "v2alpha1", "v1beta",
        ];
        versions.sort_by_key(|v| std::cmp::Reverse(version_rank(v)));
        assert_eq!(
            versions,
            [
                "v2", "v1", "v1beta4", "v1b3", "v1beta1", "v1beta", "v2alpha1", "v1alpha"
            ]
        );
    }
}
