//! The binary snapshot of a loaded, validated graph (`owngraph index GRAPH -o register.og`):
//! read back in a fraction of the time of the CSV pair or JSON it was made from, by every
//! command, and read in part by `screen --changes` (issue 15).
//!
//! Layout (format 2), little-endian throughout: a header (the magic `OWNGRAPH-SNAP` and a NUL,
//! the format version, the block size, the body's length, the number of blocks, the CRC-32 of
//! the block table, where each section of the body lies, and the header's own CRC-32), the
//! block table (the CRC-32 of each 4 KiB block of the body), then the body's sections:
//!
//! - `meta`: the as-of date and the counts;
//! - `parties`, `relations`: the records one after another (relations name their ends as party
//!   positions, so no id is looked up again; shares as 64-bit numerator and denominator, or
//!   their text when larger), then the quarantined records;
//! - the indexes a partial reader needs: where each party and relation record starts, the
//!   relations into and out of each party (compressed rows of relation positions), and the
//!   ids in order with the party position of each, and every 64th id's place (a lookup is a
//!   binary search over those, then a scan of 64 ids).
//!
//! Both readers map the file into memory ([`Snapshot`]). The whole reader checks every block
//! on every thread, decodes the records in parallel runs placed by the record offsets, releases
//! the pages behind it, proves the ids distinct from the sorted id section (so the graph's id
//! table waits for its first look-up) and checks the graph as any input is checked (it costs
//! little next to parsing text). The partial reader checks only the blocks it reads, so one
//! party, its relations or an id lookup cost what they touch. A file whose magic, version,
//! lengths or checksums do not match is refused with the reason.
//!
//! The graph is the one in force on the date it was indexed: `index --as-of DATE` chooses it,
//! and a command reading the snapshot answers as of that date.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::InputErrors;
use crate::fraction::{Fraction, Share};
use crate::model::{
    Country, DeclaredStatus, DisposalBasis, Graph, GraphBuilder, Interest, Origin, Party, PartyDetails, PartyIdx,
    PartyKind, Relation, RelationMeta,
};

/// The first bytes of every snapshot.
pub const MAGIC: &[u8; 14] = b"OWNGRAPH-SNAP\0";
/// The format version this build writes and reads.
pub const VERSION: u32 = 2;
/// The bytes each checksum of the block table covers.
pub const BLOCK: usize = 1 << 12;
/// The sections of the body, in file order.
const META: usize = 0;
const PARTIES: usize = 1;
const RELATIONS: usize = 2;
const QUARANTINE: usize = 3;
const PARTY_AT: usize = 4;
const RELATION_AT: usize = 5;
const IN_AT: usize = 6;
const IN_ITEMS: usize = 7;
const OUT_AT: usize = 8;
const OUT_ITEMS: usize = 9;
const ID_ORDER: usize = 10;
const ID_KEYS: usize = 11;
const ID_FENCE: usize = 12;
const SECTIONS: usize = 13;
/// Ids per entry of the id fence: a lookup reads the fence, then one run of this many ids.
const FENCE: usize = 64;
/// Magic, version, block size, body length, blocks, table CRC, sections, header CRC.
const HEADER: usize = MAGIC.len() + 4 + 4 + 8 + 4 + 4 + SECTIONS * 16 + 4;

/// True when the file at `path` starts like a snapshot.
pub fn is_snapshot(path: &Path) -> bool {
    let mut head = [0u8; MAGIC.len()];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok() && &head == MAGIC
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.str(s);
        }
    }
    fn date(&mut self, d: Option<NaiveDate>) {
        match d {
            Some(d) => {
                self.u8(1);
                self.i64(i64::from(chrono::Datelike::num_days_from_ce(&d)));
            }
            None => self.u8(0),
        }
    }
    fn country(&mut self, c: Option<Country>) {
        let s = c.map(|c| c.as_str().to_string()).unwrap_or_default();
        let b = s.as_bytes();
        self.u8(b.first().copied().unwrap_or(0));
        self.u8(b.get(1).copied().unwrap_or(0));
    }
    fn share(&mut self, s: &Share) {
        match s.value().small_parts() {
            Some((n, d)) => {
                self.u8(0);
                self.i64(n);
                self.i64(d);
            }
            None => {
                self.u8(1);
                self.str(&s.value().to_string());
            }
        }
    }
    fn origin(&mut self, o: Origin) {
        self.u32(o.index);
        self.u32(o.line);
    }
}

fn write_party(w: &mut Writer, p: &Party) {
    w.str(&p.id);
    w.u8(PartyKind::ALL.iter().position(|k| *k == p.kind).unwrap_or(0) as u8);
    w.str(&p.name);
    w.country(p.country);
    w.u32(p.citizenship.len() as u32);
    for c in &p.citizenship {
        w.country(Some(*c));
    }
    match &p.details {
        None => w.u8(0),
        Some(d) => {
            w.u8(1);
            w.opt_str(d.inn.as_deref());
            w.opt_str(d.ogrn.as_deref());
            w.opt_str(d.document.as_deref());
            w.opt_str(d.address.as_deref());
            match &d.declared {
                None => w.u8(0),
                Some(s) => {
                    w.u8(1);
                    let flag = |v: Option<bool>| match v {
                        None => 0,
                        Some(false) => 1,
                        Some(true) => 2,
                    };
                    w.u8(flag(s.ru));
                    w.u8(flag(s.eaeu));
                    w.str(&s.reason);
                }
            }
            w.strs(&d.notes);
            w.u8(u8::from(d.stateless));
            w.opt_str(d.citizenship_source.as_deref());
        }
    }
    w.origin(p.origin);
}

