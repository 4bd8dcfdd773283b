//! The native JSON format (`{"parties": [...], "relations": [...]}`, as in
//! `fixtures/example-NN.json`). Numbers are read from their literal text, never through a binary
//! float; every record is checked on its own so that all problems are reported together.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::InputErrors;
use super::records::{Fractions, PartyFields, RelationFields, add_relation, insert_party, party_from};
use crate::fraction::Share;
use crate::model::{DeclaredStatus, Graph, GraphBuilder, Origin, Party, Problem, RecordRef, Section};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    #[serde(borrow)]
    parties: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    relations: Vec<&'a RawValue>,
    #[serde(borrow, default, rename = "description")]
    _description: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "meta")]
    _meta: Option<&'a RawValue>,
    #[serde(default)]
    quarantined: Vec<RawQuarantined>,
}

/// A record set aside: `{"id": "...", "reasons": ["..."]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuarantined {
    id: String,
    #[serde(default)]
    reasons: Vec<String>,
}

/// Sets aside the records a document lists as quarantined.
fn quarantine(b: &mut GraphBuilder, list: Vec<RawQuarantined>) {
    for (i, q) in list.into_iter().enumerate() {
        match b.resolve(&q.id) {
            Ok(p) => b.quarantine(p, q.reasons),
            Err(m) => b.problem(Problem {
                record: RecordRef { section: Section::Document, origin: Origin::default(), label: String::new() },
                field: None,
                message: format!("quarantined[{i}]: {m}"),
            }),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParty<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    country: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    citizenship: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    inn: Option<String>,
    #[serde(default)]
    ogrn: Option<String>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    declared: Option<RawDeclared>,
    #[serde(default)]
    stateless: Option<bool>,
    #[serde(default)]
    citizenship_source: Option<String>,
    #[serde(default)]
    note: Option<Note>,
}

/// `note`: one remark or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Note {
    One(String),
    Many(Vec<String>),
}

impl Note {
    fn into_vec(note: Option<Note>) -> Vec<String> {
        match note {
            None => Vec::new(),
            Some(Note::One(s)) => vec![s],
            Some(Note::Many(v)) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeclared {
    #[serde(default)]
    ru: Option<bool>,
    #[serde(default)]
    eaeu: Option<bool>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelation<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(borrow, default)]
    capital: Option<&'a RawValue>,
    #[serde(borrow, default)]
    votes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    basis: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    of: Option<Cow<'a, str>>,
    #[serde(default)]
    sole_executive: Option<bool>,
    #[serde(borrow, default)]
    executive_board: Option<&'a RawValue>,
    #[serde(borrow, default)]
    board: Option<&'a RawValue>,
    #[serde(borrow, default)]
    share: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    note: Option<Note>,
}

/// Line starts of a text, to turn a byte offset into a line number.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    /// The line starts of `text`.
    pub(crate) fn new(text: &str) -> Lines {
        Lines(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// The 1-based line where `part`, a slice of `text`, begins.
    pub(crate) fn of(&self, text: &str, part: &str) -> u32 {
        self.at((part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize))
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn at(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// Reads a fraction from its JSON literal text: a string (`"1/3"`, `"25%"`) or a number read
/// digit by digit, never through `f64`.
pub fn share_from_raw(raw: &RawValue) -> Result<Share, String> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        let s: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Share::parse(&s).map_err(|e| e.0)
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        Share::parse(text).map_err(|e| e.0)
    } else {
        Err(format!("expected a fraction such as \"1/3\", \"25%\" or 0.25, found {text}"))
    }
}

fn id_of(raw: &RawValue) -> String {
    #[derive(Deserialize)]
    struct Id {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Id>(raw.get()).ok().and_then(|i| i.id) {
        Some(serde_json::Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => "?".into(),
    }
}

fn relation_label_raw(raw: &RawValue) -> String {
    let v: serde_json::Value = serde_json::from_str(raw.get()).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("?").to_string();
    format!("{} {} → {}", s("type"), s("from"), s("to"))
}

/// A serde error's message without its " at line L column C" tail (the caller says where).
pub(crate) fn clean_serde_message(e: &serde_json::Error) -> String {
    let m = e.to_string();
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

/// Parses the native JSON format. A clean input is read in one pass; when anything is wrong,
/// the input is read again record by record so that every problem is reported with its line.
pub fn parse(file: &str, text: &str, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    parse_with(file, text, as_of, &[])
}

/// As [`parse`], the builder first given `known` parties that the input's relations may name
/// without defining them (a delta's holders from the register: [`super::delta`]).
pub(crate) fn parse_with(file: &str, text: &str, as_of: NaiveDate, known: &[Party]) -> Result<Graph, InputErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut b = super::seeded(known);
    let mut de = serde_json::Deserializer::from_str(text);
    if DeserializeSeed::deserialize(Streaming { b: &mut b }, &mut de).and_then(|()| de.end()).is_ok()
        && !b.has_problems()
        && let Ok(graph) = b.finish(as_of)
    {
        return Ok(graph);
    }
    parse_by_record(file, text, as_of, known)
}

/// Feeds records to the builder as they are read, without holding the document in memory.
/// Relations must come after parties (as every writer of this format puts them); any
/// surprise makes the caller read the input again record by record.
struct Streaming<'b> {
    b: &'b mut GraphBuilder,
}

impl<'de> DeserializeSeed<'de> for Streaming<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Streaming<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with \"parties\" and \"relations\"")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut parties = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "parties" if !parties => {
                    parties = true;
                    map.next_value_seed(Records { b: &mut *self.b, relations: false })?;
                }
                "relations" if parties => map.next_value_seed(Records { b: &mut *self.b, relations: true })?,
                "description" | "meta" => {
                    map.next_value::<IgnoredAny>()?;
                }
                "quarantined" if parties => {
                    let list: Vec<RawQuarantined> = map.next_value()?;
                    quarantine(self.b, list);
                }
                _ => return Err(de::Error::custom("read record by record")),
            }
        }
        if parties { Ok(()) } else { Err(de::Error::missing_field("parties")) }
    }
}

struct Records<'b> {
    b: &'b mut GraphBuilder,
    relations: bool,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u32;
        if self.relations {
            while let Some(r) = seq.next_element::<RawRelation<'de>>()? {
                read_relation(self.b, r, Origin { index: i, line: 0 });
                i += 1;
            }
        } else {
            while let Some(p) = seq.next_element::<RawParty<'de>>()? {
                read_party(self.b, p, Origin { index: i, line: 0 });
                i += 1;
            }
        }
        Ok(())
    }
}

