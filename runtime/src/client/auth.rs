//! Token sources: where the client gets the headers that authenticate each request
//! (`authorization`, and a quota project's `x-goog-user-project`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};

use crate::error::BoxError;
use crate::service::Scope;

/// The future a [`TokenSource`]'s methods return.
pub type AuthFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send + 'a>>;

/// The header that names the quota project: the project billed, and whose quota is spent, for
/// a request made with user credentials.
pub const QUOTA_PROJECT_HEADER: &str = "x-goog-user-project";

/// Where the [`Client`](crate::Client) gets the headers that authenticate each attempt: an
/// OAuth 2.0 access token in `authorization`, and, where the source knows one, the quota
/// project in `x-goog-user-project`.
///
/// `scopes` are the scopes of the method being called ([`MethodInfo::scopes`](crate::MethodInfo));
/// any one of them grants access. A source that caches tokens should refresh them before they
/// expire; the client asks again for every attempt. When the server refuses a token (HTTP
/// 401), the client calls [`refresh`](Self::refresh) once and, if the source can give another
/// token, sends the request again; a second 401 in a row ends the call.
pub trait TokenSource: Send + Sync {
    /// The headers for a request to a method that accepts `scopes`: `authorization`, and
    /// `x-goog-user-project` where the source has a quota project.
    fn headers<'a>(&'a self, scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap>;

    /// The server refused (HTTP 401) the headers `refused` that [`headers`](Self::headers)
    /// gave for `scopes`: the source forgets that token, so that the next `headers` gives a
    /// fresh one. Gives whether it can (`false`, the default, for a token that cannot be
    /// renewed, such as [`Token`] and [`EnvToken`]).
    fn refresh<'a>(&'a self, scopes: &'a [Scope], refused: &'a HeaderMap) -> AuthFuture<'a, bool> {
        let _ = (scopes, refused);
        Box::pin(std::future::ready(Ok(false)))
    }

    /// The universe domain the credentials belong to (`googleapis.com` for Google Cloud), where
    /// the source knows it; `None` (the default) when it does not. The client refuses to send
    /// anything when it is not the client's own universe domain.
    fn universe_domain(&self) -> AuthFuture<'_, Option<String>> {
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// A boxed source, so that a program can choose its source at run time.
impl<T: TokenSource + ?Sized> TokenSource for Box<T> {
    fn headers<'a>(&'a self, scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap> {
        (**self).headers(scopes)
    }

    fn refresh<'a>(&'a self, scopes: &'a [Scope], refused: &'a HeaderMap) -> AuthFuture<'a, bool> {
        (**self).refresh(scopes, refused)
    }

    fn universe_domain(&self) -> AuthFuture<'_, Option<String>> {
        (**self).universe_domain()
    }
}

/// An OAuth 2.0 access token. Its `Debug` shows no secret and it has no `Display`, so it stays
/// out of logs; the client marks the header it goes into as sensitive.
///
/// A token is itself a [`TokenSource`] that always gives the same token: it cannot be renewed,
/// so a 401 (it expired or was revoked) ends the call with
/// [`Error::TokenRefused`](crate::Error::TokenRefused).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token with this secret value.
    pub fn new(secret: impl Into<String>) -> Self {
        Token(secret.into())
    }

    /// The secret value, for the `authorization` header.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The `authorization: Bearer` header of this token, marked sensitive.
    fn headers(&self) -> Result<HeaderMap, BoxError> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.0))
            .map_err(|_| "the token is not a valid header value (it holds a control character)")?;
        value.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, value);
        Ok(headers)
    }

    /// Whether `headers` carry this token.
    fn is_in(&self, headers: &HeaderMap) -> bool {
        headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|secret| secret == self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl TokenSource for Token {
    fn headers<'a>(&'a self, _scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap> {
        Box::pin(std::future::ready(Token::headers(self)))
    }
}

/// A token read from an environment variable at each attempt, by default
/// `GOOGLE_OAUTH_ACCESS_TOKEN` (for example from `gcloud auth print-access-token`).
///
/// Such a token lasts about an hour and cannot be renewed: a 401 ends the call with
/// [`Error::TokenRefused`](crate::Error::TokenRefused). For longer waits use a source that
/// refreshes ([`TokenCommand`], or `Adc` with the feature `adc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvToken {
    var: String,
}

