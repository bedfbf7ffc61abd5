//! Payment terms: the typed model, the parser, due schedules, discounts and LME compliance.
//!
//! [`PaymentTerms`] is one or more [`TermsLine`]s (a share of the amount, in percent,
//! and a [`DueRule`]) plus an optional [`EarlyPaymentDiscount`]. Terms come from
//! configuration (serde) or from the text people type in ERPs
//! ([`PaymentTerms::parse`], English and French). Everything here is pure and
//! deterministic.
//!
//! ```
//! use chrono::NaiveDate;
//! use encours_core::money::{Currency, Money};
//! use encours_core::terms::{ParseOptions, PaymentTerms};
//! let terms = PaymentTerms::parse("30 % à la commande, 70 % à 60 jours", &ParseOptions::default())?;
//! assert_eq!(terms.to_string(), "30% at order, 70% net 60");
//! let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
//! let order = NaiveDate::from_ymd_opt(2024, 1, 2);
//! let schedule = terms.due_schedule(invoice, order, Money::parse("1000.01", Currency::EUR)?)?;
//! assert_eq!(schedule[0].due_date.to_string(), "2024-01-02");
//! assert_eq!(schedule[0].amount.to_string(), "300.00 EUR");
//! assert_eq!(schedule[1].due_date.to_string(), "2024-03-15");
//! assert_eq!(schedule[1].amount.to_string(), "700.01 EUR");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Due dates
//!
//! A due date here is the *contractual* one, the date the law and the contract speak
//! of (Code de commerce art. L441-10). It is never moved to a business day: rolling a
//! date that falls on a weekend or a holiday is the job of [`crate::calendar`], done by
//! callers that need it (a dunning planner, a cash-in forecast).
//!
//! "N days end of month" is read two ways in France, and the reading must be chosen:
//!
//! - [`DueRule::DaysThenEndOfMonth`]: invoice date + N days, then to the end of that
//!   month (the usual reading of "45 jours fin de mois");
//! - [`DueRule::EndOfMonthThenDays`]: end of the invoice month, then + N days ("fin de
//!   mois 45", "end of month + 45"). "End of month + 10" ("fin de mois le 10" in its
//!   usual sense) is this rule with N = 10: it always lands on the 10th of the next
//!   month, so no separate rule is kept for it.
//!
//! [`DueRule::EndOfMonthOnDay`] covers "le 10 du mois suivant" and "30 jours fin de
//! mois le 10" (invoice + 30 days, end of that month, then the 10th of the following
//! month), with days past the end of a short month clamped to its last day.
//!
//! # Serialized form
//!
//! Percentages are strings (exact decimals), days are integers, rules are tagged by
//! `"rule"` in snake case; `discount` is left out when there is none:
//!
//! ```json
//! {"lines":[{"share":"30","due":{"rule":"at_order"}},
//!           {"share":"70","due":{"rule":"days_then_end_of_month","days":45}}],
//!  "discount":{"percent":"2","days":10}}
//! ```
//!
//! Month rules (`{"rule":"months_after","months":2,"days":0,"end_of_month":false,
//! "convention":"months_then_days"}`) and payment days (`"payment_days":[10,25]`) are
//! written in this form only; their text is for display.
//!
//! The other rules are `{"rule":"on_receipt"}`, `{"rule":"net","days":30}`,
//! `{"rule":"end_of_month_then_days","days":45}` and
//! `{"rule":"end_of_month_on_day","days":0,"day":10}`. Deserializing validates exactly
//! as [`PaymentTerms::new`] does, and the form round-trips exactly (percentages are
//! kept normalized: `"30.50"` is stored as `"30.5"`).
//!
//! # French LME cap (Code de commerce art. L441-10 I)
//!
//! The agreed payment period "ne peut dépasser soixante jours à compter de la date
//! d'émission de la facture"; by derogation, "un délai maximal de quarante-cinq jours
//! fin de mois à compter de la date d'émission de la facture peut être convenu entre
//! les parties, sous réserve que ce délai soit expressément stipulé par contrat et
//! qu'il ne constitue pas un abus manifeste à l'égard du créancier".
//!
//! The DGCCRF accepts both computations of "45 jours fin de mois": "date de facture +
//! 45 jours + fin du mois ou date de facture + fin du mois + 45 jours" (DGCCRF, fiche
//! pratique *Délais de paiement : les règles à connaître*, economie.gouv.fr; the CEPC
//! answer *Délais de paiement : sur la computation des délais* says the same). Neither
//! reading is always the later one (invoice 15 January 2023: Mar 31 against Mar 17;
//! invoice 1 January 2023: Feb 28 against Mar 17).
//!
//! [`PaymentTerms::lme_check`] therefore applies, to each line's contractual due date:
//!
//! 1. the general cap, invoice date + 60 calendar days, to every line;
//! 2. the derogation cap, the later of `end_of_month(invoice + 45 days)` and
//!    `end_of_month(invoice) + 45 days`, only to lines whose rule is an end-of-month
//!    rule ([`DueRule::DaysThenEndOfMonth`], [`DueRule::EndOfMonthThenDays`],
//!    [`DueRule::EndOfMonthOnDay`]): the derogation exists only when an end-of-month
//!    term was expressly stipulated, and terms written "net 61" stipulate none, so they
//!    are held to 60 days whatever the invoice date.
//!
//! A line complies when its due date is on or before a cap that applies to it. So net
//! 60 complies and net 61 does not; 45 days end of month complies under both readings
//! for every invoice date; 60 days end of month does not (except for invoices whose
//! due date happens to fall within 60 days, e.g. one dated on the last day of a
//! month). Sector caps (road transport, perishable food), periodic invoices (45 days)
//! and the "manifest abuse" test are out of scope.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Money, MoneyError, Remainder, RoundingMode};

mod offer;
pub use offer::DiscountOffer;

/// Errors of this area. Every message names the field and the value that was refused.
///
/// ```
/// use encours_core::terms::{ParseOptions, PaymentTerms, TermsError};
/// let err = PaymentTerms::parse("net thirty", &ParseOptions::default()).unwrap_err();
/// assert!(matches!(err, TermsError::UnexpectedToken { column: 5, .. }));
/// assert_eq!(
///     err.to_string(),
///     "invalid payment terms \"net thirty\": unexpected \"thirty\" at column 5, expected a whole number of days"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermsError {
    /// The parser met a token it cannot use at that place.
    #[error(
        "invalid payment terms \"{text}\": unexpected \"{token}\" at column {column}, expected {expected}"
    )]
    UnexpectedToken {
        /// The whole text given to the parser.
        text: String,
        /// The offending token, as typed.
        token: String,
        /// Where the token starts: 1-based, counted in characters.
        column: usize,
        /// What would have been accepted there.
        expected: &'static str,
    },
    /// The text ended where more was needed.
    #[error(
        "invalid payment terms \"{text}\": unexpected end at column {column}, expected {expected}"
    )]
    UnexpectedEnd {
        /// The whole text given to the parser.
        text: String,
        /// One past the last character: 1-based, counted in characters.
        column: usize,
        /// What would have been accepted there.
        expected: &'static str,
    },
    /// The terms have no line.
    #[error("payment terms have no line: expected at least one")]
    NoLines,
    /// A line's share is not in `(0, 100]`.
    #[error(
        "invalid share {share}% on line {} of payment terms: expected more than 0% and at most 100%", .line_index + 1
    )]
    InvalidShare {
        /// 0-based index of the line.
        line_index: usize,
        /// The share as given, in percent.
        share: Decimal,
    },
    /// The shares of the lines do not add up to exactly 100 %.
    #[error("shares of payment terms sum to {total}%: expected exactly 100%")]
    SharesNotHundred {
        /// The sum of the shares, in percent.
        total: Decimal,
    },
    /// A balance line ("solde", "balance") was left nothing by the other lines.
    #[error(
        "shares before the balance line of payment terms sum to {total}%: expected less than 100%"
    )]
    NoBalanceLeft {
        /// The sum of the other shares, in percent.
        total: Decimal,
    },
    /// The early-payment discount is not in `(0, 100)`.
    #[error(
        "invalid early-payment discount of {percent}%: expected more than 0% and less than 100%"
    )]
    InvalidDiscount {
        /// The discount as given, in percent.
        percent: Decimal,
    },
    /// A [`DueRule::EndOfMonthOnDay`] names a day outside 1 to 31.
    #[error("invalid day of month {day} in due rule \"{rule}\": expected 1 to 31")]
    InvalidDayOfMonth {
        /// The rule, in its canonical text.
        rule: String,
        /// The day as given.
        day: u8,
    },
    /// A due date or a deadline falls outside the dates chrono can represent.
    #[error(
        "date out of range computing {operation} from {date}: expected a result within the dates chrono represents"
    )]
    DateOutOfRange {
        /// What was being computed (`"+ 30 days"`, `"end of month"`…).
        operation: String,
        /// The date it started from.
        date: NaiveDate,
    },
    /// An amount to schedule or discount has digits below its currency's minor unit.
    #[error(
        "amount {amount} has digits below the minor unit of its currency: expected an amount rounded to the minor unit"
    )]
    AmountNotInMinorUnits {
        /// The amount as given.
        amount: Money,
    },
    /// Money arithmetic failed (overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// How to read the ambiguous "N days end of month" ("N jours fin de mois").
