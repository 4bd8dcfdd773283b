//! `verify` on random structures, as an applicant and a reviewer would use it: the list that
//! `disclose` computes, written with shares rounded to two decimals of a percent, is consistent;
//! a share off by 0.5 points, a missing holder above 5 %, a declared foreign citizen and a holder
//! not in the graph are each found.

use owngraph::Fraction;
use owngraph::analysis::ChainLimits;
use owngraph::input::declaration::{self, DeclarationFormat};
use owngraph::input::json;
use owngraph::law::disclosure_document::assess;
use owngraph::law::participation::Holder;
use owngraph::law::qualify::Status;
use owngraph::law::verification::{VerifyOptions, verify};
use owngraph::law::{Policies, Regime, Verdict};
use owngraph::model::PartyKind;
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

/// A random acyclic structure above `T`: companies `c0..`, persons `p0..` (Russian, foreign,
/// dual, Belarusian), shares in 1/60ths and some undisclosed remainders.
fn graph_strategy() -> impl Strategy<Value = Value> {
    (1usize..5, 2usize..8, proptest::collection::vec(any::<u32>(), 64)).prop_map(|(nc, np, seed)| {
        let mut r = seed.into_iter().cycle();
        let mut next = move |m: u32| r.next().unwrap_or(0) % m.max(1);
        let mut parties = vec![json!({"id": "T", "kind": "company", "country": "RU"})];
        for i in 0..nc {
            let country = ["RU", "RU", "CY"][next(3) as usize];
            parties.push(json!({"id": format!("c{i}"), "kind": "company", "country": country}));
        }
        for i in 0..np {
            let cit = [vec!["RU"], vec!["RU"], vec!["US"], vec!["RU", "US"], vec!["BY"]][next(5) as usize].clone();
            parties.push(
                json!({"id": format!("p{i}"), "kind": "person", "citizenship": cit, "name": format!("Лицо {i}")}),
            );
        }
        // Company k (T is k = 0) is held by persons and by companies of higher index only.
        let mut relations = Vec::new();
        for k in 0..=nc {
            let to = if k == 0 { "T".to_string() } else { format!("c{}", k - 1) };
            let mut left = 60u32 - if next(4) == 0 { next(10) } else { 0 };
            let holders = 1 + next(4);
            for h in 0..holders {
                if left == 0 {
                    break;
                }
                let part = if h + 1 == holders { left } else { 1 + next(left) };
                left -= part;
                let from = if next(3) == 0 && k < nc {
                    format!("c{}", k + next((nc - k) as u32) as usize)
                } else {
                    format!("p{}", next(np as u32))
                };
                relations.push(json!({"type": "shares", "from": from, "to": to, "capital": format!("{part}/60")}));
            }
        }
        json!({"parties": parties, "relations": relations})
    })
}

fn codes(graph: &owngraph::model::Graph, csv: &str) -> (bool, Vec<&'static str>) {
    let t = graph.lookup("T").unwrap();
    let policies = Policies::default();
    let (prepared, a) = assess(graph, t, Regime::Ru, &policies, ChainLimits::default()).unwrap();
    let d = declaration::parse("d.csv", csv, DeclarationFormat::Csv).unwrap();
    let v = verify(graph, t, &prepared, &a, &d, &VerifyOptions::default());
    (v.consistent, v.findings.iter().map(|f| f.code.as_str()).collect())
}

fn csv_of(rows: &[(String, String)]) -> String {
    let mut s = String::from("holder,share\n");
    for (h, share) in rows {
        s.push_str(&format!("{h},{share}\n"));
    }
    s
}

proptest! {
    #![proptest_config(common::proptest_config(200))]

    #[test]
    fn the_computed_list_rounded_passes_and_each_defect_is_found(g in graph_strategy()) {
        let text = serde_json::to_string(&g).unwrap();
        let graph = json::parse("g.json", &text, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        // Random shares may sum above 1 when a person holds twice; such inputs are refused.
        let Ok(graph) = graph else { return Ok(()) };
        let t = graph.lookup("T").unwrap();
        let (_, a) = assess(&graph, t, Regime::Ru, &Policies::default(), ChainLimits::default()).unwrap();
        prop_assume!(a.verdict == Verdict::Eligible);
        let rows: Vec<(String, String)> =
            a.disclosure.holders.iter().map(|h| (h.id.clone(), format!("{}%", h.share.percent(2)))).collect();

        let (ok, found) = codes(&graph, &csv_of(&rows));
        prop_assert!(ok, "rounded list refused: {found:?}");
        prop_assert!(found.is_empty(), "{found:?}");

        // A share off by half a point.
        let mut off = rows.clone();
        let written = Fraction::parse(&off[0].1).unwrap();
        let half_point = Fraction::new(1, 200);
        let bumped = if written.exceeds_half() { &written - &half_point } else { &written + &half_point };
        off[0].1 = format!("{}%", bumped.percent(4));
        let (ok, found) = codes(&graph, &csv_of(&off));
        prop_assert!(!ok && found.contains(&"share_mismatch"), "{found:?}");

        // A missing holder above 5 %.
        if let Some(i) = a.disclosure.holders.iter().position(|h| h.above_five) {
            let mut short = rows.clone();
            short.remove(i);
            let (ok, found) = codes(&graph, &csv_of(&short));
            prop_assert!(!ok && found.contains(&"missing_holder"), "{found:?}");
        }

        // A foreign citizen declared with its true share.
        if let Some(f) = a.holders.iter().find(|h| {
            h.status == Status::NotQualifying && matches!(h.holder, Holder::Party { kind: PartyKind::Person, .. })
        }) {
            let mut more = rows.clone();
            more.push((f.holder.party_id().unwrap_or_default().to_string(), format!("{}%", f.share.percent(2))));
            let (ok, found) = codes(&graph, &csv_of(&more));
            prop_assert!(!ok && found.contains(&"holder_not_qualifying"), "{found:?}");
        }

        // A holder not in the graph.
        let mut ghost = rows.clone();
        ghost.push(("Никто Никтович".into(), "1%".into()));
        let (ok, found) = codes(&graph, &csv_of(&ghost));
        prop_assert!(!ok && found.contains(&"holder_not_found"), "{found:?}");
    }
}