fn write_relation(w: &mut Writer, r: &Relation) {
    w.u32(r.from.raw());
    w.u32(r.to.raw());
    match &r.interest() {
        Interest::Shares { capital, votes } => {
            w.u8(0);
            w.share(capital);
            w.share(votes);
        }
        Interest::VoteDisposal { votes, basis, of } => {
            w.u8(1);
            w.share(votes);
            w.u8(DisposalBasis::ALL.iter().position(|b| b == basis).unwrap_or(0) as u8);
            w.u32(of.map_or(u32::MAX, PartyIdx::raw));
        }
        Interest::DecisionRights => w.u8(2),
        Interest::Appoints { sole_executive, executive_board, board } => {
            w.u8(3);
            w.u8(u8::from(*sole_executive));
            w.share(executive_board);
            w.share(board);
        }
        Interest::ManagementCompany => w.u8(4),
        Interest::Governs { share } => {
            w.u8(5);
            w.share(share);
        }
        Interest::Influence => w.u8(6),
    }
    w.date(r.since);
    w.date(r.until);
    match &r.meta {
        None => w.u8(0),
        Some(m) => {
            w.u8(1);
            w.opt_str(m.source.as_deref());
            w.opt_str(m.id.as_deref());
            w.strs(&m.notes);
        }
    }
    w.origin(r.origin);
}

/// Compressed rows: for each party the positions of the relations `key` gives it.
fn rows(n: usize, relations: &[Relation], key: impl Fn(&Relation) -> usize) -> (Writer, Writer) {
    let mut at = vec![0u32; n + 1];
    for r in relations {
        at[key(r) + 1] += 1;
    }
    for i in 0..n {
        at[i + 1] += at[i];
    }
    let mut fill = at.clone();
    let mut items = vec![0u32; relations.len()];
    for (i, r) in relations.iter().enumerate() {
        let k = key(r);
        items[fill[k] as usize] = i as u32;
        fill[k] += 1;
    }
    let (mut a, mut b) = (Writer(Vec::with_capacity(4 * at.len())), Writer(Vec::with_capacity(4 * items.len())));
    at.iter().for_each(|&v| a.u32(v));
    items.iter().for_each(|&v| b.u32(v));
    (a, b)
}

/// The sections of the snapshot of `graph`, in file order.
fn sections(graph: &Graph) -> [Vec<u8>; SECTIONS] {
    use rayon::prelude::*;
    let (n, m) = (graph.len(), graph.relations().len());
    let mut meta = Writer(Vec::new());
    meta.date(Some(graph.as_of()));
    meta.u64(graph.excluded_by_date() as u64);
    meta.u64(n as u64);
    meta.u64(m as u64);
    meta.u64(graph.quarantined().len() as u64);
    let mut parties = Writer(Vec::with_capacity(48 * n));
    let mut party_at = Writer(Vec::with_capacity(8 * (n + 1)));
    for p in graph.parties() {
        party_at.u64(parties.0.len() as u64);
        write_party(&mut parties, p);
    }
    party_at.u64(parties.0.len() as u64);
    let mut relations = Writer(Vec::with_capacity(40 * m));
    let mut relation_at = Writer(Vec::with_capacity(8 * (m + 1)));
    for r in graph.relations() {
        relation_at.u64(relations.0.len() as u64);
        write_relation(&mut relations, r);
    }
    relation_at.u64(relations.0.len() as u64);
    let mut quarantine = Writer(Vec::new());
    for q in graph.quarantined() {
        quarantine.u32(q.party.raw());
        quarantine.strs(&q.reasons);
    }
    let (in_at, in_items) = rows(n, graph.relations(), |r| r.to.index());
    let (out_at, out_items) = rows(n, graph.relations(), |r| r.from.index());
    let mut order: Vec<u32> = (0..n as u32).collect();
    let ps = graph.parties();
    order.par_sort_unstable_by(|&a, &b| ps[a as usize].id.as_bytes().cmp(ps[b as usize].id.as_bytes()));
    let mut ids = Writer(Vec::with_capacity(4 * n));
    order.iter().for_each(|&v| ids.u32(v));
    let (mut keys, mut fence) = (Writer(Vec::with_capacity(16 * n)), Writer(Vec::with_capacity(8 * n / FENCE + 8)));
    for (k, &v) in order.iter().enumerate() {
        if k % FENCE == 0 {
            fence.u64(keys.0.len() as u64);
        }
        keys.str(&ps[v as usize].id);
    }
    let sections: [Vec<u8>; SECTIONS] = [
        meta.0,
        parties.0,
        relations.0,
        quarantine.0,
        party_at.0,
        relation_at.0,
        in_at.0,
        in_items.0,
        out_at.0,
        out_items.0,
        ids.0,
        keys.0,
        fence.0,
    ];
    sections
}

/// The snapshot of `graph`, header included.
pub fn encode(graph: &Graph) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    match write(graph, &mut out) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

