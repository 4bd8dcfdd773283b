//! Exact fractions: every share, vote and verdict of owngraph is a rational number, never a
//! binary float (docs/DOMAIN.md, "Exactness"). Small values live in 64-bit ratios and spill into
//! arbitrary-precision rationals (malachite, whose subquadratic gcd keeps the long denominators
//! of many cross-holdings affordable) only when a product or sum would overflow.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};
use std::sync::{Arc, OnceLock};

use malachite_base::num::arithmetic::traits::{DivRem, Pow};
use malachite_base::num::conversion::traits::RoundingFrom;
use malachite_base::rounding_modes::RoundingMode;
use malachite_nz::natural::Natural;
use malachite_q::Rational;
use num_rational::Ratio;
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub};
use rust_decimal::Decimal;

/// An exact rational number (signed: elimination steps go below zero; shares never do).
#[derive(Clone, Debug)]
pub struct Fraction(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Small(Small),
    Big(Arc<BigValue>),
}

/// A ratio of 64-bit integers in lowest terms, its denominator positive: 16 bytes, and the
/// zero a denominator cannot be leaves room for [`Repr`]'s tag, so a fraction is 16 bytes too
/// (a relation holds two, a batch result several).
#[derive(Clone, Copy, Debug)]
struct Small {
    numer: i64,
    denom: std::num::NonZeroI64,
}

impl Small {
    /// From a normalized ratio (positive denominator).
    fn of(r: Ratio<i64>) -> Small {
        let d = std::num::NonZeroI64::new(*r.denom()).unwrap_or(std::num::NonZeroI64::MAX);
        debug_assert!(d.get() > 0);
        Small { numer: *r.numer(), denom: d }
    }

    fn ratio(self) -> Ratio<i64> {
        Ratio::new_raw(self.numer, self.denom.get())
    }

    fn numer(&self) -> &i64 {
        &self.numer
    }

    fn denom(&self) -> i64 {
        self.denom.get()
    }
}

/// A value too large for 64 bits, shared between clones, with its decimal text kept once made
/// (the same share is printed in several places of a report).
#[derive(Debug)]
struct BigValue {
    value: Rational,
    text: OnceLock<String>,
    percent: OnceLock<String>,
}

/// Why a text is not a fraction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FractionError(pub String);

/// Longest text accepted as one number: longer literals are refused rather than turned into
/// integers with millions of digits.
const MAX_LITERAL: usize = 400;
/// Largest decimal exponent accepted in `1e-5`-style literals, for the same reason.
const MAX_EXPONENT: i64 = 400;

impl Fraction {
    /// Zero.
    pub fn zero() -> Self {
        Fraction(Repr::Small(Small::of(Ratio::from_integer(0))))
    }

    /// One.
    pub fn one() -> Self {
        Fraction(Repr::Small(Small::of(Ratio::from_integer(1))))
    }

    /// The fraction `numer / denom`. `denom` must not be zero (callers pass constants).
    pub fn new(numer: i64, denom: i64) -> Self {
        debug_assert!(denom != 0);
        if denom == 0 {
            return Fraction::zero();
        }
        Fraction(Repr::Small(Small::of(Ratio::new(numer, denom))))
    }

    /// One half: the threshold of "more than 50 %".
    pub fn half() -> Self {
        Fraction::new(1, 2)
    }

    /// `10^exponent`.
    pub fn pow10(exponent: u32) -> Self {
        Fraction::from_big(Rational::from(Natural::from(10u32).pow(u64::from(exponent))))
    }

    fn from_big(r: Rational) -> Self {
        let negative = r < 0u32;
        if let (Ok(n), Ok(d)) = (i64::try_from(r.numerator_ref()), i64::try_from(r.denominator_ref())) {
            return Fraction(Repr::Small(Small::of(Ratio::new_raw(if negative { -n } else { n }, d))));
        }
        Fraction(Repr::Big(Arc::new(BigValue { value: r, text: OnceLock::new(), percent: OnceLock::new() })))
    }

