//! One `СвЮЛ` read into a [`Record`]: the company, its founders as the parties of the law
//! (docs/DOMAIN.md, "Parties") with their shares, the persons who dispose of their votes, the
//! notes the import keeps, and the problems that make the record unusable (each naming its
//! element, line and column). Pure: the register of parties across records is built later.

use chrono::NaiveDate;

use super::oksm::{self, Oksm};
use super::xml::El;
use crate::fraction::Fraction;
use crate::model::{Country, DisposalBasis, PartyKind};

/// A party as one record describes it.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// Kind in the law's terms (a person whose citizenship the extract does not state is
    /// `Unknown` with `person` set).
    pub kind: Option<PartyKind>,
    /// Full name.
    pub name: String,
    /// Country of an organization or a state.
    pub country: Option<Country>,
    /// Citizenships of a person.
    pub citizenship: Vec<Country>,
    /// A person the extract says is stateless.
    pub stateless: bool,
    /// A natural person.
    pub person: bool,
    /// The extract states the person's citizenship (`СвГраждФЛ`).
    pub citizenship_known: bool,
    /// Where the citizenship comes from.
    pub citizenship_source: Option<String>,
    /// ОГРН.
    pub ogrn: Option<String>,
    /// ИНН.
    pub inn: Option<String>,
    /// Identity when there is no ОГРН or ИНН (`ФЛ:name`, `region-77`, ...).
    pub key: Option<String>,
    /// Remarks.
    pub notes: Vec<String>,
}

impl Spec {
    /// The identities by which two records name the same party.
    pub fn identities(&self) -> impl Iterator<Item = &str> {
        [self.ogrn.as_deref(), self.inn.as_deref(), self.key.as_deref()].into_iter().flatten()
    }
}

/// Someone who disposes of a founder's votes.
#[derive(Clone, Debug)]
pub struct Disposer {
    /// Who.
    pub who: Spec,
    /// On what basis.
    pub basis: DisposalBasis,
    /// Why, in words.
    pub note: String,
    /// Since when.
    pub since: Option<NaiveDate>,
    /// Where.
    pub at: At,
}

/// Where an element is: its path in the record, line and column.
#[derive(Clone, Debug, Default)]
pub struct At {
    /// `СвЮЛ/СвУчредит/УчрФЛ[2]`.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl At {
    fn of(el: &El, path: &str) -> At {
        At { path: path.to_string(), line: el.line, col: el.col }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {} column {}", self.path, self.line, self.col)
    }
}

/// A founder (participant).
#[derive(Clone, Debug)]
pub struct Founder {
    /// Who.
    pub holder: Spec,
    /// The share of the charter capital, when the extract gives or implies one.
    pub share: Option<Fraction>,
    /// Since when (`ГРНДатаПерв`).
    pub since: Option<NaiveDate>,
    /// Remarks on the holding.
    pub notes: Vec<String>,
    /// The extract marks the founder's data unreliable (`СвНедДанУчр`): the text.
    pub unreliable: Option<String>,
    /// Those who dispose of the founder's votes.
    pub disposers: Vec<Disposer>,
    /// Where.
    pub at: At,
}

/// The company's own share (treasury).
#[derive(Clone, Debug)]
pub struct Treasury {
    /// Its size.
    pub share: Fraction,
    /// Remarks.
    pub notes: Vec<String>,
    /// Since when.
    pub since: Option<NaiveDate>,
    /// Where.
    pub at: At,
}

/// One `СвЮЛ`, read.
#[derive(Clone, Debug)]
pub struct Record {
    /// ОГРН (or, lacking it, another key naming the record).
    pub ogrn: String,
    /// ИНН.
    pub inn: Option<String>,
    /// Full name.
    pub name: String,
    /// Commercial, nonprofit or international organization, by its ОКОПФ code.
    pub kind: PartyKind,
    /// `ДатаВып`: the date of the extract.
    pub extract_date: Option<NaiveDate>,
    /// Founders in document order.
    pub founders: Vec<Founder>,
    /// Treasury share.
    pub treasury: Option<Treasury>,
    /// Remarks on the company.
    pub notes: Vec<String>,
    /// What makes the record unusable, each naming its element.
    pub problems: Vec<String>,
    /// Where the record starts.
    pub at: At,
}

