//! The cyber-security self-sufficiency rate (サイバーセキュリティ自給率) from declared product
//! use, published per category with its definition and withheld where the data are too thin.
//!
//! **Domestic.** A product is domestic when its vendor's head office is in Japan *and* its
//! ultimate parent is Japanese (a foreign product resold by a Japanese firm is not).
//!
//! Three figures, each with its own floor:
//! - *usage share* per category: organisations using at least one domestic product of the
//!   category ÷ organisations using any product of it — only with at least ten organisations;
//! - *spend share*: declared annual spend on domestic vendors ÷ all declared spend — only with
//!   at least ten organisations declaring spend, at least three vendors, and the two largest
//!   vendors holding at most 85 % of it (the (2, 85 %) dominance rule), so that no vendor's
//!   revenue can be read off;
//! - *monitoring in Japan*: organisations whose security monitoring service analyses in Japan
//!   ÷ organisations using such a service — again only with ten or more.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::sdc::{rate, MIN_RATE_DENOMINATOR};

/// Product categories, in publication order.
pub const CATEGORIES: [&str; 8] = [
    "edr",
    "firewall_utm",
    "email_security",
    "web_dns_filtering",
    "vulnerability_scanning",
    "backup",
    "iam_mfa",
    "siem_soc",
];

/// The category whose products are monitoring services.
pub const MONITORING: &str = "siem_soc";

/// The dominance rule: the `DOMINANCE_N` largest vendors may hold at most `DOMINANCE_K` % of
/// the spend.
pub const DOMINANCE_N: usize = 2;
pub const DOMINANCE_K: f64 = 85.0;
/// Vendors a spend figure needs.
pub const MIN_VENDORS: usize = 3;

/// Whether a vendor counts as domestic (ISO 3166-1 alpha-2 codes).
pub fn is_domestic(head_office_country: &str, ultimate_parent_country: &str) -> bool {
    head_office_country == "JP" && ultimate_parent_country == "JP"
}

/// One organisation's declared use of one product.
#[derive(Debug, Clone, PartialEq)]
pub struct Use<'a> {
    pub organization: &'a str,
    pub vendor: &'a str,
    pub category: &'a str,
    pub domestic: bool,
    pub monitoring_in_japan: bool,
    pub annual_spend_yen: Option<u64>,
}

/// A published share, or why it is not published.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub denominator: u64,
    /// Percent, one decimal; `None` when withheld.
    pub percent: Option<f64>,
    /// Why it is withheld: `too_thin`, `too_few_vendors` or `dominance`.
    pub withheld: Option<&'static str>,
}

fn share(numerator: u64, denominator: u64) -> Share {
    match rate(numerator, denominator) {
        Some(r) => Share {
            denominator,
            percent: Some((r * 10.0).round() / 10.0),
            withheld: None,
        },
        None => Share {
            denominator,
            percent: None,
            withheld: Some("too_thin"),
        },
    }
}

/// The figures of one release.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Per category (all of `CATEGORIES`), the usage share.
    pub usage: Vec<(&'static str, Share)>,
    pub spend: Share,
    pub monitoring: Share,
}

pub fn compute(uses: &[Use<'_>]) -> Figures {
    let mut users: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut domestic: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut monitored: BTreeSet<&str> = BTreeSet::new();
    let mut monitored_jp: BTreeSet<&str> = BTreeSet::new();
    let mut spenders: BTreeSet<&str> = BTreeSet::new();
    let mut by_vendor: BTreeMap<&str, u64> = BTreeMap::new();
    let mut domestic_spend: u64 = 0;
    for u in uses {
        users.entry(u.category).or_default().insert(u.organization);
        if u.domestic {
            domestic
                .entry(u.category)
                .or_default()
                .insert(u.organization);
        }
        if u.category == MONITORING {
            monitored.insert(u.organization);
            if u.monitoring_in_japan {
                monitored_jp.insert(u.organization);
            }
        }
        if let Some(s) = u.annual_spend_yen {
            spenders.insert(u.organization);
            *by_vendor.entry(u.vendor).or_default() += s;
            if u.domestic {
                domestic_spend += s;
            }
        }
    }
    let usage = CATEGORIES
        .iter()
        .map(|c| {
            let n = users.get(c).map_or(0, BTreeSet::len) as u64;
            let d = domestic.get(c).map_or(0, BTreeSet::len) as u64;
            (*c, share(d, n))
        })
        .collect();
    let total: u64 = by_vendor.values().sum();
    let n = spenders.len() as u64;
    let spend = if n < MIN_RATE_DENOMINATOR {
        Share {
            denominator: n,
            percent: None,
            withheld: Some("too_thin"),
        }
    } else if by_vendor.len() < MIN_VENDORS {
        Share {
            denominator: n,
            percent: None,
            withheld: Some("too_few_vendors"),
        }
    } else {
        let mut v: Vec<u64> = by_vendor.values().copied().collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        let top: u64 = v.iter().take(DOMINANCE_N).sum();
        if total == 0 || top as f64 * 100.0 > DOMINANCE_K * total as f64 {
            Share {
                denominator: n,
                percent: None,
                withheld: Some("dominance"),
            }
        } else {
            let r = domestic_spend as f64 * 100.0 / total as f64;
            Share {
                denominator: n,
                percent: Some((r * 10.0).round() / 10.0),
                withheld: None,
            }
        }
    };
    Figures {
        usage,
        spend,
        monitoring: share(monitored_jp.len() as u64, monitored.len() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(n: usize, category: &'static str, domestic_every: usize) -> Vec<(String, bool)> {
        (0..n)
            .map(|i| (format!("org{i}-{category}"), i % domestic_every == 0))
            .collect()
    }

    #[test]
    fn a_category_with_fewer_than_ten_organisations_is_too_thin() {
        let orgs = uses(9, "edr", 2);
        let u: Vec<Use> = orgs
            .iter()
            .map(|(o, d)| Use {
                organization: o,
                vendor: "v",
                category: "edr",
                domestic: *d,
                monitoring_in_japan: false,
                annual_spend_yen: None,
            })
            .collect();
        let f = compute(&u);
        assert_eq!(
            f.usage[0],
            (
                "edr",
                Share {
                    denominator: 9,
                    percent: None,
                    withheld: Some("too_thin")
                }
            )
        );
        assert_eq!(f.spend.withheld, Some("too_thin"));
    }

    #[test]
    fn usage_counts_organisations_and_spend_obeys_the_dominance_rule() {
        let orgs = uses(20, "edr", 4);
        let vendors = ["a", "b", "c", "d"];
        let u: Vec<Use> = orgs
            .iter()
            .enumerate()
            .map(|(i, (o, d))| Use {
                organization: o,
                vendor: vendors[i % 4],
                category: "edr",
                domestic: *d,
                monitoring_in_japan: false,
                annual_spend_yen: Some(100),
            })
            .collect();
        let f = compute(&u);
        assert_eq!(f.usage[0].1.percent, Some(25.0));
        assert_eq!(f.spend.percent, Some(25.0));
        // One vendor with almost all of the spend: withheld.
        let mut skewed = u.clone();
        skewed[0].annual_spend_yen = Some(1_000_000);
        assert_eq!(compute(&skewed).spend.withheld, Some("dominance"));
    }

    #[test]
    fn domestic_needs_a_japanese_head_office_and_a_japanese_parent() {
        assert!(is_domestic("JP", "JP"));
        assert!(!is_domestic("JP", "US"));
        assert!(!is_domestic("US", "JP"));
    }
}
