//! Screening many rights holders in one run (issue 6): the verdicts of p. 5 "а", p. 42 "а" and
//! p. 5¹ "а" for every target, from one pass over the graph instead of one analysis per target.
//!
//! Participation comes from [`batch::all`](crate::analysis::batch::all), with the law's values of
//! terminal holders and nonprofits (the same rules as [`check`](super::check)). Control comes from
//! one run of the control fixpoint per foreign person, one for the undisclosed votes, and one per
//! foreign person on top of those (the undetermined rule), each reused by every target. A target
//! the one-pass answer cannot give (not a company, or below a cycle through a nonprofit) is
//! answered by [`check`](super::check) itself, so every row equals `check`'s answer.

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::check::{self, CheckOptions};
use super::nonprofit::ClosedLoopError;
use super::policy::{NonprofitStatus, Policies, Regime};
use super::qualify::{Foreignness, Status, foreignness, judge};
use super::verdict::Verdict;
use crate::analysis::batch::{self, BatchResults, TerminalValue, Valuation};
use crate::analysis::control::reach;
use crate::analysis::{ChainLimits, ControlNetwork, GroupControl, Node};
use crate::fraction::Fraction;
use crate::model::{Graph, PartyIdx, PartyKind};

/// A participation answer in a row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowParticipation {
    /// eligible / not_eligible / undetermined.
    pub verdict: Verdict,
    /// Proven share.
    pub share: Fraction,
    /// Upper bound.
    pub upper: Fraction,
}

/// A controller in a row.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowController {
    /// Party id.
    pub id: String,
    /// Always true: rows list the foreign controllers.
    pub foreign: bool,
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

/// One target's row.
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
    pub unknown_share: Fraction,
    /// The target sits in an ownership cycle (or holds its own shares).
    pub in_cycle: bool,
    /// Remarks: `checked_individually`, `not_russian`, `foreign_jointly`.
    pub notes: Vec<&'static str>,
}

/// What to screen and how.
#[derive(Clone, Debug)]
pub struct ScreenOptions {
    /// The regimes to answer.
    pub regimes: BTreeSet<Regime>,
    /// The policies.
    pub policies: Policies,
}

/// Control facts for every entity, computed once.
struct ControlIndex {
    /// Foreign (p. 5¹ "а" notion) controllers of each entity.
    controllers: FxHashMap<Node, Vec<PartyIdx>>,
    /// Entities the group of all foreign persons controls, per notion (pak, eaeu).
    group: [FxHashSet<Node>; 2],
    /// Entities the undisclosed votes alone control.
    unknown: FxHashSet<Node>,
    /// Entities a foreign person could control with the undisclosed votes: who.
    potential: FxHashMap<Node, Vec<PartyIdx>>,
    /// With P2: entities all foreign persons together with the undisclosed votes could control.
    group_potential: [FxHashSet<Node>; 2],
}

fn notion(regime: Regime) -> usize {
    usize::from(regime == Regime::Eaeu)
}

