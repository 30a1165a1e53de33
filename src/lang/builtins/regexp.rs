//! Regular expressions: JavaScript syntax translated to the `regex` crate's, which
//! matches in linear time (so a hostile pattern cannot stall a request). What that
//! crate cannot do (backreferences, lookaround) is a compile error.

use std::borrow::Cow;
use std::sync::Arc;

use super::string::expand_template;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::string::{utf16_index_of_byte, wtf8_to_str_lossy};
use crate::lang::value::{Atom, ObjId, ObjKind, Object, Props, StrId, Value};

/// A compiled regular expression.
#[derive(Debug)]
pub(crate) struct JsRegex {
    /// The pattern as written.
    pub source: String,
    /// The flags as written.
    pub flags: String,
    re: regex::Regex,
    global: bool,
    sticky: bool,
    /// Named groups: name and group number.
    names: Vec<(String, usize)>,
}

/// The most compiled program size a regular expression may take.
const SIZE_LIMIT: usize = 1 << 20;

/// Checks that a pattern can be compiled, for the compiler's diagnostics.
pub(crate) fn validate(pattern: &str, flags: &str) -> Result<(), String> {
    compile(pattern, flags).map(|_| ())
}

/// Compiles a JavaScript pattern with its flags.
pub(crate) fn compile(pattern: &str, flags: &str) -> Result<JsRegex, String> {
    for f in flags.chars() {
        if !"gimsuyd".contains(f) || flags.matches(f).count() > 1 {
            return Err(format!("invalid regular expression flags \"{flags}\""));
        }
    }
    let translated = translate(pattern, flags.contains('s'))?;
    let mut prefix = String::new();
    if flags.contains('i') {
        prefix.push_str("(?i)");
    }
    if flags.contains('m') {
        prefix.push_str("(?m)");
    }
    let re = regex::RegexBuilder::new(&format!("{prefix}{translated}"))
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "regular expression too large".to_owned(),
            other => format!(
                "invalid regular expression /{pattern}/: {}",
                first_line(&other.to_string())
            ),
        })?;
    let names = re
        .capture_names()
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (n.to_owned(), i)))
        .collect();
    Ok(JsRegex {
        source: if pattern.is_empty() {
            "(?:)".into()
        } else {
            pattern.to_owned()
        },
        flags: flags.to_owned(),
        re,
        global: flags.contains('g'),
        sticky: flags.contains('y'),
        names,
    })
}

fn first_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}

