//! BODS 0.1, 0.2 and 0.3: statements that describe one party or one ownership-or-control
//! interest each (`statementID`, `statementType`), linked by statement ids and superseded
//! through `replacesStatements`, read into the records of 0.4 so that one snapshot and one
//! mapping serve every version.
//!
//! - a record is a chain of statements joined by `replacesStatements`: its id is the first
//!   statement's id, and a reference to any statement of the chain is a reference to the record;
//!   a replacing statement wins over the one it replaces when their dates do not decide;
//! - `entityStatement` → entity (`incorporatedInJurisdiction` (0.1, 0.2) or `jurisdiction` (0.3),
//!   `entitySubtype.generalCategory` (0.3)), `personStatement` → person,
//!   `ownershipOrControlStatement` → relationship (`subject.describedByEntityStatement`,
//!   `interestedParty.describedBy…Statement` or `unspecified`, `componentStatementIDs`);
//! - interests: the kebab-case types of 0.1 and 0.2 (`voting-rights`, `influence-or-control`,
//!   `settlor-of-trust`, …) become their 0.3/0.4 names, `interestLevel` becomes
//!   `directOrIndirect`, and a share's boolean `exclusiveMinimum` / `exclusiveMaximum` marks its
//!   `minimum` / `maximum` as exclusive.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    EntityDetails, PartyRef, RawAnnotation, RawIdentifier, RawInterest, RawName, RawPerson, RawPlace, RecordDetails,
    RecordStatus, Statement, Unspecified, identifiers, interests, non_empty, parse_date_prefix, person_details,
};

