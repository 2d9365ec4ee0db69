//! The part of the Discovery document format the generator reads, as borrowed serde types.
//!
//! Only what the generator uses is modelled; unknown fields are ignored. A document is read
//! once, whole, into these types.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::join;

/// A string borrowed from the document where it has no escapes.
pub type Str<'a> = Cow<'a, str>;

/// A Discovery document (`discovery#restDescription`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow)]
    pub version: Str<'a>,
    #[serde(borrow, default)]
    pub title: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub documentation_link: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub revision: Option<Str<'a>>,
    #[serde(borrow)]
    pub root_url: Str<'a>,
    #[serde(borrow, default)]
    pub mtls_root_url: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub service_path: Str<'a>,
    /// The service's other published endpoints: locational and regional ones.
    #[serde(borrow, default)]
    pub endpoints: Vec<Endpoint<'a>>,
    #[serde(default)]
    pub fully_encode_reserved_expansion: bool,
    #[serde(borrow, default)]
    pub parameters: BTreeMap<Str<'a>, Parameter<'a>>,
    #[serde(borrow, default)]
    pub auth: Auth<'a>,
    #[serde(borrow)]
    pub resources: BTreeMap<Str<'a>, Resource<'a>>,
    #[serde(borrow)]
    pub schemas: BTreeMap<Str<'a>, Schema<'a>>,
}

/// One of `endpoints`: `{"endpointUrl": "https://europe-west4-aiplatform.googleapis.com/",
/// "location": "europe-west4", "description": "Locational Endpoint"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint<'a> {
    #[serde(borrow)]
    pub endpoint_url: Str<'a>,
    #[serde(borrow)]
    pub location: Str<'a>,
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
}

/// `auth`: the OAuth scopes the document declares.
#[derive(Debug, Default, Deserialize)]
pub struct Auth<'a> {
    #[serde(borrow, default)]
    pub oauth2: OAuth2<'a>,
}

/// `auth.oauth2`.
#[derive(Debug, Default, Deserialize)]
pub struct OAuth2<'a> {
    #[serde(borrow, default)]
    pub scopes: BTreeMap<Str<'a>, ScopeInfo<'a>>,
}

/// `auth.oauth2.scopes.*`.
#[derive(Debug, Default, Deserialize)]
pub struct ScopeInfo<'a> {
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
}

/// A resource: methods and nested resources.
#[derive(Debug, Default, Deserialize)]
pub struct Resource<'a> {
    #[serde(borrow, default)]
    pub methods: BTreeMap<Str<'a>, Method<'a>>,
    #[serde(borrow, default)]
    pub resources: BTreeMap<Str<'a>, Resource<'a>>,
}

/// A method.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub path: Str<'a>,
    #[serde(borrow, default)]
    pub flat_path: Option<Str<'a>>,
    #[serde(borrow)]
    pub http_method: Str<'a>,
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub parameters: BTreeMap<Str<'a>, Parameter<'a>>,
    #[serde(borrow, default)]
    pub parameter_order: Vec<Str<'a>>,
    /// The response: a `$ref` to a schema, or (outside operations collections) an inline
    /// schema.
    #[serde(borrow, default)]
    pub response: Option<Schema<'a>>,
    /// The request body, where the method takes one: as `response`.
    #[serde(borrow, default)]
    pub request: Option<Schema<'a>>,
    #[serde(borrow, default)]
    pub scopes: Vec<Str<'a>>,
}

/// A parameter of a method, or a standard parameter of the document.
#[derive(Debug, Deserialize)]
pub struct Parameter<'a> {
    #[serde(borrow, rename = "type")]
    pub kind: Str<'a>,
    #[serde(borrow)]
    pub location: Str<'a>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub repeated: bool,
    #[serde(borrow, default)]
    pub pattern: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub format: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
    #[serde(borrow, default, rename = "enum")]
    pub enum_values: Vec<Str<'a>>,
    #[serde(borrow, default, rename = "enumDescriptions")]
    pub enum_descriptions: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub default: Option<Str<'a>>,
}

/// A schema, or the type of a property, array item or map value.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema<'a> {
    #[serde(borrow, default, rename = "type")]
    pub kind: Option<Str<'a>>,
    #[serde(borrow, default, rename = "$ref")]
    pub reference: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub description: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub format: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub properties: BTreeMap<Str<'a>, Schema<'a>>,
    #[serde(borrow, default)]
    pub items: Option<Box<Schema<'a>>>,
    #[serde(borrow, default)]
    pub additional_properties: Option<Box<Schema<'a>>>,
    #[serde(borrow, default, rename = "enum")]
    pub enum_values: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub enum_descriptions: Vec<Str<'a>>,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub deprecated: bool,
}

impl Schema<'_> {
    /// The ids of the schemas this one refers to itself (not through them).
    pub fn references(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.references_at("", &mut out);
        out.into_iter().map(|(id, _)| id).collect()
    }

    /// Pushes every `$ref` inside this schema with its JSON path below `path`.
    pub fn references_at(&self, path: &str, out: &mut Vec<(String, String)>) {
        if let Some(r) = &self.reference {
            out.push((r.to_string(), join(path, "$ref")));
        }
        for (name, p) in &self.properties {
            p.references_at(&join(&join(path, "properties"), name), out);
        }
        if let Some(items) = &self.items {
            items.references_at(&join(path, "items"), out);
        }
        if let Some(ap) = &self.additional_properties {
            ap.references_at(&join(path, "additionalProperties"), out);
        }
    }
}
