//! Business-day calendars: weekends, holiday rules, built-in calendars, roll conventions.

/// Errors of this area. Every message names the field and the value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// Placeholder until the area is built.
    #[error("calendar is not built yet")]
    NotBuilt,
}
