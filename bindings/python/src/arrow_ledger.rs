//! `Ledger.from_arrow`: Arrow columns straight into the core's bulk import
//! (`encours_core::ledger::columns`). Integer ids stay integers, `decimal128` amounts
//! go in as their scaled integers, `date32` as day numbers: no Python or Rust record
//! object is made per row. Each batch is handed to the builder as it is.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal32Type, Decimal64Type, Decimal128Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use encours_core::ledger::columns::{
    Amounts, ApplicationColumns, Currencies, CustomerColumns, Ids, ItemColumns, LedgerBuilder,
    NULL_DAY, PaymentColumns, TextColumn,
};
use encours_core::ledger::{ItemKind, Ledger, MatchRule};
use encours_core::money::Currency;
use pyo3::prelude::*;

use crate::arrow_in::{CellErr, InTable, IntegerAmounts, cell_err, currency_cell, null_err};
use crate::convert::enum_from_str;
use crate::errors::{CoreResult, table_err};

/// A text column of an Arrow array (string, large string, string view, or a
/// dictionary of them); integers are written out once per batch.
pub enum ArrowText<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Dict {
        keys: Vec<usize>,
        valid: &'a dyn Array,
        values: Box<ArrowText<'a>>,
    },
    Owned(Vec<Option<String>>),
}

impl TextColumn for ArrowText<'_> {
    fn len(&self) -> usize {
        match self {
            ArrowText::Utf8(a) => a.len(),
            ArrowText::Large(a) => a.len(),
            ArrowText::View(a) => a.len(),
            ArrowText::Dict { keys, .. } => keys.len(),
            ArrowText::Owned(v) => v.len(),
        }
    }

    fn get(&self, row: usize) -> Option<&str> {
        match self {
            ArrowText::Utf8(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            ArrowText::Large(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            ArrowText::View(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            ArrowText::Dict {
                keys,
                valid,
                values,
            } => {
                if row >= valid.len() || !valid.is_valid(row) {
                    return None;
                }
                values.get(*keys.get(row)?)
            }
            ArrowText::Owned(v) => TextColumn::get(v, row),
        }
    }
}

fn type_err(t: &InTable, col: usize, dt: &DataType, expected: &str) -> PyErr {
    table_err(
        "column_type",
        format!(
            "{} column {} has type {dt}: expected {expected}",
            t.name,
            t.col_name(col)
        ),
    )
}

fn ints_to_text<T: ArrowPrimitiveType>(a: &dyn Array) -> ArrowText<'static>
where
    T::Native: ToString,
{
    let a = a.as_primitive::<T>();
    ArrowText::Owned(
        (0..a.len())
            .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
            .collect(),
    )
}

/// A text view of a string, dictionary or integer column.
pub fn text<'a>(t: &InTable, col: usize, array: &'a dyn Array) -> PyResult<ArrowText<'a>> {
    Ok(match array.data_type() {
        DataType::Utf8 => ArrowText::Utf8(array.as_string::<i32>()),
        DataType::LargeUtf8 => ArrowText::Large(array.as_string::<i64>()),
        DataType::Utf8View => ArrowText::View(array.as_string_view()),
        DataType::Dictionary(_, _) => {
            let Some(dict) = array.as_any_dictionary_opt() else {
                return Err(type_err(t, col, array.data_type(), "text"));
            };
            ArrowText::Dict {
                keys: dict.normalized_keys(),
                valid: array,
                values: Box::new(text(t, col, dict.values().as_ref())?),
            }
        }
        DataType::Int8 => ints_to_text::<Int8Type>(array),
        DataType::Int16 => ints_to_text::<Int16Type>(array),
        DataType::Int32 => ints_to_text::<Int32Type>(array),
        DataType::Int64 => ints_to_text::<Int64Type>(array),
        DataType::UInt8 => ints_to_text::<UInt8Type>(array),
        DataType::UInt16 => ints_to_text::<UInt16Type>(array),
        DataType::UInt32 => ints_to_text::<UInt32Type>(array),
        DataType::UInt64 => ints_to_text::<UInt64Type>(array),
        other => {
            return Err(type_err(
                t,
                col,
                other,
                "text (string, large_string, string_view), an integer id, or a dictionary of text",
            ));
        }
    })
}

