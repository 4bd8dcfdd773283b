//! Writes a synthetic ownership graph.
//!
//! A pyramid above one target, as native JSON (issue 2's benchmark):
//! `cargo run --release --example synth -- pyramid --parties 100000 --relations 300000 --ancestors 10000 --cycles 20 --out bench.json`
//!
//! A national register, as the CSV pair `DIR/parties.csv`, `DIR/relations.csv` (issue 6):
//! `cargo run --release --example synth -- --companies 1000000 --out DIR`

use std::process::ExitCode;

use owngraph::synth::{NationalParams, PyramidParams, national, pyramid};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut p = PyramidParams::default();
    let mut companies: Option<usize> = None;
    let mut out = String::from("pyramid.json");
    let mut i = 0;
    if args.first().map(String::as_str) == Some("pyramid") {
        i = 1;
    }
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        let num = || value.parse::<usize>().unwrap_or(0);
        match args[i].as_str() {
            "--parties" => p.parties = num(),
            "--relations" => p.relations = num(),
            "--ancestors" => p.ancestors = num(),
            "--levels" => p.levels = num(),
            "--seed" => p.seed = num() as u64,
            "--cycles" => p.cycles = num(),
            "--companies" => companies = Some(num()),
            "--out" => out = value.clone(),
            other => {
                eprintln!("unknown option {other}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    if let Some(companies) = companies {
        let g = national(NationalParams { companies, seed: p.seed });
        if let Err(e) = g.write_csv(std::path::Path::new(&out)) {
            eprintln!("{out}: {e}");
            return ExitCode::from(2);
        }
        eprintln!("{out}: {} parties, {} relations", g.parties.len(), g.relations.len());
        return ExitCode::SUCCESS;
    }
    let g = pyramid(p);
    if let Err(e) = std::fs::write(&out, g.to_json()) {
        eprintln!("{out}: {e}");
        return ExitCode::from(2);
    }
    eprintln!("{out}: {} parties, {} relations", g.parties.len(), g.relations.len());
    ExitCode::SUCCESS
}
