//! The interactive shell of `quarry query` (run with no query): type KQL over several lines, run
//! it with an empty line or a trailing `;`, and explore the data with `.tables` and
//! `.schema TABLE`. History is kept in `~/.quarry_history`.

use std::io::{self, Write};

use kql_engine::Engine;
use kql_semantics::Catalog;
use rustyline::error::ReadlineError;

use crate::commands::query::{print_result, report_error};
use crate::results::ResultFormat;

const HELP: &str = "\
Type a KQL query; it may span lines. An empty line or a trailing `;` runs it.
  .tables          the tables of the data, with their row sources
  .schema TABLE    the columns of TABLE and their KQL types
  .help            this text
  .quit            leave (or Ctrl-D)";

/// Runs the shell until `.quit` or end of input.
pub async fn run(engine: &Engine, format: ResultFormat) -> anyhow::Result<()> {
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".quarry_history"));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!("quarry {}: KQL over {} table(s). .help for help.", env!("CARGO_PKG_VERSION"), engine.table_names().len());
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { "quarry> " } else { "   ...> " };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(err) => return Err(err.into()),
        };
        let trimmed = line.trim();
        if buffer.is_empty() && trimmed.starts_with('.') {
            let _ = editor.add_history_entry(trimmed);
            if !command(engine, trimmed)? {
                break;
            }
            continue;
        }
        if !trimmed.is_empty() {
            buffer.push_str(&line);
            buffer.push('\n');
        }
        let complete = trimmed.is_empty() || trimmed.ends_with(';');
        if complete && !buffer.trim().is_empty() {
            let text = std::mem::take(&mut buffer);
            let _ = editor.add_history_entry(text.trim_end());
            match engine.query(&text).await {
                Ok(result) => print_result(&result, format)?,
                Err(err) => {
                    report_error("<shell>", &text, err)?;
                }
            }
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

/// Runs a dot-command; returns `false` to leave the shell.
fn command(engine: &Engine, line: &str) -> io::Result<bool> {
    let mut words = line.split_whitespace();
    let mut out = io::stdout().lock();
    match words.next() {
        Some(".quit" | ".exit") => return Ok(false),
        Some(".help") => writeln!(out, "{HELP}")?,
        Some(".tables") => {
            for name in engine.table_names() {
                writeln!(out, "{name}")?;
            }
        }
        Some(".schema") => match words.next() {
            Some(table) => {
                let catalog = engine.catalog();
                match catalog.table(table) {
                    Some(schema) => {
                        for column in &schema.columns {
                            writeln!(out, "{}: {}", column.name, column.ty)?;
                        }
                    }
                    None => writeln!(out, "no table {table}; .tables lists them")?,
                }
            }
            None => writeln!(out, "usage: .schema TABLE")?,
        },
        Some(other) => writeln!(out, "unknown command {other}; .help lists the commands")?,
        None => {}
    }
    Ok(true)
}
