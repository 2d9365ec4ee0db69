//! Request builders, one per method of an operations collection: docs, a constructor,
//! accessors for its parameters and the static description of its method. Everything else a
//! request does lives once in the runtime (`Request`, `Call`).

use proc_macro2::TokenStream;
use quote::{ToTokens as _, format_ident, quote};

use super::{catalog, docs};
use crate::ir::{Collection, Location, Method, MethodKind, Param, Poll, Response, Service};

/// The builder of `m`, a method of `collection`.
pub fn builder(service: &Service, collection: &Collection, m: &Method) -> TokenStream {
    let name = format_ident!("{}", m.type_name);
    // The poller's links, on the builder of a `get` that it polls through.
    let poll = collection
        .poll
        .as_ref()
        .filter(|_| m.kind == MethodKind::Get);
    let doc = builder_doc(m, poll.is_some());
    let accessors = accessors(m);
    let request = request_impl(service, m, poll);
    let cancel = cancel_impl(service, m, poll);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name(crate::__private::Call);

        impl #name {
            #accessors
        }

        #request
        #cancel
    }
}

/// The builder's constructor, getters of its path parameters, setters of its optional ones,
/// and `body` where it takes one.
fn accessors(m: &Method) -> TokenStream {
    let constructor = constructor(m);
    let getters = m
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(getter);
    let setters = m.params.iter().filter(|p| !p.required).map(setter);
    let body = m.request.as_ref().map(|r| {
        let r = format_ident!("{r}");
        quote! {
            /// The request body.
            pub fn body(self, body: &#r) -> Self {
                Self(self.0.body(body))
            }
        }
    });
    quote! {
        #constructor
        #( #getters )*
        #( #setters )*
        #body
    }
}

/// The builder of the method at `index`, by name.
fn builder_name(service: &Service, index: usize) -> proc_macro2::Ident {
    format_ident!("{}", service.methods[index].type_name)
}

/// `impl Request`: the response type, the method, and the `wait` the poller may use.
fn request_impl(service: &Service, m: &Method, poll: Option<&Poll>) -> TokenStream {
    let name = format_ident!("{}", m.type_name);
    let response = match &m.response {
        Response::Model(r) => {
            let r = format_ident!("{r}");
            quote!(#r)
        }
        Response::Json => quote!(serde_json::Value),
        Response::NoContent => quote!(crate::NoContent),
    };
    let wait = poll.and_then(|p| p.wait).map(|w| {
        let w = builder_name(service, w);
        quote! {
            const WAIT: Option<&'static crate::MethodInfo> = Some(<#w as crate::Request>::METHOD);
        }
    });
    let method = catalog::method_ref(service, m);
    quote! {
        impl crate::Request for #name {
            type Response = #response;

            const METHOD: &'static crate::MethodInfo = #method;

            #wait

            fn call(&self) -> &crate::__private::Call {
                &self.0
            }

            fn call_mut(&mut self) -> &mut crate::__private::Call {
                &mut self.0
            }
        }
    }
}

/// `impl Cancel`, where the poller may cancel through the collection's `cancel`.
fn cancel_impl(service: &Service, m: &Method, poll: Option<&Poll>) -> Option<TokenStream> {
    let name = format_ident!("{}", m.type_name);
    let cancel = builder_name(service, poll?.cancel?);
    Some(quote! {
        impl crate::Cancel for #name {
            const CANCEL: &'static crate::MethodInfo = <#cancel as crate::Request>::METHOD;
        }
    })
}

/// The Rust type of one value of a parameter.
fn value_type(p: &Param) -> TokenStream {
    match &p.enum_type {
        Some(name) => format_ident!("{name}").into_token_stream(),
        None => p.ty.into_token_stream(),
    }
}

