//! `owngraph report`: one self-contained HTML file the expert council can file (p. 5 "а",
//! p. 42 "а", p. 5¹ "а", p. 10 "б"): verdicts with reasons, the diagram, the ultimate holders,
//! the disclosure, the control evidence, the policies, the input's SHA-256 and the date.

use std::path::PathBuf;
use std::process::ExitCode;

use owngraph::report::{diagram_svg, dot, html};
use sha2::{Digest, Sha256};

use super::common::{CliError, GraphArgs, LangArg, PolicyArgs, personal_data, target};
use super::output::Output;
use super::render::{ViewArgs, draw_error};

/// Write an HTML report of a rights holder: one file with everything inline (no network when
/// opened; a Content-Security-Policy runs only its own script, by hash), readable on screen and
/// printable. It gives the verdict under p. 5 "а", p. 42 "а" and p. 5¹ "а" with the reason,
/// the diagram (Graphviz `dot` if installed, the embedded layout otherwise), the ultimate
/// holders and their chains, the p. 10 "б" disclosure, the control evidence, warnings, the
/// policies, the input file's SHA-256 and the as-of date.
///
/// On screen the diagram zooms (wheel) and pans (drag), finds a party by name, ИНН or ОГРН,
/// hides holders below a share threshold, collapses a company's holders (double click), and a
/// click on a party or a table row highlights the chains that carry its share and the control
/// chains it heads. `report.html#party=<id>` opens with that party selected. Printed, every
/// page names the rights holder and is numbered.
///
/// Examples:
///   owngraph report fixtures/example-06.json --target T -o report.html
///   owngraph report fixtures/example-09.json --target T --lang en --layout embedded -o report.html
///   owngraph report graph.json --target T --as-of 2026-01-01 --min-share 1% -o report.html
///
/// Exit 0 when written; 2 on bad input or an unknown target.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// Id of the rights holder.
    #[arg(long, short)]
    target: String,

    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    view: ViewArgs,

    #[command(flatten)]
    lang: LangArg,

    #[command(flatten)]
    policies: PolicyArgs,
}

/// Runs `report`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let file = args.graph.file();
    let mut out = Output::prepare(args.output.as_deref(), &args.graph.inputs())?;
    // The digest of every input file, in order (the files of a directory in name order).
    let mut hasher = Sha256::new();
    for f in owngraph::input::input_files(&args.graph.inputs) {
        let bytes = std::fs::read(&f).map_err(|e| CliError::Io(format!("{}: cannot read: {e}", f.display())))?;
        hasher.update(&bytes);
    }
    let sha256: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let t = target(&graph, &args.target, file)?;
    let report = args.view.check(&graph, t, file, &args.policies)?;
    let d = args.view.diagram(&graph, t, &report, args.lang);
    let out_name = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let (svg, by_dot) = diagram_svg(&d, args.view.layout).map_err(|e| draw_error(e, &out_name))?;
    let names: Vec<String> = args.graph.inputs.iter().map(|p| p.display().to_string()).collect();
    let source = html::Provenance { file: names.join(", "), sha256 };
    let page = html::render(&report, &svg, &dot::caption(args.lang.lang, by_dot), &source, args.lang.lang);
    out.write(page.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
