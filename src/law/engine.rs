//! The one law engine every command answers from: participation (p. 5 "а", p. 42 "а"),
//! nonprofit status (their paragraphs of the same points) and foreign control (p. 5¹ "а"),
//! decided once per graph and read per target.
//!
//! `screen` builds it over the whole graph and reads a row per company; `check`, `disclose`,
//! `verify`, `render` and `report` build it over the part of the graph that can reach their
//! target ([`Engine::for_target`]: the parties with a chain of relations of any type into it,
//! which is everything the target's answers depend on) and then explain its answers with
//! chains. The verdicts are decided here and only here, so no two commands can differ.
//!
//! Participation comes from [`batch::all`], with the law's values of terminal holders
//! ([`judge`]) and nonprofits ([`nonprofit::status_of`]). Control comes from one run of the
//! control fixpoint per foreign person, one for the undisclosed votes, and one per foreign
//! person on top of those (the undetermined rule), each shared by every target.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::control::{self, ControlStatus};
use super::nonprofit::{self, ClosedLoopError};
use super::participation;
use super::policy::{Policies, Regime};
use super::qualify::{Foreignness, Status, foreignness, judge};
use super::verdict::Verdict;
use crate::analysis::batch::{self, BatchResults, NodeResult, Standing, TerminalValue, Valuation};
use crate::analysis::control::reach;
use crate::analysis::interval::Value;
use crate::analysis::{ControlNetwork, GroupControl, Node};
use crate::fraction::Fraction;
use crate::model::{Graph, Party, PartyIdx, PartyKind};

/// What to answer and under which policies.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// The regimes to answer (`ru` is always computed: it gives every row its holder count).
    pub regimes: BTreeSet<Regime>,
    /// The policies.
    pub policies: Policies,
}

/// Which foreign notion a regime uses: p. 5 "а" and p. 5¹ "а" count anyone not of Russia as
/// foreign, p. 42 "а" anyone not of Russia or another member state.
fn notion(regime: Regime) -> usize {
    usize::from(regime == Regime::Eaeu)
}

/// The notion's regime, for [`foreignness`].
fn notion_regime(notion: usize) -> Regime {
    if notion == 1 { Regime::Eaeu } else { Regime::Pak }
}

/// What the control test finds about one entity under one notion of "foreign".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControlFacts {
    /// The foreign persons that each control it (indicators 1–4), in index order.
    pub foreign_controllers: Vec<PartyIdx>,
    /// All foreign persons other than the entity itself, taken together, control it (policy P2
    /// counts this as foreign control; otherwise it is a warning).
    pub jointly: bool,
    /// No foreign control is proven, but the undisclosed votes or seats could give it to a
    /// foreign person (or, under P2, to all of them together).
    pub possible: bool,
}

impl ControlFacts {
    /// Foreign control proven: a foreign controller, or all foreign persons together under P2.
    pub fn foreign_proven(&self, policies: &Policies) -> bool {
        !self.foreign_controllers.is_empty() || (policies.aggregate_foreign && self.jointly)
    }

    /// Foreign, undetermined, or not foreign controlled.
    pub fn status(&self, policies: &Policies) -> ControlStatus {
        if self.foreign_proven(policies) {
            ControlStatus::Foreign
        } else if self.possible {
            ControlStatus::Undetermined
        } else {
            ControlStatus::NotForeign
        }
    }
}

