//! Certified intervals of shares: machine floats with outward rounding, guaranteed to contain
//! the exact value (docs/DOMAIN.md, "Exactness"). An operation whose float result is exact (no
//! rounding error, found with the error-free transformations TwoSum and TwoProduct) keeps a
//! point, so `1/2`, `1/4` and their sums and products stay exact points; any other result is
//! widened by one unit in the last place on the side the rounding went. Shares are never
//! negative, so lower bounds are clamped at zero.
//!
//! A decision taken from an interval is the exact decision: [`Interval::above_half`] answers
//! only when the whole interval lies on one side of "more than one half".

use crate::fraction::Fraction;

/// A closed interval `[lo, hi]` of reals that contains the exact value.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// Below this magnitude TwoProduct's splitting may lose bits: results there are simply widened.
const TINY: f64 = 1e-280;

/// `a + b` with its exact error (Knuth's TwoSum; exact in round-to-nearest without overflow).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Dekker's split of a double into two halves of 26 bits.
fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a; // 2^27 + 1
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `a × b` with its exact error (Dekker's TwoProduct; exact away from underflow and overflow).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// The bounds of a rounded result `r` whose exact value is `r + e`.
fn bound(r: f64, e: f64) -> (f64, f64) {
    if e > 0.0 {
        (r, r.next_up())
    } else if e < 0.0 {
        (r.next_down(), r)
    } else {
        (r, r)
    }
}

impl Interval {
    /// Exactly zero.
    pub const ZERO: Interval = Interval { lo: 0.0, hi: 0.0 };
    /// Exactly one.
    pub const ONE: Interval = Interval { lo: 1.0, hi: 1.0 };
    /// Anything from zero to one: what is known of a share nothing else is known of.
    pub const UNIT: Interval = Interval { lo: 0.0, hi: 1.0 };

    /// `[lo, hi]` (bounds already certified by the caller).
    pub fn new(lo: f64, hi: f64) -> Interval {
        Interval { lo, hi }
    }

    /// The exact value `x`.
    pub fn point(x: f64) -> Interval {
        Interval { lo: x, hi: x }
    }

    /// An interval that contains `f` exactly: a point when `f` is a binary float.
    pub fn of(f: &Fraction) -> Interval {
        let (lo, hi) = f.enclose();
        Interval { lo, hi }
    }

    /// True when the interval is a single number (the value is known exactly).
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    /// Certified sum (no negative lower bound: shares are not negative).
    pub fn plus(self, o: Interval) -> Interval {
        let lo = if self.lo == 0.0 || o.lo == 0.0 {
            self.lo + o.lo
        } else {
            let (s, e) = two_sum(self.lo, o.lo);
            bound(s, e).0
        };
        let hi = if self.hi == 0.0 || o.hi == 0.0 {
            self.hi + o.hi
        } else {
            let (s, e) = two_sum(self.hi, o.hi);
            bound(s, e).1
        };
        Interval { lo: lo.max(0.0), hi }
    }

    /// Certified difference `self − o` (may go below zero; clamp when the exact value cannot).
    pub fn minus(self, o: Interval) -> Interval {
        let (l, le) = two_sum(self.lo, -o.hi);
        let (h, he) = two_sum(self.hi, -o.lo);
        Interval { lo: bound(l, le).0, hi: bound(h, he).1 }
    }

    /// Certified product of two non-negative intervals.
    pub fn product(self, o: Interval) -> Interval {
        let lo = mul_bound(self.lo, o.lo).0;
        let hi = mul_bound(self.hi, o.hi).1;
        Interval { lo: lo.max(0.0), hi }
    }

    /// The smallest interval holding both.
    pub fn hull(self, o: Interval) -> Interval {
        Interval { lo: self.lo.min(o.lo), hi: self.hi.max(o.hi) }
    }

    /// Clamped to `[0, 1]` (valid when the exact value is known to lie there).
    pub fn clamp_unit(self) -> Interval {
        Interval { lo: self.lo.clamp(0.0, 1.0), hi: self.hi.clamp(0.0, 1.0) }
    }

    /// Is the exact value more than one half? `None` when the interval does not tell.
    pub fn above_half(&self) -> Option<bool> {
        if self.lo > 0.5 {
            Some(true)
        } else if self.hi <= 0.5 {
            Some(false)
        } else {
            None
        }
    }

    /// The bounds in percent, rounded outward to `decimals` places: `("33.3333", "33.3334")`.
    pub fn percent_bounds(&self, decimals: u32) -> (String, String) {
        let scale = 10f64.powi(decimals as i32 + 2);
        let (lo, _) = scaled(self.lo, scale);
        let (_, hi) = scaled(self.hi, scale);
        let show = |k: f64| {
            let k = k.max(0.0) as u64;
            let unit = 10u64.pow(decimals);
            let (int, frac) = (k / unit, k % unit);
            if frac == 0 {
                int.to_string()
            } else {
                let f = format!("{frac:0width$}", width = decimals as usize);
                format!("{int}.{}", f.trim_end_matches('0'))
            }
        };
        (show(lo.floor()), show(hi.ceil()))
    }
}

/// `x × scale` as certified bounds.
fn scaled(x: f64, scale: f64) -> (f64, f64) {
    mul_bound(x, scale)
}

/// A computed share: exact while it fits the size budget for exact numbers, else its certified
/// interval (from which [`Value::iv`] also bounds an exact value on demand). Exact arithmetic
/// touches no float; an interval is made only where an exact value meets bounds.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The exact value.
    Exact(Fraction),
    /// Only bounds that contain the exact value are known.
    Bounds(Interval),
}

