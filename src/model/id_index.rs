//! Party ids to positions: the table every input resolves its relations' ends through, and the
//! "did you mean" index of unknown ids.
//!
//! The table is open addressing with linear probing, kept at most half full. A slot holds the
//! party's position and, for an id of up to [`INLINE`] bytes (most are), the id itself: a
//! look-up reads one slot, usually one cache line, and never the party. `hashbrown` read its
//! control bytes and then its slot, two cache misses per look-up of a table larger than the
//! cache, and could not be told to fetch a slot ahead ([`IdIndex::prefetch`]): the look-ups of
//! the relations' ends were a quarter of the processor time of loading 3.5 M companies.
//!
//! The table is split in [`SHARDS`] tables by the top bits of the mixed hash, so that many
//! parties are indexed on every thread at once ([`IdIndex::index_range`]).

use std::hash::BuildHasher;

use super::party::{Party, PartyIdx};

/// Tables of an [`IdIndex`].
const SHARDS: usize = 8;

/// Room for an id in a slot.
const INLINE: usize = 11;

/// The first key byte of a slot whose id is longer than [`INLINE`]: its key holds the hash
/// instead, and the id is compared with the party's.
const LONG: u8 = u8::MAX;

/// One slot: `party` is the position plus one (0: empty, so a table starts as zeroed memory);
/// `key` is the id's length and bytes, zero-padded, or [`LONG`] and the id's hash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(16))]
struct Slot {
    party: u32,
    key: [u8; 12],
}

/// The key a slot holds for `id` of hash `hash`.
fn key_of(id: &str, hash: u64) -> [u8; 12] {
    let mut key = [0u8; 12];
    if id.len() <= INLINE {
        key[0] = id.len() as u8;
        key[1..=id.len()].copy_from_slice(id.as_bytes());
    } else {
        key[0] = LONG;
        key[4..].copy_from_slice(&hash.to_le_bytes());
    }
    key
}

/// The hash of the id a key was made of (the id being read from the party for a long one).
fn hash_of_key(key: &[u8; 12]) -> u64 {
    if key[0] == LONG {
        let mut h = [0u8; 8];
        h.copy_from_slice(&key[4..]);
        u64::from_le_bytes(h)
    } else {
        IdIndex::hash(std::str::from_utf8(&key[1..=key[0] as usize]).unwrap_or(""))
    }
}

