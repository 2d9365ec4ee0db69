//! Waiting for a long-running operation: [`PollPolicy`] and [`Poller`].

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_core::Stream;
use serde::Serialize;

use serde::de::DeserializeOwned;

use super::Client;
use super::retry::grow;
use crate::api_error::ApiError;
use crate::codec::JsonObject;
use crate::error::{Error, PollLimit, TransportKind};
use crate::operation::{Cancel, LongRunningOperation};
use crate::request::{Call, Request};
use crate::resolve::{AnyOperation, Resolved};
use crate::service::{MethodInfo, ParamLocation};

/// What a [`Poller`] polls: the `get` of an operations collection, as a typed request (every
/// generated builder whose response is an operation) or [`Resolved`] from a name or URL.
pub trait Pollable {
    /// The operation, as the poller hands it out.
    type Operation: LongRunningOperation + Serialize;

    /// What a response body decodes into before it becomes the operation.
    #[doc(hidden)]
    type Wire: DeserializeOwned;

    /// The `get` request.
    #[doc(hidden)]
    fn get_call(&self) -> &Call;

    /// The collection's server-side `wait`, where it has one.
    #[doc(hidden)]
    fn wait_method(&self) -> Option<&'static MethodInfo>;

    /// The operation a decoded body holds.
    #[doc(hidden)]
    fn read(&self, wire: Self::Wire) -> Result<Self::Operation, Error>;
}

impl<R> Pollable for R
where
    R: Request,
    R::Response: LongRunningOperation + Serialize,
{
    type Operation = R::Response;
    type Wire = R::Response;

    fn get_call(&self) -> &Call {
        self.call()
    }

    fn wait_method(&self) -> Option<&'static MethodInfo> {
        R::WAIT
    }

    fn read(&self, wire: R::Response) -> Result<R::Response, Error> {
        Ok(wire)
    }
}

impl Pollable for Resolved {
    type Operation = AnyOperation;
    type Wire = JsonObject;

    fn get_call(&self) -> &Call {
        self.call()
    }

    fn wait_method(&self) -> Option<&'static MethodInfo> {
        self.collection().wait
    }

    fn read(&self, wire: JsonObject) -> Result<AnyOperation, Error> {
        self.operation(wire).map_err(|e| Error::Decode {
            method: self.method().id,
            attempts: 1,
            problem: crate::BodyProblem::Shape,
            line: e.line(),
            column: e.column(),
            message: crate::response::without_type_names(&e.to_string()),
        })
    }
}

/// How often and how long a [`Poller`] polls.
///
/// Where the operation's collection has a `wait` method, each poll is a server-side wait of
/// at most `server_wait` (less when the deadline is nearer), so a finished operation is seen
/// within about one round trip; a wait that comes back early and not done is followed by a
/// pause as between `get` polls. Elsewhere each poll is a `get`: the first at once, the pause
/// after it `initial_interval`, each next pause `multiplier` times longer, at most
/// `max_interval` (no jitter). After a poll that failed transiently, the pause is at least
/// what the server asked (`Retry-After`, a `google.rpc.RetryInfo`, the client's hold-back
/// after a 429), even past `max_interval`.
///
/// Polling stops with [`Error::NotDone`] after `max_polls` polls, or when the next poll would
/// start after `deadline` (counted from the first poll); a poll under way when the deadline
/// comes is cut short. Both limits always apply, so a poller never polls forever.
///
/// Some services answer 404 for an operation they have just returned, for a short while
/// (Cloud SQL: `operationDoesNotExist`, "The Cloud SQL operation does not exist."). Until a
/// poll has seen the operation, a 404 within `not_found_grace` of the first poll is ridden out
/// like a transient failure; after it, or once the operation has been seen, a 404 ends the
/// polling at once ([`Error::OperationGone`] when it had been seen).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    initial_interval: Duration,
    multiplier: f64,
    max_interval: Duration,
    deadline: Duration,
    max_polls: u32,
    server_wait: Duration,
    not_found_grace: Duration,
}

impl Default for PollPolicy {
    /// Pauses from 1 s doubling up to 60 s (the schedule of Google's own clients), waits
    /// server-side for up to 60 s at a time, for at most 10 minutes and 1000 polls; rides
    /// out 404s for 30 s until the operation is first seen.
    fn default() -> Self {
        PollPolicy {
            initial_interval: Duration::from_secs(1),
            multiplier: 2.0,
            max_interval: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
            max_polls: 1000,
            server_wait: Duration::from_secs(60),
            not_found_grace: Duration::from_secs(30),
        }
    }
}

