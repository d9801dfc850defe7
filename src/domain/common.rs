//! Small pieces every aggregate shares: the three-state update field ([`Patch`]), field
//! validation that names the field (text lengths, hex colours, HH:MM times, decimal money)
//! and the output of delete operations.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};

use super::DomainError;

/// One field of an update: absent keeps the stored value, `null` clears it, a value sets it.
/// Use with `#[serde(default)]` so an absent field deserializes to `Keep`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// The value after applying the patch to `current`.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(v) => Some(v),
        }
    }

    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Self::Clear,
            Some(v) => Self::Set(v),
        })
    }
}

// On the wire a patch field is simply an optional, nullable value.
impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        Option::<T>::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }
}

/// What delete operations return.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Deleted {
    /// The id of the removed record.
    pub id: i64,
    pub deleted: bool,
}

impl Deleted {
    pub fn new(id: i64) -> Self {
        Self { id, deleted: true }
    }
}

/// Trims `value` and checks it has 1 to `max` characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(DomainError::invalid(field, format!("must be 1 to {max} characters")));
    }
    Ok(value.to_owned())
}

/// Trims an optional text; blank becomes `None`; longer than `max` characters is refused.
pub fn optional_text(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.chars().count() > max {
        return Err(DomainError::invalid(field, format!("must be at most {max} characters")));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// A `#RRGGBB` (or `#RGB`) colour, returned lowercased.
pub fn hex_colour(field: &'static str, value: &str) -> Result<String, DomainError> {
    let v = value.trim();
    let digits = v.strip_prefix('#').unwrap_or("");
    if !(digits.len() == 6 || digits.len() == 3) || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(DomainError::invalid(field, format!("{value:?} is not a hex colour like #3b82f6")));
    }
    Ok(v.to_ascii_lowercase())
}

/// A 24-hour `HH:MM` time.
pub fn hh_mm(field: &'static str, value: &str) -> Result<String, DomainError> {
    let bad = || DomainError::invalid(field, format!("{value:?} is not a time in HH:MM form (00:00-23:59)"));
    let (h, m) = value.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(format!("{h:02}:{m:02}"))
}

/// A non-negative decimal amount of money as text (`"12"`, `"12.50"`): money is never a float.
pub fn decimal_amount(field: &'static str, value: &str) -> Result<String, DomainError> {
    let v = value.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 12
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 4
        && frac.chars().all(|c| c.is_ascii_digit())
        && !(v.contains('.') && frac.is_empty());
    if !ok {
        return Err(DomainError::invalid(
            field,
            format!("{value:?} is not a decimal amount like \"12.50\" (up to 4 decimals)"),
        ));
    }
    Ok(v.to_owned())
}

/// An emoji icon: 1 to 8 characters, none of them ASCII.
pub fn emoji(field: &'static str, value: &str) -> Result<String, DomainError> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 || n > 8 || v.chars().any(|c| c.is_ascii()) {
        return Err(DomainError::invalid(field, format!("{value:?} is not an emoji")));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_colours_and_amounts() {
        for (input, ok) in
            [("09:00", true), ("23:59", true), ("24:00", false), ("9:00", false), ("ab:cd", false)]
        {
            assert_eq!(hh_mm("t", input).is_ok(), ok, "{input}");
        }
        for (input, ok) in [("#3B82F6", true), ("#abc", true), ("3b82f6", false), ("#12345g", false)] {
            assert_eq!(hex_colour("c", input).is_ok(), ok, "{input}");
        }
        for (input, ok) in
            [("12", true), ("12.50", true), ("0.1234", true), ("1.", false), ("-1", false), ("1e3", false)]
        {
            assert_eq!(decimal_amount("p", input).is_ok(), ok, "{input}");
        }
        assert!(emoji("i", "🍣").is_ok());
        assert!(emoji("i", "x").is_err());
    }

    #[test]
    fn patch_distinguishes_absent_null_and_value() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default)]
            a: Patch<String>,
        }
        let keep: T = serde_json::from_str("{}").unwrap();
        let clear: T = serde_json::from_str(r#"{"a": null}"#).unwrap();
        let set: T = serde_json::from_str(r#"{"a": "x"}"#).unwrap();
        assert_eq!(keep.a, Patch::Keep);
        assert_eq!(clear.a, Patch::Clear);
        assert_eq!(set.a, Patch::Set("x".into()));
    }
}