const SPACE_CLASS: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// Rewrites JavaScript regex syntax into the `regex` crate's.
fn translate(p: &str, dot_all: bool) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err("\\ at end of pattern".into());
                };
                i += 2;
                match e {
                    'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str(if in_class {
                        "A-Za-z0-9_"
                    } else {
                        "[A-Za-z0-9_]"
                    }),
                    'W' => out.push_str("[^A-Za-z0-9_]"),
                    's' => {
                        if in_class {
                            out.push_str(SPACE_CLASS);
                        } else {
                            out.push('[');
                            out.push_str(SPACE_CLASS);
                            out.push(']');
                        }
                    }
                    'S' => {
                        out.push_str("[^");
                        out.push_str(SPACE_CLASS);
                        out.push(']');
                    }
                    'b' if in_class => out.push_str(r"\x08"),
                    'b' => out.push_str(r"(?-u:\b)"),
                    'B' => out.push_str(r"(?-u:\B)"),
                    '1'..='9' => {
                        return Err(
                            "backreferences (\\1) are not supported in regular expressions".into(),
                        )
                    }
                    'k' => return Err("named backreferences (\\k<name>) are not supported".into()),
                    '0' => out.push_str(r"\x00"),
                    'u' => {
                        if chars.get(i) == Some(&'{') {
                            let close = chars[i..]
                                .iter()
                                .position(|&x| x == '}')
                                .ok_or("unterminated \\u{…}")?;
                            let hex: String = chars[i + 1..i + close].iter().collect();
                            out.push_str(&format!("\\x{{{hex}}}"));
                            i += close + 1;
                        } else {
                            let hex: String = chars
                                .get(i..i + 4)
                                .ok_or("invalid \\u escape")?
                                .iter()
                                .collect();
                            let unit =
                                u32::from_str_radix(&hex, 16).map_err(|_| "invalid \\u escape")?;
                            i += 4;
                            // A surrogate pair written as two escapes is one character.
                            if (0xD800..0xDC00).contains(&unit)
                                && chars.get(i) == Some(&'\\')
                                && chars.get(i + 1) == Some(&'u')
                            {
                                let lo_hex: String = chars
                                    .get(i + 2..i + 6)
                                    .map(|s| s.iter().collect())
                                    .unwrap_or_default();
                                if let Ok(lo) = u32::from_str_radix(&lo_hex, 16) {
                                    if (0xDC00..0xE000).contains(&lo) {
                                        let cp = 0x10000 + ((unit - 0xD800) << 10) + (lo - 0xDC00);
                                        out.push_str(&format!("\\x{{{cp:X}}}"));
                                        i += 6;
                                        continue;
                                    }
                                }
                            }
                            out.push_str(&format!("\\x{{{unit:X}}}"));
                        }
                    }
                    'x' => {
                        let hex: String = chars
                            .get(i..i + 2)
                            .ok_or("invalid \\x escape")?
                            .iter()
                            .collect();
                        out.push_str(&format!("\\x{{{hex}}}"));
                        i += 2;
                    }
                    'c' => {
                        let Some(l) = chars.get(i).filter(|c| c.is_ascii_alphabetic()) else {
                            out.push_str(r"\\c");
                            continue;
                        };
                        out.push_str(&format!("\\x{{{:X}}}", (*l as u32) % 32));
                        i += 1;
                    }
                    'n' | 'r' | 't' | 'f' | 'v' => {
                        out.push_str(match e {
                            'n' => r"\n",
                            'r' => r"\r",
                            't' => r"\t",
                            'f' => r"\x0C",
                            _ => r"\x0B",
                        });
                    }
                    'p' | 'P' => {
                        out.push('\\');
                        out.push(e);
                    }
                    e if e.is_ascii_alphanumeric() => out.push(e),
                    e => {
                        if e.is_ascii_punctuation() {
                            out.push('\\');
                        }
                        out.push(e);
                    }
                }
                continue;
            }
            '[' if !in_class => {
                if chars.get(i + 1) == Some(&']') {
                    // `[]` matches nothing.
                    out.push_str(r"[^\x00-\x{10FFFF}]");
                    i += 2;
                    continue;
                }
                if chars.get(i + 1) == Some(&'^') && chars.get(i + 2) == Some(&']') {
                    out.push_str(r"(?s:.)");
                    i += 3;
                    continue;
                }
                in_class = true;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '[' => out.push_str(r"\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '.' if !in_class => {
                if dot_all {
                    out.push_str("(?s:.)");
                } else {
                    out.push_str(r"[^\n\r\x{2028}\x{2029}]");
                }
            }
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                match (chars.get(i + 2), chars.get(i + 3)) {
                    (Some('='), _) | (Some('!'), _) => {
                        return Err(
                            "lookahead (?= …) is not supported in regular expressions".into()
                        )
                    }
                    (Some('<'), Some('=')) | (Some('<'), Some('!')) => {
                        return Err(
                            "lookbehind (?<= …) is not supported in regular expressions".into()
                        )
                    }
                    _ => out.push('('),
                }
            }
            '{' if !in_class => {
                // A `{` that starts no quantifier is a literal in JavaScript.
                let rest: String = chars[i..].iter().take(24).collect();
                let is_quantifier = rest.find('}').map(|end| &rest[1..end]).is_some_and(|q| {
                    !q.is_empty()
                        && q.chars().all(|x| x.is_ascii_digit() || x == ',')
                        && q.chars().next().is_some_and(|x| x.is_ascii_digit())
                });
                if is_quantifier {
                    out.push('{');
                } else {
                    out.push_str(r"\{");
                }
            }
            '}' if !in_class => {
                // Closes a quantifier only if one was opened just before.
                let open = out.rfind(['{', '}']);
                if open.is_some_and(|o| out[o..].starts_with('{') && !out[..o].ends_with('\\')) {
                    out.push('}');
                } else {
                    out.push_str(r"\}");
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    if in_class {
        return Err("unterminated character class".into());
    }
    Ok(out)
}

impl Vm<'_> {
    /// The compiled regex of table index `i` (program's first, then this request's).
    pub(crate) fn regex(&self, i: u32) -> Arc<JsRegex> {
        let n = self.p.regexes.len();
        let i = i as usize;
        if i < n {
            self.p.regexes[i].clone()
        } else {
            self.regexes[i - n].clone()
        }
    }
}

