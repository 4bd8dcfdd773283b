//! The participation test of p. 5 "а" (Russian register) and p. 42 "а" (Eurasian register):
//! is the total direct and indirect participation of qualifying holders more than 50 %?
//! (docs/DOMAIN.md, "Participation"; the share is an interval when holders are undisclosed.)

use serde::Serialize;

use super::disclosure::{self, Branch};
use super::engine::Engine;
use super::nonprofit::{self, ClosedLoopError, NonprofitFinding};
use super::policy::Regime;
use super::qualify::{Classification, Status, classify_direct, russian_public_or_citizen};
use super::verdict::Verdict;
use super::wording::{Lang, Param, Statement, as_english, percent};
use crate::analysis::{Ancestry, Attribution, Chain, Chains, Terminal};
use crate::fraction::Fraction;
use crate::model::{Graph, Party, PartyIdx, PartyKind};

/// The participation arithmetic of one target, shared by both regimes: the ancestry, how the
/// target divides among ultimate holders, and the chains.
pub struct Prepared {
    /// Company ancestors and their holders.
    pub ancestry: Ancestry,
    /// Ultimate holders' totals.
    pub attribution: Attribution,
    /// Chains per holder.
    pub chains: Chains,
}

/// One chain as a reviewer reads it.
#[derive(Clone, Debug, Serialize)]
pub struct ChainView {
    /// Ids from the holder to the target (for an undisclosed remainder, from the company).
    pub path: Vec<String>,
    /// The share of each step.
    pub factors: Vec<Fraction>,
    /// Their product.
    pub share: Fraction,
    /// `petrov → A 50 % × A → T 35 % = 17.5 %`.
    pub text: String,
}

/// An ultimate holder as the law sees it: a listed party, or the capital of a company that no
/// listed holder accounts for (its undisclosed participants).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    /// A listed party, by id.
    Party {
        /// Party id.
        id: String,
        /// Its kind.
        kind: PartyKind,
    },
    /// The undisclosed participants of a company, by the company's id.
    Undisclosed {
        /// The company whose capital they hold.
        company: String,
    },
}

impl HolderShare {
    /// Who it is, in words: the party's name, or "the undisclosed participants of" the company.
    pub fn label(&self) -> Statement {
        match &self.holder {
            Holder::Party { .. } => Statement::new("holder.party").with("name", Param::text(self.name.clone())),
            Holder::Undisclosed { .. } => {
                Statement::new("holder.undisclosed").with("company", Param::text(self.name.clone()))
            }
        }
    }
}

impl Holder {
    /// The party's id (`None` for undisclosed participants).
    pub fn party_id(&self) -> Option<&str> {
        match self {
            Holder::Party { id, .. } => Some(id),
            Holder::Undisclosed { .. } => None,
        }
    }

    /// True for the undisclosed participants of a company.
    pub fn is_undisclosed(&self) -> bool {
        matches!(self, Holder::Undisclosed { .. })
    }
}

/// In JSON a holder is `"id": "<party>", "kind": "<kind>"`, or `"id": null, "kind":
/// "undisclosed", "undisclosed_of": "<company>"`, inside the holder's object.
impl Serialize for Holder {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = serializer.serialize_map(None)?;
        match self {
            Holder::Party { id, kind } => {
                m.serialize_entry("id", id)?;
                m.serialize_entry("kind", kind)?;
            }
            Holder::Undisclosed { company } => {
                m.serialize_entry("id", &None::<String>)?;
                m.serialize_entry("kind", "undisclosed")?;
                m.serialize_entry("undisclosed_of", company)?;
            }
        }
        m.end()
    }
}

/// An ultimate holder's share of the target and its status under the regime.
#[derive(Clone, Debug, Serialize)]
pub struct HolderShare {
    /// Who.
    #[serde(flatten)]
    pub holder: Holder,
    /// Name (for undisclosed participants, the company's).
    pub name: String,
    /// Country of an organization or state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Citizenships of a person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citizenship: Vec<String>,
    /// Counts towards the regime's share?
    pub status: Status,
    /// `true`, `false`, or `null` when unknown.
    pub qualifies: Option<bool>,
    /// Why.
    pub basis: Statement,
    /// Total share of the target.
    pub share: Fraction,
    /// Held directly.
    pub direct: Fraction,
    /// Held through companies (and cycles).
    pub indirect: Fraction,
    /// The largest chains, largest first.
    pub chains: Vec<ChainView>,
    /// True when every simple chain is listed.
    pub chains_complete: bool,
    /// Share not carried by the listed chains: walks round cycles, and unlisted chains.
    pub unlisted: Fraction,
}

