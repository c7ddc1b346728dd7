//! Supply-graph analysis: the tiers a buyer can see under each direct supplier (through
//! suppliers that pass on the level-only view of their own suppliers), the weakest level in
//! each branch, and single points of failure.

use std::collections::{HashMap, HashSet};

/// What one buyer knows about one of its suppliers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub supplier: String,
    pub name: String,
    /// The best level the supplier has shared with this buyer (3 or 4), if any.
    pub achieved: Option<u8>,
    pub required: u8,
    /// The supplier passes the level-only view of its own suppliers on to this buyer.
    pub passes_on: bool,
    /// The buyer marked the supplier critical to its business.
    pub critical: bool,
    /// Alternative sources the buyer has for what this supplier delivers.
    pub alternatives: u32,
    /// The supplier's recorded BCP facts say a restore was tested.
    pub restore_tested: bool,
}

/// One supplier as seen from the root buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub supplier: String,
    pub name: String,
    /// 1 for direct suppliers.
    pub tier: u32,
    /// The buyer this supplier was seen through (the root for tier 1).
    pub parent: String,
    pub achieved: Option<u8>,
    pub required: u8,
    /// The lowest achieved level in this supplier's branch (itself and everything visible
    /// below it); `None` when any of them has none.
    pub weakest_in_branch: Option<u8>,
    /// Critical, no alternative, and below its requirement or never restore-tested.
    pub single_point_of_failure: bool,
}

/// Deepest tier shown; real chains are a handful of tiers deep, and the cap bounds the
/// recursion on hostile data.
pub const MAX_TIERS: u32 = 32;

