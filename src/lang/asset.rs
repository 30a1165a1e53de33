//! Modules made of files that are not code, as GitBook's CLI bundles them with
//! esbuild: a `.raw.js` or `.raw.css` file is its text (the `text` loader), a
//! `.json` file its parsed value (the `json` loader), each the module's default
//! export. Integrations keep browser scripts and styles as raw files, and read
//! their version from `package.json`.
//!
//! Each becomes a small syntax tree, compiled as any module is.

use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::source::{SourceFile, Span};
use crate::lang::syntax::ast::{ArrayItem, ExprKind, Module, Stmt, StmtKind};
use crate::lang::syntax::build::{constant, export, expr, member, name, string};

/// The endings of files an import reads as text: `import script from
/// './tracker.raw.js'` is the file's text.
pub const TEXT_MODULE_SUFFIXES: &[&str] = &[".raw.js", ".raw.css"];

/// Whether `path` is read as text when imported (see [`TEXT_MODULE_SUFFIXES`]).
///
/// ```
/// use contentkit::lang::asset::is_text_module;
/// assert!(is_text_module("src/script.raw.js"));
/// assert!(!is_text_module("src/script.js"));
/// ```
pub fn is_text_module(path: &str) -> bool {
    TEXT_MODULE_SUFFIXES.iter().any(|s| path.ends_with(s))
}

/// Whether `path` is read as a value when imported, not as code: a text module
/// or a `.json` file.
///
/// ```
/// use contentkit::lang::asset::is_asset_module;
/// assert!(is_asset_module("package.json"));
/// assert!(is_asset_module("src/style.raw.css"));
/// assert!(!is_asset_module("src/index.ts"));
/// ```
pub fn is_asset_module(path: &str) -> bool {
    is_text_module(path) || path.ends_with(".json")
}

/// The module of an asset file ([`is_asset_module`]).
pub(crate) fn module(file: &SourceFile) -> Result<Module, Diagnostics> {
    if is_text_module(file.name()) {
        Ok(text_module(file.text()))
    } else {
        json_module(file)
    }
}

/// `export default "<text>"`.
fn text_module(text: &str) -> Module {
    let span = Span::new(0, text.len());
    Module {
        body: vec![Stmt {
            kind: StmtKind::ExportDefault(string(text, span)),
            span,
        }],
    }
}

/// The name the parsed value is bound to: not an identifier, so no key of the
/// file can be it.
const VALUE: &str = "<json>";

/// A JSON file: its value is the default export, and each top-level key that is
/// an identifier a named export, as esbuild allows
/// (`import { version } from '../package.json'`):
///
/// ```text
/// const <json> = JSON.parse("<text>");
/// export default <json>;
/// export const version = <json>.version;
/// ```
///
/// The text is checked here, so a broken file is a compile error at its place;
/// `JSON.parse` then reads it with JavaScript's key order and number rules.
fn json_module(file: &SourceFile) -> Result<Module, Diagnostics> {
    let text = file.text();
    let keys = top_level_keys(text).map_err(|e| {
        let at = offset(text, e.line(), e.column());
        // The offending character (none at the end of the text).
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        // The place is the diagnostic's own; serde_json's message repeats it.
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        Diagnostics::one(Diagnostic::new(
            file,
            DiagnosticKind::Syntax,
            Span::new(at, end),
            format!("invalid JSON: {message}"),
        ))
    })?;
    let span = Span::new(0, text.len());
    let parse = expr(
        ExprKind::Call {
            callee: Box::new(member(name("JSON", span), "parse", span)),
            args: vec![ArrayItem::Item(string(text, span))],
            optional: false,
        },
        span,
    );
    let mut body = vec![
        constant(VALUE, span, parse),
        Stmt {
            kind: StmtKind::ExportDefault(name(VALUE, span)),
            span,
        },
    ];
    for key in keys
        .iter()
        .filter(|k| crate::lang::syntax::is_binding_name(k))
    {
        let read = member(name(VALUE, span), key, span);
        body.push(export(constant(key, span, read)));
    }
    Ok(Module { body })
}

/// The keys of the top-level object, in order (none when the value is not an
/// object); an error when the text is not JSON.
fn top_level_keys(text: &str) -> Result<Vec<String>, serde_json::Error> {
    // Nesting is bounded by serde_json's recursion limit; the size by the file's.
    let value: serde_json::Value = serde_json::from_str(text)?;
    Ok(match value {
        serde_json::Value::Object(map) => map.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    })
}

/// The byte offset of a 1-based line and column (serde_json counts columns in
/// bytes), clamped to the text.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = (start + column.saturating_sub(1)).min(text.len());
    // A span starts on a character boundary.
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_exports_are_the_plain_top_level_keys() {
        assert_eq!(
            top_level_keys(
                r#"{"version": "1.2.0", "name": "x", "default": 1, "a-b": 2, "$c": {}}"#
            )
            .unwrap(),
            ["version", "name", "default", "a-b", "$c"]
        );
        let exported: Vec<&str> = ["version", "default", "a-b", "$c", "1x", "class"]
            .into_iter()
            .filter(|k| crate::lang::syntax::is_binding_name(k))
            .collect();
        assert_eq!(exported, ["version", "$c"]);
        assert!(top_level_keys("[1, 2]").unwrap().is_empty());
    }

    #[test]
    fn a_broken_file_is_an_error_at_its_place() {
        let file = SourceFile::new("data.json", "{\n  \"a\": 1,\n  \"b\": 1.4.2\n}");
        let e = json_module(&file).unwrap_err().to_string();
        assert!(
            e.starts_with("data.json:3:11: error: invalid JSON: expected `,` or `}`"),
            "{e}"
        );
        assert!(e.contains("invalid JSON"), "{e}");
    }
}
