//! Payment terms: parser, due dates, schedules, discounts and the LME check, with
//! hand-computed and published figures.

use chrono::{Datelike, Days, NaiveDate};
use encours_core::money::{Currency, Money};
use encours_core::terms::{
    DueRule, EarlyPaymentDiscount, EndOfMonthConvention, LmeCap, ParseOptions, PaymentTerms,
    TermsError, TermsLine,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dte() -> ParseOptions {
    ParseOptions::default()
}

fn etd() -> ParseOptions {
    ParseOptions::new().with_end_of_month_convention(EndOfMonthConvention::EndOfMonthThenDays)
}

fn parse(text: &str) -> PaymentTerms {
    PaymentTerms::parse(text, &dte()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn parse_err(text: &str) -> String {
    PaymentTerms::parse(text, &dte()).unwrap_err().to_string()
}

fn eur(text: &str) -> Money {
    Money::parse(text, Currency::EUR).unwrap()
}

fn rule(text: &str) -> DueRule {
    let terms = parse(text);
    assert_eq!(terms.lines().len(), 1, "{text}");
    terms.lines()[0].due
}

// ---------------------------------------------------------------------------------
// Parser

#[test]
fn parses_what_people_type_into_the_canonical_form() {
    let cases = [
        ("net 30", "net 30"),
        ("NET30", "net 30"),
        ("Net 30 days", "net 30"),
        ("30 days", "net 30"),
        ("30 jours", "net 30"),
        ("30 j net", "net 30"),
        ("30J NET", "net 30"),
        ("30 jours nets", "net 30"),
        ("n/30", "net 30"),
        ("net 30.", "net 30"),
        ("100% net 30", "net 30"),
        ("net 0", "net 0"),
        ("30 jours date de facture", "net 30"),
        ("60 days from invoice date", "net 60"),
        ("Net 10 EOM", "end of month + 10 days"),
        ("net EOM 10", "end of month + 10 days"),
        ("net eom", "end of month"),
        ("45 days end of month", "45 days then end of month"),
        ("45 jours fin de mois", "45 days then end of month"),
        ("45 Jours Fin De Mois", "45 days then end of month"),
        ("45j fdm", "45 days then end of month"),
        ("45 days EOM", "45 days then end of month"),
        ("45 days end of the month", "45 days then end of month"),
        ("45 days then end of month", "45 days then end of month"),
        ("45 jours puis fin de mois", "45 days then end of month"),
        ("45 days after end of month", "end of month + 45 days"),
        ("end of month + 10", "end of month + 10 days"),
        ("fin de mois + 10", "end of month + 10 days"),
        ("fin de mois +10 jours", "end of month + 10 days"),
        ("end of month 45", "end of month + 45 days"),
        ("fin de mois 45", "end of month + 45 days"),
        ("fin du mois 45 jours", "end of month + 45 days"),
        ("end of month then 45 days", "end of month + 45 days"),
        ("end of the month", "end of month"),
        ("fin de mois", "end of month"),
        ("fin de mois le 10", "end of month on the 10th"),
        ("le 10 du mois suivant", "end of month on the 10th"),
        ("End of month on the 10th", "end of month on the 10th"),
        (
            "end of month on the 10th of the following month",
            "end of month on the 10th",
        ),
        ("fin de mois le 1er", "end of month on the 1st"),
        (
            "30 jours fin de mois le 10",
            "30 days then end of month on the 10th",
        ),
        ("due on receipt", "on receipt"),
        ("Due upon receipt", "on receipt"),
        ("à réception", "on receipt"),
        ("a reception", "on receipt"),
        ("À RÉCEPTION DE FACTURE", "on receipt"),
        ("payable dès réception de la facture", "on receipt"),
        ("comptant", "on receipt"),
        ("paiement comptant", "on receipt"),
        ("at order", "at order"),
        ("à la commande", "at order"),
        ("2/10 net 30", "2/10 net 30"),
        ("2/10, net 30", "2/10 net 30"),
        ("2/10 n/30", "2/10 net 30"),
        ("2% 10 net 30", "2/10 net 30"),
        ("2 % 10 jours net 30", "2/10 net 30"),
        ("2% 10 days, net 30", "2/10 net 30"),
        ("1.5/15 net 45", "1.5/15 net 45"),
        ("30% at order, 70% at 60 days", "30% at order, 70% net 60"),
        (
            "30 % à la commande, 70 % à 60 jours",
            "30% at order, 70% net 60",
        ),
        (
            "30\u{a0}% à la commande, 70\u{a0}% à 60\u{a0}jours",
            "30% at order, 70% net 60",
        ),
        (
            "30% à la commande, solde à 60 jours",
            "30% at order, 70% net 60",
        ),
        ("30%  at  order ;70% net 60.", "30% at order, 70% net 60"),
        ("70% 60 days, 30% at order", "70% net 60, 30% at order"),
        (
            "50% à réception et 50% à 30 jours fin de mois",
            "50% on receipt, 50% 30 days then end of month",
        ),
        (
            "33,33 % à 30 jours, 33,33 % à 60 jours, solde à 90 jours",
            "33.33% net 30, 33.33% net 60, 33.34% net 90",
        ),
        (
            "2/10 30% at order, 70% net 60",
            "2/10 30% at order, 70% net 60",
        ),
    ];
    for (text, canonical) in cases {
        let terms = parse(text);
        assert_eq!(terms.to_string(), canonical, "{text}");
        assert_eq!(parse(canonical), terms, "{canonical}");
    }
}

#[test]
fn parsed_values_are_the_expected_rules() {
    assert_eq!(rule("30 j net"), DueRule::Net { days: 30 });
    assert_eq!(rule("comptant"), DueRule::OnReceipt);
    assert_eq!(rule("à la commande"), DueRule::AtOrder);
    assert_eq!(
        rule("fin de mois le 10"),
        DueRule::EndOfMonthOnDay { days: 0, day: 10 }
    );
    let terms = parse("2% 10 net 30");
    assert_eq!(
        terms.discount(),
        Some(&EarlyPaymentDiscount {
            percent: Decimal::TWO,
            days: 10
        })
    );
    assert_eq!(terms.lines()[0].due, DueRule::Net { days: 30 });
    let split = parse("30 % à la commande, 70 % à 60 jours");
    assert_eq!(
        split.lines(),
        [
            TermsLine {
                share: Decimal::from(30),
                due: DueRule::AtOrder
            },
            TermsLine {
                share: Decimal::from(70),
                due: DueRule::Net { days: 60 }
            },
        ]
    );
}

#[test]
fn the_ambiguous_end_of_month_form_follows_the_chosen_convention() {
    for text in [
        "45 days end of month",
        "45 jours fin de mois",
        "45 j fdm",
        "45 days eom",
    ] {
        assert_eq!(
            PaymentTerms::parse(text, &dte()).unwrap().lines()[0].due,
            DueRule::DaysThenEndOfMonth { days: 45 },
            "{text}"
        );
        assert_eq!(
            PaymentTerms::parse(text, &etd()).unwrap().lines()[0].due,
            DueRule::EndOfMonthThenDays { days: 45 },
            "{text}"
        );
    }
    // Explicit forms ignore the option.
    for options in [dte(), etd()] {
        let p = |t| PaymentTerms::parse(t, &options).unwrap().lines()[0].due;
        assert_eq!(
            p("45 days then end of month"),
            DueRule::DaysThenEndOfMonth { days: 45 }
        );
        assert_eq!(
            p("end of month 45"),
            DueRule::EndOfMonthThenDays { days: 45 }
        );
        assert_eq!(
            p("fin de mois + 10"),
            DueRule::EndOfMonthThenDays { days: 10 }
        );
        assert_eq!(
            p("30 jours fin de mois le 10"),
            DueRule::EndOfMonthOnDay { days: 30, day: 10 }
        );
    }
    assert_eq!(
        ParseOptions::default().end_of_month_convention,
        EndOfMonthConvention::DaysThenEndOfMonth
    );
}

#[test]
fn parse_errors_name_the_token_its_column_and_what_was_expected() {
    let cases = [
        (
            "",
            "invalid payment terms \"\": unexpected end at column 1, expected payment terms such as \"net 30\"",
        ),
        (
            "net",
            "invalid payment terms \"net\": unexpected end at column 4, expected a whole number of days",
        ),
        (
            "net thirty",
            "invalid payment terms \"net thirty\": unexpected \"thirty\" at column 5, expected a whole number of days",
        ),
        (
            "net 30.5",
            "invalid payment terms \"net 30.5\": unexpected \"30.5\" at column 5, expected a whole number of days",
        ),
        (
            "net 99999999999",
            "invalid payment terms \"net 99999999999\": unexpected \"99999999999\" at column 5, expected a whole number of days",
        ),
        (
            "30",
            "invalid payment terms \"30\": unexpected end at column 3, expected \"days\" or \"jours\" after the number",
        ),
        (
            "45 jours fin de moi",
            "invalid payment terms \"45 jours fin de moi\": unexpected \"moi\" at column 17, expected \"end of month\" or \"fin de mois\"",
        ),
        (
            "net 30 days foo",
            "invalid payment terms \"net 30 days foo\": unexpected \"foo\" at column 13, expected the end of the terms, or \",\" before another line",
        ),
        (
            "30% at order, 70%",
            "invalid payment terms \"30% at order, 70%\": unexpected end at column 18, expected a due rule such as \"net 30\", \"45 days end of month\", \"on receipt\" or \"at order\"",
        ),
        (
            "30% at order, net 60",
            "invalid payment terms \"30% at order, net 60\": unexpected \"net\" at column 15, expected a share such as \"30%\" (every line of split terms needs one)",
        ),
        (
            "solde à la commande, solde net 30",
            "invalid payment terms \"solde à la commande, solde net 30\": unexpected \"solde\" at column 22, expected a share such as \"30%\" (only one line may be the balance)",
        ),
        (
            "net 30 €",
            "invalid payment terms \"net 30 €\": unexpected \"€\" at column 8, expected a word, a number or one of % / + , ; .",
        ),
        (
            "fin de mois le 32",
            "invalid payment terms \"fin de mois le 32\": unexpected \"32\" at column 16, expected a day of the month from 1 to 31",
        ),
        (
            "à la maison",
            "invalid payment terms \"à la maison\": unexpected \"maison\" at column 6, expected \"commande\"",
        ),
        (
            "Net 30, ",
            "invalid payment terms \"Net 30, \": unexpected end at column 9, expected a due rule such as \"net 30\", \"45 days end of month\", \"on receipt\" or \"at order\"",
        ),
        (
            "30 jours date de fact",
            "invalid payment terms \"30 jours date de fact\": unexpected \"fact\" at column 18, expected \"from invoice date\" or \"date de facture\"",
        ),
        (
            "upon delivery",
            "invalid payment terms \"upon delivery\": unexpected \"delivery\" at column 6, expected a due rule such as \"net 30\", \"45 days end of month\", \"on receipt\" or \"at order\"",
        ),
        (
            "30 % à la commande, 60 % à 60 jours",
            "shares of payment terms sum to 90%: expected exactly 100%",
        ),
        (
            "50% net 30",
            "shares of payment terms sum to 50%: expected exactly 100%",
        ),
        (
            "60% à la commande, 40% à 30 jours, solde à 60 jours",
            "shares before the balance line of payment terms sum to 100%: expected less than 100%",
        ),
        (
            "0% at order, 100% net 30",
            "invalid share 0% on line 1 of payment terms: expected more than 0% and at most 100%",
        ),
        (
            "100/10 net 30",
            "invalid early-payment discount of 100%: expected more than 0% and less than 100%",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(parse_err(text), message, "{text}");
    }
    // The error is data too.
    assert_eq!(
        PaymentTerms::parse("net x", &dte()).unwrap_err(),
        TermsError::UnexpectedToken {
            text: "net x".into(),
            token: "x".into(),
            column: 5,
            expected: "a whole number of days",
        }
    );
    assert_eq!(
        PaymentTerms::parse("40% at order, 70% net 30", &dte()).unwrap_err(),
        TermsError::SharesNotHundred {
            total: Decimal::from(110)
        }
    );
}

// ---------------------------------------------------------------------------------
// Due dates

#[test]
fn due_dates_computed_by_hand() {
    let inv = d(2024, 1, 15);
    let due = |r: DueRule| r.due_date(inv, None).unwrap();
    // 15 Jan + 45 days = 29 Feb 2024 (16 days to 31 Jan, 29 in February), already a month end.
    assert_eq!(
        due(DueRule::DaysThenEndOfMonth { days: 45 }),
        d(2024, 2, 29)
    );
    // 31 Jan + 45 days = 16 Mar 2024 (29 days of February, then 16).
    assert_eq!(
        due(DueRule::EndOfMonthThenDays { days: 45 }),
        d(2024, 3, 16)
    );
    assert_eq!(due(DueRule::Net { days: 30 }), d(2024, 2, 14));
    assert_eq!(due(DueRule::Net { days: 60 }), d(2024, 3, 15));
    assert_eq!(
        due(DueRule::EndOfMonthThenDays { days: 10 }),
        d(2024, 2, 10)
    );
    assert_eq!(due(DueRule::EndOfMonthThenDays { days: 0 }), d(2024, 1, 31));
    assert_eq!(
        due(DueRule::DaysThenEndOfMonth { days: 60 }),
        d(2024, 3, 31)
    );
    assert_eq!(due(DueRule::OnReceipt), inv);
    assert_eq!(due(DueRule::AtOrder), inv);
    assert_eq!(
        DueRule::AtOrder
            .due_date(inv, Some(d(2023, 12, 20)))
            .unwrap(),
        d(2023, 12, 20)
    );
    // 15 Jan + 30 = 14 Feb, end of February 2024 = 29 Feb, then the 10th of March.
    assert_eq!(
        due(DueRule::EndOfMonthOnDay { days: 30, day: 10 }),
        d(2024, 3, 10)
    );
    assert_eq!(
        due(DueRule::EndOfMonthOnDay { days: 0, day: 31 }),
        d(2024, 2, 29)
    );
    assert_eq!(
        DueRule::EndOfMonthOnDay { days: 0, day: 10 }
            .due_date(d(2024, 12, 5), None)
            .unwrap(),
        d(2025, 1, 10)
    );
}

#[test]
fn published_examples_of_45_days_end_of_month() {
    // fnaseph.org, "Paiement à 45 jours fin de mois": invoice of 10 March; + 45 days =
    // 24 April, end of month 30 April; end of March + 45 days = 15 May.
    let inv = d(2025, 3, 10);
    assert_eq!(
        DueRule::DaysThenEndOfMonth { days: 45 }
            .due_date(inv, None)
            .unwrap(),
        d(2025, 4, 30)
    );
    assert_eq!(
        DueRule::EndOfMonthThenDays { days: 45 }
            .due_date(inv, None)
            .unwrap(),
        d(2025, 5, 15)
    );
    // solon.law, "Délais de paiement : comment calculer la fin de mois" (27 Oct 2023):
    // invoice of 15 January, the 45 days expire on 1 March, payment at month end 31 March
    // (a non-leap year).
    assert_eq!(
        DueRule::DaysThenEndOfMonth { days: 45 }
            .due_date(d(2023, 1, 15), None)
            .unwrap(),
        d(2023, 3, 31)
    );
}

#[test]
fn end_of_month_in_leap_and_century_years() {
    let eom = DueRule::EndOfMonthThenDays { days: 0 };
    assert_eq!(eom.due_date(d(2024, 2, 1), None).unwrap(), d(2024, 2, 29));
    assert_eq!(eom.due_date(d(2023, 2, 1), None).unwrap(), d(2023, 2, 28));
    // 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
    assert_eq!(eom.due_date(d(2100, 2, 1), None).unwrap(), d(2100, 2, 28));
    assert_eq!(eom.due_date(d(2000, 2, 1), None).unwrap(), d(2000, 2, 29));
    assert_eq!(
        DueRule::DaysThenEndOfMonth { days: 10 }
            .due_date(d(2100, 2, 10), None)
            .unwrap(),
        d(2100, 2, 28)
    );
    assert_eq!(
        DueRule::EndOfMonthOnDay { days: 0, day: 30 }
            .due_date(d(2100, 1, 31), None)
            .unwrap(),
        d(2100, 2, 28)
    );
    // 31 Dec + 0 days: the year changes cleanly.
    assert_eq!(
        DueRule::EndOfMonthThenDays { days: 1 }
            .due_date(d(2024, 12, 15), None)
            .unwrap(),
        d(2025, 1, 1)
    );
}

#[test]
fn out_of_range_dates_are_errors_not_panics() {
    let err = PaymentTerms::net(u32::MAX)
        .due_date(d(2024, 1, 15))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "date out of range computing + 4294967295 days from 2024-01-15: expected a result within the dates chrono represents"
    );
    let last = NaiveDate::MAX;
    for r in [
        DueRule::Net { days: 1 },
        DueRule::DaysThenEndOfMonth { days: 1 },
        DueRule::EndOfMonthThenDays { days: 1 },
        DueRule::EndOfMonthOnDay { days: 0, day: 1 },
    ] {
        assert!(
            matches!(
                r.due_date(last, None),
                Err(TermsError::DateOutOfRange { .. })
            ),
            "{r}"
        );
    }
    assert!(PaymentTerms::net(30).lme_check(last).is_err());
    assert!(
        parse("2/10 net 0")
            .early_payment_discount(last, eur("1"))
            .is_err()
    );
}

// ---------------------------------------------------------------------------------
// Schedules

#[test]
fn split_of_1000_01_adds_to_the_cent_with_the_remainder_last() {
    let terms = parse("30% at order, 70% at 60 days");
    let schedule = terms
        .due_schedule(d(2024, 1, 15), Some(d(2024, 1, 2)), eur("1000.01"))
        .unwrap();
    let shown: Vec<(NaiveDate, String, usize)> = schedule
        .iter()
        .map(|l| (l.due_date, l.amount.to_string(), l.line_index))
        .collect();
    // 30 % of 1000.01 = 300.003 → 300.00; 70 % = 700.007 → 700.00, plus the cent left.
    assert_eq!(
        shown,
        [
            (d(2024, 1, 2), "300.00 EUR".to_owned(), 0),
            (d(2024, 3, 15), "700.01 EUR".to_owned(), 1),
        ]
    );
}

#[test]
fn schedule_is_sorted_by_date_and_keeps_line_order_on_ties() {
    let terms = parse("40% net 60, 30% on receipt, 30% at order");
    let s = terms
        .due_schedule(d(2024, 1, 15), None, eur("100.00"))
        .unwrap();
    let order: Vec<usize> = s.iter().map(|l| l.line_index).collect();
    assert_eq!(order, [1, 2, 0]);
    assert_eq!(
        s.iter().map(|l| l.amount.to_string()).collect::<Vec<_>>(),
        ["30.00 EUR", "30.00 EUR", "40.00 EUR"]
    );
    // An order placed after the invoice comes last.
    let s = terms
        .due_schedule(d(2024, 1, 15), Some(d(2024, 6, 1)), eur("100.00"))
        .unwrap();
    assert_eq!(
        s.iter().map(|l| l.line_index).collect::<Vec<_>>(),
        [1, 0, 2]
    );
}

#[test]
fn schedule_in_zero_and_three_decimal_currencies() {
    let terms = parse("33,33 % à 30 jours, 33,33 % à 60 jours, solde à 90 jours");
    let yen = terms
        .due_schedule(d(2024, 1, 15), None, Money::from_minor(1000, Currency::JPY))
        .unwrap();
    // 333.3 → 333, 333.3 → 333, 333.4 → 333 + the 1 yen left on the last line.
    assert_eq!(
        yen.iter()
            .map(|l| l.amount.to_minor().unwrap())
            .collect::<Vec<_>>(),
        [333, 333, 334]
    );
    let kwd = parse("30% at order, 70% net 60")
        .due_schedule(d(2024, 1, 15), None, Money::from_minor(1, Currency::KWD))
        .unwrap();
    assert_eq!(
        kwd.iter()
            .map(|l| l.amount.to_minor().unwrap())
            .collect::<Vec<_>>(),
        [0, 1]
    );
}

#[test]
fn amounts_below_the_minor_unit_are_refused() {
    let err = PaymentTerms::net(30)
        .due_schedule(d(2024, 1, 15), None, eur("1000.005"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "amount 1000.005 EUR has digits below the minor unit of its currency: expected an amount rounded to the minor unit"
    );
    assert!(matches!(
        parse("2/10 net 30").early_payment_discount(d(2024, 1, 15), eur("1.001")),
        Err(TermsError::AmountNotInMinorUnits { .. })
    ));
}

#[test]
fn due_date_is_the_last_line_due() {
    let terms = parse("30% à la commande, 70% à 45 jours fin de mois");
    assert_eq!(terms.due_date(d(2024, 1, 15)).unwrap(), d(2024, 2, 29));
    assert_eq!(
        parse("comptant").due_date(d(2024, 1, 15)).unwrap(),
        d(2024, 1, 15)
    );
}

// ---------------------------------------------------------------------------------
// Discounts

#[test]
fn two_ten_net_thirty_on_1000() {
    let terms = parse("2/10 net 30");
    let disc = terms
        .early_payment_discount(d(2024, 1, 15), eur("1000.00"))
        .unwrap()
        .unwrap();
    assert_eq!(disc.deadline, d(2024, 1, 25));
    assert_eq!(disc.percent, Decimal::TWO);
    assert_eq!(disc.amount, eur("20.00"));
    assert_eq!(disc.net_payable, eur("980.00"));
    assert_eq!(terms.due_date(d(2024, 1, 15)).unwrap(), d(2024, 2, 14));
}

#[test]
fn discounts_round_half_up_and_add_back() {
    let cases = [
        // 2 % of 1234.56 = 24.6912
        ("2/10 net 30", "1234.56", "24.69", "1209.87"),
        // 2 % of 0.25 = 0.005: half up
        ("2/10 net 30", "0.25", "0.01", "0.24"),
        // 1.5 % of 100.10 = 1.5015
        ("1.5/15 net 45", "100.10", "1.50", "98.60"),
        // 3 % of 0.50 = 0.015: half up
        ("3/10 net 30", "0.50", "0.02", "0.48"),
    ];
    for (text, amount, discount, net) in cases {
        let disc = parse(text)
            .early_payment_discount(d(2024, 1, 15), eur(amount))
            .unwrap()
            .unwrap();
        assert_eq!(
            (disc.amount, disc.net_payable),
            (eur(discount), eur(net)),
            "{text} on {amount}"
        );
    }
    let yen = parse("2/10 net 30")
        .early_payment_discount(d(2024, 1, 15), Money::from_minor(1025, Currency::JPY))
        .unwrap()
        .unwrap();
    // 2 % of 1025 = 20.5 → 21
    assert_eq!(yen.amount, Money::from_minor(21, Currency::JPY));
    assert_eq!(yen.net_payable, Money::from_minor(1004, Currency::JPY));
}

// ---------------------------------------------------------------------------------
// LME (Code de commerce L441-10 I)

#[test]
fn lme_edge_cases() {
    let inv = d(2024, 1, 15);
    let check = |text: &str, options: &ParseOptions| {
        PaymentTerms::parse(text, options)
            .unwrap()
            .lme_check(inv)
            .unwrap()
    };

    let net60 = check("net 60", &dte());
    assert!(net60.compliant);
    assert_eq!(net60.reasons[0].cap, LmeCap::SixtyDaysFromInvoice);
    assert_eq!(net60.reasons[0].days_from_invoice, 60);
    assert_eq!(net60.reasons[0].cap_date, d(2024, 3, 15));

    // 16 March 2024 is within the 45-days-end-of-month limit (end of Jan + 45), but
    // "net 61" stipulates no end-of-month term, so the 60-day cap applies.
    let net61 = check("net 61", &dte());
    assert!(!net61.compliant);
    assert_eq!(net61.reasons[0].cap, LmeCap::SixtyDaysFromInvoice);
    assert_eq!(net61.reasons[0].days_over, 1);

    // Both readings of 45 days end of month, within 60 days here.
    let dte45 = check("45 jours fin de mois", &dte());
    assert!(dte45.compliant);
    assert_eq!(dte45.reasons[0].due_date, d(2024, 2, 29));
    assert_eq!(dte45.reasons[0].cap, LmeCap::SixtyDaysFromInvoice);
    let etd45 = check("45 jours fin de mois", &etd());
    assert!(etd45.compliant);
    assert_eq!(etd45.reasons[0].days_from_invoice, 61);
    assert_eq!(
        etd45.reasons[0].cap,
        LmeCap::FortyFiveDaysEndOfMonth {
            reading: EndOfMonthConvention::EndOfMonthThenDays
        }
    );
    assert!(check("end of month 45", &dte()).compliant);

    // 60 days end of month: 31 March, past every cap; the most permissive is
    // end of January + 45 days = 16 March.
    let sixty = check("60 jours fin de mois", &dte());
    assert!(!sixty.compliant);
    let r = &sixty.reasons[0];
    assert_eq!(
        (r.due_date, r.days_from_invoice, r.cap_date, r.days_over),
        (d(2024, 3, 31), 76, d(2024, 3, 16), 15)
    );
    assert_eq!(
        r.cap,
        LmeCap::FortyFiveDaysEndOfMonth {
            reading: EndOfMonthConvention::EndOfMonthThenDays
        }
    );
    assert!(!check("end of month 60", &dte()).compliant);
}

#[test]
fn lme_45_days_end_of_month_beyond_60_days() {
    // Invoice 15 January 2023: 45 days → 1 March → end of month 31 March, 75 days; legal
    // only through the derogation, first reading.
    let check = parse("45 days end of month")
        .lme_check(d(2023, 1, 15))
        .unwrap();
    assert!(check.compliant);
    let r = &check.reasons[0];
    assert_eq!((r.due_date, r.days_from_invoice), (d(2023, 3, 31), 75));
    assert_eq!(
        r.cap,
        LmeCap::FortyFiveDaysEndOfMonth {
            reading: EndOfMonthConvention::DaysThenEndOfMonth
        }
    );
    assert_eq!(check.limits.sixty_days, d(2023, 3, 16));
    assert_eq!(check.limits.days_then_end_of_month, d(2023, 3, 31));
    assert_eq!(check.limits.end_of_month_then_days, d(2023, 3, 17));
    // An invoice on the last day of the month: 60 days end of month happens to be
    // within 60 days (31 Jan 2024 + 60 = 31 Mar 2024).
    assert!(
        parse("60 jours fin de mois")
            .lme_check(d(2024, 1, 31))
            .unwrap()
            .compliant
    );
}

#[test]
fn lme_reports_every_line() {
    let check = parse("30% à la commande, 70% à 90 jours")
        .lme_check(d(2024, 1, 15))
        .unwrap();
    assert!(!check.compliant);
    assert_eq!(check.reasons.len(), 2);
    assert!(check.reasons[0].compliant);
    assert_eq!(check.reasons[0].days_from_invoice, 0);
    assert!(!check.reasons[1].compliant);
    assert_eq!(check.reasons[1].line_index, 1);
    assert_eq!(check.reasons[1].days_over, 30);
    let json = serde_json::to_value(check.reasons[1]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "line_index": 1,
            "rule": {"rule": "net", "days": 90},
            "due_date": "2024-04-14",
            "days_from_invoice": 90,
            "cap": {"cap": "sixty_days_from_invoice"},
            "cap_date": "2024-03-15",
            "compliant": false,
            "days_over": 30
        })
    );
}

// ---------------------------------------------------------------------------------
// Serde

#[test]
fn serialized_form_is_the_documented_one() {
    let json = r#"{"lines":[{"share":"30","due":{"rule":"at_order"}},{"share":"70","due":{"rule":"days_then_end_of_month","days":45}}],"discount":{"percent":"2","days":10}}"#;
    let terms: PaymentTerms = serde_json::from_str(json).unwrap();
    assert_eq!(terms, parse("2/10 30% at order, 70% 45 days end of month"));
    assert_eq!(serde_json::to_string(&terms).unwrap(), json);
    let others = [
        (r#"{"rule":"on_receipt"}"#, DueRule::OnReceipt),
        (r#"{"rule":"net","days":30}"#, DueRule::Net { days: 30 }),
        (
            r#"{"rule":"end_of_month_then_days","days":45}"#,
            DueRule::EndOfMonthThenDays { days: 45 },
        ),
        (
            r#"{"rule":"end_of_month_on_day","days":0,"day":10}"#,
            DueRule::EndOfMonthOnDay { days: 0, day: 10 },
        ),
    ];
    for (json, rule) in others {
        assert_eq!(serde_json::to_string(&rule).unwrap(), json);
        assert_eq!(serde_json::from_str::<DueRule>(json).unwrap(), rule);
    }
    // Non-normalized percentages are stored normalized.
    let t: PaymentTerms =
        serde_json::from_str(r#"{"lines":[{"share":"100.00","due":{"rule":"net","days":30}}]}"#)
            .unwrap();
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}]}"#
    );
}

#[test]
fn deserializing_validates() {
    let bad = [
        (
            r#"{"lines":[{"share":"30","due":{"rule":"at_order"}},{"share":"60","due":{"rule":"net","days":60}}]}"#,
            "shares of payment terms sum to 90%: expected exactly 100%",
        ),
        (
            r#"{"lines":[]}"#,
            "payment terms have no line: expected at least one",
        ),
        (
            r#"{"lines":[{"share":"100","due":{"rule":"end_of_month_on_day","days":0,"day":40}}]}"#,
            "invalid day of month 40 in due rule \"end of month on the 40th\": expected 1 to 31",
        ),
        (
            r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"discount":{"percent":"0","days":10}}"#,
            "invalid early-payment discount of 0%: expected more than 0% and less than 100%",
        ),
    ];
    for (json, message) in bad {
        let err = serde_json::from_str::<PaymentTerms>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(message), "{err}");
    }
    assert!(
        serde_json::from_str::<PaymentTerms>(
            r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"discont":null}"#
        )
        .is_err()
    );
}