impl ControlIndex {
    fn build(graph: &Graph, policies: &Policies) -> ControlIndex {
        let timing = std::env::var_os("OWNGRAPH_TIMING").is_some();
        let t0 = std::time::Instant::now();
        let net = ControlNetwork::build(graph, None, &Fraction::half());
        if timing {
            eprintln!("timing: control network {:.2} s", t0.elapsed().as_secs_f64());
        }
        let n = graph.len() as PartyIdx;
        let foreign_of = |regime: Regime| -> Vec<Node> {
            (0..n).filter(|&p| foreignness(graph.party(p), regime, policies) == Foreignness::Foreign).collect()
        };
        let foreign = foreign_of(Regime::Pak);
        let foreign_eaeu = foreign_of(Regime::Eaeu);
        let pairs: Vec<(Node, PartyIdx)> = foreign
            .par_iter()
            .filter(|&&f| net.has_influence(f))
            .map_init(FxHashMap::default, |sums, &f| {
                reach(&net, &[f], sums).into_iter().map(|y| (y, f)).collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        let mut controllers: FxHashMap<Node, Vec<PartyIdx>> = FxHashMap::default();
        for (y, f) in pairs {
            controllers.entry(y).or_default().push(f);
        }
        if timing {
            eprintln!("timing: foreign controllers {:.2} s", t0.elapsed().as_secs_f64());
        }
        let mut sums = FxHashMap::default();
        let group = [
            reach(&net, &foreign, &mut sums).into_iter().collect(),
            reach(&net, &foreign_eaeu, &mut sums).into_iter().collect(),
        ];
        let unknown_seeds: Vec<Node> =
            net.unknown_nodes().chain((0..n).filter(|&p| graph.party(p).kind == PartyKind::Unknown)).collect();
        if timing {
            eprintln!("timing: foreign groups {:.2} s", t0.elapsed().as_secs_f64());
        }
        let base = GroupControl::undisclosed(&net, unknown_seeds.iter().copied());
        if timing {
            eprintln!("timing: undisclosed votes {:.2} s", t0.elapsed().as_secs_f64());
        }
        let unknown: FxHashSet<Node> = base.controlled_since(0).collect();
        let mut potential: FxHashMap<Node, Vec<PartyIdx>> = FxHashMap::default();
        let mut group_potential = [FxHashSet::default(), FxHashSet::default()];
        if policies.aggregate_foreign {
            for (i, members) in [&foreign, &foreign_eaeu].into_iter().enumerate() {
                let mut gc = base.clone();
                gc.extend(&net, members.iter().copied());
                group_potential[i] = gc.controlled_since(0).collect();
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
        }
        ControlIndex { controllers, group, unknown, potential, group_potential }
    }

    fn foreign_controllers(&self, graph: &Graph, y: PartyIdx, regime: Regime, policies: &Policies) -> Vec<PartyIdx> {
        let mut v: Vec<PartyIdx> = self
            .controllers
            .get(&y)
            .map(|cs| {
                cs.iter()
                    .copied()
                    .filter(|&f| f != y && foreignness(graph.party(f), regime, policies) == Foreignness::Foreign)
                    .collect()
            })
            .unwrap_or_default();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Foreign control proven, under `regime`'s notion (a controller, or the group under P2).
    fn foreign_proven(&self, graph: &Graph, y: PartyIdx, regime: Regime, policies: &Policies) -> bool {
        !self.foreign_controllers(graph, y, regime, policies).is_empty()
            || (policies.aggregate_foreign && self.group[notion(regime)].contains(&y))
    }

    /// Undisclosed votes could give a foreign person control (asked only when none is proven).
    fn could_be_controlled(&self, graph: &Graph, y: PartyIdx, regime: Regime, policies: &Policies) -> bool {
        if policies.aggregate_foreign {
            self.group_potential[notion(regime)].contains(&y)
        } else {
            self.unknown.contains(&y)
                || self.potential.get(&y).is_some_and(|fs| {
                    fs.iter().any(|&f| f != y && foreignness(graph.party(f), regime, policies) == Foreignness::Foreign)
                })
        }
    }
}

struct LawValuation<'a> {
    graph: &'a Graph,
    regime: Regime,
    policies: Policies,
    control: &'a ControlIndex,
    /// Every party's value as a terminal holder, decided once (a compact array reads faster
    /// than the parties themselves).
    terminal: Vec<TerminalValue>,
}

impl<'a> LawValuation<'a> {
    fn new(graph: &'a Graph, regime: Regime, policies: Policies, control: &'a ControlIndex) -> LawValuation<'a> {
        let terminal = graph
            .parties()
            .par_iter()
            .map(|party| match judge(party, regime, &policies).map(|b| b.status()) {
                Some(Status::Qualifying) => TerminalValue::COUNTS,
                Some(Status::Unknown) => TerminalValue::UNKNOWN,
                Some(Status::NotQualifying) | None => TerminalValue::NOT,
            })
            .collect();
        LawValuation { graph, regime, policies, control, terminal }
    }
}

impl Valuation for LawValuation<'_> {
    fn terminal(&self, p: PartyIdx) -> TerminalValue {
        self.terminal.get(p as usize).copied().unwrap_or(TerminalValue::NOT)
    }

    /// The rules of [`super::nonprofit`]: country, declaration (P3), part (a) from the supreme
    /// body, part (b) from control.
    fn nonprofit(&self, p: PartyIdx, share: &Fraction, unknown: &Fraction) -> TerminalValue {
        let party = self.graph.party(p);
        if self.regime != Regime::Eaeu && !party.country.is_some_and(|c| c.is_russia()) {
            return TerminalValue::NOT;
        }
        let declared = party.declared().and_then(|d| match self.regime {
            Regime::Ru | Regime::Pak => d.ru,
            Regime::Eaeu => d.eaeu,
        });
        if let Some(v) = declared
            && self.policies.nonprofit_status == NonprofitStatus::Declared
        {
            return if v { TerminalValue::COUNTS } else { TerminalValue::NOT };
        }
        let foreign = self.control.foreign_proven(self.graph, p, self.regime, &self.policies);
        let undetermined = !foreign && self.control.could_be_controlled(self.graph, p, self.regime, &self.policies);
        let lo = share.exceeds_half() && !foreign && !undetermined;
        let hi = (share + unknown).exceeds_half() && !foreign;
        if lo {
            TerminalValue::COUNTS
        } else if !hi {
            TerminalValue::NOT
        } else {
            TerminalValue::UNKNOWN
        }
    }
}

/// The one-pass answers for a whole graph, from which rows are read.
pub struct Screen<'g> {
    graph: &'g Graph,
    options: ScreenOptions,
    participation: BatchResults,
    eaeu: bool,
    control: ControlIndex,
}

