#![no_main]
//! A declared disclosure as JSON.
mod common;
use libfuzzer_sys::fuzz_target;
use owngraph::input::declaration::{DeclarationFormat, parse};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    common::check(parse("d.json", &text, DeclarationFormat::Json), &["d.json"]);
});
