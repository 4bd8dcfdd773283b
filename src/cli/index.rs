//! `owngraph index`: the loaded, validated graph as a binary snapshot that every command reads
//! back in a fraction of the time of its source (issue 15).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use owngraph::input::snapshot;

use super::common::{CliError, GraphArgs, personal_data};
use super::output::Output;

/// Write a binary snapshot of a graph (`.og`): parsed, checked and ready, so that `screen`,
/// `check` and every other command read it much faster than the CSV pair or JSON it came from.
/// Use it when the same register is read more than once (daily screens, many checks, shards
/// on several machines); the snapshot answers as of the date it was indexed (`--as-of`).
///
/// Examples:
///   owngraph index register/ -o register.og
///   owngraph screen register.og --all -o verdicts.csv
///   owngraph check register.og --target 1027700000001
///
/// The file is versioned and checksummed per 4 KiB block: a damaged or truncated snapshot, or
/// one of another format version (index the graph again), is refused with the reason (exit 2).
/// `screen SNAPSHOT --changes DELTA` reads only the parts a change reaches. Exit 0 done, 2 bad
/// input.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    graph: GraphArgs,

    /// The snapshot to write (written whole or not at all).
    #[arg(long, short, value_name = "FILE", required = true)]
    output: PathBuf,
}

/// Runs `index`.
pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let mut out = Output::prepare(Some(&args.output), &args.graph.inputs())?;
    let graph = args.graph.load()?;
    out.set_personal(personal_data(&graph));
    let loaded = started.elapsed();
    let mut file = out.open()?;
    let size = snapshot::write(&graph, &mut file)
        .map_err(|e| CliError::Io(format!("{}: cannot write: {e}", args.output.display())))?;
    file.commit()?;
    eprintln!(
        "indexed {} parties, {} relations as of {} into {} ({:.1} MB): load {:.2} s, total {:.2} s",
        graph.len(),
        graph.relations().len(),
        graph.as_of(),
        args.output.display(),
        size as f64 / 1e6,
        loaded.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
