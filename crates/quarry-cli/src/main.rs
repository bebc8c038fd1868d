//! The `quarry` command. A thin binary: argument parsing in [`args`], one module per
//! subcommand in [`commands`], one module per output format in [`output`]. Exit statuses are
//! decided here and nowhere else:
//!
//! - 0: success (for `check`: no query has an error);
//! - 1: the check found errors, or a file could not be loaded;
//! - 2: a usage error (bad flags), a wrong query (`query`), or quarry itself could not run.
//!
//! A closed stdout (`quarry check rules | head`) counts as success.

mod args;
mod commands;
mod data;
mod hunt_output;
mod output;
mod report;
mod results;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Args, Command};

/// What a command concluded, mapped to an exit status by [`main`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out.
    Clean,
    /// The command ran, and found errors in its input (status 1).
    Failed,
    /// The query given is wrong (status 2, as for usage errors).
    Invalid,
    /// The command did its job, but some input records were rejected (status 3, `ingest`).
    Partial,
}

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE_OR_INTERNAL: u8 = 2;
const EXIT_PARTIAL: u8 = 3;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let status = if err.use_stderr() { EXIT_USAGE_OR_INTERNAL } else { 0 };
            let _ = err.print();
            return ExitCode::from(status);
        }
    };
    match run(args) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(EXIT_FAILED),
        Ok(Outcome::Invalid) => ExitCode::from(EXIT_USAGE_OR_INTERNAL),
        Ok(Outcome::Partial) => ExitCode::from(EXIT_PARTIAL),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quarry: error: {err:#}");
            ExitCode::from(EXIT_USAGE_OR_INTERNAL)
        }
    }
}

fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Check(check) => commands::check::run(&check.into()),
        Command::Query(query) => Ok(match commands::query::run(&query.into())? {
            commands::query::QueryOutcome::Done => Outcome::Clean,
            commands::query::QueryOutcome::DataError => Outcome::Failed,
            commands::query::QueryOutcome::QueryError => Outcome::Invalid,
        }),
        Command::Hunt(hunt) => commands::hunt::run(hunt),
        Command::Rules(rules) => commands::rules::run(rules),
        Command::Ingest(ingest) => commands::ingest::run(ingest),
        Command::Gen(args) => commands::generate::run(args),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|cause| cause.downcast_ref::<io::Error>()).any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