/// Control facts for every entity, computed once.
struct ControlIndex {
    /// The control network, kept when the index covers one target's part of the graph (its
    /// evidence is found on the same network).
    net: Option<ControlNetwork>,
    /// Parties foreign under each notion.
    foreign: [Vec<bool>; 2],
    /// Foreign (p. 5¹ "а" notion) controllers of each entity.
    controllers: FxHashMap<Node, Vec<PartyIdx>>,
    /// Entities all foreign persons together control, per notion (a foreign entity is itself a
    /// member of that group, so for it the group is recomputed without it).
    group: [FxHashSet<Node>; 2],
    /// Entities the undisclosed votes alone control.
    unknown: FxHashSet<Node>,
    /// Entities a foreign person could control with the undisclosed votes: who.
    potential: FxHashMap<Node, Vec<PartyIdx>>,
    /// With P2: entities all foreign persons together with the undisclosed votes could control.
    group_potential: [FxHashSet<Node>; 2],
    /// Facts of foreign entities under P2, each computed without the entity in the group.
    excluded: FxHashMap<(PartyIdx, usize), OnceLock<(bool, bool)>>,
    /// The parties any of the above is about, a bit each: of every other party, no control is
    /// known or possible (most companies; their facts are found without a lookup).
    subjects: Vec<u64>,
}

impl ControlIndex {
    fn build(graph: &Graph, scope: Option<&[bool]>, policies: &Policies) -> ControlIndex {
        let n = graph.len();
        let in_scope = |p: PartyIdx| scope.is_none_or(|s| s.get(p.index()).copied().unwrap_or(false));
        let foreign_mask = |regime: Regime| -> Vec<bool> {
            (0..n)
                .into_par_iter()
                .map(PartyIdx::new)
                .map(|p| in_scope(p) && foreignness(graph.party(p), regime, policies) == Foreignness::Foreign)
                .collect()
        };
        let (net, foreign_flags) = rayon::join(
            || ControlNetwork::build(graph, scope, &Fraction::half()),
            || [foreign_mask(Regime::Pak), foreign_mask(Regime::Eaeu)],
        );
        let members = |i: usize| -> Vec<PartyIdx> {
            (0..n).map(PartyIdx::new).filter(|&p| foreign_flags[i][p.index()]).collect()
        };
        let foreign = members(0);
        let foreign_eaeu = members(1);
        let unknown_seeds: Vec<Node> = net
            .unknown_nodes()
            .chain(
                (0..n)
                    .map(PartyIdx::new)
                    .filter(|&p| in_scope(p) && graph.party(p).kind == PartyKind::Unknown)
                    .map(Node::from),
            )
            .collect();
        // Who controls what alone, and three fixpoints of groups, over the same network and
        // independent of each other: on every thread.
        let controls_alone = || -> Vec<(Node, PartyIdx)> {
            foreign
                .par_iter()
                .filter(|&&f| net.has_influence(f))
                .map_init(FxHashMap::default, |sums, &f| {
                    reach(&net, &[f], sums).into_iter().map(|y| (y, f)).collect::<Vec<_>>()
                })
                .flatten()
                .collect()
        };
        let group_of = |members: &[PartyIdx]| -> FxHashSet<Node> {
            reach(&net, members, &mut FxHashMap::default()).into_iter().collect()
        };
        let (pairs, ((foreign_group, eaeu_group), base)) = rayon::join(controls_alone, || {
            rayon::join(
                || rayon::join(|| group_of(&foreign), || group_of(&foreign_eaeu)),
                || GroupControl::undisclosed_sums(&net, unknown_seeds.iter().copied()),
            )
        });
        let mut controllers: FxHashMap<Node, Vec<PartyIdx>> = FxHashMap::default();
        for (y, f) in pairs {
            controllers.entry(y).or_default().push(f);
        }
        for cs in controllers.values_mut() {
            cs.sort_unstable();
        }
        let group = [foreign_group, eaeu_group];
        let unknown: FxHashSet<Node> = base.controlled_since(0).collect();
        let mut potential: FxHashMap<Node, Vec<PartyIdx>> = FxHashMap::default();
        let mut group_potential = [FxHashSet::default(), FxHashSet::default()];
        let mut excluded = FxHashMap::default();
        if policies.aggregate_foreign {
            for (i, members) in [&foreign, &foreign_eaeu].into_iter().enumerate() {
                let mut gc = base.clone();
                gc.extend(&net, members.iter().copied());
                group_potential[i] = gc.controlled_since(0).collect();
                // A foreign entity is a member of the group: whether the others control it is
                // asked without it (only entities whose status can matter: companies and
                // nonprofits), on demand.
                for &f in members.iter() {
                    if graph.party(f).kind.is_organization() {
                        excluded.insert((f, i), OnceLock::new());
                    }
                }
            }
        } else {
            let found: Vec<(Node, PartyIdx)> = foreign
                .par_iter()
                .filter(|&&f| net.has_influence(f))
                .map_init(FxHashMap::default, |sums, &f| {
                    base.would_also_control(&net, &[f], sums).into_iter().map(|y| (y, f)).collect::<Vec<_>>()
                })
                .flatten()
                .collect();
            for (y, f) in found {
                potential.entry(y).or_default().push(f);
            }
            // Without P2 the group is only a warning, and only for entities that are not
            // foreign themselves (a foreign entity fails p. 5¹ "а" whoever controls it).
        }
        let mut subjects = vec![0u64; n.div_ceil(64)];
        let mut mark = |p: PartyIdx| {
            if let Some(word) = subjects.get_mut(p.index() / 64) {
                *word |= 1 << (p.index() % 64);
            }
        };
        let nodes = controllers.keys().chain(potential.keys()).chain(&unknown);
        for &y in nodes.chain(group.iter().flatten()).chain(group_potential.iter().flatten()) {
            net.party_of(y).into_iter().for_each(&mut mark);
        }
        excluded.keys().for_each(|&(f, _)| mark(f));
        let net = scope.is_some().then_some(net);
        ControlIndex {
            net,
            foreign: foreign_flags,
            controllers,
            group,
            unknown,
            potential,
            group_potential,
            excluded,
            subjects,
        }
    }

