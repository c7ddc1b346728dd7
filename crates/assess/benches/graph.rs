//! Tier and single-point-of-failure analysis over 100,000 organisations and 1,000,000
//! relationships (issue 3's target: under 1 s), plus the industry view's shared dependencies.

use std::collections::HashMap;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use shirube_assess::graph::{shared_dependencies, tiers, Edge, MemberDependency};

/// A deterministic graph: 100,000 organisations, 10 suppliers each (1,000,000 edges), half of
/// the shares passing on, levels and BCP facts spread over all cases.
fn graph() -> HashMap<String, Vec<Edge>> {
    let n: u64 = 100_000;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let names: Vec<String> = (0..n).map(|i| format!("org-{i}")).collect();
    let mut g: HashMap<String, Vec<Edge>> = HashMap::with_capacity(n as usize);
    for buyer in 0..n {
        let mut list = Vec::with_capacity(10);
        for _ in 0..10 {
            let r = next();
            let s = (r % n) as usize;
            list.push(Edge {
                supplier: names[s].clone(),
                name: names[s].clone(),
                achieved: match r % 3 {
                    0 => None,
                    1 => Some(3),
                    _ => Some(4),
                },
                required: if r % 5 == 0 { 4 } else { 3 },
                passes_on: r % 2 == 0,
                critical: r % 7 == 0,
                alternatives: (r % 3) as u32,
                restore_tested: r % 4 != 0,
            });
        }
        g.insert(names[buyer as usize].clone(), list);
    }
    g
}

fn bench(c: &mut Criterion) {
    let start = Instant::now();
    let g = graph();
    println!(
        "built 100,000 organisations / {} relationships in {:?}",
        g.values().map(Vec::len).sum::<usize>(),
        start.elapsed()
    );
    let start = Instant::now();
    let nodes = tiers("org-0", &g);
    println!(
        "one analysis: {} visible nodes, {} single points of failure, {:?}",
        nodes.len(),
        nodes.iter().filter(|n| n.single_point_of_failure).count(),
        start.elapsed()
    );
    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    group.bench_function("tiers_and_spof_100k_orgs_1m_edges", |b| {
        b.iter(|| tiers("org-0", &g).len())
    });
    let members: Vec<String> = (0..1_000).map(|i| format!("org-{i}")).collect();
    let dependencies: Vec<MemberDependency> = members
        .iter()
        .flat_map(|m| g[m].iter().map(|e| MemberDependency::from_edge(m, e)))
        .collect();
    group.bench_function("industry_shared_dependencies_1000_members", |b| {
        b.iter(|| shared_dependencies(&members, &dependencies, 3).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
