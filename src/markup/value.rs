//! JavaScript values as the evaluator sees them, and the JavaScript semantics of the
//! operations on them (truthiness, `ToString`, `ToNumber`, equality, `+`, comparison,
//! `JSON.stringify`).
//!
//! A value may borrow from the render scope or the template (`'a`): reading
//! `props.items` costs nothing, and only the final output copies what it keeps.
//! `undefined` is its own variant, distinct from `null`, so that undefined attributes
//! and object members can be left out of the JSON as `JSON.stringify` does.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::number::{
    js_number_to_string, js_number_value, js_string_to_number, json_number_to_f64,
};

/// A string that borrows when it can.
#[derive(Debug, Clone)]
pub(crate) enum JsStr<'a> {
    Borrowed(&'a str),
    Owned(Rc<str>),
}

impl std::ops::Deref for JsStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            JsStr::Borrowed(s) => s,
            JsStr::Owned(s) => s,
        }
    }
}

impl From<String> for JsStr<'_> {
    fn from(s: String) -> Self {
        JsStr::Owned(Rc::from(s))
    }
}

/// A JavaScript value.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(JsStr<'a>),
    /// A borrowed JSON array or object (never a JSON primitive: those are read into
    /// the variants above).
    Json(&'a Value),
    /// An array built while rendering.
    Arr(Rc<Vec<Val<'a>>>),
    /// An object built while rendering (an object literal or an element).
    Obj(Rc<Obj<'a>>),
}

/// An object built while rendering: members in insertion order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Obj<'a> {
    entries: Vec<(JsStr<'a>, Val<'a>)>,
    /// Key → position, built once the object grows past [`INDEX_FROM`] members, so
    /// that spreading or reading a large object stays linear.
    index: Option<HashMap<Box<str>, usize>>,
    /// For an element: the index of the markup element that produced it, so that
    /// errors found in the output can point back at the source.
    pub origin: Option<u32>,
}

/// Objects up to this size are searched linearly.
const INDEX_FROM: usize = 16;

impl<'a> Obj<'a> {
    pub fn new(origin: Option<u32>) -> Obj<'a> {
        Obj {
            entries: Vec::new(),
            index: None,
            origin,
        }
    }

    pub fn from_entries(entries: Vec<(JsStr<'a>, Val<'a>)>) -> Obj<'a> {
        let mut o = Obj::new(None);
        for (k, v) in entries {
            o.set(k, v);
        }
        o
    }

    pub fn entries(&self) -> &[(JsStr<'a>, Val<'a>)] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| &**k == key),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Sets a member: an existing key keeps its position (as in JavaScript).
    pub fn set(&mut self, key: JsStr<'a>, value: Val<'a>) {
        if let Some(i) = self.position(&key) {
            self.entries[i].1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(Box::from(&*key), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > INDEX_FROM {
            self.reindex();
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Val<'a>> {
        let i = self.position(key)?;
        let (_, v) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(v)
    }

    fn reindex(&mut self) {
        self.index = Some(
            self.entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (Box::from(&**k), i))
                .collect(),
        );
    }
}

/// Why an operation could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A JavaScript TypeError, with its message.
    Type(String),
    /// The step budget ran out.
    Steps,
    /// The size budget ran out.
    Size,
    /// A value nested deeper than [`MAX_VALUE_DEPTH`].
    Depth,
}

/// How deep a value may nest when it is printed, compared or copied.
pub(crate) const MAX_VALUE_DEPTH: usize = 512;

/// The evaluation budget: steps and bytes left.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    pub steps: u64,
    pub bytes: u64,
}

impl Budget {
    pub fn step(&mut self) -> Result<(), Fault> {
        self.steps(1)
    }

    pub fn steps(&mut self, n: u64) -> Result<(), Fault> {
        if self.steps < n {
            self.steps = 0;
            return Err(Fault::Steps);
        }
        self.steps -= n;
        Ok(())
    }

