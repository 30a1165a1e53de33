//! Array functions and methods.

use std::cmp::Ordering;

use super::object;
use super::sort;
use super::string::relative_index;
use super::table::Native;
use super::{arg, callback, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::ops::truthy;
use crate::lang::eval::{error_class, Fault, Limit, Vm, R};
use crate::lang::value::{Atom, ObjId, ObjKind, Value};

/// The most items an array made from a length may have.
const MAX_LENGTH: f64 = (1u64 << 24) as f64;

/// `Array(…)`, `Array.isArray`, `Array.from`, `Array.of`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    match n {
        Native::ArrayIsArray => Ok(Value::Bool(vm.is_array(arg(args, 0)))),
        Native::ArrayOf => vm.array(args.to_vec(), site),
        Native::ArrayFn => match args {
            [Value::Num(len)] => {
                if *len < 0.0 || len.fract() != 0.0 || *len > MAX_LENGTH {
                    return Err(vm.throw(error_class::RANGE_ERROR, "Invalid array length", site));
                }
                let r = vm.heap.charge(*len as usize * 16);
                vm.mem(r, site)?;
                vm.array(vec![Value::Undefined; *len as usize], site)
            }
            _ => vm.array(args.to_vec(), site),
        },
        _ => {
            // Array.from(source, mapFn)
            let source = arg(args, 0);
            let map = arg(args, 1);
            if map != Value::Undefined {
                callback(vm, map, "Array.from's map function", site)?;
            }
            let items = match source {
                Value::Obj(o)
                    if !matches!(vm.heap.obj(o).kind, ObjKind::Array(_) | ObjKind::Host(..)) =>
                {
                    let len = vm.get(source, Atom::LENGTH, site)?;
                    let len = vm.to_number(len, site)?;
                    let len = if len.is_nan() {
                        0.0
                    } else {
                        len.trunc().max(0.0)
                    };
                    if len > MAX_LENGTH {
                        return Err(vm.throw(
                            error_class::RANGE_ERROR,
                            "Invalid array length",
                            site,
                        ));
                    }
                    let r = vm.heap.charge(len as usize * 16);
                    vm.mem(r, site)?;
                    let mut out = Vec::with_capacity(len as usize);
                    for i in 0..len as u32 {
                        let k = Atom::index(i).unwrap_or(Atom::EMPTY);
                        out.push(vm.get(source, k, site)?);
                    }
                    out
                }
                Value::Undefined | Value::Null => {
                    return Err(
                        vm.type_error("Array.from requires an array-like or iterable", site)
                    );
                }
                Value::Num(_) | Value::Bool(_) => Vec::new(),
                _ => vm.iterate(source, site)?,
            };
            vm.step(items.len() as u64, site)?;
            if map == Value::Undefined {
                return vm.array(items, site);
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                out.push(vm.call(map, Value::Undefined, &[v, Value::Num(i as f64)], site)?);
            }
            vm.array(out, site)
        }
    }
}

fn items<'a>(vm: &'a Vm<'_>, o: ObjId) -> &'a [Value] {
    match &vm.heap.obj(o).kind {
        ObjKind::Array(items) => items,
        _ => &[],
    }
}

fn items_mut<'a>(vm: &'a mut Vm<'_>, o: ObjId) -> Option<&'a mut Vec<Value>> {
    match &mut vm.heap.obj_mut(o).kind {
        ObjKind::Array(items) => Some(items),
        _ => None,
    }
}

fn item(vm: &Vm<'_>, o: ObjId, i: usize) -> Value {
    items(vm, o).get(i).copied().unwrap_or(Value::Undefined)
}

fn len(vm: &Vm<'_>, o: ObjId) -> usize {
    items(vm, o).len()
}

fn charge_items(vm: &mut Vm<'_>, n: usize, site: Site) -> R<()> {
    let r = vm.heap.charge(n * std::mem::size_of::<Value>());
    vm.mem(r, site)
}

