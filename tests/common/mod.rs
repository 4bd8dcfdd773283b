//! Helpers shared by the whole-command tests.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// A bundled fixture.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// The owngraph binary.
pub fn owngraph() -> Command {
    Command::cargo_bin("owngraph").unwrap()
}

/// `check --format json --regime all` on a file, parsed.
pub fn check_json(path: &std::path::Path, target: &str, extra: &[&str]) -> Value {
    let out = owngraph()
        .arg("check")
        .arg(path)
        .args(["--target", target, "--format", "json"])
        .args(if extra.contains(&"--as-of") { &[][..] } else { &["--as-of", "2026-01-01"][..] })
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "check failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `check` on an inline graph written to a temporary file.
pub fn check_graph(graph: &Value, target: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.json");
    std::fs::write(&path, serde_json::to_string_pretty(graph).unwrap()).unwrap();
    check_json(&path, target, extra)
}

/// The fraction text of a `{"fraction", "percent"}` value.
pub fn frac(v: &Value) -> &str {
    v["fraction"].as_str().unwrap()
}

/// Ids of the disclosure list of a regime.
pub fn disclosed(regime: &Value) -> Vec<String> {
    regime["disclosure"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

/// Ids of the foreign controllers of the pak answer.
pub fn foreign_controllers(r: &Value) -> Vec<String> {
    let mut v: Vec<String> = r["regimes"]["pak"]["controllers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["foreign"] == Value::Bool(true))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// The property-test configuration every random test uses: a fixed seed, so `cargo test` gives
/// the same answer on every run and machine, and no failure files written into the tree.
///
/// For a longer randomised run on your machine, set the seed and the number of cases:
/// `PROPTEST_RNG_SEED=$RANDOM PROPTEST_CASES=20000 cargo test --release --test screen`.
/// A failure prints the seed and the minimal input; add it as a regression test.
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
    let from_env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: from_env("PROPTEST_CASES").map(|c| c as u32).unwrap_or(cases),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(from_env("PROPTEST_RNG_SEED").unwrap_or(0x0_67a9_4e11)),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Called when a system tool a test needs is missing: under CI (`CI=true`) the test fails,
/// because `.ci/run` installs the tool; on a developer machine it says it is skipped.
pub fn tool_missing(tool: &str, package: &str) {
    let message = format!("{tool} is not installed (Debian package {package})");
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0") {
        panic!("{message}: CI=true requires it (.ci/run installs it)");
    }
    println!("skipped: {message}");
}
