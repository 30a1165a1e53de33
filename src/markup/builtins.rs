//! The methods and global functions markup can call, with JavaScript semantics.

use std::rc::Rc;

use super::ast::Span;
use super::eval::{type_error, At, Evaluator, R};
use super::ir::{Builtin, Callback, Method, MethodArg};
use super::number::js_number_to_string;
use super::value::*;

/// `ToIntegerOrInfinity`.
fn to_integer(v: &Val<'_>, budget: &mut Budget) -> Result<f64, Fault> {
    let n = v.to_number(budget)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() })
}

/// A relative index (`slice`, `at`, …): negative counts from the end; clamped to
/// `0..=len`. `None` or `undefined` give `default`.
fn relative(
    v: Option<&Val<'_>>,
    len: usize,
    default: usize,
    budget: &mut Budget,
) -> Result<usize, Fault> {
    match v {
        None | Some(Val::Undefined) => Ok(default),
        Some(v) => {
            let n = to_integer(v, budget)?;
            let len_f = len as f64;
            Ok(if n < 0.0 {
                (len_f + n).max(0.0) as usize
            } else {
                n.min(len_f) as usize
            })
        }
    }
}

/// A string position (`includes`, `startsWith`, …): clamped to `0..=len`, negative
/// counting as 0. `None` or `undefined` give `default`.
fn position(
    v: Option<&Val<'_>>,
    len: usize,
    default: usize,
    budget: &mut Budget,
) -> Result<usize, Fault> {
    match v {
        None | Some(Val::Undefined) => Ok(default),
        Some(v) => Ok(to_integer(v, budget)?.clamp(0.0, len as f64) as usize),
    }
}

/// JavaScript's white space for `trim` (Unicode white space, line terminators, BOM).
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// The byte offset of UTF-16 offset `units` in `s` (clamped to the end).
fn utf16_to_byte(s: &str, units: usize) -> usize {
    if s.is_ascii() {
        return units.min(s.len());
    }
    let mut count = 0;
    for (i, c) in s.char_indices() {
        if count >= units {
            return i;
        }
        count += c.len_utf16();
    }
    s.len()
}

/// The UTF-16 offset of byte offset `byte` in `s`.
fn byte_to_utf16(s: &str, byte: usize) -> usize {
    utf16_len(&s[..byte])
}

/// Calls a global function.
pub(crate) fn call_global<'a>(
    ev: &mut Evaluator<'a>,
    f: Builtin,
    args: Vec<Val<'a>>,
    span: Span,
) -> R<Val<'a>> {
    let budget = &mut ev.budget;
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Val::Undefined);
    let num = |i: usize, budget: &mut Budget| arg(i).to_number(budget);
    Ok(match f {
        Builtin::String => match args.first() {
            None => Val::string(""),
            Some(Val::Str(s)) => Val::Str(s.clone()),
            Some(v) => Val::string(v.to_js_string(budget).at(span)?),
        },
        Builtin::Number => match args.first() {
            None => Val::Num(0.0),
            Some(v) => Val::Num(v.to_number(budget).at(span)?),
        },
        Builtin::Boolean => Val::Bool(arg(0).truthy()),
        Builtin::DynamicState => Val::Obj(Rc::new(Obj::from_entries(vec![(
            JsStr::Borrowed("$state"),
            arg(0),
        )]))),
        Builtin::JsonStringify => {
            if !arg(1).is_nullish() {
                return type_error(span, "JSON.stringify replacers are not supported");
            }
            let indent = match arg(2) {
                Val::Num(n) if n >= 1.0 => " ".repeat(n.min(10.0) as usize),
                Val::Str(s) => s.chars().take(10).collect(),
                _ => String::new(),
            };
            match stringify(&arg(0), &indent, budget).at(span)? {
                Some(s) => Val::string(s),
                None => Val::Undefined,
            }
        }
        Builtin::MathMin | Builtin::MathMax => {
            let max = f == Builtin::MathMax;
            let mut acc = if max {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            for i in 0..args.len() {
                let n = num(i, budget).at(span)?;
                if n.is_nan() || acc.is_nan() {
                    acc = f64::NAN;
                } else if (max && n > acc) || (!max && n < acc) {
                    acc = n;
                }
            }
            Val::Num(acc)
        }
        Builtin::MathFloor => Val::Num(num(0, budget).at(span)?.floor()),
        Builtin::MathCeil => Val::Num(num(0, budget).at(span)?.ceil()),
        Builtin::MathAbs => Val::Num(num(0, budget).at(span)?.abs()),
        Builtin::MathRound => {
            // JavaScript rounds halves up (towards +∞), unlike Rust's `round`.
            let n = num(0, budget).at(span)?;
            let r = n.floor();
            Val::Num(if n - r >= 0.5 {
                r + 1.0
            } else if r == 0.0 && n < 0.0 {
                -0.0
            } else {
                r
            })
        }
        Builtin::ObjectKeys | Builtin::ObjectValues | Builtin::ObjectEntries => {
            let target = arg(0);
            if target.is_nullish() {
                return type_error(span, "Cannot convert undefined or null to object");
            }
            let entries = target.own_entries(budget).at(span)?;
            let out: Vec<Val<'a>> = entries
                .into_iter()
                .map(|(k, v)| match f {
                    Builtin::ObjectKeys => Val::Str(k),
                    Builtin::ObjectValues => v,
                    _ => Val::Arr(Rc::new(vec![Val::Str(k), v])),
                })
                .collect();
            budget.bytes(out.len() * SLOT_BYTES * 2).at(span)?;
            Val::Arr(Rc::new(out))
        }
        Builtin::ArrayIsArray => Val::Bool(arg(0).is_array()),
    })
}

