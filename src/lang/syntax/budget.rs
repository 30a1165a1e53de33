//! A bound on the parser's work in proportion to the text it reads.
//!
//! The grammar is written so that every construct is read a bounded number of times
//! (`tests/source_bounds.rs` holds each construct that once was read again at every
//! level of nesting). This is the net under it: pest counts the rule calls of a parse
//! and stops it past a limit, so a construct the tests have not met costs a
//! "too large" error, never hours. Real files take about 20 calls a byte.
//!
//! pest's limit (and its error-detail switch) is one process-wide setting read when
//! a parse starts, so parses take turns: each runs alone under its own limit.
//!
//! ```
//! use contentkit::lang::syntax::{parse_budget, ParseBudget};
//! assert_eq!(parse_budget(), ParseBudget::DEFAULT);
//! assert!(ParseBudget::DEFAULT.limit(1_000_000) > 20 * 1_000_000);
//! ```

use core::num::NonZeroUsize;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many rule calls a parse may make: `base` plus `per_byte` for each byte of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseBudget {
    /// Calls any text may take, however short (deep but small files need them).
    pub base: usize,
    /// Calls allowed per byte of text, beyond `base`.
    pub per_byte: usize,
}

impl ParseBudget {
    /// Ten times what real files take, plus room for small files nested deep: a
    /// megabyte may take 210 million calls (a few seconds), never more.
    pub const DEFAULT: ParseBudget = ParseBudget {
        base: 10_000_000,
        per_byte: 200,
    };

    /// The calls allowed for a text of `len` bytes.
    pub fn limit(self, len: usize) -> usize {
        self.base.saturating_add(self.per_byte.saturating_mul(len))
    }
}

static BASE: AtomicUsize = AtomicUsize::new(ParseBudget::DEFAULT.base);
static PER_BYTE: AtomicUsize = AtomicUsize::new(ParseBudget::DEFAULT.per_byte);
static PARSING: Mutex<()> = Mutex::new(());

/// The budget parses run under now.
pub fn parse_budget() -> ParseBudget {
    ParseBudget {
        base: BASE.load(Ordering::Relaxed),
        per_byte: PER_BYTE.load(Ordering::Relaxed),
    }
}

/// Sets the budget of every parse from now on, process-wide. Tests set a tight one
/// to show that a construct is read in proportion to its size.
///
/// ```
/// use contentkit::lang::syntax::{parse_budget, set_parse_budget, ParseBudget};
/// let tight = ParseBudget { base: 1_000, per_byte: 1 };
/// set_parse_budget(tight);
/// let long = format!("import {{ createComponent }} from '@gitbook/runtime';\nconst x = [{}1];", "1,".repeat(1_000));
/// let error = contentkit::component::file::compile(&long, "a.tsx").err().unwrap();
/// set_parse_budget(ParseBudget::DEFAULT);
/// assert!(error.to_string().contains("too large to parse"), "{error}");
/// ```
pub fn set_parse_budget(budget: ParseBudget) {
    BASE.store(budget.base, Ordering::Relaxed);
    PER_BYTE.store(budget.per_byte, Ordering::Relaxed);
}

/// Runs `parse` (one pest parse of `text_len` bytes) alone, under the budget; with
/// pest's detailed attempts when `detail` is set (the error path's second parse).
pub(crate) fn run<T>(text_len: usize, detail: bool, parse: impl FnOnce() -> T) -> T {
    // A parse that panicked left nothing behind that matters: the settings are reset
    // on the next turn anyway.
    let _turn = PARSING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pest::set_call_limit(NonZeroUsize::new(parse_budget().limit(text_len)));
    pest::set_error_detail(detail);
    let out = parse();
    pest::set_error_detail(false);
    pest::set_call_limit(None);
    out
}
