//! How fast a client sends: a bound on the requests it starts a second, and the hold-back after
//! a "too many requests" answer, both shared by every request of a client and its clones.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::api_error::ApiError;
use crate::error::{Error, TransportKind};

/// A bound on how many requests a [`Client`](super::Client) (and its clones) starts a second:
/// a token bucket that holds up to [`burst`](Self::burst) requests and refills at
/// [`per_second`](Self::per_second). Set with
/// [`ClientBuilder::rate_limit`](super::ClientBuilder::rate_limit).
///
/// It counts the start of each HTTP exchange (a retry, a poll and a server-side `wait` each
/// count one); a request in flight holds nothing, so a server-side `wait` that lasts two
/// minutes never keeps another request from starting. Requests over the bound wait their turn,
/// first come, first served. After a 429 (or a rate-limit 403) every request of the client
/// holds back (see [`Error::HeldBack`]), then starts again at this rate rather than all at
/// once.
///
/// Google's quotas are counted per minute and per project; Compute Engine's, for example,
/// allows 1,500 operation reads a minute per project by default
/// (<https://cloud.google.com/compute/api-quota>). `RateLimit::per_second(20.0).burst(100)`
/// starts at most 1,300 requests in any minute.
///
/// ```
/// use google_operations::RateLimit;
///
/// let limit = RateLimit::per_second(20.0).burst(100);
/// assert_eq!(limit.requests_per_second(), 20.0);
/// assert_eq!(limit.burst_size(), 100);
/// assert_eq!(limit.most_per_minute(), 1_300);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: u32,
}

impl RateLimit {
    /// The fewest requests a second a limit allows: one an hour.
    pub const SLOWEST: f64 = 1.0 / 3600.0;

    /// At most `requests` a second, with a burst of as many (rounded up, at least 1). A rate
    /// under one request an hour (or not a number) is taken as one an hour.
    pub fn per_second(requests: f64) -> Self {
        let per_second = if requests.is_nan() {
            Self::SLOWEST
        } else {
            requests.clamp(Self::SLOWEST, 1e9)
        };
        RateLimit {
            per_second,
            burst: per_second.ceil() as u32,
        }
    }

    /// The most requests started at once after a quiet spell (at least 1).
    pub fn burst(self, requests: u32) -> Self {
        RateLimit {
            burst: requests.max(1),
            ..self
        }
    }

    /// The requests a second.
    pub fn requests_per_second(&self) -> f64 {
        self.per_second
    }

    /// The most requests started at once.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// The most requests started in any 60 seconds: the burst, and a minute's refill.
    pub fn most_per_minute(&self) -> u64 {
        u64::from(self.burst) + (self.per_second * 60.0).floor() as u64
    }

    /// The time between two requests at the full rate.
    fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second)
    }

    /// How far ahead of the rate a burst may run.
    fn tolerance(&self) -> Duration {
        self.interval() * (self.burst - 1)
    }
}

/// The longest every request of a client holds back after one of them met a 429 (or a
/// rate-limit 403): a minute, the window of most per-minute quotas.
const MAX_SHARED_HOLD_BACK: Duration = Duration::from_secs(60);

/// When each request of a client may start: its [`RateLimit`], if any, and its hold-back
/// after a 429.
#[derive(Debug)]
pub(crate) struct Pacer {
    limit: Option<RateLimit>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The bucket as a schedule (the generic cell rate algorithm): the time at which the
    /// bucket would be empty, had every request so far started at the full rate. A request
    /// may start once this, less the burst's tolerance, has come.
    theoretical: Instant,
    /// Until when every request holds back, and the answer that asked for it.
    hold: Option<(Instant, Box<ApiError>)>,
}

impl Pacer {
    pub(crate) fn new(limit: Option<RateLimit>) -> Self {
        Pacer {
            limit,
            state: Mutex::new(State {
                theoretical: Instant::now(),
                hold: None,
            }),
        }
    }

