//! Money: an exact decimal amount with its currency.
//!
//! Amounts are [`rust_decimal::Decimal`], never floating point. A [`Money`] always
//! carries its [`Currency`]; arithmetic between two currencies is an error, and
//! conversion needs an explicit rate ([`FxRates`]). Rounding goes to the currency's
//! minor unit with a stated [`RoundingMode`], and every split ([`Money::allocate`],
//! [`Money::split`]) adds back to the total to the minor unit.
//!
//! ```
//! use encours_core::money::{Currency, Money, Remainder};
//! let fee = Money::parse("100.00", Currency::EUR)?;
//! let parts = fee.split(3, Remainder::LargestRemainder)?;
//! let shown: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
//! assert_eq!(shown, ["33.34", "33.33", "33.33"]);
//! # Ok::<(), encours_core::money::MoneyError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::Zero;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What can go wrong with money: every message names the field or operation and the
/// value that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The code is not three ASCII letters.
    #[error("invalid currency code \"{code}\": expected three ASCII letters such as \"EUR\"")]
    InvalidCurrencyCode {
        /// The code as given.
        code: String,
    },
    /// The code is well formed but not an ISO 4217 currency known to encours.
    #[error(
        "unknown currency code \"{code}\": not an ISO 4217 code known to encours; declare it as a custom currency with its minor units (Currency::custom in Rust, Currency.custom in Python, {{\"code\": ..., \"minor_units\": ...}} in JSON)"
    )]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// A custom currency asked for more decimals than an exact decimal can hold.
    #[error("invalid minor units {minor_units} for currency \"{code}\": expected 0 to 8")]
    InvalidMinorUnits {
        /// The currency code.
        code: String,
        /// The minor units asked for.
        minor_units: u32,
    },
    /// Two amounts in different currencies were combined.
    #[error(
        "currency mismatch in {operation}: {left:?} and {right:?} cannot be combined without an exchange rate"
    )]
    CurrencyMismatch {
        /// The operation attempted (`add`, `subtract`, `compare`…).
        operation: &'static str,
        /// The left-hand currency.
        left: Currency,
        /// The right-hand currency.
        right: Currency,
    },
    /// The result does not fit in a decimal (about 7.9e28).
    #[error("decimal overflow in {operation}")]
    Overflow {
        /// The operation that overflowed.
        operation: &'static str,
    },
    /// A string could not be parsed as an exact decimal amount.
    #[error("invalid amount \"{value}\" for {field}: {reason}")]
    InvalidAmount {
        /// The field being parsed.
        field: &'static str,
        /// The text as given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// Allocation ratios are unusable (empty, negative, or summing to zero).
    #[error("invalid allocation ratios {ratios}: {reason}")]
    InvalidRatios {
        /// The ratios, as text.
        ratios: String,
        /// Why they were refused.
        reason: &'static str,
    },
    /// A split into zero parts, or into more than [`MAX_PARTS`], was asked for.
    #[error("invalid number of parts {parts}: expected between 1 and 10000000")]
    InvalidParts {
        /// The number asked for.
        parts: usize,
    },
    /// No exchange rate is known for the pair.
    #[error("no exchange rate from {from:?} to {to:?}: supply one with FxRates::insert")]
    MissingRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
    },
    /// An exchange rate must be positive, and 1 from a currency to itself.
    #[error("invalid exchange rate {rate} from {from:?} to {to:?}: {expected}")]
    InvalidRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
        /// The rate as given.
        rate: Decimal,
        /// What was expected.
        expected: &'static str,
    },
}

/// An ISO 4217 currency (or a caller-declared one) and its number of minor units.
///
/// `Currency` is `Copy` and four bytes wide, so it costs nothing to carry on every
/// amount. Built-in codes come from ISO 4217 (the ~50 most traded, including the
/// zero-decimal JPY and KRW and the three-decimal KWD, BHD and TND); other codes are
/// declared with [`Currency::custom`].
///
/// ```
/// use encours_core::money::Currency;
/// let jpy: Currency = "JPY".parse()?;
/// assert_eq!(jpy.minor_units(), 0);
/// assert_eq!(Currency::from_code("kwd")?.minor_units(), 3);
/// let points = Currency::custom("XPT", 2)?;
/// assert_eq!(points.code(), "XPT");
/// # Ok::<(), encours_core::money::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

macro_rules! iso_currencies {
    ($($name:ident = $code:literal, $units:literal, $label:literal;)*) => {
        impl Currency {
            $(
                #[doc = concat!($label, " (", $code, "), ", stringify!($units), " minor units.")]
                pub const $name: Currency = Currency::from_static($code, $units);
            )*
        }
        const ISO_TABLE: &[Currency] = &[$(Currency::$name),*];
    };
}

iso_currencies! {
    AED = "AED", 2, "UAE dirham";
    ARS = "ARS", 2, "Argentine peso";
    AUD = "AUD", 2, "Australian dollar";
    BGN = "BGN", 2, "Bulgarian lev";
    BHD = "BHD", 3, "Bahraini dinar";
    BRL = "BRL", 2, "Brazilian real";
    CAD = "CAD", 2, "Canadian dollar";
    CHF = "CHF", 2, "Swiss franc";
    CLP = "CLP", 0, "Chilean peso";
    CNY = "CNY", 2, "Chinese yuan";
    COP = "COP", 2, "Colombian peso";
    CZK = "CZK", 2, "Czech koruna";
    DKK = "DKK", 2, "Danish krone";
    DZD = "DZD", 2, "Algerian dinar";
    EGP = "EGP", 2, "Egyptian pound";
    EUR = "EUR", 2, "Euro";
    GBP = "GBP", 2, "Pound sterling";
    HKD = "HKD", 2, "Hong Kong dollar";
    HUF = "HUF", 2, "Hungarian forint";
    IDR = "IDR", 2, "Indonesian rupiah";
    ILS = "ILS", 2, "Israeli new shekel";
    INR = "INR", 2, "Indian rupee";
    ISK = "ISK", 0, "Icelandic króna";
    JOD = "JOD", 3, "Jordanian dinar";
    JPY = "JPY", 0, "Japanese yen";
    KRW = "KRW", 0, "South Korean won";
    KWD = "KWD", 3, "Kuwaiti dinar";
    MAD = "MAD", 2, "Moroccan dirham";
    MXN = "MXN", 2, "Mexican peso";
    MYR = "MYR", 2, "Malaysian ringgit";
    NGN = "NGN", 2, "Nigerian naira";
    NOK = "NOK", 2, "Norwegian krone";
    NZD = "NZD", 2, "New Zealand dollar";
    OMR = "OMR", 3, "Omani rial";
    PEN = "PEN", 2, "Peruvian sol";
    PHP = "PHP", 2, "Philippine peso";
    PLN = "PLN", 2, "Polish złoty";
    QAR = "QAR", 2, "Qatari riyal";
    RON = "RON", 2, "Romanian leu";
    RSD = "RSD", 2, "Serbian dinar";
    SAR = "SAR", 2, "Saudi riyal";
    SEK = "SEK", 2, "Swedish krona";
    SGD = "SGD", 2, "Singapore dollar";
    THB = "THB", 2, "Thai baht";
    TND = "TND", 3, "Tunisian dinar";
    TRY = "TRY", 2, "Turkish lira";
    TWD = "TWD", 2, "New Taiwan dollar";
    UAH = "UAH", 2, "Ukrainian hryvnia";
    USD = "USD", 2, "US dollar";
    VND = "VND", 0, "Vietnamese đồng";
    XAF = "XAF", 0, "Central African CFA franc";
    XOF = "XOF", 0, "West African CFA franc";
    XPF = "XPF", 0, "CFP franc";
    ZAR = "ZAR", 2, "South African rand";
}

