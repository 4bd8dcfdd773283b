//! Control: who can determine an entity's decisions, through the levers of p. 5¹ "а" of the
//! Rules (docs/DOMAIN.md, "Foreign control"): votes disposed of directly or through controlled
//! entities, decision rights, appointment of executive bodies and the board, the management
//! company, and for a nonprofit the forming of its supreme body.
//!
//! This module does the accounting and the fixpoint; it does not know who is foreign. A
//! *group* (one party, or several treated as one) controls an entity when, counting its own
//! levers and those of every entity it already controls, one additive lever (votes, seats)
//! exceeds its quota or one absolute right (decision rights, sole executive, management
//! company) is held. Control is transitive by construction: whatever a controlled entity holds
//! counts for the group. Cost of one group: O(relations leaving the group and the entities it
//! comes to control), each examined once.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use crate::fraction::Fraction;
use crate::model::grouping::{Keyed, group_by_key};
use crate::model::{Graph, Interest, PartyIdx, PartyKind, RelationIdx};

/// A node of the control network: a party, or the unknown remainder of an entity's votes or
/// supreme body (numbered after the parties; [`ControlNetwork::party_of`] and
/// [`ControlNetwork::unknown_remainder_of`] tell which).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node(u32);

impl Node {
    fn new(i: usize) -> Node {
        Node(i as u32)
    }

    fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<PartyIdx> for Node {
    fn from(p: PartyIdx) -> Node {
        Node(p.raw())
    }
}

/// Levers that add up across a group and give control above their quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Votes of a company's voting shares (indicator 1).
    Votes,
    /// Seats of the collegial executive body (indicator 3).
    ExecutiveBoard,
    /// Seats of the board or another collegial governing body (indicator 3).
    Board,
    /// Members of a nonprofit's supreme governing body (indicator 3, docs/DOMAIN.md).
    SupremeBody,
}

impl Channel {
    const ALL: [Channel; 4] = [Channel::Votes, Channel::ExecutiveBoard, Channel::Board, Channel::SupremeBody];

    fn slot(self) -> usize {
        self as usize
    }
}

/// Rights that give control alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// The right to determine decisions (indicator 2).
    DecisionRights,
    /// The right to appoint the sole executive body (indicator 3).
    SoleExecutive,
    /// Acting as the management company (indicator 4).
    ManagementCompany,
    /// Influence of unstated extent: no right proven, but it could be the right to determine
    /// decisions. It counts only for a group built by [`GroupControl::undisclosed`], the world in
    /// which everything undisclosed is given to the group.
    Influence,
}

/// What one influence gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Lever {
    /// An additive amount of a channel.
    Share(Channel, Fraction),
    /// An absolute right.
    Right(Right),
}

/// One edge of the control network.
#[derive(Clone, Debug)]
pub struct Influence {
    /// Who holds the lever.
    pub from: Node,
    /// Over whom.
    pub to: Node,
    /// The lever.
    pub lever: Lever,
    /// The relation it comes from (the first, when a holder has several; none for an unknown
    /// remainder).
    pub relation: Option<RelationIdx>,
}

/// What a group holds through each channel of the entities it reaches: a sum per entity and
/// channel reached, not four per entity (most are reached through one channel).
pub type ChannelSums = HashMap<(Node, Channel), Fraction>;

/// Entities the group `seeds` controls: the fixpoint of [`GroupControl`] without its proofs,
/// for screening many groups fast. `sums` is scratch space reused between calls.
pub fn reach<S: Into<Node> + Copy>(net: &ControlNetwork, seeds: &[S], sums: &mut ChannelSums) -> Vec<Node> {
    sums.clear();
    let seeds: Vec<Node> = seeds.iter().map(|&s| s.into()).collect();
    let seed_set: rustc_hash::FxHashSet<Node> = seeds.iter().copied().collect();
    let mut done: rustc_hash::FxHashSet<Node> = rustc_hash::FxHashSet::default();
    let mut controlled: Vec<Node> = Vec::new();
    let mut queue: VecDeque<Node> = seeds.iter().copied().collect();
    while let Some(member) = queue.pop_front() {
        for inf in net.influences_from(member) {
            let to = inf.to;
            if seed_set.contains(&to) || done.contains(&to) || inf.lever == Lever::Right(Right::Influence) {
                continue;
            }
            let now = match &inf.lever {
                Lever::Share(ch, amount) => {
                    let sum = sums.entry((to, *ch)).or_default();
                    *sum += amount;
                    net.quota(to, *ch).is_some_and(|q| *sum > q)
                }
                Lever::Right(_) => true,
            };
            if now {
                done.insert(to);
                controlled.push(to);
                queue.push_back(to);
            }
        }
    }
    controlled
}

