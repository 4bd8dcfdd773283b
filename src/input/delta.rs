//! A delta (`screen REGISTER --changes DELTA`, issue 15): the parties whose state changed, in
//! native JSON, JSON Lines, the CSV pair, or EGRUL XML (see [`egrul`] below). Each party record of
//! the delta replaces the register's record with the same id (or adds the party), and the
//! relations into it, of every type, become exactly those the delta gives, as in the FNS daily
//! files (the whole current state of each changed company). A relation's holder (or the owner
//! of the votes it disposes of) may be a party of the register the delta does not restate;
//! a relation into such a party, or a quarantine entry for it, is refused (the delta would then
//! not restate that party's holders). Parties removed from the register are listed apart
//! (`--removed`): each goes with the relations into and out of it, so the delta may not name it.
//!
//! The delta is read by the format's own reader, given first the register's records of the
//! parties its relations name and it does not define ("known" parties), so every problem is
//! reported with its file, record and field as for any input.
//!
//! An EGRUL delta is an FNS package (`.xml`, a `.zip` of them, or their directory) read by the
//! EGRUL importer with the options given (those the register was read with): each company with
//! a `СвЮЛ` record of its own in it is restated, its founders becoming exactly its holders, as a
//! full import of the register's files followed by the package would give (the later version
//! of a company wins there too). A founder, trustee or fund the package names without a record
//! of its own is the register's party of the same id (ОГРН, ИНН) when the register has one,
//! else a new party. A register party stays even when the package names it no more (a full
//! import would drop a founder that no record names, though nothing says it ceased; its row,
//! without holders, is the same either way); `--removed` removes parties.

use std::path::Path;

use rustc_hash::FxHashSet;

use super::{InputErrors, LoadOptions};
use crate::model::{Graph, Interest, Origin, Party, PartyIdx, Problem, RecordRef, Section};

/// A delta as read: its graph (the known parties first, then its own) and how many parties
/// are known ones.
pub struct Delta {
    /// The delta's parties and relations, checked as any input is.
    pub graph: Graph,
    /// The first `known` parties of `graph` are register parties it names without restating.
    pub known: usize,
    /// The ids of register parties removed, with every relation into or out of them.
    pub removed: Vec<String>,
}

impl Delta {
    /// True for a party the delta restates (not a known one).
    pub fn restates(&self, p: PartyIdx) -> bool {
        p.index() >= self.known
    }
}

/// The ids a delta defines and the ids its relations and quarantine entries name, read
/// leniently (anything unreadable is left to the format's reader to report).
fn scan(paths: &[&Path]) -> (FxHashSet<String>, Vec<String>) {
    let (mut defined, mut named) = (FxHashSet::default(), Vec::new());
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_string);
    let relation = |v: &serde_json::Value, named: &mut Vec<String>| {
        named.extend(["from", "to", "of"].iter().filter_map(|k| text(v, k)));
    };
    match format_of(paths) {
        Format::Csv(parties, relations) => {
            let ids = |path: &Path, cols: &[&str], out: &mut dyn FnMut(String)| {
                let Ok(f) = std::fs::File::open(path) else { return };
                // Lines as long as the reader allows, no longer (it reports the rest).
                let mut r = ::csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(super::LineCapped::new(f, super::MAX_LINE_BYTES));
                let Ok(h) = r.headers() else { return };
                let at: Vec<usize> = cols.iter().filter_map(|c| h.iter().position(|x| x.trim() == *c)).collect();
                for rec in r.records().map_while(Result::ok) {
                    at.iter()
                        .filter_map(|&i| rec.get(i))
                        .filter(|s| !s.trim().is_empty())
                        .for_each(|s| out(s.to_string()));
                }
            };
            ids(&parties, &["id"], &mut |s| {
                defined.insert(s);
            });
            ids(&relations, &["from", "to", "of"], &mut |s| named.push(s));
        }
        Format::Json(path) => {
            let Ok(text) = super::read_text(&path) else { return (defined, named) };
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else { return (defined, named) };
            let list = |k: &str| doc.get(k).and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
            defined.extend(list("parties").iter().filter_map(|p| text_of(p, "id")));
            list("relations").iter().for_each(|r| relation(r, &mut named));
            named.extend(list("quarantined").iter().filter_map(|q| text_of(q, "id")));
        }
        Format::Lines(path) => {
            let Ok(f) = std::fs::File::open(&path) else { return (defined, named) };
            let (mut reader, mut line) = (std::io::BufReader::new(f), Vec::new());
            while let Ok(super::LineRead::Line) = super::read_line(&mut reader, &mut line, super::MAX_LINE_BYTES) {
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else { continue };
                if v.get("type").is_some() {
                    relation(&v, &mut named);
                } else if let Some(id) = text_of(&v, "id") {
                    defined.insert(id);
                }
            }
        }
        Format::Egrul | Format::Other(_) => {}
    }
    (defined, named)
}

