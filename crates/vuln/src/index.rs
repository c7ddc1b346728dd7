//! The compact advisory index: built from advisories, stored as bytes, loaded fast.
//!
//! Layout of the stored form: an 8-byte magic `SHRBADVX`, a little-endian `u32` format
//! version, a little-endian `u64` payload length, then the payload in postcard encoding.
//! Versions and ranges stay as text in the index and are parsed lazily, only for the
//! packages a scan actually meets, so loading costs one decode and no version parsing.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::advisory::{Advisory, AdvisoryError, AffectedRange};
use crate::ecosystem::Ecosystem;

const MAGIC: &[u8; 8] = b"SHRBADVX";
/// Format version of the stored index; bump when the payload layout changes.
pub const INDEX_FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8;

/// What one advisory contributes to reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryMeta {
    /// The advisory id.
    pub id: String,
    /// Other ids of the same vulnerability.
    pub aliases: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Severity as given by the advisory.
    pub severity: Option<String>,
    /// RustSec informational kind (`unmaintained`, `unsound`, `notice`).
    pub informational: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PackageEntry {
    pub(crate) ecosystem: Ecosystem,
    /// Normalised name (see [`Ecosystem::normalize_name`]).
    pub(crate) name: String,
    pub(crate) affected: Vec<AffectedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AffectedEntry {
    pub(crate) advisory: u32,
    pub(crate) ranges: Vec<AffectedRange>,
    /// Listed versions joined by `\n`: one allocation per entry instead of one per
    /// version, which keeps loading the PyPA database (140,000 listed versions) fast.
    pub(crate) versions: String,
}

/// Counts describing an index, for `shirube advisories stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStats {
    /// Advisories in the index.
    pub advisories: usize,
    /// Distinct packages with at least one advisory.
    pub packages: usize,
    /// Per ecosystem: (ecosystem, advisories, packages).
    pub by_ecosystem: Vec<(Ecosystem, usize, usize)>,
    /// Withdrawn advisories that were dropped.
    pub withdrawn_skipped: usize,
    /// Advisories dropped because an advisory with the same id came first.
    pub duplicates_skipped: usize,
    /// Advisories dropped because none of their packages is in a supported ecosystem.
    pub unsupported_skipped: usize,
    /// Informational advisories (RustSec unmaintained/unsound/notice) kept as warnings.
    pub informational: usize,
}

/// A searchable set of advisories.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdvisoryIndex {
    pub(crate) advisories: Vec<AdvisoryMeta>,
    /// Sorted by (ecosystem, name) for binary search.
    pub(crate) packages: Vec<PackageEntry>,
    pub(crate) stats: IndexStats,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    advisories: Vec<AdvisoryMeta>,
    packages: Vec<PackageEntry>,
    stats: IndexStats,
}

/// Borrowing twin of [`Payload`]: same encoding, no copy of the index when saving.
#[derive(Serialize)]
struct PayloadRef<'a> {
    advisories: &'a [AdvisoryMeta],
    packages: &'a [PackageEntry],
    stats: &'a IndexStats,
}

/// Why stored index bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The bytes do not start with the index magic.
    #[error("not a Shirube advisory index (the file does not start with the index header)")]
    NotAnIndex,
    /// The index was written by another format version.
    #[error(
        "advisory index format version {found} is not supported (this build reads version \
         {expected}); re-run `shirube advisories import`"
    )]
    Version {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The payload length in the header does not match the bytes.
    #[error("advisory index is truncated or padded: header says {declared} payload bytes, file has {actual}")]
    Length {
        /// Length declared by the header.
        declared: u64,
        /// Bytes actually present after the header.
        actual: usize,
    },
    /// The payload does not decode.
    #[error("advisory index payload is corrupt: {reason}")]
    Corrupt {
        /// Decoder message.
        reason: String,
    },
}

/// Collects advisories from several documents, dropping withdrawn ones and duplicates.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    advisories: Vec<Advisory>,
    seen: HashSet<String>,
    stats: IndexStats,
}

