//! The async client (feature `client`): sends requests with a token, retries transient
//! failures and waits for operations.

#[cfg(feature = "adc")]
mod adc;
mod auth;
mod connections;
mod list;
mod poll;
mod rate;
mod retry;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderValue;
use serde::de::DeserializeOwned;

#[cfg(feature = "adc")]
pub use adc::Adc;
pub use auth::{AuthFuture, EnvToken, QUOTA_PROJECT_HEADER, Token, TokenCommand, TokenSource};
pub use poll::{PollPolicy, PollState, Pollable, Poller};
pub use rate::RateLimit;
pub use retry::RetryPolicy;

use crate::api_error::ApiError;
use crate::error::{BoxError, Error, TransportKind};
use crate::request::{Call, Defaults, Request};
use crate::response::decode;
use crate::service::{DEFAULT_UNIVERSE_DOMAIN, EndpointKind, check_universe_domain};

/// An HTTP client for the requests of every service in this crate, over reqwest and rustls
/// (with the `ring` provider and the platform's certificate verifier).
///
/// Cheap to clone: clones share connections and settings.
///
/// ```no_run
/// use google_operations::{Client, EnvToken, dataproc_v1};
///
/// # async fn run() -> Result<(), google_operations::Error> {
/// let client = Client::builder().token_source(EnvToken::new()).build()?;
/// let get = dataproc_v1::ProjectsRegionsOperationsGet::new("projects/p/regions/r/operations/o")?;
/// let operation = client
///     .poller(&get)
///     .on_progress(|op| println!("still running: {:?}", op.metadata))
///     .wait()
///     .await?;
/// println!("done: {:?}", operation.response);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// The HTTP stacks, each with its pool of connections.
    lanes: connections::Lanes,
    tokens: Option<Box<dyn TokenSource>>,
    root_url: Option<String>,
    endpoint: Option<EndpointKind>,
    attempt_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    poll: PollPolicy,
    /// When each request may start: the rate limit, and the hold-back after a 429 (or a
    /// rate-limit 403): one waiter's "too many requests" slows all that share the client,
    /// instead of each retrying on its own.
    pacer: rate::Pacer,
    /// The largest response body read, in bytes.
    max_response_size: u64,
    /// The most HTTP exchanges in flight at once, when they are bounded.
    max_requests: Option<usize>,
    /// One permit per exchange that may be in flight, handed out first come, first served.
    slots: Option<tokio::sync::Semaphore>,
    /// The quota project sent as `x-goog-user-project`, over the token source's.
    quota_project: Option<HeaderValue>,
    /// The universe domain, `googleapis.com` by default.
    universe: String,
    /// Whether the token source's universe domain is the client's: checked once, before the
    /// first request.
    universe_check: tokio::sync::OnceCell<Result<(), (String, String)>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("token_source", &inner.tokens.as_ref().map(|_| "<set>"))
            .field("root_url", &inner.root_url)
            .field("endpoint", &inner.endpoint)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("poll", &inner.poll)
            .field("rate_limit", &inner.pacer.limit())
            .field("max_concurrent_requests", &inner.max_requests)
            .field("max_response_size", &inner.max_response_size)
            .field("quota_project", &inner.quota_project)
            .field("universe_domain", &inner.universe)
            .finish()
    }
}

/// Settings of a [`Client`]; made by [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    tokens: Option<Box<dyn TokenSource>>,
    root_url: Option<String>,
    endpoint: Option<EndpointKind>,
    attempt_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    poll: PollPolicy,
    max_requests: Option<usize>,
    rate_limit: Option<RateLimit>,
    max_response_size: u64,
    quota_project: Option<String>,
    universe: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token_source", &self.tokens.as_ref().map(|_| "<set>"))
            .field("root_url", &self.root_url)
            .field("endpoint", &self.endpoint)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("poll", &self.poll)
            .field("rate_limit", &self.rate_limit)
            .field("max_concurrent_requests", &self.max_requests)
            .field("max_response_size", &self.max_response_size)
            .field("quota_project", &self.quota_project)
            .field("universe_domain", &self.universe)
            .finish()
    }
}