/// One holder in the disclosure, with the details p. 4 "е" asks for.
#[derive(Clone, Debug, Serialize)]
pub struct DisclosedHolder {
    /// Party id.
    pub id: String,
    /// Full name (the id when the input gives none); for the Russian Federation the words
    /// "Российская Федерация".
    pub name: String,
    /// Party kind.
    pub kind: PartyKind,
    /// Total share.
    pub share: Fraction,
    /// Direct part.
    pub direct: Fraction,
    /// Indirect part.
    pub indirect: Fraction,
    /// More than 5 %?
    pub above_five: bool,
    /// ИНН.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
    /// ОГРН.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ogrn: Option<String>,
    /// Identity document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Country or citizenship.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The disclosure of p. 10 "б" / p. 47 "б".
#[derive(Clone, Debug, Serialize)]
pub struct Disclosure {
    /// The rule point.
    pub rule: &'static str,
    /// Which branch applied.
    pub branch: Branch,
    /// The branch in words.
    pub branch_text: Statement,
    /// The holders to list, in order.
    pub holders: Vec<DisclosedHolder>,
    /// Their total.
    pub total: Fraction,
}

/// `disclosure` as the list of holders and `disclosure_rule` beside it, in the enclosing map.
fn disclosure_fields<S: serde::Serializer>(d: &Disclosure, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    #[derive(Serialize)]
    struct Rule<'a> {
        rule: &'static str,
        branch: Branch,
        branch_text: &'a Statement,
        total: &'a Fraction,
    }
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("disclosure", &d.holders)?;
    map.serialize_entry(
        "disclosure_rule",
        &Rule { rule: d.rule, branch: d.branch, branch_text: &d.branch_text, total: &d.total },
    )?;
    map.end()
}

/// The answer for `ru` or `eaeu`.
#[derive(Clone, Debug, Serialize)]
pub struct ParticipationAssessment {
    /// `ru` or `eaeu`.
    pub regime: Regime,
    /// The rule point.
    pub rule: &'static str,
    /// eligible / not_eligible / undetermined.
    pub verdict: Verdict,
    /// Why, in English.
    #[serde(serialize_with = "as_english")]
    pub reason: Statement,
    /// The reason's stable code.
    pub reason_code: &'static str,
    /// Proven total participation of qualifying holders.
    pub share: Fraction,
    /// Upper bound, counting every undisclosed holder as qualifying.
    pub upper: Fraction,
    /// When undetermined: the holders of unknown status that decide it, largest first.
    pub deciding: Vec<Holder>,
    /// Every ultimate holder, largest first; their shares sum to 1.
    pub holders: Vec<HolderShare>,
    /// The disclosure. In JSON, `disclosure` is the list of holders (issue 2's contract) and
    /// `disclosure_rule` the rule point, branch and total.
    #[serde(flatten, serialize_with = "disclosure_fields")]
    pub disclosure: Disclosure,
    /// Nonprofits met on the way and their status.
    pub nonprofits: Vec<NonprofitFinding>,
    /// Notes a reviewer should read.
    pub notes: Vec<Statement>,
}

impl ParticipationAssessment {
    /// The reason in `lang`.
    pub fn reason_in(&self, lang: Lang) -> String {
        self.reason.render(lang)
    }
}

/// A chain in words: `petrov → A 50 % × A → T 35 % = 17.5 %`.
pub fn describe_chain(view: &ChainView, undisclosed: bool, lang: Lang) -> String {
    describe_chain_with(view, undisclosed, lang, &|id: &str| id.to_string())
}

