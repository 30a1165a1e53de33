//! From source text to [`ast`](super::ast): the nesting guard, pest, and a builder that
//! turns pest's pairs into the syntax tree (cooking literals, cleaning JSX text,
//! applying operator precedence) and collects the errors it finds on the way.

use pest::error::{Error as PestError, ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

use super::ast::*;
use super::depth;
use super::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, SourceFile};
use super::grammar::{MarkupParser, Rule};
use super::number::js_number_to_string;
use super::text;

/// Parses a whole markup file into its root expression.
///
/// Syntax errors (and nesting past the limit) are fatal. Errors found while building
/// the tree (a mismatched closing tag, a bad escape, …) are returned beside a complete
/// tree, so that compilation can go on and report its own errors in the same run.
pub(crate) fn parse(
    file: &SourceFile,
    max_nesting: usize,
) -> Result<(Expr, Vec<Diagnostic>), Diagnostics> {
    let src = file.text();
    if let Err(e) = depth::check(src, max_nesting) {
        let d = file
            .diagnostic(
                DiagnosticKind::TooDeep,
                e.span,
                format!("nesting deeper than {max_nesting} levels"),
            )
            .with_help("split the markup into smaller pieces, or flatten the expression");
        return Err(Diagnostics(vec![d]));
    }
    let mut pairs = match MarkupParser::parse(Rule::markup, src) {
        Ok(p) => p,
        Err(e) => return Err(Diagnostics(vec![syntax_error(file, &e)])),
    };
    let markup = pairs
        .next()
        .expect("the markup rule always yields one pair");
    let expr = markup
        .into_inner()
        .next()
        .expect("markup holds an expression");
    let mut b = Builder {
        file,
        errors: Vec::new(),
    };
    let root = b.expr(expr);
    Ok((root, b.errors))
}

