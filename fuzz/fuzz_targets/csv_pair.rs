#![no_main]
//! The CSV pair reader: the input is `parties.csv`, a NUL byte, then `relations.csv`.
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (parties, relations) = (&data[..cut], data.get(cut + 1..).unwrap_or_default());
    let Ok(dir) = tempfile::tempdir() else { return };
    let (p, r) = (dir.path().join("parties.csv"), dir.path().join("relations.csv"));
    if std::fs::write(&p, parties).is_err() || std::fs::write(&r, relations).is_err() {
        return;
    }
    let names = [p.display().to_string(), r.display().to_string()];
    common::check(owngraph::input::csv::parse_pair(&p, &r, common::date()), &[&names[0], &names[1]]);
});
