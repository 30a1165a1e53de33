//! Property descriptors: `Object.defineProperty`, `Object.defineProperties`,
//! `Object.create` and `Object.getOwnPropertyDescriptor`.
//!
//! A property holds a value or an accessor (a getter and a setter) and has three
//! attributes ([`Attrs`]): properties made by assignment have all three, and only
//! the others are recorded. An array's items and `length` live in the array, not
//! among its properties: they take plain values only (a getter or an attribute on
//! them is refused with a TypeError that says so).

use super::arg;
use super::table::Native;
use crate::lang::compile::ir::Site;
use crate::lang::eval::{Vm, R};
use crate::lang::value::{Atom, Attrs, ObjId, ObjKind, Object, Props, Value};

/// What a descriptor object says; `None` for a field it does not have.
#[derive(Debug, Clone, Copy, Default)]
struct Descriptor {
    enumerable: Option<bool>,
    configurable: Option<bool>,
    value: Option<Value>,
    writable: Option<bool>,
    get: Option<Value>,
    set: Option<Value>,
}

impl Descriptor {
    fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }

    fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
}

/// `Object.defineProperty`, `Object.defineProperties`, `Object.create`,
/// `Object.getOwnPropertyDescriptor`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let target = arg(args, 0);
    match n {
        Native::ObjectDefineProperty => {
            let Value::Obj(o) = target else {
                return Err(vm.type_error("Object.defineProperty called on non-object", site));
            };
            let key = vm.to_key(arg(args, 1), site)?;
            let d = descriptor(vm, arg(args, 2), site)?;
            define(vm, o, key, d, site)?;
            Ok(target)
        }
        Native::ObjectDefineProperties => {
            let Value::Obj(o) = target else {
                return Err(vm.type_error("Object.defineProperties called on non-object", site));
            };
            define_all(vm, o, arg(args, 1), site)?;
            Ok(target)
        }
        Native::ObjectCreate => {
            let proto = match target {
                Value::Obj(p) => Some(p),
                Value::Null => None,
                other => {
                    let shown = shown(vm, other, site)?;
                    return Err(vm.type_error(
                        format!("Object prototype may only be an Object or null: {shown}"),
                        site,
                    ));
                }
            };
            let mut props = Props::new();
            props.set_proto(proto);
            let v = vm.alloc(Object::plain(props), site)?;
            if let (Value::Obj(o), list) = (v, arg(args, 1)) {
                if list != Value::Undefined {
                    define_all(vm, o, list, site)?;
                }
            }
            Ok(v)
        }
        Native::ObjectGetOwnPropertyDescriptor => {
            if target.is_nullish() {
                return Err(vm.type_error("Cannot convert undefined or null to object", site));
            }
            let key = vm.to_key(arg(args, 1), site)?;
            own_descriptor(vm, target, key, site)
        }
        _ => Ok(Value::Undefined),
    }
}

/// A value as V8 shows it in these errors (`#<Object>`, `[object Array]`, `1`).
fn shown(vm: &mut Vm<'_>, v: Value, site: Site) -> R<String> {
    Ok(match v {
        Value::Obj(o) => match vm.heap.obj(o).kind {
            ObjKind::Array(_) => "[object Array]".to_owned(),
            _ => "#<Object>".to_owned(),
        },
        _ => {
            let s = vm.to_string(v, site)?;
            vm.heap.str_lossy(s).into_owned()
        }
    })
}

