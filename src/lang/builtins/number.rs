//! Numbers: `Number`, `parseInt`, `parseFloat`, `Math`, and number methods
//! (`toFixed`, `toString(radix)`, `toPrecision`) with JavaScript's exact decimal
//! rounding. Transcendental functions are V8's (see [`math`]), so results agree to
//! the last digit.

use super::math;
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
        Native::MathCbrt => math::cbrt(num(vm, 0)?),
        Native::MathRandom => vm.host.random(),
        Native::MathLog => libm::log(num(vm, 0)?),
        Native::MathLog2 => libm::log2(num(vm, 0)?),
        Native::MathLog10 => math::log10(num(vm, 0)?),
        Native::MathExp => math::exp(num(vm, 0)?),
        Native::MathSin => math::sin(num(vm, 0)?),
        Native::MathCos => math::cos(num(vm, 0)?),
        Native::MathTan => math::tan(num(vm, 0)?),
        Native::MathAtan => libm::atan(num(vm, 0)?),
        Native::MathAtan2 => libm::atan2(num(vm, 0)?, num(vm, 1)?),
        Native::MathLog1p => libm::log1p(num(vm, 0)?),
        Native::MathExpm1 => libm::expm1(num(vm, 0)?),
        Native::MathAsin => libm::asin(num(vm, 0)?),
        Native::MathAcos => libm::acos(num(vm, 0)?),
        Native::MathSinh => math::sinh(num(vm, 0)?),
        Native::MathCosh => math::cosh(num(vm, 0)?),
        Native::MathTanh => math::tanh(num(vm, 0)?),
        Native::MathAsinh => math::asinh(num(vm, 0)?),
        Native::MathAcosh => math::acosh(num(vm, 0)?),
        Native::MathAtanh => math::atanh(num(vm, 0)?),
        Native::MathClz32 => f64::from(vm.to_u32(arg(args, 0), site)?.leading_zeros()),
        Native::MathFround => f64::from(num(vm, 0)? as f32),
        Native::MathImul => {
            let a = vm.to_i32(arg(args, 0), site)?;
            let b = vm.to_i32(arg(args, 1), site)?;
            f64::from(a.wrapping_mul(b))
        }
        Native::MathHypot => {
            let mut values = Vec::with_capacity(args.len());
            for i in 0..args.len() {
                values.push(num(vm, i)?);
            }
            math::hypot(&values)
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

/// The `p` significant digits of positive finite `a` rounded half up (of two
/// candidates, the larger, as `toPrecision` and `toExponential` pick), and the
/// exponent of the first.
fn significant(a: f64, p: usize) -> (String, i64) {
    let (int, frac) = exact_decimal(a);
    // All digits and the exponent of the first significant one.
    let all: String = format!("{int}{frac}");
    let lead = all.bytes().position(|b| b != b'0').unwrap_or(0);
    let mut e = int.len() as i64 - 1 - lead as i64;
    let sig = &all[lead..];
    let rounded = round_half_up(
        sig.get(..p.min(sig.len())).unwrap_or(sig),
        sig.get(p..).unwrap_or(""),
        0,
    );
    let mut digits = format!("{rounded:0<p$}");
    if digits.len() > p {
        digits.truncate(p);
        e += 1;
    }
    (digits, e)
}

/// The shortest digits that read back as positive finite `a` (those `String(a)`
/// prints), and the exponent of the first.
fn shortest(a: f64) -> (String, i64) {
    let mut buf = ryu_js::Buffer::new();
    let s = buf.format_finite(a);
    let (mantissa, exp) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let lead = all.bytes().position(|b| b != b'0').unwrap_or(0);
    let digits = all[lead..].trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (digits.to_owned(), exp + int.len() as i64 - 1 - lead as i64)
}

/// `d.ddde±n`.
fn exponential_form(digits: &str, e: i64) -> String {
    let (first, rest) = digits.split_at(1);
    let sign = if e >= 0 { '+' } else { '-' };
    if rest.is_empty() {
        format!("{first}e{sign}{}", e.abs())
    } else {
        format!("{first}.{rest}e{sign}{}", e.abs())
    }
}

/// `x.toExponential(f)`; `None`: as many digits as `x` needs.
fn to_exponential(x: f64, f: Option<usize>) -> String {
    if !x.is_finite() {
        return js_number_to_string(x);
    }
    let (digits, e) = match (x == 0.0, f) {
        (true, f) => ("0".repeat(f.unwrap_or(0) + 1), 0),
        (false, Some(f)) => significant(x.abs(), f + 1),
        (false, None) => shortest(x.abs()),
    };
    let body = exponential_form(&digits, e);
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
    let (digits, e) = significant(x.abs(), p);
    let body = if e < -6 || e >= p as i64 {
        exponential_form(&digits, e)
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

/// `x.toString(radix)`, digit for digit as V8 writes it: fraction digits only as
/// many as the double's precision holds (rounding half to even, with carries into
/// the digits already written), integer digits beyond 2^53 as zeros.
fn to_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !x.is_finite() {
        return js_number_to_string(x);
    }
    let digit_char = |d: u32| std::char::from_digit(d, radix).unwrap_or('0');
    let r = f64::from(radix);
    let negative = x < 0.0;
    let value = x.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // Half the gap to the next double: digits below it are noise.
    let mut delta = (0.5 * (f64::from_bits(value.to_bits() + 1) - value)).max(f64::from_bits(1));
    let mut frac_digits: Vec<u32> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as u32;
            frac_digits.push(digit);
            fraction -= f64::from(digit);
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Round up, carrying through the digits written.
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) if d + 1 < radix => {
                            frac_digits.push(d + 1);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    let mut int_digits: Vec<char> = Vec::new();
    // Digits past the double's 53 bits are zeros.
    while integer / r >= 9_007_199_254_740_992.0 {
        integer /= r;
        int_digits.push('0');
    }
    loop {
        let remainder = integer % r;
        int_digits.push(digit_char(remainder as u32));
        integer = (integer - remainder) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev());
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(frac_digits.iter().map(|&d| digit_char(d)));
    }
    out
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
        Method::ToExponential => {
            let f = match arg(args, 0) {
                Value::Undefined => None,
                v => {
                    let f = vm.to_number(v, site)?;
                    Some(if f.is_nan() { 0.0 } else { f.trunc() })
                }
            };
            if !x.is_finite() {
                js_number_to_string(x)
            } else {
                if f.is_some_and(|f| !(0.0..=100.0).contains(&f)) {
                    return Err(vm.throw(
                        error_class::RANGE_ERROR,
                        "toExponential() argument must be between 0 and 100",
                        site,
                    ));
                }
                to_exponential(x, f.map(|f| f as usize))
            }
        }
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

    /// Each expression with what Node 20 prints for it.
    #[test]
    fn agrees_with_node() {
        super::super::test_support::check(&[
            ("[0.1, 0.2, 0.3, 1 / 3, Math.PI, 1e-7, 123.456, 2 ** 53 + 2, 1e21, 1.5e300, 5e-324, 0.5, 255.5, -17.25, 1 - 2 ** -52, 0.999999].map((x) => x.toString(2) + ' ' + x.toString(16) + ' ' + x.toString(36) + ' ' + x.toString(7)).join(' | ')", "0.0001100110011001100110011001100110011001100110011001101 0.1999999999999a 0.3lllllllllm 0.04620462046204620463 | 0.001100110011001100110011001100110011001100110011001101 0.33333333333334 0.77777777778 0.12541254125412541255 | 0.010011001100110011001100110011001100110011001100110011 0.4ccccccccccccc 0.asssssssssp 0.2046204620462046205 | 0.010101010101010101010101010101010101010101010101010101 0.55555555555554 0.c 0.2222222222222222222 | 11.001001000011111101101010100010001000010110100011 3.243f6a8885a3 3.53i5ab8p5f 3.066365143203613411 | 0.0000000000000000000000011010110101111111001010011010101111001010111101001 0.000001ad7f29abcaf48 0.000061oezo085tl 0.000000004015062102535220433 | 1111011.0111010010111100011010100111111011111001110111 7b.74bc6a7ef9dc 3f.gez4w97ry 234.312256641535441 | 100000000000000000000000000000000000000000000000000010 20000000000002 2gosa7pa2gy 5350140446150306056 | 1101100011010111001001101011011100010111011110101000000000000000000000 3635c9adc5dea00000 5v1j4f4ds7c000 5135235413265003022600000 | 10001111010110010110101100110000000000101100000110101000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 23d65acc00b06a00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 n87ft250o8w00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 13160051451131103204000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 | 0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001 0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004 0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003 0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002 | 0.1 0.8 0.i 0.3333333333333333334 | 11111111.1 ff.8 73.i 513.33333333333333334 | -10001.01 -11.4 -h.9 -23.15151515151515152 | 0.1111111111111111111111111111111111111111111111111111 0.fffffffffffff 0.zzzzzzzzzza 0.6666666666666666664 | 0.11111111111111111110111100111001000010000101111101001 0.ffffef39085f48 0.zzzybj7u3bs 0.66666661143446633"),
            ("[1.005, 1.45, 2.5, -2.5, 0.5, -0.5, 1.255, 123.456, 0.000001, 1e21, -1e-7, 10.235, 8.345, 1.0000000000000002, 0.1 + 0.2].map((n) => n.toFixed(2) + '/' + n.toPrecision(3) + '/' + n.toFixed(0) + '/' + n.toPrecision(1)).join(' ')", "1.00/1.00/1/1 1.45/1.45/1/1 2.50/2.50/3/3 -2.50/-2.50/-3/-3 0.50/0.500/1/0.5 -0.50/-0.500/-1/-0.5 1.25/1.25/1/1 123.46/123/123/1e+2 0.00/0.00000100/0/0.000001 1e+21/1.00e+21/1e+21/1e+21 -0.00/-1.00e-7/-0/-1e-7 10.23/10.2/10/1e+1 8.35/8.35/8/8 1.00/1.00/1/1 0.30/0.300/0/0.3"),
            ("[(0).toFixed(2), (-0).toFixed(2), (1e-10).toPrecision(2), (123456789).toPrecision(4), (0.00001234).toPrecision(2), (1e21).toPrecision(3), (99.99).toPrecision(3), (5e-7).toFixed(7), (1.5e300).toFixed(2)].join(' ')", "0.00 0.00 1.0e-10 1.235e+8 0.000012 1.00e+21 100 0.0000005 1.5e+300"),
            ("['08', '0x', '0x1g', '  -0x10', '1e3', '12.9', '-0', '', ' 42abc', '\\u00a042', '0b11', '3.7e2', '123456789012345678901234567890', 'Infinity', '9007199254740993'].map((s) => parseInt(s)).join(' ')", "8 NaN 1 -16 1 12 0 NaN 42 42 0 3 1.2345678901234568e+29 NaN 9007199254740992"),
            ("[['11', 2], ['z', 36], ['Z', 36], ['10', 37], ['10', 1], ['10', 0], ['ff', 16], ['0xff', 16], ['0xff', 10], ['-ff', 16], ['777', 8], ['8', 8], ['1', 2.9], ['10', -1], ['zzzzzzzzzzzzzzzz', 36]].map(([s, r]) => parseInt(s, r)).join(' ')", "3 35 35 NaN NaN 10 255 255 0 -255 511 NaN 1 NaN 7.958661109946401e+24"),
            ("['3.14abc', '.5', '-.5e-3x', '1e', 'e5', '  +7', '-Infinity', 'infinity', '0x10', '1_000', '١'].map((s) => parseFloat(s)).join(' ')", "3.14 0.5 -0.0005 1 NaN 7 -Infinity NaN 0 1 NaN"),
            ("[(255).toString(16), (255).toString(2), (-255).toString(36), (0.5).toString(2), (0.1).toString(3), (3.14159).toString(16), (1e21).toString(7), (2**60).toString(2).length, (0.000001).toString(5), (-0).toString(2), (123.456).toString(36)].join(' ')", "ff 11111111 -73 0.1 0.0022002200220022002200220022002201 3.243f3e0370cdc 5135235413265003022600000 61 0.0000000014340322421131001434033 0 3f.gez4w97ry"),
        ("[0.1, 0.3, 0.6, 0.9, 1.5, 2, 5, 21.9, 22.5, -0.3, -3].map((x) => Math.tanh(x)).join(' ')", "0.09966799462495582 0.2913126124515909 0.5370495669980353 0.7162978701990245 0.9051482536448664 0.9640275800758169 0.9999092042625951 1 1 -0.2913126124515909 -0.9950547536867305"),
        ("[0.1, 0.3, 0.6, 0.9, 1.5, 2, 5, 21.9, 22.5, 700, -0.3, -3].map((x) => Math.sinh(x)).join(' ')", "0.10016675001984403 0.3045202934471426 0.6366535821482412 1.0265167257081753 2.1292794550948173 3.626860407847019 74.20321057778875 1621881641.788824 2955261031.5116453 5.0711602736750225e+303 -0.3045202934471426 -10.017874927409903"),
        ("[0.1, 0.3, 0.6, 0.9, 1.5, 2, 5, 21.9, 22.5, 700, -0.3, -3].map((x) => Math.cosh(x)).join(' ')", "1.0050041680558035 1.0453385141288605 1.1854652182422676 1.4330863854487745 2.352409615243247 3.7621956910836314 74.20994852478785 1621881641.788824 2955261031.5116453 5.0711602736750225e+303 1.0453385141288605 10.067661995777765"),
        ("[0.1, 1.5, 2, 2.5, 1e5, 1e9, 3e8, -2.5, 1e-5].map((x) => Math.asinh(x)).join(' ')", "0.09983407889920758 1.1947632172871094 1.4436354751788103 1.6472311463710958 12.206072645555174 21.416413017506354 20.212440213180418 -1.6472311463710958 0.000009999999999833334"),
        ("[1.1, 1.5, 2, 2.5, 1e5, 1e9, 3e8].map((x) => Math.acosh(x)).join(' ')", "0.4435682543851154 0.9624236501192069 1.3169578969248166 1.566799236972411 12.206072645505174 21.416413017506354 20.212440213180418"),
        ("[2, 3, 5, 7, 10, 100, 1e-3, 0.5, 123456, 5e-324, 1e300, 0.1].map((x) => Math.log10(x)).join(' ')", "0.3010299956639812 0.47712125471966244 0.6989700043360189 0.8450980400142568 1 2 -3 -0.3010299956639812 5.091512201627772 -323.3062153431158 300 -1"),
        ("[2, 3, 5, 7, 10, 100, 1e-3, 0.5, 123456, 5e-324, 1e300, -8, 0.1].map((x) => Math.cbrt(x)).join(' ')", "1.2599210498948732 1.4422495703074083 1.709975946676697 1.9129311827723892 2.154434690031884 4.641588833612779 0.1 0.7937005259840998 49.79327984674048 1.7031839360032603e-108 1e+100 -2 0.4641588833612779"),
        ("[0.5, 2, -1, 10, 100, 700, -700, 1e-10, 3.3].map((x) => Math.exp(x)).join(' ')", "1.6487212707001282 7.38905609893065 0.36787944117144233 22026.465794806718 2.6881171418161356e+43 1.0142320547350045e+304 9.85967654375977e-305 1.0000000001 27.112638920657883"),
        ("[[2, 0.5], [10, -2], [1.1, 10], [2, 1e-3], [0.5, 1.5], [7, 1 / 3], [1.0000001, 1e7], [-8, 1 / 3], [3, 40]].map(([a, b]) => a ** b).join(' ')", "1.4142135623730951 0.01 2.5937424601000023 1.0006933874625807 0.35355339059327373 1.912931182772389 2.7182816941320818 NaN 12157665459056929000"),
        ("[[3, 4], [1, 1], [1e200, 1e200], [0.1, 0.2, 0.3], [-5], [5, 12, 84]].map((v) => Math.hypot(...v)).join(' ')", "5 1.4142135623730951 1.414213562373095e+200 0.37416573867739417 5 85"),
        ("[0.5, 2, 3, 0.1, 100, 1e-7].map((x) => Math.log(x) + ' ' + Math.log2(x) + ' ' + Math.log1p(x) + ' ' + Math.expm1(x)).join(' ')", "-0.6931471805599453 -1 0.4054651081081644 0.6487212707001282 0.6931471805599453 1 1.0986122886681096 6.38905609893065 1.0986122886681096 1.584962500721156 1.3862943611198906 19.085536923187668 -2.3025850929940455 -3.321928094887362 0.09531017980432487 0.10517091807564763 4.605170185988092 6.643856189774724 4.61512051684126 2.6881171418161356e+43 -16.11809565095832 -23.253496664211536 9.999999500000033e-8 1.0000000500000016e-7"),
        ("[0.5, 2, 3, 0.1, 100, 1e-7, 1e10].map((x) => Math.sin(x) + ' ' + Math.cos(x) + ' ' + Math.tan(x) + ' ' + Math.atan(x)).join(' ')", "0.479425538604203 0.8775825618903728 0.5463024898437905 0.4636476090008061 0.9092974268256817 -0.4161468365471424 -2.185039863261519 1.1071487177940904 0.1411200080598672 -0.9899924966004454 -0.1425465430742778 1.2490457723982544 0.09983341664682815 0.9950041652780257 0.10033467208545055 0.09966865249116204 -0.5063656411097588 0.8623188722876839 -0.5872139151569291 1.5607966601082315 9.999999999999982e-8 0.999999999999995 1.0000000000000033e-7 9.999999999999966e-8 -0.4875060250875107 0.873119622676856 -0.5583496378112418 1.5707963266948965"),
        ("[0, 1, 123456, 0.00015, -1.5, 1e21, 1.45, 2.5, 1.255, 5e-324, 1.7976931348623157e308, -0, 0.1].map((n) => n.toExponential(2)).join(' ')", "0.00e+0 1.00e+0 1.23e+5 1.50e-4 -1.50e+0 1.00e+21 1.45e+0 2.50e+0 1.25e+0 4.94e-324 1.80e+308 0.00e+0 1.00e-1"),
        ("[0, 1, 123456, 0.00015, -1.5, 1e21, 1.45, 25, 1.255, 5e-324, 1.7976931348623157e308, -0, 0.1, 123.456, 1e-7].map((n) => n.toExponential()).join(' ')", "0e+0 1e+0 1.23456e+5 1.5e-4 -1.5e+0 1e+21 1.45e+0 2.5e+1 1.255e+0 5e-324 1.7976931348623157e+308 0e+0 1e-1 1.23456e+2 1e-7"),
        ("[0, 1, 1.5, 9.995, 999.5].map((n) => n.toExponential(0)).join(' ')", "0e+0 1e+0 2e+0 1e+1 1e+3"),
        ("(1.23).toExponential(20)", "1.22999999999999998224e+0"),
        ("(1).toExponential(100).length", "105"),
        ("(1).toExponential(101)", "throws RangeError: toExponential() argument must be between 0 and 100"),
        ("(1).toExponential(-1)", "throws RangeError: toExponential() argument must be between 0 and 100"),
        ("[NaN][0].toExponential(2)", "NaN"),
        ("[Infinity][0].toExponential(200)", "Infinity"),
        ("(-Infinity).toExponential()", "-Infinity"),
        ("(123.456).toExponential(undefined)", "1.23456e+2"),
        ("(123.456).toExponential(1.9)", "1.2e+2"),
        ("(123.456).toExponential('2')", "1.23e+2"),
        ("[1, 0, -1, 0.5, 2**32, 2**32 + 1, -0, NaN, Infinity, 3.7].map((x) => Math.clz32(x)).join(' ')", "31 32 0 32 32 31 32 32 32 30"),
        ("[5.5, 5.05, 1e40, -0, NaN, 1/3, 16777217].map((x) => Math.fround(x)).join(' ')", "5.5 5.050000190734863 Infinity 0 NaN 0.3333333432674408 16777216"),
        ("[[3, 4], [0xffffffff, 5], [-5, 12], [2**31, 2], [1.9, 2.9], [NaN, 1]].map(([a, b]) => Math.imul(a, b)).join(' ')", "12 -5 -60 0 2 0"),
        ("[1e-10, 1, -1, -2, 0, -0, Infinity].map((x) => Math.log1p(x)).join(' ')", "9.999999999500001e-11 0.6931471805599453 -Infinity NaN 0 0 Infinity"),
        ("[1e-10, 1, -1, 0, -0, 710, -Infinity].map((x) => Math.expm1(x)).join(' ')", "1.00000000005e-10 1.718281828459045 -0.6321205588285577 0 0 Infinity -1"),
        ("[1, -1, 0.5, 2, -0, 0.3].map((x) => Math.asin(x)).join(' ')", "1.5707963267948966 -1.5707963267948966 0.5235987755982989 NaN 0 0.3046926540153975"),
        ("[1, -1, 0.5, 2, 0.3].map((x) => Math.acos(x)).join(' ')", "0 3.141592653589793 1.0471975511965979 NaN 1.2661036727794992"),
        ("[1, -1, 0.5, 0, -0, 710, 20].map((x) => Math.sinh(x)).join(' ')", "1.1752011936438014 -1.1752011936438014 0.5210953054937474 0 0 1.1169973830808557e+308 242582597.70489514"),
        ("[1, -1, 0.5, 0, 710, 20].map((x) => Math.cosh(x)).join(' ')", "1.5430806348152437 1.5430806348152437 1.1276259652063807 1 1.1169973830808557e+308 242582597.70489514"),
        ("[1, -1, 0.5, 0, -0, 20, 0.1].map((x) => Math.tanh(x)).join(' ')", "0.7615941559557649 -0.7615941559557649 0.46211715726000974 0 0 1 0.09966799462495582"),
        ("[1, -1, 0.5, 0, -0, 1e300].map((x) => Math.asinh(x)).join(' ')", "0.881373587019543 -0.881373587019543 0.48121182505960347 0 0 691.4686750787736"),
        ("[1, 2, 0.5, 10, 1e300].map((x) => Math.acosh(x)).join(' ')", "0 1.3169578969248166 NaN 2.993222846126381 691.4686750787736"),
        ("[0.5, -0.5, 1, -1, 2, 0, -0, 0.1].map((x) => Math.atanh(x)).join(' ')", "0.5493061443340548 -0.5493061443340548 Infinity -Infinity NaN 0 0 0.10033534773107558"),
        ("[Math.LOG2E, Math.LOG10E, Math.SQRT1_2].join(' ')", "1.4426950408889634 0.4342944819032518 0.7071067811865476"),
        ("[Math.sin(1), Math.cos(1), Math.tan(1), Math.atan(1), Math.exp(1), Math.log(10), Math.pow(1.1, 10), Math.cbrt(2), Math.log2(3), Math.log10(2), Math.atan2(1, 2), Math.hypot(1, 2, 3)].join(' ')", "0.8414709848078965 0.5403023058681398 1.5574077246549023 0.7853981633974483 2.718281828459045 2.302585092994046 2.5937424601000023 1.2599210498948732 1.584962500721156 0.3010299956639812 0.4636476090008061 3.741657386773941"),
        ]);
    }

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
    fn exponential() {
        assert_eq!(to_exponential(123456.0, Some(2)), "1.23e+5");
        assert_eq!(to_exponential(0.0, Some(2)), "0.00e+0");
        assert_eq!(to_exponential(-0.0, None), "0e+0");
        assert_eq!(to_exponential(1.255, Some(2)), "1.25e+0");
        assert_eq!(to_exponential(999.5, Some(0)), "1e+3");
        assert_eq!(to_exponential(0.00015, None), "1.5e-4");
        assert_eq!(to_exponential(1e21, None), "1e+21");
        assert_eq!(to_exponential(5e-324, Some(2)), "4.94e-324");
        assert_eq!(to_exponential(f64::MAX, None), "1.7976931348623157e+308");
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_int("  42px", 0), 42.0);
        assert_eq!(parse_int("0x1F", 0), 31.0);
        assert_eq!(parse_int("-12", 10), -12.0);
        assert!(parse_int("px", 10).is_nan());
        assert_eq!(parse_int("101", 2), 5.0);
        assert_eq!(parse_float("2.5abc"), 2.5);
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
