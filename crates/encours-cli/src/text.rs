//! The report as text: aligned tables, amounts with thousands separators.

use std::fmt::Write;

use encours_core::money::{Currency, Money, MultiCurrency};
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

fn count(n: usize) -> String {
    group_thousands(Decimal::from(n))
}

fn currencies(sets: &[&MultiCurrency]) -> Vec<Currency> {
    let mut all: Vec<Currency> = sets
        .iter()
        .flat_map(|m| m.iter().map(|x| x.currency()))
        .collect();
    all.sort();
    all.dedup();
    all
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

    let o = &r.overview;
    let _ = writeln!(out, "Ledger");
    let mut t = Table::new(&["", "", ""], &[Align::Left, Align::Right, Align::Left]);
    t.row(vec![
        "customers".into(),
        count(o.customers),
        format!(
            "{} with open items, {} blocked for dunning, {} in groups",
            count(o.customers_with_open_items),
            count(o.customers_blocked),
            count(o.customers_in_groups)
        ),
    ]);
    t.row(vec![
        "invoices".into(),
        count(o.invoices),
        format!(
            "{} debit notes, {} credit notes",
            count(o.debit_notes),
            count(o.credit_notes)
        ),
    ]);
    t.row(vec![
        "open debits".into(),
        count(o.open_debits),
        format!(
            "{} overdue, {} disputed",
            count(o.overdue_debits),
            count(o.disputed_open_debits)
        ),
    ]);
    t.row(vec![
        "payments".into(),
        count(o.payments),
        format!("{} with unapplied cash", count(o.unapplied_payments)),
    ]);
    render_bare(&t, &mut out);
    out.push('\n');

    let _ = writeln!(out, "Open amounts");
    let mut t = Table::new(
        &["currency", "open debits", "overdue", "credits", "net"],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    );
    for c in currencies(&[&o.open, &o.credits]) {
        let open = o.open.get(c);
        let credits = o.credits.get(c);
        let net = open.checked_sub(&credits).unwrap_or(open);
        t.row(vec![
            c.code().to_owned(),
            amount(&open),
            amount(&o.overdue.get(c)),
            amount(&credits),
            amount(&net),
        ]);
    }
    if let Some(b) = &r.in_base {
        let net = b.open.checked_sub(&b.credits).unwrap_or(b.open);
        t.row(vec![
            format!("all in {}", b.currency),
            amount(&b.open),
            amount(&b.overdue),
            amount(&b.credits),
            amount(&net),
        ]);
    }
    t.render(2, &mut out);
    out
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
