//! The crate's top-level error.

/// Any error this crate reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not JSON.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is not a valid ContentKit tree.
    #[error("{0}")]
    Invalid(#[from] crate::element::ValidationErrors),
}