    fn to_big(&self) -> Cow<'_, Rational> {
        match &self.0 {
            Repr::Small(r) => Cow::Owned(Rational::from_signeds(*r.numer(), r.denom())),
            Repr::Big(b) => Cow::Borrowed(&b.value),
        }
    }

    /// Sign (−1, 0, 1), absolute numerator and denominator in lowest terms.
    fn parts(&self) -> (i8, Natural, Natural) {
        match &self.0 {
            Repr::Small(r) => {
                let n = *r.numer();
                (n.signum() as i8, Natural::from(n.unsigned_abs()), Natural::from(r.denom().unsigned_abs()))
            }
            Repr::Big(b) => {
                let sign = match b.value.partial_cmp(&0u32) {
                    Some(Ordering::Less) => -1,
                    Some(Ordering::Greater) => 1,
                    _ => 0,
                };
                (sign, b.value.numerator_ref().clone(), b.value.denominator_ref().clone())
            }
        }
    }

    /// Numerator and denominator when both fit 64 bits (lowest terms, denominator positive).
    pub fn small_parts(&self) -> Option<(i64, i64)> {
        match &self.0 {
            Repr::Small(r) => Some((r.numer, r.denom())),
            Repr::Big(_) => None,
        }
    }

    /// The fraction from [`Fraction::small_parts`], or `None` when they are not a ratio in
    /// lowest terms with a positive denominator (a damaged snapshot).
    pub fn from_small_parts(numer: i64, denom: i64) -> Option<Fraction> {
        if denom <= 0 || gcd(numer.unsigned_abs(), denom.unsigned_abs()) != 1 {
            return None;
        }
        Some(Fraction(Repr::Small(Small::of(Ratio::new_raw(numer, denom)))))
    }

    /// True when the value is held in 64-bit integers (cheap to compute with).
    pub fn is_small(&self) -> bool {
        matches!(self.0, Repr::Small(_))
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.numer == 0,
            Repr::Big(b) => b.value == 0u32,
        }
    }

    /// True for one.
    pub fn is_one(&self) -> bool {
        matches!(&self.0, Repr::Small(r) if r.numer == 1 && r.denom() == 1)
    }

    /// True for values above zero.
    pub fn is_positive(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.numer > 0,
            Repr::Big(b) => b.value > 0u32,
        }
    }

    /// True for values below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.numer < 0,
            Repr::Big(b) => b.value < 0u32,
        }
    }

    /// True when the value lies in [0, 1].
    pub fn is_unit_interval(&self) -> bool {
        !self.is_negative() && *self <= Fraction::one()
    }

    /// True when the value is more than one half: the strict test of "более 50 процентов".
    pub fn exceeds_half(&self) -> bool {
        *self > Fraction::half()
    }

    /// A nearby binary float, for ordering heuristics and fast screening only.
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small(r) => *r.numer() as f64 / r.denom() as f64,
            Repr::Big(b) => f64::rounding_from(&b.value, RoundingMode::Nearest).0,
        }
    }

    /// Bounds `(lo, hi)` in binary floats that contain the value exactly (equal when the value
    /// is a binary float): the certified start of [`crate::analysis::interval`].
    pub fn enclose(&self) -> (f64, f64) {
        const EXACT: u64 = 1 << 53;
        if let Repr::Small(r) = &self.0 {
            let (n, d) = (*r.numer(), r.denom());
            if n.unsigned_abs() <= EXACT && d.unsigned_abs() <= EXACT {
                // Both convert exactly and the quotient is correctly rounded.
                let q = n as f64 / d as f64;
                return if d.unsigned_abs().is_power_of_two() { (q, q) } else { (q.next_down(), q.next_up()) };
            }
        }
        let big = self.to_big();
        (f64::rounding_from(&*big, RoundingMode::Floor).0, f64::rounding_from(&*big, RoundingMode::Ceiling).0)
    }

    /// The exact value of a finite binary float.
    pub fn from_f64_exact(x: f64) -> Option<Fraction> {
        Rational::try_from(x).ok().map(Fraction::from_big)
    }

    /// The size of the value: significant bits of its numerator and denominator together.
    pub fn bits(&self) -> u64 {
        use malachite_base::num::logic::traits::SignificantBits;
        match &self.0 {
            Repr::Small(r) => {
                u64::from(64 - r.numer().unsigned_abs().leading_zeros())
                    + u64::from(64 - r.denom().unsigned_abs().leading_zeros())
            }
            Repr::Big(b) => b.value.numerator_ref().significant_bits() + b.value.denominator_ref().significant_bits(),
        }
    }

    /// True when the value fits the size budget for exact numbers ([`set_exact_budget`]).
    pub fn within_budget(&self) -> bool {
        self.bits() <= exact_budget_bits()
    }

    /// Decimal digits of the longer of numerator and denominator.
    pub fn digits(&self) -> usize {
        match &self.0 {
            Repr::Small(r) => r.numer().unsigned_abs().to_string().len().max(r.denom().to_string().len()),
            Repr::Big(_) => {
                let (_, n, d) = self.parts();
                n.to_string().len().max(d.to_string().len())
            }
        }
    }

    /// `p/q` when neither has more than `max_digits` digits, else `None` (then print the
    /// percent and [`Fraction::digits`]: "exact fraction: N digits").
    pub fn short_text(&self, max_digits: usize) -> Option<String> {
        // A number of b bits has at least ⌊(b − 1)·log10 2⌋ + 1 digits.
        let least =
            |bits: u64| if bits == 0 { 1 } else { ((bits - 1) as f64 * std::f64::consts::LOG10_2) as usize + 1 };
        if let Repr::Big(b) = &self.0 {
            use malachite_base::num::logic::traits::SignificantBits;
            let longest = b.value.numerator_ref().significant_bits().max(b.value.denominator_ref().significant_bits());
            if least(longest) > max_digits {
                return None;
            }
        }
        (self.digits() <= max_digits).then(|| self.to_string())
    }

    /// The smaller of two values.
    pub fn min(self, other: Fraction) -> Fraction {
        if other < self { other } else { self }
    }

    /// The larger of two values.
    pub fn max(self, other: Fraction) -> Fraction {
        if other > self { other } else { self }
    }

    /// The value in percent, rounded half away from zero to `decimals` places, trailing zeros
    /// removed: `33/40` gives `82.5`, `1/3` with 4 places gives `33.3333`.
    pub fn percent(&self, decimals: u32) -> String {
        if let Repr::Big(b) = &self.0
            && decimals == PERCENT_DECIMALS
        {
            return b.percent.get_or_init(|| self.compute_percent(decimals)).clone();
        }
        self.compute_percent(decimals)
    }

    /// [`Fraction::percent`] appended to `out` (nothing allocated for a 64-bit value).
    pub fn write_percent(&self, decimals: u32, out: &mut String) {
        match &self.0 {
            Repr::Small(r) if write_small_percent(*r, decimals, out) => {}
            Repr::Big(b) if decimals == PERCENT_DECIMALS => {
                out.push_str(b.percent.get_or_init(|| self.compute_percent(decimals)));
            }
            _ => out.push_str(&self.compute_percent(decimals)),
        }
    }

    /// `p/q` as [`fmt::Display`] writes it, appended to `out`.
    pub fn write_text(&self, out: &mut String) {
        match &self.0 {
            // Most shares are none or all.
            Repr::Small(r) if r.numer == 0 && r.denom() == 1 => out.push_str("0/1"),
            Repr::Small(r) if r.numer == 1 && r.denom() == 1 => out.push_str("1/1"),
            Repr::Small(r) => {
                if r.numer < 0 {
                    out.push('-');
                }
                write_digits(out, r.numer.unsigned_abs(), 1);
                out.push('/');
                write_digits(out, r.denom().unsigned_abs(), 1);
            }
            Repr::Big(_) => {
                use fmt::Write;
                // Writing to a `String` cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    }

    fn compute_percent(&self, decimals: u32) -> String {
        if let Repr::Small(r) = &self.0 {
            let mut out = String::new();
            if write_small_percent(*r, decimals, &mut out) {
                return out;
            }
            // Small values beyond 64 bits once scaled, in 128-bit integers.
            if decimals <= 20 {
                let (n, d) = (i128::from(*r.numer()), i128::from(r.denom()));
                if let Some(scaled) = n.unsigned_abs().checked_mul(100 * 10u128.pow(decimals)) {
                    let d = d.unsigned_abs();
                    let (mut q, rem) = (scaled / d, scaled % d);
                    if rem * 2 >= d {
                        q += 1;
                    }
                    let m = if n < 0 { -(q as i128) } else { q as i128 };
                    if let Ok(dec) = Decimal::try_from_i128_with_scale(m, decimals) {
                        return dec.normalize().to_string();
                    }
                }
            }
        }
        let (sign, n, d) = self.parts();
        let scaled = n * Natural::from(100u32) * Natural::from(10u32).pow(u64::from(decimals));
        let (mut q, r) = scaled.div_rem(&d);
        if r * Natural::from(2u32) >= d {
            q += Natural::from(1u32);
        }
        decimal_text(sign < 0 && q != 0u32, q, decimals)
    }

    /// The number of decimal places that write this value exactly, if it has a finite decimal
    /// form (its denominator has no prime factor but 2 and 5).
    pub fn terminating_decimals(&self) -> Option<u32> {
        let (_, _, mut d) = self.parts();
        let (two, five) = (Natural::from(2u32), Natural::from(5u32));
        let (mut twos, mut fives) = (0u32, 0u32);
        loop {
            let (q, r) = (&d).div_rem(&two);
            if r != 0u32 {
                break;
            }
            d = q;
            twos += 1;
        }
        loop {
            let (q, r) = (&d).div_rem(&five);
            if r != 0u32 {
                break;
            }
            d = q;
            fives += 1;
        }
        (d == 1u32).then_some(twos.max(fives))
    }

    /// The value written with `places` decimals, rounded toward zero (`up`: away from zero).
    pub fn decimal(&self, places: u32, up: bool) -> String {
        let (sign, n, d) = self.parts();
        let scaled = n * Natural::from(10u32).pow(u64::from(places));
        let (mut q, r) = scaled.div_rem(&d);
        if up && r != 0u32 {
            q += Natural::from(1u32);
        }
        decimal_text(sign < 0 && q != 0u32, q, places)
    }

    /// Parses a share as people write it: `1/3`, `0.25`, `25%`, `25,5 %`, `2.5e-1`.
    /// The result is exact; the caller checks the range.
    pub fn parse(text: &str) -> Result<Fraction, FractionError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FractionError("empty value where a fraction was expected".into()));
        }
        if t.len() > MAX_LITERAL {
            return Err(FractionError(format!("a number of {} characters is too long", t.len())));
        }
        let (body, percent) = match t.strip_suffix('%') {
            Some(b) => (b.trim_end(), true),
            None => (t, false),
        };
        match body.split_once('/') {
            Some((n, d)) => {
                let n = parse_decimal(n.trim(), text, 0)?;
                let d = parse_decimal(d.trim(), text, 0)?;
                if d.is_zero() {
                    return Err(FractionError(format!("\"{text}\": division by zero")));
                }
                let value = &n / &d;
                Ok(if percent { &value / &Fraction::new(100, 1) } else { value })
            }
            // A percent is the decimal shifted two places: one ratio, reduced once.
            None => parse_decimal(body, text, if percent { 2 } else { 0 }),
        }
    }
}

