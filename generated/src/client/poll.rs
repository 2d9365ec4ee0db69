//! Waiting for a long-running operation: [`PollPolicy`] and [`Poller`].

use std::time::{Duration, Instant};

use serde::Serialize;

use super::Client;
use super::retry::grow;
use crate::error::{Error, PollLimit};
use crate::operation::LongRunningOperation;
use crate::request::Request;

/// How often and how long a [`Poller`] polls.
///
/// The first poll is at once; the wait after it is `initial_interval`, each next wait is
/// `multiplier` times longer, at most `max_interval` (no jitter). Polling stops with
/// [`Error::NotDone`] after `max_polls` polls, or when the next poll would start after
/// `deadline` (counted from the first poll); a poll under way when the deadline comes is cut
/// short. Both limits always apply, so a poller never polls forever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    initial_interval: Duration,
    multiplier: f64,
    max_interval: Duration,
    deadline: Duration,
    max_polls: u32,
}

impl Default for PollPolicy {
    /// Waits from 1 s growing by 1.5 up to 60 s, for at most 10 minutes and 1000 polls.
    fn default() -> Self {
        PollPolicy {
            initial_interval: Duration::from_secs(1),
            multiplier: 1.5,
            max_interval: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
            max_polls: 1000,
        }
    }
}

impl PollPolicy {
    /// The wait after the first poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// What each wait is multiplied by for the next (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// The longest wait between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How long to poll, from the first poll.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The most polls (`operations.get` calls, each with its own retries); at least 1.
    pub fn max_polls(mut self, polls: u32) -> Self {
        self.max_polls = polls.max(1);
        self
    }
}

/// Polls an operation until it is done: made by [`Client::poller`], run by
/// [`wait`](Self::wait).
///
/// Each poll is a [`Client::send`] with its retries, cut short at the poll deadline. Dropping
/// the future returned by `wait` stops polling at once; nothing runs in the background.
#[must_use = "a poller does nothing until `wait` is awaited"]
pub struct Poller<'a, R, F> {
    client: &'a Client,
    request: &'a R,
    policy: PollPolicy,
    progress: F,
}

impl<'a, R> Poller<'a, R, fn(&R::Response)>
where
    R: Request + Clone,
    R::Response: LongRunningOperation + Serialize,
{
    pub(crate) fn new(client: &'a Client, request: &'a R) -> Self {
        Poller {
            client,
            request,
            policy: client.inner.poll,
            progress: |_| {},
        }
    }
}

impl<'a, R, F> Poller<'a, R, F>
where
    R: Request + Clone,
    R::Response: LongRunningOperation + Serialize,
    F: FnMut(&R::Response),
{
    /// Polls with `policy` instead of the client's ([`ClientBuilder::poll_policy`](crate::ClientBuilder::poll_policy)).
    pub fn policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Calls `progress` with every operation seen that is not done yet.
    pub fn on_progress<G: FnMut(&R::Response)>(self, progress: G) -> Poller<'a, R, G> {
        Poller {
            client: self.client,
            request: self.request,
            policy: self.policy,
            progress,
        }
    }

    /// Polls until the operation is done.
    ///
    /// A poll that fails transiently (HTTP 408, 429, 5xx, a reset, a timeout), once its own
    /// retries are spent, does not end the wait: the poller backs off as between polls and
    /// tries again, until the deadline or the poll limit.
    ///
    /// Emits `tracing` events (target `google_operations`): each poll, each wait before the
    /// next, each transient failure with its cause, and the outcome. None carries the token.
    ///
    /// # Errors
    ///
    /// - [`Error::OperationFailed`] when the operation is done with an `error`;
    /// - [`Error::NotDone`], with the last operation seen and the last poll's failure, when a
    ///   limit of the policy stops polling;
    /// - the error of a poll that failed for good (a permanent error: 4xx other than 408 and
    ///   429, a response that does not decode, no token).
    pub async fn wait(mut self) -> Result<R::Response, Error> {
        let policy = self.policy;
        let start = Instant::now();
        let deadline = start.checked_add(policy.deadline);
        let mut last: Option<R::Response> = None;
        let mut last_error: Option<Error>;
        let mut polls = 0;
        let not_done = |polls, last: Option<R::Response>, last_error: Option<Error>, limit| {
            let error = Error::NotDone {
                method: R::METHOD.id,
                name: last.as_ref().and_then(|op| op.name()).map(str::to_owned),
                polls,
                elapsed: start.elapsed(),
                limit,
                last_operation: last
                    .and_then(|op| serde_json::to_value(op).ok())
                    .map(Box::new),
                last_error: last_error.map(Box::new),
            };
            tracing::warn!(method = R::METHOD.id, polls, "{error}");
            error
        };
        loop {
            polls += 1;
            tracing::debug!(method = R::METHOD.id, poll = polls, "polling");
            let call_deadline = self.client.call_deadline(deadline);
            match self.client.send_before(self.request, call_deadline).await {
                Ok(op) if op.is_done() => {
                    return match op.error() {
                        None => {
                            tracing::info!(method = R::METHOD.id, polls, name = op.name(), "done");
                            Ok(op)
                        }
                        Some(error) => {
                            let error = Error::OperationFailed {
                                method: R::METHOD.id,
                                name: op.name().map(str::to_owned),
                                error,
                            };
                            tracing::warn!(method = R::METHOD.id, polls, "{error}");
                            Err(error)
                        }
                    };
                }
                Ok(op) => {
                    tracing::debug!(
                        method = R::METHOD.id,
                        poll = polls,
                        name = op.name(),
                        "not done yet"
                    );
                    (self.progress)(&op);
                    last = Some(op);
                    last_error = None;
                }
                Err(e) if e.is_transient() => {
                    tracing::warn!(method = R::METHOD.id, poll = polls, cause = %e, "poll failed; the wait goes on");
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        let limit = PollLimit::Deadline(policy.deadline);
                        return Err(not_done(polls, last, Some(e), limit));
                    }
                    last_error = Some(e);
                }
                Err(e) => {
                    tracing::warn!(method = R::METHOD.id, poll = polls, "{e}");
                    return Err(e);
                }
            }
            if polls >= policy.max_polls {
                let limit = PollLimit::Polls(policy.max_polls);
                return Err(not_done(polls, last, last_error, limit));
            }
            let wait = grow(
                policy.initial_interval,
                policy.multiplier,
                polls - 1,
                policy.max_interval,
            );
            if deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|t| t >= d)) {
                let limit = PollLimit::Deadline(policy.deadline);
                return Err(not_done(polls, last, last_error, limit));
            }
            tracing::debug!(
                method = R::METHOD.id,
                wait_ms = wait.as_millis() as u64,
                "waiting before the next poll"
            );
            tokio::time::sleep(wait).await;
        }
    }
}
