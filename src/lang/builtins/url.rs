//! `URL`, `URLSearchParams`, `Headers`, and the URI encoding functions, over the
//! `url` crate (the WHATWG URL standard, as browsers and Workers implement it).

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::{Atom, HostData, HostKind, ObjId, ObjKind, Object, Props, Value};

/// `encodeURIComponent` and friends.
pub(super) fn call_uri(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let s = vm.to_string(arg(args, 0), site)?;
    let bytes = vm.heap.str_bytes(s).to_vec();
    let out = match n {
        Native::EncodeUriComponent | Native::EncodeUri => {
            let Ok(text) = std::str::from_utf8(&bytes) else {
                return Err(vm.throw(error_class::URI_ERROR, "URI malformed", site));
            };
            let keep: &[u8] = if n == Native::EncodeUri {
                b"-_.!~*'();/?:@&=+$,#"
            } else {
                b"-_.!~*'()"
            };
            let mut out = String::with_capacity(text.len());
            for b in text.bytes() {
                if b.is_ascii_alphanumeric() || keep.contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out.into_bytes()
        }
        _ => {
            let reserved: &[u8] = if n == Native::DecodeUri {
                b";/?:@&=+$,#"
            } else {
                b""
            };
            match percent_decode(&bytes, reserved) {
                Some(v) => v,
                None => return Err(vm.throw(error_class::URI_ERROR, "URI malformed", site)),
            }
        }
    };
    vm.string(&out, site)
}

/// Decodes `%XX` sequences (as UTF-8), keeping escapes of `reserved` bytes.
fn percent_decode(bytes: &[u8], reserved: &[u8]) -> Option<Vec<u8>> {
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(hex).ok()?;
            let b = u8::from_str_radix(h, 16).ok()?;
            if reserved.contains(&b) {
                raw.extend_from_slice(&bytes[i..i + 3]);
            } else {
                raw.push(b);
            }
            i += 3;
        } else {
            raw.push(bytes[i]);
            i += 1;
        }
    }
    std::str::from_utf8(&raw).ok()?;
    Some(raw)
}

fn url_of(vm: &Vm<'_>, o: ObjId) -> Option<url::Url> {
    match &vm.heap.obj(o).kind {
        ObjKind::Host(HostKind::Url, d) => match &**d {
            HostData::Url(u, _) => Some((**u).clone()),
            _ => None,
        },
        _ => None,
    }
}

fn set_url(vm: &mut Vm<'_>, o: ObjId, u: url::Url) {
    if let ObjKind::Host(HostKind::Url, d) = &mut vm.heap.obj_mut(o).kind {
        if let HostData::Url(old, _) = &mut **d {
            **old = u;
        }
    }
}