/// A regex literal: a new RegExp object each time it is evaluated.
pub(crate) fn literal(vm: &mut Vm<'_>, i: u32) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::RegExp {
                index: i,
                last_index: 0,
            },
            origin: 0,
        },
        0,
    )
}

/// `new RegExp(pattern, flags)`.
pub(crate) fn construct(vm: &mut Vm<'_>, args: &[Value], site: Site) -> R<Value> {
    let (pattern, mut flags) = match arg(args, 0) {
        Value::Obj(o) if matches!(vm.heap.obj(o).kind, ObjKind::RegExp { .. }) => {
            let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
                unreachable!()
            };
            let r = vm.regex(index);
            (r.source.clone(), r.flags.clone())
        }
        Value::Undefined => (String::new(), String::new()),
        v => {
            let s = vm.to_string(v, site)?;
            (vm.heap.str_lossy(s).into_owned(), String::new())
        }
    };
    if arg(args, 1) != Value::Undefined {
        let f = vm.to_string(arg(args, 1), site)?;
        flags = vm.heap.str_lossy(f).into_owned();
    }
    let pattern = if pattern == "(?:)" {
        String::new()
    } else {
        pattern
    };
    if vm.regexes.len() >= 4096 {
        return Err(vm.throw(
            error_class::RANGE_ERROR,
            "too many regular expressions made at run time",
            site,
        ));
    }
    let r = vm.heap.charge(pattern.len() * 64 + 4096);
    vm.mem(r, site)?;
    let compiled =
        compile(&pattern, &flags).map_err(|m| vm.throw(error_class::SYNTAX_ERROR, m, site))?;
    vm.regexes.push(Arc::new(compiled));
    let index = (vm.p.regexes.len() + vm.regexes.len() - 1) as u32;
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::RegExp {
                index,
                last_index: 0,
            },
            origin: 0,
        },
        site,
    )
}

/// Whether a value is a RegExp.
pub(crate) fn is_regexp(vm: &Vm<'_>, v: Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(vm.heap.obj(o).kind, ObjKind::RegExp { .. }))
}

/// Whether a RegExp has the `g` flag.
pub(crate) fn is_global(vm: &Vm<'_>, v: Value) -> bool {
    match v {
        Value::Obj(o) => match vm.heap.obj(o).kind {
            ObjKind::RegExp { index, .. } => vm.regex(index).global,
            _ => false,
        },
        _ => false,
    }
}

/// The RegExp for `match`/`search`: a RegExp as is, anything else compiled from its
/// string.
pub(crate) fn coerce(vm: &mut Vm<'_>, v: Value, global: bool, site: Site) -> R<ObjId> {
    if let Value::Obj(o) = v {
        if let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind {
            if global && !vm.regex(index).global {
                return Err(vm.type_error(
                    "String.prototype.matchAll called with a non-global RegExp argument",
                    site,
                ));
            }
            return Ok(o);
        }
    }
    let pattern = match v {
        Value::Undefined => Value::Str(vm.to_string(
            Value::Str(vm.heap.atom_name(Atom::EMPTY).unwrap_or(StrId(0))),
            site,
        )?),
        other => other,
    };
    let flags = if global {
        vm.str_value("g", site)?
    } else {
        Value::Undefined
    };
    match construct(vm, &[pattern, flags], site)? {
        Value::Obj(o) => Ok(o),
        _ => Err(vm.type_error("invalid regular expression", site)),
    }
}

/// One match: UTF-16 start and end, byte range, and each group's byte range.
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    bytes: (usize, usize),
    groups: Vec<Option<(usize, usize)>>,
}

