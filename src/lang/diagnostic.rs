//! Diagnostics a person can act on: `FILE:LINE:COL: error: message`, the source line,
//! a caret line under the offending text, and an optional `help:` line.
//!
//! Output stays proportional to what is worth reading: each diagnostic quotes a
//! bounded window of its line ([`QUOTE_RADIUS`](super::source::QUOTE_RADIUS)
//! characters each side), and a file reports at most [`MAX_DIAGNOSTICS`] errors,
//! then says how many more it found.

use std::fmt;

use super::source::{Quote, SourceFile, Span};

/// How many diagnostics one file reports before it says "and N more".
pub const MAX_DIAGNOSTICS: usize = 50;

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The text is not valid TypeScript/JSX.
    Syntax,
    /// Nesting deeper than the parser's limit.
    TooDeep,
    /// A file too large or too complex to compile within its budget.
    TooLarge,
    /// A closing tag that does not match its opening tag.
    MismatchedTag,
    /// A malformed escape in a string, template or regular expression.
    InvalidEscape,
    /// JavaScript or TypeScript that the language does not support (`class`, `enum`,
    /// a regex backreference, …).
    Unsupported,
    /// The root is not exactly one element (bare markup files).
    InvalidRoot,
    /// A tag that names no ContentKit element.
    UnknownElement,
    /// An attribute the element does not take.
    UnknownAttribute,
    /// The same attribute written twice.
    DuplicateAttribute,
    /// A literal value outside the attribute's allowed values.
    InvalidValue,
    /// A required attribute (or required children) is missing.
    MissingAttribute,
    /// Children on an element that takes none.
    UnexpectedChildren,
    /// An element where it can never stand (a `<block>` inside another element, …).
    Placement,
    /// A name that is declared nowhere and is no global.
    UnknownIdentifier,
    /// A method or function the language does not have.
    UnknownFunction,
    /// An import from a module that cannot be resolved, or of a name it does not export.
    UnknownImport,
    /// A declaration that conflicts with another (`const a` twice), or an assignment
    /// to a constant.
    InvalidDeclaration,
    /// A component definition that cannot work (`createComponent` without
    /// `componentId`, …).
    InvalidComponent,
    /// Run time: a JavaScript error thrown and not caught (TypeError, …).
    TypeError,
    /// Run time: an error the component threw itself.
    Thrown,
    /// Run time: the step budget ran out.
    StepLimit,
    /// Run time: memory, output size or depth grew past its cap.
    SizeLimit,
    /// Run time: the rendered tree is not a valid ContentKit element.
    InvalidElement,
    /// Run time: a handler returned something of the wrong shape.
    InvalidResult,
}

/// One error, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is.
    pub kind: DiagnosticKind,
    /// The message, without location.
    pub message: String,
    /// The file name.
    pub file: String,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// The offending text, as bytes of the source.
    pub span: Span,
    /// A hint such as `did you mean "button"?`.
    pub help: Option<String>,
    /// A bounded quote of the source line around the span.
    pub quote: Quote,
}

impl Diagnostic {
    /// A diagnostic at `span` of `file`.
    pub fn new(
        file: &SourceFile,
        kind: DiagnosticKind,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = file.line_col(span.start);
        Diagnostic {
            kind,
            message: message.into(),
            file: file.name().to_owned(),
            line,
            column,
            span,
            help: None,
            quote: file.quote(span),
        }
    }