/// The first write a mutating method makes, which throws when the array is frozen.
#[derive(Clone, Copy)]
enum Write {
    Index(usize),
    Length,
    Delete(usize),
}

/// Throws V8's error when array `o` is frozen and a method is about to make `first`,
/// its first write (the message names it: a read-only index, an index that cannot be
/// added, `length`, or a deletion).
fn guard(vm: &mut Vm<'_>, o: ObjId, first: Option<Write>, site: Site) -> R<()> {
    let Some(w) = first.filter(|_| vm.heap.obj(o).props.is_frozen()) else {
        return Ok(());
    };
    let index = |i: usize| Atom::index(i as u32).unwrap_or(Atom::LENGTH);
    Err(match w {
        Write::Index(i) => object::frozen_write(vm, o, index(i), site),
        Write::Length => object::frozen_write(vm, o, Atom::LENGTH, site),
        Write::Delete(i) => object::frozen_delete(vm, o, index(i), site),
    })
}

/// Calls `f(item, index, array)`.
fn visit(vm: &mut Vm<'_>, f: Value, this_arg: Value, o: ObjId, i: usize, site: Site) -> R<Value> {
    let v = item(vm, o, i);
    vm.call(f, this_arg, &[v, Value::Num(i as f64), Value::Obj(o)], site)
}

