//! `screen --since` and `screen --changes` (issue 15): random changes to random registers,
//! re-screened incrementally (from two registers, or from the register and a delta, the
//! register whole or its snapshot read in part), give exactly the rows that differ between two
//! full screens, under every policy set; the snapshot read in part agrees with the snapshot
//! read whole; damage and bad deltas are refused with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use owngraph::incremental::{Change, Register, Rescreen, every_company, rescreen, rescreen_delta, screen_row};
use owngraph::input::delta::{self, Delta};
use owngraph::input::snapshot::{self, Snapshot};
use owngraph::law::Regime;
use owngraph::law::engine::{Engine, EngineOptions};
use owngraph::model::{Graph, PartyIdx};
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

/// A few random changes: shares resized, relations removed and added, citizenships changed,
/// parties removed with their relations.
fn mutate(g: &Value, picks: &[u32]) -> Value {
    let mut g = g.clone();
    let mut r = picks.iter().copied().cycle();
    let mut next = move |m: usize| r.next().unwrap_or(0) as usize % m.max(1);
    for _ in 0..1 + next(3) {
        let rels = g["relations"].as_array().map_or(0, Vec::len);
        let parties = g["parties"].as_array().map_or(0, Vec::len);
        match next(5) {
            0 if rels > 0 => {
                let i = next(rels);
                let rel = &mut g["relations"][i];
                if rel["type"] == "shares" {
                    let part = format!("{}/24", 1 + next(3));
                    rel["capital"] = json!(part);
                    rel["votes"] = json!(part);
                }
            }
            1 if rels > 0 => {
                let i = next(rels);
                g["relations"].as_array_mut().unwrap().remove(i);
            }
            2 if parties > 0 => {
                let from = g["parties"][next(parties)]["id"].clone();
                let to = g["parties"][next(parties)]["id"].clone();
                g["relations"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"type": "shares", "from": from, "to": to, "capital": "1/24"}));
            }
            3 if parties > 0 => {
                let i = next(parties);
                if g["parties"][i]["kind"] == "person" {
                    let c = ["RU", "US", "KZ"][next(3)];
                    g["parties"][i]["citizenship"] = json!([c]);
                }
            }
            4 if parties > 3 => {
                let i = next(parties);
                let id = g["parties"][i]["id"].clone();
                g["parties"].as_array_mut().unwrap().remove(i);
                g["relations"].as_array_mut().unwrap().retain(|r| r["from"] != id && r["to"] != id && r["of"] != id);
            }
            _ => {}
        }
    }
    g
}

fn full(g: &Graph, options: &EngineOptions) -> BTreeMap<String, owngraph::incremental::Row> {
    let engine = Engine::new(g, options.clone());
    let blocked = owngraph::model::quarantine::blocked_parties(g);
    g.party_indices()
        .filter(|&p| every_company(g.party(p)))
        .map(|p| (g.party(p).id.to_string(), screen_row(&engine, g, &blocked, p)))
        .collect()
}

proptest! {
    #![proptest_config(common::proptest_config(500))]
    #[test]
    fn an_incremental_rescreen_gives_exactly_the_changed_rows(
        seed in proptest::collection::vec(any::<u32>(), 120),
        picks in proptest::collection::vec(any::<u32>(), 24),
        nc in 2usize..12, np in 1usize..7, nn in 0usize..4,
    ) {
        let before = common::random_graph(seed, nc, np, nn);
        let after = mutate(&before, &picks);
        let (Some(old), Some(new)) = (common::parse_graph(&before), common::parse_graph(&after)) else { return Ok(()) };
        for (name, policies) in common::policy_sets() {
            let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
            let options = EngineOptions { regimes, policies };
            let expected = full_difference(&old, &new, &options);
            let got: BTreeMap<String, Change> = rescreen(&old, &new, &options, &every_company).changes.into_iter().collect();
            prop_assert_eq!(got, expected, "{}", name);
        }
    }
}

#[test]
fn the_cli_writes_the_changed_rows_with_the_old_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = example_six(dir.path());
    let out = since(&new, &old);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("change,old_ru_verdict,old_eaeu_verdict,old_pak_verdict,id,"), "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with("changed,") && l.contains(",T,") && l.contains("not_eligible")),
        "{text}"
    );
}

/// `screen NEW --all --since OLD` as of 2026-01-01.
fn since(new: &Path, old: &Path) -> std::process::Output {
    common::owngraph()
        .arg("screen")
        .arg(new)
        .args(["--all", "--as-of", "2026-01-01", "--since"])
        .arg(old)
        .output()
        .unwrap()
}

/// The register of example 6 and the same register after F (CY) sold its 51 % of R to s, a
/// Russian citizen: pak of R and T turn eligible.
fn example_six(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let old = common::fixture("example-06.json");
    let mut g: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    for r in g["relations"].as_array_mut().unwrap() {
        if r["from"] == "F" {
            r["from"] = json!("s");
        }
    }
    let new = dir.join("new.json");
    std::fs::write(&new, g.to_string()).unwrap();
    (old, new)
}

