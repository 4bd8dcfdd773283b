//! The inputs for large graphs (issue 6): the CSV pair and JSON Lines give the same graph, and
//! so the same `screen` rows, as the native JSON; their problems name the file and the line;
//! `screen` writes its output whole or not at all.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use owngraph::input::csv::{PARTY_COLUMNS, RELATION_COLUMNS};
use owngraph::synth::{NationalParams, national};
use serde_json::{Map, Value};

const AS_OF: &str = "2026-11-23";

fn owngraph() -> Command {
    Command::cargo_bin("owngraph").expect("the owngraph binary is built for the tests")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn native(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// A JSON value as one CSV cell (strings bare, lists joined by `;`).
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// One record as a CSV row, every field of it placed in its column (a field without a column
/// fails the test, so the helper never drops data silently).
fn row(record: &Map<String, Value>, columns: &[&str]) -> Vec<String> {
    let mut flat: Map<String, Value> = Map::new();
    for (k, v) in record {
        match (k.as_str(), v) {
            ("declared", Value::Object(d)) => {
                for (dk, dv) in d {
                    flat.insert(format!("declared_{dk}"), dv.clone());
                }
            }
            ("notes", v) => {
                flat.insert("note".into(), v.clone());
            }
            _ => {
                flat.insert(k.clone(), v.clone());
            }
        }
    }
    for k in flat.keys() {
        assert!(columns.contains(&k.as_str()), "no CSV column for field {k}");
    }
    columns.iter().map(|c| flat.get(*c).map(cell).unwrap_or_default()).collect()
}

fn write_csv_pair(graph: &Value, dir: &Path) {
    write_csv_pair_ending(graph, dir, csv::Terminator::Any(b'\n'));
}

/// As [`write_csv_pair`], each record ended by `terminator`.
fn write_csv_pair_ending(graph: &Value, dir: &Path, terminator: csv::Terminator) {
    for (section, columns, file) in
        [("parties", PARTY_COLUMNS, "parties.csv"), ("relations", RELATION_COLUMNS, "relations.csv")]
    {
        let mut w =
            csv::WriterBuilder::new().terminator(terminator).from_path(dir.join(file)).expect("CSV file writable");
        w.write_record(columns).expect("header written");
        for record in graph[section].as_array().expect("a list of records") {
            w.write_record(row(record.as_object().expect("a record is an object"), columns)).expect("row written");
        }
        w.flush().expect("flushed");
    }
}

/// JSON Lines with the relations first: they may name parties that come later.
fn write_jsonl(graph: &Value, path: &Path) {
    let mut text = String::new();
    for section in ["relations", "parties"] {
        for record in graph[section].as_array().expect("a list of records") {
            text.push_str(&record.to_string());
            text.push('\n');
        }
    }
    std::fs::write(path, text).expect("JSONL written");
}

fn screen(args: &[&str], out: &Path) -> String {
    owngraph().arg("screen").args(args).args(["--all", "--as-of", AS_OF, "-o"]).arg(out).assert().success();
    std::fs::read_to_string(out).expect("output written")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn the_three_formats_give_the_same_rows_for_every_worked_example() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for n in 1..=12 {
        let name = format!("example-{n:02}.json");
        let graph = native(&name);
        let pair = dir.path().join(format!("pair-{n}"));
        std::fs::create_dir(&pair).expect("directory");
        write_csv_pair(&graph, &pair);
        let jsonl = dir.path().join(format!("g-{n}.jsonl"));
        write_jsonl(&graph, &jsonl);

        let from_json = screen(&[path(&fixture(&name))], &dir.path().join("a.csv"));
        let from_pair = screen(&[path(&pair)], &dir.path().join("b.csv"));
        let from_files =
            screen(&[path(&pair.join("parties.csv")), path(&pair.join("relations.csv"))], &dir.path().join("c.csv"));
        let from_jsonl = screen(&[path(&jsonl)], &dir.path().join("d.csv"));
        assert!(from_json.lines().count() > 1, "{name}: rows written");
        assert_eq!(from_json, from_pair, "{name}: CSV directory");
        assert_eq!(from_json, from_files, "{name}: CSV files");
        assert_eq!(from_json, from_jsonl, "{name}: JSON Lines");
    }
}

#[test]
fn a_csv_pair_larger_than_one_read_batch_gives_the_native_rows() {
    // About 44 000 parties and 58 000 relations: both files span several read batches, so the
    // read-ahead pipeline keeps the records in order across batch boundaries.
    let g = national(NationalParams { companies: 20_000, seed: 7 });
    assert!(g.parties.len() > 40_000 && g.relations.len() > 40_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let pair = dir.path().join("pair");
    g.write_csv(&pair).expect("CSV pair written");
    let json = dir.path().join("g.json");
    std::fs::write(&json, g.to_json()).expect("JSON written");
    let from_json = screen(&[path(&json)], &dir.path().join("a.csv"));
    let from_pair = screen(&[path(&pair)], &dir.path().join("b.csv"));
    assert_eq!(from_json.lines().count(), 20_001);
    assert_eq!(from_json, from_pair);
}

#[test]
fn quoted_names_with_commas_and_line_breaks_across_blocks_give_the_native_rows() {
    // Every name quoted, holding a comma, quotes and a CRLF, every record ended by CRLF, over
    // 2 MiB of parties: the blocks and pieces the file is cut into end where records end, not
    // at the line breaks inside the names.
    let g = national(NationalParams { companies: 20_000, seed: 11 });
    let mut graph: Value = serde_json::from_str(&g.to_json()).expect("the generator writes JSON");
    for party in graph["parties"].as_array_mut().expect("parties") {
        let name = party["name"].as_str().unwrap_or("x").to_string();
        party["name"] = Value::String(format!("{name}, \"ООО\"\r\nвторая строка"));
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let pair = dir.path().join("pair");
    std::fs::create_dir(&pair).expect("directory");
    write_csv_pair_ending(&graph, &pair, csv::Terminator::CRLF);
    let parties = std::fs::read_to_string(pair.join("parties.csv")).expect("written");
    assert!(parties.len() > 2 << 20, "{} bytes", parties.len());
    let json = dir.path().join("g.json");
    std::fs::write(&json, graph.to_string()).expect("JSON written");
    let from_json = screen(&[path(&json)], &dir.path().join("a.csv"));
    let from_pair = screen(&[path(&pair)], &dir.path().join("b.csv"));
    assert_eq!(from_json.lines().count(), 1 + 20_000 * 2, "each name is two lines");
    assert_eq!(from_json, from_pair);
    // A bad record after them is named with the line it is on (a CRLF file's lines counted as
    // in an editor).
    let line = parties.matches('\n').count() + 1;
    let bad = format!("bad,corporation{}\r\n", ",".repeat(PARTY_COLUMNS.len() - 2));
    std::fs::write(pair.join("parties.csv"), parties + &bad).expect("written");
    let (stderr, _) = refused_dir(&pair, &[&format!("(id \"bad\") at line {line}:")]);
    assert!(stderr.contains("unknown party kind"), "{stderr}");
}

#[test]
fn csv_problems_name_the_file_and_line_and_leave_no_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        dir.path().join("parties.csv"),
        "id,kind,name,country,citizenship\nT,company,T,RU,\nx,corporation,X,RU,\np,person,P,,RU\n",
    )
    .expect("written");
    std::fs::write(
        dir.path().join("relations.csv"),
        "type,from,to,capital\nshares,p,T,50%\nshares,nobody,T,10%\nshares,p,T,150%\n",
    )
    .expect("written");
    let out = dir.path().join("out.csv");
    let assert = owngraph().arg("screen").arg(dir.path()).arg("--all").arg("-o").arg(&out).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("has 3 problems"), "{stderr}");
    assert!(stderr.contains("parties.csv: parties[1] (id \"x\") at line 3: kind: unknown party kind \"corporation\""));
    assert!(
        stderr.contains("relations.csv: relations[1] (shares nobody → T) at line 3: from: no party has id \"nobody\"")
    );
    assert!(
        stderr.contains("relations.csv: relations[2] (shares p → T) at line 4: capital: 3/2 (150 %) is more than 1")
    );
    assert!(!out.exists(), "no output file after bad input");
}

#[test]
fn an_unknown_csv_column_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("parties.csv"), "id,kind,colour\nT,company,red\n").expect("written");
    std::fs::write(dir.path().join("relations.csv"), "type,from,to\n").expect("written");
    let assert = owngraph().arg("screen").arg(dir.path()).arg("--all").assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("parties.csv") && stderr.contains("colour"), "{stderr}");
}

