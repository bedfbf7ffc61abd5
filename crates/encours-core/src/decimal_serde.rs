//! Serde helpers that write decimals as strings and read them back exactly.
//!
//! `rust_decimal::serde::str` parses with `Decimal::from_str`, which silently rounds
//! past 28 significant digits; a ledger must refuse such a value instead.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer};

/// Serialize a decimal as its exact string form.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Deserialize a decimal from a string (or integer) with exact parsing.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr<'a> {
        Str(std::borrow::Cow<'a, str>),
        Int(i64),
    }
    match Repr::deserialize(deserializer)? {
        Repr::Str(s) => parse_exact(&s).map_err(serde::de::Error::custom),
        Repr::Int(i) => Ok(Decimal::from(i)),
    }
}

/// Parse a decimal string exactly, refusing anything that would be rounded.
pub(crate) fn parse_exact(s: &str) -> Result<Decimal, String> {
    let trimmed = s.trim();
    Decimal::from_str_exact(trimmed).map_err(|e| format!("invalid decimal \"{s}\": {e}"))
}

/// The same for `Option<Decimal>`.
#[allow(dead_code)]
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialize an optional decimal as a string or null.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Deserialize an optional decimal with exact parsing.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| super::parse_exact(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}
