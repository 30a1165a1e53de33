//! `JSON.parse` and `JSON.stringify`, exactly as JavaScript writes JSON: key order,
//! `undefined` and functions left out (or `null` in arrays), `toJSON` of dates and
//! URLs, numbers as JavaScript prints them, lone surrogates escaped, cycles refused.

use super::arg;
use super::table::Native;
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Fault, Limit, Vm, R};
use crate::lang::number::push_json_number;
use crate::lang::value::json::{parse, JsonError};
use crate::lang::value::string::push_json_string;
use crate::lang::value::{Atom, HostKind, ObjId, ObjKind, Object, Props, Value};

/// `JSON.parse`, `JSON.stringify`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    match n {
        Native::JsonParse => {
            let s = vm.to_string(arg(args, 0), site)?;
            let text = vm.heap.str_bytes(s).to_vec();
            let depth = vm.limits.max_value_depth;
            match parse(&mut vm.heap, &text, depth) {
                Ok(v) if vm.is_function(arg(args, 1)) => {
                    let mut root = Props::new();
                    root.set(Atom::EMPTY, v);
                    let holder = vm.alloc(Object::plain(root), site)?;
                    internalize(vm, arg(args, 1), holder, Atom::EMPTY, site, 0)
                }
                Ok(v) => Ok(v),
                Err(JsonError::Memory) => Err(Fault::Limit(Limit::Memory, site)),
                Err(JsonError::TooDeep { .. }) => Err(Fault::Limit(Limit::ValueDepth, site)),
                Err(e @ JsonError::Syntax { .. }) => {
                    let shown: String = String::from_utf8_lossy(&text).chars().take(30).collect();
                    let message = if text.is_empty() {
                        "Unexpected end of JSON input".to_owned()
                    } else {
                        format!("{e}, \"{shown}\" is not valid JSON")
                    };
                    Err(vm.throw(error_class::SYNTAX_ERROR, message, site))
                }
            }
        }
        _ => {
            let gap = match arg(args, 2) {
                Value::Num(n) => " ".repeat(n.clamp(0.0, 10.0) as usize),
                Value::Str(s) => vm.heap.str_lossy(s).chars().take(10).collect(),
                _ => String::new(),
            };
            let replacer = arg(args, 1);
            let replacer = if vm.is_function(replacer) || vm.is_array(replacer) {
                replacer
            } else {
                Value::Undefined
            };
            let mut out = Vec::new();
            let mut w = Writer {
                gap: &gap,
                replacer,
                stack: Vec::new(),
                site,
            };
            let wrote = w.value(vm, &mut out, Value::Undefined, Atom::EMPTY, arg(args, 0), 0)?;
            if !wrote {
                return Ok(Value::Undefined);
            }
            let r = vm.heap.charge(out.len());
            vm.mem(r, site)?;
            vm.string(&out, site)
        }
    }
}

/// `InternalizeJSONProperty`: the reviver called on every value of the parsed tree,
/// innermost first, each replaced by what it returns (`undefined` deletes it).
fn internalize(
    vm: &mut Vm<'_>,
    reviver: Value,
    holder: Value,
    key: Atom,
    site: Site,
    depth: usize,
) -> R<Value> {
    if depth > vm.limits.max_value_depth {
        return Err(Fault::Limit(Limit::ValueDepth, site));
    }
    let val = vm.get(holder, key, site)?;
    if let Value::Obj(o) = val {
        if !vm.is_function(val) {
            let keys: Vec<Atom> = if vm.is_array(val) {
                let len = vm.get(val, Atom::LENGTH, site)?;
                let len = vm.to_number(len, site)?;
                (0..len.max(0.0).min(f64::from(u32::MAX >> 1)) as u32)
                    .filter_map(Atom::index)
                    .collect()
            } else {
                vm.own_keys(val)
            };
            vm.step(1 + keys.len() as u64, site)?;
            for k in keys {
                let revived = internalize(vm, reviver, val, k, site, depth + 1)?;
                replace_own(vm, o, k, revived);
            }
        }
    }
    let name = vm.heap.atom_value(key);
    let name = vm.mem(name, site)?;
    vm.call(reviver, holder, &[Value::Str(name), val], site)
}

