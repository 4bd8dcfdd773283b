//! `owngraph screen`: the verdicts of many rights holders in one run, from one pass over the
//! graph (p. 5 "а", p. 42 "а", p. 5¹ "а"; issue 6).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use owngraph::analysis::interval::Value;
use owngraph::fraction::PERCENT_DECIMALS;
use owngraph::law::engine::{Engine, EngineOptions, RowAnswers, RowRegimes, ScreenRow};
use owngraph::law::{Regime, Verdict};
use owngraph::model::{Country, Graph, Party, PartyIdx, quarantine};
use rayon::prelude::*;

use super::common::{CliError, GraphArgs, PolicyArgs, RegimeChoice, personal_data};
use super::output::Output;
use owngraph::report::safe;

/// Output formats of `screen`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One row per target, a header row, UTF-8.
    Csv,
    /// One JSON object per line, shaped like `check --format json` without holders and chains.
    Jsonl,
}

/// Screen many rights holders at once: for each target the `ru` and `eaeu` share (exact
/// fraction and percent), upper bound and verdict, the `pak` verdict with the foreign
/// controllers, the number of ultimate holders, the undisclosed share, whether it sits in an
/// ownership cycle. Every row equals what `check` says for that target.
///
/// Examples:
///   owngraph screen register/ --all -o verdicts.csv
///   owngraph screen parties.csv relations.csv --targets ids.txt -o verdicts.jsonl
///   owngraph screen graph.json --all --regime pak --threads 2
///   owngraph screen register.og --all --changes today.json -o changes.csv
///
/// The targets file has one id (or ИНН, ОГРН) per line (`#` starts a comment). `--all` screens
/// every company. A target whose ownership or control reaches a quarantined EGRUL record is not
/// answered: its row has no verdicts and its notes name the records and why.
/// A summary (verdicts per regime, times, rows written) goes to standard error; the output file is
/// written whole or not at all.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// A file with the ids to screen, one per line.
    #[arg(long, value_name = "FILE", conflicts_with = "all", required_unless_present = "all")]
    targets: Option<PathBuf>,

    /// Screen every company of the graph.
    #[arg(long)]
    all: bool,

    /// Which questions to answer.
    #[arg(long, value_enum, default_value_t = RegimeChoice::All)]
    regime: RegimeChoice,

    /// Output format (default: from the output file's extension, else csv).
    #[arg(long, value_enum)]
    format: Option<Format>,

    #[command(flatten)]
    policies: PolicyArgs,

    /// Screen only shard K of N (e.g. `2/8`): the weakly connected components of companies and
    /// nonprofits that hash to it, with every terminal holder. The N shards together give every
    /// row of the whole run exactly once, so N machines or jobs can split a register.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,

    /// Re-screen: the previous register (a snapshot or any input, read with the same options).
    /// Only the targets whose ownership or control ancestry a change touched are recomputed, and
    /// only the rows that changed are written, with a `change` column (added, removed, changed)
    /// and the previous verdicts (`old_ru_verdict`, `old_eaeu_verdict`, `old_pak_verdict`).
    #[arg(long, value_name = "PREVIOUS", conflicts_with = "shard")]
    since: Option<PathBuf>,

    /// Re-screen a delta: the file (JSON, JSON Lines) or CSV pair directory of the parties whose
    /// state changed, each with its whole current record and every relation into it, or an FNS
    /// EGRUL package (.xml, .zip or their directory) for a register read from EGRUL. Each
    /// replaces the register's party of the same id (or adds it), its holders become exactly
    /// those listed; a holder may be a party of the register only (in EGRUL, a founder without
    /// a record of its own is the register's party of its ОГРН or ИНН, else a new one). The
    /// rows that change are written as `--since` writes them; with a snapshot register
    /// (`owngraph index`) only what the change reaches is read. Parties removed are
    /// listed with `--removed`; `--targets` names ids only (not ИНН or ОГРН). Examples:
    /// `owngraph screen register.og --all --changes today.json -o changes.csv`,
    /// `owngraph screen egrul.og --all --changes VO_RUGFO_0000_9965_20251128.zip -o changes.csv`
    #[arg(long, value_name = "DELTA", conflicts_with_all = ["shard", "since"])]
    changes: Option<PathBuf>,

    /// With `--changes`: a file of the ids of register parties removed, one per line (`#` starts
    /// a comment). Each goes with every relation into and out of it; the delta may not name it.
    #[arg(long, value_name = "IDS", requires = "changes")]
    removed: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("\"{text}\" is not K/N with 1 <= K <= N (e.g. 2/8)");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n) = (k.trim().parse::<usize>().map_err(|_| bad())?, n.trim().parse::<usize>().map_err(|_| bad())?);
    if k == 0 || k > n { Err(bad()) } else { Ok((k, n)) }
}

