//! Syntax: the grammar (`grammar/contentkit.pest`), the syntax tree and the parser.
//!
//! [`parse_module`] reads a file as a module of TypeScript with JSX; [`parse_markup`]
//! reads a bare markup file (one expression, usually one root element). Both check
//! the nesting depth first ([`depth`]'s linear scan), so that no input can exhaust the
//! stack, and both report syntax errors as located [`Diagnostics`].
//!
//! ```
//! use contentkit::lang::source::SourceFile;
//! use contentkit::lang::syntax::{parse_module, ast::StmtKind};
//! let file = SourceFile::new("a.tsx", "import { createComponent } from '@gitbook/runtime';\nconst x: number = 1;");
//! let module = parse_module(&file, 128).unwrap();
//! assert!(matches!(module.body[0].kind, StmtKind::Import(_)));
//! assert!(matches!(module.body[1].kind, StmtKind::Var(_)));
//! ```

mod asi;
pub mod ast;
mod budget;
pub(crate) mod build;
mod depth;
mod enums;
mod errors;
mod grammar;
mod parser;
pub(crate) mod text;

pub use budget::{parse_budget, set_parse_budget, ParseBudget};

use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::source::SourceFile;

/// How deep code may nest by default: brackets, tags, template substitutions,
/// ternaries, expression-bodied arrows and braceless statements each count one level.
pub const MAX_NESTING: usize = 128;

fn check_depth(file: &SourceFile, max_nesting: usize) -> Result<(), Diagnostics> {
    depth::check(file.text(), max_nesting).map_err(|e| {
        Diagnostics::one(
            Diagnostic::new(
                file,
                DiagnosticKind::TooDeep,
                e.span,
                format!("nested more than {max_nesting} levels deep"),
            )
            .with_help("move the inner part into a variable or a function"),
        )
    })
}

/// Parses a module of TypeScript with JSX.
pub fn parse_module(file: &SourceFile, max_nesting: usize) -> Result<ast::Module, Diagnostics> {
    check_depth(file, max_nesting)?;
    parser::parse_module(file)
}

/// Parses a bare markup file: one expression (an element, optionally in parentheses).
pub fn parse_markup(file: &SourceFile, max_nesting: usize) -> Result<ast::Expr, Diagnostics> {
    check_depth(file, max_nesting)?;
    parser::parse_markup(file)
}

/// Whether `s` is written as one token of `rule` in full.
fn matches_rule(rule: grammar::Rule, s: &str) -> bool {
    use pest::Parser as _;
    grammar::ScriptParser::parse(rule, s)
        .is_ok_and(|mut pairs| pairs.next().is_some_and(|p| p.as_str().len() == s.len()))
}

/// Whether `s` can be written as a JSX tag name (`button`, `ui.Row`).
pub fn is_jsx_tag_name(s: &str) -> bool {
    matches_rule(grammar::Rule::jsx_name, s)
}

/// Whether `s` can be written as a JSX attribute name (`onPress`, `data-x`).
pub fn is_jsx_attribute_name(s: &str) -> bool {
    matches_rule(grammar::Rule::jsx_attr_name, s)
}

/// Whether `s` can be written as a property name without quotes (`a`, `$x`, `default`).
pub fn is_property_name(s: &str) -> bool {
    matches_rule(grammar::Rule::name, s)
}

/// The words the grammar keeps from being names (`ident`): JavaScript's reserved
/// words, with `let`, `await`, `yield` and `enum`.
const RESERVED_WORDS: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Whether `word` is reserved: it cannot name a variable.
///
/// ```
/// use contentkit::lang::syntax::is_reserved_word;
/// assert!(is_reserved_word("class"));
/// assert!(!is_reserved_word("version"));
/// ```
pub fn is_reserved_word(word: &str) -> bool {
    RESERVED_WORDS.contains(&word)
}

/// Whether `name` can name a variable: an identifier that is not reserved
/// (`version`, `$c`, `é`; not `a-b`, `1x` or `class`).
///
/// ```
/// use contentkit::lang::syntax::is_binding_name;
/// assert!(is_binding_name("version"));
/// assert!(!is_binding_name("a-b"));
/// assert!(!is_binding_name("default"));
/// ```
pub fn is_binding_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        && !is_reserved_word(name)
}
