//! Small constructors of syntax trees.
//!
//! The emitters build most of a file's tree directly, since printing it is all prettyplease
//! needs: going through a `TokenStream` and parsing it back costs several times more than
//! printing. Function bodies and other code with real logic are written with `quote!` and
//! parsed one at a time by [`parse`]; docs, attributes, fields, types, signatures and the
//! literal-heavy constants are built here.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, Expr, Field, Fields, FieldsNamed, FieldsUnnamed, GenericArgument,
    ImplItem, Item, Lit, LitBool, LitStr, Meta, Path, PathArguments, PathSegment, Type, Visibility,
};

/// An identifier; the names module guarantees it is valid.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Parses code the generator wrote with `quote!`.
///
/// The tokens come from the generator, not from a document, so a failure is a bug in it.
pub fn parse<T: syn::parse::Parse>(tokens: TokenStream) -> T {
    match syn::parse2(tokens) {
        Ok(tree) => tree,
        Err(e) => panic!("the generator emitted tokens that do not parse as Rust: {e}"),
    }
}

/// A path such as `crate::support::ParamCheck`, without generic arguments.
pub fn path(text: &str) -> Path {
    Path {
        leading_colon: None,
        segments: text
            .split("::")
            .map(|s| PathSegment::from(ident(s)))
            .collect(),
    }
}

/// The type named by a path, such as `crate::JsonObject` or `String`.
pub fn ty(text: &str) -> Type {
    path_type(path(text))
}

/// `outer<args…>`, e.g. `Option<String>`.
pub fn generic(outer: &str, args: Vec<Type>) -> Type {
    let mut p = path(outer);
    if let Some(last) = p.segments.last_mut() {
        last.arguments = PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: args.into_iter().map(GenericArgument::Type).collect(),
            gt_token: Default::default(),
        });
    }
    path_type(p)
}

fn path_type(path: Path) -> Type {
    Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

/// `&elem` or `&mut elem`.
pub fn reference(elem: Type, mutable: bool) -> Type {
    Type::Reference(syn::TypeReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        lifetime: None,
        mutability: mutable.then(Default::default),
        elem: Box::new(elem),
    })
}

/// `&'static elem`.
pub fn static_reference(elem: Type) -> Type {
    Type::Reference(syn::TypeReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        lifetime: Some(syn::Lifetime::new("'static", Span::call_site())),
        mutability: None,
        elem: Box::new(elem),
    })
}

/// `[elem]`.
pub fn slice(elem: Type) -> Type {
    Type::Slice(syn::TypeSlice {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elem: Box::new(elem),
    })
}

/// Outer doc attributes (`///`), one per line.
pub fn docs(lines: &[String]) -> Vec<Attribute> {
    lines.iter().map(|l| doc(l, AttrStyle::Outer)).collect()
}

/// Inner doc attributes (`//!`), one per line.
pub fn inner_docs(lines: &[String]) -> Vec<Attribute> {
    lines
        .iter()
        .map(|l| doc(l, AttrStyle::Inner(Default::default())))
        .collect()
}

fn doc(line: &str, style: AttrStyle) -> Attribute {
    attribute(
        style,
        Meta::NameValue(syn::MetaNameValue {
            path: path("doc"),
            eq_token: Default::default(),
            value: Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: Lit::new(doc_literal(line)),
            }),
        }),
    )
}