impl ClientBuilder {
    /// The variable that names the quota project when [`quota_project`](Self::quota_project)
    /// does not, as for Google's own clients.
    pub const QUOTA_PROJECT_VAR: &'static str = "GOOGLE_CLOUD_QUOTA_PROJECT";

    /// The variable that names the universe domain when
    /// [`universe_domain`](Self::universe_domain) does not, as for Google's own clients.
    pub const UNIVERSE_DOMAIN_VAR: &'static str = "GOOGLE_CLOUD_UNIVERSE_DOMAIN";

    /// The universe domain a client uses: `given`, else the variable
    /// [`UNIVERSE_DOMAIN_VAR`](Self::UNIVERSE_DOMAIN_VAR) where it is set and not blank, else
    /// `googleapis.com`; trimmed and in lowercase. [`build`](Self::build) checks that it is a
    /// domain.
    pub fn universe_domain_in_effect(given: Option<&str>) -> String {
        given_or_env(given, Self::UNIVERSE_DOMAIN_VAR).map_or_else(
            || DEFAULT_UNIVERSE_DOMAIN.to_owned(),
            |u| u.to_ascii_lowercase(),
        )
    }

    /// The quota project: the project billed, and whose quota is spent, for requests made
    /// with user credentials (some APIs refuse such requests without one). Sent as
    /// `x-goog-user-project` with every request, whatever the token source.
    ///
    /// Without it, the quota project is `GOOGLE_CLOUD_QUOTA_PROJECT` when it is set, else the
    /// token source's (`Adc`'s: the credential file's `quota_project_id`, written by `gcloud
    /// auth application-default set-quota-project`), else none.
    pub fn quota_project(mut self, project: impl Into<String>) -> Self {
        self.quota_project = Some(project.into());
        self
    }

    /// The universe domain (`s3nsapis.fr` for S3NS's Trusted Partner Cloud): it replaces
    /// `googleapis.com` in every root URL and endpoint the Discovery documents give, so that
    /// `https://dataproc.googleapis.com/` becomes `https://dataproc.s3nsapis.fr/`. A root URL
    /// given to the client or to a request is used as it is.
    ///
    /// Without it, the universe domain is `GOOGLE_CLOUD_UNIVERSE_DOMAIN` when it is set, else
    /// `googleapis.com`. A token source whose credentials belong to another universe (see
    /// [`TokenSource::universe_domain`]) gets [`Error::UniverseDomain`] before any request is
    /// sent.
    pub fn universe_domain(mut self, universe: impl Into<String>) -> Self {
        self.universe = Some(universe.into());
        self
    }

    /// Where tokens come from. Without one, requests carry no `authorization` header.
    pub fn token_source(mut self, tokens: impl TokenSource + 'static) -> Self {
        self.tokens = Some(Box::new(tokens));
        self
    }

    /// Sends every request to `root_url` (a regional endpoint, a proxy or an emulator) instead
    /// of its service's, as [`Request::root_url`] does; a request's own override wins.
    pub fn root_url(mut self, root_url: impl Into<String>) -> Self {
        self.root_url = Some(root_url.into());
        self
    }

    /// Sends every request to its service's regional endpoint for the location its path
    /// names, where the Discovery document publishes one, as
    /// [`Request::regional_endpoint`] does for one request.
    pub fn regional_endpoints(self, regional: bool) -> Self {
        self.prefer(EndpointKind::Regional, regional)
    }

    /// Sends every request to its service's locational endpoint for the location its path
    /// names, where the Discovery document publishes one, as
    /// [`Request::locational_endpoint`] does for one request. The last of this and
    /// [`regional_endpoints`](Self::regional_endpoints) set to `true` wins.
    pub fn locational_endpoints(self, locational: bool) -> Self {
        self.prefer(EndpointKind::Locational, locational)
    }

    fn prefer(mut self, kind: EndpointKind, on: bool) -> Self {
        if on {
            self.endpoint = Some(kind);
        } else if self.endpoint == Some(kind) {
            self.endpoint = None;
        }
        self
    }