    /// True when some fact of the index is about `y`.
    fn is_subject(&self, y: PartyIdx) -> bool {
        self.subjects.get(y.index() / 64).is_some_and(|word| word >> (y.index() % 64) & 1 == 1)
    }

    /// The facts about `y` under the notion of `regime`.
    fn facts(&self, graph: &Graph, y: PartyIdx, regime: Regime, policies: &Policies) -> ControlFacts {
        if !self.is_subject(y) {
            return ControlFacts::default();
        }
        let i = notion(regime);
        let is_foreign = |f: PartyIdx| f != y && self.foreign[i].get(f.index()).copied().unwrap_or(false);
        let foreign_controllers: Vec<PartyIdx> = self
            .controllers
            .get(&Node::from(y))
            .map(|cs| cs.iter().copied().filter(|&f| is_foreign(f)).collect())
            .unwrap_or_default();
        let (jointly, group_possible) = match self.excluded.get(&(y, i)) {
            Some(cell) => *cell.get_or_init(|| excluded_facts(graph, y, i, policies)),
            None => (self.group[i].contains(&Node::from(y)), self.group_potential[i].contains(&Node::from(y))),
        };
        let possible = if !foreign_controllers.is_empty() || (policies.aggregate_foreign && jointly) {
            false
        } else if policies.aggregate_foreign {
            group_possible
        } else {
            self.unknown.contains(&Node::from(y))
                || self.potential.get(&Node::from(y)).is_some_and(|fs| fs.iter().any(|&f| is_foreign(f)))
        };
        ControlFacts { foreign_controllers, jointly, possible }
    }
}

