//! Which URLs may reach an `href` or a `src`, and URLs built from their parts.

use std::fmt::{self, Write};

use crate::element::{ContentKitUrl, StringOrBinding};

use super::state::State;

/// The schemes a link, an image or a frame may use.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The URL to put in an `href` or `src`, or `None` when it is not safe to.
///
/// Allowed: `http:`, `https:` and `mailto:` URLs, and relative ones (`/docs`, `?q=1`,
/// `#top`, `//host/path`). The result is the URL with surrounding whitespace trimmed.
///
/// Everything else is refused, however it is disguised: other schemes (`javascript:`,
/// `data:`, `vbscript:`, …) in any case and with leading whitespace or control
/// characters, schemes split by tabs or newlines (browsers strip those inside a URL),
/// and character references before the first `/`, `?` or `#` (`&#106;avascript:`), which
/// some consumer might decode.
///
/// ```
/// use contentkit::render::html::safe_url;
/// assert_eq!(safe_url(" https://gitbook.com/docs "), Some("https://gitbook.com/docs"));
/// assert_eq!(safe_url("/relative?a=b:c"), Some("/relative?a=b:c"));
/// assert_eq!(safe_url(" JaVaScRiPt:alert(1)"), None);
/// assert_eq!(safe_url("java\tscript:alert(1)"), None);
/// assert_eq!(safe_url("&#106;avascript:alert(1)"), None);
/// ```
pub fn safe_url(url: &str) -> Option<&str> {
    // URL parsers drop leading and trailing C0 controls and spaces.
    let url = url.trim_matches(|c: char| c <= ' ');
    if url.is_empty() || url.chars().any(char::is_control) {
        return None;
    }
    // The scheme, if any, is what comes before a `:` that precedes every `/`, `?`, `#`.
    let head_end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let head = &url[..head_end];
    if head.contains('&') {
        return None;
    }
    match head.find(':') {
        None => Some(url),
        Some(colon) => {
            let scheme = &head[..colon];
            ALLOWED_SCHEMES
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s))
                .then_some(url)
        }
    }
}

/// Writes a URL given by parts as `https://host/pathname?query`, resolving bound query
/// values from `state`.
///
/// The output is percent-encoded down to characters that are inert in HTML text and in
/// quoted attributes (query pairs are joined by `&amp;`), so it needs no further
/// escaping. The scheme is always `https`, so the URL is safe by construction.
pub(super) fn write_url(out: &mut String, url: &ContentKitUrl, state: &State<'_>) {
    out.push_str("https://");
    // A host keeps its name, port and IPv6 brackets; anything else (`@`, `/`, spaces)
    // is encoded so that it cannot change which host is reached.
    encode(out, &url.host, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
    });
    if !url.pathname.starts_with('/') {
        out.push('/');
    }
    encode(out, &url.pathname, |b| {
        is_unreserved(b)
            || matches!(b, b'/' | b':' | b'@' | b'!' | b'$' | b'(' | b')')
            || matches!(b, b'*' | b'+' | b',' | b';' | b'=' | b'%')
    });
    let Some(query) = &url.query else { return };
    for (i, (key, value)) in query.iter().enumerate() {
        out.push_str(if i == 0 { "?" } else { "&amp;" });
        encode(out, key, is_unreserved);
        out.push('=');
        match value {
            StringOrBinding::String(s) => encode(out, s, is_unreserved),
            StringOrBinding::Binding(b) => {
                let _ = write!(Component(out), "{}", state.text(&b.state));
            }
        }
    }
}

/// RFC 3986's unreserved characters: never encoded.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `s`, percent-encoding every byte that `keep` refuses.
fn encode(out: &mut String, s: &str, keep: impl Fn(u8) -> bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
}

/// Percent-encodes a query component as it is formatted (state values are not strings).
struct Component<'a>(&'a mut String);

impl Write for Component<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        encode(self.0, s, is_unreserved);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::DynamicBinding;
    use serde_json::json;

    #[test]
    fn allows_web_and_mail_urls() {
        for url in [
            "http://example.com",
            "https://example.com/a?b=c#d",
            "HTTPS://EXAMPLE.COM",
            "mailto:someone@example.com",
            "MailTo:someone@example.com",
        ] {
            assert_eq!(safe_url(url), Some(url), "{url}");
        }
    }

    #[test]
    fn allows_relative_urls() {
        for url in [
            "/docs",
            "docs/page",
            "page.html",
            "?q=1",
            "#top",
            "//cdn.example.com/x.png",
            "/a:b",
            "?next=javascript:alert(1)",
            "#frag:ment",
        ] {
            assert_eq!(safe_url(url), Some(url), "{url}");
        }
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(safe_url("  /docs \n"), Some("/docs"));
        assert_eq!(safe_url("\u{1}https://x.y"), Some("https://x.y"));
    }

    #[test]
    fn refuses_other_schemes_however_written() {
        for url in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "\tjavascript:alert(1)",
            "\u{0}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\rscript:alert(1)",
            "javascript\u{0}:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/svg+xml;base64,PHN2Zz4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.com",
            "\u{a0}javascript:alert(1)",
            "%6Aavascript:alert(1)",
            "javascript://%0Aalert(1)",
            "",
            "   ",
        ] {
            assert_eq!(safe_url(url), None, "{url:?}");
        }
    }

    #[test]
    fn builds_urls_from_parts_with_bound_query_values() {
        let state = json!({"q": "a b&c", "n": 7.0, "flag": true})
            .as_object()
            .cloned()
            .unwrap();
        let mut url = ContentKitUrl::new("example.com", "api/v1 x");
        url.query = Some(
            [
                (
                    "q".to_owned(),
                    StringOrBinding::Binding(DynamicBinding::new("q")),
                ),
                ("n".to_owned(), DynamicBinding::new("n").into()),
                ("f".to_owned(), DynamicBinding::new("flag").into()),
                ("missing".to_owned(), DynamicBinding::new("nope").into()),
                ("x y".to_owned(), "<'\">".into()),
            ]
            .into_iter()
            .collect(),
        );
        let mut out = String::new();
        write_url(&mut out, &url, &State::new(Some(&state)));
        assert_eq!(
            out,
            "https://example.com/api/v1%20x?q=a%20b%26c&amp;n=7&amp;f=true&amp;missing=&amp;x%20y=%3C%27%22%3E"
        );
    }

    #[test]
    fn host_cannot_smuggle_another_host_or_scheme() {
        let url = ContentKitUrl::new("evil.com@good.com/x", "/p");
        let mut out = String::new();
        write_url(&mut out, &url, &State::new(None));
        assert_eq!(out, "https://evil.com%40good.com%2Fx/p");
    }
}
