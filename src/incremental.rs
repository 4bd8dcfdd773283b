//! Re-screening what changed (issue 15): given yesterday's register and today's, the rows of
//! `screen` that differ, found by recomputing only the targets a change can reach.
//!
//! A target's row depends only on its ancestry: the parties with a chain of relations of any
//! type into it, their records and the relations among them. So a row can change only when a
//! party of its old or new ancestry changed its own record or the relations into it. Such a
//! party is *touched*: new, or with another kind, name, country, citizenship or details, or
//! another set of relations into it (compared by the ids at their ends, the interest and the
//! dates), or quarantined in one register and not the other. Every target whose row may differ
//! is a descendant of a touched party in today's register (following the last relation a
//! change removed from an old chain leads to a touched party still above the target), so the
//! engine runs over the ancestry of those descendants only, once in each register, and the
//! rows are compared. Cost: one linear pass to compare the registers, then the affected part.

use std::collections::{BTreeSet, VecDeque};
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::law::engine::{Engine, EngineOptions, ScreenRow};
use crate::law::nonprofit::ClosedLoopError;
use crate::model::{Graph, Interest, Party, PartyIdx, PartyKind, Relation};

/// A fingerprint of a party's own record (its position in the input excluded).
fn party_print(p: &Party) -> u64 {
    let mut h = FxHasher::default();
    (p.kind.as_str(), &p.name, p.country.map(|c| c.to_string())).hash(&mut h);
    for c in &p.citizenship {
        c.as_str().hash(&mut h);
    }
    if let Some(d) = &p.details {
        // Rare: the debug text is enough.
        format!("{d:?}").hash(&mut h);
    }
    h.finish()
}

/// One relation into a party, its ends as positions in today's register: what must be the same
/// for the party to be untouched (its origin and notes do not change an answer).
fn relation_key(r: &Relation, map: impl Fn(PartyIdx) -> Option<PartyIdx>) -> Option<(PartyIdx, Interest, Dates)> {
    let interest = match &r.interest {
        Interest::VoteDisposal { votes, basis, of } => {
            let of = match of {
                Some(o) => Some(map(*o)?),
                None => None,
            };
            Interest::VoteDisposal { votes: votes.clone(), basis: *basis, of }
        }
        other => other.clone(),
    };
    Some((map(r.from)?, interest, (r.since, r.until)))
}

type Dates = (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>);

/// True when the relations into `p` (today) and `o` (yesterday) are the same, ends compared
/// through `to_new` (yesterday's positions mapped to today's by id).
fn same_incoming(old: &Graph, new: &Graph, o: PartyIdx, p: PartyIdx, to_new: &[Option<PartyIdx>]) -> bool {
    if old.incoming(o).count() != new.incoming(p).count()
        || old.quarantine_of(o).is_some() != new.quarantine_of(p).is_some()
    {
        return false;
    }
    let map_old = |x: PartyIdx| to_new.get(x.index()).copied().flatten();
    let Some(before) = old.incoming(o).map(|(_, r)| relation_key(r, map_old)).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let Some(after) = new.incoming(p).map(|(_, r)| relation_key(r, Some)).collect::<Option<Vec<_>>>() else {
        return false;
    };
    // Few relations per party: compare as multisets.
    let mut used = vec![false; after.len()];
    before.iter().all(|k| {
        let found = after.iter().enumerate().position(|(i, a)| !used[i] && a == k);
        found.map(|i| used[i] = true).is_some()
    })
}

/// The parties of `new` whose records or incoming relations differ from `old`'s (by id).
fn touched(old: &Graph, new: &Graph) -> Vec<PartyIdx> {
    use rayon::prelude::*;
    let to_new: Vec<Option<PartyIdx>> = old.parties().par_iter().map(|party| new.lookup(&party.id)).collect();
    let mut to_old: Vec<Option<PartyIdx>> = vec![None; new.len()];
    for (o, p) in to_new.iter().enumerate() {
        if let Some(p) = p {
            to_old[p.index()] = Some(PartyIdx::new(o));
        }
    }
    new.party_indices()
        .collect::<Vec<_>>()
        .into_par_iter()
        .filter(|&p| match to_old[p.index()] {
            None => true,
            Some(o) => {
                party_print(new.party(p)) != party_print(old.party(o)) || !same_incoming(old, new, o, p, &to_new)
            }
        })
        .collect()
}

