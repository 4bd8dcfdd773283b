//! Re-screening what changed (issue 15): given yesterday's register and today's, the rows of
//! `screen` that differ, found by recomputing only the targets a change can reach.
//!
//! A target's row depends only on its ancestry: the parties with a chain of relations of any
//! type into it, their records and the relations among them. So a row can change only when a
//! party of its old or new ancestry changed its own record or the relations into it. Such a
//! party is *touched*: new, or with another kind, name, country, citizenship or details, or
//! another set of relations into it (compared by the ids at their ends, the interest and the
//! dates), or quarantined in one register and not the other, or for other reasons (a row
//! without an answer names them). Every target whose row may differ
//! is a descendant of a touched party in today's register (following the last relation a
//! change removed from an old chain leads to a touched party still above the target), so the
//! engine runs over the ancestry of those descendants only, once in each register, and the
//! rows are compared. Cost: one linear pass to compare the registers, then the affected part.
//!
//! With a delta instead of a second register ([`rescreen_delta`], `screen --changes`), the
//! touched parties are those of the delta whose state differs (and those a removed party
//! held), and the register is read party by party ([`Register`]): a snapshot only where the
//! walks go. The two small graphs (the scope before and after) keep the register's order, so
//! the rows are those of [`rescreen`] against the register with the delta applied.

use std::collections::{BTreeSet, VecDeque};
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use chrono::NaiveDate;

use crate::input::delta::Delta;
use crate::input::snapshot::Snapshot;
use crate::law::engine::{Engine, EngineOptions, ScreenRow};
use crate::model::{
    Country, Graph, GraphBuilder, Interest, Party, PartyIdx, PartyKind, Relation, RelationIdx, quarantine,
};

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
    let interest = match &r.interest() {
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
        || old.quarantine_of(o).map(|q| &q.reasons) != new.quarantine_of(p).map(|q| &q.reasons)
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
    same_multiset(&before, &after)
}

/// True when `before` and `after` hold the same items as many times each (few relations per
/// party: a quadratic pairing is the fastest).
fn same_multiset<K: PartialEq>(before: &[K], after: &[K]) -> bool {
    if before.len() != after.len() {
        return false;
    }
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

/// A row, or why the target has none.
pub type Row = Result<ScreenRow, NoRow>;

/// Why a target has no row.
#[derive(Clone, Debug, PartialEq)]
pub enum NoRow {
    /// Its ownership or control reaches quarantined records, so `screen` answers nothing for
    /// it: its name and country, and each record's id with the reasons it was set aside.
    NotAnswered {
        /// The target's name.
        name: String,
        /// The target's country.
        country: Option<Country>,
        /// The records, as [`quarantine::blocked_reasons`] gives them.
        records: Vec<(String, Vec<String>)>,
    },
    /// The engine could not answer: a closed ownership loop, a value beyond the size budget.
    Error(String),
}

/// The row `screen` gives the target `t` of `g`: none when its ownership or control reaches a
/// quarantined record (as in a full screen), else the engine's. `blocked` is
/// [`quarantine::blocked_parties`] of `g`, made once for all targets.
pub fn screen_row(engine: &Engine, g: &Graph, blocked: &[bool], t: PartyIdx) -> Row {
    if blocked.get(t.index()).copied().unwrap_or(false) {
        let p = g.party(t);
        let records = quarantine::blocked_reasons(g, t);
        return Err(NoRow::NotAnswered { name: p.name.to_string(), country: p.country, records });
    }
    engine.row(t).map_err(|e| NoRow::Error(e.to_string()))
}

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
    let changes = compare(old, new, &[targets_old, removed.clone()].concat(), &removed, &targets_new, options);
    Rescreen { changes, touched: touched.len(), recomputed: targets_new.len() }
}

/// The rows of `targets_new` in `new` against those of `targets_old` in `old` (by id), each
/// graph's rows made over the ancestry of its targets only; `removed` (among `targets_old`)
/// are the targets `new` does not have.
fn compare(
    old: &Graph,
    new: &Graph,
    targets_old: &[PartyIdx],
    removed: &[PartyIdx],
    targets_new: &[PartyIdx],
    options: &EngineOptions,
) -> Vec<(String, Change)> {
    let keyed = |g: &Graph, ts: &[PartyIdx]| -> FxHashMap<String, Row> {
        if ts.is_empty() {
            return FxHashMap::default();
        }
        let engine = Engine::for_scope(g, &closure(g, ts, false), options.clone());
        let blocked = quarantine::blocked_parties(g);
        ts.iter().map(|&t| (g.party(t).id.to_string(), screen_row(&engine, g, &blocked, t))).collect()
    };
    let mut old_rows = keyed(old, targets_old);
    let new_rows = keyed(new, targets_new);
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
    changes
}

