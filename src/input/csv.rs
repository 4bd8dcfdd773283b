//! The CSV pair for large inputs: `parties.csv` and `relations.csv`, UTF-8 with a header row,
//! columns named after the fields of the native JSON format. Both files are streamed in blocks,
//! split into records and built on every thread (`csv_blocks`); every problem is reported with
//! its file and line.
//!
//! `parties.csv`: `id,kind,name,country,citizenship,inn,ogrn,document,address,declared_ru,
//! declared_eaeu,declared_reason` (citizenships separated by `;`).
//! `relations.csv`: `type,from,to,capital,votes,basis,of,sole_executive,executive_board,board,
//! share,since,until,source,id,note`. Only `id`, `kind` and `type`, `from`, `to` are required
//! columns; an empty cell is an absent field.

use std::path::Path;

use chrono::NaiveDate;

use super::csv_blocks::{Block, Blocks, Flaw};
use super::{InputErrors, LineCapped, LineTooLong, MAX_LINE_BYTES, line_too_long};

/// A file of the pair, its lines capped.
type File = LineCapped<std::fs::File>;
use rayon::prelude::*;

use super::records::{Fractions, PartyFields, RelationFields, insert_party, party_from, relation_from};
use crate::fraction::Share;
use crate::model::{
    DeclaredStatus, Graph, GraphBuilder, Ids, Origin, Party, Problem, Recent, RecordRef, Relation, Section, Sink,
};
use std::borrow::Cow;

/// Columns of `parties.csv`.
pub const PARTY_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "name",
    "country",
    "citizenship",
    "inn",
    "ogrn",
    "document",
    "address",
    "declared_ru",
    "declared_eaeu",
    "declared_reason",
    "note",
];

/// Columns of `relations.csv`.
pub const RELATION_COLUMNS: &[&str] = &[
    "type",
    "from",
    "to",
    "capital",
    "votes",
    "basis",
    "of",
    "sole_executive",
    "executive_board",
    "board",
    "share",
    "since",
    "until",
    "source",
    "id",
    "note",
];

/// The columns holding fractions, with their positions among [`RELATION_COLUMNS`].
const FRACTION_COLUMNS: [(usize, &str); 5] = {
    const fn of(name: &'static str) -> (usize, &'static str) {
        (at(RELATION_COLUMNS, name), name)
    }
    [of("capital"), of("votes"), of("executive_board"), of("board"), of("share")]
};

fn whole(section: Section, line: u32, message: String) -> Problem {
    Problem {
        record: RecordRef { section, origin: Origin { index: line.saturating_sub(2), line }, label: String::new() },
        field: None,
        message,
    }
}

