//! JSON text into heap values, in one pass, as `JSON.parse` reads it: property names
//! interned as they are read, numbers parsed to the nearest double (as JavaScript
//! does), `\uD83D` escapes kept as lone surrogates, duplicate keys resolved by the last
//! value at the first position.

use super::object::{Atom, Object, Props};
use super::string::push_code_point;
use super::{Heap, MemoryExceeded, Value};

/// Why JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON: what was wrong, at which byte.
    Syntax {
        /// The byte offset.
        offset: usize,
        /// What was expected or found.
        message: String,
    },
    /// Nested deeper than the limit.
    TooDeep {
        /// The byte offset.
        offset: usize,
    },
    /// The heap's budget ran out.
    Memory,
}

impl From<MemoryExceeded> for JsonError {
    fn from(_: MemoryExceeded) -> Self {
        JsonError::Memory
    }
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Syntax { offset, message } => {
                write!(f, "{message} in JSON at position {offset}")
            }
            JsonError::TooDeep { offset } => {
                write!(f, "JSON nested too deeply at position {offset}")
            }
            JsonError::Memory => f.write_str("JSON too large for the memory budget"),
        }
    }
}

/// Reads `text` as one JSON value into `heap`.
pub(crate) fn parse(heap: &mut Heap, text: &[u8], max_depth: usize) -> Result<Value, JsonError> {
    let mut p = Parser {
        s: text,
        i: 0,
        heap,
        depth: 0,
        max_depth,
        scratch: Vec::new(),
        items: Vec::new(),
        members: Vec::new(),
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.unexpected());
    }
    Ok(v)
}

struct Parser<'a, 'h> {
    s: &'a [u8],
    i: usize,
    heap: &'h mut Heap,
    depth: usize,
    max_depth: usize,
    /// The bytes of a string with escapes, unescaped.
    scratch: Vec<u8>,
    /// The items of the arrays being read, innermost last: each array takes its own
    /// off the end, so an array costs one allocation of its exact size.
    items: Vec<Value>,
    /// The members of the objects being read, likewise.
    members: Vec<(Atom, Value)>,
}

/// A string read: the input's bytes between two offsets (no escapes), or the
/// parser's scratch buffer (unescaped).
enum Text {
    Raw(usize, usize),
    Scratch,
}

/// The bytes a JSON string's fast scan stops at: `"`, `\`, control characters.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

