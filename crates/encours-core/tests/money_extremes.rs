//! Money at its extremes (issue #9, findings 5 and 6): splits with tiny ratios and
//! 28-digit amounts that lost or created minor units, leftovers that were silently
//! zeroed, and sums rounded at 28 significant digits. Every property is checked
//! against exact big-integer arithmetic, not against the code under test.

use encours_core::money::{
    Currency, Money, MoneyError, MultiCurrency, Remainder, exact_add, exact_sub,
};
use num_bigint::{BigInt, BigUint};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn money(s: &str, c: Currency) -> Money {
    Money::parse(s, c).unwrap()
}

fn texts(parts: &[Money]) -> Vec<String> {
    parts.iter().map(|m| m.amount().to_string()).collect()
}

/// A decimal as an exact integer count of 10^-28.
fn scaled(d: Decimal) -> BigInt {
    BigInt::from(d.mantissa()) * BigInt::from(10u32).pow(28 - d.scale())
}

fn sum(parts: &[Money]) -> BigInt {
    parts.iter().map(|p| scaled(p.amount())).sum()
}

const MODES: [Remainder; 3] = [
    Remainder::LargestRemainder,
    Remainder::OnLast,
    Remainder::OnFirst,
];

// ------------------------------------------------------------------ the counter-examples

#[test]
fn a_single_tiny_ratio_takes_the_whole_amount() {
    // Issue #9: `Money("82.44","EUR").allocate([Decimal("1E-27")])` gave 82.41.
    for mode in MODES {
        let parts = money("82.44", Currency::EUR)
            .allocate(&[dec("0.000000000000000000000000001")], mode)
            .unwrap();
        assert_eq!(texts(&parts), ["82.44"], "{mode:?}");
    }
}

