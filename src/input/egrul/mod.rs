//! EGRUL, the Unified State Register of Legal Entities, as the Federal Tax Service publishes it:
//! open-data packages (`Файл` with `ТипИнф="ЕГРЮЛ_ОТКР_СВЕД"`, formats 4.05–4.08, windows-1251,
//! hundreds of `Документ/СвЮЛ` per file) and single-company extracts (`EGRUL/СвЮЛ`, the schema in
//! `docs/formats/egrul.xsd`). The founders (participants) of each legal entity, `СвЮЛ/СвУчредит`,
//! become the parties and relations of docs/DOMAIN.md:
//!
//! - `УчрЮЛРос` → a Russian company (a nonprofit when its own record has a nonprofit OKOPF
//!   code); `УчрЮЛИн` → a company of the country of `СвРегИн/@ОКСМ`;
//! - `УчрФЛ` → a natural person whose citizenship is `СвГраждФЛ`: `КодГражд` 1 the Russian
//!   Federation, 2 the country of `ОКСМ`, 3 stateless. Only a person whose record says nothing
//!   is an unknown holder, unless [`Options::assume_citizenship`] gives one (noted). Every
//!   person's basis quotes where the citizenship came from;
//! - `УчрРФСубМО` → the Russian Federation, a region or a municipality by `КодУчрРФСубМО`; one
//!   without a name is named from its region code and the body exercising its rights;
//! - `УчрПИФ` → the unit investment fund as an unknown holder, its management company disposing
//!   of the votes (trust management); `УчрДогИнвТов` → the investment partnership likewise, its
//!   managing partner disposing of them (simple partnership);
//! - `СвДовУпрФЛ` / `СвДовУпрЮЛ` → the trustee disposes of the participant's votes (trust
//!   management), `ЛицоУпрНасл` likewise (other); `СвОбъемПрав`, pledges (`СвОбрем`, a pledgee
//!   votes only under a vote disposal with basis pledge, which the register does not show) and
//!   pledge managers are notes on the holding;
//! - `СвНедДанУчр` (data marked unreliable) → the stake is held by an undisclosed holder named
//!   after the founder, so the holder's status is unproven: it counts only in the upper bound;
//! - the founders of a nonprofit form its supreme body (`governs`), each an equal part, unless
//!   the data says otherwise (the register does not say how the body is formed: a documented
//!   reading, noted on the nonprofit);
//! - the share `ДоляУстКап/РазмерДоли` as `Процент`, `ДробДесят` or `ДробПрост` exactly; without
//!   it, or when a decimal is a rounding of it, the nominal value over the charter capital;
//!   `СвДоляООО` → treasury.
//!
//! A company repeated (several documents with one ОГРН, in one file or several) is one company:
//! its latest state wins, by `ДатаВып`, then the latest record date and ГРН it carries (never a
//! sum); the versions merged are noted. A record that cannot be used (shares above 1, a founder
//! listed twice, the company its own founder, a founder that cannot be identified) is
//! quarantined with its reasons ([`crate::model::quarantine`]) unless [`Options::strict`] asks
//! for all or nothing. Ids are the ОГРН of organizations, the ИНН of persons.

mod oksm;
mod record;
mod xml;

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use super::InputErrors;
use crate::fraction::{Fraction, Share};
use crate::model::{
    Country, Graph, GraphBuilder, Interest, Origin, Party, PartyIdx, PartyKind, Problem, RecordRef, Relation, Section,
};
use record::{At, Founder, Record, Spec};

pub use record::okopf_kind;

/// What an extract does not say and the user may supply, and how strict to be.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Citizenship given to every natural person whose records do not state one (noted).
    pub assume_citizenship: Option<Country>,
    /// Refuse the whole input when any record has a problem (instead of quarantining it).
    pub strict: bool,
}

/// True when the bytes start (after a byte order mark and blanks) with `<`.
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.starts_with(b"\xFF\xFE<") || b.starts_with(b"\xFE\xFF\0<") || b.trim_ascii_start().starts_with(b"<")
}

/// One version of a company, as a file holds it.
#[derive(Clone, Debug)]
struct Version {
    file: usize,
    index: u32,
    line: u32,
    extract_date: Option<NaiveDate>,
    last_record: Option<NaiveDate>,
    last_grn: Option<u64>,
    fingerprint: u64,
}