#[test]
fn json_lines_problems_name_the_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let g = dir.path().join("g.jsonl");
    std::fs::write(
        &g,
        "{\"id\":\"T\",\"kind\":\"company\",\"country\":\"RU\"}\n{\"id\":\"p\",\"kind\":\"person\"}\n\
         {\"type\":\"shares\",\"from\":\"p\",\"to\":\"T\",\"capital\":\"1/2\"}\nnot json\n",
    )
    .expect("written");
    let out = dir.path().join("out.csv");
    let assert = owngraph().arg("screen").arg(&g).arg("--all").arg("-o").arg(&out).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("g.jsonl: line 4: not a JSON object"), "{stderr}");
    assert!(stderr.contains("parties[1] (id \"p\") at line 2: a person needs at least one \"citizenship\""));
    assert!(!out.exists());
}

#[test]
fn json_lines_output_has_the_check_shape_and_a_summary() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("rows.jsonl");
    let assert = owngraph()
        .args(["screen", path(&fixture("example-06.json")), "--all", "--as-of", AS_OF, "-o", path(&out)])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("rows written"), "summary on stderr: {stderr}");
    let text = std::fs::read_to_string(&out).expect("written");
    let rows: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let t = rows.iter().find(|r| r["target"] == "T").expect("a row for T");
    // docs/DOMAIN.md example 6: T passes p. 5 "а" (73.99 %) but is controlled by F (CY) through R.
    let check = owngraph()
        .args(["check", path(&fixture("example-06.json")), "--target", "T", "--format", "json", "--as-of", AS_OF])
        .output()
        .expect("check runs");
    let check: Value = serde_json::from_slice(&check.stdout).expect("check JSON");
    for regime in ["ru", "eaeu"] {
        for field in ["verdict", "share", "upper"] {
            assert_eq!(t["regimes"][regime][field], check["regimes"][regime][field], "{regime}.{field}");
        }
    }
    assert_eq!(t["regimes"]["pak"]["verdict"], "not_eligible");
    assert_eq!(t["regimes"]["pak"]["verdict"], check["regimes"]["pak"]["verdict"]);
    let foreign: Vec<&Value> = t["regimes"]["pak"]["controllers"]
        .as_array()
        .expect("controllers")
        .iter()
        .filter(|c| c["foreign"] == true)
        .map(|c| &c["id"])
        .collect();
    assert_eq!(foreign, vec!["F"]);
}

