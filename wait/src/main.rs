//! `google-operations-wait`: waits for a long-running operation of any Google API, given its
//! name, its URL or a Compute `selfLink`, and shows how far it has got.
//!
//! ```sh
//! cargo install google-operations-wait
//! google-operations-wait https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1
//! google-operations-wait projects/p/regions/us-central1/operations/1234 --service dataproc --json
//! ```
//!
//! The token comes from `GOOGLE_OAUTH_ACCESS_TOKEN` when it is set, and from Application
//! Default Credentials otherwise. On a terminal, progress is a bar on standard error with the
//! elapsed time, the state, the percentage and the stage where the service reports them, and
//! the retries as they happen; elsewhere it is one plain line per change.
//!
//! Exit codes: 0 done, 1 the operation failed, 2 usage (bad arguments, a name that resolves to
//! no collection or several), 3 the deadline passed, 4 any other error (authentication, the
//! API refusing the request), 130 interrupted.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use google_operations::{
    AnyOperation, Client, EnvToken, Error, LongRunningOperation, PollPolicy, PollState, Progress,
    Resolved, TokenSource, resolve,
};
use indicatif::{ProgressBar, ProgressStyle};

/// Waits for a long-running operation of a Google API and shows its progress.
#[derive(Debug, Parser)]
#[command(name = "google-operations-wait", version)]
struct Args {
    /// The operation: its name (`projects/p/regions/r/operations/1`), its full URL, or a Compute
    /// `selfLink`.
    operation: String,

    /// The service, where a name fits several: its module (`dataproc_v1`) or Discovery name
    /// (`dataproc`, `dataproc.v1`).
    #[arg(long)]
    service: Option<String>,

    /// How long to wait before giving up (e.g. `90s`, `10m`, `2h`; plain numbers are seconds).
    #[arg(long, default_value = "10m", value_parser = duration)]
    deadline: Duration,

    /// The pause between polls where the service cannot wait server-side (fixed; by default
    /// 1 s doubling up to 60 s).
    #[arg(long, value_parser = duration)]
    interval: Option<Duration>,

    /// Root URL to send the requests to instead of the service's own (a regional endpoint, an
    /// emulator).
    #[arg(long)]
    endpoint: Option<String>,

    /// Send the requests to the service's regional endpoint for the operation's location
    /// (`https://SERVICE.LOCATION.rep.googleapis.com/`), where its Discovery document
    /// publishes one. By default a request goes to the locational endpoint of its location
    /// where there is one (Vertex AI's), else to the service's root URL.
    #[arg(long)]
    regional: bool,

    /// Print the request that would be sent (method and URL) on standard output and exit,
    /// sending nothing.
    #[arg(long)]
    dry_run: bool,

    /// Print the final operation as JSON on standard output.
    #[arg(long)]
    json: bool,

    /// On Ctrl-C, ask the service to cancel the operation and wait for it to end (otherwise
    /// Ctrl-C only stops waiting).
    #[arg(long)]
    cancel: bool,
}

/// `90s`, `10m`, `2h`, `1500ms` or a number of seconds.
fn duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 90s, 10m or 2h"))?;
    let seconds = match unit {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

const DONE: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;
const DEADLINE: u8 = 3;
const OTHER: u8 = 4;
const INTERRUPTED: u8 = 130;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut request = match resolve(&args.operation, args.service.as_deref()) {
        Ok(request) => request,
        Err(e) => {
            eprintln!("google-operations-wait: {e}");
            return ExitCode::from(USAGE);
        }
    };
    if args.regional {
        request = request.regional_endpoint();
    }
    if let Some(endpoint) = &args.endpoint {
        request = request.root_url(endpoint.clone());
    }
    if args.dry_run {
        println!("{} {}", request.method().http_method, request.url());
        return ExitCode::from(DONE);
    }
    let view = View::new(&request);
    show_retries(view.clone());
    let tokens: Box<dyn TokenSource> = if std::env::var_os(EnvToken::DEFAULT_VAR).is_some() {
        Box::new(EnvToken::new())
    } else {
        match google_operations::Adc::new().await {
            Ok(adc) => Box::new(adc),
            Err(e) => {
                eprintln!(
                    "google-operations-wait: no credentials: set {} or Application Default Credentials: {e}",
                    EnvToken::DEFAULT_VAR
                );
                return ExitCode::from(OTHER);
            }
        }
    };
    let mut policy = PollPolicy::default().deadline(args.deadline);
    if let Some(interval) = args.interval {
        policy = policy
            .initial_interval(interval)
            .max_interval(interval)
            .multiplier(1.0);
    }
    let client = match Client::builder()
        .token_source(tokens)
        .poll_policy(policy)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("google-operations-wait: {e}");
            return ExitCode::from(OTHER);
        }
    };
    wait(&client, &request, &args, &view).await
}