#[test]
fn two_equal_tiny_ratios_split_in_halves() {
    // Issue #9: two equal tiny ratios on 527,387.95 created 5 cents.
    let tiny = dec("0.0000000000000000000000000003");
    let parts = money("527387.95", Currency::EUR)
        .allocate(&[tiny, tiny], Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(texts(&parts), ["263693.98", "263693.97"]);
}

#[test]
fn a_21_digit_amount_in_three_creates_no_unit() {
    // Issue #9: one unit created splitting a 21-digit amount in three.
    let total = money("123456789012345678901.23", Currency::EUR);
    for mode in MODES {
        let parts = total.allocate(&[Decimal::ONE; 3], mode).unwrap();
        assert_eq!(sum(&parts), scaled(total.amount()), "{mode:?}");
        let split = total.split(3, mode).unwrap();
        assert_eq!(parts, split, "{mode:?}");
    }
    let parts = total
        .allocate(&[Decimal::ONE; 3], Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(
        texts(&parts),
        [
            "41152263004115226300.41",
            "41152263004115226300.41",
            "41152263004115226300.41"
        ]
    );
    // 21 integer digits in a currency of 8 decimals: the quotient
    // 80000000000000000000.00000000666… was rounded to 28 significant digits
    // (…00000001), above its floor, so each part was one unit too high.
    let btc = Currency::custom("XBT", 8).unwrap();
    let total = money("240000000000000000000.00000002", btc);
    let parts = total
        .allocate(&[Decimal::ONE; 3], Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(
        texts(&parts),
        [
            "80000000000000000000.00000001",
            "80000000000000000000.00000001",
            "80000000000000000000.00000000"
        ]
    );
    assert_eq!(sum(&parts), scaled(total.amount()));
    // 28 digits: the quotient 3333333333333333333333333332.67 was rounded to 28
    // digits, so each floor was one too high and the parts made one yen more.
    let yen = money("9999999999999999999999999998", Currency::JPY);
    let parts = yen
        .allocate(&[Decimal::ONE; 3], Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(
        texts(&parts),
        [
            "3333333333333333333333333333",
            "3333333333333333333333333333",
            "3333333333333333333333333332"
        ]
    );
    // 29 digits, 0 decimals: 3 × 3333333333333333333333333333 + 1.
    let yen = money("10000000000000000000000000000", Currency::JPY);
    let parts = yen
        .allocate(&[dec("1"), dec("1"), dec("1")], Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(
        texts(&parts),
        [
            "3333333333333333333333333334",
            "3333333333333333333333333333",
            "3333333333333333333333333333"
        ]
    );
}

#[test]
fn ratios_of_very_different_scales_are_exact() {
    // A ratio of 28 decimals next to one of 28 integer digits: the weights need about
    // 190 bits, past what 128-bit arithmetic holds.
    let total = money("1000000.00", Currency::EUR);
    let ratios = [
        dec("0.0000000000000000000000000001"),
        dec("9999999999999999999999999999"),
    ];
    for (mode, expected) in [
        (Remainder::LargestRemainder, ["0.00", "1000000.00"]),
        (Remainder::OnLast, ["0.00", "1000000.00"]),
        // The second part rounds down to 999,999.99; the first takes the leftover cent.
        (Remainder::OnFirst, ["0.01", "999999.99"]),
    ] {
        let parts = total.allocate(&ratios, mode).unwrap();
        assert_eq!(texts(&parts), expected, "{mode:?}");
    }
    // 1/3 and 2/3 written with 28 decimals each.
    let parts = money("100.00", Currency::EUR)
        .allocate(
            &[
                dec("0.3333333333333333333333333333"),
                dec("0.6666666666666666666666666667"),
            ],
            Remainder::LargestRemainder,
        )
        .unwrap();
    assert_eq!(texts(&parts), ["33.33", "66.67"]);
}

#[test]
fn huge_amounts_split_or_say_why_not() {
    // The largest amount a decimal holds, in a currency of 0 decimals.
    let max = Money::new(Decimal::MAX, Currency::JPY);
    let parts = max.split(7, Remainder::LargestRemainder).unwrap();
    assert_eq!(sum(&parts), scaled(Decimal::MAX));
    // In a currency of 8 decimals, its parts cannot be written with 8 decimals: an
    // error, never a part rounded to fewer decimals.
    let btc = Currency::custom("XBT", 8).unwrap();
    assert_eq!(
        Money::new(Decimal::MAX, btc).split(2, Remainder::LargestRemainder),
        Err(MoneyError::Overflow { operation: "split" })
    );
}

// ------------------------------------------------------------------ exact sums

#[test]
fn sums_near_4e26_are_refused_rather_than_rounded() {
    // Issue #9: `+` lost two cents at about 4e26 EUR.
    let a = money("400000000000000000000000000.01", Currency::EUR);
    let b = money("400000000000000000000000000.02", Currency::EUR);
    assert_eq!(
        a.checked_add(&b),
        Err(MoneyError::Overflow { operation: "add" })
    );
    assert_eq!(
        a.checked_sub(&b.negate()),
        Err(MoneyError::Overflow {
            operation: "subtract"
        })
    );
    let mut totals = MultiCurrency::new();
    totals.add(&a).unwrap();
    assert_eq!(
        totals.add(&b),
        Err(MoneyError::Overflow { operation: "add" })
    );
    // Dropping decimals that are zeros is exact, and allowed.
    let c = money("400000000000000000000000000.05", Currency::EUR);
    assert_eq!(
        c.checked_add(&c).unwrap().amount().to_string(),
        "800000000000000000000000000.1"
    );
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), any::<u32>(), any::<bool>(), 0u32..=28).prop_map(|(lo, hi, neg, scale)| {
        Decimal::from_parts(lo as u32, (lo >> 32) as u32, hi, neg, scale)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn exact_add_is_exact_or_none(a in decimal(), b in decimal()) {
        let exact = scaled(a) + scaled(b);
        match exact_add(a, b) {
            Some(s) => prop_assert_eq!(scaled(s), exact),
            None => {
                // Refused only when no decimal holds the exact sum at the scale kept.
                let rounded = a.checked_add(b);
                prop_assert!(rounded.is_none_or(|r| scaled(r) != exact));
            }
        }
        if let Some(d) = exact_sub(a, b) {
            prop_assert_eq!(scaled(d), scaled(a) - scaled(b));
        }
    }
}

// ------------------------------------------------------------------ splits at the extremes

fn currency_of(units: u32) -> Currency {
    Currency::custom("TST", units).unwrap()
}

/// An amount of up to 28 digits in minor units of a currency of `units` decimals.
fn amount(units: u32) -> impl Strategy<Value = Decimal> {
    (any::<u64>(), 0u32..(1 << 24), any::<bool>(), 0u32..=28).prop_map(
        move |(lo, hi, neg, digits)| {
            let raw = Decimal::from_parts(lo as u32, (lo >> 32) as u32, hi, neg, units);
            // From tiny to 28 significant digits.
            let cap = Decimal::from_i128_with_scale(10i128.pow(digits.min(28)), 0);
            if raw.abs() > cap { raw % cap } else { raw }
        },
    )
}

/// Ratios from 1e-28 to 1e28, tiny ones most of the time.
fn ratio() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (1u64..1000, 20u32..=28).prop_map(|(m, s)| Decimal::new(m as i64, s)),
        (any::<u64>(), 0u32..=28).prop_map(|(m, s)| Decimal::from_parts(
            m as u32,
            (m >> 32) as u32,
            0,
            false,
            s
        )),
        (0u64..=100).prop_map(Decimal::from),
        Just(Decimal::ZERO),
    ]
}

fn units() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(2), Just(3), Just(8)]
}

fn mode() -> impl Strategy<Value = Remainder> {
    prop_oneof![
        Just(Remainder::LargestRemainder),
        Just(Remainder::OnLast),
        Just(Remainder::OnFirst)
    ]
}

/// The exact share of `total` (in minor units) for weight index `i`, as a fraction
/// `num / den` of minor units.
fn exact_share(total: &BigInt, ratios: &[Decimal], i: usize) -> (BigInt, BigInt) {
    let w = |r: &Decimal| {
        BigInt::from(BigUint::from(r.mantissa().unsigned_abs()))
            * BigInt::from(10u32).pow(28 - r.scale())
    };
    let den: BigInt = ratios.iter().map(w).sum();
    (total * w(&ratios[i]), den)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn allocations_are_exact_at_the_extremes(
        (units, total) in units().prop_flat_map(|u| (Just(u), amount(u))),
        ratios in prop::collection::vec(ratio(), 1..8),
        mode in mode(),
    ) {
        prop_assume!(ratios.iter().any(|r| !r.is_zero()));
        let cur = currency_of(units);
        let m = Money::new(total, cur);
        let parts = m.allocate(&ratios, mode).unwrap();
        prop_assert_eq!(parts.len(), ratios.len());
        // Adds back to the cent, every part in minor units with the total's sign.
        prop_assert_eq!(sum(&parts), scaled(total));
        let total_minor = scaled(total) / BigInt::from(10u32).pow(28 - units);
        for (i, p) in parts.iter().enumerate() {
            prop_assert_eq!(p.amount().scale(), units);
            prop_assert!(!(p.is_negative() && total.is_sign_positive()));
            let minor = scaled(p.amount()) / BigInt::from(10u32).pow(28 - units);
            let (num, den) = exact_share(&total_minor, &ratios, i);
            // Within one minor unit of the exact share, except the part that takes the
            // whole leftover under OnFirst/OnLast (within `parts` units).
            let slack = match mode {
                Remainder::LargestRemainder => 1,
                _ => ratios.len() as i64,
            };
            let gap = (&minor * &den - &num).magnitude().clone();
            prop_assert!(BigInt::from(gap) < &den * BigInt::from(slack), "part {} of {:?}", i, parts);
            if mode == Remainder::LargestRemainder && ratios[i].is_zero() {
                prop_assert!(p.is_zero());
            }
        }
    }

    #[test]
    fn splits_are_exact_at_the_extremes(
        units in units(),
        lo in any::<u64>(),
        hi in 0u32..(1 << 24),
        neg in any::<bool>(),
        n in 1usize..40,
        mode in mode(),
    ) {
        let total = Decimal::from_parts(lo as u32, (lo >> 32) as u32, hi, neg, units);
        let m = Money::new(total, currency_of(units));
        let parts = m.split(n, mode).unwrap();
        prop_assert_eq!(sum(&parts), scaled(total));
        // The same as allocating over equal ratios.
        prop_assert_eq!(&parts, &m.allocate(&vec![Decimal::ONE; n], mode).unwrap());
        if mode == Remainder::LargestRemainder {
            let minors: Vec<BigInt> = parts.iter().map(|p| scaled(p.amount())).collect();
            let (lo, hi) = (minors.iter().min().unwrap(), minors.iter().max().unwrap());
            prop_assert!(hi - lo <= BigInt::from(10u32).pow(28 - units));
        }
    }
}

// ------------------------------------------------------------------ splits built on allocate

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Split payment terms share an invoice with `allocate`: at 28-digit amounts and in
    /// currencies of 0, 3 and 8 decimals, the instalments add back to the invoice.
    #[test]
    fn split_terms_add_back_at_the_extremes(
        (units, total) in units().prop_flat_map(|u| (Just(u), amount(u))),
        (first, second) in (1u32..98).prop_flat_map(|f| (Just(f), 1u32..(99 - f))),
    ) {
        let total = total.abs();
        let terms: encours_core::terms::PaymentTerms = format!(
            "{first}% at order, {second}% at 30 days, {}% at 60 days",
            100 - first - second
        )
        .parse()
        .unwrap();
        let invoice = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        let amount = Money::new(total, currency_of(units));
        let lines = terms.due_schedule(invoice, None, amount).unwrap();
        prop_assert_eq!(lines.len(), 3);
        let parts: Vec<Money> = lines.iter().map(|l| l.amount).collect();
        prop_assert_eq!(sum(&parts), scaled(total));
    }
}
