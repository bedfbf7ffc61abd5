//! Reports (aging, metrics, portfolio summary) as Python objects with attributes, and
//! as Arrow tables in one call (`report.table`, `pl.DataFrame(report)`,
//! `report.to_pandas()`). The core computes everything; this module only exposes the
//! core's result types.

use chrono::NaiveDate;
use encours_core::aging::{AgingBuckets, AgingFigures, AgingReport, GroupBy};
use encours_core::metrics::{
    Cei, Conversion, CountBackDso, CountBackMonth, Figures, IndexAnchor, MetricValue, Pareto,
    ParetoUnit, PaymentBehaviour, PaymentIndexScale, PortfolioSummary, Row, SimpleDso, Summary,
    SummaryConfig,
};
use encours_core::money::{Currency, Money, RoundingMode};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::convert::{
    date_to_py, decimal_to_py, enum_from_str, enum_to_str, from_json, str_repr, to_json,
};
use crate::errors::CoreResult;
use crate::money::{PyCurrency, PyFxRates, rounding_from_str};
use crate::table::{Col, PyTable, TableBuilder};
use crate::values::{ToPy, py_repr, reduce_json};

figures_class!(
    /// The aging figures of one row, all in the row's currency. Open debits are aged
    /// by due date; open credit notes and unapplied cash are `credits`, not aged.
    PyAgingFigures, "AgingFigures", AgingFigures,
    fields: [
        /// Open debits per bucket, in the order of the report's labels.
        buckets,
        /// Sum of the buckets: all open debits.
        total,
        /// The part of `total` in active dispute (inside the buckets).
        disputed,
        /// Open credit notes plus unapplied cash.
        credits,
        /// `total - credits`.
        net,
        /// Number of open debit items.
        items,
        /// Number of open credit notes and payments with unapplied cash.
        credit_items,
    ],
    metrics: []
);

figures_class!(
    /// Simple DSO (AR / credit sales of the period x days), best possible DSO (current
    /// AR instead of AR) and average days delinquent (their difference), with their
    /// inputs.
    PySimpleDso, "SimpleDso", SimpleDso,
    fields: [
        /// Open debits at the end of the as-of day.
        ar,
        /// The part of `ar` not yet due.
        current_ar,
        /// Credit sales of the period.
        sales,
        /// Length of the period, in days.
        days,
        /// Days sales outstanding (Decimal, or None: see `undefined`).
        dso,
        /// DSO if every customer paid on time.
        best_possible_dso,
        /// `dso - best_possible_dso`.
        average_days_delinquent,
    ],
    metrics: [dso, best_possible_dso, average_days_delinquent]
);

figures_class!(
    /// One month of the count-back DSO walk.
    PyCountBackMonth, "CountBackMonth", CountBackMonth,
    fields: [
        /// Last day of the month period.
        end,
        /// Days in the period.
        days,
        /// Credit sales of the period.
        sales,
        /// Days this month added to the DSO.
        counted_days,
    ],
    metrics: []
);

figures_class!(
    /// Count-back DSO: AR walked back against monthly sales, newest month first.
    PyCountBackDso, "CountBackDso", CountBackDso,
    fields: [
        /// Open debits at the end of the as-of day.
        ar,
        /// The months walked, newest first.
        months,
        /// The count-back DSO, in days.
        dso,
        /// Whether AR exceeded the months' sales (DSO capped).
        capped,
    ],
    metrics: [dso]
);

figures_class!(
    /// Collection effectiveness index over a period, with its inputs.
    PyCei, "Cei", Cei,
    fields: [
        /// First day of the period (`from` is a Python keyword).
        from as from_,
        /// Last day of the period.
        to,
        /// AR at the start of the period.
        beginning_ar,
        /// Credit sales of the period.
        sales,
        /// Divisor N applied to sales.
        sales_divisor,
        /// AR at the end of the period.
        ending_ar,
        /// The part of `ending_ar` not yet due.
        ending_current_ar,
        /// The index, a percentage.
        cei,
    ],
    metrics: [cei]
);

figures_class!(
    /// Payment behaviour of the items fully paid in a window: amount-weighted days
    /// beyond terms and a 0-100 payment index (80 = pays on time).
    PyPaymentBehaviour, "PaymentBehaviour", PaymentBehaviour,
    fields: [
        /// The window starts after this day.
        window_start,
        /// The window ends on this day.
        as_of,
        /// Number of items fully paid in the window.
        items,
        /// Their original amounts, summed.
        amount,
        /// Sum of amount x days beyond terms.
        weighted_days,
        /// `weighted_days / amount`, in days (negative: early).
        days_beyond_terms,
        /// Sum of amount x score.
        weighted_score,
        /// `weighted_score / amount`, 0-100.
        payment_index,
    ],
    metrics: [days_beyond_terms, payment_index]
);