/// Decimal places an exact decimal can spare for a currency's minor unit.
const MAX_MINOR_UNITS: u32 = 8;

impl Currency {
    // Only called with the literal codes of the table above, checked at compile time.
    #[allow(clippy::indexing_slicing)]
    const fn from_static(code: &str, minor_units: u8) -> Currency {
        let b = code.as_bytes();
        Currency {
            code: [b[0], b[1], b[2]],
            minor_units,
        }
    }

    /// The ISO 4217 currency with this code (case-insensitive).
    ///
    /// # Errors
    /// [`MoneyError::InvalidCurrencyCode`] when the code is not three ASCII letters,
    /// [`MoneyError::UnknownCurrency`] when no built-in currency has it.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::Currency;
    /// assert_eq!(Currency::from_code("eur")?, Currency::EUR);
    /// assert!(Currency::from_code("EUX").is_err());
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let normalized = normalize_code(code)?;
        ISO_TABLE
            .iter()
            .find(|c| c.code == normalized)
            .copied()
            .ok_or_else(|| MoneyError::UnknownCurrency {
                code: code.to_owned(),
            })
    }

    /// A caller-declared currency (a code ISO does not list, or an ISO code with other
    /// minor units), with 0 to 8 minor units.
    ///
    /// # Errors
    /// [`MoneyError::InvalidCurrencyCode`] for a code that is not three ASCII letters,
    /// [`MoneyError::InvalidMinorUnits`] above 8 minor units.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::Currency;
    /// let c = Currency::custom("xbt", 8)?;
    /// assert_eq!((c.code(), c.minor_units(), c.is_iso()), ("XBT", 8, false));
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn custom(code: &str, minor_units: u32) -> Result<Currency, MoneyError> {
        let normalized = normalize_code(code)?;
        let units = u8::try_from(minor_units)
            .ok()
            .filter(|u| u32::from(*u) <= MAX_MINOR_UNITS)
            .ok_or_else(|| MoneyError::InvalidMinorUnits {
                code: code.to_owned(),
                minor_units,
            })?;
        Ok(Currency {
            code: normalized,
            minor_units: units,
        })
    }

    /// The three-letter code, upper case.
    pub fn code(&self) -> &str {
        // The code is validated as ASCII letters on construction.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Number of digits after the decimal point in the minor unit (2 for EUR, 0 for JPY).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Whether this is the built-in ISO 4217 definition of the code.
    pub fn is_iso(&self) -> bool {
        ISO_TABLE.contains(self)
    }

    /// All built-in ISO 4217 currencies, sorted by code.
    pub fn iso_currencies() -> &'static [Currency] {
        ISO_TABLE
    }

    /// The smallest amount in this currency (0.01 for EUR, 1 for JPY).
    pub fn minor_unit(&self) -> Decimal {
        Decimal::new(1, self.minor_units())
    }
}

fn normalize_code(code: &str) -> Result<[u8; 3], MoneyError> {
    let bytes = code.as_bytes();
    match bytes {
        [a, b, c] if bytes.iter().all(u8::is_ascii_alphabetic) => Ok([
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ]),
        _ => Err(MoneyError::InvalidCurrencyCode {
            code: code.to_owned(),
        }),
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

// Error messages print currencies with `{:?}`: a custom currency shows its minor units
// so that two currencies sharing a code (`XPT/2`, `XPT/3`) stay distinguishable.
impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_iso() {
            write!(f, "{}", self.code())
        } else {
            write!(f, "{}/{}", self.code(), self.minor_units)
        }
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

/// ISO currencies serialize as their code (`"EUR"`); custom ones as
/// `{"code": "XBT", "minor_units": 8}` so that they round-trip exactly.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_iso() {
            serializer.serialize_str(self.code())
        } else {
            #[derive(Serialize)]
            struct Custom<'a> {
                code: &'a str,
                minor_units: u32,
            }
            Custom {
                code: self.code(),
                minor_units: self.minor_units(),
            }
            .serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Code(String),
            Custom { code: String, minor_units: u32 },
        }
        match Repr::deserialize(deserializer)? {
            Repr::Code(code) => Currency::from_code(&code),
            Repr::Custom { code, minor_units } => Currency::custom(&code, minor_units),
        }
        .map_err(serde::de::Error::custom)
    }
}

/// How to round to a currency's minor unit.
///
/// The default is [`RoundingMode::HalfUp`] (half away from zero), the commercial rule
/// used on invoices; [`RoundingMode::HalfEven`] (banker's rounding) is available for
/// accounting conventions that require it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half away from zero: 0.125 → 0.13, -0.125 → -0.13.
    #[default]
    HalfUp,
    /// Half to even (banker's rounding): 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// Round a bare decimal to `dp` places with this mode.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, self.strategy())
    }
}

/// Where the minor units left over by a split go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// Largest-remainder (Hamilton) method: each part is rounded down, then the
    /// leftover minor units go one each to the parts with the largest fractional
    /// remainders (ties to the earliest part). The fairest split.
    #[default]
    LargestRemainder,
    /// Every part but the last is rounded down; the last takes the rest. Common for
    /// instalment plans, where the final instalment absorbs the cents.
    OnLast,
    /// Every part but the first is rounded down; the first takes the rest.
    OnFirst,
}