/// `example_six`, and a snapshot of the old register as of 2026-01-01.
fn example_six_indexed(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let (old, new) = example_six(dir);
    let og = dir.join("old.og");
    let out =
        common::owngraph().arg("index").arg(&old).args(["--as-of", "2026-01-01", "-o"]).arg(&og).output().unwrap();
    assert!(out.status.success());
    (old, new, og)
}

#[test]
fn the_cli_writes_what_since_writes_from_a_delta_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new, og) = example_six_indexed(dir.path());
    let since = since(&new, &old);
    assert!(since.status.success());
    // R restated with its holders: s now holds 51 % and 49 %.
    let json_delta = dir.path().join("delta.json");
    std::fs::write(
        &json_delta,
        r#"{"parties": [{"id": "R", "kind": "company", "country": "RU", "name": "R"}], "relations": [
            {"type": "shares", "from": "s", "to": "R", "capital": "51%"},
            {"type": "shares", "from": "s", "to": "R", "capital": "49%"}]}"#,
    )
    .unwrap();
    let lines_delta = dir.path().join("delta.jsonl");
    std::fs::write(
        &lines_delta,
        "{\"id\": \"R\", \"kind\": \"company\", \"country\": \"RU\", \"name\": \"R\"}\n\
         {\"type\": \"shares\", \"from\": \"s\", \"to\": \"R\", \"capital\": \"51%\"}\n\
         {\"type\": \"shares\", \"from\": \"s\", \"to\": \"R\", \"capital\": \"49%\"}\n",
    )
    .unwrap();
    let csv_delta = dir.path().join("csv");
    std::fs::create_dir(&csv_delta).unwrap();
    std::fs::write(csv_delta.join("parties.csv"), "id,kind,name,country\nR,company,R,RU\n").unwrap();
    std::fs::write(csv_delta.join("relations.csv"), "type,from,to,capital\nshares,s,R,51%\nshares,s,R,49%\n").unwrap();
    for delta in [&json_delta, &lines_delta, &csv_delta] {
        for (register, date) in [(&og, None), (&old, Some("2026-01-01"))] {
            let mut cmd = common::owngraph();
            cmd.arg("screen").arg(register).args(["--all", "--changes"]).arg(delta);
            if let Some(d) = date {
                cmd.args(["--as-of", d]);
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&since.stdout), "{delta:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("1 parties changed, 2 targets recomputed, 2 rows changed"), "{err}");
        }
    }
}

#[test]
fn the_cli_removes_a_party_as_since_does() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, og) = example_six_indexed(dir.path());
    // F leaves the register, and its 51 % of R with it.
    let mut g: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    g["parties"].as_array_mut().unwrap().retain(|p| p["id"] != "F");
    g["relations"].as_array_mut().unwrap().retain(|r| r["from"] != "F" && r["to"] != "F");
    let new = dir.path().join("without-f.json");
    std::fs::write(&new, g.to_string()).unwrap();
    let since = since(&new, &old);
    assert!(since.status.success(), "{}", String::from_utf8_lossy(&since.stderr));
    let (delta, removed) = (dir.path().join("empty.json"), dir.path().join("removed.txt"));
    std::fs::write(&delta, r#"{"parties": []}"#).unwrap();
    std::fs::write(&removed, "# liquidated\nF\n").unwrap();
    let run = |removed: &Path| {
        common::owngraph()
            .arg("screen")
            .arg(&og)
            .args(["--all", "--changes"])
            .arg(&delta)
            .arg("--removed")
            .arg(removed)
            .output()
            .unwrap()
    };
    let out = run(&removed);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&since.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed,"));
    std::fs::write(&removed, "nobody\n").unwrap();
    let out = run(&removed);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("removed.txt:1") && err.contains("nobody"), "{err}");
}