/// An id column: integers kept as `i64` (borrowed for int64), text as text.
pub enum IdCol<'a> {
    Int(std::borrow::Cow<'a, [i64]>),
    Text(ArrowText<'a>),
}

impl IdCol<'_> {
    pub fn ids(&self) -> Ids<'_> {
        match self {
            IdCol::Int(v) => Ids::Int(v),
            IdCol::Text(t) => Ids::Text(t),
        }
    }
}

fn widen<T: ArrowPrimitiveType>(a: &dyn Array) -> Option<Vec<i64>>
where
    T::Native: TryInto<i64>,
{
    let a = a.as_primitive::<T>();
    a.values().iter().map(|v| (*v).try_into().ok()).collect()
}

/// The first null row of a required column, as an error.
fn no_nulls(t: &InTable, base: usize, col: usize, array: &dyn Array) -> PyResult<()> {
    if array.null_count() == 0 {
        return Ok(());
    }
    let row = (0..array.len()).find(|i| array.is_null(*i)).unwrap_or(0);
    Err(null_err(t, base + row, col))
}

/// A required id column.
pub fn ids<'a>(t: &InTable, base: usize, col: usize, array: &'a dyn Array) -> PyResult<IdCol<'a>> {
    no_nulls(t, base, col, array)?;
    id_col(t, col, array)
}

/// An id column that may hold nulls (integers with nulls go through text).
fn id_col<'a>(t: &InTable, col: usize, array: &'a dyn Array) -> PyResult<IdCol<'a>> {
    let ints = match array.data_type() {
        _ if array.null_count() > 0 => None,
        DataType::Int64 => {
            return Ok(IdCol::Int(std::borrow::Cow::Borrowed(
                array.as_primitive::<Int64Type>().values(),
            )));
        }
        DataType::Int8 => widen::<Int8Type>(array),
        DataType::Int16 => widen::<Int16Type>(array),
        DataType::Int32 => widen::<Int32Type>(array),
        DataType::UInt8 => widen::<UInt8Type>(array),
        DataType::UInt16 => widen::<UInt16Type>(array),
        DataType::UInt32 => widen::<UInt32Type>(array),
        DataType::UInt64 => widen::<UInt64Type>(array),
        _ => None,
    };
    match ints {
        Some(v) => Ok(IdCol::Int(std::borrow::Cow::Owned(v))),
        None => text(t, col, array).map(IdCol::Text),
    }
}

/// An amount column.
pub enum AmountCol<'a> {
    Minor(std::borrow::Cow<'a, [i64]>),
    Scaled(std::borrow::Cow<'a, [i128]>, i8),
    Text(ArrowText<'a>),
}

impl AmountCol<'_> {
    pub fn amounts(&self) -> Amounts<'_> {
        match self {
            AmountCol::Minor(v) => Amounts::Minor(v),
            AmountCol::Scaled(v, s) => Amounts::Scaled {
                values: v,
                scale: *s,
            },
            AmountCol::Text(t) => Amounts::Text(t),
        }
    }
}

fn wide<T: ArrowPrimitiveType>(a: &dyn Array) -> Vec<i128>
where
    T::Native: Into<i128>,
{
    a.as_primitive::<T>()
        .values()
        .iter()
        .map(|v| (*v).into())
        .collect()
}

/// A required amount column: decimals as scaled integers, integers as minor or major
/// units when the caller said which, exact text. Floats are refused.
pub fn amounts<'a>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &'a dyn Array,
    ints: IntegerAmounts,
) -> PyResult<AmountCol<'a>> {
    no_nulls(t, base, col, array)?;
    amount_col(t, base, col, array, ints)
}

