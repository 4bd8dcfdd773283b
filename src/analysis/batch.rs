//! Participation of every company and nonprofit at once (issue 6): the same equations as
//! [`participation`](super::participation), solved forward instead of per target.
//!
//! For each company `v`, `share(v) = Σ_h c(h, v)·counts(h)` and `unknown(v) = Σ_h c(h, v)·
//! unknown(h) + remainder(v)`, where a company holder contributes its own `share` and `unknown`
//! and any other holder the value the caller assigns it (the law decides who counts). A
//! nonprofit's value is a threshold of the same sums over its supreme body (`governs`), so the
//! caller decides it from them. The graph of companies and nonprofits is condensed into strongly
//! connected components and swept in topological order, level by level, each level in parallel;
//! a cycle of companies is solved exactly once ([`linear::solve`](super::linear::solve)). A cycle
//! through a nonprofit is not linear: its members, and everything they hold, are marked
//! `deferred` for the caller to answer one target at a time.
//!
//! Cost: O(V + E) exact operations plus the elimination inside cycles; memory O(V + E) plus the
//! holder sets, each freed once every company it feeds has been computed.

use std::collections::HashMap;
use std::sync::OnceLock;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use super::linear;
use super::participation::Measure;
use crate::fraction::Fraction;
use crate::model::{Graph, Interest, PartyIdx, PartyKind};

/// What a holder that is not followed further contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TerminalValue {
    /// Counts in the proven share.
    pub counts: bool,
    /// Counts only in the upper bound (not known).
    pub unknown: bool,
}

impl TerminalValue {
    /// Counts.
    pub const COUNTS: TerminalValue = TerminalValue { counts: true, unknown: false };
    /// Does not count.
    pub const NOT: TerminalValue = TerminalValue { counts: false, unknown: false };
    /// Not known.
    pub const UNKNOWN: TerminalValue = TerminalValue { counts: false, unknown: true };

    fn pair(self) -> (Fraction, Fraction) {
        (
            if self.counts { Fraction::one() } else { Fraction::zero() },
            if self.unknown { Fraction::one() } else { Fraction::zero() },
        )
    }
}

/// The result for one company or nonprofit.
#[derive(Clone, Debug, Default)]
pub struct NodeResult {
    /// Proven share of counting holders (for a nonprofit: of its supreme body).
    pub share: Fraction,
    /// Share of undisclosed holders.
    pub unknown: Fraction,
    /// It sits in an ownership cycle (or holds its own shares).
    pub in_cycle: bool,
    /// Number of ultimate holders (at most [`HOLDER_CAP`]).
    pub holders: u32,
    /// True when the number of holders reached the cap and is a lower bound.
    pub holders_capped: bool,
    /// A cycle through a nonprofit lies above it: the caller must answer it per target.
    pub deferred: bool,
    /// For a nonprofit, the value the law gives it (what it contributes to what it holds); a
    /// company contributes its share and unknown part.
    status: Option<TerminalValue>,
}

impl NodeResult {
    /// What it contributes to what it holds, per unit held.
    fn value(&self) -> (Fraction, Fraction) {
        match self.status {
            Some(v) => v.pair(),
            None => (self.share.clone(), self.unknown.clone()),
        }
    }
}

/// The results of [`all`]: for each company and nonprofit, one [`NodeResult`] per valuation.
#[derive(Debug, Default)]
pub struct BatchResults {
    local: Vec<u32>,
    k: usize,
    results: Vec<Option<NodeResult>>,
}

impl BatchResults {
    /// The result of `party` under valuation `k` (`None` when it is not a company or nonprofit).
    pub fn get(&self, party: PartyIdx, k: usize) -> Option<&NodeResult> {
        let v = *self.local.get(party as usize)?;
        if v == u32::MAX || k >= self.k {
            return None;
        }
        self.results.get(v as usize * self.k + k).and_then(Option::as_ref)
    }
}

/// The most ultimate holders counted per company.
pub const HOLDER_CAP: usize = 10_000;

/// Per-party values of terminal holders and nonprofits, supplied by the law.
pub trait Valuation: Sync {
    /// The value of a holder that is neither a company nor a nonprofit.
    fn terminal(&self, party: PartyIdx) -> TerminalValue;
    /// The value of a nonprofit given the share and the unknown share of its supreme body.
    fn nonprofit(&self, party: PartyIdx, share: &Fraction, unknown: &Fraction) -> TerminalValue;
}

struct Node {
    party: PartyIdx,
    nonprofit: bool,
    holders: Vec<(PartyIdx, Fraction)>,
    remainder: Fraction,
    self_share: Fraction,
}

