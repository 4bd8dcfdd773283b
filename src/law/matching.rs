//! Who a declared holder is: an applicant's disclosure (p. 10 "б") names each owner as p. 4 "е"
//! describes them, by name, INN or OGRN; the council has to find that owner in the ownership
//! graph. A holder is matched by id, then INN, then OGRN, then name, in that order; the first
//! step that finds anyone decides. Several parties at that step is an ambiguity to report,
//! never a guess.
//!
//! Names are compared ignoring case, ё/е, quotes (`«»"'„“`), punctuation and the words of a
//! legal form (ООО, АО, ПАО, ЗАО, ОАО, LLC, Ltd, Inc, GmbH, ... and their spelled-out Russian
//! forms), so that `ООО «Ромашка»`, `"Ромашка" LLC` and `ромашка` are one name. "Российская
//! Федерация" and "РФ" name the Russian state.

use std::cell::OnceCell;
use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Graph, PartyIdx, PartyKind};

/// Which detail matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The party id, exactly.
    Id,
    /// The taxpayer number (ИНН).
    Inn,
    /// The state registration number (ОГРН).
    Ogrn,
    /// The name, normalized.
    Name,
}

impl MatchedBy {
    /// The spelling in JSON and messages.
    pub fn as_str(&self) -> &'static str {
        match self {
            MatchedBy::Id => "id",
            MatchedBy::Inn => "inn",
            MatchedBy::Ogrn => "ogrn",
            MatchedBy::Name => "name",
        }
    }
}

/// The outcome of looking a declared holder up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolderMatch {
    /// Exactly one party.
    Found(PartyIdx, MatchedBy),
    /// Several parties at the same step.
    Ambiguous(MatchedBy, Vec<PartyIdx>),
    /// Nobody.
    NotFound,
}

/// Legal-form phrases, normalized and split into words, removed before names are compared.
const FORM_PHRASES: &[&[&str]] = &[
    &["общество", "с", "ограниченной", "ответственностью"],
    &["непубличное", "акционерное", "общество"],
    &["публичное", "акционерное", "общество"],
    &["закрытое", "акционерное", "общество"],
    &["открытое", "акционерное", "общество"],
    &["акционерное", "общество"],
    &["автономная", "некоммерческая", "организация"],
    &["limited", "liability", "company"],
];

/// Legal-form words, normalized, removed before names are compared.
const FORM_WORDS: &[&str] = &[
    "ооо",
    "ао",
    "пао",
    "зао",
    "оао",
    "нао",
    "ано",
    "нко",
    "llc",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "gmbh",
    "ag",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "plc",
    "llp",
    "lp",
    "bv",
    "nv",
    "sa",
];

/// Names of the Russian Federation, normalized.
const RUSSIA: &[&str] = &["российская федерация", "рф", "russian federation", "russia", "россия"];

/// A name as compared: lower case, ё as е, quotes and punctuation gone, legal-form words
/// removed, single spaces. Empty when nothing but a legal form was written.
pub fn normalize_name(name: &str) -> String {
    let lowered: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let words: Vec<&str> = lowered.split_whitespace().collect();
    let mut out = String::with_capacity(lowered.len());
    let mut i = 0;
    while i < words.len() {
        if let Some(phrase) = FORM_PHRASES.iter().find(|p| words[i..].starts_with(p)) {
            i += phrase.len();
            continue;
        }
        if !FORM_WORDS.contains(&words[i]) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(words[i]);
        }
        i += 1;
    }
    out
}

/// A registry number as written (`7701234567`, `ИНН 7701 234567`, `OGRN: 1027700000000`): its
/// digits, when the text is nothing else.
fn registry_number(text: &str) -> Option<String> {
    let lower = text.trim().to_lowercase();
    let mut rest = lower.as_str();
    for label in ["огрнип", "огрн", "инн", "ogrnip", "ogrn", "inn"] {
        if let Some(r) = rest.strip_prefix(label) {
            rest = r;
            break;
        }
    }
    let rest = rest.trim_start_matches([':', '№', ' ']);
    let digits: String = rest.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The parties of a graph indexed by INN, OGRN and normalized name. Each index is built the
/// first time a lookup needs it (a declaration that names every holder by id needs none).
pub struct PartyIndex<'g> {
    graph: &'g Graph,
    registry: OnceCell<(Keyed, Keyed)>,
    names: OnceCell<Keyed>,
}

type Keyed = HashMap<String, Vec<PartyIdx>>;

fn push(map: &mut Keyed, key: String, p: PartyIdx) {
    if key.is_empty() {
        return;
    }
    let v = map.entry(key).or_default();
    if !v.contains(&p) {
        v.push(p);
    }
}

