//! A declared disclosure: the list of shares an applicant filed under p. 10 "б" (p. 47 "б"),
//! read from CSV (a header naming `holder` and `share`, more columns allowed) or JSON
//! (`[{"holder": "...", "share": "40%"}]`, or an object whose `holders` is such a list, as
//! `owngraph disclose --format json` writes it). Every malformed record is reported with the
//! file, its line and record number, and what is wrong.
//!
//! Shares are read exactly as written: `40%`, `17,5 %`, `1/3`, `0.4`. A bare number with no `%`
//! and no `/` is ambiguous (is `0.5` a half or half a percent?); it is settled once for the whole
//! file: if any bare number is above 1, every bare number is a percent, otherwise every bare
//! number is a fraction of 1. [`Declaration::bare_numbers`] says which reading was taken.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::InputErrors;
use super::json::{Lines, clean_serde_message};
use crate::fraction::Fraction;
use crate::model::Problem;

/// The file format of a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclarationFormat {
    /// Comma, semicolon or tab separated values with a header row.
    Csv,
    /// A JSON list of `{"holder", "share"}` objects.
    Json,
}

/// How the shares written as bare numbers (no `%`, no `/`) were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BareNumbers {
    /// As percents (some bare number in the file is above 1): `40` is 40 %.
    Percent,
    /// As fractions of 1 (every bare number is at most 1): `0.4` is 40 %.
    Fraction,
}

/// One line of the declared list.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DeclaredEntry {
    /// 1-based position among the records (the header row not counted).
    pub record: usize,
    /// 1-based line in the file.
    pub line: u32,
    /// The holder as written: an id, an INN, an OGRN or a name.
    pub holder: String,
    /// The declared share, exact.
    pub share: Fraction,
    /// The share as written.
    pub share_text: String,
}

/// The declared list, read and checked for form (not yet against any graph).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Declaration {
    /// The file, as the user named it.
    pub file: String,
    /// Its format.
    pub format: DeclarationFormat,
    /// The entries in file order.
    pub entries: Vec<DeclaredEntry>,
    /// How bare numbers were read, when the file has any.
    pub bare_numbers: Option<BareNumbers>,
}

/// Reads a declaration from `path`; the format follows the extension (`.json`, `.csv`, `.tsv`)
/// or, failing that, the first character (`[` or `{` for JSON).
pub fn load(path: &Path) -> Result<Declaration, InputErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InputErrors::whole(&name, format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let format = match ext.as_deref() {
        Some("json") => DeclarationFormat::Json,
        Some("csv" | "tsv" | "txt") => DeclarationFormat::Csv,
        _ => sniff(&text),
    };
    parse(&name, &text, format)
}

fn sniff(text: &str) -> DeclarationFormat {
    match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
        Some('[' | '{') => DeclarationFormat::Json,
        _ => DeclarationFormat::Csv,
    }
}

/// Parses a declaration's text. `file` names it in error messages.
pub fn parse(file: &str, text: &str, format: DeclarationFormat) -> Result<Declaration, InputErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw = match format {
        DeclarationFormat::Csv => parse_csv(text),
        DeclarationFormat::Json => parse_json(text),
    }
    .map_err(|problems| InputErrors { file: file.to_string(), problems, files: Vec::new() })?;
    finish(file, format, raw)
}

/// A share as written, before the file-wide reading of bare numbers.
enum Written {
    /// `40%`, `1/3`: the value is settled.
    Settled(Fraction),
    /// `40`, `0.4`: a percent or a fraction, decided for the whole file.
    Bare(Fraction),
}

struct RawEntry {
    record: usize,
    line: u32,
    holder: String,
    share: Written,
    share_text: String,
}

fn at(line: u32, record: usize) -> String {
    format!("line {line} (record {record})")
}

fn read_share(text: &str, line: u32, record: usize) -> Result<Written, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::document(format!("{}: share: empty (write e.g. 40%, 17,5 % or 1/3)", at(line, record))));
    }
    let value = Fraction::parse(t).map_err(|e| Problem::document(format!("{}: share: {}", at(line, record), e.0)))?;
    if value.is_negative() {
        return Err(Problem::document(format!("{}: share: \"{t}\" is negative", at(line, record))));
    }
    Ok(if t.contains('%') || t.contains('/') { Written::Settled(value) } else { Written::Bare(value) })
}