/// Walks the graph from `root`, breadth first. `edges[b]` are buyer `b`'s suppliers. A
/// supplier's own suppliers are visible only when it passes them on to the buyer it was
/// reached through. Each organisation appears once, at the shallowest tier where it is
/// visible (under the first supplier that shows it), which keeps the walk linear in the size
/// of the graph and cuts cycles.
pub fn tiers(root: &str, edges: &HashMap<String, Vec<Edge>>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut parent_of: Vec<Option<usize>> = Vec::new();
    let mut passes: Vec<bool> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::from([root]);
    let push = |out: &mut Vec<Node>,
                parent_of: &mut Vec<Option<usize>>,
                passes: &mut Vec<bool>,
                buyer: &str,
                e: &Edge,
                tier: u32,
                parent: Option<usize>| {
        out.push(Node {
            supplier: e.supplier.clone(),
            name: e.name.clone(),
            tier,
            parent: buyer.to_string(),
            achieved: e.achieved,
            required: e.required,
            weakest_in_branch: e.achieved,
            single_point_of_failure: e.critical
                && e.alternatives == 0
                && (e.achieved.is_none_or(|a| a < e.required) || !e.restore_tested),
        });
        parent_of.push(parent);
        passes.push(e.passes_on);
    };
    for e in edges.get(root).map(Vec::as_slice).unwrap_or(&[]) {
        if seen.insert(e.supplier.as_str()) {
            push(&mut out, &mut parent_of, &mut passes, root, e, 1, None);
        }
    }
    let mut next = 0;
    while next < out.len() {
        let (tier, supplier) = (out[next].tier, out[next].supplier.clone());
        if passes[next] && tier < MAX_TIERS {
            if let Some(list) = edges.get(&supplier) {
                for e in list {
                    if seen.insert(e.supplier.as_str()) {
                        push(
                            &mut out,
                            &mut parent_of,
                            &mut passes,
                            &supplier,
                            e,
                            tier + 1,
                            Some(next),
                        );
                    }
                }
            }
        }
        next += 1;
    }
    // Children come after their parents in breadth-first order: fold the weakest level up.
    for i in (0..out.len()).rev() {
        if let Some(p) = parent_of[i] {
            out[p].weakest_in_branch = match (out[p].weakest_in_branch, out[i].weakest_in_branch) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            };
        }
    }
    // Present the tree depth first, each branch under its supplier.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); out.len()];
    let mut roots = Vec::new();
    for (i, p) in parent_of.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let mut order = Vec::with_capacity(out.len());
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(children[i].iter().rev());
    }
    let mut slots: Vec<Option<Node>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Suppliers on which at least `min_dependents` different buyers (members of an industry
/// group) depend directly, most depended-on first: (supplier, name, dependents).
pub fn shared_dependencies(
    members: &[String],
    edges: &HashMap<String, Vec<Edge>>,
    min_dependents: usize,
) -> Vec<(String, String, usize)> {
    let mut counts: HashMap<&str, (HashSet<&str>, &str)> = HashMap::new();
    for m in members {
        for e in edges.get(m).map(Vec::as_slice).unwrap_or(&[]) {
            let entry = counts
                .entry(e.supplier.as_str())
                .or_insert_with(|| (HashSet::new(), e.name.as_str()));
            entry.0.insert(m.as_str());
        }
    }
    let mut out: Vec<(String, String, usize)> = counts
        .into_iter()
        .filter(|(_, (b, _))| b.len() >= min_dependents)
        .map(|(s, (b, name))| (s.to_string(), name.to_string(), b.len()))
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(supplier: &str, achieved: Option<u8>, passes_on: bool) -> Edge {
        Edge {
            supplier: supplier.into(),
            name: supplier.into(),
            achieved,
            required: 3,
            passes_on,
            critical: false,
            alternatives: 1,
            restore_tested: true,
        }
    }

    fn graph(list: &[(&str, Edge)]) -> HashMap<String, Vec<Edge>> {
        let mut g: HashMap<String, Vec<Edge>> = HashMap::new();
        for (b, e) in list {
            g.entry(b.to_string()).or_default().push(e.clone());
        }
        g
    }

    #[test]
    fn lower_tiers_show_only_through_suppliers_that_pass_them_on() {
        let g = graph(&[
            ("buyer", edge("a", Some(4), true)),
            ("buyer", edge("b", Some(3), false)),
            ("a", edge("a1", Some(3), true)),
            ("a1", edge("a11", None, false)),
            ("b", edge("b1", Some(4), false)),
        ]);
        let nodes = tiers("buyer", &g);
        let seen: Vec<(&str, u32)> = nodes
            .iter()
            .map(|n| (n.supplier.as_str(), n.tier))
            .collect();
        assert_eq!(seen, [("a", 1), ("a1", 2), ("a11", 3), ("b", 1)]);
        let a = nodes.iter().find(|n| n.supplier == "a").unwrap();
        assert_eq!(
            a.weakest_in_branch, None,
            "a11 has no level, so the branch's weakest is none"
        );
        let b = nodes.iter().find(|n| n.supplier == "b").unwrap();
        assert_eq!(
            b.weakest_in_branch,
            Some(3),
            "b1 is hidden: b does not pass it on"
        );
    }

    #[test]
    fn cycles_are_cut() {
        let g = graph(&[
            ("buyer", edge("a", Some(3), true)),
            ("a", edge("b", Some(3), true)),
            ("b", edge("a", Some(3), true)),
            ("b", edge("buyer", Some(3), true)),
        ]);
        let nodes = tiers("buyer", &g);
        assert_eq!(nodes.len(), 2);
    }

    #[test]
    fn a_critical_supplier_without_alternative_below_requirement_or_untested_is_a_single_point_of_failure(
    ) {
        let mut e = edge("a", Some(3), false);
        e.critical = true;
        e.alternatives = 0;
        e.required = 4;
        let mut ok = edge("b", Some(4), false);
        ok.critical = true;
        ok.alternatives = 0;
        ok.required = 4;
        let mut untested = ok.clone();
        untested.supplier = "c".into();
        untested.restore_tested = false;
        let g = graph(&[("buyer", e), ("buyer", ok), ("buyer", untested)]);
        let nodes = tiers("buyer", &g);
        let spof: Vec<&str> = nodes
            .iter()
            .filter(|n| n.single_point_of_failure)
            .map(|n| n.supplier.as_str())
            .collect();
        assert_eq!(spof, ["a", "c"]);
    }

    #[test]
    fn shared_dependencies_count_distinct_member_buyers() {
        let g = graph(&[
            ("m1", edge("s", None, false)),
            ("m2", edge("s", None, false)),
            ("m2", edge("t", None, false)),
            ("x", edge("t", None, false)),
        ]);
        let members = vec!["m1".to_string(), "m2".to_string()];
        assert_eq!(
            shared_dependencies(&members, &g, 2),
            vec![("s".to_string(), "s".to_string(), 2)]
        );
    }
}
