//! The binary snapshot of a loaded, validated graph (`owngraph index GRAPH -o register.og`):
//! read back in a fraction of the time of the CSV pair or JSON it was made from, by every
//! command (issue 15).
//!
//! Layout: the magic `OWNGRAPH-SNAP` and a NUL, the format version (u32), the payload's length
//! (u64) and its CRC-32 (u32), then the payload, little-endian throughout: the as-of date, the
//! parties (ids, kinds, names, countries, citizenships, details, origins), the relations
//! (holder and held as party positions, so no id is looked up again; shares as 64-bit
//! numerator and denominator, or their text when larger), the quarantined records. A file
//! whose magic, version, length or checksum does not match is refused with the reason; the
//! graph read is validated again as any input is (it costs little next to parsing text).
//!
//! The graph is the one in force on the date it was indexed: `index --as-of DATE` chooses it,
//! and a command reading the snapshot answers as of that date.

use std::path::Path;

use chrono::NaiveDate;

use super::InputErrors;
use crate::fraction::{Fraction, Share};
use crate::model::{
    Country, DeclaredStatus, DisposalBasis, Graph, GraphBuilder, Interest, Origin, Party, PartyDetails, PartyIdx,
    PartyKind, Relation, RelationMeta,
};

/// The first bytes of every snapshot.
pub const MAGIC: &[u8; 14] = b"OWNGRAPH-SNAP\0";
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;
const HEADER: usize = MAGIC.len() + 4 + 8 + 4;

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

