//! A JSON text indexed for decoding, at a fraction of the memory of a `Value`.
//!
//! A [`Tape`] keeps the text and one 12-byte entry per value (and per key): its type,
//! where it starts, and for arrays and objects where their last descendant ends, so that
//! walking skips a whole subtree in one step. Strings are borrowed from the text unless
//! they hold escapes; numbers are read when asked for. A tree of ContentKit elements
//! takes about twice its text in entries, where a `serde_json::Value` takes about twenty
//! times.
//!
//! The text is first read by serde_json, which checks it as strictly as reading it into
//! a `Value` does (same errors, same positions, same nesting limit of 128 levels) and
//! counts its values; the entries are then written in one pass over the checked text.
//!
//! ```
//! use contentkit::element::tape::Tape;
//! use contentkit::element::json::{Json, View};
//! let tape = Tape::parse(r#"{"type": "text", "children": ["a\nb", 2]}"#).unwrap();
//! let root = tape.root();
//! assert_eq!(root.get("type").and_then(|t| t.as_str()).as_deref(), Some("text"));
//! let items: Vec<_> = root.get("children").unwrap().items().map(|i| i.to_value()).collect();
//! assert_eq!(items, [serde_json::json!("a\nb"), serde_json::json!(2)]);
//! assert!(Tape::parse("[1,]").is_err());
//! ```

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::json::{Json, JsonType, View};

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Null,
    True,
    False,
    Number,
    /// A string without escapes: its text is the string.
    Plain,
    /// A string with escapes, unescaped when read.
    Escaped,
    Array,
    Object,
}

/// One value or key of the text.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: Kind,
    /// Where it starts in the text (after the quote, for strings).
    start: u32,
    /// Strings and numbers: their length in bytes. Arrays and objects: the index of
    /// the first entry after their last descendant.
    extra: u32,
}

/// A JSON text and its index: see the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Tape<'t> {
    text: &'t str,
    entries: Vec<Entry>,
}

impl<'t> Tape<'t> {
    /// Checks and indexes `text`. Texts of 4 GiB and more are refused (positions are
    /// kept in 32 bits).
    pub fn parse(text: &'t str) -> Result<Self, serde_json::Error> {
        if u32::try_from(text.len()).is_err() {
            return Err(de::Error::custom(
                "JSON text of 4 GiB or more; contentkit reads smaller texts",
            ));
        }
        let count = Cell::new(0usize);
        let mut de = serde_json::Deserializer::from_str(text);
        Counter(&count).deserialize(&mut de)?;
        de.end()?;
        let mut entries = Vec::with_capacity(count.get());
        index(text.as_bytes(), &mut entries);
        Ok(Tape { text, entries })
    }

    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node {
            text: self.text,
            entries: &self.entries,
            at: 0,
        }
    }

    /// How many bytes the index takes (the text aside).
    pub fn index_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
    }
}

/// Reads a JSON value through serde_json, keeping nothing but a count of values and keys.
#[derive(Clone, Copy)]
struct Counter<'c>(&'c Cell<usize>);

impl Counter<'_> {
    fn one(self) {
        self.0.set(self.0.get() + 1);
    }
}

