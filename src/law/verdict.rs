//! Verdicts: every regime answers eligible, not eligible, or undetermined (docs/DOMAIN.md,
//! "Verdicts"); "more than 50 %" is strict, so exactly one half fails.

use serde::Serialize;

use crate::fraction::Fraction;

/// The answer to one regime's question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The condition is met.
    Eligible,
    /// The condition is not met.
    NotEligible,
    /// Undisclosed holders or votes decide it.
    Undetermined,
}

impl Verdict {
    /// The catalog code of its wording.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Eligible => "verdict.eligible",
            Verdict::NotEligible => "verdict.not_eligible",
            Verdict::Undetermined => "verdict.undetermined",
        }
    }

    /// The JSON spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::NotEligible => "not_eligible",
            Verdict::Undetermined => "undetermined",
        }
    }

    /// The verdict of an interval `[share, upper]` against "more than 50 %": eligible when the
    /// proven share exceeds one half, not eligible when even the upper bound does not.
    pub fn of_interval(share: &Fraction, upper: &Fraction) -> Verdict {
        if share.exceeds_half() {
            Verdict::Eligible
        } else if !upper.exceeds_half() {
            Verdict::NotEligible
        } else {
            Verdict::Undetermined
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_is_not_more_than_half() {
        let half = Fraction::half();
        assert_eq!(Verdict::of_interval(&half, &half), Verdict::NotEligible);
        assert_eq!(Verdict::of_interval(&half, &Fraction::one()), Verdict::Undetermined);
        assert_eq!(Verdict::of_interval(&Fraction::new(501, 1000), &Fraction::one()), Verdict::Eligible);
    }
}
