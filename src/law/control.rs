//! Foreign control under p. 5¹ "а" of the Rules: a manufacturer qualifies when it is a Russian
//! legal entity and no foreign state, international organization, foreign legal or natural
//! person, or foreign structure controls it by any of the four indicators (docs/DOMAIN.md,
//! "Foreign control"). The same test decides part (b) of a nonprofit's status.

use std::collections::{BTreeSet, VecDeque};

use serde::Serialize;

use super::engine::Engine;
use super::policy::{Policies, Regime};
use super::qualify::{Foreignness, foreignness};
use super::verdict::Verdict;
use super::wording::{Lang, Param, Statement, as_english, percent};
use crate::analysis::{Channel, ControlNetwork, GroupControl, Lever, Node, Right};
use crate::fraction::Fraction;
use crate::model::{Graph, PartyIdx, PartyKind};

/// The four indicators of p. 5¹ "а".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 1: disposes of more than 50 % of the votes, directly or indirectly.
    Votes,
    /// 2: the right to determine decisions.
    DecisionRights,
    /// 3: appoints the sole executive body, more than half of a collegial executive body, or
    /// elects more than half of the board; for a nonprofit, forms more than half of its supreme body.
    Appoints,
    /// 4: acts as the management company.
    ManagementCompany,
}

impl Indicator {
    fn of_channel(c: Channel) -> Indicator {
        match c {
            Channel::Votes => Indicator::Votes,
            Channel::ExecutiveBoard | Channel::Board | Channel::SupremeBody => Indicator::Appoints,
        }
    }

    fn of_right(r: Right) -> Indicator {
        match r {
            Right::DecisionRights => Indicator::DecisionRights,
            Right::SoleExecutive => Indicator::Appoints,
            Right::ManagementCompany => Indicator::ManagementCompany,
            Right::Influence => Indicator::DecisionRights,
        }
    }

    /// The catalog code of its wording.
    pub fn code(&self) -> &'static str {
        match self {
            Indicator::Votes => "indicator.votes",
            Indicator::DecisionRights => "indicator.decision_rights",
            Indicator::Appoints => "indicator.appoints",
            Indicator::ManagementCompany => "indicator.management_company",
        }
    }
}

/// Who appears in a control chain or sum: a party, or the undisclosed members of an entity
/// (its votes, or the seats of its supreme body, that no listed holder accounts for).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    /// A party, by id.
    Party(String),
    /// The undisclosed members of the entity with this id.
    Undisclosed(String),
}

impl Member {
    /// The party's id (`None` for undisclosed members).
    pub fn party_id(&self) -> Option<&str> {
        match self {
            Member::Party(id) => Some(id),
            Member::Undisclosed(_) => None,
        }
    }

    /// The id of the party, or of the entity whose undisclosed members these are.
    pub fn entity_id(&self) -> &str {
        match self {
            Member::Party(id) | Member::Undisclosed(id) => id,
        }
    }

    /// In words, with `name` giving the words for a party id.
    pub fn text(&self, lang: Lang, name: impl Fn(&str) -> String) -> String {
        match self {
            Member::Party(id) => name(id),
            Member::Undisclosed(of) => {
                Statement::new("holder.undisclosed").with("company", Param::text(name(of))).render(lang)
            }
        }
    }
}

/// In JSON a party is its id; undisclosed members are `{"undisclosed_of": "<entity>"}`.
impl Serialize for Member {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Member::Party(id) => serializer.serialize_str(id),
            Member::Undisclosed(of) => {
                let mut m = serializer.serialize_map(Some(1))?;
                m.serialize_entry("undisclosed_of", of)?;
                m.end()
            }
        }
    }
}

/// One member's part in a sum of votes or seats.
#[derive(Clone, Debug, Serialize)]
pub struct Part {
    /// The member: the controller itself or an entity it controls, or undisclosed members.
    pub via: Member,
    /// True for the controller's own levers.
    pub own: bool,
    /// The amount (a fraction of all votes or seats).
    pub amount: Fraction,
}

