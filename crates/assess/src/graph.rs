//! Supply-graph analysis: the tiers a buyer can see under each direct supplier (through
//! suppliers that pass on the level-only view of their own suppliers), the weakest level in
//! each branch, single points of failure, and the suppliers on which several members of an
//! industry group depend (counts only).

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

/// One member's direct dependency on one supplier, as an industry group's view counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDependency {
    pub member: String,
    pub supplier: String,
    pub name: String,
    /// The member marked the supplier critical to its business.
    pub critical: bool,
    /// Alternative sources the member has for what this supplier delivers.
    pub alternatives: u32,
}

impl MemberDependency {
    /// The dependency of buyer `member` on the supplier of `edge`.
    pub fn from_edge(member: &str, edge: &Edge) -> Self {
        MemberDependency {
            member: member.to_string(),
            supplier: edge.supplier.clone(),
            name: edge.name.clone(),
            critical: edge.critical,
            alternatives: edge.alternatives,
        }
    }
}

/// A supplier on which several members of an industry group depend. Only counts of distinct
/// members: never which members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedDependency {
    pub supplier: String,
    pub name: String,
    /// Members that depend on the supplier directly.
    pub dependents: usize,
    /// Of those, members that marked it critical.
    pub critical_dependents: usize,
    /// Of those, members with no alternative source.
    pub without_alternative: usize,
}

/// The smallest number of members a shared dependency is ever shown for: a count of one
/// would tell the group that one particular member uses that supplier.
pub const MIN_SHARED_DEPENDENTS: usize = 2;

/// Suppliers on which at least `min_dependents` (never fewer than [`MIN_SHARED_DEPENDENTS`])
/// different `members` depend directly, most depended-on first. Dependencies of anyone not in
/// `members` are ignored. Linear in the number of members and dependencies; a member listed
/// twice for one supplier counts once (critical if either says so, without alternative if
/// either has none).
pub fn shared_dependencies(
    members: &[String],
    dependencies: &[MemberDependency],
    min_dependents: usize,
) -> Vec<SharedDependency> {
    let min_dependents = min_dependents.max(MIN_SHARED_DEPENDENTS);
    let members: HashSet<&str> = members.iter().map(String::as_str).collect();
    // (supplier, member) → (name, critical, without alternative), each pair once.
    let mut pairs: HashMap<(&str, &str), (&str, bool, bool)> = HashMap::new();
    for d in dependencies {
        if !members.contains(d.member.as_str()) {
            continue;
        }
        let entry = pairs
            .entry((d.supplier.as_str(), d.member.as_str()))
            .or_insert((d.name.as_str(), false, false));
        entry.1 |= d.critical;
        entry.2 |= d.alternatives == 0;
    }
    let mut per_supplier: HashMap<&str, SharedDependency> = HashMap::new();
    for ((supplier, _), (name, critical, without_alternative)) in pairs {
        let s = per_supplier
            .entry(supplier)
            .or_insert_with(|| SharedDependency {
                supplier: supplier.to_string(),
                name: name.to_string(),
                dependents: 0,
                critical_dependents: 0,
                without_alternative: 0,
            });
        s.dependents += 1;
        s.critical_dependents += usize::from(critical);
        s.without_alternative += usize::from(without_alternative);
    }
    let mut out: Vec<SharedDependency> = per_supplier
        .into_values()
        .filter(|s| s.dependents >= min_dependents)
        .collect();
    out.sort_by(|a, b| {
        b.dependents
            .cmp(&a.dependents)
            .then_with(|| b.critical_dependents.cmp(&a.critical_dependents))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.supplier.cmp(&b.supplier))
    });
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

    fn deps(list: &[(&str, Edge)]) -> Vec<MemberDependency> {
        list.iter()
            .map(|(m, e)| MemberDependency::from_edge(m, e))
            .collect()
    }

    fn shared(
        supplier: &str,
        dependents: usize,
        critical: usize,
        without: usize,
    ) -> SharedDependency {
        SharedDependency {
            supplier: supplier.into(),
            name: supplier.into(),
            dependents,
            critical_dependents: critical,
            without_alternative: without,
        }
    }

    #[test]
    fn shared_dependencies_count_distinct_member_buyers() {
        let d = deps(&[
            ("m1", edge("s", None, false)),
            ("m2", edge("s", None, false)),
            ("m2", edge("t", None, false)),
            ("x", edge("t", None, false)),
        ]);
        let members = vec!["m1".to_string(), "m2".to_string()];
        assert_eq!(
            shared_dependencies(&members, &d, 2),
            vec![shared("s", 2, 0, 0)]
        );
    }

    #[test]
    fn shared_dependencies_count_members_that_mark_it_critical_or_have_no_alternative() {
        let critical_sole = Edge {
            critical: true,
            alternatives: 0,
            ..edge("s", None, false)
        };
        let critical_only = Edge {
            critical: true,
            ..edge("s", None, false)
        };
        let d = deps(&[
            ("m1", critical_sole.clone()),
            // The same member twice still counts once.
            ("m1", edge("s", None, false)),
            ("m2", edge("s", None, false)),
            ("m3", critical_only),
            ("m3", edge("t", None, false)),
            ("m4", edge("t", None, false)),
            ("m4", edge("u", None, false)),
            // Not a member: its critical, sole-source dependency is not counted.
            ("outsider", critical_sole),
        ]);
        let members: Vec<String> = ["m1", "m2", "m3", "m4"].map(String::from).to_vec();
        assert_eq!(
            shared_dependencies(&members, &d, 2),
            vec![shared("s", 3, 2, 1), shared("t", 2, 0, 0)]
        );
        assert_eq!(
            shared_dependencies(&members, &d, 3),
            vec![shared("s", 3, 2, 1)]
        );
        assert_eq!(
            shared_dependencies(&members, &d, 1),
            shared_dependencies(&members, &d, 2),
            "a supplier of a single member is never shown, whatever the caller asks"
        );
    }
}
