//! From pest's pairs to the syntax tree: precedence, cooked literals, JSX text,
//! assignment targets, and the errors the grammar cannot name on its own (a closing
//! tag that does not match, `class`, an octal escape, …).

use pest::iterators::Pair;
use pest::Parser as _;

use super::asi;
use super::ast::*;
use super::grammar::{Rule, ScriptParser};
use super::text::{attr_string_value, clean_jsx_text, cook};
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::number::{js_number_to_string, parse_number_literal};
use crate::lang::source::SourceFile;

/// Parses a module.
pub(crate) fn parse_module(file: &SourceFile) -> Result<Module, Diagnostics> {
    let pairs = super::budget::run(file.text().len(), false, || {
        ScriptParser::parse(Rule::module, file.text())
    })
    .map_err(|e| Diagnostics::one(super::errors::syntax_error(file, &e, Rule::module)))?;
    let mut b = Builder::new(file);
    asi::check(file, pairs.clone(), &mut b.errors);
    let mut body = Vec::new();
    if let Some(module) = pairs.into_iter().next() {
        for p in module.into_inner() {
            if p.as_rule() != Rule::EOI {
                body.push(b.statement(p));
            }
        }
    }
    b.errors.into_result(Module { body })
}

/// Parses a bare markup file: one expression.
pub(crate) fn parse_markup(file: &SourceFile) -> Result<Expr, Diagnostics> {
    let pairs = super::budget::run(file.text().len(), false, || {
        ScriptParser::parse(Rule::markup, file.text())
    })
    .map_err(|e| Diagnostics::one(super::errors::syntax_error(file, &e, Rule::markup)))?;
    let mut b = Builder::new(file);
    let expr = pairs
        .into_iter()
        .next()
        .and_then(|m| m.into_inner().next())
        .map(|p| b.assign(p));
    let expr = expr.unwrap_or(Expr {
        kind: ExprKind::Null,
        span: Span::default(),
    });
    b.errors.into_result(expr)
}

struct Builder<'f> {
    file: &'f SourceFile,
    errors: Diagnostics,
    /// The spans of parenthesized expressions, for the rules that depend on
    /// parentheses (`??` mixed with `||`, a unary operand of `**`).
    parenthesized: std::collections::HashSet<Span>,
}

/// Tokens that carry no meaning once the rule around them matched.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::asi_gap
            | Rule::k_as
            | Rule::k_async
            | Rule::k_await
            | Rule::k_break
            | Rule::k_case
            | Rule::k_catch
            | Rule::k_const
            | Rule::k_continue
            | Rule::k_declare
            | Rule::k_default
            | Rule::k_do
            | Rule::k_else
            | Rule::k_export
            | Rule::k_extends
            | Rule::k_finally
            | Rule::k_for
            | Rule::k_from
            | Rule::k_function
            | Rule::k_if
            | Rule::k_import
            | Rule::k_in
            | Rule::k_interface
            | Rule::k_let
            | Rule::k_new
            | Rule::k_of
            | Rule::k_return
            | Rule::k_satisfies
            | Rule::k_switch
            | Rule::k_throw
            | Rule::k_try
            | Rule::k_type
            | Rule::k_var
            | Rule::k_while
            | Rule::k_class
            | Rule::k_abstract
            | Rule::k_implements
            | Rule::class_implements
            | Rule::class_modifier
            | Rule::param_modifier
            | Rule::eq_sign
            | Rule::question_mark
            | Rule::type_params
            | Rule::arrow_type_params
            | Rule::type_args
            | Rule::type_ann
            | Rule::return_type
            | Rule::definite
            | Rule::optional_mark
            | Rule::jsx_type_args
    )
}

/// The inner pairs that matter (keywords and types dropped).
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_token(p.as_rule()))
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    pair.as_span().into()
}

/// The span of a decorator, without the whitespace its expression rule ends on.
fn decorator_span(pair: &Pair<'_, Rule>) -> Span {
    let span = span_of(pair);
    Span::new(span.start, span.start + pair.as_str().trim_end().len())
}

/// The most operators one prefix run (`!!!x`), member chain (`a.b.c…`) or `**`
/// tower may hold: they nest in the syntax tree, and the tree's depth is bounded.
pub(crate) const MAX_RUN: usize = 64;

/// The binding power of a logical operator.
fn logical_precedence(l: LogicalOp) -> u8 {
    match l {
        LogicalOp::Nullish => 1,
        LogicalOp::Or => 2,
        LogicalOp::And => 3,
    }
}

/// The binding power of a chain operator.
fn chain_precedence(op: ChainOp) -> u8 {
    match op {
        ChainOp::Binary(b) => precedence(b.as_str()),
        ChainOp::Logical(l) => logical_precedence(l),
    }
}

/// Binding power of binary operators (higher binds tighter).
fn precedence(op: &str) -> u8 {
    match op {
        "??" => 1,
        "||" => 2,
        "&&" => 3,
        "|" => 4,
        "^" => 5,
        "&" => 6,
        "==" | "!=" | "===" | "!==" => 7,
        "<" | ">" | "<=" | ">=" | "instanceof" | "in" | "as" | "satisfies" => 8,
        "<<" | ">>" | ">>>" => 9,
        "+" | "-" => 10,
        "*" | "/" | "%" => 11,
        "**" => 12,
        _ => 0,
    }
}

enum Operator {
    Binary(BinaryOp),
    Logical(LogicalOp),
    /// `as T` / `satisfies T`: no effect on the value.
    TypeCast,
}

/// The assignment an operator (`=`, `+=`, `??=`…) makes.
fn assign_op(op: &str) -> AssignOp {
    match op {
        "=" => AssignOp::Assign,
        "&&=" => AssignOp::Logical(LogicalOp::And),
        "||=" => AssignOp::Logical(LogicalOp::Or),
        "??=" => AssignOp::Logical(LogicalOp::Nullish),
        s => match operator(&s[..s.len() - 1]) {
            Operator::Binary(b) => AssignOp::Binary(b),
            _ => AssignOp::Assign,
        },
    }
}

fn operator(op: &str) -> Operator {
    use BinaryOp::*;
    Operator::Binary(match op {
        "??" => return Operator::Logical(LogicalOp::Nullish),
        "||" => return Operator::Logical(LogicalOp::Or),
        "&&" => return Operator::Logical(LogicalOp::And),
        "as" | "satisfies" => return Operator::TypeCast,
        "|" => BitOr,
        "^" => BitXor,
        "&" => BitAnd,
        "==" => Eq,
        "!=" => NotEq,
        "===" => StrictEq,
        "!==" => StrictNotEq,
        "<" => Lt,
        ">" => Gt,
        "<=" => LtEq,
        ">=" => GtEq,
        "instanceof" => InstanceOf,
        "in" => In,
        "<<" => Shl,
        ">>" => Shr,
        ">>>" => UShr,
        "+" => Add,
        "-" => Sub,
        "*" => Mul,
        "/" => Div,
        "%" => Rem,
        _ => Exp,
    })
}

impl<'f> Builder<'f> {
    fn new(file: &'f SourceFile) -> Self {
        Builder {
            file,
            errors: Diagnostics::new(),
            parenthesized: std::collections::HashSet::new(),
        }
    }

    fn error(&mut self, kind: DiagnosticKind, span: Span, message: impl Into<String>) {
        let file = self.file;
        self.errors
            .push_with(|| Diagnostic::new(file, kind, span, message));
    }

