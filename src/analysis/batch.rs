//! Participation of every company and nonprofit at once: the same equations as
//! [`participation`](super::participation), solved forward instead of per target.
//!
//! For each company `v`, `share(v) = Σ_h c(h, v)·counts(h)` and `unknown(v) = Σ_h c(h, v)·
//! unknown(h) + remainder(v)`, where a company holder contributes its own `share` and `unknown`
//! and any other holder the value the caller assigns it (the law decides who counts). A
//! nonprofit's value is a threshold of the same sums over its supreme body (`governs`), so the
//! caller decides it from them. The graph of companies and nonprofits is condensed into strongly
//! connected components and swept in topological order, level by level, each level in parallel;
//! a cycle of companies is solved exactly once ([`linear::solve`](super::linear::solve)). A cycle
//! through a nonprofit is not linear (the nonprofit passes on a threshold of its sums, not the
//! sums): its values are the least fixpoint, found by solving the companies of the cycle with
//! the nonprofits' values fixed, from "does not count" upward, until no value changes (each
//! value can only rise, so at most twice the number of its nonprofits rounds).
//!
//! A set of companies whose equations have no solution (a closed ownership loop, possible only
//! on the votes measure) has no value; neither has anything it holds: those results carry the
//! loop instead.
//!
//! Cost: O(V + E) exact operations plus the elimination inside cycles; memory O(V + E) plus the
//! holder sets, each freed once every company it feeds has been computed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use super::interval::{self, Interval, Value};
use super::linear::{self, Unsolved};
use super::participation::Measure;
use crate::fraction::{CompactShare, Fraction};
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

    fn fractions(self) -> (Fraction, Fraction) {
        (
            if self.counts { Fraction::one() } else { Fraction::zero() },
            if self.unknown { Fraction::one() } else { Fraction::zero() },
        )
    }

    fn pair(self) -> (Value, Value) {
        (
            if self.counts { Value::one() } else { Value::zero() },
            if self.unknown { Value::one() } else { Value::zero() },
        )
    }
}

/// A nonprofit's standing as a holder: the value the law gives it, or undecided when its sums
/// are known only as intervals that straddle a threshold (then it may contribute anything from
/// nothing to everything, and what it holds gets bounds, not exact values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The law's value.
    Decided(TerminalValue),
    /// Not decidable within the size budget for exact numbers.
    Undecided,
}

impl Standing {
    fn pair(self) -> (Value, Value) {
        match self {
            Standing::Decided(v) => v.pair(),
            Standing::Undecided => (Value::bounds(Interval::UNIT), Value::bounds(Interval::UNIT)),
        }
    }
}

/// The standing of nonprofit `party` from the sums of its supreme body: from the exact values
/// when known, else from their intervals when those tell which side of one half each sum is on
/// (the law compares the share and the share with the undisclosed part to one half, nothing
/// else: any values on the same sides give the same answer).
fn standing(valuation: &dyn Valuation, party: PartyIdx, share: &Value, unknown: &Value) -> Standing {
    if let (Some(s), Some(u)) = (share.exact_value(), unknown.exact_value()) {
        return Standing::Decided(valuation.nonprofit(party, s, u));
    }
    match (share.iv().above_half(), share.iv().plus(unknown.iv()).above_half()) {
        (Some(above), Some(possible)) => {
            let s = if above { Fraction::one() } else { Fraction::zero() };
            let u = if !above && possible { Fraction::one() } else { Fraction::zero() };
            Standing::Decided(valuation.nonprofit(party, &s, &u))
        }
        _ => Standing::Undecided,
    }
}

/// The result for one company or nonprofit.
#[derive(Clone, Debug, Default)]
pub struct NodeResult {
    /// Proven share of counting holders (for a nonprofit: of its supreme body).
    pub share: Value,
    /// Share of undisclosed holders.
    pub unknown: Value,
    /// It sits in an ownership cycle (or holds its own shares).
    pub in_cycle: bool,
    /// Number of ultimate holders (at most [`HOLDER_CAP`]).
    pub holders: u32,
    /// True when the number of holders reached the cap and is a lower bound.
    pub holders_capped: bool,
    /// A closed ownership loop lies above it (its members): it has no value.
    pub closed_loop: Option<Arc<Vec<PartyIdx>>>,
    /// For a nonprofit, the value the law gives it (what it contributes to what it holds); a
    /// company contributes its share and unknown part.
    status: Option<Standing>,
}

impl NodeResult {
    /// For a nonprofit, the value the law gave it from its supreme body.
    pub fn status(&self) -> Option<Standing> {
        self.status
    }

    /// What it contributes to what it holds, per unit held.
    fn value(&self) -> (Value, Value) {
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
    results: Cells,
}

/// The result cells, in segments of [`Cells::SEGMENT`]: a register's results are hundreds of
/// megabytes, and segments fit in the memory freed by the steps before (one vector that size
/// needs fresh pages, which the kernel must clear).
#[derive(Debug, Default)]
struct Cells(Vec<Box<[OnceLock<NodeResult>]>>);

impl Cells {
    const SEGMENT: usize = 1 << 14;

    /// `len` empty cells, made on every thread.
    fn new(len: usize) -> Cells {
        Cells(
            (0..len.div_ceil(Cells::SEGMENT))
                .into_par_iter()
                .map(|s| (s * Cells::SEGMENT..len.min((s + 1) * Cells::SEGMENT)).map(|_| OnceLock::new()).collect())
                .collect(),
        )
    }

