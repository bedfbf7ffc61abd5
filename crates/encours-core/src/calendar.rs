//! Business-day calendars: weekends, holiday rules, built-in calendars, roll conventions.
//!
//! A [`Calendar`] is plain data ([`CalendarSpec`]: a name, the [`Weekend`] days,
//! [`HolidayRule`]s and a list of extra [`Holiday`]s) plus a table precomputed at
//! construction for the years [`PRECOMPUTED_FIRST_YEAR`]..=[`PRECOMPUTED_LAST_YEAR`]:
//! a bitset with one bit per day, so [`Calendar::is_business_day`] and
//! [`Calendar::roll`] cost a few instructions there. Outside that range the rules are
//! evaluated on demand, with the same results. The table is shared behind an `Arc`, so
//! cloning a calendar is cheap; nothing in it changes after construction.
//!
//! Built-in calendars ([`Calendar::builtin`]) follow the Python `holidays` package
//! (vacanza/holidays 0.109), the published open-source reference, and are checked
//! date for date against it for 1990–2100 by `tests/calendar.rs`.
//!
//! ```
//! use chrono::NaiveDate;
//! use encours_core::calendar::{Calendar, Roll};
//! let fr = Calendar::builtin("FR")?;
//! // Saturday 31 August 2024: following would leave the month, so modified following goes back.
//! let d = NaiveDate::from_ymd_opt(2024, 8, 31).unwrap();
//! assert_eq!(fr.roll(d, Roll::ModifiedFollowing)?, NaiveDate::from_ymd_opt(2024, 8, 30).unwrap());
//! // 14 July 2025 (Monday) is the national day.
//! let d = NaiveDate::from_ymd_opt(2025, 7, 11).unwrap();
//! assert_eq!(fr.add_business_days(d, 1)?, NaiveDate::from_ymd_opt(2025, 7, 15).unwrap());
//! # Ok::<(), encours_core::calendar::CalendarError>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// First year of the precomputed table; earlier years are evaluated on demand.
pub const PRECOMPUTED_FIRST_YEAR: i32 = 1990;
/// Last year of the precomputed table; later years are evaluated on demand.
pub const PRECOMPUTED_LAST_YEAR: i32 = 2100;

/// Codes accepted by [`Calendar::builtin`] (ASCII case is ignored).
///
/// ```
/// assert!(encours_core::calendar::BUILTIN_CODES.contains(&"GB-EAW"));
/// ```
pub const BUILTIN_CODES: &[&str] = &["FR", "DE", "GB-EAW", "UK", "GB", "US"];

/// The longest run of non-business days a search walks through before it reports
/// [`CalendarError::NoBusinessDay`]: ten years, far beyond any real calendar, but
/// finite, so a calendar made of holidays cannot make a search loop forever.
const MAX_GAP_DAYS: i64 = 3660;

/// How far [`Observance::NextFreeWeekday`] looks for a free day before giving up.
const MAX_OBSERVANCE_SHIFT: i64 = 31;

/// Errors of this area. Every message names the field and the value that was refused.
///
/// ```
/// use encours_core::calendar::{Calendar, CalendarError};
/// let err = Calendar::builtin("XX").unwrap_err();
/// assert!(matches!(err, CalendarError::UnknownCalendar { .. }));
/// assert!(err.to_string().starts_with("unknown calendar code \"XX\""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// [`Calendar::builtin`] was given a code it does not know.
    #[error("unknown calendar code \"{code}\": expected one of {known}")]
    UnknownCalendar {
        /// The code as given.
        code: String,
        /// The known codes, comma separated.
        known: String,
    },
    /// A rule names a month outside 1 to 12.
    #[error("invalid month {month} in holiday rule \"{rule}\": expected 1 to 12")]
    InvalidMonth {
        /// The rule's name.
        rule: String,
        /// The month as given.
        month: u32,
    },
    /// A rule names a day that no year has in that month (Feb 29 is accepted and
    /// only falls in leap years).
    #[error("invalid day {day} for month {month} in holiday rule \"{rule}\": expected 1 to {max}")]
    InvalidDay {
        /// The rule's name.
        rule: String,
        /// The month.
        month: u32,
        /// The day as given.
        day: u32,
        /// The last day that month can have.
        max: u32,
    },
    /// An n-th weekday rule with `n` outside 1 to 5.
    #[error("invalid weekday index {n} in holiday rule \"{rule}\": expected 1 to 5")]
    InvalidNth {
        /// The rule's name.
        rule: String,
        /// The index as given.
        n: u8,
    },
    /// An Easter-relative rule more than a year away from Easter.
    #[error("invalid easter offset {offset} days in holiday rule \"{rule}\": expected -366 to 366")]
    InvalidEasterOffset {
        /// The rule's name.
        rule: String,
        /// The offset as given.
        offset: i32,
    },
    /// `valid_from` is after `valid_to`.
    #[error(
        "invalid validity in holiday rule \"{rule}\": valid_from {valid_from} is after valid_to {valid_to}"
    )]
    InvalidValidity {
        /// The rule's name.
        rule: String,
        /// First year the rule applies.
        valid_from: i32,
        /// Last year the rule applies.
        valid_to: i32,
    },
    /// A rule or extra holiday has an empty (or blank) name.
    #[error("empty name for {what}: every holiday needs a name")]
    EmptyName {
        /// Which rule or extra holiday (`holiday rule 3`, `extra holiday 2024-05-01`).
        what: String,
    },
    /// The weekend covers the whole week, so no day could ever be a business day.
    #[error(
        "weekend of calendar \"{calendar}\" covers all seven days: expected at least one working weekday"
    )]
    NoWorkingWeekday {
        /// The calendar's name.
        calendar: String,
    },
    /// A search walked through a long run of holidays without finding a business day.
    #[error(
        "no business day within {searched_days} days {direction} {from} in calendar \"{calendar}\""
    )]
    NoBusinessDay {
        /// The calendar's name.
        calendar: String,
        /// Where the search started.
        from: NaiveDate,
        /// `after` or `before`.
        direction: &'static str,
        /// How many consecutive non-business days were walked.
        searched_days: i64,
    },
    /// The result would fall outside the dates chrono can represent.
    #[error(
        "date out of range in {operation}: moving {date} by {by} leaves the dates chrono supports"
    )]
    DateOutOfRange {
        /// The operation attempted.
        operation: &'static str,
        /// The date it started from.
        date: NaiveDate,
        /// How far it tried to move: business days for `add_business_days` and the
        /// searches, calendar days otherwise.
        by: i64,
    },
    /// A year outside the dates chrono can represent.
    #[error("year {year} out of range in {operation}: expected a year chrono can represent")]
    YearOutOfRange {
        /// The operation attempted.
        operation: &'static str,
        /// The year as given.
        year: i32,
    },
}

// ---------------------------------------------------------------------------------
// Weekdays and weekends
// ---------------------------------------------------------------------------------

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

fn parse_weekday<E: serde::de::Error>(text: &str) -> Result<Weekday, E> {
    text.parse::<Weekday>().map_err(|_| {
        E::custom(format!(
            "invalid weekday \"{text}\": expected a day name such as \"monday\" or \"sat\""
        ))
    })
}

/// Weekdays serialize as lowercase English names (`"monday"`), the snake_case form
/// of the rest of the crate; chrono's own form would be `"Mon"`.
mod weekday_serde {
    use super::{Deserialize, Deserializer, Serializer, Weekday, parse_weekday, weekday_name};

    pub(super) fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(weekday_name(*day))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(d)?;
        parse_weekday(&text)
    }
}

/// Day number since 0001-01-01 (day 1, a Monday): all internal arithmetic uses it,
/// so weekdays and distances are integer operations.
fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn weekday_index(dn: i64) -> u32 {
    // Day 1 is Monday (index 0); the range of i64 day numbers we use fits in u32 after rem_euclid.
    (dn - 1).rem_euclid(7) as u32
}

fn date_of(dn: i64, operation: &'static str, from: NaiveDate) -> Result<NaiveDate, CalendarError> {
    i32::try_from(dn)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(CalendarError::DateOutOfRange {
            operation,
            date: from,
            by: dn - day_number(from),
        })
}

/// The set of weekdays that are never business days.
///
/// Serializes as a list of lowercase day names (`["saturday", "sunday"]`); any
/// subset of the week is accepted, the empty set included. The default is Saturday
/// and Sunday.
///
/// ```
/// use chrono::Weekday;
/// use encours_core::calendar::Weekend;
/// let gulf = Weekend::from_days([Weekday::Fri, Weekday::Sat]);
/// assert!(gulf.contains(Weekday::Fri) && !gulf.contains(Weekday::Sun));
/// assert_eq!(serde_json::to_string(&gulf).unwrap(), r#"["friday","saturday"]"#);
/// assert_eq!(Weekend::default(), Weekend::SATURDAY_SUNDAY);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekend {
    /// Bit `i` set = weekday `i` (0 = Monday) is a weekend day.
    mask: u8,
}

impl Weekend {
    /// Saturday and Sunday.
    ///
    /// ```
    /// use encours_core::calendar::Weekend;
    /// assert_eq!(Weekend::SATURDAY_SUNDAY.len(), 2);
    /// ```
    pub const SATURDAY_SUNDAY: Weekend = Weekend { mask: 0b0110_0000 };

