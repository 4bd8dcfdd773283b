//! Nonprofits "без преобладающего иностранного участия" (p. 5 "а" paragraph 5, p. 42 "а"
//! paragraph 3; docs/DOMAIN.md, "Nonprofits"): (a) qualifying persons of the regime form more than
//! half of the supreme governing body, directly or through companies, and (b) no foreign person
//! can determine its decisions. Policy P3 lets a declaration in the input stand instead.
//!
//! A nonprofit's status depends on the statuses of the nonprofits that form it, possibly in a
//! circle. The statuses are the least fixpoint of that dependency, as an interval per
//! nonprofit: the lower bound counts proven qualifying members only, the upper bound also the
//! undisclosed ones. A circle that never reaches a qualifying person does not qualify.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::control;
use super::policy::{NonprofitStatus, Policies, Regime};
use super::qualify::{Classification, Status, judge};
use super::wording::{Param, Statement};
use crate::analysis::{Ancestry, Measure, Terminal, attribute};
use crate::fraction::Fraction;
use crate::model::{Graph, PartyIdx, PartyKind};

/// The status of one nonprofit under one regime, with its grounds.
#[derive(Clone, Debug, Serialize)]
pub struct NonprofitFinding {
    /// Party id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Qualifying, not qualifying, or unknown.
    pub status: Status,
    /// True when the status is the input's declaration, not computed.
    pub declared: bool,
    /// Proven share of the supreme body formed by qualifying persons (when computed).
    pub governance: Option<Fraction>,
    /// Upper bound of that share, counting undisclosed members.
    pub governance_upper: Option<Fraction>,
    /// A foreign controller that removes it (part b), if any.
    pub foreign_controller: Option<String>,
    /// The chain of that control.
    pub controller_chain: Vec<String>,
    /// True when undisclosed votes or members could give a foreign person control.
    pub control_undetermined: bool,
    /// Why, in words.
    pub basis: Statement,
}

impl NonprofitFinding {
    /// The finding as a holder classification.
    pub fn classification(&self) -> Classification {
        Classification { status: self.status, basis: self.basis.clone() }
    }
}

/// The ownership equations of some companies have no solution (closed loop on the measure used).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("closed ownership loop: {} own each other entirely with no outside holder", .0.join(", "))]
pub struct ClosedLoopError(pub Vec<String>);

enum Fixed {
    Status(Status, Statement),
}

struct Pending {
    terminals: Vec<(Terminal, Fraction)>,
    foreign: Option<(String, Vec<String>)>,
    control_undetermined: bool,
}

/// Computes and remembers nonprofit statuses for one regime.
pub struct Nonprofits<'g> {
    graph: &'g Graph,
    regime: Regime,
    policies: Policies,
    measure: Measure,
    found: HashMap<PartyIdx, NonprofitFinding>,
    notes: Vec<Statement>,
}