/// The ids of a targets file with their 0-based lines: one per line, `#` starts a comment, an
/// `id` header is skipped.
fn target_ids(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i, line.split('#').next().unwrap_or("").trim().trim_start_matches('\u{feff}')))
        .filter(|&(i, id)| !(id.is_empty() || (i == 0 && id == "id")))
}

fn read_targets(path: &Path, graph: &Graph) -> Result<Vec<PartyIdx>, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::Io(format!("{}: cannot read: {e}", path.display())))?;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (i, id) in target_ids(&text) {
        match super::common::find_target(graph, id) {
            Some(p) => out.push(p),
            None => missing.push(format!("{}:{}: no party has id \"{}\"", path.display(), i + 1, safe::one_line(id))),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        let n = missing.len();
        missing.truncate(20);
        Err(CliError::Usage(format!("{n} unknown target id{}:\n{}", if n == 1 { "" } else { "s" }, missing.join("\n"))))
    }
}

/// The CSV columns.
const COLUMNS: &[&str] = &[
    "id",
    "name",
    "country",
    "ru_verdict",
    "ru_share",
    "ru_share_percent",
    "ru_upper",
    "ru_upper_percent",
    "eaeu_verdict",
    "eaeu_share",
    "eaeu_share_percent",
    "eaeu_upper",
    "eaeu_upper_percent",
    "pak_verdict",
    "pak_foreign_controllers",
    "ultimate_holders",
    "unknown_share",
    "unknown_share_percent",
    "in_cycle",
    "notes",
];

/// The bytes that make the `csv` crate quote a cell: the comma, the quote, the line breaks.
const QUOTED: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// One CSV line written into a block's text: cells joined by commas, each kept from running as
/// a spreadsheet formula ([`safe::csv_cell`]) and quoted as the `csv` crate quotes, only when it
/// holds a comma, a quote or a line break.
struct CsvLine<'b> {
    out: &'b mut String,
    first: bool,
}