/// Writes the snapshot of `graph` (whole or not at all is the caller's concern), section by
/// section, never holding the file twice; returns its length.
pub fn write(graph: &Graph, out: &mut dyn std::io::Write) -> std::io::Result<u64> {
    let sections = sections(graph);
    let body_len: usize = sections.iter().map(Vec::len).sum();
    let blocks = body_len.div_ceil(BLOCK);
    // The checksum of each block of the body, blocks running across sections.
    let mut table = Vec::with_capacity(4 * blocks);
    let (mut hasher, mut filled) = (crc32fast::Hasher::new(), 0usize);
    for s in &sections {
        let mut rest = &s[..];
        while !rest.is_empty() {
            let take = (BLOCK - filled).min(rest.len());
            hasher.update(&rest[..take]);
            (filled, rest) = (filled + take, &rest[take..]);
            if filled == BLOCK {
                table.extend_from_slice(&std::mem::take(&mut hasher).finalize().to_le_bytes());
                filled = 0;
            }
        }
    }
    if filled > 0 {
        table.extend_from_slice(&hasher.finalize().to_le_bytes());
    }
    let mut head = Vec::with_capacity(HEADER);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&VERSION.to_le_bytes());
    head.extend_from_slice(&(BLOCK as u32).to_le_bytes());
    head.extend_from_slice(&(body_len as u64).to_le_bytes());
    head.extend_from_slice(&(blocks as u32).to_le_bytes());
    head.extend_from_slice(&crc32fast::hash(&table).to_le_bytes());
    let mut at = 0u64;
    for s in &sections {
        head.extend_from_slice(&at.to_le_bytes());
        head.extend_from_slice(&(s.len() as u64).to_le_bytes());
        at += s.len() as u64;
    }
    let crc = crc32fast::hash(&head);
    head.extend_from_slice(&crc.to_le_bytes());
    out.write_all(&head)?;
    out.write_all(&table)?;
    for s in &sections {
        out.write_all(s)?;
    }
    Ok((HEADER + table.len() + body_len) as u64)
}

/// Why a snapshot cannot be read.
type Bad = String;

/// What the header says.
struct Header {
    /// The CRC-32 of each block of the body.
    table: Vec<u32>,
    /// Where each section lies in the body: offset, length.
    sections: [(u64, u64); SECTIONS],
}

impl Header {
    /// Where the body starts in the file.
    fn body_start(&self) -> u64 {
        (HEADER + 4 * self.table.len()) as u64
    }
}

/// Reads and checks the header and block table of a file `size` bytes long.
fn read_header(input: &mut impl std::io::Read, size: u64) -> Result<Header, Bad> {
    let mut head = [0u8; HEADER];
    if size < MAGIC.len() as u64 {
        return Err("not an owngraph snapshot".into());
    }
    input.read_exact(&mut head[..MAGIC.len()]).map_err(|e| format!("cannot read: {e}"))?;
    if &head[..MAGIC.len()] != MAGIC {
        return Err("not an owngraph snapshot".into());
    }
    let n = (size.min(HEADER as u64) as usize).max(MAGIC.len());
    input.read_exact(&mut head[MAGIC.len()..n]).map_err(|e| format!("cannot read: {e}"))?;
    let field = |at: usize, len: usize| -> u64 {
        let mut a = [0u8; 8];
        a[..len].copy_from_slice(&head[at..at + len]);
        u64::from_le_bytes(a)
    };
    if n >= MAGIC.len() + 4 {
        let version = field(MAGIC.len(), 4) as u32;
        if version != VERSION {
            return Err(format!(
                "snapshot format {version}, this owngraph reads format {VERSION}: index the graph again (owngraph index GRAPH -o FILE)"
            ));
        }
    }
    if n < HEADER {
        return Err("the snapshot ends inside its header: it is truncated".into());
    }
    let crc = field(HEADER - 4, 4) as u32;
    if crc32fast::hash(&head[..HEADER - 4]) != crc {
        return Err("the snapshot header's checksum does not match: the file is damaged".into());
    }
    let mut at = MAGIC.len() + 4;
    let mut next = |len: usize| {
        let v = field(at, len);
        at += len;
        v
    };
    let block = next(4);
    let body_len = next(8);
    let blocks = next(4);
    let table_crc = next(4) as u32;
    let mut sections = [(0u64, 0u64); SECTIONS];
    for s in &mut sections {
        *s = (next(8), next(8));
    }
    if block != BLOCK as u64 || blocks != body_len.div_ceil(BLOCK as u64) {
        return Err("the snapshot's block table does not fit its length: the file is damaged".into());
    }
    let whole = (HEADER as u64).checked_add(4 * blocks).and_then(|v| v.checked_add(body_len));
    if whole != Some(size) {
        return Err(format!(
            "the snapshot is {size} bytes long where its header says {}: it is truncated",
            whole.map_or("more".to_string(), |w| w.to_string())
        ));
    }
    let mut raw = vec![0u8; 4 * blocks as usize];
    input.read_exact(&mut raw).map_err(|e| format!("cannot read: {e}"))?;
    if crc32fast::hash(&raw) != table_crc {
        return Err("the snapshot's block table checksum does not match: the file is damaged".into());
    }
    let table = raw.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    // The sections follow each other and fill the body.
    let mut end = 0u64;
    for &(off, len) in &sections {
        if off != end {
            return Err("the snapshot's sections do not follow each other: the file is damaged".into());
        }
        end = off.checked_add(len).ok_or("a section of the snapshot is longer than the file")?;
    }
    if end != body_len {
        return Err("the snapshot's sections do not fill its body: the file is damaged".into());
    }
    Ok(Header { table, sections })
}