// ---------------------------------------------------------------------------------
// Properties

fn arb_rule() -> impl Strategy<Value = DueRule> {
    prop_oneof![
        Just(DueRule::OnReceipt),
        Just(DueRule::AtOrder),
        (0u32..3000).prop_map(|days| DueRule::Net { days }),
        (0u32..3000).prop_map(|days| DueRule::DaysThenEndOfMonth { days }),
        (0u32..3000).prop_map(|days| DueRule::EndOfMonthThenDays { days }),
        (0u32..3000, 1u8..=31).prop_map(|(days, day)| DueRule::EndOfMonthOnDay { days, day }),
    ]
}

/// Shares in hundredths of a percent, cut at distinct points so each is positive and
/// they add up to exactly 100.
fn arb_terms() -> impl Strategy<Value = PaymentTerms> {
    (
        prop::collection::btree_set(1i64..10_000, 0..5),
        prop::collection::vec(arb_rule(), 6),
        prop::option::of((1i64..10_000, 0u32..400)),
        any::<bool>(),
    )
        .prop_map(|(cuts, rules, discount, whole)| {
            let mut points: Vec<i64> = vec![0];
            points.extend(cuts.iter().map(|c| if whole { c / 100 * 100 } else { *c }));
            points.push(10_000);
            points.dedup();
            let lines = points
                .windows(2)
                .zip(&rules)
                .filter(|(w, _)| w[1] > w[0])
                .map(|(w, rule)| TermsLine {
                    share: Decimal::new(w[1] - w[0], 2),
                    due: *rule,
                })
                .collect();
            let discount = discount.map(|(bp, days)| EarlyPaymentDiscount {
                percent: Decimal::new(bp, 2),
                days,
            });
            PaymentTerms::new(lines, discount).unwrap()
        })
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    // 1900-01-01 to about 2199-12-31.
    (0u64..109_572).prop_map(|n| d(1900, 1, 1).checked_add_days(Days::new(n)).unwrap())
}

