//! JavaScript's regular expression syntax rewritten in `fancy-regex`'s, and what the
//! rewriting needs to know first (the capture groups). See the parent module for the
//! differences in meaning it bridges.

/// Where the code units of surrogates live in a subject matched without `u`.
pub(super) const UNIT_BASE: u32 = 0xF_0000;

/// `source` as JavaScript shows it: `(?:)` for the empty pattern, `/` outside classes
/// and line terminators escaped.
pub(super) fn escape_source(pattern: &str) -> String {
    if pattern.is_empty() {
        return "(?:)".into();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut escaped = false;
    let mut in_class = false;
    for c in pattern.chars() {
        match c {
            '\n' => out.push_str(if escaped { "n" } else { "\\n" }),
            '\r' => out.push_str(if escaped { "r" } else { "\\r" }),
            '\u{2028}' => out.push_str(if escaped { "u2028" } else { "\\u2028" }),
            '\u{2029}' => out.push_str(if escaped { "u2029" } else { "\\u2029" }),
            '/' if !escaped && !in_class => out.push_str("\\/"),
            c => {
                if !escaped {
                    if c == '[' {
                        in_class = true;
                    } else if c == ']' {
                        in_class = false;
                    }
                }
                out.push(c);
            }
        }
        escaped = !escaped && c == '\\';
    }
    out
}

/// The capture groups of a pattern.
pub(super) struct Groups {
    pub count: usize,
    pub names: Vec<(String, usize)>,
}

/// Counts the capture groups and reads their names (backreferences may point forward).
pub(super) fn scan_groups(chars: &[char]) -> Result<Groups, String> {
    let mut g = Groups {
        count: 0,
        names: Vec::new(),
    };
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => {
                let mut j = i + 1;
                if chars.get(j) == Some(&'^') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    i = j;
                } else {
                    in_class = true;
                }
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                if chars.get(i + 1) != Some(&'?') {
                    g.count += 1;
                } else if chars.get(i + 2) == Some(&'<')
                    && !matches!(chars.get(i + 3), Some('=' | '!'))
                {
                    g.count += 1;
                    let name = group_name(chars, i + 3).ok_or("Invalid capture group name")?;
                    if g.names.iter().any(|(n, _)| *n == name) {
                        return Err("Duplicate capture group name".into());
                    }
                    g.names.push((name, g.count));
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(g)
}

/// The group name starting at `from` and closed by `>`.
fn group_name(chars: &[char], from: usize) -> Option<String> {
    let len = chars.get(from..)?.iter().position(|&c| c == '>')?;
    let name: String = chars[from..from + len].iter().collect();
    let mut cs = name.chars();
    let first = cs.next()?;
    let ok = (first.is_alphabetic() || first == '_' || first == '$')
        && cs.all(|c| {
            c.is_alphanumeric() || c == '_' || c == '$' || c == '\u{200C}' || c == '\u{200D}'
        });
    ok.then_some(name)
}

/// What the flags ask of a translation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mode {
    pub unicode: bool,
    pub ignore_case: bool,
    pub multiline: bool,
    pub dot_all: bool,
    /// JavaScript's word boundaries and line anchors spelled with lookaround, for
    /// subjects where the `regex` crate's own would differ.
    pub exact: bool,
}

/// JavaScript's white space and line terminators (`\s`), as class items.
const SPACE_CLASS: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";
const WORD_CLASS: &str = "A-Za-z0-9_";
const LINE_TERMINATORS: &str = r"\n\r\x{2028}\x{2029}";

/// The character that stands for UTF-16 code unit `u` in the subjects and patterns
/// matched without `u`: the unit itself, or for a surrogate a private-use character of
/// plane 15 (which such a subject cannot otherwise hold: its astral characters are
/// all split into surrogates).
pub(super) fn unit_char(u: u32) -> u32 {
    if (0xD800..0xE000).contains(&u) {
        UNIT_BASE + (u - 0xD800)
    } else {
        u
    }
}

fn hex_value(chars: &[char]) -> Option<u32> {
    if chars.is_empty() || !chars.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(&chars.iter().collect::<String>(), 16).ok()
}

/// Rewrites a JavaScript pattern (as characters) into `fancy-regex` syntax.
pub(super) fn translate(chars: &[char], mode: Mode, groups: &Groups) -> Result<String, String> {
    Translator::new(chars, mode, groups).run()
}

struct Translator<'a> {
    chars: &'a [char],
    i: usize,
    out: String,
    mode: Mode,
    groups: &'a Groups,
}