impl PollPolicy {
    /// The pause after the first poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// What each pause is multiplied by for the next (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// The longest pause between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How long to poll, from the first poll.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The most polls (calls of `get` or `wait`, each with its own retries); at least 1.
    pub fn max_polls(mut self, polls: u32) -> Self {
        self.max_polls = polls.max(1);
        self
    }

    /// The longest one server-side `wait` is asked to last (its `timeout` parameter, where
    /// the method has one); the attempt's own timeout is made longer than this.
    pub fn server_wait(mut self, wait: Duration) -> Self {
        self.server_wait = wait;
        self
    }

    /// How long after the first poll a 404 is taken for an operation the service does not
    /// show yet, as long as no poll has seen it (30 s by default; zero makes the first 404
    /// final).
    pub fn not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }
}

/// What one step of a [`Poller`] saw.
#[derive(Debug, Clone, PartialEq)]
pub enum PollState<T> {
    /// The operation is not done yet.
    Running(T),
    /// The operation is done, without an error.
    Done(T),
}

/// A `wait` that took at least this share of what it asked for did not come back early.
const WAITED_ENOUGH: f64 = 0.8;

/// How much longer than the server-side wait an attempt may take.
const WAIT_MARGIN: Duration = Duration::from_secs(10);

/// How long a `wait` without a `timeout` parameter (Compute's) may keep the server busy: it
/// returns within about two minutes.
const UNBOUNDED_WAIT: Duration = Duration::from_secs(150);

/// Polls an operation until it is done: made by [`Client::poller`].
///
/// Run it in one call with [`wait`](Self::wait), step by step with [`poll`](Self::poll), or as
/// a [`Stream`] of states with [`into_stream`](Self::into_stream). Each poll is the
/// collection's server-side `wait` where it has one, or its `get`; either is a call with its
/// own retries, and a poll that fails transiently once those are spent does not end the
/// polling: the poller pauses and polls again, until the deadline or the poll limit.
///
/// Nothing runs in the background: dropping the poller or its futures stops polling at once,
/// and never cancels anything on the server. To cancel the operation, call
/// [`cancel`](Self::cancel) and keep polling to its final state.
///
/// Emits `tracing` events (target `google_operations`): each poll, each pause, each transient
/// failure with its cause, and the outcome. None carries the token.
#[must_use = "a poller does nothing until it is polled"]
pub struct Poller<'a, R, F> {
    client: &'a Client,
    request: &'a R,
    policy: PollPolicy,
    progress: F,
    state: State,
}

/// What one poll gave, and whether it was a `wait` that lasted about as long as it asked for
/// (so that the next can start at once).
struct Polled<T> {
    result: Result<T, Error>,
    waited: bool,
}

/// Where a poller is.
struct State {
    /// When the first poll started.
    start: Option<Instant>,
    /// Polls made.
    polls: u32,
    /// Pauses so far after a poll that was not done, for the growing interval.
    pauses: u32,
    /// The pause before the next poll.
    pause: Duration,
    /// The last operation seen, as JSON, and its name.
    last: Option<(Option<String>, serde_json::Value)>,
    /// Whether a poll has seen the operation (after which a 404 means it is gone).
    seen: bool,
    /// The last poll's transient failure, when it failed.
    last_error: Option<Box<Error>>,
    /// Whether the collection's `cancel` has been sent.
    cancelled: bool,
    /// Whether polling has ended (done, failed or stopped).
    finished: bool,
}

impl<'a, R: Pollable> Poller<'a, R, fn(&R::Operation)> {
    pub(crate) fn new(client: &'a Client, request: &'a R) -> Self {
        Poller {
            client,
            request,
            policy: client.inner.poll,
            progress: |_| {},
            state: State {
                start: None,
                polls: 0,
                pauses: 0,
                pause: Duration::ZERO,
                last: None,
                seen: false,
                last_error: None,
                cancelled: false,
                finished: false,
            },
        }
    }
}

