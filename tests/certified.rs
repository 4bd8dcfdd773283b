//! Certified fast arithmetic (issue 13, item 1): with the size budget for exact numbers at its
//! smallest, `screen`'s engine works from certified intervals alone, and every verdict it gives
//! must be the exact one, every interval must contain the exact value, and a verdict it cannot
//! give must be one whose bounds straddle one half. Under every policy set, on random graphs and
//! the worked examples.
//!
//! The budget is process-wide, so this file is its own test binary and its engines take turns.

use std::collections::BTreeSet;

use owngraph::Fraction;
use owngraph::analysis::interval::{Interval, Value};
use owngraph::fraction::{DEFAULT_EXACT_BUDGET_DIGITS, set_exact_budget};
use owngraph::law::engine::{Engine, EngineOptions, ScreenRow};
use owngraph::law::{Policies, Regime};
use owngraph::model::Graph;
use proptest::prelude::*;

mod common;

fn contains(iv: Interval, x: &Fraction) -> bool {
    Fraction::from_f64_exact(iv.lo).is_some_and(|lo| lo <= *x)
        && Fraction::from_f64_exact(iv.hi).is_some_and(|hi| *x <= hi)
}

/// The budget is process-wide: one engine at a time.
static BUDGET: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn rows(graph: &Graph, policies: Policies, digits: u64) -> Vec<Result<ScreenRow, String>> {
    let _one = BUDGET.lock().unwrap_or_else(|e| e.into_inner());
    set_exact_budget(digits);
    let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
    let engine = Engine::new(graph, EngineOptions { regimes, policies });
    let out = graph.party_indices().map(|t| engine.row(t).map_err(|e| e.to_string())).collect();
    set_exact_budget(DEFAULT_EXACT_BUDGET_DIGITS);
    out
}

/// The fast rows against the exact ones; returns (verdicts compared, verdicts left open).
fn compare(graph: &Graph, policies: Policies) -> Result<(usize, usize), TestCaseError> {
    let exact = rows(graph, policies, u64::MAX / 16);
    let fast = rows(graph, policies, 0);
    let (mut decided, mut open) = (0, 0);
    for (e, f) in exact.iter().zip(&fast) {
        let (e, f) = match (e, f) {
            (Ok(e), Ok(f)) => (e, f),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a, b);
                continue;
            }
            // A closed loop is found the same way on both paths; an undecidable nonprofit above a
            // target may refuse only on the fast path.
            (Ok(e), Err(b)) => {
                prop_assert!(b.contains("size budget"), "{}: fast path refused: {}", e.target, b);
                open += 1;
                continue;
            }
            (Err(a), Ok(f)) => return Err(TestCaseError::fail(format!("{}: exact refused ({a})", f.target))),
        };
        let id = &e.target;
        prop_assert!(!e.notes.contains(&"not_exact"), "{} exact row not exact", id);
        for (ep, fp) in [(&e.regimes.ru, &f.regimes.ru), (&e.regimes.eaeu, &f.regimes.eaeu)] {
            let (ep, fp) = (ep.as_ref().unwrap(), fp.as_ref().unwrap());
            let (share, upper) = (ep.share.exact_value().cloned().unwrap(), ep.upper.exact_value().cloned().unwrap());
            prop_assert!(contains(fp.share.iv(), &share), "{} share {} not in {:?}", id, share, fp.share.iv());
            prop_assert!(contains(fp.upper.iv(), &upper), "{} upper {} not in {:?}", id, upper, fp.upper.iv());
            let check = |v: &Value, x: &Fraction| v.exact_value().is_none_or(|y| y == x);
            prop_assert!(check(&fp.share, &share) && check(&fp.upper, &upper), "{} exact values differ", id);
            match fp.verdict {
                Some(v) => {
                    prop_assert_eq!(Some(v), ep.verdict, "{} verdict", id);
                    decided += 1;
                }
                None => {
                    // Left open only when a bound straddles one half.
                    prop_assert!(
                        fp.share.iv().above_half().is_none() || fp.upper.iv().above_half().is_none(),
                        "{} left open though its bounds decide",
                        id
                    );
                    open += 1;
                }
            }
        }
        prop_assert_eq!(&e.regimes.pak, &f.regimes.pak, "{} pak", id);
        prop_assert!(contains(f.unknown_share.iv(), e.unknown_share.exact_value().unwrap()), "{} unknown share", id);
        prop_assert_eq!((e.ultimate_holders, e.in_cycle), (f.ultimate_holders, f.in_cycle), "{} holders", id);
    }
    Ok((decided, open))
}

proptest! {
    #![proptest_config(common::proptest_config(1000))]
    #[test]
    fn interval_verdicts_are_the_exact_verdicts_under_every_policy_set(
        seed in proptest::collection::vec(any::<u32>(), 120),
        nc in 2usize..9, np in 1usize..7, nn in 0usize..4,
    ) {
        let Some(graph) = common::parse_graph(&common::random_graph(seed, nc, np, nn)) else { return Ok(()) };
        for (_, policies) in common::policy_sets() {
            compare(&graph, policies)?;
        }
    }
}

/// The worked examples, where most verdicts must come from the bounds.
#[test]
fn worked_examples_from_bounds() {
    let (mut decided, mut open) = (0, 0);
    for n in 1..=12 {
        let path = format!("{}/fixtures/example-{n:02}.json", env!("CARGO_MANIFEST_DIR"));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let graph = owngraph::input::json::parse(&path, &std::fs::read_to_string(&path).unwrap(), date).unwrap();
        for (name, policies) in common::policy_sets() {
            let (d, o) = compare(&graph, policies).unwrap_or_else(|e| panic!("example {n}, {name}: {e}"));
            decided += d;
            open += o;
        }
    }
    eprintln!("worked examples: {decided} verdicts from bounds, {open} left open");
    assert!(decided > 10 * open, "{decided} decided, {open} open");
}