/// Column positions by name, checked against the allowed columns.
fn columns(
    section: Section,
    headers: &csv::StringRecord,
    allowed: &[&str],
    required: &[&str],
) -> Result<Vec<Option<usize>>, Vec<Problem>> {
    let mut problems = Vec::new();
    let names: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}') } else { h }.trim().to_string())
        .collect();
    for n in &names {
        if !allowed.contains(&n.as_str()) {
            problems.push(whole(section, 1, format!("unknown column \"{n}\" (columns: {})", allowed.join(", "))));
        }
    }
    for r in required {
        if !names.iter().any(|n| n == r) {
            problems.push(whole(section, 1, format!("missing column \"{r}\"")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(allowed.iter().map(|a| names.iter().position(|n| n == a)).collect())
}

/// The position of column `name` among `all`, found when compiling (`const { at(..) }`: a name
/// that is not there does not compile), so reading a cell searches nothing (a search per cell
/// was a tenth of reading a register).
const fn at(all: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < all.len() {
        let (a, b) = (all[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such column")
}

/// The trimmed cell of the column at `i` of the known columns, if the file has it and it is
/// not empty.
fn cell<'r>(rec: &'r csv::StringRecord, cols: &[Option<usize>], i: usize) -> Option<&'r str> {
    cols.get(i).copied().flatten().and_then(|c| rec.get(c)).map(trim).filter(|s| !s.is_empty())
}

/// `str::trim`, without its search when the cell begins and ends with a visible ASCII
/// character, as nearly all do (trimming was 4 % of the cycles of loading a register).
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) { s } else { s.trim() }
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "да" => Ok(true),
        "false" | "no" | "0" | "нет" => Ok(false),
        _ => Err(format!("\"{s}\" is not true or false")),
    }
}

/// A party from a `parties.csv` record.
fn party_record(rec: &csv::StringRecord, cols: &[Option<usize>], origin: Origin) -> (Party, Vec<Problem>) {
    let c = |i: usize| cell(rec, cols, i);
    let mut declared = None;
    let mut bad = Vec::new();
    let (dru, deaeu) = (c(const { at(PARTY_COLUMNS, "declared_ru") }), c(const { at(PARTY_COLUMNS, "declared_eaeu") }));
    if dru.is_some() || deaeu.is_some() || c(const { at(PARTY_COLUMNS, "declared_reason") }).is_some() {
        let mut flag = |v: Option<&str>, name: &'static str| match v.map(parse_bool) {
            Some(Ok(v)) => Some(v),
            Some(Err(m)) => {
                bad.push((name, m));
                None
            }
            None => None,
        };
        let ru = flag(dru, "declared_ru");
        let eaeu = flag(deaeu, "declared_eaeu");
        declared = Some(DeclaredStatus {
            ru,
            eaeu,
            reason: c(const { at(PARTY_COLUMNS, "declared_reason") }).unwrap_or_default().to_string(),
        });
    }
    let fields = PartyFields {
        id: Cow::Borrowed(c(const { at(PARTY_COLUMNS, "id") }).unwrap_or_default()),
        kind: Cow::Borrowed(c(const { at(PARTY_COLUMNS, "kind") }).unwrap_or_default()),
        name: c(const { at(PARTY_COLUMNS, "name") }).map(Cow::Borrowed),
        country: c(const { at(PARTY_COLUMNS, "country") }).map(Cow::Borrowed),
        citizenship: c(const { at(PARTY_COLUMNS, "citizenship") })
            .map(|s| s.split([';', '|']).map(|x| Cow::Borrowed(x.trim())).collect())
            .unwrap_or_default(),
        inn: c(const { at(PARTY_COLUMNS, "inn") }).map(String::from),
        ogrn: c(const { at(PARTY_COLUMNS, "ogrn") }).map(String::from),
        document: c(const { at(PARTY_COLUMNS, "document") }).map(String::from),
        address: c(const { at(PARTY_COLUMNS, "address") }).map(String::from),
        declared,
        notes: c(const { at(PARTY_COLUMNS, "note") }).map(|n| vec![n.to_string()]).unwrap_or_default(),
    };
    let (party, mut problems) = party_from(fields, origin);
    for (field, m) in bad {
        problems.push(Problem::party_field(&party, field, m));
    }
    (party, problems)
}

