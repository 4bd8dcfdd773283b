//! Every BODS file owngraph writes passes libcovebods, Open Ownership's validator: the BODS 0.4
//! schema and all its additional checks (identifier schemes, declaration subjects, dates,
//! annotations, …), offline with the org-id.guide list stubbed (`.ci/libcovebods_check.py`).
//! `.ci/run` installs libcovebods into `.ci/venv`; `LIBCOVEBODS_PYTHON` names another Python.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{fixture, owngraph, tool_missing};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python with libcovebods, if there is one.
fn python() -> Option<PathBuf> {
    let p =
        std::env::var_os("LIBCOVEBODS_PYTHON").map(PathBuf::from).unwrap_or_else(|| root().join(".ci/venv/bin/python"));
    let ok = Command::new(&p).args(["-c", "import libcovebods"]).output().is_ok_and(|o| o.status.success());
    ok.then_some(p)
}

/// Graphs to export: the worked examples, the round-trip case, and every BODS sample read back.
fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = (1..=12).map(|i| fixture(&format!("example-{i:02}.json"))).collect();
    for dir in ["bods-cases", "bods-versions", "bods"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "jsonl"))
            .collect();
        files.sort();
        v.extend(files);
    }
    v
}

#[test]
fn every_export_passes_libcovebods() {
    let Some(python) = python() else {
        tool_missing("libcovebods", "libcovebods from PyPI, installed by .ci/run into .ci/venv");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (i, input) in inputs().iter().enumerate() {
        let out = dir.path().join(format!("{i:02}-{}.bods.json", input.file_stem().unwrap().to_string_lossy()));
        let run =
            owngraph().arg("convert").arg(input).arg("-o").arg(&out).args(["--as-of", "2026-01-01"]).output().unwrap();
        // A sample whose answer a quarantined record blocks still converts; one that cannot be
        // read at all is not an export to validate.
        if run.status.success() {
            outputs.push(out);
        } else {
            panic!("convert {}: {}", input.display(), String::from_utf8_lossy(&run.stderr));
        }
    }
    assert!(outputs.len() > 40, "{}", outputs.len());
    let run = Command::new(&python).arg(root().join(".ci/libcovebods_check.py")).args(&outputs).output().unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    let mut failures = Vec::new();
    for line in report.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["schema_version"], "0.4", "{line}");
        if !v["errors"].as_array().unwrap().is_empty() {
            failures.push(line.to_string());
        }
    }
    assert_eq!(report.lines().count(), outputs.len(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(failures.is_empty(), "libcovebods errors:\n{}", failures.join("\n"));
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn libcovebods_catches_what_the_old_export_wrote() {
    let Some(python) = python() else {
        tool_missing("libcovebods", "libcovebods from PyPI, installed by .ci/run into .ci/venv");
        return;
    };
    // Before issue 11: a person's INN without a scheme, one declaration subject nobody is.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.bods.json");
    owngraph()
        .arg("convert")
        .arg(fixture("example-01.json"))
        .arg("-o")
        .arg(&out)
        .args(["--as-of", "2026-01-01"])
        .assert()
        .code(0);
    let mut doc: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for s in &mut doc {
        if s["recordType"] == "person" {
            s["recordDetails"]["identifiers"] = serde_json::json!([{"id": "770000000000", "schemeName": "ИНН"}]);
        }
    }
    std::fs::write(&out, serde_json::to_string(&doc).unwrap()).unwrap();
    let run = Command::new(&python).arg(root().join(".ci/libcovebods_check.py")).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stdout).contains("person_identifiers_invalid_composition"));
}