/// The percent of a 64-bit value, rounded half away from zero to `decimals` places, trailing
/// zeros removed, appended to `out` in 64-bit integers (the common case: the value times
/// `100 × 10^decimals` fits them). False, with nothing written, when it does not.
fn write_small_percent(r: Small, decimals: u32, out: &mut String) -> bool {
    // Most shares are none or all.
    if r.numer == 0 {
        out.push('0');
        return true;
    }
    if r.numer == r.denom() {
        out.push_str("100");
        return true;
    }
    let Some(scale) = 10u64.checked_pow(decimals) else { return false };
    let Some(scaled) = r.numer.unsigned_abs().checked_mul(100).and_then(|n| n.checked_mul(scale)) else {
        return false;
    };
    let d = r.denom().unsigned_abs();
    let (mut q, rem) = (scaled / d, scaled % d);
    if rem * 2 >= d {
        q += 1;
    }
    if r.numer < 0 && q != 0 {
        out.push('-');
    }
    let (int, frac) = (q / scale, q % scale);
    write_digits(out, int, 1);
    if frac != 0 {
        // Trailing zeros removed: `frac` has `decimals` places, less the zeros dropped.
        let (mut frac, mut places) = (frac, decimals as usize);
        while frac % 10 == 0 {
            frac /= 10;
            places -= 1;
        }
        out.push('.');
        write_digits(out, frac, places);
    }
    true
}

