//! Waits for a long-running operation of any service in the crate and prints its progress.
//!
//! ```sh
//! export GOOGLE_OAUTH_ACCESS_TOKEN="$(gcloud auth print-access-token)"
//! cargo run --example wait -- dataproc_v1 projects/p/regions/us-central1/operations/1234
//! cargo run --example wait -- workspaceevents_v1 operations/abc --endpoint http://127.0.0.1:8080/
//! ```
//!
//! The endpoint (root URL) comes from `--endpoint URL` or else `GOOGLE_OPERATIONS_ENDPOINT`;
//! without either, each service's own is used.

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

use google_operations::{
    Client, EnvToken, LongRunningOperation, PollPolicy, Request, TokenSource, apigateway_v1,
    cloudaicompanion_v1, dataproc_v1, type_url, workspaceevents_v1,
};
use serde::Serialize;

const USAGE: &str = "usage: wait SERVICE OPERATION_NAME [--endpoint URL]
  SERVICE: dataproc_v1 | apigateway_v1 | cloudaicompanion_v1 | workspaceevents_v1
  token from GOOGLE_OAUTH_ACCESS_TOKEN; endpoint from --endpoint or GOOGLE_OPERATIONS_ENDPOINT";

#[derive(Debug, PartialEq)]
struct Args {
    service: String,
    name: String,
    endpoint: Option<String>,
}

