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
use serde_json::Value;

mod common;

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
            prop_assert_eq!(o.verdict, Some(c.verdict), "{} verdict", id);
            prop_assert_eq!(o.share.exact_value(), Some(&c.share), "{} share", id);
            prop_assert_eq!(o.upper.exact_value(), Some(&c.upper), "{} upper", id);
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
            prop_assert_eq!(
                row.in_cycle,
                check.graph.cycles.iter().any(|c| c.iter().any(|m| m == id)),
                "{} in cycle",
                id
            );
        }
        prop_assert_eq!(row.unknown_share.exact_value(), Some(&(&ru.upper - &ru.share)), "{} unknown share", id);
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
                    let g = common::random_graph(seed, nc, np, nn);
                    // A graph the input check refuses (holders above 1, ...) has no answers.
                    let Some(graph) = parse(&g) else { return Ok(()) };
                    let (_, policies) = common::policy_sets()[$set];
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
        for (name, policies) in common::policy_sets() {
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
        assert_eq!(
            (eaeu.share.fraction_text(), eaeu.upper.fraction_text()),
            (share.to_string(), upper.to_string()),
            "{file}"
        );
    }
}
