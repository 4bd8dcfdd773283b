//! Direct and indirect participation: how much of a target each ultimate holder holds
//! (docs/DOMAIN.md, "Participation"; Tax Code art. 105.2 p. 3 extended to cross-holdings).
//!
//! This is pure arithmetic over the graph: it knows which parties pass their share on to
//! their holders (companies) and which are ultimate (everyone else), and nothing of who
//! qualifies under which regime. The law decides that from the result.
//!
//! For a target `T`, let `w(v)` be the sum over all walks from `T` up to the company `v` of the
//! product of the shares along the walk (`w(T) ≥ 1`, more when `T` sits in a cycle). Then an
//! ultimate holder `t` holds `Σ_v w(v)·c(t, v)` of `T`, and the capital of `v` held by nobody
//! listed, `1 − Σ_h c(h, v)`, goes to an undisclosed holder of `v`. The `w` satisfy
//! `w(h) = [h = T] + Σ_u w(u)·c(h, u)`: one sweep over the strongly connected components of the
//! target's company ancestors, from the target upward, solving each cycle exactly
//! ([`linear::solve`](super::linear::solve)). Cost: O(V + E) exact operations on the ancestors
//! plus the elimination inside cycles.

use std::collections::{HashMap, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::linear;
use crate::fraction::Fraction;
use crate::model::{Graph, Interest, PartyIdx, PartyKind};

/// Which fraction of a `shares` relation measures a direct share (policy P4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Fraction of the charter capital.
    Capital,
    /// Fraction of the votes (voting shares, art. 105.2 p. 2 of the Tax Code).
    Votes,
}

/// An ultimate holder: a party whose share is not followed further, or the undisclosed
/// remainder of a company whose listed holders sum to less than 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Terminal {
    /// A listed party that is not a company (or the target's own holder when it is a nonprofit).
    Party(PartyIdx),
    /// The capital of this company that no listed holder accounts for.
    Undisclosed(PartyIdx),
}

/// One ultimate holder's total share of the target.
#[derive(Clone, Debug, PartialEq)]
pub struct UltimateShare {
    /// Who.
    pub holder: Terminal,
    /// Direct plus indirect share of the target.
    pub total: Fraction,
    /// The share held directly in the target.
    pub direct: Fraction,
}

impl UltimateShare {
    /// The part held through other companies (and through cycles back into the target).
    pub fn indirect(&self) -> Fraction {
        &self.total - &self.direct
    }
}

/// Adds up the fractions of holders listed several times (several relations from one holder),
/// leaving them in index order. Sorting, so a million holders cost O(k log k), not O(k²).
pub fn sum_by_holder(holders: &mut Vec<(PartyIdx, Fraction)>) {
    holders.sort_by_key(|(h, _)| *h);
    holders.dedup_by(|(h, w), (h0, acc)| {
        if h == h0 {
            *acc += &*w;
            true
        } else {
            false
        }
    });
}

/// The company ancestors of a target with their direct holders: the part of the graph that
/// participation and its chains look at.
#[derive(Clone, Debug)]
pub struct Ancestry {
    /// The target.
    pub target: PartyIdx,
    /// Pass-through nodes: the target (if it passes through) and its company ancestors.
    pub nodes: Vec<PartyIdx>,
    local: HashMap<PartyIdx, usize>,
    /// Direct holders of each node with their fraction (several relations from one holder add up).
    pub holders: Vec<Vec<(PartyIdx, Fraction)>>,
    /// The undisclosed remainder of each node: `1 − Σ` of its holders.
    pub remainder: Vec<Fraction>,
}

impl Ancestry {
    /// Collects the companies above `target` whose capital reaches it. A company target is
    /// measured by `measure`; a nonprofit target by the `governs` shares of its supreme body.
    pub fn collect(graph: &Graph, target: PartyIdx, measure: Measure) -> Ancestry {
        let mut a =
            Ancestry { target, nodes: Vec::new(), local: HashMap::new(), holders: Vec::new(), remainder: Vec::new() };
        let kind = graph.party(target).kind;
        if !matches!(kind, PartyKind::Company | PartyKind::Nonprofit) {
            return a;
        }
        let mut queue = VecDeque::from([target]);
        a.local.insert(target, 0);
        a.nodes.push(target);
        while let Some(v) = queue.pop_front() {
            let mut hs: Vec<(PartyIdx, Fraction)> = Vec::new();
            for (_, r) in graph.incoming(v) {
                let w = match (r.interest(), graph.party(v).kind) {
                    (Interest::Shares { capital, votes }, PartyKind::Company) => match measure {
                        Measure::Capital => capital.into_value(),
                        Measure::Votes => votes.into_value(),
                    },
                    (Interest::Governs { share }, PartyKind::Nonprofit) if v == target => share.into_value(),
                    _ => continue,
                };
                if w.is_zero() {
                    continue;
                }
                hs.push((r.from, w));
            }
            sum_by_holder(&mut hs);
            let listed: Fraction = hs.iter().map(|(_, w)| w).sum();
            let rest = &Fraction::one() - &listed;
            for (h, _) in &hs {
                if graph.party(*h).kind == PartyKind::Company && !a.local.contains_key(h) {
                    a.local.insert(*h, a.nodes.len());
                    a.nodes.push(*h);
                    queue.push_back(*h);
                }
            }
            a.holders.push(hs);
            a.remainder.push(if rest.is_negative() { Fraction::zero() } else { rest });
        }
        a
    }

