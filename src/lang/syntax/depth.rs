//! The nesting guard: a linear scan of the source that runs before pest.
//!
//! pest parses by recursive descent, so input nested thousands of levels deep would
//! overflow the stack before pest could report anything. This scan follows the
//! grammar's lexical modes (code, string, template, regular expression, tag, JSX
//! text) and counts every construct through which the grammar recurses:
//!
//! - brackets `(` `[` `{` and template substitutions `${`;
//! - template literals and tags (an element's opening tag and its children);
//! - ternaries `?` and expression-bodied arrows `=>`, which recurse until the end of
//!   the enclosing expression: they count until a `,` or `;` or the enclosing bracket
//!   closes (an arrow with a block body counts through its braces instead);
//! - statements nested without braces (`if (a) if (b) …`): `if`, `else`, `for`,
//!   `while` and `do` count until a `;` or until a block after them closes.
//!
//! When the count passes the limit, the scan reports where. On valid input the count
//! is an upper bound of the grammar's nesting; where the scan has to guess (a
//! closing bracket that does not match), it errs on the side of counting more.

use crate::lang::source::Span;

/// How the characters at the current position are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `(`.
    Paren,
    /// The `(` of an `if`, `for` or `while` header: a statement follows its `)`.
    Header,
    /// `[`.
    Bracket,
    /// `{` in code, or a JSX attribute/child container.
    Brace,
    /// `${` inside a template literal.
    Subst,
    /// Inside `` ` ``.
    Template,
    /// Between `<` and the `>` or `/>` of an opening tag.
    Tag,
    /// The children of an element, up to its closing tag.
    Children,
}

/// What is counted inside one frame besides the frame itself.
#[derive(Debug, Clone, Copy, Default)]
struct Soft {
    /// Ternaries and expression-bodied arrows.
    expr: usize,
    /// Statements nested without braces.
    stmt: usize,
    /// `<` after an operand, not yet closed by `>`: a comparison, or type arguments,
    /// which nest in the grammar (`A<B<C>>`) as brackets do.
    angle: usize,
}

/// A nesting error: where the limit was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep {
    /// The construct that went one level too deep.
    pub span: Span,
}

struct Scanner<'s> {
    src: &'s [u8],
    pos: usize,
    /// Open constructs with what is counted inside each.
    frames: Vec<(Frame, Soft)>,
    /// What is counted at the top level (outside any frame).
    root: Soft,
    /// Sum of all soft counts.
    soft: usize,
    /// Whether the last code token ends an operand, so that a following `<` is the
    /// less-than operator rather than the start of a tag, and `/` is division rather
    /// than a regular expression.
    after_operand: bool,
    /// Whether the last word was `if`, `for` or `while` (or `await` after `for`), so
    /// that a `(` opens a [`Frame::Header`].
    header_next: bool,
    /// The last verdict on a line break: up to where it holds, and whether the
    /// statement ended there.
    line_break: Option<(usize, bool)>,
    limit: usize,
}

/// Checks that `src` nests at most `limit` levels deep.
pub(crate) fn check(src: &str, limit: usize) -> Result<(), TooDeep> {
    let mut s = Scanner {
        src: src.as_bytes(),
        pos: 0,
        frames: Vec::new(),
        root: Soft::default(),
        soft: 0,
        after_operand: false,
        header_next: false,
        line_break: None,
        limit,
    };
    s.run()
}

/// Words after which an operand follows (so `<` opens a tag, `/` a regex).
const OPERAND_FOLLOWS: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"case",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"else",
    b"do",
    b"await",
    b"instanceof",
    b"yield",
    b"extends",
    b"default",
];

/// Words that nest the statement after them.
const NESTING_STATEMENTS: &[&[u8]] = &[b"if", b"else", b"for", b"while", b"do"];

