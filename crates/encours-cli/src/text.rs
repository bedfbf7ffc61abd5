//! The report as text: aligned tables, amounts with thousands separators.

use std::fmt::Write;

use encours_core::metrics::{MetricValue, Row, Summary};
use encours_core::money::Money;
use rust_decimal::Decimal;

use crate::input::AsOfOrigin;
use crate::report::Report;

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A plain-text table: a header line, a rule, the rows.
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str], align: &[Align]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            align: align.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, indent: usize, out: &mut String) {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String], out: &mut String| {
            let mut text = " ".repeat(indent);
            for (i, cell) in cells.iter().enumerate().take(columns) {
                let width = widths.get(i).copied().unwrap_or(0);
                if i > 0 {
                    text.push_str("  ");
                }
                match self.align.get(i).copied().unwrap_or(Align::Right) {
                    Align::Left => {
                        let _ = write!(text, "{cell:<width$}");
                    }
                    Align::Right => {
                        let _ = write!(text, "{cell:>width$}");
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.header, out);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule, out);
        for row in &self.rows {
            line(row, out);
        }
    }
}

/// `1234567.5` → `1,234,567.5`; the sign and decimals are kept as the engine gave them.
pub fn group_thousands(amount: Decimal) -> String {
    let text = amount.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An amount in its currency's minor units, grouped: `1,234.50`.
pub fn amount(m: &Money) -> String {
    let mut a = m.amount();
    // Totals keep the scale of their inputs; show them at the currency's minor unit.
    if a.scale() < m.currency().minor_units() {
        a.rescale(m.currency().minor_units());
    }
    group_thousands(a)
}

fn count(n: impl Into<Decimal>) -> String {
    group_thousands(n.into())
}

/// A metric's value, or `n/a` (the JSON form says why).
fn metric(m: &MetricValue) -> String {
    match m.value() {
        Some(v) => group_thousands(v),
        None => "n/a".to_owned(),
    }
}

/// A fraction of 1 as a percentage with one decimal: `0.8012` → `80.1 %`.
fn percent(share: Decimal) -> String {
    let p = (share * Decimal::ONE_HUNDRED).round_dp(1);
    format!("{p:.1} %")
}

fn row_label(row: &Row<Summary>, in_base: bool) -> String {
    if in_base {
        format!("all in {}", row.currency)
    } else {
        row.currency.code().to_owned()
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let origin = match r.as_of_origin {
        AsOfOrigin::Given => "",
        AsOfOrigin::SampleDate => " (the sample's extraction date)",
        AsOfOrigin::LatestInLedger => " (latest date in the ledger; choose with --as-of)",
        AsOfOrigin::EmptyLedger => " (the ledger has no dated record)",
    };
    let _ = writeln!(out, "encours: portfolio summary as of {}{origin}", r.as_of);
    let _ = writeln!(out, "ledger: {}", r.source);
    out.push('\n');
    overview(r, &mut out);
    let rows: Vec<(&Row<Summary>, bool)> = r
        .portfolio
        .iter()
        .map(|row| (row, false))
        .chain(r.in_base.iter().map(|b| (&b.portfolio, true)))
        .collect();
    if rows.is_empty() {
        let _ = writeln!(out, "Nothing open, no sales, nothing paid in the periods.");
        return out;
    }
    balances(&rows, &mut out);
    aging(r, &rows, &mut out);
    metrics(r, &rows, &mut out);
    top_overdue(r, &mut out);
    pareto(r, &mut out);
    if let Some(b) = &r.in_base {
        let rates: Vec<String> = b
            .conversion
            .rates
            .iter()
            .map(|x| format!("1 {} = {} {}", x.from, x.rate, x.to))
            .collect();
        let _ = writeln!(
            out,
            "Converted into {} at {} (rounded half up to the cent).",
            b.conversion.base,
            if rates.is_empty() {
                "no rate (one currency)".to_owned()
            } else {
                rates.join(", ")
            }
        );
    }
    out
}

fn overview(r: &Report, out: &mut String) {
    let o = &r.overview;
    let _ = writeln!(out, "Ledger");
    let mut t = Table::new(&["", "", ""], &[Align::Left, Align::Right, Align::Left]);
    t.row(vec![
        "customers".into(),
        count(o.customers),
        format!(
            "{} blocked for dunning, {} in groups",
            count(o.customers_blocked),
            count(o.customers_in_groups)
        ),
    ]);
    t.row(vec![
        "invoices".into(),
        count(o.invoices),
        format!(
            "{} credit notes, {} debit notes",
            count(o.credit_notes),
            count(o.debit_notes)
        ),
    ]);
    t.row(vec!["payments".into(), count(o.payments), String::new()]);
    render_bare(&t, out);
    out.push('\n');
}

fn balances(rows: &[(&Row<Summary>, bool)], out: &mut String) {
    let _ = writeln!(out, "Open amounts");
    let mut t = Table::new(
        &[
            "currency",
            "open items",
            "open debits",
            "disputed",
            "credits",
            "net",
        ],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    );
    for (row, in_base) in rows {
        let a = &row.figures.aging;
        t.row(vec![
            row_label(row, *in_base),
            count(a.items),
            amount(&a.total),
            amount(&a.disputed),
            amount(&a.credits),
            amount(&a.net),
        ]);
    }
    t.render(2, out);
    let _ = writeln!(
        out,
        "  (credits: open credit notes and unapplied cash; net = open debits - credits)"
    );
    out.push('\n');
}

fn aging(r: &Report, rows: &[(&Row<Summary>, bool)], out: &mut String) {
    let _ = writeln!(out, "Aging of open debits, by days overdue");
    let mut header: Vec<&str> = vec!["currency"];
    header.extend(r.labels.iter().map(|l| {
        if l == "not_due" {
            "not due"
        } else {
            l.as_str()
        }
    }));
    header.push("total");
    let mut align = vec![Align::Left];
    align.resize(header.len(), Align::Right);
    let mut t = Table::new(&header, &align);
    for (row, in_base) in rows {
        let a = &row.figures.aging;
        let mut cells = vec![row_label(row, *in_base)];
        cells.extend(a.buckets.iter().map(amount));
        cells.push(amount(&a.total));
        t.row(cells);
    }
    t.render(2, out);
    out.push('\n');
}

fn metrics(r: &Report, rows: &[(&Row<Summary>, bool)], out: &mut String) {
    let _ = writeln!(out, "Collection metrics");
    let mut t = Table::new(
        &[
            "currency",
            "DSO",
            "count-back DSO",
            "best possible DSO",
            "ADD",
            "CEI %",
            "days beyond terms",
            "payment index",
        ],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    );
    for (row, in_base) in rows {
        let f = &row.figures;
        t.row(vec![
            row_label(row, *in_base),
            metric(&f.dso.dso),
            format!(
                "{}{}",
                metric(&f.count_back.dso),
                if f.count_back.capped { " (capped)" } else { "" }
            ),
            metric(&f.dso.best_possible_dso),
            metric(&f.dso.average_days_delinquent),
            metric(&f.cei.cei),
            metric(&f.payment.days_beyond_terms),
            metric(&f.payment.payment_index),
        ]);
    }
    t.render(2, out);
    let cei = rows.first().map(|(row, _)| &row.figures.cei);
    let _ = writeln!(
        out,
        "  DSO, best possible DSO and average days delinquent (ADD) over the last {} days; \
         count-back DSO over 12 months;",
        r.config.dso_days
    );
    if let Some(cei) = cei {
        let _ = writeln!(
            out,
            "  CEI (collection effectiveness index) from {} to {};",
            cei.from, cei.to
        );
    }
    let _ = writeln!(
        out,
        "  days beyond terms and payment index (80 = pays on time) amount-weighted over the \
         items paid in the last {} days.",
        r.config.payment_window_days
    );
    out.push('\n');
}

fn top_overdue(r: &Report, out: &mut String) {
    for list in &r.top_overdue {
        let _ = writeln!(
            out,
            "Top {} overdue customers in {} ({} customers have overdue debits)",
            list.customers.len(),
            list.currency,
            count(list.customers_overdue)
        );
        let mut t = Table::new(
            &[
                "#",
                "customer",
                "name",
                "overdue",
                "over 90 days",
                "disputed",
                "open debits",
                "days beyond terms",
                "payment index",
            ],
            &[
                Align::Right,
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
        );
        for c in &list.customers {
            let f = &c.row.figures;
            // Buckets past 90 days: the last two of the standard edges.
            let over_90 = over_days(r, &f.aging.buckets, 90);
            t.row(vec![
                c.rank.to_string(),
                c.row.key.clone().unwrap_or_default(),
                c.row.name.clone().unwrap_or_default(),
                amount(&c.overdue),
                over_90.map_or_else(|| "n/a".into(), |m| amount(&m)),
                amount(&f.aging.disputed),
                amount(&f.aging.total),
                metric(&f.payment.days_beyond_terms),
                metric(&f.payment.payment_index),
            ]);
        }
        t.render(2, out);
        out.push('\n');
    }
}

/// The buckets starting after `days` overdue, summed; `None` when no bucket edge is
/// at `days`.
fn over_days(r: &Report, buckets: &[Money], days: i64) -> Option<Money> {
    let edges = r.config.buckets.edges();
    let first = edges.iter().position(|e| *e == days)? + 1;
    let currency = buckets.first()?.currency();
    buckets
        .iter()
        .skip(first)
        .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m).ok())
}

fn pareto(r: &Report, out: &mut String) {
    let _ = writeln!(
        out,
        "Pareto: the fewest customers and items holding {} of the open debits",
        percent(r.config.pareto_share)
    );
    let mut t = Table::new(
        &[
            "currency",
            "customers",
            "% of customers",
            "% held",
            "items",
            "% of items",
            "% held",
            "open debits",
        ],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    );
    for (c, i) in r.pareto_customers.iter().zip(&r.pareto_items) {
        let (c, i) = (&c.figures, &i.figures);
        t.row(vec![
            c.total_amount.currency().code().to_owned(),
            format!("{} of {}", count(c.count), count(c.total_count)),
            percent(c.count_share),
            percent(c.amount_share),
            format!("{} of {}", count(i.count), count(i.total_count)),
            percent(i.count_share),
            percent(i.amount_share),
            amount(&c.total_amount),
        ]);
    }
    t.render(2, out);
    out.push('\n');
}

/// A key/value table without header or rule.
fn render_bare(t: &Table, out: &mut String) {
    let mut text = String::new();
    t.render(2, &mut text);
    for line in text.lines().skip(2) {
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encours_core::money::Currency;

    #[test]
    fn thousands_are_grouped() {
        let cases = [
            ("0", "0"),
            ("999", "999"),
            ("1000", "1,000"),
            ("-1234567.50", "-1,234,567.50"),
            ("123456.789", "123,456.789"),
        ];
        for (input, expected) in cases {
            assert_eq!(group_thousands(input.parse().unwrap()), expected);
        }
        assert_eq!(amount(&Money::new(Decimal::from(5), Currency::EUR)), "5.00");
        assert_eq!(amount(&Money::from_minor(1500, Currency::JPY)), "1,500");
    }

    #[test]
    fn tables_align() {
        let mut t = Table::new(&["name", "amount"], &[Align::Left, Align::Right]);
        t.row(vec!["a".into(), "1,000.00".into()]);
        t.row(vec!["longer".into(), "5.00".into()]);
        let mut out = String::new();
        t.render(0, &mut out);
        assert_eq!(
            out,
            "name      amount\n------  --------\na       1,000.00\nlonger      5.00\n"
        );
    }
}
