//! JSON Lines for large inputs: one record per line, a party (it has `kind`) or a relation (it
//! has `type`), with the fields of the native JSON format. Streamed line by line; relations may
//! come before the parties they name; every problem is reported with its line.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{RawParty, RawRelation, read_party, relation_fields};
use super::records::{RelationFields, add_relation};
use super::{InputErrors, LineRead, MAX_LINE_BYTES, line_too_long, read_line};
use crate::model::{Graph, GraphBuilder, Origin, Problem, RecordRef, Section};

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

/// Reads a JSON Lines file.
pub fn parse(path: &Path, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, f);
    let mut b = GraphBuilder::new();
    let mut deferred: Vec<(RelationFields<'static>, Origin)> = Vec::new();
    let (mut parties, mut relations) = (0u32, 0u32);
    let problem = |section, origin, message: String| Problem {
        record: RecordRef { section, origin, label: String::new() },
        field: None,
        message,
    };
    let mut bytes = Vec::new();
    for i in 0.. {
        let line_no = i as u32 + 1;
        let document = |message| problem(Section::Document, Origin { index: 0, line: line_no }, message);
        match read_line(&mut reader, &mut bytes, MAX_LINE_BYTES) {
            Ok(LineRead::Line) => {}
            Ok(LineRead::End) => break,
            Ok(LineRead::TooLong) => {
                b.problem(document(format!("line {line_no}: {}", line_too_long())));
                break;
            }
            Err(e) => {
                b.problem(document(format!("line {line_no}: cannot read: {e}")));
                break;
            }
        }
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                b.problem(document(format!(
                    "line {line_no}: not UTF-8 text (invalid byte at column {})",
                    e.valid_up_to() + 1
                )));
                continue;
            }
        };
        let text = if i == 0 { text.trim_start_matches('\u{feff}') } else { text };
        if text.trim().is_empty() {
            continue;
        }
        let probe: Probe = match serde_json::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                b.problem(document(format!("line {line_no}: not a JSON object: {}", clean(&e))));
                continue;
            }
        };
        if probe.kind_of_relation.is_some() {
            let origin = Origin { index: relations, line: line_no };
            relations += 1;
            match serde_json::from_str::<RawRelation>(text) {
                Ok(r) => {
                    let f = relation_fields(r);
                    // A plain lookup: the message for an unknown id (with its suggestions) is made
                    // only if the id is still unknown at the end.
                    let known =
                        b.contains(&f.from) && b.contains(&f.to) && f.of.as_deref().is_none_or(|o| b.contains(o));
                    if known { add_relation(&mut b, f, origin) } else { deferred.push((f.into_owned(), origin)) }
                }
                Err(e) => b.problem(problem(Section::Relations, origin, clean(&e))),
            }
        } else if probe.kind.is_some() {
            let origin = Origin { index: parties, line: line_no };
            parties += 1;
            match serde_json::from_str::<RawParty>(text) {
                Ok(p) => read_party(&mut b, p, origin),
                Err(e) => b.problem(problem(Section::Parties, origin, clean(&e))),
            }
        } else {
            b.problem(document(format!("line {line_no}: neither a party (no \"kind\") nor a relation (no \"type\")")));
        }
    }
    for (f, origin) in deferred {
        add_relation(&mut b, f, origin);
    }
    b.finish(as_of).map_err(|problems| InputErrors { file: name, problems, files: Vec::new() })
}
