//! `screen --since` (issue 15): random changes to random registers, re-screened incrementally,
//! give exactly the rows that differ between two full screens, under every policy set.

use std::collections::{BTreeMap, BTreeSet};

use owngraph::incremental::{Change, every_company, rescreen};
use owngraph::law::Regime;
use owngraph::law::engine::{Engine, EngineOptions, ScreenRow};
use owngraph::model::Graph;
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

fn full(g: &Graph, options: &EngineOptions) -> BTreeMap<String, Result<ScreenRow, String>> {
    let engine = Engine::new(g, options.clone());
    g.party_indices()
        .filter(|&p| every_company(g.party(p)))
        .map(|p| (g.party(p).id.clone(), engine.row(p).map_err(|e| e.to_string())))
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
            let (a, b) = (full(&old, &options), full(&new, &options));
            let mut expected: BTreeMap<String, Change> = BTreeMap::new();
            for (id, row) in &b {
                match a.get(id) {
                    Some(r) if r == row => {}
                    Some(r) => { expected.insert(id.clone(), Change::Changed(Box::new(r.clone()), Box::new(row.clone()))); }
                    None => { expected.insert(id.clone(), Change::Added(Box::new(row.clone()))); }
                }
            }
            for (id, row) in &a {
                if !b.contains_key(id) {
                    expected.insert(id.clone(), Change::Removed(Box::new(row.clone())));
                }
            }
            let got: BTreeMap<String, Change> = rescreen(&old, &new, &options, &every_company).changes.into_iter().collect();
            prop_assert_eq!(got, expected, "{}", name);
        }
    }
}

#[test]
fn the_cli_writes_the_changed_rows_with_the_old_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let old = common::fixture("example-06.json");
    let mut g: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    // F (CY) sells its 51 % of R to a Russian citizen: pak of R and T turn eligible.
    for r in g["relations"].as_array_mut().unwrap() {
        if r["from"] == "F" {
            r["from"] = json!("s");
        }
    }
    let new = dir.path().join("new.json");
    std::fs::write(&new, g.to_string()).unwrap();
    let out = common::owngraph()
        .arg("screen")
        .arg(&new)
        .args(["--all", "--as-of", "2026-01-01", "--since"])
        .arg(&old)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("change,old_ru_verdict,old_eaeu_verdict,old_pak_verdict,id,"), "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with("changed,") && l.contains(",T,") && l.contains("not_eligible")),
        "{text}"
    );
}