impl<'b> CsvLine<'b> {
    fn new(out: &'b mut String) -> CsvLine<'b> {
        CsvLine { out, first: true }
    }

    fn next(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// The next cell.
    fn cell(&mut self, text: &str) {
        self.next();
        push_cell(self.out, text);
    }

    /// The next cell, as `write` writes it: in place, and written again as [`CsvLine::cell`]
    /// writes it in the rare case (never a number) it needs the guard or quotes.
    fn cell_with(&mut self, write: impl FnOnce(&mut String)) {
        self.next();
        let start = self.out.len();
        write(self.out);
        let written = &self.out[start..];
        if matches!(safe::csv_cell(written), Cow::Owned(_)) || written.bytes().any(|b| QUOTED[usize::from(b)]) {
            let text = self.out.split_off(start);
            push_cell(self.out, &text);
        }
    }

    /// `n` empty cells.
    fn empty(&mut self, n: usize) {
        for _ in 0..n {
            self.next();
        }
    }

    /// The end of the line.
    fn end(self) {
        self.out.push('\n');
    }
}

/// Appends a cell, guarded and quoted.
fn push_cell(out: &mut String, text: &str) {
    let text = safe::csv_cell(text);
    if text.bytes().any(|b| QUOTED[usize::from(b)]) {
        out.push('"');
        for part in text.split_inclusive('"') {
            out.push_str(part);
            if part.ends_with('"') {
                out.push('"');
            }
        }
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// What a CSV row is written from: a [`ScreenRow`], or a target's answers with its id, name and
/// country borrowed from the graph.
struct RowCells<'a> {
    id: &'a str,
    name: &'a str,
    country: &'a str,
    regimes: &'a RowRegimes,
    ultimate_holders: u32,
    ultimate_holders_capped: bool,
    unknown_share: &'a Value,
    in_cycle: bool,
    notes: &'a [&'static str],
}

impl<'a> From<&'a ScreenRow> for RowCells<'a> {
    fn from(r: &'a ScreenRow) -> RowCells<'a> {
        RowCells {
            id: &r.target,
            name: &r.name,
            country: r.country.as_deref().unwrap_or(""),
            regimes: &r.regimes,
            ultimate_holders: r.ultimate_holders,
            ultimate_holders_capped: r.ultimate_holders_capped,
            unknown_share: &r.unknown_share,
            in_cycle: r.in_cycle,
            notes: &r.notes,
        }
    }
}

impl<'a> From<&'a RowAnswers<'_>> for RowCells<'a> {
    fn from(r: &'a RowAnswers<'_>) -> RowCells<'a> {
        RowCells {
            id: &r.party.id,
            name: &r.party.name,
            country: r.party.country.as_ref().map_or("", |c| c.as_str()),
            regimes: &r.regimes,
            ultimate_holders: r.ultimate_holders,
            ultimate_holders_capped: r.ultimate_holders_capped,
            unknown_share: &r.unknown_share,
            in_cycle: r.in_cycle,
            notes: &r.notes,
        }
    }
}

/// Writes the cells of [`COLUMNS`].
fn write_csv_row(line: &mut CsvLine, r: &RowCells) {
    let value = |line: &mut CsvLine, v: &Value| {
        line.cell_with(|text| v.write_fraction_text(text));
        line.cell_with(|text| v.write_percent_text(PERCENT_DECIMALS, text));
    };
    line.cell(r.id);
    line.cell(r.name);
    line.cell(r.country);
    for p in [&r.regimes.ru, &r.regimes.eaeu] {
        match p {
            Some(p) => {
                line.cell(p.verdict.map_or("not_exact", |v| v.as_str()));
                value(line, &p.share);
                value(line, &p.upper);
            }
            None => line.empty(5),
        }
    }
    match &r.regimes.pak {
        Some(p) => {
            line.cell(p.verdict.as_str());
            line.cell_with(|text| {
                for (i, c) in p.controllers.iter().enumerate() {
                    if i > 0 {
                        text.push(';');
                    }
                    text.push_str(&c.id);
                }
            });
        }
        None => line.empty(2),
    }
    line.cell_with(|text| {
        // Writing to a `String` cannot fail.
        let _ = write!(text, "{}", r.ultimate_holders);
        if r.ultimate_holders_capped {
            text.push('+');
        }
    });
    value(line, r.unknown_share);
    line.cell(if r.in_cycle { "true" } else { "false" });
    line.cell_with(|text| {
        for (i, note) in r.notes.iter().enumerate() {
            if i > 0 {
                text.push(';');
            }
            text.push_str(note);
        }
    });
}

/// The cells of a row that cannot be answered: no verdicts, and the records that block it.
fn blocked_cells(line: &mut CsvLine, id: &str, name: &str, country: Option<Country>, why: &[(String, Vec<String>)]) {
    // Every verdict and share column is empty: only the id, name, country and the note.
    line.cell(id);
    line.cell(name);
    line.cell(country.as_ref().map_or("", |c| c.as_str()));
    line.empty(COLUMNS.len() - 4);
    let list: Vec<String> = why.iter().map(|(id, rs)| format!("{id} ({})", rs.join("; "))).collect();
    line.cell(&format!("not_answered: quarantined record in its ownership or control: {}", list.join(", ")));
}

/// A row that cannot be answered, appended to `out` ([`blocked_cells`]).
fn blocked_csv_row(out: &mut String, party: &Party, why: &[(String, Vec<String>)]) {
    let mut line = CsvLine::new(out);
    blocked_cells(&mut line, &party.id, &party.name, party.country, why);
    line.end();
}

/// [`blocked_cells`] as JSON.
fn blocked_json(id: &str, name: &str, country: Option<Country>, why: &[(String, Vec<String>)]) -> serde_json::Value {
    let records: Vec<serde_json::Value> =
        why.iter().map(|(id, rs)| serde_json::json!({"id": id, "reasons": rs})).collect();
    serde_json::json!({
        "target": id,
        "name": name,
        "country": country.map(|c| c.to_string()),
        "regimes": {},
        "not_answered": {"reason": "quarantined", "records": records},
        "notes": ["not_answered"],
    })
}

/// [`blocked_json`] as a JSON line.
fn blocked_json_row(out: &mut Vec<u8>, party: &Party, why: &[(String, Vec<String>)]) -> Result<(), String> {
    let v = blocked_json(&party.id, &party.name, party.country, why);
    serde_json::to_writer(&mut *out, &v).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(())
}

/// What a block of rows gives: its bytes, its verdicts counted per regime (a target that cannot
/// be answered counts in the fourth column of each regime), and the targets with values beyond
/// the size budget for exact numbers.
type Block = (Vec<u8>, [[usize; 4]; 3], Vec<String>);

/// The rows of some targets, written out, with their verdicts counted.
fn render_block(
    screen: &Engine,
    graph: &Graph,
    blocked: &[bool],
    targets: &[PartyIdx],
    format: Format,
) -> Result<Block, String> {
    let mut counts = [[0usize; 4]; 3];
    let mut inexact = Vec::new();
    // The rows as CSV text or as JSON lines.
    let (mut csv, mut jsonl) = match format {
        Format::Csv => (String::with_capacity(targets.len() * 128), Vec::new()),
        Format::Jsonl => (String::new(), Vec::with_capacity(targets.len() * 512)),
    };
    for &t in targets {
        if blocked.get(t.index()).copied().unwrap_or(false) {
            for c in counts.iter_mut() {
                c[3] += 1;
            }
            let (party, why) = (graph.party(t), quarantine::blocked_reasons(graph, t));
            match format {
                Format::Csv => blocked_csv_row(&mut csv, party, &why),
                Format::Jsonl => blocked_json_row(&mut jsonl, party, &why)?,
            }
            continue;
        }
        let r = screen.answers(t).map_err(|e| e.to_string())?;
        if r.notes.contains(&"not_exact") {
            inexact.push(r.party.id.to_string());
        }
        let verdicts = [
            r.regimes.ru.as_ref().and_then(|p| p.verdict),
            r.regimes.eaeu.as_ref().and_then(|p| p.verdict),
            r.regimes.pak.as_ref().map(|p| p.verdict),
        ];
        for (i, v) in verdicts.into_iter().enumerate() {
            if let Some(v) = v {
                counts[i][v as usize] += 1;
            }
        }
        match format {
            Format::Csv => {
                let mut line = CsvLine::new(&mut csv);
                write_csv_row(&mut line, &RowCells::from(&r));
                line.end();
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut jsonl, &r.into_row()).map_err(|e| e.to_string())?;
                jsonl.push(b'\n');
            }
        }
    }
    let bytes = if format == Format::Csv { csv.into_bytes() } else { jsonl };
    Ok((bytes, counts, inexact))
}

fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Runs `screen`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| CliError::Usage(format!("--threads: {e}")))?;
    }
    let started = Instant::now();
    let mut inputs = args.graph.inputs();
    inputs.extend(args.targets.clone());
    inputs.extend(args.since.clone());
    inputs.extend(args.changes.clone());
    inputs.extend(args.removed.clone());
    let mut output = Output::prepare(args.output.as_deref(), &inputs)?;
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_message("reading the graph");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    if let Some(previous) = &args.since {
        // Both registers are read at once.
        let (graph, old) = rayon::join(
            || args.graph.load(),
            || super::common::load_inputs(std::slice::from_ref(previous), args.graph.date(), &args.graph.egrul),
        );
        return rescreen(&args, &graph?, &old?, previous, started, output);
    }
    if let Some(delta) = &args.changes {
        spinner.finish_and_clear();
        return rescreen_changes(&args, delta, started, output);
    }
    let mut graph = args.graph.load()?;
    output.set_personal(personal_data(&graph));
    let loaded = started.elapsed();
    let mut targets = match &args.targets {
        Some(path) => read_targets(path, &graph)?,
        None => graph.party_indices().filter(|&p| graph.party(p).kind.is_company()).collect(),
    };
    // Rows name parties from the graph itself: the targets were the last look-up by id.
    graph.release_id_index();
    spinner.set_message("computing participation and control for every company");
    let regimes = args.regime.regimes().into_iter().collect();
    let options = EngineOptions { regimes, policies: args.policies.policies() };
    let screen = match args.shard {
        Some((k, n)) => {
            let shard = owngraph::analysis::components::shard(&graph, k, n);
            targets.retain(|t| shard.own[t.index()]);
            Engine::for_scope(&graph, &shard.scope, options)
        }
        None => Engine::new(&graph, options),
    };
    let blocked = quarantine::blocked_parties(&graph);
    let computed = started.elapsed();
    spinner.finish_and_clear();

    let format = args.format.unwrap_or_else(|| {
        match args.output.as_deref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("jsonl") | Some("ndjson") => Format::Jsonl,
            _ => Format::Csv,
        }
    });
    let mut out = output.open()?;
    let bar = progress(targets.len() as u64, "writing rows");
    let mut counts: [[usize; 4]; 3] = [[0; 4]; 3];
    let mut inexact: Vec<String> = Vec::new();
    if format == Format::Csv {
        let mut header = String::new();
        let mut line = CsvLine::new(&mut header);
        for column in COLUMNS {
            line.cell(column);
        }
        line.end();
        out.write_all(header.as_bytes())?;
    }
    // Rows are made in parallel blocks, a chunk of them ahead on a thread of their own, while
    // this one writes out the blocks made so far in target order.
    std::thread::scope(|scope| -> Result<(), CliError> {
        let (made, ready) = std::sync::mpsc::sync_channel::<(usize, Result<Vec<Block>, String>)>(1);
        let (screen, graph, blocked, targets) = (&screen, &graph, &blocked, &targets);
        scope.spawn(move || {
            for chunk in targets.chunks(1 << 16) {
                let blocks: Result<Vec<Block>, String> =
                    chunk.par_chunks(512).map(|ts| render_block(screen, graph, blocked, ts, format)).collect();
                let failed = blocks.is_err();
                // Nobody receives when writing failed: nothing more to make.
                if made.send((chunk.len(), blocks)).is_err() || failed {
                    break;
                }
            }
        });
        for (screened, blocks) in ready {
            let blocks = blocks.map_err(|e| CliError::Usage(format!("{}: {e}", args.graph.file().display())))?;
            for (bytes, c, ids) in blocks {
                inexact.extend(ids);
                for (i, row) in c.iter().enumerate() {
                    for (j, n) in row.iter().enumerate() {
                        counts[i][j] += n;
                    }
                }
                out.write_all(&bytes)?;
            }
            bar.inc(screened as u64);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    out.commit()?;
    // The command ends here and the process with it, which returns the memory whole: freeing a
    // register's engine and graph value by value first took a third of a second.
    std::mem::forget(screen);
    std::mem::forget(graph);
    let total = started.elapsed();
    let mut summary = format!(
        "screened {} targets: load {:.2} s, compute {:.2} s, rows {:.2} s, total {:.2} s",
        targets.len(),
        loaded.as_secs_f64(),
        (computed - loaded).as_secs_f64(),
        (total - computed).as_secs_f64(),
        total.as_secs_f64()
    );
    for (i, regime) in [Regime::Ru, Regime::Eaeu, Regime::Pak].into_iter().enumerate() {
        let c = counts[i];
        if c[..3].iter().sum::<usize>() > 0 {
            summary.push_str(&format!(
                "\n  {:<5} {}: {}, {}: {}, {}: {}",
                regime.as_str(),
                Verdict::Eligible.as_str(),
                c[0],
                Verdict::NotEligible.as_str(),
                c[1],
                Verdict::Undetermined.as_str(),
                c[2]
            ));
        }
    }
    if counts[0][3] > 0 {
        summary.push_str(&format!(
            "\n  not answered: {} (their ownership or control reaches a quarantined record; see the notes column)",
            counts[0][3]
        ));
    }
    if let Some(p) = &args.output {
        summary.push_str(&format!("\n  {} rows written to {}", targets.len(), p.display()));
    }
    eprintln!("{}", safe::lines(&summary));
    if !inexact.is_empty() {
        let n = inexact.len();
        let shown: Vec<&str> = inexact.iter().take(20).map(String::as_str).collect();
        eprintln!(
            "{n} row{} with values beyond the size budget for exact numbers ({} digits; --exact-budget): \
             certified bounds given instead of fractions, verdicts decided from them where they lie on one side \
             of 50 % (\"not_exact\" where they do not): {}{}",
            if n == 1 { "" } else { "s" },
            args.graph.exact_budget,
            shown.join(", "),
            if n > shown.len() { ", …" } else { "" }
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `screen --since PREVIOUS`: the rows that changed since the previous register.
fn rescreen(
    args: &Args,
    graph: &Graph,
    old: &Graph,
    previous: &Path,
    started: Instant,
    mut output: Output,
) -> Result<ExitCode, CliError> {
    use owngraph::incremental::rescreen;
    let loaded = started.elapsed();
    let wanted = match &args.targets {
        Some(path) => Some(read_targets(path, graph)?.into_iter().map(|t| graph.party(t).id.to_string()).collect()),
        None => None,
    };
    let (is_target, options) = rescreen_terms(args, wanted);
    let done = rescreen(old, graph, &options, &is_target);
    output.set_personal(personal_data(graph) || personal_data(old));
    let what = format!("since {}", previous.display());
    write_changes(args, &done, output, &what, started, loaded)
}

/// `screen REGISTER --changes DELTA`: the rows a delta changes. A snapshot register is read in
/// part (only what the change reaches), any other input whole.
fn rescreen_changes(args: &Args, delta: &Path, started: Instant, mut output: Output) -> Result<ExitCode, CliError> {
    use owngraph::incremental::{Register, rescreen_delta};
    let inputs = args.graph.inputs();
    let snapshot = match inputs.as_slice() {
        [one] if owngraph::input::snapshot::is_snapshot(one) => {
            owngraph::fraction::set_exact_budget(args.graph.exact_budget);
            Some(owngraph::input::snapshot::Snapshot::open(one).map_err(CliError::Input)?)
        }
        _ => None,
    };
    let full = match snapshot {
        Some(_) => None,
        None => Some(args.graph.load()?),
    };
    let register: &dyn Register = match (&snapshot, &full) {
        (Some(s), _) => s,
        (None, Some(g)) => g,
        (None, None) => return Err(CliError::Usage("no register".into())),
    };
    let paths = [delta];
    let find = |id: &str| -> Result<Option<owngraph::model::Party>, String> {
        register.find(id)?.map(|p| register.party(p)).transpose()
    };
    let removed: Vec<String> = match &args.removed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Io(format!("{}: cannot read: {e}", path.display())))?;
            let mut ids = Vec::new();
            for (i, id) in target_ids(&text) {
                if register
                    .find(id)
                    .map_err(|m| CliError::Usage(format!("{}: {m}", args.graph.file().display())))?
                    .is_none()
                {
                    return Err(CliError::Usage(format!(
                        "{}:{}: no party of the register has id \"{}\"",
                        path.display(),
                        i + 1,
                        safe::one_line(id)
                    )));
                }
                ids.push(id.to_string());
            }
            ids
        }
        None => Vec::new(),
    };
    let read = owngraph::input::LoadOptions { as_of: register.as_of(), egrul: args.graph.egrul.options() };
    let changes = owngraph::input::delta::load(&paths, &read, &find, &removed).map_err(CliError::Input)?;
    let loaded = started.elapsed();
    // The targets file names ids (not ИНН or ОГРН: the register is not read whole).
    let wanted = match &args.targets {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Io(format!("{}: cannot read: {e}", path.display())))?;
            Some(target_ids(&text).map(|(_, id)| id.to_string()).collect())
        }
        None => None,
    };
    let (is_target, options) = rescreen_terms(args, wanted);
    let done = rescreen_delta(register, &changes, &options, &is_target)
        .map_err(|m| CliError::Usage(format!("{}: {m}", delta.display())))?;
    // A register read in part may hold personal data this run did not see: the output is
    // created private.
    output.set_personal(full.as_ref().is_none_or(personal_data) || personal_data(&changes.graph));
    let what = format!("with the changes in {}", delta.display());
    write_changes(args, &done, output, &what, started, loaded)
}