fn finish(file: &str, format: DeclarationFormat, raw: Vec<RawEntry>) -> Result<Declaration, InputErrors> {
    let bare: Vec<&Fraction> =
        raw.iter().filter_map(|e| if let Written::Bare(v) = &e.share { Some(v) } else { None }).collect();
    let bare_numbers = match bare.is_empty() {
        true => None,
        false if bare.iter().any(|v| **v > Fraction::one()) => Some(BareNumbers::Percent),
        false => Some(BareNumbers::Fraction),
    };
    let hundred = Fraction::new(100, 1);
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(raw.len());
    for e in raw {
        let share = match e.share {
            Written::Settled(v) => v,
            Written::Bare(v) if bare_numbers == Some(BareNumbers::Percent) => &v / &hundred,
            Written::Bare(v) => v,
        };
        if share > Fraction::one() {
            problems.push(Problem::document(format!(
                "{}: share: \"{}\" is more than 100 %",
                at(e.line, e.record),
                e.share_text
            )));
            continue;
        }
        entries.push(DeclaredEntry {
            record: e.record,
            line: e.line,
            holder: e.holder,
            share,
            share_text: e.share_text,
        });
    }
    if problems.is_empty() {
        Ok(Declaration { file: file.to_string(), format, entries, bare_numbers })
    } else {
        Err(InputErrors { file: file.to_string(), problems, files: Vec::new() })
    }
}

/// The separator of a CSV file: the first of `,`, `;`, tab that makes the first line name both
/// `holder` and `share` (spreadsheets in a Russian locale write `;`, since `,` is their decimal
/// separator).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    for d in [b',', b';', b'\t'] {
        let cols: Vec<String> = first.split(d as char).map(column_name).collect();
        if cols.iter().any(|c| c == "holder") && cols.iter().any(|c| c == "share") {
            return d;
        }
    }
    b','
}

fn column_name(s: &str) -> String {
    s.trim().trim_matches('"').trim().to_lowercase()
}

fn parse_csv(text: &str) -> Result<Vec<RawEntry>, Vec<Problem>> {
    if text.trim().is_empty() {
        return Err(vec![Problem::document("empty: expected a header row naming \"holder\" and \"share\"")]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(column_name).collect(),
        Err(e) => return Err(vec![Problem::document(format!("line 1: header: {e}"))]),
    };
    let col = |name: &str| header.iter().position(|c| c == name);
    let (Some(holder_col), Some(share_col)) = (col("holder"), col("share")) else {
        return Err(vec![Problem::document(format!(
            "line 1: the header must name the columns \"holder\" and \"share\" (found: {})",
            header.join(", ")
        ))]);
    };
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let record = i + 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem::document(format!("line {line} (record {record}): {e}")));
                continue;
            }
        };
        let line =
            row.position().map_or(0, |p| u32::try_from(super::true_line(text.as_bytes(), p)).unwrap_or(u32::MAX));
        if row.iter().all(str::is_empty) {
            continue;
        }
        // A cell `disclose` wrote with a leading `'` so that no spreadsheet runs it.
        let holder = unquote_cell(row.get(holder_col).unwrap_or_default());
        if holder.is_empty() {
            problems.push(Problem::document(format!("{}: holder: empty", at(line, record))));
            continue;
        }
        // `a,33,33%` under the header `holder,share`: a decimal comma left unquoted. When the
        // share is the last column, the surplus fields are its continuation.
        let joined;
        let share_text = if share_col + 1 == header.len() && row.len() > header.len() {
            joined = row.iter().skip(share_col).collect::<Vec<_>>().join(",");
            Some(joined.as_str())
        } else {
            row.get(share_col)
        };
        let Some(share_text) = share_text else {
            problems.push(Problem::document(format!(
                "{}: share: missing (the row has {} columns, the header {})",
                at(line, record),
                row.len(),
                header.len()
            )));
            continue;
        };
        match read_share(share_text, line, record) {
            Ok(share) => entries.push(RawEntry {
                record,
                line,
                holder: holder.to_string(),
                share,
                share_text: share_text.to_string(),
            }),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

/// A cell as it was before a writer protected it from spreadsheets by a leading `'` (the inverse
/// of `report::safe::csv_cell`): `'=x` is `=x`, `''x` is `'x`; anything else as it is.
pub fn unquote_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest,
        _ => s,
    }
}