    pub(crate) fn limit(&self) -> Option<RateLimit> {
        self.limit
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes every request hold back for `wait` from now, at most [`MAX_SHARED_HOLD_BACK`]
    /// (or longer, if an earlier answer asked for that), for the rate-limit answer `cause`. A
    /// longer wait asked for holds back only the call that met it: one host's "come back
    /// tomorrow" does not end every wait the client serves. After the hold-back, requests
    /// start again at the limit's rate, not in a burst.
    pub(crate) fn hold(&self, wait: Duration, cause: &ApiError) {
        let Some(until) = Instant::now().checked_add(wait.min(MAX_SHARED_HOLD_BACK)) else {
            return;
        };
        let mut state = self.state();
        if state.hold.as_ref().is_none_or(|(t, _)| *t < until) {
            state.hold = Some((until, Box::new(cause.clone())));
            if let Some(resume) = self.limit.and_then(|l| until.checked_add(l.tolerance())) {
                state.theoretical = state.theoretical.max(resume);
            }
            tracing::warn!(
                hold_ms = wait.as_millis() as u64,
                "too many requests: every request of this client holds back"
            );
        }
    }

    /// How long from now every request holds back after a 429, if it does.
    pub(crate) fn held_for(&self) -> Option<Duration> {
        self.held_until()
            .map(|until| until.saturating_duration_since(Instant::now()))
    }

    /// Waits for the turn of a request of `method` (its `attempt`-th exchange), which must
    /// start before `deadline`.
    ///
    /// # Errors
    ///
    /// At once, rather than idle to the deadline: [`Error::HeldBack`] when the hold-back lasts
    /// past `deadline`; [`Error::Transport`] ([`TransportKind::Timeout`]) when the rate leaves
    /// no turn before it.
    pub(crate) async fn turn(
        &self,
        method: &'static str,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        let mut start = self.reserve(method, attempt, Instant::now(), deadline)?;
        loop {
            if start > Instant::now() {
                Box::pin(tokio::time::sleep_until(start.into())).await;
            }
            // A hold-back that began while this request waited for its turn holds it back
            // too: it takes a turn again, after the hold-back, at the rate.
            match self.held_until() {
                Some(until) if until > start => {
                    start = self.reserve(method, attempt, Instant::now(), deadline)?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Until when every request holds back, if a hold-back lasts past now.
    fn held_until(&self) -> Option<Instant> {
        let state = self.state();
        let (until, _) = state.hold.as_ref()?;
        (*until > Instant::now()).then_some(*until)
    }

    /// When a request asked for at `now` may start, reserving that turn.
    fn reserve(
        &self,
        method: &'static str,
        attempt: u32,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Result<Instant, Error> {
        let mut state = self.state();
        let held = state.hold.as_ref().filter(|(until, _)| *until > now);
        if let Some((until, cause)) = held
            && deadline.is_some_and(|d| *until >= d)
        {
            return Err(Error::HeldBack {
                method,
                error: cause.clone(),
            });
        }
        let earliest = held.map_or(now, |(until, _)| *until);
        let Some(limit) = self.limit else {
            return Ok(earliest);
        };
        let theoretical = state.theoretical.max(earliest);
        let start = theoretical
            .checked_sub(limit.tolerance())
            .map_or(earliest, |t| t.max(earliest));
        if deadline.is_some_and(|d| start >= d) {
            return Err(Error::Transport {
                method,
                attempts: attempt,
                kind: TransportKind::Timeout,
                source: format!(
                    "not sent: the client's limit of {} request(s) a second leaves this request \
                     no turn before the call's deadline",
                    limit.per_second
                )
                .into(),
            });
        }
        state.theoretical = theoretical + limit.interval();
        Ok(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// The start of `n` requests asked for at once, relative to that moment.
    fn starts(pacer: &Pacer, at: Instant, n: usize) -> Vec<Duration> {
        (0..n)
            .map(|_| pacer.reserve("m.get", 1, at, None).unwrap() - at)
            .collect()
    }

    fn too_many() -> ApiError {
        ApiError::from_response(
            http::StatusCode::TOO_MANY_REQUESTS,
            &http::HeaderMap::new(),
            b"slow down",
        )
    }

    #[test]
    fn a_burst_starts_at_once_and_the_rest_at_the_rate() {
        let pacer = Pacer::new(Some(RateLimit::per_second(10.0).burst(3)));
        let at = Instant::now();
        assert_eq!(
            starts(&pacer, at, 6),
            [ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]
        );
        // After a quiet second the bucket is full again, and no fuller.
        let later = at + Duration::from_secs(2);
        assert_eq!(starts(&pacer, later, 4), [ms(0), ms(0), ms(0), ms(100)]);
    }

    #[test]
    fn without_a_limit_only_the_hold_back_delays() {
        let pacer = Pacer::new(None);
        let at = Instant::now();
        assert_eq!(starts(&pacer, at, 3), [ms(0); 3]);
        pacer.hold(Duration::from_secs(5), &too_many());
        let held = pacer.held_for().unwrap();
        assert!(held > Duration::from_secs(4) && held <= Duration::from_secs(5));
        let start = pacer.reserve("m.get", 1, Instant::now(), None).unwrap();
        assert!(start > Instant::now() + Duration::from_secs(4));
    }

    #[test]
    fn after_a_hold_back_requests_resume_at_the_rate_not_in_a_burst() {
        let pacer = Pacer::new(Some(RateLimit::per_second(10.0).burst(50)));
        pacer.hold(Duration::from_secs(2), &too_many());
        let at = Instant::now();
        let held = starts(&pacer, at, 3);
        assert!(held[0] > ms(1900), "{held:?}");
        assert_eq!(held[1] - held[0], ms(100));
        assert_eq!(held[2] - held[1], ms(100));
    }

    #[tokio::test]
    async fn a_hold_back_holds_back_requests_already_waiting_for_their_turn() {
        let pacer = std::sync::Arc::new(Pacer::new(Some(RateLimit::per_second(10.0).burst(1))));
        let begun = Instant::now();
        // Ten requests take turns 100 ms apart; a 429 comes 150 ms in and holds back for
        // 600 ms: those whose turns fell in it go after it, at the rate.
        let turns: Vec<_> = (0..10)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    pacer.turn("m.get", 1, None).await.unwrap();
                    begun.elapsed()
                })
            })
            .collect();
        tokio::time::sleep(ms(150)).await;
        pacer.hold(ms(600), &too_many());
        let mut started = Vec::new();
        for turn in turns {
            started.push(turn.await.unwrap());
        }
        started.sort();
        assert!(started[1] < ms(150), "{started:?}");
        assert!(started[2] >= ms(740), "{started:?}");
        for pair in started[2..].windows(2) {
            assert!(pair[1] - pair[0] >= ms(90), "{started:?}");
        }
    }

    #[test]
    fn a_hold_back_is_at_most_a_minute_and_never_shortened() {
        let pacer = Pacer::new(None);
        pacer.hold(Duration::from_secs(3600), &too_many());
        assert!(pacer.held_for().unwrap() <= MAX_SHARED_HOLD_BACK);
        pacer.hold(Duration::from_secs(1), &too_many());
        assert!(pacer.held_for().unwrap() > Duration::from_secs(50));
    }

    #[test]
    fn a_turn_past_the_deadline_is_refused_at_once_and_not_reserved() {
        let pacer = Pacer::new(Some(RateLimit::per_second(1.0)));
        let at = Instant::now();
        assert_eq!(starts(&pacer, at, 1), [ms(0)]);
        let err = pacer
            .reserve("m.get", 2, at, Some(at + ms(500)))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                attempts: 2,
                ..
            }
        ));
        assert!(
            err.to_string().contains("limit of 1 request(s) a second"),
            "{err}"
        );
        // The refused request took no turn: the next one still starts a second in.
        assert_eq!(starts(&pacer, at, 1), [ms(1000)]);

        pacer.hold(Duration::from_secs(10), &too_many());
        let err = pacer
            .reserve("m.get", 1, Instant::now(), Some(Instant::now() + ms(500)))
            .unwrap_err();
        assert!(matches!(err, Error::HeldBack { .. }), "{err}");
    }

    #[test]
    fn limits_are_kept_within_sense() {
        assert_eq!(
            RateLimit::per_second(0.0).requests_per_second(),
            1.0 / 3600.0
        );
        assert_eq!(RateLimit::per_second(f64::NAN).burst_size(), 1);
        assert_eq!(RateLimit::per_second(2.5).burst_size(), 3);
        assert_eq!(RateLimit::per_second(20.0).burst(0).burst_size(), 1);
        assert_eq!(RateLimit::per_second(20.0).most_per_minute(), 1_220);
    }
}
