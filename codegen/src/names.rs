//! The one place wire names become Rust names.
//!
//! Every identifier the generator writes comes from here, so it is valid Rust (ASCII letters,
//! digits and `_`, no keyword, no leading digit) and unique in its namespace. Emitters add
//! `#[serde(rename)]` exactly when the Rust name differs from the wire name.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Replaces every character that cannot stand in an identifier with a word break.
fn words(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn finish(mut name: String, empty: &str, digit_prefix: &str, keyword_suffix: &str) -> String {
    if name.is_empty() {
        name = empty.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push_str(keyword_suffix);
    }
    name
}

/// `snake_case` name for a field, argument or module; `true` when it differs from `wire`.
pub fn snake(wire: &str) -> String {
    finish(words(wire).to_snake_case(), "value", "n", "_")
}

/// `UpperCamelCase` name for a type.
pub fn camel(wire: &str) -> String {
    finish(words(wire).to_upper_camel_case(), "Value", "N", "Value")
}

/// `SHOUTY_SNAKE_CASE` name for a constant.
pub fn shouty(wire: &str) -> String {
    finish(words(wire).to_shouty_snake_case(), "VALUE", "N", "_")
}

/// A namespace: hands out unique names, adding `2`, `3`, … to a name already taken.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
    /// Names never handed out as they are: `Value` is added to them first.
    avoided: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            avoided: BTreeSet::new(),
        }
    }

    /// A namespace of type names in which `avoided` (names the generated code uses for other
    /// types, such as `Option`) become `OptionValue` and so on, as keywords do.
    pub fn avoiding(avoided: &[&str]) -> Self {
        Namespace {
            taken: BTreeSet::new(),
            avoided: avoided.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `name`, or the first of `name2`, `name3`, … that is free (`name_2` for snake case).
    pub fn claim(&mut self, name: String) -> String {
        let name = if self.avoided.contains(&name) {
            format!("{name}Value")
        } else {
            name
        };
        if self.taken.insert(name.clone()) {
            return name;
        }
        let sep = if name.ends_with('_')
            || name.chars().any(|c| c.is_ascii_uppercase()) && !name.contains('_')
        {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|i| format!("{name}{sep}{i}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_valid_rust_names() {
        assert_eq!(snake("quotaUser"), "quota_user");
        assert_eq!(snake("$.xgafv"), "xgafv");
        assert_eq!(
            snake("header.bypassBillingFilter"),
            "header_bypass_billing_filter"
        );
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("@type"), "type_");
        assert_eq!(snake("1p"), "n1p");
        assert_eq!(snake("€"), "value");
        assert_eq!(
            camel("GoogleLongrunning__Operation"),
            "GoogleLongrunningOperation"
        );
        assert_eq!(camel("self"), "SelfValue");
        assert_eq!(camel("3d"), "N3d");
        assert_eq!(
            shouty("https://www.googleapis.com/auth/cloud-platform"),
            "HTTPS_WWW_GOOGLEAPIS_COM_AUTH_CLOUD_PLATFORM"
        );
    }

    #[test]
    fn namespace_resolves_collisions() {
        let mut ns = Namespace::with_reserved(&["common"]);
        assert_eq!(ns.claim("common".into()), "common_2");
        assert_eq!(ns.claim("Operation".into()), "Operation");
        assert_eq!(ns.claim("Operation".into()), "Operation2");
        assert_eq!(ns.claim("Operation".into()), "Operation3");
        assert_eq!(ns.claim("type_".into()), "type_");
        assert_eq!(ns.claim("type_".into()), "type_2");
        assert_eq!(ns.claim("CLOUD_PLATFORM".into()), "CLOUD_PLATFORM");
        assert_eq!(ns.claim("CLOUD_PLATFORM".into()), "CLOUD_PLATFORM_2");
        let mut types = Namespace::avoiding(&["Option"]);
        assert_eq!(types.claim("Option".into()), "OptionValue");
        assert_eq!(types.claim("OptionValue".into()), "OptionValue2");
    }
}