/// Polls until the end, showing each state; Ctrl-C stops, or cancels with `--cancel`.
async fn wait(client: &Client, request: &Resolved, args: &Args, view: &View) -> ExitCode {
    let mut poller = client.poller(request);
    let mut interrupt = Box::pin(tokio::signal::ctrl_c());
    let mut cancelling = false;
    loop {
        let step = tokio::select! {
            step = poller.poll() => step,
            _ = &mut interrupt, if !cancelling => {
                if !args.cancel {
                    view.finish("interrupted; the operation goes on (--cancel cancels it)");
                    return ExitCode::from(INTERRUPTED);
                }
                cancelling = true;
                view.note("cancelling");
                if let Err(e) = poller.cancel().await {
                    view.finish(&format!("cancel failed: {e}"));
                    return ExitCode::from(OTHER);
                }
                continue;
            }
        };
        match step {
            Ok(PollState::Running(op)) => view.show(&op),
            Ok(PollState::Done(op)) => {
                view.show(&op);
                view.finish("done");
                print_json(args, &op);
                return ExitCode::from(DONE);
            }
            Err(Error::OperationFailed { error, .. }) => {
                view.finish(&format!("failed: {error}"));
                return ExitCode::from(FAILED);
            }
            Err(e @ Error::NotDone { .. }) => {
                view.finish(&e.to_string());
                if let Error::NotDone {
                    last_operation: Some(op),
                    ..
                } = &e
                {
                    print_json(args, op);
                }
                return ExitCode::from(DEADLINE);
            }
            Err(e) => {
                view.finish(&e.to_string());
                return ExitCode::from(OTHER);
            }
        }
    }
}

/// Prints an operation on standard output, with `--json`.
fn print_json(args: &Args, op: &impl serde::Serialize) {
    if args.json {
        let text = serde_json::to_string_pretty(op).unwrap_or_default();
        println!("{text}");
    }
}

/// What the user sees: a bar on a terminal, plain lines otherwise; on standard error.
#[derive(Clone)]
struct View {
    inner: Arc<Mutex<ViewState>>,
}

struct ViewState {
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: String,
    retries: u32,
    last_retry: Option<String>,
    progress: Progress,
    /// Whether the last operation shown was done: a state the service does not name is then
    /// `DONE`, not `RUNNING`.
    done: bool,
}

impl View {
    fn new(request: &Resolved) -> View {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(100);
            let style = ProgressStyle::with_template("{spinner} {elapsed:>4} [{bar:24}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
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
        match &bar {
            Some(bar) => bar.println(&intro),
            None => eprintln!("{intro}"),
        }
        View {
            inner: Arc::new(Mutex::new(ViewState {
                bar,
                started: Instant::now(),
                last_line: String::new(),
                retries: 0,
                last_retry: None,
                progress: Progress::default(),
                done: false,
            })),
        }
    }

    fn show(&self, op: &AnyOperation) {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        state.progress = op.progress();
        state.done = op.is_done();
        state.render();
    }

    fn retry(&self, cause: String) {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        state.retries += 1;
        state.last_retry = Some(cause);
        state.render();
    }

    fn note(&self, text: &str) {
        let state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match &state.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn finish(&self, outcome: &str) {
        let state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let line = format!("{outcome} after {}", seconds(state.started.elapsed()));
        match &state.bar {
            Some(bar) => {
                bar.finish_and_clear();
                eprintln!("{line}");
            }
            None => eprintln!("{line}"),
        }
    }
}

impl ViewState {
    /// The message: state, percent, stage and retries, as far as they are known.
    fn message(&self) -> String {
        let p = &self.progress;
        let unnamed = if self.done { "DONE" } else { "RUNNING" };
        let mut text = p.state.clone().unwrap_or_else(|| unnamed.to_owned());
        if let Some(percent) = p.percent {
            let _ = write!(text, " {percent:.0}%");
        }
        if let Some(stage) = &p.stage {
            let _ = write!(text, " {stage}");
        }
        if self.retries > 0 {
            let _ = write!(text, " (retries: {}", self.retries);
            if let Some(cause) = &self.last_retry {
                let _ = write!(text, ", last: {cause}");
            }
            text.push(')');
        }
        text
    }

    fn render(&mut self) {
        let message = self.message();
        match &self.bar {
            Some(bar) => {
                if let Some(percent) = self.progress.percent {
                    bar.set_position(percent.clamp(0.0, 100.0) as u64);
                }
                bar.set_message(message);
            }
            None if message != self.last_line => {
                eprintln!("[{}] {message}", seconds(self.started.elapsed()));
                self.last_line = message;
            }
            None => {}
        }
    }
}

fn seconds(elapsed: Duration) -> String {
    format!("{}s", elapsed.as_secs())
}

/// Shows the client's retries as they happen, from its `tracing` warnings marked
/// `retry = true`.
fn show_retries(view: View) {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(RetryLayer { view });
    // A subscriber set before (none in this program) would keep its place.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

struct RetryLayer {
    view: View,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RetryLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if fields.retry {
            self.view.retry(fields.cause.unwrap_or(fields.message));
        }
    }
}

#[derive(Default)]
struct Fields {
    retry: bool,
    message: String,
    cause: Option<String>,
}

impl tracing::field::Visit for Fields {
    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        if field.name() == "retry" {
            self.retry = value;
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "cause" => self.cause = Some(format!("{value:?}")),
            _ => {}
        }
    }
}