/// A sum of one channel that exceeds its quota.
#[derive(Clone, Debug, Serialize)]
pub struct Count {
    /// Votes, executive board, board or supreme body.
    pub channel: Channel,
    /// The parts.
    pub parts: Vec<Part>,
    /// Their sum.
    pub sum: Fraction,
    /// Votes in circulation (1 − treasury); 1 for seats.
    pub base: Fraction,
    /// `sum / base`: what is compared with 50 %.
    pub share: Fraction,
}

/// One link of a control chain: the group, holding what it holds, controls `to`.
#[derive(Clone, Debug, Serialize)]
pub struct ControlStep {
    /// The previous link (the member whose lever completed control).
    pub from: Member,
    /// The entity controlled (its id).
    pub to: String,
    /// Indicators that hold over `to`.
    pub indicators: Vec<Indicator>,
    /// Sums above their quota.
    pub counts: Vec<Count>,
    /// Absolute rights held over `to`, with who holds them.
    pub rights: Vec<(Right, Member)>,
    /// The step in English words.
    pub text: String,
}

/// A party that controls the target.
#[derive(Clone, Debug, Serialize)]
pub struct Controller {
    /// Party id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: PartyKind,
    /// Foreign for p. 5¹ "а"?
    pub foreign: bool,
    /// Foreign, domestic or unknown.
    pub foreignness: Foreignness,
    /// Indicators that hold over the target.
    pub indicators: Vec<Indicator>,
    /// Ids from the controller down to the target.
    pub chain: Vec<String>,
    /// Each link with its arithmetic.
    pub steps: Vec<ControlStep>,
}

/// All foreign persons taken together as one controller (policy P2).
#[derive(Clone, Debug, Serialize)]
pub struct ForeignGroup {
    /// The ids of the foreign persons whose levers reach the target.
    pub members: Vec<String>,
    /// Indicators that hold over the target.
    pub indicators: Vec<Indicator>,
    /// Each link with its arithmetic.
    pub steps: Vec<ControlStep>,
}

/// A chain of members in words: `F → R → T`.
pub fn chain_text(chain: &[Member]) -> String {
    chain_text_with(chain, Lang::En, &|s: &str| s.to_string())
}

/// A chain of members in `lang`, with `name` giving the words for a party id.
pub fn chain_text_with(chain: &[Member], lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    chain.iter().map(|m| m.text(lang, name)).collect::<Vec<_>>().join(" → ")
}

/// Who could control the target if the undisclosed votes were theirs.
#[derive(Clone, Debug, Serialize)]
pub struct PotentialController {
    /// Party id, or `null` for a hypothetical undisclosed foreign person.
    pub id: Option<String>,
    /// Name (or a description of the hypothetical person).
    pub name: String,
    /// True for the hypothetical undisclosed foreign person.
    pub hypothetical: bool,
    /// Down to the target: the first link may be undisclosed members.
    pub chain: Vec<Member>,
    /// Entities whose undisclosed votes or seats it would need.
    pub unknown_at: Vec<String>,
    /// Influence of unstated extent it would need to be the right to determine decisions:
    /// `holder → entity`, with what the input says of it.
    pub influence: Vec<String>,
    /// Each link with its arithmetic.
    pub steps: Vec<ControlStep>,
}

/// The `pak` answer for one target.
#[derive(Clone, Debug, Serialize)]
pub struct ControlAssessment {
    /// `pak`.
    pub regime: Regime,
    /// `p. 5¹ "а"`.
    pub rule: &'static str,
    /// eligible / not_eligible / undetermined.
    pub verdict: Verdict,
    /// Why, in English.
    #[serde(serialize_with = "as_english")]
    pub reason: Statement,
    /// The reason's stable code.
    pub reason_code: &'static str,
    /// Every controller, foreign or not, with its proof.
    pub controllers: Vec<Controller>,
    /// Under P2 (`--aggregate-foreign`): all foreign persons together, when they control the
    /// target and no one of them does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreign_group: Option<ForeignGroup>,
    /// When undetermined: who could control through undisclosed votes.
    pub potential_controllers: Vec<PotentialController>,
    /// Warnings (foreign persons jointly above 50 %, dual citizens).
    pub warnings: Vec<Statement>,
}

