//! Risk scoring from `encours_core::risk`: behavioural features (a table for every
//! customer, or one customer), the scorecard and its scores with their reasons,
//! migrations between two dates, financial statements (ratios, Altman Z, Z', Z'') and
//! external scores on their provider's scale.
//!
//! Configurations come in as dicts (or JSON text) in the core's serde form, with
//! `decimal.Decimal`, `datetime.date` and `Money` values; floats are refused. Results
//! come out as dicts whose amounts are `Money`, figures `decimal.Decimal` and dates
//! `datetime.date`.

use encours_core::dunning::History;
use encours_core::money::{Currency, Money};
use encours_core::promises::PromiseToPay;
use encours_core::risk::external::ProviderScale;
use encours_core::risk::features::{
    BehaviouralFeatures, FeatureConfig, FeatureInputs, FeatureTable, customer_features,
    feature_table,
};
use encours_core::risk::scorecard::{Score, Scorecard, ScorecardData, migration};
use encours_core::risk::statements::{AltmanModel, FinancialStatement};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::{date_from_py, decimal_from_py, decimal_to_py, to_json, type_name};
use crate::dunning::PyHistory;
use crate::errors::{CoreResult, Kind, new_err};
use crate::ledger::PyLedger;
use crate::money::PyMoney;

/// Keys whose string values are exact decimals.
const DECIMAL_KEYS: &[&str] = &[
    "score",
    "contribution",
    "shortfall",
    "points",
    "weight",
    "value",
    "value_before",
    "value_after",
    "delta",
    "score_delta",
    "utilisation",
    "threshold",
    "min_score",
    "days_beyond_terms_short",
    "days_beyond_terms_long",
    "trend",
    "payment_index",
    "late_share",
    "overdue_share",
    "over_90_share",
    "broken_promise_ratio",
    "dispute_ratio",
    "limit_utilisation",
    "portfolio_share",
    "external_score",
    "altman_score",
    "normalised",
    "probability_of_default",
    "rate",
    "current",
    "quick",
    "debt_to_equity",
    "net_worth",
    "tangible_net_worth",
    "working_capital",
    "interest_cover",
    "missing",
    "from",
    "to",
    "from_points",
    "to_points",
    "share",
    "own_risk",
    "cap",
    "rounding_step",
];

/// Keys whose string values are dates.
const DATE_KEYS: &[&str] = &[
    "as_of",
    "date",
    "since",
    "expired_on",
    "insurer_expired_on",
    "valid_from",
    "valid_until",
    "expires_on",
    "due_date",
    "horizon_end",
    "period_end",
    "delivered_on",
    "order_date",
    "expected_on",
    "made_on",
    "promised_date",
];

/// A core value as Python: dicts and lists, `Money` for `{"amount", "currency"}`
/// objects, `Decimal` and `date` by key, everything else as JSON gives it.
pub(crate) fn out<'py, T: Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(v)
        .map_err(|e| new_err(Kind::Root, "json", format!("cannot serialize: {e}")))?;
    value_to_py(py, &value, None)
}

fn money_of(map: &serde_json::Map<String, Value>) -> Option<Money> {
    if map.len() != 2 {
        return None;
    }
    let amount = map.get("amount")?.as_str()?;
    let currency = serde_json::from_value::<Currency>(map.get("currency")?.clone()).ok()?;
    Money::parse(amount, currency).ok()
}