/// Calls `receiver.method(args)`.
pub(crate) fn call_method<'a>(
    ev: &mut Evaluator<'a>,
    receiver: Val<'a>,
    method: Method,
    args: &'a [MethodArg],
    optional_call: bool,
    span: Span,
    receiver_src: Span,
) -> R<Val<'a>> {
    let mut callback: Option<&'a Callback> = None;
    let mut vals: Vec<Val<'a>> = Vec::new();
    for a in args {
        match a {
            MethodArg::Callback(c) => callback = Some(c),
            MethodArg::Expr(n) => {
                let v = ev.eval(n)?;
                vals.push(v);
            }
            MethodArg::Spread(n) => {
                let v = ev.eval(n)?;
                ev.spread_into(&v, &mut vals, n.span)?;
            }
        }
    }
    let result = if receiver.is_array() {
        array_method(ev, &receiver, method, callback, &vals, span)?
    } else if let Val::Str(s) = &receiver {
        string_method(ev, s, method, &vals, span)?
    } else {
        other_method(ev, &receiver, method, &vals, span)?
    };
    match result {
        Some(v) => Ok(v),
        None if optional_call => Ok(Val::Undefined),
        None => {
            let src = ev
                .source
                .get(receiver_src.start..receiver_src.end)
                .unwrap_or("value")
                .trim();
            let src: String = if src.chars().count() > 40 {
                src.chars().take(39).chain(['…']).collect()
            } else {
                src.to_string()
            };
            type_error(
                span,
                format!(
                    "{src}.{} is not a function ({src} is {})",
                    method.name(),
                    receiver.describe()
                ),
            )
        }
    }
}

