//! What money promises: rounding modes as published, FX conversion by an explicit
//! quote (the euro's fixed conversion rates as the golden case), totals kept apart
//! per currency, and splits that add back to the minor unit in currencies of 0, 2 and
//! 3 decimals, custom ones included.

use std::str::FromStr;

use encours_core::money::{
    Currency, FxRates, MAX_PARTS, Money, MoneyError, MultiCurrency, Remainder, RoundingMode,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn money(s: &str, c: Currency) -> Money {
    Money::parse(s, c).unwrap()
}

fn custom(code: &str, units: u32) -> Currency {
    Currency::custom(code, units).unwrap()
}

fn minors(parts: &[Money]) -> Vec<i64> {
    parts.iter().map(|m| m.to_minor().unwrap()).collect()
}

// ---------------------------------------------------------------------------------
// Rounding
// ---------------------------------------------------------------------------------

#[test]
fn rounding_modes_match_the_java_rounding_mode_table() {
    // The summary table of java.math.RoundingMode ("Result of rounding input to one
    // digit with the given rounding mode"),
    // https://docs.oracle.com/javase/8/docs/api/java/math/RoundingMode.html, columns
    // UP, DOWN, HALF_UP and HALF_EVEN, which are encours' Up, Down, HalfUp, HalfEven.
    // Rounding to one digit is rounding to the yen (0 minor units).
    let table = [
        ("5.5", 6, 5, 6, 6),
        ("2.5", 3, 2, 3, 2),
        ("1.6", 2, 1, 2, 2),
        ("1.1", 2, 1, 1, 1),
        ("1.0", 1, 1, 1, 1),
        ("-1.0", -1, -1, -1, -1),
        ("-1.1", -2, -1, -1, -1),
        ("-1.6", -2, -1, -2, -2),
        ("-2.5", -3, -2, -3, -2),
        ("-5.5", -6, -5, -6, -6),
    ];
    for (input, up, down, half_up, half_even) in table {
        let m = money(input, Currency::JPY);
        for (mode, want) in [
            (RoundingMode::Up, up),
            (RoundingMode::Down, down),
            (RoundingMode::HalfUp, half_up),
            (RoundingMode::HalfEven, half_even),
        ] {
            let got = m.round(mode);
            assert_eq!(got.to_minor().unwrap(), want, "{input} {mode:?}");
            assert_eq!(got.currency(), Currency::JPY);
        }
    }
}

#[test]
fn rounding_matches_the_rust_decimal_and_xpath_examples() {
    // rust_decimal 1.43, RoundingStrategy docs: MidpointNearestEven 6.5 -> 6,
    // 7.5 -> 8; MidpointAwayFromZero 6.4 -> 6, 6.5 -> 7, -6.5 -> -7; ToZero
    // -6.8 -> -6, 6.8 -> 6; AwayFromZero -6.8 -> -7, 6.8 -> 7.
    let cases = [
        ("6.5", RoundingMode::HalfEven, "6"),
        ("7.5", RoundingMode::HalfEven, "8"),
        ("6.4", RoundingMode::HalfUp, "6"),
        ("6.5", RoundingMode::HalfUp, "7"),
        ("-6.5", RoundingMode::HalfUp, "-7"),
        ("-6.8", RoundingMode::Down, "-6"),
        ("6.8", RoundingMode::Down, "6"),
        ("-6.8", RoundingMode::Up, "-7"),
        ("6.8", RoundingMode::Up, "7"),
        // W3C XPath and XQuery Functions and Operators 3.1, fn:round-half-to-even:
        // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
        ("0.5", RoundingMode::HalfEven, "0"),
        ("1.5", RoundingMode::HalfEven, "2"),
        ("2.5", RoundingMode::HalfEven, "2"),
    ];
    for (input, mode, want) in cases {
        assert_eq!(
            money(input, Currency::JPY).round(mode).amount(),
            dec(want),
            "{input} {mode:?}"
        );
        assert_eq!(mode.round(dec(input), 0), dec(want), "{input} {mode:?}");
    }
    // Same source, two decimals: round-half-to-even(3.567812e+3, 2) = 3567.81 and
    // round-half-to-even(4.7564e-3, 2) = 0.
    assert_eq!(
        money("3567.812", Currency::EUR)
            .round(RoundingMode::HalfEven)
            .amount(),
        dec("3567.81")
    );
    assert!(
        money("0.0047564", Currency::EUR)
            .round(RoundingMode::HalfEven)
            .is_zero()
    );
}

#[test]
fn rounding_goes_to_each_currencys_minor_unit() {
    let cases = [
        ("1.0005", Currency::KWD, RoundingMode::HalfUp, "1.001"),
        ("1.0005", Currency::KWD, RoundingMode::HalfEven, "1.000"),
        ("1.0015", Currency::KWD, RoundingMode::HalfEven, "1.002"),
        ("2.345", Currency::EUR, RoundingMode::HalfEven, "2.34"),
        ("2.355", Currency::EUR, RoundingMode::HalfEven, "2.36"),
        ("-2.345", Currency::EUR, RoundingMode::HalfUp, "-2.35"),
        ("1234.5", Currency::KRW, RoundingMode::HalfEven, "1234"),
        (
            "0.123456785",
            custom("XBT", 8),
            RoundingMode::HalfUp,
            "0.12345679",
        ),
        (
            "0.123456785",
            custom("XBT", 8),
            RoundingMode::HalfEven,
            "0.12345678",
        ),
        ("7.5", custom("PTS", 0), RoundingMode::HalfEven, "8"),
    ];
    for (input, currency, mode, want) in cases {
        let rounded = money(input, currency).round(mode);
        assert_eq!(
            rounded.amount().to_string(),
            want,
            "{input} {currency:?} {mode:?}"
        );
        assert!(rounded.is_in_minor_units());
    }
}

#[test]
fn rounded_amounts_have_exactly_the_currencys_decimals() {
    // Regression: rounding never added digits, so 5 EUR stayed "5 EUR", and a
    // conversion dividing 92.00 by 0.92 gave "100 USD".
    assert_eq!(
        money("5", Currency::EUR)
            .round(RoundingMode::HalfUp)
            .to_string(),
        "5.00 EUR"
    );
    assert_eq!(
        money("1.5", Currency::KWD)
            .round(RoundingMode::Down)
            .to_string(),
        "1.500 KWD"
    );
    assert_eq!(
        money("12.00", Currency::JPY)
            .round(RoundingMode::HalfUp)
            .to_string(),
        "12 JPY"
    );
    let mut fx = FxRates::new();
    fx.insert(Currency::USD, Currency::EUR, dec("0.92"))
        .unwrap();
    assert_eq!(
        fx.convert(
            &money("92.00", Currency::EUR),
            Currency::USD,
            RoundingMode::HalfUp
        )
        .unwrap()
        .to_string(),
        "100.00 USD"
    );
    // A tiny negative amount rounds to an unsigned zero.
    for mode in [
        RoundingMode::HalfUp,
        RoundingMode::HalfEven,
        RoundingMode::Down,
    ] {
        let z = money("-0.004", Currency::EUR).round(mode);
        assert_eq!(z.to_string(), "0.00 EUR", "{mode:?}");
        assert_eq!(
            serde_json::to_string(&z).unwrap(),
            r#"{"amount":"0.00","currency":"EUR"}"#
        );
    }
    assert_eq!(
        money("-0.004", Currency::EUR)
            .round(RoundingMode::Up)
            .to_string(),
        "-0.01 EUR"
    );
}

#[test]
fn rounding_modes_and_remainders_serialize_in_snake_case() {
    let modes = [
        (RoundingMode::HalfUp, "\"half_up\""),
        (RoundingMode::HalfEven, "\"half_even\""),
        (RoundingMode::Down, "\"down\""),
        (RoundingMode::Up, "\"up\""),
    ];
    for (mode, json) in modes {
        assert_eq!(serde_json::to_string(&mode).unwrap(), json);
        assert_eq!(serde_json::from_str::<RoundingMode>(json).unwrap(), mode);
    }
    let remainders = [
        (Remainder::LargestRemainder, "\"largest_remainder\""),
        (Remainder::OnLast, "\"on_last\""),
        (Remainder::OnFirst, "\"on_first\""),
    ];
    for (r, json) in remainders {
        assert_eq!(serde_json::to_string(&r).unwrap(), json);
        assert_eq!(serde_json::from_str::<Remainder>(json).unwrap(), r);
    }
    assert_eq!(RoundingMode::default(), RoundingMode::HalfUp);
    assert_eq!(Remainder::default(), Remainder::LargestRemainder);
}

// ---------------------------------------------------------------------------------
// Money basics
// ---------------------------------------------------------------------------------

#[test]
fn custom_currencies_sharing_a_code_are_told_apart_in_messages() {
    // Regression: the message read "XPT and XPT cannot be combined".
    let a = Money::zero(custom("XPT", 2));
    let b = Money::zero(custom("XPT", 3));
    assert_eq!(
        a.checked_add(&b).unwrap_err().to_string(),
        "currency mismatch in add: XPT/2 and XPT/3 cannot be combined without an exchange rate"
    );
    assert_eq!(
        a.checked_cmp(&Money::zero(Currency::EUR))
            .unwrap_err()
            .to_string(),
        "currency mismatch in compare: XPT/2 and EUR cannot be combined without an exchange rate"
    );
    assert_eq!(
        Money::zero(Currency::EUR)
            .checked_sub(&Money::zero(Currency::USD))
            .unwrap_err()
            .to_string(),
        "currency mismatch in subtract: EUR and USD cannot be combined without an exchange rate"
    );
}

#[test]
fn negating_zero_gives_zero_not_minus_zero() {
    // Regression: `-0.00` printed and serialized with its sign.
    let z = Money::from_minor(0, Currency::EUR).negate();
    assert_eq!(z.to_string(), "0.00 EUR");
    assert!(!z.is_negative() && !z.is_positive());
    assert_eq!(
        Money::from_minor(150, Currency::EUR).negate().to_string(),
        "-1.50 EUR"
    );
    assert_eq!(
        Money::from_minor(-150, Currency::EUR).abs().to_string(),
        "1.50 EUR"
    );
}

#[test]
fn parse_and_minor_units() {
    assert_eq!(
        Money::parse("12,50", Currency::EUR)
            .unwrap_err()
            .to_string(),
        "invalid amount \"12,50\" for amount: invalid decimal \"12,50\": Invalid decimal: unknown character"
    );
    assert_eq!(money("12.5", Currency::EUR).to_minor().unwrap(), 1250);
    assert_eq!(money("12", Currency::KWD).to_minor().unwrap(), 12000);
    assert_eq!(money("-7", Currency::JPY).to_minor().unwrap(), -7);
    assert_eq!(
        money("12.345", Currency::EUR)
            .to_minor()
            .unwrap_err()
            .to_string(),
        "invalid amount \"12.345\" for amount: has digits below the minor unit of EUR (2 decimals); round it first"
    );
    assert_eq!(
        Money::new(Decimal::MAX, Currency::EUR).to_minor(),
        Err(MoneyError::Overflow {
            operation: "to_minor"
        })
    );
    assert_eq!(
        Money::from_minor(12_345, custom("XBT", 8)).to_string(),
        "0.00012345 XBT"
    );
}

// ---------------------------------------------------------------------------------
// FX conversion
// ---------------------------------------------------------------------------------

/// The irrevocable euro conversion rates of Council Regulation (EC) No 2866/98
/// (OJ L 359, 31.12.1998): 1 EUR = 6.55957 FRF = 1.95583 DEM = 1936.27 ITL. The
/// lira had no minor unit in use; the franc and the mark had two.
fn legacy() -> (FxRates, Currency, Currency, Currency) {
    let (frf, dem, itl) = (custom("FRF", 2), custom("DEM", 2), custom("ITL", 0));
    let mut fx = FxRates::new();
    fx.insert(Currency::EUR, frf, dec("6.55957")).unwrap();
    fx.insert(Currency::EUR, dem, dec("1.95583")).unwrap();
    fx.insert(Currency::EUR, itl, dec("1936.27")).unwrap();
    (fx, frf, dem, itl)
}

#[test]
fn euro_legacy_conversions_divide_by_the_fixed_rate() {
    // Regulation (EC) 1103/97, art. 4: amounts are converted into euro by dividing by
    // the conversion rate (inverse rates are not to be used), then rounded to the
    // cent, half up. Quotients: 100/6.55957 = 15.2449…, 1000/1.95583 = 511.2918…,
    // 100000/1936.27 = 51.6456…
    let (fx, frf, dem, itl) = legacy();
    let to_eur = |m: Money| fx.convert(&m, Currency::EUR, RoundingMode::HalfUp).unwrap();
    assert_eq!(to_eur(money("100.00", frf)).to_string(), "15.24 EUR");
    assert_eq!(to_eur(money("1000.00", dem)).to_string(), "511.29 EUR");
    assert_eq!(to_eur(money("100000", itl)).to_string(), "51.65 EUR");
    assert_eq!(to_eur(money("1.00", frf)).to_string(), "0.15 EUR");
    // From euro: multiply. 100 EUR = 655.957 FRF, 15.24 EUR = 99.9678468 FRF.
    let from_eur = |m: &str, to| {
        fx.convert(&money(m, Currency::EUR), to, RoundingMode::HalfUp)
            .unwrap()
            .to_string()
    };
    assert_eq!(from_eur("100.00", frf), "655.96 FRF");
    assert_eq!(from_eur("15.24", frf), "99.97 FRF");
    assert_eq!(from_eur("1.00", itl), "1936 ITL");
    assert_eq!(from_eur("0.01", dem), "0.02 DEM");
    // A round trip through the euro may move by a cent, never more.
    let back = fx
        .convert(&to_eur(money("100.00", frf)), frf, RoundingMode::HalfUp)
        .unwrap();
    assert_eq!(back.to_string(), "99.97 FRF");
    // No rate between two legacy currencies was given: no triangulation is invented.
    assert_eq!(
        fx.convert(&money("100.00", frf), dem, RoundingMode::HalfUp)
            .unwrap_err()
            .to_string(),
        "no exchange rate from FRF/2 to DEM/2: supply one with FxRates::insert"
    );
}

#[test]
fn a_reverse_quote_keeps_exact_ties_exact() {
    // Regression: converting by the 28-digit inverse of a reverse quote turned the
    // exact tie 1.515 / 3 = 0.505 into 0.50499…, rounded down to 0.50.
    let mut fx = FxRates::new();
    fx.insert(Currency::EUR, Currency::KWD, dec("3")).unwrap();
    let kwd = money("1.515", Currency::KWD);
    assert_eq!(
        fx.convert(&kwd, Currency::EUR, RoundingMode::HalfUp)
            .unwrap()
            .to_string(),
        "0.51 EUR"
    );
    assert_eq!(
        fx.convert(&kwd, Currency::EUR, RoundingMode::HalfEven)
            .unwrap()
            .to_string(),
        "0.50 EUR"
    );
    // The rate itself is still reported as the inverse.
    assert_eq!(
        fx.rate(Currency::KWD, Currency::EUR).unwrap(),
        dec("0.3333333333333333333333333333")
    );
}

#[test]
fn fx_rates_are_validated_on_insert_and_on_load() {
    let mut fx = FxRates::new();
    assert_eq!(
        fx.insert(Currency::EUR, Currency::USD, Decimal::ZERO)
            .unwrap_err()
            .to_string(),
        "invalid exchange rate 0 from EUR to USD: expected a positive number"
    );
    assert_eq!(
        fx.insert(Currency::EUR, custom("XPT", 3), dec("-1.5"))
            .unwrap_err()
            .to_string(),
        "invalid exchange rate -1.5 from EUR to XPT/3: expected a positive number"
    );
    // A rate of a currency to itself would be stored and never read (it is 1).
    assert_eq!(
        fx.insert(Currency::EUR, Currency::EUR, dec("0.9"))
            .unwrap_err()
            .to_string(),
        "invalid exchange rate 0.9 from EUR to EUR: a currency converts to itself at 1"
    );
    fx.insert(Currency::EUR, Currency::EUR, dec("1.000"))
        .unwrap();
    assert_eq!(fx.rate(Currency::EUR, Currency::EUR).unwrap(), Decimal::ONE);
    let err = serde_json::from_str::<FxRates>(
        r#"{"rates": [{"from": "GBP", "to": "GBP", "rate": "1.17"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("a currency converts to itself at 1"), "{err}");
    // Regression: a zero rate loaded from JSON used to be accepted, converting
    // everything to 0 one way and failing with "decimal overflow" the other way.
    let err = serde_json::from_str::<FxRates>(
        r#"{"rates": [{"from": "EUR", "to": "USD", "rate": "0"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("invalid exchange rate 0 from EUR to USD: expected a positive number"),
        "{err}"
    );
    // A later quote of the same pair replaces the earlier one, as insert does.
    let fx: FxRates = serde_json::from_str(
        r#"{"rates": [{"from": "EUR", "to": "USD", "rate": "1.05"},
                      {"from": "EUR", "to": "USD", "rate": "1.10"},
                      {"from": "USD", "to": "JPY", "rate": "150"}]}"#,
    )
    .unwrap();
    assert_eq!(fx.rates().len(), 2);
    assert_eq!(fx.rate(Currency::EUR, Currency::USD).unwrap(), dec("1.10"));
    let json = serde_json::to_string(&fx).unwrap();
    assert_eq!(
        json,
        r#"{"rates":[{"from":"EUR","to":"USD","rate":"1.10"},{"from":"USD","to":"JPY","rate":"150"}]}"#
    );
    assert_eq!(serde_json::from_str::<FxRates>(&json).unwrap(), fx);
}