impl Default for Value {
    fn default() -> Value {
        Value::zero()
    }
}

impl Value {
    /// Zero, exactly.
    pub fn zero() -> Value {
        Value::Exact(Fraction::zero())
    }

    /// One, exactly.
    pub fn one() -> Value {
        Value::Exact(Fraction::one())
    }

    /// An exact value (kept when within the budget, else only its interval).
    pub fn exact(f: Fraction) -> Value {
        if f.within_budget() { Value::Exact(f) } else { Value::Bounds(Interval::of(&f)) }
    }

    /// Only bounds are known.
    pub fn bounds(iv: Interval) -> Value {
        Value::Bounds(iv)
    }

    /// The exact value, when known.
    pub fn exact_value(&self) -> Option<&Fraction> {
        match self {
            Value::Exact(f) => Some(f),
            Value::Bounds(_) => None,
        }
    }

    /// Bounds that contain the value (a point when it is an exact binary float).
    pub fn iv(&self) -> Interval {
        match self {
            Value::Exact(f) => Interval::of(f),
            Value::Bounds(iv) => *iv,
        }
    }

    /// True when the exact value is known.
    pub fn is_exact(&self) -> bool {
        matches!(self, Value::Exact(_))
    }

    /// `self + other`.
    pub fn add(&self, other: &Value) -> Value {
        match (self, other) {
            (Value::Exact(a), Value::Exact(b)) => Value::exact(a + b),
            _ => Value::Bounds(self.iv().plus(other.iv())),
        }
    }

    /// `self + w` for an exact `w`.
    pub fn plus(&self, w: &Fraction) -> Value {
        match self {
            Value::Exact(a) => Value::exact(a + w),
            Value::Bounds(iv) => Value::Bounds(iv.plus(Interval::of(w))),
        }
    }

    /// `w × self` for an exact weight `w` (a share of capital).
    pub fn times(&self, w: &Fraction) -> Value {
        match self {
            Value::Exact(x) => Value::exact(w * x),
            Value::Bounds(iv) => Value::Bounds(Interval::of(w).product(*iv)),
        }
    }

    /// The exact fraction `p/q`, or nothing when only bounds are known.
    pub fn fraction_text(&self) -> String {
        self.exact_value().map(Fraction::to_string).unwrap_or_default()
    }

    /// The percent rounded to `decimals` places, or its certified bounds `lo..hi` when only
    /// those are known.
    pub fn percent_text(&self, decimals: u32) -> String {
        match self {
            Value::Exact(f) => f.percent(decimals),
            Value::Bounds(iv) => {
                let (lo, hi) = iv.percent_bounds(decimals);
                format!("{lo}..{hi}")
            }
        }
    }

    /// [`Value::fraction_text`] appended to `out`.
    pub fn write_fraction_text(&self, out: &mut String) {
        if let Some(f) = self.exact_value() {
            f.write_text(out);
        }
    }

    /// [`Value::percent_text`] appended to `out`.
    pub fn write_percent_text(&self, decimals: u32, out: &mut String) {
        match self {
            Value::Exact(f) => f.write_percent(decimals, out),
            Value::Bounds(iv) => {
                let (lo, hi) = iv.percent_bounds(decimals);
                out.push_str(&lo);
                out.push_str("..");
                out.push_str(&hi);
            }
        }
    }

    /// Is the value more than one half? From the exact value when known, else from the
    /// interval when it tells; `None` when neither can.
    pub fn above_half(&self) -> Option<bool> {
        match self {
            Value::Exact(f) => Some(f.exceeds_half()),
            Value::Bounds(iv) => iv.above_half(),
        }
    }
}