proptest! {
    #[test]
    fn display_parses_back_to_the_same_terms(terms in arb_terms()) {
        let text = terms.to_string();
        for options in [dte(), etd()] {
            let back = PaymentTerms::parse(&text, &options);
            prop_assert_eq!(back.as_ref(), Ok(&terms), "{}", text);
        }
    }

    #[test]
    fn serde_round_trips_exactly(terms in arb_terms()) {
        let json = serde_json::to_string(&terms).unwrap();
        let back: PaymentTerms = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &terms);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn schedule_amounts_always_sum_to_the_total(
        terms in arb_terms(),
        invoice in arb_date(),
        order in prop::option::of(arb_date()),
        minor in -1_000_000_000_000i64..1_000_000_000_000,
        units in 0u32..4,
    ) {
        let cur = Currency::custom("TST", units).unwrap();
        let total = Money::from_minor(minor, cur);
        let schedule = terms.due_schedule(invoice, order, total).unwrap();
        prop_assert_eq!(schedule.len(), terms.lines().len());
        let sum = schedule.iter().try_fold(Money::zero(cur), |a, l| a.checked_add(&l.amount)).unwrap();
        prop_assert_eq!(sum, total);
        for pair in schedule.windows(2) {
            prop_assert!(pair[0].due_date <= pair[1].due_date);
        }
        for line in &schedule {
            prop_assert!(line.amount.is_in_minor_units());
            prop_assert_eq!(line.due_date, terms.lines()[line.line_index].due.due_date(invoice, order).unwrap());
        }
    }

    #[test]
    fn discount_and_net_add_back_exactly(
        terms in arb_terms(),
        invoice in arb_date(),
        minor in 0i64..1_000_000_000_000,
    ) {
        let amount = Money::from_minor(minor, Currency::EUR);
        match (terms.discount(), terms.early_payment_discount(invoice, amount).unwrap()) {
            (None, None) => {}
            (Some(spec), Some(disc)) => {
                prop_assert_eq!(disc.amount.checked_add(&disc.net_payable).unwrap(), amount);
                prop_assert!(disc.amount.is_in_minor_units());
                let exact = amount.amount() * spec.percent / Decimal::ONE_HUNDRED;
                prop_assert!((disc.amount.amount() - exact).abs() <= Decimal::new(5, 3));
                prop_assert_eq!(disc.deadline, invoice + Days::new(u64::from(spec.days)));
            }
            (spec, disc) => prop_assert!(false, "{:?} {:?}", spec, disc),
        }
    }

    #[test]
    fn end_of_month_rules_land_where_they_should(invoice in arb_date(), days in 0u32..400) {
        let plus = invoice + Days::new(u64::from(days));
        let dte = DueRule::DaysThenEndOfMonth { days }.due_date(invoice, None).unwrap();
        prop_assert_eq!((dte.year(), dte.month()), (plus.year(), plus.month()));
        prop_assert_ne!(dte.succ_opt().unwrap().month(), dte.month());
        let etd = DueRule::EndOfMonthThenDays { days }.due_date(invoice, None).unwrap();
        let eom = DueRule::EndOfMonthThenDays { days: 0 }.due_date(invoice, None).unwrap();
        prop_assert_eq!(etd, eom + Days::new(u64::from(days)));
        prop_assert_eq!((eom.year(), eom.month()), (invoice.year(), invoice.month()));
        prop_assert_eq!(eom.succ_opt().unwrap().day(), 1);
    }

    #[test]
    fn lme_caps_hold_for_every_invoice_date(invoice in arb_date(), days in 0u32..=60, over in 61u32..400) {
        prop_assert!(PaymentTerms::net(days).lme_check(invoice).unwrap().compliant);
        prop_assert!(!PaymentTerms::net(over).lme_check(invoice).unwrap().compliant);
        let within_45 = days.min(45);
        for rule in [
            DueRule::DaysThenEndOfMonth { days: within_45 },
            DueRule::EndOfMonthThenDays { days: within_45 },
            DueRule::EndOfMonthOnDay { days: 0, day: 31 },
        ] {
            prop_assert!(PaymentTerms::single(rule).unwrap().lme_check(invoice).unwrap().compliant, "{}", rule);
        }
    }

    #[test]
    fn lme_end_of_month_rules_match_an_independent_oracle(invoice in arb_date(), days in 0u32..200, day in 1u8..=31) {
        // End of month by walking day by day: a second implementation to compare with.
        let eom = |mut x: NaiveDate| { while x.succ_opt().unwrap().month() == x.month() { x = x.succ_opt().unwrap(); } x };
        let plus = |x: NaiveDate, n: u64| x + Days::new(n);
        let cap = plus(invoice, 60).max(eom(plus(invoice, 45))).max(plus(eom(invoice), 45));
        for rule in [
            DueRule::DaysThenEndOfMonth { days },
            DueRule::EndOfMonthThenDays { days },
            DueRule::EndOfMonthOnDay { days, day },
        ] {
            let due = rule.due_date(invoice, None).unwrap();
            let check = PaymentTerms::single(rule).unwrap().lme_check(invoice).unwrap();
            prop_assert_eq!(check.compliant, due <= cap, "{} from {}", rule, invoice);
            let r = &check.reasons[0];
            if check.compliant {
                prop_assert_eq!(r.days_over, 0);
                prop_assert!(r.due_date <= r.cap_date);
            } else {
                prop_assert_eq!(r.cap_date, cap);
                prop_assert_eq!(r.days_over, due.signed_duration_since(cap).num_days());
            }
        }
    }
}