    fn get(&self, i: usize) -> Option<&OnceLock<NodeResult>> {
        self.0.get(i / Cells::SEGMENT)?.get(i % Cells::SEGMENT)
    }
}

impl BatchResults {
    /// The result of `party` under valuation `k` (`None` when it is not a company or nonprofit).
    pub fn get(&self, party: PartyIdx, k: usize) -> Option<&NodeResult> {
        let v = *self.local.get(party.index())?;
        if v == u32::MAX || k >= self.k {
            return None;
        }
        self.results.get(v as usize * self.k + k).and_then(OnceLock::get)
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
    holders: Box<[Holder]>,
    /// The weights too wide for 8 bytes ([`Weight::Wide`]), rare: none for most nodes.
    #[expect(clippy::box_collection, reason = "a thin pointer: 8 bytes in every node where a Vec takes 24")]
    wide: Option<Box<Vec<Fraction>>>,
    remainder: Fraction,
    /// It holds its own shares (treasury): a cycle of one.
    holds_itself: bool,
}

/// A direct holder of a node, resolved once when the node is built: the sweep then reads the
/// holder's slot instead of looking the holder up in tables the size of the graph (each such
/// look-up is a miss of the processor's caches on a register).
#[derive(Clone, Debug)]
struct Holder {
    party: PartyIdx,
    slot: Slot,
    weight: Weight,
}

/// A holder's weight in 8 bytes: 16 a holder less, millions of holders on a register.
#[derive(Clone, Copy, Debug)]
enum Weight {
    /// Terms that fit 32 bits: a percent with four decimals, most nominal values.
    Narrow(CompactShare),
    /// Its number in the node's [`Node::wide`].
    Wide(u32),
}

impl Node {
    /// The weight of holder `h` of this node.
    fn weight(&self, h: &Holder) -> Fraction {
        match h.weight {
            Weight::Narrow(w) => w.value(),
            // A wide weight's number is where `build_node` put it: always there.
            Weight::Wide(i) => self.wide.as_ref().and_then(|w| w.get(i as usize)).cloned().unwrap_or_default(),
        }
    }
}

/// Where a holder's value comes from: another node (its local index), or a terminal holder
/// whose values under the first [`PACKED`] valuations are packed in (two bits each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot(u32);

/// Valuations whose terminal values a [`Slot`] carries; the batch runs one or two.
const PACKED: usize = 4;

impl Slot {
    /// Terminal slots are the top 256 values: a graph has fewer than 2³² − 256 companies and
    /// nonprofits (the loaders refuse 2³² parties).
    const TERMINAL: u32 = u32::MAX - 255;

    /// A terminal holder that counts under no valuation.
    const NONE: Slot = Slot(Slot::TERMINAL);

    fn node(local: u32) -> Slot {
        Slot(local.min(Slot::TERMINAL - 1))
    }

    fn terminal(values: impl Iterator<Item = TerminalValue>) -> Slot {
        let bits = values
            .take(PACKED)
            .enumerate()
            .fold(0u32, |b, (i, t)| b | (u32::from(t.counts) << (2 * i)) | (u32::from(t.unknown) << (2 * i + 1)));
        Slot(Slot::TERMINAL + bits)
    }

    /// The holder's node, when it is one.
    fn node_index(self) -> Option<usize> {
        (self.0 < Slot::TERMINAL).then_some(self.0 as usize)
    }