/// Everything reachable from `start` following relations forward (holder → held: what a
/// change reaches) or backward (held → holder: the ancestry an answer depends on, as
/// [`crate::law::control::scope_of`] for one target).
fn closure(g: &Graph, start: &[PartyIdx], forward: bool) -> Vec<bool> {
    let mut seen = vec![false; g.len()];
    let mut queue: VecDeque<PartyIdx> = start.iter().copied().collect();
    for &p in start {
        seen[p.index()] = true;
    }
    while let Some(v) = queue.pop_front() {
        let next: Vec<PartyIdx> = if forward {
            g.outgoing(v).map(|(_, r)| r.to).collect()
        } else {
            g.incoming(v).map(|(_, r)| r.from).collect()
        };
        for p in next {
            if !seen[p.index()] {
                seen[p.index()] = true;
                queue.push_back(p);
            }
        }
    }
    seen
}

/// A row, or why the target has none (a closed ownership loop, a value beyond the budget).
pub type Row = Result<ScreenRow, String>;

/// How a target's row changed.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A target of today's register that yesterday's did not have.
    Added(Box<Row>),
    /// A target of yesterday's register that today's does not have.
    Removed(Box<Row>),
    /// Its row differs: yesterday's, today's.
    Changed(Box<Row>, Box<Row>),
}

/// What the re-screen did: the changes, and how much it had to recompute.
pub struct Rescreen {
    /// The rows that changed, by target id.
    pub changes: Vec<(String, Change)>,
    /// Parties whose own record or incoming relations changed.
    pub touched: usize,
    /// Targets recomputed.
    pub recomputed: usize,
}

/// The rows of `screen` that differ between `old` and `new` for the targets `is_target` picks
/// (by party; `screen --all`: every company), recomputing only what a change can reach.
pub fn rescreen(
    old: &Graph,
    new: &Graph,
    options: &EngineOptions,
    is_target: &(dyn Fn(&Party) -> bool + Sync),
) -> Rescreen {
    let touched = touched(old, new);
    let reach = closure(new, &touched, true);
    let targets_new: Vec<PartyIdx> =
        new.party_indices().filter(|&p| reach[p.index()] && is_target(new.party(p))).collect();
    let targets_old: Vec<PartyIdx> =
        targets_new.iter().filter_map(|&p| old.lookup(&new.party(p).id)).filter(|&o| is_target(old.party(o))).collect();
    // Targets that left the register (or stopped being targets).
    let removed: Vec<PartyIdx> = old
        .party_indices()
        .filter(|&o| is_target(old.party(o)) && new.lookup(&old.party(o).id).is_none_or(|p| !is_target(new.party(p))))
        .collect();
    let keyed = |g: &Graph, ts: &[PartyIdx]| -> FxHashMap<String, Row> {
        if ts.is_empty() {
            return FxHashMap::default();
        }
        let engine = Engine::for_scope(g, &closure(g, ts, false), options.clone());
        ts.iter().map(|&t| (g.party(t).id.clone(), engine.row(t).map_err(|e: ClosedLoopError| e.to_string()))).collect()
    };
    let mut old_rows = keyed(old, &[targets_old, removed.clone()].concat());
    let new_rows = keyed(new, &targets_new);
    let mut changes: Vec<(String, Change)> = Vec::new();
    for (id, row) in new_rows {
        match old_rows.remove(&id) {
            Some(before) if before == row => {}
            Some(before) => changes.push((id, Change::Changed(Box::new(before), Box::new(row)))),
            None => changes.push((id, Change::Added(Box::new(row)))),
        }
    }
    let gone: BTreeSet<&str> = removed.iter().map(|&o| old.party(o).id.as_str()).collect();
    for (id, row) in old_rows {
        if gone.contains(id.as_str()) {
            changes.push((id, Change::Removed(Box::new(row))));
        }
    }
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    Rescreen { changes, touched: touched.len(), recomputed: targets_new.len() }
}

/// `screen --all`'s targets: every company.
pub fn every_company(p: &Party) -> bool {
    p.kind == PartyKind::Company
}