/// A source of the body's bytes, field by field.
trait Source {
    /// Fills `buf`, or fails when the section ends first.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Bad>;
    /// Bytes left in the section.
    fn left(&self) -> u64;

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Bad> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }
    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> Result<u32, Bad> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, Bad> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn i64(&mut self) -> Result<i64, Bad> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    fn str(&mut self) -> Result<String, Bad> {
        let n = self.u32()? as usize;
        if n as u64 > self.left() {
            return Err("the snapshot ends too early".into());
        }
        let mut b = vec![0u8; n];
        self.fill(&mut b)?;
        String::from_utf8(b).map_err(|_| "a text in the snapshot is not UTF-8".into())
    }
    fn opt_str(&mut self) -> Result<Option<String>, Bad> {
        Ok(if self.u8()? == 1 { Some(self.str()?) } else { None })
    }
    fn strs(&mut self) -> Result<Vec<String>, Bad> {
        let n = self.u32()? as usize;
        // Never reserve more than the bytes left could hold.
        let mut v = Vec::with_capacity(n.min(self.left() as usize / 4));
        for _ in 0..n {
            v.push(self.str()?);
        }
        Ok(v)
    }
    fn date(&mut self) -> Result<Option<NaiveDate>, Bad> {
        if self.u8()? == 0 {
            return Ok(None);
        }
        let days = i32::try_from(self.i64()?).map_err(|_| "a date out of range")?;
        NaiveDate::from_num_days_from_ce_opt(days).map(Some).ok_or_else(|| "a date out of range".into())
    }
    fn country(&mut self) -> Result<Option<Country>, Bad> {
        let b: [u8; 2] = self.array()?;
        if b == [0, 0] {
            return Ok(None);
        }
        let s = std::str::from_utf8(&b).map_err(|_| "a country code is not text")?;
        Country::parse(s).map(Some).map_err(String::from)
    }
    fn share(&mut self) -> Result<Share, Bad> {
        let f = match self.u8()? {
            0 => {
                let (n, d) = (self.i64()?, self.i64()?);
                Fraction::from_small_parts(n, d).ok_or("a share in the snapshot is not a fraction in lowest terms")?
            }
            _ => Fraction::parse(&self.str()?).map_err(|e| e.0)?,
        };
        Share::new(f).map_err(|e| e.0)
    }
    fn origin(&mut self) -> Result<Origin, Bad> {
        Ok(Origin { index: self.u32()?, line: self.u32()? })
    }
    fn party_idx(&mut self, n: usize) -> Result<PartyIdx, Bad> {
        let i = self.u32()? as usize;
        if i < n { Ok(PartyIdx::new(i)) } else { Err("a relation names a party the snapshot does not have".into()) }
    }
}

fn damaged(block: usize) -> Bad {
    format!(
        "the snapshot's checksum does not match in block {block} (bytes {} to {} of its body): the file is damaged",
        block * BLOCK,
        (block + 1) * BLOCK
    )
}

/// Records decoded per task by the whole reader.
const RUN: usize = 1 << 13;

/// Runs decoded at once by the whole reader (a quarter of a million records).
const WAVE: usize = 32;

/// Blocks checked per task by [`Snapshot::check_all`].
const CHECK_RUN: usize = 256;

/// Fields of bytes already checked.
struct Cursor<'a>(&'a [u8]);

impl Source for Cursor<'_> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Bad> {
        let (head, tail) = self.0.split_at_checked(buf.len()).ok_or("the snapshot ends too early")?;
        buf.copy_from_slice(head);
        self.0 = tail;
        Ok(())
    }
    fn left(&self) -> u64 {
        self.0.len() as u64
    }
}

/// The graph in a snapshot's bytes (header included).
pub fn decode(bytes: &[u8]) -> Result<Graph, Bad> {
    Snapshot::from_vec(bytes.to_vec())?.whole()
}

/// The as-of date and the numbers of parties, relations and quarantined records.
fn read_meta(r: &mut impl Source) -> Result<(NaiveDate, usize, usize, usize), Bad> {
    let as_of = r.date()?.ok_or("the snapshot has no date")?;
    let _excluded = r.u64()?;
    let n = usize::try_from(r.u64()?).map_err(|_| "too many parties")?;
    let m = usize::try_from(r.u64()?).map_err(|_| "too many relations")?;
    let q = usize::try_from(r.u64()?).map_err(|_| "too many quarantined records")?;
    if n > u32::MAX as usize || m > u32::MAX as usize {
        return Err("the snapshot counts more parties or relations than it can hold".into());
    }
    Ok((as_of, n, m, q))
}

fn read_party(r: &mut impl Source) -> Result<Party, Bad> {
    let id = r.str()?;
    let kind = *PartyKind::ALL.get(r.u8()? as usize).ok_or("an unknown party kind")?;
    let name = r.str()?;
    let mut party = Party {
        id: id.into(),
        kind,
        name: name.into(),
        country: r.country()?,
        citizenship: Default::default(),
        details: None,
        origin: Origin::default(),
    };
    let c = r.u32()? as usize;
    // Collected, so that a list past three is made once.
    party.citizenship = (0..c).filter_map(|_| r.country().transpose()).collect::<Result<_, _>>()?;
    if r.u8()? == 1 {
        let mut d = PartyDetails {
            inn: r.opt_str()?,
            ogrn: r.opt_str()?,
            document: r.opt_str()?,
            address: r.opt_str()?,
            ..PartyDetails::default()
        };
        if r.u8()? == 1 {
            let flag = |v: u8| match v {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            };
            let (ru, eaeu) = (flag(r.u8()?), flag(r.u8()?));
            d.declared = Some(DeclaredStatus { ru, eaeu, reason: r.str()? });
        }
        d.notes = r.strs()?;
        d.stateless = r.u8()? == 1;
        d.citizenship_source = r.opt_str()?;
        party.details = Some(Box::new(d));
    }
    party.origin = r.origin()?;
    Ok(party)
}

