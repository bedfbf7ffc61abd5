"""encours: an embeddable engine for B2B credit management and collections.

Exact money (``decimal.Decimal``, never ``float``) with its currency, the
accounts-receivable ledger, and its reports. Everything is computed by the Rust
core; this package converts Python values and delegates.
"""

from encours._encours import (
    CalendarError,
    Currency,
    CurrencyMismatchError,
    DunningError,
    EncoursError,
    FxRates,
    InputError,
    InterestError,
    LedgerError,
    Money,
    MoneyError,
    ReportError,
    TableError,
    TermsError,
    __version__,
)

__all__ = [
    "CalendarError",
    "Currency",
    "CurrencyMismatchError",
    "DunningError",
    "EncoursError",
    "FxRates",
    "InputError",
    "InterestError",
    "LedgerError",
    "Money",
    "MoneyError",
    "ReportError",
    "TableError",
    "TermsError",
    "__version__",
]