/// What kind of controllable entity a party is: votes exist only in companies, a supreme body
/// only in nonprofits (docs/DOMAIN.md, "Foreign control").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entity {
    /// Not an entity (or outside the scope).
    None,
    /// A company.
    Company,
    /// A nonprofit.
    Nonprofit,
}

/// The levers every party holds over every entity, with the quotas to exceed.
#[derive(Clone, Debug)]
pub struct ControlNetwork {
    parties: usize,
    unknown_of: Vec<PartyIdx>,
    /// Influences grouped by holder: those of node `n` are at `order[i]` for `i` in
    /// `offsets[n]..offsets[n + 1]`, each a [`Place`] in `influences`.
    offsets: Vec<u32>,
    order: Vec<Place>,
    /// The influences as they were read, a part per chunk of entities: on a register they are
    /// hundreds of megabytes, which copying into one vector cost more fresh memory (and kernel
    /// time clearing it) than the rest of the network.
    influences: Vec<Vec<Influence>>,
    /// Per party: what kind of controllable entity it is in scope.
    entity: Vec<Entity>,
    threshold: Fraction,
    /// Votes in circulation of companies that hold their own shares.
    circulation: HashMap<PartyIdx, Fraction>,
}

/// Influences read from a chunk of entities, and their votes in circulation.
type EntityChunk = (Vec<Influence>, Vec<(PartyIdx, Fraction)>);

/// Where an influence is: its part of [`ControlNetwork::influences`] and its position there.
#[derive(Clone, Copy, Debug, Default)]
struct Place {
    part: u32,
    at: u32,
}

/// The influences as read, with their holders ([`group_by_key`] groups them by holder).
struct Influences<'a>(&'a [Vec<Influence>]);

impl Keyed for Influences<'_> {
    type Place = Place;
    fn items(&self) -> impl DoubleEndedIterator<Item = (usize, Place)> {
        self.0.iter().enumerate().flat_map(|(part, infl)| {
            infl.iter().enumerate().map(move |(at, i)| (i.from.index(), Place { part: part as u32, at: at as u32 }))
        })
    }
}

/// The places of `influences` grouped by holder, each holder's in input order, and where each
/// holder's begin (one more offset for the end), the `nodes` holders split into `ranges` runs.
fn by_holder(influences: &[Vec<Influence>], nodes: usize, ranges: usize) -> (Vec<u32>, Vec<Place>) {
    group_by_key(&Influences(influences), nodes, ranges)
}

/// A holder placeholder for the unknown remainder of the entity being built.
const UNKNOWN_HOLDER: Node = Node(u32::MAX);