impl EnvToken {
    /// The variable the `gcloud`-style tools use.
    pub const DEFAULT_VAR: &'static str = "GOOGLE_OAUTH_ACCESS_TOKEN";

    /// Reads [`DEFAULT_VAR`](Self::DEFAULT_VAR).
    pub fn new() -> Self {
        Self::var(Self::DEFAULT_VAR)
    }

    /// Reads the variable `name`.
    pub fn var(name: impl Into<String>) -> Self {
        EnvToken { var: name.into() }
    }
}

impl Default for EnvToken {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenSource for EnvToken {
    fn headers<'a>(&'a self, _scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap> {
        let headers = match std::env::var(&self.var) {
            Ok(value) if !value.trim().is_empty() => Token::new(value.trim()).headers(),
            _ => Err(format!("the environment variable {} is not set or empty", self.var).into()),
        };
        Box::pin(std::future::ready(headers))
    }
}

/// Access tokens printed by a command, such as `gcloud auth print-access-token`: run when a
/// token is first needed, again once the token is [`lifetime`](Self::lifetime) old (45
/// minutes by default: gcloud's tokens last an hour), and again when the server refuses the
/// token (HTTP 401), like kubectl's credential plugins.
///
/// The command's standard output, trimmed, is the token (one word; a command that prints more
/// than 64 KiB is refused); a command that has not ended within 2 minutes is stopped. A
/// command that fails is an error naming it, its exit status and the start of its standard
/// error. The token is never logged; the command's text is shown in errors and `Debug`, so it
/// should hold no secret of its own.
pub struct TokenCommand {
    /// The program and its arguments.
    program: String,
    args: Vec<String>,
    /// The command as the user gave it, for messages.
    shown: String,
    lifetime: Duration,
    /// The last token and when it was printed.
    cached: tokio::sync::Mutex<Option<(Token, Instant)>>,
}

impl fmt::Debug for TokenCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCommand")
            .field("command", &self.shown)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// The most of a command's standard output read as a token.
const MAX_TOKEN_OUTPUT: u64 = 64 * 1024;
/// The most of a command's standard error shown in an error.
const MAX_ERROR_OUTPUT: usize = 400;
/// The longest a token command may run.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

impl TokenCommand {
    /// How long a token is used before the command is run again, unless told otherwise.
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(45 * 60);