    /// No weekend at all (every weekday that is not a holiday is a business day).
    ///
    /// ```
    /// use encours_core::calendar::Weekend;
    /// assert!(Weekend::NONE.is_empty());
    /// ```
    pub const NONE: Weekend = Weekend { mask: 0 };

    /// The weekend made of the given days (duplicates are ignored).
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::Weekend;
    /// assert_eq!(Weekend::from_days([Weekday::Sun, Weekday::Sat]), Weekend::SATURDAY_SUNDAY);
    /// ```
    pub fn from_days(days: impl IntoIterator<Item = Weekday>) -> Weekend {
        let mask = days
            .into_iter()
            .fold(0u8, |m, d| m | (1 << d.num_days_from_monday()));
        Weekend { mask }
    }

    /// Whether `day` is a weekend day.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::Weekend;
    /// assert!(Weekend::SATURDAY_SUNDAY.contains(Weekday::Sun));
    /// ```
    pub fn contains(self, day: Weekday) -> bool {
        self.mask & (1 << day.num_days_from_monday()) != 0
    }

    /// The weekend days, Monday first.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::Weekend;
    /// assert_eq!(Weekend::SATURDAY_SUNDAY.days(), vec![Weekday::Sat, Weekday::Sun]);
    /// ```
    pub fn days(self) -> Vec<Weekday> {
        WEEKDAYS.into_iter().filter(|d| self.contains(*d)).collect()
    }

    /// How many weekend days there are.
    ///
    /// ```
    /// use encours_core::calendar::Weekend;
    /// assert_eq!(Weekend::NONE.len(), 0);
    /// ```
    pub fn len(self) -> u32 {
        self.mask.count_ones()
    }

    /// Whether there is no weekend day.
    ///
    /// ```
    /// use encours_core::calendar::Weekend;
    /// assert!(!Weekend::SATURDAY_SUNDAY.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.mask == 0
    }

    fn contains_index(self, index: u32) -> bool {
        self.mask & (1u8 << (index % 7)) != 0
    }

    fn is_weekend_dn(self, dn: i64) -> bool {
        self.contains_index(weekday_index(dn))
    }
}

impl Default for Weekend {
    fn default() -> Self {
        Weekend::SATURDAY_SUNDAY
    }
}

impl fmt::Debug for Weekend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.days().into_iter().map(weekday_name))
            .finish()
    }
}

impl Serialize for Weekend {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.days().into_iter().map(weekday_name))
    }
}

impl<'de> Deserialize<'de> for Weekend {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let days = names
            .iter()
            .map(|n| parse_weekday::<D::Error>(n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Weekend::from_days(days))
    }
}

// ---------------------------------------------------------------------------------
// Easter
// ---------------------------------------------------------------------------------

/// Western (Gregorian) Easter Sunday of `year`, by the anonymous Gregorian algorithm
/// (Meeus, *Astronomical Algorithms*, ch. 8). Years before 1583 get the proleptic
/// Gregorian answer.
///
/// # Errors
///
/// [`CalendarError::YearOutOfRange`] if chrono cannot represent the year.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::calendar::easter_sunday;
/// assert_eq!(easter_sunday(2024)?, NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
/// assert_eq!(easter_sunday(2038)?, NaiveDate::from_ymd_opt(2038, 4, 25).unwrap());
/// # Ok::<(), encours_core::calendar::CalendarError>(())
/// ```
pub fn easter_sunday(year: i32) -> Result<NaiveDate, CalendarError> {
    easter_opt(year).ok_or(CalendarError::YearOutOfRange {
        operation: "easter_sunday",
        year,
    })
}

fn easter_opt(year: i32) -> Option<NaiveDate> {
    // Euclidean division keeps the algorithm's 5,700,000-year cycle exact for
    // negative (proleptic) years too.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

// ---------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------

/// A holiday on a given date, with its name.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::calendar::Holiday;
/// let h = Holiday::new(NaiveDate::from_ymd_opt(2024, 12, 24).unwrap(), "Company closing");
/// assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"date":"2024-12-24","name":"Company closing"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// Its name. When several holidays fall on one date, [`Calendar`] reports one
    /// entry whose name joins theirs, sorted, with `"; "` (as Python `holidays` does).
    pub name: String,
}

impl Holiday {
    /// A holiday on `date` named `name`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Holiday;
    /// let h = Holiday::new(NaiveDate::from_ymd_opt(2024, 8, 16).unwrap(), "Bridge day");
    /// assert_eq!(h.name, "Bridge day");
    /// ```
    pub fn new(date: NaiveDate, name: impl Into<String>) -> Holiday {
        Holiday {
            date,
            name: name.into(),
        }
    }
}

/// When a holiday falls, before any [`Observance`] moves it.
///
/// Serialized with a `kind` tag: `{"kind": "fixed", "month": 12, "day": 25}`.
///
/// ```
/// use chrono::{NaiveDate, Weekday};
/// use encours_core::calendar::DateRule;
/// let thanksgiving = DateRule::NthWeekday { month: 11, weekday: Weekday::Thu, n: 4 };
/// assert_eq!(thanksgiving.date_in(2024), NaiveDate::from_ymd_opt(2024, 11, 28));
/// let json = serde_json::to_string(&thanksgiving).unwrap();
/// assert_eq!(json, r#"{"kind":"nth_weekday","month":11,"weekday":"thursday","n":4}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DateRule {
    /// The same month and day every year. February 29 falls in leap years only.
    Fixed {
        /// Month, 1 to 12.
        month: u32,
        /// Day of the month.
        day: u32,
    },
    /// A number of days from Western Easter Sunday ([`easter_sunday`]): -2 is Good
    /// Friday, 1 Easter Monday, 39 Ascension, 50 Whit Monday.
    Easter {
        /// Days after Easter Sunday (negative: before), -366 to 366.
        offset: i32,
    },
    /// The n-th given weekday of a month (3rd Monday of January). A 5th weekday that
    /// a month lacks that year gives no holiday that year.
    NthWeekday {
        /// Month, 1 to 12.
        month: u32,
        /// The weekday.
        #[serde(with = "weekday_serde")]
        weekday: Weekday,
        /// Which one, 1 to 5.
        n: u8,
    },
    /// The last given weekday of a month (last Monday of May).
    LastWeekday {
        /// Month, 1 to 12.
        month: u32,
        /// The weekday.
        #[serde(with = "weekday_serde")]
        weekday: Weekday,
    },
    /// The given weekday on or before a month and day (German Repentance Day: the
    /// Wednesday on or before 22 November).
    WeekdayOnOrBefore {
        /// Month, 1 to 12.
        month: u32,
        /// Day of the month.
        day: u32,
        /// The weekday.
        #[serde(with = "weekday_serde")]
        weekday: Weekday,
    },
    /// The given weekday on or after a month and day (Swedish Midsummer: the
    /// Saturday on or after 20 June).
    WeekdayOnOrAfter {
        /// Month, 1 to 12.
        month: u32,
        /// Day of the month.
        day: u32,
        /// The weekday.
        #[serde(with = "weekday_serde")]
        weekday: Weekday,
    },
    /// A single date (a state funeral, a coronation, a moved bank holiday).
    Once {
        /// The day.
        date: NaiveDate,
    },
}

fn max_day(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn weekday_delta(from: Weekday, to: Weekday) -> i64 {
    // Days forward from `from` to the next `to` (0 if equal).
    (i64::from(to.num_days_from_monday()) - i64::from(from.num_days_from_monday())).rem_euclid(7)
}

fn shift(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

impl DateRule {
    /// The date this rule gives in `year`, ignoring validity years and observance;
    /// `None` when the year has no such day (Feb 29 in a common year, a missing 5th
    /// weekday) or chrono cannot represent it.
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// use encours_core::calendar::DateRule;
    /// let memorial = DateRule::LastWeekday { month: 5, weekday: Weekday::Mon };
    /// assert_eq!(memorial.date_in(2025), NaiveDate::from_ymd_opt(2025, 5, 26));
    /// let whit_monday = DateRule::Easter { offset: 50 };
    /// assert_eq!(whit_monday.date_in(2025), NaiveDate::from_ymd_opt(2025, 6, 9));
    /// ```
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match *self {
            DateRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            DateRule::Easter { offset } => shift(easter_opt(year)?, i64::from(offset)),
            DateRule::NthWeekday { month, weekday, n } => {
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                let day = 1 + weekday_delta(first.weekday(), weekday) + 7 * (i64::from(n) - 1);
                if n == 0 {
                    return None;
                }
                NaiveDate::from_ymd_opt(year, month, u32::try_from(day).ok()?)
            }
            DateRule::LastWeekday { month, weekday } => {
                let next_first = if month == 12 {
                    NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month.checked_add(1)?, 1)?
                };
                let last = next_first.pred_opt()?;
                shift(last, -weekday_delta(weekday, last.weekday()))
            }
            DateRule::WeekdayOnOrBefore {
                month,
                day,
                weekday,
            } => {
                let anchor = NaiveDate::from_ymd_opt(year, month, day)?;
                shift(anchor, -weekday_delta(weekday, anchor.weekday()))
            }
            DateRule::WeekdayOnOrAfter {
                month,
                day,
                weekday,
            } => {
                let anchor = NaiveDate::from_ymd_opt(year, month, day)?;
                shift(anchor, weekday_delta(anchor.weekday(), weekday))
            }
            DateRule::Once { date } => (date.year() == year).then_some(date),
        }
    }

    fn validate(&self, rule: &str) -> Result<(), CalendarError> {
        let check_month = |month: u32| {
            if (1..=12).contains(&month) {
                Ok(())
            } else {
                Err(CalendarError::InvalidMonth {
                    rule: rule.to_owned(),
                    month,
                })
            }
        };
        let check_day = |month: u32, day: u32| {
            check_month(month)?;
            let max = max_day(month);
            if (1..=max).contains(&day) {
                Ok(())
            } else {
                Err(CalendarError::InvalidDay {
                    rule: rule.to_owned(),
                    month,
                    day,
                    max,
                })
            }
        };
        match *self {
            DateRule::Fixed { month, day }
            | DateRule::WeekdayOnOrBefore { month, day, .. }
            | DateRule::WeekdayOnOrAfter { month, day, .. } => check_day(month, day),
            DateRule::Easter { offset } => {
                if (-366..=366).contains(&offset) {
                    Ok(())
                } else {
                    Err(CalendarError::InvalidEasterOffset {
                        rule: rule.to_owned(),
                        offset,
                    })
                }
            }
            DateRule::NthWeekday { month, n, .. } => {
                check_month(month)?;
                if (1..=5).contains(&n) {
                    Ok(())
                } else {
                    Err(CalendarError::InvalidNth {
                        rule: rule.to_owned(),
                        n,
                    })
                }
            }
            DateRule::LastWeekday { month, .. } => check_month(month),
            DateRule::Once { .. } => Ok(()),
        }
    }
}

