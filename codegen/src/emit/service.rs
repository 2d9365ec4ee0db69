//! The service's constants: root URLs, revision, OAuth scopes.

use syn::Item;

use super::docs;
use super::syntax::{
    array, boolean, borrow, constant, generic, module, option, reference, slice, string,
    struct_literal, ty, value,
};
use crate::ir;

pub fn constants(s: &ir::Service) -> Vec<Item> {
    let str_ty = || reference(ty("str"), false);
    let (title, version) = (&s.title, &s.version);
    let mut scope_items: Vec<Item> = s
        .scopes
        .iter()
        .map(|scope| {
            constant(
                docs::attrs(&format!("`{}`: {}", scope.url, scope.description)),
                &scope.const_name,
                ty("crate::Scope"),
                struct_literal(
                    "crate::Scope",
                    vec![
                        ("url", string(&scope.url)),
                        ("description", string(&scope.description)),
                    ],
                ),
            )
        })
        .collect();
    scope_items.push(constant(
        docs::attrs("Every scope the service declares."),
        "ALL",
        reference(slice(ty("crate::Scope")), false),
        borrow(array(
            s.scopes
                .iter()
                .map(|scope| value(&scope.const_name))
                .collect(),
        )),
    ));
    vec![
        constant(
            docs::attrs("Discovery `rootUrl`: where requests go unless a builder overrides it."),
            "ROOT_URL",
            str_ty(),
            string(&s.root_url),
        ),
        constant(
            docs::attrs(
                "Discovery `mtlsRootUrl`: the root URL for clients that authenticate with mutual TLS.",
            ),
            "MTLS_ROOT_URL",
            generic("Option", vec![str_ty()]),
            option(s.mtls_root_url.as_deref().map(string)),
        ),
        constant(
            docs::attrs("Discovery `servicePath`: the prefix of every method path."),
            "SERVICE_PATH",
            str_ty(),
            string(&s.service_path),
        ),
        constant(
            docs::attrs("Discovery `revision` this module was generated from."),
            "REVISION",
            str_ty(),
            string(&s.revision),
        ),
        constant(
            docs::attrs(&format!(
                "The {title} {version}, as its Discovery document describes it."
            )),
            "SERVICE",
            ty("crate::ServiceInfo"),
            struct_literal(
                "crate::ServiceInfo",
                vec![
                    ("name", string(&s.name)),
                    ("version", string(version)),
                    ("title", string(title)),
                    ("revision", value("REVISION")),
                    ("root_url", value("ROOT_URL")),
                    ("mtls_root_url", value("MTLS_ROOT_URL")),
                    ("service_path", value("SERVICE_PATH")),
                    (
                        "fully_encode_reserved_expansion",
                        boolean(s.fully_encode_reserved_expansion),
                    ),
                    ("scopes", value("scopes::ALL")),
                ],
            ),
        ),
        module(
            docs::attrs(&format!("The OAuth 2.0 scopes of the {title}.")),
            "scopes",
            Some(scope_items),
        ),
    ]
}