/// Issue 11: "10th prox." (English commercial usage, *proximo*: the 10th of the month
/// after the invoice month) reads as "le 10 du mois suivant".
#[test]
fn tenth_proximo_is_the_tenth_of_the_following_month() {
    use encours_core::terms::{DueRule, ParseOptions, PaymentTerms};
    let o = ParseOptions::default();
    for text in ["10th prox.", "10th prox", "10 proximo", "due 10th prox."] {
        let terms = PaymentTerms::parse(text, &o).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            terms.lines()[0].due,
            DueRule::EndOfMonthOnDay { days: 0, day: 10 },
            "{text}"
        );
    }
    assert_eq!(
        PaymentTerms::parse("10th prox.", &o).unwrap(),
        PaymentTerms::parse("le 10 du mois suivant", &o).unwrap()
    );
    let due = PaymentTerms::parse("10th prox.", &o)
        .unwrap()
        .due_date(chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
        .unwrap();
    assert_eq!(due.to_string(), "2024-02-10");
}

/// Issue 11: split lines rounded half up with the remainder on the last line, as ERPs
/// print them (1,000.03 EUR in quarters: 250.01 x 3 + 250.00); truncation kept.
#[test]
fn split_terms_round_half_up_with_the_remainder_on_the_last_line() {
    use encours_core::money::{Currency, Money};
    use encours_core::terms::{PaymentTerms, SplitRounding};
    let terms: PaymentTerms = "25% net 30, 25% net 60, 25% net 90, 25% net 120"
        .parse()
        .unwrap();
    let invoice = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    let amount = Money::parse("1000.03", Currency::EUR).unwrap();
    let amounts = |r| -> Vec<String> {
        terms
            .due_schedule_with(invoice, None, amount, r)
            .unwrap()
            .iter()
            .map(|l| l.amount.to_string())
            .collect()
    };
    assert_eq!(
        amounts(SplitRounding::HalfUpRemainderOnLast),
        ["250.01 EUR", "250.01 EUR", "250.01 EUR", "250.00 EUR"]
    );
    assert_eq!(
        amounts(SplitRounding::TruncateRemainderOnLast),
        ["250.00 EUR", "250.00 EUR", "250.00 EUR", "250.03 EUR"]
    );
    // The default is half up. Five cents in ten lines of 10 %: no line goes below zero.
    assert_eq!(
        terms.due_schedule(invoice, None, amount).unwrap()[0]
            .amount
            .to_string(),
        "250.01 EUR"
    );
    let tenths: PaymentTerms = (1..=10)
        .map(|i| format!("10% net {}", i * 10))
        .collect::<Vec<_>>()
        .join(", ")
        .parse()
        .unwrap();
    let small = tenths
        .due_schedule(invoice, None, Money::parse("0.05", Currency::EUR).unwrap())
        .unwrap();
    let cents: Vec<String> = small
        .iter()
        .map(|l| l.amount.amount().to_string())
        .collect();
    assert_eq!(
        cents,
        [
            "0.01", "0.01", "0.01", "0.01", "0.01", "0.00", "0.00", "0.00", "0.00", "0.00"
        ]
    );
}