fn text_of(v: &serde_json::Value, k: &str) -> Option<String> {
    v.get(k).and_then(serde_json::Value::as_str).map(str::to_string)
}

enum Format {
    Csv(std::path::PathBuf, std::path::PathBuf),
    Json(std::path::PathBuf),
    Lines(std::path::PathBuf),
    /// EGRUL XML: a package, a `.zip` of them, or their directory.
    Egrul,
    Other(String),
}

fn format_of(paths: &[&Path]) -> Format {
    match paths {
        [dir] if dir.is_dir() => {
            let (p, r) = (dir.join("parties.csv"), dir.join("relations.csv"));
            if p.exists() && r.exists() { Format::Csv(p, r) } else { Format::Egrul }
        }
        [one] => {
            if super::snapshot::is_snapshot(one) {
                return Format::Other("a snapshot".into());
            }
            match one.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("jsonl" | "ndjson") => Format::Lines(one.to_path_buf()),
                Some("json") => Format::Json(one.to_path_buf()),
                Some("csv") => Format::Other("one CSV file (a CSV graph is a pair)".into()),
                _ if super::egrul_source(one) => Format::Egrul,
                _ => Format::Other("neither .json, .jsonl, a CSV pair nor EGRUL XML".into()),
            }
        }
        [a, b] => {
            let is_parties =
                |p: &Path| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.to_lowercase().starts_with("part"));
            if is_parties(b) && !is_parties(a) {
                Format::Csv(b.to_path_buf(), a.to_path_buf())
            } else {
                Format::Csv(a.to_path_buf(), b.to_path_buf())
            }
        }
        _ => Format::Other("more than two files".into()),
    }
}

/// Reads a delta as of `options.as_of` (the register's date; the EGRUL options should be those
/// the register was read with). `register` gives the register's record of an id, if it has one
/// (an error when the register cannot be read).
/// `removed` are the ids of register parties removed: the delta may neither restate nor name
/// them.
pub fn load(
    paths: &[&Path],
    options: &LoadOptions,
    register: &dyn Fn(&str) -> Result<Option<Party>, String>,
    removed: &[String],
) -> Result<Delta, InputErrors> {
    let as_of = options.as_of;
    let name = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" + ");
    if let Format::Other(what) = format_of(paths) {
        return Err(InputErrors::whole(
            &name,
            format!(
                "a delta is a native JSON file (.json), JSON Lines (.jsonl), a CSV pair (parties.csv and relations.csv, or their directory) or EGRUL XML (an FNS package .xml, a .zip of them or their directory); this is {what}"
            ),
        ));
    }
    if let Format::Egrul = format_of(paths) {
        let (graph, known) = egrul(paths, options, register, removed, &name)?;
        return checked(Delta { graph, known, removed: removed.to_vec() }, name, Vec::new());
    }
    let (defined, named) = scan(paths);
    let gone: FxHashSet<&str> = removed.iter().map(String::as_str).collect();
    let mut seen = FxHashSet::default();
    let mut known = Vec::new();
    for id in named {
        // A removed party is unknown to the delta: naming it is reported with the record.
        if defined.contains(&id) || gone.contains(id.as_str()) || !seen.insert(id.clone()) {
            continue;
        }
        // An id the register does not have either is reported by the reader, with its record.
        if let Some(p) = register(&id).map_err(|m| InputErrors::whole(&name, format!("the register: {m}")))? {
            known.push(p);
        }
    }
    let graph = match format_of(paths) {
        Format::Csv(p, r) => super::csv::parse_pair_with(&p, &r, as_of, &known)?,
        Format::Json(p) => super::json::parse_with(&p.display().to_string(), &super::read_text(&p)?, as_of, &known)?,
        Format::Lines(p) => super::jsonl::parse_with(&p, as_of, &known)?,
        Format::Egrul | Format::Other(_) => unreachable_format(&name)?,
    };
    let files = match format_of(paths) {
        Format::Csv(p, r) => {
            vec![(Section::Parties, p.display().to_string()), (Section::Relations, r.display().to_string())]
        }
        _ => Vec::new(),
    };
    checked(Delta { graph, known: known.len(), removed: removed.to_vec() }, name, files)
}

