//! The payment-terms parser: any text either parses or is refused with an error, and
//! what parses keeps the promises of `PaymentTerms`: its canonical text parses back to
//! an equal value under either end-of-month convention, its JSON form reads back, and
//! a due schedule adds back to the amount to the cent.
#![no_main]

use encours_core::money::{Currency, Money};
use encours_core::terms::{EndOfMonthConvention, ParseOptions, PaymentTerms};
use encours_fuzz::{any_day, assert_json_round_trip, day};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Terms are a short phrase; longer inputs only slow the search.
    if data.len() > 256 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for convention in [
        EndOfMonthConvention::DaysThenEndOfMonth,
        EndOfMonthConvention::EndOfMonthThenDays,
    ] {
        let options = ParseOptions::new().with_end_of_month_convention(convention);
        let Ok(terms) = PaymentTerms::parse(text, &options) else {
            continue;
        };
        check(&terms, data);
    }
});

fn check(terms: &PaymentTerms, data: &[u8]) {
    let canonical = terms.to_string();
    for convention in [
        EndOfMonthConvention::DaysThenEndOfMonth,
        EndOfMonthConvention::EndOfMonthThenDays,
    ] {
        let options = ParseOptions::new().with_end_of_month_convention(convention);
        match PaymentTerms::parse(&canonical, &options) {
            Ok(again) => assert_eq!(
                &again, terms,
                "canonical text {canonical:?} reads back differently"
            ),
            Err(e) => panic!("canonical text {canonical:?} does not parse: {e}"),
        }
    }
    assert_json_round_trip(terms, "payment terms");

    // Dates: an ordinary one, and extremes derived from the input (errors, never panics).
    let seed = data
        .iter()
        .fold(0i32, |h, &b| h.wrapping_mul(31).wrapping_add(i32::from(b)));
    for invoice in [day(data.len() as u16), any_day(seed)] {
        let _ = terms.due_date(invoice);
        let _ = terms.lme_check(invoice);
        for (minor, currency) in [
            (100_000_i64, Currency::EUR),
            (7, Currency::JPY),
            (i64::MAX, Currency::KWD),
        ] {
            let amount = Money::from_minor(minor, currency);
            if let Ok(lines) = terms.due_schedule(invoice, Some(invoice), amount) {
                let mut total = Money::zero(currency);
                for line in &lines {
                    total = match total.checked_add(&line.amount) {
                        Ok(t) => t,
                        Err(e) => panic!("schedule of {amount} overflows adding back: {e}"),
                    };
                }
                assert_eq!(
                    total, amount,
                    "due schedule of {amount} does not add back: {lines:?}"
                );
            }
            let _ = terms.early_payment_discount(invoice, amount);
        }
    }
}