figures_class!(
    /// The smallest set of items (or customers) holding at least `target_share` of the
    /// open amount, largest first.
    PyPareto, "Pareto", Pareto,
    fields: [
        /// "items" or "customers".
        unit,
        /// The share the set must hold.
        target_share,
        /// Size of the set.
        count,
        /// Number of open items (or customers) in the row.
        total_count,
        /// `count / total_count`.
        count_share,
        /// Open amount held by the set.
        amount,
        /// Open amount of the row.
        total_amount,
        /// `amount / total_amount`.
        amount_share,
        /// Ids in the set, largest amount first.
        ids,
    ],
    metrics: []
);

figures_class!(
    /// Aging and every metric of one row of a portfolio summary.
    PySummary, "Summary", Summary,
    fields: [
        /// Aging figures.
        aging,
        /// Simple DSO, best possible DSO, average days delinquent.
        dso,
        /// Count-back DSO.
        count_back,
        /// Collection effectiveness index.
        cei,
        /// Days beyond terms and payment index.
        payment,
    ],
    metrics: []
);

// ---------------------------------------------------------------------------- rows

/// The figures a report row can hold.
// Rows live only as long as a report object and are few per report: boxing the large
// variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq)]
pub enum AnyRow {
    Aging(Row<AgingFigures>),
    Dso(Row<SimpleDso>),
    CountBack(Row<CountBackDso>),
    Cei(Row<Cei>),
    Payment(Row<PaymentBehaviour>),
    Pareto(Row<Pareto>),
    Summary(Row<Summary>),
}

macro_rules! on_row {
    ($row:expr, $r:ident => $body:expr) => {
        match $row {
            AnyRow::Aging($r) => $body,
            AnyRow::Dso($r) => $body,
            AnyRow::CountBack($r) => $body,
            AnyRow::Cei($r) => $body,
            AnyRow::Payment($r) => $body,
            AnyRow::Pareto($r) => $body,
            AnyRow::Summary($r) => $body,
        }
    };
}

/// One row of a report: a key (customer id, segment, group root id, or None for the
/// portfolio) in one currency, and its figures.
#[pyclass(name = "ReportRow", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyReportRow(pub AnyRow);

#[pymethods]
impl PyReportRow {
    /// Customer id, segment, group root id, or None (portfolio; customers without a
    /// segment).
    #[getter]
    fn key(&self) -> Option<String> {
        on_row!(&self.0, r => r.key.clone())
    }
    /// Customer name (customer rows) or group root's name (group rows).
    #[getter]
    fn name(&self) -> Option<String> {
        on_row!(&self.0, r => r.name.clone())
    }
    /// Currency of every amount in the row.
    #[getter]
    fn currency(&self) -> PyCurrency {
        PyCurrency(on_row!(&self.0, r => r.currency))
    }
    /// Number of customers that contributed to the row.
    #[getter]
    fn customers(&self) -> u64 {
        on_row!(&self.0, r => r.customers)
    }
    /// The figures (AgingFigures, SimpleDso, CountBackDso, Cei, PaymentBehaviour,
    /// Pareto or Summary).
    #[getter]
    fn figures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        on_row!(&self.0, r => r.figures.to_py(py))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let key = match self.key() {
            Some(k) => str_repr(py, &k)?,
            None => "None".to_owned(),
        };
        let mut s = format!("ReportRow(key={key}");
        if let Some(n) = self.name() {
            s.push_str(&format!(", name={}", str_repr(py, &n)?));
        }
        let c = on_row!(&self.0, r => r.currency);
        s.push_str(&format!(
            ", currency={}, customers={}, figures={})",
            crate::money::currency_arg_repr(c),
            self.customers(),
            py_repr(&self.figures(py)?)?
        ));
        Ok(s)
    }
}

fn rows_to_py<T: Clone>(rows: &[Row<T>], wrap: fn(Row<T>) -> AnyRow) -> Vec<PyReportRow> {
    rows.iter().cloned().map(|r| PyReportRow(wrap(r))).collect()
}

// ---------------------------------------------------------------------------- tables

/// Columns shared by every report table.
fn key_columns<T>(rows: &[Row<T>]) -> TableBuilder {
    TableBuilder::new()
        .col(
            "key",
            Col::Str(rows.iter().map(|r| r.key.clone()).collect()),
        )
        .col(
            "name",
            Col::Str(rows.iter().map(|r| r.name.clone()).collect()),
        )
        .col(
            "currency",
            Col::Str(
                rows.iter()
                    .map(|r| Some(r.currency.code().to_owned()))
                    .collect(),
            ),
        )
        .col(
            "customers",
            Col::Int(
                rows.iter()
                    .map(|r| i64::try_from(r.customers).ok())
                    .collect(),
            ),
        )
}

