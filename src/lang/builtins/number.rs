//! Numbers: `Number`, `parseInt`, `parseFloat`, `Math`, and number methods
//! (`toFixed`, `toString(radix)`, `toPrecision`) with JavaScript's exact decimal
//! rounding. Transcendental functions come from `libm`, a port of the fdlibm code
//! JavaScript engines use, so results agree to the last digit.

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::number::{is_js_whitespace, js_number_to_string};
use crate::lang::value::Value;

/// Number functions and `Math`.
pub(super) fn call(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    let num = |vm: &mut Vm<'_>, i: usize| vm.to_number(arg(args, i), site);
    Ok(Value::Num(match n {
        Native::NumberFn => {
            if args.is_empty() {
                0.0
            } else {
                num(vm, 0)?
            }
        }
        Native::ParseInt => {
            let s = vm.to_string(arg(args, 0), site)?;
            let text = vm.heap.str_lossy(s).into_owned();
            let radix = match arg(args, 1) {
                Value::Undefined => 0,
                v => vm.to_i32(v, site)?,
            };
            parse_int(&text, radix)
        }
        Native::ParseFloat => {
            let s = vm.to_string(arg(args, 0), site)?;
            parse_float(&vm.heap.str_lossy(s))
        }
        Native::IsNaN => return Ok(Value::Bool(num(vm, 0)?.is_nan())),
        Native::IsFinite => return Ok(Value::Bool(num(vm, 0)?.is_finite())),
        Native::NumberIsInteger => {
            return Ok(Value::Bool(
                matches!(arg(args, 0), Value::Num(x) if x.is_finite() && x.fract() == 0.0),
            ))
        }
        Native::NumberIsSafeInteger => {
            return Ok(Value::Bool(
                matches!(arg(args, 0), Value::Num(x) if x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_991.0),
            ))
        }
        Native::NumberIsFinite => {
            return Ok(Value::Bool(
                matches!(arg(args, 0), Value::Num(x) if x.is_finite()),
            ))
        }
        Native::NumberIsNaN => {
            return Ok(Value::Bool(
                matches!(arg(args, 0), Value::Num(x) if x.is_nan()),
            ))
        }
        Native::MathAbs => num(vm, 0)?.abs(),
        Native::MathFloor => num(vm, 0)?.floor(),
        Native::MathCeil => num(vm, 0)?.ceil(),
        Native::MathTrunc => num(vm, 0)?.trunc(),
        Native::MathRound => js_round(num(vm, 0)?),
        Native::MathSign => {
            let x = num(vm, 0)?;
            if x.is_nan() || x == 0.0 {
                x
            } else {
                x.signum()
            }
        }
        Native::MathMin | Native::MathMax => {
            let max = n == Native::MathMax;
            let mut acc = if max {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            let mut nan = false;
            for i in 0..args.len() {
                let x = num(vm, i)?;
                if x.is_nan() {
                    nan = true;
                } else if (max && (x > acc || (x == 0.0 && acc == 0.0 && x.is_sign_positive())))
                    || (!max && (x < acc || (x == 0.0 && acc == 0.0 && x.is_sign_negative())))
                {
                    acc = x;
                }
            }
            if nan {
                f64::NAN
            } else {
                acc
            }
        }
        Native::MathPow => crate::lang::eval::ops::js_pow(num(vm, 0)?, num(vm, 1)?),
        Native::MathSqrt => num(vm, 0)?.sqrt(),
        Native::MathCbrt => libm::cbrt(num(vm, 0)?),
        Native::MathRandom => vm.host.random(),
        Native::MathLog => libm::log(num(vm, 0)?),
        Native::MathLog2 => libm::log2(num(vm, 0)?),
        Native::MathLog10 => libm::log10(num(vm, 0)?),
        Native::MathExp => libm::exp(num(vm, 0)?),
        Native::MathSin => libm::sin(num(vm, 0)?),
        Native::MathCos => libm::cos(num(vm, 0)?),
        Native::MathTan => libm::tan(num(vm, 0)?),
        Native::MathAtan => libm::atan(num(vm, 0)?),
        Native::MathAtan2 => libm::atan2(num(vm, 0)?, num(vm, 1)?),
        Native::MathHypot => {
            let mut acc = 0.0f64;
            let mut inf = false;
            let mut nan = false;
            for i in 0..args.len() {
                let x = num(vm, i)?;
                inf |= x.is_infinite();
                nan |= x.is_nan();
                acc = libm::hypot(acc, x);
            }
            if inf {
                f64::INFINITY
            } else if nan {
                f64::NAN
            } else {
                acc
            }
        }
        _ => f64::NAN,
    }))
}

/// `Math.round`: halves round up (towards +∞), and the sign of zero is kept.
pub(crate) fn js_round(x: f64) -> f64 {
    if !x.is_finite() || x.fract() == 0.0 {
        return x;
    }
    let r = x.floor();
    let out = if x - r >= 0.5 { r + 1.0 } else { r };
    if out == 0.0 && x < 0.0 {
        -0.0
    } else {
        out
    }
}

/// `parseInt(s, radix)`.
pub(crate) fn parse_int(s: &str, radix: i32) -> f64 {
    let t = s.trim_start_matches(is_js_whitespace);
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut radix = radix;
    let mut t = t;
    if radix == 0 || radix == 16 {
        if let Some(rest) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            t = rest;
            radix = 16;
        }
    }
    if radix == 0 {
        radix = 10;
    }
    if !(2..=36).contains(&radix) {
        return f64::NAN;
    }
    let digits: String = t.chars().take_while(|c| c.is_digit(radix as u32)).collect();
    if digits.is_empty() {
        return f64::NAN;
    }
    let x = if radix == 10 {
        digits.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        digits.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix as u32).unwrap_or(0))
        })
    };
    if neg {
        -x
    } else {
        x
    }
}

