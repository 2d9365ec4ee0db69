//! Every operation of a collection's `list`, page after page, as a stream.

use std::collections::VecDeque;

use futures_core::Stream;

use super::Client;
use crate::error::Error;
use crate::operation::Page;
use crate::request::{Call, Request};

/// The most pages one listing reads; a service that kept sending new page tokens would
/// otherwise never let it end.
const MAX_PAGES: u32 = 10_000;

/// Where a listing is.
struct Listing<'a> {
    client: &'a Client,
    call: Call,
    /// The token of the next page; `None` before the first page and after the last.
    next: Option<String>,
    pages: u32,
    done: bool,
}

impl Client {
    /// Every operation `request` (a collection's `list`) lists, following `nextPageToken`
    /// from page to page until the last, each page a call with its retries. The stream is
    /// bounded: it ends after the last page, after an error, or after 10,000 pages, and stops
    /// early if a page repeats the token that asked for it.
    ///
    /// Set `filter` and the page size on the request as usual; a `pageToken` set on it is
    /// where the listing starts.
    pub fn list_all<'a, R>(
        &'a self,
        request: &R,
    ) -> impl Stream<Item = Result<<R::Response as Page>::Item, Error>> + 'a
    where
        R: Request,
        R::Response: Page,
        <R::Response as Page>::Item: 'a,
    {
        let listing = Listing {
            client: self,
            call: request.call().clone(),
            next: None,
            pages: 0,
            done: false,
        };
        let start = (listing, VecDeque::new());
        futures_util::stream::unfold(start, |(mut listing, mut items)| async move {
            loop {
                if let Some(item) = items.pop_front() {
                    return Some((Ok(item), (listing, items)));
                }
                if listing.done {
                    return None;
                }
                match listing.page::<R::Response>().await {
                    Ok(page) => items.extend(page),
                    Err(e) => {
                        listing.done = true;
                        return Some((Err(e), (listing, items)));
                    }
                }
            }
        })
    }
}

impl Listing<'_> {
    /// Reads the next page and moves on.
    async fn page<P: Page + serde::de::DeserializeOwned>(&mut self) -> Result<Vec<P::Item>, Error> {
        let call = match self.next.take() {
            Some(token) => self.call.clone().set("pageToken", token),
            None => self.call.clone(),
        };
        let sent = Box::pin(self.client.send_once::<P>(&call));
        let page = sent.await?;
        self.pages += 1;
        let asked = call.query_value("pageToken");
        let next = page.next_page_token().map(str::to_owned);
        tracing::debug!(
            method = call.method().id,
            page = self.pages,
            more = next.is_some(),
            "listed a page"
        );
        match next {
            Some(token) if self.pages < MAX_PAGES && asked != Some(token.as_str()) => {
                self.next = Some(token);
            }
            _ => self.done = true,
        }
        Ok(page.into_items())
    }
}
