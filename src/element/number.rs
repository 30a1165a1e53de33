//! Numbers as JavaScript prints them.
//!
//! JavaScript has one number type, the IEEE double, and prints it with the shortest
//! digits that read back as the same double: plain notation for decimal exponents from
//! −7 to 20, exponent notation (`1e+21`, `1.5e-7`) outside. [`JsNumber`] prints that way
//! on its own ([`std::fmt::Display`]); [`JsFormatter`] makes serde_json print every
//! number of a document that way ([`to_json_string`], [`to_json_vec`]), integers beyond
//! 2^53 included, as the double JavaScript would have read. Reading is exact too:
//! serde_json is built with `float_roundtrip`, so `1.7777555555555553` reads as the
//! double it names, not a neighbour.

use std::fmt;
use std::io;

use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
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
/// // `Display` is JavaScript's `String(x)`.
/// assert_eq!(JsNumber(1e21).to_string(), "1e+21");
/// assert_eq!(JsNumber(0.000001).to_string(), "0.000001");
/// assert_eq!(JsNumber(f64::NAN).to_string(), "NaN");
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

impl fmt::Display for JsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_infinite() {
            return f.write_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
        }
        let mut buf = JsDigits::new();
        f.write_str(buf.format(x))
    }
}

/// The text of a finite double as JavaScript prints it, built on the stack.
///
/// The longest such text is 25 bytes (`-1.2345678901234567e-308`, or 21 digits with a
/// sign for plain notation); 32 leaves room.
struct JsDigits {
    out: [u8; 32],
    len: usize,
}

/// Collects `{:e}` output (at most 24 bytes) without allocating.
struct Scientific {
    buf: [u8; 32],
    len: usize,
}

