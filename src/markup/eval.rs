//! The evaluator: runs a compiled template over a scope.
//!
//! Every node evaluated and every callback invoked costs one step; strings, arrays and
//! objects built cost bytes. Both budgets are bounded, so any template stops.
//! Recursion follows the compiled tree, whose depth the parser's nesting guard bounds.

use std::rc::Rc;

use super::ast::{BinaryOp, Span, UnaryOp};
use super::builtins;
use super::ir::*;
use super::value::*;

/// Why evaluation stopped, and where.
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    pub fault: Fault,
    pub span: Span,
}

pub(crate) type R<T> = Result<T, Stop>;

/// Attaches a span to a fault.
pub(crate) trait At<T> {
    fn at(self, span: Span) -> R<T>;
}

impl<T> At<T> for Result<T, Fault> {
    fn at(self, span: Span) -> R<T> {
        self.map_err(|fault| Stop { fault, span })
    }
}

pub(crate) fn type_error<T>(span: Span, message: impl Into<String>) -> R<T> {
    Err(Stop {
        fault: Fault::Type(message.into()),
        span,
    })
}

pub(crate) struct Evaluator<'a> {
    /// `props`, `state`, `context`, `action`.
    pub roots: [Val<'a>; 4],
    /// Arrow parameters, by slot.
    pub locals: Vec<Val<'a>>,
    pub budget: Budget,
    /// The template source, to quote expressions in messages.
    pub source: &'a str,
}

