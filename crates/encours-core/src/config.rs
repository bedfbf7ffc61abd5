//! Reading configuration documents: one entry point for every layer.
//!
//! A configuration a person writes (dunning configuration, promises, rate tables,
//! interest rules, calendars, payment terms, the dunning history…) must never turn a
//! misspelt key into a silent default: `"segment"` for `"segments"` would make a rule
//! match every customer. So every such type, and every one added later (risk
//! scorecards, credit limits, payment plans…), follows two rules:
//!
//! 1. the type (and its data form, for types read through `try_from`) is marked
//!    `#[serde(deny_unknown_fields)]`;
//! 2. every layer (Rust, C, Python, the command) reads it through [`from_json`] or
//!    [`from_value`], never through `serde_json::from_str` directly.
//!
//! The error then names the document, the path of the key (`scenarios[0].steps[1]`),
//! the key, and the closest known key:
//!
//! ```
//! use encours_core::config::{self, ConfigError};
//! use encours_core::dunning::AssignmentRule;
//! let err = config::from_json::<AssignmentRule>(
//!     r#"{"id": "smb", "scenario": "soft", "segment": ["SMB"]}"#,
//!     "assignment rule",
//! ).unwrap_err();
//! assert_eq!(err.to_string(),
//!     "assignment rule: unknown key \"segment\" at the top level; did you mean \"segments\"?");
//! assert!(matches!(err, ConfigError::UnknownKey { ref closest, .. } if closest.as_deref() == Some("segments")));
//! ```
//!
//! Unknown enumeration values (`"grouping": "highest_levle"`) are reported the same
//! way, as [`ConfigError::UnknownValue`].

use serde::de::DeserializeOwned;

/// A configuration document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key the type does not know (a misspelling, or a key of another version).
    #[error("{what}: unknown key \"{key}\" at {}{}", at(path), hint(closest.as_deref()))]
    UnknownKey {
        /// The document (`dunning configuration`, `promises to pay`…).
        what: String,
        /// Where the key stands (`scenarios[0].steps[1]`; empty at the top level).
        path: String,
        /// The unknown key.
        key: String,
        /// The known key closest to it, when one is close enough to be a misspelling.
        closest: Option<String>,
        /// Every key known at that place.
        known: Vec<String>,
    },
    /// A value outside a fixed list (a channel, a grouping, a jurisdiction…).
    #[error("{what}: unknown value \"{value}\" at {}{}", at(path), hint(closest.as_deref()))]
    UnknownValue {
        /// The document.
        what: String,
        /// Where the value stands.
        path: String,
        /// The unknown value.
        value: String,
        /// The known value closest to it, when close enough.
        closest: Option<String>,
        /// Every value known at that place.
        known: Vec<String>,
    },
    /// Malformed JSON, a missing key, a value of the wrong type, or a check of the
    /// type itself that failed.
    #[error("{what}: {message} at {}", at(path))]
    Invalid {
        /// The document.
        what: String,
        /// Where (empty at the top level).
        path: String,
        /// What is wrong, as the reader said it.
        message: String,
    },
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the top level".to_owned()
    } else {
        format!("\"{path}\"")
    }
}