/// A relation from a `relations.csv` record.
fn relation_record(
    ids: Ids,
    recent: &mut Recent,
    rec: &csv::StringRecord,
    cols: &[Option<usize>],
    origin: Origin,
) -> Result<Option<Relation>, Vec<Problem>> {
    let c = |i: usize| cell(rec, cols, i);
    let mut fractions = Fractions::default();
    for (i, name) in FRACTION_COLUMNS {
        if let Some(v) = c(i) {
            fractions.set(name, Share::parse(v).map_err(|e| e.0));
        }
    }
    let (sole, bad) = match c(const { at(RELATION_COLUMNS, "sole_executive") }).map(parse_bool) {
        Some(Ok(v)) => (Some(v), None),
        Some(Err(m)) => (None, Some(m)),
        None => (None, None),
    };
    let fields = RelationFields {
        kind: Cow::Borrowed(c(const { at(RELATION_COLUMNS, "type") }).unwrap_or_default()),
        from: Cow::Borrowed(c(const { at(RELATION_COLUMNS, "from") }).unwrap_or_default()),
        to: Cow::Borrowed(c(const { at(RELATION_COLUMNS, "to") }).unwrap_or_default()),
        fractions,
        basis: c(const { at(RELATION_COLUMNS, "basis") }).map(Cow::Borrowed),
        of: c(const { at(RELATION_COLUMNS, "of") }).map(Cow::Borrowed),
        sole_executive: sole,
        since: c(const { at(RELATION_COLUMNS, "since") }).map(Cow::Borrowed),
        until: c(const { at(RELATION_COLUMNS, "until") }).map(Cow::Borrowed),
        source: c(const { at(RELATION_COLUMNS, "source") }).map(String::from),
        id: c(const { at(RELATION_COLUMNS, "id") }).map(String::from),
        notes: c(const { at(RELATION_COLUMNS, "note") }).map(|n| vec![n.to_string()]).unwrap_or_default(),
    };
    // Named only for a problem of its own (a string per relation was a cost of every load).
    let label = bad.is_some().then(|| format!("{} {} → {}", fields.kind, fields.from, fields.to));
    let built = relation_from(ids, recent, fields, origin);
    match bad {
        None => built,
        Some(m) => {
            let label = label.unwrap_or_default();
            let mut problems = built.err().unwrap_or_default();
            problems.push(Problem {
                record: RecordRef { section: Section::Relations, origin, label },
                field: Some("sole_executive".into()),
                message: m,
            });
            Err(problems)
        }
    }
}

/// A file of the pair, its lines capped at [`MAX_LINE_BYTES`].
fn open(path: &Path) -> Result<File, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    Ok(LineCapped::new(f, MAX_LINE_BYTES))
}

/// The problem of a read that failed: a line over [`MAX_LINE_BYTES`], or the file.
fn stop_problem(section: Section, e: &std::io::Error) -> Problem {
    match e.get_ref().and_then(|e| e.downcast_ref::<LineTooLong>()) {
        Some(LineTooLong(line)) => whole(section, u32::try_from(*line).unwrap_or(u32::MAX), line_too_long()),
        None => whole(section, 0, e.to_string()),
    }
}

/// The records of a piece the CSV reader refused, as problems, each with the number of the
/// piece's records before it.
fn refused(section: Section, flaws: Vec<Flaw>) -> Vec<(usize, Problem)> {
    flaws.into_iter().map(|(before, at, m)| (before, whole(section, line(at), m))).collect()
}

/// What a piece's records gave: an item per record read (its index counted within the piece),
/// and the records refused.
type Built<T> = (Vec<T>, Vec<(usize, Problem)>);

