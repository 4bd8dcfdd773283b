//! Checking a declared disclosure against the ownership graph: the list of shares an applicant
//! filed under p. 10 "б" (p. 47 "б"), which the expert council checks (p. 21) and rejects when
//! it is false or incomplete (p. 27). Every discrepancy is a [`Finding`] with a stable code, a
//! severity and its evidence: the computed value and the chains that carry it.
//!
//! The computed side is the [`ParticipationAssessment`] of the regime (its disclosure is the
//! list the rule requires); nothing of the rule is recomputed here. Each declared holder is
//! found in the graph ([`matching`](super::matching)): by id, INN, OGRN, then name.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::check::ToolInfo;
use super::disclosure::Branch;
use super::matching::{HolderMatch, MatchedBy, PartyIndex};
use super::participation::{ChainView, DisclosedHolder, HolderShare, ParticipationAssessment, Prepared};
use super::policy::{Policies, Regime};
use super::qualify::Status;
use super::verdict::Verdict;
use super::wording::{Param, Statement, as_english};
use crate::fraction::Fraction;
use crate::input::declaration::{BareNumbers, Declaration, DeclaredEntry};
use crate::model::{Graph, PartyIdx, PartyKind};

/// How a declaration is checked.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// Largest difference between a declared and a computed share that is not a finding, as a
    /// fraction of 1 (`1/10000` is 0.01 percentage points).
    pub tolerance: Fraction,
    /// The policies the assessment was made under (stated in the answer).
    pub policies: Policies,
}

/// The default tolerance: 0.01 percentage points. It admits a share declared rounded to two
/// decimals of a percent (1/3 written `33.33%` is 0.0033 points off) or cut after them
/// (2/3 written `66.66%`), and nothing coarser.
pub fn default_tolerance() -> Fraction {
    Fraction::new(1, 10_000)
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions { tolerance: default_tolerance(), policies: Policies::default() }
    }
}

/// How serious a finding is. Errors make the declaration inconsistent; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The declaration is false or incomplete (p. 27).
    Error,
    /// Worth a look, not a defect (e.g. a holder listed beyond what the rule requires).
    Warning,
}

/// What kind of discrepancy: the stable `code` of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// A declared share differs from the computed one by more than the tolerance.
    ShareMismatch,
    /// A holder the rule requires is not declared.
    MissingHolder,
    /// A declared holder does not count under the regime (foreign citizen, dual citizen under
    /// policy P1 `foreign`, a nonprofit failing its test, a company instead of its owners, ...).
    HolderNotQualifying,
    /// A declared holder's status cannot be established from the graph (undisclosed party,
    /// nonprofit whose control is undetermined).
    HolderNotProven,
    /// A declared holder is not in the graph.
    HolderNotFound,
    /// A declared holder matches several parties.
    AmbiguousHolder,
    /// A declared holder is in the graph but holds no share of the rights holder.
    NotAHolder,
    /// The same party is declared twice.
    DuplicateHolder,
    /// A qualifying holder declared beyond the list the rule requires (a warning).
    ExtraHolder,
    /// The declared shares together do not exceed 50 %, by more than rounding explains (each
    /// share may be off by the tolerance).
    TotalNotAboveHalf,
    /// The declared shares together exceed 100 %, by more than rounding explains.
    TotalAboveWhole,
    /// The declared list does not meet the rule even with every share right.
    ListNotMeetingRule,
    /// The verdict the declaration implies differs from the computed one.
    VerdictDiffers,
    /// The rights holder is not a commercial organization: there is nothing to disclose.
    NothingToDisclose,
}

