//! The standalone page: the fragment inside a minijinja template, stylesheet inline.

use std::sync::OnceLock;

use minijinja::{context, Environment, Value};

use crate::element::{RenderOutput, Theme};

use super::escape::JsonAttr;
use super::{theme_class, write_fragment, DocumentRoot, HtmlOptions, STYLESHEET};

/// The page around the fragment.
const PAGE: &str = include_str!("page.html");

/// Where the fragment goes. The rendered page is split here and the fragment written
/// straight into the page's buffer between the halves, so the tree is rendered once, into
/// one buffer. The template escapes every value that could hold `<`, so the marker can
/// only come from here.
const BODY_MARKER: &str = "<contentkit-body></contentkit-body>";

/// A bare page, should the template ever fail to render (it is checked by the tests).
const FALLBACK: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ContentKit preview</title>\n</head>\n<body>\n<contentkit-body></contentkit-body>\n</body>\n</html>";

/// The template environment and the stylesheet as a template value, made once.
struct Shell {
    env: Environment<'static>,
    stylesheet: Value,
}

fn shell() -> &'static Shell {
    static SHELL: OnceLock<Shell> = OnceLock::new();
    SHELL.get_or_init(|| {
        let mut env = Environment::new();
        // `.html`: minijinja escapes every value for HTML unless marked safe.
        let _ = env.add_template("page.html", PAGE);
        Shell {
            env,
            stylesheet: Value::from_safe_string(STYLESHEET.to_owned()),
        }
    })
}

/// The page around the body, with [`BODY_MARKER`] where the body goes.
pub(super) fn page(options: &HtmlOptions<'_>) -> String {
    let shell = shell();
    let theme = match options.theme {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    shell
        .env
        .get_template("page.html")
        .and_then(|t| {
            t.render(context! {
                theme,
                theme_class => theme_class(options.theme),
                title => options.title.as_deref().unwrap_or("ContentKit preview"),
                stylesheet => &shell.stylesheet,
                interactive => options.interactive,
                body => Value::from_safe_string(BODY_MARKER.to_owned()),
            })
        })
        .unwrap_or_else(|_| FALLBACK.to_owned())
}

/// The page before and after its body.
pub(super) fn halves(page: &str) -> (&str, &str) {
    page.split_once(BODY_MARKER).unwrap_or((page, ""))
}

/// The page of a root.
pub(super) fn render(root: DocumentRoot<'_>, options: &HtmlOptions<'_>) -> String {
    let page = page(options);
    let (head, tail) = halves(&page);

    let mut out = String::with_capacity(page.len() + 4096);
    out.push_str(head);
    write_body(&mut out, root, options);
    out.push_str(tail);
    out
}

/// The body of the page of a root.
pub(super) fn write_body(out: &mut String, root: DocumentRoot<'_>, options: &HtmlOptions<'_>) {
    match root {
        DocumentRoot::Element(e) => write_fragment(out, e, options, options.state),
        DocumentRoot::Output(RenderOutput::Element(o)) => {
            let state = options.state.or(Some(&o.state));
            write_fragment(out, &o.element, options, state);
        }
        DocumentRoot::Output(RenderOutput::Complete(c)) => {
            out.push_str("<div class=\"contentkit ");
            out.push_str(theme_class(options.theme));
            out.push_str("\"><div class=\"contentkit-complete\" role=\"status\"");
            if let (true, Some(value)) = (options.interactive, &c.return_value) {
                out.push_str(" data-ck-return-value='");
                JsonAttr::new(out).value(value);
                out.push('\'');
            }
            out.push_str(">This flow is complete.</div></div>");
        }
    }
}