/// What happens when a holiday falls on a weekend day of the calendar.
///
/// The original date stays a holiday; the observed day is added with the name
/// suffixed ` (observed)`.
///
/// ```
/// use encours_core::calendar::Observance;
/// assert_eq!(serde_json::to_string(&Observance::NextFreeWeekday).unwrap(), r#""next_free_weekday""#);
/// assert_eq!(Observance::default(), Observance::None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Observance {
    /// Nothing: a holiday on a weekend is simply lost (France, Germany).
    #[default]
    None,
    /// The nearest non-weekend day, ties going forward (United States federal:
    /// Saturday to Friday, Sunday to Monday; may cross into the previous year, as
    /// New Year's Day 2022 observed on Friday 31 December 2021).
    NearestWeekday,
    /// The next non-weekend day, whether or not it is already a holiday.
    NextWeekday,
    /// The next non-weekend day that is not already a holiday or an observed day
    /// (England and Wales: Christmas on Saturday and Boxing Day on Sunday are
    /// observed on Monday and Tuesday). Looks 31 days ahead at most.
    NextFreeWeekday,
}

/// A recurring (or one-off) holiday: its name, its date rule, its observance and
/// the years it applies.
///
/// ```
/// use chrono::Weekday;
/// use encours_core::calendar::{HolidayRule, Observance};
/// let juneteenth = HolidayRule::fixed("Juneteenth", 6, 19)
///     .observed(Observance::NearestWeekday)
///     .from_year(2021);
/// assert_eq!(juneteenth.date_in(2020), None);
/// assert_eq!(juneteenth.date_in(2024), chrono::NaiveDate::from_ymd_opt(2024, 6, 19));
/// let json = serde_json::to_string(&juneteenth).unwrap();
/// assert_eq!(
///     json,
///     r#"{"name":"Juneteenth","date":{"kind":"fixed","month":6,"day":19},"observance":"nearest_weekday","valid_from":2021}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    /// The holiday's name.
    pub name: String,
    /// When it falls.
    pub date: DateRule,
    /// What happens when it falls on a weekend day.
    #[serde(default, skip_serializing_if = "is_no_observance")]
    pub observance: Observance,
    /// First year it applies (inclusive); `None`: always has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<i32>,
    /// Last year it applies (inclusive); `None`: still does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<i32>,
    /// Years it does not apply, inside its validity (UK May Day moved in 1995 and
    /// 2020: the rule skips them and a [`DateRule::Once`] rule gives the moved day).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except_years: Vec<i32>,
}

fn is_no_observance(o: &Observance) -> bool {
    *o == Observance::None
}

impl HolidayRule {
    /// A rule with the given date rule, no observance, valid every year.
    ///
    /// ```
    /// use encours_core::calendar::{DateRule, HolidayRule};
    /// let r = HolidayRule::new("Assumption Day", DateRule::Fixed { month: 8, day: 15 });
    /// assert_eq!(r.date_in(2025), chrono::NaiveDate::from_ymd_opt(2025, 8, 15));
    /// ```
    pub fn new(name: impl Into<String>, date: DateRule) -> HolidayRule {
        HolidayRule {
            name: name.into(),
            date,
            observance: Observance::None,
            valid_from: None,
            valid_to: None,
            except_years: Vec::new(),
        }
    }

    /// A fixed month/day rule.
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::fixed("Christmas Day", 12, 25);
    /// assert_eq!(r.date_in(2030), chrono::NaiveDate::from_ymd_opt(2030, 12, 25));
    /// ```
    pub fn fixed(name: impl Into<String>, month: u32, day: u32) -> HolidayRule {
        HolidayRule::new(name, DateRule::Fixed { month, day })
    }

    /// An Easter-relative rule (`offset` days after Easter Sunday).
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::easter("Good Friday", -2);
    /// assert_eq!(r.date_in(2025), chrono::NaiveDate::from_ymd_opt(2025, 4, 18));
    /// ```
    pub fn easter(name: impl Into<String>, offset: i32) -> HolidayRule {
        HolidayRule::new(name, DateRule::Easter { offset })
    }

    /// The `n`-th `weekday` of `month`.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::HolidayRule;
    /// let mlk = HolidayRule::nth_weekday("Martin Luther King Jr. Day", 1, Weekday::Mon, 3);
    /// assert_eq!(mlk.date_in(2025), chrono::NaiveDate::from_ymd_opt(2025, 1, 20));
    /// ```
    pub fn nth_weekday(
        name: impl Into<String>,
        month: u32,
        weekday: Weekday,
        n: u8,
    ) -> HolidayRule {
        HolidayRule::new(name, DateRule::NthWeekday { month, weekday, n })
    }

    /// The last `weekday` of `month`.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::last_weekday("Late Summer Bank Holiday", 8, Weekday::Mon);
    /// assert_eq!(r.date_in(2025), chrono::NaiveDate::from_ymd_opt(2025, 8, 25));
    /// ```
    pub fn last_weekday(name: impl Into<String>, month: u32, weekday: Weekday) -> HolidayRule {
        HolidayRule::new(name, DateRule::LastWeekday { month, weekday })
    }

    /// A one-off date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::HolidayRule;
    /// let day = NaiveDate::from_ymd_opt(2023, 5, 8).unwrap();
    /// let r = HolidayRule::once("Coronation of Charles III", day);
    /// assert_eq!(r.date_in(2023), Some(day));
    /// assert_eq!(r.date_in(2024), None);
    /// ```
    pub fn once(name: impl Into<String>, date: NaiveDate) -> HolidayRule {
        HolidayRule::new(name, DateRule::Once { date })
    }

    /// The same rule with the given observance.
    ///
    /// ```
    /// use encours_core::calendar::{HolidayRule, Observance};
    /// let r = HolidayRule::fixed("Boxing Day", 12, 26).observed(Observance::NextFreeWeekday);
    /// assert_eq!(r.observance, Observance::NextFreeWeekday);
    /// ```
    pub fn observed(mut self, observance: Observance) -> HolidayRule {
        self.observance = observance;
        self
    }

    /// The same rule, applying from `year` (inclusive).
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::fixed("Juneteenth", 6, 19).from_year(2021);
    /// assert_eq!(r.date_in(2020), None);
    /// ```
    pub fn from_year(mut self, year: i32) -> HolidayRule {
        self.valid_from = Some(year);
        self
    }

    /// The same rule, applying until `year` (inclusive).
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::fixed("Repentance Day", 11, 22).until_year(1994);
    /// assert_eq!(r.date_in(1995), None);
    /// ```
    pub fn until_year(mut self, year: i32) -> HolidayRule {
        self.valid_to = Some(year);
        self
    }

    /// The same rule, skipping the given years.
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::easter("Pentecost Monday", 50).except([2005, 2006, 2007]);
    /// assert_eq!(r.date_in(2006), None);
    /// assert!(r.date_in(2008).is_some());
    /// ```
    pub fn except(mut self, years: impl IntoIterator<Item = i32>) -> HolidayRule {
        self.except_years.extend(years);
        self
    }

    /// Whether the rule applies in `year` (validity years and exceptions).
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::fixed("Reformation Day", 10, 31).from_year(2017).until_year(2017);
    /// assert!(r.applies_in(2017) && !r.applies_in(2018));
    /// ```
    pub fn applies_in(&self, year: i32) -> bool {
        self.valid_from.is_none_or(|from| year >= from)
            && self.valid_to.is_none_or(|to| year <= to)
            && !self.except_years.contains(&year)
    }

