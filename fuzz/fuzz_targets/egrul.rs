#![no_main]
//! An EGRUL XML extract (UTF-8 or windows-1251).
mod common;
use libfuzzer_sys::fuzz_target;
use owngraph::input::egrul::{Options, parse_files};

fuzz_target!(|data: &[u8]| {
    let files = vec![("e.xml".to_string(), data.to_vec())];
    common::check(parse_files(&files, &Options::default(), common::date()), &["e.xml"]);
});