    pub fn bytes(&mut self, n: usize) -> Result<(), Fault> {
        let n = n as u64;
        if self.bytes < n {
            self.bytes = 0;
            return Err(Fault::Size);
        }
        self.bytes -= n;
        Ok(())
    }
}

/// What one array slot or object member costs against the size budget.
pub(crate) const SLOT_BYTES: usize = 16;

impl<'a> Val<'a> {
    /// Reads a JSON value.
    pub fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(json_number_to_f64(n)),
            Value::String(s) => Val::Str(JsStr::Borrowed(s)),
            Value::Array(_) | Value::Object(_) => Val::Json(v),
        }
    }

    pub fn string(s: impl Into<String>) -> Val<'a> {
        Val::Str(JsStr::from(s.into()))
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Val::Undefined | Val::Null)
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Val::Arr(_) | Val::Json(Value::Array(_)))
    }

    pub fn is_object_like(&self) -> bool {
        matches!(self, Val::Json(_) | Val::Arr(_) | Val::Obj(_))
    }

    /// `ToBoolean`.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Undefined | Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => !(n.is_nan() || *n == 0.0),
            Val::Str(s) => !s.is_empty(),
            Val::Json(_) | Val::Arr(_) | Val::Obj(_) => true,
        }
    }

    /// `typeof`.
    pub fn type_of(&self) -> &'static str {
        match self {
            Val::Undefined => "undefined",
            Val::Null => "object",
            Val::Bool(_) => "boolean",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::Json(_) | Val::Arr(_) | Val::Obj(_) => "object",
        }
    }

    /// A short description for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Val::Undefined => "undefined",
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Json(Value::Array(_)) | Val::Arr(_) => "an array",
            Val::Json(_) | Val::Obj(_) => "an object",
        }
    }

    /// The items of an array value.
    pub fn array_items(&self) -> Option<ArrayItems<'_, 'a>> {
        match self {
            Val::Arr(items) => Some(ArrayItems::Vals(items)),
            Val::Json(Value::Array(items)) => Some(ArrayItems::Json(items)),
            _ => None,
        }
    }

    /// The length of an array value.
    pub fn array_len(&self) -> Option<usize> {
        match self {
            Val::Arr(items) => Some(items.len()),
            Val::Json(Value::Array(items)) => Some(items.len()),
            _ => None,
        }
    }

    /// Item `i` of an array value.
    pub fn array_get(&self, i: usize) -> Option<Val<'a>> {
        match self {
            Val::Arr(items) => items.get(i).cloned(),
            Val::Json(Value::Array(items)) => items.get(i).map(Val::from_json),
            _ => None,
        }
    }

    /// The own enumerable members, as `Object.entries` (and spread) sees them.
    pub fn own_entries(&self, budget: &mut Budget) -> Result<Vec<(JsStr<'a>, Val<'a>)>, Fault> {
        let out: Vec<(JsStr<'a>, Val<'a>)> = match self {
            Val::Obj(o) => o.entries().to_vec(),
            Val::Json(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (JsStr::Borrowed(k.as_str()), Val::from_json(v)))
                .collect(),
            Val::Json(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (JsStr::from(i.to_string()), Val::from_json(v)))
                .collect(),
            Val::Arr(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (JsStr::from(i.to_string()), v.clone()))
                .collect(),
            Val::Str(s) => s
                .chars()
                .enumerate()
                .map(|(i, c)| (JsStr::from(i.to_string()), Val::string(c.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        budget.steps(out.len() as u64)?;
        budget.bytes(out.len() * SLOT_BYTES)?;
        Ok(out)
    }

    /// Reads property `key` (`obj.key`, `obj[key]`). The caller reports reads of
    /// `undefined` and `null`.
    pub fn get(&self, key: &str) -> Val<'a> {
        match self {
            Val::Str(s) => {
                if key == "length" {
                    return Val::Num(utf16_len(s) as f64);
                }
                match array_index(key) {
                    Some(i) => utf16_char_at(s, i).map_or(Val::Undefined, Val::string),
                    None => Val::Undefined,
                }
            }
            Val::Arr(_) | Val::Json(Value::Array(_)) => {
                if key == "length" {
                    return Val::Num(self.array_len().unwrap_or(0) as f64);
                }
                match array_index(key) {
                    Some(i) => self.array_get(i).unwrap_or(Val::Undefined),
                    None => Val::Undefined,
                }
            }
            Val::Json(Value::Object(m)) => m.get(key).map_or(Val::Undefined, Val::from_json),
            Val::Obj(o) => o.get(key).cloned().unwrap_or(Val::Undefined),
            _ => Val::Undefined,
        }
    }

    /// `ToPropertyKey`: the key a value stands for in `obj[value]`.
    pub fn to_key(&self, budget: &mut Budget) -> Result<Cow<'_, str>, Fault> {
        match self {
            Val::Str(s) => Ok(Cow::Borrowed(s)),
            Val::Num(n) => Ok(Cow::Owned(js_number_to_string(*n))),
            other => Ok(Cow::Owned(other.to_js_string(budget)?)),
        }
    }

    /// `ToString`.
    pub fn to_js_string(&self, budget: &mut Budget) -> Result<String, Fault> {
        let mut out = String::new();
        self.write_js_string(&mut out, budget, 0)?;
        Ok(out)
    }

    /// `ToString` as a borrowed string when the value already is one.
    pub fn to_js_str(&self, budget: &mut Budget) -> Result<Cow<'_, str>, Fault> {
        match self {
            Val::Str(s) => Ok(Cow::Borrowed(s)),
            other => Ok(Cow::Owned(other.to_js_string(budget)?)),
        }
    }

    fn write_js_string(
        &self,
        out: &mut String,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<(), Fault> {
        if depth > MAX_VALUE_DEPTH {
            return Err(Fault::Depth);
        }
        let start = out.len();
        match self {
            Val::Undefined => out.push_str("undefined"),
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Num(n) => out.push_str(&js_number_to_string(*n)),
            Val::Str(s) => out.push_str(s),
            Val::Json(Value::Array(_)) | Val::Arr(_) => {
                // Array.prototype.join(","): null and undefined items print as "".
                let items = self.array_items().expect("an array");
                for (i, item) in items.iter().enumerate() {
                    budget.step()?;
                    if i > 0 {
                        out.push(',');
                    }
                    if !item.is_nullish() {
                        item.write_js_string(out, budget, depth + 1)?;
                    }
                }
            }
            Val::Json(_) | Val::Obj(_) => out.push_str("[object Object]"),
        }
        budget.bytes(out.len() - start)
    }

    /// `ToNumber`.
    pub fn to_number(&self, budget: &mut Budget) -> Result<f64, Fault> {
        Ok(match self {
            Val::Undefined => f64::NAN,
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) => js_string_to_number(s),
            // ToPrimitive gives the string form of arrays and objects.
            other => js_string_to_number(&other.to_js_string(budget)?),
        })
    }

    /// `ToPrimitive` (no hint): arrays and objects become their string form.
    pub fn to_primitive(&self, budget: &mut Budget) -> Result<Val<'a>, Fault> {
        if self.is_object_like() {
            Ok(Val::string(self.to_js_string(budget)?))
        } else {
            Ok(self.clone())
        }
    }
}

