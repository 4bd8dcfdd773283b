//! Records set aside. An input may hold a record that cannot be used as it stands (an
//! entity whose holders sum above 1, one founder listed twice, a company its own founder, a
//! founder that cannot be identified): rather than refuse the whole input, such a record is
//! *quarantined* with its reasons. The party stays in the graph (others may hold it or be held
//! by it) without the relations its own record gives; an answer is blocked exactly when the
//! target's ownership or control ancestry reaches a quarantined party, since only then could the
//! missing record change it. Every importer can use this through
//! [`GraphBuilder::quarantine`](super::GraphBuilder::quarantine) and
//! [`GraphBuilder::finish_quarantining`](super::GraphBuilder::finish_quarantining).

use super::graph::Graph;
use super::party::PartyIdx;

/// A party whose own record was set aside, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    /// The party.
    pub party: PartyIdx,
    /// What is wrong with its record, each naming where (file, record, line) when known.
    pub reasons: Vec<String>,
}

/// The quarantined parties in the ownership or control ancestry of `target` (the target
/// included): everyone reached by following holders, controllers and those who dispose of
/// votes upwards. Empty when the answer for `target` does not depend on a quarantined record.
/// O(size of the ancestry), no recursion.
pub fn blocked_by(g: &Graph, target: PartyIdx) -> Vec<PartyIdx> {
    if g.quarantined().is_empty() {
        return Vec::new();
    }
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![target];
    seen.insert(target);
    let mut out = Vec::new();
    while let Some(p) = stack.pop() {
        if g.quarantine_of(p).is_some() {
            out.push(p);
        }
        for (_, r) in g.incoming(p) {
            if seen.insert(r.from) {
                stack.push(r.from);
            }
        }
    }
    out.sort_unstable();
    out
}

/// For every party, whether its ancestry reaches a quarantined party (so that its answers are
/// blocked): everything downstream of a quarantined party. One pass, O(V + E).
pub fn blocked_parties(g: &Graph) -> Vec<bool> {
    let mut blocked = vec![false; g.len()];
    let mut stack: Vec<PartyIdx> = g.quarantined().iter().map(|q| q.party).collect();
    for &p in &stack {
        blocked[p as usize] = true;
    }
    while let Some(p) = stack.pop() {
        for (_, r) in g.outgoing(p) {
            if !blocked[r.to as usize] {
                blocked[r.to as usize] = true;
                stack.push(r.to);
            }
        }
    }
    blocked
}