impl Version {
    /// Larger is later: an extract on or before the date of the analysis beats one after it;
    /// then the extract date, the latest record date, the latest ГРН, the input order.
    fn rank(&self, as_of: NaiveDate) -> impl Ord + use<> {
        let current = self.extract_date.is_none_or(|d| d <= as_of);
        (current, self.extract_date, self.last_record, self.last_grn, self.file, self.index)
    }
}

struct Entry {
    record: Record,
    versions: Vec<Version>,
    chosen: usize,
}

/// The companies of one file, parsed but not yet added ([`Importer::parse`]).
pub struct Parsed {
    name: String,
    found: Vec<(Record, Version)>,
}

/// Reads EGRUL files one after the other and builds one graph.
pub struct Importer {
    options: Options,
    as_of: NaiveDate,
    files: Vec<String>,
    companies: HashMap<String, Entry>,
    order: Vec<String>,
}

impl Importer {
    /// An importer for the analysis date `as_of`.
    pub fn new(options: Options, as_of: NaiveDate) -> Importer {
        Importer { options, as_of, files: Vec::new(), companies: HashMap::new(), order: Vec::new() }
    }

    /// Reads one file (or archive member) named `name`: every `СвЮЛ` in it. A file that is not
    /// well-formed XML, or holds no `СвЮЛ`, is refused with the line and column.
    pub fn read(&mut self, name: &str, input: impl Read) -> Result<(), InputErrors> {
        let parsed = Importer::parse(name, input)?;
        self.add_parsed(parsed);
        Ok(())
    }

    /// Parses one file (or archive member) without adding it: pure, so that many files can be
    /// parsed at once and then added in their order ([`Importer::add_parsed`]); what
    /// [`Importer::read`] does in one step.
    pub fn parse(name: &str, input: impl Read) -> Result<Parsed, InputErrors> {
        let mut found = Vec::new();
        let info = xml::companies(input, |c| {
            let path = format!("СвЮЛ[{}]", c.index);
            let record = record::read(&c.el, &path);
            let version = Version {
                file: 0,
                index: c.index,
                line: c.el.line,
                extract_date: record.extract_date,
                last_record: c.last_record,
                last_grn: c.last_grn,
                fingerprint: record.fingerprint(),
            };
            found.push((record, version));
        })
        .map_err(|f| InputErrors::whole(name, f.to_string()))?;
        if info.companies == 0 && info.kind.as_deref().is_some_and(|k| k.starts_with("ЕГРИП")) {
            return Err(InputErrors::whole(
                name,
                "an EGRIP package (ТипИнф ЕГРИП_…: individual entrepreneurs), not EGRUL: it names no founders of legal entities",
            ));
        }
        if info.companies == 0 {
            return Err(InputErrors::whole(
                name,
                format!("no СвЮЛ element under <{}>: not an EGRUL extract (see docs/formats/egrul.xsd)", info.root),
            ));
        }
        let single = info.companies == 1;
        for (record, _) in &mut found {
            if single {
                // One company: its paths read `СвЮЛ/…`, as in an extract.
                let fix = |s: &mut String| {
                    if let Some(rest) = s.strip_prefix("СвЮЛ[1]") {
                        *s = format!("СвЮЛ{rest}");
                    }
                };
                fix(&mut record.at.path);
                record.problems.iter_mut().for_each(fix);
                for f in &mut record.founders {
                    fix(&mut f.at.path);
                    f.disposers.iter_mut().for_each(|d| fix(&mut d.at.path));
                }
                if let Some(t) = &mut record.treasury {
                    fix(&mut t.at.path);
                }
            }
            if let Some(format) = &info.format {
                record.notes.push(format!("формат ЕГРЮЛ {format}"));
            }
        }
        Ok(Parsed { name: name.to_string(), found })
    }

    /// Adds a file parsed by [`Importer::parse`]; files are added in the order given.
    pub fn add_parsed(&mut self, parsed: Parsed) {
        let file = self.files.len();
        self.files.push(parsed.name);
        for (record, mut version) in parsed.found {
            version.file = file;
            self.add(record, version);
        }
    }

