//! What people and scripts see of the waits: on standard error, one bar per operation under a
//! total on a terminal, or one plain line per change elsewhere; with `--output json`, one JSON
//! object per event on standard output.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use google_operations::{AnyOperation, LongRunningOperation, Progress, Resolved};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::outcome::Outcome;

/// Reports the waits for a list of operations, each by its position in the list.
pub struct Reporter {
    state: Mutex<State>,
    /// Whether JSON events go to standard output.
    json: bool,
    /// Whether there is more than one operation: lines then name theirs, and a summary ends
    /// the run.
    many: bool,
}

struct State {
    screen: Screen,
    ops: Vec<Op>,
}

/// Where standard error shows the waits.
enum Screen {
    /// A terminal: a bar per operation that has not ended, under a total when there are
    /// several.
    Bars {
        multi: MultiProgress,
        total: Option<ProgressBar>,
        bars: Vec<ProgressBar>,
    },
    /// Anything else: plain lines.
    Lines,
}

/// One operation, as far as it has been seen.
struct Op {
    /// As the user gave it: a name, a URL or a `selfLink`.
    name: String,
    /// The name cut to fit a line, padded so that the lines align.
    label: String,
    started: Instant,
    progress: Progress,
    /// Whether a poll has answered with the operation.
    seen: bool,
    done: bool,
    retries: u32,
    last_retry: Option<String>,
    /// The last plain line's message, so that a line is printed only when it changes.
    last_line: String,
    ended: Option<Ended>,
}

struct Ended {
    outcome: Outcome,
    detail: String,
    after: Duration,
}

/// The longest label shown before an operation's state.
const LABEL_WIDTH: usize = 48;