impl ControlNetwork {
    /// Builds the network for the entities marked in `scope` (all when `None`). `threshold`
    /// is the fraction to exceed (one half in p. 5¹ "а").
    ///
    /// Vote accounting (docs/DOMAIN.md): a holder's votes are its `shares` votes less those others
    /// dispose of (`vote_disposal` with `of`); a disposer adds the votes it disposes of; treasury
    /// shares carry no votes, so the quota is `threshold × (1 − treasury votes)`. Votes nobody
    /// listed accounts for, and a nonprofit's supreme body nobody listed forms, become an
    /// unknown remainder node. Entities are read in parallel.
    pub fn build(graph: &Graph, scope: Option<&[bool]>, threshold: &Fraction) -> ControlNetwork {
        use rayon::prelude::*;
        let n = graph.len();
        let in_scope = |p: PartyIdx| scope.is_none_or(|s| s.get(p.index()).copied().unwrap_or(false));
        let entity: Vec<Entity> = (0..n)
            .map(PartyIdx::new)
            .map(|p| match graph.party(p).kind {
                _ if !in_scope(p) => Entity::None,
                PartyKind::Company => Entity::Company,
                PartyKind::Nonprofit => Entity::Nonprofit,
                _ => Entity::None,
            })
            .collect();
        let ids: Vec<PartyIdx> = (0..n).map(PartyIdx::new).filter(|&p| entity[p.index()] != Entity::None).collect();
        let chunks: Vec<EntityChunk> = ids
            .par_chunks(4096)
            .map(|ys| {
                // An influence per relation and an unknown remainder per entity at most, save
                // appointments (up to three each): room made once, not grown by copying.
                let mut infl = Vec::with_capacity(ys.iter().map(|&y| graph.incoming_count(y) + 1).sum());
                let mut circ = Vec::new();
                let mut scratch = Scratch::default();
                for &y in ys {
                    if let Some(c) = entity_influences(graph, y, &mut infl, &mut scratch) {
                        circ.push((y, c));
                    }
                }
                (infl, circ)
            })
            .collect();
        // Number the unknown remainders chunk by chunk, in entity order.
        let mut chunks = chunks;
        let unknowns: Vec<usize> =
            chunks.par_iter().map(|(infl, _)| infl.iter().filter(|i| i.from == UNKNOWN_HOLDER).count()).collect();
        let total: usize = unknowns.iter().sum();
        let mut unknown_of = vec![PartyIdx::new(0); total];
        let mut slices: Vec<(usize, &mut [PartyIdx])> = Vec::with_capacity(chunks.len());
        let (mut rest, mut first) = (unknown_of.as_mut_slice(), 0);
        for u in &unknowns {
            let (head, tail) = rest.split_at_mut(*u);
            slices.push((first, head));
            rest = tail;
            first += u;
        }
        chunks.par_iter_mut().zip(slices).for_each(|((infl, _), (first, of))| {
            for (k, i) in infl.iter_mut().filter(|i| i.from == UNKNOWN_HOLDER).enumerate() {
                of[k] = PartyIdx::new(i.to.index());
                i.from = Node::new(n + first + k);
            }
        });
        let (influences, circulations): (Vec<Vec<Influence>>, Vec<_>) = chunks.into_iter().unzip();
        let circulation: HashMap<PartyIdx, Fraction> = circulations.into_iter().flatten().collect();
        let nodes = n + unknown_of.len();
        let ranges = 2 * rayon::current_num_threads();
        let (offsets, order) = by_holder(&influences, nodes, ranges);
        ControlNetwork {
            parties: n,
            unknown_of,
            offsets,
            order,
            influences,
            entity,
            threshold: threshold.clone(),
            circulation,
        }
    }

    /// The entity whose unknown remainder `node` is, if it is one.
    pub fn unknown_remainder_of(&self, node: impl Into<Node>) -> Option<PartyIdx> {
        node.into().index().checked_sub(self.parties).and_then(|i| self.unknown_of.get(i).copied())
    }

    /// The party a node is, when it is one (not an unknown remainder).
    pub fn party_of(&self, node: Node) -> Option<PartyIdx> {
        (node.index() < self.parties).then(|| PartyIdx::new(node.index()))
    }

    /// All unknown remainder nodes.
    pub fn unknown_nodes(&self) -> impl Iterator<Item = Node> + '_ {
        (0..self.unknown_of.len()).map(move |i| Node::new(self.parties + i))
    }

    /// The quota of a channel of an entity (what must be exceeded), if the entity has one.
    pub fn quota(&self, entity: Node, channel: Channel) -> Option<Fraction> {
        let kind = self.entity.get(entity.index()).copied().unwrap_or(Entity::None);
        match (kind, channel) {
            (Entity::Company, Channel::Votes) => Some(match self.circulation.get(&PartyIdx::new(entity.index())) {
                Some(c) => &self.threshold * c,
                None => self.threshold.clone(),
            }),
            (Entity::Nonprofit, Channel::SupremeBody)
            | (Entity::Company | Entity::Nonprofit, Channel::ExecutiveBoard | Channel::Board) => {
                Some(self.threshold.clone())
            }
            _ => None,
        }
    }

    /// Votes in circulation of a company: 1 − treasury votes.
    pub fn circulation(&self, company: PartyIdx) -> Option<Fraction> {
        match self.entity.get(company.index()) {
            Some(Entity::Company) => Some(self.circulation.get(&company).cloned().unwrap_or_else(Fraction::one)),
            _ => None,
        }
    }

    /// The influences a node holds.
    pub fn influences_from(&self, node: impl Into<Node>) -> impl Iterator<Item = &Influence> + '_ {
        let k = node.into().index();
        let range = match (self.offsets.get(k), self.offsets.get(k + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.order[range].iter().map(move |p| &self.influences[p.part as usize][p.at as usize])
    }

    /// True when the node holds any lever at all.
    pub fn has_influence(&self, node: impl Into<Node>) -> bool {
        self.influences_from(node).next().is_some()
    }
}