    fn add(&mut self, record: Record, version: Version) {
        let as_of = self.as_of;
        match self.companies.get_mut(&record.ogrn) {
            Some(e) => {
                e.versions.push(version);
                let newest = e.versions.len() - 1;
                if e.versions[newest].rank(as_of) > e.versions[e.chosen].rank(as_of) {
                    e.chosen = newest;
                    e.record = record;
                }
            }
            None => {
                self.order.push(record.ogrn.clone());
                self.companies.insert(record.ogrn.clone(), Entry { record, versions: vec![version], chosen: 0 });
            }
        }
    }

    /// The ОГРН of the companies read with a record of their own (their party ids), in the
    /// order first met. Every other party of the graph is a founder, trustee or fund named in
    /// those records.
    pub fn companies(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    /// Builds the graph as of the importer's date.
    pub fn finish(self) -> Result<Graph, InputErrors> {
        Builder::new(self).build()
    }
}

/// Reads EGRUL files given as bytes (each may hold many `СвЮЛ`) into one graph as of `as_of`.
pub fn parse_files(files: &[(String, Vec<u8>)], options: &Options, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let mut importer = Importer::new(options.clone(), as_of);
    for (name, bytes) in files {
        importer.read(name, bytes.as_slice())?;
    }
    importer.finish()
}

/// A party of the merged register, before ids are given.
#[derive(Clone, Debug)]
struct Node {
    spec: Spec,
    /// Has its own record.
    subject: bool,
    /// Where it was first met.
    place: usize,
    /// Some relation or record uses it.
    used: bool,
}

struct Rel {
    from: usize,
    to: usize,
    interest: Interest,
    of: Option<usize>,
    since: Option<NaiveDate>,
    source: String,
    notes: Vec<String>,
    place: usize,
}

/// Where a party or relation comes from, for messages.
struct Place {
    file: usize,
    ogrn: String,
    at: At,
}

struct Builder {
    importer: Importer,
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
    rels: Vec<Rel>,
    places: Vec<Place>,
    quarantine: Vec<(usize, Vec<String>)>,
    strict_problems: Vec<Problem>,
}

fn short(s: &str) -> String {
    s.to_string()
}

impl Builder {
    fn new(importer: Importer) -> Builder {
        Builder {
            importer,
            nodes: Vec::new(),
            by_id: HashMap::new(),
            rels: Vec::new(),
            places: Vec::new(),
            quarantine: Vec::new(),
            strict_problems: Vec::new(),
        }
    }

    fn place(&mut self, file: usize, ogrn: &str, at: &At) -> usize {
        self.places.push(Place { file, ogrn: short(ogrn), at: at.clone() });
        self.places.len() - 1
    }

    fn file_name(&self, file: usize) -> &str {
        self.importer.files.get(file).map(String::as_str).unwrap_or("?")
    }

    /// Finds or adds a party, matched by ОГРН, then ИНН, then key; merges what each record says.
    fn upsert(&mut self, spec: Spec, subject: bool, place: usize) -> usize {
        // The same party: the same ОГРН; else the same ИНН or key, unless both have an ОГРН
        // and they differ (two legal entities never share one).
        let found = spec.identities().find_map(|i| self.by_id.get(i)).copied().filter(|&i| {
            match (&self.nodes[i].spec.ogrn, &spec.ogrn) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        });
        let i = match found {
            Some(i) => {
                let old = &mut self.nodes[i];
                let o = &mut old.spec;
                if subject && !old.subject {
                    o.kind = spec.kind;
                    o.name = spec.name.clone();
                    o.country = spec.country;
                    old.subject = true;
                    old.place = place;
                } else if spec.person && spec.citizenship_known {
                    if !o.citizenship_known {
                        o.kind = spec.kind;
                        o.citizenship = spec.citizenship.clone();
                        o.stateless = spec.stateless;
                        o.citizenship_known = true;
                        o.citizenship_source = spec.citizenship_source.clone();
                    } else if o.citizenship != spec.citizenship || o.stateless != spec.stateless {
                        // Records differ: every citizenship any record states is kept.
                        for c in &spec.citizenship {
                            if !o.citizenship.contains(c) {
                                o.citizenship.push(*c);
                            }
                        }
                        if !o.citizenship.is_empty() {
                            o.stateless = false;
                            o.kind = Some(PartyKind::Person);
                        }
                        let both = format!(
                            "{}; {}",
                            o.citizenship_source.clone().unwrap_or_default(),
                            spec.citizenship_source.clone().unwrap_or_default()
                        );
                        o.notes.push(format!("записи ЕГРЮЛ о гражданстве различаются: {both}"));
                        o.citizenship_source = Some(both);
                    }
                }
                if o.ogrn.is_none() {
                    o.ogrn = spec.ogrn.clone();
                }
                if o.inn.is_none() {
                    o.inn = spec.inn.clone();
                }
                for n in spec.notes {
                    if !o.notes.contains(&n) {
                        o.notes.push(n);
                    }
                }
                i
            }
            None => {
                self.nodes.push(Node { spec, subject, place, used: false });
                self.nodes.len() - 1
            }
        };
        let ids: Vec<String> = self.nodes[i].spec.identities().map(str::to_string).collect();
        for id in ids {
            self.by_id.entry(id).or_insert(i);
        }
        i
    }