/// `parseFloat(s)`: the longest decimal literal at the start, after white space.
pub(crate) fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_whitespace);
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if t[i..].starts_with("Infinity") {
        return if b.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        let dot = i;
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
        if i == frac_start && digits == 0 {
            i = dot;
        }
    }
    if digits == 0 {
        return f64::NAN;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        let mark = i;
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            i = mark;
        }
    }
    t[..i].parse::<f64>().unwrap_or(f64::NAN)
}

/// The exact decimal digits of a finite non-negative double: integer part and
/// fraction (every digit, no rounding).
fn exact_decimal(x: f64) -> (String, String) {
    // 1100 fraction digits hold any double's exact expansion.
    let s = format!("{x:.1100}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    (int.to_owned(), frac.trim_end_matches('0').to_owned())
}

/// Rounds decimal digits `int.frac` to `f` fraction digits, halves up.
fn round_half_up(int: &str, frac: &str, f: usize) -> String {
    let mut digits: Vec<u8> = int
        .bytes()
        .chain(frac.bytes().chain(std::iter::repeat(b'0')).take(f))
        .collect();
    let next = frac.as_bytes().get(f).copied().unwrap_or(b'0');
    if next >= b'5' {
        // Add one at the last digit.
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let int_len = digits.len() - f;
    let mut out = String::from_utf8_lossy(&digits[..int_len]).into_owned();
    if f > 0 {
        out.push('.');
        out.push_str(&String::from_utf8_lossy(&digits[int_len..]));
    }
    out
}

/// `x.toFixed(f)`.
pub(crate) fn to_fixed(x: f64, f: usize) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.abs() >= 1e21 || x.is_infinite() {
        return js_number_to_string(x);
    }
    let (int, frac) = exact_decimal(x.abs());
    let body = round_half_up(&int, &frac, f);
    if x < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// `x.toPrecision(p)`.
fn to_precision(x: f64, p: usize) -> String {
    if !x.is_finite() {
        return js_number_to_string(x);
    }
    if x == 0.0 {
        return if p == 1 {
            "0".into()
        } else {
            format!("0.{}", "0".repeat(p - 1))
        };
    }
    let neg = x < 0.0;
    let a = x.abs();
    let (int, frac) = exact_decimal(a);
    // All significant digits and the exponent of the first one.
    let all: String = format!("{int}{frac}");
    let lead = all.bytes().position(|b| b != b'0').unwrap_or(0);
    let e = int.len() as i64 - 1 - lead as i64;
    let sig = &all[lead..];
    let rounded = round_half_up(
        sig.get(..p.min(sig.len())).unwrap_or(sig),
        sig.get(p..).unwrap_or(""),
        0,
    );
    let mut digits = format!("{rounded:0<p$}");
    let mut e = e;
    if digits.len() > p {
        digits.truncate(p);
        e += 1;
    }
    let body = if e < -6 || e >= p as i64 {
        let (first, rest) = digits.split_at(1);
        let sign = if e >= 0 { '+' } else { '-' };
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.abs())
        }
    } else if e >= 0 {
        let point = e as usize + 1;
        if point >= digits.len() {
            digits
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-e - 1) as usize))
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// `x.toString(radix)`.
fn to_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !x.is_finite() {
        return js_number_to_string(x);
    }
    let neg = x < 0.0;
    let mut int = x.abs().trunc();
    let mut frac = x.abs() - int;
    let mut digits = Vec::new();
    if int == 0.0 {
        digits.push(b'0');
    }
    while int >= 1.0 {
        let d = (int % f64::from(radix)) as u32;
        digits.push(std::char::from_digit(d, radix).unwrap_or('0') as u8);
        int = (int / f64::from(radix)).trunc();
    }
    digits.reverse();
    let mut out = String::from_utf8_lossy(&digits).into_owned();
    if frac > 0.0 {
        out.push('.');
        // Enough digits to tell the double apart (52 bits).
        let max = (52.0 / f64::from(radix).log2()).ceil() as usize + 1;
        for _ in 0..max {
            frac *= f64::from(radix);
            let d = frac.trunc() as u32;
            out.push(std::char::from_digit(d, radix).unwrap_or('0'));
            frac -= f64::from(d);
            if frac == 0.0 {
                break;
            }
        }
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// A number method; `None` when numbers have no such method.
pub(super) fn method(
    vm: &mut Vm<'_>,
    x: f64,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let s = match m {
        Method::ValueOf => return Ok(Some(Value::Num(x))),
        Method::ToFixed => {
            let f = vm.to_number(arg(args, 0), site)?;
            let f = if f.is_nan() { 0.0 } else { f.trunc() };
            if !(0.0..=100.0).contains(&f) {
                return Err(vm.throw(
                    error_class::RANGE_ERROR,
                    "toFixed() digits argument must be between 0 and 100",
                    site,
                ));
            }
            to_fixed(x, f as usize)
        }
        Method::ToPrecision => match arg(args, 0) {
            Value::Undefined => js_number_to_string(x),
            v => {
                let p = vm.to_number(v, site)?;
                if !(1.0..=100.0).contains(&p.trunc()) {
                    return Err(vm.throw(
                        error_class::RANGE_ERROR,
                        "toPrecision() argument must be between 1 and 100",
                        site,
                    ));
                }
                to_precision(x, p.trunc() as usize)
            }
        },
        Method::ToString => {
            let radix = match arg(args, 0) {
                Value::Undefined => 10.0,
                v => vm.to_number(v, site)?.trunc(),
            };
            if !(2.0..=36.0).contains(&radix) {
                return Err(vm.throw(
                    error_class::RANGE_ERROR,
                    "toString() radix must be between 2 and 36",
                    site,
                ));
            }
            to_radix(x, radix as u32)
        }
        _ => return Ok(None),
    };
    vm.str_value(&s, site).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed() {
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(-0.5, 0), "-1");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(-1e-7, 2), "-0.00");
        assert_eq!(to_fixed(1e21, 2), "1e+21");
        assert_eq!(to_fixed(123.456, 1), "123.5");
        assert_eq!(to_fixed(0.0, 2), "0.00");
        assert_eq!(to_fixed(9.995, 2), "9.99");
        assert_eq!(to_fixed(99.5, 0), "100");
    }

    #[test]
    fn precision_and_radix() {
        assert_eq!(to_precision(123.456, 4), "123.5");
        assert_eq!(to_precision(0.000123, 2), "0.00012");
        assert_eq!(to_precision(123456.0, 2), "1.2e+5");
        assert_eq!(to_radix(255.0, 16), "ff");
        assert_eq!(to_radix(-5.0, 2), "-101");
        assert_eq!(to_radix(0.5, 2), "0.1");
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_int("  42px", 0), 42.0);
        assert_eq!(parse_int("0x1F", 0), 31.0);
        assert_eq!(parse_int("-12", 10), -12.0);
        assert!(parse_int("px", 10).is_nan());
        assert_eq!(parse_int("101", 2), 5.0);
        assert_eq!(parse_float("3.14abc"), 3.14);
        assert_eq!(parse_float(".5"), 0.5);
        assert_eq!(parse_float("-Infinityx"), f64::NEG_INFINITY);
        assert!(parse_float("abc").is_nan());
        assert_eq!(parse_float("1e3x"), 1000.0);
        assert_eq!(parse_float("1ex"), 1.0);
    }

    #[test]
    fn rounding() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert_eq!(js_round(0.49999999999999994), 0.0);
        assert!(js_round(-0.4).is_sign_negative());
    }
}
