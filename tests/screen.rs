//! `screen` equals `check` for every target: random graphs with every kind of party and
//! relation (nonprofits formed through companies, cycles, treasury, disposals, undisclosed
//! holders) go through both, and every row must match.

use std::collections::BTreeSet;

use owngraph::Fraction;
use owngraph::input::json;
use owngraph::law::engine::{Engine, EngineOptions};
use owngraph::law::qualify::Status;
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
        let mut n =
            json!({"id": format!("n{i}"), "kind": "nonprofit", "country": if next(4) == 0 { "DE" } else { "RU" }});
        if next(2) == 0 {
            n["declared"] = json!({"ru": next(2) == 0, "eaeu": next(2) == 0, "reason": "устав"});
        }
        parties.push(n);
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

/// The policy sets every random graph is screened under: the defaults, each policy alone, all.
fn policy_sets() -> Vec<(&'static str, Policies)> {
    let d = Policies::default();
    vec![
        ("defaults", d),
        ("P1 dual citizens foreign", Policies { dual_citizens: law::DualCitizens::Foreign, ..d }),
        ("P2 aggregate foreign", Policies { aggregate_foreign: true, ..d }),
        ("P3 declared nonprofit status", Policies { nonprofit_status: law::NonprofitStatus::Declared, ..d }),
        ("P4 votes", Policies { participation_base: law::ParticipationBase::Votes, ..d }),
        (
            "all",
            Policies {
                dual_citizens: law::DualCitizens::Foreign,
                aggregate_foreign: true,
                nonprofit_status: law::NonprofitStatus::Declared,
                participation_base: law::ParticipationBase::Votes,
            },
        ),
    ]
}

/// Every target's `screen` row against `check`: the same verdicts, shares, bounds and foreign
/// controllers; and `check`'s explanation adds up to its answer (the holders' shares to the
/// share and bound, its foreign controllers to the row's). A target one side cannot answer the
/// other must refuse with the same error. Returns how many targets were compared.
fn compare(graph: &Graph, policies: Policies) -> Result<usize, TestCaseError> {
    let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
    let screen = Engine::new(graph, EngineOptions { regimes: regimes.clone(), policies });
    let mut compared = 0;
    for t in graph.party_indices() {
        let id = &graph.party(t).id;
        let options = CheckOptions { regimes: regimes.clone(), policies, ..CheckOptions::default() };
        let (row, check) = match (screen.row(t), law::check(graph, t, &options)) {
            (Ok(r), Ok(c)) => (r, c),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a, b, "{} refused differently", id);
                compared += 1;
                continue;
            }
            (a, b) => {
                return Err(TestCaseError::fail(format!("{id}: screen {:?}, check {:?}", a.err(), b.err())));
            }
        };
        for (ours, theirs) in [(&row.regimes.ru, &check.regimes.ru), (&row.regimes.eaeu, &check.regimes.eaeu)] {
            let (o, c) = (ours.as_ref().unwrap(), theirs.as_ref().unwrap());
            prop_assert_eq!(o.verdict, c.verdict, "{} verdict", id);
            prop_assert_eq!(&o.share, &c.share, "{} share", id);
            prop_assert_eq!(&o.upper, &c.upper, "{} upper", id);
            if graph.party(t).kind == PartyKind::Company {
                let sum =
                    |s: Status| -> Fraction { c.holders.iter().filter(|h| h.status == s).map(|h| &h.share).sum() };
                prop_assert_eq!(&sum(Status::Qualifying), &c.share, "{} holders add up to the share", id);
                prop_assert_eq!(
                    &(&sum(Status::Qualifying) + &sum(Status::Unknown)),
                    &c.upper,
                    "{} holders add up to the upper bound",
                    id
                );
            }
        }
        let (o, c) = (row.regimes.pak.as_ref().unwrap(), check.regimes.pak.as_ref().unwrap());
        prop_assert_eq!(o.verdict, c.verdict, "{} pak verdict ({})", id, c.reason_code);
        let of: BTreeSet<&str> = o.controllers.iter().filter(|c| !c.group).map(|c| c.id.as_str()).collect();
        let cf: BTreeSet<&str> = c
            .controllers
            .iter()
            .filter(|c| c.foreign && !c.id.starts_with("foreign-group:"))
            .map(|c| c.id.as_str())
            .collect();
        prop_assert_eq!(of, cf, "{} foreign controllers", id);
        let ru = check.regimes.ru.as_ref().unwrap();
        if graph.party(t).kind == PartyKind::Company {
            prop_assert_eq!(row.ultimate_holders as usize, ru.holders.len(), "{} holders", id);
            prop_assert_eq!(row.in_cycle, check.graph.cycles.iter().any(|c| c.contains(id)), "{} in cycle", id);
        }
        prop_assert_eq!(&row.unknown_share, &(&ru.upper - &ru.share), "{} unknown share", id);
        compared += 1;
    }
    Ok(compared)
}

