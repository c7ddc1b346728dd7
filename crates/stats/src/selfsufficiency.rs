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
//!
//! **Perturbation.** Every count of organisations published here (each share's denominator,
//! and the numerator a share is taken from) goes through the statistics' cell-key
//! perturbation ([`crate::sdc::perturb`]), with the cell key made from the record keys of
//! the organisations counted, so that comparing two releases cannot tell one firm's
//! declaration from the random error. Shares are the ratio of the two perturbed counts; the
//! floors are applied to the true counts. The spend share is a ratio of amounts, not of
//! organisations, and is published as computed (behind its dominance rule).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::sdc::{perturb, MIN_RATE_DENOMINATOR};

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
    /// The organisation's record key (secret, 0–255): the raw material of the cell keys.
    pub record_key: u8,
}

/// A published share, or why it is not published.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// The organisations behind the share, perturbed (as published).
    pub denominator: u64,
    /// Percent, one decimal; `None` when withheld.
    pub percent: Option<f64>,
    /// Why it is withheld: `too_thin`, `too_few_vendors` or `dominance`.
    pub withheld: Option<&'static str>,
}

/// A set of organisations with the sum of their record keys, so that its cell key is known.
#[derive(Debug, Default)]
struct Counted<'a> {
    organizations: BTreeSet<&'a str>,
    key_sum: u64,
}

impl<'a> Counted<'a> {
    fn insert(&mut self, organization: &'a str, record_key: u8) {
        if self.organizations.insert(organization) {
            self.key_sum += u64::from(record_key);
        }
    }

    fn len(&self) -> u64 {
        self.organizations.len() as u64
    }

    /// The count as published: perturbed with the cell key of these organisations.
    fn published(&self) -> u64 {
        perturb(self.len(), (self.key_sum % 256) as u8)
    }
}

/// The share of `numerator` in `denominator` (a subset of it), from perturbed counts; withheld
/// when fewer than ten organisations are behind it.
fn share(numerator: &Counted<'_>, denominator: &Counted<'_>) -> Share {
    let d = denominator.published();
    if denominator.len() < MIN_RATE_DENOMINATOR {
        return Share {
            denominator: d,
            percent: None,
            withheld: Some("too_thin"),
        };
    }
    // The same organisations give the same key, so "all of them" stays exactly 100 %;
    // otherwise the two errors may cross, and the share is capped there. `d` is at least 8.
    let n = numerator.published().min(d);
    let r = n as f64 * 100.0 / d as f64;
    Share {
        denominator: d,
        percent: Some((r * 10.0).round() / 10.0),
        withheld: None,
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
    let mut users: HashMap<&str, Counted> = HashMap::new();
    let mut domestic: HashMap<&str, Counted> = HashMap::new();
    let mut monitored = Counted::default();
    let mut monitored_jp = Counted::default();
    let mut spenders = Counted::default();
    let mut by_vendor: BTreeMap<&str, u64> = BTreeMap::new();
    let mut domestic_spend: u64 = 0;
    for u in uses {
        let (org, key) = (u.organization, u.record_key);
        users.entry(u.category).or_default().insert(org, key);
        if u.domestic {
            domestic.entry(u.category).or_default().insert(org, key);
        }
        if u.category == MONITORING {
            monitored.insert(org, key);
            if u.monitoring_in_japan {
                monitored_jp.insert(org, key);
            }
        }
        if let Some(s) = u.annual_spend_yen {
            spenders.insert(org, key);
            *by_vendor.entry(u.vendor).or_default() += s;
            if u.domestic {
                domestic_spend += s;
            }
        }
    }
    let none = Counted::default();
    let usage = CATEGORIES
        .iter()
        .map(|c| {
            let n = users.get(c).unwrap_or(&none);
            let d = domestic.get(c).unwrap_or(&none);
            (*c, share(d, n))
        })
        .collect();
    let total: u64 = by_vendor.values().sum();
    let n = spenders.published();
    let spend = if spenders.len() < MIN_RATE_DENOMINATOR {
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
        monitoring: share(&monitored_jp, &monitored),
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
                record_key: 0,
            })
            .collect();
        let f = compute(&u);
        assert_eq!(
            f.usage[0],
            (
                "edr",
                Share {
                    // Nine, perturbed by the cell key 0: seven.
                    denominator: 7,
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
                // Keys that sum to 128 over all twenty and over the five domestic ones (the
                // first of each four): the middle of the table, no change.
                record_key: match i {
                    0 => 128,
                    _ => 0,
                },
            })
            .collect();
        let f = compute(&u);
        assert_eq!(f.usage[0].1.percent, Some(25.0));
        assert_eq!(f.usage[0].1.denominator, 20);
        assert_eq!(f.spend.percent, Some(25.0));
        // One vendor with almost all of the spend: withheld.
        let mut skewed = u.clone();
        skewed[0].annual_spend_yen = Some(1_000_000);
        assert_eq!(compute(&skewed).spend.withheld, Some("dominance"));
    }

    #[test]
    fn shares_come_from_perturbed_counts_so_one_more_firm_is_not_read_off() {
        // 30 organisations, 12 with a domestic product; then one more, domestic. Over the
        // keys the newcomer may draw, the published change is not always +1 in both counts.
        let orgs: Vec<String> = (0..31).map(|i| format!("org{i}")).collect();
        let mut differs = 0;
        for newcomer_key in 0..=255u8 {
            let u = |n: usize| -> Vec<Use> {
                orgs[..n]
                    .iter()
                    .enumerate()
                    .map(|(i, o)| Use {
                        organization: o,
                        vendor: "v",
                        category: "edr",
                        domestic: i < 12 || i == 30,
                        monitoring_in_japan: false,
                        annual_spend_yen: None,
                        record_key: if i == 30 {
                            newcomer_key
                        } else {
                            (i * 37 % 256) as u8
                        },
                    })
                    .collect()
            };
            let (before, after) = (
                compute(&u(30)).usage[0].1.clone(),
                compute(&u(31)).usage[0].1.clone(),
            );
            assert!((28..=32).contains(&before.denominator));
            assert!((29..=33).contains(&after.denominator));
            let naive: f64 = 13.0 * 100.0 / 31.0;
            if after.denominator != before.denominator + 1
                || (after.percent.unwrap_or(0.0) - (naive * 10.0).round() / 10.0).abs() > 0.01
            {
                differs += 1;
            }
        }
        assert!(differs > 128, "{differs}");
    }

    #[test]
    fn domestic_needs_a_japanese_head_office_and_a_japanese_parent() {
        assert!(is_domestic("JP", "JP"));
        assert!(!is_domestic("JP", "US"));
        assert!(!is_domestic("US", "JP"));
    }
}