/// Appends the decimal digits of `v`, at least `width` of them (leading zeros).
fn write_digits(out: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while v > 0 {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    i = i.min(buf.len().saturating_sub(width));
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// `m / 10^decimals` written as a decimal (rust_decimal), trailing zeros removed. A value
/// beyond rust_decimal's 28 digits (never a share, which is at most 1) is written as the
/// integer `m` with a scale suffix, so nothing is silently rounded.
fn decimal_text(negative: bool, m: Natural, decimals: u32) -> String {
    match i128::try_from(&m)
        .ok()
        .and_then(|m| Decimal::try_from_i128_with_scale(if negative { -m } else { m }, decimals).ok())
    {
        Some(d) => d.normalize().to_string(),
        None => format!("{}{m}e-{decimals}", if negative { "-" } else { "" }),
    }
}

/// Parses `[+-]digits[.,digits][e[+-]digits]` exactly.
/// The decimal `s` divided by `10^shift`.
fn parse_decimal(s: &str, whole: &str, shift: u32) -> Result<Fraction, FractionError> {
    let bad = || FractionError(format!("\"{whole}\" is not a fraction (write 1/3, 0.25, 25% or 25,5 %)"));
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => {
            let e: i64 = rest[i + 1..].parse().map_err(|_| bad())?;
            if e.abs() > MAX_EXPONENT {
                return Err(FractionError(format!("\"{whole}\": exponent too large")));
            }
            (&rest[..i], e)
        }
        None => (rest, 0),
    };
    let (int, frac) = match mantissa.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let scale = exponent - frac.len() as i64 - i64::from(shift);
    // Common case: few digits and a small scale fit a 64-bit ratio.
    if int.len() + frac.len() <= 18 && (-18..=0).contains(&scale) {
        let mut n: i64 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            n = n * 10 + i64::from(b - b'0');
        }
        let d = 10i64.pow((-scale) as u32);
        return Ok(Fraction::new(if neg { -n } else { n }, d));
    }
    let digits = format!("{int}{frac}");
    let numer: Natural = digits.parse().map_err(|_| bad())?;
    let mut value = Fraction::from_big(Rational::from(numer));
    if scale >= 0 {
        value = &value * &Fraction::pow10(scale as u32);
    } else {
        value = &value / &Fraction::pow10((-scale) as u32);
    }
    Ok(if neg { -value } else { value })
}

/// `x + 0`, `x − 0`, `x × 1`, `x × 0` without touching big integers.
fn shortcut(op: &str, a: &Fraction, b: &Fraction) -> Option<Fraction> {
    match op {
        "+" if b.is_zero() => Some(a.clone()),
        "+" if a.is_zero() => Some(b.clone()),
        "-" if b.is_zero() => Some(a.clone()),
        "*" if a.is_zero() || b.is_zero() => Some(Fraction::zero()),
        "*" if b.is_one() => Some(a.clone()),
        "*" if a.is_one() => Some(b.clone()),
        _ => None,
    }
}

/// `a ± b` over one denominator (percent shares usually share theirs): one gcd instead of
/// num-rational's lcm and reductions. `None` when the denominators differ or it overflows.
fn same_denominator(op: &str, a: &Ratio<i64>, b: &Ratio<i64>) -> Option<Ratio<i64>> {
    if a.denom() != b.denom() {
        return None;
    }
    let n = match op {
        "+" => a.numer().checked_add(b.numer())?,
        "-" => a.numer().checked_sub(b.numer())?,
        _ => return None,
    };
    // `new` reduces by the gcd; the denominator is already positive.
    Some(Ratio::new(n, *a.denom()))
}

