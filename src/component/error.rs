//! Errors of the component lifecycle, with the HTTP status each maps to.

/// Why a `ui_render` request failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComponentError {
    /// No component has that id (404, as the reference runtime answers).
    #[error("Component {0} not found")]
    NotFound(String),
    /// An error the integration chose to show, with its own status.
    #[error("{message}")]
    Exposed {
        /// The HTTP status.
        status: u16,
        /// The message shown to the caller.
        message: String,
    },
    /// The request is malformed (wrong shapes of props, state, context or action).
    #[error("{0}")]
    BadRequest(String),
    /// Anything else; callers see only "Internal server error".
    #[error("{0}")]
    Internal(String),
}

impl ComponentError {
    /// An error shown to the caller with `status`.
    pub fn exposed(status: u16, message: impl Into<String>) -> Self {
        ComponentError::Exposed {
            status,
            message: message.into(),
        }
    }

    /// The HTTP status the reference runtime answers with.
    pub fn status(&self) -> u16 {
        match self {
            ComponentError::NotFound(_) => 404,
            ComponentError::Exposed { status, .. } => *status,
            ComponentError::BadRequest(_) => 400,
            ComponentError::Internal(_) => 500,
        }
    }

    /// The message put in the response body: internal details are never shown.
    pub fn public_message(&self) -> String {
        match self {
            ComponentError::Internal(_) => "Internal server error".to_owned(),
            other => other.to_string(),
        }
    }
}
