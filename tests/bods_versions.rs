//! Published BODS of every version (0.1–0.4) and the law: each sample loads with exact
//! values; arrangements with members are followed; influence is not control; the forms a file
//! may take (array, JSON Lines, one object, gzip) and the refusal of a file no version fits.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use owngraph::Fraction;
use owngraph::input;
use owngraph::model::{Graph, Interest, PartyKind};

use common::{check_json, fixture, frac, owngraph};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn version(name: &str) -> PathBuf {
    fixture(&format!("bods-versions/{name}"))
}

fn load(path: &Path, on: &str) -> Graph {
    input::load(path, date(on)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every relation as `from → to: type capital`, sorted.
fn relations(g: &Graph) -> Vec<String> {
    let mut v: Vec<String> = g
        .relations()
        .iter()
        .map(|r| {
            let what = match &r.interest() {
                Interest::Shares { capital, .. } => format!("shares {capital}"),
                other => other.relation_type().as_str().to_string(),
            };
            format!("{} → {}: {what}", g.party(r.from).id, g.party(r.to).id)
        })
        .collect();
    v.sort();
    v
}

fn kind(g: &Graph, id: &str) -> PartyKind {
    g.party(g.lookup(id).unwrap()).kind
}

#[test]
fn every_version_sample_loads() {
    let mut loaded = Vec::new();
    for entry in std::fs::read_dir(fixture("bods-versions")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let g = load(&path, "2026-01-01");
            loaded.push((path.file_name().unwrap().to_string_lossy().to_string(), g.len(), g.relations().len()));
        }
    }
    loaded.sort();
    let expected: Vec<(String, usize, usize)> = [
        // The arrangement, its two members (of unknown nationality) and the company it holds.
        ("0.1-joint-ownership.json", 4, 3),
        ("0.1-single-direct.json", 2, 1),
        ("0.1-single-update.json", 3, 2),
        // 10 relationships naming 16 records the file does not describe: unknown parties.
        ("0.2-gleif-outside-references.json", 16, 0),
        // 11 relationships, two of them the same interest stated twice.
        ("0.2-gleif-relationships.json", 12, 9),
        // The indirect 30 % is a note; the two unknownInterest components are influence.
        ("0.2-indirect-ownership.json", 3, 2),
        ("0.2-joint-ownership.json", 4, 3),
        ("0.2-single-direct-then-update.json", 3, 2),
        // The state's control of its ministry is a note (a state body is the state acting).
        ("0.3-fi-soe.json", 4, 3),
        ("0.3-full-pep-declaration.json", 3, 2),
        // One relationship closed on 2024-07-07 and replaced by another.
        ("0.4-gleif-relationship-replaced.json", 3, 1),
    ]
    .iter()
    .map(|(n, p, r)| (n.to_string(), *p, *r))
    .collect();
    assert_eq!(loaded, expected);
}

#[test]
fn version_0_1_single_direct_holding_is_exact() {
    let g = load(&version("0.1-single-direct.json"), "2026-01-01");
    assert_eq!(
        relations(&g),
        vec!["019a93f1-e470-42e9-957b-03559861b2e2 → 1dc0e987-5c57-4a1c-b3ad-61353b66a9b7: shares 1/1"]
    );
    assert_eq!(kind(&g, "019a93f1-e470-42e9-957b-03559861b2e2"), PartyKind::Person);
}

#[test]
fn replaces_statements_follow_the_dates() {
    let path = version("0.2-single-direct-then-update.json");
    let before = load(&path, "2017-12-01");
    assert_eq!(
        relations(&before),
        vec!["019a93f1-e470-42e9-957b-03559861b2e2 → 1dc0e987-5c57-4a1c-b3ad-61353b66a9b7: shares 1/1"]
    );
    // On 2018-01-05 two statements replace the one holding: a split into 50 % and 50 %.
    let after = load(&path, "2018-02-01");
    assert_eq!(
        relations(&after),
        vec![
            "019a93f1-e470-42e9-957b-03559861b2e2 → 1dc0e987-5c57-4a1c-b3ad-61353b66a9b7: shares 1/2",
            "30e9def3-fa2e-428a-9a02-f43b2a6d5c2e-unspecified → 1dc0e987-5c57-4a1c-b3ad-61353b66a9b7: shares 1/2",
        ]
    );
}

#[test]
fn version_0_3_state_ownership_reaches_the_state() {
    let out = check_json(&version("0.3-fi-soe.json"), "xregi-es-00002247037980570744606", &["--regime", "ru"]);
    let ru = &out["regimes"]["ru"];
    assert_eq!(ru["verdict"], "not_eligible");
    // Gasgrid Finland: 76.5 % through Suomen Kaasuverkko, 23.5 % direct, all from the ministry.
    let holders = ru["holders"].as_array().unwrap();
    assert_eq!(holders.len(), 1);
    assert_eq!(holders[0]["id"], "xregi-es-00001461827397290944606");
    assert_eq!(frac(&holders[0]["share"]), "1/1");
}

#[test]
fn joint_ownership_of_two_russian_citizens_is_eligible_at_one() {
    let out = check_json(&fixture("bods-cases/joint-ownership-ru.json"), "31c55e425764", &[]);
    let ru = &out["regimes"]["ru"];
    assert_eq!(ru["verdict"], "eligible");
    assert_eq!(frac(&ru["share"]), "1/1");
    assert_eq!(frac(&ru["upper"]), "1/1");
    let mut holders: Vec<(String, String)> = ru["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_str().unwrap().to_string(), frac(&h["share"]).to_string()))
        .collect();
    holders.sort();
    assert_eq!(holders, vec![("1accb8b18b99".into(), "1/2".into()), ("f040df24d9ec".into(), "1/2".into())]);
    assert_eq!(out["regimes"]["pak"]["verdict"], "eligible");
}

#[test]
fn an_arrangement_is_a_company_with_members_and_a_foreign_structure_without() {
    let g = load(&fixture("bods-cases/joint-ownership-ru.json"), "2026-01-01");
    let a = g.party(g.lookup("91b4236a7d89").unwrap());
    assert_eq!((a.kind, a.country.map(|c| c.to_string())), (PartyKind::Company, Some("RU".to_string())));
    assert!(a.notes().iter().any(|n| n.contains("2 stated member(s)")), "{:?}", a.notes());
    // The same in the official 0.1 example (foreign members of unknown nationality).
    let g = load(&version("0.1-joint-ownership.json"), "2026-01-01");
    let a = g.parties().iter().find(|p| p.name == "Joint shareholding").unwrap();
    assert_eq!((a.kind, a.country.map(|c| c.to_string())), (PartyKind::Company, Some("GB".to_string())));
    // A trust states trustees, a settlor and beneficiaries, no members: a foreign structure.
    let g = load(&fixture("bods/levent.json"), "2026-01-01");
    let t = g.party(g.lookup("8e40d059").unwrap());
    assert_eq!(t.kind, PartyKind::ForeignStructure);
    assert!(t.notes().iter().any(|n| n.contains("(trust) without stated members")), "{:?}", t.notes());
}

#[test]
fn foreign_influence_makes_pak_undetermined_not_not_eligible() {
    let out = check_json(&fixture("bods-cases/foreign-influence.json"), "t", &["--lang", "en"]);
    assert_eq!(out["regimes"]["ru"]["verdict"], "eligible");
    let pak = &out["regimes"]["pak"];
    assert_eq!(pak["verdict"], "undetermined");
    assert_eq!(pak["reason_code"], "control.undetermined_influence");
    let foreign: Vec<&serde_json::Value> =
        pak["controllers"].as_array().unwrap().iter().filter(|c| c["foreign"] == true).collect();
    assert!(foreign.is_empty(), "{foreign:?}");
    let named = pak["potential_controllers"].as_array().unwrap().iter().find(|p| p["id"] == "holdco").unwrap();
    assert_eq!(named["chain"], serde_json::json!(["holdco", "t"]));
    let quoted = named["influence"][0].as_str().unwrap();
    assert!(
        quoted.starts_with(
            "holdco → t (BODS interest otherInfluenceOrControl (direct) «significant influence or control»"
        )
    );
    // Screening gives the same verdicts as check.
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.jsonl");
    owngraph()
        .arg("screen")
        .arg(fixture("bods-cases/foreign-influence.json"))
        .args(["--all", "--as-of", "2026-01-01", "-o"])
        .arg(&rows)
        .assert()
        .code(0);
    let row = std::fs::read_to_string(&rows)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["target"] == "t")
        .unwrap();
    assert_eq!(row["regimes"]["ru"]["verdict"], "eligible");
    assert_eq!(row["regimes"]["pak"]["verdict"], "undetermined");
}

#[test]
fn influence_whose_details_state_the_right_to_determine_decisions_is_control() {
    let text = std::fs::read_to_string(fixture("bods-cases/foreign-influence.json"))
        .unwrap()
        .replace("significant influence or control", "the right to determine decisions under a shareholder agreement");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("decisions.json");
    std::fs::write(&p, text).unwrap();
    let out = check_json(&p, "t", &[]);
    let pak = &out["regimes"]["pak"];
    assert_eq!(pak["verdict"], "not_eligible");
    assert_eq!(common::foreign_controllers(&out), vec!["holdco".to_string()]);
    let holdco = pak["controllers"].as_array().unwrap().iter().find(|c| c["id"] == "holdco").unwrap();
    assert_eq!(holdco["indicators"], serde_json::json!(["decision_rights"]));
}

#[test]
fn domestic_influence_changes_nothing() {
    let text = std::fs::read_to_string(fixture("bods-cases/foreign-influence.json"))
        .unwrap()
        .replace(r#""name": "United Kingdom", "code": "GB""#, r#""name": "Russian Federation", "code": "RU""#);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("domestic.json");
    std::fs::write(&p, text).unwrap();
    // Holdco is Russian but its own holders are not disclosed: it could be foreign controlled.
    let out = check_json(&p, "t", &[]);
    assert_eq!(out["regimes"]["pak"]["verdict"], "undetermined");
}

#[test]
fn gleif_consolidation_is_influence_not_control() {
    let g = load(&version("0.2-gleif-relationships.json"), "2026-01-01");
    let types: std::collections::BTreeSet<String> =
        g.relations().iter().map(|r| r.relation_type().as_str().to_string()).collect();
    assert_eq!(types.into_iter().collect::<Vec<_>>(), vec!["influence".to_string()]);
}

#[test]
fn json_lines_single_objects_and_gzip_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(version("0.1-single-direct.json")).unwrap();
    let statements: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    // JSON Lines in a .json file.
    let lines = dir.path().join("lines.json");
    let body: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
    std::fs::write(&lines, body.join("\n")).unwrap();
    assert_eq!(relations(&load(&lines, "2026-01-01")).len(), 1);
    // One statement, pretty printed.
    let one = dir.path().join("one.json");
    std::fs::write(&one, serde_json::to_string_pretty(&statements[0]).unwrap()).unwrap();
    let g = load(&one, "2026-01-01");
    assert_eq!((g.len(), g.parties()[0].kind), (1, PartyKind::Company));
    // Gzip, whatever the name.
    let gz = dir.path().join("sample.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    assert_eq!(relations(&load(&gz, "2026-01-01")), relations(&load(&version("0.1-single-direct.json"), "2026-01-01")));
    owngraph().args(["verify", "--bods"]).arg(&gz).args(["--as-of", "2026-01-01"]).assert().code(0);
}

#[test]
fn a_file_no_version_fits_is_refused_naming_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    std::fs::write(
        &p,
        r#"[{"statementID": "s1", "statementType": "entityStatement", "entityType": "registeredEntity",
             "publicationDetails": {"bodsVersion": "0.4"}},
            {"statementID": "s2", "statementType": "ownershipOrControlStatement", "subject": {"describedByEntityStatement": "s1"},
             "publicationDetails": {"bodsVersion": "0.2"}}]"#,
    )
    .unwrap();
    owngraph()
        .args(["check"])
        .arg(&p)
        .args(["--target", "s1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "statements[0] (record \"s1\") at line 1: declares bodsVersion \"0.4\" but is written like BODS 0.1–0.3 (statementID, statementType): no version fits",
        ))
        .stderr(predicates::str::contains(
            "statements[1] (record \"s2\") at line 3: interestedParty: read as BODS 0.2: an ownership-or-control statement needs \"interestedParty\"",
        ));
}

