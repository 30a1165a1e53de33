//! Validation errors: what is wrong, and where in the JSON it is.

use std::fmt;

/// What is wrong with one value of a ContentKit tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// A `type` that names no ContentKit element.
    #[error("unknown element type \"{found}\", expected one of {}", .expected.join(", "))]
    UnknownElement {
        /// The type as written.
        found: String,
        /// Every element type.
        expected: &'static [&'static str],
    },
    /// A key that the element or object does not have.
    #[error("unknown attribute \"{name}\" on {owner}")]
    UnknownAttribute {
        /// The key as written.
        name: String,
        /// The element type or object name that owns it.
        owner: &'static str,
    },
    /// A string outside an enumeration.
    #[error("unknown value \"{found}\", expected one of {}", .expected.join(", "))]
    UnknownValue {
        /// The value as written.
        found: String,
        /// The allowed values.
        expected: &'static [&'static str],
    },
    /// A required key is absent.
    #[error("missing required field \"{0}\"")]
    MissingField(&'static str),
    /// The JSON type is not the expected one.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the schema asks for.
        expected: &'static str,
        /// What was there (a JSON type name).
        found: &'static str,
    },
    /// A string over the schema's length limit (counted in characters, as JSON Schema counts).
    #[error("too long: {len} characters, at most {max} allowed")]
    TooLong {
        /// The length found.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A list with fewer items than the schema asks for.
    #[error("needs at least {min} item(s), found {len}")]
    TooFew {
        /// The length found.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// An element in a place that does not take it.
    #[error("element \"{found}\" is not allowed here, expected one of {}", .allowed.join(", "))]
    NotAllowedHere {
        /// The element type found.
        found: &'static str,
        /// The element types this place takes.
        allowed: Vec<&'static str>,
    },
    /// The output grew past its size limit.
    #[error("output too large: more than {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// A tree nested deeper than [`crate::element::MAX_DEPTH`].
    #[error("nested too deeply: at most {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A rule that spans several fields.
    #[error("{0}")]
    Rule(&'static str),
}

/// One validation error, located by its JSON path (`element.children[1].style`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct ValidationError {
    /// Where the error is, as a JavaScript-like access path.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// Every error found in one tree, up to [`MAX_ERRORS`](super::decode::MAX_ERRORS),
/// and how many more there were; never empty when returned as an `Err`.
///
/// Its `Display` gives one error a line, then `… and K more errors` when some were
/// only counted, so that the report on a huge input stays short.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors {
    errors: Vec<ValidationError>,
    omitted: usize,
}

impl ValidationErrors {
    /// The errors kept and how many more were found.
    pub fn new(errors: Vec<ValidationError>, omitted: usize) -> Self {
        ValidationErrors { errors, omitted }
    }

    /// The errors kept, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.errors.iter()
    }

    /// How many errors were kept.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.omitted == 0
    }

    /// How many errors were found past the ones kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// How many errors were found in all.
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        if self.omitted > 0 {
            let s = if self.omitted == 1 { "" } else { "s" };
            write!(f, "\n… and {} more error{s}", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}
