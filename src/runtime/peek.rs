//! A look at an event's JSON without parsing it: its `type` and `componentId`, so a
//! `ui_render` can go straight to the program that answers it, which parses the event
//! once, into its own heap.

/// The `componentId` of a `ui_render` event given as JSON text, when the text is an
/// object whose top-level `type` is `"ui_render"` and whose `componentId` is a string
/// without escapes. `None` sends the event down the general path, which reports
/// whatever is wrong with it.
///
/// The scan stops at the first `type` and `componentId`: it does not read the rest,
/// so a text that goes on to break, or to repeat either key, may still get an answer
/// here. Whoever routes by it must confirm both once the event is parsed (as
/// [`crate::lang::run::ui_render_host`] does when given the id it expects).
///
/// ```
/// use contentkit::runtime::peek::ui_render_component;
/// let event = br#"{"type":"ui_render","props":{"type":"x"},"componentId":"counter"}"#;
/// assert_eq!(ui_render_component(event), Some("counter"));
/// assert_eq!(ui_render_component(br#"{"type":"fetch"}"#), None);
/// ```
pub fn ui_render_component(json: &[u8]) -> Option<&str> {
    let mut s = Scan { b: json, i: 0 };
    s.ws();
    s.eat(b'{')?;
    let mut ty = None;
    let mut id = None;
    loop {
        s.ws();
        if s.peek()? == b'}' {
            break;
        }
        let key = s.string()?;
        s.ws();
        s.eat(b':')?;
        s.ws();
        match key {
            b"type" if s.peek()? == b'"' => ty = Some(s.string()?),
            b"componentId" if s.peek()? == b'"' => id = Some(s.string()?),
            _ => s.skip_value(0)?,
        }
        // Both found: the rest (props, state: the bulk of the event) is left to the
        // one parse that reads it, which also confirms these two.
        if ty.is_some() && id.is_some() {
            break;
        }
        s.ws();
        match s.peek()? {
            b',' => s.i += 1,
            b'}' => break,
            _ => return None,
        }
    }
    if ty? != b"ui_render" {
        return None;
    }
    std::str::from_utf8(id?).ok()
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

/// Deeper than this, the general path reports the event.
const MAX_DEPTH: usize = 512;

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string without escapes: its bytes (`None` when it has escapes).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\')?;
        if self.b[start + len] == b'\\' {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            // `get`: an escape's backslash may be the text's last byte, which puts
            // `i` past the end.
            let rel = self
                .b
                .get(self.i..)?
                .iter()
                .position(|&c| c == b'"' || c == b'\\')?;
            self.i += rel;
            if self.b[self.i] == b'\\' {
                self.i += 2;
            } else {
                self.i += 1;
                return Some(());
            }
        }
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let close = if self.peek()? == b'{' { b'}' } else { b']' };
                self.i += 1;
                loop {
                    self.ws();
                    let c = self.peek()?;
                    if c == close {
                        self.i += 1;
                        return Some(());
                    }
                    match c {
                        b',' | b':' => self.i += 1,
                        _ => self.skip_value(depth + 1)?,
                    }
                }
            }
            _ => {
                // A number or a literal: up to the next delimiter.
                let rel = self.b[self.i..]
                    .iter()
                    .position(|&c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(self.b.len() - self.i);
                if rel == 0 {
                    return None;
                }
                self.i += rel;
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_ending_in_an_escape_is_refused_not_a_panic() {
        // Found by fuzzing (fuzz/fuzz_targets/dispatch.rs): a skipped string whose
        // last byte is a backslash.
        assert_eq!(ui_render_component(br#"{"x": "a\"#), None);
        assert_eq!(ui_render_component(br#"{"x": ["\"#), None);
        assert_eq!(ui_render_component(b"{\"x\": \"\\"), None);
    }

    #[test]
    fn finds_the_component_at_the_top_level_only() {
        let e = br#" { "props": {"componentId": "inner", "a": [1, "x\"y", {"type": "ui_render"}]}, "type" : "ui_render", "componentId":"list" } "#;
        assert_eq!(ui_render_component(e), Some("list"));
        assert_eq!(ui_render_component(br#"{"type":"ui_render"}"#), None);
        assert_eq!(
            ui_render_component(br#"{"type":"ui_render","componentId":"a\"b"}"#),
            None
        );
        assert_eq!(ui_render_component(b"[]"), None);
        // Found before the rest is read: the rest is not looked at.
        assert_eq!(
            ui_render_component(br#"{"type":"ui_render","componentId":"x""#),
            Some("x")
        );
        assert_eq!(
            ui_render_component(br#"{"type":"ui_render","componentId":"c","state": nonsense"#),
            Some("c")
        );
        let deep = format!(
            "{{\"x\":{}1{},\"type\":\"ui_render\",\"componentId\":\"c\"}}",
            "[".repeat(1000),
            "]".repeat(1000)
        );
        assert_eq!(ui_render_component(deep.as_bytes()), None);
    }
}
