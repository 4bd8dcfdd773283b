//! The command line: one module per subcommand, each with its `Args` and its `run`; the shared
//! plumbing (reading a graph, the policies, writing output) is in [`common`]. Exit codes: 0 done
//! (whatever the verdict), 1 findings (`verify`), 2 bad input or usage (a target whose answer
//! depends on a quarantined record included).

mod check;
mod common;
mod convert;
mod disclose;
mod index;
mod output;
mod render;
mod report;
mod screen;
mod verify;
mod verify_bods;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Who owns and who controls a rights holder: exact participation of Russian and EAEU holders
/// (Rules of Decree 1236, p. 5 "а", p. 42 "а"), foreign control (p. 5¹ "а") and the share
/// disclosure (p. 10 "б"), each with the chains that prove it.
#[derive(Parser)]
#[command(name = "owngraph", version, about, long_about = None, after_help = "\
Examples:
  owngraph check fixtures/example-01.json --target T
  owngraph check fixtures/example-06.json --target T --regime pak --lang en
  owngraph check graph.json --target T --format json -o answer.json
  owngraph render fixtures/example-06.json --target T -o example-06.svg
  owngraph report fixtures/example-06.json --target T -o report.html

The input format is described in README.md (parties and relations as JSON); BODS 0.4 and
EGRUL XML (files, directories, .zip; ids are ОГРН, a target may be given by ИНН) are read too.
Exit codes: 0 done, 1 findings (verify), 2 bad input or usage, or a target whose answer
depends on a quarantined EGRUL record.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Check(check::Args),
    Convert(convert::Args),
    Render(render::Args),
    Report(report::Args),
    Screen(screen::Args),
    Disclose(disclose::Args),
    Verify(verify::Args),
    Index(index::Args),
}

/// Parses the arguments, runs the command and maps the outcome to an exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help, --version: clap prints them.
        Err(e) if !e.use_stderr() => e.exit(),
        // A usage error quotes the arguments: shown escaped like every error (exit 2, as clap's).
        Err(e) => {
            eprint!("{}", owngraph::report::safe::lines(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Render(args) => render::run(args),
        Command::Report(args) => report::run(args),
        Command::Screen(args) => screen::run(args),
        Command::Disclose(args) => disclose::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Index(args) => index::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
