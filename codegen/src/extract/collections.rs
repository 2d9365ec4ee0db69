//! Which resources are operations collections, and which of their methods become builders;
//! then what each collection's methods say of each other once they are built.

use std::collections::{BTreeMap, BTreeSet};

use google_operations_runtime::template::is_operations_resource;

use crate::discovery::{self, Document, Resource};
use crate::error::{Error, join};
use crate::ir::{self, Location, MethodKind, Scalar};
use crate::types;

/// One `get` method of an operations resource, parsed, with where it was found.
pub(super) struct Found<'a> {
    /// The resource names from the top, e.g. `["projects", "regions", "operations"]`.
    pub(super) chain: Vec<String>,
    /// Its JSON path, for errors.
    pub(super) json_path: String,
    pub(super) method: &'a discovery::Method<'a>,
    /// The schema id of its response, if it has one.
    pub(super) response: Option<&'a str>,
    /// The schema id of its request body, if it takes one.
    pub(super) request: Option<&'a str>,
    /// Whether its collection's `get` responds with an operation, which makes the resource a
    /// collection.
    pub(super) collection: bool,
    /// For the `list` of a collection without `get`: the schema id of the operations it
    /// holds.
    pub(super) list_item: Option<String>,
    /// Which method of its resource it is.
    pub(super) kind: MethodKind,
}

/// The methods of an operations collection that become builders, in this order; a resource
/// named `operations` that is no collection gets its `get` only.
const LIFECYCLE: [MethodKind; 5] = MethodKind::ALL;

/// A method of a resource named like an operations collection, before it is known to be one:
/// its resource's names from the top, its kind, its JSON path, the method, and the schema ids
/// of its response and request.
type Candidate<'a> = (
    Vec<String>,
    MethodKind,
    String,
    &'a discovery::Method<'a>,
    Option<&'a str>,
    Option<&'a str>,
);

/// Resources, each by its names from the top.
type Chains = BTreeSet<Vec<String>>;

/// The [`LIFECYCLE`] methods of every resource under `resources` (at JSON path `path`, below
/// the resources `chain`) named `operations` or `…Operations`, at any depth.
fn walk<'a>(
    resources: &'a BTreeMap<discovery::Str<'a>, Resource<'a>>,
    path: &str,
    chain: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, MethodKind, String, &'a discovery::Method<'a>)>,
) {
    for (name, resource) in resources {
        let here = join(path, name);
        chain.push(name.to_string());
        if is_operations_resource(name) {
            for kind in LIFECYCLE {
                if let Some(method) = resource.methods.get(kind.name()) {
                    let at = join(&join(&here, "methods"), kind.name());
                    out.push((chain.clone(), kind, at, method));
                }
            }
        }
        walk(&resource.resources, &join(&here, "resources"), chain, out);
        chain.pop();
    }
}

/// Every [`Candidate`] of `doc`, with its response and request parsed.
fn candidates<'a>(file: &str, doc: &'a Document<'a>) -> Result<Vec<Candidate<'a>>, Error> {
    let mut methods = Vec::new();
    walk(&doc.resources, "resources", &mut Vec::new(), &mut methods);
    let mut parsed = Vec::with_capacity(methods.len());
    for (chain, kind, json_path, method) in methods {
        let response = schema_id(file, &json_path, "response", method.response.as_ref())?;
        let request = schema_id(file, &json_path, "request", method.request.as_ref())?;
        parsed.push((chain, kind, json_path, method, response, request));
    }
    Ok(parsed)
}