fn money_col<T>(rows: &[Row<T>], f: impl Fn(&T) -> Money) -> Col {
    Col::Dec(rows.iter().map(|r| Some(f(&r.figures).amount())).collect())
}

fn dec_col<T>(rows: &[Row<T>], f: impl Fn(&T) -> Decimal) -> Col {
    Col::Dec(rows.iter().map(|r| Some(f(&r.figures))).collect())
}

fn int_col<T>(rows: &[Row<T>], f: impl Fn(&T) -> u64) -> Col {
    Col::Int(
        rows.iter()
            .map(|r| i64::try_from(f(&r.figures)).ok())
            .collect(),
    )
}

fn date_col<T>(rows: &[Row<T>], f: impl Fn(&T) -> NaiveDate) -> Col {
    Col::Date(rows.iter().map(|r| Some(f(&r.figures))).collect())
}

/// A metric as two columns: its value (null when undefined) and `<name>_undefined`,
/// the reason (null when defined).
fn metric_cols<T>(
    b: TableBuilder,
    name: &str,
    rows: &[Row<T>],
    f: impl Fn(&T) -> MetricValue,
) -> TableBuilder {
    let values: Vec<MetricValue> = rows.iter().map(|r| f(&r.figures)).collect();
    b.col(
        name,
        Col::Dec(values.iter().map(MetricValue::value).collect()),
    )
    .col(
        &format!("{name}_undefined"),
        Col::Str(
            values
                .iter()
                .map(|v| match v {
                    MetricValue::Undefined(r) => Some(enum_to_str(r)),
                    MetricValue::Value(_) => None,
                })
                .collect(),
        ),
    )
}

fn aging_cols<T>(
    mut b: TableBuilder,
    rows: &[Row<T>],
    labels: &[String],
    prefix: &str,
    f: impl Fn(&T) -> &AgingFigures,
) -> TableBuilder {
    for (i, label) in labels.iter().enumerate() {
        b = b.col(
            &format!("{prefix}{label}"),
            Col::Dec(
                rows.iter()
                    .map(|r| f(&r.figures).buckets.get(i).map(Money::amount))
                    .collect(),
            ),
        );
    }
    b.col(&format!("{prefix}total"), money_col(rows, |x| f(x).total))
        .col(
            &format!("{prefix}disputed"),
            money_col(rows, |x| f(x).disputed),
        )
        .col(
            &format!("{prefix}credits"),
            money_col(rows, |x| f(x).credits),
        )
        .col(&format!("{prefix}net"), money_col(rows, |x| f(x).net))
        .col(&format!("{prefix}items"), int_col(rows, |x| f(x).items))
        .col(
            &format!("{prefix}credit_items"),
            int_col(rows, |x| f(x).credit_items),
        )
}

fn dso_cols<T>(
    b: TableBuilder,
    rows: &[Row<T>],
    p: &str,
    f: impl Fn(&T) -> &SimpleDso + Copy,
) -> TableBuilder {
    let b = b
        .col(&format!("{p}ar"), money_col(rows, |x| f(x).ar))
        .col(
            &format!("{p}current_ar"),
            money_col(rows, |x| f(x).current_ar),
        )
        .col(&format!("{p}sales"), money_col(rows, |x| f(x).sales))
        .col(&format!("{p}days"), int_col(rows, |x| u64::from(f(x).days)));
    let b = metric_cols(b, &format!("{p}dso"), rows, |x| f(x).dso);
    let b = metric_cols(b, &format!("{p}best_possible_dso"), rows, |x| {
        f(x).best_possible_dso
    });
    metric_cols(b, &format!("{p}average_days_delinquent"), rows, |x| {
        f(x).average_days_delinquent
    })
}

fn count_back_cols<T>(
    b: TableBuilder,
    rows: &[Row<T>],
    p: &str,
    f: impl Fn(&T) -> &CountBackDso + Copy,
) -> TableBuilder {
    let b = b.col(&format!("{p}ar"), money_col(rows, |x| f(x).ar));
    let b = metric_cols(b, &format!("{p}dso"), rows, |x| f(x).dso);
    b.col(
        &format!("{p}capped"),
        Col::Bool(rows.iter().map(|r| Some(f(&r.figures).capped)).collect()),
    )
}

