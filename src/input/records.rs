//! Records as flat fields, shared by every format whose records are flat (native JSON, JSON
//! Lines, CSV): building a party or a relation from its fields, with every problem named by its
//! field. Fields borrow from the input where they can, so millions of records cost no copies.

use std::borrow::Cow;

use super::parse_date;
use crate::fraction::Share;
use crate::model::{
    Country, DeclaredStatus, DisposalBasis, GraphBuilder, Ids, Interest, Origin, Party, PartyDetails, PartyKind,
    Problem, Recent, RecordRef, Relation, RelationMeta, RelationType, Section,
};

/// Fields of a party record as text, for formats whose records are flat (JSON, CSV, JSONL).
#[derive(Default, Debug, Clone)]
pub struct PartyFields<'a> {
    /// `id`.
    pub id: Cow<'a, str>,
    /// `kind`.
    pub kind: Cow<'a, str>,
    /// `name`.
    pub name: Option<Cow<'a, str>>,
    /// `country`.
    pub country: Option<Cow<'a, str>>,
    /// `citizenship`, one code per element.
    pub citizenship: Vec<Cow<'a, str>>,
    /// `inn`.
    pub inn: Option<String>,
    /// `ogrn`.
    pub ogrn: Option<String>,
    /// `document`.
    pub document: Option<String>,
    /// `address`.
    pub address: Option<String>,
    /// `declared`.
    pub declared: Option<DeclaredStatus>,
    /// `note`: remarks kept with the party.
    pub notes: Vec<String>,
}

/// Builds a party from flat fields and adds it, recording every problem with its field.
pub fn add_party(b: &mut GraphBuilder, f: PartyFields, origin: Origin) {
    let (party, problems) = party_from(f, origin);
    insert_party(b, party, problems);
}

/// Adds a party built by [`party_from`] with its problems.
pub fn insert_party(b: &mut GraphBuilder, party: Party, problems: Vec<Problem>) {
    if problems.is_empty() {
        b.add_party(party);
    } else {
        b.add_faulty_party(party, problems);
    }
}

/// Builds a party from flat fields, with every problem named by its field. Pure, so many
/// records can be built in parallel.
pub fn party_from(f: PartyFields, origin: Origin) -> (Party, Vec<Problem>) {
    let mut party = Party::new(f.id.into_owned(), PartyKind::Unknown);
    party.origin = origin;
    let mut problems = Vec::new();
    match PartyKind::parse(f.kind.trim()) {
        Ok(k) => party.kind = k,
        Err(m) => problems.push(("kind", m)),
    }
    if let Some(n) = f.name.filter(|n| !n.trim().is_empty()) {
        party.name = n.as_ref().into();
    }
    if let Some(c) = f.country.filter(|c| !c.trim().is_empty()) {
        match Country::parse(&c) {
            Ok(c) => party.country = Some(c),
            Err(m) => problems.push(("country", m)),
        }
    }
    if matches!(party.kind, PartyKind::Region | PartyKind::Municipality) && party.country.is_none() {
        party.country = Some(Country::RU);
    }
    let codes = f
        .citizenship
        .iter()
        .filter(|c| !c.trim().is_empty())
        .filter_map(|c| Country::parse(c).map_err(|m| problems.push(("citizenship", m))).ok());
    party.citizenship = crate::model::Citizenships::distinct(codes);
    let details = PartyDetails {
        inn: f.inn.filter(|s| !s.trim().is_empty()),
        ogrn: f.ogrn.filter(|s| !s.trim().is_empty()),
        document: f.document.filter(|s| !s.trim().is_empty()),
        address: f.address.filter(|s| !s.trim().is_empty()),
        declared: f.declared,
        notes: f.notes,
        ..PartyDetails::default()
    };
    if details != PartyDetails::default() {
        party.details = Some(Box::new(details));
    }
    let problems = problems.into_iter().map(|(field, m)| Problem::party_field(&party, field, m)).collect();
    (party, problems)
}