#[test]
fn fx_same_currency_missing_rate_and_overflow() {
    let mut fx = FxRates::new();
    // Same currency: rate 1, only rounding.
    assert_eq!(fx.rate(Currency::EUR, Currency::EUR).unwrap(), Decimal::ONE);
    assert_eq!(
        fx.convert(
            &money("2.345", Currency::EUR),
            Currency::EUR,
            RoundingMode::HalfEven
        )
        .unwrap()
        .to_string(),
        "2.34 EUR"
    );
    assert_eq!(
        fx.rate(Currency::EUR, Currency::GBP).unwrap_err(),
        MoneyError::MissingRate {
            from: Currency::EUR,
            to: Currency::GBP
        }
    );
    fx.insert(Currency::EUR, Currency::JPY, dec("1000000"))
        .unwrap();
    assert_eq!(
        fx.convert(
            &Money::new(Decimal::MAX, Currency::EUR),
            Currency::JPY,
            RoundingMode::HalfUp
        ),
        Err(MoneyError::Overflow {
            operation: "convert"
        })
    );
    // Dividing by a small reverse quote overflows cleanly too.
    let mut tiny = FxRates::new();
    tiny.insert(Currency::JPY, Currency::EUR, dec("0.0000001"))
        .unwrap();
    assert_eq!(
        tiny.convert(
            &Money::new(Decimal::MAX, Currency::EUR),
            Currency::JPY,
            RoundingMode::HalfUp
        ),
        Err(MoneyError::Overflow {
            operation: "convert"
        })
    );
}