impl Args {
    fn parse(
        mut args: impl Iterator<Item = String>,
        env_endpoint: Option<String>,
    ) -> Result<Args, String> {
        let mut positional = Vec::new();
        let mut endpoint = None;
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--endpoint" => endpoint = Some(args.next().ok_or("--endpoint needs a URL")?),
                "-h" | "--help" => return Err(String::new()),
                _ => positional.push(arg),
            }
        }
        let [service, name] = <[String; 2]>::try_from(positional)
            .map_err(|_| "expected a service and an operation name".to_owned())?;
        Ok(Args {
            service,
            name,
            endpoint: endpoint.or(env_endpoint.filter(|e| !e.is_empty())),
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let env_endpoint = std::env::var("GOOGLE_OPERATIONS_ENDPOINT").ok();
    let args = match Args::parse(std::env::args().skip(1), env_endpoint) {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("wait: {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(
        &args,
        EnvToken::new(),
        PollPolicy::default(),
        &mut std::io::stdout(),
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wait: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for the operation `args` names and prints one line per poll to `out`.
async fn run(
    args: &Args,
    tokens: impl TokenSource + 'static,
    poll: PollPolicy,
    out: &mut impl Write,
) -> Result<(), Box<dyn Error>> {
    let mut client = Client::builder().token_source(tokens).poll_policy(poll);
    if let Some(endpoint) = &args.endpoint {
        client = client.root_url(endpoint);
    }
    let client = client.build()?;
    let name = args.name.as_str();
    let endpoint = args.endpoint.as_deref();
    match args.service.as_str() {
        "dataproc_v1" if name.contains("/regions/") => {
            let get = dataproc_v1::ProjectsRegionsOperationsGet::new(name)?;
            wait(&client, &get, endpoint, out).await
        }
        "dataproc_v1" => {
            let get = dataproc_v1::ProjectsLocationsOperationsGet::new(name)?;
            wait(&client, &get, endpoint, out).await
        }
        "apigateway_v1" => {
            let get = apigateway_v1::ProjectsLocationsOperationsGet::new(name)?;
            wait(&client, &get, endpoint, out).await
        }
        "cloudaicompanion_v1" => {
            let get = cloudaicompanion_v1::ProjectsLocationsOperationsGet::new(name)?;
            wait(&client, &get, endpoint, out).await
        }
        "workspaceevents_v1" => {
            let get = workspaceevents_v1::OperationsGet::new(name)?;
            wait(&client, &get, endpoint, out).await
        }
        other => Err(format!("unknown service {other:?}\n{USAGE}").into()),
    }
}

async fn wait<R>(
    client: &Client,
    get: &R,
    endpoint: Option<&str>,
    out: &mut impl Write,
) -> Result<(), Box<dyn Error>>
where
    R: Request + Clone,
    R::Response: LongRunningOperation + Serialize,
{
    let root = endpoint.unwrap_or(R::METHOD.service.root_url);
    writeln!(out, "waiting with {} at {root}", R::METHOD.id)?;
    let mut polls = 0;
    let operation = client
        .poller(get)
        .on_progress(|op: &R::Response| {
            polls += 1;
            let metadata = op.metadata().map(|m| serde_json::Value::Object(m.clone()));
            let kind = op.metadata().and_then(type_url).unwrap_or("no metadata");
            // Progress is best effort: a closed stdout must not stop the wait.
            let _ = writeln!(
                out,
                "poll {polls}: running ({kind}) {}",
                metadata.unwrap_or_default()
            );
        })
        .wait()
        .await?;
    let response = operation
        .response()
        .map(|r| serde_json::Value::Object(r.clone()));
    writeln!(
        out,
        "done: {} {}",
        operation.name().unwrap_or("(unnamed)"),
        response.unwrap_or_default()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    use google_operations::Token;
    use testserver::{Response, Server};

    /// Serves `operations/op-1` of Workspace Events: running twice, then done; 401 without
    /// the token. It stops when dropped.
    fn serve() -> Server {
        Server::start(|n, request| {
            let authorized = request.header("authorization") == Some("Bearer t0ken");
            let (status, body) = match (authorized, request.path(), n) {
                (false, ..) => (401, serde_json::json!({"error": {"code": 401}})),
                (true, "/v1/operations/op-1", 1 | 2) => (
                    200,
                    serde_json::json!({"name": "operations/op-1", "metadata": {"@type": "type.googleapis.com/x.Progress", "percent": n * 40}}),
                ),
                (true, "/v1/operations/op-1", _) => (
                    200,
                    serde_json::json!({"name": "operations/op-1", "done": true, "response": {"ok": true}}),
                ),
                _ => (404, serde_json::json!({"error": {"code": 404}})),
            };
            Response::new(status).body(body.to_string()).into()
        })
    }

    #[tokio::test]
    async fn waits_for_an_operation_on_a_loopback_server() {
        let server = serve();
        let root = server.root_url();
        let args = Args::parse(
            ["workspaceevents_v1", "operations/op-1", "--endpoint", &root]
                .map(String::from)
                .into_iter(),
            None,
        )
        .unwrap();
        let mut out = Vec::new();
        let poll = PollPolicy::default().initial_interval(Duration::from_millis(1));
        run(&args, Token::new("t0ken"), poll, &mut out)
            .await
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                format!("waiting with workspaceevents.operations.get at {root}").as_str(),
                r#"poll 1: running (type.googleapis.com/x.Progress) {"@type":"type.googleapis.com/x.Progress","percent":40}"#,
                r#"poll 2: running (type.googleapis.com/x.Progress) {"@type":"type.googleapis.com/x.Progress","percent":80}"#,
                r#"done: operations/op-1 {"ok":true}"#,
            ]
        );
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test]
    async fn refuses_bad_arguments_before_any_request() {
        let parse = |args: &[&str], env: Option<&str>| {
            Args::parse(args.iter().map(|a| a.to_string()), env.map(String::from))
        };
        assert!(parse(&["dataproc_v1"], None).is_err());
        assert!(parse(&["dataproc_v1", "a", "b"], None).is_err());
        assert!(parse(&["dataproc_v1", "a", "--endpoint"], None).is_err());
        let args = parse(
            &["dataproc_v1", "projects/p/regions/r/operations/o"],
            Some("http://e/"),
        )
        .unwrap();
        assert_eq!(args.endpoint.as_deref(), Some("http://e/"));

        let server = serve();
        let root = server.root_url();
        for (service, name) in [
            ("dataproc_v1", "projects/p/regions/../operations/o"),
            ("workspaceevents_v1", "projects/p/operations/o"),
            ("compute_v1", "operations/o"),
        ] {
            let args = parse(&[service, name, "--endpoint", &root], None).unwrap();
            let mut out = Vec::new();
            let result = run(&args, Token::new("t0ken"), PollPolicy::default(), &mut out);
            assert!(result.await.is_err(), "{service} {name}");
        }
        assert_eq!(server.requests().len(), 0);
    }
}