    /// The holiday's date in `year` before observance, if the rule applies that year.
    ///
    /// ```
    /// use encours_core::calendar::HolidayRule;
    /// let r = HolidayRule::easter("Easter Monday", 1);
    /// assert_eq!(r.date_in(2024), chrono::NaiveDate::from_ymd_opt(2024, 4, 1));
    /// ```
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        if self.applies_in(year) {
            self.date.date_in(year)
        } else {
            None
        }
    }

    /// Checks the rule: a name, a possible month/day (Feb 29 yes, Feb 30 no), an
    /// n-th weekday index 1 to 5, an Easter offset within a year, and
    /// `valid_from <= valid_to`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::EmptyName`], [`CalendarError::InvalidMonth`],
    /// [`CalendarError::InvalidDay`], [`CalendarError::InvalidNth`],
    /// [`CalendarError::InvalidEasterOffset`] or [`CalendarError::InvalidValidity`],
    /// each naming the rule and the value.
    ///
    /// # Example
    ///
    /// ```
    /// use encours_core::calendar::{CalendarError, HolidayRule};
    /// assert!(HolidayRule::fixed("Leap day", 2, 29).validate().is_ok());
    /// let err = HolidayRule::fixed("Nonsense", 2, 30).validate().unwrap_err();
    /// assert_eq!(err.to_string(), "invalid day 30 for month 2 in holiday rule \"Nonsense\": expected 1 to 29");
    /// ```
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.name.trim().is_empty() {
            return Err(CalendarError::EmptyName {
                what: format!("holiday rule {:?}", self.date),
            });
        }
        self.date.validate(&self.name)?;
        if let (Some(valid_from), Some(valid_to)) = (self.valid_from, self.valid_to) {
            if valid_from > valid_to {
                return Err(CalendarError::InvalidValidity {
                    rule: self.name.clone(),
                    valid_from,
                    valid_to,
                });
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Roll conventions and day kinds
// ---------------------------------------------------------------------------------

/// How to move a date that is not a business day.
///
/// ```
/// use encours_core::calendar::Roll;
/// assert_eq!(serde_json::to_string(&Roll::ModifiedFollowing).unwrap(), r#""modified_following""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// The first business day on or after the date.
    Following,
    /// Following, unless that leaves the month: then preceding.
    ModifiedFollowing,
    /// The last business day on or before the date.
    Preceding,
    /// Preceding, unless that leaves the month: then following.
    ModifiedPreceding,
    /// The date unchanged, business day or not.
    None,
}

/// What a day is in a calendar, with the reason: a program can show why a date was
/// moved.
///
/// ```
/// use chrono::{NaiveDate, Weekday};
/// use encours_core::calendar::{Calendar, DayKind};
/// let us = Calendar::united_states();
/// let d = NaiveDate::from_ymd_opt(2025, 7, 4).unwrap();
/// assert_eq!(us.day_kind(d), DayKind::Holiday { name: "Independence Day".into() });
/// let d = NaiveDate::from_ymd_opt(2025, 7, 5).unwrap();
/// assert_eq!(us.day_kind(d), DayKind::Weekend { weekday: Weekday::Sat });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DayKind {
    /// A business day.
    BusinessDay,
    /// A weekend day that is not a holiday.
    Weekend {
        /// The weekday.
        #[serde(with = "weekday_serde")]
        weekday: Weekday,
    },
    /// A holiday (on a weekend day or not).
    Holiday {
        /// The holiday's name (joined with `"; "` if several).
        name: String,
    },
}

// ---------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------

/// A calendar as plain data: what an ERP administrator writes in JSON. Turn it into
/// a [`Calendar`] with [`Calendar::from_spec`], which validates it.
///
/// ```
/// use encours_core::calendar::{Calendar, CalendarSpec};
/// let json = r#"{
///   "name": "Acme plant",
///   "weekend": ["sunday"],
///   "rules": [
///     {"name": "New Year", "date": {"kind": "fixed", "month": 1, "day": 1}},
///     {"name": "Easter Monday", "date": {"kind": "easter", "offset": 1}}
///   ],
///   "extra_holidays": [{"date": "2025-08-16", "name": "Inventory"}]
/// }"#;
/// let spec: CalendarSpec = serde_json::from_str(json).unwrap();
/// let cal = Calendar::from_spec(spec)?;
/// assert!(!cal.is_business_day(chrono::NaiveDate::from_ymd_opt(2025, 8, 16).unwrap()));
/// # Ok::<(), encours_core::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// The calendar's name (built-ins use their code: `FR`, `DE`, `GB-EAW`, `US`).
    pub name: String,
    /// Weekend days; Saturday and Sunday when absent.
    #[serde(default)]
    pub weekend: Weekend,
    /// Holiday rules.
    #[serde(default)]
    pub rules: Vec<HolidayRule>,
    /// Holidays given as a plain list (company closing days, a local holiday).
    #[serde(default)]
    pub extra_holidays: Vec<Holiday>,
}

impl CalendarSpec {
    /// Checks every rule and extra holiday, and that the weekend leaves a working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NoWorkingWeekday`], [`CalendarError::EmptyName`], or the error
    /// of the first invalid rule ([`HolidayRule::validate`]).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Weekday;
    /// use encours_core::calendar::{CalendarError, CalendarSpec, Weekend};
    /// let spec = CalendarSpec {
    ///     name: "never open".into(),
    ///     weekend: Weekend::from_days([
    ///         Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu,
    ///         Weekday::Fri, Weekday::Sat, Weekday::Sun,
    ///     ]),
    ///     ..CalendarSpec::default()
    /// };
    /// assert!(matches!(spec.validate(), Err(CalendarError::NoWorkingWeekday { .. })));
    /// ```
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.weekend.len() >= 7 {
            return Err(CalendarError::NoWorkingWeekday {
                calendar: self.name.clone(),
            });
        }
        for rule in &self.rules {
            rule.validate()?;
        }
        for extra in &self.extra_holidays {
            if extra.name.trim().is_empty() {
                return Err(CalendarError::EmptyName {
                    what: format!("extra holiday {}", extra.date),
                });
            }
        }
        Ok(())
    }
}

/// A validated business-day calendar with its holidays precomputed for 1990–2100.
///
/// `Send + Sync + Clone`, immutable after construction; clones share the
/// precomputed table. Serializes as its [`CalendarSpec`]; deserializing validates.
///
/// ```
/// use chrono::NaiveDate;
/// use encours_core::calendar::Calendar;
/// let uk = Calendar::united_kingdom();
/// let funeral = NaiveDate::from_ymd_opt(2022, 9, 19).unwrap();
/// assert!(uk.is_holiday(funeral));
/// let json = serde_json::to_string(&uk).unwrap();
/// let back: Calendar = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, uk);
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    spec: CalendarSpec,
    table: Arc<Table>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("name", &self.spec.name)
            .field("weekend", &self.spec.weekend)
            .field("rules", &self.spec.rules.len())
            .field("extra_holidays", &self.spec.extra_holidays.len())
            .finish()
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Calendar {}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CalendarError;

    fn try_from(spec: CalendarSpec) -> Result<Self, Self::Error> {
        Calendar::from_spec(spec)
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(cal: Calendar) -> Self {
        cal.spec
    }
}

/// The precomputed years: one bit per day (set = holiday), the holidays with their
/// names, and the day numbers of the holidays that fall on working weekdays (those
/// are the ones that remove a business day, so counting is two binary searches).
struct Table {
    first_dn: i64,
    end_dn: i64,
    holiday_bits: Vec<u64>,
    holidays: Vec<Holiday>,
    removing: Vec<i64>,
}

const fn first_precomputed() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(PRECOMPUTED_FIRST_YEAR, 1, 1)
}

const fn end_precomputed() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(PRECOMPUTED_LAST_YEAR + 1, 1, 1)
}