    /// The longest one HTTP exchange may take, from sending to the end of the body
    /// (default 30 s). A slower one counts as a transient failure.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The longest one [`Client::send`] may take, its retries and the waits between them
    /// included (default 2 minutes), from when its first request starts: the wait for a turn
    /// under the [`rate_limit`](Self::rate_limit) comes before. A server-side `wait` that the
    /// service may hold longer (Compute's two minutes) is given that long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How transient failures are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How [`Client::poller`] and [`Client::until_done`] poll unless told otherwise (default
    /// [`PollPolicy::default`]).
    pub fn poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    /// Bounds how many requests this client (and its clones) starts a second (by default
    /// they are not bounded): see [`RateLimit`]. The bound that suits a fleet of pollers
    /// sharing a project's per-minute quota, since a request in flight, such as a server-side
    /// `wait`, holds nothing.
    ///
    /// A request over the bound waits its turn, first come, first served; one whose turn would
    /// come after its call's deadline fails at once ([`Error::Transport`], a timeout).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Bounds the HTTP exchanges of this client (and its clones) in flight at once to
    /// `requests` (at least 1); by default they are not bounded.
    ///
    /// An exchange beyond the bound waits for a slot, first come, first served, within its
    /// call's timeout; pauses between polls and retries hold no slot. A server-side `wait`
    /// holds its slot for as long as the service waits (up to
    /// [`PollPolicy::server_wait`]), so that with fewer slots than operations, finished
    /// operations can queue behind unfinished ones: to spare a quota, bound the rate instead
    /// ([`rate_limit`](Self::rate_limit)).
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.max_requests = Some(requests.max(1));
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB; at least 1 KiB). An operation is a few
    /// kilobytes, a page of a `list` rarely more than a megabyte; a larger answer is
    /// [`Error::ResponseTooLarge`], read no further (refused on its `Content-Length` before
    /// any of it is read, where it announces one) and not retried, so that a client's memory
    /// stays within about this much per request in flight.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes.max(1024);
        self
    }

    /// Makes the client.
    ///
    /// # Errors
    ///
    /// [`Error::Setup`] when TLS or the HTTP client cannot be set up (e.g. no root
    /// certificates are found), or the quota project or universe domain is not valid;
    /// [`Error::NotHttp`] when the root URL is not an `http://` or `https://` URL.
    pub fn build(self) -> Result<Client, Error> {
        use rustls_platform_verifier::BuilderVerifierExt;
        if let Some(url) = &self.root_url {
            check_scheme(url)?;
        }
        let setup = |e: BoxError| Error::Setup { source: e };
        let quota_project =
            match given_or_env(self.quota_project.as_deref(), Self::QUOTA_PROJECT_VAR) {
                Some(project) => Some(HeaderValue::try_from(project.as_str()).map_err(|_| {
                    setup(
                        format!("the quota project {project:?} is not a valid header value").into(),
                    )
                })?),
                None => None,
            };
        let universe = Self::universe_domain_in_effect(self.universe.as_deref());
        check_universe_domain(&universe).map_err(|e| setup(e.into()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| setup(e.into()))?
            .with_platform_verifier()
            .map_err(|e| setup(e.into()))?
            .with_no_client_auth();
        let mut tls = tls;
        // HTTP/2 where the server offers it, as Google's front ends do; HTTP/1.1 elsewhere.
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let http = move |idle: usize| {
            reqwest::Client::builder()
                .tls_backend_preconfigured(tls.clone())
                // Enough idle connections for steady polling; a burst of thousands of waiters
                // does not leave thousands open.
                .pool_max_idle_per_host(idle)
                // Google APIs do not redirect these requests: a 3xx is an answer to report,
                // never a host to believe (see `Error::Redirected`).
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .user_agent(concat!("google-operations/", env!("CARGO_PKG_VERSION")))
                .build()
        };
        let first = http(IDLE_CONNECTIONS).map_err(|e| setup(e.into()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                // A lane past the first serves a burst over HTTP/2: over HTTP/1.1 it keeps
                // next to nothing idle.
                lanes: connections::Lanes::new(first, move || {
                    http(IDLE_CONNECTIONS_PAST_FIRST_LANE).ok()
                }),
                tokens: self.tokens,
                root_url: self.root_url,
                endpoint: self.endpoint,
                attempt_timeout: self.attempt_timeout,
                timeout: self.timeout,
                retry: self.retry,
                poll: self.poll,
                pacer: rate::Pacer::new(self.rate_limit),
                max_requests: self.max_requests,
                slots: self.max_requests.map(tokio::sync::Semaphore::new),
                max_response_size: self.max_response_size,
                quota_project,
                universe,
                universe_check: tokio::sync::OnceCell::new(),
            }),
        })
    }
}

