//! A counting sort of items by key, on every thread: the graph's relations by holder and by
//! held party, the control network's influences by holder.

use rayon::prelude::*;

/// Items to group by key: each with its key and the place the grouping keeps for it.
pub trait Keyed: Sync {
    /// What the grouping keeps of an item: where it is.
    type Place: Copy + Default + Send + Sync;

    /// Every item's key and place, in input order (read backwards to fill).
    fn items(&self) -> impl DoubleEndedIterator<Item = (usize, Self::Place)>;
}

/// The places of `items` grouped by key, each key's in input order, and where each key's begin
/// (one more offset for the end); items whose key is not below `keys` are left out.
///
/// The keys are split into `runs` runs, each counted and filled on a thread of its own by
/// reading all the items and keeping those of its run, so that its scattered writes stay within
/// its part of the offsets. A run is filled from the back, its ends counted down to its starts:
/// the offsets are the fill pointers, with no copy of them.
pub fn group_by_key<K: Keyed>(items: &K, keys: usize, runs: usize) -> (Vec<u32>, Vec<K::Place>) {
    let run = keys.div_ceil(runs.max(1)).max(1);
    // offsets[k + 1]: the items of key k, then where they end.
    let mut offsets = vec![0u32; keys + 1];
    offsets[1..].par_chunks_mut(run).enumerate().for_each(|(r, counts)| {
        let lo = r * run;
        items.items().for_each(|(k, _)| {
            if let Some(c) = k.checked_sub(lo).and_then(|k| counts.get_mut(k)) {
                *c += 1;
            }
        });
    });
    for k in 0..keys {
        offsets[k + 1] += offsets[k];
    }
    // Where each run's places begin, and the end of the last.
    let bounds: Vec<u32> = (0..keys.div_ceil(run)).map(|r| offsets[r * run]).chain([offsets[keys]]).collect();
    let mut order = vec![K::Place::default(); offsets[keys] as usize];
    let mut places: Vec<&mut [K::Place]> = Vec::with_capacity(bounds.len());
    let mut rest = order.as_mut_slice();
    for w in bounds.windows(2) {
        let (these, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
        places.push(these);
        rest = tail;
    }
    offsets[1..].par_chunks_mut(run).zip(places).zip(bounds).enumerate().for_each(|(r, ((ends, places), base))| {
        let lo = r * run;
        items.items().rev().for_each(|(k, place)| {
            if let Some(end) = k.checked_sub(lo).and_then(|k| ends.get_mut(k)) {
                *end -= 1;
                places[(*end - base) as usize] = place;
            }
        });
    });
    // Each end now is the key's start: shifted back by one place, they are the offsets.
    offsets.rotate_left(1);
    offsets[keys] = order.len() as u32;
    (offsets, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys in a slice, each item's place its position.
    struct Keys<'a>(&'a [u32]);

    impl Keyed for Keys<'_> {
        type Place = u32;
        fn items(&self) -> impl DoubleEndedIterator<Item = (usize, u32)> {
            self.0.iter().enumerate().map(|(i, &k)| (k as usize, i as u32))
        }
    }

    /// Every key gets its items' positions in input order, the same whatever the number of runs
    /// (none, one, more than keys); keys out of range are left out.
    #[test]
    fn items_are_grouped_by_key_in_input_order_whatever_the_runs() {
        let keys = 1_000;
        let items: Vec<u32> = (0..20_000u64).map(|i| ((i * 7919 + i / 13) % (keys as u64 + 5)) as u32).collect();
        let mut expected: Vec<Vec<u32>> = vec![Vec::new(); keys];
        for (i, &k) in items.iter().enumerate() {
            if (k as usize) < keys {
                expected[k as usize].push(i as u32);
            }
        }
        let kept: usize = expected.iter().map(Vec::len).sum();
        assert!(kept < items.len(), "some keys out of range");
        for runs in [0, 1, 2, 3, 7, 64, keys, keys + 3] {
            let (offsets, order) = group_by_key(&Keys(&items), keys, runs);
            assert_eq!(offsets.len(), keys + 1);
            assert_eq!(offsets[keys] as usize, kept);
            for (k, want) in expected.iter().enumerate() {
                assert_eq!(
                    &order[offsets[k] as usize..offsets[k + 1] as usize],
                    want.as_slice(),
                    "{runs} runs, key {k}"
                );
            }
        }
        let (offsets, order) = group_by_key(&Keys(&[]), 0, 4);
        assert!(offsets == [0] && order.is_empty());
    }
}