/// `screen --all`'s targets: every company.
pub fn every_company(p: &Party) -> bool {
    p.kind == PartyKind::Company
}

/// A register read party by party: a whole graph, or a snapshot read in part
/// ([`crate::input::snapshot::Snapshot`]), for re-screening a delta.
pub trait Register {
    /// The date the register answers as of.
    fn as_of(&self) -> NaiveDate;
    /// The position of the party with this id.
    fn find(&self, id: &str) -> Result<Option<PartyIdx>, String>;
    /// The party at `p`.
    fn party(&self, p: PartyIdx) -> Result<Party, String>;
    /// The relations into `p` (`incoming`) or out of it, each with its position.
    fn relations(&self, p: PartyIdx, incoming: bool) -> Result<Vec<(usize, Relation)>, String>;
    /// Why the record of `p` was set aside, if it was.
    fn quarantine_of(&self, p: PartyIdx) -> Option<Vec<String>>;
}

impl Register for Graph {
    fn as_of(&self) -> NaiveDate {
        Graph::as_of(self)
    }
    fn find(&self, id: &str) -> Result<Option<PartyIdx>, String> {
        Ok(self.lookup(id))
    }
    fn party(&self, p: PartyIdx) -> Result<Party, String> {
        Ok(Graph::party(self, p).clone())
    }
    fn relations(&self, p: PartyIdx, incoming: bool) -> Result<Vec<(usize, Relation)>, String> {
        let list: Vec<(RelationIdx, &Relation)> =
            if incoming { self.incoming(p).collect() } else { self.outgoing(p).collect() };
        Ok(list.into_iter().map(|(i, r)| (i.index(), r.clone())).collect())
    }
    fn quarantine_of(&self, p: PartyIdx) -> Option<Vec<String>> {
        Graph::quarantine_of(self, p).map(|q| q.reasons.clone())
    }
}

impl Register for Snapshot {
    fn as_of(&self) -> NaiveDate {
        Snapshot::as_of(self)
    }
    fn find(&self, id: &str) -> Result<Option<PartyIdx>, String> {
        Snapshot::find(self, id)
    }
    fn party(&self, p: PartyIdx) -> Result<Party, String> {
        Snapshot::party(self, p)
    }
    fn relations(&self, p: PartyIdx, incoming: bool) -> Result<Vec<(usize, Relation)>, String> {
        if incoming { self.incoming(p) } else { self.outgoing(p) }
    }
    fn quarantine_of(&self, p: PartyIdx) -> Option<Vec<String>> {
        Snapshot::quarantine_of(self, p).map(<[String]>::to_vec)
    }
}

/// A party of the register with a delta applied: one of the register's (by position), or one
/// only the delta has (by its position in the delta's graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Register(PartyIdx),
    New(PartyIdx),
}

/// A relation of the register with a delta applied: its holder and the owner of the votes it
/// disposes of as nodes, and where it comes from (register first, then delta, each in order).
#[derive(Clone)]
struct Edge {
    from: Node,
    of: Option<Node>,
    order: (bool, usize),
    relation: Relation,
}

impl Edge {
    /// What must be the same for a party's holders to be unchanged (see [`relation_key`]).
    fn key(&self) -> (Node, Option<Node>, Interest, Dates) {
        let interest = match &self.relation.interest() {
            Interest::VoteDisposal { votes, basis, .. } => {
                Interest::VoteDisposal { votes: votes.clone(), basis: *basis, of: None }
            }
            other => other.clone(),
        };
        (self.from, self.of, interest, (self.relation.since, self.relation.until))
    }
}

/// The register before and after a delta, read only where asked.
struct Applied<'a> {
    register: &'a dyn Register,
    delta: &'a Delta,
    /// Each party of the delta's graph as a node.
    node: Vec<Node>,
    /// The delta's parties that the register has, by register position.
    in_delta: FxHashMap<PartyIdx, PartyIdx>,
    /// The register parties removed, with the relations into and out of them.
    removed: FxHashSet<PartyIdx>,
}

