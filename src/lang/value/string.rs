//! JavaScript strings over WTF-8: UTF-16 lengths and indices, lone surrogates, and
//! the JSON escaping of `JSON.stringify`.
//!
//! A lone surrogate is encoded as the three bytes UTF-8 would give its code point
//! (`ED A0..BF xx`); a surrogate pair is always a four-byte sequence.

use std::borrow::Cow;

/// The bytes as `str`, with lone surrogates replaced by U+FFFD when there are any.
pub(crate) fn wtf8_to_str_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            for cp in code_points(bytes) {
                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
            }
            Cow::Owned(out)
        }
    }
}

/// Iterates the code points of WTF-8 bytes (surrogates included as such).
pub(crate) fn code_points(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let b0 = *bytes.get(i)?;
        let (cp, len) = decode_at(bytes, i, b0);
        i += len;
        Some(cp)
    })
}

/// Decodes the code point at `i` whose first byte is `b0`; invalid bytes read as
/// U+FFFD one at a time (they cannot occur in strings this crate makes).
fn decode_at(bytes: &[u8], i: usize, b0: u8) -> (u32, usize) {
    let cont = |k: usize| bytes.get(i + k).map_or(0, |b| u32::from(b & 0x3F));
    match b0 {
        0x00..=0x7F => (u32::from(b0), 1),
        0xC0..=0xDF if i + 1 < bytes.len() => ((u32::from(b0 & 0x1F) << 6) | cont(1), 2),
        0xE0..=0xEF if i + 2 < bytes.len() => {
            ((u32::from(b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
        }
        0xF0..=0xF7 if i + 3 < bytes.len() => (
            (u32::from(b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        ),
        _ => (0xFFFD, 1),
    }
}

/// Appends one code point (a surrogate included) as WTF-8.
pub(crate) fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    match cp {
        0..=0x7F => out.push(cp as u8),
        0x80..=0x7FF => {
            out.push(0xC0 | (cp >> 6) as u8);
            out.push(0x80 | (cp & 0x3F) as u8);
        }
        0x800..=0xFFFF => {
            out.push(0xE0 | (cp >> 12) as u8);
            out.push(0x80 | ((cp >> 6) & 0x3F) as u8);
            out.push(0x80 | (cp & 0x3F) as u8);
        }
        _ => {
            out.push(0xF0 | (cp >> 18) as u8);
            out.push(0x80 | ((cp >> 12) & 0x3F) as u8);
            out.push(0x80 | ((cp >> 6) & 0x3F) as u8);
            out.push(0x80 | (cp & 0x3F) as u8);
        }
    }
}

/// Appends UTF-16 code units as WTF-8, pairing surrogates that form a pair.
pub(crate) fn push_utf16(out: &mut Vec<u8>, units: &[u16]) {
    let mut i = 0;
    while i < units.len() {
        let u = u32::from(units[i]);
        if (0xD800..0xDC00).contains(&u) {
            if let Some(&lo) = units.get(i + 1) {
                let lo = u32::from(lo);
                if (0xDC00..0xE000).contains(&lo) {
                    push_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                    i += 2;
                    continue;
                }
            }
        }
        push_code_point(out, u);
        i += 1;
    }
}

/// Whether the three bytes at `i` are a high (lead) surrogate, `ED A0..AF xx`.
fn is_high_surrogate_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&0xED) && bytes.get(i + 1).is_some_and(|b| (0xA0..0xB0).contains(b))
}

/// Whether the three bytes at `i` are a low (trail) surrogate, `ED B0..BF xx`.
fn is_low_surrogate_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&0xED) && bytes.get(i + 1).is_some_and(|b| (0xB0..0xC0).contains(b))
}

/// Whether `a + b` puts a high surrogate (the end of `a`) right before a low one (the
/// start of `b`): two halves JavaScript then reads as one pair.
pub(crate) fn pairs_across(a: &[u8], b: &[u8]) -> bool {
    a.len() >= 3 && is_high_surrogate_at(a, a.len() - 3) && is_low_surrogate_at(b, 0)
}

