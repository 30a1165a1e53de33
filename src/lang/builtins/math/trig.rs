//! `Math.sin`, `Math.cos` and `Math.tan` as V8 computes them: fdlibm's argument
//! reduction by π/2 (Cody–Waite for moderate arguments, Payne–Hanek with the bits of
//! 2/π beyond) and fdlibm's original polynomial kernels, which round differently
//! from the rewritten ones `libm` carries (`cos(0.1)` is one unit apart).

// fdlibm's constants are written with the digits it publishes, so that they can be
// checked against it; the compiler rounds them to the same doubles.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

use super::high;

/// 2/π, 24 bits per entry.
const TWO_OVER_PI: [i32; 66] = [
    0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041, 0xFE5163,
    0xABDEBB, 0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129,
    0xA73EE8, 0x8235F5, 0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C,
    0x845F8B, 0xBDF928, 0x3B1FF8, 0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF,
    0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D, 0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292,
    0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330, 0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3,
    0x91615E, 0xE61B08, 0x659985, 0x5F14A0, 0x68408D, 0xFFD880, 0x4D7327, 0x310606, 0x1556CA,
    0x73A8C9, 0x60E27B, 0xC08C6B,
];

/// High words of n·π/2 for n = 1..=32, where the quick reduction loses bits.
const NPIO2_HW: [u32; 32] = [
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
    0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
    0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
    0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
];

/// π/2 cut in 24-bit pieces.
const PIO2_PIECES: [f64; 8] = [
    1.570_796_251_296_997_070_31e+00,
    7.549_789_415_861_596_353_35e-08,
    5.390_302_529_957_764_765_54e-15,
    3.282_003_415_807_912_941_23e-22,
    1.270_655_753_080_676_073_49e-29,
    1.229_333_089_811_113_289_32e-36,
    2.733_700_538_164_645_596_24e-44,
    2.167_416_838_778_048_194_44e-51,
];

const INVPIO2: f64 = 6.366_197_723_675_813_824_33e-01;
const PIO2_1: f64 = 1.570_796_326_734_125_614_17e+00;
const PIO2_1T: f64 = 6.077_100_506_506_192_249_32e-11;
const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11;
const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21;
const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21;
const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32;
const TWO24: f64 = 16_777_216.0;
const TWON24: f64 = 5.960_464_477_539_062_5e-08;

/// `x` reduced by π/2: the quadrant count and the remainder as a head and a tail.
fn rem_pio2(x: f64) -> (i32, f64, f64) {
    let hx = high(x) as i32;
    let ix = (hx & 0x7FFF_FFFF) as u32;
    if ix <= 0x3FE9_21FB {
        return (0, x, 0.0);
    }
    if ix < 0x4002_D97C {
        // |x| < 3π/4: one π/2 off, with more bits of π when x is near it.
        let s = if hx > 0 { 1.0 } else { -1.0 };
        let mut z = x - s * PIO2_1;
        let (y0, y1) = if ix != 0x3FF9_21FB {
            let y0 = z - s * PIO2_1T;
            (y0, (z - y0) - s * PIO2_1T)
        } else {
            z -= s * PIO2_2;
            let y0 = z - s * PIO2_2T;
            (y0, (z - y0) - s * PIO2_2T)
        };
        return (if hx > 0 { 1 } else { -1 }, y0, y1);
    }
    if ix <= 0x4139_21FB {
        // |x| <= 2^19·π/2: Cody–Waite in up to three steps.
        let t = x.abs();
        let n = (t * INVPIO2 + 0.5) as i32;
        let f = f64::from(n);
        let mut r = t - f * PIO2_1;
        let mut w = f * PIO2_1T;
        let mut y0 = r - w;
        if !(n < 32 && ix != NPIO2_HW[(n - 1) as usize]) {
            let j = (ix >> 20) as i32;
            let lost = |y: f64| j - ((high(y) >> 20) & 0x7FF) as i32;
            if lost(y0) > 16 {
                let t = r;
                w = f * PIO2_2;
                r = t - w;
                w = f * PIO2_2T - ((t - r) - w);
                y0 = r - w;
                if lost(y0) > 49 {
                    let t = r;
                    w = f * PIO2_3;
                    r = t - w;
                    w = f * PIO2_3T - ((t - r) - w);
                    y0 = r - w;
                }
            }
        }
        let y1 = (r - y0) - w;
        return if hx < 0 { (-n, -y0, -y1) } else { (n, y0, y1) };
    }
    if ix >= 0x7FF0_0000 {
        return (0, f64::NAN, f64::NAN);
    }
    // Huge: |x| as three 24-bit pieces, and Payne–Hanek.
    let e0 = (ix >> 20) as i32 - 1046;
    let low = x.to_bits() & 0xFFFF_FFFF;
    let mut z = f64::from_bits((u64::from(ix - ((e0 as u32) << 20)) << 32) | low);
    let mut tx = [0.0f64; 3];
    for piece in tx.iter_mut().take(2) {
        *piece = f64::from(z as i32);
        z = (z - *piece) * TWO24;
    }
    tx[2] = z;
    let mut nx = 3;
    while tx[nx - 1] == 0.0 {
        nx -= 1;
    }
    let (n, y0, y1) = rem_pio2_large(&tx[..nx], e0);
    if hx < 0 {
        (-n, -y0, -y1)
    } else {
        (n, y0, y1)
    }
}