macro_rules! arith {
    ($trait:ident, $method:ident, $checked:ident, $op:tt) => {
        impl $trait<&Fraction> for &Fraction {
            type Output = Fraction;
            fn $method(self, rhs: &Fraction) -> Fraction {
                if let Some(r) = shortcut(stringify!($op), self, rhs) {
                    return r;
                }
                if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &rhs.0)
                    && let (a, b) = (a.ratio(), b.ratio())
                    && let Some(r) = same_denominator(stringify!($op), &a, &b).or_else(|| a.$checked(&b))
                {
                    return Fraction(Repr::Small(Small::of(r)));
                }
                Fraction::from_big(&*self.to_big() $op &*rhs.to_big())
            }
        }
        impl $trait<Fraction> for Fraction {
            type Output = Fraction;
            fn $method(self, rhs: Fraction) -> Fraction {
                (&self).$method(&rhs)
            }
        }
        impl $trait<&Fraction> for Fraction {
            type Output = Fraction;
            fn $method(self, rhs: &Fraction) -> Fraction {
                (&self).$method(rhs)
            }
        }
    };
}

arith!(Add, add, checked_add, +);
arith!(Sub, sub, checked_sub, -);
arith!(Mul, mul, checked_mul, *);

impl Div<&Fraction> for &Fraction {
    type Output = Fraction;
    /// Division; dividing by zero gives zero (callers test the divisor first).
    fn div(self, rhs: &Fraction) -> Fraction {
        if rhs.is_zero() {
            debug_assert!(false, "division by zero");
            return Fraction::zero();
        }
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &rhs.0)
            && let Some(r) = a.ratio().checked_div(&b.ratio())
        {
            return Fraction(Repr::Small(Small::of(r)));
        }
        if rhs.is_one() {
            return self.clone();
        }
        Fraction::from_big(&*self.to_big() / &*rhs.to_big())
    }
}

impl Div<Fraction> for Fraction {
    type Output = Fraction;
    fn div(self, rhs: Fraction) -> Fraction {
        &self / &rhs
    }
}

impl AddAssign<&Fraction> for Fraction {
    fn add_assign(&mut self, rhs: &Fraction) {
        *self = &*self + rhs;
    }
}

impl SubAssign<&Fraction> for Fraction {
    fn sub_assign(&mut self, rhs: &Fraction) {
        *self = &*self - rhs;
    }
}

impl Neg for Fraction {
    type Output = Fraction;
    fn neg(self) -> Fraction {
        match self.0 {
            Repr::Small(r) if r.numer != i64::MIN => Fraction(Repr::Small(Small::of(-r.ratio()))),
            _ => Fraction::from_big(-self.to_big().into_owned()),
        }
    }
}

impl std::iter::Sum for Fraction {
    fn sum<I: Iterator<Item = Fraction>>(iter: I) -> Fraction {
        iter.fold(Fraction::zero(), |a, b| a + b)
    }
}

impl<'a> std::iter::Sum<&'a Fraction> for Fraction {
    fn sum<I: Iterator<Item = &'a Fraction>>(iter: I) -> Fraction {
        iter.fold(Fraction::zero(), |a, b| a + b)
    }
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Fraction {}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a), Repr::Small(b)) => a.ratio().cmp(&b.ratio()),
            _ => self.to_big().as_ref().cmp(other.to_big().as_ref()),
        }
    }
}

impl std::hash::Hash for Fraction {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Values are normalized (small whenever they fit), so equal values hash alike.
        match &self.0 {
            Repr::Small(r) => (r.numer, r.denom()).hash(state),
            Repr::Big(b) => b.value.hash(state),
        }
    }
}

impl fmt::Display for Fraction {
    /// `p/q` in lowest terms, `0/1` and `1/1` included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let render = || {
            let (sign, n, d) = self.parts();
            format!("{}{n}/{d}", if sign < 0 { "-" } else { "" })
        };
        match &self.0 {
            Repr::Small(r) => write!(f, "{}/{}", r.numer(), r.denom()),
            Repr::Big(b) => f.write_str(b.text.get_or_init(render)),
        }
    }
}

impl Default for Fraction {
    fn default() -> Self {
        Fraction::zero()
    }
}

/// The default size budget for exact numbers: 1 000 decimal digits of numerator or
/// denominator (`--exact-budget`).
pub const DEFAULT_EXACT_BUDGET_DIGITS: u64 = 1_000;

static EXACT_BUDGET_BITS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(digits_to_bits(DEFAULT_EXACT_BUDGET_DIGITS));

const fn digits_to_bits(digits: u64) -> u64 {
    // log2(10) < 3.3220; the budget covers numerator and denominator together.
    (digits.saturating_mul(33_220) / 10_000 + 1).saturating_mul(2)
}

/// Sets the size budget for exact numbers, in decimal digits of a numerator or denominator.
/// A computation whose exact value would be larger keeps only its certified interval
/// ([`crate::analysis::interval`]); a decision that interval cannot take is reported, never
/// guessed.
pub fn set_exact_budget(digits: u64) {
    EXACT_BUDGET_BITS.store(digits_to_bits(digits), std::sync::atomic::Ordering::Relaxed);
}

