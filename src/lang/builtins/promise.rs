//! Promises. Every promise here is settled, or waits for a host operation: `then`
//! callbacks run at once on settled promises, and a run that needs the result of a
//! pending operation suspends (see `crate::lang::host`).

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{Fault, Vm, R};
use crate::lang::value::{Atom, ObjId, ObjKind, Object, PromiseState, Props, Value};

/// The state of a promise value, with host results resolved; `None` for a value
/// that is not a promise.
fn state(vm: &mut Vm<'_>, v: Value, site: Site) -> R<Option<PromiseState>> {
    let Value::Obj(o) = v else { return Ok(None) };
    match vm.heap.obj(o).kind {
        ObjKind::Promise(PromiseState::Pending(op)) => {
            Ok(Some(match vm.host_result(op, site)? {
                Some(x) => PromiseState::Fulfilled(x),
                None => PromiseState::Pending(op),
            }))
        }
        ObjKind::Promise(s) => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// `Promise.all`, `Promise.allSettled`, `Promise.race`, `Promise.resolve`,
/// `Promise.reject`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    match n {
        Native::PromiseResolve => {
            let v = arg(args, 0);
            if state(vm, v, site)?.is_some() {
                return Ok(v);
            }
            vm.promise(PromiseState::Fulfilled(v), site)
        }
        Native::PromiseReject => vm.promise(PromiseState::Rejected(arg(args, 0)), site),
        Native::PromiseRace => {
            // The first item already settled (a plain value counts as fulfilled),
            // in order, as its reaction runs first; else the first operation.
            let items = vm.iterate(arg(args, 0), site)?;
            vm.step(items.len() as u64, site)?;
            let mut pending = None;
            for item in items {
                match state(vm, item, site)? {
                    None => return vm.promise(PromiseState::Fulfilled(item), site),
                    Some(PromiseState::Pending(op)) => {
                        pending.get_or_insert(op);
                    }
                    Some(settled) => return vm.promise(settled, site),
                }
            }
            match pending {
                Some(op) => vm.promise(PromiseState::Pending(op), site),
                // An empty race never settles: a promise no operation resolves.
                None => Err(vm.type_error("Promise.race of no promises never settles", site)),
            }
        }
        _ => {
            let items = vm.iterate(arg(args, 0), site)?;
            let settled = n == Native::PromiseAllSettled;
            let mut out = Vec::with_capacity(items.len());
            let mut pending = None;
            for item in items {
                match state(vm, item, site)? {
                    None => out.push(outcome(vm, settled, true, item, site)?),
                    Some(PromiseState::Fulfilled(x)) => {
                        out.push(outcome(vm, settled, true, x, site)?)
                    }
                    Some(PromiseState::Rejected(e)) => {
                        if !settled {
                            return vm.promise(PromiseState::Rejected(e), site);
                        }
                        out.push(outcome(vm, settled, false, e, site)?);
                    }
                    Some(PromiseState::Pending(op)) => {
                        pending.get_or_insert(op);
                        out.push(Value::Undefined);
                    }
                }
            }
            match pending {
                // Every operation was started; the result waits for the first.
                Some(op) => vm.promise(PromiseState::Pending(op), site),
                None => {
                    let arr = vm.array(out, site)?;
                    vm.promise(PromiseState::Fulfilled(arr), site)
                }
            }
        }
    }
}

fn outcome(vm: &mut Vm<'_>, settled: bool, ok: bool, v: Value, site: Site) -> R<Value> {
    if !settled {
        return Ok(v);
    }
    let status = vm.str_value(if ok { "fulfilled" } else { "rejected" }, site)?;
    let mut props = Props::with_capacity(2);
    props.push_new_name(Atom::STATUS, status);
    props.push_new_name(if ok { Atom::VALUE } else { Atom::REASON }, v);
    vm.alloc(Object::plain(props), site)
}

/// `then`, `catch`, `finally`.
pub(super) fn method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let s = match state(vm, Value::Obj(o), site)? {
        Some(PromiseState::Pending(_)) => return Err(Fault::Suspend),
        Some(s) => s,
        None => return Ok(None),
    };
    let (on_ok, on_err) = match m {
        Method::Then => (arg(args, 0), arg(args, 1)),
        Method::Catch => (Value::Undefined, arg(args, 0)),
        Method::Finally => {
            let f = arg(args, 0);
            if vm.is_function(f) {
                let r = vm.call(f, Value::Undefined, &[], site)?;
                vm.await_value(r, site)?;
            }
            return Ok(Some(Value::Obj(o)));
        }
        _ => return Ok(None),
    };
    let result = match s {
        PromiseState::Fulfilled(v) if vm.is_function(on_ok) => {
            vm.call(on_ok, Value::Undefined, &[v], site)
        }
        PromiseState::Rejected(e) if vm.is_function(on_err) => {
            vm.call(on_err, Value::Undefined, &[e], site)
        }
        _ => return Ok(Some(Value::Obj(o))),
    };
    let v = match result {
        Ok(v) => v,
        Err(Fault::Throw(e, _)) => return vm.promise(PromiseState::Rejected(e), site).map(Some),
        Err(other) => return Err(other),
    };
    // A callback that returns a promise is adopted.
    if state(vm, v, site)?.is_some() {
        return Ok(Some(v));
    }
    vm.promise(PromiseState::Fulfilled(v), site).map(Some)
}
