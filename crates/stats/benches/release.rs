//! Computing the statistics of a release over 1,000,000 synthetic organisations: size
//! classification, grouping, tabulation of the three measures and their disclosure control.
//! `cargo bench -p shirube-stats` (target: under 10 s).

use std::collections::HashMap;

use criterion::{criterion_group, criterion_main, Criterion};
use shirube_stats::sdc::{protect, tabulate, Group, Layout, INDUSTRIES};
use shirube_stats::sme::size_class;

/// A deterministic population skewed like early adoption: most firms in a few industries and
/// prefectures, sizes from 1 to ~5,000 employees.
fn population(n: usize) -> Vec<(usize, u64, usize, bool, bool)> {
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
            (industry, employees, pref, star3, star4)
        })
        .collect()
}

fn compute(layout: &Layout, orgs: &[(usize, u64, usize, bool, bool)]) -> usize {
    let mut groups: HashMap<(usize, usize, usize), Group> = HashMap::new();
    for &(i, e, p, s3, s4) in orgs {
        let size = size_class(INDUSTRIES[i], e);
        let g = groups.entry((i, size.index(), p)).or_insert(Group {
            industry: i,
            size,
            prefecture: p,
            organizations: 0,
            star3: 0,
            star4: 0,
        });
        g.organizations += 1;
        g.star3 += u64::from(s3);
        g.star4 += u64::from(s4);
    }
    let values = tabulate(layout, groups.into_values());
    values
        .iter()
        .map(|v| {
            protect(layout, v, None)
                .iter()
                .filter(|s| s.is_suppressed())
                .count()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let orgs = population(1_000_000);
    let layout = Layout::new();
    let mut g = c.benchmark_group("release");
    g.sample_size(10);
    g.bench_function("statistics_1m_organisations", |b| {
        b.iter(|| compute(&layout, &orgs))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
