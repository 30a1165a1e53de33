//! Automatic semicolon insertion: a statement without `;` must end at a line break.
//!
//! The grammar lets a statement end wherever the next token cannot continue it, marked
//! `asi_gap`, because its implicit whitespace may already have crossed the line break
//! that ends it (see `eos` in `grammar/contentkit.pest`). Here each such end is checked:
//! JavaScript inserts the `;` only where a line terminator (or a block comment holding
//! one) comes between the statement and the next token.

use pest::iterators::Pairs;

use super::grammar::Rule;
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::source::{SourceFile, Span};

/// Reports every `asi_gap` that no line break comes before.
pub(super) fn check(file: &SourceFile, pairs: Pairs<'_, Rule>, errors: &mut Diagnostics) {
    let text = file.text();
    for pair in pairs.flatten() {
        if pair.as_rule() != Rule::asi_gap {
            continue;
        }
        let at = pair.as_span().start();
        if at >= text.len() || follows_line_break(text, at) {
            continue;
        }
        let next: String = text[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .take(20)
            .collect();
        let end = at + next.len().max(1).min(text.len() - at);
        errors.push_with(|| {
            Diagnostic::new(
                file,
                DiagnosticKind::Syntax,
                Span::new(at, end),
                format!("expected `;` or a line break before `{next}`"),
            )
            .with_help("two statements on one line need a `;` between them".to_owned())
        });
    }
}

/// Whether only whitespace and comments, a line break among them, come between the
/// last token before `at` and `at`.
fn follows_line_break(text: &str, at: usize) -> bool {
    let mut rest = &text[..at];
    loop {
        let trimmed = rest.trim_end_matches(|c: char| c.is_whitespace() && !is_line_terminator(c));
        match trimmed.chars().next_back() {
            Some(c) if is_line_terminator(c) => return true,
            Some('/') if trimmed.ends_with("*/") => {
                let body_end = trimmed.len() - 2;
                let Some(start) = trimmed[..body_end].rfind("/*") else {
                    return false;
                };
                if trimmed[start + 2..body_end].contains(is_line_terminator) {
                    return true;
                }
                rest = &trimmed[..start];
            }
            _ => return false,
        }
    }
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::follows_line_break;
    use crate::lang::source::SourceFile;
    use crate::lang::syntax::parse_module;

    #[test]
    fn statements_end_at_line_breaks_and_not_elsewhere() {
        let file = SourceFile::new(
            "a.tsx",
            "import { x } from './x'\nconst a = x\nlet b = a + 1\nb++\n",
        );
        assert_eq!(parse_module(&file, 64).unwrap().body.len(), 4);
        let file = SourceFile::new("a.tsx", "const a = 1\nconst b = 1 const c = 2\n");
        let e = parse_module(&file, 64).unwrap_err().to_string();
        assert!(
            e.starts_with("a.tsx:2:13: error: expected `;` or a line break before `const`"),
            "{e}"
        );
    }

    #[test]
    fn a_type_ends_at_a_line_break_before_brackets() {
        // As TypeScript reads them: `T[]` and `T[K]` take their `[` on the type's
        // line; on the next line it opens a member (or a statement) of its own.
        let parses = [
            "type A = {\n  x: number\n  [Symbol.iterator]: number\n};",
            "interface A {\n  x: Map<string, number>\n  ['k']: number\n}",
            "type A = { x: A.B /* c */\n  [k: string]: unknown };",
            "let a: { x: typeof y\n [Symbol.iterator](): number } = y;",
            "type A = number\n[1].forEach(f);",
            "type A = B . C < D > [ ] [ 'k' ];\nlet b: string[] = [];",
            "type A<T> = T extends string[] ? T[0] : never;",
        ];
        for text in parses {
            let file = SourceFile::new("a.ts", text);
            assert!(parse_module(&file, 64).is_ok(), "{text:?}");
        }
        let file = SourceFile::new("a.ts", "type A = { x: number [Symbol.iterator]: number };");
        let e = parse_module(&file, 64).unwrap_err().to_string();
        assert!(e.starts_with("a.ts:1:39: error:"), "{e}");
        // The statement after a type alias that ends at a line break is one of its own.
        let file = SourceFile::new("a.ts", "type A = number\n[1].forEach(f);");
        assert_eq!(parse_module(&file, 64).unwrap().body.len(), 2);
    }

    #[test]
    fn line_breaks_and_comments_before_a_position() {
        let cases = [
            ("a = 1\nb", true),
            ("a = 1\n    b", true),
            ("a = 1 // note\n  b", true),
            ("a = 1 /* one\ntwo */ b", true),
            ("a = 1 /* same line */ b", false),
            ("a = 1   b", false),
            ("a = 1\u{2028}b", true),
        ];
        for (text, want) in cases {
            assert_eq!(follows_line_break(text, text.len() - 1), want, "{text:?}");
        }
    }
}