impl Client {
    /// Starts the settings of a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            tokens: None,
            root_url: None,
            endpoint: None,
            attempt_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            max_requests: None,
            rate_limit: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            quota_project: None,
            universe: None,
        }
    }

    /// Sends `request` and decodes its response, retrying transient failures as the
    /// [`RetryPolicy`] says, within the client's overall timeout from its first request. Under
    /// a [`rate_limit`](ClientBuilder::rate_limit) it first waits its turn, for as long as that
    /// takes.
    ///
    /// # Errors
    ///
    /// The last attempt's [`Error::Api`], [`Error::Transport`], [`Error::Decode`],
    /// [`Error::Redirected`] or [`Error::ResponseTooLarge`], each naming the method and the
    /// number of attempts; [`Error::Auth`] when the token source fails (or gives no token
    /// before the timeout), [`Error::TokenRefused`] when the server refuses its token, and
    /// [`Error::UniverseDomain`] when the credentials or the request belong to another
    /// universe domain.
    pub async fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.send_once(request.call()).await
    }

    /// A [`Poller`] for the operation `request` gets, with the client's [`PollPolicy`].
    pub fn poller<'a, R: Pollable>(&'a self, request: &'a R) -> Poller<'a, R, fn(&R::Operation)> {
        Poller::new(self, request)
    }

    /// Polls the operation `request` gets until it is done, with the client's [`PollPolicy`],
    /// and returns it; see [`Poller::wait`].
    pub async fn until_done<R: Pollable>(&self, request: &R) -> Result<R::Operation, Error> {
        self.poller(request).wait().await
    }

    /// When a call whose first request starts now must end: after the overall timeout, or at
    /// `limit` if sooner. A call whose answer the server may hold for `held` (a server-side
    /// `wait`, which Compute holds for two minutes) has at least that, so that the overall
    /// timeout does not cut the answer short.
    fn call_deadline(&self, limit: Option<Instant>, held: Duration) -> Option<Instant> {
        let own = Instant::now().checked_add(self.inner.timeout.max(held));
        match (own, limit) {
            (Some(own), Some(limit)) => Some(own.min(limit)),
            (own, limit) => own.or(limit),
        }
    }

    /// Sends `call` alone, not as a poll: within the client's overall timeout and attempt
    /// timeout.
    pub(crate) async fn send_once<T: DeserializeOwned>(&self, call: &Call) -> Result<T, Error> {
        self.send_call(call, None, self.inner.attempt_timeout, Duration::ZERO)
            .await
    }

    /// Sends `call` and decodes its response as `T`, retrying transient failures; each
    /// attempt may take `attempt_timeout`, and the whole call must end by `limit` and within
    /// the overall timeout (at least `held`, how long the server may hold the answer) from its
    /// first turn under the rate limit: a call that waited for its turn still has its time.
    pub(crate) async fn send_call<T: DeserializeOwned>(
        &self,
        call: &Call,
        limit: Option<Instant>,
        attempt_timeout: Duration,
        held: Duration,
    ) -> Result<T, Error> {
        self.send_call_timed(call, limit, attempt_timeout, held)
            .await
            .map(|(response, _)| response)
    }

    /// As [`send_call`](Self::send_call), with when the answer's exchange started (after its
    /// turn under the rate limit): what a server-side `wait` that came back is measured from.
    pub(crate) async fn send_call_timed<T: DeserializeOwned>(
        &self,
        call: &Call,
        limit: Option<Instant>,
        attempt_timeout: Duration,
        held: Duration,
    ) -> Result<(T, Instant), Error> {
        let method = call.method().id;
        let mut attempt = 1;
        // Whether the last attempt was sent with a token just renewed after a 401.
        let mut refreshed = false;
        // A slot (where in-flight exchanges are bounded) first, then a turn under the rate
        // limit: a request that has its turn goes out with it, not when a slot comes free.
        let mut slot = self.slot(method, attempt, limit).await?;
        self.inner.pacer.turn(method, attempt, limit).await?;
        let started = Instant::now();
        let deadline = self.call_deadline(limit, held);
        loop {
            if attempt > 1 {
                slot = self.slot(method, attempt, deadline).await?;
                self.inner.pacer.turn(method, attempt, deadline).await?;
            }
            let auth = by_deadline(call, deadline, self.auth_headers(call)).await?;
            let sent = Instant::now();
            let result = self
                .attempt(call, attempt, deadline, attempt_timeout, auth.as_ref())
                .await;
            // The slot is free again while the call pauses before a retry.
            drop(slot.take());
            let err = match result {
                Ok(response) => return Ok((response, sent)),
                Err(err) => err,
            };
            let err = match (err, &auth) {
                (Error::Api { error, .. }, Some(auth))
                    if error.http_status == http::StatusCode::UNAUTHORIZED =>
                {
                    let refused = Refused {
                        error,
                        started,
                        refreshed,
                    };
                    self.renew_token(call, auth, refused, deadline).await?;
                    tracing::warn!(
                        method = method,
                        attempt,
                        "the access token was refused (HTTP 401): sending again with a new one"
                    );
                    refreshed = true;
                    attempt += 1;
                    continue;
                }
                (err, _) => err,
            };
            refreshed = false;
            let wait = self.before_retry(call, err, attempt, deadline)?;
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// After a 401 answer to a request sent with `auth`: a new token from the token source
    /// when the refused one was not just renewed, to send the request again with.
    ///
    /// # Errors
    ///
    /// [`Error::TokenRefused`] when the token was just renewed or the source cannot renew it;
    /// [`Error::Auth`] when renewing fails; a timeout at `deadline`.
    async fn renew_token(
        &self,
        call: &Call,
        auth: &http::HeaderMap,
        refused: Refused,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        let method = call.method();
        let Some(tokens) = &self.inner.tokens else {
            return Err(refused.into_error(method.id, false));
        };
        if refused.refreshed {
            return Err(refused.into_error(method.id, true));
        }
        let refresh = async {
            tokens
                .refresh(method.scopes, auth)
                .await
                .map_err(|source| Error::Auth {
                    method: method.id,
                    source,
                })
        };
        if by_deadline(call, deadline, refresh).await? {
            Ok(())
        } else {
            Err(refused.into_error(method.id, false))
        }
    }

    /// After the `attempt`-th exchange failed with `err`: the pause before the next attempt,
    /// or `err` when it is not transient, the retry policy allows no more attempts, or the
    /// pause would end past `deadline`. A rate-limit answer holds back every request of the
    /// client for the pause.
    fn before_retry(
        &self,
        call: &Call,
        err: Error,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Result<Duration, Error> {
        let retry = &self.inner.retry;
        let wait = retry.delay(attempt, err.api_error().and_then(ApiError::retry_delay));
        if let Some(api) = err.api_error().filter(|a| a.is_rate_limited()) {
            self.inner.pacer.hold(wait, api);
        }
        if !err.is_transient()
            || !retry.allows_attempt(attempt + 1)
            || after_deadline(wait, deadline)
        {
            return Err(err);
        }
        tracing::warn!(
            retry = true,
            method = call.method().id,
            attempt,
            wait_ms = wait.as_millis() as u64,
            cause = %err,
            "retrying after a transient failure"
        );
        Ok(wait)
    }

    /// A slot for the `attempt`-th exchange of `method`, where exchanges in flight are bounded
    /// ([`ClientBuilder::max_concurrent_requests`]); `None` where they are not.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] ([`TransportKind::Timeout`]) when none comes free before
    /// `deadline`.
    async fn slot(
        &self,
        method: &'static str,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Result<Option<tokio::sync::SemaphorePermit<'_>>, Error> {
        let Some(slots) = &self.inner.slots else {
            return Ok(None);
        };
        let acquire = slots.acquire();
        let permit = match deadline {
            Some(d) => tokio::time::timeout_at(d.into(), acquire).await.ok(),
            None => Some(acquire.await),
        };
        // The semaphore is never closed.
        permit.and_then(Result::ok).map(Some).ok_or_else(|| {
            let e = "no request slot came free before the call's deadline";
            transport(method, attempt, TransportKind::Timeout, e)
        })
    }

    /// How long from now every request of this client holds back after a 429 (or a
    /// rate-limit 403), if it does.
    pub(crate) fn held_back_for(&self) -> Option<Duration> {
        self.inner.pacer.held_for()
    }

    /// The client's settings for a request's URL.
    fn defaults(&self) -> Defaults<'_> {
        Defaults {
            root_url: self.inner.root_url.as_deref(),
            endpoint: self.inner.endpoint,
            universe: Some(&self.inner.universe),
        }
    }

    /// The token source's headers for `call`, once the source's universe domain is known to be
    /// the client's; `None` without a token source.
    async fn auth_headers(&self, call: &Call) -> Result<Option<http::HeaderMap>, Error> {
        let Some(tokens) = &self.inner.tokens else {
            return Ok(None);
        };
        let method = call.method();
        let auth = |source| Error::Auth {
            method: method.id,
            source,
        };
        let universe = &self.inner.universe;
        let check = self
            .inner
            .universe_check
            .get_or_try_init(|| async {
                Ok::<_, BoxError>(match tokens.universe_domain().await? {
                    Some(found) if !found.eq_ignore_ascii_case(universe) => {
                        Err((universe.clone(), found))
                    }
                    _ => Ok(()),
                })
            })
            .await
            .map_err(auth)?;
        if let Err((client, found)) = check {
            return Err(Error::UniverseDomain {
                client: client.clone(),
                found: found.clone(),
                of: "the credentials",
            });
        }
        tokens.headers(method.scopes).await.map(Some).map_err(auth)
    }

    /// One HTTP exchange: request with `auth` headers, whole body, decoding.
    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &Call,
        attempts: u32,
        deadline: Option<Instant>,
        attempt_timeout: Duration,
        auth: Option<&http::HeaderMap>,
    ) -> Result<T, Error> {
        let method = call.method();
        // A request's own root URL was not seen when the client was built.
        if let Some(root) = &call.root_url {
            check_scheme(root)?;
        }
        let defaults = self.defaults();
        // A request the resolver found in another universe never gets this client's token.
        let universe = call.universe(&defaults);
        if universe != self.inner.universe {
            return Err(Error::UniverseDomain {
                client: self.inner.universe.clone(),
                found: universe.to_owned(),
                of: "the request",
            });
        }
        let mut http_request = call.to_http(&defaults)?;
        let headers = http_request.headers_mut();
        for (name, value) in auth.into_iter().flatten() {
            let mut value = value.clone();
            value.set_sensitive(true);
            headers.insert(name.clone(), value);
        }
        if let Some(project) = &self.inner.quota_project {
            headers.insert(QUOTA_PROJECT_HEADER, project.clone());
        }
        let http_request = reqwest::Request::try_from(http_request)
            .map_err(|e| transport(method.id, attempts, TransportKind::Broken, without_query(e)))?;

        let limit = match deadline {
            Some(d) => attempt_timeout.min(d.saturating_duration_since(Instant::now())),
            None => attempt_timeout,
        };
        let (status, headers, body) =
            match tokio::time::timeout(limit, self.exchange(http_request, method.id, attempts))
                .await
            {
                Ok(Ok(Ok(parts))) => parts,
                Ok(Ok(Err(too_large))) => return Err(too_large),
                Ok(Err(e)) => {
                    let kind = transport_kind(&e);
                    return Err(transport(method.id, attempts, kind, without_query(e)));
                }
                Err(_) => {
                    let e = format!("no complete response within {limit:?}");
                    return Err(transport(method.id, attempts, TransportKind::Timeout, e));
                }
            };
        decode(method.id, status, &headers, &body, attempts)
    }

    /// Sends `request` and reads its answer: its status, headers and body, or
    /// [`Error::ResponseTooLarge`] as soon as the body is known to exceed the client's limit.
    async fn exchange(
        &self,
        request: reqwest::Request,
        method: &'static str,
        attempts: u32,
    ) -> Result<Result<(http::StatusCode, http::HeaderMap, Vec<u8>), Error>, reqwest::Error> {
        let limit = self.inner.max_response_size;
        let too_large = |announced| Error::ResponseTooLarge {
            method,
            attempts,
            limit,
            announced,
        };
        let place = self.inner.lanes.place();
        let mut response = place.http().execute(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(announced) = response.content_length().filter(|n| *n > limit) {
            return Ok(Err(too_large(Some(announced))));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Ok(Err(too_large(None)));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Ok((status, headers, body)))
    }
}

/// What `work` for `call` gives, unless `deadline` comes first: getting a token (a command
/// that hangs, a token endpoint that does not answer) never outlasts the call.
async fn by_deadline<T>(
    call: &Call,
    deadline: Option<Instant>,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(deadline) = deadline else {
        return work.await;
    };
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(result) => result,
        Err(_) => Err(Error::Auth {
            method: call.method().id,
            source: "no access token came before the call's deadline".into(),
        }),
    }
}

/// `given`, else the environment variable `var`, trimmed; `None` when neither holds more than
/// white space.
fn given_or_env(given: Option<&str>, var: &str) -> Option<String> {
    given
        .map(str::to_owned)
        .or_else(|| std::env::var(var).ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether something `wait` from now would come at or after `deadline`.
pub(crate) fn after_deadline(wait: Duration, deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|t| t >= d))
}

/// The largest response body a client reads unless told otherwise
/// ([`ClientBuilder::max_response_size`]): 32 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;

/// What kind of transport failure `e` is.
fn transport_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_connect() {
        TransportKind::Connect
    } else if e.is_timeout() {
        TransportKind::Timeout
    } else if is_unreadable(e) {
        TransportKind::Unreadable
    } else {
        TransportKind::Broken
    }
}