/// `ToPropertyDescriptor`: the fields of a descriptor object, read in the standard's
/// order (inherited fields count), checked.
fn descriptor(vm: &mut Vm<'_>, v: Value, site: Site) -> R<Descriptor> {
    let Value::Obj(o) = v else {
        let shown = shown(vm, v, site)?;
        return Err(vm.type_error(
            format!("Property description must be an object: {shown}"),
            site,
        ));
    };
    let field = |vm: &mut Vm<'_>, name: &str| -> R<Option<Value>> {
        let key = vm.intern(name, site)?;
        if vm.has_property(o, key) {
            Ok(Some(vm.get(v, key, site)?))
        } else {
            Ok(None)
        }
    };
    let truthy =
        |vm: &mut Vm<'_>, x: Option<Value>| x.map(|x| crate::lang::eval::ops::truthy(vm, x));
    let enumerable = field(vm, "enumerable")?;
    let configurable = field(vm, "configurable")?;
    let value = field(vm, "value")?;
    let writable = field(vm, "writable")?;
    let get = field(vm, "get")?;
    let set = field(vm, "set")?;
    for (f, what) in [(get, "Getter"), (set, "Setter")] {
        if let Some(f) = f {
            if f != Value::Undefined && !vm.is_function(f) {
                let shown = shown(vm, f, site)?;
                return Err(vm.type_error(format!("{what} must be a function: {shown}"), site));
            }
        }
    }
    let d = Descriptor {
        enumerable: truthy(vm, enumerable),
        configurable: truthy(vm, configurable),
        value,
        writable: truthy(vm, writable),
        get,
        set,
    };
    if d.is_accessor() && d.is_data() {
        return Err(vm.type_error(
            "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute, #<Object>",
            site,
        ));
    }
    Ok(d)
}

/// `Object.defineProperties(o, list)`: every descriptor read first, then defined.
fn define_all(vm: &mut Vm<'_>, o: ObjId, list: Value, site: Site) -> R<()> {
    if list.is_nullish() {
        return Err(vm.type_error("Cannot convert undefined or null to object", site));
    }
    let entries = vm.own_entries(list, site)?;
    vm.step(entries.len() as u64, site)?;
    let mut all = Vec::with_capacity(entries.len());
    for (k, d) in entries {
        all.push((k, descriptor(vm, d, site)?));
    }
    for (k, d) in all {
        define(vm, o, k, d, site)?;
    }
    Ok(())
}

/// SameValue: `===`, except that NaN is NaN and 0 is not -0.
fn same_value(vm: &Vm<'_>, a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => {
            (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative())
        }
        _ => vm.strict_eq(a, b),
    }
}

/// The getter and setter of a stored accessor.
fn accessor_parts(vm: &Vm<'_>, v: Value) -> Option<(Value, Value)> {
    match v {
        Value::Obj(a) => match vm.heap.obj(a).kind {
            ObjKind::Accessor { get, set } => Some((get, set)),
            _ => None,
        },
        _ => None,
    }
}

/// `[[DefineOwnProperty]]`: validates `d` against the property `key` of `o` has (if
/// any), then applies it.
fn define(vm: &mut Vm<'_>, o: ObjId, key: Atom, d: Descriptor, site: Site) -> R<()> {
    if matches!(vm.heap.obj(o).kind, ObjKind::Array(_))
        && (key.as_index().is_some() || key == Atom::LENGTH)
    {
        return define_array_slot(vm, o, key, d, site);
    }
    let props = &vm.heap.obj(o).props;
    let frozen = props.is_frozen();
    let (current, has_accessors, mut attrs) =
        (props.get(key), props.has_accessors(), props.attrs(key));
    let Some(current) = current else {
        if frozen {
            let k = vm.key_text(key);
            return Err(vm.type_error(
                format!("Cannot define property {k}, object is not extensible"),
                site,
            ));
        }
        let attrs = Attrs {
            writable: d.is_accessor() || d.writable.unwrap_or(false),
            enumerable: d.enumerable.unwrap_or(false),
            configurable: d.configurable.unwrap_or(false),
        };
        let value = if d.is_accessor() {
            accessor(vm, d.get, d.set, site)?
        } else {
            d.value.unwrap_or(Value::Undefined)
        };
        return store(vm, o, key, value, d.is_accessor(), attrs);
    };
    let parts = if has_accessors {
        accessor_parts(vm, current)
    } else {
        None
    };
    if frozen {
        attrs.writable = false;
        attrs.configurable = false;
    }
    if !attrs.configurable {
        let same_kind = !(d.is_accessor() || d.is_data()) || d.is_accessor() == parts.is_some();
        let allowed = d.configurable != Some(true)
            && d.enumerable.is_none_or(|e| e == attrs.enumerable)
            && same_kind
            && match parts {
                Some((get, set)) => {
                    d.get.is_none_or(|g| same_value(vm, g, get))
                        && d.set.is_none_or(|s| same_value(vm, s, set))
                }
                None => {
                    attrs.writable
                        || (d.writable != Some(true)
                            && d.value.is_none_or(|v| same_value(vm, v, current)))
                }
            };
        if !allowed {
            let k = vm.key_text(key);
            return Err(vm.type_error(format!("Cannot redefine property: {k}"), site));
        }
        if frozen {
            // Nothing can change on a frozen object: what was allowed is a no-op.
            return Ok(());
        }
    }
    let enumerable = d.enumerable.unwrap_or(attrs.enumerable);
    let configurable = d.configurable.unwrap_or(attrs.configurable);
    let (value, is_accessor, writable) = if d.is_accessor() {
        let (get, set) = parts.unwrap_or((Value::Undefined, Value::Undefined));
        let a = accessor(
            vm,
            Some(d.get.unwrap_or(get)),
            Some(d.set.unwrap_or(set)),
            site,
        )?;
        (a, true, true)
    } else if d.is_data() {
        match parts {
            // An accessor becomes a value: its attributes start over.
            Some(_) => (
                d.value.unwrap_or(Value::Undefined),
                false,
                d.writable.unwrap_or(false),
            ),
            None => (
                d.value.unwrap_or(current),
                false,
                d.writable.unwrap_or(attrs.writable),
            ),
        }
    } else {
        (current, parts.is_some(), attrs.writable)
    };
    let attrs = Attrs {
        writable,
        enumerable,
        configurable,
    };
    store(vm, o, key, value, is_accessor, attrs)
}

