//! Declared indirect shares checked: a BODS (0.1–0.4) primary relationship with `directOrIndirect:
//! indirect` declares a share its interested party holds through other entities, and lists the
//! component records that carry it. Whether the declared share follows from those components
//! is the rule of docs/DOMAIN.md, "Participation" (Tax Code art. 105.2 p. 3: the product of the
//! direct shares along each chain, summed over the chains; cycles by the linear system), which
//! neither BODS nor its validator checks.
//!
//! Each component link carries an interval: its stated share (exact or a range), exactly 1 from
//! a state to one of its state bodies (a state body is the state acting), or [0, 1] when the
//! component states no share of the declared kind. The walk sums are monotone in every link,
//! so the share the chain gives is exactly `[W(lower bounds), W(upper bounds)]` (capped at 1),
//! each solved exactly. The declared share is then `confirmed` (the chain gives it, or gives
//! only values inside the declared range), `consistent` (the chain allows it but does not fix
//! it: some link states no share), or a `discrepancy` (the chain cannot give it).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::analysis::linear;
use crate::fraction::Fraction;
use crate::input::bods::{BodsInterest, PartyRef, RecordDetails, RelationshipDetails, ShareRange, Snapshot};

/// A record named for a reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The record id.
    pub id: String,
    /// Its name (or the id).
    pub name: String,
}

/// A closed interval of shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub lower: Fraction,
    /// Upper bound.
    pub upper: Fraction,
}

impl Interval {
    fn point(f: Fraction) -> Interval {
        Interval { lower: f.clone(), upper: f }
    }

    /// One value.
    pub fn is_point(&self) -> bool {
        self.lower == self.upper
    }
}

/// Where a link's share comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkBasis {
    /// The component states the share.
    Stated,
    /// A state holding its own state body: counted as 1.
    StateBody,
    /// The component states no share of the declared kind: anything in [0, 1].
    NotStated,
}

/// One component link, holder → held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The relationship record.
    pub record_id: String,
    /// The holder.
    pub holder: Named,
    /// The held entity.
    pub held: Named,
    /// The share it carries.
    pub share: Interval,
    /// Where that share comes from.
    pub basis: LinkBasis,
}

/// One chain from the interested party down to the subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainPath {
    /// Record ids, interested party first, subject last.
    pub parties: Vec<Named>,
    /// The share of each step.
    pub factors: Vec<Interval>,
    /// Their product.
    pub product: Interval,
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The chain gives the declared share (or only values within the declared range).
    Confirmed,
    /// The chain allows the declared share but does not fix it.
    Consistent,
    /// The chain cannot give the declared share.
    Discrepancy,
    /// The interest declares no share: nothing to compare.
    NoShare,
    /// No chain of the declared kind leads from the interested party to the subject.
    NoChain,
}

/// Which end of the computed interval the declared share sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Only if every link without a stated share is 0.
    Lower,
    /// Only if every link without a stated share is 100 %.
    Upper,
}

/// The share a single unstated link must have for the declared share to hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Implied {
    /// The link.
    pub record_id: String,
    /// Its holder.
    pub holder: Named,
    /// The held entity.
    pub held: Named,
    /// The share it would need.
    pub share: Fraction,
}

/// What the components were taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainBasis {
    /// The relationship's `componentRecords`.
    Components,
    /// It lists none: every direct relationship of the file.
    WholeFile,
}

/// The check of one declared indirect interest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndirectCheck {
    /// The primary relationship record.
    pub record_id: String,
    /// Its statement.
    pub statement_id: String,
    /// The entity held.
    pub subject: Named,
    /// Who declares the indirect interest.
    pub interested_party: Named,
    /// The interest type (`shareholding`, `votingRights`, …).
    pub interest_type: String,
    /// The declared share.
    pub declared: Option<ShareRange>,
    /// What the chain gives.
    pub computed: Option<Interval>,
    /// The outcome.
    pub status: CheckStatus,
    /// Which end of the computed interval the declared share needs, if one.
    pub at_bound: Option<Bound>,
    /// The share a single unstated link would need.
    pub implied: Option<Implied>,
    /// Where the links come from.
    pub basis: ChainBasis,
    /// The links used.
    pub links: Vec<Link>,
    /// The chains from the interested party to the subject (at most [`MAX_PATHS`]).
    pub chains: Vec<ChainPath>,
    /// More chains exist than listed.
    pub chains_truncated: bool,
    /// Component records that are not in the file as of the date.
    pub missing_components: Vec<String>,
}