///
/// The default is [`EndOfMonthConvention::DaysThenEndOfMonth`], the usual reading of
/// "45 jours fin de mois" in French practice.
///
/// ```
/// use encours_core::terms::{DueRule, EndOfMonthConvention};
/// assert_eq!(EndOfMonthConvention::default(), EndOfMonthConvention::DaysThenEndOfMonth);
/// assert_eq!(
///     DueRule::days_end_of_month(45, EndOfMonthConvention::EndOfMonthThenDays),
///     DueRule::EndOfMonthThenDays { days: 45 }
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndOfMonthConvention {
    /// Invoice date + N days, then to the end of that month.
    #[default]
    DaysThenEndOfMonth,
    /// End of the invoice month, then + N days.
    EndOfMonthThenDays,
}

/// When one line of the terms falls due.
///
/// [`DueRule::due_date`] computes the contractual date; see the module docs for the
/// two end-of-month conventions. The canonical English text ([`fmt::Display`]) parses
/// back to the same rule whatever the [`ParseOptions`].
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::terms::DueRule;
/// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
/// let rule = DueRule::DaysThenEndOfMonth { days: 45 };
/// assert_eq!(rule.due_date(invoice, None)?.to_string(), "2024-02-29");
/// assert_eq!(rule.to_string(), "45 days then end of month");
/// assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"rule":"days_then_end_of_month","days":45}"#);
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DueRule {
    /// Due on receipt of the invoice ("à réception", "comptant"): the invoice date.
    OnReceipt,
    /// Due at order ("à la commande"): the order date, or the invoice date when no
    /// order date is given.
    AtOrder,
    /// Invoice date + `days` calendar days ("net 30", "30 jours").
    Net {
        /// Calendar days after the invoice date.
        days: u32,
    },
    /// Invoice date + `days`, then to the end of that month ("45 jours fin de mois",
    /// usual reading).
    DaysThenEndOfMonth {
        /// Calendar days added before going to the end of the month.
        days: u32,
    },
    /// End of the invoice month, then + `days` ("fin de mois 45", "end of month + 10").
    EndOfMonthThenDays {
        /// Calendar days added after the end of the invoice month.
        days: u32,
    },
    /// Invoice date + `days`, to the end of that month, then the `day`-th of the
    /// following month, clamped to that month's last day ("le 10 du mois suivant" with
    /// `days` 0, "30 jours fin de mois le 10" with `days` 30).
    EndOfMonthOnDay {
        /// Calendar days added before going to the end of the month (often 0).
        days: u32,
        /// Day of the following month, 1 to 31.
        day: u8,
    },
    /// Invoice date + `months` calendar months and `days` days, in the order
    /// `convention` names, then (with `end_of_month`) to the end of that month. A day
    /// past the end of a shorter month is clamped to its last day: 31 January 2024 +
    /// 1 month is 29 February 2024.
    MonthsAfter {
        /// Calendar months after the invoice date.
        months: u32,
        /// Calendar days added as well (0 when absent).
        #[serde(default)]
        days: u32,
        /// Go to the end of the month at the end.
        #[serde(default)]
        end_of_month: bool,
        /// Months then days (the default) or days then months.
        #[serde(default)]
        convention: MonthArithmetic,
    },
}

/// The order of month and day arithmetic in [`DueRule::MonthsAfter`]: ERPs differ,
/// and the results differ at month ends (30 January + 1 day + 1 month is 29 February
/// 2024 one way, 1 March the other).
///
/// The default, [`MonthArithmetic::MonthsThenDays`], is the order of ISO 8601
/// durations (`P1M1D`: years, months, then days) and of `java.time` and PostgreSQL
/// interval arithmetic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MonthArithmetic {
    /// Add the months (clamping to the month's last day), then the days.
    #[default]
    MonthsThenDays,
    /// Add the days, then the months (clamping).
    DaysThenMonths,
}

impl DueRule {
    /// The rule "`days` days end of month" read with the given convention.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{DueRule, EndOfMonthConvention};
    /// assert_eq!(
    ///     DueRule::days_end_of_month(45, EndOfMonthConvention::DaysThenEndOfMonth),
    ///     DueRule::DaysThenEndOfMonth { days: 45 }
    /// );
    /// ```
    pub fn days_end_of_month(days: u32, convention: EndOfMonthConvention) -> DueRule {
        match convention {
            EndOfMonthConvention::DaysThenEndOfMonth => DueRule::DaysThenEndOfMonth { days },
            EndOfMonthConvention::EndOfMonthThenDays => DueRule::EndOfMonthThenDays { days },
        }
    }

    /// The contractual due date for an invoice (and, for [`DueRule::AtOrder`], an
    /// order) date. Never rolled to a business day.
    ///
    /// # Errors
    /// [`TermsError::DateOutOfRange`] when the date would fall outside what chrono
    /// represents; [`TermsError::InvalidDayOfMonth`] for an
    /// [`DueRule::EndOfMonthOnDay`] day outside 1 to 31.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::terms::DueRule;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(DueRule::EndOfMonthThenDays { days: 45 }.due_date(d(2024, 1, 15), None)?, d(2024, 3, 16));
    /// assert_eq!(DueRule::AtOrder.due_date(d(2024, 1, 15), Some(d(2024, 1, 2)))?, d(2024, 1, 2));
    /// assert_eq!(DueRule::AtOrder.due_date(d(2024, 1, 15), None)?, d(2024, 1, 15));
    /// assert_eq!(DueRule::EndOfMonthOnDay { days: 0, day: 31 }.due_date(d(2024, 1, 15), None)?, d(2024, 2, 29));
    /// assert!(DueRule::Net { days: u32::MAX }.due_date(d(2024, 1, 15), None).is_err());
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn due_date(
        &self,
        invoice_date: NaiveDate,
        order_date: Option<NaiveDate>,
    ) -> Result<NaiveDate, TermsError> {
        match *self {
            DueRule::OnReceipt => Ok(invoice_date),
            DueRule::AtOrder => Ok(order_date.unwrap_or(invoice_date)),
            DueRule::Net { days } => add_days(invoice_date, days),
            DueRule::DaysThenEndOfMonth { days } => end_of_month(add_days(invoice_date, days)?),
            DueRule::EndOfMonthThenDays { days } => add_days(end_of_month(invoice_date)?, days),
            DueRule::EndOfMonthOnDay { days, day } => {
                self.validate()?;
                day_of_following_month(add_days(invoice_date, days)?, day)
            }
            DueRule::MonthsAfter {
                months,
                days,
                end_of_month: eom,
                convention,
            } => {
                let date = match convention {
                    MonthArithmetic::MonthsThenDays => {
                        add_days(add_months(invoice_date, months)?, days)?
                    }
                    MonthArithmetic::DaysThenMonths => {
                        add_months(add_days(invoice_date, days)?, months)?
                    }
                };
                if eom { end_of_month(date) } else { Ok(date) }
            }
        }
    }

    /// Whether this is an end-of-month rule, the only kind the LME derogation of 45
    /// days end of month can apply to.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::DueRule;
    /// assert!(DueRule::EndOfMonthThenDays { days: 45 }.is_end_of_month());
    /// assert!(!DueRule::Net { days: 60 }.is_end_of_month());
    /// ```
    pub fn is_end_of_month(&self) -> bool {
        matches!(
            self,
            DueRule::DaysThenEndOfMonth { .. }
                | DueRule::EndOfMonthThenDays { .. }
                | DueRule::EndOfMonthOnDay { .. }
                | DueRule::MonthsAfter {
                    end_of_month: true,
                    ..
                }
        )
    }

    fn validate(&self) -> Result<(), TermsError> {
        match *self {
            DueRule::EndOfMonthOnDay { day, .. } if !(1..=31).contains(&day) => {
                Err(TermsError::InvalidDayOfMonth {
                    rule: self.to_string(),
                    day,
                })
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for DueRule {
    /// The canonical English form: `on receipt`, `at order`, `net 30`,
    /// `45 days then end of month`, `end of month + 45 days` (`end of month` for 0),
    /// `end of month on the 10th`, `30 days then end of month on the 10th`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DueRule::OnReceipt => f.write_str("on receipt"),
            DueRule::AtOrder => f.write_str("at order"),
            DueRule::Net { days } => write!(f, "net {days}"),
            DueRule::DaysThenEndOfMonth { days } => write!(f, "{days} days then end of month"),
            DueRule::EndOfMonthThenDays { days: 0 } => f.write_str("end of month"),
            DueRule::EndOfMonthThenDays { days } => write!(f, "end of month + {days} days"),
            DueRule::EndOfMonthOnDay { days: 0, day } => {
                write!(f, "end of month on the {day}{}", ordinal_suffix(day))
            }
            DueRule::EndOfMonthOnDay { days, day } => write!(
                f,
                "{days} days then end of month on the {day}{}",
                ordinal_suffix(day)
            ),
            // Display only: month rules are written in the JSON form.
            DueRule::MonthsAfter {
                months,
                days,
                end_of_month,
                convention,
            } => {
                let plural = if months == 1 { "" } else { "s" };
                match (days, convention) {
                    (0, _) => write!(f, "{months} month{plural}")?,
                    (_, MonthArithmetic::MonthsThenDays) => {
                        write!(f, "{months} month{plural} then {days} days")?
                    }
                    (_, MonthArithmetic::DaysThenMonths) => {
                        write!(f, "{days} days then {months} month{plural}")?
                    }
                }
                if end_of_month {
                    f.write_str(" then end of month")?;
                }
                Ok(())
            }
        }
    }
}

fn ordinal_suffix(n: u8) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// One line of the terms: a share of the amount and when it falls due.
///
/// ```
/// use encours_core::terms::{DueRule, TermsLine};
/// use rust_decimal::Decimal;
/// let line = TermsLine { share: Decimal::from(30), due: DueRule::AtOrder };
/// assert_eq!(line.to_string(), "30% at order");
/// assert_eq!(serde_json::to_string(&line).unwrap(), r#"{"share":"30","due":{"rule":"at_order"}}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsLine {
    /// Share of the amount, in percent (30 for 30 %); more than 0 and at most 100.
    #[serde(with = "crate::decimal_serde")]
    pub share: Decimal,
    /// When this share falls due.
    pub due: DueRule,
}

impl fmt::Display for TermsLine {
    /// `30% at order`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}% {}", self.share.normalize(), self.due)
    }
}