/// Under P2, for a foreign entity `y`: do all other foreign persons together control it, and
/// could they with the undisclosed votes? Computed over the parties that can reach `y`.
fn excluded_facts(graph: &Graph, y: PartyIdx, notion: usize, policies: &Policies) -> (bool, bool) {
    let scope = control::scope_of(graph, y);
    let net = ControlNetwork::build(graph, Some(&scope), &Fraction::half());
    let regime = notion_regime(notion);
    let others: Vec<PartyIdx> = (0..graph.len())
        .map(PartyIdx::new)
        .filter(|&p| {
            p != y && scope[p.index()] && foreignness(graph.party(p), regime, policies) == Foreignness::Foreign
        })
        .collect();
    let jointly = GroupControl::of(&net, others.iter().copied()).controls(y);
    let unknown: Vec<Node> = net
        .unknown_nodes()
        .chain(
            (0..graph.len())
                .map(PartyIdx::new)
                .filter(|&p| scope[p.index()] && graph.party(p).kind == PartyKind::Unknown)
                .map(Node::from),
        )
        .collect();
    let mut gc = GroupControl::undisclosed(&net, unknown);
    gc.extend(&net, others);
    (jointly, gc.controls(y))
}

/// The law's values of holders for one participation regime.
struct LawValuation<'a> {
    graph: &'a Graph,
    regime: Regime,
    policies: Policies,
    control: &'a ControlIndex,
    /// Every party's value as a terminal holder, decided once.
    terminal: Vec<TerminalValue>,
}

fn terminal_value(status: Status) -> TerminalValue {
    match status {
        Status::Qualifying => TerminalValue::COUNTS,
        Status::Unknown => TerminalValue::UNKNOWN,
        Status::NotQualifying => TerminalValue::NOT,
    }
}

fn status_of_value(v: TerminalValue) -> Status {
    if v.counts {
        Status::Qualifying
    } else if v.unknown {
        Status::Unknown
    } else {
        Status::NotQualifying
    }
}

impl<'a> LawValuation<'a> {
    fn new(graph: &'a Graph, regime: Regime, policies: Policies, control: &'a ControlIndex) -> LawValuation<'a> {
        let terminal = graph
            .parties()
            .par_iter()
            .map(|party| terminal_value(judge(party, regime, &policies).map_or(Status::NotQualifying, |b| b.status())))
            .collect();
        LawValuation { graph, regime, policies, control, terminal }
    }
}

impl Valuation for LawValuation<'_> {
    fn terminal(&self, p: PartyIdx) -> TerminalValue {
        self.terminal.get(p.index()).copied().unwrap_or(TerminalValue::NOT)
    }

    fn nonprofit(&self, p: PartyIdx, share: &Fraction, unknown: &Fraction) -> TerminalValue {
        let facts = self.control.facts(self.graph, p, self.regime, &self.policies);
        let status = nonprofit::status_of(
            self.graph.party(p),
            self.regime,
            &self.policies,
            share,
            unknown,
            facts.status(&self.policies),
        );
        terminal_value(status)
    }
}

/// The participation answer of one target under one regime.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipationFacts {
    /// eligible / not_eligible / undetermined.
    pub verdict: Verdict,
    /// Proven share of qualifying holders (for a target that is not a commercial organization:
    /// 1 when it qualifies itself, else 0).
    pub share: Fraction,
    /// Upper bound, counting every undisclosed holder as qualifying.
    pub upper: Fraction,
}

/// A nonprofit's status under one regime, with the numbers it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct NonprofitFacts {
    /// Qualifying, not qualifying, or unknown.
    pub status: Status,
    /// The proven share of its supreme body formed by qualifying persons.
    pub governance: Fraction,
    /// That share counting every undisclosed member as qualifying.
    pub governance_upper: Fraction,
    /// The control test (b).
    pub control: ControlFacts,
    /// It sits in a cycle of holdings (its supreme body is formed, in part, through itself).
    pub in_cycle: bool,
}

/// The one-pass answers for a graph (or the part of it that reaches one target).
pub struct Engine<'g> {
    graph: &'g Graph,
    options: EngineOptions,
    participation: BatchResults,
    eaeu: bool,
    control: ControlIndex,
}