/// Issue 11: the discount for a payment date and the annualised cost of not taking
/// it (Brigham & Ehrhardt, "nominal annual cost of trade credit": 2/10 net 30 is
/// 2/98 x 365/20 = 37.24 %).
#[test]
fn discount_for_a_payment_date_with_its_annualised_cost() {
    use encours_core::money::{Currency, Money};
    use encours_core::terms::PaymentTerms;
    use rust_decimal::Decimal;
    let terms: PaymentTerms = "2/10 net 30".parse().unwrap();
    let d = |day| chrono::NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
    let amount = Money::parse("1234.56", Currency::EUR).unwrap();
    let offer = terms
        .discount_for_payment(d(15), d(25), amount)
        .unwrap()
        .unwrap();
    assert!(offer.applies);
    assert_eq!(offer.amount.to_string(), "24.69 EUR"); // 1234.56 x 2 % = 24.6912
    assert_eq!(offer.payable.to_string(), "1209.87 EUR");
    assert_eq!(offer.annualised_cost, Some(Decimal::new(372_449, 4)));
    let late = terms
        .discount_for_payment(d(15), d(26), amount)
        .unwrap()
        .unwrap();
    assert!(!late.applies);
    assert_eq!(late.amount.to_string(), "0.00 EUR");
    assert_eq!(late.payable, amount);
    assert!(
        PaymentTerms::net(30)
            .discount_for_payment(d(15), d(20), amount)
            .unwrap()
            .is_none()
    );
}

