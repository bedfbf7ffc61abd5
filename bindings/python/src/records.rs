//! Ledger records as frozen Python value classes: `Customer`, `Item`, `Payment`,
//! `Application`, `Dispute`, `Block`, `ExternalScore`. Each wraps the core struct;
//! constructors take keyword arguments, `__repr__` is deterministic (only the fields
//! set, in declaration order) and pickling goes through the serde JSON form.

use chrono::NaiveDate;
use encours_core::ledger::{
    Application, Block, Customer, Dispute, ExternalScore, Item, ItemKind, MatchRule, Payment,
    Source,
};
use encours_core::money::Money;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::{
    currency_from_py, date_from_py, date_repr, date_to_py, decimal_from_py, decimal_to_py,
    enum_from_str, enum_to_str, from_json, opt_date_from_py, str_repr, to_json,
};
use crate::errors::{Kind, new_err};
use crate::money::{PyMoney, money_repr};

/// Builds `Name(field=value, ...)` reprs, skipping unset fields.
pub struct Repr<'py> {
    py: Python<'py>,
    name: &'static str,
    parts: Vec<String>,
}

impl<'py> Repr<'py> {
    pub fn new(py: Python<'py>, name: &'static str) -> Self {
        Repr {
            py,
            name,
            parts: Vec::new(),
        }
    }
    pub fn s(mut self, key: &str, v: &str) -> PyResult<Self> {
        self.parts.push(format!("{key}={}", str_repr(self.py, v)?));
        Ok(self)
    }
    pub fn opt_s(self, key: &str, v: Option<&String>) -> PyResult<Self> {
        match v {
            Some(v) => self.s(key, v),
            None => Ok(self),
        }
    }
    pub fn list_s(mut self, key: &str, v: &[String]) -> PyResult<Self> {
        if !v.is_empty() {
            let items: PyResult<Vec<String>> = v.iter().map(|s| str_repr(self.py, s)).collect();
            self.parts.push(format!("{key}=[{}]", items?.join(", ")));
        }
        Ok(self)
    }
    pub fn raw(mut self, key: &str, v: String) -> Self {
        self.parts.push(format!("{key}={v}"));
        self
    }
    pub fn date(self, key: &str, d: NaiveDate) -> Self {
        self.raw(key, date_repr(d))
    }
    pub fn opt_date(self, key: &str, d: Option<NaiveDate>) -> Self {
        match d {
            Some(d) => self.date(key, d),
            None => self,
        }
    }
    pub fn money(self, key: &str, m: &Money) -> Self {
        self.raw(key, money_repr(m))
    }
    pub fn opt_money(self, key: &str, m: Option<&Money>) -> Self {
        match m {
            Some(m) => self.money(key, m),
            None => self,
        }
    }
    pub fn finish(self) -> String {
        format!("{}({})", self.name, self.parts.join(", "))
    }
}

pub(crate) fn opt_string(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<String>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => o
            .cast::<PyString>()
            .map(|s| Some(s.to_string()))
            .map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "{what} must be str or None, not {}",
                    o.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            }),
    }
}

pub(crate) fn money_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Money> {
    obj.cast::<PyMoney>().map(|m| m.get().0).map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be encours.Money, not {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

fn opt_money_arg(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Money>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => money_arg(o, what).map(Some),
    }
}

pub(crate) fn strings(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if obj.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be a sequence of str, not a str"
        )));
    }
    obj.try_iter()?
        .map(|s| {
            let s = s?;
            s.cast::<PyString>().map(|s| s.to_string()).map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!("{what} must contain only str"))
            })
        })
        .collect()
}

fn opt_date_to_py(py: Python<'_>, d: Option<NaiveDate>) -> PyResult<Option<Bound<'_, PyAny>>> {
    d.map(|d| date_to_py(py, d)).transpose()
}

fn reduce<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    json: String,
) -> PyResult<(Bound<'py, PyAny>, (String,))> {
    Ok((slf.as_any().get_type().getattr("from_json")?, (json,)))
}

