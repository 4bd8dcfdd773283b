//! `owngraph convert`: real data in and out. Reads BODS 0.4 (JSON array or JSON Lines), EGRUL
//! XML extracts (several merge into one graph) or the native format, and writes the native
//! format or BODS 0.4, with the notes of the import kept (docs/DOMAIN.md, "Parties", "Relations").

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::ValueEnum;
use owngraph::input::{self, InputErrors, egrul};
use owngraph::model::Country;
use owngraph::report;

use super::common::{CliError, personal_data};
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

/// Convert ownership data: BODS 0.4 or EGRUL extracts into the native format, or a graph into
/// BODS 0.4. Several EGRUL extracts (one per company of the chain) merge into one graph, their
/// parties matched by OGRN, then INN.
///
/// Examples:
///   owngraph convert fixtures/bods/indirect-ownership.json -o graph.json
///   owngraph convert fixtures/egrul/target.xml fixtures/egrul/holding.xml -o graph.json
///   owngraph convert fixtures/example-01.json -o example-01.bods.json
///   owngraph convert graph.json --to bods-lines -o graph.jsonl
///
/// The output format follows --to, else the output name (*.bods.json → BODS, *.jsonl → BODS
/// JSON Lines, anything else → native). Exit 0 done, 2 bad input (no output file is left).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Input files: one BODS or native file, or one or more EGRUL XML extracts.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Write here (written whole or not at all); standard output when absent.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format (default: from the output name).
    #[arg(long, value_enum)]
    pub to: Option<To>,

    /// Read the data as of this date (YYYY-MM-DD): BODS statements and relations in force that
    /// day. Default: today.
    #[arg(long, value_name = "DATE", value_parser = input::parse_date)]
    pub as_of: Option<NaiveDate>,

    /// EGRUL extracts do not state a founder's citizenship: take this one (ISO code, e.g. RU)
    /// for every natural person, with a note. Without it they are unknown holders.
    #[arg(long, value_name = "CC", value_parser = parse_country)]
    pub assume_citizenship: Option<Country>,

    /// The declaration subject of a BODS output (default: the entity at the bottom of the chains).
    #[arg(long, value_name = "ID")]
    pub subject: Option<String>,
}

fn parse_country(s: &str) -> Result<Country, String> {
    Country::parse(s)
}

fn read(path: &PathBuf) -> Result<(String, Vec<u8>), CliError> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| CliError::Input(InputErrors::whole(&name, format!("cannot read: {e}"))))?;
    Ok((name, bytes))
}

/// Runs `convert`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let as_of = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut out = Output::prepare(args.output.as_deref(), &args.inputs)?;
    let files = args.inputs.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let all_xml = files.iter().all(|(_, b)| egrul::looks_like_xml(b));
    let options = egrul::Options { assume_citizenship: args.assume_citizenship };
    let graph = if all_xml {
        egrul::parse_files(&files, &options, as_of).map_err(CliError::Input)?
    } else if let [one] = args.inputs.as_slice() {
        input::load(one, as_of).map_err(CliError::Input)?
    } else {
        return Err(CliError::Usage(
            "several inputs are merged only when all are EGRUL XML extracts; give one BODS or native file".into(),
        ));
    };
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
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
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
