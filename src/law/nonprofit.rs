//! Nonprofits "без преобладающего иностранного участия" (p. 5 "а" paragraph 5, p. 42 "а"
//! paragraph 3; docs/DOMAIN.md, "Nonprofits"): (a) qualifying persons of the regime form more than
//! half of the supreme governing body, directly or through companies, and (b) no foreign person
//! can determine its decisions. Policy P3 lets a declaration in the input stand instead.
//!
//! A nonprofit's status depends on the statuses of the nonprofits that form it, possibly in a
//! circle. The [`Engine`] decides them all at once ([`status_of`] is the rule it applies), as
//! the least fixpoint of that dependency: a circle that never reaches a qualifying person does
//! not qualify. This module gives the rule and the words of its grounds.

use serde::Serialize;

use super::control::{self, ControlStatus};
use super::engine::Engine;
use super::policy::{NonprofitStatus, Policies, Regime};
use super::qualify::{Classification, Status};
use super::wording::{Param, Statement};
use crate::fraction::Fraction;
use crate::model::{Party, PartyIdx};

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

/// Why an exact answer cannot be given: the ownership equations of some companies have no
/// solution (a closed loop on the measure used), or the answer needs values beyond the size
/// budget for exact numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClosedLoopError {
    /// These companies own each other entirely with no outside holder.
    #[error("closed ownership loop: {} own each other entirely with no outside holder", .0.join(", "))]
    Loop(Vec<String>),
    /// The exact values of these parties are beyond the size budget for exact numbers.
    #[error(
        "the exact values of {} are beyond the size budget for exact numbers (--exact-budget, {} decimal digits by default)",
        .0.join(", "),
        crate::fraction::DEFAULT_EXACT_BUDGET_DIGITS
    )]
    NotExact(Vec<String>),
}

impl ClosedLoopError {
    /// The answer for `ids` needs exact values beyond the size budget for exact numbers.
    pub fn not_exact(ids: Vec<String>) -> ClosedLoopError {
        ClosedLoopError::NotExact(ids)
    }
}

/// The status of a nonprofit under `regime` (p. 5 "а" paragraph 5, p. 42 "а" paragraph 3) from
/// the share of its supreme body qualifying persons form (`share` proven, `unknown` undisclosed)
/// and the control test (b). Policy P3 `declared` lets the input's declaration stand instead.
///
/// Qualifying when more than half is proven qualifying and no foreign person controls it or
/// could through undisclosed votes; not qualifying when even with every undisclosed member it
/// is not more than half, or a foreign person controls it; unknown otherwise.
pub fn status_of(
    party: &Party,
    regime: Regime,
    policies: &Policies,
    share: &Fraction,
    unknown: &Fraction,
    control: ControlStatus,
) -> Status {
    if regime != Regime::Eaeu && !party.country.is_some_and(|c| c.is_russia()) {
        return Status::NotQualifying;
    }
    if let Some(v) = declared(party, regime)
        && policies.nonprofit_status == NonprofitStatus::Declared
    {
        return if v.0 { Status::Qualifying } else { Status::NotQualifying };
    }
    let foreign = control == ControlStatus::Foreign;
    let proven = share.exceeds_half() && !foreign && control != ControlStatus::Undetermined;
    let possible = (share + unknown).exceeds_half() && !foreign;
    if proven {
        Status::Qualifying
    } else if !possible {
        Status::NotQualifying
    } else {
        Status::Unknown
    }
}

/// The input's declaration of the status under `regime`, with its reason.
fn declared(party: &Party, regime: Regime) -> Option<(bool, String)> {
    let d = party.declared()?;
    let v = match regime {
        Regime::Ru | Regime::Pak => d.ru,
        Regime::Eaeu => d.eaeu,
    }?;
    Some((v, d.reason.clone()))
}

fn declared_statement(v: bool, reason: &str) -> Statement {
    Statement::new(if v { "qual.nonprofit_declared_yes" } else { "qual.nonprofit_declared_no" })
        .with("reason", Param::text(reason))
}