#[test]
fn a_bad_delta_is_refused_naming_file_and_record_with_exit_2_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, og) = example_six_indexed(dir.path());
    let cases = [
        (
            "unknown.json",
            r#"{"parties": [{"id": "R", "kind": "company", "country": "RU"}], "relations": [
                {"type": "shares", "from": "nobody", "to": "R", "capital": "51%"}]}"#,
            "no party has id \"nobody\"",
        ),
        ("malformed.json", r#"{"parties": [{"id": "R", "kind": "company""#, "not valid JSON"),
        (
            "into-register.json",
            r#"{"parties": [{"id": "R", "kind": "company", "country": "RU"}], "relations": [
                {"type": "shares", "from": "s", "to": "T", "capital": "51%"}]}"#,
            "the delta does not restate",
        ),
        (
            "over-one.json",
            r#"{"parties": [{"id": "R", "kind": "company", "country": "RU"}], "relations": [
                {"type": "shares", "from": "s", "to": "R", "capital": "51%"},
                {"type": "shares", "from": "F", "to": "R", "capital": "51%"}]}"#,
            "R",
        ),
        ("bad.jsonl", "{\"id\": \"R\", \"kind\": \"company\", \"country\": \"RU\"}\nnot json\n", "line 2"),
        ("pair/relations.csv", "type,from,to,capital\nshares,nobody,R,51%\n", "no party has id \"nobody\""),
    ];
    let csv = dir.path().join("out.csv");
    std::fs::create_dir(dir.path().join("pair")).unwrap();
    std::fs::write(dir.path().join("pair/parties.csv"), "id,kind,country\nR,company,RU\n").unwrap();
    for (name, text, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        // A CSV pair is given as its directory.
        let delta = if name.ends_with(".csv") { file.parent().unwrap().to_path_buf() } else { file };
        let out = common::owngraph()
            .arg("screen")
            .arg(&og)
            .args(["--all", "--changes"])
            .arg(&delta)
            .arg("-o")
            .arg(&csv)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(says) && !err.contains("panick"), "{name}: {err}");
        assert!(!csv.exists(), "{name}");
    }
}

/// A delta of a few parties (existing or new), each restated with a changed record or
/// changed holders: shares resized, relations dropped and added (of every type), quarantine
/// set or lifted; sometimes a party removed. Returns the delta, the register with it applied
/// (the restated parties' records replaced in place, new parties after, the delta's relations
/// after the register's) and the ids removed.
fn make_delta(g: &Value, picks: &[u32]) -> (Value, Value, Vec<String>) {
    let mut r = picks.iter().copied().cycle();
    let mut next = move |m: usize| r.next().unwrap_or(0) as usize % m.max(1);
    let parties = g["parties"].as_array().cloned().unwrap_or_default();
    let relations = g["relations"].as_array().cloned().unwrap_or_default();
    let mut restated: Vec<Value> = Vec::new();
    let mut delta_rels: Vec<Value> = Vec::new();
    let mut quarantined: Vec<Value> = Vec::new();
    for k in 0..1 + next(3) {
        let mut party = if next(4) == 0 {
            let kind = ["company", "company", "nonprofit", "person"][next(4)];
            let mut p = json!({"id": format!("x{k}"), "kind": kind, "country": "RU"});
            if kind == "person" {
                p["citizenship"] = json!(["RU"]);
            }
            p
        } else {
            parties[next(parties.len())].clone()
        };
        if party["id"] == "u" || restated.iter().any(|p| p["id"] == party["id"]) {
            continue;
        }
        match next(6) {
            0 => party["name"] = json!(format!("renamed {k}")),
            1 if party["kind"] == "company" => {
                let c = ["RU", "CY", "KZ"][next(3)];
                party["country"] = json!(c);
            }
            2 if party["kind"] == "person" => {
                let c = ["RU", "US", "KZ"][next(3)];
                party["citizenship"] = json!([c]);
            }
            3 if party["kind"] == "company" => {
                party["kind"] = json!("nonprofit");
            }
            _ => {}
        }
        let id = party["id"].clone();
        let mut into: Vec<Value> = relations.iter().filter(|r| r["to"] == id).cloned().collect();
        for r in &mut into {
            if r["type"] == "shares" && next(3) == 0 {
                let part = format!("{}/24", 1 + next(4));
                r["capital"] = json!(part);
                r["votes"] = json!(part);
            }
        }
        if !into.is_empty() && next(3) == 0 {
            into.remove(next(into.len()));
        }
        let holders: Vec<Value> =
            parties.iter().map(|p| p["id"].clone()).chain(restated.iter().map(|p| p["id"].clone())).collect();
        let from = holders[next(holders.len())].clone();
        if from != id {
            let add = match next(6) {
                0 | 1 if party["kind"] == "company" => {
                    json!({"type": "shares", "from": from, "to": id, "capital": format!("{}/24", 1 + next(3))})
                }
                2 if party["kind"] == "nonprofit" => {
                    json!({"type": "governs", "from": from, "to": id, "share": "1/24"})
                }
                3 if party["kind"] != "person" => json!({"type": "decision_rights", "from": from, "to": id}),
                4 if party["kind"] != "person" => {
                    json!({"type": "appoints", "from": from, "to": id, "sole_executive": true})
                }
                _ => Value::Null,
            };
            if !add.is_null() {
                into.push(add);
            }
        }
        if next(8) == 0 {
            quarantined.push(json!({"id": id, "reasons": ["restated with a problem"]}));
        }
        restated.push(party);
        delta_rels.extend(into);
    }
    let ids: BTreeSet<String> = restated.iter().filter_map(|p| p["id"].as_str().map(String::from)).collect();
    let is_restated = |v: &Value| v.as_str().is_some_and(|s| ids.contains(s));
    let mut all: Vec<Value> = parties
        .iter()
        .map(|p| restated.iter().find(|q| q["id"] == p["id"]).cloned().unwrap_or_else(|| p.clone()))
        .collect();
    all.extend(restated.iter().filter(|q| !parties.iter().any(|p| p["id"] == q["id"])).cloned());
    let mut rels: Vec<Value> = relations.iter().filter(|r| !is_restated(&r["to"])).cloned().collect();
    rels.extend(delta_rels.iter().cloned());
    let mut q: Vec<Value> = g["quarantined"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !is_restated(&e["id"]))
        .collect();
    q.extend(quarantined.iter().cloned());
    let mut delta = json!({"parties": restated, "relations": delta_rels});
    if !quarantined.is_empty() {
        delta["quarantined"] = json!(quarantined);
    }
    // Sometimes a register party removed, with every relation into and out of it.
    let named = |id: &Value| delta_rels.iter().any(|r| &r["from"] == id || &r["to"] == id || &r["of"] == id);
    let mut removed = Vec::new();
    let pick = parties[next(parties.len())]["id"].clone();
    if next(3) == 0 && !is_restated(&pick) && !named(&pick) {
        all.retain(|p| p["id"] != pick);
        rels.retain(|r| r["from"] != pick && r["to"] != pick && r["of"] != pick);
        q.retain(|e| e["id"] != pick);
        removed.push(pick.as_str().unwrap_or_default().to_string());
    }
    (delta, json!({"parties": all, "relations": rels, "quarantined": q}), removed)
}

