//! Packages a component file imports besides `@gitbook/runtime`, as modules made
//! here. `@gitbook/api` gives its values: the enums of GitBook's API document
//! (`ContentKitIcon.Github` is `"github"`), `ContentType`,
//! `GITBOOK_DEFAULT_ENDPOINT`, and the client's classes: `new GitBookAPI({
//! endpoint, authToken, userAgent })` is a client as `context.api` is, and API
//! errors are `GitBookAPIError`s. Its types need no module: an import of names that
//! are not values stands for nothing while only types read them.
//!
//! The module is a syntax tree compiled as any file is, loaded only by programs
//! that import one of its values.

use crate::lang::builtins::api::DEFAULT_ENDPOINT;
use crate::lang::builtins::api_enums::ENUMS;
use crate::lang::source::Span;
use crate::lang::syntax::ast::{
    Expr, ExprKind, Import, Module, ObjectMember, PropKey, Stmt, StmtKind,
};
use crate::lang::syntax::build::{constant, export, expr, ident, string};

/// The package's name, also the path of its module in a program.
pub const GITBOOK_API: &str = "@gitbook/api";

/// Where the module imports its classes (`GitBookAPI`, `GitBookAPIError`) from:
/// built-ins no other file can import.
pub(crate) const CLASSES: &str = "@gitbook/api:classes";

/// The classes, by name.
const CLASS_NAMES: &[&str] = &["GitBookAPI", "GitBookAPIError"];

/// How the client sends a request body (`ContentType.Json`).
const CONTENT_TYPE: &[(&str, &str)] = &[
    ("Json", "application/json"),
    ("FormData", "multipart/form-data"),
    ("UrlEncoded", "application/x-www-form-urlencoded"),
    ("Text", "text/plain"),
];

/// Whether `source` names a package made here.
pub fn is_package(source: &str) -> bool {
    source == GITBOOK_API
}

/// Whether `@gitbook/api` exports `name` as a value here.
///
/// ```
/// use contentkit::lang::package::is_api_value;
/// assert!(is_api_value("ContentKitIcon"));
/// assert!(is_api_value("GITBOOK_DEFAULT_ENDPOINT"));
/// assert!(!is_api_value("ContentKitBlock")); // a type
/// ```
pub fn is_api_value(name: &str) -> bool {
    name == "ContentType"
        || name == "GITBOOK_DEFAULT_ENDPOINT"
        || CLASS_NAMES.contains(&name)
        || ENUMS.binary_search_by(|(n, _)| (*n).cmp(name)).is_ok()
}

/// Whether `import` reads the module of a package made here: a namespace, or a
/// name that is one of its values.
pub(crate) fn reads_module(import: &Import) -> bool {
    is_package(&import.source)
        && (import.namespace.is_some()
            || import
                .named
                .iter()
                .any(|(name, _)| is_api_value(&name.name)))
}

/// The module of `@gitbook/api`: `export const ContentKitIcon = { Close: "close", … }`
/// for each enum (string enums have no reverse mapping), then `ContentType` and
/// `GITBOOK_DEFAULT_ENDPOINT`.
pub(crate) fn api_module() -> Module {
    let span = Span::new(0, 0);
    let object = |members: &[(&str, &str)]| {
        expr(
            ExprKind::Object(
                members
                    .iter()
                    .map(|(key, value)| {
                        ObjectMember::Prop(
                            PropKey::Named((*key).to_owned(), span),
                            string(value, span),
                        )
                    })
                    .collect(),
            ),
            span,
        )
    };
    let export_const = |name: &str, value: Expr| export(constant(name, span, value));
    let ident = |name: &str| ident(name, span);
    // import { GitBookAPI, GitBookAPIError } from CLASSES;
    // export { GitBookAPI, GitBookAPIError };
    let mut body = vec![
        Stmt {
            kind: StmtKind::Import(Import {
                source: CLASSES.to_owned(),
                source_span: span,
                default: None,
                namespace: None,
                named: CLASS_NAMES.iter().map(|n| (ident(n), ident(n))).collect(),
            }),
            span,
        },
        Stmt {
            kind: StmtKind::ExportNamed {
                specifiers: CLASS_NAMES.iter().map(|n| (ident(n), ident(n))).collect(),
                source: None,
                types: Vec::new(),
            },
            span,
        },
    ];
    body.extend(
        ENUMS
            .iter()
            .map(|(name, members)| export_const(name, object(members))),
    );
    body.push(export_const("ContentType", object(CONTENT_TYPE)));
    body.push(export_const(
        "GITBOOK_DEFAULT_ENDPOINT",
        string(DEFAULT_ENDPOINT, span),
    ));
    Module { body }
}

#[cfg(test)]
mod tests {
    use super::ENUMS;

    #[test]
    fn the_enums_are_sorted_for_lookup() {
        assert!(ENUMS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