#[test]
fn exclusive_bounds_of_old_versions_are_flags() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("range.json");
    std::fs::write(
        &p,
        r#"[{"statementID": "e", "statementType": "entityStatement", "entityType": "registeredEntity", "name": "E",
             "incorporatedInJurisdiction": {"code": "RU"}},
            {"statementID": "p", "statementType": "personStatement", "personType": "knownPerson",
             "names": [{"type": "individual", "fullName": "P"}], "nationalities": [{"code": "RU"}]},
            {"statementID": "r", "statementType": "ownershipOrControlStatement",
             "subject": {"describedByEntityStatement": "e"}, "interestedParty": {"describedByPersonStatement": "p"},
             "interests": [{"type": "shareholding", "interestLevel": "direct", "startDate": "2016-04-06T00:00:00Z",
                            "share": {"minimum": 50, "maximum": 75, "exclusiveMinimum": true, "exclusiveMaximum": false}}]}]"#,
    )
    .unwrap();
    let out = check_json(&p, "e", &["--regime", "ru"]);
    let ru = &out["regimes"]["ru"];
    // More than 50 % is imported as its limit 1/2: never wrongly eligible.
    assert_eq!((frac(&ru["share"]), frac(&ru["upper"])), ("1/2", "1/1"));
    assert_eq!(ru["verdict"], "undetermined");
}