impl<'de> DeserializeSeed<'de> for Counter<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.one();
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.one();
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.one();
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.one();
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.one();
        Ok(())
    }
    // serde_json unescapes a string (and checks its escapes) before handing it over.
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.one();
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.one();
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.one();
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// Writes the entries of a text serde_json has checked. Never panics, whatever the text:
/// every step moves forward and every read is bounds-checked.
fn index(text: &[u8], entries: &mut Vec<Entry>) {
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    // Positions fit in 32 bits: `Tape::parse` refuses longer texts.
    let at = |i: usize| i as u32;
    while let Some(&b) = text.get(i) {
        match b {
            b'{' | b'[' => {
                open.push(entries.len());
                entries.push(Entry {
                    kind: if b == b'{' { Kind::Object } else { Kind::Array },
                    start: at(i),
                    extra: 0,
                });
                i += 1;
            }
            b'}' | b']' => {
                let end = at(entries.len());
                if let Some(e) = open.pop().and_then(|o| entries.get_mut(o)) {
                    e.extra = end;
                }
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while let Some(&c) = text.get(j) {
                    match c {
                        b'"' => break,
                        b'\\' => {
                            escaped = true;
                            j += 2;
                        }
                        _ => j += 1,
                    }
                }
                let end = j.min(text.len());
                entries.push(Entry {
                    kind: if escaped { Kind::Escaped } else { Kind::Plain },
                    start: at(start),
                    extra: at(end - start),
                });
                i = end + 1;
            }
            b't' | b'f' | b'n' => {
                let (kind, len) = match b {
                    b't' => (Kind::True, 4),
                    b'f' => (Kind::False, 5),
                    _ => (Kind::Null, 4),
                };
                entries.push(Entry {
                    kind,
                    start: at(i),
                    extra: 0,
                });
                i += len;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while text
                    .get(i)
                    .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    i += 1;
                }
                entries.push(Entry {
                    kind: Kind::Number,
                    start: at(start),
                    extra: at(i - start),
                });
            }
            // White space, `,` and `:`.
            _ => i += 1,
        }
    }
}

/// One value of a [`Tape`].
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    text: &'a str,
    entries: &'a [Entry],
    at: usize,
}

impl<'a> Node<'a> {
    fn entry(self) -> Entry {
        self.entries.get(self.at).copied().unwrap_or(Entry {
            kind: Kind::Null,
            start: 0,
            extra: 0,
        })
    }

    fn at(self, at: usize) -> Self {
        Node { at, ..self }
    }

    /// The index after this value and its descendants.
    fn end(self) -> usize {
        let e = self.entry();
        match e.kind {
            Kind::Array | Kind::Object => (e.extra as usize).max(self.at + 1),
            _ => self.at + 1,
        }
    }

    /// The text of a string or number (between the quotes, for a string).
    fn raw(self) -> &'a str {
        let e = self.entry();
        let start = e.start as usize;
        self.text.get(start..start + e.extra as usize).unwrap_or("")
    }

    fn string(self) -> Cow<'a, str> {
        match self.entry().kind {
            Kind::Plain => Cow::Borrowed(self.raw()),
            _ => {
                let e = self.entry();
                let quoted = self
                    .text
                    .get(e.start as usize - 1..e.start as usize + e.extra as usize + 1)
                    .unwrap_or("\"\"");
                // serde_json checked these escapes when the tape was made.
                Cow::Owned(serde_json::from_str(quoted).unwrap_or_default())
            }
        }
    }

    /// The items (arrays) or keys and values (objects) directly inside, in order.
    fn children(self) -> Children<'a> {
        let inside = matches!(self.entry().kind, Kind::Array | Kind::Object);
        Children {
            node: self,
            next: self.at + 1,
            end: if inside { self.end() } else { self.at + 1 },
        }
    }
}

/// Walks the entries directly inside an array or object.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    node: Node<'a>,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Children<'a> {
    type Item = Node<'a>;
    fn next(&mut self) -> Option<Node<'a>> {
        if self.next >= self.end {
            return None;
        }
        let child = self.node.at(self.next);
        self.next = child.end();
        Some(child)
    }
}

impl<'a> Node<'a> {
    /// Where this value sits in its tape: equal for the same value of one tape, so a
    /// caller can recognise a value it met before.
    pub fn position(self) -> usize {
        self.at
    }

    /// How many values this one holds, itself and every descendant counted (keys
    /// included): what reading it whole would cost, known without walking it.
    pub fn size(self) -> usize {
        self.end() - self.at
    }