/// The hash mixed once more, so that positions and tables come from well-spread bits whatever
/// the ids (sequential numbers are the rule).
fn mixed(hash: u64) -> u64 {
    (hash ^ (hash >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Slots per id held: a table is at most half full, where linear probing reads 1.5 slots per id
/// found (four slots to a cache line) and 2.5 per id absent, on average.
const ROOM: usize = 2;

/// One table: any number of slots (or none), at most half of them used. Not a power of two:
/// rounding up to one made the table of 2.2 M parties 134 MB instead of 70.
#[derive(Clone, Debug, Default)]
struct Table {
    slots: Vec<Slot>,
    used: usize,
}

impl Table {
    /// The first slot to probe for `hash`: the bits below the three that choose the table,
    /// scaled to the number of slots (a multiply and a shift instead of a division).
    fn home(&self, hash: u64) -> usize {
        (((mixed(hash) << 3) as u128 * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot probed after slot `i`.
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() { 0 } else { i + 1 }
    }

    fn find(&self, parties: &[Party], id: &str, key: &[u8; 12], hash: u64) -> Option<PartyIdx> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = self.home(hash);
        loop {
            let slot = self.slots[i];
            if slot.party == 0 {
                return None;
            }
            let at = PartyIdx::new(slot.party as usize - 1);
            if slot.key == *key && (key[0] != LONG || parties.get(at.index()).is_some_and(|p| p.id == id)) {
                return Some(at);
            }
            i = self.next(i);
        }
    }

    /// Room for `more` ids beyond those held, [`ROOM`] slots each; a table that must grow at
    /// least doubles, so that ids added one at a time cost amortised O(1).
    fn reserve(&mut self, more: usize) {
        let want = (self.used + more).saturating_mul(ROOM).max(16);
        if want <= self.slots.len() {
            return;
        }
        let want = if self.slots.is_empty() { want } else { want.max(self.slots.len().saturating_mul(2)) };
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); want]);
        for slot in old.into_iter().filter(|s| s.party != 0) {
            let mut i = self.home(hash_of_key(&slot.key));
            while self.slots[i].party != 0 {
                i = self.next(i);
            }
            self.slots[i] = slot;
        }
    }

    /// Holds the party at `idx` under its id, unless the id is taken: then the position of the
    /// party that has it.
    fn insert(&mut self, parties: &[Party], idx: PartyIdx, hash: u64) -> Option<PartyIdx> {
        let id = parties[idx.index()].id.as_str();
        let key = key_of(id, hash);
        if let Some(first) = self.find(parties, id, &key, hash) {
            return Some(first);
        }
        self.reserve(1);
        let mut i = self.home(hash);
        while self.slots[i].party != 0 {
            i = self.next(i);
        }
        self.slots[i] = Slot { party: idx.raw() + 1, key };
        self.used += 1;
        None
    }
}

/// Party ids to positions (see the module's documentation).
#[derive(Debug)]
pub(super) struct IdIndex {
    shards: Box<[Table]>,
    /// The ids in the orders "did you mean" searches, made at the first unknown id (and made
    /// again if a party is added after it).
    near: std::sync::OnceLock<NearIndex>,
}

impl Default for IdIndex {
    fn default() -> IdIndex {
        IdIndex { shards: (0..SHARDS).map(|_| Table::default()).collect(), near: Default::default() }
    }
}

impl Clone for IdIndex {
    fn clone(&self) -> IdIndex {
        IdIndex { shards: self.shards.clone(), near: std::sync::OnceLock::new() }
    }
}

impl IdIndex {
    /// The hash of an id (also what [`super::Recent`] remembers).
    pub(super) fn hash(id: &str) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// The table of a hash: the top three bits of the mixed hash.
    fn shard(hash: u64) -> usize {
        (mixed(hash) >> 61) as usize & (SHARDS - 1)
    }

    pub(super) fn get(&self, parties: &[Party], id: &str) -> Option<PartyIdx> {
        self.get_hashed(parties, id, Self::hash(id))
    }

    pub(super) fn get_hashed(&self, parties: &[Party], id: &str, hash: u64) -> Option<PartyIdx> {
        self.shards[Self::shard(hash)].find(parties, id, &key_of(id, hash), hash)
    }

    /// Asks the processor to bring the first slot a look-up of `hash` reads into the cache, so
    /// that a reader resolving many ids can overlap their cache misses. Only a hint.
    pub(super) fn prefetch(&self, hash: u64) {
        let table = &self.shards[Self::shard(hash)];
        if let Some(slot) = table.slots.get(if table.slots.is_empty() { 0 } else { table.home(hash) }) {
            prefetch_read(slot);
        }
    }

    /// Indexes the party at `idx` (already in `parties`), unless its id is taken: then the
    /// position of the party that has it. One probe for both.
    pub(super) fn insert_new(&mut self, parties: &[Party], idx: PartyIdx) -> Option<PartyIdx> {
        self.near.take();
        let hash = Self::hash(&parties[idx.index()].id);
        self.shards[Self::shard(hash)].insert(parties, idx, hash)
    }

    /// Indexes the parties at `range` (already in `parties`) on every thread: each table takes
    /// its parties in the order of their positions, so an id met again is found taken by its
    /// first party, as one insertion after the other would find it. Returns each party whose id
    /// was taken with the party that has it (ordered by position); those are not indexed.
    pub(super) fn index_range(
        &mut self,
        parties: &[Party],
        range: std::ops::Range<usize>,
    ) -> Vec<(PartyIdx, PartyIdx)> {
        use rayon::prelude::*;
        self.near.take();
        let start = range.start;
        const CHUNK: usize = 1 << 16;
        // The positions of each table's parties, chunk by chunk: in order within each table.
        // Hashes are computed again when inserting (short ids hash in nanoseconds; a vector of
        // them was 8 bytes of fresh memory per party).
        let chunks: Vec<Vec<Vec<u32>>> = parties[range]
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, ps)| {
                let mut lists: Vec<Vec<u32>> =
                    (0..SHARDS).map(|_| Vec::with_capacity(ps.len() / SHARDS + 16)).collect();
                for (i, p) in ps.iter().enumerate() {
                    lists[Self::shard(Self::hash(&p.id))].push((c * CHUNK + i) as u32);
                }
                lists
            })
            .collect();
        let mut taken: Vec<(PartyIdx, PartyIdx)> = self
            .shards
            .par_iter_mut()
            .enumerate()
            .flat_map_iter(|(s, table)| {
                table.reserve(chunks.iter().map(|lists| lists[s].len()).sum());
                let mut taken = Vec::new();
                for &i in chunks.iter().flat_map(|lists| &lists[s]) {
                    let idx = PartyIdx::new(start + i as usize);
                    let hash = Self::hash(&parties[idx.index()].id);
                    if let Some(first) = table.insert(parties, idx, hash) {
                        taken.push((idx, first));
                    }
                }
                taken
            })
            .collect();
        taken.sort_unstable();
        taken
    }

    /// Ids near `id` ([`NearIndex`]), the index made at the first call.
    pub(super) fn similar<'a>(&self, parties: &'a [Party], id: &str) -> Vec<&'a str> {
        self.near.get_or_init(|| NearIndex::build(parties)).similar(parties, id)
    }

    /// The index of `parties`, whose ids are known to differ (the first party keeps an id
    /// repeated all the same), made on every thread.
    pub(super) fn of(parties: &[Party]) -> IdIndex {
        let mut index = IdIndex::default();
        index.index_range(parties, 0..parties.len());
        index
    }

    /// Room for about `additional` more ids.
    pub(super) fn reserve(&mut self, additional: usize) {
        // The tables share the parties evenly, give or take a few.
        let each = additional / SHARDS + additional / (SHARDS * 16) + 16;
        for table in self.shards.iter_mut() {
            table.reserve(each);
        }
    }
}