impl Record {
    /// A digest of the founders and their shares, to tell versions apart.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for f in &self.founders {
            f.holder.identities().for_each(|i| i.hash(&mut h));
            f.holder.name.hash(&mut h);
            f.share.as_ref().map(|s| s.to_string()).hash(&mut h);
        }
        self.treasury.as_ref().map(|t| t.share.to_string()).hash(&mut h);
        h.finish()
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn date_of(n: &El, element: &str) -> Option<NaiveDate> {
    n.child(element).and_then(|g| g.attr("ДатаЗаписи")).and_then(date)
}

fn person_name(fl: &El) -> String {
    ["Фамилия", "Имя", "Отчество"].iter().filter_map(|a| fl.attr(a)).collect::<Vec<_>>().join(" ")
}

/// The party kind an OKOPF code gives: 1 commercial (2 with 14100 cooperatives aside), 6
/// unitary enterprises (commercial); 2, 7 nonprofit; 5 international organization.
pub fn okopf_kind(code: &str) -> PartyKind {
    match code.trim().chars().next() {
        Some('2' | '7') => PartyKind::Nonprofit,
        Some('5') => PartyKind::InternationalOrg,
        _ => PartyKind::Company,
    }
}

/// Digits after the decimal point of a literal.
pub fn decimals(t: &str) -> u32 {
    t.split_once(['.', ',']).map(|(_, f)| f.trim().len() as u32).unwrap_or(0)
}

/// True when `v`, written with `k` decimals, is a rounding of `r`.
pub fn within(v: &Fraction, r: &Fraction, k: u32) -> bool {
    let diff = if v > r { v - r } else { r - v };
    let tol = &Fraction::one() / &Fraction::pow10(k);
    diff < tol
}

/// Reads one record.
struct Reader {
    problems: Vec<String>,
}

impl Reader {
    fn problem(&mut self, at: At, message: impl std::fmt::Display) {
        self.problems.push(format!("{at}: {message}"));
    }

    /// An organization named by a `НаимИННЮЛ`-like element.
    fn org(&mut self, n: &El, path: &str, country: Option<Country>, kind: PartyKind) -> Option<Spec> {
        let latin = n.attr("НаимПолн");
        let Some(name) = n.attr("НаимЮЛПолн").or(latin) else {
            self.problem(At::of(n, path), "the attribute НаимЮЛПолн (full name) is required");
            return None;
        };
        let ogrn = n.attr("ОГРН").map(str::to_string);
        let inn = n.attr("ИНН").map(str::to_string);
        let key = (ogrn.is_none() && inn.is_none()).then(|| format!("ЮЛ:{name}"));
        Some(Spec { kind: Some(kind), name: name.to_string(), country, ogrn, inn, key, ..Spec::default() })
    }

