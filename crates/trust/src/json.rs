//! Strict JSON input: like `serde_json::from_str`, but an object with a repeated member name
//! is refused. RFC 8785 requires that, and it closes a real hole: with duplicates, the
//! signature covers the last value while another parser (a buyer's tool, a browser) may
//! show the first.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why input is not acceptable JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct JsonError(#[from] serde_json::Error);

impl JsonError {
    /// Where reading stopped: (line, column), both from 1, for a message a person can act on.
    pub fn position(&self) -> (usize, usize) {
        (self.0.line(), self.0.column())
    }
}

/// Parses JSON text, refusing repeated member names (and everything `serde_json` refuses).
pub fn parse_json(text: &str) -> Result<Value, JsonError> {
    Ok(serde_json::from_str::<Strict>(text)?.0)
}

/// Like [`parse_json`], from bytes (which must be UTF-8).
pub fn parse_json_slice(bytes: &[u8]) -> Result<Value, JsonError> {
    Ok(serde_json::from_slice::<Strict>(bytes)?.0)
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate member name {key:?}")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_member_names_are_refused_at_any_depth() {
        assert!(parse_json(r#"{"a":1,"a":2}"#).is_err());
        let e = parse_json(r#"{"x":[{"level":4,"level":5}]}"#)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            matches!(&e, Err(m) if m.contains("duplicate member name \"level\"")),
            "{e:?}"
        );
    }

    #[test]
    fn everything_else_parses_as_serde_json_does() {
        let text = r#"{"a":[1,-2,3.5,1e300,18446744073709551615,null,true,"\u00e9"],"b":{"c":{}}}"#;
        let ours = parse_json(text).map_err(|e| e.to_string());
        let theirs: Result<Value, String> = serde_json::from_str(text).map_err(|e| e.to_string());
        assert_eq!(ours, theirs);
        assert!(parse_json("{").is_err());
    }
}