proptest! {
    #[test]
    fn reverse_quotes_round_the_exact_quotient(
        minor in 1i64..100_000_000,
        rate in 1i64..500,
        half_even in any::<bool>(),
    ) {
        // 1 EUR = `rate` KWD; converting KWD (3 decimals) into EUR must round the exact
        // rational minor/1000/rate to the cent, computed here with integers only.
        let mut fx = FxRates::new();
        fx.insert(Currency::EUR, Currency::KWD, Decimal::from(rate)).unwrap();
        let mode = if half_even { RoundingMode::HalfEven } else { RoundingMode::HalfUp };
        let got = fx
            .convert(&Money::from_minor(minor, Currency::KWD), Currency::EUR, mode)
            .unwrap()
            .to_minor()
            .unwrap();
        // cents = minor / (10 * rate), exactly as a fraction num/den.
        let (num, den) = (i128::from(minor), 10 * i128::from(rate));
        let (q, r) = (num / den, num % den);
        let want = match (2 * r).cmp(&den) {
            std::cmp::Ordering::Less => q,
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal => if half_even && q % 2 == 0 { q } else { q + 1 },
        };
        prop_assert_eq!(i128::from(got), want);
    }

    #[test]
    fn direct_and_reverse_quotes_agree_when_the_inverse_is_exact(
        minor in -1_000_000_000i64..1_000_000_000,
        exp2 in 0u32..6,
        exp5 in 0u32..6,
        invert in any::<bool>(),
    ) {
        // r = 2^a 5^b / 10^k has an exact decimal inverse, so quoting A->B at r or
        // B->A at 1/r must give the same conversion.
        let r = Decimal::from(2i64.pow(exp2) * 5i64.pow(exp5)) / Decimal::from(10i64.pow(exp5.min(exp2)));
        let r = if invert { Decimal::ONE / r } else { r };
        let mut direct = FxRates::new();
        direct.insert(Currency::USD, Currency::EUR, r).unwrap();
        let mut reverse = FxRates::new();
        reverse.insert(Currency::EUR, Currency::USD, Decimal::ONE / r).unwrap();
        let m = Money::from_minor(minor, Currency::USD);
        prop_assert_eq!(
            direct.convert(&m, Currency::EUR, RoundingMode::HalfUp).unwrap(),
            reverse.convert(&m, Currency::EUR, RoundingMode::HalfUp).unwrap()
        );
    }
}