impl Scientific {
    fn new() -> Self {
        Scientific {
            buf: [0; 32],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl fmt::Write for Scientific {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl JsDigits {
    fn new() -> Self {
        JsDigits {
            out: [0; 32],
            len: 0,
        }
    }

    fn push(&mut self, b: u8) {
        // Never full: see the type's comment.
        if let Some(slot) = self.out.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn push_all(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.push(b));
    }

    fn push_zeros(&mut self, n: usize) {
        (0..n).for_each(|_| self.push(b'0'));
    }

    /// ECMAScript's Number::toString(x) for a finite `x`: with `k` shortest digits
    /// and `x = 0.d1…dk × 10^n`, plain notation when `−6 < n ≤ 21`, else `d.ddde±(n−1)`.
    fn format(&mut self, x: f64) -> &str {
        use fmt::Write;
        self.len = 0;
        if x == 0.0 {
            // Both zeros print `0`.
            self.push(b'0');
            return self.as_str();
        }
        if x < 0.0 {
            self.push(b'-');
        }
        // Rust's `{:e}` gives the shortest digits that read back as `x`, as JavaScript
        // requires. When several decimals of that length read back as `x`, JavaScript
        // takes the one closest to `x` (the even one on a tie) and Rust may not: the
        // closest is `x` correctly rounded to that many digits (Rust rounds ties to even),
        // taken whenever it reads back as `x`.
        let mut shortest = Scientific::new();
        let _ = write!(shortest, "{:e}", x.abs());
        let k = shortest
            .as_bytes()
            .iter()
            .take_while(|&&b| b != b'e')
            .filter(|b| b.is_ascii_digit())
            .count();
        let mut closest = Scientific::new();
        let _ = write!(closest, "{:.*e}", k.saturating_sub(1), x.abs());
        let reads_back = std::str::from_utf8(closest.as_bytes())
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            == Some(x.abs());
        let sci = if reads_back {
            closest.as_bytes()
        } else {
            shortest.as_bytes()
        };
        let e_at = sci.iter().position(|&b| b == b'e').unwrap_or(sci.len());
        let (mantissa, exponent) = (&sci[..e_at], sci.get(e_at + 1..).unwrap_or(b"0"));
        let mut digits = [0u8; 20];
        let mut k = 0;
        for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
            if let Some(slot) = digits.get_mut(k) {
                *slot = b;
                k += 1;
            }
        }
        let digits = &digits[..k];
        let exp: i32 = std::str::from_utf8(exponent)
            .ok()
            .and_then(|e| e.parse().ok())
            .unwrap_or(0);
        let n = exp + 1;
        let k = k as i32;
        if k <= n && n <= 21 {
            self.push_all(digits);
            self.push_zeros((n - k) as usize);
        } else if 0 < n && n <= 21 {
            let (int, frac) = digits.split_at(n as usize);
            self.push_all(int);
            self.push(b'.');
            self.push_all(frac);
        } else if -6 < n && n <= 0 {
            self.push_all(b"0.");
            self.push_zeros((-n) as usize);
            self.push_all(digits);
        } else {
            let (first, rest) = digits.split_at(1);
            self.push_all(first);
            if !rest.is_empty() {
                self.push(b'.');
                self.push_all(rest);
            }
            self.push(b'e');
            self.push(if n > 0 { b'+' } else { b'-' });
            let mut e = [0u8; 3];
            let mut magnitude = (n - 1).unsigned_abs();
            let mut at = e.len();
            loop {
                at -= 1;
                e[at] = b'0' + (magnitude % 10) as u8;
                magnitude /= 10;
                if magnitude == 0 || at == 0 {
                    break;
                }
            }
            self.push_all(&e[at..]);
        }
        self.as_str()
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, signs, `.` and `e` are ever pushed.
        std::str::from_utf8(&self.out[..self.len]).unwrap_or("0")
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
///
/// Walks with its own stack, so that no nesting depth can exhaust the thread's.
pub fn normalize_numbers(v: &mut Value) {
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        match v {
            Value::Number(n) if n.is_f64() => {
                if let Some(f) = n.as_f64() {
                    *v = js_number_value(f);
                }
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(map) => pending.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// A serde_json [`Formatter`] that prints numbers as JavaScript does and leaves the
/// layout to the formatter it wraps (compact by default, or pretty).
///
/// Floats print with JavaScript's notation (`1e+21`, `0.000001`), and integers beyond
/// 2^53 print as the double JavaScript reads them as (`18446744073709551615` prints
/// `18446744073709552000`), so that a document prints byte for byte as `JSON.stringify`
/// prints it.
///
/// ```
/// use contentkit::element::JsFormatter;
/// use serde::Serialize;
/// let mut out = Vec::new();
/// let mut ser = serde_json::Serializer::with_formatter(&mut out, JsFormatter::new());
/// serde_json::json!([1e21, 1.5e-7, 1e16, 18446744073709551615u64]).serialize(&mut ser).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "[1e+21,1.5e-7,10000000000000000,18446744073709552000]");
/// ```
#[derive(Debug, Clone)]
pub struct JsFormatter<F = CompactFormatter> {
    layout: F,
}

impl JsFormatter {
    /// Compact, as `JSON.stringify(v)` prints.
    pub fn new() -> Self {
        JsFormatter {
            layout: CompactFormatter,
        }
    }
}

impl Default for JsFormatter {
    fn default() -> Self {
        JsFormatter::new()
    }
}

impl<'a> JsFormatter<PrettyFormatter<'a>> {
    /// Indented with two spaces, as `JSON.stringify(v, null, 2)` prints.
    pub fn pretty() -> Self {
        JsFormatter {
            layout: PrettyFormatter::new(),
        }
    }
}

impl<F> JsFormatter<F> {
    fn write_double<W: ?Sized + io::Write>(writer: &mut W, x: f64) -> io::Result<()> {
        if !x.is_finite() {
            // serde_json writes `null` for these before reaching the formatter; a
            // caller driving the formatter directly gets what `JSON.stringify` gives.
            return writer.write_all(b"null");
        }
        writer.write_all(JsDigits::new().format(x).as_bytes())
    }

    fn write_integer<W: ?Sized + io::Write>(writer: &mut W, v: i128) -> io::Result<()> {
        if v.unsigned_abs() <= MAX_SAFE_INTEGER as u128 {
            write!(writer, "{v}")
        } else {
            Self::write_double(writer, v as f64)
        }
    }
}

impl<F: Formatter> Formatter for JsFormatter<F> {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        Self::write_double(writer, value)
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        Self::write_double(writer, value.into())
    }
    fn write_i64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        Self::write_integer(writer, value.into())
    }
    fn write_u64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        Self::write_integer(writer, value.into())
    }
    fn write_i128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i128) -> io::Result<()> {
        Self::write_integer(writer, value)
    }
    fn write_u128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u128) -> io::Result<()> {
        match i128::try_from(value) {
            Ok(v) => Self::write_integer(writer, v),
            Err(_) => Self::write_double(writer, value as f64),
        }
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.layout.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.layout.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.layout.end_object_value(writer)
    }
}

/// Serializes `value` as JSON bytes, numbers printed as JavaScript prints them.
pub fn to_json_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        JsFormatter::new(),
    ))?;
    Ok(out)
}

