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
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut first = Vec::new();
    match read_line(&mut std::io::BufReader::new(f), &mut first, MAX_LINE_BYTES) {
        Ok(LineRead::Line) => std::str::from_utf8(&first).is_ok_and(bods::looks_like_bods),
        _ => false,
    }
}

/// The longest line read from a line-oriented input (a JSON Lines record, a line of a CSV file):
/// 16 MiB, far beyond any record, so that one endless line is reported instead of filling memory.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LineRead {
    /// A line, in the buffer without its line break.
    Line,
    /// A line longer than the limit: reading stops there (the rest may never end).
    TooLong,
    /// The end of the input.
    End,
}

/// Reads one line into `buf` (without `\n` or `\r\n`), never holding more than `max` bytes.
pub(crate) fn read_line(r: &mut impl std::io::BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<LineRead> {
    buf.clear();
    let mut any = false;
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok(if any { LineRead::Line } else { LineRead::End });
        }
        any = true;
        let (take, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (avail.len(), false),
        };
        if buf.len() + take > max {
            buf.clear();
            return Ok(LineRead::TooLong);
        }
        buf.extend_from_slice(&avail[..take]);
        r.consume(take + usize::from(done));
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(LineRead::Line);
        }
    }
}

/// What is wrong with a line over [`MAX_LINE_BYTES`].
pub(crate) fn line_too_long() -> String {
    format!(
        "longer than {} MiB, more than any record takes (is this the right file?); the rest of the file is not read",
        MAX_LINE_BYTES >> 20
    )
}

/// A reader that fails with [`LineTooLong`] on a line over `max` bytes, for readers (the CSV
/// one) that would otherwise buffer a whole line whatever its length.
pub(crate) struct LineCapped<R> {
    inner: R,
    max: usize,
    /// Bytes since the last line break.
    run: usize,
    /// Line breaks seen.
    lines: u64,
}

impl<R> LineCapped<R> {
    pub(crate) fn new(inner: R, max: usize) -> LineCapped<R> {
        LineCapped { inner, max, run: 0, lines: 0 }
    }
}

/// The error [`LineCapped`] gives, with the 1-based line that is too long.
#[derive(Debug)]
pub(crate) struct LineTooLong(pub u64);

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.0, line_too_long())
    }
}

impl std::error::Error for LineTooLong {}

impl<R: std::io::Read> std::io::Read for LineCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.lines += 1;
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > self.max {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, LineTooLong(self.lines + 1)));
                }
            }
        }
        Ok(n)
    }
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