/// All checks of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BodsCheckReport {
    /// The date of the snapshot (YYYY-MM-DD).
    pub as_of: String,
    /// One per declared indirect interest.
    pub checks: Vec<IndirectCheck>,
    /// Counts per status.
    pub confirmed: usize,
    /// See [`CheckStatus::Consistent`].
    pub consistent: usize,
    /// See [`CheckStatus::Discrepancy`].
    pub discrepancies: usize,
    /// See [`CheckStatus::NoShare`] and [`CheckStatus::NoChain`].
    pub not_checked: usize,
}

/// Most chains listed per check.
pub const MAX_PATHS: usize = 20;

fn named(snap: &Snapshot, id: &str) -> Named {
    Named { id: id.to_string(), name: snap.get(id).map(|s| s.display_name()).unwrap_or_else(|| id.to_string()) }
}

fn entity_type<'a>(snap: &'a Snapshot, id: &str) -> Option<(&'a str, Option<&'a str>)> {
    match snap.get(id).map(|s| &s.details) {
        Some(RecordDetails::Entity(e)) => Some((e.entity_type.as_str(), e.jurisdiction.as_deref())),
        _ => None,
    }
}

fn same_country(a: Option<&str>, b: Option<&str>) -> bool {
    let head = |s: &str| s.get(..2).map(str::to_ascii_uppercase);
    match (a, b) {
        (Some(a), Some(b)) => head(a) == head(b),
        _ => true,
    }
}

/// The share of kind `kind` a component states, or why not.
fn link_share(snap: &Snapshot, r: &RelationshipDetails, holder: &str, held: &str, kind: &str) -> (Interval, LinkBasis) {
    let stated: Vec<&BodsInterest> = r
        .interests
        .iter()
        .filter(|i| !i.is_indirect() && i.kind.as_deref() == Some(kind) && i.in_force(snap.as_of))
        .filter(|i| i.share.is_some())
        .collect();
    if !stated.is_empty() {
        let lower: Fraction = stated.iter().filter_map(|i| i.share.as_ref()).map(|s| &s.lower).sum();
        let upper: Fraction = stated.iter().filter_map(|i| i.share.as_ref()).map(|s| &s.upper).sum();
        return (Interval { lower: lower.min(Fraction::one()), upper: upper.min(Fraction::one()) }, LinkBasis::Stated);
    }
    if let (Some(("state", hj)), Some(("stateBody", sj))) = (entity_type(snap, holder), entity_type(snap, held))
        && same_country(hj, sj)
    {
        return (Interval::point(Fraction::one()), LinkBasis::StateBody);
    }
    (Interval { lower: Fraction::zero(), upper: Fraction::one() }, LinkBasis::NotStated)
}

/// Walk sums from every node to `subject`: `y(v) = Σ_u c(v, u)·y(u)`, `y(subject) = 1`,
/// the subject absorbing. `None` when the system has no meaningful solution.
fn walk_sum(nodes: &[String], edges: &[(usize, usize, Fraction)], subject: usize, from: usize) -> Option<Fraction> {
    let n = nodes.len();
    let mut entries = Vec::new();
    let mut b = vec![Fraction::zero(); n];
    for v in 0..n {
        entries.push((v, v, Fraction::one()));
    }
    for (h, u, c) in edges {
        if *h == subject {
            continue;
        }
        if *u == subject {
            b[*h] += c;
        } else {
            entries.push((*h, *u, -c.clone()));
        }
    }
    let x = linear::solve(n, entries, b).ok()?;
    let y = x.get(from)?.clone();
    if x.iter().any(Fraction::is_negative) { None } else { Some(y) }
}