/// The delta written as a file: native JSON, or JSON Lines when it has no quarantine entry and
/// `lines` says so.
fn write_delta(dir: &Path, delta: &Value, lines: bool) -> std::path::PathBuf {
    if lines && delta.get("quarantined").is_none() {
        let path = dir.join("delta.jsonl");
        let mut text = String::new();
        for v in
            delta["parties"].as_array().into_iter().flatten().chain(delta["relations"].as_array().into_iter().flatten())
        {
            text.push_str(&v.to_string());
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        path
    } else {
        let path = dir.join("delta.json");
        std::fs::write(&path, delta.to_string()).unwrap();
        path
    }
}

fn load_delta(path: &Path, register: &dyn Register, removed: &[String]) -> Result<Delta, String> {
    let find = |id: &str| register.find(id)?.map(|p| register.party(p)).transpose();
    delta::load(&[path], &owngraph::input::LoadOptions::at(register.as_of()), &find, removed).map_err(|e| e.to_string())
}

/// The rows that differ between two full screens.
fn full_difference(old: &Graph, new: &Graph, options: &EngineOptions) -> BTreeMap<String, Change> {
    let (a, b) = (full(old, options), full(new, options));
    let mut expected = BTreeMap::new();
    for (id, row) in &b {
        match a.get(id) {
            Some(r) if r == row => {}
            Some(r) => {
                expected.insert(id.clone(), Change::Changed(Box::new(r.clone()), Box::new(row.clone())));
            }
            None => {
                expected.insert(id.clone(), Change::Added(Box::new(row.clone())));
            }
        }
    }
    for (id, row) in &a {
        if !b.contains_key(id) {
            expected.insert(id.clone(), Change::Removed(Box::new(row.clone())));
        }
    }
    expected
}

fn changes(r: Rescreen) -> BTreeMap<String, Change> {
    r.changes.into_iter().collect()
}

/// A random register, sometimes with a quarantined record.
fn register(seed: Vec<u32>, nc: usize, np: usize, nn: usize, quarantine: u32) -> Value {
    let mut g = common::random_graph(seed, nc, np, nn);
    if quarantine.is_multiple_of(5) && nc > 0 {
        g["quarantined"] = json!([{"id": format!("c{}", quarantine as usize % nc), "reasons": ["a record set aside"]}]);
    }
    g
}

proptest! {
    #![proptest_config(common::proptest_config(300))]
    #[test]
    fn a_delta_rescreen_gives_exactly_the_rows_of_a_full_rescreen(
        seed in proptest::collection::vec(any::<u32>(), 120),
        picks in proptest::collection::vec(any::<u32>(), 40),
        nc in 2usize..12, np in 1usize..7, nn in 0usize..4, quarantine in any::<u32>(), lines in any::<bool>(),
    ) {
        let before = register(seed, nc, np, nn, quarantine);
        let (delta, after, removed) = make_delta(&before, &picks);
        let Some(old) = common::parse_graph(&before) else { return Ok(()) };
        let snap = Snapshot::from_vec(snapshot::encode(&old)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_delta(dir.path(), &delta, lines);
        let new = common::parse_graph(&after);
        let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
        for (name, policies) in common::policy_sets() {
            let options = EngineOptions { regimes: regimes.clone(), policies };
            for (how, reg) in [("whole", &old as &dyn Register), ("snapshot", &snap as &dyn Register)] {
                let got = load_delta(&path, reg, &removed).and_then(|d| rescreen_delta(reg, &d, &options, &every_company));
                match &new {
                    // The register with the delta applied does not pass the input checks: neither does the delta.
                    None => prop_assert!(got.is_err(), "{} {}: {:?} accepted", name, how, delta),
                    Some(new) => {
                        let got = got.map_err(|e| TestCaseError::fail(format!("{name} {how}: {e}\n{delta}")))?;
                        let since = rescreen(&old, new, &options, &every_company);
                        prop_assert_eq!((got.touched, got.recomputed), (since.touched, since.recomputed), "{} {}", name, how);
                        let got = changes(got);
                        prop_assert_eq!(&got, &changes(since), "{} {}: {}", name, how, delta);
                        prop_assert_eq!(&got, &full_difference(&old, new, &options), "{} {}", name, how);
                    }
                }
            }
        }
    }

    #[test]
    fn a_snapshot_read_in_part_agrees_with_the_whole(
        seed in proptest::collection::vec(any::<u32>(), 120),
        nc in 2usize..20, np in 1usize..7, nn in 0usize..4, quarantine in any::<u32>(),
    ) {
        let Some(g) = common::parse_graph(&register(seed, nc, np, nn, quarantine)) else { return Ok(()) };
        let bytes = snapshot::encode(&g);
        let whole = snapshot::decode(&bytes).unwrap();
        let part = Snapshot::from_vec(bytes).unwrap();
        prop_assert_eq!(part.len(), whole.len());
        prop_assert_eq!(part.as_of(), whole.as_of());
        for p in whole.party_indices() {
            prop_assert_eq!(format!("{:?}", part.party(p).unwrap()), format!("{:?}", whole.party(p)));
            prop_assert_eq!(part.find(&whole.party(p).id).unwrap(), Some(p));
            let ends = |rs: Vec<(usize, owngraph::model::Relation)>| rs.into_iter().map(|(i, r)| (i, r.from, r.to)).collect::<Vec<_>>();
            let of = |it: Vec<(owngraph::model::RelationIdx, &owngraph::model::Relation)>| it.into_iter().map(|(i, r)| (i.index(), r.from, r.to)).collect::<Vec<_>>();
            prop_assert_eq!(ends(part.incoming(p).unwrap()), of(whole.incoming(p).collect()));
            prop_assert_eq!(ends(part.outgoing(p).unwrap()), of(whole.outgoing(p).collect()));
            prop_assert_eq!(part.quarantine_of(p).map(<[String]>::to_vec), whole.quarantine_of(p).map(|q| q.reasons.clone()));
        }
        for (i, r) in whole.relations().iter().enumerate() {
            prop_assert_eq!(format!("{:?}", part.relation(i).unwrap()), format!("{r:?}"));
        }
        for absent in ["", "a", "no such id", "c1 ", "\u{10ffff}"] {
            prop_assert_eq!(part.find(absent).unwrap(), whole.lookup(absent));
        }
        part.check_all().unwrap();
    }

    #[test]
    fn a_damaged_snapshot_never_panics(
        seed in proptest::collection::vec(any::<u32>(), 60),
        at in any::<usize>(), bit in 0u8..8, cut in any::<bool>(),
    ) {
        let Some(g) = common::parse_graph(&common::random_graph(seed, 6, 3, 1)) else { return Ok(()) };
        let mut bytes = snapshot::encode(&g);
        let at = at % bytes.len();
        if cut { bytes.truncate(at) } else { bytes[at] ^= 1 << bit }
        prop_assert!(snapshot::decode(&bytes).is_err());
        // Read in part, every read either fails or gives what the file says; none panics.
        if let Ok(part) = Snapshot::from_vec(bytes) {
            for i in 0..part.len() + 2 {
                let p = PartyIdx::new(i);
                let _ = (part.party(p), part.incoming(p), part.outgoing(p), part.relation(i));
            }
            let _ = part.find("c1");
            prop_assert!(part.check_all().is_err());
        }
    }
}

/// A register big enough for many blocks: `n` companies in a chain, each held by the next.
fn chain(n: usize) -> Value {
    let mut parties = vec![json!({"id": "ru", "kind": "person", "citizenship": ["RU"]})];
    let mut relations = Vec::new();
    for i in 0..n {
        parties.push(json!({"id": format!("company-{i:06}"), "kind": "company", "country": "RU", "name": format!("Компания номер {i}")}));
        let from = if i + 1 < n { format!("company-{:06}", i + 1) } else { "ru".into() };
        relations.push(json!({"type": "shares", "from": from, "to": format!("company-{i:06}"), "capital": "100%"}));
    }
    json!({"parties": parties, "relations": relations})
}

#[test]
fn a_damaged_block_is_found_by_the_reader_that_reads_it() {
    let g = common::parse_graph(&chain(5000)).unwrap();
    let mut bytes = snapshot::encode(&g);
    assert!(bytes.len() > 4 * snapshot::BLOCK);
    // A byte in the middle of the body: the parties' records.
    let at = bytes.len() / 4;
    bytes[at] ^= 0x20;
    let whole = snapshot::decode(&bytes).unwrap_err();
    assert!(whole.contains("checksum does not match in block"), "{whole}");
    let part = Snapshot::from_vec(bytes).unwrap();
    let read: Vec<Result<_, String>> = g.party_indices().map(|p| part.party(p)).collect();
    // Parties in blocks not damaged are read; those in the damaged block are refused.
    assert!(read.iter().any(Result::is_ok));
    let bad: Vec<&String> = read.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(!bad.is_empty() && bad.iter().all(|e| e.contains("damaged")), "{bad:?}");
    assert!(part.check_all().unwrap_err().contains("damaged"));
}

#[test]
fn the_cli_refuses_a_damaged_or_old_snapshot_with_exit_2_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.json");
    std::fs::write(&graph, chain(3000).to_string()).unwrap();
    let og = dir.path().join("g.og");
    let out =
        common::owngraph().arg("index").arg(&graph).args(["--as-of", "2026-01-01", "-o"]).arg(&og).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut bytes = std::fs::read(&og).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&og, &bytes).unwrap();
    let delta = dir.path().join("delta.json");
    std::fs::write(
        &delta,
        json!({"parties": [{"id": "company-000000", "kind": "company", "country": "CY"}], "relations": [
            {"type": "shares", "from": "company-000001", "to": "company-000000", "capital": "100%"}]})
        .to_string(),
    )
    .unwrap();
    let csv = dir.path().join("out.csv");
    for extra in [&[][..], &["--changes".as_ref(), delta.as_os_str()][..]] {
        let out =
            common::owngraph().arg("screen").arg(&og).args(["--all", "-o"]).arg(&csv).args(extra).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("damaged") && !err.contains("panick"), "{err}");
        assert!(!csv.exists());
    }
    // A snapshot of format 1: index it again.
    let mut old = snapshot::MAGIC.to_vec();
    old.extend_from_slice(&1u32.to_le_bytes());
    old.extend_from_slice(&[0u8; 16]);
    std::fs::write(&og, &old).unwrap();
    let out = common::owngraph().arg("screen").arg(&og).args(["--all", "--changes"]).arg(&delta).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("snapshot format 1") && err.contains("owngraph index"), "{err}");
}