/// An exact amount in a currency.
///
/// A `Money` may hold more decimals than its currency's minor unit (interest accrues
/// in fractions of a cent); [`Money::round`] brings it to the minor unit. Arithmetic is
/// checked: a currency mismatch or a decimal overflow is an error, never a panic.
///
/// Serialized as `{"amount": "12.34", "currency": "EUR"}` (the amount as a string so no
/// precision is lost).
///
/// ```
/// use encours_core::money::{Currency, Money};
/// let invoice = Money::parse("1200.00", Currency::EUR)?;
/// let paid = Money::parse("450.10", Currency::EUR)?;
/// assert_eq!(invoice.checked_sub(&paid)?.to_string(), "749.90 EUR");
/// assert!(invoice.checked_add(&Money::parse("1", Currency::USD)?).is_err());
/// # Ok::<(), encours_core::money::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    #[serde(with = "crate::decimal_serde")]
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency, kept exactly as given.
    pub const fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in a currency, written in its minor units (`0.00 EUR`, `0 JPY`), as any
    /// other amount of the currency is.
    ///
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// assert_eq!(Money::zero(Currency::EUR).to_string(), "0.00 EUR");
    /// assert_eq!(Money::zero(Currency::JPY).to_string(), "0 JPY");
    /// ```
    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::new(0, currency.minor_units()),
            currency,
        }
    }

    /// Parse an exact decimal string (`"1234.56"`, `"-3"`) in a currency. Refuses text
    /// that would need rounding to fit a decimal (more than 28 significant digits).
    ///
    /// # Errors
    /// [`MoneyError::InvalidAmount`] when the text is not an exact decimal.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// assert_eq!(Money::parse(" 19.90 ", Currency::EUR)?.amount().to_string(), "19.90");
    /// assert!(Money::parse("19,90", Currency::EUR).is_err());
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse_decimal("amount", text).map(|amount| Money { amount, currency })
    }

    /// An amount given as an integer count of minor units (cents for EUR).
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// assert_eq!(Money::from_minor(123456, Currency::EUR).to_string(), "1234.56 EUR");
    /// assert_eq!(Money::from_minor(1500, Currency::JPY).to_string(), "1500 JPY");
    /// ```
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.minor_units()),
            currency,
        }
    }

    /// The amount.
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is strictly below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// Whether the amount is strictly above zero.
    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    /// The absolute value.
    pub fn abs(&self) -> Money {
        Money {
            amount: self.amount.abs(),
            currency: self.currency,
        }
    }

    /// The opposite amount. Zero stays zero (never `-0.00`).
    pub fn negate(&self) -> Money {
        if self.amount.is_zero() {
            return *self;
        }
        Money {
            amount: -self.amount,
            currency: self.currency,
        }
    }

    fn same_currency(&self, other: &Money, operation: &'static str) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                operation,
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies,
    /// [`MoneyError::Overflow`] when the sum does not fit, or would be rounded at or
    /// above the currency's minor unit (past 28 significant digits a decimal sum is
    /// rounded: two cents lost near 4e26 EUR); see [`add_to_scale`].
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// let a = Money::from_minor(1050, Currency::EUR);
    /// assert_eq!(a.checked_add(&a)?, Money::from_minor(2100, Currency::EUR));
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other, "add")?;
        add_to_scale(self.amount, other.amount, self.currency.minor_units())
            .map(|amount| Money {
                amount,
                currency: self.currency,
            })
            .ok_or(MoneyError::Overflow { operation: "add" })
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies,
    /// [`MoneyError::Overflow`] when the difference does not fit, or would be rounded at
    /// or above the currency's minor unit.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// let a = Money::from_minor(1050, Currency::EUR);
    /// assert_eq!(a.checked_sub(&a)?, Money::zero(Currency::EUR));
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other, "subtract")?;
        sub_to_scale(self.amount, other.amount, self.currency.minor_units())
            .map(|amount| Money {
                amount,
                currency: self.currency,
            })
            .ok_or(MoneyError::Overflow {
                operation: "subtract",
            })
    }

    /// `self × factor`, unrounded.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the product does not fit.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let a = Money::from_minor(1000, Currency::EUR);
    /// assert_eq!(a.checked_mul(Decimal::new(15, 1))?.amount(), Decimal::new(1500, 2));
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, MoneyError> {
        self.amount
            .checked_mul(factor)
            .map(|amount| Money {
                amount,
                currency: self.currency,
            })
            .ok_or(MoneyError::Overflow {
                operation: "multiply",
            })
    }

    /// Compare two amounts of the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// use std::cmp::Ordering;
    /// let a = Money::from_minor(1, Currency::EUR);
    /// assert_eq!(a.checked_cmp(&Money::zero(Currency::EUR))?, Ordering::Greater);
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn checked_cmp(&self, other: &Money) -> Result<std::cmp::Ordering, MoneyError> {
        self.same_currency(other, "compare")?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// The smaller of two amounts of the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// let a = Money::from_minor(5, Currency::EUR);
    /// let b = Money::from_minor(3, Currency::EUR);
    /// assert_eq!(a.checked_min(&b)?, b);
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn checked_min(&self, other: &Money) -> Result<Money, MoneyError> {
        Ok(if self.checked_cmp(other)?.is_le() {
            *self
        } else {
            *other
        })
    }

    /// Round to the currency's minor unit. The result has exactly the currency's number
    /// of decimals (`5` EUR rounds to `5.00`) and a zero result has no sign.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money, RoundingMode};
    /// let m = Money::parse("2.345", Currency::EUR)?;
    /// assert_eq!(m.round(RoundingMode::HalfUp).to_string(), "2.35 EUR");
    /// assert_eq!(m.round(RoundingMode::HalfEven).to_string(), "2.34 EUR");
    /// assert_eq!(Money::parse("2.5", Currency::JPY)?.round(RoundingMode::HalfUp).to_string(), "3 JPY");
    /// assert_eq!(Money::parse("5", Currency::EUR)?.round(RoundingMode::HalfUp).to_string(), "5.00 EUR");
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn round(&self, mode: RoundingMode) -> Money {
        let units = self.currency.minor_units();
        let mut amount = mode.round(self.amount, units);
        // Rounding never adds digits, so `5` EUR or a quotient such as 92.00 / 0.92 =
        // `100` would stay without decimals; a rounded amount is written with exactly
        // the currency's decimals. Rescaling up is exact (and never fails).
        if amount.scale() < units {
            amount.rescale(units);
        }
        // -0.004 rounds to zero, not to a signed `-0.00`.
        if amount.is_zero() {
            amount.set_sign_positive(true);
        }
        Money {
            amount,
            currency: self.currency,
        }
    }

    /// Whether the amount has no digits below the currency's minor unit.
    pub fn is_in_minor_units(&self) -> bool {
        self.amount.round_dp(self.currency.minor_units()) == self.amount
    }

    /// The amount as an integer count of minor units, if it is exactly representable.
    ///
    /// # Errors
    /// [`MoneyError::InvalidAmount`] when the amount has digits below the minor unit,
    /// [`MoneyError::Overflow`] when it does not fit in an `i64`.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money};
    /// assert_eq!(Money::parse("12.30", Currency::EUR)?.to_minor()?, 1230);
    /// assert!(Money::parse("12.305", Currency::EUR)?.to_minor().is_err());
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn to_minor(&self) -> Result<i64, MoneyError> {
        if !self.is_in_minor_units() {
            return Err(MoneyError::InvalidAmount {
                field: "amount",
                value: self.amount.to_string(),
                reason: format!(
                    "has digits below the minor unit of {} ({} decimals); round it first",
                    self.currency,
                    self.currency.minor_units()
                ),
            });
        }
        let scaled = self
            .amount
            .checked_mul(Decimal::from(10_i64.pow(self.currency.minor_units())))
            .ok_or(MoneyError::Overflow {
                operation: "to_minor",
            })?;
        i64::try_from(scaled).map_err(|_| MoneyError::Overflow {
            operation: "to_minor",
        })
    }

    /// Split into parts proportional to `ratios`, each rounded to the minor unit, the
    /// parts adding back exactly to `self` rounded to the minor unit. A negative amount
    /// splits into negative parts.
    ///
    /// # Errors
    /// [`MoneyError::InvalidRatios`] when `ratios` is empty, has a negative ratio or
    /// sums to zero; [`MoneyError::Overflow`] on decimal overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money, Remainder};
    /// use rust_decimal::Decimal;
    /// let total = Money::parse("1000.00", Currency::EUR)?;
    /// let parts = total.allocate(&[Decimal::new(30, 0), Decimal::new(70, 0)], Remainder::OnLast)?;
    /// assert_eq!(parts[0].to_string(), "300.00 EUR");
    /// assert_eq!(parts[1].to_string(), "700.00 EUR");
    /// let thirds = Money::parse("0.10", Currency::EUR)?
    ///     .allocate(&[Decimal::ONE; 3], Remainder::LargestRemainder)?;
    /// assert_eq!(thirds.iter().map(|m| m.to_minor().unwrap()).collect::<Vec<_>>(), [4, 3, 3]);
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn allocate(
        &self,
        ratios: &[Decimal],
        remainder: Remainder,
    ) -> Result<Vec<Money>, MoneyError> {
        if ratios.len() > MAX_PARTS {
            // Each part is a value in memory: a bound, rather than an allocation that
            // aborts the process.
            return Err(MoneyError::InvalidRatios {
                ratios: format!("[{} ratios]", ratios.len()),
                reason: "expected at most 10000000 ratios",
            });
        }
        let bad = |reason| MoneyError::InvalidRatios {
            ratios: format!("{ratios:?}"),
            reason,
        };
        if ratios.is_empty() {
            return Err(bad("expected at least one ratio"));
        }
        if ratios.iter().any(|r| r.is_sign_negative() && !r.is_zero()) {
            return Err(bad("ratios must not be negative"));
        }
        if ratios.iter().all(Decimal::is_zero) {
            return Err(bad("ratios must not sum to zero"));
        }
        let units = self.currency.minor_units();
        let (negative, total) = minor_units_of(&self.round(RoundingMode::HalfUp))?;
        let parts = match weights_u128(ratios) {
            Some((weights, sum)) => match shares_u128(total, &weights, sum) {
                Some(shares) => distribute(shares, total, remainder)?,
                None => distribute(shares_big(total, &big_weights(ratios)?)?, total, remainder)?,
            },
            None => distribute(shares_big(total, &big_weights(ratios)?)?, total, remainder)?,
        };
        parts
            .into_iter()
            .map(|p| from_minor_units(negative, p, units, self.currency, "allocate"))
            .collect()
    }

    /// Split into `parts` near-equal parts adding back to the total to the minor unit.
    ///
    /// # Errors
    /// [`MoneyError::InvalidParts`] for zero parts or more than [`MAX_PARTS`].
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, Money, Remainder};
    /// let parts = Money::from_minor(1000, Currency::JPY).split(3, Remainder::OnLast)?;
    /// assert_eq!(parts.iter().map(|m| m.to_minor().unwrap()).collect::<Vec<_>>(), [333, 333, 334]);
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn split(&self, parts: usize, remainder: Remainder) -> Result<Vec<Money>, MoneyError> {
        if parts == 0 || parts > MAX_PARTS {
            return Err(MoneyError::InvalidParts { parts });
        }
        // Equal ratios: every part has the same remainder, so the leftover units go to
        // the first parts (ties to the earliest), as `allocate` would give them.
        let (negative, total) = minor_units_of(&self.round(RoundingMode::HalfUp))?;
        let n = parts as u128;
        let (floor, leftover) = (total / n, total % n);
        let last = parts - 1;
        (0..parts)
            .map(|i| {
                let extra = match remainder {
                    Remainder::LargestRemainder => u128::from((i as u128) < leftover),
                    Remainder::OnFirst if i == 0 => leftover,
                    Remainder::OnLast if i == last => leftover,
                    Remainder::OnFirst | Remainder::OnLast => 0,
                };
                from_minor_units(
                    negative,
                    floor + extra,
                    self.currency.minor_units(),
                    self.currency,
                    "split",
                )
            })
            .collect()
    }
}

