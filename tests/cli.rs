//! Whole-command behaviour of `check`: languages, dates, output files.

mod common;

use common::{check_graph, fixture, frac, owngraph};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn text_is_russian_by_default_and_english_on_request() {
    owngraph()
        .arg("check")
        .arg(fixture("example-01.json"))
        .args(["-t", "T"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Вердикт: СООТВЕТСТВУЕТ"))
        .stdout(predicate::str::contains("82,5 % (33/40)"))
        .stdout(predicate::str::contains("petrov → A 50 % × A → T 35 % = 17,5 %"))
        .stdout(predicate::str::contains("п. 10 «б»"));
    owngraph()
        .arg("check")
        .arg(fixture("example-06.json"))
        .args(["-t", "T", "--lang", "en", "--regime", "pak"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Verdict: NOT ELIGIBLE"))
        .stdout(predicate::str::contains("F → R: votes: F 51 % > 50 %"))
        .stdout(predicate::str::contains("Policies: P1 dual citizens: russian"));
}

#[test]
fn as_of_keeps_the_relations_in_force_that_day() {
    let g = json!({
        "parties": [
            {"id": "T", "kind": "company", "country": "RU"},
            {"id": "old", "kind": "person", "citizenship": ["US"]},
            {"id": "new", "kind": "person", "citizenship": ["RU"]}
        ],
        "relations": [
            {"type": "shares", "from": "old", "to": "T", "capital": "1", "until": "2025-03-01"},
            {"type": "shares", "from": "new", "to": "T", "capital": "1", "since": "2025-03-01"}
        ]
    });
    let before = check_graph(&g, "T", &["--as-of", "2025-02-28"]);
    assert_eq!(frac(&before["regimes"]["ru"]["share"]), "0/1");
    assert_eq!(before["as_of"], "2025-02-28");
    let after = check_graph(&g, "T", &["--as-of", "2025-03-01"]);
    assert_eq!(frac(&after["regimes"]["ru"]["share"]), "1/1");
    assert_eq!(after["graph"]["relations_not_in_force"], 1);
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("answer.json");
    owngraph()
        .arg("check")
        .arg(fixture("example-03.json"))
        .args(["-t", "T", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["regimes"]["eaeu"]["share"]["fraction"], "1/3");
}

#[test]
fn help_teaches() {
    owngraph()
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("--dual-citizens"))
        .stdout(predicate::str::contains("--participation-base"));
}

#[test]
fn bad_date_is_a_usage_error() {
    owngraph().arg("check").arg(fixture("example-01.json")).args(["-t", "T", "--as-of", "23.11.2026"]).assert().code(2);
}
