//! From the syntax tree to the compiled form ([`ir`](super::ir)): names are resolved,
//! method calls bound, arrows checked to be callbacks, constants pre-built, and every
//! element checked against the ContentKit element types (through [`super::check`]).
//!
//! All independent errors of a file are collected; compilation goes on after an error
//! with a placeholder so that later errors are found in the same run.

use serde_json::{Map, Value};

use super::ast::{
    self, AttrValue, Attribute, Child, Expr, ExprKind, Item, Property, Span, UnaryOp,
};
use super::check::{Checker, Place};
use super::diagnostic::{suggest, Diagnostic, DiagnosticKind, Diagnostics, SourceFile};
use super::ir::*;
use ast::LinkKind as AstLink;

/// The names a template can read without declaring them.
const ROOTS: &[&str] = &["props", "state", "context", "action", "element"];
/// Global names that are functions or namespaces of functions.
const FUNCTIONS: &[&str] = &["String", "Number", "Boolean", "dynamicState"];
const NAMESPACES: &[&str] = &["JSON", "Math", "Object", "Array"];
/// Global values.
const VALUES: &[&str] = &["NaN", "Infinity", "undefined"];

/// The compiled template body and its element table.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub root: ElementNode,
    pub elements: Vec<ElementSource>,
}

/// Options that shape compilation.
pub(crate) struct Settings {
    pub check_elements: bool,
    pub require_root: bool,
}

pub(crate) fn compile(
    root: &Expr,
    file: &SourceFile,
    settings: &Settings,
) -> Result<Compiled, Diagnostics> {
    let mut c = Compiler {
        file,
        errors: Vec::new(),
        checker: settings.check_elements.then(|| Checker {
            file,
            errors: Vec::new(),
            require_root: settings.require_root,
        }),
        locals: Vec::new(),
        elements: Vec::new(),
    };
    let compiled = match &root.kind {
        ExprKind::Element(el) => Some(c.element(el, Place::Root)),
        ExprKind::Fragment(_) => {
            c.error_help(
                DiagnosticKind::InvalidRoot,
                Span::new(root.span.start, root.span.start + 2),
                "the root must be one element, not a fragment",
                "wrap the children in a <block>, <modal> or <configuration>",
            );
            None
        }
        _ => {
            c.error_help(
                DiagnosticKind::InvalidRoot,
                root.span,
                "the root must be one element",
                "a markup file holds a single element such as <block>…</block>",
            );
            None
        }
    };
    let mut errors = c.errors;
    if let Some(checker) = c.checker {
        errors.extend(checker.errors);
    }
    match compiled {
        Some(root) if errors.is_empty() => Ok(Compiled {
            root,
            elements: c.elements,
        }),
        _ => Err(Diagnostics(errors).sorted()),
    }
}

struct Compiler<'f> {
    file: &'f SourceFile,
    errors: Vec<Diagnostic>,
    checker: Option<Checker<'f>>,
    /// Arrow parameters in scope; a parameter's slot is its index.
    locals: Vec<String>,
    elements: Vec<ElementSource>,
}

/// A placeholder for an expression that had an error.
fn placeholder(span: Span) -> Node {
    Node {
        kind: NodeKind::Const(Const::Undefined),
        span,
    }
}