// Splits are computed on integers: the total in minor units, each ratio as an integer
// weight at the ratios' common scale, each part `total × weight ÷ Σ weights` with its
// exact remainder. Decimal division rounds at 28 significant digits, which lost or
// created cents with tiny ratios and 21-digit amounts (issue #9, finding 5).

/// The sign and magnitude of an amount already rounded to its minor unit, in minor
/// units.
fn minor_units_of(rounded: &Money) -> Result<(bool, u128), MoneyError> {
    let units = rounded.currency.minor_units();
    let amount = rounded.amount;
    let magnitude = amount.mantissa().unsigned_abs();
    let total = units
        .checked_sub(amount.scale())
        .and_then(|up| 10u128.checked_pow(up))
        .and_then(|factor| magnitude.checked_mul(factor))
        .ok_or(MoneyError::Overflow {
            operation: "allocate",
        })?;
    Ok((amount.is_sign_negative() && total != 0, total))
}

/// A part in minor units back as money.
fn from_minor_units(
    negative: bool,
    part: u128,
    units: u32,
    currency: Currency,
    operation: &'static str,
) -> Result<Money, MoneyError> {
    let overflow = MoneyError::Overflow { operation };
    let magnitude = i128::try_from(part).map_err(|_| overflow.clone())?;
    let signed = if negative { -magnitude } else { magnitude };
    let amount = Decimal::try_from_i128_with_scale(signed, units).map_err(|_| overflow)?;
    Ok(Money { amount, currency })
}