/// Words that may continue an expression or statement on the next line after an
/// operand (`a\n in b`, `if (a) b()\n else c()`): a line break before them ends nothing.
const CONTINUING_WORDS: &[&[u8]] = &[
    b"in",
    b"instanceof",
    b"as",
    b"satisfies",
    b"extends",
    b"else",
    b"catch",
    b"finally",
    b"of",
];

impl Scanner<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.src[self.pos..].starts_with(s)
    }

    fn top(&self) -> Option<Frame> {
        self.frames.last().map(|f| f.0)
    }

    fn soft_mut(&mut self) -> &mut Soft {
        match self.frames.last_mut() {
            Some((_, s)) => s,
            None => &mut self.root,
        }
    }

    fn push(&mut self, f: Frame, len: usize) -> Result<(), TooDeep> {
        self.frames.push((f, Soft::default()));
        self.check(len)
    }

    fn pop(&mut self) {
        if let Some((_, soft)) = self.frames.pop() {
            self.soft -= soft.expr + soft.stmt + soft.angle;
        }
    }

    fn soft_inc(&mut self, len: usize, stmt: bool) -> Result<(), TooDeep> {
        let s = self.soft_mut();
        if stmt {
            s.stmt += 1;
        } else {
            s.expr += 1;
        }
        self.soft += 1;
        self.check(len)
    }

    /// A `,` ends an expression's ternaries and arrows; a `;` ends a statement too.
    fn soft_reset(&mut self, stmt_too: bool) {
        let s = self.soft_mut();
        let n = s.expr + if stmt_too { s.stmt + s.angle } else { 0 };
        s.expr = 0;
        if stmt_too {
            s.stmt = 0;
            s.angle = 0;
        }
        self.soft -= n;
    }

    /// A block closed: the braceless statements around it end with it.
    fn statements_end(&mut self) {
        let s = self.soft_mut();
        let n = s.stmt;
        s.stmt = 0;
        self.soft -= n;
    }

    /// The `<` still open in this frame were comparisons.
    fn angles_end(&mut self) {
        let s = self.soft_mut();
        let n = s.angle;
        s.angle = 0;
        self.soft -= n;
    }

    fn check(&self, len: usize) -> Result<(), TooDeep> {
        if self.frames.len() + self.soft > self.limit {
            Err(TooDeep {
                span: Span::new(self.pos, (self.pos + len).min(self.src.len())),
            })
        } else {
            Ok(())
        }
    }

    fn run(&mut self) -> Result<(), TooDeep> {
        while self.pos < self.src.len() {
            match self.top() {
                None
                | Some(
                    Frame::Paren | Frame::Header | Frame::Bracket | Frame::Brace | Frame::Subst,
                ) => self.code_step()?,
                Some(Frame::Template) => self.template_step()?,
                Some(Frame::Tag) => self.tag_step()?,
                Some(Frame::Children) => self.text_step()?,
            }
        }
        Ok(())
    }

    /// Skips a `/* */` or `//` comment at the current position, if there is one.
    fn skip_comment(&mut self) -> bool {
        if self.starts_with(b"/*") {
            self.pos += 2;
            while self.pos < self.src.len() && !self.starts_with(b"*/") {
                self.pos += 1;
            }
            self.pos = (self.pos + 2).min(self.src.len());
            true
        } else if self.starts_with(b"//") {
            while self.pos < self.src.len() && !matches!(self.src[self.pos], b'\n' | b'\r') {
                // U+2028 and U+2029 end line comments too.
                if self.starts_with("\u{2028}".as_bytes())
                    || self.starts_with("\u{2029}".as_bytes())
                {
                    break;
                }
                self.pos += 1;
            }
            true
        } else {
            false
        }
    }

    /// The character at the current position and its UTF-8 length.
    fn char_here(&self) -> (char, usize) {
        let rest = &self.src[self.pos..];
        let len = utf8_len(rest[0]);
        let c = std::str::from_utf8(&rest[..len.min(rest.len())])
            .ok()
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{FFFD}');
        (c, len.max(1))
    }

    /// The next byte that is not white space or a block comment, from `from`.
    fn next_significant(&self, from: usize) -> Option<u8> {
        self.significant_from(from).map(|i| self.src[i])
    }

    /// Where the next byte that is not white space or a block comment is, from `from`.
    fn significant_from(&self, mut from: usize) -> Option<usize> {
        while from < self.src.len() {
            let b = self.src[from];
            if b.is_ascii_whitespace() {
                from += 1;
            } else if self.src[from..].starts_with(b"/*") {
                from += 2;
                while from < self.src.len() && !self.src[from..].starts_with(b"*/") {
                    from += 1;
                }
                from += 2;
            } else {
                return Some(from);
            }
        }
        None
    }

    fn code_step(&mut self) -> Result<(), TooDeep> {
        if self.skip_comment() {
            return Ok(());
        }
        let b = self.src[self.pos];
        if b.is_ascii_whitespace() || b == 0x0b {
            let counted = {
                let s = self.soft_mut();
                s.expr + s.stmt + s.angle
            };
            if matches!(b, b'\n' | b'\r') && counted > 0 {
                // The verdict holds for every line break up to the next token: a run
                // of blank lines is looked through once.
                let ends = match self.line_break {
                    Some((until, ends)) if self.pos < until => ends,
                    _ => {
                        let verdict = self.statement_ends_at_line_break();
                        self.line_break = Some(verdict);
                        verdict.1
                    }
                };
                if ends {
                    // Automatic semicolon insertion: what the line opened has ended.
                    self.soft_reset(true);
                }
            }
            self.pos += 1;
            return Ok(());
        }
        let header = std::mem::take(&mut self.header_next);
        match b {
            b'"' | b'\'' => {
                self.skip_js_string(b);
                self.after_operand = true;
            }
            b'`' => {
                self.push(Frame::Template, 1)?;
                self.pos += 1;
            }
            b'(' => {
                self.push(if header { Frame::Header } else { Frame::Paren }, 1)?;
                self.pos += 1;
                self.after_operand = false;
            }
            b'[' => {
                self.push(Frame::Bracket, 1)?;
                self.pos += 1;
                self.after_operand = false;
            }
            b'{' => {
                self.push(Frame::Brace, 1)?;
                self.pos += 1;
                self.after_operand = false;
            }
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => Frame::Paren,
                    b']' => Frame::Bracket,
                    _ => Frame::Brace,
                };
                let top = self.top();
                let closes = top == Some(want)
                    || (b == b')' && top == Some(Frame::Header))
                    || (b == b'}' && top == Some(Frame::Subst));
                if closes {
                    // Closing a `${` returns to the template's text.
                    self.pop();
                    if b == b'}' && top == Some(Frame::Brace) {
                        self.statements_end();
                    }
                }
                self.pos += 1;
                // After a header's `)` comes a statement, not more of an operand.
                self.after_operand = !(closes && top == Some(Frame::Header));
            }
            b'<' => {
                if self.after_operand {
                    if matches!(self.peek(1), Some(b'<' | b'=')) {
                        // `<<`, `<=`, `<<=`: operators only.
                        self.pos += 2;
                    } else {
                        // Less-than, or type arguments: counted until a `>`, since
                        // `A<B<C<…>>>` nests (a comparison's count ends with its
                        // statement or its brackets).
                        let s = self.soft_mut();
                        s.angle += 1;
                        self.soft += 1;
                        self.check(1)?;
                        self.pos += 1;
                    }
                    self.after_operand = false;
                } else if self.type_parameters_ahead() {
                    self.skip_type_parameters()?;
                } else {
                    self.push(Frame::Tag, 1)?;
                    self.pos += 1;
                }
            }
            b'/' => {
                if self.after_operand {
                    self.pos += 1;
                    self.after_operand = false;
                } else {
                    self.skip_regex();
                    self.after_operand = true;
                }
            }
            b'?' => {
                let optional_chain =
                    self.peek(1) == Some(b'.') && !self.peek(2).is_some_and(|c| c.is_ascii_digit());
                if self.peek(1) == Some(b'?') || optional_chain {
                    // `??` and `?.` do not nest; `??` ends comparisons, as `&&` does.
                    if self.peek(1) == Some(b'?') {
                        self.angles_end();
                    }
                    self.pos += 2;
                } else {
                    self.soft_inc(1, false)?;
                    self.pos += 1;
                }
                self.after_operand = false;
            }
            b'=' if self.peek(1) == Some(b'>') => {
                // An arrow with a block body nests through its braces, counted there.
                if self.next_significant(self.pos + 2) != Some(b'{') {
                    self.soft_inc(2, false)?;
                }
                self.pos += 2;
                self.after_operand = false;
            }
            b'&' | b'|' if self.peek(1) == Some(b) => {
                // `a < b && c < d`: comparisons, no type (types have no `&&`, `||`).
                self.angles_end();
                self.pos += 2;
                self.after_operand = false;
            }
            b'>' => {
                let s = self.soft_mut();
                if s.angle > 0 {
                    s.angle -= 1;
                    self.soft -= 1;
                }
                self.pos += 1;
                self.after_operand = false;
            }
            b',' => {
                self.soft_reset(false);
                self.pos += 1;
                self.after_operand = false;
            }
            b';' => {
                self.soft_reset(true);
                self.pos += 1;
                self.after_operand = false;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'\\' => {
                let start = self.pos;
                while self.pos < self.src.len() {
                    let c = self.src[self.pos];
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
                        self.pos += 1;
                    } else if c >= 0x80 {
                        let (ch, len) = self.char_here();
                        if is_space(ch) {
                            break;
                        }
                        self.pos += len;
                    } else {
                        break;
                    }
                }
                if self.pos == start {
                    self.pos += 1;
                }
                let word = &self.src[start..self.pos];
                // A property name (`x.if`) is no keyword.
                let is_property = start > 0 && self.src[start - 1] == b'.';
                if !is_property && NESTING_STATEMENTS.contains(&word) {
                    self.soft_inc(word.len(), true)?;
                }
                self.header_next = !is_property
                    && (matches!(word, b"if" | b"for" | b"while") || (header && word == b"await"));
                self.after_operand = is_property || !OPERAND_FOLLOWS.contains(&word);
            }
            _ if b >= 0x80 => {
                let (ch, len) = self.char_here();
                if !is_space(ch) {
                    // An identifier character (anything else is a syntax error).
                    self.after_operand = true;
                }
                self.pos += len;
            }
            _ => {
                // Operators and other punctuation: an operand follows.
                self.pos += 1;
                self.after_operand = false;
            }
        }
        Ok(())
    }

    /// At a line break: whether the statement before it ends here, as automatic
    /// semicolon insertion decides for the inputs that matter: the line ended on an
    /// operand and the next starts with a word that cannot continue it (`const f = x =>
    /// x` then `const g = …`). The ternaries, arrows and braceless statements the line
    /// opened have then ended, and stop counting towards the nesting.
    ///
    /// Returns where the next token starts (the verdict holds for every line break
    /// before it) and the verdict.
    fn statement_ends_at_line_break(&self) -> (usize, bool) {
        let mut at = self.pos;
        loop {
            let Some(i) = self.significant_from(at) else {
                return (self.src.len(), false);
            };
            if self.src[i..].starts_with(b"//") {
                // A line comment: what counts is on a line after it.
                match self.src[i..]
                    .iter()
                    .position(|&c| matches!(c, b'\n' | b'\r'))
                {
                    Some(n) => {
                        at = i + n;
                        continue;
                    }
                    None => return (self.src.len(), false),
                }
            }
            let c = self.src[i];
            if !self.after_operand || !(c.is_ascii_alphabetic() || c == b'_' || c == b'$') {
                return (i, false);
            }
            let end = self.src[i..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$')))
                .map_or(self.src.len(), |n| i + n);
            return (i, !CONTINUING_WORDS.contains(&&self.src[i..end]));
        }
    }

    /// At `<` where an operand is expected: whether it opens an arrow's type
    /// parameters (`<T,>`, `<T extends U>`) rather than a tag.
    fn type_parameters_ahead(&self) -> bool {
        let mut i = self.pos + 1;
        let skip_ws = |i: &mut usize| {
            while *i < self.src.len() && self.src[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        skip_ws(&mut i);
        let name_start = i;
        while i < self.src.len()
            && (self.src[i].is_ascii_alphanumeric() || matches!(self.src[i], b'_' | b'$'))
        {
            i += 1;
        }
        if i == name_start {
            return false;
        }
        skip_ws(&mut i);
        self.src.get(i) == Some(&b',')
            || (self.src[i..].starts_with(b"extends")
                && self.src.get(i + 7).is_some_and(u8::is_ascii_whitespace))
    }

    /// Skips `<…>` type parameters, counting nested `<` `>`; brackets inside count as
    /// code would.
    fn skip_type_parameters(&mut self) -> Result<(), TooDeep> {
        let mut angle = 0usize;
        while self.pos < self.src.len() {
            match self.src[self.pos] {
                b'<' => {
                    angle += 1;
                    if self.frames.len() + self.soft + angle > self.limit {
                        return Err(TooDeep {
                            span: Span::new(self.pos, self.pos + 1),
                        });
                    }
                }
                b'>' if self.pos > 0 && self.src[self.pos - 1] == b'=' => {}
                b'>' => {
                    angle -= 1;
                    if angle == 0 {
                        self.pos += 1;
                        self.after_operand = false;
                        return Ok(());
                    }
                }
                b'(' | b'[' | b'{' | b'"' | b'\'' | b'`' | b';' => {
                    // Anything that nests is left to the code scan, and the lists
                    // still open count on there, closed by their `>`.
                    let s = self.soft_mut();
                    s.angle += angle;
                    self.soft += angle;
                    self.after_operand = false;
                    return Ok(());
                }
                _ => {}
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// Skips a JavaScript string literal: escapes, and no raw line break.
    fn skip_js_string(&mut self, quote: u8) {
        self.pos += 1;
        while self.pos < self.src.len() {
            match self.src[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' | b'\r' => return,
                c if c == quote => {
                    self.pos += 1;
                    return;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.src.len());
    }

    /// Skips a regular expression literal: escapes and classes, and no line break.
    fn skip_regex(&mut self) {
        self.pos += 1;
        let mut in_class = false;
        while self.pos < self.src.len() {
            match self.src[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' | b'\r' => return,
                b'[' => {
                    in_class = true;
                    self.pos += 1;
                }
                b']' => {
                    in_class = false;
                    self.pos += 1;
                }
                b'/' if !in_class => {
                    self.pos += 1;
                    while self.pos < self.src.len() && self.src[self.pos].is_ascii_alphabetic() {
                        self.pos += 1;
                    }
                    return;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.src.len());
    }

    fn template_step(&mut self) -> Result<(), TooDeep> {
        match self.src[self.pos] {
            b'\\' => self.pos = (self.pos + 2).min(self.src.len()),
            b'`' => {
                self.pop();
                self.pos += 1;
                self.after_operand = true;
            }
            b'$' if self.peek(1) == Some(b'{') => {
                self.push(Frame::Subst, 2)?;
                self.pos += 2;
                self.after_operand = false;
            }
            _ => self.pos += 1,
        }
        Ok(())
    }

    fn tag_step(&mut self) -> Result<(), TooDeep> {
        if self.skip_comment() {
            return Ok(());
        }
        match self.src[self.pos] {
            q @ (b'"' | b'\'') => {
                // JSX attribute strings have no escapes and may span lines.
                self.pos += 1;
                while self.pos < self.src.len() && self.src[self.pos] != q {
                    self.pos += 1;
                }
                self.pos = (self.pos + 1).min(self.src.len());
            }
            b'{' => {
                self.push(Frame::Brace, 1)?;
                self.pos += 1;
                self.after_operand = false;
            }
            b'<' => {
                // An element written directly as an attribute value, or type arguments.
                self.push(Frame::Tag, 1)?;
                self.pos += 1;
            }
            b'/' if self.peek(1) == Some(b'>') => {
                self.pop();
                self.pos += 2;
                self.after_operand = true;
            }
            b'>' => {
                if let Some(top) = self.frames.last_mut() {
                    top.0 = Frame::Children;
                }
                self.pos += 1;
            }
            _ => self.pos += 1,
        }
        Ok(())
    }

    fn text_step(&mut self) -> Result<(), TooDeep> {
        match self.src[self.pos] {
            b'<' if self.peek(1) == Some(b'/') => {
                self.pop();
                self.pos += 2;
                self.skip_closing_tag_rest();
                self.after_operand = true;
            }
            b'<' => {
                self.push(Frame::Tag, 1)?;
                self.pos += 1;
            }
            b'{' => {
                self.push(Frame::Brace, 1)?;
                self.pos += 1;
                self.after_operand = false;
            }
            _ => self.pos += 1,
        }
        Ok(())
    }

    /// After `</`: skips the name, whitespace and comments up to and including `>`.
    /// Stops early at anything else (a syntax error for pest).
    fn skip_closing_tag_rest(&mut self) {
        while self.pos < self.src.len() {
            if self.skip_comment() {
                continue;
            }
            let b = self.src[self.pos];
            if b == b'>' {
                self.pos += 1;
                return;
            }
            if b.is_ascii_alphanumeric()
                || matches!(b, b'_' | b'$' | b'-' | b'.' | b':')
                || b.is_ascii_whitespace()
            {
                self.pos += 1;
            } else if b >= 0x80 {
                let (_, len) = self.char_here();
                self.pos += len;
            } else {
                return;
            }
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Whitespace as the grammar sees it (Unicode White_Space, plus the BOM).
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(src: &str, limit: usize) -> bool {
        check(src, limit).is_ok()
    }

    #[test]
    fn counts_brackets_and_tags() {
        assert!(depth_ok("<a><b/></a>", 2));
        assert!(!depth_ok("<a><b/></a>", 1));
        assert!(depth_ok("((1))", 2));
        assert!(!depth_ok("(((1)))", 2));
        let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
        assert!(!depth_ok(&deep, 256));
        let siblings = "<a>".to_string() + &"<b x={[1]}/>".repeat(1000) + "</a>";
        assert!(depth_ok(&siblings, 4));
    }

    #[test]
    fn text_and_strings_do_not_count() {
        assert!(depth_ok("<a>((((((((</a>", 1));
        assert!(depth_ok("<a x=\"((((((\"/>", 1));
        assert!(depth_ok("<a>{\"((((((\"}</a>", 2));
        assert!(depth_ok("<a>{`((((((`}</a>", 3));
        assert!(depth_ok("<a>{/* (((((( */}</a>", 2));
        assert!(depth_ok("const r = /((((((/;", 1));
        assert!(depth_ok("const r = /[)(]+/g.test(x)", 1));
    }

    #[test]
    fn type_arguments_count_until_their_angle_closes() {
        // `A<A<…>>` nests in the grammar as brackets do (20,000 levels overflowed).
        let nested = format!("let x: {}B{};", "A<".repeat(30), ">".repeat(30));
        assert!(!depth_ok(&nested, 20));
        assert!(depth_ok(&nested, 40));
        let params = format!(
            "const f = <T extends {}B{},>(x: T) => x;",
            "A<".repeat(30),
            ">".repeat(30)
        );
        assert!(!depth_ok(&params, 20));
        // A closed list, a comparison and shifts do not stay open.
        let lists = "let m: Map<string, Array<number>> = new Map();\n".repeat(100);
        assert!(depth_ok(&lists, 4));
        let comparisons = "const v = a < b\nconst w = c << d, z = e <= f;\n".repeat(100);
        assert!(depth_ok(&comparisons, 4));
        let in_brackets = "if (a < b) { x(c < d) }\n".repeat(100);
        assert!(depth_ok(&in_brackets, 4));
    }

    #[test]
    fn ternaries_count_until_comma_or_close() {
        let chain = format!("{{{}x}}", "a ? b : ".repeat(30));
        assert!(!depth_ok(&chain, 20));
        let list = format!("[{}]", "a ? b : c, ".repeat(100));
        assert!(depth_ok(&list, 3));
        // A chain of ternaries whose branches are objects still counts.
        let objects = format!("x = {}0", "a ? {} : ".repeat(50));
        assert!(!depth_ok(&objects, 20));
    }

    #[test]
    fn statements_count_until_their_end() {
        let braceless = format!("{}x;", "if (a) ".repeat(40));
        assert!(!depth_ok(&braceless, 20));
        let sequence = "if (a) { x } else if (b) { y } else { z }\n".repeat(200);
        assert!(depth_ok(&sequence, 4));
        let arrows = "const f = () => {\n  return 1\n}\n".repeat(200);
        assert!(depth_ok(&arrows, 4));
        let loops = "for (let i = 0; i < n; i++) { s += i }\n".repeat(200);
        assert!(depth_ok(&loops, 4));
    }

    #[test]
    fn a_line_break_ends_what_a_statement_without_a_semicolon_opened() {
        // Files written without semicolons: each line's arrow, ternary or braceless
        // statement ends with the line (300 of them were "nested too deep").
        for line in [
            "const f = (x) => x\n",
            "const t = a ? 1 : 2\n",
            "if (a) b()\n",
            "while (a) b()\n",
            "x = y ? () => 1 : null // note\n\n",
        ] {
            assert!(depth_ok(&line.repeat(300), 4), "{line:?}");
        }
        // What continues on the next line still counts: nesting across lines,
        // headers (a statement follows them), operators and `else`.
        let headers = format!("{}x()", "if (a)\n".repeat(40));
        assert!(!depth_ok(&headers, 20));
        let ternaries = format!("x = {}0", "a ?\n b :\n".repeat(40));
        assert!(!depth_ok(&ternaries, 20));
        let arrows = format!("f = {}0", "x =>\n".repeat(40));
        assert!(!depth_ok(&arrows, 20));
        let elses = format!("{}x()", "if (a) b()\nelse ".repeat(40));
        assert!(!depth_ok(&elses, 20));
        let awaited = format!("{}x()", "for await (const a of b)\n".repeat(40));
        assert!(!depth_ok(&awaited, 20));
        // A run of blank lines is looked through once, not once a line.
        let blank = format!("x = a ? b : c{}(1)", "\n".repeat(200_000));
        assert!(depth_ok(&blank, 4));
    }

    #[test]
    fn less_than_is_not_a_tag_after_an_operand() {
        // Each comparison counts one level while open (it might be type arguments),
        // until `&&` ends it.
        assert!(depth_ok(
            &format!("<a>{{{}}}</a>", "a < b && ".repeat(100) + "c"),
            3
        ));
        assert!(!depth_ok("<a>{typeof <b><c/></b>}</a>", 3));
        assert!(depth_ok("const f = <T,>(x: T) => x; const y = f(1);", 3));
        assert!(!depth_ok(
            &format!(
                "const f = <T,>(x: T) => x; const y = {}1{};",
                "(".repeat(50),
                ")".repeat(50)
            ),
            20
        ));
        assert!(!depth_ok("return <a><b><c/></b></a>", 2));
    }
}