impl Compiler<'_> {
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

    fn expr(&mut self, e: &Expr, place: Place<'_>) -> Node {
        let span = e.span;
        let kind = match &e.kind {
            ExprKind::Number(n) => NodeKind::Const(Const::Num(*n)),
            ExprKind::String(s) => NodeKind::Const(Const::Str(s.as_str().into())),
            ExprKind::Bool(b) => NodeKind::Const(Const::Bool(*b)),
            ExprKind::Null => NodeKind::Const(Const::Null),
            ExprKind::Undefined => NodeKind::Const(Const::Undefined),
            ExprKind::Template { quasis, exprs } => {
                if exprs.is_empty() {
                    NodeKind::Const(Const::Str(quasis[0].as_str().into()))
                } else {
                    NodeKind::Template {
                        quasis: quasis.iter().map(|q| q.as_str().into()).collect(),
                        exprs: exprs.iter().map(|x| self.expr(x, Place::Nested)).collect(),
                    }
                }
            }
            ExprKind::Ident(name) => return self.ident(name, span),
            ExprKind::Array(items) => {
                // Elements written in an attribute's array (`buttons={[<button/>]}`)
                // stand in that attribute's place.
                let item_place = match place {
                    Place::AttrOf(..) => place,
                    _ => Place::Nested,
                };
                let args: Vec<Arg> = items.iter().map(|i| self.arg(i, item_place)).collect();
                fold_array(args)
            }
            ExprKind::Object(props) => {
                let props: Vec<Prop> = props.iter().map(|p| self.property(p)).collect();
                fold_object(props)
            }
            ExprKind::Unary { ops, operand } => {
                let operand = self.expr(operand, Place::Nested);
                fold_unary(ops, operand)
            }
            ExprKind::Binary { first, rest } => {
                // Operands of `&&`, `||` and `??` can be the value itself
                // (`{cond && <text/>}`), so they keep the place.
                let logical = rest.iter().all(|(op, _, _)| {
                    matches!(
                        op,
                        ast::BinaryOp::And | ast::BinaryOp::Or | ast::BinaryOp::Coalesce
                    )
                });
                let p = if logical { place } else { Place::Nested };
                NodeKind::Binary {
                    first: Box::new(self.expr(first, p)),
                    rest: rest
                        .iter()
                        .map(|(op, s, x)| (*op, *s, self.expr(x, p)))
                        .collect(),
                }
            }
            ExprKind::Conditional {
                test,
                then,
                otherwise,
            } => NodeKind::Cond {
                test: Box::new(self.expr(test, Place::Nested)),
                then: Box::new(self.expr(then, place)),
                otherwise: Box::new(self.expr(otherwise, place)),
            },
            ExprKind::Arrow { .. } => {
                self.error_help(
                    DiagnosticKind::InvalidCallback,
                    span,
                    "an arrow function can only be the callback of an array method",
                    format!("pass it to {}", callback_methods()),
                );
                return placeholder(span);
            }
            ExprKind::Chain { base, links } => return self.chain(base, links, span, place),
            ExprKind::Element(el) => NodeKind::Element(Box::new(self.element(el, place))),
            ExprKind::Fragment(children) => {
                let p = match place {
                    Place::ChildOf(_) | Place::AttrOf(..) => place,
                    _ => Place::Nested,
                };
                NodeKind::Fragment(children.iter().map(|c| self.child(c, p)).collect())
            }
        };
        Node { kind, span }
    }

    fn ident(&mut self, name: &str, span: Span) -> Node {
        let kind = if let Some(slot) = self.locals.iter().rposition(|l| l == name) {
            NodeKind::Local(slot)
        } else {
            match name {
                "props" => NodeKind::Root(Root::Props),
                "state" => NodeKind::Root(Root::State),
                "context" => NodeKind::Root(Root::Context),
                "action" => NodeKind::Root(Root::Action),
                "element" => NodeKind::ElementRoot,
                "NaN" => NodeKind::Const(Const::Num(f64::NAN)),
                "Infinity" => NodeKind::Const(Const::Num(f64::INFINITY)),
                _ if FUNCTIONS.contains(&name) || NAMESPACES.contains(&name) => {
                    self.error_help(
                        DiagnosticKind::InvalidCallback,
                        span,
                        format!("`{name}` can only be called"),
                        format!("write `{name}(…)`"),
                    );
                    return placeholder(span);
                }
                _ => {
                    let candidates: Vec<&str> = self
                        .locals
                        .iter()
                        .map(String::as_str)
                        .chain(ROOTS.iter().copied())
                        .chain(FUNCTIONS.iter().copied())
                        .chain(NAMESPACES.iter().copied())
                        .chain(VALUES.iter().copied())
                        .collect();
                    let s = suggest(name, candidates.iter().copied()).map(str::to_string);
                    let d = self.file.diagnostic(DiagnosticKind::UnknownIdentifier,
                        span,
                        format!("unknown name `{name}`")).with_suggestion_or(s.as_deref(), "markup can read props, state, context, action, element and the parameters of arrow functions");
                    self.errors.push(d);
                    return placeholder(span);
                }
            }
        };
        Node { kind, span }
    }

    fn arg(&mut self, item: &Item, place: Place<'_>) -> Arg {
        match item {
            Item::Expr(e) => Arg::Expr(self.expr(e, place)),
            Item::Spread(e, _) => Arg::Spread(self.expr(e, Place::Nested)),
        }
    }

    fn property(&mut self, p: &Property) -> Prop {
        match p {
            Property::Keyed { key, value, .. } => {
                Prop::Keyed(key.as_str().into(), self.expr(value, Place::Nested))
            }
            Property::Computed { key, value } => Prop::Computed(
                self.expr(key, Place::Nested),
                self.expr(value, Place::Nested),
            ),
            Property::Shorthand(name, span) => {
                Prop::Keyed(name.as_str().into(), self.ident(name, *span))
            }
            Property::Spread(e, _) => Prop::Spread(self.expr(e, Place::Nested)),
        }
    }

    fn is_global(&self, name: &str) -> bool {
        !self.locals.iter().any(|l| l == name)
    }

    /// A chain: resolves `element.…`, namespaced builtins (`JSON.stringify(…)`), calls
    /// of global functions, and binds `.method(…)` pairs to methods.
    fn chain(&mut self, base: &Expr, links: &[ast::Link], span: Span, place: Place<'_>) -> Node {
        let mut links = links;
        let mut node = match &base.kind {
            ExprKind::Ident(name) if self.is_global(name) => {
                match self.special_base(name, base.span, links) {
                    Some((node, used)) => {
                        links = &links[used..];
                        node
                    }
                    None => return placeholder(span),
                }
            }
            _ => self.expr(base, Place::Nested),
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < links.len() {
            let link = &links[i];
            match &link.kind {
                AstLink::Member(name) => {
                    if let Some(ast::Link {
                        kind: AstLink::Call(args),
                        optional: optional_call,
                        span: call_span,
                    }) = links.get(i + 1)
                    {
                        let s = link.span.to(*call_span);
                        let Some(method) = Method::from_name(name) else {
                            let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                            let s = suggest(name, names.iter().copied()).map(str::to_string);
                            let d = self
                                .file
                                .diagnostic(
                                    DiagnosticKind::UnknownFunction,
                                    link.span,
                                    format!("`.{name}()` is not a method markup supports"),
                                )
                                .with_suggestion_or(
                                    s.as_deref(),
                                    format!("the methods are {}", names.join(", ")),
                                );
                            self.errors.push(d);
                            return placeholder(span);
                        };
                        let args = self.method_args(method, args, place, s);
                        out.push(Link {
                            kind: LinkKind::Method {
                                method,
                                args,
                                optional_call: *optional_call,
                            },
                            optional: link.optional,
                            span: s,
                        });
                        i += 2;
                        continue;
                    }
                    out.push(Link {
                        kind: LinkKind::Member(name.as_str().into()),
                        optional: link.optional,
                        span: link.span,
                    });
                }
                AstLink::Index(e) => out.push(Link {
                    kind: LinkKind::Index(self.expr(e, Place::Nested)),
                    optional: link.optional,
                    span: link.span,
                }),
                AstLink::Call(_) => {
                    self.error_help(
                        DiagnosticKind::UnknownFunction,
                        link.span,
                        "this is not a function",
                        "only methods (`.map(…)`, …) and the global functions (String, Number, JSON.stringify, …) can be called",
                    );
                    return placeholder(span);
                }
            }
            i += 1;
        }
        if out.is_empty() {
            return Node {
                kind: node.kind,
                span,
            };
        }
        node = Node {
            kind: NodeKind::Chain {
                base: Box::new(node),
                links: out,
            },
            span,
        };
        node
    }

    /// Handles a chain that starts with a global name. Returns the base node and how
    /// many links it used, or `None` after reporting an error.
    fn special_base(
        &mut self,
        name: &str,
        span: Span,
        links: &[ast::Link],
    ) -> Option<(Node, usize)> {
        let call_args = |i: usize| match links.get(i) {
            Some(ast::Link {
                kind: AstLink::Call(args),
                optional: false,
                span,
            }) => Some((args, *span)),
            _ => None,
        };
        if name == "element" {
            return match links.first().map(|l| &l.kind) {
                Some(AstLink::Member(m)) => {
                    let root = match m.as_str() {
                        "props" => Some(Root::Props),
                        "state" => Some(Root::State),
                        "context" => Some(Root::Context),
                        _ => None,
                    };
                    let end = links[0].span;
                    if let Some(root) = root {
                        return Some((
                            Node {
                                kind: NodeKind::Root(root),
                                span: span.to(end),
                            },
                            1,
                        ));
                    }
                    if m == "dynamicState" {
                        if let Some((args, call_span)) = call_args(1) {
                            let args = args.iter().map(|a| self.arg(a, Place::Nested)).collect();
                            return Some((
                                Node {
                                    kind: NodeKind::Call {
                                        func: Builtin::DynamicState,
                                        args,
                                    },
                                    span: span.to(call_span),
                                },
                                2,
                            ));
                        }
                    }
                    if m == "dynamicState" {
                        self.error_help(
                            DiagnosticKind::InvalidCallback,
                            links[0].span,
                            "`element.dynamicState` can only be called",
                            "write `element.dynamicState('key')`",
                        );
                        return None;
                    }
                    let s = suggest(m, ["props", "state", "context", "dynamicState"]);
                    let d = self
                        .file
                        .diagnostic(
                            DiagnosticKind::UnknownIdentifier,
                            links[0].span,
                            format!("`element` has no `{m}`"),
                        )
                        .with_suggestion_or(
                            s,
                            "`element` has props, state, context and dynamicState(key)",
                        );
                    self.errors.push(d);
                    None
                }
                _ => Some((self.ident(name, span), 0)),
            };
        }
        if NAMESPACES.contains(&name) {
            let member = match links.first() {
                Some(ast::Link {
                    kind: AstLink::Member(m),
                    ..
                }) => m.as_str(),
                _ => "",
            };
            let full = format!("{name}.{member}");
            let builtin = Builtin::from_name(&full);
            return match (builtin, call_args(1)) {
                (Some(func), Some((args, call_span))) => {
                    let args = args.iter().map(|a| self.arg(a, Place::Nested)).collect();
                    Some((
                        Node {
                            kind: NodeKind::Call { func, args },
                            span: span.to(call_span),
                        },
                        2,
                    ))
                }
                _ => {
                    let names: Vec<&str> = Builtin::ALL
                        .iter()
                        .map(|b| b.name())
                        .filter(|n| n.starts_with(&format!("{name}.")))
                        .collect();
                    let s = suggest(&full, names.iter().copied()).map(str::to_string);
                    let err_span = links.first().map_or(span, |l| span.to(l.span));
                    let d = self
                        .file
                        .diagnostic(
                            DiagnosticKind::UnknownFunction,
                            err_span,
                            format!("`{full}(…)` is not a function markup supports"),
                        )
                        .with_suggestion_or(
                            s.as_deref(),
                            format!("markup supports {}", names.join(", ")),
                        );
                    self.errors.push(d);
                    None
                }
            };
        }
        if FUNCTIONS.contains(&name) {
            let func = Builtin::from_name(name).expect("FUNCTIONS are builtins");
            return match call_args(0) {
                Some((args, call_span)) => {
                    let args = args.iter().map(|a| self.arg(a, Place::Nested)).collect();
                    Some((
                        Node {
                            kind: NodeKind::Call { func, args },
                            span: span.to(call_span),
                        },
                        1,
                    ))
                }
                None => {
                    self.ident(name, span);
                    None
                }
            };
        }
        Some((self.ident(name, span), 0))
    }

    fn method_args(
        &mut self,
        method: Method,
        args: &[Item],
        place: Place<'_>,
        span: Span,
    ) -> Vec<MethodArg> {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if i == 0 && method.takes_callback() {
                out.push(self.callback(method, a, place));
                continue;
            }
            match a {
                Item::Expr(e) => out.push(MethodArg::Expr(self.expr(e, Place::Nested))),
                Item::Spread(e, _) => out.push(MethodArg::Spread(self.expr(e, Place::Nested))),
            }
        }
        if method.takes_callback() && args.is_empty() {
            // It could never work: report it now rather than at render time.
            self.error_help(
                DiagnosticKind::InvalidCallback,
                span,
                format!("`.{}()` takes a function", method.name()),
                format!("write `.{}((item, index) => …)`", method.name()),
            );
        }
        out
    }

    fn callback(&mut self, method: Method, item: &Item, place: Place<'_>) -> MethodArg {
        let e = match item {
            Item::Expr(e) => e,
            Item::Spread(e, _) => e,
        };
        match &e.kind {
            ExprKind::Arrow { params, body } => {
                let base = self.locals.len();
                for (p, _) in params {
                    self.locals.push(p.clone());
                }
                // `items.map(x => <el/>)` produces elements where the call stands.
                let p = if method == Method::Map {
                    place
                } else {
                    Place::Nested
                };
                let body = self.expr(body, p);
                self.locals.truncate(base);
                MethodArg::Callback(Callback::Arrow {
                    base,
                    params: params.len(),
                    body: Box::new(body),
                })
            }
            ExprKind::Ident(name)
                if self.is_global(name)
                    && matches!(name.as_str(), "Boolean" | "String" | "Number") =>
            {
                let b = Builtin::from_name(name).expect("a builtin");
                MethodArg::Callback(Callback::Builtin(b))
            }
            _ => {
                self.error_help(
                    DiagnosticKind::InvalidCallback,
                    e.span,
                    format!("`.{}()` takes a function", method.name()),
                    format!(
                        "write an arrow function: `.{}((item, index) => …)`",
                        method.name()
                    ),
                );
                MethodArg::Expr(placeholder(e.span))
            }
        }
    }

    fn element(&mut self, el: &ast::Element, place: Place<'_>) -> ElementNode {
        if let Some(checker) = self.checker.as_mut() {
            checker.element(el, place);
        }
        let id = self.elements.len() as u32;
        self.elements.push(ElementSource {
            name_span: el.name_span,
            attrs: el
                .attributes
                .iter()
                .filter_map(|a| match a {
                    Attribute::Named { name, span, .. } => Some((name.as_str().into(), *span)),
                    Attribute::Spread(..) => None,
                })
                .collect(),
        });
        let tag = el.name.as_str();
        let mut attrs = Vec::with_capacity(el.attributes.len());
        for a in &el.attributes {
            match a {
                // The JSX runtime takes `key` apart from the props: it never reaches
                // the element. Its expression is still compiled, for its errors.
                Attribute::Named {
                    name,
                    value: Some(AttrValue::Expr(e)),
                    ..
                } if name == "key" => {
                    self.expr(e, Place::Nested);
                }
                Attribute::Named { name, .. } if name == "key" => {}
                Attribute::Named { name, value, .. } => {
                    let name: Box<str> = name.as_str().into();
                    attrs.push(match value {
                        None => AttrNode::Static(name, Const::Bool(true)),
                        Some(AttrValue::String(s, _)) => {
                            AttrNode::Static(name, Const::Str(s.as_str().into()))
                        }
                        Some(AttrValue::Expr(e)) => {
                            let node = self.expr(e, Place::AttrOf(tag, &name));
                            match node.kind {
                                NodeKind::Const(c) => AttrNode::Static(name, c),
                                kind => AttrNode::Dynamic(
                                    name,
                                    Node {
                                        kind,
                                        span: node.span,
                                    },
                                ),
                            }
                        }
                    });
                }
                Attribute::Spread(e, _) => {
                    attrs.push(AttrNode::Spread(self.expr(e, Place::Nested)))
                }
            }
        }
        let children = el.children.as_ref().map(|cs| {
            cs.iter()
                .map(|c| self.child(c, Place::ChildOf(tag)))
                .collect()
        });
        ElementNode {
            tag: tag.into(),
            attrs,
            children,
            id,
            span: el.name_span,
        }
    }

    fn child(&mut self, c: &Child, place: Place<'_>) -> ChildNode {
        match c {
            Child::Text(t, _) => ChildNode::Text(t.as_str().into()),
            Child::Expr(e) => ChildNode::Expr(self.expr(e, place)),
        }
    }
}