fn parse_by_record(file: &str, text: &str, as_of: NaiveDate, known: &[Party]) -> Result<Graph, InputErrors> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        let m = if e.is_syntax() || e.is_eof() {
            format!("line {} column {}: not valid JSON: {}", e.line(), e.column(), clean_serde_message(&e))
        } else {
            format!(
                "line {} column {}: expected {{\"parties\": [...], \"relations\": [...]}}: {}",
                e.line(),
                e.column(),
                clean_serde_message(&e)
            )
        };
        InputErrors::whole(file, m)
    })?;
    let lines = Lines::new(text);
    let mut b = super::seeded(known);
    for (i, raw) in doc.parties.iter().enumerate() {
        let origin = Origin { index: i as u32, line: lines.of(text, raw.get()) };
        match serde_json::from_str::<RawParty>(raw.get()) {
            Ok(rp) => read_party(&mut b, rp, origin),
            Err(e) => b.problem(Problem {
                record: RecordRef { section: Section::Parties, origin, label: id_of(raw) },
                field: None,
                message: clean_serde_message(&e),
            }),
        }
    }
    quarantine(&mut b, doc.quarantined);
    for (i, raw) in doc.relations.iter().enumerate() {
        let origin = Origin { index: i as u32, line: lines.of(text, raw.get()) };
        match serde_json::from_str::<RawRelation>(raw.get()) {
            Ok(rr) => read_relation(&mut b, rr, origin),
            Err(e) => b.problem(Problem {
                record: RecordRef { section: Section::Relations, origin, label: relation_label_raw(raw) },
                field: None,
                message: clean_serde_message(&e),
            }),
        }
    }
    b.finish(as_of).map_err(|problems| InputErrors { file: file.to_string(), problems, files: Vec::new() })
}

pub(crate) fn read_party(b: &mut GraphBuilder, rp: RawParty, origin: Origin) {
    let (party, problems) = build_party(rp, origin);
    insert_party(b, party, problems);
}

/// A party from its record, with its problems (pure: records can be built in parallel).
pub(crate) fn build_party(mut rp: RawParty, origin: Origin) -> (crate::model::Party, Vec<Problem>) {
    let stateless = rp.stateless.take().unwrap_or(false);
    let source = rp.citizenship_source.take();
    let (mut party, problems) = party_from(party_fields(rp), origin);
    if stateless || source.is_some() {
        let d = party.details_mut();
        d.stateless = stateless;
        d.citizenship_source = source;
    }
    (party, problems)
}

/// The flat fields of a party record.
pub(crate) fn party_fields(rp: RawParty<'_>) -> PartyFields<'_> {
    PartyFields {
        id: rp.id,
        kind: rp.kind,
        name: rp.name,
        country: rp.country,
        citizenship: rp.citizenship.unwrap_or_default(),
        inn: rp.inn,
        ogrn: rp.ogrn,
        document: rp.document,
        address: rp.address,
        declared: rp.declared.map(|d| DeclaredStatus { ru: d.ru, eaeu: d.eaeu, reason: d.reason }),
        notes: Note::into_vec(rp.note),
    }
}

fn read_relation(b: &mut GraphBuilder, rr: RawRelation, origin: Origin) {
    add_relation(b, relation_fields(rr), origin);
}

/// The flat fields of a relation record, fractions parsed.
pub(crate) fn relation_fields(rr: RawRelation<'_>) -> RelationFields<'_> {
    let mut fractions = Fractions::default();
    for (name, raw) in [
        ("capital", rr.capital),
        ("votes", rr.votes),
        ("executive_board", rr.executive_board),
        ("board", rr.board),
        ("share", rr.share),
    ] {
        if let Some(raw) = raw {
            fractions.set(name, share_from_raw(raw));
        }
    }
    RelationFields {
        kind: rr.kind,
        from: rr.from,
        to: rr.to,
        fractions,
        basis: rr.basis,
        of: rr.of,
        sole_executive: rr.sole_executive,
        since: rr.since,
        until: rr.until,
        source: rr.source,
        id: rr.id,
        notes: Note::into_vec(rr.note),
    }
}