    /// True when `p` is one of the pass-through nodes.
    pub fn passes_through(&self, p: PartyIdx) -> bool {
        self.local.contains_key(&p)
    }

    /// Position of a pass-through node in [`Ancestry::nodes`].
    pub fn position(&self, p: PartyIdx) -> Option<usize> {
        self.local.get(&p).copied()
    }
}

/// How the target's capital divides among its ultimate holders.
#[derive(Clone, Debug)]
pub struct Attribution {
    /// Ultimate holders, largest total first (ties by index); totals sum to exactly 1.
    pub holders: Vec<UltimateShare>,
    /// Walk sums `w(v)` for each node of the ancestry (same order as `Ancestry::nodes`).
    pub weight: Vec<Fraction>,
    /// Ownership cycles among the ancestors (strongly connected sets, or a company holding
    /// its own shares), each listed once.
    pub cycles: Vec<Vec<PartyIdx>>,
}

impl Attribution {
    /// The share of the target held, directly and through other companies, by `p`, one of the
    /// pass-through companies of `ancestry`: `Σ_v w(v)·c(p, v)`, which is `w(p)` itself (less the
    /// target's own unit weight when `p` is the target, i.e. its treasury walks). Zero for a
    /// party that is not a pass-through node. O(1).
    pub fn held_by(&self, ancestry: &Ancestry, p: PartyIdx) -> Fraction {
        match ancestry.position(p).and_then(|i| self.weight.get(i)) {
            Some(w) if p == ancestry.target => w - &Fraction::one(),
            Some(w) => w.clone(),
            None => Fraction::zero(),
        }
    }
}

/// The ancestors own themselves entirely: participation has no solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedLoop(pub Vec<PartyIdx>);

/// Divides the target among its ultimate holders, exactly.
pub fn attribute(ancestry: &Ancestry) -> Result<Attribution, ClosedLoop> {
    let n = ancestry.nodes.len();
    if n == 0 {
        return Ok(Attribution {
            holders: vec![UltimateShare {
                holder: Terminal::Party(ancestry.target),
                total: Fraction::one(),
                direct: Fraction::one(),
            }],
            weight: Vec::new(),
            cycles: Vec::new(),
        });
    }
    // Holder → held edges between pass-through nodes.
    let mut pg: DiGraph<usize, ()> = DiGraph::with_capacity(n, n);
    for i in 0..n {
        pg.add_node(i);
    }
    let mut self_loop = vec![false; n];
    for (v, hs) in ancestry.holders.iter().enumerate() {
        for (h, _) in hs {
            if let Some(hl) = ancestry.position(*h) {
                if hl == v {
                    self_loop[v] = true;
                } else {
                    pg.add_edge(NodeIndex::new(hl), NodeIndex::new(v), ());
                }
            }
        }
    }
    let sccs = kosaraju_scc(&pg);
    let order = topological_sinks_first(&pg, &sccs);

    let mut component = vec![0usize; n];
    for (c, scc) in sccs.iter().enumerate() {
        for &x in scc {
            component[x.index()] = c;
        }
    }
    let mut cycles = Vec::new();
    let mut inflow = vec![Fraction::zero(); n];
    inflow[0] = Fraction::one(); // the target is node 0
    let mut weight = vec![Fraction::zero(); n];
    let mut totals: HashMap<Terminal, (Fraction, Fraction)> = HashMap::new();

    for c in order {
        let members: Vec<usize> = sccs[c].iter().map(|x| x.index()).collect();
        if members.len() > 1 || self_loop[members[0]] {
            let mut ids: Vec<PartyIdx> = members.iter().map(|&m| ancestry.nodes[m]).collect();
            ids.sort_unstable();
            cycles.push(ids);
        }
        if members.len() == 1 && !self_loop[members[0]] {
            let v = members[0];
            weight[v] = std::mem::take(&mut inflow[v]);
        } else {
            let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
            let mut entries = Vec::new();
            for (i, &u) in members.iter().enumerate() {
                entries.push((i, i, Fraction::one()));
                for (h, share) in &ancestry.holders[u] {
                    if let Some(&j) = ancestry.position(*h).and_then(|hl| pos.get(&hl)) {
                        // row h, column u: −c(h, u)
                        entries.push((j, i, -share.clone()));
                    }
                }
            }
            let b: Vec<Fraction> = members.iter().map(|&m| std::mem::take(&mut inflow[m])).collect();
            let x = linear::solve(members.len(), entries, b).map_err(|_| {
                let mut ids: Vec<PartyIdx> = members.iter().map(|&m| ancestry.nodes[m]).collect();
                ids.sort_unstable();
                ClosedLoop(ids)
            })?;
            for (i, &m) in members.iter().enumerate() {
                weight[m] = x[i].clone();
            }
        }
        for &v in &members {
            let w = &weight[v];
            if w.is_zero() {
                continue;
            }
            let is_target = v == 0;
            for (h, share) in &ancestry.holders[v] {
                match ancestry.position(*h) {
                    Some(hl) if component[hl] == c => {}
                    Some(hl) => inflow[hl] += &(w * share),
                    None => {
                        let e = totals.entry(Terminal::Party(*h)).or_default();
                        e.0 += &(w * share);
                        if is_target {
                            e.1 += share;
                        }
                    }
                }
            }
            let rest = &ancestry.remainder[v];
            if !rest.is_zero() {
                let e = totals.entry(Terminal::Undisclosed(ancestry.nodes[v])).or_default();
                e.0 += &(w * rest);
                if is_target {
                    e.1 += rest;
                }
            }
        }
    }
    let mut holders: Vec<UltimateShare> =
        totals.into_iter().map(|(holder, (total, direct))| UltimateShare { holder, total, direct }).collect();
    holders.sort_by(|a, b| b.total.cmp(&a.total).then(a.holder.cmp(&b.holder)));
    cycles.sort();
    Ok(Attribution { holders, weight, cycles })
}