    /// A natural person: `СвФЛ` for the name and ИНН, `СвГраждФЛ` (a sibling) for citizenship.
    fn person(&mut self, holder: &El, path: &str, ogrn: &str) -> Option<Spec> {
        let Some(fl) = holder.child("СвФЛ") else {
            self.problem(At::of(holder, path), "СвФЛ (the person's name) is required");
            return None;
        };
        let name = person_name(fl);
        if name.is_empty() {
            self.problem(At::of(fl, &format!("{path}/СвФЛ")), "a natural person needs Фамилия or Имя");
            return None;
        }
        let inn = fl.attr("ИННФЛ").map(str::to_string);
        let key = inn.is_none().then(|| format!("ФЛ:{name}"));
        let mut spec = Spec { kind: Some(PartyKind::Unknown), name, inn, key, person: true, ..Spec::default() };
        if let Some(g) = holder.child("СвГраждФЛ") {
            let gpath = format!("{path}/СвГраждФЛ");
            let code = g.attr("КодГражд").unwrap_or("");
            let country_code = g.attr("ОКСМ");
            let country_name = g.attr("НаимСтран");
            let grn = g.child("ГРНДата").and_then(|d| {
                Some(format!(", запись ГРН {} от {}", d.attr("ГРН")?, d.attr("ДатаЗаписи").unwrap_or("?")))
            });
            let mut source = format!("ЕГРЮЛ, ОГРН {ogrn}, {gpath}: КодГражд {code}");
            if let Some(c) = country_code {
                source.push_str(&format!(", ОКСМ {c}"));
            }
            if let Some(n) = country_name {
                source.push_str(&format!(" ({n})"));
            }
            source.push_str(&grn.unwrap_or_default());
            match code {
                "1" => {
                    spec.kind = Some(PartyKind::Person);
                    spec.citizenship = vec![Country::RU];
                }
                "2" => match country_code.map(|c| (c, oksm::lookup(c))) {
                    Some((_, Some(Oksm::Country(c)))) if !c.is_russia() => {
                        spec.kind = Some(PartyKind::Person);
                        spec.citizenship = vec![c];
                    }
                    Some((c, Some(Oksm::Country(_)))) => {
                        self.problem(
                            At::of(g, &gpath),
                            format!("КодГражд 2 (a foreign citizen) with ОКСМ {c}, the Russian Federation"),
                        );
                        return None;
                    }
                    Some((c, Some(Oksm::NotInIso(state)))) => {
                        spec.notes.push(format!(
                            "иностранный гражданин: {state} (ОКСМ {c}) не имеет кода ISO 3166-1; лицо учтено как нераскрытое"
                        ));
                    }
                    Some((c, None)) => {
                        self.problem(At::of(g, &gpath), format!("ОКСМ \"{c}\" is not a country code of ОКСМ"));
                        return None;
                    }
                    None => spec.notes.push(
                        "иностранный гражданин, страна не указана (нет ОКСМ): лицо учтено как нераскрытое".into(),
                    ),
                },
                "3" => {
                    spec.kind = Some(PartyKind::Person);
                    spec.stateless = true;
                }
                other => {
                    self.problem(
                        At::of(g, &gpath),
                        format!("КодГражд must be 1 (RF), 2 (foreign) or 3 (stateless), found \"{other}\""),
                    );
                    return None;
                }
            }
            spec.citizenship_known = true;
            spec.citizenship_source = Some(source);
        }
        Some(spec)
    }

    /// The share of a `ДоляУстКап`-like element, exactly; `capital` is the charter capital.
    fn share(
        &mut self,
        dolya: &El,
        path: &str,
        capital: Option<&Fraction>,
        notes: &mut Vec<String>,
    ) -> Option<Fraction> {
        let nominal = match dolya.attr("НоминСтоим") {
            Some(t) => match Fraction::parse(t) {
                Ok(f) if !f.is_negative() => Some(f),
                _ => {
                    self.problem(At::of(dolya, path), format!("НоминСтоим: \"{t}\" is not a nominal value in roubles"));
                    return None;
                }
            },
            None => None,
        };
        let ratio = match (&nominal, capital) {
            (Some(n), Some(c)) if c.is_positive() => Some(n / c),
            _ => None,
        };
        let stated: Option<(Fraction, Option<u32>)> = match dolya.child("РазмерДоли") {
            None => None,
            Some(size) => {
                let spath = format!("{path}/РазмерДоли");
                if let Some(p) = size.child("Процент") {
                    let t = p.text();
                    match Fraction::parse(t) {
                        Ok(f) => Some((&f / &Fraction::new(100, 1), Some(decimals(t) + 2))),
                        Err(_) => {
                            self.problem(
                                At::of(p, &format!("{spath}/Процент")),
                                format!("\"{t}\" is not a percentage"),
                            );
                            return None;
                        }
                    }
                } else if let Some(d) = size.child("ДробДесят") {
                    let t = d.text();
                    match Fraction::parse(t) {
                        Ok(f) => Some((f, Some(decimals(t)))),
                        Err(_) => {
                            self.problem(
                                At::of(d, &format!("{spath}/ДробДесят")),
                                format!("\"{t}\" is not a decimal fraction"),
                            );
                            return None;
                        }
                    }
                } else if let Some(p) = size.child("ДробПрост") {
                    let at = At::of(p, &format!("{spath}/ДробПрост"));
                    let whole = |name: &str| -> Result<i64, String> {
                        match p.attr(name) {
                            None => Err(format!("the attribute {name} is missing")),
                            Some(t) => t.parse::<i64>().map_err(|_| format!("{name}: \"{t}\" is not a whole number")),
                        }
                    };
                    match (whole("Числит"), whole("Знаменат")) {
                        (Ok(n), Ok(d)) if n >= 0 && d > 0 => Some((Fraction::new(n, d), None)),
                        (Ok(_), Ok(d)) => {
                            let m = if d <= 0 {
                                "Знаменат must be above 0"
                            } else {
                                "Числит must not be negative"
                            };
                            self.problem(at, m);
                            return None;
                        }
                        (n, d) => {
                            for m in [n.err(), d.err()].into_iter().flatten() {
                                self.problem(at.clone(), m);
                            }
                            return None;
                        }
                    }
                } else {
                    self.problem(At::of(size, &spath), "expected Процент, ДробДесят or ДробПрост");
                    return None;
                }
            }
        };
        let value = match (stated, ratio) {
            (Some((v, Some(k))), Some(r)) if v != r && within(&v, &r, k) => {
                notes.push(format!(
                    "доля в выписке округлена ({} %); точная доля по номинальной стоимости: {r}",
                    v.percent(6)
                ));
                r
            }
            (Some((v, _)), _) => v,
            (None, Some(r)) => {
                notes.push(format!(
                    "размер доли не указан: доля вычислена как номинальная стоимость / уставный капитал = {r}"
                ));
                r
            }
            (None, None) => {
                notes.push("размер доли не указан, и вычислить его не из чего".into());
                return None;
            }
        };
        if value > Fraction::one() || value.is_negative() {
            self.problem(At::of(dolya, path), format!("the share {value} is not between 0 and 1"));
            return None;
        }
        Some(value)
    }

