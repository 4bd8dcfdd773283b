//! Issue 13, item 5: a fuzz harness per parser, run by `cargo test` with a fixed seed
//! (`common::proptest_config`). Each case takes a bundled fixture of the format and mutates it
//! (bytes flipped, ranges cut or repeated, tokens of the format inserted: quotes, brackets, line
//! breaks, NUL, lone surrogates, huge numbers, entities, separators), then:
//!
//! - in process, many cases: the parser returns a graph or errors, never panics, and every error
//!   line names the file and a place in it (a line, a record, an element or an offset);
//! - through the binary, fewer cases: the exit code is 0, 1 or 2 (never a signal), an error says
//!   the file, and on exit 2 no output file is left.
//!
//! Coverage-guided fuzzing of the same parsers: `fuzz/` (cargo-fuzz, nightly).
//! A longer run: `PROPTEST_CASES=5000 cargo test --release --test fuzz_parsers`.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::{fixture, owngraph, proptest_config};
use owngraph::input::{self, InputErrors};
use proptest::prelude::*;

/// Tokens that matter to one of the formats.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    ";",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "\u{0}",
    "\\u0000",
    "\\ud800",
    "\u{feff}",
    "1e999",
    "-1",
    "0",
    "1/0",
    "150%",
    "-5%",
    "null",
    "true",
    "\"\"",
    "<",
    ">",
    "</",
    "/>",
    "&amp;",
    "&#0;",
    "&nbsp;",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "&a;",
    "=1+2",
    "\u{1b}[31m",
    "\u{202e}",
    "99999999999999999999999999999999999999/3",
    "\"kind\": \"company\"",
    "\"type\": \"shares\"",
    "\"from\": \"T\"",
    "\"recordType\": \"relationship\"",
    "Процент=\"",
    "ИННЮЛ=\"",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: u32, bit: u8 },
    Cut { at: u32, len: u16 },
    Repeat { at: u32, len: u16, times: u8 },
    Insert { at: u32, token: usize },
    Truncate { at: u32 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u32>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<u32>(), 1u16..64).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<u32>(), 1u16..200, 2u8..20).prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
        (any::<u32>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (any::<u32>()).prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn mutate(mut bytes: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Flip { at, bit } => {
                if !bytes.is_empty() {
                    let i = at as usize % n;
                    bytes[i] ^= 1 << bit;
                }
            }
            Mutation::Cut { at, len } => {
                let i = (at as usize % n).min(bytes.len());
                let end = (i + len as usize).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Repeat { at, len, times } => {
                let i = (at as usize % n).min(bytes.len());
                let end = (i + len as usize).min(bytes.len());
                let piece = bytes[i..end].to_vec();
                for _ in 0..times {
                    bytes.splice(end..end, piece.iter().copied());
                }
            }
            Mutation::Insert { at, token } => {
                let i = (at as usize % n).min(bytes.len());
                bytes.splice(i..i, TOKENS[token].bytes());
            }
            Mutation::Truncate { at } => bytes.truncate(at as usize % n),
        }
    }
    bytes
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// Every error line names the file and a place in it.
fn check_errors(e: &InputErrors, files: &[&str]) {
    assert!(!e.problems.is_empty(), "an error with no problem");
    for line in e.lines() {
        assert!(files.iter().any(|f| line.starts_with(&format!("{f}: "))), "the file is not named: {line}");
        let rest = &line[line.find(": ").map_or(0, |i| i + 2)..];
        let place = ["line ", "parties[", "relations[", "statements[", "offset", "column", "record", "header"]
            .iter()
            .any(|p| rest.contains(p))
            || rest.starts_with(char::is_alphabetic) && rest.contains('/')
            || WHOLE_FILE.iter().any(|w| rest.contains(w));
        assert!(place, "no place named: {line}");
    }
}

/// Problems of a file as a whole, where the place is the whole file.
const WHOLE_FILE: &[&str] =
    &["the file ends", "encoding", "empty", "no root element", "is not", "expected", "must hold", "missing"];

fn fixtures(names: &[&str]) -> Vec<Vec<u8>> {
    names.iter().map(|n| std::fs::read(fixture(n)).unwrap()).collect()
}

const NATIVE: &[&str] = &["example-01.json", "example-06.json", "example-09.json", "holders-with-details.json"];
const BODS: &[&str] =
    &["bods/indirect-ownership.json", "bods/bods-package-fi-soe.json", "bods-cases/confirmed-range.jsonl"];
const EGRUL: &[&str] = &["egrul/target.xml", "egrul/holding.xml"];
const DECL_CSV: &[&str] = &["declarations/example-01-correct.csv", "declarations/holders-correct.csv"];
const DECL_JSON: &[&str] = &["declarations/example-10-correct.json", "declarations/holders-correct.json"];

/// The JSON Lines form of a native fixture.
fn jsonl_of(native: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(native).unwrap();
    let mut out = String::new();
    for section in ["relations", "parties"] {
        for r in v[section].as_array().unwrap() {
            out.push_str(&r.to_string());
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// The CSV pair of a native fixture (only the columns these fixtures use).
fn csv_pair_of(native: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let v: serde_json::Value = serde_json::from_slice(native).unwrap();
    let cell = |x: &serde_json::Value| match x {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(|s| s.as_str().unwrap_or_default()).collect::<Vec<_>>().join(";"),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let table = |section: &str, cols: &[&str]| {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(cols).unwrap();
        for r in v[section].as_array().unwrap() {
            w.write_record(cols.iter().map(|c| cell(&r[*c]))).unwrap();
        }
        w.into_inner().unwrap()
    };
    (
        table("parties", &["id", "kind", "name", "country", "citizenship", "inn", "document", "address"]),
        table("relations", &["type", "from", "to", "capital", "votes", "basis", "of", "share", "since", "until"]),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn native_case(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = input::json::parse("g.json", &text, date()) {
        check_errors(&e, &["g.json"]);
    }
}

fn jsonl_case(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "g.jsonl", bytes);
    if let Err(e) = input::jsonl::parse(&p, date()) {
        check_errors(&e, &[&p.display().to_string()]);
    }
}

fn csv_case(parties: &[u8], relations: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "parties.csv", parties);
    let r = write(dir.path(), "relations.csv", relations);
    if let Err(e) = input::csv::parse_pair(&p, &r, date()) {
        check_errors(&e, &[&p.display().to_string(), &r.display().to_string()]);
    }
}

fn declaration_case(bytes: &[u8], format: input::declaration::DeclarationFormat) {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = input::declaration::parse("d", &text, format) {
        check_errors(&e, &["d"]);
    }
}

fn egrul_case(bytes: &[u8]) {
    let files = vec![("e.xml".to_string(), bytes.to_vec())];
    if let Err(e) = input::egrul::parse_files(&files, &input::egrul::Options::default(), date()) {
        check_errors(&e, &["e.xml"]);
    }
}

fn bods_case(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = input::bods::parse("b.json", &text, date()) {
        check_errors(&e, &["b.json"]);
    }
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..6)
}

proptest! {
    #![proptest_config(proptest_config(96))]

    #[test]
    fn native_json_never_panics(i in 0..NATIVE.len(), ms in mutations()) {
        native_case(&mutate(fixtures(NATIVE).swap_remove(i), &ms));
    }

    #[test]
    fn json_lines_never_panic(i in 0..NATIVE.len(), ms in mutations()) {
        jsonl_case(&mutate(jsonl_of(&fixtures(NATIVE)[i]), &ms));
    }

    #[test]
    fn csv_pairs_never_panic(i in 0..NATIVE.len(), ms in mutations(), which in 0..3u8) {
        let (p, r) = csv_pair_of(&fixtures(NATIVE)[i]);
        let (p, r) = match which {
            0 => (mutate(p, &ms), r),
            1 => (p, mutate(r, &ms)),
            _ => (mutate(p, &ms), mutate(r, &ms)),
        };
        csv_case(&p, &r);
    }

    #[test]
    fn declarations_never_panic(i in 0..DECL_CSV.len(), j in 0..DECL_JSON.len(), ms in mutations()) {
        use input::declaration::DeclarationFormat;
        declaration_case(&mutate(fixtures(DECL_CSV).swap_remove(i), &ms), DeclarationFormat::Csv);
        declaration_case(&mutate(fixtures(DECL_JSON).swap_remove(j), &ms), DeclarationFormat::Json);
    }

    #[test]
    fn egrul_extracts_never_panic(i in 0..EGRUL.len(), ms in mutations()) {
        egrul_case(&mutate(fixtures(EGRUL).swap_remove(i), &ms));
    }

    #[test]
    fn bods_files_never_panic(i in 0..BODS.len(), ms in mutations()) {
        bods_case(&mutate(fixtures(BODS).swap_remove(i), &ms));
    }
}

/// The command on a mutated file: exit 0, 1 or 2; on 2 the file named and no output left.
fn run_command(args: &[&std::ffi::OsStr], named: &str, output: &Path) {
    let out = owngraph().args(args).arg("-o").arg(output).output().unwrap();
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(code, Some(0..=2)), "exit {:?} (a signal?): {stderr}", out.status);
    if code == Some(2) {
        assert!(stderr.starts_with("owngraph: error: "), "{stderr}");
        assert!(stderr.contains(named) || stderr.contains("no party has id"), "the file is not named: {stderr}");
        assert!(!output.exists(), "an output file after exit 2");
        let dir = output.parent().unwrap();
        let left: Vec<_> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".owngraph-tmp")), "{left:?}");
    } else {
        assert!(output.exists(), "exit {code:?} without an output file: {stderr}");
    }
}

