//! EGRUL extracts (XML of the Federal Tax Service, format `docs/formats/egrul.xsd`): the
//! founders (participants) of each legal entity, `СвЮЛ/СвУчредит`, with their shares of the
//! charter capital, as the parties and relations of docs/DOMAIN.md (the holders of p. 5 "а" and the
//! vote disposal of p. 5¹ "а"). Several extracts, one per company of a chain, merge into one
//! graph: a party is the same when its OGRN, else its INN, is.
//!
//! - `УчрЮЛРос` → a Russian company (a nonprofit when its own extract has an OKOPF code of a
//!   nonprofit); `УчрЮЛИн` → a company of the country of `СвРегИн/@ОКСМ`;
//! - `УчрФЛ` → a natural person. The extract does not state citizenship: the person is an
//!   unknown holder unless [`Options::assume_citizenship`] gives one. `СвДовУпрФЛ` /
//!   `СвДовУпрЮЛ` → the trustee disposes of the participant's votes (basis trust_management);
//!   `ЛицоУпрНасл` → the manager of an inherited share disposes of them (basis other);
//! - `УчрРФСубМО` → the Russian Federation, a region or a municipality by `КодУчрРФСубМО`;
//! - `УчрПИФ` → the unit investment fund as an unknown holder (its unit holders are not in the
//!   register), its management company disposing of the votes in trust management;
//! - the share `ДоляУстКап/РазмерДоли` as `Процент`, `ДробДесят` or `ДробПрост` exactly; without
//!   it, or when a decimal is a rounding of it, the nominal value over the charter capital;
//! - `СвДоляООО` (the company's own share) → treasury; pledges `СвОбрем` and data marked
//!   unreliable `СвНедДанУчр` → notes on the relation (a pledgee votes only under a vote
//!   disposal with basis pledge, which the extract does not show).

use std::collections::HashMap;

use chrono::NaiveDate;
use roxmltree::{Document, Node};

use super::InputErrors;
use crate::fraction::{Fraction, Share};
use crate::model::{
    Country, DisposalBasis, Graph, GraphBuilder, Interest, Origin, Party, PartyKind, Problem, RecordRef, Relation,
    Section,
};

/// What an extract does not say and the user may supply.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Citizenship given to every natural person of the extracts (recorded in a note).
    pub assume_citizenship: Option<Country>,
}

/// True when the bytes start (after a byte order mark and blanks) with `<`.
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.trim_ascii_start().starts_with(b"<")
}

/// Decodes an XML file by its declared encoding (UTF-8, windows-1251, …).
fn decode(name: &str, bytes: &[u8]) -> Result<String, InputErrors> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(bytes);
        return if bad {
            Err(InputErrors::whole(name, format!("invalid {} text", enc.name())))
        } else {
            Ok(text.into_owned())
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let label = head
        .split_once("encoding=")
        .and_then(|(_, rest)| {
            let q = rest.chars().next()?;
            rest[1..].split(q).next().map(str::to_string)
        })
        .unwrap_or_else(|| "utf-8".into());
    let enc = encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| InputErrors::whole(name, format!("unknown XML encoding \"{label}\"")))?;
    let (text, bad) = enc.decode_without_bom_handling(bytes);
    if bad {
        return Err(InputErrors::whole(name, format!("the text is not valid {}", enc.name())));
    }
    // roxmltree reads the text as it is; the declaration's encoding no longer applies.
    Ok(text.into_owned())
}

/// Party kinds of the merged registry, before ids are given.
#[derive(Clone, Debug)]
struct Node0 {
    kind: PartyKind,
    name: String,
    country: Option<Country>,
    ogrn: Option<String>,
    inn: Option<String>,
    key: Option<String>,
    notes: Vec<String>,
    origin: u32,
    /// Has its own extract.
    subject: bool,
}

struct Rel0 {
    from: usize,
    to: usize,
    interest: Interest,
    /// For a vote disposal: whose votes (a registry index).
    of: Option<usize>,
    since: Option<NaiveDate>,
    source: String,
    notes: Vec<String>,
    origin: u32,
}

/// Where each origin index points: file and element path, line.
struct Place {
    file: usize,
    path: String,
    line: u32,
}

