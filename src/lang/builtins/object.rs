//! `Object.*`, errors, `Map` and `Set`, `structuredClone`, and the methods every
//! object has (`hasOwnProperty`, `toString`) or functions have (`call`, `apply`,
//! `bind`).

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Fault, Limit, Vm, R};
use crate::lang::value::{Atom, HostData, HostKind, ObjId, ObjKind, Object, Props, Value};

/// `Object.*` and `structuredClone`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let target = arg(args, 0);
    match n {
        Native::ObjectFn => match target {
            Value::Obj(_) => Ok(target),
            _ => vm.alloc(Object::plain(Props::new()), site),
        },
        Native::ObjectKeys | Native::ObjectValues | Native::ObjectEntries => {
            if target.is_nullish() {
                return Err(vm.type_error("Cannot convert undefined or null to object", site));
            }
            let entries = vm.own_entries(target, site)?;
            vm.step(entries.len() as u64, site)?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push(match n {
                    Native::ObjectKeys => Value::Str({
                        let r = vm.heap.atom_value(k);
                        vm.mem(r, site)?
                    }),
                    Native::ObjectValues => v,
                    _ => {
                        let r = vm.heap.atom_value(k);
                        let ks = vm.mem(r, site)?;
                        vm.array(vec![Value::Str(ks), v], site)?
                    }
                });
            }
            vm.array(out, site)
        }
        Native::ObjectAssign => {
            let Value::Obj(t) = target else {
                return Err(vm.type_error("Object.assign's target must be an object", site));
            };
            for src in args.iter().skip(1) {
                let entries = vm.own_entries(*src, site)?;
                vm.step(entries.len() as u64, site)?;
                for (k, v) in entries {
                    vm.set(Value::Obj(t), k, v, site)?;
                }
            }
            Ok(target)
        }
        Native::ObjectFromEntries => {
            let items = vm.iterate(target, site)?;
            vm.step(items.len() as u64, site)?;
            let mut props = Props::with_capacity(items.len());
            for item in items {
                let k = vm.get(item, Atom::index(0).unwrap_or(Atom::EMPTY), site)?;
                let v = vm.get(item, Atom::index(1).unwrap_or(Atom::EMPTY), site)?;
                let k = vm.to_key(k, site)?;
                props.set(k, v);
            }
            vm.alloc(Object::plain(props), site)
        }
        Native::ObjectFreeze => {
            if let Value::Obj(o) = target {
                vm.heap.obj_mut(o).props.freeze();
            }
            Ok(target)
        }
        Native::ObjectIsFrozen => Ok(Value::Bool(match target {
            Value::Obj(o) => vm.heap.obj(o).props.is_frozen(),
            _ => true,
        })),
        Native::ObjectHasOwn => {
            if target.is_nullish() {
                return Err(vm.type_error("Cannot convert undefined or null to object", site));
            }
            let k = vm.to_key(arg(args, 1), site)?;
            Ok(Value::Bool(vm.has_own(target, k)))
        }
        Native::ObjectIs => {
            let (a, b) = (arg(args, 0), arg(args, 1));
            Ok(Value::Bool(match (a, b) {
                (Value::Num(x), Value::Num(y)) => {
                    (x.is_nan() && y.is_nan())
                        || (x == y && x.is_sign_negative() == y.is_sign_negative())
                }
                _ => vm.strict_eq(a, b),
            }))
        }
        Native::StructuredClone => clone(vm, target, site, 0),
        _ => Ok(Value::Undefined),
    }
}

/// How V8 names a frozen object in the errors of writes to it.
fn frozen_name(vm: &mut Vm<'_>, o: ObjId, site: Site) -> R<String> {
    Ok(match vm.heap.obj(o).kind {
        ObjKind::Array(_) => "[object Array]".to_owned(),
        ObjKind::RegExp { .. } => "[object RegExp]".to_owned(),
        ObjKind::Error { .. } => {
            let s = vm.to_string(Value::Obj(o), site)?;
            vm.heap.str_lossy(s).into_owned()
        }
        _ => "#<Object>".to_owned(),
    })
}

