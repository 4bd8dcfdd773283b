//! `screen --shard K/N` (issue 15): the shards of a graph answer every target exactly once, and
//! each row equals the row of the whole run, under every policy set; the CLI's shards together
//! give the whole output.

use std::collections::BTreeSet;

use owngraph::analysis::components::shard;
use owngraph::law::Regime;
use owngraph::law::engine::{Engine, EngineOptions};
use owngraph::model::Graph;
use proptest::prelude::*;

mod common;

fn union_equals_whole(graph: &Graph, policies: owngraph::law::Policies, n: usize) -> Result<(), TestCaseError> {
    let regimes: BTreeSet<Regime> = [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().collect();
    let options = EngineOptions { regimes, policies };
    let whole = Engine::new(graph, options.clone());
    let shards: Vec<_> = (1..=n).map(|k| shard(graph, k, n)).collect();
    let engines: Vec<Engine> = shards.iter().map(|s| Engine::for_scope(graph, &s.scope, options.clone())).collect();
    for t in graph.party_indices() {
        let owners: Vec<usize> = (0..n).filter(|&k| shards[k].own[t.index()]).collect();
        prop_assert_eq!(owners.len(), 1, "{} owned by shards {:?}", &graph.party(t).id, owners);
        let k = owners[0];
        prop_assert_eq!(engines[k].row(t), whole.row(t), "{} in shard {}/{}", &graph.party(t).id, k + 1, n);
    }
    Ok(())
}

proptest! {
    #![proptest_config(common::proptest_config(500))]
    #[test]
    fn the_shards_together_are_the_whole(
        seed in proptest::collection::vec(any::<u32>(), 120),
        nc in 2usize..12, np in 1usize..7, nn in 0usize..4, n in 2usize..5,
    ) {
        let Some(graph) = common::parse_graph(&common::random_graph(seed, nc, np, nn)) else { return Ok(()) };
        for (_, policies) in common::policy_sets() {
            union_equals_whole(&graph, policies, n)?;
        }
    }
}

#[test]
fn the_cli_shards_concatenate_to_the_whole_run() {
    let src = common::fixture("example-07.json");
    let run = |extra: &[&str]| {
        let out = common::owngraph()
            .arg("screen")
            .arg(&src)
            .args(["--all", "--as-of", "2026-01-01", "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let whole = run(&[]);
    let mut lines: Vec<String> = whole.lines().skip(1).map(String::from).collect();
    lines.sort();
    let mut union: Vec<String> = Vec::new();
    for k in 1..=3 {
        union.extend(run(&["--shard", &format!("{k}/3")]).lines().skip(1).map(String::from));
    }
    union.sort();
    assert_eq!(union, lines);
    let bad = common::owngraph().arg("screen").arg(&src).args(["--all", "--shard", "4/3"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
