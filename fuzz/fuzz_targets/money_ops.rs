//! Money arithmetic: every split adds back to the cent, whatever the amount, the
//! currency's minor unit, the ratios (tiny, huge, zero, past 28 decimals once summed)
//! and the remainder rule; sums and differences either are exact or are refused; the
//! JSON form reads back. Issue #9, finding 5, was found by hand at exactly these
//! extremes (82.44 × 1E-27, a 21-digit amount in three): this keeps looking.
#![no_main]

use arbitrary::Arbitrary;
use encours_core::money::{Currency, Money, Remainder};
use encours_fuzz::assert_json_round_trip;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

#[derive(Arbitrary, Debug)]
struct Input {
    amount: (i128, u8),
    other: (i64, u8),
    currency: u8,
    ratios: Vec<(u128, u8)>,
    parts: u16,
    remainder: u8,
}

/// A decimal from fuzz bytes: mantissa cut to rust_decimal's 96 bits, scale ≤ 28.
fn decimal((mantissa, scale): (i128, u8)) -> Decimal {
    let m = mantissa % (1i128 << 96);
    Decimal::try_from_i128_with_scale(m, u32::from(scale % 29)).unwrap_or(Decimal::ZERO)
}

/// The amount in minor units, in i128 (a 96-bit mantissa times at most 10^8 fits):
/// asserting the amount is not finer than its currency's minor unit.
fn minor(m: &Money) -> i128 {
    let units = m.currency().minor_units();
    let (mantissa, scale) = (m.amount().mantissa(), m.amount().scale());
    if scale <= units {
        mantissa * 10i128.pow(units - scale)
    } else {
        let factor = 10i128.pow(scale - units);
        assert_eq!(mantissa % factor, 0, "{m} is finer than its minor unit");
        mantissa / factor
    }
}

fuzz_target!(|input: Input| {
    let currency = [Currency::EUR, Currency::JPY, Currency::KWD, Currency::USD]
        [usize::from(input.currency % 4)];
    let remainder = [
        Remainder::LargestRemainder,
        Remainder::OnFirst,
        Remainder::OnLast,
    ][usize::from(input.remainder % 3)];
    let money = Money::new(decimal(input.amount), currency);
    let total = minor(&money.round(encours_core::money::RoundingMode::HalfUp));

    // allocate: as many parts as ratios, adding back to the rounded total, a zero
    // ratio getting nothing, every part on the total's side of zero.
    let ratios: Vec<Decimal> = input
        .ratios
        .iter()
        .take(64)
        .map(|&(m, s)| decimal(((m % (1u128 << 96)) as i128, s)))
        .collect();
    if let Ok(parts) = money.allocate(&ratios, remainder) {
        assert_eq!(parts.len(), ratios.len());
        let sum: i128 = parts.iter().map(minor).sum();
        assert_eq!(sum, total, "allocate {money} by {ratios:?} gives {parts:?}");
        for (part, ratio) in parts.iter().zip(&ratios) {
            assert_eq!(part.currency(), currency);
            assert!(minor(part) * total.signum() >= 0, "{part} against {money}");
            if ratio.is_zero() && remainder == Remainder::LargestRemainder {
                assert_eq!(minor(part), 0, "zero ratio got {part} of {money}");
            }
        }
    }

    // split: n parts, adding back, near-equal under the fair rule.
    let n = usize::from(input.parts % 1000);
    if let Ok(parts) = money.split(n, remainder) {
        assert_eq!(parts.len(), n);
        let minors: Vec<i128> = parts.iter().map(minor).collect();
        assert_eq!(minors.iter().sum::<i128>(), total, "split {money} in {n}");
        if remainder == Remainder::LargestRemainder {
            let (lo, hi) = (minors.iter().min(), minors.iter().max());
            if let (Some(lo), Some(hi)) = (lo, hi) {
                assert!(hi - lo <= 1, "split {money} in {n}: {lo}..{hi}");
            }
        }
    }

    // Sums and differences, when they succeed, are undone by the other one. Past 28
    // significant digits a sum rounds, but only below the minor unit: at most half a
    // minor unit each, so at most one minor unit for the sum and the difference back.
    let other = Money::new(decimal((i128::from(input.other.0), input.other.1)), currency);
    if let Ok(sum) = money.checked_add(&other) {
        if let Ok(back) = sum.checked_sub(&other) {
            let one_minor_unit = Decimal::new(1, currency.minor_units());
            assert!(
                (back.amount() - money.amount()).abs() <= one_minor_unit,
                "({money} + {other}) - {other} = {back}"
            );
        }
    }
    assert_json_round_trip(&money, "money");
});
