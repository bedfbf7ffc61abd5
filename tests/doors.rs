//! One ledger, several doors: the records (`Ledger::new`), the JSON form and the
//! bulk import from columns (`ledger::columns::LedgerBuilder`, as the Python and C
//! bulk doors use it) give the same ledger, and every report computed on it is
//! identical whichever door built it, as of today and as of past dates.

use chrono::{Days, NaiveDate};
use encours::aging::{AgingBuckets, GroupBy, aging};
use encours::ledger::columns::{
    Amounts, ApplicationColumns, Currencies, CustomerColumns, Ids, ItemColumns, LedgerBuilder,
    PaymentColumns, TextColumn,
};
use encours::ledger::{Ledger, LedgerData, MatchRule, Source};
use encours::metrics::{SummaryConfig, portfolio_summary};
use encours::money::Currency;
use encours_sample::{SampleConfig, generate};
use proptest::prelude::*;

fn day(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// The same data through the columns door, in batches of `batch` rows.
fn through_columns(data: &LedgerData, batch: usize) -> Ledger {
    let mut b = LedgerBuilder::new();
    for part in data.customers.chunks(batch) {
        // Tags, external scores and blocks have no column: such batches go as records.
        if part.iter().any(|c| {
            !c.tags.is_empty() || !c.external_scores.is_empty() || c.dunning_block.is_some()
        }) {
            b.customer_records(part.to_vec()).unwrap();
            continue;
        }
        let text =
            |f: &dyn Fn(&encours::ledger::Customer) -> Option<String>| -> Vec<Option<String>> {
                part.iter().map(f).collect()
            };
        let ids: Vec<&str> = part.iter().map(|c| c.id.as_str()).collect();
        let names: Vec<&str> = part.iter().map(|c| c.name.as_str()).collect();
        let currencies: Vec<Currency> = part.iter().map(|c| c.currency).collect();
        let parents = text(&|c| c.parent.clone());
        let segments = text(&|c| c.segment.clone());
        let countries = text(&|c| c.country.clone());
        let terms = text(&|c| c.payment_terms.clone());
        let calendars = text(&|c| c.calendar.clone());
        let scenarios = text(&|c| c.dunning_scenario.clone());
        let risks = text(&|c| c.risk_class.clone());
        let limits = text(&|c| c.credit_limit.map(|m| m.amount().to_string()));
        let mut cols = CustomerColumns::new(Ids::Text(&ids), Currencies::Each(&currencies));
        cols.name = Some(&names as &dyn TextColumn);
        cols.parent = Some(Ids::Text(&parents));
        cols.segment = Some(&segments as &dyn TextColumn);
        cols.country = Some(&countries as &dyn TextColumn);
        cols.payment_terms = Some(&terms as &dyn TextColumn);
        cols.calendar = Some(&calendars as &dyn TextColumn);
        cols.dunning_scenario = Some(&scenarios as &dyn TextColumn);
        cols.risk_class = Some(&risks as &dyn TextColumn);
        cols.credit_limit = Some(Amounts::Text(&limits));
        b.customers(&cols).unwrap();
    }
    for part in data.items.chunks(batch) {
        // Items with a reference, a block or a partial dispute go in as records.
        let ids: Vec<&str> = part.iter().map(|i| i.id.as_str()).collect();
        let cust: Vec<&str> = part.iter().map(|i| i.customer_id.as_str()).collect();
        let issue: Vec<i32> = part.iter().map(|i| day(i.issue_date)).collect();
        let due: Vec<i32> = part.iter().map(|i| day(i.due_date)).collect();
        let amounts: Vec<i64> = part.iter().map(|i| i.amount.to_minor().unwrap()).collect();
        let kinds: Vec<_> = part.iter().map(|i| i.kind).collect();
        let refs: Vec<Option<String>> = part.iter().map(|i| i.reference.clone()).collect();
        let simple = part.iter().all(|i| {
            i.dunning_block.is_none()
                && i.dispute.as_ref().is_none_or(|d| {
                    d.amount == i.amount
                        && d.opened_on == i.issue_date
                        && d.resolved_on.is_none()
                        && d.reason.is_none()
                })
        });
        if !simple {
            b.item_records(part.to_vec()).unwrap();
            continue;
        }
        let disputed: Vec<bool> = part.iter().map(|i| i.dispute.is_some()).collect();
        let mut cols = ItemColumns::new(
            Ids::Text(&ids),
            Ids::Text(&cust),
            &issue,
            Some(&due),
            Amounts::Minor(&amounts),
        );
        cols.kind = Some(&kinds);
        cols.reference = Some(&refs as &dyn TextColumn);
        cols.disputed = Some(&disputed);
        b.items(&cols).unwrap();
    }
    for part in data.payments.chunks(batch) {
        let ids: Vec<&str> = part.iter().map(|p| p.id.as_str()).collect();
        let cust: Vec<&str> = part.iter().map(|p| p.customer_id.as_str()).collect();
        let dates: Vec<i32> = part.iter().map(|p| day(p.date)).collect();
        // Decimal128-style scaled integers, at a finer scale than cents.
        let scaled: Vec<i128> = part
            .iter()
            .map(|p| i128::from(p.amount.to_minor().unwrap()) * 1000)
            .collect();
        let refs: Vec<Option<String>> = part.iter().map(|p| p.reference.clone()).collect();
        let mut cols = PaymentColumns::new(
            Ids::Text(&ids),
            &dates,
            Amounts::Scaled {
                values: &scaled,
                scale: 5,
            },
        );
        cols.customer = Some(Ids::Text(&cust));
        cols.reference = Some(&refs as &dyn TextColumn);
        b.payments(&cols).unwrap();
    }
    for part in data.applications.chunks(batch) {
        let pay: Vec<Option<String>> = part
            .iter()
            .map(|a| match &a.source {
                Source::Payment(p) => Some(p.clone()),
                Source::CreditNote(_) => None,
            })
            .collect();
        let cn: Vec<Option<String>> = part
            .iter()
            .map(|a| match &a.source {
                Source::CreditNote(c) => Some(c.clone()),
                Source::Payment(_) => None,
            })
            .collect();
        let item: Vec<&str> = part.iter().map(|a| a.item_id.as_str()).collect();
        let dates: Vec<i32> = part.iter().map(|a| day(a.date)).collect();
        let text: Vec<String> = part.iter().map(|a| a.amount.amount().to_string()).collect();
        let rules: Vec<MatchRule> = part.iter().map(|a| a.rule).collect();
        b.applications(&ApplicationColumns {
            payment: Some(Ids::Text(&pay)),
            credit_note: Some(Ids::Text(&cn)),
            item: Ids::Text(&item),
            date: &dates,
            amount: Amounts::Text(&text),
            rule: Some(&rules),
        })
        .unwrap();
    }
    b.finish().unwrap()
}

/// Every report the core computes from a ledger, as one comparable value.
fn reports(l: &Ledger, as_of: NaiveDate) -> String {
    let mut out = String::new();
    for g in [
        GroupBy::Customer,
        GroupBy::Segment,
        GroupBy::Group,
        GroupBy::Portfolio,
    ] {
        let a = aging(l, as_of, &AgingBuckets::standard(), g).unwrap();
        out.push_str(&format!("{a:?}\n"));
    }
    for g in [GroupBy::Customer, GroupBy::Portfolio] {
        let s = portfolio_summary(l, &SummaryConfig::new(as_of), g).unwrap();
        out.push_str(&format!("{s:?}\n"));
    }
    for ix in 0..l.item_count() {
        out.push_str(&format!("{:?}\n", l.item_state(ix, as_of)));
    }
    for c in l.customers() {
        out.push_str(&format!("{}\n", l.balance(&c.id, as_of).unwrap()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn every_door_gives_the_same_reports(seed in 0u64..1_000, batch in 7usize..400, back in 0u64..400) {
        let config = SampleConfig { seed, customers: 40, invoices: 600, ..SampleConfig::builtin() };
        let records = generate(&config).unwrap();
        let data = records.data();
        let json: Ledger = serde_json::from_str(&serde_json::to_string(&records).unwrap()).unwrap();
        let columns = through_columns(&data, batch);
        prop_assert_eq!(&json.data(), &data);
        prop_assert_eq!(&columns.data(), &data);
        // Today and a past date: as-of views replay the history exactly.
        for as_of in [config.as_of, config.as_of.checked_sub_days(Days::new(back)).unwrap()] {
            let want = reports(&records, as_of);
            prop_assert_eq!(&reports(&json, as_of), &want);
            prop_assert_eq!(&reports(&columns, as_of), &want);
        }
    }
}

#[test]
fn the_loader_rules_hold_for_every_door() {
    // A payment that names its invoice is applied to it; a disputed flag is a dispute
    // of the whole item since its issue date; a row currency must be the customer's.
    let mut b = LedgerBuilder::new();
    b.customers(&CustomerColumns::new(
        Ids::Int(&[7]),
        Currencies::One(Currency::EUR),
    ))
    .unwrap();
    let mut items = ItemColumns::new(
        Ids::Int(&[1, 2]),
        Ids::Int(&[7, 7]),
        &[19_723, 19_723],
        Some(&[19_753, 19_753]),
        Amounts::Scaled {
            values: &[120_000, 5_000],
            scale: 2,
        },
    );
    items.disputed = Some(&[false, true]);
    b.items(&items).unwrap();
    let mut pays = PaymentColumns::new(Ids::Int(&[9]), &[19_760], Amounts::Minor(&[120_000]));
    pays.invoice = Some(Ids::Int(&[1]));
    pays.apply_to_invoice = true;
    b.payments(&pays).unwrap();
    let l = b.finish().unwrap();
    let d = NaiveDate::from_ymd_opt(2024, 2, 8).unwrap();
    assert_eq!(l.open_amount("1", d).unwrap().to_string(), "0.00 EUR");
    assert_eq!(l.payment("9").unwrap().customer_id, "7");
    let f2 = l.item("2").unwrap();
    assert_eq!(f2.dispute.unwrap().amount.to_string(), "50.00 EUR");
    // Integer ids stay integers: the item comes back with its number as its id.
    assert_eq!(l.item_columns().int_ids(), Some(&[1i64, 2][..]));

    let mut b = LedgerBuilder::new();
    b.customers(&CustomerColumns::new(
        Ids::Int(&[7]),
        Currencies::One(Currency::EUR),
    ))
    .unwrap();
    let mut items = ItemColumns::new(
        Ids::Int(&[1]),
        Ids::Int(&[7]),
        &[19_723],
        Some(&[3_000_000]),
        Amounts::Scaled {
            values: &[12_345],
            scale: 3,
        },
    );
    assert_eq!(
        b.items(&items).unwrap_err().to_string(),
        "invalid amount of item \"1\": 12.345 (at most 2 decimals for EUR)"
    );
    items.amount = Amounts::Minor(&[100]);
    assert_eq!(
        b.items(&items).unwrap_err().to_string(),
        // 3,000,000 days after 1970-01-01 (GNU date: `date -u -d @259200000000 +%F`).
        "invalid due_date of item \"1\": +10183-09-21 (a date in the years 1 to 9999)"
    );
    items.due_date = Some(&[19_753]);
    items.currency = Some(&[Some(Currency::USD)]);
    assert_eq!(
        b.items(&items).unwrap_err().to_string(),
        "invalid currency of item \"1\": USD (EUR, the customer's currency)"
    );
}