/// The ratios as integer weights at their common scale, and their sum, when they fit
/// in 128 bits (the usual case: percentages, day counts, amounts).
fn weights_u128(ratios: &[Decimal]) -> Option<(Vec<u128>, u128)> {
    let scale = ratios.iter().map(Decimal::scale).max()?;
    let mut sum: u128 = 0;
    let mut weights = Vec::with_capacity(ratios.len());
    for r in ratios {
        let w = r
            .mantissa()
            .unsigned_abs()
            .checked_mul(10u128.checked_pow(scale - r.scale())?)?;
        sum = sum.checked_add(w)?;
        weights.push(w);
    }
    Some((weights, sum))
}

/// The same weights as big integers (up to about 190 bits each).
fn big_weights(ratios: &[Decimal]) -> Result<Vec<BigUint>, MoneyError> {
    let scale = ratios.iter().map(Decimal::scale).max().unwrap_or(0);
    Ok(ratios
        .iter()
        .map(|r| {
            BigUint::from(r.mantissa().unsigned_abs())
                * BigUint::from(10u32).pow(scale.saturating_sub(r.scale()))
        })
        .collect())
}

/// Each part rounded down, and the remainder of its division (the part's fraction of
/// a minor unit, times the sum of the weights): comparable across parts.
struct Shares<R> {
    floors: Vec<u128>,
    remainders: Vec<R>,
}

/// `total × w ÷ Σ w` for every weight, when the products fit in 128 bits.
fn shares_u128(total: u128, weights: &[u128], sum: u128) -> Option<Shares<u128>> {
    if sum == 0 {
        return None;
    }
    let mut floors = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for w in weights {
        let product = total.checked_mul(*w)?;
        floors.push(product / sum);
        remainders.push(product % sum);
    }
    Some(Shares { floors, remainders })
}

/// `total × w ÷ Σ w` for every weight, on big integers.
fn shares_big(total: u128, weights: &[BigUint]) -> Result<Shares<BigUint>, MoneyError> {
    let overflow = MoneyError::Overflow {
        operation: "allocate",
    };
    let sum: BigUint = weights.iter().sum();
    if sum.is_zero() {
        return Err(overflow);
    }
    let total = BigUint::from(total);
    let mut floors = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for w in weights {
        let (floor, rest) = (&total * w).div_rem(&sum);
        // A part is at most the total, which fits.
        floors.push(u128::try_from(floor).map_err(|_| overflow.clone())?);
        remainders.push(rest);
    }
    Ok(Shares { floors, remainders })
}

/// Hand the minor units the floors leave over (fewer than the number of parts, since
/// each floor is less than one unit below its exact share) to the parts the rule
/// picks.
fn distribute<R: Ord>(
    shares: Shares<R>,
    total: u128,
    remainder: Remainder,
) -> Result<Vec<u128>, MoneyError> {
    let Shares {
        mut floors,
        remainders,
    } = shares;
    let allotted = floors
        .iter()
        .try_fold(0u128, |acc, f| acc.checked_add(*f))
        .filter(|a| *a <= total);
    let leftover = allotted
        .map(|a| total - a)
        .filter(|l| *l < floors.len() as u128)
        // Exact arithmetic makes this impossible; were it to happen, the split would
        // not add up, so it is refused rather than silently trimmed.
        .ok_or(MoneyError::Overflow {
            operation: "allocate (leftover outside 0..parts)",
        })?;
    let target = match remainder {
        Remainder::OnLast => floors.last_mut(),
        Remainder::OnFirst => floors.first_mut(),
        Remainder::LargestRemainder => {
            let mut order: Vec<usize> = (0..floors.len()).collect();
            // Stable: ties go to the earliest part, so the split is deterministic.
            order.sort_by(|a, b| remainders.get(*b).cmp(&remainders.get(*a)));
            for i in order.into_iter().take(leftover as usize) {
                if let Some(part) = floors.get_mut(i) {
                    *part += 1;
                }
            }
            None
        }
    };
    if let Some(part) = target {
        *part += leftover;
    }
    Ok(floors)
}

/// `a + b` exactly, or `None`. `Decimal::checked_add` fails only past ±7.9e28: a sum
/// that needs more than 96 bits at its operands' scale is rounded to fewer decimals
/// (two cents lost adding two amounts near 4e26 EUR). Here a sum is returned only if
/// the decimals dropped were zeros.
///
/// ```
/// use encours_core::money::exact_add;
/// use rust_decimal::Decimal;
/// let a: Decimal = "400000000000000000000000000.01".parse().unwrap();
/// let b: Decimal = "400000000000000000000000000.02".parse().unwrap();
/// assert_eq!(a.checked_add(b).unwrap().to_string(), "800000000000000000000000000.0");
/// assert_eq!(exact_add(a, b), None);
/// assert_eq!(exact_add(a, Decimal::ONE).unwrap().to_string(), "400000000000000000000000001.01");
/// ```
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    add_to_scale(a, b, MAX_SCALE)
}

/// Most decimals a `Decimal` holds.
const MAX_SCALE: u32 = 28;