/// The pairs of a URLSearchParams or Headers object (a URL's are read from it).
fn pairs(vm: &Vm<'_>, o: ObjId) -> Vec<(String, String)> {
    match &vm.heap.obj(o).kind {
        ObjKind::Host(_, d) => match &**d {
            HostData::Pairs(_, Some(owner)) => url_of(vm, *owner)
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            HostData::Pairs(p, None) => p.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn set_pairs(vm: &mut Vm<'_>, o: ObjId, new: Vec<(String, String)>) {
    let owner = match &vm.heap.obj(o).kind {
        ObjKind::Host(_, d) => match &**d {
            HostData::Pairs(_, owner) => *owner,
            _ => None,
        },
        _ => None,
    };
    match owner {
        Some(u) => {
            if let Some(mut url) = url_of(vm, u) {
                if new.is_empty() {
                    url.set_query(None);
                } else {
                    url.query_pairs_mut().clear().extend_pairs(new.iter());
                }
                set_url(vm, u, url);
            }
        }
        None => {
            if let ObjKind::Host(_, d) = &mut vm.heap.obj_mut(o).kind {
                **d = HostData::Pairs(new, None);
            }
        }
    }
}

fn serialize(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish()
}

/// `String(url)` / `String(params)`.
pub(crate) fn to_string(vm: &Vm<'_>, o: ObjId) -> String {
    match &vm.heap.obj(o).kind {
        ObjKind::Host(HostKind::Url, _) => url_of(vm, o).map(String::from).unwrap_or_default(),
        _ => serialize(&pairs(vm, o)),
    }
}

/// The pairs as `[key, value]` arrays (iteration of URLSearchParams and Headers).
pub(crate) fn pairs_as_arrays(vm: &mut Vm<'_>, o: ObjId, site: Site) -> R<Vec<Value>> {
    let list = pairs(vm, o);
    let mut out = Vec::with_capacity(list.len());
    for (k, v) in list {
        let k = vm.str_value(&k, site)?;
        let v = vm.str_value(&v, site)?;
        out.push(vm.array(vec![k, v], site)?);
    }
    Ok(out)
}

fn host(vm: &mut Vm<'_>, kind: HostKind, data: HostData, site: Site) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Host(kind, Box::new(data)),
            origin: 0,
        },
        site,
    )
}

/// Pairs from a URLSearchParams/Headers initializer: a string, an object, an array
/// of pairs, or another such object.
fn init_pairs(vm: &mut Vm<'_>, init: Value, site: Site) -> R<Vec<(String, String)>> {
    Ok(match init {
        Value::Undefined | Value::Null => Vec::new(),
        Value::Str(s) => {
            let text = vm.heap.str_lossy(s).into_owned();
            let text = text.strip_prefix('?').unwrap_or(&text);
            url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect()
        }
        Value::Obj(o) => match &vm.heap.obj(o).kind {
            ObjKind::Host(HostKind::SearchParams | HostKind::Headers, _) => pairs(vm, o),
            ObjKind::Array(_) => {
                let items = vm.iterate(init, site)?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let k = vm.get(item, Atom::index(0).unwrap_or(Atom::EMPTY), site)?;
                    let v = vm.get(item, Atom::index(1).unwrap_or(Atom::EMPTY), site)?;
                    let k = vm.to_string(k, site)?;
                    let v = vm.to_string(v, site)?;
                    out.push((
                        vm.heap.str_lossy(k).into_owned(),
                        vm.heap.str_lossy(v).into_owned(),
                    ));
                }
                out
            }
            _ => {
                let entries = vm.own_entries(init, site)?;
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = vm.key_text(k);
                    let v = vm.to_string(v, site)?;
                    out.push((key, vm.heap.str_lossy(v).into_owned()));
                }
                out
            }
        },
        other => {
            let s = vm.to_string(other, site)?;
            let text = vm.heap.str_lossy(s).into_owned();
            url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect()
        }
    })
}

/// `new URL(…)`, `new URLSearchParams(…)`, `new Headers(…)`.
pub(super) fn construct(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    match n {
        Native::NewUrl => {
            let input = vm.to_string(arg(args, 0), site)?;
            let input = vm.heap.str_lossy(input).into_owned();
            let parsed = match arg(args, 1) {
                Value::Undefined => url::Url::parse(&input),
                b => {
                    let base = vm.to_string(b, site)?;
                    let base = vm.heap.str_lossy(base).into_owned();
                    url::Url::parse(&base).and_then(|b| b.join(&input))
                }
            };
            match parsed {
                Ok(u) => {
                    let r = vm.heap.charge(u.as_str().len() + 256);
                    vm.mem(r, site)?;
                    let url = host(vm, HostKind::Url, HostData::Url(Box::new(u), None), site)?;
                    if let Value::Obj(o) = url {
                        let params = host(
                            vm,
                            HostKind::SearchParams,
                            HostData::Pairs(Vec::new(), Some(o)),
                            site,
                        )?;
                        if let (ObjKind::Host(_, d), Value::Obj(p)) =
                            (&mut vm.heap.obj_mut(o).kind, params)
                        {
                            if let HostData::Url(_, sp) = &mut **d {
                                *sp = Some(p);
                            }
                        }
                    }
                    Ok(url)
                }
                Err(_) => Err(vm.type_error(format!("Invalid URL: {input}"), site)),
            }
        }
        Native::NewUrlSearchParams => {
            let list = init_pairs(vm, arg(args, 0), site)?;
            host(
                vm,
                HostKind::SearchParams,
                HostData::Pairs(list, None),
                site,
            )
        }
        _ => {
            let list = init_pairs(vm, arg(args, 0), site)?
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect();
            host(vm, HostKind::Headers, HostData::Pairs(list, None), site)
        }
    }
}