// ---------------------------------------------------------------------------------
// MultiCurrency
// ---------------------------------------------------------------------------------

#[test]
fn multi_currency_keeps_currencies_apart() {
    let mut t = MultiCurrency::new();
    assert!(t.is_empty());
    assert_eq!(t.get(Currency::EUR).to_string(), "0 EUR");
    t.add(&money("10.00", Currency::USD)).unwrap();
    t.add(&money("1200", Currency::JPY)).unwrap();
    t.add(&money("5.50", Currency::EUR)).unwrap();
    t.add(&money("-0.50", Currency::EUR)).unwrap();
    t.add(&money("12.345", custom("XPT", 3))).unwrap();
    assert_eq!(t.len(), 4);
    assert_eq!(t.get(Currency::EUR), money("5.00", Currency::EUR));
    assert_eq!(t.get(Currency::GBP), Money::zero(Currency::GBP));
    let listed: Vec<String> = t.iter().map(|m| m.to_string()).collect();
    assert_eq!(
        listed,
        ["5.00 EUR", "1200 JPY", "10.00 USD", "12.345 XPT"],
        "by currency code"
    );
    // XPT/3 and XPT/2 are different currencies.
    t.add(&money("1.00", custom("XPT", 2))).unwrap();
    assert_eq!(t.len(), 5);
    assert_eq!(t.get(custom("XPT", 3)), money("12.345", custom("XPT", 3)));

    let mut max = MultiCurrency::new();
    max.add(&Money::new(Decimal::MAX, Currency::EUR)).unwrap();
    assert_eq!(
        max.add(&money("1", Currency::EUR)),
        Err(MoneyError::Overflow { operation: "add" })
    );
}

