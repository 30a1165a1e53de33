//! JavaScript number semantics: `Number.prototype.toString`, `ToNumber` of strings,
//! and the JSON form of a number.

use serde_json::{Number, Value};

/// The largest integer an `f64` holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// JavaScript's `String(x)` for a number: the shortest digits that read back as `x`,
/// in plain notation for exponents in `-7 < e < 21` and in exponent notation
/// (`1e+21`, `1.5e-7`) outside.
pub fn js_number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x == 0.0 {
        // Both zeros print `0`.
        return "0".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if x < 0.0 {
        return format!("-{}", js_number_to_string(-x));
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as JavaScript requires.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.abs())
        }
    }
}

/// JavaScript's `ToNumber` of a string: surrounding white space is ignored, the empty
/// string is `0`, `Infinity` and hexadecimal/octal/binary literals are read, anything
/// else that is not a decimal literal is `NaN`.
pub fn js_string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.is_empty() {
        return 0.0;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let radix = match t.get(..2) {
        Some("0x" | "0X") => Some(16),
        Some("0o" | "0O") => Some(8),
        Some("0b" | "0B") => Some(2),
        _ => None,
    };
    if let Some(radix) = radix {
        let digits = &t[2..];
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return f64::NAN;
        }
        return digits.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        });
    }
    if is_decimal_literal(t) {
        t.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_decimal_literal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// The JSON form of a number, as `JSON.stringify` would give it: integral values are
/// integers (`7`, never `7.0`; `-0` is `0`) with JavaScript's digits (2^60 prints
/// `1152921504606847000`), NaN and infinities are `null`.
pub fn js_number_value(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 {
        if x.abs() <= MAX_SAFE_INTEGER {
            return Value::Number(Number::from(x as i64));
        }
        // Past 2^53 JavaScript prints the shortest digits padded with zeros; keep
        // those digits when they fit an integer.
        let digits = js_number_to_string(x);
        if let Ok(i) = digits.parse::<i64>() {
            return Value::Number(Number::from(i));
        }
        if let Ok(u) = digits.parse::<u64>() {
            return Value::Number(Number::from(u));
        }
    }
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A JSON number as a JavaScript number.
pub(crate) fn json_number_to_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_string_matches_javascript() {
        let cases: &[(f64, &str)] = &[
            (7.0, "7"),
            (5.0 + 2.0, "7"),
            (16.0 / 9.0, "1.7777777777777777"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (0.5, "0.5"),
            (-2.5, "-2.5"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (100.0, "100"),
            (123.456, "123.456"),
        ];
        for (x, want) in cases {
            assert_eq!(js_number_to_string(*x), *want, "{x:?}");
        }
    }

    #[test]
    fn string_to_number_matches_javascript() {
        assert_eq!(js_string_to_number(""), 0.0);
        assert_eq!(js_string_to_number("  12  "), 12.0);
        assert_eq!(js_string_to_number("0x1f"), 31.0);
        assert_eq!(js_string_to_number("1e3"), 1000.0);
        assert_eq!(js_string_to_number(".5"), 0.5);
        assert_eq!(js_string_to_number("5."), 5.0);
        assert_eq!(js_string_to_number("-Infinity"), f64::NEG_INFINITY);
        for bad in [
            "abc", "1a", "inf", "NaN", "infinity", "--1", "1e", ".", "+", "0x", "-0x1",
        ] {
            assert!(js_string_to_number(bad).is_nan(), "{bad}");
        }
    }

    #[test]
    fn json_form() {
        assert_eq!(js_number_value(7.0).to_string(), "7");
        assert_eq!(js_number_value(-0.0).to_string(), "0");
        assert_eq!(js_number_value(1.5).to_string(), "1.5");
        assert_eq!(js_number_value(f64::NAN), Value::Null);
        assert_eq!(
            js_number_value(2f64.powi(60)).to_string(),
            "1152921504606847000"
        );
        assert_eq!(
            js_number_value(-(2f64.powi(53))).to_string(),
            "-9007199254740992"
        );
    }
}
