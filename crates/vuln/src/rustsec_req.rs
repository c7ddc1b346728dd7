//! RustSec `patched` / `unaffected` requirements as version intervals.
//!
//! cargo-audit (through the `rustsec` crate) does not use `VersionReq::matches`: it turns
//! each requirement into one interval on plain SemVer order (so pre-releases are ordered,
//! not excluded) and calls a version vulnerable when no interval holds it. This module
//! repeats that conversion so that Shirube and cargo-audit agree on the same database.

use semver::{Comparator, Op, Prerelease, Version, VersionReq};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Unbounded,
    Exclusive(Version),
    Inclusive(Version),
}

/// A range of versions that a requirement declares unaffected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnaffectedInterval {
    start: Bound,
    end: Bound,
}

impl UnaffectedInterval {
    /// Converts one requirement such as `">= 1.2.3"`, `"^0.9.5"` or `">= 1.0, < 1.4"`.
    pub fn parse(req: &str) -> Result<UnaffectedInterval, String> {
        let parsed = VersionReq::parse(req).map_err(|e| format!("requirement {req:?}: {e}"))?;
        let fail = |why: &str| Err(format!("requirement {req:?}: {why}"));
        if parsed.comparators.len() > 2 {
            return fail("more than two comparators");
        }
        let alone = parsed.comparators.len() == 1;
        let mut start = Bound::Unbounded;
        let mut end = Bound::Unbounded;
        for c in &parsed.comparators {
            let v = comparator_version(c);
            match c.op {
                Op::Greater | Op::GreaterEq if start != Bound::Unbounded => {
                    return fail("more than one lower bound")
                }
                Op::Less | Op::LessEq if end != Bound::Unbounded => {
                    return fail("more than one upper bound")
                }
                Op::Greater => start = Bound::Exclusive(v),
                Op::GreaterEq => start = Bound::Inclusive(v),
                Op::Less => end = Bound::Exclusive(v),
                Op::LessEq => end = Bound::Inclusive(v),
                Op::Exact if alone => {
                    start = Bound::Inclusive(v.clone());
                    end = Bound::Inclusive(v);
                }
                Op::Caret if alone => {
                    let mut upper = if v.major == 0 {
                        match (c.minor, c.patch) {
                            (Some(0), Some(patch)) => Version::new(0, 0, patch + 1),
                            (Some(minor), _) => Version::new(0, minor + 1, 0),
                            _ => Version::new(1, 0, 0),
                        }
                    } else {
                        Version::new(v.major + 1, 0, 0)
                    };
                    upper.pre = zero_pre();
                    start = Bound::Inclusive(v);
                    end = Bound::Exclusive(upper);
                }
                Op::Tilde if alone => {
                    let mut upper = match c.minor {
                        None => Version::new(c.major + 1, 0, 0),
                        Some(minor) => Version::new(c.major, minor + 1, 0),
                    };
                    upper.pre = zero_pre();
                    start = Bound::Inclusive(v);
                    end = Bound::Exclusive(upper);
                }
                Op::Exact | Op::Caret | Op::Tilde => {
                    return fail("`=`, `^` and `~` must be alone in their requirement")
                }
                _ => return fail("unsupported operator"),
            }
        }
        Ok(UnaffectedInterval { start, end })
    }

    /// Whether `v` lies inside the interval.
    pub fn contains(&self, v: &Version) -> bool {
        let above = match &self.start {
            Bound::Unbounded => true,
            Bound::Inclusive(s) => v >= s,
            Bound::Exclusive(s) => v > s,
        };
        let below = match &self.end {
            Bound::Unbounded => true,
            Bound::Inclusive(e) => v <= e,
            Bound::Exclusive(e) => v < e,
        };
        above && below
    }
}

fn zero_pre() -> Prerelease {
    // "0" is always a valid pre-release identifier; the fallback is never taken.
    Prerelease::new("0").unwrap_or(Prerelease::EMPTY)
}

fn comparator_version(c: &Comparator) -> Version {
    Version {
        major: c.major,
        minor: c.minor.unwrap_or(0),
        patch: c.patch.unwrap_or(0),
        pre: c.pre.clone(),
        build: semver::BuildMetadata::EMPTY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn caret_on_zero_minor_covers_only_that_minor() {
        let i = UnaffectedInterval::parse("^0.9.5").unwrap();
        assert!(i.contains(&v("0.9.5")));
        assert!(i.contains(&v("0.9.99")));
        assert!(!i.contains(&v("0.10.0")));
        assert!(!i.contains(&v("0.9.4")));
    }

    #[test]
    fn two_sided_requirement_is_one_interval() {
        let i = UnaffectedInterval::parse(">= 1.0.0, < 1.4.0").unwrap();
        assert!(i.contains(&v("1.3.9")));
        assert!(!i.contains(&v("1.4.0")));
    }

    #[test]
    fn pre_releases_are_ordered_not_excluded() {
        let i = UnaffectedInterval::parse(">= 1.2.0").unwrap();
        assert!(i.contains(&v("1.3.0-alpha.1")));
        assert!(!i.contains(&v("1.2.0-rc.1")));
    }
}
