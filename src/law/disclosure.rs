//! The share disclosure of p. 10 "б" (p. 47 "б" for the Eurasian register): which shares of
//! qualifying holders the application must list (docs/DOMAIN.md, "Disclosure").
//!
//! Sorted by share (descending, then id): if the shares above 5 % together exceed 50 %, exactly
//! those; otherwise all shares above 5 % and then the next largest until the running total
//! exceeds 50 %. Both thresholds are strict ("превышает").

use serde::Serialize;

use crate::fraction::Fraction;

/// Which branch of the rule applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Branch {
    /// The shares above 5 % together exceed 50 %: exactly they are listed (first paragraph).
    AboveFiveExceedHalf,
    /// They do not: all of them and the next largest until the total exceeds 50 % (second paragraph).
    TopUpToExceedHalf,
    /// All qualifying shares together do not exceed 50 %: the list cannot meet the rule; every
    /// qualifying holder is listed.
    NotMet,
    /// The rights holder is not a commercial organization: there are no shares to list.
    NotApplicable,
}

impl Branch {
    /// The JSON and CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Branch::AboveFiveExceedHalf => "above_five_exceed_half",
            Branch::TopUpToExceedHalf => "top_up_to_exceed_half",
            Branch::NotMet => "not_met",
            Branch::NotApplicable => "not_applicable",
        }
    }

    /// The catalog code of its wording.
    pub fn code(&self) -> &'static str {
        match self {
            Branch::AboveFiveExceedHalf => "disclosure.above_five_exceed_half",
            Branch::TopUpToExceedHalf => "disclosure.top_up_to_exceed_half",
            Branch::NotMet => "disclosure.not_met",
            Branch::NotApplicable => "disclosure.not_applicable",
        }
    }
}

/// Chooses the holders to disclose. `holders` are `(id, share)` of qualifying holders in any
/// order; the result is the chosen positions in disclosure order and the branch.
pub fn select(holders: &[(&str, &Fraction)]) -> (Branch, Vec<usize>) {
    let mut order: Vec<usize> = (0..holders.len()).collect();
    order.sort_by(|&a, &b| holders[b].1.cmp(holders[a].1).then_with(|| holders[a].0.cmp(holders[b].0)));
    let five = Fraction::new(5, 100);
    let above: Vec<usize> = order.iter().copied().filter(|&i| *holders[i].1 > five).collect();
    let mut total: Fraction = above.iter().map(|&i| holders[i].1).sum();
    if total.exceeds_half() {
        return (Branch::AboveFiveExceedHalf, above);
    }
    let mut chosen = above;
    for &i in order.iter().filter(|&&i| *holders[i].1 <= five) {
        if total.exceeds_half() {
            break;
        }
        if holders[i].1.is_zero() {
            continue;
        }
        total += holders[i].1;
        chosen.push(i);
    }
    if total.exceeds_half() { (Branch::TopUpToExceedHalf, chosen) } else { (Branch::NotMet, chosen) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(shares: &[(&str, &str)]) -> (Branch, Vec<String>) {
        let owned: Vec<(String, Fraction)> =
            shares.iter().map(|(i, s)| (i.to_string(), Fraction::parse(s).unwrap())).collect();
        let refs: Vec<(&str, &Fraction)> = owned.iter().map(|(i, f)| (i.as_str(), f)).collect();
        let (b, idx) = select(&refs);
        (b, idx.into_iter().map(|i| owned[i].0.clone()).collect())
    }

    #[test]
    fn example_10_tops_up_in_id_order_on_ties() {
        let (b, ids) =
            pick(&[("G", "2%"), ("F", "3%"), ("E", "3%"), ("D", "4%"), ("C", "4%"), ("B", "8%"), ("A", "30%")]);
        assert_eq!(b, Branch::TopUpToExceedHalf);
        assert_eq!(ids, ["A", "B", "C", "D", "E", "F"]);
    }

    #[test]
    fn above_five_alone_when_they_exceed_half() {
        let (b, ids) = pick(&[("ivanov", "40%"), ("sidorov", "25%"), ("petrov", "17.5%"), ("x", "5%")]);
        assert_eq!(b, Branch::AboveFiveExceedHalf);
        assert_eq!(ids, ["ivanov", "sidorov", "petrov"]);
    }

    #[test]
    fn exactly_half_is_not_enough() {
        let (b, ids) = pick(&[("a", "30%"), ("b", "20%"), ("c", "5%"), ("d", "1%")]);
        assert_eq!(b, Branch::TopUpToExceedHalf);
        assert_eq!(ids, ["a", "b", "c"]);
        let (b, ids) = pick(&[("a", "30%"), ("b", "20%")]);
        assert_eq!(b, Branch::NotMet);
        assert_eq!(ids, ["a", "b"]);
    }
}