/// Fields of a relation record, fractions already parsed.
#[derive(Default, Debug, Clone)]
pub struct RelationFields<'a> {
    /// `type`.
    pub kind: Cow<'a, str>,
    /// `from`.
    pub from: Cow<'a, str>,
    /// `to`.
    pub to: Cow<'a, str>,
    /// Fraction fields present (`capital`, `votes`, `executive_board`, `board`, `share`),
    /// each already parsed or with the parse error.
    pub fractions: Fractions,
    /// `basis`.
    pub basis: Option<Cow<'a, str>>,
    /// `of`.
    pub of: Option<Cow<'a, str>>,
    /// `sole_executive`.
    pub sole_executive: Option<bool>,
    /// `since`.
    pub since: Option<Cow<'a, str>>,
    /// `until`.
    pub until: Option<Cow<'a, str>>,
    /// `source`.
    pub source: Option<String>,
    /// `id`.
    pub id: Option<String>,
    /// `note`: remarks kept with the relation.
    pub notes: Vec<String>,
}

impl RelationFields<'_> {
    /// The same fields, owning their text (to keep a record for later).
    pub fn into_owned(self) -> RelationFields<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        RelationFields {
            kind: own(self.kind),
            from: own(self.from),
            to: own(self.to),
            fractions: self.fractions,
            basis: self.basis.map(own),
            of: self.of.map(own),
            sole_executive: self.sole_executive,
            since: self.since.map(own),
            until: self.until.map(own),
            source: self.source,
            id: self.id,
            notes: self.notes,
        }
    }
}

/// The fraction fields of a relation, each absent, parsed, or with the reason it did not parse.
#[derive(Default, Debug, Clone)]
pub struct Fractions([Option<Result<Share, String>>; 5]);

