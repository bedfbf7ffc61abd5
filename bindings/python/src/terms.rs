//! `PaymentTerms`: payment terms, their parser, due schedules, early-payment discounts
//! and the French LME cap check, from `encours_core::terms`.

use encours_core::terms::{
    Discount, DiscountOffer, DueLine, DueRule, EndOfMonthConvention, LmeCap, LmeCheck, LmeLimits,
    LmeReason, LmeVerdict, ParseOptions, PaymentTerms, SplitRounding,
};
use pyo3::prelude::*;

use crate::convert::{
    date_from_py, decimal_to_py, enum_from_str, from_json, opt_date_from_py, str_repr, to_json,
};
use crate::errors::CoreResult;
use crate::money::PyMoney;
use crate::values::ToPy;

/// A due rule is shown as its text (`net 30`, `45 days then end of month`).
impl ToPy for DueRule {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_string().to_py(py)
    }
}

/// An LME cap is its serde name (`sixty_days_from_invoice`,
/// `forty_five_days_end_of_month`).
impl ToPy for LmeCap {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m
                .get("cap")
                .and_then(|c| c.as_str())
                .unwrap_or("?")
                .to_owned()
                .to_py(py),
            _ => "?".to_owned().to_py(py),
        }
    }
}

impl ToPy for usize {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok((*self).into_pyobject(py)?.into_any())
    }
}

figures_class!(
    /// One instalment of a due schedule: its share of the amount, due date and amount.
    PyDueLine, "DueLine", DueLine,
    fields: [
        /// Index of the terms line it comes from.
        line_index,
        /// The due rule, as text.
        rule,
        /// Share of the amount, in percent.
        share,
        /// Due date.
        due_date,
        /// Amount due (the lines add up to the invoice amount to the cent).
        amount,
    ]
);

figures_class!(
    /// An early-payment discount offered by the terms for one invoice.
    PyDiscount, "Discount", Discount,
    fields: [
        /// Last day to pay with the discount.
        deadline,
        /// Discount rate, in percent.
        percent,
        /// Discount amount.
        amount,
        /// Amount to pay by the deadline.
        net_payable,
    ]
);

figures_class!(
    /// The three French LME cap dates for an invoice date.
    PyLmeLimits, "LmeLimits", LmeLimits,
    fields: [
        /// Invoice date + 60 days.
        sixty_days,
        /// Invoice date + 45 days, then end of month.
        days_then_end_of_month,
        /// End of month, then + 45 days.
        end_of_month_then_days,
    ]
);

figures_class!(
    /// Why one terms line complies with the LME cap or not.
    PyLmeReason, "LmeReason", LmeReason,
    fields: [
        /// Index of the terms line.
        line_index,
        /// The due rule, as text.
        rule,
        /// The line's due date.
        due_date,
        /// Days from the invoice date to the due date.
        days_from_invoice,
        /// The cap applied ("sixty_days_from_invoice" or "forty_five_days_end_of_month").
        cap,
        /// The cap's date.
        cap_date,
        /// Whether the line is within the cap.
        compliant,
        /// Days beyond the cap (0 when compliant).
        days_over,
    ]
);

figures_class!(
    /// The French LME check (Code de commerce L441-10): terms may not exceed 60 days
    /// from the invoice date or 45 days end of month.
    PyLmeCheck, "LmeCheck", LmeCheck,
    fields: [
        /// The invoice date checked.
        invoice_date,
        /// Whether every line complies.
        compliant,
        /// The cap dates.
        limits,
        /// One reason per terms line.
        reasons,
        /// The verdict of every cap that applies to every line.
        verdicts,
    ]
);

figures_class!(
    /// One terms line against one LME cap: the 60-day cap, or one of the two readings
    /// of 45 days end of month (for end-of-month rules).
    PyLmeVerdict, "LmeVerdict", LmeVerdict,
    fields: [
        /// Index of the terms line.
        line_index,
        /// The cap ("sixty_days_from_invoice" or "forty_five_days_end_of_month").
        cap,
        /// The cap's date.
        cap_date,
        /// Whether the line is within this cap.
        compliant,
        /// Days beyond this cap (0 when compliant).
        days_over,
    ]
);

figures_class!(
    /// The early-payment discount for one payment date: whether it applies, the
    /// amount, what to pay, and the nominal annual cost of not taking it (percent,
    /// Brigham & Ehrhardt's cost of trade credit: 2/10 net 30 gives 37.2449).
    PyDiscountOffer, "DiscountOffer", DiscountOffer,
    fields: [
        /// The payment date assessed.
        payment_date,
        /// Last day to pay with the discount.
        deadline,
        /// Whether the discount applies to a payment on payment_date.
        applies,
        /// Discount rate, in percent.
        percent,
        /// Discount earned (zero when it does not apply).
        amount,
        /// Amount to pay on payment_date.
        payable,
        /// Annualised cost of not taking the discount, percent, or None.
        annualised_cost,
    ]
);

/// Payment terms: one or more lines (a share of the amount and a due rule) and an
/// optional early-payment discount. `PaymentTerms.parse` reads French and English
/// phrases ("30 jours fin de mois", "2/10 net 30", "30% à la commande, 70% à 60
/// jours").
#[pyclass(name = "PaymentTerms", module = "encours", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyPaymentTerms(pub PaymentTerms);

