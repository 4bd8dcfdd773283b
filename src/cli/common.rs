//! Plumbing every command shares, so an option means the same thing everywhere: reading the
//! graph as of a date, finding the target, the policies, the language, and writing output
//! atomically (a failed run never leaves a partial file).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::ValueEnum;
use owngraph::input::{self, InputErrors};
use owngraph::law::{DualCitizens, Lang, NonprofitStatus, ParticipationBase, Policies, Regime};
use owngraph::model::{Country, Graph, PartyIdx};

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The input is malformed: every problem, each naming file and record (exit 2).
    Input(InputErrors),
    /// The command line or a referenced id is wrong (exit 2).
    Usage(String),
    /// Reading or writing a file failed (exit 2).
    Io(String),
}

impl CliError {
    /// 2 for everything that is the input's or the user's fault.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(2)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(e) => {
                let n = e.problems.len();
                writeln!(f, "owngraph: error: {} has {n} problem{}:", e.file, if n == 1 { "" } else { "s" })?;
                write!(f, "{e}")
            }
            CliError::Usage(m) => write!(f, "owngraph: error: {m}"),
            CliError::Io(m) => write!(f, "owngraph: error: {m}"),
        }
    }
}

/// The graph file and the date of the analysis.
#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// The ownership graph: native JSON (`.json`), JSON Lines (`.jsonl`), BODS, the CSV pair (a
    /// directory with `parties.csv` and `relations.csv`, or the two files), or EGRUL XML (one or
    /// more files, directories of them, `.zip` archives of them; they merge into one graph); see
    /// README.md.
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Analyse as of this date (YYYY-MM-DD): only relations in force that day count
    /// (since <= date < until). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,

    #[command(flatten)]
    pub egrul: EgrulArgs,
}

/// What EGRUL input needs: a citizenship for persons whose records state none, and strictness.
#[derive(clap::Args, Debug, Clone)]
pub struct EgrulArgs {
    /// EGRUL: the citizenship (ISO code, e.g. RU) of every natural person whose records state
    /// none (no СвГраждФЛ, as in format 4.05); noted on each. Persons whose records state a
    /// citizenship keep it. Without it such persons are undisclosed holders.
    #[arg(long, value_name = "CC", value_parser = parse_country)]
    pub assume_citizenship: Option<Country>,

    /// EGRUL: refuse the whole input when any record has a problem, instead of quarantining
    /// that record and answering every target it cannot change.
    #[arg(long)]
    pub strict: bool,
}

impl EgrulArgs {
    /// The importer's options.
    pub fn options(&self) -> input::egrul::Options {
        input::egrul::Options { assume_citizenship: self.assume_citizenship, strict: self.strict }
    }
}

fn parse_country(s: &str) -> Result<Country, String> {
    Country::parse(s)
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    input::parse_date(s)
}

/// The inputs as read, with the quarantined records announced on standard error.
pub fn load_inputs(inputs: &[PathBuf], as_of: NaiveDate, egrul: &EgrulArgs) -> Result<Graph, CliError> {
    let paths: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let options = input::LoadOptions { as_of, egrul: egrul.options() };
    let graph = input::load_inputs(&paths, &options).map_err(CliError::Input)?;
    if !graph.quarantined().is_empty() {
        eprintln!("{}", quarantine_summary(&graph));
    }
    Ok(graph)
}

/// The quarantined records, one per line, for standard error.
pub fn quarantine_summary(graph: &Graph) -> String {
    let q = graph.quarantined();
    let mut out = format!(
        "owngraph: warning: {} record{} quarantined (set aside with the reason; answers that depend on them are refused, the others are given):",
        q.len(),
        if q.len() == 1 { "" } else { "s" }
    );
    for x in q {
        let p = graph.party(x.party);
        for r in &x.reasons {
            out.push_str(&format!("\n  {} ({}): {r}", p.id, p.name));
        }
    }
    out
}

