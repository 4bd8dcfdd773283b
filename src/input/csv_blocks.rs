//! CSV text cut where records end and split into fields on every thread.
//!
//! One `csv::Reader` over a whole file splits its records one after the other, on one thread:
//! at a million companies that was a fifth of the load's cycles, while the other thread waited.
//! Here the file is read in blocks of about [`BLOCK_BYTES`], each ending where a record ends,
//! and cut into pieces of about [`PIECE_BYTES`] that each get a reader of their own. Where a
//! record ends is found the way `csv_core` finds it with the settings of the CSV pair: a quote
//! opens a quoted field only at the start of a field, two quotes in a quoted field stand for
//! one, CR, LF and CRLF end a record, and blank lines are skipped. A piece begins exactly where
//! the one reader would begin its next record, so every record and every problem are those of
//! the one reader (`tests::pieces_read_as_one_reader`, on random texts); a block without a quote
//! (the common case) is cut by `memchr` alone. A record's line is the line it starts on
//! ([`super::true_line`]: the one reader's count is one short after each CRLF and blank line).

use std::io::Read;

use csv::{ByteRecord, StringRecord};

/// The bytes read at a time: large enough to keep both threads busy, small enough for cache.
pub(crate) const BLOCK_BYTES: usize = 2 << 20;

/// The bytes given to one reader.
pub(crate) const PIECE_BYTES: usize = 128 << 10;

/// A record refused: how many records of its piece come before it, its line in the file and
/// what is wrong.
pub(crate) type Flaw = (usize, u64, String);

/// A piece of a block: text that begins and ends where records do.
#[derive(Clone, Copy)]
pub(crate) struct Piece<'a> {
    text: &'a [u8],
    /// Line breaks before the piece: added to a record's line in the piece.
    lines_before: u64,
    /// Fields a record must have.
    width: usize,
}

impl Piece<'_> {
    /// A record's line in the file.
    pub(crate) fn line_of(&self, rec: &StringRecord) -> u64 {
        rec.position().map_or(0, |p| p.line()) + self.lines_before
    }

    /// Splits the piece into records, kept in `pool` (whose records lend their memory): how
    /// many there are, and the records refused.
    pub(crate) fn split(&self, pool: &mut Vec<StringRecord>) -> (usize, Vec<Flaw>) {
        let (mut filled, mut flaws) = (0, Vec::new());
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(self.text);
        let mut record = ByteRecord::new();
        // A slice cannot fail to be read, and `flexible` lets a record of any width through.
        while let Ok(true) = rdr.read_byte_record(&mut record) {
            if let Some(pos) = record.position() {
                let mut pos = pos.clone();
                pos.set_line(super::true_line(self.text, &pos));
                record.set_position(Some(pos));
            }
            let line = record.position().map_or(0, |p| p.line()) + self.lines_before;
            if record.len() != self.width {
                flaws.push((filled, line, format!("{} fields where the header has {}", record.len(), self.width)));
                continue;
            }
            match StringRecord::from_byte_record(record) {
                Ok(valid) => {
                    // The slot's old record lends its memory to the next one.
                    record = match pool.get_mut(filled) {
                        Some(slot) => std::mem::replace(slot, valid).into_byte_record(),
                        None => {
                            pool.push(valid);
                            ByteRecord::new()
                        }
                    };
                    filled += 1;
                }
                Err(e) => {
                    flaws.push((filled, line, "not UTF-8 text".to_string()));
                    record = e.into_byte_record();
                }
            }
        }
        (filled, flaws)
    }
}

/// A block of text: pieces that begin and end where records do, to be split on every thread.
#[derive(Default)]
pub(crate) struct Block {
    text: Vec<u8>,
    /// Where each piece ends, and the line breaks before it.
    pieces: Vec<(usize, u64)>,
    width: usize,
}

impl Block {
    /// The pieces, in the order of the text.
    pub(crate) fn pieces(&self) -> Vec<Piece<'_>> {
        let starts = std::iter::once(0).chain(self.pieces.iter().map(|&(end, _)| end));
        starts
            .zip(&self.pieces)
            .map(|(from, &(to, lines_before))| Piece { text: &self.text[from..to], lines_before, width: self.width })
            .collect()
    }
}

