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
        // Objects are not frozen here; freezing only documents intent.
        Native::ObjectFreeze => Ok(target),
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
            for (k, x) in object.props.entries() {
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
            kind: ObjKind::Error { class, message },
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