/// The finding for nonprofit `n` under `regime`: the engine's status with its grounds (`None`
/// when `n` is not a nonprofit).
pub fn finding(engine: &Engine, n: PartyIdx, regime: Regime) -> Result<Option<NonprofitFinding>, ClosedLoopError> {
    let g = engine.graph();
    let policies = engine.policies();
    let party = g.party(n);
    let Some(facts) = engine.nonprofit(n, regime)? else { return Ok(None) };
    let mut f = NonprofitFinding {
        id: party.id.to_string(),
        name: party.name.to_string(),
        status: facts.status,
        declared: false,
        governance: None,
        governance_upper: None,
        foreign_controller: None,
        controller_chain: Vec::new(),
        control_undetermined: false,
        basis: Statement::new("qual.nonprofit_control_unknown"),
    };
    if regime != Regime::Eaeu && !party.country.is_some_and(|c| c.is_russia()) {
        let country = party.country.map(|c| c.to_string()).unwrap_or_default();
        f.basis = Statement::new("qual.nonprofit_foreign").with("country", Param::text(country));
        return Ok(Some(f));
    }
    if let Some((v, reason)) = declared(party, regime)
        && policies.nonprofit_status == NonprofitStatus::Declared
    {
        f.declared = true;
        f.basis = declared_statement(v, &reason);
        return Ok(Some(f));
    }
    let (q, u) = (facts.governance.clone(), facts.governance_upper.clone());
    let control = facts.control.status(policies);
    f.governance = Some(q.clone());
    f.governance_upper = Some(u.clone());
    f.control_undetermined = control == ControlStatus::Undetermined;
    if control == ControlStatus::Foreign {
        // The evidence: who controls it and through what.
        let ctl = control::analyse(g, n, regime, policies, 1, &facts.control.foreign_controllers, engine.network());
        let (who, chain) = match (ctl.foreign_controller(), &ctl.group) {
            (Some(c), _) => (c.id.clone(), c.chain.clone()),
            (None, Some((m, _, steps))) => (m.join(" + "), steps.iter().map(|s| s.to.clone()).collect()),
            (None, None) => (
                facts.control.foreign_controllers.first().map(|&p| g.party(p).id.to_string()).unwrap_or_default(),
                Vec::new(),
            ),
        };
        f.basis = Statement::new("qual.nonprofit_controlled")
            .with("controller", Param::text(who.clone()))
            .with("chain", Param::text(chain.join(" → ")));
        f.foreign_controller = Some(who);
        f.controller_chain = chain;
    } else if facts.status == Status::Qualifying {
        f.basis = Statement::new("qual.nonprofit_qualifies").with("share", Param::Share(q));
    } else if !u.exceeds_half() {
        f.basis = if q.is_zero() && facts.in_cycle {
            Statement::new("qual.nonprofit_circular")
        } else {
            Statement::new("qual.nonprofit_governance_short").with("share", Param::Share(q))
        };
    } else if control == ControlStatus::Undetermined && q.exceeds_half() {
        f.basis = Statement::new("qual.nonprofit_control_unknown");
    } else {
        f.basis = Statement::new("qual.nonprofit_governance_unknown")
            .with("share", Param::Share(q))
            .with("upper", Param::Share(u));
    }
    Ok(Some(f))
}

/// A note when the input declares a nonprofit's status and the computed one differs (policy
/// P3 `computed`).
pub fn declaration_note(engine: &Engine, f: &NonprofitFinding, n: PartyIdx, regime: Regime) -> Option<Statement> {
    let (v, _) = declared(engine.graph().party(n), regime)?;
    if f.declared || v == (f.status == Status::Qualifying) {
        return None;
    }
    Some(
        Statement::new("note.declared_differs")
            .with("nonprofit", Param::text(engine.graph().party(n).reader_name()))
            .with(
                "declared",
                if v {
                    Param::words("учитывается", "yes")
                } else {
                    Param::words("не учитывается", "no")
                },
            )
            .with(
                "computed",
                match f.status {
                    Status::Qualifying => Param::words("учитывается", f.status.as_str()),
                    Status::NotQualifying => Param::words("не учитывается", f.status.as_str()),
                    Status::Unknown => Param::words("не установлен", f.status.as_str()),
                },
            ),
    )
}