/// Stores a defined property.
fn store(
    vm: &mut Vm<'_>,
    o: ObjId,
    key: Atom,
    value: Value,
    is_accessor: bool,
    attrs: Attrs,
) -> R<()> {
    let props = &mut vm.heap.obj_mut(o).props;
    props.set(key, value);
    if is_accessor {
        props.mark_accessors();
    }
    props.set_attrs(key, attrs);
    Ok(())
}

/// A stored accessor.
fn accessor(vm: &mut Vm<'_>, get: Option<Value>, set: Option<Value>, site: Site) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Accessor {
                get: get.unwrap_or(Value::Undefined),
                set: set.unwrap_or(Value::Undefined),
            },
            origin: 0,
        },
        site,
    )
}

/// An array's item or `length`: a plain value, as assignment stores it.
fn define_array_slot(vm: &mut Vm<'_>, o: ObjId, key: Atom, d: Descriptor, site: Site) -> R<()> {
    let k = vm.key_text(key);
    if key == Atom::LENGTH
        && (d.is_accessor() || d.enumerable == Some(true) || d.configurable == Some(true))
    {
        return Err(vm.type_error(format!("Cannot redefine property: {k}"), site));
    }
    let plain = !d.is_accessor()
        && d.writable != Some(false)
        && (key == Atom::LENGTH || (d.enumerable != Some(false) && d.configurable != Some(false)));
    if !plain {
        return Err(vm.type_error(
            format!("Object.defineProperty: an array's {} takes a plain value here (no getter, setter or attribute)", if key == Atom::LENGTH { "length" } else { "item" }),
            site,
        ));
    }
    match d.value {
        Some(v) => vm.set(Value::Obj(o), key, v, site),
        None => {
            if key != Atom::LENGTH && !vm.has_own(Value::Obj(o), key) {
                vm.set(Value::Obj(o), key, Value::Undefined, site)?;
            }
            Ok(())
        }
    }
}

