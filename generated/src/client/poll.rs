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
    /// # Errors
    ///
    /// - [`Error::OperationFailed`] when the operation is done with an `error`;
    /// - [`Error::NotDone`], with the last operation seen, when a limit of the policy stops
    ///   polling;
    /// - the error of a poll that failed for good (a permanent error, or a transient one whose
    ///   retries ran out).
    pub async fn wait(mut self) -> Result<R::Response, Error> {
        let policy = self.policy;
        let start = Instant::now();
        let deadline = start.checked_add(policy.deadline);
        let mut last: Option<R::Response> = None;
        let mut polls = 0;
        let not_done = |polls, last: Option<R::Response>, limit| Error::NotDone {
            method: R::METHOD.id,
            name: last.as_ref().and_then(|op| op.name()).map(str::to_owned),
            polls,
            elapsed: start.elapsed(),
            limit,
            last_operation: last
                .and_then(|op| serde_json::to_value(op).ok())
                .map(Box::new),
        };
        loop {
            polls += 1;
            let call_deadline = self.client.call_deadline(deadline);
            match self.client.send_before(self.request, call_deadline).await {
                Ok(op) if op.is_done() => {
                    return match op.error() {
                        None => Ok(op),
                        Some(error) => Err(Error::OperationFailed {
                            method: R::METHOD.id,
                            name: op.name().map(str::to_owned),
                            error,
                        }),
                    };
                }
                Ok(op) => {
                    (self.progress)(&op);
                    last = Some(op);
                }
                Err(e) if e.is_transient() && deadline.is_some_and(|d| Instant::now() >= d) => {
                    return Err(not_done(polls, last, PollLimit::Deadline(policy.deadline)));
                }
                Err(e) => return Err(e),
            }
            if polls >= policy.max_polls {
                return Err(not_done(polls, last, PollLimit::Polls(policy.max_polls)));
            }
            let wait = grow(
                policy.initial_interval,
                policy.multiplier,
                polls - 1,
                policy.max_interval,
            );
            if deadline.is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|t| t >= d)) {
                return Err(not_done(polls, last, PollLimit::Deadline(policy.deadline)));
            }
            tokio::time::sleep(wait).await;
        }
    }
}
