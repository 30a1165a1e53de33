//! JavaScript's abstract operations: truthiness, `typeof`, `ToNumber`, `ToString`,
//! `ToPropertyKey`, equality, comparison, and the arithmetic operators.

use std::cmp::Ordering;

use super::{error_class, Fault, Vm, R};
use crate::lang::compile::ir::Site;
use crate::lang::number::{js_string_to_number, push_js_number};
use crate::lang::syntax::ast::BinaryOp;
use crate::lang::value::string::{code_points, utf16_units};
use crate::lang::value::{Atom, Func, HostKind, ObjKind, StrId, Value};

/// `ToBoolean`.
pub(crate) fn truthy(vm: &Vm<'_>, v: Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => b,
        Value::Num(n) => n != 0.0 && !n.is_nan(),
        Value::Str(s) => !vm.heap.str_bytes(s).is_empty(),
        Value::Obj(_) => true,
    }
}

/// A well-known string by its atom.
pub(crate) fn known(vm: &Vm<'_>, a: Atom) -> Value {
    vm.heap.atom_name(a).map_or(Value::Undefined, Value::Str)
}

// `to_number`, `to_string`, … are JavaScript's abstract operations (ToNumber,
// ToString, …), named after them; they take the VM mutably because they can run code.
#[allow(clippy::wrong_self_convention)]
impl Vm<'_> {
    /// `typeof v`.
    pub(crate) fn type_of(&self, v: Value) -> Atom {
        match v {
            Value::Undefined => Atom::S_UNDEFINED,
            Value::Null => Atom::S_OBJECT,
            Value::Bool(_) => Atom::S_BOOLEAN,
            Value::Num(_) => Atom::S_NUMBER,
            Value::Str(_) => Atom::S_STRING,
            Value::Obj(o) => match self.heap.obj(o).kind {
                ObjKind::Function(_) => Atom::S_FUNCTION,
                _ => Atom::S_OBJECT,
            },
        }
    }

    /// Whether a value is callable.
    pub(crate) fn is_function(&self, v: Value) -> bool {
        matches!(v, Value::Obj(o) if matches!(self.heap.obj(o).kind, ObjKind::Function(_)))
    }

    /// Whether a value is an array.
    pub(crate) fn is_array(&self, v: Value) -> bool {
        matches!(v, Value::Obj(o) if matches!(self.heap.obj(o).kind, ObjKind::Array(_)))
    }

    /// `ToNumber`.
    pub(crate) fn to_number(&mut self, v: Value, site: Site) -> R<f64> {
        Ok(match v {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::Num(n) => n,
            Value::Str(s) => js_string_to_number(&self.heap.str_lossy(s)),
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Date(t) => *t,
                ObjKind::Function(_) => f64::NAN,
                ObjKind::Array(_) => {
                    let s = self.to_string(v, site)?;
                    js_string_to_number(&self.heap.str_lossy(s))
                }
                _ => f64::NAN,
            },
        })
    }

    /// `ToString`.
    pub(crate) fn to_string(&mut self, v: Value, site: Site) -> R<StrId> {
        let atom = match v {
            Value::Str(s) => return Ok(s),
            Value::Undefined => Atom::S_UNDEFINED,
            Value::Null => Atom::S_NULL,
            Value::Bool(true) => Atom::S_TRUE,
            Value::Bool(false) => Atom::S_FALSE,
            Value::Num(n) => {
                let mut s = String::new();
                push_js_number(&mut s, n);
                let r = self.heap.alloc_str(s.as_bytes());
                return self.mem(r, site);
            }
            Value::Obj(_) => {
                let mut out = Vec::new();
                self.push_string(&mut out, v, site, 0)?;
                let r = self.heap.alloc_str(&out);
                return self.mem(r, site);
            }
        };
        Ok(self.heap.atom_name(atom).unwrap_or(StrId(0)))
    }

    /// Appends `ToString(v)` to `out`.
    pub(crate) fn push_string(
        &mut self,
        out: &mut Vec<u8>,
        v: Value,
        site: Site,
        depth: usize,
    ) -> R<()> {
        if depth > self.limits.max_value_depth {
            return Err(Fault::Limit(super::Limit::ValueDepth, site));
        }
        match v {
            Value::Str(s) => out.extend_from_slice(self.heap.str_bytes(s)),
            Value::Undefined => out.extend_from_slice(b"undefined"),
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Num(n) => {
                let mut s = String::new();
                push_js_number(&mut s, n);
                out.extend_from_slice(s.as_bytes());
            }
            Value::Obj(o) => {
                let kind = self.heap.obj(o).kind.clone();
                match kind {
                    ObjKind::Array(items) => {
                        if self.joining.contains(&o) {
                            return Ok(());
                        }
                        self.step(items.len() as u64, site)?;
                        self.joining.push(o);
                        let r = (|| {
                            for (i, item) in items.iter().enumerate() {
                                if i > 0 {
                                    out.push(b',');
                                }
                                if !item.is_nullish() {
                                    self.push_string(out, *item, site, depth + 1)?;
                                }
                            }
                            Ok(())
                        })();
                        self.joining.pop();
                        r?;
                    }
                    ObjKind::Error { class, message, .. } => {
                        let name = self.error_name(v, class);
                        out.extend_from_slice(name.as_bytes());
                        if let Value::Str(m) = message {
                            if !self.heap.str_bytes(m).is_empty() {
                                out.extend_from_slice(b": ");
                                out.extend_from_slice(self.heap.str_bytes(m));
                            }
                        }
                    }
                    ObjKind::Function(f) => {
                        let name = match f {
                            Func::Native { id, .. } => {
                                crate::lang::builtins::table::Native::from_id(id)
                                    .map_or("", |n| n.name())
                                    .rsplit('.')
                                    .next()
                                    .unwrap_or("")
                                    .to_owned()
                            }
                            Func::Closure { code, .. } => self.p.functions[code as usize]
                                .name
                                .map(|s| self.heap.str_lossy(s).into_owned())
                                .unwrap_or_default(),
                            Func::Method { key, .. } => self.key_text(key),
                        };
                        out.extend_from_slice(
                            format!("function {name}() {{ [native code] }}").as_bytes(),
                        );
                    }
                    ObjKind::Date(t) => {
                        out.extend_from_slice(
                            crate::lang::builtins::date::to_date_string(t).as_bytes(),
                        );
                    }
                    ObjKind::RegExp { index: i, .. } => {
                        let r = self.regex(i);
                        out.push(b'/');
                        out.extend_from_slice(r.source.as_bytes());
                        out.push(b'/');
                        out.extend_from_slice(r.flags.as_bytes());
                    }
                    ObjKind::Host(kind, _) => match kind {
                        HostKind::Url | HostKind::SearchParams => {
                            let s = crate::lang::builtins::url::to_string(self, o);
                            out.extend_from_slice(s.as_bytes());
                        }
                        HostKind::Map => out.extend_from_slice(b"[object Map]"),
                        HostKind::Set => out.extend_from_slice(b"[object Set]"),
                        _ => out.extend_from_slice(b"[object Object]"),
                    },
                    ObjKind::Promise(_) => out.extend_from_slice(b"[object Promise]"),
                    ObjKind::Plain | ObjKind::Accessor { .. } => {
                        out.extend_from_slice(b"[object Object]")
                    }
                }
            }
        }
        Ok(())
    }

    /// An error's `name`: an own `name` property, else its class's.
    pub(crate) fn error_name(&self, v: Value, class: u8) -> String {
        if let Value::Obj(o) = v {
            if let Some(Value::Str(s)) = self.heap.obj(o).props.get(Atom::NAME) {
                return self.heap.str_lossy(s).into_owned();
            }
        }
        error_class::name(class).to_owned()
    }

    /// `ToPropertyKey`.
    pub(crate) fn to_key(&mut self, v: Value, site: Site) -> R<Atom> {
        match v {
            Value::Num(n) if n >= 0.0 && n.fract() == 0.0 && n < 2_147_483_648.0 => {
                Ok(Atom::index(n as u32).unwrap_or(Atom::EMPTY))
            }
            Value::Str(s) => {
                let r = self.heap.intern_str(s);
                self.mem(r, site)
            }
            _ => {
                let s = self.to_string(v, site)?;
                let r = self.heap.intern_str(s);
                self.mem(r, site)
            }
        }
    }

    /// Whether two strings are equal.
    pub(crate) fn str_eq(&self, a: StrId, b: StrId) -> bool {
        a == b || self.heap.str_bytes(a) == self.heap.str_bytes(b)
    }

    /// `===`.
    pub(crate) fn strict_eq(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => self.str_eq(x, y),
            (Value::Obj(x), Value::Obj(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            _ => false,
        }
    }

    /// SameValueZero (`includes`, Map keys): like `===` but NaN equals NaN.
    pub(crate) fn same_value_zero(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => self.strict_eq(a, b),
        }
    }

    /// A primitive for an object (`ToPrimitive`); `prefer_string` for the string hint
    /// (dates always prefer strings for `+`).
    pub(crate) fn to_primitive(&mut self, v: Value, site: Site) -> R<Value> {
        match v {
            Value::Obj(o) => match self.heap.obj(o).kind {
                ObjKind::Date(_) => Ok(Value::Str(self.to_string(v, site)?)),
                _ => Ok(Value::Str(self.to_string(v, site)?)),
            },
            _ => Ok(v),
        }
    }

    /// `==`.
    pub(crate) fn loose_eq(&mut self, a: Value, b: Value, site: Site) -> R<bool> {
        Ok(match (a, b) {
            (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => true,
            (Value::Undefined | Value::Null, _) | (_, Value::Undefined | Value::Null) => false,
            (Value::Obj(x), Value::Obj(y)) => x == y,
            (Value::Num(_), Value::Num(_))
            | (Value::Str(_), Value::Str(_))
            | (Value::Bool(_), Value::Bool(_)) => self.strict_eq(a, b),
            (Value::Obj(_), _) => {
                let p = self.to_primitive(a, site)?;
                return self.loose_eq(p, b, site);
            }
            (_, Value::Obj(_)) => {
                let p = self.to_primitive(b, site)?;
                return self.loose_eq(a, p, site);
            }
            _ => self.to_number(a, site)? == self.to_number(b, site)?,
        })
    }

    /// Compares two strings by UTF-16 code units, as JavaScript does.
    pub(crate) fn compare_strings(&self, a: StrId, b: StrId) -> Ordering {
        let (x, y) = (self.heap.str_bytes(a), self.heap.str_bytes(b));
        if self.heap.str_is_ascii(a) && self.heap.str_is_ascii(b) {
            return x.cmp(y);
        }
        // Code points compare like UTF-16 except for supplementary characters against
        // U+E000..U+FFFF: compare units.
        if !code_points(x).chain(code_points(y)).any(|c| c >= 0xE000) {
            return x.cmp(y);
        }
        utf16_units(x).cmp(&utf16_units(y))
    }

    /// `<`, `<=`, `>`, `>=`: `None` when a NaN is involved.
    pub(crate) fn compare(&mut self, a: Value, b: Value, site: Site) -> R<Option<Ordering>> {
        let a = self.to_primitive(a, site)?;
        let b = self.to_primitive(b, site)?;
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            return Ok(Some(self.compare_strings(x, y)));
        }
        let x = self.to_number(a, site)?;
        let y = self.to_number(b, site)?;
        Ok(x.partial_cmp(&y))
    }

    /// `a + b`.
    pub(crate) fn add(&mut self, a: Value, b: Value, site: Site) -> R<Value> {
        if let (Value::Num(x), Value::Num(y)) = (a, b) {
            return Ok(Value::Num(x + y));
        }
        let a = self.to_primitive(a, site)?;
        let b = self.to_primitive(b, site)?;
        if matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)) {
            let x = self.to_string(a, site)?;
            let y = self.to_string(b, site)?;
            let r = self.heap.concat(x, y);
            return self.mem(r, site).map(Value::Str);
        }
        Ok(Value::Num(
            self.to_number(a, site)? + self.to_number(b, site)?,
        ))
    }

    /// A binary operator.
    pub(crate) fn binary(&mut self, op: BinaryOp, a: Value, b: Value, site: Site) -> R<Value> {
        use BinaryOp::*;
        Ok(match op {
            Add => return self.add(a, b, site),
            StrictEq => Value::Bool(self.strict_eq(a, b)),
            StrictNotEq => Value::Bool(!self.strict_eq(a, b)),
            Eq => Value::Bool(self.loose_eq(a, b, site)?),
            NotEq => Value::Bool(!self.loose_eq(a, b, site)?),
            Lt => Value::Bool(self.compare(a, b, site)? == Some(Ordering::Less)),
            Gt => Value::Bool(self.compare(a, b, site)? == Some(Ordering::Greater)),
            LtEq => Value::Bool(matches!(
                self.compare(a, b, site)?,
                Some(Ordering::Less | Ordering::Equal)
            )),
            GtEq => Value::Bool(matches!(
                self.compare(a, b, site)?,
                Some(Ordering::Greater | Ordering::Equal)
            )),
            Sub => Value::Num(self.to_number(a, site)? - self.to_number(b, site)?),
            Mul => Value::Num(self.to_number(a, site)? * self.to_number(b, site)?),
            Div => Value::Num(self.to_number(a, site)? / self.to_number(b, site)?),
            Rem => Value::Num(self.to_number(a, site)? % self.to_number(b, site)?),
            Exp => Value::Num(js_pow(self.to_number(a, site)?, self.to_number(b, site)?)),
            BitAnd => Value::Num(f64::from(self.to_i32(a, site)? & self.to_i32(b, site)?)),
            BitOr => Value::Num(f64::from(self.to_i32(a, site)? | self.to_i32(b, site)?)),
            BitXor => Value::Num(f64::from(self.to_i32(a, site)? ^ self.to_i32(b, site)?)),
            Shl => Value::Num(f64::from(
                self.to_i32(a, site)?
                    .wrapping_shl(self.to_u32(b, site)? & 31),
            )),
            Shr => Value::Num(f64::from(
                self.to_i32(a, site)?
                    .wrapping_shr(self.to_u32(b, site)? & 31),
            )),
            UShr => Value::Num(f64::from(
                self.to_u32(a, site)?
                    .wrapping_shr(self.to_u32(b, site)? & 31),
            )),
            In => {
                let Value::Obj(o) = b else {
                    return Err(self.type_error(
                        "Cannot use 'in' operator to search for a key in a primitive",
                        site,
                    ));
                };
                let k = self.to_key(a, site)?;
                Value::Bool(self.has_property(o, k))
            }
            InstanceOf => Value::Bool(self.instance_of(a, b, site)?),
        })
    }

    /// `ToInt32`.
    pub(crate) fn to_i32(&mut self, v: Value, site: Site) -> R<i32> {
        let n = self.to_number(v, site)?;
        Ok(to_int32(n))
    }

    /// `ToUint32`.
    pub(crate) fn to_u32(&mut self, v: Value, site: Site) -> R<u32> {
        let n = self.to_number(v, site)?;
        Ok(to_int32(n) as u32)
    }

    fn instance_of(&mut self, a: Value, b: Value, site: Site) -> R<bool> {
        use crate::lang::builtins::table::Native;
        let Value::Obj(c) = b else {
            return Err(self.type_error("Right-hand side of 'instanceof' is not callable", site));
        };
        let ObjKind::Function(Func::Native { id, .. }) = self.heap.obj(c).kind else {
            if !self.is_function(b) {
                return Err(
                    self.type_error("Right-hand side of 'instanceof' is not callable", site)
                );
            }
            // A class or function of the program: is its prototype on `a`'s chain?
            let key = self.intern("prototype", site)?;
            let (Value::Obj(o), Some(Value::Obj(proto))) = (a, self.heap.obj(c).props.get(key))
            else {
                return Ok(false);
            };
            let mut at = self.heap.obj(o).props.proto();
            for _ in 0..64 {
                match at {
                    Some(p) if p == proto => return Ok(true),
                    Some(p) => at = self.heap.obj(p).props.proto(),
                    None => return Ok(false),
                }
            }
            return Ok(false);
        };
        let Value::Obj(o) = a else {
            return Ok(false);
        };
        let kind = &self.heap.obj(o).kind;
        let Some(n) = Native::from_id(id) else {
            return Ok(false);
        };
        Ok(match (n, kind) {
            (Native::NewError, ObjKind::Error { .. }) => true,
            (Native::NewTypeError, ObjKind::Error { class, .. }) => {
                *class == error_class::TYPE_ERROR
            }
            (Native::NewRangeError, ObjKind::Error { class, .. }) => {
                *class == error_class::RANGE_ERROR
            }
            (Native::NewSyntaxError, ObjKind::Error { class, .. }) => {
                *class == error_class::SYNTAX_ERROR
            }
            (Native::NewUriError, ObjKind::Error { class, .. }) => *class == error_class::URI_ERROR,
            (Native::NewExposableError, ObjKind::Error { class, .. }) => {
                *class == error_class::EXPOSABLE_ERROR
            }
            (Native::NewGitBookApiError, ObjKind::Error { class, .. }) => {
                *class == error_class::GITBOOK_API_ERROR
            }
            (Native::NewGitBookApi, ObjKind::Host(HostKind::Api, data)) => {
                crate::lang::builtins::api::is_client(data)
            }
            (Native::NewDate, ObjKind::Date(_)) => true,
            (Native::NewRegExp, ObjKind::RegExp { .. }) => true,
            (Native::ArrayFn, ObjKind::Array(_)) => true,
            (Native::ObjectFn, _) => true,
            (Native::NewUrl, ObjKind::Host(HostKind::Url, _)) => true,
            (Native::NewUrlSearchParams, ObjKind::Host(HostKind::SearchParams, _)) => true,
            (Native::NewMap, ObjKind::Host(HostKind::Map, _)) => true,
            (Native::NewSet, ObjKind::Host(HostKind::Set, _)) => true,
            (Native::NewResponse, ObjKind::Host(HostKind::Response, _)) => true,
            (Native::NewRequest, ObjKind::Host(HostKind::Request, _)) => true,
            (Native::NewHeaders, ObjKind::Host(HostKind::Headers, _)) => true,
            _ => false,
        })
    }
}

/// JavaScript's `**`: fdlibm's `pow` (V8's, and the same on every target), except
/// that `±1 ** ±Infinity` and `x ** NaN` are NaN.
pub(crate) fn js_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() || (x.abs() == 1.0 && y.is_infinite()) {
        f64::NAN
    } else {
        libm::pow(x, y)
    }
}

pub(crate) use crate::lang::number::to_int32;
