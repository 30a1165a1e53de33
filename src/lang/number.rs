//! JavaScript number semantics: `Number.prototype.toString`, `ToNumber` of strings,
//! and numeric literals.
//!
//! Printing uses `ryu-js`, which gives the shortest digits that read back as the same
//! double, laid out exactly as ECMAScript's `Number::toString` lays them out.

/// JavaScript's `String(x)` for a number.
///
/// ```
/// use contentkit::lang::number::js_number_to_string;
/// assert_eq!(js_number_to_string(16.0 / 9.0), "1.7777777777777777");
/// assert_eq!(js_number_to_string(1e21), "1e+21");
/// assert_eq!(js_number_to_string(-0.0), "0");
/// ```
pub fn js_number_to_string(x: f64) -> String {
    let mut out = String::new();
    push_js_number(&mut out, x);
    out
}

/// Appends `String(x)` to `out`, without allocating for the digits.
pub fn push_js_number(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // Integers print as integers; `-0` prints `0`.
        let mut buf = itoa::Buffer::new();
        out.push_str(buf.format(x as i64));
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.push_str(buf.format(x));
}

/// Appends the JSON form of `x` (`JSON.stringify`): like `String(x)`, but `null` for
/// NaN and the infinities.
pub fn push_json_number(out: &mut Vec<u8>, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let mut buf = itoa::Buffer::new();
        out.extend_from_slice(buf.format(x as i64).as_bytes());
    } else if x.is_finite() {
        let mut buf = ryu_js::Buffer::new();
        out.extend_from_slice(buf.format_finite(x).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// JavaScript's `ToNumber` of a string: surrounding white space is ignored, the empty
/// string is `0`, `Infinity` and hexadecimal/octal/binary literals are read, anything
/// else that is not a decimal literal is `NaN`.
///
/// ```
/// use contentkit::lang::number::js_string_to_number;
/// assert_eq!(js_string_to_number(" 0x1f "), 31.0);
/// assert!(js_string_to_number("1a").is_nan());
/// ```
pub fn js_string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_whitespace);
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
        return radix_digits_to_f64(digits, radix);
    }
    if is_decimal_literal(t) {
        t.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// White space and line terminators, as `String.prototype.trim` and `ToNumber` see
/// them.
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{A}' | '\u{B}' | '\u{C}' | '\u{D}' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn radix_digits_to_f64(digits: &str, radix: u32) -> f64 {
    match u128::from_str_radix(digits, radix) {
        Ok(n) => n as f64,
        // More than 128 bits: accumulate (rounding may differ from JavaScript in the
        // last place, for literals nobody writes).
        Err(_) => digits.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        }),
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

/// The value of a numeric literal as written in source (hexadecimal, binary, octal or
/// decimal, with `_` separators).
pub fn parse_number_literal(s: &str) -> f64 {
    let cleaned;
    let s = if s.contains('_') {
        cleaned = s.replace('_', "");
        cleaned.as_str()
    } else {
        s
    };
    let radix = match s.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0b" | "0B") => 2,
        Some("0o" | "0O") => 8,
        _ => return s.parse::<f64>().unwrap_or(f64::NAN),
    };
    radix_digits_to_f64(&s[2..], radix)
}

/// Whether `s` is the canonical form of an array index (`"0"`, `"17"`, not `"017"` nor
/// `"1.0"`), and which: such keys come first, ascending, in JavaScript objects.
pub fn array_index(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 10 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    if !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // 2^32 − 1 is not an index.
    s.parse::<u64>()
        .ok()
        .filter(|&n| n < u64::from(u32::MAX))
        .map(|n| n as u32)
}

/// `ToInt32` of a number: what bitwise operators work on.
///
/// ```
/// use contentkit::lang::number::to_int32;
/// assert_eq!(to_int32(4_294_967_297.5), 1);
/// assert_eq!(to_int32(-1.0), -1);
/// assert_eq!(to_int32(f64::NAN), 0);
/// ```
pub fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let t = n.trunc();
    let m = t.rem_euclid(4_294_967_296.0);
    (if m >= 2_147_483_648.0 {
        m - 4_294_967_296.0
    } else {
        m
    }) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_string_matches_javascript() {
        let cases: &[(f64, &str)] = &[
            (7.0, "7"),
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
            (-2.5, "-2.5"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2f64.powi(60), "1152921504606847000"),
            (1.7777555555555553, "1.7777555555555553"),
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
        assert_eq!(js_string_to_number(".5"), 0.5);
        assert_eq!(js_string_to_number("5."), 5.0);
        assert_eq!(js_string_to_number("-Infinity"), f64::NEG_INFINITY);
        for bad in [
            "abc", "1a", "inf", "NaN", "--1", "1e", ".", "+", "0x", "-0x1",
        ] {
            assert!(js_string_to_number(bad).is_nan(), "{bad}");
        }
    }

    #[test]
    fn array_indices() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("42"), Some(42));
        assert_eq!(array_index("042"), None);
        assert_eq!(array_index("-1"), None);
        assert_eq!(array_index("4294967295"), None);
        assert_eq!(array_index("4294967294"), Some(4294967294));
    }

    #[test]
    fn literals() {
        assert_eq!(parse_number_literal("1_000"), 1000.0);
        assert_eq!(parse_number_literal("0xff"), 255.0);
        assert_eq!(parse_number_literal(".5e1"), 5.0);
    }
}
