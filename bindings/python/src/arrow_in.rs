//! Reading input tables through the Arrow PyCapsule interface (`__arrow_c_stream__`):
//! pyarrow tables, polars and pandas (>= 2.2) data frames, duckdb relations. Columns
//! are read in Rust, batch by batch; no Python object is created per row.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use encours_core::money::{Currency, Money, MoneyError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use rust_decimal::Decimal;

use crate::errors::{core_err_in, table_err};

/// How integer amount columns are read: there is no safe default, since `1234` may be
/// cents or euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegerAmounts {
    /// Integers are refused.
    Refuse,
    /// Integers count minor units (cents for EUR).
    Minor,
    /// Integers count major units (euros).
    Major,
}

/// An input table: its name for messages, schema and batches.
pub struct InTable {
    pub name: &'static str,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// Read any object with `__arrow_c_stream__` into memory (Arrow buffers, no copy of
/// the values through Python).
pub fn read_table(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<InTable> {
    if !obj.hasattr("__arrow_c_stream__")? {
        let ty = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(PyTypeError::new_err(format!(
            "{name} must be a table with __arrow_c_stream__ (pyarrow.Table, polars.DataFrame, pandas.DataFrame with pandas >= 2.2, a duckdb relation), not {ty}"
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}.__arrow_c_stream__() did not return a PyCapsule"
        ))
    })?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the capsule is named "arrow_array_stream", so by the Arrow PyCapsule
    // protocol it points to a valid FFI_ArrowArrayStream; `from_raw` moves it out and
    // leaves a released stream behind for the capsule's destructor.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    let reader = ArrowArrayStreamReader::try_new(stream)
        .map_err(|e| table_err("arrow", format!("cannot read {name}: {e}")))?;
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    // Two columns of one name would make the choice between them silent.
    for (i, f) in schema.fields().iter().enumerate() {
        if schema
            .fields()
            .iter()
            .skip(i + 1)
            .any(|g| g.name() == f.name())
        {
            return Err(table_err(
                "duplicate_column",
                format!(
                    "{name} has two columns named {}: give each column once",
                    f.name()
                ),
            ));
        }
    }
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| table_err("arrow", format!("cannot read {name}: {e}")))?;
        // Data from another library through the C interface is checked in full
        // (offsets, UTF-8, dictionary keys, lengths) before any value is read, so a
        // malformed producer gives an error, not an out-of-bounds read or a panic.
        for (ix, col) in batch.columns().iter().enumerate() {
            let field = batch
                .schema_ref()
                .fields()
                .get(ix)
                .map_or_else(String::new, |f| f.name().clone());
            if col.len() != batch.num_rows() {
                return Err(table_err(
                    "arrow",
                    format!(
                        "{name} column {field} has {} values in a batch of {} rows",
                        col.len(),
                        batch.num_rows()
                    ),
                ));
            }
            col.to_data().validate_full().map_err(|e| {
                table_err(
                    "arrow",
                    format!("{name} column {field} is not valid Arrow data: {e}"),
                )
            })?;
        }
        batches.push(batch);
    }
    Ok(InTable {
        name,
        schema,
        batches,
    })
}

impl InTable {
    /// Position of the first column with one of these names.
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.schema.fields().iter().position(|f| f.name() == n))
    }

    /// Position of a required column, or an error listing the names accepted.
    pub fn require(&self, names: &[&str]) -> PyResult<usize> {
        self.find(names).ok_or_else(|| {
            let have: Vec<&str> = self
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            table_err(
                "missing_column",
                format!(
                    "{} has no column {} (columns: {})",
                    self.name,
                    names.join(" or "),
                    have.join(", ")
                ),
            )
        })
    }

    /// The name of column `ix`.
    pub fn col_name(&self, ix: usize) -> &str {
        self.schema
            .fields()
            .get(ix)
            .map_or("?", |f| f.name().as_str())
    }
}