/// Why reading stopped before the end of the file.
pub(crate) type Stop = std::io::Error;

/// A CSV file read block by block.
pub(crate) struct Blocks<R> {
    src: R,
    /// Text read and not yet given out, from its start.
    buf: Vec<u8>,
    len: usize,
    /// Line breaks before `buf`.
    lines: u64,
    /// The end of the file was reached, or reading failed.
    done: bool,
    stop: Option<Stop>,
    /// Fields a record must have: the header's.
    width: usize,
    /// Where each piece of the next block ends.
    cuts: Vec<usize>,
}

impl<R: Read> Blocks<R> {
    /// Reads the header: the first record, as `csv` reads it (its error, if any, as `csv`
    /// gives it). The rest is read by [`Blocks::next`].
    pub(crate) fn open(src: R) -> Result<(Blocks<R>, StringRecord), String> {
        let mut b =
            Blocks { src, buf: Vec::new(), len: 0, lines: 0, done: false, stop: None, width: 0, cuts: Vec::new() };
        // Pieces of one byte: the first ends with the first record.
        b.read_cut(PIECE_BYTES, 1);
        let head = b.cuts.first().copied().unwrap_or(0);
        if head == 0
            && let Some(e) = b.stop.take()
        {
            return Err(e.to_string());
        }
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(&b.buf[..head]);
        let header = rdr.headers().map_err(|e| e.to_string())?.clone();
        b.lines = rdr.position().line() - 1;
        b.width = header.len();
        b.buf.copy_within(head..b.len, 0);
        b.len -= head;
        Ok((b, header))
    }

    /// Reads at least `want` bytes (more while no record ends in them) and cuts them into
    /// pieces of at least `piece` bytes ([`Blocks::cuts`]); returns where the last piece ends.
    fn read_cut(&mut self, mut want: usize, piece: usize) -> usize {
        loop {
            self.read_to(want);
            // At the end of the file the last record needs no line break; after an error, the
            // text after the last whole record is dropped, as the one reader dropped it.
            let end = cuts(&self.buf[..self.len], self.done && self.stop.is_none(), piece, &mut self.cuts);
            if !self.cuts.is_empty() || self.done {
                return end;
            }
            // A record longer than asked for: read on.
            want = self.len * 2;
        }
    }

    /// Reads until `want` bytes are held or the file ends.
    fn read_to(&mut self, want: usize) {
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while !self.done && self.len < want {
            match self.src.read(&mut self.buf[self.len..want]) {
                Ok(0) => self.done = true,
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    self.stop = Some(e);
                }
            }
        }
    }

    /// Fills `block` with the next pieces of text, each to be split by [`Piece::split`]; false
    /// when none are left. Records after a read error are not read: the error is then
    /// [`Blocks::stopped`].
    pub(crate) fn next(&mut self, block: &mut Block) -> bool {
        self.next_sized(block, BLOCK_BYTES, PIECE_BYTES)
    }

    /// [`Blocks::next`] with blocks of `block_bytes` and pieces of `piece_bytes`.
    fn next_sized(&mut self, block: &mut Block, block_bytes: usize, piece_bytes: usize) -> bool {
        let end = self.read_cut(block_bytes, piece_bytes);
        block.text.clear();
        block.text.extend_from_slice(&self.buf[..end]);
        block.width = self.width;
        block.pieces.clear();
        let mut from = 0;
        for &to in &self.cuts {
            block.pieces.push((to, self.lines));
            // The reader counts every line break, in quotes or not.
            self.lines += block.text[from..to].iter().filter(|&&c| c == b'\n').count() as u64;
            from = to;
        }
        self.buf.copy_within(end..self.len, 0);
        self.len -= end;
        !block.pieces.is_empty()
    }

    /// The error that stopped reading, once [`Blocks::next`] has given false.
    pub(crate) fn stopped(&mut self) -> Option<Stop> {
        self.stop.take()
    }
}