    /// Runs `command` with the shell (`sh -c`; `cmd /C` on Windows), e.g.
    /// `gcloud auth print-access-token --impersonate-service-account=sa@p.iam.gserviceaccount.com`.
    pub fn shell(command: impl Into<String>) -> Self {
        let command = command.into();
        let (program, flag) = if cfg!(windows) {
            ("cmd", "/C")
        } else {
            ("sh", "-c")
        };
        TokenCommand {
            program: program.to_owned(),
            args: vec![flag.to_owned(), command.clone()],
            shown: command,
            lifetime: Self::DEFAULT_LIFETIME,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// Runs `program` with `args`, without a shell.
    pub fn program<S: Into<String>>(
        program: impl Into<String>,
        args: impl IntoIterator<Item = S>,
    ) -> Self {
        let program = program.into();
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        let shown = std::iter::once(program.as_str())
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        TokenCommand {
            program,
            args,
            shown,
            lifetime: Self::DEFAULT_LIFETIME,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// How long a token is used before the command is run again (default
    /// [`DEFAULT_LIFETIME`](Self::DEFAULT_LIFETIME)).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The command, as given.
    pub fn command(&self) -> &str {
        &self.shown
    }

    /// A token: the cached one while it is younger than its lifetime, else a new one.
    pub(crate) async fn token(&self) -> Result<Token, BoxError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, at)) = cached.as_ref()
            && at.elapsed() < self.lifetime
        {
            return Ok(token.clone());
        }
        let token = self.run().await?;
        *cached = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// Runs the command once and reads its token.
    async fn run(&self) -> Result<Token, BoxError> {
        let mut command = std::process::Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let (sender, receiver) = tokio::sync::oneshot::channel();
        // A thread of its own, so that the client needs no process support from its runtime;
        // it stops the command if it runs past its time.
        std::thread::spawn(move || {
            let _ = sender.send(run_command(command, COMMAND_TIMEOUT));
        });
        let shown = &self.shown;
        let output = receiver
            .await
            .unwrap_or_else(|_| Err("it stopped without an answer".to_owned()));
        let token = output.map_err(|why| format!("the token command `{shown}` failed: {why}"))?;
        tracing::debug!(command = %shown, "ran the token command");
        Ok(token)
    }

    /// Forgets the cached token if it is the one refused; whether a new one will come.
    async fn forget(&self, refused: &HeaderMap) -> bool {
        let mut cached = self.cached.lock().await;
        if cached
            .as_ref()
            .is_some_and(|(token, _)| token.is_in(refused))
        {
            *cached = None;
        }
        true
    }
}

/// Runs `command` to its end, stopping it after `timeout`: its token, or why there is none.
/// Reads at most [`MAX_TOKEN_OUTPUT`] bytes of its standard output and 4 KiB of its standard
/// error; a command that prints more than that is refused.
fn run_command(mut command: std::process::Command, timeout: Duration) -> Result<Token, String> {
    use std::io::Read as _;
    let mut child = command
        .spawn()
        .map_err(|e| format!("it could not be started: {e}"))?;
    // Each stream read on a thread of its own, up to its bound; then the pipe is closed, so
    // that a command printing without end stops at its next write.
    let read = |stream: Option<Box<dyn std::io::Read + Send>>, limit: u64| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(stream) = stream {
                let _ = stream.take(limit).read_to_end(&mut bytes);
            }
            let _ = sender.send(bytes);
        });
        receiver
    };
    let out = read(
        child.stdout.take().map(|s| Box::new(s) as Box<_>),
        MAX_TOKEN_OUTPUT + 1,
    );
    let errors = read(child.stderr.take().map(|s| Box::new(s) as Box<_>), 4096);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "it did not end within {timeout:?}, and was stopped"
                ));
            }
            Err(e) => return Err(format!("waiting for it failed: {e}")),
        }
    };
    // The streams end with the command, unless it left a process of its own holding them.
    let collect = |receiver: std::sync::mpsc::Receiver<Vec<u8>>| {
        receiver
            .recv_timeout(Duration::from_secs(1))
            .unwrap_or_default()
    };
    token_from_output(status, &collect(out), &collect(errors))
}

/// The token a command that ended with `status` printed on its standard output `out`, or why
/// there is none (its standard error `errors` among it).
fn token_from_output(
    status: std::process::ExitStatus,
    out: &[u8],
    errors: &[u8],
) -> Result<Token, String> {
    if out.len() as u64 > MAX_TOKEN_OUTPUT {
        return Err(format!(
            "it printed more than {MAX_TOKEN_OUTPUT} bytes on standard output; it must print \
             the access token alone"
        ));
    }
    if !status.success() {
        let excerpt: String = String::from_utf8_lossy(errors)
            .trim()
            .chars()
            .take(MAX_ERROR_OUTPUT)
            .collect();
        let excerpt = if excerpt.is_empty() {
            "no standard error".to_owned()
        } else {
            format!("standard error: \"{}\"", excerpt.escape_debug())
        };
        return Err(format!("it exited with {status} ({excerpt})"));
    }
    let text = std::str::from_utf8(out).map_err(|_| "it printed something that is not UTF-8")?;
    let token = text.trim();
    if token.is_empty() {
        return Err("it printed no token on standard output".to_owned());
    }
    // The token itself is never shown: it may be one, malformed.
    if token.contains(char::is_whitespace) || token.contains(char::is_control) {
        return Err(
            "it printed more than one word on standard output; it must print the access token \
             alone"
                .to_owned(),
        );
    }
    Ok(Token::new(token))
}

impl TokenSource for TokenCommand {
    fn headers<'a>(&'a self, _scopes: &'a [Scope]) -> AuthFuture<'a, HeaderMap> {
        Box::pin(async move { self.token().await?.headers() })
    }

