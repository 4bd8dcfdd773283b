//! What every target asserts: the parser returns a value or errors, never panics (libFuzzer
//! reports a panic as a crash), and every error line names the file.
#![allow(dead_code)] // each target uses a part

use owngraph::input::InputErrors;

pub fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date")
}

pub fn check<T>(result: Result<T, InputErrors>, files: &[&str]) {
    if let Err(e) = result {
        assert!(!e.problems.is_empty(), "an error with no problem");
        for line in e.lines() {
            assert!(files.iter().any(|f| line.starts_with(&format!("{f}: "))), "the file is not named: {line}");
        }
    }
}