/// The size budget for exact numbers, in bits of numerator and denominator together.
pub fn exact_budget_bits() -> u64 {
    EXACT_BUDGET_BITS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An exact sum of fractions of 64-bit terms, kept over the least common denominator of its
/// terms in 128 bits: no gcd per term when the denominators divide each other (percents with
/// up to four decimals all divide 1 000 000), one when they do not. For a question asked of
/// millions of sums, such as whether the shares held in a company come to more than 1; a term
/// it cannot hold (a big fraction, or a denominator past 2^62) makes [`SmallSum::add`] give
/// false, and the caller sums with [`Fraction`].
#[derive(Clone, Copy, Debug)]
pub struct SmallSum {
    numer: i128,
    /// Positive, at most 2^62: its quotients and remainders by a term's denominator (below
    /// 2^63) are taken in 64 bits, a machine division where 128 bits were a library call.
    denom: u64,
}

impl Default for SmallSum {
    fn default() -> SmallSum {
        SmallSum { numer: 0, denom: 1 }
    }
}

impl SmallSum {
    /// Adds `f`; false when it cannot be held (the sum is then unusable).
    pub fn add(&mut self, f: &Fraction) -> bool {
        let Some((n, d)) = f.small_parts() else { return false };
        if n == 0 {
            return true;
        }
        // A denominator is positive in lowest terms.
        let d = d.unsigned_abs();
        if !self.denom.is_multiple_of(d) {
            let scale = d / gcd(self.denom, d);
            match (self.denom.checked_mul(scale), self.numer.checked_mul(i128::from(scale))) {
                (Some(denom), Some(numer)) if denom <= 1 << 62 => (self.denom, self.numer) = (denom, numer),
                _ => return false,
            }
        }
        // Below 2^63 times at most 2^62: within 128 bits.
        match (i128::from(n) * i128::from(self.denom / d)).checked_add(self.numer) {
            Some(numer) => {
                self.numer = numer;
                true
            }
            None => false,
        }
    }

    /// Whether the sum is more than 1.
    pub fn exceeds_one(&self) -> bool {
        self.numer > i128::from(self.denom)
    }

    /// Whether the sum is less than 1.
    pub fn below_one(&self) -> bool {
        self.numer < i128::from(self.denom)
    }
}

/// Whether the sum of `terms` is at least 1, decided without exact arithmetic where the terms
/// are small ([`SmallSum`]). `terms` is asked for the terms twice at most.
pub fn at_least_one<I: Iterator<Item = Fraction>>(terms: impl Fn() -> I) -> bool {
    let mut quick = SmallSum::default();
    if terms().all(|f| quick.add(&f)) {
        return !quick.below_one();
    }
    terms().fold(Fraction::zero(), |a, w| &a + &w) >= Fraction::one()
}

/// The exact sum of `terms` when it is at least 1 ([`at_least_one`]); `None` when it is less,
/// without summing exactly where the terms are small.
pub fn sum_at_least_one<I: Iterator<Item = Fraction>>(terms: impl Fn() -> I) -> Option<Fraction> {
    at_least_one(&terms).then(|| terms().fold(Fraction::zero(), |a, w| &a + &w))
}

/// The greatest common divisor, by Euclid (64-bit divisions).
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Decimal places of every percent owngraph prints.
pub const PERCENT_DECIMALS: u32 = 4;

impl serde::Serialize for Fraction {
    /// `{"fraction": "33/40", "percent": "82.5"}`: the exact value and a rounded percent.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Fraction", 2)?;
        st.serialize_field("fraction", &self.to_string())?;
        st.serialize_field("percent", &self.percent(PERCENT_DECIMALS))?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Fraction {
    /// Reads `{"fraction": "p/q", ...}` or a plain string such as `"25%"`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Form {
            Object { fraction: String },
            Text(String),
        }
        let text = match Form::deserialize(d)? {
            Form::Object { fraction } => fraction,
            Form::Text(t) => t,
        };
        Fraction::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A fraction known to lie in [0, 1]: a share of capital, of votes, or of a governing body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Share(Fraction);

impl Share {
    /// Checks the range. The error says what was wrong in the words a user typed.
    pub fn new(value: Fraction) -> Result<Share, FractionError> {
        if value.is_negative() {
            Err(FractionError(format!(
                "{} is negative; a share lies in [0, 1]",
                value.percent(PERCENT_DECIMALS) + " %"
            )))
        } else if value > Fraction::one() {
            Err(FractionError(format!(
                "{} ({} %) is more than 1; a share lies in [0, 1]",
                value,
                value.percent(PERCENT_DECIMALS)
            )))
        } else {
            Ok(Share(value))
        }
    }

    /// Parses and range-checks a share written as in [`Fraction::parse`].
    pub fn parse(text: &str) -> Result<Share, FractionError> {
        Share::new(Fraction::parse(text)?)
    }

    /// No share.
    pub fn zero() -> Share {
        Share(Fraction::zero())
    }

    /// The whole.
    pub fn one() -> Share {
        Share(Fraction::one())
    }

    /// The exact value.
    pub fn value(&self) -> &Fraction {
        &self.0
    }

    /// The exact value, by move.
    pub fn into_value(self) -> Fraction {
        self.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A share whose numerator and denominator fit 32 bits, in 8 bytes where a [`Share`] takes 16:
/// what a relation keeps in line. Registers give almost every share so (a percent with four
/// decimals, a nominal value over the capital of most companies); the rest are kept aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactShare {
    numer: u32,
    denom: std::num::NonZeroU32,
}

impl CompactShare {
    /// The share in 8 bytes, or `None` when its terms need more than 32 bits.
    pub fn of(share: &Share) -> Option<CompactShare> {
        CompactShare::of_fraction(&share.0)
    }

    /// The share again (in lowest terms, as it was given).
    pub fn share(self) -> Share {
        Share(self.value())
    }

    /// Any fraction from 0 up in 8 bytes (a holder's weight, which bad input may take past 1),
    /// or `None` when it is negative or its terms need more than 32 bits.
    pub fn of_fraction(f: &Fraction) -> Option<CompactShare> {
        match &f.0 {
            Repr::Small(s) => Some(CompactShare {
                numer: u32::try_from(s.numer).ok()?,
                denom: std::num::NonZeroU32::new(u32::try_from(s.denom()).ok()?)?,
            }),
            Repr::Big(_) => None,
        }
    }

    /// The value as a fraction.
    pub fn value(self) -> Fraction {
        let denom = std::num::NonZeroI64::from(self.denom);
        Fraction(Repr::Small(Small { numer: i64::from(self.numer), denom }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fraction {
        Fraction::parse(s).unwrap()
    }

    /// A percent read in one step is the decimal divided by 100, in every written form and
    /// for values beyond 64 bits.
    #[test]
    fn a_percent_is_the_decimal_over_a_hundred() {
        let hundred = Fraction::new(100, 1);
        for body in [
            "0",
            "1",
            "4.39",
            "99,99",
            "100",
            "0.000001",
            "-12.5",
            "+7",
            "1e2",
            "2.5E-3",
            "12345678901234567",
            "1234567890123456.78",
            "123456789012345678901234567890",
            "0.1234567890123456789",
            "7e300",
            "5e-300",
        ] {
            assert_eq!(f(&format!("{body}%")), &f(body) / &hundred, "{body}%");
            assert_eq!(f(&format!("{body} %")), &f(body) / &hundred, "{body} %");
        }
        assert_eq!(f("1/3%"), Fraction::new(1, 300));
    }

    #[test]
    fn parses_every_written_form() {
        assert_eq!(f("1/3").to_string(), "1/3");
        assert_eq!(f("0.25").to_string(), "1/4");
        assert_eq!(f("25%").to_string(), "1/4");
        assert_eq!(f("25,5 %").to_string(), "51/200");
        assert_eq!(f(" 2.5e-1 ").to_string(), "1/4");
        assert_eq!(f("1").to_string(), "1/1");
        assert_eq!(f("0").to_string(), "0/1");
        assert_eq!(f(".5").to_string(), "1/2");
        assert_eq!(f("3/7").to_string(), "3/7");
        assert_eq!(f("0.1").to_string(), "1/10");
        assert_eq!(
            f("33.333333333333333333333333%").to_string(),
            "33333333333333333333333333/100000000000000000000000000"
        );
    }

    #[test]
    fn refuses_what_is_not_a_fraction() {
        for bad in ["", "abc", "1/0", "1..2", "NaN", "inf", "1e99999", "%", "1/", "--1"] {
            assert!(Fraction::parse(bad).is_err(), "{bad}");
        }
        assert!(Share::parse("120%").is_err());
        assert!(Share::parse("-1/3").is_err());
        assert!(Share::parse("100%").is_ok());
    }

    #[test]
    fn a_fraction_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Fraction>(), 16);
        assert_eq!(std::mem::size_of::<CompactShare>(), 8);
    }

    /// A share fits 8 bytes exactly when both its terms fit 32 bits, and comes back equal.
    #[test]
    fn compact_shares_round_trip_and_refuse_wide_terms() {
        for text in ["0", "1", "1/3", "4.39%", "4294967294/4294967295", "1/4294967295", "12345/4294967295"] {
            let s = Share::parse(text).unwrap();
            let c = CompactShare::of(&s).unwrap_or_else(|| panic!("{text} should fit"));
            assert_eq!(c.share(), s, "{text}");
            assert_eq!(c.share().to_string(), s.to_string(), "{text}");
        }
        for text in ["1/4294967296", "1/3%%", "33.333333333333333333%", "123456789012/987654321097"] {
            let Ok(s) = Share::parse(text) else { continue };
            assert_eq!(CompactShare::of(&s), None, "{text}");
        }
    }

    #[test]
    fn arithmetic_spills_into_big_integers_exactly() {
        let mut x = Fraction::one();
        let k = f("11/13");
        for _ in 0..40 {
            x = &x * &k;
        }
        let mut y = x.clone();
        for _ in 0..40 {
            y = &y / &k;
        }
        assert_eq!(y, Fraction::one());
        assert!(x < Fraction::one());
        assert_eq!((&f("1/3") + &f("1/6")).to_string(), "1/2");
        assert!(!f("1/2").exceeds_half());
        assert!(f("50000000000000000000001/100000000000000000000000").exceeds_half());
    }

    #[test]
    fn percent_rounds_half_up_and_trims() {
        assert_eq!(f("33/40").percent(4), "82.5");
        assert_eq!(f("1/3").percent(4), "33.3333");
        assert_eq!(f("2/3").percent(4), "66.6667");
        assert_eq!(f("7399/10000").percent(4), "73.99");
        assert_eq!(Fraction::zero().percent(4), "0");
        assert_eq!(Fraction::one().percent(4), "100");
        assert_eq!(f("1/8").percent(1), "12.5");
        assert_eq!(f("1/16").percent(1), "6.3");
    }

    #[test]
    fn written_percent_and_text_match_decimal_and_display() {
        // The percent as rust_decimal writes it from 128-bit integers (the earlier way).
        let by_decimal = |n: i64, d: i64, decimals: u32| -> Option<String> {
            let scaled = i128::from(n).unsigned_abs().checked_mul(100 * 10u128.pow(decimals))?;
            let d = i128::from(d).unsigned_abs();
            let (mut q, rem) = (scaled / d, scaled % d);
            if rem * 2 >= d {
                q += 1;
            }
            let m = if n < 0 { -(q as i128) } else { q as i128 };
            Decimal::try_from_i128_with_scale(m, decimals).ok().map(|x| x.normalize().to_string())
        };
        let mut values = vec![(0, 1), (1, 1), (-1, 1), (1, 3), (2, 3), (-2, 3), (1, 8), (1, 16), (33, 40)];
        values.extend([(7399, 10000), (49, 80), (9494601, 10000000), (314029, 20000000), (1, 200000)]);
        values.extend([(1, 2000000), (1, 1999999), (i64::MAX, 1), (i64::MIN + 1, 3), (i64::MAX - 1, i64::MAX)]);
        values.extend([(5, i64::MAX), (123456789012345, 1000000000000000), (-7, 20000000)]);
        for (n, d) in values {
            let x = Fraction::new(n, d);
            let mut text = String::from("x");
            x.write_text(&mut text);
            assert_eq!(text, format!("x{x}"));
            for decimals in 0..=20 {
                let mut out = String::from("x");
                x.write_percent(decimals, &mut out);
                assert_eq!(out[1..], x.percent(decimals), "{n}/{d} at {decimals}");
                if let Some(expected) = by_decimal(n, d, decimals) {
                    assert_eq!(out[1..], expected, "{n}/{d} at {decimals}");
                }
            }
        }
        let big = f("1/340282366920938463463374607431768211457");
        let mut out = String::new();
        big.write_text(&mut out);
        big.write_percent(PERCENT_DECIMALS, &mut out);
        assert_eq!(out, format!("{big}{}", big.percent(PERCENT_DECIMALS)));
    }

    /// Exactly 1 is not more than 1, one millionth more is; a term past 2^62 is not held.
    #[test]
    fn small_sum_at_one() {
        let mut s = SmallSum::default();
        for f in [Fraction::new(1, 2), Fraction::new(1, 3), Fraction::new(1, 6)] {
            assert!(s.add(&f));
        }
        assert!(!s.exceeds_one());
        assert!(s.add(&Fraction::new(1, 1_000_000)));
        assert!(s.exceeds_one());
        assert!(!SmallSum::default().add(&Fraction::new(1, i64::MAX)));
    }

    /// The sum when it reaches 1, exact whether the terms fit in [`SmallSum`] or not.
    #[test]
    fn sum_at_least_one_is_the_exact_sum_from_one() {
        let sum = |terms: &[Fraction]| sum_at_least_one(|| terms.iter().cloned());
        let third = Fraction::new(1, 3);
        assert_eq!(sum(&[third.clone(), third.clone()]), None);
        assert_eq!(sum(&[third.clone(), third.clone(), third.clone()]), Some(Fraction::one()));
        assert_eq!(sum(&[Fraction::new(3, 4), Fraction::new(1, 2)]), Some(Fraction::new(5, 4)));
        assert_eq!(sum(&[]), None);
        // A term SmallSum cannot hold: summed exactly, on either side of 1.
        let tiny = Fraction::new(1, i64::MAX);
        assert_eq!(sum(&[Fraction::new(1, 2), tiny.clone()]), None);
        assert_eq!(sum(&[Fraction::one(), tiny.clone()]), Some(&Fraction::one() + &tiny));
        let whole = |terms: &[Fraction]| at_least_one(|| terms.iter().cloned());
        assert!(!whole(&[third.clone(), third.clone()]) && whole(&[third.clone(), third.clone(), third.clone()]));
        assert!(!whole(&[Fraction::new(1, 2), tiny.clone()]) && whole(&[Fraction::one(), tiny]));
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_config(2000))]
        /// [`SmallSum`] says what the exact sum says, or that it cannot hold a term.
        #[test]
        fn small_sum_exceeds_one_as_the_exact_sum(terms in proptest::collection::vec((0i64..2_000_000, proptest::sample::select(vec![1i64, 2, 3, 4, 7, 100, 400, 1_000, 10_000, 1_000_000, 999_983, 1 << 40, i64::MAX])), 0..12)) {
            let (mut fast, mut exact, mut held) = (SmallSum::default(), Fraction::zero(), true);
            for (n, d) in terms {
                let f = Fraction::new(n % (d.saturating_mul(2)).max(1), d);
                held &= fast.add(&f);
                exact += &f;
            }
            if held {
                proptest::prop_assert_eq!(fast.exceeds_one(), exact > Fraction::one());
                proptest::prop_assert_eq!(fast.below_one(), exact < Fraction::one());
            }
        }
    }
}