/// Builds an item from each record of each piece of `block`, on every thread, each piece split
/// into a pool of records its thread reuses; `build` is given the piece's `state`, its records,
/// the position of the record to build among them, and its origin.
fn build<T: Send, S>(
    block: &Block,
    section: Section,
    state: impl Fn() -> S + Sync,
    build: impl Fn(&mut S, &[csv::StringRecord], usize, Origin) -> T + Sync,
) -> Vec<Built<T>> {
    thread_local! {
        /// The records of the piece a thread builds, kept from piece to piece.
        static POOL: std::cell::RefCell<Vec<csv::StringRecord>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    block
        .pieces()
        .into_par_iter()
        .map(|piece| {
            POOL.with_borrow_mut(|pool| {
                let (n, flaws) = piece.split(pool);
                let (records, mut state) = (&pool[..n], state());
                let origin = |i: usize| Origin { index: i as u32, line: line(piece.line_of(&records[i])) };
                let items = (0..n).map(|i| build(&mut state, records, i, origin(i))).collect();
                (items, refused(section, flaws))
            })
        })
        .collect()
}

/// Adds the items built from the pieces' records, with the problems of the records refused, in
/// the order of the file; `item` is given the item and its record's index in the file, counted
/// by `index`.
fn in_file_order<S, T>(
    sink: &mut S,
    built: &mut Vec<Built<T>>,
    index: &mut u32,
    item: impl Fn(&mut S, T, u32),
    problem: impl Fn(&mut S, Problem),
) {
    for (items, refused) in built.drain(..) {
        let mut refused = refused.into_iter().peekable();
        for (k, x) in items.into_iter().enumerate() {
            while let Some((_, p)) = refused.next_if(|(before, _)| *before <= k) {
                problem(sink, p);
            }
            item(sink, x, *index);
            *index += 1;
        }
        refused.for_each(|(_, p)| problem(sink, p));
    }
}

/// Reads `parties.csv` into `b`, its ids indexed at the end when `pending`; false when an id
/// then repeats (the builder is to be dropped). The problems of the file as a whole (unreadable,
/// a missing column) are the error, a missing column's with the pair's `errors`.
fn read_parties(
    b: &mut GraphBuilder,
    path: &Path,
    block: &mut Block,
    next: &mut Block,
    pending: bool,
    errors: &InputErrors,
) -> Result<bool, InputErrors> {
    let name = path.display().to_string();
    let f = open(path).map_err(|m| InputErrors::whole(&name, m))?;
    let (mut blocks, headers) = Blocks::open(f).map_err(|m| InputErrors::whole(&name, m))?;
    let cols = columns(Section::Parties, &headers, PARTY_COLUMNS, &["id", "kind"])
        .map_err(|problems| InputErrors { problems, ..errors.clone() })?;
    // A pipeline of two blocks: while the parties built before are added, the next records are
    // read and split and this block is built. Problems keep the file order, those of records the
    // CSV reader refused among the others.
    blocks.next(block);
    let mut built: Vec<Built<(Party, Vec<Problem>)>> = Vec::new();
    let mut index = 0u32;
    let add = |b: &mut GraphBuilder, built: &mut Vec<Built<(Party, Vec<Problem>)>>, index: &mut u32| {
        let party = |b: &mut GraphBuilder, (mut party, mut problems): (Party, Vec<Problem>), at: u32| {
            party.origin.index = at;
            super::at_index(&mut problems, Section::Parties, at);
            if pending {
                b.add_party_pending(party, problems);
            } else {
                insert_party(b, party, problems);
            }
        };
        in_file_order(b, built, index, party, |b, p| b.problem(p));
    };
    loop {
        let current = &*block;
        // Adding is the serial part (its cost is mostly the graph's fresh memory): one worker
        // adds, the other reads the next block, then builds this one, and the first joins the
        // building once it has added.
        let ((), (parties, next_more)) = rayon::join(
            || add(b, &mut built, &mut index),
            || {
                let more = blocks.next(next);
                let parties = build(
                    current,
                    Section::Parties,
                    || (),
                    |(), records, i, origin| party_record(&records[i], &cols, origin),
                );
                (parties, more)
            },
        );
        built = parties;
        if !next_more {
            break;
        }
        std::mem::swap(block, next);
    }
    add(b, &mut built, &mut index);
    if let Some(e) = blocks.stopped() {
        b.problem(stop_problem(Section::Parties, &e));
    }
    Ok(b.index_pending())
}

/// A line number as the model keeps it.
fn line(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reads the CSV pair.
pub fn parse_pair(parties: &Path, relations: &Path, as_of: NaiveDate) -> Result<Graph, InputErrors> {
    parse_pair_with(parties, relations, as_of, &[])
}

/// As [`parse_pair`], the builder first given `known` parties (see [`super::json::parse_with`]).
pub(crate) fn parse_pair_with(
    parties: &Path,
    relations: &Path,
    as_of: NaiveDate,
    known: &[Party],
) -> Result<Graph, InputErrors> {
    let pname = parties.display().to_string();
    let rname = relations.display().to_string();
    let mut errors = InputErrors {
        file: format!("{pname} + {rname}"),
        problems: Vec::new(),
        files: vec![(Section::Parties, pname.clone()), (Section::Relations, rname.clone())],
    };
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len() as usize).unwrap_or(0);
    let builder = |pending: bool| {
        let mut b = super::seeded(known);
        if pending {
            b.reserve_records(size(parties) / 24, size(relations) / 28);
        } else {
            b.reserve(size(parties) / 24, size(relations) / 28);
        }
        b
    };
    let (mut block, mut next) = (Block::default(), Block::default());
    // The ids are indexed at the end, on every thread; should one repeat, the file is read
    // again indexing each party as it comes, which names every repeated id with its first use.
    let mut b = builder(true);
    if !read_parties(&mut b, parties, &mut block, &mut next, true, &errors)? {
        b = builder(false);
        read_parties(&mut b, parties, &mut block, &mut next, false, &errors)?;
    }
    let f = open(relations).map_err(|m| InputErrors { problems: vec![Problem::document(m)], ..errors.clone() })?;
    let (mut blocks, headers) = Blocks::open(f).map_err(|m| InputErrors::whole(&rname, m))?;
    let cols = match columns(Section::Relations, &headers, RELATION_COLUMNS, &["type", "from", "to"]) {
        Ok(c) => c,
        Err(p) => {
            errors.problems = p;
            return Err(errors);
        }
    };
    // The same pipeline: while the relations built before are added, the next records are read
    // and split and this block is built (its ends resolved through the ids, which are only read
    // then).
    blocks.next(&mut block);
    type Built1 = Built<Result<Option<Relation>, Vec<Problem>>>;
    let mut built: Vec<Built1> = Vec::new();
    let add = |sink: &mut Sink, built: &mut Vec<Built1>, index: &mut u32| {
        let relation = |sink: &mut Sink, r: Result<Option<Relation>, Vec<Problem>>, at: u32| match r {
            Ok(Some(mut rel)) => {
                rel.origin.index = at;
                sink.add_relation(rel);
            }
            Ok(None) => {}
            Err(mut problems) => {
                super::at_index(&mut problems, Section::Relations, at);
                problems.into_iter().for_each(|p| sink.problem(p));
            }
        };
        in_file_order(sink, built, index, relation, |sink, p| sink.problem(p));
    };
    let mut index = 0u32;
    loop {
        let (ids, mut sink) = b.ids_and_sink();
        let current = &block;
        let ((), (relations, next_more)) = rayon::join(
            || add(&mut sink, &mut built, &mut index),
            || {
                let more = blocks.next(&mut next);
                let relations = build(current, Section::Relations, Recent::default, |recent, records, i, origin| {
                    // The ends of the relation a few records ahead fetched meanwhile.
                    if let Some(ahead) = records.get(i + super::RESOLVE_AHEAD) {
                        for end in [const { at(RELATION_COLUMNS, "from") }, const { at(RELATION_COLUMNS, "to") }] {
                            if let Some(id) = cell(ahead, &cols, end) {
                                ids.prefetch(id);
                            }
                        }
                    }
                    relation_record(ids, recent, &records[i], &cols, origin)
                });
                (relations, more)
            },
        );
        built = relations;
        if !next_more {
            break;
        }
        std::mem::swap(&mut block, &mut next);
    }
    add(&mut b.ids_and_sink().1, &mut built, &mut index);
    if let Some(e) = blocks.stopped() {
        b.problem(stop_problem(Section::Relations, &e));
    }
    b.finish(as_of).map_err(|problems| InputErrors { problems, ..errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick path of [`trim`] gives what `str::trim` gives, whitespace of every kind at
    /// either end (the vertical tab and the no-break space among them).
    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a",
            "a\u{b}",
            "\u{a0}a",
            "a\u{3000}",
            "ab",
            "\ta b\n",
            "Ж",
            " Ж ",
            "\u{1c}x",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
