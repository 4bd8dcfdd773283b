//! One rights holder checked under every regime asked for: the value `owngraph check` prints
//! (as text, or serialized as JSON).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::control::{self, ControlAssessment};
use super::engine::{Engine, EngineOptions};
use super::nonprofit::ClosedLoopError;
use super::participation::{self, ParticipationAssessment, Prepared};
use super::policy::{Policies, Regime};
use super::wording::{Param, Statement};
use crate::analysis::{Ancestry, Attribution, ChainLimits, attribute, chains};
use crate::model::{Country, Graph, PartyIdx, PartyKind};

/// What to check and how.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The regimes to answer.
    pub regimes: BTreeSet<Regime>,
    /// The policies.
    pub policies: Policies,
    /// How many chains to list.
    pub chain_limits: ChainLimits,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            regimes: [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect(),
            policies: Policies::default(),
            chain_limits: ChainLimits::default(),
        }
    }
}

/// The answers per regime.
#[derive(Clone, Debug, Serialize, Default)]
pub struct RegimeResults {
    /// p. 5 "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ru: Option<ParticipationAssessment>,
    /// p. 42 "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eaeu: Option<ParticipationAssessment>,
    /// p. 5¹ "а".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pak: Option<ControlAssessment>,
}

/// Facts about the graph the answer rests on.
#[derive(Clone, Debug, Serialize)]
pub struct GraphSummary {
    /// Parties in the input.
    pub parties: usize,
    /// Relations in force on the date.
    pub relations: usize,
    /// Relations of the input not in force on the date.
    pub relations_not_in_force: usize,
    /// Companies whose capital reaches the target (the target included).
    pub company_ancestors: usize,
    /// Ownership cycles among them.
    pub cycles: Vec<Vec<String>>,
}

/// The answer of `owngraph check` for one target.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// Target id.
    pub target: String,
    /// Target name.
    pub target_name: String,
    /// Target kind.
    pub target_kind: PartyKind,
    /// Target country.
    pub target_country: Option<Country>,
    /// The date of the analysis.
    pub as_of: String,
    /// The policies used.
    pub policies: Policies,
    /// The answers.
    pub regimes: RegimeResults,
    /// The graph.
    pub graph: GraphSummary,
    /// Notes on the whole analysis.
    pub notes: Vec<Statement>,
    /// The tool that made it.
    pub tool: ToolInfo,
    /// Every party the answer can mention (the target and everyone with a chain of relations
    /// into it), by id: what a reader is shown instead of an id. Not in JSON, which has ids.
    #[serde(skip)]
    pub names: BTreeMap<String, PartyName>,
}

/// A party as a reader knows it: its name, kind and the identifiers p. 4 "е" asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyName {
    /// The name (the id when the input gives none).
    pub name: String,
    /// Its kind.
    pub kind: Option<PartyKind>,
    /// Country of an organization or state.
    pub country: Option<String>,
    /// Citizenships of a person.
    pub citizenship: Vec<String>,
    /// ИНН.
    pub inn: Option<String>,
    /// ОГРН.
    pub ogrn: Option<String>,
    /// Identity document.
    pub document: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Where a person's citizenship comes from (a register record or an assumption).
    pub citizenship_source: Option<String>,
}

impl CheckReport {
    /// The name a reader is shown for a party id (the id itself when the party has no name).
    pub fn name_of(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(n) if !n.name.trim().is_empty() => n.name.clone(),
            _ => id.to_string(),
        }
    }
}

/// The names of the target and of every party with a chain of relations into it.
fn names_in_scope(graph: &Graph, target: PartyIdx) -> BTreeMap<String, PartyName> {
    let scope = control::scope_of(graph, target);
    graph
        .party_indices()
        .filter(|p| scope[p.index()])
        .map(|p| {
            let party = graph.party(p);
            let name = PartyName {
                name: party.reader_name().to_string(),
                kind: Some(party.kind),
                country: party.country.map(|c| c.to_string()),
                citizenship: party.citizenship.iter().map(|c| c.to_string()).collect(),
                inn: party.inn().map(String::from),
                ogrn: party.ogrn().map(String::from),
                document: party.document().map(String::from),
                address: party.address().map(String::from),
                citizenship_source: party.citizenship_source().map(String::from),
            };
            (party.id.to_string(), name)
        })
        .collect()
}