/// An array method; `None` when arrays have no such method.
pub(super) fn method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let n = len(vm, o);
    let this = Value::Obj(o);
    let v = match m {
        Method::Map => {
            let f = callback(vm, arg(args, 0), "map's callback", site)?;
            charge_items(vm, n, site)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(visit(vm, f, arg(args, 1), o, i, site)?);
            }
            vm.array(out, site)?
        }
        Method::Filter => {
            let f = callback(vm, arg(args, 0), "filter's callback", site)?;
            let mut out = Vec::new();
            for i in 0..n {
                let v = item(vm, o, i);
                let keep = visit(vm, f, arg(args, 1), o, i, site)?;
                if truthy(vm, keep) {
                    out.push(v);
                }
            }
            charge_items(vm, out.len(), site)?;
            vm.array(out, site)?
        }
        Method::ForEach => {
            let f = callback(vm, arg(args, 0), "forEach's callback", site)?;
            for i in 0..n.min(len(vm, o)) {
                visit(vm, f, arg(args, 1), o, i, site)?;
            }
            Value::Undefined
        }
        Method::Find | Method::FindIndex | Method::FindLast | Method::FindLastIndex => {
            let f = callback(vm, arg(args, 0), "find's callback", site)?;
            let last = matches!(m, Method::FindLast | Method::FindLastIndex);
            let want_index = matches!(m, Method::FindIndex | Method::FindLastIndex);
            let order: Box<dyn Iterator<Item = usize>> = if last {
                Box::new((0..n).rev())
            } else {
                Box::new(0..n)
            };
            let mut found = None;
            for i in order {
                let r = visit(vm, f, arg(args, 1), o, i, site)?;
                if truthy(vm, r) {
                    found = Some(i);
                    break;
                }
            }
            match (found, want_index) {
                (Some(i), true) => Value::Num(i as f64),
                (None, true) => Value::Num(-1.0),
                (Some(i), false) => item(vm, o, i),
                (None, false) => Value::Undefined,
            }
        }
        Method::Some | Method::Every => {
            let f = callback(vm, arg(args, 0), "the callback", site)?;
            let want = m == Method::Some;
            let mut result = !want;
            for i in 0..n {
                let r = visit(vm, f, arg(args, 1), o, i, site)?;
                if truthy(vm, r) == want {
                    result = want;
                    break;
                }
            }
            Value::Bool(result)
        }
        Method::Reduce | Method::ReduceRight => {
            let f = callback(vm, arg(args, 0), "reduce's callback", site)?;
            let order: Vec<usize> = if m == Method::Reduce {
                (0..n).collect()
            } else {
                (0..n).rev().collect()
            };
            let mut iter = order.into_iter();
            let mut acc = if args.len() >= 2 {
                args[1]
            } else {
                match iter.next() {
                    Some(i) => item(vm, o, i),
                    None => {
                        return Err(
                            vm.type_error("Reduce of empty array with no initial value", site)
                        )
                        .map(Some)
                    }
                }
            };
            for i in iter {
                let v = item(vm, o, i);
                acc = vm.call(
                    f,
                    Value::Undefined,
                    &[acc, v, Value::Num(i as f64), this],
                    site,
                )?;
            }
            acc
        }
        Method::FlatMap => {
            let f = callback(vm, arg(args, 0), "flatMap's callback", site)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = visit(vm, f, arg(args, 1), o, i, site)?;
                match r {
                    Value::Obj(x) if vm.is_array(r) => out.extend_from_slice(items(vm, x)),
                    _ => out.push(r),
                }
            }
            charge_items(vm, out.len(), site)?;
            vm.array(out, site)?
        }
        Method::Flat => {
            let depth = match arg(args, 0) {
                Value::Undefined => 1.0,
                v => vm.to_number(v, site)?,
            };
            let depth = if depth.is_nan() {
                0
            } else {
                depth.max(0.0).min(vm.limits.max_value_depth as f64) as usize
            };
            let mut out = Vec::new();
            flatten(vm, o, depth, &mut out, site, 0)?;
            charge_items(vm, out.len(), site)?;
            vm.array(out, site)?
        }
        Method::Includes | Method::IndexOf | Method::LastIndexOf => {
            let needle = arg(args, 0);
            vm.step(n as u64, site)?;
            let from = match m {
                Method::LastIndexOf => None,
                _ => Some(relative_index(vm, arg(args, 1), n, 0, site)?),
            };
            let list = items(vm, o).to_vec();
            match m {
                Method::Includes => Value::Bool(
                    list[from.unwrap_or(0)..]
                        .iter()
                        .any(|v| vm.same_value_zero(*v, needle)),
                ),
                Method::IndexOf => Value::Num(
                    list[from.unwrap_or(0)..]
                        .iter()
                        .position(|v| vm.strict_eq(*v, needle))
                        .map_or(-1.0, |i| (i + from.unwrap_or(0)) as f64),
                ),
                _ => {
                    // From `fromIndex` (counted from the end when negative) down.
                    let end = if args.len() < 2 {
                        n as f64
                    } else {
                        let x = vm.to_number(args[1], site)?;
                        let x = if x.is_nan() { 0.0 } else { x.trunc() };
                        if x < 0.0 {
                            n as f64 + x + 1.0
                        } else {
                            (x + 1.0).min(n as f64)
                        }
                    };
                    let end = end.max(0.0) as usize;
                    Value::Num(
                        list[..end]
                            .iter()
                            .rposition(|v| vm.strict_eq(*v, needle))
                            .map_or(-1.0, |i| i as f64),
                    )
                }
            }
        }
        Method::Join | Method::ToString => {
            let sep: Vec<u8> = match (m, arg(args, 0)) {
                (Method::Join, Value::Undefined) | (Method::ToString, _) => b",".to_vec(),
                (_, v) => {
                    let s = vm.to_string(v, site)?;
                    vm.heap.str_bytes(s).to_vec()
                }
            };
            vm.step(n as u64, site)?;
            if vm.joining.contains(&o) {
                return Ok(Some(vm.string(b"", site)?));
            }
            let list = items(vm, o).to_vec();
            let mut out = Vec::new();
            vm.joining.push(o);
            let r = (|| {
                for (i, v) in list.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(&sep);
                    }
                    if !v.is_nullish() {
                        vm.push_string(&mut out, *v, site, 1)?;
                    }
                    if out.len() > vm.limits.max_memory {
                        return Err(Fault::Limit(Limit::Memory, site));
                    }
                }
                Ok(())
            })();
            vm.joining.pop();
            r?;
            vm.string(&out, site)?
        }
        Method::Slice => {
            let start = relative_index(vm, arg(args, 0), n, 0, site)?;
            let end = relative_index(vm, arg(args, 1), n, n, site)?;
            let part = items(vm, o)[start..end.max(start)].to_vec();
            charge_items(vm, part.len(), site)?;
            vm.array(part, site)?
        }
        Method::Concat => {
            let mut out = items(vm, o).to_vec();
            for a in args {
                match a {
                    Value::Obj(x) if vm.is_array(*a) => out.extend_from_slice(items(vm, *x)),
                    other => out.push(*other),
                }
            }
            charge_items(vm, out.len(), site)?;
            vm.array(out, site)?
        }
        Method::At => {
            let x = vm.to_number(arg(args, 0), site)?;
            let x = if x.is_nan() { 0.0 } else { x.trunc() };
            let i = if x < 0.0 { n as f64 + x } else { x };
            if i < 0.0 || i >= n as f64 {
                Value::Undefined
            } else {
                item(vm, o, i as usize)
            }
        }
        Method::Push => {
            guard(
                vm,
                o,
                Some(if args.is_empty() {
                    Write::Length
                } else {
                    Write::Index(n)
                }),
                site,
            )?;
            charge_items(vm, args.len(), site)?;
            if let Some(list) = items_mut(vm, o) {
                list.extend_from_slice(args);
            }
            Value::Num(len(vm, o) as f64)
        }
        Method::Pop => {
            guard(
                vm,
                o,
                Some(if n == 0 {
                    Write::Length
                } else {
                    Write::Delete(n - 1)
                }),
                site,
            )?;
            items_mut(vm, o)
                .and_then(Vec::pop)
                .unwrap_or(Value::Undefined)
        }
        Method::Shift => match items_mut(vm, o) {
            Some(list) if !list.is_empty() => {
                guard(
                    vm,
                    o,
                    Some(if n == 1 {
                        Write::Delete(0)
                    } else {
                        Write::Index(0)
                    }),
                    site,
                )?;
                vm.step(n as u64 >> 4, site)?;
                match items_mut(vm, o) {
                    Some(list) => list.remove(0),
                    None => Value::Undefined,
                }
            }
            _ => {
                guard(vm, o, Some(Write::Length), site)?;
                Value::Undefined
            }
        },
        Method::Unshift => {
            let first = match (args.len(), n) {
                (0, _) => Write::Length,
                (_, 0) => Write::Index(0),
                (k, n) => Write::Index(n + k - 1),
            };
            guard(vm, o, Some(first), site)?;
            charge_items(vm, args.len(), site)?;
            vm.step(n as u64 >> 4, site)?;
            if let Some(list) = items_mut(vm, o) {
                list.splice(0..0, args.iter().copied());
            }
            Value::Num(len(vm, o) as f64)
        }
        Method::Splice => {
            let start = relative_index(vm, arg(args, 0), n, 0, site)?;
            let count = match args.len() {
                0 => 0,
                1 => n - start,
                _ => {
                    let c = vm.to_number(args[1], site)?;
                    if c.is_nan() {
                        0
                    } else {
                        c.trunc().clamp(0.0, (n - start) as f64) as usize
                    }
                }
            };
            let new_items: Vec<Value> = args.get(2..).unwrap_or(&[]).to_vec();
            let added = new_items.len();
            let moves = start + count < n;
            let first = match added.cmp(&count) {
                Ordering::Less if moves => Write::Index(start + added),
                Ordering::Less => Write::Delete(n - 1),
                Ordering::Greater if moves => Write::Index(n - count + added - 1),
                Ordering::Greater | Ordering::Equal if added > 0 => Write::Index(start),
                _ => Write::Length,
            };
            guard(vm, o, Some(first), site)?;
            charge_items(vm, new_items.len(), site)?;
            vm.step(n as u64 >> 4, site)?;
            let removed: Vec<Value> = match items_mut(vm, o) {
                Some(list) => list.splice(start..start + count, new_items).collect(),
                None => Vec::new(),
            };
            vm.array(removed, site)?
        }
        Method::ToSpliced => {
            // `splice` on a copy, answering the copy.
            let start = relative_index(vm, arg(args, 0), n, 0, site)?;
            let count = match args.len() {
                0 => 0,
                1 => n - start,
                _ => {
                    let c = vm.to_number(args[1], site)?;
                    if c.is_nan() {
                        0
                    } else {
                        c.trunc().clamp(0.0, (n - start) as f64) as usize
                    }
                }
            };
            let added = args.get(2..).unwrap_or(&[]);
            charge_items(vm, n - count + added.len(), site)?;
            vm.step(n as u64 >> 4, site)?;
            let list = items(vm, o);
            let mut out = Vec::with_capacity(n - count + added.len());
            out.extend_from_slice(&list[..start]);
            out.extend_from_slice(added);
            out.extend_from_slice(&list[start + count..]);
            vm.array(out, site)?
        }
        Method::Reverse => {
            guard(vm, o, (n >= 2).then_some(Write::Index(0)), site)?;
            if let Some(list) = items_mut(vm, o) {
                list.reverse();
            }
            this
        }
        Method::ToReversed => {
            let mut list = items(vm, o).to_vec();
            list.reverse();
            charge_items(vm, list.len(), site)?;
            vm.array(list, site)?
        }
        Method::Sort | Method::ToSorted => {
            let cmp = arg(args, 0);
            if cmp != Value::Undefined && !vm.is_function(cmp) {
                return Err(vm.type_error(
                    "The comparison function must be either a function or undefined",
                    site,
                ));
            }
            let list = items(vm, o).to_vec();
            let sorted = sort(vm, list, cmp, site)?;
            if m == Method::Sort {
                guard(vm, o, (n >= 2).then_some(Write::Index(0)), site)?;
                if let Some(items) = items_mut(vm, o) {
                    *items = sorted;
                }
                this
            } else {
                charge_items(vm, sorted.len(), site)?;
                vm.array(sorted, site)?
            }
        }
        Method::Fill => {
            let v = arg(args, 0);
            let start = relative_index(vm, arg(args, 1), n, 0, site)?;
            let end = relative_index(vm, arg(args, 2), n, n, site)?;
            guard(vm, o, (start < end).then_some(Write::Index(start)), site)?;
            vm.step(end.saturating_sub(start) as u64 >> 4, site)?;
            if let Some(list) = items_mut(vm, o) {
                for slot in list.iter_mut().take(end).skip(start) {
                    *slot = v;
                }
            }
            this
        }
        Method::CopyWithin => {
            let target = relative_index(vm, arg(args, 0), n, 0, site)?;
            let start = relative_index(vm, arg(args, 1), n, 0, site)?;
            let end = relative_index(vm, arg(args, 2), n, n, site)?;
            let count = end.saturating_sub(start).min(n - target);
            if count > 0 {
                // Overlapping forwards, the copy runs from the end.
                let backwards = start < target && target < start + count;
                let first = if backwards {
                    target + count - 1
                } else {
                    target
                };
                guard(vm, o, Some(Write::Index(first)), site)?;
                vm.step(count as u64 >> 4, site)?;
                if let Some(list) = items_mut(vm, o) {
                    list.copy_within(start..start + count, target);
                }
            }
            this
        }
        Method::With => {
            let x = vm.to_number(arg(args, 0), site)?;
            let i = if x < 0.0 {
                n as f64 + x.trunc()
            } else {
                x.trunc()
            };
            if !(0.0..n as f64).contains(&i) {
                return Err(vm.throw(error_class::RANGE_ERROR, "Invalid index", site));
            }
            let mut list = items(vm, o).to_vec();
            list[i as usize] = arg(args, 1);
            charge_items(vm, list.len(), site)?;
            vm.array(list, site)?
        }
        Method::Keys | Method::Entries | Method::Values => {
            let list = items(vm, o).to_vec();
            let mut out = Vec::with_capacity(list.len());
            for (i, v) in list.into_iter().enumerate() {
                out.push(match m {
                    Method::Keys => Value::Num(i as f64),
                    Method::Values => v,
                    _ => vm.array(vec![Value::Num(i as f64), v], site)?,
                });
            }
            charge_items(vm, out.len(), site)?;
            vm.array(out, site)?
        }
        _ => return Ok(None),
    };
    Ok(Some(v))
}

