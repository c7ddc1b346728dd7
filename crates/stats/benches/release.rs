//! Computing the statistics of a release over 1,000,000 synthetic organisations: size
//! classification, grouping, tabulation of the three measures and their disclosure control.
//! `cargo bench -p shirube-stats` (target: under 10 s).

use std::collections::HashMap;

use criterion::{criterion_group, criterion_main, Criterion};
use shirube_stats::sdc::{
    cell_keys, protect, published, tabulate, Group, Keys, Layout, Previous, Status, INDUSTRIES,
};
use shirube_stats::sme::size_class;

/// An organisation: industry, employees, prefecture, ★3, ★4 and its record key.
type Org = (usize, u64, usize, bool, bool, u8);

/// A deterministic population skewed like early adoption: most firms in a few industries and
/// prefectures, sizes from 1 to ~5,000 employees.
fn population(n: usize) -> Vec<Org> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let r = next();
            let industry = if r % 3 == 0 {
                4
            } else {
                (r >> 8) as usize % 20
            };
            let pref = if r % 5 < 2 {
                [12, 22, 26][(r >> 16) as usize % 3]
            } else {
                (r >> 20) as usize % 47
            };
            let employees = 1 + (next() % 1000) * (next() % 5 + 1);
            let star3 = next() % 4 == 0;
            let star4 = star3 && next() % 5 == 0;
            let key = (next() >> 24) as u8;
            (industry, employees, pref, star3, star4, key)
        })
        .collect()
}

fn groups(orgs: &[Org]) -> Vec<Group> {
    let mut groups: HashMap<(usize, usize, usize), Group> = HashMap::new();
    for &(i, e, p, s3, s4, k) in orgs {
        let size = size_class(INDUSTRIES[i], e);
        let g = groups.entry((i, size.index(), p)).or_insert(Group {
            industry: i,
            size,
            prefecture: p,
            organizations: 0,
            star3: 0,
            star4: 0,
            keys: Keys::default(),
        });
        g.organizations += 1;
        g.star3 += u64::from(s3);
        g.star4 += u64::from(s4);
        let k = u64::from(k);
        g.keys.organizations += k;
        g.keys.star3 += if s3 { k } else { 0 };
        g.keys.star4 += if s4 { k } else { 0 };
    }
    groups.into_values().collect()
}

fn values(layout: &Layout, orgs: &[Org]) -> Vec<Vec<u64>> {
    tabulate(layout, groups(orgs))
}

/// A release's true values and statuses, per measure.
type Protected = (Vec<Vec<u64>>, Vec<Vec<Status>>);

/// A release's statistics: tabulation, cell keys, disclosure control and the perturbed
/// published values, given the previous release's true values and statuses (per measure).
fn compute(layout: &Layout, orgs: &[Org], previous: Option<&Protected>) -> usize {
    let groups = groups(orgs);
    let values = tabulate(layout, groups.iter().copied());
    let keys = cell_keys(layout, groups.iter().copied());
    values
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(m, (v, k))| {
            let prev = previous.map(|(pv, ps)| Previous {
                values: &pv[m],
                status: &ps[m],
            });
            let status = protect(layout, v, prev);
            published(v, k, &status).iter().flatten().count()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let orgs = population(1_000_000);
    let layout = Layout::new();
    let mut g = c.benchmark_group("release");
    g.sample_size(10);
    g.bench_function("statistics_1m_organisations", |b| {
        b.iter(|| compute(&layout, &orgs, None))
    });
    // Half a year later: 1% of the organisations replaced by others, the release protected
    // together with the previous one.
    let before = values(&layout, &orgs);
    let before_status: Vec<Vec<Status>> =
        before.iter().map(|v| protect(&layout, v, None)).collect();
    let previous = (before, before_status);
    let mut later = orgs.clone();
    let fresh = population(later.len() / 100 + 7);
    for (k, o) in fresh.into_iter().skip(7).enumerate() {
        let at = k * 100 + 13;
        if at < later.len() {
            later[at] = o;
        }
    }
    g.bench_function(
        "statistics_1m_organisations_after_a_previous_release",
        |b| b.iter(|| compute(&layout, &later, Some(&previous))),
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