    fn error_help(
        &mut self,
        kind: DiagnosticKind,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let file = self.file;
        self.errors
            .push_with(|| Diagnostic::new(file, kind, span, message).with_help(help));
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: span_of(pair),
        }
    }

    // ------------------------------------------------------------ statements

    fn statement(&mut self, pair: Pair<'_, Rule>) -> Stmt {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::var_stmt => StmtKind::Var(self.var_decl(first(pair))),
            Rule::class_decl => StmtKind::Class(Box::new(self.class(pair))),
            Rule::labeled_stmt => {
                let mut labels = Vec::new();
                let mut body = None;
                for p in inner(pair) {
                    match p.as_rule() {
                        Rule::label => labels.push(self.ident(&p)),
                        _ => body = Some(p),
                    }
                }
                if labels.len() > MAX_RUN {
                    self.error_help(
                        DiagnosticKind::TooDeep,
                        labels[MAX_RUN].span,
                        format!("more than {MAX_RUN} labels in a row"),
                        "one label is enough for a loop",
                    );
                    return Stmt {
                        kind: StmtKind::Empty,
                        span,
                    };
                }
                let mut body = match body {
                    Some(p) => self.statement(p),
                    None => Stmt {
                        kind: StmtKind::Empty,
                        span,
                    },
                };
                // The innermost label holds the statement; each outer one holds the next.
                let outer = labels.remove(0);
                while let Some(label) = labels.pop() {
                    body = Stmt {
                        span: Span::new(label.span.start, span.end),
                        kind: StmtKind::Labeled(label, Box::new(body)),
                    };
                }
                StmtKind::Labeled(outer, Box::new(body))
            }
            Rule::function_decl => match self.function_decl(pair) {
                Some(f) => StmtKind::Function(Box::new(f)),
                None => StmtKind::TypeOnly,
            },
            Rule::expr_stmt => StmtKind::Expr(self.expr(first(first(pair)))),
            Rule::return_stmt => StmtKind::Return(inner(pair).next().map(|p| self.expr(first(p)))),
            Rule::if_stmt => self.if_stmt(pair),
            Rule::enum_decl => self.enum_decl(pair),
            Rule::block => StmtKind::Block(self.statements(pair)),
            Rule::empty_stmt | Rule::ts_declaration => StmtKind::Empty,
            Rule::for_stmt => self.for_stmt(pair),
            Rule::while_stmt => {
                let mut it = inner(pair);
                let test = self.expr(next(&mut it));
                let body = self.statement(next(&mut it));
                StmtKind::While {
                    test,
                    body: Box::new(body),
                }
            }
            Rule::do_while_stmt => {
                let mut it = inner(first(pair));
                let body = self.statement(next(&mut it));
                let test = self.expr(next(&mut it));
                StmtKind::DoWhile {
                    body: Box::new(body),
                    test,
                }
            }
            Rule::switch_stmt => self.switch_stmt(pair),
            Rule::try_stmt => self.try_stmt(pair),
            Rule::throw_stmt => StmtKind::Throw(self.expr(first(first(pair)))),
            Rule::break_stmt => StmtKind::Break(inner(pair).next().map(|p| self.ident(&p))),
            Rule::continue_stmt => StmtKind::Continue(inner(pair).next().map(|p| self.ident(&p))),
            Rule::import_decl => self.import(first(pair)),
            Rule::export_decl => self.export(pair),
            Rule::unsupported_stmt => {
                self.unsupported_stmt(&pair);
                StmtKind::Empty
            }
            other => {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    format!("unexpected {other:?} in statement position"),
                );
                StmtKind::Empty
            }
        };
        if matches!(kind, StmtKind::Empty) && span.start != span.end {
            // A TypeScript declaration or a recovered error: nothing to run.
            return Stmt {
                kind: StmtKind::TypeOnly,
                span,
            };
        }
        Stmt { kind, span }
    }

    fn statements(&mut self, pair: Pair<'_, Rule>) -> Vec<Stmt> {
        inner(pair).map(|p| self.statement(p)).collect()
    }

    fn unsupported_stmt(&mut self, pair: &Pair<'_, Rule>) {
        // A decorated declaration: the error points at the decorator, not at the whole
        // declaration.
        let at = match pair.clone().into_inner().next() {
            Some(p) if p.as_rule() == Rule::decorator => Some(p),
            _ => None,
        };
        // The declaration a decorator stands on may hold errors of its own.
        for p in pair.clone().into_inner() {
            if matches!(p.as_rule(), Rule::class_decl | Rule::export_decl) {
                self.statement(p);
            }
        }
        let pair = at.as_ref().unwrap_or(pair);
        let text = pair.as_str();
        let span = if pair.as_rule() == Rule::decorator {
            decorator_span(pair)
        } else {
            span_of(pair)
        };
        let word: String = text
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '@')
            .collect();
        let (what, help) = match word.as_str() {
            "namespace" | "module" => (
                "namespaces are not supported",
                "use modules (import/export)",
            ),
            "with" => (
                "`with` is not supported",
                "read the object's properties directly",
            ),
            "debugger" => ("`debugger` is not supported", "remove it"),
            w if w.starts_with('@') => ("decorators are not supported", "remove the decorator"),
            _ => (
                "this statement is not supported",
                "rewrite it with plain statements",
            ),
        };
        self.error_help(DiagnosticKind::Unsupported, span, what, help);
    }

    fn var_decl(&mut self, pair: Pair<'_, Rule>) -> VarDecl {
        let mut it = inner(pair);
        let kind = match next(&mut it).as_str() {
            "const" => VarKind::Const,
            "let" => VarKind::Let,
            _ => VarKind::Var,
        };
        let mut declarators = Vec::new();
        for d in it {
            let mut parts = inner(d);
            let pattern = self.pattern(next(&mut parts));
            let init = parts.next().map(|p| self.assign(p));
            declarators.push((pattern, init));
        }
        VarDecl { kind, declarators }
    }

    fn function_decl(&mut self, pair: Pair<'_, Rule>) -> Option<Function> {
        let span = span_of(&pair);
        let mut is_async = false;
        let mut name = None;
        let mut params = None;
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::k_async => is_async = true,
                Rule::generator => {
                    self.error_help(
                        DiagnosticKind::Unsupported,
                        span_of(&p),
                        "generator functions are not supported",
                        "build and return an array instead",
                    );
                }
                Rule::ident => name = Some(self.ident(&p)),
                Rule::params => params = Some(self.params(p)),
                Rule::block => body = Some(FunctionBody::Block(self.statements(p))),
                Rule::signature_end => return None,
                _ => {}
            }
        }
        let (params, rest) = params.unwrap_or_default();
        Some(Function {
            name,
            params,
            rest,
            body: body.unwrap_or(FunctionBody::Block(Vec::new())),
            is_async,
            is_arrow: false,
            constructor: Constructor::No,
            span,
        })
    }

    /// `enum E { … }`: a variable bound to the object esbuild makes of it (see
    /// [`super::enums`]); `declare enum` declares a type only.
    fn enum_decl(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let span = span_of(&pair);
        if pair
            .clone()
            .into_inner()
            .any(|p| p.as_rule() == Rule::k_declare)
        {
            return StmtKind::Empty;
        }
        let mut name = None;
        let mut members = Vec::new();
        for p in inner(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(&p)),
                Rule::enum_member => {
                    let mut it = inner(p);
                    let key = next(&mut it);
                    let key_span = span_of(&key);
                    let key_name = if key.as_rule() == Rule::string {
                        self.string(&key)
                    } else {
                        key.as_str().to_owned()
                    };
                    let init = it
                        .find(|i| i.as_rule() == Rule::assign)
                        .map(|i| self.expr(i));
                    members.push(super::enums::Member {
                        name: key_name,
                        span: key_span,
                        init,
                    });
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            return StmtKind::Empty;
        };
        match super::enums::lower(&name, members, span) {
            Ok(value) => StmtKind::Var(VarDecl {
                kind: VarKind::Var,
                declarators: vec![(Pattern::Ident(name), Some(value))],
            }),
            Err(e) => {
                self.error(DiagnosticKind::Syntax, e.span, e.message);
                StmtKind::Empty
            }
        }
    }

    fn if_stmt(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut branches = Vec::new();
        let mut otherwise = None;
        let mut it = inner(pair).peekable();
        let test = self.expr(next(&mut it));
        let then = self.statement(next(&mut it));
        branches.push((test, then));
        for p in it {
            if p.as_rule() == Rule::else_if {
                let mut parts = inner(p);
                let test = self.expr(next(&mut parts));
                let then = self.statement(next(&mut parts));
                branches.push((test, then));
            } else {
                otherwise = Some(Box::new(self.statement(p)));
            }
        }
        StmtKind::If {
            branches,
            otherwise,
        }
    }

    fn for_stmt(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut it = inner(pair);
        let mut head = next(&mut it);
        if head.as_rule() == Rule::for_await {
            self.error_help(
                DiagnosticKind::Unsupported,
                span_of(&head),
                "`for await` is not supported",
                "iterate with `for … of` over `await Promise.all(…)`",
            );
            head = next(&mut it);
        }
        let body = Box::new(self.statement(next(&mut it)));
        match head.as_rule() {
            Rule::for_of | Rule::for_in => {
                let of = head.as_rule() == Rule::for_of;
                let mut parts = inner(head);
                let binding = next(&mut parts);
                let left = self.for_target(binding);
                let right_pair = next(&mut parts);
                let right = if right_pair.as_rule() == Rule::assign {
                    self.assign(right_pair)
                } else {
                    self.expr(right_pair)
                };
                StmtKind::ForEach {
                    of,
                    left,
                    right,
                    body,
                }
            }
            _ => {
                let mut init = None;
                let mut test = None;
                let mut update = None;
                for p in inner(head) {
                    match p.as_rule() {
                        Rule::for_init => {
                            let x = first(p);
                            init = Some(if x.as_rule() == Rule::var_decl {
                                ForInit::Var(self.var_decl(x))
                            } else {
                                ForInit::Expr(self.expr(x))
                            });
                        }
                        Rule::for_test => test = inner(p).next().map(|e| self.expr(e)),
                        Rule::for_update => update = inner(p).next().map(|e| self.expr(e)),
                        _ => {}
                    }
                }
                StmtKind::For {
                    init,
                    test,
                    update,
                    body,
                }
            }
        }
    }

    fn for_target(&mut self, pair: Pair<'_, Rule>) -> ForTarget {
        let mut it = inner(pair);
        let first_pair = next(&mut it);
        if first_pair.as_rule() == Rule::var_kind {
            let kind = match first_pair.as_str() {
                "const" => VarKind::Const,
                "let" => VarKind::Let,
                _ => VarKind::Var,
            };
            ForTarget::Var(kind, self.pattern(next(&mut it)))
        } else {
            ForTarget::Expr(self.postfix(first_pair))
        }
    }

    fn switch_stmt(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut it = inner(pair);
        let discriminant = self.expr(next(&mut it));
        let mut cases = Vec::new();
        for case in it {
            let mut parts = case.into_inner().peekable();
            let mut test = None;
            match parts.next() {
                Some(p) if p.as_rule() == Rule::k_case => {
                    test = parts.next().map(|e| self.expr(e));
                }
                _ => {}
            }
            let body = parts.map(|s| self.statement(s)).collect();
            cases.push((test, body));
        }
        StmtKind::Switch {
            discriminant,
            cases,
        }
    }

    fn try_stmt(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut block = Vec::new();
        let mut handler = None;
        let mut finalizer = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::block => block = self.statements(p),
                Rule::catch_clause => {
                    let mut param = None;
                    let mut body = Vec::new();
                    for c in inner(p) {
                        if c.as_rule() == Rule::block {
                            body = self.statements(c);
                        } else {
                            param = Some(self.pattern(c));
                        }
                    }
                    handler = Some((param, body));
                }
                Rule::finally_clause => finalizer = Some(self.statements(first(p))),
                _ => {}
            }
        }
        StmtKind::Try {
            block,
            handler,
            finalizer,
        }
    }

    // ------------------------------------------------------------ modules

    fn module_name(&mut self, pair: Pair<'_, Rule>) -> (String, Span) {
        let s = first(pair);
        (self.string(&s), span_of(&s))
    }

    fn import(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut import = Import {
            source: String::new(),
            source_span: Span::default(),
            default: None,
            namespace: None,
            named: Vec::new(),
        };
        for p in inner(pair) {
            match p.as_rule() {
                Rule::import_type_only => return StmtKind::TypeOnly,
                Rule::import_clause => {
                    for c in inner(p) {
                        match c.as_rule() {
                            Rule::default_import => import.default = Some(self.ident(&first(c))),
                            Rule::namespace_import => {
                                import.namespace = Some(self.ident(&first(c)));
                            }
                            Rule::named_imports => {
                                for spec in inner(c) {
                                    if let Some(pair) = self.import_spec(spec) {
                                        import.named.push(pair);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Rule::module_name => {
                    let (source, span) = self.module_name(p);
                    import.source = source;
                    import.source_span = span;
                }
                _ => {}
            }
        }
        StmtKind::Import(import)
    }

    /// `(imported, local)`, or `None` for a type-only specifier.
    fn import_spec(&mut self, pair: Pair<'_, Rule>) -> Option<(Ident, Ident)> {
        let mut imported = None;
        let mut local = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::type_only => return None,
                Rule::name => imported = Some(self.ident(&p)),
                Rule::string => {
                    imported = Some(Ident {
                        name: self.string(&p),
                        span: span_of(&p),
                    });
                }
                Rule::ident => local = Some(self.ident(&p)),
                _ => {}
            }
        }
        let imported = imported?;
        let local = local.unwrap_or_else(|| imported.clone());
        Some((imported, local))
    }

    fn export(&mut self, pair: Pair<'_, Rule>) -> StmtKind {
        let mut it = pair.into_inner().filter(|p| p.as_rule() != Rule::k_export);
        let Some(p) = it.next() else {
            return StmtKind::Empty;
        };
        match p.as_rule() {
            Rule::k_default => {
                let Some(d) = it.next() else {
                    return StmtKind::Empty;
                };
                if d.as_rule() == Rule::class_decl {
                    // The class's own name is bound inside its body; the module
                    // reaches it as the default export.
                    let span = span_of(&d);
                    let c = self.class(d);
                    StmtKind::ExportDefault(Expr {
                        kind: ExprKind::Class(Box::new(c)),
                        span,
                    })
                } else if d.as_rule() == Rule::function_decl {
                    match self.function_decl(d) {
                        Some(f) => StmtKind::ExportDefaultFunction(Box::new(f)),
                        None => StmtKind::TypeOnly,
                    }
                } else {
                    StmtKind::ExportDefault(self.expr(first(first(d))))
                }
            }
            // `export type { A, B as C }`: the exported names.
            Rule::k_type => {
                let mut names = Vec::new();
                if let Some(stmt) = it.next() {
                    for c in inner(first(stmt)) {
                        if c.as_rule() != Rule::named_exports {
                            continue;
                        }
                        for spec in inner(c) {
                            let mut spec_names: Vec<Ident> = inner(spec)
                                .filter(|n| n.as_rule() == Rule::name)
                                .map(|n| self.ident(&n))
                                .collect();
                            if let Some(exported) = spec_names.pop() {
                                names.push(exported);
                            }
                        }
                    }
                }
                StmtKind::ExportTypes(names)
            }
            Rule::named_exports_stmt => {
                let inner_pair = first(p);
                let mut specifiers = Vec::new();
                let mut types = Vec::new();
                let mut source = None;
                for c in inner(inner_pair) {
                    match c.as_rule() {
                        Rule::named_exports => {
                            for spec in inner(c) {
                                let mut names = Vec::new();
                                let mut type_only = false;
                                for n in inner(spec) {
                                    if n.as_rule() == Rule::type_only {
                                        type_only = true;
                                    } else {
                                        names.push(self.ident(&n));
                                    }
                                }
                                if type_only {
                                    types.extend(names.pop());
                                    continue;
                                }
                                if names.is_empty() {
                                    continue;
                                }
                                let local = names[0].clone();
                                let exported =
                                    names.get(1).cloned().unwrap_or_else(|| local.clone());
                                specifiers.push((local, exported));
                            }
                        }
                        Rule::module_name => source = Some(self.module_name(c)),
                        _ => {}
                    }
                }
                StmtKind::ExportNamed {
                    specifiers,
                    source,
                    types,
                }
            }
            Rule::export_all_stmt => {
                let mut name = None;
                let mut source = (String::new(), Span::default());
                for c in inner(first(p)) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.ident(&c)),
                        Rule::module_name => source = self.module_name(c),
                        _ => {}
                    }
                }
                StmtKind::ExportAll { name, source }
            }
            Rule::ts_declaration => {
                // `type A = …` and `interface A …` name what they export; `declare`
                // forms export nothing a value import could name here.
                let decl = first(p);
                let named = match decl.as_rule() {
                    Rule::type_alias => inner(first(decl)).find(|n| n.as_rule() == Rule::ident),
                    Rule::interface_decl => inner(decl).find(|n| n.as_rule() == Rule::ident),
                    _ => None,
                };
                StmtKind::ExportTypes(named.map(|n| vec![self.ident(&n)]).unwrap_or_default())
            }
            Rule::unsupported_stmt => {
                self.unsupported_stmt(&p);
                StmtKind::Empty
            }
            _ => {
                let stmt = self.statement(p);
                if matches!(stmt.kind, StmtKind::TypeOnly) {
                    StmtKind::TypeOnly
                } else {
                    StmtKind::ExportDecl(Box::new(stmt))
                }
            }
        }
    }

    // ------------------------------------------------------------ patterns

    fn pattern(&mut self, pair: Pair<'_, Rule>) -> Pattern {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::ident => Pattern::Ident(self.ident(&pair)),
            Rule::object_pattern => {
                let mut props = Vec::new();
                let mut rest = None;
                for p in inner(pair) {
                    match p.as_rule() {
                        Rule::pattern_rest => rest = Some(Box::new(self.pattern(first(p)))),
                        Rule::pattern_keyed => {
                            let mut it = inner(p);
                            let key = self.prop_key(next(&mut it));
                            let value = self.pattern(next(&mut it));
                            let default = it.next().map(|d| self.default_value(d));
                            props.push(PatternProp {
                                key,
                                value,
                                default,
                            });
                        }
                        Rule::pattern_short => {
                            let mut it = inner(p);
                            let id = self.ident(&next(&mut it));
                            let default = it.next().map(|d| self.default_value(d));
                            props.push(PatternProp {
                                key: PropKey::Named(id.name.clone(), id.span),
                                value: Pattern::Ident(id),
                                default,
                            });
                        }
                        _ => {}
                    }
                }
                Pattern::Object { props, rest, span }
            }
            Rule::array_pattern => {
                let mut slots: Vec<Option<Pair<'_, Rule>>> =
                    inner(pair).map(|slot| inner(slot).next()).collect();
                if matches!(slots.last(), Some(None)) {
                    slots.pop();
                }
                let mut elems = Vec::new();
                let mut rest = None;
                for slot in slots {
                    match slot {
                        None => elems.push(None),
                        Some(p) if p.as_rule() == Rule::pattern_rest => {
                            rest = Some(Box::new(self.pattern(first(p))));
                        }
                        Some(p) => {
                            let mut it = inner(p);
                            let target = self.pattern(next(&mut it));
                            let default = it.next().map(|d| self.default_value(d));
                            elems.push(Some((target, default)));
                        }
                    }
                }
                Pattern::Array { elems, rest, span }
            }
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    "expected a name or a destructuring pattern",
                );
                Pattern::Ident(Ident {
                    name: String::new(),
                    span,
                })
            }
        }
    }

    fn default_value(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.assign(first(pair))
    }

    /// Turns an expression written on the left of `=` into a pattern.
    fn target(&mut self, e: Expr, compound: bool) -> Pattern {
        let span = e.span;
        match e.kind {
            ExprKind::Ident(name) => Pattern::Ident(Ident { name, span }),
            ExprKind::Member { .. } | ExprKind::Index { .. } => Pattern::Expr(Box::new(e)),
            ExprKind::Object(members) if !compound => {
                let mut props = Vec::new();
                let mut rest = None;
                for m in members {
                    match m {
                        ObjectMember::Prop(key, value) => {
                            let (value, default) = self.target_with_default(value);
                            props.push(PatternProp {
                                key,
                                value,
                                default,
                            });
                        }
                        ObjectMember::ShorthandDefault(id, default) => props.push(PatternProp {
                            key: PropKey::Named(id.name.clone(), id.span),
                            value: Pattern::Ident(id),
                            default: Some(default),
                        }),
                        ObjectMember::Spread(e) => rest = Some(Box::new(self.target(e, false))),
                        ObjectMember::Accessor(_, _, f) => self.error(
                            DiagnosticKind::Syntax,
                            f.span,
                            "invalid destructuring target",
                        ),
                    }
                }
                Pattern::Object { props, rest, span }
            }
            ExprKind::Array(items) if !compound => {
                let mut elems = Vec::new();
                let mut rest = None;
                for item in items {
                    match item {
                        ArrayItem::Hole => elems.push(None),
                        ArrayItem::Item(e) => elems.push(Some(self.target_with_default(e))),
                        ArrayItem::Spread(e) => rest = Some(Box::new(self.target(e, false))),
                    }
                }
                Pattern::Array { elems, rest, span }
            }
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    "invalid assignment target: only a name, a property, or a destructuring can be assigned",
                );
                Pattern::Ident(Ident {
                    name: String::new(),
                    span,
                })
            }
        }
    }

    fn target_with_default(&mut self, e: Expr) -> (Pattern, Option<Expr>) {
        match e.kind {
            ExprKind::Assign(AssignOp::Assign, target, default) => (*target, Some(*default)),
            _ => (self.target(e, false), None),
        }
    }

    // ------------------------------------------------------------ functions

    fn params(&mut self, pair: Pair<'_, Rule>) -> (Vec<Param>, Option<Pattern>) {
        let (params, rest, props) = self.params_with_properties(pair);
        for p in props {
            self.error(
                DiagnosticKind::Syntax,
                p.span,
                "a parameter property is only allowed in a constructor",
            );
        }
        (params, rest)
    }

    /// The parameters, and the parameter properties among them
    /// (`constructor(private x: T)`).
    fn params_with_properties(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> (Vec<Param>, Option<Pattern>, Vec<Ident>) {
        let mut params = Vec::new();
        let mut rest = None;
        let mut props = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::rest_param => rest = Some(self.pattern(first(p))),
                Rule::simple_param => {
                    let modified = p
                        .clone()
                        .into_inner()
                        .any(|m| m.as_rule() == Rule::param_modifier);
                    let mut it = inner(p);
                    let Some(b) = it.next() else { continue };
                    if b.as_rule() == Rule::this_param {
                        // `this: T` only types `this`: no argument.
                        continue;
                    }
                    let pattern = self.pattern(b);
                    if modified {
                        match &pattern {
                            Pattern::Ident(id) => props.push(id.clone()),
                            other => self.error(
                                DiagnosticKind::Syntax,
                                other.span(),
                                "a parameter property must be a plain name",
                            ),
                        }
                    }
                    let default = it
                        .find(|d| d.as_rule() == Rule::default_value)
                        .map(|d| self.default_value(d));
                    params.push(Param { pattern, default });
                }
                _ => {}
            }
        }
        (params, rest, props)
    }

    /// `async x => …` and generic arrows (`<T,>(x: T) => …`), which have a rule of
    /// their own.
    fn arrow(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let mut is_async = false;
        let mut params = Vec::new();
        let mut rest = None;
        let mut body = FunctionBody::Block(Vec::new());
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::k_async => is_async = true,
                Rule::ident => params.push(Param {
                    pattern: Pattern::Ident(self.ident(&p)),
                    default: None,
                }),
                Rule::paren => (params, rest) = self.cover_params(p),
                Rule::arrow_tail => body = self.arrow_body(p),
                _ => {}
            }
        }
        arrow_expr(params, rest, body, is_async, span)
    }

    /// An arrow whose parameters were read as an operand (`x`, `( … )` or
    /// `async( … )`, see `assign_operand` in the grammar) followed by `=> body`.
    fn arrow_from_cover(&mut self, operand: Pair<'_, Rule>, tail: Pair<'_, Rule>) -> Expr {
        let head = span_of(&operand);
        let span = Span::new(head.start, span_of(&tail).end);
        let parts: Vec<Pair<'_, Rule>> = operand.into_inner().collect();
        let mut is_async = false;
        let (params, rest) = match parts.as_slice() {
            [one] if one.as_rule() == Rule::ident => (
                vec![Param {
                    pattern: Pattern::Ident(self.ident(one)),
                    default: None,
                }],
                None,
            ),
            [one] if one.as_rule() == Rule::paren => self.cover_params(one.clone()),
            [callee, call]
                if callee.as_rule() == Rule::ident
                    && callee.as_str() == "async"
                    && call.as_rule() == Rule::call =>
            {
                is_async = true;
                match call.clone().into_inner().next() {
                    Some(args) => self.cover_params(args),
                    None => (Vec::new(), None),
                }
            }
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    head,
                    "malformed arrow function parameters: before `=>` stands a name or a parenthesized list",
                );
                (Vec::new(), None)
            }
        };
        let body = self.arrow_body(tail);
        arrow_expr(params, rest, body, is_async, span)
    }

    fn arrow_body(&mut self, tail: Pair<'_, Rule>) -> FunctionBody {
        let Some(body) = tail.into_inner().find(|p| p.as_rule() == Rule::arrow_body) else {
            return FunctionBody::Block(Vec::new());
        };
        let b = first(body);
        if b.as_rule() == Rule::block {
            FunctionBody::Block(self.statements(b))
        } else {
            FunctionBody::Expr(Box::new(self.assign(b)))
        }
    }

    /// The items of a parenthesized group (or `async(…)`'s arguments) as parameters.
    fn cover_params(&mut self, group: Pair<'_, Rule>) -> (Vec<Param>, Option<Pattern>) {
        let mut params: Vec<Param> = Vec::new();
        let mut rest: Option<Pattern> = None;
        for p in group.into_inner() {
            if p.as_rule() == Rule::return_type {
                continue;
            }
            if let Some(r) = &rest {
                let at = if p.as_rule() == Rule::trailing_comma {
                    span_of(&p)
                } else {
                    r.span()
                };
                self.error(
                    DiagnosticKind::Syntax,
                    at,
                    "a rest parameter must be last, without a comma after it",
                );
                break;
            }
            match p.as_rule() {
                Rule::cover_rest => {
                    let e = self.assign(first(p));
                    let pattern = self.binding_target(e);
                    rest = Some(pattern);
                }
                Rule::default_value => {
                    let default = self.default_value(p);
                    if let Some(last) = params.last_mut() {
                        last.default = Some(default);
                    }
                }
                Rule::optional_mark | Rule::type_ann | Rule::trailing_comma => {}
                _ => {
                    let e = self.assign(p);
                    let (pattern, default) = match e.kind {
                        ExprKind::Assign(AssignOp::Assign, target, default) => {
                            (*target, Some(*default))
                        }
                        _ => (self.binding_target(e), None),
                    };
                    self.check_binding(&pattern);
                    params.push(Param { pattern, default });
                }
            }
        }
        (params, rest)
    }

    /// An expression read where a parameter stands, as the pattern it binds.
    fn binding_target(&mut self, e: Expr) -> Pattern {
        let pattern = self.target(e, false);
        self.check_binding(&pattern);
        pattern
    }

    /// A parameter binds names only: `(a.b) => …` and `({ k: o.p }) => …` are errors.
    fn check_binding(&mut self, pattern: &Pattern) {
        match pattern {
            Pattern::Ident(_) => {}
            Pattern::Expr(e) => self.error(
                DiagnosticKind::Syntax,
                e.span,
                "invalid parameter: a parameter is a name or a destructuring of names",
            ),
            Pattern::Object { props, rest, .. } => {
                for prop in props {
                    self.check_binding(&prop.value);
                }
                if let Some(r) = rest {
                    self.check_binding(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for (p, _) in elems.iter().flatten() {
                    self.check_binding(p);
                }
                if let Some(r) = rest {
                    self.check_binding(r);
                }
            }
        }
    }

    /// The items of a group read as an expression or as a call's arguments: what only
    /// parameters may have (`a: T`, `a?`, `(a = 1: T)`… and, in parentheses, `...rest`,
    /// a trailing comma, no item at all) is refused.
    fn cover_items(&mut self, group: Pair<'_, Rule>, call: bool) -> Vec<ArrayItem> {
        let span = span_of(&group);
        let mut items = Vec::new();
        for p in group.into_inner() {
            match p.as_rule() {
                Rule::cover_rest => {
                    if !call {
                        self.error(
                            DiagnosticKind::Syntax,
                            span_of(&p),
                            "`...` spreads only into calls, arrays and objects; in parentheses it needs `=>` after them",
                        );
                    }
                    let mut it = p.into_inner();
                    let value = self.assign(next(&mut it));
                    if let Some(ty) = it.next() {
                        self.only_in_parameters(&ty);
                    }
                    items.push(ArrayItem::Spread(value));
                }
                Rule::optional_mark | Rule::type_ann | Rule::default_value => {
                    self.only_in_parameters(&p)
                }
                // Read only before `=>`, where the group is an arrow's parameters (or
                // an error named there).
                Rule::return_type => {}
                Rule::trailing_comma => {
                    if !call {
                        self.error(
                            DiagnosticKind::Syntax,
                            span_of(&p),
                            "expected an expression after `,`",
                        );
                    }
                }
                _ => items.push(ArrayItem::Item(self.assign(p))),
            }
        }
        if items.is_empty() && !call {
            self.error(
                DiagnosticKind::Syntax,
                Span::new(span.end.saturating_sub(1), span.end),
                "expected an expression in `( )`",
            );
        }
        items
    }

    fn only_in_parameters(&mut self, part: &Pair<'_, Rule>) {
        let what = match part.as_rule() {
            Rule::type_ann => "a type annotation",
            Rule::optional_mark => "`?`",
            _ => "a default value",
        };
        self.error(
            DiagnosticKind::Syntax,
            span_of(part),
            format!("{what} is only allowed on a parameter: this is an expression"),
        );
    }

    fn function_expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let f = self.function_decl(pair).unwrap_or(Function {
            name: None,
            params: Vec::new(),
            rest: None,
            body: FunctionBody::Block(Vec::new()),
            is_async: false,
            is_arrow: false,
            constructor: Constructor::No,
            span,
        });
        Expr {
            kind: ExprKind::Function(Box::new(f)),
            span,
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        match pair.as_rule() {
            Rule::expr => {
                let span = span_of(&pair);
                let items: Vec<Expr> = inner(pair).map(|p| self.assign(p)).collect();
                sequence(items, span)
            }
            Rule::expr_na => self.expr(first(pair)),
            _ => self.assign(pair),
        }
    }

    fn assign(&mut self, pair: Pair<'_, Rule>) -> Expr {
        match pair.as_rule() {
            Rule::assign => {}
            Rule::expr | Rule::expr_na => return self.expr(pair),
            Rule::binary => return self.binary(pair),
            _ => return self.primary(pair),
        }
        let span = span_of(&pair);
        // `target op target op … value`, flat: built left to right, nested from the right.
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        // The `?` of a ternary is a token, which `inner` drops; here it marks the test.
        let mut it = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::question_mark || !is_token(p.as_rule()))
            .peekable();
        while let Some(p) = it.next() {
            match p.as_rule() {
                Rule::assign_op => ops.push((assign_op(p.as_str()), span_of(&p))),
                Rule::arrow_fn => operands.push(self.arrow(p)),
                // `test ? then : else`: the test is the operand just read.
                Rule::question_mark => {
                    let test = operands.pop().unwrap_or(Expr {
                        kind: ExprKind::Null,
                        span,
                    });
                    let then = self.assign(next(&mut it));
                    let otherwise = self.assign(next(&mut it));
                    operands.push(Expr {
                        span: Span::new(test.span.start, otherwise.span.end.max(test.span.start)),
                        kind: ExprKind::Conditional(
                            Box::new(test),
                            Box::new(then),
                            Box::new(otherwise),
                        ),
                    });
                }
                _ => match it.next_if(|t| t.as_rule() == Rule::arrow_tail) {
                    Some(tail) => operands.push(self.arrow_from_cover(p, tail)),
                    None => operands.push(self.binary(p)),
                },
            }
        }
        if ops.len() > MAX_RUN {
            self.error_help(
                DiagnosticKind::TooDeep,
                ops[MAX_RUN].1,
                format!("more than {MAX_RUN} assignments in a row"),
                "assign in steps",
            );
            return Expr {
                kind: ExprKind::Null,
                span,
            };
        }
        let mut value = operands.pop().unwrap_or(Expr {
            kind: ExprKind::Null,
            span,
        });
        while let (Some(left), Some((op, _))) = (operands.pop(), ops.pop()) {
            let start = left.span.start;
            let target = self.target(left, op != AssignOp::Assign);
            value = Expr {
                span: Span::new(start, value.span.end.max(start)),
                kind: ExprKind::Assign(op, Box::new(target), Box::new(value)),
            };
        }
        value
    }

    /// Applies precedence to the flat list `operand (op operand)*`.
    fn binary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        if pair.as_rule() != Rule::binary {
            return self.assign(pair);
        }
        let mut it = pair.into_inner();
        // Most operands stand alone: one pair, the operand itself.
        if let (Some(only), None) = (it.clone().next(), it.clone().nth(1)) {
            return self.primary(only);
        }
        let mut operands: Vec<Expr> = Vec::new();
        let mut ops: Vec<(String, Span)> = Vec::new();
        // The pairs of the operand being read: `unary_op* primary link* postfix_op?`.
        let mut parts: Vec<Pair<'_, Rule>> = Vec::new();
        while let Some(p) = it.next() {
            match p.as_rule() {
                Rule::bin_op => {
                    if !parts.is_empty() {
                        operands.push(self.operand(&mut parts));
                    }
                    ops.push((p.as_str().to_owned(), span_of(&p)));
                }
                Rule::type_op => {
                    if !parts.is_empty() {
                        operands.push(self.operand(&mut parts));
                    }
                    // `x as T`: the type follows; the value is the operand's.
                    let ty = it.next();
                    let end = ty.as_ref().map_or(span_of(&p).end, |t| span_of(t).end);
                    ops.push((p.as_str().to_owned(), Span::new(span_of(&p).start, end)));
                    operands.push(Expr {
                        kind: ExprKind::Null,
                        span: Span::new(end, end),
                    });
                }
                _ => parts.push(p),
            }
        }
        if !parts.is_empty() {
            operands.push(self.operand(&mut parts));
        }
        let tower = ops
            .windows(MAX_RUN)
            .position(|w| w.iter().all(|(o, _)| o == "**"));
        if let Some(at) = tower {
            self.error_help(
                DiagnosticKind::TooDeep,
                ops[at + MAX_RUN - 1].1,
                format!("more than {MAX_RUN} `**` in a row"),
                "compute the value in steps",
            );
            return Expr {
                kind: ExprKind::Null,
                span: ops[at].1,
            };
        }
        // Shunting-yard: operators of lower precedence reduce what is on the stack.
        let mut out: Vec<Expr> = Vec::new();
        let mut stack: Vec<(String, Span)> = Vec::new();
        let mut operands = operands.into_iter();
        if let Some(e) = operands.next() {
            out.push(e);
        }
        for (op, op_span) in ops {
            let p = precedence(&op);
            while let Some((top, _)) = stack.last() {
                let tp = precedence(top);
                // `**` is right-associative.
                if tp > p || (tp == p && op != "**") {
                    let (top, top_span) = stack.pop().unwrap_or_default();
                    self.reduce(&mut out, &top, top_span);
                } else {
                    break;
                }
            }
            stack.push((op, op_span));
            if let Some(e) = operands.next() {
                out.push(e);
            }
        }
        while let Some((top, top_span)) = stack.pop() {
            self.reduce(&mut out, &top, top_span);
        }
        out.pop().unwrap_or(Expr {
            kind: ExprKind::Null,
            span: Span::default(),
        })
    }

    fn reduce(&mut self, out: &mut Vec<Expr>, op: &str, op_span: Span) {
        let (Some(right), Some(left)) = (out.pop(), out.pop()) else {
            return;
        };
        let span = left.span.to(right.span).to(op_span);
        // A left-associative operator of the precedence the left operand was made
        // with extends it into a flat chain instead of nesting it.
        let level = precedence(op);
        let chain_op = match operator(op) {
            Operator::Binary(b) if b != BinaryOp::Exp => Some(ChainOp::Binary(b)),
            Operator::Logical(l) => Some(ChainOp::Logical(l)),
            _ => None,
        };
        if let Some(chain_op) = chain_op {
            let same_level = |e: &Expr| match &e.kind {
                ExprKind::Binary(b, ..) => precedence(b.as_str()) == level,
                ExprKind::Logical(l, ..) => logical_precedence(*l) == level,
                ExprKind::Chain(_, links) => links
                    .first()
                    .is_some_and(|k| chain_precedence(k.op) == level),
                _ => false,
            };
            if same_level(&left)
                && !self.is_parenthesized(&left)
                && !self.mixes_nullish(&left, chain_op)
            {
                let link = ChainLink {
                    op: chain_op,
                    op_span,
                    right,
                };
                let kind = match left.kind {
                    ExprKind::Chain(first, mut links) => {
                        links.push(link);
                        ExprKind::Chain(first, links)
                    }
                    ExprKind::Binary(b, a, r) => {
                        let first_link = ChainLink {
                            op: ChainOp::Binary(b),
                            op_span: left.span,
                            right: *r,
                        };
                        ExprKind::Chain(a, vec![first_link, link])
                    }
                    ExprKind::Logical(l, a, r) => {
                        let first_link = ChainLink {
                            op: ChainOp::Logical(l),
                            op_span: left.span,
                            right: *r,
                        };
                        ExprKind::Chain(a, vec![first_link, link])
                    }
                    other => other,
                };
                out.push(Expr { kind, span });
                return;
            }
        }
        let kind = match operator(op) {
            Operator::TypeCast => {
                out.push(Expr {
                    kind: left.kind,
                    span,
                });
                return;
            }
            Operator::Logical(l) => {
                // `??` may not be mixed with `||`/`&&` without parentheses.
                let mixes = |e: &Expr| match &e.kind {
                    ExprKind::Logical(inner_op, ..) => {
                        (l == LogicalOp::Nullish) != (*inner_op == LogicalOp::Nullish)
                            && !self.is_parenthesized(e)
                    }
                    _ => false,
                };
                if mixes(&left) || mixes(&right) {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        op_span,
                        "`??` cannot be mixed with `||` or `&&` without parentheses",
                        "add parentheses to say which applies first",
                    );
                }
                ExprKind::Logical(l, Box::new(left), Box::new(right))
            }
            Operator::Binary(b) => {
                if b == BinaryOp::Exp
                    && matches!(left.kind, ExprKind::Unary(..) | ExprKind::Await(_))
                    && !self.is_parenthesized(&left)
                {
                    self.error_help(
                        DiagnosticKind::Syntax,
                        left.span,
                        "a unary operator before `**` is ambiguous",
                        "add parentheses: `(-x) ** 2` or `-(x ** 2)`",
                    );
                }
                ExprKind::Binary(b, Box::new(left), Box::new(right))
            }
        };
        out.push(Expr { kind, span });
    }

    fn is_parenthesized(&self, e: &Expr) -> bool {
        self.parenthesized.contains(&e.span)
    }

    /// Whether extending `left` with `op` would mix `??` with `||`/`&&` (the check
    /// in `reduce` reports it; the chain is not extended then).
    fn mixes_nullish(&self, left: &Expr, op: ChainOp) -> bool {
        let ChainOp::Logical(l) = op else {
            return false;
        };
        let is_nullish = |x: LogicalOp| x == LogicalOp::Nullish;
        match &left.kind {
            ExprKind::Logical(x, ..) => is_nullish(*x) != is_nullish(l),
            ExprKind::Chain(_, links) => links
                .iter()
                .any(|k| matches!(k.op, ChainOp::Logical(x) if is_nullish(x) != is_nullish(l))),
            _ => false,
        }
    }

    /// One operand of a `binary`, from its pairs (`unary_op* primary link*
    /// postfix_op?`), which it takes out of `parts`.
    fn operand(&mut self, parts: &mut Vec<Pair<'_, Rule>>) -> Expr {
        let span = match (parts.first(), parts.last()) {
            (Some(a), Some(b)) => Span::new(span_of(a).start, span_of(b).end),
            _ => Span::default(),
        };
        let mut ops: Vec<(String, Span)> = Vec::new();
        let mut postfix = None;
        let mut chain = Vec::with_capacity(parts.len());
        for p in parts.drain(..) {
            match p.as_rule() {
                Rule::unary_op => ops.push((p.as_str().to_owned(), span_of(&p))),
                Rule::postfix_op => postfix = Some(p.as_str().to_owned()),
                _ => chain.push(p),
            }
        }
        let mut e = if chain.is_empty() {
            Expr {
                kind: ExprKind::Null,
                span,
            }
        } else {
            self.postfix_chain(chain.into_iter().peekable())
        };
        if ops.len() > MAX_RUN {
            self.error_help(
                DiagnosticKind::TooDeep,
                ops[MAX_RUN].1,
                format!("more than {MAX_RUN} prefix operators in a row"),
                "compute the value in steps",
            );
            return e;
        }
        if let Some(op) = postfix {
            let start = e.span.start;
            let target = self.update_target(e);
            e = Expr {
                kind: ExprKind::Update {
                    increment: op == "++",
                    prefix: false,
                    target: Box::new(target),
                },
                span: Span::new(start, span.end),
            };
        }
        for (op, op_span) in ops.into_iter().rev() {
            let s = op_span.to(e.span);
            let kind = match op.as_str() {
                "++" | "--" => {
                    let target = self.update_target(e);
                    ExprKind::Update {
                        increment: op == "++",
                        prefix: true,
                        target: Box::new(target),
                    }
                }
                "await" => ExprKind::Await(Box::new(e)),
                y if y.starts_with("yield") => {
                    self.error_help(
                        DiagnosticKind::Unsupported,
                        op_span,
                        "generators (`yield`) are not supported",
                        "build and return an array instead",
                    );
                    ExprKind::Unsupported("yield")
                }
                o => {
                    let u = match o {
                        "!" => UnaryOp::Not,
                        "-" => UnaryOp::Neg,
                        "+" => UnaryOp::Plus,
                        "~" => UnaryOp::BitNot,
                        "typeof" => UnaryOp::TypeOf,
                        "void" => UnaryOp::Void,
                        _ => UnaryOp::Delete,
                    };
                    ExprKind::Unary(u, Box::new(e))
                }
            };
            e = Expr { kind, span: s };
        }
        e
    }

    fn update_target(&mut self, e: Expr) -> Expr {
        match e.kind {
            ExprKind::Ident(_) | ExprKind::Member { .. } | ExprKind::Index { .. } => e,
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    e.span,
                    "invalid target of `++`/`--`: only a name or a property can be updated",
                );
                e
            }
        }
    }

    fn postfix(&mut self, pair: Pair<'_, Rule>) -> Expr {
        if pair.as_rule() != Rule::postfix_expr {
            return self.primary(pair);
        }
        self.postfix_chain(pair.into_inner().peekable())
    }

    /// A primary and the links after it (`.a`, `[i]`, `(…)`, `?.b`…).
    fn postfix_chain<'p>(
        &mut self,
        mut it: std::iter::Peekable<impl Iterator<Item = Pair<'p, Rule>>>,
    ) -> Expr {
        let head = next(&mut it);
        let mut e = if head.as_rule() == Rule::super_expr {
            let head_span = span_of(&head);
            match it.peek().map(Pair::as_rule) {
                Some(Rule::call) => {
                    let link = next(&mut it);
                    let end = span_of(&link).end;
                    let args = link
                        .into_inner()
                        .next()
                        .map(|a| self.args(a))
                        .unwrap_or_default();
                    Expr {
                        kind: ExprKind::SuperCall(args),
                        span: Span::new(head_span.start, end),
                    }
                }
                Some(Rule::member) => {
                    let link = next(&mut it);
                    let end = span_of(&link).end;
                    let n = first(link);
                    Expr {
                        kind: ExprKind::SuperMember {
                            name: n.as_str().to_owned(),
                            name_span: span_of(&n),
                        },
                        span: Span::new(head_span.start, end),
                    }
                }
                _ => self.primary(head),
            }
        } else {
            self.primary(head)
        };
        let mut optional_chain = false;
        for (n, link) in it.enumerate() {
            if n == 4 * MAX_RUN {
                self.error_help(
                    DiagnosticKind::TooDeep,
                    span_of(&link),
                    format!(
                        "more than {} property accesses and calls in a row",
                        4 * MAX_RUN
                    ),
                    "keep a part in a variable",
                );
                break;
            }
            let lspan = span_of(&link);
            let span = Span::new(e.span.start, lspan.end);
            let rule = link.as_rule();
            let kind = match rule {
                Rule::member | Rule::opt_member => {
                    let optional = rule == Rule::opt_member;
                    optional_chain |= optional;
                    let n = first(link);
                    ExprKind::Member {
                        object: Box::new(e),
                        name: n.as_str().to_owned(),
                        name_span: span_of(&n),
                        optional,
                    }
                }
                Rule::index | Rule::opt_index => {
                    let optional = rule == Rule::opt_index;
                    optional_chain |= optional;
                    let index = self.expr(first(link));
                    ExprKind::Index {
                        object: Box::new(e),
                        index: Box::new(index),
                        optional,
                    }
                }
                Rule::call | Rule::opt_call | Rule::generic_call => {
                    let optional = rule == Rule::opt_call;
                    optional_chain |= optional;
                    let args_pair = link.into_inner().find(|p| p.as_rule() == Rule::args);
                    let args = args_pair.map(|a| self.args(a)).unwrap_or_default();
                    ExprKind::Call {
                        callee: Box::new(e),
                        args,
                        optional,
                    }
                }
                Rule::non_null => {
                    e.span = span;
                    continue;
                }
                _ => {
                    let (cooked, raw, exprs) = self.template_parts(first(link));
                    ExprKind::TaggedTemplate {
                        tag: Box::new(e),
                        cooked,
                        raw,
                        exprs,
                    }
                }
            };
            e = Expr { kind, span };
        }
        if optional_chain {
            let span = e.span;
            e = Expr {
                kind: ExprKind::OptionalChain(Box::new(e)),
                span,
            };
        }
        e
    }

    fn args(&mut self, pair: Pair<'_, Rule>) -> Vec<ArrayItem> {
        self.cover_items(pair, true)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::ident => ExprKind::Ident(pair.as_str().to_owned()),
            Rule::literal => match pair.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                _ => ExprKind::Null,
            },
            Rule::number => self.number(&pair),
            Rule::string => ExprKind::String(self.string(&pair)),
            Rule::template => self.template(pair),
            Rule::regex => {
                let mut it = pair.into_inner();
                let pattern = it.next().map_or(String::new(), |p| p.as_str().to_owned());
                let flags = it.next().map_or(String::new(), |p| p.as_str().to_owned());
                ExprKind::Regex { pattern, flags }
            }
            Rule::paren => {
                let items = self.cover_items(pair, false);
                let values: Vec<Expr> = items
                    .into_iter()
                    .map(|item| match item {
                        ArrayItem::Item(e) | ArrayItem::Spread(e) => e,
                        ArrayItem::Hole => Expr {
                            kind: ExprKind::Null,
                            span,
                        },
                    })
                    .collect();
                let mut e = sequence(values, span);
                // The span covers the parentheses, and is remembered, so that
                // `(a ?? b) || c` is known to be parenthesized.
                e.span = span;
                self.parenthesized.insert(span);
                return e;
            }
            Rule::array_lit => self.array(pair),
            Rule::object_lit => self.object(pair),
            Rule::function_expr => return self.function_expr(pair),
            Rule::new_expr => self.new_expr(pair),
            Rule::jsx_element => ExprKind::Jsx(Box::new(self.jsx_element(pair))),
            Rule::jsx_fragment => ExprKind::Jsx(Box::new(self.jsx_fragment(pair))),
            Rule::this_expr => ExprKind::This,
            Rule::class_expr => ExprKind::Class(Box::new(self.class(pair))),
            Rule::super_expr => {
                self.error_help(
                    DiagnosticKind::Syntax,
                    span,
                    "`super` must be called (`super(…)`) or read from (`super.name`)",
                    "in a constructor, call super(…); in a method, call super.method(…)",
                );
                ExprKind::Null
            }
            Rule::unsupported_expr => {
                let word = pair.as_str();
                let (what, help) = match word {
                    "import" => (
                        "dynamic `import()` is not supported",
                        "import at the top of the file",
                    ),
                    _ => (
                        "generators (`yield`) are not supported",
                        "build and return an array instead",
                    ),
                };
                self.error_help(DiagnosticKind::Unsupported, span, what, help);
                ExprKind::Unsupported("syntax")
            }
            Rule::expr | Rule::assign | Rule::expr_na => return self.expr(pair),
            Rule::binary => return self.binary(pair),
            Rule::postfix_expr => return self.postfix(pair),
            other => {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    format!("unexpected {other:?} in expression position"),
                );
                ExprKind::Null
            }
        };
        Expr { kind, span }
    }

    fn number(&mut self, pair: &Pair<'_, Rule>) -> ExprKind {
        let text = pair.as_str();
        if text.ends_with('n') && !text.starts_with("0x") && !text.starts_with("0X") {
            self.error_help(
                DiagnosticKind::Unsupported,
                span_of(pair),
                "BigInt literals are not supported",
                "use a number",
            );
            return ExprKind::Number(0.0);
        }
        if text.len() > 1 && text.starts_with('0') && text.as_bytes()[1].is_ascii_digit() {
            self.error_help(
                DiagnosticKind::Syntax,
                span_of(pair),
                "legacy octal literals are not allowed",
                "write 0o17 for octal, or drop the leading zero",
            );
        }
        ExprKind::Number(parse_number_literal(text))
    }

    fn string(&mut self, pair: &Pair<'_, Rule>) -> String {
        let raw = pair.as_str();
        let start = pair.as_span().start() + 1;
        self.cook(&raw[1..raw.len().saturating_sub(1).max(1)], start, false)
    }

    fn cook(&mut self, raw: &str, start: usize, template: bool) -> String {
        match cook(raw, template) {
            Ok(s) => s,
            Err(e) => {
                let span = Span::new(start + e.offset, start + e.offset + e.len);
                self.error(DiagnosticKind::InvalidEscape, span, e.message);
                String::new()
            }
        }
    }

    fn template(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut quasis = vec![String::new()];
        let mut exprs = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::template_chunk => {
                    let cooked = self.cook(p.as_str(), p.as_span().start(), true);
                    if let Some(last) = quasis.last_mut() {
                        last.push_str(&cooked);
                    }
                }
                Rule::template_subst => {
                    exprs.push(self.expr(first(p)));
                    quasis.push(String::new());
                }
                _ => {}
            }
        }
        ExprKind::Template(quasis, exprs)
    }

    /// A tagged template's parts: its chunks cooked and as written, and its
    /// substitutions. A malformed escape is no error in a tagged template: its chunk's
    /// cooked string is `undefined`, its raw text stays.
    fn template_parts(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> (Vec<Option<String>>, Vec<String>, Vec<Expr>) {
        let mut cooked = vec![Some(String::new())];
        let mut raw = vec![String::new()];
        let mut exprs = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::template_chunk => {
                    if let Some(last) = cooked.last_mut() {
                        *last = match (last.take(), cook(p.as_str(), true)) {
                            (Some(mut s), Ok(c)) => {
                                s.push_str(&c);
                                Some(s)
                            }
                            _ => None,
                        };
                    }
                    if let Some(last) = raw.last_mut() {
                        // Raw text has its line breaks normalized, as JavaScript does.
                        last.push_str(&p.as_str().replace("\r\n", "\n").replace('\r', "\n"));
                    }
                }
                Rule::template_subst => {
                    exprs.push(self.expr(first(p)));
                    cooked.push(Some(String::new()));
                    raw.push(String::new());
                }
                _ => {}
            }
        }
        (cooked, raw, exprs)
    }

    fn array(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut slots: Vec<Option<Pair<'_, Rule>>> =
            inner(pair).map(|slot| inner(slot).next()).collect();
        // One empty slot at the end is a trailing comma (or `[]`), not a hole.
        if matches!(slots.last(), Some(None)) {
            slots.pop();
        }
        let items = slots
            .into_iter()
            .map(|slot| match slot {
                None => ArrayItem::Hole,
                Some(p) if p.as_rule() == Rule::spread => ArrayItem::Spread(self.assign(first(p))),
                Some(p) => ArrayItem::Item(self.assign(p)),
            })
            .collect();
        ExprKind::Array(items)
    }

    fn prop_key(&mut self, pair: Pair<'_, Rule>) -> PropKey {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::name | Rule::ident => PropKey::Named(pair.as_str().to_owned(), span),
            Rule::string => PropKey::Named(self.string(&pair), span),
            Rule::number => {
                let n = parse_number_literal(pair.as_str());
                PropKey::Named(js_number_to_string(n), span)
            }
            Rule::computed_key => PropKey::Computed(Box::new(self.assign(first(pair)))),
            _ => PropKey::Named(pair.as_str().to_owned(), span),
        }
    }

    fn object(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut members = Vec::new();
        for p in inner(pair) {
            let span = span_of(&p);
            match p.as_rule() {
                Rule::spread => members.push(ObjectMember::Spread(self.assign(first(p)))),
                // `key: value` (a member without parameters) or a method.
                Rule::obj_prop if !p.clone().into_inner().any(|c| c.as_rule() == Rule::params) => {
                    let mut it = inner(p).peekable();
                    if let Some(kind) = it.next_if(|c| c.as_rule() == Rule::method_kind) {
                        self.error(
                            DiagnosticKind::Syntax,
                            span_of(&kind),
                            "expected `(` after a method's name: `get`, `set`, `async` and `*` make methods",
                        );
                    }
                    let key = self.prop_key(next(&mut it));
                    let value = self.assign(next(&mut it));
                    members.push(ObjectMember::Prop(key, value));
                }
                Rule::shorthand => {
                    let mut it = inner(p);
                    let id = self.ident(&next(&mut it));
                    match it.next() {
                        Some(d) => {
                            let default = self.default_value(d);
                            members.push(ObjectMember::ShorthandDefault(id, default));
                        }
                        None => members.push(ObjectMember::Prop(
                            PropKey::Named(id.name.clone(), id.span),
                            Expr {
                                kind: ExprKind::Ident(id.name),
                                span: id.span,
                            },
                        )),
                    }
                }
                Rule::obj_prop => {
                    let mut is_async = false;
                    let mut accessor = None;
                    let mut key = None;
                    let mut params = (Vec::new(), None);
                    let mut body = Vec::new();
                    for c in inner(p) {
                        match c.as_rule() {
                            Rule::method_kind => {
                                for k in c.into_inner() {
                                    match k.as_rule() {
                                        Rule::k_async => is_async = true,
                                        Rule::generator => self.error_help(
                                            DiagnosticKind::Unsupported,
                                            span_of(&k),
                                            "generator methods are not supported",
                                            "return an array instead",
                                        ),
                                        Rule::accessor => {
                                            accessor = Some(if k.as_str() == "get" {
                                                MethodKind::Getter
                                            } else {
                                                MethodKind::Setter
                                            });
                                        }
                                        _ => {}
                                    }
                                }
                            }
                            Rule::params => params = self.params(c),
                            Rule::block => body = self.statements(c),
                            _ => key = Some(self.prop_key(c)),
                        }
                    }
                    let key = key.unwrap_or(PropKey::Named(String::new(), span));
                    let name = match &key {
                        PropKey::Named(n, s) => Some(Ident {
                            name: n.clone(),
                            span: *s,
                        }),
                        PropKey::Computed(_) => None,
                    };
                    let f = Function {
                        name,
                        params: params.0,
                        rest: params.1,
                        body: FunctionBody::Block(body),
                        is_async,
                        is_arrow: false,
                        constructor: Constructor::No,
                        span,
                    };
                    if let Some(kind) = accessor {
                        members.push(ObjectMember::Accessor(key, kind, Box::new(f)));
                        continue;
                    }
                    members.push(ObjectMember::Prop(
                        key,
                        Expr {
                            kind: ExprKind::Function(Box::new(f)),
                            span,
                        },
                    ));
                }
                _ => {}
            }
        }
        ExprKind::Object(members)
    }

    // ------------------------------------------------------------ classes

    /// A class, its members arranged as JavaScript runs them: parameter properties
    /// and instance fields are set up by the constructor (at its start, or right after
    /// `super(…)` in a derived class), static fields and blocks by a function run
    /// once the class is made.
    fn class(&mut self, pair: Pair<'_, Rule>) -> Class {
        let span = span_of(&pair);
        let mut name = None;
        let mut extends = None;
        let mut parts = ClassParts::default();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(&p)),
                Rule::class_heritage => {
                    if let Some(e) = p.into_inner().find(|x| x.as_rule() == Rule::postfix_expr) {
                        extends = Some(Box::new(self.postfix(e)));
                    }
                }
                Rule::class_body => {
                    for m in p.into_inner() {
                        self.class_member(m, &mut parts);
                    }
                }
                _ => {}
            }
        }
        let derived = extends.is_some();
        let ctor_span = Span::new(span.start, span.start);
        let (mut ctor, props) = parts.constructor.take().unwrap_or_else(|| {
            let (rest, body) = if derived {
                // `constructor(...args) { super(...args); }`
                let args = Ident {
                    name: "%args".to_owned(),
                    span: ctor_span,
                };
                let call = Expr {
                    kind: ExprKind::SuperCall(vec![ArrayItem::Spread(Expr {
                        kind: ExprKind::Ident(args.name.clone()),
                        span: ctor_span,
                    })]),
                    span: ctor_span,
                };
                (
                    Some(Pattern::Ident(args)),
                    vec![Stmt {
                        kind: StmtKind::Expr(call),
                        span: ctor_span,
                    }],
                )
            } else {
                (None, Vec::new())
            };
            let f = Function {
                name: None,
                params: Vec::new(),
                rest,
                body: FunctionBody::Block(body),
                is_async: false,
                is_arrow: false,
                constructor: Constructor::No,
                span: ctor_span,
            };
            (f, Vec::new())
        });
        let mut setup: Vec<Stmt> = props
            .into_iter()
            .map(|id| {
                let value = Expr {
                    kind: ExprKind::Ident(id.name.clone()),
                    span: id.span,
                };
                define_field(PropKey::Named(id.name, id.span), false, value, id.span)
            })
            .collect();
        setup.append(&mut parts.fields);
        if let FunctionBody::Block(body) = &mut ctor.body {
            if !derived {
                body.splice(0..0, setup);
            } else if !setup.is_empty() {
                let at = body.iter().position(|s| {
                    matches!(&s.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::SuperCall(_)))
                });
                match at {
                    Some(i) => {
                        body.splice(i + 1..i + 1, setup);
                    }
                    None => self.error_help(
                        DiagnosticKind::Unsupported,
                        Span::new(ctor.span.start, ctor.span.start + 1),
                        "this constructor sets up fields, so it must call `super(…)` as a statement of its body",
                        "write `super(…);` on a line of its own in the constructor",
                    ),
                }
            }
        }
        ctor.constructor = if derived {
            Constructor::Derived
        } else {
            Constructor::Base
        };
        ctor.name = name.clone();
        let statics = (!parts.statics.is_empty()).then(|| {
            Box::new(Function {
                name: None,
                params: Vec::new(),
                rest: None,
                body: FunctionBody::Block(std::mem::take(&mut parts.statics)),
                is_async: false,
                is_arrow: false,
                constructor: Constructor::No,
                span: Span::new(span.end, span.end),
            })
        });
        Class {
            name,
            extends,
            constructor: Box::new(ctor),
            methods: parts.methods,
            statics,
            span,
        }
    }

    fn class_member(&mut self, pair: Pair<'_, Rule>, parts: &mut ClassParts) {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::static_block => {
                if let Some(b) = pair.into_inner().find(|p| p.as_rule() == Rule::block) {
                    let bspan = span_of(&b);
                    let stmts = self.statements(b);
                    parts.statics.push(Stmt {
                        kind: StmtKind::Block(stmts),
                        span: bspan,
                    });
                }
            }
            Rule::decorated_member => {
                if let Some(d) = pair.into_inner().next() {
                    self.error_help(
                        DiagnosticKind::Unsupported,
                        decorator_span(&d),
                        "decorators are not supported",
                        "remove the decorator",
                    );
                }
            }
            Rule::class_method => {
                let mut is_static = false;
                let mut skip = false;
                let mut is_async = false;
                let mut kind = MethodKind::Method;
                let mut key = None;
                let mut private = false;
                let mut params = None;
                let mut body = None;
                for c in pair.into_inner() {
                    match c.as_rule() {
                        Rule::class_modifier => match c.as_str() {
                            "static" => is_static = true,
                            "abstract" | "declare" => skip = true,
                            _ => {}
                        },
                        Rule::method_kind => {
                            for k in c.into_inner() {
                                match k.as_rule() {
                                    Rule::k_async => is_async = true,
                                    Rule::generator => self.error_help(
                                        DiagnosticKind::Unsupported,
                                        span_of(&k),
                                        "generator methods are not supported",
                                        "return an array instead",
                                    ),
                                    Rule::accessor => {
                                        kind = if k.as_str() == "get" {
                                            MethodKind::Getter
                                        } else {
                                            MethodKind::Setter
                                        };
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Rule::private_name => {
                            private = true;
                            key = Some(PropKey::Named(c.as_str().to_owned(), span_of(&c)));
                        }
                        Rule::params => params = Some(c),
                        Rule::block => body = Some(c),
                        Rule::signature_end => skip = true,
                        Rule::optional_mark | Rule::type_params | Rule::return_type => {}
                        _ => key = Some(self.prop_key(c)),
                    }
                }
                let Some(key) = key else { return };
                if skip || body.is_none() {
                    return;
                }
                let is_constructor = !is_static
                    && !private
                    && kind == MethodKind::Method
                    && matches!(&key, PropKey::Named(n, _) if n == "constructor");
                let (params, rest, props) = match params {
                    Some(p) if is_constructor => self.params_with_properties(p),
                    Some(p) => {
                        let (a, b) = self.params(p);
                        (a, b, Vec::new())
                    }
                    None => (Vec::new(), None, Vec::new()),
                };
                let body = body.map(|b| self.statements(b)).unwrap_or_default();
                let fname = match &key {
                    PropKey::Named(n, s) => Some(Ident {
                        name: n.clone(),
                        span: *s,
                    }),
                    PropKey::Computed(_) => None,
                };
                let f = Function {
                    name: fname,
                    params,
                    rest,
                    body: FunctionBody::Block(body),
                    is_async,
                    is_arrow: false,
                    constructor: Constructor::No,
                    span,
                };
                if is_constructor {
                    if parts.constructor.is_some() {
                        self.error(
                            DiagnosticKind::InvalidDeclaration,
                            span,
                            "a class has one constructor",
                        );
                    }
                    parts.constructor = Some((f, props));
                    return;
                }
                parts.methods.push(ClassMethod {
                    key,
                    private,
                    is_static,
                    kind,
                    function: Box::new(f),
                });
            }
            Rule::class_field => {
                let Some(inner_pair) = pair.into_inner().next() else {
                    return;
                };
                let mut is_static = false;
                let mut skip = false;
                let mut key = None;
                let mut private = false;
                let mut value = None;
                for c in inner_pair.into_inner() {
                    match c.as_rule() {
                        Rule::class_modifier => match c.as_str() {
                            "static" => is_static = true,
                            "abstract" | "declare" => skip = true,
                            _ => {}
                        },
                        Rule::private_name => {
                            private = true;
                            key = Some(PropKey::Named(c.as_str().to_owned(), span_of(&c)));
                        }
                        Rule::optional_mark | Rule::definite | Rule::type_ann | Rule::eq_sign => {}
                        Rule::assign => value = Some(self.assign(c)),
                        _ => key = Some(self.prop_key(c)),
                    }
                }
                let Some(key) = key else { return };
                if skip {
                    return;
                }
                // A field without a value is still defined, as `undefined`.
                let value = value.unwrap_or(Expr {
                    kind: ExprKind::Ident("undefined".to_owned()),
                    span,
                });
                let stmt = define_field(key, private, value, span);
                if is_static {
                    parts.statics.push(stmt);
                } else {
                    parts.fields.push(stmt);
                }
            }
            _ => {}
        }
    }

    fn new_expr(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut callee = None;
        let mut args = Vec::new();
        for p in inner(pair) {
            match p.as_rule() {
                Rule::new_callee => {
                    let mut it = p.into_inner();
                    let head = next(&mut it);
                    let mut e = self.primary(head);
                    for n in it {
                        let span = Span::new(e.span.start, span_of(&n).end);
                        e = Expr {
                            kind: ExprKind::Member {
                                object: Box::new(e),
                                name: n.as_str().to_owned(),
                                name_span: span_of(&n),
                                optional: false,
                            },
                            span,
                        };
                    }
                    callee = Some(e);
                }
                Rule::args => args = self.args(p),
                _ => {}
            }
        }
        let callee = callee.unwrap_or(Expr {
            kind: ExprKind::Null,
            span: Span::default(),
        });
        ExprKind::New {
            callee: Box::new(callee),
            args,
        }
    }

    // ------------------------------------------------------------ JSX

    fn jsx_element(&mut self, pair: Pair<'_, Rule>) -> JsxElement {
        let span = span_of(&pair);
        let mut name: Option<JsxName> = None;
        let mut attrs = Vec::new();
        let mut children = None;
        let mut open_end = span.end;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::jsx_name => {
                    name = Some(JsxName {
                        name: p.as_str().to_owned(),
                        span: span_of(&p),
                    });
                }
                Rule::jsx_spread_attr => attrs.push(JsxAttr::Spread(self.assign(first(p)))),
                Rule::jsx_named_attr => attrs.push(self.jsx_attr(p)),
                Rule::jsx_self_close => open_end = span_of(&p).end,
                Rule::jsx_children => {
                    open_end = span_of(&p).start;
                    children = Some(self.jsx_children(p));
                }
                Rule::jsx_close => self.check_close(&p, name.as_ref()),
                _ => {}
            }
        }
        JsxElement {
            name,
            attrs,
            children,
            open_span: Span::new(span.start, open_end),
        }
    }

    fn jsx_fragment(&mut self, pair: Pair<'_, Rule>) -> JsxElement {
        let span = span_of(&pair);
        let mut children = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::jsx_children => children = self.jsx_children(p),
                Rule::jsx_close => self.check_close(&p, None),
                _ => {}
            }
        }
        JsxElement {
            name: None,
            attrs: Vec::new(),
            children: Some(children),
            open_span: Span::new(span.start, span.start + 2),
        }
    }

    fn check_close(&mut self, close: &Pair<'_, Rule>, open: Option<&JsxName>) {
        let closing = close
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::jsx_name);
        let closing_name = closing.as_ref().map(Pair::as_str);
        let open_name = open.map(|n| n.name.as_str());
        if closing_name != open_name {
            let span = span_of(close);
            let expected = match open_name {
                Some(n) => format!("</{n}>"),
                None => "</>".to_owned(),
            };
            let found = close.as_str();
            let mut d = Diagnostic::new(
                self.file,
                DiagnosticKind::MismatchedTag,
                span,
                format!(
                    "closing tag `{found}` does not match the opening tag: expected `{expected}`"
                ),
            );
            if let Some(o) = open {
                let (line, col) = self.file.line_col(o.span.start);
                d = d.with_help(format!(
                    "the element opened at {line}:{} is <{}>",
                    col - 1,
                    o.name
                ));
            }
            self.errors.push(d);
        }
    }

    fn jsx_attr(&mut self, pair: Pair<'_, Rule>) -> JsxAttr {
        let mut it = pair.into_inner();
        let n = next(&mut it);
        let name = self.ident(&n);
        let value = it.next().map(|v| {
            let span = span_of(&v);
            match v.as_rule() {
                Rule::jsx_attr_string => {
                    let raw = v.as_str();
                    Expr {
                        kind: ExprKind::String(attr_string_value(&raw[1..raw.len() - 1])),
                        span,
                    }
                }
                Rule::jsx_attr_expr => self.assign(first(v)),
                Rule::jsx_element => Expr {
                    kind: ExprKind::Jsx(Box::new(self.jsx_element(v))),
                    span,
                },
                _ => Expr {
                    kind: ExprKind::Jsx(Box::new(self.jsx_fragment(v))),
                    span,
                },
            }
        });
        JsxAttr::Named { name, value }
    }

    fn jsx_children(&mut self, pair: Pair<'_, Rule>) -> Vec<JsxChild> {
        let mut out = Vec::new();
        for p in pair.into_inner() {
            let span = span_of(&p);
            match p.as_rule() {
                Rule::jsx_text => {
                    if let Some(text) = clean_jsx_text(p.as_str()) {
                        out.push(JsxChild::Text(text, span));
                    }
                }
                Rule::jsx_child_expr => {
                    if let Some(e) = p.into_inner().next() {
                        if e.as_rule() == Rule::jsx_spread_child {
                            out.push(JsxChild::Spread(self.assign(first(e))));
                        } else {
                            out.push(JsxChild::Expr(self.assign(e)));
                        }
                    }
                }
                Rule::jsx_element => out.push(JsxChild::Element(Box::new(Expr {
                    kind: ExprKind::Jsx(Box::new(self.jsx_element(p))),
                    span,
                }))),
                Rule::jsx_fragment => out.push(JsxChild::Element(Box::new(Expr {
                    kind: ExprKind::Jsx(Box::new(self.jsx_fragment(p))),
                    span,
                }))),
                _ => {}
            }
        }
        out
    }
}