/// The items of an array, borrowed or built.
pub(crate) enum ArrayItems<'v, 'a> {
    Vals(&'v [Val<'a>]),
    Json(&'a [Value]),
}

impl<'a> ArrayItems<'_, 'a> {
    pub fn len(&self) -> usize {
        match self {
            ArrayItems::Vals(v) => v.len(),
            ArrayItems::Json(v) => v.len(),
        }
    }

    pub fn get(&self, i: usize) -> Option<Val<'a>> {
        match self {
            ArrayItems::Vals(v) => v.get(i).cloned(),
            ArrayItems::Json(v) => v.get(i).map(Val::from_json),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Val<'a>> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

/// A canonical array index (`"0"`, `"12"`, not `"01"`).
fn array_index(key: &str) -> Option<usize> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse().ok()
}

/// The length of a string in UTF-16 code units, as JavaScript counts it.
pub(crate) fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// The UTF-16 code unit at `i`, as a string (a lone surrogate becomes U+FFFD).
fn utf16_char_at(s: &str, i: usize) -> Option<String> {
    if s.is_ascii() {
        return s.get(i..i + 1).map(str::to_string);
    }
    let unit = s.encode_utf16().nth(i)?;
    Some(String::from_utf16_lossy(&[unit]))
}

/// The part of `s` between UTF-16 offsets `start..end` (clamped; a cut surrogate pair
/// becomes U+FFFD).
pub(crate) fn utf16_slice(s: &str, start: usize, end: usize) -> String {
    if s.is_ascii() {
        let end = end.min(s.len());
        return s.get(start.min(end)..end).unwrap_or("").to_string();
    }
    let units: Vec<u16> = s.encode_utf16().collect();
    let end = end.min(units.len());
    let start = start.min(end);
    String::from_utf16_lossy(&units[start..end])
}