impl<'g> Nonprofits<'g> {
    /// A resolver for `regime` under `policies`.
    pub fn new(graph: &'g Graph, regime: Regime, policies: Policies) -> Nonprofits<'g> {
        Nonprofits {
            graph,
            regime,
            policies,
            measure: policies.participation_base.measure(),
            found: HashMap::new(),
            notes: Vec::new(),
        }
    }

    /// The finding for a nonprofit already resolved.
    pub fn get(&self, p: PartyIdx) -> Option<&NonprofitFinding> {
        self.found.get(&p)
    }

    /// Notes gathered (declarations that differ from computation).
    pub fn notes(&self) -> &[Statement] {
        &self.notes
    }

    /// All findings, by id.
    pub fn findings(&self) -> Vec<NonprofitFinding> {
        let mut v: Vec<NonprofitFinding> = self.found.values().cloned().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    fn declared(&self, p: PartyIdx) -> Option<(bool, String)> {
        let d = self.graph.party(p).declared()?;
        let v = match self.regime {
            Regime::Ru | Regime::Pak => d.ru,
            Regime::Eaeu => d.eaeu,
        }?;
        Some((v, d.reason.clone()))
    }

    fn declared_statement(v: bool, reason: &str) -> Statement {
        Statement::new(if v { "qual.nonprofit_declared_yes" } else { "qual.nonprofit_declared_no" })
            .with("reason", Param::text(reason))
    }

    /// Resolves the statuses of `roots` and of every nonprofit they depend on.
    pub fn resolve(&mut self, roots: &[PartyIdx]) -> Result<(), ClosedLoopError> {
        let g = self.graph;
        let mut fixed: HashMap<PartyIdx, Fixed> = HashMap::new();
        let mut pending: HashMap<PartyIdx, Pending> = HashMap::new();
        let mut queue: VecDeque<PartyIdx> = roots.iter().copied().filter(|p| !self.found.contains_key(p)).collect();
        let mut seen: std::collections::HashSet<PartyIdx> = queue.iter().copied().collect();
        while let Some(n) = queue.pop_front() {
            let party = g.party(n);
            if party.kind != PartyKind::Nonprofit {
                continue;
            }
            if self.regime != Regime::Eaeu && !party.country.is_some_and(|c| c.is_russia()) {
                let country = party.country.map(|c| c.to_string()).unwrap_or_default();
                fixed.insert(
                    n,
                    Fixed::Status(
                        Status::NotQualifying,
                        Statement::new("qual.nonprofit_foreign").with("country", Param::text(country)),
                    ),
                );
                continue;
            }
            if let Some((v, reason)) = self.declared(n)
                && self.policies.nonprofit_status == NonprofitStatus::Declared
            {
                let status = if v { Status::Qualifying } else { Status::NotQualifying };
                fixed.insert(n, Fixed::Status(status, Self::declared_statement(v, &reason)));
                continue;
            }
            let ancestry = Ancestry::collect(g, n, self.measure);
            let at = match attribute(&ancestry) {
                Ok(at) => at,
                // The nonprofit forms itself entirely through companies it owns: nobody outside
                // forms it, so no qualifying person does.
                Err(l) if l.0.contains(&n) => {
                    fixed.insert(n, Fixed::Status(Status::NotQualifying, Statement::new("qual.nonprofit_circular")));
                    continue;
                }
                Err(l) => return Err(ClosedLoopError(l.0.iter().map(|&p| g.party(p).id.clone()).collect())),
            };
            let terminals: Vec<(Terminal, Fraction)> = at.holders.iter().map(|h| (h.holder, h.total.clone())).collect();
            for (t, _) in &terminals {
                if let Terminal::Party(p) = t
                    && g.party(*p).kind == PartyKind::Nonprofit
                    && !self.found.contains_key(p)
                    && seen.insert(*p)
                {
                    queue.push_back(*p);
                }
            }
            let ctl = control::analyse(g, n, self.regime, &self.policies);
            let foreign = ctl.foreign_controller().map(|c| (c.id.clone(), c.chain.clone())).or_else(|| {
                ctl.group.as_ref().map(|(m, _, steps)| (m.join(" + "), steps.iter().map(|s| s.to.clone()).collect()))
            });
            pending.insert(
                n,
                Pending { terminals, control_undetermined: foreign.is_none() && !ctl.potential.is_empty(), foreign },
            );
        }

        // Least fixpoint of the intervals [lo, hi] of every pending nonprofit.
        let value_of = |t: &Terminal,
                        lo: &HashMap<PartyIdx, bool>,
                        hi: &HashMap<PartyIdx, bool>,
                        found: &HashMap<PartyIdx, NonprofitFinding>,
                        fixed: &HashMap<PartyIdx, Fixed>|
         -> (bool, bool) {
            match t {
                Terminal::Undisclosed(_) => (false, true),
                Terminal::Party(p) => {
                    if let Some(f) = found.get(p) {
                        return (f.status == Status::Qualifying, f.status != Status::NotQualifying);
                    }
                    if let Some(Fixed::Status(s, _)) = fixed.get(p) {
                        return (*s == Status::Qualifying, *s != Status::NotQualifying);
                    }
                    if let (Some(l), Some(h)) = (lo.get(p), hi.get(p)) {
                        return (*l, *h);
                    }
                    match judge(g.party(*p), self.regime, &self.policies).map(|b| b.status()) {
                        Some(s) => (s == Status::Qualifying, s != Status::NotQualifying),
                        None => (false, false),
                    }
                }
            }
        };
        let mut lo: HashMap<PartyIdx, bool> = pending.keys().map(|&k| (k, false)).collect();
        let mut hi: HashMap<PartyIdx, bool> = lo.clone();
        let mut shares: HashMap<PartyIdx, (Fraction, Fraction)> = HashMap::new();
        let mut order: Vec<PartyIdx> = pending.keys().copied().collect();
        order.sort_unstable();
        loop {
            let mut changed = false;
            for &n in &order {
                let p = &pending[&n];
                let (mut q, mut u) = (Fraction::zero(), Fraction::zero());
                for (t, share) in &p.terminals {
                    let (l, h) = value_of(t, &lo, &hi, &self.found, &fixed);
                    if l {
                        q += share;
                    }
                    if h {
                        u += share;
                    }
                }
                let new_lo = q.exceeds_half() && p.foreign.is_none() && !p.control_undetermined;
                let new_hi = u.exceeds_half() && p.foreign.is_none();
                if new_lo != lo[&n] || new_hi != hi[&n] {
                    changed = true;
                    lo.insert(n, new_lo);
                    hi.insert(n, new_hi);
                }
                shares.insert(n, (q, u));
            }
            if !changed {
                break;
            }
        }

        for (n, f) in fixed {
            let party = g.party(n);
            let Fixed::Status(status, basis) = f;
            self.found.insert(
                n,
                NonprofitFinding {
                    id: party.id.clone(),
                    name: party.name.clone(),
                    status,
                    declared: matches!(basis.code, "qual.nonprofit_declared_yes" | "qual.nonprofit_declared_no"),
                    governance: None,
                    governance_upper: None,
                    foreign_controller: None,
                    controller_chain: Vec::new(),
                    control_undetermined: false,
                    basis,
                },
            );
        }
        for n in order {
            let party = g.party(n);
            let p = &pending[&n];
            let (q, u) = shares.remove(&n).unwrap_or_default();
            let status = if lo[&n] {
                Status::Qualifying
            } else if !hi[&n] {
                Status::NotQualifying
            } else {
                Status::Unknown
            };
            let basis = if let Some((c, chain)) = &p.foreign {
                Statement::new("qual.nonprofit_controlled")
                    .with("controller", Param::text(c.clone()))
                    .with("chain", Param::text(chain.join(" → ")))
            } else if status == Status::Qualifying {
                Statement::new("qual.nonprofit_qualifies").with("share", Param::Share(q.clone()))
            } else if !u.exceeds_half() {
                if q.is_zero()
                    && p.terminals
                        .iter()
                        .any(|(t, _)| matches!(t, Terminal::Party(x) if g.party(*x).kind == PartyKind::Nonprofit))
                {
                    Statement::new("qual.nonprofit_circular")
                } else {
                    Statement::new("qual.nonprofit_governance_short").with("share", Param::Share(q.clone()))
                }
            } else if p.control_undetermined && q.exceeds_half() {
                Statement::new("qual.nonprofit_control_unknown")
            } else {
                Statement::new("qual.nonprofit_governance_unknown")
                    .with("share", Param::Share(q.clone()))
                    .with("upper", Param::Share(u.clone()))
            };
            if let Some((v, _)) = self.declared(n) {
                let computed = status == Status::Qualifying;
                if v != computed {
                    self.notes.push(
                        Statement::new("note.declared_differs")
                            .with("nonprofit", Param::text(party.id.clone()))
                            .with("declared", Param::text(if v { "yes" } else { "no" }))
                            .with("computed", Param::text(status.as_str())),
                    );
                }
            }
            self.found.insert(
                n,
                NonprofitFinding {
                    id: party.id.clone(),
                    name: party.name.clone(),
                    status,
                    declared: false,
                    governance: Some(q),
                    governance_upper: Some(u),
                    foreign_controller: p.foreign.as_ref().map(|f| f.0.clone()),
                    controller_chain: p.foreign.as_ref().map(|f| f.1.clone()).unwrap_or_default(),
                    control_undetermined: p.control_undetermined,
                    basis,
                },
            );
        }
        Ok(())
    }
}
