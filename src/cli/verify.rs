//! `owngraph verify`: checks the shares an applicant declared under p. 10 "б" (p. 47 "б")
//! against the ownership graph, as the expert council does (p. 21), and reports every
//! discrepancy with its evidence.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use owngraph::Fraction;
use owngraph::analysis::ChainLimits;
use owngraph::input::declaration::{self, Declaration};
use owngraph::law::disclosure_document;
use owngraph::law::verification::{self, Verification, VerifyOptions};
use owngraph::report;

use super::common::{
    CliError, DisclosureRegime, GraphArgs, LangArg, PolicyArgs, closed_loop, human, personal_data, target,
};
use super::output::Output;

/// Output formats of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report to read (Russian by default, `--lang en` for English).
    Text,
    /// The findings as JSON: each with a stable `code`, a `severity` and its evidence.
    Json,
}

/// Verify a declared share disclosure (p. 10 "б"; p. 47 "б" with --regime eaeu) against the
/// ownership graph: shares that differ from the computed ones by more than the tolerance,
/// holders the rule requires that are missing, declared holders that do not qualify or are
/// not in the graph, a total that does not exceed 50 %, a list that does not meet the rule,
/// and a verdict the declaration implies that differs from the computed one.
///
/// The declaration is CSV with a header naming `holder` and `share` (more columns allowed;
/// `,`, `;` or tab separated) or JSON: [{"holder": "...", "share": "40%"}]. `holder` is an id,
/// INN, OGRN or name, matched in that order (names ignoring case, ё/е, quotes and legal forms
/// such as ООО, АО, LLC). A share is written 40%, 17,5 %, 1/3 or 0.4; numbers without % are
/// percents if any of them is above 1, else fractions of 1. `owngraph disclose` output (CSV or
/// JSON) is a valid declaration.
///
/// Examples:
///   owngraph verify graph.json -t T --disclosure declared.csv
///   owngraph verify graph.json --target T --disclosure declared.json --format json
///   owngraph verify graph.json --target T --disclosure declared.csv --tolerance 0.05 --lang en
///   owngraph verify --bods fixtures/bods/indirect-ownership.json
///
/// Exit 0 when the declaration is consistent (warnings allowed), 1 when there are error
/// findings, 2 on bad input (a malformed declaration names the file, the line and the record).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// Id of the rights holder.
    #[arg(long, short, required_unless_present = "bods")]
    target: Option<String>,

    /// The declared list (CSV or JSON).
    #[arg(long, value_name = "FILE", required_unless_present = "bods")]
    disclosure: Option<PathBuf>,

    /// Instead: GRAPH is a BODS file (0.1–0.4); check every indirect share it declares against the
    /// chain of its component records (exit 1 when one contradicts it).
    #[arg(long, conflicts_with_all = ["target", "disclosure"])]
    bods: bool,

    /// Which register: ru (p. 10 "б") or eaeu (p. 47 "б").
    #[arg(long, value_enum, default_value_t = DisclosureRegime::Ru)]
    regime: DisclosureRegime,

    /// Largest difference between a declared and a computed share that is accepted, in
    /// percentage points. The default admits shares rounded to two decimals (1/3 as 33.33%).
    #[arg(long, value_name = "PERCENT", default_value = "0.01", value_parser = parse_tolerance)]
    tolerance: Fraction,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    lang: LangArg,

    #[command(flatten)]
    policies: PolicyArgs,

    /// Most chains shown as evidence per holder.
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_chains: usize,

    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Percentage points as a fraction of 1: `0.01` (or `0.01%`, `0,01 pp`) is 1/10000.
fn parse_tolerance(text: &str) -> Result<Fraction, String> {
    let t = text.trim();
    let t = t.strip_suffix("pp").or_else(|| t.strip_suffix("п.п.")).or_else(|| t.strip_suffix('%')).unwrap_or(t);
    let points = Fraction::parse(t).map_err(|e| e.0)?;
    if points.is_negative() {
        return Err(format!("\"{text}\" is negative"));
    }
    Ok(&points / &Fraction::new(100, 1))
}

/// Reads the declared list.
fn declared(path: &Path) -> Result<Declaration, CliError> {
    declaration::load(path).map_err(CliError::Input)
}

/// Computes the regime's answer for the target and checks the declaration against it.
fn check(args: &Args, declaration: &Declaration, out: &mut Output) -> Result<(Verification, String), CliError> {
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let id = args.target.as_deref().ok_or_else(|| CliError::Usage("--target is required".into()))?;
    let t = target(&graph, id, args.graph.file())?;
    let policies = args.policies.policies();
    let limits = ChainLimits { per_holder: args.max_chains, ..ChainLimits::default() };
    let (prepared, assessment) = disclosure_document::assess(&graph, t, args.regime.regime(), &policies, limits)
        .map_err(|e| closed_loop(args.graph.file(), e))?;
    let options = VerifyOptions { tolerance: args.tolerance.clone(), policies };
    let answer = verification::verify(&graph, t, &prepared, &assessment, declaration, &options);
    let text = match args.format {
        Format::Text => human(&graph, &report::verification::text(&answer, args.lang.lang)),
        Format::Json => report::json::to_string(&answer),
    };
    Ok((answer, text))
}

/// Runs `verify`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    if args.bods {
        let format = match args.format {
            Format::Text => super::verify_bods::Format::Text,
            Format::Json => super::verify_bods::Format::Json,
        };
        return super::verify_bods::run(super::verify_bods::Args {
            file: args.graph.file().to_path_buf(),
            as_of: args.graph.as_of,
            format,
            lang: args.lang,
            output: args.output,
        });
    }
    let path = args.disclosure.as_deref().ok_or_else(|| CliError::Usage("--disclosure is required".into()))?;
    let mut inputs = args.graph.inputs();
    inputs.push(path.to_path_buf());
    let mut out = Output::prepare(args.output.as_deref(), &inputs)?;
    let declaration = declared(path)?;
    let (answer, text) = check(&args, &declaration, &mut out)?;
    out.write(text.as_bytes())?;
    Ok(if answer.consistent { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
