//! `owngraph check`: one rights holder under p. 5 "а", p. 42 "а" and p. 5¹ "а", with the
//! ultimate holders, their chains, the p. 10 "б" disclosure and the control evidence.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use owngraph::analysis::ChainLimits;
use owngraph::law::{self, CheckOptions};
use owngraph::report;

use super::common::{CliError, GraphArgs, LangArg, PolicyArgs, RegimeChoice, human, personal_data, target};
use super::output::Output;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report to read (Russian by default, `--lang en` for English).
    Text,
    /// The analysis as JSON, stable English field names, fractions as "p/q".
    Json,
}

/// Check a rights holder: participation of qualifying holders (p. 5 "а", p. 42 "а"), foreign
/// control (p. 5¹ "а") and the disclosure (p. 10 "б"), with the chains that prove each number.
///
/// Examples:
///   owngraph check fixtures/example-01.json --target T
///   owngraph check fixtures/example-07.json --target T --regime pak --lang en
///   owngraph check graph.json --target T --format json --as-of 2026-01-01 -o answer.json
///
/// Exit 0 whatever the verdict; 2 on bad input or an unknown target.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// Id of the rights holder to check.
    #[arg(long, short)]
    target: String,

    /// Which question to answer.
    #[arg(long, value_enum, default_value_t = RegimeChoice::All)]
    regime: RegimeChoice,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    lang: LangArg,

    #[command(flatten)]
    policies: PolicyArgs,

    /// Most chains listed per ultimate holder (the shares always count every chain).
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_chains: usize,

    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `check`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let started = std::time::Instant::now();
    let mut out = Output::prepare(args.output.as_deref(), &args.graph.inputs())?;
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let loaded = started.elapsed();
    let t = target(&graph, &args.target, args.graph.file())?;
    let options = CheckOptions {
        regimes: args.regime.regimes().into_iter().collect(),
        policies: args.policies.policies(),
        chain_limits: ChainLimits { per_holder: args.max_chains, ..ChainLimits::default() },
    };
    let mut answer = law::check(&graph, t, &options).map_err(|e| super::common::closed_loop(args.graph.file(), e))?;
    answer.notes.extend(super::common::quarantine_note(&graph));
    let analysed = started.elapsed();
    match args.format {
        Format::Text => out.write(human(&graph, &report::text::check(&answer, args.lang.lang)).as_bytes())?,
        Format::Json => {
            let mut w = out.open()?;
            report::json::write(std::io::BufWriter::new(&mut w), &answer)
                .map_err(|e| CliError::Io(format!("cannot write the JSON: {e}")))?;
            w.commit()?;
        }
    }
    if std::env::var_os("OWNGRAPH_TIMING").is_some() {
        eprintln!(
            "timing: load {:.3} s, analysis {:.3} s, output {:.3} s",
            loaded.as_secs_f64(),
            (analysed - loaded).as_secs_f64(),
            (started.elapsed() - analysed).as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
