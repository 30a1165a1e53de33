//! Evaluating expressions.

use super::ops::truthy;
use super::{Fault, Vm, R};
use crate::lang::compile::ir::{Expr, Item, Key, Member, Place, Target};
use crate::lang::syntax::ast::{BinaryOp, ChainOp, LogicalOp, UnaryOp};
use crate::lang::value::{Atom, Object, Props, Value};

impl Vm<'_> {
    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Const(v) => Ok(*v),
            Expr::Load(place) => Ok(self.load(*place)),
            Expr::Member {
                object,
                key,
                optional,
                site,
            } => {
                let o = self.eval(object)?;
                if *optional && o.is_nullish() {
                    return Err(Fault::Short);
                }
                self.get(o, *key, *site)
            }
            Expr::Index {
                object,
                index,
                optional,
                site,
            } => {
                let o = self.eval(object)?;
                if *optional && o.is_nullish() {
                    return Err(Fault::Short);
                }
                let k = self.eval(index)?;
                self.get_computed(o, k, *site)
            }
            Expr::Call {
                callee,
                args,
                optional,
                site,
            } => {
                let f = self.eval(callee)?;
                if *optional && f.is_nullish() {
                    return Err(Fault::Short);
                }
                let args = self.eval_args(args)?;
                self.site = *site;
                self.call(f, Value::Undefined, &args, *site)
            }
            Expr::CallMethod {
                object,
                key,
                args,
                optional_object,
                optional_call,
                site,
            } => {
                let o = self.eval(object)?;
                if *optional_object && o.is_nullish() {
                    return Err(Fault::Short);
                }
                if *optional_call {
                    let f = self.get(o, *key, *site)?;
                    if f.is_nullish() {
                        return Err(Fault::Short);
                    }
                    let args = self.eval_args(args)?;
                    return self.call(f, o, &args, *site);
                }
                let args = self.eval_args(args)?;
                self.site = *site;
                self.call_method(o, *key, &args, *site)
            }
            Expr::CallNative { native, args, site } => {
                let args = self.eval_args(args)?;
                self.site = *site;
                crate::lang::builtins::call_native(self, *native, Value::Undefined, &args, *site)
            }
            Expr::New { callee, args, site } => {
                let c = self.eval(callee)?;
                let args = self.eval_args(args)?;
                self.construct(c, &args, c, *site)
            }
            Expr::NewNative { native, args, site } => {
                let args = self.eval_args(args)?;
                crate::lang::builtins::construct_native(self, *native, &args, *site)
            }
            Expr::Unary(op, x, site) => {
                if *op == UnaryOp::TypeOf {
                    let v = match self.eval(x) {
                        Ok(v) => v,
                        Err(Fault::Short) => Value::Undefined,
                        Err(f) => return Err(f),
                    };
                    let t = self.type_of(v);
                    return Ok(super::ops::known(self, t));
                }
                let v = self.eval(x)?;
                Ok(match op {
                    UnaryOp::Not => Value::Bool(!truthy(self, v)),
                    UnaryOp::Neg => Value::Num(-self.to_number(v, *site)?),
                    UnaryOp::Plus => Value::Num(self.to_number(v, *site)?),
                    UnaryOp::BitNot => Value::Num(f64::from(!self.to_i32(v, *site)?)),
                    UnaryOp::Void => Value::Undefined,
                    UnaryOp::TypeOf | UnaryOp::Delete => Value::Undefined,
                })
            }
            Expr::Delete(target) => match &**target {
                Target::Place(_) => Ok(Value::Bool(false)),
                Target::Member(o, k, site) => {
                    let o = self.eval(o)?;
                    Ok(Value::Bool(self.delete(o, *k, *site)?))
                }
                Target::Index(o, i, site) => {
                    let o = self.eval(o)?;
                    let i = self.eval(i)?;
                    let k = self.to_key(i, *site)?;
                    Ok(Value::Bool(self.delete(o, k, *site)?))
                }
                Target::Private(_, _, site) => Err(self.throw(
                    super::error_class::SYNTAX_ERROR,
                    "Private fields can not be deleted",
                    *site,
                )),
            },
            Expr::Binary(op, a, b, site) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                if let (Value::Num(x), Value::Num(y)) = (a, b) {
                    // The common arithmetic and comparisons without conversions.
                    match op {
                        BinaryOp::Add => return Ok(Value::Num(x + y)),
                        BinaryOp::Sub => return Ok(Value::Num(x - y)),
                        BinaryOp::Lt => return Ok(Value::Bool(x < y)),
                        BinaryOp::StrictEq => return Ok(Value::Bool(x == y)),
                        _ => {}
                    }
                }
                self.binary(*op, a, b, *site)
            }
            Expr::Logical(op, a, b) => {
                let a = self.eval(a)?;
                let take_left = match op {
                    LogicalOp::And => !truthy(self, a),
                    LogicalOp::Or => truthy(self, a),
                    LogicalOp::Nullish => !a.is_nullish(),
                };
                if take_left {
                    Ok(a)
                } else {
                    self.eval(b)
                }
            }
            Expr::Chain(first, links) => {
                let mut acc = self.eval(first)?;
                for (op, right, site) in links {
                    acc = match op {
                        ChainOp::Binary(b) => {
                            let r = self.eval(right)?;
                            if let (BinaryOp::Add, Value::Num(x), Value::Num(y)) = (b, acc, r) {
                                Value::Num(x + y)
                            } else {
                                self.binary(*b, acc, r, *site)?
                            }
                        }
                        ChainOp::Logical(l) => {
                            let keep = match l {
                                LogicalOp::And => !truthy(self, acc),
                                LogicalOp::Or => truthy(self, acc),
                                LogicalOp::Nullish => !acc.is_nullish(),
                            };
                            if keep {
                                acc
                            } else {
                                self.eval(right)?
                            }
                        }
                    };
                }
                Ok(acc)
            }
            Expr::Cond(t, a, b) => {
                let t = self.eval(t)?;
                if truthy(self, t) {
                    self.eval(a)
                } else {
                    self.eval(b)
                }
            }
            Expr::Assign(target, value) => self.assign(target, value),
            Expr::AssignPattern(pattern, value) => {
                let v = self.eval(value)?;
                self.bind(pattern, v)?;
                Ok(v)
            }
            Expr::AssignOp(op, target, value, site) => {
                let (current, obj, key) = self.read_target(target)?;
                let rhs = self.eval(value)?;
                let v = self.binary(*op, current, rhs, *site)?;
                self.write_target(target, obj, key, v)?;
                Ok(v)
            }
            Expr::AssignLogical(op, target, value) => {
                let (current, obj, key) = self.read_target(target)?;
                let keep = match op {
                    LogicalOp::And => !truthy(self, current),
                    LogicalOp::Or => truthy(self, current),
                    LogicalOp::Nullish => !current.is_nullish(),
                };
                if keep {
                    return Ok(current);
                }
                let v = self.eval(value)?;
                self.write_target(target, obj, key, v)?;
                Ok(v)
            }
            Expr::Update {
                target,
                increment,
                prefix,
                site,
            } => {
                let (current, obj, key) = self.read_target(target)?;
                let old = self.to_number(current, *site)?;
                let new = if *increment { old + 1.0 } else { old - 1.0 };
                self.write_target(target, obj, key, Value::Num(new))?;
                Ok(Value::Num(if *prefix { new } else { old }))
            }
            Expr::Object(members) => self.object_literal(members),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Item::Value(e) => out.push(self.eval(e)?),
                        Item::Spread(e, site) => {
                            let v = self.eval(e)?;
                            let vs = self.iterate(v, *site)?;
                            self.step(vs.len() as u64, *site)?;
                            out.extend(vs);
                        }
                    }
                }
                self.array(out, 0)
            }
            Expr::Template(quasis, exprs) => {
                let mut out = Vec::new();
                out.extend_from_slice(self.heap.str_bytes(quasis[0]));
                for (i, x) in exprs.iter().enumerate() {
                    let v = self.eval(x)?;
                    self.push_string(&mut out, v, 0, 0)?;
                    out.extend_from_slice(self.heap.str_bytes(quasis[i + 1]));
                }
                self.string(&out, 0)
            }
            Expr::Closure(code) => self.closure(*code, 0),
            Expr::Element(node) => self.element(node),
            Expr::Fragment(children) => self.fragment(children),
            Expr::ComponentCall {
                callee,
                props,
                children,
                site,
            } => self.component_call(callee, props, children.as_deref(), *site),
            Expr::Await(x, site) => {
                let v = self.eval(x)?;
                self.await_value(v, *site)
            }
            Expr::Sequence(xs) => {
                let mut last = Value::Undefined;
                for x in xs {
                    last = self.eval(x)?;
                }
                Ok(last)
            }
            Expr::Regex(i) => crate::lang::builtins::regexp::literal(self, *i),
            Expr::OptionalChain(x) => match self.eval(x) {
                Err(Fault::Short) => Ok(Value::Undefined),
                other => other,
            },
            Expr::Class(c) => self.make_class(c),
            Expr::SuperCall {
                class,
                this,
                args,
                site,
            } => self.super_call(*class, *this, args, *site),
            Expr::SuperGet {
                class,
                this,
                key,
                is_static,
                site,
            } => self.super_get(*class, *this, *key, *is_static, *site),
            Expr::CallWith {
                callee,
                this,
                args,
                site,
            } => {
                let this = self.eval(this)?;
                let f = self.eval(callee)?;
                let args = self.eval_args(args)?;
                self.call(f, this, &args, *site)
            }
            Expr::DefineField {
                this,
                key,
                private,
                value,
                site,
            } => self.define_field(*this, key, *private, value, *site),
            Expr::GetPrivate(o, key, site) => {
                let o = self.eval(o)?;
                self.get_private(o, *key, *site)
            }
            Expr::TemplateStrings(cooked, raw) => {
                let cooked: Vec<Value> = cooked
                    .iter()
                    .map(|s| s.map_or(Value::Undefined, Value::Str))
                    .collect();
                let raw: Vec<Value> = raw.iter().map(|s| Value::Str(*s)).collect();
                let raw = self.array(raw, 0)?;
                let strings = self.array(cooked, 0)?;
                let key = self.intern("raw", 0)?;
                if let Value::Obj(o) = strings {
                    self.heap.obj_mut(o).props.set(key, raw);
                }
                Ok(strings)
            }
            Expr::ObjectWithAccessors(parts) => self.object_with_accessors(parts),
        }
    }

    fn assign(&mut self, target: &Target, value: &Expr) -> R<Value> {
        match target {
            Target::Place(p) => {
                let v = self.eval(value)?;
                self.store(*p, v);
                Ok(v)
            }
            Target::Member(o, k, site) => {
                let o = self.eval(o)?;
                let v = self.eval(value)?;
                self.set(o, *k, v, *site)?;
                Ok(v)
            }
            Target::Index(o, i, site) => {
                let o = self.eval(o)?;
                let i = self.eval(i)?;
                let v = self.eval(value)?;
                self.set_computed(o, i, v, *site)?;
                Ok(v)
            }
            Target::Private(o, k, site) => {
                let o = self.eval(o)?;
                let v = self.eval(value)?;
                self.set_private(o, *k, v, *site)?;
                Ok(v)
            }
        }
    }

    /// Reads a target once, keeping the object and key evaluated for the write.
    fn read_target(&mut self, target: &Target) -> R<(Value, Value, Option<Atom>)> {
        match target {
            Target::Place(p) => Ok((self.load(*p), Value::Undefined, None)),
            Target::Member(o, k, site) => {
                let o = self.eval(o)?;
                let v = self.get(o, *k, *site)?;
                Ok((v, o, Some(*k)))
            }
            Target::Index(o, i, site) => {
                let o = self.eval(o)?;
                let i = self.eval(i)?;
                let k = self.to_key(i, *site)?;
                let v = self.get(o, k, *site)?;
                Ok((v, o, Some(k)))
            }
            Target::Private(o, k, site) => {
                let o = self.eval(o)?;
                let v = self.get_private(o, *k, *site)?;
                Ok((v, o, Some(*k)))
            }
        }
    }

    fn write_target(&mut self, target: &Target, obj: Value, key: Option<Atom>, v: Value) -> R<()> {
        match (target, key) {
            (Target::Place(p), _) => {
                self.store(*p, v);
                Ok(())
            }
            (Target::Member(_, _, site) | Target::Index(_, _, site), Some(k)) => {
                self.set(obj, k, v, *site)
            }
            (Target::Private(_, _, site), Some(k)) => self.set_private(obj, k, v, *site),
            _ => Ok(()),
        }
    }

    /// Stores into a place (for patterns).
    pub(crate) fn store_place(&mut self, p: Place, v: Value) {
        self.store(p, v);
    }

    fn object_literal(&mut self, members: &[Member]) -> R<Value> {
        let mut props = Props::with_capacity(members.len());
        for m in members {
            match m {
                Member::Prop(key, value) => {
                    let k = match key {
                        Key::Static(a) => *a,
                        Key::Computed(e) => {
                            let kv = self.eval(e)?;
                            self.to_key(kv, 0)?
                        }
                    };
                    let v = self.eval(value)?;
                    props.set(k, v);
                }
                Member::Spread(e) => {
                    let v = self.eval(e)?;
                    self.spread_into(&mut props, v)?;
                }
            }
        }
        self.alloc(Object::plain(props), 0)
    }

    /// `{...v}`: copies `v`'s own enumerable properties into `props`.
    pub(crate) fn spread_into(&mut self, props: &mut Props, v: Value) -> R<()> {
        if v.is_nullish() {
            return Ok(());
        }
        let entries = self.own_entries(v, 0)?;
        self.step(entries.len() as u64, 0)?;
        for (k, val) in entries {
            props.set(k, val);
        }
        Ok(())
    }
}