/// The delta with its parties and its relations each listed in another order: rotated by `turn`,
/// then reversed.
fn reordered(delta: &Value, turn: usize) -> Value {
    let mut out = delta.clone();
    for key in ["parties", "relations"] {
        if let Some(list) = out.get_mut(key).and_then(Value::as_array_mut)
            && !list.is_empty()
        {
            let k = turn % list.len();
            list.rotate_left(k);
            list.reverse();
        }
    }
    out
}

proptest! {
    #![proptest_config(common::proptest_config(100))]
    /// A delta answers the same whatever the order of its records: the FNS daily files list
    /// a company's holders in no promised order.
    #[test]
    fn a_delta_gives_the_same_rows_whatever_the_order_of_its_records(
        seed in proptest::collection::vec(any::<u32>(), 120),
        picks in proptest::collection::vec(any::<u32>(), 40),
        nc in 2usize..12, np in 1usize..7, nn in 0usize..4, turn in any::<u32>(),
    ) {
        let before = register(seed, nc, np, nn, 1);
        let (delta, after, removed) = make_delta(&before, &picks);
        let (Some(old), Some(_)) = (common::parse_graph(&before), common::parse_graph(&after)) else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let shuffled = tempfile::tempdir().unwrap();
        let (a, b) = (write_delta(dir.path(), &delta, false), write_delta(shuffled.path(), &reordered(&delta, turn as usize), false));
        let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
        for (name, policies) in common::policy_sets() {
            let options = EngineOptions { regimes: regimes.clone(), policies };
            let run = |path: &Path| {
                load_delta(path, &old, &removed).and_then(|d| rescreen_delta(&old, &d, &options, &every_company)).map(changes)
            };
            match (run(&a), run(&b)) {
                (Ok(x), Ok(y)) => prop_assert_eq!(x, y, "{}: {}", name, delta),
                // Refused either way (the message may name another record first).
                (Err(_), Err(_)) => {}
                (x, y) => prop_assert!(false, "{}: {:?} against {:?}", name, x.err(), y.err()),
            }
        }
    }
}

