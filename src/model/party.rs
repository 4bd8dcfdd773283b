//! Parties: the holders and the held (docs/DOMAIN.md, "Parties"; the kinds follow p. 5 "а" and
//! p. 5¹ "а" of the Rules: the state, a region, a municipality, a citizen, a commercial or
//! nonprofit organization, an international organization, a foreign structure).

use super::InvalidValue;
use compact_str::CompactString;
use serde::Serialize;

use super::citizenships::Citizenships;
use super::country::Country;

/// Index of a party in its [`Graph`](super::Graph): a type of its own, so it cannot be mixed up
/// with a relation's index or a control-network node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PartyIdx(u32);

impl PartyIdx {
    /// The party at position `i` (graphs hold fewer than 2³² parties; the loaders refuse more).
    pub fn new(i: usize) -> PartyIdx {
        PartyIdx(i as u32)
    }

    /// Its position, for indexing per-party arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The raw number (for compact keys).
    pub fn raw(self) -> u32 {
        self.0
    }
}

/// Where a record came from in its input, for error messages and audit trails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Position of the record in its list (0-based).
    pub index: u32,
    /// Line in the input file (1-based), 0 when the format has no lines to speak of.
    pub line: u32,
}

/// What kind of person a party is, in the law's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A state (государство), by `country`.
    State,
    /// A constituent entity of the Russian Federation (субъект РФ).
    Region,
    /// A municipality (муниципальное образование).
    Municipality,
    /// A natural person (физическое лицо) with one or more citizenships.
    Person,
    /// A commercial organization (коммерческая организация): its holders are followed.
    Company,
    /// A nonprofit organization (некоммерческая организация).
    Nonprofit,
    /// An international organization (международная организация).
    InternationalOrg,
    /// A foreign structure without a legal entity: trust, fund, partnership.
    ForeignStructure,
    /// An undisclosed holder or free float.
    Unknown,
}

impl PartyKind {
    /// Every kind, in the order of docs/DOMAIN.md's table.
    pub const ALL: [PartyKind; 9] = [
        PartyKind::State,
        PartyKind::Region,
        PartyKind::Municipality,
        PartyKind::Person,
        PartyKind::Company,
        PartyKind::Nonprofit,
        PartyKind::InternationalOrg,
        PartyKind::ForeignStructure,
        PartyKind::Unknown,
    ];

    /// The input spelling: `state`, `company`, `international_org`, ...
    pub fn as_str(&self) -> &'static str {
        match self {
            PartyKind::State => "state",
            PartyKind::Region => "region",
            PartyKind::Municipality => "municipality",
            PartyKind::Person => "person",
            PartyKind::Company => "company",
            PartyKind::Nonprofit => "nonprofit",
            PartyKind::InternationalOrg => "international_org",
            PartyKind::ForeignStructure => "foreign_structure",
            PartyKind::Unknown => "unknown",
        }
    }

    /// Parses the input spelling.
    pub fn parse(text: &str) -> Result<PartyKind, InvalidValue> {
        PartyKind::ALL.iter().copied().find(|k| k.as_str() == text).ok_or_else(|| {
            let all: Vec<&str> = PartyKind::ALL.iter().map(|k| k.as_str()).collect();
            InvalidValue(format!("unknown party kind \"{text}\" (expected one of: {})", all.join(", ")))
        })
    }

    /// A commercial organization, whose capital is followed through to its holders.
    pub fn is_company(&self) -> bool {
        matches!(self, PartyKind::Company)
    }

    /// An organization that can be controlled (p. 5¹ "а" speaks of legal entities).
    pub fn is_organization(&self) -> bool {
        matches!(self, PartyKind::Company | PartyKind::Nonprofit)
    }
}

/// A nonprofit's declared status "без преобладающего иностранного участия" (policy P3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeclaredStatus {
    /// Declared status for the Russian register (p. 5 "а").
    pub ru: Option<bool>,
    /// Declared status for the Eurasian register (p. 42 "а").
    pub eaeu: Option<bool>,
    /// What the declaration rests on (a charter, a register extract).
    pub reason: String,
}

/// One party of the ownership graph.
#[derive(Clone, Debug)]
pub struct Party {
    /// Unique id in the input (held in place when short, as most are).
    pub id: CompactString,
    /// Kind in the law's terms.
    pub kind: PartyKind,
    /// Full name (p. 4 "е": full name of a citizen or a legal entity).
    pub name: CompactString,
    /// Country of a state, company or nonprofit; RU for regions and municipalities.
    pub country: Option<Country>,
    /// Citizenships of a person (several for dual citizens, see policy P1).
    pub citizenship: Citizenships,
    /// Details most parties do not have, kept out of line so that millions of parties stay small.
    pub details: Option<Box<PartyDetails>>,
    /// Where the record is in its input.
    pub origin: Origin,
}

