//! Advisory model and readers for OSV (JSON and YAML) and RustSec (Markdown + TOML).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::ecosystem::Ecosystem;
use crate::version::{Event, EventKind};

/// Largest advisory document accepted, in bytes. Real advisories are a few kilobytes;
/// the cap keeps a hostile file from exhausting memory while it is parsed.
pub const MAX_ADVISORY_BYTES: usize = 16 * 1024 * 1024;

/// One advisory, reduced to what matching and reporting need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    /// The advisory id (`PYSEC-…`, `RUSTSEC-…`, `GHSA-…`).
    pub id: String,
    /// Other ids of the same vulnerability (CVE, GHSA, …).
    pub aliases: Vec<String>,
    /// One-line summary (the OSV `summary`, the RustSec title, or the start of `details`).
    pub summary: Option<String>,
    /// Severity as given (a CVSS vector, or a word such as `HIGH`).
    pub severity: Option<String>,
    /// RustSec informational kind (`unmaintained`, `unsound`, `notice`), if any.
    pub informational: Option<String>,
    /// Whether the advisory is withdrawn; the index drops such advisories.
    pub withdrawn: bool,
    /// Affected packages in supported ecosystems.
    pub affected: Vec<Affected>,
    /// How many `affected[]` entries named an ecosystem this crate does not support.
    pub unsupported_affected: usize,
}

/// Which versions of one package an advisory affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    /// The package's ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the advisory writes it.
    pub package: String,
    /// Version ranges; a version inside any of them is affected.
    pub ranges: Vec<AffectedRange>,
    /// Explicitly listed affected versions (OSV `versions`).
    pub versions: Vec<String>,
}

/// One range of affected versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AffectedRange {
    /// An OSV range of type `ECOSYSTEM` (ordered by the ecosystem's rules).
    Ecosystem(Vec<Event>),
    /// An OSV range of type `SEMVER`.
    SemVer(Vec<Event>),
    /// A RustSec `[versions]` table: affected unless a `patched` or `unaffected`
    /// requirement matches (the rule cargo-audit applies).
    RustSec {
        /// SemVer requirements of fixed versions.
        patched: Vec<String>,
        /// SemVer requirements of versions never affected.
        unaffected: Vec<String>,
    },
}

/// Why an advisory document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdvisoryError {
    /// The document exceeds [`MAX_ADVISORY_BYTES`].
    #[error("advisory document is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    #[error("advisory document is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// OSV JSON that does not parse or does not fit the schema.
    #[error("OSV JSON: {reason}")]
    Json {
        /// The parser's message, with line and column.
        reason: String,
    },
    /// OSV YAML that does not parse or does not fit the schema.
    #[error("OSV YAML: {reason}")]
    Yaml {
        /// The parser's message, with line and column.
        reason: String,
    },
    /// A RustSec file without the leading fenced TOML block.
    #[error("RustSec advisory: {reason}")]
    FrontMatter {
        /// What is missing.
        reason: String,
    },
    /// The RustSec TOML front matter does not parse or misses a field.
    #[error("RustSec advisory TOML: {reason}")]
    Toml {
        /// The parser's message.
        reason: String,
    },
    /// A required field is empty.
    #[error("advisory field `{field}` is missing or empty")]
    MissingField {
        /// Dotted path of the field.
        field: &'static str,
    },
}

fn check_size(bytes: &[u8]) -> Result<(), AdvisoryError> {
    if bytes.len() > MAX_ADVISORY_BYTES {
        return Err(AdvisoryError::TooLarge {
            size: bytes.len(),
            limit: MAX_ADVISORY_BYTES,
        });
    }
    Ok(())
}