impl<'g> Screen<'g> {
    /// Computes everything the rows need: control for every entity, participation for every
    /// company under each regime asked for (both regimes in parallel).
    pub fn new(graph: &'g Graph, options: ScreenOptions) -> Screen<'g> {
        let timing = std::env::var_os("OWNGRAPH_TIMING").is_some();
        let started = std::time::Instant::now();
        let control = ControlIndex::build(graph, &options.policies);
        if timing {
            eprintln!("timing: control index {:.2} s", started.elapsed().as_secs_f64());
        }
        let measure = options.policies.participation_base.measure();
        let value = |regime: Regime| LawValuation::new(graph, regime, options.policies, &control);
        let (ru, eaeu) = (value(Regime::Ru), value(Regime::Eaeu));
        // `ru` is always computed: it also gives every row its holder count and unknown share.
        let mut valuations: Vec<&dyn Valuation> = vec![&ru];
        if options.regimes.contains(&Regime::Eaeu) {
            valuations.push(&eaeu);
        }
        let participation = batch::all(graph, measure, &valuations);
        let eaeu = valuations.len() > 1;
        if timing {
            eprintln!("timing: participation {:.2} s", started.elapsed().as_secs_f64());
        }
        Screen { graph, options, participation, eaeu, control }
    }

    /// Targets of `--all`: every company.
    pub fn all_targets(&self) -> Vec<PartyIdx> {
        (0..self.graph.len() as PartyIdx).filter(|&p| self.graph.party(p).kind == PartyKind::Company).collect()
    }

    /// The row of one target.
    pub fn row(&self, t: PartyIdx) -> Result<ScreenRow, ClosedLoopError> {
        let party = self.graph.party(t);
        let ru = self.participation.get(t, 0);
        let eaeu = if self.eaeu { self.participation.get(t, 1) } else { None };
        let deferred = ru.is_some_and(|r| r.deferred) || eaeu.is_some_and(|r| r.deferred);
        // Under P2 a group controller is named after its members: check says who they are.
        // (A foreign target is itself in the global group, so the group's control of it is
        // asked of check as well.)
        let p2_group = self.options.policies.aggregate_foreign
            && (self.control.group[0].contains(&t)
                || foreignness(party, Regime::Pak, &self.options.policies) == Foreignness::Foreign)
            && self.control.foreign_controllers(self.graph, t, Regime::Pak, &self.options.policies).is_empty();
        if party.kind != PartyKind::Company || deferred || ru.is_none() || p2_group {
            return self.row_by_check(t);
        }
        let ru = ru.ok_or_else(|| ClosedLoopError(Vec::new()))?;
        let mut notes = Vec::new();
        let russian = party.country.is_some_and(|c| c.is_russia());
        let mut regimes = RowRegimes::default();
        if self.options.regimes.contains(&Regime::Ru) {
            let upper = &ru.share + &ru.unknown;
            let verdict = if russian { Verdict::of_interval(&ru.share, &upper) } else { Verdict::NotEligible };
            if !russian {
                notes.push("not_russian");
            }
            regimes.ru = Some(RowParticipation { verdict, share: ru.share.clone(), upper });
        }
        if let Some(e) = eaeu {
            let upper = &e.share + &e.unknown;
            regimes.eaeu = Some(RowParticipation {
                verdict: Verdict::of_interval(&e.share, &upper),
                share: e.share.clone(),
                upper,
            });
        }
        if self.options.regimes.contains(&Regime::Pak) {
            let p = &self.options.policies;
            let foreign = self.control.foreign_controllers(self.graph, t, Regime::Pak, p);
            let group = self.control.group[0].contains(&t) && foreign.is_empty();
            let russian_entity = party.kind.is_organization() && russian;
            let verdict = if !russian_entity || !foreign.is_empty() || (group && p.aggregate_foreign) {
                Verdict::NotEligible
            } else if self.control.could_be_controlled(self.graph, t, Regime::Pak, p) {
                Verdict::Undetermined
            } else {
                Verdict::Eligible
            };
            if group && !p.aggregate_foreign {
                notes.push("foreign_jointly");
            }
            let controllers =
                foreign.iter().map(|&f| RowController { id: self.graph.party(f).id.clone(), foreign: true }).collect();
            regimes.pak = Some(RowControl { verdict, controllers });
        }
        Ok(ScreenRow {
            target: party.id.clone(),
            name: party.name.clone(),
            country: party.country.map(|c| c.to_string()),
            regimes,
            ultimate_holders: ru.holders,
            ultimate_holders_capped: ru.holders_capped,
            unknown_share: ru.unknown.clone(),
            in_cycle: ru.in_cycle,
            notes,
        })
    }

    /// A row from [`check`](super::check) itself.
    fn row_by_check(&self, t: PartyIdx) -> Result<ScreenRow, ClosedLoopError> {
        let limits = ChainLimits { per_holder: 0, total: 0, work: 0 };
        let options = CheckOptions {
            regimes: self.options.regimes.clone(),
            policies: self.options.policies,
            chain_limits: limits,
        };
        let mut with_ru = options.clone();
        with_ru.regimes.insert(Regime::Ru);
        let r = check::check(self.graph, t, &with_ru)?;
        let party = self.graph.party(t);
        let part = |a: &Option<super::participation::ParticipationAssessment>| {
            a.as_ref().map(|a| RowParticipation { verdict: a.verdict, share: a.share.clone(), upper: a.upper.clone() })
        };
        let ru = r.regimes.ru.as_ref();
        let mut notes = vec!["checked_individually"];
        if party.kind == PartyKind::Company && !party.country.is_some_and(|c| c.is_russia()) {
            notes.push("not_russian");
        }
        if r.regimes.pak.as_ref().is_some_and(|p| p.warnings.iter().any(|w| w.code == "warning.foreign_jointly")) {
            notes.push("foreign_jointly");
        }
        let regimes = RowRegimes {
            ru: if self.options.regimes.contains(&Regime::Ru) { part(&r.regimes.ru) } else { None },
            eaeu: part(&r.regimes.eaeu),
            pak: r.regimes.pak.as_ref().map(|p| RowControl {
                verdict: p.verdict,
                controllers: p
                    .controllers
                    .iter()
                    .filter(|c| c.foreign)
                    .map(|c| RowController { id: c.id.clone(), foreign: true })
                    .collect(),
            }),
        };
        Ok(ScreenRow {
            target: party.id.clone(),
            name: party.name.clone(),
            country: party.country.map(|c| c.to_string()),
            regimes,
            ultimate_holders: ru.map(|a| a.holders.len() as u32).unwrap_or(0),
            ultimate_holders_capped: false,
            unknown_share: ru.map(|a| &a.upper - &a.share).unwrap_or_default(),
            in_cycle: !r.graph.cycles.iter().all(|c| !c.contains(&party.id)),
            notes,
        })
    }
}