/// Walks pest pairs and builds the tree; errors are collected, not fatal.
struct Builder<'f> {
    file: &'f SourceFile,
    errors: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn error(&mut self, kind: DiagnosticKind, span: Span, message: impl Into<String>) {
        let d = self.file.diagnostic(kind, span, message);
        self.errors.push(d);
    }

    fn error_help(
        &mut self,
        kind: DiagnosticKind,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = self.file.diagnostic(kind, span, message).with_help(help);
        self.errors.push(d);
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        let inner = first(pair);
        match inner.as_rule() {
            Rule::arrow => self.arrow(inner),
            _ => self.conditional(inner),
        }
    }

    fn arrow(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = Span::from(pair.as_span());
        let mut it = pair.into_inner();
        let params_pair = it.next().expect("arrow params");
        let params = params_pair
            .into_inner()
            .map(|p| (p.as_str().to_string(), Span::from(p.as_span())))
            .collect();
        let body_pair = it.next().expect("arrow body");
        if body_pair.as_str().starts_with('{') {
            self.error_help(
                DiagnosticKind::Unsupported,
                Span::from(body_pair.as_span()),
                "an arrow function body in braces is a statement block, which markup does not support",
                "to return an object, wrap it in parentheses: `=> ({ … })`",
            );
        }
        let body = self.expr(body_pair);
        Expr {
            kind: ExprKind::Arrow {
                params,
                body: Box::new(body),
            },
            span,
        }
    }

    fn conditional(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = Span::from(pair.as_span());
        let mut it = pair.into_inner();
        let test = self.binary(it.next().expect("condition"));
        match (it.next(), it.next()) {
            (Some(then), Some(otherwise)) => Expr {
                kind: ExprKind::Conditional {
                    test: Box::new(test),
                    then: Box::new(self.expr(then)),
                    otherwise: Box::new(self.expr(otherwise)),
                },
                span,
            },
            _ => test,
        }
    }

    /// Applies precedence to a flat `operand (op operand)*` list without recursion:
    /// from the tightest level to the loosest, each run of operands joined by that
    /// level's operators becomes one n-ary [`ExprKind::Binary`].
    fn binary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        // Each operand remembers whether it is an unparenthesized `&&`/`||` chain, since
        // JavaScript forbids mixing those with `??` without parentheses.
        let mut operands: Vec<(Expr, bool)> = Vec::new();
        let mut ops: Vec<(BinaryOp, Span)> = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::bin_op => {
                    let op = BinaryOp::from_token(p.as_str()).expect("grammar operators");
                    ops.push((op, Span::from(p.as_span())));
                }
                _ => operands.push((self.unary(p), false)),
            }
        }
        for level in (0..BinaryOp::LEVELS).rev() {
            if !ops.iter().any(|(op, _)| op.precedence() == level) {
                continue;
            }
            let mut out_operands = Vec::new();
            let mut out_ops = Vec::new();
            let mut rest_operands = operands.into_iter();
            let mut current = rest_operands.next().expect("an operand");
            let mut run: Vec<(BinaryOp, Span, Expr)> = Vec::new();
            let mut run_logical = current.1;
            for ((op, span), rhs) in ops.into_iter().zip(rest_operands) {
                if op.precedence() == level {
                    run_logical |= rhs.1;
                    run.push((op, span, rhs.0));
                } else {
                    out_operands.push(self.finish_run(current.0, run, run_logical));
                    out_ops.push((op, span));
                    run = Vec::new();
                    run_logical = rhs.1;
                    current = rhs;
                }
            }
            out_operands.push(self.finish_run(current.0, run, run_logical));
            operands = out_operands;
            ops = out_ops;
        }
        operands.pop().expect("one operand left").0
    }

    /// Closes a run of same-level operators into one node, checking `??` mixing.
    fn finish_run(
        &mut self,
        first: Expr,
        run: Vec<(BinaryOp, Span, Expr)>,
        has_logical_operand: bool,
    ) -> (Expr, bool) {
        let Some(last) = run.last() else {
            return (first, has_logical_operand);
        };
        let span = first.span.to(last.2.span);
        let coalesce = run.iter().find(|(op, _, _)| *op == BinaryOp::Coalesce);
        let logical = run
            .iter()
            .any(|(op, _, _)| matches!(op, BinaryOp::Or | BinaryOp::And));
        if let Some((_, op_span, _)) = coalesce {
            if logical || has_logical_operand {
                self.error_help(
                    DiagnosticKind::Syntax,
                    *op_span,
                    "`??` cannot be mixed with `||` or `&&` without parentheses",
                    "add parentheses, as in `(a || b) ?? c`",
                );
            }
        }
        let is_logical = run
            .iter()
            .all(|(op, _, _)| matches!(op, BinaryOp::Or | BinaryOp::And));
        let expr = Expr {
            kind: ExprKind::Binary {
                first: Box::new(first),
                rest: run,
            },
            span,
        };
        (expr, is_logical)
    }

    fn unary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = Span::from(pair.as_span());
        let mut ops = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::unary_op => {
                    let op = match p.as_str() {
                        "!" => UnaryOp::Not,
                        "-" => UnaryOp::Neg,
                        "+" => UnaryOp::Plus,
                        _ => UnaryOp::Typeof,
                    };
                    ops.push((op, Span::from(p.as_span())));
                }
                _ => operand = Some(self.postfix(p)),
            }
        }
        let operand = operand.expect("unary operand");
        if ops.is_empty() {
            operand
        } else {
            Expr {
                kind: ExprKind::Unary {
                    ops,
                    operand: Box::new(operand),
                },
                span,
            }
        }
    }

    fn postfix(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let mut it = pair.into_inner();
        let base = self.primary(it.next().expect("primary"));
        let mut links = Vec::new();
        for p in it {
            let span = Span::from(p.as_span());
            let rule = p.as_rule();
            let optional = matches!(rule, Rule::opt_member | Rule::opt_index | Rule::opt_call);
            let kind = match rule {
                Rule::member | Rule::opt_member => LinkKind::Member(first(p).as_str().to_string()),
                Rule::index | Rule::opt_index => LinkKind::Index(self.expr(first(p))),
                _ => LinkKind::Call(self.items(first(p))),
            };
            links.push(Link {
                kind,
                optional,
                span,
            });
        }
        if links.is_empty() {
            base
        } else {
            let span = base
                .span
                .to(links.last().map(|l| l.span).unwrap_or(base.span));
            Expr {
                kind: ExprKind::Chain {
                    base: Box::new(base),
                    links,
                },
                span,
            }
        }
    }

    /// Array items or call arguments (`expr` and `spread` pairs).
    fn items(&mut self, pair: Pair<'_, Rule>) -> Vec<Item> {
        pair.into_inner().map(|p| self.item(p)).collect()
    }

    fn item(&mut self, p: Pair<'_, Rule>) -> Item {
        match p.as_rule() {
            Rule::spread => {
                let span = Span::from(p.as_span());
                Item::Spread(self.expr(first(p)), span)
            }
            _ => Item::Expr(self.expr(p)),
        }
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = Span::from(pair.as_span());
        let kind = match pair.as_rule() {
            Rule::paren => return self.expr(first(pair)),
            Rule::number => ExprKind::Number(parse_number(pair.as_str())),
            Rule::string => ExprKind::String(self.string(&pair)),
            Rule::literal => match pair.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => ExprKind::Null,
                _ => ExprKind::Undefined,
            },
            Rule::ident => ExprKind::Ident(pair.as_str().to_string()),
            Rule::template => self.template(pair),
            Rule::array => ExprKind::Array(pair.into_inner().map(|p| self.item(p)).collect()),
            Rule::object => self.object(pair),
            Rule::jsx_element => ExprKind::Element(Box::new(self.element(pair))),
            Rule::jsx_fragment => self.fragment(pair),
            r => unreachable!("not a primary rule: {r:?}"),
        };
        Expr { kind, span }
    }

    /// The cooked value of a `string` pair.
    fn string(&mut self, pair: &Pair<'_, Rule>) -> String {
        let raw = pair.as_str();
        let inner = &raw[1..raw.len() - 1];
        let start = pair.as_span().start() + 1;
        self.cook(inner, start, false)
    }

    fn cook(&mut self, raw: &str, start: usize, template: bool) -> String {
        match text::cook(raw, template) {
            Ok(s) => s,
            Err(e) => {
                let span = Span::new(start + e.offset, start + e.offset + e.len);
                self.error(DiagnosticKind::InvalidEscape, span, e.message);
                String::new()
            }
        }
    }

    fn template(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut quasis = Vec::new();
        let mut exprs = Vec::new();
        let mut current = String::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::template_chunk => {
                    let cooked = self.cook(p.as_str(), p.as_span().start(), true);
                    current.push_str(&cooked);
                }
                _ => {
                    quasis.push(std::mem::take(&mut current));
                    exprs.push(self.expr(first(p)));
                }
            }
        }
        quasis.push(current);
        ExprKind::Template { quasis, exprs }
    }

    fn object(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut props = Vec::new();
        for p in pair.into_inner() {
            let span = Span::from(p.as_span());
            match p.as_rule() {
                Rule::spread => props.push(Property::Spread(self.expr(first(p)), span)),
                Rule::shorthand => props.push(Property::Shorthand(p.as_str().to_string(), span)),
                _ => {
                    let mut it = p.into_inner();
                    let key = it.next().expect("key");
                    let value = self.expr(it.next().expect("value"));
                    let key_span = Span::from(key.as_span());
                    match key.as_rule() {
                        Rule::computed_key => props.push(Property::Computed {
                            key: self.expr(first(key)),
                            value,
                        }),
                        rule => {
                            let key = match rule {
                                Rule::string => self.string(&key),
                                Rule::number => js_number_to_string(parse_number(key.as_str())),
                                _ => key.as_str().to_string(),
                            };
                            props.push(Property::Keyed {
                                key,
                                key_span,
                                value,
                            });
                        }
                    }
                }
            }
        }
        ExprKind::Object(props)
    }

    fn element(&mut self, pair: Pair<'_, Rule>) -> Element {
        let span = Span::from(pair.as_span());
        let mut it = pair.into_inner();
        let name_pair = it.next().expect("tag name");
        let name = name_pair.as_str().to_string();
        let name_span = Span::from(name_pair.as_span());
        let mut attributes = Vec::new();
        let mut children = None;
        for p in it {
            match p.as_rule() {
                Rule::jsx_spread_attr => {
                    let span = Span::from(p.as_span());
                    attributes.push(Attribute::Spread(self.expr(first(p)), span));
                }
                Rule::jsx_named_attr => attributes.push(self.attribute(p)),
                Rule::jsx_children => children = Some(self.children(p)),
                Rule::close_tag => {
                    let close = p.into_inner().next();
                    let close_name = close.as_ref().map(|n| n.as_str()).unwrap_or("");
                    if close_name != name {
                        let close_span = close
                            .map(|n| Span::from(n.as_span()))
                            .unwrap_or(Span::new(span.end - 3, span.end));
                        let (l, c) = self.file.line_col(name_span.start);
                        self.error_help(
                            DiagnosticKind::MismatchedTag,
                            close_span,
                            format!("closing tag </{close_name}> does not match <{name}>"),
                            format!("<{name}> is opened at {l}:{c}; close it with </{name}>"),
                        );
                    }
                }
                _ => {} // self_close
            }
        }
        Element {
            name,
            name_span,
            attributes,
            children,
            span,
        }
    }

    fn attribute(&mut self, pair: Pair<'_, Rule>) -> Attribute {
        let span = Span::from(pair.as_span());
        let mut it = pair.into_inner();
        let name_pair = it.next().expect("attribute name");
        let value = it.next().map(|v| {
            let vspan = Span::from(v.as_span());
            match v.as_rule() {
                Rule::attr_string => {
                    let raw = v.as_str();
                    AttrValue::String(text::attr_string_value(&raw[1..raw.len() - 1]), vspan)
                }
                Rule::attr_expr => AttrValue::Expr(self.expr(first(v))),
                _ => AttrValue::Expr(self.primary(v)),
            }
        });
        Attribute::Named {
            name: name_pair.as_str().to_string(),
            name_span: Span::from(name_pair.as_span()),
            value,
            span,
        }
    }

    fn children(&mut self, pair: Pair<'_, Rule>) -> Vec<Child> {
        let mut out = Vec::new();
        for p in pair.into_inner() {
            let span = Span::from(p.as_span());
            match p.as_rule() {
                Rule::jsx_text => {
                    if let Some(t) = text::clean_jsx_text(p.as_str()) {
                        out.push(Child::Text(t, span));
                    }
                }
                Rule::jsx_expr_container => {
                    if let Some(e) = p.into_inner().next() {
                        out.push(Child::Expr(self.expr(e)));
                    }
                }
                _ => out.push(Child::Expr(self.primary(p))),
            }
        }
        out
    }

    fn fragment(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut children = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::jsx_children => children = self.children(p),
                _ => {
                    if let Some(name) = p.into_inner().next() {
                        self.error_help(
                            DiagnosticKind::MismatchedTag,
                            Span::from(name.as_span()),
                            format!(
                                "closing tag </{}> does not match the fragment <>",
                                name.as_str()
                            ),
                            "close a fragment with </>",
                        );
                    }
                }
            }
        }
        ExprKind::Fragment(children)
    }
}

