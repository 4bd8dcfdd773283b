//! A graph written as BODS 0.4 statements (Beneficial Ownership Data Standard of Open
//! Ownership), so reviewers and registers that speak BODS can read what owngraph holds
//! (docs/DOMAIN.md, "Parties" and "Relations" in the standard's vocabulary).
//!
//! Each party is an entity or person statement, each pair holder → held one relationship
//! statement whose interests are the relations between them: shares → `shareholding` (and
//! `votingRights` when the votes differ), a vote disposal → `votingRights`, decision rights and
//! a management company → `otherInfluenceOrControl`, appointment → `appointmentOfBoard`,
//! a nonprofit's supreme body → `votingRights`. A share is written as the exact percent when it
//! has a finite decimal form, else as a `minimum` / `maximum` range 10⁻¹⁰ % wide; the exact
//! fraction, and what BODS has no field for, go into an `owngraph` extension object, so that
//! reading the file back gives every share exactly. Notes become annotations.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::fraction::Fraction;
use crate::input::bods::{BODS_VERSION, DeclaredExt, InterestExt, PartyExt};
use crate::model::{Graph, Interest, Party, PartyIdx, PartyKind, Relation};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutStatement {
    statement_id: String,
    declaration_subject: String,
    statement_date: String,
    record_id: String,
    record_type: &'static str,
    record_status: &'static str,
    publication_details: Publication,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation>,
    record_details: Details,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Publication {
    publication_date: String,
    bods_version: &'static str,
    publisher: Publisher,
}

#[derive(Serialize)]
struct Publisher {
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Annotation {
    statement_pointer_target: String,
    motivation: &'static str,
    description: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Details {
    Entity(Entity),
    Person(Person),
    Relationship(Relationship),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entity {
    is_component: bool,
    entity_type: EntityType,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    jurisdiction: Option<Place>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unspecified_entity_details: Option<Unspecified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owngraph: Option<PartyExt>,
}

#[derive(Serialize)]
struct EntityType {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'static str>,
}

#[derive(Serialize)]
struct Place {
    name: String,
    code: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identifier {
    id: String,
    /// The org-id.guide code (entities) or `RUS-TAXID` (persons), as BODS 0.4 asks.
    scheme: &'static str,
    scheme_name: &'static str,
}

#[derive(Serialize)]
struct Unspecified {
    reason: &'static str,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    is_component: bool,
    person_type: &'static str,
    names: Vec<Name>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nationalities: Vec<Place>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<Identifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owngraph: Option<PartyExt>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Name {
    #[serde(rename = "type")]
    kind: &'static str,
    full_name: String,
}

#[derive(Serialize)]
struct Address {
    #[serde(rename = "type")]
    kind: &'static str,
    address: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    is_component: bool,
    subject: String,
    interested_party: String,
    interests: Vec<OutInterest>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutInterest {
    #[serde(rename = "type")]
    kind: &'static str,
    direct_or_indirect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<OutShare>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owngraph: Option<InterestExt>,
}

#[derive(Serialize)]
struct OutShare {
    #[serde(skip_serializing_if = "Option::is_none")]
    exact: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum: Option<Box<RawValue>>,
}

/// Places after the point of a range written for a share with no finite decimal form.
const RANGE_DECIMALS: u32 = 10;

fn raw(text: String) -> Option<Box<RawValue>> {
    RawValue::from_string(text).ok()
}

/// A share in [0, 1] as BODS writes it (a percentage), with the exact fraction when the
/// percentage has no finite decimal form.
fn percent_share(f: &Fraction) -> (OutShare, Option<String>) {
    let p = f * &Fraction::new(100, 1);
    if let Some(k) = p.terminating_decimals() {
        return (OutShare { exact: raw(p.decimal(k, false)), minimum: None, maximum: None }, None);
    }
    (
        OutShare {
            exact: None,
            minimum: raw(p.decimal(RANGE_DECIMALS, false)),
            maximum: raw(p.decimal(RANGE_DECIMALS, true)),
        },
        Some(f.to_string()),
    )
}

/// A statement id of 32 hex digits, the same for the same record and date.
fn statement_id(kind: &str, record: &str, date: NaiveDate) -> String {
    let fnv = |seed: u64| {
        let mut h = seed;
        for b in kind.bytes().chain([0]).chain(record.bytes()).chain([0]).chain(date.to_string().bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142))
}

fn annotations(notes: &[String], pointer: impl Fn(usize) -> String) -> Vec<Annotation> {
    notes
        .iter()
        .enumerate()
        .map(|(i, n)| Annotation {
            statement_pointer_target: pointer(i),
            motivation: "commenting",
            description: n.clone(),
        })
        .collect()
}

/// Identifiers under the schemes BODS 0.4 and its validator expect: an entity's OGRN and INN
/// under the org-id.guide codes `RU-OGRN` and `RU-INN`; a natural person's INN, a tax number,
/// under `RUS-TAXID` (ISO 3166-1 alpha-3 and the kind of identifier).
fn identifiers(p: &Party, person: bool) -> Vec<Identifier> {
    let mut out = Vec::new();
    if let Some(ogrn) = p.ogrn() {
        out.push(Identifier { id: ogrn.to_string(), scheme: "RU-OGRN", scheme_name: "ОГРН" });
    }
    if let Some(inn) = p.inn() {
        let scheme = if person { "RUS-TAXID" } else { "RU-INN" };
        out.push(Identifier { id: inn.to_string(), scheme, scheme_name: "ИНН" });
    }
    out
}

/// Words by which the importers mark an undisclosed holder known to be a natural person whose
/// citizenship is not stated.
const PERSON_NOTES: &[&str] = &["natural person", "физическое лицо", "гражданин"];

/// A natural person: a person, or an unknown holder known to be a natural person (its INN has
/// the 12 digits of a citizen's, or the importer says so).
fn is_natural_person(p: &Party) -> bool {
    p.kind == PartyKind::Person
        || (p.kind == PartyKind::Unknown
            && (p.inn().is_some_and(|i| i.len() == 12 && i.bytes().all(|b| b.is_ascii_digit()))
                || p.notes().iter().any(|n| PERSON_NOTES.iter().any(|w| n.to_lowercase().contains(w)))))
}

fn party_ext(p: &Party, kind: Option<&str>) -> Option<PartyExt> {
    let ext = PartyExt {
        kind: kind.map(str::to_string),
        declared: p.declared().map(|d| DeclaredExt { ru: d.ru, eaeu: d.eaeu, reason: d.reason.clone() }),
        document: p.document().map(String::from),
    };
    if ext.kind.is_none() && ext.declared.is_none() && ext.document.is_none() { None } else { Some(ext) }
}

fn party_details(p: &Party) -> (&'static str, Details) {
    let place = |c: &crate::model::Country| Place { name: c.as_str().to_string(), code: c.as_str().to_string() };
    if is_natural_person(p) {
        let addresses = p.address().iter().map(|a| Address { kind: "residence", address: a.to_string() }).collect();
        // A person whose citizenship is not stated stays a person, without nationalities.
        let ext_kind = (p.kind == PartyKind::Unknown).then_some("unknown");
        return (
            "person",
            Details::Person(Person {
                is_component: false,
                person_type: "knownPerson",
                names: vec![Name { kind: "legal", full_name: p.name.to_string() }],
                nationalities: p.citizenship.iter().map(place).collect(),
                identifiers: identifiers(p, true),
                addresses,
                owngraph: party_ext(p, ext_kind),
            }),
        );
    }
    let (kind, details, ext_kind) = match p.kind {
        PartyKind::Company => ("registeredEntity", None, None),
        PartyKind::Nonprofit => ("registeredEntity", Some("nonprofit"), Some("nonprofit")),
        PartyKind::InternationalOrg => ("legalEntity", Some("international organisation"), Some("international_org")),
        PartyKind::ForeignStructure => ("arrangement", None, Some("foreign_structure")),
        PartyKind::State => ("state", None, None),
        PartyKind::Region => ("stateBody", Some("region"), Some("region")),
        PartyKind::Municipality => ("stateBody", Some("municipality"), Some("municipality")),
        PartyKind::Unknown | PartyKind::Person => ("unknownEntity", None, Some("unknown")),
    };
    let unspecified = (p.kind == PartyKind::Unknown).then(|| Unspecified {
        reason: "unknown",
        description: if p.notes().is_empty() { "undisclosed holder".into() } else { p.notes().join("; ") },
    });
    (
        "entity",
        Details::Entity(Entity {
            is_component: false,
            entity_type: EntityType { kind, details },
            name: p.name.to_string(),
            jurisdiction: p.country.as_ref().map(place),
            identifiers: identifiers(p, false),
            unspecified_entity_details: unspecified,
            owngraph: party_ext(p, ext_kind),
        }),
    )
}

fn interests(g: &Graph, r: &Relation) -> Vec<OutInterest> {
    let dates = (r.since.map(|d| d.to_string()), r.until.map(|d| d.to_string()));
    let make = |kind: &'static str, f: Option<&Fraction>, details: Option<String>, ext: InterestExt| {
        let (share, fraction) = match f {
            Some(f) => {
                let (s, fr) = percent_share(f);
                (Some(s), fr)
            }
            None => (None, None),
        };
        let ext = InterestExt { fraction, ..ext };
        let empty = ext.relation.is_none() && ext.fraction.is_none();
        OutInterest {
            kind,
            direct_or_indirect: "direct",
            details,
            share,
            start_date: dates.0.clone(),
            end_date: dates.1.clone(),
            owngraph: if empty { None } else { Some(ext) },
        }
    };
    let rel = |name: &str| InterestExt { relation: Some(name.to_string()), ..InterestExt::default() };
    match &r.interest() {
        Interest::Shares { capital, votes } => {
            let mut out = vec![make("shareholding", Some(capital.value()), None, InterestExt::default())];
            if votes != capital {
                out.push(make("votingRights", Some(votes.value()), None, InterestExt::default()));
            }
            out
        }
        Interest::VoteDisposal { votes, basis, of } => {
            let whose = of.map(|o| format!(" of {}", g.party(o).id)).unwrap_or_default();
            let ext = InterestExt {
                basis: Some(basis.as_str().to_string()),
                of: of.map(|o| g.party(o).id.to_string()),
                ..rel("vote_disposal")
            };
            vec![make(
                "votingRights",
                Some(votes.value()),
                Some(format!("disposes of votes{whose} ({})", basis.as_str())),
                ext,
            )]
        }
        Interest::DecisionRights => {
            vec![make(
                "otherInfluenceOrControl",
                None,
                Some("the right to determine decisions".into()),
                rel("decision_rights"),
            )]
        }
        Interest::ManagementCompany => {
            vec![make("otherInfluenceOrControl", None, Some("management company".into()), rel("management_company"))]
        }
        Interest::Influence => vec![make(
            "otherInfluenceOrControl",
            None,
            Some("influence of unstated extent: control not proven".into()),
            rel("influence"),
        )],
        Interest::Appoints { sole_executive, executive_board, board } => {
            let mut parts = Vec::new();
            if *sole_executive {
                parts.push("appoints the sole executive body".to_string());
            }
            if !executive_board.value().is_zero() {
                parts
                    .push(format!("appoints {} % of the collegial executive body", executive_board.value().percent(4)));
            }
            if !board.value().is_zero() {
                parts.push(format!("elects {} % of the board", board.value().percent(4)));
            }
            let ext = InterestExt {
                sole_executive: Some(*sole_executive),
                executive_board: Some(executive_board.to_string()),
                board: Some(board.to_string()),
                ..rel("appoints")
            };
            let share = (!board.value().is_zero()).then(|| board.value());
            vec![make("appointmentOfBoard", share, Some(parts.join("; ")), ext)]
        }
        Interest::Governs { share } => {
            vec![make(
                "votingRights",
                Some(share.value()),
                Some("forms the supreme governing body".into()),
                rel("governs"),
            )]
        }
    }
}

/// The graph as BODS 0.4 statements (a JSON array), dated `g.as_of()` (the day the graph
/// describes, so that reading the file as of that day gives the graph back). Each statement's
/// declaration subject is the party it is about: an entity or person statement its own record,
/// a relationship its subject; `subject` names one declaration subject for every statement.
pub fn to_statements(g: &Graph, subject: Option<&str>) -> Vec<serde_json::Value> {
    let date = g.as_of();
    let fixed = subject.map(str::to_string);
    let declared = |id: &str| fixed.clone().unwrap_or_else(|| id.to_string());
    let publication = || Publication {
        publication_date: date.to_string(),
        bods_version: BODS_VERSION,
        publisher: Publisher { name: "owngraph" },
    };
    let mut out = Vec::new();
    for p in g.parties() {
        let (record_type, details) = party_details(p);
        out.push(OutStatement {
            statement_id: statement_id(record_type, &p.id, date),
            declaration_subject: declared(&p.id),
            statement_date: date.to_string(),
            record_id: p.id.to_string(),
            record_type,
            record_status: "new",
            publication_details: publication(),
            annotations: annotations(p.notes(), |_| String::new()),
            record_details: details,
        });
    }
    let mut pairs: BTreeMap<(PartyIdx, PartyIdx), Vec<&Relation>> = BTreeMap::new();
    for r in g.relations() {
        pairs.entry((r.from, r.to)).or_default().push(r);
    }
    for ((from, to), rels) in pairs {
        let record_id = format!("{}→{}", g.party(from).id, g.party(to).id);
        let mut list = Vec::new();
        let mut notes = Vec::new();
        for r in rels {
            let start = list.len();
            list.extend(interests(g, r));
            notes.extend(annotations(r.notes(), |_| format!("/recordDetails/interests/{start}")));
        }
        out.push(OutStatement {
            statement_id: statement_id("relationship", &record_id, date),
            declaration_subject: declared(&g.party(to).id),
            statement_date: date.to_string(),
            record_id,
            record_type: "relationship",
            record_status: "new",
            publication_details: publication(),
            annotations: notes,
            record_details: Details::Relationship(Relationship {
                is_component: false,
                subject: g.party(to).id.to_string(),
                interested_party: g.party(from).id.to_string(),
                interests: list,
            }),
        });
    }
    out.into_iter().filter_map(|s| serde_json::to_value(s).ok()).collect()
}

/// The graph as a BODS 0.4 JSON array, pretty printed, ending with a newline.
pub fn to_string(g: &Graph, subject: Option<&str>) -> String {
    let mut s =
        serde_json::to_string_pretty(&to_statements(g, subject)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The graph as BODS 0.4 JSON Lines: one statement per line.
pub fn to_json_lines(g: &Graph, subject: Option<&str>) -> String {
    let mut s = String::new();
    for st in to_statements(g, subject) {
        s.push_str(&st.to_string());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &OutShare) -> (Option<String>, Option<String>, Option<String>) {
        let t = |r: &Option<Box<RawValue>>| r.as_ref().map(|r| r.get().to_string());
        (t(&s.exact), t(&s.minimum), t(&s.maximum))
    }

    #[test]
    fn percentages_are_exact_or_a_tight_range_with_the_fraction() {
        let (s, f) = percent_share(&Fraction::new(7399, 10000));
        assert_eq!(text(&s), (Some("73.99".into()), None, None));
        assert!(f.is_none());
        let (s, f) = percent_share(&Fraction::new(1, 8));
        assert_eq!(text(&s).0.as_deref(), Some("12.5"));
        assert!(f.is_none());
        let (s, f) = percent_share(&Fraction::one());
        assert_eq!(text(&s).0.as_deref(), Some("100"));
        assert!(f.is_none());
        let (s, f) = percent_share(&Fraction::new(1, 3));
        assert_eq!(text(&s), (None, Some("33.3333333333".into()), Some("33.3333333334".into())));
        assert_eq!(f.as_deref(), Some("1/3"));
    }

    #[test]
    fn statement_ids_are_stable_and_long_enough() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let a = statement_id("entity", "T", d);
        assert_eq!(a.len(), 32);
        assert_eq!(a, statement_id("entity", "T", d));
        assert_ne!(a, statement_id("person", "T", d));
    }
}