#[test]
fn multi_currency_total_converts_each_currency_once() {
    let mut t = MultiCurrency::new();
    t.add(&money("100.00", custom("FRF", 2))).unwrap();
    t.add(&money("100.00", custom("FRF", 2))).unwrap();
    t.add(&money("1000.00", custom("DEM", 2))).unwrap();
    t.add(&money("1.00", Currency::EUR)).unwrap();
    let (fx, ..) = legacy();
    // 200 FRF = 30.4898… -> 30.49 (not 2 × 15.24 = 30.48); 1000 DEM = 511.29.
    assert_eq!(
        t.convert_total(&fx, Currency::EUR, RoundingMode::HalfUp)
            .unwrap()
            .to_string(),
        "542.78 EUR"
    );
    t.add(&money("1.00", Currency::GBP)).unwrap();
    assert_eq!(
        t.convert_total(&fx, Currency::EUR, RoundingMode::HalfUp)
            .unwrap_err()
            .to_string(),
        "no exchange rate from GBP to EUR: supply one with FxRates::insert"
    );
}

#[test]
fn multi_currency_json_round_trips_with_custom_currencies() {
    let mut t = MultiCurrency::new();
    t.add(&money("1500.00", Currency::EUR)).unwrap();
    t.add(&money("1200", Currency::JPY)).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(json, r#"{"EUR":"1500.00","JPY":"1200"}"#);
    assert_eq!(serde_json::from_str::<MultiCurrency>(&json).unwrap(), t);
    // Regression: a custom currency made serialization fail ("key must be a string").
    t.add(&money("12.345", custom("XPT", 3))).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(json, r#"{"EUR":"1500.00","JPY":"1200","XPT/3":"12.345"}"#);
    let back: MultiCurrency = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    // Bad keys name themselves.
    let err = |json: &str| {
        serde_json::from_str::<MultiCurrency>(json)
            .unwrap_err()
            .to_string()
    };
    assert!(
        err(r#"{"EUX": "1"}"#).starts_with("unknown currency code \"EUX\""),
        "{}",
        err(r#"{"EUX": "1"}"#)
    );
    assert!(
        err(r#"{"XPT/x": "1"}"#).starts_with(
            "invalid currency key \"XPT/x\": expected \"CODE\" or \"CODE/minor_units\""
        ),
        "{}",
        err(r#"{"XPT/x": "1"}"#)
    );
    assert!(err(r#"{"XPT/9": "1"}"#).starts_with("invalid minor units 9 for currency \"XPT\""));
    assert!(
        err(r#"{"EUR": "1", "eur": "2"}"#)
            .starts_with("duplicate currency EUR in multi-currency totals")
    );
    assert!(err(r#"{"EUR": 1.5}"#).contains("did not match any variant"));
}

// ---------------------------------------------------------------------------------
// Allocation
// ---------------------------------------------------------------------------------

#[test]
fn largest_remainder_matches_the_hamilton_method() {
    // Wikipedia, "Largest remainder method", example with the Hare quota: 10 seats,
    // votes 47,000 / 16,000 / 15,800 / 12,000 / 6,100 / 3,100 give 5/2/1/1/1/0 seats.
    // Seats are yen here (no minor unit).
    let votes: Vec<Decimal> = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100]
        .into_iter()
        .map(Decimal::from)
        .collect();
    let seats = Money::from_minor(10, Currency::JPY)
        .allocate(&votes, Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(minors(&seats), [5, 2, 1, 1, 1, 0]);
    // The same in thousandths of a custom three-decimal currency: 0.010 XPT.
    let seats = Money::parse("0.010", custom("XPT", 3))
        .unwrap()
        .allocate(&votes, Remainder::LargestRemainder)
        .unwrap();
    assert_eq!(minors(&seats), [5, 2, 1, 1, 1, 0]);
}

#[test]
fn remainder_placement() {
    let total = Money::from_minor(100, custom("PTS", 0));
    let thirds = [Decimal::ONE; 3];
    for (mode, want) in [
        (Remainder::LargestRemainder, [34, 33, 33]),
        (Remainder::OnFirst, [34, 33, 33]),
        (Remainder::OnLast, [33, 33, 34]),
    ] {
        assert_eq!(
            minors(&total.allocate(&thirds, mode).unwrap()),
            want,
            "{mode:?}"
        );
    }
    // Largest remainder gives the leftover to the largest fraction, not the first.
    let parts = Money::from_minor(1000, Currency::KWD)
        .allocate(&[dec("1"), dec("2"), dec("4")], Remainder::LargestRemainder)
        .unwrap();
    // Exact: 142.857…, 285.714…, 571.428… thousandths.
    assert_eq!(minors(&parts), [143, 286, 571]);
    assert_eq!(
        Money::from_minor(1, Currency::EUR).split(0, Remainder::OnLast),
        Err(MoneyError::InvalidParts { parts: 0 })
    );
    // A bound, not an allocation of 10^12 values that aborts the process.
    assert_eq!(
        Money::from_minor(1, Currency::EUR)
            .split(1_000_000_000_000, Remainder::OnLast)
            .unwrap_err()
            .to_string(),
        "invalid number of parts 1000000000000: expected between 1 and 10000000"
    );
    assert_eq!(
        Money::from_minor(1, Currency::EUR)
            .allocate(&vec![Decimal::ONE; MAX_PARTS + 1], Remainder::OnLast)
            .unwrap_err()
            .to_string(),
        "invalid allocation ratios [10000001 ratios]: expected at most 10000000 ratios"
    );
    assert_eq!(
        Money::from_minor(1, Currency::EUR)
            .allocate(&[dec("-1"), dec("2")], Remainder::OnLast)
            .unwrap_err()
            .to_string(),
        "invalid allocation ratios [-1, 2]: ratios must not be negative"
    );
}

fn currency_of(units: u8) -> Currency {
    match units {
        0 => custom("PTS", 0),
        2 => Currency::EUR,
        _ => custom("MIL", 3),
    }
}

fn mode() -> impl Strategy<Value = Remainder> {
    prop_oneof![
        Just(Remainder::LargestRemainder),
        Just(Remainder::OnLast),
        Just(Remainder::OnFirst)
    ]
}

proptest! {
    #[test]
    fn allocations_add_back_in_custom_currencies(
        minor in -10_000_000_000i64..10_000_000_000,
        units in prop_oneof![Just(0u8), Just(2u8), Just(3u8)],
        ratios in prop::collection::vec(0u32..100_000, 1..15),
        mode in mode(),
    ) {
        prop_assume!(ratios.iter().any(|r| *r > 0));
        let currency = currency_of(units);
        let total = Money::from_minor(minor, currency);
        let ratios: Vec<Decimal> = ratios.into_iter().map(Decimal::from).collect();
        let parts = total.allocate(&ratios, mode).unwrap();
        prop_assert_eq!(parts.len(), ratios.len());
        prop_assert_eq!(minors(&parts).iter().sum::<i64>(), minor);
        let ratio_sum: Decimal = ratios.iter().sum();
        let unit = currency.minor_unit();
        for (i, (p, r)) in parts.iter().zip(&ratios).enumerate() {
            prop_assert_eq!(p.currency(), currency);
            prop_assert!(p.is_in_minor_units());
            // Never the opposite sign of the total.
            let wrong_sign = (p.is_negative() && minor > 0) || (p.is_positive() && minor < 0);
            prop_assert!(!wrong_sign);
            let exact = total.amount() * r / ratio_sum;
            let off = (p.amount() - exact).abs();
            match mode {
                // Each part within one minor unit of its exact share.
                Remainder::LargestRemainder => prop_assert!(off < unit, "{} vs {}", p, exact),
                // Every part but the one taking the rest is truncated toward zero.
                Remainder::OnLast if i + 1 < parts.len() => {
                    prop_assert_eq!(p.amount(), exact.trunc_with_scale(units.into()))
                }
                Remainder::OnFirst if i > 0 => {
                    prop_assert_eq!(p.amount(), exact.trunc_with_scale(units.into()))
                }
                _ => {}
            }
        }
        // A larger ratio never gets less (largest remainder is monotone).
        if mode == Remainder::LargestRemainder {
            for (a, ra) in parts.iter().zip(&ratios) {
                for (b, rb) in parts.iter().zip(&ratios) {
                    if ra > rb {
                        prop_assert!(a.amount().abs() >= b.amount().abs());
                    }
                }
            }
        }
        // A negative total splits as the mirror of the positive one.
        let mirrored = total.negate().allocate(&ratios, mode).unwrap();
        prop_assert_eq!(
            minors(&mirrored),
            minors(&parts).iter().map(|m| -m).collect::<Vec<_>>()
        );
    }

    #[test]
    fn splits_are_within_one_unit_in_custom_currencies(
        minor in 0i64..10_000_000_000,
        units in prop_oneof![Just(0u8), Just(3u8)],
        n in 1usize..40,
        mode in mode(),
    ) {
        let parts = Money::from_minor(minor, currency_of(units)).split(n, mode).unwrap();
        let m = minors(&parts);
        prop_assert_eq!(m.len(), n);
        prop_assert_eq!(m.iter().sum::<i64>(), minor);
        let (lo, hi) = (*m.iter().min().unwrap(), *m.iter().max().unwrap());
        match mode {
            Remainder::LargestRemainder => prop_assert!(hi - lo <= 1),
            // The part taking the rest may carry up to n - 1 extra units.
            _ => prop_assert!(hi - lo < n as i64),
        }
    }

    #[test]
    fn amounts_with_more_decimals_are_rounded_half_up_before_splitting(
        thousandths in -1_000_000i64..1_000_000,
        n in 1usize..10,
    ) {
        // 2 decimal currency, amount given to the thousandth.
        let total = Money::new(Decimal::new(thousandths, 3), Currency::EUR);
        let parts = total.split(n, Remainder::LargestRemainder).unwrap();
        let rounded = total.round(RoundingMode::HalfUp).to_minor().unwrap();
        prop_assert_eq!(minors(&parts).iter().sum::<i64>(), rounded);
    }

    #[test]
    fn rounding_lands_on_the_minor_unit(
        mantissa in -1_000_000_000_000i64..1_000_000_000_000,
        scale in 0u32..10,
        units in prop_oneof![Just(0u8), Just(2u8), Just(3u8)],
        mode in prop_oneof![Just(RoundingMode::HalfUp), Just(RoundingMode::HalfEven), Just(RoundingMode::Down), Just(RoundingMode::Up)],
    ) {
        let m = Money::new(Decimal::new(mantissa, scale), currency_of(units));
        let r = m.round(mode);
        prop_assert_eq!(r.amount().scale(), u32::from(units));
        prop_assert!(r.is_in_minor_units());
        prop_assert!((r.amount() - m.amount()).abs() < m.currency().minor_unit());
        prop_assert!(!(r.is_zero() && r.amount().is_sign_negative()));
        // Idempotent.
        prop_assert_eq!(r.round(mode).to_string(), r.to_string());
    }

    #[test]
    fn currency_json_round_trips(units in 0u32..=8, code in "[A-Z]{3}") {
        let c = Currency::custom(&code, units).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        let back: Currency = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, c);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json.clone());
        prop_assert_eq!(c.is_iso(), Currency::from_str(&code).is_ok_and(|iso| iso == c));
        prop_assert_eq!(json.starts_with('"'), c.is_iso());
    }
}