    /// Whether some key of this object is given twice.
    fn has_repeated_keys(self) -> bool {
        let keys = || self.children().step_by(2);
        let n = keys().count();
        if n <= 8 {
            // Few keys: compare each pair rather than allocate.
            return keys()
                .enumerate()
                .any(|(i, a)| keys().skip(i + 1).any(|b| a.string() == b.string()));
        }
        // Many keys: sort their hashes (8 bytes a key); equal hashes are settled by
        // comparing the keys themselves.
        let hash = |k: Node<'a>| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .hash_one(k.string().as_ref())
        };
        let mut hashes: Vec<u64> = keys().map(hash).collect();
        hashes.sort_unstable();
        if hashes.windows(2).all(|w| w[0] != w[1]) {
            return false;
        }
        let mut names: Vec<Cow<'a, str>> = keys().map(|k| k.string()).collect();
        names.sort_unstable();
        names.windows(2).any(|w| w[0] == w[1])
    }

    /// Each key once, at its first place, with its last value (as `JSON.parse`).
    fn resolved_fields(self) -> Vec<(Cow<'a, str>, Node<'a>)> {
        let mut fields = indexmap::IndexMap::new();
        let mut pairs = self.children();
        while let (Some(k), Some(v)) = (pairs.next(), pairs.next()) {
            fields.insert(k.string(), v);
        }
        fields.into_iter().collect()
    }
}

/// The fields of an object of a [`Tape`], each key once (see [`Json`]).
#[derive(Debug, Clone)]
pub enum TapeFields<'a> {
    /// Keys that appear once each: read straight from the entries.
    Unique(Children<'a>),
    /// Some key is given twice: resolved once, up front.
    Repeated(std::vec::IntoIter<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Iterator for TapeFields<'a> {
    type Item = (Cow<'a, str>, Node<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            TapeFields::Unique(pairs) => {
                let key = pairs.next()?;
                let value = pairs.next()?;
                Some((key.string(), value))
            }
            TapeFields::Repeated(fields) => fields.next(),
        }
    }
}

