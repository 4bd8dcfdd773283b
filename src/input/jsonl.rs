//! JSON Lines for large inputs: one record per line, a party (it has `kind`) or a relation (it
//! has `type`), with the fields of the native JSON format. Streamed line by line; relations may
//! come before the parties they name; every problem is reported with its line.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{RawParty, RawRelation, build_party, relation_fields};
use super::records::{RelationFields, add_relation, insert_party};
use super::{InputErrors, LineRead, MAX_LINE_BYTES, line_too_long, read_line};
use crate::model::{Graph, Origin, Party, Problem, RecordRef, Section};

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "type", default)]
    kind_of_relation: Option<IgnoredAny>,
    #[serde(default)]
    kind: Option<IgnoredAny>,
}

fn clean(e: &serde_json::Error) -> String {
    let m = e.to_string();
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

/// A line, parsed (in parallel) but not yet added to the graph.
enum Parsed {
    Blank,
    Party(Box<(Party, Vec<Problem>)>),
    Relation(Box<RelationFields<'static>>, Origin),
    Problem(Problem),
}

fn problem(section: Section, origin: Origin, message: String) -> Problem {
    Problem { record: RecordRef { section, origin, label: String::new() }, field: None, message }
}

/// One line: `kind` says a party, `type` a relation. Origins' indices are filled in order later.
fn parse_line(text: &str, line_no: u32) -> Parsed {
    let text = if line_no == 1 { text.trim_start_matches('\u{feff}') } else { text };
    if text.trim().is_empty() {
        return Parsed::Blank;
    }
    let at = Origin { index: 0, line: line_no };
    let probe: Probe = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            return Parsed::Problem(problem(
                Section::Document,
                at,
                format!("line {line_no}: not a JSON object: {}", clean(&e)),
            ));
        }
    };
    if probe.kind_of_relation.is_some() {
        match serde_json::from_str::<RawRelation>(text) {
            Ok(r) => Parsed::Relation(Box::new(relation_fields(r).into_owned()), at),
            Err(e) => Parsed::Problem(problem(Section::Relations, at, clean(&e))),
        }
    } else if probe.kind.is_some() {
        match serde_json::from_str::<RawParty>(text) {
            Ok(p) => Parsed::Party(Box::new(build_party(p, at))),
            Err(e) => Parsed::Problem(problem(Section::Parties, at, clean(&e))),
        }
    } else {
        Parsed::Problem(problem(
            Section::Document,
            at,
            format!("line {line_no}: neither a party (no \"kind\") nor a relation (no \"type\")"),
        ))
    }
}

/// Lines read and parsed at once.
const BATCH: usize = 1 << 15;

/// A line as read: its text, or what is wrong with its bytes (not UTF-8).
type Line = Result<String, String>;

/// How a batch ended early: the file could not be read, or a line is over [`MAX_LINE_BYTES`]
/// (the rest may never end, so reading stops there).
enum Stop {
    Unreadable(String),
    TooLong,
}

/// Reads up to a batch of lines, none longer than [`MAX_LINE_BYTES`].
fn read_batch(reader: &mut impl std::io::BufRead, bytes: &mut Vec<u8>, into: &mut Vec<Line>) -> Result<(), Stop> {
    into.clear();
    while into.len() < BATCH {
        match read_line(reader, bytes, MAX_LINE_BYTES) {
            Ok(LineRead::Line) => into.push(match std::str::from_utf8(bytes) {
                Ok(t) => Ok(t.to_string()),
                Err(e) => Err(format!("not UTF-8 text (invalid byte at column {})", e.valid_up_to() + 1)),
            }),
            Ok(LineRead::End) => break,
            Ok(LineRead::TooLong) => return Err(Stop::TooLong),
            Err(e) => return Err(Stop::Unreadable(e.to_string())),
        }
    }
    Ok(())
}