fn utf8(bytes: &[u8]) -> Result<&str, AdvisoryError> {
    std::str::from_utf8(bytes).map_err(|e| AdvisoryError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

impl Advisory {
    /// Reads OSV JSON: one advisory object, or an array of them.
    pub fn from_osv_json(bytes: &[u8]) -> Result<Vec<Advisory>, AdvisoryError> {
        check_size(bytes)?;
        let json_err = |e: serde_json::Error| AdvisoryError::Json {
            reason: e.to_string(),
        };
        // Peeking at the first byte instead of an untagged enum keeps serde's precise
        // "line N column M" messages for malformed advisories.
        let is_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        let docs: Vec<OsvDoc> = if is_array {
            serde_json::from_slice(bytes).map_err(json_err)?
        } else {
            vec![serde_json::from_slice(bytes).map_err(json_err)?]
        };
        docs.into_iter().map(OsvDoc::into_advisory).collect()
    }

    /// Reads one OSV advisory written as YAML (the PyPA advisory database's format).
    pub fn from_osv_yaml(bytes: &[u8]) -> Result<Advisory, AdvisoryError> {
        check_size(bytes)?;
        let text = utf8(bytes)?;
        let doc: OsvDoc = serde_yaml_ng::from_str(text).map_err(|e| AdvisoryError::Yaml {
            reason: e.to_string(),
        })?;
        doc.into_advisory()
    }

    /// Reads one RustSec advisory: Markdown whose leading fenced ```` ```toml ```` block
    /// holds `[advisory]` and `[versions]`; the first `# ` heading after it is the title.
    pub fn from_rustsec_md(bytes: &[u8]) -> Result<Advisory, AdvisoryError> {
        check_size(bytes)?;
        let text = utf8(bytes)?.trim_start_matches('\u{feff}');
        let rest = text.trim_start().strip_prefix("```toml").ok_or_else(|| {
            AdvisoryError::FrontMatter {
                reason: "file does not start with a ```toml block".into(),
            }
        })?;
        let end = rest
            .find("\n```")
            .ok_or_else(|| AdvisoryError::FrontMatter {
                reason: "the ```toml block is not closed".into(),
            })?;
        let (front, body) = (&rest[..end], &rest[end + 4..]);
        let doc: RustsecDoc = toml::from_str(front).map_err(|e| AdvisoryError::Toml {
            reason: e.to_string(),
        })?;
        let title = body
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix("# "))
            .map(|t| t.trim().to_owned());
        let a = doc.advisory;
        if a.id.trim().is_empty() {
            return Err(AdvisoryError::MissingField {
                field: "advisory.id",
            });
        }
        if a.package.trim().is_empty() {
            return Err(AdvisoryError::MissingField {
                field: "advisory.package",
            });
        }
        let versions = doc.versions.unwrap_or_default();
        Ok(Advisory {
            id: a.id,
            aliases: a.aliases,
            summary: title,
            severity: a.cvss,
            informational: a.informational.map(|s| s.trim().to_owned()),
            withdrawn: a.withdrawn.is_some(),
            affected: vec![Affected {
                ecosystem: Ecosystem::CratesIo,
                package: a.package,
                ranges: vec![AffectedRange::RustSec {
                    patched: versions.patched,
                    unaffected: versions.unaffected,
                }],
                versions: Vec::new(),
            }],
            unsupported_affected: 0,
        })
    }
}

#[derive(Deserialize)]
struct OsvDoc {
    #[serde(default)]
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    details: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    affected: Vec<OsvAffected>,
    #[serde(default)]
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Deserialize)]
struct OsvSeverity {
    #[serde(default, deserialize_with = "lenient_string")]
    score: Option<String>,
}

#[derive(Deserialize, Default)]
struct DatabaseSpecific {
    #[serde(default, deserialize_with = "lenient_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    informational: Option<String>,
}

#[derive(Deserialize)]
struct OsvAffected {
    package: Option<OsvPackage>,
    #[serde(default)]
    ranges: Vec<OsvRangeDoc>,
    #[serde(default)]
    versions: Vec<VersionText>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Deserialize)]
struct OsvPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct OsvRangeDoc {
    #[serde(rename = "type", default)]
    ty: String,
    #[serde(default)]
    events: Vec<OsvEventDoc>,
}

#[derive(Deserialize)]
struct OsvEventDoc {
    introduced: Option<VersionText>,
    fixed: Option<VersionText>,
    last_affected: Option<VersionText>,
    limit: Option<VersionText>,
}

impl OsvDoc {
    fn into_advisory(self) -> Result<Advisory, AdvisoryError> {
        if self.id.trim().is_empty() {
            return Err(AdvisoryError::MissingField { field: "id" });
        }
        let mut severity = first_score(&self.severity);
        let mut informational = self
            .database_specific
            .as_ref()
            .and_then(|d| d.informational.clone());
        let mut affected = Vec::with_capacity(self.affected.len());
        let mut unsupported_affected = 0;
        for entry in self.affected {
            if severity.is_none() {
                severity = first_score(&entry.severity);
            }
            if informational.is_none() {
                informational = entry
                    .database_specific
                    .as_ref()
                    .and_then(|d| d.informational.clone());
            }
            let Some(package) = entry.package else {
                unsupported_affected += 1;
                continue;
            };
            let Some(ecosystem) = Ecosystem::from_osv(&package.ecosystem) else {
                unsupported_affected += 1;
                continue;
            };
            if package.name.trim().is_empty() {
                return Err(AdvisoryError::MissingField {
                    field: "affected[].package.name",
                });
            }
            let mut ranges = Vec::new();
            for range in entry.ranges {
                let events: Vec<Event> = range.events.into_iter().filter_map(event_of).collect();
                match range.ty.as_str() {
                    "ECOSYSTEM" => ranges.push(AffectedRange::Ecosystem(events)),
                    "SEMVER" => ranges.push(AffectedRange::SemVer(events)),
                    // GIT ranges name commits, which a package inventory does not have; the
                    // schema asks producers to give versions for them in `versions`.
                    _ => {}
                }
            }
            let versions: Vec<String> = entry.versions.into_iter().map(|v| v.0).collect();
            affected.push(Affected {
                ecosystem,
                package: package.name,
                ranges,
                versions,
            });
        }
        if severity.is_none() {
            severity = self
                .database_specific
                .as_ref()
                .and_then(|d| d.severity.clone());
        }
        let summary = self
            .summary
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.details.as_deref().and_then(summary_from_details));
        Ok(Advisory {
            id: self.id,
            aliases: self.aliases,
            summary,
            severity,
            informational,
            withdrawn: self.withdrawn.is_some(),
            affected,
            unsupported_affected,
        })
    }
}

