//! How the client retries one call: which failures, how often, how long apart.

use std::time::Duration;

/// How [`Client::send`](crate::Client::send) retries transient failures
/// ([`Error::is_transient`](crate::Error::is_transient): connection failures, resets and
/// timeouts, but not a response that cannot be read as HTTP; HTTP 408, 429, a rate-limit 403,
/// 500, 502, 503 and 504; a 200 whose body is empty or cut short). Other failures are returned
/// at once.
///
/// The wait before retry *n* is `initial_backoff × multiplier^(n-1)`, at most `max_backoff`,
/// scaled by a random factor in [0.5, 1) (jitter), and at least what the server asked for in
/// `Retry-After` or a `google.rpc.RetryInfo`. Retries stop after `max_attempts` attempts, or
/// when the next one would start after the client's overall timeout
/// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)); the last error is returned.
///
/// The methods of an operations collection are safe to repeat: `get`, `list` and `wait` only
/// read, and `cancel` and `delete` ask for the same outcome again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    multiplier: f64,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waits from 1 s doubling up to 32 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            multiplier: 2.0,
            max_backoff: Duration::from_secs(32),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn never() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, before jitter.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// What each wait is multiplied by for the next (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// The longest wait, before jitter.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    pub(crate) fn allows_attempt(&self, attempt: u32) -> bool {
        attempt <= self.max_attempts
    }

    /// The wait before retry `retry` (1 for the first), given the server's hint.
    pub(crate) fn delay(&self, retry: u32, hint: Option<Duration>) -> Duration {
        let base = grow(
            self.initial_backoff,
            self.multiplier,
            retry - 1,
            self.max_backoff,
        );
        let jittered = base.mul_f64(0.5 + fastrand::f64() / 2.0);
        hint.map_or(jittered, |hint| hint.max(jittered))
    }
}

/// `start × multiplier^steps`, at most `max`, never panicking on overflow or a bad multiplier.
pub(crate) fn grow(start: Duration, multiplier: f64, steps: u32, max: Duration) -> Duration {
    let multiplier = if multiplier.is_finite() {
        multiplier.max(1.0)
    } else {
        1.0
    };
    let secs = start.as_secs_f64() * multiplier.powi(steps.min(i32::MAX as u32) as i32);
    Duration::try_from_secs_f64(secs).unwrap_or(max).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_with_jitter_and_hints() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .multiplier(2.0)
            .max_backoff(Duration::from_millis(350));
        for (retry, base) in [(1, 100), (2, 200), (3, 350), (40, 350)] {
            let d = policy.delay(retry, None);
            let base = Duration::from_millis(base);
            assert!(d >= base / 2 && d < base, "retry {retry}: {d:?}");
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert!(policy.delay(3, Some(Duration::from_millis(1))) >= Duration::from_millis(175));
    }

    #[test]
    fn growth_never_panics() {
        let max = Duration::from_secs(60);
        let one = Duration::from_secs(1);
        assert_eq!(grow(one, f64::NAN, 5, max), one);
        assert_eq!(grow(one, 0.1, 5, max), one);
        assert_eq!(grow(one, 1e300, u32::MAX, max), max);
        assert_eq!(grow(Duration::MAX, 2.0, 1, max), max);
        assert_eq!(RetryPolicy::default().max_attempts(0), RetryPolicy::never());
    }
}