#[pymethods]
impl PyPaymentTerms {
    /// Parse terms text. `end_of_month_convention` says how "N days end of month" is
    /// read: "days_then_end_of_month" (default: invoice date + N days, then end of
    /// month) or "end_of_month_then_days". Raises TermsError naming the token.
    #[staticmethod]
    #[pyo3(signature = (text, *, end_of_month_convention = "days_then_end_of_month"))]
    fn parse(text: &str, end_of_month_convention: &str) -> PyResult<Self> {
        let convention: EndOfMonthConvention =
            enum_from_str("end of month convention", end_of_month_convention)?;
        let options = ParseOptions::new().with_end_of_month_convention(convention);
        PaymentTerms::parse(text, &options).py().map(PyPaymentTerms)
    }

    /// Net `days` days from the invoice date.
    #[staticmethod]
    fn net(days: u32) -> Self {
        PyPaymentTerms(PaymentTerms::net(days))
    }

    /// The lines as (share in percent, due rule text) pairs.
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
        self.0
            .lines()
            .iter()
            .map(|l| Ok((decimal_to_py(py, l.share)?, l.due.to_string())))
            .collect()
    }

    /// The early-payment discount as (percent, days), or None.
    #[getter]
    fn discount<'py>(&self, py: Python<'py>) -> PyResult<Option<(Bound<'py, PyAny>, u32)>> {
        self.0
            .discount()
            .map(|d| Ok((decimal_to_py(py, d.percent)?, d.days)))
            .transpose()
    }

    /// The due date of a single-line invoice (the last line's for split terms).
    fn due_date<'py>(
        &self,
        py: Python<'py>,
        invoice_date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = self
            .0
            .due_date(date_from_py(invoice_date, "invoice_date")?)
            .py()?;
        crate::convert::date_to_py(py, d)
    }

    /// The due schedule of an invoice: one DueLine per terms line, the amounts adding
    /// up to `amount` to the cent. `order_date` is used by "at order" lines.
    /// `rounding`: "half_up_remainder_on_last" (each line half up, the last due takes
    /// the rest: 1,000.03 in quarters is 250.01 x 3 + 250.00) or
    /// "truncate_remainder_on_last" (250.00 x 3 + 250.03).
    #[pyo3(signature = (invoice_date, amount, order_date = None, *, rounding = "half_up_remainder_on_last"))]
    fn due_schedule(
        &self,
        invoice_date: &Bound<'_, PyAny>,
        amount: PyRef<'_, PyMoney>,
        order_date: Option<&Bound<'_, PyAny>>,
        rounding: &str,
    ) -> PyResult<Vec<PyDueLine>> {
        let inv = date_from_py(invoice_date, "invoice_date")?;
        let order = opt_date_from_py(order_date, "order_date")?;
        let rounding: SplitRounding = enum_from_str("rounding", rounding)?;
        let lines = self
            .0
            .due_schedule_with(inv, order, amount.0, rounding)
            .py()?;
        Ok(lines.into_iter().map(PyDueLine).collect())
    }

    /// The early-payment discount offered for an invoice, or None.
    fn early_payment_discount(
        &self,
        invoice_date: &Bound<'_, PyAny>,
        amount: PyRef<'_, PyMoney>,
    ) -> PyResult<Option<PyDiscount>> {
        let inv = date_from_py(invoice_date, "invoice_date")?;
        Ok(self
            .0
            .early_payment_discount(inv, amount.0)
            .py()?
            .map(PyDiscount))
    }

    /// The early-payment discount for a payment made on `payment_date`, or None when
    /// the terms have none.
    fn discount_for_payment(
        &self,
        invoice_date: &Bound<'_, PyAny>,
        payment_date: &Bound<'_, PyAny>,
        amount: PyRef<'_, PyMoney>,
    ) -> PyResult<Option<PyDiscountOffer>> {
        let inv = date_from_py(invoice_date, "invoice_date")?;
        let paid = date_from_py(payment_date, "payment_date")?;
        Ok(self
            .0
            .discount_for_payment(inv, paid, amount.0)
            .py()?
            .map(PyDiscountOffer))
    }

    /// Check the terms against the French LME cap for an invoice date.
    fn lme_check(&self, invoice_date: &Bound<'_, PyAny>) -> PyResult<PyLmeCheck> {
        let inv = date_from_py(invoice_date, "invoice_date")?;
        self.0.lme_check(inv).py().map(PyLmeCheck)
    }

    /// The JSON form (`{"lines": [...], "discount": ...}`).
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0, None)
    }

    /// Terms from their JSON form, validated.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_json(data, "payment terms").map(PyPaymentTerms)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.as_any().get_type().getattr("from_json")?,
            (slf.get().to_json()?,),
        ))
    }

    /// The terms as text, in the core's canonical wording.
    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "PaymentTerms({})",
            str_repr(py, &self.0.to_string())?
        ))
    }
}

/// Register the classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPaymentTerms>()?;
    m.add_class::<PyDueLine>()?;
    m.add_class::<PyDiscount>()?;
    m.add_class::<PyLmeLimits>()?;
    m.add_class::<PyLmeReason>()?;
    m.add_class::<PyLmeCheck>()?;
    m.add_class::<PyLmeVerdict>()?;
    m.add_class::<PyDiscountOffer>()?;
    Ok(())
}
