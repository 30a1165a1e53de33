//! Regular expressions: JavaScript's syntax translated to `fancy-regex`'s.
//!
//! `fancy-regex` hands a pattern without backreferences or lookaround to the `regex`
//! crate, which matches in linear time; the rest runs on a backtracking machine whose
//! backtracking is bounded ([`BACKTRACK_LIMIT`] per search), so a hostile pattern
//! throws a `RangeError` instead of stalling the request.
//!
//! JavaScript's meaning is kept where the two dialects differ:
//! - `\d \w \s \b` are ASCII (and `\s` is JavaScript's white space); `.` excludes the
//!   four line terminators; `^`/`$` with `m` know all four;
//! - without the `u` flag a pattern sees UTF-16 code units: `.` matches half of a
//!   surrogate pair. Such a subject is matched in a form where each code unit is one
//!   character (a surrogate is a private-use character of plane 15, see [`unit_char`]);
//! - a backreference to a group that did not take part matches the empty string;
//! - `{` that starts no quantifier, `]` and `}` are literals, `\1` with no group 1 is
//!   an octal escape, `\k` without named groups is `k` (Annex B).
//!
//! Matching is on the request's WTF-8 strings with UTF-16 indices.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

use fancy_regex::{RegexBuilder, RegexInput};

mod translate;

use translate::{escape_source, scan_groups, translate, unit_char, Mode, UNIT_BASE};

use super::string::expand_template;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::string::{code_points, push_utf16, wtf8_to_str_lossy};
use crate::lang::value::{Atom, ObjId, ObjKind, Object, Props, StrId, Value};

/// How many times one search may backtrack before it gives up with an error.
pub(crate) const BACKTRACK_LIMIT: usize = 1_000_000;

/// The most compiled program size a regular expression may take.
const SIZE_LIMIT: usize = 1 << 20;

/// A compiled regular expression.
#[derive(Debug)]
pub(crate) struct JsRegex {
    /// The pattern as `source` shows it (`/` and line terminators escaped).
    pub source: String,
    /// The flags, in `flags`' canonical order.
    pub flags: String,
    /// The translation for subjects where the `regex` crate's own word boundaries and
    /// line anchors agree with JavaScript's (ASCII without `\r`).
    fast: fancy_regex::Regex,
    /// The translation with JavaScript's exact word boundaries and line anchors, when
    /// it differs from `fast`.
    exact: Option<fancy_regex::Regex>,
    global: bool,
    sticky: bool,
    unicode: bool,
    multiline: bool,
    has_indices: bool,
    /// Named groups: name and group number, in the pattern's order.
    names: Vec<(String, usize)>,
}

/// Checks that a pattern can be compiled, for the compiler's diagnostics.
pub(crate) fn validate(pattern: &str, flags: &str) -> Result<(), String> {
    compile(pattern, flags).map(|_| ())
}

/// The flags in canonical order, or `None` when they are not valid flags.
fn canonical_flags(flags: &str) -> Option<String> {
    const ORDER: &str = "dgimsuvy";
    let mut out = String::new();
    for f in ORDER.chars() {
        match flags.matches(f).count() {
            0 => {}
            1 => out.push(f),
            _ => return None,
        }
    }
    let valid = out.len() == flags.len() && !(out.contains('u') && out.contains('v'));
    valid.then_some(out)
}

/// Compiles a JavaScript pattern with its flags.
pub(crate) fn compile(pattern: &str, flags: &str) -> Result<JsRegex, String> {
    let Some(canonical) = canonical_flags(flags) else {
        return Err(format!(
            "Invalid flags supplied to RegExp constructor '{flags}'"
        ));
    };
    let invalid =
        |reason: &str| format!("Invalid regular expression: /{pattern}/{flags}: {reason}");
    let chars: Vec<char> = pattern.chars().collect();
    let groups = scan_groups(&chars).map_err(|e| invalid(&e))?;
    let mut mode = Mode {
        unicode: canonical.contains('u') || canonical.contains('v'),
        ignore_case: canonical.contains('i'),
        multiline: canonical.contains('m'),
        dot_all: canonical.contains('s'),
        exact: false,
    };
    let fast_src = translate(&chars, mode, &groups).map_err(|e| invalid(&e))?;
    mode.exact = true;
    let exact_src = translate(&chars, mode, &groups).map_err(|e| invalid(&e))?;
    let build = |src: &str| {
        RegexBuilder::new(src)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_size_limit(SIZE_LIMIT)
            .delegate_dfa_size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                fancy_regex::Error::CompileError(c)
                    if c.to_string().contains("exceeds size limit") =>
                {
                    "regular expression too large".to_owned()
                }
                other => invalid(first_line(&other.to_string())),
            })
    };
    let fast = build(&fast_src)?;
    let exact = if exact_src == fast_src {
        None
    } else {
        Some(build(&exact_src)?)
    };
    Ok(JsRegex {
        source: escape_source(pattern),
        flags: canonical.clone(),
        fast,
        exact,
        global: canonical.contains('g'),
        sticky: canonical.contains('y'),
        unicode: mode.unicode,
        multiline: mode.multiline,
        has_indices: canonical.contains('d'),
        names: groups.names,
    })
}