/// A relation, its ends checked against the `n` parties.
fn read_relation(r: &mut impl Source, n: usize) -> Result<Relation, Bad> {
    let from = r.party_idx(n)?;
    let to = r.party_idx(n)?;
    let interest = match r.u8()? {
        0 => Interest::Shares { capital: r.share()?, votes: r.share()? },
        1 => {
            let votes = r.share()?;
            let basis = *DisposalBasis::ALL.get(r.u8()? as usize).ok_or("an unknown disposal basis")?;
            let of = r.u32()?;
            let of = if of == u32::MAX {
                None
            } else if (of as usize) < n {
                Some(PartyIdx::new(of as usize))
            } else {
                return Err("a relation names a party the snapshot does not have".into());
            };
            Interest::VoteDisposal { votes, basis, of }
        }
        2 => Interest::DecisionRights,
        3 => Interest::Appoints { sole_executive: r.u8()? == 1, executive_board: r.share()?, board: r.share()? },
        4 => Interest::ManagementCompany,
        6 => Interest::Influence,
        5 => Interest::Governs { share: r.share()? },
        _ => return Err("an unknown relation type".into()),
    };
    let mut rel = Relation::new(from, to, interest);
    rel.since = r.date()?;
    rel.until = r.date()?;
    if r.u8()? == 1 {
        rel.meta = Some(Box::new(RelationMeta { source: r.opt_str()?, id: r.opt_str()?, notes: r.strs()? }));
    }
    rel.origin = r.origin()?;
    Ok(rel)
}

/// Reads a snapshot file whole.
pub fn read(path: &Path) -> Result<Graph, InputErrors> {
    let name = path.display().to_string();
    Snapshot::open(path)?.whole().map_err(|m| InputErrors::whole(&name, m))
}

/// The bytes of a snapshot: the file mapped into memory, or bytes already read.
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// A snapshot read in part (`screen --changes`): one party, the relations into or out of one
/// party, a party found by id, each costing the blocks it reads, each block checked against
/// the block table the first time it is read.
pub struct Snapshot {
    bytes: Bytes,
    body: usize,
    sections: [(u64, u64); SECTIONS],
    table: Vec<u32>,
    checked: Vec<AtomicBool>,
    as_of: NaiveDate,
    n: usize,
    m: usize,
    quarantined: FxHashMap<u32, Vec<String>>,
}