fn array_method<'a>(
    ev: &mut Evaluator<'a>,
    receiver: &Val<'a>,
    method: Method,
    callback: Option<&'a Callback>,
    vals: &[Val<'a>],
    span: Span,
) -> R<Option<Val<'a>>> {
    let items = receiver.array_items().expect("an array receiver");
    let len = items.len();
    let arg = |i: usize| vals.get(i).cloned().unwrap_or(Val::Undefined);
    if method.takes_callback() {
        let Some(cb) = callback else {
            return type_error(
                span,
                format!("undefined is not a function (in .{}())", method.name()),
            );
        };
        let mut out = Vec::new();
        for i in 0..len {
            let item = items.get(i).unwrap_or(Val::Undefined);
            let r = ev.invoke(
                cb,
                [item.clone(), Val::Num(i as f64), receiver.clone()],
                span,
            )?;
            match method {
                Method::Map => out.push(r),
                Method::Filter if r.truthy() => out.push(item),
                Method::Find if r.truthy() => return Ok(Some(item)),
                Method::FindIndex if r.truthy() => return Ok(Some(Val::Num(i as f64))),
                Method::Some if r.truthy() => return Ok(Some(Val::Bool(true))),
                Method::Every if !r.truthy() => return Ok(Some(Val::Bool(false))),
                _ => {}
            }
        }
        ev.budget.bytes(out.len() * SLOT_BYTES).at(span)?;
        return Ok(Some(match method {
            Method::Map | Method::Filter => Val::Arr(Rc::new(out)),
            Method::Find => Val::Undefined,
            Method::FindIndex => Val::Num(-1.0),
            Method::Some => Val::Bool(false),
            _ => Val::Bool(true),
        }));
    }
    let budget = &mut ev.budget;
    Ok(Some(match method {
        Method::Includes | Method::IndexOf => {
            let needle = arg(0);
            let from = relative(vals.get(1), len, 0, budget).at(span)?;
            let mut found = None;
            for i in from..len {
                budget.step().at(span)?;
                let item = items.get(i).unwrap_or(Val::Undefined);
                let eq = if method == Method::Includes {
                    same_value_zero(&item, &needle)
                } else {
                    strict_equals(&item, &needle)
                };
                if eq {
                    found = Some(i);
                    break;
                }
            }
            if method == Method::Includes {
                Val::Bool(found.is_some())
            } else {
                Val::Num(found.map_or(-1.0, |i| i as f64))
            }
        }
        Method::Join | Method::ToString => {
            let sep = match (method, arg(0)) {
                (Method::Join, Val::Undefined) | (Method::ToString, _) => ",".to_string(),
                (_, v) => v.to_js_string(budget).at(span)?,
            };
            let mut s = String::new();
            for (i, item) in items.iter().enumerate() {
                budget.step().at(span)?;
                if i > 0 {
                    s.push_str(&sep);
                }
                if !item.is_nullish() {
                    s.push_str(&item.to_js_str(budget).at(span)?);
                }
            }
            budget.bytes(s.len()).at(span)?;
            Val::string(s)
        }
        Method::Slice => {
            let start = relative(vals.first(), len, 0, budget).at(span)?;
            let end = relative(vals.get(1), len, len, budget).at(span)?;
            let out: Vec<Val<'a>> = (start..end.max(start))
                .filter_map(|i| items.get(i))
                .collect();
            budget.steps(out.len() as u64).at(span)?;
            budget.bytes(out.len() * SLOT_BYTES).at(span)?;
            Val::Arr(Rc::new(out))
        }
        Method::Concat => {
            let mut out: Vec<Val<'a>> = items.iter().collect();
            for v in vals {
                match v.array_items() {
                    Some(more) => out.extend(more.iter()),
                    None => out.push(v.clone()),
                }
            }
            budget.steps(out.len() as u64).at(span)?;
            budget.bytes(out.len() * SLOT_BYTES).at(span)?;
            Val::Arr(Rc::new(out))
        }
        Method::At => {
            let n = to_integer(&arg(0), budget).at(span)?;
            let i = if n < 0.0 { len as f64 + n } else { n };
            if i < 0.0 || i >= len as f64 {
                Val::Undefined
            } else {
                items.get(i as usize).unwrap_or(Val::Undefined)
            }
        }
        _ => return Ok(None),
    }))
}

