//! Printing an element tree back as markup.
//!
//! [`print_markup`] writes JSX that compiles and renders (with an empty scope) to the
//! same JSON, keys in the same order. Where JSX would change a value (text whitespace,
//! HTML entities, `null` children), it writes a `{…}` expression instead; where an
//! object cannot be written as an element (its `type` is not first, its `children`
//! are not a last array of keepable values), it is written as an object literal.
//!
//! What does not survive the trip: numbers are JavaScript numbers, so integral floats
//! come back as integers (`7.0` as `7`), `-0` as `0`, and integers beyond 2^53 lose
//! precision; and a root that is not an element object prints as an expression, which
//! is not a valid template.

use serde_json::{Map, Value};

use crate::lang::number::js_number_to_string;
use crate::lang::syntax::{is_jsx_attribute_name, is_jsx_tag_name, is_property_name};

/// Prints an element tree as markup.
///
/// ```rust
/// use contentkit::markup::{print_markup, CompileOptions, Scope, Template};
/// use serde_json::json;
///
/// let tree = json!({
///     "type": "block",
///     "children": [{"type": "text", "style": "bold", "children": ["Hi ", "there"]}]
/// });
/// let markup = print_markup(&tree);
/// assert_eq!(markup, "<block>\n  <text style=\"bold\">Hi {\"there\"}</text>\n</block>");
/// let back = Template::compile(&markup, "tree.ckx").unwrap().render(&Scope::new()).unwrap();
/// assert_eq!(back, tree);
/// ```
pub fn print_markup(value: &Value) -> String {
    let mut out = String::new();
    match element_parts(value) {
        Some(parts) => print_element(&parts, 0, false, &mut out),
        None => print_expr(value, &mut out),
    }
    out
}

/// An object that can be written as a JSX element.
struct Parts<'v> {
    tag: &'v str,
    attrs: Vec<(&'v String, &'v Value)>,
    children: Option<&'v [Value]>,
}

/// Splits an object into tag, attributes and children, when JSX can write it exactly:
/// `type` first and a valid tag, `children` (if any) last and an array of values JSX
/// keeps (not `false` or arrays, which JSX drops or flattens; `null` is written as
/// `{NaN}`, which JSX keeps and JSON writes as `null`).
fn element_parts(v: &Value) -> Option<Parts<'_>> {
    let Value::Object(map) = v else {
        return None;
    };
    let mut entries = map.iter();
    let (first, tag) = entries.next()?;
    let tag = tag.as_str()?;
    if first != "type" || !is_jsx_tag_name(tag) {
        return None;
    }
    let mut attrs: Vec<(&String, &Value)> = entries.collect();
    let children = match attrs.last() {
        Some((k, Value::Array(items))) if k.as_str() == "children" => {
            if items
                .iter()
                .any(|c| matches!(c, Value::Bool(false) | Value::Array(_)))
            {
                return None;
            }
            attrs.pop();
            Some(items.as_slice())
        }
        _ => None,
    };
    // A `children` that is not a last array would be normalized by JSX.
    if attrs.iter().any(|(k, _)| k.as_str() == "children") {
        return None;
    }
    Some(Parts {
        tag,
        attrs,
        children,
    })
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn print_element(p: &Parts<'_>, level: usize, inline: bool, out: &mut String) {
    out.push('<');
    out.push_str(p.tag);
    for (k, v) in &p.attrs {
        out.push(' ');
        print_attr(k, v, out);
    }
    let Some(children) = p.children else {
        out.push_str(" />");
        return;
    };
    out.push('>');
    if children.is_empty() {
        // An empty `children` array needs a written child that renders to nothing.
        out.push_str("{[]}");
    } else if inline || children.iter().any(Value::is_string) {
        // Text is only kept exactly on one line: print the whole content inline.
        print_children(children, level, true, out);
    } else {
        print_children(children, level, false, out);
        out.push('\n');
        indent(out, level);
    }
    out.push_str("</");
    out.push_str(p.tag);
    out.push('>');
}