/// Payne–Hanek reduction of the 24-bit pieces `x` (the first scaled by 2^e0), to 64
/// bits: the quadrant count mod 8 and the remainder.
fn rem_pio2_large(x: &[f64], e0: i32) -> (i32, f64, f64) {
    const JK: usize = 4;
    let jp = JK;
    let jx = x.len() - 1;
    let jv = ((e0 - 3) / 24).max(0) as usize;
    let mut q0 = e0 - 24 * (jv as i32 + 1);
    let mut f = [0.0f64; 20];
    let mut q = [0.0f64; 20];
    let mut fq = [0.0f64; 20];
    let mut iq = [0i32; 20];
    let ipio2 = |k: isize| {
        if k < 0 {
            0.0
        } else {
            f64::from(TWO_OVER_PI[k as usize])
        }
    };
    for (i, slot) in f.iter_mut().enumerate().take(jx + JK + 1) {
        *slot = ipio2(jv as isize - jx as isize + i as isize);
    }
    let product = |f: &[f64; 20], i: usize| (0..=jx).fold(0.0, |acc, j| acc + x[j] * f[jx + i - j]);
    for (i, slot) in q.iter_mut().enumerate().take(JK + 1) {
        *slot = product(&f, i);
    }
    let mut jz = JK;
    let (n, z, ih) = loop {
        // Distill q[] into 24-bit integers, most significant last.
        let mut z = q[jz];
        for (i, j) in (1..=jz).rev().enumerate() {
            let fw = f64::from((TWON24 * z) as i32);
            iq[i] = (z - TWO24 * fw) as i32;
            z = q[j - 1] + fw;
        }
        z = libm::scalbn(z, q0);
        z -= 8.0 * (z * 0.125).floor();
        let mut n = z as i32;
        z -= f64::from(n);
        let mut ih = 0;
        if q0 > 0 {
            let i = iq[jz - 1] >> (24 - q0);
            n += i;
            iq[jz - 1] -= i << (24 - q0);
            ih = iq[jz - 1] >> (23 - q0);
        } else if q0 == 0 {
            ih = iq[jz - 1] >> 23;
        } else if z >= 0.5 {
            ih = 2;
        }
        if ih > 0 {
            // The fraction is at least a half: take 1 − it.
            n += 1;
            let mut carry = false;
            for slot in iq.iter_mut().take(jz) {
                let j = *slot;
                if !carry {
                    if j != 0 {
                        carry = true;
                        *slot = 0x100_0000 - j;
                    }
                } else {
                    *slot = 0xFF_FFFF - j;
                }
            }
            match q0 {
                1 => iq[jz - 1] &= 0x7F_FFFF,
                2 => iq[jz - 1] &= 0x3F_FFFF,
                _ => {}
            }
            if ih == 2 {
                z = 1.0 - z;
                if carry {
                    z -= libm::scalbn(1.0, q0);
                }
            }
        }
        if z == 0.0 && iq[JK..jz].iter().all(|&v| v == 0) {
            // Cancellation: take more bits of 2/π and start over.
            let mut k = 1;
            while k <= JK && iq[JK - k] == 0 {
                k += 1;
            }
            for i in jz + 1..=jz + k {
                f[jx + i] = ipio2((jv + i) as isize);
                q[i] = product(&f, i);
            }
            jz += k;
            continue;
        }
        break (n, z, ih);
    };
    // Chop off zero terms, or split the last piece.
    let mut z = z;
    if z == 0.0 {
        jz -= 1;
        q0 -= 24;
        while iq[jz] == 0 {
            jz -= 1;
            q0 -= 24;
        }
    } else {
        z = libm::scalbn(z, -q0);
        if z >= TWO24 {
            let fw = f64::from((TWON24 * z) as i32);
            iq[jz] = (z - TWO24 * fw) as i32;
            jz += 1;
            q0 += 24;
            iq[jz] = fw as i32;
        } else {
            iq[jz] = z as i32;
        }
    }
    let mut fw = libm::scalbn(1.0, q0);
    for i in (0..=jz).rev() {
        q[i] = fw * f64::from(iq[i]);
        fw *= TWON24;
    }
    for i in (0..=jz).rev() {
        let mut sum = 0.0;
        let mut k = 0;
        while k <= jp && k <= jz - i {
            sum += PIO2_PIECES[k] * q[i + k];
            k += 1;
        }
        fq[jz - i] = sum;
    }
    let mut sum = 0.0;
    for v in fq[..=jz].iter().rev() {
        sum += *v;
    }
    let y0 = if ih == 0 { sum } else { -sum };
    let mut tail = fq[0] - sum;
    for v in &fq[1..=jz] {
        tail += *v;
    }
    let y1 = if ih == 0 { tail } else { -tail };
    (n & 7, y0, y1)
}

