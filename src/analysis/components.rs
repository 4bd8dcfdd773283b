//! Splitting a register over machines (issue 15): the organizations of an ownership graph fall
//! into weakly connected components (companies and nonprofits joined by any relation between
//! them), and every answer about a target depends only on its own component and the terminal
//! holders above it (persons, states, regions, municipalities, foreign structures, unknown
//! holders), which are never held or controlled themselves. So a shard is a set of components
//! with every terminal holder: its answers are exactly those of the whole graph.
//!
//! A component goes to shard `hash(smallest id in it) mod N` (FNV-1a of the id's bytes), so the
//! split depends only on the graph's ids, not on the order of its files or the machine.

use crate::model::{Graph, Interest, PartyIdx};

/// The root of `x` with path halving (no recursion).
fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

/// For every party, the smallest party index of its component (itself for a terminal holder).
pub fn components(graph: &Graph) -> Vec<u32> {
    let n = graph.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let organization = |p: PartyIdx| graph.party(p).kind.is_organization();
    let union = |a: PartyIdx, b: PartyIdx, parent: &mut Vec<u32>| {
        let (ra, rb) = (find(parent, a.raw()), find(parent, b.raw()));
        if ra != rb {
            // The smaller index becomes the root, so a root is its component's smallest party.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi as usize] = lo;
        }
    };
    for r in graph.relations() {
        if organization(r.from) && organization(r.to) {
            union(r.from, r.to, &mut parent);
        }
        if let Interest::VoteDisposal { of: Some(of), .. } = r.interest()
            && organization(of)
            && organization(r.to)
        {
            union(of, r.to, &mut parent);
        }
    }
    (0..n as u32).map(|x| find(&mut parent, x)).collect()
}

/// FNV-1a, 64 bits: stable across builds and machines.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Shard `k` of `n` (1-based): which parties belong to it (the scope for the engine: its
/// components and every terminal holder) and which of them are its own (the targets it answers:
/// each party is its own in exactly one shard).
pub struct Shard {
    /// The parties the shard's engine reads.
    pub scope: Vec<bool>,
    /// The parties whose rows the shard writes.
    pub own: Vec<bool>,
}

/// Shard `k` of `n` (`1 <= k <= n`).
pub fn shard(graph: &Graph, k: usize, n: usize) -> Shard {
    let comp = components(graph);
    let n = n.max(1) as u64;
    let mine =
        |root: u32| fnv(graph.party(PartyIdx::new(root as usize)).id.as_bytes()) % n == (k as u64).saturating_sub(1);
    let own: Vec<bool> = comp.iter().map(|&root| mine(root)).collect();
    let scope = graph.party_indices().map(|p| own[p.index()] || !graph.party(p).kind.is_organization()).collect();
    Shard { scope, own }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_is_one_component_and_persons_stand_alone() {
        let g = crate::input::example(1);
        let comp = components(&g);
        let t = g.lookup("T").unwrap();
        for id in ["A", "F"] {
            assert_eq!(comp[g.lookup(id).unwrap().index()], comp[t.index()]);
        }
        let ivanov = g.lookup("ivanov").unwrap();
        assert_eq!(comp[ivanov.index()], ivanov.raw());
        let whole = shard(&g, 1, 1);
        assert!(whole.own.iter().all(|&o| o) && whole.scope.iter().all(|&s| s));
    }
}