fn print_children(children: &[Value], level: usize, inline: bool, out: &mut String) {
    let mut after_text = false;
    for c in children {
        if !inline {
            out.push('\n');
            indent(out, level + 1);
        }
        match c {
            Value::String(s) if !after_text && is_raw_text(s) => {
                out.push_str(s);
                after_text = true;
                continue;
            }
            _ => {}
        }
        after_text = false;
        if c.is_null() {
            // NaN is kept as a child and written as `null` in JSON.
            out.push_str("{NaN}");
            continue;
        }
        match element_parts(c) {
            Some(parts) => print_element(&parts, level + 1, inline, out),
            None => {
                out.push('{');
                print_expr(c, out);
                out.push('}');
            }
        }
    }
}

/// Text JSX keeps exactly when written on one line between tags.
fn is_raw_text(s: &str) -> bool {
    !s.is_empty() && !s.contains(['{', '}', '<', '>', '&', '\n', '\r', '\t'])
}

fn print_attr(name: &str, v: &Value, out: &mut String) {
    if !is_jsx_attribute_name(name) {
        // Any key can be written through a spread.
        out.push_str("{...{");
        quote_json(name, out);
        out.push_str(": ");
        print_expr(v, out);
        out.push_str("}}");
        return;
    }
    out.push_str(name);
    match v {
        Value::Bool(true) => {}
        Value::String(s) if !s.contains(['"', '&', '\n', '\r']) => {
            out.push_str("=\"");
            out.push_str(s);
            out.push('"');
        }
        _ => {
            out.push_str("={");
            print_expr(v, out);
            out.push('}');
        }
    }
}

/// A JavaScript expression for a JSON value (elements as JSX, on one line).
fn print_expr(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                out.push_str(&js_number_to_string(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => quote_json(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_expr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => match element_parts(v) {
            Some(parts) => print_element(&parts, 0, true, out),
            None => print_object(map, out),
        },
    }
}

fn print_object(map: &Map<String, Value>, out: &mut String) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (i, (k, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if is_property_name(k) {
            out.push_str(k);
        } else {
            quote_json(k, out);
        }
        out.push_str(": ");
        print_expr(item, out);
    }
    out.push_str(" }");
}

/// Writes `s` as a JSON string literal (which JavaScript reads the same).
fn quote_json(s: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_the_counter() {
        let tree = json!({
            "type": "block",
            "children": [
                {"type": "hstack", "align": "center", "children": [
                    {"type": "button", "label": "-", "style": "secondary", "onPress": {"action": "dec"}},
                    {"type": "text", "style": "bold", "children": ["Count: 5"]}
                ]}
            ]
        });
        assert_eq!(
            print_markup(&tree),
            "<block>\n  <hstack align=\"center\">\n    <button label=\"-\" style=\"secondary\" onPress={{ action: \"dec\" }} />\n    <text style=\"bold\">Count: 5</text>\n  </hstack>\n</block>"
        );
    }

    #[test]
    fn null_children_are_written_as_nan() {
        let tree = json!({"type": "x", "children": [null, "a"]});
        assert_eq!(print_markup(&tree), "<x>{NaN}a</x>");
        let tree = json!({"type": "é-1", "ünïcode": 1});
        assert_eq!(print_markup(&tree), "<é-1 ünïcode={1} />");
    }

    #[test]
    fn awkward_values_become_expressions() {
        let tree = json!({"type": "text", "a b": 1, "q": "say \"hi\"", "n": 1.5, "t": true,
                          "children": ["a & b", "  x  ", {"k": null}, 7]});
        assert_eq!(
            print_markup(&tree),
            r#"<text {...{"a b": 1}} q={"say \"hi\""} n={1.5} t>{"a & b"}  x  {{ k: null }}{7}</text>"#
        );
    }
}