fn first_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
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
    vm.step(1 + (pattern.len() as u64 >> 4), site)?;
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
        Value::Undefined => vm.string(b"", site)?,
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

/// The compiled expression of a RegExp object.
fn regex_of(vm: &Vm<'_>, o: ObjId) -> Option<Arc<JsRegex>> {
    match vm.heap.obj(o).kind {
        ObjKind::RegExp { index, .. } => Some(vm.regex(index)),
        _ => None,
    }
}

/// How a [`Subject`]'s text relates to the string's WTF-8 bytes.
enum Form {
    /// The same bytes (the string is valid UTF-8).
    Same,
    /// The bytes kept here with each lone surrogate read as U+FFFD (three bytes
    /// either way, so offsets agree).
    Lossy(Vec<u8>),
    /// One character per UTF-16 code unit (see [`unit_char`]), for matching without
    /// `u` a string that has astral characters or lone surrogates.
    Units,
}

/// A string being searched, in the form its expression matches, with conversions
/// between byte offsets of that form and UTF-16 indices.
pub(crate) struct Subject {
    s: StrId,
    text: String,
    form: Form,
    ascii: bool,
    has_cr: bool,
    len16: usize,
    /// A known (byte offset, UTF-16 index) pair: conversions mostly go forward, so
    /// they walk from the last one and a whole scan stays linear.
    cursor: Cell<(usize, usize)>,
}

impl Subject {
    fn new(vm: &Vm<'_>, s: StrId, unicode: bool) -> Subject {
        let bytes = vm.heap.str_bytes(s);
        let ascii = vm.heap.str_is_ascii(s);
        let has_cr = bytes.contains(&b'\r');
        let valid = std::str::from_utf8(bytes).ok();
        let (text, form) = match valid {
            Some(t) if ascii || unicode || !bytes.iter().any(|&b| b >= 0xF0) => {
                (t.to_owned(), Form::Same)
            }
            None if unicode => (
                wtf8_to_str_lossy(bytes).into_owned(),
                Form::Lossy(bytes.to_vec()),
            ),
            _ => {
                let mut t = String::with_capacity(bytes.len() * 2);
                let mut push = |u: u32| t.push(char::from_u32(unit_char(u)).unwrap_or('\u{FFFD}'));
                for cp in code_points(bytes) {
                    if cp >= 0x10000 {
                        let v = cp - 0x10000;
                        push(0xD800 + (v >> 10));
                        push(0xDC00 + (v & 0x3FF));
                    } else {
                        push(cp);
                    }
                }
                (t, Form::Units)
            }
        };
        let mut subject = Subject {
            s,
            text,
            form,
            ascii,
            has_cr,
            len16: 0,
            cursor: Cell::new((0, 0)),
        };
        subject.len16 = if ascii {
            subject.text.len()
        } else {
            subject.text.chars().map(|c| subject.width(c)).sum()
        };
        subject
    }

    fn width(&self, c: char) -> usize {
        match self.form {
            Form::Units => 1,
            _ => c.len_utf16(),
        }
    }

    /// The UTF-16 index of byte offset `b` (a character boundary).
    fn utf16_at(&self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        let (mut pb, mut pu) = self.cursor.get();
        if b < pb {
            (pb, pu) = (0, 0);
        }
        for c in self.text[pb..].chars() {
            if pb >= b {
                break;
            }
            pb += c.len_utf8();
            pu += self.width(c);
        }
        self.cursor.set((pb, pu));
        pu
    }

    /// The byte offset of UTF-16 index `u` (inside a surrogate pair: after it).
    fn byte_at(&self, u: usize) -> usize {
        if self.ascii {
            return u.min(self.text.len());
        }
        let (mut pb, mut pu) = self.cursor.get();
        if u < pu {
            (pb, pu) = (0, 0);
        }
        for c in self.text[pb..].chars() {
            if pu >= u {
                break;
            }
            pb += c.len_utf8();
            pu += self.width(c);
        }
        self.cursor.set((pb, pu));
        pb
    }

    /// The WTF-8 bytes of `a..b` (byte offsets of the text).
    fn piece(&self, a: usize, b: usize) -> Cow<'_, [u8]> {
        match &self.form {
            Form::Same => Cow::Borrowed(&self.text.as_bytes()[a..b]),
            Form::Lossy(bytes) => Cow::Borrowed(&bytes[a..b]),
            Form::Units => {
                let units: Vec<u16> = self.text[a..b]
                    .chars()
                    .map(|c| {
                        let x = c as u32;
                        if x >= UNIT_BASE {
                            (x - UNIT_BASE + 0xD800) as u16
                        } else {
                            x as u16
                        }
                    })
                    .collect();
                let mut out = Vec::with_capacity(units.len());
                push_utf16(&mut out, &units);
                Cow::Owned(out)
            }
        }
    }
}

