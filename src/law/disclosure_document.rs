//! The disclosure as an applicant files it (p. 10 "б"; p. 47 "б" for the Eurasian register):
//! the shares the rule requires, each owner with the details p. 4 "е" (p. 41 "е") asks for,
//! the branch of the rule that applied, and what the input lacks. `owngraph disclose` prints
//! this value; the list itself is chosen by [`participation::assess`], never recomputed here.

use serde::Serialize;

use super::check::{ToolInfo, prepare};
use super::disclosure::Branch;
use super::engine::{Engine, EngineOptions};
use super::nonprofit::ClosedLoopError;
use super::participation::{self, DisclosedHolder, ParticipationAssessment, Prepared};
use super::policy::{Policies, Regime};
use super::verdict::Verdict;
use super::wording::{Param, Statement, as_english};
use crate::analysis::ChainLimits;
use crate::fraction::Fraction;
use crate::model::{Graph, PartyIdx, PartyKind};

/// A detail of an owner that p. 4 "е" (p. 41 "е") asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// Full name (of a citizen, a legal entity, a region or municipality; "Российская Федерация").
    Name,
    /// Taxpayer number (ИНН).
    Inn,
    /// State registration number (ОГРН; for p. 41 "е" the registration number).
    Ogrn,
    /// Identity document of a citizen.
    Document,
    /// Address of a citizen.
    Address,
}

impl Detail {
    /// The JSON and CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Detail::Name => "name",
            Detail::Inn => "inn",
            Detail::Ogrn => "ogrn",
            Detail::Document => "document",
            Detail::Address => "address",
        }
    }
}

/// The details p. 4 "е" (for `ru`) or p. 41 "е" (for `eaeu`) asks for an owner of this kind.
/// p. 41 "е" asks a citizen's INN only "при наличии", so it is not required there.
pub fn required_details(kind: PartyKind, regime: Regime) -> &'static [Detail] {
    use Detail::*;
    match (kind, regime) {
        (PartyKind::Person, Regime::Eaeu) => &[Name, Document, Address],
        (PartyKind::Person, _) => &[Name, Inn, Document, Address],
        (PartyKind::Company | PartyKind::Nonprofit, Regime::Eaeu) => &[Name, Ogrn],
        (PartyKind::Company | PartyKind::Nonprofit, _) => &[Name, Ogrn, Inn],
        _ => &[Name],
    }
}

/// The rule point that lists an owner's details.
pub fn details_rule(regime: Regime) -> &'static str {
    match regime {
        Regime::Eaeu => "p. 41 \"е\"",
        _ => "p. 4 \"е\"",
    }
}

/// One line of the filed list.
#[derive(Clone, Debug, Serialize)]
pub struct DisclosureLine {
    /// 1-based position in the list.
    pub position: usize,
    /// The owner, its share and its details.
    #[serde(flatten)]
    pub holder: DisclosedHolder,
    /// Why the owner counts (e.g. "citizen of the Russian Federation").
    pub basis: Statement,
    /// The details the rule asks for this owner.
    pub required_details: Vec<Detail>,
    /// Those the input does not give.
    pub missing_details: Vec<Detail>,
}

/// The disclosure document of one rights holder under one regime.
#[derive(Clone, Debug, Serialize)]
pub struct DisclosureDocument {
    /// Rights holder id.
    pub target: String,
    /// Rights holder name.
    pub target_name: String,
    /// Rights holder kind.
    pub target_kind: PartyKind,
    /// `ru` or `eaeu`.
    pub regime: Regime,
    /// The rule that asks for the list: `p. 10 "б"` or `p. 47 "б"`.
    pub rule: &'static str,
    /// The rule that lists the owners' details: `p. 4 "е"` or `p. 41 "е"`.
    pub details_rule: &'static str,
    /// The date of the analysis.
    pub as_of: String,
    /// The policies used.
    pub policies: Policies,
    /// The participation verdict (p. 5 "а" / p. 42 "а").
    pub verdict: Verdict,
    /// Why, in English.
    #[serde(serialize_with = "as_english")]
    pub reason: Statement,
    /// Proven share of qualifying holders.
    pub share: Fraction,
    /// Upper bound counting undisclosed holders.
    pub upper: Fraction,
    /// Which branch of the rule applied.
    pub branch: Branch,
    /// The branch in words.
    pub branch_text: Statement,
    /// The list, in order.
    pub holders: Vec<DisclosureLine>,
    /// Its total.
    pub total: Fraction,
    /// What a reader should know: missing details, an unmet rule, the analysis notes.
    pub notes: Vec<Statement>,
    /// The tool that made it.
    pub tool: ToolInfo,
    /// The rights holder as a reader knows it: its name and ОГРН (else ИНН, else id).
    #[serde(skip)]
    pub target_label: String,
}