/// Properties of URL, URLSearchParams and Headers objects.
pub(crate) fn get(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> R<Value> {
    let name = vm.key_text(key);
    let kind = match &vm.heap.obj(o).kind {
        ObjKind::Host(k, _) => *k,
        _ => return Ok(Value::Undefined),
    };
    if kind != HostKind::Url {
        return Ok(if name == "size" {
            Value::Num(pairs(vm, o).len() as f64)
        } else {
            Value::Undefined
        });
    }
    let Some(u) = url_of(vm, o) else {
        return Ok(Value::Undefined);
    };
    let text = match name.as_str() {
        "href" => u.as_str().to_owned(),
        "origin" => u.origin().ascii_serialization(),
        "protocol" => format!("{}:", u.scheme()),
        "username" => u.username().to_owned(),
        "password" => u.password().unwrap_or("").to_owned(),
        "host" => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => String::new(),
        },
        "hostname" => u.host_str().unwrap_or("").to_owned(),
        "port" => u.port().map(|p| p.to_string()).unwrap_or_default(),
        "pathname" => u.path().to_owned(),
        "search" => u
            .query()
            .filter(|q| !q.is_empty())
            .map(|q| format!("?{q}"))
            .unwrap_or_default(),
        "hash" => u
            .fragment()
            .filter(|f| !f.is_empty())
            .map(|f| format!("#{f}"))
            .unwrap_or_default(),
        "searchParams" => {
            return Ok(match &vm.heap.obj(o).kind {
                ObjKind::Host(_, d) => match &**d {
                    HostData::Url(_, Some(p)) => Value::Obj(*p),
                    _ => Value::Undefined,
                },
                _ => Value::Undefined,
            })
        }
        _ => return Ok(Value::Undefined),
    };
    vm.str_value(&text, site)
}

/// Setters of URL objects; whether `key` is one.
pub(crate) fn set(vm: &mut Vm<'_>, o: ObjId, key: Atom, value: Value, site: Site) -> R<bool> {
    let name = vm.key_text(key);
    let Some(mut u) = url_of(vm, o) else {
        return Ok(false);
    };
    let s = vm.to_string(value, site)?;
    let v = vm.heap.str_lossy(s).into_owned();
    match name.as_str() {
        "href" => match url::Url::parse(&v) {
            Ok(n) => u = n,
            Err(_) => return Err(vm.type_error(format!("Invalid URL: {v}"), site)),
        },
        "pathname" => u.set_path(&v),
        "search" => u.set_query(Some(v.strip_prefix('?').unwrap_or(&v)).filter(|q| !q.is_empty())),
        "hash" => u.set_fragment(Some(v.strip_prefix('#').unwrap_or(&v)).filter(|f| !f.is_empty())),
        "hostname" => {
            let _ = u.set_host(Some(&v));
        }
        "host" => {
            let (h, p) = match v.rsplit_once(':') {
                Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p.parse().ok()),
                _ => (v.as_str(), None),
            };
            let _ = u.set_host(Some(h));
            if p.is_some() {
                let _ = u.set_port(p);
            }
        }
        "port" => {
            let _ = u.set_port(if v.is_empty() { None } else { v.parse().ok() });
        }
        "protocol" => {
            let _ = u.set_scheme(v.trim_end_matches(':'));
        }
        "username" => {
            let _ = u.set_username(&v);
        }
        "password" => {
            let _ = u.set_password(Some(&v).filter(|p| !p.is_empty()).map(|p| p.as_str()));
        }
        _ => return Ok(false),
    }
    set_url(vm, o, u);
    Ok(true)
}

