//! Version parsing per ecosystem and OSV range evaluation.
//!
//! The range walk follows the "Evaluation" section of the OSV schema: events of one range
//! are sorted by version (`introduced: "0"` first), then walked in order, switching the
//! "affected" state on at `introduced`, off at `fixed` and off above `last_affected`;
//! `limit` events cap the range from above (exclusive), `"*"` meaning no cap.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ecosystem::Ecosystem;

/// How versions of an ecosystem (or of an OSV `SEMVER` range) are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// PEP 440 (Python).
    Pep440,
    /// Semantic Versioning 2.0 precedence (build metadata ignored).
    SemVer,
}

impl Scheme {
    /// The ordering an ecosystem uses for its `ECOSYSTEM` ranges.
    pub fn for_ecosystem(ecosystem: Ecosystem) -> Scheme {
        match ecosystem {
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::CratesIo | Ecosystem::Npm => Scheme::SemVer,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Pep440 => "PEP 440",
            Scheme::SemVer => "SemVer",
        })
    }
}

/// A version string that does not follow its ecosystem's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version {value:?} is not a valid {scheme} version: {reason}")]
pub struct VersionError {
    /// The rejected text.
    pub value: String,
    /// The ordering it was parsed for.
    pub scheme: Scheme,
    /// What the parser objected to.
    pub reason: String,
}

/// A parsed, comparable version.
#[derive(Debug, Clone)]
pub enum ParsedVersion {
    /// A PEP 440 version.
    Pep440(pep440_rs::Version),
    /// A SemVer version.
    SemVer(semver::Version),
}

impl ParsedVersion {
    /// Parses `text` under `scheme`.
    ///
    /// SemVer parsing accepts the leading `v` or `=` that npm tolerates; nothing else is
    /// relaxed, so that a malformed version is reported rather than guessed at.
    pub fn parse(scheme: Scheme, text: &str) -> Result<ParsedVersion, VersionError> {
        let trimmed = text.trim();
        let fail = |reason: String| VersionError {
            value: text.to_owned(),
            scheme,
            reason,
        };
        match scheme {
            Scheme::Pep440 => pep440_rs::Version::from_str(trimmed)
                .map(ParsedVersion::Pep440)
                .map_err(|e| fail(e.to_string())),
            Scheme::SemVer => {
                let bare = trimmed.strip_prefix('=').unwrap_or(trimmed).trim_start();
                let bare = bare.strip_prefix('v').unwrap_or(bare);
                semver::Version::parse(bare)
                    .map(ParsedVersion::SemVer)
                    .map_err(|e| fail(e.to_string()))
            }
        }
    }
}

impl Ord for ParsedVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (ParsedVersion::Pep440(a), ParsedVersion::Pep440(b)) => a.cmp(b),
            // SemVer 2.0 §10: build metadata does not take part in precedence.
            (ParsedVersion::SemVer(a), ParsedVersion::SemVer(b)) => a.cmp_precedence(b),
            // Never produced by the matcher (both sides are parsed under one scheme); a
            // total order is still needed for `Ord`.
            (ParsedVersion::Pep440(_), ParsedVersion::SemVer(_)) => Ordering::Less,
            (ParsedVersion::SemVer(_), ParsedVersion::Pep440(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for ParsedVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ParsedVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ParsedVersion {}

/// The kind of an OSV range event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// The version that introduced the vulnerability (`"0"`: every version).
    Introduced,
    /// The first version that is no longer affected.
    Fixed,
    /// The last version that is affected.
    LastAffected,
    /// An exclusive upper bound on the whole range (`"*"`: none).
    Limit,
}

/// One OSV range event as written in the advisory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Which event this is.
    pub kind: EventKind,
    /// The version text, unparsed.
    pub version: String,
}

impl Event {
    /// Builds an event.
    pub fn new(kind: EventKind, version: impl Into<String>) -> Event {
        Event {
            kind,
            version: version.into(),
        }
    }
}

