//! Package ecosystems the matcher understands, and their package-name rules.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// An ecosystem whose version ordering Shirube implements.
///
/// The serialised form is the OSV ecosystem name (`PyPI`, `crates.io`, `npm`), so that
/// findings read the same as the advisories they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    /// Python packages; versions follow PEP 440, names are normalised per PEP 503.
    #[serde(rename = "PyPI")]
    PyPI,
    /// Rust crates; versions follow SemVer 2.0.
    #[serde(rename = "crates.io")]
    CratesIo,
    /// JavaScript packages; versions follow SemVer 2.0.
    #[serde(rename = "npm")]
    Npm,
}

impl Ecosystem {
    /// Every supported ecosystem, in index order.
    pub const ALL: [Ecosystem; 3] = [Ecosystem::PyPI, Ecosystem::CratesIo, Ecosystem::Npm];

    /// The ecosystem name as OSV spells it.
    pub fn as_osv_str(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
        }
    }

    /// Reads an OSV `affected[].package.ecosystem` value; `None` for ecosystems not supported.
    ///
    /// OSV allows a `:suffix` (for example a distribution release); the part before it decides.
    pub fn from_osv(value: &str) -> Option<Ecosystem> {
        let base = value.split(':').next().unwrap_or(value);
        match base {
            "PyPI" => Some(Ecosystem::PyPI),
            "crates.io" => Some(Ecosystem::CratesIo),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// Maps a package-URL type (`pypi`, `cargo`, `npm`) to its ecosystem.
    pub fn from_purl_type(ty: &str) -> Option<Ecosystem> {
        match ty.to_ascii_lowercase().as_str() {
            "pypi" => Some(Ecosystem::PyPI),
            "cargo" => Some(Ecosystem::CratesIo),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// The package-URL type for this ecosystem.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "pypi",
            Ecosystem::CratesIo => "cargo",
            Ecosystem::Npm => "npm",
        }
    }

    /// The name under which advisories and components are compared.
    ///
    /// PyPI names are case-insensitive and treat runs of `-`, `_` and `.` as one `-`
    /// (PEP 503). Crate and npm names are compared exactly as their registries store them.
    pub fn normalize_name(self, name: &str) -> Cow<'_, str> {
        match self {
            Ecosystem::PyPI => normalize_pep503(name),
            Ecosystem::CratesIo | Ecosystem::Npm => Cow::Borrowed(name.trim()),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_osv_str())
    }
}

/// Normalises a Python distribution name as PEP 503 specifies.
pub fn normalize_pep503(name: &str) -> Cow<'_, str> {
    let name = name.trim();
    let already = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.contains("--");
    if already {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(ch.to_lowercase());
            in_separator = false;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_folds_case_and_separator_runs() {
        assert_eq!(normalize_pep503("Django"), "django");
        assert_eq!(normalize_pep503("zope.interface"), "zope-interface");
        assert_eq!(normalize_pep503("Foo__Bar-._baz"), "foo-bar-baz");
        assert_eq!(normalize_pep503("a--b"), "a-b");
    }

    #[test]
    fn osv_ecosystem_suffixes_are_ignored() {
        assert_eq!(Ecosystem::from_osv("PyPI"), Some(Ecosystem::PyPI));
        assert_eq!(Ecosystem::from_osv("npm:whatever"), Some(Ecosystem::Npm));
        assert_eq!(Ecosystem::from_osv("Go"), None);
    }
}