#[derive(Default)]
struct Registry {
    nodes: Vec<Node0>,
    by_ogrn: HashMap<String, usize>,
    by_inn: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
    rels: Vec<Rel0>,
    places: Vec<Place>,
    problems: Vec<(usize, Problem)>,
}

impl Registry {
    fn place(&mut self, file: usize, node: Node, path: &str) -> u32 {
        let pos = node.document().text_pos_at(node.range().start);
        self.places.push(Place { file, path: path.to_string(), line: pos.row });
        (self.places.len() - 1) as u32
    }

    fn problem(&mut self, file: usize, node: Node, path: &str, message: impl Into<String>) {
        let pos = node.document().text_pos_at(node.range().start);
        self.problems.push((
            file,
            Problem {
                record: RecordRef {
                    section: Section::Elements,
                    origin: Origin { index: 0, line: pos.row },
                    label: path.to_string(),
                },
                field: None,
                message: message.into(),
            },
        ));
    }

    /// Finds or adds an organization or person, matched by OGRN, then INN, then `key`.
    fn upsert(&mut self, n: Node0) -> usize {
        let found = n
            .ogrn
            .as_ref()
            .and_then(|o| self.by_ogrn.get(o))
            .or_else(|| n.inn.as_ref().and_then(|i| self.by_inn.get(i)))
            .or_else(|| n.key.as_ref().and_then(|k| self.by_key.get(k)))
            .copied();
        let i = match found {
            Some(i) => {
                let old = &mut self.nodes[i];
                if n.subject && !old.subject {
                    old.kind = n.kind;
                    old.name = n.name;
                    old.country = n.country;
                    old.subject = true;
                    old.origin = n.origin;
                }
                if old.ogrn.is_none() {
                    old.ogrn = n.ogrn;
                }
                if old.inn.is_none() {
                    old.inn = n.inn;
                }
                old.notes.extend(n.notes);
                i
            }
            None => {
                self.nodes.push(n);
                self.nodes.len() - 1
            }
        };
        let node = &self.nodes[i];
        if let Some(o) = node.ogrn.clone() {
            self.by_ogrn.insert(o, i);
        }
        if let Some(x) = node.inn.clone() {
            self.by_inn.insert(x, i);
        }
        if let Some(k) = node.key.clone() {
            self.by_key.insert(k, i);
        }
        i
    }
}

fn name_of<'a>(n: Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.is_element() && name_of(*c) == name)
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| c.is_element() && name_of(*c) == name)
}