impl ControlAssessment {
    /// The reason in `lang`.
    pub fn reason_in(&self, lang: Lang) -> String {
        self.reason.render(lang)
    }
}

/// Everything the control analysis of one target finds, before the verdict.
pub struct ControlFindings {
    /// Every controller.
    pub controllers: Vec<Controller>,
    /// Potential controllers through undisclosed votes (computed only when no foreign
    /// controller is proven).
    pub potential: Vec<PotentialController>,
    /// With policy P2, the foreign group as a controller (ids of the members).
    pub group: Option<(Vec<String>, Vec<Indicator>, Vec<ControlStep>)>,
    /// Without P2: the foreign persons that together would control, and what they hold.
    pub joint_warning: Option<Statement>,
    /// Dual citizens among the parties looked at.
    pub dual_citizens: Vec<String>,
    /// True when the lists stopped at their limit (or the work limit) before every candidate
    /// was examined.
    pub truncated: bool,
}

impl ControlFindings {
    /// The first foreign controller, if any.
    pub fn foreign_controller(&self) -> Option<&Controller> {
        self.controllers.iter().find(|c| c.foreign)
    }

    /// True when foreign control is proven (a foreign controller, or the group under P2).
    pub fn foreign_proven(&self) -> bool {
        self.foreign_controller().is_some() || self.group.is_some()
    }
}

/// The outcome of the control test of p. 5¹ "а" for one entity (also part (b) of a
/// nonprofit's status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// A foreign person controls it (or, under P2, all foreign persons together).
    Foreign,
    /// Nothing is proven, but undisclosed votes or seats could give a foreign person control.
    Undetermined,
    /// No foreign person controls it, whoever the undisclosed holders are.
    NotForeign,
}

/// A Russian legal entity: the only kind of manufacturer p. 5¹ "а" admits.
pub fn russian_entity(party: &crate::model::Party) -> bool {
    party.kind.is_organization() && party.country.is_some_and(|c| c.is_russia())
}

/// The `pak` verdict (p. 5¹ "а"): a Russian legal entity not under foreign control.
pub fn verdict_of(party: &crate::model::Party, control: ControlStatus) -> Verdict {
    if !russian_entity(party) {
        return Verdict::NotEligible;
    }
    match control {
        ControlStatus::Foreign => Verdict::NotEligible,
        ControlStatus::Undetermined => Verdict::Undetermined,
        ControlStatus::NotForeign => Verdict::Eligible,
    }
}

/// Parties with a chain of relations of any type into `target`, and the target: the only
/// parties whose levers can reach it. Breadth-first, no recursion.
pub fn scope_of(graph: &Graph, target: PartyIdx) -> Vec<bool> {
    let mut seen = vec![false; graph.len()];
    seen[target.index()] = true;
    let mut queue = VecDeque::from([target]);
    while let Some(v) = queue.pop_front() {
        for (_, r) in graph.incoming(v) {
            if !seen[r.from.index()] {
                seen[r.from.index()] = true;
                queue.push_back(r.from);
            }
        }
    }
    seen
}

struct Namer<'a> {
    graph: &'a Graph,
    net: &'a ControlNetwork,
}