/// Participation of every company and nonprofit of `graph` (`None` for other parties), under
/// each of `valuations` (one result vector per valuation; the sweep and the holder sets are
/// shared).
pub fn all(graph: &Graph, measure: Measure, valuations: &[&dyn Valuation]) -> BatchResults {
    let n = graph.len();
    // Nodes: companies and nonprofits, with their holder edges.
    let mut local = vec![u32::MAX; n];
    let mut nodes: Vec<Node> = Vec::new();
    for p in 0..n as PartyIdx {
        let kind = graph.party(p).kind;
        if !matches!(kind, PartyKind::Company | PartyKind::Nonprofit) {
            continue;
        }
        let mut holders: Vec<(PartyIdx, Fraction)> = Vec::new();
        let mut self_share = Fraction::zero();
        for (_, r) in graph.incoming(p) {
            let w = match (&r.interest, kind) {
                (Interest::Shares { capital, votes }, PartyKind::Company) => match measure {
                    Measure::Capital => capital.value(),
                    Measure::Votes => votes.value(),
                },
                (Interest::Governs { share }, PartyKind::Nonprofit) => share.value(),
                _ => continue,
            };
            if w.is_zero() {
                continue;
            }
            if r.from == p {
                self_share += w;
            }
            match holders.iter_mut().find(|(h, _)| *h == r.from) {
                Some((_, acc)) => *acc += w,
                None => holders.push((r.from, w.clone())),
            }
        }
        let listed: Fraction = holders.iter().map(|(_, w)| w).sum();
        let rest = &Fraction::one() - &listed;
        local[p as usize] = nodes.len() as u32;
        nodes.push(Node {
            party: p,
            nonprofit: kind == PartyKind::Nonprofit,
            holders,
            remainder: if rest.is_negative() { Fraction::zero() } else { rest },
            self_share,
        });
    }
    let m = nodes.len();
    // Holder → held among nodes; a nonprofit holding a company is a terminal of that company
    // (its value), but its own value depends on its supreme body, so it is a node too.
    let mut pg: DiGraph<(), ()> = DiGraph::with_capacity(m, m);
    for _ in 0..m {
        pg.add_node(());
    }
    for (v, node) in nodes.iter().enumerate() {
        for (h, _) in &node.holders {
            let hl = local[*h as usize];
            if hl != u32::MAX && hl as usize != v {
                pg.add_edge(NodeIndex::new(hl as usize), NodeIndex::new(v), ());
            }
        }
    }
    let sccs = kosaraju_scc(&pg);
    let mut comp = vec![0u32; m];
    for (c, scc) in sccs.iter().enumerate() {
        for x in scc {
            comp[x.index()] = c as u32;
        }
    }
    // Levels: longest path from a source component, so every holder is on an earlier level.
    let mut indeg = vec![0u32; sccs.len()];
    let mut succ: Vec<Vec<u32>> = vec![Vec::new(); sccs.len()];
    for e in pg.raw_edges() {
        let (a, b) = (comp[e.source().index()], comp[e.target().index()]);
        if a != b {
            succ[a as usize].push(b);
            indeg[b as usize] += 1;
        }
    }
    let mut level = vec![0u32; sccs.len()];
    let mut ready: Vec<u32> = (0..sccs.len() as u32).filter(|&c| indeg[c as usize] == 0).collect();
    let mut levels: Vec<Vec<u32>> = Vec::new();
    while !ready.is_empty() {
        let mut next = Vec::new();
        for &c in &ready {
            for &s in &succ[c as usize] {
                level[s as usize] = level[s as usize].max(level[c as usize] + 1);
                indeg[s as usize] -= 1;
                if indeg[s as usize] == 0 {
                    next.push(s);
                }
            }
        }
        levels.push(std::mem::replace(&mut ready, next));
    }
    drop(succ);
    // How many later components still need each node's holder set.
    let mut consumers = vec![0u32; m];
    for (v, node) in nodes.iter().enumerate() {
        let mut seen: Vec<u32> = Vec::new();
        for (h, _) in &node.holders {
            let hl = local[*h as usize];
            if hl != u32::MAX && comp[hl as usize] != comp[v] && !seen.contains(&hl) {
                seen.push(hl);
                consumers[hl as usize] += 1;
            }
        }
    }

    let k = valuations.len();
    // Each result is written once, by the thread that computes it, and read by later levels.
    let results: Vec<OnceLock<NodeResult>> = (0..m * k).map(|_| OnceLock::new()).collect();
    let mut sets: Vec<Option<Vec<u64>>> = vec![None; m];
    for lvl in &levels {
        let stored = Stored { results: &results, k };
        let kept: Vec<(Vec<usize>, Vec<u64>)> = lvl
            .par_iter()
            .filter_map(|&c| {
                let members: Vec<usize> = sccs[c as usize].iter().map(|x| x.index()).collect();
                let (rs, set) = solve_component(&nodes, &local, &comp, &members, stored, &sets, valuations);
                for (v, r) in rs {
                    for (i, r) in r.into_iter().enumerate() {
                        let _ = results[v * k + i].set(r);
                    }
                }
                // Only a set some later component reads is kept.
                members.iter().any(|&v| consumers[v] > 0).then_some((members, set))
            })
            .collect();
        for (members, set) in kept {
            for v in members {
                if consumers[v] > 0 {
                    sets[v] = Some(set.clone());
                }
            }
        }
        // Free the sets no later component needs any more.
        for &c in lvl {
            for x in &sccs[c as usize] {
                let v = x.index();
                for (h, _) in &nodes[v].holders {
                    let hl = local[*h as usize];
                    if hl != u32::MAX && comp[hl as usize] != comp[v] {
                        let left = &mut consumers[hl as usize];
                        *left = left.saturating_sub(1);
                        if *left == 0 {
                            sets[hl as usize] = None;
                        }
                    }
                }
            }
        }
    }
    let results = results.into_iter().map(OnceLock::into_inner).collect();
    BatchResults { local, k, results }
}

