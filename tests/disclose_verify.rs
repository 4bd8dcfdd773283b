//! Whole-command behaviour of `disclose` (the p. 10 "б" list) and `verify` (a declared list
//! checked against the graph): the worked examples' lists, CSV for spreadsheets, a correct
//! declaration per fixture, one declaration per kind of defect, malformed declarations.

mod common;

use std::path::PathBuf;

use common::{fixture, owngraph};
use predicates::prelude::*;
use serde_json::Value;

fn declaration(name: &str) -> PathBuf {
    fixture("declarations").join(name)
}

/// `disclose --format csv` of a fixture: the rows as (holder, share_fraction, branch).
fn disclosed_csv(example: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let out = owngraph()
        .arg("disclose")
        .arg(fixture(example))
        .args(["--target", "T", "--format", "csv", "--as-of", "2026-01-01"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stdout.starts_with("\u{feff}".as_bytes()), "no byte order mark on standard output");
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (h, f, b) = (col("holder"), col("share_fraction"), col("branch"));
    reader.records().map(|r| r.unwrap()).map(|r| (r[h].to_string(), r[f].to_string(), r[b].to_string())).collect()
}

fn holders(rows: &[(String, String, String)]) -> Vec<&str> {
    rows.iter().map(|r| r.0.as_str()).collect()
}

#[test]
fn disclose_csv_lists_exactly_the_domain_holders() {
    let rows = disclosed_csv("example-01.json", &[]);
    assert_eq!(holders(&rows), ["ivanov", "sidorov", "petrov"]);
    assert_eq!(rows[2].1, "7/40");
    assert_eq!(rows[0].2, "above_five_exceed_half");
    let rows = disclosed_csv("example-10.json", &[]);
    assert_eq!(holders(&rows), ["A", "B", "C", "D", "E", "F"]);
    assert_eq!(rows[0].2, "top_up_to_exceed_half");
    assert_eq!(holders(&disclosed_csv("example-12.json", &[])), ["N"]);
    assert_eq!(holders(&disclosed_csv("example-03.json", &[])), ["a", "b"]);
    assert_eq!(holders(&disclosed_csv("example-04.json", &[])), ["p"]);
    assert_eq!(holders(&disclosed_csv("example-11.json", &["--regime", "eaeu"])), ["kz", "by"]);
    // Example 3 under eaeu: only c (KZ) qualifies, 1/3: the rule cannot be met.
    let rows = disclosed_csv("example-03.json", &["--regime", "eaeu"]);
    assert_eq!(holders(&rows), ["c"]);
    assert_eq!(rows[0].2, "not_met");
}

#[test]
fn disclose_csv_in_a_file_starts_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    owngraph()
        .arg("disclose")
        .arg(fixture("holders-with-details.json"))
        .args(["-t", "T", "--format", "csv", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with("\u{feff}holder,name,share,share_fraction,direct".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\nivanov,Иванов Иван Иванович,30%,3/10,30%,3/10,0%,0/1,person,true,770100000001,"));
    // --bom never leaves it out.
    owngraph()
        .arg("disclose")
        .arg(fixture("holders-with-details.json"))
        .args(["-t", "T", "--format", "csv", "--bom", "never", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert!(std::fs::read(&path).unwrap().starts_with(b"holder,"));
}

#[test]
fn disclose_text_is_russian_with_the_details_of_p4e() {
    owngraph()
        .arg("disclose")
        .arg(fixture("holders-with-details.json"))
        .args(["-t", "T"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Сведения о долях участия по п. 10 «б»"))
        .stdout(predicate::str::contains("1. Иванов Иван Иванович — 30 % (3/10); прямая 30 %, косвенная 0 %"))
        .stdout(predicate::str::contains("ИНН 770100000001; документ: паспорт 4500 000001"))
        .stdout(predicate::str::contains("4. Иванова Анна Петровна — 12 % (3/25); прямая 0 %, косвенная 12 %"))
        .stdout(predicate::str::contains("Итого: 75 % (3/4)"))
        .stdout(predicate::str::contains(
            "АНО «Клуб» не учитывается: её контролирует иностранное лицо John Smith (John Smith → АНО «Клуб»)",
        ));
    owngraph()
        .arg("disclose")
        .arg(fixture("example-01.json"))
        .args(["-t", "T", "--lang", "en", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::contains("# Shares of participation under p. 10 \"б\""))
        .stdout(predicate::str::contains("| 3 | petrov | citizen of the Russian Federation; not in the input: INN, identity document, address | 17.5 % | 7/40 | 0 % | 17.5 % |"));
}

#[test]
fn disclose_json_carries_the_branch_and_what_the_input_lacks() {
    let out = owngraph()
        .arg("disclose")
        .arg(fixture("example-12.json"))
        .args(["-t", "T", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "above_five_exceed_half");
    assert_eq!(v["rule"], "p. 10 \"б\"");
    assert_eq!(v["holders"][0]["id"], "N");
    assert_eq!(v["holders"][0]["share"]["fraction"], "3/5");
    assert_eq!(v["holders"][0]["missing_details"], serde_json::json!(["ogrn", "inn"]));
    assert_eq!(v["total"]["percent"], "60");
}

/// `verify --format json`: exit code and parsed answer.
fn verify(graph: &str, decl: &str, extra: &[&str]) -> (i32, Value) {
    let out = owngraph()
        .arg("verify")
        .arg(fixture(graph))
        .args(["--target", "T", "--format", "json", "--disclosure"])
        .arg(declaration(decl))
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&out.stderr));
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn correct_declarations_exit_0() {
    for (graph, decl, extra) in [
        ("example-01.json", "example-01-correct.csv", &[][..]),
        ("example-03.json", "example-03-rounded.csv", &[]),
        ("example-04.json", "example-04-correct.csv", &[]),
        ("example-10.json", "example-10-correct.json", &[]),
        ("example-11.json", "example-11-eaeu-correct.csv", &["--regime", "eaeu"]),
        ("example-12.json", "example-12-correct.csv", &[]),
        ("holders-with-details.json", "holders-correct.csv", &[]),
        ("holders-with-details.json", "holders-correct.json", &[]),
        ("example-03.json", "example-03-one-decimal.csv", &["--tolerance", "0.05"]),
    ] {
        let (code, v) = verify(graph, decl, extra);
        assert_eq!((code, codes(&v)), (0, vec![]), "{decl}");
        assert_eq!(v["consistent"], true);
    }
    // A qualifying holder beyond the list is a warning only.
    let (code, v) = verify("example-10.json", "example-10-extra.csv", &[]);
    assert_eq!((code, codes(&v)), (0, vec!["extra_holder".to_string()]));
    assert_eq!(v["findings"][0]["severity"], "warning");
}

#[test]
fn each_defect_exits_1_with_its_finding() {
    for (graph, decl, extra, code) in [
        ("example-01.json", "example-01-share-off.csv", &[][..], "share_mismatch"),
        ("example-03.json", "example-03-one-decimal.csv", &[], "share_mismatch"),
        ("example-01.json", "example-01-missing.csv", &[], "missing_holder"),
        ("example-01.json", "example-01-missing.csv", &[], "list_not_meeting_rule"),
        ("example-01.json", "example-01-foreign.csv", &[], "holder_not_qualifying"),
        ("example-01.json", "example-01-company.json", &[], "holder_not_qualifying"),
        ("example-01.json", "example-01-not-found.csv", &[], "holder_not_found"),
        ("example-01.json", "example-01-duplicate.csv", &[], "duplicate_holder"),
        ("example-01.json", "example-01-duplicate.csv", &[], "total_above_whole"),
        ("example-10.json", "example-10-short.csv", &[], "total_not_above_half"),
        ("example-10.json", "example-10-short.csv", &[], "verdict_differs"),
        ("example-09.json", "example-09-overstated.csv", &[], "verdict_differs"),
        ("example-09.json", "example-09-overstated.csv", &[], "list_not_meeting_rule"),
        ("holders-with-details.json", "holders-correct.csv", &["--dual-citizens", "foreign"], "holder_not_qualifying"),
        ("holders-with-details.json", "holders-nonprofit.csv", &[], "holder_not_qualifying"),
        ("holders-with-details.json", "holders-company.csv", &[], "holder_not_qualifying"),
        ("holders-with-details.json", "holders-ambiguous.csv", &[], "ambiguous_holder"),
        ("holders-with-details.json", "holders-not-a-holder.csv", &[], "not_a_holder"),
    ] {
        let (exit, v) = verify(graph, decl, extra);
        assert_eq!(exit, 1, "{decl}");
        assert!(codes(&v).iter().any(|c| c == code), "{decl}: {code} not in {:?}", codes(&v));
        assert_eq!(v["consistent"], false);
    }
}

#[test]
fn findings_carry_their_evidence() {
    let (_, v) = verify("example-01.json", "example-01-share-off.csv", &[]);
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!((f["line"].as_u64(), f["record"].as_u64()), (Some(2), Some(1)));
    assert_eq!(f["declared"]["fraction"], "81/200");
    assert_eq!(f["computed"]["fraction"], "2/5");
    assert_eq!(f["difference"]["percent"], "0.5");
    assert_eq!(f["chains"][0]["text"], "ivanov → T 40 %");

    let (_, v) = verify("example-01.json", "example-01-missing.csv", &[]);
    let f = &v["findings"][0];
    assert_eq!((f["code"].as_str(), f["party"].as_str()), (Some("missing_holder"), Some("petrov")));
    assert_eq!(f["chains"][0]["text"], "petrov → A 50 % × A → T 35 % = 17.5 %");

    let (_, v) = verify("example-01.json", "example-01-foreign.csv", &[]);
    assert_eq!(v["findings"][0]["basis"]["code"], "qual.foreign_citizen");
    assert!(v["findings"][0]["message"].as_str().unwrap().contains("foreign citizen (GB)"));

    let (_, v) = verify("holders-with-details.json", "holders-correct.csv", &["--dual-citizens", "foreign"]);
    assert_eq!(v["findings"][0]["party"], "fedorov");
    assert_eq!(v["findings"][0]["matched_by"], "inn");
    assert_eq!(v["findings"][0]["basis"]["code"], "qual.dual_citizen_foreign");

    let (_, v) = verify("holders-with-details.json", "holders-ambiguous.csv", &[]);
    assert_eq!(v["findings"][0]["candidates"], serde_json::json!(["ivanova", "ivanova_namesake"]));
    let (_, v) = verify("holders-with-details.json", "holders-nonprofit.csv", &[]);
    assert_eq!(v["findings"][0]["basis"]["code"], "qual.nonprofit_controlled");
}

#[test]
fn what_disclose_writes_verify_accepts() {
    let dir = tempfile::tempdir().unwrap();
    for (example, regime) in [
        ("example-01.json", "ru"),
        ("example-03.json", "ru"),
        ("example-04.json", "ru"),
        ("example-06.json", "ru"),
        ("example-07.json", "ru"),
        ("example-08.json", "ru"),
        ("example-10.json", "ru"),
        ("example-11.json", "eaeu"),
        ("example-12.json", "ru"),
        ("holders-with-details.json", "ru"),
    ] {
        for format in ["csv", "json"] {
            let path = dir.path().join(format!("list.{format}"));
            owngraph()
                .arg("disclose")
                .arg(fixture(example))
                .args(["-t", "T", "--regime", regime, "--format", format, "-o"])
                .arg(&path)
                .assert()
                .success();
            owngraph()
                .arg("verify")
                .arg(fixture(example))
                .args(["-t", "T", "--regime", regime, "--disclosure"])
                .arg(&path)
                .assert()
                .code(0)
                .stdout(predicate::str::contains("СОГЛАСУЕТСЯ"));
        }
    }
}

#[test]
fn verify_text_is_russian_by_default_and_english_on_request() {
    owngraph()
        .arg("verify")
        .arg(fixture("example-01.json"))
        .args(["-t", "T", "--disclosure"])
        .arg(declaration("example-01-share-off.csv"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Итог: РАСХОЖДЕНИЯ (1 ошибка, 0 предупреждений)"))
        .stdout(predicate::str::contains(
            "[ошибка] share_mismatch (строка 2): ivanov: заявлено 40,5 % (81/200), вычислено 40 % (2/5); расхождение 0,5 п. п. больше допуска 0,01 п. п.",
        ));
    owngraph()
        .arg("verify")
        .arg(fixture("example-01.json"))
        .args(["-t", "T", "--lang", "en", "--disclosure"])
        .arg(declaration("example-01-correct.csv"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Result: CONSISTENT"));
}

#[test]
fn malformed_declarations_exit_2_naming_file_line_and_problem() {
    for (decl, message) in [
        ("malformed-share.csv", "malformed-share.csv: line 3 (record 2): share: \"abc\" is not a fraction"),
        ("malformed-share.csv", "malformed-share.csv: line 4 (record 3): holder: empty"),
        (
            "malformed-header.csv",
            "malformed-header.csv: line 1: the header must name the columns \"holder\" and \"share\"",
        ),
        ("malformed-range.csv", "malformed-range.csv: line 2 (record 1): share: \"140%\" is more than 100 %"),
        ("malformed-syntax.json", "malformed-syntax.json: line 3 column"),
        ("malformed-record.json", "malformed-record.json: line 3 (record 2): holder: missing"),
        ("malformed-record.json", "malformed-record.json: line 4 (record 3): share: expected a text"),
        ("malformed-empty.csv", "malformed-empty.csv: empty"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("answer.json");
        owngraph()
            .arg("verify")
            .arg(fixture("example-01.json"))
            .args(["-t", "T", "--format", "json", "-o"])
            .arg(&out)
            .arg("--disclosure")
            .arg(declaration(decl))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "no output file on bad input");
    }
    owngraph()
        .arg("verify")
        .arg(fixture("example-01.json"))
        .args(["-t", "T", "--disclosure", "no-such-file.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.csv: cannot read"));
    owngraph()
        .arg("verify")
        .arg(fixture("example-01.json"))
        .args(["-t", "T", "--tolerance", "-1", "--disclosure"])
        .arg(declaration("example-01-correct.csv"))
        .assert()
        .code(2);
    owngraph()
        .arg("verify")
        .arg(fixture("example-01.json"))
        .args(["-t", "X", "--disclosure"])
        .arg(declaration("example-01-correct.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no party has id \"X\""));
}

/// A reader is shown names, not the input's ids: the target, a holder the list lacks, the list
/// p. 10 "б" requires, the holders whose p. 4 "е" details are missing. The ids hold an
/// underscore, which a temporary directory's random name (shown with the declaration's path)
/// never does, so the test cannot fail by chance.
#[test]
fn verify_and_disclose_name_parties_by_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("named.json");
    std::fs::write(
        &graph,
        r#"{"parties": [
  {"id": "id_target", "kind": "company", "country": "RU", "name": "ООО «Цель»", "ogrn": "1027700000001"},
  {"id": "id_ivanov", "kind": "person", "citizenship": ["RU"], "name": "Иванов Иван Иванович"},
  {"id": "id_sidorov", "kind": "person", "citizenship": ["RU"], "name": "Сидоров Сергей Петрович"},
  {"id": "id_smith", "kind": "person", "citizenship": ["GB"], "name": "John Smith"}],
 "relations": [
  {"type": "shares", "from": "id_ivanov", "to": "id_target", "capital": "40%"},
  {"type": "shares", "from": "id_sidorov", "to": "id_target", "capital": "25%"},
  {"type": "shares", "from": "id_smith", "to": "id_target", "capital": "35%"}]}"#,
    )
    .unwrap();
    let decl = dir.path().join("decl.csv");
    std::fs::write(&decl, "holder,share\nИванов Иван Иванович,40%\n").unwrap();
    let out =
        owngraph().arg("verify").arg(&graph).args(["-t", "id_target", "--disclosure"]).arg(&decl).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Сидоров Сергей Петрович"), "{text}");
    for id in ["id_ivanov", "id_sidorov", "id_smith", "id_target"] {
        assert!(!text.contains(id), "id {id} shown to a reader:\n{text}");
    }
    let out = owngraph().arg("disclose").arg(&graph).args(["-t", "id_target"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Сидоров Сергей Петрович"), "{text}");
    for id in ["id_ivanov", "id_sidorov", "id_smith", "id_target"] {
        assert!(!text.contains(id), "id {id} shown to a reader:\n{text}");
    }
}