fn cei_cols<T>(
    b: TableBuilder,
    rows: &[Row<T>],
    p: &str,
    f: impl Fn(&T) -> &Cei + Copy,
) -> TableBuilder {
    let b = b
        .col(&format!("{p}from"), date_col(rows, |x| f(x).from))
        .col(&format!("{p}to"), date_col(rows, |x| f(x).to))
        .col(
            &format!("{p}beginning_ar"),
            money_col(rows, |x| f(x).beginning_ar),
        )
        .col(&format!("{p}sales"), money_col(rows, |x| f(x).sales))
        .col(
            &format!("{p}sales_divisor"),
            int_col(rows, |x| u64::from(f(x).sales_divisor)),
        )
        .col(
            &format!("{p}ending_ar"),
            money_col(rows, |x| f(x).ending_ar),
        )
        .col(
            &format!("{p}ending_current_ar"),
            money_col(rows, |x| f(x).ending_current_ar),
        );
    // The index itself is "cei" with or without the prefix ("cei_cei" reads badly).
    metric_cols(b, "cei", rows, |x| f(x).cei)
}

fn payment_cols<T>(
    b: TableBuilder,
    rows: &[Row<T>],
    p: &str,
    f: impl Fn(&T) -> &PaymentBehaviour + Copy,
) -> TableBuilder {
    let b = b
        .col(
            &format!("{p}window_start"),
            date_col(rows, |x| f(x).window_start),
        )
        .col(&format!("{p}paid_items"), int_col(rows, |x| f(x).items))
        .col(&format!("{p}paid_amount"), money_col(rows, |x| f(x).amount))
        .col(
            &format!("{p}weighted_days"),
            dec_col(rows, |x| f(x).weighted_days),
        );
    let b = metric_cols(b, &format!("{p}days_beyond_terms"), rows, |x| {
        f(x).days_beyond_terms
    });
    let b = b.col(
        &format!("{p}weighted_score"),
        dec_col(rows, |x| f(x).weighted_score),
    );
    metric_cols(b, &format!("{p}payment_index"), rows, |x| {
        f(x).payment_index
    })
}

fn pareto_cols(rows: &[Row<Pareto>]) -> TableBuilder {
    key_columns(rows)
        .col(
            "unit",
            Col::Str(
                rows.iter()
                    .map(|r| Some(enum_to_str(&r.figures.unit)))
                    .collect(),
            ),
        )
        .col("target_share", dec_col(rows, |x| x.target_share))
        .col("count", int_col(rows, |x| x.count))
        .col("total_count", int_col(rows, |x| x.total_count))
        .col("count_share", dec_col(rows, |x| x.count_share))
        .col("amount", money_col(rows, |x| x.amount))
        .col("total_amount", money_col(rows, |x| x.total_amount))
        .col("amount_share", dec_col(rows, |x| x.amount_share))
}

fn summary_cols(rows: &[Row<Summary>], labels: &[String]) -> TableBuilder {
    let b = aging_cols(key_columns(rows), rows, labels, "", |s| &s.aging);
    let b = dso_cols(b, rows, "", |s| &s.dso);
    let b = count_back_cols(b, rows, "count_back_", |s| &s.count_back);
    let b = cei_cols(b, rows, "cei_", |s| &s.cei);
    payment_cols(b, rows, "", |s| &s.payment)
}