/// What `--since` and `--changes` recompute: the targets (the ids of `--targets`, else every
/// company) and the engine's options.
fn rescreen_terms(
    args: &Args,
    wanted: Option<std::collections::HashSet<String>>,
) -> (impl Fn(&owngraph::model::Party) -> bool + Sync, EngineOptions) {
    let is_target = move |p: &owngraph::model::Party| match &wanted {
        Some(ids) => ids.contains(p.id.as_str()),
        None => owngraph::incremental::every_company(p),
    };
    let regimes = args.regime.regimes().into_iter().collect();
    (is_target, EngineOptions { regimes, policies: args.policies.policies() })
}

/// Writes the rows that changed (`--since`, `--changes`) and the summary.
fn write_changes(
    args: &Args,
    done: &owngraph::incremental::Rescreen,
    output: Output,
    what: &str,
    started: Instant,
    loaded: std::time::Duration,
) -> Result<ExitCode, CliError> {
    use owngraph::incremental::{Change, NoRow, Row};
    let computed = started.elapsed();
    let format = args.format.unwrap_or_else(|| {
        match args.output.as_deref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("jsonl") | Some("ndjson") => Format::Jsonl,
            _ => Format::Csv,
        }
    });
    let mut out = output.open()?;
    let verdicts = |r: &Row| -> [String; 3] {
        let v = |p: Option<Option<Verdict>>| p.map(|v| v.map_or("not_exact", |v| v.as_str())).unwrap_or("").to_string();
        match r {
            Ok(r) => [
                v(r.regimes.ru.as_ref().map(|p| p.verdict)),
                v(r.regimes.eaeu.as_ref().map(|p| p.verdict)),
                v(r.regimes.pak.as_ref().map(|p| Some(p.verdict))),
            ],
            Err(NoRow::NotAnswered { .. }) => ["not_answered".into(), "not_answered".into(), "not_answered".into()],
            Err(NoRow::Error(_)) => ["error".into(), "error".into(), "error".into()],
        }
    };
    // The rows as CSV text or as JSON lines.
    let (mut csv, mut jsonl) = (String::new(), Vec::new());
    if format == Format::Csv {
        let mut line = CsvLine::new(&mut csv);
        for column in ["change", "old_ru_verdict", "old_eaeu_verdict", "old_pak_verdict"].iter().chain(COLUMNS) {
            line.cell(column);
        }
        line.end();
    }
    for (id, change) in &done.changes {
        let (kind, before, after) = match change {
            Change::Added(r) => ("added", None, Some(&**r)),
            Change::Removed(r) => ("removed", Some(&**r), None),
            Change::Changed(a, b) => ("changed", Some(&**a), Some(&**b)),
        };
        match format {
            Format::Csv => {
                let mut line = CsvLine::new(&mut csv);
                line.cell(kind);
                match before.map(&verdicts) {
                    Some(old) => old.iter().for_each(|v| line.cell(v)),
                    None => line.empty(3),
                }
                match after {
                    Some(Ok(r)) => write_csv_row(&mut line, &RowCells::from(r)),
                    Some(Err(NoRow::NotAnswered { name, country, records })) => {
                        blocked_cells(&mut line, id, name, *country, records);
                    }
                    Some(Err(NoRow::Error(e))) => {
                        line.cell(id);
                        line.empty(COLUMNS.len() - 2);
                        line.cell(e);
                    }
                    None => {
                        line.cell(id);
                        line.empty(COLUMNS.len() - 1);
                    }
                }
                line.end();
            }
            Format::Jsonl => {
                let side = |r: Option<&Row>| match r {
                    Some(Ok(r)) => serde_json::to_value(r).unwrap_or_default(),
                    Some(Err(NoRow::NotAnswered { name, country, records })) => {
                        blocked_json(id, name, *country, records)
                    }
                    Some(Err(NoRow::Error(e))) => serde_json::json!({"target": id, "error": e}),
                    None => serde_json::Value::Null,
                };
                let v = serde_json::json!({"target": id, "change": kind, "old": side(before), "new": side(after)});
                serde_json::to_writer(&mut jsonl, &v).map_err(|e| CliError::Io(e.to_string()))?;
                jsonl.push(b'\n');
            }
        }
    }
    out.write_all(if format == Format::Csv { csv.as_bytes() } else { &jsonl })?;
    out.commit()?;
    eprintln!(
        "re-screened {what}: {} parties changed, {} targets recomputed, {} rows changed: load {:.2} s, compute {:.2} s, total {:.2} s",
        done.touched,
        done.recomputed,
        done.changes.len(),
        loaded.as_secs_f64(),
        (computed - loaded).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