/// The resources whose `get` responds with an operation, which makes them collections, and
/// every resource with a `get`.
fn operation_gets(
    file: &str,
    doc: &Document<'_>,
    parsed: &[Candidate<'_>],
) -> Result<(Chains, Chains), Error> {
    let mut collections = Chains::new();
    let mut with_get = Chains::new();
    for (chain, kind, json_path, _, response, _) in parsed {
        if *kind != MethodKind::Get {
            continue;
        }
        with_get.insert(chain.clone());
        if let Some(response) = response {
            let at = join(&join(json_path, "response"), "$ref");
            if types::is_operation(file, doc, response, &at)? {
                collections.insert(chain.clone());
            }
        }
    }
    Ok((collections, with_get))
}

/// The resources without `get` whose `list` holds operations, with the schema id of those:
/// collections too (Spanner's `databaseOperations`, Bigtable's `operations.projects.operations`),
/// whose `list`, `cancel` and `delete` get builders, the `list` reading as pages of those
/// operations.
fn operation_lists(
    file: &str,
    doc: &Document<'_>,
    parsed: &[Candidate<'_>],
    with_get: &Chains,
) -> Result<BTreeMap<Vec<String>, String>, Error> {
    let mut list_items: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for (chain, kind, json_path, _, response, _) in parsed {
        if *kind != MethodKind::List || with_get.contains(chain) {
            continue;
        }
        if let Some(item) = operations_listed(file, doc, json_path, *response)? {
            list_items.insert(chain.clone(), item);
        }
    }
    Ok(list_items)
}

/// The [`LIFECYCLE`] methods of every operations collection, and the `get` of any other
/// resource named `operations`, at any depth, parsed, in id order.
pub(super) fn collection_methods<'a>(
    file: &str,
    doc: &'a Document<'a>,
) -> Result<Vec<Found<'a>>, Error> {
    let parsed = candidates(file, doc)?;
    // The `get` of each resource decides whether the resource is a collection.
    let (collections, with_get) = operation_gets(file, doc, &parsed)?;
    let list_items = operation_lists(file, doc, &parsed, &with_get)?;
    // A resource named `operations` without `get` in a document with operations collections
    // manages those operations by name: its `cancel` and `delete` get builders (Document AI's
    // and Text-to-Speech's top-level `operations`).
    let manages_operations = |chain: &Vec<String>, kind: MethodKind| {
        !collections.is_empty()
            && !with_get.contains(chain)
            && chain.last().is_some_and(|name| name == "operations")
            && matches!(kind, MethodKind::Cancel | MethodKind::Delete)
    };
    let mut found: Vec<Found<'a>> = Vec::with_capacity(parsed.len());
    for (chain, kind, json_path, method, response, request) in parsed {
        let collection = collections.contains(&chain);
        let listed = list_items.contains_key(&chain) && kind != MethodKind::Wait;
        let named_operations = chain.last().is_some_and(|name| name == "operations");
        if !(collection
            || listed
            || manages_operations(&chain, kind)
            || (named_operations && kind == MethodKind::Get))
        {
            continue;
        }
        if let Some(other) = found.iter().find(|f| f.method.id == method.id) {
            return Err(Error::new(
                file,
                join(&json_path, "id"),
                format!(
                    "duplicate method id {:?}, also at {}",
                    method.id, other.json_path
                ),
            ));
        }
        let list_item = match (kind, list_items.get(&chain)) {
            (MethodKind::List, Some(item)) => Some(item.clone()),
            _ => None,
        };
        found.push(Found {
            chain,
            json_path,
            method,
            response,
            request,
            collection,
            list_item,
            kind,
        });
    }
    found.sort_by(|a, b| a.method.id.cmp(&b.method.id));
    Ok(found)
}

/// The schema id of the operations a `list` response holds: the items of its first array
/// property whose items are operation-shaped.
fn operations_listed(
    file: &str,
    doc: &Document<'_>,
    json_path: &str,
    response: Option<&str>,
) -> Result<Option<String>, Error> {
    let Some(page) = response.and_then(|id| doc.schemas.get(id)) else {
        return Ok(None);
    };
    for property in page.properties.values() {
        let Some(item) = property.items.as_ref().and_then(|i| i.reference.as_deref()) else {
            continue;
        };
        if property.kind.as_deref() != Some("array") {
            continue;
        }
        let at = join(&join(json_path, "response"), "$ref");
        if doc.schemas.contains_key(item) && types::is_operation(file, doc, item, &at)? {
            return Ok(Some(item.to_owned()));
        }
    }
    Ok(None)
}

/// The schema id a lifecycle method's `response` or `request` (`part`) refers to; an error
/// naming its JSON path when it is an inline schema, which the generator does not model.
fn schema_id<'a>(
    file: &str,
    json_path: &str,
    part: &str,
    schema: Option<&'a discovery::Schema<'a>>,
) -> Result<Option<&'a str>, Error> {
    match schema {
        None => Ok(None),
        Some(schema) => match &schema.reference {
            Some(id) => Ok(Some(id.as_ref())),
            None => Err(Error::new(
                file,
                join(json_path, part),
                "missing field `$ref`: a method of an operations collection must refer to a \
                 schema",
            )),
        },
    }
}

