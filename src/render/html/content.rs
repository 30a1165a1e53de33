//! Content: text, links, images, web frames, markdown, code and hints.

use crate::element::{
    CodeBlock, Hint, Image, LineNumbers, Link, LinkChildren, Markdown, StringOrBinding, Text,
    TextChildren, TextNode, TextStyle, UrlOrString, WebFrame,
};

use super::escape::JsonAttr;
use super::renderer::{Renderer, Step as PathStep};
use super::state::Shown;
use super::url::{safe_url, write_url};
use super::{icons, markdown};

impl Renderer<'_> {
    /// Styled text, as the matching phrase element (`strong`, `em`, `code`, `s`).
    pub(super) fn text(&mut self, text: &Text) {
        let tag = match text.style {
            Some(TextStyle::Bold) => "strong",
            Some(TextStyle::Italic) => "em",
            Some(TextStyle::Code) => "code",
            Some(TextStyle::Strikethrough) => "s",
            None => "span",
        };
        self.open_element(tag, &["contentkit-text"]);
        self.end_open();
        match &text.children {
            TextChildren::String(s) => self.text_str(s),
            TextChildren::Nodes(nodes) => {
                for (i, node) in nodes.iter().enumerate() {
                    match node {
                        TextNode::String(s) => self.text_str(s),
                        TextNode::Element(e) => self.at(PathStep::Index(i), |r| r.element(e)),
                    }
                }
            }
        }
        self.close(tag);
    }

    /// A link opening in a new tab; without `href` when its URL is not safe.
    pub(super) fn link(&mut self, link: &Link) {
        self.open_element("a", &["contentkit-link"]);
        match &link.target.url {
            UrlOrString::String(url) => match safe_url(url) {
                Some(url) => self.attr("href", url),
                None => self.attr("aria-disabled", "true"),
            },
            UrlOrString::Url(url) => {
                self.out.push_str(" href=\"");
                write_url(self.out, url, &self.state);
                self.out.push('"');
            }
        }
        self.attr("target", "_blank");
        self.attr("rel", "noopener noreferrer nofollow");
        self.end_open();
        match &link.children {
            LinkChildren::String(s) => self.text_str(s),
            LinkChildren::Strings(parts) => parts.iter().for_each(|s| self.text_str(s)),
        }
        self.close("a");
    }

    /// An image at its aspect ratio; a blank placeholder of the same shape when its URL
    /// is not safe.
    pub(super) fn image(&mut self, image: &Image) {
        let url = safe_url(&image.source.url);
        match url {
            Some(url) => {
                self.open_element("img", &["contentkit-image"]);
                self.attr("src", url);
                self.attr("alt", "");
                self.attr("loading", "lazy");
                self.attr("referrerpolicy", "no-referrer");
            }
            None => {
                self.open_element("span", &["contentkit-image", "contentkit-image-blocked"]);
                self.attr("role", "img");
                self.attr("aria-label", "Image not shown: unsupported URL");
            }
        }
        self.number_style("aspect-ratio", image.aspect_ratio.0);
        self.end_open();
        if url.is_none() {
            self.close("span");
        }
    }

    /// An embedded page in a sandbox: scripts may run, but in an opaque origin (never
    /// `allow-same-origin` with `allow-scripts`, which would let it lift its own sandbox).
    /// Its `data`, bindings resolved, is in `data-ck-webframe-data` for the playground to post.
    pub(super) fn webframe(&mut self, frame: &WebFrame) {
        self.open_element("div", &["contentkit-webframe"]);
        if let (true, Some(data)) = (self.interactive, &frame.data) {
            self.out.push_str(" data-ck-webframe-data='");
            let mut json = JsonAttr::new(self.out);
            json.raw("{");
            for (i, (key, value)) in data.iter().enumerate() {
                if i > 0 {
                    json.raw(",");
                }
                json.value(key);
                json.raw(":");
                match value {
                    StringOrBinding::String(s) => json.value(s),
                    StringOrBinding::Binding(b) => match self.state.get(&b.state) {
                        Some(v) => json.value(v),
                        None => json.raw("null"),
                    },
                }
            }
            json.raw("}");
            self.out.push('\'');
        }
        self.end_open();
        let ratio = frame.aspect_ratio.map_or(16.0 / 9.0, |r| r.0);
        match safe_url(&frame.source.url) {
            Some(url) => {
                self.open("iframe", &["contentkit-webframe-frame"]);
                self.attr("src", url);
                self.attr("sandbox", "allow-scripts allow-popups");
                self.attr("referrerpolicy", "no-referrer");
                self.attr("loading", "lazy");
                self.attr("title", "Embedded content");
                self.number_style("aspect-ratio", ratio);
                self.end_open();
                self.close("iframe");
            }
            None => {
                self.open(
                    "div",
                    &["contentkit-webframe-frame", "contentkit-webframe-blocked"],
                );
                self.number_style("aspect-ratio", ratio);
                self.end_open();
                self.raw("Embedded content not shown: unsupported URL");
                self.close("div");
            }
        }
        self.buttons(
            "contentkit-webframe-buttons",
            frame.buttons.as_deref().unwrap_or_default(),
        );
        self.close("div");
    }

    /// Markdown, its bound content resolved from state.
    pub(super) fn markdown(&mut self, md: &Markdown) {
        self.open_element("div", &["contentkit-markdown"]);
        self.end_open();
        match self.state.resolve(&md.content) {
            Shown::Str(s) => markdown::write(self.out, s),
            Shown::Value(serde_json::Value::String(s)) => markdown::write(self.out, s),
            // A non-string state value is shown as its text; it is rarely long, so one
            // temporary string is fine here.
            other => markdown::write(self.out, &other.to_string()),
        }
        self.close("div");
    }

    /// Code with optional line numbers (a CSS counter, started where asked) and a
    /// `language-xxx` class for client-side highlighters; a textarea when editable.
    pub(super) fn codeblock(&mut self, code: &CodeBlock) {
        let editable = code.state.is_some();
        self.open_element("div", &["contentkit-codeblock"]);
        if !editable {
            if let Some(action) = &code.on_content_change {
                self.action_attr("data-ck-action", action);
            }
        }
        self.end_open();
        if let Some(header) = code.header.as_deref().filter(|h| !h.is_empty()) {
            self.tag("div", &["contentkit-codeblock-header"]);
            self.list(Some("header"), header);
            self.close("div");
        }
        let buttons = code.buttons.as_deref().unwrap_or_default();
        if code.syntax.is_some() || !buttons.is_empty() {
            self.tag("div", &["contentkit-codeblock-toolbar"]);
            if let Some(syntax) = &code.syntax {
                self.tag("span", &["contentkit-codeblock-language"]);
                self.text_str(syntax);
                self.close("span");
            }
            self.buttons("contentkit-codeblock-buttons", buttons);
            self.close("div");
        }

        let content = self.state.resolve(&code.content);
        match &code.state {
            Some(key) => {
                // The edited text is the state's when set, else the content.
                let value = match self.state.get(key) {
                    Some(v) => Shown::Value(v),
                    None => content,
                };
                let start = line_number_start(code.line_numbers.as_ref());
                let text = value.to_string();
                if let Some(start) = start {
                    // Numbers in a gutter beside the field; the playground recounts
                    // them as the text changes.
                    self.tag("div", &["contentkit-code-editable"]);
                    self.open("pre", &["contentkit-code-gutter"]);
                    self.attr("aria-hidden", "true");
                    if self.interactive {
                        self.attr("data-ck-line-start", start.to_string());
                    }
                    self.end_open();
                    let lines = text.split('\n').count().max(1) as i64;
                    for n in start..start.saturating_add(lines) {
                        if n != start {
                            self.out.push('\n');
                        }
                        self.text_fmt(n);
                    }
                    self.close("pre");
                }
                let classes = &["contentkit-code", "contentkit-code-editor"];
                self.open_with_language("textarea", classes, code.syntax.as_deref());
                self.path_id("id", "ck-", "");
                self.state_attrs(key);
                self.attr("spellcheck", "false");
                self.attr("autocomplete", "off");
                if let Some(action) = &code.on_content_change {
                    self.action_attr("data-ck-action", action);
                }
                self.end_open();
                // A newline right after `<textarea>` is swallowed by parsers; keep the
                // content's own first newline.
                self.out.push('\n');
                self.text_str(&text);
                self.close("textarea");
                if start.is_some() {
                    self.close("div");
                }
            }
            None => {
                let start = line_number_start(code.line_numbers.as_ref());
                let classes: &[&str] = if start.is_some() {
                    &["contentkit-code", "contentkit-code-numbered"]
                } else {
                    &["contentkit-code"]
                };
                self.tag("pre", classes);
                let classes = &["contentkit-code-text"];
                self.open_with_language("code", classes, code.syntax.as_deref());
                if let Some(start) = start.filter(|&s| s != 1) {
                    // The counter counts up before each line, so it starts one lower.
                    let _ = std::fmt::Write::write_fmt(
                        self.out,
                        format_args!(
                            " style=\"counter-reset: ck-line {}\"",
                            start.saturating_sub(1)
                        ),
                    );
                }
                self.end_open();
                match content {
                    Shown::Str(s) => self.code_lines(s),
                    Shown::Value(serde_json::Value::String(s)) => self.code_lines(s),
                    other => self.code_lines(&other.to_string()),
                }
                self.close("code");
                self.close("pre");
            }
        }
        if let Some(footer) = code.footer.as_deref().filter(|f| !f.is_empty()) {
            self.tag("div", &["contentkit-codeblock-footer"]);
            self.list(Some("footer"), footer);
            self.close("div");
        }
        self.close("div");
    }

    /// Each line of code in its own span (what line numbers hang on).
    fn code_lines(&mut self, code: &str) {
        let code = code.strip_suffix('\n').unwrap_or(code);
        for (i, line) in code.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            self.out.push_str("<span class=\"contentkit-code-line\">");
            self.text_str(line.strip_suffix('\r').unwrap_or(line));
            self.out.push_str("</span>");
        }
    }

    /// Starts a tag whose classes end with `language-xxx`, the name cut down to the
    /// characters languages are named with, so that it stays one class.
    fn open_with_language(
        &mut self,
        tag: &'static str,
        classes: &[&'static str],
        syntax: Option<&str>,
    ) {
        self.open(tag, classes);
        let Some(syntax) = syntax.filter(|s| !s.is_empty()) else {
            return;
        };
        // Reopen the class list `open` just closed.
        self.out.pop();
        self.out.push_str(" language-");
        for c in syntax.chars() {
            let keep = c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.');
            self.out
                .push(if keep { c.to_ascii_lowercase() } else { '-' });
        }
        self.out.push('"');
    }

    /// A hint box of inline elements.
    pub(super) fn hint(&mut self, hint: &Hint) {
        self.open_element("div", &["contentkit-hint"]);
        self.attr("role", "note");
        self.end_open();
        self.raw(icons::INFO);
        self.tag("div", &["contentkit-hint-body"]);
        self.children(&hint.children);
        self.close("div");
        self.close("div");
    }
}

/// Where a code block's line numbers start, when it shows them.
fn line_number_start(line_numbers: Option<&LineNumbers>) -> Option<i64> {
    match line_numbers {
        Some(LineNumbers::Bool(true)) => Some(1),
        Some(LineNumbers::Start(n)) if n.0.is_finite() => Some(n.0.floor() as i64),
        _ => None,
    }
}