/// A discount for paying early: `percent` off if paid within `days` of the invoice
/// date ("2/10 net 30": 2 % within 10 days).
///
/// ```
/// use encours_core::terms::EarlyPaymentDiscount;
/// use rust_decimal::Decimal;
/// let d = EarlyPaymentDiscount { percent: Decimal::TWO, days: 10 };
/// assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"percent":"2","days":10}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyPaymentDiscount {
    /// The discount, in percent of the amount; more than 0 and less than 100.
    #[serde(with = "crate::decimal_serde")]
    pub percent: Decimal,
    /// Calendar days after the invoice date during which the discount holds.
    pub days: u32,
}

/// Options of [`PaymentTerms::parse`].
///
/// ```
/// use encours_core::terms::{EndOfMonthConvention, ParseOptions, PaymentTerms, DueRule};
/// let options = ParseOptions::new().with_end_of_month_convention(EndOfMonthConvention::EndOfMonthThenDays);
/// let terms = PaymentTerms::parse("45 jours fin de mois", &options)?;
/// assert_eq!(terms.lines()[0].due, DueRule::EndOfMonthThenDays { days: 45 });
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParseOptions {
    /// How "N days end of month" / "N jours fin de mois" is read; explicit forms
    /// ("45 days then end of month", "end of month + 45") ignore it, and so does
    /// "30 jours fin de mois le 10", always read as invoice + 30 days, end of that
    /// month, then the 10th of the following month. Default:
    /// [`EndOfMonthConvention::DaysThenEndOfMonth`].
    #[serde(default)]
    pub end_of_month_convention: EndOfMonthConvention,
}

impl ParseOptions {
    /// The default options.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::ParseOptions;
    /// assert_eq!(ParseOptions::new(), ParseOptions::default());
    /// ```
    pub fn new() -> ParseOptions {
        ParseOptions::default()
    }

    /// The same options with another end-of-month convention.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{EndOfMonthConvention, ParseOptions};
    /// let o = ParseOptions::new().with_end_of_month_convention(EndOfMonthConvention::EndOfMonthThenDays);
    /// assert_eq!(o.end_of_month_convention, EndOfMonthConvention::EndOfMonthThenDays);
    /// ```
    pub fn with_end_of_month_convention(
        mut self,
        convention: EndOfMonthConvention,
    ) -> ParseOptions {
        self.end_of_month_convention = convention;
        self
    }
}

/// Payment terms: one or more lines whose shares add up to exactly 100 %, and an
/// optional early-payment discount.
///
/// Built with [`PaymentTerms::new`], [`PaymentTerms::single`], [`PaymentTerms::net`],
/// parsed from text with [`PaymentTerms::parse`] (or [`str::parse`], default options),
/// or deserialized (see the module docs for the form). Always valid once built.
/// [`fmt::Display`] prints a canonical English form that parses back to an equal value.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::money::{Currency, Money};
/// use encours_core::terms::PaymentTerms;
/// let terms: PaymentTerms = "2/10 net 30".parse()?;
/// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
/// assert_eq!(terms.due_date(invoice)?.to_string(), "2024-02-14");
/// let discount = terms.early_payment_discount(invoice, Money::parse("1000.00", Currency::EUR)?)?.unwrap();
/// assert_eq!(discount.amount.to_string(), "20.00 EUR");
/// assert_eq!(discount.deadline.to_string(), "2024-01-25");
/// assert_eq!(
///     serde_json::to_string(&terms).unwrap(),
///     r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"discount":{"percent":"2","days":10}}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PaymentTermsRepr")]
pub struct PaymentTerms {
    lines: Vec<TermsLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discount: Option<EarlyPaymentDiscount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    payment_days: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentTermsRepr {
    lines: Vec<TermsLine>,
    #[serde(default)]
    discount: Option<EarlyPaymentDiscount>,
    #[serde(default)]
    payment_days: Vec<u8>,
}

impl TryFrom<PaymentTermsRepr> for PaymentTerms {
    type Error = TermsError;
    fn try_from(repr: PaymentTermsRepr) -> Result<Self, Self::Error> {
        PaymentTerms::new(repr.lines, repr.discount)?.with_payment_days(repr.payment_days)
    }
}

/// One dated amount of a [`PaymentTerms::due_schedule`].
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::money::{Currency, Money};
/// use encours_core::terms::PaymentTerms;
/// let terms = PaymentTerms::net(30);
/// let lines = terms.due_schedule(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap(), None, Money::from_minor(1000, Currency::EUR))?;
/// assert_eq!(lines[0].line_index, 0);
/// assert_eq!(lines[0].due_date.to_string(), "2024-02-14");
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DueLine {
    /// 0-based index of the line in [`PaymentTerms::lines`].
    pub line_index: usize,
    /// The line's rule.
    pub rule: DueRule,
    /// The line's share, in percent.
    #[serde(with = "crate::decimal_serde")]
    pub share: Decimal,
    /// The contractual due date (not rolled to a business day).
    pub due_date: NaiveDate,
    /// The amount due, in minor units.
    pub amount: Money,
}

/// The early-payment discount for one invoice.
///
/// `amount` is rounded half up to the minor unit and `net_payable + amount` is the
/// invoice amount exactly.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::money::{Currency, Money};
/// use encours_core::terms::PaymentTerms;
/// let terms: PaymentTerms = "2/10 net 30".parse()?;
/// let d = terms.early_payment_discount(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap(), Money::parse("1234.56", Currency::EUR)?)?.unwrap();
/// assert_eq!((d.amount.to_string(), d.net_payable.to_string()), ("24.69 EUR".into(), "1209.87 EUR".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Discount {
    /// Last day on which the discount may be taken (invoice date + the discount days).
    pub deadline: NaiveDate,
    /// The discount, in percent.
    #[serde(with = "crate::decimal_serde")]
    pub percent: Decimal,
    /// The discount amount, rounded half up to the minor unit.
    pub amount: Money,
    /// What is left to pay when the discount is taken: the invoice amount less `amount`.
    pub net_payable: Money,
}

/// The cap a line was assessed against by [`PaymentTerms::lme_check`].
///
/// ```
/// use encours_core::terms::{EndOfMonthConvention, LmeCap};
/// let cap = LmeCap::FortyFiveDaysEndOfMonth { reading: EndOfMonthConvention::EndOfMonthThenDays };
/// assert_eq!(
///     serde_json::to_string(&cap).unwrap(),
///     r#"{"cap":"forty_five_days_end_of_month","reading":"end_of_month_then_days"}"#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "cap", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LmeCap {
    /// 60 calendar days from the invoice date (L441-10 I, the general cap).
    SixtyDaysFromInvoice,
    /// 45 days end of month from the invoice date (L441-10 I, the derogation), in one of
    /// the two readings the DGCCRF accepts.
    FortyFiveDaysEndOfMonth {
        /// Which computation of "45 jours fin de mois" gave the cap date.
        reading: EndOfMonthConvention,
    },
}

/// The LME cap dates for one invoice date.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::terms::PaymentTerms;
/// let check = PaymentTerms::net(30).lme_check(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap())?;
/// assert_eq!(check.limits.sixty_days.to_string(), "2024-03-15");
/// assert_eq!(check.limits.days_then_end_of_month.to_string(), "2024-02-29");
/// assert_eq!(check.limits.end_of_month_then_days.to_string(), "2024-03-16");
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LmeLimits {
    /// Invoice date + 60 days: the general cap.
    pub sixty_days: NaiveDate,
    /// End of the month of invoice date + 45 days: the derogation, first reading.
    pub days_then_end_of_month: NaiveDate,
    /// End of the invoice month + 45 days: the derogation, second reading.
    pub end_of_month_then_days: NaiveDate,
}

/// How one line of the terms fares against the LME caps.
///
/// `cap` is, for a compliant line, the 60-day cap when it suffices, otherwise the
/// tighter of the 45-days-end-of-month readings that admits the date; for a line that
/// exceeds, the most permissive cap that applied to it, and `days_over` says by how
/// many days it is exceeded.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::terms::{LmeCap, PaymentTerms};
/// let check = PaymentTerms::net(61).lme_check(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap())?;
/// let reason = &check.reasons[0];
/// assert!(!reason.compliant);
/// assert_eq!((reason.days_from_invoice, reason.days_over), (61, 1));
/// assert_eq!(reason.cap, LmeCap::SixtyDaysFromInvoice);
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LmeReason {
    /// 0-based index of the line in [`PaymentTerms::lines`].
    pub line_index: usize,
    /// The line's rule.
    pub rule: DueRule,
    /// The line's contractual due date.
    pub due_date: NaiveDate,
    /// Calendar days from the invoice date to the due date.
    pub days_from_invoice: i64,
    /// The cap the line was assessed against.
    pub cap: LmeCap,
    /// The date of that cap.
    pub cap_date: NaiveDate,
    /// Whether the due date is on or before `cap_date`.
    pub compliant: bool,
    /// Days past `cap_date` (0 when compliant).
    pub days_over: i64,
}