fn amount_col<'a>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &'a dyn Array,
    ints: IntegerAmounts,
) -> PyResult<AmountCol<'a>> {
    use std::borrow::Cow;
    let dt = array.data_type();
    let int = |v: Vec<i128>| match ints {
        IntegerAmounts::Major => Ok(AmountCol::Scaled(Cow::Owned(v), 0)),
        _ => Ok(AmountCol::Minor(Cow::Owned(
            v.into_iter()
                .map(|x| i64::try_from(x).unwrap_or(i64::MAX))
                .collect(),
        ))),
    };
    match dt {
        DataType::Decimal128(_, s) => Ok(AmountCol::Scaled(
            Cow::Borrowed(array.as_primitive::<Decimal128Type>().values()),
            *s,
        )),
        DataType::Decimal64(_, s) => Ok(AmountCol::Scaled(
            Cow::Owned(wide::<Decimal64Type>(array)),
            *s,
        )),
        DataType::Decimal32(_, s) => Ok(AmountCol::Scaled(
            Cow::Owned(wide::<Decimal32Type>(array)),
            *s,
        )),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            text_amounts(t, base, col, array)
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            if ints == IntegerAmounts::Refuse {
                return Err(table_err(
                    "column_type",
                    format!(
                        "{} column {} has type {dt}: integer amounts need integer_amounts=\"minor\" (cents) or \"major\" (whole units) to say what they count",
                        t.name,
                        t.col_name(col)
                    ),
                ));
            }
            match (dt, ints) {
                (DataType::Int64, IntegerAmounts::Minor) => Ok(AmountCol::Minor(Cow::Borrowed(
                    array.as_primitive::<Int64Type>().values(),
                ))),
                (DataType::Int8, _) => int(wide::<Int8Type>(array)),
                (DataType::Int16, _) => int(wide::<Int16Type>(array)),
                (DataType::Int32, _) => int(wide::<Int32Type>(array)),
                (DataType::Int64, _) => int(wide::<Int64Type>(array)),
                (DataType::UInt8, _) => int(wide::<UInt8Type>(array)),
                (DataType::UInt16, _) => int(wide::<UInt16Type>(array)),
                (DataType::UInt32, _) => int(wide::<UInt32Type>(array)),
                _ => int(wide::<UInt64Type>(array)),
            }
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Err(table_err(
            "float_amount",
            format!(
                "{} column {} has type {dt}: money must be decimal128, string or integer minor units (integer_amounts=\"minor\"), never float, which cannot hold cents exactly; read CSV amounts as decimal or text (pyarrow: ConvertOptions(column_types={{\"{}\": pa.decimal128(18, 2)}}); polars: schema_overrides={{\"{}\": pl.Decimal(18, 2)}}; pandas: dtype={{\"{}\": str}})",
                t.name,
                t.col_name(col),
                t.col_name(col),
                t.col_name(col),
                t.col_name(col)
            ),
        )),
        other => Err(type_err(
            t,
            col,
            other,
            "decimal128, exact text, or integers with integer_amounts",
        )),
    }
}

/// Exact decimal text parsed once into scaled integers at the largest scale of the
/// batch (nulls stay text nulls), each bad cell named by row and column.
fn text_amounts<'a>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &'a dyn Array,
) -> PyResult<AmountCol<'a>> {
    let s = text(t, col, array)?;
    if array.null_count() > 0 {
        return Ok(AmountCol::Text(s));
    }
    let mut parsed = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        let v = s.get(i).unwrap_or_default();
        let m = encours_core::money::Money::parse(v, Currency::EUR)
            .map_err(|e| cell_err(t, base + i, col, CellErr::Money(e)))?;
        parsed.push((m.amount().mantissa(), m.amount().scale()));
    }
    let scale = parsed.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let mut values = Vec::with_capacity(parsed.len());
    for (i, (m, sc)) in parsed.into_iter().enumerate() {
        let v = 10i128
            .checked_pow(scale - sc)
            .and_then(|p| m.checked_mul(p))
            .ok_or_else(|| {
                cell_err(
                    t,
                    base + i,
                    col,
                    CellErr::Money(encours_core::money::MoneyError::Overflow {
                        operation: "read amount",
                    }),
                )
            })?;
        values.push(v);
    }
    Ok(AmountCol::Scaled(
        std::borrow::Cow::Owned(values),
        i8::try_from(scale).unwrap_or(28),
    ))
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn per_day<T: ArrowPrimitiveType<Native = i64>>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &dyn Array,
    per_day: i64,
    unit: &str,
) -> PyResult<Vec<i32>> {
    let a = array.as_primitive::<T>();
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        if a.is_null(i) {
            out.push(NULL_DAY);
            continue;
        }
        let v = a.value(i);
        if v.rem_euclid(per_day) != 0 {
            return Err(cell_err(
                t,
                base + i,
                col,
                CellErr::Other(
                    "not_a_date",
                    format!(
                        "{v} {unit} since 1970-01-01 is not midnight: dates must have no time of day"
                    ),
                ),
            ));
        }
        let days = i32::try_from(v.div_euclid(per_day)).map_err(|_| {
            cell_err(
                t,
                base + i,
                col,
                CellErr::Other(
                    "date_out_of_range",
                    format!("{v} {unit} since 1970-01-01 is out of range"),
                ),
            )
        })?;
        out.push(days);
    }
    Ok(out)
}