#[test]
fn an_interest_stated_three_times_counts_once() {
    let out = check_json(&fixture("bods-cases/stated-three-times.json"), "c1", &["--regime", "all"]);
    let ru = &out["regimes"]["ru"];
    // 75–100 % stated three times: 3/4 once, not 9/4 (which the model would refuse).
    assert_eq!((frac(&ru["share"]), frac(&ru["upper"])), ("3/4", "1/1"));
    assert_eq!(ru["verdict"], "eligible");
    let g = load(&fixture("bods-cases/stated-three-times.json"), "2026-01-01");
    assert_eq!(
        relations(&g),
        vec![
            "c1-ranges → c1: shares 1/4".to_string(),
            "p1 → c1: appoints".to_string(),
            "p1 → c1: shares 3/4".to_string()
        ]
    );
    let p = g.party(g.lookup("p1").unwrap());
    let again: Vec<&String> =
        p.notes().iter().filter(|n| n.contains("stated again (first in relationship o1): counted once")).collect();
    assert_eq!(again.len(), 4, "{:?}", p.notes());
}

#[test]
fn contradicting_records_are_quarantined_and_block_exactly_their_answers() {
    let path = fixture("bods-cases/two-holders-75-100.json");
    // Two corporate holders each at 75–100 % of C: C's record is set aside; T, which C holds
    // 40 % of, cannot be answered; D, outside C's reach, is answered with a note.
    owngraph()
        .args(["check"])
        .arg(&path)
        .args(["--target", "t", "--as-of", "2026-01-01", "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "\"t\" cannot be answered: its ownership or control reaches 1 quarantined record",
        ))
        .stderr(predicates::str::contains("c (C Ltd): "))
        .stderr(predicates::str::contains(
            "the shares held in it sum to 3/2 (150 %) of the charter capital, more than 1",
        ));
    let out = check_json(&path, "d", &["--lang", "en"]);
    assert_eq!(out["regimes"]["ru"]["verdict"], "eligible");
    assert_eq!(frac(&out["regimes"]["ru"]["share"]), "1/1");
    // The holding that started and ended on one day is never in force: a note, no problem.
    let g = load(&path, "2026-01-01");
    let a = g.party(g.lookup("a").unwrap());
    assert!(a.notes().iter().any(|n| n.contains("started and ended on 2017-05-01: never in force")), "{:?}", a.notes());
    assert_eq!(g.quarantined().len(), 1);
}