fn hint(closest: Option<&str>) -> String {
    closest
        .map(|c| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}

/// Read a configuration document from JSON text.
///
/// # Errors
/// [`ConfigError::UnknownKey`] / [`ConfigError::UnknownValue`] naming the path and the
/// closest known key or value; [`ConfigError::Invalid`] for anything else (syntax,
/// missing key, wrong type, a check of the type), with the path.
///
/// # Example
/// See the [module documentation](self).
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, ConfigError> {
    // A byte-order mark from a Windows editor is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| classify(e, what))?;
    de.end().map_err(|e| ConfigError::Invalid {
        what: what.to_owned(),
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Read a configuration document from a JSON value (what Python dicts, TOML or YAML
/// readers give once converted).
///
/// # Errors
/// As [`from_json`].
///
/// # Example
/// ```
/// use encours_core::config;
/// use encours_core::dunning::HistoryItem;
/// let v = serde_json::json!({"item_id": "F-1", "levle": 1});
/// let err = config::from_value::<HistoryItem>(v, "dunning history").unwrap_err();
/// assert_eq!(err.to_string(),
///     "dunning history: unknown key \"levle\" at the top level; did you mean \"level\"?");
/// ```
pub fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    what: &str,
) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|e| classify(e, what))
}

/// Turn a located serde error into a [`ConfigError`]. serde reports unknown keys and
/// values with a fixed wording (`unknown field `x`, expected one of `a`, `b``), the
/// same in every format: the names are read back from it.
fn classify(e: serde_path_to_error::Error<serde_json::Error>, what: &str) -> ConfigError {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let inner = e.into_inner();
    let message = inner.to_string();
    let unknown = |prefix: &str| -> Option<(String, Vec<String>)> {
        let rest = message.strip_prefix(prefix)?;
        let mut names = backticked(rest);
        if names.is_empty() {
            return None;
        }
        let key = names.remove(0);
        Some((key, names))
    };
    if let Some((key, known)) = unknown("unknown field `") {
        // The path of an unknown key ends with the key itself: report its parent.
        let parent = strip_last(&path, &key);
        return ConfigError::UnknownKey {
            what: what.to_owned(),
            closest: closest(&key, &known),
            path: parent,
            key,
            known,
        };
    }
    if let Some((value, known)) = unknown("unknown variant `") {
        return ConfigError::UnknownValue {
            what: what.to_owned(),
            closest: closest(&value, &known),
            path,
            value,
            known,
        };
    }
    // serde_json appends the position to its messages; keep it, it helps in a file.
    ConfigError::Invalid {
        what: what.to_owned(),
        path,
        message,
    }
}

/// The names quoted between backticks, in order (the first back quote was eaten by
/// the prefix, so the text starts inside the first name).
fn backticked(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut parts = rest.split('`');
    if let Some(first) = parts.next() {
        out.push(first.to_owned());
    }
    // After the first name, quoted names are every other piece.
    for (i, piece) in parts.enumerate() {
        if i % 2 == 1 {
            out.push(piece.to_owned());
        }
    }
    out
}

fn strip_last(path: &str, key: &str) -> String {
    match path.strip_suffix(key) {
        Some(parent) => parent.strip_suffix('.').unwrap_or(parent).to_owned(),
        None => path.to_owned(),
    }
}

/// The known name closest to `given`, if it is close enough to be a misspelling
/// (Jaro-Winkler similarity of 0.8 or more, the usual threshold for typos).
pub fn closest(given: &str, known: &[String]) -> Option<String> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(given, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        min_customer_amount: u32,
        #[serde(default)]
        mode: Mode,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        #[default]
        PerStep,
        HighestLevel,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        steps: Vec<Inner>,
    }

    #[test]
    fn unknown_key_names_the_parent_path_and_the_closest_key() {
        let err = from_json::<Outer>(
            r#"{"steps": [{"min_customer_amount": 1}, {"min_customer_amout": 2}]}"#,
            "doc",
        )
        .unwrap_err();
        assert_eq!(
            err,
            ConfigError::UnknownKey {
                what: "doc".into(),
                path: "steps[1]".into(),
                key: "min_customer_amout".into(),
                closest: Some("min_customer_amount".into()),
                known: vec!["min_customer_amount".into(), "mode".into()],
            }
        );
        assert_eq!(
            err.to_string(),
            "doc: unknown key \"min_customer_amout\" at \"steps[1]\"; did you mean \"min_customer_amount\"?"
        );
    }

    #[test]
    fn unknown_value_names_the_closest_value() {
        let err = from_json::<Outer>(
            r#"{"steps": [{"min_customer_amount": 1, "mode": "highest_levle"}]}"#,
            "doc",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "doc: unknown value \"highest_levle\" at \"steps[0].mode\"; did you mean \"highest_level\"?"
        );
    }

    #[test]
    fn a_key_far_from_every_known_one_gets_no_suggestion() {
        let err = from_value::<Outer>(serde_json::json!({"zzz": 1}), "doc").unwrap_err();
        assert_eq!(err.to_string(), "doc: unknown key \"zzz\" at the top level");
    }

    #[test]
    fn other_errors_keep_the_path_and_the_position() {
        let err =
            from_json::<Outer>(r#"{"steps": [{"min_customer_amount": "x"}]}"#, "doc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "doc: invalid type: string \"x\", expected u32 at line 1 column 38 at \"steps[0].min_customer_amount\""
        );
        let err = from_json::<Outer>(r#"{"steps": []} x"#, "doc").unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }));
    }
}
