//! String methods, with JavaScript's UTF-16 indices.

use std::borrow::Cow;

use super::table::Native;
use super::{arg, regexp, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Fault, Limit, Vm, R};
use crate::lang::number::is_js_whitespace;
use crate::lang::value::string::{
    push_code_point, push_utf16, utf16_code_point_at, utf16_index_of_byte, utf16_len, utf16_slice,
    utf16_unit_at, utf16_units,
};
use crate::lang::value::{Atom, StrId, Value};

/// `String(x)`, `String.fromCharCode`, `String.fromCodePoint`, `String.raw`, `btoa`,
/// `atob`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    match n {
        Native::StringFn => match args.first() {
            None => vm.string(b"", site),
            Some(v) => Ok(Value::Str(vm.to_string(*v, site)?)),
        },
        Native::StringFromCharCode => {
            let mut units = Vec::with_capacity(args.len());
            for a in args {
                units.push(vm.to_u32(*a, site)? as u16);
            }
            let mut out = Vec::new();
            push_utf16(&mut out, &units);
            vm.string(&out, site)
        }
        Native::StringFromCodePoint => {
            let mut out = Vec::new();
            for a in args {
                let x = vm.to_number(*a, site)?;
                if !(0.0..=1_114_111.0).contains(&x) || x.fract() != 0.0 {
                    let d = crate::lang::number::js_number_to_string(x);
                    return Err(vm.throw(
                        error_class::RANGE_ERROR,
                        format!("Invalid code point {d}"),
                        site,
                    ));
                }
                push_code_point(&mut out, x as u32);
            }
            vm.string(&out, site)
        }
        Native::StringRaw => raw(vm, args, site),
        Native::Btoa => {
            let s = vm.to_string(arg(args, 0), site)?;
            let mut bytes = Vec::new();
            for u in utf16_units(vm.heap.str_bytes(s)) {
                if u > 0xFF {
                    return Err(vm.throw(
                        error_class::ERROR,
                        "Invalid character: btoa takes characters in the Latin-1 range",
                        site,
                    ));
                }
                bytes.push(u as u8);
            }
            let encoded = base64_encode(&bytes);
            vm.string(encoded.as_bytes(), site)
        }
        Native::Atob => {
            let s = vm.to_string(arg(args, 0), site)?;
            let text = vm.heap.str_lossy(s).into_owned();
            let Some(bytes) = base64_decode(&text) else {
                return Err(vm.throw(
                    error_class::ERROR,
                    "The string to be decoded is not correctly encoded.",
                    site,
                ));
            };
            let mut out = Vec::with_capacity(bytes.len());
            for b in bytes {
                push_code_point(&mut out, u32::from(b));
            }
            vm.string(&out, site)
        }
        _ => Ok(Value::Undefined),
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `String.raw(strings, ...substitutions)`: the `raw` strings of a template (or of
/// any object with a `raw` list), with the substitutions between them.
fn raw(vm: &mut Vm<'_>, args: &[Value], site: Site) -> R<Value> {
    let strings = arg(args, 0);
    if strings.is_nullish() {
        return Err(vm.type_error("Cannot convert undefined or null to object", site));
    }
    let raw_key = vm.intern("raw", site)?;
    let literals = vm.get(strings, raw_key, site)?;
    if literals.is_nullish() {
        return Err(vm.type_error("Cannot convert undefined or null to object", site));
    }
    let length = vm.get(literals, Atom::LENGTH, site)?;
    let length = vm.to_number(length, site)?;
    // ToLength: NaN and negatives are 0; the step budget bounds the rest.
    let count = if length.is_nan() || length <= 0.0 {
        0.0
    } else {
        length.floor().min(9_007_199_254_740_991.0)
    };
    let substitutions = args.get(1..).unwrap_or(&[]);
    let mut out = Vec::new();
    let mut i = 0.0;
    while i < count {
        vm.step(1, site)?;
        let key = vm.to_key(Value::Num(i), site)?;
        let literal = vm.get(literals, key, site)?;
        let literal = vm.to_string(literal, site)?;
        out.extend_from_slice(vm.heap.str_bytes(literal));
        if i + 1.0 >= count {
            break;
        }
        if let Some(sub) = substitutions.get(i as usize) {
            let sub = vm.to_string(*sub, site)?;
            out.extend_from_slice(vm.heap.str_bytes(sub));
        }
        if out.len() > vm.limits.max_memory {
            return Err(Fault::Limit(Limit::Memory, site));
        }
        i += 1.0;
    }
    vm.string(&out, site)
}

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| !b" \t\n\x0c\r".contains(b)).collect();
    let trimmed: &[u8] = if clean.len().is_multiple_of(4) {
        let pad = clean.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 {
            return None;
        }
        &clean[..clean.len() - pad]
    } else {
        &clean
    };
    if trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in trimmed {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// A relative index argument: negative counts from the end; clamped to `0..=len`.
pub(super) fn relative_index(
    vm: &mut Vm<'_>,
    v: Value,
    len: usize,
    default: usize,
    site: Site,
) -> R<usize> {
    if v == Value::Undefined {
        return Ok(default);
    }
    let x = vm.to_number(v, site)?;
    let x = if x.is_nan() { 0.0 } else { x.trunc() };
    Ok(if x < 0.0 {
        (len as f64 + x).max(0.0) as usize
    } else {
        x.min(len as f64) as usize
    })
}

/// An index argument clamped to `0..=len` (negative is 0).
fn clamped_index(vm: &mut Vm<'_>, v: Value, len: usize, default: usize, site: Site) -> R<usize> {
    if v == Value::Undefined {
        return Ok(default);
    }
    let x = vm.to_number(v, site)?;
    let x = if x.is_nan() { 0.0 } else { x.trunc() };
    Ok(x.clamp(0.0, len as f64) as usize)
}

/// Where `needle` first occurs in `hay` at or after UTF-16 index `from`.
pub(super) fn find(vm: &Vm<'_>, hay: StrId, needle: StrId, from: usize) -> Option<usize> {
    let h = vm.heap.str_bytes(hay);
    let n = vm.heap.str_bytes(needle);
    let ascii = vm.heap.str_is_ascii(hay);
    if let (Ok(hs), Ok(ns)) = (std::str::from_utf8(h), std::str::from_utf8(n)) {
        // UTF-8 and UTF-16 matches fall on the same characters.
        let start = if ascii {
            from.min(h.len())
        } else {
            byte_of_utf16(hs, from)?
        };
        let at = hs[start..].find(ns)? + start;
        return Some(utf16_index_of_byte(h, ascii, at));
    }
    let hu = utf16_units(h);
    let nu = utf16_units(n);
    (from..=hu.len().checked_sub(nu.len())?).find(|&i| hu[i..i + nu.len()] == nu[..])
}

/// The byte offset of UTF-16 index `i` in valid UTF-8 text (`None` inside a pair).
fn byte_of_utf16(s: &str, i: usize) -> Option<usize> {
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units == i {
            return Some(b);
        }
        units += c.len_utf16();
        if units > i {
            return Some(b + c.len_utf8());
        }
    }
    Some(s.len())
}

