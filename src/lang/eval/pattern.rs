//! Binding values to patterns: names, destructuring, defaults and rest.

use super::{Vm, R};
use crate::lang::compile::ir::{Key, Pattern};
use crate::lang::value::{Object, Props, Value};

impl Vm<'_> {
    /// Binds `v` to `pattern`.
    pub(crate) fn bind(&mut self, pattern: &Pattern, v: Value) -> R<()> {
        match pattern {
            Pattern::Place(p) => {
                self.store_place(*p, v);
                Ok(())
            }
            Pattern::Target(e) => self.assign_to_target(e, v),
            Pattern::Object { props, rest, site } => {
                if v.is_nullish() {
                    let what = if v == Value::Null {
                        "null"
                    } else {
                        "undefined"
                    };
                    return Err(self.type_error(
                        format!("Cannot destructure '{what}' as it is {what}."),
                        *site,
                    ));
                }
                let mut used = Vec::with_capacity(props.len());
                for (key, target, default) in props {
                    let k = match key {
                        Key::Static(a) => *a,
                        Key::Computed(e) => {
                            let kv = self.eval(e)?;
                            self.to_key(kv, *site)?
                        }
                    };
                    used.push(k);
                    let mut x = self.get(v, k, *site)?;
                    if x == Value::Undefined {
                        if let Some(d) = default {
                            x = self.eval(d)?;
                        }
                    }
                    self.bind(target, x)?;
                }
                if let Some(r) = rest {
                    let entries = self.own_entries(v, *site)?;
                    let mut props = Props::new();
                    for (k, x) in entries {
                        if !used.contains(&k) {
                            props.set(k, x);
                        }
                    }
                    let o = self.alloc(Object::plain(props), *site)?;
                    self.bind(r, o)?;
                }
                Ok(())
            }
            Pattern::Array { elems, rest, site } => {
                let items = self.iterate(v, *site)?;
                for (i, e) in elems.iter().enumerate() {
                    let Some((target, default)) = e else { continue };
                    let mut x = items.get(i).copied().unwrap_or(Value::Undefined);
                    if x == Value::Undefined {
                        if let Some(d) = default {
                            x = self.eval(d)?;
                        }
                    }
                    self.bind(target, x)?;
                }
                if let Some(r) = rest {
                    let tail = items.get(elems.len()..).unwrap_or(&[]).to_vec();
                    let a = self.array(tail, *site)?;
                    self.bind(r, a)?;
                }
                Ok(())
            }
        }
    }

    fn assign_to_target(&mut self, e: &crate::lang::compile::ir::Expr, v: Value) -> R<()> {
        use crate::lang::compile::ir::Expr;
        match e {
            Expr::Member {
                object, key, site, ..
            } => {
                let o = self.eval(object)?;
                self.set(o, *key, v, *site)
            }
            Expr::Index {
                object,
                index,
                site,
                ..
            } => {
                let o = self.eval(object)?;
                let i = self.eval(index)?;
                self.set_computed(o, i, v, *site)
            }
            Expr::Load(p) => {
                self.store_place(*p, v);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
