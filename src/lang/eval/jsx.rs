//! JSX as `@gitbook/runtime`'s JSX runtime builds it.
//!
//! The compiler emits what esbuild's automatic transform would pass to `jsx(type,
//! props)`: the attributes in written order, then `children` when children are
//! written (the one child itself, or an array of several). The runtime then makes
//! `{type, ...props, children}`, where `children` is wrapped in an array when it is
//! not one, flattened one level, and stripped of `null`s; a fragment is that array;
//! a function tag is called with the props.

use super::{Vm, R};
use crate::lang::compile::ir::{Child, ElementNode, Member, Site};
use crate::lang::value::{Atom, ObjKind, Object, Props, Value};

impl Vm<'_> {
    /// A ContentKit element.
    pub(crate) fn element(&mut self, node: &ElementNode) -> R<Value> {
        let mut props = Props::with_capacity(node.attrs.len() + 2);
        props.push_new_name(Atom::TYPE, Value::Str(node.tag));
        self.props_into(&mut props, &node.attrs)?;
        if let Some(children) = &node.children {
            let raw = self.raw_children(children)?;
            props.set(Atom::CHILDREN, raw);
        }
        let raw = props.get(Atom::CHILDREN).unwrap_or(Value::Undefined);
        let children = self.normalize_children(raw)?;
        props.set(Atom::CHILDREN, children);
        self.alloc(
            Object {
                props,
                kind: ObjKind::Plain,
                origin: node.origin,
            },
            0,
        )
    }

    fn props_into(&mut self, props: &mut Props, attrs: &[Member]) -> R<()> {
        for m in attrs {
            match m {
                Member::Prop(crate::lang::compile::ir::Key::Static(k), e) => {
                    let v = self.eval(e)?;
                    props.set(*k, v);
                }
                Member::Prop(crate::lang::compile::ir::Key::Computed(k), e) => {
                    let kv = self.eval(k)?;
                    let k = self.to_key(kv, 0)?;
                    let v = self.eval(e)?;
                    props.set(k, v);
                }
                Member::Spread(e) => {
                    let v = self.eval(e)?;
                    self.spread_into(props, v)?;
                }
            }
        }
        Ok(())
    }

    /// The `children` prop as esbuild writes it: one child as itself, several (or a
    /// spread) as an array.
    fn raw_children(&mut self, children: &[Child]) -> R<Value> {
        if let [Child::Value(e)] = children {
            return self.eval(e);
        }
        let mut items = Vec::with_capacity(children.len());
        for c in children {
            match c {
                Child::Value(e) => items.push(self.eval(e)?),
                Child::Spread(e, site) => {
                    let v = self.eval(e)?;
                    let vs = self.iterate(v, *site)?;
                    items.extend(vs);
                }
            }
        }
        self.array(items, 0)
    }

    /// The runtime's normalization: wrap, flatten one level, drop `null`s.
    fn normalize_children(&mut self, raw: Value) -> R<Value> {
        if raw == Value::Undefined {
            return Ok(Value::Undefined);
        }
        let items: Vec<Value> = match raw {
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Array(items) => items.clone(),
                _ => vec![raw],
            },
            _ => vec![raw],
        };
        self.step(items.len() as u64, 0)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Obj(o) => match &self.heap.obj(o).kind {
                    ObjKind::Array(inner) => {
                        let n = inner.len();
                        out.extend(inner.iter().copied().filter(|v| *v != Value::Null));
                        self.step(n as u64, 0)?;
                    }
                    _ => out.push(item),
                },
                Value::Null => {}
                _ => out.push(item),
            }
        }
        self.array(out, 0)
    }

    /// `<>…</>`.
    pub(crate) fn fragment(&mut self, children: &[Child]) -> R<Value> {
        if children.is_empty() {
            return Ok(Value::Undefined);
        }
        let raw = self.raw_children(children)?;
        self.normalize_children(raw)
    }

    /// `<Component …>…</Component>`: the function called with its props.
    pub(crate) fn component_call(
        &mut self,
        callee: &crate::lang::compile::ir::Expr,
        attrs: &[Member],
        children: Option<&[Child]>,
        site: Site,
    ) -> R<Value> {
        let f = self.eval(callee)?;
        let mut props = Props::with_capacity(attrs.len() + 1);
        self.props_into(&mut props, attrs)?;
        if let Some(children) = children {
            let raw = self.raw_children(children)?;
            props.set(Atom::CHILDREN, raw);
        }
        let props = self.alloc(Object::plain(props), site)?;
        if !self.is_function(f) {
            let what = self.describe(f);
            return Err(self.type_error(
                format!("{what} is not a function: a JSX tag that starts with a capital letter names a function component"),
                site,
            ));
        }
        self.call(f, Value::Undefined, &[props], site)
    }
}
