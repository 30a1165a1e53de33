//! `Array.prototype.sort` as V8 sorts: TimSort (runs found or forced by binary
//! insertion, merged with galloping), comparing as V8 does.
//!
//! Any stable sort orders the same under a consistent comparator. Components do not
//! always pass one (`(a, b) => a > b` answers 0 or 1), and a comparator may count or
//! log its calls; what V8 does with those is what this does, call for call.

use crate::lang::eval::R;

/// Consecutive wins before a merge starts galloping.
const MIN_GALLOP: usize = 7;

/// A comparator: negative when its first argument goes before the second.
pub(crate) type Compare<'c, T> = dyn FnMut(&T, &T) -> R<f64> + 'c;

/// Sorts `v` in place.
pub(crate) fn timsort<T: Copy>(v: &mut [T], cmp: &mut Compare<'_, T>) -> R<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let mut s = Sorter {
        v,
        cmp,
        runs: Vec::new(),
        min_gallop: MIN_GALLOP,
    };
    let min_run = min_run_length(n);
    let mut low = 0;
    let mut remaining = n;
    while remaining != 0 {
        let mut run = s.count_and_make_run(low, low + remaining)?;
        if run < min_run {
            let forced = min_run.min(remaining);
            s.binary_insertion_sort(low, low + run, low + forced)?;
            run = forced;
        }
        s.runs.push((low, run));
        s.merge_collapse()?;
        low += run;
        remaining -= run;
    }
    s.merge_force_collapse()
}