impl Namer<'_> {
    fn member(&self, n: Node) -> Member {
        match self.net.unknown_remainder_of(n) {
            Some(p) => Member::Undisclosed(self.graph.party(p).id.to_string()),
            None => Member::Party(self.id(n)),
        }
    }

    /// The id of a party node (of the entity, for an unknown remainder).
    fn id(&self, n: Node) -> String {
        self.net
            .party_of(n)
            .or_else(|| self.net.unknown_remainder_of(n))
            .map(|p| self.graph.party(p).id.to_string())
            .unwrap_or_default()
    }
}

fn steps_for(namer: &Namer, gc: &GroupControl, chain: &[Node]) -> Vec<ControlStep> {
    let mut out = Vec::new();
    for w in chain.windows(2) {
        let (from, to) = (w[0], w[1]);
        let (channels, rights) = gc.levers_over(namer.net, to);
        let Some(st) = gc.standing(to) else { continue };
        let mut counts = Vec::new();
        for ch in &channels {
            let parts: Vec<Part> = st
                .contributions
                .iter()
                .filter_map(|c| match &c.lever {
                    Lever::Share(cc, amount) if cc == ch => {
                        Some(Part { via: namer.member(c.member), own: gc.is_seed(c.member), amount: amount.clone() })
                    }
                    _ => None,
                })
                .collect();
            let sum = st.sum(*ch).clone();
            let base = match ch {
                Channel::Votes => {
                    namer.net.party_of(to).and_then(|p| namer.net.circulation(p)).unwrap_or_else(Fraction::one)
                }
                _ => Fraction::one(),
            };
            let share = if base.is_zero() { Fraction::zero() } else { &sum / &base };
            counts.push(Count { channel: *ch, parts, sum, base, share });
        }
        let held_rights: Vec<(Right, Member)> = st
            .contributions
            .iter()
            .filter_map(|c| match c.lever {
                Lever::Right(r) => Some((r, namer.member(c.member))),
                _ => None,
            })
            .collect();
        let mut indicators: Vec<Indicator> = channels
            .iter()
            .map(|c| Indicator::of_channel(*c))
            .chain(rights.iter().map(|r| Indicator::of_right(*r)))
            .collect();
        indicators.sort_unstable();
        indicators.dedup();
        let mut step = ControlStep {
            from: namer.member(from),
            to: namer.id(to),
            indicators,
            counts,
            rights: held_rights,
            text: String::new(),
        };
        step.text = describe_step(&step, Lang::En);
        out.push(step);
    }
    out
}

/// A link of a chain in words: `F → T: votes F 30 % + R 25 % = 55 % > 50 %`.
pub fn describe_step(step: &ControlStep, lang: Lang) -> String {
    describe_step_with(step, lang, &|s: &str| s.to_string())
}

/// A link of a chain in words, with `name` giving the words for a party id.
pub fn describe_step_with(step: &ControlStep, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    let mut parts = Vec::new();
    for c in &step.counts {
        let label = match (c.channel, lang) {
            (Channel::Votes, Lang::Ru) => "голоса",
            (Channel::Votes, Lang::En) => "votes",
            (Channel::ExecutiveBoard, Lang::Ru) => "коллегиальный исполнительный орган",
            (Channel::ExecutiveBoard, Lang::En) => "executive board",
            (Channel::Board, Lang::Ru) => "совет директоров",
            (Channel::Board, Lang::En) => "board",
            (Channel::SupremeBody, Lang::Ru) => "высший орган управления",
            (Channel::SupremeBody, Lang::En) => "supreme body",
        };
        let terms: Vec<String> =
            c.parts.iter().map(|p| format!("{} {}", p.via.text(lang, name), percent(&p.amount, lang))).collect();
        let mut s = format!("{label}: {}", terms.join(" + "));
        if c.parts.len() > 1 {
            s.push_str(&format!(" = {}", percent(&c.sum, lang)));
        }
        if c.base != Fraction::one() {
            let of = if lang == Lang::Ru { "из" } else { "of" };
            let circ = if lang == Lang::Ru { "в обращении" } else { "in circulation" };
            s.push_str(&format!(" {of} {} {circ} = {}", percent(&c.base, lang), percent(&c.share, lang)));
        }
        s.push_str(" > 50 %");
        parts.push(s);
    }
    for (r, who) in &step.rights {
        let what = match (r, lang) {
            (Right::DecisionRights, Lang::Ru) => "право определять решения",
            (Right::DecisionRights, Lang::En) => "decision rights",
            (Right::SoleExecutive, Lang::Ru) => "назначает единоличный исполнительный орган",
            (Right::SoleExecutive, Lang::En) => "appoints the sole executive body",
            (Right::ManagementCompany, Lang::Ru) => "управляющая компания",
            (Right::ManagementCompany, Lang::En) => "management company",
            (Right::Influence, Lang::Ru) => "влияние без указания объёма, если это право определять решения",
            (Right::Influence, Lang::En) => "influence of unstated extent, if it is the right to determine decisions",
        };
        parts.push(format!("{}: {what}", who.text(lang, name)));
    }
    format!("{} → {}: {}", step.from.text(lang, name), name(&step.to), parts.join("; "))
}