#[test]
fn records_outside_the_file_are_unknown_parties() {
    let g = load(&version("0.2-gleif-outside-references.json"), "2026-01-01");
    assert!(g.parties().iter().all(|p| p.kind == PartyKind::Unknown));
    let p = g.party(g.lookup("97e2090a-9a29-3d48-3229-6cf390a8cf55").unwrap());
    assert_eq!(
        p.notes()[0],
        "interested party of relationship d459ada3-ee9d-5ee9-f40a-ac5aadecdd64: a record the file does not describe (an unknown party)"
    );
}

#[test]
fn component_statements_of_version_0_2_make_the_chain_of_the_indirect_interest() {
    use owngraph::input::bods;
    use owngraph::law::bods_check::{CheckStatus, check_indirect_shares};
    let path = version("0.2-indirect-ownership.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let snap = bods::Snapshot::build(bods::parse_statements("s", &text).unwrap(), date("2026-01-01"));
    let r = check_indirect_shares(&snap);
    assert_eq!(r.checks.len(), 1);
    let c = &r.checks[0];
    // Person 1 → Company B → Company A, both components stating no share: 30 % is possible.
    assert_eq!(c.status, CheckStatus::Consistent);
    assert_eq!(c.declared.as_ref().unwrap().lower, Fraction::new(3, 10));
    let path_ids: Vec<&str> = c.chains[0].parties.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        path_ids,
        vec![
            "85fb08b6-5c57-4b9d-9e9c-2f6d80b30082",
            "59436a9e-a618-47b3-9693-d565051f6914",
            "f6889b75-d0f9-4f33-947f-e4ef0213300c"
        ]
    );
}