/// The single inner pair of a rule that has exactly one.
fn first(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    pair.into_inner().next().expect("rule has an inner pair")
}

/// The value of a numeric literal (hexadecimal, binary, octal or decimal).
pub(crate) fn parse_number(s: &str) -> f64 {
    let radix = match s.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0b" | "0B") => 2,
        Some("0o" | "0O") => 8,
        _ => return s.parse::<f64>().unwrap_or(f64::NAN),
    };
    let digits = &s[2..];
    match u128::from_str_radix(digits, radix) {
        Ok(n) => n as f64,
        // More than 128 bits: accumulate (rounding may differ from JavaScript in the
        // last place, for literals nobody writes).
        Err(_) => digits.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        }),
    }
}

/// Turns a pest error into one diagnostic.
fn syntax_error(file: &SourceFile, e: &PestError<Rule>) -> Diagnostic {
    let src = file.text();
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = describe_found(src, pos);
    let next = src[pos..].chars().next();
    let end = pos + next.map_or(0, char::len_utf8);
    let span = Span::new(pos, end);
    let positives = match &e.variant {
        ErrorVariant::CustomError { message } => {
            // pest's own guard (on native targets) reports a nearly full stack.
            let kind = if message.contains("limit") {
                DiagnosticKind::TooDeep
            } else {
                DiagnosticKind::Syntax
            };
            return file.diagnostic(kind, span, format!("cannot parse: {message}"));
        }
        ErrorVariant::ParsingError { positives, .. } => positives,
    };
    let has = |rules: &[Rule]| positives.iter().any(|r| rules.contains(r));
    if has(&[Rule::jsx_text, Rule::close_tag]) && matches!(next, Some('>' | '}')) {
        let c = next.unwrap_or('>');
        let entity = if c == '>' { "&gt;" } else { "&#125;" };
        return file
            .diagnostic(
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
                "close it with the same quote (a string in `{…}` ends on its line)",
            )
        };
        return file
            .diagnostic(DiagnosticKind::Syntax, span, format!("unterminated {what}"))
            .with_help(help);
    }
    let mut expected: Vec<String> = Vec::new();
    for t in structural_tokens(src) {
        // `>` is also the greater-than operator, and `</` starts a closing tag: both
        // are named below when they are what was expected.
        if (t == ">" && has(&[Rule::bin_op])) || (t == "</" && has(&[Rule::close_tag])) {
            continue;
        }
        let t = format!("`{t}`");
        if !expected.contains(&t) {
            expected.push(t);
        }
    }
    for r in positives {
        if let Some(d) = describe_rule(*r) {
            if !expected.iter().any(|e| e == d) {
                expected.push(d.to_string());
            }
        }
    }
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
        format!("expected {}, found {found}", join_or(&refs))
    };
    let d = file.diagnostic(DiagnosticKind::Syntax, span, message);
    if next.is_none() && has(&[Rule::close_tag]) {
        d.with_help("an element is not closed")
    } else if next == Some('>') && src[..pos].ends_with('/') {
        d.with_help("if `/>` should end the tag, something before it is not closed: a `}` or `)` may be missing")
    } else {
        d
    }
}

