//! Byte comparisons on the request path.
//!
//! Each request's environment (a few kilobytes of JSON) is compared with the
//! last one seen, to reuse what was read from it. Natively `==` on slices is
//! a vectorized `memcmp`; in the WebAssembly worker `memcmp` compares a byte
//! at a time, and those comparisons were 15% of a counter's render there.

/// Whether `a` and `b` hold the same bytes; in wasm, eight at a time.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if cfg!(target_arch = "wasm32") {
        same_by_words(a, b)
    } else {
        a == b
    }
}

fn same_by_words(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest == b_rest
}

#[cfg(test)]
mod tests {
    use super::{same, same_by_words};

    #[test]
    fn compares_every_byte_and_the_lengths() {
        let text: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for len in [0, 1, 7, 8, 9, 16, 999, 1000] {
            assert!(same(&text[..len], &text[..len]));
            assert!(same_by_words(&text[..len], &text[..len]));
            for at in [0, len / 2, len.saturating_sub(1)] {
                if len == 0 {
                    continue;
                }
                let mut other = text[..len].to_vec();
                other[at] ^= 1;
                assert!(!same(&text[..len], &other), "len {len}, changed at {at}");
                assert!(!same_by_words(&text[..len], &other), "len {len}, at {at}");
            }
        }
        assert!(!same(b"abc", b"abcd"));
        assert!(!same_by_words(b"abcdefgh", b"abcdefghi"));
    }
}