impl Fractions {
    /// The fraction fields, in a fixed order.
    pub const NAMES: [&'static str; 5] = ["capital", "votes", "executive_board", "board", "share"];

    /// Sets a field by name; unknown names are ignored.
    pub fn set(&mut self, name: &str, value: Result<Share, String>) {
        if let Some(i) = Self::NAMES.iter().position(|n| *n == name) {
            self.0[i] = Some(value);
        }
    }

    fn get(&self, name: &str) -> Option<&Result<Share, String>> {
        Self::NAMES.iter().position(|n| *n == name).and_then(|i| self.0[i].as_ref())
    }

    fn present(&self) -> impl Iterator<Item = &'static str> + '_ {
        Self::NAMES.iter().zip(&self.0).filter(|(_, v)| v.is_some()).map(|(n, _)| *n)
    }
}

/// Builds a relation from its fields and adds it; records every problem with its field.
pub fn add_relation(b: &mut GraphBuilder, f: RelationFields, origin: Origin) {
    let mut recent = *b.recent_mut();
    let built = relation_from(b.ids(), &mut recent, f, origin);
    *b.recent_mut() = recent;
    match built {
        Ok(Some(r)) => b.add_relation(r),
        Ok(None) => {}
        Err(problems) => {
            for p in problems {
                b.problem(p);
            }
        }
    }
}

/// Builds a relation from its fields, resolving its ends with `ids` (`recent`: the parties last
/// resolved, see [`Ids::resolve_near`]); every problem is named by its field. Pure, so many
/// records can be built in parallel.
pub fn relation_from(
    ids: Ids,
    recent: &mut Recent,
    f: RelationFields,
    origin: Origin,
) -> Result<Option<Relation>, Vec<Problem>> {
    let mut problems: Vec<(&str, String)> = Vec::new();
    let kind = RelationType::parse(f.kind.trim()).map_err(|m| problems.push(("type", m.into()))).ok();
    let from = ids.resolve_near(&f.from, 0, recent).map_err(|m| problems.push(("from", m.into()))).ok();
    let to = ids.resolve_near(&f.to, 1, recent).map_err(|m| problems.push(("to", m.into()))).ok();
    // The fields given (at most the five fractions and three others), without a heap list per
    // relation.
    let mut given = [""; Fractions::NAMES.len() + 3];
    let mut count = 0;
    let others = [(f.basis.is_some(), "basis"), (f.of.is_some(), "of"), (f.sole_executive.is_some(), "sole_executive")];
    for name in f.fractions.present().chain(others.iter().filter(|(is, _)| *is).map(|(_, name)| *name)) {
        given[count] = name;
        count += 1;
    }
    let present = &given[..count];
    let frac = |name: &'static str, problems: &mut Vec<(&str, String)>| -> Option<Share> {
        f.fractions.get(name).and_then(|r| match r {
            Ok(s) => Some(s.clone()),
            Err(m) => {
                problems.push((name, m.clone()));
                None
            }
        })
    };
    let mut interest = None;
    if let Some(kind) = kind {
        for field in present {
            if !kind.fields().contains(field) {
                let allowed = kind.fields();
                problems.push((
                    field,
                    if allowed.is_empty() {
                        format!("a {} relation has no field \"{field}\"", kind.as_str())
                    } else {
                        format!(
                            "a {} relation has no field \"{field}\" (its fields: {})",
                            kind.as_str(),
                            allowed.join(", ")
                        )
                    },
                ));
            }
        }
        interest = match kind {
            RelationType::Shares => {
                let capital = frac("capital", &mut problems);
                let votes = frac("votes", &mut problems);
                if !present.contains(&"capital") {
                    problems.push(("capital", "a shares relation needs \"capital\"".into()));
                }
                capital.map(|c| Interest::Shares { votes: votes.unwrap_or_else(|| c.clone()), capital: c })
            }
            RelationType::VoteDisposal => {
                let votes = frac("votes", &mut problems);
                if !present.contains(&"votes") {
                    problems.push(("votes", "a vote_disposal relation needs \"votes\"".into()));
                }
                let basis = match &f.basis {
                    Some(s) => DisposalBasis::parse(s.trim()).map_err(|m| problems.push(("basis", m.into()))).ok(),
                    None => {
                        problems.push((
                            "basis",
                            "a vote_disposal relation needs \"basis\" (trust_management, simple_partnership, agency, pledge, other)".into(),
                        ));
                        None
                    }
                };
                let of = match f.of.as_deref().filter(|s| !s.trim().is_empty()) {
                    Some(o) => match ids.resolve_near(o, 2, recent) {
                        Ok(p) => Some(Some(p)),
                        Err(m) => {
                            problems.push(("of", m.into()));
                            None
                        }
                    },
                    None => Some(None),
                };
                match (votes, basis, of) {
                    (Some(votes), Some(basis), Some(of)) => Some(Interest::VoteDisposal { votes, basis, of }),
                    _ => None,
                }
            }
            RelationType::DecisionRights => Some(Interest::DecisionRights),
            RelationType::ManagementCompany => Some(Interest::ManagementCompany),
            RelationType::Influence => Some(Interest::Influence),
            RelationType::Appoints => {
                let exec = frac("executive_board", &mut problems);
                let board = frac("board", &mut problems);
                if f.sole_executive.is_none() && !present.contains(&"executive_board") && !present.contains(&"board") {
                    problems.push((
                        "type",
                        "an appoints relation needs \"sole_executive\": true, \"executive_board\" or \"board\"".into(),
                    ));
                }
                Some(Interest::Appoints {
                    sole_executive: f.sole_executive.unwrap_or(false),
                    executive_board: exec.unwrap_or_default(),
                    board: board.unwrap_or_default(),
                })
            }
            RelationType::Governs => {
                let share = frac("share", &mut problems);
                if !present.contains(&"share") {
                    problems.push(("share", "a governs relation needs \"share\"".into()));
                }
                share.map(|share| Interest::Governs { share })
            }
        };
    }
    let date = |field: &'static str, v: &Option<Cow<str>>, problems: &mut Vec<(&str, String)>| match v
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        Some(s) => parse_date(s).map_err(|m| problems.push((field, m))).ok(),
        None => None,
    };
    let since = date("since", &f.since, &mut problems);
    let until = date("until", &f.until, &mut problems);
    if !problems.is_empty() {
        let label = format!("{} {} → {}", f.kind, f.from, f.to);
        return Err(problems
            .into_iter()
            .map(|(field, m)| Problem {
                record: RecordRef { section: Section::Relations, origin, label: label.clone() },
                field: Some(field.to_string()),
                message: m,
            })
            .collect());
    }
    Ok(match (from, to, interest) {
        (Some(from), Some(to), Some(interest)) => {
            let mut r = Relation::new(from, to, interest);
            (r.since, r.until, r.origin) = (since, until, origin);
            let source = f.source.filter(|s| !s.trim().is_empty());
            r.meta = (source.is_some() || f.id.is_some() || !f.notes.is_empty())
                .then(|| Box::new(RelationMeta { source, id: f.id, notes: f.notes }));
            Some(r)
        }
        _ => None,
    })
}