/// The participation arithmetic of `target` and its `ru` or `eaeu` answer, as `disclose` and
/// `verify` need them.
pub fn assess(
    graph: &Graph,
    target: PartyIdx,
    regime: Regime,
    policies: &Policies,
    limits: ChainLimits,
) -> Result<(Prepared, ParticipationAssessment), ClosedLoopError> {
    let regimes = [regime].into_iter().collect();
    let engine = Engine::for_target(graph, target, EngineOptions { regimes, policies: *policies });
    engine.participation(target, regime)?;
    let prepared = prepare(graph, target, policies, limits)?;
    let assessment = participation::assess(&engine, target, regime, &prepared)?;
    Ok((prepared, assessment))
}

fn given(h: &DisclosedHolder, d: Detail) -> bool {
    let v = match d {
        Detail::Name => Some(&h.name),
        Detail::Inn => h.inn.as_ref(),
        Detail::Ogrn => h.ogrn.as_ref(),
        Detail::Document => h.document.as_ref(),
        Detail::Address => h.address.as_ref(),
    };
    v.is_some_and(|s| !s.trim().is_empty())
}

/// The document for `target` from its participation answer `a` (regime and list included).
pub fn document(
    graph: &Graph,
    target: PartyIdx,
    a: &ParticipationAssessment,
    policies: &Policies,
) -> DisclosureDocument {
    let party = graph.party(target);
    let d = &a.disclosure;
    let mut notes = Vec::new();
    if d.branch != Branch::NotApplicable && a.verdict != Verdict::Eligible {
        notes.push(
            Statement::new("disclose.not_eligible")
                .with("rule", Param::Rule(a.regime.rule()))
                .with("verdict", Param::Statement(Box::new(Statement::new(a.verdict.code())))),
        );
    }
    let holders: Vec<DisclosureLine> = d
        .holders
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let required = required_details(h.kind, a.regime).to_vec();
            let missing: Vec<Detail> = required.iter().copied().filter(|&x| !given(h, x)).collect();
            let basis = a
                .holders
                .iter()
                .find(|x| x.holder.party_id() == Some(h.id.as_str()))
                .map(|x| x.basis.clone())
                .unwrap_or_else(|| Statement::new("qual.unknown_holder"));
            DisclosureLine {
                position: i + 1,
                holder: h.clone(),
                basis,
                required_details: required,
                missing_details: missing,
            }
        })
        .collect();
    let lacking: Vec<String> =
        holders.iter().filter(|l| !l.missing_details.is_empty()).map(|l| l.holder.name.clone()).collect();
    if !lacking.is_empty() {
        notes.push(
            Statement::new("disclose.details_missing")
                .with("holders", Param::List(lacking))
                .with("rule", Param::Rule(details_rule(a.regime))),
        );
    }
    notes.extend(a.notes.iter().cloned());
    DisclosureDocument {
        target: party.id.to_string(),
        target_name: party.name.to_string(),
        target_label: party.reader_label(),
        target_kind: party.kind,
        regime: a.regime,
        rule: d.rule,
        details_rule: details_rule(a.regime),
        as_of: graph.as_of().to_string(),
        policies: *policies,
        verdict: a.verdict,
        reason: a.reason.clone(),
        share: a.share.clone(),
        upper: a.upper.clone(),
        branch: d.branch,
        branch_text: d.branch_text.clone(),
        holders,
        total: d.total.clone(),
        notes,
        tool: ToolInfo::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::example;

    fn listed(n: u32, regime: Regime) -> (Branch, Vec<String>) {
        let g = example(n);
        let t = g.lookup("T").unwrap();
        let p = Policies::default();
        let (_, a) = assess(&g, t, regime, &p, ChainLimits::default()).unwrap();
        let d = document(&g, t, &a, &p);
        (d.branch, d.holders.iter().map(|h| h.holder.id.clone()).collect())
    }

    #[test]
    fn the_worked_examples_list_the_domain_holders() {
        assert_eq!(listed(1, Regime::Ru).1, ["ivanov", "sidorov", "petrov"]);
        assert_eq!(
            listed(10, Regime::Ru),
            (Branch::TopUpToExceedHalf, ["A", "B", "C", "D", "E", "F"].map(String::from).to_vec())
        );
        assert_eq!(listed(12, Regime::Ru).1, ["N"]);
        assert_eq!(listed(3, Regime::Ru).1, ["a", "b"]);
        assert_eq!(listed(4, Regime::Ru).1, ["p"]);
        assert_eq!(listed(11, Regime::Eaeu).1.len(), 2);
    }

    #[test]
    fn missing_details_are_named_per_owner() {
        let g = example(1);
        let t = g.lookup("T").unwrap();
        let p = Policies::default();
        let (_, a) = assess(&g, t, Regime::Ru, &p, ChainLimits::default()).unwrap();
        let d = document(&g, t, &a, &p);
        assert_eq!(d.holders[0].missing_details, [Detail::Inn, Detail::Document, Detail::Address]);
        assert_eq!(d.rule, "p. 10 \"б\"");
        assert!(d.notes.iter().any(|n| n.code == "disclose.details_missing"));
    }
}
