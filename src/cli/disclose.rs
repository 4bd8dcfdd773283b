//! `owngraph disclose`: the list of shares an application must contain under p. 10 "б"
//! (p. 47 "б" for the Eurasian register), each owner with the details of p. 4 "е" (p. 41 "е").

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use owngraph::analysis::ChainLimits;
use owngraph::law::disclosure_document;
use owngraph::report;

use super::common::{
    CliError, DisclosureRegime, GraphArgs, LangArg, PolicyArgs, closed_loop, human, personal_data, target,
};
use super::output::Output;

/// Output formats of `disclose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The list to read (Russian by default, `--lang en` for English).
    Text,
    /// A spreadsheet: UTF-8, a header row, stable English column names; `holder` and `share`
    /// are the columns `owngraph verify` reads.
    Csv,
    /// The document as JSON, stable English field names, fractions as "p/q".
    Json,
    /// A Markdown table to paste into an application.
    Md,
}

/// Whether a CSV starts with a UTF-8 byte order mark, which spreadsheet programs need to read
/// Cyrillic as UTF-8 (without it Excel guesses a local code page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Bom {
    /// In a file written with `-o` (for a spreadsheet), not on standard output (for a pipe).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The share disclosure of p. 10 "б" (p. 47 "б" with --regime eaeu): the shares of qualifying
/// holders the application must list, each with its owner's details (p. 4 "е" / p. 41 "е"),
/// its share as a percent and an exact fraction, its direct and indirect parts, and the branch
/// of the rule that applied.
///
/// Examples:
///   owngraph disclose fixtures/example-01.json --target T
///   owngraph disclose fixtures/example-10.json --target T --format md --lang en
///   owngraph disclose graph.json --target T --format csv -o disclosure.csv
///   owngraph disclose fixtures/example-11.json --target T --regime eaeu --format json
///
/// The CSV is UTF-8 with a header row; written to a file it starts with a byte order mark so
/// that spreadsheets read the Cyrillic right (--bom never to omit it). `owngraph verify` reads
/// the CSV and the JSON back.
///
/// Exit 0 whatever the list; 2 on bad input or an unknown target.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// Id of the rights holder.
    #[arg(long, short)]
    target: String,

    /// Which register: ru (p. 10 "б") or eaeu (p. 47 "б").
    #[arg(long, value_enum, default_value_t = DisclosureRegime::Ru)]
    regime: DisclosureRegime,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// CSV only: start with a UTF-8 byte order mark.
    #[arg(long, value_enum, default_value_t = Bom::Auto)]
    bom: Bom,

    #[command(flatten)]
    lang: LangArg,

    #[command(flatten)]
    policies: PolicyArgs,

    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `disclose`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let mut out = Output::prepare(args.output.as_deref(), &args.graph.inputs())?;
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let t = target(&graph, &args.target, args.graph.file())?;
    let policies = args.policies.policies();
    let (_, assessment) =
        disclosure_document::assess(&graph, t, args.regime.regime(), &policies, ChainLimits::default())
            .map_err(|e| closed_loop(args.graph.file(), e))?;
    let doc = disclosure_document::document(&graph, t, &assessment, &policies);
    let lang = args.lang.lang;
    let text = match args.format {
        Format::Text => human(&graph, &report::disclosure::text(&doc, lang)),
        Format::Md => human(&graph, &report::disclosure::markdown(&doc, lang)),
        Format::Json => report::json::to_string(&doc),
        Format::Csv => {
            let csv = report::disclosure::csv(&doc).map_err(|e| CliError::Io(format!("cannot write CSV: {e}")))?;
            let to_file = out.is_file();
            let bom = match args.bom {
                Bom::Always => true,
                Bom::Never => false,
                Bom::Auto => to_file,
            };
            if bom { format!("\u{feff}{csv}") } else { csv }
        }
    };
    out.write(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
