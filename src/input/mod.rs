//! Input formats: each reads a file into the [`model`](crate::model) and reports every problem
//! with the file, the record and the field. The native format is JSON (docs/DOMAIN.md, "Parties",
//! "Relations"), with JSON Lines ([`jsonl`]) and the CSV pair ([`csv`]) for large inputs;
//! BODS 0.1–0.4 ([`bods`], also gzip-compressed) and EGRUL extracts ([`egrul`]) convert into the same model.
//! [`load`] tells the formats apart by their content.

pub mod bods;
pub mod csv;
mod csv_blocks;
pub mod declaration;
pub mod delta;
pub mod egrul;
pub mod json;
pub mod jsonl;
pub mod records;
pub mod snapshot;

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use rayon::prelude::*;

use crate::model::{Graph, GraphBuilder, Party, Problem};

/// A builder holding `known` parties already (see [`json::parse_with`]).
fn seeded(known: &[Party]) -> GraphBuilder {
    let mut b = GraphBuilder::new();
    b.reserve(known.len(), 0);
    for p in known {
        b.add_party(p.clone());
    }
    b
}

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

/// How to read the inputs: the date of the analysis and, for EGRUL, what to assume and how
/// strict to be.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Only relations in force on this date count.
    pub as_of: NaiveDate,
    /// EGRUL options (citizenship to assume, quarantine or all-or-nothing).
    pub egrul: egrul::Options,
}

impl LoadOptions {
    /// Default options for a date.
    pub fn at(as_of: NaiveDate) -> LoadOptions {
        LoadOptions { as_of, egrul: egrul::Options::default() }
    }
}

/// Reads a graph as of `as_of` from one path or a pair, choosing the format from the files:
/// native JSON (`.json`), JSON Lines (`.jsonl`, `.ndjson`), the CSV pair (`parties.csv` and
/// `relations.csv`, given both or as their directory), BODS, or EGRUL XML (see [`load_inputs`]).
pub fn load_paths(paths: &[&Path], as_of: NaiveDate) -> Result<Graph, InputErrors> {
    load_inputs(paths, &LoadOptions::at(as_of))
}

/// An input that is EGRUL: an XML file, a directory of them, or a `.zip` of them.
pub(crate) fn egrul_source(path: &Path) -> bool {
    if path.is_dir() {
        return !(path.join("parties.csv").exists() && path.join("relations.csv").exists());
    }
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    head[..n].starts_with(b"PK\x03\x04") || egrul::looks_like_xml(&head[..n])
}

/// Reads every input into one graph. EGRUL inputs (XML files, directories holding XML files,
/// `.zip` archives of them, any mix) merge into one graph; otherwise one graph file (native
/// JSON, JSON Lines, BODS) or the CSV pair.
pub fn load_inputs(paths: &[&Path], options: &LoadOptions) -> Result<Graph, InputErrors> {
    if !paths.is_empty() && paths.iter().all(|p| egrul_source(p)) {
        return load_egrul(paths, options);
    }
    let graph = load_graph_files(paths, options.as_of)?;
    // `--strict`: any record set aside refuses the whole input, whatever its format.
    if options.egrul.strict && !graph.quarantined().is_empty() {
        let file = paths.first().map(|p| p.display().to_string()).unwrap_or_default();
        let g = &graph;
        let reasons: Vec<String> = g
            .quarantined()
            .iter()
            .flat_map(|q| q.reasons.iter().map(move |r| format!("{}: {r}", g.party(q.party).id)))
            .collect();
        return Err(InputErrors::whole(
            &file,
            format!("--strict: {} record(s) have problems: {}", graph.quarantined().len(), reasons.join("; ")),
        ));
    }
    Ok(graph)
}

/// One graph file, or the CSV pair.
fn load_graph_files(paths: &[&Path], as_of: NaiveDate) -> Result<Graph, InputErrors> {
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
            "give one graph file, a directory with parties.csv and relations.csv, those two files, or EGRUL XML files, directories or .zip archives",
        )),
    }
}

/// The XML files and archives under a directory, in name order, subdirectories included
/// (walked with a stack, not recursion).
fn egrul_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, InputErrors> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let name = d.display().to_string();
        let entries = std::fs::read_dir(&d).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
        let mut here: Vec<std::path::PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        here.sort();
        for p in here.into_iter().rev() {
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
                Some("xml" | "zip")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files the inputs name: a file itself; for a directory, its graph files (the CSV pair,
/// else its XML and zip files, in name order).
pub fn input_files(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
        } else if p.join("parties.csv").exists() && p.join("relations.csv").exists() {
            out.extend([p.join("parties.csv"), p.join("relations.csv")]);
        } else {
            out.extend(egrul_files(p).unwrap_or_default());
        }
    }
    out
}