/// Serializes `value` as a JSON string, numbers printed as JavaScript prints them:
/// what `JSON.stringify(value)` gives.
///
/// ```
/// use contentkit::element::to_json_string;
/// let v = serde_json::json!({"ratio": 1e21, "small": 0.000001, "big": 12345678901234567890u64});
/// assert_eq!(to_json_string(&v).unwrap(), r#"{"ratio":1e+21,"small":0.000001,"big":12345678901234567000}"#);
/// ```
pub fn to_json_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_json_vec(value).map(utf8)
}

/// As [`to_json_string`], indented with two spaces (`JSON.stringify(value, null, 2)`).
pub fn to_json_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        JsFormatter::pretty(),
    ))?;
    Ok(utf8(out))
}

/// serde_json writes valid UTF-8 only.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_javascript_prints() {
        // Each pair checked against Node 20's `String(x)`.
        for (x, js) in [
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9007199254740994.0, "9007199254740994"),
            (1.7777555555555553, "1.7777555555555553"),
            (-0.0, "0"),
            (1e16, "10000000000000000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1.5e300, "-1.5e+300"),
            (18446744073709552000.0, "18446744073709552000"),
            (3e-6, "0.000003"),
            (-123.456, "-123.456"),
            // Two 17-digit decimals read back as this double; JavaScript takes the closer.
            (f64::from_bits(0x4317_9085_685d_83c9), "1658206780088562.2"),
            (f64::from_bits(0xc30d_eb9e_e957_fc2a), "-1052730259603333.2"),
        ] {
            assert_eq!(JsNumber(x).to_string(), js, "{x:e}");
        }
    }

    #[test]
    fn integers_beyond_2_53_print_as_the_double_javascript_reads() {
        let v = serde_json::json!([
            9007199254740991u64,
            9007199254740993u64,
            -9007199254740993i64,
            u64::MAX
        ]);
        assert_eq!(
            to_json_string(&v).unwrap(),
            "[9007199254740991,9007199254740992,-9007199254740992,18446744073709552000]"
        );
    }

    #[test]
    fn pretty_keeps_the_layout() {
        let v = serde_json::json!({"a": [1e21, 2]});
        assert_eq!(
            to_json_string_pretty(&v).unwrap(),
            "{\n  \"a\": [\n    1e+21,\n    2\n  ]\n}"
        );
    }

    #[test]
    fn normalizing_a_deep_value_does_not_recurse() {
        let mut v = Value::from(1.0);
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        normalize_numbers(&mut v);
        let mut at = &v;
        while let Value::Array(items) = at {
            at = &items[0];
        }
        assert!(at.is_u64());
        // Dropping it as is would recurse once per level; take it apart level by level.
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }
}