/// `Object.getOwnPropertyDescriptor(v, key)`.
fn own_descriptor(vm: &mut Vm<'_>, v: Value, key: Atom, site: Site) -> R<Value> {
    let fixed = |enumerable| Attrs {
        writable: false,
        enumerable,
        configurable: false,
    };
    let (value, accessor, attrs) = match v {
        Value::Str(_) => {
            if !vm.has_own(v, key) {
                return Ok(Value::Undefined);
            }
            let x = vm.get(v, key, site)?;
            (x, None, fixed(key != Atom::LENGTH))
        }
        Value::Obj(o) => {
            let object = vm.heap.obj(o);
            let frozen = object.props.is_frozen();
            let freeze = |mut a: Attrs| {
                if frozen {
                    a.writable = false;
                    a.configurable = false;
                }
                a
            };
            match (&object.kind, object.props.get(key)) {
                (ObjKind::Array(items), _) if key.as_index().is_some() || key == Atom::LENGTH => {
                    let x = match key.as_index() {
                        Some(i) => match items.get(i as usize) {
                            Some(x) => *x,
                            None => return Ok(Value::Undefined),
                        },
                        None => Value::Num(items.len() as f64),
                    };
                    let attrs = if key == Atom::LENGTH {
                        Attrs {
                            writable: !frozen,
                            enumerable: false,
                            configurable: false,
                        }
                    } else {
                        freeze(Attrs::PLAIN)
                    };
                    (x, None, attrs)
                }
                (_, Some(x)) => {
                    let parts = if object.props.has_accessors() {
                        accessor_parts(vm, x)
                    } else {
                        None
                    };
                    (x, parts, freeze(object.props.attrs(key)))
                }
                (ObjKind::Error { message, .. }, None)
                    if key == Atom::MESSAGE && *message != Value::Undefined =>
                {
                    let attrs = freeze(Attrs {
                        writable: true,
                        enumerable: false,
                        configurable: true,
                    });
                    (*message, None, attrs)
                }
                _ => return Ok(Value::Undefined),
            }
        }
        _ => return Ok(Value::Undefined),
    };
    let mut props = Props::with_capacity(4);
    let mut put = |vm: &mut Vm<'_>, name: &str, x: Value| -> R<()> {
        let k = vm.intern(name, site)?;
        props.push_new_name(k, x);
        Ok(())
    };
    match accessor {
        Some((get, set)) => {
            put(vm, "get", get)?;
            put(vm, "set", set)?;
        }
        None => {
            put(vm, "value", value)?;
            put(vm, "writable", Value::Bool(attrs.writable))?;
        }
    }
    put(vm, "enumerable", Value::Bool(attrs.enumerable))?;
    put(vm, "configurable", Value::Bool(attrs.configurable))?;
    vm.alloc(Object::plain(props), site)
}