/// A chain in words with `name` giving the words for a party id (a report names parties by
/// their names: `Петров → ООО «А» 50 % × …`).
pub fn describe_chain_with(view: &ChainView, undisclosed: bool, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    let mut steps = Vec::new();
    let at = |i: usize| view.path.get(i).map(|id| name(id)).unwrap_or_default();
    if undisclosed {
        let label = if lang == Lang::Ru { "нераскрытые" } else { "undisclosed" };
        if let Some(f) = view.factors.first() {
            steps.push(format!("{label} → {} {}", at(0), percent(f, lang)));
        }
        for (i, f) in view.factors.iter().enumerate().skip(1) {
            steps.push(format!("{} → {} {}", at(i - 1), at(i), percent(f, lang)));
        }
    } else {
        for (i, f) in view.factors.iter().enumerate() {
            steps.push(format!("{} → {} {}", at(i), at(i + 1), percent(f, lang)));
        }
    }
    if steps.len() == 1 { steps[0].clone() } else { format!("{} = {}", steps.join(" × "), percent(&view.share, lang)) }
}

fn chain_view(graph: &Graph, c: &Chain) -> ChainView {
    let mut v = ChainView {
        path: c.path.iter().map(|&p| graph.party(p).id.to_string()).collect(),
        factors: c.factors.clone(),
        share: c.product.clone(),
        text: String::new(),
    };
    v.text = describe_chain(&v, matches!(c.holder, Terminal::Undisclosed(_)), Lang::En);
    v
}

/// The verdict of p. 5 "а" / p. 42 "а" for `party`: a commercial organization by its interval
/// `[share, upper]` of qualifying participation (p. 5 "а" also requires a Russian one); anyone
/// else by its own status `own` under the regime's other paragraphs.
pub fn verdict_of(party: &Party, regime: Regime, share: &Fraction, upper: &Fraction, own: Status) -> Verdict {
    if party.kind != PartyKind::Company {
        return match own {
            Status::Qualifying => Verdict::Eligible,
            Status::NotQualifying => Verdict::NotEligible,
            Status::Unknown => Verdict::Undetermined,
        };
    }
    if regime == Regime::Ru && !party.country.is_some_and(|c| c.is_russia()) {
        return Verdict::NotEligible;
    }
    Verdict::of_interval(share, upper)
}