/// `===`.
pub(crate) fn strict_equals(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Undefined, Val::Undefined) | (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => **x == **y,
        // Objects compare by identity.
        (Val::Json(x), Val::Json(y)) => std::ptr::eq(*x, *y),
        (Val::Arr(x), Val::Arr(y)) => Rc::ptr_eq(x, y),
        (Val::Obj(x), Val::Obj(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// SameValueZero (`includes`): `===`, except that NaN equals NaN.
pub(crate) fn same_value_zero(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) if x.is_nan() && y.is_nan() => true,
        _ => strict_equals(a, b),
    }
}

/// `==`, the IsLooselyEqual algorithm.
pub(crate) fn loose_equals(a: &Val<'_>, b: &Val<'_>, budget: &mut Budget) -> Result<bool, Fault> {
    let prim = |v: &Val<'_>| !v.is_object_like();
    Ok(match (a, b) {
        _ if a.is_nullish() || b.is_nullish() => a.is_nullish() && b.is_nullish(),
        (Val::Num(x), Val::Str(s)) | (Val::Str(s), Val::Num(x)) => *x == js_string_to_number(s),
        (Val::Bool(x), other) | (other, Val::Bool(x)) => {
            let n = Val::Num(f64::from(u8::from(*x)));
            if matches!(other, Val::Bool(_)) {
                return Ok(strict_equals(a, b));
            }
            loose_equals(&n, other, budget)?
        }
        _ if prim(a) && prim(b) => strict_equals(a, b),
        _ if !prim(a) && !prim(b) => strict_equals(a, b),
        // One object, one string or number: compare the object's primitive form.
        _ if !prim(a) => loose_equals(&a.to_primitive(budget)?, b, budget)?,
        _ => loose_equals(a, &b.to_primitive(budget)?, budget)?,
    })
}

/// The relational operators: strings compare by UTF-16 code units, anything else as
/// numbers; comparisons with NaN are false.
pub(crate) fn compare(
    a: &Val<'_>,
    b: &Val<'_>,
    budget: &mut Budget,
) -> Result<Option<std::cmp::Ordering>, Fault> {
    let a = a.to_primitive(budget)?;
    let b = b.to_primitive(budget)?;
    if let (Val::Str(x), Val::Str(y)) = (&a, &b) {
        return Ok(Some(x.encode_utf16().cmp(y.encode_utf16())));
    }
    let x = a.to_number(budget)?;
    let y = b.to_number(budget)?;
    Ok(x.partial_cmp(&y))
}

/// `+`: string concatenation when either side is (or becomes) a string, addition
/// otherwise.
pub(crate) fn add<'a>(a: &Val<'a>, b: &Val<'a>, budget: &mut Budget) -> Result<Val<'a>, Fault> {
    if let (Val::Num(x), Val::Num(y)) = (a, b) {
        return Ok(Val::Num(x + y));
    }
    let a = a.to_primitive(budget)?;
    let b = b.to_primitive(budget)?;
    if matches!(a, Val::Str(_)) || matches!(b, Val::Str(_)) {
        let x = a.to_js_str(budget)?;
        let y = b.to_js_str(budget)?;
        budget.bytes(x.len() + y.len())?;
        let mut s = String::with_capacity(x.len() + y.len());
        s.push_str(&x);
        s.push_str(&y);
        return Ok(Val::string(s));
    }
    Ok(Val::Num(a.to_number(budget)? + b.to_number(budget)?))
}

/// `JSON.stringify(value, null, indent)`: `None` where JavaScript gives `undefined`.
pub(crate) fn stringify(
    v: &Val<'_>,
    indent: &str,
    budget: &mut Budget,
) -> Result<Option<String>, Fault> {
    if matches!(v, Val::Undefined) {
        return Ok(None);
    }
    let mut out = String::new();
    write_json(v, indent, 0, &mut out, budget)?;
    Ok(Some(out))
}

fn write_json(
    v: &Val<'_>,
    indent: &str,
    depth: usize,
    out: &mut String,
    budget: &mut Budget,
) -> Result<(), Fault> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Fault::Depth);
    }
    budget.step()?;
    let start = out.len();
    let newline = |out: &mut String, level: usize| {
        if !indent.is_empty() {
            out.push('\n');
            for _ in 0..level {
                out.push_str(indent);
            }
        }
    };
    match v {
        Val::Undefined | Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) if n.is_finite() => out.push_str(&js_number_to_string(*n)),
        Val::Num(_) => out.push_str("null"),
        Val::Str(s) => quote_json(s, out),
        Val::Json(Value::Array(_)) | Val::Arr(_) => {
            let items = v.array_items().expect("an array");
            if items.len() == 0 {
                out.push_str("[]");
            } else {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    // Undefined items print as null.
                    write_json(&item, indent, depth + 1, out, budget)?;
                }
                newline(out, depth);
                out.push(']');
            }
        }
        Val::Json(_) | Val::Obj(_) => {
            let entries = v.own_entries(budget)?;
            let mut first = true;
            out.push('{');
            for (k, item) in entries {
                if matches!(item, Val::Undefined) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                newline(out, depth + 1);
                quote_json(&k, out);
                out.push(':');
                if !indent.is_empty() {
                    out.push(' ');
                }
                write_json(&item, indent, depth + 1, out, budget)?;
            }
            if !first {
                newline(out, depth);
            }
            out.push('}');
        }
    }
    budget.bytes(out.len().saturating_sub(start))
}

