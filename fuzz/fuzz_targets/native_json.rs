#![no_main]
//! The native JSON reader.
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    common::check(owngraph::input::json::parse("g.json", &text, common::date()), &["g.json"]);
});