fn any_table(rows: &[AnyRow], labels: &[String]) -> PyResult<PyTable> {
    macro_rules! collect_as {
        ($v:ident) => {
            rows.iter()
                .filter_map(|r| match r {
                    AnyRow::$v(x) => Some(x.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
    }
    let b = match rows.first() {
        None | Some(AnyRow::Aging(_)) => {
            let rs = collect_as!(Aging);
            aging_cols(key_columns(&rs), &rs, labels, "", |x| x)
        }
        Some(AnyRow::Dso(_)) => {
            let rs = collect_as!(Dso);
            dso_cols(key_columns(&rs), &rs, "", |x| x)
        }
        Some(AnyRow::CountBack(_)) => {
            let rs = collect_as!(CountBack);
            count_back_cols(key_columns(&rs), &rs, "", |x| x)
        }
        Some(AnyRow::Cei(_)) => {
            let rs = collect_as!(Cei);
            cei_cols(key_columns(&rs), &rs, "", |x| x)
        }
        Some(AnyRow::Payment(_)) => {
            let rs = collect_as!(Payment);
            payment_cols(key_columns(&rs), &rs, "", |x| x)
        }
        Some(AnyRow::Pareto(_)) => pareto_cols(&collect_as!(Pareto)),
        Some(AnyRow::Summary(_)) => summary_cols(&collect_as!(Summary), labels),
    };
    b.finish()
}

// ---------------------------------------------------------------------------- conversion

/// A currency conversion applied to a report: the base, the rounding, and the rate
/// used from each other currency.
#[pyclass(name = "Conversion", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyConversion(pub Conversion);

#[pymethods]
impl PyConversion {
    /// The currency everything was converted to.
    #[getter]
    fn base(&self) -> PyCurrency {
        PyCurrency(self.0.base)
    }
    /// How converted amounts were rounded.
    #[getter]
    fn rounding(&self) -> String {
        enum_to_str(&self.0.rounding)
    }
    /// (from, to, rate) for each other currency.
    #[getter]
    fn rates<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Vec<(PyCurrency, PyCurrency, Bound<'py, PyAny>)>> {
        self.0
            .rates
            .iter()
            .map(|r| {
                Ok((
                    PyCurrency(r.from),
                    PyCurrency(r.to),
                    decimal_to_py(py, r.rate)?,
                ))
            })
            .collect()
    }
    fn __repr__(&self) -> String {
        let rates: Vec<String> = self
            .0
            .rates
            .iter()
            .map(|r| format!("{}/{} {}", r.from.code(), r.to.code(), r.rate))
            .collect();
        format!(
            "Conversion(base='{}', rounding='{}', rates=[{}])",
            self.0.base.code(),
            enum_to_str(&self.0.rounding),
            rates.join(", ")
        )
    }
}

fn conversion_to_py(c: &Option<Conversion>) -> Option<PyConversion> {
    c.clone().map(PyConversion)
}

fn fx_args(
    fx: &PyFxRates,
    base: &Bound<'_, PyAny>,
    mode: &str,
) -> PyResult<(Currency, RoundingMode)> {
    let _ = fx;
    Ok((
        crate::convert::currency_from_py(base)?,
        rounding_from_str(mode)?,
    ))
}

fn json_of<T: Serialize>(v: &T) -> PyResult<String> {
    to_json(v, None)
}

fn parse<T: DeserializeOwned>(data: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    from_json(data, what)
}

// ---------------------------------------------------------------------------- aging report

/// An aging report as of a date: rows per key and currency, totals per currency.
/// `report.table` (or `pl.DataFrame(report)`, `report.to_pandas()`) gives one row per
/// key and currency with a column per bucket.
#[pyclass(name = "AgingReport", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyAgingReport(pub AgingReport);

#[pymethods]
impl PyAgingReport {
    /// The day the report is taken at the end of.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.as_of)
    }
    /// "customer", "segment", "group" or "portfolio".
    #[getter]
    fn group_by(&self) -> String {
        enum_to_str(&self.0.group_by)
    }
    /// Upper edges of the buckets, in days overdue.
    #[getter]
    fn edges(&self) -> Vec<i64> {
        self.0.buckets.edges().to_vec()
    }
    /// One label per bucket ("not_due", "1-30", …, ">180").
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.0.labels.clone()
    }
    /// One row per key and currency, sorted by key then currency.
    #[getter]
    fn rows(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.rows, AnyRow::Aging)
    }
    /// One row per currency (one row after conversion), key None.
    #[getter]
    fn totals(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.totals, AnyRow::Aging)
    }
    /// The conversion applied, if any.
    #[getter]
    fn conversion(&self) -> Option<PyConversion> {
        conversion_to_py(&self.0.conversion)
    }
    /// The rows as a Table: key, name, currency, customers, one column per bucket,
    /// total, disputed, credits, net, items, credit_items.
    #[getter]
    fn table(&self) -> PyResult<PyTable> {
        let rows: Vec<AnyRow> = self.0.rows.iter().cloned().map(AnyRow::Aging).collect();
        any_table(&rows, &self.0.labels)
    }
    /// The totals as a Table, with the same columns.
    #[getter]
    fn totals_table(&self) -> PyResult<PyTable> {
        let rows: Vec<AnyRow> = self.0.totals.iter().cloned().map(AnyRow::Aging).collect();
        any_table(&rows, &self.0.labels)
    }
    /// The report in one currency with caller-given rates: rows of a key merged, one
    /// total row. Raises MoneyError naming the pair when a rate is missing.
    #[pyo3(signature = (fx, base, mode = "half_up"))]
    fn converted(
        &self,
        fx: PyRef<'_, PyFxRates>,
        base: &Bound<'_, PyAny>,
        mode: &str,
    ) -> PyResult<Self> {
        let (base, mode) = fx_args(&fx, base, mode)?;
        self.0.converted(&fx.0, base, mode).py().map(PyAgingReport)
    }
    /// Export the rows table through the Arrow PyCapsule interface.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyCapsule>> {
        self.table()?.arrow_c_stream(py, requested_schema)
    }
    /// The rows table as a pandas DataFrame.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_pandas")
    }
    /// The rows table as a polars DataFrame.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_polars")
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.0)
    }
    /// A report from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        parse(data, "aging report").map(PyAgingReport)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        format!(
            "AgingReport(as_of={}, group_by='{}', labels={:?}, rows={}, totals={})",
            crate::convert::date_repr(self.0.as_of),
            enum_to_str(&self.0.group_by),
            self.0.labels,
            self.0.rows.len(),
            self.0.totals.len()
        )
    }
}

