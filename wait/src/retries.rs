//! The client's retries, as they happen, for the operation whose wait made them: read from
//! its `tracing` warnings marked `retry = true`, inside the span of each wait.

use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::report::Reporter;

/// The name of the span field that holds a wait's position in the list of operations.
pub const WAITER: &str = "waiter";

/// Sends the retries of every wait to `reporter`.
pub fn install(reporter: Arc<Reporter>) {
    let subscriber = tracing_subscriber::registry().with(RetryLayer { reporter });
    // A subscriber set before (none in this program) would keep its place.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

struct RetryLayer {
    reporter: Arc<Reporter>,
}

/// A wait's position, kept in its span.
struct Waiter(usize);

impl<S> Layer<S> for RetryLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(waiter), Some(span)) = (fields.waiter, ctx.span(id)) {
            span.extensions_mut().insert(Waiter(waiter));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if !fields.retry {
            return;
        }
        let waiter = ctx.event_scope(event).and_then(|mut scope| {
            scope.find_map(|span| span.extensions().get::<Waiter>().map(|w| w.0))
        });
        if let Some(waiter) = waiter {
            let cause = fields.cause.unwrap_or(fields.message);
            self.reporter
                .retry(waiter, fields.attempt, fields.wait_ms, cause);
        }
    }
}

#[derive(Default)]
struct Fields {
    retry: bool,
    waiter: Option<usize>,
    attempt: Option<u64>,
    wait_ms: Option<u64>,
    message: String,
    cause: Option<String>,
}

impl Visit for Fields {
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "retry" {
            self.retry = value;
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            WAITER => self.waiter = usize::try_from(value).ok(),
            "attempt" => self.attempt = Some(value),
            "wait_ms" => self.wait_ms = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "cause" => self.cause = Some(format!("{value:?}")),
            _ => {}
        }
    }
}