/// A random EGRUL company record: its founders are persons (by ИНН, citizenship fixed by the
/// ИНН so that every record agrees) and companies (by ОГРН), each with a whole percent.
fn egrul_company(ogrn: u32, extract: &str, founders: &[(bool, u32, u32)]) -> String {
    let mut out = format!(
        r#"<Документ ИдДок="{ogrn}-{extract}"><СвЮЛ ДатаВып="{extract}" ОГРН="12500000{ogrn:05}" ИНН="77000{ogrn:05}" СпрОПФ="ОКОПФ" КодОПФ="12300"><СвНаимЮЛ НаимЮЛПолн="ООО «КОМПАНИЯ {ogrn}»"/><СвУстКап СумКап="100"/><СвУчредит>"#
    );
    for &(person, who, percent) in founders {
        let share = format!(
            r#"<ДоляУстКап НоминСтоим="{percent}"><РазмерДоли><Процент>{percent}</Процент></РазмерДоли></ДоляУстКап>"#
        );
        if person {
            // Russia, Belarus (EAEU), China.
            let citizenship = match who % 3 {
                0 => r#"КодГражд="1""#,
                1 => r#"КодГражд="2" ОКСМ="112""#,
                _ => r#"КодГражд="2" ОКСМ="156""#,
            };
            out.push_str(&format!(
                r#"<УчрФЛ><СвФЛ Фамилия="ФАМИЛИЯ{who}" Имя="ИМЯ{who}" ИННФЛ="9000000{who:05}"/><СвГраждФЛ {citizenship}/>{share}</УчрФЛ>"#
            ));
        } else {
            out.push_str(&format!(
                r#"<УчрЮЛРос><НаимИННЮЛ ОГРН="12500000{who:05}" ИНН="77000{who:05}" НаимЮЛПолн="ООО «КОМПАНИЯ {who}»"/>{share}</УчрЮЛРос>"#
            ));
        }
    }
    out.push_str("</СвУчредит></СвЮЛ></Документ>\n");
    out
}

