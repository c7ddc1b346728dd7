//! The compact advisory index: built from advisories, stored as bytes, loaded fast.
//!
//! Layout of the stored form: an 8-byte magic `SHRBADVX`, a little-endian `u32` format
//! version, little-endian `u64` lengths of the directory and of the blob area, the
//! directory (postcard: statistics, sorted package names with blob spans, advisory blob
//! spans), then the blobs (postcard: each package's affected entries, each advisory's
//! metadata). Loading decodes only the directory; blobs are decoded when a scan meets
//! them, and versions and ranges stay text until then, so load time hardly grows with
//! the size of the databases.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::advisory::{Advisory, AdvisoryError, AffectedRange};
use crate::ecosystem::Ecosystem;

const MAGIC: &[u8; 8] = b"SHRBADVX";
/// Format version of the stored index; bump when the layout changes.
pub const INDEX_FORMAT_VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

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

/// A searchable set of advisories, kept in its stored form.
///
/// Only the package directory is decoded on load; a package's affected ranges and an
/// advisory's metadata are decoded when a scan meets them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdvisoryIndex {
    /// The stored form, header included.
    bytes: Vec<u8>,
    /// The decoded directory.
    dir: Directory,
    /// Where the blob area starts in `bytes`.
    blobs_start: usize,
}