/// Sets (or with `undefined`, deletes) a property the parser made, without throwing
/// (as `CreateDataProperty` and `[[Delete]]` do): the reviver may have frozen the
/// object.
fn replace_own(vm: &mut Vm<'_>, o: ObjId, key: Atom, v: Value) {
    let object = vm.heap.obj_mut(o);
    if object.props.is_frozen() {
        return;
    }
    if let (ObjKind::Array(items), Some(i)) = (&mut object.kind, key.as_index()) {
        // A deleted item reads as `undefined` (arrays here have no holes).
        if let Some(slot) = items.get_mut(i as usize) {
            *slot = v;
        }
        return;
    }
    if v == Value::Undefined {
        object.props.remove(key);
    } else {
        object.props.set(key, v);
    }
}

/// Writes `v` as `JSON.stringify(v)` would into `out`; `false` when the value has no
/// JSON form (`undefined`, a function).
pub(crate) fn stringify_into(vm: &mut Vm<'_>, out: &mut Vec<u8>, v: Value, site: Site) -> R<bool> {
    let mut w = Writer {
        gap: "",
        replacer: Value::Undefined,
        stack: Vec::new(),
        site,
    };
    w.value(vm, out, Value::Undefined, Atom::EMPTY, v, 0)
}

struct Writer<'g> {
    gap: &'g str,
    replacer: Value,
    stack: Vec<ObjId>,
    site: Site,
}

impl Writer<'_> {
    fn newline(&self, out: &mut Vec<u8>, depth: usize) {
        if !self.gap.is_empty() {
            out.push(b'\n');
            for _ in 0..depth {
                out.extend_from_slice(self.gap.as_bytes());
            }
        }
    }

    /// The value to write for `v` after `toJSON` and the replacer.
    fn prepare(&self, vm: &mut Vm<'_>, holder: Value, key: Atom, v: Value) -> R<Value> {
        let site = self.site;
        let mut v = v;
        if let Value::Obj(o) = v {
            let kind = &vm.heap.obj(o).kind;
            match kind {
                ObjKind::Date(_) => {
                    v = vm.call_method(v, Atom::TO_JSON, &[], site)?;
                }
                ObjKind::Host(HostKind::Url, _) => {
                    v = Value::Str(vm.to_string(v, site)?);
                }
                _ => {
                    // An own `toJSON`, or one inherited from a class.
                    let own = vm.heap.obj(o).props.get(Atom::TO_JSON);
                    let f = match own {
                        Some(f) if !vm.heap.obj(o).props.has_accessors() => Some(f),
                        _ if own.is_some() || vm.heap.obj(o).props.proto().is_some() => {
                            Some(vm.get(v, Atom::TO_JSON, site)?)
                        }
                        _ => None,
                    };
                    if let Some(f) = f {
                        if vm.is_function(f) {
                            let k = vm.heap.atom_value(key);
                            let k = vm.mem(k, site)?;
                            v = vm.call(f, v, &[Value::Str(k)], site)?;
                        }
                    }
                }
            }
        }
        if vm.is_function(self.replacer) {
            let k = vm.heap.atom_value(key);
            let k = vm.mem(k, site)?;
            v = vm.call(self.replacer, holder, &[Value::Str(k), v], site)?;
        }
        Ok(v)
    }

    fn value(
        &mut self,
        vm: &mut Vm<'_>,
        out: &mut Vec<u8>,
        holder: Value,
        key: Atom,
        v: Value,
        depth: usize,
    ) -> R<bool> {
        let site = self.site;
        if depth > vm.limits.max_value_depth {
            return Err(Fault::Limit(Limit::ValueDepth, site));
        }
        let v = self.prepare(vm, holder, key, v)?;
        match v {
            Value::Undefined => return Ok(false),
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Num(n) => push_json_number(out, n),
            Value::Str(s) => push_json_string(out, vm.heap.str_bytes(s)),
            Value::Obj(o) => {
                if vm.is_function(v) {
                    return Ok(false);
                }
                if self.stack.contains(&o) {
                    return Err(vm.type_error("Converting circular structure to JSON", site));
                }
                vm.step(1, site)?;
                if out.len() > vm.limits.max_memory {
                    return Err(Fault::Limit(Limit::Memory, site));
                }
                self.stack.push(o);
                if let ObjKind::Array(items) = &vm.heap.obj(o).kind {
                    let items = items.clone();
                    out.push(b'[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        self.newline(out, depth + 1);
                        let k = Atom::index(i as u32).unwrap_or(Atom::EMPTY);
                        if !self.value(vm, out, v, k, *item, depth + 1)? {
                            out.extend_from_slice(b"null");
                        }
                    }
                    if !items.is_empty() {
                        self.newline(out, depth);
                    }
                    out.push(b']');
                } else {
                    let entries = vm.own_entries(v, site)?;
                    let allowed: Option<Vec<Atom>> = if vm.is_array(self.replacer) {
                        let list = vm.iterate(self.replacer, site)?;
                        let mut keys = Vec::new();
                        for k in list {
                            keys.push(vm.to_key(k, site)?);
                        }
                        Some(keys)
                    } else {
                        None
                    };
                    out.push(b'{');
                    let mut first = true;
                    for (k, x) in entries {
                        if allowed.as_ref().is_some_and(|a| !a.contains(&k)) {
                            continue;
                        }
                        let mark = out.len();
                        if !first {
                            out.push(b',');
                        }
                        self.newline(out, depth + 1);
                        let mut buf = itoa::Buffer::new();
                        let kb = vm.heap.atom_bytes(k, &mut buf).to_vec();
                        push_json_string(out, &kb);
                        out.push(b':');
                        if !self.gap.is_empty() {
                            out.push(b' ');
                        }
                        if self.value(vm, out, v, k, x, depth + 1)? {
                            first = false;
                        } else {
                            out.truncate(mark);
                        }
                    }
                    if !first {
                        self.newline(out, depth);
                    }
                    out.push(b'}');
                }
                self.stack.pop();
            }
        }
        Ok(true)
    }
}

