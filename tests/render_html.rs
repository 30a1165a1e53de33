//! The HTML preview: reference outputs render, hostile strings stay inert wherever they
//! sit in a tree, the markup is well formed, and snapshots of fixture trees.

mod common;

use std::collections::BTreeSet;

use contentkit::element::*;
use contentkit::render::html::{
    render_document, render_element, safe_url, HtmlOptions, STYLESHEET,
};
use proptest::prelude::*;
use serde_json::{json, Value};

// --- A strict little HTML reader --------------------------------------------------------

/// A start or end tag, attribute values decoded.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    end: bool,
}

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Reads every tag of `html`, stricter than a browser: attribute values must be quoted,
/// every `&` must start a character reference, a `<` in text is an error, and start and
/// end tags must nest exactly (void elements and `/>` inside SVG aside).
fn parse(html: &str) -> Result<Vec<Tag>, String> {
    let mut tags = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_references(rest)?;
            break;
        };
        check_references(&rest[..lt])?;
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unclosed comment")?;
            rest = &r[end + 3..];
            continue;
        }
        if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
            let end = rest.find('>').ok_or("unclosed doctype")?;
            rest = &rest[end + 1..];
            continue;
        }
        let (tag, self_closing, len) = read_tag(rest)?;
        rest = &rest[len..];
        if tag.end {
            match open.pop() {
                Some(name) if name == tag.name => {}
                other => return Err(format!("</{}> closes {:?}", tag.name, other)),
            }
        } else if !self_closing && !VOID.contains(&tag.name.as_str()) {
            open.push(tag.name.clone());
            // Raw text and escapable raw text: read up to the end tag.
            if matches!(tag.name.as_str(), "style" | "textarea" | "title" | "script") {
                let close = format!("</{}>", tag.name);
                let end = rest
                    .find(&close)
                    .ok_or(format!("unclosed <{}>", tag.name))?;
                if tag.name != "style" {
                    check_references(&rest[..end])?;
                }
                rest = &rest[end..];
            }
        } else if self_closing && !open.iter().any(|t| t == "svg") {
            return Err(format!("self-closing <{}/> outside SVG", tag.name));
        }
        tags.push(tag);
    }
    if !open.is_empty() {
        return Err(format!("unclosed elements: {open:?}"));
    }
    Ok(tags)
}

/// Reads one tag at the start of `s`: the tag, whether it ends with `/>`, its length.
fn read_tag(s: &str) -> Result<(Tag, bool, usize), String> {
    let b = s.as_bytes();
    let mut i = 1;
    let end = b.get(1) == Some(&b'/');
    if end {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    if i == start {
        return Err(format!(
            "a '<' that starts no tag: {:?}",
            &s[..s.len().min(30)]
        ));
    }
    let name = s[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            None => return Err(format!("unclosed tag <{name}")),
            Some(b'>') => {
                return Ok((Tag { name, attrs, end }, false, i + 1));
            }
            Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                return Ok((Tag { name, attrs, end }, true, i + 2));
            }
            Some(_) => {}
        }
        if end {
            return Err(format!("attributes on </{name}>"));
        }
        let a = i;
        while i < b.len()
            && !b[i].is_ascii_whitespace()
            && !matches!(b[i], b'=' | b'>' | b'"' | b'\'' | b'/' | b'<')
        {
            i += 1;
        }
        if i == a {
            return Err(format!(
                "bad attribute in <{name}: {:?}",
                &s[i..s.len().min(i + 30)]
            ));
        }
        let attr = s[a..i].to_ascii_lowercase();
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            let quote = *b.get(i).ok_or("cut attribute")?;
            if quote != b'"' && quote != b'\'' {
                return Err(format!("unquoted value of {attr} in <{name}"));
            }
            let vstart = i + 1;
            let vlen = s[vstart..]
                .find(char::from(quote))
                .ok_or(format!("unclosed value of {attr}"))?;
            let raw = &s[vstart..vstart + vlen];
            if raw.contains('<') {
                return Err(format!("raw '<' in {attr} of <{name}"));
            }
            value = decode(raw)?;
            i = vstart + vlen + 1;
        }
        if attrs.iter().any(|(n, _)| *n == attr) {
            return Err(format!("duplicate attribute {attr} in <{name}"));
        }
        attrs.push((attr, value));
    }
}