fn value_to_py<'py>(py: Python<'py>, v: &Value, key: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Object(map) => {
            if let Some(m) = money_of(map) {
                return Ok(Bound::new(py, PyMoney(m))?.into_any());
            }
            let d = PyDict::new(py);
            for (k, x) in map {
                d.set_item(k, value_to_py(py, x, Some(k))?)?;
            }
            d.into_any()
        }
        Value::Array(items) => {
            let l = PyList::empty(py);
            for x in items {
                l.append(value_to_py(py, x, key)?)?;
            }
            l.into_any()
        }
        Value::String(s) => match key {
            Some(k) if DECIMAL_KEYS.contains(&k) => {
                match rust_decimal::Decimal::from_str_exact(s) {
                    Ok(d) => decimal_to_py(py, d)?,
                    Err(_) => PyString::new(py, s).into_any(),
                }
            }
            Some(k) if DATE_KEYS.contains(&k) => {
                match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(_) => py
                        .import("datetime")?
                        .getattr("date")?
                        .call_method1("fromisoformat", (s.as_str(),))?,
                    Err(_) => PyString::new(py, s).into_any(),
                }
            }
            _ => PyString::new(py, s).into_any(),
        },
        other => py
            .import("json")?
            .call_method1("loads", (other.to_string(),))?,
    })
}

/// A Python value as JSON data: dicts, lists, str, int, bool, None, `Decimal`
/// (written exactly, never in exponent form), `datetime.date` (ISO) and `Money`
/// (`{"amount", "currency"}`); floats are refused so figures stay exact. `path` names
/// the place in messages.
fn py_value(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{path}: float {} is not accepted: write figures as decimal.Decimal or str so they stay exact",
            obj.repr()?
        )));
    }
    if obj.is_instance_of::<PyInt>() {
        let i: i64 = obj.extract().map_err(|_| {
            new_err(
                Kind::Input,
                "out_of_range",
                format!("{path}: integer out of range"),
            )
        })?;
        return Ok(Value::from(i));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(m) = obj.cast::<PyMoney>() {
        return serde_json::to_value(m.get().0)
            .map_err(|e| new_err(Kind::Input, "json", format!("{path}: {e}")));
    }
    if obj.is_instance(&py.import("decimal")?.getattr("Decimal")?)? {
        return Ok(Value::String(
            decimal_from_py(obj, path, "value")?.to_string(),
        ));
    }
    if obj.is_instance(&py.import("datetime")?.getattr("date")?)? {
        return Ok(Value::String(
            date_from_py(obj, path)?.format("%Y-%m-%d").to_string(),
        ));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!("{path}: keys must be str, not {}", type_name(&k)))
            })?;
            let sub = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            map.insert(key, py_value(&v, &sub)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            items.push(py_value(&v?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{path}: {} cannot be read as data (expected dict, list, str, int, bool, None, Decimal, date or Money)",
        type_name(obj)
    )))
}

/// A dict (or JSON text) as a core value, naming it in messages.
pub(crate) fn arg<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let value = if let Ok(text) = obj.extract::<String>() {
        serde_json::from_str::<Value>(&text)
            .map_err(|e| new_err(Kind::Input, "json", format!("invalid {what} JSON: {e}")))?
    } else {
        py_value(obj, what)?
    };
    serde_json::from_value(value)
        .map_err(|e| new_err(Kind::Input, "json", format!("invalid {what}: {e}")))
}

/// An optional dict argument.
pub(crate) fn opt_arg<T: DeserializeOwned + Default>(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<T> {
    match obj {
        Some(o) if !o.is_none() => arg(o, what),
        _ => Ok(T::default()),
    }
}

struct Inputs {
    config: FeatureConfig,
    history: Option<History>,
    promises: Option<Vec<PromiseToPay>>,
    scales: Vec<ProviderScale>,
    statements: Vec<FinancialStatement>,
}

impl Inputs {
    fn borrowed(&self) -> FeatureInputs<'_> {
        FeatureInputs {
            history: self.history.as_ref(),
            promises: self.promises.as_deref(),
            scales: &self.scales,
            statements: &self.statements,
        }
    }
}

