//! A person's citizenships in 7 bytes (policy P1 reads all of them; docs/DOMAIN.md, "Parties").
//!
//! Millions of persons hold one citizenship, a few two or three; a list of more is kept once
//! per process in a table of its own. A `SmallVec` of countries took 24 bytes per party: 16 of
//! the 96 a party took (7.8 M parties at 3.5 M companies: 125 MB of fresh memory).

use super::country::Country;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Citizenships held in place.
const INLINE: usize = 3;
/// `len` of a list kept in the table of [`long_lists`]: `codes` then hold its number there.
const LONG: u8 = u8::MAX;
/// What fills the unused places, so that equal lists are equal bytes.
const PAD: Country = Country::PAD;

/// The citizenships of a person, in the order the input gave them, repeats included.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Citizenships {
    len: u8,
    codes: [Country; INLINE],
}

/// The lists longer than [`INLINE`], each kept once for the rest of the process (a list is
/// as long as its input record, so the table grows only with what was read).
struct LongLists {
    lists: Vec<&'static [Country]>,
    numbers: HashMap<&'static [Country], usize>,
}

/// The table of lists longer than [`INLINE`].
fn long_lists() -> std::sync::MutexGuard<'static, LongLists> {
    static LISTS: OnceLock<Mutex<LongLists>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| Mutex::new(LongLists { lists: Vec::new(), numbers: HashMap::new() }));
    // The table is only ever appended to: a panic elsewhere cannot leave it half-written.
    lists.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Citizenships {
    /// No citizenship.
    pub const fn new() -> Citizenships {
        Citizenships { len: 0, codes: [PAD; INLINE] }
    }

    /// One citizenship.
    pub const fn one(c: Country) -> Citizenships {
        Citizenships { len: 1, codes: [c, PAD, PAD] }
    }

    /// The citizenships, in order.
    pub fn as_slice(&self) -> &[Country] {
        if self.len != LONG {
            return &self.codes[..usize::from(self.len)];
        }
        let lists = long_lists();
        lists.lists.get(self.long_number()).copied().unwrap_or(&[])
    }

    /// Adds a citizenship after the others. Past three, each call keeps a new list for the rest
    /// of the process: to build a list, use [`Citizenships::distinct`] or `collect`.
    pub fn push(&mut self, c: Country) {
        let n = usize::from(self.len);
        if n < INLINE {
            self.codes[n] = c;
            self.len += 1;
        } else {
            let mut all = self.as_slice().to_vec();
            all.push(c);
            *self = Citizenships::long(all);
        }
    }

    /// The codes of `codes` without repeats, in the order they first come; the list is made
    /// once, however long (what an importer reads from a record).
    pub fn distinct(codes: impl IntoIterator<Item = Country>) -> Citizenships {
        let mut held = Citizenships::new();
        let mut all: Vec<Country> = Vec::new();
        for c in codes {
            if all.is_empty() {
                if held.contains(&c) {
                    continue;
                }
                if held.len() < INLINE {
                    held.push(c);
                    continue;
                }
                all.extend_from_slice(held.as_slice());
            }
            if !all.contains(&c) {
                all.push(c);
            }
        }
        if all.is_empty() { held } else { Citizenships::long(all) }
    }

    /// The list of `all`, made once.
    fn of_vec(all: Vec<Country>) -> Citizenships {
        if all.len() <= INLINE {
            let mut held = Citizenships::new();
            for c in all {
                held.push(c);
            }
            held
        } else {
            Citizenships::long(all)
        }
    }

    /// A list longer than [`INLINE`]: its number in the table of [`long_lists`], added there
    /// if new.
    fn long(all: Vec<Country>) -> Citizenships {
        let mut lists = long_lists();
        let number = match lists.numbers.get(all.as_slice()) {
            Some(&k) => k,
            None => {
                let kept: &'static [Country] = Box::leak(all.into_boxed_slice());
                let k = lists.lists.len();
                lists.lists.push(kept);
                lists.numbers.insert(kept, k);
                k
            }
        };
        let b = (number as u64).to_le_bytes();
        Citizenships {
            len: LONG,
            codes: [Country::raw([b[0], b[1]]), Country::raw([b[2], b[3]]), Country::raw([b[4], b[5]])],
        }
    }

    fn long_number(&self) -> usize {
        let [a, b, c] = self.codes.map(Country::bytes);
        u64::from_le_bytes([a[0], a[1], b[0], b[1], c[0], c[1], 0, 0]) as usize
    }
}

