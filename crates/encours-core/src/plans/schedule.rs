//! The instalment dates: weekly, every two weeks, monthly on a day of the month, or
//! custom; then rolled to business days.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{PlanError, add_days};
use crate::calendar::{Calendar, Roll};

/// How often instalments fall due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every 7 days from the first date.
    Weekly,
    /// Every 14 days from the first date.
    Biweekly,
    /// Every month, on a day of the month (the first date's unless given), stepped
    /// from the first date and clamped to the month's last day.
    #[default]
    Monthly,
    /// The dates listed by the caller, strictly increasing.
    Custom,
}

impl Frequency {
    /// Periods per year, for [`super::DayCount::PerPeriod`]; `None` for custom dates.
    pub fn periods_per_year(self) -> Option<u32> {
        match self {
            Frequency::Weekly => Some(52),
            Frequency::Biweekly => Some(26),
            Frequency::Monthly => Some(12),
            Frequency::Custom => None,
        }
    }
}

/// The last day of the month of `year`/`month`.
fn last_day(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = first.checked_add_months(Months::new(1))?;
    next.pred_opt().map(|d| d.day())
}

/// The `day` of the month `k` months after `start`'s, clamped to the month's last day.
///
/// ```
/// use encours_core::plans::schedule::monthly_date;
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(monthly_date(d(2024, 1, 31), 31, 1), Some(d(2024, 2, 29)));
/// assert_eq!(monthly_date(d(2024, 1, 31), 31, 2), Some(d(2024, 3, 31)));
/// assert_eq!(monthly_date(d(2025, 1, 31), 31, 1), Some(d(2025, 2, 28)));
/// ```
pub fn monthly_date(start: NaiveDate, day: u32, k: u32) -> Option<NaiveDate> {
    let first_of_month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1)?;
    let month = first_of_month.checked_add_months(Months::new(k))?;
    let last = last_day(month.year(), month.month())?;
    NaiveDate::from_ymd_opt(month.year(), month.month(), day.min(last))
}

/// The contractual dates of `count` instalments.
///
/// # Errors
/// [`PlanError::InvalidField`] naming `first_date`, `day_of_month` or `custom_dates`.
pub(crate) fn scheduled_dates(
    frequency: Frequency,
    count: u32,
    first_date: Option<NaiveDate>,
    day_of_month: Option<u32>,
    custom_dates: &[NaiveDate],
) -> Result<Vec<NaiveDate>, PlanError> {
    if frequency == Frequency::Custom {
        return custom(count, custom_dates);
    }
    if !custom_dates.is_empty() {
        return Err(PlanError::field(
            "custom_dates",
            format!("{} dates", custom_dates.len()),
            "expected none unless frequency is \"custom\"",
        ));
    }
    let first = first_date.ok_or_else(|| {
        PlanError::field(
            "first_date",
            "absent",
            "expected the first instalment's date",
        )
    })?;
    match frequency {
        Frequency::Weekly | Frequency::Biweekly => {
            if day_of_month.is_some() {
                return Err(PlanError::field(
                    "day_of_month",
                    day_of_month.unwrap_or(0),
                    "expected none unless frequency is \"monthly\"",
                ));
            }
            let step = if frequency == Frequency::Weekly {
                7
            } else {
                14
            };
            (0..i64::from(count))
                .map(|k| add_days(first, k * step, "first_date"))
                .collect()
        }
        _ => monthly(first, count, day_of_month),
    }
}

fn monthly(first: NaiveDate, count: u32, day: Option<u32>) -> Result<Vec<NaiveDate>, PlanError> {
    let day = day.unwrap_or(first.day());
    if !(1..=31).contains(&day) {
        return Err(PlanError::field("day_of_month", day, "expected 1 to 31"));
    }
    // The first date itself must be on the day (clamped in short months): otherwise
    // the caller's two fields disagree and one of them is a mistake.
    if monthly_date(first, day, 0) != Some(first) {
        return Err(PlanError::field(
            "first_date",
            first,
            format!("expected a date on day_of_month {day} (or the month's last day when shorter)"),
        ));
    }
    (0..count)
        .map(|k| {
            monthly_date(first, day, k).ok_or_else(|| {
                PlanError::field(
                    "first_date",
                    first,
                    format!("instalment {} is out of range", k + 1),
                )
            })
        })
        .collect()
}