/// A value as `console.log` shows it (strings bare, the rest as JSON).
pub(crate) fn inspect(vm: &mut Vm<'_>, v: Value, site: Site) -> R<String> {
    Ok(match v {
        Value::Str(s) => vm.heap.str_lossy(s).into_owned(),
        Value::Obj(o) if matches!(vm.heap.obj(o).kind, ObjKind::Error { .. }) => {
            let s = vm.to_string(v, site)?;
            vm.heap.str_lossy(s).into_owned()
        }
        Value::Obj(_) if !vm.is_function(v) => {
            let mut out = Vec::new();
            match stringify_into(vm, &mut out, v, site) {
                Ok(_) => String::from_utf8_lossy(&out).into_owned(),
                Err(Fault::Throw(..)) => "[object]".into(),
                Err(other) => return Err(other),
            }
        }
        other => {
            let s = vm.to_string(other, site)?;
            vm.heap.str_lossy(s).into_owned()
        }
    })
}

#[cfg(test)]
mod tests {
    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
        ("JSON.stringify(JSON.parse('{\"a\":1,\"b\":{\"c\":\"x\",\"secret\":2},\"l\":[1,\"y\",{\"secret\":3}]}', (k, v) => (k === 'secret' ? undefined : typeof v === 'string' ? v.toUpperCase() : v)))", "{\"a\":1,\"b\":{\"c\":\"X\"},\"l\":[1,\"Y\",{}]}"),
        ("JSON.stringify(JSON.parse('[1,2,3]', (k, v) => (k === '1' ? undefined : v)))", "[1,null,3]"),
        ("JSON.stringify(JSON.parse('{\"a\":[1,{\"b\":2}]}', function (k, v) { return k === '' ? Object.keys(v) : v; }))", "[\"a\"]"),
        ("(() => { const seen = []; JSON.parse('{\"a\":{\"b\":1},\"c\":[2]}', (k, v) => { seen.push(k); return v; }); return seen.join(','); })()", "b,a,0,c,"),
        ("JSON.parse('5', (k, v) => v * 2)", "10"),
        ("JSON.stringify(JSON.parse('{\"a\":1}', (k, v) => (typeof v === 'number' ? undefined : v)))", "{}"),
        ("JSON.parse('{\"a\":1}', 'not a function').a", "1"),
        ("JSON.stringify(JSON.parse('{\"__proto__\":{\"x\":1},\"y\":2}', (k, v) => v))", "{\"__proto__\":{\"x\":1},\"y\":2}"),
        ]);
    }
}
