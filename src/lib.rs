//! owngraph: who owns and who controls a rights holder, answered with exact arithmetic and a
//! proof a reviewer can follow (Rules of the software registers, Decree 1236: p. 5 "а",
//! p. 42 "а", p. 5¹ "а", p. 10 "б"; the specification is `docs/DOMAIN.md`).
//!
//! # Using the library
//!
//! Load a graph ([`load`]), then ask about a rights holder ([`analyse`]) or about every company
//! at once ([`Engine`]); the answers are plain values (serde), the same the command line prints.
//!
//! ```
//! use owngraph::{CheckOptions, Verdict, analyse, load};
//!
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let graph = load(&["fixtures/example-01.json"], date)?;
//! let target = graph.lookup("T").expect("the fixture has T");
//! let report = analyse(&graph, target, &CheckOptions::default())?;
//! let ru = report.regimes.ru.as_ref().expect("ru is answered by default");
//! assert_eq!(ru.verdict, Verdict::Eligible);
//! assert_eq!(ru.share.to_string(), "33/40"); // exact: 82.5 %
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Screening many rights holders is one [`Engine`] over the whole graph, read per target:
//!
//! ```
//! use owngraph::{Engine, EngineOptions, Regime, Verdict, load};
//!
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let graph = load(&["fixtures/example-06.json"], date)?;
//! let regimes = [Regime::Ru, Regime::Pak].into_iter().collect();
//! let engine = Engine::new(&graph, EngineOptions { regimes, policies: Default::default() });
//! let row = engine.row(graph.lookup("T").expect("T"))?;
//! assert_eq!(row.regimes.ru.map(|r| r.verdict), Some(Some(Verdict::Eligible))); // exact, so decided
//! assert_eq!(row.regimes.pak.map(|r| r.verdict), Some(Verdict::NotEligible)); // F → R → T
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! Each module depends only on those before it:
//! [`fraction`] (exact numbers) → [`model`] (parties, relations, the checked graph) →
//! [`input`] (formats that build the model) → [`analysis`] (the mathematics: participation,
//! chains, control, knowing nothing of the law) → [`law`] (who qualifies, verdicts, disclosure,
//! the one engine) → [`report`] (text, JSON, CSV, DOT, SVG, HTML views of a finished answer).
//! The command line (`src/cli/`, feature `cli`) is outside the library and only calls it.

#![warn(missing_docs)]

pub mod analysis;
pub mod fraction;
pub mod incremental;
pub mod input;
pub mod law;
pub mod model;
pub mod report;
#[cfg(feature = "synth")]
pub mod synth;

pub use fraction::{Fraction, Share};
pub use input::{InputErrors, LoadOptions};
pub use law::engine::{Engine, EngineOptions, ScreenRow};
pub use law::nonprofit::ClosedLoopError;
pub use law::{CheckOptions, CheckReport, Policies, Regime, Verdict};
pub use model::{Graph, PartyIdx};

/// Reads a graph as of `as_of` from its files: native JSON, JSON Lines, the CSV pair (both
/// files or their directory), BODS, or EGRUL extracts (files, directories, `.zip`), the format
/// recognised from the content. Every problem is reported, with its file, record and field.
pub fn load<P: AsRef<std::path::Path>>(paths: &[P], as_of: chrono::NaiveDate) -> Result<Graph, InputErrors> {
    let paths: Vec<&std::path::Path> = paths.iter().map(AsRef::as_ref).collect();
    input::load_inputs(&paths, &LoadOptions::at(as_of))
}

/// Answers every regime of `options` for `target`, with the holders, chains and controllers
/// that prove the answers (what `owngraph check` prints). Fails only when the target's
/// participation has no solution (a closed ownership loop on the votes measure).
pub fn analyse(graph: &Graph, target: PartyIdx, options: &CheckOptions) -> Result<CheckReport, ClosedLoopError> {
    law::check(graph, target, options)
}

/// The property-test configuration of the library's own tests, as `tests/common` gives the
/// integration tests': a fixed seed, so `cargo test` gives the same answer on every run, and no
/// failure files written into the tree.
#[cfg(test)]
pub(crate) fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x0_67a9_4e11),
        failure_persistence: None,
        ..Config::default()
    }
}
