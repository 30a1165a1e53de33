//! Source files and byte spans: turning an offset into `line:col` and quoting the
//! line it sits on, in time and space bounded by what is quoted, not by the line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A range of bytes in a source file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(s: pest::Span<'_>) -> Span {
        Span::new(s.start(), s.end())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How many characters of a line a diagnostic quotes on each side of its column: a
/// one-line file of a megabyte gets the same short quote as a normal one.
pub const QUOTE_RADIUS: usize = 60;

/// A source file with its line starts, to turn byte spans into lines and columns.
///
/// ```
/// use contentkit::lang::source::{SourceFile, Span};
/// let file = SourceFile::new("f.tsx", "ab\ncd");
/// assert_eq!(file.line_col(4), (2, 2));
/// ```
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// Byte offset of each line's first byte.
    line_starts: Vec<usize>,
}

/// A bounded quote of one source line: the text around a column, and where the column
/// falls in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted text (a window of the line, without its line break), with `…` where
    /// it was cut.
    pub text: String,
    /// The column of the quoted position within `text`, 1-based, in characters.
    pub column: usize,
    /// How many characters to underline (at least one).
    pub underline: usize,
}

impl SourceFile {
    /// A file named `name` holding `text`.
    pub fn new(name: &str, text: &str) -> SourceFile {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                // A lone CR ends a line too; CRLF counts once.
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts,
        }
    }

    /// The file's name, as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text as a shared string.
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    fn ceil_char_boundary(&self, mut offset: usize) -> usize {
        offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset += 1;
        }
        offset
    }

    /// The byte range of a 1-based line, without its line break.
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text[start..end].trim_end_matches(['\n', '\r']);
        (start, start + text.len())
    }

    /// A quote of the line holding `span.start`, at most [`QUOTE_RADIUS`] characters
    /// on each side of it, with the span underlined up to the window's end.
    pub fn quote(&self, span: Span) -> Quote {
        let start = self.floor_char_boundary(span.start);
        let (line, _) = self.line_col(start);
        let (line_start, line_end) = self.line_range(line);
        let start = start.clamp(line_start, line_end);
        // Walk at most QUOTE_RADIUS characters each way from the position.
        let before: Vec<(usize, char)> = self.text[line_start..start]
            .char_indices()
            .rev()
            .take(QUOTE_RADIUS + 1)
            .collect();
        let (from, cut_before) = if before.len() > QUOTE_RADIUS {
            (line_start + before[QUOTE_RADIUS - 1].0, true)
        } else {
            (line_start, false)
        };
        let mut to = start;
        let mut cut_after = false;
        for (n, (i, c)) in self.text[start..line_end].char_indices().enumerate() {
            if n == QUOTE_RADIUS {
                cut_after = true;
                break;
            }
            to = start + i + c.len_utf8();
        }
        let mut text = String::new();
        if cut_before {
            text.push('…');
        }
        text.push_str(&self.text[from..to]);
        if cut_after {
            text.push('…');
        }
        let column = self.text[from..start].chars().count() + 1 + usize::from(cut_before);
        let end = self.ceil_char_boundary(span.end.max(span.start)).min(to);
        let underline = if end > start {
            self.text[start..end].chars().count()
        } else {
            1
        };
        Quote {
            text,
            column,
            underline: underline.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns() {
        let f = SourceFile::new("f.tsx", "ab\ncd\r\nef\rgh");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_col(7), (3, 1));
        assert_eq!(f.line_col(10), (4, 1));
        assert_eq!(f.line_col(100), (4, 3));
    }

    #[test]
    fn quotes_are_bounded() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let f = SourceFile::new("f.tsx", &line);
        let q = f.quote(Span::new(1000, 1001));
        assert_eq!(q.text.chars().count(), 2 * QUOTE_RADIUS + 2);
        assert!(q.text.starts_with('…') && q.text.ends_with('…'));
        assert_eq!(q.text.chars().nth(q.column - 1), Some('X'));
        assert_eq!(q.underline, 1);

        let f = SourceFile::new("f.tsx", "short line");
        let q = f.quote(Span::new(6, 10));
        assert_eq!(
            (q.text.as_str(), q.column, q.underline),
            ("short line", 7, 4)
        );
    }
}
