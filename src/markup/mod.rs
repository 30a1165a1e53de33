//! The ContentKit markup language: JSX-like markup, parsed at run time, compiled once
//! and rendered many times into ContentKit element JSON.
//!
//! ```rust
//! use contentkit::markup::{Scope, Template};
//! use serde_json::json;
//!
//! let template = Template::compile(
//!     r#"<block>
//!         <text style="bold">{`Count: ${state.count}`}</text>
//!         <button label="+" onPress={{ action: 'inc' }} />
//!     </block>"#,
//!     "counter.ckx",
//! ).unwrap();
//! let state = json!({"count": 5});
//! let element = template.render(&Scope::new().state(&state)).unwrap();
//! assert_eq!(element, json!({
//!     "type": "block",
//!     "children": [
//!         {"type": "text", "style": "bold", "children": ["Count: 5"]},
//!         {"type": "button", "label": "+", "onPress": {"action": "inc"}}
//!     ]
//! }));
//! ```
//!
//! # The language
//!
//! A markup file holds one root element (optionally in parentheses, and with comments
//! around it): the JSX a component's `render` returns. Inside it:
//!
//! - elements `<tag attr="text" attr={expr} attr={{ a: 1 }} attr=<el/> bare {...spread}>`,
//!   self-closing tags, fragments `<>…</>`, JSX text, `{expression}` children and
//!   `{/* comments */}`;
//! - expressions, a subset of JavaScript: numbers (decimal, hex, binary, octal), strings
//!   with escapes, template literals, `true false null undefined NaN Infinity`, arrays
//!   and objects (shorthand, computed keys, spread), `.a` `[i]` `?.` access, unary
//!   `! - + typeof`, binary `?? || && === !== == != < <= > >= + - * / %`, ternaries,
//!   and arrow functions as the callbacks of `map filter find findIndex some every`;
//! - methods `includes indexOf join slice concat at` (arrays), `includes indexOf slice at
//!   trim trimStart trimEnd toUpperCase toLowerCase startsWith endsWith split concat`
//!   (strings), `toString`, and the property `length`;
//! - functions `String Number Boolean JSON.stringify Math.{min,max,floor,ceil,round,abs}
//!   Object.{keys,values,entries} Array.isArray dynamicState`;
//! - names: `props`, `state`, `context`, `action`, `element` (`element.props`,
//!   `element.state`, `element.context`, `element.dynamicState(key)`) and arrow
//!   parameters. `dynamicState("k")` is the object `{"$state": "k"}`.
//!
//! Operators follow JavaScript exactly: `f64` numbers printed as JavaScript prints
//! them (`7`, `1.7777777777777777`, `1e+21`, `NaN`), `+` concatenates when either side
//! is a string, comparisons of strings use UTF-16 order, `==` coerces, objects compare
//! by identity, reading a property of `undefined` or `null` is a TypeError.
//!
//! # JSX semantics
//!
//! As GitBook's runtime produces them (see the reference README):
//!
//! - an element is `{"type": tag, ...attributes in written order, "children": [...]}`;
//!   a bare attribute is `true`; attributes whose value is `undefined` are left out;
//!   a later duplicate (through a spread) keeps the first one's position; `key` is
//!   taken by the JSX runtime and never reaches the element;
//! - `children` comes last. It is absent when the element is written without children
//!   (`<a/>`, `<a></a>`, `<a>{/* comment */}</a>`) and present, maybe empty, when
//!   children are written: `<vstack>{[].map(…)}</vstack>` gives `"children": []`, as
//!   the reference runtime does (an empty list is still a list of children);
//! - children that are `null`, `undefined` or `false` are dropped and arrays are
//!   flattened, to any depth (as the reference README describes; the runtime's code
//!   flattens one level and drops only `null`, leaving the rest for `JSON.stringify`).
//!   Numbers and `true` are kept as they are, as the reference runtime keeps them: `{count}` gives the number `3`, which the element
//!   checks then reject in a `<text>`; write `{String(count)}` (the render error says
//!   so). Each text run and each `{expression}` is its own child;
//! - JSX text follows Babel: text on one line is kept as written (tabs become spaces);
//!   text spanning lines is trimmed per line, blank lines dropped, lines joined by one
//!   space. HTML entities (`&amp;`, `&#65;`, …) are decoded in text and attribute
//!   strings, and in attribute strings a line break followed by white space folds into
//!   one space (Babel again);
//! - `>` and `}` are not allowed in JSX text: write `{'>'}` or `&gt;`.
//!
//! # Compile time and render time
//!
//! [`Template::compile`] reports every error of a file at once (after a syntax error,
//! which stops parsing): unknown elements, attributes and enum values (with `did you
//! mean` suggestions), missing required attributes and children, children on elements
//! that take none, text outside `<text>`/`<link>`, misplaced elements, unknown names
//! and methods, arrows outside callbacks. [`Template::render`] evaluates, then checks
//! the whole output against the element types; each error points at the markup element
//! (or attribute) that produced the offending value. Diagnostics read
//! `FILE:LINE:COL: error: message`, then the source line, a caret line and an optional
//! `help:` line.
//!
//! # Limits
//!
//! Nothing panics on any input. Nesting deeper than [`MAX_NESTING`] levels (brackets,
//! tags, template substitutions, ternaries, arrows) is a compile error, checked by a
//! scan before the recursive-descent parser runs: at the limit, compiling and rendering
//! need about 1.3 MiB of stack in debug builds and 0.5 MiB in release builds. Long
//! chains that do not nest (`a + b + …`, `!!…x`, `a.b.c…`) are flat and unlimited.
//! Rendering is bounded by [`Limits`]: a step budget (each expression, callback and
//! scanned array item) and a size budget (strings, arrays and objects built, the output
//! included).
pub mod ast;
mod builtins;
mod check;
mod compile;
mod depth;
pub mod diagnostic;
mod eval;
mod grammar;
mod ir;
mod number;
mod parser;
mod printer;
mod template;
mod text;
mod value;

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
pub use printer::print_markup;
pub use template::{CompileOptions, Limits, RenderError, Scope, Template, MAX_NESTING};

/// Parses markup into its syntax tree, without compiling it: a syntax check.
///
/// The nesting limit is [`MAX_NESTING`]; `file_name` only names the source in
/// diagnostics.
pub fn parse(source: &str, file_name: &str) -> Result<ast::Expr, Diagnostics> {
    let file = diagnostic::SourceFile::new(file_name, source);
    match parser::parse(&file, MAX_NESTING)? {
        (expr, errors) if errors.is_empty() => Ok(expr),
        (_, errors) => Err(Diagnostics(errors).sorted()),
    }
}