/// Matches regex object `o` against `s` from UTF-16 index `from`.
pub(crate) fn exec_at(
    vm: &mut Vm<'_>,
    o: ObjId,
    s: StrId,
    from: usize,
    site: Site,
) -> R<Option<Found>> {
    let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
        return Ok(None);
    };
    let re = vm.regex(index);
    let n = vm.heap.str_bytes(s).len();
    vm.step(1 + (n as u64 >> 8), site)?;
    let bytes = vm.heap.str_bytes(s);
    let ascii = vm.heap.str_is_ascii(s);
    // Lone surrogates become U+FFFD: three bytes each way, so offsets hold.
    let text = wtf8_to_str_lossy(bytes);
    let start_byte = if ascii {
        from.min(text.len())
    } else {
        byte_of(&text, from)
    };
    if start_byte > text.len() {
        return Ok(None);
    }
    let Some(caps) = re.re.captures_at(&text, start_byte) else {
        return Ok(None);
    };
    let Some(m) = caps.get(0) else {
        return Ok(None);
    };
    if re.sticky && m.start() != start_byte {
        return Ok(None);
    }
    let groups = (1..caps.len())
        .map(|i| caps.get(i).map(|g| (g.start(), g.end())))
        .collect();
    let b = vm.heap.str_bytes(s);
    Ok(Some(Found {
        start: utf16_index_of_byte(b, ascii, m.start()),
        end: utf16_index_of_byte(b, ascii, m.end()),
        bytes: (m.start(), m.end()),
        groups,
    }))
}

/// The byte offset of UTF-16 index `i` (clamped to the end).
fn byte_of(s: &str, i: usize) -> usize {
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units >= i {
            return b;
        }
        units += c.len_utf16();
    }
    s.len()
}

/// The array `exec` and non-global `match` return: the match, its groups, and the
/// properties `index`, `input` and `groups`.
fn match_array(vm: &mut Vm<'_>, o: ObjId, s: StrId, f: &Found, site: Site) -> R<Value> {
    let bytes = vm.heap.str_bytes(s).to_vec();
    let mut items = Vec::with_capacity(f.groups.len() + 1);
    items.push(vm.string(&bytes[f.bytes.0..f.bytes.1], site)?);
    for g in &f.groups {
        items.push(match g {
            Some((a, b)) => vm.string(&bytes[*a..*b], site)?,
            None => Value::Undefined,
        });
    }
    let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
        return Ok(Value::Null);
    };
    let re = vm.regex(index);
    let groups = if re.names.is_empty() {
        Value::Undefined
    } else {
        let mut props = Props::new();
        for (name, i) in &re.names {
            let k = vm.intern(name, site)?;
            props.set(k, items.get(*i).copied().unwrap_or(Value::Undefined));
        }
        vm.alloc(Object::plain(props), site)?
    };
    let arr = vm.array(items, site)?;
    if let Value::Obj(a) = arr {
        let obj = vm.heap.obj_mut(a);
        obj.props
            .push_new_name(Atom::INDEX, Value::Num(f.start as f64));
        obj.props.push_new_name(Atom::INPUT, Value::Str(s));
        obj.props.push_new_name(Atom::GROUPS, groups);
    }
    Ok(arr)
}

fn last_index(vm: &Vm<'_>, o: ObjId) -> usize {
    match vm.heap.obj(o).kind {
        ObjKind::RegExp { last_index, .. } => last_index as usize,
        _ => 0,
    }
}

fn set_last_index(vm: &mut Vm<'_>, o: ObjId, v: usize) {
    if let ObjKind::RegExp { last_index, .. } = &mut vm.heap.obj_mut(o).kind {
        *last_index = v.min(u32::MAX as usize) as u32;
    }
}

fn exec(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Option<Found>> {
    let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
        return Ok(None);
    };
    let re = vm.regex(index);
    let stateful = re.global || re.sticky;
    let from = if stateful { last_index(vm, o) } else { 0 };
    let found = exec_at(vm, o, s, from, site)?;
    if stateful {
        match &found {
            Some(f) => set_last_index(vm, o, f.end),
            None => set_last_index(vm, o, 0),
        }
    }
    Ok(found)
}