impl Snapshot {
    /// Opens a snapshot file for partial reading: only the header, the block table, the counts
    /// and the quarantined records are read now.
    pub fn open(path: &Path) -> Result<Snapshot, InputErrors> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
        // SAFETY: the map is read-only; a file changed while it is mapped can give wrong
        // bytes, which the block checksums refuse, not undefined behaviour in this code (every
        // read copies out of the map through bounds-checked slices).
        let map =
            unsafe { memmap2::Mmap::map(&file) }.map_err(|e| InputErrors::whole(&name, format!("cannot map: {e}")))?;
        // No `Advice::Random`: read-ahead costs resident pages but makes a first run from disk
        // 4 times faster (BENCHMARKS.md, "Re-screening 1 000 changes").
        Snapshot::from_bytes(Bytes::Mapped(map)).map_err(|m| InputErrors::whole(&name, m))
    }

    /// A snapshot in memory, read in part as [`Snapshot::open`] reads a file.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Snapshot, Bad> {
        Snapshot::from_bytes(Bytes::Owned(bytes))
    }

    fn from_bytes(bytes: Bytes) -> Result<Snapshot, Bad> {
        let header = read_header(&mut &bytes[..], bytes.len() as u64)?;
        let blocks = header.table.len();
        let mut s = Snapshot {
            body: header.body_start() as usize,
            sections: header.sections,
            checked: (0..blocks).map(|_| AtomicBool::new(false)).collect(),
            table: header.table,
            bytes,
            as_of: NaiveDate::MIN,
            n: 0,
            m: 0,
            quarantined: FxHashMap::default(),
        };
        let (as_of, n, m, q) = read_meta(&mut Cursor(s.section(META, 0, s.sections[META].1)?))?;
        (s.as_of, s.n, s.m) = (as_of, n, m);
        let fits = |sec: usize, len: u64| s.sections[sec].1 == len;
        let (n1, m1) = (n as u64 + 1, m as u64 + 1);
        if !(fits(PARTY_AT, 8 * n1)
            && fits(RELATION_AT, 8 * m1)
            && fits(IN_AT, 4 * n1)
            && fits(OUT_AT, 4 * n1)
            && fits(IN_ITEMS, 4 * m as u64)
            && fits(OUT_ITEMS, 4 * m as u64)
            && fits(ID_ORDER, 4 * n as u64)
            && fits(ID_FENCE, 8 * n.div_ceil(FENCE) as u64))
        {
            return Err("the snapshot's indexes do not fit its counts: the file is damaged".into());
        }
        let mut r = Cursor(s.section(QUARANTINE, 0, s.sections[QUARANTINE].1)?);
        let mut quarantined = FxHashMap::default();
        for _ in 0..q {
            let p = r.party_idx(n)?;
            quarantined.entry(p.raw()).or_insert_with(Vec::new).extend(r.strs()?);
        }
        s.quarantined = quarantined;
        Ok(s)
    }

    /// Checks every block not checked yet (what a full reader does), on every thread.
    pub fn check_all(&self) -> Result<(), Bad> {
        let blocks = self.checked.len();
        (0..blocks.div_ceil(CHECK_RUN)).into_par_iter().try_for_each(|j| {
            let from = self.body + j * CHECK_RUN * BLOCK;
            let to = (self.body + (j + 1) * CHECK_RUN * BLOCK).min(self.bytes.len());
            self.check(from, to)
        })
    }

    /// The whole graph: every block checked, the parties and the relations decoded in runs on
    /// every thread (the record offsets say where each run starts), the ids proven distinct
    /// by the sorted id section (so the graph's id table waits for its first look-up), then
    /// checked as any input is.
    fn whole(&self) -> Result<Graph, Bad> {
        self.check_all()?;
        self.release(0, self.bytes.len());
        let mut b = GraphBuilder::new();
        b.reserve(self.n, self.m);
        self.decode_waves(
            PARTY_AT,
            PARTIES,
            self.n,
            |c| read_party(c),
            |p| {
                b.add_party_vouched(p);
            },
        )?;
        self.check_ids(|p| b.parties().get(p))?;
        self.decode_waves(RELATION_AT, RELATIONS, self.m, |c| read_relation(c, self.n), |r| b.add_relation(r))?;
        self.release(0, self.bytes.len());
        // In the order written, as every reader of the input does.
        let mut r = Cursor(self.section(QUARANTINE, 0, self.sections[QUARANTINE].1)?);
        while !r.0.is_empty() {
            let (p, reasons) = (r.party_idx(self.n)?, r.strs()?);
            b.quarantine(p, reasons);
        }
        b.finish(self.as_of).map_err(|problems| {
            let first: Vec<String> = problems.iter().take(3).map(ToString::to_string).collect();
            format!("the snapshot's graph does not pass the input checks: {}", first.join("; "))
        })
    }

    /// Proves every party's id differs from every other: the ids in order are strictly
    /// ascending, and the `k`-th of them is the id of the party the id order names.
    fn check_ids<'p>(&self, party: impl Fn(usize) -> Option<&'p Party> + Sync) -> Result<(), Bad> {
        let mismatch = || -> Bad { "the snapshot's id index does not match its parties: the file is damaged".into() };
        (0..self.n.div_ceil(FENCE)).into_par_iter().try_for_each(|j| {
            let end = ((j + 1) * FENCE).min(self.n);
            let mut at = self.fence(j)?;
            let mut before: Option<&[u8]> = None;
            // One past the run: the next run's first id must come after this run's last.
            for k in j * FENCE..(end + 1).min(self.n) {
                let (key, next) = self.key_at(at)?;
                if before.is_some_and(|b| b >= key) {
                    return Err("the snapshot's ids are not in order or repeat one: the file is damaged".into());
                }
                if k < end {
                    let p = self.u32_at(ID_ORDER, k)? as usize;
                    if party(p).ok_or_else(mismatch)?.id.as_bytes() != key {
                        return Err(mismatch());
                    }
                }
                (before, at) = (Some(key), next);
            }
            Ok(())
        })
    }

    /// Where the `j`-th run of [`FENCE`] ids in order starts in the id section.
    fn fence(&self, j: usize) -> Result<u64, Bad> {
        let b = self.section(ID_FENCE, 8 * j as u64, 8 * j as u64 + 8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| "bad offset")?))
    }

    /// Records `0..count` of section `records`, each given to `add` in order: decoded in waves
    /// of [`WAVE`] runs of [`RUN`], the runs of a wave in parallel, each run exactly the bytes
    /// between its offsets in `at`; the pages of a wave are released once it is decoded, so
    /// memory holds the graph and one wave, not the file too.
    fn decode_waves<T: Send>(
        &self,
        at: usize,
        records: usize,
        count: usize,
        decode: impl Fn(&mut Cursor) -> Result<T, Bad> + Sync,
        mut add: impl FnMut(T),
    ) -> Result<(), Bad> {
        let offset = |i: usize| -> Result<u64, Bad> {
            let b = self.section(at, 8 * i as u64, 8 * i as u64 + 8)?;
            Ok(u64::from_le_bytes(b.try_into().map_err(|_| "bad offset")?))
        };
        if offset(0)? != 0 || offset(count)? != self.sections[records].1 {
            return Err("the snapshot's record offsets do not cover its records: the file is damaged".into());
        }
        let runs = count.div_ceil(RUN);
        for wave in (0..runs).step_by(WAVE) {
            let decoded: Vec<Vec<T>> = (wave..(wave + WAVE).min(runs))
                .into_par_iter()
                .map(|j| {
                    let (first, last) = (j * RUN, ((j + 1) * RUN).min(count));
                    let mut c = Cursor(self.section(records, offset(first)?, offset(last)?)?);
                    let mut run = Vec::with_capacity(last - first);
                    for _ in first..last {
                        run.push(decode(&mut c)?);
                    }
                    if c.0.is_empty() {
                        Ok(run)
                    } else {
                        Err("a record of the snapshot is longer than it reads".into())
                    }
                })
                .collect::<Result<_, Bad>>()?;
            decoded.into_iter().flatten().for_each(&mut add);
            let (from, to) = (offset(wave * RUN)?, offset(((wave + WAVE) * RUN).min(count))?);
            let start = self.body as u64 + self.sections[records].0;
            self.release((start + from) as usize, (start + to) as usize);
        }
        Ok(())
    }

    /// Gives the pages of the file's bytes `from..to` back to the system (a mapped file only;
    /// they come back from the file if read again).
    fn release(&self, from: usize, to: usize) {
        if let Bytes::Mapped(map) = &self.bytes {
            let page = 4096;
            let (from, to) = (from.div_ceil(page) * page, (to.min(map.len()) / page) * page);
            if from < to {
                // SAFETY: no borrow of these bytes is alive (every record read from them was
                // copied out, and the threads that read them have finished), and a read-only
                // file mapping refills released pages from the file: the bytes seen afterwards
                // are the same unless the file changes, the risk `Snapshot::open` states.
                let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from) };
            }
        }
    }

    /// Checks the blocks holding the file's bytes `from..to` (body only).
    fn check(&self, from: usize, to: usize) -> Result<(), Bad> {
        if to <= from {
            return Ok(());
        }
        let (first, last) = ((from - self.body) / BLOCK, (to - 1 - self.body) / BLOCK);
        for i in first..=last {
            let done = self.checked.get(i).ok_or("a read beyond the snapshot")?;
            if done.load(Ordering::Relaxed) {
                continue;
            }
            let start = self.body + i * BLOCK;
            let block =
                self.bytes.get(start..(start + BLOCK).min(self.bytes.len())).ok_or("a read beyond the snapshot")?;
            if self.table.get(i) != Some(&crc32fast::hash(block)) {
                return Err(damaged(i));
            }
            done.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    /// The bytes `from..to` of a section, checked.
    fn section(&self, s: usize, from: u64, to: u64) -> Result<&[u8], Bad> {
        let (off, len) = self.sections[s];
        if from > to || to > len {
            return Err("a record of the snapshot lies outside its section: the file is damaged".into());
        }
        let (a, b) = ((self.body as u64 + off + from) as usize, (self.body as u64 + off + to) as usize);
        self.check(a, b)?;
        self.bytes.get(a..b).ok_or_else(|| "a read beyond the snapshot".into())
    }

    fn u32_at(&self, s: usize, i: usize) -> Result<u32, Bad> {
        let b = self.section(s, 4 * i as u64, 4 * i as u64 + 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The bytes of record `i` of `records`, placed by the offsets in `at`.
    fn record(&self, at: usize, records: usize, i: usize) -> Result<&[u8], Bad> {
        let b = self.section(at, 8 * i as u64, 8 * i as u64 + 16)?;
        let from = u64::from_le_bytes(b[..8].try_into().map_err(|_| "bad offset")?);
        let to = u64::from_le_bytes(b[8..].try_into().map_err(|_| "bad offset")?);
        self.section(records, from, to)
    }

    /// The date the snapshot answers as of.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Number of parties.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the snapshot has no party.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The party at position `p`.
    pub fn party(&self, p: PartyIdx) -> Result<Party, Bad> {
        if p.index() >= self.n {
            return Err("no such party in the snapshot".into());
        }
        let mut r = Cursor(self.record(PARTY_AT, PARTIES, p.index())?);
        let party = read_party(&mut r)?;
        if r.0.is_empty() { Ok(party) } else { Err("a party record of the snapshot is longer than it reads".into()) }
    }

    /// The id at `at` in the ids in order, and where the next one starts.
    fn key_at(&self, at: u64) -> Result<(&[u8], u64), Bad> {
        let len = self.section(ID_KEYS, at, at + 4)?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as u64;
        Ok((self.section(ID_KEYS, at + 4, at + 4 + len)?, at + 4 + len))
    }

    /// The position of the party with this id: a binary search over every 64th id in order,
    /// then a scan of the 64 after it (two or three blocks of the ids, whatever the register).
    pub fn find(&self, id: &str) -> Result<Option<PartyIdx>, Bad> {
        let fence = |j: usize| self.fence(j);
        let key = id.as_bytes();
        // The last run whose first id is at most `id`.
        let (mut lo, mut hi) = (0usize, self.n.div_ceil(FENCE));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key_at(fence(mid)?)?.0 <= key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let Some(run) = lo.checked_sub(1) else { return Ok(None) };
        let mut at = fence(run)?;
        for k in run * FENCE..((run + 1) * FENCE).min(self.n) {
            let (here, next) = self.key_at(at)?;
            match here.cmp(key) {
                std::cmp::Ordering::Less => at = next,
                std::cmp::Ordering::Greater => return Ok(None),
                std::cmp::Ordering::Equal => {
                    let p = self.u32_at(ID_ORDER, k)? as usize;
                    return if p < self.n {
                        Ok(Some(PartyIdx::new(p)))
                    } else {
                        Err("the snapshot's id index names a party it does not have: the file is damaged".into())
                    };
                }
            }
        }
        Ok(None)
    }

    /// The relation at position `r`, its ends as party positions.
    pub fn relation(&self, r: usize) -> Result<Relation, Bad> {
        if r >= self.m {
            return Err("no such relation in the snapshot".into());
        }
        let mut c = Cursor(self.record(RELATION_AT, RELATIONS, r)?);
        let rel = read_relation(&mut c, self.n)?;
        if c.0.is_empty() { Ok(rel) } else { Err("a relation record of the snapshot is longer than it reads".into()) }
    }

    fn adjacent(&self, at: usize, items: usize, p: PartyIdx) -> Result<Vec<(usize, Relation)>, Bad> {
        if p.index() >= self.n {
            return Err("no such party in the snapshot".into());
        }
        let (from, to) = (self.u32_at(at, p.index())? as usize, self.u32_at(at, p.index() + 1)? as usize);
        if from > to || to > self.m {
            return Err("the snapshot's adjacency does not fit its relations: the file is damaged".into());
        }
        (from..to)
            .map(|i| {
                let r = self.u32_at(items, i)? as usize;
                Ok((r, self.relation(r)?))
            })
            .collect()
    }

    /// The relations into the party at `p` (its holders, of every type), with their positions.
    pub fn incoming(&self, p: PartyIdx) -> Result<Vec<(usize, Relation)>, Bad> {
        self.adjacent(IN_AT, IN_ITEMS, p)
    }

    /// The relations out of the party at `p`, with their positions.
    pub fn outgoing(&self, p: PartyIdx) -> Result<Vec<(usize, Relation)>, Bad> {
        self.adjacent(OUT_AT, OUT_ITEMS, p)
    }

    /// Why the record of the party at `p` was set aside, if it was.
    pub fn quarantine_of(&self, p: PartyIdx) -> Option<&[String]> {
        self.quarantined.get(&p.raw()).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worked_example_comes_back_the_same() {
        for n in 1..=12 {
            let g = crate::input::example(n);
            let bytes = encode(&g);
            let back = decode(&bytes).unwrap();
            assert_eq!(encode(&back), bytes, "example {n}");
            assert_eq!(back.len(), g.len());
            assert_eq!(back.relations().len(), g.relations().len());
        }
    }

    #[test]
    fn persons_with_many_citizenships_come_back_with_all_of_them() {
        // Up to three are held in the party, more in a table of the process (model::citizenships).
        let text = r#"{"parties": [
            {"id": "A", "kind": "company", "country": "RU"},
            {"id": "P", "kind": "person", "citizenship": ["BY", "KZ", "AM", "RU"]},
            {"id": "Q", "kind": "person", "citizenship": ["US", "DE", "FR", "GB", "RU"]},
            {"id": "R", "kind": "person", "citizenship": ["KG", "BY"]}],
          "relations": []}"#;
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let g = crate::input::json::parse("t.json", text, date).unwrap();
        let back = decode(&encode(&g)).unwrap();
        let codes = |g: &Graph, id: &str| {
            let p = g.party_indices().find(|&p| g.party(p).id == id).unwrap();
            g.party(p).citizenship.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(";")
        };
        for (g, which) in [(&g, "read"), (&back, "decoded")] {
            assert_eq!(codes(g, "P"), "BY;KZ;AM;RU", "{which}");
            assert_eq!(codes(g, "Q"), "US;DE;FR;GB;RU", "{which}");
            assert_eq!(codes(g, "R"), "KG;BY", "{which}");
            assert_eq!(codes(g, "A"), "", "{which}");
        }
        assert!(g.party_indices().any(|p| g.party(p).is_russian_citizen() && g.party(p).id == "Q"));
    }

    #[test]
    fn damage_is_refused_with_the_reason() {
        let bytes = encode(&crate::input::example(1));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("checksum"));
        assert!(decode(&bytes[..bytes.len() - 3]).unwrap_err().contains("truncated"));
        let mut old = bytes.clone();
        old[MAGIC.len()] = 9;
        assert!(decode(&old).unwrap_err().contains("index the graph again"));
        assert!(decode(b"{\"parties\": []}").unwrap_err().contains("not an owngraph snapshot"));
    }

    /// Checksums made again after an edit, as a forger (or a bug in a writer) would.
    fn reseal(bytes: &mut [u8]) {
        let at = MAGIC.len() + 16;
        let blocks = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let body = HEADER + 4 * blocks;
        for i in 0..blocks {
            let start = body + i * BLOCK;
            let crc = crc32fast::hash(&bytes[start..(start + BLOCK).min(bytes.len())]);
            bytes[HEADER + 4 * i..HEADER + 4 * i + 4].copy_from_slice(&crc.to_le_bytes());
        }
        let table = crc32fast::hash(&bytes[HEADER..body]);
        bytes[at + 4..at + 8].copy_from_slice(&table.to_le_bytes());
        let head = crc32fast::hash(&bytes[..HEADER - 4]);
        bytes[HEADER - 4..HEADER].copy_from_slice(&head.to_le_bytes());
    }

    #[test]
    fn ids_that_repeat_or_disagree_with_the_id_index_are_refused_even_with_good_checksums() {
        let text = r#"{"parties": [
            {"id": "PARTY-AAA", "kind": "company", "country": "RU"},
            {"id": "PARTY-BBB", "kind": "person", "citizenship": ["RU"]}],
          "relations": [{"type": "shares", "from": "PARTY-BBB", "to": "PARTY-AAA", "capital": "1"}]}"#;
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let bytes = encode(&crate::input::json::parse("t.json", text, date).unwrap());
        assert!(decode(&bytes).is_ok());
        let find = |b: &[u8], from: usize| b.windows(9).skip(from).position(|w| w == b"PARTY-BBB").map(|i| i + from);
        // The party record says AAA, the id index still BBB.
        let mut one = bytes.clone();
        let first = find(&one, 0).unwrap();
        one[first..first + 9].copy_from_slice(b"PARTY-AAA");
        reseal(&mut one);
        assert!(decode(&one).unwrap_err().contains("id index does not match"), "{:?}", decode(&one).err());
        // Every BBB made AAA: the ids in order repeat one.
        let mut all = bytes.clone();
        while let Some(i) = find(&all, 0) {
            all[i..i + 9].copy_from_slice(b"PARTY-AAA");
        }
        reseal(&mut all);
        assert!(decode(&all).unwrap_err().contains("repeat"), "{:?}", decode(&all).err());
    }
}