impl Applied<'_> {
    fn is_removed(&self, v: Node) -> bool {
        matches!(v, Node::Register(p) if self.removed.contains(&p))
    }

    /// The delta's position of a node it restates.
    fn restated(&self, v: Node) -> Option<PartyIdx> {
        match v {
            Node::New(d) => Some(d),
            Node::Register(p) => self.in_delta.get(&p).copied().filter(|&d| self.delta.restates(d)),
        }
    }

    /// A node's record before (`None` for a new party) and after.
    fn record(&self, v: Node, after: bool) -> Result<Option<Party>, String> {
        if after && self.is_removed(v) {
            return Ok(None);
        }
        match (v, after.then(|| self.restated(v)).flatten()) {
            (_, Some(d)) => Ok(Some(self.delta.graph.party(d).clone())),
            (Node::Register(p), None) => self.register.party(p).map(Some),
            (Node::New(_), None) => Ok(None),
        }
    }

    fn quarantine_of(&self, v: Node, after: bool) -> Option<Vec<String>> {
        match (v, after.then(|| self.restated(v)).flatten()) {
            (_, Some(d)) => self.delta.graph.quarantine_of(d).map(|q| q.reasons.clone()),
            (Node::Register(p), None) => self.register.quarantine_of(p),
            (Node::New(_), None) => None,
        }
    }

    /// The relations into `v`, before or after the delta.
    fn holders(&self, v: Node, after: bool) -> Result<Vec<Edge>, String> {
        let g = &self.delta.graph;
        match (v, after.then(|| self.restated(v)).flatten()) {
            (_, Some(d)) => Ok(g
                .incoming(d)
                .map(|(i, r)| Edge {
                    from: self.node[r.from.index()],
                    of: vote_owner(r).map(|o| self.node[o.index()]),
                    order: (true, i.index()),
                    relation: r.clone(),
                })
                .collect()),
            (Node::Register(p), None) => Ok(self
                .register
                .relations(p, true)?
                .into_iter()
                .map(|(i, r)| Edge {
                    from: Node::Register(r.from),
                    of: vote_owner(&r).map(Node::Register),
                    order: (false, i),
                    relation: r,
                })
                // A removed party's relations go with it.
                .filter(|e| !after || !(self.is_removed(e.from) || e.of.is_some_and(|o| self.is_removed(o))))
                .collect()),
            (Node::New(_), None) => Ok(Vec::new()),
        }
    }

    /// The parties `v` holds after the delta.
    fn held(&self, v: Node) -> Result<Vec<Node>, String> {
        let mut out = Vec::new();
        if self.is_removed(v) {
            return Ok(out);
        }
        if let Node::Register(p) = v {
            for (_, r) in self.register.relations(p, false)? {
                // The relations into a restated party are the delta's.
                if self.restated(Node::Register(r.to)).is_none() {
                    out.push(Node::Register(r.to));
                }
            }
        }
        let d = match v {
            Node::New(d) => Some(d),
            Node::Register(p) => self.in_delta.get(&p).copied(),
        };
        if let Some(d) = d {
            out.extend(self.delta.graph.outgoing(d).map(|(_, r)| self.node[r.to.index()]));
        }
        Ok(out)
    }

    /// True when `v`'s record, quarantine or holders differ before and after.
    fn touched(&self, v: Node) -> Result<bool, String> {
        let (Some(before), Some(after)) = (self.record(v, false)?, self.record(v, true)?) else { return Ok(true) };
        if party_print(&before) != party_print(&after) || self.quarantine_of(v, false) != self.quarantine_of(v, true) {
            return Ok(true);
        }
        let keys = |edges: Vec<Edge>| edges.iter().map(Edge::key).collect::<Vec<_>>();
        Ok(!same_multiset(&keys(self.holders(v, false)?), &keys(self.holders(v, true)?)))
    }

    /// Everything reachable from `start`: forward after the delta (the parties a change
    /// reaches), or backward before or after it (the ancestry an answer depends on, with the
    /// owners of the votes disposed of).
    fn closure(&self, start: &[Node], forward: bool, after: bool) -> Result<BTreeSet<Node>, String> {
        let mut seen: BTreeSet<Node> = start.iter().copied().collect();
        let mut queue: VecDeque<Node> = start.iter().copied().collect();
        while let Some(v) = queue.pop_front() {
            let next = if forward {
                self.held(v)?
            } else {
                self.holders(v, after)?.into_iter().flat_map(|e| std::iter::once(e.from).chain(e.of)).collect()
            };
            for w in next {
                if seen.insert(w) {
                    queue.push_back(w);
                }
            }
        }
        Ok(seen)
    }

    /// The graph of `scope` (closed under holders) before or after the delta, and each node's
    /// position in it. Parties keep the register's order (new ones after), relations too
    /// (the delta's after the register's), as in the register with the delta applied.
    fn graph(&self, scope: &BTreeSet<Node>, after: bool) -> Result<(Graph, FxHashMap<Node, PartyIdx>), String> {
        let mut b = GraphBuilder::new();
        let mut at: FxHashMap<Node, PartyIdx> = FxHashMap::default();
        let mut edges: Vec<(Node, Edge)> = Vec::new();
        for &v in scope {
            let Some(party) = self.record(v, after)? else { continue };
            let p = b.add_party(party).ok_or("a party id repeats in the register and the delta")?;
            at.insert(v, p);
            edges.extend(self.holders(v, after)?.into_iter().map(|e| (v, e)));
        }
        edges.sort_by_key(|(_, e)| e.order);
        for (v, e) in edges {
            let end = |n: Node| at.get(&n).copied().ok_or("a holder outside the scope");
            let mut r = e.relation;
            (r.from, r.to) = (end(e.from)?, end(v)?);
            if let (Interest::VoteDisposal { votes, basis, .. }, Some(o)) = (r.interest(), e.of) {
                r.set_interest(Interest::VoteDisposal { votes, basis, of: Some(end(o)?) });
            }
            b.add_relation(r);
        }
        for &v in scope {
            if let (Some(reasons), Some(&p)) = (self.quarantine_of(v, after), at.get(&v)) {
                b.quarantine(p, reasons);
            }
        }
        let graph = b.finish(self.register.as_of()).map_err(|problems| {
            let lines: Vec<String> = problems.iter().take(10).map(ToString::to_string).collect();
            format!("the register with the changes applied does not pass the input checks: {}", lines.join("; "))
        })?;
        Ok((graph, at))
    }
}