/// A date column as day numbers since 1970-01-01 (`NULL_DAY` for a null): date32 is
/// borrowed as it is; date64, tz-naive timestamps at midnight and ISO text converted.
/// Years outside 1–9999 are refused by the core, naming the record.
pub fn days<'a>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &'a dyn Array,
) -> PyResult<std::borrow::Cow<'a, [i32]>> {
    use std::borrow::Cow;
    Ok(match array.data_type() {
        DataType::Date32 if array.null_count() == 0 => {
            Cow::Borrowed(array.as_primitive::<Date32Type>().values())
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            Cow::Owned(
                (0..a.len())
                    .map(|i| if a.is_null(i) { NULL_DAY } else { a.value(i) })
                    .collect(),
            )
        }
        DataType::Date64 => Cow::Owned(per_day::<Date64Type>(
            t,
            base,
            col,
            array,
            86_400_000,
            "milliseconds",
        )?),
        DataType::Timestamp(unit, None) => Cow::Owned(match unit {
            TimeUnit::Second => {
                per_day::<TimestampSecondType>(t, base, col, array, 86_400, "seconds")?
            }
            TimeUnit::Millisecond => per_day::<TimestampMillisecondType>(
                t,
                base,
                col,
                array,
                86_400_000,
                "milliseconds",
            )?,
            TimeUnit::Microsecond => per_day::<TimestampMicrosecondType>(
                t,
                base,
                col,
                array,
                86_400_000_000,
                "microseconds",
            )?,
            TimeUnit::Nanosecond => per_day::<TimestampNanosecondType>(
                t,
                base,
                col,
                array,
                86_400_000_000_000,
                "nanoseconds",
            )?,
        }),
        DataType::Timestamp(_, Some(tz)) => {
            return Err(type_err(
                t,
                col,
                array.data_type(),
                &format!(
                    "a date (date32); a timestamp with time zone {tz} is not a date: convert it to local dates first"
                ),
            ));
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
            let s = text(t, col, array)?;
            let mut out = Vec::with_capacity(s.len());
            for i in 0..s.len() {
                match s.get(i) {
                    None => out.push(NULL_DAY),
                    Some(v) => {
                        let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|e| {
                            cell_err(
                                t,
                                base + i,
                                col,
                                CellErr::Other(
                                    "not_a_date",
                                    format!("\"{v}\" is not an ISO date YYYY-MM-DD ({e})"),
                                ),
                            )
                        })?;
                        out.push(i32::try_from((d - EPOCH).num_days()).unwrap_or(NULL_DAY));
                    }
                }
            }
            Cow::Owned(out)
        }
        other => {
            return Err(type_err(
                t,
                col,
                other,
                "date32 (or date64, a timestamp at midnight, ISO text)",
            ));
        }
    })
}

/// A required date column.
fn req_days<'a>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &'a dyn Array,
) -> PyResult<std::borrow::Cow<'a, [i32]>> {
    no_nulls(t, base, col, array)?;
    days(t, base, col, array)
}