proptest! {
    #![proptest_config(proptest_config(12))]

    #[test]
    fn commands_on_mutated_inputs_exit_0_1_or_2(
        format in 0..6u8,
        i in 0..2usize,
        ms in mutations(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        std::fs::create_dir(&out_dir).unwrap();
        let output = out_dir.join("answer.txt");
        let native = fixtures(NATIVE).swap_remove(i);
        let os = |p: &Path| p.as_os_str().to_owned();
        let (args, named): (Vec<std::ffi::OsString>, String) = match format {
            0 => {
                let p = write(dir.path(), "g.json", &mutate(native, &ms));
                (vec!["check".into(), os(&p), "-t".into(), "T".into()], "g.json".into())
            }
            1 => {
                let p = write(dir.path(), "g.jsonl", &mutate(jsonl_of(&native), &ms));
                (vec!["check".into(), os(&p), "-t".into(), "T".into()], "g.jsonl".into())
            }
            2 => {
                let (p, r) = csv_pair_of(&native);
                write(dir.path(), "parties.csv", &p);
                write(dir.path(), "relations.csv", &mutate(r, &ms));
                (vec!["screen".into(), os(dir.path()), "--all".into()], ".csv".into())
            }
            3 => {
                let d = write(dir.path(), "d.csv", &mutate(fixtures(DECL_CSV).swap_remove(0), &ms));
                let g = fixture("example-01.json");
                (vec!["verify".into(), os(&g), "-t".into(), "T".into(), "--disclosure".into(), os(&d)], "d.csv".into())
            }
            4 => {
                let p = write(dir.path(), "e.xml", &mutate(fixtures(EGRUL).swap_remove(i), &ms));
                (vec!["convert".into(), os(&p)], "e.xml".into())
            }
            _ => {
                let p = write(dir.path(), "b.json", &mutate(fixtures(BODS).swap_remove(i), &ms));
                (vec!["convert".into(), os(&p)], "b.json".into())
            }
        };
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        run_command(&refs, &named, &output);
    }
}

/// Found by `cargo fuzz run egrul` (fuzz/regressions/): an XML declaration whose encoding is
/// not quoted with an ASCII quote made the first EGRUL importer slice inside a character and
/// panic (exit 101); the streaming importer reports it.
#[test]
fn egrul_encoding_not_quoted_is_an_error_not_a_panic() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/egrul-encoding-not-quoted.xml");
    let bytes = std::fs::read(&path).unwrap();
    egrul_case(&bytes);
    let dir = tempfile::tempdir().unwrap();
    run_command(
        &[std::ffi::OsStr::new("convert"), path.as_os_str()],
        "egrul-encoding-not-quoted.xml",
        &dir.path().join("o.json"),
    );
}
