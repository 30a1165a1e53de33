//! `Math`'s transcendental functions with V8's exact results.
//!
//! The language leaves their precision to the engine; V8 computes them with its port
//! of fdlibm, and components print them, so the digits must be V8's. The `libm` crate
//! follows FreeBSD's msun (fdlibm's descendant) for most of them, and those are used
//! as they are. Where `libm` took another algorithm (musl's hyperbolic functions,
//! core-math's `cbrt`, msun's newer `log10` and trigonometric kernels) or V8 departs
//! from fdlibm (`exp(1)`, `hypot`), the functions here follow the formulas V8 uses,
//! step for step, since the order of the floating-point operations decides the last
//! digit.

// fdlibm's constants are written with the digits it publishes, so that they can be
// checked against it; the compiler rounds them to the same doubles.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

mod trig;

pub(crate) use trig::{cos, sin, tan};

/// The high 32 bits of `x`, as fdlibm reads them.
fn high(x: f64) -> u32 {
    (x.to_bits() >> 32) as u32
}

/// `x` with its high 32 bits replaced.
fn with_high(x: f64, hi: u32) -> f64 {
    f64::from_bits((u64::from(hi) << 32) | (x.to_bits() & 0xFFFF_FFFF))
}

/// `Math.exp`: fdlibm's, except that `exp(1)` is `Math.E` (fdlibm is one unit off
/// there, and V8 returns the constant).
pub(crate) fn exp(x: f64) -> f64 {
    if x == 1.0 {
        std::f64::consts::E
    } else {
        libm::exp(x)
    }
}

/// `Math.cosh`.
pub(crate) fn cosh(x: f64) -> f64 {
    const OVERFLOW: f64 = 710.475_860_073_943_9;
    let ix = high(x) & 0x7FFF_FFFF;
    let a = x.abs();
    if ix < 0x3FD6_2E43 {
        // |x| < ln2/2: 1 + expm1(|x|)² / (2·exp(|x|)).
        let t = libm::expm1(a);
        let w = 1.0 + t;
        if ix < 0x3C80_0000 {
            return w;
        }
        return 1.0 + (t * t) / (w + w);
    }
    if ix < 0x4036_0000 {
        // |x| < 22: (exp(|x|) + 1/exp(|x|)) / 2.
        let t = exp(a);
        return 0.5 * t + 0.5 / t;
    }
    if ix < 0x4086_2E42 {
        return 0.5 * exp(a);
    }
    if a <= OVERFLOW {
        let w = exp(0.5 * a);
        let t = 0.5 * w;
        return t * w;
    }
    if x.is_nan() {
        return x;
    }
    f64::INFINITY
}

/// `Math.sinh`.
pub(crate) fn sinh(x: f64) -> f64 {
    const OVERFLOW: f64 = 710.475_860_073_943_9;
    const TWO_M28: f64 = 3.725_290_298_461_914e-9;
    const LOG_MAX: f64 = 709.782_226_562_5;
    let h = if x < 0.0 { -0.5 } else { 0.5 };
    let a = x.abs();
    if a < 22.0 {
        if a < TWO_M28 {
            return x;
        }
        let t = libm::expm1(a);
        if a < 1.0 {
            return h * (2.0 * t - t * t / (t + 1.0));
        }
        return h * (t + t / (t + 1.0));
    }
    if a < LOG_MAX {
        return h * exp(a);
    }
    if a <= OVERFLOW {
        let w = exp(0.5 * a);
        let t = h * w;
        return t * w;
    }
    // Overflow to an infinity of x's sign, or NaN.
    x * 1.0e307
}

/// `Math.tanh`.
pub(crate) fn tanh(x: f64) -> f64 {
    let ix = high(x) & 0x7FFF_FFFF;
    if x.is_nan() {
        return x;
    }
    let z = if ix < 0x4036_0000 {
        if ix < 0x3E30_0000 {
            return x;
        }
        if ix >= 0x3FF0_0000 {
            let t = libm::expm1(2.0 * x.abs());
            1.0 - 2.0 / (t + 2.0)
        } else {
            let t = libm::expm1(-2.0 * x.abs());
            -t / (t + 2.0)
        }
    } else {
        1.0
    };
    if x.is_sign_negative() {
        -z
    } else {
        z
    }
}

/// `Math.asinh`.
pub(crate) fn asinh(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let ix = high(x) & 0x7FFF_FFFF;
    if !x.is_finite() || ix < 0x3E30_0000 {
        return x;
    }
    let a = x.abs();
    let w = if ix > 0x41B0_0000 {
        libm::log(a) + LN2
    } else if ix > 0x4000_0000 {
        libm::log(2.0 * a + 1.0 / ((x * x + 1.0).sqrt() + a))
    } else {
        let t = x * x;
        libm::log1p(a + t / (1.0 + (1.0 + t).sqrt()))
    };
    if x > 0.0 {
        w
    } else {
        -w
    }
}

/// `Math.acosh`.
pub(crate) fn acosh(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let hx = high(x);
    if x.is_nan() || x < 1.0 {
        return f64::NAN;
    }
    if hx >= 0x41B0_0000 {
        if x.is_infinite() {
            return x;
        }
        return libm::log(x) + LN2;
    }
    if x == 1.0 {
        return 0.0;
    }
    if hx > 0x4000_0000 {
        let t = x * x;
        return libm::log(2.0 * x - 1.0 / (x + (t - 1.0).sqrt()));
    }
    let t = x - 1.0;
    libm::log1p(t + (2.0 * t + t * t).sqrt())
}