/// `a + b`, or `None` when the sum had to be rounded at or above `scale` decimals:
/// an amount of money may carry digits below its minor unit (interest accrues in
/// fractions of a cent) and those may round at 28 significant digits, since the
/// amount is rounded to its minor unit anyway; a cent may never be lost.
///
/// ```
/// use encours_core::money::add_to_scale;
/// use rust_decimal::Decimal;
/// let interest: Decimal = "12.3456789012345678901234567891".parse().unwrap();
/// let more: Decimal = "3.1415926535897932384626433832".parse().unwrap();
/// assert!(add_to_scale(interest, more, 2).is_some());
/// let a: Decimal = "400000000000000000000000000.01".parse().unwrap();
/// assert_eq!(add_to_scale(a, a, 2), None);
/// let zero: Decimal = "0.00".parse().unwrap();
/// assert_eq!(add_to_scale(zero, -zero, 2).unwrap().to_string(), "0.00");
/// ```
pub fn add_to_scale(a: Decimal, b: Decimal, scale: u32) -> Option<Decimal> {
    let mut sum = a.checked_add(b)?;
    // `0.00 + -0.00` keeps the sign bit: a zero is never written "-0.00".
    if sum.is_zero() {
        sum.set_sign_positive(true);
    }
    let kept = sum.scale();
    if kept >= a.scale().max(b.scale()).min(scale) {
        return Some(sum);
    }
    // The digits of each operand below the kept scale (each smaller than one unit of
    // it, so their sum is exact): the sum is exact only if they add to whole units.
    let below = |d: Decimal| d.checked_sub(d.trunc_with_scale(kept));
    let dropped = below(a)?.checked_add(below(b)?)?;
    (dropped.trunc_with_scale(kept) == dropped).then_some(sum)
}

/// `a - b` exactly, or `None` (see [`exact_add`]).
pub fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_add(a, -b)
}

/// `a - b`, or `None` when rounded at or above `scale` decimals (see
/// [`add_to_scale`]).
pub fn sub_to_scale(a: Decimal, b: Decimal, scale: u32) -> Option<Decimal> {
    add_to_scale(a, -b, scale)
}

/// The most parts [`Money::split`] and [`Money::allocate`] produce: ten million.
pub const MAX_PARTS: usize = 10_000_000;

/// Parse an exact decimal for a named field.
pub(crate) fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, MoneyError> {
    crate::decimal_serde::parse_exact(text).map_err(|reason| MoneyError::InvalidAmount {
        field,
        value: text.to_owned(),
        reason,
    })
}

impl fmt::Display for Money {
    /// `"1234.56 EUR"`: the exact amount, then the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {:?})", self.amount, self.currency)
    }
}

/// Exchange rates supplied by the caller: encours never invents one.
///
/// A rate `r` from `A` to `B` means `1 A = r B`. When only the opposite direction is
/// known, [`FxRates::convert`] divides by it and [`FxRates::rate`] gives its inverse.
///
/// ```
/// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
/// use rust_decimal::Decimal;
/// let mut fx = FxRates::new();
/// fx.insert(Currency::USD, Currency::EUR, Decimal::new(92, 2))?;
/// let eur = fx.convert(&Money::from_minor(10000, Currency::USD), Currency::EUR, RoundingMode::HalfUp)?;
/// assert_eq!(eur.to_string(), "92.00 EUR");
/// let usd = fx.convert(&eur, Currency::USD, RoundingMode::HalfUp)?;
/// assert_eq!(usd.to_string(), "100.00 USD");
/// # Ok::<(), encours_core::money::MoneyError>(())
/// ```
///
/// Deserializing validates each rate as [`FxRates::insert`] does (a zero or negative
/// rate is refused; a later quote of the same pair replaces an earlier one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FxRatesData")]
pub struct FxRates {
    rates: Vec<FxRate>,
}

/// The unvalidated serialized form of [`FxRates`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FxRatesData {
    rates: Vec<FxRate>,
}

impl TryFrom<FxRatesData> for FxRates {
    type Error = MoneyError;
    fn try_from(data: FxRatesData) -> Result<FxRates, MoneyError> {
        let mut fx = FxRates::new();
        for r in data.rates {
            fx.insert(r.from, r.to, r.rate)?;
        }
        Ok(fx)
    }
}

/// How a pair is quoted in [`FxRates`].
enum Quote {
    Same,
    Direct(Decimal),
    Reverse(Decimal),
}

/// One quoted exchange rate: `1 from = rate to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FxRate {
    /// Source currency.
    pub from: Currency,
    /// Target currency.
    pub to: Currency,
    /// Units of `to` for one unit of `from`.
    #[serde(with = "crate::decimal_serde")]
    pub rate: Decimal,
}

impl FxRates {
    /// No rates.
    pub fn new() -> FxRates {
        FxRates::default()
    }

    /// Add or replace the rate `1 from = rate to`.
    ///
    /// # Errors
    /// [`MoneyError::InvalidRate`] when the rate is not positive, or not 1 from a
    /// currency to itself.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, FxRates};
    /// use rust_decimal::Decimal;
    /// let mut fx = FxRates::new();
    /// assert!(fx.insert(Currency::GBP, Currency::EUR, Decimal::ZERO).is_err());
    /// ```
    pub fn insert(
        &mut self,
        from: Currency,
        to: Currency,
        rate: Decimal,
    ) -> Result<(), MoneyError> {
        if rate <= Decimal::ZERO {
            return Err(MoneyError::InvalidRate {
                from,
                to,
                rate,
                expected: "expected a positive number",
            });
        }
        // The rate of a currency to itself is never read (it is 1): any other figure
        // is a mistake in the caller's table, not something to store and ignore.
        if from == to && rate != Decimal::ONE {
            return Err(MoneyError::InvalidRate {
                from,
                to,
                rate,
                expected: "a currency converts to itself at 1",
            });
        }
        self.rates.retain(|r| !(r.from == from && r.to == to));
        self.rates.push(FxRate { from, to, rate });
        Ok(())
    }

    /// The rate from one currency to another (1 for the same currency).
    ///
    /// # Errors
    /// [`MoneyError::MissingRate`] when neither direction was supplied.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, FxRates};
    /// use rust_decimal::Decimal;
    /// let mut fx = FxRates::new();
    /// fx.insert(Currency::EUR, Currency::CHF, Decimal::new(94, 2))?;
    /// assert_eq!(fx.rate(Currency::EUR, Currency::CHF)?, Decimal::new(94, 2));
    /// assert!(fx.rate(Currency::EUR, Currency::GBP).is_err());
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn rate(&self, from: Currency, to: Currency) -> Result<Decimal, MoneyError> {
        match self.quote(from, to)? {
            Quote::Same => Ok(Decimal::ONE),
            Quote::Direct(rate) => Ok(rate),
            Quote::Reverse(rate) => Decimal::ONE.checked_div(rate).ok_or(MoneyError::Overflow {
                operation: "invert rate",
            }),
        }
    }