fn first_score(severity: &[OsvSeverity]) -> Option<String> {
    severity.iter().find_map(|s| s.score.clone())
}

fn event_of(doc: OsvEventDoc) -> Option<Event> {
    if let Some(v) = doc.introduced {
        Some(Event::new(EventKind::Introduced, v.0))
    } else if let Some(v) = doc.fixed {
        Some(Event::new(EventKind::Fixed, v.0))
    } else if let Some(v) = doc.last_affected {
        Some(Event::new(EventKind::LastAffected, v.0))
    } else {
        doc.limit.map(|v| Event::new(EventKind::Limit, v.0))
    }
}

/// The first sentence or line of `details`, cut to a length a table can show.
fn summary_from_details(details: &str) -> Option<String> {
    let flat = details.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return None;
    }
    let sentence = match flat.find(". ") {
        Some(end) => &flat[..=end],
        None => flat.as_str(),
    };
    const MAX: usize = 160;
    if sentence.chars().count() <= MAX {
        return Some(sentence.to_owned());
    }
    let cut: String = sentence.chars().take(MAX - 1).collect();
    Some(format!("{cut}…"))
}

#[derive(Deserialize)]
struct RustsecDoc {
    advisory: RustsecAdvisory,
    versions: Option<RustsecVersions>,
}

#[derive(Deserialize)]
struct RustsecAdvisory {
    #[serde(default)]
    id: String,
    #[serde(default)]
    package: String,
    #[serde(default)]
    aliases: Vec<String>,
    cvss: Option<String>,
    informational: Option<String>,
    withdrawn: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
struct RustsecVersions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// A version as written in an advisory. YAML writes `1` or `20` without quotes, so whole
/// numbers are accepted as text; anything else (notably a float such as `1.10`, whose
/// text is lost once parsed) is an error rather than a silent change of version.
struct VersionText(String);

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = VersionText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a version string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VersionText, E> {
                Ok(VersionText(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<VersionText, E> {
                Ok(VersionText(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<VersionText, E> {
                Ok(VersionText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<VersionText, E> {
                Ok(VersionText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads an optional descriptive string, tolerating other shapes (they become `None`):
/// databases put assorted values in `database_specific`, and none of them should make
/// a whole advisory unreadable.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(V)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_json_keeps_aliases_severity_and_supported_ranges() {
        let json = br#"{"id":"GHSA-x","aliases":["CVE-1"],"summary":"bad",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"}],
            "affected":[
              {"package":{"ecosystem":"npm","name":"left-pad"},
               "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]},
                         {"type":"GIT","repo":"r","events":[{"introduced":"abc"}]}]},
              {"package":{"ecosystem":"Go","name":"x"}}]}"#;
        let adv = Advisory::from_osv_json(json).unwrap().remove(0);
        assert_eq!(adv.aliases, vec!["CVE-1"]);
        assert_eq!(adv.severity.as_deref(), Some("CVSS:3.1/AV:N"));
        assert_eq!(adv.affected.len(), 1);
        assert_eq!(adv.affected[0].ranges.len(), 1);
        assert_eq!(adv.unsupported_affected, 1);
    }

    #[test]
    fn osv_yaml_accepts_unquoted_whole_numbers_and_rejects_floats() {
        let ok = b"id: PYSEC-1\naffected:\n- package: {name: x, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 2\n";
        let adv = Advisory::from_osv_yaml(ok).unwrap();
        assert_eq!(
            adv.affected[0].ranges[0],
            AffectedRange::Ecosystem(vec![
                Event::new(EventKind::Introduced, "0"),
                Event::new(EventKind::Fixed, "2")
            ])
        );
        let float =
            b"id: PYSEC-1\naffected:\n- package: {name: x, ecosystem: PyPI}\n  versions: [1.10]\n";
        assert!(matches!(
            Advisory::from_osv_yaml(float),
            Err(AdvisoryError::Yaml { .. })
        ));
    }

    #[test]
    fn rustsec_markdown_gives_title_requirements_and_withdrawal() {
        let md = b"```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"foo\"\naliases = [\"CVE-2\"]\nwithdrawn = \"2021-01-01\"\n\n[versions]\npatched = [\">= 1.2.3\"]\n```\n\n# Something bad\n\nText.\n";
        let adv = Advisory::from_rustsec_md(md).unwrap();
        assert_eq!(adv.summary.as_deref(), Some("Something bad"));
        assert!(adv.withdrawn);
        assert_eq!(
            adv.affected[0].ranges[0],
            AffectedRange::RustSec {
                patched: vec![">= 1.2.3".into()],
                unaffected: vec![]
            }
        );
    }

    #[test]
    fn markdown_without_front_matter_is_refused() {
        assert!(matches!(
            Advisory::from_rustsec_md(b"# README\n"),
            Err(AdvisoryError::FrontMatter { .. })
        ));
    }
}