/// Methods of URL, URLSearchParams and Headers.
pub(crate) fn method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let kind = match &vm.heap.obj(o).kind {
        ObjKind::Host(k, _) => *k,
        _ => return Ok(None),
    };
    if kind == HostKind::Url {
        return Ok(match m {
            Method::ToString | Method::ToJson => Some(vm.str_value(&to_string(vm, o), site)?),
            _ => None,
        });
    }
    let headers = kind == HostKind::Headers;
    let key_arg = |vm: &mut Vm<'_>, i: usize| -> R<String> {
        let s = vm.to_string(arg(args, i), site)?;
        let k = vm.heap.str_lossy(s).into_owned();
        Ok(if headers { k.to_ascii_lowercase() } else { k })
    };
    let mut list = pairs(vm, o);
    vm.step(1 + (list.len() as u64 >> 4), site)?;
    let v = match m {
        Method::Get => {
            let k = key_arg(vm, 0)?;
            if headers {
                let values: Vec<&str> = list
                    .iter()
                    .filter(|(n, _)| *n == k)
                    .map(|(_, v)| v.as_str())
                    .collect();
                if values.is_empty() {
                    Value::Null
                } else {
                    vm.str_value(&values.join(", "), site)?
                }
            } else {
                match list.iter().find(|(n, _)| *n == k) {
                    Some((_, v)) => vm.str_value(v, site)?,
                    None => Value::Null,
                }
            }
        }
        Method::GetAll => {
            let k = key_arg(vm, 0)?;
            let mut out = Vec::new();
            for (_, v) in list.iter().filter(|(n, _)| *n == k) {
                out.push(vm.str_value(v, site)?);
            }
            vm.array(out, site)?
        }
        Method::Has => {
            let k = key_arg(vm, 0)?;
            Value::Bool(list.iter().any(|(n, _)| *n == k))
        }
        Method::Append | Method::Set => {
            let k = key_arg(vm, 0)?;
            let v = vm.to_string(arg(args, 1), site)?;
            let v = vm.heap.str_lossy(v).into_owned();
            let r = vm.heap.charge(k.len() + v.len() + 48);
            vm.mem(r, site)?;
            if m == Method::Set {
                match list.iter().position(|(n, _)| *n == k) {
                    Some(first) => {
                        list[first].1 = v;
                        let mut i = 0;
                        list.retain(|(n, _)| {
                            i += 1;
                            *n != k || i - 1 == first
                        });
                    }
                    None => list.push((k, v)),
                }
            } else {
                list.push((k, v));
            }
            set_pairs(vm, o, list);
            Value::Undefined
        }
        Method::Delete => {
            let k = key_arg(vm, 0)?;
            list.retain(|(n, _)| *n != k);
            set_pairs(vm, o, list);
            Value::Undefined
        }
        Method::Sort if !headers => {
            // Stable, by name in UTF-16 code unit order.
            vm.step(
                list.len() as u64 * (64 - (list.len() as u64).leading_zeros() as u64),
                site,
            )?;
            list.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            set_pairs(vm, o, list);
            Value::Undefined
        }
        Method::ToString if !headers => vm.str_value(&serialize(&list), site)?,
        Method::ForEach => {
            let f = super::callback(vm, arg(args, 0), "forEach's callback", site)?;
            for (k, v) in list {
                let k = vm.str_value(&k, site)?;
                let v = vm.str_value(&v, site)?;
                vm.call(f, Value::Undefined, &[v, k, Value::Obj(o)], site)?;
            }
            Value::Undefined
        }
        Method::Keys | Method::Values | Method::Entries => {
            let mut out = Vec::with_capacity(list.len());
            for (k, v) in list {
                out.push(match m {
                    Method::Keys => vm.str_value(&k, site)?,
                    Method::Values => vm.str_value(&v, site)?,
                    _ => {
                        let k = vm.str_value(&k, site)?;
                        let v = vm.str_value(&v, site)?;
                        vm.array(vec![k, v], site)?
                    }
                });
            }
            vm.array(out, site)?
        }
        _ => return Ok(None),
    };
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
        ("(() => { const p = new URLSearchParams([['b', '2'], ['a', '1'], ['b', '3'], ['é', 'x'], ['Z', 'z'], ['\\u{1F600}', 'e'], ['\\uFF5E', 'w']]); p.sort(); return p.toString(); })()", "Z=z&a=1&b=2&b=3&%C3%A9=x&%F0%9F%98%80=e&%EF%BD%9E=w"),
        ("(() => { const p = new URLSearchParams('x=%20+%2B&y=1'); return p.get('x') + '|' + p.size; })()", "  +|2"),
        ("[ decodeURIComponent('%E2%82%AC'), (() => { try { decodeURIComponent('%E0%A4%A'); } catch (e) { return e instanceof URIError && e.name + ': ' + e.message; } })() ].join(' ')", "€ URIError: URI malformed"),
        ("(() => { try { decodeURI('%'); } catch (e) { return [e instanceof URIError, e instanceof Error, e.name, String(e)].join(); } })()", "true,true,URIError,URIError: URI malformed"),
        ("(() => { try { encodeURIComponent(String.fromCharCode(0xd800)); } catch (e) { return [e instanceof URIError, String(e)].join(); } })()", "true,URIError: URI malformed"),
        ("String(new URIError('x')) + ' ' + String(URIError('y')) + ' ' + (new URIError('z') instanceof Error)", "URIError: x URIError: y true"),
        ]);
    }

    #[test]
    fn decoding() {
        assert_eq!(
            percent_decode(b"a%20b%C3%A9", b"").unwrap(),
            "a bé".as_bytes()
        );
        assert_eq!(percent_decode(b"a%2Fb", b"/").unwrap(), b"a%2Fb");
        assert!(percent_decode(b"%E0%A4%A", b"").is_none());
        assert!(percent_decode(b"%FF", b"").is_none());
    }

    #[test]
    fn serialization() {
        let pairs = vec![("a b".to_owned(), "x~!'()".to_owned())];
        assert_eq!(serialize(&pairs), "a+b=x%7E%21%27%28%29");
    }
}
