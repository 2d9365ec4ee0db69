//! What the client tests against a server on 127.0.0.1 share: a client that waits little.

use std::time::Duration;

use google_operations::{Client, ClientBuilder, PollPolicy, RetryPolicy};

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A client for the server at `root` with short waits: retries after 1–5 ms, polls every
/// 1–5 ms, for at most 20 s.
pub fn quick_client(root: &str) -> ClientBuilder {
    Client::builder()
        .root_url(root)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
        .poll_policy(
            PollPolicy::default()
                .initial_interval(ms(1))
                .max_interval(ms(5))
                .deadline(Duration::from_secs(20)),
        )
}
