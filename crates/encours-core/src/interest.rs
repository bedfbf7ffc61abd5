//! Late-payment interest and recovery fees: statutory rules, rate tables, day counts.

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InterestError {
    /// Placeholder until the area is built.
    #[error("interest is not built yet")]
    NotBuilt,
}
