//! A counting global allocator for tests that bound memory: a test binary that
//! includes this module (`#[path = "support/counting.rs"] mod counting;`) counts every
//! allocation, and [`measure`] tells what a closure held at most and allocated in all.
//! Tests take [`alone`] so that each measures itself alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
    ALLOCATED.fetch_add(by, Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only counters are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

static ALONE: Mutex<()> = Mutex::new(());

/// The lock every test holds (a failed test does not stop the others).
pub fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What running `f` cost: the most memory it held at once beyond what was held
/// before, and the bytes it allocated in all.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub peak: usize,
    pub allocated: usize,
}

pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let allocated = ALLOCATED.load(Relaxed);
    let out = f();
    let cost = Cost {
        peak: PEAK.load(Relaxed) - before,
        allocated: ALLOCATED.load(Relaxed) - allocated,
    };
    (out, cost)
}

/// Asserts that the work (the bytes allocated) of a larger input grew at most twice as
/// fast as the input: `costs` holds (input size, cost) for a small and a large input.
/// The bound is twice linear: vectors and maps grow by doubling, which lands
/// differently at each size; quadratic work at eight times the input would be eight
/// times over it.
pub fn assert_linear_work(costs: &[(usize, Cost)]) {
    let [(small, small_cost), (large, large_cost)] = costs else {
        panic!("two sizes to compare, not {}", costs.len());
    };
    let ratio = large_cost.allocated as f64 / small_cost.allocated as f64;
    let size_ratio = *large as f64 / *small as f64;
    assert!(
        ratio <= size_ratio * 2.0,
        "{size_ratio:.1}x the input, {ratio:.1}x the allocations: {costs:?}"
    );
}