/// A string literal holding a doc line: raw (`r"..."`) where it can be, which is cheaper
/// to make than an escaped literal and what prettyplease reads back fastest.
fn doc_literal(line: &str) -> Literal {
    if line.contains('\r') {
        return Literal::string(line);
    }
    // One more `#` than the longest run of `#` after a quote in the line.
    let mut hashes = 0;
    for (i, _) in line.match_indices('"') {
        let run = line[i + 1..].bytes().take_while(|&b| b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    match format!("r{fence}\"{line}\"{fence}").parse() {
        Ok(raw) => raw,
        Err(_) => Literal::string(line),
    }
}

/// `#[name(tokens)]`, e.g. `#[derive(Debug)]`.
pub fn attr(name: &str, tokens: TokenStream) -> Attribute {
    attribute(
        AttrStyle::Outer,
        Meta::List(syn::MetaList {
            path: path(name),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        }),
    )
}

/// `#[name]`, e.g. `#[non_exhaustive]`.
pub fn attr_word(name: &str) -> Attribute {
    attribute(AttrStyle::Outer, Meta::Path(path(name)))
}

fn attribute(style: AttrStyle, meta: Meta) -> Attribute {
    Attribute {
        pound_token: Default::default(),
        style,
        bracket_token: Default::default(),
        meta,
    }
}

/// `pub`, or nothing.
fn visibility(public: bool) -> Visibility {
    if public {
        Visibility::Public(Default::default())
    } else {
        Visibility::Inherited
    }
}

/// A named field: `attrs [pub] name: ty`.
pub fn field(attrs: Vec<Attribute>, public: bool, name: &str, ty: Type) -> Field {
    any_field(attrs, visibility(public), Some(ident(name)), ty)
}

fn any_field(attrs: Vec<Attribute>, vis: Visibility, name: Option<Ident>, ty: Type) -> Field {
    Field {
        attrs,
        vis,
        modifiers: Default::default(),
        colon_token: name.is_some().then(Default::default),
        ident: name,
        ty,
        default: None,
    }
}

/// `attrs pub struct name { fields }`.
pub fn structure(attrs: Vec<Attribute>, name: &str, fields: Vec<Field>) -> Item {
    Item::Struct(syn::ItemStruct {
        attrs,
        vis: visibility(true),
        struct_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        fields: Fields::Named(FieldsNamed {
            brace_token: Default::default(),
            named: fields.into_iter().collect(),
        }),
        semi_token: None,
    })
}

/// An enum variant: `attrs name` or `attrs name(ty)`.
pub fn variant(attrs: Vec<Attribute>, name: &str, tuple: Option<Type>) -> syn::Variant {
    syn::Variant {
        attrs,
        ident: ident(name),
        fields: match tuple {
            None => Fields::Unit,
            Some(ty) => Fields::Unnamed(FieldsUnnamed {
                paren_token: Default::default(),
                unnamed: std::iter::once(any_field(Vec::new(), Visibility::Inherited, None, ty))
                    .collect(),
            }),
        },
        discriminant: None,
    }
}

/// `attrs pub enum name { variants }`.
pub fn enumeration(attrs: Vec<Attribute>, name: &str, variants: Vec<syn::Variant>) -> Item {
    Item::Enum(syn::ItemEnum {
        attrs,
        vis: visibility(true),
        enum_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        brace_token: Default::default(),
        variants: variants.into_iter().collect(),
    })
}

/// `attrs pub const name: ty = expr;`
pub fn constant(attrs: Vec<Attribute>, name: &str, ty: Type, expr: Expr) -> Item {
    Item::Const(syn::ItemConst {
        attrs,
        vis: visibility(true),
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// `attrs pub mod name { items }`, or `attrs pub mod name;` without items.
pub fn module(attrs: Vec<Attribute>, name: &str, items: Option<Vec<Item>>) -> Item {
    Item::Mod(syn::ItemMod {
        attrs,
        vis: visibility(true),
        unsafety: None,
        mod_token: Default::default(),
        ident: ident(name),
        semi: items.is_none().then(Default::default),
        content: items.map(|items| (Default::default(), items)),
    })
}

/// `impl [trait_ for] self_ty { items }`.
pub fn implementation(trait_: Option<&str>, self_ty: &str, items: Vec<ImplItem>) -> Item {
    Item::Impl(syn::ItemImpl {
        attrs: Vec::new(),
        modifiers: Default::default(),
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: trait_.map(|t| (path(t), Default::default())),
        self_ty: Box::new(ty(self_ty)),
        brace_token: Default::default(),
        items,
    })
}

/// `const name: ty = expr;` inside an impl.
pub fn impl_constant(name: &str, ty: Type, expr: Expr) -> ImplItem {
    ImplItem::Const(syn::ImplItemConst {
        attrs: Vec::new(),
        vis: Visibility::Inherited,
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty,
        eq_token: Default::default(),
        expr,
        semi_token: Default::default(),
    })
}

/// `type name = ty;` inside an impl.
pub fn impl_type(name: &str, ty: Type) -> ImplItem {
    ImplItem::Type(syn::ImplItemType {
        attrs: Vec::new(),
        vis: Visibility::Inherited,
        modifiers: Default::default(),
        type_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        eq_token: Default::default(),
        ty,
        semi_token: Default::default(),
    })
}

/// A function of an impl, written with `quote!`, with `docs` in front.
pub fn method(docs: Vec<Attribute>, tokens: TokenStream) -> ImplItem {
    let mut f: syn::ImplItemFn = parse(tokens);
    f.attrs.splice(0..0, docs);
    ImplItem::Fn(f)
}

/// A string literal expression.
pub fn string(value: &str) -> Expr {
    literal(Lit::Str(LitStr::new(value, Span::call_site())))
}

/// `true` or `false`.
pub fn boolean(value: bool) -> Expr {
    literal(Lit::Bool(LitBool {
        value,
        span: Span::call_site(),
    }))
}

fn literal(lit: Lit) -> Expr {
    Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit,
    })
}

/// A path expression, e.g. `None` or `scopes::ALL`.
pub fn value(text: &str) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: path(text),
    })
}

