//! Risk scoring: behavioural features, external scores on their provider's scale,
//! financial statements (ratios, Altman Z, Z', Z''), the scorecard and migrations.
//! Configurations and results cross as JSON in the core's serde form.

use std::ffi::c_char;

use encours_core::dunning::History;
use encours_core::promises::PromiseToPay;
use encours_core::risk::external::ProviderScale;
use encours_core::risk::features::{
    BehaviouralFeatures, FeatureConfig, FeatureInputs, FeatureTable, customer_features,
    feature_table,
};
use encours_core::risk::scorecard::{Score, Scorecard, ScorecardData, migration};
use encours_core::risk::statements::{AltmanModel, FinancialStatement};
use rust_decimal::Decimal;

use crate::convert::{date_arg, json_arg, str_arg, text_arg, to_json, write, write_alloc_str};
use crate::error::encours_status::*;
use crate::error::{Failure, encours_status};
use crate::ledger::{encours_ledger, ledger_ref};

/// Altman model: Z (1968), public manufacturers (market value of equity).
pub const ENCOURS_ALTMAN_Z: u32 = 0;
/// Altman model: Z' (1983), private firms (book equity).
pub const ENCOURS_ALTMAN_Z_PRIME: u32 = 1;
/// Altman model: Z'' (1995), non-manufacturers and emerging markets.
pub const ENCOURS_ALTMAN_Z_DOUBLE_PRIME: u32 = 2;

/// A validated scorecard. Opaque; created by `encours_scorecard_default` or
/// `encours_scorecard_from_json`, released by `encours_scorecard_free`. Immutable:
/// several threads may score with it at once.
pub struct encours_scorecard {
    inner: Scorecard,
}

/// What the features read besides the ledger, as JSON: `{"history": {...},
/// "promises": [...], "scales": [...], "statements": [...]}`, every key optional.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct InputsData {
    history: Option<History>,
    promises: Option<Vec<PromiseToPay>>,
    scales: Vec<ProviderScale>,
    statements: Vec<FinancialStatement>,
}

impl InputsData {
    fn borrowed(&self) -> FeatureInputs<'_> {
        FeatureInputs {
            history: self.history.as_ref(),
            promises: self.promises.as_deref(),
            scales: &self.scales,
            statements: &self.statements,
        }
    }
}

/// An optional JSON argument (NULL: the default).
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
pub(crate) unsafe fn opt_json<T: serde::de::DeserializeOwned + Default>(
    p: *const c_char,
    len: usize,
    name: &str,
    what: &str,
) -> Result<T, Failure> {
    if p.is_null() {
        return Ok(T::default());
    }
    // SAFETY: forwarded contract.
    json_arg(unsafe { text_arg(p, len, name) }?, what)
}

/// Clear an out-pointer first, so a failed call never leaves a stale pointer.
///
/// # Safety
/// `out` NULL or writable; `out_len` NULL or writable.
pub(crate) unsafe fn clear_out(out: *mut *mut c_char, out_len: *mut usize) {
    // SAFETY: checked non-NULL, writable by contract.
    unsafe {
        if !out.is_null() {
            write(out, std::ptr::null_mut());
        }
        if !out_len.is_null() {
            write(out_len, 0);
        }
    }
}

fn features_config(text: Option<&str>) -> Result<FeatureConfig, Failure> {
    let c: FeatureConfig = match text {
        Some(t) => json_arg(t, "feature settings")?,
        None => FeatureConfig::default(),
    };
    c.validate()?;
    Ok(c)
}

/// # Safety
/// `p` NULL or `len` readable bytes.
unsafe fn opt_text<'a>(
    p: *const c_char,
    len: usize,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { text_arg(p, len, name) }.map(Some)
}

/// The behavioural features of every customer as of the end of `as_of` (days since
/// 1970-01-01), in one pass over the ledger. `config_json` (NULL: defaults) holds the
/// feature settings (`{"short_window_days": 90, "long_window_days": 365, ...}`);
/// `inputs_json` (NULL: none) the dunning history, promises, provider scales and
/// financial statements. `*out` receives `{"as_of": ..., "rows": [...]}`, one row per
/// customer, each feature `null` when it cannot be computed; free with
/// `encours_string_free`.
///
/// Statuses: `ENCOURS_INVALID_JSON` (malformed, or an unknown key), `ENCOURS_RISK_INVALID`
/// (a setting, scale or statement that breaks a rule: the message names the field),
/// `ENCOURS_INVALID_DATE`, `ENCOURS_OVERFLOW`.
///
/// # Safety
/// `ledger` a live handle; the JSON pointers NULL or pointing to their length of
/// readable bytes; `out` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_risk_feature_table_json(
    ledger: *const encours_ledger,
    config_json: *const c_char,
    config_len: usize,
    inputs_json: *const c_char,
    inputs_len: usize,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: forwarded contract.
        let (l, config, inputs) = unsafe {
            (ledger_ref(ledger)?, features_config(opt_text(config_json, config_len, "config_json")?)?,
             opt_json::<InputsData>(inputs_json, inputs_len, "inputs_json", "feature inputs")?)
        };
        let fi = inputs.borrowed();
        let table = feature_table(l, &config, &fi, date_arg(as_of, "as_of")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&table)?, out, out_len) }
    }
}