/// The fields of a 0.1–0.3 statement owngraph reads.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct RawLegacy {
    #[serde(rename = "statementID")]
    statement_id: Option<String>,
    statement_type: Option<String>,
    statement_date: Option<String>,
    is_component: Option<bool>,
    replaces_statements: Vec<String>,
    annotations: Vec<RawAnnotation>,
    // entity
    entity_type: Option<String>,
    entity_subtype: Option<RawSubtype>,
    name: Option<String>,
    incorporated_in_jurisdiction: Option<RawPlace>,
    jurisdiction: Option<RawPlace>,
    identifiers: Vec<RawIdentifier>,
    unspecified_entity_details: Option<Unspecified>,
    // person
    person_type: Option<String>,
    names: Vec<RawName>,
    nationalities: Vec<RawPlace>,
    addresses: Vec<super::RawAddress>,
    unspecified_person_details: Option<Unspecified>,
    // ownership or control
    subject: Option<RawLink>,
    interested_party: Option<RawLink>,
    interests: Vec<RawInterest>,
    #[serde(rename = "componentStatementIDs")]
    component_statement_ids: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawSubtype {
    general_category: Option<String>,
    local_term: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawLink {
    described_by_entity_statement: Option<String>,
    described_by_person_statement: Option<String>,
    unspecified: Option<Unspecified>,
}

/// A problem with one field of a statement.
pub(super) type FieldProblem = (&'static str, String);

/// The 0.3/0.4 name of an interest type of any version.
pub(super) fn interest_type(t: &str) -> String {
    match t {
        "influence-or-control" | "other-influence-or-control" => "otherInfluenceOrControl".into(),
        "settlor-of-trust" => "settlor".into(),
        "trustee-of-trust" => "trustee".into(),
        "protector-of-trust" => "protector".into(),
        "beneficiary-of-trust" => "beneficiaryOfLegalArrangement".into(),
        "other-influence-or-control-of-trust" => "otherInfluenceOrControl".into(),
        "rights-to-surplus-assets" | "rights-to-surplus-assets-on-dissolution" => {
            "rightsToSurplusAssetsOnDissolution".into()
        }
        t if t.contains('-') => {
            let mut out = String::with_capacity(t.len());
            let mut upper = false;
            for c in t.chars() {
                if c == '-' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
        t => t.to_string(),
    }
}

fn link(l: Option<RawLink>, field: &'static str) -> Result<PartyRef, (&'static str, String)> {
    let l = l.ok_or((field, format!("an ownership-or-control statement needs \"{field}\"")))?;
    let by = l.described_by_entity_statement.or(l.described_by_person_statement).and_then(|s| non_empty(Some(s)));
    match (by, l.unspecified) {
        (Some(id), _) => Ok(PartyRef::Record(id)),
        (None, Some(u)) => Ok(PartyRef::Unspecified(u)),
        (None, None) => {
            Err((field, "expected describedByEntityStatement, describedByPersonStatement or unspecified".to_string()))
        }
    }
}

/// One 0.1–0.3 statement as a 0.4 statement whose record id is, for now, its own statement id
/// (see [`link_records`]); the ids it replaces are returned beside it.
pub(super) fn statement(raw: RawLegacy, index: u32, line: u32) -> Result<(Statement, Vec<String>), Vec<FieldProblem>> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let id = non_empty(raw.statement_id.clone()).unwrap_or_default();
    if id.is_empty() {
        problems.push(("statementID", "a statement needs a \"statementID\"".into()));
    }
    let date = match raw.statement_date.as_deref() {
        Some(d) => match parse_date_prefix(d) {
            Some(d) => Some(d),
            None => {
                problems.push(("statementDate", format!("\"{d}\" is not a date (YYYY-MM-DD or a date-time)")));
                None
            }
        },
        None => None,
    };
    let is_component = raw.is_component.unwrap_or(false);
    let details = match raw.statement_type.as_deref() {
        Some("entityStatement") => {
            let jurisdiction = raw.jurisdiction.or(raw.incorporated_in_jurisdiction).and_then(|j| non_empty(j.code));
            let (subtype, type_details) = match raw.entity_subtype {
                Some(s) => (
                    s.general_category.as_deref().map(|c| c.trim_start_matches("stateBody-").to_string()),
                    non_empty(s.local_term),
                ),
                None => (None, None),
            };
            Ok(RecordDetails::Entity(EntityDetails {
                entity_type: raw.entity_type.unwrap_or_else(|| "unknownEntity".into()),
                subtype,
                type_details,
                name: non_empty(raw.name),
                jurisdiction,
                identifiers: identifiers(raw.identifiers),
                unspecified: raw.unspecified_entity_details,
                is_component,
                ext: None,
            }))
        }
        Some("personStatement") => Ok(RecordDetails::Person(person_details(RawPerson {
            is_component: Some(is_component),
            person_type: raw.person_type,
            names: raw.names,
            nationalities: raw.nationalities,
            identifiers: raw.identifiers,
            addresses: raw.addresses,
            unspecified_person_details: raw.unspecified_person_details,
            owngraph: None,
        }))),
        Some("ownershipOrControlStatement") => {
            let subject = link(raw.subject, "subject");
            let party = link(raw.interested_party, "interestedParty");
            let list = interests(raw.interests);
            match (subject, party, list) {
                (Ok(subject), Ok(interested_party), Ok(interests)) => {
                    Ok(RecordDetails::Relationship(super::RelationshipDetails {
                        subject,
                        interested_party,
                        interests,
                        component_records: raw.component_statement_ids,
                        is_component,
                    }))
                }
                (s, p, l) => {
                    for e in [s.err(), p.err(), l.err()].into_iter().flatten() {
                        problems.push(e);
                    }
                    Err(())
                }
            }
        }
        Some(t) => {
            problems.push((
                "statementType",
                format!(
                    "unknown statement type \"{t}\" (expected entityStatement, personStatement or ownershipOrControlStatement)"
                ),
            ));
            Err(())
        }
        None => {
            problems.push(("statementType", "a statement needs a \"statementType\"".into()));
            Err(())
        }
    };
    match details {
        Ok(details) if problems.is_empty() => Ok((
            Statement::read(id.clone(), id, date, RecordStatus::New, details, raw.annotations, (index, line)),
            raw.replaces_statements,
        )),
        _ => Err(problems),
    }
}

/// Resolves `replacesStatements`. An entity or person statement and the statements replacing it
/// describe one party: they form one record, named by the first statement of the chain in the
/// file, so that a reference to any of them is a reference to the party as of the snapshot date
/// (a replacing statement ranks above the one it replaces when their dates do not decide). A
/// relationship statement stays its own record and lists the statements it replaces, which the
/// snapshot drops once it is in force (one statement may be replaced by several, as when a holding
/// is split). Every reference (subject, interested party, component) becomes a record id.
pub(super) fn link_records(statements: &mut [Statement], replaces: &mut [Vec<String>]) {
    let pos: HashMap<String, usize> = statements.iter().enumerate().map(|(i, s)| (s.statement_id.clone(), i)).collect();
    let party = |s: &Statement| !matches!(s.details, RecordDetails::Relationship(_));
    // Union-find over the positions of party statements, iterative.
    let mut parent: Vec<usize> = (0..statements.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, list) in replaces.iter().enumerate() {
        if !party(&statements[i]) {
            continue;
        }
        for old in list {
            if let Some(&j) = pos.get(old)
                && party(&statements[j])
            {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                if a != b {
                    let (keep, join) = if a < b { (a, b) } else { (b, a) };
                    parent[join] = keep;
                }
            }
        }
    }
    // Rank: the length of the longest replacement chain below a statement. Chains written out
    // of order need more than one pass; the passes are bounded.
    let mut rank = vec![0u32; statements.len()];
    for _ in 0..statements.len().clamp(1, 64) {
        let mut changed = false;
        for (i, list) in replaces.iter().enumerate() {
            for old in list {
                if let Some(&j) = pos.get(old)
                    && j != i
                    && rank[i] < rank[j].saturating_add(1)
                    && rank[j] < 64
                {
                    rank[i] = rank[j] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let ids: Vec<String> =
        (0..statements.len()).map(|i| statements[root(&mut parent, i)].statement_id.clone()).collect();
    let record_of = |id: &str| pos.get(id).map(|&j| ids[j].clone()).unwrap_or_else(|| id.to_string());
    // A statement id used by several relationship statements (seen in published data): each
    // stays its own record, the later ones numbered, since they state different interests.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (i, s) in statements.iter_mut().enumerate() {
        s.record_id = ids[i].clone();
        s.rank = rank[i];
        if let RecordDetails::Relationship(r) = &mut s.details {
            let n = seen.entry(s.statement_id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                s.record_id = format!("{}#{n}", s.statement_id);
                s.annotations.push(format!(
                    "statementID {} is used by {n} statements in the file: this one is read as record {}",
                    s.statement_id, s.record_id
                ));
            }
            s.replaces = std::mem::take(&mut replaces[i]);
            for p in [&mut r.subject, &mut r.interested_party] {
                if let PartyRef::Record(id) = p {
                    *id = record_of(id);
                }
            }
            for c in &mut r.component_records {
                *c = record_of(c);
            }
        }
    }
}

/// `publicationDetails`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct RawPublication {
    pub bods_version: Option<Box<RawValue>>,
}