impl<'g> Engine<'g> {
    /// Every answer for every entity of `graph`: control for every entity, participation for
    /// every company and nonprofit under each regime asked for.
    ///
    /// Exact values are kept within the size budget for exact numbers
    /// ([`crate::fraction::set_exact_budget`]); beyond it a value keeps its certified interval,
    /// which decides the verdicts it can, and [`Engine::row`] says which values and verdicts
    /// could not be made exact.
    pub fn new(graph: &'g Graph, options: EngineOptions) -> Engine<'g> {
        Engine::build(graph, None, options)
    }

    /// The answers for `target`: the same engine over the parties with a chain of relations of
    /// any type into it (everything its answers depend on).
    pub fn for_target(graph: &'g Graph, target: PartyIdx, options: EngineOptions) -> Engine<'g> {
        let scope = control::scope_of(graph, target);
        Engine::build(graph, Some(&scope), options)
    }

    /// The engine over the parties marked in `scope` (closed under "holds" and control: every
    /// party with a relation into a marked party is marked), with the size budget: `screen`
    /// of one shard or of the part of a register a change reaches.
    pub fn for_scope(graph: &'g Graph, scope: &[bool], options: EngineOptions) -> Engine<'g> {
        Engine::build(graph, Some(scope), options)
    }

    fn build(graph: &'g Graph, scope: Option<&[bool]>, options: EngineOptions) -> Engine<'g> {
        let measure = options.policies.participation_base.measure();
        let with_eaeu = options.regimes.contains(&Regime::Eaeu);
        // `ru` is computed for every row; for one target asked only about control, not at all.
        let wanted = !(scope.is_some() && !with_eaeu && !options.regimes.contains(&Regime::Ru));
        // Control first, then participation: the control network is freed when its index is
        // made, and the participation's nodes reuse its memory (built at once, the two needed
        // 300 MB more at 3.5 M companies, for no gain in time).
        let control = ControlIndex::build(graph, scope, &options.policies);
        let regimes: &[Regime] = if with_eaeu { &[Regime::Ru, Regime::Eaeu] } else { &[Regime::Ru] };
        let valuations: Vec<LawValuation> =
            regimes.iter().map(|&r| LawValuation::new(graph, r, options.policies, &control)).collect();
        let valuations: Vec<&dyn Valuation> = valuations.iter().map(|v| v as &dyn Valuation).collect();
        let participation =
            if wanted { batch::all(graph, measure, scope, &valuations, true) } else { BatchResults::default() };
        let eaeu = with_eaeu;
        Engine { graph, options, participation, eaeu, control }
    }

    /// The control network of an engine built for one target ([`Engine::for_target`]), on which
    /// the evidence of any party of its scope can be found.
    pub fn network(&self) -> Option<&ControlNetwork> {
        self.control.net.as_ref()
    }

    /// The graph.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The policies.
    pub fn policies(&self) -> &Policies {
        &self.options.policies
    }

    /// The regimes asked for.
    pub fn regimes(&self) -> &BTreeSet<Regime> {
        &self.options.regimes
    }

    fn node(&self, p: PartyIdx, regime: Regime) -> Option<&NodeResult> {
        match regime {
            Regime::Ru | Regime::Pak => self.participation.get(p, 0),
            Regime::Eaeu if self.eaeu => self.participation.get(p, 1),
            Regime::Eaeu => None,
        }
    }

    fn closed_loop(&self, r: &NodeResult) -> Result<(), ClosedLoopError> {
        match &r.closed_loop {
            Some(l) => Err(ClosedLoopError::Loop(l.iter().map(|&p| self.graph.party(p).id.to_string()).collect())),
            None => Ok(()),
        }
    }

    /// The control facts of entity `y` under the foreign notion of `regime`.
    pub fn control_facts(&self, y: PartyIdx, regime: Regime) -> ControlFacts {
        self.control.facts(self.graph, y, regime, &self.options.policies)
    }

    /// A nonprofit's status under `regime` (`None` for other parties, or when `eaeu` was not
    /// asked for).
    pub fn nonprofit(&self, n: PartyIdx, regime: Regime) -> Result<Option<NonprofitFacts>, ClosedLoopError> {
        if self.graph.party(n).kind != PartyKind::Nonprofit {
            return Ok(None);
        }
        let Some(r) = self.node(n, regime) else { return Ok(None) };
        self.closed_loop(r)?;
        let (Some(Standing::Decided(v)), Some(share), Some(unknown)) =
            (r.status(), r.share.exact_value(), r.unknown.exact_value())
        else {
            return Err(self.not_exact(n));
        };
        Ok(Some(NonprofitFacts {
            status: status_of_value(v),
            governance: share.clone(),
            governance_upper: share + unknown,
            control: self.control_facts(n, regime),
            in_cycle: r.in_cycle,
        }))
    }

    /// A value an answer needs exactly is beyond the size budget for exact numbers.
    fn not_exact(&self, p: PartyIdx) -> ClosedLoopError {
        ClosedLoopError::not_exact(vec![self.graph.party(p).id.to_string()])
    }

    /// The status of nonprofit `n` under `regime` as the sweep decided it (exactly, or from
    /// certified bounds), `None` when it could not be decided within the size budget.
    fn nonprofit_standing(&self, n: PartyIdx, regime: Regime) -> Result<Option<Status>, ClosedLoopError> {
        let Some(r) = self.node(n, regime) else { return Ok(Some(Status::Unknown)) };
        self.closed_loop(r)?;
        Ok(match r.status() {
            Some(Standing::Decided(v)) => Some(status_of_value(v)),
            Some(Standing::Undecided) => None,
            None => Some(Status::Unknown),
        })
    }

    /// The status of any holder under `regime`: a terminal holder's by [`judge`], a nonprofit's
    /// from the engine, a company's "not qualifying" (its holders are followed instead).
    pub fn holder_status(&self, p: PartyIdx, regime: Regime) -> Result<Status, ClosedLoopError> {
        let party = self.graph.party(p);
        Ok(match party.kind {
            PartyKind::Company => Status::NotQualifying,
            PartyKind::Nonprofit => self.nonprofit(p, regime)?.map_or(Status::Unknown, |f| f.status),
            _ => judge(party, regime, &self.options.policies).map_or(Status::NotQualifying, |b| b.status()),
        })
    }

    /// The participation answer of `t` under `regime` (`ru` or `eaeu`).
    pub fn participation(&self, t: PartyIdx, regime: Regime) -> Result<ParticipationFacts, ClosedLoopError> {
        let r = self.row_participation(t, regime)?;
        match (r.verdict, r.share, r.upper) {
            (Some(verdict), Value::Exact(share), Value::Exact(upper)) => {
                Ok(ParticipationFacts { verdict, share, upper })
            }
            _ => Err(self.not_exact(t)),
        }
    }

    /// The participation answer of `t` under `regime` as a row gives it: exact values when
    /// within the size budget, else certified bounds, and the verdict whenever the exact value
    /// or the bounds decide it (`None` when neither can).
    pub fn row_participation(&self, t: PartyIdx, regime: Regime) -> Result<RowParticipation, ClosedLoopError> {
        let party = self.graph.party(t);
        if party.kind == PartyKind::Company {
            let r = self.node(t, regime).ok_or_else(|| ClosedLoopError::Loop(Vec::new()))?;
            self.closed_loop(r)?;
            let upper = r.share.add(&r.unknown);
            let verdict = match (r.share.exact_value(), upper.exact_value()) {
                (Some(share), Some(upper)) => {
                    Some(participation::verdict_of(party, regime, share, upper, Status::NotQualifying))
                }
                // The verdict from the sides of one half the bounds certify: values on the same
                // sides give the same verdict.
                _ => match (r.share.iv().above_half(), upper.iv().above_half()) {
                    (Some(a), Some(b)) => {
                        let side = |above: bool| if above { Fraction::one() } else { Fraction::zero() };
                        Some(participation::verdict_of(party, regime, &side(a), &side(b), Status::NotQualifying))
                    }
                    _ if regime == Regime::Ru && !party.country.is_some_and(|c| c.is_russia()) => {
                        Some(Verdict::NotEligible)
                    }
                    _ => None,
                },
            };
            return Ok(RowParticipation { verdict, share: r.share.clone(), upper });
        }
        let own = match party.kind {
            PartyKind::Nonprofit => self.nonprofit_standing(t, regime)?,
            _ => Some(self.holder_status(t, regime)?),
        };
        let Some(own) = own else {
            let unit = Value::bounds(crate::analysis::interval::Interval::UNIT);
            return Ok(RowParticipation { verdict: None, share: unit.clone(), upper: unit });
        };
        let (share, upper) = match own {
            Status::Qualifying => (Fraction::one(), Fraction::one()),
            Status::NotQualifying => (Fraction::zero(), Fraction::zero()),
            Status::Unknown => (Fraction::zero(), Fraction::one()),
        };
        let verdict = participation::verdict_of(party, regime, &share, &upper, own);
        Ok(RowParticipation { verdict: Some(verdict), share: Value::exact(share), upper: Value::exact(upper) })
    }

    /// The `pak` verdict of `t` and the control facts it rests on.
    pub fn pak(&self, t: PartyIdx) -> (Verdict, ControlFacts) {
        let party = self.graph.party(t);
        // Not a Russian legal entity: p. 5¹ "а" fails whoever controls it (its controllers are
        // still named).
        let facts = self.control_facts(t, Regime::Pak);
        (control::verdict_of(party, facts.status(&self.options.policies)), facts)
    }

    /// Targets of `screen --all`: every company.
    pub fn all_targets(&self) -> Vec<PartyIdx> {
        self.graph.party_indices().filter(|&p| self.graph.party(p).kind == PartyKind::Company).collect()
    }

    /// The row of one target.
    pub fn row(&self, t: PartyIdx) -> Result<ScreenRow, ClosedLoopError> {
        self.answers(t).map(RowAnswers::into_row)
    }

    /// The answers of one target's row, its party borrowed from the graph (no text copied).
    pub fn answers(&self, t: PartyIdx) -> Result<RowAnswers<'g>, ClosedLoopError> {
        let party = self.graph.party(t);
        let mut notes = Vec::new();
        let mut regimes = RowRegimes::default();
        let ru = self.row_participation(t, Regime::Ru)?;
        let unknown_share = match (ru.share.exact_value(), ru.upper.exact_value()) {
            (Some(s), Some(u)) => Value::exact(u - s),
            _ => Value::bounds(ru.upper.iv().minus(ru.share.iv()).clamp_unit()),
        };
        if self.options.regimes.contains(&Regime::Ru) {
            if party.kind == PartyKind::Company && !party.country.is_some_and(|c| c.is_russia()) {
                notes.push("not_russian");
            }
            regimes.ru = Some(ru);
        }
        if self.eaeu {
            regimes.eaeu = Some(self.row_participation(t, Regime::Eaeu)?);
        }
        let exact = |p: &Option<RowParticipation>| p.as_ref().is_none_or(|p| p.share.is_exact() && p.upper.is_exact());
        if !exact(&regimes.ru) || !exact(&regimes.eaeu) || !unknown_share.is_exact() {
            notes.push("not_exact");
        }
        if self.options.regimes.contains(&Regime::Pak) {
            let (verdict, facts) = self.pak(t);
            if facts.jointly && facts.foreign_controllers.is_empty() && !self.options.policies.aggregate_foreign {
                notes.push("foreign_jointly");
            }
            let mut controllers: Vec<RowController> = facts
                .foreign_controllers
                .iter()
                .map(|&f| RowController { id: self.graph.party(f).id.to_string(), foreign: true, group: false })
                .collect();
            if controllers.is_empty() && facts.jointly && self.options.policies.aggregate_foreign {
                controllers.push(RowController { id: "foreign_group".into(), foreign: true, group: true });
            }
            regimes.pak = Some(RowControl { verdict, controllers });
        }
        let node = self.node(t, Regime::Ru);
        Ok(RowAnswers {
            party,
            regimes,
            ultimate_holders: node.map_or(0, |r| r.holders),
            ultimate_holders_capped: node.is_some_and(|r| r.holders_capped),
            unknown_share,
            in_cycle: node.is_some_and(|r| r.in_cycle),
            notes,
        })
    }
}

/// A participation answer in a row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowParticipation {
    /// eligible / not_eligible / undetermined; `None` (`not_exact`) when the value is beyond
    /// the size budget for exact numbers and its certified bounds straddle one half.
    #[serde(serialize_with = "verdict_or_not_exact")]
    pub verdict: Option<Verdict>,
    /// Proven share (exact, or certified bounds beyond the size budget).
    pub share: Value,
    /// Upper bound (likewise).
    pub upper: Value,
}

fn verdict_or_not_exact<S: serde::Serializer>(v: &Option<Verdict>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => v.serialize(s),
        None => s.serialize_str("not_exact"),
    }
}

/// A foreign controller in a row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowController {
    /// Party id (`foreign_group` for all foreign persons together under P2).
    pub id: String,
    /// Always true: rows list the foreign controllers.
    pub foreign: bool,
    /// True for all foreign persons together (policy P2).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub group: bool,
}