    fn refresh<'a>(&'a self, _scopes: &'a [Scope], refused: &'a HeaderMap) -> AuthFuture<'a, bool> {
        Box::pin(async move { Ok(self.forget(refused).await) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn sh(script: &str) -> std::process::Command {
        let mut command = std::process::Command::new("sh");
        command
            .args(["-c", script])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command
    }

    #[cfg(unix)]
    #[test]
    fn a_command_past_its_time_is_stopped_and_one_that_prints_without_end_refused() {
        let started = Instant::now();
        let err = run_command(sh("sleep 30"), Duration::from_millis(300)).unwrap_err();
        assert!(
            err.starts_with("it did not end within 300ms, and was stopped"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let err = run_command(sh("yes ya29.token"), Duration::from_secs(20)).unwrap_err();
        assert!(err.starts_with("it printed more than 65536 bytes"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let token = run_command(sh("echo ya29.token"), Duration::from_secs(20)).unwrap();
        assert_eq!(token.secret(), "ya29.token");
    }

    #[test]
    fn tokens_are_redacted() {
        let token = Token::new("ya29.secret");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.secret(), "ya29.secret");
        let headers = token.headers().expect("a header");
        assert!(headers[http::header::AUTHORIZATION].is_sensitive());
        assert!(!format!("{headers:?}").contains("secret"));
        assert!(token.is_in(&headers));
        assert!(!Token::new("other").is_in(&headers));
    }

    #[test]
    fn a_token_with_a_newline_is_refused() {
        let err = Token::new("a\nb").headers().expect_err("refused");
        assert!(
            err.to_string().contains("not a valid header value"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn token_commands_are_run_once_per_lifetime_and_again_when_refused() {
        let dir = std::env::temp_dir().join(format!("token-command-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let count = dir.join("count");
        let _ = std::fs::remove_file(&count);
        // Prints `token-N`, N being how many times it ran.
        let script = format!(
            "echo x >> '{0}'; printf 'token-%s\\n' $(wc -l < '{0}' | tr -d ' ')",
            count.display()
        );
        let command = TokenCommand::shell(script);
        let first = command.headers(&[]).await.expect("a token");
        assert_eq!(first[http::header::AUTHORIZATION], "Bearer token-1");
        let again = command.headers(&[]).await.expect("a token");
        assert_eq!(again[http::header::AUTHORIZATION], "Bearer token-1");
        // Another token than the cached one was refused: the cache stays.
        let other = Token::new("token-0").headers().expect("a header");
        assert!(command.refresh(&[], &other).await.expect("refreshed"));
        let still = command.headers(&[]).await.expect("a token");
        assert_eq!(still[http::header::AUTHORIZATION], "Bearer token-1");
        assert!(command.refresh(&[], &first).await.expect("refreshed"));
        let fresh = command.headers(&[]).await.expect("a token");
        assert_eq!(fresh[http::header::AUTHORIZATION], "Bearer token-2");
        // Past its lifetime, the command runs again.
        let short = TokenCommand::shell(format!(
            "echo x >> '{0}'; printf 'token-%s\\n' $(wc -l < '{0}' | tr -d ' ')",
            count.display()
        ))
        .lifetime(Duration::ZERO);
        let a = short.headers(&[]).await.expect("a token");
        let b = short.headers(&[]).await.expect("a token");
        assert_ne!(a, b);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn failing_token_commands_are_errors_naming_them() {
        let err = TokenCommand::shell("echo 'not logged in\tto gcloud' >&2; exit 3")
            .headers(&[])
            .await
            .expect_err("it fails");
        assert_eq!(
            err.to_string(),
            "the token command `echo 'not logged in\tto gcloud' >&2; exit 3` failed: it exited \
             with exit status: 3 (standard error: \"not logged in\\tto gcloud\")"
        );
        let err = TokenCommand::shell("true")
            .headers(&[])
            .await
            .expect_err("no token");
        assert!(
            err.to_string()
                .ends_with("it printed no token on standard output"),
            "{err}"
        );
        // What it printed is never shown: it may be a token.
        let err = TokenCommand::shell("echo \"$PWD\"; echo two")
            .headers(&[])
            .await
            .expect_err("two words");
        let printed = std::env::current_dir().expect("a folder");
        assert!(err.to_string().contains("more than one word"), "{err}");
        assert!(
            !err.to_string().contains(&*printed.to_string_lossy()),
            "{err}"
        );
        let err = TokenCommand::program("/nonexistent/token-printer", ["--now"])
            .headers(&[])
            .await
            .expect_err("no such program");
        assert!(
            err.to_string().starts_with(
                "the token command `/nonexistent/token-printer --now` failed: it could not be \
                 started: "
            ),
            "{err}"
        );
    }
}
