//! Diagnostics a person can act on: `FILE:LINE:COL: error: message`, the source line,
//! a caret line under the offending text, and an optional `help:` line.

use std::fmt;
use std::sync::Arc;

use super::ast::Span;

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The text is not valid markup.
    Syntax,
    /// Nesting deeper than [`super::MAX_NESTING`] (or than the configured limit).
    TooDeep,
    /// A closing tag that does not match its opening tag.
    MismatchedTag,
    /// A malformed escape in a string or template literal.
    InvalidEscape,
    /// JavaScript that the markup language does not support (block-bodied arrows, …).
    Unsupported,
    /// The root is not exactly one element.
    InvalidRoot,
    /// A tag that names no ContentKit element.
    UnknownElement,
    /// An attribute the element does not take.
    UnknownAttribute,
    /// The same attribute written twice.
    DuplicateAttribute,
    /// A literal string outside the attribute's allowed values.
    InvalidValue,
    /// A required attribute (or required children) is missing.
    MissingAttribute,
    /// Children on an element that takes none.
    UnexpectedChildren,
    /// An element where it can never stand (a `<block>` inside another element, …).
    Placement,
    /// A name that is not `props`, `state`, `context`, `action`, `element`, a global or
    /// an arrow parameter.
    UnknownIdentifier,
    /// A call of a method or function the language does not have.
    UnknownFunction,
    /// An arrow function where none is allowed, or a callback that is not one.
    InvalidCallback,
    /// Render time: a JavaScript TypeError (reading a property of `undefined`, …).
    TypeError,
    /// Render time: the step budget ran out.
    StepLimit,
    /// Render time: the output (or an intermediate value) grew past the size cap.
    SizeLimit,
    /// Render time: the rendered tree is not a valid ContentKit element.
    InvalidElement,
}

/// One error, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is.
    pub kind: DiagnosticKind,
    /// The message, without location.
    pub message: String,
    /// The file name given to [`super::Template::compile`].
    pub file: String,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// The offending text, as bytes of the source.
    pub span: Span,
    /// A hint such as `did you mean "button"?`.
    pub help: Option<String>,
    /// The source line that holds the span's start (without its line break).
    pub source_line: String,
    /// How many characters to underline (at least one).
    pub underline: usize,
}

impl Diagnostic {
    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds `help: did you mean "x"?` when there is a suggestion.
    pub fn with_suggestion(self, suggestion: Option<&str>) -> Diagnostic {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean \"{s}\"?")),
            None => self,
        }
    }

    /// Adds `help: did you mean "x"?` when there is a suggestion, `help` otherwise.
    pub fn with_suggestion_or(
        self,
        suggestion: Option<&str>,
        help: impl Into<String>,
    ) -> Diagnostic {
        match suggestion {
            Some(_) => self.with_suggestion(suggestion),
            None => self.with_help(help),
        }
    }

    /// `FILE:LINE:COL`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{number} | {}", self.source_line)?;
        // Keep tabs in the caret line so the carets line up under tab-indented code.
        let lead: String = self
            .source_line
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {lead}{}", "^".repeat(self.underline.max(1)))?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every error found in one file, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The diagnostics, in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by position (and drops exact duplicates).
    pub(crate) fn sorted(mut self) -> Diagnostics {
        self.0.sort_by_key(|d| (d.span.start, d.span.end));
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n\n{} errors", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A source file with its line starts, to turn byte spans into lines and columns.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// Byte offset of each line's first byte.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub(crate) fn new(name: &str, text: &str) -> SourceFile {
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

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The text of a 1-based line, without its line break.
    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// A diagnostic pointing at `span`.
    pub(crate) fn diagnostic(
        &self,
        kind: DiagnosticKind,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_col(span.start);
        let source_line = self.line_text(line).to_string();
        let end = self.floor_char_boundary(span.end.min(self.text.len()).max(span.start));
        let start = self.floor_char_boundary(span.start.min(self.text.len()));
        // Underline up to the span's end, or the end of its first line.
        let on_line = source_line.chars().count().saturating_sub(column - 1);
        let underline = self.text[start..end].chars().count().min(on_line).max(1);
        Diagnostic {
            kind,
            message: message.into(),
            file: self.name.to_string(),
            line,
            column,
            span,
            help: None,
            source_line,
            underline,
        }
    }
}

/// The candidate closest to `name` by Damerau-Levenshtein distance, if it is at most 2
/// edits away (and not a wholesale replacement of a short name).
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let len = name.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(name) {
            0
        } else {
            distance(name, c)
        };
        // Short names allow fewer edits: `fn` suggests nothing rather than `find`.
        let limit = 2.min(len / 2);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent characters each cost one.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Names are short; bail out on long inputs rather than spend quadratic time.
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("lable", "label"), 1);
        assert_eq!(distance("buton", "button"), 1);
        assert_eq!(distance("hstak", "hstack"), 1);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        let names = ["button", "box", "block", "text", "textinput"];
        assert_eq!(suggest("buton", names), Some("button"));
        assert_eq!(suggest("Button", names), Some("button"));
        assert_eq!(suggest("txt", names), Some("text"));
        assert_eq!(suggest("zzzzzz", names), None);
        assert_eq!(suggest("x", names), None);
    }

    #[test]
    fn line_columns() {
        let f = SourceFile::new("f.ckx", "ab\ncd\r\nef\rgh");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_col(7), (3, 1));
        assert_eq!(f.line_col(10), (4, 1));
        assert_eq!(f.line_col(100), (4, 3));
        let d = f.diagnostic(DiagnosticKind::Syntax, Span::new(3, 5), "bad");
        assert_eq!(d.to_string(), "f.ckx:2:1: error: bad\n2 | cd\n  | ^^");
    }
}