/// One JSON event: the kind, the operation's name as given, the time (RFC 3339, UTC), then
/// what is particular to the kind.
#[derive(Serialize)]
struct Event<'a> {
    event: &'a str,
    name: &'a str,
    time: String,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Reporter {
    /// Reports on `names`, with bars when `terminal`, and JSON events when `json`.
    pub fn new(names: &[String], terminal: bool, json: bool) -> Reporter {
        let many = names.len() > 1;
        let labels = if many {
            labels(names)
        } else {
            vec![String::new()]
        };
        let ops: Vec<Op> = names
            .iter()
            .zip(labels)
            .map(|(name, label)| Op {
                name: name.clone(),
                label,
                started: Instant::now(),
                progress: Progress::default(),
                seen: false,
                done: false,
                retries: 0,
                last_retry: None,
                last_line: String::new(),
                ended: None,
            })
            .collect();
        if many {
            let common = common_start(names);
            let mut intro = format!("waiting for {} operations", names.len());
            if !common.is_empty() {
                let _ = write!(intro, " (named below without {common:?})");
            }
            eprintln!("{intro}");
        }
        let screen = if terminal {
            let multi = MultiProgress::new();
            let total = many.then(|| {
                let total = multi.add(ProgressBar::new(names.len() as u64));
                total.set_style(style("  {elapsed:>4} [{bar:24}] {pos}/{len} ended {msg}"));
                total.enable_steady_tick(Duration::from_millis(250));
                total
            });
            let bars = ops
                .iter()
                .map(|op| {
                    let bar = multi.add(ProgressBar::new(100));
                    bar.set_style(style("{spinner} {elapsed:>4} [{bar:24}] {prefix}{msg}"));
                    bar.set_prefix(op.label.clone());
                    bar.set_message(op.message());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                })
                .collect();
            Screen::Bars { multi, total, bars }
        } else {
            Screen::Lines
        };
        Reporter {
            state: Mutex::new(State { screen, ops }),
            json,
            many,
        }
    }

    /// The wait for operation `i` starts, with `request`.
    pub fn started(&self, i: usize, request: &Resolved) {
        let state = lock(&self.state);
        let mut intro = format!("waiting for {} ({})", request.url(), request.method().id);
        if request.is_beyond_pattern() {
            intro.push_str(
                "\nthe name does not match the pattern of its service's Discovery document; \
                 polling it as given, since the service was named",
            );
        }
        if request.is_unlisted() {
            intro.push_str(
                "\nno Discovery document of this program describes this API: polling it as a \
                 plain google.longrunning operation",
            );
        }
        // With several operations on a terminal, the bars name them: only warnings are said.
        let warned = intro.contains('\n');
        if !self.many || warned || matches!(state.screen, Screen::Lines) {
            let label = state.ops[i].label.trim_end();
            state
                .screen
                .println(format!("{label} {intro}").trim_start());
        }
        let fields = json!({"url": request.url(), "method": request.method().id});
        self.event(&state.ops[i], "started", fields);
    }

    /// A poll saw operation `i` (not yet ended).
    pub fn seen(&self, i: usize, operation: &AnyOperation) {
        let mut state = lock(&self.state);
        let progress = operation.progress();
        let op = &mut state.ops[i];
        let mut changed = Vec::new();
        if !op.seen {
            changed.push("seen");
        }
        if progress.state != op.progress.state {
            changed.push("state");
        }
        if progress.percent != op.progress.percent {
            changed.push("percent");
        }
        if progress.stage != op.progress.stage {
            changed.push("stage");
        }
        op.seen = true;
        op.done = operation.is_done();
        op.progress = progress;
        if !changed.is_empty() {
            let p = &op.progress;
            let fields = json!({
                "changed": changed,
                "state": p.state,
                "percent": p.percent,
                "stage": p.stage,
                "done": op.done,
            });
            self.event(op, "progress", fields);
        }
        state.render(i);
    }

    /// A call for operation `i` failed transiently and is tried again: `attempt` is the
    /// attempt that failed.
    pub fn retry(&self, i: usize, attempt: Option<u64>, wait_ms: Option<u64>, cause: String) {
        let mut state = lock(&self.state);
        let fields = json!({"attempt": attempt, "wait_ms": wait_ms, "cause": cause});
        let op = &mut state.ops[i];
        op.retries += 1;
        op.last_retry = Some(cause);
        self.event(op, "retry", fields);
        state.render(i);
    }

    /// The cancellation of operation `i` was asked for.
    pub fn cancelling(&self, i: usize) {
        let state = lock(&self.state);
        let op = &state.ops[i];
        state.screen.println(&format!("{}cancelling", op.label));
        self.event(op, "cancelling", json!({}));
    }

    /// The wait for operation `i` ended: `detail` says how where there is more to say than
    /// the outcome, `operation` is the final (or last seen) operation.
    pub fn ended(&self, i: usize, outcome: Outcome, detail: String, operation: Option<Value>) {
        let mut state = lock(&self.state);
        let op = &mut state.ops[i];
        let after = op.started.elapsed();
        let mut line = format!("{}{outcome} after {}", op.label, seconds(after));
        if !detail.is_empty() {
            let _ = write!(line, ": {}", printable(&detail));
        }
        let mut fields = json!({"elapsed_ms": after.as_millis() as u64});
        if !detail.is_empty() {
            fields["error"] = detail.clone().into();
        }
        if let Some(operation) = operation {
            fields["operation"] = operation;
        }
        self.event(op, outcome.event(), fields);
        op.ended = Some(Ended {
            outcome,
            detail,
            after,
        });
        if let Screen::Bars {
            multi, total, bars, ..
        } = &state.screen
        {
            bars[i].finish_and_clear();
            multi.remove(&bars[i]);
            if let Some(total) = total {
                total.inc(1);
                total.set_message(format!("({})", state.tally()));
            }
        }
        state.screen.println(&line);
    }

    /// Clears the bars and, with several operations, lists how each ended.
    pub fn summary(&self, worst: Outcome) {
        let state = lock(&self.state);
        if let Screen::Bars { multi, total, .. } = &state.screen {
            if let Some(total) = total {
                total.finish_and_clear();
            }
            let _ = multi.clear();
        }
        if !self.many {
            return;
        }
        let mut text = format!(
            "{} operations: {}; exit code {}",
            state.ops.len(),
            state.tally(),
            worst.exit_code()
        );
        for op in &state.ops {
            let (outcome, detail, after) = match &op.ended {
                Some(e) => (e.outcome.to_string(), e.detail.as_str(), e.after),
                None => ("not ended".to_owned(), "", op.started.elapsed()),
            };
            let _ = write!(text, "\n  {outcome:<11} {:>6}  {}", seconds(after), op.name);
            if !detail.is_empty() {
                let _ = write!(text, ": {}", printable(detail));
            }
        }
        eprintln!("{text}");
    }

    /// Writes one JSON event on standard output, with `--output json`.
    fn event(&self, op: &Op, event: &str, fields: Value) {
        if !self.json {
            return;
        }
        let Value::Object(fields) = fields else {
            return;
        };
        let event = Event {
            event,
            name: &op.name,
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            fields,
        };
        if let Ok(line) = serde_json::to_string(&event) {
            println!("{line}");
        }
    }
}

impl State {
    /// Shows operation `i`'s new state: its bar, or a line when the message changed.
    fn render(&mut self, i: usize) {
        let op = &mut self.ops[i];
        let message = op.message();
        match &self.screen {
            Screen::Bars { bars, .. } => {
                if let Some(percent) = op.progress.percent {
                    bars[i].set_position(percent.clamp(0.0, 100.0) as u64);
                }
                bars[i].set_message(message);
            }
            Screen::Lines if message != op.last_line => {
                eprintln!("[{}] {}{message}", seconds(op.started.elapsed()), op.label);
                op.last_line = message;
            }
            Screen::Lines => {}
        }
    }

