//! Plumbing every command shares, so an option means the same thing everywhere: reading the
//! graph as of a date, finding the target, the policies, the language, and the errors (written
//! out safely: control characters from the input are shown escaped). Output files: [`super::output`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::ValueEnum;
use owngraph::input::{self, InputErrors};
use owngraph::law::{DualCitizens, Lang, NonprofitStatus, ParticipationBase, Policies, Regime};
use owngraph::model::{Country, Graph, PartyIdx, PartyKind};
use owngraph::report::safe;

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
                let file = safe::one_line(&e.file);
                writeln!(f, "owngraph: error: {file} has {n} problem{}:", if n == 1 { "" } else { "s" })?;
                // One line per problem, whatever the input's strings hold; at most
                // MAX_PROBLEMS_SHOWN of them, then how many more.
                for (i, line) in e.lines().take(MAX_PROBLEMS_SHOWN).enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    f.write_str(&safe::one_line(&line))?;
                }
                if n > MAX_PROBLEMS_SHOWN {
                    let more = n - MAX_PROBLEMS_SHOWN;
                    write!(
                        f,
                        "\n... and {more} more problem{} ({n} in all; the first {MAX_PROBLEMS_SHOWN} are shown)",
                        if more == 1 { "" } else { "s" }
                    )?;
                }
                Ok(())
            }
            CliError::Usage(m) | CliError::Io(m) => write!(f, "owngraph: error: {}", safe::lines(m)),
        }
    }
}

/// Most problems of an input printed; the rest are counted (issue 13: 200 000 bad lines must not
/// print megabytes).
pub const MAX_PROBLEMS_SHOWN: usize = 100;

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

    /// Size budget for exact numbers, in decimal digits of a numerator or denominator (cycles
    /// of cross-holdings make fractions long). A verdict needing a value beyond it is decided
    /// from certified bounds when they lie on one side of 50 %; otherwise no answer is given
    /// (exit 2) rather than running out of memory.
    #[arg(long, value_name = "DIGITS", default_value_t = owngraph::fraction::DEFAULT_EXACT_BUDGET_DIGITS)]
    pub exact_budget: u64,
}

/// What EGRUL input needs: a citizenship for persons whose records state none, and strictness.
#[derive(clap::Args, Debug, Clone)]
pub struct EgrulArgs {
    /// EGRUL: the citizenship (ISO code, e.g. RU) of every natural person whose records state
    /// none (no СвГраждФЛ, as in format 4.05); noted on each. Persons whose records state a
    /// citizenship keep it. Without it such persons are undisclosed holders.
    #[arg(long, value_name = "CC", value_parser = parse_country)]
    pub assume_citizenship: Option<Country>,

    /// Refuse the whole input when any record has a problem (EGRUL, BODS), instead of
    /// quarantining that record and answering every target it cannot change.
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
    Country::parse(s).map_err(String::from)
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
        owngraph::fraction::set_exact_budget(self.exact_budget);
        load_inputs(&self.inputs, self.date(), &self.egrul)
    }

    /// The files read (a directory stands for its CSV pair), which no output may overwrite.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.inputs.clone()
    }
}

/// True when the graph holds personal data: an INN, identity document or address of a natural
/// person (or of an undisclosed holder, who may be one). A new output file is then created 0600.
pub fn personal_data(graph: &Graph) -> bool {
    graph.parties().iter().any(|p| {
        matches!(p.kind, PartyKind::Person | PartyKind::Unknown)
            && p.details.as_deref().is_some_and(|d| d.inn.is_some() || d.document.is_some() || d.address.is_some())
    })
}

/// A human report written from `graph`, safe for a terminal (see [`safe::HumanText`]).
pub fn human(graph: &Graph, text: &str) -> String {
    safe::HumanText::of_graph(graph).render(text).into_owned()
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
        let near: Vec<_> = near.iter().map(|s| safe::one_line(s)).collect();
        let hint = if near.is_empty() { String::new() } else { format!(" (similar: {})", near.join(", ")) };
        CliError::Usage(format!(
            "{}: no party has id \"{}\" (nor that ИНН or ОГРН){hint}",
            file.display(),
            safe::one_line(id)
        ))
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
    let ids: Vec<String> = q.iter().map(|x| graph.party(x.party).id.to_string()).collect();
    Some(
        Statement::new("note.quarantine_elsewhere")
            .with("count", Param::text(q.len().to_string()))
            .with("ids", Param::List(ids)),
    )
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
    CliError::Usage(format!("{}: {e}: no exact answer can be given", file.display()))
}
