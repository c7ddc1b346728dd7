//! STIX 2.1 objects for Shirube's intelligence sharing: validation of one object, the
//! columns a store indexes, TLP marking classes, and envelopes split into verbatim bytes.
#![doc = include_str!("../README.md")]

mod envelope;
pub mod pattern;

pub use envelope::{split_envelope, Envelope, EnvelopeError};

use serde_json::{Map, Value};

/// The cyber-observable object types of STIX 2.1 (they need no `created`/`modified`, and
/// `spec_version` is optional on them).
const SCO_TYPES: &[&str] = &[
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Why one object was refused; the message goes into the TAXII status resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    #[error("the object is not valid JSON: {0}")]
    NotJson(String),
    #[error("the object is not a JSON object")]
    NotAnObject,
    #[error("required property `{0}` is missing")]
    Missing(&'static str),
    #[error("`{0}` must be a string")]
    NotAString(&'static str),
    #[error("`type` must be 3 to 250 characters of a-z, 0-9 and '-'")]
    BadType,
    #[error("`id` must be `{0}--` followed by a UUID")]
    BadId(String),
    #[error("`spec_version` must be \"2.1\"")]
    BadSpecVersion,
    #[error("`{0}` is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)")]
    BadTimestamp(&'static str),
    #[error("`modified` is earlier than `created`")]
    ModifiedBeforeCreated,
    #[error("`{0}` must be a list of marking-definition ids")]
    BadMarkingRefs(&'static str),
    #[error("`pattern`: {0}")]
    BadPattern(pattern::PatternError),
}

/// One validated STIX object: its verbatim text and the properties a store indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct StixObject {
    pub id: String,
    pub object_type: String,
    /// `"2.1"`, also for cyber-observables that do not say it.
    pub spec_version: String,
    /// The version as written: `modified`, else `created`; `None` for objects with
    /// neither (cyber-observables), whose version is the time the server added them.
    pub version: Option<String>,
    /// [`version`](Self::version) as a fixed-width key that sorts as time.
    pub version_key: Option<String>,
    /// Every marking reference, object-level and granular.
    pub marking_refs: Vec<String>,
    /// What a marking definition defines (for marking-definition objects).
    pub definition: Option<MarkingDefinitionKind>,
    /// CVE ids named in `external_references` (a vulnerability's, usually).
    pub cves: Vec<String>,
    /// Package names a `software` object gives: package URLs (`pkg:…`) and CPEs
    /// (`cpe:2.3:…`).
    pub packages: Vec<String>,
    /// An indicator's STIX pattern (`pattern_type` `stix`), parsed: indicators are matched
    /// by evaluating it.
    pub pattern: Option<pattern::Pattern>,
    /// `name` when the object has one, for lists and notifications.
    pub name: Option<String>,
    /// The exact bytes received.
    pub raw: String,
}

/// What a marking-definition object defines, as far as handling goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkingDefinitionKind {
    /// A TLP level (a known TLP definition, or a custom-id TLP 1.0 definition).
    Tlp(Tlp),
    /// A statement (copyright, terms of use): no restriction on who reads.
    Statement,
    /// Anything else (an extension-defined marking Shirube does not know).
    Other,
}

/// Traffic Light Protocol levels, least restrictive first (TLP 1.0's WHITE is CLEAR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber-strict",
            Tlp::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Tlp> {
        Some(match s {
            "clear" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber-strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return None,
        })
    }

    /// The id of the STIX TLP 2.0 extension's marking definition for this level.
    pub fn marking_definition_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }
}

/// The TLP level of a predefined marking definition: the TLP 2.0 extension's five and
/// STIX 2.1's four TLP 1.0 ones.
pub fn predefined_tlp(marking_id: &str) -> Option<Tlp> {
    Some(match marking_id {
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487" => Tlp::Clear,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" => Tlp::Green,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" => Tlp::Amber,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" => Tlp::AmberStrict,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" => Tlp::Red,
        // STIX 2.1 section 7.2.1.4, TLP 1.0.
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9" => Tlp::Clear,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da" => Tlp::Green,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" => Tlp::Amber,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" => Tlp::Red,
        _ => return None,
    })
}