impl GraphArgs {
    /// The date of the analysis.
    pub fn date(&self) -> NaiveDate {
        self.as_of.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The first input, to name the input in messages.
    pub fn file(&self) -> &Path {
        self.inputs.first().map(PathBuf::as_path).unwrap_or(Path::new("(input)"))
    }

    /// Reads and checks the graph; every problem is reported.
    pub fn load(&self) -> Result<Graph, CliError> {
        load_inputs(&self.inputs, self.date(), &self.egrul)
    }
}

/// The policies where the law admits readings (docs/DOMAIN.md, "Policies").
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArgs {
    /// P1: a person with Russian and another citizenship counts as Russian (the literal
    /// reading, 62-FZ art. 6) or as foreign (57-FZ art. 3).
    #[arg(long, value_enum, default_value_t = DualCitizens::Russian, value_name = "P1")]
    pub dual_citizens: DualCitizens,

    /// P2: treat all foreign persons as one group for control (default: each alone, with a
    /// warning when together they would control).
    #[arg(long)]
    pub aggregate_foreign: bool,

    /// P3: a nonprofit's status is computed from its supreme body and control (a declaration
    /// in the input is only compared), or taken from its declaration where there is one.
    #[arg(long, value_enum, default_value_t = NonprofitStatus::Computed, value_name = "P3")]
    pub nonprofit_status: NonprofitStatus,

    /// P4: measure a direct share on the charter capital, or on the votes (voting shares,
    /// Tax Code art. 105.2 p. 2).
    #[arg(long, value_enum, default_value_t = ParticipationBase::Capital, value_name = "P4")]
    pub participation_base: ParticipationBase,
}

impl PolicyArgs {
    /// The policies.
    pub fn policies(&self) -> Policies {
        Policies {
            dual_citizens: self.dual_citizens,
            aggregate_foreign: self.aggregate_foreign,
            nonprofit_status: self.nonprofit_status,
            participation_base: self.participation_base,
        }
    }
}

/// Which regimes to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RegimeChoice {
    /// The Russian register, p. 5 "а".
    Ru,
    /// The Eurasian register, p. 42 "а".
    Eaeu,
    /// Hardware-software complexes, p. 5¹ "а".
    Pak,
    /// All three.
    All,
}

impl RegimeChoice {
    /// The regimes chosen.
    pub fn regimes(&self) -> Vec<Regime> {
        match self {
            RegimeChoice::Ru => vec![Regime::Ru],
            RegimeChoice::Eaeu => vec![Regime::Eaeu],
            RegimeChoice::Pak => vec![Regime::Pak],
            RegimeChoice::All => vec![Regime::Ru, Regime::Eaeu, Regime::Pak],
        }
    }
}

/// The language option.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct LangArg {
    /// Language of human output (machine output keeps English field names).
    #[arg(long, value_enum, default_value_t = Lang::Ru)]
    pub lang: Lang,
}

/// Finds the target by id, else by ИНН (or ОГРН) when exactly one party has it, suggesting
/// similar ids when it is not there; refuses a target whose answer depends on a quarantined
/// record, naming the record and why.
pub fn target(graph: &Graph, id: &str, file: &Path) -> Result<PartyIdx, CliError> {
    let t = find_target(graph, id).ok_or_else(|| {
        let near = graph.similar_ids(id);
        let hint = if near.is_empty() { String::new() } else { format!(" (similar: {})", near.join(", ")) };
        CliError::Usage(format!("{}: no party has id \"{id}\" (nor that ИНН or ОГРН){hint}", file.display()))
    })?;
    answerable(graph, t, file)?;
    Ok(t)
}

/// The party with this id, or the only one with this ИНН or ОГРН.
pub fn find_target(graph: &Graph, id: &str) -> Option<PartyIdx> {
    let id = id.trim();
    graph.lookup(id).or_else(|| {
        let mut hits = graph
            .parties()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.inn() == Some(id) || p.ogrn() == Some(id))
            .map(|(i, _)| PartyIdx::new(i));
        let first = hits.next()?;
        hits.next().is_none().then_some(first)
    })
}

/// Refuses an answer that a quarantined record could change (exit 2), naming the records.
pub fn answerable(graph: &Graph, t: PartyIdx, file: &Path) -> Result<(), CliError> {
    let blocked = owngraph::model::quarantine::blocked_by(graph, t);
    if blocked.is_empty() {
        return Ok(());
    }
    let mut m = format!(
        "{}: \"{}\" cannot be answered: its ownership or control reaches {} quarantined record{}:",
        file.display(),
        graph.party(t).id,
        blocked.len(),
        if blocked.len() == 1 { "" } else { "s" }
    );
    for q in blocked {
        let p = graph.party(q);
        for r in graph.quarantine_of(q).map(|x| x.reasons.as_slice()).unwrap_or(&[]) {
            m.push_str(&format!("\n  {} ({}): {r}", p.id, p.name));
        }
    }
    m.push_str("\n(fix or complete those records; --strict refuses the whole input instead)");
    Err(CliError::Usage(m))
}

