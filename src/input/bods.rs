//! BODS input (Beneficial Ownership Data Standard of Open Ownership), every version 0.1–0.4:
//! statements about entities, persons and relationships, as a JSON array, JSON Lines or one
//! object, read as of one date and mapped to the parties and relations of docs/DOMAIN.md (p. 5
//! "а", p. 5¹ "а" of the Rules). BODS 0.1–0.3 statements are read into the records of 0.4 by
//! [`legacy`]; the version is told from each statement's shape and `bodsVersion`.
//!
//! Mapping, in the law's terms (README, "What each BODS interest proves", has the full table):
//! - entities: `registeredEntity`/`legalEntity` → company (country from the jurisdiction, or
//!   from an identifier scheme such as `GB-COH`); an `arrangement` whose members are stated
//!   (direct shareholders of it) → a company its holding passes through, else a foreign structure
//!   unless Russian; a `nomination` arrangement is its nominator when exactly one is given, else
//!   an unknown holder ("a stake held through a foreign nominee is an `unknown` holder unless the
//!   beneficial owner is given"); `state`, `stateBody` → state (a state body is the state
//!   acting); anonymous and unknown entities, and records the file does not describe → unknown;
//! - persons: `knownPerson` with nationalities → person (nationalities → citizenship); without
//!   a nationality, anonymous or unknown → unknown, noted as a natural person;
//! - direct interests: `shareholding` → capital, `votingRights` → votes (alone: a vote
//!   disposal), `appointmentOfBoard` → appoints (the board), `otherInfluenceOrControl`, contract
//!   rights, control by articles or by law, unknown interests → influence (possible control, not
//!   proof: the right to determine decisions only when the details state it), `trustee` of a
//!   company → trust management of votes; every other interest, and every indirect one, is kept
//!   as a note on the party or relation, never dropped;
//! - the same interest stated again counts once (noted); records that contradict each other are
//!   quarantined ([`crate::model::quarantine`]) rather than refusing the file;
//! - a range (`minimum`/`exclusiveMinimum` … `maximum`/`exclusiveMaximum`) imports its lower
//!   bound as the holder's share; the rest of the ranges of one company goes to one `unknown`
//!   holder (at most what the lower bounds leave), so participation gives exactly the interval
//!   [share, upper] the ranges allow (an exclusive bound is taken as its limit, noted);
//! - an unspecified interested party (`noBeneficialOwners`, …) is an unknown holder named by
//!   its reason, holding the capital no listed holder accounts for.
//!
//! A snapshot as of a date takes, for each record, its latest statement dated on or before that
//! date; a `closed` record is gone. Interest dates become `since` / `until`. Time and memory are
//! linear in the number of statements.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::InputErrors;
use super::json::{Lines, clean_serde_message};

mod legacy;
use crate::fraction::{Fraction, Share};
use crate::model::{
    Country, DeclaredStatus, DisposalBasis, Graph, GraphBuilder, Interest, Origin, Party, PartyIdx, PartyKind, Problem,
    RecordRef, Relation, RelationType, Section,
};

/// The BODS version this module reads and writes.
pub const BODS_VERSION: &str = "0.4";

/// The key of owngraph's extension objects in BODS records and interests (kept by round trips).
pub const EXTENSION: &str = "owngraph";

// ------------------------------------------------------------------------------------------
// Statements as read

/// A share as BODS states it, as a fraction of 1: exact, or a range whose bounds may be
/// exclusive. Always `0 ≤ lower ≤ upper ≤ 1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareRange {
    /// Lower bound.
    pub lower: Fraction,
    /// The share is strictly above `lower`.
    pub lower_exclusive: bool,
    /// Upper bound.
    pub upper: Fraction,
    /// The share is strictly below `upper`.
    pub upper_exclusive: bool,
}

impl ShareRange {
    /// An exact share.
    pub fn exact(f: Fraction) -> ShareRange {
        ShareRange { lower: f.clone(), lower_exclusive: false, upper: f, upper_exclusive: false }
    }

    /// Nothing known: [0, 1].
    pub fn unknown() -> ShareRange {
        ShareRange { lower: Fraction::zero(), lower_exclusive: false, upper: Fraction::one(), upper_exclusive: false }
    }

    /// One value, not a range.
    pub fn is_exact(&self) -> bool {
        self.lower == self.upper && !self.lower_exclusive && !self.upper_exclusive
    }

    /// True when `f` lies in the range.
    pub fn contains(&self, f: &Fraction) -> bool {
        let above = if self.lower_exclusive { *f > self.lower } else { *f >= self.lower };
        let below = if self.upper_exclusive { *f < self.upper } else { *f <= self.upper };
        above && below
    }

    /// True when the closed interval `[lo, hi]` lies inside the range.
    pub fn includes(&self, lo: &Fraction, hi: &Fraction) -> bool {
        self.contains(lo) && self.contains(hi)
    }

    /// True when the closed interval `[lo, hi]` and the range have a value in common.
    pub fn overlaps(&self, lo: &Fraction, hi: &Fraction) -> bool {
        let above = if self.upper_exclusive { *lo < self.upper } else { *lo <= self.upper };
        let below = if self.lower_exclusive { *hi > self.lower } else { *hi >= self.lower };
        above && below
    }
}

/// An identifier of a person or entity (`scheme`, `schemeName`, `id`).
#[derive(Clone, Debug, Default)]
pub struct Identifier {
    /// org-id.guide code, e.g. `GB-COH`.
    pub scheme: Option<String>,
    /// Name of the issuing authority, e.g. `ОГРН`.
    pub scheme_name: Option<String>,
    /// The identifier.
    pub id: Option<String>,
}

impl Identifier {
    fn is(&self, names: &[&str]) -> bool {
        let eq =
            |s: &Option<String>| s.as_deref().is_some_and(|s| names.iter().any(|n| s.trim().eq_ignore_ascii_case(n)));
        eq(&self.scheme) || eq(&self.scheme_name)
    }
}

/// Why a party is not specified (`unspecifiedReason` codelist).
#[derive(Clone, Debug, Deserialize)]
pub struct Unspecified {
    /// The reason code, e.g. `noBeneficialOwners`.
    #[serde(default)]
    pub reason: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

impl Unspecified {
    /// `reason: description`.
    pub fn describe(&self) -> String {
        match self.description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => format!("{}: {d}", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// owngraph's extension of an entity or person record: what BODS has no field for.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct PartyExt {
    /// The party kind (`nonprofit`, `region`, …) when the BODS type does not say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A nonprofit's declared status (policy P3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<DeclaredExt>,
    /// Identity document (p. 4 "е").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// A declared nonprofit status in the extension.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DeclaredExt {
    /// For p. 5 "а".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<bool>,
    /// For p. 42 "а".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eaeu: Option<bool>,
    /// What it rests on.
    #[serde(default)]
    pub reason: String,
}

/// owngraph's extension of an interest: the exact relation it came from.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct InterestExt {
    /// The relation type (`vote_disposal`, `appoints`, …) when the BODS type is not enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The share as an exact fraction, when its percent has no finite decimal form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<String>,
    /// Basis of a vote disposal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Whose votes a vote disposal takes (a record id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// Appoints the sole executive body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sole_executive: Option<bool>,
    /// Fraction of the collegial executive body appointed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executive_board: Option<String>,
    /// Fraction of the board elected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
}

/// An entity record.
#[derive(Clone, Debug, Default)]
pub struct EntityDetails {
    /// `entityType.type`.
    pub entity_type: String,
    /// `entityType.subtype`.
    pub subtype: Option<String>,
    /// `entityType.details`.
    pub type_details: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `jurisdiction.code` (ISO 3166-1 or 3166-2).
    pub jurisdiction: Option<String>,
    /// `identifiers`.
    pub identifiers: Vec<Identifier>,
    /// `unspecifiedEntityDetails`.
    pub unspecified: Option<Unspecified>,
    /// `isComponent`.
    pub is_component: bool,
    /// owngraph's extension.
    pub ext: Option<PartyExt>,
}

/// A person record.
#[derive(Clone, Debug, Default)]
pub struct PersonDetails {
    /// `personType`.
    pub person_type: String,
    /// Full names, the legal one first.
    pub names: Vec<String>,
    /// `nationalities[].code`.
    pub nationalities: Vec<String>,
    /// `identifiers`.
    pub identifiers: Vec<Identifier>,
    /// The first address.
    pub address: Option<String>,
    /// `unspecifiedPersonDetails`.
    pub unspecified: Option<Unspecified>,
    /// `isComponent`.
    pub is_component: bool,
    /// owngraph's extension.
    pub ext: Option<PartyExt>,
}

/// The subject or interested party of a relationship.
#[derive(Clone, Debug)]
pub enum PartyRef {
    /// A record id.
    Record(String),
    /// Not specified, with the reason.
    Unspecified(Unspecified),
}

/// One interest of a relationship.
#[derive(Clone, Debug, Default)]
pub struct BodsInterest {
    /// `type` (`shareholding`, `votingRights`, …); absent means unknown.
    pub kind: Option<String>,
    /// `directOrIndirect`.
    pub direct_or_indirect: Option<String>,
    /// `share`.
    pub share: Option<ShareRange>,
    /// `startDate`.
    pub start: Option<NaiveDate>,
    /// `endDate`.
    pub end: Option<NaiveDate>,
    /// `details`.
    pub details: Option<String>,
    /// owngraph's extension.
    pub ext: Option<InterestExt>,
    /// What is wrong with it (a share outside 0–100 %, a date that is not one): such an
    /// interest is not mapped, and its subject is quarantined with the reason.
    pub invalid: Option<String>,
}

impl BodsInterest {
    /// Declared as indirect.
    pub fn is_indirect(&self) -> bool {
        self.direct_or_indirect.as_deref() == Some("indirect")
    }

