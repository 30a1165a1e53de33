//! Syntax errors: what pest reports, turned into one diagnostic a person can act on.

use pest::error::{Error as PestError, ErrorVariant, InputLocation};
use pest::Parser as _;

use super::grammar::{Rule, ScriptParser};
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind};
use crate::lang::source::{SourceFile, Span};

/// Turns a pest error into one diagnostic. `start` is the rule the parse started from
/// (`module` or `markup`), used to ask pest for the tokens it expected.
pub(crate) fn syntax_error(file: &SourceFile, e: &PestError<Rule>, start: Rule) -> Diagnostic {
    let src = file.text();
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(src.len());
    let found = describe_found(src, pos);
    let next = src[pos..].chars().next();
    let end = pos + next.map_or(0, char::len_utf8);
    let span = Span::new(pos, end);
    let positives = match &e.variant {
        ErrorVariant::CustomError { message } => {
            // pest's call limit: more work than the budget allows for this text.
            if message.contains("limit") {
                let limit = super::budget::parse_budget().limit(src.len());
                return Diagnostic::new(
                    file,
                    DiagnosticKind::TooLarge,
                    span,
                    format!(
                        "too large to parse: past the limit of {limit} parser steps for {} bytes",
                        src.len()
                    ),
                )
                .with_help("split the file, or nest less deeply");
            }
            return Diagnostic::new(
                file,
                DiagnosticKind::Syntax,
                span,
                format!("cannot parse: {message}"),
            );
        }
        ErrorVariant::ParsingError { positives, .. } => positives,
    };
    let has = |rules: &[Rule]| positives.iter().any(|r| rules.contains(r));
    if has(&[Rule::jsx_text, Rule::jsx_close]) && matches!(next, Some('>' | '}')) {
        let c = next.unwrap_or('>');
        let entity = if c == '>' { "&gt;" } else { "&#125;" };
        return Diagnostic::new(
            file,
            DiagnosticKind::Syntax,
            span,
            format!("unexpected `{c}` in JSX text"),
        )
        .with_help(format!("write {{'{c}'}} or {entity}"));
    }
    // The parser stops at the opening quote of a string that never ends.
    if let Some(q @ ('"' | '\'' | '`')) = next {
        let (what, help) = if q == '`' {
            ("template literal", "close it with a backquote")
        } else {
            (
                "string",
                "close it with the same quote (a string ends on its line)",
            )
        };
        return Diagnostic::new(
            file,
            DiagnosticKind::Syntax,
            span,
            format!("unterminated {what}"),
        )
        .with_help(help);
    }
    let mut expected: Vec<String> = Vec::new();
    for t in structural_tokens(src, start) {
        if (t == ">" && has(&[Rule::bin_op])) || (t == "</" && has(&[Rule::jsx_close])) {
            continue;
        }
        let t = format!("`{t}`");
        if !expected.contains(&t) {
            expected.push(t);
        }
    }
    // A prefix operator is tried only where an operand may start: then the names,
    // strings, numbers and elements tried there are one thing, an expression.
    let operand_expected = has(&[Rule::unary_op]);
    for r in positives {
        let described = if operand_expected && starts_operand(*r) {
            Some("an expression")
        } else {
            describe_rule(*r)
        };
        if let Some(d) = described {
            if !expected.iter().any(|e| e == d) {
                expected.push(d.to_string());
            }
        }
    }
    expected.truncate(8);
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
        format!("expected {}, found {found}", join_or(&refs))
    };
    let d = Diagnostic::new(file, DiagnosticKind::Syntax, span, message);
    if next.is_none() && has(&[Rule::jsx_close]) {
        d.with_help("an element is not closed")
    } else if next == Some('>') && src[..pos].ends_with('/') {
        d.with_help(
            "if `/>` should end the tag, something before it is not closed: a `}` or `)` may be missing",
        )
    } else {
        d
    }
}

/// The punctuation that would have let the parse go on at the error (closing
/// brackets, separators), from pest's detailed attempts. Computing those attempts is
/// costly and switched on process-wide, so only the error path does it, by parsing the
/// failing input a second time (under the same budget).
fn structural_tokens(src: &str, start: Rule) -> Vec<String> {
    const STRUCTURAL: &[&str] = &[")", "]", "}", ",", ":", ";", "=>", "=", ">", "/>", "</"];
    let result = super::budget::run(src.len(), true, || ScriptParser::parse(start, src));
    let Err(e) = result else {
        return Vec::new();
    };
    let Some(attempts) = e.parse_attempts() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in attempts.expected_tokens() {
        let token = t.to_string();
        if STRUCTURAL.contains(&token.as_str()) {
            out.push(token);
        }
    }
    // Offer the closing brackets first: they are the usual fix.
    out.sort_by_key(|t| STRUCTURAL.iter().position(|s| s == t));
    out.dedup();
    out
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What the parser found at `pos`, for messages.
fn describe_found(src: &str, pos: usize) -> String {
    let rest = &src[pos..];
    let Some(c) = rest.chars().next() else {
        return "end of input".to_string();
    };
    if c.is_alphanumeric() || c == '_' || c == '$' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .take(40)
            .collect();
        return format!("`{word}`");
    }
    match c {
        '\n' | '\r' => "a line break".to_string(),
        c if c.is_whitespace() => "white space".to_string(),
        '`' => "'`'".to_string(),
        c => format!("`{c}`"),
    }
}

/// Whether an operand may start with what `r` matches.
fn starts_operand(r: Rule) -> bool {
    matches!(
        r,
        Rule::unary_op
            | Rule::ident
            | Rule::string
            | Rule::number
            | Rule::literal
            | Rule::template
            | Rule::regex
            | Rule::paren
            | Rule::object_lit
            | Rule::array_lit
            | Rule::jsx_element
            | Rule::jsx_fragment
            | Rule::function_expr
            | Rule::class_expr
            | Rule::new_expr
            | Rule::this_expr
            | Rule::super_expr
            | Rule::unsupported_expr
    )
}

/// A readable name for what a rule matches; `None` for rules not worth naming.
fn describe_rule(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::expr
        | Rule::expr_na
        | Rule::assign
        | Rule::binary
        | Rule::postfix_expr
        | Rule::paren
        | Rule::array_lit
        | Rule::object_lit
        | Rule::template
        | Rule::literal
        | Rule::args
        | Rule::spread
        | Rule::arrow_body => "an expression",
        Rule::expr_stmt | Rule::var_stmt => "a statement",
        Rule::string | Rule::module_name => "a string",
        Rule::number => "a number",
        Rule::ident | Rule::label => "a name",
        Rule::name | Rule::obj_prop | Rule::shorthand | Rule::computed_key => "a property",
        Rule::bin_op | Rule::unary_op | Rule::assign_op => "an operator",
        Rule::block => "a block `{ … }`",
        Rule::params => "parameters `( … )`",
        Rule::ts_type | Rule::type_union | Rule::type_ref => "a type",
        Rule::jsx_element | Rule::jsx_fragment => "an element",
        Rule::jsx_name => "a tag name",
        Rule::jsx_self_close => "`/>`",
        Rule::jsx_close => "a closing tag",
        Rule::jsx_named_attr | Rule::jsx_spread_attr | Rule::jsx_attr_name => "an attribute",
        Rule::jsx_attr_string | Rule::jsx_attr_expr => "an attribute value",
        Rule::jsx_children | Rule::jsx_text => "text",
        Rule::jsx_child_expr => "`{`",
        Rule::template_chunk | Rule::template_subst => "template text",
        Rule::EOI => "end of input",
        _ => return None,
    })
}