impl<'a> Evaluator<'a> {
    /// Evaluates one node. The arms call out to separate functions so that this
    /// function, which every level of nesting goes through, keeps a small stack frame.
    pub fn eval(&mut self, node: &'a Node) -> R<Val<'a>> {
        self.budget.step().at(node.span)?;
        match &node.kind {
            NodeKind::Const(c) => Ok(c.as_val()),
            NodeKind::Root(r) => Ok(self.roots[*r as usize].clone()),
            NodeKind::ElementRoot => Ok(self.element_root()),
            NodeKind::Local(slot) => Ok(self.locals.get(*slot).cloned().unwrap_or(Val::Undefined)),
            NodeKind::Template { quasis, exprs } => self.template(quasis, exprs, node.span),
            NodeKind::Array(args) => self.array(args, node.span),
            NodeKind::Object(props) => self.object(props, node.span),
            NodeKind::Unary { ops, operand } => self.unary(ops, operand),
            NodeKind::Binary { first, rest } => self.binary_chain(first, rest),
            NodeKind::Cond {
                test,
                then,
                otherwise,
            } => {
                if self.eval(test)?.truthy() {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            NodeKind::Chain { base, links } => self.chain(base, links),
            NodeKind::Call { func, args } => self.call(*func, args, node.span),
            NodeKind::Element(el) => self.element(el),
            NodeKind::Fragment(children) => self.fragment(children),
        }
    }

    #[inline(never)]
    fn element_root(&self) -> Val<'a> {
        let entries = vec![
            (
                JsStr::Borrowed("props"),
                self.roots[Root::Props as usize].clone(),
            ),
            (
                JsStr::Borrowed("state"),
                self.roots[Root::State as usize].clone(),
            ),
            (
                JsStr::Borrowed("context"),
                self.roots[Root::Context as usize].clone(),
            ),
        ];
        Val::Obj(Rc::new(Obj::from_entries(entries)))
    }

    #[inline(never)]
    fn template(&mut self, quasis: &'a [Box<str>], exprs: &'a [Node], span: Span) -> R<Val<'a>> {
        let mut s = String::new();
        for (i, q) in quasis.iter().enumerate() {
            s.push_str(q);
            if let Some(e) = exprs.get(i) {
                let v = self.eval(e)?;
                let part = v.to_js_str(&mut self.budget).at(e.span)?;
                s.push_str(&part);
            }
        }
        self.budget.bytes(s.len()).at(span)?;
        Ok(Val::string(s))
    }

    #[inline(never)]
    fn array(&mut self, args: &'a [Arg], span: Span) -> R<Val<'a>> {
        let out = self.args(args)?;
        self.budget.bytes(out.len() * SLOT_BYTES).at(span)?;
        Ok(Val::Arr(Rc::new(out)))
    }

    #[inline(never)]
    fn object(&mut self, props: &'a [Prop], span: Span) -> R<Val<'a>> {
        let mut obj = Obj::new(None);
        for p in props {
            match p {
                Prop::Keyed(k, v) => {
                    let v = self.eval(v)?;
                    obj.set(JsStr::Borrowed(k), v);
                }
                Prop::Computed(k, v) => {
                    let key = self.eval(k)?;
                    let key: String = key.to_key(&mut self.budget).at(k.span)?.into_owned();
                    let v = self.eval(v)?;
                    obj.set(JsStr::from(key), v);
                }
                Prop::Spread(e) => {
                    let v = self.eval(e)?;
                    for (k, v) in v.own_entries(&mut self.budget).at(e.span)? {
                        obj.set(k, v);
                    }
                }
            }
        }
        self.budget.bytes(obj.len() * SLOT_BYTES).at(span)?;
        Ok(Val::Obj(Rc::new(obj)))
    }

    #[inline(never)]
    fn unary(&mut self, ops: &'a [(UnaryOp, Span)], operand: &'a Node) -> R<Val<'a>> {
        let mut v = self.eval(operand)?;
        for (op, span) in ops.iter().rev() {
            v = match op {
                UnaryOp::Not => Val::Bool(!v.truthy()),
                UnaryOp::Neg => Val::Num(-v.to_number(&mut self.budget).at(*span)?),
                UnaryOp::Plus => Val::Num(v.to_number(&mut self.budget).at(*span)?),
                UnaryOp::Typeof => Val::Str(JsStr::Borrowed(v.type_of())),
            };
        }
        Ok(v)
    }

    #[inline(never)]
    fn binary_chain(&mut self, first: &'a Node, rest: &'a [(BinaryOp, Span, Node)]) -> R<Val<'a>> {
        let mut acc = self.eval(first)?;
        for (op, span, rhs) in rest {
            acc = match op {
                BinaryOp::And => {
                    if acc.truthy() {
                        self.eval(rhs)?
                    } else {
                        acc
                    }
                }
                BinaryOp::Or => {
                    if acc.truthy() {
                        acc
                    } else {
                        self.eval(rhs)?
                    }
                }
                BinaryOp::Coalesce => {
                    if acc.is_nullish() {
                        self.eval(rhs)?
                    } else {
                        acc
                    }
                }
                _ => {
                    let r = self.eval(rhs)?;
                    self.binary(*op, &acc, &r).at(*span)?
                }
            };
        }
        Ok(acc)
    }

    #[inline(never)]
    fn call(&mut self, func: Builtin, args: &'a [Arg], span: Span) -> R<Val<'a>> {
        let args = self.args(args)?;
        builtins::call_global(self, func, args, span)
    }

    #[inline(never)]
    fn fragment(&mut self, children: &'a [ChildNode]) -> R<Val<'a>> {
        let out = self.children(children)?;
        Ok(Val::Arr(Rc::new(out)))
    }

    fn binary(&mut self, op: BinaryOp, a: &Val<'a>, b: &Val<'a>) -> Result<Val<'a>, Fault> {
        use std::cmp::Ordering::*;
        let budget = &mut self.budget;
        Ok(match op {
            BinaryOp::StrictEq => Val::Bool(strict_equals(a, b)),
            BinaryOp::StrictNe => Val::Bool(!strict_equals(a, b)),
            BinaryOp::LooseEq => Val::Bool(loose_equals(a, b, budget)?),
            BinaryOp::LooseNe => Val::Bool(!loose_equals(a, b, budget)?),
            BinaryOp::Lt => Val::Bool(compare(a, b, budget)? == Some(Less)),
            BinaryOp::Le => Val::Bool(matches!(compare(a, b, budget)?, Some(Less | Equal))),
            BinaryOp::Gt => Val::Bool(compare(a, b, budget)? == Some(Greater)),
            BinaryOp::Ge => Val::Bool(matches!(compare(a, b, budget)?, Some(Greater | Equal))),
            BinaryOp::Add => add(a, b, budget)?,
            BinaryOp::Sub => Val::Num(a.to_number(budget)? - b.to_number(budget)?),
            BinaryOp::Mul => Val::Num(a.to_number(budget)? * b.to_number(budget)?),
            BinaryOp::Div => Val::Num(a.to_number(budget)? / b.to_number(budget)?),
            // Rust's `%` on floats truncates like JavaScript's.
            BinaryOp::Rem => Val::Num(a.to_number(budget)? % b.to_number(budget)?),
            BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => {
                unreachable!("short-circuit operators")
            }
        })
    }

    /// Evaluates call arguments, expanding spreads.
    pub fn args(&mut self, args: &'a [Arg]) -> R<Vec<Val<'a>>> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            match a {
                Arg::Expr(e) => {
                    let v = self.eval(e)?;
                    out.push(v);
                }
                Arg::Spread(e) => {
                    let v = self.eval(e)?;
                    self.spread_into(&v, &mut out, e.span)?;
                }
            }
        }
        Ok(out)
    }

    /// `...value` in an array or a call: arrays and strings are iterable.
    pub fn spread_into(&mut self, v: &Val<'a>, out: &mut Vec<Val<'a>>, span: Span) -> R<()> {
        if let Some(items) = v.array_items() {
            self.budget.steps(items.len() as u64).at(span)?;
            self.budget.bytes(items.len() * SLOT_BYTES).at(span)?;
            out.extend(items.iter());
            return Ok(());
        }
        if let Val::Str(s) = v {
            self.budget.steps(s.len() as u64).at(span)?;
            self.budget.bytes(s.len() * SLOT_BYTES).at(span)?;
            out.extend(s.chars().map(|c| Val::string(c.to_string())));
            return Ok(());
        }
        type_error(span, format!("{} is not iterable", v.describe()))
    }

    #[inline(never)]
    fn chain(&mut self, base: &'a Node, links: &'a [Link]) -> R<Val<'a>> {
        let mut cur = self.eval(base)?;
        let chain_start = base.span.start;
        for link in links {
            if link.optional && cur.is_nullish() {
                // `a?.b.c` is undefined as a whole when `a` is nullish.
                return Ok(Val::Undefined);
            }
            match &link.kind {
                LinkKind::Member(name) => {
                    if cur.is_nullish() {
                        return type_error(link.span, read_error(&cur, name));
                    }
                    cur = cur.get(name);
                }
                LinkKind::Index(e) => {
                    let k = self.eval(e)?;
                    let key = k.to_key(&mut self.budget).at(e.span)?.into_owned();
                    if cur.is_nullish() {
                        return type_error(link.span, read_error(&cur, &key));
                    }
                    cur = cur.get(&key);
                }
                LinkKind::Method {
                    method,
                    args,
                    optional_call,
                } => {
                    if cur.is_nullish() {
                        return type_error(link.span, read_error(&cur, method.name()));
                    }
                    let receiver_src = Span::new(chain_start, link.span.start);
                    cur = builtins::call_method(
                        self,
                        cur,
                        *method,
                        args,
                        *optional_call,
                        link.span,
                        receiver_src,
                    )?;
                }
            }
        }
        Ok(cur)
    }