    fn quote(&self, from: Currency, to: Currency) -> Result<Quote, MoneyError> {
        if from == to {
            return Ok(Quote::Same);
        }
        if let Some(r) = self.rates.iter().find(|r| r.from == from && r.to == to) {
            return Ok(Quote::Direct(r.rate));
        }
        if let Some(r) = self.rates.iter().find(|r| r.from == to && r.to == from) {
            return Ok(Quote::Reverse(r.rate));
        }
        Err(MoneyError::MissingRate { from, to })
    }

    /// Convert an amount, rounding the result to the target's minor unit: multiplied by
    /// the rate quoted from its currency, or divided by the rate quoted the other way.
    ///
    /// # Errors
    /// [`MoneyError::MissingRate`] without a rate, [`MoneyError::Overflow`] on overflow.
    ///
    /// # Example
    /// ```
    /// use encours_core::money::{Currency, FxRates, Money, RoundingMode};
    /// use rust_decimal::Decimal;
    /// let mut fx = FxRates::new();
    /// fx.insert(Currency::EUR, Currency::JPY, Decimal::new(16234, 2))?;
    /// let yen = fx.convert(&Money::from_minor(1000, Currency::EUR), Currency::JPY, RoundingMode::HalfUp)?;
    /// assert_eq!(yen.to_string(), "1623 JPY");
    /// # Ok::<(), encours_core::money::MoneyError>(())
    /// ```
    pub fn convert(
        &self,
        money: &Money,
        to: Currency,
        mode: RoundingMode,
    ) -> Result<Money, MoneyError> {
        // Dividing by a reverse quote, rather than multiplying by its 28-digit inverse,
        // keeps exact ties exact: 1.515 at 1 EUR = 3 KWD is 0.505 EUR, which the
        // truncated inverse would make 0.50499… and round the wrong way. Regulation
        // (EC) 1103/97 art. 4 asks for the same: convert by dividing, never by inverse
        // rates.
        let amount = match self.quote(money.currency(), to)? {
            Quote::Same => Some(money.amount()),
            Quote::Direct(rate) => money.amount().checked_mul(rate),
            Quote::Reverse(rate) => money.amount().checked_div(rate),
        }
        .ok_or(MoneyError::Overflow {
            operation: "convert",
        })?;
        Ok(Money::new(amount, to).round(mode))
    }

    /// The quoted rates, in insertion order.
    pub fn rates(&self) -> &[FxRate] {
        &self.rates
    }
}

/// Amounts in several currencies kept apart, never added across currencies.
///
/// Reports use it for "totals per currency".
///
/// ```
/// use encours_core::money::{Currency, Money, MultiCurrency};
/// let mut totals = MultiCurrency::new();
/// totals.add(&Money::from_minor(1000, Currency::EUR))?;
/// totals.add(&Money::from_minor(250, Currency::USD))?;
/// totals.add(&Money::from_minor(500, Currency::EUR))?;
/// assert_eq!(totals.get(Currency::EUR), Money::from_minor(1500, Currency::EUR));
/// assert_eq!(totals.len(), 2);
/// # Ok::<(), encours_core::money::MoneyError>(())
/// ```
///
/// Serialized as an object from currency to amount string, `{"EUR": "15.00"}`. JSON
/// keys are strings, so a custom currency is keyed `"CODE/minor_units"` (`"XPT/3"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MultiCurrency {
    totals: BTreeMap<Currency, AmountStr>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
struct AmountStr(#[serde(with = "crate::decimal_serde")] Decimal);

fn currency_key(currency: Currency) -> String {
    if currency.is_iso() {
        currency.code().to_owned()
    } else {
        format!("{}/{}", currency.code(), currency.minor_units())
    }
}

fn currency_from_key(key: &str) -> Result<Currency, String> {
    match key.split_once('/') {
        None => Currency::from_code(key).map_err(|e| e.to_string()),
        Some((code, units)) => units
            .parse::<u32>()
            .map_err(|_| {
                format!("invalid currency key \"{key}\": expected \"CODE\" or \"CODE/minor_units\"")
            })
            .and_then(|units| Currency::custom(code, units).map_err(|e| e.to_string())),
    }
}

impl Serialize for MultiCurrency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.totals.len()))?;
        for (currency, amount) in &self.totals {
            map.serialize_entry(&currency_key(*currency), amount)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for MultiCurrency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, AmountStr>::deserialize(deserializer)?;
        let mut totals = BTreeMap::new();
        for (key, amount) in raw {
            let currency = currency_from_key(&key).map_err(serde::de::Error::custom)?;
            if totals.insert(currency, amount).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "duplicate currency {currency:?} in multi-currency totals"
                )));
            }
        }
        Ok(MultiCurrency { totals })
    }
}

impl MultiCurrency {
    /// No amounts.
    pub fn new() -> MultiCurrency {
        MultiCurrency::default()
    }

    /// Add an amount to the total of its currency.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the total does not fit.
    pub fn add(&mut self, money: &Money) -> Result<(), MoneyError> {
        let slot = self.totals.entry(money.currency()).or_default();
        slot.0 = add_to_scale(slot.0, money.amount(), money.currency().minor_units())
            .ok_or(MoneyError::Overflow { operation: "add" })?;
        Ok(())
    }

    /// The total in one currency (zero if none was added).
    pub fn get(&self, currency: Currency) -> Money {
        Money::new(
            self.totals.get(&currency).map(|a| a.0).unwrap_or_default(),
            currency,
        )
    }