fn callback_methods() -> String {
    let names: Vec<String> = Method::ALL
        .iter()
        .filter(|m| m.takes_callback())
        .map(|m| format!(".{}()", m.name()))
        .collect();
    names.join(", ")
}

/// An array literal whose items are all constants becomes one pre-built value.
fn fold_array(args: Vec<Arg>) -> NodeKind {
    let values: Option<Vec<Value>> = args
        .iter()
        .map(|a| match a {
            Arg::Expr(Node {
                kind: NodeKind::Const(c),
                ..
            }) => c.to_json(),
            _ => None,
        })
        .collect();
    match values {
        Some(v) => NodeKind::Const(Const::Json(Value::Array(v))),
        None => NodeKind::Array(args),
    }
}

/// An object literal whose members are all constants becomes one pre-built value.
fn fold_object(props: Vec<Prop>) -> NodeKind {
    let mut map = Map::new();
    for p in &props {
        match p {
            Prop::Keyed(
                k,
                Node {
                    kind: NodeKind::Const(c),
                    ..
                },
            ) => match c.to_json() {
                Some(v) => {
                    map.insert(k.to_string(), v);
                }
                None => return NodeKind::Object(props),
            },
            _ => return NodeKind::Object(props),
        }
    }
    NodeKind::Const(Const::Json(Value::Object(map)))
}

/// `-1` and friends become constants.
fn fold_unary(ops: &[(UnaryOp, Span)], operand: Node) -> NodeKind {
    if let NodeKind::Const(Const::Num(n)) = operand.kind {
        if ops
            .iter()
            .all(|(op, _)| matches!(op, UnaryOp::Neg | UnaryOp::Plus))
        {
            let negations = ops.iter().filter(|(op, _)| *op == UnaryOp::Neg).count();
            let v = if negations % 2 == 1 { -n } else { n };
            return NodeKind::Const(Const::Num(v));
        }
    }
    NodeKind::Unary {
        ops: ops.to_vec(),
        operand: Box::new(operand),
    }
}