/// The LME assessment of terms for one invoice date: one [`LmeReason`] per line.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::terms::{ParseOptions, PaymentTerms};
/// let terms = PaymentTerms::parse("45 jours fin de mois", &ParseOptions::default())?;
/// let check = terms.lme_check(NaiveDate::from_ymd_opt(2023, 1, 15).unwrap())?;
/// assert!(check.compliant);
/// assert_eq!(check.reasons[0].days_from_invoice, 75);
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LmeCheck {
    /// The invoice date assessed.
    pub invoice_date: NaiveDate,
    /// Whether every line complies.
    pub compliant: bool,
    /// The cap dates for this invoice date.
    pub limits: LmeLimits,
    /// One assessment per line, in line order.
    pub reasons: Vec<LmeReason>,
    /// The verdict of every cap that applies to every line (the 60-day cap to all;
    /// the two readings of 45 days end of month to end-of-month rules only), so a
    /// caller bound to one reading sees its own verdict, not only the tightest.
    pub verdicts: Vec<LmeVerdict>,
}

/// One line of the terms against one LME cap.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::terms::{EndOfMonthConvention, LmeCap, PaymentTerms};
/// // "50 days then end of month" on 15 January 2024: due 31 March. The reading
/// // "end of month + 45" (16 March) refuses it, "45 days then end of month" (29 Feb)
/// // too, and 60 days (15 March) as well: three verdicts, none compliant.
/// let terms: PaymentTerms = "50 days then end of month".parse()?;
/// let check = terms.lme_check(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap())?;
/// assert_eq!(check.verdicts.len(), 3);
/// assert!(check.verdicts.iter().all(|v| !v.compliant));
/// assert_eq!(check.verdicts[2].cap, LmeCap::FortyFiveDaysEndOfMonth { reading: EndOfMonthConvention::EndOfMonthThenDays });
/// assert_eq!(check.verdicts[2].days_over, 15);
/// # Ok::<(), encours_core::terms::TermsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LmeVerdict {
    /// 0-based index of the line in [`PaymentTerms::lines`].
    pub line_index: usize,
    /// The cap.
    pub cap: LmeCap,
    /// Its date for this invoice date.
    pub cap_date: NaiveDate,
    /// Whether the line's due date is on or before `cap_date`.
    pub compliant: bool,
    /// Days past `cap_date` (0 when compliant).
    pub days_over: i64,
}

impl PaymentTerms {
    /// Terms from lines and an optional discount, validated: at least one line, each
    /// share in `(0, 100]`, shares adding up to exactly 100, a discount in `(0, 100)`,
    /// days of month in 1 to 31. Percentages are stored normalized (`30.50` → `30.5`).
    ///
    /// # Errors
    /// [`TermsError::NoLines`], [`TermsError::InvalidShare`],
    /// [`TermsError::SharesNotHundred`], [`TermsError::InvalidDiscount`],
    /// [`TermsError::InvalidDayOfMonth`].
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{DueRule, PaymentTerms, TermsLine};
    /// use rust_decimal::Decimal;
    /// let lines = vec![
    ///     TermsLine { share: Decimal::from(30), due: DueRule::AtOrder },
    ///     TermsLine { share: Decimal::from(60), due: DueRule::Net { days: 60 } },
    /// ];
    /// let err = PaymentTerms::new(lines, None).unwrap_err();
    /// assert_eq!(err.to_string(), "shares of payment terms sum to 90%: expected exactly 100%");
    /// ```
    pub fn new(
        lines: Vec<TermsLine>,
        discount: Option<EarlyPaymentDiscount>,
    ) -> Result<PaymentTerms, TermsError> {
        if lines.is_empty() {
            return Err(TermsError::NoLines);
        }
        let mut total = Decimal::ZERO;
        let mut normalized = Vec::with_capacity(lines.len());
        for (line_index, line) in lines.into_iter().enumerate() {
            let share = line.share.normalize();
            if share <= Decimal::ZERO || share > Decimal::ONE_HUNDRED {
                return Err(TermsError::InvalidShare { line_index, share });
            }
            line.due.validate()?;
            // Each share is at most 100, so only an absurd number of lines overflows.
            total = total
                .checked_add(share)
                .ok_or(TermsError::SharesNotHundred {
                    total: Decimal::MAX,
                })?;
            normalized.push(TermsLine {
                share,
                due: line.due,
            });
        }
        if total != Decimal::ONE_HUNDRED {
            return Err(TermsError::SharesNotHundred {
                total: total.normalize(),
            });
        }
        let discount = match discount {
            Some(d) => {
                let percent = d.percent.normalize();
                if percent <= Decimal::ZERO || percent >= Decimal::ONE_HUNDRED {
                    return Err(TermsError::InvalidDiscount { percent });
                }
                Some(EarlyPaymentDiscount {
                    percent,
                    days: d.days,
                })
            }
            None => None,
        };
        Ok(PaymentTerms {
            lines: normalized,
            discount,
            payment_days: Vec::new(),
        })
    }

    /// Terms with one line (100 %) and no discount.
    ///
    /// # Errors
    /// [`TermsError::InvalidDayOfMonth`] for an end-of-month day outside 1 to 31.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{DueRule, PaymentTerms};
    /// let terms = PaymentTerms::single(DueRule::EndOfMonthThenDays { days: 10 })?;
    /// assert_eq!(terms.to_string(), "end of month + 10 days");
    /// assert!(PaymentTerms::single(DueRule::EndOfMonthOnDay { days: 0, day: 32 }).is_err());
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn single(rule: DueRule) -> Result<PaymentTerms, TermsError> {
        rule.validate()?;
        Ok(PaymentTerms {
            lines: vec![TermsLine {
                share: Decimal::ONE_HUNDRED,
                due: rule,
            }],
            discount: None,
            payment_days: Vec::new(),
        })
    }

    /// "Net `days`": one line due `days` calendar days after the invoice date.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::PaymentTerms;
    /// assert_eq!(PaymentTerms::net(30).to_string(), "net 30");
    /// ```
    pub fn net(days: u32) -> PaymentTerms {
        PaymentTerms {
            lines: vec![TermsLine {
                share: Decimal::ONE_HUNDRED,
                due: DueRule::Net { days },
            }],
            discount: None,
            payment_days: Vec::new(),
        }
    }

    /// The lines, in the order given.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{DueRule, PaymentTerms};
    /// let terms: PaymentTerms = "30% at order, 70% at 60 days".parse()?;
    /// assert_eq!(terms.lines()[1].due, DueRule::Net { days: 60 });
    /// assert_eq!(terms.lines()[1].share.to_string(), "70");
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn lines(&self) -> &[TermsLine] {
        &self.lines
    }

    /// The same terms with payment days (*días de pago*, *Zahltage*): fixed days of
    /// the month on which the customer pays; every due date moves to the first such
    /// day on or after it (a day past the end of a shorter month is its last day).
    /// An empty list removes them. The days are kept sorted, each once.
    ///
    /// # Errors
    /// [`TermsError::InvalidDayOfMonth`] for a day outside 1 to 31.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::terms::PaymentTerms;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let terms = PaymentTerms::net(30).with_payment_days(vec![25, 10])?;
    /// assert_eq!(terms.payment_days(), [10, 25]);
    /// // 15 January + 30 = 14 February, paid on the 25th.
    /// assert_eq!(terms.due_date(d(1, 15))?, d(2, 25));
    /// // 31 January + 30 = 1 March, paid on 10 March.
    /// assert_eq!(terms.due_date(d(1, 31))?, d(3, 10));
    /// let end = PaymentTerms::net(30).with_payment_days(vec![31])?;
    /// assert_eq!(end.due_date(d(1, 15))?, d(2, 29)); // the 31st of February is its last day
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn with_payment_days(mut self, mut days: Vec<u8>) -> Result<PaymentTerms, TermsError> {
        if let Some(&day) = days.iter().find(|d| !(1..=31).contains(*d)) {
            return Err(TermsError::InvalidDayOfMonth {
                rule: "payment days".to_owned(),
                day,
            });
        }
        days.sort_unstable();
        days.dedup();
        self.payment_days = days;
        Ok(self)
    }

    /// The payment days, sorted (empty: due dates are not moved).
    pub fn payment_days(&self) -> &[u8] {
        &self.payment_days
    }

    /// The first payment day on or after `date` (`date` itself without payment days).
    fn on_payment_day(&self, date: NaiveDate) -> Result<NaiveDate, TermsError> {
        let Some(&first) = self.payment_days.first() else {
            return Ok(date);
        };
        let last_day = end_of_month(date)?.day();
        for &pd in &self.payment_days {
            let day = u32::from(pd).min(last_day);
            if day >= date.day() {
                return date.with_day(day).ok_or(TermsError::DateOutOfRange {
                    operation: format!("payment day {pd}"),
                    date,
                });
            }
        }
        day_of_following_month(date, first)
    }

    /// The early-payment discount, if any.
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::PaymentTerms;
    /// let terms: PaymentTerms = "2% 10 net 30".parse()?;
    /// assert_eq!(terms.discount().map(|d| d.days), Some(10));
    /// assert!(PaymentTerms::net(30).discount().is_none());
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn discount(&self) -> Option<&EarlyPaymentDiscount> {
        self.discount.as_ref()
    }