    /// The totals, by currency code order.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.totals.iter().map(|(c, a)| Money::new(a.0, *c))
    }

    /// Number of currencies present.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Whether no amount was added.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Convert everything into one currency with the given rates, each currency's total
    /// converted and rounded once, then summed.
    ///
    /// # Errors
    /// [`MoneyError::MissingRate`] when a rate is missing, [`MoneyError::Overflow`].
    pub fn convert_total(
        &self,
        fx: &FxRates,
        to: Currency,
        mode: RoundingMode,
    ) -> Result<Money, MoneyError> {
        self.iter().try_fold(Money::zero(to), |acc, m| {
            acc.checked_add(&fx.convert(&m, to, mode)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::EUR)
    }

    #[test]
    fn iso_minor_units_match_iso_4217() {
        // ISO 4217 list one, as published by SIX (the maintenance agency).
        for (code, units) in [
            ("EUR", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("TND", 3),
            ("CLP", 0),
            ("ISK", 0),
        ] {
            assert_eq!(
                Currency::from_code(code).unwrap().minor_units(),
                units,
                "{code}"
            );
        }
        assert!(Currency::iso_currencies().len() >= 40);
        let mut codes: Vec<_> = Currency::iso_currencies()
            .iter()
            .map(|c| c.code().to_owned())
            .collect();
        let sorted = {
            let mut s = codes.clone();
            s.sort();
            s
        };
        assert_eq!(codes, sorted, "table is kept sorted");
        codes.dedup();
        assert_eq!(codes.len(), Currency::iso_currencies().len());
    }

    #[test]
    fn currency_errors_name_the_value() {
        assert_eq!(
            Currency::from_code("EUX").unwrap_err().to_string(),
            "unknown currency code \"EUX\": not an ISO 4217 code known to encours; declare it as a custom currency with its minor units (Currency::custom in Rust, Currency.custom in Python, {\"code\": ..., \"minor_units\": ...} in JSON)"
        );
        assert_eq!(
            Currency::from_code("E1R").unwrap_err().to_string(),
            "invalid currency code \"E1R\": expected three ASCII letters such as \"EUR\""
        );
        assert!(Currency::custom("ABC", 9).is_err());
    }

    #[test]
    fn currency_serde_round_trips() {
        let iso = serde_json::to_string(&Currency::EUR).unwrap();
        assert_eq!(iso, "\"EUR\"");
        let custom = Currency::custom("XBT", 8).unwrap();
        let json = serde_json::to_string(&custom).unwrap();
        assert_eq!(json, r#"{"code":"XBT","minor_units":8}"#);
        assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), custom);
        assert!(serde_json::from_str::<Currency>("\"EUX\"").is_err());
    }

    #[test]
    fn money_serde_is_exact() {
        let m = Money::parse("12345678901234567890.12", Currency::EUR).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"amount":"12345678901234567890.12","currency":"EUR"}"#
        );
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        // 31 significant digits would be rounded by Decimal::from_str: refused instead.
        assert!(
            serde_json::from_str::<Money>(
                r#"{"amount":"1.234567890123456789012345678901","currency":"EUR"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn mixing_currencies_is_an_error() {
        let err = eur(1)
            .checked_add(&Money::from_minor(1, Currency::USD))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "currency mismatch in add: EUR and USD cannot be combined without an exchange rate"
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let max = Money::new(Decimal::MAX, Currency::EUR);
        assert_eq!(
            max.checked_add(&eur(100)),
            Err(MoneyError::Overflow { operation: "add" })
        );
        assert!(max.checked_mul(Decimal::TWO).is_err());
    }

    #[test]
    fn rounding_modes() {
        let cases = [
            ("0.125", RoundingMode::HalfUp, "0.13"),
            ("0.125", RoundingMode::HalfEven, "0.12"),
            ("0.135", RoundingMode::HalfEven, "0.14"),
            ("-0.125", RoundingMode::HalfUp, "-0.13"),
            ("0.129", RoundingMode::Down, "0.12"),
            ("0.121", RoundingMode::Up, "0.13"),
        ];
        for (input, mode, out) in cases {
            assert_eq!(
                Money::parse(input, Currency::EUR)
                    .unwrap()
                    .round(mode)
                    .amount()
                    .to_string(),
                out
            );
        }
        assert_eq!(
            Money::parse("1.0005", Currency::KWD)
                .unwrap()
                .round(RoundingMode::HalfUp)
                .amount()
                .to_string(),
            "1.001"
        );
    }

    #[test]
    fn allocation_negative_and_zero_ratio() {
        let parts = eur(-1000)
            .allocate(
                &[Decimal::ONE, Decimal::ZERO, Decimal::TWO],
                Remainder::LargestRemainder,
            )
            .unwrap();
        assert_eq!(
            parts
                .iter()
                .map(|m| m.to_minor().unwrap())
                .collect::<Vec<_>>(),
            [-333, 0, -667]
        );
        assert!(eur(1).allocate(&[], Remainder::OnLast).is_err());
        assert!(
            eur(1)
                .allocate(&[Decimal::ZERO], Remainder::OnLast)
                .is_err()
        );
        assert!(
            eur(1)
                .allocate(&[Decimal::NEGATIVE_ONE, Decimal::TWO], Remainder::OnLast)
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn allocate_adds_back_to_the_cent(
            minor in -1_000_000_000_000i64..1_000_000_000_000,
            ratios in prop::collection::vec(0u32..10_000, 1..12),
            mode in prop_oneof![Just(Remainder::LargestRemainder), Just(Remainder::OnLast), Just(Remainder::OnFirst)],
            units in 0u32..4,
        ) {
            prop_assume!(ratios.iter().any(|r| *r > 0));
            let cur = Currency::custom("TST", units).unwrap();
            let total = Money::from_minor(minor, cur);
            let ratios: Vec<Decimal> = ratios.into_iter().map(Decimal::from).collect();
            let parts = total.allocate(&ratios, mode).unwrap();
            prop_assert_eq!(parts.len(), ratios.len());
            let sum = parts.iter().try_fold(Money::zero(cur), |a, p| a.checked_add(p)).unwrap();
            prop_assert_eq!(sum.amount(), total.amount());
            for (p, r) in parts.iter().zip(&ratios) {
                prop_assert!(p.is_in_minor_units());
                if r.is_zero() && mode == Remainder::LargestRemainder { prop_assert!(p.is_zero()); }
            }
        }

        #[test]
        fn split_parts_differ_by_at_most_one_unit(minor in 0i64..1_000_000_000, n in 1usize..50) {
            let parts = eur(minor).split(n, Remainder::LargestRemainder).unwrap();
            let mins: Vec<i64> = parts.iter().map(|p| p.to_minor().unwrap()).collect();
            prop_assert_eq!(mins.iter().sum::<i64>(), minor);
            let (lo, hi) = (mins.iter().min().unwrap(), mins.iter().max().unwrap());
            prop_assert!(hi - lo <= 1);
        }
    }
}
