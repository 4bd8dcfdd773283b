//! Exact sparse solution of `A x = b` for the matrices the participation equations produce:
//! `A = I − K` where `K` holds the shares companies of one cycle hold in each other
//! (docs/DOMAIN.md, "Participation": solving the linear system counts every walk, as the Ministry of
//! Finance letter of 16.08.2013 No. 03-01-18/33535 allows).
//!
//! `A` is a column diagonally dominant M-matrix, so Gaussian elimination with symmetric
//! pivoting never needs a row exchange, and a zero pivot means the matrix is singular: a closed
//! ownership loop. Pivots are chosen by least fill-in (Markowitz), which keeps the long cycles
//! of real cross-holdings sparse. Cost: O(Σ fill) exact operations, O(k³) at worst for k unknowns.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use crate::fraction::Fraction;

/// The system has no unique solution: the unknowns with no way out form a closed loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Singular;

/// Why [`solve_within`] gave no solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsolved {
    /// The system is singular (a closed loop).
    Singular,
    /// A value of the elimination outgrew the size budget for exact numbers.
    TooBig,
}

/// Solves `A x = b`, `A` given as `(row, column, value)` entries (repeated entries add up).
pub fn solve(
    n: usize,
    entries: impl IntoIterator<Item = (usize, usize, Fraction)>,
    b: Vec<Fraction>,
) -> Result<Vec<Fraction>, Singular> {
    eliminate(n, entries, b, false).map_err(|_| Singular)
}

/// As [`solve`], but gives up as soon as a value outgrows the size budget for exact numbers
/// ([`crate::fraction::set_exact_budget`]), so that no elimination can grow without bound.
pub fn solve_within(
    n: usize,
    entries: impl IntoIterator<Item = (usize, usize, Fraction)>,
    b: Vec<Fraction>,
) -> Result<Vec<Fraction>, Unsolved> {
    eliminate(n, entries, b, true)
}

fn eliminate(
    n: usize,
    entries: impl IntoIterator<Item = (usize, usize, Fraction)>,
    mut b: Vec<Fraction>,
    bounded: bool,
) -> Result<Vec<Fraction>, Unsolved> {
    let too_big = |v: &Fraction| bounded && !v.within_budget();
    let mut rows: Vec<BTreeMap<usize, Fraction>> = vec![BTreeMap::new(); n];
    let mut cols: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (i, j, v) in entries {
        *rows[i].entry(j).or_default() += &v;
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.retain(|_, v| !v.is_zero());
        for &j in row.keys() {
            cols[j].insert(i);
        }
    }
    let cost = |rows: &[BTreeMap<usize, Fraction>], cols: &[BTreeSet<usize>], k: usize| {
        rows[k].len().saturating_sub(1) * cols[k].len().saturating_sub(1)
    };
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> = (0..n).map(|k| Reverse((cost(&rows, &cols, k), k))).collect();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((c, k))) = heap.pop() {
        if done[k] || c != cost(&rows, &cols, k) {
            continue;
        }
        let pivot = match rows[k].get(&k) {
            Some(p) if !p.is_zero() => p.clone(),
            _ => return Err(Unsolved::Singular),
        };
        done[k] = true;
        order.push(k);
        let row_k: Vec<(usize, Fraction)> =
            rows[k].iter().filter(|(j, _)| **j != k).map(|(j, v)| (*j, v.clone())).collect();
        let below: Vec<usize> = cols[k].iter().copied().filter(|&i| i != k).collect();
        let bk = b[k].clone();
        for i in below {
            let Some(aik) = rows[i].remove(&k) else { continue };
            let f = &aik / &pivot;
            for (j, akj) in &row_k {
                let e = rows[i].entry(*j).or_default();
                *e -= &(&f * akj);
                if too_big(e) {
                    return Err(Unsolved::TooBig);
                }
                if e.is_zero() {
                    rows[i].remove(j);
                    cols[*j].remove(&i);
                } else {
                    cols[*j].insert(i);
                }
            }
            let d = &f * &bk;
            b[i] -= &d;
            if too_big(&b[i]) {
                return Err(Unsolved::TooBig);
            }
            heap.push(Reverse((cost(&rows, &cols, i), i)));
        }
        for (j, _) in &row_k {
            cols[*j].remove(&k);
            if !done[*j] {
                heap.push(Reverse((cost(&rows, &cols, *j), *j)));
            }
        }
        cols[k].clear();
    }
    if order.len() != n {
        return Err(Unsolved::Singular);
    }
    let mut x = vec![Fraction::zero(); n];
    for &k in order.iter().rev() {
        let mut acc = b[k].clone();
        for (j, a) in &rows[k] {
            if *j != k {
                acc -= &(a * &x[*j]);
            }
        }
        let p = &rows[k][&k];
        x[k] = &acc / p;
        if too_big(&x[k]) {
            return Err(Unsolved::TooBig);
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fraction {
        Fraction::parse(s).unwrap()
    }

    #[test]
    fn two_by_two_cycle() {
        // x0 − 1/2 x1 = 1 ; −2/5 x0 + x1 = 0  → x0 = 5/4, x1 = 1/2
        let x = solve(2, [(0, 0, f("1")), (0, 1, f("-1/2")), (1, 0, f("-2/5")), (1, 1, f("1"))], vec![f("1"), f("0")])
            .unwrap();
        assert_eq!(x, vec![f("5/4"), f("1/2")]);
    }

    #[test]
    fn closed_loop_is_singular() {
        let r = solve(2, [(0, 0, f("1")), (0, 1, f("-1")), (1, 0, f("-1")), (1, 1, f("1"))], vec![f("1"), f("0")]);
        assert_eq!(r, Err(Singular));
    }

    #[test]
    fn long_cycle_matches_geometric_series() {
        // a ring of n companies each holding 1/2 of the next: x_0 = 1/(1 − 2^-n)
        let n = 30;
        let mut e = Vec::new();
        for i in 0..n {
            e.push((i, i, f("1")));
            e.push(((i + 1) % n, i, f("-1/2")));
        }
        let mut b = vec![Fraction::zero(); n];
        b[0] = Fraction::one();
        let x = solve(n, e, b).unwrap();
        let two_n = (0..n).fold(Fraction::one(), |acc, _| &acc * &Fraction::new(2, 1));
        let expected = &Fraction::one() / &(&Fraction::one() - &(&Fraction::one() / &two_n));
        assert_eq!(x[0], expected);
    }
}