#[test]
fn a_statement_with_an_invalid_share_quarantines_its_subject_not_the_file() {
    // d is held 100 % by p; c is said to be held 150 % by a (a value BODS does not allow) and
    // holds 40 % of t: c is set aside with the reason, t cannot be answered, d is.
    let text = std::fs::read_to_string(fixture("bods-cases/two-holders-75-100.json")).unwrap();
    let mut statements: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    for s in statements.iter_mut() {
        if s["statementID"] == "o1" {
            s["interests"][0]["share"] = serde_json::json!({"exact": 150});
        }
    }
    statements.retain(|s| s["statementID"] != "o2");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad-share.json");
    std::fs::write(&path, serde_json::to_string(&statements).unwrap()).unwrap();
    owngraph()
        .args(["check"])
        .arg(&path)
        .args(["--target", "t", "--as-of", "2026-01-01", "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("\"t\" cannot be answered"))
        .stderr(predicates::str::contains("statement o1"))
        .stderr(predicates::str::contains("the interest is not used"));
    let out = check_json(&path, "d", &["--lang", "en"]);
    assert_eq!(out["regimes"]["ru"]["verdict"], "eligible");
    let g = load(&path, "2026-01-01");
    assert_eq!(g.quarantined().len(), 1);
    assert_eq!(g.party(g.quarantined()[0].party).id, "c");
}

#[test]
fn strict_refuses_a_bods_file_with_an_invalid_statement() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    std::fs::write(&p, r#"[{"statementId":"x","recordId":"r9","recordType":"relationship","recordDetails":{"isComponent":false,"subject":"a","interestedParty":"b","interests":[{"type":"shareholding","share":{"exact":150}}]}}]"#).unwrap();
    owngraph()
        .arg("check")
        .arg(&p)
        .args(["--target", "b", "--strict"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--strict: 1 record(s) have problems"))
        .stderr(predicates::str::contains("150 is not a percentage"));
}
