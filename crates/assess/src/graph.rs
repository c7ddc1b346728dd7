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

/// Walks the graph from `root`. `edges[b]` are buyer `b`'s suppliers. A supplier's own
/// suppliers are visible only when it passes them on to the buyer it was reached through;
/// cycles and repeated visits through the same path are cut.
pub fn tiers(root: &str, edges: &HashMap<String, Vec<Edge>>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut on_path: HashSet<String> = HashSet::from([root.to_string()]);
    fn visit(
        buyer: &str,
        tier: u32,
        edges: &HashMap<String, Vec<Edge>>,
        on_path: &mut HashSet<String>,
        out: &mut Vec<Node>,
    ) -> Vec<usize> {
        let mut mine = Vec::new();
        for e in edges.get(buyer).map(Vec::as_slice).unwrap_or(&[]) {
            if on_path.contains(&e.supplier) {
                continue;
            }
            let idx = out.len();
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
            mine.push(idx);
            if e.passes_on && tier < MAX_TIERS {
                on_path.insert(e.supplier.clone());
                let children = visit(&e.supplier, tier + 1, edges, on_path, out);
                on_path.remove(&e.supplier);
                let weakest = children.iter().fold(out[idx].weakest_in_branch, |acc, &c| match (acc, out[c].weakest_in_branch) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                });
                out[idx].weakest_in_branch = weakest;
            }
        }
        mine
    }
    visit(root, 1, edges, &mut on_path, &mut out);
    out
}

/// Suppliers on which at least `min_dependents` different buyers (members of an industry
/// group) depend directly, most depended-on first: (supplier, name, dependents).
pub fn shared_dependencies(members: &[String], edges: &HashMap<String, Vec<Edge>>, min_dependents: usize) -> Vec<(String, String, usize)> {
    let mut counts: HashMap<&str, (HashSet<&str>, &str)> = HashMap::new();
    for m in members {
        for e in edges.get(m).map(Vec::as_slice).unwrap_or(&[]) {
            let entry = counts.entry(e.supplier.as_str()).or_insert_with(|| (HashSet::new(), e.name.as_str()));
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
        Edge { supplier: supplier.into(), name: supplier.into(), achieved, required: 3, passes_on, critical: false, alternatives: 1, restore_tested: true }
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
        let seen: Vec<(&str, u32)> = nodes.iter().map(|n| (n.supplier.as_str(), n.tier)).collect();
        assert_eq!(seen, [("a", 1), ("a1", 2), ("a11", 3), ("b", 1)]);
        let a = nodes.iter().find(|n| n.supplier == "a").unwrap();
        assert_eq!(a.weakest_in_branch, None, "a11 has no level, so the branch's weakest is none");
        let b = nodes.iter().find(|n| n.supplier == "b").unwrap();
        assert_eq!(b.weakest_in_branch, Some(3), "b1 is hidden: b does not pass it on");
    }

    #[test]
    fn cycles_are_cut() {
        let g = graph(&[("buyer", edge("a", Some(3), true)), ("a", edge("b", Some(3), true)), ("b", edge("a", Some(3), true)), ("b", edge("buyer", Some(3), true))]);
        let nodes = tiers("buyer", &g);
        assert_eq!(nodes.len(), 2);
    }

    #[test]
    fn a_critical_supplier_without_alternative_below_requirement_or_untested_is_a_single_point_of_failure() {
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
        let spof: Vec<&str> = nodes.iter().filter(|n| n.single_point_of_failure).map(|n| n.supplier.as_str()).collect();
        assert_eq!(spof, ["a", "c"]);
    }

    #[test]
    fn shared_dependencies_count_distinct_member_buyers() {
        let g = graph(&[("m1", edge("s", None, false)), ("m2", edge("s", None, false)), ("m2", edge("t", None, false)), ("x", edge("t", None, false))]);
        let members = vec!["m1".to_string(), "m2".to_string()];
        assert_eq!(shared_dependencies(&members, &g, 2), vec![("s".to_string(), "s".to_string(), 2)]);
    }
}