/// Adds parsed lines in file order, counting the parties and relations (`counts`) to give each
/// record its index; a relation whose ends are not all known yet waits in `deferred`.
fn add_parsed(
    b: &mut crate::model::GraphBuilder,
    parsed: &mut Vec<Parsed>,
    (parties, relations): &mut (u32, u32),
    deferred: &mut Vec<(RelationFields<'static>, Origin)>,
) {
    for i in 0..parsed.len() {
        // The ends of the relation a few lines ahead fetched into the cache meanwhile.
        if let Some(Parsed::Relation(f, _)) = parsed.get(i + super::RESOLVE_AHEAD) {
            let ids = b.ids();
            ids.prefetch(&f.from);
            ids.prefetch(&f.to);
        }
        match std::mem::replace(&mut parsed[i], Parsed::Blank) {
            Parsed::Blank => {}
            Parsed::Problem(mut p) => {
                match p.record.section {
                    Section::Parties => {
                        p.record.origin.index = *parties;
                        *parties += 1;
                    }
                    Section::Relations => {
                        p.record.origin.index = *relations;
                        *relations += 1;
                    }
                    _ => {}
                }
                b.problem(p);
            }
            Parsed::Party(built) => {
                let (mut party, mut problems) = *built;
                party.origin.index = *parties;
                super::at_index(&mut problems, Section::Parties, *parties);
                *parties += 1;
                insert_party(b, party, problems);
            }
            Parsed::Relation(f, mut origin) => {
                origin.index = *relations;
                *relations += 1;
                // A plain lookup: the message for an unknown id (with its suggestions) is made
                // only if the id is still unknown at the end.
                let known = b.contains(&f.from) && b.contains(&f.to) && f.of.as_deref().is_none_or(|o| b.contains(o));
                if known { add_relation(b, *f, origin) } else { deferred.push((*f, origin)) }
            }
        }
    }
    parsed.clear();
}

/// Reads a JSON Lines file: batches of lines parsed in parallel while the next batch is read,
/// then added in file order (a relation whose ends come later waits for the end).
pub fn parse(path: &Path, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    parse_with(path, as_of, &[])
}

/// As [`parse`], the builder first given `known` parties (see [`super::json::parse_with`]).
pub(crate) fn parse_with(path: &Path, as_of: NaiveDate, known: &[crate::model::Party]) -> Result<Graph, InputErrors> {
    use rayon::prelude::*;
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    let size = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, f);
    let mut bytes = Vec::new();
    let mut b = super::seeded(known);
    b.reserve(size / 120, size / 120);
    let mut deferred: Vec<(RelationFields<'static>, Origin)> = Vec::new();
    let (mut batch, mut next) = (Vec::new(), Vec::new());
    let mut failed = read_batch(&mut reader, &mut bytes, &mut batch).err();
    let mut first = 1u32;
    // The batch before, parsed, waiting to be added: one worker adds it (the serial part) while
    // the other reads the next batch and then parses this one, which the first joins.
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut counts = (0u32, 0u32);
    loop {
        let current = &batch;
        let ((), (now, more)) = rayon::join(
            || add_parsed(&mut b, &mut parsed, &mut counts, &mut deferred),
            || {
                let more = if failed.is_none() {
                    read_batch(&mut reader, &mut bytes, &mut next)
                } else {
                    next.clear();
                    Ok(())
                };
                let now: Vec<Parsed> = current
                    .par_iter()
                    .enumerate()
                    .map(|(i, line)| {
                        let line_no = first + i as u32;
                        match line {
                            Ok(t) => parse_line(t, line_no),
                            Err(why) => Parsed::Problem(problem(
                                Section::Document,
                                Origin { index: 0, line: line_no },
                                format!("line {line_no}: {why}"),
                            )),
                        }
                    })
                    .collect();
                (now, more)
            },
        );
        parsed = now;
        first += batch.len() as u32;
        if let Err(e) = more {
            failed = Some(e);
        }
        std::mem::swap(&mut batch, &mut next);
        if batch.is_empty() {
            break;
        }
    }
    add_parsed(&mut b, &mut parsed, &mut counts, &mut deferred);
    if let Some(stop) = failed {
        let line_no = first;
        let why = match stop {
            Stop::Unreadable(e) => format!("cannot read: {e}"),
            Stop::TooLong => line_too_long(),
        };
        b.problem(problem(Section::Document, Origin { index: 0, line: line_no }, format!("line {line_no}: {why}")));
    }
    for (f, origin) in deferred {
        add_relation(&mut b, f, origin);
    }
    b.finish(as_of).map_err(|problems| InputErrors { file: name, problems, files: Vec::new() })
}