/// The TypeError of a write of `key` to frozen object `o` (strict mode's): a property
/// it has is read only, a new one cannot be added.
pub(crate) fn frozen_write(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> Fault {
    let k = vm.key_text(key);
    if vm.has_own(Value::Obj(o), key) {
        read_only(vm, o, &k, site)
    } else {
        vm.type_error(
            format!("Cannot add property {k}, object is not extensible"),
            site,
        )
    }
}

/// The TypeError of a write to property `key` of frozen object `o`, which has it.
pub(crate) fn read_only(vm: &mut Vm<'_>, o: ObjId, key: &str, site: Site) -> Fault {
    match frozen_name(vm, o, site) {
        Ok(name) => vm.type_error(
            format!("Cannot assign to read only property '{key}' of object '{name}'"),
            site,
        ),
        Err(f) => f,
    }
}

/// The TypeError of deleting `key` from `o`, frozen or holding it as not
/// configurable.
pub(crate) fn frozen_delete(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> Fault {
    let k = vm.key_text(key);
    match frozen_name(vm, o, site) {
        Ok(name) => vm.type_error(format!("Cannot delete property '{k}' of {name}"), site),
        Err(f) => f,
    }
}

/// A deep copy of plain data (objects, arrays, dates, maps, sets).
fn clone(vm: &mut Vm<'_>, v: Value, site: Site, depth: usize) -> R<Value> {
    if depth > vm.limits.max_value_depth {
        return Err(Fault::Limit(Limit::ValueDepth, site));
    }
    let Value::Obj(o) = v else {
        return Ok(v);
    };
    vm.step(1, site)?;
    let object = vm.heap.obj(o).clone();
    match object.kind {
        ObjKind::Function(_) => {
            Err(vm.throw(error_class::ERROR, "function could not be cloned", site))
        }
        ObjKind::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for x in items {
                out.push(clone(vm, x, site, depth + 1)?);
            }
            vm.array(out, site)
        }
        kind => {
            let mut props = Props::with_capacity(object.props.len());
            for (k, x) in object.props.enumerable_entries() {
                let c = clone(vm, *x, site, depth + 1)?;
                props.set(*k, c);
            }
            vm.alloc(
                Object {
                    props,
                    kind,
                    origin: 0,
                },
                site,
            )
        }
    }
}

/// `new Error(message)` and its kin; `new ExposableError(message, code = 400)`.
pub(super) fn new_error(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let class = match n {
        Native::NewTypeError => error_class::TYPE_ERROR,
        Native::NewRangeError => error_class::RANGE_ERROR,
        Native::NewSyntaxError => error_class::SYNTAX_ERROR,
        Native::NewUriError => error_class::URI_ERROR,
        Native::NewExposableError => error_class::EXPOSABLE_ERROR,
        _ => error_class::ERROR,
    };
    let message = match arg(args, 0) {
        Value::Undefined => Value::Undefined,
        v => Value::Str(vm.to_string(v, site)?),
    };
    let mut props = Props::new();
    if class == error_class::EXPOSABLE_ERROR {
        // `this.name = 'ExposableError'; this.code = code`: own, enumerable.
        let name = vm.str_value("ExposableError", site)?;
        props.push_new_name(Atom::NAME, name);
        let code = match arg(args, 1) {
            Value::Undefined => Value::Num(400.0),
            v => v,
        };
        props.push_new_name(Atom::CODE, code);
    }
    // `new Error(msg, { cause })`.
    if let Value::Obj(opts) = arg(
        args,
        if class == error_class::EXPOSABLE_ERROR {
            2
        } else {
            1
        },
    ) {
        if let Some(cause) = vm.heap.obj(opts).props.get(Atom::CAUSE) {
            props.set(Atom::CAUSE, cause);
        }
    }
    vm.alloc(
        Object {
            props,
            kind: ObjKind::Error {
                class,
                message,
                thrown_at: 0,
            },
            origin: 0,
        },
        site,
    )
}

/// Methods every object has.
pub(super) fn common_method(
    vm: &mut Vm<'_>,
    this: Value,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    Ok(Some(match m {
        Method::HasOwnProperty => {
            let k = vm.to_key(arg(args, 0), site)?;
            Value::Bool(vm.has_own(this, k))
        }
        Method::ToString => Value::Str(vm.to_string(this, site)?),
        Method::ValueOf => this,
        _ => return Ok(None),
    }))
}

/// `f.call(this, …args)`, `f.apply(this, args)`, `f.bind(this, …args)`.
pub(super) fn function_method(
    vm: &mut Vm<'_>,
    f: Value,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    Ok(Some(match m {
        Method::Call => vm.call(f, arg(args, 0), args.get(1..).unwrap_or(&[]), site)?,
        Method::Apply => {
            let list = match arg(args, 1) {
                Value::Undefined | Value::Null => Vec::new(),
                v => vm.iterate(v, site)?,
            };
            vm.call(f, arg(args, 0), &list, site)?
        }
        Method::Bind => {
            if args.len() > 1 {
                return Err(vm.type_error(
                    "bind with arguments is not supported: use an arrow function",
                    site,
                ));
            }
            // Functions of the program have no `this`: binding keeps the function.
            f
        }
        _ => return Ok(None),
    }))
}

/// `new Map(entries)`, `new Set(values)`.
pub(super) fn new_collection(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let mut entries: Vec<(Value, Value)> = Vec::new();
    let init = arg(args, 0);
    if !init.is_nullish() {
        let items = vm.iterate(init, site)?;
        vm.step(items.len() as u64, site)?;
        for item in items {
            let (k, v) = if n == Native::NewMap {
                let k = vm.get(item, Atom::index(0).unwrap_or(Atom::EMPTY), site)?;
                let v = vm.get(item, Atom::index(1).unwrap_or(Atom::EMPTY), site)?;
                (k, v)
            } else {
                (item, item)
            };
            insert(vm, &mut entries, k, v);
        }
    }
    let kind = if n == Native::NewMap {
        HostKind::Map
    } else {
        HostKind::Set
    };
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Host(kind, Box::new(HostData::Entries(entries))),
            origin: 0,
        },
        site,
    )
}