impl<'a> Translator<'a> {
    fn new(chars: &'a [char], mode: Mode, groups: &'a Groups) -> Self {
        Translator {
            chars,
            i: 0,
            out: String::with_capacity(chars.len() + 16),
            mode,
            groups,
        }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn run(mut self) -> Result<String, String> {
        if self.mode.ignore_case {
            self.out.push_str("(?i)");
        }
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '\\' => self.escape(false)?,
                '[' => self.class()?,
                '.' => {
                    if self.mode.dot_all {
                        self.out.push_str("(?s:.)");
                    } else {
                        self.out.push_str(&format!("[^{LINE_TERMINATORS}]"));
                    }
                }
                '^' | '$' if self.mode.multiline => {
                    let (exact, fast) = if c == '^' {
                        ("(?<!", "(?m:^)")
                    } else {
                        ("(?!", "(?m:$)")
                    };
                    if self.mode.exact {
                        self.out.push_str(&format!("{exact}[^{LINE_TERMINATORS}])"));
                    } else {
                        self.out.push_str(fast);
                    }
                }
                '^' | '$' | '*' | '+' | '?' | '|' | ')' => self.out.push(c),
                '(' => self.group()?,
                '{' => self.brace()?,
                '}' | ']' => {
                    if self.mode.unicode {
                        return Err("Lone quantifier brackets".into());
                    }
                    self.out.push('\\');
                    self.out.push(c);
                }
                c => self.literal(c, false),
            }
        }
        Ok(self.out)
    }

    /// A literal character.
    fn literal(&mut self, c: char, in_class: bool) {
        let cp = c as u32;
        if cp > 0xFFFF && !self.mode.unicode {
            let v = cp - 0x10000;
            self.unit(0xD800 + (v >> 10));
            self.unit(0xDC00 + (v & 0x3FF));
            return;
        }
        let special = if in_class {
            matches!(c, '[' | ']' | '\\' | '&' | '~' | '^')
        } else {
            matches!(
                c,
                '\\' | '.'
                    | '+'
                    | '*'
                    | '?'
                    | '('
                    | ')'
                    | '|'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '^'
                    | '$'
                    | '#'
            )
        };
        if special {
            self.out.push('\\');
        }
        self.out.push(c);
    }

    /// One UTF-16 code unit or code point given by an escape.
    fn unit(&mut self, u: u32) {
        self.out.push_str(&format!("\\x{{{:X}}}", unit_char(u)));
    }

    fn word(&self, negated: bool) -> String {
        let class = format!("[{}{WORD_CLASS}]", if negated { "^" } else { "" });
        if self.mode.ignore_case && !self.mode.unicode {
            // Without `u`, `i` does not make ſ and K word characters.
            format!("(?-i:{class})")
        } else {
            class
        }
    }

    fn group(&mut self) -> Result<(), String> {
        if self.peek(0) != Some('?') {
            self.out.push('(');
            return Ok(());
        }
        match (self.peek(1), self.peek(2)) {
            (Some(':' | '=' | '!'), _) => {
                self.out.push_str("(?");
                self.out.push(self.chars[self.i + 1]);
                self.i += 2;
            }
            (Some('<'), Some('=' | '!')) => {
                self.out.push_str("(?<");
                self.out.push(self.chars[self.i + 2]);
                self.i += 3;
            }
            (Some('<'), _) => {
                // A named group is numbered like any other; the names are kept aside.
                let close = self.chars[self.i..]
                    .iter()
                    .position(|&c| c == '>')
                    .ok_or("Invalid capture group name")?;
                self.i += close + 1;
                self.out.push('(');
            }
            _ => return Err("Invalid group".into()),
        }
        Ok(())
    }

    /// `{`: a quantifier `{n}`, `{n,}`, `{n,m}`, or (without `u`) a literal.
    fn brace(&mut self) -> Result<(), String> {
        let rest = &self.chars[self.i..];
        let digits = |s: &[char]| s.iter().take_while(|c| c.is_ascii_digit()).count();
        let n = digits(rest);
        let mut end = None;
        if n > 0 {
            match rest.get(n) {
                Some('}') => end = Some((n, None)),
                Some(',') => {
                    let m = digits(&rest[n + 1..]);
                    if rest.get(n + 1 + m) == Some(&'}') {
                        end = Some((n + 1 + m, (m > 0).then_some(n + 1..n + 1 + m)));
                    }
                }
                _ => {}
            }
        }
        let Some((close, upper)) = end else {
            if self.mode.unicode {
                return Err("Incomplete quantifier".into());
            }
            self.out.push_str("\\{");
            return Ok(());
        };
        let value = |r: std::ops::Range<usize>| {
            rest[r]
                .iter()
                .collect::<String>()
                .parse::<f64>()
                .unwrap_or(f64::INFINITY)
        };
        if let Some(u) = upper.clone() {
            if value(0..n) > value(u) {
                return Err("numbers out of order in {} quantifier".into());
            }
        }
        self.out.push('{');
        self.out.extend(&rest[..close]);
        self.out.push('}');
        self.i += close + 1;
        Ok(())
    }

    fn class(&mut self) -> Result<(), String> {
        let negated = self.peek(0) == Some('^');
        if negated {
            self.i += 1;
        }
        if self.peek(0) == Some(']') {
            self.i += 1;
            // `[]` matches nothing, `[^]` anything.
            self.out.push_str(if negated {
                "(?s:.)"
            } else {
                r"[^\x00-\x{10FFFF}]"
            });
            return Ok(());
        }
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        let mut prev_dash = false;
        loop {
            let Some(c) = self.peek(0) else {
                return Err("Unterminated character class".into());
            };
            self.i += 1;
            match c {
                ']' => break,
                '\\' => self.escape(true)?,
                // `--` is a set operation for the `regex` crate.
                '-' if prev_dash => self.out.push_str("\\-"),
                c => self.literal(c, true),
            }
            prev_dash = c == '-';
        }
        self.out.push(']');
        Ok(())
    }

    /// The escape after a `\` (already consumed).
    fn escape(&mut self, in_class: bool) -> Result<(), String> {
        let Some(e) = self.peek(0) else {
            return Err("\\ at end of pattern".into());
        };
        self.i += 1;
        let unicode = self.mode.unicode;
        match e {
            'd' => self.out.push_str(if in_class { "0-9" } else { "[0-9]" }),
            'D' => self.out.push_str("[^0-9]"),
            'w' if in_class => self.out.push_str(WORD_CLASS),
            'w' => {
                let w = self.word(false);
                self.out.push_str(&w);
            }
            'W' => {
                let w = if in_class {
                    format!("[^{WORD_CLASS}]")
                } else {
                    self.word(true)
                };
                self.out.push_str(&w);
            }
            's' if in_class => self.out.push_str(SPACE_CLASS),
            's' => self.out.push_str(&format!("[{SPACE_CLASS}]")),
            'S' => self.out.push_str(&format!("[^{SPACE_CLASS}]")),
            'b' if in_class => self.out.push_str(r"\x08"),
            'b' | 'B' if !in_class => {
                if self.mode.exact {
                    let w = format!("[{WORD_CLASS}]");
                    let s = if e == 'b' {
                        format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
                    } else {
                        format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
                    };
                    if self.mode.ignore_case && !unicode {
                        self.out.push_str(&format!("(?-i:{s})"));
                    } else {
                        self.out.push_str(&s);
                    }
                } else {
                    self.out.push('\\');
                    self.out.push(e);
                }
            }
            '1'..='9' if !in_class => {
                let digits = self.chars[self.i - 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let n: usize = self.chars[self.i - 1..self.i - 1 + digits]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(usize::MAX);
                if n <= self.groups.count {
                    self.i += digits - 1;
                    self.backreference(n);
                } else if unicode {
                    return Err("Invalid escape".into());
                } else {
                    self.legacy_octal(e);
                }
            }
            '0'..='9' => {
                if unicode {
                    if e != '0' || self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                        return Err("Invalid decimal escape".into());
                    }
                    self.unit(0);
                } else {
                    self.legacy_octal(e);
                }
            }
            'k' if unicode || !self.groups.names.is_empty() => {
                if self.peek(0) != Some('<') {
                    return Err("Invalid named reference".into());
                }
                let name = group_name(self.chars, self.i + 1).ok_or("Invalid named reference")?;
                let n = self
                    .groups
                    .names
                    .iter()
                    .find(|(x, _)| *x == name)
                    .map(|(_, n)| *n)
                    .ok_or("Invalid named capture referenced")?;
                self.i += name.chars().count() + 2;
                if in_class {
                    return Err("Invalid class escape".into());
                }
                self.backreference(n);
            }
            'u' => {
                if unicode && self.peek(0) == Some('{') {
                    let close = self.chars[self.i..]
                        .iter()
                        .position(|&c| c == '}')
                        .ok_or("Invalid Unicode escape")?;
                    let cp = hex_value(&self.chars[self.i + 1..self.i + close])
                        .filter(|&cp| cp <= 0x10FFFF)
                        .ok_or("Invalid Unicode escape")?;
                    self.i += close + 1;
                    self.unit(cp);
                } else if let Some(u) = self.chars.get(self.i..self.i + 4).and_then(hex_value) {
                    self.i += 4;
                    // In `u` mode a pair written as two escapes is one code point.
                    let low = (unicode
                        && (0xD800..0xDC00).contains(&u)
                        && self.peek(0) == Some('\\')
                        && self.peek(1) == Some('u'))
                    .then(|| self.chars.get(self.i + 2..self.i + 6).and_then(hex_value))
                    .flatten()
                    .filter(|lo| (0xDC00..0xE000).contains(lo));
                    match low {
                        Some(lo) => {
                            self.i += 6;
                            self.unit(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                        }
                        None => self.unit(u),
                    }
                } else if unicode {
                    return Err("Invalid Unicode escape".into());
                } else {
                    self.out.push('u');
                }
            }
            'x' => match self.chars.get(self.i..self.i + 2).and_then(hex_value) {
                Some(u) => {
                    self.i += 2;
                    self.unit(u);
                }
                None if unicode => return Err("Invalid escape".into()),
                None => self.out.push('x'),
            },
            'c' => match self.peek(0) {
                Some(l)
                    if l.is_ascii_alphabetic()
                        || (in_class && !unicode && (l.is_ascii_digit() || l == '_')) =>
                {
                    self.i += 1;
                    self.unit(l as u32 % 32);
                }
                _ if unicode => return Err("Invalid unicode escape".into()),
                _ => {
                    // `\c` alone is a backslash and a `c`.
                    self.i -= 1;
                    self.out.push_str(r"\\");
                }
            },
            'n' => self.out.push_str(r"\n"),
            'r' => self.out.push_str(r"\r"),
            't' => self.out.push_str(r"\t"),
            'f' => self.out.push_str(r"\x0C"),
            'v' => self.out.push_str(r"\x0B"),
            'p' | 'P' if unicode => {
                if self.peek(0) != Some('{') {
                    return Err("Invalid property name".into());
                }
                let close = self.chars[self.i..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("Invalid property name")?;
                let name: String = self.chars[self.i + 1..self.i + close].iter().collect();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
                {
                    return Err("Invalid property name".into());
                }
                // JavaScript names only these properties with a value; Rust's
                // syntax has more (Age, the segmentation ones).
                if let Some((key, _)) = name.split_once('=') {
                    const KEYS: &[&str] = &[
                        "General_Category",
                        "gc",
                        "Script",
                        "sc",
                        "Script_Extensions",
                        "scx",
                    ];
                    if !KEYS.contains(&key) {
                        return Err("Invalid property name".into());
                    }
                }
                self.i += close + 1;
                self.out.push('\\');
                self.out.push(e);
                self.out.push('{');
                self.out.push_str(&name);
                self.out.push('}');
            }
            '-' if in_class => self.out.push_str("\\-"),
            e => {
                let syntax = "^$\\.*+?()[]{}|/".contains(e);
                if unicode && !syntax && !(in_class && e == '-') {
                    return Err("Invalid escape".into());
                }
                self.literal(e, in_class);
            }
        }
        Ok(())
    }

    /// `\n`: the text group `n` matched, or nothing when it did not take part (the
    /// `regex` dialect's conditional says so).
    fn backreference(&mut self, n: usize) {
        self.out.push_str(&format!("(?({n})\\{n})"));
    }

    /// An octal escape (`\1`…`\377`) or, for `\8`/`\9`, the digit itself, without `u`.
    fn legacy_octal(&mut self, first: char) {
        if !('0'..='7').contains(&first) {
            self.out.push(first);
            return;
        }
        let mut v = first as u32 - '0' as u32;
        let max = if v <= 3 { 2 } else { 1 };
        for _ in 0..max {
            match self.peek(0) {
                Some(c @ '0'..='7') => {
                    v = v * 8 + (c as u32 - '0' as u32);
                    self.i += 1;
                }
                _ => break,
            }
        }
        self.unit(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_is_escaped() {
        assert_eq!(escape_source("a/b"), "a\\/b");
        assert_eq!(escape_source("a\\/b"), "a\\/b");
        assert_eq!(escape_source("[/]"), "[/]");
        assert_eq!(escape_source("\n"), "\\n");
        assert_eq!(escape_source(""), "(?:)");
    }

    #[test]
    fn groups_are_counted_before_translation() {
        let chars: Vec<char> = r"(a)(?:b)(?<n>c)[(](?=d)\(".chars().collect();
        let g = scan_groups(&chars).unwrap();
        assert_eq!(g.count, 2);
        assert_eq!(g.names, vec![("n".to_owned(), 2)]);
    }

    #[test]
    fn surrogates_become_plane_15_characters() {
        assert_eq!(unit_char(0x41), 0x41);
        assert_eq!(unit_char(0xD83D), 0xF_003D);
        assert_eq!(unit_char(0xDE00), 0xF_0600);
    }
}