    /// The type, or `unknownInterest`.
    pub fn kind_or_unknown(&self) -> &str {
        self.kind.as_deref().unwrap_or("unknownInterest")
    }

    /// In force on `date` (start ≤ date < end).
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date < e)
    }
}

/// A relationship record.
#[derive(Clone, Debug)]
pub struct RelationshipDetails {
    /// `subject`.
    pub subject: PartyRef,
    /// `interestedParty`.
    pub interested_party: PartyRef,
    /// `interests`.
    pub interests: Vec<BodsInterest>,
    /// `componentRecords`.
    pub component_records: Vec<String>,
    /// `isComponent`.
    pub is_component: bool,
}

/// The details of a record.
#[derive(Clone, Debug)]
pub enum RecordDetails {
    /// An entity.
    Entity(EntityDetails),
    /// A natural person.
    Person(PersonDetails),
    /// A relationship.
    Relationship(RelationshipDetails),
}

/// `recordStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordStatus {
    /// `new`.
    New,
    /// `updated`.
    Updated,
    /// `closed`.
    Closed,
}

/// One statement.
#[derive(Clone, Debug)]
pub struct Statement {
    /// `statementId`.
    pub statement_id: String,
    /// `recordId`.
    pub record_id: String,
    /// `statementDate` (the date part).
    pub date: Option<NaiveDate>,
    /// `recordStatus` (absent: new).
    pub status: RecordStatus,
    /// `recordDetails`.
    pub details: RecordDetails,
    /// The descriptions of its annotations.
    pub annotations: Vec<String>,
    /// Position in the file (0-based).
    pub index: u32,
    /// Line in the file (1-based).
    pub line: u32,
    /// For BODS 0.1–0.3: how many statements of its record it replaces, directly or not (the
    /// later of two statements whose dates do not decide); 0 in BODS 0.4.
    pub rank: u32,
    /// For a BODS 0.1–0.3 relationship: the statements it replaces (gone once it is in force).
    pub replaces: Vec<String>,
}

impl Statement {
    /// A statement as read, at `(index, line)` of its file, annotations kept by description.
    fn read(
        statement_id: String,
        record_id: String,
        date: Option<NaiveDate>,
        status: RecordStatus,
        details: RecordDetails,
        annotations: Vec<RawAnnotation>,
        (index, line): (u32, u32),
    ) -> Statement {
        let annotations = annotations.into_iter().filter_map(|a| non_empty(a.description)).collect();
        Statement {
            statement_id,
            record_id,
            date,
            status,
            details,
            annotations,
            index,
            line,
            rank: 0,
            replaces: Vec::new(),
        }
    }

    /// The name a person reads: entity name, a person's first name, or the record id.
    pub fn display_name(&self) -> String {
        match &self.details {
            RecordDetails::Entity(e) => e.name.clone().filter(|n| !n.trim().is_empty()),
            RecordDetails::Person(p) => p.names.first().cloned(),
            RecordDetails::Relationship(_) => None,
        }
        .unwrap_or_else(|| self.record_id.clone())
    }
}

// ------------------------------------------------------------------------------------------
// Reading

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatement {
    #[serde(default)]
    statement_id: Option<String>,
    /// BODS 0.1–0.3.
    #[serde(default, rename = "statementID")]
    statement_id_upper: Option<Box<RawValue>>,
    /// BODS 0.1–0.3.
    #[serde(default)]
    statement_type: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    publication_details: Option<legacy::RawPublication>,
    #[serde(default)]
    statement_date: Option<String>,
    #[serde(default)]
    record_id: Option<String>,
    #[serde(default)]
    record_type: Option<String>,
    #[serde(default)]
    record_status: Option<String>,
    #[serde(default)]
    record_details: Option<Box<RawValue>>,
    #[serde(default)]
    annotations: Vec<RawAnnotation>,
}