/// Runs the control analysis of `target` with the foreign notion of `regime`.
///
/// The evidence is bounded so its cost and size stay linear in the graph: at most `limit`
/// controllers and `limit` potential controllers are listed, the parties nearest the target
/// examined first (after `first`, the foreign controllers the engine found, which are always
/// examined), and the search stops after [`EVIDENCE_WORK`] entities looked at; `truncated`
/// says when it stopped early.
pub fn analyse(
    graph: &Graph,
    target: PartyIdx,
    regime: Regime,
    policies: &Policies,
    limit: usize,
    first: &[PartyIdx],
    network: Option<&ControlNetwork>,
) -> ControlFindings {
    // The network of the parties that can reach the target (a larger one, such as the engine's
    // for a target holding this one, gives the same answers).
    let own;
    let net = match network {
        Some(n) => n,
        None => {
            own = ControlNetwork::build(graph, Some(&scope_of(graph, target)), &Fraction::half());
            &own
        }
    };
    let namer = Namer { graph, net };
    // Nearest first: the order in which a breadth-first walk up from the target meets them.
    let in_scope: Vec<PartyIdx> = nearest_first(graph, target);
    let mut work = 0usize;
    let mut truncated = false;

    let mut controllers: Vec<Controller> = Vec::new();
    let candidates = first.iter().copied().chain(in_scope.iter().copied().filter(|x| !first.contains(x)));
    for (i, x) in candidates.enumerate() {
        if i >= first.len() && (controllers.len() >= limit || work > EVIDENCE_WORK) {
            truncated = true;
            break;
        }
        if !net.has_influence(x) {
            continue;
        }
        let gc = GroupControl::of(net, [x]);
        work += gc.count() + 1;
        if !gc.controls(target) {
            continue;
        }
        let party = graph.party(x);
        let f = foreignness(party, regime, policies);
        let chain = gc.chain(target);
        let steps = steps_for(&namer, &gc, &chain);
        let indicators = steps.last().map(|s| s.indicators.clone()).unwrap_or_default();
        controllers.push(Controller {
            id: party.id.to_string(),
            name: party.name.to_string(),
            kind: party.kind,
            foreign: f == Foreignness::Foreign,
            foreignness: f,
            indicators,
            chain: chain.iter().map(|&n| namer.id(n)).collect(),
            steps,
        });
    }
    // Nearest controllers first (shortest chain), then by id.
    controllers.sort_by(|a, b| a.chain.len().cmp(&b.chain.len()).then(a.id.cmp(&b.id)));
    controllers.dedup_by(|a, b| a.id == b.id);

    let foreign: Vec<PartyIdx> = in_scope
        .iter()
        .copied()
        .filter(|&p| foreignness(graph.party(p), regime, policies) == Foreignness::Foreign)
        .collect();
    let single_foreign = controllers.iter().any(|c| c.foreign);

    // Policy P2: all foreign persons as one group.
    let mut group = None;
    let mut joint_warning = None;
    if !single_foreign && foreign.len() > 1 {
        let gc = GroupControl::of(net, foreign.iter().copied());
        if gc.controls(target) {
            let chain = gc.chain(target);
            let steps = steps_for(&namer, &gc, &chain);
            let indicators = steps.last().map(|s| s.indicators.clone()).unwrap_or_default();
            let members = contributing_seeds(&gc, net, graph, target);
            if policies.aggregate_foreign {
                group = Some((members, indicators, steps));
            } else {
                let levers = steps
                    .last()
                    .map(|s| Param::words(describe_step(s, Lang::Ru), s.text.clone()))
                    .unwrap_or(Param::List(Vec::new()));
                joint_warning = Some(
                    Statement::new("warning.foreign_jointly")
                        .with("members", Param::List(members))
                        .with("levers", levers),
                );
            }
        }
    }

    // The undetermined rule: give every undisclosed vote to one foreign person at a time, and
    // to a hypothetical undisclosed foreign person.
    let mut potential = Vec::new();
    if !single_foreign && group.is_none() {
        let unknown: Vec<Node> = net
            .unknown_nodes()
            .chain(in_scope.iter().copied().filter(|&p| graph.party(p).kind == PartyKind::Unknown).map(Node::from))
            .collect();
        let base = GroupControl::undisclosed(net, unknown.iter().copied());
        let mut found = |gc: &GroupControl, who: Option<PartyIdx>| {
            let chain = gc.chain(target);
            let steps = steps_for(&namer, gc, &chain);
            let mut unknown_at: BTreeSet<String> = BTreeSet::new();
            let mut influence: BTreeSet<String> = BTreeSet::new();
            for n in gc.controlled().into_iter().chain([Node::from(target)]) {
                if let Some(st) = gc.standing(n) {
                    for c in &st.contributions {
                        if c.lever == Lever::Right(Right::Influence) {
                            let said = c.relation.map(|ri| graph.relation(ri).notes().join("; ")).unwrap_or_default();
                            let said = if said.is_empty() { String::new() } else { format!(" ({said})") };
                            influence.insert(format!("{} → {}{said}", namer.id(c.member), namer.id(n)));
                            continue;
                        }
                        if net.unknown_remainder_of(c.member).is_some()
                            || net.party_of(c.member).is_some_and(|p| graph.party(p).kind == PartyKind::Unknown)
                        {
                            unknown_at.insert(namer.id(n));
                        }
                    }
                }
            }
            potential.push(PotentialController {
                id: who.map(|p| graph.party(p).id.to_string()),
                name: who
                    .map(|p| graph.party(p).name.to_string())
                    .unwrap_or_else(|| super::wording::term("control.hypothetical", Lang::En).to_string()),
                hypothetical: who.is_none(),
                chain: chain.iter().map(|&n| namer.member(n)).collect(),
                unknown_at: unknown_at.into_iter().collect(),
                influence: influence.into_iter().collect(),
                steps,
            });
        };
        if policies.aggregate_foreign && !foreign.is_empty() {
            let mut gc = base.clone();
            gc.extend(net, foreign.iter().copied());
            if gc.controls(target) {
                found(&gc, None);
            }
        } else {
            let mut sums = Default::default();
            let mut listed = 0usize;
            for &f in &foreign {
                if listed >= limit || work > EVIDENCE_WORK {
                    truncated = true;
                    break;
                }
                if !net.has_influence(f) {
                    continue;
                }
                // Its own influence of unstated extent alone could be control: named as such,
                // even where the undisclosed votes above it would already do.
                let own = GroupControl::undisclosed(net, [f]);
                work += own.count() + 1;
                if own.controls(Node::from(target)) {
                    found(&own, Some(f));
                    listed += 1;
                    continue;
                }
                let also = base.would_also_control(net, &[f], &mut sums);
                work += also.len() + 1;
                if !also.contains(&Node::from(target)) {
                    continue;
                }
                let mut gc = base.clone();
                gc.extend(net, [f]);
                found(&gc, Some(f));
                listed += 1;
            }
            if base.controls(target) {
                found(&base, None);
            }
        }
    }

    let mut dual_citizens: Vec<String> =
        in_scope.iter().map(|&p| graph.party(p)).filter(|p| p.is_dual_citizen()).map(|p| p.id.to_string()).collect();
    dual_citizens.sort();
    ControlFindings { controllers, potential, group, joint_warning, dual_citizens, truncated }
}