fn inputs(
    config: Option<&Bound<'_, PyAny>>,
    history: Option<PyRef<'_, PyHistory>>,
    promises: Option<&Bound<'_, PyAny>>,
    scales: Option<&Bound<'_, PyAny>>,
    statements: Option<&Bound<'_, PyAny>>,
) -> PyResult<Inputs> {
    let promises: Option<Vec<PromiseToPay>> = match promises {
        Some(p) if !p.is_none() => Some(promise_list(p)?),
        _ => None,
    };
    Ok(Inputs {
        config: opt_arg(config, "feature settings")?,
        history: history.map(|h| (*h.0.get()).clone()),
        promises,
        scales: opt_arg(scales, "provider scales")?,
        statements: opt_arg(statements, "financial statements")?,
    })
}

/// Promises as `PromiseToPay` objects or dicts.
fn promise_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PromiseToPay>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        if let Ok(p) = item.extract::<PyRef<'_, crate::dunning::PyPromiseToPay>>() {
            out.push(p.0.clone());
        } else {
            out.push(arg(&item, "promise to pay")?);
        }
    }
    Ok(out)
}

/// The behavioural features of every customer, in one pass over the ledger.
#[pyclass(name = "FeatureTable", module = "encours", frozen)]
pub struct PyFeatureTable(pub FeatureTable);

#[pymethods]
impl PyFeatureTable {
    /// The as-of date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        out(py, &self.0.as_of).and_then(|s| {
            py.import("datetime")?
                .getattr("date")?
                .call_method1("fromisoformat", (s,))
        })
    }

    /// One dict per customer, in ledger order; a feature that cannot be computed is None.
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        out(py, &self.0.rows)
    }

    /// One customer's row, or None.
    fn row<'py>(&self, py: Python<'py>, customer_id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .rows
            .iter()
            .find(|r| r.customer_id == customer_id)
            .map(|r| out(py, r))
            .transpose()
    }

    fn __len__(&self) -> usize {
        self.0.rows.len()
    }

    /// The table as JSON.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        to_json(&self.0, indent)
    }

    fn __repr__(&self) -> String {
        format!(
            "FeatureTable(as_of={}, rows={})",
            self.0.as_of,
            self.0.rows.len()
        )
    }
}

/// The behavioural features of every customer as of the end of `as_of`.
#[pyfunction(name = "feature_table")]
#[pyo3(signature = (ledger, as_of, *, config = None, history = None, promises = None, scales = None, statements = None))]
fn feature_table_of(
    ledger: PyRef<'_, PyLedger>,
    as_of: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
    history: Option<PyRef<'_, PyHistory>>,
    promises: Option<&Bound<'_, PyAny>>,
    scales: Option<&Bound<'_, PyAny>>,
    statements: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyFeatureTable> {
    let i = inputs(config, history, promises, scales, statements)?;
    let fi = i.borrowed();
    feature_table(
        &ledger.inner.get(),
        &i.config,
        &fi,
        date_from_py(as_of, "as_of")?,
    )
    .py()
    .map(PyFeatureTable)
}

/// The behavioural features of one customer, as a dict.
#[pyfunction(name = "customer_features")]
#[pyo3(signature = (ledger, customer_id, as_of, *, config = None, history = None, promises = None, scales = None, statements = None))]
#[allow(clippy::too_many_arguments)]
fn customer_features_of<'py>(
    py: Python<'py>,
    ledger: PyRef<'_, PyLedger>,
    customer_id: &str,
    as_of: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
    history: Option<PyRef<'_, PyHistory>>,
    promises: Option<&Bound<'_, PyAny>>,
    scales: Option<&Bound<'_, PyAny>>,
    statements: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let i = inputs(config, history, promises, scales, statements)?;
    let fi = i.borrowed();
    let f = customer_features(
        &ledger.inner.get(),
        customer_id,
        &i.config,
        &fi,
        date_from_py(as_of, "as_of")?,
        None,
    )
    .py()?;
    out(py, &f)
}

/// A validated scorecard.
#[pyclass(name = "Scorecard", module = "encours", frozen)]
pub struct PyScorecard(pub Scorecard);