/// Every holiday (original and observed days) of the calendar years
/// `first..=last`, one entry per date, sorted. Rules are evaluated two years
/// either side so that Easter offsets and observed days crossing a year boundary
/// (US New Year's Day observed on 31 December) land in the right year.
fn compute_holidays(spec: &CalendarSpec, first: i32, last: i32) -> Vec<Holiday> {
    if first > last {
        return Vec::new();
    }
    let rule_first = first.saturating_sub(2);
    let rule_last = last.saturating_add(2);

    struct Occurrence<'a> {
        date: NaiveDate,
        order: usize,
        name: &'a str,
        observance: Observance,
    }
    let mut occurrences: Vec<Occurrence<'_>> = Vec::new();
    for (order, rule) in spec.rules.iter().enumerate() {
        if let DateRule::Once { date } = rule.date {
            // A one-off date needs no year loop.
            if (rule_first..=rule_last).contains(&date.year()) && rule.applies_in(date.year()) {
                occurrences.push(Occurrence {
                    date,
                    order,
                    name: &rule.name,
                    observance: rule.observance,
                });
            }
            continue;
        }
        for year in rule_first..=rule_last {
            if let Some(date) = rule.date_in(year) {
                occurrences.push(Occurrence {
                    date,
                    order,
                    name: &rule.name,
                    observance: rule.observance,
                });
            }
        }
    }
    for (i, extra) in spec.extra_holidays.iter().enumerate() {
        if (rule_first..=rule_last).contains(&extra.date.year()) {
            occurrences.push(Occurrence {
                date: extra.date,
                order: spec.rules.len().saturating_add(i),
                name: &extra.name,
                observance: Observance::None,
            });
        }
    }
    occurrences.sort_by_key(|a| (a.date, a.order));

    let weekend = spec.weekend;
    let is_weekend = |d: NaiveDate| weekend.contains(d.weekday());
    let mut taken: BTreeSet<NaiveDate> = occurrences.iter().map(|o| o.date).collect();
    let mut entries: Vec<(NaiveDate, String)> = Vec::with_capacity(occurrences.len());
    for occ in &occurrences {
        entries.push((occ.date, occ.name.to_owned()));
        if occ.observance == Observance::None || !is_weekend(occ.date) {
            continue;
        }
        let observed = match occ.observance {
            Observance::None => None,
            Observance::NearestWeekday => (1..7).find_map(|k| {
                let forward = shift(occ.date, k).filter(|d| !is_weekend(*d));
                let back = shift(occ.date, -k).filter(|d| !is_weekend(*d));
                forward.or(back)
            }),
            Observance::NextWeekday => (1..7)
                .filter_map(|k| shift(occ.date, k))
                .find(|d| !is_weekend(*d)),
            Observance::NextFreeWeekday => (1..=MAX_OBSERVANCE_SHIFT)
                .filter_map(|k| shift(occ.date, k))
                .find(|d| !is_weekend(*d) && !taken.contains(d)),
        };
        if let Some(day) = observed {
            taken.insert(day);
            entries.push((day, format!("{} (observed)", occ.name)));
        }
    }
    entries.retain(|(d, _)| (first..=last).contains(&d.year()));
    entries.sort();
    entries.dedup();

    let mut out: Vec<Holiday> = Vec::with_capacity(entries.len());
    for (date, name) in entries {
        match out.last_mut() {
            Some(last) if last.date == date => {
                last.name.push_str("; ");
                last.name.push_str(&name);
            }
            _ => out.push(Holiday { date, name }),
        }
    }
    out
}

impl Table {
    fn build(spec: &CalendarSpec) -> Table {
        let (Some(first), Some(end)) = (first_precomputed(), end_precomputed()) else {
            // Unreachable with chrono's range; an empty table only means every
            // question is answered by evaluating the rules.
            return Table {
                first_dn: 0,
                end_dn: 0,
                holiday_bits: Vec::new(),
                holidays: Vec::new(),
                removing: Vec::new(),
            };
        };
        let first_dn = day_number(first);
        let end_dn = day_number(end);
        let len = usize::try_from(end_dn - first_dn).unwrap_or(0);
        let mut holiday_bits = vec![0u64; len.div_ceil(64)];
        let holidays = compute_holidays(spec, PRECOMPUTED_FIRST_YEAR, PRECOMPUTED_LAST_YEAR);
        let mut removing = Vec::new();
        for h in &holidays {
            let dn = day_number(h.date);
            let word = usize::try_from(dn - first_dn)
                .ok()
                .and_then(|i| Some((holiday_bits.get_mut(i / 64)?, i % 64)));
            if let Some((word, bit)) = word {
                *word |= 1 << bit;
            }
            if !spec.weekend.is_weekend_dn(dn) {
                removing.push(dn);
            }
        }
        Table {
            first_dn,
            end_dn,
            holiday_bits,
            holidays,
            removing,
        }
    }

    fn contains(&self, dn: i64) -> bool {
        dn >= self.first_dn && dn < self.end_dn
    }

    /// `Some(is holiday)` inside the table, `None` outside.
    fn holiday_bit(&self, dn: i64) -> Option<bool> {
        if !self.contains(dn) {
            return None;
        }
        let i = usize::try_from(dn - self.first_dn).ok()?;
        self.holiday_bits
            .get(i / 64)
            .map(|w| (w >> (i % 64)) & 1 == 1)
    }
}

/// Non-weekend days in `[a, b)`, by arithmetic.
fn count_weekdays(weekend: Weekend, a: i64, b: i64) -> i64 {
    if b <= a {
        return 0;
    }
    let days = b - a;
    let working_per_week = 7 - i64::from(weekend.len());
    let mut count = (days / 7) * working_per_week;
    let start = weekday_index(a);
    for k in 0..(days % 7) {
        // k < 7, so the cast is exact.
        if !weekend.contains_index(start + k as u32) {
            count += 1;
        }
    }
    count
}

/// Answers day questions for one operation, remembering the holidays of the last
/// year looked up outside the table (no interior mutability in [`Calendar`]: the
/// memo lives on the caller's stack).
struct Lookup<'a> {
    cal: &'a Calendar,
    memo_year: Option<i32>,
    /// Day numbers of that year's holidays that fall on working weekdays, sorted.
    memo_removing: Vec<i64>,
}

impl<'a> Lookup<'a> {
    fn new(cal: &'a Calendar) -> Lookup<'a> {
        Lookup {
            cal,
            memo_year: None,
            memo_removing: Vec::new(),
        }
    }

    fn removing_of_year(&mut self, year: i32) -> &[i64] {
        if self.memo_year != Some(year) {
            let weekend = self.cal.spec.weekend;
            self.memo_removing = compute_holidays(&self.cal.spec, year, year)
                .iter()
                .map(|h| day_number(h.date))
                .filter(|dn| !weekend.is_weekend_dn(*dn))
                .collect();
            self.memo_year = Some(year);
        }
        &self.memo_removing
    }

    fn is_business(&mut self, dn: i64, year_of: impl FnOnce() -> Option<i32>) -> bool {
        if self.cal.spec.weekend.is_weekend_dn(dn) {
            return false;
        }
        match self.cal.table.holiday_bit(dn) {
            Some(holiday) => !holiday,
            None => match year_of() {
                Some(year) => self.removing_of_year(year).binary_search(&dn).is_err(),
                None => false,
            },
        }
    }

    /// Business days in `[a, b)` where the span lies within one calendar year or
    /// within the table.
    fn count_segment(&mut self, a: i64, b: i64, year: i32) -> i64 {
        let weekdays = count_weekdays(self.cal.spec.weekend, a, b);
        let removing: &[i64] = if self.cal.table.contains(a) {
            &self.cal.table.removing
        } else {
            self.removing_of_year(year)
        };
        let lo = removing.partition_point(|d| *d < a);
        let hi = removing.partition_point(|d| *d < b);
        weekdays - (hi.saturating_sub(lo) as i64)
    }

    /// The segment containing `dn` going forward: its end (exclusive) and year.
    /// Inside the table the segment runs to the table's end; outside, to the end of
    /// the calendar year (or the table's start, whichever comes first).
    fn segment_after(&self, dn: i64, from: NaiveDate) -> Result<(i64, i32), CalendarError> {
        let table = &self.cal.table;
        if table.contains(dn) {
            return Ok((table.end_dn, PRECOMPUTED_FIRST_YEAR));
        }
        let date = date_of(dn, "business day search", from)?;
        let year = date.year();
        let next_year = year
            .checked_add(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .map(day_number)
            // The last representable year: its end is the day after chrono's maximum.
            .unwrap_or(day_number(NaiveDate::MAX) + 1);
        let end = if dn < table.first_dn {
            next_year.min(table.first_dn)
        } else {
            next_year
        };
        Ok((end, year))
    }

    /// The segment containing `dn - 1` going backward: its start (inclusive) and year.
    fn segment_before(&self, dn: i64, from: NaiveDate) -> Result<(i64, i32), CalendarError> {
        let table = &self.cal.table;
        let last = dn - 1;
        if table.contains(last) {
            return Ok((table.first_dn, PRECOMPUTED_FIRST_YEAR));
        }
        let date = date_of(last, "business day search", from)?;
        let year = date.year();
        let start = NaiveDate::from_ymd_opt(year, 1, 1)
            .map(day_number)
            .unwrap_or(day_number(NaiveDate::MIN));
        let start = if last >= table.end_dn {
            start.max(table.end_dn)
        } else {
            start
        };
        Ok((start, year))
    }

    /// Business days in `[a, b)`, any span.
    fn count(&mut self, a: i64, b: i64, from: NaiveDate) -> Result<i64, CalendarError> {
        let mut total = 0i64;
        let mut cur = a;
        while cur < b {
            let (end, year) = self.segment_after(cur, from)?;
            let end = end.min(b);
            total += self.count_segment(cur, end, year);
            cur = end;
        }
        Ok(total)
    }
}

impl Calendar {
    /// Validates `spec` and precomputes its holidays for 1990–2100.
    ///
    /// # Errors
    ///
    /// Those of [`CalendarSpec::validate`].
    ///
    /// # Example
    ///
    /// ```
    /// use encours_core::calendar::{Calendar, CalendarSpec, HolidayRule};
    /// let spec = CalendarSpec {
    ///     name: "weekends and Christmas".into(),
    ///     rules: vec![HolidayRule::fixed("Christmas", 12, 25)],
    ///     ..CalendarSpec::default()
    /// };
    /// let cal = Calendar::from_spec(spec)?;
    /// assert!(cal.is_holiday(chrono::NaiveDate::from_ymd_opt(2031, 12, 25).unwrap()));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn from_spec(spec: CalendarSpec) -> Result<Calendar, CalendarError> {
        spec.validate()?;
        Ok(Calendar::build(spec))
    }

    /// Builds without validating: for the built-ins, whose specs a unit test validates.
    fn build(spec: CalendarSpec) -> Calendar {
        let table = Arc::new(Table::build(&spec));
        Calendar { spec, table }
    }

    /// A calendar with the given weekend and no holidays.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NoWorkingWeekday`] if the weekend covers the whole week.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// use encours_core::calendar::{Calendar, Weekend};
    /// let cal = Calendar::weekends_only("sundays", Weekend::from_days([Weekday::Sun]))?;
    /// assert!(cal.is_business_day(NaiveDate::from_ymd_opt(2025, 1, 4).unwrap()));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn weekends_only(
        name: impl Into<String>,
        weekend: Weekend,
    ) -> Result<Calendar, CalendarError> {
        Calendar::from_spec(CalendarSpec {
            name: name.into(),
            weekend,
            rules: Vec::new(),
            extra_holidays: Vec::new(),
        })
    }

