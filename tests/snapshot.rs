//! `owngraph index`: a snapshot answers exactly as its source, for every command that reads a
//! graph, and a damaged snapshot is refused with the reason (exit 2).

mod common;

use common::{fixture, owngraph};

#[test]
fn a_snapshot_screens_and_checks_like_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let og = dir.path().join("example.og");
    for n in [1, 4, 6, 9, 12] {
        let src = fixture(&format!("example-{n:02}.json"));
        owngraph().args(["index", "--as-of", "2026-01-01"]).arg(&src).arg("-o").arg(&og).assert().success();
        let run = |input: &std::path::Path, args: &[&str]| {
            let out = owngraph().args(&args[..1]).arg(input).args(&args[1..]).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        };
        let screen = ["screen", "--all", "--as-of", "2026-01-01", "--format", "jsonl"];
        assert_eq!(run(&og, &screen), run(&src, &screen), "example {n} screen");
        let check = ["check", "--target", "T", "--as-of", "2026-01-01", "--format", "json"];
        assert_eq!(run(&og, &check), run(&src, &check), "example {n} check");
    }
}

#[test]
fn a_damaged_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let og = dir.path().join("example.og");
    owngraph()
        .args(["index", "--as-of", "2026-01-01"])
        .arg(fixture("example-01.json"))
        .arg("-o")
        .arg(&og)
        .assert()
        .success();
    let mut bytes = std::fs::read(&og).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&og, &bytes).unwrap();
    let out = owngraph().args(["check", "--target", "T"]).arg(&og).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&og, &bytes[..bytes.len() / 2]).unwrap();
    let out = owngraph().args(["screen", "--all"]).arg(&og).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
}