fn attr(n: Node, name: &str) -> Option<String> {
    n.attribute(name).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn person_name(fl: Node) -> String {
    ["Фамилия", "Имя", "Отчество"].iter().filter_map(|a| attr(fl, a)).collect::<Vec<_>>().join(" ")
}

fn date_of(n: Node, element: &str) -> Option<NaiveDate> {
    child(n, element).and_then(|g| attr(g, "ДатаЗаписи")).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

/// The party kind an OKOPF code gives (first digit: 1, 6 commercial; 2, 7 nonprofit; 5
/// international organization).
fn okopf_kind(code: &str) -> PartyKind {
    match code.trim().chars().next() {
        Some('2' | '7') => PartyKind::Nonprofit,
        Some('5') => PartyKind::InternationalOrg,
        _ => PartyKind::Company,
    }
}

/// Reads one extract file into the registry.
struct Reader<'r> {
    reg: &'r mut Registry,
    file: usize,
    options: &'r Options,
}

impl Reader<'_> {
    fn org(&mut self, n: Node, path: &str, country: Option<Country>, subject: bool) -> Option<usize> {
        let Some(name) = attr(n, "НаимЮЛПолн") else {
            self.reg.problem(self.file, n, path, "the attribute НаимЮЛПолн (full name) is required");
            return None;
        };
        let origin = self.reg.place(self.file, n, path);
        let mut notes = Vec::new();
        let kind = match country {
            Some(_) => PartyKind::Company,
            None => {
                notes.push("иностранное юридическое лицо: страна регистрации не указана в выписке".into());
                PartyKind::Unknown
            }
        };
        let key = attr(n, "ОГРН").or(attr(n, "ИНН")).is_none().then(|| format!("ЮЛ:{name}"));
        Some(self.reg.upsert(Node0 {
            kind,
            name,
            country,
            ogrn: attr(n, "ОГРН"),
            inn: attr(n, "ИНН"),
            key,
            notes,
            origin,
            subject,
        }))
    }

    fn person(&mut self, fl: Node, path: &str) -> Option<usize> {
        let name = person_name(fl);
        if name.is_empty() {
            self.reg.problem(self.file, fl, path, "a natural person needs Фамилия or Имя");
            return None;
        }
        let origin = self.reg.place(self.file, fl, path);
        let inn = attr(fl, "ИННФЛ");
        let mut notes = Vec::new();
        let (kind, country) = match self.options.assume_citizenship {
            Some(c) => {
                notes.push(format!(
                    "гражданство {c} принято по параметру --assume-citizenship: в выписке ЕГРЮЛ его нет"
                ));
                (PartyKind::Person, Some(c))
            }
            None => {
                notes.push(
                    "физическое лицо: выписка ЕГРЮЛ не указывает гражданство, поэтому лицо учтено как нераскрытое (укажите kind person и citizenship)".into(),
                );
                (PartyKind::Unknown, None)
            }
        };
        let key = inn.is_none().then(|| format!("ФЛ:{name}"));
        let i =
            self.reg.upsert(Node0 { kind, name, country: None, ogrn: None, inn, key, notes, origin, subject: false });
        if let Some(c) = country {
            self.reg.nodes[i].country = Some(c);
        }
        Some(i)
    }

    /// The share of a `ДоляУстКап` element, exactly; `capital` is the charter capital.
    fn share(
        &mut self,
        dolya: Node,
        path: &str,
        capital: Option<&Fraction>,
        notes: &mut Vec<String>,
    ) -> Option<Fraction> {
        let nominal = match attr(dolya, "НоминСтоим") {
            Some(t) => match Fraction::parse(&t) {
                Ok(f) if !f.is_negative() => Some(f),
                _ => {
                    self.reg.problem(
                        self.file,
                        dolya,
                        path,
                        format!("НоминСтоим: \"{t}\" is not a nominal value in roubles"),
                    );
                    return None;
                }
            },
            None => None,
        };
        let ratio = match (&nominal, capital) {
            (Some(n), Some(c)) if c.is_positive() => Some(n / c),
            _ => None,
        };
        let size = child(dolya, "РазмерДоли");
        let stated: Option<(Fraction, Option<u32>)> = match size {
            None => None,
            Some(size) => {
                let spath = format!("{path}/РазмерДоли");
                if let Some(p) = child(size, "Процент") {
                    let t = p.text().unwrap_or("").trim().to_string();
                    match Fraction::parse(&t) {
                        Ok(f) => Some((&f / &Fraction::new(100, 1), Some(decimals(&t) + 2))),
                        Err(_) => {
                            self.reg.problem(
                                self.file,
                                p,
                                &format!("{spath}/Процент"),
                                format!("\"{t}\" is not a percentage"),
                            );
                            return None;
                        }
                    }
                } else if let Some(d) = child(size, "ДробДесят") {
                    let t = d.text().unwrap_or("").trim().to_string();
                    match Fraction::parse(&t) {
                        Ok(f) => Some((f, Some(decimals(&t)))),
                        Err(_) => {
                            self.reg.problem(
                                self.file,
                                d,
                                &format!("{spath}/ДробДесят"),
                                format!("\"{t}\" is not a decimal fraction"),
                            );
                            return None;
                        }
                    }
                } else if let Some(p) = child(size, "ДробПрост") {
                    let ppath = format!("{spath}/ДробПрост");
                    let whole = |name: &str| -> Result<i64, String> {
                        match attr(p, name) {
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
                            self.reg.problem(self.file, p, &ppath, m);
                            return None;
                        }
                        (n, d) => {
                            for m in [n.err(), d.err()].into_iter().flatten() {
                                self.reg.problem(self.file, p, &ppath, m);
                            }
                            return None;
                        }
                    }
                } else {
                    self.reg.problem(self.file, size, &spath, "expected Процент, ДробДесят or ДробПрост");
                    return None;
                }
            }
        };
        let value = match (stated, ratio) {
            (Some((v, Some(k))), Some(r)) if v != r && within(&v, &r, k) => {
                notes.push(format!(
                    "доля в выписке округлена ({}); точная доля по номинальной стоимости: {r}",
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
            self.reg.problem(self.file, dolya, path, format!("the share {value} is not between 0 and 1"));
            return None;
        }
        Some(value)
    }

    /// Notes a founder's element carries: data marked unreliable, encumbrances.
    fn founder_notes(&mut self, f: Node, notes: &mut Vec<String>) {
        for ned in children(f, "СвНедДанУчр") {
            let text = attr(ned, "ТекстНедДанУчр").unwrap_or_else(|| "сведения недостоверны".into());
            notes.push(format!("ЕГРЮЛ: {text} (признак {})", attr(ned, "ПризнНедДанУчр").unwrap_or_default()));
        }
        for ob in children(f, "СвОбрем") {
            let kind = attr(ob, "ВидОбрем").unwrap_or_else(|| "обременение".into());
            let holder = child(ob, "СвЗалогДержФЛ")
                .and_then(|z| child(z, "СвФЛ"))
                .map(|fl| {
                    let inn = attr(fl, "ИННФЛ").map(|i| format!(", ИНН {i}")).unwrap_or_default();
                    format!("{}{inn}", person_name(fl))
                })
                .or_else(|| {
                    child(ob, "СвЗалогДержЮЛ").and_then(|z| child(z, "НаимИННЮЛ")).map(|ul| {
                        let ogrn = attr(ul, "ОГРН").map(|o| format!(", ОГРН {o}")).unwrap_or_default();
                        format!("{}{ogrn}", attr(ul, "НаимЮЛПолн").unwrap_or_default())
                    })
                });
            let term = attr(ob, "СрокОбременения").map(|s| format!(", срок: {s}")).unwrap_or_default();
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
    }

    fn read_extract(&mut self, ul: Node, path: &str, capitals: &mut HashMap<usize, Fraction>) {
        let Some(ogrn) = attr(ul, "ОГРН") else {
            self.reg.problem(self.file, ul, path, "the attribute ОГРН of СвЮЛ is required");
            return;
        };
        let Some(name) = child(ul, "СвНаимЮЛ").and_then(|n| attr(n, "НаимЮЛПолн")) else {
            self.reg.problem(self.file, ul, path, "СвНаимЮЛ/@НаимЮЛПолн (the full name) is required");
            return;
        };
        let extract_date = attr(ul, "ДатаВып").unwrap_or_default();
        let kind = match (attr(ul, "СпрОПФ").as_deref(), attr(ul, "КодОПФ")) {
            (Some("ОКОПФ"), Some(code)) => okopf_kind(&code),
            _ => PartyKind::Company,
        };
        let origin = self.reg.place(self.file, ul, path);
        let subject = self.reg.upsert(Node0 {
            kind,
            name,
            country: Some(Country::RU),
            ogrn: Some(ogrn.clone()),
            inn: attr(ul, "ИНН"),
            key: None,
            notes: Vec::new(),
            origin,
            subject: true,
        });
        if matches!(attr(ul, "КодОПФ").as_deref(), Some("12267" | "12247" | "12200")) {
            self.reg.nodes[subject].notes.push(
                "акционерное общество: ЕГРЮЛ называет учредителей (и единственного акционера), но не нынешних акционеров; их даёт реестр акционеров".into(),
            );
        }
        let capital = child(ul, "СвУстКап").and_then(|c| attr(c, "СумКап")).and_then(|s| Fraction::parse(&s).ok());
        if let Some(c) = &capital {
            capitals.insert(subject, c.clone());
        }
        let source = format!("ЕГРЮЛ, выписка от {extract_date} (ОГРН {ogrn})");
        let Some(uch) = child(ul, "СвУчредит") else {
            if child(ul, "СвДоляООО").is_none() {
                self.reg.nodes[subject].notes.push(format!("{source}: сведений об участниках нет"));
            }
            self.treasury(ul, path, subject, capital.as_ref(), &source);
            return;
        };
        let upath = format!("{path}/СвУчредит");
        let mut counters: HashMap<&str, usize> = HashMap::new();
        for f in uch.children().filter(|c| c.is_element()) {
            let tag = name_of(f);
            let k = counters
                .entry(match tag {
                    "УчрЮЛРос" => "УчрЮЛРос",
                    "УчрЮЛИн" => "УчрЮЛИн",
                    "УчрФЛ" => "УчрФЛ",
                    "УчрРФСубМО" => "УчрРФСубМО",
                    "УчрПИФ" => "УчрПИФ",
                    _ => "",
                })
                .or_insert(0);
            *k += 1;
            let fpath = format!("{upath}/{tag}[{}]", *k);
            let mut notes = Vec::new();
            let holder = match tag {
                "УчрЮЛРос" => match child(f, "НаимИННЮЛ") {
                    Some(n) => self.org(n, &format!("{fpath}/НаимИННЮЛ"), Some(Country::RU), false),
                    None => {
                        self.reg.problem(self.file, f, &fpath, "НаимИННЮЛ is required");
                        None
                    }
                },
                "УчрЮЛИн" => {
                    let reg_in = child(f, "СвРегИн");
                    let country = match reg_in.and_then(|r| attr(r, "ОКСМ")) {
                        Some(code) => match oksm(&code) {
                            Some(c) => Some(c),
                            None => {
                                let p = format!("{fpath}/СвРегИн");
                                let at = reg_in.unwrap_or(f);
                                self.reg.problem(self.file, at, &p, format!("ОКСМ \"{code}\" is not a country code"));
                                continue;
                            }
                        },
                        None => None,
                    };
                    match child(f, "НаимИННЮЛ") {
                        Some(n) => {
                            let h = self.org(n, &format!("{fpath}/НаимИННЮЛ"), country, false);
                            if let (Some(h), Some(r)) = (h, reg_in)
                                && let Some(num) = attr(r, "РегНомер")
                            {
                                let c = country.map(|c| c.to_string()).unwrap_or_default();
                                let n = format!("регистрационный номер в стране регистрации ({c}): {num}");
                                if !self.reg.nodes[h].notes.contains(&n) {
                                    self.reg.nodes[h].notes.push(n);
                                }
                            }
                            h
                        }
                        None => {
                            self.reg.problem(self.file, f, &fpath, "НаимИННЮЛ is required");
                            None
                        }
                    }
                }
                "УчрФЛ" => match child(f, "СвФЛ") {
                    Some(fl) => self.person(fl, &format!("{fpath}/СвФЛ")),
                    None => {
                        self.reg.problem(self.file, f, &fpath, "СвФЛ is required");
                        None
                    }
                },
                "УчрРФСубМО" => self.public_founder(f, &fpath, &mut notes),
                "УчрПИФ" => self.fund(f, &fpath),
                _ => continue,
            };
            let Some(holder) = holder else { continue };
            self.founder_notes(f, &mut notes);
            let since = date_of(f, "ГРНДатаПерв");
            let share = match child(f, "ДоляУстКап") {
                Some(d) => self.share(d, &format!("{fpath}/ДоляУстКап"), capital.as_ref(), &mut notes),
                None => {
                    notes.push("размер доли не указан".into());
                    None
                }
            };
            let origin = self.reg.place(self.file, f, &fpath);
            let Some(share) = share else {
                let who = self.reg.nodes[subject].name.clone();
                self.reg.nodes[holder].notes.extend(notes.into_iter().map(|n| format!("участник {who}: {n}")));
                continue;
            };
            let s = Share::new(share.clone()).unwrap_or_default();
            self.reg.rels.push(Rel0 {
                from: holder,
                to: subject,
                interest: Interest::Shares { capital: s.clone(), votes: s.clone() },
                of: None,
                since,
                source: source.clone(),
                notes,
                origin,
            });
            // Those who dispose of the participant's votes.
            if tag == "УчрФЛ" {
                self.disposers(f, &fpath, holder, subject, &s, since, &source);
            }
            if tag == "УчрПИФ" {
                let uk = child(f, "СвУпрКомпПИФ").and_then(|u| child(u, "УпрКомпПиф"));
                let upath = format!("{fpath}/СвУпрКомпПИФ/УпрКомпПиф");
                if let Some(m) = uk.and_then(|uk| self.org(uk, &upath, Some(Country::RU), false)) {
                    let fund = self.reg.nodes[holder].name.clone();
                    self.reg.rels.push(Rel0 {
                        from: m,
                        to: subject,
                        interest: Interest::VoteDisposal { votes: s, basis: DisposalBasis::TrustManagement, of: None },
                        of: Some(holder),
                        since,
                        source: source.clone(),
                        notes: vec![format!("управляющая компания {fund}: доверительное управление")],
                        origin,
                    });
                }
            }
        }
        self.treasury(ul, path, subject, capital.as_ref(), &source);
    }

    #[allow(clippy::too_many_arguments)]
    fn disposers(
        &mut self,
        f: Node,
        fpath: &str,
        owner: usize,
        subject: usize,
        votes: &Share,
        since: Option<NaiveDate>,
        source: &str,
    ) {
        let mut found: Vec<(usize, DisposalBasis, String, Node, Option<NaiveDate>)> = Vec::new();
        let trust = "доверительный управляющий долей (доверительное управление)";
        if let Some(t) = child(f, "СвДовУпрФЛ")
            && let Some(d) = child(t, "СвФЛ")
            && let Some(p) = self.person(d, &format!("{fpath}/СвДовУпрФЛ/СвФЛ"))
        {
            found.push((p, DisposalBasis::TrustManagement, trust.into(), d, date_of(t, "ГРНДатаПерв")));
        }
        if let Some(t) = child(f, "СвДовУпрЮЛ")
            && let Some(d) = child(t, "НаимИННДовУпр")
            && let Some(p) = self.org(d, &format!("{fpath}/СвДовУпрЮЛ/НаимИННДовУпр"), Some(Country::RU), false)
        {
            found.push((p, DisposalBasis::TrustManagement, trust.into(), d, date_of(t, "ГРНДатаПерв")));
        }
        if let Some(l) = child(f, "ЛицоУпрНасл")
            && let Some(d) = child(l, "СвФЛ")
            && let Some(p) = self.person(d, &format!("{fpath}/ЛицоУпрНасл/СвФЛ"))
        {
            let when = attr(l, "ДатаОткрНасл").map(|d| format!(" (наследство открыто {d})")).unwrap_or_default();
            let note = format!("управляет долей, переходящей по наследству{when}");
            found.push((p, DisposalBasis::Other, note, d, date_of(l, "ГРНДатаПерв")));
        }
        for (p, basis, note, node, own_since) in found {
            let since = own_since.or(since);
            let origin = self.reg.place(self.file, node, fpath);
            self.reg.rels.push(Rel0 {
                from: p,
                to: subject,
                interest: Interest::VoteDisposal { votes: votes.clone(), basis, of: None },
                of: Some(owner),
                since,
                source: source.to_string(),
                notes: vec![note],
                origin,
            });
        }
    }

    fn public_founder(&mut self, f: Node, fpath: &str, notes: &mut Vec<String>) -> Option<usize> {
        let Some(vid) = child(f, "ВидНаимУчр") else {
            self.reg.problem(self.file, f, fpath, "ВидНаимУчр is required");
            return None;
        };
        let vpath = format!("{fpath}/ВидНаимУчр");
        let origin = self.reg.place(self.file, vid, &vpath);
        let region = attr(vid, "КодРегион");
        let (kind, name, key) = match attr(vid, "КодУчрРФСубМО").as_deref() {
            Some("1") => (PartyKind::State, "Российская Федерация".to_string(), "RU".to_string()),
            Some("2") => match region.clone() {
                Some(code) => (
                    PartyKind::Region,
                    attr(vid, "НаимРегион").unwrap_or_else(|| format!("субъект РФ {code}")),
                    format!("region-{code}"),
                ),
                None => {
                    self.reg.problem(self.file, vid, &vpath, "КодРегион is required when КодУчрРФСубМО is 2");
                    return None;
                }
            },
            Some("3") => match attr(vid, "НаимМО") {
                Some(mo) => (
                    PartyKind::Municipality,
                    mo.clone(),
                    format!("municipality-{}-{mo}", region.clone().unwrap_or_default()),
                ),
                None => {
                    self.reg.problem(self.file, vid, &vpath, "НаимМО is required when КодУчрРФСубМО is 3");
                    return None;
                }
            },
            other => {
                self.reg.problem(
                    self.file,
                    vid,
                    &vpath,
                    format!("КодУчрРФСубМО must be 1, 2 or 3, found {}", other.unwrap_or("nothing")),
                );
                return None;
            }
        };
        for o in children(f, "СвОргОсущПр") {
            if let Some(n) = child(o, "НаимИННЮЛ").and_then(|n| attr(n, "НаимЮЛПолн")) {
                notes.push(format!("права участника осуществляет {n}"));
            }
        }
        for o in children(f, "СвФЛОсущПр") {
            if let Some(fl) = child(o, "СвФЛ") {
                notes.push(format!("права участника осуществляет {}", person_name(fl)));
            }
        }
        Some(self.reg.upsert(Node0 {
            kind,
            name,
            country: Some(Country::RU),
            ogrn: None,
            inn: None,
            key: Some(key),
            notes: Vec::new(),
            origin,
            subject: false,
        }))
    }

    fn fund(&mut self, f: Node, fpath: &str) -> Option<usize> {
        let Some(name) = child(f, "СвНаимПИФ").and_then(|n| attr(n, "НаимПИФ")) else {
            self.reg.problem(self.file, f, fpath, "СвНаимПИФ/@НаимПИФ is required");
            return None;
        };
        let origin = self.reg.place(self.file, f, fpath);
        Some(self.reg.upsert(Node0 {
            kind: PartyKind::Unknown,
            name: name.clone(),
            country: None,
            ogrn: None,
            inn: None,
            key: Some(format!("ПИФ:{name}")),
            notes: vec![
                "паевой инвестиционный фонд: владельцы паёв не раскрыты в ЕГРЮЛ; голосами распоряжается управляющая компания".into(),
            ],
            origin,
            subject: false,
        }))
    }

    fn treasury(&mut self, ul: Node, path: &str, subject: usize, capital: Option<&Fraction>, source: &str) {
        let Some(d) = child(ul, "СвДоляООО") else { return };
        let tpath = format!("{path}/СвДоляООО");
        let mut notes = vec!["доля, принадлежащая самому обществу (казначейская)".to_string()];
        let Some(share) = self.share(d, &tpath, capital, &mut notes) else { return };
        let origin = self.reg.place(self.file, d, &tpath);
        let s = Share::new(share).unwrap_or_default();
        self.reg.rels.push(Rel0 {
            from: subject,
            to: subject,
            interest: Interest::Shares { capital: s.clone(), votes: s },
            of: None,
            since: date_of(d, "ГРНДата"),
            source: source.to_string(),
            notes,
            origin,
        });
    }
}

/// Digits after the decimal point of a literal.
fn decimals(t: &str) -> u32 {
    t.split_once(['.', ',']).map(|(_, f)| f.trim().len() as u32).unwrap_or(0)
}

/// True when `v`, written with `k` decimals, is a rounding of `r`.
fn within(v: &Fraction, r: &Fraction, k: u32) -> bool {
    let diff = if v > r { v - r } else { r - v };
    let tol = &Fraction::one() / &Fraction::pow10(k);
    diff < tol
}

/// An ОКСМ code (ISO 3166-1 numeric) as a country.
fn oksm(code: &str) -> Option<Country> {
    let n: u32 = code.trim().parse().ok()?;
    let c = isocountry::CountryCode::for_id(n).ok()?;
    Country::parse(c.alpha2()).ok()
}

/// Reads EGRUL extracts (each file may hold several `СвЮЛ`) into one checked graph as of
/// `as_of`. A malformed extract is refused with every problem, each naming its element.
pub fn parse_files(files: &[(String, Vec<u8>)], options: &Options, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let mut reg = Registry::default();
    let mut capitals: HashMap<usize, Fraction> = HashMap::new();
    for (fi, (name, bytes)) in files.iter().enumerate() {
        let text = decode(name, bytes)?;
        let doc = Document::parse(&text).map_err(|e| match e {
            roxmltree::Error::UnexpectedEndOfStream => InputErrors::whole(
                name,
                "not well-formed XML: the file ends before its elements are closed (cut short?)",
            ),
            e => {
                let p = e.pos();
                InputErrors::whole(name, format!("line {} column {}: not well-formed XML: {e}", p.row, p.col))
            }
        })?;
        let root = doc.root_element();
        let extracts: Vec<Node> = if name_of(root) == "СвЮЛ" {
            vec![root]
        } else {
            root.descendants().filter(|n| n.is_element() && name_of(*n) == "СвЮЛ").collect()
        };
        if extracts.is_empty() {
            return Err(InputErrors::whole(
                name,
                format!("no СвЮЛ element under <{}>: not an EGRUL extract (see egrul.xsd)", name_of(root)),
            ));
        }
        let mut reader = Reader { reg: &mut reg, file: fi, options };
        for (i, ul) in extracts.iter().enumerate() {
            let path = if extracts.len() == 1 { "СвЮЛ".to_string() } else { format!("СвЮЛ[{}]", i + 1) };
            reader.read_extract(*ul, &path, &mut capitals);
        }
        if let Some((f, _)) = reg.problems.first() {
            let f = *f;
            let problems = reg.problems.into_iter().filter(|(x, _)| *x == f).map(|(_, p)| p).collect();
            return Err(InputErrors { file: files[f].0.clone(), problems, files: Vec::new() });
        }
    }
    build(files, reg, as_of)
}

fn build(files: &[(String, Vec<u8>)], reg: Registry, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let mut b = GraphBuilder::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut idx = Vec::with_capacity(reg.nodes.len());
    for n in &reg.nodes {
        let base = n.ogrn.clone().or(n.inn.clone()).or(n.key.clone()).unwrap_or_else(|| n.name.clone());
        let count = used.entry(base.clone()).or_insert(0);
        *count += 1;
        let id = if *count == 1 { base } else { format!("{base}-{count}") };
        let mut p = Party::new(id, n.kind);
        p.name = n.name.clone();
        p.details_mut().ogrn = n.ogrn.clone();
        p.details_mut().inn = n.inn.clone();
        p.details_mut().notes = n.notes.clone();
        p.origin = Origin { index: n.origin, line: reg.places.get(n.origin as usize).map(|x| x.line).unwrap_or(0) };
        match n.kind {
            PartyKind::Person => {
                if let Some(c) = n.country {
                    p.citizenship = vec![c];
                }
            }
            PartyKind::Unknown => {}
            _ => p.country = n.country,
        }
        idx.push(b.add_party(p));
    }
    for r in reg.rels {
        let (Some(Some(from)), Some(Some(to))) = (idx.get(r.from), idx.get(r.to)) else { continue };
        let interest = match r.interest {
            Interest::VoteDisposal { votes, basis, .. } => {
                let of = r.of.and_then(|o| idx.get(o).copied().flatten());
                Interest::VoteDisposal { votes, basis, of }
            }
            other => other,
        };
        let mut rel = Relation::new(*from, *to, interest);
        rel.since = r.since;
        rel.meta_mut().source = Some(r.source);
        rel.meta_mut().notes = r.notes;
        rel.origin = Origin { index: r.origin, line: reg.places.get(r.origin as usize).map(|x| x.line).unwrap_or(0) };
        b.add_relation(rel);
    }
    let many = files.len() > 1;
    let file_names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    b.finish(as_of).map_err(|problems| InputErrors {
        file: file_names.join(", "),
        files: Vec::new(),
        problems: problems
            .into_iter()
            .map(|mut p| {
                if matches!(p.record.section, Section::Parties | Section::Relations)
                    && let Some(place) = reg.places.get(p.record.origin.index as usize)
                {
                    let what = p.record.label.clone();
                    p.record.label = if many {
                        format!("{}: {} ({what})", files[place.file].0, place.path)
                    } else {
                        format!("{} ({what})", place.path)
                    };
                    p.record.section = Section::Elements;
                }
                p
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_register() {
        assert_eq!(oksm("196").map(|c| c.to_string()), Some("CY".into()));
        assert_eq!(oksm("643"), Some(Country::RU));
        assert_eq!(oksm("999"), None);
        assert_eq!(okopf_kind("12300"), PartyKind::Company);
        assert_eq!(okopf_kind("20400"), PartyKind::Nonprofit);
        assert_eq!(okopf_kind("75401"), PartyKind::Nonprofit);
        assert_eq!(okopf_kind("65243"), PartyKind::Company);
    }

    #[test]
    fn a_rounded_decimal_is_recognised() {
        let third = Fraction::new(1, 3);
        let d = Fraction::parse("0.333333333333333").unwrap();
        assert!(within(&d, &third, decimals("0.333333333333333")));
        assert!(!within(&Fraction::parse("0.3333").unwrap(), &Fraction::new(1, 4), 4));
        assert!(looks_like_xml(b"\xEF\xBB\xBF  <EGRUL/>"));
        assert!(!looks_like_xml(b"{}"));
    }

    #[test]
    fn windows_1251_is_decoded() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><a>ЁЛКА</a>");
        assert!(decode("f", &bytes).unwrap().contains("ЁЛКА"));
    }
}
