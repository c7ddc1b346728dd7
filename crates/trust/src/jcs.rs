//! RFC 8785 JSON canonicalisation (JCS) and the views of a document that the
//! eddsa-jcs-2022 cryptosuite hashes.
//!
//! The canonical form itself comes from `serde_json_canonicalizer`, which passes the RFC
//! author's test data (see the conformance tests). This module adds a borrowed view of a
//! JSON object with one member left out and `@context` optionally replaced, so that
//! signing and verification never deep-clone the credential.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Why a value could not be canonicalised (RFC 8785 forbids NaN and infinities, which
/// serde_json cannot hold anyway, so in practice this does not happen).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON canonicalisation (RFC 8785) failed: {0}")]
pub struct CanonError(String);

/// The RFC 8785 canonical UTF-8 bytes of any serialisable value.
pub fn canonicalize<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| CanonError(e.to_string()))
}

/// A JSON object seen without one member and, optionally, with `@context` replaced.
pub(crate) struct ObjectView<'a> {
    pub base: &'a Map<String, Value>,
    pub without: &'a str,
    pub context: Option<&'a Value>,
}

impl Serialize for ObjectView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.base {
            if k == self.without || (self.context.is_some() && k == "@context") {
                continue;
            }
            map.serialize_entry(k, v)?;
        }
        if let Some(ctx) = self.context {
            map.serialize_entry("@context", ctx)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_by_utf16_code_units_and_numbers_use_ecmascript_form() {
        let v = json!({"b": 1.0, "a": [1e21, 0.000001, "\u{20ac}"], "\u{e9}": null});
        let out = canonicalize(&v).map(String::from_utf8);
        assert_eq!(out, Ok(Ok("{\"a\":[1e+21,0.000001,\"\u{20ac}\"],\"b\":1,\"\u{e9}\":null}".to_string())));
    }

    #[test]
    fn an_object_view_leaves_out_the_member_and_replaces_the_context() {
        let v = json!({"@context": ["x"], "proof": {"a": 1}, "z": true});
        let Value::Object(map) = &v else { unreachable!() };
        let ctx = json!(["y"]);
        let view = ObjectView { base: map, without: "proof", context: Some(&ctx) };
        let out = canonicalize(&view).map(String::from_utf8);
        assert_eq!(out, Ok(Ok("{\"@context\":[\"y\"],\"z\":true}".to_string())));
    }
}