/// Whether the HTTP stack could not read the response as HTTP at all (a head too large, or
/// malformed): something the same server would send again, unlike a broken connection.
fn is_unreadable(e: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(hyper) = c.downcast_ref::<hyper::Error>() {
            return hyper.is_parse();
        }
        cause = c.source();
    }
    false
}

/// The most idle connections kept per host.
const IDLE_CONNECTIONS: usize = 64;

/// The most idle connections kept per host by each lane past the first (see `connections`).
const IDLE_CONNECTIONS_PAST_FIRST_LANE: usize = 2;

/// Refuses a root URL that is not `http://` or `https://`: anything else could never be sent.
fn check_scheme(url: &str) -> Result<(), Error> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => Ok(()),
        _ => Err(Error::NotHttp {
            url: url.to_owned(),
        }),
    }
}

/// The error with its URL cut to scheme, host, port and path, so that it says where it
/// failed without repeating query parameters.
fn without_query(e: reqwest::Error) -> reqwest::Error {
    match e.url().cloned() {
        Some(mut url) => {
            url.set_query(None);
            e.with_url(url)
        }
        None => e,
    }
}

fn transport(
    method: &'static str,
    attempts: u32,
    kind: TransportKind,
    source: impl Into<BoxError>,
) -> Error {
    Error::Transport {
        method,
        attempts,
        kind,
        source: source.into(),
    }
}

/// A token the server refused (HTTP 401): its answer, when the call started, and whether the
/// token had just been renewed.
struct Refused {
    error: Box<ApiError>,
    started: Instant,
    refreshed: bool,
}

impl Refused {
    /// [`Error::TokenRefused`] for `method`, saying whether a new token was refused too.
    fn into_error(self, method: &'static str, refreshed: bool) -> Error {
        Error::TokenRefused {
            method,
            elapsed: self.started.elapsed(),
            refreshed,
            error: self.error,
        }
    }
}