/// A JSON string literal, escaped as `JSON.stringify` escapes it.
pub(crate) fn quote_json(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Converts a value to JSON as `JSON.stringify` would keep it: `undefined` members are
/// left out, `undefined` array items become `null`, NaN and infinities become `null`.
/// Returns `None` for `undefined` itself. Every node copied counts against the size
/// budget, so a template cannot multiply a large input into a huge output.
pub(crate) fn to_json(v: &Val<'_>, budget: &mut Budget) -> Result<Option<Value>, Fault> {
    to_json_at(v, budget, 0)
}

fn to_json_at(v: &Val<'_>, budget: &mut Budget, depth: usize) -> Result<Option<Value>, Fault> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Fault::Depth);
    }
    budget.bytes(SLOT_BYTES)?;
    Ok(Some(match v {
        Val::Undefined => return Ok(None),
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(n) => js_number_value(*n),
        Val::Str(s) => {
            budget.bytes(s.len())?;
            Value::String(s.to_string())
        }
        Val::Json(j) => copy_json(j, budget, depth)?,
        Val::Arr(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(to_json_at(item, budget, depth + 1)?.unwrap_or(Value::Null));
            }
            Value::Array(out)
        }
        Val::Obj(o) => {
            let mut map = Map::with_capacity(o.len());
            for (k, item) in o.entries() {
                if let Some(j) = to_json_at(item, budget, depth + 1)? {
                    budget.bytes(k.len())?;
                    map.insert(k.to_string(), j);
                }
            }
            Value::Object(map)
        }
    }))
}