impl Parser<'_, '_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn unexpected(&self) -> JsonError {
        match self.s.get(self.i) {
            None => JsonError::Syntax {
                offset: self.i,
                message: "Unexpected end of input".into(),
            },
            Some(&b) => {
                let c = std::str::from_utf8(&self.s[self.i..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .unwrap_or(char::from(b));
                JsonError::Syntax {
                    offset: self.i,
                    message: format!("Unexpected token '{c}'"),
                }
            }
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        match self.s.get(self.i) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                self.i += 1;
                let id = match self.string()? {
                    Text::Raw(a, b) => self.heap.alloc_str(&self.s[a..b])?,
                    Text::Scratch => self.heap.alloc_str(&self.scratch)?,
                };
                Ok(Value::Str(id))
            }
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, JsonError> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            // Point at the first byte that differs.
            let same = self.s[self.i..]
                .iter()
                .zip(word)
                .take_while(|(a, b)| a == b)
                .count();
            self.i += same;
            Err(self.unexpected())
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(JsonError::TooDeep { offset: self.i });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let start = self.members.len();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
        } else {
            loop {
                if self.s.get(self.i) != Some(&b'"') {
                    return Err(self.unexpected());
                }
                self.i += 1;
                let atom = match self.string()? {
                    Text::Raw(a, b) => self.heap.intern(&self.s[a..b])?,
                    Text::Scratch => self.heap.intern(&self.scratch)?,
                };
                self.ws();
                if self.s.get(self.i) != Some(&b':') {
                    return Err(self.unexpected());
                }
                self.i += 1;
                self.ws();
                let v = self.value()?;
                self.members.push((atom, v));
                self.ws();
                match self.s.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                    }
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.unexpected()),
                }
            }
        }
        self.depth -= 1;
        let props = Props::from_entries(self.members.drain(start..).collect());
        Ok(Value::Obj(self.heap.alloc(Object::plain(props))?))
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let start = self.items.len();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
        } else {
            loop {
                let v = self.value()?;
                self.items.push(v);
                self.ws();
                match self.s.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                    }
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.unexpected()),
                }
            }
        }
        self.depth -= 1;
        let items = self.items.drain(start..).collect();
        Ok(Value::Obj(self.heap.alloc(Object::array(items))?))
    }

    /// After the opening quote: the string's WTF-8 bytes, up to the closing quote.
    fn string(&mut self) -> Result<Text, JsonError> {
        let start = self.i;
        // Fast path: no escape, no control character.
        while self.i < self.s.len() && !STRING_STOP[usize::from(self.s[self.i])] {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'"') => {
                self.i += 1;
                return Ok(Text::Raw(start, self.i - 1));
            }
            Some(0x00..=0x1F) => return Err(self.bad_control()),
            _ => {}
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        out.extend_from_slice(&self.s[start..self.i]);
        let mut pending_high: Option<u32> = None;
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(JsonError::Syntax {
                    offset: self.i,
                    message: "Unterminated string".into(),
                });
            };
            match b {
                b'"' => {
                    self.i += 1;
                    if let Some(h) = pending_high.take() {
                        push_code_point(&mut out, h);
                    }
                    self.scratch = out;
                    return Ok(Text::Scratch);
                }
                b'\\' => {
                    let Some(&e) = self.s.get(self.i + 1) else {
                        self.i += 1;
                        return Err(self.unexpected());
                    };
                    self.i += 2;
                    let c = match e {
                        b'"' => Some(u32::from(b'"')),
                        b'\\' => Some(u32::from(b'\\')),
                        b'/' => Some(u32::from(b'/')),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(10),
                        b'r' => Some(13),
                        b't' => Some(9),
                        b'u' => None,
                        _ => {
                            self.i -= 1;
                            return Err(JsonError::Syntax {
                                offset: self.i,
                                message: "Bad escaped character".into(),
                            });
                        }
                    };
                    let unit = match c {
                        Some(c) => c,
                        None => {
                            let hex = self
                                .s
                                .get(self.i..self.i + 4)
                                .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                            let Some(hex) = hex else {
                                return Err(JsonError::Syntax {
                                    offset: self.i,
                                    message: "Bad Unicode escape".into(),
                                });
                            };
                            self.i += 4;
                            hex.iter().fold(0u32, |acc, &h| {
                                acc * 16 + (h as char).to_digit(16).unwrap_or(0)
                            })
                        }
                    };
                    if let Some(h) = pending_high.take() {
                        if (0xDC00..0xE000).contains(&unit) {
                            push_code_point(
                                &mut out,
                                0x10000 + ((h - 0xD800) << 10) + (unit - 0xDC00),
                            );
                            continue;
                        }
                        push_code_point(&mut out, h);
                    }
                    if (0xD800..0xDC00).contains(&unit) {
                        pending_high = Some(unit);
                    } else {
                        push_code_point(&mut out, unit);
                    }
                }
                0x00..=0x1F => return Err(self.bad_control()),
                _ => {
                    if let Some(h) = pending_high.take() {
                        push_code_point(&mut out, h);
                    }
                    out.push(b);
                    self.i += 1;
                }
            }
        }
    }

    fn bad_control(&self) -> JsonError {
        JsonError::Syntax {
            offset: self.i,
            message: "Bad control character in string literal".into(),
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
            }
            _ => return Err(self.unexpected()),
        }
        let int_end = self.i;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected());
            }
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected());
            }
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        let text = &self.s[start..self.i];
        // Small integers: no float parsing needed.
        if int_end == self.i && text.len() <= 15 {
            let (neg, digits) = match text.split_first() {
                Some((b'-', rest)) => (true, rest),
                _ => (false, text),
            };
            let n = digits
                .iter()
                .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'));
            let x = n as f64;
            return Ok(Value::Num(if neg { -x } else { x }));
        }
        // The text is ASCII digits and signs: valid UTF-8. Rust rounds to nearest.
        let x = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(f64::NAN);
        Ok(Value::Num(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heap() -> Heap {
        Heap::for_program(1 << 24)
    }

    #[test]
    fn reads_values() {
        let mut h = heap();
        let v = parse(
            &mut h,
            br#" {"b": [1, -2.5e1, true, null], "a": "x\u00e9\ud83d\ude00", "2": {}, "b": 0} "#,
            64,
        )
        .unwrap();
        let Value::Obj(o) = v else { panic!() };
        let props = h.obj(o).props.entries().to_vec();
        // The index key comes first; the duplicate `b` keeps its place with the last value.
        assert_eq!(props.len(), 3);
        assert_eq!(props[1].1, Value::Num(0.0));
        let Value::Str(s) = props[2].1 else { panic!() };
        assert_eq!(h.str_bytes(s), "xé😀".as_bytes());
    }

    #[test]
    fn numbers_round_trip() {
        let mut h = heap();
        for text in [
            "1.7777555555555553",
            "0.1",
            "5e-324",
            "1.7976931348623157e308",
            "-0",
            "123456789012345678",
        ] {
            let v = parse(&mut h, text.as_bytes(), 4).unwrap();
            assert_eq!(v, Value::Num(text.parse::<f64>().unwrap()), "{text}");
        }
    }

    #[test]
    fn errors() {
        let mut h = heap();
        assert!(matches!(
            parse(&mut h, b"{\"a\" 1}", 4),
            Err(JsonError::Syntax { offset: 5, .. })
        ));
        assert!(matches!(
            parse(&mut h, b"[1,]", 4),
            Err(JsonError::Syntax { offset: 3, .. })
        ));
        assert!(matches!(
            parse(&mut h, b"[[[[1]]]]", 3),
            Err(JsonError::TooDeep { .. })
        ));
        assert!(matches!(
            parse(&mut h, b"\"a\x01\"", 3),
            Err(JsonError::Syntax { .. })
        ));
        assert!(matches!(
            parse(&mut h, b"tru", 3),
            Err(JsonError::Syntax { offset: 3, .. })
        ));
    }
}