/// The collections of the `found` methods (built into `methods`, in the same order): each
/// resource's methods by role, in the order of their first method. A collection whose `get`
/// responds with an operation is polled through it, with its `wait` and `cancel` where they
/// take the same path parameters (and `wait` gives the same operation). Each `list` response
/// is marked as a page of the collection's operations: those its `get` gives, or (without
/// `get`) those the list holds.
pub(super) fn collections(
    found: &[Found<'_>],
    names: &BTreeMap<String, String>,
    methods: &[ir::Method],
    defs: &mut [ir::TypeDef],
) -> Vec<ir::Collection> {
    let mut chains: Vec<&[String]> = Vec::new();
    for f in found {
        if !chains.contains(&f.chain.as_slice()) {
            chains.push(&f.chain);
        }
    }
    let mut out = Vec::with_capacity(chains.len());
    // Pages to mark: a page its `get`'s operations, by the `get`, then a page of the
    // operations a list holds, by the `list`; where two mark one model, the later one counts.
    let mut pages: Vec<(bool, usize, usize, &str)> = Vec::new();
    for chain in chains {
        let role = |kind: MethodKind| {
            (0..found.len()).find(|&i| found[i].kind == kind && found[i].chain == chain)
        };
        let get = role(MethodKind::Get);
        let (wait, cancel, list) = (
            role(MethodKind::Wait),
            role(MethodKind::Cancel),
            role(MethodKind::List),
        );
        let poll = get
            .filter(|&get| found[get].collection)
            .map(|get| poll(methods, get, wait, cancel));
        match (get, list) {
            (Some(get), Some(list)) if poll.is_some() => {
                if let Some(item) = methods[get].response.model() {
                    pages.push((false, get, list, item));
                }
            }
            (_, Some(list)) => {
                let item = found[list].list_item.as_ref().and_then(|w| names.get(w));
                if let Some(item) = item {
                    pages.push((true, list, list, item));
                }
            }
            _ => {}
        }
        out.push(ir::Collection {
            resource: chain.join("."),
            get,
            wait,
            cancel,
            delete: role(MethodKind::Delete),
            list,
            poll,
        });
    }
    pages.sort_by_key(|&(held, by, _, _)| (held, by));
    for (_, _, list, item) in pages {
        mark_page(defs, methods[list].response.model(), item);
    }
    out
}

/// How the poller reads a collection through its `get`: with its `wait` and `cancel` where
/// they take the same path parameters as `get` (and `wait` gives the same operation).
fn poll(
    methods: &[ir::Method],
    get: usize,
    wait: Option<usize>,
    cancel: Option<usize>,
) -> ir::Poll {
    let path_params = |m: &ir::Method| -> Vec<String> {
        m.params
            .iter()
            .filter(|p| p.location == Location::Path)
            .map(|p| p.wire_name.clone())
            .collect()
    };
    let get_params = path_params(&methods[get]);
    ir::Poll {
        wait: wait.filter(|&w| {
            path_params(&methods[w]) == get_params && methods[w].response == methods[get].response
        }),
        cancel: cancel.filter(|&c| path_params(&methods[c]) == get_params),
    }
}

/// Marks the struct `page` as a page of `item`s: its array of them and its `nextPageToken`.
fn mark_page(defs: &mut [ir::TypeDef], page: Option<&str>, item: &str) {
    let Some(page) = page else {
        return;
    };
    let Some(s) = defs.iter_mut().find_map(|d| match d {
        ir::TypeDef::Struct(s) if s.name == page => Some(s),
        _ => None,
    }) else {
        return;
    };
    let items = s.fields.iter().find(|f| {
        matches!(&f.ty, ir::Type::Array(t) if matches!(&**t, ir::Type::Named { name, .. } if name == item))
    });
    let next = s
        .fields
        .iter()
        .find(|f| f.wire_name == "nextPageToken" && f.ty == ir::Type::Scalar(Scalar::String));
    if let (Some(items), Some(next)) = (items, next) {
        s.page = Some(ir::PageShape {
            items: items.rust_name.clone(),
            item_type: item.to_owned(),
            next_page_token: next.rust_name.clone(),
        });
    }
}