impl serde::Serialize for Value {
    /// An exact value as a [`Fraction`] (`{"fraction", "percent"}`); one known only by its
    /// bounds as `{"percent_min", "percent_max", "exact": false}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Value::Exact(f) => f.serialize(s),
            Value::Bounds(iv) => {
                let (lo, hi) = iv.percent_bounds(crate::fraction::PERCENT_DECIMALS);
                let mut st = s.serialize_struct("Bounds", 3)?;
                st.serialize_field("percent_min", &lo)?;
                st.serialize_field("percent_max", &hi)?;
                st.serialize_field("exact", &false)?;
                st.end()
            }
        }
    }
}

/// The bounds of `a × b` for non-negative `a`, `b`.
fn mul_bound(a: f64, b: f64) -> (f64, f64) {
    if a == 0.0 || b == 0.0 {
        return (0.0, 0.0);
    }
    if a == 1.0 {
        return (b, b);
    }
    if b == 1.0 {
        return (a, a);
    }
    let (p, e) = two_prod(a, b);
    if !p.is_finite() || p.abs() < TINY || a.abs() < TINY || b.abs() < TINY {
        // Out of TwoProduct's exact range: widen both ways (and never below zero).
        return (p.next_down().max(0.0), p.next_up());
    }
    bound(p, e)
}