fn custom(count: u32, dates: &[NaiveDate]) -> Result<Vec<NaiveDate>, PlanError> {
    if dates.is_empty() {
        return Err(PlanError::field(
            "custom_dates",
            "[]",
            "expected at least one date when frequency is \"custom\"",
        ));
    }
    if count != 0 && usize::try_from(count).ok() != Some(dates.len()) {
        return Err(PlanError::field(
            "instalments",
            count,
            format!("expected {} (one per custom date) or 0", dates.len()),
        ));
    }
    for (i, pair) in dates.windows(2).enumerate() {
        if let [a, b] = pair
            && b <= a
        {
            return Err(PlanError::field(
                format!("custom_dates[{}]", i + 1),
                b,
                format!(
                    "expected a date after custom_dates[{i}] {a}: dates must strictly increase"
                ),
            ));
        }
    }
    Ok(dates.to_vec())
}

/// Roll each date to a business day of `calendar` (unchanged without one), and check
/// the rolled dates still strictly increase.
///
/// # Errors
/// [`PlanError::Calendar`] when rolling fails; [`PlanError::InvalidField`] naming
/// `custom_dates` when two dates roll onto the same business day.
pub(crate) fn roll_dates(
    dates: &[NaiveDate],
    calendar: Option<&Calendar>,
    roll: Roll,
    customer: &str,
) -> Result<Vec<NaiveDate>, PlanError> {
    let Some(cal) = calendar else {
        return Ok(dates.to_vec());
    };
    let rolled = dates
        .iter()
        .map(|d| {
            cal.roll(*d, roll).map_err(|source| PlanError::Calendar {
                customer: customer.to_owned(),
                source,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (i, pair) in rolled.windows(2).enumerate() {
        if let [a, b] = pair
            && b <= a
        {
            return Err(PlanError::field(
                format!("schedule[{}]", i + 1),
                b,
                format!(
                    "rolls onto or before the previous instalment's business day {a} in calendar \"{}\"; choose dates further apart",
                    cal.name()
                ),
            ));
        }
    }
    Ok(rolled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn monthly_steps_from_the_first_date_and_returns_to_the_31st() {
        let dates =
            scheduled_dates(Frequency::Monthly, 6, Some(d(2024, 1, 31)), None, &[]).unwrap();
        assert_eq!(
            dates,
            [
                d(2024, 1, 31),
                d(2024, 2, 29),
                d(2024, 3, 31),
                d(2024, 4, 30),
                d(2024, 5, 31),
                d(2024, 6, 30)
            ]
        );
        let dates =
            scheduled_dates(Frequency::Monthly, 3, Some(d(2025, 2, 28)), Some(31), &[]).unwrap();
        assert_eq!(dates, [d(2025, 2, 28), d(2025, 3, 31), d(2025, 4, 30)]);
    }

    #[test]
    fn weekly_and_biweekly() {
        let w = scheduled_dates(Frequency::Weekly, 3, Some(d(2025, 1, 6)), None, &[]).unwrap();
        assert_eq!(w, [d(2025, 1, 6), d(2025, 1, 13), d(2025, 1, 20)]);
        let b = scheduled_dates(Frequency::Biweekly, 2, Some(d(2025, 1, 6)), None, &[]).unwrap();
        assert_eq!(b, [d(2025, 1, 6), d(2025, 1, 20)]);
    }

    #[test]
    fn bad_fields_are_named() {
        let e = scheduled_dates(Frequency::Monthly, 2, Some(d(2025, 1, 31)), Some(32), &[])
            .unwrap_err();
        assert_eq!(e.to_string(), "invalid day_of_month: 32 (expected 1 to 31)");
        let e = scheduled_dates(
            Frequency::Custom,
            0,
            None,
            None,
            &[d(2025, 2, 1), d(2025, 1, 1)],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid custom_dates[1]: 2025-01-01 (expected a date after custom_dates[0] 2025-02-01: dates must strictly increase)"
        );
        let e = scheduled_dates(Frequency::Monthly, 2, Some(d(2025, 1, 15)), Some(10), &[])
            .unwrap_err();
        assert!(
            e.to_string().starts_with("invalid first_date: 2025-01-15"),
            "{e}"
        );
    }

    #[test]
    fn rolled_to_business_days_in_the_customers_calendar() {
        // 1 November 2025 is a Saturday and All Saints' Day; 3 November is a Monday.
        let fr = Calendar::france();
        let rolled = roll_dates(
            &[d(2025, 11, 1), d(2025, 12, 1)],
            Some(&fr),
            Roll::Following,
            "C1",
        )
        .unwrap();
        assert_eq!(rolled, [d(2025, 11, 3), d(2025, 12, 1)]);
        let e = roll_dates(
            &[d(2025, 11, 1), d(2025, 11, 2)],
            Some(&fr),
            Roll::Following,
            "C1",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("invalid schedule[1]: 2025-11-03"),
            "{e}"
        );
    }
}
