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

/// A random ownership and control graph (native JSON) with every kind of party and relation:
/// nonprofits formed through companies, cycles, treasury, disposals, undisclosed holders.
pub fn random_graph(seed: Vec<u32>, nc: usize, np: usize, nn: usize) -> Value {
    let mut r = seed.into_iter().cycle();
    let mut next = move |m: u32| r.next().unwrap_or(0) % m.max(1);
    let mut parties = vec![
        serde_json::json!({"id": "rf", "kind": "state", "country": "RU"}),
        serde_json::json!({"id": "kz", "kind": "state", "country": "KZ"}),
    ];
    let countries = ["RU", "RU", "RU", "CY", "KZ"];
    for i in 0..nc {
        parties.push(
            serde_json::json!({"id": format!("c{i}"), "kind": "company", "country": countries[next(5) as usize]}),
        );
    }
    let cits: [&[&str]; 6] = [&["RU"], &["RU"], &["US"], &["BY"], &["RU", "IL"], &["KZ", "RU"]];
    for i in 0..np {
        parties
            .push(serde_json::json!({"id": format!("p{i}"), "kind": "person", "citizenship": cits[next(6) as usize]}));
    }
    for i in 0..nn {
        let mut n = serde_json::json!({"id": format!("n{i}"), "kind": "nonprofit", "country": if next(4) == 0 { "DE" } else { "RU" }});
        if next(2) == 0 {
            n["declared"] = serde_json::json!({"ru": next(2) == 0, "eaeu": next(2) == 0, "reason": "устав"});
        }
        parties.push(n);
    }
    parties.push(serde_json::json!({"id": "u", "kind": "unknown"}));
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
                rels.push(serde_json::json!({"type": "shares", "from": id(from), "to": id(to), "capital": format!("{part}/24"), "votes": format!("{votes}/24")}));
                if from != to && votes > 0 {
                    owned.push((from, votes));
                }
            } else {
                rels.push(serde_json::json!({"type": "governs", "from": id(from), "to": id(to), "share": format!("{part}/24")}));
            }
        }
        if let Some(&(of, v)) = owned.first()
            && next(4) == 0
        {
            let from = next(n as u32) as usize;
            if from != to && from != of {
                rels.push(serde_json::json!({"type": "vote_disposal", "from": id(from), "to": id(to), "votes": format!("{}/24", 1 + next(v)), "basis": "trust_management", "of": id(of)}));
            }
        }
        if next(8) == 0 {
            let from = next(n as u32) as usize;
            if from != to {
                let rel = match next(4) {
                    0 => serde_json::json!({"type": "decision_rights", "from": id(from), "to": id(to)}),
                    1 => serde_json::json!({"type": "management_company", "from": id(from), "to": id(to)}),
                    2 => {
                        serde_json::json!({"type": "appoints", "from": id(from), "to": id(to), "sole_executive": true})
                    }
                    _ => serde_json::json!({"type": "appoints", "from": id(from), "to": id(to), "board": "3/5"}),
                };
                rels.push(rel);
            }
        }
    }
    serde_json::json!({"parties": parties, "relations": rels})
}

/// The policy sets every random graph is screened under: the defaults, each policy alone, all.
pub fn policy_sets() -> Vec<(&'static str, owngraph::law::Policies)> {
    let d = owngraph::law::Policies::default();
    vec![
        ("defaults", d),
        (
            "P1 dual citizens foreign",
            owngraph::law::Policies { dual_citizens: owngraph::law::DualCitizens::Foreign, ..d },
        ),
        ("P2 aggregate foreign", owngraph::law::Policies { aggregate_foreign: true, ..d }),
        (
            "P3 declared nonprofit status",
            owngraph::law::Policies { nonprofit_status: owngraph::law::NonprofitStatus::Declared, ..d },
        ),
        ("P4 votes", owngraph::law::Policies { participation_base: owngraph::law::ParticipationBase::Votes, ..d }),
        (
            "all",
            owngraph::law::Policies {
                dual_citizens: owngraph::law::DualCitizens::Foreign,
                aggregate_foreign: true,
                nonprofit_status: owngraph::law::NonprofitStatus::Declared,
                participation_base: owngraph::law::ParticipationBase::Votes,
            },
        ),
    ]
}

/// A native JSON graph parsed as of 2026-01-01 (`None` when the input check refuses it).
pub fn parse_graph(g: &Value) -> Option<owngraph::model::Graph> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    owngraph::input::json::parse("random.json", &g.to_string(), date).ok()
}