    /// Notes a founder's element carries: pledges, the scope of rights, a pledge manager.
    fn founder_notes(&mut self, f: &El, notes: &mut Vec<String>) {
        for ob in f.children("СвОбрем") {
            let kind = ob.attr("ВидОбрем").unwrap_or("обременение");
            let holder = ob
                .child("СвЗалогДержФЛ")
                .and_then(|z| z.child("СвФЛ"))
                .map(|fl| {
                    let inn = fl.attr("ИННФЛ").map(|i| format!(", ИНН {i}")).unwrap_or_default();
                    format!("{}{inn}", person_name(fl))
                })
                .or_else(|| {
                    ob.child("СвЗалогДержЮЛ").and_then(|z| z.child("НаимИННЮЛ")).map(|ul| {
                        let ogrn = ul.attr("ОГРН").map(|o| format!(", ОГРН {o}")).unwrap_or_default();
                        format!("{}{ogrn}", ul.attr("НаимЮЛПолн").unwrap_or_default())
                    })
                });
            let term = ob.attr("СрокОбременения").map(|s| format!(", срок: {s}")).unwrap_or_default();
            let mut n = match holder {
                Some(h) => format!("доля обременена: {kind}, залогодержатель {h}{term}"),
                None => format!("доля обременена: {kind}{term}"),
            };
            if kind == "ЗАЛОГ" {
                n.push_str(
                    "; залогодержатель голосует, только если так предусматривает договор залога (добавьте vote_disposal с основанием pledge)",
                );
            }
            notes.push(n);
        }
        for u in f.children("СвУправЗал") {
            let who = u
                .child("СвУпрЗалФЛ")
                .and_then(|z| z.child("СвФЛ"))
                .map(person_name)
                .or_else(|| {
                    u.child("СвУпрЗалЮЛ")
                        .and_then(|z| z.child("НаимИННЮЛ"))
                        .and_then(|n| n.attr("НаимЮЛПолн"))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "не назван".into());
            notes.push(format!("управляющий залогом: {who} (права залогодержателя по договору управления залогом)"));
        }
        for o in f.children("СвОбъемПрав") {
            if let Some(v) = o.attr("ОбъемПрав") {
                notes.push(format!("объём прав участника по ЕГРЮЛ: {v}"));
            }
        }
    }

    /// Trust managers and the manager of an inherited share.
    fn disposers(&mut self, f: &El, fpath: &str, ogrn: &str) -> Vec<Disposer> {
        let mut found = Vec::new();
        let trust = "доверительный управляющий долей (доверительное управление)";
        for t in f.children("СвДовУпрФЛ") {
            let tpath = format!("{fpath}/СвДовУпрФЛ");
            if let Some(p) = self.person(t, &tpath, ogrn) {
                let since = date_of(t, "ГРНДатаПерв");
                found.push(Disposer {
                    who: p,
                    basis: DisposalBasis::TrustManagement,
                    note: trust.into(),
                    since,
                    at: At::of(t, &tpath),
                });
            }
        }
        for t in f.children("СвДовУпрЮЛ") {
            let tpath = format!("{fpath}/СвДовУпрЮЛ");
            let Some(d) = t.child("НаимИННДовУпр").or_else(|| t.child("НаимИННЮЛ")) else {
                self.problem(At::of(t, &tpath), "НаимИННДовУпр (the trustee) is required");
                continue;
            };
            let country = match t.child("СвРегИн").and_then(|r| r.attr("ОКСМ")).map(oksm::lookup) {
                Some(Some(Oksm::Country(c))) => Some(c),
                Some(_) => None,
                None => Some(Country::RU),
            };
            let kind = if country.is_some() { PartyKind::Company } else { PartyKind::Unknown };
            if let Some(p) = self.org(d, &format!("{tpath}/{}", d.name), country, kind) {
                let since = date_of(t, "ГРНДатаПерв");
                found.push(Disposer {
                    who: p,
                    basis: DisposalBasis::TrustManagement,
                    note: trust.into(),
                    since,
                    at: At::of(t, &tpath),
                });
            }
        }
        for l in f.children("ЛицоУпрНасл") {
            let lpath = format!("{fpath}/ЛицоУпрНасл");
            if let Some(p) = self.person(l, &lpath, ogrn) {
                let when = l.attr("ДатаОткрНасл").map(|d| format!(" (наследство открыто {d})")).unwrap_or_default();
                found.push(Disposer {
                    who: p,
                    basis: DisposalBasis::Other,
                    note: format!("управляет долей, переходящей по наследству{when}"),
                    since: date_of(l, "ГРНДатаПерв"),
                    at: At::of(l, &lpath),
                });
            }
        }
        found
    }

    /// The Russian Federation, a region or a municipality; one without a name is named from
    /// the codes the record has.
    fn public_founder(&mut self, f: &El, fpath: &str, notes: &mut Vec<String>) -> Option<Spec> {
        let Some(vid) = f.child("ВидНаимУчр") else {
            self.problem(At::of(f, fpath), "ВидНаимУчр is required");
            return None;
        };
        let at = At::of(vid, &format!("{fpath}/ВидНаимУчр"));
        let region = vid.attr("КодРегион");
        let region_name = vid.attr("НаимРегион");
        let bodies: Vec<(String, Option<String>)> = f
            .children("СвОргОсущПр")
            .filter_map(|o| o.child("НаимИННЮЛ"))
            .filter_map(|n| Some((n.attr("НаимЮЛПолн")?.to_string(), n.attr("ОГРН").map(str::to_string))))
            .chain(f.children("СвФЛОсущПр").filter_map(|o| o.child("СвФЛ")).map(|fl| (person_name(fl), None)))
            .collect();
        for (name, ogrn) in &bodies {
            let o = ogrn.as_ref().map(|o| format!(" (ОГРН {o})")).unwrap_or_default();
            notes.push(format!("права участника осуществляет {name}{o}"));
        }
        let (kind, name, key, extra) = match vid.attr("КодУчрРФСубМО") {
            Some("1") => (PartyKind::State, "Российская Федерация".to_string(), "RU".to_string(), None),
            Some("2") => match (region, region_name) {
                (Some(code), name) => (
                    PartyKind::Region,
                    name.map(str::to_string).unwrap_or_else(|| format!("субъект Российской Федерации с кодом {code}")),
                    format!("region-{code}"),
                    None,
                ),
                (None, Some(name)) => (PartyKind::Region, name.to_string(), format!("region-{name}"), None),
                (None, None) => {
                    self.problem(at, "a region (КодУчрРФСубМО 2) needs КодРегион or НаимРегион");
                    return None;
                }
            },
            Some("3") => match vid.attr("НаимМО") {
                Some(mo) => (
                    PartyKind::Municipality,
                    mo.to_string(),
                    format!("municipality-{}-{mo}", region.unwrap_or("")),
                    None,
                ),
                None => {
                    // Named from the codes: the region, and the body exercising the rights,
                    // which tells municipalities of one region apart.
                    let Some(code) = region.or(region_name) else {
                        self.problem(at, "a municipality (КодУчрРФСубМО 3) needs НаимМО, КодРегион or НаимРегион");
                        return None;
                    };
                    let place = match (region, region_name) {
                        (Some(c), Some(n)) => format!("{n}, код региона {c}"),
                        (Some(c), None) => format!("код региона {c}"),
                        (None, Some(n)) => n.to_string(),
                        (None, None) => String::new(),
                    };
                    let body = bodies.first();
                    let by = body.map(|(n, _)| format!("; права осуществляет {n}")).unwrap_or_default();
                    let body_key = body.map(|(n, o)| o.clone().unwrap_or_else(|| n.clone())).unwrap_or_default();
                    (
                        PartyKind::Municipality,
                        format!("муниципальное образование ({place}{by})"),
                        format!("municipality-{code}-{body_key}"),
                        Some(
                            "наименование муниципального образования в ЕГРЮЛ не указано (нет НаимМО): названо по коду региона и органу, осуществляющему права",
                        ),
                    )
                }
            },
            other => {
                self.problem(at, format!("КодУчрРФСубМО must be 1, 2 or 3, found {}", other.unwrap_or("nothing")));
                return None;
            }
        };
        let mut spec = Spec { kind: Some(kind), name, country: Some(Country::RU), key: Some(key), ..Spec::default() };
        spec.notes.extend(extra.map(str::to_string));
        Some(spec)
    }

    /// A unit investment fund: its unit holders are not in the register.
    fn fund(&mut self, f: &El, fpath: &str) -> Option<Spec> {
        let Some(name) = f.child("СвНаимПИФ").and_then(|n| n.attr("НаимПИФ")) else {
            self.problem(At::of(f, fpath), "СвНаимПИФ/@НаимПИФ is required");
            return None;
        };
        Some(Spec {
            kind: Some(PartyKind::Unknown),
            name: name.to_string(),
            key: Some(format!("ПИФ:{name}")),
            notes: vec![
                "паевой инвестиционный фонд: владельцы паёв не раскрыты в ЕГРЮЛ; голосами распоряжается управляющая компания".into(),
            ],
            ..Spec::default()
        })
    }

    /// An investment partnership: its partners are not in the register.
    fn partnership(&mut self, f: &El, fpath: &str) -> Option<Spec> {
        let contract = f.child("ИнПрДогИнвТов");
        let label = contract
            .map(|c| ["НаимДог", "НомерДог", "Дата"].iter().filter_map(|a| c.attr(a)).collect::<Vec<_>>().join(", "))
            .filter(|s| !s.is_empty());
        let Some(label) = label else {
            self.problem(At::of(f, fpath), "ИнПрДогИнвТов (the partnership agreement) is required");
            return None;
        };
        Some(Spec {
            kind: Some(PartyKind::Unknown),
            name: format!("инвестиционное товарищество (договор {label})"),
            key: Some(format!("ИнвТов:{label}")),
            notes: vec![
                "инвестиционное товарищество: товарищи не раскрыты в ЕГРЮЛ; голосами распоряжается управляющий товарищ"
                    .into(),
            ],
            ..Spec::default()
        })
    }
}

/// Reads one `СвЮЛ`; `path` names it (`СвЮЛ`, `СвЮЛ[3]`). Never fails: what cannot be used is
/// in [`Record::problems`].
pub fn read(ul: &El, path: &str) -> Record {
    let mut r = Reader { problems: Vec::new() };
    let at = At::of(ul, path);
    let ogrn = ul.attr("ОГРН").map(str::to_string);
    let inn = ul.attr("ИНН").map(str::to_string);
    if ogrn.is_none() {
        r.problem(at.clone(), "the attribute ОГРН of СвЮЛ is required");
    }
    let key = ogrn.clone().or(inn.clone()).unwrap_or_else(|| path.to_string());
    let name = match ul.child("СвНаимЮЛ").and_then(|n| n.attr("НаимЮЛПолн")) {
        Some(n) => n.to_string(),
        None => {
            r.problem(at.clone(), "СвНаимЮЛ/@НаимЮЛПолн (the full name) is required");
            key.clone()
        }
    };
    let okopf = ul.attr("КодОПФ").map(str::to_string);
    let kind = match (ul.attr("СпрОПФ"), okopf.as_deref()) {
        (Some("ОКОПФ"), Some(code)) => okopf_kind(code),
        (None, Some(code)) => okopf_kind(code),
        _ => PartyKind::Company,
    };
    let mut notes = Vec::new();
    if matches!(okopf.as_deref(), Some("12267" | "12247" | "12200")) {
        notes.push(
            "акционерное общество: ЕГРЮЛ называет учредителей (и единственного акционера), но не нынешних акционеров; их даёт реестр акционеров".into(),
        );
    }
    if let Some(p) = ul.child("СвПрекрЮЛ") {
        let when = p.attr("ДатаПрекрЮЛ").unwrap_or("?");
        notes.push(format!("юридическое лицо прекратило деятельность {when}"));
    }
    let capital = ul.child("СвУстКап").and_then(|c| c.attr("СумКап")).and_then(|s| Fraction::parse(s).ok());
    let mut record = Record {
        ogrn: key.clone(),
        inn,
        name,
        kind,
        extract_date: ul.attr("ДатаВып").and_then(date),
        founders: Vec::new(),
        treasury: None,
        notes,
        problems: Vec::new(),
        at,
    };
    if let Some(d) = ul.child("СвДоляООО") {
        let tpath = format!("{path}/СвДоляООО");
        let mut notes = vec!["доля, принадлежащая самому обществу (казначейская)".to_string()];
        if let Some(share) = r.share(d, &tpath, capital.as_ref(), &mut notes) {
            record.treasury =
                Some(Treasury { share, notes, since: date_of(d, "ГРНДата"), at: At::of(d, &tpath) });
        }
    }
    let Some(uch) = ul.child("СвУчредит") else {
        record.problems = r.problems;
        return record;
    };
    let upath = format!("{path}/СвУчредит");
    let mut counters: Vec<(&str, usize)> = Vec::new();
    for f in &uch.children {
        let tag: &str = &f.name;
        let k = match counters.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, k)) => {
                *k += 1;
                *k
            }
            None => {
                counters.push((tag, 1));
                1
            }
        };
        let fpath = format!("{upath}/{tag}[{k}]");
        let mut notes = Vec::new();
        let mut disposers = Vec::new();
        let holder = match tag {
            "УчрЮЛРос" => match f.child("НаимИННЮЛ") {
                Some(n) => r.org(n, &format!("{fpath}/НаимИННЮЛ"), Some(Country::RU), PartyKind::Company),
                None => {
                    r.problem(At::of(f, &fpath), "НаимИННЮЛ is required");
                    None
                }
            },
            "УчрЮЛИн" => {
                let reg_in = f.child("СвРегИн");
                let latin = f.child("СвНаимЮЛПолнИн").and_then(|n| n.attr("НаимПолн"));
                let (kind, country, note) = match reg_in.and_then(|x| x.attr("ОКСМ")) {
                    Some(code) => match oksm::lookup(code) {
                        Some(Oksm::Country(c)) => (PartyKind::Company, Some(c), None),
                        Some(Oksm::NotInIso(state)) => (
                            PartyKind::Unknown,
                            None,
                            Some(format!(
                                "иностранное юридическое лицо: {state} (ОКСМ {code}) не имеет кода ISO 3166-1"
                            )),
                        ),
                        None => {
                            let at = At::of(reg_in.unwrap_or(f), &format!("{fpath}/СвРегИн"));
                            r.problem(at, format!("ОКСМ \"{code}\" is not a country code of ОКСМ"));
                            continue;
                        }
                    },
                    None => (
                        PartyKind::Unknown,
                        None,
                        Some("иностранное юридическое лицо: страна регистрации не указана в выписке".to_string()),
                    ),
                };
                match f.child("НаимИННЮЛ").or_else(|| f.child("СвНаимЮЛПолнИн")) {
                    Some(n) => r.org(n, &format!("{fpath}/{}", n.name), country, kind).map(|mut s| {
                        s.notes.extend(note);
                        if let Some(l) = latin.filter(|l| *l != s.name) {
                            s.notes.push(format!("наименование латиницей: {l}"));
                        }
                        if let Some(num) = reg_in.and_then(|x| x.attr("РегНомер")) {
                            let c = country.map(|c| format!(" ({c})")).unwrap_or_default();
                            s.notes.push(format!("регистрационный номер в стране регистрации{c}: {num}"));
                        }
                        s
                    }),
                    None => {
                        r.problem(At::of(f, &fpath), "НаимИННЮЛ is required");
                        None
                    }
                }
            }
            "УчрФЛ" => r.person(f, &fpath, &key),
            "УчрРФСубМО" => r.public_founder(f, &fpath, &mut notes),
            "УчрПИФ" => {
                let fund = r.fund(f, &fpath);
                let upath = format!("{fpath}/СвУпрКомпПИФ/УпрКомпПиф");
                if let Some(uk) = f.child("СвУпрКомпПИФ").and_then(|u| u.child("УпрКомпПиф"))
                    && let Some(m) = r.org(uk, &upath, Some(Country::RU), PartyKind::Company)
                {
                    let fund_name = fund.as_ref().map(|s| s.name.clone()).unwrap_or_default();
                    disposers.push(Disposer {
                        who: m,
                        basis: DisposalBasis::TrustManagement,
                        note: format!("управляющая компания {fund_name}: доверительное управление"),
                        since: date_of(f, "ГРНДатаПерв"),
                        at: At::of(uk, &upath),
                    });
                }
                fund
            }
            "УчрДогИнвТов" => {
                let p = r.partnership(f, &fpath);
                let mpath = format!("{fpath}/СвУпТовЮЛ");
                if let Some(m) = f.child("СвУпТовЮЛ") {
                    let named = m.child("НаимИННЮЛ").unwrap_or(m);
                    if let Some(spec) = r.org(named, &mpath, Some(Country::RU), PartyKind::Company) {
                        disposers.push(Disposer {
                            who: spec,
                            basis: DisposalBasis::SimplePartnership,
                            note: "управляющий товарищ инвестиционного товарищества (ведёт общие дела товарищей)"
                                .into(),
                            since: date_of(f, "ГРНДатаПерв"),
                            at: At::of(m, &mpath),
                        });
                    }
                }
                p
            }
            "ГРНДата" | "ГРНДатаИспр" => continue,
            other => {
                record.notes.push(format!("элемент {upath}/{other} не разобран: учредитель не учтён"));
                continue;
            }
        };
        let Some(holder) = holder else { continue };
        r.founder_notes(f, &mut notes);
        disposers.extend(r.disposers(f, &fpath, &key));
        let unreliable = f.children("СвНедДанУчр").next().map(|ned| {
            let text = ned.attr("ТекстНедДанУчр").unwrap_or("сведения недостоверны");
            let sign = ned.attr("ПризнНедДанУчр").map(|p| format!(" (признак {p})")).unwrap_or_default();
            let when = date_of(ned, "ГРНДата").map(|d| format!(", запись от {d}")).unwrap_or_default();
            format!("ЕГРЮЛ: {text}{sign}{when}")
        });
        let share = match f.child("ДоляУстКап") {
            Some(d) => r.share(d, &format!("{fpath}/ДоляУстКап"), capital.as_ref(), &mut notes),
            None => {
                notes.push("размер доли не указан".into());
                None
            }
        };
        record.founders.push(Founder {
            holder,
            share,
            since: date_of(f, "ГРНДатаПерв"),
            notes,
            unreliable,
            disposers,
            at: At::of(f, &fpath),
        });
    }
    record.problems = r.problems;
    record
}