/// Most entities the control evidence of one target looks at before it stops listing (the
/// verdict is the engine's and does not depend on it).
pub const EVIDENCE_WORK: usize = 2_000_000;

/// The parties with a chain of relations into `target` (not the target), nearest first.
fn nearest_first(graph: &Graph, target: PartyIdx) -> Vec<PartyIdx> {
    let mut seen = vec![false; graph.len()];
    seen[target.index()] = true;
    let mut order = Vec::new();
    let mut queue = VecDeque::from([target]);
    while let Some(v) = queue.pop_front() {
        for (_, r) in graph.incoming(v) {
            if !seen[r.from.index()] {
                seen[r.from.index()] = true;
                order.push(r.from);
                queue.push_back(r.from);
            }
        }
    }
    order
}

/// The seeds of a group whose levers reached the target, directly or through entities the
/// group controls.
fn contributing_seeds(gc: &GroupControl, net: &ControlNetwork, graph: &Graph, target: PartyIdx) -> Vec<String> {
    let mut seeds: BTreeSet<String> = BTreeSet::new();
    let mut queue = VecDeque::from([Node::from(target)]);
    let mut seen = BTreeSet::from([Node::from(target)]);
    while let Some(n) = queue.pop_front() {
        let Some(st) = gc.standing(n) else { continue };
        for c in &st.contributions {
            if gc.is_seed(c.member) {
                if let Some(p) = net.party_of(c.member) {
                    seeds.insert(graph.party(p).id.to_string());
                }
            } else if gc.controls(c.member) && seen.insert(c.member) {
                queue.push_back(c.member);
            }
        }
    }
    seeds.into_iter().collect()
}