    fn problem_of(&mut self, file: usize, ogrn: &str, reasons: &[String]) {
        let file_name = self.file_name(file).to_string();
        for r in reasons {
            self.strict_problems.push(Problem {
                record: RecordRef {
                    section: Section::Elements,
                    origin: Origin::default(),
                    label: format!("{file_name}: ОГРН {ogrn}: {}", r.split_once(": ").map(|(a, _)| a).unwrap_or(r)),
                },
                field: None,
                message: r.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or_default(),
            });
        }
    }

    fn build(mut self) -> Result<Graph, InputErrors> {
        let order = std::mem::take(&mut self.importer.order);
        let mut companies = std::mem::take(&mut self.importer.companies);
        let entries: Vec<Entry> = order.iter().filter_map(|k| companies.remove(k)).collect();
        // The companies first: their own records say what they are.
        let mut subjects = Vec::with_capacity(entries.len());
        for e in &entries {
            let r = &e.record;
            let v = &e.versions[e.chosen];
            let place = self.place(v.file, &r.ogrn, &r.at);
            let spec = Spec {
                kind: Some(r.kind),
                name: r.name.clone(),
                country: Some(Country::RU),
                ogrn: Some(r.ogrn.clone()),
                inn: r.inn.clone(),
                notes: r.notes.clone(),
                ..Spec::default()
            };
            let i = self.upsert(spec, true, place);
            self.nodes[i].used = true;
            subjects.push(i);
        }
        for (e, &subject) in entries.iter().zip(&subjects) {
            self.note_versions(e, subject);
            let v = &e.versions[e.chosen];
            let mut problems = e.record.problems.clone();
            problems.extend(check_founders(&e.record));
            if problems.is_empty() {
                self.relations_of(&e.record, v.file, subject);
            } else if self.importer.options.strict {
                self.problem_of(v.file, &e.record.ogrn, &problems);
            } else {
                let file = self.file_name(v.file).to_string();
                let reasons = problems.iter().map(|p| format!("{file}: ОГРН {}: {p}", e.record.ogrn)).collect();
                self.quarantine.push((subject, reasons));
            }
        }
        if !self.strict_problems.is_empty() {
            return Err(InputErrors {
                file: self.importer.files.join(", "),
                problems: self.strict_problems,
                files: Vec::new(),
            });
        }
        self.graph()
    }

    /// Notes on a company met in several documents: which versions, which one is used.
    fn note_versions(&mut self, e: &Entry, subject: usize) {
        if e.versions.len() < 2 {
            return;
        }
        let describe = |v: &Version| {
            let mut s = format!("{} СвЮЛ[{}] (строка {}", self.file_name(v.file), v.index, v.line);
            if let Some(d) = v.extract_date {
                s.push_str(&format!(", выписка от {d}"));
            }
            if let Some(d) = v.last_record {
                s.push_str(&format!(", последняя запись от {d}"));
            }
            s.push(')');
            s
        };
        let all: Vec<String> = e.versions.iter().map(describe).collect();
        let chosen = describe(&e.versions[e.chosen]);
        let differ = e.versions.iter().any(|v| v.fingerprint != e.versions[e.chosen].fingerprint);
        let mut note = format!(
            "ЕГРЮЛ: {} версии сведений об одной компании объединены, действует самая поздняя (не сумма): {chosen}; все версии: {}",
            e.versions.len(),
            all.join("; ")
        );
        if differ {
            note.push_str("; состав участников или доли в версиях различаются, учтена самая поздняя версия");
        }
        self.nodes[subject].spec.notes.push(note);
    }

