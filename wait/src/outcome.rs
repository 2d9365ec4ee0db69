//! How the wait for one operation ended, and the program's exit code.

use std::fmt;

/// How the wait for one operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// The operation is done without an error.
    Done,
    /// The operation ended cancelled (`google.rpc` code 1, or Compute's
    /// `OPERATION_CANCELED_BY_USER`).
    Cancelled,
    /// The operation ended with an error.
    Failed,
    /// The deadline (or the poll limit) passed before the operation was done.
    TimedOut,
    /// Polling failed: no credentials, the API refused the request, the operation is gone.
    Error,
    /// Ctrl-C stopped the wait before the operation ended.
    Interrupted,
}

/// A name or option that is not usable: nothing was polled.
pub const USAGE: u8 = 2;

impl Outcome {
    /// The outcomes from the best to the worst: the order of [`Ord`].
    pub const ALL: [Outcome; 6] = [
        Outcome::Done,
        Outcome::Cancelled,
        Outcome::Failed,
        Outcome::TimedOut,
        Outcome::Error,
        Outcome::Interrupted,
    ];

    /// The exit code of a run whose worst outcome is this.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::Failed => 1,
            Outcome::TimedOut => 3,
            Outcome::Error => 4,
            Outcome::Cancelled => 5,
            Outcome::Interrupted => 130,
        }
    }

    /// The name of the JSON event that reports it.
    pub fn event(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed_out",
            Outcome::Error => "error",
            Outcome::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Done => "done",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed out",
            Outcome::Error => "error",
            Outcome::Interrupted => "interrupted",
        })
    }
}

/// The exit codes, as `--help` and the man page show them.
pub const EXIT_CODES: &str = "\
Exit codes (with several operations, the code of the worst outcome, in this order from the \
best: 0, 5, 1, 3, 4, 130):
  0    every operation is done
  5    an operation ended cancelled (google.rpc code 1, or Compute's OPERATION_CANCELED_BY_USER)
  1    an operation ended with an error
  3    the deadline passed before an operation was done
  4    polling failed: no credentials, the API refused a request, an operation is gone
  130  interrupted (Ctrl-C) before an operation ended
  2    usage: bad arguments, or a name that resolves to no collection or several (nothing is \
sent)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_outcome_is_the_greatest_and_codes_are_distinct() {
        let mut sorted = Outcome::ALL;
        sorted.sort();
        assert_eq!(sorted, Outcome::ALL);
        assert_eq!(
            [Outcome::Done, Outcome::Failed, Outcome::Cancelled]
                .into_iter()
                .max(),
            Some(Outcome::Failed)
        );
        let mut codes: Vec<u8> = Outcome::ALL.iter().map(|o| o.exit_code()).collect();
        codes.push(USAGE);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Outcome::ALL.len() + 1);
        // The help text lists the codes in the order of the outcomes.
        let order: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| o.exit_code().to_string())
            .collect();
        assert!(EXIT_CODES.contains(&order.join(", ")), "{EXIT_CODES}");
    }
}