/// How an object may travel, from its marking references. `lookup` says what a
/// non-predefined marking definition is (from the same envelope or the collection).
/// `None`: no TLP marking at all (readers of the collection; never forwarded beyond it).
/// A reference Shirube cannot classify makes the object RED.
pub fn classify(
    refs: &[String],
    lookup: impl Fn(&str) -> Option<MarkingDefinitionKind>,
) -> Option<Tlp> {
    let mut level: Option<Tlp> = None;
    for r in refs {
        let this = match predefined_tlp(r)
            .map(MarkingDefinitionKind::Tlp)
            .or_else(|| lookup(r))
        {
            Some(MarkingDefinitionKind::Tlp(t)) => Some(t),
            Some(MarkingDefinitionKind::Statement) => None,
            Some(MarkingDefinitionKind::Other) | None => Some(Tlp::Red),
        };
        level = level.max(this);
    }
    level
}

impl StixObject {
    /// Validates one object's bytes and extracts what a store indexes.
    pub fn parse(raw: &[u8]) -> Result<StixObject, ObjectError> {
        let value: Value =
            serde_json::from_slice(raw).map_err(|e| ObjectError::NotJson(e.to_string()))?;
        let Value::Object(o) = value else {
            return Err(ObjectError::NotAnObject);
        };
        let raw =
            String::from_utf8(raw.to_vec()).map_err(|e| ObjectError::NotJson(e.to_string()))?;
        let object_type = required_str(&o, "type")?;
        if !(3..=250).contains(&object_type.len())
            || !object_type
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            || object_type.starts_with('-')
            || object_type.ends_with('-')
            || object_type.contains("--")
        {
            return Err(ObjectError::BadType);
        }
        let id = required_str(&o, "id")?;
        match id.split_once("--") {
            Some((t, uuid)) if t == object_type && is_uuid(uuid) => {}
            _ => return Err(ObjectError::BadId(object_type.to_string())),
        }
        let is_sco = SCO_TYPES.contains(&object_type);
        let is_marking = object_type == "marking-definition";
        // Custom object types: an SDO when it has `created`, an SCO otherwise.
        let is_custom_sco = !is_sco && object_type.starts_with("x-") && !o.contains_key("created");
        let spec_version = match o.get("spec_version") {
            None if is_sco || is_custom_sco => "2.1".to_string(),
            None => return Err(ObjectError::Missing("spec_version")),
            Some(Value::String(s)) if s == "2.1" => s.clone(),
            Some(_) => return Err(ObjectError::BadSpecVersion),
        };
        let created = optional_timestamp(&o, "created")?;
        let modified = optional_timestamp(&o, "modified")?;
        if !(is_sco || is_custom_sco) {
            if created.is_none() {
                return Err(ObjectError::Missing("created"));
            }
            if modified.is_none() && !is_marking {
                return Err(ObjectError::Missing("modified"));
            }
        }
        if let (Some(c), Some(m)) = (&created, &modified) {
            if timestamp_key(m) < timestamp_key(c) {
                return Err(ObjectError::ModifiedBeforeCreated);
            }
        }
        let version = modified.or(created);
        let version_key = version.as_deref().and_then(timestamp_key);
        let mut marking_refs = Vec::new();
        match o.get("object_marking_refs") {
            None => {}
            Some(Value::Array(a)) => {
                for r in a {
                    match r.as_str() {
                        Some(s) if s.starts_with("marking-definition--") => {
                            marking_refs.push(s.to_string())
                        }
                        _ => return Err(ObjectError::BadMarkingRefs("object_marking_refs")),
                    }
                }
            }
            Some(_) => return Err(ObjectError::BadMarkingRefs("object_marking_refs")),
        }
        if let Some(g) = o.get("granular_markings") {
            let Value::Array(a) = g else {
                return Err(ObjectError::BadMarkingRefs("granular_markings"));
            };
            for m in a {
                // A granular marking may carry a language (`lang`) instead of a marking.
                if let Some(r) = m.get("marking_ref") {
                    match r.as_str() {
                        Some(s) if s.starts_with("marking-definition--") => {
                            marking_refs.push(s.to_string())
                        }
                        _ => return Err(ObjectError::BadMarkingRefs("granular_markings")),
                    }
                }
            }
        }
        marking_refs.sort();
        marking_refs.dedup();
        let pattern = match (
            object_type,
            o.get("pattern_type").and_then(Value::as_str),
            o.get("pattern"),
        ) {
            ("indicator", Some("stix"), Some(Value::String(text))) => {
                Some(pattern::Pattern::parse(text).map_err(ObjectError::BadPattern)?)
            }
            _ => None,
        };
        let definition = is_marking.then(|| definition_kind(&o, id));
        // NUL cannot be stored in a PostgreSQL text column; such values are only indexed
        // columns, the verbatim body keeps its `\u0000` escape.
        let name = o
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.contains('\0'))
            .map(str::to_string);
        Ok(StixObject {
            id: id.to_string(),
            object_type: object_type.to_string(),
            spec_version,
            version,
            version_key,
            marking_refs,
            definition,
            cves: cves(&o),
            packages: packages(&o),
            pattern,
            name,
            raw,
        })
    }
}