/// `Math.atanh`.
pub(crate) fn atanh(x: f64) -> f64 {
    let a = x.abs();
    if x.is_nan() || a > 1.0 {
        return f64::NAN;
    }
    if a == 1.0 {
        return if x > 0.0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
    }
    if high(x) & 0x7FFF_FFFF < 0x3E30_0000 {
        return x;
    }
    let t = if a < 0.5 {
        let t = a + a;
        0.5 * libm::log1p(t + t * a / (1.0 - a))
    } else {
        0.5 * libm::log1p((a + a) / (1.0 - a))
    };
    if x >= 0.0 {
        t
    } else {
        -t
    }
}

/// `Math.log10`: fdlibm's, as `n·log10(2) + log(m)/ln(10)` in split precision.
pub(crate) fn log10(x: f64) -> f64 {
    const TWO54: f64 = 18_014_398_509_481_984.0;
    const IVLN10: f64 = 4.342_944_819_032_518_166_68e-1;
    const LOG10_2HI: f64 = 3.010_299_956_636_117_713_06e-1;
    const LOG10_2LO: f64 = 3.694_239_077_158_930_786_16e-13;
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    if x == 1.0 {
        return 0.0;
    }
    let mut x = x;
    let mut k: i32 = 0;
    if high(x) < 0x0010_0000 {
        // Subnormal: scale up.
        k -= 54;
        x *= TWO54;
    }
    let hx = high(x);
    k += (hx >> 20) as i32 - 1023;
    // A negative exponent takes x/2's mantissa and one more power.
    let i = u32::from(k < 0);
    let y = f64::from(k + i as i32);
    let m = with_high(x, (hx & 0x000F_FFFF) | ((0x3FF - i) << 20));
    let z = y * LOG10_2LO + IVLN10 * libm::log(m);
    z + y * LOG10_2HI
}

/// `Math.cbrt`: fdlibm's (a rough root from the exponent, a polynomial to 23 bits,
/// one Newton step), not `libm`'s correctly rounded one.
pub(crate) fn cbrt(x: f64) -> f64 {
    const B1: u32 = 715_094_163;
    const B2: u32 = 696_219_795;
    const P0: f64 = 1.875_951_824_271_770_096_43;
    const P1: f64 = -1.884_979_795_433_771_698_75;
    const P2: f64 = 1.621_429_720_105_354_466_140;
    const P3: f64 = -0.758_397_934_778_766_047_437;
    const P4: f64 = 0.145_996_192_886_612_446_982;
    let hx = high(x);
    let sign = hx & 0x8000_0000;
    let hx = hx ^ sign;
    if !x.is_finite() {
        return x + x;
    }
    if x == 0.0 {
        return x;
    }
    let mut t = if hx < 0x0010_0000 {
        // Subnormal: work on x·2⁵⁴.
        let s = x * 18_014_398_509_481_984.0;
        let h = high(s) & 0x7FFF_FFFF;
        f64::from_bits(u64::from(sign | (h / 3 + B2)) << 32)
    } else {
        f64::from_bits(u64::from(sign | (hx / 3 + B1)) << 32)
    };
    let r = (t * t) * (t / x);
    t *= (P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4);
    // Round away from zero to 23 bits.
    t = f64::from_bits((t.to_bits() + 0x8000_0000) & 0xFFFF_FFFF_C000_0000);
    let s = t * t;
    let r = x / s;
    let w = t + t;
    let r = (r - t) / (w + r);
    t + t * r
}

/// `Math.hypot`: infinities first, then NaN, then the largest magnitude scaled out
/// and the squares summed with Kahan's compensation, as V8 does.
pub(crate) fn hypot(values: &[f64]) -> f64 {
    let mut max = 0.0f64;
    let mut nan = false;
    for v in values {
        let a = v.abs();
        if a.is_infinite() {
            return f64::INFINITY;
        }
        if a.is_nan() {
            nan = true;
        } else if a > max {
            max = a;
        }
    }
    if nan {
        return f64::NAN;
    }
    if max == 0.0 {
        return 0.0;
    }
    let mut sum = 0.0f64;
    let mut compensation = 0.0f64;
    for v in values {
        let n = v.abs() / max;
        let summand = n * n - compensation;
        let preliminary = sum + summand;
        compensation = (preliminary - sum) - summand;
        sum = preliminary;
    }
    sum.sqrt() * max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_helpers() {
        assert_eq!(high(1.0), 0x3FF0_0000);
        assert_eq!(with_high(1.0, 0x4000_0000), 2.0);
    }

    /// Values Node 20 prints (`node -e 'console.log(Math.cosh(1))'` and so on).
    #[test]
    fn v8_digits() {
        assert_eq!(exp(1.0), 2.718281828459045);
        assert_eq!(cosh(1.0), 1.5430806348152437);
        assert_eq!(cosh(710.0), 1.1169973830808557e308);
        assert_eq!(sinh(710.0), 1.1169973830808557e308);
        assert_eq!(sinh(1.0), 1.1752011936438014);
        assert_eq!(tanh(0.5), 0.46211715726000974);
        assert_eq!(hypot(&[1.0, 2.0, 3.0]), 3.741657386773941);
        assert_eq!(hypot(&[]), 0.0);
        assert!(hypot(&[f64::NAN, f64::INFINITY]).is_infinite());
        assert_eq!(cbrt(2.0), 1.2599210498948732);
        assert_eq!(cbrt(-27.0), -3.0);
        assert_eq!(log10(1000.0), 3.0);
        assert_eq!(log10(2.0), 0.3010299956639812);
    }
}