/// The control answer in a row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowControl {
    /// eligible / not_eligible / undetermined.
    pub verdict: Verdict,
    /// The foreign controllers.
    pub controllers: Vec<RowController>,
}

/// The answers per regime in a row.
#[derive(Clone, Debug, Serialize, Default, PartialEq)]
pub struct RowRegimes {
    /// p. 5 "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ru: Option<RowParticipation>,
    /// p. 42 "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eaeu: Option<RowParticipation>,
    /// p. 5¹ "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pak: Option<RowControl>,
}

/// One target's row as [`Engine::answers`] gives it: a [`ScreenRow`] whose id, name and country
/// are still the graph's party.
#[derive(Clone, Debug)]
pub struct RowAnswers<'g> {
    /// The target.
    pub party: &'g Party,
    /// The answers.
    pub regimes: RowRegimes,
    /// Number of ultimate holders.
    pub ultimate_holders: u32,
    /// True when there are at least that many (the count stops at 10 000).
    pub ultimate_holders_capped: bool,
    /// Share of undisclosed holders (the `ru` upper bound less its share).
    pub unknown_share: Value,
    /// The target sits in an ownership cycle (or holds its own shares).
    pub in_cycle: bool,
    /// Remarks, as in [`ScreenRow::notes`].
    pub notes: Vec<&'static str>,
}