    /// A terminal holder's value under valuation `i < PACKED`.
    fn packed(self, i: usize) -> TerminalValue {
        let bits = self.0.wrapping_sub(Slot::TERMINAL);
        TerminalValue { counts: bits >> (2 * i) & 1 == 1, unknown: bits >> (2 * i + 1) & 1 == 1 }
    }
}

/// The node of company or nonprofit `p`: its holders (summed per holder, each resolved to its
/// slot in `slots`, a slot per party) and the part of it nobody listed holds. `scratch` is
/// reused from one node to the next.
fn build_node(
    graph: &Graph,
    p: PartyIdx,
    measure: Measure,
    slots: &[Slot],
    scratch: &mut Vec<(PartyIdx, Fraction)>,
) -> Node {
    let kind = graph.party(p).kind;
    let holders = scratch;
    holders.clear();
    let mut holds_itself = false;
    for (_, r) in graph.incoming(p) {
        let w = match (r.interest(), kind) {
            (Interest::Shares { capital, votes }, PartyKind::Company) => match measure {
                Measure::Capital => capital.into_value(),
                Measure::Votes => votes.into_value(),
            },
            (Interest::Governs { share }, PartyKind::Nonprofit) => share.into_value(),
            _ => continue,
        };
        if w.is_zero() {
            continue;
        }
        if r.from == p {
            holds_itself = true;
        }
        holders.push((r.from, w));
    }
    super::participation::sum_by_holder(holders);
    let listed: Fraction = holders.iter().map(|(_, w)| w).sum();
    let rest = &Fraction::one() - &listed;
    let mut wide: Vec<Fraction> = Vec::new();
    let holders: Vec<Holder> = holders
        .drain(..)
        .map(|(h, w)| {
            let weight = CompactShare::of_fraction(&w).map_or_else(
                || {
                    wide.push(w);
                    Weight::Wide((wide.len() - 1) as u32)
                },
                Weight::Narrow,
            );
            Holder { party: h, slot: slots.get(h.index()).copied().unwrap_or(Slot::NONE), weight }
        })
        .collect();
    Node {
        party: p,
        nonprofit: kind == PartyKind::Nonprofit,
        holders: holders.into_boxed_slice(),
        wide: (!wide.is_empty()).then(|| Box::new(wide)),
        remainder: if rest.is_negative() { Fraction::zero() } else { rest },
        holds_itself,
    }
}

/// Participation of every company and nonprofit of `graph` (`None` for other parties), under
/// each of `valuations` (one result vector per valuation; the sweep and the holder sets are
/// shared). With `scope`, only the companies and nonprofits marked there are computed; the
/// scope must be closed under "holds" (every holder of a marked party marked too).
///
/// With `bounded`, exact values are kept only within the size budget for exact numbers
/// ([`crate::fraction::set_exact_budget`]); beyond it a value keeps its certified interval
/// ([`interval`]), and so does everything computed from it.
pub fn all(
    graph: &Graph,
    measure: Measure,
    scope: Option<&[bool]>,
    valuations: &[&dyn Valuation],
    bounded: bool,
) -> BatchResults {
    let n = graph.len();
    let in_scope = |p: PartyIdx| scope.is_none_or(|s| s.get(p.index()).copied().unwrap_or(false));
    // Nodes: companies and nonprofits, with their holder edges.
    let mut local = vec![u32::MAX; n];
    let mut parties: Vec<PartyIdx> = Vec::new();
    for p in (0..n).map(PartyIdx::new) {
        if matches!(graph.party(p).kind, PartyKind::Company | PartyKind::Nonprofit) && in_scope(p) {
            local[p.index()] = parties.len() as u32;
            parties.push(p);
        }
    }
    // Each party's slot, looked up once per holding below (one table, where a node, its
    // terminal values and its place were three look-ups, each a miss of the caches).
    let slots: Vec<Slot> = (local.par_iter().enumerate())
        .map(|(h, &hl)| match hl {
            u32::MAX => Slot::terminal(valuations.iter().map(|v| v.terminal(PartyIdx::new(h)))),
            hl => Slot::node(hl),
        })
        .collect();
    let nodes: Vec<Node> =
        parties.par_iter().map_init(Vec::new, |scratch, &p| build_node(graph, p, measure, &slots, scratch)).collect();
    drop(slots);
    drop(parties);
    let m = nodes.len();
    let k = valuations.len();
    // Each result is written once, by the thread that computes it, and read by later levels.
    // The cells are made (on the other threads: a register's cells are hundreds of megabytes of
    // fresh memory) while the components are found on one.
    let (sccs, results) = rayon::join(|| Components::of(&nodes), || Cells::new(m * k));
    let comp = &sccs.comp;
    let levels = levels(&nodes, &sccs);
    // A node's holders outside its component (each holder once: holders are summed per holder).
    let outside =
        |v: usize| nodes[v].holders.iter().filter_map(move |h| h.slot.node_index().filter(|&hl| comp[hl] != comp[v]));
    // How many later nodes still need each node's holder set (counted down by the threads that
    // compute the readers).
    let consumers: Vec<AtomicU32> = (0..m).into_par_iter().map(|_| AtomicU32::new(0)).collect();
    (0..m).into_par_iter().for_each(|v| {
        for hl in outside(v) {
            consumers[hl].fetch_add(1, Ordering::Relaxed);
        }
    });
    let needed = |v: usize| consumers[v].load(Ordering::Relaxed) > 0;
    let mut sets: Vec<Option<HolderSet>> = vec![None; m];
    for lvl in &levels {
        let stored = Stored { results: &results, k };
        // Each thread keeps the sets later levels read, and names the sets whose last reader
        // it computed (freed once the level is done: others of the level may still read them).
        let done: Vec<LevelDone> = lvl
            .par_iter()
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut keep, mut spent), &c| {
                    let scc = sccs.members(c);
                    if let [x] = scc
                        && !nodes[*x as usize].holds_itself
                    {
                        let v = *x as usize;
                        let (rs, set) = solve_single(&nodes, v, stored, &sets, valuations, needed(v));
                        for (i, r) in rs.into_iter().enumerate() {
                            if let Some(cell) = results.get(v * k + i) {
                                let _ = cell.set(r);
                            }
                        }
                        keep.extend(set.map(|set| (v, set)));
                    } else {
                        let members: Vec<usize> = scc.iter().map(|&x| x as usize).collect();
                        let solved =
                            solve_component(&nodes, &local, comp, &members, stored, &sets, valuations, bounded);
                        for (v, r, set) in solved {
                            for (i, r) in r.into_iter().enumerate() {
                                if let Some(cell) = results.get(v * k + i) {
                                    let _ = cell.set(r);
                                }
                            }
                            // Only a set some later component reads is kept.
                            if needed(v) {
                                keep.push((v, set));
                            }
                        }
                    }
                    for &x in scc {
                        for hl in outside(x as usize) {
                            if consumers[hl].fetch_sub(1, Ordering::Relaxed) == 1 {
                                spent.push(hl);
                            }
                        }
                    }
                    (keep, spent)
                },
            )
            .collect();
        let mut freed: Vec<HolderSet> = Vec::new();
        for (keep, spent) in done {
            for (v, set) in keep {
                sets[v] = Some(set);
            }
            freed.extend(spent.into_iter().filter_map(|hl| sets[hl].take()));
        }
        freed.into_par_iter().for_each(drop);
    }
    // A node holds a list of its holders: freed on every thread.
    nodes.into_par_iter().for_each(drop);
    BatchResults { local, k, results }
}

/// Levels of the components: every holder on an earlier level than what it holds (components
/// in waves of those whose holders are all done), each level in ascending order. Counted,
/// linked and peeled on every thread (on a register, one thread took a third of a second).
fn levels(nodes: &[Node], sccs: &Components) -> Vec<Vec<u32>> {
    let (comp, count) = (&sccs.comp, sccs.len());
    // The holdings between components, holder's component → held's, once per holding.
    let edges = |v: usize| {
        nodes[v]
            .holders
            .iter()
            .filter_map(move |h| h.slot.node_index().map(|hl| (comp[hl], comp[v])))
            .filter(|(a, b)| a != b)
    };
    let atomics = |n: usize| -> Vec<AtomicU32> { (0..n).into_par_iter().map(|_| AtomicU32::new(0)).collect() };
    let (indeg, out) = (atomics(count), atomics(count + 1));
    (0..nodes.len()).into_par_iter().for_each(|v| {
        for (a, b) in edges(v) {
            out[a as usize + 1].fetch_add(1, Ordering::Relaxed);
            indeg[b as usize].fetch_add(1, Ordering::Relaxed);
        }
    });
    let mut start: Vec<u32> = out.into_iter().map(AtomicU32::into_inner).collect();
    for c in 0..count {
        start[c + 1] += start[c];
    }
    // Each component's successors, filled through a pointer per component (their order within a
    // list does not matter: each level is sorted).
    let fill: Vec<AtomicU32> = start.par_iter().map(|&s| AtomicU32::new(s)).collect();
    let succ: Vec<AtomicU32> = atomics(start[count] as usize);
    (0..nodes.len()).into_par_iter().for_each(|v| {
        for (a, b) in edges(v) {
            let at = fill[a as usize].fetch_add(1, Ordering::Relaxed);
            succ[at as usize].store(b, Ordering::Relaxed);
        }
    });
    drop(fill);
    let succ: Vec<u32> = succ.into_par_iter().map(AtomicU32::into_inner).collect();
    let mut ready: Vec<u32> =
        (0..count as u32).into_par_iter().filter(|&c| indeg[c as usize].load(Ordering::Relaxed) == 0).collect();
    let mut levels: Vec<Vec<u32>> = Vec::new();
    while !ready.is_empty() {
        let mut next: Vec<u32> = ready
            .par_iter()
            .flat_map_iter(|&c| {
                let (indeg, succ) = (&indeg, &succ);
                succ[start[c as usize] as usize..start[c as usize + 1] as usize]
                    .iter()
                    .copied()
                    .filter(move |&s| indeg[s as usize].fetch_sub(1, Ordering::Relaxed) == 1)
            })
            .collect();
        next.par_sort_unstable();
        levels.push(std::mem::replace(&mut ready, next));
    }
    levels
}