/// Clones JSON, counting it against the budget.
fn copy_json(v: &Value, budget: &mut Budget, depth: usize) -> Result<Value, Fault> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Fault::Depth);
    }
    budget.bytes(SLOT_BYTES)?;
    Ok(match v {
        Value::String(s) => {
            budget.bytes(s.len())?;
            v.clone()
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| copy_json(i, budget, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, i) in m {
                budget.bytes(k.len())?;
                out.insert(k.clone(), copy_json(i, budget, depth + 1)?);
            }
            Value::Object(out)
        }
        // Numbers from the scope are JavaScript numbers too: `7.0` prints `7`, and
        // integers past 2^53 round as they would in JavaScript.
        Value::Number(n) => js_number_value(json_number_to_f64(n)),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn budget() -> Budget {
        Budget {
            steps: 1_000_000,
            bytes: 1 << 24,
        }
    }

    #[test]
    fn strings_and_numbers() {
        let mut b = budget();
        let arr = json!([1, null, "a", [2, 3]]);
        assert_eq!(
            Val::from_json(&arr).to_js_string(&mut b).unwrap(),
            "1,,a,2,3"
        );
        let obj = json!({"a": 1});
        assert_eq!(
            Val::from_json(&obj).to_js_string(&mut b).unwrap(),
            "[object Object]"
        );
        assert_eq!(Val::string(" 12 ").to_number(&mut b).unwrap(), 12.0);
        assert!(Val::Undefined.to_number(&mut b).unwrap().is_nan());
        assert_eq!(Val::Null.to_number(&mut b).unwrap(), 0.0);
        let empty = json!([]);
        assert_eq!(Val::from_json(&empty).to_number(&mut b).unwrap(), 0.0);
    }

    #[test]
    fn addition() {
        let mut b = budget();
        let s = |v: Val<'_>| match v {
            Val::Str(s) => s.to_string(),
            Val::Num(n) => js_number_to_string(n),
            other => format!("{other:?}"),
        };
        assert_eq!(s(add(&Val::Num(5.0), &Val::Num(2.0), &mut b).unwrap()), "7");
        assert_eq!(
            s(add(&Val::string("a"), &Val::Num(1.0), &mut b).unwrap()),
            "a1"
        );
        assert_eq!(s(add(&Val::Num(1.0), &Val::Null, &mut b).unwrap()), "1");
        assert_eq!(
            s(add(&Val::Num(1.0), &Val::Undefined, &mut b).unwrap()),
            "NaN"
        );
        assert_eq!(
            s(add(&Val::Bool(true), &Val::Num(1.0), &mut b).unwrap()),
            "2"
        );
        let arr = json!([1, 2]);
        assert_eq!(
            s(add(&Val::from_json(&arr), &Val::Num(1.0), &mut b).unwrap()),
            "1,21"
        );
    }

    #[test]
    fn equality() {
        let mut b = budget();
        assert!(loose_equals(&Val::Null, &Val::Undefined, &mut b).unwrap());
        assert!(!loose_equals(&Val::Null, &Val::Num(0.0), &mut b).unwrap());
        assert!(loose_equals(&Val::string("1"), &Val::Num(1.0), &mut b).unwrap());
        assert!(loose_equals(&Val::Bool(true), &Val::string("1"), &mut b).unwrap());
        assert!(!loose_equals(&Val::Bool(true), &Val::string("true"), &mut b).unwrap());
        assert!(!strict_equals(&Val::Num(f64::NAN), &Val::Num(f64::NAN)));
        assert!(same_value_zero(&Val::Num(f64::NAN), &Val::Num(f64::NAN)));
        let arr = json!([1]);
        assert!(loose_equals(&Val::from_json(&arr), &Val::string("1"), &mut b).unwrap());
        assert!(strict_equals(&Val::from_json(&arr), &Val::from_json(&arr)));
    }

    #[test]
    fn comparisons_use_utf16_order() {
        let mut b = budget();
        use std::cmp::Ordering::*;
        assert_eq!(
            compare(&Val::string("a"), &Val::string("b"), &mut b).unwrap(),
            Some(Less)
        );
        assert_eq!(
            compare(&Val::string("10"), &Val::string("9"), &mut b).unwrap(),
            Some(Less)
        );
        assert_eq!(
            compare(&Val::string("10"), &Val::Num(9.0), &mut b).unwrap(),
            Some(Greater)
        );
        // U+FF61 sorts after U+1F600 by code point but before it by UTF-16 units.
        assert_eq!(
            compare(&Val::string("\u{FF61}"), &Val::string("😀"), &mut b).unwrap(),
            Some(Greater)
        );
        assert_eq!(
            compare(&Val::Num(f64::NAN), &Val::Num(1.0), &mut b).unwrap(),
            None
        );
    }

    #[test]
    fn json_stringify() {
        let mut b = budget();
        let v = json!({"a": [1, "x\n", null], "b": {"c": true}});
        assert_eq!(
            stringify(&Val::from_json(&v), "", &mut b).unwrap().unwrap(),
            r#"{"a":[1,"x\n",null],"b":{"c":true}}"#
        );
        assert_eq!(
            stringify(&Val::from_json(&v), "  ", &mut b).unwrap().unwrap(),
            "{\n  \"a\": [\n    1,\n    \"x\\n\",\n    null\n  ],\n  \"b\": {\n    \"c\": true\n  }\n}"
        );
        let obj = Val::Obj(Rc::new(Obj::from_entries(vec![
            (JsStr::Borrowed("u"), Val::Undefined),
            (JsStr::Borrowed("n"), Val::Num(f64::NAN)),
        ])));
        assert_eq!(
            stringify(&obj, "", &mut b).unwrap().unwrap(),
            r#"{"n":null}"#
        );
        assert_eq!(stringify(&Val::Undefined, "", &mut b).unwrap(), None);
        assert_eq!(
            stringify(&Val::Num(1.5), "", &mut b).unwrap().unwrap(),
            "1.5"
        );
    }

    #[test]
    fn large_objects_keep_order_and_replace_in_place() {
        let mut o = Obj::new(None);
        for i in 0..100 {
            o.set(JsStr::from(format!("k{i}")), Val::Num(f64::from(i)));
        }
        o.set(JsStr::Borrowed("k3"), Val::Null);
        assert_eq!(o.len(), 100);
        assert!(matches!(o.get("k3"), Some(Val::Null)));
        assert!(o.remove("k0").is_some());
        assert!(matches!(o.get("k99"), Some(Val::Num(n)) if *n == 99.0));
        assert_eq!(&*o.entries()[0].0, "k1");
    }

    #[test]
    fn budgets_stop_growth() {
        let mut b = Budget {
            steps: 10,
            bytes: 100,
        };
        let big = Val::string("x".repeat(80));
        assert_eq!(add(&big, &big, &mut b).unwrap_err(), Fault::Size);
    }

    #[test]
    fn utf16_semantics() {
        assert_eq!(utf16_len("😀a"), 3);
        assert_eq!(utf16_slice("😀ab", 2, 3), "a");
        assert_eq!(
            Val::string("héllo")
                .get("1")
                .to_js_string(&mut budget())
                .unwrap(),
            "é"
        );
        assert_eq!(
            Val::string("abc")
                .get("length")
                .to_number(&mut budget())
                .unwrap(),
            3.0
        );
    }
}