/// Name and version of the tool.
#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    /// `owngraph`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

impl ToolInfo {
    /// This build.
    pub fn current() -> ToolInfo {
        ToolInfo { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") }
    }
}

/// The participation arithmetic of `target` under the participation base of `policies`.
pub fn prepare(
    graph: &Graph,
    target: PartyIdx,
    policies: &Policies,
    limits: ChainLimits,
) -> Result<Prepared, ClosedLoopError> {
    let ancestry = Ancestry::collect(graph, target, policies.participation_base.measure());
    let attribution = match attribute(&ancestry) {
        Ok(a) => a,
        // A nonprofit that forms its supreme body entirely through companies it holds: nobody
        // else forms it, so it has no ultimate holders (its status says so).
        Err(l) if graph.party(target).kind == PartyKind::Nonprofit && l.0.contains(&target) => {
            Attribution { holders: Vec::new(), weight: Vec::new(), cycles: vec![l.0] }
        }
        Err(l) => return Err(ClosedLoopError::Loop(l.0.iter().map(|&p| graph.party(p).id.to_string()).collect())),
    };
    let chains = chains::enumerate(&ancestry, limits);
    Ok(Prepared { ancestry, attribution, chains })
}

/// The engine that decides the answers for `target` (see [`Engine::for_target`]).
pub fn engine_for<'g>(graph: &'g Graph, target: PartyIdx, options: &CheckOptions) -> Engine<'g> {
    Engine::for_target(graph, target, EngineOptions { regimes: options.regimes.clone(), policies: options.policies })
}

/// Checks `target` under the regimes and policies of `options`: the [`Engine`]'s answers with
/// the holders, chains and controllers that explain them.
pub fn check(graph: &Graph, target: PartyIdx, options: &CheckOptions) -> Result<CheckReport, ClosedLoopError> {
    let party = graph.party(target);
    let engine = engine_for(graph, target, options);
    let wants_participation = options.regimes.contains(&Regime::Ru) || options.regimes.contains(&Regime::Eaeu);
    // The engine's answer first: when it cannot be exact (beyond the size budget) or has no
    // solution, say so before the holders and chains are computed exactly.
    for regime in [Regime::Ru, Regime::Eaeu].into_iter().filter(|r| options.regimes.contains(r)) {
        engine.participation(target, regime)?;
    }
    let prepared =
        if wants_participation { Some(prepare(graph, target, &options.policies, options.chain_limits)?) } else { None };
    let mut regimes = RegimeResults::default();
    if let Some(p) = &prepared {
        if options.regimes.contains(&Regime::Ru) {
            regimes.ru = Some(participation::assess(&engine, target, Regime::Ru, p)?);
        }
        if options.regimes.contains(&Regime::Eaeu) {
            regimes.eaeu = Some(participation::assess(&engine, target, Regime::Eaeu, p)?);
        }
    }
    if options.regimes.contains(&Regime::Pak) {
        regimes.pak = Some(control::assess(&engine, target, options.chain_limits.per_holder));
    }
    let mut notes = Vec::new();
    if graph.excluded_by_date() > 0 {
        notes.push(
            Statement::new("note.excluded_by_date")
                .with("count", Param::text(graph.excluded_by_date().to_string()))
                .with("date", Param::text(graph.as_of().to_string())),
        );
    }
    Ok(CheckReport {
        target: party.id.to_string(),
        target_name: party.name.to_string(),
        target_kind: party.kind,
        target_country: party.country,
        as_of: graph.as_of().to_string(),
        policies: options.policies,
        graph: GraphSummary {
            parties: graph.len(),
            relations: graph.relations().len(),
            relations_not_in_force: graph.excluded_by_date(),
            company_ancestors: prepared.as_ref().map(|p| p.ancestry.nodes.len()).unwrap_or(0),
            cycles: prepared
                .as_ref()
                .map(|p| {
                    p.attribution
                        .cycles
                        .iter()
                        .map(|c| c.iter().map(|&x| graph.party(x).id.to_string()).collect())
                        .collect()
                })
                .unwrap_or_default(),
        },
        regimes,
        notes,
        tool: ToolInfo::current(),
        names: names_in_scope(graph, target),
    })
}