impl Default for Citizenships {
    fn default() -> Citizenships {
        Citizenships::new()
    }
}

impl std::ops::Deref for Citizenships {
    type Target = [Country];
    fn deref(&self) -> &[Country] {
        self.as_slice()
    }
}

impl std::fmt::Debug for Citizenships {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Citizenships {
    type Item = &'a Country;
    type IntoIter = std::slice::Iter<'a, Country>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl Extend<Country> for Citizenships {
    /// The codes added after the others, repeats kept; the list made once.
    fn extend<I: IntoIterator<Item = Country>>(&mut self, iter: I) {
        let mut iter = iter.into_iter();
        // In place while there is room (no allocation for the one or two codes most persons have).
        while usize::from(self.len) < INLINE {
            match iter.next() {
                Some(c) => self.push(c),
                None => return,
            }
        }
        let mut iter = iter.peekable();
        if iter.peek().is_some() {
            *self = Citizenships::of_vec(self.iter().copied().chain(iter).collect());
        }
    }
}

impl FromIterator<Country> for Citizenships {
    /// The codes in order, repeats kept; the list made once.
    fn from_iter<I: IntoIterator<Item = Country>>(iter: I) -> Citizenships {
        let mut all = Citizenships::new();
        all.extend(iter);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Country {
        Country::parse(code).unwrap()
    }

    #[test]
    fn seven_bytes_whatever_the_list() {
        assert_eq!(std::mem::size_of::<Citizenships>(), 7);
    }

    #[test]
    fn lists_of_every_length_keep_their_order_and_repeats() {
        let codes = ["RU", "BY", "RU", "KZ", "US", "AM", "KG", "DE", "FR"];
        for n in 0..=codes.len() {
            let want: Vec<Country> = codes[..n].iter().map(|s| c(s)).collect();
            let got: Citizenships = want.iter().copied().collect();
            assert_eq!(got.as_slice(), want.as_slice(), "{n} citizenships");
            assert_eq!(got.len(), n);
            assert_eq!(got.is_empty(), n == 0);
            assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }

    #[test]
    fn distinct_keeps_the_first_of_each_code_in_order() {
        let codes = |t: &str| t.split(' ').map(c).collect::<Vec<_>>();
        for (given, want) in [
            ("RU RU", "RU"),
            ("RU BY RU KZ", "RU BY KZ"),
            ("US DE FR GB RU US DE", "US DE FR GB RU"),
            ("AM AM AM AM AM KG", "AM KG"),
        ] {
            assert_eq!(Citizenships::distinct(codes(given)).as_slice(), codes(want).as_slice(), "{given}");
        }
        assert!(Citizenships::distinct([]).is_empty());
    }

    /// A list is made once, not once per code: a person with every country keeps one list.
    #[test]
    fn a_long_list_is_kept_once() {
        let every: Vec<Country> = Country::all().collect();
        let a = Citizenships::distinct(every.iter().copied());
        let b: Citizenships = every.iter().copied().collect();
        let mut d = Citizenships::one(every[0]);
        d.extend(every[1..].iter().copied());
        assert_eq!(a.as_slice(), every.as_slice());
        assert!(a == b && b == d);
        // No shorter list on the way was kept (other tests keep lists of their own meanwhile).
        let prefixes = long_lists().lists.iter().filter(|l| l.len() < every.len() && every.starts_with(l)).count();
        assert_eq!(prefixes, 0);
    }

    #[test]
    fn equal_lists_are_equal_and_different_ones_are_not() {
        let a: Citizenships = ["RU", "BY", "KZ", "AM"].iter().map(|s| c(s)).collect();
        let b: Citizenships = ["RU", "BY", "KZ", "AM"].iter().map(|s| c(s)).collect();
        let d: Citizenships = ["RU", "BY", "KZ", "KG"].iter().map(|s| c(s)).collect();
        assert_eq!(a, b);
        assert_ne!(a, d);
        let short: Citizenships = ["RU", "BY"].iter().map(|s| c(s)).collect();
        let mut grown = Citizenships::one(c("RU"));
        grown.push(c("BY"));
        assert_eq!(short, grown);
        assert_ne!(short, Citizenships::one(c("RU")));
        assert_eq!(Citizenships::new(), Citizenships::default());
    }
}