fn has_cycle(n: usize, edges: &[(usize, usize, Fraction)], subject: usize) -> bool {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (h, u, _) in edges {
        if *h != subject {
            out[*h].push(*u);
            indeg[*u] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut seen = 0;
    while let Some(v) = ready.pop() {
        seen += 1;
        for &u in &out[v] {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.push(u);
            }
        }
    }
    seen < n
}

/// Simple paths from `from` to `to`, iteratively, at most `MAX_PATHS`.
fn simple_paths(n: usize, edges: &[(usize, usize, usize)], from: usize, to: usize) -> (Vec<Vec<usize>>, bool) {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (h, u, link) in edges {
        out[*h].push((*u, *link));
    }
    let mut found = Vec::new();
    let mut truncated = false;
    // Stack of (node, next edge position); `links` holds the links taken.
    let mut stack: Vec<(usize, usize)> = vec![(from, 0)];
    let mut on_path = vec![false; n];
    on_path[from] = true;
    let mut links: Vec<usize> = Vec::new();
    let mut work = 0usize;
    while let Some(&(v, pos)) = stack.last() {
        work += 1;
        if work > 100_000 {
            truncated = true;
            break;
        }
        if v == to {
            found.push(links.clone());
            if found.len() >= MAX_PATHS {
                truncated = true;
                break;
            }
            on_path[v] = false;
            stack.pop();
            links.pop();
            continue;
        }
        if pos < out[v].len() {
            let (u, link) = out[v][pos];
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            if !on_path[u] {
                on_path[u] = true;
                links.push(link);
                stack.push((u, 0));
            }
        } else {
            on_path[v] = false;
            stack.pop();
            links.pop();
        }
    }
    (found, truncated)
}

fn check_one(
    snap: &Snapshot,
    record_id: &str,
    statement_id: &str,
    rel: &RelationshipDetails,
    subject: &str,
    party: &str,
    interest: &BodsInterest,
) -> IndirectCheck {
    let kind = interest.kind_or_unknown().to_string();
    let mut check = IndirectCheck {
        record_id: record_id.to_string(),
        statement_id: statement_id.to_string(),
        subject: named(snap, subject),
        interested_party: named(snap, party),
        interest_type: kind.clone(),
        declared: interest.share.clone(),
        computed: None,
        status: CheckStatus::NoShare,
        at_bound: None,
        implied: None,
        basis: ChainBasis::Components,
        links: Vec::new(),
        chains: Vec::new(),
        chains_truncated: false,
        missing_components: Vec::new(),
    };
    // The component relationships, or every direct relationship of the file.
    let mut components: Vec<(&str, &RelationshipDetails)> = Vec::new();
    if rel.component_records.is_empty() {
        check.basis = ChainBasis::WholeFile;
        for (s, r) in snap.relationships() {
            if s.record_id != record_id && r.interests.iter().any(|i| !i.is_indirect()) {
                components.push((s.record_id.as_str(), r));
            }
        }
    } else {
        for id in &rel.component_records {
            match snap.get(id).map(|s| (s, &s.details)) {
                Some((s, RecordDetails::Relationship(r))) => components.push((s.record_id.as_str(), r)),
                Some(_) => {}
                None => check.missing_components.push(id.clone()),
            }
        }
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut nodes: Vec<String> = Vec::new();
    let mut node = |id: &str, nodes: &mut Vec<String>| -> usize {
        *index.entry(id.to_string()).or_insert_with(|| {
            nodes.push(id.to_string());
            nodes.len() - 1
        })
    };
    let s_node = node(subject, &mut nodes);
    let p_node = node(party, &mut nodes);
    let mut lower_edges = Vec::new();
    let mut upper_edges = Vec::new();
    let mut path_edges = Vec::new();
    for (id, r) in components {
        let (PartyRef::Record(held), PartyRef::Record(holder)) = (&r.subject, &r.interested_party) else {
            continue;
        };
        let (share, basis) = link_share(snap, r, holder, held, &kind);
        let (h, u) = (node(holder, &mut nodes), node(held, &mut nodes));
        lower_edges.push((h, u, share.lower.clone()));
        upper_edges.push((h, u, share.upper.clone()));
        path_edges.push((h, u, check.links.len()));
        check.links.push(Link {
            record_id: id.to_string(),
            holder: named(snap, holder),
            held: named(snap, held),
            share,
            basis,
        });
    }
    let (paths, truncated) = simple_paths(nodes.len(), &path_edges, p_node, s_node);
    check.chains_truncated = truncated;
    for p in &paths {
        let mut parties = vec![named(snap, party)];
        let mut factors = Vec::new();
        let (mut lo, mut hi) = (Fraction::one(), Fraction::one());
        for &l in p {
            let link = &check.links[l];
            parties.push(link.held.clone());
            lo = &lo * &link.share.lower;
            hi = &hi * &link.share.upper;
            factors.push(link.share.clone());
        }
        check.chains.push(ChainPath { parties, factors, product: Interval { lower: lo, upper: hi } });
    }
    let Some(declared) = interest.share.clone() else {
        check.status = if paths.is_empty() { CheckStatus::NoChain } else { CheckStatus::NoShare };
        return check;
    };
    if paths.is_empty() {
        check.status = CheckStatus::NoChain;
        return check;
    }
    let lower = walk_sum(&nodes, &lower_edges, s_node, p_node).unwrap_or_default().min(Fraction::one());
    let cyclic = has_cycle(nodes.len(), &upper_edges, s_node);
    let overfull = {
        let mut sums: HashMap<usize, Fraction> = HashMap::new();
        for (_, u, c) in &upper_edges {
            *sums.entry(*u).or_default() += c;
        }
        sums.values().any(|s| *s > Fraction::one())
    };
    let upper = if cyclic && overfull {
        Fraction::one()
    } else {
        walk_sum(&nodes, &upper_edges, s_node, p_node).unwrap_or_else(Fraction::one).min(Fraction::one())
    };
    let computed = Interval { lower, upper };
    check.status = if declared.includes(&computed.lower, &computed.upper) {
        CheckStatus::Confirmed
    } else if declared.overlaps(&computed.lower, &computed.upper) {
        CheckStatus::Consistent
    } else {
        CheckStatus::Discrepancy
    };
    if check.status == CheckStatus::Consistent && declared.is_exact() {
        if declared.lower == computed.upper {
            check.at_bound = Some(Bound::Upper);
        } else if declared.lower == computed.lower {
            check.at_bound = Some(Bound::Lower);
        }
        let unstated: Vec<usize> =
            (0..check.links.len()).filter(|&l| check.links[l].basis == LinkBasis::NotStated).collect();
        let others_exact = check.links.iter().all(|l| l.basis == LinkBasis::NotStated || l.share.is_point());
        if let ([one], true, false) = (unstated.as_slice(), others_exact, cyclic) {
            let at = |x: Fraction| {
                let mut e = lower_edges.clone();
                e[*one].2 = x;
                walk_sum(&nodes, &e, s_node, p_node)
            };
            if let (Some(a), Some(b1)) = (at(Fraction::zero()), at(Fraction::one())) {
                let slope = &b1 - &a;
                if slope.is_positive() {
                    let x = &(&declared.lower - &a) / &slope;
                    if !x.is_negative() && x <= Fraction::one() {
                        let link = &check.links[*one];
                        check.implied = Some(Implied {
                            record_id: link.record_id.clone(),
                            holder: link.holder.clone(),
                            held: link.held.clone(),
                            share: x,
                        });
                    }
                }
            }
        }
    }
    check.computed = Some(computed);
    check
}

/// Checks every declared indirect interest of a snapshot.
pub fn check_indirect_shares(snap: &Snapshot) -> BodsCheckReport {
    let mut checks = Vec::new();
    let mut seen: HashSet<(String, usize)> = HashSet::new();
    for (s, r) in snap.relationships() {
        let (PartyRef::Record(subject), PartyRef::Record(party)) = (&r.subject, &r.interested_party) else {
            continue;
        };
        for (i, interest) in r.interests.iter().enumerate() {
            if !interest.is_indirect() || !seen.insert((s.record_id.clone(), i)) {
                continue;
            }
            checks.push(check_one(snap, &s.record_id, &s.statement_id, r, subject, party, interest));
        }
    }
    let count = |st: &[CheckStatus]| checks.iter().filter(|c| st.contains(&c.status)).count();
    BodsCheckReport {
        as_of: snap.as_of.to_string(),
        confirmed: count(&[CheckStatus::Confirmed]),
        consistent: count(&[CheckStatus::Consistent]),
        discrepancies: count(&[CheckStatus::Discrepancy]),
        not_checked: count(&[CheckStatus::NoShare, CheckStatus::NoChain]),
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::bods::parse_statements;
    use chrono::NaiveDate;

    fn snapshot(text: &str) -> Snapshot {
        Snapshot::build(parse_statements("t", text).unwrap(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    }

    fn entity(id: &str) -> String {
        format!(
            r#"{{"statementId":"s-{id}","recordId":"{id}","recordType":"entity","recordDetails":{{"isComponent":true,"entityType":{{"type":"registeredEntity"}},"name":"{id}","jurisdiction":{{"name":"GB","code":"GB"}}}}}}"#
        )
    }

    fn rel(id: &str, holder: &str, held: &str, share: &str, dir: &str, components: &str) -> String {
        let share = if share.is_empty() { String::new() } else { format!(r#","share":{share}"#) };
        format!(
            r#"{{"statementId":"s-{id}","recordId":"{id}","recordType":"relationship","recordDetails":{{"isComponent":false,"subject":"{held}","interestedParty":"{holder}","interests":[{{"type":"shareholding","directOrIndirect":"{dir}"{share}}}],"componentRecords":[{components}]}}}}"#
        )
    }

    #[test]
    fn a_cross_holding_chain_is_confirmed_exactly() {
        // P holds 1/2 of A; A holds 1/2 of B and B holds 1/3 of A (a cycle); A holds 3/5 of S.
        // P's share of S: 1/2 · 3/5 / (1 − 1/2 · 1/3) = 9/25 = 36 %.
        let text = format!(
            "[{},{},{},{},{},{},{},{}]",
            entity("S"),
            entity("A"),
            entity("B"),
            entity("P"),
            rel("r1", "P", "A", r#"{"exact":50}"#, "direct", ""),
            rel("r2", "A", "B", r#"{"exact":50}"#, "direct", ""),
            rel("r3", "B", "A", r#"{"exact": 33.3333}"#, "direct", ""),
            rel("r4", "A", "S", r#"{"exact":60}"#, "direct", ""),
        );
        let snap = snapshot(&text);
        let mut text2 = text.trim_end_matches(']').to_string();
        text2.push_str(&format!(
            ",{}]",
            rel("p", "P", "S", r#"{"minimum":35,"maximum":37}"#, "indirect", r#""r1","r2","r3","r4""#)
        ));
        let snap2 = snapshot(&text2);
        let r = check_indirect_shares(&snap2);
        assert_eq!(r.checks.len(), 1);
        let c = &r.checks[0];
        assert_eq!(c.status, CheckStatus::Confirmed, "{c:?}");
        assert!(c.computed.as_ref().unwrap().is_point());
        assert!(check_indirect_shares(&snap).checks.is_empty());
    }

    #[test]
    fn a_wrong_product_is_a_discrepancy_and_an_unstated_link_is_implied() {
        let text = format!(
            "[{},{},{},{},{},{}]",
            entity("S"),
            entity("A"),
            entity("P"),
            rel("r1", "P", "A", r#"{"exact":50}"#, "direct", ""),
            rel("r2", "A", "S", r#"{"exact":60}"#, "direct", ""),
            rel("p", "P", "S", r#"{"exact":40}"#, "indirect", r#""A","r1","r2""#),
        );
        let r = check_indirect_shares(&snapshot(&text));
        let c = &r.checks[0];
        assert_eq!(c.status, CheckStatus::Discrepancy);
        assert_eq!(c.computed, Some(Interval::point(Fraction::new(3, 10))));
        assert_eq!(r.discrepancies, 1);

        let text = format!(
            "[{},{},{},{},{},{}]",
            entity("S"),
            entity("A"),
            entity("P"),
            rel("r1", "P", "A", "", "direct", ""),
            rel("r2", "A", "S", r#"{"exact":60}"#, "direct", ""),
            rel("p", "P", "S", r#"{"exact":40}"#, "indirect", r#""A","r1","r2""#),
        );
        let c = &check_indirect_shares(&snapshot(&text)).checks[0];
        assert_eq!(c.status, CheckStatus::Consistent);
        assert_eq!(c.implied.as_ref().unwrap().share, Fraction::new(2, 3));
    }
}
