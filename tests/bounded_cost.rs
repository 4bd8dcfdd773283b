//! Size tests of the engine and its evidence (issue 13, items 2 and 3): a deep chain of 100 %
//! holdings under a foreign company, and a company with very many direct holders, through
//! `check` and `screen`. Sizes are scaled so `cargo test` stays fast; the full sizes are
//! the ignored tests (`cargo test --release --test bounded_cost -- --ignored`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn owngraph() -> Command {
    Command::cargo_bin("owngraph").unwrap()
}

/// `F` (a US company) holds 100 % of `c0`, `c0` of `c1`, …, up to `c{n-1}`.
fn foreign_chain(dir: &Path, n: usize) -> PathBuf {
    let mut parties = vec![json!({"id": "F", "kind": "company", "country": "US"})];
    let mut relations = vec![json!({"type": "shares", "from": "F", "to": "c0", "capital": "1"})];
    for i in 0..n {
        parties.push(json!({"id": format!("c{i}"), "kind": "company", "country": "RU"}));
        if i + 1 < n {
            relations
                .push(json!({"type": "shares", "from": format!("c{i}"), "to": format!("c{}", i + 1), "capital": "1"}));
        }
    }
    let path = dir.join("chain.json");
    std::fs::write(&path, json!({"parties": parties, "relations": relations}).to_string()).unwrap();
    path
}

/// `check --regime pak --format json` on the deepest company of the chain: the verdict, the
/// foreign controller, and the size of the JSON.
fn check_chain(n: usize) -> (Value, u64) {
    let dir = tempfile::tempdir().unwrap();
    let g = foreign_chain(dir.path(), n);
    let out = dir.path().join("out.json");
    let target = format!("c{}", n - 1);
    owngraph()
        .arg("check")
        .arg(&g)
        .args(["-t", &target, "--regime", "pak", "--format", "json", "--as-of", "2026-01-01", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let size = std::fs::metadata(&out).unwrap().len();
    (serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap(), size)
}

fn assert_foreign_controlled(v: &Value, n: usize) {
    let pak = &v["regimes"]["pak"];
    assert_eq!(pak["verdict"], "not_eligible");
    assert_eq!(pak["reason_code"], "control.foreign_controlled");
    let controllers = pak["controllers"].as_array().unwrap();
    // F is listed (the engine's foreign controller comes first), with its whole chain.
    let f = controllers.iter().find(|c| c["id"] == "F").expect("the foreign controller is listed");
    assert_eq!(f["chain"].as_array().unwrap().len(), n + 1);
    // At most --max-chains (10) controllers, and a warning that there are more.
    assert!(controllers.len() <= 10, "{} controllers listed", controllers.len());
    let warnings: Vec<&str> = pak["warnings"].as_array().unwrap().iter().filter_map(|w| w["code"].as_str()).collect();
    assert!(warnings.contains(&"warning.controllers_truncated"), "{warnings:?}");
}

#[test]
fn a_deep_foreign_controlled_chain_gives_linear_evidence() {
    // Every company of the chain controls the target: listing each with its whole chain was
    // quadratic (536 MB of JSON at 1 000 deep). Linear now: about 1 KB per link.
    let n = 1_500;
    let (v, size) = check_chain(n);
    assert_foreign_controlled(&v, n);
    assert!(size < 4_000 * n as u64, "{size} bytes of JSON for a chain of {n}");
}

#[test]
#[ignore = "full size of issue 13: a 5 000-deep foreign-controlled chain, output under 50 MB"]
fn a_five_thousand_deep_foreign_controlled_chain() {
    let (v, size) = check_chain(5_000);
    assert_foreign_controlled(&v, 5_000);
    assert!(size < 50_000_000, "{size} bytes");
}

/// A company with `n` direct holders of 1/(2n) each (two in three Russian citizens).
fn star(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("{\"id\": \"T\", \"kind\": \"company\", \"country\": \"RU\"}\n");
    for i in 0..n {
        let c = if i % 3 == 0 { "US" } else { "RU" };
        text.push_str(&format!("{{\"id\": \"p{i}\", \"kind\": \"person\", \"citizenship\": [\"{c}\"]}}\n"));
        text.push_str(&format!(
            "{{\"type\": \"shares\", \"from\": \"p{i}\", \"to\": \"T\", \"capital\": \"1/{}\"}}\n",
            2 * n
        ));
    }
    let path = dir.join("star.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

fn star_answers(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let g = star(dir.path(), n);
    let out = dir.path().join("check.json");
    owngraph()
        .arg("check")
        .arg(&g)
        .args(["-t", "T", "--format", "json", "--as-of", "2026-01-01", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let ru = &v["regimes"]["ru"];
    // Two thirds of the half listed are Russian (rounded by the ids that are multiples of 3),
    // the other half of the capital is undisclosed.
    let russian = (0..n).filter(|i| i % 3 != 0).count();
    assert_eq!(ru["share"]["fraction"], owngraph::Fraction::new(russian as i64, 2 * n as i64).to_string());
    assert_eq!(ru["holders"].as_array().unwrap().len(), n + 1);
    let rows = dir.path().join("rows.csv");
    owngraph().arg("screen").arg(&g).args(["--all", "--as-of", "2026-01-01", "-o"]).arg(&rows).assert().code(0);
    let text = std::fs::read_to_string(&rows).unwrap();
    assert!(text.lines().nth(1).is_some_and(|row| row.starts_with("T,")), "{text}");
}

#[test]
fn many_direct_holders_are_checked_and_screened_in_linear_time() {
    // The control network once summed each holder's votes by a search over the holders met
    // so far (O(k²): 50 s for 200 000 holders).
    star_answers(40_000);
}

#[test]
#[ignore = "full size of issue 13: a company with 1 000 000 direct holders, checked and screened"]
fn a_million_direct_holders_checked_and_screened() {
    star_answers(1_000_000);
}
