//! Every malformed input gets its own clear message naming the file, the record and the
//! problem, exit code 2, and no output file.

mod common;

use common::owngraph;
use predicates::prelude::*;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "parties": [
            {"id": "T", "kind": "company", "country": "RU", "name": "ООО «Т»"},
            {"id": "ivanov", "kind": "person", "citizenship": ["RU"]},
            {"id": "A", "kind": "company", "country": "RU"}
        ],
        "relations": [
            {"type": "shares", "from": "ivanov", "to": "T", "capital": "60%"},
            {"type": "shares", "from": "A", "to": "T", "capital": "40%"},
            {"type": "shares", "from": "ivanov", "to": "A", "capital": "1"}
        ]
    })
}

/// Runs check on `graph` with `-o`, expects exit 2, every `needle` on stderr, and no output.
fn rejects(graph: &Value, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, serde_json::to_string_pretty(graph).unwrap()).unwrap();
    let out = dir.path().join("out.json");
    let mut assert =
        owngraph().arg("check").arg(&path).args(["--target", "T", "--format", "json", "-o"]).arg(&out).assert().code(2);
    assert = assert.stderr(predicate::str::contains("bad.json"));
    for n in needles {
        assert = assert.stderr(predicate::str::contains(*n));
    }
    assert!(!out.exists(), "no output file may be written");
}

fn with(f: impl FnOnce(&mut Value)) -> Value {
    let mut g = base();
    f(&mut g);
    g
}

#[test]
fn the_base_graph_is_valid() {
    owngraph().arg("check").arg(common::fixture("example-01.json")).args(["-t", "T"]).assert().success();
    let g = base();
    let r = common::check_graph(&g, "T", &[]);
    assert_eq!(r["regimes"]["ru"]["verdict"], "eligible");
}

#[test]
fn unknown_kind() {
    rejects(
        &with(|g| g["parties"][1]["kind"] = json!("citizen")),
        &["parties[1]", "\"ivanov\"", "unknown party kind \"citizen\""],
    );
}

#[test]
fn unknown_relation_type() {
    rejects(&with(|g| g["relations"][0]["type"] = json!("owns")), &["relations[0]", "unknown relation type \"owns\""]);
}

#[test]
fn unknown_field_on_a_party_and_on_a_relation() {
    rejects(&with(|g| g["parties"][0]["colour"] = json!("red")), &["parties[0]", "unknown field `colour`"]);
    rejects(
        &with(|g| g["relations"][0]["board"] = json!("1/2")),
        &["relations[0]", "a shares relation has no field \"board\""],
    );
}

#[test]
fn duplicate_id() {
    rejects(&with(|g| g["parties"][2]["id"] = json!("T")), &["parties[2]", "duplicate id, first used by parties[0]"]);
}

#[test]
fn relation_to_an_unknown_id() {
    rejects(
        &with(|g| g["relations"][0]["from"] = json!("ivanoff")),
        &["relations[0]", "from: no party has id \"ivanoff\""],
    );
}

#[test]
fn fraction_outside_the_unit_interval() {
    rejects(&with(|g| g["relations"][0]["capital"] = json!("120%")), &["relations[0]", "capital", "more than 1"]);
    rejects(&with(|g| g["relations"][0]["capital"] = json!(-0.5)), &["relations[0]", "capital", "negative"]);
    rejects(&with(|g| g["relations"][0]["capital"] = json!("sixty")), &["relations[0]", "\"sixty\" is not a fraction"]);
}

#[test]
fn capital_summing_above_one() {
    rejects(
        &with(|g| g["relations"][1]["capital"] = json!("40.01%")),
        &["parties[0]", "\"T\"", "sum to 10001/10000", "more than 1"],
    );
}

#[test]
fn votes_summing_above_one() {
    rejects(&with(|g| g["relations"][1]["votes"] = json!("1/2")), &["parties[0]", "votes in it", "11/10"]);
}