impl<'a, R, F> Poller<'a, R, F>
where
    R: Pollable,
    F: FnMut(&R::Operation),
{
    /// Polls with `policy` instead of the client's ([`ClientBuilder::poll_policy`](crate::ClientBuilder::poll_policy)).
    pub fn policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Calls `progress` with every operation seen that is not done yet.
    pub fn on_progress<G: FnMut(&R::Operation)>(self, progress: G) -> Poller<'a, R, G> {
        Poller {
            client: self.client,
            request: self.request,
            policy: self.policy,
            progress,
            state: self.state,
        }
    }

    /// Polls until the operation is done, and returns it.
    ///
    /// # Errors
    ///
    /// - [`Error::OperationFailed`] when the operation is done with an `error`;
    /// - [`Error::NotDone`], with the last operation seen and the last poll's failure, when a
    ///   limit of the policy stops polling;
    /// - [`Error::OperationGone`] when the service answers 404 for an operation a poll has
    ///   seen;
    /// - the error of a poll that failed for good (a permanent error: a 4xx other than 408,
    ///   429, a rate-limit 403 and a 404 within the policy's grace for new operations; a
    ///   redirect; a body over the client's size limit; a 200 that is not the operation's JSON,
    ///   though empty or cut short ones are ridden out; no token, or one refused).
    pub async fn wait(mut self) -> Result<R::Operation, Error> {
        loop {
            if let PollState::Done(op) = self.poll().await? {
                return Ok(op);
            }
        }
    }

    /// One step: pauses as the policy says (not before the first poll), then polls until an
    /// operation is seen, riding out transient failures, and says whether it is done.
    ///
    /// # Errors
    ///
    /// As for [`wait`](Self::wait); after an error, or once the operation is done, further
    /// steps give [`Error::NotDone`] with [`PollLimit::Ended`](crate::PollLimit::Ended)
    /// without polling.
    pub async fn poll(&mut self) -> Result<PollState<R::Operation>, Error> {
        let result = self.step().await;
        if !matches!(result, Ok(PollState::Running(_))) {
            self.state.finished = true;
        }
        result
    }

    /// The states of the operation, one per step, ending after the first `Done` or error.
    pub fn into_stream(self) -> impl Stream<Item = Result<PollState<R::Operation>, Error>> + 'a
    where
        F: 'a,
    {
        futures_util::stream::unfold(Some(self), |poller| async move {
            let mut poller = poller?;
            let item = poller.poll().await;
            let more = matches!(item, Ok(PollState::Running(_)));
            Some((item, more.then_some(poller)))
        })
    }

    /// One poll, after its pause, and what it told: the operation, done or not; or the error
    /// that ends the wait. Failures that polling rides out (transient ones, a new operation
    /// not found yet) lead to the next poll within the step.
    async fn step(&mut self) -> Result<PollState<R::Operation>, Error> {
        let start = *self.state.start.get_or_insert_with(Instant::now);
        let deadline = start.checked_add(self.policy.deadline);
        if self.state.finished {
            return Err(self.not_done(PollLimit::Ended));
        }
        loop {
            self.pause_before_poll(deadline).await?;
            self.state.polls += 1;
            let Polled { result, waited } = self.poll_once(deadline).await;
            match result {
                Ok(op) => {
                    self.state.seen = true;
                    return if op.is_done() {
                        self.done(op)
                    } else {
                        Ok(self.running(op, waited))
                    };
                }
                Err(e) => self.failed(e, start, deadline)?,
            }
        }
    }

    /// Waits out the pause before the next poll; an error when the poll limit or the deadline
    /// comes first.
    async fn pause_before_poll(&mut self, deadline: Option<Instant>) -> Result<(), Error> {
        let policy = self.policy;
        if self.state.polls >= policy.max_polls {
            return Err(self.not_done(PollLimit::Polls(policy.max_polls)));
        }
        let pause = self.state.pause;
        if !pause.is_zero() {
            if let Some(limit) = self.too_late(deadline) {
                return Err(self.not_done(limit));
            }
            tracing::debug!(
                method = self.method_id(),
                pause_ms = pause.as_millis() as u64,
                "pausing before the next poll"
            );
            Box::pin(tokio::time::sleep(pause)).await;
        }
        if self.state.polls > 0 && deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(self.not_done(PollLimit::Deadline(policy.deadline)));
        }
        Ok(())
    }

    /// A done operation: its result, or [`Error::OperationFailed`] with its error.
    fn done(&self, op: R::Operation) -> Result<PollState<R::Operation>, Error> {
        match op.error() {
            None => {
                tracing::info!(
                    method = self.method_id(),
                    polls = self.state.polls,
                    name = op.name(),
                    "done"
                );
                Ok(PollState::Done(op))
            }
            Some(error) => {
                let error = Error::OperationFailed {
                    method: self.method_id(),
                    name: op.name().map(str::to_owned),
                    error,
                };
                tracing::warn!(method = self.method_id(), "{error}");
                Err(error)
            }
        }
    }

    /// An operation not done yet: shown to the progress callback and kept as the last seen;
    /// the next poll after a pause, or at once after a server-side wait that lasted.
    fn running(&mut self, op: R::Operation, waited: bool) -> PollState<R::Operation> {
        tracing::debug!(
            method = self.method_id(),
            poll = self.state.polls,
            name = op.name(),
            "not done yet"
        );
        (self.progress)(&op);
        let json = serde_json::to_value(&op).unwrap_or_default();
        self.state.last = Some((op.name().map(str::to_owned), json));
        self.state.last_error = None;
        self.state.pause = if waited {
            Duration::ZERO
        } else {
            self.next_pause()
        };
        PollState::Running(op)
    }

    /// A poll that failed (its retries spent): `Ok` to poll again after a pause, for a
    /// transient failure or an operation not found within the grace period after the wait
    /// began; else the error that ends the wait ([`Error::OperationGone`] for one not found
    /// after it was seen).
    fn failed(&mut self, e: Error, start: Instant, deadline: Option<Instant>) -> Result<(), Error> {
        let not_found = e.api_error().is_some_and(|a| a.http_status == 404);
        let not_yet =
            not_found && !self.state.seen && start.elapsed() < self.policy.not_found_grace;
        if e.is_transient() || not_yet {
            return self.poll_again(e, deadline);
        }
        match e {
            Error::Api { error, .. } if not_found && self.state.seen => {
                let error = Error::OperationGone {
                    method: self.method_id(),
                    name: self.name(),
                    error,
                };
                tracing::warn!(
                    method = self.method_id(),
                    poll = self.state.polls,
                    "{error}"
                );
                Err(error)
            }
            mut e => {
                // A refused token is told with how long the wait had run, not the poll.
                if let Error::TokenRefused { elapsed, .. } = &mut e {
                    *elapsed = start.elapsed();
                }
                tracing::warn!(method = self.method_id(), poll = self.state.polls, "{e}");
                Err(e)
            }
        }
    }

    /// Keeps a failure that polling rides out as the last one, and sets the pause before the
    /// next poll; an error when the deadline comes first.
    fn poll_again(&mut self, e: Error, deadline: Option<Instant>) -> Result<(), Error> {
        // The server may ask for a longer pause: in the answer, or for every request of the
        // client after a 429.
        let asked = e
            .api_error()
            .and_then(ApiError::retry_delay)
            .max(self.client.held_back_for());
        let why = if e.is_transient() {
            "poll failed; polling goes on"
        } else {
            "not found yet: a new operation may not show for a while; polling goes on"
        };
        let cause = e.to_string();
        let past_deadline = deadline.is_some_and(|d| Instant::now() >= d);
        // A poll the wait's own deadline cut short tells nothing of the service: the failure
        // before it stays the one the wait reports.
        let cut_short = past_deadline
            && matches!(
                e,
                Error::Transport {
                    kind: TransportKind::Timeout,
                    ..
                }
            );
        if !(cut_short && self.state.last_error.is_some()) {
            self.state.last_error = Some(Box::new(e));
        }
        if past_deadline {
            return Err(self.not_done(PollLimit::Deadline(self.policy.deadline)));
        }
        let own = self.next_pause();
        self.state.pause = asked.map_or(own, |a| a.max(own));
        if let Some(limit) = self.too_late(deadline) {
            return Err(self.not_done(limit));
        }
        tracing::warn!(
            retry = true,
            method = self.method_id(),
            poll = self.state.polls,
            cause = %cause,
            "{why}"
        );
        Ok(())
    }

    /// One `wait` (where the collection has one) or `get`, with its retries; and whether it
    /// was a wait that lasted about as long as it asked for (so the next can start at once).
    ///
    /// Boxed, so that the poller's own futures stay small however large the HTTP stack's
    /// are.
    fn poll_once(
        &self,
        deadline: Option<Instant>,
    ) -> Pin<Box<impl Future<Output = Polled<R::Operation>> + '_>> {
        Box::pin(async move {
            let client = self.client;
            tracing::debug!(
                method = self.method_id(),
                poll = self.state.polls,
                "polling"
            );
            let request = self.request;
            let Some(wait) = request.wait_method() else {
                let result = client
                    .send_call::<R::Wire>(
                        request.get_call(),
                        deadline,
                        client.inner.attempt_timeout,
                        Duration::ZERO,
                    )
                    .await
                    .and_then(|wire| request.read(wire));
                return Polled {
                    result,
                    waited: false,
                };
            };
            // Whole seconds, at least one, and not past the deadline.
            let remaining = deadline.map_or(self.policy.server_wait, |d| {
                d.saturating_duration_since(Instant::now())
            });
            let asked =
                Duration::from_secs(self.policy.server_wait.min(remaining).as_secs().max(1));
            let mut call = request.get_call().for_method(wait);
            let timeout = format!("{}s", asked.as_secs());
            let attempt_timeout = match wait.param("timeout").map(|p| p.location) {
                Some(ParamLocation::Query) => {
                    call = call.set("timeout", timeout);
                    asked + WAIT_MARGIN
                }
                Some(ParamLocation::Body) => {
                    call = call.body(&serde_json::json!({ "timeout": timeout }));
                    asked + WAIT_MARGIN
                }
                _ => UNBOUNDED_WAIT,
            };
            let attempt_timeout = attempt_timeout.max(client.inner.attempt_timeout);
            let result = client
                .send_call_timed::<R::Wire>(&call, deadline, attempt_timeout, attempt_timeout)
                .await;
            // Measured from when the answering exchange was sent, not from before its turn.
            let waited = result.as_ref().is_ok_and(|(_, sent)| {
                sent.elapsed().as_secs_f64() >= asked.as_secs_f64() * WAITED_ENOUGH
            });
            let result = result.and_then(|(wire, _)| request.read(wire));
            Polled { result, waited }
        })
    }

    fn method_id(&self) -> &'static str {
        self.request.get_call().method().id
    }

    /// Sends the collection's `cancel` the first time it is called, and nothing after.
    async fn send_cancel(&mut self, cancel: &'static MethodInfo) -> Result<(), Error> {
        if self.state.cancelled {
            return Ok(());
        }
        self.state.cancelled = true;
        let call = self.request.get_call().for_method(cancel);
        tracing::info!(method = cancel.id, "cancelling");
        let sent = Box::pin(self.client.send_once::<crate::NoContent>(&call));
        sent.await.map(|_| ())
    }

    /// Why polling must stop before the pause ahead: the next poll would start after
    /// `deadline`.
    fn too_late(&self, deadline: Option<Instant>) -> Option<PollLimit> {
        let wait = self.state.pause;
        super::after_deadline(wait, deadline).then_some(PollLimit::NextPollTooLate {
            deadline: self.policy.deadline,
            wait,
        })
    }

    /// The pause after a poll that was not done (or failed), growing each time.
    fn next_pause(&mut self) -> Duration {
        let policy = self.policy;
        let pause = grow(
            policy.initial_interval,
            policy.multiplier,
            self.state.pauses,
            policy.max_interval,
        );
        self.state.pauses += 1;
        pause
    }

    /// The operation's name: as last seen, or else as the request names it.
    fn name(&self) -> Option<String> {
        match &self.state.last {
            Some((Some(name), _)) => Some(name.clone()),
            _ => self.request.get_call().operation_name().map(str::to_owned),
        }
    }

    fn not_done(&mut self, limit: PollLimit) -> Error {
        let name = self.name();
        let last_operation = self.state.last.take().map(|(_, json)| Box::new(json));
        let error = Error::NotDone {
            method: self.method_id(),
            name,
            polls: self.state.polls,
            elapsed: self.state.start.map_or(Duration::ZERO, |s| s.elapsed()),
            limit,
            last_operation,
            last_error: self.state.last_error.take(),
        };
        tracing::warn!(method = self.method_id(), "{error}");
        error
    }
}

impl<R, F> Poller<'_, R, F>
where
    R: Cancel,
    R::Response: LongRunningOperation + Serialize,
    F: FnMut(&R::Response),
{
    /// Asks the service to cancel the operation: sends the collection's `cancel` (with its
    /// retries) the first time it is called, and nothing after. Keep polling to see the final
    /// state, usually done with a `CANCELLED` error.
    ///
    /// Only collections with a `cancel` method have it.
    ///
    /// # Errors
    ///
    /// The error of the `cancel` call.
    pub async fn cancel(&mut self) -> Result<(), Error> {
        self.send_cancel(R::CANCEL).await
    }
}

impl<F: FnMut(&AnyOperation)> Poller<'_, Resolved, F> {
    /// Asks the service to cancel the operation, as the typed poller's `cancel` does.
    ///
    /// # Errors
    ///
    /// [`Error::NoCancel`] when the collection has no `cancel` that takes the same path
    /// parameters as its `get`; otherwise the error of the `cancel` call.
    pub async fn cancel(&mut self) -> Result<(), Error> {
        match self.request.collection().cancel {
            Some(cancel) => self.send_cancel(cancel).await,
            None => Err(Error::NoCancel {
                method: self.method_id(),
            }),
        }
    }
}