/// A cell that could not be read, before the table/row/column context is added.
pub enum CellErr {
    /// A money error (invalid amount text, overflow).
    Money(MoneyError),
    /// Anything else: (code, message).
    Other(&'static str, String),
}

impl From<MoneyError> for CellErr {
    fn from(e: MoneyError) -> Self {
        CellErr::Money(e)
    }
}

/// The error for a cell, naming the table, row (0-based, over all batches) and column.
pub fn cell_err(table: &InTable, row: usize, col: usize, e: CellErr) -> PyErr {
    let at = format!("{} row {row}, column {}", table.name, table.col_name(col));
    match e {
        CellErr::Money(m) => core_err_in(m, &at),
        CellErr::Other(code, m) => table_err(code, format!("{at}: {m}")),
    }
}

/// The error for a required cell that is null.
pub fn null_err(table: &InTable, row: usize, col: usize) -> PyErr {
    table_err(
        "null",
        format!(
            "{} row {row}, column {}: null where a value is required",
            table.name,
            table.col_name(col)
        ),
    )
}

fn type_err(table: &InTable, col: usize, dt: &DataType, expected: &str) -> PyErr {
    table_err(
        "column_type",
        format!(
            "{} column {} has type {dt}: expected {expected}",
            table.name,
            table.col_name(col)
        ),
    )
}

/// Reads one column of one batch as optional text. Integer columns (numeric ids) are
/// written in decimal; dictionary columns (categoricals) are resolved.
pub type StrGetter<'a> = Box<dyn Fn(usize) -> Option<Cow<'a, str>> + 'a>;

macro_rules! int_to_str {
    ($array:expr, $t:ty) => {{
        let a = $array.as_primitive::<$t>();
        Box::new(move |i: usize| a.is_valid(i).then(|| Cow::Owned(a.value(i).to_string())))
    }};
}

/// A text getter for a column of any string, integer or dictionary type.
pub fn str_getter<'a>(
    table: &InTable,
    col: usize,
    array: &'a dyn Array,
) -> PyResult<StrGetter<'a>> {
    Ok(match array.data_type() {
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Box::new(move |i| a.is_valid(i).then(|| Cow::Borrowed(a.value(i))))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Box::new(move |i| a.is_valid(i).then(|| Cow::Borrowed(a.value(i))))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Box::new(move |i| a.is_valid(i).then(|| Cow::Borrowed(a.value(i))))
        }
        DataType::Int8 => int_to_str!(array, Int8Type),
        DataType::Int16 => int_to_str!(array, Int16Type),
        DataType::Int32 => int_to_str!(array, Int32Type),
        DataType::Int64 => int_to_str!(array, Int64Type),
        DataType::UInt8 => int_to_str!(array, UInt8Type),
        DataType::UInt16 => int_to_str!(array, UInt16Type),
        DataType::UInt32 => int_to_str!(array, UInt32Type),
        DataType::UInt64 => int_to_str!(array, UInt64Type),
        DataType::Dictionary(_, _) => {
            let Some(dict) = array.as_any_dictionary_opt() else {
                return Err(type_err(table, col, array.data_type(), "text"));
            };
            let keys = dict.normalized_keys();
            let values = str_getter(table, col, dict.values().as_ref())?;
            Box::new(move |i| {
                if !array.is_valid(i) {
                    return None;
                }
                keys.get(i).and_then(|k| values(*k))
            })
        }
        other => {
            return Err(type_err(
                table,
                col,
                other,
                "text (string, large_string, string_view), an integer id, or a dictionary of text",
            ));
        }
    })
}

/// Reads one column of one batch as optional amounts in a currency given per row.
pub type AmountGetter<'a> = Box<dyn Fn(usize, Currency) -> Result<Option<Money>, CellErr> + 'a>;

macro_rules! decimal_getter {
    ($array:expr, $t:ty, $scale:expr) => {{
        let a = $array.as_primitive::<$t>();
        let scale: i8 = $scale;
        Box::new(move |i: usize, c: Currency| {
            if !a.is_valid(i) {
                return Ok(None);
            }
            decimal_from_parts(i128::from(a.value(i)), scale).map(|d| Some(Money::new(d, c)))
        })
    }};
}

macro_rules! int_amount {
    ($array:expr, $t:ty, $mode:expr) => {{
        let a = $array.as_primitive::<$t>();
        let mode = $mode;
        Box::new(move |i: usize, c: Currency| {
            if !a.is_valid(i) {
                return Ok(None);
            }
            let v = i128::from(a.value(i));
            let scale = if mode == IntegerAmounts::Minor {
                c.minor_units()
            } else {
                0
            };
            Decimal::try_from_i128_with_scale(v, scale)
                .map(|d| Some(Money::new(d, c)))
                .map_err(|_| {
                    CellErr::Money(MoneyError::Overflow {
                        operation: "read amount",
                    })
                })
        })
    }};
}