/// Orders the components of `sccs` so that a component comes after every component it holds
/// (edges point holder → held): the target's component first. Kahn's algorithm, iterative.
fn topological_sinks_first(pg: &DiGraph<usize, ()>, sccs: &[Vec<NodeIndex>]) -> Vec<usize> {
    let mut component = vec![0usize; pg.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for &x in scc {
            component[x.index()] = c;
        }
    }
    // out_count[c]: edges from c to other components (things c holds) not yet processed.
    let mut out_count = vec![0usize; sccs.len()];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); sccs.len()];
    for e in pg.raw_edges() {
        let (a, b) = (component[e.source().index()], component[e.target().index()]);
        if a != b {
            out_count[a] += 1;
            preds[b].push(a);
        }
    }
    let mut ready: Vec<usize> = (0..sccs.len()).filter(|&c| out_count[c] == 0).collect();
    let mut order = Vec::with_capacity(sccs.len());
    while let Some(c) = ready.pop() {
        order.push(c);
        for &p in &preds[c] {
            out_count[p] -= 1;
            if out_count[p] == 0 {
                ready.push(p);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::example;

    fn shares(g: &Graph, target: &str) -> Vec<(String, String)> {
        let a = Ancestry::collect(g, g.lookup(target).unwrap(), Measure::Capital);
        let at = attribute(&a).unwrap();
        let sum: Fraction = at.holders.iter().map(|h| &h.total).sum();
        assert_eq!(sum, Fraction::one());
        at.holders
            .iter()
            .map(|h| {
                let id = match h.holder {
                    Terminal::Party(p) => g.party(p).id.to_string(),
                    Terminal::Undisclosed(p) => format!("?{}", g.party(p).id),
                };
                (id, h.total.to_string())
            })
            .collect()
    }

    #[test]
    fn cross_holding_example_4() {
        let g = example(4);
        assert_eq!(shares(&g, "T"), vec![("p".into(), "3/4".into()), ("q".into(), "1/4".into())]);
        let a = Ancestry::collect(&g, g.lookup("T").unwrap(), Measure::Capital);
        let at = attribute(&a).unwrap();
        // H holds 40 % of T, and through T's half of H a fifth of that again, and so on: 40 % / (1 − 1/5).
        assert_eq!(at.held_by(&a, g.lookup("H").unwrap()).to_string(), "1/2");
        assert_eq!(at.held_by(&a, g.lookup("p").unwrap()).to_string(), "0/1");
    }

    #[test]
    fn treasury_example_5() {
        let g = example(5);
        assert_eq!(shares(&g, "T"), vec![("a".into(), "1/2".into()), ("smith".into(), "1/2".into())]);
    }

    #[test]
    fn undisclosed_remainders_example_6() {
        let g = example(6);
        assert_eq!(
            shares(&g, "T"),
            vec![("p".into(), "49/100".into()), ("?F".into(), "2601/10000".into()), ("s".into(), "2499/10000".into())]
        );
    }
}