impl RowAnswers<'_> {
    /// The row with its own copy of the party's id, name and country.
    pub fn into_row(self) -> ScreenRow {
        ScreenRow {
            target: self.party.id.to_string(),
            name: self.party.name.to_string(),
            country: self.party.country.map(|c| c.to_string()),
            regimes: self.regimes,
            ultimate_holders: self.ultimate_holders,
            ultimate_holders_capped: self.ultimate_holders_capped,
            unknown_share: self.unknown_share,
            in_cycle: self.in_cycle,
            notes: self.notes,
        }
    }
}

/// One target's row of `screen`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScreenRow {
    /// Target id.
    pub target: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: Option<String>,
    /// The answers.
    pub regimes: RowRegimes,
    /// Number of ultimate holders.
    pub ultimate_holders: u32,
    /// True when there are at least that many (the count stops at 10 000).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ultimate_holders_capped: bool,
    /// Share of undisclosed holders (the `ru` upper bound less its share).
    pub unknown_share: Value,
    /// The target sits in an ownership cycle (or holds its own shares).
    pub in_cycle: bool,
    /// Remarks: `not_russian`, `foreign_jointly`, `not_exact` (a value beyond the size budget
    /// for exact numbers: certified bounds instead of the fraction).
    pub notes: Vec<&'static str>,
}
