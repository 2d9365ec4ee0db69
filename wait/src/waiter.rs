//! The wait for one operation: polls until it ends, reporting each state; on Ctrl-C stops,
//! or with `--cancel` asks for its cancellation once and waits for it to end.

use std::sync::Arc;

use google_operations::{Client, Error, PollState, Resolved};
use tokio::sync::watch;

use crate::outcome::Outcome;
use crate::report::Reporter;

/// Waits for operation `i` of the list, with `request`. `interrupts` counts the Ctrl-Cs so
/// far: the first cancels with `cancel` (else stops), the second stops a wait for a
/// cancellation.
pub async fn wait(
    i: usize,
    client: Client,
    request: Resolved,
    cancel: bool,
    mut interrupts: watch::Receiver<u32>,
    reporter: Arc<Reporter>,
) -> Outcome {
    reporter.started(i, &request);
    let mut poller = client.poller(&request);
    let mut cancelling = false;
    loop {
        let step = tokio::select! {
            step = poller.poll() => step,
            Ok(()) = interrupts.changed() => {
                if !cancel || cancelling {
                    let detail = if cancelling {
                        "stopped waiting for its cancellation"
                    } else {
                        "the operation goes on (--cancel cancels it)"
                    };
                    reporter.ended(i, Outcome::Interrupted, detail.to_owned(), None);
                    return Outcome::Interrupted;
                }
                cancelling = true;
                reporter.cancelling(i);
                if let Err(e) = poller.cancel().await {
                    let detail = format!("cancel failed: {e}; the operation goes on");
                    reporter.ended(i, Outcome::Interrupted, detail, None);
                    return Outcome::Interrupted;
                }
                continue;
            }
        };
        let (outcome, detail, operation) = match step {
            Ok(PollState::Running(op)) => {
                reporter.seen(i, &op);
                continue;
            }
            Ok(PollState::Done(op)) => {
                reporter.seen(i, &op);
                let json = serde_json::to_value(&op).ok();
                (Outcome::Done, String::new(), json)
            }
            Err(Error::OperationFailed { error, .. }) => {
                let outcome = if error.is_cancelled() {
                    Outcome::Cancelled
                } else {
                    Outcome::Failed
                };
                (outcome, error.to_string(), None)
            }
            Err(e @ Error::NotDone { .. }) => {
                let last = e.last_operation_as::<serde_json::Value>();
                (Outcome::TimedOut, e.to_string(), last)
            }
            Err(
                e @ Error::TokenRefused {
                    refreshed: false, ..
                },
            ) => {
                let how = " With this program: --token-command 'gcloud auth print-access-token' \
                           runs the command again for a new token; or unset \
                           GOOGLE_OAUTH_ACCESS_TOKEN to use Application Default Credentials \
                           (gcloud auth application-default login), which refresh themselves.";
                let text = e.to_string();
                let stop = if text.ends_with('.') { "" } else { "." };
                (Outcome::Error, format!("{text}{stop}{how}"), None)
            }
            Err(e) => (Outcome::Error, e.to_string(), None),
        };
        reporter.ended(i, outcome, detail, operation);
        return outcome;
    }
}