/// Every `&` must start one of the references the renderer writes.
fn check_references(text: &str) -> Result<(), String> {
    decode(text).map(|_| ())
}

/// Decodes the character references the renderer writes; any other `&` is an error.
fn decode(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.find(';').ok_or(format!("bare '&' in {s:?}"))?;
        let name = &rest[1..semi];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            _ => {
                let code = name
                    .strip_prefix("#x")
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32);
                code.ok_or(format!("unknown reference &{name}; in {s:?}"))?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The attributes that load or navigate to a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "srcset",
    "data",
    "background",
];

/// Parses `html` and checks that nothing in it can run script.
fn assert_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script tag:\n{html}");
    let tags = parse(html).unwrap_or_else(|e| panic!("malformed HTML: {e}\n{html}"));
    for tag in &tags {
        assert!(
            !matches!(
                tag.name.as_str(),
                "script" | "object" | "embed" | "base" | "frame" | "form"
            ),
            "<{}> in\n{html}",
            tag.name
        );
        for (name, value) in &tag.attrs {
            assert!(
                !name.starts_with("on"),
                "event handler {name}={value:?} on <{}>",
                tag.name
            );
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                assert!(
                    safe_url(value).is_some(),
                    "unsafe URL {name}={value:?} on <{}>",
                    tag.name
                );
                let squashed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(!squashed.starts_with(scheme), "{name}={value:?}");
                }
            }
            if name == "style" {
                let ok = ["aspect-ratio: ", "flex-grow: ", "counter-reset: ck-line "]
                    .iter()
                    .any(|p| {
                        value.strip_prefix(p).is_some_and(|n| {
                            n.chars()
                                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
                        })
                    });
                assert!(ok, "unexpected style {value:?} on <{}>", tag.name);
            }
        }
        if tag.name == "iframe" && !tag.end {
            let sandbox = tag.attrs.iter().find(|(n, _)| n == "sandbox");
            let sandbox = sandbox.map(|(_, v)| v.as_str());
            assert_eq!(
                sandbox,
                Some("allow-scripts allow-popups"),
                "iframe sandbox"
            );
        }
    }
}

/// The names of the tags in `html`, start tags only.
fn tag_names(html: &str) -> BTreeSet<String> {
    parse(html)
        .unwrap()
        .into_iter()
        .filter(|t| !t.end)
        .map(|t| t.name)
        .collect()
}

fn interactive() -> HtmlOptions<'static> {
    HtmlOptions {
        interactive: true,
        ..HtmlOptions::default()
    }
}

// --- The reader itself ------------------------------------------------------------------

#[test]
fn the_reader_rejects_what_it_should() {
    assert!(parse("<div><span></div></span>").is_err());
    assert!(parse("<div>").is_err());
    assert!(parse("<p>a < b</p>").is_err());
    assert!(parse("<p>a & b</p>").is_err());
    assert!(parse("<a href=x>y</a>").is_err());
    assert!(parse("<br/>").is_err());
    assert!(parse("<svg><path d=\"M0 0\"/></svg><br><p title=\"&amp;&#x27;\">&lt;</p>").is_ok());
}

// --- Reference outputs ------------------------------------------------------------------

#[test]
fn every_reference_output_renders() {
    let reference = common::reference_outputs();
    let mut count = 0;
    for (component, steps) in reference.as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let out = RenderOutput::from_value(&step["output"]).unwrap();
            let RenderOutput::Element(e) = &out else {
                panic!("{component}[{i}] is not an element");
            };
            for options in [HtmlOptions::default(), interactive()] {
                let fragment = render_element(&e.element, &options);
                assert_safe(&fragment);
                let page = render_document(&out, &options);
                assert_safe(&page);
                assert!(
                    page.contains(&fragment),
                    "{component}[{i}]: the page holds the fragment"
                );
            }
            let html = render_element(&e.element, &interactive());
            // Every button's label is shown and its action is there for the playground.
            let json = e.element.to_value();
            for button in find_all(&json, "button") {
                let label = button["label"].as_str().unwrap();
                assert!(
                    html.contains(&format!(">{label}</span>")),
                    "{component}[{i}]: {label}"
                );
                let action = serde_json::to_string(&button["onPress"]).unwrap();
                assert!(
                    html.contains(&format!("data-ck-action='{action}'")),
                    "{component}[{i}]: {action}"
                );
            }
            count += 1;
        }
    }
    assert_eq!(count, 9);
}

