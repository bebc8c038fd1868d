//! `quarry hunt`: a rule pack over data, one scan per table, findings in the chosen format.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kql_engine::Engine;
use quarry_hunt::Rule;
use quarry_hunt::exclusion::load_exclusions;
use quarry_hunt::hunt::{AllowedTool, HuntConfig, HuntOptions, Progress, RuleStatus, hunt};
use quarry_hunt::load::load_rules;

use crate::Outcome;
use crate::args::HuntArgs;
use crate::hunt_output::{RenderOptions, render};

/// Runs `quarry hunt`.
pub fn run(args: HuntArgs) -> anyhow::Result<Outcome> {
    let mut failed = false;
    let config = load_config(args.config.as_deref())?;
    let now = args.now.unwrap_or_else(now_nanos);
    let since = args.since.as_deref().map(|t| resolve_time(t, now)).transpose().map_err(anyhow::Error::msg)?;
    let until = args.until.as_deref().map(|t| resolve_time(t, now)).transpose().map_err(anyhow::Error::msg)?;
    if let (Some(s), Some(u)) = (since, until) {
        if s >= u {
            bail!("--since must be before --until");
        }
    }
    if args.data.is_empty() {
        bail!("no data to hunt in: give telemetry files or folders with --data PATH");
    }

    let rules: Vec<Arc<Rule>> = if args.rules.is_empty() {
        quarry_hunt::generate::builtin_pack().iter().cloned().map(Arc::new).collect()
    } else {
        let loaded = load_rules(&args.rules);
        for problem in &loaded.problems {
            let level = if problem.fatal { "error" } else { "warning" };
            eprintln!("quarry: {level}: {problem}");
        }
        failed |= loaded.has_failures();
        if loaded.rules.is_empty() {
            eprintln!("quarry: error: no rules found under {}", display_paths(&args.rules));
            return Ok(Outcome::Failed);
        }
        loaded.rules
    };

    let mut exclusions = Vec::new();
    let exclusions_file = args.exclusions.clone().or(config.exclusions.clone());
    if let Some(path) = &exclusions_file {
        let file = load_exclusions(path);
        for error in &file.errors {
            eprintln!("quarry: error: {error} (exclusion not applied)");
        }
        failed |= !file.errors.is_empty();
        exclusions = file.exclusions;
    }

    let mut allow_names: Vec<String> = config.allow.clone();
    allow_names.extend(args.allow.iter().cloned());
    let allow: Vec<AllowedTool> = allow_names.iter().map(|name| allowed_tool(name)).collect();
    for tool in &allow {
        let skipped = rules
            .iter()
            .filter(|r| r.tool.as_deref().is_some_and(|t| tool.names.iter().any(|n| n.eq_ignore_ascii_case(t))))
            .count();
        if skipped == 0 {
            eprintln!("quarry: warning: --allow {}: no rule of the pack is about this tool", tool.given);
        } else {
            eprintln!(
                "quarry: --allow {}: skipping {skipped} rule{} about an approved tool",
                tool.given,
                if skipped == 1 { "" } else { "s" }
            );
        }
    }

    let options = HuntOptions {
        now,
        since,
        until,
        allow,
        exclusions,
        scenario_exclusions: args.scenario_exclusions || config.scenario_exclusions,
        direct: args.no_shared_scan,
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    let report = runtime.block_on(async {
        let mut engine = Engine::new(now);
        crate::data::register(&mut engine, &args.data).await?;
        let bar = progress_bar(rules.len());
        let verbose = args.verbose;
        let mut on_progress = |event: Progress| match event {
            Progress::Scanning { table, query } => {
                if let Some(bar) = &bar {
                    bar.set_message(format!("scanning {table}"));
                }
                if verbose {
                    let line = format!("quarry: scan {table}: {query}");
                    match &bar {
                        Some(bar) => bar.println(line),
                        None => eprintln!("{line}"),
                    }
                }
            }
            Progress::RuleDone { done, name, .. } => {
                if let Some(bar) = &bar {
                    bar.set_position(done as u64);
                    bar.set_message(name);
                }
            }
        };
        let engine = Arc::new(engine);
        let report = hunt(&engine, &rules, &options, &mut on_progress).await;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok::<_, anyhow::Error>(report)
    });
    let report = match report {
        Ok(report) => report,
        Err(err) => {
            eprintln!("quarry: error: {err:#}");
            return Ok(Outcome::Failed);
        }
    };

    for run in &report.rules {
        if let RuleStatus::Failed { reason } = &run.status {
            eprintln!("quarry: error: rule {} ({}) failed: {reason}", run.rule.id, run.rule.name);
            failed = true;
        }
    }
    if args.verbose {
        for scan in &report.scans {
            eprintln!("quarry: {scan}");
        }
    }

    let render_options = RenderOptions {
        verbose: args.verbose,
        width: if args.output.is_none() && io::stdout().is_terminal() { terminal_width() } else { None },
        color: args.output.is_none() && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        generated_at: None,
    };
    match &args.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            render(&report, args.format, &mut out, &render_options)?;
            out.flush().with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            render(&report, args.format, &mut out, &render_options)?;
            out.flush()?;
        }
    }
    Ok(if failed { Outcome::Failed } else { Outcome::Clean })
}

/// `--config FILE`, or `./quarry.toml` when it exists.
fn load_config(explicit: Option<&Path>) -> anyhow::Result<HuntConfig> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = PathBuf::from("quarry.toml");
            if !default.is_file() {
                return Ok(HuntConfig::default());
            }
            default
        }
    };
    Ok(HuntConfig::load(&path)?)
}

/// A tool named with `--allow`, with the catalogue's names for it when the catalogue knows it.
fn allowed_tool(name: &str) -> AllowedTool {
    let mut tool = AllowedTool::new(name);
    if let Some(known) = quarry_hunt::catalog::builtin().find(name) {
        tool.names.extend(known.names().map(str::to_string));
    }
    tool
}

fn progress_bar(rules: usize) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(rules as u64);
    let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} rules {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// `--since`/`--until`: a datetime, or a timespan before `now`.
fn resolve_time(text: &str, now: i64) -> Result<i64, String> {
    if let Some(t) = kql_engine::plan::literal::parse_datetime(text) {
        return Ok(t);
    }
    match kql_engine::plan::literal::parse_timespan(text) {
        Some(span) if text.chars().any(|c| c.is_ascii_alphabetic() || c == ':') => Ok(now.saturating_sub(span)),
        _ => Err(format!("`{text}` is neither a datetime (2024-05-01T12:00:00Z) nor a timespan (7d, 12h)")),
    }
}

fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