#[pymethods]
impl PyScorecard {
    /// The built-in scorecard.
    #[staticmethod]
    fn default() -> Self {
        PyScorecard(Scorecard::default_card())
    }

    /// A scorecard from a dict (or JSON text); raises RiskError for one that breaks a
    /// rule (weights, bins, classes), InputError for malformed data.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d: ScorecardData = arg(data, "scorecard")?;
        Scorecard::try_from(d).py().map(PyScorecard)
    }

    /// A scorecard from JSON text.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::from_dict(data)
    }

    /// The scorecard as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        out(py, &self.0)
    }

    /// The scorecard as JSON.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        to_json(&self.0, indent)
    }

    /// Its name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }

    /// The class names, best first.
    #[getter]
    fn classes(&self) -> Vec<String> {
        self.0.classes.iter().map(|c| c.name.clone()).collect()
    }

    /// Score a FeatureTable (a list of dicts, one per customer) or one customer's
    /// features (a dict).
    fn score<'py>(
        &self,
        py: Python<'py>,
        features: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(t) = features.extract::<PyRef<'_, PyFeatureTable>>() {
            return out(py, &self.0.score_table(&t.0).py()?);
        }
        let f: BehaviouralFeatures = arg(features, "behavioural features")?;
        out(py, &self.0.score(&f).py()?)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.getattr("from_json")?, (to_json(&slf.get().0, None)?,)))
    }

    fn __repr__(&self) -> String {
        format!(
            "Scorecard(name={:?}, factors={}, classes={})",
            self.0.name,
            self.0.factors.len(),
            self.0.classes.len()
        )
    }
}

/// Compare two scores of one customer (dicts from `Scorecard.score`): direction and
/// the factors that moved.
#[pyfunction]
fn score_migration<'py>(
    py: Python<'py>,
    before: &Bound<'py, PyAny>,
    after: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let b: Score = arg(before, "score")?;
    let a: Score = arg(after, "score")?;
    out(py, &migration(&b, &a).py()?)
}

/// A financial statement's ratios and Altman score (`model`: "z_public",
/// "z_prime_private" or "z_double_prime_non_manufacturer").
#[pyfunction]
#[pyo3(signature = (statement, model = "z_prime_private"))]
fn financial_statement<'py>(
    py: Python<'py>,
    statement: &Bound<'py, PyAny>,
    model: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let s: FinancialStatement = arg(statement, "financial statement")?;
    let m: AltmanModel = serde_json::from_value(Value::String(model.to_owned()))
        .map_err(|_| new_err(Kind::Input, "unknown_model", format!("unknown Altman model {model:?}: expected \"z_public\", \"z_prime_private\" or \"z_double_prime_non_manufacturer\"")))?;
    let ratios = s.ratios().py()?;
    let altman = s.altman(m).py()?;
    let d = PyDict::new(py);
    d.set_item("ratios", out(py, &ratios)?)?;
    d.set_item("altman", out(py, &altman)?)?;
    Ok(d.into_any())
}

/// An external score normalised to 0–100 (100 the best risk) on its provider's scale.
#[pyfunction]
fn normalise_score<'py>(
    py: Python<'py>,
    scale: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let s: ProviderScale = arg(scale, "provider scale")?;
    s.validate().py()?;
    let v = decimal_from_py(value, "value", "value")?;
    decimal_to_py(py, s.normalise(v).py()?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFeatureTable>()?;
    m.add_class::<PyScorecard>()?;
    m.add_function(wrap_pyfunction!(feature_table_of, m)?)?;
    m.add_function(wrap_pyfunction!(customer_features_of, m)?)?;
    m.add_function(wrap_pyfunction!(score_migration, m)?)?;
    m.add_function(wrap_pyfunction!(financial_statement, m)?)?;
    m.add_function(wrap_pyfunction!(normalise_score, m)?)?;
    Ok(())
}