// ---------------------------------------------------------------------------- Block

/// A block that stops dunning on a customer or an item, optionally for a period.
#[pyclass(name = "Block", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBlock(pub Block);

#[pymethods]
impl PyBlock {
    /// `Block(reason=None, since=None, until=None)`: dates are `datetime.date`,
    /// both ends included.
    #[new]
    #[pyo3(signature = (*, reason = None, since = None, until = None))]
    fn new(
        reason: Option<&Bound<'_, PyAny>>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(PyBlock(Block {
            reason: opt_string(reason, "reason")?,
            since: opt_date_from_py(since, "since")?,
            until: opt_date_from_py(until, "until")?,
        }))
    }
    /// Why the block was set.
    #[getter]
    fn reason(&self) -> Option<String> {
        self.0.reason.clone()
    }
    /// First day blocked (None: always).
    #[getter]
    fn since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_date_to_py(py, self.0.since)
    }
    /// Last day blocked (None: until lifted).
    #[getter]
    fn until<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_date_to_py(py, self.0.until)
    }
    /// Whether the block holds on `date`.
    fn is_active(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_active(date_from_py(date, "date")?))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(Repr::new(py, "Block")
            .opt_s("reason", self.0.reason.as_ref())?
            .opt_date("since", self.0.since)
            .opt_date("until", self.0.until)
            .finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Block>(data, "block").map(PyBlock)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- Dispute

/// A dispute (litige) on all or part of an item.
#[pyclass(name = "Dispute", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDispute(pub Dispute);

#[pymethods]
impl PyDispute {
    /// `Dispute(amount, opened_on, *, resolved_on=None, reason=None)`.
    #[new]
    #[pyo3(signature = (amount, opened_on, *, resolved_on = None, reason = None))]
    fn new(
        amount: &Bound<'_, PyAny>,
        opened_on: &Bound<'_, PyAny>,
        resolved_on: Option<&Bound<'_, PyAny>>,
        reason: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut d = Dispute::new(
            money_arg(amount, "amount")?,
            date_from_py(opened_on, "opened_on")?,
        );
        d.resolved_on = opt_date_from_py(resolved_on, "resolved_on")?;
        d.reason = opt_string(reason, "reason")?;
        Ok(PyDispute(d))
    }
    /// Amount disputed.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// Day the dispute was opened.
    #[getter]
    fn opened_on<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.opened_on)
    }
    /// Day it was resolved, if it was.
    #[getter]
    fn resolved_on<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_date_to_py(py, self.0.resolved_on)
    }
    /// Reason code or text.
    #[getter]
    fn reason(&self) -> Option<String> {
        self.0.reason.clone()
    }
    /// Whether the dispute is open on `date`.
    fn is_active(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_active(date_from_py(date, "date")?))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(Repr::new(py, "Dispute")
            .money("amount", &self.0.amount)
            .date("opened_on", self.0.opened_on)
            .opt_date("resolved_on", self.0.resolved_on)
            .opt_s("reason", self.0.reason.as_ref())?
            .finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Dispute>(data, "dispute").map(PyDispute)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- ExternalScore

/// A score from an external provider (Creditsafe, Ellisphere…), on its own scale.
#[pyclass(name = "ExternalScore", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyExternalScore(pub ExternalScore);

#[pymethods]
impl PyExternalScore {
    /// `ExternalScore(provider, value, *, as_of=None)`; value a Decimal, str or int.
    #[new]
    #[pyo3(signature = (provider, value, *, as_of = None))]
    fn new(
        provider: String,
        value: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(PyExternalScore(ExternalScore {
            provider,
            value: decimal_from_py(value, "score", "value")?,
            as_of: opt_date_from_py(as_of, "as_of")?,
        }))
    }
    /// Provider name.
    #[getter]
    fn provider(&self) -> String {
        self.0.provider.clone()
    }
    /// The score, a Decimal on the provider's scale.
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, self.0.value)
    }
    /// Day the score was taken.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_date_to_py(py, self.0.as_of)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(Repr::new(py, "ExternalScore")
            .s("provider", &self.0.provider)?
            .raw("value", format!("Decimal('{}')", self.0.value))
            .opt_date("as_of", self.0.as_of)
            .finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<ExternalScore>(data, "external score").map(PyExternalScore)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- Customer