/// The values of a set of equations `x = K x + b` (K ≥ 0, holders of one cycle) in intervals,
/// when the exact solution is beyond the size budget. `entries` are `(row, column, weight)` of
/// `K`, exact; `b` the intervals of the right-hand side. The caller has established that
/// `I − K` is non-singular and that the exact solution lies in `[0, 1]`.
///
/// A float solution `y` (Gauss–Seidel) is checked with directed rounding: if `y − K y ≥ b.hi`
/// then `y` bounds the solution from above (the inverse of the M-matrix `I − K` is
/// non-negative), and if `z − K z ≤ b.lo` then `z` bounds it from below. Bounds that fail the
/// check fall back to `[0, 1]`, which is always right.
pub fn solve_bounds(n: usize, entries: &[(usize, usize, Fraction)], b: &[Interval]) -> Vec<Interval> {
    let k: Vec<(usize, usize, Interval)> = entries.iter().map(|(i, j, w)| (*i, *j, Interval::of(w))).collect();
    let mut rows: Vec<Vec<(usize, Interval)>> = vec![Vec::new(); n];
    for (i, j, w) in &k {
        rows[*i].push((*j, *w));
    }
    // Gauss–Seidel for x = K x + c.
    let iterate = |c: &[f64]| -> Vec<f64> {
        let mut y = c.to_vec();
        for _ in 0..10_000 {
            let (mut change, mut largest) = (0f64, 1f64);
            for i in 0..n {
                let v = c[i] + rows[i].iter().map(|(j, w)| (w.lo + w.hi) / 2.0 * y[*j]).sum::<f64>();
                change = change.max((v - y[i]).abs());
                largest = largest.max(v.abs());
                y[i] = v;
            }
            if change <= 1e-16 * largest {
                break;
            }
        }
        y
    };
    let mid: Vec<f64> = b.iter().map(|x| (x.lo + x.hi) / 2.0).collect();
    let y = iterate(&mid);
    // A positive direction that I − K maps to about 1 in every row: moving y along it by δ
    // gives every row a margin of about δ over the float errors, even rows whose holders are
    // all inside the cycle.
    let z = iterate(&vec![1.0; n]);
    let delta = 1e-9;
    // K·v with v taken at its upper (or lower) bound, rounded up (or down).
    let apply = |v: &[f64], upper: bool| -> Vec<Interval> {
        rows.iter()
            .map(|row| {
                row.iter().fold(Interval::ZERO, |acc, (j, w)| {
                    let x = Interval::point(v[*j]);
                    let t =
                        if upper { Interval::new(w.hi, w.hi).product(x) } else { Interval::new(w.lo, w.lo).product(x) };
                    acc.plus(t)
                })
            })
            .collect()
    };
    let up: Vec<f64> = (0..n).map(|i| y[i] + delta * z[i]).collect();
    let ky = apply(&up, true);
    // y − K y ≥ b.hi, with K y rounded up and the difference rounded down.
    let upper_ok = (0..n).all(|i| up[i].is_finite() && (up[i] - ky[i].hi).next_down() >= b[i].hi);
    let down: Vec<f64> = (0..n).map(|i| (y[i] - delta * z[i]).max(0.0)).collect();
    let kz = apply(&down, false);
    // z − K z ≤ b.lo, with K z rounded down so that the left side is rounded up.
    let lower_ok = (0..n).all(|i| down[i].is_finite() && (down[i] - kz[i].lo).next_up() <= b[i].lo);
    (0..n)
        .map(|i| Interval { lo: if lower_ok { down[i] } else { 0.0 }, hi: if upper_ok { up[i] } else { 1.0 } })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fraction {
        Fraction::parse(s).unwrap()
    }

    fn contains(iv: Interval, x: &Fraction) -> bool {
        Fraction::from_f64_exact(iv.lo).is_some_and(|lo| lo <= *x)
            && Fraction::from_f64_exact(iv.hi).is_some_and(|hi| *x <= hi)
    }

    #[test]
    fn dyadic_values_stay_points() {
        let half = Interval::of(&f("1/2"));
        assert!(half.is_point());
        assert_eq!(half.product(half).plus(Interval::of(&f("1/4"))), Interval::point(0.5));
        assert_eq!(half.above_half(), Some(false));
    }

    #[test]
    fn thirds_are_enclosed_and_decided_only_when_clear() {
        let third = Interval::of(&f("1/3"));
        assert!(!third.is_point());
        assert!(contains(third, &f("1/3")));
        let sum = third.plus(Interval::of(&f("1/6")));
        assert!(contains(sum, &f("1/2")));
        assert_eq!(sum.above_half(), None);
        assert_eq!(third.plus(third).above_half(), Some(true));
    }

    #[test]
    fn products_and_sums_contain_the_exact_value() {
        let xs = ["1/3", "2/7", "5/11", "999/1000", "1/1024", "7/10", "123456789/987654321"];
        for a in xs {
            for b in xs {
                let (fa, fb) = (f(a), f(b));
                assert!(contains(Interval::of(&fa).product(Interval::of(&fb)), &(&fa * &fb)), "{a} × {b}");
                assert!(contains(Interval::of(&fa).plus(Interval::of(&fb)), &(&fa + &fb)), "{a} + {b}");
            }
        }
    }

    /// Adding an exact weight gives what adding it as a value gives: exact stays exact, bounds
    /// keep containing the sum.
    #[test]
    fn plus_is_add_of_the_exact_weight() {
        let xs = ["0", "1", "1/3", "2/7", "999/1000", "123456789/987654321"];
        for a in xs {
            for w in xs {
                let (fa, fw) = (f(a), f(w));
                let exact = Value::exact(fa.clone());
                assert_eq!(
                    exact.plus(&fw).exact_value(),
                    exact.add(&Value::exact(fw.clone())).exact_value(),
                    "{a} + {w}"
                );
                let bounds = Value::bounds(Interval::of(&fa)).plus(&fw);
                assert!(!bounds.is_exact() && contains(bounds.iv(), &(&fa + &fw)), "{a} + {w} in bounds");
            }
        }
    }

    #[test]
    fn a_cycle_is_bounded_from_both_sides() {
        // x0 = 1/2 x1 + 1/3 ; x1 = 2/5 x0 + 1/5 → exact x0 = 13/24·…; check containment.
        let e = vec![(0, 1, f("1/2")), (1, 0, f("2/5"))];
        let b = [Interval::of(&f("1/3")), Interval::of(&f("1/5"))];
        let x = solve_bounds(2, &e, &b);
        let mut entries = vec![(0, 0, Fraction::one()), (1, 1, Fraction::one())];
        entries.extend(e.iter().map(|(i, j, w)| (*i, *j, -w.clone())));
        let exact = crate::analysis::linear::solve(2, entries, vec![f("1/3"), f("1/5")]).unwrap();
        for i in 0..2 {
            assert!(contains(x[i], &exact[i]), "{:?} {}", x[i], exact[i]);
            assert!(x[i].hi - x[i].lo < 1e-6);
        }
    }

    #[test]
    fn a_member_held_only_inside_the_cycle_is_bounded_too() {
        // x0 = 1/2 x1 + 1/3 ; x1 = x0 (all of x1's capital is held by x0): x0 = x1 = 2/3.
        let e = vec![(0, 1, f("1/2")), (1, 0, f("1"))];
        let x = solve_bounds(2, &e, &[Interval::of(&f("1/3")), Interval::ZERO]);
        for xi in x {
            assert!(contains(xi, &f("2/3")), "{xi:?}");
            assert!(xi.hi - xi.lo < 1e-6, "{xi:?}");
        }
    }

    #[test]
    fn percent_bounds_round_outward() {
        let (lo, hi) = Interval::of(&f("1/3")).percent_bounds(4);
        assert_eq!((lo.as_str(), hi.as_str()), ("33.3333", "33.3334"));
        assert_eq!(Interval::point(0.5).percent_bounds(4), ("50".to_string(), "50".to_string()));
    }
}
