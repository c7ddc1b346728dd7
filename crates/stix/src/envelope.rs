//! Splitting a TAXII envelope (or STIX bundle) into the verbatim bytes of each object.
//!
//! serde_json's `RawValue` would do this, but it needs a crate feature that rebuilds
//! serde_json and everything above it; a strict byte scanner of JSON's grammar is short, and
//! the whole text is checked by serde_json first, so the scanner only ever sees valid JSON.

use serde_json::{Map, Value};

/// Why an envelope could not be read at all (as opposed to one bad object in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body is not a JSON object")]
    NotAnObject,
    #[error("`objects` is not an array")]
    ObjectsNotArray,
}

/// An envelope's objects as byte ranges of the input, plus its other top-level properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<'a> {
    /// The exact bytes of each element of `objects`, in order.
    pub objects: Vec<&'a [u8]>,
    /// The other top-level properties (e.g. `more`, or the `x_shirube_*` request options).
    pub properties: Map<String, Value>,
}

/// Reads an envelope. The body must be a JSON object; a missing `objects` is an empty list.
/// A single bare STIX object (not an envelope or bundle) is returned as its only object.
pub fn split_envelope(bytes: &[u8]) -> Result<Envelope<'_>, EnvelopeError> {
    // Validates the whole text (and refuses trailing garbage) before the scanner runs, in
    // one pass that builds no values for the objects themselves: each object is parsed once,
    // on its own, by whoever validates it.
    //
    // JSON text is UTF-8 (RFC 8259 §8.1). serde_json checks the strings it reads into
    // values, but skips over those of values it ignores (the objects, here) without
    // checking them, so the text is checked first: otherwise an object with a stray byte
    // would be split out and then fail on its own as "not JSON" (found by fuzzing).
    let text = std::str::from_utf8(bytes).map_err(|e| {
        EnvelopeError::NotJson(format!(
            "not UTF-8 text: invalid byte at offset {}",
            e.valid_up_to()
        ))
    })?;
    let top: Top = serde_json::from_str(text).map_err(|e| EnvelopeError::NotJson(e.to_string()))?;
    let Top::Object {
        properties,
        objects,
    } = top
    else {
        return Err(EnvelopeError::NotAnObject);
    };
    let is_bare_object = objects.is_none()
        && properties.get("type").and_then(Value::as_str) != Some("bundle")
        && properties.contains_key("id")
        && properties.contains_key("type");
    if is_bare_object {
        let start = skip_ws(bytes, 0);
        let end = trim_end(bytes);
        return Ok(Envelope {
            objects: vec![&bytes[start..end]],
            properties: Map::new(),
        });
    }
    match objects {
        None => {
            return Ok(Envelope {
                objects: Vec::new(),
                properties,
            })
        }
        Some(true) => {}
        Some(false) => return Err(EnvelopeError::ObjectsNotArray),
    }
    let mut s = Scanner { b: bytes, i: 0 };
    let objects = s.objects_array().ok_or(EnvelopeError::ObjectsNotArray)?;
    Ok(Envelope {
        objects,
        properties,
    })
}

/// The top level of a body as one validating pass reads it: the properties other than
/// `objects` as values, and for `objects` only whether it is an array.
enum Top {
    Object {
        properties: Map<String, Value>,
        /// `None`: no `objects` key; otherwise whether its (last) value is an array.
        objects: Option<bool>,
    },
    Other,
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> serde::de::Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut properties = Map::new();
        let mut objects = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "objects" {
                // The last duplicate wins, as in serde_json's own reading.
                objects = Some(map.next_value::<IsArray>()?.0);
            } else {
                let v: Value = map.next_value()?;
                properties.insert(key, v);
            }
        }
        Ok(Top::Object {
            properties,
            objects,
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Top::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Other)
    }
}

/// Whether a value is an array, read without keeping any of it.
struct IsArray(bool);

impl<'de> serde::Deserialize<'de> for IsArray {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IsArrayVisitor)
    }
}

struct IsArrayVisitor;