/// The strongly connected components of the holdings among the nodes (holder → held), as
/// flat lists: each node's component, and each component's members in ascending order.
struct Components {
    comp: Vec<u32>,
    start: Vec<u32>,
    members: Vec<u32>,
}

impl Components {
    /// Only a node that holds a node and is held by one can sit in a cycle: the search for
    /// cycles ([`kosaraju_scc`]) is given those nodes alone (on a register, a small part), and
    /// every other node is a component of its own.
    fn of(nodes: &[Node]) -> Components {
        let m = nodes.len();
        let edges = || {
            nodes.iter().enumerate().flat_map(|(v, node)| {
                node.holders.iter().filter_map(move |h| h.slot.node_index().filter(|&hl| hl != v).map(|hl| (hl, v)))
            })
        };
        let (mut holds, mut held) = (vec![false; m], vec![false; m]);
        for (h, v) in edges() {
            holds[h] = true;
            held[v] = true;
        }
        let core: Vec<usize> = (0..m).filter(|&v| holds[v] && held[v]).collect();
        drop((holds, held));
        let mut at = vec![u32::MAX; m];
        for (i, &v) in core.iter().enumerate() {
            at[v] = i as u32;
        }
        let mut pg: DiGraph<(), ()> = DiGraph::with_capacity(core.len(), core.len());
        for _ in &core {
            pg.add_node(());
        }
        for (h, v) in edges().filter(|&(h, v)| at[h] != u32::MAX && at[v] != u32::MAX) {
            pg.add_edge(NodeIndex::new(at[h] as usize), NodeIndex::new(at[v] as usize), ());
        }
        // The cycles: each member marked with its cycle, the members in ascending order.
        let mut cycle_of = vec![u32::MAX; m];
        let mut cycles: Vec<Vec<u32>> = Vec::new();
        for scc in kosaraju_scc(&pg).into_iter().filter(|s| s.len() > 1) {
            let mut members: Vec<u32> = scc.iter().map(|x| core[x.index()] as u32).collect();
            members.sort_unstable();
            for &v in &members {
                cycle_of[v as usize] = cycles.len() as u32;
            }
            cycles.push(members);
        }
        let (mut comp, mut start, mut members) = (vec![0u32; m], vec![0u32], Vec::with_capacity(m));
        for (v, cycle) in cycle_of.iter().enumerate() {
            match *cycle {
                u32::MAX => members.push(v as u32),
                c if cycles[c as usize].first() == Some(&(v as u32)) => members.extend(&cycles[c as usize]),
                _ => continue,
            }
            let id = start.len() as u32 - 1;
            for &x in &members[start[id as usize] as usize..] {
                comp[x as usize] = id;
            }
            start.push(members.len() as u32);
        }
        Components { comp, start, members }
    }

    /// Number of components.
    fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// The members of component `c`.
    fn members(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.members[self.start[c] as usize..self.start[c + 1] as usize]
    }
}

/// A company or nonprofit outside any cycle (nearly every one of a register): its sums straight
/// from its holders' values, its ultimate holders from theirs, its holder set built only when a
/// later node reads it (`keep_set`) or a company holder brings one to merge.
fn solve_single(
    nodes: &[Node],
    v: usize,
    results: Stored,
    sets: &[Option<HolderSet>],
    valuations: &[&dyn Valuation],
    keep_set: bool,
) -> (Vec<NodeResult>, Option<HolderSet>) {
    let node = &nodes[v];
    let k = valuations.len();
    let mut closed_loop: Option<Arc<Vec<PartyIdx>>> = None;
    let mut merges = false;
    for h in &node.holders {
        if let Some(hl) = h.slot.node_index() {
            merges |= !nodes[hl].nonprofit;
            if closed_loop.is_none() {
                closed_loop = results.get(hl, 0).and_then(|r| r.closed_loop.clone());
            }
        }
    }
    let undisclosed = !node.remainder.is_zero();
    // The holders are distinct parties: without a set to merge they count as they are.
    let (count, set) = if merges || keep_set {
        let mut set: Vec<u64> = Vec::with_capacity(node.holders.len() + 1);
        for h in &node.holders {
            bring(nodes, sets, h, &mut set);
        }
        if undisclosed {
            set.push(undisclosed_key(node.party));
        }
        let set = settle(set);
        (set.len(), keep_set.then(|| Arc::new(set)))
    } else {
        (node.holders.len() + usize::from(undisclosed), None)
    };
    let result = |share: Value, unknown: Value, status: Option<Standing>| NodeResult {
        share,
        unknown,
        in_cycle: false,
        holders: count.min(HOLDER_CAP) as u32,
        holders_capped: count >= HOLDER_CAP,
        closed_loop: None,
        status,
    };
    if let Some(l) = closed_loop {
        let r = NodeResult { closed_loop: Some(l), ..result(Value::zero(), Value::one(), None) };
        return (vec![r; k], set);
    }
    let rs = (0..k)
        .map(|i| {
            let (mut s, mut u) = (Value::zero(), Value::exact(node.remainder.clone()));
            for h in &node.holders {
                let terminal = match h.slot.node_index() {
                    Some(hl) => {
                        let (hs, hu) = match results.get(hl, i) {
                            Some(r) => r.value(),
                            None => (Value::zero(), Value::one()),
                        };
                        let w = node.weight(h);
                        s = s.add(&hs.times(&w));
                        u = u.add(&hu.times(&w));
                        continue;
                    }
                    None if i < PACKED => h.slot.packed(i),
                    None => valuations[i].terminal(h.party),
                };
                // A terminal holder's values are 0 or 1: its weight is added or not.
                if terminal.counts || terminal.unknown {
                    let w = node.weight(h);
                    if terminal.counts {
                        s = s.plus(&w);
                    }
                    if terminal.unknown {
                        u = u.plus(&w);
                    }
                }
            }
            let status = node.nonprofit.then(|| standing(valuations[i], node.party, &s, &u));
            result(s, u, status)
        })
        .collect();
    (rs, set)
}