/// The influences over entity `y`, appended to `out` (an unknown remainder with
/// [`UNKNOWN_HOLDER`] as its holder); the votes in circulation when the company holds its own
/// shares.
/// Buffers reused from one entity to the next: its direct shareholders, and where each is
/// among them once there are many (a million direct holders must not cost a million squared;
/// three must not cost a hash table each).
#[derive(Default)]
struct Scratch {
    own: Vec<(PartyIdx, Fraction, RelationIdx)>,
    own_at: HashMap<PartyIdx, usize>,
}

/// Holders compared one by one up to this many, through the table beyond.
const SCAN: usize = 16;

/// Where holder `h` is in `own`, keeping `own_at` in step once `own` is longer than [`SCAN`].
fn scratch_find(
    own: &[(PartyIdx, Fraction, RelationIdx)],
    own_at: &mut HashMap<PartyIdx, usize>,
    h: PartyIdx,
) -> Option<usize> {
    if own.len() <= SCAN {
        return own.iter().position(|(x, ..)| *x == h);
    }
    for (i, (x, ..)) in own.iter().enumerate().skip(own_at.len()) {
        own_at.insert(*x, i);
    }
    own_at.get(&h).copied()
}

fn entity_influences(graph: &Graph, y: PartyIdx, out: &mut Vec<Influence>, scratch: &mut Scratch) -> Option<Fraction> {
    let kind = graph.party(y).kind;
    let Scratch { own, own_at } = scratch;
    own.clear();
    own_at.clear();
    let mut disposed_of: HashMap<PartyIdx, Fraction> = HashMap::default();
    let mut treasury = Fraction::zero();
    let mut listed = Fraction::zero();
    let mut governs = Fraction::zero();
    let mut push = |from: Node, lever: Lever, relation: Option<RelationIdx>| {
        out.push(Influence { from, to: y.into(), lever, relation })
    };
    for (ri, r) in graph.incoming(y) {
        match &r.interest() {
            Interest::Shares { votes, .. } if kind == PartyKind::Company => {
                if r.from == y {
                    treasury += votes.value();
                    continue;
                }
                listed += votes.value();
                match scratch_find(own, own_at, r.from) {
                    Some(i) => own[i].1 += votes.value(),
                    None => own.push((r.from, votes.value().clone(), ri)),
                }
            }
            Interest::VoteDisposal { votes, of, .. } if kind == PartyKind::Company => {
                match of {
                    Some(o) => *disposed_of.entry(*o).or_default() += votes.value(),
                    None => listed += votes.value(),
                }
                push(r.from.into(), Lever::Share(Channel::Votes, votes.value().clone()), Some(ri));
            }
            Interest::Governs { share } if kind == PartyKind::Nonprofit => {
                governs += share.value();
                push(r.from.into(), Lever::Share(Channel::SupremeBody, share.value().clone()), Some(ri));
            }
            Interest::Appoints { sole_executive, executive_board, board } => {
                if *sole_executive {
                    push(r.from.into(), Lever::Right(Right::SoleExecutive), Some(ri));
                }
                if executive_board.value().is_positive() {
                    push(
                        r.from.into(),
                        Lever::Share(Channel::ExecutiveBoard, executive_board.value().clone()),
                        Some(ri),
                    );
                }
                if board.value().is_positive() {
                    push(r.from.into(), Lever::Share(Channel::Board, board.value().clone()), Some(ri));
                }
            }
            Interest::DecisionRights => push(r.from.into(), Lever::Right(Right::DecisionRights), Some(ri)),
            Interest::ManagementCompany => push(r.from.into(), Lever::Right(Right::ManagementCompany), Some(ri)),
            Interest::Influence => push(r.from.into(), Lever::Right(Right::Influence), Some(ri)),
            _ => {}
        }
    }
    let one = Fraction::one();
    if kind == PartyKind::Company {
        for (h, v, ri) in own.drain(..) {
            let gone = disposed_of.get(&h).cloned().unwrap_or_default();
            let net_votes = &v - &gone;
            if net_votes.is_positive() {
                push(h.into(), Lever::Share(Channel::Votes, net_votes), Some(ri));
            }
        }
        let circulation = &one - &treasury;
        let unknown = &circulation - &listed;
        if unknown.is_positive() {
            push(UNKNOWN_HOLDER, Lever::Share(Channel::Votes, unknown), None);
        }
        (!treasury.is_zero()).then_some(circulation)
    } else {
        let unknown = &one - &governs;
        if unknown.is_positive() {
            push(UNKNOWN_HOLDER, Lever::Share(Channel::SupremeBody, unknown), None);
        }
        None
    }
}