/// The bytes with every high surrogate that directly precedes a low one joined with
/// it into the pair's four-byte sequence, as WTF-8 requires; `None` when there is
/// none (the bytes are already well-formed WTF-8).
///
/// Strings are built by appending pieces (`join`, templates, `+`): a piece ending in
/// half a pair and one starting with the other half make one character, which JSON
/// then writes as it is, not as two escapes.
pub(crate) fn with_pairs_joined(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut i = bytes.iter().position(|&b| b == 0xED)?;
    let mut found = false;
    while i + 6 <= bytes.len() {
        if is_high_surrogate_at(bytes, i) && is_low_surrogate_at(bytes, i + 3) {
            found = true;
            break;
        }
        i += 1;
    }
    if !found {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if is_high_surrogate_at(bytes, i) && is_low_surrogate_at(bytes, i + 3) {
            let (hi, _) = decode_at(bytes, i, 0xED);
            let (lo, _) = decode_at(bytes, i + 3, 0xED);
            push_code_point(&mut out, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
            i += 6;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The UTF-16 code units of WTF-8 bytes.
pub(crate) fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len());
    for cp in code_points(bytes) {
        if cp >= 0x10000 {
            let c = cp - 0x10000;
            out.push(0xD800 + (c >> 10) as u16);
            out.push(0xDC00 + (c & 0x3FF) as u16);
        } else {
            out.push(cp as u16);
        }
    }
    out
}

/// The UTF-16 length (JavaScript's `length`).
pub(crate) fn utf16_len(bytes: &[u8], ascii: bool) -> usize {
    if ascii {
        return bytes.len();
    }
    // Each byte that starts a sequence counts one unit; four-byte sequences two.
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0xBF => 0,
            0xF0..=0xFF => 2,
            _ => 1,
        })
        .sum()
}

/// The WTF-8 bytes of UTF-16 units `start..end` (already clamped by the caller).
pub(crate) fn utf16_slice(bytes: &[u8], ascii: bool, start: usize, end: usize) -> Cow<'_, [u8]> {
    if start >= end {
        return Cow::Borrowed(&[]);
    }
    if ascii {
        return Cow::Borrowed(&bytes[start.min(bytes.len())..end.min(bytes.len())]);
    }
    // Find byte offsets; a boundary inside a surrogate pair splits it.
    let mut unit = 0usize;
    let mut i = 0usize;
    let mut from: Option<usize> = None;
    let mut split_start = false;
    let mut to = bytes.len();
    let mut split_end = false;
    while i < bytes.len() {
        let (cp, len) = decode_at(bytes, i, bytes[i]);
        let units = if cp >= 0x10000 { 2 } else { 1 };
        if from.is_none() {
            if unit == start {
                from = Some(i);
            } else if units == 2 && unit + 1 == start {
                from = Some(i);
                split_start = true;
            }
        }
        if unit == end {
            to = i;
            break;
        }
        if units == 2 && unit + 1 == end {
            to = i;
            split_end = true;
            break;
        }
        unit += units;
        i += len;
    }
    let from = from.unwrap_or(bytes.len());
    if !split_start && !split_end {
        return Cow::Borrowed(&bytes[from..to.max(from)]);
    }
    // Rebuild through code units at the split edges.
    let units = utf16_units(bytes);
    let end = end.min(units.len());
    let mut out = Vec::new();
    push_utf16(&mut out, &units[start.min(end)..end]);
    Cow::Owned(out)
}

/// The code unit at UTF-16 index `i`.
pub(crate) fn utf16_unit_at(bytes: &[u8], ascii: bool, i: usize) -> Option<u16> {
    if ascii {
        return bytes.get(i).map(|&b| u16::from(b));
    }
    let mut unit = 0usize;
    for cp in code_points(bytes) {
        if cp >= 0x10000 {
            let c = cp - 0x10000;
            if unit == i {
                return Some(0xD800 + (c >> 10) as u16);
            }
            if unit + 1 == i {
                return Some(0xDC00 + (c & 0x3FF) as u16);
            }
            unit += 2;
        } else {
            if unit == i {
                return Some(cp as u16);
            }
            unit += 1;
        }
    }
    None
}

/// The code point at UTF-16 index `i` (`codePointAt`).
pub(crate) fn utf16_code_point_at(bytes: &[u8], ascii: bool, i: usize) -> Option<u32> {
    let u = utf16_unit_at(bytes, ascii, i)?;
    if (0xD800..0xDC00).contains(&u) {
        if let Some(lo) = utf16_unit_at(bytes, ascii, i + 1) {
            if (0xDC00..0xE000).contains(&lo) {
                return Some(0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(lo) - 0xDC00));
            }
        }
    }
    Some(u32::from(u))
}

/// The UTF-16 index of byte offset `b` (which starts a code point).
pub(crate) fn utf16_index_of_byte(bytes: &[u8], ascii: bool, b: usize) -> usize {
    if ascii {
        return b;
    }
    utf16_len(&bytes[..b.min(bytes.len())], false)
}

/// Which bytes [`push_json_string`] must look at: `"`, `\`, control characters, and
/// 0xED, the lead byte of a (possibly lone) surrogate's three bytes.
static JSON_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0xED] = true;
    t
};