/// Where `needle` last occurs in `hay` at or before UTF-16 index `from`.
fn rfind(vm: &Vm<'_>, hay: StrId, needle: StrId, from: usize) -> Option<usize> {
    let hu = utf16_units(vm.heap.str_bytes(hay));
    let nu = utf16_units(vm.heap.str_bytes(needle));
    let last = hu.len().checked_sub(nu.len())?.min(from);
    (0..=last).rev().find(|&i| hu[i..i + nu.len()] == nu[..])
}

fn len16(vm: &Vm<'_>, s: StrId) -> usize {
    utf16_len(vm.heap.str_bytes(s), vm.heap.str_is_ascii(s))
}

fn slice_value(vm: &mut Vm<'_>, s: StrId, start: usize, end: usize, site: Site) -> R<Value> {
    if start == 0 && end >= len16(vm, s) {
        return Ok(Value::Str(s));
    }
    let bytes = utf16_slice(vm.heap.str_bytes(s), vm.heap.str_is_ascii(s), start, end).into_owned();
    vm.string(&bytes, site)
}

fn str_arg(vm: &mut Vm<'_>, args: &[Value], i: usize, site: Site) -> R<StrId> {
    vm.to_string(arg(args, i), site)
}

/// A string method; `None` when strings have no such method.
pub(super) fn method(
    vm: &mut Vm<'_>,
    s: StrId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let len = len16(vm, s);
    vm.step(1 + (len as u64 >> 6), site)?;
    let v = match m {
        Method::ToString | Method::ValueOf => Value::Str(s),
        Method::At => {
            let x = vm.to_number(arg(args, 0), site)?;
            let x = if x.is_nan() { 0.0 } else { x.trunc() };
            let i = if x < 0.0 { len as f64 + x } else { x };
            if i < 0.0 || i >= len as f64 {
                Value::Undefined
            } else {
                slice_value(vm, s, i as usize, i as usize + 1, site)?
            }
        }
        Method::CharAt => {
            let x = vm.to_number(arg(args, 0), site)?;
            let x = if x.is_nan() { 0.0 } else { x.trunc() };
            if x < 0.0 || x >= len as f64 {
                vm.string(b"", site)?
            } else {
                slice_value(vm, s, x as usize, x as usize + 1, site)?
            }
        }
        Method::CharCodeAt | Method::CodePointAt => {
            let x = vm.to_number(arg(args, 0), site)?;
            let x = if x.is_nan() { 0.0 } else { x.trunc() };
            if x < 0.0 || x >= len as f64 {
                if m == Method::CharCodeAt {
                    Value::Num(f64::NAN)
                } else {
                    Value::Undefined
                }
            } else {
                let bytes = vm.heap.str_bytes(s);
                let ascii = vm.heap.str_is_ascii(s);
                let r = if m == Method::CharCodeAt {
                    utf16_unit_at(bytes, ascii, x as usize).map(u32::from)
                } else {
                    utf16_code_point_at(bytes, ascii, x as usize)
                };
                r.map_or(Value::Undefined, |c| Value::Num(f64::from(c)))
            }
        }
        Method::Concat => {
            let mut acc = s;
            for a in args {
                let x = vm.to_string(*a, site)?;
                let r = vm.heap.concat(acc, x);
                acc = vm.mem(r, site)?;
            }
            Value::Str(acc)
        }
        Method::Includes | Method::StartsWith | Method::EndsWith | Method::IndexOf => {
            if m != Method::IndexOf && regexp::is_regexp(vm, arg(args, 0)) {
                let name = if m == Method::Includes {
                    "includes"
                } else if m == Method::StartsWith {
                    "startsWith"
                } else {
                    "endsWith"
                };
                return Err(vm.type_error(
                    format!("First argument to String.prototype.{name} must not be a regular expression"),
                    site,
                ));
            }
            let needle = str_arg(vm, args, 0, site)?;
            let nlen = len16(vm, needle);
            match m {
                Method::Includes | Method::IndexOf => {
                    let from = clamped_index(vm, arg(args, 1), len, 0, site)?;
                    let at = find(vm, s, needle, from);
                    if m == Method::Includes {
                        Value::Bool(at.is_some())
                    } else {
                        Value::Num(at.map_or(-1.0, |i| i as f64))
                    }
                }
                Method::StartsWith => {
                    let from = clamped_index(vm, arg(args, 1), len, 0, site)?;
                    let hu = utf16_slice(
                        vm.heap.str_bytes(s),
                        vm.heap.str_is_ascii(s),
                        from,
                        from + nlen,
                    );
                    Value::Bool(hu.as_ref() == vm.heap.str_bytes(needle))
                }
                _ => {
                    let end = clamped_index(vm, arg(args, 1), len, len, site)?;
                    if nlen > end {
                        Value::Bool(false)
                    } else {
                        let hu = utf16_slice(
                            vm.heap.str_bytes(s),
                            vm.heap.str_is_ascii(s),
                            end - nlen,
                            end,
                        );
                        Value::Bool(hu.as_ref() == vm.heap.str_bytes(needle))
                    }
                }
            }
        }
        Method::LastIndexOf => {
            let needle = str_arg(vm, args, 0, site)?;
            let from = match arg(args, 1) {
                Value::Undefined => len,
                v => {
                    let x = vm.to_number(v, site)?;
                    if x.is_nan() {
                        len
                    } else {
                        x.clamp(0.0, len as f64) as usize
                    }
                }
            };
            Value::Num(rfind(vm, s, needle, from).map_or(-1.0, |i| i as f64))
        }
        Method::Slice => {
            let start = relative_index(vm, arg(args, 0), len, 0, site)?;
            let end = relative_index(vm, arg(args, 1), len, len, site)?;
            slice_value(vm, s, start, end.max(start), site)?
        }
        Method::Substring => {
            let a = clamped_index(vm, arg(args, 0), len, 0, site)?;
            let b = clamped_index(vm, arg(args, 1), len, len, site)?;
            slice_value(vm, s, a.min(b), a.max(b), site)?
        }
        Method::Substr => {
            let start = relative_index(vm, arg(args, 0), len, 0, site)?;
            let count = match arg(args, 1) {
                Value::Undefined => len - start,
                v => {
                    let x = vm.to_number(v, site)?;
                    if x.is_nan() {
                        0
                    } else {
                        x.clamp(0.0, (len - start) as f64) as usize
                    }
                }
            };
            slice_value(vm, s, start, start + count, site)?
        }
        Method::ToLowerCase
        | Method::ToLocaleLowerCase
        | Method::ToUpperCase
        | Method::ToLocaleUpperCase => {
            let upper = matches!(m, Method::ToUpperCase | Method::ToLocaleUpperCase);
            let bytes = vm.heap.str_bytes(s);
            let out: Vec<u8> = if vm.heap.str_is_ascii(s) {
                if upper {
                    bytes.to_ascii_uppercase()
                } else {
                    bytes.to_ascii_lowercase()
                }
            } else {
                let text = vm.heap.str_lossy(s);
                let mapped = if upper {
                    text.to_uppercase()
                } else {
                    text.to_lowercase()
                };
                mapped.into_bytes()
            };
            if out == vm.heap.str_bytes(s) {
                Value::Str(s)
            } else {
                vm.string(&out, site)?
            }
        }
        Method::Trim | Method::TrimStart | Method::TrimEnd => {
            let text = vm.heap.str_lossy(s);
            let trimmed: &str = match m {
                Method::Trim => text.trim_matches(is_js_whitespace),
                Method::TrimStart => text.trim_start_matches(is_js_whitespace),
                _ => text.trim_end_matches(is_js_whitespace),
            };
            if trimmed.len() == text.len() {
                Value::Str(s)
            } else {
                let owned = trimmed.as_bytes().to_vec();
                vm.string(&owned, site)?
            }
        }
        Method::PadStart | Method::PadEnd => {
            let target = vm.to_number(arg(args, 0), site)?;
            let target = if target.is_nan() { 0.0 } else { target.trunc() };
            if target <= len as f64 {
                Value::Str(s)
            } else {
                let fill = match arg(args, 1) {
                    Value::Undefined => vec![u16::from(b' ')],
                    v => {
                        let f = vm.to_string(v, site)?;
                        utf16_units(vm.heap.str_bytes(f))
                    }
                };
                if fill.is_empty() {
                    Value::Str(s)
                } else {
                    let want = target as usize - len;
                    vm.step(want as u64 >> 4, site)?;
                    let r = vm.heap.charge(want * 3);
                    vm.mem(r, site)?;
                    let pad: Vec<u16> = fill.iter().copied().cycle().take(want).collect();
                    let mut out = Vec::new();
                    let own = vm.heap.str_bytes(s).to_vec();
                    if m == Method::PadStart {
                        push_utf16(&mut out, &pad);
                        out.extend_from_slice(&own);
                    } else {
                        out.extend_from_slice(&own);
                        push_utf16(&mut out, &pad);
                    }
                    vm.string(&out, site)?
                }
            }
        }
        Method::Repeat => {
            let n = vm.to_number(arg(args, 0), site)?;
            let n = if n.is_nan() { 0.0 } else { n.trunc() };
            if n < 0.0 || n.is_infinite() {
                let d = crate::lang::number::js_number_to_string(n);
                return Err(vm.throw(
                    error_class::RANGE_ERROR,
                    format!("Invalid count value: {d}"),
                    site,
                ));
            }
            let bytes = vm.heap.str_bytes(s).len();
            let total = (bytes as f64) * n;
            if total > (vm.limits.max_memory as f64) {
                return Err(vm.throw(error_class::RANGE_ERROR, "Invalid string length", site));
            }
            let r = vm.heap.charge(total as usize);
            vm.mem(r, site)?;
            let own = vm.heap.str_bytes(s).to_vec();
            let out = own.repeat(n as usize);
            vm.string(&out, site)?
        }
        Method::Normalize => {
            let form = match arg(args, 0) {
                Value::Undefined => "NFC".to_owned(),
                v => {
                    let f = vm.to_string(v, site)?;
                    vm.heap.str_lossy(f).into_owned()
                }
            };
            if !matches!(form.as_str(), "NFC" | "NFD" | "NFKC" | "NFKD") {
                return Err(vm.throw(
                    error_class::RANGE_ERROR,
                    "The normalization form should be one of NFC, NFD, NFKC, NFKD.",
                    site,
                ));
            }
            if vm.heap.str_is_ascii(s) {
                Value::Str(s)
            } else {
                let out = normalize(vm, s, &form, site)?;
                if out == vm.heap.str_bytes(s) {
                    Value::Str(s)
                } else {
                    vm.string(&out, site)?
                }
            }
        }
        Method::IsWellFormed => Value::Bool(std::str::from_utf8(vm.heap.str_bytes(s)).is_ok()),
        Method::ToWellFormed => {
            if std::str::from_utf8(vm.heap.str_bytes(s)).is_ok() {
                Value::Str(s)
            } else {
                // Each lone surrogate becomes U+FFFD.
                let text = vm.heap.str_lossy(s).into_owned();
                vm.string(text.as_bytes(), site)?
            }
        }
        Method::Split => split(vm, s, args, site)?,
        Method::Replace | Method::ReplaceAll => {
            replace(vm, s, m == Method::ReplaceAll, args, site)?
        }
        Method::Match | Method::MatchAll | Method::Search => {
            let re = regexp::coerce(vm, arg(args, 0), m == Method::MatchAll, site)?;
            match m {
                Method::Search => regexp::search_index(vm, re, s, site)?,
                Method::Match => regexp::match_(vm, re, s, site)?,
                _ => regexp::match_all(vm, re, s, site)?,
            }
        }
        Method::LocaleCompare => {
            let other = str_arg(vm, args, 0, site)?;
            let a = utf16_units(vm.heap.str_bytes(s));
            let b = utf16_units(vm.heap.str_bytes(other));
            vm.step(((a.len() + b.len()) as u64) >> 4, site)?;
            Value::Num(match collate(&a, &b) {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(v))
}

/// `s.normalize(form)` without Unicode's data (feature `intl` off): ASCII text is its
/// own normal form in every form; other text is an error that says why.
#[cfg(not(feature = "intl"))]
fn normalize(vm: &mut Vm<'_>, s: StrId, _form: &str, site: Site) -> R<Vec<u8>> {
    let bytes = vm.heap.str_bytes(s);
    if bytes.is_ascii() {
        return Ok(bytes.to_vec());
    }
    Err(vm.type_error(
        "normalize() of non-ASCII text needs Unicode's data, left out of this build (feature `intl`)",
        site,
    ))
}

/// `s.normalize(form)` for a valid form: each run of text between lone surrogates
/// normalized with ICU4X (the surrogates stay, as V8 keeps them). Decomposition can
/// grow a run (`NFKD` makes up to 18 characters of one), so the output is checked
/// against the memory budget run by run.
#[cfg(feature = "intl")]
fn normalize(vm: &mut Vm<'_>, s: StrId, form: &str, site: Site) -> R<Vec<u8>> {
    use crate::lang::value::string::code_points;
    use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
    let bytes = vm.heap.str_bytes(s).to_vec();
    let limit = vm.limits.max_memory;
    let mut out = Vec::with_capacity(bytes.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<u8>| -> bool {
        let normalized = match form {
            "NFD" => DecomposingNormalizerBorrowed::new_nfd().normalize(run),
            "NFKC" => ComposingNormalizerBorrowed::new_nfkc().normalize(run),
            "NFKD" => DecomposingNormalizerBorrowed::new_nfkd().normalize(run),
            _ => ComposingNormalizerBorrowed::new_nfc().normalize(run),
        };
        out.extend_from_slice(normalized.as_bytes());
        run.clear();
        out.len() <= limit
    };
    let mut ok = true;
    for cp in code_points(&bytes) {
        match char::from_u32(cp) {
            Some(c) => run.push(c),
            None => {
                ok &= flush(&mut run, &mut out);
                push_code_point(&mut out, cp);
            }
        }
    }
    ok &= flush(&mut run, &mut out);
    if !ok {
        return Err(Fault::Limit(Limit::Memory, site));
    }
    vm.step(out.len() as u64 >> 6, site)?;
    Ok(out)
}

fn split(vm: &mut Vm<'_>, s: StrId, args: &[Value], site: Site) -> R<Value> {
    let limit = match arg(args, 1) {
        Value::Undefined => u32::MAX as usize,
        v => vm.to_u32(v, site)? as usize,
    };
    let sep = arg(args, 0);
    if limit == 0 {
        return vm.array(Vec::new(), site);
    }
    if sep == Value::Undefined {
        return vm.array(vec![Value::Str(s)], site);
    }
    if regexp::is_regexp(vm, sep) {
        return regexp::split(vm, sep, s, limit, site);
    }
    let sep = vm.to_string(sep, site)?;
    let mut out = Vec::new();
    if vm.heap.str_bytes(sep).is_empty() {
        // Every UTF-16 code unit on its own.
        let units = utf16_units(vm.heap.str_bytes(s));
        vm.step(units.len() as u64, site)?;
        for u in units.iter().take(limit) {
            let mut b = Vec::new();
            push_utf16(&mut b, &[*u]);
            out.push(vm.string(&b, site)?);
        }
        return vm.array(out, site);
    }
    let text = vm.heap.str_bytes(s).to_vec();
    let needle = vm.heap.str_bytes(sep).to_vec();
    let mut start = 0;
    let mut i = 0;
    while let Some(pos) = find_bytes(&text[i..], &needle).map(|p| p + i) {
        vm.step(1, site)?;
        out.push(vm.string(&text[start..pos], site)?);
        if out.len() >= limit {
            return vm.array(out, site);
        }
        start = pos + needle.len();
        i = start;
    }
    out.push(vm.string(&text[start..], site)?);
    out.truncate(limit);
    vm.array(out, site)
}

/// Finds `needle` in WTF-8 `hay` on character boundaries.
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if let (Ok(h), Ok(n)) = (std::str::from_utf8(hay), std::str::from_utf8(needle)) {
        return h.find(n);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn replace(vm: &mut Vm<'_>, s: StrId, all: bool, args: &[Value], site: Site) -> R<Value> {
    let pattern = arg(args, 0);
    let replacement = arg(args, 1);
    if regexp::is_regexp(vm, pattern) {
        if all && !regexp::is_global(vm, pattern) {
            return Err(vm.type_error("replaceAll must be called with a global RegExp", site));
        }
        return regexp::replace(vm, pattern, s, replacement, site);
    }
    let needle = vm.to_string(pattern, site)?;
    let func = vm.is_function(replacement);
    let template = if func {
        None
    } else {
        Some(vm.to_string(replacement, site)?)
    };
    let text = vm.heap.str_bytes(s).to_vec();
    let nb = vm.heap.str_bytes(needle).to_vec();
    let mut out = Vec::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    loop {
        let found = if nb.is_empty() {
            (i <= text.len()).then_some(i)
        } else {
            find_bytes(&text[i..], &nb).map(|p| p + i)
        };
        let Some(pos) = found else { break };
        vm.step(1, site)?;
        out.extend_from_slice(&text[last..pos]);
        let matched = &text[pos..pos + nb.len()];
        match template {
            Some(t) => {
                let t = vm.heap.str_bytes(t).to_vec();
                let after = &text[(pos + matched.len()).min(text.len())..];
                expand_template(&mut out, &t, matched, &text[..pos], after, &[], &[]);
            }
            None => {
                let m = vm.string(matched, site)?;
                let offset = utf16_index_of_byte(&text, false, pos) as f64;
                let r = vm.call(
                    replacement,
                    Value::Undefined,
                    &[m, Value::Num(offset), Value::Str(s)],
                    site,
                )?;
                vm.push_string(&mut out, r, site, 0)?;
            }
        }
        last = pos + nb.len();
        if !all {
            break;
        }
        i = if nb.is_empty() {
            // Step over one character.
            let step = text.get(pos).map_or(1, |&b| utf8_width(b));
            if pos < text.len() {
                out.extend_from_slice(&text[pos..pos + step]);
            }
            last = pos + step;
            pos + step
        } else {
            last
        };
        if i > text.len() {
            break;
        }
    }
    if last <= text.len() {
        out.extend_from_slice(&text[last..]);
    }
    let r = vm.heap.charge(out.len());
    vm.mem(r, site)?;
    vm.string(&out, site)
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Expands a replacement template: `$$`, `$&`, `` $` `` (`before` the match), `$'`
/// (`after` it), `$1`…`$99`, `$<name>`.
pub(super) fn expand_template(
    out: &mut Vec<u8>,
    template: &[u8],
    matched: &[u8],
    before: &[u8],
    after: &[u8],
    groups: &[Option<Cow<'_, [u8]>>],
    names: &[(String, usize)],
) {
    let mut i = 0;
    while i < template.len() {
        let b = template[i];
        if b != b'$' || i + 1 >= template.len() {
            out.push(b);
            i += 1;
            continue;
        }
        match template[i + 1] {
            b'$' => {
                out.push(b'$');
                i += 2;
            }
            b'&' => {
                out.extend_from_slice(matched);
                i += 2;
            }
            b'`' => {
                out.extend_from_slice(before);
                i += 2;
            }
            b'\'' => {
                out.extend_from_slice(after);
                i += 2;
            }
            d @ b'0'..=b'9' => {
                let one = usize::from(d - b'0');
                let two = template
                    .get(i + 2)
                    .filter(|c| c.is_ascii_digit())
                    .map(|c| one * 10 + usize::from(c - b'0'));
                match two.filter(|&n| n >= 1 && n <= groups.len()) {
                    Some(n) => {
                        if let Some(Some(g)) = groups.get(n - 1) {
                            out.extend_from_slice(g);
                        }
                        i += 3;
                    }
                    None if one >= 1 && one <= groups.len() => {
                        if let Some(Some(g)) = groups.get(one - 1) {
                            out.extend_from_slice(g);
                        }
                        i += 2;
                    }
                    None => {
                        out.push(b'$');
                        i += 1;
                    }
                }
            }
            b'<' if !names.is_empty() => match template[i + 2..].iter().position(|&c| c == b'>') {
                Some(close) => {
                    let name = String::from_utf8_lossy(&template[i + 2..i + 2 + close]);
                    if let Some((_, idx)) = names.iter().find(|(n, _)| *n == name) {
                        if let Some(Some(g)) = groups.get(*idx - 1) {
                            out.extend_from_slice(g);
                        }
                    }
                    i += 3 + close;
                }
                None => {
                    out.push(b'$');
                    i += 1;
                }
            },
            _ => {
                out.push(b'$');
                i += 1;
            }
        }
    }
}

/// Orders strings as `localeCompare` does, without ICU's data (feature `intl` off):
/// ASCII as the root collation orders it (spaces and punctuation, then digits, then
/// letters regardless of case; then lowercase before uppercase), anything else by
/// UTF-16 code units.
#[cfg(not(feature = "intl"))]
pub(crate) fn collate(a: &[u16], b: &[u16]) -> std::cmp::Ordering {
    fn primary(c: u16) -> (u8, u16) {
        match c {
            0x30..=0x39 => (1, c),
            0x41..=0x5a => (2, c + 0x20),
            0x61..=0x7a => (2, c),
            0..=0x7f => (0, c),
            _ => (3, c),
        }
    }
    let key = |s: &[u16]| s.iter().map(|&c| primary(c)).collect::<Vec<_>>();
    // Lowercase first at the tertiary level.
    let tertiary = |s: &[u16]| {
        s.iter()
            .map(|&c| u8::from((0x41..=0x5a).contains(&c)))
            .collect::<Vec<_>>()
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| tertiary(a).cmp(&tertiary(b)))
        .then_with(|| a.cmp(b))
}

/// Orders strings as `localeCompare` does: ICU's root collation (CLDR's, which the
/// default locale uses), through ICU4X with the same data.
#[cfg(feature = "intl")]
pub(crate) fn collate(a: &[u16], b: &[u16]) -> std::cmp::Ordering {
    use icu_collator::CollatorBorrowed;
    static COLLATOR: std::sync::OnceLock<Option<CollatorBorrowed<'static>>> =
        std::sync::OnceLock::new();
    match COLLATOR
        .get_or_init(|| CollatorBorrowed::try_new(Default::default(), Default::default()).ok())
    {
        Some(c) => c.compare_utf16(a, b),
        // Compiled data cannot fail to load; code unit order is the fallback anyway.
        None => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
            ("JSON.stringify((() => { const word = 'banana'; const n = 7; return [`padStart: [${word.padStart(8)}] [${word.padStart(8, '-=')}] [${String(n).padStart(3, '0')}] [${word.padStart(2, 'x')}] [${word.padStart(6, '')}]`, `padEnd: [${word.padEnd(8, '.')}] [${word.padEnd(9, 'abc')}]`, `repeat: [${'ab'.repeat(3)}] [${'x'.repeat(0)}] [${'-'.repeat(n)}]`, `charAt: [${word.charAt(0)}] [${word.charAt(99)}] [${word.charAt(-1)}]`, `slice: [${word.slice(1, 3)}] [${word.slice(-3)}] [${word.slice(3, 1)}] [${word.slice(-100, 2)}]`, `substring: [${word.substring(1, 3)}] [${word.substring(3, 1)}] [${word.substring(-5, 2)}] [${word.substring(2)}]`, `indexOf: ${word.indexOf('a')} ${word.indexOf('a', 2)} ${word.indexOf('')} ${word.indexOf('', 99)} ${word.lastIndexOf('a')}`, `trim: [${'  \\t pad \\n '.trim()}] [${'  pad  '.trimStart()}] [${'  pad  '.trimEnd()}] [${'\\u00a0\\ufeffnbsp\\u2003'.trim()}]`, `startsWith: ${word.startsWith('ba')} ${word.startsWith('na', 2)} ${word.endsWith('na')} ${word.endsWith('an', 5)}`, `includes: ${word.includes('nan')} ${word.includes('')} ${word.includes('NA')}`, `case: ${word.toUpperCase()} ${'MiXeD'.toLowerCase()}`, `at: ${word.at(0)} ${word.at(-1)} ${word.at(99)}`, `concat: ${word.concat('-', 1, 'x')} ${'a' + 1 + 2} ${1 + 2 + 'a'}`, `String(): ${String(null)} ${String([1, [2, 3]])} ${String({})} ${[1, null, undefined, 2].join()}`, `template: ${`outer ${`inner ${n * 2}`} end`} ${[1, 2]} ${{ a: 1 }} ${null} ${true}`,]; })())", "[\"padStart: [  banana] [-=banana] [007] [banana] [banana]\",\"padEnd: [banana..] [bananaabc]\",\"repeat: [ababab] [] [-------]\",\"charAt: [b] [] []\",\"slice: [an] [ana] [] [ba]\",\"substring: [an] [an] [ba] [nana]\",\"indexOf: 1 3 0 6 5\",\"trim: [pad] [pad  ] [  pad] [nbsp]\",\"startsWith: true true true true\",\"includes: true true false\",\"case: BANANA mixed\",\"at: b a undefined\",\"concat: banana-1x a12 3a\",\"String(): null 1,2,3 [object Object] 1,,,2\",\"template: outer inner 14 end 1,2 [object Object] null true\"]"),
            ("JSON.stringify((() => { const word = ''; const n = 0; return [`padStart: [${word.padStart(8)}] [${word.padStart(8, '-=')}] [${String(n).padStart(3, '0')}] [${word.padStart(2, 'x')}] [${word.padStart(6, '')}]`, `padEnd: [${word.padEnd(8, '.')}] [${word.padEnd(9, 'abc')}]`, `repeat: [${'ab'.repeat(3)}] [${'x'.repeat(0)}] [${'-'.repeat(n)}]`, `charAt: [${word.charAt(0)}] [${word.charAt(99)}] [${word.charAt(-1)}]`, `slice: [${word.slice(1, 3)}] [${word.slice(-3)}] [${word.slice(3, 1)}] [${word.slice(-100, 2)}]`, `substring: [${word.substring(1, 3)}] [${word.substring(3, 1)}] [${word.substring(-5, 2)}] [${word.substring(2)}]`, `indexOf: ${word.indexOf('a')} ${word.indexOf('a', 2)} ${word.indexOf('')} ${word.indexOf('', 99)} ${word.lastIndexOf('a')}`, `trim: [${'  \\t pad \\n '.trim()}] [${'  pad  '.trimStart()}] [${'  pad  '.trimEnd()}] [${'\\u00a0\\ufeffnbsp\\u2003'.trim()}]`, `startsWith: ${word.startsWith('ba')} ${word.startsWith('na', 2)} ${word.endsWith('na')} ${word.endsWith('an', 5)}`, `includes: ${word.includes('nan')} ${word.includes('')} ${word.includes('NA')}`, `case: ${word.toUpperCase()} ${'MiXeD'.toLowerCase()}`, `at: ${word.at(0)} ${word.at(-1)} ${word.at(99)}`, `concat: ${word.concat('-', 1, 'x')} ${'a' + 1 + 2} ${1 + 2 + 'a'}`, `String(): ${String(null)} ${String([1, [2, 3]])} ${String({})} ${[1, null, undefined, 2].join()}`, `template: ${`outer ${`inner ${n * 2}`} end`} ${[1, 2]} ${{ a: 1 }} ${null} ${true}`,]; })())", "[\"padStart: [        ] [-=-=-=-=] [000] [xx] []\",\"padEnd: [........] [abcabcabc]\",\"repeat: [ababab] [] []\",\"charAt: [] [] []\",\"slice: [] [] [] []\",\"substring: [] [] [] []\",\"indexOf: -1 -1 0 0 -1\",\"trim: [pad] [pad  ] [  pad] [nbsp]\",\"startsWith: false false false false\",\"includes: false true false\",\"case:  mixed\",\"at: undefined undefined undefined\",\"concat: -1x a12 3a\",\"String(): null 1,2,3 [object Object] 1,,,2\",\"template: outer inner 0 end 1,2 [object Object] null true\"]"),
            ("['banana'.padStart(8), 'banana'.padStart(8, '-='), String(3).padStart(3, '0'), 'banana'.padStart(2, 'x'), 'banana'.padStart(6, ''), 'banana'.padEnd(9, 'abc')].join('|')", "  banana|-=banana|003|banana|banana|bananaabc"),
            ("['banana'.indexOf('a'), 'banana'.indexOf('a', 2), 'banana'.indexOf(''), 'banana'.indexOf('', 99), 'banana'.lastIndexOf('a'), 'banana'.lastIndexOf('a', -5), 'banana'.lastIndexOf('', 2), 'banana'.lastIndexOf('an', NaN)].join()", "1,3,0,6,5,-1,2,3"),
            ("['  \\t pad \\n '.trim(), '\\u00a0\\ufeffnbsp\\u2003'.trim(), '\\u180e x'.trim()].map((s) => JSON.stringify(s)).join()", "\"pad\",\"nbsp\",\"᠎ x\""),
            ("['banana'.startsWith('na', 2), 'banana'.endsWith('an', 5), 'banana'.includes(''), 'banana'.substring(-5, 2), 'banana'.substr(-3, 2), 'banana'.slice(-100, 2)].join()", "true,true,true,ba,an,ba"),
            ("['a,b,,c'.split(',', 2), 'a,b,,c'.split(','), 'abc'.split(''), 'abc'.split('', 2), 'abc'.split(undefined), 'abc'.split(undefined, 0), 'a1b'.split(1)].map((x) => JSON.stringify(x)).join(' ')", "[\"a\",\"b\"] [\"a\",\"b\",\"\",\"c\"] [\"a\",\"b\",\"c\"] [\"a\",\"b\"] [\"abc\"] [] [\"a\",\"b\"]"),
            ("['aaa'.replace('a', '$&$&'), 'aaa'.replaceAll('a', '[$`]'), 'abc'.replace('b', \"$'\"), 'abc'.replace('b', '$0$1'), 'abc'.replaceAll('', '-'), 'x'.replace('x', '$$$'), 'abc'.replace('b', (m, o, s) => m + o + s)].join(' ')", "aaaa [][a][aa] acc a$0$1c -a-b-c- $$ ab1abcc"),
        ("['é'.normalize('NFC').length, 'é'.normalize('NFD').length, 'e\\u0301'.normalize().length, 'ﬁ'.normalize('NFKC'), 'ﬁ'.normalize('NFKD'), '①'.normalize('NFKC'), 'Å'.normalize('NFD').length].join(' ')", "1 2 1 fi fi 1 2"),
        ("'a'.normalize('nfc')", "throws RangeError: The normalization form should be one of NFC, NFD, NFKC, NFKD."),
        ("'a'.normalize('')", "throws RangeError: The normalization form should be one of NFC, NFD, NFKC, NFKD."),
        ("JSON.stringify((String.fromCharCode(0xd800) + 'e\\u0301').normalize('NFC'))", "\"\\ud800é\""),
        ("JSON.stringify(('e\\u0301' + String.fromCharCode(0xdc00)).normalize())", "\"é\\udc00\""),
        ("[ 'ab'.isWellFormed(), String.fromCharCode(0xd800).isWellFormed(), '😀'.isWellFormed(), JSON.stringify(('a' + String.fromCharCode(0xd800) + 'b' + String.fromCharCode(0xdc00)).toWellFormed()) ].join(' ')", "true false true \"a�b�\""),
        ("'é'.normalize(undefined).length", "1"),
        // Two halves of a pair, joined by `join`, `+` or a template, are one character.
        ("JSON.stringify((() => { const h = String.fromCharCode(0xd83c), l = String.fromCharCode(0xdc4d); return [ [h, l].join('') === '🁍', (h + l) === '🁍', `${h}${l}`.length, JSON.stringify(['a' + h, l + 'b'].join('')), [...[h, l].join('')].length ].join(' '); })())", "\"true true 2 \\\"a🁍b\\\" 1\""),
        ]);
    }

    /// `String.raw`, as a template tag and called on any object with a `raw` list,
    /// and the strings a tag receives (a malformed escape cooks to `undefined`); each
    /// expression with what Node 20 prints for it.
    #[test]
    fn raw_agrees_with_node() {
        super::super::test_support::check(&[
            ("String.raw`C:\\new\\n${1 + 1}\\t`", "C:\\new\\n2\\t"),
            (
                "String.raw`a${1}b${[2, 3]}c${null}${undefined}`",
                "a1b2,3cnullundefined",
            ),
            ("String.raw`\\u{61}${'x'}\\x41\\``", "\\u{61}x\\x41\\`"),
            ("String.raw`${'only'}`", "only"),
            ("String.raw`\\unicode and \\xZ`", "\\unicode and \\xZ"),
            ("String.raw({ raw: ['a', 'b', 'c'] }, 1)", "a1bc"),
            ("String.raw({ raw: ['a', 'b'] }, 1, 2, 3)", "a1b"),
            ("String.raw({ raw: 'xyz' }, '-', '+', '!')", "x-y+z"),
            (
                "String.raw({ raw: { length: 2, 0: 'p', 1: 'q' } }, [1, 2])",
                "p1,2q",
            ),
            ("String.raw({ raw: { length: '2' } })", "undefinedundefined"),
            ("String.raw({ raw: { length: -1 } }, 1)", ""),
            ("String.raw({ raw: [] }, 1)", ""),
            ("String.raw({ raw: { length: 1.9, 0: 7, 1: 8 } })", "7"),
            (
                "String.raw()",
                "throws TypeError: Cannot convert undefined or null to object",
            ),
            (
                "String.raw({})",
                "throws TypeError: Cannot convert undefined or null to object",
            ),
            (
                "String.raw({ raw: null })",
                "throws TypeError: Cannot convert undefined or null to object",
            ),
            (
                "((s, ...v) => JSON.stringify([s, s.raw, v]))`a\\u{41}${1}\\xZ${2}\\n`",
                "[[\"aA\",null,\"\\n\"],[\"a\\\\u{41}\",\"\\\\xZ\",\"\\\\n\"],[1,2]]",
            ),
            (
                "((s) => s.length + ' ' + s.raw.length + ' ' + Array.isArray(s.raw))``",
                "1 1 true",
            ),
        ]);
    }

    /// `localeCompare` as Node's ICU orders (root collation, the default locale's).
    #[test]
    fn collation_agrees_with_node() {
        super::super::test_support::check(&[
            ("JSON.stringify(['b', 'a', 'C', 'B', 'é', 'e', 'f', 'E', '_x', '-x', '10', '9', 'Z', 'z', ' a', 'résumé', 'resume', 'Résumé'].sort((a, b) => a.localeCompare(b)))", "[\" a\",\"_x\",\"-x\",\"10\",\"9\",\"a\",\"b\",\"B\",\"C\",\"e\",\"E\",\"é\",\"f\",\"resume\",\"résumé\",\"Résumé\",\"z\",\"Z\"]"),
            ("JSON.stringify(['apple', 'Apple', 'APPLE', 'äpple', 'Äpple', 'apples', 'a-pple', 'a pple', 'a_pple', 'a.pple'].sort((a, b) => a.localeCompare(b)))", "[\"a pple\",\"a_pple\",\"a-pple\",\"a.pple\",\"apple\",\"Apple\",\"APPLE\",\"äpple\",\"Äpple\",\"apples\"]"),
            ("JSON.stringify(['item10', 'item9', 'item1', 'Item2', 'item 3', 'ítem4', 'Zeta', 'alpha', 'Beta', 'ß', 'ss', 'st'].sort((a, b) => a.localeCompare(b)))", "[\"alpha\",\"Beta\",\"item 3\",\"item1\",\"item10\",\"Item2\",\"ítem4\",\"item9\",\"ss\",\"ß\",\"st\",\"Zeta\"]"),
            ("['a'.localeCompare('b'), 'b'.localeCompare('a'), 'a'.localeCompare('a'), 'a'.localeCompare('A'), 'A'.localeCompare('a'), 'é'.localeCompare('e'), 'e'.localeCompare('f'), ''.localeCompare('a'), 'a'.localeCompare('á'), 'ä'.localeCompare('b')].join()", "-1,1,0,-1,1,1,-1,-1,-1,-1"),
            ("JSON.stringify(['😀', 'a', '中', '日本', 'Ω', 'ω', 'ñ', 'n', 'o', '1', '$', '#', '@', '!'].sort((a, b) => a.localeCompare(b)))", "[\"!\",\"@\",\"#\",\"😀\",\"$\",\"1\",\"a\",\"n\",\"ñ\",\"o\",\"ω\",\"Ω\",\"中\",\"日本\"]"),
        ]);
    }

    #[test]
    fn base64() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert!(base64_decode("a").is_none());
    }
}
