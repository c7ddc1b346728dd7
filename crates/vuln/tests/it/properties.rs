//! Property tests: version ordering per ecosystem and OSV range evaluation.

use proptest::prelude::*;
use shirube_vuln::{Event, EventKind, OsvRange, ParsedVersion, Scheme};

fn pep(s: &str) -> ParsedVersion {
    ParsedVersion::parse(Scheme::Pep440, s).unwrap()
}

fn sem(s: &str) -> ParsedVersion {
    ParsedVersion::parse(Scheme::SemVer, s).unwrap()
}

fn release() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0u64..20, 1..4)
}

fn dotted(parts: &[u64]) -> String {
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// PEP 440 compares release segments as numbers, padding the shorter with zeros.
fn padded_cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| get(a, i).cmp(&get(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// A PEP 440 version with optional pre, post and dev parts.
fn pep_version() -> impl Strategy<Value = String> {
    (
        0u64..2,
        release(),
        prop::option::of((prop::sample::select(vec!["a", "b", "rc"]), 0u64..5)),
        prop::option::of(0u64..5),
        prop::option::of(0u64..5),
    )
        .prop_map(|(epoch, rel, pre, post, dev)| {
            let mut s = if epoch > 0 {
                format!("{epoch}!")
            } else {
                String::new()
            };
            s.push_str(&dotted(&rel));
            if let Some((kind, n)) = pre {
                s.push_str(&format!("{kind}{n}"));
            }
            if let Some(n) = post {
                s.push_str(&format!(".post{n}"));
            }
            if let Some(n) = dev {
                s.push_str(&format!(".dev{n}"));
            }
            s
        })
}

fn semver_version() -> impl Strategy<Value = String> {
    (
        0u64..5,
        0u64..5,
        0u64..5,
        prop::option::of(prop::sample::select(vec![
            "alpha", "alpha.1", "beta", "rc.2", "0",
        ])),
    )
        .prop_map(|(a, b, c, pre)| match pre {
            Some(p) => format!("{a}.{b}.{c}-{p}"),
            None => format!("{a}.{b}.{c}"),
        })
}

fn range(scheme: Scheme, events: &[(EventKind, &str)]) -> OsvRange {
    let events: Vec<Event> = events.iter().map(|(k, v)| Event::new(*k, *v)).collect();
    OsvRange::compile(scheme, &events).unwrap()
}

proptest! {
    #[test]
    fn pep440_release_order_is_numeric_with_zero_padding(a in release(), b in release()) {
        prop_assert_eq!(pep(&dotted(&a)).cmp(&pep(&dotted(&b))), padded_cmp(&a, &b));
    }

    #[test]
    fn pep440_pre_and_dev_sort_below_the_release_and_post_above(rel in release(), n in 0u64..9) {
        let base = dotted(&rel);
        let release = pep(&base);
        let with = |suffix: &str| pep(&(base.clone() + suffix + &n.to_string()));
        let (dev, alpha, beta, rc) = (with(".dev"), with("a"), with("b"), with("rc"));
        let (post, local) = (with(".post"), with("+local."));
        prop_assert!(dev < release);
        prop_assert!(alpha < release);
        prop_assert!(rc < release);
        prop_assert!(post > release);
        prop_assert!(local > release);
        prop_assert!(alpha < beta);
    }

    #[test]
    fn pep440_a_higher_epoch_always_wins(a in release(), b in release()) {
        let epoch_one = pep(&("1!".to_owned() + &dotted(&a)));
        prop_assert!(epoch_one > pep(&dotted(&b)));
    }

    #[test]
    fn pep440_order_is_total_and_antisymmetric(a in pep_version(), b in pep_version()) {
        let (x, y) = (pep(&a), pep(&b));
        prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
    }

    #[test]
    fn semver_core_order_is_lexicographic_numbers(a in (0u64..30, 0u64..30, 0u64..30), b in (0u64..30, 0u64..30, 0u64..30)) {
        let x = sem(&format!("{}.{}.{}", a.0, a.1, a.2));
        let y = sem(&format!("{}.{}.{}", b.0, b.1, b.2));
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
    }

    #[test]
    fn semver_pre_release_sorts_below_its_release(v in (0u64..9, 0u64..9, 0u64..9), pre in "[a-z]{1,6}(\\.[1-9][0-9]?)?") {
        let base = format!("{}.{}.{}", v.0, v.1, v.2);
        let pre_release = sem(&(base.clone() + "-" + &pre));
        let with_build = sem(&(base.clone() + "+build.7"));
        prop_assert!(pre_release < sem(&base));
        prop_assert_eq!(with_build, sem(&base));
    }

    #[test]
    fn pep440_introduced_zero_fixed_x_matches_exactly_the_versions_below_x(v in pep_version(), x in pep_version()) {
        let r = range(Scheme::Pep440, &[(EventKind::Introduced, "0"), (EventKind::Fixed, &x)]);
        prop_assert_eq!(r.contains(&pep(&v)), pep(&v) < pep(&x));
    }

    #[test]
    fn semver_introduced_zero_fixed_x_matches_exactly_the_versions_below_x(v in semver_version(), x in semver_version()) {
        let r = range(Scheme::SemVer, &[(EventKind::Introduced, "0"), (EventKind::Fixed, &x)]);
        prop_assert_eq!(r.contains(&sem(&v)), sem(&v) < sem(&x));
    }

    #[test]
    fn introduced_a_fixed_b_is_the_half_open_interval(v in pep_version(), a in pep_version(), b in pep_version()) {
        prop_assume!(pep(&a) < pep(&b));
        let r = range(Scheme::Pep440, &[(EventKind::Introduced, &a), (EventKind::Fixed, &b)]);
        let (pv, pa, pb) = (pep(&v), pep(&a), pep(&b));
        prop_assert_eq!(r.contains(&pv), pa <= pv && pv < pb);
    }

    #[test]
    fn last_affected_is_the_closed_interval(v in semver_version(), a in semver_version(), b in semver_version()) {
        prop_assume!(sem(&a) <= sem(&b));
        let r = range(Scheme::SemVer, &[(EventKind::Introduced, &a), (EventKind::LastAffected, &b)]);
        let (sv, sa, sb) = (sem(&v), sem(&a), sem(&b));
        prop_assert_eq!(r.contains(&sv), sa <= sv && sv <= sb);
    }

    #[test]
    fn limit_excludes_everything_at_or_above_it(v in pep_version(), l in pep_version()) {
        let r = range(Scheme::Pep440, &[(EventKind::Introduced, "0"), (EventKind::Limit, &l)]);
        prop_assert_eq!(r.contains(&pep(&v)), pep(&v) < pep(&l));
    }

    #[test]
    fn event_order_in_the_advisory_does_not_change_disjoint_ranges(v in pep_version(), mut bounds in prop::collection::vec(pep_version(), 4)) {
        bounds.sort_by_key(|b| pep(b));
        bounds.dedup_by(|a, b| pep(a) == pep(b));
        prop_assume!(bounds.len() == 4);
        let ev = [
            (EventKind::Introduced, bounds[0].as_str()),
            (EventKind::Fixed, bounds[1].as_str()),
            (EventKind::Introduced, bounds[2].as_str()),
            (EventKind::Fixed, bounds[3].as_str()),
        ];
        let reversed = [ev[2], ev[3], ev[0], ev[1]];
        let pv = pep(&v);
        prop_assert_eq!(range(Scheme::Pep440, &ev).contains(&pv), range(Scheme::Pep440, &reversed).contains(&pv));
    }
}