/// One member's part of a group's standing over an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    /// The group member (a seed, or an entity the group controls).
    pub member: Node,
    /// The lever.
    pub lever: Lever,
    /// The relation it comes from.
    pub relation: Option<RelationIdx>,
}

/// Everything a group holds over one entity.
#[derive(Clone, Debug, Default)]
pub struct Standing {
    /// Sum per channel, in the order votes, executive board, board, supreme body.
    pub sums: [Fraction; 4],
    /// Every contribution, in the order found.
    pub contributions: Vec<Contribution>,
}

impl Standing {
    /// The summed amount of a channel.
    pub fn sum(&self, channel: Channel) -> &Fraction {
        &self.sums[channel.slot()]
    }
}

/// Why the group controls an entity: the member whose lever completed control.
#[derive(Clone, Debug, PartialEq)]
pub struct Acquired {
    /// The member whose lever completed control.
    pub via: Node,
    /// Order in which control was acquired (0 first).
    pub order: usize,
}

/// The entities a group controls, with what it holds over each: the fixpoint of p. 5¹ "а".
///
/// A clone copies the maps: the callers clone only for the few groups whose proof they print
/// (trying a member first with [`GroupControl::would_also_control`], which copies nothing).
#[derive(Clone, Debug, Default)]
pub struct GroupControl {
    /// Built by [`GroupControl::undisclosed`]: influence of unstated extent counts as control.
    undisclosed: bool,
    /// Built by [`GroupControl::undisclosed_sums`]: the contributions are not kept.
    sums_only: bool,
    seeds: rustc_hash::FxHashSet<Node>,
    controlled: HashMap<Node, Acquired>,
    standing: HashMap<Node, Standing>,
    log: Vec<Node>,
    queue: VecDeque<Node>,
}

impl GroupControl {
    /// The fixpoint for the group `seeds`.
    pub fn of<S: Into<Node>>(net: &ControlNetwork, seeds: impl IntoIterator<Item = S>) -> GroupControl {
        let mut g = GroupControl::default();
        g.extend(net, seeds);
        g
    }

    /// The group of the undisclosed holders `seeds` (unknown remainders, unknown parties): the
    /// hypothetical world of the undetermined rule, in which every undisclosed vote and seat is the
    /// group's and every influence of unstated extent ([`Right::Influence`]) is the right to
    /// determine decisions. Members added later ([`GroupControl::extend`], a clone) share it.
    pub fn undisclosed<S: Into<Node>>(net: &ControlNetwork, seeds: impl IntoIterator<Item = S>) -> GroupControl {
        let mut g = GroupControl { undisclosed: true, ..GroupControl::default() };
        g.extend(net, seeds);
        g
    }

    /// As [`GroupControl::undisclosed`], keeping of each entity only what decides control (the
    /// sums per channel), not the contributions that prove it ([`Standing::contributions`]
    /// stays empty, also after [`GroupControl::extend`]): for screening a register, where
    /// the contributions were a heap list for each of a million entities.
    pub fn undisclosed_sums<S: Into<Node>>(net: &ControlNetwork, seeds: impl IntoIterator<Item = S>) -> GroupControl {
        let mut g = GroupControl { undisclosed: true, sums_only: true, ..GroupControl::default() };
        g.extend(net, seeds);
        g
    }

    /// True when the lever counts for this group.
    fn counts(&self, lever: &Lever) -> bool {
        self.undisclosed || *lever != Lever::Right(Right::Influence)
    }