    /// The same calendar with more holidays (a caller-supplied list).
    ///
    /// # Errors
    ///
    /// [`CalendarError::EmptyName`] if a holiday has a blank name.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::{Calendar, Holiday};
    /// let bridge = NaiveDate::from_ymd_opt(2025, 5, 2).unwrap();
    /// let cal = Calendar::france().with_holidays([Holiday::new(bridge, "Pont du 1er mai")])?;
    /// assert!(!cal.is_business_day(bridge));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn with_holidays(
        self,
        holidays: impl IntoIterator<Item = Holiday>,
    ) -> Result<Calendar, CalendarError> {
        let mut spec = self.spec;
        spec.extra_holidays.extend(holidays);
        Calendar::from_spec(spec)
    }

    /// A built-in calendar by code: `FR` (France, metropolitan), `DE` (Germany,
    /// national), `GB-EAW` with its aliases `UK` and `GB` (England and Wales), `US`
    /// (United States, federal). ASCII case is ignored.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnknownCalendar`] naming the code and listing the known ones.
    ///
    /// # Example
    ///
    /// ```
    /// use encours_core::calendar::Calendar;
    /// assert_eq!(Calendar::builtin("uk")?.name(), "GB-EAW");
    /// let err = Calendar::builtin("ES").unwrap_err();
    /// assert_eq!(err.to_string(), "unknown calendar code \"ES\": expected one of FR, DE, GB-EAW, UK, GB, US");
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn builtin(code: &str) -> Result<Calendar, CalendarError> {
        match code.to_ascii_uppercase().as_str() {
            "FR" => Ok(Calendar::france()),
            "DE" => Ok(Calendar::germany()),
            "GB-EAW" | "UK" | "GB" => Ok(Calendar::united_kingdom()),
            "US" => Ok(Calendar::united_states()),
            _ => Err(CalendarError::UnknownCalendar {
                code: code.to_owned(),
                known: BUILTIN_CODES.join(", "),
            }),
        }
    }

    /// France, metropolitan (`FR`): the eleven public holidays of the Code du travail
    /// (L3133-1). Whit Monday is kept, except 2005–2007 when the "journée de
    /// solidarité" replaced it nationally (as Python `holidays` has it).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let fr = Calendar::france();
    /// assert!(fr.is_holiday(NaiveDate::from_ymd_opt(2025, 5, 8).unwrap()));
    /// assert_eq!(fr.holidays_in_year(2025).len(), 11);
    /// ```
    pub fn france() -> Calendar {
        Calendar::build(builtin_specs::france())
    }

    /// Germany, national holidays (`DE`): those of every Land, Reformation Day in
    /// 2017 only, Repentance Day until 1994.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let de = Calendar::germany();
    /// assert!(de.is_holiday(NaiveDate::from_ymd_opt(2017, 10, 31).unwrap()));
    /// assert!(!de.is_holiday(NaiveDate::from_ymd_opt(2018, 10, 31).unwrap()));
    /// ```
    pub fn germany() -> Calendar {
        Calendar::build(builtin_specs::germany())
    }

    /// United Kingdom, England and Wales bank holidays (`GB-EAW`), with substitute
    /// days and the one-off holidays (jubilees, royal weddings, the 2022 state
    /// funeral, the 2023 coronation).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let uk = Calendar::united_kingdom();
    /// // Christmas 2021 fell on Saturday, Boxing Day on Sunday: Monday and Tuesday off.
    /// assert!(uk.is_holiday(NaiveDate::from_ymd_opt(2021, 12, 27).unwrap()));
    /// assert!(uk.is_holiday(NaiveDate::from_ymd_opt(2021, 12, 28).unwrap()));
    /// ```
    pub fn united_kingdom() -> Calendar {
        Calendar::build(builtin_specs::united_kingdom())
    }

    /// United States federal holidays (`US`), with Saturday holidays observed on
    /// Friday and Sunday ones on Monday; Juneteenth from 2021. No Inauguration Day,
    /// which is a holiday only around Washington DC (Python `holidays` leaves it out
    /// of the national list too).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let us = Calendar::united_states();
    /// // New Year's Day 2022 was a Saturday: observed Friday 31 December 2021.
    /// assert!(us.is_holiday(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap()));
    /// ```
    pub fn united_states() -> Calendar {
        Calendar::build(builtin_specs::united_states())
    }

    /// The calendar's name.
    ///
    /// ```
    /// assert_eq!(encours_core::calendar::Calendar::germany().name(), "DE");
    /// ```
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Whether a customer's calendar code names this calendar: names match ignoring
    /// ASCII case, as the built-in codes do (`fr` is `FR`).
    ///
    /// ```
    /// let fr = encours_core::calendar::Calendar::builtin("FR")?;
    /// assert!(fr.is_named("fr") && !fr.is_named("DE"));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn is_named(&self, code: &str) -> bool {
        self.spec.name.eq_ignore_ascii_case(code)
    }

    /// The weekend days.
    ///
    /// ```
    /// use encours_core::calendar::{Calendar, Weekend};
    /// assert_eq!(Calendar::france().weekend(), Weekend::SATURDAY_SUNDAY);
    /// ```
    pub fn weekend(&self) -> Weekend {
        self.spec.weekend
    }

    /// The calendar as plain data.
    ///
    /// ```
    /// use encours_core::calendar::Calendar;
    /// assert_eq!(Calendar::united_states().spec().rules.len(), 12);
    /// ```
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// Whether `date` is a holiday (original or observed day), weekend or not.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let us = Calendar::united_states();
    /// assert!(us.is_holiday(NaiveDate::from_ymd_opt(2021, 6, 18).unwrap())); // Juneteenth observed
    /// assert!(!us.is_holiday(NaiveDate::from_ymd_opt(2020, 6, 19).unwrap())); // before 2021
    /// ```
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        let dn = day_number(date);
        match self.table.holiday_bit(dn) {
            Some(h) => h,
            None => compute_holidays(&self.spec, date.year(), date.year())
                .iter()
                .any(|h| h.date == date),
        }
    }

    /// Whether `date` is a business day: not a weekend day, not a holiday.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let de = Calendar::germany();
    /// assert!(!de.is_business_day(NaiveDate::from_ymd_opt(2025, 10, 3).unwrap()));
    /// assert!(de.is_business_day(NaiveDate::from_ymd_opt(2025, 10, 2).unwrap()));
    /// ```
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        Lookup::new(self).is_business(day_number(date), || Some(date.year()))
    }

    /// What `date` is: a business day, a weekend day or a holiday (with its name).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::{Calendar, DayKind};
    /// let fr = Calendar::france();
    /// let d = NaiveDate::from_ymd_opt(2025, 12, 25).unwrap();
    /// assert_eq!(fr.day_kind(d), DayKind::Holiday { name: "Christmas Day".into() });
    /// ```
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        let holiday = if self.table.holiday_bit(day_number(date)) == Some(false) {
            None
        } else {
            self.holidays_between(date, date).into_iter().next()
        };
        match holiday {
            Some(h) => DayKind::Holiday { name: h.name },
            None if self.spec.weekend.contains(date.weekday()) => DayKind::Weekend {
                weekday: date.weekday(),
            },
            None => DayKind::BusinessDay,
        }
    }

    /// The holidays of `year`, sorted, one entry per date (observed days included;
    /// holidays on weekend days too). Empty for a year chrono cannot represent.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let uk = Calendar::united_kingdom();
    /// let dates: Vec<NaiveDate> = uk.holidays_in_year(2020).into_iter().map(|h| h.date).collect();
    /// assert!(dates.contains(&NaiveDate::from_ymd_opt(2020, 5, 8).unwrap())); // VE Day
    /// assert_eq!(dates.len(), 9); // 8 bank holidays + Boxing Day observed on Monday 28th
    /// ```
    pub fn holidays_in_year(&self, year: i32) -> Vec<Holiday> {
        if (PRECOMPUTED_FIRST_YEAR..=PRECOMPUTED_LAST_YEAR).contains(&year) {
            let hs = &self.table.holidays;
            let lo = hs.partition_point(|h| h.date.year() < year);
            let hi = hs.partition_point(|h| h.date.year() <= year);
            return hs.get(lo..hi).map(<[Holiday]>::to_vec).unwrap_or_default();
        }
        compute_holidays(&self.spec, year, year)
    }

    /// The holidays from `from` to `to`, both included, sorted; empty if `to < from`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let fr = Calendar::france();
    /// let from = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    /// let to = NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
    /// let names: Vec<String> = fr.holidays_between(from, to).into_iter().map(|h| h.name).collect();
    /// assert_eq!(names, ["Labor Day", "Victory Day", "Ascension Day"]);
    /// ```
    pub fn holidays_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<Holiday> {
        let mut out = Vec::new();
        if to < from {
            return out;
        }
        let mut year = from.year();
        while year <= to.year() {
            if (PRECOMPUTED_FIRST_YEAR..=PRECOMPUTED_LAST_YEAR).contains(&year) {
                // The whole precomputed stretch at once.
                let hs = &self.table.holidays;
                let lo = hs.partition_point(|h| h.date < from);
                let hi = hs.partition_point(|h| h.date <= to);
                out.extend(hs.get(lo..hi).unwrap_or_default().iter().cloned());
                year = PRECOMPUTED_LAST_YEAR.saturating_add(1);
                continue;
            }
            out.extend(
                compute_holidays(&self.spec, year, year)
                    .into_iter()
                    .filter(|h| h.date >= from && h.date <= to),
            );
            match year.checked_add(1) {
                Some(next) => year = next,
                None => break,
            }
        }
        out
    }

    /// `date` moved to a business day by `roll` ([`Roll::None`] returns it as is).
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] if the search leaves chrono's dates,
    /// [`CalendarError::NoBusinessDay`] if it meets ten years without a business day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::{Calendar, Roll};
    /// let fr = Calendar::france();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    /// // Sunday 30 November 2025.
    /// assert_eq!(fr.roll(d(11, 30), Roll::Following)?, d(12, 1));
    /// assert_eq!(fr.roll(d(11, 30), Roll::ModifiedFollowing)?, d(11, 28));
    /// assert_eq!(fr.roll(d(11, 30), Roll::Preceding)?, d(11, 28));
    /// assert_eq!(fr.roll(d(11, 30), Roll::None)?, d(11, 30));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn roll(&self, date: NaiveDate, roll: Roll) -> Result<NaiveDate, CalendarError> {
        if roll == Roll::None || self.is_business_day(date) {
            return Ok(date);
        }
        match roll {
            Roll::None => Ok(date),
            Roll::Following => self.step(date, 1, "roll"),
            Roll::Preceding => self.step(date, -1, "roll"),
            Roll::ModifiedFollowing => {
                let next = self.step(date, 1, "roll")?;
                if next.month() == date.month() && next.year() == date.year() {
                    Ok(next)
                } else {
                    self.step(date, -1, "roll")
                }
            }
            Roll::ModifiedPreceding => {
                let prev = self.step(date, -1, "roll")?;
                if prev.month() == date.month() && prev.year() == date.year() {
                    Ok(prev)
                } else {
                    self.step(date, 1, "roll")
                }
            }
        }
    }

    /// The first business day strictly after `date`.
    ///
    /// # Errors
    ///
    /// As [`Calendar::roll`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let uk = Calendar::united_kingdom();
    /// let d = NaiveDate::from_ymd_opt(2022, 6, 1).unwrap(); // before the Platinum Jubilee
    /// assert_eq!(uk.next_business_day(d)?, NaiveDate::from_ymd_opt(2022, 6, 6).unwrap());
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn next_business_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.step(date, 1, "next_business_day")
    }

    /// The last business day strictly before `date`.
    ///
    /// # Errors
    ///
    /// As [`Calendar::roll`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let de = Calendar::germany();
    /// let d = NaiveDate::from_ymd_opt(2025, 4, 22).unwrap(); // Tuesday after Easter
    /// assert_eq!(de.previous_business_day(d)?, NaiveDate::from_ymd_opt(2025, 4, 17).unwrap());
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn previous_business_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.step(date, -1, "previous_business_day")
    }

    /// `date` moved by `n` business days.
    ///
    /// `n > 0`: the n-th business day strictly after `date`; `n < 0`: the |n|-th
    /// strictly before. `date` itself need not be a business day (Saturday + 1 is
    /// Monday), as in QuantLib's `advance`. `n = 0` rolls forward: `date` if it is a
    /// business day, else the next one (so `add_business_days(d, 0)` is always a
    /// business day, like every other result).
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] if the result is outside chrono's dates,
    /// [`CalendarError::NoBusinessDay`] if the walk meets ten years without one.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let us = Calendar::united_states();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    /// // Wednesday 2 July + 2 business days skips Independence Day (Friday) and the weekend.
    /// assert_eq!(us.add_business_days(d(7, 2), 2)?, d(7, 7));
    /// assert_eq!(us.add_business_days(d(7, 7), -2)?, d(7, 2));
    /// assert_eq!(us.add_business_days(d(7, 5), 0)?, d(7, 7));
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn add_business_days(&self, date: NaiveDate, n: i32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return self.roll(date, Roll::Following);
        }
        self.step(date, i64::from(n), "add_business_days")
    }

    /// Business days in `[from, to)`: `from` counts if it is a business day, `to`
    /// does not. Negative when `to < from` (minus the count of `[to, from)`), so
    /// `business_days_between(d, add_business_days(d, n)) == n` for a business day `d`.
    ///
    /// # Errors
    ///
    /// Only if an internal date conversion leaves chrono's range, which valid inputs
    /// cannot cause ([`CalendarError::DateOutOfRange`]).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use encours_core::calendar::Calendar;
    /// let fr = Calendar::france();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    /// // May 2025: 22 weekdays, minus 1, 8 and 29 May.
    /// assert_eq!(fr.business_days_between(d(5, 1), d(6, 1))?, 19);
    /// assert_eq!(fr.business_days_between(d(6, 1), d(5, 1))?, -19);
    /// # Ok::<(), encours_core::calendar::CalendarError>(())
    /// ```
    pub fn business_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i32, CalendarError> {
        let (a, b, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = Lookup::new(self).count(day_number(a), day_number(b), a)?;
        // At most chrono's whole range (under 200 million days): fits in i32.
        let count = i32::try_from(count).map_err(|_| CalendarError::DateOutOfRange {
            operation: "business_days_between",
            date: from,
            by: count,
        })?;
        Ok(sign * count)
    }

    /// The `n`-th business day strictly after (`n > 0`) or before (`n < 0`) `date`.
    fn step(
        &self,
        date: NaiveDate,
        n: i64,
        operation: &'static str,
    ) -> Result<NaiveDate, CalendarError> {
        let mut look = Lookup::new(self);
        let start = day_number(date);
        let out_of_range = || CalendarError::DateOutOfRange {
            operation,
            date,
            by: n,
        };
        let min_dn = day_number(NaiveDate::MIN);
        let max_dn = day_number(NaiveDate::MAX);
        let mut remaining = n.abs();
        // Consecutive non-business days walked, to stop on calendars made of holidays.
        let mut gap = 0i64;
        let no_business_day = |gap: i64| CalendarError::NoBusinessDay {
            calendar: self.spec.name.clone(),
            from: date,
            direction: if n > 0 { "after" } else { "before" },
            searched_days: gap,
        };
        // Weekdays bound business days: past chrono's range, fail at once rather
        // than walk hundreds of thousands of years to find out.
        let room = if n > 0 {
            count_weekdays(self.spec.weekend, start + 1, max_dn + 1)
        } else {
            count_weekdays(self.spec.weekend, min_dn, start)
        };
        if room < remaining {
            return Err(out_of_range());
        }
        if n > 0 {
            let mut cur = start + 1;
            loop {
                if cur > max_dn {
                    return Err(out_of_range());
                }
                let (end, year) = look.segment_after(cur, date)?;
                let in_table = self.table.contains(cur);
                let available = look.count_segment(cur, end, year);
                if available < remaining {
                    remaining -= available;
                    gap = if available == 0 { gap + (end - cur) } else { 0 };
                    if gap > MAX_GAP_DAYS {
                        return Err(no_business_day(gap));
                    }
                    cur = end;
                    continue;
                }
                if in_table && remaining > 32 {
                    // Binary search for the smallest e with remaining business days in [cur, e).
                    let (mut lo, mut hi) = (cur + 1, end);
                    while lo < hi {
                        let mid = lo + (hi - lo) / 2;
                        if look.count_segment(cur, mid, year) >= remaining {
                            hi = mid;
                        } else {
                            lo = mid + 1;
                        }
                    }
                    return date_of(lo - 1, operation, date);
                }
                let mut d = cur;
                while d < end {
                    if look.is_business(d, || Some(year)) {
                        remaining -= 1;
                        gap = 0;
                        if remaining == 0 {
                            return date_of(d, operation, date);
                        }
                    } else {
                        gap += 1;
                        if gap > MAX_GAP_DAYS {
                            return Err(no_business_day(gap));
                        }
                    }
                    d += 1;
                }
                // Unreachable: the segment held enough business days.
                return Err(out_of_range());
            }
        } else {
            let mut cur = start; // exclusive end of the part still to search
            loop {
                if cur <= min_dn {
                    return Err(out_of_range());
                }
                let (begin, year) = look.segment_before(cur, date)?;
                let in_table = self.table.contains(cur - 1);
                let available = look.count_segment(begin, cur, year);
                if available < remaining {
                    remaining -= available;
                    gap = if available == 0 {
                        gap + (cur - begin)
                    } else {
                        0
                    };
                    if gap > MAX_GAP_DAYS {
                        return Err(no_business_day(gap));
                    }
                    cur = begin;
                    continue;
                }
                if in_table && remaining > 32 {
                    // Largest s with remaining business days in [s, cur).
                    let (mut lo, mut hi) = (begin, cur - 1);
                    while lo < hi {
                        let mid = hi - (hi - lo) / 2;
                        if look.count_segment(mid, cur, year) >= remaining {
                            lo = mid;
                        } else {
                            hi = mid - 1;
                        }
                    }
                    return date_of(lo, operation, date);
                }
                let mut d = cur - 1;
                while d >= begin {
                    if look.is_business(d, || Some(year)) {
                        remaining -= 1;
                        gap = 0;
                        if remaining == 0 {
                            return date_of(d, operation, date);
                        }
                    } else {
                        gap += 1;
                        if gap > MAX_GAP_DAYS {
                            return Err(no_business_day(gap));
                        }
                    }
                    d -= 1;
                }
                return Err(out_of_range());
            }
        }
    }
}