fn parse(g: &Value) -> Option<Graph> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    json::parse("random.json", &g.to_string(), date).ok()
}

/// One property test per policy set, 2 000 random graphs each (`PROPTEST_CASES` overrides).
macro_rules! screen_equals_check {
    ($($name:ident => $set:expr;)*) => {
        proptest! {
            #![proptest_config(common::proptest_config(2000))]
            $(
                #[test]
                fn $name(
                    seed in proptest::collection::vec(any::<u32>(), 120),
                    nc in 2usize..9, np in 1usize..7, nn in 0usize..4,
                ) {
                    let g = random_graph(seed, nc, np, nn);
                    // A graph the input check refuses (holders above 1, ...) has no answers.
                    let Some(graph) = parse(&g) else { return Ok(()) };
                    let (_, policies) = policy_sets()[$set];
                    compare(&graph, policies)?;
                }
            )*
        }
    };
}

screen_equals_check! {
    screen_equals_check_under_the_defaults => 0;
    screen_equals_check_under_p1_dual_citizens_foreign => 1;
    screen_equals_check_under_p2_aggregate_foreign => 2;
    screen_equals_check_under_p3_declared_status => 3;
    screen_equals_check_under_p4_votes => 4;
    screen_equals_check_under_all_policies => 5;
}

#[test]
fn screen_equals_check_on_the_worked_examples() {
    for n in 1..=12 {
        let path = format!("{}/fixtures/example-{n:02}.json", env!("CARGO_MANIFEST_DIR"));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let graph = json::parse(&path, &std::fs::read_to_string(&path).unwrap(), date).unwrap();
        for (name, policies) in policy_sets() {
            let compared = compare(&graph, policies).unwrap_or_else(|e| panic!("example {n}, {name}: {e}"));
            assert_eq!(compared, graph.len(), "example {n}");
        }
    }
}

/// The graphs on which `screen` and `check` once disagreed under P2 (fixtures/regressions), with
/// the answers both must give.
#[test]
fn foreign_nonprofits_under_p2_regressions() {
    let p2 = Policies { aggregate_foreign: true, ..Policies::default() };
    let p2_p1 = Policies { dual_citizens: law::DualCitizens::Foreign, ..p2 };
    for (file, target, policies, share, upper) in [
        ("p2-foreign-nonprofit-share.json", "c0", p2, "0/1", "569/576"),
        ("p2-foreign-nonprofit-upper.json", "c4", p2_p1, "0/1", "11/24"),
        ("p2-foreign-nonprofit-upper.json", "c4", p2, "0/1", "1/2"),
    ] {
        let path = format!("{}/fixtures/regressions/{file}", env!("CARGO_MANIFEST_DIR"));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let graph = json::parse(&path, &std::fs::read_to_string(&path).unwrap(), date).unwrap();
        compare(&graph, policies).unwrap_or_else(|e| panic!("{file}: {e}"));
        let t = graph.lookup(target).unwrap();
        let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
        let row = Engine::new(&graph, EngineOptions { regimes, policies }).row(t).unwrap();
        let eaeu = row.regimes.eaeu.unwrap();
        assert_eq!((eaeu.share.to_string(), eaeu.upper.to_string()), (share.to_string(), upper.to_string()), "{file}");
    }
}