/// A byte range inside the blob area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Span {
    offset: u32,
    len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PackageSlot {
    ecosystem: Ecosystem,
    /// Normalised name (see [`Ecosystem::normalize_name`]).
    name: String,
    /// Postcard-encoded `Vec<AffectedEntry>`.
    span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Directory {
    stats: IndexStats,
    /// Sorted by (ecosystem, name) for binary search.
    packages: Vec<PackageSlot>,
    /// Postcard-encoded [`AdvisoryMeta`] per advisory, in index order.
    advisories: Vec<Span>,
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
    /// The section lengths in the header do not match the bytes.
    #[error("advisory index is truncated or padded: header says {declared} bytes follow it, file has {actual}")]
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
        Ok(advisories
            .into_iter()
            .filter(|a| self.add(a.clone()) == Added::Kept)
            .count())
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
                let name = affected
                    .ecosystem
                    .normalize_name(&affected.package)
                    .into_owned();
                by_package
                    .entry((affected.ecosystem, name))
                    .or_default()
                    .push(AffectedEntry {
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
            .map(|((ecosystem, name), affected)| PackageEntry {
                ecosystem,
                name,
                affected,
            })
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
        AdvisoryIndex::assemble(stats, &packages, &advisories)
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

/// A package's ecosystem, normalised name, and its affected entries or a decode error.
pub(crate) type DecodedPackage<'a> = (Ecosystem, &'a str, Result<Vec<AffectedEntry>, String>);

/// Appends one postcard blob and returns its span.
fn push_blob<T: Serialize + ?Sized>(blobs: &mut Vec<u8>, value: &T) -> Span {
    let offset = u32::try_from(blobs.len()).unwrap_or(u32::MAX);
    // Serialising these derived types into a vector cannot fail; an empty blob would be
    // reported as a decode problem by the scan rather than pass unnoticed.
    let encoded = postcard::to_allocvec(value).unwrap_or_default();
    blobs.extend_from_slice(&encoded);
    Span {
        offset,
        len: u32::try_from(encoded.len()).unwrap_or(u32::MAX),
    }
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

    /// Lays out the stored form: header, directory, blobs.
    fn assemble(
        stats: IndexStats,
        packages: &[PackageEntry],
        advisories: &[AdvisoryMeta],
    ) -> AdvisoryIndex {
        let mut blobs = Vec::new();
        let slots = packages
            .iter()
            .map(|p| PackageSlot {
                ecosystem: p.ecosystem,
                name: p.name.clone(),
                span: push_blob(&mut blobs, &p.affected),
            })
            .collect();
        let spans = advisories
            .iter()
            .map(|a| push_blob(&mut blobs, a))
            .collect();
        let dir = Directory {
            stats,
            packages: slots,
            advisories: spans,
        };
        let dir_bytes = postcard::to_allocvec(&dir).unwrap_or_default();
        let mut bytes = Vec::with_capacity(HEADER_LEN + dir_bytes.len() + blobs.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(dir_bytes.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&(blobs.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&dir_bytes);
        let blobs_start = bytes.len();
        bytes.extend_from_slice(&blobs);
        AdvisoryIndex {
            bytes,
            dir,
            blobs_start,
        }
    }

    /// Counts describing the index.
    pub fn stats(&self) -> &IndexStats {
        &self.dir.stats
    }

    /// Number of advisories.
    pub fn len(&self) -> usize {
        self.dir.advisories.len()
    }

    /// Whether the index holds no advisory.
    pub fn is_empty(&self) -> bool {
        self.dir.advisories.is_empty()
    }

    /// All advisories, in index order, decoded one by one.
    pub fn advisories(&self) -> impl Iterator<Item = AdvisoryMeta> + '_ {
        (0..self.dir.advisories.len()).filter_map(|i| self.advisory(i))
    }

    /// One advisory's metadata; `None` if out of range or undecodable.
    pub fn advisory(&self, i: usize) -> Option<AdvisoryMeta> {
        let span = self.dir.advisories.get(i)?;
        postcard::from_bytes(self.blob(*span)?).ok()
    }

    /// The stored form: magic, format version, section lengths, directory, blobs.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Whether `bytes` start like a stored index (used to tell an index from other inputs).
    pub fn looks_like_index(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Loads an index written by [`AdvisoryIndex::to_bytes`]. Only the directory is
    /// decoded here; every span it holds is bounds-checked.
    pub fn from_bytes(bytes: &[u8]) -> Result<AdvisoryIndex, IndexError> {
        AdvisoryIndex::from_vec(bytes.to_vec())
    }

    /// Like [`AdvisoryIndex::from_bytes`], taking ownership to avoid copying the file.
    pub fn from_vec(bytes: Vec<u8>) -> Result<AdvisoryIndex, IndexError> {
        if bytes.len() < HEADER_LEN || !bytes.starts_with(MAGIC) {
            return Err(IndexError::NotAnIndex);
        }
        let word = |at: usize| -> u64 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let mut version = [0u8; 4];
        version.copy_from_slice(&bytes[8..12]);
        let found = u32::from_le_bytes(version);
        if found != INDEX_FORMAT_VERSION {
            return Err(IndexError::Version {
                found,
                expected: INDEX_FORMAT_VERSION,
            });
        }
        let (dir_len, blobs_len) = (word(12), word(20));
        let actual = bytes.len() - HEADER_LEN;
        let declared = dir_len.saturating_add(blobs_len);
        if declared != actual as u64 {
            return Err(IndexError::Length { declared, actual });
        }
        let blobs_start = HEADER_LEN + dir_len as usize;
        let dir: Directory =
            postcard::from_bytes(&bytes[HEADER_LEN..blobs_start]).map_err(|e| {
                IndexError::Corrupt {
                    reason: e.to_string(),
                }
            })?;
        let in_bounds = |s: &Span| u64::from(s.offset) + u64::from(s.len) <= blobs_len;
        let sorted = dir
            .packages
            .windows(2)
            .all(|w| (w[0].ecosystem, &w[0].name) < (w[1].ecosystem, &w[1].name));
        if !sorted
            || !dir.packages.iter().all(|p| in_bounds(&p.span))
            || !dir.advisories.iter().all(in_bounds)
        {
            return Err(IndexError::Corrupt {
                reason: "directory is unsorted or points outside the file".into(),
            });
        }
        Ok(AdvisoryIndex {
            bytes,
            dir,
            blobs_start,
        })
    }

    fn blob(&self, span: Span) -> Option<&[u8]> {
        let start = self.blobs_start.checked_add(span.offset as usize)?;
        self.bytes.get(start..start.checked_add(span.len as usize)?)
    }

    /// Number of packages in the directory.
    pub(crate) fn package_count(&self) -> usize {
        self.dir.packages.len()
    }

    /// The directory position of a package, by normalised name.
    pub(crate) fn package(&self, ecosystem: Ecosystem, normalized: &str) -> Option<usize> {
        self.dir
            .packages
            .binary_search_by(|p| (p.ecosystem, p.name.as_str()).cmp(&(ecosystem, normalized)))
            .ok()
    }

    /// A package's ecosystem, normalised name and decoded affected entries.
    pub(crate) fn package_entries(&self, pos: usize) -> Option<DecodedPackage<'_>> {
        let slot = self.dir.packages.get(pos)?;
        let decoded = match self.blob(slot.span) {
            Some(bytes) => postcard::from_bytes(bytes).map_err(|e| e.to_string()),
            None => Err("entry points outside the index".to_owned()),
        };
        Some((slot.ecosystem, slot.name.as_str(), decoded))
    }
}