/// The built-in calendars as data, following Python `holidays` 0.109.
mod builtin_specs {
    use super::{CalendarSpec, HolidayRule, NaiveDate, Observance, Weekend};
    use chrono::Weekday::{Mon, Thu, Wed};

    fn once(name: &str, y: i32, m: u32, d: u32) -> Option<HolidayRule> {
        NaiveDate::from_ymd_opt(y, m, d).map(|date| HolidayRule::once(name, date))
    }

    fn spec(name: &str, rules: Vec<HolidayRule>) -> CalendarSpec {
        CalendarSpec {
            name: name.to_owned(),
            weekend: Weekend::SATURDAY_SUNDAY,
            rules,
            extra_holidays: Vec::new(),
        }
    }

    pub(super) fn france() -> CalendarSpec {
        spec(
            "FR",
            vec![
                HolidayRule::fixed("New Year's Day", 1, 1),
                HolidayRule::easter("Easter Monday", 1),
                HolidayRule::fixed("Labor Day", 5, 1),
                // Restored as a holiday in 1982 (loi 81-893).
                HolidayRule::fixed("Victory Day", 5, 8).from_year(1982),
                HolidayRule::easter("Ascension Day", 39),
                // 2005–2007: the "journée de solidarité" (loi 2004-626) was fixed on Whit
                // Monday; from 2008 (loi 2008-351) employers choose the day and Python
                // `holidays` lists the Monday again.
                HolidayRule::easter("Pentecost Monday", 50).except([2005, 2006, 2007]),
                HolidayRule::fixed("National Day", 7, 14),
                HolidayRule::fixed("Assumption Day", 8, 15),
                HolidayRule::fixed("All Saints' Day", 11, 1),
                HolidayRule::fixed("Armistice Day", 11, 11),
                HolidayRule::fixed("Christmas Day", 12, 25),
            ],
        )
    }