impl FindingCode {
    /// The stable spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            FindingCode::ShareMismatch => "share_mismatch",
            FindingCode::MissingHolder => "missing_holder",
            FindingCode::HolderNotQualifying => "holder_not_qualifying",
            FindingCode::HolderNotProven => "holder_not_proven",
            FindingCode::HolderNotFound => "holder_not_found",
            FindingCode::AmbiguousHolder => "ambiguous_holder",
            FindingCode::NotAHolder => "not_a_holder",
            FindingCode::DuplicateHolder => "duplicate_holder",
            FindingCode::ExtraHolder => "extra_holder",
            FindingCode::TotalNotAboveHalf => "total_not_above_half",
            FindingCode::TotalAboveWhole => "total_above_whole",
            FindingCode::ListNotMeetingRule => "list_not_meeting_rule",
            FindingCode::VerdictDiffers => "verdict_differs",
            FindingCode::NothingToDisclose => "nothing_to_disclose",
        }
    }

    /// Its severity.
    pub fn severity(&self) -> Severity {
        match self {
            FindingCode::ExtraHolder | FindingCode::NothingToDisclose => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One discrepancy with its evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// What kind.
    pub code: FindingCode,
    /// How serious.
    pub severity: Severity,
    /// In words (English in JSON; the text report renders it in the reader's language).
    #[serde(serialize_with = "as_english")]
    pub message: Statement,
    /// The declared record (1-based), when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    /// Its line in the declaration file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The holder as declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The party id it is (the matched one, or the required holder that is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Which detail matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
    /// The declared value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Fraction>,
    /// The computed value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<Fraction>,
    /// Declared minus computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<Fraction>,
    /// Why the holder does or does not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Statement>,
    /// Parties a holder could be (ambiguous) or ids that look alike (not found).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// Holders concerned: those missing from the list, or the owners behind a company.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<String>,
    /// The chains that carry the computed value, largest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<ChainView>,
}

impl Finding {
    fn new(code: FindingCode, message: Statement) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            message,
            record: None,
            line: None,
            holder: None,
            party: None,
            matched_by: None,
            declared: None,
            computed: None,
            difference: None,
            basis: None,
            candidates: Vec::new(),
            holders: Vec::new(),
            chains: Vec::new(),
        }
    }

    fn entry(mut self, e: &DeclaredEntry) -> Finding {
        self.record = Some(e.record);
        self.line = Some(e.line);
        self.holder = Some(e.holder.clone());
        self.declared = Some(e.share.clone());
        self
    }

    fn party(mut self, id: &str, by: Option<MatchedBy>) -> Finding {
        self.party = Some(id.to_string());
        self.matched_by = by;
        self
    }

    fn computed(mut self, value: &Fraction, chains: &[ChainView]) -> Finding {
        if let Some(d) = &self.declared {
            self.difference = Some(d - value);
        }
        self.computed = Some(value.clone());
        self.chains = chains.to_vec();
        self
    }
}

/// One declared line as checked.
#[derive(Clone, Debug, Serialize)]
pub struct EntryCheck {
    /// 1-based record.
    pub record: usize,
    /// Line in the file.
    pub line: u32,
    /// The holder as declared.
    pub holder: String,
    /// The declared share.
    pub declared: Fraction,
    /// As written.
    pub share_text: String,
    /// The party it was matched to.
    pub party: Option<String>,
    /// By which detail.
    pub matched_by: Option<MatchedBy>,
    /// The party's computed share of the rights holder.
    pub computed: Option<Fraction>,
    /// Whether the party counts under the regime.
    pub status: Option<Status>,
    /// True when the rule requires this holder.
    pub required: bool,
    /// True when no error finding concerns this line.
    pub ok: bool,
}

/// What the graph says.
#[derive(Clone, Debug, Serialize)]
pub struct ComputedSide {
    /// The participation verdict.
    pub verdict: Verdict,
    /// Why, in English.
    #[serde(serialize_with = "as_english")]
    pub reason: Statement,
    /// Proven share of qualifying holders.
    pub share: Fraction,
    /// Upper bound counting undisclosed holders.
    pub upper: Fraction,
    /// The branch of the disclosure rule.
    pub branch: Branch,
    /// The holders the rule requires, in order.
    pub required: Vec<DisclosedHolder>,
    /// Their total.
    pub total: Fraction,
}

/// What the applicant declared.
#[derive(Clone, Debug, Serialize)]
pub struct DeclaredSide {
    /// The file.
    pub file: String,
    /// Each line as checked.
    pub entries: Vec<EntryCheck>,
    /// The sum of the declared shares.
    pub total: Fraction,
    /// The verdict the declaration implies: eligible when its total exceeds 50 % (allowing each
    /// share the tolerance, for rounding).
    pub implied_verdict: Verdict,
    /// How bare numbers were read, if there were any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bare_numbers: Option<BareNumbers>,
}