    /// The relations a usable record gives.
    fn relations_of(&mut self, r: &Record, file: usize, subject: usize) {
        let source = match r.extract_date {
            Some(d) => format!("ЕГРЮЛ, выписка от {d} (ОГРН {})", r.ogrn),
            None => format!("ЕГРЮЛ (ОГРН {})", r.ogrn),
        };
        let held = self.nodes[subject].spec.kind.unwrap_or(PartyKind::Company);
        if held == PartyKind::Nonprofit {
            return self.governs(r, file, subject, &source);
        }
        if held != PartyKind::Company {
            if !r.founders.is_empty() {
                let names: Vec<&str> = r.founders.iter().map(|f| f.holder.name.as_str()).collect();
                self.nodes[subject].spec.notes.push(format!(
                    "{source}: учредители ({}) не образуют долей в организации вида {}",
                    names.join(", "),
                    held.as_str()
                ));
            }
            return;
        }
        let mut without_share = Vec::new();
        for f in &r.founders {
            let place = self.place(file, &r.ogrn, &f.at);
            let holder = self.holder(f, place);
            let Some(share) = f.share.clone() else {
                let who = r.name.clone();
                let notes: Vec<String> = f.notes.iter().map(|n| format!("участник {who}: {n}")).collect();
                self.nodes[holder].spec.notes.extend(notes);
                self.nodes[holder].used = true;
                without_share.push(self.nodes[holder].spec.name.clone());
                continue;
            };
            let s = Share::new(share).unwrap_or_default();
            self.rels.push(Rel {
                from: holder,
                to: subject,
                interest: Interest::Shares { capital: s.clone(), votes: s.clone() },
                of: None,
                since: f.since,
                source: source.clone(),
                notes: f.notes.clone(),
                place,
            });
            for d in &f.disposers {
                let dplace = self.place(file, &r.ogrn, &d.at);
                let who = self.upsert(d.who.clone(), false, dplace);
                self.rels.push(Rel {
                    from: who,
                    to: subject,
                    interest: Interest::VoteDisposal { votes: s.clone(), basis: d.basis, of: None },
                    of: Some(holder),
                    since: d.since.or(f.since),
                    source: source.clone(),
                    notes: vec![d.note.clone()],
                    place: dplace,
                });
            }
        }
        if !without_share.is_empty() {
            self.nodes[subject].spec.notes.push(format!(
                "{source}: размер доли не указан у участников {}: их доли входят в нераскрытую часть капитала",
                without_share.join(", ")
            ));
        }
        if let Some(t) = &r.treasury {
            let place = self.place(file, &r.ogrn, &t.at);
            let s = Share::new(t.share.clone()).unwrap_or_default();
            self.rels.push(Rel {
                from: subject,
                to: subject,
                interest: Interest::Shares { capital: s.clone(), votes: s },
                of: None,
                since: t.since,
                source,
                notes: t.notes.clone(),
                place,
            });
        }
    }

    /// The party holding a founder's stake: the founder, or, when the register marks its data
    /// unreliable, an undisclosed holder named after it.
    fn holder(&mut self, f: &Founder, place: usize) -> usize {
        let holder = match &f.unreliable {
            None => self.upsert(f.holder.clone(), false, place),
            Some(text) => {
                let id = f.holder.identities().next().unwrap_or(&f.holder.name).to_string();
                let spec = Spec {
                    kind: Some(PartyKind::Unknown),
                    name: format!("{} (сведения недостоверны)", f.holder.name),
                    key: Some(format!("недостоверно:{id}")),
                    notes: vec![format!(
                        "{text}: участник {} ({id}) учтён как нераскрытый держатель, его статус не доказан",
                        f.holder.name
                    )],
                    ..Spec::default()
                };
                self.upsert(spec, false, place)
            }
        };
        self.nodes[holder].used = true;
        holder
    }

