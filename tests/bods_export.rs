//! BODS 0.4 export: every exported file validates against the BODS 0.4 structural rules
//! (`fixtures/bods-schema/`, and the official schema when `BODS_SCHEMA` names its file), and
//! native → BODS → native keeps every party and every share exactly.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use owngraph::input::{self, bods};
use owngraph::model::{Graph, Interest};
use owngraph::report;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn graphs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = (1..=12).map(|i| root().join(format!("fixtures/example-{i:02}.json"))).collect();
    v.push(root().join("fixtures/bods-cases/round-trip.json"));
    v
}

fn validators() -> Vec<(String, jsonschema::Validator)> {
    let mut out = Vec::new();
    let mut paths = vec![root().join("fixtures/bods-schema/bods-0.4-core.schema.json")];
    if let Ok(official) = std::env::var("BODS_SCHEMA") {
        paths.push(PathBuf::from(official));
    }
    for p in paths {
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let v = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        out.push((p.display().to_string(), v));
    }
    out
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_schema_accepts_the_official_examples_and_rejects_broken_statements() {
    for (name, v) in validators() {
        for entry in std::fs::read_dir(root().join("fixtures/bods")).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "json") {
                let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{name} on {}", p.display());
            }
        }
        let broken = serde_json::json!([{"statementId": "short", "recordId": "x", "recordType": "relationship",
            "declarationSubject": "x", "statementDate": "2026-01-01",
            "recordDetails": {"isComponent": false, "subject": "x", "interestedParty": "y",
                "interests": [{"type": "owns", "share": {"exact": 120}}]}}]);
        let e = errors(&v, &broken);
        assert!(e.len() >= 3, "{name}: {e:?}");
    }
}

#[test]
fn every_exported_graph_validates() {
    let vs = validators();
    for g in graphs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.bods.json");
        Command::cargo_bin("owngraph")
            .unwrap()
            .args(["convert", g.to_str().unwrap(), "-o", out.to_str().unwrap(), "--as-of", "2026-01-01"])
            .assert()
            .code(0);
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert!(doc.as_array().is_some_and(|a| !a.is_empty()));
        for (name, v) in &vs {
            assert_eq!(errors(v, &doc), Vec::<String>::new(), "{name} on the export of {}", g.display());
        }
    }
}

/// Everything the model holds about parties and relations, ids instead of indices.
fn describe(g: &Graph) -> (Vec<String>, Vec<String>) {
    let mut parties: Vec<String> = g
        .parties()
        .iter()
        .map(|p| {
            format!(
                "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                p.id,
                p.kind,
                p.name,
                p.country,
                p.citizenship,
                p.inn(),
                p.ogrn(),
                p.document(),
                p.address(),
                p.declared()
            )
        })
        .collect();
    let mut relations: Vec<String> = g
        .relations()
        .iter()
        .map(|r| {
            let what = match &r.interest() {
                Interest::Shares { capital, votes } => format!("shares {capital} {votes}"),
                Interest::VoteDisposal { votes, basis, of } => {
                    format!("vote_disposal {votes} {basis:?} {:?}", of.map(|o| g.party(o).id.clone()))
                }
                Interest::Appoints { sole_executive, executive_board, board } => {
                    format!("appoints {sole_executive} {executive_board} {board}")
                }
                Interest::Governs { share } => format!("governs {share}"),
                other => format!("{:?}", other.relation_type()),
            };
            format!("{} → {}: {what} {:?} {:?}", g.party(r.from).id, g.party(r.to).id, r.since, r.until)
        })
        .collect();
    parties.sort();
    relations.sort();
    (parties, relations)
}

#[test]
fn native_to_bods_to_native_keeps_every_share() {
    for path in graphs() {
        let g = input::load(&path, date()).unwrap();
        let text = report::bods::to_string(&g, None);
        let back = bods::parse("export", &text, date()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(describe(&back), describe(&g), "{}", path.display());
        let lines = report::bods::to_json_lines(&g, None);
        let back = bods::parse("export.jsonl", &lines, date()).unwrap();
        assert_eq!(describe(&back), describe(&g), "{} (JSON Lines)", path.display());
    }
}

#[test]
fn convert_round_trip_through_files_gives_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("t.bods.json");
    let n = dir.path().join("t.json");
    let bin = || Command::cargo_bin("owngraph").unwrap();
    let src = root().join("fixtures/bods-cases/round-trip.json");
    bin().args(["convert", src.to_str().unwrap(), "-o", b.to_str().unwrap(), "--as-of", "2026-01-01"]).assert().code(0);
    bin().args(["convert", b.to_str().unwrap(), "-o", n.to_str().unwrap(), "--as-of", "2026-01-01"]).assert().code(0);
    let answer = |p: &Path| {
        let out = bin()
            .args(["check", p.to_str().unwrap(), "--target", "T", "--format", "json", "--as-of", "2026-01-01"])
            .assert()
            .code(0);
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert!(!v["regimes"].is_null());
        v["regimes"].clone()
    };
    assert_eq!(answer(&n), answer(&src));
}

#[test]
fn persons_subjects_schemes_and_dates_are_what_bods_expects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rt.bods.json");
    let bin = || Command::cargo_bin("owngraph").unwrap();
    let src = root().join("fixtures/bods-cases/round-trip.json");
    bin()
        .args(["convert", src.to_str().unwrap(), "-o", out.to_str().unwrap(), "--as-of", "2025-03-01"])
        .assert()
        .code(0);
    let doc: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let find = |id: &str| doc.iter().find(|s| s["recordId"] == id).unwrap();
    // A natural person whose citizenship is not stated is a person, without nationalities.
    let petrov = find("petrov");
    assert_eq!(
        (petrov["recordType"].as_str(), petrov["recordDetails"]["personType"].as_str()),
        (Some("person"), Some("knownPerson"))
    );
    assert!(petrov["recordDetails"]["nationalities"].is_null());
    assert_eq!(
        petrov["recordDetails"]["identifiers"],
        serde_json::json!([{"id": "770000000013", "scheme": "RUS-TAXID", "schemeName": "ИНН"}])
    );
    assert_eq!(
        find("T")["recordDetails"]["identifiers"],
        serde_json::json!([
            {"id": "1027700000001", "scheme": "RU-OGRN", "schemeName": "ОГРН"},
            {"id": "7700000001", "scheme": "RU-INN", "schemeName": "ИНН"}
        ])
    );
    // Each statement is declared about its own party, a relationship about its subject.
    assert_eq!(petrov["declarationSubject"], "petrov");
    assert_eq!(find("petrov→N")["declarationSubject"], "N");
    assert_eq!(find("ivanov→T")["declarationSubject"], "T");
    // Dated the day the graph describes, not the run date.
    assert!(doc.iter().all(|s| s["statementDate"] == "2025-03-01"));
    // Read back as of that day: the same graph; as of an earlier day: refused, not empty.
    bin().args(["check", out.to_str().unwrap(), "--target", "T", "--as-of", "2025-03-01"]).assert().code(0);
    bin()
        .args(["check", out.to_str().unwrap(), "--target", "T", "--as-of", "2024-01-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "every statement is dated after the analysis date 2024-01-01 (the earliest on 2025-03-01): nothing is in force then; give --as-of 2025-03-01 or later",
        ));
}