impl<'a> Json<'a> for Node<'a> {
    type Items = Children<'a>;
    type Fields = TapeFields<'a>;

    fn json_type(self) -> JsonType {
        match self.entry().kind {
            Kind::Null => JsonType::Null,
            Kind::True | Kind::False => JsonType::Boolean,
            Kind::Number => JsonType::Number,
            Kind::Plain | Kind::Escaped => JsonType::String,
            Kind::Array => JsonType::Array,
            Kind::Object => JsonType::Object,
        }
    }

    fn view(self) -> View<'a, Self> {
        match self.entry().kind {
            Kind::Null => View::Null,
            Kind::True => View::Bool(true),
            Kind::False => View::Bool(false),
            // Correctly rounded, as serde_json (with `float_roundtrip`) reads it.
            Kind::Number => View::Number(self.raw().parse().unwrap_or(f64::NAN)),
            Kind::Plain | Kind::Escaped => View::String(self.string()),
            Kind::Array => View::Array(self),
            Kind::Object => View::Object(self),
        }
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        matches!(self.entry().kind, Kind::Plain | Kind::Escaped).then(|| self.string())
    }

    fn items(self) -> Self::Items {
        match self.entry().kind {
            Kind::Array => self.children(),
            _ => Children {
                node: self,
                next: 0,
                end: 0,
            },
        }
    }

    fn fields(self) -> Self::Fields {
        if self.entry().kind != Kind::Object {
            return TapeFields::Unique(Children {
                node: self,
                next: 0,
                end: 0,
            });
        }
        if self.has_repeated_keys() {
            TapeFields::Repeated(self.resolved_fields().into_iter())
        } else {
            TapeFields::Unique(self.children())
        }
    }

    fn get(self, key: &str) -> Option<Self> {
        if self.entry().kind != Kind::Object {
            return None;
        }
        let mut pairs = self.children();
        let mut found = None;
        while let (Some(k), Some(v)) = (pairs.next(), pairs.next()) {
            let matches = match k.entry().kind {
                Kind::Plain => k.raw() == key,
                _ => k.string() == key,
            };
            if matches {
                found = Some(v);
            }
        }
        found
    }

    fn len(self) -> usize {
        match self.entry().kind {
            Kind::Array => self.children().count(),
            Kind::Object => self.fields().count(),
            _ => 0,
        }
    }

    fn to_value(self) -> Value {
        let e = self.entry();
        let start = match e.kind {
            Kind::Plain | Kind::Escaped => e.start as usize - 1,
            _ => e.start as usize,
        };
        let rest = self.text.get(start..).unwrap_or("null");
        // One value from `start`, the rest of the text left unread; serde_json checked it.
        Value::deserialize(&mut serde_json::Deserializer::from_str(rest)).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tape_value(node: Node<'_>) -> Value {
        match node.view() {
            View::Null => Value::Null,
            View::Bool(b) => Value::Bool(b),
            View::Number(n) => json!(n),
            View::String(s) => Value::String(s.into_owned()),
            View::Array(a) => Value::Array(a.items().map(tape_value).collect()),
            View::Object(o) => Value::Object(
                o.fields()
                    .map(|(k, v)| (k.into_owned(), tape_value(v)))
                    .collect(),
            ),
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"a": [1, -2.5e3, true, false, null, "x\"y\\u00e9", {}], "b": {"c": []}, "\u0041": 0}"#,
            r#"  [ "", "\\", 12345678901234567890, 1e-7 ]  "#,
            r#"{"k": 1, "j": 2, "k": 3}"#,
            "7",
        ] {
            let tape = Tape::parse(text).unwrap();
            let value: Value = serde_json::from_str(text).unwrap();
            let as_f64 = |v: &Value| -> Value {
                let mut v = v.clone();
                let mut pending = vec![&mut v];
                while let Some(x) = pending.pop() {
                    match x {
                        Value::Number(n) => *x = json!(n.as_f64().unwrap()),
                        Value::Array(a) => pending.extend(a.iter_mut()),
                        Value::Object(m) => pending.extend(m.values_mut()),
                        _ => {}
                    }
                }
                v
            };
            assert_eq!(tape_value(tape.root()), as_f64(&value), "{text}");
            assert_eq!(tape.root().to_value(), value, "{text}");
            assert_eq!(tape.root().len(), (&value).len(), "{text}");
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_last_value() {
        let tape = Tape::parse(r#"{"k": 1, "j": 2, "\u006b": 3}"#).unwrap();
        let fields: Vec<(String, Value)> = tape
            .root()
            .fields()
            .map(|(k, v)| (k.into_owned(), v.to_value()))
            .collect();
        assert_eq!(
            fields,
            [("k".to_owned(), json!(3)), ("j".to_owned(), json!(2))]
        );
        assert_eq!(tape.root().get("k").map(|v| v.to_value()), Some(json!(3)));
    }

    #[test]
    fn errors_are_serde_json_errors() {
        let text = "{\n  \"a\": [1,]\n}";
        let ours = Tape::parse(text).unwrap_err();
        let theirs = serde_json::from_str::<Value>(text).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string());
        let deep = "[".repeat(200);
        assert_eq!(
            Tape::parse(&deep).unwrap_err().to_string(),
            serde_json::from_str::<Value>(&deep)
                .unwrap_err()
                .to_string()
        );
        // A lone surrogate is refused as reading into a `Value` refuses it.
        assert!(Tape::parse(r#""\ud800""#).is_err());
    }

    #[test]
    fn the_index_is_twelve_bytes_a_value() {
        assert_eq!(std::mem::size_of::<Entry>(), 12);
        let tape = Tape::parse(r#"{"a": [1, 2, 3]}"#).unwrap();
        assert_eq!(tape.index_bytes(), 6 * 12);
    }
}