/// The index of the first byte of `bytes` that [`push_json_string`] must look at
/// (`bytes.len()` when there is none): eight bytes at a time, then one by one.
fn first_json_special(bytes: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `v` is zero; some byte of `x` is below 0x20 (both exact as
    // any-tests, which is all this asks).
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let below_space = |x: u64| x.wrapping_sub(LO * 0x20) & !x & HI;
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let special = below_space(x)
            | zero(x ^ (LO * u64::from(b'"')))
            | zero(x ^ (LO * u64::from(b'\\')))
            | zero(x ^ (LO * 0xED));
        if special != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !JSON_SPECIAL[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// Whether `bytes` are written into a JSON string as they are: no `"`, `\`, control
/// character or surrogate lead byte (0xED) in them.
pub(crate) fn is_json_plain(bytes: &[u8]) -> bool {
    first_json_special(bytes) == bytes.len()
}

/// Appends bytes known to be plain ([`is_json_plain`]) as a JSON string.
pub(crate) fn push_json_plain(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    out.extend_from_slice(bytes);
    out.push(b'"');
}

/// Appends `bytes` as a JSON string, as `JSON.stringify` writes it: `"` and `\`
/// escaped, control characters as `\b \f \n \r \t` or `\u00XX`, lone surrogates as
/// `\uDXXX`, everything else as is.
pub(crate) fn push_json_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut i = first_json_special(bytes);
    if i == bytes.len() {
        // Most strings need no escape: one scan, one copy.
        push_json_plain(out, bytes);
        return;
    }
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    loop {
        i += first_json_special(&bytes[i..]);
        if i == bytes.len() {
            break;
        }
        let b = bytes[i];
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0x08 => Some(b"\\b"),
            0x0C => Some(b"\\f"),
            0x00..=0x1F => None,
            0xED if bytes.get(i + 1).is_some_and(|&c| c >= 0xA0) => None,
            _ => {
                // 0xED starting a code point below the surrogates: as is.
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[run..i]);
        match escape {
            Some(e) => {
                out.extend_from_slice(e);
                i += 1;
            }
            None if b < 0x20 => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
                i += 1;
            }
            None => {
                // A lone surrogate (three bytes).
                let (cp, len) = decode_at(bytes, i, b);
                out.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((cp >> shift) & 0xF) as usize]);
                }
                i += len;
            }
        }
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    fn wtf8(units: &[u16]) -> Vec<u8> {
        let mut out = Vec::new();
        push_utf16(&mut out, units);
        out
    }

    #[test]
    fn lengths_and_slices() {
        let s = "a😀b".as_bytes();
        assert_eq!(utf16_len(s, false), 4);
        assert_eq!(&*utf16_slice(s, false, 0, 1), b"a");
        assert_eq!(&*utf16_slice(s, false, 1, 3), "😀".as_bytes());
        // Splitting the pair gives lone surrogates.
        let high = utf16_slice(s, false, 1, 2).into_owned();
        assert_eq!(high, wtf8(&[0xD83D]));
        assert_eq!(utf16_unit_at(s, false, 2), Some(0xDE00));
        assert_eq!(utf16_code_point_at(s, false, 1), Some(0x1F600));
        // Rejoining the halves makes the pair again.
        let mut units = utf16_units(&high);
        units.push(0xDE00);
        assert_eq!(wtf8(&units), "😀".as_bytes());
    }

    #[test]
    fn json_escapes() {
        let mut out = Vec::new();
        push_json_string(&mut out, "a\"b\\\n\u{1}é😀".as_bytes());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\\\n\\u0001é😀\""
        );
        let mut out = Vec::new();
        push_json_string(&mut out, &wtf8(&[0x61, 0xD83D]));
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\ud83d\"");
    }

    #[test]
    fn plain_bytes_are_found_at_every_position() {
        // Each special byte at each offset of a string longer than one word, and a
        // 0xED that leads an ordinary code point (U+D7FF is not a surrogate).
        for special in [b'"', b'\\', 0x00, 0x1F, 0xED] {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = special;
                assert!(!is_json_plain(&bytes), "{special:#x} at {at}");
                assert_eq!(first_json_special(&bytes), at);
            }
        }
        for bytes in [
            &b""[..],
            b"abcdefghijklmnopq",
            "é😀 ~\u{7f}".as_bytes(),
            b" !#[]{}",
        ] {
            assert!(is_json_plain(bytes), "{bytes:?}");
        }
        let mut out = Vec::new();
        push_json_string(&mut out, "\u{d7ff}x".as_bytes());
        assert_eq!(out, "\"\u{d7ff}x\"".as_bytes());
    }
}