/// The keys under which an object may hold the list, `holders` first (as `disclose` writes it).
const LIST_KEYS: [&str; 5] = ["holders", "declaration", "disclosure", "shares", "entries"];

#[derive(Deserialize)]
struct JsonEntry<'a> {
    #[serde(borrow, default)]
    holder: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    share: Option<&'a RawValue>,
}

/// A scalar as text: a string's content or a number's literal (an INN written as a number).
fn scalar_text(raw: &RawValue) -> Option<String> {
    let t = raw.get().trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).ok()
    } else if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        Some(t.to_string())
    } else {
        None
    }
}

/// A JSON share: a string, a number read from its literal text, or `{"fraction": "p/q"}` as
/// owngraph writes fractions.
fn json_share(raw: &RawValue, line: u32, record: usize) -> Result<(Written, String), Problem> {
    let t = raw.get().trim();
    if t.starts_with('{') {
        #[derive(Deserialize)]
        struct Exact {
            fraction: String,
        }
        let exact: Exact = serde_json::from_str(t).map_err(|_| {
            Problem::document(format!("{}: share: an object needs a \"fraction\" such as \"2/5\"", at(line, record)))
        })?;
        let share = read_share(&exact.fraction, line, record)?;
        let settled = match share {
            Written::Bare(v) | Written::Settled(v) => Written::Settled(v),
        };
        return Ok((settled, exact.fraction));
    }
    let Some(text) = scalar_text(raw) else {
        return Err(Problem::document(format!(
            "{}: share: expected a text such as \"40%\" or a number, found {t}",
            at(line, record)
        )));
    };
    Ok((read_share(&text, line, record)?, text))
}

/// The line of `text` where its slice `part` begins.
fn lines_before(text: &str, part: &str) -> u32 {
    Lines::new(text).of(text, part)
}