    /// Adds members to the group and continues to the new fixpoint (control only grows).
    pub fn extend<S: Into<Node>>(&mut self, net: &ControlNetwork, seeds: impl IntoIterator<Item = S>) {
        for s in seeds.into_iter().map(Into::into) {
            if self.seeds.insert(s) && !self.controlled.contains_key(&s) {
                self.queue.push_back(s);
            }
        }
        while let Some(member) = self.queue.pop_front() {
            for inf in net.influences_from(member) {
                let to = inf.to;
                if self.seeds.contains(&to) || !self.counts(&inf.lever) {
                    continue;
                }
                let st = self.standing.entry(to).or_default();
                if !self.sums_only {
                    st.contributions.push(Contribution { member, lever: inf.lever.clone(), relation: inf.relation });
                }
                let now = match &inf.lever {
                    Lever::Share(ch, amount) => {
                        st.sums[ch.slot()] += amount;
                        net.quota(to, *ch).is_some_and(|q| st.sums[ch.slot()] > q)
                    }
                    Lever::Right(_) => true,
                };
                if now && !self.controlled.contains_key(&to) {
                    let order = self.controlled.len();
                    self.controlled.insert(to, Acquired { via: member, order });
                    self.log.push(to);
                    self.queue.push_back(to);
                }
            }
        }
    }

    /// True when the group controls `entity`.
    pub fn controls(&self, entity: impl Into<Node>) -> bool {
        self.controlled.contains_key(&entity.into())
    }

    /// How control of `entity` was acquired.
    pub fn acquired(&self, entity: impl Into<Node>) -> Option<&Acquired> {
        self.controlled.get(&entity.into())
    }

    /// What the group holds over `entity`.
    pub fn standing(&self, entity: impl Into<Node>) -> Option<&Standing> {
        self.standing.get(&entity.into())
    }

    /// Entities controlled, in the order control was acquired.
    pub fn controlled(&self) -> Vec<Node> {
        let mut v: Vec<(usize, Node)> = self.controlled.iter().map(|(n, a)| (a.order, *n)).collect();
        v.sort_unstable();
        v.into_iter().map(|(_, n)| n).collect()
    }

    /// The entities the group would control beyond those it does if `extra` joined it, without
    /// changing the group: only what `extra` reaches is looked at. `sums` is scratch space.
    pub fn would_also_control<S: Into<Node> + Copy>(
        &self,
        net: &ControlNetwork,
        extra: &[S],
        sums: &mut ChannelSums,
    ) -> Vec<Node> {
        sums.clear();
        let extra: Vec<Node> = extra.iter().map(|&e| e.into()).collect();
        let mut newly = Vec::new();
        let mut done: rustc_hash::FxHashSet<Node> = rustc_hash::FxHashSet::default();
        // A member the group already has already counts.
        let mut queue: VecDeque<Node> =
            extra.iter().copied().filter(|e| !self.seeds.contains(e) && !self.controlled.contains_key(e)).collect();
        while let Some(member) = queue.pop_front() {
            for inf in net.influences_from(member) {
                let to = inf.to;
                if self.seeds.contains(&to)
                    || !self.counts(&inf.lever)
                    || extra.contains(&to)
                    || self.controlled.contains_key(&to)
                    || done.contains(&to)
                {
                    continue;
                }
                let now = match &inf.lever {
                    Lever::Share(ch, amount) => {
                        let sum = sums.entry((to, *ch)).or_insert_with(|| {
                            self.standing.get(&to).map(|s| s.sums[ch.slot()].clone()).unwrap_or_default()
                        });
                        *sum += amount;
                        net.quota(to, *ch).is_some_and(|q| *sum > q)
                    }
                    Lever::Right(_) => true,
                };
                if now {
                    done.insert(to);
                    newly.push(to);
                    queue.push_back(to);
                }
            }
        }
        newly
    }

    /// How many entities the group controls.
    pub fn count(&self) -> usize {
        self.log.len()
    }

