//! `screen` equals `check` for every target: random graphs with every kind of party and
//! relation (nonprofits formed through companies, cycles, treasury, disposals, undisclosed
//! holders) go through both, and every row must match.

use std::collections::BTreeSet;

use owngraph::input::json;
use owngraph::law::screen::{Screen, ScreenOptions};
use owngraph::law::{self, CheckOptions, Policies, Regime};
use owngraph::model::{Graph, PartyKind};
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

fn random_graph(seed: Vec<u32>, nc: usize, np: usize, nn: usize) -> Value {
    let mut r = seed.into_iter().cycle();
    let mut next = move |m: u32| r.next().unwrap_or(0) % m.max(1);
    let mut parties = vec![
        json!({"id": "rf", "kind": "state", "country": "RU"}),
        json!({"id": "kz", "kind": "state", "country": "KZ"}),
    ];
    let countries = ["RU", "RU", "RU", "CY", "KZ"];
    for i in 0..nc {
        parties.push(json!({"id": format!("c{i}"), "kind": "company", "country": countries[next(5) as usize]}));
    }
    let cits: [&[&str]; 6] = [&["RU"], &["RU"], &["US"], &["BY"], &["RU", "IL"], &["KZ", "RU"]];
    for i in 0..np {
        parties.push(json!({"id": format!("p{i}"), "kind": "person", "citizenship": cits[next(6) as usize]}));
    }
    for i in 0..nn {
        parties.push(
            json!({"id": format!("n{i}"), "kind": "nonprofit", "country": if next(4) == 0 { "DE" } else { "RU" }}),
        );
    }
    parties.push(json!({"id": "u", "kind": "unknown"}));
    let n = parties.len();
    let id = |i: usize| parties[i]["id"].as_str().unwrap().to_string();
    let mut rels = Vec::new();
    let is_company = |i: usize| (2..2 + nc).contains(&i);
    let is_nonprofit = |i: usize| (2 + nc + np..2 + nc + np + nn).contains(&i);
    for to in (0..n).filter(|&i| is_company(i) || is_nonprofit(i)) {
        if next(6) == 0 {
            continue;
        }
        let mut left = 24u32;
        let mut owned: Vec<(usize, u32)> = Vec::new();
        for _ in 0..1 + next(3) {
            if left == 0 {
                break;
            }
            let from = next(n as u32) as usize;
            if from == to && (is_nonprofit(to) || next(3) != 0) {
                continue;
            }
            let part = 1 + next(left);
            left -= part;
            if is_company(to) {
                let votes = if next(5) == 0 { next(part + 1) } else { part };
                rels.push(json!({"type": "shares", "from": id(from), "to": id(to), "capital": format!("{part}/24"), "votes": format!("{votes}/24")}));
                if from != to && votes > 0 {
                    owned.push((from, votes));
                }
            } else {
                rels.push(json!({"type": "governs", "from": id(from), "to": id(to), "share": format!("{part}/24")}));
            }
        }
        if let Some(&(of, v)) = owned.first()
            && next(4) == 0
        {
            let from = next(n as u32) as usize;
            if from != to && from != of {
                rels.push(json!({"type": "vote_disposal", "from": id(from), "to": id(to), "votes": format!("{}/24", 1 + next(v)), "basis": "trust_management", "of": id(of)}));
            }
        }
        if next(8) == 0 {
            let from = next(n as u32) as usize;
            if from != to {
                let rel = match next(4) {
                    0 => json!({"type": "decision_rights", "from": id(from), "to": id(to)}),
                    1 => json!({"type": "management_company", "from": id(from), "to": id(to)}),
                    2 => json!({"type": "appoints", "from": id(from), "to": id(to), "sole_executive": true}),
                    _ => json!({"type": "appoints", "from": id(from), "to": id(to), "board": "3/5"}),
                };
                rels.push(rel);
            }
        }
    }
    json!({"parties": parties, "relations": rels})
}

fn compare(graph: &Graph, policies: Policies) -> Result<usize, TestCaseError> {
    let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
    let screen = Screen::new(graph, ScreenOptions { regimes: regimes.clone(), policies });
    let mut compared = 0;
    for t in 0..graph.len() as u32 {
        if graph.party(t).kind != PartyKind::Company {
            continue;
        }
        let row = match screen.row(t) {
            Ok(r) => r,
            Err(_) => continue,
        };
        let check =
            match law::check(graph, t, &CheckOptions { regimes: regimes.clone(), policies, ..CheckOptions::default() })
            {
                Ok(c) => c,
                Err(_) => continue,
            };
        let id = &graph.party(t).id;
        for (ours, theirs) in [(&row.regimes.ru, &check.regimes.ru), (&row.regimes.eaeu, &check.regimes.eaeu)] {
            let (o, c) = (ours.as_ref().unwrap(), theirs.as_ref().unwrap());
            prop_assert_eq!(o.verdict, c.verdict, "{} verdict", id);
            prop_assert_eq!(&o.share, &c.share, "{} share", id);
            prop_assert_eq!(&o.upper, &c.upper, "{} upper", id);
        }
        let (o, c) = (row.regimes.pak.as_ref().unwrap(), check.regimes.pak.as_ref().unwrap());
        prop_assert_eq!(o.verdict, c.verdict, "{} pak verdict ({})", id, c.reason_code);
        let of: BTreeSet<&str> = o.controllers.iter().map(|c| c.id.as_str()).collect();
        let cf: BTreeSet<&str> = c.controllers.iter().filter(|c| c.foreign).map(|c| c.id.as_str()).collect();
        prop_assert_eq!(of, cf, "{} foreign controllers", id);
        let ru = check.regimes.ru.as_ref().unwrap();
        prop_assert_eq!(row.ultimate_holders as usize, ru.holders.len(), "{} holders", id);
        prop_assert_eq!(&row.unknown_share, &(&ru.upper - &ru.share), "{} unknown share", id);
        prop_assert_eq!(row.in_cycle, check.graph.cycles.iter().any(|c| c.contains(id)), "{} in cycle", id);
        compared += 1;
    }
    Ok(compared)
}

proptest! {
    #![proptest_config(common::proptest_config(500))]

    #[test]
    fn screen_equals_check_for_every_target(
        seed in proptest::collection::vec(any::<u32>(), 120),
        nc in 2usize..9, np in 1usize..7, nn in 0usize..4,
        aggregate in any::<bool>(), dual_foreign in any::<bool>(), votes_base in any::<bool>(),
    ) {
        let g = random_graph(seed, nc, np, nn);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let Ok(graph) = json::parse("random.json", &g.to_string(), date) else { return Ok(()) };
        let policies = Policies {
            aggregate_foreign: aggregate,
            dual_citizens: if dual_foreign { law::DualCitizens::Foreign } else { law::DualCitizens::Russian },
            participation_base: if votes_base { law::ParticipationBase::Votes } else { law::ParticipationBase::Capital },
            ..Policies::default()
        };
        compare(&graph, policies)?;
    }
}

#[test]
fn screen_equals_check_on_the_worked_examples() {
    for n in 1..=12 {
        let path = format!("{}/fixtures/example-{n:02}.json", env!("CARGO_MANIFEST_DIR"));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let graph = json::parse(&path, &std::fs::read_to_string(&path).unwrap(), date).unwrap();
        let compared = compare(&graph, Policies::default()).unwrap();
        assert!(compared > 0, "example {n}");
    }
}