    /// Parse terms as typed in ERPs, in English or French, ignoring case, accents and
    /// spacing. Accepted forms include `net 30`, `30 days`, `30 jours`, `30 j net`,
    /// `45 days end of month`, `45 jours fin de mois` (read with
    /// [`ParseOptions::end_of_month_convention`]), `45 days then end of month`,
    /// `end of month + 10`, `fin de mois + 10`, `end of month 45`, `fin de mois 45`,
    /// `fin de mois le 10`, `le 10 du mois suivant`, `end of month on the 10th`,
    /// `10th prox.` / `10 proximo` (the 10th of the month after the invoice month),
    /// `30 jours date de facture`, `net 10 EOM` / `net EOM 10` (the US reading: 10 days
    /// after the end of the invoice month),
    /// `due on receipt`, `à réception`, `comptant`, `2/10 net 30`, `2% 10 net 30`,
    /// `2/10 n/30`, `30% at order, 70% at 60 days`,
    /// `30 % à la commande, 70 % à 60 jours`, `30% à la commande, solde à 60 jours`.
    /// Lines are separated by `,`, `;`, `and` or `et`; a discount comes first.
    ///
    /// # Errors
    /// [`TermsError::UnexpectedToken`] / [`TermsError::UnexpectedEnd`] naming the token,
    /// its column and what was expected; [`TermsError::SharesNotHundred`] naming the
    /// total; the validation errors of [`PaymentTerms::new`].
    ///
    /// # Example
    /// ```
    /// use encours_core::terms::{DueRule, ParseOptions, PaymentTerms};
    /// let o = ParseOptions::default();
    /// assert_eq!(PaymentTerms::parse("Net 30", &o)?, PaymentTerms::net(30));
    /// assert_eq!(PaymentTerms::parse("45 JOURS FIN DE MOIS", &o)?.lines()[0].due, DueRule::DaysThenEndOfMonth { days: 45 });
    /// assert_eq!(
    ///     PaymentTerms::parse("30% at order, 60% at 60 days", &o).unwrap_err().to_string(),
    ///     "shares of payment terms sum to 90%: expected exactly 100%"
    /// );
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn parse(text: &str, options: &ParseOptions) -> Result<PaymentTerms, TermsError> {
        Parser::new(text, options)?.terms()
    }

    /// Dates and amounts: `amount` split by the shares with [`Money::allocate`] (the
    /// parts add up to the amount to the minor unit, the leftover minor units going to
    /// the last line due), sorted by due date (ties in line order). `order_date` is used
    /// by [`DueRule::AtOrder`] lines; without it they fall due on the invoice date.
    /// Dates are contractual, never rolled to business days.
    ///
    /// # Errors
    /// [`TermsError::AmountNotInMinorUnits`] when `amount` has digits below its
    /// currency's minor unit; [`TermsError::DateOutOfRange`]; [`TermsError::Money`] on
    /// overflow.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::terms::PaymentTerms;
    /// let terms: PaymentTerms = "70% at 60 days, 30% at order".parse()?;
    /// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    /// let s = terms.due_schedule(invoice, None, Money::parse("1000.01", Currency::EUR)?)?;
    /// let shown: Vec<String> = s.iter().map(|l| format!("{} {}", l.due_date, l.amount)).collect();
    /// assert_eq!(shown, ["2024-01-15 300.00 EUR", "2024-03-15 700.01 EUR"]);
    /// assert_eq!(s[0].line_index, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due_schedule(
        &self,
        invoice_date: NaiveDate,
        order_date: Option<NaiveDate>,
        amount: Money,
    ) -> Result<Vec<DueLine>, TermsError> {
        self.due_schedule_with(invoice_date, order_date, amount, SplitRounding::default())
    }

    /// [`PaymentTerms::due_schedule`] with the rounding of the split chosen.
    ///
    /// # Errors
    /// As [`PaymentTerms::due_schedule`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::terms::{PaymentTerms, SplitRounding};
    /// let terms: PaymentTerms = "25% net 30, 25% net 60, 25% net 90, 25% net 120".parse()?;
    /// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    /// let amount = Money::parse("1000.03", Currency::EUR)?;
    /// let shown = |r| -> Result<Vec<String>, encours_core::terms::TermsError> {
    ///     Ok(terms.due_schedule_with(invoice, None, amount, r)?.iter().map(|l| l.amount.amount().to_string()).collect())
    /// };
    /// assert_eq!(shown(SplitRounding::HalfUpRemainderOnLast)?, ["250.01", "250.01", "250.01", "250.00"]);
    /// assert_eq!(shown(SplitRounding::TruncateRemainderOnLast)?, ["250.00", "250.00", "250.00", "250.03"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due_schedule_with(
        &self,
        invoice_date: NaiveDate,
        order_date: Option<NaiveDate>,
        amount: Money,
        rounding: SplitRounding,
    ) -> Result<Vec<DueLine>, TermsError> {
        if !amount.is_in_minor_units() {
            return Err(TermsError::AmountNotInMinorUnits { amount });
        }
        let mut dated = Vec::with_capacity(self.lines.len());
        for (line_index, line) in self.lines.iter().enumerate() {
            dated.push((
                line_index,
                *line,
                self.on_payment_day(line.due.due_date(invoice_date, order_date)?)?,
            ));
        }
        // A stable sort keeps lines due the same day in line order.
        dated.sort_by_key(|(_, _, date)| *date);
        let shares: Vec<Decimal> = dated.iter().map(|(_, line, _)| line.share).collect();
        let parts = match rounding {
            SplitRounding::TruncateRemainderOnLast => {
                amount.allocate(&shares, Remainder::OnLast)?
            }
            SplitRounding::HalfUpRemainderOnLast => split_half_up(amount, &shares)?,
        };
        Ok(dated
            .into_iter()
            .zip(parts)
            .map(|((line_index, line, due_date), amount)| DueLine {
                line_index,
                rule: line.due,
                share: line.share,
                due_date,
                amount,
            })
            .collect())
    }

    /// The due date of an invoice without an order date: the date of its only line, or
    /// of its last-due line for split terms.
    ///
    /// # Errors
    /// [`TermsError::DateOutOfRange`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::terms::{ParseOptions, PaymentTerms};
    /// let terms = PaymentTerms::parse("end of month 45", &ParseOptions::default())?;
    /// assert_eq!(terms.due_date(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap())?.to_string(), "2024-03-16");
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn due_date(&self, invoice_date: NaiveDate) -> Result<NaiveDate, TermsError> {
        let mut last = invoice_date;
        for line in &self.lines {
            last = last.max(self.on_payment_day(line.due.due_date(invoice_date, None)?)?);
        }
        Ok(last)
    }

    /// The early-payment discount for an invoice: its deadline (invoice date + the
    /// discount days), the amount rounded half up to the minor unit, and what is left
    /// to pay; `net_payable + amount` equals the invoice amount exactly. `None` when the
    /// terms have no discount.
    ///
    /// # Errors
    /// [`TermsError::AmountNotInMinorUnits`], [`TermsError::DateOutOfRange`],
    /// [`TermsError::Money`] on overflow.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::money::{Currency, Money};
    /// use encours_core::terms::PaymentTerms;
    /// let terms: PaymentTerms = "2/10 net 30".parse()?;
    /// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    /// let d = terms.early_payment_discount(invoice, Money::parse("1000.00", Currency::EUR)?)?.unwrap();
    /// assert_eq!(d.deadline.to_string(), "2024-01-25");
    /// assert_eq!(d.amount.to_string(), "20.00 EUR");
    /// assert_eq!(d.net_payable.to_string(), "980.00 EUR");
    /// assert!(PaymentTerms::net(30).early_payment_discount(invoice, d.amount)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn early_payment_discount(
        &self,
        invoice_date: NaiveDate,
        amount: Money,
    ) -> Result<Option<Discount>, TermsError> {
        let Some(terms) = self.discount else {
            return Ok(None);
        };
        if !amount.is_in_minor_units() {
            return Err(TermsError::AmountNotInMinorUnits { amount });
        }
        let deadline = add_days(invoice_date, terms.days)?;
        let exact = amount
            .amount()
            .checked_mul(terms.percent)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(MoneyError::Overflow {
                operation: "early-payment discount",
            })?;
        let discount = Money::new(exact, amount.currency()).round(RoundingMode::HalfUp);
        let net_payable = amount.checked_sub(&discount)?;
        Ok(Some(Discount {
            deadline,
            percent: terms.percent,
            amount: discount,
            net_payable,
        }))
    }

    /// Assess the terms against the French LME cap (Code de commerce art. L441-10 I) for
    /// one invoice date; see the module docs for the exact rule and its sources. The
    /// early-payment discount plays no part. [`DueRule::AtOrder`] lines are assessed
    /// at the invoice date.
    ///
    /// # Errors
    /// [`TermsError::DateOutOfRange`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::terms::{EndOfMonthConvention, LmeCap, ParseOptions, PaymentTerms};
    /// let invoice = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    /// let o = ParseOptions::default();
    /// assert!(PaymentTerms::net(60).lme_check(invoice)?.compliant);
    /// assert!(!PaymentTerms::net(61).lme_check(invoice)?.compliant);
    /// let eom45 = PaymentTerms::parse("fin de mois 45", &o)?.lme_check(invoice)?;
    /// assert!(eom45.compliant);
    /// assert_eq!(eom45.reasons[0].cap, LmeCap::FortyFiveDaysEndOfMonth { reading: EndOfMonthConvention::EndOfMonthThenDays });
    /// let sixty_eom = PaymentTerms::parse("60 jours fin de mois", &o)?.lme_check(invoice)?;
    /// assert!(!sixty_eom.compliant);
    /// assert_eq!(sixty_eom.reasons[0].days_over, 15);
    /// # Ok::<(), encours_core::terms::TermsError>(())
    /// ```
    pub fn lme_check(&self, invoice_date: NaiveDate) -> Result<LmeCheck, TermsError> {
        let limits = LmeLimits {
            sixty_days: add_days(invoice_date, 60)?,
            days_then_end_of_month: end_of_month(add_days(invoice_date, 45)?)?,
            end_of_month_then_days: add_days(end_of_month(invoice_date)?, 45)?,
        };
        let general = (LmeCap::SixtyDaysFromInvoice, limits.sixty_days);
        let mut derogation = [
            (
                LmeCap::FortyFiveDaysEndOfMonth {
                    reading: EndOfMonthConvention::DaysThenEndOfMonth,
                },
                limits.days_then_end_of_month,
            ),
            (
                LmeCap::FortyFiveDaysEndOfMonth {
                    reading: EndOfMonthConvention::EndOfMonthThenDays,
                },
                limits.end_of_month_then_days,
            ),
        ];
        // Tightest first, so a compliant line reports the smallest cap that admits it.
        derogation.sort_by_key(|(_, date)| *date);
        let mut reasons = Vec::with_capacity(self.lines.len());
        let mut verdicts = Vec::with_capacity(self.lines.len() * 3);
        for (line_index, line) in self.lines.iter().enumerate() {
            let due_date = self.on_payment_day(line.due.due_date(invoice_date, None)?)?;
            let mut caps = vec![general];
            if line.due.is_end_of_month() {
                // In the order of the readings, not of their dates.
                let mut by_reading = derogation;
                by_reading.sort_by_key(|(cap, _)| match cap {
                    LmeCap::FortyFiveDaysEndOfMonth {
                        reading: EndOfMonthConvention::DaysThenEndOfMonth,
                    } => 0,
                    _ => 1,
                });
                caps.extend(by_reading);
            }
            verdicts.extend(caps.iter().map(|&(cap, cap_date)| LmeVerdict {
                line_index,
                cap,
                cap_date,
                compliant: due_date <= cap_date,
                days_over: due_date.signed_duration_since(cap_date).num_days().max(0),
            }));
            if line.due.is_end_of_month() {
                caps.truncate(1);
                caps.extend(derogation);
            }
            let admitting = caps.iter().find(|(_, date)| due_date <= *date);
            let (cap, cap_date) = match admitting {
                Some(found) => *found,
                // The most permissive cap that applied; ties keep the general one.
                None => caps
                    .iter()
                    .copied()
                    .reduce(|best, c| if c.1 > best.1 { c } else { best })
                    .unwrap_or(general),
            };
            let compliant = admitting.is_some();
            reasons.push(LmeReason {
                line_index,
                rule: line.due,
                due_date,
                days_from_invoice: due_date.signed_duration_since(invoice_date).num_days(),
                cap,
                cap_date,
                compliant,
                days_over: if compliant {
                    0
                } else {
                    due_date.signed_duration_since(cap_date).num_days()
                },
            });
        }
        Ok(LmeCheck {
            invoice_date,
            compliant: reasons.iter().all(|r| r.compliant),
            limits,
            reasons,
            verdicts,
        })
    }
}

