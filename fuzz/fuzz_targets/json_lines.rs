#![no_main]
//! The JSON Lines reader (it reads a file, so each input is written to one).
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("g.jsonl");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let name = path.display().to_string();
    common::check(owngraph::input::jsonl::parse(&path, common::date()), &[&name]);
});
