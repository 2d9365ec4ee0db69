//! `google-operations-wait`: waits for long-running operations of any Google API, given their
//! names, URLs or Compute `selfLink`s, and shows how far each has got.
//!
//! ```sh
//! cargo install google-operations-wait
//! google-operations-wait https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1
//! gcloud compute operations list --format='value(selfLink)' | google-operations-wait - --output json
//! ```
//!
//! Tokens come from `--token-command` when it is given, else from `GOOGLE_OAUTH_ACCESS_TOKEN`
//! when it is set, else from Application Default Credentials. Every wait shares one client:
//! one token source, one rate limit (`--rate`) with its hold-back after a 429.
//! See `--help` (or the README) for the output and the exit codes.

mod outcome;
mod report;
mod retries;
mod waiter;

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, Parser, ValueEnum};
use google_operations::{
    Client, ClientBuilder, EnvToken, PollPolicy, RateLimit, Resolved, TokenCommand, TokenSource,
    resolve_in_universe,
};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::outcome::{EXIT_CODES, Outcome, USAGE};
use crate::report::Reporter;

/// Waits for long-running operations of Google APIs and shows their progress.
#[derive(Debug, Parser)]
#[command(name = "google-operations-wait", version, after_help = EXIT_CODES)]
struct Args {
    /// The operations: names (`projects/p/regions/r/operations/1`), full URLs or Compute
    /// `selfLink`s. `-` reads more from standard input, one a line (blank lines and lines
    /// starting with `#` are skipped).
    #[arg(value_name = "OPERATION", required_unless_present_any = ["completions", "man"])]
    operations: Vec<String>,

    /// The service, where a name fits several: its module (`dataproc_v1`) or Discovery name
    /// (`dataproc`, `dataproc.v1`). It applies to every operation.
    #[arg(long)]
    service: Option<String>,

    /// How long to wait for each operation before giving up (e.g. `90s`, `10m`, `2h`,
    /// `1h 30m`; plain numbers are seconds).
    #[arg(long, default_value = "10m", value_parser = duration)]
    deadline: Duration,

    /// The pause between polls where the service cannot wait server-side (fixed; by default
    /// 1 s doubling up to 60 s).
    #[arg(long, value_parser = duration)]
    interval: Option<Duration>,

    /// The most requests started a second, over all the operations (polls, server-side
    /// `wait`s and retries), in bursts of up to five seconds' worth. The default, 20 a second
    /// and at most 1,300 in any minute, stays within Compute Engine's default quota of 1,500
    /// operation reads a minute per project; where the service waits server-side, nine in ten
    /// of 1,000 operations are noticed within a second of their end (the rest, ending before
    /// their first `wait` goes out, within 45 s). A request in flight holds nothing, so a
    /// server-side `wait` never keeps another operation from being polled.
    #[arg(long, default_value_t = DEFAULT_RATE, value_parser = rate, value_name = "REQUESTS")]
    rate: f64,

    /// The most requests in flight at once, over all the operations; by default there is no
    /// such bound (`--rate` bounds the requests). A server-side `wait` (Compute's) holds its
    /// place for as long as the service waits, so a bound below the number of operations
    /// makes finished operations queue behind unfinished ones.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    parallel: Option<u16>,

    /// Root URL to send the requests to instead of the service's own (a regional endpoint, an
    /// emulator).
    #[arg(long)]
    endpoint: Option<String>,

    /// Send the requests to the service's regional endpoint for the operation's location
    /// (`https://SERVICE.LOCATION.rep.googleapis.com/`), where its Discovery document
    /// publishes one. By default a request goes to the service's root URL, as Google's own
    /// clients send it, except for services that serve a location only at its locational
    /// endpoint (Vertex AI).
    #[arg(long, conflicts_with = "locational")]
    regional: bool,

    /// Send the requests to the service's locational endpoint for the operation's location
    /// (`https://LOCATION-SERVICE.googleapis.com/`: Cloud Run, Cloud Composer, Vertex AI),
    /// where its Discovery document publishes one.
    #[arg(long)]
    locational: bool,

    /// A command that prints an access token, run with `sh -c` when a token is first needed,
    /// again once it is 45 minutes old, and again when the token is refused (it expired), e.g.
    /// `gcloud auth print-access-token`. Over `GOOGLE_OAUTH_ACCESS_TOKEN` and Application
    /// Default Credentials.
    #[arg(long, value_name = "COMMAND")]
    token_command: Option<String>,