/// An FNS open-data package of these company records.
fn egrul_package(records: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Файл ИдФайл=\"VO_RUGFO_test\" ВерсФорм=\"4.07\" ТипИнф=\"ЕГРЮЛ_ОТКР_СВЕД\" КолДок=\"{}\">\n{}</Файл>\n",
        records.len(),
        records.concat()
    )
}

/// Random founders: up to three, persons or companies among `companies` (the register's and
/// some not in it), percents summing to at most 100; one record in eight sums above 100 (the
/// importer quarantines it).
fn egrul_founders(r: &mut impl FnMut(u32) -> u32, companies: u32) -> Vec<(bool, u32, u32)> {
    let mut left = if r(8) == 0 { 300 } else { 100 };
    let mut out: Vec<(bool, u32, u32)> = Vec::new();
    for _ in 0..1 + r(3) {
        let person = r(3) > 0;
        let who = if person { r(8) } else { r(companies + 2) };
        let percent = if left == 0 { 0 } else { 1 + r(left.min(100)) };
        if percent == 0 || out.iter().any(|&(p, w, _)| p == person && w == who) {
            continue;
        }
        left -= percent;
        out.push((person, who, percent));
    }
    out
}

proptest! {
    #![proptest_config(common::proptest_config(150))]
    /// An FNS package as a delta to an EGRUL register gives the rows that differ between the
    /// register's files read whole and the register's files with the package after them (whose
    /// later extracts win): restated companies, new ones, founders met before and new.
    #[test]
    fn an_egrul_package_as_a_delta_gives_exactly_the_rows_of_a_full_rescreen(
        picks in proptest::collection::vec(any::<u32>(), 200), n in 2u32..9,
    ) {
        let mut it = picks.iter().copied().cycle();
        let mut r = move |m: u32| it.next().unwrap_or(0) % m.max(1);
        let register: Vec<String> = (0..n).map(|c| egrul_company(c, "2025-11-20", &egrul_founders(&mut r, n))).collect();
        let mut package = Vec::new();
        for c in 0..n + 2 {
            // Some register companies change, a new one may appear (n, n + 1).
            if r(3) == 0 {
                package.push(egrul_company(c, "2025-11-21", &egrul_founders(&mut r, n)));
            }
        }
        if package.is_empty() {
            package.push(egrul_company(n, "2025-11-21", &egrul_founders(&mut r, n)));
        }
        let dir = tempfile::tempdir().unwrap();
        let (old_xml, delta_xml) = (dir.path().join("register.xml"), dir.path().join("package.xml"));
        std::fs::write(&old_xml, egrul_package(&register)).unwrap();
        std::fs::write(&delta_xml, egrul_package(&package)).unwrap();
        let options = owngraph::input::LoadOptions::at(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let old = owngraph::input::load_inputs(&[&old_xml], &options).unwrap();
        let new = owngraph::input::load_inputs(&[&old_xml, &delta_xml], &options).unwrap();
        let snap = Snapshot::from_vec(snapshot::encode(&old)).unwrap();
        let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
        // A company the register knows only as a founder, which no record names after the
        // package, is no longer in a full import; the delta keeps it (nothing says it ceased),
        // its row unchanged: it has no holders either way.
        let defined: BTreeSet<String> = (0..n).map(|c| format!("12500000{c:05}")).collect();
        let kept = |id: &String, change: &Change| defined.contains(id) || !matches!(change, Change::Removed(_));
        for (name, policies) in common::policy_sets() {
            let options = EngineOptions { regimes: regimes.clone(), policies };
            let mut expected = full_difference(&old, &new, &options);
            expected.retain(|id, change| kept(id, change));
            for (how, reg) in [("whole", &old as &dyn Register), ("snapshot", &snap as &dyn Register)] {
                let got = load_delta(&delta_xml, reg, &[])
                    .and_then(|d| rescreen_delta(reg, &d, &options, &every_company))
                    .map_err(|e| TestCaseError::fail(format!("{name} {how}: {e}")))?;
                prop_assert_eq!(&changes(got), &expected, "{} {}:\n{}", name, how, package.concat());
            }
        }
    }
}

/// Real FNS packages (the cuts of fixtures/egrul): the register read from two of them, the
/// next day's package as the delta, from the command line, gives what `--since` gives.
#[test]
fn the_next_fns_package_as_a_delta_gives_what_since_gives() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    std::fs::create_dir(&old).unwrap();
    std::fs::create_dir(&new).unwrap();
    for f in ["fns-2025-11-02-cut.xml", "fns-2025-11-16-cut.xml", "fns-2025-11-27-cut.xml"] {
        std::fs::copy(common::fixture(&format!("egrul/{f}")), old.join(f)).unwrap();
        std::fs::copy(common::fixture(&format!("egrul/{f}")), new.join(f)).unwrap();
    }
    let package = common::fixture("egrul/fns-2025-11-28-cut.xml");
    std::fs::copy(&package, new.join("fns-2025-11-28-cut.xml")).unwrap();
    let snapshot = dir.path().join("old.og");
    common::owngraph().arg("index").arg(&old).arg("-o").arg(&snapshot).assert().code(0);
    let since = common::owngraph().arg("screen").arg(&new).args(["--all", "--since"]).arg(&old).output().unwrap();
    assert_eq!(since.status.code(), Some(0), "{}", String::from_utf8_lossy(&since.stderr));
    let rows = String::from_utf8(since.stdout).unwrap();
    // The package adds 1047600411814, two citizens of the RF and one of Belarus.
    assert!(rows.contains("\nadded,,,,1047600411814,"), "{rows}");
    assert!(rows.contains(",eligible,6667/10000,66.67,6667/10000,66.67,not_eligible,3333/10000,33.33,"), "{rows}");
    for register in [&old, &snapshot] {
        let out =
            common::owngraph().arg("screen").arg(register).args(["--all", "--changes"]).arg(&package).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), rows, "{}", register.display());
    }
    // A record the importer sets aside: the row is not answered, as a full screen writes it.
    let malformed = dir.path().join("malformed.xml");
    std::fs::copy(common::fixture("egrul/malformed.xml"), &malformed).unwrap();
    let whole = common::owngraph().arg("screen").arg(&malformed).arg("--all").output().unwrap();
    let whole = String::from_utf8(whole.stdout).unwrap();
    let blocked = whole.lines().nth(1).unwrap();
    assert!(
        blocked.contains(",not_answered: quarantined record in its ownership or control: 1027700000001 ("),
        "{whole}"
    );
    for register in [&old, &snapshot] {
        let out = common::owngraph()
            .arg("screen")
            .arg(register)
            .args(["--all", "--changes"])
            .arg(&malformed)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = String::from_utf8(out.stdout).unwrap();
        assert_eq!(rows.lines().nth(1).unwrap(), format!("added,,,,{blocked}"), "{}", register.display());
    }
}