/// The results computed so far.
#[derive(Clone, Copy)]
struct Stored<'a> {
    results: &'a Cells,
    k: usize,
}

impl Stored<'_> {
    fn get(&self, node: usize, i: usize) -> Option<&NodeResult> {
        self.results.get(node * self.k + i).and_then(OnceLock::get)
    }
}

/// The ultimate holders of a company, as holder-set keys (shared by the members of a cycle).
type HolderSet = Arc<Vec<u64>>;

/// What one thread leaves after its part of a level: the holder sets later levels read, and the
/// nodes whose sets nobody reads any more.
type LevelDone = (Vec<(usize, HolderSet)>, Vec<usize>);

/// The results of one component's members (one per valuation), each with its holder set.
type Solved = Vec<(usize, Vec<NodeResult>, HolderSet)>;

/// Holder-set keys: a party, or the undisclosed remainder of a company (`1 << 32 | company`).
fn undisclosed_key(p: PartyIdx) -> u64 {
    (1u64 << 32) | u64::from(p.raw())
}

#[allow(clippy::too_many_arguments)]
fn solve_component(
    nodes: &[Node],
    local: &[u32],
    comp: &[u32],
    members: &[usize],
    results: Stored,
    sets: &[Option<HolderSet>],
    valuations: &[&dyn Valuation],
    bounded: bool,
) -> Solved {
    let c = comp[members[0]];
    let cyclic = members.len() > 1 || nodes[members[0]].holds_itself;
    let inside = |h: PartyIdx| {
        let hl = local[h.index()];
        hl != u32::MAX && comp[hl as usize] == c
    };
    let mut closed_loop: Option<Arc<Vec<PartyIdx>>> = None;
    for &v in members {
        for Holder { party: h, .. } in nodes[v].holders.iter().filter(|x| !inside(x.party)) {
            let hl = local[(*h).index()];
            if hl != u32::MAX
                && closed_loop.is_none()
                && let Some(l) = results.get(hl as usize, 0).and_then(|r| r.closed_loop.clone())
            {
                closed_loop = Some(l);
            }
        }
    }
    let member_sets = holder_sets(nodes, local, members, &inside, sets);
    let k = valuations.len();
    let value_of = |h: PartyIdx, i: usize| -> (Value, Value) {
        let hl = local[h.index()];
        if hl != u32::MAX {
            return match results.get(hl as usize, i) {
                Some(r) => r.value(),
                None => (Value::zero(), Value::one()),
            };
        }
        valuations[i].terminal(h).pair()
    };
    let result = |j: usize, share: Value, unknown: Value, status: Option<Standing>| -> NodeResult {
        let (set, in_cycle) = &member_sets[j];
        NodeResult {
            share,
            unknown,
            in_cycle: *in_cycle,
            holders: set.len().min(HOLDER_CAP) as u32,
            holders_capped: set.len() >= HOLDER_CAP,
            closed_loop: None,
            status,
        }
    };
    let finish = |j: usize, i: usize, share: Value, unknown: Value| -> NodeResult {
        let v = members[j];
        let status = nodes[v].nonprofit.then(|| standing(valuations[i], nodes[v].party, &share, &unknown));
        result(j, share, unknown, status)
    };
    let no_value = |l: Arc<Vec<PartyIdx>>| -> Solved {
        (0..members.len())
            .map(|j| {
                let r = NodeResult { closed_loop: Some(l.clone()), ..result(j, Value::zero(), Value::one(), None) };
                (members[j], vec![r; k], member_sets[j].0.clone())
            })
            .collect()
    };
    let done = |solved: Vec<Vec<NodeResult>>| -> Solved {
        solved.into_iter().enumerate().map(|(j, rs)| (members[j], rs, member_sets[j].0.clone())).collect()
    };
    if let Some(l) = closed_loop {
        return no_value(l);
    }
    // External inflow of each member under each valuation: Σ over holders outside the component.
    let external: Vec<Vec<(Value, Value)>> = members
        .iter()
        .map(|&v| {
            (0..k)
                .map(|i| {
                    let (mut s, mut u) = (Value::zero(), Value::exact(nodes[v].remainder.clone()));
                    for x in nodes[v].holders.iter().filter(|x| !inside(x.party)) {
                        let (hs, hu) = value_of(x.party, i);
                        let w = nodes[v].weight(x);
                        s = s.add(&hs.times(&w));
                        u = u.add(&hu.times(&w));
                    }
                    (s, u)
                })
                .collect()
        })
        .collect();
    if !cyclic {
        let rs: Vec<NodeResult> =
            external[0].iter().enumerate().map(|(i, (s, u))| finish(0, i, s.clone(), u.clone())).collect();
        return done(vec![rs]);
    }
    let mut solved: Vec<Vec<NodeResult>> = members.iter().map(|_| Vec::with_capacity(k)).collect();
    for i in 0..k {
        let ext: Option<Vec<(Fraction, Fraction)>> =
            external.iter().map(|e| Some((e[i].0.exact_value().cloned()?, e[i].1.exact_value().cloned()?))).collect();
        let values = match ext {
            Some(ext) => match cycle_values(nodes, local, members, &ext, valuations[i], bounded) {
                Ok(values) => Ok(values.into_iter().map(|(s, u)| (Value::exact(s), Value::exact(u))).collect()),
                Err(Unsolved::Singular) => Err(linear::Singular),
                Err(Unsolved::TooBig) => {
                    let ext: Vec<(Value, Value)> = external.iter().map(|e| e[i].clone()).collect();
                    cycle_bounds(nodes, local, members, &ext)
                }
            },
            None => {
                let ext: Vec<(Value, Value)> = external.iter().map(|e| e[i].clone()).collect();
                cycle_bounds(nodes, local, members, &ext)
            }
        };
        match values {
            Ok(values) => {
                for (j, (s, u)) in values.into_iter().enumerate() {
                    solved[j].push(finish(j, i, s, u));
                }
            }
            Err(linear::Singular) => {
                let mut l: Vec<PartyIdx> =
                    members.iter().filter(|&&v| !nodes[v].nonprofit).map(|&v| nodes[v].party).collect();
                l.sort_unstable();
                return no_value(Arc::new(l));
            }
        }
    }
    done(solved)
}

