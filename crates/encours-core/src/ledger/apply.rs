//! Applying cash and credit notes: the single checkpoint every application goes
//! through, and the automatic rules built on it.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::columns::{AmountIn, AppRow, to_minor};
use super::store::{FIRST_DAY, LAST_DAY, date, day};
use super::{
    Application, FROM_CREDIT_NOTE, IdRef, ItemKind, Ledger, LedgerError, MatchRule, NONE, Source,
    invalid, kind_of, rule_bits,
};
use crate::money::Money;

impl Ledger {
    /// Validate and record an application; the single place every invariant is checked.
    pub(crate) fn push_application(&mut self, app: AppRow<'_>) -> Result<usize, LedgerError> {
        // Applications have no id of their own: messages name them by source and item.
        let source_kind = if app.from_credit_note {
            "credit note"
        } else {
            "payment"
        };
        let source_id = app.source;
        let label = || format!("{source_id} to {}", app.item);
        let target = self.item_position(app.item, || {
            format!("application from {source_kind} \"{source_id}\"")
        })?;
        let t_flags = self.i.flags.get(target).copied().unwrap_or_default();
        if !kind_of(t_flags).is_debit() {
            return Err(invalid(
                "application",
                &label(),
                "item_id",
                app.item,
                "an invoice or debit note; credit notes are applied from, not to",
            ));
        }
        let target_customer = self.i.customer.get(target).copied().unwrap_or(NONE);
        let currency = self.currency_of(target_customer);
        let amount = to_minor("application", &label, app.amount, currency, None)?;
        let shown = match app.amount {
            AmountIn::Money(m) => m,
            _ => Money::from_minor(amount, currency),
        };
        if !(FIRST_DAY..=LAST_DAY).contains(&app.date) {
            return Err(invalid(
                "application",
                &label(),
                "date",
                date(app.date),
                "a date in the years 1 to 9999",
            ));
        }
        let issue = self.i.issue.get(target).copied().unwrap_or_default();
        if app.date < issue {
            return Err(invalid(
                "application",
                &label(),
                "date",
                date(app.date),
                format!("on or after the item's issue date {}", date(issue)),
            ));
        }
        let referenced_by = || format!("application to item \"{}\"", app.item);
        let (source, source_amount, source_date, source_customer, drawn) = if app.from_credit_note {
            let cix = self.item_position(source_id, referenced_by)?;
            let kind = kind_of(self.i.flags.get(cix).copied().unwrap_or_default());
            if kind != ItemKind::CreditNote {
                let kind = match kind {
                    ItemKind::DebitNote => "a debit note",
                    _ => "an invoice",
                };
                return Err(invalid(
                    "application",
                    &label(),
                    "source",
                    source_id,
                    format!("a credit note, not {kind}"),
                ));
            }
            (
                cix,
                self.i.amount.get(cix).copied().unwrap_or_default(),
                self.i.issue.get(cix).copied().unwrap_or_default(),
                self.i.customer.get(cix).copied().unwrap_or(NONE),
                self.i.applied.get(cix).copied().unwrap_or_default(),
            )
        } else {
            let pix = self
                .p
                .ids
                .find(source_id)
                .ok_or_else(|| LedgerError::Unknown {
                    kind: "payment",
                    id: source_id.to_string(),
                    referenced_by: referenced_by(),
                })?;
            (
                pix,
                self.p.amount.get(pix).copied().unwrap_or_default(),
                self.p.date.get(pix).copied().unwrap_or_default(),
                self.p.customer.get(pix).copied().unwrap_or(NONE),
                self.p.applied.get(pix).copied().unwrap_or_default(),
            )
        };
        if source_customer != target_customer {
            let name = |c: u32| self.c.ids.text(c as usize).unwrap_or_default().to_owned();
            return Err(invalid(
                "application",
                &label(),
                "source",
                format!(
                    "{source_kind} \"{source_id}\" of customer \"{}\"",
                    name(source_customer)
                ),
                format!(
                    "a payment or credit note of customer \"{}\", the item's customer",
                    name(target_customer)
                ),
            ));
        }
        if app.date < source_date {
            return Err(invalid(
                "application",
                &label(),
                "date",
                date(app.date),
                format!("on or after the {source_kind} date {}", date(source_date)),
            ));
        }
        let left = source_amount - drawn;
        if amount > left {
            return Err(LedgerError::OverApplication {
                source_kind,
                source_id: source_id.to_string(),
                item: app.item.to_string(),
                amount: shown,
                available: Money::from_minor(left, currency),
                what: "left to apply",
            });
        }
        let open = self.i.amount.get(target).copied().unwrap_or_default()
            - self.i.applied.get(target).copied().unwrap_or_default();
        if amount > open {
            return Err(LedgerError::OverApplication {
                source_kind,
                source_id: source_id.to_string(),
                item: app.item.to_string(),
                amount: shown,
                available: Money::from_minor(open, currency),
                what: "open on the item",
            });
        }
        let aix = self.a.item.len();
        let bump = |applied: &mut Vec<i64>, last: &mut Vec<i32>, ix: usize| {
            if let Some(a) = applied.get_mut(ix) {
                *a += amount;
            }
            if let Some(l) = last.get_mut(ix) {
                *l = (*l).max(app.date);
            }
        };
        bump(&mut self.i.applied, &mut self.i.last, target);
        let mut tag = rule_bits(app.rule);
        if app.from_credit_note {
            tag |= FROM_CREDIT_NOTE;
            bump(&mut self.i.applied, &mut self.i.last, source);
        } else {
            bump(&mut self.p.applied, &mut self.p.last, source);
        }
        let a = &mut self.a;
        a.source.push(source as u32);
        a.item.push(target as u32);
        a.date.push(app.date);
        a.amount.push(amount);
        a.tag.push(tag);
        if !self.bulk {
            if app.from_credit_note {
                self.item_apps.push(source as u32, aix as u32);
            } else {
                self.payment_apps.push(source as u32, aix as u32);
            }
            self.item_apps.push(target as u32, aix as u32);
        }
        Ok(aix)
    }