#[test]
fn votes_disposed_of_beyond_holdings() {
    rejects(
        &with(|g| {
            g["parties"].as_array_mut().unwrap().push(json!({"id": "M", "kind": "company", "country": "GB"}));
            g["relations"].as_array_mut().unwrap().push(json!({"type": "vote_disposal", "from": "M", "to": "T", "votes": "70%", "basis": "trust_management", "of": "ivanov"}));
        }),
        &["parties[0]", "votes of \"ivanov\" disposed of by others (relations[3])", "owns only 3/5"],
    );
}

#[test]
fn shares_in_itself_when_not_a_company() {
    rejects(
        &with(|g| {
            g["relations"]
                .as_array_mut()
                .unwrap()
                .push(json!({"type": "shares", "from": "ivanov", "to": "ivanov", "capital": "10%"}))
        }),
        &["relations[3]", "only a company can hold its own shares", "person"],
    );
}

#[test]
fn region_outside_russia() {
    rejects(
        &with(|g| {
            g["parties"].as_array_mut().unwrap().push(json!({"id": "almaty", "kind": "region", "country": "KZ"}))
        }),
        &["parties[3]", "\"almaty\"", "country KZ is not allowed"],
    );
    rejects(
        &with(|g| {
            g["parties"].as_array_mut().unwrap().push(json!({"id": "m", "kind": "municipality", "country": "BY"}))
        }),
        &["parties[3]", "municipality"],
    );
}

#[test]
fn person_without_citizenship() {
    rejects(
        &with(|g| g["parties"][1]["citizenship"] = json!([])),
        &["parties[1]", "\"ivanov\"", "a person needs at least one \"citizenship\""],
    );
}

#[test]
fn closed_ownership_loop() {
    rejects(
        &with(|g| {
            let parties = g["parties"].as_array_mut().unwrap();
            parties.push(json!({"id": "X", "kind": "company", "country": "RU"}));
            parties.push(json!({"id": "Y", "kind": "company", "country": "RU"}));
            let rel = g["relations"].as_array_mut().unwrap();
            rel.push(json!({"type": "shares", "from": "X", "to": "Y", "capital": "1"}));
            rel.push(json!({"type": "shares", "from": "Y", "to": "X", "capital": "1"}));
        }),
        &["closed ownership loop: X, Y own each other entirely"],
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let g = with(|g| {
        g["parties"][1]["kind"] = json!("citizen");
        g["parties"][2]["country"] = json!("UK");
        g["relations"][0]["to"] = json!("TT");
    });
    rejects(
        &g,
        &["3 problems", "unknown party kind", "the United Kingdom is GB", "no party has id \"TT\" (similar: T)"],
    );
}

#[test]
fn malformed_json_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"parties\": [\n  {\"id\": \"T\", \"kind\": \"company\" \"country\": \"RU\"}\n]}").unwrap();
    owngraph()
        .arg("check")
        .arg(&path)
        .args(["-t", "T"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json: line 2 column").and(predicate::str::contains("not valid JSON")));
}

#[test]
fn json_numbers_are_read_from_their_text() {
    // 0.1 + 0.2 + 0.7 is exactly 1 only if the literals are not read as binary floats.
    let g = json!({
        "parties": [
            {"id": "T", "kind": "company", "country": "RU"},
            {"id": "a", "kind": "person", "citizenship": ["RU"]},
            {"id": "b", "kind": "person", "citizenship": ["RU"]},
            {"id": "c", "kind": "person", "citizenship": ["US"]}
        ],
        "relations": [
            {"type": "shares", "from": "a", "to": "T", "capital": 0.1},
            {"type": "shares", "from": "b", "to": "T", "capital": 0.2},
            {"type": "shares", "from": "c", "to": "T", "capital": 0.7}
        ]
    });
    let r = common::check_graph(&g, "T", &[]);
    assert_eq!(common::frac(&r["regimes"]["ru"]["share"]), "3/10");
    assert_eq!(common::frac(&r["regimes"]["ru"]["upper"]), "3/10");
}

#[test]
fn unknown_target_is_a_usage_error_with_suggestions() {
    owngraph()
        .arg("check")
        .arg(common::fixture("example-01.json"))
        .args(["--target", "ivanoff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no party has id \"ivanoff\""));
}

#[test]
fn unreadable_file() {
    owngraph()
        .args(["check", "/nonexistent/graph.json", "-t", "T"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}