/// What a direct holder brings to a holder set: a company of the sweep its own set (its
/// ultimate holders), any other holder (a person, a state, a nonprofit, one outside the scope)
/// itself.
fn bring(nodes: &[Node], sets: &[Option<HolderSet>], h: &Holder, set: &mut Vec<u64>) {
    match h.slot.node_index() {
        Some(hl) if !nodes[hl].nonprofit => {
            if let Some(s) = &sets[hl] {
                set.extend_from_slice(s);
            }
        }
        _ => set.push(u64::from(h.party.raw())),
    }
}

/// A holder set's keys, each once, at most [`HOLDER_CAP`] of them.
fn settle(mut set: Vec<u64>) -> Vec<u64> {
    set.sort_unstable();
    set.dedup();
    set.truncate(HOLDER_CAP);
    set
}

/// The ultimate holders of each member of a component, and whether it sits in a cycle of
/// holdings. In a cycle of companies every member has the same holders. A nonprofit passes on
/// no holders (it is an ultimate holder itself), so in a cycle through a nonprofit the
/// companies fall into smaller cycles of shares, each with its own holders, found here in
/// order (holders first).
fn holder_sets(
    nodes: &[Node],
    local: &[u32],
    members: &[usize],
    inside: &dyn Fn(PartyIdx) -> bool,
    sets: &[Option<HolderSet>],
) -> Vec<(HolderSet, bool)> {
    let finish = |set: Vec<u64>| -> HolderSet { Arc::new(settle(set)) };
    if members.iter().all(|&v| !nodes[v].nonprofit) {
        let mut set = Vec::new();
        for &v in members {
            for h in nodes[v].holders.iter().filter(|x| !inside(x.party)) {
                bring(nodes, sets, h, &mut set);
            }
            if !nodes[v].remainder.is_zero() {
                set.push(undisclosed_key(nodes[v].party));
            }
        }
        let cyclic = members.len() > 1 || nodes[members[0]].holds_itself;
        let set = finish(set);
        return members.iter().map(|_| (set.clone(), cyclic)).collect();
    }
    // Cycles of shares among the companies of the component.
    let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(j, &v)| (v, j)).collect();
    let member_of = |h: PartyIdx| -> Option<usize> {
        let hl = local[h.index()];
        (hl != u32::MAX).then(|| pos.get(&(hl as usize)).copied()).flatten()
    };
    let mut shares: DiGraph<(), ()> = DiGraph::with_capacity(members.len(), 0);
    for _ in members {
        shares.add_node(());
    }
    for (j, &v) in members.iter().enumerate() {
        for Holder { party: h, .. } in &nodes[v].holders {
            // A company's holders reach what it holds and the nonprofits it forms; a nonprofit
            // passes nothing on.
            if let Some(i) = member_of(*h).filter(|&i| i != j && !nodes[members[i]].nonprofit) {
                shares.add_edge(NodeIndex::new(i), NodeIndex::new(j), ());
            }
        }
    }
    let mut out: Vec<Option<(HolderSet, bool)>> = vec![None; members.len()];
    // `kosaraju_scc` gives the components held first; holders must come first.
    for sub in kosaraju_scc(&shares).into_iter().rev() {
        let js: Vec<usize> = sub.iter().map(|x| x.index()).collect();
        let mut set = Vec::new();
        for &j in &js {
            let v = members[j];
            for holder in &nodes[v].holders {
                let h = &holder.party;
                match member_of(*h) {
                    None => bring(nodes, sets, holder, &mut set),
                    Some(i) if nodes[members[i]].nonprofit => set.push(u64::from(h.raw())),
                    Some(i) if js.contains(&i) => {}
                    Some(i) => {
                        if let Some((s, _)) = &out[i] {
                            set.extend_from_slice(s);
                        }
                    }
                }
            }
            if !nodes[v].remainder.is_zero() {
                set.push(undisclosed_key(nodes[v].party));
            }
        }
        let v = members[js[0]];
        let cyclic = if nodes[v].nonprofit { true } else { js.len() > 1 || nodes[v].holds_itself };
        let set = finish(set);
        for j in js {
            out[j] = Some((set.clone(), cyclic));
        }
    }
    out.into_iter().map(|x| x.unwrap_or_default()).collect()
}