/// How the amount of split terms is divided among the lines.
///
/// The default, [`SplitRounding::HalfUpRemainderOnLast`], is what ERPs print on
/// invoices: 1,000.03 EUR in four quarters is 250.01, 250.01, 250.01 and 250.00.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SplitRounding {
    /// Each line but the last due is its share rounded half up to the minor unit; the
    /// last due takes what is left, so the lines add up to the amount exactly.
    #[default]
    HalfUpRemainderOnLast,
    /// Each line but the last due is its share truncated to the minor unit; the last
    /// due takes what is left (250.00, 250.00, 250.00, 250.03).
    TruncateRemainderOnLast,
}

/// Each share half up to the minor unit, the remainder on the last. A line never
/// takes more than is left (a few minor units over many lines would otherwise leave
/// the last line below zero): the lines always add up to the amount.
fn split_half_up(amount: Money, shares: &[Decimal]) -> Result<Vec<Money>, TermsError> {
    let mut parts = Vec::with_capacity(shares.len());
    let mut left = amount;
    for share in shares.iter().take(shares.len().saturating_sub(1)) {
        let exact = amount
            .amount()
            .checked_mul(*share)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(MoneyError::Overflow {
                operation: "split terms",
            })?;
        let rounded = Money::new(exact, amount.currency()).round(RoundingMode::HalfUp);
        // Same sign as the amount, and no more than what is left in magnitude.
        let part = if rounded.amount().abs() > left.amount().abs() {
            left
        } else {
            rounded
        };
        left = left.checked_sub(&part)?;
        parts.push(part);
    }
    parts.push(left);
    Ok(parts)
}

impl fmt::Display for PaymentTerms {
    /// The canonical English form: `net 30`, `2/10 net 30`,
    /// `30% at order, 70% net 60`, `45 days then end of month`, `end of month + 45 days`.
    /// It parses back to an equal value with any [`ParseOptions`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.discount {
            write!(f, "{}/{} ", d.percent.normalize(), d.days)?;
        }
        match self.lines.as_slice() {
            [only] if only.share == Decimal::ONE_HUNDRED => write!(f, "{}", only.due)?,
            lines => {
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{line}")?;
                }
            }
        }
        // Display only: payment days are written in the JSON form.
        if !self.payment_days.is_empty() {
            let days: Vec<String> = self.payment_days.iter().map(u8::to_string).collect();
            write!(f, ", paid on days {}", days.join(", "))?;
        }
        Ok(())
    }
}

impl FromStr for PaymentTerms {
    type Err = TermsError;
    /// [`PaymentTerms::parse`] with the default [`ParseOptions`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentTerms::parse(s, &ParseOptions::default())
    }
}

// ---------------------------------------------------------------------------------
// Date arithmetic: every step checked, out of range is an error.

fn add_days(date: NaiveDate, days: u32) -> Result<NaiveDate, TermsError> {
    date.checked_add_days(Days::new(u64::from(days)))
        .ok_or_else(|| TermsError::DateOutOfRange {
            operation: format!("+ {days} days"),
            date,
        })
}

/// `months` calendar months later, clamped to the last day of a shorter month
/// (chrono's `checked_add_months`).
fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate, TermsError> {
    date.checked_add_months(chrono::Months::new(months))
        .ok_or_else(|| TermsError::DateOutOfRange {
            operation: format!("+ {months} months"),
            date,
        })
}

/// The last day of the date's month.
fn end_of_month(date: NaiveDate) -> Result<NaiveDate, TermsError> {
    let last = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year(), 12, 31)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1).and_then(|d| d.pred_opt())
    };
    last.ok_or_else(|| TermsError::DateOutOfRange {
        operation: "end of month".to_owned(),
        date,
    })
}

/// The `day`-th of the month after the date's month, clamped to that month's last day.
fn day_of_following_month(date: NaiveDate, day: u8) -> Result<NaiveDate, TermsError> {
    let out_of_range = || TermsError::DateOutOfRange {
        operation: format!("the {day}{} of the following month", ordinal_suffix(day)),
        date,
    };
    let first_of_next = end_of_month(date)?.succ_opt().ok_or_else(out_of_range)?;
    let last_day = end_of_month(first_of_next)?.day();
    first_of_next
        .with_day(u32::from(day).min(last_day))
        .ok_or_else(out_of_range)
}

// ---------------------------------------------------------------------------------
// The parser: a tokenizer, then recursive descent over folded words.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Word,
    Percent,
    Slash,
    Plus,
    Comma,
    Semicolon,
    Dot,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// As typed, for error messages.
    raw: String,
    /// Lower case without accents for words; `.` as decimal separator for numbers.
    norm: String,
    /// 1-based, in characters.
    column: usize,
}

const EXPECTED_TERMS: &str = "payment terms such as \"net 30\"";
const EXPECTED_RULE: &str =
    "a due rule such as \"net 30\", \"45 days end of month\", \"on receipt\" or \"at order\"";
const EXPECTED_DAYS: &str = "a whole number of days";
const EXPECTED_DAYS_WORD: &str = "\"days\" or \"jours\" after the number";
const EXPECTED_EOM: &str = "\"end of month\" or \"fin de mois\"";
const EXPECTED_DAY_OF_MONTH: &str = "a day of the month from 1 to 31";
const EXPECTED_PERCENT: &str = "a percentage such as \"2\" or \"2.5\"";
const EXPECTED_SEPARATOR: &str = "the end of the terms, or \",\" before another line";
const EXPECTED_SHARE: &str = "a share such as \"30%\" (every line of split terms needs one)";
const EXPECTED_ONE_BALANCE: &str = "a share such as \"30%\" (only one line may be the balance)";
const EXPECTED_CHARACTER: &str = "a word, a number or one of % / + , ; .";
const EXPECTED_COMMANDE: &str = "\"commande\"";
const EXPECTED_SUFFIX: &str = "\"of the following month\" or \"du mois suivant\"";
const EXPECTED_INVOICE: &str = "\"of invoice\" or \"de facture\"";
const EXPECTED_INVOICE_DATE: &str = "\"from invoice date\" or \"date de facture\"";