/// What happened to an advisory offered to [`IndexBuilder::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Kept.
    Kept,
    /// Dropped: withdrawn.
    Withdrawn,
    /// Dropped: an advisory with this id was added before.
    Duplicate,
    /// Dropped: no affected package in a supported ecosystem.
    Unsupported,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Adds one advisory. The first advisory with a given id wins, so callers control
    /// precedence by the order in which they add sources.
    pub fn add(&mut self, advisory: Advisory) -> Added {
        if advisory.withdrawn {
            self.stats.withdrawn_skipped += 1;
            return Added::Withdrawn;
        }
        if advisory.affected.is_empty() {
            self.stats.unsupported_skipped += 1;
            return Added::Unsupported;
        }
        if !self.seen.insert(advisory.id.clone()) {
            self.stats.duplicates_skipped += 1;
            return Added::Duplicate;
        }
        self.advisories.push(advisory);
        Added::Kept
    }

    /// Adds the advisories of one OSV JSON document; returns how many were kept.
    pub fn add_osv_json(&mut self, bytes: &[u8]) -> Result<usize, AdvisoryError> {
        let advisories = Advisory::from_osv_json(bytes)?;
        Ok(advisories.into_iter().filter(|a| self.add(a.clone()) == Added::Kept).count())
    }

    /// Adds one OSV YAML advisory; returns whether it was kept.
    pub fn add_osv_yaml(&mut self, bytes: &[u8]) -> Result<Added, AdvisoryError> {
        Ok(self.add(Advisory::from_osv_yaml(bytes)?))
    }

    /// Adds one RustSec Markdown advisory; returns whether it was kept.
    pub fn add_rustsec_md(&mut self, bytes: &[u8]) -> Result<Added, AdvisoryError> {
        Ok(self.add(Advisory::from_rustsec_md(bytes)?))
    }

    /// Number of advisories kept so far.
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    /// Whether no advisory has been kept.
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Builds the index.
    pub fn build(self) -> AdvisoryIndex {
        let mut stats = self.stats;
        let mut advisories = Vec::with_capacity(self.advisories.len());
        let mut by_package: BTreeMap<(Ecosystem, String), Vec<AffectedEntry>> = BTreeMap::new();
        let mut eco_advisories: BTreeMap<Ecosystem, usize> = BTreeMap::new();
        for (i, adv) in self.advisories.into_iter().enumerate() {
            let Ok(idx) = u32::try_from(i) else { break };
            let mut ecosystems: Vec<Ecosystem> = adv.affected.iter().map(|a| a.ecosystem).collect();
            ecosystems.sort();
            ecosystems.dedup();
            for eco in ecosystems {
                *eco_advisories.entry(eco).or_default() += 1;
            }
            for affected in adv.affected {
                let name = affected.ecosystem.normalize_name(&affected.package).into_owned();
                by_package.entry((affected.ecosystem, name)).or_default().push(AffectedEntry {
                    advisory: idx,
                    ranges: affected.ranges,
                    versions: join_versions(&affected.versions),
                });
            }
            if adv.informational.is_some() {
                stats.informational += 1;
            }
            advisories.push(AdvisoryMeta {
                id: adv.id,
                aliases: adv.aliases,
                summary: adv.summary,
                severity: adv.severity,
                informational: adv.informational,
            });
        }
        let packages: Vec<PackageEntry> = by_package
            .into_iter()
            .map(|((ecosystem, name), affected)| PackageEntry { ecosystem, name, affected })
            .collect();
        stats.advisories = advisories.len();
        stats.packages = packages.len();
        stats.by_ecosystem = Ecosystem::ALL
            .iter()
            .map(|&eco| {
                let pkgs = packages.iter().filter(|p| p.ecosystem == eco).count();
                (eco, eco_advisories.get(&eco).copied().unwrap_or(0), pkgs)
            })
            .filter(|&(_, a, p)| a > 0 || p > 0)
            .collect();
        AdvisoryIndex { advisories, packages, stats }
    }
}