    /// Calls a callback with `(item, index, array)`.
    pub fn invoke(&mut self, cb: &'a Callback, args: [Val<'a>; 3], span: Span) -> R<Val<'a>> {
        self.budget.step().at(span)?;
        match cb {
            Callback::Arrow { base, params, body } => {
                // The callback's slots start where the enclosing parameters end.
                self.locals.resize(*base, Val::Undefined);
                self.locals.extend(args.into_iter().take(*params));
                self.locals.resize(base + params, Val::Undefined);
                let r = self.eval(body);
                self.locals.truncate(*base);
                r
            }
            Callback::Builtin(b) => {
                let [a, ..] = args;
                builtins::call_global(self, *b, vec![a], span)
            }
        }
    }

    #[inline(never)]
    pub fn element(&mut self, el: &'a ElementNode) -> R<Val<'a>> {
        let mut obj = Obj::new(Some(el.id));
        obj.set(JsStr::Borrowed("type"), Val::Str(JsStr::Borrowed(&el.tag)));
        for attr in &el.attrs {
            match attr {
                AttrNode::Static(name, c) => obj.set(JsStr::Borrowed(name), c.as_val()),
                AttrNode::Dynamic(name, node) => {
                    let v = self.eval(node)?;
                    obj.set(JsStr::Borrowed(name), v);
                }
                AttrNode::Spread(node) => {
                    let v = self.eval(node)?;
                    for (k, v) in v.own_entries(&mut self.budget).at(node.span)? {
                        obj.set(k, v);
                    }
                }
            }
        }
        // JSX children win over a `children` attribute; either way `children` is last
        // and flattened, without null, undefined and false.
        let written = obj.remove("children");
        let children = match &el.children {
            Some(list) if !list.is_empty() => Some(self.children(list)?),
            _ => match written {
                None | Some(Val::Undefined) => None,
                Some(v) => {
                    let mut out = Vec::new();
                    self.flatten_into(v, &mut out).at(el.span)?;
                    Some(out)
                }
            },
        };
        if let Some(children) = children {
            obj.set(JsStr::Borrowed("children"), Val::Arr(Rc::new(children)));
        }
        self.budget.bytes(obj.len() * SLOT_BYTES).at(el.span)?;
        Ok(Val::Obj(Rc::new(obj)))
    }

    #[inline(never)]
    fn children(&mut self, list: &'a [ChildNode]) -> R<Vec<Val<'a>>> {
        let mut out = Vec::with_capacity(list.len());
        for c in list {
            match c {
                ChildNode::Text(t) => out.push(Val::Str(JsStr::Borrowed(t))),
                ChildNode::Expr(e) => {
                    let v = self.eval(e)?;
                    self.flatten_into(v, &mut out).at(e.span)?;
                }
            }
        }
        Ok(out)
    }

    /// Appends a child value: arrays are flattened (to any depth), and `null`,
    /// `undefined` and `false` are dropped. Numbers and `true` stay as they are, as in
    /// the reference runtime.
    fn flatten_into(&mut self, v: Val<'a>, out: &mut Vec<Val<'a>>) -> Result<(), Fault> {
        let keep = |v: &Val<'_>| !matches!(v, Val::Undefined | Val::Null | Val::Bool(false));
        if !v.is_array() {
            if keep(&v) {
                self.budget.bytes(SLOT_BYTES)?;
                out.push(v);
            }
            return Ok(());
        }
        // An explicit stack: nested arrays may come from the scope, at any depth.
        let mut stack: Vec<(Val<'a>, usize)> = vec![(v, 0)];
        while let Some((arr, i)) = stack.last_mut() {
            let Some(item) = arr.array_get(*i) else {
                stack.pop();
                continue;
            };
            *i += 1;
            self.budget.step()?;
            if item.is_array() {
                if stack.len() > MAX_VALUE_DEPTH {
                    return Err(Fault::Depth);
                }
                stack.push((item, 0));
            } else if keep(&item) {
                self.budget.bytes(SLOT_BYTES)?;
                out.push(item);
            }
        }
        Ok(())
    }
}

/// JavaScript's message for reading a property of `undefined` or `null`.
fn read_error(v: &Val<'_>, key: &str) -> String {
    let what = if matches!(v, Val::Null) {
        "null"
    } else {
        "undefined"
    };
    format!("Cannot read properties of {what} (reading '{key}')")
}