/// The owner of the votes a relation disposes of.
fn vote_owner(r: &Relation) -> Option<PartyIdx> {
    match &r.interest() {
        Interest::VoteDisposal { of, .. } => *of,
        _ => None,
    }
}

/// The rows of `screen` that a delta changes (`screen REGISTER --changes DELTA`): the same as
/// [`rescreen`] of the register against the register with the delta applied, reading of the
/// register only the delta's parties, the descendants of those it changes and their ancestry.
pub fn rescreen_delta(
    register: &dyn Register,
    delta: &Delta,
    options: &EngineOptions,
    is_target: &(dyn Fn(&Party) -> bool + Sync),
) -> Result<Rescreen, String> {
    let g = &delta.graph;
    let mut node = Vec::with_capacity(g.len());
    let mut in_delta = FxHashMap::default();
    for p in g.party_indices() {
        node.push(match register.find(&g.party(p).id)? {
            Some(r) => {
                in_delta.insert(r, p);
                Node::Register(r)
            }
            None => Node::New(p),
        });
    }
    let mut removed = FxHashSet::default();
    for id in &delta.removed {
        removed.insert(register.find(id)?.ok_or_else(|| format!("removed: no party of the register has id \"{id}\""))?);
    }
    let applied = Applied { register, delta, node, in_delta, removed };
    let mut touched = Vec::new();
    for p in g.party_indices().filter(|&p| delta.restates(p)) {
        let v = applied.node[p.index()];
        if applied.touched(v)? {
            touched.push(v);
        }
    }
    // The parties a removed one held lose a holder (a vote disposal of its votes is into one of
    // them too); the removed ones themselves are no longer there.
    let mut gone: Vec<Node> = applied.removed.iter().map(|&p| Node::Register(p)).collect();
    gone.sort();
    for &r in &gone {
        if let Node::Register(p) = r {
            for (_, rel) in register.relations(p, false)? {
                let w = Node::Register(rel.to);
                if !applied.is_removed(w) && applied.restated(w).is_none() && !touched.contains(&w) {
                    touched.push(w);
                }
            }
        }
    }
    let reach = applied.closure(&[touched.clone(), gone].concat(), true, true)?;
    let (mut targets_new, mut targets_old, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    for &v in &reach {
        let (before, after) = (applied.record(v, false)?, applied.record(v, true)?);
        let was = before.as_ref().is_some_and(is_target);
        if after.as_ref().is_some_and(is_target) {
            targets_new.push(v);
            if was {
                targets_old.push(v);
            }
        } else if was {
            removed.push(v);
        }
    }
    targets_old.extend(&removed);
    let old_scope = applied.closure(&targets_old, false, false)?;
    // The parties the delta changed are checked after it as any input is, targets or not.
    let new_scope = applied.closure(&[targets_new.clone(), touched.clone()].concat(), false, true)?;
    let (old, old_at) = applied.graph(&old_scope, false)?;
    let (new, new_at) = applied.graph(&new_scope, true)?;
    let positions = |at: &FxHashMap<Node, PartyIdx>, vs: &[Node]| -> Vec<PartyIdx> {
        vs.iter().filter_map(|v| at.get(v).copied()).collect()
    };
    let changes = compare(
        &old,
        &new,
        &positions(&old_at, &targets_old),
        &positions(&old_at, &removed),
        &positions(&new_at, &targets_new),
        options,
    );
    Ok(Rescreen { changes, touched: touched.len(), recomputed: targets_new.len() })
}