#[cfg(test)]
mod tests {
    /// Each expression with what Node 20 prints for it (in strict mode, as modules
    /// run): descriptors, attributes as enumeration, JSON, writes and deletes see
    /// them, accessors, `Object.create` and `for…in` along the prototype chain,
    /// class methods that are not enumerable.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
            ("(() => { const o = { a: 1 }; Object.defineProperty(o, 'hidden', { value: 2 }); return [Object.keys(o), JSON.stringify(o), o.hidden, 'hidden' in o, Object.hasOwn(o, 'hidden'), JSON.stringify({ ...o }), JSON.stringify(Object.assign({}, o)), JSON.stringify(Object.entries(o))].join(' | '); })()", "a | {\"a\":1} | 2 | true | true | {\"a\":1} | {\"a\":1} | [[\"a\",1]]"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1, enumerable: true }); o.x = 2; return o.x; })()", "throws TypeError: Cannot assign to read only property 'x' of object '#<Object>'"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1, writable: true }); o.x = 2; return [o.x, Object.keys(o).length].join(); })()", "2,0"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1 }); delete o.x; })()", "throws TypeError: Cannot delete property 'x' of #<Object>"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1, configurable: true }); delete o.x; return 'x' in o; })()", "false"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1 }); Object.defineProperty(o, 'x', { value: 2 }); })()", "throws TypeError: Cannot redefine property: x"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1 }); Object.defineProperty(o, 'x', { value: 1, writable: false, enumerable: false }); return o.x; })()", "1"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: NaN }); Object.defineProperty(o, 'x', { value: NaN }); Object.defineProperty(o, 'z', { value: 0 }); Object.defineProperty(o, 'z', { value: -0 }); })()", "throws TypeError: Cannot redefine property: z"),
            ("(() => { const o = {}; Object.defineProperty(o, 'x', { value: 1, writable: true }); Object.defineProperty(o, 'x', { value: 5 }); Object.defineProperty(o, 'x', { writable: false }); return JSON.stringify(Object.getOwnPropertyDescriptor(o, 'x')); })()", "{\"value\":5,\"writable\":false,\"enumerable\":false,\"configurable\":false}"),
            ("(() => { const o = { a: 1, b: 2, c: 3 }; Object.defineProperty(o, 'b', { enumerable: false }); return [Object.keys(o), JSON.stringify(o), JSON.stringify(Object.getOwnPropertyDescriptor(o, 'b'))].join(' '); })()", "a,c {\"a\":1,\"c\":3} {\"value\":2,\"writable\":true,\"enumerable\":false,\"configurable\":true}"),
            ("(() => { let n = 0; const o = { base: 10 }; Object.defineProperty(o, 'next', { get() { return this.base + ++n; }, enumerable: true }); return [o.next, o.next, JSON.stringify(o), Object.keys(o)].join(' '); })()", "11 12 {\"base\":10,\"next\":13} base,next"),
            ("(() => { const log = []; const o = {}; Object.defineProperty(o, 'v', { set(x) { log.push(x); }, configurable: true }); o.v = 1; o.v = 2; return [log, o.v, Object.keys(o).length].join(' '); })()", "1,2  0"),
            ("(() => { const o = {}; Object.defineProperty(o, 'v', { get() { return 1; } }); o.v = 2; })()", "throws TypeError: Cannot set property v of #<Object> which has only a getter"),
            ("(() => { const o = {}; Object.defineProperty(o, 'v', { get() { return 1; }, configurable: true }); Object.defineProperty(o, 'v', { value: 7 }); return JSON.stringify(Object.getOwnPropertyDescriptor(o, 'v')); })()", "{\"value\":7,\"writable\":false,\"enumerable\":false,\"configurable\":true}"),
            ("(() => { const o = { v: 1 }; Object.defineProperty(o, 'v', { get() { return 2; } }); const d = Object.getOwnPropertyDescriptor(o, 'v'); return [o.v, typeof d.get, d.set, d.enumerable, d.configurable].join(); })()", "2,function,,true,true"),
            ("(() => { const o = {}; const g = () => 1; Object.defineProperty(o, 'v', { get: g }); Object.defineProperty(o, 'v', { get: g }); Object.defineProperty(o, 'v', { get: () => 2 }); })()", "throws TypeError: Cannot redefine property: v"),
            ("Object.defineProperty(1, 'a', {})", "throws TypeError: Object.defineProperty called on non-object"),
            ("Object.defineProperty({}, 'a', 1)", "throws TypeError: Property description must be an object: 1"),
            ("Object.defineProperty({}, 'a', null)", "throws TypeError: Property description must be an object: null"),
            ("Object.defineProperty({}, 'a', { get: 1 })", "throws TypeError: Getter must be a function: 1"),
            ("Object.defineProperty({}, 'a', { set: {} })", "throws TypeError: Setter must be a function: #<Object>"),
            ("Object.defineProperty({}, 'a', { get() { return 1; }, value: 1 })", "throws TypeError: Invalid property descriptor. Cannot both specify accessors and a value or writable attribute, #<Object>"),
            ("(() => { const o = Object.freeze({ a: 1 }); Object.defineProperty(o, 'b', { value: 1 }); })()", "throws TypeError: Cannot define property b, object is not extensible"),
            ("(() => { const o = Object.freeze({ a: 1 }); Object.defineProperty(o, 'a', { value: 2 }); })()", "throws TypeError: Cannot redefine property: a"),
            ("(() => { const o = Object.freeze({ a: 1 }); Object.defineProperty(o, 'a', { value: 1 }); return JSON.stringify(Object.getOwnPropertyDescriptor(o, 'a')); })()", "{\"value\":1,\"writable\":false,\"enumerable\":true,\"configurable\":false}"),
            ("Object.defineProperties(1, {})", "throws TypeError: Object.defineProperties called on non-object"),
            ("Object.defineProperties({}, null)", "throws TypeError: Cannot convert undefined or null to object"),
            ("(() => { const o = Object.defineProperties({}, { a: { value: 1, enumerable: true }, b: { value: 2 }, c: { get() { return this.a + this.b; }, enumerable: true } }); return [JSON.stringify(o), o.b, o.c].join(' '); })()", "{\"a\":1,\"c\":3} 2 3"),
            ("(() => { const d = Object.create({ enumerable: true }); d.value = 3; const o = Object.defineProperty({}, 'x', d); return JSON.stringify(o); })()", "{\"x\":3}"),
            ("(() => { const o = Object.defineProperty({}, 1, { value: 'one', enumerable: true }); o.b = 2; return JSON.stringify(o); })()", "{\"1\":\"one\",\"b\":2}"),
            ("(() => { const a = [1, 2]; Object.defineProperty(a, 0, { value: 9 }); Object.defineProperty(a, 3, { value: 4, writable: true, enumerable: true, configurable: true }); return JSON.stringify(a); })()", "[9,2,null,4]"),
            ("(() => { const a = [1, 2, 3]; Object.defineProperty(a, 'length', { value: 1 }); Object.defineProperty(a, 'total', { value: 6 }); return [JSON.stringify(a), a.total, Object.keys(a)].join(' '); })()", "[1] 6 0"),
            ("Object.defineProperty([], 'length', { enumerable: true })", "throws TypeError: Cannot redefine property: length"),
            ("(() => { const base = { greet() { return 'hi ' + this.name; }, kind: 'base' }; const o = Object.create(base); o.name = 'o'; const keys = []; for (const k in o) keys.push(k); return [o.greet(), o.kind, JSON.stringify(o), Object.keys(o), keys, 'kind' in o, Object.hasOwn(o, 'kind')].join(' | '); })()", "hi o | base | {\"name\":\"o\"} | name | name,greet,kind | true | false"),
            ("(() => { const o = Object.create(null, { x: { value: 1, enumerable: true }, y: { value: 2 } }); return [JSON.stringify(o), o.y].join(' '); })()", "{\"x\":1} 2"),
            ("(() => { const proto = { shadowed: 'proto', inherited: 'yes' }; const o = Object.create(proto); Object.defineProperty(o, 'shadowed', { value: 'own' }); const keys = []; for (const k in o) keys.push(k); return keys.join(); })()", "inherited"),
            ("Object.create(1)", "throws TypeError: Object prototype may only be an Object or null: 1"),
            ("Object.create(undefined)", "throws TypeError: Object prototype may only be an Object or null: undefined"),
            ("Object.create('x')", "throws TypeError: Object prototype may only be an Object or null: x"),
            ("JSON.stringify([Object.getOwnPropertyDescriptor('abc', 'length'), Object.getOwnPropertyDescriptor('abc', 1), Object.getOwnPropertyDescriptor('abc', 5), Object.getOwnPropertyDescriptor(1, 'x'), Object.getOwnPropertyDescriptor([7], 0), Object.getOwnPropertyDescriptor([7], 'length'), Object.getOwnPropertyDescriptor({ a: 1 }, 'b'), Object.getOwnPropertyDescriptor(new Error('m'), 'message')])", "[{\"value\":3,\"writable\":false,\"enumerable\":false,\"configurable\":false},{\"value\":\"b\",\"writable\":false,\"enumerable\":true,\"configurable\":false},null,null,{\"value\":7,\"writable\":true,\"enumerable\":true,\"configurable\":true},{\"value\":1,\"writable\":true,\"enumerable\":false,\"configurable\":false},null,{\"value\":\"m\",\"writable\":true,\"enumerable\":false,\"configurable\":true}]"),
            ("Object.getOwnPropertyDescriptor(null, 'a')", "throws TypeError: Cannot convert undefined or null to object"),
            ("(() => { class A { constructor() { this.x = 1; } m() { return 1; } get g() { return 2; } static s() { return 3; } } const a = new A(); const keys = []; for (const k in a) keys.push(k); return [keys, Object.keys(A.prototype), Object.keys(A), JSON.stringify(Object.getOwnPropertyDescriptor(A.prototype, 'm')), 'm' in a, 'g' in a].join(' | '); })()", "x |  |  | {\"writable\":true,\"enumerable\":false,\"configurable\":true} | true | true"),
            ("(() => { class A {} try { A.prototype = {}; return 'assigned'; } catch (e) { return e.name; } })()", "TypeError"),
            ("(() => { function F() { this.own = 1; } const f = new F(); const keys = []; for (const k in F) keys.push(k); return [Object.keys(F).length, keys.length, Object.keys(f)].join(); })()", "0,0,own"),
        ]);
    }
}