fn table_call<'py>(py: Python<'py>, t: PyTable, method: &str) -> PyResult<Bound<'py, PyAny>> {
    Bound::new(py, t)?.call_method0(method)
}

// ---------------------------------------------------------------------------- metric report

/// A metrics report: one row per key and currency, each with its figures (SimpleDso,
/// CountBackDso, Cei, PaymentBehaviour or Pareto). `report.table` (or
/// `pl.DataFrame(report)`, `report.to_pandas()`) has one column per figure; a metric
/// without a value is null with its reason in `<metric>_undefined`.
#[pyclass(name = "MetricReport", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyMetricReport {
    kind: &'static str,
    rows: Vec<AnyRow>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "rows", rename_all = "snake_case")]
enum MetricRows {
    Dso(Vec<Row<SimpleDso>>),
    CountBack(Vec<Row<CountBackDso>>),
    Cei(Vec<Row<Cei>>),
    PaymentBehaviour(Vec<Row<PaymentBehaviour>>),
    Pareto(Vec<Row<Pareto>>),
}

impl PyMetricReport {
    fn from_rows(rows: MetricRows) -> Self {
        match rows {
            MetricRows::Dso(r) => PyMetricReport {
                kind: "dso",
                rows: r.into_iter().map(AnyRow::Dso).collect(),
            },
            MetricRows::CountBack(r) => PyMetricReport {
                kind: "count_back",
                rows: r.into_iter().map(AnyRow::CountBack).collect(),
            },
            MetricRows::Cei(r) => PyMetricReport {
                kind: "cei",
                rows: r.into_iter().map(AnyRow::Cei).collect(),
            },
            MetricRows::PaymentBehaviour(r) => PyMetricReport {
                kind: "payment_behaviour",
                rows: r.into_iter().map(AnyRow::Payment).collect(),
            },
            MetricRows::Pareto(r) => PyMetricReport {
                kind: "pareto",
                rows: r.into_iter().map(AnyRow::Pareto).collect(),
            },
        }
    }

    fn to_rows(&self) -> MetricRows {
        macro_rules! pick {
            ($v:ident) => {
                self.rows
                    .iter()
                    .filter_map(|r| match r {
                        AnyRow::$v(x) => Some(x.clone()),
                        _ => None,
                    })
                    .collect()
            };
        }
        match self.kind {
            "dso" => MetricRows::Dso(pick!(Dso)),
            "count_back" => MetricRows::CountBack(pick!(CountBack)),
            "cei" => MetricRows::Cei(pick!(Cei)),
            "payment_behaviour" => MetricRows::PaymentBehaviour(pick!(Payment)),
            _ => MetricRows::Pareto(pick!(Pareto)),
        }
    }
}

fn converted_rows<T: Figures + Clone>(
    rows: &[Row<T>],
    fx: &PyFxRates,
    base: Currency,
    mode: RoundingMode,
) -> PyResult<Vec<Row<T>>> {
    encours_core::metrics::rows_in_base(rows, &fx.0, base, mode).py()
}

