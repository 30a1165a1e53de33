//! Markdown to HTML, with raw HTML shown as text and unsafe links dropped.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

use super::url::safe_url;

/// The Markdown extensions GitBook's markdown element renders. Heading attributes
/// (`# Title {#id .class key=value}`) stay off: they would let text write attributes.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Appends the HTML of `source` to `out`.
///
/// Raw HTML (blocks and inline tags) becomes text, so it is escaped and shown rather than
/// run. A link or image whose URL [`safe_url`] refuses loses its tag and keeps its text.
pub(super) fn write(out: &mut String, source: &str) {
    // Whether each open link or image was dropped, so that its end is dropped too (the
    // end event does not carry the URL). Only grows when the text has links.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options()).filter_map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        // An HTML block's text becomes a paragraph, so it reads as one.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        // Links open in a new tab, as in GitBook: the page around the block stays.
        Event::Start(Tag::Link {
            ref dest_url,
            ref title,
            ..
        }) => {
            let url = safe_url(dest_url);
            dropped.push(url.is_none());
            url.map(|url| Event::InlineHtml(link_start(url, title).into()))
        }
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let safe = safe_url(dest_url).is_some();
            dropped.push(!safe);
            safe.then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(event)
        }
        other => Some(other),
    });
    html::push_html(out, events);
}

/// The opening tag of a link to `url` that opens in a new tab.
fn link_start(url: &str, title: &str) -> String {
    let mut tag = String::from("<a href=\"");
    tag.push_str(&html_escape::encode_double_quoted_attribute(url));
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        tag.push_str(&html_escape::encode_double_quoted_attribute(title));
        tag.push('"');
    }
    tag.push_str(" target=\"_blank\" rel=\"noopener noreferrer nofollow\">");
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        let mut out = String::new();
        write(&mut out, s);
        out
    }

    #[test]
    fn renders_common_markdown() {
        assert_eq!(
            md("# Title\n\nSome **bold**, *em*, ~~gone~~ and `code`."),
            "<h1>Title</h1>\n<p>Some <strong>bold</strong>, <em>em</em>, <del>gone</del> and <code>code</code>.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            md("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>Hi &lt;img src=x onerror=alert(1)&gt;</p>\n"
        );
    }

    #[test]
    fn unsafe_links_keep_only_their_text() {
        assert_eq!(
            md("[a](javascript:alert(1)) [b](https://x.y) ![c](data:image/png;base64,AA) <javascript:alert(2)>"),
            "<p>a <a href=\"https://x.y\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">b</a> c javascript:alert(2)</p>\n"
        );
    }

    #[test]
    fn images_inside_links_are_checked_on_their_own() {
        assert_eq!(
            md("[![i](vbscript:x)](https://x.y)"),
            "<p><a href=\"https://x.y\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">i</a></p>\n"
        );
    }
}