/// The delta, unless it removes a party it restates, or gives a relation or a quarantine
/// entry into a register party it does not restate.
fn checked(delta: Delta, name: String, files: Vec<(Section, String)>) -> Result<Delta, InputErrors> {
    let gone: FxHashSet<&str> = delta.removed.iter().map(String::as_str).collect();
    let g = &delta.graph;
    let mut problems = Vec::new();
    for p in g.party_indices().filter(|&p| delta.restates(p) && gone.contains(g.party(p).id.as_str())) {
        problems.push(Problem::party(g.party(p), "the party is both restated by the delta and removed"));
    }
    for r in g.relations() {
        if !delta.restates(r.to) {
            problems.push(Problem {
                record: RecordRef { section: Section::Relations, origin: r.origin, label: crate::model::relation_label(g.parties(), r) },
                field: Some("to".into()),
                message: format!(
                    "\"{}\" is a party of the register the delta does not restate: a delta gives each changed party's record with every relation into it",
                    g.party(r.to).id
                ),
            });
        }
    }
    for q in g.quarantined() {
        if !delta.restates(q.party) {
            problems.push(Problem {
                record: RecordRef {
                    section: Section::Document,
                    origin: Origin::default(),
                    label: g.party(q.party).id.to_string(),
                },
                field: None,
                message: "a quarantine entry for a party of the register the delta does not restate".into(),
            });
        }
    }
    if problems.is_empty() { Ok(delta) } else { Err(InputErrors { file: name, problems, files }) }
}

/// An EGRUL delta: the graph of the package(s), its parties that are not companies with a
/// record of their own replaced by the register's records of the same id (and placed first),
/// and how many were replaced.
fn egrul(
    paths: &[&Path],
    options: &LoadOptions,
    register: &dyn Fn(&str) -> Result<Option<Party>, String>,
    removed: &[String],
    name: &str,
) -> Result<(Graph, usize), InputErrors> {
    let importer = super::read_egrul(paths, options)?;
    let restated: FxHashSet<String> = importer.companies().map(str::to_string).collect();
    let read = importer.finish()?;
    let gone: FxHashSet<&str> = removed.iter().map(String::as_str).collect();
    let mut at: Vec<Option<PartyIdx>> = vec![None; read.len()];
    let mut known = Vec::new();
    let mut named_gone = Vec::new();
    for p in read.party_indices() {
        let id = &read.party(p).id;
        if restated.contains(id.as_str()) {
            continue;
        }
        if gone.contains(id.as_str()) {
            named_gone.push(Problem::party(read.party(p), "the package names a party removed with --removed"));
            continue;
        }
        if let Some(r) = register(id).map_err(|m| InputErrors::whole(name, format!("the register: {m}")))? {
            at[p.index()] = Some(PartyIdx::new(known.len()));
            known.push(r);
        }
    }
    if !named_gone.is_empty() {
        return Err(InputErrors { file: name.to_string(), problems: named_gone, files: Vec::new() });
    }
    let mut b = super::seeded(&known);
    for p in read.party_indices() {
        if at[p.index()].is_none() {
            at[p.index()] = b.add_party(read.party(p).clone());
        }
    }
    let moved = |p: PartyIdx| at[p.index()].ok_or_else(|| InputErrors::whole(name, "a party id given twice"));
    for r in read.relations() {
        let mut r = r.clone();
        (r.from, r.to) = (moved(r.from)?, moved(r.to)?);
        if let Interest::VoteDisposal { votes, basis, of: Some(of) } = r.interest() {
            r.set_interest(Interest::VoteDisposal { votes, basis, of: Some(moved(of)?) });
        }
        b.add_relation(r);
    }
    for q in read.quarantined() {
        b.quarantine(moved(q.party)?, q.reasons.clone());
    }
    let graph = b.finish(options.as_of).map_err(|problems| InputErrors {
        file: name.to_string(),
        problems,
        files: Vec::new(),
    })?;
    Ok((graph, known.len()))
}

fn unreachable_format(name: &str) -> Result<Graph, InputErrors> {
    Err(InputErrors::whole(name, "not a delta format"))
}