    /// Entities controlled after the first `n`, in the order control was acquired (cheap on a
    /// clone extended with one more member: only what that member added).
    pub fn controlled_since(&self, n: usize) -> impl Iterator<Item = Node> + '_ {
        self.log.iter().skip(n).copied()
    }

    /// True when `node` is one of the group's own members (not a controlled entity).
    pub fn is_seed(&self, node: impl Into<Node>) -> bool {
        self.seeds.contains(&node.into())
    }

    /// The chain of control from a seed down to `entity`: each step's controller is the member
    /// whose lever completed control of the next.
    pub fn chain(&self, entity: impl Into<Node>) -> Vec<Node> {
        let entity = entity.into();
        let mut chain = vec![entity];
        let mut on_chain: rustc_hash::FxHashSet<Node> = [entity].into_iter().collect();
        let mut at = entity;
        while let Some(a) = self.controlled.get(&at) {
            if !on_chain.insert(a.via) {
                break;
            }
            chain.push(a.via);
            at = a.via;
        }
        chain.reverse();
        chain
    }

    /// The channels whose sum exceeds the quota, and the rights held, over `entity`.
    pub fn levers_over(&self, net: &ControlNetwork, entity: impl Into<Node>) -> (Vec<Channel>, Vec<Right>) {
        let entity = entity.into();
        let Some(st) = self.standing.get(&entity) else { return (Vec::new(), Vec::new()) };
        let channels = Channel::ALL
            .into_iter()
            .filter(|ch| net.quota(entity, *ch).is_some_and(|q| st.sums[ch.slot()] > q))
            .collect();
        let mut rights: Vec<Right> = st
            .contributions
            .iter()
            .filter_map(|c| match c.lever {
                Lever::Right(r) => Some(r),
                _ => None,
            })
            .collect();
        rights.sort_unstable();
        rights.dedup();
        (channels, rights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraction::Share;
    use crate::model::{DisposalBasis, GraphBuilder, Party, Relation};

    /// A register-like graph: `companies` companies (several chunks of entities), persons,
    /// nonprofits and undisclosed holders, with every kind of lever, from a fixed seed.
    fn register(companies: usize, seed: u64) -> Graph {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m.max(1) as u64) as usize
        };
        let (persons, nonprofits, unknown) = (companies / 4, companies / 20, companies / 50);
        let mut b = GraphBuilder::new();
        let kinds = [
            (companies, PartyKind::Company),
            (persons, PartyKind::Person),
            (nonprofits, PartyKind::Nonprofit),
            (unknown, PartyKind::Unknown),
        ];
        for (count, kind) in kinds {
            for i in 0..count {
                let mut party = Party::new(format!("{kind:?}{i}"), kind);
                match kind {
                    PartyKind::Person => party.citizenship.push(crate::model::Country::RU),
                    PartyKind::Company | PartyKind::Nonprofit => party.country = Some(crate::model::Country::RU),
                    _ => {}
                }
                b.add_party(party);
            }
        }
        let n = companies + persons + nonprofits + unknown;
        let share = |k: usize| Share::new(Fraction::new(k as i64, 12)).unwrap();
        for y in (0..companies).chain(companies + persons..companies + persons + nonprofits) {
            let to = PartyIdx::new(y);
            let company = y < companies;
            let mut left = 12;
            let mut owner = None;
            for _ in 0..next(4) {
                let (from, part) = (PartyIdx::new(next(n)), 1 + next(left.min(5)));
                if left == 0 || (from == to && !company) {
                    break;
                }
                left -= part;
                let interest = if company {
                    let votes = if next(5) == 0 { next(part + 1) } else { part };
                    if from != to && votes > 0 {
                        owner.get_or_insert(from);
                    }
                    Interest::Shares { capital: share(part), votes: share(votes) }
                } else {
                    Interest::Governs { share: share(part) }
                };
                b.add_relation(Relation::new(from, to, interest));
            }
            let from = PartyIdx::new(next(n));
            let lever = match next(12) {
                0 if owner.is_some_and(|o| o != from) => {
                    Some(Interest::VoteDisposal { votes: share(1), basis: DisposalBasis::TrustManagement, of: owner })
                }
                1 => Some(Interest::DecisionRights),
                2 => Some(Interest::ManagementCompany),
                3 => Some(Interest::Influence),
                4 => Some(Interest::Appoints {
                    sole_executive: next(2) == 0,
                    executive_board: share(7),
                    board: share(5),
                }),
                _ => None,
            };
            if let Some(interest) = lever.filter(|_| from != to) {
                b.add_relation(Relation::new(from, to, interest));
            }
        }
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let graph = b.finish(date);
        graph.unwrap_or_else(|problems| panic!("{} problems, the first {:?}", problems.len(), problems.first()))
    }

    /// Grouped by holder, the network gives each holder's influences in the order of the
    /// entities they are over, unknown remainders numbered in that order: the definition is
    /// every entity's influences read one after another.
    #[test]
    fn influences_are_grouped_by_holder_in_entity_order() {
        for seed in [1, 2, 3] {
            let g = register(10_000, seed);
            let net = ControlNetwork::build(&g, None, &Fraction::half());
            let (mut all, mut scratch, mut unknowns) = (Vec::new(), Scratch::default(), 0);
            for y in g.party_indices().filter(|&p| g.party(p).kind.is_organization()) {
                let start = all.len();
                entity_influences(&g, y, &mut all, &mut scratch);
                for i in all[start..].iter_mut().filter(|i| i.from == UNKNOWN_HOLDER) {
                    i.from = Node::new(g.len() + unknowns);
                    unknowns += 1;
                }
            }
            let mut expected: HashMap<Node, Vec<String>> = HashMap::default();
            for i in &all {
                expected.entry(i.from).or_default().push(format!("{i:?}"));
            }
            assert_eq!(net.unknown_nodes().count(), unknowns);
            assert!(all.len() > 10_000, "several chunks of entities: {}", all.len());
            for node in (0..g.len() + unknowns).map(Node::new) {
                let found: Vec<String> = net.influences_from(node).map(|i| format!("{i:?}")).collect();
                assert_eq!(found, expected.remove(&node).unwrap_or_default(), "seed {seed}, node {node:?}");
            }
        }
    }

    /// Grouping by holder gives every holder its places in input order, the same whatever the
    /// number of runs the holders are split into (one, one per holder, more runs than holders).
    #[test]
    fn places_are_grouped_by_holder_whatever_the_runs() {
        let g = register(3_000, 6);
        let (mut all, mut scratch) = (Vec::new(), Scratch::default());
        for y in g.party_indices().filter(|&p| g.party(p).kind.is_organization()) {
            entity_influences(&g, y, &mut all, &mut scratch);
        }
        all.retain(|i| i.from != UNKNOWN_HOLDER);
        // Parts of uneven sizes, some empty.
        let mut parts: Vec<Vec<Influence>> = Vec::new();
        let mut rest = all.as_slice();
        for k in (0..).map(|k: usize| (k * 37) % 501) {
            if rest.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at(k.min(rest.len()));
            parts.push(head.to_vec());
            rest = tail;
        }
        let nodes = g.len();
        let mut expected: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nodes];
        for (part, infl) in parts.iter().enumerate() {
            for (at, i) in infl.iter().enumerate() {
                expected[i.from.index()].push((part as u32, at as u32));
            }
        }
        assert!(parts.len() > 10 && parts.iter().any(Vec::is_empty));
        for ranges in [1, 2, 3, 7, 64, nodes, nodes + 3] {
            let (offsets, order) = by_holder(&parts, nodes, ranges);
            assert_eq!(offsets.len(), nodes + 1);
            assert_eq!(offsets[nodes] as usize, all.len());
            for (h, want) in expected.iter().enumerate() {
                let found: Vec<(u32, u32)> =
                    order[offsets[h] as usize..offsets[h + 1] as usize].iter().map(|p| (p.part, p.at)).collect();
                assert_eq!(&found, want, "{ranges} runs, holder {h}");
            }
        }
        let (offsets, order) = by_holder(&[], 0, 4);
        assert!(offsets == [0] && order.is_empty());
    }

    /// The group of the undisclosed holders keeping sums only controls what the full group
    /// controls, in the same order, with the same sums.
    #[test]
    fn undisclosed_sums_control_what_the_full_group_does() {
        for seed in [4, 5] {
            let g = register(10_000, seed);
            let net = ControlNetwork::build(&g, None, &Fraction::half());
            let seeds: Vec<Node> = net
                .unknown_nodes()
                .chain(g.party_indices().filter(|&p| g.party(p).kind == PartyKind::Unknown).map(Node::from))
                .collect();
            let (full, sums) = (
                GroupControl::undisclosed(&net, seeds.iter().copied()),
                GroupControl::undisclosed_sums(&net, seeds.iter().copied()),
            );
            assert!(full.count() > 100, "seed {seed}: {} controlled", full.count());
            assert_eq!(full.controlled(), sums.controlled());
            for node in (0..g.len() + seeds.len()).map(Node::new) {
                let (a, b) = (full.standing(node), sums.standing(node));
                assert_eq!(a.map(|s| s.sums.clone()), b.map(|s| s.sums.clone()), "seed {seed}, node {node:?}");
                assert!(b.is_none_or(|s| s.contributions.is_empty()));
            }
        }
    }
}