/// The p. 4 "е" details of a party and other rarely given fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyDetails {
    /// Taxpayer number (ИНН).
    pub inn: Option<String>,
    /// Primary state registration number (ОГРН).
    pub ogrn: Option<String>,
    /// Identity document of a citizen (p. 4 "е").
    pub document: Option<String>,
    /// Registered address of a citizen (p. 4 "е").
    pub address: Option<String>,
    /// A nonprofit's declared status, if the input gives one.
    pub declared: Option<DeclaredStatus>,
    /// Remarks carried from the input: warnings of an importer, data it could not map.
    pub notes: Vec<String>,
    /// A person without any citizenship (лицо без гражданства): not Russian, foreign for p. 5¹.
    pub stateless: bool,
    /// Where a person's citizenship (or statelessness) comes from, quoted in the reasons: a
    /// register record (`ЕГРЮЛ, ОГРН …, СвГраждФЛ КодГражд=2 ОКСМ=156`) or an assumption.
    pub citizenship_source: Option<String>,
}

impl Party {
    /// The name a reader is shown: the full name, or the id when the input gives none.
    pub fn reader_name(&self) -> &str {
        if self.name.trim().is_empty() { &self.id } else { &self.name }
    }

    /// The name and what tells parties of one name apart (ОГРН, else ИНН, else the id):
    /// `ООО «Альфа» (1027700000001)`.
    pub fn reader_label(&self) -> String {
        let key = self.ogrn().or(self.inn()).unwrap_or(&self.id);
        if self.name.trim().is_empty() || self.name == key { key.to_string() } else { format!("{} ({key})", self.name) }
    }

    /// Taxpayer number (ИНН).
    pub fn inn(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.inn.as_deref())
    }

    /// Primary state registration number (ОГРН).
    pub fn ogrn(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.ogrn.as_deref())
    }

    /// Identity document of a citizen.
    pub fn document(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.document.as_deref())
    }

    /// Registered address of a citizen.
    pub fn address(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.address.as_deref())
    }

    /// A nonprofit's declared status.
    pub fn declared(&self) -> Option<&DeclaredStatus> {
        self.details.as_ref().and_then(|d| d.declared.as_ref())
    }

    /// A person without any citizenship.
    pub fn is_stateless(&self) -> bool {
        self.kind == PartyKind::Person && self.details.as_ref().is_some_and(|d| d.stateless)
    }

    /// Where a person's citizenship comes from, when the input says.
    pub fn citizenship_source(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.citizenship_source.as_deref())
    }

    /// Remarks carried from the input.
    pub fn notes(&self) -> &[String] {
        self.details.as_ref().map(|d| d.notes.as_slice()).unwrap_or(&[])
    }

    /// The details, created empty on first use.
    pub fn details_mut(&mut self) -> &mut PartyDetails {
        self.details.get_or_insert_with(Default::default)
    }

    /// A party with only the required fields set.
    pub fn new(id: impl Into<CompactString>, kind: PartyKind) -> Party {
        let id = id.into();
        Party {
            name: id.clone(),
            id,
            kind,
            country: None,
            citizenship: Citizenships::new(),
            details: None,
            origin: Origin::default(),
        }
    }

    /// A person with a Russian citizenship (whatever else they hold).
    pub fn is_russian_citizen(&self) -> bool {
        self.kind == PartyKind::Person && self.citizenship.iter().any(Country::is_russia)
    }

    /// A person holding Russian and at least one other citizenship (policy P1).
    pub fn is_dual_citizen(&self) -> bool {
        self.is_russian_citizen() && self.citizenship.iter().any(|c| !c.is_russia())
    }

    /// The checks a single record must pass whatever else the graph holds: a country where the
    /// kind needs one, regions and municipalities in Russia, persons with a citizenship.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.kind {
            PartyKind::State | PartyKind::Company | PartyKind::Nonprofit if self.country.is_none() => {
                problems.push(format!("a {} needs a \"country\"", self.kind.as_str()));
            }
            PartyKind::Region | PartyKind::Municipality => {
                if let Some(c) = self.country.filter(|c| !c.is_russia()) {
                    problems.push(format!(
                        "a {} is a part of the Russian Federation; country {c} is not allowed (omit it or write RU)",
                        self.kind.as_str()
                    ));
                }
            }
            PartyKind::Person if self.citizenship.is_empty() && !self.is_stateless() => {
                problems.push(
                    "a person needs at least one \"citizenship\" (ISO codes; use kind \"unknown\" if it is not known, \"stateless\": true for a person without one)"
                        .into(),
                );
            }
            PartyKind::Person if self.is_stateless() && !self.citizenship.is_empty() => {
                problems.push("a stateless person has no \"citizenship\"".into());
            }
            _ => {}
        }
        if self.kind != PartyKind::Person && !self.citizenship.is_empty() {
            problems.push(format!("\"citizenship\" is for persons, not for a {}", self.kind.as_str()));
        }
        if self.details.as_ref().is_some_and(|d| d.stateless) && self.kind != PartyKind::Person {
            problems.push(format!("\"stateless\" is for persons, not for a {}", self.kind.as_str()));
        }
        if self.declared().is_some() && self.kind != PartyKind::Nonprofit {
            problems.push(format!("\"declared\" status is for nonprofits, not for a {}", self.kind.as_str()));
        }
        if self.id.trim().is_empty() {
            problems.push("the id is empty".into());
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_party_takes_80_bytes() {
        // Id and name held in place (24 bytes each), the out-of-line details and the origin (8
        // each), the citizenships (7), the country (3) and the kind (1): 7.8 M parties at 3.5 M
        // companies.
        assert_eq!(std::mem::size_of::<super::Party>(), 80);
    }
}
