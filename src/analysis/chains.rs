//! The chains that carry an ultimate holder's share: each simple path holder → … → target with
//! the product of its shares (Tax Code art. 105.2 p. 3: "the product of the direct shares along
//! each chain"), largest first, so a reviewer can redo the arithmetic.
//!
//! Best-first search from the target upward: a path's product only shrinks as it grows, so
//! chains come out in descending order of their share. The number of simple paths can grow
//! exponentially with the graph, so the search stops at [`ChainLimits`] and says so. Walks that
//! go round a cycle are not chains; their sum is the difference between a holder's total and its
//! listed chains.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::participation::{Ancestry, Terminal};
use crate::fraction::Fraction;
use crate::model::PartyIdx;

/// How many chains to list.
#[derive(Clone, Copy, Debug)]
pub struct ChainLimits {
    /// Most chains listed per holder.
    pub per_holder: usize,
    /// Most chains listed in all.
    pub total: usize,
    /// Most partial paths extended before the search gives up.
    pub work: usize,
}

impl Default for ChainLimits {
    fn default() -> Self {
        ChainLimits { per_holder: 10, total: 2_000, work: 200_000 }
    }
}

/// One chain, from the holder down to the target. For a party, `factors[i]` is the share
/// `path[i]` holds in `path[i + 1]`. For an undisclosed remainder, `path[0]` is the company whose
/// capital is undisclosed and `factors[0]` that remainder, so `factors` is one longer.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    /// The ultimate holder this chain belongs to.
    pub holder: Terminal,
    /// Parties from the holder down to the target.
    pub path: Vec<PartyIdx>,
    /// Share of each step.
    pub factors: Vec<Fraction>,
    /// Product of the factors.
    pub product: Fraction,
}

/// Chains found for each holder.
#[derive(Clone, Debug, Default)]
pub struct Chains {
    /// Chains per holder, largest first.
    pub by_holder: HashMap<Terminal, Vec<Chain>>,
    /// Holders for which not every simple chain could be listed.
    pub truncated: Vec<Terminal>,
    /// True when the search stopped before listing every simple chain of every holder.
    pub stopped_early: bool,
}

struct Step {
    node: PartyIdx,
    parent: Option<usize>,
    factor: Fraction,
}

struct Item {
    priority: f64,
    seq: usize,
    product: Fraction,
    step: usize,
    terminal: Option<(Terminal, Fraction)>,
}

impl PartialEq for Item {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        self.priority.total_cmp(&o.priority).then(o.seq.cmp(&self.seq))
    }
}

/// Lists the largest simple chains from each ultimate holder to the target of `ancestry`.
pub fn enumerate(ancestry: &Ancestry, limits: ChainLimits) -> Chains {
    let mut out = Chains::default();
    if ancestry.nodes.is_empty() {
        return out;
    }
    let mut steps = vec![Step { node: ancestry.target, parent: None, factor: Fraction::one() }];
    let mut heap = BinaryHeap::new();
    let mut seq = 0;
    heap.push(Item { priority: 1.0, seq, product: Fraction::one(), step: 0, terminal: None });
    let mut listed = 0;
    let mut work = 0;
    let mut saturated: HashMap<Terminal, bool> = HashMap::new();
    while let Some(item) = heap.pop() {
        if let Some((holder, factor)) = item.terminal {
            let chains = out.by_holder.entry(holder).or_default();
            if chains.len() >= limits.per_holder {
                saturated.insert(holder, true);
                continue;
            }
            // A party's chain starts at the party; an undisclosed remainder's chain starts at
            // the company whose capital it is, with that remainder as the first factor.
            let mut path = Vec::new();
            if let Terminal::Party(p) = holder {
                path.push(p);
            }
            let mut factors = vec![factor];
            let mut s = Some(item.step);
            while let Some(i) = s {
                path.push(steps[i].node);
                if steps[i].parent.is_some() {
                    factors.push(steps[i].factor.clone());
                }
                s = steps[i].parent;
            }
            chains.push(Chain { holder, path, factors, product: item.product });
            listed += 1;
            if listed >= limits.total {
                out.stopped_early = !heap.is_empty();
                break;
            }
            continue;
        }
        work += 1;
        if work > limits.work {
            out.stopped_early = true;
            break;
        }
        let node = steps[item.step].node;
        let Some(pos) = ancestry.position(node) else { continue };
        for (h, share) in &ancestry.holders[pos] {
            let product = &item.product * share;
            if product.is_zero() {
                continue;
            }
            seq += 1;
            if ancestry.passes_through(*h) && *h != ancestry.target {
                if on_path(&steps, item.step, *h) {
                    continue;
                }
                steps.push(Step { node: *h, parent: Some(item.step), factor: share.clone() });
                heap.push(Item { priority: product.to_f64(), seq, product, step: steps.len() - 1, terminal: None });
            } else if ancestry.passes_through(*h) {
                // back into the target: a cycle, not a chain
            } else {
                heap.push(Item {
                    priority: product.to_f64(),
                    seq,
                    product,
                    step: item.step,
                    terminal: Some((Terminal::Party(*h), share.clone())),
                });
            }
        }
        let rest = &ancestry.remainder[pos];
        if !rest.is_zero() {
            seq += 1;
            let product = &item.product * rest;
            heap.push(Item {
                priority: product.to_f64(),
                seq,
                product,
                step: item.step,
                terminal: Some((Terminal::Undisclosed(node), rest.clone())),
            });
        }
    }
    if out.stopped_early {
        out.truncated = out.by_holder.keys().copied().collect();
    } else {
        out.truncated = saturated.into_keys().collect();
    }
    out.truncated.sort();
    for chains in out.by_holder.values_mut() {
        chains.sort_by(|a, b| b.product.cmp(&a.product));
    }
    out
}

fn on_path(steps: &[Step], mut at: usize, node: PartyIdx) -> bool {
    loop {
        if steps[at].node == node {
            return true;
        }
        match steps[at].parent {
            Some(p) => at = p,
            None => return false,
        }
    }
}