/// The type a constructor argument or setter takes for `p`.
fn argument_type(p: &Param) -> TokenStream {
    let one = if p.is_text() {
        quote!(impl Into<String>)
    } else {
        value_type(p)
    };
    if p.repeated {
        quote!(impl IntoIterator<Item = #one>)
    } else {
        one
    }
}

/// The argument `value` as the runtime's `Call` takes it.
fn argument_value(p: &Param, value: TokenStream) -> TokenStream {
    match (p.repeated, p.is_text()) {
        (true, true) => quote!(#value.into_iter().map(Into::<String>::into)),
        (false, true) => quote!(#value.into()),
        (_, false) => value,
    }
}

fn constructor(m: &Method) -> TokenStream {
    let required: Vec<&Param> = m.params.iter().filter(|p| p.required).collect();
    let args = required.iter().map(|p| {
        let (arg, ty) = (format_ident!("{}", p.rust_name), argument_type(p));
        quote!(#arg: #ty)
    });
    let path = required
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| argument_value(p, format_ident!("{}", p.rust_name).into_token_stream()));
    let start = quote!(crate::__private::Call::new::<Self>([#( #path ),*]));
    let query: Vec<TokenStream> = required
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| {
            let wire = &p.wire_name;
            let value = argument_value(p, format_ident!("{}", p.rust_name).into_token_stream());
            match (p.repeated, &p.pattern) {
                (false, Some(_)) if p.is_text() => quote!(let call = call.require(#wire, #value)?;),
                (true, _) => quote!(let call = call.set_all(#wire, #value);),
                (false, _) => quote!(let call = call.set(#wire, #value);),
            }
        })
        .collect();
    let body = if query.is_empty() {
        quote!(#start.map(Self))
    } else {
        quote! {
            let call = #start?;
            #( #query )*
            Ok(Self(call))
        }
    };
    let doc = constructor_doc(m, &required);
    quote! {
        #doc
        pub fn new(#( #args ),*) -> Result<Self, crate::Error> {
            #body
        }
    }
}

fn getter(p: &Param) -> TokenStream {
    let (name, wire) = (format_ident!("{}", p.rust_name), &p.wire_name);
    let doc = docs::attrs(&format!("The `{wire}` parameter."));
    quote! {
        #doc
        pub fn #name(&self) -> &str {
            self.0.path(#wire)
        }
    }
}

fn setter(p: &Param) -> TokenStream {
    let (name, wire) = (format_ident!("{}", p.rust_name), &p.wire_name);
    let doc = docs::attrs(&format!("Sets {}", param_text(p)));
    let (arg, set) = if p.repeated {
        (quote!(values), quote!(set_all))
    } else {
        (quote!(value), quote!(set))
    };
    let ty = argument_type(p);
    let value = argument_value(p, arg.clone());
    quote! {
        #doc
        pub fn #name(self, #arg: #ty) -> Self {
            Self(self.0.#set(#wire, #value))
        }
    }
}

fn param_text(p: &Param) -> String {
    let mut text = format!("`{}`", p.wire_name);
    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        text.push_str(": ");
        text.push_str(d.trim());
    }
    if let Some(pattern) = &p.pattern {
        text.push_str(&format!(" Must match `{}`.", pattern.describe()));
    }
    if !p.enum_values.is_empty() && p.enum_type.is_none() {
        text.push_str(" Values:");
        for (v, d) in &p.enum_values {
            text.push_str(&format!("\n  - `{v}`"));
            if !d.is_empty() {
                text.push_str(&format!(": {d}"));
            }
        }
    }
    text
}

fn constructor_doc(m: &Method, required: &[&Param]) -> TokenStream {
    let mut text = format!("Starts a `{}` request.\n", m.id);
    for p in required {
        text.push_str(&format!("\n- {}", param_text(p)));
    }
    let checked = |p: &&&Param| {
        p.location == Location::Path || (p.is_text() && !p.repeated && p.pattern.is_some())
    };
    if required.iter().any(|p| checked(&p)) {
        text.push_str(
            "\n\nChecks each value as [every builder's `new`](crate::Request#constructors) \
             does: [`Error::InvalidParameter`](crate::Error::InvalidParameter) names one that \
             fails.",
        );
    }
    docs::attrs(&text)
}

/// The docs of `m`'s builder; `polled` when the client polls through it.
fn builder_doc(m: &Method, polled: bool) -> TokenStream {
    let description = m.description.as_deref().unwrap_or_default();
    let (summary, rest) = docs::first_sentence(description)
        .unwrap_or_else(|| (written_summary(m.kind).to_owned(), description.to_owned()));
    let mut text = summary;
    if !rest.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(rest.trim());
    }
    text.push_str(&format!(
        "\n\n`{} {}` (Discovery id `{}`).",
        m.http_method, m.path, m.id
    ));
    let mut lines = docs::lines(&text);
    // Links of ours, added after escaping, and wrapped as the rest.
    let mut links = match &m.response {
        Response::Model(r) => format!("Responds with [`{r}`]."),
        Response::Json => String::new(),
        Response::NoContent => "Responds with no content.".to_owned(),
    };
    if let Some(r) = &m.request {
        let body = format!("[`body`]({}::body)", m.type_name);
        links.push_str(&format!(" Takes a [`{r}`] as its {body}."));
    }
    if polled {
        links.push_str(
            " The client's poller waits on it: see [waiting for an \
             operation](self#waiting-for-an-operation).",
        );
    }
    lines.extend(
        docs::wrap(links.trim(), docs::WIDTH)
            .into_iter()
            .map(|l| format!(" {l}")),
    );
    docs::lines_attrs(&lines)
}

/// The summary of a method its document does not describe.
fn written_summary(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Get => "Gets the latest state of an operation.",
        MethodKind::Wait => {
            "Waits until an operation is done or a server-side timeout passes, and returns its \
             latest state."
        }
        MethodKind::Cancel => "Starts cancelling an operation.",
        MethodKind::Delete => "Deletes an operation.",
        MethodKind::List => "Lists operations.",
    }
}