    /// The quota project: the project billed, and whose quota is spent, for the requests (sent
    /// as `x-goog-user-project`; some APIs refuse user credentials without one). Over
    /// `GOOGLE_CLOUD_QUOTA_PROJECT` and the credential file's `quota_project_id`.
    #[arg(long, visible_alias = "billing-project", value_name = "PROJECT")]
    quota_project: Option<String>,

    /// The universe domain, in place of `googleapis.com` (`s3nsapis.fr` for S3NS): operation
    /// URLs must be on its hosts, and requests go there. Over `GOOGLE_CLOUD_UNIVERSE_DOMAIN`.
    #[arg(long, value_name = "DOMAIN")]
    universe_domain: Option<String>,

    /// Print the requests that would be sent (method and URL) on standard output and exit,
    /// sending nothing.
    #[arg(long)]
    dry_run: bool,

    /// What standard output carries: nothing (`text`: progress goes to standard error only),
    /// or one JSON object a line per event (`json`): `started`, `progress`, `retry`,
    /// `cancelling`, then one of `done` (with the final operation), `cancelled`, `failed`,
    /// `timed_out` (with the last operation seen), `error` or `interrupted`. Each has
    /// `event`, `name` (the operation as given) and `time` (RFC 3339, UTC).
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,

    /// On Ctrl-C, ask the service to cancel every operation that has not ended, once, and wait
    /// for them to end (a second Ctrl-C stops waiting). Without it, Ctrl-C only stops waiting.
    #[arg(long)]
    cancel: bool,

    /// Print a completion script for SHELL on standard output and exit.
    #[arg(long, value_name = "SHELL", exclusive = true)]
    completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) on standard output and exit.
    #[arg(long, exclusive = true)]
    man: bool,
}

/// What standard output carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Nothing: progress goes to standard error.
    Text,
    /// One JSON object a line per event.
    Json,
}

/// The requests a second the program starts unless `--rate` says otherwise.
const DEFAULT_RATE: f64 = 20.0;

/// How many seconds' worth of requests may start at once after a quiet spell.
const BURST_SECONDS: f64 = 5.0;

/// A number of requests a second: at least [`RateLimit::SLOWEST`] (one an hour).
fn rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate >= RateLimit::SLOWEST => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a number of requests a second such as 20 or 0.5 (at least one an \
             hour)"
        )),
    }
}

/// `90s`, `10m`, `2h`, `1500ms`, `1h 30m` (humantime's forms) or a number of seconds.
fn duration(text: &str) -> Result<Duration, String> {
    if let Ok(seconds) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"));
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("{text:?} is not a duration such as 90s, 10m or 2h: {e}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(shell) = args.completions {
        let mut command = Args::command();
        clap_complete::generate(
            shell,
            &mut command,
            "google-operations-wait",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    if args.man {
        return match clap_mangen::Man::new(Args::command()).render(&mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(
                Outcome::Error.exit_code(),
                &[format!("writing the man page: {e}")],
            ),
        };
    }
    let names = match names(&args.operations) {
        Ok(names) => names,
        Err(e) => return fail(USAGE, &[e]),
    };
    let universe = ClientBuilder::universe_domain_in_effect(args.universe_domain.as_deref());
    let requests = match requests(&names, &args, &universe) {
        Ok(requests) => requests,
        Err(e) => return fail(USAGE, &e),
    };
    if args.dry_run {
        for request in &requests {
            println!("{} {}", request.method().http_method, request.url());
        }
        return ExitCode::SUCCESS;
    }
    let client = match client(&args, &universe).await {
        Ok(client) => client,
        Err(e) => return fail(Outcome::Error.exit_code(), &e),
    };
    let terminal = std::io::stderr().is_terminal();
    let reporter = Arc::new(Reporter::new(&names, terminal, args.output == Output::Json));
    retries::install(reporter.clone());
    let worst = wait_all(client, requests, args.cancel, reporter.clone()).await;
    reporter.summary(worst);
    ExitCode::from(worst.exit_code())
}

/// Prints `lines`, each made printable (a line break in a text from elsewhere is shown as
/// `\u{a}`, never starts a line), and gives exit code `code`.
fn fail(code: u8, lines: &[String]) -> ExitCode {
    for line in lines {
        eprintln!("google-operations-wait: {}", report::printable(line));
    }
    ExitCode::from(code)
}

/// The operations of the command line, with `-` replaced by the lines of standard input; each
/// once, in the order first given.
fn names(operations: &[String]) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    };
    for operation in operations {
        if operation != "-" {
            add(operation);
            continue;
        }
        for (number, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.map_err(|e| format!("standard input, line {}: {e}", number + 1))?;
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                add(line);
            }
        }
    }
    if names.is_empty() {
        return Err("no operations: standard input had none".to_owned());
    }
    Ok(names)
}

