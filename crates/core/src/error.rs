//! The parse error shared by every identifier and wire type in `core`.

use std::fmt;

/// Why a value from the outside world was refused: which field, and what rule it broke.
///
/// The field name is the wire name (`org_code`, `x-api-tran-id`, …) so the HTTP layer can put it into the
/// response message unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    field: &'static str,
    reason: String,
}

impl ParseError {
    /// A new error for `field` breaking `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }

    /// The wire name of the offending field.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rule that was broken.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The same error, attributed to another field (e.g. a generic date parser used for `from_date`).
    #[must_use]
    pub fn for_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
