//! Input formats: each reads a file into the [`model`](crate::model) and reports every problem
//! with the file, the record and the field. The native format is JSON (docs/DOMAIN.md, "Parties",
//! "Relations"), with JSON Lines ([`jsonl`]) and the CSV pair ([`csv`]) for large inputs;
//! BODS 0.4 ([`bods`]) and EGRUL extracts ([`egrul`]) convert into the same model.
//! [`load`] tells the formats apart by their content.

pub mod bods;
pub mod csv;
pub mod declaration;
pub mod egrul;
pub mod json;
pub mod jsonl;
pub mod records;

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use crate::model::{Graph, Problem};

/// Everything wrong with one input: all problems, not only the first, each naming the file.
#[derive(Debug, Clone)]
pub struct InputErrors {
    /// The file, as the user named it.
    pub file: String,
    /// The problems found.
    pub problems: Vec<Problem>,
    /// For inputs of several files: the file of each section (parties, relations).
    pub files: Vec<(crate::model::Section, String)>,
}

impl InputErrors {
    /// A single problem with the file as a whole (unreadable, not JSON, ...).
    pub fn whole(file: &str, message: impl Into<String>) -> InputErrors {
        InputErrors { file: file.to_string(), problems: vec![Problem::document(message)], files: Vec::new() }
    }
}

impl InputErrors {
    /// Each problem as one line of text, `file: record: field: message`, in order.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.problems.iter().map(|p| {
            let file = self.files.iter().find(|(s, _)| *s == p.record.section).map(|(_, f)| f).unwrap_or(&self.file);
            format!("{file}: {p}")
        })
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&line)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// Reads a graph as of `as_of` from one path or a pair, choosing the format from the files:
/// native JSON (`.json`), JSON Lines (`.jsonl`, `.ndjson`), or the CSV pair (`parties.csv` and
/// `relations.csv`, given both or as their directory).
pub fn load_paths(paths: &[&Path], as_of: NaiveDate) -> Result<Graph, InputErrors> {
    match paths {
        [one] => load(one, as_of),
        [a, b] => {
            let is = |p: &Path, stem: &str| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.to_lowercase().starts_with(stem))
            };
            match (is(a, "part"), is(b, "part")) {
                (true, false) => csv::parse_pair(a, b, as_of),
                (false, true) => csv::parse_pair(b, a, as_of),
                _ => csv::parse_pair(a, b, as_of),
            }
        }
        _ => Err(InputErrors::whole(
            "(input)",
            "give one graph file, a directory with parties.csv and relations.csv, or those two files",
        )),
    }
}

/// Reads a graph from `path` as of `as_of`, choosing the format from the file (see [`load_paths`]).
pub fn load(path: &Path, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    let name = path.display().to_string();
    if path.is_dir() {
        let (p, r) = (path.join("parties.csv"), path.join("relations.csv"));
        if p.exists() && r.exists() {
            return csv::parse_pair(&p, &r, as_of);
        }
        return Err(InputErrors::whole(&name, "a directory must hold parties.csv and relations.csv"));
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "jsonl" | "ndjson" if !first_line_is_bods(path) => return jsonl::parse(path, as_of),
        "csv" => {
            return Err(InputErrors::whole(
                &name,
                "a CSV graph is a pair: give parties.csv and relations.csv, or their directory",
            ));
        }
        _ => {}
    }
    let bytes = std::fs::read(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    if egrul::looks_like_xml(&bytes) {
        return egrul::parse_files(&[(name, bytes)], &egrul::Options::default(), as_of);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        InputErrors::whole(&name, format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    if bods::looks_like_bods(&text) {
        return bods::parse(&name, &text, as_of);
    }
    json::parse(&name, &text, as_of)
}

/// True when the first line of a JSON Lines file is a BODS statement.
fn first_line_is_bods(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut first = String::new();
    let _ = std::io::BufReader::new(f).read_line(&mut first);
    bods::looks_like_bods(&first)
}

/// Parses an ISO date (`2026-11-23`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date (write YYYY-MM-DD)"))
}

/// A bundled worked example (`fixtures/example-NN.json`, target `T`) as of 2026-01-01, for
/// unit tests.
#[cfg(test)]
pub(crate) fn example(n: u32) -> Graph {
    let path = format!("{}/fixtures/example-{n:02}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("bundled fixture");
    json::parse(&path, &text, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")).expect("valid fixture")
}