/// The first `n` items and how many more there are.
fn shortened(items: &[String], n: usize) -> Vec<String> {
    let mut v: Vec<String> = items.iter().take(n).cloned().collect();
    if items.len() > n {
        v.push(format!("… (+{})", items.len() - n));
    }
    v
}

/// The `pak` answer for `target` (p. 5¹ "а"): the verdict of the [`Engine`], explained by the
/// controllers, the foreign group and the potential controllers with their chains.
///
/// At most `limit` controllers and potential controllers are listed (`--max-chains`), with a
/// warning when there are more.
pub fn assess(engine: &Engine, target: PartyIdx, limit: usize) -> ControlAssessment {
    let graph = engine.graph();
    let policies = engine.policies();
    let (verdict, facts) = engine.pak(target);
    let findings =
        analyse(graph, target, Regime::Pak, policies, limit.max(1), &facts.foreign_controllers, engine.network());
    let party = graph.party(target);
    let mut warnings = Vec::new();
    if facts.jointly
        && !policies.aggregate_foreign
        && let Some(w) = findings.joint_warning.clone()
    {
        warnings.push(w);
    }
    if !findings.dual_citizens.is_empty() {
        warnings.push(
            Statement::new("warning.dual_citizens")
                .with(
                    "policy",
                    match policies.dual_citizens {
                        super::policy::DualCitizens::Russian => Param::words("гражданин РФ", "russian"),
                        super::policy::DualCitizens::Foreign => Param::words("иностранное лицо", "foreign"),
                    },
                )
                .with("list", Param::List(shortened(&findings.dual_citizens, 20))),
        );
    }
    for c in findings.controllers.iter().filter(|c| c.foreignness == Foreignness::Unknown) {
        warnings.push(
            Statement::new("warning.unknown_kind_controller")
                .with("id", Param::text(c.id.clone()))
                .with("target", Param::text(party.id.clone())),
        );
    }
    let indicators_param =
        |inds: &[Indicator]| Param::Statements(inds.iter().map(|i| Statement::new(i.code())).collect());
    let first_foreign = facts.foreign_controllers.first().map(|&f| graph.party(f).id.to_string());
    let reason = if !russian_entity(party) {
        Statement::new("control.not_russian_entity")
            .with("kind", Param::Statement(Box::new(Statement::new(super::wording::kind_code(party.kind)))))
            .with("country", Param::text(party.country.map(|c| c.to_string()).unwrap_or_else(|| "—".into())))
    } else if let Some(id) = first_foreign {
        let c = findings.controllers.iter().find(|c| c.id == id);
        Statement::new("control.foreign_controlled")
            .with("controller", Param::text(id.clone()))
            .with("indicators", indicators_param(c.map(|c| c.indicators.as_slice()).unwrap_or_default()))
            .with("chain", Param::text(c.map(|c| c.chain.join(" → ")).unwrap_or(id)))
    } else if verdict == Verdict::NotEligible {
        let (members, inds) = findings.group.as_ref().map(|(m, i, _)| (m.clone(), i.clone())).unwrap_or_default();
        Statement::new("control.group_controlled")
            .with("members", Param::List(members))
            .with("indicators", indicators_param(&inds))
    } else if verdict == Verdict::Undetermined {
        let who: Vec<Statement> = findings
            .potential
            .iter()
            .map(|p| {
                let who = match &p.id {
                    Some(id) => Param::text(id.clone()),
                    None => Param::Statement(Box::new(Statement::new("control.hypothetical"))),
                };
                Statement::new("word.who_chain").with("who", who).with("chain", Param::text(chain_text(&p.chain)))
            })
            .collect();
        let mut at: BTreeSet<String> = BTreeSet::new();
        let mut influence: BTreeSet<String> = BTreeSet::new();
        for p in &findings.potential {
            at.extend(p.unknown_at.iter().cloned());
            influence.extend(p.influence.iter().cloned());
        }
        if !influence.is_empty() {
            Statement::new("control.undetermined_influence")
                .with("influence", Param::List(influence.into_iter().collect()))
                .with("who", Param::Statements(who))
        } else {
            Statement::new("control.undetermined")
                .with("unknown", Param::List(at.into_iter().collect()))
                .with("who", Param::Statements(who))
        }
    } else {
        Statement::new("control.none")
    };
    if findings.truncated {
        warnings
            .push(Statement::new("warning.controllers_truncated").with("limit", Param::text(limit.max(1).to_string())));
    }
    // The evidence is found by a second, per-target computation; it must prove the verdict.
    debug_assert!(
        findings.truncated
            || verdict
                == verdict_of(
                    party,
                    if findings.foreign_proven() {
                        ControlStatus::Foreign
                    } else if findings.potential.is_empty() {
                        ControlStatus::NotForeign
                    } else {
                        ControlStatus::Undetermined
                    }
                ),
        "the control evidence of {} does not prove the engine's verdict",
        party.id
    );
    let controllers = findings.controllers;
    let foreign_group = findings
        .group
        .filter(|_| policies.aggregate_foreign)
        .map(|(members, indicators, steps)| ForeignGroup { members, indicators, steps });
    ControlAssessment {
        regime: Regime::Pak,
        rule: Regime::Pak.rule(),
        verdict,
        reason_code: reason.code,
        reason,
        controllers,
        foreign_group,
        potential_controllers: findings.potential,
        warnings,
    }
}
