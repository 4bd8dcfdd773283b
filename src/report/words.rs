//! Numbers and names as a reader of a report or a diagram wants them: a share as a percent with
//! its exact fraction when the fraction is short, a party by its name rather than its id. The
//! exact fractions stay in the tables and in JSON; titles, badges and labels use these.

use crate::fraction::{Fraction, PERCENT_DECIMALS};
use crate::law::check::CheckReport;
use crate::law::wording::{Lang, percent};

/// The longest fraction (in characters, `p/q`) written beside a percent in titles, labels and
/// badges; a longer one is left to the tables.
pub const SHORT_FRACTION: usize = 12;

/// The fraction's text when it has at most [`SHORT_FRACTION`] characters.
pub fn short_fraction(f: &Fraction) -> Option<String> {
    let s = f.to_string();
    (s.chars().count() <= SHORT_FRACTION).then_some(s)
}

/// True when the percent written with [`PERCENT_DECIMALS`] places is the exact value.
pub fn percent_is_exact(f: &Fraction) -> bool {
    f.terminating_decimals().is_some_and(|d| d <= PERCENT_DECIMALS + 2)
}

/// A share for a title or a badge: `82,5 % (33/40)` when the fraction is short, `≈ 33,3333 %`
/// when it is long and the percent rounded, `73,99 %` when the percent is exact.
pub fn short_share(f: &Fraction, lang: Lang) -> String {
    match short_fraction(f) {
        Some(s) if s.contains('/') && !s.ends_with("/1") => format!("{} ({s})", percent(f, lang)),
        Some(_) => percent(f, lang),
        None if percent_is_exact(f) => percent(f, lang),
        None => format!("≈ {}", percent(f, lang)),
    }
}

/// A percent for a label: exact, or marked `≈` when rounded.
pub fn short_percent(f: &Fraction, lang: Lang) -> String {
    if percent_is_exact(f) { percent(f, lang) } else { format!("≈ {}", percent(f, lang)) }
}

/// The name a reader knows a party by (its id only when it has no name).
pub fn name_of(report: &CheckReport, id: &str) -> String {
    report.name_of(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_shares() {
        assert_eq!(short_share(&Fraction::new(33, 40), Lang::Ru), "82,5 % (33/40)");
        assert_eq!(short_share(&Fraction::new(1, 2), Lang::En), "50 % (1/2)");
        assert_eq!(short_share(&Fraction::new(7399, 10000), Lang::Ru), "73,99 % (7399/10000)");
        assert_eq!(short_share(&Fraction::new(739_912_345, 1_000_000_000), Lang::En), "≈ 73.9912 %");
        assert_eq!(short_share(&Fraction::new(7_399_001, 10_000_000_000), Lang::En), "≈ 0.074 %");
        assert_eq!(short_share(&Fraction::new(123_457, 10_000_000), Lang::En), "≈ 1.2346 %");
        assert_eq!(short_share(&Fraction::new(12_345, 1_000_000), Lang::En), "1.2345 % (2469/200000)");
        assert_eq!(short_share(&Fraction::one(), Lang::Ru), "100 %");
    }
}
