//! The nesting guard: a linear scan of the source that runs before pest.
//!
//! pest parses by recursive descent, so input nested thousands of levels deep would
//! overflow the stack before pest could report anything. This scan follows the same
//! lexical modes as the grammar (expression, string, template, tag, JSX text) and
//! counts every construct through which the grammar recurses:
//!
//! - brackets `(` `[` `{` and template substitutions `${`;
//! - template literals and tags (an element's opening tag and its children);
//! - ternaries `?` and arrows `=>`, which recurse until the end of the enclosing
//!   expression: they count until the enclosing bracket closes or a `,` ends the
//!   list item they are in.
//!
//! When the count passes the limit, the scan reports where. The count is an upper
//! bound of the grammar's nesting wherever pest could get: on valid input both see the
//! same tokens, and on invalid input pest stops at the first error, before the scan
//! might disagree with it. Where the scan has to guess (a closing bracket that does not
//! match), it errs on the side of counting more.

use super::ast::Span;

/// How the characters at the current position are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `(`.
    Paren,
    /// `[`.
    Bracket,
    /// `{` in an expression, or a JSX attribute/child container.
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

/// A nesting error: where the limit was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep {
    /// The construct that went one level too deep.
    pub span: Span,
}

struct Scanner<'s> {
    src: &'s [u8],
    pos: usize,
    /// Open constructs with the ternaries/arrows counted inside each.
    frames: Vec<(Frame, usize)>,
    /// Ternaries/arrows at the top level (outside any frame).
    root_soft: usize,
    /// Sum of all ternary/arrow counts.
    soft: usize,
    /// Whether the last expression token ends an operand, so that a following `<` is
    /// the less-than operator rather than the start of a tag.
    after_operand: bool,
    limit: usize,
}

/// Checks that `src` nests at most `limit` levels deep.
pub(crate) fn check(src: &str, limit: usize) -> Result<(), TooDeep> {
    let mut s = Scanner {
        src: src.as_bytes(),
        pos: 0,
        frames: Vec::new(),
        root_soft: 0,
        soft: 0,
        after_operand: false,
        limit,
    };
    s.run()
}

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

    fn push(&mut self, f: Frame, len: usize) -> Result<(), TooDeep> {
        self.frames.push((f, 0));
        self.check(len)
    }

    fn pop(&mut self) {
        if let Some((_, soft)) = self.frames.pop() {
            self.soft -= soft;
        }
    }

    fn soft_inc(&mut self, len: usize) -> Result<(), TooDeep> {
        match self.frames.last_mut() {
            Some((_, n)) => *n += 1,
            None => self.root_soft += 1,
        }
        self.soft += 1;
        self.check(len)
    }

    fn soft_reset(&mut self) {
        let n = match self.frames.last_mut() {
            Some((_, n)) => std::mem::take(n),
            None => std::mem::take(&mut self.root_soft),
        };
        self.soft -= n;
    }

    fn check(&self, len: usize) -> Result<(), TooDeep> {
        if self.frames.len() + self.soft > self.limit {
            Err(TooDeep {
                span: Span::new(self.pos, self.pos + len),
            })
        } else {
            Ok(())
        }
    }

    fn run(&mut self) -> Result<(), TooDeep> {
        while self.pos < self.src.len() {
            match self.top() {
                None | Some(Frame::Paren | Frame::Bracket | Frame::Brace | Frame::Subst) => {
                    self.expr_step()?
                }
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
        (c, len)
    }

    fn expr_step(&mut self) -> Result<(), TooDeep> {
        if self.skip_comment() {
            return Ok(());
        }
        let b = self.src[self.pos];
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
                self.push(Frame::Paren, 1)?;
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
                if top == Some(want) || (b == b'}' && top == Some(Frame::Subst)) {
                    // Closing a `${` returns to the template's text.
                    self.pop();
                }
                self.pos += 1;
                self.after_operand = true;
            }
            b'<' => {
                if self.after_operand {
                    // Less-than.
                    self.pos += 1;
                    self.after_operand = false;
                } else {
                    self.push(Frame::Tag, 1)?;
                    self.pos += 1;
                }
            }
            b'?' => {
                let optional_chain =
                    self.peek(1) == Some(b'.') && !self.peek(2).is_some_and(|c| c.is_ascii_digit());
                if self.peek(1) == Some(b'?') || optional_chain {
                    // `??` and `?.` do not nest.
                    self.pos += 2;
                } else {
                    self.soft_inc(1)?;
                    self.pos += 1;
                }
                self.after_operand = false;
            }
            b'=' if self.peek(1) == Some(b'>') => {
                self.soft_inc(2)?;
                self.pos += 2;
                self.after_operand = false;
            }
            b',' => {
                self.soft_reset();
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
                // `typeof` is the one word after which an operand (maybe a tag) follows.
                self.after_operand = &self.src[start..self.pos] != b"typeof";
            }
            _ if b >= 0x80 => {
                let (ch, len) = self.char_here();
                if !is_space(ch) {
                    // An identifier character (anything else is a syntax error).
                    self.after_operand = true;
                }
                self.pos += len;
            }
            _ if b.is_ascii_whitespace() || b == 0x0b => self.pos += 1,
            _ => {
                // Operators and other punctuation: an operand follows.
                self.pos += 1;
                self.after_operand = false;
            }
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
                // An element written directly as an attribute value.
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
                || matches!(b, b'_' | b'$' | b'-')
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
    }

    #[test]
    fn strings_hide_no_closers() {
        // `"}"` inside an object key must not close the brace.
        let src = format!("{{{}}}", "{\"}\": ".repeat(50));
        assert!(!depth_ok(&src, 20));
    }

    #[test]
    fn ternaries_count_until_comma_or_close() {
        let chain = format!("{{{}x}}", "a ? b : ".repeat(30));
        assert!(!depth_ok(&chain, 20));
        let list = format!("[{}]", "a ? b : c, ".repeat(100));
        assert!(depth_ok(&list, 3));
    }

    #[test]
    fn less_than_is_not_a_tag_after_an_operand() {
        assert!(depth_ok(
            &format!("<a>{{{}}}</a>", "a < b && ".repeat(100) + "c"),
            2
        ));
        assert!(!depth_ok("<a>{typeof <b><c/></b>}</a>", 3));
    }
}