/// Joins listed versions with `\n`; a version containing a line break cannot be valid in
/// any ecosystem, so such text is cut at the break (and then fails to parse, visibly).
fn join_versions(versions: &[String]) -> String {
    let mut out = String::with_capacity(versions.iter().map(|v| v.len() + 1).sum());
    for v in versions {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(v.trim().lines().next().unwrap_or(""));
    }
    out
}

impl AdvisoryIndex {
    /// Builds an index from advisories already read.
    pub fn build(advisories: impl IntoIterator<Item = Advisory>) -> AdvisoryIndex {
        let mut builder = IndexBuilder::new();
        for advisory in advisories {
            builder.add(advisory);
        }
        builder.build()
    }

    /// Builds an index from one OSV JSON document (an advisory or an array of them).
    pub fn from_osv_json(bytes: &[u8]) -> Result<AdvisoryIndex, AdvisoryError> {
        Ok(AdvisoryIndex::build(Advisory::from_osv_json(bytes)?))
    }

    /// Builds an index from one OSV YAML advisory.
    pub fn from_osv_yaml(bytes: &[u8]) -> Result<AdvisoryIndex, AdvisoryError> {
        Ok(AdvisoryIndex::build([Advisory::from_osv_yaml(bytes)?]))
    }

    /// Builds an index from one RustSec Markdown advisory.
    pub fn from_rustsec_md(bytes: &[u8]) -> Result<AdvisoryIndex, AdvisoryError> {
        Ok(AdvisoryIndex::build([Advisory::from_rustsec_md(bytes)?]))
    }

    /// Counts describing the index.
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// All advisories, in index order.
    pub fn advisories(&self) -> &[AdvisoryMeta] {
        &self.advisories
    }

    /// Serialises the index with its header.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = PayloadRef {
            advisories: &self.advisories,
            packages: &self.packages,
            stats: &self.stats,
        };
        // postcard only fails on writer errors or unsupported types, neither possible with
        // an in-memory vector and these derived types; an empty payload would then fail
        // the length check on load instead of going unnoticed.
        let body = postcard::to_allocvec(&payload).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Whether `bytes` start like a stored index (used to tell an index from other inputs).
    pub fn looks_like_index(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Loads an index written by [`AdvisoryIndex::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<AdvisoryIndex, IndexError> {
        if bytes.len() < HEADER_LEN || !bytes.starts_with(MAGIC) {
            return Err(IndexError::NotAnIndex);
        }
        let mut version = [0u8; 4];
        version.copy_from_slice(&bytes[8..12]);
        let found = u32::from_le_bytes(version);
        if found != INDEX_FORMAT_VERSION {
            return Err(IndexError::Version { found, expected: INDEX_FORMAT_VERSION });
        }
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[12..20]);
        let declared = u64::from_le_bytes(len);
        let body = &bytes[HEADER_LEN..];
        if declared != body.len() as u64 {
            return Err(IndexError::Length { declared, actual: body.len() });
        }
        let payload: Payload =
            postcard::from_bytes(body).map_err(|e| IndexError::Corrupt { reason: e.to_string() })?;
        let sorted = payload
            .packages
            .windows(2)
            .all(|w| (w[0].ecosystem, &w[0].name) < (w[1].ecosystem, &w[1].name));
        let in_bounds = payload.packages.iter().all(|p| {
            p.affected.iter().all(|a| (a.advisory as usize) < payload.advisories.len())
        });
        if !sorted || !in_bounds {
            return Err(IndexError::Corrupt {
                reason: "package table is unsorted or points at missing advisories".into(),
            });
        }
        Ok(AdvisoryIndex {
            advisories: payload.advisories,
            packages: payload.packages,
            stats: payload.stats,
        })
    }

    /// The index entry for a package, by normalised name.
    pub(crate) fn package(&self, ecosystem: Ecosystem, normalized: &str) -> Option<usize> {
        self.packages
            .binary_search_by(|p| (p.ecosystem, p.name.as_str()).cmp(&(ecosystem, normalized)))
            .ok()
    }
}