/// Reads EGRUL inputs, each file streamed: memory grows with the companies kept, not the files.
fn load_egrul(paths: &[&Path], options: &LoadOptions) -> Result<Graph, InputErrors> {
    read_egrul(paths, options)?.finish()
}

/// Reads EGRUL inputs (files, directories, archives) into an importer, the graph not yet built.
pub(crate) fn read_egrul(paths: &[&Path], options: &LoadOptions) -> Result<egrul::Importer, InputErrors> {
    let mut importer = egrul::Importer::new(options.egrul.clone(), options.as_of);
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = egrul_files(p)?;
            if found.is_empty() {
                return Err(InputErrors::whole(
                    &p.display().to_string(),
                    "the directory holds no .xml or .zip file (and no parties.csv with relations.csv)",
                ));
            }
            files.extend(found);
        } else {
            files.push(p.to_path_buf());
        }
    }
    // The texts are parsed on every thread, a wave at a time, and added in their order: the
    // result, and the first problem reported, are those of reading them one after the other.
    let units = egrul_units(&files);
    let wave = 8 * rayon::current_num_threads().max(1);
    for texts in units.chunks(wave) {
        let parsed: Vec<Result<egrul::Parsed, InputErrors>> = texts
            .par_iter()
            .map_init(ZipCache::default, |zips, unit| match unit {
                Ok(unit) => parse_unit(unit, zips),
                Err(e) => Err(e.clone()),
            })
            .collect();
        for p in parsed {
            importer.add_parsed(p?);
        }
    }
    Ok(importer)
}

/// One XML text of an EGRUL input: a file, or an XML member of a zip archive.
enum Unit {
    File(std::path::PathBuf),
    Member { archive: std::path::PathBuf, index: usize, name: String },
}

/// The zip archive a thread last opened, kept for its next member.
#[derive(Default)]
struct ZipCache(Option<(std::path::PathBuf, zip::ZipArchive<std::fs::File>)>);

fn cannot_read(path: &Path, e: std::io::Error) -> InputErrors {
    InputErrors::whole(&path.display().to_string(), format!("cannot read: {e}"))
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<std::fs::File>, InputErrors> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
    zip::ZipArchive::new(file)
        .map_err(|e| InputErrors::whole(&path.display().to_string(), format!("not a readable zip archive: {e}")))
}

/// The texts of `files` in order: each file, or each XML member of an archive (in the
/// archive's order). A file that cannot be read, or an archive without XML, ends the list with
/// its problem.
fn egrul_units(files: &[std::path::PathBuf]) -> Vec<Result<Unit, InputErrors>> {
    let mut units = Vec::new();
    for path in files {
        match units_of(path) {
            Ok(found) => units.extend(found.into_iter().map(Ok)),
            Err(e) => {
                units.push(Err(e));
                break;
            }
        }
    }
    units
}

/// The texts of one file: itself, or the XML members of the archive it is.
fn units_of(path: &Path) -> Result<Vec<Unit>, InputErrors> {
    let name = path.display().to_string();
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| cannot_read(path, e))?;
    if !head[..n].starts_with(b"PK\x03\x04") {
        return Ok(vec![Unit::File(path.to_path_buf())]);
    }
    let mut archive = open_zip(path)?;
    let mut units = Vec::new();
    for index in 0..archive.len() {
        let member_problem = |e: &dyn std::fmt::Display| InputErrors::whole(&name, format!("zip member {index}: {e}"));
        let member = archive.by_index_raw(index).map_err(|e| member_problem(&e))?;
        let inner = member.name().map(|n| n.into_owned()).map_err(|e| member_problem(&e))?;
        if !member.is_dir() && inner.to_ascii_lowercase().ends_with(".xml") {
            units.push(Unit::Member { archive: path.to_path_buf(), index, name: inner });
        }
    }
    if units.is_empty() {
        return Err(InputErrors::whole(&name, "the zip archive holds no .xml file"));
    }
    Ok(units)
}