/// A hint to fetch the cache line of `value`; nothing on processors without one.
fn prefetch_read<T>(value: &T) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: the `sse` feature this needs is enabled (the `cfg` above; every x86-64 has
        // it), and a prefetch reads nothing the program sees: it cannot fault, whatever the
        // address, and here the address is that of a live reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = value;
}

/// Most ids suggested for an unknown one.
pub const MAX_SUGGESTIONS: usize = 3;

/// Neighbours taken on each side of an unknown id in each order of [`NearIndex`].
const NEAR_NEIGHBOURS: usize = 8;

/// The ids sorted for "did you mean" (issue 13: 20 000 unknown ids against every party took
/// 124 s): by their lower-case text, and by its reverse. The candidates for an unknown id are
/// its neighbours in both orders, the ids sharing the longest beginning or ending with it, so a
/// typo anywhere but at both ends is found; each is then measured by edit distance. The index is
/// O(n log n) once; each unknown id costs O(log n) comparisons and a fixed number of distances.
#[derive(Debug, Default)]
struct NearIndex {
    forward: Vec<PartyIdx>,
    backward: Vec<PartyIdx>,
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn lower_reversed(s: &str) -> String {
    s.to_lowercase().chars().rev().collect()
}

impl NearIndex {
    fn build(parties: &[Party]) -> NearIndex {
        let sorted = |key: fn(&str) -> String| {
            let mut v: Vec<PartyIdx> = (0..parties.len()).map(PartyIdx::new).collect();
            v.sort_by_cached_key(|&p| key(&parties[p.index()].id));
            v
        };
        NearIndex { forward: sorted(lower), backward: sorted(lower_reversed) }
    }