/// The (share, unknown) sums of every member of one cycle under one valuation, given what the
/// holders outside it bring (`external`).
///
/// The companies are one linear system with every nonprofit a holder of fixed value. A
/// nonprofit's own sums count the walks that come back to it the way a company's do (its
/// stake in a company that forms its supreme body is like treasury shares: the rest is scaled
/// up), with the other nonprofits at fixed values; when it forms itself entirely, nobody else
/// does and its sums are zero. The nonprofits' values are the least fixpoint from "does not
/// count" (see the module documentation).
fn cycle_values(
    nodes: &[Node],
    local: &[u32],
    members: &[usize],
    external: &[(Fraction, Fraction)],
    valuation: &dyn Valuation,
    bounded: bool,
) -> Result<Vec<(Fraction, Fraction)>, Unsolved> {
    let solve_exact = |n: usize, entries: Vec<(usize, usize, Fraction)>, b: Vec<Fraction>| {
        if bounded {
            linear::solve_within(n, entries, b)
        } else {
            linear::solve(n, entries, b).map_err(|_| Unsolved::Singular)
        }
    };
    let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let member_of = |h: PartyIdx| -> Option<usize> {
        let hl = local[h.index()];
        (hl != u32::MAX).then(|| pos.get(&(hl as usize)).copied()).flatten()
    };
    let companies: Vec<usize> = (0..members.len()).filter(|&j| !nodes[members[j]].nonprofit).collect();
    let nonprofits: Vec<usize> = (0..members.len()).filter(|&j| nodes[members[j]].nonprofit).collect();
    let mut status: Vec<TerminalValue> = vec![TerminalValue::NOT; members.len()];
    // The system whose unknowns are the companies and, when given, one nonprofit passing its
    // holdings through: x_v − Σ_{h unknown} c(h, v)·x_h = external_v + Σ_{h other nonprofit} c(h, v)·value(h).
    let solve = |through: Option<usize>, status: &[TerminalValue]| {
        let unknowns: Vec<usize> = companies.iter().copied().chain(through).collect();
        let row_of: HashMap<usize, usize> = unknowns.iter().enumerate().map(|(r, &j)| (j, r)).collect();
        let mut entries = Vec::new();
        let (mut b_share, mut b_unknown) = (Vec::new(), Vec::new());
        for (r, &j) in unknowns.iter().enumerate() {
            entries.push((r, r, Fraction::one()));
            let (mut s, mut u) = external[j].clone();
            let node = &nodes[members[j]];
            for x in &node.holders {
                let Some(m) = member_of(x.party) else { continue };
                let w = &node.weight(x);
                match row_of.get(&m) {
                    Some(&col) => entries.push((r, col, -w.clone())),
                    None => {
                        let (hs, hu) = status[m].fractions();
                        s += &(w * &hs);
                        u += &(w * &hu);
                    }
                }
            }
            b_share.push(s);
            b_unknown.push(u);
        }
        let xs = solve_exact(unknowns.len(), entries.clone(), b_share)?;
        let xu = solve_exact(unknowns.len(), entries, b_unknown)?;
        Ok::<_, Unsolved>((xs, xu))
    };
    loop {
        let mut values: Vec<(Fraction, Fraction)> = vec![Default::default(); members.len()];
        let (xs, xu) = solve(None, &status)?;
        for (r, &j) in companies.iter().enumerate() {
            values[j] = (xs[r].clone(), xu[r].clone());
        }
        let mut next = status.clone();
        for &j in &nonprofits {
            let (s, u) = match solve(Some(j), &status) {
                Ok((xs, xu)) => (xs[companies.len()].clone(), xu[companies.len()].clone()),
                // It forms itself entirely, through companies it holds: nobody else forms it.
                Err(Unsolved::Singular) => (Fraction::zero(), Fraction::zero()),
                Err(Unsolved::TooBig) => return Err(Unsolved::TooBig),
            };
            next[j] = valuation.nonprofit(nodes[members[j]].party, &s, &u);
            values[j] = (s, u);
        }
        if next == status {
            return Ok(values);
        }
        status = next;
    }
}