/// sin on [−π/4, π/4] of `x + y` (`y` the tail, used when `with_tail`).
fn kernel_sin(x: f64, y: f64, with_tail: bool) -> f64 {
    const S1: f64 = -1.666_666_666_666_663_243_48e-01;
    const S2: f64 = 8.333_333_333_322_489_461_24e-03;
    const S3: f64 = -1.984_126_982_985_794_931_34e-04;
    const S4: f64 = 2.755_731_370_707_006_767_89e-06;
    const S5: f64 = -2.505_076_025_340_686_341_95e-08;
    const S6: f64 = 1.589_690_995_211_550_102_21e-10;
    let ix = high(x) & 0x7FFF_FFFF;
    if ix < 0x3E40_0000 && x as i32 == 0 {
        return x;
    }
    let z = x * x;
    let v = z * x;
    let r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    if with_tail {
        x - ((z * (0.5 * y - v * r) - y) - v * S1)
    } else {
        x + v * (S1 + z * r)
    }
}

/// cos on [−π/4, π/4] of `x + y`.
fn kernel_cos(x: f64, y: f64) -> f64 {
    const C1: f64 = 4.166_666_666_666_660_190_37e-02;
    const C2: f64 = -1.388_888_888_887_410_957_49e-03;
    const C3: f64 = 2.480_158_728_947_672_941_78e-05;
    const C4: f64 = -2.755_731_435_139_066_330_35e-07;
    const C5: f64 = 2.087_572_321_298_174_827_90e-09;
    const C6: f64 = -1.135_964_755_778_819_482_65e-11;
    let ix = high(x) & 0x7FFF_FFFF;
    if ix < 0x3E40_0000 && x as i32 == 0 {
        return 1.0;
    }
    let z = x * x;
    let r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    if ix < 0x3FD3_3333 {
        return 1.0 - (0.5 * z - (z * r - x * y));
    }
    // Subtract a quarter of x² exactly first, for accuracy past 0.3.
    let qx = if ix > 0x3FE9_0000 {
        0.28125
    } else {
        f64::from_bits(u64::from(ix - 0x0020_0000) << 32)
    };
    let iz = 0.5 * z - qx;
    let a = 1.0 - qx;
    a - (iz - (z * r - x * y))
}

