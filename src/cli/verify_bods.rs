//! `owngraph verify --bods`: checks every declared
//! indirect share of a BODS 0.4 file against its component chain (docs/DOMAIN.md, "Participation";
//! Tax Code art. 105.2 p. 3), which the BODS validator does not.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use owngraph::input::{bods, read_text};
use owngraph::law::bods_check;
use owngraph::report;

use super::common::{CliError, LangArg};
use super::output::Output;
use owngraph::report::safe;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A report to read (Russian by default, `--lang en` for English).
    Text,
    /// The checks as JSON, stable English field names, fractions as "p/q".
    Json,
}

/// What `verify --bods` takes. Checks the indirect shares a BODS 0.4 file declares: for every relationship with
/// `directOrIndirect: indirect`, the declared share (exact or a range) against the product of
/// the shares along its component records, summed over the chains, in exact arithmetic.
///
/// Examples:
///   owngraph verify --bods fixtures/bods/bods-package-fi-soe.json
///   owngraph verify --bods fixtures/bods/indirect-ownership.json --lang en
///   owngraph verify --bods data.jsonl --as-of 2024-01-01 --format json -o checks.json
///
/// Exit 0 when no declared share contradicts its chain, 1 when one does, 2 on bad input.
#[derive(Debug)]
pub struct Args {
    /// The BODS 0.4 file: a JSON array of statements or JSON Lines.
    pub file: PathBuf,

    /// Read the statements as of this date (YYYY-MM-DD): each record's latest statement on or
    /// before it. Default: today.
    pub as_of: Option<NaiveDate>,

    /// Output format.
    pub format: Format,

    pub lang: LangArg,

    /// Write to this file instead of standard output (written whole or not at all).
    pub output: Option<PathBuf>,
}

/// Runs the check.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let name = args.file.display().to_string();
    let out = Output::prepare(args.output.as_deref(), std::slice::from_ref(&args.file))?;
    let text = read_text(&args.file).map_err(CliError::Input)?;
    if !bods::looks_like_bods(&text) {
        return Err(CliError::Usage(format!(
            "{name}: not a BODS file (expected a JSON array of statements or JSON Lines)"
        )));
    }
    let statements = bods::parse_statements(&name, &text).map_err(CliError::Input)?;
    let as_of = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let snap = bods::Snapshot::build(statements, as_of);
    let answer = bods_check::check_indirect_shares(&snap);
    let text = match args.format {
        Format::Text => safe::lines(&report::bods_check::render(&answer, &name, args.lang.lang)).into_owned(),
        Format::Json => report::json::to_string(&answer),
    };
    out.write(text.as_bytes())?;
    Ok(if answer.discrepancies > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