/// A package that names a party removed with `--removed` is refused (exit 2, nothing
/// written), as any delta naming one is; removing a company the package does not name works.
#[test]
fn an_egrul_package_naming_a_removed_party_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.xml");
    let package = dir.path().join("package.xml");
    std::fs::write(
        &register,
        egrul_package(&[
            egrul_company(0, "2025-11-20", &[(true, 0, 100)]),
            egrul_company(1, "2025-11-20", &[(false, 0, 60), (true, 1, 40)]),
            egrul_company(2, "2025-11-20", &[(true, 2, 100)]),
        ]),
    )
    .unwrap();
    std::fs::write(&package, egrul_package(&[egrul_company(1, "2025-11-21", &[(false, 0, 50), (true, 1, 50)])]))
        .unwrap();
    let removed = dir.path().join("removed.txt");
    std::fs::write(&removed, "1250000000000\n").unwrap();
    let out_file = dir.path().join("changes.csv");
    let out = common::owngraph()
        .arg("screen")
        .arg(&register)
        .args(["--all", "--changes"])
        .arg(&package)
        .arg("--removed")
        .arg(&removed)
        .arg("-o")
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1250000000000") && err.contains("removed with --removed"), "{err}");
    assert!(!out_file.exists());
    std::fs::write(&removed, "1250000000002\n").unwrap();
    let out = common::owngraph()
        .arg("screen")
        .arg(&register)
        .args(["--all", "--changes"])
        .arg(&package)
        .arg("--removed")
        .arg(&removed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = String::from_utf8(out.stdout).unwrap();
    assert!(rows.contains("\nchanged,") && rows.contains("\nremoved,"), "{rows}");
}