/// Issue 11: the LME check gives a verdict per cap. "45 jours fin de mois" read as
/// invoice + 45 then end of month, on 15 January 2024: due 29 February, within both
/// readings of the derogation (29 Feb, 16 March) and within 60 days (15 March).
/// "60 days" on the same date is only assessed against the 60-day cap.
#[test]
fn the_lme_check_gives_a_verdict_per_cap() {
    use encours_core::terms::{EndOfMonthConvention, LmeCap, PaymentTerms};
    let invoice = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
    let eom: PaymentTerms = "45 days then end of month".parse().unwrap();
    let check = eom.lme_check(invoice).unwrap();
    let caps: Vec<(LmeCap, String, bool)> = check
        .verdicts
        .iter()
        .map(|v| (v.cap, v.cap_date.to_string(), v.compliant))
        .collect();
    assert_eq!(
        caps,
        vec![
            (LmeCap::SixtyDaysFromInvoice, "2024-03-15".into(), true),
            (
                LmeCap::FortyFiveDaysEndOfMonth {
                    reading: EndOfMonthConvention::DaysThenEndOfMonth
                },
                "2024-02-29".into(),
                true
            ),
            (
                LmeCap::FortyFiveDaysEndOfMonth {
                    reading: EndOfMonthConvention::EndOfMonthThenDays
                },
                "2024-03-16".into(),
                true
            ),
        ]
    );
    let net = PaymentTerms::net(61).lme_check(invoice).unwrap();
    assert_eq!(net.verdicts.len(), 1);
    assert_eq!(
        (net.verdicts[0].compliant, net.verdicts[0].days_over),
        (false, 1)
    );
}