/// An exact decimal from an Arrow decimal's integer and scale (a negative scale
/// multiplies).
fn decimal_from_parts(value: i128, scale: i8) -> Result<Decimal, CellErr> {
    let overflow = || {
        CellErr::Money(MoneyError::Overflow {
            operation: "read decimal",
        })
    };
    if scale >= 0 {
        Decimal::try_from_i128_with_scale(value, u32::from(scale.unsigned_abs()))
            .map_err(|_| overflow())
    } else {
        let factor = 10_i128
            .checked_pow(u32::from(scale.unsigned_abs()))
            .ok_or_else(overflow)?;
        let v = value.checked_mul(factor).ok_or_else(overflow)?;
        Decimal::try_from_i128_with_scale(v, 0).map_err(|_| overflow())
    }
}

/// An amount getter: decimal32/64/128 columns, exact text, or integers when the
/// caller said what they count. Floats are refused: they cannot hold cents exactly.
pub fn amount_getter<'a>(
    table: &InTable,
    col: usize,
    array: &'a dyn Array,
    integers: IntegerAmounts,
) -> PyResult<AmountGetter<'a>> {
    let dt = array.data_type();
    Ok(match dt {
        DataType::Decimal128(_, s) => decimal_getter!(array, Decimal128Type, *s),
        DataType::Decimal64(_, s) => decimal_getter!(array, Decimal64Type, *s),
        DataType::Decimal32(_, s) => decimal_getter!(array, Decimal32Type, *s),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let text = str_getter(table, col, array)?;
            Box::new(move |i, c| match text(i) {
                None => Ok(None),
                Some(s) => Money::parse(&s, c).map(Some).map_err(CellErr::Money),
            })
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            if integers == IntegerAmounts::Refuse {
                return Err(table_err(
                    "column_type",
                    format!(
                        "{} column {} has type {dt}: integer amounts need integer_amounts=\"minor\" (cents) or \"major\" (whole units) to say what they count",
                        table.name,
                        table.col_name(col)
                    ),
                ));
            }
            match dt {
                DataType::Int8 => int_amount!(array, Int8Type, integers),
                DataType::Int16 => int_amount!(array, Int16Type, integers),
                DataType::Int32 => int_amount!(array, Int32Type, integers),
                DataType::UInt8 => int_amount!(array, UInt8Type, integers),
                DataType::UInt16 => int_amount!(array, UInt16Type, integers),
                DataType::UInt32 => int_amount!(array, UInt32Type, integers),
                DataType::UInt64 => int_amount!(array, UInt64Type, integers),
                _ => int_amount!(array, Int64Type, integers),
            }
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            return Err(table_err(
                "float_amount",
                format!(
                    "{} column {} has type {dt}: money must be decimal128, string or integer minor units (integer_amounts=\"minor\"), never float, which cannot hold cents exactly; read CSV amounts as decimal or text (pyarrow: ConvertOptions(column_types={{\"{}\": pa.decimal128(18, 2)}}); polars: schema_overrides={{\"{}\": pl.Decimal(18, 2)}}; pandas: dtype={{\"{}\": str}})",
                    table.name,
                    table.col_name(col),
                    table.col_name(col),
                    table.col_name(col),
                    table.col_name(col)
                ),
            ));
        }
        other => {
            return Err(type_err(
                table,
                col,
                other,
                "decimal128, exact text, or integers with integer_amounts",
            ));
        }
    })
}

/// Parse a currency code cell, caching the last code (tables repeat a few codes).
pub fn currency_cell(cache: &mut Vec<(String, Currency)>, code: &str) -> Result<Currency, CellErr> {
    if let Some((_, c)) = cache.iter().find(|(k, _)| k == code) {
        return Ok(*c);
    }
    let c = Currency::from_code(code).map_err(CellErr::Money)?;
    if cache.len() < 64 {
        cache.push((code.to_owned(), c));
    }
    Ok(c)
}
