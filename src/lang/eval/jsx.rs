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
        // With slots, the compiler found the attributes named plainly, each once,
        // none of them `type` or `children`: each is a new key.
        let slotted = node
            .origin
            .checked_sub(1)
            .and_then(|i| self.p.origins.get(i as usize))
            .is_some_and(|o| o.slots.is_some());
        if slotted {
            for m in &node.attrs {
                if let Member::Prop(crate::lang::compile::ir::Key::Static(k), e) = m {
                    let v = self.eval(e)?;
                    props.push_new_name(*k, v);
                }
            }
        } else {
            self.props_into(&mut props, &node.attrs)?;
        }
        let children = match &node.children {
            // Written children: gathered straight into their normalized array.
            Some(children) => self.written_children(children)?,
            // A `children` attribute, or none.
            None => {
                let raw = props.get(Atom::CHILDREN).unwrap_or(Value::Undefined);
                self.normalize_children(raw)?
            }
        };
        if slotted {
            props.push_new_name(Atom::CHILDREN, children);
            props.mark_as_made();
        } else {
            props.set(Atom::CHILDREN, children);
        }
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

    /// What `normalize_children(raw_children(children))` makes, without the
    /// intermediate arrays: the values wrapped, flattened one level, without `null`s.
    fn written_children(&mut self, children: &[Child]) -> R<Value> {
        if let [Child::Value(e)] = children {
            let raw = self.eval(e)?;
            return self.normalize_children(raw);
        }
        let mut out = Vec::with_capacity(children.len());
        let mut written = 0;
        for c in children {
            match c {
                Child::Value(e) => {
                    let v = self.eval(e)?;
                    written += 1;
                    self.push_child(&mut out, v)?;
                }
                Child::Spread(e, site) => {
                    let v = self.eval(e)?;
                    let vs = self.iterate(v, *site)?;
                    written += vs.len();
                    for v in vs {
                        self.push_child(&mut out, v)?;
                    }
                }
            }
        }
        // The steps normalizing the raw array would have counted.
        self.step(written as u64, 0)?;
        self.array(out, 0)
    }

    /// One child into a normalized list: an array's items (one level, without
    /// `null`s), else the child itself unless it is `null`.
    fn push_child(&mut self, out: &mut Vec<Value>, v: Value) -> R<()> {
        match v {
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Array(inner) => {
                    let n = inner.len();
                    out.extend(inner.iter().copied().filter(|v| *v != Value::Null));
                    self.step(n as u64, 0)?;
                }
                _ => out.push(v),
            },
            Value::Null => {}
            _ => out.push(v),
        }
        Ok(())
    }

    /// The runtime's normalization: wrap, flatten one level, drop `null`s.
    fn normalize_children(&mut self, raw: Value) -> R<Value> {
        if raw == Value::Undefined {
            return Ok(Value::Undefined);
        }
        let mut out = Vec::new();
        let len = match raw {
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Array(items) => items.len(),
                _ => 1,
            },
            _ => 1,
        };
        self.step(len as u64, 0)?;
        match raw {
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Array(items) => {
                    let heap = &self.heap;
                    let nested = |v: &Value| match v {
                        Value::Obj(o) => matches!(heap.obj(*o).kind, ObjKind::Array(_)),
                        _ => false,
                    };
                    if items.iter().any(nested) {
                        let items = items.clone();
                        for item in items {
                            self.push_child(&mut out, item)?;
                        }
                    } else {
                        // The common case (a `.map(…)` of elements): one copy.
                        out.reserve_exact(items.len());
                        out.extend(items.iter().copied().filter(|v| *v != Value::Null));
                    }
                }
                _ => out.push(raw),
            },
            _ => self.push_child(&mut out, raw)?,
        }
        self.array(out, 0)
    }

    /// `<>…</>`.
    pub(crate) fn fragment(&mut self, children: &[Child]) -> R<Value> {
        if children.is_empty() {
            return Ok(Value::Undefined);
        }
        self.written_children(children)
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
