//! Literal text: JSX text whitespace, HTML entities, and JavaScript string escapes.

use std::borrow::Cow;

/// Cleans one run of JSX text the way esbuild does (as Babel's
/// `cleanJSXElementLiteralChild`, except that tabs stay tabs):
///
/// - the text is split into lines;
/// - each line loses its leading spaces and tabs (except the first line) and its
///   trailing ones (except the last line);
/// - lines left empty are dropped, the rest are joined by one space.
///
/// So text on one line is kept as written, and text spanning lines is trimmed per line.
/// Returns `None` when nothing is left.
pub(crate) fn clean_jsx_text(raw: &str) -> Option<String> {
    let decoded = decode_entities(raw);
    let text = decoded.as_ref();
    let lines: Vec<&str> = split_lines(text);
    let last_non_empty = lines
        .iter()
        .rposition(|l| l.chars().any(|c| c != ' ' && c != '\t'))
        // Babel starts from line 0, so a blank single line keeps no extra space.
        .unwrap_or(0);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let is_first = i == 0;
        let is_last = i + 1 == lines.len();
        // esbuild keeps tabs (Babel turns them into spaces); lines are trimmed of
        // spaces and tabs alike.
        let mut l: Cow<'_, str> = Cow::Borrowed(line);
        if !is_first {
            l = Cow::Owned(l.trim_start_matches([' ', '\t']).to_string());
        }
        if !is_last {
            l = Cow::Owned(l.trim_end_matches([' ', '\t']).to_string());
        }
        if !l.is_empty() {
            out.push_str(&l);
            if i != last_non_empty {
                out.push(' ');
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Splits on `\r\n`, `\n` and `\r`, as Babel does.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(&text[start..]);
    lines
}

/// A JSX attribute string's value: entities decoded, then a line break followed by
/// whitespace folded into one space (Babel's JSX transform does this).
pub(crate) fn attr_string_value(raw: &str) -> String {
    let decoded = decode_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' && chars.peek().is_some_and(|n| is_js_space(*n)) {
            while chars.peek().is_some_and(|n| is_js_space(*n)) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// JavaScript's `\s`: Unicode white space and line terminators.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// The HTML entities JSX decodes in text and attribute strings (the common subset of
/// the XHTML list; unknown entities stay as written).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("times", '×'),
    ("divide", '÷'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("euro", '€'),
    ("pound", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("sect", '§'),
    ("para", '¶'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("harr", '↔'),
    ("check", '✓'),
    ("hearts", '♥'),
    ("star", '☆'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwj", '\u{200D}'),
    ("zwnj", '\u{200C}'),
    ("shy", '\u{AD}'),
];

/// Decodes `&name;`, `&#123;` and `&#x1F;` entities.
pub(crate) fn decode_entities(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match entity_at(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The entity at the start of `s` (which starts with `&`): its character and length.
fn entity_at(s: &str) -> Option<(char, usize)> {
    let semi = s[1..].find(';')? + 1;
    // Entities are short; do not scan far for a `;`.
    if semi > 10 {
        return None;
    }
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(hex, 16).ok()?
        } else {
            if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            num.parse::<u32>().ok()?
        };
        char::from_u32(code)?
    } else {
        ENTITIES.iter().find(|(n, _)| *n == body)?.1
    };
    Some((c, semi + 1))
}

/// An invalid escape in a string or template literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EscapeError {
    /// Byte offset of the backslash in the raw text.
    pub offset: usize,
    /// Byte length of the bad escape.
    pub len: usize,
    /// What is wrong.
    pub message: &'static str,
}

/// Cooks the raw text of a string literal (between the quotes) or a template chunk:
/// escapes are replaced by what they stand for. In templates, line breaks are
/// normalized to `\n` as JavaScript does.
pub(crate) fn cook(raw: &str, template: bool) -> Result<String, EscapeError> {
    if !(raw.contains('\\') || template && raw.contains('\r')) {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    // UTF-16 units from `\u` escapes, so that surrogate pairs combine.
    let mut units: Vec<u16> = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i..].chars().next().unwrap_or('\u{FFFD}');
        if c != '\\' {
            flush_units(&mut units, &mut out);
            if template && c == '\r' {
                out.push('\n');
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                i += 1;
                continue;
            }
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let Some(e) = raw[i + 1..].chars().next() else {
            return Err(EscapeError {
                offset: start,
                len: 1,
                message: "unfinished escape",
            });
        };
        i += 1 + e.len_utf8();
        match e {
            'u' => {
                let (unit_or_char, len) = read_unicode_escape(&raw[i..]).ok_or(EscapeError {
                    offset: start,
                    len: 2,
                    message: "invalid Unicode escape: use \\uXXXX or \\u{X…}",
                })?;
                i += len;
                match unit_or_char {
                    Unicode::Unit(u) => units.push(u),
                    Unicode::Char(c) => {
                        flush_units(&mut units, &mut out);
                        out.push(c);
                    }
                }
                continue;
            }
            _ => flush_units(&mut units, &mut out),
        }
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{C}'),
            'v' => out.push('\u{B}'),
            '0' if !raw[i..].starts_with(|c: char| c.is_ascii_digit()) => out.push('\0'),
            '0'..='9' => {
                return Err(EscapeError {
                    offset: start,
                    len: 2,
                    message: "octal escapes are not allowed",
                })
            }
            'x' => {
                let hex = raw
                    .get(i..i + 2)
                    .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    return Err(EscapeError {
                        offset: start,
                        len: 2,
                        message: "invalid hexadecimal escape: use \\xHH",
                    });
                };
                out.push(char::from(u8::from_str_radix(hex, 16).unwrap_or(0)));
                i += 2;
            }
            // A backslash before a line break continues the line.
            '\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => out.push(other),
        }
    }
    flush_units(&mut units, &mut out);
    Ok(out)
}

enum Unicode {
    Unit(u16),
    Char(char),
}

/// Reads `XXXX` or `{X…}` after `\u`; returns what it is and how many bytes it took.
fn read_unicode_escape(s: &str) -> Option<(Unicode, usize)> {
    if let Some(rest) = s.strip_prefix('{') {
        let close = rest.find('}')?;
        let hex = &rest[..close];
        if hex.is_empty() || hex.len() > 8 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(hex, 16).ok()?;
        if code > 0x10FFFF {
            return None;
        }
        let u = match char::from_u32(code) {
            Some(c) => Unicode::Char(c),
            // A surrogate written as a code point: keep it as a UTF-16 unit.
            None => Unicode::Unit(code as u16),
        };
        Some((u, close + 2))
    } else {
        let hex = s.get(..4)?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        Some((Unicode::Unit(u16::from_str_radix(hex, 16).ok()?), 4))
    }
}

/// Appends pending UTF-16 units; a lone surrogate becomes U+FFFD (Rust strings cannot
/// hold one).
fn flush_units(units: &mut Vec<u16>, out: &mut String) {
    if !units.is_empty() {
        out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{FFFD}')));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsx_text_one_line_is_kept() {
        assert_eq!(clean_jsx_text("  One of ").as_deref(), Some("  One of "));
        assert_eq!(clean_jsx_text(" ").as_deref(), Some(" "));
    }

    #[test]
    fn jsx_text_lines_are_trimmed_and_joined() {
        assert_eq!(clean_jsx_text("\n   ").as_deref(), None);
        assert_eq!(
            clean_jsx_text("\n  Hello\n    world  \n").as_deref(),
            Some("Hello world")
        );
        assert_eq!(clean_jsx_text("  a  \n\n  b  ").as_deref(), Some("  a b  "));
        assert_eq!(clean_jsx_text("a\tb").as_deref(), Some("a\tb"));
        assert_eq!(clean_jsx_text("x\r\n  y").as_deref(), Some("x y"));
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &lt;&gt; &#65;&#x42; &nope; &"),
            "a & b <> AB &nope; &"
        );
        assert_eq!(clean_jsx_text("&nbsp;\n x").as_deref(), Some("\u{A0} x"));
    }

    #[test]
    fn attr_strings_fold_line_breaks() {
        assert_eq!(attr_string_value("a\n    b"), "a b");
        assert_eq!(attr_string_value("a\nb"), "a\nb");
        assert_eq!(attr_string_value("&quot;x&quot;"), "\"x\"");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            cook(r"a\nb\t\\\'\x41\u0042\u{43}\0", false).unwrap(),
            "a\nb\t\\'ABC\0"
        );
        assert_eq!(cook(r"\uD83D\uDE00", false).unwrap(), "😀");
        assert_eq!(cook(r"\uD83D", false).unwrap(), "\u{FFFD}");
        assert_eq!(cook("a\\\nb", false).unwrap(), "ab");
        assert_eq!(cook("a\r\nb", true).unwrap(), "a\nb");
        assert_eq!(cook(r"\q", false).unwrap(), "q");
        assert!(cook(r"\x4", false).is_err());
        assert!(cook(r"\u12", false).is_err());
        assert!(cook(r"\1", false).is_err());
        assert!(cook("\\", false).is_err());
    }
}
