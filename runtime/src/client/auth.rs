//! Access tokens: where the client gets the `authorization: Bearer` header from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::error::BoxError;
use crate::service::Scope;

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Token, BoxError>> + Send + 'a>>;

/// Where the [`Client`](crate::Client) gets an OAuth 2.0 access token for each attempt.
///
/// `scopes` are the scopes of the method being called ([`MethodInfo::scopes`](crate::MethodInfo));
/// any one of them grants access. A source that caches tokens should refresh them before they
/// expire; the client asks again for every attempt.
pub trait TokenSource: Send + Sync {
    /// An access token for a method that accepts `scopes`.
    fn token<'a>(&'a self, scopes: &'a [Scope]) -> TokenFuture<'a>;
}

/// An OAuth 2.0 access token. Its `Debug` shows no secret and it has no `Display`, so it stays
/// out of logs; the client marks the header it goes into as sensitive.
///
/// A token is itself a [`TokenSource`] that always gives the same token.
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
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A boxed source, so that a program can choose its source at run time.
impl<T: TokenSource + ?Sized> TokenSource for Box<T> {
    fn token<'a>(&'a self, scopes: &'a [Scope]) -> TokenFuture<'a> {
        (**self).token(scopes)
    }
}

impl TokenSource for Token {
    fn token<'a>(&'a self, _scopes: &'a [Scope]) -> TokenFuture<'a> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// A token read from an environment variable at each attempt, by default
/// `GOOGLE_OAUTH_ACCESS_TOKEN` (for example from `gcloud auth print-access-token`).
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
    fn token<'a>(&'a self, _scopes: &'a [Scope]) -> TokenFuture<'a> {
        let token = match std::env::var(&self.var) {
            Ok(value) if !value.trim().is_empty() => Ok(Token::new(value.trim())),
            _ => Err(format!("the environment variable {} is not set or empty", self.var).into()),
        };
        Box::pin(std::future::ready(token))
    }
}

/// Application Default Credentials through the `gcp_auth` crate: a service account key named
/// by `GOOGLE_APPLICATION_CREDENTIALS`, the `gcloud` user credentials, or the metadata server.
///
/// It asks for `cloud-platform` when the method accepts it, else for the method's first scope,
/// unless [`scopes`](Self::scopes) sets others. `gcp_auth` caches and refreshes the tokens.
#[cfg(feature = "adc")]
#[derive(Clone)]
pub struct Adc {
    provider: std::sync::Arc<dyn gcp_auth::TokenProvider>,
    scopes: Option<Vec<String>>,
}

#[cfg(feature = "adc")]
impl Adc {
    /// Finds the credentials, in `gcp_auth`'s order.
    ///
    /// # Errors
    ///
    /// [`Error::Setup`](crate::Error::Setup) when no credentials are found.
    pub async fn new() -> Result<Self, crate::Error> {
        let provider = gcp_auth::provider()
            .await
            .map_err(|e| crate::Error::Setup {
                source: Box::new(e),
            })?;
        Ok(Adc {
            provider,
            scopes: None,
        })
    }

    /// Asks for these scopes whatever the method, e.g. when the credentials are limited to them.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }
}

#[cfg(feature = "adc")]
impl fmt::Debug for Adc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adc")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "adc")]
impl TokenSource for Adc {
    fn token<'a>(&'a self, scopes: &'a [Scope]) -> TokenFuture<'a> {
        const CLOUD_PLATFORM: &str = "https://www.googleapis.com/auth/cloud-platform";
        let wanted: Vec<&str> = match &self.scopes {
            Some(own) => own.iter().map(String::as_str).collect(),
            None if scopes.iter().any(|s| s.url == CLOUD_PLATFORM) => vec![CLOUD_PLATFORM],
            None => vec![scopes.first().map_or(CLOUD_PLATFORM, |s| s.url)],
        };
        Box::pin(async move {
            let token = self.provider.token(&wanted).await?;
            Ok(Token::new(token.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_redacted() {
        let token = Token::new("ya29.secret");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.secret(), "ya29.secret");
    }
}