/// The snapshot of `graph`, header included.
pub fn encode(graph: &Graph) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 * (graph.len() + graph.relations().len())));
    w.date(Some(graph.as_of()));
    w.u64(graph.excluded_by_date() as u64);
    w.u64(graph.len() as u64);
    for p in graph.parties() {
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
    w.u64(graph.relations().len() as u64);
    for r in graph.relations() {
        w.u32(r.from.raw());
        w.u32(r.to.raw());
        match &r.interest {
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
    w.u64(graph.quarantined().len() as u64);
    for q in graph.quarantined() {
        w.u32(q.party.raw());
        w.strs(&q.reasons);
    }
    let payload = w.0;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Why a snapshot cannot be read.
type Bad = String;

/// Reads the payload as it streams in, in blocks of a megabyte, each hashed whole as it
/// arrives (CRC-32 is fast on large blocks only): the checksum is compared at the end, before
/// the graph is handed out, and memory never holds the file besides the graph.
struct Reader<R> {
    inner: R,
    hasher: crc32fast::Hasher,
    /// Payload bytes not yet taken by a field.
    left: u64,
    block: Vec<u8>,
    at: usize,
}

impl<R: std::io::Read> Reader<R> {
    fn new(inner: R, len: u64) -> Reader<R> {
        Reader { inner, hasher: crc32fast::Hasher::new(), left: len, block: Vec::new(), at: 0 }
    }

    /// The next block of the payload, hashed.
    fn refill(&mut self) -> Result<(), Bad> {
        let unread = self.left - (self.block.len() - self.at) as u64;
        let n = unread.min(1 << 20) as usize;
        if n == 0 {
            return Err("the snapshot ends too early".into());
        }
        self.block.clear();
        self.block.resize(n, 0);
        self.inner.read_exact(&mut self.block).map_err(|e| format!("cannot read: {e}"))?;
        self.hasher.update(&self.block);
        self.at = 0;
        Ok(())
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Bad> {
        if (buf.len() as u64) > self.left {
            return Err("the snapshot ends too early".into());
        }
        let mut done = 0;
        while done < buf.len() {
            if self.at == self.block.len() {
                self.refill()?;
            }
            let n = (buf.len() - done).min(self.block.len() - self.at);
            buf[done..done + n].copy_from_slice(&self.block[self.at..self.at + n]);
            self.at += n;
            self.left -= n as u64;
            done += n;
        }
        Ok(())
    }

    /// Hashes what is left of the payload without keeping it.
    fn drain(&mut self) {
        self.left -= (self.block.len() - self.at) as u64;
        self.at = self.block.len();
        while self.left > 0 {
            let before = self.left;
            if self.refill().is_err() {
                break;
            }
            self.left = before - self.block.len() as u64;
            self.at = self.block.len();
        }
    }

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
        if n as u64 > self.left {
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
        let mut v = Vec::with_capacity(n.min(self.left as usize / 4));
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

/// The graph in a snapshot's bytes (header included).
pub fn decode(bytes: &[u8]) -> Result<Graph, Bad> {
    decode_from(bytes, bytes.len() as u64)
}

/// The graph in a snapshot read from `input`, `size` bytes long (header included).
fn decode_from(mut input: impl std::io::Read, size: u64) -> Result<Graph, Bad> {
    let mut head = [0u8; HEADER];
    if size < HEADER as u64 || input.read_exact(&mut head).is_err() || &head[..MAGIC.len()] != MAGIC {
        return Err("not an owngraph snapshot".into());
    }
    let field = |at: usize, n: usize| -> u64 {
        let mut a = [0u8; 8];
        a[..n].copy_from_slice(&head[at..at + n]);
        u64::from_le_bytes(a)
    };
    let version = field(MAGIC.len(), 4) as u32;
    if version != VERSION {
        return Err(format!("snapshot format {version}, this owngraph reads format {VERSION}: index the graph again"));
    }
    let len = field(MAGIC.len() + 4, 8);
    let crc = field(MAGIC.len() + 12, 4) as u32;
    let payload = size - HEADER as u64;
    if payload != len {
        return Err(format!("the snapshot is {payload} bytes long where its header says {len}: it is truncated"));
    }
    let mut r = Reader::new(input, len);
    let graph = read_payload(&mut r);
    // Whatever the payload said, the checksum comes first: a damaged file is named as such.
    let trailing = r.left != 0;
    r.drain();
    if r.hasher.finalize() != crc {
        return Err("the snapshot's checksum does not match: the file is damaged".into());
    }
    let graph = graph?;
    if trailing {
        return Err("the snapshot has bytes after its end".into());
    }
    graph.finish()
}

/// The parties, relations and quarantine of a snapshot, before they are checked.
struct Unchecked {
    builder: GraphBuilder,
    as_of: NaiveDate,
}

impl Unchecked {
    fn finish(self) -> Result<Graph, Bad> {
        self.builder.finish(self.as_of).map_err(|problems| {
            let first: Vec<String> = problems.iter().take(3).map(ToString::to_string).collect();
            format!("the snapshot's graph does not pass the input checks: {}", first.join("; "))
        })
    }
}

fn read_payload<R: std::io::Read>(r: &mut Reader<R>) -> Result<Unchecked, Bad> {
    let len = r.left as usize;
    let as_of = r.date()?.ok_or("the snapshot has no date")?;
    let _excluded = r.u64()?;
    let n = r.u64()? as usize;
    let mut b = GraphBuilder::new();
    // A relation takes some 50 bytes: enough room, never more than the file could hold.
    b.reserve(n.min(len), len / 50);
    for _ in 0..n {
        let id = r.str()?;
        let kind = *PartyKind::ALL.get(r.u8()? as usize).ok_or("an unknown party kind")?;
        let name = r.str()?;
        let mut party = Party {
            id,
            kind,
            name,
            country: r.country()?,
            citizenship: Vec::new(),
            details: None,
            origin: Origin::default(),
        };
        let c = r.u32()? as usize;
        for _ in 0..c {
            party.citizenship.extend(r.country()?);
        }
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
        if b.add_party(party).is_none() {
            return Err("the snapshot repeats a party id".into());
        }
    }
    let m = r.u64()? as usize;
    for _ in 0..m {
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
        b.add_relation(rel);
    }
    let q = r.u64()? as usize;
    for _ in 0..q {
        let p = r.party_idx(n)?;
        b.quarantine(p, r.strs()?);
    }
    Ok(Unchecked { builder: b, as_of })
}

/// Writes the snapshot of `graph` to `path` (whole or not at all is the caller's concern).
pub fn write(graph: &Graph, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(&encode(graph))
}

/// Reads a snapshot file.
pub fn read(path: &Path) -> Result<Graph, InputErrors> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?;
    let size = file.metadata().map_err(|e| InputErrors::whole(&name, format!("cannot read: {e}")))?.len();
    decode_from(std::io::BufReader::with_capacity(1 << 20, file), size).map_err(|m| InputErrors::whole(&name, m))
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
}
