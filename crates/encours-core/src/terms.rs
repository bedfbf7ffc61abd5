//! Payment terms: the typed model, the parser, due schedules, discounts and LME compliance.

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermsError {
    /// Placeholder until the area is built.
    #[error("terms is not built yet")]
    NotBuilt,
}