/// The shortest run: `n` itself below 64, else between 32 and 64 so that `n / run`
/// is a power of two or just under one.
fn min_run_length(mut n: usize) -> usize {
    let mut r = 0;
    while n >= 64 {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

struct Sorter<'a, 'c, T> {
    v: &'a mut [T],
    cmp: &'a mut Compare<'c, T>,
    /// Pending runs: start and length.
    runs: Vec<(usize, usize)>,
    min_gallop: usize,
}

impl<T: Copy> Sorter<'_, '_, T> {
    fn less(&mut self, a: T, b: T) -> R<bool> {
        Ok((self.cmp)(&a, &b)? < 0.0)
    }

    /// The run starting at `low`: ascending (never descending back), or strictly
    /// descending and then reversed. Its length.
    fn count_and_make_run(&mut self, low: usize, high: usize) -> R<usize> {
        if low + 1 == high {
            return Ok(1);
        }
        let descending = self.less(self.v[low + 1], self.v[low])?;
        let mut length = 2;
        let mut previous = self.v[low + 1];
        for i in low + 2..high {
            let current = self.v[i];
            let before = self.less(current, previous)?;
            if before != descending {
                break;
            }
            previous = current;
            length += 1;
        }
        if descending {
            self.v[low..low + length].reverse();
        }
        Ok(length)
    }

    /// Sorts `low..high` whose `low..start` is sorted, inserting each item after the
    /// items it is not less than.
    fn binary_insertion_sort(&mut self, low: usize, start: usize, high: usize) -> R<()> {
        let start = if low == start { start + 1 } else { start };
        for i in start..high {
            let pivot = self.v[i];
            let (mut left, mut right) = (low, i);
            while left < right {
                let mid = left + ((right - left) >> 1);
                if self.less(pivot, self.v[mid])? {
                    right = mid;
                } else {
                    left = mid + 1;
                }
            }
            self.v.copy_within(left..i, left + 1);
            self.v[left] = pivot;
        }
        Ok(())
    }

    /// Whether run `i` is longer than the two after it together.
    fn invariant_holds(&self, i: usize) -> bool {
        i < 2 || self.runs[i - 2].1 > self.runs[i - 1].1 + self.runs[i].1
    }

    fn merge_collapse(&mut self) -> R<()> {
        while self.runs.len() > 1 {
            let mut n = self.runs.len() - 2;
            if !self.invariant_holds(n + 1) || !self.invariant_holds(n) {
                if self.runs[n - 1].1 < self.runs[n + 1].1 {
                    n -= 1;
                }
                self.merge_at(n)?;
            } else if self.runs[n].1 <= self.runs[n + 1].1 {
                self.merge_at(n)?;
            } else {
                break;
            }
        }
        Ok(())
    }

    fn merge_force_collapse(&mut self) -> R<()> {
        while self.runs.len() > 1 {
            let mut n = self.runs.len() - 2;
            if n > 0 && self.runs[n - 1].1 < self.runs[n + 1].1 {
                n -= 1;
            }
            self.merge_at(n)?;
        }
        Ok(())
    }

    /// Merges runs `i` and `i + 1`.
    fn merge_at(&mut self, i: usize) -> R<()> {
        let (mut base_a, mut len_a) = self.runs[i];
        let (base_b, len_b) = self.runs[i + 1];
        self.runs[i].1 = len_a + len_b;
        self.runs.remove(i + 1);
        // Items of A before B's first stay; items of B after A's last stay.
        let key = self.v[base_b];
        let k = gallop_right(self.cmp, key, &self.v[base_a..base_a + len_a], 0)?;
        base_a += k;
        len_a -= k;
        if len_a == 0 {
            return Ok(());
        }
        let key = self.v[base_a + len_a - 1];
        let len_b = gallop_left(self.cmp, key, &self.v[base_b..base_b + len_b], len_b - 1)?;
        if len_b == 0 {
            return Ok(());
        }
        if len_a <= len_b {
            self.merge_low(base_a, len_a, base_b, len_b)
        } else {
            self.merge_high(base_a, len_a, base_b, len_b)
        }
    }

    /// Merges adjacent runs A and B, A the shorter, from the front (A held aside).
    fn merge_low(&mut self, base_a: usize, len_a: usize, base_b: usize, len_b: usize) -> R<()> {
        let temp: Vec<T> = self.v[base_a..base_a + len_a].to_vec();
        let (mut len_a, mut len_b) = (len_a, len_b);
        let mut dest = base_a;
        let mut ta = 0;
        let mut cb = base_b;
        self.v[dest] = self.v[cb];
        dest += 1;
        cb += 1;
        // How the merge ends: A's rest copied, or B's rest then A's last item.
        enum End {
            Done,
            CopyB,
        }
        let end = 'merge: {
            len_b -= 1;
            if len_b == 0 {
                break 'merge End::Done;
            }
            if len_a == 1 {
                break 'merge End::CopyB;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let (mut wins_a, mut wins_b) = (0usize, 0usize);
                loop {
                    if self.less(self.v[cb], temp[ta])? {
                        self.v[dest] = self.v[cb];
                        dest += 1;
                        cb += 1;
                        wins_b += 1;
                        wins_a = 0;
                        len_b -= 1;
                        if len_b == 0 {
                            break 'merge End::Done;
                        }
                        if wins_b >= min_gallop {
                            break;
                        }
                    } else {
                        self.v[dest] = temp[ta];
                        dest += 1;
                        ta += 1;
                        wins_a += 1;
                        wins_b = 0;
                        len_a -= 1;
                        if len_a == 1 {
                            break 'merge End::CopyB;
                        }
                        if wins_a >= min_gallop {
                            break;
                        }
                    }
                }
                min_gallop += 1;
                let mut first = true;
                while wins_a >= MIN_GALLOP || wins_b >= MIN_GALLOP || first {
                    first = false;
                    min_gallop = min_gallop.saturating_sub(1).max(1);
                    self.min_gallop = min_gallop;
                    wins_a = gallop_right(self.cmp, self.v[cb], &temp[ta..ta + len_a], 0)?;
                    if wins_a > 0 {
                        self.v[dest..dest + wins_a].copy_from_slice(&temp[ta..ta + wins_a]);
                        dest += wins_a;
                        ta += wins_a;
                        len_a -= wins_a;
                        if len_a == 1 {
                            break 'merge End::CopyB;
                        }
                        // Only an inconsistent comparator gets here.
                        if len_a == 0 {
                            break 'merge End::Done;
                        }
                    }
                    self.v[dest] = self.v[cb];
                    dest += 1;
                    cb += 1;
                    len_b -= 1;
                    if len_b == 0 {
                        break 'merge End::Done;
                    }
                    wins_b = gallop_left(self.cmp, temp[ta], &self.v[cb..cb + len_b], 0)?;
                    if wins_b > 0 {
                        self.v.copy_within(cb..cb + wins_b, dest);
                        dest += wins_b;
                        cb += wins_b;
                        len_b -= wins_b;
                        if len_b == 0 {
                            break 'merge End::Done;
                        }
                    }
                    self.v[dest] = temp[ta];
                    dest += 1;
                    ta += 1;
                    len_a -= 1;
                    if len_a == 1 {
                        break 'merge End::CopyB;
                    }
                }
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        match end {
            End::Done => {
                if len_a > 0 {
                    self.v[dest..dest + len_a].copy_from_slice(&temp[ta..ta + len_a]);
                }
            }
            End::CopyB => {
                self.v.copy_within(cb..cb + len_b, dest);
                self.v[dest + len_b] = temp[ta];
            }
        }
        Ok(())
    }

    /// Merges adjacent runs A and B, B the shorter, from the back (B held aside).
    fn merge_high(&mut self, base_a: usize, len_a: usize, base_b: usize, len_b: usize) -> R<()> {
        let temp: Vec<T> = self.v[base_b..base_b + len_b].to_vec();
        let (mut len_a, mut len_b) = (len_a, len_b);
        // Cursors count one past the item they stand for, so that they can reach
        // "before the first" without going negative.
        let mut dest = base_b + len_b;
        let mut tb = len_b;
        let mut ca = base_a + len_a;
        self.v[dest - 1] = self.v[ca - 1];
        dest -= 1;
        ca -= 1;
        enum End {
            Done,
            CopyA,
        }
        let end = 'merge: {
            len_a -= 1;
            if len_a == 0 {
                break 'merge End::Done;
            }
            if len_b == 1 {
                break 'merge End::CopyA;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let (mut wins_a, mut wins_b) = (0usize, 0usize);
                loop {
                    if self.less(temp[tb - 1], self.v[ca - 1])? {
                        self.v[dest - 1] = self.v[ca - 1];
                        dest -= 1;
                        ca -= 1;
                        wins_a += 1;
                        wins_b = 0;
                        len_a -= 1;
                        if len_a == 0 {
                            break 'merge End::Done;
                        }
                        if wins_a >= min_gallop {
                            break;
                        }
                    } else {
                        self.v[dest - 1] = temp[tb - 1];
                        dest -= 1;
                        tb -= 1;
                        wins_b += 1;
                        wins_a = 0;
                        len_b -= 1;
                        if len_b == 1 {
                            break 'merge End::CopyA;
                        }
                        if wins_b >= min_gallop {
                            break;
                        }
                    }
                }
                min_gallop += 1;
                let mut first = true;
                while wins_a >= MIN_GALLOP || wins_b >= MIN_GALLOP || first {
                    first = false;
                    min_gallop = min_gallop.saturating_sub(1).max(1);
                    self.min_gallop = min_gallop;
                    let k = gallop_right(
                        self.cmp,
                        temp[tb - 1],
                        &self.v[base_a..base_a + len_a],
                        len_a - 1,
                    )?;
                    wins_a = len_a - k;
                    if wins_a > 0 {
                        dest -= wins_a;
                        ca -= wins_a;
                        self.v.copy_within(ca..ca + wins_a, dest);
                        len_a -= wins_a;
                        if len_a == 0 {
                            break 'merge End::Done;
                        }
                    }
                    self.v[dest - 1] = temp[tb - 1];
                    dest -= 1;
                    tb -= 1;
                    len_b -= 1;
                    if len_b == 1 {
                        break 'merge End::CopyA;
                    }
                    let k = gallop_left(self.cmp, self.v[ca - 1], &temp[..len_b], len_b - 1)?;
                    wins_b = len_b - k;
                    if wins_b > 0 {
                        dest -= wins_b;
                        tb -= wins_b;
                        self.v[dest..dest + wins_b].copy_from_slice(&temp[tb..tb + wins_b]);
                        len_b -= wins_b;
                        if len_b == 1 {
                            break 'merge End::CopyA;
                        }
                        // Only an inconsistent comparator gets here.
                        if len_b == 0 {
                            break 'merge End::Done;
                        }
                    }
                    self.v[dest - 1] = self.v[ca - 1];
                    dest -= 1;
                    ca -= 1;
                    len_a -= 1;
                    if len_a == 0 {
                        break 'merge End::Done;
                    }
                }
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        match end {
            End::Done => {
                if len_b > 0 {
                    self.v[dest - len_b..dest].copy_from_slice(&temp[..len_b]);
                }
            }
            End::CopyA => {
                dest -= len_a;
                ca -= len_a;
                self.v.copy_within(ca..ca + len_a, dest);
                self.v[dest - 1] = temp[tb - 1];
            }
        }
        Ok(())
    }
}

/// Where `key` goes in sorted `run` before any equal item, searching from `hint`
/// out by doubling steps, then by halves.
fn gallop_left<T: Copy>(cmp: &mut Compare<'_, T>, key: T, run: &[T], hint: usize) -> R<usize> {
    let len = run.len();
    let mut last = 0usize;
    let mut offset = 1usize;
    let (mut lo, hi);
    if cmp(&run[hint], &key)? < 0.0 {
        // run[hint] < key: gallop right.
        let max = len - hint;
        while offset < max {
            if cmp(&run[hint + offset], &key)? >= 0.0 {
                break;
            }
            last = offset;
            offset = (offset << 1) + 1;
        }
        offset = offset.min(max);
        lo = last + hint;
        hi = offset + hint;
    } else {
        // key <= run[hint]: gallop left.
        let max = hint + 1;
        while offset < max {
            if cmp(&run[hint - offset], &key)? < 0.0 {
                break;
            }
            last = offset;
            offset = (offset << 1) + 1;
        }
        offset = offset.min(max);
        // run[hint - offset] < key <= run[hint - last]; `lo` is one past the former.
        lo = (hint + 1) - offset;
        hi = hint - last;
        return binary_left(cmp, key, run, lo, hi);
    }
    lo += 1;
    binary_left(cmp, key, run, lo, hi)
}

/// The binary search ending [`gallop_left`]: run[lo − 1] < key <= run[hi].
fn binary_left<T: Copy>(
    cmp: &mut Compare<'_, T>,
    key: T,
    run: &[T],
    mut lo: usize,
    mut hi: usize,
) -> R<usize> {
    while lo < hi {
        let m = lo + ((hi - lo) >> 1);
        if cmp(&run[m], &key)? < 0.0 {
            lo = m + 1;
        } else {
            hi = m;
        }
    }
    Ok(hi)
}

/// Where `key` goes in sorted `run` after every equal item.
fn gallop_right<T: Copy>(cmp: &mut Compare<'_, T>, key: T, run: &[T], hint: usize) -> R<usize> {
    let len = run.len();
    let mut last = 0usize;
    let mut offset = 1usize;
    if cmp(&key, &run[hint])? < 0.0 {
        // key < run[hint]: gallop left.
        let max = hint + 1;
        while offset < max {
            if cmp(&key, &run[hint - offset])? >= 0.0 {
                break;
            }
            last = offset;
            offset = (offset << 1) + 1;
        }
        offset = offset.min(max);
        let lo = (hint + 1) - offset;
        let hi = hint - last;
        binary_right(cmp, key, run, lo, hi)
    } else {
        // run[hint] <= key: gallop right.
        let max = len - hint;
        while offset < max {
            if cmp(&key, &run[hint + offset])? < 0.0 {
                break;
            }
            last = offset;
            offset = (offset << 1) + 1;
        }
        offset = offset.min(max);
        binary_right(cmp, key, run, last + hint + 1, offset + hint)
    }
}

/// The binary search ending [`gallop_right`]: run[lo − 1] <= key < run[hi].
fn binary_right<T: Copy>(
    cmp: &mut Compare<'_, T>,
    key: T,
    run: &[T],
    mut lo: usize,
    mut hi: usize,
) -> R<usize> {
    while lo < hi {
        let m = lo + ((hi - lo) >> 1);
        if cmp(&key, &run[m])? < 0.0 {
            hi = m;
        } else {
            lo = m + 1;
        }
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<i64>) -> Vec<i64> {
        timsort(&mut v, &mut |a: &i64, b: &i64| Ok((*a - *b) as f64)).unwrap();
        v
    }

    #[test]
    fn sorts_and_is_stable() {
        let mut seed = 12345u64;
        for n in [0, 1, 2, 5, 63, 64, 65, 100, 257, 1000, 5000] {
            let v: Vec<i64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 50) as i64
                })
                .collect();
            let mut want = v.clone();
            want.sort();
            assert_eq!(sorted(v), want, "n = {n}");
        }
        // Stability: sort pairs by their first half only.
        let mut pairs: Vec<(i64, usize)> = (0..3000).map(|i| ((i as i64 * 7919) % 13, i)).collect();
        timsort(&mut pairs, &mut |a: &(i64, usize), b: &(i64, usize)| {
            Ok((a.0 - b.0) as f64)
        })
        .unwrap();
        assert!(pairs
            .windows(2)
            .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)));
    }

    #[test]
    fn runs_and_galloping() {
        let mut v: Vec<i64> = (0..500)
            .rev()
            .chain(0..700)
            .chain((0..300).map(|x| x * 3))
            .collect();
        let mut want = v.clone();
        want.sort();
        timsort(&mut v, &mut |a: &i64, b: &i64| Ok((*a - *b) as f64)).unwrap();
        assert_eq!(v, want);
        assert_eq!(min_run_length(63), 63);
        assert_eq!(min_run_length(64), 32);
        assert_eq!(min_run_length(65), 33);
    }

    #[test]
    fn inconsistent_comparators_end() {
        let mut v: Vec<i64> = (0..2000).map(|x| (x * 7) % 101).collect();
        let mut flip = false;
        timsort(&mut v, &mut |_: &i64, _: &i64| {
            flip = !flip;
            Ok(if flip { -1.0 } else { 1.0 })
        })
        .unwrap();
        let mut a = v.clone();
        a.sort();
        let mut b: Vec<i64> = (0..2000).map(|x| (x * 7) % 101).collect();
        b.sort();
        // The items survive, whatever the order.
        assert_eq!(a, b);
    }
}
