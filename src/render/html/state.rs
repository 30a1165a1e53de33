//! The client's local state, as the preview reads it: bound values and control values.

use std::fmt;

use serde_json::Value;

use crate::element::{
    js_number_value, JsNumber, Object, SelectValue, StringOrBinding, StringOrNumber,
};

/// Read access to the local state (which may be absent).
#[derive(Clone, Copy)]
pub(super) struct State<'a>(Option<&'a Object>);

impl<'a> State<'a> {
    pub fn new(state: Option<&'a Object>) -> Self {
        State(state)
    }

    /// The value of `key`, when set.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.and_then(|s| s.get(key))
    }

    /// `key`'s value as the client prints it into text (empty when unset).
    pub fn text(&self, key: &str) -> Shown<'a> {
        self.get(key).map_or(Shown::Str(""), Shown::Value)
    }

    /// A string or the state value it is bound to, as text.
    pub fn resolve<'s>(&self, value: &'s StringOrBinding) -> Shown<'s>
    where
        'a: 's,
    {
        match value {
            StringOrBinding::String(s) => Shown::Str(s),
            StringOrBinding::Binding(b) => self.text(&b.state),
        }
    }

    /// A text control's value: the state's, else the initial value.
    pub fn input_value<'s>(&self, key: &str, initial: Option<&'s str>) -> Shown<'s>
    where
        'a: 's,
    {
        match self.get(key) {
            Some(v) => Shown::Value(v),
            None => Shown::Str(initial.unwrap_or("")),
        }
    }

    /// Whether a switch is on: the state's boolean, else the initial value.
    pub fn is_on(&self, key: &str, initial: Option<bool>) -> bool {
        match self.get(key) {
            Some(v) => truthy(v),
            None => initial.unwrap_or(false),
        }
    }

    /// Whether a select's option is chosen: by the state's value, else the initial value.
    pub fn is_selected(&self, key: &str, initial: Option<&SelectValue>, id: &str) -> bool {
        match self.get(key) {
            Some(Value::String(s)) => s == id,
            Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(id)),
            Some(_) => false,
            None => match initial {
                Some(SelectValue::One(s)) => s == id,
                Some(SelectValue::Many(ids)) => ids.iter().any(|s| s == id),
                None => false,
            },
        }
    }

    /// Whether a select has any value (so its placeholder is not the chosen entry).
    pub fn has_selection(&self, key: &str, initial: Option<&SelectValue>) -> bool {
        match self.get(key) {
            Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
            None => initial.is_some(),
        }
    }

    /// Whether a checkbox is checked: its value is in the state's array.
    pub fn contains(&self, key: &str, value: &StringOrNumber) -> bool {
        match self.get(key) {
            Some(Value::Array(items)) => items.iter().any(|v| same(v, value)),
            _ => false,
        }
    }

    /// Whether a radio is checked: the state's value is its value.
    pub fn equals(&self, key: &str, value: &StringOrNumber) -> bool {
        self.get(key).is_some_and(|v| same(v, value))
    }
}

/// JavaScript's truthiness, which is what the client tests a switch's state with.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Whether a state value is a checkbox's or radio's value (`1` and `"1"` differ).
fn same(v: &Value, value: &StringOrNumber) -> bool {
    match (v, value) {
        (Value::String(a), StringOrNumber::String(b)) => a == b,
        (Value::Number(a), StringOrNumber::Number(b)) => a.as_f64() == Some(b.0),
        _ => false,
    }
}

/// A value printed as text: a string, or a state value as JavaScript's `String()` would
/// print it (numbers without `.0`, `null` as nothing, objects and arrays as JSON).
#[derive(Clone, Copy)]
pub(super) enum Shown<'a> {
    Str(&'a str),
    Value(&'a Value),
    Number(JsNumber),
}

impl<'a> From<&'a StringOrNumber> for Shown<'a> {
    fn from(v: &'a StringOrNumber) -> Self {
        match v {
            StringOrNumber::String(s) => Shown::Str(s),
            StringOrNumber::Number(n) => Shown::Number(*n),
        }
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Str(s) => f.write_str(s),
            Shown::Number(n) => write!(f, "{}", n.to_json()),
            Shown::Value(v) => match v {
                Value::Null => Ok(()),
                Value::String(s) => f.write_str(s),
                Value::Number(n) => match n.as_f64() {
                    Some(x) if n.is_f64() => write!(f, "{}", js_number_value(x)),
                    _ => write!(f, "{n}"),
                },
                other => write!(f, "{other}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state() -> Object {
        json!({"s": "x", "n": 7.0, "b": false, "list": ["a", 1], "null": null})
            .as_object()
            .cloned()
            .unwrap()
    }

    #[test]
    fn prints_values_as_javascript_does() {
        let st = state();
        let s = State::new(Some(&st));
        assert_eq!(s.text("s").to_string(), "x");
        assert_eq!(s.text("n").to_string(), "7");
        assert_eq!(s.text("b").to_string(), "false");
        assert_eq!(s.text("null").to_string(), "");
        assert_eq!(s.text("missing").to_string(), "");
        assert_eq!(s.text("list").to_string(), r#"["a",1]"#);
    }

    #[test]
    fn checks_membership_by_type() {
        let st = state();
        let s = State::new(Some(&st));
        assert!(s.contains("list", &"a".into()));
        assert!(s.contains("list", &1.0.into()));
        assert!(!s.contains("list", &"1".into()));
        assert!(s.equals("s", &"x".into()));
        assert!(!s.is_on("b", Some(true)));
        assert!(s.is_on("missing", Some(true)));
    }
}