/// A `parties.csv` of 40 000 records (more than one read batch of 32 768): `special` gives the
/// record of some lines, every other line is a Russian citizen `p{line}`.
fn forty_thousand_parties(special: &[(u32, &str)]) -> String {
    let mut parties = String::from("id,kind,name,country,citizenship\n");
    for line in 2..=40_001u32 {
        match special.iter().find(|(l, _)| *l == line) {
            Some((_, record)) => parties.push_str(record),
            None => parties.push_str(&format!("p{line},person,P,,RU")),
        }
        parties.push('\n');
    }
    parties
}

/// `screen --all` of the CSV pair, which must be refused: its standard error, and where in it
/// each of `needles` is (each must be there).
fn refused(parties: &str, relations: &str, needles: &[&str]) -> (String, Vec<usize>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("parties.csv"), parties).expect("written");
    std::fs::write(dir.path().join("relations.csv"), relations).expect("written");
    refused_dir(dir.path(), needles)
}

/// As [`refused`], for the CSV pair in `dir`.
fn refused_dir(dir: &Path, needles: &[&str]) -> (String, Vec<usize>) {
    let assert = owngraph().arg("screen").arg(dir).arg("--all").assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let at = needles
        .iter()
        .map(|needle| stderr.find(needle).unwrap_or_else(|| panic!("{needle} missing from: {stderr}")))
        .collect();
    (stderr, at)
}

#[test]
fn problems_across_read_batches_keep_the_file_order() {
    // The file is split into records in pieces of 256 KiB on every thread, and the records
    // are built apart from that, so line 34 000 (a record of the wrong length, a problem of
    // reading) is found before line 3 is built. Its problem must still come after line 3's and
    // before line 35 000's.
    let parties = forty_thousand_parties(&[
        (3, "x3,corporation,X,,"),
        (34_000, "p34000,person,P"),
        (35_000, "x35000,corporation,X,,"),
    ]);
    let (stderr, at) = refused(&parties, "type,from,to\n", &["line 3:", "line 34000", "line 35000:"]);
    assert!(at.is_sorted(), "file order: {stderr}");
}

#[test]
fn relation_problems_across_read_batches_keep_the_file_order() {
    let mut relations = String::from("type,from,to,capital\n");
    for line in 2..=40_001u32 {
        relations.push_str(match line {
            3 => "shares,ghost3,T,0\n",
            34_000 => "shares,p\n",
            35_000 => "shares,ghost35000,T,0\n",
            _ => "shares,p,T,0\n",
        });
    }
    let parties = "id,kind,country,citizenship\nT,company,RU,\np,person,,RU\n";
    let (stderr, at) = refused(parties, &relations, &["line 3:", "line 34000", "line 35000:"]);
    assert!(at.is_sorted(), "file order: {stderr}");
}

#[test]
fn repeated_ids_across_read_batches_name_their_first_use_in_file_order() {
    // Ids are indexed at the end of parties.csv, on every thread; a repeated id makes the file
    // be read again one party after the other, so each repetition is named with its first use,
    // in file order among the other problems, across read batches.
    let parties = forty_thousand_parties(&[
        (3, "x3,corporation,X,,"),
        (34_000, "p5,person,P,,RU"),
        (35_000, "x35000,corporation,X,,"),
        (36_000, "p34500,person,P,,RU"),
    ]);
    let (stderr, at) = refused(
        &parties,
        "type,from,to\n",
        &[
            "line 3:",
            "parties[33998] (id \"p5\") at line 34000: id: duplicate id, first used by parties[3] at line 5",
            "line 35000:",
            "(id \"p34500\") at line 36000: id: duplicate id, first used by parties[34498] at line 34500",
        ],
    );
    assert!(at.is_sorted(), "file order: {stderr}");
    assert!(stderr.contains("has 4 problems"), "{stderr}");
}