fn parse_json(text: &str) -> Result<Vec<RawEntry>, Vec<Problem>> {
    let syntax = |e: serde_json::Error, what: &str| {
        vec![Problem::document(format!("line {} column {}: {what}: {}", e.line(), e.column(), clean_serde_message(&e)))]
    };
    let list: Vec<&RawValue> = if text.trim_start().starts_with('{') {
        let object: HashMap<String, &RawValue> = serde_json::from_str(text)
            .map_err(|e| syntax(e, "expected a list of {\"holder\", \"share\"} or an object with \"holders\""))?;
        let Some((key, raw)) = LIST_KEYS.iter().find_map(|k| object.get(*k).map(|r| (*k, *r))) else {
            return Err(vec![Problem::document(format!(
                "expected a list of {{\"holder\", \"share\"}} or an object with one of: {}",
                LIST_KEYS.join(", ")
            ))]);
        };
        serde_json::from_str(raw.get()).map_err(|e| {
            let line = lines_before(text, raw.get()) + e.line() as u32 - 1;
            vec![Problem::document(format!("line {line}: \"{key}\": expected a list: {}", clean_serde_message(&e)))]
        })?
    } else {
        serde_json::from_str(text)
            .map_err(|e| syntax(e, "expected a list of {\"holder\": \"...\", \"share\": \"40%\"}"))?
    };
    let lines = Lines::new(text);
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for (i, raw) in list.iter().enumerate() {
        let record = i + 1;
        let line = lines.of(text, raw.get());
        let entry: JsonEntry = match serde_json::from_str(raw.get()) {
            Ok(e) => e,
            Err(e) => {
                let m = clean_serde_message(&e);
                problems
                    .push(Problem::document(format!("{}: expected {{\"holder\", \"share\"}}: {m}", at(line, record))));
                continue;
            }
        };
        let holder = entry.holder.or(entry.id).or(entry.name).and_then(scalar_text).map(|h| h.trim().to_string());
        let holder = match holder {
            Some(h) if !h.is_empty() => h,
            _ => {
                problems.push(Problem::document(format!(
                    "{}: holder: missing or empty (an id, INN, OGRN or name)",
                    at(line, record)
                )));
                continue;
            }
        };
        let Some(share) = entry.share else {
            problems.push(Problem::document(format!("{}: share: missing", at(line, record))));
            continue;
        };
        match json_share(share, line, record) {
            Ok((share, share_text)) => entries.push(RawEntry { record, line, holder, share, share_text }),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Declaration, String> {
        parse("d.csv", text, DeclarationFormat::Csv).map_err(|e| e.to_string())
    }

    fn shares(d: &Declaration) -> Vec<(String, String)> {
        d.entries.iter().map(|e| (e.holder.clone(), e.share.to_string())).collect()
    }

    #[test]
    fn csv_with_extra_columns_percents_and_fractions() {
        let d =
            csv("\u{feff}name,holder,share,note\nИванов,ivanov,40%,x\n,petrov,\"17,5 %\",\n,sidorov,1/4,\n").unwrap();
        assert_eq!(
            shares(&d),
            [("ivanov".into(), "2/5".into()), ("petrov".into(), "7/40".into()), ("sidorov".into(), "1/4".into())]
        );
        assert_eq!(d.entries[1].line, 3);
        let d = csv("holder,share\r\n\r\nivanov,40%\r\npetrov,17.5%\r\n").unwrap();
        assert_eq!((d.entries[0].line, d.entries[1].line), (3, 4));
        assert_eq!(d.entries[1].record, 2);
        assert_eq!(d.bare_numbers, None);
    }

    #[test]
    fn semicolons_and_bare_numbers_read_file_wide() {
        let d = csv("holder;share\nivanov;40\npetrov;17,5\nx;0,5\n").unwrap();
        assert_eq!(d.bare_numbers, Some(BareNumbers::Percent));
        assert_eq!(shares(&d)[2].1, "1/200");
        let d = csv("holder,share\na,33,33%\nb,1/3\n").unwrap();
        assert_eq!(shares(&d)[0].1, "3333/10000");
        let d = csv("holder,share\nivanov,0.4\npetrov,0.175\n").unwrap();
        assert_eq!(d.bare_numbers, Some(BareNumbers::Fraction));
        assert_eq!(shares(&d)[0].1, "2/5");
    }

    #[test]
    fn every_bad_record_is_named_with_its_line() {
        let e = csv("holder,share\nivanov,abc\n,10%\npetrov,120%\nsidorov,-5%\n").unwrap_err();
        assert!(e.contains("d.csv: line 2 (record 1): share: \"abc\" is not a fraction"), "{e}");
        assert!(e.contains("d.csv: line 3 (record 2): holder: empty"), "{e}");
        assert!(e.contains("line 5 (record 4): share: \"-5%\" is negative"), "{e}");
        // Out of range is found once the file is read (bare numbers need the whole file).
        let e = csv("holder,share\npetrov,120%\n").unwrap_err();
        assert!(e.contains("line 2 (record 1): share: \"120%\" is more than 100 %"), "{e}");
        let e = csv("name,percent\na,1\n").unwrap_err();
        assert!(e.contains("line 1: the header must name the columns \"holder\" and \"share\" (found: name, percent)"));
        assert!(csv("").unwrap_err().contains("empty"));
    }

    #[test]
    fn json_lists_and_owngraph_disclosures() {
        let d = parse(
            "d.json",
            r#"[{"holder": "ivanov", "share": "40%"}, {"holder": 7701234567, "share": 25}, {"id": "p", "share": {"fraction": "7/40", "percent": "17.5"}}]"#,
            DeclarationFormat::Json,
        )
        .unwrap();
        assert_eq!(
            shares(&d),
            [("ivanov".into(), "2/5".into()), ("7701234567".into(), "1/4".into()), ("p".into(), "7/40".into())]
        );
        let d =
            parse("d.json", r#"{"target": "T", "holders": [{"id": "a", "share": "1/3"}]}"#, DeclarationFormat::Json)
                .unwrap();
        assert_eq!(shares(&d), [("a".into(), "1/3".into())]);
    }

    #[test]
    fn json_errors_name_line_and_record() {
        let e = parse("d.json", "[\n{\"holder\": \"a\", \"share\": \"40%\"},\n{\"share\": \"1/3\"},\n{\"holder\": \"b\", \"share\": true}\n]", DeclarationFormat::Json)
            .unwrap_err()
            .to_string();
        assert!(e.contains("d.json: line 3 (record 2): holder: missing"), "{e}");
        assert!(e.contains("d.json: line 4 (record 3): share: expected a text"), "{e}");
        let e = parse("d.json", "[{\"holder\": \"a\",", DeclarationFormat::Json).unwrap_err().to_string();
        assert!(e.starts_with("d.json: line 1 column"), "{e}");
    }
}