fn string_method<'a>(
    ev: &mut Evaluator<'a>,
    s: &JsStr<'a>,
    method: Method,
    vals: &[Val<'a>],
    span: Span,
) -> R<Option<Val<'a>>> {
    let budget = &mut ev.budget;
    let arg = |i: usize| vals.get(i).cloned().unwrap_or(Val::Undefined);
    let len = utf16_len(s);
    let owned = |t: String, budget: &mut Budget| -> R<Val<'a>> {
        budget.bytes(t.len()).at(span)?;
        Ok(Val::string(t))
    };
    Ok(Some(match method {
        Method::Includes | Method::IndexOf | Method::StartsWith => {
            let needle = arg(0).to_js_string(budget).at(span)?;
            let from = position(vals.get(1), len, 0, budget).at(span)?;
            let start = utf16_to_byte(s, from);
            budget.steps((s.len() - start) as u64 / 16 + 1).at(span)?;
            match method {
                Method::Includes => Val::Bool(s[start..].contains(needle.as_str())),
                Method::StartsWith => Val::Bool(s[start..].starts_with(needle.as_str())),
                _ => Val::Num(
                    s[start..]
                        .find(needle.as_str())
                        .map_or(-1.0, |b| byte_to_utf16(s, start + b) as f64),
                ),
            }
        }
        Method::EndsWith => {
            let needle = arg(0).to_js_string(budget).at(span)?;
            let end = position(vals.get(1), len, len, budget).at(span)?;
            Val::Bool(s[..utf16_to_byte(s, end)].ends_with(needle.as_str()))
        }
        Method::Slice => {
            let start = relative(vals.first(), len, 0, budget).at(span)?;
            let end = relative(vals.get(1), len, len, budget).at(span)?;
            owned(utf16_slice(s, start, end.max(start)), budget)?
        }
        Method::At => {
            let n = to_integer(&arg(0), budget).at(span)?;
            let i = if n < 0.0 { len as f64 + n } else { n };
            if i < 0.0 || i >= len as f64 {
                Val::Undefined
            } else {
                owned(utf16_slice(s, i as usize, i as usize + 1), budget)?
            }
        }
        Method::Trim => owned(s.trim_matches(is_js_space).to_string(), budget)?,
        Method::TrimStart => owned(s.trim_start_matches(is_js_space).to_string(), budget)?,
        Method::TrimEnd => owned(s.trim_end_matches(is_js_space).to_string(), budget)?,
        Method::ToUpperCase => owned(s.to_uppercase(), budget)?,
        Method::ToLowerCase => owned(s.to_lowercase(), budget)?,
        Method::ToString => Val::Str(s.clone()),
        Method::Concat => {
            let mut out = s.to_string();
            for v in vals {
                out.push_str(&v.to_js_str(budget).at(span)?);
            }
            owned(out, budget)?
        }
        Method::Split => {
            let limit = match arg(1) {
                Val::Undefined => usize::MAX,
                v => to_integer(&v, budget).at(span)?.clamp(0.0, u32::MAX as f64) as usize,
            };
            let parts: Vec<String> = match arg(0) {
                Val::Undefined => vec![s.to_string()],
                sep => {
                    let sep = sep.to_js_string(budget).at(span)?;
                    if sep.is_empty() {
                        s.chars().map(|c| c.to_string()).collect()
                    } else {
                        s.split(sep.as_str()).map(str::to_string).collect()
                    }
                }
            };
            let out: Vec<Val<'a>> = parts.into_iter().take(limit).map(Val::string).collect();
            budget.steps(out.len() as u64).at(span)?;
            budget.bytes(out.len() * SLOT_BYTES + s.len()).at(span)?;
            Val::Arr(Rc::new(out))
        }
        _ => return Ok(None),
    }))
}

fn other_method<'a>(
    ev: &mut Evaluator<'a>,
    receiver: &Val<'a>,
    method: Method,
    vals: &[Val<'a>],
    span: Span,
) -> R<Option<Val<'a>>> {
    if method != Method::ToString {
        return Ok(None);
    }
    let budget = &mut ev.budget;
    Ok(Some(match receiver {
        Val::Num(n) => match vals.first() {
            None | Some(Val::Undefined) => Val::string(js_number_to_string(*n)),
            Some(r) => {
                let radix = to_integer(r, budget).at(span)?;
                if !(2.0..=36.0).contains(&radix) {
                    return type_error(span, "toString() radix must be between 2 and 36");
                }
                if radix == 10.0 {
                    Val::string(js_number_to_string(*n))
                } else if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                    Val::string(integer_to_radix(*n as i64, radix as u32))
                } else {
                    return type_error(span, "toString(radix) is only supported for integers");
                }
            }
        },
        Val::Bool(b) => Val::string(b.to_string()),
        other => Val::string(other.to_js_string(budget).at(span)?),
    }))
}

fn integer_to_radix(n: i64, radix: u32) -> String {
    let mut digits = Vec::new();
    let mut m = n.unsigned_abs();
    if m == 0 {
        return "0".to_string();
    }
    while m > 0 {
        let d = (m % u64::from(radix)) as u32;
        digits.push(std::char::from_digit(d, radix).unwrap_or('?'));
        m /= u64::from(radix);
    }
    if n < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}