fn required_str<'a>(o: &'a Map<String, Value>, key: &'static str) -> Result<&'a str, ObjectError> {
    match o.get(key) {
        None => Err(ObjectError::Missing(key)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ObjectError::NotAString(key)),
    }
}

fn optional_timestamp(
    o: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, ObjectError> {
    match o.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if timestamp_key(s).is_some() => Ok(Some(s.clone())),
        Some(_) => Err(ObjectError::BadTimestamp(key)),
    }
}

fn definition_kind(o: &Map<String, Value>, id: &str) -> MarkingDefinitionKind {
    if let Some(t) = predefined_tlp(id) {
        return MarkingDefinitionKind::Tlp(t);
    }
    let def = o.get("definition");
    match o.get("definition_type").and_then(Value::as_str) {
        Some("statement") if def.and_then(|d| d.get("statement")).is_some() => {
            MarkingDefinitionKind::Statement
        }
        Some("tlp") => match def.and_then(|d| d.get("tlp")).and_then(Value::as_str) {
            Some("white") | Some("clear") => MarkingDefinitionKind::Tlp(Tlp::Clear),
            Some("green") => MarkingDefinitionKind::Tlp(Tlp::Green),
            Some("amber") => MarkingDefinitionKind::Tlp(Tlp::Amber),
            _ => MarkingDefinitionKind::Tlp(Tlp::Red),
        },
        _ => MarkingDefinitionKind::Other,
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal (any version, as STIX allows 4 and 5).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A STIX timestamp (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`) as a fixed-width key with nine
/// fractional digits, so that keys compare as the times do; `None` if it is not one.
pub fn timestamp_key(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (month, day, hour, minute, second) = (
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let frac = &s[19..s.len() - 1];
    let frac = if frac.is_empty() {
        ""
    } else {
        let f = frac.strip_prefix('.')?;
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        f
    };
    Some(format!("{}.{:0<9}Z", &s[..19], frac))
}

fn cves(o: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Array(refs)) = o.get("external_references") {
        for r in refs {
            let source = r.get("source_name").and_then(Value::as_str).unwrap_or("");
            if let Some(ext) = r.get("external_id").and_then(Value::as_str) {
                let upper = ext.trim().to_ascii_uppercase();
                if upper.starts_with("CVE-") || source.eq_ignore_ascii_case("cve") {
                    out.push(upper);
                }
            }
        }
    }
    if o.get("type").and_then(Value::as_str) == Some("vulnerability") {
        if let Some(name) = o.get("name").and_then(Value::as_str) {
            let upper = name.trim().to_ascii_uppercase();
            if upper.starts_with("CVE-") && !upper.contains(' ') {
                out.push(upper);
            }
        }
    }
    out.retain(|c| !c.contains('\0') && !c.contains(' '));
    out.sort();
    out.dedup();
    out
}

/// Package URLs and CPEs named by a software object (`cpe`, `x_purl`/`purl` custom
/// properties). Indicators name packages in their patterns, which are evaluated instead.
fn packages(o: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["cpe", "purl", "x_purl"] {
        if let Some(s) = o.get(key).and_then(Value::as_str) {
            out.push(s.trim().to_string());
        }
    }
    out.retain(|p| {
        (p.starts_with("pkg:") || p.starts_with("cpe:")) && !p.contains('\0') && !p.contains(' ')
    });
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