#[test]
fn reference_outputs_show_what_the_components_drew() {
    let reference = common::reference_outputs();
    let output =
        |name: &str, i: usize| RenderOutput::from_value(&reference[name][i]["output"]).unwrap();
    let counter = render_document(&output("counter", 1), &interactive());
    assert!(counter
        .contains(r#"<strong class="contentkit-text" data-ck-path="0.0.1">Count: 7</strong>"#));
    assert!(counter
        .contains(r#"<div class="contentkit-hstack contentkit-align-center" data-ck-path="0.0">"#));
    // The reset button asks for confirmation first.
    assert!(counter.contains(r#"data-ck-confirm="ck-confirm-0.1" data-ck-confirm-title="Reset?""#));
    assert!(
        counter.contains(r#"<template class="contentkit-confirm-template" id="ck-confirm-0.1">"#)
    );
    assert!(counter.contains("contentkit-icon-close"));

    let chooser = render_document(&output("chooser", 0), &interactive());
    assert!(chooser
        .contains(r#"<h2 class="contentkit-modal-title" id="ck-title-0">Pick a colour</h2>"#));
    assert!(chooser.contains(r#"<p class="contentkit-modal-subtitle"><span class="contentkit-text" data-ck-path="0.subtitle.0">One of 3 options</span></p>"#));
    assert!(chooser.contains(
        r#"data-ck-action='{"action":"@ui.modal.close","returnValue":{"choice":"green"}}'"#
    ));
}

/// Every object in `v` whose `type` is `ty`.
fn find_all<'a>(v: &'a Value, ty: &str) -> Vec<&'a Value> {
    let mut found = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if m.get("type").and_then(Value::as_str) == Some(ty) {
                    found.push(v);
                }
                stack.extend(m.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found.reverse();
    found
}

// --- Hostile strings --------------------------------------------------------------------

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "' onmouseover='x",
    "\" onmouseover=\"x",
    "<a href=\"javascript:alert(1)\">x</a>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "]]><!--<svg onload=alert(1)>-->",
    "{{ 7*7 }}{% raw %}",
];

/// A tree with every element type, `p` in every string it holds.
fn hostile_tree(p: &str) -> Element {
    let s = || p.to_owned();
    let action = || Action::custom(p).with(p, p);
    let confirm = || Confirm::new(p, p, p);
    let binding = || StringOrBinding::Binding(DynamicBinding::new(p));
    let url_parts = || {
        let mut u = ContentKitUrl::new(p, p);
        u.query = Some(
            [
                (s(), StringOrBinding::from(p)),
                (format!("{p}2"), binding()),
            ]
            .into_iter()
            .collect(),
        );
        UrlOrString::Url(u)
    };
    let button = || {
        Button::new(p, action())
            .tooltip(p)
            .icon(Icon::Star)
            .trailing_icon(Icon::Lock)
            .confirm(confirm())
    };
    let link = || Link::new(p, p);
    let image = || Image::new(p, 1.5);
    let text = || {
        Element::from(Text::new([
            TextNode::from(p),
            Text::new([p]).style(TextStyle::Code).into(),
            link().into(),
            Link {
                target: LinkTarget { url: url_parts() },
                children: LinkChildren::String(s()),
            }
            .into(),
        ]))
    };
    let inline = || vec![text(), image().into(), link().into()];
    let mut select_list = Select::new(p, vec![SelectOption::new(p, p), SelectOption::new("x", p)])
        .initial_value(p)
        .placeholder(p)
        .on_value_change(action());
    select_list.accept_input = Some(true);
    let select_builtin = Select::new(
        p,
        SelectOptions::BuiltIn(BuiltInSource {
            source: BuiltInSourceName::OpenApi,
        }),
    );
    let select_url =
        Select::new(p, SelectOptions::Url(UrlSource { url: url_parts() })).placeholder(p);
    let select_url_string = Select::new(
        p,
        SelectOptions::Url(UrlSource {
            url: UrlOrString::from(p),
        }),
    );
    let mut code = CodeBlock::new(p)
        .syntax(p)
        .line_numbers(LineNumbers::Start(JsNumber(3.0)));
    code.buttons = Some(vec![button()]);
    code.header = Some(inline());
    code.footer = Some(inline());
    let editable = CodeBlock::new(binding())
        .syntax(p)
        .state(p)
        .on_content_change(action());
    let mut frame = WebFrame::new(p).aspect_ratio(JsNumber(2.0));
    frame.buttons = Some(vec![button()]);
    frame.data = Some(
        [
            (s(), StringOrBinding::from(p)),
            (format!("{p}b"), binding()),
        ]
        .into_iter()
        .collect(),
    );
    let card = Card {
        title: Some(s()),
        hint: Some(CardHint::String(s())),
        icon: Some(IconOrImage::Image(image())),
        buttons: Some(vec![button()]),
        on_press: Some(action()),
        children: Some(inline()),
    };
    let card2 = Card::new(p)
        .hint(CardHint::Elements(inline()))
        .icon(Icon::Github);
    let input = |e: Element| Input::new(p, e).hint(InputHint::String(s()));
    let descendants: Vec<Element> = vec![
        button().into(),
        TextInput::new(p)
            .initial_value(p)
            .placeholder(p)
            .input_type(InputType::Email)
            .into(),
        TextInput::new(p).initial_value(p).multiline(true).into(),
        HStack::new(inline()).align(Align::Center).into(),
        VStack::new([BoxElement::new(inline()).grow(JsNumber(2.0))]).into(),
        Divider::new().size(DividerSize::Large).into(),
        frame.into(),
        code.into(),
        Markdown::new(format!(
            "{p}\n\n[{p}]({p}) ![{p}]({p})\n\n<div>{p}</div>\n\n`{p}`\n\n    {p}"
        ))
        .into(),
        Markdown::new(binding()).into(),
        card.into(),
        card2.into(),
        image().into(),
        input(select_list.into()).into(),
        input(select_builtin.into()).into(),
        input(select_url.into()).into(),
        input(select_url_string.into()).into(),
        input(
            Switch::new(p)
                .initial_value(true)
                .on_value_change(action())
                .confirm(confirm())
                .into(),
        )
        .into(),
        input(Checkbox::new(p, p).confirm(confirm()).into()).into(),
        input(Radio::new(p, p).confirm(confirm()).into()).into(),
        Input::new(p, editable)
            .hint(InputHint::Element(Box::new(text())))
            .into(),
        text(),
        Hint::new(inline()).into(),
        link().into(),
        Step::new(p, inline()).title(p).into(),
    ];
    let stepper = Stepper::new(
        p,
        action(),
        action(),
        [
            Step::new(p, inline()).title(p),
            Step::new(format!("{p}2"), inline()),
        ],
    );
    let mut block = Block::new(descendants.clone());
    block.controls = Some(vec![
        BlockControl::new(p, action()).into(),
        ControlEntry::Group(vec![BlockControl {
            icon: Some(Icon::Edit),
            confirm: Some(confirm()),
            ..BlockControl::new(p, action())
        }]),
    ]);
    let mut modal = Modal::new(
        p,
        [Element::from(block), Configuration::new([stepper]).into()],
    );
    modal.subtitle = Some(inline());
    modal.submit = Some(button());
    modal.size = Some(ModalSize::Fullscreen);
    modal.return_value = Some([(s(), json!(p))].into_iter().collect());
    Configuration::new([Element::from(modal)]).into()
}

/// Every element type in a tree's JSON.
fn kinds_in(v: &Value) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(t) = m.get("type").and_then(Value::as_str) {
                    if ElementKind::from_name(t).is_some() {
                        kinds.insert(t.to_owned());
                    }
                }
                stack.extend(m.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    kinds
}

#[test]
fn the_hostile_tree_has_every_element_type() {
    let kinds = kinds_in(&hostile_tree("x").to_value());
    let all: BTreeSet<String> = ElementKind::NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(kinds, all);
}

#[test]
fn hostile_strings_stay_inert_everywhere() {
    for p in PAYLOADS {
        let tree = hostile_tree(p);
        // State keyed and valued by the payload too, so bound values carry it.
        let mut state = Object::new();
        state.insert(p.to_string(), json!(p));
        state.insert(format!("{p}2"), json!([p]));
        state.insert(format!("{p}b"), json!({ "k": p }));
        let state = &state;
        for theme in [Theme::Light, Theme::Dark] {
            for interactive in [false, true] {
                let options = HtmlOptions {
                    theme,
                    title: Some(p.to_string()),
                    state: Some(state),
                    interactive,
                };
                let fragment = render_element(&tree, &options);
                assert_safe(&fragment);
                let page = render_document(&tree, &options);
                assert_safe(&page);
            }
        }
    }
}

#[test]
fn unsafe_urls_are_dropped_and_safe_ones_kept() {
    let tree: Element = Block::new([
        Element::from(Link::new("javascript:alert(1)", "bad")),
        Link::new("https://ok.example/a?b=1&c=2", "good").into(),
        Image::new("data:image/png;base64,AAAA", 2.0).into(),
        WebFrame::new("vbscript:x").into(),
        WebFrame::new("https://frame.example").into(),
    ])
    .into();
    let html = render_element(&tree, &HtmlOptions::default());
    assert_safe(&html);
    assert!(html.contains(r#"<a class="contentkit-link" aria-disabled="true" target="_blank""#));
    assert!(html.contains(r#"href="https://ok.example/a?b=1&amp;c=2""#));
    assert!(html.contains(r#"<span class="contentkit-image contentkit-image-blocked" role="img""#));
    assert!(html.contains("Embedded content not shown: unsupported URL"));
    assert!(html.contains(r#"<iframe class="contentkit-webframe-frame" src="https://frame.example" sandbox="allow-scripts allow-popups" referrerpolicy="no-referrer""#));
}

#[test]
fn markdown_raw_html_is_shown_as_text() {
    let tree: Element = Block::new([Markdown::new(
        "<b onclick=\"x\">hi</b>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )])
    .into();
    let html = render_element(&tree, &HtmlOptions::default());
    assert_safe(&html);
    assert!(html.contains("&lt;b onclick=\"x\"&gt;hi&lt;/b&gt;"));
    assert!(html.contains("<p>x</p>"));
}

// --- State, values and hooks ------------------------------------------------------------

#[test]
fn controls_show_the_state_and_bindings_resolve_from_it() {
    let state = json!({
        "name": "Ada <3", "plan": "pro", "tags": ["b", 2], "on": false, "size": 2,
        "md": "**bound**", "q": "a b",
    });
    let state = state.as_object().unwrap();
    let mut url = ContentKitUrl::new("x.example", "/s");
    url.query = Some(
        [("q".to_owned(), DynamicBinding::new("q").into())]
            .into_iter()
            .collect(),
    );
    let tree: Element = Block::new([
        Element::from(TextInput::new("name").initial_value("ignored")),
        TextInput::new("unset").initial_value("initial").into(),
        Select::new(
            "plan",
            vec![
                SelectOption::new("free", "Free"),
                SelectOption::new("pro", "Pro"),
            ],
        )
        .into(),
        Checkbox::new("tags", "b").into(),
        Checkbox::new("tags", 2.0).into(),
        Checkbox::new("tags", "2").into(),
        Switch::new("on").initial_value(true).into(),
        Radio::new("size", 2.0).into(),
        Markdown::new(DynamicBinding::new("md")).into(),
        Link::new(UrlOrString::Url(url), "search").into(),
    ])
    .into();
    let options = HtmlOptions {
        state: Some(state),
        interactive: true,
        ..HtmlOptions::default()
    };
    let html = render_element(&tree, &options);
    assert_safe(&html);
    assert!(html.contains(r#"name="name" data-ck-state="name" value="Ada &lt;3""#));
    assert!(html.contains(r#"name="unset" data-ck-state="unset" value="initial""#));
    assert!(html.contains(r#"<option value="pro" selected>Pro</option>"#));
    assert!(html.contains(r#"<option value="" disabled>Select…</option>"#));
    assert!(html.contains(r#"value="b" data-ck-value='"b"' checked>"#));
    assert!(html.contains(r#"value="2" data-ck-value='2' checked>"#));
    assert!(html.contains(r#"value="2" data-ck-value='"2"'>"#));
    assert!(html.contains(r#"role="switch" id="ck-0.6" name="on" data-ck-state="on">"#));
    assert!(html.contains(r#"type="radio" id="ck-0.7" name="size" data-ck-state="size" value="2" data-ck-value='2' checked>"#));
    assert!(html.contains("<p><strong>bound</strong></p>"));
    assert!(html.contains(r#"href="https://x.example/s?q=a%20b""#));
}

#[test]
fn static_output_has_no_playground_hooks() {
    for name in FIXTURES {
        let (element, state) = fixture(name);
        let options = HtmlOptions {
            state: state.as_ref(),
            ..HtmlOptions::default()
        };
        let html = render_element(&element, &options);
        assert_safe(&html);
        assert!(!html.contains("data-ck-"), "{name}");
        assert!(!html.contains("<template"), "{name}");
    }
}

#[test]
fn labels_point_at_their_controls() {
    for name in FIXTURES {
        let (element, state) = fixture(name);
        let options = HtmlOptions {
            state: state.as_ref(),
            ..interactive()
        };
        let tags = parse(&render_element(&element, &options)).unwrap();
        let ids: BTreeSet<&str> = tags
            .iter()
            .flat_map(|t| &t.attrs)
            .filter(|(n, _)| n == "id")
            .map(|(_, v)| v.as_str())
            .collect();
        let id_count = tags
            .iter()
            .flat_map(|t| &t.attrs)
            .filter(|(n, _)| n == "id")
            .count();
        assert_eq!(ids.len(), id_count, "{name}: ids are unique");
        for tag in &tags {
            for (n, v) in &tag.attrs {
                if matches!(n.as_str(), "for" | "aria-labelledby" | "data-ck-confirm") {
                    assert!(
                        ids.contains(v.as_str()),
                        "{name}: {n}={v} points at nothing"
                    );
                }
            }
        }
    }
}

#[test]
fn documents_are_whole_pages() {
    let element: Element = Block::new([Text::new(["hi"])]).into();
    let options = HtmlOptions {
        theme: Theme::Dark,
        title: Some("</title><script>alert(1)</script>".into()),
        interactive: true,
        ..HtmlOptions::default()
    };
    let page = render_document(&element, &options);
    assert_safe(&page);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\" class=\"contentkit-theme-dark\">"));
    assert!(page
        .contains("<title>&lt;&#x2f;title&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</title>"));
    assert!(page.contains(STYLESHEET));
    assert!(page.contains("<body class=\"contentkit-page\" data-ck-interactive>"));
    assert!(page.trim_end().ends_with("</html>"));
    let names = tag_names(&page);
    for t in ["html", "head", "meta", "title", "style", "body", "main"] {
        assert!(names.contains(t), "{t}");
    }

    let complete = RenderOutput::Complete(CompleteOutput {
        return_value: Some(json!({"done": "it's <ok>"}).as_object().cloned().unwrap()),
    });
    let page = render_document(&complete, &options);
    assert_safe(&page);
    assert!(page.contains(r#"<div class="contentkit-complete" role="status" data-ck-return-value='{"done":"it&#x27;s &lt;ok&gt;"}'>This flow is complete.</div>"#));
}

#[test]
fn the_stylesheet_has_both_themes_and_styles_every_class() {
    assert!(STYLESHEET.contains(".contentkit-theme-light {"));
    assert!(STYLESHEET.contains(".contentkit-theme-dark {"));
    // Every class the fixtures use is styled (or is a pure hook).
    let mut classes = BTreeSet::new();
    for name in FIXTURES {
        let (element, state) = fixture(name);
        let options = HtmlOptions {
            state: state.as_ref(),
            ..interactive()
        };
        for tag in parse(&render_element(&element, &options)).unwrap() {
            for (n, v) in tag.attrs {
                if n == "class" {
                    classes.extend(v.split(' ').map(str::to_owned));
                }
            }
        }
    }
    let unstyled: Vec<_> = classes
        .iter()
        .filter(|c| c.starts_with("contentkit") && !c.starts_with("contentkit-icon-"))
        .filter(|c| !STYLESHEET.contains(&format!(".{c}")))
        .filter(|c| {
            ![
                "contentkit-confirm-template",
                "contentkit-stepper-step-todo",
            ]
            .contains(&c.as_str())
        })
        .collect();
    assert!(unstyled.is_empty(), "classes with no rule: {unstyled:?}");
}

// --- Snapshots of the fixtures ----------------------------------------------------------

const FIXTURES: &[&str] = &["buttons", "content", "form", "layout", "modal", "stepper"];

/// A fixture: a root element, or a render output (element and state).
fn fixture(name: &str) -> (Element, Option<Object>) {
    let path = format!("{}/fixtures/html/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    if v["type"] == "element" {
        match RenderOutput::from_value(&v).unwrap_or_else(|e| panic!("{name}: {e}")) {
            RenderOutput::Element(o) => (o.element, Some(o.state)),
            RenderOutput::Complete(_) => unreachable!(),
        }
    } else {
        (
            Element::from_root_value(&v).unwrap_or_else(|e| panic!("{name}: {e}")),
            None,
        )
    }
}

#[test]
fn the_fixtures_cover_every_element_type() {
    let mut kinds = BTreeSet::new();
    for name in FIXTURES {
        kinds.extend(kinds_in(&fixture(name).0.to_value()));
    }
    let all: BTreeSet<String> = ElementKind::NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(kinds, all);
}

/// With `CONTENTKIT_HTML_DUMP=dir`, writes each fixture's pages (light and dark,
/// interactive) there, to look at in a browser.
fn dump_pages(name: &str, element: &Element, state: Option<&Object>) {
    let Ok(dir) = std::env::var("CONTENTKIT_HTML_DUMP") else {
        return;
    };
    for (theme, suffix) in [(Theme::Light, "light"), (Theme::Dark, "dark")] {
        let options = HtmlOptions {
            theme,
            title: Some(format!("{name} ({suffix})")),
            state,
            interactive: true,
        };
        let path = format!("{dir}/{name}-{suffix}.html");
        std::fs::write(&path, render_document(element, &options)).unwrap();
    }
}

/// Breaks the HTML at tags so that snapshots read (and diff) line by line.
fn pretty(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn fixture_snapshots() {
    for name in FIXTURES {
        let (element, state) = fixture(name);
        // The fragment, light, with the playground's hooks.
        let options = HtmlOptions {
            state: state.as_ref(),
            ..interactive()
        };
        let fragment = render_element(&element, &options);
        assert_safe(&fragment);
        // The page, dark, static (the stylesheet left out: it has its own test).
        let options = HtmlOptions {
            theme: Theme::Dark,
            title: Some(format!("{name} fixture")),
            state: state.as_ref(),
            interactive: false,
        };
        let page = render_document(&element, &options);
        assert_safe(&page);
        dump_pages(name, &element, state.as_ref());
        let page = page.replace(STYLESHEET, "/* STYLESHEET */");
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!(format!("{name}_light_interactive"), pretty(&fragment));
            insta::assert_snapshot!(format!("{name}_dark_page"), pretty(&page));
        });
    }
}

// --- Any tree ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_tree_renders_well_formed_and_safe(root in common::strategy::root(), dark in any::<bool>(), hooks in any::<bool>()) {
        let options = HtmlOptions {
            theme: if dark { Theme::Dark } else { Theme::Light },
            interactive: hooks,
            ..HtmlOptions::default()
        };
        assert_safe(&render_element(&root, &options));
    }

    #[test]
    fn any_output_renders_as_a_page(out in common::strategy::render_output()) {
        assert_safe(&render_document(&out, &interactive()));
    }
}

#[test]
fn editable_code_blocks_number_their_lines_in_a_gutter() {
    let tree = |line_numbers: Value| {
        Element::from_root_value(&json!({"type": "block", "children": [
            {"type": "codeblock", "content": "a", "state": "code", "lineNumbers": line_numbers}
        ]}))
        .unwrap()
    };
    let mut state = Object::new();
    state.insert("code".into(), json!("one\ntwo\nthree"));
    let options = HtmlOptions {
        state: Some(&state),
        ..interactive()
    };
    let html = render_element(&tree(json!(true)), &options);
    assert_safe(&html);
    assert!(
        html.contains(
            r#"<pre class="contentkit-code-gutter" aria-hidden="true" data-ck-line-start="1">1
2
3</pre>"#
        ),
        "{html}"
    );
    // Numbering from 10, as `lineNumbers: 10` asks.
    let html = render_element(&tree(json!(10)), &options);
    assert!(html.contains(">10\n11\n12</pre>"), "{html}");
    // Without line numbers, no gutter.
    let html = render_element(&tree(json!(false)), &options);
    assert!(!html.contains("contentkit-code-gutter"), "{html}");
}
