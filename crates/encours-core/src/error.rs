//! One error type over every area, for callers that want a single type.

use crate::calendar::CalendarError;
use crate::config::ConfigError;
use crate::dunning::DunningError;
use crate::interest::InterestError;
use crate::ledger::LedgerError;
use crate::metrics::ReportError;
use crate::money::MoneyError;
use crate::plans::PlanError;
use crate::terms::TermsError;
// Risk scoring and credit limits (issue 12).
use crate::limits::LimitError;
use crate::risk::RiskError;

/// Any error encours can return. Each variant wraps the error type of one area; the
/// message is the area's own, naming the field and the value.
///
/// ```
/// use encours_core::{Error, money::Currency};
/// let err: Error = Currency::from_code("EUX").unwrap_err().into();
/// assert!(matches!(err, Error::Money(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money, currency, rounding, allocation or FX error.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar or business-day error.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Payment-terms parse or schedule error.
    #[error(transparent)]
    Terms(#[from] TermsError),
    /// Ledger, customer, item, payment or cash-application error.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Aging or metrics error.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Late-payment interest or fee error.
    #[error(transparent)]
    Interest(#[from] InterestError),
    /// Dunning configuration or planning error.
    #[error(transparent)]
    Dunning(#[from] DunningError),
    /// A configuration document with an unknown key or value, or malformed (boxed:
    /// it carries the list of known keys, and `Error` stays small).
    #[error(transparent)]
    Config(Box<ConfigError>),
    /// Risk scoring error (features, scales, statements, scorecard).
    #[error(transparent)]
    Risk(#[from] RiskError),
    /// Credit limit, exposure or order check error.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// Payment-plan error.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Letter template error.
    #[cfg(feature = "letters")]
    #[error(transparent)]
    Letter(#[from] crate::letters::LetterError),
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(Box::new(e))
    }
}