impl RawStatement {
    /// The 0.1–0.3 statement id as text, for problems.
    fn statement_id_text(&self) -> String {
        match self.statement_id_upper.as_deref().map(|r| r.get().trim()) {
            Some(t) => serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string()),
            None => "?".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAnnotation {
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawEntity {
    is_component: Option<bool>,
    entity_type: Option<RawEntityType>,
    name: Option<String>,
    jurisdiction: Option<RawPlace>,
    identifiers: Vec<RawIdentifier>,
    unspecified_entity_details: Option<Unspecified>,
    owngraph: Option<PartyExt>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEntityType {
    #[serde(rename = "type")]
    kind: Option<String>,
    subtype: Option<String>,
    details: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPlace {
    #[allow(dead_code)]
    name: Option<String>,
    code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawIdentifier {
    id: Option<String>,
    scheme: Option<String>,
    scheme_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPerson {
    is_component: Option<bool>,
    person_type: Option<String>,
    names: Vec<RawName>,
    nationalities: Vec<RawPlace>,
    identifiers: Vec<RawIdentifier>,
    addresses: Vec<RawAddress>,
    unspecified_person_details: Option<Unspecified>,
    owngraph: Option<PartyExt>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawName {
    #[serde(rename = "type")]
    kind: Option<String>,
    full_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAddress {
    address: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawRelationship {
    is_component: Option<bool>,
    subject: Option<serde_json::Value>,
    interested_party: Option<serde_json::Value>,
    interests: Vec<RawInterest>,
    component_records: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInterest {
    #[serde(rename = "type")]
    kind: Option<String>,
    direct_or_indirect: Option<String>,
    /// BODS 0.1, 0.2: what 0.3 calls `directOrIndirect`.
    interest_level: Option<String>,
    details: Option<String>,
    share: Option<RawShare>,
    start_date: Option<String>,
    end_date: Option<String>,
    owngraph: Option<InterestExt>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawShare {
    exact: Option<Box<RawValue>>,
    minimum: Option<Box<RawValue>>,
    maximum: Option<Box<RawValue>>,
    exclusive_minimum: Option<Box<RawValue>>,
    exclusive_maximum: Option<Box<RawValue>>,
}

/// Keys only a BODS statement has at its top level (any version).
const STATEMENT_KEYS: &[&str] =
    &["recordId", "recordType", "recordDetails", "statementID", "statementId", "statementType", "declarationSubject"];

/// True when `text` looks like BODS of any version: a top-level JSON array (the native format
/// is an object), JSON Lines whose first object is a statement, or one statement object (pretty
/// printed or not). Only the first keys of the first object are looked at.
pub fn looks_like_bods(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') {
        return true;
    }
    if !t.starts_with('{') {
        return false;
    }
    first_keys_say_bods(t)
}

/// Reads the keys of the first JSON object in `text` until one tells a BODS statement from a
/// native graph (`parties`, `relations`), skipping the values in between.
fn first_keys_say_bods(text: &str) -> bool {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::cell::Cell;
    struct Probe<'a>(&'a Cell<Option<bool>>);
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if STATEMENT_KEYS.contains(&key.as_ref()) {
                    self.0.set(Some(true));
                    return Ok(());
                }
                if matches!(key.as_ref(), "parties" | "relations" | "kind") {
                    self.0.set(Some(false));
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let answer = Cell::new(None);
    // Stopping early leaves the object unfinished, which the deserializer reports: the answer
    // is already known then.
    let _ = serde_json::Deserializer::from_str(text).deserialize_map(Probe(&answer));
    answer.get().unwrap_or(false)
}

/// A problem with one statement.
fn statement_problem(index: u32, line: u32, record: &str, field: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        record: RecordRef { section: Section::Statements, origin: Origin { index, line }, label: record.to_string() },
        field: field.map(Into::into),
        message: message.into(),
    }
}

/// The two shapes of BODS: statements that are records' versions (0.4), or statements linked by
/// statement ids (0.1–0.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Records,
    Statements,
}

/// One parsed statement, or its problems, with its shape.
type Parsed = (Option<Shape>, Result<(Statement, Vec<String>), Vec<Problem>>);

/// Reads every statement of a BODS file of any version 0.1–0.4: a JSON array, JSON Lines, or one
/// statement object. The version is told from each statement's shape (`recordId`/`recordType`:
/// 0.4; `statementID`/`statementType`: 0.1–0.3) and checked against
/// `publicationDetails.bodsVersion`; a statement no version fits is refused with the version it
/// was read as. All problems are reported.
pub fn parse_statements(file: &str, text: &str) -> Result<Vec<Statement>, InputErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    let mut parsed: Vec<Parsed> = Vec::new();
    if trimmed.starts_with('[') {
        let raws: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
            InputErrors::whole(
                file,
                format!(
                    "line {} column {}: expected a JSON array of BODS statements: {}",
                    e.line(),
                    e.column(),
                    clean_serde_message(&e)
                ),
            )
        })?;
        let lines = Lines::new(text);
        parsed.reserve(raws.len());
        for (i, raw) in raws.iter().enumerate() {
            parsed.push(parse_statement(raw.get(), i as u32, lines.of(text, raw.get())));
        }
    } else if let Ok(one) = serde_json::from_str::<&RawValue>(text).map(|r| r.get()).map_err(|_| ())
        && one.starts_with('{')
    {
        let line = Lines::new(text).of(text, one);
        parsed.push(parse_statement(one, 0, line));
    } else {
        let mut index = 0u32;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            parsed.push(parse_statement(line, index, n as u32 + 1));
            index += 1;
        }
    }
    let mut out = Vec::with_capacity(parsed.len());
    let mut replaces = Vec::new();
    let mut problems = Vec::new();
    let (mut first_records, mut first_statements) = (None, None);
    for (shape, r) in parsed {
        match r {
            Ok((s, rep)) => {
                match shape {
                    Some(Shape::Records) => first_records = first_records.or(Some(s.index)),
                    Some(Shape::Statements) => first_statements = first_statements.or(Some(s.index)),
                    None => {}
                }
                out.push(s);
                replaces.push(rep);
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if let (Some(a), Some(b)) = (first_records, first_statements) {
        problems.insert(
            0,
            Problem::document(format!(
                "mixes BODS 0.4 records (first at statements[{a}]) with BODS 0.1–0.3 statements (first at statements[{b}]): \
                 their references cannot be told apart; split the file by version"
            )),
        );
    }
    if !problems.is_empty() {
        return Err(InputErrors { file: file.to_string(), problems, files: Vec::new() });
    }
    if first_statements.is_some() {
        legacy::link_records(&mut out, &mut replaces);
    }
    Ok(out)
}

fn parse_date_prefix(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let d = t.get(..10).unwrap_or(t);
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

/// The version a statement declares and the shape it has; a problem when no version fits.
fn statement_shape(raw: &RawStatement) -> Result<(Shape, String), String> {
    let declared = raw.publication_details.as_ref().and_then(|p| p.bods_version.as_ref()).map(|v| {
        let t = v.get().trim();
        serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
    });
    let records = raw.record_id.is_some() || raw.record_type.is_some() || raw.record_details.is_some();
    let statements = raw.statement_id_upper.is_some() || raw.statement_type.is_some();
    let shape = match (records, statements) {
        (true, false) => Shape::Records,
        (false, true) => Shape::Statements,
        (true, true) => {
            return Err(
                "has both recordId/recordType (BODS 0.4) and statementID/statementType (BODS 0.1–0.3): no version fits"
                    .into(),
            );
        }
        (false, false) => {
            let v = declared.map(|d| format!(" (it declares bodsVersion \"{d}\")")).unwrap_or_default();
            return Err(format!(
                "not a BODS statement{v}: it has neither recordId/recordType (BODS 0.4) nor statementID/statementType (BODS 0.1–0.3)"
            ));
        }
    };
    let looks = match shape {
        Shape::Records => "0.4",
        Shape::Statements => "0.1–0.3",
    };
    let fits = |d: &str| match shape {
        Shape::Records => d.starts_with("0.4"),
        Shape::Statements => ["0.1", "0.2", "0.3"].iter().any(|v| d.starts_with(v)),
    };
    match declared {
        Some(d) if !fits(&d) => Err(format!(
            "declares bodsVersion \"{d}\" but is written like BODS {looks} ({}): no version fits",
            if shape == Shape::Records { "recordId, recordType, recordDetails" } else { "statementID, statementType" }
        )),
        Some(d) => Ok((shape, format!("BODS {d}"))),
        None => Ok((shape, format!("BODS {looks}"))),
    }
}

fn parse_statement(text: &str, index: u32, line: u32) -> Parsed {
    let raw: RawStatement = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let m = format!("not a BODS statement: {}", clean_serde_message(&e));
            return (None, Err(vec![statement_problem(index, line, "?", None, m)]));
        }
    };
    let (shape, version) = match statement_shape(&raw) {
        Ok(v) => v,
        Err(m) => {
            let label = raw.record_id.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| raw.statement_id_text());
            return (None, Err(vec![statement_problem(index, line, &label, None, m)]));
        }
    };
    let read_as = |mut ps: Vec<Problem>| {
        for p in &mut ps {
            p.message = format!("read as {version}: {}", p.message);
        }
        ps
    };
    if shape == Shape::Statements {
        let r = match serde_json::from_str::<legacy::RawLegacy>(text) {
            Ok(l) => legacy::statement(l, index, line).map_err(|ps| {
                let label = raw.statement_id_text();
                ps.into_iter().map(|(f, m)| statement_problem(index, line, &label, Some(f), m)).collect()
            }),
            Err(e) => {
                Err(vec![statement_problem(index, line, &raw.statement_id_text(), None, clean_serde_message(&e))])
            }
        };
        return (Some(shape), r.map_err(read_as));
    }
    (Some(shape), parse_record_statement(raw, index, line).map(|s| (s, Vec::new())).map_err(read_as))
}

fn parse_record_statement(raw: RawStatement, index: u32, line: u32) -> Result<Statement, Vec<Problem>> {
    let record_id = raw.record_id.clone().unwrap_or_default();
    let label = if record_id.is_empty() { "?".to_string() } else { record_id.clone() };
    let mut problems = Vec::new();
    let mut bad = |field: &str, m: String| problems.push(statement_problem(index, line, &label, Some(field), m));
    if record_id.trim().is_empty() {
        bad("recordId", "a statement needs a \"recordId\"".into());
    }
    let date = match raw.statement_date.as_deref() {
        Some(d) => match parse_date_prefix(d) {
            Some(d) => Some(d),
            None => {
                bad("statementDate", format!("\"{d}\" is not a date (YYYY-MM-DD or a date-time)"));
                None
            }
        },
        None => None,
    };
    let status = match raw.record_status.as_deref() {
        None | Some("new") => RecordStatus::New,
        Some("updated") => RecordStatus::Updated,
        Some("closed") => RecordStatus::Closed,
        Some(s) => {
            bad("recordStatus", format!("unknown record status \"{s}\" (expected new, updated or closed)"));
            RecordStatus::New
        }
    };
    let details_text = raw.record_details.as_ref().map(|r| r.get()).unwrap_or("{}");
    let details = match raw.record_type.as_deref() {
        Some("entity") => serde_json::from_str::<RawEntity>(details_text)
            .map(|e| RecordDetails::Entity(entity_details(e)))
            .map_err(|e| ("recordDetails", clean_serde_message(&e))),
        Some("person") => serde_json::from_str::<RawPerson>(details_text)
            .map(|p| RecordDetails::Person(person_details(p)))
            .map_err(|e| ("recordDetails", clean_serde_message(&e))),
        Some("relationship") => serde_json::from_str::<RawRelationship>(details_text)
            .map_err(|e| ("recordDetails", clean_serde_message(&e)))
            .and_then(relationship_details)
            .map(RecordDetails::Relationship),
        Some(t) => {
            Err(("recordType", format!("unknown record type \"{t}\" (expected entity, person or relationship)")))
        }
        None => Err(("recordType", "a statement needs a \"recordType\"".to_string())),
    };
    let details = match details {
        Ok(d) => Some(d),
        Err((field, m)) => {
            bad(field, m);
            None
        }
    };
    match details {
        Some(details) if problems.is_empty() => Ok(Statement::read(
            raw.statement_id.unwrap_or_default(),
            record_id,
            date,
            status,
            details,
            raw.annotations,
            (index, line),
        )),
        _ => Err(problems),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn identifiers(raw: Vec<RawIdentifier>) -> Vec<Identifier> {
    raw.into_iter()
        .map(|i| Identifier { scheme: non_empty(i.scheme), scheme_name: non_empty(i.scheme_name), id: non_empty(i.id) })
        .collect()
}

fn entity_details(e: RawEntity) -> EntityDetails {
    let et = e.entity_type.unwrap_or_default();
    EntityDetails {
        entity_type: et.kind.unwrap_or_else(|| "unknownEntity".into()),
        subtype: non_empty(et.subtype),
        type_details: non_empty(et.details),
        name: non_empty(e.name),
        jurisdiction: e.jurisdiction.and_then(|j| non_empty(j.code)),
        identifiers: identifiers(e.identifiers),
        unspecified: e.unspecified_entity_details,
        is_component: e.is_component.unwrap_or(false),
        ext: e.owngraph,
    }
}

/// Full names, the legal (0.4) or individual (0.1–0.3) one first.
fn person_names(raw: Vec<RawName>) -> Vec<String> {
    let mut names: Vec<(bool, String)> = raw
        .into_iter()
        .filter_map(|n| non_empty(n.full_name).map(|f| (!matches!(n.kind.as_deref(), Some("legal" | "individual")), f)))
        .collect();
    names.sort_by_key(|(not_legal, _)| *not_legal);
    names.into_iter().map(|(_, n)| n).collect()
}

fn person_details(p: RawPerson) -> PersonDetails {
    PersonDetails {
        person_type: p.person_type.unwrap_or_else(|| "unknownPerson".into()),
        names: person_names(p.names),
        nationalities: p.nationalities.into_iter().filter_map(|n| non_empty(n.code)).collect(),
        identifiers: identifiers(p.identifiers),
        address: p.addresses.into_iter().find_map(|a| non_empty(a.address)),
        unspecified: p.unspecified_person_details,
        is_component: p.is_component.unwrap_or(false),
        ext: p.owngraph,
    }
}

fn party_ref(v: Option<serde_json::Value>, field: &'static str) -> Result<PartyRef, (&'static str, String)> {
    match v {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(PartyRef::Record(s)),
        Some(v @ serde_json::Value::Object(_)) => serde_json::from_value::<Unspecified>(v)
            .map(PartyRef::Unspecified)
            .map_err(|e| (field, format!("expected a record id or {{\"reason\": …}}: {e}"))),
        Some(_) => Err((field, "expected a record id or {\"reason\": …}".into())),
        None => Err((field, format!("a relationship needs \"{field}\""))),
    }
}

/// A share literal in percent, as an exact fraction of 1.
fn percent_literal(raw: &RawValue) -> Result<Fraction, String> {
    let t = raw.get().trim();
    let f = Fraction::parse(t).map_err(|e| format!("{}: expected a percentage number", e.0))?;
    let f = &f / &Fraction::new(100, 1);
    if f.is_negative() || f > Fraction::one() {
        return Err(format!("{t} is not a percentage between 0 and 100"));
    }
    Ok(f)
}

fn share_range(s: &RawShare, ext: Option<&InterestExt>) -> Result<Option<ShareRange>, String> {
    if let Some(f) = ext.and_then(|e| e.fraction.as_deref()) {
        let v = Share::parse(f).map_err(|e| format!("owngraph.fraction: {}", e.0))?;
        return Ok(Some(ShareRange::exact(v.into_value())));
    }
    let get = |r: &Option<Box<RawValue>>, name: &str| -> Result<Option<Fraction>, String> {
        r.as_deref().map(percent_literal).transpose().map_err(|m| format!("share.{name}: {m}"))
    };
    if let Some(e) = get(&s.exact, "exact")? {
        return Ok(Some(ShareRange::exact(e)));
    }
    // BODS 0.1–0.3 write `exclusiveMinimum: true` to make `minimum` exclusive; 0.4 writes the
    // exclusive bound itself.
    let flag = |r: &Option<Box<RawValue>>| match r.as_deref().map(|r| r.get().trim()) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let (min_flag, max_flag) = (flag(&s.exclusive_minimum), flag(&s.exclusive_maximum));
    let bound =
        |r: &Option<Box<RawValue>>, f: Option<bool>, name: &str| if f.is_some() { Ok(None) } else { get(r, name) };
    let (min, xmin) = (get(&s.minimum, "minimum")?, bound(&s.exclusive_minimum, min_flag, "exclusiveMinimum")?);
    let (max, xmax) = (get(&s.maximum, "maximum")?, bound(&s.exclusive_maximum, max_flag, "exclusiveMaximum")?);
    if min.is_none() && xmin.is_none() && max.is_none() && xmax.is_none() {
        return Ok(None);
    }
    let (lower, lower_exclusive) = match (min, xmin) {
        (Some(m), _) => (m, min_flag == Some(true)),
        (None, Some(x)) => (x, true),
        (None, None) => (Fraction::zero(), false),
    };
    let (upper, upper_exclusive) = match (max, xmax) {
        (Some(m), _) => (m, max_flag == Some(true)),
        (None, Some(x)) => (x, true),
        (None, None) => (Fraction::one(), false),
    };
    if lower > upper || (lower == upper && (lower_exclusive || upper_exclusive)) {
        return Err(format!("share: the range from {} % to {} % is empty", lower.percent(4), upper.percent(4)));
    }
    Ok(Some(ShareRange { lower, lower_exclusive, upper, upper_exclusive }))
}

fn relationship_details(r: RawRelationship) -> Result<RelationshipDetails, (&'static str, String)> {
    let subject = party_ref(r.subject, "subject")?;
    let interested_party = party_ref(r.interested_party, "interestedParty")?;
    Ok(RelationshipDetails {
        subject,
        interested_party,
        interests: interests(r.interests)?,
        component_records: r.component_records,
        is_component: r.is_component.unwrap_or(false),
    })
}

/// The interests of a relationship of any version: types under their 0.4 names, dates with or
/// without a time.
fn interests(raw: Vec<RawInterest>) -> Result<Vec<BodsInterest>, (&'static str, String)> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, it) in raw.into_iter().enumerate() {
        // A value that is wrong makes the interest invalid, not the file: its subject is
        // quarantined when the graph is built (issue "Published BODS data", item 4).
        let mut invalid: Option<String> = None;
        let share = match &it.share {
            Some(s) => share_range(s, it.owngraph.as_ref()).unwrap_or_else(|m| {
                invalid = Some(format!("interests[{i}].{m}"));
                None
            }),
            None => None,
        };
        let mut date = |v: &Option<String>, name: &str| -> Option<NaiveDate> {
            let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            let d = parse_date_prefix(s);
            if d.is_none() {
                invalid
                    .get_or_insert(format!("interests[{i}].{name}: \"{s}\" is not a date (YYYY-MM-DD or a date-time)"));
            }
            d
        };
        let (start, end) = (date(&it.start_date, "startDate"), date(&it.end_date, "endDate"));
        out.push(BodsInterest {
            invalid,
            start,
            end,
            kind: non_empty(it.kind).map(|k| legacy::interest_type(&k)),
            direct_or_indirect: non_empty(it.direct_or_indirect).or(non_empty(it.interest_level)),
            share,
            details: non_empty(it.details),
            ext: it.owngraph,
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------
// Snapshot

/// The records in force on one date: each record's latest statement dated on or before it,
/// closed records removed.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The date.
    pub as_of: NaiveDate,
    /// Live records, in the order their first statement appears in the file.
    pub records: Vec<Statement>,
    index: HashMap<String, usize>,
    /// Statements dated after `as_of`, not used.
    pub later_statements: usize,
    /// The earliest date of those.
    pub earliest_later: Option<NaiveDate>,
    /// Records closed on or before `as_of`.
    pub closed: Vec<String>,
}

impl Snapshot {
    /// Resolves the statements as of `as_of`.
    pub fn build(statements: Vec<Statement>, as_of: NaiveDate) -> Snapshot {
        let mut order: Vec<String> = Vec::new();
        let mut latest: HashMap<String, Statement> = HashMap::new();
        let mut later = 0;
        let mut earliest_later = None;
        let mut replaced: HashSet<String> = HashSet::new();
        for s in statements {
            if let Some(d) = s.date.filter(|d| *d > as_of) {
                later += 1;
                earliest_later = Some(earliest_later.map_or(d, |e: NaiveDate| e.min(d)));
                continue;
            }
            replaced.extend(s.replaces.iter().cloned());
            // The later statement wins: by date when both are dated and differ, else the one
            // that replaces the other (0.1–0.3), else the later in the file.
            match latest.get(&s.record_id) {
                Some(prev)
                    if (prev.date.is_some() && s.date.is_some() && s.date < prev.date)
                        || ((prev.date.is_none() || s.date.is_none() || s.date == prev.date) && s.rank < prev.rank) => {
                }
                Some(_) => {
                    latest.insert(s.record_id.clone(), s);
                }
                None => {
                    order.push(s.record_id.clone());
                    latest.insert(s.record_id.clone(), s);
                }
            }
        }
        let mut records = Vec::new();
        let mut closed = Vec::new();
        for id in order {
            if let Some(s) = latest.remove(&id) {
                if s.status == RecordStatus::Closed
                    || (matches!(s.details, RecordDetails::Relationship(_)) && replaced.contains(&id))
                {
                    closed.push(id);
                } else {
                    records.push(s);
                }
            }
        }
        let index = records.iter().enumerate().map(|(i, s)| (s.record_id.clone(), i)).collect();
        Snapshot { as_of, records, index, later_statements: later, earliest_later, closed }
    }

    /// The live record with this id.
    pub fn get(&self, record_id: &str) -> Option<&Statement> {
        self.index.get(record_id).map(|&i| &self.records[i])
    }

    /// The live relationships.
    pub fn relationships(&self) -> impl Iterator<Item = (&Statement, &RelationshipDetails)> {
        self.records.iter().filter_map(|s| match &s.details {
            RecordDetails::Relationship(r) => Some((s, r)),
            _ => None,
        })
    }
}

// ------------------------------------------------------------------------------------------
// Mapping to the model

/// A country from a jurisdiction code (`GB`, `US-DE`) or an org-id scheme (`GB-COH`).
fn country_of(code: &str) -> Option<Country> {
    let head = code.split(['-', '_']).next().unwrap_or(code);
    if head.len() == 2 { Country::parse(head).ok() } else { None }
}

fn entity_country(e: &EntityDetails) -> (Option<Country>, Option<String>) {
    if let Some(j) = &e.jurisdiction
        && let Some(c) = country_of(j)
    {
        return (Some(c), None);
    }
    for i in &e.identifiers {
        if let Some(c) = i.scheme.as_deref().and_then(country_of) {
            let scheme = i.scheme.clone().unwrap_or_default();
            return (Some(c), Some(format!("country {c} taken from the identifier scheme {scheme}")));
        }
    }
    (None, None)
}

fn identifier_value(ids: &[Identifier], names: &[&str]) -> Option<String> {
    ids.iter().find(|i| i.is(names)).and_then(|i| i.id.clone())
}

const INN: &[&str] = &["ИНН", "INN", "RU-INN", "RUS-TAXID"];
const OGRN: &[&str] = &["ОГРН", "OGRN", "RU-OGRN"];

/// Who stands in which relation to an arrangement, read from the live relationships.
#[derive(Default)]
struct Roles<'a> {
    /// Nominators of each nomination arrangement.
    nominators: HashMap<&'a str, Vec<String>>,
    /// Records with stated members: interested parties holding a direct share of them.
    members: HashMap<&'a str, usize>,
    /// The subjects each record holds a direct share of.
    holds: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Roles<'a> {
    fn of(snap: &'a Snapshot) -> Roles<'a> {
        let mut roles = Roles::default();
        for (_, r) in snap.relationships() {
            let (PartyRef::Record(subject), PartyRef::Record(ip)) = (&r.subject, &r.interested_party) else {
                continue;
            };
            let has = |k: &str| r.interests.iter().any(|i| i.kind.as_deref() == Some(k) && !i.is_indirect());
            if has("nominator") {
                roles.nominators.entry(subject).or_default().push(ip.clone());
            }
            if has("shareholding") {
                *roles.members.entry(subject).or_default() += 1;
                roles.holds.entry(ip).or_default().push(subject);
            }
        }
        roles
    }
}

/// What a record becomes.
struct PartyPlan {
    party: Party,
    /// The arrangement's holdings belong to this record (a nominator).
    redirect: Option<String>,
}

fn plan_entity(s: &Statement, e: &EntityDetails, roles: &Roles, snap: &Snapshot) -> PartyPlan {
    let mut p = Party::new(s.record_id.clone(), PartyKind::Unknown);
    p.origin = Origin { index: s.index, line: s.line };
    p.name = s.display_name().into();
    p.details_mut().ogrn = identifier_value(&e.identifiers, OGRN);
    p.details_mut().inn = identifier_value(&e.identifiers, INN);
    let (mut country, how) = entity_country(e);
    if let Some(how) = how {
        p.details_mut().notes.push(how);
    }
    let mut redirect = None;
    let ext_kind = e.ext.as_ref().and_then(|x| x.kind.as_deref()).and_then(|k| PartyKind::parse(k).ok());
    let kind = match (ext_kind, e.entity_type.as_str()) {
        (Some(k), _) => k,
        (None, "registeredEntity" | "legalEntity") => match e.type_details.as_deref() {
            Some("nonprofit") => PartyKind::Nonprofit,
            Some("international organisation" | "international organization") => PartyKind::InternationalOrg,
            _ => PartyKind::Company,
        },
        (None, "arrangement") if e.subtype.as_deref() == Some("nomination") => {
            match roles.nominators.get(s.record_id.as_str()).map(Vec::as_slice) {
                Some([one]) => {
                    redirect = Some(one.clone());
                    p.details_mut().notes.push(format!(
                        "nomination arrangement: what it holds is attributed to its nominator \"{one}\" (the beneficial owner is given)"
                    ));
                    PartyKind::Unknown
                }
                _ => {
                    p.details_mut().notes.push(
                        "nomination arrangement without exactly one nominator: a stake held through a nominee is an unknown holder unless the beneficial owner is given"
                            .into(),
                    );
                    PartyKind::Unknown
                }
            }
        }
        (None, "arrangement") if roles.members.contains_key(s.record_id.as_str()) => {
            // Stated members (a joint shareholding, a partnership): what it holds passes to them
            // by their shares, as through a company. Being no legal entity, it is not a foreign
            // person by itself: its country is the jurisdiction stated, else that of what it
            // holds (Russian when it holds a Russian entity), so its members decide control.
            let held = || {
                roles.holds.get(s.record_id.as_str()).into_iter().flatten().filter_map(|h| match snap.get(h) {
                    Some(Statement { details: RecordDetails::Entity(he), .. }) => entity_country(he).0,
                    _ => None,
                })
            };
            country = country.or_else(|| held().find(|c| c.is_russia())).or_else(|| held().next());
            let n = roles.members.get(s.record_id.as_str()).copied().unwrap_or(0);
            match country {
                Some(c) => {
                    p.details_mut().notes.push(format!(
                        "arrangement{} with {n} stated member(s): its holdings pass to its members by their shares, as through a company (country {c}: {})",
                        e.subtype.as_deref().map(|s| format!(" ({s})")).unwrap_or_default(),
                        if e.jurisdiction.is_some() { "its jurisdiction" } else { "that of what it holds; no legal entity, so not a foreign person by itself" }
                    ));
                    PartyKind::Company
                }
                None => {
                    p.details_mut().notes.push(
                        "arrangement with stated members but no country, and holding nothing of a known country: a foreign structure"
                            .into(),
                    );
                    PartyKind::ForeignStructure
                }
            }
        }
        (None, "arrangement") => {
            if country.is_some_and(|c| c.is_russia()) {
                PartyKind::Company
            } else {
                p.details_mut().notes.push(format!(
                    "arrangement{} without stated members: a foreign structure without a legal entity; its own holders are not followed",
                    e.subtype.as_deref().map(|s| format!(" ({s})")).unwrap_or_default()
                ));
                PartyKind::ForeignStructure
            }
        }
        (None, "state") => PartyKind::State,
        (None, "stateBody") => match (e.type_details.as_deref(), country) {
            (Some("region"), Some(c)) if c.is_russia() => PartyKind::Region,
            (Some("municipality"), Some(c)) if c.is_russia() => PartyKind::Municipality,
            _ => {
                p.details_mut().notes.push("state body: counted as the state it belongs to".into());
                PartyKind::State
            }
        },
        (None, other) => {
            if let Some(u) = &e.unspecified {
                p.details_mut().notes.push(format!("{other}: {}", u.describe()));
            } else {
                p.details_mut().notes.push(format!("entity of type {other}: not identified"));
            }
            PartyKind::Unknown
        }
    };
    p.kind = kind;
    if matches!(kind, PartyKind::State | PartyKind::Company | PartyKind::Nonprofit) && country.is_none() {
        p.details_mut().notes.push(format!("{}: no jurisdiction is given, so its country is not known", kind.as_str()));
        p.kind = PartyKind::Unknown;
    }
    if matches!(p.kind, PartyKind::Region | PartyKind::Municipality) {
        p.country = Some(Country::RU);
    } else if p.kind != PartyKind::Unknown {
        p.country = country;
    }
    if let Some(x) = &e.ext
        && let Some(d) = &x.declared
        && p.kind == PartyKind::Nonprofit
    {
        p.details_mut().declared = Some(DeclaredStatus { ru: d.ru, eaeu: d.eaeu, reason: d.reason.clone() });
    }
    p.details_mut().notes.extend(s.annotations.iter().cloned());
    PartyPlan { party: p, redirect }
}

fn plan_person(s: &Statement, d: &PersonDetails) -> PartyPlan {
    let mut p = Party::new(s.record_id.clone(), PartyKind::Unknown);
    p.origin = Origin { index: s.index, line: s.line };
    p.name = s.display_name().into();
    p.details_mut().inn = identifier_value(&d.identifiers, INN);
    p.details_mut().address = d.address.clone();
    p.details_mut().document = d.ext.as_ref().and_then(|x| x.document.clone());
    let mut unused = Vec::new();
    let codes = d
        .nationalities
        .iter()
        .filter_map(|code| Country::parse(code).map_err(|m| unused.push(format!("nationality not used: {m}"))).ok());
    let citizenship = crate::model::Citizenships::distinct(codes);
    for note in unused {
        p.details_mut().notes.push(note);
    }
    match d.person_type.as_str() {
        "knownPerson" if !citizenship.is_empty() => {
            p.kind = PartyKind::Person;
            p.citizenship = citizenship;
        }
        "knownPerson" => {
            p.details_mut().notes.push("natural person whose nationality is not stated: an unknown holder".into())
        }
        other => match &d.unspecified {
            Some(u) => p.details_mut().notes.push(format!("natural person ({other}): {}", u.describe())),
            None => p.details_mut().notes.push(format!("natural person ({other}): not identified")),
        },
    }
    p.details_mut().notes.extend(s.annotations.iter().cloned());
    PartyPlan { party: p, redirect: None }
}

/// Accumulates ranged remainders and unspecified holders per held company.
#[derive(Default)]
struct Held {
    capital_lower: Fraction,
    votes_lower: Fraction,
    capital_slack: Fraction,
    votes_slack: Fraction,
    ranged: Vec<String>,
    unspecified: Vec<PartyIdx>,
    origin: Origin,
}

/// A mapped interest with its dates and notes.
type Dated = (Interest, Option<NaiveDate>, Option<NaiveDate>, Vec<String>);

/// What one relationship's direct interests give.
struct Mapped {
    capital: Option<(ShareRange, Option<NaiveDate>, Option<NaiveDate>)>,
    votes: Option<(ShareRange, Option<NaiveDate>, Option<NaiveDate>)>,
    other: Vec<Dated>,
    notes: Vec<String>,
}

fn range_text(r: &ShareRange) -> String {
    if r.is_exact() {
        format!("{} % ({})", r.lower.percent(4), r.lower)
    } else {
        format!(
            "{}{} % … {}{} %",
            if r.lower_exclusive { "more than " } else { "" },
            r.lower.percent(4),
            if r.upper_exclusive { "less than " } else { "" },
            r.upper.percent(4)
        )
    }
}

fn describe_interest(i: &BodsInterest) -> String {
    let mut s = i.kind_or_unknown().to_string();
    if let Some(d) = &i.direct_or_indirect {
        s.push_str(&format!(" ({d})"));
    }
    if let Some(r) = &i.share {
        s.push_str(&format!(" {}", range_text(r)));
    }
    if let Some(d) = &i.details {
        s.push_str(&format!(" «{d}»"));
    }
    s
}

fn ext_fraction(v: &Option<String>, name: &str, notes: &mut Vec<String>) -> Share {
    match v.as_deref().map(Share::parse) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            notes.push(format!("owngraph.{name}: {}", e.0));
            Share::zero()
        }
        None => Share::zero(),
    }
}

fn map_interests(
    rel: &RelationshipDetails,
    subject_kind: PartyKind,
    resolve: &dyn Fn(&str) -> Option<PartyIdx>,
) -> Mapped {
    let mut m = Mapped { capital: None, votes: None, other: Vec::new(), notes: Vec::new() };
    if rel.interests.is_empty() {
        m.notes.push("the relationship states no interests".into());
    }
    for it in &rel.interests {
        let dates = (it.start, it.end);
        let share = it.share.clone();
        if let Some(x) = it.ext.as_ref().and_then(|x| x.relation.clone().map(|r| (x, r))) {
            let (x, relation) = x;
            let mut notes = Vec::new();
            let exact = share.as_ref().map(|r| r.lower.clone()).unwrap_or_default();
            let as_share = Share::new(exact).unwrap_or_default();
            let interest = match RelationType::parse(&relation) {
                Ok(RelationType::Shares) => {
                    m.capital = share.map(|r| (r, dates.0, dates.1));
                    continue;
                }
                Ok(RelationType::VoteDisposal) => {
                    let basis =
                        x.basis.as_deref().and_then(|b| DisposalBasis::parse(b).ok()).unwrap_or(DisposalBasis::Other);
                    let of = x.of.as_deref().and_then(resolve);
                    Some(Interest::VoteDisposal { votes: as_share, basis, of })
                }
                Ok(RelationType::DecisionRights) => Some(Interest::DecisionRights),
                Ok(RelationType::ManagementCompany) => Some(Interest::ManagementCompany),
                Ok(RelationType::Influence) => Some(Interest::Influence),
                Ok(RelationType::Appoints) => Some(Interest::Appoints {
                    sole_executive: x.sole_executive.unwrap_or(false),
                    executive_board: ext_fraction(&x.executive_board, "executive_board", &mut notes),
                    board: ext_fraction(&x.board, "board", &mut notes),
                }),
                Ok(RelationType::Governs) => Some(Interest::Governs { share: as_share }),
                Err(e) => {
                    m.notes.push(format!("interest {} not mapped: {e}", describe_interest(it)));
                    None
                }
            };
            if let Some(i) = interest {
                m.other.push((i, dates.0, dates.1, notes));
            }
            continue;
        }
        if it.is_indirect() {
            m.notes.push(format!(
                "declared indirect interest {}: derived from the chain, not a relation (see verify-bods)",
                describe_interest(it)
            ));
            continue;
        }
        let unknown_direction = it.direct_or_indirect.as_deref() != Some("direct");
        let mut notes = Vec::new();
        if unknown_direction && it.kind.is_some() {
            notes.push(format!("interest {} is not declared direct: taken as direct", describe_interest(it)));
        }
        match Some(it.kind_or_unknown()) {
            Some("shareholding") if subject_kind == PartyKind::Company => {
                m.capital = Some((share.unwrap_or_else(ShareRange::unknown), dates.0, dates.1));
                m.notes.append(&mut notes);
            }
            Some("votingRights") if subject_kind == PartyKind::Company => {
                m.votes = Some((share.unwrap_or_else(ShareRange::unknown), dates.0, dates.1));
                m.notes.append(&mut notes);
            }
            Some("votingRights") if subject_kind == PartyKind::Nonprofit => match share {
                Some(r) => {
                    if !r.is_exact() {
                        notes.push(format!("supreme body share {}: its lower bound is used", range_text(&r)));
                    }
                    let s = Share::new(r.lower).unwrap_or_default();
                    m.other.push((Interest::Governs { share: s }, dates.0, dates.1, notes));
                }
                None => m.notes.push(format!("interest {} without a share: not mapped", describe_interest(it))),
            },
            Some("appointmentOfBoard") if subject_kind.is_organization() => {
                let board = match &share {
                    Some(r) => {
                        if !r.is_exact() {
                            notes.push(format!("board share {}: its lower bound is used", range_text(r)));
                        }
                        Share::new(r.lower.clone()).unwrap_or_default()
                    }
                    None => {
                        notes.push("appointmentOfBoard without a share: the right to appoint the board is taken as the whole board".into());
                        Share::one()
                    }
                };
                m.other.push((
                    Interest::Appoints { sole_executive: false, executive_board: Share::zero(), board },
                    dates.0,
                    dates.1,
                    notes,
                ));
            }
            Some(
                kind @ ("otherInfluenceOrControl"
                | "rightsGrantedByContract"
                | "conditionalRightsGrantedByContract"
                | "controlViaCompanyRulesOrArticles"
                | "controlByLegalFramework"
                | "unknownInterest"
                | "unpublishedInterest"),
            ) if subject_kind.is_organization() => {
                let what = describe_interest(it);
                let stated = if kind == "conditionalRightsGrantedByContract" { None } else { stated_right(it) };
                let interest = match stated {
                    Some(i @ Interest::DecisionRights) => {
                        notes.push(format!("BODS interest {what}: its details state the right to determine decisions"));
                        i
                    }
                    Some(i) => {
                        notes.push(format!("BODS interest {what}: its details state a management company"));
                        i
                    }
                    None => {
                        notes.push(format!("BODS interest {what}: influence of unstated extent, not proven control"));
                        Interest::Influence
                    }
                };
                m.other.push((interest, dates.0, dates.1, notes));
            }
            Some("trustee") if subject_kind == PartyKind::Company && share.is_some() => {
                let r = share.unwrap_or_else(ShareRange::unknown);
                if !r.is_exact() {
                    notes.push(format!("votes in trust {}: the lower bound is used", range_text(&r)));
                }
                notes.push("trustee: disposes of the votes in trust management".into());
                let votes = Share::new(r.lower).unwrap_or_default();
                m.other.push((
                    Interest::VoteDisposal { votes, basis: DisposalBasis::TrustManagement, of: None },
                    dates.0,
                    dates.1,
                    notes,
                ));
            }
            _ => m.notes.push(format!("interest {} not mapped to a relation", describe_interest(it))),
        }
    }
    m
}

/// Words in an interest's details that state one of the rights of p. 5¹ "а" outright: the right
/// to determine decisions (indicator 2) or acting as the management company (indicator 4).
const DECISION_WORDS: &[&str] = &[
    "right to determine decision",
    "right to determine the decision",
    "determines the decisions",
    "determine its decisions",
    "decision rights",
    "право определять решения",
    "определять решения",
];
const MANAGEMENT_WORDS: &[&str] = &["management company", "управляющая компания", "управляющая организация"];

/// The right an interest's details state outright, if any.
fn stated_right(it: &BodsInterest) -> Option<Interest> {
    let d = it.details.as_deref()?.to_lowercase();
    // A negation anywhere keeps the interest unspecific.
    if ["not ", "no ", "n't", "не ", "без "].iter().any(|n| d.contains(n)) {
        return None;
    }
    if DECISION_WORDS.iter().any(|w| d.contains(w)) {
        Some(Interest::DecisionRights)
    } else if MANAGEMENT_WORDS.iter().any(|w| d.contains(w)) {
        Some(Interest::ManagementCompany)
    } else {
        None
    }
}

fn unit_share(f: &Fraction) -> Share {
    Share::new(f.clone()).unwrap_or_default()
}

/// What makes two stated interests the same: the parties, the type, direct or not, the share
/// and the dates (the details may differ: GLEIF states a direct and an ultimate parent that are
/// one company as two relationships).
#[derive(Hash, PartialEq, Eq)]
struct StatedKey {
    subject: PartyIdx,
    holder: PartyIdx,
    kind: String,
    direct: Option<String>,
    share: Option<String>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

/// A record a relationship names but the file does not describe (as of the snapshot date): an
/// unknown party, the same for every relationship naming it, with a note saying so.
fn outside_party(b: &mut GraphBuilder, id: &str, s: &Statement, role: &str) -> Option<PartyIdx> {
    let note =
        format!("{role} of relationship {}: a record the file does not describe (an unknown party)", s.record_id);
    if let Ok(p) = b.resolve(id) {
        b.party_mut(p).details_mut().notes.push(note);
        return Some(p);
    }
    let mut p = Party::new(id.to_string(), PartyKind::Unknown);
    p.name = compact_str::format_compact!("{id} (not in the file)");
    p.origin = Origin { index: s.index, line: s.line };
    p.details_mut().notes.push(note);
    // None: an id the builder refused, with its problem recorded.
    b.add_party(p)
}

/// Builds the graph of a snapshot. Problems the model finds (holders above 100 %, …) name the
/// statement they come from.
pub fn to_graph(file: &str, snap: &Snapshot) -> Result<Graph, InputErrors> {
    let mut b = GraphBuilder::new();
    let roles = Roles::of(snap);
    let mut redirects: HashMap<String, String> = HashMap::new();
    for s in &snap.records {
        let plan = match &s.details {
            RecordDetails::Entity(e) => plan_entity(s, e, &roles, snap),
            RecordDetails::Person(p) => plan_person(s, p),
            RecordDetails::Relationship(_) => continue,
        };
        if let Some(to) = plan.redirect {
            redirects.insert(s.record_id.clone(), to);
        }
        b.add_party(plan.party);
    }
    let mut held: HashMap<PartyIdx, Held> = HashMap::new();
    let closed: HashSet<&str> = snap.closed.iter().map(String::as_str).collect();
    let mut stated: HashMap<StatedKey, String> = HashMap::new();
    for (s, r) in snap.relationships() {
        let origin = Origin { index: s.index, line: s.line };
        let subject = match &r.subject {
            PartyRef::Record(id) => match b.resolve(id) {
                Ok(p) => p,
                Err(_) if snap.get(id).is_none() && !closed.contains(id.as_str()) => {
                    match outside_party(&mut b, id, s, "subject") {
                        Some(p) => p,
                        None => continue,
                    }
                }
                Err(m) => {
                    if closed.contains(id.as_str()) {
                        continue;
                    }
                    b.problem(statement_problem(s.index, s.line, &s.record_id, Some("subject"), m));
                    continue;
                }
            },
            PartyRef::Unspecified(u) => {
                // Nothing to attach the interests to: keep them as a note on the interested party.
                if let PartyRef::Record(ip) = &r.interested_party
                    && let Ok(p) = b.resolve(ip)
                {
                    b.party_mut(p).details_mut().notes.push(format!(
                        "relationship {} has an unspecified subject ({}): not mapped",
                        s.record_id,
                        u.describe()
                    ));
                }
                continue;
            }
        };
        let holder = match &r.interested_party {
            PartyRef::Record(id) => {
                let target = redirects.get(id).unwrap_or(id);
                match b.resolve(target) {
                    Ok(p) => p,
                    Err(_) if snap.get(target).is_none() && !closed.contains(target.as_str()) => {
                        match outside_party(&mut b, target, s, "interested party") {
                            Some(p) => p,
                            None => continue,
                        }
                    }
                    Err(m) => {
                        if closed.contains(id.as_str()) {
                            continue;
                        }
                        b.problem(statement_problem(s.index, s.line, &s.record_id, Some("interestedParty"), m));
                        continue;
                    }
                }
            }
            PartyRef::Unspecified(u) => {
                let mut p = Party::new(format!("{}-unspecified", s.record_id), PartyKind::Unknown);
                p.name = compact_str::format_compact!("unspecified ({})", u.reason);
                p.origin = origin;
                p.details_mut().notes.push(format!("unspecified interested party: {}", u.describe()));
                match b.add_party(p) {
                    Some(p) => p,
                    None => continue,
                }
            }
        };
        if let PartyRef::Record(id) = &r.interested_party
            && let Some(to) = redirects.get(id)
        {
            let n = format!("held through the nomination arrangement \"{id}\" for its nominator \"{to}\"");
            b.party_mut(holder).details_mut().notes.push(n);
        }
        let subject_kind = b.party(subject).kind;
        // The same interest stated again (by another relationship, or twice in one) counts once.
        let mut again = Vec::new();
        let mut invalid: Vec<String> = Vec::new();
        let kept: Vec<BodsInterest> = r
            .interests
            .iter()
            .filter(|it| {
                if let Some(why) = &it.invalid {
                    invalid.push(format!(
                        "{file}: statement {} (line {}): {why}; the interest is not used",
                        s.record_id, s.line
                    ));
                    return false;
                }
                if it.start.is_some() && it.start == it.end {
                    again.push(format!(
                        "interest {} started and ended on {}: never in force",
                        describe_interest(it),
                        it.start.map(|d| d.to_string()).unwrap_or_default()
                    ));
                    return false;
                }
                let key = StatedKey {
                    subject,
                    holder,
                    kind: it.kind_or_unknown().to_string(),
                    direct: it.direct_or_indirect.clone(),
                    share: it.share.as_ref().map(range_text),
                    start: it.start,
                    end: it.end,
                };
                match stated.get(&key) {
                    Some(first) => {
                        again.push(format!(
                            "interest {} stated again (first in relationship {first}): counted once",
                            describe_interest(it)
                        ));
                        false
                    }
                    None => {
                        stated.insert(key, s.record_id.clone());
                        true
                    }
                }
            })
            .cloned()
            .collect();
        if !invalid.is_empty() {
            // What the subject's holders are cannot be known: its answers, and those of what it
            // holds, are refused; the others are given.
            b.quarantine(subject, invalid);
            again.push("an interest with an invalid value is left out (see the quarantine)".to_string());
        }
        let deduplicated;
        let r = if again.is_empty() {
            r
        } else {
            deduplicated = RelationshipDetails { interests: kept, ..r.clone() };
            &deduplicated
        };
        let mapped = {
            let resolve = |id: &str| b.resolve(id).ok();
            let mut m = map_interests(r, subject_kind, &resolve);
            if r.interests.is_empty() && !again.is_empty() {
                m.notes.clear();
            }
            m.notes.extend(again);
            m
        };
        let subject_id = b.party(subject).id.clone();
        let holder_id = b.party(holder).id.clone();
        let as_of = snap.as_of;
        let in_force = |since: Option<NaiveDate>, until: Option<NaiveDate>| {
            since.is_none_or(|d| d <= as_of) && until.is_none_or(|d| as_of < d)
        };
        let mut rels: Vec<Relation> = Vec::new();
        let mut notes = mapped.notes;
        notes.extend(s.annotations.iter().cloned());
        let make = |interest: Interest, since, until, extra: Vec<String>| {
            let mut rel = Relation::new(holder, subject, interest);
            rel.since = since;
            rel.until = until;
            rel.meta_mut().id = Some(s.record_id.clone());
            rel.meta_mut().source = Some(format!("BODS statement {}", s.statement_id));
            rel.origin = origin;
            rel.meta_mut().notes = extra;
            rel
        };
        // Capital and votes make one shares relation when their dates agree.
        let mut pending_votes = mapped.votes;
        if let Some((cap, since, until)) = mapped.capital {
            let same_dates = pending_votes.as_ref().is_some_and(|(_, s2, u2)| *s2 == since && *u2 == until);
            let vot = if same_dates { pending_votes.take().map(|v| v.0) } else { None };
            let votes_range = vot.clone().unwrap_or_else(|| cap.clone());
            let mut extra = Vec::new();
            if !cap.is_exact() {
                extra.push(format!(
                    "capital {}: the lower bound is the share; the rest of the range is with the unknown holder of ranged shares",
                    range_text(&cap)
                ));
            }
            if vot.as_ref().is_some_and(|v| !v.is_exact()) {
                extra.push(format!("votes {}: the lower bound is used", range_text(&votes_range)));
            }
            if in_force(since, until) {
                let h = held.entry(subject).or_default();
                h.capital_lower += &cap.lower;
                h.votes_lower += &votes_range.lower;
                if !cap.is_exact() || !votes_range.is_exact() {
                    h.capital_slack += &(&cap.upper - &cap.lower);
                    h.votes_slack += &(&votes_range.upper - &votes_range.lower);
                    h.ranged.push(format!("{holder_id}: {}", range_text(&cap)));
                    h.origin = origin;
                }
            }
            if cap.lower.is_positive() || votes_range.lower.is_positive() {
                let interest =
                    Interest::Shares { capital: unit_share(&cap.lower), votes: unit_share(&votes_range.lower) };
                rels.push(make(interest, since, until, extra));
            } else {
                notes.extend(extra);
            }
        }
        if let Some((v, since, until)) = pending_votes {
            let mut extra = vec!["voting rights without a shareholding: a disposal of votes".to_string()];
            if !v.is_exact() {
                extra.push(format!("votes {}: the lower bound is used", range_text(&v)));
            }
            if in_force(since, until) {
                let h = held.entry(subject).or_default();
                h.votes_lower += &v.lower;
                if !v.is_exact() {
                    h.votes_slack += &(&v.upper - &v.lower);
                    h.ranged.push(format!("{holder_id}: votes {}", range_text(&v)));
                    h.origin = origin;
                }
            }
            if v.lower.is_positive() {
                let interest =
                    Interest::VoteDisposal { votes: unit_share(&v.lower), basis: DisposalBasis::Other, of: None };
                rels.push(make(interest, since, until, extra));
            } else {
                notes.extend(extra);
            }
        }
        for (interest, since, until, extra) in mapped.other {
            rels.push(make(interest, since, until, extra));
        }
        if matches!(r.interested_party, PartyRef::Unspecified(_)) {
            held.entry(subject).or_default().unspecified.push(holder);
        }
        match rels.first_mut() {
            Some(first) => first.meta_mut().notes.append(&mut notes),
            None => {
                for n in notes {
                    let n = format!("in \"{subject_id}\" (relationship {}): {n}", s.record_id);
                    b.party_mut(holder).details_mut().notes.push(n);
                }
            }
        }
        for rel in rels {
            b.add_relation(rel);
        }
    }
    // Ranged remainders and unspecified holders.
    let mut subjects: Vec<PartyIdx> = held.keys().copied().collect();
    subjects.sort_unstable();
    for subject in subjects {
        let Some(h) = held.remove(&subject) else { continue };
        let one = Fraction::one();
        let free_capital = (&one - &h.capital_lower).max(Fraction::zero());
        let free_votes = (&one - &h.votes_lower).max(Fraction::zero());
        let pool_capital = h.capital_slack.clone().min(free_capital.clone());
        let pool_votes = h.votes_slack.clone().min(free_votes.clone());
        let subject_id = b.party(subject).id.clone();
        let subject_name = b.party(subject).name.clone();
        if b.party(subject).kind == PartyKind::Company && (pool_capital.is_positive() || pool_votes.is_positive()) {
            let mut p = Party::new(format!("{subject_id}-ranges"), PartyKind::Unknown);
            p.name = compact_str::format_compact!("{subject_name}: rest of the ranged shares");
            p.origin = h.origin;
            p.details_mut().notes.push(format!(
                "holds what the BODS ranges leave open above their lower bounds ({}), so each holder's share lies in [lower, upper]",
                h.ranged.join("; ")
            ));
            if let Some(pi) = b.add_party(p) {
                let mut rel = Relation::new(
                    pi,
                    subject,
                    Interest::Shares { capital: unit_share(&pool_capital), votes: unit_share(&pool_votes) },
                );
                rel.origin = h.origin;
                rel.meta_mut().notes.push("BODS share ranges: the part between the lower and the upper bounds".into());
                b.add_relation(rel);
            }
        }
        if let Some((&first, rest)) = h.unspecified.split_first() {
            let cap = (&free_capital - &pool_capital).max(Fraction::zero());
            let vot = (&free_votes - &pool_votes).max(Fraction::zero());
            if b.party(subject).kind == PartyKind::Company && (cap.is_positive() || vot.is_positive()) {
                let mut rel = Relation::new(
                    first,
                    subject,
                    Interest::Shares { capital: unit_share(&cap), votes: unit_share(&vot) },
                );
                rel.origin = b.party(first).origin;
                rel.meta_mut()
                    .notes
                    .push("unspecified interested party: holds the capital no listed holder accounts for".into());
                b.add_relation(rel);
            }
            for &o in rest {
                let n = format!(
                    "another unspecified interested party of \"{subject_id}\" already holds its undisclosed capital"
                );
                b.party_mut(o).details_mut().notes.push(n);
            }
        }
    }
    let labels: HashMap<u32, String> = snap.records.iter().map(|s| (s.index, s.record_id.clone())).collect();
    let relabel = |mut p: Problem| {
        if matches!(p.record.section, Section::Parties | Section::Relations) {
            p.record.label = labels.get(&p.record.origin.index).cloned().unwrap_or(p.record.label);
            p.record.section = Section::Statements;
        }
        p
    };
    // An entity whose statements contradict each other (holders above 100 %, an interest
    // ending before it starts, …) is quarantined with the reason, not the whole file refused.
    let describe = |p: &Problem| format!("{file}: {}", relabel(p.clone()));
    b.finish_quarantining(snap.as_of, &describe).map_err(|problems| InputErrors {
        file: file.to_string(),
        files: Vec::new(),
        problems: problems.into_iter().map(relabel).collect(),
    })
}

/// Reads a BODS file as of `as_of` into a checked graph.
pub fn parse(file: &str, text: &str, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let statements = parse_statements(file, text)?;
    let snap = Snapshot::build(statements, as_of);
    if snap.records.is_empty()
        && let Some(first) = snap.earliest_later
    {
        return Err(InputErrors::whole(
            file,
            format!(
                "every statement is dated after the analysis date {as_of} (the earliest on {first}): nothing is in force then; give --as-of {first} or later"
            ),
        ));
    }
    to_graph(file, &snap)
}

/// The record ids a relationship refers to, for the records it needs.
pub fn referenced(r: &RelationshipDetails) -> HashSet<&str> {
    let mut out = HashSet::new();
    for p in [&r.subject, &r.interested_party] {
        if let PartyRef::Record(id) = p {
            out.insert(id.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn share_ranges_are_exact() {
        let raw: RawShare = serde_json::from_str(r#"{"minimum": 25, "exclusiveMaximum": 50}"#).unwrap();
        let r = share_range(&raw, None).unwrap().unwrap();
        assert_eq!(r.lower, Fraction::new(1, 4));
        assert!(r.upper_exclusive && !r.lower_exclusive);
        assert!(r.contains(&Fraction::new(1, 4)) && !r.contains(&Fraction::new(1, 2)));
        let raw: RawShare = serde_json::from_str(r#"{"exact": 76.5}"#).unwrap();
        assert_eq!(share_range(&raw, None).unwrap().unwrap(), ShareRange::exact(Fraction::new(153, 200)));
        let raw: RawShare = serde_json::from_str(r#"{"exact": 101}"#).unwrap();
        assert!(share_range(&raw, None).is_err());
        let raw: RawShare = serde_json::from_str(r#"{"minimum": 60, "maximum": 50}"#).unwrap();
        assert!(share_range(&raw, None).is_err());
    }

    #[test]
    fn detects_the_format() {
        assert!(looks_like_bods("[]"));
        assert!(looks_like_bods("{\"statementId\": \"x\", \"recordType\": \"entity\"}\n{}"));
        assert!(looks_like_bods("{\n  \"name\": {\"a\": [1]},\n  \"statementID\": \"x\"\n}"));
        assert!(!looks_like_bods("{\"parties\": []}"));
        assert!(!looks_like_bods("{\n \"as_of\": \"2026-01-01\",\n \"parties\": []}"));
        assert!(!looks_like_bods("{\"id\": \"a\", \"kind\": \"person\"}\n"));
        assert!(!looks_like_bods("<EGRUL/>"));
    }

    #[test]
    fn snapshot_takes_the_latest_statement_and_drops_closed_records() {
        let text = r#"[
 {"statementId":"a","statementDate":"2020-01-01","recordId":"e","recordType":"entity","recordStatus":"new","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Old","jurisdiction":{"name":"GB","code":"GB"}}},
 {"statementId":"b","statementDate":"2021-01-01","recordId":"e","recordType":"entity","recordStatus":"updated","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"New","jurisdiction":{"name":"GB","code":"GB"}}},
 {"statementId":"c","statementDate":"2022-01-01","recordId":"e","recordType":"entity","recordStatus":"closed","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"New","jurisdiction":{"name":"GB","code":"GB"}}}
]"#;
        let st = parse_statements("t", text).unwrap();
        let s = Snapshot::build(st.clone(), date("2020-06-01"));
        assert_eq!(s.get("e").unwrap().display_name(), "Old");
        let s = Snapshot::build(st.clone(), date("2021-06-01"));
        assert_eq!(s.get("e").unwrap().display_name(), "New");
        let s = Snapshot::build(st, date("2022-06-01"));
        assert!(s.get("e").is_none());
        assert_eq!(s.closed, vec!["e".to_string()]);
    }

    #[test]
    fn bad_statements_name_the_record_and_field() {
        let text = r#"[{"statementId":"a","recordId":"r1","recordType":"relationship","recordDetails":{"isComponent":false,"subject":"x","interestedParty":"y","interests":[{"type":"shareholding","share":{"exact":"lots"}}]}}]"#;
        // A wrong value makes the interest invalid, not the file (its subject is quarantined
        // when the graph is built); the reason names the field.
        let st = parse_statements("f.json", text).unwrap();
        let RecordDetails::Relationship(r) = &st[0].details else { panic!("not a relationship: {:?}", st[0].details) };
        let m = r.interests[0].invalid.as_deref().unwrap_or_default();
        assert!(m.starts_with("interests[0].share.exact"), "{m}");
        assert!(m.contains("lots"), "{m}");
        assert_eq!(st[0].record_id, "r1");
    }
}