impl<'g> PartyIndex<'g> {
    /// An index over every party of `graph`; O(parties) at the first lookup by INN, OGRN or name.
    pub fn new(graph: &'g Graph) -> PartyIndex<'g> {
        PartyIndex { graph, registry: OnceCell::new(), names: OnceCell::new() }
    }

    fn registry(&self) -> &(Keyed, Keyed) {
        self.registry.get_or_init(|| {
            let (mut inn, mut ogrn) = (Keyed::new(), Keyed::new());
            for (i, p) in self.graph.parties().iter().enumerate() {
                if let Some(n) = p.inn().and_then(registry_number) {
                    push(&mut inn, n, PartyIdx::new(i));
                }
                if let Some(n) = p.ogrn().and_then(registry_number) {
                    push(&mut ogrn, n, PartyIdx::new(i));
                }
            }
            (inn, ogrn)
        })
    }

    fn names(&self) -> &Keyed {
        self.names.get_or_init(|| {
            let mut names = Keyed::new();
            for (i, p) in self.graph.parties().iter().enumerate() {
                let i = PartyIdx::new(i);
                push(&mut names, normalize_name(&p.name), i);
                push(&mut names, normalize_name(&p.id), i);
                if p.kind == PartyKind::State && p.country.is_some_and(|c| c.is_russia()) {
                    for r in RUSSIA {
                        push(&mut names, r.to_string(), i);
                    }
                }
            }
            names
        })
    }

    /// Finds the party a declared holder names.
    pub fn find(&self, holder: &str) -> HolderMatch {
        let holder = holder.trim();
        if let Some(p) = self.graph.lookup(holder) {
            return HolderMatch::Found(p, MatchedBy::Id);
        }
        if let Some(n) = registry_number(holder) {
            let (inn, ogrn) = self.registry();
            for (by, map) in [(MatchedBy::Inn, inn), (MatchedBy::Ogrn, ogrn)] {
                if let Some(m) = decide(by, map.get(&n)) {
                    return m;
                }
            }
        }
        decide(MatchedBy::Name, self.names().get(&normalize_name(holder))).unwrap_or(HolderMatch::NotFound)
    }
}

/// One party found, several, or none at this step (`None`: go on to the next).
fn decide(by: MatchedBy, hits: Option<&Vec<PartyIdx>>) -> Option<HolderMatch> {
    match hits.map(Vec::as_slice) {
        Some([p]) => Some(HolderMatch::Found(*p, by)),
        Some(ps) if ps.len() > 1 => Some(HolderMatch::Ambiguous(by, ps.to_vec())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json;

    #[test]
    fn names_ignore_case_yo_quotes_and_legal_forms() {
        assert_eq!(normalize_name("ООО «Ромашка»"), "ромашка");
        assert_eq!(normalize_name("\"Ромашка\" LLC"), "ромашка");
        assert_eq!(normalize_name("Общество с ограниченной ответственностью \"РОМАШКА\""), "ромашка");
        assert_eq!(normalize_name("Фёдоров  Пётр"), "федоров петр");
        assert_eq!(normalize_name("Acme Holdings Ltd."), "acme holdings");
        assert_eq!(normalize_name("ПАО"), "");
        assert_eq!(registry_number("ИНН 7701 234567").as_deref(), Some("7701234567"));
        assert_eq!(registry_number("OGRN: 1027700000000").as_deref(), Some("1027700000000"));
        assert_eq!(registry_number("Иванов"), None);
    }

    #[test]
    fn id_then_inn_then_ogrn_then_name_and_ambiguity_is_reported() {
        let g = json::parse(
            "g.json",
            r#"{"parties": [
                {"id": "T", "kind": "company", "country": "RU"},
                {"id": "rf", "kind": "state", "country": "RU", "name": "RF"},
                {"id": "a", "kind": "nonprofit", "country": "RU", "name": "АНО «Свет»", "inn": "7700000001", "ogrn": "1027700000001"},
                {"id": "b", "kind": "person", "citizenship": ["RU"], "name": "Фёдоров Пётр", "inn": "770000000002"},
                {"id": "c", "kind": "person", "citizenship": ["RU"], "name": "Федоров Петр"},
                {"id": "d", "kind": "person", "citizenship": ["RU"], "name": "7700000001"}
            ]}"#,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap();
        let ix = PartyIndex::new(&g);
        let id = |s: &str| g.lookup(s).unwrap();
        assert_eq!(ix.find("a"), HolderMatch::Found(id("a"), MatchedBy::Id));
        // The INN step comes before the name step: d's name is a's INN.
        assert_eq!(ix.find("ИНН 7700000001"), HolderMatch::Found(id("a"), MatchedBy::Inn));
        assert_eq!(ix.find("1027700000001"), HolderMatch::Found(id("a"), MatchedBy::Ogrn));
        assert_eq!(ix.find("\"Свет\""), HolderMatch::Found(id("a"), MatchedBy::Name));
        assert_eq!(ix.find("Российская Федерация"), HolderMatch::Found(id("rf"), MatchedBy::Name));
        assert_eq!(ix.find("ФЕДОРОВ ПЁТР"), HolderMatch::Ambiguous(MatchedBy::Name, vec![id("b"), id("c")]));
        assert_eq!(ix.find("Сидоров"), HolderMatch::NotFound);
    }
}
