//! How a plan's amounts reach the currency's minor unit, so that the schedule adds up
//! to the cent.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::PlanError;
use crate::money::{Money, MoneyError, Remainder, RoundingMode};

/// Which instalment takes the minor units a split leaves over.
///
/// ```
/// use encours_core::plans::rounding::{split, InstalmentRemainder};
/// use encours_core::money::{Currency, Money, RoundingMode};
/// let total = Money::parse("100.00", Currency::EUR)?;
/// let cents = |v: Vec<Money>| v.iter().map(|m| m.to_minor().unwrap()).collect::<Vec<_>>();
/// assert_eq!(cents(split(total, 3, InstalmentRemainder::Last, RoundingMode::HalfUp, "x")?), [3333, 3333, 3334]);
/// assert_eq!(cents(split(total, 3, InstalmentRemainder::First, RoundingMode::HalfUp, "x")?), [3334, 3333, 3333]);
/// let total = Money::parse("100.02", Currency::EUR)?;
/// // 33.34 each (33.34 rounded half up), the last absorbing: 33.34.
/// assert_eq!(cents(split(total, 3, InstalmentRemainder::EachRounded, RoundingMode::HalfUp, "x")?), [3334, 3334, 3334]);
/// let total = Money::parse("0.05", Currency::EUR)?;
/// assert_eq!(cents(split(total, 2, InstalmentRemainder::EachRounded, RoundingMode::HalfUp, "x")?), [3, 2]);
/// assert_eq!(cents(split(total, 2, InstalmentRemainder::EachRounded, RoundingMode::HalfEven, "x")?), [2, 3]);
/// # Ok::<(), encours_core::plans::PlanError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentRemainder {
    /// Every instalment but the last is rounded down; the last takes the rest
    /// (the default: the customer sees equal instalments and a final adjustment).
    #[default]
    Last,
    /// Every instalment but the first is rounded down; the first takes the rest.
    First,
    /// Each instalment is rounded with the plan's rounding mode (half up or half
    /// even); the last absorbs the difference.
    EachRounded,
}

/// Split `total` (already in minor units) into `parts` amounts that add back to it
/// exactly. `field` names the amount in errors.
///
/// # Errors
/// [`PlanError::InvalidField`] for zero parts, or when [`InstalmentRemainder::EachRounded`]
/// would leave the last part negative (a handful of minor units over many parts);
/// [`PlanError::Money`] on overflow.
///
/// # Example
/// See [`InstalmentRemainder`].
pub fn split(
    total: Money,
    parts: usize,
    remainder: InstalmentRemainder,
    mode: RoundingMode,
    field: &str,
) -> Result<Vec<Money>, PlanError> {
    if parts == 0 {
        return Err(PlanError::field(field, 0, "expected at least one part"));
    }
    match remainder {
        InstalmentRemainder::Last => Ok(total.split(parts, Remainder::OnLast)?),
        InstalmentRemainder::First => Ok(total.split(parts, Remainder::OnFirst)?),
        InstalmentRemainder::EachRounded => {
            let n = Decimal::from(parts);
            let each = Money::new(
                total.amount().checked_div(n).ok_or(MoneyError::Overflow {
                    operation: "divide",
                })?,
                total.currency(),
            )
            .round(mode);
            let others = each.checked_mul(n - Decimal::ONE)?;
            let last = total.checked_sub(&others)?;
            if last.is_negative() {
                return Err(PlanError::field(
                    field,
                    total,
                    format!(
                        "each_rounded gives {each} per part over {parts} parts, leaving {last} for the last; use remainder \"last\" or fewer instalments"
                    ),
                ));
            }
            let mut out = vec![each; parts - 1];
            out.push(last.round(mode));
            Ok(out)
        }
    }
}

/// Check the rounding mode is one a plan accepts: half up or half even.
pub(crate) fn check_mode(mode: RoundingMode) -> Result<(), PlanError> {
    match mode {
        RoundingMode::HalfUp | RoundingMode::HalfEven => Ok(()),
        other => Err(PlanError::field(
            "rounding",
            format!("{other:?}"),
            "expected \"half_up\" or \"half_even\"",
        )),
    }
}