/// The results computed so far.
#[derive(Clone, Copy)]
struct Stored<'a> {
    results: &'a [OnceLock<NodeResult>],
    k: usize,
}

impl Stored<'_> {
    fn get(&self, node: usize, i: usize) -> Option<&NodeResult> {
        self.results.get(node * self.k + i).and_then(OnceLock::get)
    }
}

/// The results of one component's members (one per valuation), and their common holder set.
type Solved = (Vec<(usize, Vec<NodeResult>)>, Vec<u64>);

/// Holder-set keys: a party, or the undisclosed remainder of a company (`1 << 32 | company`).
fn undisclosed_key(p: PartyIdx) -> u64 {
    (1u64 << 32) | u64::from(p)
}

#[allow(clippy::too_many_arguments)]
fn solve_component(
    nodes: &[Node],
    local: &[u32],
    comp: &[u32],
    members: &[usize],
    results: Stored,
    sets: &[Option<Vec<u64>>],
    valuations: &[&dyn Valuation],
) -> Solved {
    let c = comp[members[0]];
    let nonprofit = members.iter().any(|&v| nodes[v].nonprofit);
    let cyclic = members.len() > 1 || !nodes[members[0]].self_share.is_zero();
    let inside = |h: PartyIdx| {
        let hl = local[h as usize];
        hl != u32::MAX && comp[hl as usize] == c
    };
    // Holder set: everything the members' holders bring, plus their remainders.
    let mut set: Vec<u64> = Vec::new();
    let mut deferred = false;
    for &v in members {
        for (h, _) in &nodes[v].holders {
            if inside(*h) {
                continue;
            }
            let hl = local[*h as usize];
            if hl != u32::MAX {
                deferred |= results.get(hl as usize, 0).is_some_and(|r| r.deferred);
            }
            if hl != u32::MAX && !nodes[hl as usize].nonprofit {
                if let Some(s) = &sets[hl as usize] {
                    set.extend_from_slice(s);
                }
            } else {
                set.push(u64::from(*h));
            }
        }
        if !nodes[v].remainder.is_zero() {
            set.push(undisclosed_key(nodes[v].party));
        }
    }
    set.sort_unstable();
    set.dedup();
    let capped = set.len() >= HOLDER_CAP;
    set.truncate(HOLDER_CAP);
    let holders = set.len() as u32;
    let k = valuations.len();
    let value_of = |h: PartyIdx, i: usize| -> (Fraction, Fraction) {
        let hl = local[h as usize];
        if hl != u32::MAX {
            return match results.get(hl as usize, i) {
                Some(r) => r.value(),
                None => (Fraction::zero(), Fraction::one()),
            };
        }
        valuations[i].terminal(h).pair()
    };
    let finish = |v: usize, i: usize, share: Fraction, unknown: Fraction, deferred: bool| -> NodeResult {
        let party = nodes[v].party;
        let status = if deferred {
            Some(TerminalValue::UNKNOWN)
        } else if nodes[v].nonprofit {
            Some(valuations[i].nonprofit(party, &share, &unknown))
        } else {
            None
        };
        NodeResult { share, unknown, in_cycle: cyclic, holders, holders_capped: capped, deferred, status }
    };
    let all_deferred = |set: Vec<u64>| -> Solved {
        let rs = members
            .iter()
            .map(|&v| (v, (0..k).map(|i| finish(v, i, Fraction::zero(), Fraction::one(), true)).collect()))
            .collect();
        (rs, set)
    };
    if deferred || (nonprofit && cyclic) {
        return all_deferred(set);
    }
    // External inflow of each member under each valuation: Σ over holders outside the component.
    let external: Vec<Vec<(Fraction, Fraction)>> = members
        .iter()
        .map(|&v| {
            (0..k)
                .map(|i| {
                    let (mut s, mut u) = (Fraction::zero(), nodes[v].remainder.clone());
                    for (h, w) in nodes[v].holders.iter().filter(|(h, _)| !inside(*h)) {
                        let (hs, hu) = value_of(*h, i);
                        s += &(w * &hs);
                        u += &(w * &hu);
                    }
                    (s, u)
                })
                .collect()
        })
        .collect();
    if !cyclic {
        let v = members[0];
        let rs: Vec<NodeResult> =
            external[0].iter().enumerate().map(|(i, (s, u))| finish(v, i, s.clone(), u.clone(), false)).collect();
        return (vec![(v, rs)], set);
    }
    // x_v − Σ_{h ∈ S} c(h, v)·x_h = external_v, for the share and the unknown part of each valuation.
    let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut entries = Vec::new();
    for (i, &v) in members.iter().enumerate() {
        entries.push((i, i, Fraction::one()));
        for (h, w) in &nodes[v].holders {
            let hl = local[*h as usize];
            if hl != u32::MAX
                && let Some(&j) = pos.get(&(hl as usize))
            {
                entries.push((i, j, -w.clone()));
            }
        }
    }
    let mut solved: Vec<Vec<NodeResult>> = members.iter().map(|_| Vec::with_capacity(k)).collect();
    for i in 0..k {
        let b_share: Vec<Fraction> = external.iter().map(|e| e[i].0.clone()).collect();
        let b_unknown: Vec<Fraction> = external.iter().map(|e| e[i].1.clone()).collect();
        match (
            linear::solve(members.len(), entries.clone(), b_share),
            linear::solve(members.len(), entries.clone(), b_unknown),
        ) {
            (Ok(s), Ok(u)) => {
                for (j, &v) in members.iter().enumerate() {
                    solved[j].push(finish(v, i, s[j].clone(), u[j].clone(), false));
                }
            }
            // A closed loop: the input check refuses these, so this is only reached with the
            // votes measure; the caller answers per target (and reports the loop).
            _ => return all_deferred(set),
        }
    }
    (members.iter().copied().zip(solved).collect(), set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json;

    struct Russian<'g>(&'g Graph);
    impl Valuation for Russian<'_> {
        fn terminal(&self, p: PartyIdx) -> TerminalValue {
            let party = self.0.party(p);
            match party.kind {
                PartyKind::Unknown => TerminalValue::UNKNOWN,
                _ if party.is_russian_citizen() => TerminalValue::COUNTS,
                _ => TerminalValue::NOT,
            }
        }
        fn nonprofit(&self, _: PartyIdx, share: &Fraction, unknown: &Fraction) -> TerminalValue {
            if share.exceeds_half() {
                TerminalValue::COUNTS
            } else if !(share + unknown).exceeds_half() {
                TerminalValue::NOT
            } else {
                TerminalValue::UNKNOWN
            }
        }
    }

    fn example(n: u32) -> Graph {
        let path = format!("{}/fixtures/example-{n:02}.json", env!("CARGO_MANIFEST_DIR"));
        json::parse(
            &path,
            &std::fs::read_to_string(&path).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn every_company_at_once_matches_the_worked_examples() {
        for (n, share, unknown) in
            [(1, "33/40", "0/1"), (4, "3/4", "0/1"), (5, "1/2", "0/1"), (6, "7399/10000", "2601/10000")]
        {
            let g = example(n);
            let all = all(&g, Measure::Capital, &[&Russian(&g)]);
            let t = all.get(g.lookup("T").unwrap(), 0).unwrap();
            assert_eq!(
                (t.share.to_string(), t.unknown.to_string()),
                (share.to_string(), unknown.to_string()),
                "example {n}"
            );
        }
        let g = example(4);
        let all = all(&g, Measure::Capital, &[&Russian(&g)]);
        let t = all.get(g.lookup("T").unwrap(), 0).unwrap();
        assert!(t.in_cycle);
        assert_eq!(t.holders, 2);
    }
}
