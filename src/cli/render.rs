//! `owngraph render`: the diagram of a rights holder's ownership and control chains (p. 5 "а",
//! p. 42 "а", p. 5¹ "а") as DOT, SVG, PNG or PDF, the format from the output's extension.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use owngraph::Fraction;
use owngraph::law::{self, CheckOptions, CheckReport, Regime};
use owngraph::model::{Graph, PartyIdx};
use owngraph::report::diagram::{self, Diagram, DiagramOptions};
use owngraph::report::{DrawError, LayoutChoice, diagram_svg, dot};

use super::common::{CliError, GraphArgs, LangArg, PolicyArgs, RegimeChoice, personal_data, target};
use super::output::Output;

/// Draw the ownership and control chains of a rights holder: every holder up to the ultimate
/// ones, node shape by kind, fill by class under the regime that applies to the rights holder,
/// role tags that print in black and white (⚑ controller with its indicators, ✱ foreign,
/// ✓ counts, ? undisclosed, ≡ disclosed), edges with their shares and rights (ownership purple,
/// control light blue), a halo for each qualifying or controlling chain an edge is on, the
/// verdicts in the title. A large structure is pruned to its largest holders, but the largest
/// holders, every controller and every disclosed holder always stay, and the picture says what
/// it hid. The format comes from the output's extension:
/// .dot (Graphviz source), .svg, .png, .pdf. SVG uses Graphviz `dot` when it is on PATH and
/// the embedded layered layout otherwise; PNG and PDF need `dot` (Debian package graphviz).
///
/// Examples:
///   owngraph render fixtures/example-06.json --target T -o example-06.svg
///   owngraph render fixtures/example-07.json --target T --regime pak --lang en -o chain.png
///   owngraph render big.json --target T --min-share 1% --depth 4 -o big.svg
///   owngraph render graph.json --target T --layout embedded -o graph.svg
///
/// Exit 0 when written; 2 on bad input, an unknown target, or a missing `dot`.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// Id of the rights holder.
    #[arg(long, short)]
    target: String,

    /// Output file; its extension picks the format: .dot (or .gv), .svg, .png, .pdf.
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,

    #[command(flatten)]
    view: ViewArgs,

    #[command(flatten)]
    lang: LangArg,

    #[command(flatten)]
    policies: PolicyArgs,
}

/// What the diagram shows; shared by `render` and `report`.
#[derive(clap::Args, Debug, Clone)]
pub struct ViewArgs {
    /// Whose verdicts the title gives and whose classes fill the nodes (`all`: the Russian
    /// register's classes, all three verdicts, qualifying and controlling chains).
    #[arg(long, value_enum, default_value_t = RegimeChoice::All)]
    pub regime: RegimeChoice,

    /// Leave out ultimate holders with less than this share of the target ("1%", "1/100",
    /// "0.01"); the picture says how many. Default: all, unless the structure has more than
    /// 60 parties or 110 relations; then the smallest of 0.01, 0.02, 0.05 ... 5, 10, 20, 25 %
    /// that keeps it readable (and if none does, only the parties nearest the target). The
    /// largest holders, every controller and every disclosed holder stay whatever the value.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub min_share: Option<Fraction>,

    /// Leave out parties more than N relations above the target.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,

    /// Which layout draws the SVG: Graphviz `dot` if installed (auto), `dot`, or the
    /// embedded layered layout.
    #[arg(long, value_enum, default_value_t = LayoutChoice::Auto)]
    pub layout: LayoutChoice,
}

fn parse_share(s: &str) -> Result<Fraction, String> {
    let f = Fraction::parse(s).map_err(|e| e.to_string())?;
    if f.is_negative() || f > Fraction::one() {
        return Err(format!("\"{s}\" is not a share between 0 and 100 %"));
    }
    Ok(f)
}

impl ViewArgs {
    /// The check behind the diagram (every regime, so the picture has the shares even for
    /// `pak`) and the diagram options.
    pub fn check(
        &self,
        graph: &Graph,
        t: PartyIdx,
        file: &Path,
        policies: &PolicyArgs,
    ) -> Result<CheckReport, CliError> {
        let options = CheckOptions { policies: policies.policies(), ..CheckOptions::default() };
        let mut report = match law::check(graph, t, &options) {
            Ok(r) => r,
            Err(e) if self.regime == RegimeChoice::Pak => {
                let options = CheckOptions { regimes: [Regime::Pak].into_iter().collect(), ..options };
                law::check(graph, t, &options).map_err(|_| super::common::closed_loop(file, &e))?
            }
            Err(e) => return Err(super::common::closed_loop(file, &e)),
        };
        report.notes.extend(super::common::quarantine_note(graph));
        Ok(report)
    }

    /// The diagram.
    pub fn diagram(&self, graph: &Graph, t: PartyIdx, report: &CheckReport, lang: LangArg) -> Diagram {
        let shown = self.regime.regimes();
        let options = DiagramOptions {
            fill: None,
            shown,
            min_share: self.min_share.clone(),
            depth: self.depth,
            lang: lang.lang,
            ..DiagramOptions::default()
        };
        diagram::build(graph, t, report, &options)
    }
}

/// Turns a drawing failure into the command's error.
pub fn draw_error(e: DrawError, output: &Path) -> CliError {
    match e {
        DrawError::NoDot => CliError::Usage(format!("{}: {e}; or write .svg or .dot instead", output.display())),
        DrawError::Dot(_) => CliError::Io(format!("{}: {e}", output.display())),
    }
}

/// Runs `render`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let ext = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let format = match ext.as_str() {
        "dot" | "gv" => None,
        "svg" => Some(dot::Output::Svg),
        "png" => Some(dot::Output::Png),
        "pdf" => Some(dot::Output::Pdf),
        _ => {
            return Err(CliError::Usage(format!(
                "{}: cannot tell the format from the extension (use .dot, .svg, .png or .pdf)",
                args.output.display()
            )));
        }
    };
    // PNG and PDF need `dot`: say so before any work, and write nothing.
    if matches!(format, Some(dot::Output::Png | dot::Output::Pdf)) {
        if args.view.layout == LayoutChoice::Embedded {
            return Err(CliError::Usage(format!(
                "{}: the embedded layout draws SVG only; PNG and PDF need Graphviz's `dot`",
                args.output.display()
            )));
        }
        if dot::find_dot().is_none() {
            return Err(draw_error(DrawError::NoDot, &args.output));
        }
    }
    let mut out = Output::prepare(Some(&args.output), &args.graph.inputs())?;
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let t = target(&graph, &args.target, args.graph.file())?;
    let report = args.view.check(&graph, t, args.graph.file(), &args.policies)?;
    let d = args.view.diagram(&graph, t, &report, args.lang);
    let bytes = match format {
        None => dot::to_dot(&d).into_bytes(),
        Some(dot::Output::Svg) => {
            diagram_svg(&d, args.view.layout).map_err(|e| draw_error(e, &args.output))?.0.into_bytes()
        }
        Some(out) => dot::run_dot(&dot::to_dot(&d), out).map_err(|e| draw_error(DrawError::Dot(e), &args.output))?,
    };
    out.write(&bytes)?;
    Ok(ExitCode::SUCCESS)
}
