//! Numbers as JavaScript prints them.

use serde::{Serialize, Serializer};
use serde_json::{Number, Value};

/// The largest integer a JavaScript number holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JavaScript number: an `f64` that serializes like `JSON.stringify` does,
/// so `7.0` prints `7` and `16.0 / 9.0` prints `1.7777777777777777`.
///
/// ```
/// use contentkit::element::JsNumber;
/// assert_eq!(serde_json::to_string(&JsNumber(7.0)).unwrap(), "7");
/// assert_eq!(serde_json::to_string(&JsNumber(16.0 / 9.0)).unwrap(), "1.7777777777777777");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct JsNumber(pub f64);

impl JsNumber {
    /// The JSON number JavaScript would print (`null` for NaN and infinities, as `JSON.stringify`).
    pub fn to_json(self) -> Value {
        js_number_value(self.0)
    }
}

impl From<f64> for JsNumber {
    fn from(v: f64) -> Self {
        JsNumber(v)
    }
}

impl From<i32> for JsNumber {
    fn from(v: i32) -> Self {
        JsNumber(v.into())
    }
}

impl Serialize for JsNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// The JSON value JavaScript's `JSON.stringify` gives for the number `v`.
pub fn js_number_value(v: f64) -> Value {
    if v.is_finite() && v.fract() == 0.0 && v.abs() <= MAX_SAFE_INTEGER {
        // `-0` prints as `0` in JavaScript.
        Value::Number(Number::from(v as i64))
    } else {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// Rewrites every integral float in `v` as an integer, so that JSON read from
/// anywhere prints as JavaScript would print it (`7.0` becomes `7`).
pub fn normalize_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                *v = js_number_value(f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(map) => map.values_mut().for_each(normalize_numbers),
        _ => {}
    }
}
