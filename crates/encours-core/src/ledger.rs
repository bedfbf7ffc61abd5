//! The accounts-receivable ledger: customers, open items, payments, cash application.

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// Placeholder until the area is built.
    #[error("ledger is not built yet")]
    NotBuilt,
}
