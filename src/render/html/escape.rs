//! Escaping adapters that write straight into the output buffer.
//!
//! Every user string reaches the page through one of these, so that nothing is copied
//! into a temporary string just to be escaped: `write!` on an adapter escapes as it goes.

use std::fmt;
use std::io;

/// Text content: `&`, `<` and `>` escaped.
pub(super) struct Text<'a>(pub &'a mut String);

impl fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        html_escape::encode_text_to_string(s, self.0);
        Ok(())
    }
}

/// A double-quoted attribute value. Single quotes are escaped too, so a value stays
/// inert even if some later tool re-quotes the attribute.
pub(super) struct Attr<'a>(pub &'a mut String);

impl fmt::Write for Attr<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        html_escape::encode_quoted_attribute_to_string(s, self.0);
        Ok(())
    }
}

/// JSON inside a single-quoted attribute (`data-ck-action='{"action":"save"}'`).
///
/// JSON is full of double quotes; single-quoting the attribute keeps them readable, and
/// only `&`, `<`, `>` and `'` need escaping. `serde_json` writes bytes through
/// [`io::Write`]; a character split across two writes is held back until it is whole,
/// since escaping works on `str`.
pub(super) struct JsonAttr<'a> {
    out: &'a mut String,
    pending: [u8; 4],
    pending_len: usize,
}

impl<'a> JsonAttr<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        JsonAttr {
            out,
            pending: [0; 4],
            pending_len: 0,
        }
    }

    /// Writes a piece of JSON text (punctuation, a key already known to be plain).
    pub fn raw(&mut self, s: &str) {
        html_escape::encode_single_quoted_attribute_to_string(s, self.out);
    }

    /// Writes any serializable value as JSON.
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        // Serializing our own types into a writer that never fails cannot fail; should a
        // custom `Serialize` error anyway, the attribute is still closed by the caller.
        let _ = serde_json::to_writer(&mut *self, value);
    }

    fn escape(&mut self, bytes: &[u8]) -> io::Result<()> {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                html_escape::encode_single_quoted_attribute_to_string(s, self.out);
                Ok(())
            }
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        }
    }
}

/// The length of the UTF-8 sequence that starts with `first`.
fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

impl io::Write for JsonAttr<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        if self.pending_len > 0 {
            let need = utf8_len(self.pending[0]) - self.pending_len;
            let take = need.min(rest.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&rest[..take]);
            self.pending_len += take;
            rest = &rest[take..];
            if self.pending_len < utf8_len(self.pending[0]) {
                return Ok(buf.len());
            }
            let whole = self.pending;
            let len = std::mem::take(&mut self.pending_len);
            self.escape(&whole[..len])?;
        }
        match std::str::from_utf8(rest) {
            Ok(s) => html_escape::encode_single_quoted_attribute_to_string(s, self.out),
            // An incomplete character at the end: keep it for the next write.
            Err(e) if e.error_len().is_none() => {
                let (whole, tail) = rest.split_at(e.valid_up_to());
                self.escape(whole)?;
                self.pending[..tail.len()].copy_from_slice(tail);
                self.pending_len = tail.len();
                return Ok(buf.len());
            }
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use std::io::Write as _;

    #[test]
    fn text_and_attributes_escape_markup() {
        let mut out = String::new();
        let quotes = "\"'";
        write!(Text(&mut out), "<b>&{quotes}").unwrap();
        assert_eq!(out, "&lt;b&gt;&amp;\"'");
        out.clear();
        write!(Attr(&mut out), "\"><img src=x onerror='y'>").unwrap();
        assert_eq!(out, "&quot;&gt;&lt;img src=x onerror=&#x27;y&#x27;&gt;");
    }

    #[test]
    fn json_attr_escapes_quotes_and_markup() {
        let mut out = String::new();
        JsonAttr::new(&mut out).value(&serde_json::json!({"a": "it's <b>&"}));
        assert_eq!(out, r#"{"a":"it&#x27;s &lt;b&gt;&amp;"}"#);
    }

    #[test]
    fn json_attr_joins_characters_split_across_writes() {
        let mut out = String::new();
        let mut w = JsonAttr::new(&mut out);
        let bytes = "é€😀'".as_bytes();
        for b in bytes {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(out, "é€😀&#x27;");
    }

    #[test]
    fn json_attr_rejects_invalid_utf8() {
        let mut out = String::new();
        assert!(JsonAttr::new(&mut out).write(&[0xFF, b'a']).is_err());
    }
}