/// Parses one text ([`egrul::Importer::parse`]).
fn parse_unit(unit: &Unit, zips: &mut ZipCache) -> Result<egrul::Parsed, InputErrors> {
    match unit {
        Unit::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
            egrul::Importer::parse(&path.display().to_string(), std::io::BufReader::with_capacity(1 << 16, file))
        }
        Unit::Member { archive, index, name: inner } => {
            let name = archive.display().to_string();
            if zips.0.as_ref().is_none_or(|(p, _)| p != archive) {
                zips.0 = Some((archive.clone(), open_zip(archive)?));
            }
            let Some((_, zip)) = zips.0.as_mut() else { return Err(InputErrors::whole(&name, "zip archive not open")) };
            let member =
                zip.by_index(*index).map_err(|e| InputErrors::whole(&name, format!("zip member {index}: {e}")))?;
            egrul::Importer::parse(&format!("{name}:{inner}"), std::io::BufReader::with_capacity(1 << 16, member))
        }
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
        return load_egrul(&[path], &LoadOptions::at(as_of));
    }
    if snapshot::is_snapshot(path) {
        return snapshot::read(path);
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
    if egrul_source(path) {
        return load_egrul(&[path], &LoadOptions::at(as_of));
    }
    let bytes = read_bytes(path)?;
    let text = utf8(&name, bytes)?;
    if bods::looks_like_bods(&text) {
        return bods::parse(&name, &text, as_of);
    }
    if is_gzip_path(path) && looks_like_native_lines(&text) {
        // Native JSON Lines inside gzip: the streaming reader wants a file.
        let mut tmp = tempfile::NamedTempFile::new().map_err(|e| InputErrors::whole(&name, format!("{e}")))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| InputErrors::whole(&name, format!("{e}")))?;
        return jsonl::parse(tmp.path(), as_of).map_err(|mut e| {
            e.file = name.clone();
            e
        });
    }
    json::parse(&name, &text, as_of)
}

/// The bytes of a file, decompressed when it is gzip (told by its first bytes, whatever its name).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8));
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes.as_slice()), &mut out)
        .map_err(|e| InputErrors::whole(&name, format!("not a valid gzip file: {e}")))?;
    Ok(out)
}

/// A file's text: gzip decompressed, UTF-8 required.
pub fn read_text(path: &Path) -> Result<String, InputErrors> {
    utf8(&path.display().to_string(), read_bytes(path)?)
}

fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, InputErrors> {
    String::from_utf8(bytes).map_err(|e| {
        InputErrors::whole(name, format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })
}

fn is_gzip_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Native JSON Lines: the first line alone is a complete JSON object.
fn looks_like_native_lines(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
    first.trim_start().starts_with('{') && serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok()
}

/// True when the first line of a JSON Lines file is a BODS statement.
fn first_line_is_bods(path: &Path) -> bool {
    if std::fs::File::open(path)
        .and_then(|mut f| {
            let mut magic = [0u8; 2];
            std::io::Read::read_exact(&mut f, &mut magic).map(|_| magic == [0x1f, 0x8b])
        })
        .unwrap_or(false)
    {
        return true;
    }
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

/// How many records ahead a reader fetches the ids of a relation's ends into the cache
/// ([`crate::model::Ids::prefetch`]) while it resolves those of the current one: enough for
/// the cache misses of about as many look-ups to overlap (the CSV pair's relations at 3.5 M
/// companies: 5.6 s -> 4.5 s).
const RESOLVE_AHEAD: usize = 8;

/// The line a CSV record starts on. `csv` gives the line where its reader stood when the
/// record's read began: before the LF of the CRLF that ended the record before, and before any
/// blank lines, so in a CRLF file every record after the first was said to be one line up. The
/// line breaks the reader skips before the record's first byte (in `text`, what the reader
/// read from its start) are counted here.
pub(crate) fn true_line(text: &[u8], pos: &::csv::Position) -> u64 {
    let from = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let skipped = text.get(from..).unwrap_or_default().iter().take_while(|&&c| c == b'\n' || c == b'\r');
    pos.line() + skipped.filter(|&&c| c == b'\n').count() as u64
}

/// Gives the problems of one record its index in the file (a reader that builds records in
/// parallel knows only their place in a batch until they are added).
pub(crate) fn at_index(problems: &mut [Problem], section: crate::model::Section, index: u32) {
    for p in problems.iter_mut().filter(|p| p.record.section == section) {
        p.record.origin.index = index;
    }
}

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
    /// The line over `max` was met: every later read fails.
    over: bool,
}

impl<R> LineCapped<R> {
    pub(crate) fn new(inner: R, max: usize) -> LineCapped<R> {
        LineCapped { inner, max, run: 0, lines: 0, over: false }
    }

    fn too_long(&self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, LineTooLong(self.lines + 1))
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
    /// The bytes before the first byte over the cap are given; the read after fails.
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.over {
            return Err(self.too_long());
        }
        let n = self.inner.read(buf)?;
        let mut from = 0;
        let breaks = memchr::memchr_iter(b'\n', &buf[..n]).chain(std::iter::once(n));
        for at in breaks {
            if self.run + (at - from) > self.max {
                self.over = true;
                let good = from + (self.max - self.run);
                return if good > 0 { Ok(good) } else { Err(self.too_long()) };
            }
            if at < n {
                self.lines += 1;
                self.run = 0;
                from = at + 1;
            } else {
                self.run += n - from;
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