/// The `get` request of each name in `universe`, with the endpoint options; every name that
/// does not resolve is reported, and then nothing is sent.
fn requests(names: &[String], args: &Args, universe: &str) -> Result<Vec<Resolved>, Vec<String>> {
    let mut requests = Vec::new();
    let mut errors = Vec::new();
    for name in names {
        match resolve_in_universe(name, args.service.as_deref(), universe) {
            Ok(mut request) => {
                if args.regional {
                    request = request.regional_endpoint();
                }
                if args.locational {
                    request = request.locational_endpoint();
                }
                if let Some(endpoint) = &args.endpoint {
                    request = request.root_url(endpoint.clone());
                }
                requests.push(request);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(requests)
    } else {
        Err(errors)
    }
}

/// Where tokens come from: `--token-command`, else `GOOGLE_OAUTH_ACCESS_TOKEN`, else
/// Application Default Credentials.
async fn token_source(args: &Args) -> Result<Box<dyn TokenSource>, Vec<String>> {
    if let Some(command) = &args.token_command {
        return Ok(Box::new(TokenCommand::shell(command.clone())));
    }
    if std::env::var_os(EnvToken::DEFAULT_VAR).is_some() {
        return Ok(Box::new(EnvToken::new()));
    }
    match google_operations::Adc::new().await {
        Ok(adc) => Ok(Box::new(adc)),
        Err(e) => Err(vec![
            e.to_string(),
            format!(
                "(or give --token-command, or set {})",
                EnvToken::DEFAULT_VAR
            ),
        ]),
    }
}

/// The one client every wait shares, in `universe`.
async fn client(args: &Args, universe: &str) -> Result<Client, Vec<String>> {
    let tokens = token_source(args).await?;
    let mut policy = PollPolicy::default().deadline(args.deadline);
    if let Some(interval) = args.interval {
        policy = policy
            .initial_interval(interval)
            .max_interval(interval)
            .multiplier(1.0);
    }
    let burst = (args.rate * BURST_SECONDS).ceil().min(f64::from(u32::MAX)) as u32;
    let mut builder = Client::builder()
        .token_source(tokens)
        .poll_policy(policy)
        .rate_limit(RateLimit::per_second(args.rate).burst(burst))
        .universe_domain(universe);
    if let Some(parallel) = args.parallel {
        builder = builder.max_concurrent_requests(usize::from(parallel));
    }
    if let Some(project) = &args.quota_project {
        builder = builder.quota_project(project.clone());
    }
    builder.build().map_err(|e| vec![e.to_string()])
}

/// Waits for every operation at once, each in its own task and `tracing` span; passes
/// Ctrl-Cs on. Gives the worst outcome.
async fn wait_all(
    client: Client,
    requests: Vec<Resolved>,
    cancel: bool,
    reporter: Arc<Reporter>,
) -> Outcome {
    let (interrupts, watching) = watch::channel(0u32);
    let mut waits = JoinSet::new();
    for (i, request) in requests.into_iter().enumerate() {
        let span = tracing::info_span!("wait", waiter = i);
        let wait = waiter::wait(
            i,
            client.clone(),
            request,
            cancel,
            watching.clone(),
            reporter.clone(),
        );
        waits.spawn(wait.instrument(span));
    }
    let mut worst = Outcome::Done;
    loop {
        tokio::select! {
            joined = waits.join_next() => match joined {
                Some(Ok(outcome)) => worst = worst.max(outcome),
                Some(Err(e)) => {
                    eprintln!("google-operations-wait: a wait stopped: {e}");
                    worst = worst.max(Outcome::Error);
                }
                None => return worst,
            },
            Ok(()) = tokio::signal::ctrl_c() => {
                interrupts.send_modify(|n| *n += 1);
            }
        }
    }
}