/// Methods of RegExp objects.
pub(crate) fn method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    Ok(Some(match m {
        Method::Test => {
            let s = vm.to_string(arg(args, 0), site)?;
            Value::Bool(exec(vm, o, s, site)?.is_some())
        }
        Method::Exec => {
            let s = vm.to_string(arg(args, 0), site)?;
            match exec(vm, o, s, site)? {
                Some(f) => match_array(vm, o, s, &f, site)?,
                None => Value::Null,
            }
        }
        Method::ToString => Value::Str(vm.to_string(Value::Obj(o), site)?),
        _ => return Ok(None),
    }))
}

/// Properties of RegExp objects.
pub(crate) fn get(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> R<Value> {
    let ObjKind::RegExp { index, last_index } = vm.heap.obj(o).kind else {
        return Ok(Value::Undefined);
    };
    let re = vm.regex(index);
    let name = vm.key_text(key);
    Ok(match name.as_str() {
        "source" => vm.str_value(&re.source, site)?,
        "flags" => vm.str_value(&re.flags, site)?,
        "global" => Value::Bool(re.global),
        "sticky" => Value::Bool(re.sticky),
        "ignoreCase" => Value::Bool(re.flags.contains('i')),
        "multiline" => Value::Bool(re.flags.contains('m')),
        "lastIndex" => Value::Num(f64::from(last_index)),
        _ => Value::Undefined,
    })
}

/// `s.match(re)`.
pub(crate) fn match_(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Value> {
    let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
        return Ok(Value::Null);
    };
    if !vm.regex(index).global {
        return Ok(match exec(vm, o, s, site)? {
            Some(f) => match_array(vm, o, s, &f, site)?,
            None => Value::Null,
        });
    }
    let all = all_matches(vm, o, s, site)?;
    if all.is_empty() {
        return Ok(Value::Null);
    }
    let bytes = vm.heap.str_bytes(s).to_vec();
    let mut items = Vec::with_capacity(all.len());
    for f in &all {
        items.push(vm.string(&bytes[f.bytes.0..f.bytes.1], site)?);
    }
    vm.array(items, site)
}

/// `s.matchAll(re)`: every match array (an array, which `for…of` and spread read).
pub(crate) fn match_all(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Value> {
    let all = all_matches(vm, o, s, site)?;
    let mut items = Vec::with_capacity(all.len());
    for f in &all {
        items.push(match_array(vm, o, s, f, site)?);
    }
    vm.array(items, site)
}

fn all_matches(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Vec<Found>> {
    let len = vm.heap.str_bytes(s).len();
    let mut out = Vec::new();
    let mut from = 0usize;
    let total16 =
        crate::lang::value::string::utf16_len(vm.heap.str_bytes(s), vm.heap.str_is_ascii(s));
    loop {
        if from > total16 {
            break;
        }
        let Some(f) = exec_at(vm, o, s, from, site)? else {
            break;
        };
        from = if f.end == f.start { f.end + 1 } else { f.end };
        out.push(f);
        if out.len() > len + 1 {
            break;
        }
    }
    set_last_index(vm, o, 0);
    Ok(out)
}

/// `s.replace(re, replacement)` and `s.replaceAll(re, replacement)`.
pub(crate) fn replace(
    vm: &mut Vm<'_>,
    re: Value,
    s: StrId,
    replacement: Value,
    site: Site,
) -> R<Value> {
    let Value::Obj(o) = re else {
        return Ok(Value::Str(s));
    };
    let ObjKind::RegExp { index, .. } = vm.heap.obj(o).kind else {
        return Ok(Value::Str(s));
    };
    let rx = vm.regex(index);
    let matches = if rx.global {
        all_matches(vm, o, s, site)?
    } else {
        exec(vm, o, s, site)?.into_iter().collect()
    };
    let func = vm.is_function(replacement);
    let template = if func {
        None
    } else {
        let t = vm.to_string(replacement, site)?;
        Some(vm.heap.str_bytes(t).to_vec())
    };
    let text = vm.heap.str_bytes(s).to_vec();
    let mut out = Vec::with_capacity(text.len());
    let mut last = 0;
    for f in &matches {
        vm.step(1, site)?;
        out.extend_from_slice(&text[last..f.bytes.0]);
        let matched = &text[f.bytes.0..f.bytes.1];
        match &template {
            Some(t) => {
                let groups: Vec<Option<Cow<'_, [u8]>>> = f
                    .groups
                    .iter()
                    .map(|g| g.map(|(a, b)| Cow::Borrowed(&text[a..b])))
                    .collect();
                expand_template(&mut out, t, matched, &text, f.bytes.0, &groups, &rx.names);
            }
            None => {
                let mut args = Vec::with_capacity(f.groups.len() + 4);
                args.push(vm.string(matched, site)?);
                for g in &f.groups {
                    args.push(match g {
                        Some((a, b)) => vm.string(&text[*a..*b], site)?,
                        None => Value::Undefined,
                    });
                }
                args.push(Value::Num(f.start as f64));
                args.push(Value::Str(s));
                if !rx.names.is_empty() {
                    let mut props = Props::new();
                    for (name, i) in &rx.names {
                        let k = vm.intern(name, site)?;
                        props.set(k, args.get(*i).copied().unwrap_or(Value::Undefined));
                    }
                    args.push(vm.alloc(Object::plain(props), site)?);
                }
                let r = vm.call(replacement, Value::Undefined, &args, site)?;
                vm.push_string(&mut out, r, site, 0)?;
            }
        }
        last = f.bytes.1;
    }
    out.extend_from_slice(&text[last..]);
    let r = vm.heap.charge(out.len());
    vm.mem(r, site)?;
    vm.string(&out, site)
}

/// `s.split(re, limit)`: captured groups are spliced into the result.
pub(crate) fn split(vm: &mut Vm<'_>, re: Value, s: StrId, limit: usize, site: Site) -> R<Value> {
    let Value::Obj(o) = re else {
        return vm.array(vec![Value::Str(s)], site);
    };
    let text = vm.heap.str_bytes(s).to_vec();
    let total16 = crate::lang::value::string::utf16_len(&text, vm.heap.str_is_ascii(s));
    let mut out = Vec::new();
    if text.is_empty() {
        return if exec_at(vm, o, s, 0, site)?.is_some_and(|f| f.bytes.1 == 0) {
            vm.array(out, site)
        } else {
            vm.array(vec![Value::Str(s)], site)
        };
    }
    let mut p_byte = 0usize;
    let mut p16 = 0usize;
    let mut q = 0usize;
    while q < total16 {
        let Some(f) = exec_at(vm, o, s, q, site)? else {
            break;
        };
        if f.end == p16 || f.start >= total16 {
            q = f.start.max(q) + 1;
            continue;
        }
        out.push(vm.string(&text[p_byte..f.bytes.0], site)?);
        if out.len() >= limit {
            return vm.array(out, site);
        }
        for g in &f.groups {
            out.push(match g {
                Some((a, b)) => vm.string(&text[*a..*b], site)?,
                None => Value::Undefined,
            });
            if out.len() >= limit {
                return vm.array(out, site);
            }
        }
        p_byte = f.bytes.1;
        p16 = f.end;
        q = if f.end == f.start { f.end + 1 } else { f.end };
    }
    out.push(vm.string(&text[p_byte..], site)?);
    vm.array(out, site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation() {
        assert!(compile(r"^\d+(\.\d+)?$", "").unwrap().re.is_match("12.5"));
        assert!(!compile(r"^\d+$", "").unwrap().re.is_match("١٢"));
        assert!(compile(r"a{", "").unwrap().re.is_match("a{"));
        assert!(compile(r"[^]", "").unwrap().re.is_match("\n"));
        assert!(!compile(r".", "").unwrap().re.is_match("\n"));
        assert!(
            compile(r"(?<year>\d{4})-(?<month>\d{2})", "g")
                .unwrap()
                .names
                .len()
                == 2
        );
        assert!(compile(r"\uD83D\uDE00", "").unwrap().re.is_match("😀"));
        assert!(compile(r"[a-z&]+", "i").unwrap().re.is_match("A&b"));
    }

    #[test]
    fn unsupported_is_an_error() {
        assert!(validate(r"(a)\1", "")
            .unwrap_err()
            .contains("backreferences"));
        assert!(validate(r"a(?=b)", "").unwrap_err().contains("lookahead"));
        assert!(validate(r"(?<!a)b", "").unwrap_err().contains("lookbehind"));
        assert!(validate(r"a", "gg").is_err());
        assert!(validate(r"[a", "").is_err());
    }
}
