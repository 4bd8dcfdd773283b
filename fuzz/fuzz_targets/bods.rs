#![no_main]
//! A BODS 0.4 file: a JSON array of statements or JSON Lines.
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    common::check(owngraph::input::bods::parse("b.json", &text, common::date()), &["b.json"]);
});