/// A comma expression's items as one expression: the item itself when there is one
/// (`null` when there is none, after its error), else a sequence.
fn sequence(mut items: Vec<Expr>, span: Span) -> Expr {
    if items.len() <= 1 {
        items.pop().unwrap_or(Expr {
            kind: ExprKind::Null,
            span,
        })
    } else {
        Expr {
            kind: ExprKind::Sequence(items),
            span,
        }
    }
}

/// An arrow function expression.
fn arrow_expr(
    params: Vec<Param>,
    rest: Option<Pattern>,
    body: FunctionBody,
    is_async: bool,
    span: Span,
) -> Expr {
    Expr {
        kind: ExprKind::Function(Box::new(Function {
            name: None,
            params,
            rest,
            body,
            is_async,
            is_arrow: true,
            constructor: Constructor::No,
            span,
        })),
        span,
    }
}

/// The first inner pair of a rule that has one (a rule with a required inner rule).
fn first(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    let mut it = inner(pair);
    next(&mut it)
}

/// The next pair of an iterator over a rule's required parts.
///
/// The grammar guarantees the part; were it missing (the grammar and this builder
/// disagreeing, which the tests would catch), a `null` literal stands in for it rather
/// than a panic.
fn next<'i>(it: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Pair<'i, Rule> {
    it.next().unwrap_or_else(null_pair)
}

fn null_pair<'i>() -> Pair<'i, Rule> {
    ScriptParser::parse(Rule::literal, "null")
        .ok()
        .and_then(|mut pairs| pairs.next())
        .expect("the literal `null` always parses")
}

/// What a class body holds, gathered member by member.
#[derive(Default)]
struct ClassParts {
    constructor: Option<(Function, Vec<Ident>)>,
    methods: Vec<ClassMethod>,
    fields: Vec<Stmt>,
    statics: Vec<Stmt>,
}

/// `this.key = value` with a field's meaning: an own property defined, no setter run.
fn define_field(key: PropKey, private: bool, value: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Expr(Expr {
            kind: ExprKind::DefineField {
                key,
                private,
                value: Box::new(value),
            },
            span,
        }),
        span,
    }
}
