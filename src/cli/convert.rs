//! `owngraph convert`: real data in and out. Reads BODS 0.1–0.4 (JSON array, JSON Lines, gzip), EGRUL
//! XML extracts (several merge into one graph) or the native format, and writes the native
//! format or BODS 0.4, with the notes of the import kept (docs/DOMAIN.md, "Parties", "Relations").

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::ValueEnum;
use owngraph::input;
use owngraph::report;

use super::common::{CliError, EgrulArgs, load_inputs, personal_data, quarantine_summary};
use super::output::Output;

/// Output formats of `convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum To {
    /// The native JSON format (parties and relations).
    Native,
    /// BODS 0.4 statements as a JSON array.
    Bods,
    /// BODS 0.4 statements as JSON Lines.
    BodsLines,
}

/// Convert ownership data: BODS 0.1–0.4 or EGRUL into the native format, or a graph into BODS 0.4.
/// EGRUL files, directories of them and `.zip` archives of them (one extract per company, or FNS
/// packages of hundreds) merge into one graph, parties matched by ОГРН, then ИНН; a company
/// repeated in several documents is its latest version.
///
/// Examples:
///   owngraph convert fixtures/bods/indirect-ownership.json -o graph.json
///   owngraph convert fixtures/egrul/target.xml fixtures/egrul/holding.xml -o graph.json
///   owngraph convert egrul-packages/ --assume-citizenship RU -o graph.json
///   owngraph convert fixtures/example-01.json -o example-01.bods.json
///   owngraph convert graph.json --to bods-lines -o graph.jsonl
///
/// The output format follows --to, else the output name (*.bods.json → BODS, *.jsonl → BODS
/// JSON Lines, anything else → native). An EGRUL record that cannot be used is quarantined: the
/// other records are written, the quarantined ones are listed on standard error and in the
/// native output's "quarantined" (with --strict the whole input is refused instead).
/// Exit 0 done, 2 bad input (no output file is left), or every record quarantined.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Inputs: one BODS or native file, or EGRUL XML files, directories, `.zip` archives.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Write here (written whole or not at all); standard output when absent.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format (default: from the output name).
    #[arg(long, value_enum)]
    pub to: Option<To>,

    /// Read the data as of this date (YYYY-MM-DD): BODS statements and relations in force that
    /// day, the EGRUL version current that day. Default: today.
    #[arg(long, value_name = "DATE", value_parser = input::parse_date)]
    pub as_of: Option<NaiveDate>,

    #[command(flatten)]
    pub egrul: EgrulArgs,

    /// The declaration subject of a BODS output (default: the entity at the bottom of the chains).
    #[arg(long, value_name = "ID")]
    pub subject: Option<String>,
}

/// Runs `convert`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let as_of = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut out = Output::prepare(args.output.as_deref(), &args.inputs)?;
    let graph = load_inputs(&args.inputs, as_of, &args.egrul)?;
    if !graph.quarantined().is_empty() && graph.relations().is_empty() {
        return Err(CliError::Usage(format!(
            "nothing to convert: every record of the input is quarantined\n{}",
            quarantine_summary(&graph)
        )));
    }
    out.set_personal(personal_data(&graph));
    let to = args.to.unwrap_or_else(|| {
        let name = args.output.as_ref().map(|p| p.display().to_string().to_lowercase()).unwrap_or_default();
        if name.ends_with(".bods.json") {
            To::Bods
        } else if name.ends_with(".jsonl") {
            To::BodsLines
        } else {
            To::Native
        }
    });
    let names: Vec<String> = args.inputs.iter().map(|p| p.display().to_string()).collect();
    let text = match to {
        To::Native => {
            report::native::to_string(&graph, &format!("converted by owngraph from {} as of {as_of}", names.join(", ")))
        }
        To::Bods => report::bods::to_string(&graph, args.subject.as_deref()),
        To::BodsLines => report::bods::to_json_lines(&graph, args.subject.as_deref()),
    };
    out.write(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