/// A parsed event version: `"0"` and `"*"` are special in OSV.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Zero,
    Version(ParsedVersion),
    Infinity,
}

impl Ord for Bound {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
            (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
            (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
            (Bound::Version(a), Bound::Version(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Bound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares a version with an event bound without copying the version.
fn cmp_to(v: &ParsedVersion, bound: &Bound) -> Ordering {
    match bound {
        Bound::Zero => Ordering::Greater,
        Bound::Infinity => Ordering::Less,
        Bound::Version(b) => v.cmp(b),
    }
}

/// One OSV `SEMVER` or `ECOSYSTEM` range, parsed and sorted once, evaluated many times.
#[derive(Debug, Clone)]
pub struct OsvRange {
    /// Non-limit events in evaluation order (stable sort by version).
    walk: Vec<(EventKind, Bound)>,
    /// Limit bounds; empty means "no limit".
    limits: Vec<Bound>,
}

impl OsvRange {
    /// Parses the events of one range under `scheme`.
    ///
    /// Fails on the first event whose version cannot be parsed: such a range cannot be
    /// evaluated, and the caller reports it instead of guessing.
    pub fn compile(scheme: Scheme, events: &[Event]) -> Result<OsvRange, VersionError> {
        let mut walk = Vec::with_capacity(events.len());
        let mut limits = Vec::new();
        for event in events {
            let text = event.version.trim();
            let bound = match (event.kind, text) {
                (EventKind::Introduced, "0") => Bound::Zero,
                (EventKind::Limit, "*") => Bound::Infinity,
                _ => Bound::Version(ParsedVersion::parse(scheme, text)?),
            };
            if event.kind == EventKind::Limit {
                limits.push(bound);
            } else {
                walk.push((event.kind, bound));
            }
        }
        // `sort_by` is stable: events at the same version keep the advisory's order, which
        // is the only order the schema gives for such ties.
        walk.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(OsvRange { walk, limits })
    }

    /// Whether `version` falls inside this range.
    pub fn contains(&self, v: &ParsedVersion) -> bool {
        if !self.limits.is_empty() && !self.limits.iter().any(|limit| cmp_to(v, limit).is_lt()) {
            return false;
        }
        let mut affected = false;
        for (kind, at) in &self.walk {
            match kind {
                EventKind::Introduced => {
                    if matches!(at, Bound::Zero) || cmp_to(v, at).is_ge() {
                        affected = true;
                    }
                }
                EventKind::Fixed => {
                    if cmp_to(v, at).is_ge() {
                        affected = false;
                    }
                }
                EventKind::LastAffected => {
                    if cmp_to(v, at).is_gt() {
                        affected = false;
                    }
                }
                EventKind::Limit => {}
            }
        }
        affected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pep(s: &str) -> ParsedVersion {
        ParsedVersion::parse(Scheme::Pep440, s).unwrap()
    }

    fn sem(s: &str) -> ParsedVersion {
        ParsedVersion::parse(Scheme::SemVer, s).unwrap()
    }

    #[test]
    fn pep440_orders_pre_post_dev_local_and_epochs() {
        let ordered = [
            "1.0.dev1",
            "1.0a1",
            "1.0b2",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1",
            "1.1",
            "2.0",
            "1!0.1",
        ];
        for pair in ordered.windows(2) {
            assert!(pep(pair[0]) < pep(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(pep("1.0"), pep("1.0.0"));
    }

    #[test]
    fn semver_precedence_ignores_build_metadata() {
        assert_eq!(sem("1.0.0+abc"), sem("1.0.0+def"));
        assert!(sem("1.0.0-alpha") < sem("1.0.0"));
        assert_eq!(sem("v1.2.3"), sem("1.2.3"));
    }

    #[test]
    fn an_unparseable_event_fails_compilation_with_the_value() {
        let err = OsvRange::compile(
            Scheme::Pep440,
            &[Event::new(EventKind::Fixed, "2019-09-12x")],
        )
        .unwrap_err();
        assert_eq!(err.value, "2019-09-12x");
    }
}