/// The `ru` or `eaeu` answer for `target`: the [`Engine`]'s verdict and shares, explained by the
/// ultimate holders, their chains and the nonprofits met on the way.
pub fn assess(
    engine: &Engine,
    target: PartyIdx,
    regime: Regime,
    prepared: &Prepared,
) -> Result<ParticipationAssessment, ClosedLoopError> {
    let graph = engine.graph();
    let policies = engine.policies();
    let party = graph.party(target);
    let decided = engine.participation(target, regime)?;
    let mut nonprofit_ids: Vec<PartyIdx> = prepared
        .attribution
        .holders
        .iter()
        .filter_map(|h| match h.holder {
            Terminal::Party(p) if graph.party(p).kind == PartyKind::Nonprofit => Some(p),
            _ => None,
        })
        .collect();
    if party.kind == PartyKind::Nonprofit {
        nonprofit_ids.push(target);
    }
    nonprofit_ids.sort_unstable();
    nonprofit_ids.dedup();
    let mut found: std::collections::HashMap<PartyIdx, NonprofitFinding> = std::collections::HashMap::new();
    let mut notes: Vec<Statement> = Vec::new();
    for &n in &nonprofit_ids {
        if let Some(f) = nonprofit::finding(engine, n, regime)? {
            notes.extend(nonprofit::declaration_note(engine, &f, n, regime));
            found.insert(n, f);
        }
    }

    let classify = |t: &Terminal| -> Classification {
        match t {
            Terminal::Undisclosed(c) => Classification {
                status: Status::Unknown,
                basis: Statement::new("qual.undisclosed").with("company", Param::text(graph.party(*c).id.clone())),
            },
            Terminal::Party(p) => {
                let pp = graph.party(*p);
                match pp.kind {
                    PartyKind::Nonprofit => {
                        found.get(p).map(NonprofitFinding::classification).unwrap_or(Classification {
                            status: Status::Unknown,
                            basis: Statement::new("qual.nonprofit_control_unknown"),
                        })
                    }
                    PartyKind::Company => {
                        Classification { status: Status::NotQualifying, basis: Statement::new("qual.company") }
                    }
                    _ => classify_direct(pp, regime, policies).unwrap_or(Classification {
                        status: Status::Unknown,
                        basis: Statement::new("qual.unknown_holder"),
                    }),
                }
            }
        }
    };

    let mut holders = Vec::new();
    let (mut share, mut unknown) = (Fraction::zero(), Fraction::zero());
    let mut alt_extra = Fraction::zero();
    for h in &prepared.attribution.holders {
        let c = classify(&h.holder);
        match c.status {
            Status::Qualifying => share += &h.total,
            Status::Unknown => unknown += &h.total,
            Status::NotQualifying => {
                if let Terminal::Party(p) = h.holder
                    && regime == Regime::Eaeu
                    && russian_public_or_citizen(graph.party(p), policies)
                {
                    alt_extra += &h.total;
                }
            }
        }
        let chains = prepared
            .chains
            .by_holder
            .get(&h.holder)
            .map(|cs| cs.iter().map(|c| chain_view(graph, c)).collect::<Vec<_>>())
            .unwrap_or_default();
        let listed: Fraction = chains.iter().map(|c| &c.share).sum();
        let (holder, name, country, citizenship) = match h.holder {
            Terminal::Party(p) => {
                let pp = graph.party(p);
                (
                    Holder::Party { id: pp.id.to_string(), kind: pp.kind },
                    pp.name.to_string(),
                    pp.country.map(|c| c.to_string()),
                    pp.citizenship.iter().map(|c| c.to_string()).collect(),
                )
            }
            Terminal::Undisclosed(p) => {
                let pp = graph.party(p);
                (Holder::Undisclosed { company: pp.id.to_string() }, pp.name.to_string(), None, Vec::new())
            }
        };
        holders.push(HolderShare {
            holder,
            name,
            country,
            citizenship,
            status: c.status,
            qualifies: c.status.as_bool(),
            basis: c.basis,
            share: h.total.clone(),
            direct: h.direct.clone(),
            indirect: h.indirect(),
            chains_complete: !prepared.chains.truncated.contains(&h.holder),
            unlisted: &h.total - &listed,
            chains,
        });
    }
    holders.sort_by(|a, b| b.share.cmp(&a.share).then_with(|| a.holder.cmp(&b.holder)));
    if party.kind == PartyKind::Company {
        // The holders are found by a second, per-target computation: they must add up to the
        // engine's shares.
        debug_assert_eq!((&share, &(&share + &unknown)), (&decided.share, &decided.upper), "holders of {}", party.id);
    }
    let (share, upper, verdict) = (decided.share, decided.upper, decided.verdict);
    let reason = if party.kind == PartyKind::Company {
        let deciding: Vec<Statement> =
            holders.iter().filter(|h| h.status == Status::Unknown).map(HolderShare::label).collect();
        if regime == Regime::Ru && !party.country.is_some_and(|c| c.is_russia()) {
            let country = party.country.map(|c| c.to_string()).unwrap_or_default();
            Statement::new("participation.not_russian").with("country", Param::text(country))
        } else {
            match verdict {
                Verdict::Eligible => {
                    Statement::new("participation.eligible").with("share", Param::Share(share.clone()))
                }
                Verdict::NotEligible if upper == share => {
                    Statement::new("participation.not_eligible").with("share", Param::Share(share.clone()))
                }
                Verdict::NotEligible => Statement::new("participation.not_eligible_even_upper")
                    .with("share", Param::Share(share.clone()))
                    .with("upper", Param::Share(upper.clone())),
                Verdict::Undetermined => Statement::new("participation.undetermined")
                    .with("share", Param::Share(share.clone()))
                    .with("upper", Param::Share(upper.clone()))
                    .with("deciding", Param::Statements(deciding)),
            }
        }
    } else {
        // Not a commercial organization: it needs no shares, it qualifies under its own
        // paragraph or not at all; its "share" is 1 or 0, and [0, 1] when not known. (A
        // nonprofit's supreme-body fractions are in `nonprofits`.)
        let c = classify(&Terminal::Party(target));
        let rule = Param::Rule(regime.rule());
        let basis = Param::Statement(Box::new(c.basis.clone()));
        match verdict {
            Verdict::Eligible => {
                Statement::new("participation.target_qualifies").with("rule", rule).with("basis", basis)
            }
            Verdict::NotEligible => {
                Statement::new("participation.target_not_qualifies").with("rule", rule).with("basis", basis)
            }
            Verdict::Undetermined => Statement::new("participation.target_unknown").with("basis", basis),
        }
    };
    let deciding = if verdict == Verdict::Undetermined && party.kind == PartyKind::Company {
        holders.iter().filter(|h| h.status == Status::Unknown).map(|h| h.holder.clone()).collect()
    } else {
        Vec::new()
    };

    if regime == Regime::Eaeu && alt_extra.is_positive() && party.kind == PartyKind::Company {
        let alt = Verdict::of_interval(&(&share + &alt_extra), &(&upper + &alt_extra));
        if alt != verdict {
            notes.push(
                Statement::new("note.russia_excluded")
                    .with("share", Param::Share(alt_extra.clone()))
                    .with("alternative", Param::Statement(Box::new(Statement::new(alt.code())))),
            );
        }
    }
    let mut findings: Vec<NonprofitFinding> = found.into_values().collect();
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    for f in &findings {
        if let Some(c) = &f.foreign_controller
            && holders.iter().any(|h| h.holder.party_id() == Some(f.id.as_str()))
        {
            notes.push(
                Statement::new("note.nonprofit_removed")
                    .with("nonprofit", Param::text(graph.reader_name(&f.id)))
                    .with("controller", Param::text(graph.reader_name(c)))
                    .with(
                        "chain",
                        Param::text(
                            f.controller_chain.iter().map(|id| graph.reader_name(id)).collect::<Vec<_>>().join(" → "),
                        ),
                    ),
            );
        }
    }
    for cycle in &prepared.attribution.cycles {
        let names: Vec<&str> = cycle.iter().map(|&p| graph.party(p).reader_name()).collect();
        notes.push(Statement::new("note.cycle").with("cycle", Param::text(names.join(" ⇄ "))));
    }
    if prepared.chains.stopped_early {
        notes.push(Statement::new("note.chains_truncated"));
    }

    let disclosure = if party.kind == PartyKind::Company {
        let qualifying: Vec<&HolderShare> = holders.iter().filter(|h| h.status == Status::Qualifying).collect();
        let keys: Vec<(&str, &Fraction)> =
            qualifying.iter().map(|h| (h.holder.party_id().unwrap_or_default(), &h.share)).collect();
        let (branch, chosen) = disclosure::select(&keys);
        let five = Fraction::new(5, 100);
        let listed: Vec<DisclosedHolder> = chosen
            .iter()
            .map(|&i| {
                let h = qualifying[i];
                let id = h.holder.party_id().unwrap_or_default();
                let p = graph.lookup(id).map(|p| graph.party(p));
                let name = match p {
                    Some(p) if p.kind == PartyKind::State && p.country.is_some_and(|c| c.is_russia()) => {
                        "Российская Федерация".to_string()
                    }
                    Some(p) => p.reader_name().to_string(),
                    None => h.name.clone(),
                };
                DisclosedHolder {
                    id: id.to_string(),
                    name,
                    kind: p.map(|p| p.kind).unwrap_or(PartyKind::Unknown),
                    share: h.share.clone(),
                    direct: h.direct.clone(),
                    indirect: h.indirect.clone(),
                    above_five: h.share > five,
                    inn: p.and_then(|p| p.inn().map(String::from)),
                    ogrn: p.and_then(|p| p.ogrn().map(String::from)),
                    document: p.and_then(|p| p.document().map(String::from)),
                    address: p.and_then(|p| p.address().map(String::from)),
                    country: p.and_then(|p| {
                        p.country.map(|c| c.to_string()).or_else(|| {
                            (!p.citizenship.is_empty())
                                .then(|| p.citizenship.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "))
                        })
                    }),
                }
            })
            .collect();
        let total: Fraction = listed.iter().map(|h| &h.share).sum();
        if branch == Branch::NotMet {
            notes.push(Statement::new("note.disclosure_not_met").with("rule", Param::Rule(regime.disclosure_rule())));
        }
        Disclosure {
            rule: regime.disclosure_rule(),
            branch,
            branch_text: Statement::new(branch.code()),
            holders: listed,
            total,
        }
    } else {
        Disclosure {
            rule: regime.disclosure_rule(),
            branch: Branch::NotApplicable,
            branch_text: Statement::new(Branch::NotApplicable.code()),
            holders: Vec::new(),
            total: Fraction::zero(),
        }
    };

    Ok(ParticipationAssessment {
        regime,
        rule: regime.rule(),
        verdict,
        reason_code: reason.code,
        reason,
        share,
        upper,
        deciding,
        holders,
        disclosure,
        nonprofits: findings,
        notes,
    })
}