    /// How many operations ended each way, e.g. `7 done, 1 failed`.
    fn tally(&self) -> String {
        let counts: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|outcome| {
                let n = self
                    .ops
                    .iter()
                    .filter(|op| op.ended.as_ref().is_some_and(|e| e.outcome == *outcome))
                    .count();
                (n > 0).then(|| format!("{n} {outcome}"))
            })
            .collect();
        if counts.is_empty() {
            "none ended yet".to_owned()
        } else {
            counts.join(", ")
        }
    }
}

impl Screen {
    /// Prints `text` on standard error, above the bars where there are some.
    fn println(&self, text: &str) {
        match self {
            Screen::Bars { multi, .. } => {
                let _ = multi.println(text);
            }
            Screen::Lines => eprintln!("{text}"),
        }
    }
}

impl Op {
    /// The state, percent, stage and retries, as far as they are known; the texts that come
    /// from responses made [`printable`].
    fn message(&self) -> String {
        let p = &self.progress;
        let mut text = match (&p.state, self.seen, self.done) {
            (Some(state), _, _) => printable(state),
            (None, false, _) => "waiting".to_owned(),
            (None, true, false) => "RUNNING".to_owned(),
            (None, true, true) => "DONE".to_owned(),
        };
        if let Some(percent) = p.percent {
            let _ = write!(text, " {percent:.0}%");
        }
        if let Some(stage) = &p.stage {
            let _ = write!(text, " {}", printable(stage));
        }
        if self.retries > 0 {
            let _ = write!(text, " (retries: {}", self.retries);
            if let Some(cause) = &self.last_retry {
                let _ = write!(text, ", last: {}", printable(cause));
            }
            text.push(')');
        }
        text
    }
}

/// `text` made safe to show on a terminal: each control character (C0, DEL, C1: escape
/// sequences, carriage returns, line feeds, bells…) and each Unicode bidirectional control is
/// written as its escape (`\u{1b}`), so that no text a server sends (an operation's name,
/// state, stage or error; an error page) can move the cursor, clear or retitle the terminal,
/// start a line of its own, or reorder what is shown. JSON events need no such care: their
/// encoding escapes control characters already.
pub fn printable(text: &str) -> String {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return text.to_owned();
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(safe, "\\u{{{:x}}}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    safe
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The start the names share, up to and including its last `/`: what their labels leave
/// out.
fn common_start(names: &[String]) -> &str {
    let first = names.first().map_or("", String::as_str);
    let mut len = first.len();
    for name in names {
        len = first
            .bytes()
            .zip(name.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    first[..len].rfind('/').map_or("", |end| &first[..=end])
}

/// Each name without the start they share, cut to its last characters where it is long,
/// then `: `, padded so that what follows aligns.
fn labels(names: &[String]) -> Vec<String> {
    let common = common_start(names).len();
    let short: Vec<String> = names
        .iter()
        .map(|name| {
            let rest = &name[common..];
            let count = rest.chars().count();
            if count > LABEL_WIDTH {
                let tail: String = rest.chars().skip(count - (LABEL_WIDTH - 1)).collect();
                format!("…{tail}")
            } else {
                rest.to_owned()
            }
        })
        .collect();
    let width = short.iter().map(|s| s.chars().count()).max().unwrap_or(0) + 2;
    short
        .into_iter()
        .map(|s| format!("{:<width$}", format!("{s}: ")))
        .collect()
}

fn seconds(elapsed: Duration) -> String {
    format!("{}s", elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_would_steer_a_terminal() {
        assert_eq!(
            printable("RUNNING 55% Creating vm-2"),
            "RUNNING 55% Creating vm-2"
        );
        assert_eq!(printable("é ✓ 日本"), "é ✓ 日本");
        assert_eq!(
            printable("\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31;5mred\r\nfake line\u{9b}\u{7f}"),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{1b}[31;5mred\\u{d}\\u{a}fake line\\u{9b}\\u{7f}"
        );
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
    }

    #[test]
    fn labels_leave_out_the_shared_start_keep_the_end_and_align() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let same_region = names(&[
            "projects/p/regions/us-central1/operations/op-1",
            "projects/p/regions/us-central1/operations/op-10",
        ]);
        assert_eq!(
            common_start(&same_region),
            "projects/p/regions/us-central1/operations/"
        );
        assert_eq!(labels(&same_region), ["op-1:  ", "op-10: "]);
        let long = names(&[
            "https://compute.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/operations/operation-1",
            "projects/p/regions/r/operations/o",
        ]);
        assert_eq!(common_start(&long), "");
        let labels = labels(&long);
        assert!(labels[0].starts_with('…'), "{labels:?}");
        assert!(
            labels[0].contains("/operations/operation-1: "),
            "{labels:?}"
        );
        assert_eq!(labels[0].chars().count(), labels[1].chars().count());
        // Names that differ within their last segment, or share no `/`.
        assert_eq!(
            common_start(&names(&["operations/a1", "operations/a2"])),
            "operations/"
        );
        assert_eq!(common_start(&names(&["op-1", "op-2"])), "");
    }
}