/// Words that may introduce a rule and carry no meaning of their own.
const FILLERS: &[&str] = &[
    "due",
    "payable",
    "payment",
    "paiement",
    "reglement",
    "at",
    "on",
    "upon",
    "a",
    "des",
    "with",
];
const DAY_WORDS: &[&str] = &["days", "day", "jours", "jour", "j", "d"];
const NET_WORDS: &[&str] = &["net", "nets"];
const THEN_WORDS: &[&str] = &["then", "puis"];
const AFTER_WORDS: &[&str] = &["after", "apres"];
const SEPARATOR_WORDS: &[&str] = &["and", "et"];
const BALANCE_WORDS: &[&str] = &["balance", "solde", "reste", "remainder", "rest"];
const RECEIPT_WORDS: &[&str] = &["receipt", "reception"];
const CASH_WORDS: &[&str] = &[
    "comptant",
    "cash",
    "immediate",
    "immediately",
    "immediat",
    "immediatement",
];
const PROXIMO_WORDS: &[&str] = &["prox", "proximo"];
const ORDINAL_WORDS: &[&str] = &["st", "nd", "rd", "th", "e", "er", "eme"];
const EOM_PHRASES: &[&[&str]] = &[
    &["end", "of", "month"],
    &["end", "of", "the", "month"],
    &["eom"],
    &["fin", "de", "mois"],
    &["fin", "du", "mois"],
    &["fdm"],
];
const FOLLOWING_MONTH_PHRASES: &[&[&str]] = &[
    &["of", "the", "following", "month"],
    &["of", "the", "next", "month"],
    &["of", "next", "month"],
    &["du", "mois", "suivant"],
];
/// "30 jours date de facture": the default starting point, said out loud. Only phrases
/// starting with "date" or "from", so "45 days after end of month" is not taken for one.
const INVOICE_DATE_PHRASES: &[&[&str]] = &[
    &["date", "de", "facture"],
    &["date", "facture"],
    &["from", "invoice", "date"],
    &["from", "the", "invoice", "date"],
    &["from", "date", "of", "invoice"],
    &["from", "invoice"],
];
const INVOICE_PHRASES: &[&[&str]] = &[
    &["of", "invoice"],
    &["of", "the", "invoice"],
    &["de", "facture"],
    &["de", "la", "facture"],
];

fn fold(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' => 'i',
        'ô' | 'ö' | 'ó' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        other => other,
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, TermsError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            // A decimal point or comma counts only between digits, so "30%, 70%" and
            // "2/10, net 30" keep their commas as separators.
            if matches!(chars.get(i), Some('.' | ','))
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
            }
            let raw: String = chars.get(start..i).unwrap_or_default().iter().collect();
            tokens.push(Token {
                kind: Kind::Number,
                norm: raw.replace(',', "."),
                raw,
                column,
            });
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                i += 1;
            }
            let raw: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let norm = raw.chars().flat_map(char::to_lowercase).map(fold).collect();
            tokens.push(Token {
                kind: Kind::Word,
                raw,
                norm,
                column,
            });
            continue;
        }
        let kind = match c {
            '%' => Kind::Percent,
            '/' => Kind::Slash,
            '+' => Kind::Plus,
            ',' => Kind::Comma,
            ';' => Kind::Semicolon,
            '.' => Kind::Dot,
            _ => {
                return Err(TermsError::UnexpectedToken {
                    text: text.to_owned(),
                    token: c.to_string(),
                    column,
                    expected: EXPECTED_CHARACTER,
                });
            }
        };
        tokens.push(Token {
            kind,
            raw: c.to_string(),
            norm: c.to_string(),
            column,
        });
        i += 1;
    }
    Ok(tokens)
}