/// Whether `c` ends a record (outside quotes).
fn is_terminator(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// Cuts `text`, which begins where a record begins, into pieces of at least `piece` bytes that
/// end where records end (`cuts`, each the end of a piece); returns the end of the last. With
/// `whole`, the text is the rest of the file and its last piece ends with it.
fn cuts(text: &[u8], whole: bool, piece: usize, cuts: &mut Vec<usize>) -> usize {
    cuts.clear();
    if memchr::memchr(b'"', text).is_none() {
        // Without quotes, a record ends at every line break that follows something other than
        // a line break (a run of them is one end and blank lines).
        let ends_record = |t: usize| t > 0 && !is_terminator(text[t - 1]);
        let mut at = piece;
        'pieces: while at < text.len() {
            for t in memchr::memchr2_iter(b'\n', b'\r', &text[at..]) {
                if ends_record(at + t) {
                    cuts.push(at + t + 1);
                    at = at + t + 1 + piece;
                    continue 'pieces;
                }
            }
            break;
        }
        let last = if whole {
            text.len()
        } else {
            match memchr::memrchr2(b'\n', b'\r', text) {
                Some(mut t) => {
                    while t > 0 && is_terminator(text[t - 1]) {
                        t -= 1;
                    }
                    if t > 0 { t + 1 } else { 0 }
                }
                None => 0,
            }
        };
        if last > cuts.last().copied().unwrap_or(0) {
            cuts.push(last);
        }
        return last;
    }
    // With quotes, `csv_core`'s states, as far as they decide where a record ends.
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        /// Before a record (blank lines are skipped here).
        Record,
        /// At the start of a field after a comma.
        Field,
        /// In a field not quoted (a quote here is text).
        Plain,
        /// In a quoted field.
        Quoted,
        /// After a quote in a quoted field: another makes a quote, anything else ends quoting.
        QuoteInQuoted,
    }
    let mut state = At::Record;
    let mut last = 0;
    let mut next = piece;
    let mut i = 0;
    while i < text.len() {
        // Inside a quoted field only a quote matters, inside a plain one a comma or a line
        // break: the bytes between are skipped with `memchr`.
        let skip = match state {
            At::Quoted => memchr::memchr(b'"', &text[i..]),
            At::Plain => memchr::memchr3(b',', b'\n', b'\r', &text[i..]),
            _ => Some(0),
        };
        let Some(skip) = skip else { break };
        i += skip;
        let c = text[i];
        state = match (state, c) {
            (At::Record | At::Field, b'"') => At::Quoted,
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b',') => At::Field,
            (At::Record, b'\n' | b'\r') => At::Record,
            (_, b'\n' | b'\r') => {
                last = i + 1;
                if last >= next {
                    cuts.push(last);
                    next = last + piece;
                }
                At::Record
            }
            _ => At::Plain,
        };
        i += 1;
    }
    if whole {
        last = text.len();
    }
    if last > cuts.last().copied().unwrap_or(0) {
        cuts.push(last);
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The header, the records with their lines, and the problems with the number of records
    /// before each and their lines, in the order of the text.
    type Outcome = (Result<Vec<String>, String>, Vec<(u64, Vec<String>)>, Vec<(usize, u64, String)>);

    fn fields(rec: &StringRecord) -> Vec<String> {
        rec.iter().map(String::from).collect()
    }

    /// What one reader over the whole text gives.
    fn one_reader(text: &[u8]) -> Outcome {
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text);
        let header = match rdr.headers() {
            Ok(h) => fields(h),
            Err(e) => return (Err(e.to_string()), Vec::new(), Vec::new()),
        };
        let (mut records, mut flaws) = (Vec::new(), Vec::new());
        let mut rec = StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {
                    records.push((rec.position().map_or(0, |p| crate::input::true_line(text, p)), fields(&rec)))
                }
                Ok(false) => break,
                Err(e) => {
                    let m = match e.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("{len} fields where the header has {expected_len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
                        _ => e.to_string(),
                    };
                    flaws.push((records.len(), e.position().map_or(0, |p| crate::input::true_line(text, p)), m));
                }
            }
        }
        (Ok(header), records, flaws)
    }

    /// The same from [`Blocks`], the text given `step` bytes at a time, in blocks and pieces of
    /// `block` and `piece` bytes.
    fn in_blocks(text: &[u8], step: usize, block: usize, piece: usize) -> Outcome {
        let (mut blocks, header) = match Blocks::open(Trickle { text, step }) {
            Ok(x) => x,
            Err(e) => return (Err(e), Vec::new(), Vec::new()),
        };
        let (mut records, mut flaws) = (Vec::new(), Vec::new());
        let (mut b, mut pool) = (Block::default(), Vec::new());
        while blocks.next_sized(&mut b, block, piece) {
            for p in b.pieces() {
                let before = records.len();
                let (n, refused) = p.split(&mut pool);
                flaws.extend(refused.into_iter().map(|(k, l, m)| (before + k, l, m)));
                records.extend(pool[..n].iter().map(|r| (p.line_of(r), fields(r))));
            }
        }
        (Ok(fields(&header)), records, flaws)
    }

    /// A reader giving at most `step` bytes a call.
    struct Trickle<'a> {
        text: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.step).min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    /// Texts made of the bytes that matter to a CSV reader, and a few others (the halves of
    /// "Ж", a byte that is never UTF-8).
    fn csv_text() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => Just(b'a'),
            1 => Just(b' '),
            3 => Just(b','),
            3 => Just(b'"'),
            3 => Just(b'\n'),
            2 => Just(b'\r'),
            1 => Just(0xD0u8),
            1 => Just(0x96u8),
            1 => Just(0xFFu8),
        ];
        proptest::collection::vec(byte, 0..300)
    }

    proptest! {
        #![proptest_config(crate::proptest_config(3000))]
        /// Blocks and pieces give the records, lines and problems of one reader.
        #[test]
        fn pieces_read_as_one_reader(text in csv_text(), step in 1usize..40, block in 1usize..64, piece in 1usize..16) {
            prop_assert_eq!(in_blocks(&text, step, block, piece), one_reader(&text));
        }

        /// The same on texts without quotes, which are cut by `memchr` alone.
        #[test]
        fn pieces_without_quotes_read_as_one_reader(text in csv_text(), step in 1usize..40, block in 1usize..64, piece in 1usize..16) {
            let text: Vec<u8> = text.into_iter().filter(|&c| c != b'"').collect();
            prop_assert_eq!(in_blocks(&text, step, block, piece), one_reader(&text));
        }
    }

    /// Lines are those the records start on, in a CRLF file and after blank lines too.
    #[test]
    fn a_record_is_on_the_line_it_starts() {
        let text = b"id,kind\r\nA,x\r\nB,\"two\r\nlines\"\r\n\r\n\nC,y\r\nD,z,extra\r\n";
        let (_, records, flaws) = one_reader(text);
        let lines: Vec<u64> = records.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 7]);
        assert_eq!(flaws, [(3, 8, "3 fields where the header has 2".to_string())]);
        assert_eq!(in_blocks(text, 5, 7, 3), one_reader(text));
    }

    /// A quoted field holding line breaks and commas stays one field wherever the text is cut.
    #[test]
    fn a_quoted_line_break_is_not_a_record_end() {
        let text = b"id,name\r\nA,\"x\n,y\r\nz\"\r\n\r\nB,\"\"\"q\"\"\"\nC,plain\"quote\n";
        let (header, records, flaws) = one_reader(text);
        assert_eq!(header, Ok(vec!["id".to_string(), "name".to_string()]));
        let got: Vec<&str> = records.iter().map(|(_, f)| f[1].as_str()).collect();
        assert_eq!(got, ["x\n,y\r\nz", "\"q\"", "plain\"quote"]);
        assert!(flaws.is_empty());
        for block in 1..text.len() {
            for piece in 1..8 {
                assert_eq!(in_blocks(text, 3, block, piece), one_reader(text), "block {block} piece {piece}");
            }
        }
    }
}