/// The note of an answer given while other records are quarantined.
pub fn quarantine_note(graph: &Graph) -> Option<owngraph::law::Statement> {
    use owngraph::law::wording::{Param, Statement};
    let q = graph.quarantined();
    if q.is_empty() {
        return None;
    }
    let ids: Vec<String> = q.iter().map(|x| graph.party(x.party).id.clone()).collect();
    Some(
        Statement::new("note.quarantine_elsewhere")
            .with("count", Param::text(q.len().to_string()))
            .with("ids", Param::List(ids)),
    )
}

/// Writes `content` to `path` atomically (a temporary file renamed at the end), or to
/// standard output when `path` is `None` or `-`.
pub fn write_output(path: Option<&Path>, content: &[u8]) -> Result<(), CliError> {
    match path {
        None => write_stdout(content),
        Some(p) if p == Path::new("-") => write_stdout(content),
        Some(p) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| CliError::Io(format!("{}: cannot create: {e}", p.display())))?;
            tmp.write_all(content).map_err(|e| CliError::Io(format!("{}: cannot write: {e}", p.display())))?;
            readable_by_all(tmp.as_file());
            tmp.persist(p).map_err(|e| CliError::Io(format!("{}: cannot write: {}", p.display(), e.error)))?;
            Ok(())
        }
    }
}

/// A temporary file is created private (0600); the output should have the usual 0644.
#[cfg(unix)]
fn readable_by_all(f: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn readable_by_all(_: &std::fs::File) {}

fn write_stdout(content: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(content).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Io(format!("cannot write to standard output: {e}"))),
    }
}

/// Output written as it is produced, to standard output or to a temporary file renamed over the
/// destination by [`AtomicOutput::commit`]: an interrupted or failed run leaves no partial file.
pub enum AtomicOutput {
    /// Standard output.
    Stdout(std::io::StdoutLock<'static>),
    /// A temporary file next to the destination.
    File {
        /// The temporary file.
        tmp: std::io::BufWriter<tempfile::NamedTempFile>,
        /// Where it goes.
        path: PathBuf,
    },
}

impl AtomicOutput {
    /// Opens the output (`None` or `-`: standard output).
    pub fn create(path: Option<&Path>) -> Result<AtomicOutput, CliError> {
        match path {
            None => Ok(AtomicOutput::Stdout(std::io::stdout().lock())),
            Some(p) if p == Path::new("-") => Ok(AtomicOutput::Stdout(std::io::stdout().lock())),
            Some(p) => {
                let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let tmp = tempfile::NamedTempFile::new_in(dir)
                    .map_err(|e| CliError::Io(format!("{}: cannot create: {e}", p.display())))?;
                Ok(AtomicOutput::File { tmp: std::io::BufWriter::with_capacity(1 << 20, tmp), path: p.to_path_buf() })
            }
        }
    }

    /// Appends bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        match self {
            AtomicOutput::Stdout(s) => match s.write_all(bytes) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(CliError::Io(format!("cannot write to standard output: {e}")))
                }
                _ => Ok(()),
            },
            AtomicOutput::File { tmp, path } => {
                tmp.write_all(bytes).map_err(|e| CliError::Io(format!("{}: cannot write: {e}", path.display())))
            }
        }
    }

    /// Finishes: flushes standard output, or renames the temporary file into place.
    pub fn commit(self) -> Result<(), CliError> {
        match self {
            AtomicOutput::Stdout(mut s) => {
                let _ = s.flush();
                Ok(())
            }
            AtomicOutput::File { tmp, path } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| CliError::Io(format!("{}: cannot write: {}", path.display(), e.error())))?;
                readable_by_all(tmp.as_file());
                tmp.persist(&path)
                    .map_err(|e| CliError::Io(format!("{}: cannot write: {}", path.display(), e.error)))?;
                Ok(())
            }
        }
    }
}
/// The regimes that have a share disclosure: p. 10 "б" for `ru`, p. 47 "б" for `eaeu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DisclosureRegime {
    /// The Russian register: p. 5 "а", list under p. 10 "б".
    Ru,
    /// The Eurasian register: p. 42 "а", list under p. 47 "б".
    Eaeu,
}

impl DisclosureRegime {
    /// The regime.
    pub fn regime(&self) -> Regime {
        match self {
            DisclosureRegime::Ru => Regime::Ru,
            DisclosureRegime::Eaeu => Regime::Eaeu,
        }
    }
}

/// The error for a graph whose participation equations have no solution.
pub fn closed_loop(file: &Path, e: impl fmt::Display) -> CliError {
    CliError::Usage(format!("{}: {e}; participation has no solution", file.display()))
}