/// The answer of `owngraph verify`.
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// Rights holder id.
    pub target: String,
    /// Rights holder name.
    pub target_name: String,
    /// `ru` or `eaeu`.
    pub regime: Regime,
    /// The rule of the list: `p. 10 "б"` or `p. 47 "б"`.
    pub rule: &'static str,
    /// The date of the analysis.
    pub as_of: String,
    /// The policies used.
    pub policies: Policies,
    /// The tolerance for shares (fraction of 1; its percent is in percentage points).
    pub tolerance: Fraction,
    /// True when there is no error finding.
    pub consistent: bool,
    /// Number of error findings.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// The findings, declared lines first, then the list as a whole.
    pub findings: Vec<Finding>,
    /// What the graph says.
    pub computed: ComputedSide,
    /// What was declared.
    pub declared: DeclaredSide,
    /// Notes on reading the declaration.
    pub notes: Vec<Statement>,
    /// The tool that made it.
    pub tool: ToolInfo,
    /// The rights holder as a reader knows it: its name and ОГРН (else ИНН, else id).
    #[serde(skip)]
    pub target_label: String,
    /// The name a reader is shown for each party id the verification cites.
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

impl Verification {
    /// The name a reader is shown for a party id (the id itself when it is not cited).
    pub fn name_of(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

fn abs(f: &Fraction) -> Fraction {
    if f.is_negative() { -f.clone() } else { f.clone() }
}

fn share_param(f: &Fraction) -> Param {
    Param::Share(f.clone())
}

/// The chains through a company: every listed chain of an ultimate holder that passes `id`.
fn chains_through<'a>(holders: &'a [HolderShare], id: &str) -> (Vec<String>, Vec<ChainView>) {
    let mut owners = Vec::new();
    let mut chains = Vec::new();
    for h in holders {
        let through: Vec<&'a ChainView> = h.chains.iter().filter(|c| c.path.iter().skip(1).any(|p| p == id)).collect();
        if !through.is_empty() {
            owners.push(h.holder.party_id().map_or_else(|| h.name.clone(), String::from));
            chains.extend(through.into_iter().cloned());
        }
    }
    (owners, chains)
}

/// Checks `declaration` against the `regime` answer `a` for `target` (and the arithmetic
/// `prepared` it came from). O(declared + holders + parties).
pub fn verify(
    graph: &Graph,
    target: PartyIdx,
    prepared: &Prepared,
    a: &ParticipationAssessment,
    declaration: &Declaration,
    options: &VerifyOptions,
) -> Verification {
    let party = graph.party(target);
    let d = &a.disclosure;
    let tolerance = &options.tolerance;
    let rule = Param::Rule(d.rule);
    let holders: HashMap<&str, &HolderShare> =
        a.holders.iter().filter_map(|h| h.holder.party_id().map(|id| (id, h))).collect();
    let required: HashMap<&str, &DisclosedHolder> = d.holders.iter().map(|h| (h.id.as_str(), h)).collect();
    let index = PartyIndex::new(graph);
    let applicable = d.branch != Branch::NotApplicable;

    let mut findings = Vec::new();
    let mut entries = Vec::new();
    let mut seen: HashMap<PartyIdx, usize> = HashMap::new();
    let mut right_total = Fraction::zero();
    for e in &declaration.entries {
        let before = findings.len();
        let mut check = EntryCheck {
            record: e.record,
            line: e.line,
            holder: e.holder.clone(),
            declared: e.share.clone(),
            share_text: e.share_text.clone(),
            party: None,
            matched_by: None,
            computed: None,
            status: None,
            required: false,
            ok: true,
        };
        let holder = Param::text(e.holder.clone());
        match index.find(&e.holder) {
            HolderMatch::NotFound => {
                let mut f = Finding::new(
                    FindingCode::HolderNotFound,
                    Statement::new("verify.holder_not_found").with("holder", holder),
                )
                .entry(e);
                f.candidates = graph.similar_ids(&e.holder).into_iter().map(String::from).collect();
                findings.push(f);
            }
            HolderMatch::Ambiguous(by, ps) => {
                let mut f = Finding::new(
                    FindingCode::AmbiguousHolder,
                    Statement::new("verify.ambiguous_holder")
                        .with("holder", holder)
                        .with("by", Param::text(by.as_str()))
                        .with("candidates", Param::List(ps.iter().map(|&p| graph.party(p).reader_label()).collect())),
                )
                .entry(e);
                f.matched_by = Some(by);
                f.candidates = ps.iter().map(|&p| graph.party(p).id.to_string()).collect();
                findings.push(f);
            }
            HolderMatch::Found(p, by) => {
                let id = graph.party(p).id.as_str();
                check.party = Some(id.to_string());
                check.matched_by = Some(by);
                check.required = required.contains_key(id);
                let who = Param::text(graph.party(p).reader_name());
                if let Some(&first) = seen.get(&p) {
                    findings.push(
                        Finding::new(
                            FindingCode::DuplicateHolder,
                            Statement::new("verify.duplicate_holder")
                                .with("holder", who)
                                .with("first", Param::text(first.to_string())),
                        )
                        .entry(e)
                        .party(id, Some(by)),
                    );
                } else if let Some(h) = holders.get(id) {
                    seen.insert(p, e.record);
                    check.computed = Some(h.share.clone());
                    check.status = Some(h.status);
                    match h.status {
                        Status::Qualifying => {
                            right_total += &h.share;
                            let diff = &e.share - &h.share;
                            if abs(&diff) > *tolerance {
                                findings.push(
                                    Finding::new(
                                        FindingCode::ShareMismatch,
                                        Statement::new("verify.share_mismatch")
                                            .with("holder", who.clone())
                                            .with("declared", share_param(&e.share))
                                            .with("computed", share_param(&h.share))
                                            .with("difference", Param::Points(abs(&diff)))
                                            .with("tolerance", Param::Points(tolerance.clone())),
                                    )
                                    .entry(e)
                                    .party(id, Some(by))
                                    .computed(&h.share, &h.chains),
                                );
                            }
                            if applicable && !check.required {
                                findings.push(
                                    Finding::new(
                                        FindingCode::ExtraHolder,
                                        Statement::new("verify.extra_holder")
                                            .with("holder", who)
                                            .with("computed", share_param(&h.share))
                                            .with("rule", rule.clone()),
                                    )
                                    .entry(e)
                                    .party(id, Some(by))
                                    .computed(&h.share, &h.chains),
                                );
                            }
                        }
                        Status::NotQualifying | Status::Unknown => {
                            let (code, message) = if h.status == Status::NotQualifying {
                                (FindingCode::HolderNotQualifying, "verify.holder_not_qualifying")
                            } else {
                                (FindingCode::HolderNotProven, "verify.holder_not_proven")
                            };
                            let mut f = Finding::new(
                                code,
                                Statement::new(message)
                                    .with("holder", who)
                                    .with("basis", Param::Statement(Box::new(h.basis.clone())))
                                    .with("computed", share_param(&h.share)),
                            )
                            .entry(e)
                            .party(id, Some(by))
                            .computed(&h.share, &h.chains);
                            f.basis = Some(h.basis.clone());
                            findings.push(f);
                        }
                    }
                } else if p == target {
                    seen.insert(p, e.record);
                    findings.push(
                        Finding::new(
                            FindingCode::NotAHolder,
                            Statement::new("verify.target_itself").with("holder", who),
                        )
                        .entry(e)
                        .party(id, Some(by)),
                    );
                } else if graph.party(p).kind == PartyKind::Company && prepared.ancestry.passes_through(p) {
                    seen.insert(p, e.record);
                    let held = prepared.attribution.held_by(&prepared.ancestry, p);
                    let (owners, chains) = chains_through(&a.holders, id);
                    let basis = Statement::new("verify.company_basis").with("owners", Param::List(owners.clone()));
                    check.computed = Some(held.clone());
                    check.status = Some(Status::NotQualifying);
                    let mut f = Finding::new(
                        FindingCode::HolderNotQualifying,
                        Statement::new("verify.holder_not_qualifying")
                            .with("holder", who)
                            .with("basis", Param::Statement(Box::new(basis.clone())))
                            .with("computed", share_param(&held)),
                    )
                    .entry(e)
                    .party(id, Some(by))
                    .computed(&held, &chains);
                    f.basis = Some(basis);
                    f.holders = owners;
                    findings.push(f);
                } else {
                    seen.insert(p, e.record);
                    check.computed = Some(Fraction::zero());
                    findings.push(
                        Finding::new(
                            FindingCode::NotAHolder,
                            Statement::new("verify.not_a_holder")
                                .with("holder", who)
                                .with("target", Param::text(party.reader_name())),
                        )
                        .entry(e)
                        .party(id, Some(by))
                        .computed(&Fraction::zero(), &[]),
                    );
                }
            }
        }
        check.ok = findings[before..].iter().all(|f| f.severity != Severity::Error);
        entries.push(check);
    }

    let declared_total: Fraction = declaration.entries.iter().map(|e| &e.share).sum();
    // Each declared share may be off by the tolerance (rounding), so may their sum: three
    // shares written to two decimals can add up to 100.01 %, or to 50.00 % for 50.004 %.
    let slack = tolerance * &Fraction::new(declaration.entries.len() as i64, 1);
    let above_half = (&declared_total + &slack).exceeds_half();
    let implied = if above_half { Verdict::Eligible } else { Verdict::NotEligible };
    let declared_ids: HashSet<&str> = entries.iter().filter_map(|c| c.party.as_deref()).collect();
    let missing: Vec<&DisclosedHolder> = d.holders.iter().filter(|h| !declared_ids.contains(h.id.as_str())).collect();
    if applicable {
        for h in &missing {
            let why = if h.above_five { "verify.why_above_five" } else { "verify.why_top_up" };
            let chains = holders.get(h.id.as_str()).map(|x| x.chains.as_slice()).unwrap_or_default();
            findings.push(
                Finding::new(
                    FindingCode::MissingHolder,
                    Statement::new("verify.missing_holder")
                        .with("holder", Param::text(h.name.clone()))
                        .with("computed", share_param(&h.share))
                        .with("rule", rule.clone())
                        .with("why", Param::Statement(Box::new(Statement::new(why)))),
                )
                .party(&h.id, None)
                .computed(&h.share, chains),
            );
        }
        if declared_total > &Fraction::one() + &slack {
            let mut f = Finding::new(
                FindingCode::TotalAboveWhole,
                Statement::new("verify.total_above_whole").with("total", share_param(&declared_total)),
            );
            f.declared = Some(declared_total.clone());
            findings.push(f);
        }
        if !above_half {
            let mut f = Finding::new(
                FindingCode::TotalNotAboveHalf,
                Statement::new("verify.total_not_above_half").with("total", share_param(&declared_total)),
            );
            f.declared = Some(declared_total.clone());
            f.computed = Some(d.total.clone());
            findings.push(f);
        }
        let list_finding = if d.branch == Branch::NotMet {
            Some(
                Statement::new("verify.list_cannot_meet_rule")
                    .with("rule", rule.clone())
                    .with("share", share_param(&a.share)),
            )
        } else if !missing.is_empty() || !right_total.exceeds_half() {
            Some(
                Statement::new("verify.list_not_meeting_rule")
                    .with("rule", rule.clone())
                    .with("branch", Param::Statement(Box::new(d.branch_text.clone())))
                    .with("required", Param::List(d.holders.iter().map(|h| h.name.clone()).collect()))
                    .with("right_total", share_param(&right_total)),
            )
        } else {
            None
        };
        if let Some(message) = list_finding {
            let mut f = Finding::new(FindingCode::ListNotMeetingRule, message);
            f.computed = Some(right_total.clone());
            f.holders = missing.iter().map(|h| h.id.clone()).collect();
            findings.push(f);
        }
        if implied != a.verdict {
            let mut f = Finding::new(
                FindingCode::VerdictDiffers,
                Statement::new("verify.verdict_differs")
                    .with("implied", Param::Statement(Box::new(Statement::new(implied.code()))))
                    .with("total", share_param(&declared_total))
                    .with("computed", Param::Statement(Box::new(Statement::new(a.verdict.code()))))
                    .with("reason", Param::Statement(Box::new(a.reason.clone()))),
            );
            f.declared = Some(declared_total.clone());
            f.computed = Some(a.share.clone());
            findings.push(f);
        }
    } else if !declaration.entries.is_empty() {
        findings.push(Finding::new(
            FindingCode::NothingToDisclose,
            Statement::new("verify.nothing_to_disclose").with("rule", rule.clone()),
        ));
    }

    let mut notes = Vec::new();
    match declaration.bare_numbers {
        Some(BareNumbers::Percent) => notes.push(Statement::new("verify.bare_percent")),
        Some(BareNumbers::Fraction) => notes.push(Statement::new("verify.bare_fraction")),
        None => {}
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let cited = entries
        .iter()
        .filter_map(|c| c.party.as_deref())
        .chain(d.holders.iter().map(|h| h.id.as_str()))
        .chain(findings.iter().flat_map(|f| f.chains.iter().flat_map(|c| c.path.iter().map(String::as_str))));
    let names: BTreeMap<String, String> = cited
        .filter_map(|id| graph.lookup(id).map(|p| (id.to_string(), graph.party(p).reader_name().to_string())))
        .collect();
    Verification {
        target_label: party.reader_label(),
        names,
        target: party.id.to_string(),
        target_name: party.name.to_string(),
        regime: a.regime,
        rule: d.rule,
        as_of: graph.as_of().to_string(),
        policies: options.policies,
        tolerance: tolerance.clone(),
        consistent: errors == 0,
        errors,
        warnings,
        findings,
        computed: ComputedSide {
            verdict: a.verdict,
            reason: a.reason.clone(),
            share: a.share.clone(),
            upper: a.upper.clone(),
            branch: d.branch,
            required: d.holders.clone(),
            total: d.total.clone(),
        },
        declared: DeclaredSide {
            file: declaration.file.clone(),
            entries,
            total: declared_total,
            implied_verdict: implied,
            bare_numbers: declaration.bare_numbers,
        },
        notes,
        tool: ToolInfo::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::ChainLimits;
    use crate::input::declaration::{DeclarationFormat, parse};
    use crate::input::{example, json};
    use crate::law::disclosure_document::assess;

    fn run(n: u32, csv: &str, tolerance: Fraction) -> Verification {
        let g = example(n);
        let t = g.lookup("T").unwrap();
        let policies = Policies::default();
        let (prepared, a) = assess(&g, t, Regime::Ru, &policies, ChainLimits::default()).unwrap();
        let d = parse("d.csv", csv, DeclarationFormat::Csv).unwrap();
        verify(&g, t, &prepared, &a, &d, &VerifyOptions { tolerance, policies })
    }

    fn codes(v: &Verification) -> Vec<&'static str> {
        v.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_correct_declaration_is_consistent() {
        let v = run(1, "holder,share\nivanov,40%\nsidorov,1/4\npetrov,17.5%\n", default_tolerance());
        assert!(v.consistent, "{:?}", codes(&v));
        assert_eq!(v.declared.total, Fraction::new(33, 40));
        assert_eq!(v.declared.implied_verdict, Verdict::Eligible);
        assert!(v.declared.entries.iter().all(|e| e.ok && e.required));
    }

    #[test]
    fn the_tolerance_is_inclusive_and_admits_two_decimals() {
        // 1/3 written 33.33 %: 1/300 of a point off.
        assert!(run(3, "holder,share\na,33.33%\nb,33.33%\n", default_tolerance()).consistent);
        // Exactly the tolerance away passes; anything more does not.
        assert!(run(1, "holder,share\nivanov,40.01%\nsidorov,25%\npetrov,17.5%\n", default_tolerance()).consistent);
        let v = run(1, "holder,share\nivanov,40.0101%\nsidorov,25%\npetrov,17.5%\n", default_tolerance());
        assert_eq!(codes(&v), ["share_mismatch"]);
        let f = &v.findings[0];
        assert_eq!(f.difference, Some(Fraction::new(101, 1_000_000)));
        assert_eq!(f.computed, Some(Fraction::new(2, 5)));
        assert_eq!(f.chains[0].path, ["ivanov", "T"]);
        assert!(run(1, "holder,share\nivanov,40.5%\nsidorov,25%\npetrov,17.5%\n", Fraction::new(1, 100)).consistent);
    }

    #[test]
    fn a_company_instead_of_its_owners_shows_who_is_behind_it() {
        let v = run(1, "holder,share\nivanov,40%\nsidorov,25%\nA,35%\n", default_tolerance());
        assert_eq!(codes(&v), ["holder_not_qualifying", "missing_holder", "list_not_meeting_rule"]);
        let f = &v.findings[0];
        assert_eq!(f.computed, Some(Fraction::new(7, 20)));
        assert_eq!(f.holders, ["petrov", "smith"]);
        assert_eq!(f.basis.as_ref().map(|b| b.code), Some("verify.company_basis"));
        assert_eq!(v.findings[1].party.as_deref(), Some("petrov"));
    }

    #[test]
    fn foreign_unknown_and_absent_holders() {
        let v = run(
            1,
            "holder,share\nivanov,40%\nsidorov,25%\npetrov,17.5%\nsmith,17.5%\nnobody,1%\n",
            default_tolerance(),
        );
        assert_eq!(codes(&v), ["holder_not_qualifying", "holder_not_found", "total_above_whole"]);
        assert_eq!(v.findings[0].basis.as_ref().map(|b| b.code), Some("qual.foreign_citizen"));
        // The free float of example 9 cannot be confirmed as qualifying.
        let v = run(9, "holder,share\np,45%\nfloat,20%\n", default_tolerance());
        assert_eq!(codes(&v), ["holder_not_proven", "list_not_meeting_rule", "verdict_differs"]);
    }

    #[test]
    fn totals_allow_for_rounding() {
        // c0 35/60 of T (p2 16/60, p3 44/60), p5 25/60: 41.67 + 42.78 + 15.56 = 100.01 %.
        let g = json::parse(
            "g.json",
            r#"{"parties": [{"id": "T", "kind": "company", "country": "RU"}, {"id": "c0", "kind": "company", "country": "RU"},
                {"id": "p2", "kind": "person", "citizenship": ["RU"]}, {"id": "p3", "kind": "person", "citizenship": ["RU"]},
                {"id": "p5", "kind": "person", "citizenship": ["RU"]}],
               "relations": [{"type": "shares", "from": "c0", "to": "T", "capital": "35/60"},
                {"type": "shares", "from": "p5", "to": "T", "capital": "25/60"},
                {"type": "shares", "from": "p2", "to": "c0", "capital": "16/60"},
                {"type": "shares", "from": "p3", "to": "c0", "capital": "44/60"}]}"#,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap();
        let t = g.lookup("T").unwrap();
        let policies = Policies::default();
        let (prepared, a) = assess(&g, t, Regime::Ru, &policies, ChainLimits::default()).unwrap();
        let check = |csv: &str| {
            let d = parse("d.csv", csv, DeclarationFormat::Csv).unwrap();
            let v = verify(&g, t, &prepared, &a, &d, &VerifyOptions::default());
            v.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>()
        };
        assert!(check("holder,share\np3,42.78%\np5,41.67%\np2,15.56%\n").is_empty());
        assert_eq!(
            check("holder,share\np3,42.78%\np5,41.67%\np2,15.56%\np2,0.1%\n"),
            ["duplicate_holder", "total_above_whole"]
        );
    }

    #[test]
    fn a_list_short_of_half_and_its_implied_verdict() {
        let v = run(10, "holder,share\nA,30%\nB,8%\nC,4%\nD,4%\nE,3%\n", default_tolerance());
        assert_eq!(codes(&v), ["missing_holder", "total_not_above_half", "list_not_meeting_rule", "verdict_differs"]);
        assert_eq!(v.findings[0].party.as_deref(), Some("F"));
        assert_eq!(v.declared.implied_verdict, Verdict::NotEligible);
        let v = run(10, "holder,share\nA,30%\nB,8%\nC,4%\nD,4%\nE,3%\nF,3%\nG,2%\n", default_tolerance());
        assert_eq!(codes(&v), ["extra_holder"]);
        assert!(v.consistent);
        assert_eq!(v.warnings, 1);
    }
}