fn insert(vm: &Vm<'_>, entries: &mut Vec<(Value, Value)>, k: Value, v: Value) {
    match entries.iter_mut().find(|(x, _)| vm.same_value_zero(*x, k)) {
        Some(slot) => slot.1 = v,
        None => entries.push((k, v)),
    }
}

fn entries(vm: &Vm<'_>, o: ObjId) -> Vec<(Value, Value)> {
    match &vm.heap.obj(o).kind {
        ObjKind::Host(_, data) => match &**data {
            HostData::Entries(e) => e.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn set_entries(vm: &mut Vm<'_>, o: ObjId, e: Vec<(Value, Value)>) {
    if let ObjKind::Host(_, data) = &mut vm.heap.obj_mut(o).kind {
        **data = HostData::Entries(e);
    }
}

/// Map and Set methods.
pub(super) fn collection_method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let is_map = matches!(vm.heap.obj(o).kind, ObjKind::Host(HostKind::Map, _));
    let mut list = entries(vm, o);
    vm.step(1 + (list.len() as u64 >> 4), site)?;
    let key = arg(args, 0);
    let v = match m {
        Method::Get if is_map => list
            .iter()
            .find(|(k, _)| vm.same_value_zero(*k, key))
            .map_or(Value::Undefined, |(_, v)| *v),
        Method::Set if is_map => {
            let r = vm.heap.charge(32);
            vm.mem(r, site)?;
            insert(vm, &mut list, key, arg(args, 1));
            set_entries(vm, o, list);
            Value::Obj(o)
        }
        Method::Add if !is_map => {
            let r = vm.heap.charge(32);
            vm.mem(r, site)?;
            insert(vm, &mut list, key, key);
            set_entries(vm, o, list);
            Value::Obj(o)
        }
        Method::Has => Value::Bool(list.iter().any(|(k, _)| vm.same_value_zero(*k, key))),
        Method::Delete => {
            let before = list.len();
            list.retain(|(k, _)| !vm.same_value_zero(*k, key));
            let removed = list.len() != before;
            set_entries(vm, o, list);
            Value::Bool(removed)
        }
        Method::Clear => {
            set_entries(vm, o, Vec::new());
            Value::Undefined
        }
        Method::ForEach => {
            let f = super::callback(vm, arg(args, 0), "forEach's callback", site)?;
            for (k, v) in list {
                vm.call(f, Value::Undefined, &[v, k, Value::Obj(o)], site)?;
            }
            Value::Undefined
        }
        Method::Keys | Method::Values | Method::Entries => {
            let mut out = Vec::with_capacity(list.len());
            for (k, v) in list {
                out.push(match m {
                    Method::Keys => k,
                    Method::Values => v,
                    _ if is_map => vm.array(vec![k, v], site)?,
                    _ => vm.array(vec![k, k], site)?,
                });
            }
            vm.array(out, site)?
        }
        _ => return Ok(None),
    };
    Ok(Some(v))
}

/// `map.size`.
pub(super) fn collection_get(vm: &mut Vm<'_>, o: ObjId, key: Atom, _site: Site) -> R<Value> {
    if vm.key_text(key) == "size" {
        return Ok(Value::Num(entries(vm, o).len() as f64));
    }
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
        ("String(Object.hasOwn({ a: 1 }, 'a')) + Object.hasOwn({ a: 1 }, 'b') + Object.hasOwn([1], 0) + Object.hasOwn([1], 'length') + Object.hasOwn('ab', 1)", "truefalsetruetruetrue"),
        ("Object.hasOwn(null, 'a')", "throws TypeError: Cannot convert undefined or null to object"),
        ("(() => { const o = Object.freeze({ x: 1 }); o.x = 2; })()", "throws TypeError: Cannot assign to read only property 'x' of object '#<Object>'"),
        ("(() => { const o = Object.freeze({ x: 1 }); o.y = 2; })()", "throws TypeError: Cannot add property y, object is not extensible"),
        ("(() => { const o = Object.freeze({ x: 1 }); delete o.x; })()", "throws TypeError: Cannot delete property 'x' of #<Object>"),
        ("(() => { const o = Object.freeze({ x: 1 }); delete o.y; return 'ok'; })()", "ok"),
        ("(() => { const a = Object.freeze([1, 2]); a[0] = 5; })()", "throws TypeError: Cannot assign to read only property '0' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([1, 2]); a[5] = 5; })()", "throws TypeError: Cannot add property 5, object is not extensible"),
        ("(() => { const a = Object.freeze([1, 2]); a.length = 0; })()", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([1, 2]); a.push(3); })()", "throws TypeError: Cannot add property 2, object is not extensible"),
        ("(() => { const a = Object.freeze([1, 2]); a.pop(); })()", "throws TypeError: Cannot delete property '1' of [object Array]"),
        ("(() => { const a = Object.freeze([1, 2]); a.shift(); })()", "throws TypeError: Cannot assign to read only property '0' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([1, 2]); a.unshift(0); })()", "throws TypeError: Cannot add property 2, object is not extensible"),
        ("(() => { const a = Object.freeze([2, 1]); a.sort(); })()", "throws TypeError: Cannot assign to read only property '0' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([1, 2]); a.reverse(); })()", "throws TypeError: Cannot assign to read only property '0' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([]); a.push(); })()", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("(() => { const a = Object.freeze([]); a.pop(); })()", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("(() => { const o = Object.freeze({ x: 1 }); Object.assign(o, { x: 2 }); })()", "throws TypeError: Cannot assign to read only property 'x' of object '#<Object>'"),
        ("(() => { const o = Object.freeze({ x: 1 }); Object.assign(o, {}); return 'ok'; })()", "ok"),
        ("(() => { const o = Object.freeze({ x: { y: 1 } }); o.x.y = 2; return o.x.y; })()", "2"),
        ("[Object.isFrozen({}), Object.isFrozen(Object.freeze({})), Object.isFrozen(1), Object.isFrozen('a'), Object.isFrozen([]), Object.freeze(5), Object.isFrozen(Object.freeze([]))].join()", "false,true,true,true,false,5,true"),
        ("(() => { const a = Object.freeze([3, 1, 2]); return a.toSorted().join() + a.map((x) => x * 2).join() + a.slice(1).join(); })()", "1,2,36,2,41,2"),
        ("(() => { const f = Object.freeze(new Map()); f.set(1, 2); return f.size; })()", "1"),
        ("(() => { const d = Object.freeze(new Date(0)); d.setTime(5); return d.getTime(); })()", "5"),
        ("(() => { const e = Object.freeze(new Error('m')); e.message = 'n'; })()", "throws TypeError: Cannot assign to read only property 'message' of object 'Error: m'"),
        ("(() => { const o = Object.freeze({ x: 1 }); return JSON.stringify({ ...o, y: 2 }); })()", "{\"x\":1,\"y\":2}"),
        ("(() => { const a = [1]; Object.freeze(a); a.length = 1; return 'ok'; })()", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("Object.freeze([1]).sort()", "1"),
        ("Object.freeze([]).sort().length", "0"),
        ("Object.freeze([2, 1]).sort((a, b) => { throw new Error('cmp'); })", "throws Error: cmp"),
        ("Object.freeze([1]).reverse().length", "1"),
        ("Object.freeze([1, 2, 3]).splice(0, 0)", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("Object.freeze([1, 2, 3]).splice(0, 1)", "throws TypeError: Cannot assign to read only property '0' of object '[object Array]'"),
        ("Object.freeze([1, 2, 3]).splice(2, 1)", "throws TypeError: Cannot delete property '2' of [object Array]"),
        ("Object.freeze([1, 2, 3]).splice(1, 1, 'a', 'b')", "throws TypeError: Cannot add property 3, object is not extensible"),
        ("Object.freeze([1, 2, 3]).splice(3, 0, 'a')", "throws TypeError: Cannot add property 3, object is not extensible"),
        ("Object.freeze([1, 2, 3]).splice(1, 2, 'a', 'b')", "throws TypeError: Cannot assign to read only property '1' of object '[object Array]'"),
        ("Object.freeze([1, 2, 3]).splice(1, 2, 'a')", "throws TypeError: Cannot delete property '2' of [object Array]"),
        ("Object.freeze([1, 2, 3]).fill(0, 2, 2).length", "3"),
        ("Object.freeze([1, 2, 3]).fill(0, 1)", "throws TypeError: Cannot assign to read only property '1' of object '[object Array]'"),
        ("Object.freeze([1, 2, 3, 4, 5]).copyWithin(1, 0)", "throws TypeError: Cannot assign to read only property '4' of object '[object Array]'"),
        ("Object.freeze([1, 2, 3]).copyWithin(0, 3).length", "3"),
        ("Object.freeze([1, 2]).unshift()", "throws TypeError: Cannot assign to read only property 'length' of object '[object Array]'"),
        ("Object.freeze([]).unshift(1, 2)", "throws TypeError: Cannot add property 0, object is not extensible"),
        ("Object.freeze([1]).unshift(1, 2)", "throws TypeError: Cannot add property 2, object is not extensible"),
        ("Object.freeze([1]).shift()", "throws TypeError: Cannot delete property '0' of [object Array]"),
        ("(() => { const f = function () {}; Object.freeze(f); f.x = 1; })()", "throws TypeError: Cannot add property x, object is not extensible"),
        ("(() => { const d = Object.freeze(new Date(0)); d.x = 1; })()", "throws TypeError: Cannot add property x, object is not extensible"),
        ("(() => { const m = Object.freeze(new Map()); m.x = 1; })()", "throws TypeError: Cannot add property x, object is not extensible"),
        ("(() => { const u = Object.freeze(new URL('https://a.b/')); u.pathname = '/x'; return u.href; })()", "https://a.b/x"),
        ("(() => { const r = Object.freeze(/a/g); return r.test('a'); })()", "throws TypeError: Cannot assign to read only property 'lastIndex' of object '[object RegExp]'"),
        ("(() => { const o = Object.freeze({ a: 1 }); o.a = 1; })()", "throws TypeError: Cannot assign to read only property 'a' of object '#<Object>'"),
        ]);
    }
}