/// The punctuation that would have let the parse go on at the error (closing
/// brackets, separators), from pest's detailed attempts. Computing those attempts is
/// costly and switched on process-wide, so only the error path does it, by parsing the
/// failing input a second time.
fn structural_tokens(src: &str) -> Vec<String> {
    const STRUCTURAL: &[&str] = &[")", "]", "}", ",", ":", "=>", "=", ">", "/>", "</"];
    pest::set_error_detail(true);
    let result = MarkupParser::parse(Rule::markup, src);
    pest::set_error_detail(false);
    let Err(e) = result else {
        return Vec::new();
    };
    let Some(attempts) = e.parse_attempts() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in attempts.expected_tokens() {
        // The token type is not exported by pest; its display is the token itself.
        let token = t.to_string();
        if STRUCTURAL.contains(&token.as_str()) {
            out.push(token);
        }
    }
    // Offer the closing brackets first: they are the usual fix.
    out.sort_by_key(|t| STRUCTURAL.iter().position(|s| s == t));
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

/// A readable name for what a rule matches; `None` for rules not worth naming.
fn describe_rule(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::expr
        | Rule::arrow
        | Rule::conditional
        | Rule::binary
        | Rule::unary
        | Rule::postfix
        | Rule::paren
        | Rule::array
        | Rule::object
        | Rule::template
        | Rule::literal
        | Rule::args
        | Rule::spread => "an expression",
        Rule::string => "a string",
        Rule::number => "a number",
        Rule::ident | Rule::arrow_params => "a name",
        Rule::prop_name | Rule::keyed | Rule::shorthand | Rule::computed_key => "a property",
        Rule::bin_op => "an operator",
        Rule::unary_op => "an operator",
        Rule::member
        | Rule::opt_member
        | Rule::index
        | Rule::opt_index
        | Rule::call
        | Rule::opt_call => return None,
        Rule::jsx_element | Rule::jsx_fragment => "an element",
        Rule::tag_name => "a tag name",
        Rule::self_close => "`/>`",
        Rule::close_tag => "a closing tag",
        Rule::jsx_named_attr | Rule::jsx_spread_attr | Rule::attr_name => "an attribute",
        Rule::attr_string | Rule::attr_expr => "an attribute value",
        Rule::jsx_children | Rule::jsx_text => "text",
        Rule::jsx_expr_container => "`{`",
        Rule::template_chunk | Rule::template_subst => "template text",
        Rule::EOI => "end of input",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> Expr {
        let f = SourceFile::new("t.ckx", src);
        match parse(&f, 256) {
            Ok((e, errors)) if errors.is_empty() => e,
            Ok((_, errors)) => panic!("{}", Diagnostics(errors)),
            Err(d) => panic!("{d}"),
        }
    }

    fn parse_err(src: &str) -> String {
        let f = SourceFile::new("t.ckx", src);
        match parse(&f, 256) {
            Ok((_, errors)) if !errors.is_empty() => Diagnostics(errors).to_string(),
            Ok(_) => panic!("should fail"),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x1F"), 31.0);
        assert_eq!(parse_number("0b101"), 5.0);
        assert_eq!(parse_number("0o17"), 15.0);
        assert_eq!(parse_number("1.5e3"), 1500.0);
        assert_eq!(parse_number(".5"), 0.5);
        assert_eq!(parse_number("1."), 1.0);
        assert_eq!(parse_number("1.e2"), 100.0);
        assert_eq!(parse_number(".5e1"), 5.0);
        assert_eq!(parse_number("1e999"), f64::INFINITY);
    }

    #[test]
    fn precedence_is_flat_per_level() {
        let e = parse_ok("1 + 2 * 3 - 4");
        let ExprKind::Binary { first, rest } = e.kind else {
            panic!("binary")
        };
        assert_eq!(first.kind, ExprKind::Number(1.0));
        assert_eq!(rest.len(), 2);
        assert!(matches!(rest[0].2.kind, ExprKind::Binary { .. }));
        let long = vec!["1"; 5000].join(" + ");
        let ExprKind::Binary { rest, .. } = parse_ok(&long).kind else {
            panic!("binary")
        };
        assert_eq!(rest.len(), 4999);
    }

    #[test]
    fn coalesce_mixing_is_an_error() {
        assert!(parse_err("a ?? b || c").contains("`??` cannot be mixed"));
        assert!(parse_err("a && b ?? c").contains("`??` cannot be mixed"));
        parse_ok("(a && b) ?? c");
        parse_ok("a ?? (b || c)");
        parse_ok("a ?? b ?? c");
    }

    #[test]
    fn elements_and_text() {
        let e = parse_ok("<text>One of {n} options</text>");
        let ExprKind::Element(el) = e.kind else {
            panic!("element")
        };
        let children = el.children.unwrap();
        assert_eq!(children.len(), 3);
        assert_eq!(children[0], Child::Text("One of ".into(), Span::new(6, 13)));
    }

    #[test]
    fn mismatched_closing_tag() {
        let msg = parse_err("<vstack>\n  <text>hi</txt>\n</vstack>");
        assert!(
            msg.contains("closing tag </txt> does not match <text>"),
            "{msg}"
        );
        assert!(msg.contains("t.ckx:2:13"), "{msg}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let msg = parse_err("<block>\n  <button label=\"x\" onPress={{ action: 'a' } />\n</block>");
        assert!(msg.starts_with("t.ckx:2:"), "{msg}");
        let msg = parse_err("<text>a > b</text>");
        assert!(msg.contains("unexpected `>` in JSX text"), "{msg}");
    }

    #[test]
    fn block_bodied_arrows_are_rejected() {
        assert!(parse_err("items.map((x) => { a: 1 })").contains("statement block"));
        parse_ok("items.map((x) => ({ a: 1 }))");
    }

    #[test]
    fn too_deep_is_an_error() {
        let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
        assert!(parse_err(&deep).contains("nesting deeper than 256 levels"));
    }
}