    pub(super) fn germany() -> CalendarSpec {
        let mut rules = vec![
            HolidayRule::fixed("New Year's Day", 1, 1),
            HolidayRule::easter("Good Friday", -2),
            HolidayRule::easter("Easter Monday", 1),
            HolidayRule::fixed("Labor Day", 5, 1),
            HolidayRule::easter("Ascension Day", 39),
            HolidayRule::easter("Pentecost Monday", 50),
            // West Germany's unity day until reunification (a Sunday in 1990).
            HolidayRule::fixed("German Unity Day", 6, 17)
                .from_year(1954)
                .until_year(1990),
            HolidayRule::fixed("German Unity Day", 10, 3).from_year(1990),
            // Abolished nationally from 1995 to fund care insurance (Saxony kept it).
            HolidayRule::new(
                "Repentance and Prayer Day",
                super::DateRule::WeekdayOnOrBefore {
                    month: 11,
                    day: 22,
                    weekday: Wed,
                },
            )
            .until_year(1994),
            HolidayRule::fixed("Christmas Day", 12, 25),
            HolidayRule::fixed("Second Day of Christmas", 12, 26),
        ];
        // 500th anniversary of the Reformation: a national holiday once.
        rules.extend(once("Reformation Day", 2017, 10, 31));
        spec("DE", rules)
    }

    pub(super) fn united_kingdom() -> CalendarSpec {
        let substitute = Observance::NextFreeWeekday;
        let mut rules = vec![
            // Bank holiday in England and Wales since 1974 (substitute when on a weekend).
            HolidayRule::fixed("New Year's Day", 1, 1)
                .observed(substitute)
                .from_year(1975),
            HolidayRule::easter("Good Friday", -2),
            HolidayRule::easter("Easter Monday", 1),
            HolidayRule::nth_weekday("May Day", 5, Mon, 1)
                .from_year(1978)
                .except([1995, 2020]),
            HolidayRule::last_weekday("Spring Bank Holiday", 5, Mon)
                .from_year(1971)
                .except([2002, 2012, 2022]),
            HolidayRule::last_weekday("Late Summer Bank Holiday", 8, Mon).from_year(1971),
            HolidayRule::fixed("Christmas Day", 12, 25).observed(substitute),
            HolidayRule::fixed("Boxing Day", 12, 26).observed(substitute),
        ];
        let one_offs = [
            // May Day moved to 8 May for VE Day's 50th (1995) and 75th (2020) anniversaries.
            ("May Day", 1995, 5, 8),
            ("May Day", 2020, 5, 8),
            // Spring bank holiday moved for the Golden, Diamond and Platinum jubilees.
            ("Spring Bank Holiday", 2002, 6, 4),
            ("Spring Bank Holiday", 2012, 6, 4),
            ("Spring Bank Holiday", 2022, 6, 2),
            ("Silver Jubilee of Elizabeth II", 1977, 6, 7),
            ("Wedding of Charles and Diana", 1981, 7, 29),
            ("Millennium Celebrations", 1999, 12, 31),
            ("Golden Jubilee of Elizabeth II", 2002, 6, 3),
            ("Wedding of William and Catherine", 2011, 4, 29),
            ("Diamond Jubilee of Elizabeth II", 2012, 6, 5),
            ("Platinum Jubilee of Elizabeth II", 2022, 6, 3),
            ("State Funeral of Queen Elizabeth II", 2022, 9, 19),
            ("Coronation of Charles III", 2023, 5, 8),
        ];
        rules.extend(
            one_offs
                .iter()
                .filter_map(|(name, y, m, d)| once(name, *y, *m, *d)),
        );
        spec("GB-EAW", rules)
    }

    pub(super) fn united_states() -> CalendarSpec {
        let nearest = Observance::NearestWeekday;
        spec(
            "US",
            vec![
                HolidayRule::fixed("New Year's Day", 1, 1).observed(nearest),
                HolidayRule::nth_weekday("Martin Luther King Jr. Day", 1, Mon, 3).from_year(1986),
                HolidayRule::nth_weekday("Washington's Birthday", 2, Mon, 3).from_year(1971),
                HolidayRule::last_weekday("Memorial Day", 5, Mon).from_year(1971),
                HolidayRule::fixed("Juneteenth National Independence Day", 6, 19)
                    .observed(nearest)
                    .from_year(2021),
                HolidayRule::fixed("Independence Day", 7, 4).observed(nearest),
                HolidayRule::nth_weekday("Labor Day", 9, Mon, 1),
                HolidayRule::nth_weekday("Columbus Day", 10, Mon, 2).from_year(1971),
                // The Uniform Monday Holiday Act moved Veterans Day to October 1971–1977.
                HolidayRule::nth_weekday("Veterans Day", 10, Mon, 4)
                    .from_year(1971)
                    .until_year(1977),
                HolidayRule::fixed("Veterans Day", 11, 11)
                    .observed(nearest)
                    .from_year(1978),
                HolidayRule::nth_weekday("Thanksgiving Day", 11, Thu, 4),
                HolidayRule::fixed("Christmas Day", 12, 25).observed(nearest),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_specs_are_valid() {
        for code in BUILTIN_CODES {
            let cal = Calendar::builtin(code).unwrap();
            cal.spec().validate().unwrap();
        }
    }

    #[test]
    fn table_bounds_are_the_documented_years() {
        let t = &Calendar::france().table;
        assert_eq!(t.first_dn, day_number(d(1990, 1, 1)));
        assert_eq!(t.end_dn, day_number(d(2101, 1, 1)));
        assert_eq!(t.holiday_bits.len(), (40543usize).div_ceil(64));
    }

    #[test]
    fn weekday_index_matches_chrono() {
        for dn in [1i64, 2, 7, 8, 738_000, 738_001, 738_002] {
            let date = NaiveDate::from_num_days_from_ce_opt(dn as i32).unwrap();
            assert_eq!(weekday_index(dn), date.weekday().num_days_from_monday());
        }
    }

    #[test]
    fn count_weekdays_counts_partial_weeks() {
        let w = Weekend::SATURDAY_SUNDAY;
        // Monday 6 Jan 2025 to Monday 13 Jan: 5 weekdays; to Sunday 12: still 5; Mon..Wed: 2.
        let mon = day_number(d(2025, 1, 6));
        assert_eq!(count_weekdays(w, mon, mon + 7), 5);
        assert_eq!(count_weekdays(w, mon, mon + 6), 5);
        assert_eq!(count_weekdays(w, mon, mon + 2), 2);
        assert_eq!(count_weekdays(w, mon + 5, mon + 7), 0);
        assert_eq!(count_weekdays(w, mon, mon), 0);
    }
}