/// The behavioural features of one customer, as `encours_risk_feature_table_json`
/// computes them for a row (the portfolio share reads every balance of the customer's
/// currency). `ENCOURS_NOT_FOUND` for an unknown customer.
///
/// # Safety
/// As `encours_risk_feature_table_json`; `customer_id` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_risk_customer_features_json(
    ledger: *const encours_ledger,
    customer_id: *const c_char,
    config_json: *const c_char,
    config_len: usize,
    inputs_json: *const c_char,
    inputs_len: usize,
    as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: forwarded contract.
        let (l, id, config, inputs) = unsafe {
            (ledger_ref(ledger)?, str_arg(customer_id, "customer_id")?, features_config(opt_text(config_json, config_len, "config_json")?)?,
             opt_json::<InputsData>(inputs_json, inputs_len, "inputs_json", "feature inputs")?)
        };
        let fi = inputs.borrowed();
        let f = customer_features(l, id, &config, &fi, date_arg(as_of, "as_of")?, None)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&f)?, out, out_len) }
    }
}

/// The built-in scorecard (documented in the core's `risk::scorecard`). `*out` receives
/// a handle to free with `encours_scorecard_free`.
///
/// # Safety
/// `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_scorecard_default(
    out: *mut *mut encours_scorecard,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let boxed = Box::into_raw(Box::new(encours_scorecard { inner: Scorecard::default_card() }));
        // SAFETY: checked non-NULL.
        unsafe { write(out, boxed) };
        Ok(())
    }
}

/// A scorecard from JSON (`{"name": ..., "factors": [{"factor": "overdue_share",
/// "weight": "0.15", "missing": "100", "bins": [...]}, ...], "classes": [...]}`).
/// `ENCOURS_INVALID_JSON` for malformed JSON, an unknown key or factor;
/// `ENCOURS_RISK_INVALID` for weights not adding up to 1, overlapping or unordered
/// bins, points outside 0–100, classes out of order (the message names the field).
/// `*out` is set to NULL first and receives the handle on success.
///
/// # Safety
/// `json` points to `len` readable bytes; `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_scorecard_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut encours_scorecard,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        // SAFETY: checked non-NULL.
        unsafe { write(out, std::ptr::null_mut()) };
        // SAFETY: forwarded contract.
        let data: ScorecardData = json_arg(unsafe { text_arg(json, len, "json") }?, "a scorecard")?;
        let card = Scorecard::try_from(data)?;
        let boxed = Box::into_raw(Box::new(encours_scorecard { inner: card }));
        // SAFETY: checked non-NULL.
        unsafe { write(out, boxed) };
        Ok(())
    }
}

/// Release a scorecard; NULL is a no-op.
///
/// # Safety
/// `card` NULL or a live handle not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_scorecard_free(card: *mut encours_scorecard) {
    ffi_boundary! { value;
        if !card.is_null() {
            // SAFETY: came from Box::into_raw.
            drop(unsafe { Box::from_raw(card) });
        }
    }
}

/// The scorecard as JSON (to store or edit it). Free `*out` with `encours_string_free`.
///
/// # Safety
/// `card` a live handle; `out` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_scorecard_to_json(
    card: *const encours_scorecard,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(card, out);
        // SAFETY: live handle.
        let c = unsafe { &(*card).inner };
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(c)?, out, out_len) }
    }
}