/// `func(args…)`, e.g. `Some(x)`.
pub fn call(func: &str, args: Vec<Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(value(func)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `Some(expr)` or `None`.
pub fn option(expr: Option<Expr>) -> Expr {
    match expr {
        Some(e) => call("Some", vec![e]),
        None => value("None"),
    }
}

/// `&expr`.
pub fn borrow(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// `[elems…]`.
pub fn array(elems: Vec<Expr>) -> Expr {
    Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `path { name: expr, … }`.
pub fn struct_literal(path_text: &str, fields: Vec<(&str, Expr)>) -> Expr {
    Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(path_text),
        brace_token: Default::default(),
        fields: fields
            .into_iter()
            .map(|(name, expr)| syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident(name)),
                colon_token: Some(Default::default()),
                expr,
            })
            .collect::<Punctuated<_, _>>(),
        dot2_token: None,
        rest: None,
    })
}

/// A whole file: inner attributes, then items.
pub fn file(attrs: Vec<Attribute>, items: Vec<Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text prettyplease reads back from a doc attribute.
    fn read_back(attr: &Attribute) -> String {
        match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => s.value(),
                _ => panic!("the doc value is not a string literal"),
            },
            _ => panic!("the doc attribute is not `doc = ...`"),
        }
    }

    #[test]
    fn doc_lines_survive_quotes_hashes_backslashes_and_returns() {
        let lines: Vec<String> = [
            " plain",
            r#" a "quoted" word"#,
            r###" ends in "# and "## too"###,
            r" C:\path\n is not a newline",
            " a\rcarriage return",
            "",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for (line, attr) in lines.iter().zip(docs(&lines)) {
            assert_eq!(&read_back(&attr), line);
        }
        let printed = prettyplease::unparse(&file(
            inner_docs(&lines[..2]),
            vec![constant(docs(&lines[2..3]), "X", ty("u8"), value("Y"))],
        ));
        assert_eq!(
            printed,
            "//! plain\n//! a \"quoted\" word\n/// ends in \"# and \"## too\npub const X: u8 = Y;\n"
        );
    }

    #[test]
    fn types_and_expressions_print_as_rust() {
        let field = field(
            vec![attr("serde", quote::quote!(rename = "x-y"))],
            true,
            "x_y",
            generic(
                "std::collections::BTreeMap",
                vec![ty("String"), generic("Vec", vec![ty("crate::JsonObject")])],
            ),
        );
        let items = vec![
            structure(vec![attr_word("non_exhaustive")], "S", vec![field]),
            constant(
                Vec::new(),
                "C",
                static_reference(slice(ty("crate::Scope"))),
                borrow(array(vec![
                    value("scopes::A"),
                    call("f", vec![boolean(true)]),
                ])),
            ),
            constant(
                Vec::new(),
                "D",
                generic("Option", vec![reference(ty("str"), false)]),
                option(Some(string("a\"b"))),
            ),
        ];
        assert_eq!(
            prettyplease::unparse(&file(Vec::new(), items)),
            "#[non_exhaustive]\npub struct S {\n    #[serde(rename = \"x-y\")]\n    pub x_y: std::collections::BTreeMap<String, Vec<crate::JsonObject>>,\n}\n\
             pub const C: &'static [crate::Scope] = &[scopes::A, f(true)];\n\
             pub const D: Option<&str> = Some(\"a\\\"b\");\n"
        );
    }
}