    /// A nonprofit's founders form its supreme body, each an equal part.
    fn governs(&mut self, r: &Record, file: usize, subject: usize, source: &str) {
        if r.founders.is_empty() {
            return;
        }
        let mut holders: Vec<(usize, &Founder, usize)> = Vec::new();
        for f in &r.founders {
            let place = self.place(file, &r.ogrn, &f.at);
            let h = self.holder(f, place);
            if !holders.iter().any(|(x, _, _)| *x == h) {
                holders.push((h, f, place));
            }
        }
        let n = holders.len() as i64;
        let part = Share::new(Fraction::new(1, n)).unwrap_or_default();
        let reading = format!(
            "некоммерческая организация: её учредители ({n}) считаются формирующими высший орган управления в равных частях (по 1/{n}): ЕГРЮЛ не говорит, как формируется высший орган (прочтение owngraph; если устав говорит иное, укажите governs вручную)"
        );
        if !self.nodes[subject].spec.notes.contains(&reading) {
            self.nodes[subject].spec.notes.push(reading);
        }
        if holders.len() < r.founders.len() {
            self.nodes[subject].spec.notes.push(
                "один и тот же учредитель указан в ЕГРЮЛ несколько раз (через разные органы): учтён один раз".into(),
            );
        }
        for (h, f, place) in holders {
            let mut notes = f.notes.clone();
            notes.retain(|n| !n.starts_with("размер доли не указан"));
            if !f.disposers.is_empty() {
                notes.push(
                    "доверительное управление долей учредителя некоммерческой организации не учтено: голосов в ней нет"
                        .into(),
                );
            }
            self.rels.push(Rel {
                from: h,
                to: subject,
                interest: Interest::Governs { share: part.clone() },
                of: None,
                since: f.since,
                source: source.to_string(),
                notes,
                place,
            });
        }
    }

    fn describe(&self, p: &Problem) -> String {
        let place = matches!(p.record.section, Section::Parties | Section::Relations)
            .then(|| self.places.get(p.record.origin.index as usize))
            .flatten();
        match place {
            Some(pl) => format!(
                "{}: ОГРН {}: {} ({}): {}",
                self.file_name(pl.file),
                pl.ogrn,
                pl.at,
                p.record.label,
                match &p.field {
                    Some(f) => format!("{f}: {}", p.message),
                    None => p.message.clone(),
                }
            ),
            None => p.to_string(),
        }
    }