/// The values of one cycle in certified intervals, when its exact values are beyond the size
/// budget. A cycle through a nonprofit gets `[0, 1]` for every member (its nonprofits are then
/// undecided unless something else decides them). A cycle of companies is first tested for a
/// closed loop exactly, on the shares alone: `x = K x + b` has a unique solution unless some
/// members can reach, through their holders inside the cycle, no member with capital coming
/// from outside (its holders inside summing to less than 1); then its bounds come from
/// [`interval::solve_bounds`], within `[0, 1]` (every member's holders sum to at most 1).
fn cycle_bounds(
    nodes: &[Node],
    local: &[u32],
    members: &[usize],
    external: &[(Value, Value)],
) -> Result<Vec<(Value, Value)>, linear::Singular> {
    let unit = || (Value::bounds(Interval::UNIT), Value::bounds(Interval::UNIT));
    if members.iter().any(|&v| nodes[v].nonprofit) {
        return Ok(members.iter().map(|_| unit()).collect());
    }
    let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let member_of = |h: PartyIdx| -> Option<usize> {
        let hl = local[h.index()];
        (hl != u32::MAX).then(|| pos.get(&(hl as usize)).copied()).flatten()
    };
    let n = members.len();
    let mut entries: Vec<(usize, usize, Fraction)> = Vec::new();
    let mut inside = vec![Fraction::zero(); n];
    let mut holds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (r, &v) in members.iter().enumerate() {
        for x in &nodes[v].holders {
            if let Some(c) = member_of(x.party) {
                let w = nodes[v].weight(x);
                inside[r] += &w;
                entries.push((r, c, w));
                holds[c].push(r);
            }
        }
    }
    // Members that reach capital from outside through their holders inside.
    let mut open: Vec<bool> = inside.iter().map(|s| *s < Fraction::one()).collect();
    let mut stack: Vec<usize> = (0..n).filter(|&r| open[r]).collect();
    while let Some(c) = stack.pop() {
        for &r in &holds[c] {
            if !open[r] {
                open[r] = true;
                stack.push(r);
            }
        }
    }
    if open.iter().any(|o| !o) {
        return Err(linear::Singular);
    }
    let b_share: Vec<Interval> = external.iter().map(|(s, _)| s.iv()).collect();
    let b_unknown: Vec<Interval> = external.iter().map(|(_, u)| u.iv()).collect();
    let xs = interval::solve_bounds(n, &entries, &b_share);
    let xu = interval::solve_bounds(n, &entries, &b_unknown);
    Ok(xs.into_iter().zip(xu).map(|(s, u)| (Value::bounds(s.clamp_unit()), Value::bounds(u.clamp_unit()))).collect())
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

    /// Nodes holding each other as `edges` (holder, held) say, with cycles.
    fn nodes_of(m: usize, edges: &[(usize, usize)]) -> Vec<Node> {
        (0..m)
            .map(|v| Node {
                party: PartyIdx::new(v),
                nonprofit: false,
                holders: edges
                    .iter()
                    .filter(|&&(_, b)| b == v)
                    .map(|&(a, _)| Holder {
                        party: PartyIdx::new(a),
                        slot: Slot::node(a as u32),
                        weight: Weight::Narrow(CompactShare::of_fraction(&Fraction::zero()).unwrap()),
                    })
                    .collect(),
                wide: None,
                remainder: Fraction::zero(),
                holds_itself: edges.contains(&(v, v)),
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_config(300))]
        /// The levels are the waves of the definition: every component once, each after all
        /// its holders' components, and one right after the last of them (none waits longer).
        #[test]
        fn levels_are_the_waves_of_the_holdings(
            m in 1usize..40,
            raw in proptest::collection::vec((0usize..40, 0usize..40), 0..80),
        ) {
            let edges: Vec<(usize, usize)> = raw.into_iter().map(|(a, b)| (a % m, b % m)).collect();
            let nodes = nodes_of(m, &edges);
            let sccs = Components::of(&nodes);
            let levels = levels(&nodes, &sccs);
            let mut level = vec![usize::MAX; sccs.len()];
            for (l, cs) in levels.iter().enumerate() {
                proptest::prop_assert!(cs.windows(2).all(|w| w[0] < w[1]));
                for &c in cs {
                    proptest::prop_assert_eq!(level[c as usize], usize::MAX);
                    level[c as usize] = l;
                }
            }
            proptest::prop_assert!(level.iter().all(|&l| l != usize::MAX));
            let comp = |v: usize| sccs.comp[v] as usize;
            for c in 0..sccs.len() {
                let before = edges.iter().filter(|&&(a, b)| comp(b) == c && comp(a) != c).map(|&(a, _)| level[comp(a)]);
                let expected = before.map(|l| l + 1).max().unwrap_or(0);
                proptest::prop_assert_eq!(level[c], expected);
            }
        }
    }

    /// Every result cell is reachable, across the segments' ends, and no more.
    #[test]
    fn cells_cover_every_index_across_segments() {
        for len in [0, 1, Cells::SEGMENT - 1, Cells::SEGMENT, 2 * Cells::SEGMENT + 3] {
            let cells = Cells::new(len);
            for i in 0..len {
                let cell = cells.get(i).unwrap();
                assert!(cell.set(NodeResult { holders: i as u32, ..NodeResult::default() }).is_ok());
            }
            assert!(cells.get(len).is_none());
            assert!((0..len).all(|i| cells.get(i).and_then(OnceLock::get).map(|r| r.holders) == Some(i as u32)));
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
            let all = all(&g, Measure::Capital, None, &[&Russian(&g)], true);
            let t = all.get(g.lookup("T").unwrap(), 0).unwrap();
            let text = |v: &Value| v.exact_value().map(|f| f.to_string()).unwrap_or_default();
            assert_eq!((text(&t.share), text(&t.unknown)), (share.to_string(), unknown.to_string()), "example {n}");
        }
        let g = example(4);
        let all = all(&g, Measure::Capital, None, &[&Russian(&g)], true);
        let t = all.get(g.lookup("T").unwrap(), 0).unwrap();
        assert!(t.in_cycle);
        assert_eq!(t.holders, 2);
    }

    #[test]
    fn a_holder_takes_16_bytes_and_a_node_48() {
        assert_eq!(std::mem::size_of::<Weight>(), 8);
        assert_eq!(std::mem::size_of::<Holder>(), 16);
        assert_eq!(std::mem::size_of::<Node>(), 48);
    }

    /// Weights whose terms need more than 32 bits are kept aside in their node, and count the
    /// same: in a chain, and in a cycle solved exactly.
    #[test]
    fn weights_wider_than_32_bits_count_exactly() {
        let text = r#"{"parties": [
            {"id": "T", "kind": "company", "country": "RU"},
            {"id": "A", "kind": "company", "country": "RU"},
            {"id": "B", "kind": "company", "country": "RU"},
            {"id": "P", "kind": "person", "citizenship": ["RU"]},
            {"id": "Q", "kind": "person", "citizenship": ["RU"]},
            {"id": "F", "kind": "person", "citizenship": ["US"]}],
          "relations": [
            {"type": "shares", "from": "P", "to": "A", "capital": "4294967311/8589934592"},
            {"type": "shares", "from": "F", "to": "A", "capital": "4294967281/8589934592"},
            {"type": "shares", "from": "A", "to": "T", "capital": "1/3"},
            {"type": "shares", "from": "Q", "to": "T", "capital": "5000000000/15000000001"},
            {"type": "shares", "from": "B", "to": "T", "capital": "1/5"},
            {"type": "shares", "from": "T", "to": "B", "capital": "1/7"},
            {"type": "shares", "from": "P", "to": "B", "capital": "1/7"}]}"#;
        let g = json::parse("t.json", text, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
        let all = all(&g, Measure::Capital, None, &[&Russian(&g)], true);
        let f = |s: &str| Fraction::parse(s).unwrap();
        let share = |id: &str| all.get(g.lookup(id).unwrap(), 0).unwrap().share.exact_value().unwrap().clone();
        // A: P's part (its weight is wider than 32 bits, F's too).
        let a = f("4294967311/8589934592");
        assert_eq!(share("A"), a);
        // T and B hold each other: t = a/3 + q + b/5, b = t/7 + 1/7 with q = 5000000000/15000000001.
        let q = f("5000000000/15000000001");
        let t = &(&(&(&a / &f("3")) + &q) + &f("1/35")) / &f("34/35");
        assert_eq!(share("T"), t);
        assert_eq!(share("B"), &(&t + &f("1")) / &f("7"));
    }
}