    /// Up to [`MAX_SUGGESTIONS`] ids near `id`: within an edit distance of a third of its
    /// length (at least 1), or (for ids of three or more characters) containing it or contained
    /// in it; nearest first.
    fn similar<'a>(&self, parties: &'a [Party], id: &str) -> Vec<&'a str> {
        let low = lower(id);
        let len = low.chars().count();
        let limit = (len / 3).max(1);
        let mut candidates: Vec<PartyIdx> = Vec::with_capacity(4 * NEAR_NEIGHBOURS);
        for (order, key, probe) in [
            (&self.forward, lower as fn(&str) -> String, low.clone()),
            (&self.backward, lower_reversed, lower_reversed(id)),
        ] {
            let at = order.partition_point(|&p| key(&parties[p.index()].id) < probe);
            let from = at.saturating_sub(NEAR_NEIGHBOURS);
            candidates.extend(&order[from..(at + NEAR_NEIGHBOURS).min(order.len())]);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut hits: Vec<(usize, &str)> = candidates
            .into_iter()
            .filter_map(|p| {
                let c = parties[p.index()].id.as_str();
                let cl = lower(c);
                let contains = len >= 3 && (cl.contains(&low) || low.contains(&cl));
                if !contains && cl.chars().count().abs_diff(len) > limit {
                    return None;
                }
                let d = strsim::levenshtein(&cl, &low);
                (d <= limit || contains).then_some((d, c))
            })
            .collect();
        hits.sort_unstable();
        hits.into_iter().take(MAX_SUGGESTIONS).map(|(_, c)| c).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartyKind;

    /// Indexing many parties at once finds the same repeated ids, each with its first use, and
    /// the same positions, as inserting them one after the other; short ids and long ones.
    #[test]
    fn indexing_at_once_agrees_with_one_insertion_after_the_other() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20 {
            let n = 1 + (next() % 5_000) as usize;
            let parties: Vec<Party> = (0..n)
                .map(|_| {
                    let k = next() % (n as u64 * 3 / 2 + 1);
                    let id = if k.is_multiple_of(3) { format!("a-long-identifier-{k}") } else { format!("p{k}") };
                    Party::new(id, PartyKind::Person)
                })
                .collect();
            let mut one = IdIndex::default();
            let expected: Vec<(PartyIdx, PartyIdx)> = (0..n)
                .filter_map(|i| one.insert_new(&parties, PartyIdx::new(i)).map(|first| (PartyIdx::new(i), first)))
                .collect();
            let split = (next() as usize) % n;
            let mut at_once = IdIndex::default();
            let mut taken = at_once.index_range(&parties, 0..split);
            taken.extend(at_once.index_range(&parties, split..n));
            assert_eq!(taken, expected, "round {round}");
            for p in &parties {
                assert_eq!(at_once.get(&parties, &p.id), one.get(&parties, &p.id), "round {round}: {}", p.id);
            }
            assert_eq!(at_once.get(&parties, "absent"), None);
        }
    }

    /// Sequential ids, the rule in registers, spread over the slots: a look-up probes about as
    /// many slots as with random keys at this load (linear probing, half full: 1.5 on average),
    /// never a long run.
    #[test]
    fn sequential_ids_are_found_in_few_probes() {
        let parties: Vec<Party> = (0..200_000)
            .map(|i| {
                Party::new(if i % 2 == 0 { format!("P{i}") } else { format!("1027700{i:06}") }, PartyKind::Company)
            })
            .collect();
        let index = IdIndex::of(&parties);
        let (mut total, mut longest) = (0usize, 0usize);
        for (i, p) in parties.iter().enumerate() {
            let hash = IdIndex::hash(&p.id);
            let table = &index.shards[IdIndex::shard(hash)];
            let mut at = table.home(hash);
            let mut probes = 1;
            while table.slots[at].party != i as u32 + 1 {
                at = table.next(at);
                probes += 1;
            }
            total += probes;
            longest = longest.max(probes);
            assert_eq!(index.get(&parties, &p.id), Some(PartyIdx::new(i)));
        }
        let mean = total as f64 / parties.len() as f64;
        // Random keys at this load: 1.5 probes on average; the longest of 25 000 runs about
        // ln(25 000) / (α - 1 - ln α) = 52 at α = 1/2.
        assert!(mean < 1.6, "mean probes {mean}");
        assert!(longest < 80, "longest run {longest}");
        // Two slots per id, not rounded up to a power of two (which took 2.6 here).
        let slots: usize = index.shards.iter().map(|t| t.slots.len()).sum();
        assert_eq!(slots, 2 * parties.len());
    }

    /// Ids added one at a time grow the tables by doubling, and every id stays found, those
    /// whose probes wrap past a table's last slot among them.
    #[test]
    fn ids_added_one_by_one_are_all_found() {
        let parties: Vec<Party> = (0..5_000).map(|i| Party::new(format!("ИНН{i:010}"), PartyKind::Company)).collect();
        let mut index = IdIndex::default();
        for i in 0..parties.len() {
            assert_eq!(index.insert_new(&parties, PartyIdx::new(i)), None);
        }
        for (i, p) in parties.iter().enumerate() {
            assert_eq!(index.get(&parties, &p.id), Some(PartyIdx::new(i)), "{}", p.id);
            assert_eq!(index.insert_new(&parties, PartyIdx::new(i)), Some(PartyIdx::new(i)));
        }
        for t in index.shards.iter() {
            assert!(t.used * 2 <= t.slots.len() && t.slots.len() <= t.used * 4 + 32, "{} in {}", t.used, t.slots.len());
        }
        assert_eq!(index.get(&parties, "ИНН9999999999"), None);
    }
}