#[pymethods]
impl PyMetricReport {
    /// "dso", "count_back", "cei", "payment_behaviour" or "pareto".
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }
    /// One row per key and currency, sorted by key then currency.
    #[getter]
    fn rows(&self) -> Vec<PyReportRow> {
        self.rows.iter().cloned().map(PyReportRow).collect()
    }
    /// The rows as a Table.
    #[getter]
    fn table(&self) -> PyResult<PyTable> {
        any_table(&self.rows, &[])
    }
    /// The report in one currency with caller-given rates: rows of a key merged and
    /// ratios recomputed from the converted inputs. Not available for Pareto sets
    /// (rank across currencies with `Ledger.pareto(..., fx=, base=)`).
    #[pyo3(signature = (fx, base, mode = "half_up"))]
    fn converted(
        &self,
        fx: PyRef<'_, PyFxRates>,
        base: &Bound<'_, PyAny>,
        mode: &str,
    ) -> PyResult<Self> {
        let (base, mode) = fx_args(&fx, base, mode)?;
        let rows = match self.to_rows() {
            MetricRows::Dso(r) => MetricRows::Dso(converted_rows(&r, &fx, base, mode)?),
            MetricRows::CountBack(r) => MetricRows::CountBack(converted_rows(&r, &fx, base, mode)?),
            MetricRows::Cei(r) => MetricRows::Cei(converted_rows(&r, &fx, base, mode)?),
            MetricRows::PaymentBehaviour(r) => {
                MetricRows::PaymentBehaviour(converted_rows(&r, &fx, base, mode)?)
            }
            MetricRows::Pareto(_) => {
                return Err(crate::errors::new_err(
                    crate::errors::Kind::Report,
                    "not_convertible",
                    "a Pareto set cannot be converted after the fact: rank in one currency with Ledger.pareto(..., fx=..., base=...)",
                ));
            }
        };
        Ok(Self::from_rows(rows))
    }
    /// Export the table through the Arrow PyCapsule interface.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyCapsule>> {
        self.table()?.arrow_c_stream(py, requested_schema)
    }
    /// The table as a pandas DataFrame.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_pandas")
    }
    /// The table as a polars DataFrame.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_polars")
    }
    /// The JSON form: `{"kind": ..., "rows": [...]}` with the core's serde rows.
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.to_rows())
    }
    /// A report from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        parse::<MetricRows>(data, "metric report").map(Self::from_rows)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json()?)
    }
    fn __len__(&self) -> usize {
        self.rows.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "MetricReport(kind='{}', rows={})",
            self.kind,
            self.rows.len()
        )
    }
}

// ---------------------------------------------------------------------------- summary

/// Aging and every metric per key and for the portfolio, from one pass over the
/// ledger, with the settings used.
#[pyclass(name = "PortfolioSummary", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyPortfolioSummary(pub PortfolioSummary);

#[pymethods]
impl PyPortfolioSummary {
    /// The settings used, as a dict of the core's serde form (as_of, buckets,
    /// dso_days, cei_from, cei_sales_divisor, payment_window_days, payment_index,
    /// pareto_share).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?
            .call_method1("loads", (json_of(&self.0.config)?,))
    }
    /// The as-of date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.config.as_of)
    }
    /// "customer", "segment", "group" or "portfolio".
    #[getter]
    fn group_by(&self) -> String {
        enum_to_str(&self.0.group_by)
    }
    /// Aging bucket labels.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.0.labels.clone()
    }
    /// One row per key and currency (figures: Summary).
    #[getter]
    fn rows(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.rows, AnyRow::Summary)
    }
    /// The whole portfolio: one row per currency (one after conversion).
    #[getter]
    fn portfolio(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.portfolio, AnyRow::Summary)
    }
    /// Portfolio-wide Pareto set of open items, per currency.
    #[getter]
    fn pareto_items(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.pareto_items, AnyRow::Pareto)
    }
    /// Portfolio-wide Pareto set of customers, per currency.
    #[getter]
    fn pareto_customers(&self) -> Vec<PyReportRow> {
        rows_to_py(&self.0.pareto_customers, AnyRow::Pareto)
    }
    /// The conversion applied, if any.
    #[getter]
    fn conversion(&self) -> Option<PyConversion> {
        conversion_to_py(&self.0.conversion)
    }
    /// The rows as one wide Table: aging columns, dso columns, `count_back_*`,
    /// `cei_*`, and payment behaviour columns.
    #[getter]
    fn table(&self) -> PyResult<PyTable> {
        summary_cols(&self.0.rows, &self.0.labels).finish()
    }
    /// The portfolio rows as a Table with the same columns.
    #[getter]
    fn portfolio_table(&self) -> PyResult<PyTable> {
        summary_cols(&self.0.portfolio, &self.0.labels).finish()
    }
    /// The aging part as an AgingReport.
    fn aging_report(&self) -> PyResult<PyAgingReport> {
        self.0.aging_report().py().map(PyAgingReport)
    }
    /// The summary in one currency with caller-given rates.
    #[pyo3(signature = (fx, base, mode = "half_up"))]
    fn converted(
        &self,
        fx: PyRef<'_, PyFxRates>,
        base: &Bound<'_, PyAny>,
        mode: &str,
    ) -> PyResult<Self> {
        let (base, mode) = fx_args(&fx, base, mode)?;
        self.0
            .converted(&fx.0, base, mode)
            .py()
            .map(PyPortfolioSummary)
    }
    /// Export the rows table through the Arrow PyCapsule interface.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyCapsule>> {
        self.table()?.arrow_c_stream(py, requested_schema)
    }
    /// The rows table as a pandas DataFrame.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_pandas")
    }
    /// The rows table as a polars DataFrame.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table_call(py, self.table()?, "to_polars")
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        json_of(&self.0)
    }
    /// A summary from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        parse(data, "portfolio summary").map(PyPortfolioSummary)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce_json(slf, slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        format!(
            "PortfolioSummary(as_of={}, group_by='{}', rows={}, portfolio={})",
            crate::convert::date_repr(self.0.config.as_of),
            enum_to_str(&self.0.group_by),
            self.0.rows.len(),
            self.0.portfolio.len()
        )
    }
}