/// A line's share as written, before the balance line is resolved.
#[derive(Debug, Clone, Copy)]
enum ShareSpec {
    Percent(Decimal),
    Balance,
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    end_column: usize,
    options: &'a ParseOptions,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, options: &'a ParseOptions) -> Result<Parser<'a>, TermsError> {
        Ok(Parser {
            text,
            tokens: tokenize(text)?,
            pos: 0,
            end_column: text.chars().count() + 1,
            options,
        })
    }

    fn token(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset)
    }

    fn is_kind(&self, offset: usize, kind: Kind) -> bool {
        self.token(offset).is_some_and(|t| t.kind == kind)
    }

    fn is_word(&self, offset: usize, words: &[&str]) -> bool {
        self.token(offset)
            .is_some_and(|t| t.kind == Kind::Word && words.contains(&t.norm.as_str()))
    }

    fn eat_kind(&mut self, kind: Kind) -> bool {
        let hit = self.is_kind(0, kind);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn eat_word(&mut self, words: &[&str]) -> bool {
        let hit = self.is_word(0, words);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn error_at(&self, index: usize, expected: &'static str) -> TermsError {
        match self.tokens.get(index) {
            Some(t) => TermsError::UnexpectedToken {
                text: self.text.to_owned(),
                token: t.raw.clone(),
                column: t.column,
                expected,
            },
            None => TermsError::UnexpectedEnd {
                text: self.text.to_owned(),
                column: self.end_column,
                expected,
            },
        }
    }

    fn error(&self, expected: &'static str) -> TermsError {
        self.error_at(self.pos, expected)
    }

    /// Consume one of the phrases if it is there in full. A phrase begun but not
    /// finished ("end of mouth") is an error at the first word that differs.
    fn eat_phrase(
        &mut self,
        phrases: &[&[&str]],
        expected: &'static str,
    ) -> Result<bool, TermsError> {
        let mut longest_partial = 0;
        for phrase in phrases {
            let matched = phrase
                .iter()
                .enumerate()
                .take_while(|(i, w)| self.is_word(*i, &[**w]))
                .count();
            if matched == phrase.len() {
                self.pos += matched;
                return Ok(true);
            }
            longest_partial = longest_partial.max(matched);
        }
        if longest_partial > 0 {
            return Err(self.error_at(self.pos + longest_partial, expected));
        }
        Ok(false)
    }

    fn expect_phrase(
        &mut self,
        phrases: &[&[&str]],
        expected: &'static str,
    ) -> Result<(), TermsError> {
        if self.eat_phrase(phrases, expected)? {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    fn days(&mut self) -> Result<u32, TermsError> {
        let days = self
            .token(0)
            .filter(|t| t.kind == Kind::Number)
            .and_then(|t| t.norm.parse::<u32>().ok())
            .ok_or_else(|| self.error(EXPECTED_DAYS))?;
        self.pos += 1;
        Ok(days)
    }

    fn percent(&mut self) -> Result<Decimal, TermsError> {
        let value = self
            .token(0)
            .filter(|t| t.kind == Kind::Number)
            .and_then(|t| Decimal::from_str_exact(&t.norm).ok())
            .ok_or_else(|| self.error(EXPECTED_PERCENT))?;
        self.pos += 1;
        Ok(value.normalize())
    }

    /// `10`, `10th`, `1er`, then optionally "of the following month" / "du mois suivant".
    fn day_of_month(&mut self) -> Result<u8, TermsError> {
        let day = self
            .token(0)
            .filter(|t| t.kind == Kind::Number)
            .and_then(|t| t.norm.parse::<u8>().ok())
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(|| self.error(EXPECTED_DAY_OF_MONTH))?;
        self.pos += 1;
        self.eat_word(ORDINAL_WORDS);
        self.eat_phrase(FOLLOWING_MONTH_PHRASES, EXPECTED_SUFFIX)?;
        Ok(day)
    }

    /// Whether the tokens read `10th prox.` (the English commercial "proximo": the
    /// 10th of the month after the invoice month, as "le 10 du mois suivant").
    fn is_proximo(&self) -> bool {
        let word = |i: usize| self.token(i).filter(|t| t.kind == Kind::Word);
        let at = match word(1) {
            Some(t) if ORDINAL_WORDS.contains(&t.norm.as_str()) => 2,
            _ => 1,
        };
        word(at).is_some_and(|t| PROXIMO_WORDS.contains(&t.norm.as_str()))
    }

    /// `10th prox.`, `10 proximo`: [`DueRule::EndOfMonthOnDay`] with no days.
    fn proximo(&mut self) -> Result<DueRule, TermsError> {
        let day = self
            .token(0)
            .and_then(|t| t.norm.parse::<u8>().ok())
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(|| self.error(EXPECTED_DAY_OF_MONTH))?;
        self.pos += 1;
        self.eat_word(ORDINAL_WORDS);
        self.eat_word(PROXIMO_WORDS);
        self.eat_kind(Kind::Dot);
        Ok(DueRule::EndOfMonthOnDay { days: 0, day })
    }

    /// "on the 10th" / "le 10" after an end-of-month phrase.
    fn on_day(&mut self) -> Result<Option<u8>, TermsError> {
        if self.eat_word(&["on"]) {
            self.eat_word(&["the"]);
            return self.day_of_month().map(Some);
        }
        if self.eat_word(&["le"]) {
            return self.day_of_month().map(Some);
        }
        Ok(None)
    }

    fn terms(mut self) -> Result<PaymentTerms, TermsError> {
        if self.tokens.is_empty() {
            return Err(self.error(EXPECTED_TERMS));
        }
        let discount = self.discount()?;
        let mut lines: Vec<(Option<ShareSpec>, DueRule, usize)> = Vec::new();
        loop {
            let start = self.pos;
            let share = self.share()?;
            let rule = self.rule()?;
            lines.push((share, rule, start));
            if self.eat_kind(Kind::Comma)
                || self.eat_kind(Kind::Semicolon)
                || self.eat_word(SEPARATOR_WORDS)
            {
                continue;
            }
            self.eat_kind(Kind::Dot);
            if self.token(0).is_none() {
                break;
            }
            return Err(self.error(EXPECTED_SEPARATOR));
        }
        let lines = self.resolve_shares(lines)?;
        PaymentTerms::new(lines, discount)
    }

    /// A leading discount: `2/10`, or `2% 10 [days] [,]` when "net N" or "n/N" follows
    /// (otherwise `70% 60 days` is a share line).
    fn discount(&mut self) -> Result<Option<EarlyPaymentDiscount>, TermsError> {
        let slash_form = self.is_kind(0, Kind::Number)
            && self.is_kind(1, Kind::Slash)
            && self.is_kind(2, Kind::Number);
        let percent_form = self.is_kind(0, Kind::Number)
            && self.is_kind(1, Kind::Percent)
            && self.is_kind(2, Kind::Number)
            && {
                let mut k = 3;
                if self.is_word(k, DAY_WORDS) {
                    k += 1;
                }
                if self.is_kind(k, Kind::Comma) {
                    k += 1;
                }
                (self.is_word(k, NET_WORDS) && self.is_kind(k + 1, Kind::Number))
                    || (self.is_word(k, &["n"]) && self.is_kind(k + 1, Kind::Slash))
            };
        if !slash_form && !percent_form {
            return Ok(None);
        }
        let percent = self.percent()?;
        self.pos += 1; // the '/' or '%'
        let days = self.days()?;
        self.eat_word(DAY_WORDS);
        self.eat_kind(Kind::Comma);
        Ok(Some(EarlyPaymentDiscount { percent, days }))
    }

    fn share(&mut self) -> Result<Option<ShareSpec>, TermsError> {
        if self.is_kind(0, Kind::Number) && self.is_kind(1, Kind::Percent) {
            let percent = self.percent()?;
            self.pos += 1;
            return Ok(Some(ShareSpec::Percent(percent)));
        }
        if self.eat_word(BALANCE_WORDS) {
            return Ok(Some(ShareSpec::Balance));
        }
        Ok(None)
    }

    fn rule(&mut self) -> Result<DueRule, TermsError> {
        while self.eat_word(FILLERS) {}
        let Some(token) = self.token(0) else {
            return Err(self.error(EXPECTED_RULE));
        };
        match token.kind {
            Kind::Number if self.is_proximo() => self.proximo(),
            Kind::Number => self.rule_from_days(),
            Kind::Word => {
                let word = token.norm.clone();
                match word.as_str() {
                    "net" | "nets" => {
                        self.pos += 1;
                        // "Net EOM 10" / "net 10 EOM": the US reading, 10 days after
                        // the end of the invoice month.
                        if self.eat_phrase(EOM_PHRASES, EXPECTED_EOM)? {
                            return self.rule_after_end_of_month();
                        }
                        let days = self.days()?;
                        self.eat_word(DAY_WORDS);
                        if self.eat_phrase(EOM_PHRASES, EXPECTED_EOM)? {
                            return Ok(DueRule::EndOfMonthThenDays { days });
                        }
                        Ok(DueRule::Net { days })
                    }
                    "n" if self.is_kind(1, Kind::Slash) => {
                        self.pos += 2;
                        let days = self.days()?;
                        self.eat_word(DAY_WORDS);
                        Ok(DueRule::Net { days })
                    }
                    "order" | "commande" => {
                        self.pos += 1;
                        Ok(DueRule::AtOrder)
                    }
                    "la" => {
                        self.pos += 1;
                        if self.eat_word(&["commande"]) {
                            Ok(DueRule::AtOrder)
                        } else {
                            Err(self.error(EXPECTED_COMMANDE))
                        }
                    }
                    w if RECEIPT_WORDS.contains(&w) => {
                        self.pos += 1;
                        self.eat_phrase(INVOICE_PHRASES, EXPECTED_INVOICE)?;
                        Ok(DueRule::OnReceipt)
                    }
                    w if CASH_WORDS.contains(&w) => {
                        self.pos += 1;
                        Ok(DueRule::OnReceipt)
                    }
                    "le" => {
                        self.pos += 1;
                        let day = self.day_of_month()?;
                        Ok(DueRule::EndOfMonthOnDay { days: 0, day })
                    }
                    _ => {
                        if self.eat_phrase(EOM_PHRASES, EXPECTED_EOM)? {
                            self.rule_after_end_of_month()
                        } else {
                            Err(self.error(EXPECTED_RULE))
                        }
                    }
                }
            }
            _ => Err(self.error(EXPECTED_RULE)),
        }
    }

    /// `N days`, `N days net`, `N days end of month [le D]`, `N days then end of month`,
    /// `N days after end of month`.
    fn rule_from_days(&mut self) -> Result<DueRule, TermsError> {
        let days = self.days()?;
        if !self.eat_word(DAY_WORDS) {
            return Err(self.error(EXPECTED_DAYS_WORD));
        }
        self.eat_phrase(INVOICE_DATE_PHRASES, EXPECTED_INVOICE_DATE)?;
        if self.eat_word(NET_WORDS) {
            return Ok(DueRule::Net { days });
        }
        if self.eat_word(THEN_WORDS) {
            self.expect_phrase(EOM_PHRASES, EXPECTED_EOM)?;
            return Ok(match self.on_day()? {
                Some(day) => DueRule::EndOfMonthOnDay { days, day },
                None => DueRule::DaysThenEndOfMonth { days },
            });
        }
        if self.eat_word(AFTER_WORDS) {
            self.eat_word(&["the"]);
            self.expect_phrase(EOM_PHRASES, EXPECTED_EOM)?;
            return Ok(DueRule::EndOfMonthThenDays { days });
        }
        if self.eat_phrase(EOM_PHRASES, EXPECTED_EOM)? {
            return Ok(match self.on_day()? {
                Some(day) => DueRule::EndOfMonthOnDay { days, day },
                None => DueRule::days_end_of_month(days, self.options.end_of_month_convention),
            });
        }
        Ok(DueRule::Net { days })
    }

    /// After "end of month": `+ N [days]`, `then N [days]`, `N [days]`, `on the D`,
    /// `le D`, or nothing.
    fn rule_after_end_of_month(&mut self) -> Result<DueRule, TermsError> {
        if self.eat_kind(Kind::Plus) || self.eat_word(THEN_WORDS) || self.is_kind(0, Kind::Number) {
            let days = self.days()?;
            self.eat_word(DAY_WORDS);
            return Ok(DueRule::EndOfMonthThenDays { days });
        }
        Ok(match self.on_day()? {
            Some(day) => DueRule::EndOfMonthOnDay { days: 0, day },
            None => DueRule::EndOfMonthThenDays { days: 0 },
        })
    }

    fn resolve_shares(
        &self,
        lines: Vec<(Option<ShareSpec>, DueRule, usize)>,
    ) -> Result<Vec<TermsLine>, TermsError> {
        if let [(share, due, _)] = lines.as_slice() {
            let share = match share {
                Some(ShareSpec::Percent(p)) => *p,
                Some(ShareSpec::Balance) | None => Decimal::ONE_HUNDRED,
            };
            return Ok(vec![TermsLine { share, due: *due }]);
        }
        let mut total = Decimal::ZERO;
        let mut balance_seen = false;
        for (share, _, start) in &lines {
            match share {
                None => return Err(self.error_at(*start, EXPECTED_SHARE)),
                Some(ShareSpec::Balance) if balance_seen => {
                    return Err(self.error_at(*start, EXPECTED_ONE_BALANCE));
                }
                Some(ShareSpec::Balance) => balance_seen = true,
                Some(ShareSpec::Percent(p)) => {
                    total = total.checked_add(*p).ok_or(TermsError::SharesNotHundred {
                        total: Decimal::MAX,
                    })?;
                }
            }
        }
        let balance = if balance_seen {
            let rest = Decimal::ONE_HUNDRED - total.min(Decimal::ONE_HUNDRED);
            if rest.is_zero() {
                return Err(TermsError::NoBalanceLeft {
                    total: total.normalize(),
                });
            }
            rest
        } else {
            Decimal::ZERO
        };
        Ok(lines
            .into_iter()
            .map(|(share, due, _)| TermsLine {
                share: match share {
                    Some(ShareSpec::Percent(p)) => p,
                    _ => balance,
                },
                due,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn end_of_month_handles_leap_and_century_years() {
        assert_eq!(end_of_month(d(2024, 2, 10)).unwrap(), d(2024, 2, 29));
        assert_eq!(end_of_month(d(2023, 2, 10)).unwrap(), d(2023, 2, 28));
        // 2100 is divisible by 100 and not by 400: not a leap year. 2000 was one.
        assert_eq!(end_of_month(d(2100, 2, 1)).unwrap(), d(2100, 2, 28));
        assert_eq!(end_of_month(d(2000, 2, 1)).unwrap(), d(2000, 2, 29));
        assert_eq!(end_of_month(d(2024, 12, 31)).unwrap(), d(2024, 12, 31));
        assert_eq!(end_of_month(d(2024, 4, 30)).unwrap(), d(2024, 4, 30));
        assert_eq!(end_of_month(NaiveDate::MAX).unwrap(), NaiveDate::MAX);
    }

    #[test]
    fn following_month_day_clamps_and_wraps_years() {
        assert_eq!(
            day_of_following_month(d(2024, 1, 15), 31).unwrap(),
            d(2024, 2, 29)
        );
        assert_eq!(
            day_of_following_month(d(2024, 12, 5), 10).unwrap(),
            d(2025, 1, 10)
        );
        assert_eq!(
            day_of_following_month(d(2100, 1, 31), 30).unwrap(),
            d(2100, 2, 28)
        );
        assert!(matches!(
            day_of_following_month(NaiveDate::MAX, 1),
            Err(TermsError::DateOutOfRange { .. })
        ));
    }

    #[test]
    fn ordinal_suffixes() {
        let shown: Vec<String> = [1u8, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|n| format!("{n}{}", ordinal_suffix(*n)))
            .collect();
        assert_eq!(
            shown,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"
            ]
        );
    }

    #[test]
    fn tokenizer_keeps_columns_in_characters() {
        let tokens = tokenize("à 33,5 %, réception").unwrap();
        let shown: Vec<(Kind, &str, usize)> = tokens
            .iter()
            .map(|t| (t.kind, t.norm.as_str(), t.column))
            .collect();
        assert_eq!(
            shown,
            [
                (Kind::Word, "a", 1),
                (Kind::Number, "33.5", 3),
                (Kind::Percent, "%", 8),
                (Kind::Comma, ",", 9),
                (Kind::Word, "reception", 11),
            ]
        );
    }
}
