//! `Table`: a columnar result (report rows) that speaks the Arrow PyCapsule interface,
//! so `pyarrow.table(t)`, `polars.DataFrame(t)` or duckdb read it without a copy
//! through Python objects. Amounts are `decimal128(38, s)` columns, never floats.

use std::sync::Arc;

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int64Array, RecordBatch,
    RecordBatchIterator, StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use rust_decimal::Decimal;

use crate::errors::{Kind, new_err};

/// One column being built.
pub enum Col {
    /// Text.
    Str(Vec<Option<String>>),
    /// Dates, as date32.
    Date(Vec<Option<NaiveDate>>),
    /// Exact decimals, as decimal128(38, s) with s the largest scale in the column.
    Dec(Vec<Option<Decimal>>),
    /// Integers (counts, days).
    Int(Vec<Option<i64>>),
    /// Flags.
    Bool(Vec<Option<bool>>),
    /// An array built elsewhere (straight from the ledger's columns).
    Array(ArrayRef),
}

/// Builds a table column by column, all of the same length.
#[derive(Default)]
pub struct TableBuilder {
    cols: Vec<(String, Col)>,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl TableBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a column.
    pub fn col(mut self, name: &str, col: Col) -> Self {
        self.cols.push((name.to_owned(), col));
        self
    }

    /// The finished table.
    pub fn finish(self) -> PyResult<PyTable> {
        let mut fields = Vec::with_capacity(self.cols.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.cols.len());
        for (name, col) in self.cols {
            let (dt, array): (DataType, ArrayRef) = match col {
                Col::Str(v) => (DataType::Utf8, Arc::new(StringArray::from(v))),
                Col::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v))),
                Col::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v))),
                Col::Date(v) => {
                    let days: Vec<Option<i32>> = v
                        .into_iter()
                        .map(|d| d.and_then(|d| i32::try_from((d - EPOCH).num_days()).ok()))
                        .collect();
                    (DataType::Date32, Arc::new(Date32Array::from(days)))
                }
                Col::Dec(v) => decimal_column(v)?,
                Col::Array(a) => (a.data_type().clone(), a),
            };
            fields.push(Field::new(name, dt, true));
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(arrow_err)?;
        Ok(PyTable {
            schema,
            batches: vec![batch],
        })
    }
}

/// decimal128(38, `scale`) from integers already at that scale (minor units).
pub fn decimal_from_minor(values: Vec<i128>, scale: u32) -> PyResult<ArrayRef> {
    let scale_i8 = i8::try_from(scale).unwrap_or(28);
    let array = Decimal128Array::from(values)
        .with_precision_and_scale(38, scale_i8)
        .map_err(arrow_err)?;
    Ok(Arc::new(array))
}

/// decimal128(38, s) with s the largest scale present, so every value is exact. A
/// value too wide for 38 digits at that scale (beyond any real ledger) makes the
/// column text instead: exact either way.
fn decimal_column(values: Vec<Option<Decimal>>) -> PyResult<(DataType, ArrayRef)> {
    let scale = values
        .iter()
        .flatten()
        .map(|d| d.scale())
        .max()
        .unwrap_or(0);
    let mut out: Vec<Option<i128>> = Vec::with_capacity(values.len());
    let mut fits = true;
    for v in &values {
        match v {
            None => out.push(None),
            Some(d) => {
                let widened = 10_i128
                    .checked_pow(scale - d.scale())
                    .and_then(|f| d.mantissa().checked_mul(f))
                    .filter(|m| m.unsigned_abs() < 10_u128.pow(38));
                match widened {
                    Some(m) => out.push(Some(m)),
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
        }
    }
    if !fits {
        let text: Vec<Option<String>> = values.iter().map(|v| v.map(|d| d.to_string())).collect();
        return Ok((DataType::Utf8, Arc::new(StringArray::from(text))));
    }
    let scale_i8 = i8::try_from(scale).unwrap_or(28);
    let array = Decimal128Array::from(out)
        .with_precision_and_scale(38, scale_i8)
        .map_err(arrow_err)?;
    Ok((DataType::Decimal128(38, scale_i8), Arc::new(array)))
}

fn arrow_err(e: ArrowError) -> PyErr {
    new_err(Kind::Root, "arrow", format!("arrow error: {e}"))
}

/// A table of results. Any Arrow consumer reads it through `__arrow_c_stream__`:
/// `pyarrow.table(t)`, `polars.DataFrame(t)`, `duckdb.sql("select * from t")`.
/// Amounts are decimal128 columns (exact), dates date32.
#[pyclass(name = "Table", module = "encours", frozen)]
pub struct PyTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl PyTable {
    /// The Arrow C stream capsule of this table.
    pub fn arrow_c_stream<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The requested schema is a hint in the protocol: the columns are exported as
        // they are.
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

#[pymethods]
impl PyTable {
    /// Export as an Arrow C stream (the Arrow PyCapsule interface). The requested
    /// schema, a hint in the protocol, is not used.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        self.arrow_c_stream(py, requested_schema)
    }

    /// Export the schema as an Arrow C schema capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.schema.as_ref()).map_err(arrow_err)?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Arrow type of each column, as text (`decimal128(38, 2)`, `date32`…), by name.
    #[getter]
    fn schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for f in self.schema.fields() {
            d.set_item(f.name(), arrow_type_name(f.data_type()))?;
        }
        Ok(d)
    }

    /// A `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// A `pandas.DataFrame` (needs pandas and pyarrow). Amounts are `decimal.Decimal`
    /// objects (or pyarrow decimals with `types_mapper=pandas.ArrowDtype`), never floats.
    #[pyo3(signature = (**kwargs))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::to_pyarrow(slf)?.call_method("to_pandas", (), kwargs)
    }

    /// A `polars.DataFrame` (needs polars). Amounts are `pl.Decimal` columns.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }

    /// The rows as a list of dicts with Decimal and date values (needs pyarrow).
    fn to_pylist<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::to_pyarrow(slf)?.call_method0("to_pylist")
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    fn __repr__(&self) -> String {
        let cols: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|f| format!("'{}'", f.name()))
            .collect();
        format!(
            "Table(rows={}, columns=[{}])",
            self.num_rows(),
            cols.join(", ")
        )
    }
}

/// Arrow type names as pyarrow writes them.
fn arrow_type_name(dt: &DataType) -> String {
    match dt {
        DataType::Utf8 => "string".to_owned(),
        DataType::Int64 => "int64".to_owned(),
        DataType::Boolean => "bool".to_owned(),
        DataType::Date32 => "date32".to_owned(),
        DataType::Decimal128(p, s) => format!("decimal128({p}, {s})"),
        other => other.to_string(),
    }
}

/// Register the class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTable>()
}