fn flatten(
    vm: &mut Vm<'_>,
    o: ObjId,
    depth: usize,
    out: &mut Vec<Value>,
    site: Site,
    level: usize,
) -> R<()> {
    if level > vm.limits.max_value_depth {
        return Err(Fault::Limit(Limit::ValueDepth, site));
    }
    let list = items(vm, o).to_vec();
    vm.step(list.len() as u64, site)?;
    for v in list {
        match v {
            Value::Obj(x) if depth > 0 && vm.is_array(v) => {
                flatten(vm, x, depth - 1, out, site, level + 1)?
            }
            _ => out.push(v),
        }
    }
    Ok(())
}

/// `sort`'s order: V8's TimSort with the comparator's sign (NaN counting as 0), or
/// by default the strings' UTF-16 order; `undefined` last. A comparator that throws
/// stops the sort; one that is inconsistent gives V8's order, never a panic.
fn sort(vm: &mut Vm<'_>, list: Vec<Value>, cmp: Value, site: Site) -> R<Vec<Value>> {
    let (mut defined, undefined): (Vec<Value>, Vec<Value>) =
        list.into_iter().partition(|v| *v != Value::Undefined);
    let n = defined.len();
    vm.step(
        (n as u64) * (64 - (n as u64).leading_zeros() as u64).max(1),
        site,
    )?;
    charge_items(vm, n, site)?;
    if cmp == Value::Undefined {
        // Compare string forms, computed once.
        let mut keyed = Vec::with_capacity(n);
        for v in defined {
            let s = vm.to_string(v, site)?;
            keyed.push((s, v));
        }
        sort::timsort(&mut keyed, &mut |a, b| {
            Ok(match vm.compare_strings(a.0, b.0) {
                Ordering::Less => -1.0,
                Ordering::Equal => 0.0,
                Ordering::Greater => 1.0,
            })
        })?;
        defined = keyed.into_iter().map(|(_, v)| v).collect();
    } else {
        sort::timsort(&mut defined, &mut |a, b| {
            let r = vm.call(cmp, Value::Undefined, &[*a, *b], site)?;
            let x = vm.to_number(r, site)?;
            Ok(if x.is_nan() { 0.0 } else { x })
        })?;
    }
    defined.extend(undefined);
    Ok(defined)
}