/// Per-row currencies from a code column (`None` for nulls).
fn currencies(
    t: &InTable,
    base: usize,
    col: usize,
    array: &dyn Array,
) -> PyResult<Vec<Option<Currency>>> {
    let s = text(t, col, array)?;
    let mut cache = Vec::new();
    let mut out = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        out.push(match s.get(i) {
            None => None,
            Some(code) => {
                Some(currency_cell(&mut cache, code).map_err(|e| cell_err(t, base + i, col, e))?)
            }
        });
    }
    Ok(out)
}

/// Per-row values of a small enum read from text.
fn choices<T: for<'de> serde::Deserialize<'de> + Copy>(
    t: &InTable,
    base: usize,
    col: usize,
    array: &dyn Array,
    what: &str,
    default: T,
) -> PyResult<Vec<T>> {
    let s = text(t, col, array)?;
    let mut cache: Vec<(String, T)> = Vec::new();
    let mut out = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        out.push(match s.get(i) {
            None => default,
            Some(v) => match cache.iter().find(|(k, _)| k == v) {
                Some((_, x)) => *x,
                None => {
                    let x: T = enum_from_str(what, v).map_err(|e| {
                        Python::attach(|py| {
                            cell_err(
                                t,
                                base + i,
                                col,
                                CellErr::Other("invalid_choice", e.value(py).to_string()),
                            )
                        })
                    })?;
                    cache.push((v.to_owned(), x));
                    x
                }
            },
        });
    }
    Ok(out)
}

fn opt_text<'a>(
    t: &InTable,
    batch: &'a RecordBatch,
    names: &[&str],
) -> PyResult<Option<ArrowText<'a>>> {
    match t.find(names) {
        Some(ix) => text(t, ix, batch.column(ix).as_ref()).map(Some),
        None => Ok(None),
    }
}