impl<'de> serde::de::Visitor<'de> for IsArrayVisitor {
    type Value = IsArray;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<IsArray, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(IsArray(true))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<IsArray, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(IsArray(false))
    }

    fn visit_bool<E>(self, _: bool) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
    fn visit_i64<E>(self, _: i64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
    fn visit_u64<E>(self, _: u64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
    fn visit_f64<E>(self, _: f64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
    fn visit_str<E>(self, _: &str) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
    fn visit_unit<E>(self) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn trim_end(b: &[u8]) -> usize {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// A cursor over text already known to be valid JSON.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn ws(&mut self) {
        self.i = skip_ws(self.b, self.i);
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Skips a string (the cursor is on its opening quote) and returns its raw contents.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.i += 2,
                b'"' => {
                    let s = &self.b[start..self.i];
                    self.i += 1;
                    return Some(s);
                }
                _ => self.i += 1,
            }
        }
        None
    }

    /// Skips any value.
    fn value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.value()?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value()?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                // A number or a literal: everything up to the next delimiter.
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                (self.i > start).then_some(())
            }
        }
    }

    /// Finds the top-level `objects` key and returns the byte range of each element.
    fn objects_array(&mut self) -> Option<Vec<&'a [u8]>> {
        self.eat(b'{')?;
        let mut found = None;
        loop {
            self.ws();
            if self.peek()? == b'}' {
                return found;
            }
            let key = self.string()?;
            self.eat(b':')?;
            // Keys may be written with escapes; compare what they mean.
            let name: Option<String> = serde_json::from_slice(&[b"\"", key, b"\""].concat()).ok();
            if name.as_deref() == Some("objects") {
                // The last duplicate wins, as in serde_json's own reading.
                found = Some(self.elements()?);
            } else {
                self.value()?;
            }
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => return found,
                _ => return None,
            }
        }
    }

    fn elements(&mut self) -> Option<Vec<&'a [u8]>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(out);
        }
        loop {
            self.ws();
            let start = self.i;
            self.value()?;
            out.push(&self.b[start..self.i]);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn objects_come_back_as_the_exact_bytes_they_were_sent_in() {
        let body =
            br#"{ "more": false, "objects" : [ {"b":1.50,"a":"x\"]"} ,{"c":[1,{"d":null}]} ] }"#;
        let env = split_envelope(body).unwrap();
        assert_eq!(
            env.objects,
            vec![
                &br#"{"b":1.50,"a":"x\"]"}"#[..],
                &br#"{"c":[1,{"d":null}]}"#[..]
            ]
        );
        assert_eq!(env.properties.get("more"), Some(&Value::Bool(false)));
    }

    #[test]
    fn an_escaped_objects_key_and_a_bare_object_are_read_too() {
        let env = split_envelope(br#"{"obj\u0065cts":[{}]}"#).unwrap();
        assert_eq!(env.objects, vec![&b"{}"[..]]);
        let bare = br#" {"type":"campaign","id":"campaign--1"} "#;
        assert_eq!(split_envelope(bare).unwrap().objects.len(), 1);
    }

    #[test]
    fn bodies_that_are_not_envelopes_are_refused_with_a_reason() {
        assert!(matches!(
            split_envelope(b"[1]"),
            Err(EnvelopeError::NotAnObject)
        ));
        assert!(matches!(
            split_envelope(b"{\"objects\":1}"),
            Err(EnvelopeError::ObjectsNotArray)
        ));
        assert!(matches!(
            split_envelope(b"{\"objects\":[]} x"),
            Err(EnvelopeError::NotJson(_))
        ));
        assert!(split_envelope(b"{}").unwrap().objects.is_empty());
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\\u{3042} ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"]{0,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn a_stray_byte_inside_an_object_refuses_the_whole_envelope_as_not_utf8() {
        let mut body = br#"{"objects":[{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000001","name":"x"#.to_vec();
        body.push(0xff);
        body.extend_from_slice(br#""}]}"#);
        match split_envelope(&body) {
            Err(EnvelopeError::NotJson(m)) => {
                assert!(m.contains("UTF-8") && m.contains("offset 96"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn every_element_of_objects_round_trips_whatever_it_holds(items in prop::collection::vec(json_value(), 0..5), pretty in any::<bool>()) {
            let env = serde_json::json!({ "more": false, "objects": items });
            let text = if pretty { serde_json::to_vec_pretty(&env).unwrap() } else { serde_json::to_vec(&env).unwrap() };
            let split = split_envelope(&text).unwrap();
            prop_assert_eq!(split.objects.len(), items.len());
            for (raw, item) in split.objects.iter().zip(&items) {
                let back: Value = serde_json::from_slice(raw).unwrap();
                prop_assert_eq!(&back, item);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = split_envelope(&bytes);
        }
    }
}
