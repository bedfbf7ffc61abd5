//! Collection metrics: DSO, best possible DSO, ADD, CEI, days beyond terms, payment index, Pareto.

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Placeholder until the area is built.
    #[error("metrics is not built yet")]
    NotBuilt,
}