    /// A diagnostic that is about a whole input rather than a place in it (a file that
    /// cannot be read, say): line 1, column 1, nothing quoted.
    pub fn unlocated(file: &str, kind: DiagnosticKind, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            kind,
            message: message.into(),
            file: file.to_owned(),
            line: 1,
            column: 1,
            span: Span::default(),
            help: None,
            quote: Quote {
                text: String::new(),
                column: 1,
                underline: 0,
            },
        }
    }

    /// Adds a `help:` line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds `help: did you mean "x"?` when there is a suggestion.
    #[must_use]
    pub fn with_suggestion(self, suggestion: Option<&str>) -> Diagnostic {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean \"{s}\"?")),
            None => self,
        }
    }

    /// Adds `help: did you mean "x"?` when there is a suggestion, `help` otherwise.
    #[must_use]
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
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        if self.quote.underline > 0 {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            write!(f, "\n{number} | {}", self.quote.text)?;
            // Keep tabs in the caret line so the carets line up under tab-indented code.
            let lead: String = self
                .quote
                .text
                .chars()
                .take(self.quote.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n{pad} | {lead}{}",
                "^".repeat(self.quote.underline.max(1))
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every error found in one compilation, in source order, at most
/// [`MAX_DIAGNOSTICS`] of them kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    /// How many more were found and not kept.
    omitted: usize,
}

impl Diagnostics {
    /// No diagnostics yet.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// One diagnostic.
    pub fn one(d: Diagnostic) -> Diagnostics {
        let mut ds = Diagnostics::new();
        ds.push(d);
        ds
    }

    /// Adds a diagnostic, or counts it once the cap is reached.
    pub fn push(&mut self, d: Diagnostic) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(d);
        } else {
            self.omitted += 1;
        }
    }

    /// Adds every diagnostic of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.omitted += other.omitted;
        for d in other.list {
            self.push(d);
        }
    }

    /// Adds the diagnostic `make` builds, or only counts it once the cap is reached:
    /// locating and quoting cost a scan of the line, which a file with thousands of
    /// errors on one line must not pay for each of them.
    pub fn push_with(&mut self, make: impl FnOnce() -> Diagnostic) {
        if self.is_full() {
            self.omitted += 1;
        } else {
            self.list.push(make());
        }
    }

    /// Counts a diagnostic found past the cap without making it (see
    /// [`Diagnostics::is_full`]); below the cap it must be pushed instead.
    pub fn omit(&mut self) {
        debug_assert!(self.is_full(), "a diagnostic below the cap is kept");
        self.omitted += 1;
    }

    /// Whether the cap is reached (a compiler may stop looking).
    pub fn is_full(&self) -> bool {
        self.list.len() >= MAX_DIAGNOSTICS
    }

    /// The kept diagnostics, in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    /// The first diagnostic.
    pub fn first(&self) -> Option<&Diagnostic> {
        self.list.first()
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// How many were found but not kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }

    /// Sorts by file and position and drops exact duplicates.
    #[must_use]
    pub fn sorted(mut self) -> Diagnostics {
        self.list.sort_by(|a, b| {
            (&a.file, a.span.start, a.span.end).cmp(&(&b.file, b.span.start, b.span.end))
        });
        self.list.dedup();
        self
    }

    /// `Ok(value)` when there is no diagnostic, else `Err(self)` sorted.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics::one(d)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.list.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n\nand {} more errors", self.omitted)?;
        }
        let total = self.list.len() + self.omitted;
        if total > 1 {
            write!(f, "\n\n{total} errors")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// The candidate closest to `name` by edit distance, if it is at most 2 edits away
/// (fewer for short names), or differs only in case.
///
/// ```
/// use contentkit::lang::diagnostic::suggest;
/// assert_eq!(suggest("buton", ["button", "box"]), Some("button"));
/// assert_eq!(suggest("zzz", ["button", "box"]), None);
/// ```
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = name.chars().count();
    if len > 64 {
        return None;
    }
    // Short names allow fewer edits: `fn` suggests nothing rather than `find`.
    let limit = 2.min(len / 2);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        // The distance is at least the difference in length: most of a large scope's
        // names are ruled out without building the table (an unknown name in a file of
        // 30,000 declarations compared with each of them).
        if c.chars().count().abs_diff(len) > limit {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(name) {
            0
        } else {
            distance(name, c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent characters each cost one.
pub fn distance(a: &str, b: &str) -> usize {
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
    fn past_the_cap_diagnostics_are_counted_not_built() {
        let file = SourceFile::new("f.tsx", "<text a0 a1 />");
        let mut ds = Diagnostics::new();
        let mut built = 0;
        for _ in 0..MAX_DIAGNOSTICS + 7 {
            ds.push_with(|| {
                built += 1;
                Diagnostic::new(
                    &file,
                    DiagnosticKind::UnknownAttribute,
                    Span::new(6, 8),
                    "x",
                )
            });
        }
        assert_eq!((built, ds.len()), (MAX_DIAGNOSTICS, MAX_DIAGNOSTICS));
        let text = ds.to_string();
        assert!(
            text.contains("and 7 more errors") && text.ends_with("57 errors"),
            "{text}"
        );
    }

    #[test]
    fn distances() {
        assert_eq!(distance("lable", "label"), 1);
        assert_eq!(distance("buton", "button"), 1);
        assert_eq!(distance("abc", "abc"), 0);
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
    fn display_and_cap() {
        let f = SourceFile::new("f.tsx", "ab\ncd");
        let d = Diagnostic::new(&f, DiagnosticKind::Syntax, Span::new(3, 5), "bad");
        assert_eq!(d.to_string(), "f.tsx:2:1: error: bad\n2 | cd\n  | ^^");
        let mut ds = Diagnostics::new();
        for _ in 0..MAX_DIAGNOSTICS + 7 {
            ds.push(d.clone());
        }
        assert_eq!((ds.len(), ds.omitted()), (MAX_DIAGNOSTICS, 7));
        assert!(ds.to_string().ends_with("and 7 more errors\n\n57 errors"));
    }
}
