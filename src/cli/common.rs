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
use owngraph::model::{Graph, PartyIdx, PartyKind};
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
    /// The ownership graph: native JSON (`.json`), JSON Lines (`.jsonl`), or the CSV pair
    /// (a directory with `parties.csv` and `relations.csv`, or the two files); see README.md.
    pub graph: PathBuf,

    /// The second file of a CSV pair, when the first is `parties.csv`.
    #[arg(value_name = "RELATIONS_CSV")]
    pub relations: Option<PathBuf>,

    /// Analyse as of this date (YYYY-MM-DD): only relations in force that day count
    /// (since <= date < until). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    input::parse_date(s)
}

impl GraphArgs {
    /// The date of the analysis.
    pub fn date(&self) -> NaiveDate {
        self.as_of.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Reads and checks the graph; every problem is reported.
    pub fn load(&self) -> Result<Graph, CliError> {
        let mut paths = vec![self.graph.as_path()];
        paths.extend(self.relations.as_deref());
        input::load_paths(&paths, self.date()).map_err(CliError::Input)
    }

    /// The files read (a directory stands for its CSV pair), which no output may overwrite.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut v = vec![self.graph.clone()];
        v.extend(self.relations.clone());
        v
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

/// Finds the target by id, suggesting similar ids when it is not there.
pub fn target(graph: &Graph, id: &str, file: &Path) -> Result<PartyIdx, CliError> {
    graph.lookup(id).ok_or_else(|| {
        let near = graph.similar_ids(id);
        let near: Vec<_> = near.iter().map(|s| safe::one_line(s)).collect();
        let hint = if near.is_empty() { String::new() } else { format!(" (similar: {})", near.join(", ")) };
        CliError::Usage(format!("{}: no party has id \"{}\"{hint}", file.display(), safe::one_line(id)))
    })
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