fn customers(b: &mut LedgerBuilder, t: &InTable, ints: IntegerAmounts) -> PyResult<()> {
    let id_ix = t.require(&["customer_id", "id"])?;
    let cur_ix = t.require(&["currency"])?;
    let mut base = 0;
    for batch in &t.batches {
        let id = ids(t, base, id_ix, batch.column(id_ix).as_ref())?;
        let cur_array = batch.column(cur_ix).as_ref();
        no_nulls(t, base, cur_ix, cur_array)?;
        let cur: Vec<Currency> = currencies(t, base, cur_ix, cur_array)?
            .into_iter()
            .map(|c| c.unwrap_or(Currency::EUR))
            .collect();
        let name = opt_text(t, batch, &["name"])?;
        let segment = opt_text(t, batch, &["segment"])?;
        let parent = match t.find(&["parent", "parent_id"]) {
            Some(ix) => Some(id_col(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let country = opt_text(t, batch, &["country"])?;
        let terms = opt_text(t, batch, &["payment_terms"])?;
        let calendar = opt_text(t, batch, &["calendar"])?;
        let scenario = opt_text(t, batch, &["dunning_scenario"])?;
        let risk = opt_text(t, batch, &["risk_class"])?;
        let limit = match t.find(&["credit_limit"]) {
            Some(ix) => {
                let a = batch.column(ix).as_ref();
                if a.null_count() > 0 {
                    // Rare: a limit column with gaps goes through text.
                    Some(AmountCol::Text(null_aware_text(t, ix, a, ints)?))
                } else {
                    Some(amount_col(t, base, ix, a, ints)?)
                }
            }
            None => None,
        };
        let mut cols = CustomerColumns::new(id.ids(), Currencies::Each(&cur));
        cols.name = name.as_ref().map(|x| x as &dyn TextColumn);
        cols.segment = segment.as_ref().map(|x| x as &dyn TextColumn);
        cols.parent = parent.as_ref().map(IdCol::ids);
        cols.country = country.as_ref().map(|x| x as &dyn TextColumn);
        cols.payment_terms = terms.as_ref().map(|x| x as &dyn TextColumn);
        cols.calendar = calendar.as_ref().map(|x| x as &dyn TextColumn);
        cols.dunning_scenario = scenario.as_ref().map(|x| x as &dyn TextColumn);
        cols.risk_class = risk.as_ref().map(|x| x as &dyn TextColumn);
        cols.credit_limit = limit.as_ref().map(AmountCol::amounts);
        b.customers(&cols).py()?;
        base += batch.num_rows();
    }
    Ok(())
}

/// Amounts with nulls as exact text (nulls stay null).
fn null_aware_text(
    t: &InTable,
    col: usize,
    array: &dyn Array,
    ints: IntegerAmounts,
) -> PyResult<ArrowText<'static>> {
    let getter = crate::arrow_in::amount_getter(t, col, array, ints)?;
    let mut out = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        out.push(
            getter(i, Currency::EUR)
                .map_err(|e| cell_err(t, i, col, e))?
                .map(|m| m.amount().to_string()),
        );
    }
    Ok(ArrowText::Owned(out))
}

fn items(b: &mut LedgerBuilder, t: &InTable, ints: IntegerAmounts) -> PyResult<()> {
    let id_ix = t.require(&["invoice_id", "item_id"])?;
    let cust_ix = t.require(&["customer_id"])?;
    let issue_ix = t.require(&["issue_date"])?;
    let amount_ix = t.require(&["amount"])?;
    let due_ix = t.find(&["due_date"]);
    let kind_ix = t.find(&["kind"]);
    let mut base = 0;
    for batch in &t.batches {
        let id = ids(t, base, id_ix, batch.column(id_ix).as_ref())?;
        let cust = ids(t, base, cust_ix, batch.column(cust_ix).as_ref())?;
        let issue = req_days(t, base, issue_ix, batch.column(issue_ix).as_ref())?;
        let amount = amounts(t, base, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let kind = match kind_ix {
            Some(ix) => Some(choices(
                t,
                base,
                ix,
                batch.column(ix).as_ref(),
                "item kind",
                ItemKind::Invoice,
            )?),
            None => None,
        };
        let due = match due_ix {
            Some(ix) => {
                let d = days(t, base, ix, batch.column(ix).as_ref())?;
                // A null due date is only allowed on a credit note.
                if let Some(row) = d.iter().enumerate().position(|(r, v)| {
                    *v == NULL_DAY
                        && kind
                            .as_ref()
                            .and_then(|k| k.get(r))
                            .is_none_or(|k| *k != ItemKind::CreditNote)
                }) {
                    return Err(null_err(t, base + row, ix));
                }
                Some(d)
            }
            None => {
                if kind
                    .as_ref()
                    .is_none_or(|k| k.iter().any(|k| *k != ItemKind::CreditNote))
                {
                    return Err(t
                        .require(&["due_date"])
                        .err()
                        .unwrap_or_else(|| null_err(t, 0, 0)));
                }
                None
            }
        };
        let currency = match t.find(&["currency"]) {
            Some(ix) => Some(currencies(t, base, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let reference = opt_text(t, batch, &["reference"])?;
        let disputed: Option<Vec<bool>> = match t.find(&["disputed"]) {
            Some(ix) => {
                let a = batch.column(ix);
                match a.data_type() {
                    DataType::Boolean => {
                        let a = a.as_boolean();
                        Some((0..a.len()).map(|i| a.is_valid(i) && a.value(i)).collect())
                    }
                    other => return Err(type_err(t, ix, other, "bool")),
                }
            }
            None => None,
        };
        let mut cols = ItemColumns::new(
            id.ids(),
            cust.ids(),
            &issue,
            due.as_deref(),
            amount.amounts(),
        );
        cols.kind = kind.as_deref();
        cols.currency = currency.as_deref();
        cols.reference = reference.as_ref().map(|x| x as &dyn TextColumn);
        cols.disputed = disputed.as_deref();
        b.items(&cols).py()?;
        base += batch.num_rows();
    }
    Ok(())
}

fn payments(
    b: &mut LedgerBuilder,
    t: &InTable,
    ints: IntegerAmounts,
    apply_to_invoice: bool,
) -> PyResult<()> {
    let id_ix = t.require(&["payment_id", "id"])?;
    let date_ix = t.require(&["pay_date", "date", "payment_date"])?;
    let amount_ix = t.require(&["amount"])?;
    let cust_ix = t.find(&["customer_id"]);
    let inv_ix = t.find(&["invoice_id", "item_id"]);
    if cust_ix.is_none() && inv_ix.is_none() {
        return Err(t
            .require(&["customer_id", "invoice_id"])
            .err()
            .unwrap_or_else(|| null_err(t, 0, 0)));
    }
    let mut base = 0;
    for batch in &t.batches {
        let id = ids(t, base, id_ix, batch.column(id_ix).as_ref())?;
        let date = req_days(t, base, date_ix, batch.column(date_ix).as_ref())?;
        let amount = amounts(t, base, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let cust = match cust_ix {
            Some(ix) => Some(id_col(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let inv = match inv_ix {
            Some(ix) => Some(id_col(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let currency = match t.find(&["currency"]) {
            Some(ix) => Some(currencies(t, base, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let reference = opt_text(t, batch, &["reference"])?;
        let mut cols = PaymentColumns::new(id.ids(), &date, amount.amounts());
        cols.customer = cust.as_ref().map(IdCol::ids);
        cols.invoice = inv.as_ref().map(IdCol::ids);
        cols.currency = currency.as_deref();
        cols.reference = reference.as_ref().map(|x| x as &dyn TextColumn);
        cols.apply_to_invoice = apply_to_invoice;
        b.payments(&cols).py()?;
        base += batch.num_rows();
    }
    Ok(())
}

fn applications(b: &mut LedgerBuilder, t: &InTable, ints: IntegerAmounts) -> PyResult<()> {
    let item_ix = t.require(&["item_id", "invoice_id"])?;
    let date_ix = t.require(&["date", "applied_on"])?;
    let amount_ix = t.require(&["amount"])?;
    let pay_ix = t.find(&["payment_id"]);
    let cn_ix = t.find(&["credit_note_id"]);
    if pay_ix.is_none() && cn_ix.is_none() {
        return Err(t
            .require(&["payment_id", "credit_note_id"])
            .err()
            .unwrap_or_else(|| null_err(t, 0, 0)));
    }
    let mut base = 0;
    for batch in &t.batches {
        let item = ids(t, base, item_ix, batch.column(item_ix).as_ref())?;
        let date = req_days(t, base, date_ix, batch.column(date_ix).as_ref())?;
        let amount = amounts(t, base, amount_ix, batch.column(amount_ix).as_ref(), ints)?;
        let pay = match pay_ix {
            Some(ix) => Some(id_col(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let cn = match cn_ix {
            Some(ix) => Some(id_col(t, ix, batch.column(ix).as_ref())?),
            None => None,
        };
        let rule = match t.find(&["rule"]) {
            Some(ix) => Some(choices(
                t,
                base,
                ix,
                batch.column(ix).as_ref(),
                "rule",
                MatchRule::Explicit,
            )?),
            None => None,
        };
        let cols = ApplicationColumns {
            payment: pay.as_ref().map(IdCol::ids),
            credit_note: cn.as_ref().map(IdCol::ids),
            item: item.ids(),
            date: &date,
            amount: amount.amounts(),
            rule: rule.as_deref(),
        };
        b.applications(&cols).py()?;
        base += batch.num_rows();
    }
    Ok(())
}

/// Build a ledger from the four tables through the core's bulk import.
pub fn ledger_from_tables(
    c: &InTable,
    i: &InTable,
    p: Option<&InTable>,
    a: Option<&InTable>,
    ints: IntegerAmounts,
) -> PyResult<Ledger> {
    let mut b = LedgerBuilder::new();
    customers(&mut b, c, ints)?;
    items(&mut b, i, ints)?;
    if let Some(p) = p {
        payments(&mut b, p, ints, a.is_none())?;
    }
    if let Some(a) = a {
        applications(&mut b, a, ints)?;
    }
    b.finish().py()
}