/// tan on [−π/4, π/4] of `x + y`, or −1/tan when `!tan`.
fn kernel_tan(x: f64, y: f64, tan: bool) -> f64 {
    const T: [f64; 13] = [
        3.333_333_333_333_340_919_86e-01,
        1.333_333_333_332_012_426_99e-01,
        5.396_825_397_622_605_213_77e-02,
        2.186_948_829_485_954_245_99e-02,
        8.863_239_823_599_300_057_37e-03,
        3.592_079_107_591_312_353_56e-03,
        1.456_209_454_325_290_255_16e-03,
        5.880_412_408_202_640_968_74e-04,
        2.464_631_348_184_699_068_12e-04,
        7.817_944_429_395_570_923_00e-05,
        7.140_724_913_826_081_903_05e-05,
        -1.855_863_748_552_754_566_54e-05,
        2.590_730_518_636_337_128_84e-05,
    ];
    const PIO4: f64 = 7.853_981_633_974_482_789_99e-01;
    const PIO4LO: f64 = 3.061_616_997_868_383_017_93e-17;
    let iy: f64 = if tan { 1.0 } else { -1.0 };
    let hx = high(x) as i32;
    let ix = (hx & 0x7FFF_FFFF) as u32;
    // −1/(x+y), with the division's error compensated.
    let minus_inverse = |w: f64, x: f64, r: f64| {
        let z = f64::from_bits(w.to_bits() & 0xFFFF_FFFF_0000_0000);
        let v = r - (z - x);
        let a = -1.0 / w;
        let t = f64::from_bits(a.to_bits() & 0xFFFF_FFFF_0000_0000);
        let s = 1.0 + t * z;
        t + a * (s + t * v)
    };
    if ix < 0x3E30_0000 && x as i32 == 0 {
        let low = x.to_bits() & 0xFFFF_FFFF;
        if ix == 0 && low == 0 && !tan {
            return 1.0 / x.abs();
        }
        if tan {
            return x;
        }
        return minus_inverse(x + y, x, y);
    }
    let (mut x, mut y) = (x, y);
    let big = ix >= 0x3FE5_9428;
    if big {
        // Near π/4: tan(π/4 − y') from y' = π/4 − x.
        if hx < 0 {
            x = -x;
            y = -y;
        }
        x = (PIO4 - x) + (PIO4LO - y);
        y = 0.0;
    }
    let z = x * x;
    let w = z * z;
    let r = T[1] + w * (T[3] + w * (T[5] + w * (T[7] + w * (T[9] + w * T[11]))));
    let v = z * (T[2] + w * (T[4] + w * (T[6] + w * (T[8] + w * (T[10] + w * T[12])))));
    let s = z * x;
    let mut r = y + z * (s * (r + v) + y);
    r += T[0] * s;
    let w = x + r;
    if big {
        let sign = if hx < 0 { -1.0 } else { 1.0 };
        return sign * (iy - 2.0 * (x - (w * w / (w + iy) - r)));
    }
    if tan {
        w
    } else {
        minus_inverse(w, x, r)
    }
}

/// `Math.sin`.
pub(crate) fn sin(x: f64) -> f64 {
    let ix = high(x) & 0x7FFF_FFFF;
    if ix <= 0x3FE9_21FB {
        return kernel_sin(x, 0.0, false);
    }
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n & 3 {
        0 => kernel_sin(y0, y1, true),
        1 => kernel_cos(y0, y1),
        2 => -kernel_sin(y0, y1, true),
        _ => -kernel_cos(y0, y1),
    }
}

/// `Math.cos`.
pub(crate) fn cos(x: f64) -> f64 {
    let ix = high(x) & 0x7FFF_FFFF;
    if ix <= 0x3FE9_21FB {
        return kernel_cos(x, 0.0);
    }
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n & 3 {
        0 => kernel_cos(y0, y1),
        1 => -kernel_sin(y0, y1, true),
        2 => -kernel_cos(y0, y1),
        _ => kernel_sin(y0, y1, true),
    }
}

/// `Math.tan`.
pub(crate) fn tan(x: f64) -> f64 {
    let ix = high(x) & 0x7FFF_FFFF;
    if ix <= 0x3FE9_21FB {
        return kernel_tan(x, 0.0, true);
    }
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, y0, y1) = rem_pio2(x);
    kernel_tan(y0, y1, n & 1 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Node 20 prints for these.
    #[test]
    fn v8_digits() {
        assert_eq!(cos(0.1), 0.9950041652780257);
        assert_eq!(sin(0.1), 0.09983341664682815);
        assert_eq!(tan(1.0), 1.5574077246549023);
        assert_eq!(sin(1e10), -0.4875060250875107);
        assert_eq!(cos(1e300), -0.5753861119575491);
        assert_eq!(sin(-1e22), 0.8522008497671888);
        assert_eq!(tan(1e300), 1.4214488238747245);
        assert_eq!(tan(1.5), 14.101419947171719);
        assert_eq!(tan(-0.7), -0.8422883804630794);
        assert_eq!(cos(1e6), 0.9367521275331447);
        assert_eq!(sin(3e5 + 0.1), 0.007269186128889415);
        assert_eq!(tan(2.5e-9), 2.5e-9);
        assert!(sin(f64::INFINITY).is_nan());
        assert!(sin(-0.0).is_sign_negative());
    }
}
