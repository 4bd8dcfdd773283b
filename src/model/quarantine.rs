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

/// The quarantined records `target`'s answers depend on ([`blocked_by`]), each as its party's
/// id and the reasons it was set aside: what a row without an answer names.
pub fn blocked_reasons(g: &Graph, target: PartyIdx) -> Vec<(String, Vec<String>)> {
    blocked_by(g, target)
        .into_iter()
        .map(|q| (g.party(q).id.to_string(), g.quarantine_of(q).map(|x| x.reasons.clone()).unwrap_or_default()))
        .collect()
}

/// For every party, whether its ancestry reaches a quarantined party (so that its answers are
/// blocked): everything downstream of a quarantined party. One pass, O(V + E).
pub fn blocked_parties(g: &Graph) -> Vec<bool> {
    let mut blocked = vec![false; g.len()];
    let mut stack: Vec<PartyIdx> = g.quarantined().iter().map(|q| q.party).collect();
    for &p in &stack {
        blocked[p.index()] = true;
    }
    while let Some(p) = stack.pop() {
        for (_, r) in g.outgoing(p) {
            if !blocked[r.to.index()] {
                blocked[r.to.index()] = true;
                stack.push(r.to);
            }
        }
    }
    blocked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraction::{Fraction, Share};
    use crate::model::{Citizenships, Country, GraphBuilder, Interest, Party, PartyKind, Relation};

    fn builder() -> GraphBuilder {
        let mut b = GraphBuilder::new();
        for id in ["A", "B", "C", "D"] {
            let mut p = Party::new(id, PartyKind::Company);
            p.country = Some(Country::RU);
            b.add_party(p);
        }
        let mut p = Party::new("P", PartyKind::Person);
        p.citizenship = Citizenships::one(Country::RU);
        b.add_party(p);
        let share = |n, d| {
            let s = Share::new(Fraction::new(n, d)).unwrap();
            Interest::Shares { capital: s.clone(), votes: s }
        };
        // A and B own each other entirely; C's holders sum to 6/5; D is held by C and P.
        b.add_relation(Relation::new(PartyIdx::new(0), PartyIdx::new(1), share(1, 1)));
        b.add_relation(Relation::new(PartyIdx::new(1), PartyIdx::new(0), share(1, 1)));
        b.add_relation(Relation::new(PartyIdx::new(4), PartyIdx::new(2), share(3, 5)));
        b.add_relation(Relation::new(PartyIdx::new(0), PartyIdx::new(2), share(3, 5)));
        b.add_relation(Relation::new(PartyIdx::new(2), PartyIdx::new(3), share(1, 2)));
        b.add_relation(Relation::new(PartyIdx::new(4), PartyIdx::new(3), share(1, 2)));
        b
    }

    #[test]
    fn problems_of_a_record_quarantine_it_and_block_what_it_reaches() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let strict: Vec<String> = builder().finish(date).unwrap_err().iter().map(|p| p.message.clone()).collect();
        // Strict: the capital and the votes of C, and the loop once (not once per member).
        assert_eq!(strict.len(), 3, "{strict:?}");
        assert_eq!(strict.iter().filter(|m| m.starts_with("closed ownership loop")).count(), 1);
        let g = builder().finish_quarantining(date, &|p| p.message.clone()).unwrap();
        let q: Vec<&str> = g.quarantined().iter().map(|q| g.party(q.party).id.as_str()).collect();
        assert_eq!(q, ["A", "B", "C"]);
        assert!(g.quarantine_of(PartyIdx::new(2)).unwrap().reasons[0].contains("6/5"));
        assert!(g.quarantine_of(PartyIdx::new(0)).unwrap().reasons[0].contains("closed ownership loop"));
        // The records set aside lose the relations into them, keep those out of them.
        assert_eq!(g.incoming(PartyIdx::new(2)).count(), 0);
        assert_eq!(g.outgoing(PartyIdx::new(2)).count(), 1);
        assert_eq!(blocked_by(&g, PartyIdx::new(3)), vec![PartyIdx::new(2)]);
        assert_eq!(blocked_by(&g, PartyIdx::new(4)), Vec::<PartyIdx>::new());
        assert_eq!(blocked_parties(&g), vec![true, true, true, true, false]);
    }
}