    fn graph(self) -> Result<Graph, InputErrors> {
        let mut b = GraphBuilder::new();
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let mut idx: Vec<Option<PartyIdx>> = vec![None; self.nodes.len()];
        let assume = self.importer.options.assume_citizenship;
        for (i, n) in self.nodes.iter().enumerate() {
            if !n.used && !self.rels.iter().any(|r| r.from == i || r.to == i || r.of == Some(i)) {
                continue;
            }
            let s = &n.spec;
            let base = s.ogrn.clone().or(s.inn.clone()).or(s.key.clone()).unwrap_or_else(|| s.name.clone());
            let count = used_ids.entry(base.clone()).or_insert(0);
            *count += 1;
            let id = if *count == 1 { base } else { format!("{base}-{count}") };
            let mut kind = s.kind.unwrap_or(PartyKind::Unknown);
            let mut p = Party::new(id, kind);
            p.name = s.name.as_str().into();
            let d = p.details_mut();
            d.ogrn = s.ogrn.clone();
            d.inn = s.inn.clone();
            d.notes = s.notes.clone();
            d.citizenship_source = s.citizenship_source.clone();
            if s.person {
                if s.citizenship_known {
                    d.stateless = s.stateless;
                    p.citizenship = s.citizenship.iter().copied().collect();
                } else if let Some(c) = assume {
                    kind = PartyKind::Person;
                    p.kind = kind;
                    p.citizenship = crate::model::Citizenships::one(c);
                    let d = p.details_mut();
                    d.citizenship_source = Some(format!(
                        "принято по параметру --assume-citizenship {c}: записи ЕГРЮЛ о лице не содержат СвГраждФЛ"
                    ));
                } else {
                    p.details_mut().notes.push(
                        "физическое лицо: записи ЕГРЮЛ не указывают его гражданство (нет СвГраждФЛ), поэтому лицо учтено как нераскрытое; --assume-citizenship задаёт гражданство таким лицам".into(),
                    );
                }
            }
            if !matches!(kind, PartyKind::Person | PartyKind::Unknown) {
                p.country = s.country;
            }
            if kind == PartyKind::Person && !p.citizenship.is_empty() {
                p.details_mut().stateless = false;
            }
            let line = self.places.get(n.place).map(|x| x.at.line).unwrap_or(0);
            p.origin = Origin { index: n.place as u32, line };
            idx[i] = b.add_party(p);
        }
        for (i, reasons) in &self.quarantine {
            if let Some(Some(p)) = idx.get(*i) {
                b.quarantine(*p, reasons.clone());
            }
        }
        for r in &self.rels {
            let (Some(Some(from)), Some(Some(to))) = (idx.get(r.from), idx.get(r.to)) else { continue };
            let interest = match &r.interest {
                Interest::VoteDisposal { votes, basis, .. } => {
                    let of = r.of.and_then(|o| idx.get(o).copied().flatten());
                    Interest::VoteDisposal { votes: votes.clone(), basis: *basis, of }
                }
                other => other.clone(),
            };
            let mut rel = Relation::new(*from, *to, interest);
            rel.since = r.since;
            rel.meta_mut().source = Some(r.source.clone());
            rel.meta_mut().notes = r.notes.clone();
            let line = self.places.get(r.place).map(|x| x.at.line).unwrap_or(0);
            rel.origin = Origin { index: r.place as u32, line };
            b.add_relation(rel);
        }
        let as_of = self.importer.as_of;
        let result = if self.importer.options.strict {
            b.finish(as_of)
        } else {
            b.finish_quarantining(as_of, &|p| self.describe(p))
        };
        result.map_err(|problems| InputErrors {
            file: self.importer.files.join(", "),
            files: Vec::new(),
            problems: problems
                .into_iter()
                .map(|mut p| {
                    if matches!(p.record.section, Section::Parties | Section::Relations) {
                        p.record.label = self.describe(&p);
                        p.record.section = Section::Elements;
                        p.record.origin.line = 0;
                        p.field = None;
                        p.message = String::new();
                    }
                    p
                })
                .collect(),
        })
    }
}

/// What makes a usable-looking record unusable: a founder listed twice, the company its own
/// founder, shares above the whole capital. A nonprofit's founders have no shares, and one
/// founder listed twice there (a public owner acting through two bodies) is one founder.
fn check_founders(r: &Record) -> Vec<String> {
    let mut out = Vec::new();
    let nonprofit = r.kind == PartyKind::Nonprofit;
    for (i, f) in r.founders.iter().enumerate() {
        if f.holder.ogrn.as_deref() == Some(r.ogrn.as_str()) || (f.holder.inn.is_some() && f.holder.inn == r.inn) {
            out.push(format!(
                "{}: the company is listed as its own founder (its own share is СвДоляООО, not a founder)",
                f.at
            ));
        }
        if nonprofit {
            continue;
        }
        if let Some(g) =
            r.founders[..i].iter().find(|g| g.holder.identities().any(|x| f.holder.identities().any(|y| x == y)))
        {
            let id = f.holder.identities().next().unwrap_or("");
            out.push(format!(
                "{}: founder {} ({id}) is listed twice, also at {}: which entry holds which share is not known",
                f.at, f.holder.name, g.at.path
            ));
        }
    }
    if !nonprofit {
        let mut total: Fraction = r.founders.iter().filter_map(|f| f.share.clone()).sum();
        if let Some(t) = &r.treasury {
            total += &t.share;
        }
        if total > Fraction::one() {
            out.push(format!(
                "{}: the founders' shares{} sum to {total} ({} %) of the charter capital, more than the whole",
                r.at,
                if r.treasury.is_some() { " and the company's own share" } else { "" },
                total.percent(4)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::record::{decimals, within};
    use super::*;

    #[test]
    fn codes_of_the_register() {
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
}