/// One match: UTF-16 start and end, and the byte ranges (in the subject's text) of the
/// match and of each group.
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    span: (usize, usize),
    groups: Vec<Option<(usize, usize)>>,
}

/// Searches `subject` from UTF-16 index `from`; `anchored`: only a match starting
/// there.
fn search(
    vm: &mut Vm<'_>,
    re: &JsRegex,
    subject: &Subject,
    from: usize,
    anchored: bool,
    site: Site,
) -> R<Option<Found>> {
    if from > subject.len16 {
        return Ok(None);
    }
    let start = subject.byte_at(from);
    let own_anchors_agree = subject.ascii && !(re.multiline && subject.has_cr);
    let regex = match &re.exact {
        Some(exact) if !own_anchors_agree => exact,
        _ => &re.fast,
    };
    let input = RegexInput::new(subject.text.as_str())
        .from_pos(start)
        .anchored(anchored);
    let caps = match regex.captures_input(input) {
        Ok(c) => c,
        Err(_) => {
            let message = format!(
                "Regular expression too complex: /{}/{} backtracked more than {BACKTRACK_LIMIT} times",
                re.source, re.flags
            );
            return Err(vm.throw(error_class::RANGE_ERROR, message, site));
        }
    };
    let whole = caps
        .as_ref()
        .and_then(|c| c.get(0))
        .map(|m| (m.start(), m.end()));
    let scanned = whole
        .map_or(subject.text.len(), |(_, e)| e)
        .saturating_sub(start);
    vm.step(1 + (scanned as u64 >> 6), site)?;
    let (Some(caps), Some((a, b))) = (caps, whole) else {
        return Ok(None);
    };
    let groups: Vec<Option<(usize, usize)>> = (1..caps.len())
        .map(|i| caps.get(i).map(|g| (g.start(), g.end())))
        .collect();
    let r = vm.heap.charge(32 + 16 * groups.len());
    vm.mem(r, site)?;
    Ok(Some(Found {
        start: subject.utf16_at(a),
        end: subject.utf16_at(b),
        span: (a, b),
        groups,
    }))
}

/// The array `exec` and non-global `match` return: the match, its groups, and the
/// properties `index`, `input`, `groups` (and `indices` with the `d` flag).
fn match_array(
    vm: &mut Vm<'_>,
    re: &JsRegex,
    subject: &Subject,
    f: &Found,
    site: Site,
) -> R<Value> {
    let mut items = Vec::with_capacity(f.groups.len() + 1);
    items.push(vm.string(&subject.piece(f.span.0, f.span.1), site)?);
    for g in &f.groups {
        items.push(match g {
            Some((a, b)) => vm.string(&subject.piece(*a, *b), site)?,
            None => Value::Undefined,
        });
    }
    let groups = named_groups(vm, re, &items, site)?;
    let indices = if re.has_indices {
        let mut pairs = Vec::with_capacity(items.len());
        pairs.push(vm.array(
            vec![Value::Num(f.start as f64), Value::Num(f.end as f64)],
            site,
        )?);
        for g in &f.groups {
            pairs.push(match g {
                Some((a, b)) => {
                    let (a, b) = (subject.utf16_at(*a), subject.utf16_at(*b));
                    vm.array(vec![Value::Num(a as f64), Value::Num(b as f64)], site)?
                }
                None => Value::Undefined,
            });
        }
        let index_groups = named_groups(vm, re, &pairs, site)?;
        let arr = vm.array(pairs, site)?;
        if let Value::Obj(a) = arr {
            vm.heap
                .obj_mut(a)
                .props
                .push_new_name(Atom::GROUPS, index_groups);
        }
        Some(arr)
    } else {
        None
    };
    let arr = vm.array(items, site)?;
    if let Value::Obj(a) = arr {
        let indices_key = match indices {
            Some(_) => Some(vm.intern("indices", site)?),
            None => None,
        };
        let obj = vm.heap.obj_mut(a);
        obj.props
            .push_new_name(Atom::INDEX, Value::Num(f.start as f64));
        obj.props.push_new_name(Atom::INPUT, Value::Str(subject.s));
        obj.props.push_new_name(Atom::GROUPS, groups);
        if let (Some(k), Some(v)) = (indices_key, indices) {
            obj.props.push_new_name(k, v);
        }
    }
    Ok(arr)
}