#[cfg(test)]
mod tests {
    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
            ("[[1, 2, 3, 2, 1].lastIndexOf(2), [1, 2, 3, 2, 1].lastIndexOf(2, 2), [1, 2, 3, 2, 1].lastIndexOf(2, -3), [1, 2, 3].lastIndexOf(3, -5), [1, 2, 3].indexOf(3, -1), [NaN].indexOf(NaN), [NaN].includes(NaN), [-0].includes(0), [0].indexOf(-0), [1, 2, 3].includes(1, 1), [1, 2, 3].indexOf(1, -10)].join()", "3,1,1,-1,2,-1,true,true,0,false,0"),
            ("(() => { const a = [1, 2]; a.push(a); return a.join('-') + '|' + String([[1, [2, [3]]], null, undefined]); })()", "1-2-|1,2,3,,"),
            ("JSON.stringify([[1, [2, [3, [4]]]].flat(), [[1, [2, [3, [4]]]]].flat(Infinity), [1, [2]].flat(0), [1, [2]].flat(-1), [1, 2].flatMap((x) => [x, [x * 2]])])", "[[1,2,[3,[4]]],[1,2,3,4],[1,[2]],[1,[2]],[1,[2],2,[4]]]"),
            ("JSON.stringify([[1, 2, 3, 4, 5].slice(-2), [1, 2, 3].slice(1, -1), [1, 2, 3].slice(5), [1, 2, 3].slice(NaN, 2), [1, 2, 3].at(-4), [1, 2, 3].with(-1, 9), [1, 2, 3].toSpliced ? 'has' : 'no'])", "[[4,5],[2],[],[1,2],null,[1,2,9],\"has\"]"),
            ("JSON.stringify((() => { const a = [1, 2, 3, 4, 5]; const r = a.splice(-2, 1, 'x', 'y'); return [a, r, [1, 2, 3].splice(1), [1, 2, 3].splice(), [1, 2, 3].splice(undefined, 1), [1, 2, 3].splice(1, undefined)]; })())", "[[1,2,3,\"x\",\"y\",5],[4],[2,3],[],[1],[]]"),
            ("JSON.stringify([[3, 1, 2].reverse(), [1, 2, 3].fill(0, -2, -1), new Array(3).fill().map((_, i) => i), Array.from({ length: 3 }, (_, i) => i * 2), Array.from('héllo'), Array.from(new Set([1, 1, 2])), Array.of(7), Array(2).length, [,].length])", "[[2,1,3],[1,0,3],[0,1,2],[0,2,4],[\"h\",\"é\",\"l\",\"l\",\"o\"],[1,2],[7],2,1]"),
            ("JSON.stringify([[1, 2, 3].reduce((a, b) => a + b), [[1], [2]].reduce((a, b) => a.concat(b), []), [1, 2, 3].reduceRight((a, b) => a + '-' + b), [1, 2, 3].some((x) => x > 2), [].every((x) => false), [1, 2, 3].find((x) => x > 5), [1, 2, 3].findLast((x) => x < 3), [1, 2, 3].findLastIndex((x) => x > 5)])", "[6,[1,2],\"3-2-1\",true,true,null,2,-1]"),
            ("[].reduce((a, b) => a)", "throws TypeError: Reduce of empty array with no initial value"),
            ("JSON.stringify([[1, 2, 3].concat(4, [5, [6]]), [1, 2].entries ? [...[1, 2].entries()] : 0, [...['a', 'b'].keys()], [1, 2, 3].join(undefined), [null, undefined, 1].join('-'), [1.5, -0, 1e21].join()])", "[[1,2,3,4,5,[6]],[[0,1],[1,2]],[0,1],\"1,2,3\",\"--1\",\"1.5,0,1e+21\"]"),
            ("JSON.stringify([[5, 1, 10].toSorted(), [1, 2, 3].toReversed(), Array.isArray([]), Array.isArray({ length: 0 })])", "[[1,10,5],[3,2,1],true,false]"),
            ("new Array(-1)", "throws RangeError: Invalid array length"),
            ("new Array(1.5)", "throws RangeError: Invalid array length"),
            ("JSON.stringify(new Array(2, 3))", "[2,3]"),
            ("JSON.stringify(Array.from({ length: 2, 0: 'a', 1: 'b' }))", "[\"a\",\"b\"]"),
            ("JSON.stringify([1, 2, 3, 4].findIndex((x, i, arr) => arr.length === 4 && x === 3))", "2"),
            ("JSON.stringify(['a', 'b'].map((x, i, arr) => x + i + arr.length))", "[\"a02\",\"b12\"]"),
            ("JSON.stringify([3, 1, 10, 2, 21].sort())", "[1,10,2,21,3]"),
            ("JSON.stringify([3, 1, 10, 2, 21].sort((a, b) => a - b))", "[1,2,3,10,21]"),
            ("JSON.stringify(['b', undefined, 'a', undefined, 'c'].sort())", "[\"a\",\"b\",\"c\",null,null]"),
            ("JSON.stringify([5, 1, 4, 2, 3].sort((a, b) => a > b))", "[5,1,4,2,3]"),
            ("JSON.stringify([5, 1, 4, 2, 3].sort((a, b) => b > a ? 1 : -1))", "[5,4,3,2,1]"),
            ("JSON.stringify([5, 1, 4, 2, 3, 9, 8, 7, 6, 0, 11, 15, 13, 12, 14].sort((a, b) => a > b))", "[5,1,4,2,3,9,8,7,6,0,11,15,13,12,14]"),
            ("JSON.stringify([{ k: 1, v: 'a' }, { k: 0, v: 'b' }, { k: 1, v: 'c' }, { k: 0, v: 'd' }].sort((x, y) => x.k - y.k).map((x) => x.v))", "[\"b\",\"d\",\"a\",\"c\"]"),
            ("(() => { const calls = []; [3, 1, 2].sort((a, b) => { calls.push(a + '' + b); return a - b; }); return calls.join(); })()", "13,21,23,21"),
            ("(() => { const calls = []; [5, 4, 3, 2, 1, 0].sort((a, b) => { calls.push(a + '' + b); return a - b; }); return calls.join(); })()", "45,34,23,12,01"),
            ("[1, 2].sort(5)", "throws TypeError: The comparison function must be either a function or undefined"),
            ("JSON.stringify([3, 1, 2].sort(() => NaN))", "[3,1,2]"),
            ("JSON.stringify([3, 1, 2].sort(undefined))", "[1,2,3]"),
            ("(() => { const calls = []; const a = Array.from({ length: 70 }, (_, i) => (i * 37) % 70); a.sort((x, y) => { calls.push(x - y); return x - y; }); return calls.length + ' ' + calls.slice(0, 5).join() + ' ' + calls.slice(-5).join() + ' ' + a.slice(0, 3).join(); })()", "330 37,-33,-33,4,37 -1,2,1,-2,-1 0,1,2"),
            ("(() => { const a = Array.from({ length: 200 }, (_, i) => (i * 73) % 200); a.sort((x, y) => x > y); return a.slice(0, 12).join() + '|' + a.slice(-6).join(); })()", "0,73,146,19,92,165,38,111,184,57,130,3|162,35,108,181,54,127"),
            ("(() => { let calls = 0; const a = Array.from({ length: 300 }, (_, i) => (i % 17) * 10 + (i % 3)); a.sort((x, y) => { calls++; return (x % 7) - (y % 7); }); return calls + ' ' + a.slice(0, 20).join() + ' ' + a.slice(150, 160).join(); })()", "1792 0,112,161,21,70,42,91,140,0,112,161,21,70,42,91,140,0,112,161,21 101,150,10,122,31,80,52,101,150,10"),
            ("(() => { const a = Array.from({ length: 100 }, (_, i) => i < 50 ? 100 - i : i); let calls = 0; a.sort((x, y) => { calls++; return x - y; }); return calls + ' ' + a.slice(0, 5).join(); })()", "199 50,51,51,52,52"),
            ("(() => { const a = Array.from({ length: 150 }, (_, i) => [i % 5, i]); a.sort((x, y) => y[0] > x[0] ? -1 : 1); return a.slice(0, 8).map((p) => p.join(':')).join(); })()", "0:0,0:5,0:10,0:15,0:20,0:25,0:30,0:35"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(0, 3))", "[4,5,3,4,5]"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(-2))", "[1,2,3,1,2]"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(0, 3, 4))", "[4,2,3,4,5]"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(-2, -3, -1))", "[1,2,3,3,4]"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(1, 0))", "[1,1,2,3,4]"),
        ("JSON.stringify([1, 2, 3, 4, 5].copyWithin(0, 1))", "[2,3,4,5,5]"),
        ("JSON.stringify([1, 2, 3].copyWithin(5, 0))", "[1,2,3]"),
        ("JSON.stringify([1, 2, 3].copyWithin(NaN, 1, Infinity))", "[2,3,3]"),
        ("(() => { const a = [1, 2, 3]; return a.copyWithin(0, 1) === a; })()", "true"),
        ]);
    }
}