/// Score features: `features_json` is a feature table (`{"as_of":..., "rows": [...]}`,
/// as `encours_risk_feature_table_json` gives) or one customer's features. `*out`
/// receives a JSON array of scores (`score` 0–100, `class`, `class_rank`,
/// `contributions` largest shortfall first, adding up to the score), one per row.
///
/// # Safety
/// `card` a live handle; `features_json` points to `len` readable bytes; `out`
/// writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_scorecard_score_json(
    card: *const encours_scorecard,
    features_json: *const c_char,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(card, out);
        // SAFETY: live handle; readable bytes.
        let (c, text) = unsafe { (&(*card).inner, text_arg(features_json, len, "features_json")?) };
        let scores: Vec<Score> = if text.contains("\"rows\"") {
            let t: FeatureTable = json_arg(text, "a feature table")?;
            c.score_table(&t)?
        } else {
            let f: BehaviouralFeatures = json_arg(text, "behavioural features")?;
            vec![c.score(&f)?]
        };
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&scores)?, out, out_len) }
    }
}

/// Compare two scores of one customer (JSON objects as in the array of
/// `encours_scorecard_score_json`): `*out` receives `{"direction": "upgrade" |
/// "downgrade" | "unchanged", "score_delta": ..., "moved": [...]}`.
/// `ENCOURS_RISK_INVALID` for scores of two customers.
///
/// # Safety
/// The JSON pointers point to their length of readable bytes; `out` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_risk_migration_json(
    before_json: *const c_char,
    before_len: usize,
    after_json: *const c_char,
    after_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        // SAFETY: readable bytes by contract.
        let (b, a) = unsafe { (text_arg(before_json, before_len, "before_json")?, text_arg(after_json, after_len, "after_json")?) };
        let m = migration(&json_arg::<Score>(b, "a score")?, &json_arg::<Score>(a, "a score")?)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&m)?, out, out_len) }
    }
}

/// A financial statement's ratios and Altman score: `model` is one of
/// `ENCOURS_ALTMAN_*`. `*out` receives `{"ratios": {...}, "altman": {...} | null}`
/// (null when a figure the model needs is missing). `ENCOURS_RISK_INVALID` for an
/// impossible value (negative total assets…), `ENCOURS_INVALID_ARGUMENT` for an
/// unknown model.
///
/// # Safety
/// `statement_json` points to `len` readable bytes; `out` writable; `out_len` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_risk_statement_json(
    statement_json: *const c_char,
    len: usize,
    model: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        // SAFETY: forwarded contract.
        unsafe { clear_out(out, out_len) };
        check_null!(out);
        let model = match model {
            ENCOURS_ALTMAN_Z => AltmanModel::ZPublic,
            ENCOURS_ALTMAN_Z_PRIME => AltmanModel::ZPrimePrivate,
            ENCOURS_ALTMAN_Z_DOUBLE_PRIME => AltmanModel::ZDoublePrimeNonManufacturer,
            other => return Err(Failure::new(ENCOURS_INVALID_ARGUMENT, format!("argument model {other} is not an ENCOURS_ALTMAN_* value (0 to 2)"))),
        };
        // SAFETY: readable bytes by contract.
        let s: FinancialStatement = json_arg(unsafe { text_arg(statement_json, len, "statement_json") }?, "a financial statement")?;
        let doc = serde_json::json!({ "ratios": s.ratios()?, "altman": s.altman(model)? });
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(to_json(&doc)?, out, out_len) }
    }
}

/// An external score on its provider's scale (`scale_json`: `{"provider": ...,
/// "min": "0", "max": "10", "higher_is_better": true, "bands": [...]}`) normalised to
/// 0–100 (100 the best risk), written as a decimal string into `buf` (`buf_len` bytes,
/// NUL included; `*out_len` gets the length, or the length needed with
/// `ENCOURS_INSUFFICIENT_SIZE`). `value` is a decimal string. `ENCOURS_RISK_INVALID`
/// for a score outside the scale or a bad scale.
///
/// # Safety
/// `scale_json` points to `len` readable bytes; `value` NUL-terminated; `buf` has
/// `buf_len` writable bytes; `out_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_risk_normalise_score(
    scale_json: *const c_char,
    len: usize,
    value: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(buf, out_len);
        // SAFETY: readable bytes by contract.
        let (scale, v) = unsafe { (text_arg(scale_json, len, "scale_json")?, str_arg(value, "value")?) };
        let scale: ProviderScale = json_arg(scale, "a provider scale")?;
        scale.validate()?;
        let v = Decimal::from_str_exact(v.trim()).map_err(|e| Failure::new(ENCOURS_INVALID_AMOUNT, format!("argument value \"{v}\" is not an exact decimal: {e}")))?;
        let n = scale.normalise(v)?;
        // SAFETY: checked non-NULL, buffer of buf_len bytes.
        unsafe { crate::convert::write_str_buf(&n.to_string(), buf, buf_len, out_len) }
    }
}