// ---------------------------------------------------------------------------- settings

/// Aging buckets from their upper edges (None: the standard 0, 30, 60, 90, 180).
pub fn buckets_from(edges: Option<Vec<i64>>) -> PyResult<AgingBuckets> {
    match edges {
        None => Ok(AgingBuckets::standard()),
        Some(e) => AgingBuckets::new(e).py(),
    }
}

/// A group-by choice from its name.
pub fn group_by_from(s: &str) -> PyResult<GroupBy> {
    enum_from_str("group_by", s)
}

/// A Pareto unit from its name.
pub fn pareto_unit_from(s: &str) -> PyResult<ParetoUnit> {
    enum_from_str("pareto unit", s)
}

/// A payment index scale from (days beyond terms, score) anchors (None: PAYDEX).
pub fn scale_from(anchors: Option<&Bound<'_, PyAny>>) -> PyResult<PaymentIndexScale> {
    let Some(anchors) = anchors.filter(|a| !a.is_none()) else {
        return Ok(PaymentIndexScale::paydex());
    };
    let mut out = Vec::new();
    for a in anchors.try_iter()? {
        let a = a?;
        let pair = a.cast::<PyTuple>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(
                "payment index anchors must be (days, score) tuples",
            )
        })?;
        let (days, score): (i64, Bound<'_, PyAny>) = pair.extract()?;
        out.push(IndexAnchor {
            days_beyond_terms: days,
            score: crate::convert::decimal_from_py(&score, "score", "score")?,
        });
    }
    PaymentIndexScale::new(out).py()
}

/// The summary settings, from keyword arguments with the core's defaults.
#[allow(clippy::too_many_arguments)]
pub fn summary_config(
    as_of: NaiveDate,
    buckets: Option<Vec<i64>>,
    dso_days: u32,
    cei_from: Option<NaiveDate>,
    cei_sales_divisor: u32,
    payment_window_days: u32,
    payment_index: Option<&Bound<'_, PyAny>>,
    pareto_share: Decimal,
) -> PyResult<SummaryConfig> {
    let config = SummaryConfig {
        as_of,
        buckets: buckets_from(buckets)?,
        dso_days,
        cei_from,
        cei_sales_divisor,
        payment_window_days,
        payment_index: scale_from(payment_index)?,
        pareto_share,
    };
    config.validate().py()?;
    Ok(config)
}

/// Wrap core results.
pub fn aging_report(r: AgingReport) -> PyAgingReport {
    PyAgingReport(r)
}
pub fn dso_report(r: Vec<Row<SimpleDso>>) -> PyMetricReport {
    PyMetricReport::from_rows(MetricRows::Dso(r))
}
pub fn count_back_report(r: Vec<Row<CountBackDso>>) -> PyMetricReport {
    PyMetricReport::from_rows(MetricRows::CountBack(r))
}
pub fn cei_report(r: Vec<Row<Cei>>) -> PyMetricReport {
    PyMetricReport::from_rows(MetricRows::Cei(r))
}
pub fn payment_report(r: Vec<Row<PaymentBehaviour>>) -> PyMetricReport {
    PyMetricReport::from_rows(MetricRows::PaymentBehaviour(r))
}
pub fn pareto_report(r: Vec<Row<Pareto>>) -> PyMetricReport {
    PyMetricReport::from_rows(MetricRows::Pareto(r))
}
pub fn summary_report(r: PortfolioSummary) -> PyPortfolioSummary {
    PyPortfolioSummary(r)
}

/// Register the report classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAgingFigures>()?;
    m.add_class::<PySimpleDso>()?;
    m.add_class::<PyCountBackMonth>()?;
    m.add_class::<PyCountBackDso>()?;
    m.add_class::<PyCei>()?;
    m.add_class::<PyPaymentBehaviour>()?;
    m.add_class::<PyPareto>()?;
    m.add_class::<PySummary>()?;
    m.add_class::<PyReportRow>()?;
    m.add_class::<PyConversion>()?;
    m.add_class::<PyAgingReport>()?;
    m.add_class::<PyMetricReport>()?;
    m.add_class::<PyPortfolioSummary>()?;
    Ok(())
}