    fn push_record(&mut self, app: &Application) -> Result<(), LedgerError> {
        self.push_application(AppRow::from_record(app)).map(|_| ())
    }

    /// Apply part of a payment to an item, as the caller decided.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown payment or item,
    /// [`LedgerError::OverApplication`] when the amount exceeds what is open on the
    /// item or left on the payment, [`LedgerError::InvalidField`] for a bad amount or
    /// date.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn apply_payment(
        &mut self,
        payment_id: &str,
        item_id: &str,
        amount: Money,
        date: NaiveDate,
    ) -> Result<(), LedgerError> {
        self.push_application(AppRow {
            source: IdRef::Str(payment_id),
            from_credit_note: false,
            item: IdRef::Str(item_id),
            date: day(date),
            amount: AmountIn::Money(amount),
            rule: MatchRule::Explicit,
        })
        .map(|_| ())
    }

    /// Net part of a credit note against a debit item.
    ///
    /// # Errors
    /// As [`Ledger::apply_payment`].
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", day, day, eur(10000)), Item::credit_note("A1", "C1", day, eur(2500))],
    ///     vec![], vec![])?;
    /// l.apply_credit_note("A1", "F1", eur(2500), day)?;
    /// assert_eq!(l.open_amount("F1", day)?, eur(7500));
    /// assert_eq!(l.open_amount("A1", day)?, eur(0));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn apply_credit_note(
        &mut self,
        credit_note_id: &str,
        item_id: &str,
        amount: Money,
        date: NaiveDate,
    ) -> Result<(), LedgerError> {
        self.push_record(&Application {
            source: Source::CreditNote(credit_note_id.to_owned()),
            item_id: item_id.to_owned(),
            date,
            amount,
            rule: MatchRule::Explicit,
        })
    }

    /// Record an application chosen elsewhere (for example by [`Ledger::auto_apply`]
    /// or loaded from an ERP), with its rule.
    ///
    /// # Errors
    /// As [`Ledger::apply_payment`].
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Application, Customer, Item, Ledger, MatchRule, Payment, Source};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", day, day, eur(10000))],
    ///     vec![Payment::new("P1", "C1", day, eur(4000))], vec![])?;
    /// l.record_application(Application { source: Source::Payment("P1".into()), item_id: "F1".into(),
    ///     date: day, amount: eur(4000), rule: MatchRule::Reference })?;
    /// assert_eq!(l.open_amount("F1", day)?, eur(6000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn record_application(&mut self, application: Application) -> Result<(), LedgerError> {
        self.push_record(&application)
    }

    /// The customer's debits in cash-application order (due date, then issue date,
    /// then id), computed once per customer and kept until the customer gets a new
    /// item: a day's bank statement applies many payments to the same customer.
    fn application_order(&mut self, customer: u32) -> Vec<u32> {
        if let Some(order) = self.apply_order.get(&customer) {
            return order.clone();
        }
        let mut order: Vec<u32> = self
            .items_of(super::CustomerIx(customer))
            .map(|i| i.0)
            .filter(|i| {
                self.i
                    .flags
                    .get(*i as usize)
                    .is_some_and(|f| kind_of(*f).is_debit())
            })
            .collect();
        order.sort_unstable_by(|a, b| self.cmp_due(*a, *b));
        self.apply_order.insert(customer, order.clone());
        order
    }

    /// Oldest due first, then oldest issue, then id (numeric ids numerically).
    fn cmp_due(&self, a: u32, b: u32) -> Ordering {
        let key = |i: u32| {
            (
                self.i.due.get(i as usize).copied().unwrap_or_default(),
                self.i.issue.get(i as usize).copied().unwrap_or_default(),
            )
        };
        key(a).cmp(&key(b)).then_with(|| {
            match (self.i.ids.get(a as usize), self.i.ids.get(b as usize)) {
                (Some(IdRef::Int(x)), Some(IdRef::Int(y))) => x.cmp(&y),
                (Some(IdRef::Str(x)), Some(IdRef::Str(y))) => x.cmp(y),
                _ => a.cmp(&b),
            }
        })
    }

    /// Apply what is left of a payment automatically, on the payment's date: first to
    /// the item its reference names, then to an item whose open amount equals what is
    /// left exactly (oldest due first among several), then to the open debits oldest
    /// due first. What cannot be applied stays as unapplied cash (a credit). Returns
    /// the applications made, each with the rule that chose it.
    ///
    /// The customer's debits are sorted once and the order kept, so each call walks
    /// them once: linear in the customer's items, with no string copied.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown payment; arithmetic errors.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger, MatchRule, Payment};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000)),
    ///          Item::invoice("F2", "C1", d(1, 5), d(2, 4), eur(5000))],
    ///     vec![Payment::new("P1", "C1", d(2, 10), eur(5000)),
    ///          Payment::new("P2", "C1", d(2, 11), eur(12000))], vec![])?;
    /// // 50.00 matches F2 exactly, although F1 is older.
    /// let apps = l.auto_apply("P1")?;
    /// assert_eq!(apps.iter().map(|a| (a.item_id.as_str(), a.rule)).collect::<Vec<_>>(),
    ///     [("F2", MatchRule::ExactAmount)]);
    /// // 120.00 settles F1 (oldest due); 20.00 stays unapplied, a credit on the account.
    /// let apps = l.auto_apply("P2")?;
    /// assert_eq!(apps.iter().map(|a| (a.item_id.as_str(), a.rule)).collect::<Vec<_>>(),
    ///     [("F1", MatchRule::OldestDue)]);
    /// assert_eq!(l.unapplied_amount("P2", d(2, 11))?, eur(2000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn auto_apply(&mut self, payment_id: &str) -> Result<Vec<Application>, LedgerError> {
        let pix = self
            .p
            .ids
            .find(IdRef::Str(payment_id))
            .ok_or_else(|| LedgerError::Unknown {
                kind: "payment",
                id: payment_id.to_owned(),
                referenced_by: "auto_apply".into(),
            })?;
        let customer = self.p.customer.get(pix).copied().unwrap_or(NONE);
        let pay_day = self.p.date.get(pix).copied().unwrap_or_default();
        let mut left = self.p.amount.get(pix).copied().unwrap_or_default()
            - self.p.applied.get(pix).copied().unwrap_or_default();
        let reference: Option<String> = self
            .p
            .reference
            .get(pix as u32)
            .filter(|r| !r.is_empty())
            .map(|r| r.to_string());
        let order = self.application_order(customer);
        // Open amounts count every application, including later-dated ones: cash
        // cannot be applied twice.
        let open = |l: &Ledger, i: u32| -> Option<i64> {
            let i = i as usize;
            if l.i.issue.get(i).copied().unwrap_or(i32::MAX) > pay_day {
                return None;
            }
            let o = l.i.amount.get(i).copied().unwrap_or_default()
                - l.i.applied.get(i).copied().unwrap_or_default();
            (o > 0).then_some(o)
        };
        let mut made = Vec::new();
        let mut take = |l: &mut Ledger, i: u32, amount: i64, rule: MatchRule| {
            let item =
                l.i.ids
                    .get(i as usize)
                    .map(|x| x.to_string())
                    .unwrap_or_default();
            let aix = l.push_application(AppRow {
                source: IdRef::Str(payment_id),
                from_credit_note: false,
                item: IdRef::Str(&item),
                date: pay_day,
                amount: AmountIn::Minor(amount),
                rule,
            })?;
            if let Some(a) = l.application_at(aix) {
                made.push(a);
            }
            Ok::<(), LedgerError>(())
        };
        if left > 0
            && let Some(r) = reference.as_deref()
        {
            let hit = order.iter().copied().find(|&i| {
                open(self, i).is_some()
                    && (self.i.ids.get(i as usize).is_some_and(|id| match id {
                        IdRef::Str(s) => s == r,
                        IdRef::Int(n) => IdRef::canonical_int(r) == Some(n),
                    }) || self.i.reference.get(i).is_some_and(|x| &**x == r))
            });
            if let Some(i) = hit
                && let Some(o) = open(self, i)
            {
                let amount = o.min(left);
                take(self, i, amount, MatchRule::Reference)?;
                left -= amount;
            }
        }
        if left > 0
            && let Some(i) = order.iter().copied().find(|&i| open(self, i) == Some(left))
        {
            take(self, i, left, MatchRule::ExactAmount)?;
            left = 0;
        }
        for &i in &order {
            if left <= 0 {
                break;
            }
            if let Some(o) = open(self, i) {
                let amount = o.min(left);
                take(self, i, amount, MatchRule::OldestDue)?;
                left -= amount;
            }
        }
        Ok(made)
    }

    /// Net every open credit note of a customer against its open debits, oldest due
    /// first, on the later of the two documents' dates. Returns the applications made.
    /// One sort of the customer's items, then one pass: each debit is left behind
    /// once used up.
    ///
    /// # Errors
    /// [`LedgerError::Unknown`] for an unknown customer; arithmetic errors.
    ///
    /// # Example
    /// ```
    /// use encours_core::ledger::{Customer, Item, Ledger};
    /// use encours_core::money::{Currency, Money};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    /// let eur = |c| Money::from_minor(c, Currency::EUR);
    /// let mut l = Ledger::new(vec![Customer::new("C1", "A", Currency::EUR)],
    ///     vec![Item::invoice("F1", "C1", d(1, 1), d(1, 31), eur(10000)),
    ///          Item::credit_note("A1", "C1", d(1, 20), eur(3000))], vec![], vec![])?;
    /// let apps = l.net_credit_notes("C1")?;
    /// assert_eq!(apps.len(), 1);
    /// assert_eq!(l.open_amount("F1", d(1, 19))?, eur(10000));
    /// assert_eq!(l.open_amount("F1", d(1, 20))?, eur(7000));
    /// # Ok::<(), encours_core::ledger::LedgerError>(())
    /// ```
    pub fn net_credit_notes(&mut self, customer_id: &str) -> Result<Vec<Application>, LedgerError> {
        let cix =
            self.customer_position(IdRef::Str(customer_id), || "net_credit_notes".into())? as u32;
        let open = |l: &Ledger, i: u32| {
            l.i.amount.get(i as usize).copied().unwrap_or_default()
                - l.i.applied.get(i as usize).copied().unwrap_or_default()
        };
        let (mut debits, mut credits): (Vec<u32>, Vec<u32>) = self
            .items_of(super::CustomerIx(cix))
            .map(|i| i.0)
            .filter(|&i| open(self, i) > 0)
            .partition(|&i| {
                self.i
                    .flags
                    .get(i as usize)
                    .is_some_and(|f| kind_of(*f).is_debit())
            });
        debits.sort_unstable_by(|a, b| self.cmp_due(*a, *b));
        credits.sort_unstable_by(|a, b| self.cmp_due(*a, *b));
        let mut made = Vec::new();
        let mut next = 0;
        for credit in credits {
            let credit_issue = self
                .i
                .issue
                .get(credit as usize)
                .copied()
                .unwrap_or_default();
            let credit_id = self
                .i
                .ids
                .get(credit as usize)
                .map(|x| x.to_string())
                .unwrap_or_default();
            let mut left = open(self, credit);
            while left > 0
                && let Some(&debit) = debits.get(next)
            {
                let amount = open(self, debit).min(left);
                let debit_issue = self
                    .i
                    .issue
                    .get(debit as usize)
                    .copied()
                    .unwrap_or_default();
                let debit_id = self
                    .i
                    .ids
                    .get(debit as usize)
                    .map(|x| x.to_string())
                    .unwrap_or_default();
                let aix = self.push_application(AppRow {
                    source: IdRef::Str(&credit_id),
                    from_credit_note: true,
                    item: IdRef::Str(&debit_id),
                    date: credit_issue.max(debit_issue),
                    amount: AmountIn::Minor(amount),
                    rule: MatchRule::OldestDue,
                })?;
                if let Some(a) = self.application_at(aix) {
                    made.push(a);
                }
                left -= amount;
                if open(self, debit) <= 0 {
                    next += 1;
                }
            }
        }
        Ok(made)
    }
}