/// The `groups` object: each named group's item, or `undefined` without names.
fn named_groups(vm: &mut Vm<'_>, re: &JsRegex, items: &[Value], site: Site) -> R<Value> {
    if re.names.is_empty() {
        return Ok(Value::Undefined);
    }
    let mut props = Props::new();
    for (name, i) in &re.names {
        let k = vm.intern(name, site)?;
        props.set(k, items.get(*i).copied().unwrap_or(Value::Undefined));
    }
    vm.alloc(Object::plain(props), site)
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

/// `re.lastIndex = v`: whether `key` was `lastIndex` (which the object holds itself).
pub(crate) fn set(vm: &mut Vm<'_>, o: ObjId, key: Atom, v: Value, site: Site) -> R<bool> {
    if vm.key_text(key) != "lastIndex" {
        return Ok(false);
    }
    let x = vm.to_number(v, site)?;
    let x = if x.is_nan() {
        0.0
    } else {
        x.trunc().clamp(0.0, f64::from(u32::MAX))
    };
    set_last_index(vm, o, x as usize);
    Ok(true)
}

/// A frozen RegExp's `lastIndex` cannot be written.
fn guard_last_index(vm: &mut Vm<'_>, o: ObjId, site: Site) -> R<()> {
    if vm.heap.obj(o).props.is_frozen() {
        return Err(super::object::read_only(vm, o, "lastIndex", site));
    }
    Ok(())
}

/// `RegExpBuiltinExec`: from `lastIndex` for global and sticky expressions (which it
/// then updates), else from the start.
fn exec(
    vm: &mut Vm<'_>,
    o: ObjId,
    re: &JsRegex,
    subject: &Subject,
    site: Site,
) -> R<Option<Found>> {
    let stateful = re.global || re.sticky;
    let from = if stateful { last_index(vm, o) } else { 0 };
    let found = search(vm, re, subject, from, re.sticky, site)?;
    if stateful {
        guard_last_index(vm, o, site)?;
        set_last_index(vm, o, found.as_ref().map_or(0, |f| f.end));
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
    let Some(re) = regex_of(vm, o) else {
        return Ok(None);
    };
    Ok(Some(match m {
        Method::Test | Method::Exec => {
            let s = vm.to_string(arg(args, 0), site)?;
            let subject = Subject::new(vm, s, re.unicode);
            let found = exec(vm, o, &re, &subject, site)?;
            match (m, found) {
                (Method::Test, f) => Value::Bool(f.is_some()),
                (_, Some(f)) => match_array(vm, &re, &subject, &f, site)?,
                (_, None) => Value::Null,
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
    let flag = |f: char| Value::Bool(re.flags.contains(f));
    Ok(match name.as_str() {
        "source" => vm.str_value(&re.source, site)?,
        "flags" => vm.str_value(&re.flags, site)?,
        "hasIndices" => flag('d'),
        "global" => flag('g'),
        "ignoreCase" => flag('i'),
        "multiline" => flag('m'),
        "dotAll" => flag('s'),
        "unicode" => flag('u'),
        "unicodeSets" => flag('v'),
        "sticky" => flag('y'),
        "lastIndex" => Value::Num(f64::from(last_index)),
        _ => Value::Undefined,
    })
}

/// `s.search(re)`: where the first match starts, or -1 (`lastIndex` untouched).
pub(crate) fn search_index(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Value> {
    let Some(re) = regex_of(vm, o) else {
        return Ok(Value::Num(-1.0));
    };
    let subject = Subject::new(vm, s, re.unicode);
    let found = search(vm, &re, &subject, 0, re.sticky, site)?;
    Ok(Value::Num(found.map_or(-1.0, |f| f.start as f64)))
}

/// `s.match(re)`.
pub(crate) fn match_(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Value> {
    let Some(re) = regex_of(vm, o) else {
        return Ok(Value::Null);
    };
    let subject = Subject::new(vm, s, re.unicode);
    if !re.global {
        return Ok(match exec(vm, o, &re, &subject, site)? {
            Some(f) => match_array(vm, &re, &subject, &f, site)?,
            None => Value::Null,
        });
    }
    let all = all_matches(vm, o, &re, &subject, site)?;
    if all.is_empty() {
        return Ok(Value::Null);
    }
    let mut items = Vec::with_capacity(all.len());
    for f in &all {
        items.push(vm.string(&subject.piece(f.span.0, f.span.1), site)?);
    }
    vm.array(items, site)
}

/// `s.matchAll(re)`: every match array (an array, which `for…of` and spread read).
pub(crate) fn match_all(vm: &mut Vm<'_>, o: ObjId, s: StrId, site: Site) -> R<Value> {
    let Some(re) = regex_of(vm, o) else {
        return vm.array(Vec::new(), site);
    };
    let subject = Subject::new(vm, s, re.unicode);
    let all = all_matches(vm, o, &re, &subject, site)?;
    let mut items = Vec::with_capacity(all.len());
    for f in &all {
        items.push(match_array(vm, &re, &subject, f, site)?);
    }
    vm.array(items, site)
}

/// Every match from the start, as a global `match` or `replace` finds them: after an
/// empty match the search goes on one code unit (code point with `u`) further.
fn all_matches(
    vm: &mut Vm<'_>,
    o: ObjId,
    re: &JsRegex,
    subject: &Subject,
    site: Site,
) -> R<Vec<Found>> {
    guard_last_index(vm, o, site)?;
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(f) = search(vm, re, subject, from, re.sticky, site)? {
        from = if f.end == f.start { f.end + 1 } else { f.end };
        out.push(f);
    }
    set_last_index(vm, o, 0);
    Ok(out)
}

/// `s.replace(re, replacement)` and `s.replaceAll(re, replacement)`.
pub(crate) fn replace(
    vm: &mut Vm<'_>,
    re_value: Value,
    s: StrId,
    replacement: Value,
    site: Site,
) -> R<Value> {
    let Value::Obj(o) = re_value else {
        return Ok(Value::Str(s));
    };
    let Some(re) = regex_of(vm, o) else {
        return Ok(Value::Str(s));
    };
    let subject = Subject::new(vm, s, re.unicode);
    let matches = if re.global {
        all_matches(vm, o, &re, &subject, site)?
    } else {
        exec(vm, o, &re, &subject, site)?.into_iter().collect()
    };
    let template = if vm.is_function(replacement) {
        None
    } else {
        let t = vm.to_string(replacement, site)?;
        Some(vm.heap.str_bytes(t).to_vec())
    };
    // `` $` `` and `$'` copy the text around each match: made only when asked for.
    let needs_context = template
        .as_ref()
        .is_some_and(|t| t.windows(2).any(|w| w == b"$`" || w == b"$'"));
    let end = subject.text.len();
    let mut out = Vec::with_capacity(end);
    let mut last = 0;
    for f in &matches {
        vm.step(1, site)?;
        out.extend_from_slice(&subject.piece(last, f.span.0));
        let matched = subject.piece(f.span.0, f.span.1);
        match &template {
            Some(t) => {
                let groups: Vec<Option<Cow<'_, [u8]>>> = f
                    .groups
                    .iter()
                    .map(|g| g.map(|(a, b)| subject.piece(a, b)))
                    .collect();
                let (before, after) = if needs_context {
                    (subject.piece(0, f.span.0), subject.piece(f.span.1, end))
                } else {
                    (Cow::Borrowed(&[][..]), Cow::Borrowed(&[][..]))
                };
                expand_template(&mut out, t, &matched, &before, &after, &groups, &re.names);
            }
            None => {
                let mut args = Vec::with_capacity(f.groups.len() + 4);
                args.push(vm.string(&matched, site)?);
                for g in &f.groups {
                    args.push(match g {
                        Some((a, b)) => vm.string(&subject.piece(*a, *b), site)?,
                        None => Value::Undefined,
                    });
                }
                let groups = named_groups(vm, &re, &args, site)?;
                args.push(Value::Num(f.start as f64));
                args.push(Value::Str(s));
                if groups != Value::Undefined {
                    args.push(groups);
                }
                let r = vm.call(replacement, Value::Undefined, &args, site)?;
                vm.push_string(&mut out, r, site, 0)?;
            }
        }
        if out.len() > vm.limits.max_memory {
            return Err(crate::lang::eval::Fault::Limit(
                crate::lang::eval::Limit::Memory,
                site,
            ));
        }
        last = f.span.1;
    }
    out.extend_from_slice(&subject.piece(last, end));
    let r = vm.heap.charge(out.len());
    vm.mem(r, site)?;
    vm.string(&out, site)
}

/// `s.split(re, limit)` (`limit` > 0): pieces between matches, with the groups
/// spliced in; as `RegExp.prototype[Symbol.split]` does, an empty match where the
/// last piece ended splits nothing.
pub(crate) fn split(
    vm: &mut Vm<'_>,
    re_value: Value,
    s: StrId,
    limit: usize,
    site: Site,
) -> R<Value> {
    let Value::Obj(o) = re_value else {
        return vm.array(vec![Value::Str(s)], site);
    };
    let Some(re) = regex_of(vm, o) else {
        return vm.array(vec![Value::Str(s)], site);
    };
    let subject = Subject::new(vm, s, re.unicode);
    let size = subject.len16;
    if size == 0 {
        let found = search(vm, &re, &subject, 0, true, site)?;
        let items = if found.is_some() {
            Vec::new()
        } else {
            vec![Value::Str(s)]
        };
        return vm.array(items, site);
    }
    let mut out = Vec::new();
    let (mut p16, mut p) = (0usize, 0usize);
    let mut q = 0usize;
    while q < size {
        let Some(f) = search(vm, &re, &subject, q, false, site)? else {
            break;
        };
        if f.start >= size {
            break;
        }
        let e = f.end.min(size);
        if e == p16 {
            q = f.start + 1;
            continue;
        }
        out.push(vm.string(&subject.piece(p, f.span.0), site)?);
        if out.len() >= limit {
            return vm.array(out, site);
        }
        for g in &f.groups {
            out.push(match g {
                Some((a, b)) => vm.string(&subject.piece(*a, *b), site)?,
                None => Value::Undefined,
            });
            if out.len() >= limit {
                return vm.array(out, site);
            }
        }
        p = f.span.1;
        p16 = e;
        q = p16;
    }
    out.push(vm.string(&subject.piece(p, subject.text.len()), site)?);
    vm.array(out, site)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check;
    use super::*;

    fn matches(pattern: &str, flags: &str, text: &str) -> bool {
        let re = compile(pattern, flags).unwrap();
        let subject_is_plain = text.is_ascii() && !(re.multiline && text.contains('\r'));
        let regex = match &re.exact {
            Some(x) if !subject_is_plain => x,
            _ => &re.fast,
        };
        regex.is_match(text).unwrap()
    }

    #[test]
    fn translation() {
        assert!(matches(r"^\d+(\.\d+)?$", "", "12.5"));
        assert!(!matches(r"^\d+$", "", "١٢"));
        assert!(matches(r"a{", "", "a{"));
        assert!(matches(r"[^]", "", "\n"));
        assert!(!matches(r".", "", "\n"));
        assert_eq!(
            compile(r"(?<year>\d{4})-(?<month>\d{2})", "g")
                .unwrap()
                .names
                .len(),
            2
        );
        assert!(matches(r"\uD83D\uDE00", "u", "😀"));
        assert!(matches(r"[a-z&]+", "i", "A&b"));
        assert!(matches(r"(?<=\$)\d", "", "$4"));
        // The exact form is made only when word boundaries or line anchors need it.
        assert!(compile(r"a+b", "m").unwrap().exact.is_none());
        assert!(compile(r"\bx", "").unwrap().exact.is_some());
        assert!(compile(r"^x", "m").unwrap().exact.is_some());
    }

    #[test]
    fn errors_name_the_pattern() {
        let e = validate(r"(", "").unwrap_err();
        assert!(e.starts_with("Invalid regular expression: /(/: "), "{e}");
        assert_eq!(
            validate(r"a", "gg").unwrap_err(),
            "Invalid flags supplied to RegExp constructor 'gg'"
        );
        assert_eq!(
            validate(r"a", "uv").unwrap_err(),
            "Invalid flags supplied to RegExp constructor 'uv'"
        );
        assert_eq!(
            validate(r"(?<a>x)(?<a>y)", "").unwrap_err(),
            "Invalid regular expression: /(?<a>x)(?<a>y)/: Duplicate capture group name"
        );
        assert_eq!(
            validate(r"\k<b>(?<a>x)", "").unwrap_err(),
            "Invalid regular expression: /\\k<b>(?<a>x)/: Invalid named capture referenced"
        );
        assert_eq!(
            validate(r"(?i:a)", "").unwrap_err(),
            "Invalid regular expression: /(?i:a)/: Invalid group"
        );
        assert!(validate(r"[a", "").is_err());
        assert!(validate(r"a**", "").is_err());
        assert!(validate(r"\p{L}", "u").is_ok());
        assert!(validate(r"x{2,1}", "")
            .unwrap_err()
            .ends_with("numbers out of order in {} quantifier"));
    }

    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        check(&[
            ("JSON.stringify('a😀b'.split(''))", "[\"a\",\"\\ud83d\",\"\\ude00\",\"b\"]"),
            ("JSON.stringify(('x' + String.fromCharCode(0xd83d)).replace(/\\uD83D/, '!'))", "\"x!\""),
            ("JSON.stringify(('x' + String.fromCharCode(0xd83d)).replace(/./g, '.'))", "\"..\""),
            ("JSON.stringify(('x' + String.fromCharCode(0xd83d)).match(/.$/u)[0].length)", "1"),
        ("JSON.stringify('1234567'.replace(/\\B(?=(\\d{3})+(?!\\d))/g, ','))", "\"1,234,567\""),
        ("JSON.stringify('price: $42, tax: $7'.match(/(?<=\\$)\\d+/g))", "[\"42\",\"7\"]"),
        ("JSON.stringify(/(\\w)\\1/.exec('abccd'))", "[\"cc\",\"c\"]"),
        ("JSON.stringify(/(a)?\\1b/.exec('b'))", "[\"b\",null]"),
        ("JSON.stringify(/\\1(a)/.exec('a'))", "[\"a\",\"a\"]"),
        ("JSON.stringify(/(?<y>\\d{4})-(?<m>\\d\\d)/.exec('on 2024-05').groups)", "{\"y\":\"2024\",\"m\":\"05\"}"),
        ("JSON.stringify('2024-05'.replace(/(?<y>\\d+)-(?<m>\\d+)/, '$<m>/$<y>'))", "\"05/2024\""),
        ("JSON.stringify(/(?<ch>a)\\k<ch>/.test('aa'))", "true"),
        ("JSON.stringify(/\\k<x>/.test('k<x>'))", "true"),
        ("JSON.stringify('café'.replace(/\\b/g, '|'))", "\"|caf|é\""),
        ("JSON.stringify('cat concat cat.'.replace(/\\bcat\\b/g, 'dog'))", "\"dog concat dog.\""),
        ("JSON.stringify('a\\rb\\u2028c'.match(/^\\w$/gm))", "[\"a\",\"b\",\"c\"]"),
        ("JSON.stringify('x\\ny'.match(/^y$/m))", "[\"y\"]"),
        ("JSON.stringify('😀'.match(/^.$/))", "null"),
        ("JSON.stringify('😀'.match(/^.$/u)[0])", "\"😀\""),
        ("JSON.stringify('😀x'.replace(/./g, '-'))", "\"---\""),
        ("JSON.stringify('😀x'.replace(/./gu, '-'))", "\"--\""),
        ("JSON.stringify('😀'.split(/(?:)/).length)", "2"),
        ("JSON.stringify('😀'.split(/(?:)/u))", "[\"😀\"]"),
        ("JSON.stringify('a😀b'.search(/b/))", "3"),
        ("JSON.stringify(/\\uD83D/.test('😀'))", "true"),
        ("JSON.stringify(/\\uD83D/u.test('😀'))", "false"),
        ("JSON.stringify(/\\uD83D\\uDE00/u.test('😀'))", "true"),
        ("JSON.stringify(/\\u{1F600}/u.test('😀'))", "true"),
        ("JSON.stringify(/\\u{2}/.test('uu'))", "true"),
        ("JSON.stringify(/a{/.test('a{'))", "true"),
        ("JSON.stringify(/a{,3}/.test('a{,3}'))", "true"),
        ("JSON.stringify(/x{2,3}/.exec('xxxx')[0])", "\"xxx\""),
        ("JSON.stringify(/[^]/.test('\\n'))", "true"),
        ("JSON.stringify(/[]/.test('a'))", "false"),
        ("JSON.stringify(/./.test('\\u2028'))", "false"),
        ("JSON.stringify(/./s.test('\\u2028'))", "true"),
        ("JSON.stringify(/\\s+/.exec('a\\u00a0\\ufeff b')[0].length)", "3"),
        ("JSON.stringify(/\\d/.test('١'))", "false"),
        ("JSON.stringify(/\\w/i.test('\\u017f'))", "false"),
        ("JSON.stringify(/\\w/iu.test('\\u017f'))", "true"),
        ("JSON.stringify(/\\10/.test('\\x08'))", "true"),
        ("JSON.stringify(/\\8/.test('8'))", "true"),
        ("JSON.stringify(/[\\b]/.test('\\b'))", "true"),
        ("JSON.stringify(/\\cJ/.test('\\n'))", "true"),
        ("JSON.stringify(/\\c/.test('\\\\c'))", "true"),
        ("JSON.stringify(/[a-z&]+/i.exec('A&b~')[0])", "\"A&b\""),
        ("JSON.stringify(/[+--]/.test(','))", "true"),
        ("JSON.stringify('aBc'.replace(/b/i, '[$&]'))", "\"a[B]c\""),
        ("JSON.stringify('abc'.replace(/b/, \"[$`|$']\"))", "\"a[a|c]c\""),
        ("JSON.stringify('abc'.replace(/(b)/, '$1$2$01$10$$'))", "\"ab$2bb0$c\""),
        ("JSON.stringify('a-b_c'.split(/[-_]/))", "[\"a\",\"b\",\"c\"]"),
        ("JSON.stringify('a1b2c3'.split(/(\\d)/))", "[\"a\",\"1\",\"b\",\"2\",\"c\",\"3\",\"\"]"),
        ("JSON.stringify('a1b2c3'.split(/(\\d)/, 3))", "[\"a\",\"1\",\"b\"]"),
        ("JSON.stringify(''.split(/x/))", "[\"\"]"),
        ("JSON.stringify(''.split(/(?:)/))", "[]"),
        ("JSON.stringify('abc'.split(/(?:)/))", "[\"a\",\"b\",\"c\"]"),
        ("JSON.stringify('ab'.split(/a*?/))", "[\"a\",\"b\"]"),
        ("JSON.stringify('ab'.split(/a*/))", "[\"\",\"b\"]"),
        ("JSON.stringify('A<B>bold</B>and<CODE>coded</CODE>'.split(/<(\\/)?([^<>]+)>/))", "[\"A\",null,\"B\",\"bold\",\"/\",\"B\",\"and\",null,\"CODE\",\"coded\",\"/\",\"CODE\",\"\"]"),
        ("JSON.stringify('test'.split(/(?=s)/))", "[\"te\",\"st\"]"),
        ("JSON.stringify('aaa'.match(/a*?/g))", "[\"\",\"\",\"\",\"\"]"),
        ("JSON.stringify('abc'.replace(/(?:)/g, '-'))", "\"-a-b-c-\""),
        ("JSON.stringify([...'a1b22'.matchAll(/\\d+/g)].map((m) => m.index + m[0]))", "[\"11\",\"322\"]"),
        ("JSON.stringify(/(?<a>.)(?<b>.)?/d.exec('x').indices)", "[[0,1],[0,1],null]"),
        ("JSON.stringify(/a/y.exec('ba'))", "null"),
        ("JSON.stringify('aaba'.replace(/a/gy, 'x'))", "\"xxba\""),
        ("JSON.stringify(String(new RegExp('a/b', 'gi')))", "\"/a\\\\/b/gi\""),
        ("JSON.stringify(new RegExp('a', 'yg').flags)", "\"gy\""),
        ("JSON.stringify(new RegExp('\\n').source)", "\"\\\\n\""),
        ("JSON.stringify(String(new RegExp('')))", "\"/(?:)/\""),
        ("JSON.stringify((() => { const re = /o/g; re.lastIndex = 5; return [re.test('foo bo'), re.lastIndex]; })())", "[true,6]"),
        ("JSON.stringify((() => { const re = /\\d+/g; const out = []; let m; while ((m = re.exec('1-22-333')) !== null) out.push(m[0] + '@' + m.index + '/' + re.lastIndex); return out; })())", "[\"1@0/1\",\"22@2/4\",\"333@5/8\"]"),
        ("JSON.stringify('x'.replace(/x/, (m, off, s) => [m, off, s].join()))", "\"x,0,x\""),
        ("JSON.stringify('ab'.replace(/(?<l>a)/, (...args) => JSON.stringify(args)))", "\"[\\\"a\\\",\\\"a\\\",0,\\\"ab\\\",{\\\"l\\\":\\\"a\\\"}]b\""),
        ("JSON.stringify(/(a|ab)(c|bcd)(d*)/.exec('abcd'))", "[\"abcd\",\"a\",\"bcd\",\"\"]"),
        ("JSON.stringify(/^(?:\\+|-)?\\d+(?:\\.\\d+)?$/.test('-12.5'))", "true"),
        ("JSON.stringify('The Quick'.replace(/\\b\\w/g, (c) => c.toLowerCase()))", "\"the quick\""),
        ("JSON.stringify('a.b*c'.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&'))", "\"a\\\\.b\\\\*c\""),
        ("JSON.stringify(/\\p{L}+/u.exec('héllo wörld')[0])", "\"héllo\""),
        ("JSON.stringify(/\\p{Script=Greek}/u.test('α'))", "true"),
        ("JSON.stringify(/\\p{L}/.test('p{L}'))", "true"),
        // The Unicode tables JavaScript can name are in every build (the worker's too).
        ("JSON.stringify('Ωmega αβγ abc'.match(/\\p{Script=Greek}+/gu))", "[\"Ω\",\"αβγ\"]"),
        ("JSON.stringify('Ünïcode ABC déf'.match(/\\p{Lu}/gu))", "[\"Ü\",\"A\",\"B\",\"C\"]"),
        ("JSON.stringify('x1٣y'.match(/\\p{Nd}/gu))", "[\"1\",\"٣\"]"),
        ("JSON.stringify(/ÉCOLE/i.test('école'))", "true"),
        ("JSON.stringify('😀 hi'.match(/\\p{Emoji_Presentation}/u)[0])", "\"😀\""),
        ("JSON.stringify(/\\p{Alphabetic}+/u.exec('añb9')[0])", "\"añb\""),
        ]);
    }

    /// JavaScript has no syntax for Age or the segmentation properties (and
    /// the worker has no tables for them): SyntaxErrors, as in Node.
    #[test]
    fn properties_javascript_lacks_are_errors() {
        for (pattern, flags) in [
            (r"\p{Age=6.0}", "u"),
            (r"\P{Grapheme_Cluster_Break=Extend}", "u"),
            (r"\p{Word_Break=ALetter}", "u"),
        ] {
            assert_eq!(
                validate(pattern, flags).unwrap_err(),
                format!("Invalid regular expression: /{pattern}/{flags}: Invalid property name")
            );
        }
        assert!(validate(r"\p{gc=Lu}\p{sc=Greek}\p{Script_Extensions=Latin}", "u").is_ok());
    }

    #[test]
    fn runaway_backtracking_throws() {
        let out = super::super::test_support::js("/^(a|a)*\\1$/.test('a'.repeat(40) + '!')");
        assert!(
            out.starts_with("throws RangeError: Regular expression too complex"),
            "{out}"
        );
    }
}