/// Issue 11: month-based rules clamp to the end of a shorter month (31 January 2024 +
/// 1 month = 29 February, a leap year), the order of months and days is a named
/// convention (ISO 8601 durations add months then days, the default).
#[test]
fn month_rules_clamp_and_name_their_convention() {
    use encours_core::terms::{DueRule, MonthArithmetic, PaymentTerms};
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let rule: DueRule = serde_json::from_str(r#"{"rule":"months_after","months":1}"#).unwrap();
    assert_eq!(rule.due_date(d(2024, 1, 31), None).unwrap(), d(2024, 2, 29));
    assert_eq!(rule.due_date(d(2023, 1, 31), None).unwrap(), d(2023, 2, 28));
    let months_then_days = DueRule::MonthsAfter {
        months: 1,
        days: 1,
        end_of_month: false,
        convention: MonthArithmetic::MonthsThenDays,
    };
    let days_then_months = DueRule::MonthsAfter {
        months: 1,
        days: 1,
        end_of_month: false,
        convention: MonthArithmetic::DaysThenMonths,
    };
    // 30 Jan + 1 month = 29 Feb, + 1 day = 1 March; 30 Jan + 1 day = 31 Jan, + 1 month = 29 Feb.
    assert_eq!(
        months_then_days.due_date(d(2024, 1, 30), None).unwrap(),
        d(2024, 3, 1)
    );
    assert_eq!(
        days_then_months.due_date(d(2024, 1, 30), None).unwrap(),
        d(2024, 2, 29)
    );
    let two_months_eom: DueRule =
        serde_json::from_str(r#"{"rule":"months_after","months":2,"end_of_month":true}"#).unwrap();
    assert_eq!(
        two_months_eom.due_date(d(2024, 1, 15), None).unwrap(),
        d(2024, 3, 31)
    );
    assert!(two_months_eom.is_end_of_month());
    assert_eq!(two_months_eom.to_string(), "2 months then end of month");
    let terms = PaymentTerms::single(rule).unwrap();
    assert_eq!(terms.due_date(d(2024, 1, 31)).unwrap(), d(2024, 2, 29));
}

/// Issue 11: payment days (Spanish *días de pago*, German *Zahltage*): the due date
/// moves to the next such day on or after it.
#[test]
fn payment_days_move_the_due_date_to_the_next_one() {
    let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    let terms: PaymentTerms = serde_json::from_str(
        r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"payment_days":[25,10]}"#,
    )
    .unwrap();
    assert_eq!(terms.payment_days(), [10, 25]);
    assert_eq!(terms.due_date(d(1, 15)).unwrap(), d(2, 25)); // 14 Feb -> 25 Feb
    assert_eq!(terms.due_date(d(1, 11)).unwrap(), d(2, 10)); // 10 Feb is a payment day
    assert_eq!(terms.due_date(d(1, 31)).unwrap(), d(3, 10)); // 1 Mar -> 10 Mar
    let schedule = terms
        .due_schedule(
            d(1, 15),
            None,
            Money::parse("100.00", Currency::EUR).unwrap(),
        )
        .unwrap();
    assert_eq!(schedule[0].due_date, d(2, 25));
    assert_eq!(
        serde_json::to_string(&terms).unwrap(),
        r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"payment_days":[10,25]}"#
    );
    let err = serde_json::from_str::<PaymentTerms>(
        r#"{"lines":[{"share":"100","due":{"rule":"net","days":30}}],"payment_days":[32]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid day of month 32"), "{err}");
}