/// A customer account. All its items and payments are in its currency.
#[pyclass(name = "Customer", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyCustomer(pub Customer);

#[pymethods]
impl PyCustomer {
    /// `Customer(id, name, currency, *, segment=None, tags=(), parent=None,
    /// country=None, payment_terms=None, calendar=None, dunning_scenario=None,
    /// risk_class=None, external_scores=(), credit_limit=None, dunning_block=None)`.
    #[new]
    #[pyo3(signature = (id, name, currency, *, segment = None, tags = None, parent = None,
        country = None, payment_terms = None, calendar = None, dunning_scenario = None,
        risk_class = None, external_scores = None, credit_limit = None, dunning_block = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: String,
        name: String,
        currency: &Bound<'_, PyAny>,
        segment: Option<&Bound<'_, PyAny>>,
        tags: Option<&Bound<'_, PyAny>>,
        parent: Option<&Bound<'_, PyAny>>,
        country: Option<&Bound<'_, PyAny>>,
        payment_terms: Option<&Bound<'_, PyAny>>,
        calendar: Option<&Bound<'_, PyAny>>,
        dunning_scenario: Option<&Bound<'_, PyAny>>,
        risk_class: Option<&Bound<'_, PyAny>>,
        external_scores: Option<&Bound<'_, PyAny>>,
        credit_limit: Option<&Bound<'_, PyAny>>,
        dunning_block: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut c = Customer::new(id, name, currency_from_py(currency)?);
        c.segment = opt_string(segment, "segment")?;
        c.tags = strings(tags, "tags")?;
        c.parent = opt_string(parent, "parent")?;
        c.country = opt_string(country, "country")?;
        c.payment_terms = opt_string(payment_terms, "payment_terms")?;
        c.calendar = opt_string(calendar, "calendar")?;
        c.dunning_scenario = opt_string(dunning_scenario, "dunning_scenario")?;
        c.risk_class = opt_string(risk_class, "risk_class")?;
        if let Some(scores) = external_scores.filter(|s| !s.is_none()) {
            for s in scores.try_iter()? {
                let s = s?;
                let score = s.cast::<PyExternalScore>().map_err(|_| {
                    pyo3::exceptions::PyTypeError::new_err(
                        "external_scores must contain only encours.ExternalScore",
                    )
                })?;
                c.external_scores.push(score.get().0.clone());
            }
        }
        c.credit_limit = opt_money_arg(credit_limit, "credit_limit")?;
        c.dunning_block = match dunning_block.filter(|b| !b.is_none()) {
            None => None,
            Some(b) => Some(
                b.cast::<PyBlock>()
                    .map_err(|_| {
                        pyo3::exceptions::PyTypeError::new_err(
                            "dunning_block must be encours.Block or None",
                        )
                    })?
                    .get()
                    .0
                    .clone(),
            ),
        };
        Ok(PyCustomer(c))
    }
    /// Account id, unique in the ledger.
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// Name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }
    /// Currency of the account.
    #[getter]
    fn currency(&self) -> crate::money::PyCurrency {
        crate::money::PyCurrency(self.0.currency)
    }
    /// Segment (key account, SME, public sector…).
    #[getter]
    fn segment(&self) -> Option<String> {
        self.0.segment.clone()
    }
    /// Free tags.
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.0.tags.clone()
    }
    /// Parent account id, for groups.
    #[getter]
    fn parent(&self) -> Option<String> {
        self.0.parent.clone()
    }
    /// Country (ISO 3166-1 alpha-2).
    #[getter]
    fn country(&self) -> Option<String> {
        self.0.country.clone()
    }
    /// Payment terms as agreed, as text.
    #[getter]
    fn payment_terms(&self) -> Option<String> {
        self.0.payment_terms.clone()
    }
    /// Business-day calendar code.
    #[getter]
    fn calendar(&self) -> Option<String> {
        self.0.calendar.clone()
    }
    /// Dunning scenario forced for this customer.
    #[getter]
    fn dunning_scenario(&self) -> Option<String> {
        self.0.dunning_scenario.clone()
    }
    /// Risk class.
    #[getter]
    fn risk_class(&self) -> Option<String> {
        self.0.risk_class.clone()
    }
    /// External scores.
    #[getter]
    fn external_scores(&self) -> Vec<PyExternalScore> {
        self.0
            .external_scores
            .iter()
            .cloned()
            .map(PyExternalScore)
            .collect()
    }
    /// Credit limit granted.
    #[getter]
    fn credit_limit(&self) -> Option<PyMoney> {
        self.0.credit_limit.map(PyMoney)
    }
    /// Account-level dunning block.
    #[getter]
    fn dunning_block(&self) -> Option<PyBlock> {
        self.0.dunning_block.clone().map(PyBlock)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let c = &self.0;
        let mut r = Repr::new(py, "Customer")
            .s("id", &c.id)?
            .s("name", &c.name)?
            .raw("currency", crate::money::currency_arg_repr(c.currency))
            .opt_s("segment", c.segment.as_ref())?
            .list_s("tags", &c.tags)?
            .opt_s("parent", c.parent.as_ref())?
            .opt_s("country", c.country.as_ref())?
            .opt_s("payment_terms", c.payment_terms.as_ref())?
            .opt_s("calendar", c.calendar.as_ref())?
            .opt_s("dunning_scenario", c.dunning_scenario.as_ref())?
            .opt_s("risk_class", c.risk_class.as_ref())?;
        if !c.external_scores.is_empty() {
            let scores: PyResult<Vec<String>> = c
                .external_scores
                .iter()
                .map(|s| PyExternalScore(s.clone()).__repr__(py))
                .collect();
            r = r.raw("external_scores", format!("[{}]", scores?.join(", ")));
        }
        r = r.opt_money("credit_limit", c.credit_limit.as_ref());
        if let Some(b) = &c.dunning_block {
            r = r.raw("dunning_block", PyBlock(b.clone()).__repr__(py)?);
        }
        Ok(r.finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Customer>(data, "customer").map(PyCustomer)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- Item

/// An open item: an invoice, a debit note or a credit note. Amounts are positive; the
/// kind says whether it is a debit or a credit.
#[pyclass(name = "Item", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyItem(pub Item);

#[pymethods]
impl PyItem {
    /// `Item(id, customer_id, *, issue_date, amount, kind="invoice", due_date=None,
    /// reference=None, dispute=None, dunning_block=None)`. `kind` is "invoice",
    /// "debit_note" or "credit_note"; a credit note without `due_date` is due on its
    /// issue date, an invoice or debit note needs one.
    #[new]
    #[pyo3(signature = (id, customer_id, *, issue_date, amount, kind = "invoice", due_date = None,
        reference = None, dispute = None, dunning_block = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: String,
        customer_id: String,
        issue_date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        kind: &str,
        due_date: Option<&Bound<'_, PyAny>>,
        reference: Option<&Bound<'_, PyAny>>,
        dispute: Option<&Bound<'_, PyAny>>,
        dunning_block: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let kind: ItemKind = enum_from_str("item kind", kind)?;
        let issue = date_from_py(issue_date, "issue_date")?;
        let amount = money_arg(amount, "amount")?;
        let due = match (opt_date_from_py(due_date, "due_date")?, kind) {
            (Some(d), _) => d,
            (None, ItemKind::CreditNote) => issue,
            (None, _) => {
                return Err(new_err(
                    Kind::Input,
                    "missing_due_date",
                    format!("due_date is required for {} \"{id}\"", enum_to_str(&kind)),
                ));
            }
        };
        let mut item = Item::invoice(id, customer_id, issue, due, amount);
        item.kind = kind;
        item.reference = opt_string(reference, "reference")?;
        item.dispute = match dispute.filter(|d| !d.is_none()) {
            None => None,
            Some(d) => Some(
                d.cast::<PyDispute>()
                    .map_err(|_| {
                        pyo3::exceptions::PyTypeError::new_err(
                            "dispute must be encours.Dispute or None",
                        )
                    })?
                    .get()
                    .0
                    .clone(),
            ),
        };
        item.dunning_block = match dunning_block.filter(|b| !b.is_none()) {
            None => None,
            Some(b) => Some(
                b.cast::<PyBlock>()
                    .map_err(|_| {
                        pyo3::exceptions::PyTypeError::new_err(
                            "dunning_block must be encours.Block or None",
                        )
                    })?
                    .get()
                    .0
                    .clone(),
            ),
        };
        Ok(PyItem(item))
    }
    /// Item id (document number).
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// The customer's account id.
    #[getter]
    fn customer_id(&self) -> String {
        self.0.customer_id.clone()
    }
    /// "invoice", "debit_note" or "credit_note".
    #[getter]
    fn kind(&self) -> String {
        enum_to_str(&self.0.kind)
    }
    /// Issue date.
    #[getter]
    fn issue_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.issue_date)
    }
    /// Due date.
    #[getter]
    fn due_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.due_date)
    }
    /// Gross amount, positive.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// The customer's reference.
    #[getter]
    fn reference(&self) -> Option<String> {
        self.0.reference.clone()
    }
    /// The dispute, if any.
    #[getter]
    fn dispute(&self) -> Option<PyDispute> {
        self.0.dispute.clone().map(PyDispute)
    }
    /// Item-level dunning block.
    #[getter]
    fn dunning_block(&self) -> Option<PyBlock> {
        self.0.dunning_block.clone().map(PyBlock)
    }
    /// Whether the item is owed by the customer (invoice, debit note).
    fn is_debit(&self) -> bool {
        self.0.kind.is_debit()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let i = &self.0;
        let mut r = Repr::new(py, "Item")
            .s("id", &i.id)?
            .s("customer_id", &i.customer_id)?
            .s("kind", &enum_to_str(&i.kind))?
            .date("issue_date", i.issue_date)
            .date("due_date", i.due_date)
            .money("amount", &i.amount)
            .opt_s("reference", i.reference.as_ref())?;
        if let Some(d) = &i.dispute {
            r = r.raw("dispute", PyDispute(d.clone()).__repr__(py)?);
        }
        if let Some(b) = &i.dunning_block {
            r = r.raw("dunning_block", PyBlock(b.clone()).__repr__(py)?);
        }
        Ok(r.finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Item>(data, "item").map(PyItem)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- Payment

/// A payment received from a customer; unapplied cash until applied to items.
#[pyclass(name = "Payment", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyPayment(pub Payment);

#[pymethods]
impl PyPayment {
    /// `Payment(id, customer_id, date, amount, *, reference=None)`.
    #[new]
    #[pyo3(signature = (id, customer_id, date, amount, *, reference = None))]
    fn new(
        id: String,
        customer_id: String,
        date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        reference: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut p = Payment::new(
            id,
            customer_id,
            date_from_py(date, "date")?,
            money_arg(amount, "amount")?,
        );
        p.reference = opt_string(reference, "reference")?;
        Ok(PyPayment(p))
    }
    /// Payment id.
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// The paying customer's account id.
    #[getter]
    fn customer_id(&self) -> String {
        self.0.customer_id.clone()
    }
    /// Value date.
    #[getter]
    fn date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.date)
    }
    /// Amount received, positive.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// Remittance reference (an item id or an item's reference).
    #[getter]
    fn reference(&self) -> Option<String> {
        self.0.reference.clone()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.0;
        Ok(Repr::new(py, "Payment")
            .s("id", &p.id)?
            .s("customer_id", &p.customer_id)?
            .date("date", p.date)
            .money("amount", &p.amount)
            .opt_s("reference", p.reference.as_ref())?
            .finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Payment>(data, "payment").map(PyPayment)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

// ---------------------------------------------------------------------------- Application

/// An amount applied from a payment or a credit note to a debit item, with the rule
/// that chose the item.
#[pyclass(name = "Application", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyApplication(pub Application);

#[pymethods]
impl PyApplication {
    /// `Application(source_id, item_id, date, amount, *, source_kind="payment",
    /// rule="explicit")`: source_kind "payment" or "credit_note"; rule "explicit",
    /// "reference", "exact_amount" or "oldest_due".
    #[new]
    #[pyo3(signature = (source_id, item_id, date, amount, *, source_kind = "payment", rule = "explicit"))]
    fn new(
        source_id: String,
        item_id: String,
        date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        source_kind: &str,
        rule: &str,
    ) -> PyResult<Self> {
        let source = match source_kind {
            "payment" => Source::Payment(source_id),
            "credit_note" => Source::CreditNote(source_id),
            other => {
                return Err(new_err(
                    Kind::Input,
                    "invalid_choice",
                    format!(
                        "invalid source_kind \"{other}\": expected \"payment\" or \"credit_note\""
                    ),
                ));
            }
        };
        Ok(PyApplication(Application {
            source,
            item_id,
            date: date_from_py(date, "date")?,
            amount: money_arg(amount, "amount")?,
            rule: enum_from_str::<MatchRule>("rule", rule)?,
        }))
    }
    /// "payment" or "credit_note".
    #[getter]
    fn source_kind(&self) -> &'static str {
        match self.0.source {
            Source::Payment(_) => "payment",
            Source::CreditNote(_) => "credit_note",
        }
    }
    /// The payment or credit-note id.
    #[getter]
    fn source_id(&self) -> String {
        match &self.0.source {
            Source::Payment(id) | Source::CreditNote(id) => id.clone(),
        }
    }
    /// The debit item settled.
    #[getter]
    fn item_id(&self) -> String {
        self.0.item_id.clone()
    }
    /// Day the application takes effect.
    #[getter]
    fn date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.0.date)
    }
    /// Amount applied, positive.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// How the item was chosen: "explicit", "reference", "exact_amount", "oldest_due".
    #[getter]
    fn rule(&self) -> String {
        enum_to_str(&self.0.rule)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.0;
        let mut r = Repr::new(py, "Application")
            .s("source_id", &self.source_id())?
            .s("item_id", &a.item_id)?
            .date("date", a.date)
            .money("amount", &a.amount);
        if let Source::CreditNote(_) = a.source {
            r = r.s("source_kind", "credit_note")?;
        }
        if a.rule != MatchRule::Explicit {
            r = r.s("rule", &enum_to_str(&a.rule))?;
        }
        Ok(r.finish())
    }
    /// The JSON form (the core's serde form).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }
    /// A value from its JSON form.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json::<Application>(data, "application").map(PyApplication)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf, slf.get().to_json()?)
    }
}

/// Register the record classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBlock>()?;
    m.add_class::<PyDispute>()?;
    m.add_class::<PyExternalScore>()?;
    m.add_class::<PyCustomer>()?;
    m.add_class::<PyItem>()?;
    m.add_class::<PyPayment>()?;
    m.add_class::<PyApplication>()?;
    Ok(())
}
