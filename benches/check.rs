//! `check` on a generated graph of 100 000 parties and 300 000 relations whose target has
//! 10 000 company ancestors with cycles (issue 2's benchmark). Loading and each regime are
//! measured separately. Run: `cargo bench --bench check`.

use std::collections::BTreeSet;

use criterion::{Criterion, criterion_group, criterion_main};
use owngraph::input::json;
use owngraph::law::{self, CheckOptions, Regime};
use owngraph::synth::{PyramidParams, pyramid};

fn bench(c: &mut Criterion) {
    let text = pyramid(PyramidParams::default()).to_json();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let graph = json::parse("bench.json", &text, date).unwrap();
    let t = graph.lookup("T").unwrap();
    let mut g = c.benchmark_group("check 100k parties, 300k relations, 10k ancestors");
    g.sample_size(10);
    g.bench_function("load native JSON", |b| b.iter(|| json::parse("bench.json", &text, date).unwrap()));
    for (name, regimes) in [
        ("ru", vec![Regime::Ru]),
        ("pak", vec![Regime::Pak]),
        ("all regimes", vec![Regime::Ru, Regime::Eaeu, Regime::Pak]),
    ] {
        let options = CheckOptions { regimes: regimes.into_iter().collect::<BTreeSet<_>>(), ..CheckOptions::default() };
        g.bench_function(format!("analyse {name}"), |b| b.iter(|| law::check(&graph, t, &options).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
