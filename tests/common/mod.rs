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
